"""File -> the SCHEMA.md result. The CLI, the API and the batch runner all call :func:`process_file`."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from . import __version__, models
from .document import Document
from .errors import JixiaoError
from .extract import EXTRACTORS, ExtractOptions, extract_records
from .parsers import parse, parse_isolated
from .settings import ParseOptions

__all__ = ["SCHEMA_VERSION", "process_file", "result_for_document"]

SCHEMA_VERSION = "1.0"


def _document_block(doc: Document) -> dict[str, Any]:
    return {
        "file_name": doc.source.file_name,
        "sha256": doc.source.sha256,
        "format": doc.source.format,
        "page_count": doc.page_count,
        "text_sha256": doc.text_sha256,
        "ocr_pages": doc.ocr_pages,
    }


def _extraction(seconds: float) -> dict[str, Any]:
    return {"pipeline_version": __version__, "extractors": list(EXTRACTORS), "models": models.used(), "seconds": round(seconds, 3)}


def result_for_document(doc: Document, options: ExtractOptions | None = None, *, started: float | None = None) -> dict[str, Any]:
    t0 = started if started is not None else time.perf_counter()
    errors: list[dict[str, str]] = []
    try:
        records = extract_records(doc, options)
    except Exception as e:  # an extractor bug must not lose the document: report it in the result
        records = []
        errors.append({"code": "internal_error", "message": f"extraction failed: {type(e).__name__}: {e}"})
    for w in doc.warnings:
        errors.append({"code": f"warning:{w.code}", "message": w.message})
    return {
        "schema_version": SCHEMA_VERSION,
        "document": _document_block(doc),
        "records": records,
        "extraction": _extraction(time.perf_counter() - t0),
        "errors": errors,
    }


def process_file(
    path: str | Path,
    parse_options: ParseOptions | None = None,
    options: ExtractOptions | None = None,
    *,
    isolate: bool = True,
) -> dict[str, Any]:
    """Parse and extract one file. Raises :class:`JixiaoError` only when the file gives no Document."""
    t0 = time.perf_counter()
    parse_options = parse_options or ParseOptions()
    doc = parse_isolated(path, parse_options) if isolate else parse(path, parse_options)
    return result_for_document(doc, options, started=t0)


def failed_result(path: str | Path, err: JixiaoError) -> dict[str, Any]:
    """The result of a file that could not be parsed: document block from the bytes, the error, no records."""
    p = Path(path)
    sha = None
    try:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        sha = h.hexdigest()
    except OSError:
        pass
    return {
        "schema_version": SCHEMA_VERSION,
        "document": {"file_name": p.name, "sha256": sha, "format": None, "page_count": None, "text_sha256": None},
        "records": [],
        "extraction": _extraction(0.0),
        "errors": [{"code": err.code, "message": str(err)}],
    }
