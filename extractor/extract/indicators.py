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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..numbers import parse_decimal, parse_period
from ..textnorm import fold_key
from .fields import Ctx, decimal_of
from .lexicon import LEX
from .stream import CHECK_MARKS, CROSS_MARKS, Tok, is_placeholder_key
from .tables import IndicatorBlock, IndicatorRow, level1_of, level2_of

__all__ = [
    "COMPARATORS", "NAME", "VERSION", "TIERS", "TIER_BANDS", "achievement_tier", "clean_name", "direction_of", "expected_score",
    "indicator_dicts", "likelihood_of", "parse_value", "values_of",
]

NAME, VERSION = "indicators", "0.4.0"  # 0.4.0: prose deviation to the sentence end, 未发生… is none; fused tables; 0.3.0: period, monitoring, is_core, score_computed; 0.2.0: deadlines, tiers, direction
EXTRACTOR = f"{NAME}@{VERSION}"

_COMP = [("≥", ">="), ("≧", ">="), (">=", ">="), ("≤", "<="), ("≦", "<="), ("<=", "<="), (">", ">"), ("<", "<"), ("=", "="), ("═", "=")]
_WORD_COMP = [("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("大于等于", ">="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="),
              ("小于等于", "<="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("小于", "<"), ("低于", "<"), ("等于", "=")]
COMPARATORS = _COMP + _WORD_COMP
"""Every written comparator (sign or word) and its SCHEMA form."""
_NUM = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(.*)$")  # "12,000人": thousands separators kept out of the value
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
        comp = next((c for sym, c in COMPARATORS if ck == sym), None)
        if ck == "定性":  # 指标性质 "定性": the value is a qualitative phrase, whatever it looks like
            return {"raw": f"{text}{(unit or '').strip()}", "comparator": "qualitative", "value": None, "unit": None,
                    "is_placeholder": bool(_PLACEHOLDER_VALUE.search(key))}
    out: dict[str, Any] = {"raw": raw if not comparator else f"{comparator.strip()}{text}{(unit or '').strip()}",
                           "comparator": comp, "value": None, "unit": None, "is_placeholder": bool(_PLACEHOLDER_VALUE.search(key))}
    deadline = _deadline(rest, fiscal_year)
    if deadline is not None:
        out.update(comparator=comp or deadline[0], value=deadline[1], unit="date")
        return out
    m = _NUM.match(rest)
    if m:
        out["value"] = m.group(1).replace(",", "")
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


_Q2 = Decimal("0.01")
TIER_BANDS: dict[str, tuple[Decimal, Decimal]] = {
    "achieved": (Decimal("0.8"), Decimal(1)),
    "partial": (Decimal("0.6"), Decimal("0.8")),
    "not_achieved": (Decimal(0), Decimal("0.6")),
}
"""Share of the weight each qualitative tier may score (DOMAIN §3.3): [lo, hi]."""


def expected_score(target: dict[str, Any] | None, actual: dict[str, Any] | None, weight: Any) -> dict[str, Any]:
    """The score the DOMAIN §3.3 rule gives an indicator: ``{score, rule_id, band}``.

    Quantitative (both values numbers in the same unit): positive (">=", ">") and equal ("=")
    score full when B ≥ A, else B/A × w (equal with A = 0: full when B ≤ 0, else 0); reverse ("<=",
    "<") score full when B ≤ A, (1 − (B−A)/A) × w when A < B < 2A, else 0. A deadline scores full
    when the actual date is on or before it. A qualitative actual with a known tier gets no single
    score but the tier's ``band`` [lo, hi] of the weight. Anything else: all ``None``.
    """
    out: dict[str, Any] = {"score": None, "rule_id": None, "band": None}
    w = decimal_of(weight)
    if w is None or not actual:
        return out
    if actual.get("comparator") == "qualitative":  # the tier of the outcome alone decides the band
        tier = achievement_tier(actual.get("raw"))
        if tier in TIER_BANDS:
            lo, hi = TIER_BANDS[tier]
            out.update(rule_id=f"tier.{tier}", band=[format((w * lo).quantize(_Q2), "f"), format((w * hi).quantize(_Q2), "f")])
        return out
    if not target:
        return out
    comp = target.get("comparator")
    if target.get("unit") == "date" and actual.get("unit") == "date" and comp in ("<=", "<", "="):
        a_, b_ = str(target.get("value") or ""), str(actual.get("value") or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", a_) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", b_):
            out.update(score=format(w if b_ <= a_ else Decimal(0), "f"), rule_id="deadline")
        return out
    a, b = decimal_of(target.get("value")), decimal_of(actual.get("value"))
    if a is None or b is None or comp not in _DIRECTIONS or comp == "qualitative":
        return out
    if (target.get("unit") or None) != (actual.get("unit") or None):
        return out  # 95% against "95人": not comparable
    d = direction_of(comp)
    if d in ("positive", "equal"):
        if a == 0:
            s = w if b <= 0 else Decimal(0)
        else:
            s = w if b >= a else w * b / a
    else:
        if b <= a:
            s = w
        elif a > 0 and b < 2 * a:
            s = w * (1 - (b - a) / a)
        else:
            s = Decimal(0)
    s = max(Decimal(0), min(w, s)).quantize(_Q2, rounding=ROUND_HALF_UP)
    out.update(score=format(s, "f"), rule_id=d)
    return out


_CORE = re.compile(r"^[★☆*]+|[★☆]+$|[(（]核心(?:指标)?[)）]$")
_TICK_YES = CHECK_MARKS | {"是", "有", "y", "yes", "1"}
_TICK_NO = CROSS_MARKS | {"□", "否", "无", "n", "no", "0"}
_LIKELIHOOD = [("完全不可能", "impossible"), ("不可能", "impossible"), ("不能", "impossible"), ("确定能", "certain"), ("能", "certain"),
               ("有可能", "possible"), ("可能", "possible"), ("确定", "certain")]
_CAUSES = {"cause_funding": "funding", "cause_institution": "institution", "cause_personnel": "personnel", "cause_hardware": "hardware", "cause_other": "other"}
_LIKELY = {"likely_certain": "certain", "likely_possible": "possible", "likely_impossible": "impossible"}
_MONITORING_COLS = {"progress", "forecast", "likelihood", "corrective", *_CAUSES, *_LIKELY}


def _tick(t: Tok | None) -> bool | str | None:
    text = _text(t)
    if text is None:
        return None
    k = fold_key(text)
    if k in _TICK_YES:
        return True
    if k in _TICK_NO or is_placeholder_key(k):
        return False
    return text


def likelihood_of(text: str | None) -> str | None:
    """完成目标可能性: "确定能" -> "certain", "有可能" -> "possible", "完全不可能" -> "impossible"."""
    if not text:
        return None
    k = fold_key(text)
    for w, v in _LIKELIHOOD:
        if k == w or (len(k) <= 6 and k.startswith(w)):
            return v
    return None


def _monitoring(c: dict[str, Tok], period: str | None) -> dict[str, Any] | None:
    if period != "to_date" and not (set(c) & _MONITORING_COLS):
        return None
    causes = {v: _tick(c.get(k)) for k, v in _CAUSES.items()}
    likely_raw = _text(c.get("likelihood"))
    likely = likelihood_of(likely_raw)
    ticked = [k for k in _LIKELY if _tick(c.get(k)) is True]
    if likely_raw is None and ticked:  # the checklist: the answer ticked
        likely_raw = _text(c[ticked[0]])
        likely = _LIKELY[ticked[0]] if len(ticked) == 1 else None
    return {
        "progress_raw": _text(c.get("progress")) if "progress" in c else _text(c.get("actual")),
        "full_year_forecast_raw": _text(c.get("forecast")),
        "deviation_causes": causes,
        "likelihood": likely,
        "likelihood_raw": likely_raw,
        "corrective_text": _text(c.get("corrective")),
    }


def indicator_dicts(ctx: Ctx, blocks: list[IndicatorBlock], *, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """One SCHEMA indicator per row; ``fiscal_year`` dates deadlines written without a year."""
    out: list[dict[str, Any]] = []
    for b in blocks:
        for r in b.rows:
            out.append(_one(ctx, r, len(out) + 1, fiscal_year))
    return out


def values_of(target_raw: str | None, actual_raw: str | None, *, comparator: str | None = None, unit: str | None = None,
              fiscal_year: int | None = None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Target and actual normalised together: the actual inherits the target's unit (trap 3)."""
    target = parse_value(target_raw, comparator=comparator, unit=unit, fiscal_year=fiscal_year)
    if target is not None:
        target.pop("achievement_tier", None)  # a qualitative target is a goal, not an outcome
    actual = parse_value(actual_raw, unit=(target or {}).get("unit") or unit, fiscal_year=fiscal_year)
    if actual is not None and target is not None and actual.get("unit") is None and actual.get("value") is not None:
        actual["unit"] = target.get("unit")
    return target, actual


def clean_name(name_raw: str) -> tuple[str, bool]:
    """(name, is_core): "指标1工程完工率" -> "工程完工率"; "★受益人数" -> ("受益人数", True)."""
    name = re.sub(r"^指标\d+[:：.、]?", "", name_raw).strip() or name_raw
    core = bool(_CORE.search(name))
    if core:
        name = _CORE.sub("", name).strip() or name
    return name, core


def _one(ctx: Ctx, r: IndicatorRow, n: int, fiscal_year: int | None = None) -> dict[str, Any]:
    c = r.cells
    comp_raw, unit_raw = _text(c.get("comparator")), _text(c.get("unit"))
    actual_tok = c.get("actual") if c.get("actual") is not None else c.get("progress")
    target, actual = values_of(_text(c.get("target")), _text(actual_tok), comparator=comp_raw, unit=unit_raw, fiscal_year=fiscal_year)
    toks = r.toks
    start, end = toks[0].start, toks[-1].end
    name_raw = r.name.text.strip()
    name, core = clean_name(name_raw)
    weight = parse_decimal(c["weight"].text) if c.get("weight") is not None and c["weight"].key else None
    score = parse_decimal(c["score"].text) if c.get("score") is not None and c["score"].key else None
    dev = _text(c.get("reason"))
    w = format(weight, "f") if weight is not None else None
    exp = expected_score(target, actual, w)
    return {
        "id": f"i{n}",
        "level1_raw": r.level1_raw.strip() if r.level1_raw else None,
        "level1": (level1_of(fold_key(r.level1_raw or "")) or "other") if r.level1_tok else None,
        "level2_raw": r.level2_raw.strip() if r.level2_raw else None,
        "level2": (level2_of(fold_key(r.level2_raw or "")) or "other") if r.level2_tok else None,
        "name": name,
        "name_raw": name_raw,
        "period": r.period or "annual",
        "target": target,
        "actual": actual,
        "direction": direction_of((target or {}).get("comparator")),
        "weight": w,
        "score": format(score, "f") if score is not None else None,
        "score_computed": exp["score"],
        "score_rule_id": exp["rule_id"],
        "score_band": exp["band"],
        "deviation_text": None if dev is None or is_placeholder_key(fold_key(dev)) or dev == "0" else dev,
        "monitoring": _monitoring(c, r.period),
        "is_core": core,
        "source": "table",
        "level1_inherited": r.level1_inherited,
        "level2_inherited": r.level2_inherited,
        "prov": ctx.prov(start, end, method="table_parser", extractor=EXTRACTOR, confidence=0.85, tok=r.name),
    }
