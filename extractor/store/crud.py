"""Store operations: keyword-only functions that take a ``session`` (the caller owns the
transaction: :meth:`Database.write` for changes, :meth:`Database.read` for queries).

Every change of a document's reviewed record or review status bumps ``documents.version`` (the
ETag). A write that names a version (If-Match) locks the row first (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so of two writers holding the same version the second
gets :class:`VersionConflict` and nothing of it is stored.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Forbidden, InvalidState, NotFound, NotReady, RequestError, VersionConflict
from .models import ROLES, Correction, DocStatus, Document, Event, ExtractionRun, RecordSummary, RunStatus, User, utcnow
from .review import reviewed_result
from .summary import summarise

__all__ = [
    "add_corrections", "add_document", "can_see", "conflicts_of", "filtered_query", "finish_run", "get_document", "hash_token",
    "history", "issue_token", "list_documents", "pending_runs", "result_of", "start_run", "summaries_for", "summary_rows", "transition",
    "user_for_token",
]  # fmt: skip

Recheck = Callable[[dict[str, Any]], list[dict[str, Any]]] | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, name: str, role: str, unit: str | None = None, rotate: bool = False) -> tuple[User, str]:
    """Create user ``name`` (or, with ``rotate``, give an existing one a new token); returns the
    user and the token, which is shown once: only its hash is stored."""
    if role not in ROLES:
        raise RequestError(f"unknown role {role!r}", hint=f"Use one of {', '.join(ROLES)}.")
    if role == "unit" and not unit:
        raise RequestError("a unit user needs its unit", hint="Give --unit with the budget unit's name.")
    token = "jx_" + secrets.token_urlsafe(32)
    user = session.scalar(select(User).where(User.name == name))
    if user is not None and not rotate:
        raise RequestError(f"user {name!r} exists already", hint="Choose another name.")
    if user is None:
        user = User(name=name, role=role, unit=unit, token_hash=hash_token(token))
        session.add(user)
    else:
        user.role, user.unit, user.token_hash = role, unit, hash_token(token)
    session.flush()
    return user, token


def user_for_token(session: Session, *, token: str) -> User | None:
    user = session.scalar(select(User).where(User.token_hash == hash_token(token)))
    return None if user is None or user.disabled else user


def can_see(user: User, doc: Document) -> bool:
    return user.role != "unit" or (doc.unit is not None and doc.unit == user.unit)


def get_document(session: Session, *, doc_id: int, user: User | None = None, lock: bool = False) -> Document:
    doc = session.get(Document, doc_id, with_for_update=lock)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    if user is not None and not can_see(user, doc):
        raise Forbidden(f"document {doc_id} belongs to another unit")
    return doc


def _event(session: Session, doc: Document, kind: str, user: User | None, detail: dict[str, Any] | None = None) -> None:
    session.add(Event(document_id=doc.id, kind=kind, user_id=user.id if user else None, version=doc.version, detail=detail))


def add_document(
    session: Session, *, sha256: str, file_name: str, size: int, fmt: str, unit: str | None, user: User | None
) -> tuple[Document, ExtractionRun | None]:
    """The document with these bytes, created and queued for extraction when new.
    Returns (document, the queued run or None when the bytes were known already)."""
    doc = session.scalar(select(Document).where(Document.sha256 == sha256))
    if doc is None:
        try:
            with session.begin_nested():
                doc = Document(sha256=sha256, file_name=file_name, size=size, format=fmt, unit=unit,
                               uploaded_by=user.id if user else None, status=DocStatus.QUEUED, version=1)  # fmt: skip
                session.add(doc)
                session.flush()
        except IntegrityError:  # the same bytes arrived at the same moment: theirs is ours
            doc = session.scalar(select(Document).where(Document.sha256 == sha256))
            assert doc is not None
        else:
            run = ExtractionRun(document_id=doc.id, status=RunStatus.QUEUED)
            session.add(run)
            session.flush()
            _event(session, doc, "uploaded", user, {"file_name": file_name, "size": size, "format": fmt, "unit": unit, "run_id": run.id})
            return doc, run
    _event(session, doc, "uploaded_again", user, {"file_name": file_name, "unit": unit})
    return doc, None


def pending_runs(session: Session) -> list[tuple[int, int]]:
    """(run id, document id) of runs queued or interrupted mid-way (a restart re-queues them)."""
    rows = session.execute(
        select(ExtractionRun.id, ExtractionRun.document_id)
        .where(ExtractionRun.status.in_((RunStatus.QUEUED, RunStatus.PROCESSING)))
        .order_by(ExtractionRun.id)
    )
    return [(r[0], r[1]) for r in rows]


def start_run(session: Session, *, run_id: int) -> tuple[Document, ExtractionRun]:
    run = session.get(ExtractionRun, run_id, with_for_update=True)
    if run is None:
        raise NotFound(f"no extraction run {run_id}")
    doc = get_document(session, doc_id=run.document_id, lock=True)
    run.status, run.started_at = RunStatus.PROCESSING, utcnow()
    if doc.status in (DocStatus.QUEUED, DocStatus.FAILED):
        doc.status = DocStatus.PROCESSING
    return doc, run


def finish_run(
    session: Session, *, run_id: int, result: dict[str, Any], error: tuple[str, str] | None, seconds: float, recheck: Recheck = None
) -> Document:
    """Store the machine record of a run (``result``, verbatim) and its outcome."""
    run = session.get(ExtractionRun, run_id, with_for_update=True)
    if run is None:
        raise NotFound(f"no extraction run {run_id}")
    doc = get_document(session, doc_id=run.document_id, lock=True)
    ext = result.get("extraction") or {}
    run.result = _storable(result)
    run.finished_at, run.seconds = utcnow(), round(seconds, 3)
    run.pipeline_version, run.schema_version = ext.get("pipeline_version"), result.get("schema_version")
    run.extractors, run.models = ext.get("extractors"), ext.get("models")
    if error:
        run.status, (run.error_code, run.error_message) = RunStatus.FAILED, error
    else:
        run.status = RunStatus.DONE
    keep_review = doc.status in (DocStatus.IN_REVIEW, DocStatus.APPROVED)
    if not error or doc.current_run_id is None:
        doc.current_run_id = run.id
    if not keep_review:
        doc.status = DocStatus.FAILED if error else DocStatus.EXTRACTED
    doc.version += 1
    doc.updated_at = utcnow()
    _event(session, doc, "extraction_failed" if error else "extracted", None,
           {"run_id": run.id, "seconds": run.seconds, "pipeline_version": run.pipeline_version, "error_code": run.error_code,
            "error": run.error_message, "records": len(result.get("records") or [])})  # fmt: skip
    if doc.status == DocStatus.APPROVED and doc.current_run_id == run.id:
        conflicts = result_of(session, doc=doc)["review"]["conflicts"]
        if conflicts:  # a corrected field whose machine value changed: the reviewer decides again
            doc.status = DocStatus.IN_REVIEW
            _event(session, doc, "reopened", None, {"reason": "conflicts", "run_id": run.id, "conflicts": len(conflicts)})
    _refresh_summaries(session, doc, recheck)
    return doc


def _storable(v: Any) -> Any:
    """``v`` as given, unless a string in it holds NUL, which no JSON column of PostgreSQL takes:
    then those characters become U+FFFD (the only change ever made to a machine record)."""
    if "\\u0000" not in json.dumps(v):
        return v

    def clean(x: Any) -> Any:
        if isinstance(x, str):
            return x.replace("\x00", "\ufffd")
        if isinstance(x, dict):
            return {clean(k): clean(y) for k, y in x.items()}
        if isinstance(x, list):
            return [clean(y) for y in x]
        return x

    return clean(v)


def _corrections(session: Session, doc_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Correction, User.name).outerjoin(User, User.id == Correction.user_id).where(Correction.document_id == doc_id).order_by(Correction.id)
    )
    return [_correction_dict(c, name) for c, name in rows]


def _correction_dict(c: Correction, by: str | None) -> dict[str, Any]:
    return {
        "id": c.id, "op": c.op, "pointer": c.pointer, "old_value": c.old_value if c.old_present else None, "new_value": c.new_value,
        "reason": c.reason, "by": by, "at": _iso(c.created_at), "version": c.version, "run_id": c.run_id, "anchor": c.anchor,
    }  # fmt: skip


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def _machine(session: Session, doc: Document) -> dict[str, Any]:
    if doc.current_run_id is None:
        raise NotReady(f"document {doc.id} is {doc.status}: no extraction result yet")
    run = session.get(ExtractionRun, doc.current_run_id)
    assert run is not None and run.result is not None
    return run.result  # type: ignore[no-any-return]


def result_of(session: Session, *, doc: Document, recheck: Recheck = None) -> dict[str, Any]:
    """The reviewed record: machine record + corrections, each corrected field marked; corrections
    made on an older machine record whose value changed are listed in ``review.conflicts``."""
    corrections = _corrections(session, doc.id)
    older = {c["run_id"] for c in corrections if c["run_id"] is not None and c["run_id"] != doc.current_run_id}
    machines = {r.id: r.result for r in session.scalars(select(ExtractionRun).where(ExtractionRun.id.in_(older)))} if older else {}
    res = reviewed_result(_machine(session, doc), corrections, recheck=recheck, machines=machines, current_run_id=doc.current_run_id)
    res["review"].update({"document_id": doc.id, "status": doc.status, "version": doc.version, "run_id": doc.current_run_id})
    return res


def conflicts_of(session: Session, *, doc: Document) -> list[dict[str, Any]]:
    """``review.conflicts`` of the document's reviewed record ([] without corrections from an older run)."""
    if doc.current_run_id is None or not session.scalar(
        select(exists().where(Correction.document_id == doc.id, Correction.run_id != doc.current_run_id))
    ):
        return []
    return result_of(session, doc=doc)["review"]["conflicts"]  # type: ignore[no-any-return]


