"""Work done off the request, in worker processes: extraction and page images.

Why processes: :func:`extractor.pipeline.process_file` parses in a forked child under a time and
memory limit (``isolate=True``), but the extraction that follows runs in the caller and is pure
Python. In a process pool it neither holds the server's GIL nor slows its event loop, and the
parse child is forked from a small single-threaded worker (the pool starts its workers from a
``forkserver``), not from the multi-threaded server. Page rendering (pypdfium2, C code that
reads untrusted PDFs) runs in its own one-process pool for the same isolation, so a crash costs a
worker, never the service. A thread per job waits on the pool and writes the outcome to the store.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable

from extractor.errors import ConversionFailed, JixiaoError
from extractor.settings import ParseOptions

__all__ = ["JobRunner", "ProcessPool", "extract_job", "pdf_job", "render_job"]

log = logging.getLogger("jixiao.jobs")


def _warm() -> int:
    import extractor.pipeline  # noqa: F401  (import once per worker, not on the first upload)

    return os.getpid()


def extract_job(path: str, file_name: str, parse_options: ParseOptions, extract_options: Any) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """``process_file`` on a stored file under its (sanitised) upload name: (result, error or None)."""
    from extractor.pipeline import failed_result, process_file

    with tempfile.TemporaryDirectory(prefix="jixiao-job-") as tmp:
        link = Path(tmp) / file_name
        os.symlink(path, link)
        try:
            return process_file(link, parse_options, extract_options, isolate=True), None
        except JixiaoError as e:
            return failed_result(link, e), (e.code, e.message)


_PDF_INPUT = {"docx": "docx", "doc": "doc", "xlsx": "xlsx", "xls": "xls", "txt": "txt", "html": "html"}


def pdf_job(src: str, fmt: str, out_pdf: str, parse_options: ParseOptions) -> str:
    """Convert a stored DOCX/DOC/XLSX/XLS/TXT/HTML file to PDF with LibreOffice (for page images)."""
    from extractor.parsers.doc import find_soffice, soffice_convert

    program = find_soffice(parse_options)
    ext = _PDF_INPUT.get(fmt)
    if ext is None:
        raise ConversionFailed(f"a {fmt} file has no pages to show")
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        inp = work / f"input.{ext}"
        shutil.copyfile(src, inp)
        result = soffice_convert(program, inp, work, "pdf", "pdf", parse_options.convert_timeout_s)
        tmp_out = Path(out_pdf).with_suffix(".part")
        shutil.copyfile(result, tmp_out)
        os.replace(tmp_out, out_pdf)
    return out_pdf


def render_job(pdf: str, page: int, dpi: int, out_png: str) -> int:
    """Render page ``page`` (1-based) of ``pdf`` to ``out_png``; returns the page count (the
    page is not rendered when it is out of range)."""
    import pypdfium2 as pdfium

    from extractor.errors import CorruptFile, EncryptedFile

    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise EncryptedFile("the PDF is password-protected") from None
        raise CorruptFile(f"the PDF cannot be opened ({msg})") from None
    try:
        n = len(doc)
        if 1 <= page <= n:
            img = doc[page - 1].render(scale=dpi / 72).to_pil()
            tmp = Path(out_png).with_suffix(".part")
            img.save(tmp, format="PNG", optimize=False)
            os.replace(tmp, out_png)
        return n
    finally:
        doc.close()


class ProcessPool:
    """A process pool started from a forkserver that replaces itself when a worker dies."""

    def __init__(self, workers: int, *, name: str):
        self.workers, self.name = workers, name
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(["extractor.pipeline"])
                self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
            return self._pool

    def warm(self) -> None:
        pool = self._get()
        for f in [pool.submit(_warm) for _ in range(self.workers)]:
            f.result(timeout=120)

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in a worker and wait. A dead worker is reported as an internal error."""
        pool = self._get()
        try:
            fut: Future[Any] = pool.submit(fn, *args)
            return fut.result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            log.error("%s: a worker process died; the pool was restarted", self.name)
            raise JixiaoError("a worker process died while handling this file") from None

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class JobRunner:
    """Threads that each wait for one job in a process pool (``submit(fn)`` runs ``fn()`` in a thread)."""

    def __init__(self, workers: int):
        self._threads = ThreadPoolExecutor(max(1, workers), thread_name_prefix="jixiao-job")

    def submit(self, fn: Callable[[], None]) -> Future[None]:
        def wrapped() -> None:
            t0 = time.perf_counter()
            try:
                fn()
            except Exception:
                log.exception("job failed after %.1f s", time.perf_counter() - t0)

        return self._threads.submit(wrapped)

    def shutdown(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
