"""Indicator rows of the tables as SCHEMA ``indicators`` entries (the table reading; issue #4 adds
prose indicators, qualitative tiers and direction scoring).

A target or actual is ``{raw, comparator, value, unit}``: the comparator from a leading sign or a
separate 指标性质 cell (DOMAIN §4.3), the number, and the unit from the cell or a 度量单位 cell.
An actual without a unit inherits the target's (DOMAIN trap 3).
"""

from __future__ import annotations

import re
from typing import Any

from ..numbers import parse_decimal
from ..textnorm import fold_key
from .fields import Ctx
from .stream import Tok, is_placeholder_key
from .tables import IndicatorBlock, IndicatorRow, level1_of, level2_of

__all__ = ["NAME", "VERSION", "indicator_dicts", "parse_value"]

NAME, VERSION = "indicators", "0.1.0"
EXTRACTOR = f"{NAME}@{VERSION}"

_COMP = [("≥", ">="), ("≧", ">="), (">=", ">="), ("≤", "<="), ("≦", "<="), ("<=", "<="), (">", ">"), ("<", "<"), ("=", "="), ("═", "=")]
_WORD_COMP = [("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("大于等于", ">="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="),
              ("小于等于", "<="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("小于", "<"), ("低于", "<"), ("等于", "=")]
_NUM = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(.*)$")
_PLACEHOLDER_VALUE = re.compile(r"\*\*|＊＊")


def parse_value(raw: str | None, *, comparator: str | None = None, unit: str | None = None) -> dict[str, Any] | None:
    """"≥95%" -> {comparator ">=", value "95", unit "%"}; qualitative text keeps comparator "qualitative"."""
    if raw is None:
        return None
    text = raw.strip()
    key = fold_key(text)
    if not key or (is_placeholder_key(key) and not comparator):
        return None
    comp = None
    rest = key
    for sym, c in _COMP:
        if rest.startswith(sym):
            comp, rest = c, rest[len(sym):]
            break
    if comp is None:
        for w, c in _WORD_COMP:
            if rest.startswith(w):
                comp, rest = c, rest[len(w):]
                break
    if comp is None and comparator:
        ck = fold_key(comparator)
        comp = next((c for sym, c in _COMP if ck == sym), None)
    out: dict[str, Any] = {"raw": raw if not comparator else f"{comparator.strip()}{text}{(unit or '').strip()}",
                           "comparator": comp, "value": None, "unit": None, "is_placeholder": bool(_PLACEHOLDER_VALUE.search(key))}
    m = _NUM.match(rest)
    if m:
        out["value"] = m.group(1)
        u = m.group(2).strip() or (fold_key(unit) if unit else "")
        if u in ("百分比", "百分率"):
            u = "%"
        if u.endswith(("以上", "以内", "以下")):
            if comp is None:
                comp = ">=" if u.endswith("以上") else "<="
            u = u[:-2]
        out["unit"] = u or None
        out["comparator"] = comp or "="
    else:
        out["comparator"] = comp or "qualitative"
        if out["comparator"] != "qualitative":
            out["value"] = rest or None
    return out


def _text(t: Tok | None) -> str | None:
    if t is None or not t.key:
        return None
    return t.text.strip()


def indicator_dicts(ctx: Ctx, blocks: list[IndicatorBlock]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for b in blocks:
        for r in b.rows:
            out.append(_one(ctx, r, len(out) + 1))
    return out


def _one(ctx: Ctx, r: IndicatorRow, n: int) -> dict[str, Any]:
    c = r.cells
    comp_raw, unit_raw = _text(c.get("comparator")), _text(c.get("unit"))
    target = parse_value(_text(c.get("target")), comparator=comp_raw, unit=unit_raw)
    actual = parse_value(_text(c.get("actual")), unit=(target or {}).get("unit") or unit_raw)
    if actual is not None and target is not None and actual.get("unit") is None and actual.get("value") is not None:
        actual["unit"] = target.get("unit")
    toks = r.toks
    start, end = toks[0].start, toks[-1].end
    name_raw = r.name.text.strip()
    name = re.sub(r"^指标\d+[:：.、]?", "", name_raw).strip() or name_raw
    weight = parse_decimal(c["weight"].text) if c.get("weight") is not None and c["weight"].key else None
    score = parse_decimal(c["score"].text) if c.get("score") is not None and c["score"].key else None
    dev = _text(c.get("reason"))
    return {
        "id": f"i{n}",
        "level1_raw": r.level1_raw.strip() if r.level1_raw else None,
        "level1": level1_of(r.level1_tok.key) if r.level1_tok else None,
        "level2_raw": r.level2_raw.strip() if r.level2_raw else None,
        "level2": level2_of(r.level2_tok.key) if r.level2_tok else None,
        "name": name,
        "name_raw": name_raw,
        "target": target,
        "actual": actual,
        "weight": format(weight, "f") if weight is not None else None,
        "score": format(score, "f") if score is not None else None,
        "deviation_text": None if dev is None or is_placeholder_key(fold_key(dev)) or dev == "0" else dev,
        "level1_inherited": r.level1_inherited,
        "level2_inherited": r.level2_inherited,
        "prov": ctx.prov(start, end, method="table_parser", extractor=EXTRACTOR, confidence=0.85, tok=r.name),
    }