def _refresh_summaries(session: Session, doc: Document, recheck: Recheck) -> None:
    session.execute(delete(RecordSummary).where(RecordSummary.document_id == doc.id))
    if doc.current_run_id is None:
        return
    for row in summarise(result_of(session, doc=doc, recheck=recheck), doc.unit):
        session.add(RecordSummary(document_id=doc.id, **row))


def _check_version(doc: Document, if_version: int | None) -> None:
    if if_version is not None and if_version != doc.version:
        raise VersionConflict(f"document {doc.id} is at version {doc.version}, your change was made on version {if_version}")


def _strip_marks(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_marks(x) for k, x in v.items() if k != "review"}
    if isinstance(v, list):
        return [_strip_marks(x) for x in v]
    return v


def add_corrections(
    session: Session, *, doc_id: int, if_version: int, items: Sequence[dict[str, Any]], user: User, recheck: Recheck = None
) -> Document:
    """Append corrections (dicts: op, pointer, value, reason) made on version ``if_version``.
    All or nothing: a bad pointer or a stale version stores none of them."""
    from .review import MISSING, anchor_of, apply_op

    doc = get_document(session, doc_id=doc_id, user=user, lock=True)
    _check_version(doc, if_version)
    if doc.status == DocStatus.APPROVED:
        raise InvalidState(f"document {doc_id} is approved: reopen it before correcting")
    if doc.status not in (DocStatus.EXTRACTED, DocStatus.IN_REVIEW):
        raise InvalidState(f"document {doc_id} is {doc.status}: only an extracted document can be corrected")
    if not items:
        raise RequestError("no corrections given")
    current = result_of(session, doc=doc)
    doc.version += 1
    now = utcnow()
    rows = []
    for it in items:
        value = it.get("value", MISSING) if it["op"] != "remove" else MISSING
        anchor = anchor_of(current, it["pointer"]) or None
        old, _parent, _key = apply_op(current, it["op"], it["pointer"], value)
        c = Correction(
            anchor=anchor,
            document_id=doc.id, run_id=doc.current_run_id, version=doc.version, op=it["op"], pointer=it["pointer"],
            old_present=old is not MISSING, old_value=None if old is MISSING else _strip_marks(old),
            new_value=None if value is MISSING else value, reason=it["reason"], user_id=user.id, created_at=now,
        )  # fmt: skip
        session.add(c)
        rows.append(c)
    session.flush()
    doc.status = DocStatus.IN_REVIEW
    doc.updated_at = now
    _event(session, doc, "corrected", user, {"corrections": [c.id for c in rows]})
    _refresh_summaries(session, doc, recheck)
    return doc


