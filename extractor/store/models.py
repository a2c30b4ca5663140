"""The store's tables (SQLAlchemy 2). Migrations in ``migrations/versions`` create them.

The machine record and the human layer are kept apart:

- ``extraction_runs.result`` is the result dict of :func:`extractor.pipeline.process_file`,
  verbatim; a re-processing adds a new run (and so a new machine record), it never edits one.
- ``corrections`` are appended, never updated: each names the JSON pointer, the value it replaced
  (``old_value``), the new value, the reason, who and when. The record a reviewer sees is the
  current machine record with every correction applied in order.
- ``events`` is the audit trail (upload, extraction, corrections, approve, reopen).
- ``record_summaries`` is a derived cache of the reviewed record (year, type, grade, money …),
  rewritten after every change, that the list filters, exports and the roll-up query.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Base", "BatchItem", "BatchRun", "Correction", "Document", "DocStatus", "Event", "ExtractionRun", "RecordSummary", "RunStatus", "User", "ROLES", "utcnow",
]

ROLES = ("unit", "reviewer", "admin")

JsonType = JSON(none_as_null=False).with_variant(JSONB(none_as_null=False), "postgresql")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone: it is put back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class DocStatus:
    QUEUED, PROCESSING, EXTRACTED, FAILED, IN_REVIEW, APPROVED = "queued", "processing", "extracted", "failed", "in_review", "approved"
    ALL = (QUEUED, PROCESSING, EXTRACTED, FAILED, IN_REVIEW, APPROVED)


class RunStatus:
    QUEUED, PROCESSING, DONE, FAILED = "queued", "processing", "done", "failed"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(200), index=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    current_run_id: Mapped[int | None] = mapped_column(Integer)  # the run whose machine record is reviewed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExtractionRun(Base):
    __tablename__ = "extraction_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    pipeline_version: Mapped[str | None] = mapped_column(String(32))
    schema_version: Mapped[str | None] = mapped_column(String(16))
    extractors: Mapped[Any] = mapped_column(JsonType, nullable=True)
    models: Mapped[Any] = mapped_column(JsonType, nullable=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seconds: Mapped[float | None] = mapped_column(Float)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[Any] = mapped_column(JsonType, nullable=True)  # the machine record, verbatim


class Correction(Base):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("extraction_runs.id"))  # the machine record it was made on
    version: Mapped[int] = mapped_column(Integer)  # the document version this correction produced
    op: Mapped[str] = mapped_column(String(8))  # replace | add | remove
    pointer: Mapped[str] = mapped_column(Text)
    old_present: Mapped[bool] = mapped_column(Boolean)
    old_value: Mapped[Any] = mapped_column(JsonType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JsonType, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # identity keys of the list items on the pointer's path (review.anchor_of), so the correction
    # finds its item again in a re-processed record that reordered a list (issue #8)
    anchor: Mapped[Any] = mapped_column(JsonType, nullable=True)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer)
    detail: Mapped[Any] = mapped_column(JsonType, nullable=True)


class RecordSummary(Base):
    __tablename__ = "record_summaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    record_index: Mapped[int] = mapped_column(Integer)
    fiscal_year: Mapped[int | None] = mapped_column(Integer, index=True)
    doc_type: Mapped[str | None] = mapped_column(String(40))
    project_name: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(200))  # uploader's unit, else the record's issuer
    grade: Mapped[str | None] = mapped_column(String(4))
    score: Mapped[str | None] = mapped_column(String(16))
    budget_initial: Mapped[str | None] = mapped_column(String(32))  # yuan, Decimal as text (exact on every backend)
    budget_full_year: Mapped[str | None] = mapped_column(String(32))
    budget_executed: Mapped[str | None] = mapped_column(String(32))
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)
    min_confidence: Mapped[float | None] = mapped_column(Float)
    problems: Mapped[Any] = mapped_column(JsonType, nullable=True)  # [[category code or label, …] per problem]


class BatchRun(Base):
    """One ``jixiao batch`` invocation (issue #8): what it was asked, the versions it ran with, its counts."""

    __tablename__ = "batch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # running | done | interrupted (stopped unfinished)
    inputs: Mapped[Any] = mapped_column(JsonType, nullable=True)  # paths given
    options: Mapped[Any] = mapped_column(JsonType, nullable=True)  # workers, scheduler, reprocess; host and pid of the batch process
    version_key: Mapped[str] = mapped_column(String(64))
    versions: Mapped[Any] = mapped_column(JsonType, nullable=True)  # pipeline_version, extractors, models
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counts: Mapped[Any] = mapped_column(JsonType, nullable=True)


class BatchItem(Base):
    """One input file of a batch and its outcome: pending, done, failed or skipped (unchanged / duplicate)."""

    __tablename__ = "batch_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch_runs.id"), index=True)
    source: Mapped[str] = mapped_column(Text)  # path, or archive.zip!member/name
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(String(40))  # error code, or why it was skipped
    message: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    run_id: Mapped[int | None] = mapped_column(Integer)
    previous_run_id: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[float | None] = mapped_column(Float)
    peak_rss_mb: Mapped[float | None] = mapped_column(Float)
    changes: Mapped[Any] = mapped_column(JsonType, nullable=True)  # diff against the previous machine record
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
