"""Score and grade: the total as reported, the total recomputed from row scores, the grade as
reported and as the band rules give it (DOMAIN §3.1, §3.4)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..numbers import parse_decimal
from ..textnorm import fold_key
from .fields import Ctx, field
from .lexicon import LEX
from .stream import Tok
from .tables import IndicatorBlock

__all__ = ["NAME", "VERSION", "extract_score", "grade_for", "BAND_SCHEMES"]

NAME, VERSION = "score", "0.2.0"
EXTRACTOR = f"{NAME}@{VERSION}"

BAND_SCHEMES: dict[str, dict[str, Any]] = LEX["grades"]["schemes"]
_GRADES: dict[str, str] = {fold_key(k): v for k, v in LEX["grades"]["labels"].items()}
_TOTAL_RX = re.compile(
    r"(?:自评|评价|综合|最终|绩效评价|考核)(?:总)?(?:得分|分数|评分|分值)(?:为|是|:|：|达到|达)?\s*[“\"]?(\d{1,3}(?:\.\d+)?)\s*分"
    r"|(?:总分|总得分|得分)(?:为|是|:|：)\s*(\d{1,3}(?:\.\d+)?)\s*分?"
)
_GRADE_RX = re.compile(
    r"(?:等级|等次|结果|结论|评定|评级|评价)(?:为|是|:|：|属于|评定为|确定为)?\s*[“\"「『']?(优秀|良好|优|良|中等|合格|不合格|较差|差|[ABCD]级?)[”\"」』']?"
)


def grade_for(total: Decimal, scheme: str = "mof_2020_10") -> str:
    """The grade of ``total`` under a band scheme: lower bounds inclusive, on the unrounded total."""
    bands = BAND_SCHEMES[scheme]["bands"]
    for lower, label in bands:
        if total >= Decimal(str(lower)):
            return str(label)
    return str(bands[-1][1])


def extract_score(
    ctx: Ctx,
    indicators: list[IndicatorBlock],
    budget: dict[str, Any],
    prose: list[Tok],
    scheme: str = "mof_2020_10",
) -> dict[str, Any]:
    out: dict[str, Any] = {"total_weight": None, "total_reported": None, "total_computed": None,
                           "grade_reported": None, "grade_normalized": None, "grade_computed": None,
                           "grade_basis": None, "band_scheme": f"{scheme}: {BAND_SCHEMES[scheme]['description']}"}
    # the 总分 row of the indicator table
    for ib in indicators:
        w, s = ib.total.get("weight"), ib.total.get("score")
        if w is not None:
            out["total_weight"] = _fmt(parse_decimal(w.text))
        if s is not None and parse_decimal(s.text) is not None:
            out["total_reported"] = field(_fmt(parse_decimal(s.text)), s.text, ctx.prov(
                s.start, s.end, method="table_parser", extractor=EXTRACTOR, confidence=0.9, tok=s))
    if out["total_reported"] is None:
        for t in prose:
            m = _TOTAL_RX.search(t.text)
            if m:
                g = 1 if m.group(1) else 2
                v = Decimal(m.group(g))
                if v <= 100:
                    s0, e0 = t.start + m.start(g), t.start + m.end(g)
                    out["total_reported"] = field(_fmt(v), ctx.doc.text[t.start + m.start() : t.start + m.end()], ctx.prov(
                        s0, e0, method="regex", extractor=EXTRACTOR, confidence=0.85, tok=t if t.table is not None else None))
                    break
    # recomputed: execution score + Σ indicator scores, when every indicator with a weight has a score
    rows = [r for ib in indicators for r in ib.rows]
    scores = [parse_decimal(r.cells["score"].text) for r in rows if r.cells.get("score") is not None and r.cells["score"].key]
    weighted = [r for r in rows if r.cells.get("weight") is not None and r.cells["weight"].key]
    exec_score = (budget.get("execution_score") or {}).get("reported")
    if scores and all(s is not None for s in scores) and len(scores) >= len(weighted):
        total = sum((s for s in scores if s is not None), Decimal(0)) + (Decimal(exec_score) if exec_score else Decimal(0))
        out["total_computed"] = _fmt(total)
        out["total_computed_parts"] = {"execution": exec_score, "indicators": len(scores)}
    # grade as written: a "自评等级 | 优" label cell, else a sentence
    for k, t in enumerate(prose):
        if t.key and re.fullmatch(r"(?:自评|评价|绩效|综合)?(?:等级|等次|评定等级|评价结论|评价等级)[:：]?", t.key):
            nxt = next((u for u in prose[k + 1 : k + 4] if u.key), None)
            label = _GRADES.get(nxt.key.rstrip("级")) if nxt is not None else None
            if nxt is not None and label:
                out["grade_reported"] = field(nxt.text.strip(), nxt.text, ctx.prov(
                    nxt.start, nxt.end, method="table_parser" if nxt.table is not None else "rule", extractor=EXTRACTOR, confidence=0.9, tok=nxt))
                out["grade_normalized"] = label
                break
    for t in prose if out["grade_reported"] is None else []:
        m = _GRADE_RX.search(t.text)
        if m:
            label = _GRADES.get(fold_key(m.group(1)).rstrip("级"))
            if label:
                s0, e0 = t.start + m.start(1), t.start + m.end(1)
                out["grade_reported"] = field(m.group(1), ctx.doc.text[t.start + m.start() : t.start + m.end()], ctx.prov(
                    s0, e0, method="regex", extractor=EXTRACTOR, confidence=0.85, tok=t if t.table is not None else None))
                out["grade_normalized"] = label
                break
    basis = out["total_computed"] or (out["total_reported"] or {}).get("value")
    if basis is not None:
        out["grade_computed"] = grade_for(Decimal(basis), scheme)
        out["grade_basis"] = "total_computed" if out["total_computed"] else "total_reported"
    return out


def _fmt(d: Decimal | None) -> str | None:
    if d is None:
        return None
    return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")