_TRANSITIONS = {
    "approve": ((DocStatus.EXTRACTED, DocStatus.IN_REVIEW), DocStatus.APPROVED, "approved"),
    "reopen": ((DocStatus.APPROVED,), DocStatus.IN_REVIEW, "reopened"),
}


def transition(session: Session, *, doc_id: int, action: str, user: User, if_version: int | None = None, note: str | None = None) -> Document:
    """``approve`` (extracted or in review → approved) or ``reopen`` (approved → in review)."""
    allowed, to, kind = _TRANSITIONS[action]
    doc = get_document(session, doc_id=doc_id, user=user, lock=True)
    _check_version(doc, if_version)
    if doc.status not in allowed:
        raise InvalidState(f"document {doc_id} is {doc.status}: cannot {action} it (needs {' or '.join(allowed)})")
    doc.status = to
    doc.version += 1
    doc.updated_at = utcnow()
    _event(session, doc, kind, user, {"note": note} if note else None)
    return doc


def history(session: Session, *, doc: Document) -> list[dict[str, Any]]:
    corr = {c["id"]: c for c in _corrections(session, doc.id)}
    rows = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.user_id).where(Event.document_id == doc.id).order_by(Event.id)
    )
    out = []
    for ev, name in rows:
        item = {"id": ev.id, "kind": ev.kind, "at": _iso(ev.at), "by": name, "version": ev.version, "detail": ev.detail or {}}
        if ev.kind == "corrected":
            item["corrections"] = [corr[i] for i in (ev.detail or {}).get("corrections", []) if i in corr]
        out.append(item)
    return out


