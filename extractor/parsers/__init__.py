"""Parsers: every format into one :class:`~extractor.document.Document`.

``parse(path)`` detects the format from the bytes and calls the module registered for it. A new
format is one module plus one line in ``PARSERS``. ``parse_isolated(path)`` does the same in a
child process under a wall-clock and memory limit, so a parser that hangs or explodes is killed
and reported as a typed error instead of taking the caller down.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing as mp
import os
import resource
import traceback
from pathlib import Path
from typing import Any

from ..document import Document, SourceInfo
from ..errors import ERROR_CODES, CorruptFile, JixiaoError, ParseTimeout, ResourceLimit
from ..settings import ParseOptions
from .detect import detect_format

__all__ = ["PARSERS", "address_space", "parse", "parse_isolated", "detect_format"]

# detected kind -> "module:function"
PARSERS: dict[str, str] = {
    "pdf": "extractor.parsers.pdf:parse",
    "docx": "extractor.parsers.docx:parse",
    "doc": "extractor.parsers.doc:parse",
    "xlsx": "extractor.parsers.xlsx:parse_xlsx",
    "xls": "extractor.parsers.xlsx:parse_xls",
    "txt": "extractor.parsers.text:parse_txt",
    "html": "extractor.parsers.text:parse_html",
    "image": "extractor.parsers.image:parse",
}


def _sha256(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def parse(path: str | os.PathLike[str], options: ParseOptions | None = None, *, file_name: str | None = None) -> Document:
    """Parse one file in this process. Raises a :class:`~extractor.errors.JixiaoError` subclass."""
    options = options or ParseOptions()
    p = str(path)
    name = file_name or Path(p).name
    try:
        if not os.path.isfile(p):
            raise CorruptFile("no such file, or not a regular file", hint="Check the path.")
        kind = detect_format(p, options)
        digest, size = _sha256(p)
        source = SourceInfo(file_name=name, sha256=digest, size=size, format=kind, detected_as=kind)
        module, func = PARSERS[kind].split(":")
        fn = getattr(importlib.import_module(module), func)
        doc: Document = fn(p, source, options)
        if options.ocr and any(pg.needs_ocr for pg in doc.pages):
            from ..ocr import ocr_document  # the OCR stage: scanned pages, images, broken fonts

            doc = ocr_document(doc, p, options)
        return doc
    except JixiaoError as e:
        e.file = e.file or name
        raise


def address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * resource.getpagesize()


def _child(conn: Any, path: str, options: ParseOptions, file_name: str | None) -> None:
    # The child is a fork: it starts with the caller's address space. The limit is what the
    # parser may add on top of that, so it means the same whatever the caller had loaded.
    if options.memory_mb:
        try:
            limit = address_space() + int(options.memory_mb) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    try:
        conn.send(("ok", parse(path, options, file_name=file_name)))
    except JixiaoError as e:
        conn.send(("error", (e.code, e.message, e.hint)))
    except MemoryError:
        conn.send(("error", (ResourceLimit.code, f"the parser needed more than {options.memory_mb} MiB", ResourceLimit.hint)))
    except BaseException as e:  # a bug in a parser or a library: report it, with where it happened
        tb = traceback.format_exc(limit=-3)
        conn.send(("error", ("internal_error", f"{type(e).__name__}: {e}\n{tb}", JixiaoError.hint)))
    finally:
        conn.close()


def parse_isolated(path: str | os.PathLike[str], options: ParseOptions | None = None, *, file_name: str | None = None) -> Document:
    """``parse`` in a forked child, killed after ``options.timeout_s``; it may allocate at most
    ``options.memory_mb`` MiB of address space beyond what it started with."""
    options = options or ParseOptions()
    name = file_name or Path(str(path)).name
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, str(path), options, file_name), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(options.timeout_s):
            raise ParseTimeout(f"parsing took longer than {options.timeout_s:g} s and was stopped", file=name)
        try:
            status, payload = recv.recv()
        except EOFError:
            proc.join(5)
            code = proc.exitcode
            raise ResourceLimit(f"the parser process died (exit code {code}); likely out of memory", file=name) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        recv.close()
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    code, message, hint = payload
    cls = ERROR_CODES.get(code, JixiaoError)
    err = cls(message, file=name, hint=hint)
    raise err
