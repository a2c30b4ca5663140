"""Indicator rows of the tables as SCHEMA ``indicators`` entries (the table reading; issue #4 adds
prose indicators, qualitative tiers and direction scoring).

A target or actual is ``{raw, comparator, value, unit}``: the comparator from a leading sign or a
separate 指标性质 cell (DOMAIN §4.3), the number, and the unit from the cell or a 度量单位 cell.
An actual without a unit inherits the target's (DOMAIN trap 3).

Also read (DOMAIN §4.7): the garbled unit "百分比" ("≥100百分比" -> unit "%", with a ``warnings``
entry); 时效 deadlines ("12月底前" -> comparator "<=", unit "date", value "N-12-31" when the fiscal
year N is known, else the month as written, "12月"); and qualitative values, which get
``achievement_tier`` ("achieved" | "partial" | "not_achieved" | ``None``) from the ``[tiers]``
lexicon of ``data/extract.toml``. A phrase not in the lexicon gets ``None``, never a guess (trap 4).
The tier is kept on actuals only: a target such as "有所提升" states a goal, not an outcome.
"""

from __future__ import annotations

import re
from typing import Any

from ..numbers import parse_decimal, parse_period
from ..textnorm import fold_key
from .fields import Ctx
from .lexicon import LEX
from .stream import Tok, is_placeholder_key
from .tables import IndicatorBlock, IndicatorRow, level1_of, level2_of

__all__ = ["NAME", "VERSION", "TIERS", "achievement_tier", "direction_of", "indicator_dicts", "parse_value"]

NAME, VERSION = "indicators", "0.2.0"  # 0.2.0: deadlines, achievement_tier, direction, 百分比 warning
EXTRACTOR = f"{NAME}@{VERSION}"

_COMP = [("≥", ">="), ("≧", ">="), (">=", ">="), ("≤", "<="), ("≦", "<="), ("<=", "<="), (">", ">"), ("<", "<"), ("=", "="), ("═", "=")]
_WORD_COMP = [("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("大于等于", ">="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="),
              ("小于等于", "<="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("小于", "<"), ("低于", "<"), ("等于", "=")]
_NUM = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(.*)$")
_PLACEHOLDER_VALUE = re.compile(r"\*\*|＊＊")
_PERCENT_WORDS = ("百分比", "百分率")
_DEADLINE_TAIL = ("", "完成", "前完成", "内完成")
_TIER_PUNCT = "。.，,；;！!、 "

TIERS: dict[str, str] = {fold_key(w): tier for tier, words in LEX["tiers"].items() for w in words}
"""Folded qualitative phrase -> tier (``data/extract.toml`` [tiers]; DOMAIN §3.3)."""


def achievement_tier(text: str | None) -> str | None:
    """The tier of a qualitative value: "效果明显" -> "achieved"; a phrase not in [tiers] -> ``None``.

    The whole cell must be a lexicon phrase (after folding and dropping trailing punctuation), so
    "未达成预期指标" is never read as "达成预期指标".
    """
    if text is None:
        return None
    return TIERS.get(fold_key(text).strip(_TIER_PUNCT))


_DIRECTIONS = {">=": "positive", ">": "positive", "<=": "reverse", "<": "reverse", "=": "equal", "qualitative": "qualitative"}


def direction_of(comparator: str | None) -> str:
    """The scoring direction of a target's comparator (DOMAIN §3.3, §6.2 ``direction``).

    ">=" / ">" -> "positive"; "<=" / "<" -> "reverse" (costs, complaint counts, deadlines);
    "=" -> "equal"; "qualitative" -> "qualitative"; anything else (``None``, "range") -> "unknown".
    """
    return _DIRECTIONS.get(comparator or "", "unknown")


def _deadline(rest: str, fiscal_year: int | None) -> tuple[str, str] | None:
    """(comparator, value) of a 时效 target that is only a date or deadline ("12月底前", "2022年6月30日前完成")."""
    p = parse_period(rest, fiscal_year=fiscal_year)
    if p is None or p.start != 0 or p.kind not in ("deadline", "date") or rest[p.end :] not in _DEADLINE_TAIL:
        return None
    if p.date_to is not None and p.year is not None:
        value = p.date_to.isoformat()
    else:
        value = re.sub(r"\s*(?:之前|以前|前)$", "", p.raw)
        value = "12月" if value in ("年底", "年末") else re.sub(r"[底末]$", "", value)  # the month (and day) as written: "12月"
    return (p.comparator or "="), value


def parse_value(
    raw: str | None,
    *,
    comparator: str | None = None,
    unit: str | None = None,
    fiscal_year: int | None = None,
) -> dict[str, Any] | None:
    """"≥95%" -> {comparator ">=", value "95", unit "%"}; qualitative text keeps comparator "qualitative".

    ``comparator`` and ``unit`` are the separate 指标性质 / 度量单位 cells of the Sichuan layout
    ("=", "100", "%" -> comparator "=", value "100", unit "%"). ``fiscal_year`` turns a deadline
    without a year into a date: "12月底前" -> value "N-12-31", unit "date", comparator "<=".
    "≥100百分比" -> unit "%" and ``warnings``; "效果明显" -> comparator "qualitative" and
    ``achievement_tier`` "achieved" (see the module docstring).
    """
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
    deadline = _deadline(rest, fiscal_year)
    if deadline is not None:
        out.update(comparator=comp or deadline[0], value=deadline[1], unit="date")
        return out
    m = _NUM.match(rest)
    if m:
        out["value"] = m.group(1)
        u = m.group(2).strip() or (fold_key(unit) if unit else "")
        if u in _PERCENT_WORDS:
            out["warnings"] = [f"unit {u!r} read as '%'"]
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
        else:
            out["achievement_tier"] = achievement_tier(text)
    return out


def _text(t: Tok | None) -> str | None:
    if t is None or not t.key:
        return None
    return t.text.strip()


def indicator_dicts(ctx: Ctx, blocks: list[IndicatorBlock], *, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """One SCHEMA indicator per row; ``fiscal_year`` dates deadlines written without a year."""
    out: list[dict[str, Any]] = []
    for b in blocks:
        for r in b.rows:
            out.append(_one(ctx, r, len(out) + 1, fiscal_year))
    return out


def _one(ctx: Ctx, r: IndicatorRow, n: int, fiscal_year: int | None = None) -> dict[str, Any]:
    c = r.cells
    comp_raw, unit_raw = _text(c.get("comparator")), _text(c.get("unit"))
    target = parse_value(_text(c.get("target")), comparator=comp_raw, unit=unit_raw, fiscal_year=fiscal_year)
    if target is not None:
        target.pop("achievement_tier", None)  # a qualitative target is a goal, not an outcome
    actual = parse_value(_text(c.get("actual")), unit=(target or {}).get("unit") or unit_raw, fiscal_year=fiscal_year)
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
        "direction": direction_of((target or {}).get("comparator")),
        "weight": format(weight, "f") if weight is not None else None,
        "score": format(score, "f") if score is not None else None,
        "deviation_text": None if dev is None or is_placeholder_key(fold_key(dev)) or dev == "0" else dev,
        "level1_inherited": r.level1_inherited,
        "level2_inherited": r.level2_inherited,
        "prov": ctx.prov(start, end, method="table_parser", extractor=EXTRACTOR, confidence=0.85, tok=r.name),
    }