def filtered_query(
    *, user: User, unit: str | None = None, year: int | None = None, doc_type: str | None = None, status: str | None = None,
    grade: str | None = None, failed_checks: bool | None = None, low_confidence: float | None = None,
):  # -> Select[tuple[Document]]
    """Documents the user may see, filtered; record-level filters match any record of a document."""
    q = select(Document)
    if user.role == "unit":
        q = q.where(Document.unit == user.unit)
    if unit is not None:
        q = q.where(Document.unit == unit)
    if status is not None:
        q = q.where(Document.status == status)
    conds = []
    if year is not None:
        conds.append(RecordSummary.fiscal_year == year)
    if doc_type is not None:
        conds.append(RecordSummary.doc_type == doc_type)
    if grade is not None:
        conds.append(RecordSummary.grade == grade)
    if failed_checks is not None:
        conds.append(RecordSummary.failed_checks > 0 if failed_checks else RecordSummary.failed_checks == 0)
    if low_confidence is not None:
        conds.append(RecordSummary.min_confidence < low_confidence)
    if conds:
        q = q.where(exists().where(RecordSummary.document_id == Document.id, *conds))
    return q


def list_documents(session: Session, *, query: Any, limit: int, offset: int) -> tuple[list[Document], int]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    docs = session.scalars(query.order_by(Document.id).limit(limit).offset(offset)).all()
    return list(docs), int(total)


def summaries_for(session: Session, *, docs: Sequence[Document]) -> dict[int, list[RecordSummary]]:
    """Summary rows of these documents, by document id."""
    out: dict[int, list[RecordSummary]] = {d.id: [] for d in docs}
    if docs:
        for s in session.scalars(select(RecordSummary).where(RecordSummary.document_id.in_(list(out))).order_by(RecordSummary.record_index)):
            out[s.document_id].append(s)
    return out


def summary_rows(session: Session, *, query: Any, year: int | None = None) -> list[dict[str, Any]]:
    """Summary rows (dicts) of the documents selected by ``query``, of fiscal year ``year``."""
    sub = query.subquery()
    q = select(RecordSummary, sub.c.status, sub.c.file_name).join(sub, sub.c.id == RecordSummary.document_id)
    if year is not None:
        q = q.where(RecordSummary.fiscal_year == year)
    out = []
    for s, status, file_name in session.execute(q.order_by(RecordSummary.document_id, RecordSummary.record_index)):
        d = {c.name: getattr(s, c.name) for c in RecordSummary.__table__.columns}
        d.update(status=status, file_name=file_name)
        out.append(d)
    return out
