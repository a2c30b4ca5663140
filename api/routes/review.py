"""What the review page (``/review``, api/web) needs beside the documents API: the queue sorted
attention-first, page sizes for scaling source boxes onto page images, and a document's text
(the text ``char_span`` counts into) for highlighting spans in DOCX/XLSX/TXT/DOC files.

Derived text and page sizes are computed once in the service's worker pools and cached as files
beside the stored file (``FileStore.cache_dir``); nothing here changes the store's tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path as PathParam, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from extractor.errors import JixiaoError
from extractor.settings import ParseOptions
from extractor.store import crud
from extractor.store.models import Correction, Document

from ..deps import CurrentUser, ServiceDep
from ..schemas import ErrorOut, Text
from ..service import PDF_FORMATS, Service

__all__ = ["router", "low_fields", "text_job", "page_sizes_job"]

router = APIRouter(tags=["review"])

ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 403, 404, 422)}
StatusName = Literal["queued", "processing", "extracted", "failed", "in_review", "approved"]
DocId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]

# attention-first: documents a reviewer has to act on, then failed ones, then work in progress, then done
_STATUS_RANK = {"in_review": 0, "extracted": 0, "failed": 1, "processing": 2, "queued": 2, "approved": 3}
_QUEUE_MAX = 20000  # documents ranked per request (from the summary table, one row per record)


# -- worker jobs (run in the service's process pools; must be importable top-level functions) --------
def text_job(path: str, file_name: str, parse_options: ParseOptions) -> tuple[str, str]:
    """The document's normalised full text (what ``char_span`` counts into) and its SHA-256."""
    from extractor.parsers import parse_isolated

    with tempfile.TemporaryDirectory(prefix="jixiao-text-") as tmp:
        link = Path(tmp) / file_name
        os.symlink(path, link)
        doc = parse_isolated(link, parse_options)
    return doc.text, hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def page_sizes_job(pdf: str) -> list[list[float]]:
    """[[width, height], …] of every page of ``pdf`` in PDF points."""
    import pypdfium2 as pdfium

    from extractor.errors import CorruptFile

    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as e:
        raise CorruptFile(f"the PDF cannot be opened ({e})") from None
    try:
        return [[round(float(w), 2), round(float(h), 2)] for w, h in (doc[i].get_size() for i in range(len(doc)))]
    finally:
        doc.close()


# -- counts -------------------------------------------------------------------------------------------
def low_fields(node: Any, below: float) -> int:
    """Values whose provenance confidence is under ``below`` and that no reviewer has corrected."""
    n = 0
    if isinstance(node, dict):
        prov = node.get("prov")
        c = prov.get("confidence") if isinstance(prov, dict) else None
        if isinstance(c, (int, float)) and not isinstance(c, bool) and c < below and not node.get("review"):
            n += 1
        for k, v in node.items():
            if k not in ("validations", "review", "prov"):
                n += low_fields(v, below)
    elif isinstance(node, list):
        for v in node:
            n += low_fields(v, below)
    return n


