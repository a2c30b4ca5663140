"""What the list filters, exports and the roll-up read from a reviewed result.

``summarise(result, unit)`` gives one row per record (year, type, grade, score, money, failed
checks, lowest confidence, problem categories); ``rollup(rows)`` adds them up into the figures a
bureau's annual work summary reports (units covered, projects and money evaluated, grade
distribution, projects below 良, problems by category and unit). Money stays Decimal.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from ..extract.lexicon import LEX
from ..textnorm import fold_key

__all__ = ["BELOW_GOOD", "GRADES", "effective_grade", "rollup", "summarise"]

GRADES = ("优", "良", "中", "差", "合格", "不合格")
BELOW_GOOD = ("中", "差", "合格", "不合格")  # candidates for cuts (DOMAIN §0.2: 'below 良')
_LABELS = {fold_key(k): v for k, v in LEX["grades"]["labels"].items()}


def _v(f: Any) -> Any:
    return f.get("value") if isinstance(f, dict) else f


def _dec(x: Any) -> Decimal | None:
    x = _v(x)
    if x in (None, ""):
        return None
    try:
        return Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def _norm_grade(x: Any) -> str | None:
    if not isinstance(x, str) or not x.strip():
        return None
    g = x.strip()
    return g if g in GRADES else _LABELS.get(fold_key(g).rstrip("级"))


def effective_grade(score: dict[str, Any]) -> str | None:
    """The grade as reported (a reviewer's correction included), else as computed from the total."""
    for cand in (_v(score.get("grade_reported")), score.get("grade_normalized"), score.get("grade_computed")):
        g = _norm_grade(cand)
        if g:
            return g
    return None


def _min_confidence(node: Any) -> float | None:
    """The lowest ``confidence`` anywhere in a record (not in validations or review notes).
    Iterative: a batch summarises thousands of records with hundreds of provenance blocks each."""
    low: float | None = None
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            c = n.get("confidence")
            if c.__class__ in (int, float) and "check_id" not in n and (low is None or c < low):
                low = float(c)
            stack.extend(v for k, v in n.items() if k not in ("validations", "review") and v.__class__ in (dict, list))
        else:
            stack.extend(v for v in n if v.__class__ in (dict, list))
    return low


def _categories(p: dict[str, Any]) -> list[str]:
    cats = []
    for c in p.get("categories") or []:
        if isinstance(c, dict):
            label = c.get("label") or c.get("code")
            code = c.get("code")
            cats.append(f"{code} {label}" if code and label and code != label else str(label or code))
    return cats or ["未分类"]


def summarise(result: dict[str, Any], unit: str | None) -> list[dict[str, Any]]:
    rows = []
    for i, rec in enumerate(result.get("records") or []):
        meta, budget, score = rec.get("meta") or {}, rec.get("budget") or {}, rec.get("score") or {}
        fy = _v(meta.get("fiscal_year"))
        try:
            fy = int(fy) if fy is not None else None
        except (TypeError, ValueError):
            fy = None
        low = _min_confidence(rec)
        if isinstance(meta.get("doc_type_confidence"), (int, float)) and (low is None or meta["doc_type_confidence"] < low):
            low = float(meta["doc_type_confidence"])
        total = _dec(score.get("total_reported")) or _dec(score.get("total_computed"))
        money = {k: _dec(budget.get(k)) for k in ("initial", "full_year", "executed")}
        rows.append({
            "record_index": i,
            "fiscal_year": fy,
            "doc_type": meta.get("doc_type"),
            "project_name": _v(meta.get("project_name")),
            "unit": unit or _v(meta.get("implementing_unit")) or _v(meta.get("issuer")),
            "grade": effective_grade(score),
            "score": format(total, "f") if total is not None else None,
            "budget_initial": format(money["initial"], "f") if money["initial"] is not None else None,
            "budget_full_year": format(money["full_year"], "f") if money["full_year"] is not None else None,
            "budget_executed": format(money["executed"], "f") if money["executed"] is not None else None,
            "failed_checks": sum(1 for v in rec.get("validations") or [] if v.get("status") == "fail"),
            "min_confidence": low,
            "problems": [_categories(p) for p in rec.get("problems") or [] if isinstance(p, dict)],
        })  # fmt: skip
    return rows


def _wan(y: Decimal) -> str:
    return format((y / 10000).quantize(Decimal("0.01")), "f")


def _distinct(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per project: the same report submitted twice (a PDF and its DOCX, a resubmission)
    is one project of one unit in one year. The approved record stands for it, else the newest
    document's. Records without a project name are never merged."""
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        name = (r.get("project_name") or "").strip()
        key = (r.get("fiscal_year"), r.get("unit"), name) if name else ("record", r["document_id"], r.get("record_index"))
        cur = best.get(key)
        rank = (r.get("status") == "approved", r["document_id"])
        if cur is None or rank > (cur.get("status") == "approved", cur["document_id"]):
            best[key] = r
    return sorted(best.values(), key=lambda r: (r["document_id"], r.get("record_index") or 0))


def rollup(rows: list[dict[str, Any]], *, year: int | None) -> dict[str, Any]:
    """Bureau figures from summary rows (dicts with the keys of :func:`summarise` plus
    ``document_id``, ``status``, ``file_name``); a project submitted in several files counts once."""
    all_rows = rows
    rows = _distinct(rows)
    units = {r["unit"] for r in rows if r.get("unit")}
    projects = [r for r in rows if (r.get("doc_type") or "").endswith("project") or r.get("project_name")]
    sums = {k: sum((Decimal(r[k]) for r in rows if r.get(k)), Decimal(0)) for k in ("budget_initial", "budget_full_year", "budget_executed")}
    grades = Counter(r.get("grade") or "未评级" for r in rows)
    below = [
        {k: r.get(k) for k in ("document_id", "record_index", "file_name", "project_name", "unit", "grade", "score", "budget_full_year", "status")}
        for r in rows if r.get("grade") in BELOW_GOOD
    ]  # fmt: skip
    by_cat: Counter[str] = Counter()
    by_unit: Counter[str] = Counter()
    for r in rows:
        for cats in r.get("problems") or []:
            by_unit[r.get("unit") or "未知单位"] += 1
            for c in cats:
                by_cat[c] += 1
    by_unit_money: dict[str, Decimal] = {}
    for r in rows:
        if r.get("budget_full_year"):
            u = r.get("unit") or "未知单位"
            by_unit_money[u] = by_unit_money.get(u, Decimal(0)) + Decimal(r["budget_full_year"])
    rate = (sums["budget_executed"] / sums["budget_full_year"] * 100).quantize(Decimal("0.01")) if sums["budget_full_year"] else None
    return {
        "year": year,
        "documents": len({r["document_id"] for r in all_rows}),
        "records": len(all_rows),
        "records_counted": len(rows),
        "duplicates_merged": len(all_rows) - len(rows),
        "units_covered": len(units),
        "units": sorted(units),
        "projects_evaluated": len(projects),
        "approved_records": sum(1 for r in rows if r.get("status") == "approved"),
        "money": {
            "budget_initial_yuan": format(sums["budget_initial"], ".2f"),
            "budget_full_year_yuan": format(sums["budget_full_year"], ".2f"),
            "executed_yuan": format(sums["budget_executed"], ".2f"),
            "budget_full_year_wan": _wan(sums["budget_full_year"]),
            "executed_wan": _wan(sums["budget_executed"]),
            "execution_rate": format(rate, "f") if rate is not None else None,
        },
        "money_by_unit_yuan": {u: format(v, ".2f") for u, v in sorted(by_unit_money.items(), key=lambda kv: -kv[1])},
        "grade_distribution": {g: grades.get(g, 0) for g in (*GRADES, "未评级")},
        "below_good": sorted(below, key=lambda r: (r["grade"] or "", r["unit"] or "")),
        "problems_by_category": dict(by_cat.most_common()),
        "problems_by_unit": dict(by_unit.most_common()),
    }
