"""The service object behind the API and ``jixiao serve --load``: settings, store, files, workers.

Uploads and the CLI loader go through :meth:`Service.ingest`; extraction runs in the process pool
(:mod:`api.jobs`) through :func:`extractor.pipeline.process_file`, the function ``jixiao extract``
calls, and its result is stored verbatim as the machine record.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, BinaryIO

from extractor.errors import FormatNotAllowed, InputError, NotFound
from extractor.parsers.detect import detect_format
from extractor.settings import Settings
from extractor.store import crud
from extractor.store.db import Database
from extractor.store.files import FileStore, sanitize_filename
from extractor.store.models import Document, User
from extractor.store.review import rederive

from .jobs import JobRunner, ProcessPool, extract_job, pdf_job, render_job

__all__ = ["Service"]

log = logging.getLogger("jixiao.service")

PDF_FORMATS = ("pdf", "pdf_text", "pdf_scanned", "pdf_mixed")


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.parse_options = settings.parse_options()
        self.extract_options = settings.extract_options()
        self.allowed_formats = {f.strip() for f in settings.upload_formats.split(",") if f.strip()}
        self.max_file_bytes = int(settings.max_file_mb * 2**20)
        self.db = Database(settings.sqlalchemy_url())
        self.files = FileStore(settings.data_dir)
        self.extractors = ProcessPool(settings.workers, name="extraction")
        self.renderer = ProcessPool(1, name="pages")
        self.jobs = JobRunner(settings.workers)

    # -- life cycle -------------------------------------------------------------------------
    def start(self, *, warm: bool = True) -> None:
        self.db.upgrade()
        if warm:
            self.extractors.warm()
        with self.db.read() as s:
            pending = crud.pending_runs(s)
        for run_id, _doc_id in pending:  # queued before a restart, or cut off mid-way
            self._queue(run_id)

    def stop(self) -> None:
        self.jobs.shutdown()
        self.extractors.shutdown()
        self.renderer.shutdown()
        self.db.dispose()

    def recheck(self, rec: dict[str, Any]) -> list[dict[str, Any]]:
        return rederive(rec, self.extract_options)

    # -- uploads and extraction -------------------------------------------------------------
    def ingest(self, stream: BinaryIO, *, file_name: str | None, unit: str | None, user: User | None) -> tuple[Document, bool]:
        """Keep an uploaded file (content-addressed) and queue it; returns (document, created).
        Raises an InputError (size, type, zip bomb, empty) before anything is stored."""
        name = sanitize_filename(file_name)
        tmp, sha, size = self.files.receive(stream, max_bytes=self.max_file_bytes)
        try:
            kind = detect_format(str(tmp), self.parse_options)
            if kind not in self.allowed_formats:
                raise FormatNotAllowed(f"{kind} files are not accepted here (JIXIAO_UPLOAD_FORMATS={self.settings.upload_formats})")
        except InputError as e:
            tmp.unlink(missing_ok=True)
            e.file = name
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.files.keep(tmp, sha)
        with self.db.write() as s:
            doc, run = crud.add_document(s, sha256=sha, file_name=name, size=size, fmt=kind, unit=unit, user=user)
            run_id = run.id if run else None
        if run_id is not None:
            self._queue(run_id)
        return doc, run_id is not None

    def ingest_path(self, path: Path, *, unit: str | None = None, user: User | None = None) -> tuple[Document, bool]:
        with open(path, "rb") as fh:
            return self.ingest(fh, file_name=path.name, unit=unit, user=user)

    def _queue(self, run_id: int) -> None:
        self.jobs.submit(lambda: self._extract(run_id))

    def _extract(self, run_id: int) -> None:
        with self.db.write() as s:
            doc, _run = crud.start_run(s, run_id=run_id)
            sha, name = doc.sha256, doc.file_name
        t0 = time.perf_counter()
        path = self.files.path(sha)
        try:
            result, error = self.extractors.run(extract_job, str(path), name, self.parse_options, self.extract_options)
        except Exception as e:  # a dead worker or a bug: the document fails, the service goes on
            from extractor.errors import JixiaoError
            from extractor.pipeline import failed_result

            err = e if isinstance(e, JixiaoError) else JixiaoError(f"{type(e).__name__}: {e}")
            result, error = failed_result(path, err), (err.code, err.message)
            result["document"]["file_name"] = name
        with self.db.write() as s:
            crud.finish_run(s, run_id=run_id, result=result, error=error, seconds=time.perf_counter() - t0, recheck=self.recheck)

    # -- page images ------------------------------------------------------------------------
    def page_png(self, doc: Document, page: int) -> Path:
        """A PNG of page ``page`` (1-based), rendered once and cached beside the file."""
        dpi = self.settings.page_dpi
        cache = self.files.cache_dir(doc.sha256)
        png = cache / f"page-{page}-{dpi}.png"
        if png.exists():
            return png
        if doc.format in PDF_FORMATS:
            pdf = self.files.path(doc.sha256)
        else:
            pdf = cache / "preview.pdf"
            if not pdf.exists():
                self.renderer.run(pdf_job, str(self.files.path(doc.sha256)), doc.format, str(pdf), self.parse_options)
        count = self.renderer.run(render_job, str(pdf), page, dpi, str(png))
        if not png.exists():
            raise NotFound(f"document {doc.id} has {count} page(s), not a page {page}", hint=f"Ask for a page from 1 to {count}.")
        return png
