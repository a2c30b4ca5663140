"""Documents: upload, list, read, the reviewed result, the original file, page images,
corrections, approve/reopen and the audit trail."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select

from extractor.errors import Forbidden, InputError, JixiaoError, PreconditionRequired, RequestError, TooManyFiles
from extractor.store import crud
from extractor.store.models import Document, ExtractionRun, RecordSummary

from ..deps import CurrentUser, IfMatch, ReviewerUser, ServiceDep, etag, parse_if_match
from ..errors import error_body, error_response, status_of
from ..schemas import (
    CorrectionsIn,
    DocumentList,
    DocumentPublic,
    ErrorOut,
    HistoryOut,
    RecordSummaryPublic,
    RunPublic,
    Text,
    TransitionIn,
    UploadItem,
    UploadOut,
)  # fmt: skip

router = APIRouter(tags=["documents"])

StatusName = Literal["queued", "processing", "extracted", "failed", "in_review", "approved"]

ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 403, 404, 422)}

_MEDIA = {
    "pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel", "txt": "text/plain; charset=utf-8", "html": "text/html; charset=utf-8",
}  # fmt: skip


def _public(doc: Document, summaries: list[RecordSummary], runs: list[ExtractionRun] | None = None) -> DocumentPublic:
    base = f"/documents/{doc.id}"
    return DocumentPublic(
        id=doc.id, file_name=doc.file_name, sha256=doc.sha256, size=doc.size, format=doc.format, unit=doc.unit, status=doc.status,  # type: ignore[arg-type]
        version=doc.version, created_at=doc.created_at, updated_at=doc.updated_at,
        records=[RecordSummaryPublic.model_validate(s) for s in summaries],
        runs=[RunPublic.model_validate(r) for r in runs or []],
        links={"self": base, "result": f"{base}/result", "file": f"{base}/file", "page": f"{base}/pages/1.png", "history": f"{base}/history"},
    )  # fmt: skip


@router.post("/documents", status_code=202, response_model=UploadOut, responses={**ERRORS, 413: {"model": ErrorOut}, 415: {"model": ErrorOut}})
def upload(
    service: ServiceDep,
    user: CurrentUser,
    files: Annotated[list[UploadFile], File(description="One or many report files (PDF, DOCX, DOC, XLSX, XLS, TXT, HTML).")],
    unit: Annotated[Text | None, Form(max_length=200, description="The budget unit the reports belong to (a unit user's own unit by default).")] = None,
) -> Any:
    """Store the files and queue their extraction (202). The same bytes uploaded again are the
    same document (``duplicate: true``). A rejected file gets its error beside the others; when
    every file is rejected the answer is that error."""
    if len(files) > service.settings.max_upload_files:
        raise TooManyFiles(f"{len(files)} files in one request (limit {service.settings.max_upload_files})")
    if user.role == "unit":
        if unit not in (None, "", user.unit):
            raise Forbidden(f"a unit user uploads for its own unit ({user.unit}) only")
        unit = user.unit
    unit = (unit or "").strip() or None
    items: list[UploadItem] = []
    errors: list[JixiaoError] = []
    for f in files:
        try:
            doc, created = service.ingest(f.file, file_name=f.filename, unit=unit, user=user)
            items.append(UploadItem(file_name=doc.file_name, id=doc.id, status=doc.status, duplicate=not created))
        except InputError as e:
            errors.append(e)
            items.append(UploadItem(file_name=e.file or "upload", error=error_body(e, status_of(e))["error"]))
        finally:
            f.file.close()
    if errors and len(errors) == len(files):
        return error_response(errors[0], details=[i.model_dump(exclude_none=True) for i in items] if len(items) > 1 else None)
    return UploadOut(documents=items)


@router.get("/documents", response_model=DocumentList, responses=ERRORS)
def list_documents(
    service: ServiceDep,
    user: CurrentUser,
    unit: Annotated[Text | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Fiscal year of a record.")] = None,
    type: Annotated[Text | None, Query(max_length=60, description="meta.doc_type of a record, e.g. self_eval_project.")] = None,
    status: Annotated[StatusName | None, Query()] = None,
    grade: Annotated[Text | None, Query(max_length=4, description="优 良 中 差 合格 不合格")] = None,
    failed_checks: Annotated[bool | None, Query(description="Only documents with (true) or without (false) a failed check.")] = None,
    low_confidence: Annotated[bool, Query(description="Only documents with a field below JIXIAO_LOW_CONFIDENCE.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Any:
    q = crud.filtered_query(
        user=user, unit=unit, year=year, doc_type=type, status=status, grade=grade, failed_checks=failed_checks,
        low_confidence=service.settings.low_confidence if low_confidence else None,
    )  # fmt: skip
    with service.db.read() as s:
        docs, total = crud.list_documents(s, query=q, limit=limit, offset=offset)
        summ = crud.summaries_for(s, docs=docs)
    return DocumentList(items=[_public(d, summ[d.id]) for d in docs], total=total, limit=limit, offset=offset)


DocId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/documents/{doc_id}", response_model=DocumentPublic, responses=ERRORS)
def get_document(service: ServiceDep, user: CurrentUser, doc_id: DocId, response: Response) -> Any:
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
        summ = crud.summaries_for(s, docs=[doc])[doc.id]
        runs = list(s.scalars(select(ExtractionRun).where(ExtractionRun.document_id == doc.id).order_by(ExtractionRun.id)))
        conflicts = crud.conflicts_of(s, doc=doc)
    response.headers["ETag"] = etag(doc.version)
    out = _public(doc, summ, runs)
    out.conflicts = conflicts
    return out


@router.get("/documents/{doc_id}/result", responses={**ERRORS, 409: {"model": ErrorOut}})
def get_result(service: ServiceDep, user: CurrentUser, doc_id: DocId) -> JSONResponse:
    """The SCHEMA.md result with the reviewers' corrections applied; each corrected field carries
    ``review: [{pointer, op, old, new, reason, by, at}]`` and ``review`` at the top lists them all."""
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
        res = crud.result_of(s, doc=doc, recheck=service.recheck)
    return JSONResponse(res, headers={"ETag": etag(doc.version)})


@router.get("/documents/{doc_id}/file", response_class=FileResponse, responses=ERRORS)
def get_file(service: ServiceDep, user: CurrentUser, doc_id: DocId) -> FileResponse:
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
    return FileResponse(
        service.files.path(doc.sha256), media_type=_MEDIA.get(doc.format, "application/octet-stream"),
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(doc.file_name)}", "X-Content-Type-Options": "nosniff"},
    )  # fmt: skip


@router.get("/documents/{doc_id}/pages/{n}.png", response_class=FileResponse, responses={**ERRORS, 503: {"model": ErrorOut}})
def get_page(service: ServiceDep, user: CurrentUser, doc_id: DocId, n: Annotated[int, Path(ge=1, le=100000)]) -> FileResponse:
    """Page ``n`` (1-based) as PNG, for review; DOCX/DOC/XLSX are converted to PDF once by LibreOffice."""
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
    return FileResponse(service.page_png(doc, n), media_type="image/png")


@router.patch("/documents/{doc_id}/fields", responses={**ERRORS, 409: {"model": ErrorOut}, 428: {"model": ErrorOut}})
def correct(service: ServiceDep, user: ReviewerUser, doc_id: DocId, body: CorrectionsIn, if_match: IfMatch = None) -> JSONResponse:
    """Apply corrections (all or none) to the record version named by If-Match; returns the
    reviewed result with its new ETag. A stale version gets 409 ``version_conflict``."""
    version = parse_if_match(if_match)
    if version is None:
        raise PreconditionRequired("a correction needs If-Match with the ETag of the record it was made on")
    items = []
    for c in body.corrections:
        if c.op != "remove" and "value" not in c.model_fields_set:
            raise RequestError(f"{c.pointer}: {c.op} needs a value")
        items.append({"op": c.op, "pointer": c.pointer, "value": c.value, "reason": c.reason})
    with service.db.write() as s:
        doc = crud.add_corrections(s, doc_id=doc_id, if_version=version, items=items, user=user, recheck=service.recheck)
    with service.db.read() as s:
        res = crud.result_of(s, doc=doc, recheck=service.recheck)
    return JSONResponse(res, headers={"ETag": etag(doc.version)})


def _transition(service: Any, user: Any, doc_id: int, action: str, body: TransitionIn | None, if_match: str | None) -> JSONResponse:
    with service.db.write() as s:
        doc = crud.transition(s, doc_id=doc_id, action=action, user=user, if_version=parse_if_match(if_match), note=body.note if body else None)
    with service.db.read() as s:
        summ = crud.summaries_for(s, docs=[doc])[doc.id]
    return JSONResponse(_public(doc, summ).model_dump(mode="json"), headers={"ETag": etag(doc.version)})


@router.post("/documents/{doc_id}/approve", response_model=DocumentPublic, responses={**ERRORS, 409: {"model": ErrorOut}})
def approve(service: ServiceDep, user: ReviewerUser, doc_id: DocId, body: TransitionIn | None = None, if_match: IfMatch = None) -> JSONResponse:
    """Extracted or in review → approved (If-Match optional)."""
    return _transition(service, user, doc_id, "approve", body, if_match)


@router.post("/documents/{doc_id}/reopen", response_model=DocumentPublic, responses={**ERRORS, 409: {"model": ErrorOut}})
def reopen(service: ServiceDep, user: ReviewerUser, doc_id: DocId, body: TransitionIn | None = None, if_match: IfMatch = None) -> JSONResponse:
    """Approved → in review, so it can be corrected again (If-Match optional)."""
    return _transition(service, user, doc_id, "reopen", body, if_match)


@router.get("/documents/{doc_id}/history", response_model=HistoryOut, responses=ERRORS)
def history(service: ServiceDep, user: CurrentUser, doc_id: DocId) -> Any:
    """Every event (upload, extraction, corrections with old and new values, approve, reopen), oldest first."""
    with service.db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id, user=user)
        events = crud.history(s, doc=doc)
    return HistoryOut(document_id=doc.id, status=doc.status, version=doc.version, events=events)
