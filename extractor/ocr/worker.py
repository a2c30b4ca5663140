"""An OCR worker process: ``python -m extractor.ocr.worker FD``.

It loads the engine once, then reads :class:`~extractor.ocr.page.PageJob` objects from the
connection on file descriptor ``FD`` and answers each with ``("ok", OcrPage)`` or
``("error", message)``; ``None`` (or the parent going away) ends it. If the engine cannot be
loaded it answers ``("fatal", code, message)`` and exits.

Workers are separate programs, not ``multiprocessing`` children, because the parser itself may
run in a daemonic child (``parse_isolated``), which ``multiprocessing`` forbids to have children.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from multiprocessing.connection import Connection


def main(argv: list[str]) -> int:
    conn = Connection(int(argv[0]))
    threads, det_side = int(argv[1]), int(argv[2])
    try:
        import cv2

        cv2.setNumThreads(1)
        from ..errors import JixiaoError
        from .engine import get_engine
        from .page import ocr_page

        engine = get_engine(threads=threads, det_side=det_side)
    except JixiaoError as e:
        conn.send(("fatal", e.code, e.message))
        return 1
    except Exception as e:
        conn.send(("fatal", "ocr_unavailable", f"the OCR engine cannot be loaded ({type(e).__name__}: {e})"))
        return 1
    conn.send(("ready",))
    cache: dict[str, object] = {}
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        try:
            result = ("ok", ocr_page(engine, job, cache))
        except Exception as e:  # a page the engine or the renderer cannot handle
            where = traceback.extract_tb(e.__traceback__)[-1]
            result = ("error", f"{type(e).__name__}: {e} (in {Path(where.filename).name}:{where.lineno})")
        try:
            conn.send(result)
        except (EOFError, OSError, BrokenPipeError):
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
