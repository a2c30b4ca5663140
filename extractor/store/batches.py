"""Batch state in the store (issue #8): batch runs and their items, the skip rule, and storing a
batch result as a new extraction run of the document the service shows.

A file is *unchanged* when a document with its sha256 has a finished run (done, or failed for a
reason of the file's own) whose versions — pipeline version, extractor versions and model sha256s
— hash to the batch's :func:`version_key`. Each document's result is committed in its own
transaction, so a batch killed at any moment keeps everything finished before, and a rerun skips
it. A batch's row records its host and pid; one that stopped without finishing is marked
``interrupted`` (by its own process on an exception or Ctrl-C, else by the next batch on the same
host, which finds the process gone).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .crud import add_document, conflicts_of, finish_run, start_run
from .models import BatchItem, BatchRun, Document, ExtractionRun, RunStatus, utcnow

__all__ = ["current_versions", "finish_batch", "item_counts", "item_rows", "mark_interrupted", "record_item", "start_batch", "store_result", "unchanged_run", "version_key"]

# failures that say something about the environment, not the file: retried by the next batch
RETRY_CODES = {"internal_error", "environment", "converter_missing", "ocr_unavailable", "worker_died"}


def version_key(versions: dict[str, Any]) -> str:
    """sha256 of the versions a machine record depends on (pipeline, extractors, models)."""
    canon = {"pipeline_version": versions.get("pipeline_version"), "extractors": versions.get("extractors") or [], "models": versions.get("models") or []}
    return hashlib.sha256(json.dumps(canon, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def current_versions(label: str = "") -> dict[str, Any]:
    """The versions this installation's pipeline writes into a result's ``extraction`` block."""
    from ..pipeline import _extraction

    ext = _extraction(0.0)
    ext.pop("seconds", None)
    if label:
        ext["pipeline_version"] = f"{ext.get('pipeline_version')}+{label}"
    return ext


def _run_key(run: ExtractionRun) -> str:
    return version_key({"pipeline_version": run.pipeline_version, "extractors": run.extractors, "models": run.models})


def unchanged_run(session: Session, *, sha256: str, key: str) -> tuple[int, int] | None:
    """(document id, run id) when the file's newest finished run has these versions."""
    doc = session.scalar(select(Document).where(Document.sha256 == sha256))
    if doc is None:
        return None
    run = session.scalar(
        select(ExtractionRun).where(ExtractionRun.document_id == doc.id, ExtractionRun.status.in_((RunStatus.DONE, RunStatus.FAILED)))
        .order_by(ExtractionRun.id.desc()).limit(1)
    )  # fmt: skip
    if run is None or _run_key(run) != key:
        return None
    if run.status == RunStatus.FAILED and run.error_code in RETRY_CODES:
        return None
    return doc.id, run.id


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def item_counts(session: Session, *, batch_id: int) -> dict[str, int]:
    rows = session.execute(select(BatchItem.status, func.count()).where(BatchItem.batch_id == batch_id).group_by(BatchItem.status))
    return {status: n for status, n in rows}


def mark_interrupted(session: Session, *, batch_id: int | None = None) -> list[int]:
    """Batches left "running" by a process that is gone (killed, or stopped by an error or Ctrl-C)
    become "interrupted", with the counts of their items. Without ``batch_id``: every running batch
    started on this host whose process no longer exists (one on another host is left alone)."""
    if batch_id is not None:
        runs = [b for b in [session.get(BatchRun, batch_id)] if b is not None and b.status == "running"]
    else:
        host = socket.gethostname()
        runs = [b for b in session.scalars(select(BatchRun).where(BatchRun.status == "running"))
                if (b.options or {}).get("host") == host and isinstance((b.options or {}).get("pid"), int) and not _alive(b.options["pid"])]
    for b in runs:
        b.status, b.finished_at = "interrupted", utcnow()
        b.counts = {"items": item_counts(session, batch_id=b.id)}
    return [b.id for b in runs]


def start_batch(session: Session, *, inputs: list[str], options: dict[str, Any], versions: dict[str, Any]) -> int:
    mark_interrupted(session)
    options = {**options, "host": socket.gethostname(), "pid": os.getpid()}
    b = BatchRun(status="running", inputs=inputs, options=options, version_key=version_key(versions), versions=versions)
    session.add(b)
    session.flush()
    return b.id


def record_item(session: Session, *, batch_id: int, source: str, status: str, sha256: str | None = None, size: int | None = None,
                reason: str | None = None, message: str | None = None, document_id: int | None = None, run_id: int | None = None) -> int:  # fmt: skip
    it = BatchItem(batch_id=batch_id, source=source, sha256=sha256, size=size, status=status, reason=reason, message=message,
                   document_id=document_id, run_id=run_id, conflicts=0)  # fmt: skip
    session.add(it)
    session.flush()
    return it.id


def store_result(
    session: Session, *, item_id: int, file_name: str, fmt: str | None, result: dict[str, Any], error: tuple[str, str] | None,
    seconds: float, pages: int | None, peak_rss_mb: float | None, recheck: Any = None, diff: Any = None,
) -> BatchItem:
    """The outcome of one batch item: a new extraction run (a new document when the bytes are new),
    the diff against the document's previous machine record and the conflicts with corrections."""
    item = session.get(BatchItem, item_id)
    assert item is not None and item.sha256 is not None
    doc, run = add_document(session, sha256=item.sha256, file_name=file_name, size=item.size or 0, fmt=(fmt or "unknown")[:16], unit=None, user=None)
    previous = None
    if run is None:  # a known document: re-processing adds a run
        prev_run = session.get(ExtractionRun, doc.current_run_id) if doc.current_run_id else None
        previous = prev_run.result if prev_run is not None else None
        item.previous_run_id = doc.current_run_id
        run = ExtractionRun(document_id=doc.id, status=RunStatus.QUEUED)
        session.add(run)
        session.flush()
    start_run(session, run_id=run.id)
    finish_run(session, run_id=run.id, result=result, error=error, seconds=seconds, recheck=recheck)
    item.document_id, item.run_id = doc.id, run.id
    item.status = "failed" if error else "done"
    item.reason, item.message = (error[0], error[1][:2000]) if error else (None, None)
    item.seconds, item.pages, item.peak_rss_mb = round(seconds, 3), pages, peak_rss_mb
    if previous is not None and diff is not None and not error:
        item.changes = diff(previous, result)
    if doc.current_run_id == run.id:
        item.conflicts = len(conflicts_of(session, doc=doc))
    item.updated_at = utcnow()
    return item


def finish_batch(session: Session, *, batch_id: int, counts: dict[str, Any]) -> None:
    b = session.get(BatchRun, batch_id)
    assert b is not None
    b.status, b.finished_at, b.counts = "done", utcnow(), counts


def item_rows(session: Session, *, batch_id: int) -> list[dict[str, Any]]:
    out = []
    for it in session.scalars(select(BatchItem).where(BatchItem.batch_id == batch_id).order_by(BatchItem.id)):
        out.append({c.name: getattr(it, c.name) for c in BatchItem.__table__.columns})
    return out
