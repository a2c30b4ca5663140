"""Request and response models (pydantic). Storage-only columns (token hashes, file paths) never
appear here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

__all__ = [
    "CorrectionIn", "CorrectionsIn", "Text", "DocumentList", "DocumentPublic", "ErrorOut", "HistoryOut", "RecordSummaryPublic", "RunPublic",
    "TransitionIn", "UploadItem", "UploadOut", "UserCreate", "UserPublic", "UserToken",
]  # fmt: skip


def _no_nul(v: str) -> str:
    if "\x00" in v:
        raise ValueError("NUL characters are not allowed in text")
    return v


Text = Annotated[str, AfterValidator(_no_nul)]
"""A string without NUL characters (which no database column can hold)."""


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code (README: Error codes).")
    message: str
    hint: str
    status: int
    details: list[Any] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


class RecordSummaryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    record_index: int
    fiscal_year: int | None
    doc_type: str | None
    project_name: str | None
    unit: str | None
    grade: str | None
    score: str | None
    budget_initial: str | None = Field(description="yuan, decimal string")
    budget_full_year: str | None = Field(description="yuan, decimal string")
    budget_executed: str | None = Field(description="yuan, decimal string")
    failed_checks: int
    min_confidence: float | None


class RunPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    status: str
    pipeline_version: str | None
    schema_version: str | None
    extractors: list[Any] | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    error_code: str | None
    error_message: str | None


class DocumentPublic(BaseModel):
    id: int
    file_name: str
    sha256: str
    size: int
    format: str
    unit: str | None
    status: Literal["queued", "processing", "extracted", "failed", "in_review", "approved"]
    version: int = Field(description="Record version; the ETag is its quoted form.")
    created_at: datetime
    updated_at: datetime
    records: list[RecordSummaryPublic] = []
    runs: list[RunPublic] = []
    links: dict[str, str] = {}
    conflicts: list[dict[str, Any]] = Field(default=[], description="Corrections made on an older machine record whose machine value changed in the current one (issue #8): [{pointer, correction_id, machine_old, machine_new, corrected}]; the result's review.conflicts holds the same.")


class DocumentList(BaseModel):
    items: list[DocumentPublic]
    total: int
    limit: int
    offset: int


class UploadItem(BaseModel):
    file_name: str
    id: int | None = None
    status: str | None = None
    duplicate: bool = False
    error: ErrorDetail | None = None


class UploadOut(BaseModel):
    documents: list[UploadItem]


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["replace", "add", "remove"] = "replace"
    pointer: Text = Field(min_length=1, max_length=1000, description="RFC 6901 pointer into the record, e.g. /records/0/budget/executed/value; '-' appends to a list.")
    value: JsonValue = Field(None, description="The new value (not for remove). Money and decimals as strings.")
    reason: Text = Field(min_length=1, max_length=2000, description="Why the value changes (kept in the audit trail).")


class CorrectionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    corrections: list[CorrectionIn] = Field(min_length=1, max_length=500)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Text | None = Field(None, max_length=2000)


class HistoryOut(BaseModel):
    document_id: int
    status: str
    version: int
    events: list[dict[str, Any]]


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    role: str
    unit: str | None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=100)
    role: Literal["unit", "reviewer", "admin"]
    unit: Text | None = Field(None, max_length=200)


class UserToken(UserPublic):
    token: str = Field(description="Shown once; only its hash is stored.")
