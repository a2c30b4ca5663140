"""Exports of the reviewed records (xlsx, csv) and the bureau roll-up (json, xlsx, png)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from extractor.export import review_tables, write_review_xlsx, write_rollup_xlsx
from extractor.store import crud
from extractor.store.summary import rollup as compute_rollup

from ..deps import CurrentUser, ReviewerUser, ServiceDep
from ..schemas import ErrorOut, Text

router = APIRouter(tags=["exports"])

ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 403, 422)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
StatusName = Literal["queued", "processing", "extracted", "failed", "in_review", "approved"]
TableName = Literal["documents", "amounts", "indicators", "problems", "measures", "checks"]


def _filters(
    unit: Annotated[Text | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    type: Annotated[Text | None, Query(max_length=60)] = None,
    status: Annotated[StatusName | None, Query()] = None,
    grade: Annotated[Text | None, Query(max_length=4)] = None,
    failed_checks: Annotated[bool | None, Query()] = None,
    low_confidence: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    return {"unit": unit, "year": year, "doc_type": type, "status": status, "grade": grade, "failed_checks": failed_checks, "low_confidence": low_confidence}


Filters = Annotated[dict[str, Any], Depends(_filters)]


def _tables(service: Any, user: Any, f: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    low = service.settings.low_confidence if f.pop("low_confidence") else None
    q = crud.filtered_query(user=user, low_confidence=low, **f)
    items = []
    with service.db.read() as s:
        docs, _total = crud.list_documents(s, query=q, limit=100000, offset=0)
        for d in docs:
            if d.current_run_id is None:
                continue
            res = crud.result_of(s, doc=d, recheck=service.recheck)
            info = {"id": d.id, "unit": d.unit, "status": d.status, "version": d.version, "corrections": len(res["review"]["corrections"])}
            items.append((info, res))
    return review_tables(items)


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/export.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}})
def export_xlsx(service: ServiceDep, user: CurrentUser, f: Filters) -> Response:
    """The reviewed records of the documents the filters select (a unit sees its own), one sheet per
    table: 文档, 金额, 指标, 问题, 整改措施, 校验. Money in yuan as exact numbers."""
    buf = io.BytesIO()
    write_review_xlsx(_tables(service, user, f), buf)
    return _download(buf.getvalue(), XLSX, "jixiao-export.xlsx")


@router.get("/export.csv", response_class=Response, responses={**ERRORS, 200: {"content": {"text/csv": {}}}})
def export_csv(service: ServiceDep, user: CurrentUser, f: Filters, table: Annotated[TableName, Query()] = "documents") -> Response:
    """One table of the export as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    headers, rows = _tables(service, user, f)[table]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows([["" if v is None else v for v in row] for row in rows])
    return _download(("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", f"jixiao-{table}.csv")


def _rollup(service: Any, year: int | None, unit: str | None, approved_only: bool, user: Any) -> dict[str, Any]:
    q = crud.filtered_query(user=user, unit=unit, status="approved" if approved_only else None)
    with service.db.read() as s:
        rows = crud.summary_rows(s, query=q, year=year)
    return compute_rollup(rows, year=year)


Year = Annotated[int | None, Query(ge=1900, le=2200, description="Fiscal year evaluated (all years when absent).")]
Unit = Annotated[Text | None, Query(max_length=200)]
Approved = Annotated[bool, Query(description="Count approved documents only.")]


@router.get("/rollup", responses=ERRORS)
def rollup(service: ServiceDep, user: ReviewerUser, year: Year = None, unit: Unit = None, approved_only: Approved = False) -> JSONResponse:
    """The bureau's figures for a year: units covered, projects and money evaluated, grade
    distribution, projects below 良 (candidates for cuts), problems by category and unit."""
    return JSONResponse(_rollup(service, year, unit, approved_only, user))


@router.get("/rollup.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}})
def rollup_xlsx(service: ServiceDep, user: ReviewerUser, year: Year = None, unit: Unit = None, approved_only: Approved = False) -> Response:
    buf = io.BytesIO()
    write_rollup_xlsx(_rollup(service, year, unit, approved_only, user), buf)
    return _download(buf.getvalue(), XLSX, f"jixiao-rollup-{year or 'all'}.xlsx")


@router.get("/rollup.png", response_class=Response, responses={**ERRORS, 200: {"content": {"image/png": {}}}})
def rollup_png(service: ServiceDep, user: ReviewerUser, year: Year = None, unit: Unit = None, approved_only: Approved = False) -> Response:
    from ..charts import rollup_png as chart

    return Response(chart(_rollup(service, year, unit, approved_only, user)), media_type="image/png")


__all__ = ["router"]