class _Counts:
    """(document id, version) -> counts of the reviewed record, kept in memory: a version names one
    reviewed record, so an entry never goes stale."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[tuple[int, int, int | None], dict[str, int]] = {}

    def get(self, service: Service, session: Any, doc: Document) -> dict[str, int]:
        key = (doc.id, doc.version, doc.current_run_id)
        with self._lock:
            hit = self._data.get(key)
        if hit is not None:
            return hit
        counts = {"failed_checks": 0, "warn_checks": 0, "low_confidence": 0, "conflicts": 0, "corrections": 0}
        if doc.current_run_id is not None:
            res = crud.result_of(session, doc=doc, recheck=service.recheck)
            for rec in res.get("records") or []:
                for v in rec.get("validations") or []:
                    if isinstance(v, dict) and v.get("status") in ("fail", "warn"):
                        counts["failed_checks" if v["status"] == "fail" else "warn_checks"] += 1
                counts["low_confidence"] += low_fields(rec, service.settings.low_confidence)
            rv = res.get("review") or {}
            counts["conflicts"] = len(rv.get("conflicts") or [])
            counts["corrections"] = len(rv.get("corrections") or [])
        with self._lock:
            if len(self._data) > 20000:
                self._data.clear()
            self._data[key] = counts
        return counts


def _counts(service: Service) -> _Counts:
    c = getattr(service, "_review_counts", None)
    if c is None:
        c = service._review_counts = _Counts()  # type: ignore[attr-defined]
    return c


# -- responses ----------------------------------------------------------------------------------------
class QueueItem(BaseModel):
    id: int
    file_name: str
    format: str
    unit: str | None
    status: str
    version: int
    fiscal_year: int | None
    doc_type: str | None
    project_name: str | None
    grade: str | None
    failed_checks: int = Field(description="Checks with status fail, over all records.")
    warn_checks: int
    low_confidence: int = Field(description="Uncorrected values with confidence under JIXIAO_LOW_CONFIDENCE.")
    min_confidence: float | None = Field(description="The lowest confidence in the reviewed record (the ranking uses it).")
    conflicts: int = Field(description="review.conflicts left by a re-processing.")
    corrections: int


class QueueOut(BaseModel):
    items: list[QueueItem]
    total: int
    limit: int
    offset: int
    low_confidence_below: float
    counts_by_status: dict[str, int]


class LayoutOut(BaseModel):
    document_id: int
    format: str
    view: Literal["pages", "text"] = Field(description="pages: PDF page images with bboxes; text: the text with char spans.")
    page_count: int | None
    page_sizes: list[list[float]] | None = Field(description="[width, height] of each page in PDF points (PDF formats).")
    dpi: int = Field(description="Resolution of /documents/{id}/pages/{n}.png: pixels = points × dpi / 72.")
    low_confidence_below: float


class TextOut(BaseModel):
    document_id: int
    text: str
    text_sha256: str
    matches_record: bool | None = Field(description="Whether the text hashes to the result's document.text_sha256 (null: unknown).")


# -- routes -------------------------------------------------------------------------------------------
@router.get("/review/queue", response_model=QueueOut, responses=ERRORS)
def queue(
    service: ServiceDep,
    user: CurrentUser,
    unit: Annotated[Text | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    type: Annotated[Text | None, Query(max_length=60, description="meta.doc_type of a record.")] = None,
    status: Annotated[StatusName | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Any:
    """Documents the caller may see, those needing attention first: to be reviewed before failed
    before in progress before approved; within a status, documents whose corrections predate the
    current extraction run (possible conflicts), then more failed checks, then the lowest
    confidence, then the oldest. Ranked from the summary table; the exact counts (failed and
    warning checks, low-confidence values, conflicts) are read from the reviewed records of the
    page returned."""
    q = crud.filtered_query(user=user, unit=unit or None, year=year, doc_type=type or None, status=status)
    counts = _counts(service)
    with service.db.read() as s:
        docs, total = crud.list_documents(s, query=q, limit=_QUEUE_MAX, offset=0)
        summ = crud.summaries_for(s, docs=docs)
        stale = set(s.scalars(
            select(Correction.document_id).join(Document, Document.id == Correction.document_id)
            .where(Correction.run_id != Document.current_run_id).distinct()
        )) if docs else set()  # fmt: skip

        def rank(d: Document) -> tuple[Any, ...]:
            rows = summ[d.id]
            failed = sum(r.failed_checks for r in rows)
            confs = [r.min_confidence for r in rows if r.min_confidence is not None]
            return (_STATUS_RANK.get(d.status, 9), d.id not in stale, -failed, min(confs) if confs else 1.0, d.id)

        docs.sort(key=rank)
        by_status: dict[str, int] = {}
        for d in docs:
            by_status[d.status] = by_status.get(d.status, 0) + 1
        items = []
        for d in docs[offset : offset + limit]:
            c = counts.get(service, s, d)
            rows = summ[d.id]
            first = rows[0] if rows else None
            confs = [r.min_confidence for r in rows if r.min_confidence is not None]
            items.append(QueueItem(
                id=d.id, file_name=d.file_name, format=d.format, unit=d.unit, status=d.status, version=d.version,
                fiscal_year=first.fiscal_year if first else None, doc_type=first.doc_type if first else None,
                project_name=first.project_name if first else None, grade=first.grade if first else None,
                min_confidence=min(confs) if confs else None, **c,
            ))  # fmt: skip
    return QueueOut(
        items=items, total=total, limit=limit, offset=offset, low_confidence_below=service.settings.low_confidence, counts_by_status=by_status
    )


def _cached_json(path: Path, make: Any) -> Any:
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    value = make()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")  # concurrent first requests
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return value


@router.get("/documents/{doc_id}/layout", response_model=LayoutOut, responses={**ERRORS, 409: {"model": ErrorOut}})
def layout(service: ServiceDep, user: CurrentUser, doc_id: DocId) -> Any:
    """How the review page shows the source: page images with boxes (PDF, scans) or the text
    with spans (DOCX, DOC, XLSX, XLS, TXT, HTML), and the page sizes for scaling boxes."""
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
        summary_pages = None
        if doc.current_run_id is not None:
            res = crud.result_of(s, doc=doc)
            summary_pages = (res.get("document") or {}).get("page_count")
    sizes = None
    if doc.format in PDF_FORMATS:
        cache = service.files.cache_dir(doc.sha256) / "page-sizes.json"
        try:
            sizes = _cached_json(cache, lambda: service.renderer.run(page_sizes_job, str(service.files.path(doc.sha256))))
        except JixiaoError:
            sizes = None
    return LayoutOut(
        document_id=doc.id, format=doc.format, view="pages" if doc.format in PDF_FORMATS else "text",
        page_count=len(sizes) if sizes is not None else summary_pages, page_sizes=sizes,
        dpi=service.settings.page_dpi, low_confidence_below=service.settings.low_confidence,
    )  # fmt: skip


@router.get("/documents/{doc_id}/text", response_model=TextOut, responses={**ERRORS, 409: {"model": ErrorOut}})
def text(service: ServiceDep, user: CurrentUser, doc_id: DocId) -> Any:
    """The document's normalised full text, the one every ``char_span`` counts into (parsed once
    in a worker, cached beside the file)."""
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
        want = None
        if doc.current_run_id is not None:
            want = (crud.result_of(s, doc=doc).get("document") or {}).get("text_sha256")
    cache = service.files.cache_dir(doc.sha256) / "text.json"
    path, name, opts = str(service.files.path(doc.sha256)), doc.file_name, service.parse_options
    got = _cached_json(cache, lambda: dict(zip(("text", "sha256"), service.extractors.run(text_job, path, name, opts))))
    return TextOut(document_id=doc.id, text=got["text"], text_sha256=got["sha256"], matches_record=(got["sha256"] == want) if want else None)
