"""The budget block: 年初预算数, 全年预算数, 全年执行数, the reported and the computed execution rate.

From the funds block of a self-evaluation table when there is one: the total line (年度资金总额 /
总额), or its 当年财政拨款 sub-line when the total line is empty or zero (gold/README.md). Else
from prose: the first amount with the role budget_initial / budget_full_year / executed, and the
first "执行率…%" in the text.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..numbers import format_yuan, parse_decimal, parse_percent
from .amounts import Amount
from .fields import Ctx, derived_prov, field
from .stream import Tok
from .tables import FundsBlock, FundsLine

__all__ = ["NAME", "VERSION", "extract_budget", "execution_rate"]

NAME, VERSION = "budget", "0.2.0"
EXTRACTOR = f"{NAME}@{VERSION}"
_RATE_RX = re.compile(r"(?:执行率|支付率|支出率|使用率|执行进度|支出进度)\s*(?:为|达|达到|是|:|：)?\s*(\d+(?:\.\d+)?)\s*[%％]")
_CENT = Decimal("0.01")


def execution_rate(executed: Decimal | None, full_year: Decimal | None) -> Decimal | None:
    """executed / full_year × 100 to two decimals (DOMAIN §3.2), ``None`` without a positive budget."""
    if executed is None or full_year is None or full_year <= 0:
        return None
    return (executed * 100 / full_year).quantize(_CENT, rounding=ROUND_HALF_UP)


def _pct(value: Decimal) -> str:
    return format(value.quantize(_CENT, rounding=ROUND_HALF_UP), "f")


def _money_field(ctx: Ctx, a: Amount | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return field(format_yuan(a.yuan), ctx.doc.text[a.start : a.end],
                 ctx.prov(a.start, a.end, method=a.method, extractor=EXTRACTOR, confidence=a.confidence, tok=a.tok))


def _line_values(line: FundsLine, by_tok: dict[int, Amount]) -> dict[str, Amount | None]:
    out: dict[str, Amount | None] = {}
    for canon in ("initial", "full_year", "executed", "forecast"):
        tok = line.cells.get(canon)
        out[canon] = by_tok.get(tok.i) if tok is not None else None
    return out


def _empty_or_zero(vals: dict[str, Amount | None]) -> bool:
    return all(v is None or v.yuan == 0 for k, v in vals.items() if k != "forecast")


def _cell_field(ctx: Ctx, tok: Tok | None, value: Any, conf: float) -> dict[str, Any] | None:
    if tok is None or value is None:
        return None
    return field(value, tok.text, ctx.prov(tok.start, tok.end, method="table_parser", extractor=EXTRACTOR, confidence=conf, tok=tok))


def extract_budget(ctx: Ctx, funds: list[FundsBlock], amounts: list[Amount], prose_toks: list[Tok]) -> dict[str, Any]:
    by_tok = {a.tok.i: a for a in amounts if a.origin == "funds" and a.tok is not None}
    out: dict[str, Any] = {"initial": None, "full_year": None, "executed": None,
                           "execution_rate_reported": None, "execution_rate_computed": None,
                           "source": None, "source_unit": None, "line_used": None, "lines": [],
                           "execution_score": None}
    block = funds[0] if funds else None
    if block is not None:
        out["source"] = "table"
        out["source_unit"] = block.unit
        lines = block.lines
        chosen = block.line("total")
        vals = _line_values(chosen, by_tok) if chosen else None
        if chosen is None or vals is None or _empty_or_zero(vals):
            sub = block.line("fiscal_current_year")
            if sub is not None and not _empty_or_zero(_line_values(sub, by_tok)):
                chosen, vals = sub, _line_values(sub, by_tok)
        for ln in lines:
            v = _line_values(ln, by_tok)
            rate_tok = ln.cells.get("rate")
            rate = _rate(rate_tok)
            w_tok, s_tok = ln.cells.get("weight"), ln.cells.get("score")
            out["lines"].append({
                "role": ln.role,
                "label_raw": ln.label.text,
                "initial": _money_field(ctx, v["initial"]),
                "full_year": _money_field(ctx, v["full_year"]),
                "executed": _money_field(ctx, v["executed"]),
                "forecast": _money_field(ctx, v["forecast"]),
                "rate_reported": _cell_field(ctx, rate_tok, _pct(rate) if rate is not None else None, 0.9),
                "weight": _cell_field(ctx, w_tok, _dec(w_tok), 0.9),
                "score": _cell_field(ctx, s_tok, _dec(s_tok), 0.9),
            })
        if chosen is not None and vals is not None:
            out["line_used"] = chosen.role
            out["initial"] = _money_field(ctx, vals["initial"])
            out["full_year"] = _money_field(ctx, vals["full_year"])
            out["executed"] = _money_field(ctx, vals["executed"])
            rate_tok = chosen.cells.get("rate")
            rate = _rate(rate_tok)
            if rate is None and chosen.role != "total":
                tl = block.line("total")
                rate_tok = tl.cells.get("rate") if tl else None
                rate = _rate(rate_tok)
            if rate is not None and rate_tok is not None:
                out["execution_rate_reported"] = field(_pct(rate), rate_tok.text, ctx.prov(
                    rate_tok.start, rate_tok.end, method="table_parser", extractor=EXTRACTOR, confidence=0.93, tok=rate_tok))
            tl = block.line("total") or chosen
            w_tok, s_tok = tl.cells.get("weight"), tl.cells.get("score")
            out["execution_score"] = {
                "weight": _dec(w_tok),
                "reported": _dec(s_tok),
            }
    if out["initial"] is None and out["full_year"] is None and out["executed"] is None:
        prose = [a for a in amounts if a.origin in {"prose", "table"} and a.money.per is None and a.money.min_yuan is None]
        for key, role in (("initial", "budget_initial"), ("full_year", "budget_full_year"), ("executed", "executed")):
            hit = next((a for a in prose if a.role == role), None)
            if hit is not None:
                out[key] = _money_field(ctx, hit)
                out[key]["prov"]["method"] = "rule"
                out[key]["prov"]["confidence"] = round(min(hit.confidence, 0.7), 3)
        if any(out[k] is not None for k in ("initial", "full_year", "executed")):
            out["source"] = "prose"
    if out["execution_rate_reported"] is None:
        for tok in prose_toks:
            m = _RATE_RX.search(tok.text)
            if m:
                s, e = tok.start + m.start(1), tok.start + m.end()
                out["execution_rate_reported"] = field(_pct(Decimal(m.group(1))), ctx.doc.text[s:e], ctx.prov(
                    s, e, method="regex", extractor=EXTRACTOR, confidence=0.8))
                break
    ex = Decimal(out["executed"]["value"]) if out["executed"] else None
    fy = Decimal(out["full_year"]["value"]) if out["full_year"] else None
    rate = execution_rate(ex, fy)
    out["execution_rate_computed"] = _pct(rate) if rate is not None else None
    if rate is not None:
        out["execution_rate_basis"] = "full_year"
        out["execution_rate_prov"] = derived_prov(EXTRACTOR, 0.95, ["budget.executed", "budget.full_year"])
    if out["execution_score"] is not None:
        capped = min(rate, Decimal(100)) if rate is not None else None
        w = out["execution_score"]["weight"]
        weight = Decimal(w) if w is not None else Decimal(10)
        out["execution_score"]["computed"] = format((capped * weight / 100).quantize(_CENT, rounding=ROUND_HALF_UP), "f") if capped is not None else None
        out["execution_score"]["rule"] = "proportional_capped"
    return out


def _rate(tok: Tok | None) -> Decimal | None:
    """A rate cell as percent: "98.5%", or a fraction "0.985" (the column is a rate column)."""
    return parse_percent(tok.text, rate_column=True) if tok is not None and tok.key else None


def _dec(tok: Tok | None) -> str | None:
    if tok is None or not tok.key:
        return None
    d = parse_decimal(tok.text)
    return format(d, "f") if d is not None else None
