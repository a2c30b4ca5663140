"""Money, percentages and plain numbers in Chinese budget texts. Pure functions, no I/O.

Money values are exact :class:`~decimal.Decimal` in yuan, never floats (DOMAIN §4.1).

Offsets
-------
:func:`find_money` returns ``(start, end)`` offsets that are **0-based, end-exclusive code-point
offsets into the string the caller passed in**. Matching runs on a normalised copy that has the
same length as the input: every code point is mapped to exactly one code point (full-width forms
such as ``１２３４．５６`` and ``％`` folded to ASCII, a short list of Traditional characters such as
萬/億/點 folded to Simplified, see ``data/numbers.toml``). So an offset in the copy is the offset in
the caller's string, and ``text[start:end]`` is always the caller's own characters. Enclosed
numbers (①, ⑴) and squared units (㎡) are *not* folded, so "①500万元" never reads as 1500万元.

Spans and qualifier words
-------------------------
``MoneyMatch.start/end`` cover the number and its unit as written, e.g. ``3,039.68万元``,
``5万余元``, ``人民币壹拾贰万叁仟元整`` minus its ``人民币``, ``1000元/生.年`` (a unit price keeps
its denominator), ``300万—500万元`` (a range is one match). Qualifier words outside that
(``约``, ``近``, ``不超过``, ``以上``, ``左右``, an adjacent ``共计``), the currency prefix
``人民币`` and a duplicated unit (``11.96万元万元``) are *not* in ``start/end`` but are in
``expr_start/expr_end``; ``Money.raw`` is ``text[expr_start:expr_end]``. The qualifier itself is
``Money.qualifier``.

What is money
-------------
* A number followed by 元/圆 (with an optional multiplier 十/百/千/万/亿 in between), a ``¥``
  prefix, or a financial-capital 角/分 amount: ``unit_basis = "explicit"``.
* A number with a bare 万/亿 and no 元 (``19204.096万``): money only when a funds word
  (资金, 经费, 预算 … see ``funds_context``) stands just before it in the same sentence and the next
  character is punctuation or the end (so ``2.5万人次``, ``3.28万平方米`` are not money):
  ``unit_basis = "inferred"``.
* A bare number when the caller passes ``header_unit`` (a cell of a "单位：万元" table):
  ``unit_basis = "header"``.
* Never: percentages, counts with measure words, scores (…分), dates and periods, 文号, codes,
  phone numbers, standards, section numbers. These are masked on the normalised copy before
  matching (DOMAIN §4.6, trap 8), so a number overlapping one is never money, even in a table.
* Chinese numerals are read with ``cn2an`` (integer part) plus exact decimal digits. A numeral made
  only of place words (千万, 亿) is money only with an approximation word (近千万元, 逾亿元); after
  数/几/若/成 (数十万元) it is vague and skipped. A numeral that cn2an cannot read is skipped whole.
* Thousands separators: an ASCII "," followed by exactly three digits; a full-width "，" only
  inside a number written in full-width digits (``１，２３４``). Otherwise "，" ends the number.
* Not handled: negative amounts (a sign is ignored), "300/人" with 元 implied, "每人1000元"
  (the ``per`` is only read after "元/"), and digits split by spaces ("1 234.5", repaired upstream
  by :func:`extractor.layout.repair_spaces`).

Changes, counts and periods
---------------------------
:func:`parse_change` reads a change expression (同比增长3.0%, 提高2.3个百分点, 较上年减少120万元,
翻一番; DOMAIN §4.3) into a :class:`Change`; :func:`parse_count` a count with a measure word
(59 个, 185个预算项目, 约3000平米; DOMAIN §4.5) into a :class:`Count`; :func:`parse_period` a period
or date (1-7月, 12月底前, 截至2022年7月31日, 第三季度; DOMAIN §4.6) into a :class:`Period`. They run on
the same same-length normalised copy as :func:`find_money`, so their ``start/end`` offsets are
code points into the caller's string as well, and full-width input (３．０％, ５９ 个) reads the same
as ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import cn2an

__all__ = [
    "QUALIFIERS",
    "UNITS",
    "Change",
    "Count",
    "Money",
    "MoneyMatch",
    "Period",
    "find_money",
    "format_yuan",
    "parse_change",
    "parse_count",
    "parse_decimal",
    "parse_money",
    "parse_percent",
    "parse_period",
]


def _load_lexicon() -> dict[str, Any]:
    """Read ``extractor/data/numbers.toml`` (once, at import)."""
    raw = resources.files("extractor").joinpath("data/numbers.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


_LEX = _load_lexicon()

UNITS: dict[str, int] = dict(_LEX["units"])
"""Written money unit -> power of ten of one unit in yuan: 元 0, 千元 3, 万元 4, 百万元 6, 亿元 8."""

_UNITS_LONGEST_FIRST = sorted(UNITS, key=len, reverse=True)
_MULTIPLIERS: dict[str, int] = dict(_LEX["multipliers"])
_T2S: dict[str, str] = dict(_LEX["traditional"])
_LEADING: dict[str, str] = dict(_LEX["qualifiers"]["leading"])
_TRAILING: dict[str, str] = dict(_LEX["qualifiers"]["trailing"])
_INNER: dict[str, str] = dict(_LEX["qualifiers"]["inner"])
_SCOPE: dict[str, str] = dict(_LEX["qualifiers"]["scope"])
_BLOCKED_BEFORE: dict[str, str] = dict(_LEX["qualifiers"]["blocked_before"])
_WORDS: dict[str, Any] = _LEX["words"]

QUALIFIERS: frozenset[str] = frozenset(
    {"exact", "range"} | set(_LEADING.values()) | set(_TRAILING.values()) | set(_INNER.values()) | set(_SCOPE.values())
)
"""Every value ``Money.qualifier`` can take (DOMAIN §4.4, plus ``range`` for "50-80万元")."""

# Approximation and bound qualifiers: with one of these a numeral of place words only (近千万元) is an amount.
_VAGUE_OK = frozenset({"approx", "just_under", "more_than", "at_least", "at_most", "less_than"})

_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_DEC_DIGITS = "零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖"
_CAPITALS = "壹贰叁肆伍陆柒捌玖"
_CN_PLACES = "十拾百佰千仟万亿"
_PLACES_ONLY = frozenset("百佰千仟万亿")
_CN_DIGIT_VALUE = {
    **{ch: i for i, ch in enumerate("零一二三四五六七八九")},
    **{ch: i + 1 for i, ch in enumerate(_CAPITALS)},
    "〇": 0,
    "两": 2,
}

_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3}(?![0-9]))+|[0-9]+)(?:\.[0-9]+)?"
_CHAIN = r"(?:[十百千](?:万亿|万|亿)?|万亿|万|亿)"
_TERM_RX = re.compile(
    rf"""
    (?P<jf>[{_CAPITALS}]角(?:零?[{_CAPITALS}]分)?|[{_CAPITALS}]分)
    |
    (?P<yen>¥\s*)?
    (?:
        (?<![0-9A-Za-z.])(?P<ar>{_NUM})
      | (?P<cn>[{_CN_DIGITS}{_CN_PLACES}]+(?:点[{_CN_DEC_DIGITS}]+{_CHAIN}?)?)
    )
    (?P<q1>[余多])?
    (?:\s{{0,4}}(?P<chain>{_CHAIN})(?:(?P<ar2>[0-9]+(?:\.[0-9]+)?)(?P<chain2>[十百千]万?|万))?)?
    (?P<q2>[余多])?
    (?:\s{{0,4}}(?P<cur>[元圆])(?:零?(?P<jiao>[{_CN_DEC_DIGITS}])角)?(?:零?(?P<fen>[{_CN_DEC_DIGITS}])分)?(?P<zheng>整)?)?
    """,
    re.X,
)
_JF_RX = re.compile(rf"([{_CAPITALS}])([角分])")
_JF_SCALE = {"角": Decimal("0.1"), "分": Decimal("0.01")}
_RANGE_SEP_RX = re.compile(r"\s*(?:-{1,2}|—{1,2}|–|~|至|到)\s*")
_CN_RUN_RX = re.compile(rf"([{_CN_DEC_DIGITS}]+)({_CHAIN}?)")


def _alternation(words: list[str] | dict[str, str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_LEAD_RX = re.compile(
    rf"(?P<cur1>(?:{_alternation(_WORDS['currency_prefixes'])})\s*)?"
    rf"(?:(?P<word>{_alternation(_LEADING)})(?:{_alternation(_WORDS['fillers'])})?\s*)?"
    rf"(?P<cur2>(?:{_alternation(_WORDS['currency_prefixes'])})\s*)?\Z"
)
_SCOPE_RX = re.compile(rf"(?P<word>{_alternation(_SCOPE)})(?P<gap>[\u4e00-\u9fff]{{0,6}}?)[:：]?\s*\Z")
_TRAIL_RX = re.compile(rf"\s*(?P<word>{_alternation(_TRAILING)})")
_PER_PART = f"(?:{_alternation(_WORDS['per_denominators'])})"
_PER_RX = re.compile(rf"\s*/\s*(?P<per>{_PER_PART}(?:\s*[·•・/]\s*{_PER_PART}|\.{_PER_PART}(?![\u4e00-\u9fff]))*)")
_PER_SPLIT_RX = re.compile(r"\s*[·•・/.]\s*")
_SENTENCE_END_RX = re.compile(r"[。;；!?！？\n]")


def _compile_masks() -> list[re.Pattern[str]]:
    """The not-a-quantity patterns of ``[masks]`` plus one for number + measure word (DOMAIN §4.5)."""
    masks = [re.compile(p) for p in _LEX["masks"].values()]
    measure = _alternation(_WORDS["measure_words"])
    span = rf"{_NUM}(?:\s*[-~—至到]\s*{_NUM})?"  # "59个", "70-80分", "1200人次"
    masks.append(re.compile(rf"(?<![0-9A-Za-z.]){span}\s*[余多]?\s*{_CHAIN}?\s*[余多]?\s*(?:{measure})"))
    return masks


_MASKS = _compile_masks()
# The [masks] patterns by name, without the number + measure word one: what parse_count and
# parse_change skip (parse_change leaves out "percent", since "增长3.0%" is its main form).
_NOT_QUANTITY_MASKS: dict[str, re.Pattern[str]] = dict(zip(_LEX["masks"], _MASKS[:-1], strict=True))


# ---------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True, slots=True)
class Money:
    """One money expression, normalised to yuan.

    ``value_yuan`` is exact (``Decimal``); for a range it is the lower bound and ``min_yuan`` /
    ``max_yuan`` are set (both ``None`` otherwise). ``source_value`` is the number in
    ``source_unit`` with separators removed and digits folded ("45983.93" for "45,983.93万元",
    "350" for "三百五十万元", "50-80" for "50-80万元"), so that value_yuan = source_value ×
    UNITS[source_unit]. ``unit_basis`` is "explicit", "header" or "inferred". ``qualifier`` is one
    of :data:`QUALIFIERS`. ``per`` is a unit-price denominator ("生·年", "公里") or ``None``.
    ``raw`` is the caller's text of the whole expression, qualifier words included.
    """

    value_yuan: Decimal
    source_value: str
    source_unit: str
    unit_basis: str
    qualifier: str
    raw: str
    min_yuan: Decimal | None = None
    max_yuan: Decimal | None = None
    per: str | None = None


@dataclass(frozen=True, slots=True)
class MoneyMatch:
    """Where a money expression stands in the string given to :func:`find_money`.

    ``start/end``: 0-based, end-exclusive code-point offsets of the number and its unit as written
    (qualifier words excluded). ``expr_start/expr_end``: the same widened to the qualifier words,
    the 人民币 prefix and a duplicated unit; ``money.raw == text[expr_start:expr_end]``.
    """

    start: int
    end: int
    expr_start: int
    expr_end: int
    money: Money


def format_yuan(value: Decimal) -> str:
    """Yuan as a plain two-decimal string, rounded half-up to the fen: 425019200 -> "425019200.00"."""
    return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def parse_decimal(text: str) -> Decimal | None:
    """A plain number ("9.00", "86.4", "1,234.5", "１２．５", "-3") as written, else ``None``."""
    m = re.fullmatch(rf"\s*([+-]?{_NUM})\s*", _fold(text))
    return Decimal(m.group(1).replace(",", "")) if m else None


def parse_percent(text: str, *, rate_column: bool = False) -> Decimal | None:
    """A percentage as its number of percent: "98.50%" -> 98.50, "99.85％" -> 99.85, "百分之九十五" -> 95.

    With ``rate_column=True`` the caller says the cell comes from a rate column that stores
    fractions, so a bare number is a fraction: "0.985" -> 98.5, "1" -> 100. Without it a bare
    number is not a percentage. Placeholders ("—", "/", "") give ``None``.
    """
    s = _fold(text).strip()
    m = re.fullmatch(rf"([+-]?{_NUM})\s*%", s)
    if m:
        return Decimal(m.group(1).replace(",", ""))
    m = re.fullmatch(rf"百分之([{_CN_DIGITS}{_CN_PLACES}]+(?:点[{_CN_DEC_DIGITS}]+)?)", s)
    if m:
        return _cn_number(m.group(1))
    if rate_column:
        plain = parse_decimal(s)
        return None if plain is None else plain * 100
    return None


def parse_money(text: str, *, header_unit: str | None = None) -> Money | None:
    """The one money expression in ``text`` (a cell or a short phrase), or ``None``.

    ``None`` when the text holds no money expression or more than one (use :func:`find_money`
    for running text). ``header_unit`` ("万元", "元", "萬元", "万" …) is the unit a table header
    declares; it makes a bare number ("89.974") money with ``unit_basis = "header"``.
    """
    found = find_money(text, header_unit=header_unit)
    return found[0].money if len(found) == 1 else None


def find_money(text: str, *, header_unit: str | None = None) -> list[MoneyMatch]:
    """Every money expression in ``text`` (prose or a table cell), in text order.

    Offsets are code points into ``text`` itself (see the module docstring). ``header_unit`` is
    the unit a table header declares for bare numbers; ``None`` means bare numbers are not money.
    """
    header = _header_unit(header_unit) if header_unit is not None else None
    s = _fold(text)
    terms = [t for t in (_term(s, m) for m in _TERM_RX.finditer(s)) if t is not None]
    if not terms:  # no number at all: the masks need not run
        return []
    masked = _mask(s)
    out: list[MoneyMatch] = []
    i = 0
    while i < len(terms):
        term = terms[i]
        if (out and term.start < out[-1].expr_end) or _is_masked(masked, term):
            i += 1
            continue
        reading = _range(s, term, terms[i + 1], masked, header) if i + 1 < len(terms) else None
        i += 2 if reading is not None else 1
        reading = reading or _single(s, term, header)
        match = _finish(text, s, reading) if reading is not None else None
        if match is not None:
            out.append(match)
    return out


# ---------------------------------------------------------------------------------------------
# Normalisation and masks

_FOLD_RANGES = ((0xFF01, 0xFFEF), (0xFE50, 0xFE6F), (0xF900, 0xFAFF), (0x2000, 0x200A))
_EXTRA_FOLDS = {"\u3000": " ", "\u00a0": " ", "\u2212": "-", "\u301c": "~"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One code point -> one code point: NFKC for full-width/small/compat forms, then Traditional -> Simplified."""
    code = ord(ch)
    if any(lo <= code <= hi for lo, hi in _FOLD_RANGES):
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) == 1:
            ch = folded
    ch = _EXTRA_FOLDS.get(ch, ch)
    return _T2S.get(ch, ch)


def _is_fullwidth_digit(ch: str) -> bool:
    return "０" <= ch <= "９"


def _fold(text: str) -> str:
    """The same-length matching copy of ``text`` (see the module docstring).

    A full-width "，" becomes "," only between full-width digits with exactly three after it
    (``１，２３４``); elsewhere it stays "，", which never joins digits.
    """
    out = []
    for i, ch in enumerate(text):
        if ch == "，":
            after = text[i + 1 : i + 5]
            thousands = (
                i > 0
                and _is_fullwidth_digit(text[i - 1])
                and len(after) >= 3
                and all(_is_fullwidth_digit(c) for c in after[:3])
                and not (len(after) > 3 and (after[3].isdigit()))
            )
            out.append("," if thousands else ch)
        else:
            out.append(_fold_char(ch))
    return "".join(out)


def _mask(s: str) -> bytearray:
    """One flag per code point of ``s``: 1 where a not-a-quantity pattern (文号, date, % …) stands."""
    flags = bytearray(len(s))
    for rx in _MASKS:
        for m in rx.finditer(s):
            flags[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return flags


def _header_unit(unit: str) -> tuple[str, int]:
    """A header's declared unit ("万元", "萬元", "万", "元") -> (unit, power of ten)."""
    u = _fold(unit).strip()
    for name in (u, u + "元"):
        if name in UNITS:
            return name, UNITS[name]
    raise ValueError(f"unknown header unit {unit!r}: pass one of {', '.join(UNITS)}")


# ---------------------------------------------------------------------------------------------
# Terms: one number with its multiplier, inner qualifier and currency


@dataclass(frozen=True, slots=True)
class _Term:
    """A number read off the normalised copy. ``start/end`` cover number, multiplier and 元.

    ``value`` is the number times its written multiplier (so in yuan when 元 follows).
    ``unit``/``unit_power`` are the money unit the term's own characters imply ("万元"/4 for
    "5万", "元"/0 for "5元"), ``None`` for a bare number whose unit must come from elsewhere.
    ``written`` is the number's own digits (separators removed) when they are in that unit.
    """

    start: int
    end: int
    kind: str  # "ar" Arabic digits, "cn" Chinese numeral, "jf" financial-capital 角/分 only
    value: Decimal
    unit: str | None
    unit_power: int | None
    written: str | None
    currency: bool
    inner: str | None
    places_only: bool


def _chain_power(chain: str) -> int:
    return sum(_MULTIPLIERS[c] for c in chain)


def _scale(value: Decimal, power: int) -> Decimal:
    """``value`` × 10**power for power >= 0, exactly and without exponent notation (50 × 10⁴ = 500000)."""
    return value * Decimal(10) ** power


def _unit_for_chain(chain: str) -> tuple[str, int]:
    """Written multiplier chain -> money unit: "万" -> 万元, "千" -> 千元, "千万" -> 万元, "百" -> 元."""
    if chain + "元" in UNITS:
        return chain + "元", UNITS[chain + "元"]
    last = chain[-1] if chain else ""
    name = last + "元" if last in "万亿" else "元"
    return name, UNITS[name]


def _cn_integer(run: str) -> Decimal | None:
    """A Chinese integer numeral via cn2an ("三亿五千万", "壹拾贰万叁仟", "千万" = 一千万).

    When cn2an refuses a numeral whose 亿/万 section omits the 零 before a smaller section
    ("陆仟贰佰叁拾壹亿陆仟玖佰壹拾陆", as cn2an's own an2cn writes it), the parts on either side
    of the last 亿 (then 万) are read separately and added.
    """
    if not run or (len(run) > 1 and not any(c in _CN_PLACES for c in run)):
        return None  # "一一", "二零二三": digit strings are codes or years, not amounts
    if run[0] in _PLACES_ONLY:
        run = "一" + run
    try:
        value = cn2an.cn2an(run, "normal")
    except (ValueError, KeyError, IndexError):
        return _cn_split(run)
    return Decimal(value) if isinstance(value, int) else None


def _cn_split(run: str) -> Decimal | None:
    """``high 亿 low`` (or ``high 万 low``) with low below the place: high × place + low."""
    for place, power in (("亿", 8), ("万", 4)):
        high, sep, low = run.rpartition(place)
        if not sep or not high or not low:
            continue
        upper, lower = _cn_integer(high), _cn_integer(low.removeprefix("零"))
        if upper is not None and lower is not None and lower < 10**power:
            return _scale(upper, power) + lower
    return None


def _cn_number(run: str) -> Decimal | None:
    """A Chinese numeral, decimals included, exactly: "一千二百三十四点五万" -> 12345000."""
    whole, dot, rest = run.partition("点")
    if not dot:
        return _cn_integer(run)
    m = _CN_RUN_RX.fullmatch(rest)
    integer = _cn_integer(whole)
    if m is None or integer is None:
        return None
    fraction = Decimal("0." + "".join(str(_CN_DIGIT_VALUE[c]) for c in m.group(1)))
    return _scale(integer + fraction, _chain_power(m.group(2)))


def _term(s: str, m: re.Match[str]) -> _Term | None:
    """Read one regex match as a number; ``None`` when the numeral does not parse."""
    g = m.groupdict()
    kind = "jf" if g["jf"] else ("ar" if g["ar"] else "cn")
    start = m.start("yen") if g["yen"] else m.start(kind)
    inner = g["q1"] or g["q2"]
    if kind == "jf":
        value = sum((_CN_DIGIT_VALUE[d] * _JF_SCALE[u] for d, u in _JF_RX.findall(g["jf"])), Decimal(0))
        return _Term(start, m.end(), "jf", value, "元", 0, None, True, None, False)
    if kind == "ar":
        return _arabic_term(m, start, inner)
    if start > 0 and s[start - 1] in _WORDS["vague_before"]:
        return None
    return _chinese_term(m, start, inner)


def _arabic_term(m: re.Match[str], start: int, inner: str | None) -> _Term | None:
    """Arabic digits with an optional multiplier chain: "45,983.93万", "1亿2000万", "5万余"."""
    g = m.groupdict()
    digits = g["ar"].replace(",", "")
    chain, chain2 = g["chain"] or "", g["chain2"] or ""
    value = _scale(Decimal(digits), _chain_power(chain))
    if chain2:
        if _chain_power(chain2) >= _chain_power(chain):
            return None
        value += _scale(Decimal(g["ar2"]), _chain_power(chain2))
    currency = bool(g["cur"] or g["yen"])
    unit: str | None = None
    power: int | None = None
    if chain:
        # "1亿2000万元" is in 万元, "3万5千元" in 元: a compound takes 万/亿 from its last place only.
        unit, power = _unit_for_chain(("万" if chain2.endswith("万") else "") if chain2 else chain)
    elif currency:
        unit, power = "元", 0
    tail = _jiao_fen(g)
    plain_chain = not chain2 and (not chain or _chain_power(chain) == power)
    written = digits if plain_chain and not tail else None
    return _Term(start, m.end(), "ar", value + tail, unit, power, written, currency, inner, False)


def _chinese_term(m: re.Match[str], start: int, inner: str | None) -> _Term | None:
    """A Chinese numeral: "三百五十万", "一千二百三十四点五万", "五百多万", "壹佰…元捌角玖分"."""
    g = m.groupdict()
    run, chain = g["cn"], g["chain"] or ""
    number = _cn_number(run)
    if number is None or g["ar2"]:
        return None
    currency = bool(g["cur"] or g["yen"])
    after = m.string[m.end() : m.end() + 1]
    if len(run) == 1 and not chain and currency and after.isalnum():
        return None  # 二元结构, 一元二次, 三元组: a one-character numeral glued to a word
    last = (chain or run)[-1]
    unit: str | None = None
    power: int | None = None
    if last in "万亿" or currency:
        unit, power = _unit_for_chain(last if last in "万亿" else "")
    value = _scale(number, _chain_power(chain)) + _jiao_fen(g)
    places_only = all(c in _PLACES_ONLY for c in run)
    return _Term(start, m.end(), "cn", value, unit, power, None, currency, inner, places_only)


def _jiao_fen(g: dict[str, str | None]) -> Decimal:
    """The 角 and 分 written after 元 ("元捌角玖分") as yuan."""
    total = Decimal(0)
    for group, scale in (("jiao", "角"), ("fen", "分")):
        digit = g[group]
        if digit:
            total += _CN_DIGIT_VALUE[digit] * _JF_SCALE[scale]
    return total


def _is_masked(masked: bytearray, term: _Term) -> bool:
    return any(masked[term.start : term.end])


# ---------------------------------------------------------------------------------------------
# Readings: a term (or two, for a range) judged as money


@dataclass(frozen=True, slots=True)
class _Reading:
    start: int
    end: int
    low: Decimal
    high: Decimal | None
    source_value: str
    source_unit: str
    basis: str
    inner: str | None
    places_only: bool


def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 3E+3 -> "3000", 350.0000 -> "350"."""
    return format(value.normalize(), "f")


def _in_unit(term: _Term, unit_power: int, yuan: Decimal) -> str:
    """The term's number expressed in the given unit, as written when it already is."""
    if term.written is not None and term.unit_power == unit_power:
        return term.written
    return _plain(yuan.scaleb(-unit_power))


def _single(s: str, term: _Term, header: tuple[str, int] | None) -> _Reading | None:
    """A lone term as money, or ``None`` (bare number without header, blocked 元, …)."""
    if term.currency:
        if term.end < len(s) and s[term.end] in _WORDS["blocked_after_yuan"]:
            return None
        basis = "explicit"
    elif term.unit_power is not None:
        if header is not None:
            basis = "header"
        elif term.unit in ("万元", "亿元") and _funds_context(s, term.start) and _follower_ok(s, term.end):
            basis = "inferred"
        else:
            return None
    elif header is not None and term.kind == "ar" and term.inner is None:
        unit, power = header
        yuan = _scale(term.value, power)
        assert term.written is not None
        return _Reading(term.start, term.end, yuan, None, term.written, unit, "header", None, False)
    else:
        return None
    assert term.unit is not None and term.unit_power is not None
    sv = _in_unit(term, term.unit_power, term.value)
    return _Reading(term.start, term.end, term.value, None, sv, term.unit, basis, term.inner, term.places_only)


def _range(s: str, first: _Term, second: _Term, masked: bytearray, header: tuple[str, int] | None) -> _Reading | None:
    """"50-80万元", "300万—500万元", "三至五万元": the second term's unit also scales the first."""
    sep = _RANGE_SEP_RX.fullmatch(s, first.end, second.start)
    if sep is None or first.kind != second.kind or first.inner or first.places_only or _is_masked(masked, second):
        return None
    upper = _single(s, second, header)
    if upper is None:
        return None
    power = UNITS[upper.source_unit]
    if first.unit_power is None:
        low, first_value = _scale(first.value, power), first.written or _plain(first.value)
    else:
        low, first_value = first.value, _in_unit(first, power, first.value)
    if low > upper.low:
        return None
    sv = f"{first_value}-{upper.source_value}"
    return _Reading(first.start, second.end, low, upper.low, sv, upper.source_unit, upper.basis, second.inner, False)


def _funds_context(s: str, start: int) -> bool:
    """A funds word stands in the same sentence within 20 characters before ``start``."""
    window = s[max(0, start - 20) : start]
    cut = max((m.end() for m in _SENTENCE_END_RX.finditer(window)), default=0)
    window = window[cut:]
    return any(word in window for word in _WORDS["funds_context"])


def _follower_ok(s: str, end: int) -> bool:
    """After a bare 万/亿: the end, punctuation, or a connective such as 其/用/的."""
    rest = s[end:].lstrip(" \t")
    return not rest or not rest[0].isalnum() or rest[0] in _WORDS["bare_multiplier_followers"]


# ---------------------------------------------------------------------------------------------
# Qualifiers, unit prices and the final match


def _leading(s: str, start: int) -> tuple[str | None, int]:
    """Qualifier word and 人民币 right before ``start`` -> (qualifier, widened start)."""
    window_start = max(0, start - 12)
    m = _LEAD_RX.search(s, window_start, start)
    if m is None or m.start() == start:
        return None, start
    word = m.group("word")
    if word and m.start("word") > 0 and s[m.start("word") - 1] in _BLOCKED_BEFORE.get(word, ""):
        return None, m.start("cur2") if m.group("cur2") else start
    return (_LEADING[word] if word else None), m.start()


def _scope(s: str, start: int) -> tuple[str | None, int]:
    """累计/共计/合计… up to six Han characters before ``start`` ("累计投入1.2亿元").

    The widened start includes the word only when nothing but ":" stands between.
    """
    m = _SCOPE_RX.search(s, max(0, start - 12), start)
    if m is None:
        return None, start
    return _SCOPE[m.group("word")], (m.start() if not m.group("gap") else start)


def _per(s: str, end: int) -> tuple[str | None, int]:
    """A unit-price denominator after 元: "/生.年" -> ("生·年", new end)."""
    m = _PER_RX.match(s, end)
    if m is None:
        return None, end
    return "·".join(_PER_SPLIT_RX.split(m.group("per"))), m.end()


def _unit_text(s: str, start: int, end: int) -> str:
    """The written unit at the end of ``s[start:end]`` ("万元", "元"), or ""."""
    core = s[start:end]
    return next((u for u in _UNITS_LONGEST_FIRST if core.endswith(u)), "")


def _finish(text: str, s: str, r: _Reading) -> MoneyMatch | None:
    """Attach qualifiers, unit price and duplicated unit; build the public match."""
    per, end = _per(s, r.end) if s[r.end - 1 : r.end] in "元圆" else (None, r.end)
    expr_end = end
    unit = _unit_text(s, r.start, r.end)
    if unit and s.startswith(unit, expr_end):
        expr_end += len(unit)
    trail = _TRAIL_RX.match(s, expr_end)
    lead, expr_start = _leading(s, r.start)
    scope, scope_start = _scope(s, expr_start)
    if lead is None and scope is not None:
        expr_start = scope_start
    candidates = [
        _TRAILING[trail.group("word")] if trail else None,
        _INNER[r.inner] if r.inner else None,
        lead,
        scope,
        "range" if r.high is not None else None,
    ]
    qualifier = next((q for q in candidates if q is not None), "exact")
    if r.places_only and not (set(candidates[:3]) & _VAGUE_OK):
        return None
    if trail:
        expr_end = trail.end()
    money = Money(
        value_yuan=r.low,
        source_value=r.source_value,
        source_unit=r.source_unit,
        unit_basis=r.basis,
        qualifier=qualifier,
        raw=text[expr_start:expr_end],
        min_yuan=r.low if r.high is not None else None,
        max_yuan=r.high,
        per=per,
    )
    return MoneyMatch(r.start, end, expr_start, expr_end, money)


# ---------------------------------------------------------------------------------------------
# Changes (DOMAIN §4.3), counts (§4.5), periods and dates (§4.6)
#
# The small word lists below are the grammar of these expressions rather than a lexicon that grows
# with new templates; measure words and qualifier words come from ``data/numbers.toml``.

_QTY_CN = f"[{_CN_DIGITS}十拾百佰千仟万亿]+(?:点[{_CN_DEC_DIGITS}]+)?"
# A quantity: Arabic digits (with an optional 万/亿) or a Chinese numeral, an inner 余/多, a unit.
_QTY = rf"(?:(?<![0-9A-Za-z.])(?P<ar>{_NUM})|(?P<cn>{_QTY_CN}))\s*(?P<chain>[万亿])?\s*(?P<inner>[余多])?\s*"
_MEASURE_ALT = _alternation(_WORDS["measure_words"])
_MONEY_UNIT_ALT = _alternation([*UNITS, "圆"])

_COUNT_RX = re.compile(rf"{_QTY}(?P<unit>{_MEASURE_ALT})")
# Measure words that make something other than a count: percentage points, scores, multiples, a
# bare month or day after a number (a date; "12个月" and "3天" are counts), and 级, a rank
# (一级指标, 一级预算单位).
_NOT_COUNT_UNITS = frozenset({"个百分点", "分", "倍", "月", "日", "级"})
_COUNT_UNIT_CANON = {"平米": "平方米", "㎡": "平方米", "m²": "平方米", "m³": "立方米", "千米": "公里", "km": "公里", "kg": "千克", "公斤": "千克"}
# Where the counted noun after a measure word stops: particles, conjunctions and common verbs.
_NOUN_RX = re.compile(r"(?:\s*[\u4e00-\u9fff])+")
_NOUN_STOP_RX = re.compile(
    r"对(?!象)|[的和及与等共已均是在占被将并且而或每]|开展|进行|实施|完成|参与|参加|通过|获得|涉及|合计|共计|其中|以上|以下|左右"
    r"|全部|实现|覆盖|接受|受益|纳入|提供|用于|达到|组织|发放"
)
_NOUN_MAX = 8

_CHANGE_BASES = {
    "上年同期": "上年", "去年同期": "上年", "上一年度": "上年", "上年度": "上年", "上年": "上年", "去年": "上年",
    "上期": "上期", "上月": "上期", "上季度": "上期", "年初预算": "预算", "年初": "年初", "预算数": "预算", "预算": "预算",
    "计划": "计划", "目标": "计划",
}
_BASE_WORD = rf"(?:{_alternation(_CHANGE_BASES)}|[0-9]{{4}}\s*年度?)"
_BASE_RX = rf"(?P<base>(?P<tongbi>同比|环比)\s*(?P<bw1>{_BASE_WORD})?|(?:相比|相较|对比|比|较|与)于?\s*(?P<bw2>{_BASE_WORD}))(?:同期)?(?:相比|相较|比较)?\s*[,，]?\s*"
_UP_VERBS = ("增长", "增加", "提高", "上升", "上涨", "提升", "增多")
_DOWN_VERBS = ("下降", "减少", "降低", "下滑", "回落", "缩减", "压减")
_UP_NOUNS = ("增幅", "涨幅", "增速", "增长率")
_DOWN_NOUNS = ("降幅", "减幅", "下降率")
_UP = frozenset({*_UP_VERBS, *_UP_NOUNS, "+"})
_CHANGE_UNIT = rf"(?P<unit>%|个百分点|百分点|倍|{_MONEY_UNIT_ALT}|{_MEASURE_ALT})"
_CHANGE_RX = re.compile(
    rf"(?:{_BASE_RX})?"
    rf"(?:(?P<fan>翻了?(?P<fn>[一两二三四])番)"
    rf"|(?P<noun>{_alternation([*_UP_NOUNS, *_DOWN_NOUNS])})(?:为|达到|达|是)?"  # before the verbs: 增长率 is not 增长
    rf"|(?P<verb>{_alternation([*_UP_VERBS, *_DOWN_VERBS])})了?\s*(?P<to>(?:到|至|为)(?:原来的|上年的)?)?"
    rf"|(?P<sign>[+-]))"
    rf"\s*(?P<q>{_alternation(_LEADING)})?\s*"
    rf"(?:{_QTY}{_CHANGE_UNIT}?)?"
)


@dataclass(frozen=True, slots=True)
class Change:
    """A change against a base (DOMAIN §4.3): "同比增长3.0%" -> ``+``, 3.0, "%", base "上年".

    ``direction`` is "+" or "-". ``value`` is the magnitude in ``unit`` (never negative); ``unit``
    is "%" (percent), "pp" (个百分点, percentage points), "×" (a factor: 翻一番 = 2, 翻两番 = 4,
    "增长到1.5倍" = 1.5), a money unit as written ("万元"), a measure word ("个"), "倍" for a decrease
    written in 倍 (no agreed reading; flagged), or ``None`` for a bare number. ``money`` is the amount in yuan when ``unit`` is a money unit. ``base`` is the
    comparison base: "上年" (同比, 比上年, 较去年同期), "上期" (环比), "年初", "预算", "计划", a year
    ("2021年"), or ``None`` when none is written. ``flagged`` marks readings writers are not
    consistent about, with the reason in ``note``: "翻一番" (read ×2), "增长1.5倍" (read ×2.5, some
    writers mean ×1.5). ``qualifier`` is one of :data:`QUALIFIERS` ("增长约3%" -> "approx").
    ``start/end`` cover the expression in the caller's string; ``raw == text[start:end]``.
    """

    direction: str
    value: Decimal | None
    unit: str | None
    base: str | None
    flagged: bool
    note: str | None
    qualifier: str
    money: Money | None
    raw: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Count:
    """A count or physical quantity with its measure word (DOMAIN §4.5): "185个预算项目" -> 185 个 预算项目.

    ``value`` is exact and includes a written 万/亿 ("2.5万人次" -> 25000). ``unit`` is the measure
    word or unit, with synonyms folded (平米, ㎡, m² -> 平方米; 千米, km -> 公里); ``unit_raw`` is the
    unit as written (on the normalised copy). ``noun`` is the counted noun right after the unit
    ("预算项目"), cut before particles and common verbs and at most 8 characters, whitespace
    removed, or ``None``; it is a best guess, not a span. ``qualifier`` is one of
    :data:`QUALIFIERS` (约3000平米 -> "approx", 300多人 -> "more_than"). ``start/end`` cover the
    number and the unit as written (spaces and line breaks between them included: "59 \\n\\n个");
    ``expr_start/expr_end`` add the qualifier words, and ``raw == text[expr_start:expr_end]``.
    """

    value: Decimal
    unit: str
    unit_raw: str
    noun: str | None
    qualifier: str
    raw: str
    start: int
    end: int
    expr_start: int
    expr_end: int


@dataclass(frozen=True, slots=True)
class Period:
    """A period or a date target (DOMAIN §4.6): "1-7月" -> months 1..7; "12月底前" -> deadline ``<=`` 12-31.

    ``kind`` is one of "year", "years", "month", "months", "half", "quarter", "date", "deadline"
    (a 时效 target: "12月底前", "6月30日前", "年底前") or "to_date" (截至…: from 1 January to that
    day). ``year`` is the year written, else the ``fiscal_year`` the caller passed, else ``None``;
    ``year_basis`` says which ("explicit", "fiscal_year", ``None``). ``first_month/last_month``
    bound the months covered (a deadline has only ``last_month``). ``date_from/date_to`` are the
    first and last day when the year is known (a deadline has only ``date_to``). ``comparator`` is
    "<=" for a deadline ending at a day or month end, "<" for "N月前" (before the month starts,
    ``date_to`` is its first day), ``None`` otherwise. ``start/end`` cover the expression in the
    caller's string; ``raw == text[start:end]``.
    """

    kind: str
    year: int | None
    year_basis: str | None
    first_month: int | None
    last_month: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    comparator: str | None
    raw: str
    start: int
    end: int


def _qty_value(m: re.Match[str]) -> Decimal | None:
    """The number of a ``_QTY`` match with its 万/亿 applied, or ``None`` for a numeral that does not parse."""
    chain = m.group("chain") or ""
    if m.group("ar"):
        value = Decimal(m.group("ar").replace(",", ""))
        return Decimal(_plain(_scale(value, _chain_power(chain)))) if chain else value
    run = m.group("cn")
    if run is None:
        return None
    if all(c in _CN_PLACES for c in run.partition("点")[0]):
        return None  # 万人, 千人计划: place words alone are not a number
    if m.start("cn") > 0 and m.string[m.start("cn") - 1] in "第" + _WORDS["vague_before"]:
        return None  # 第三个 (an ordinal), 数十个, 十几个
    value = _cn_number(run + chain)
    return None if value is None else Decimal(_plain(Decimal(value)))


def _qty_masked(masked: bytearray, start: int, end: int) -> bool:
    return any(masked[start:end])


def _not_quantity_mask(s: str, *, skip: str = "") -> bytearray:
    """Flags where a 文号, code, date, percentage or section number stands (``[masks]`` except ``skip``)."""
    flags = bytearray(len(s))
    for name, rx in _NOT_QUANTITY_MASKS.items():
        if name == skip:
            continue
        for m in rx.finditer(s):
            flags[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return flags


def _noun_after(s: str, end: int) -> str | None:
    """The counted noun right after a measure word: Han characters (whitespace between allowed), cut at a stop word."""
    m = _NOUN_RX.match(s, end)
    if m is None:
        return None
    noun = re.sub(r"\s+", "", m.group())
    stop = _NOUN_STOP_RX.search(noun)
    if stop is not None:
        noun = noun[: stop.start()]
    noun = noun[:_NOUN_MAX]
    return noun or None


def _counts(text: str) -> list[Count]:
    s = _fold(text)
    masked = _not_quantity_mask(s)
    out: list[Count] = []
    for m in _COUNT_RX.finditer(s):
        unit_raw = m.group("unit")
        start = m.start("ar") if m.group("ar") else m.start("cn")
        if unit_raw in _NOT_COUNT_UNITS or _qty_masked(masked, start, m.end()):
            continue
        if s[max(0, start - 1) : start] in ("-", "~", "—", "至", "到") and start >= 2 and s[start - 2].isdigit():
            continue  # the upper end of a range ("10-20个"): not handled
        value = _qty_value(m)
        if value is None:
            continue
        lead, expr_start = _leading(s, start)
        trail = _TRAIL_RX.match(s, m.end())
        expr_end = trail.end() if trail else m.end()
        candidates = [_TRAILING[trail.group("word")] if trail else None, _INNER[m.group("inner")] if m.group("inner") else None, lead]
        qualifier = next((q for q in candidates if q is not None), "exact")
        noun = None if trail else _noun_after(s, m.end())
        out.append(Count(value, _COUNT_UNIT_CANON.get(unit_raw, unit_raw), unit_raw, noun, qualifier,
                         text[expr_start:expr_end], start, m.end(), expr_start, expr_end))
    return out


def parse_count(text: str) -> Count | None:
    """The one count with a measure word in ``text`` (DOMAIN §4.5), or ``None``.

    "59 个" (split by spaces or line breaks) -> 59 个; "185个预算项目" -> 185 个, noun 预算项目;
    "两百人" -> 200 人; "约3000平米" -> 3000 平方米, approx. ``None`` when the text holds no count or
    more than one, and for things that only look like counts: percentages and 个百分点, scores
    (86.4分), multiples (1.5倍), dates and periods (2022年, 1-7月, 6日), 文号, codes, ordinals
    (第三个) and vague numerals (数十个). Money (5万元) is never a count.
    """
    found = _counts(text)
    return found[0] if len(found) == 1 else None


_FAN_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}


def _changes(text: str) -> list[Change]:
    s = _fold(text)
    masked = _not_quantity_mask(s, skip="percent")
    out: list[Change] = []
    pos = 0
    while True:
        m = _CHANGE_RX.search(s, pos)
        if m is None:
            return out
        pos = max(m.end(), m.start() + 1)
        change = _change(text, s, m, masked)
        if change is not None:
            out.append(change)


def _change(text: str, s: str, m: re.Match[str], masked: bytearray) -> Change | None:
    g = m.groupdict()
    bw = g["bw1"] or g["bw2"]
    base = None
    if bw:
        bw = re.sub(r"\s+", "", bw)
        base = _CHANGE_BASES.get(bw, bw.removesuffix("度"))
    elif g["tongbi"]:
        base = "上年" if g["tongbi"] == "同比" else "上期"
    qualifier = _LEADING[g["q"]] if g["q"] else "exact"
    if qualifier == "exact" and g["inner"]:
        qualifier = _INNER[g["inner"]]
    has_qty = g["ar"] is not None or g["cn"] is not None
    if g["fan"]:
        n = _FAN_NUMERALS[g["fn"]]
        factor = Decimal(2) ** n
        end = m.end("fan")
        return Change("+", factor, "×", base, True, f"翻{g['fn']}番 read as ×{factor}", qualifier, None, text[m.start():end], m.start(), end)
    word = g["verb"] or g["noun"] or g["sign"]
    direction = "+" if word in _UP else "-"
    if not has_qty:
        return None  # "增长较快": a direction without a value
    qstart = m.start("ar") if g["ar"] is not None else m.start("cn")
    unit = g["unit"]
    if _qty_masked(masked, qstart, m.end()):
        return None  # the number is a date, a 文号 … ("增加2022年"), not a change value
    if g["sign"] and (unit is None or (m.start("sign") > 0 and re.match(r"[0-9A-Za-z%.)\]〕]", s[m.start("sign") - 1]))):
        return None  # "-3" alone is a signed number; "80%-90%", "10-20个" are ranges
    value = _qty_value(m)
    if value is None:
        return None
    if g["to"]:
        if unit != "倍":
            return None  # "提高到95%": a new level, not a change
        return Change(direction, value, "×", base, False, None, qualifier, None, text[m.start() : m.end()], m.start(), m.end())
    flagged, note, money = False, None, None
    out_unit: str | None = unit
    if unit in ("个百分点", "百分点"):
        out_unit = "pp"
    elif unit == "倍":
        if direction == "+":
            out_unit, flagged = "×", True
            note = f"增长{_plain(value)}倍 read as ×{_plain(value + 1)}; some writers mean ×{_plain(value)}"
            value = value + 1
        else:
            flagged, note = True, "a decrease written in 倍 has no agreed reading"
    elif unit is not None and (unit in UNITS or unit == "圆"):
        money = parse_money(text[qstart : m.end()])
        if money is None:
            return None
        out_unit = money.source_unit
        value = Decimal(money.source_value)
    elif unit is not None:
        out_unit = _COUNT_UNIT_CANON.get(unit, unit)
        if unit in _NOT_COUNT_UNITS:
            return None
    return Change(direction, value, out_unit, base, flagged, note, qualifier, money, text[m.start() : m.end()], m.start(), m.end())


def parse_change(text: str) -> Change | None:
    """The one change expression in ``text`` (DOMAIN §4.3), or ``None``.

    "同比增长3.0%" -> ("+", 3.0, "%", base "上年"); "提高2.3个百分点" -> ("+", 2.3, "pp");
    "下降0.5%" -> ("-", 0.5, "%"); "较上年减少120万元" -> ("-", 120, "万元", money 1200000 yuan);
    "翻一番" -> ("+", 2, "×", flagged); "增长1.5倍" -> ("+", 2.5, "×", flagged). ``None`` when the text
    holds no change or more than one, and for a new level rather than a change ("提高到95%").
    """
    found = _changes(text)
    return found[0] if len(found) == 1 else None


_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_MONTH = r"(?:(?<![0-9])(?:1[0-2]|0?[1-9])(?![0-9])|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:(?<![0-9])(?:3[01]|[12][0-9]|0?[1-9])(?![0-9])|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"
_YEAR = r"(?<![0-9])[0-9]{4}(?![0-9])"
_PERIOD_RX = re.compile(
    rf"(?P<todate>截至|截止到?)?\s*"
    r"(?:"
    rf"(?P<iy>{_YEAR})\s*[-/.]\s*(?P<im>{_MONTH})\s*[-/.]\s*(?P<id>{_DAY})(?![0-9])"
    rf"|(?P<y1>{_YEAR})\s*(?:年度?)?\s*[-—–~至到]\s*(?P<y2>{_YEAR})\s*年度?"
    rf"|(?:(?P<y>{_YEAR})\s*年度?\s*)?(?:"
    rf"(?P<m1>{_MONTH})\s*月?\s*[-—–~至到]\s*(?P<m2>{_MONTH})\s*月份?"
    rf"|(?P<dm>{_MONTH})\s*月\s*(?P<dd>{_DAY})\s*[日号]"
    rf"|(?P<mm>{_MONTH})\s*月份?(?P<edge>底|末)?"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<q>[一二三四1-4])季度"
    r")"
    rf"|(?:(?P<ey>{_YEAR})\s*年?\s*)?(?P<ye>年底|年末)"
    r"|(?P<yo>(?<![0-9])[0-9]{4})\s*年度?"
    r")"
    r"(?P<before>\s*(?:之前|以前|前))?"
)


def _month_number(word: str) -> int:
    return int(word) if word.isdigit() else _CN_MONTHS[word]


def _day_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    value = _cn_integer(word)
    return int(value) if value is not None else None


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _period(text: str, s: str, m: re.Match[str], fiscal_year: int | None) -> Period | None:
    g = m.groupdict()
    written = g["y"] or g["iy"] or g["yo"] or g["ey"]
    year = int(written) if written else fiscal_year
    basis = "explicit" if written else ("fiscal_year" if fiscal_year is not None else None)
    kind: str
    first = last = None
    day: int | None = None
    if g["y1"]:
        y1, y2 = int(g["y1"]), int(g["y2"])
        if y1 > y2:
            return None
        return Period("years", None, "explicit", 1, 12, dt.date(y1, 1, 1), dt.date(y2, 12, 31), None,
                      text[m.start() : m.end()], m.start(), m.end())
    if g["yo"]:
        kind, first, last = "year", 1, 12
    elif g["m1"]:
        kind, first, last = "months", _month_number(g["m1"]), _month_number(g["m2"])
        if first > last:
            return None
    elif g["dm"] or g["iy"]:
        kind = "date"
        first = last = _month_number(g["dm"] or g["im"])
        day = _day_number(g["dd"] or g["id"])
    elif g["mm"]:
        kind, first = "month", _month_number(g["mm"])
        last = first
        if g["edge"]:
            kind, day = "date", 31  # the month's last day, clamped below
    elif g["ye"]:
        kind, first, last, day = "date", 12, 12, 31
    elif g["half"]:
        kind = "half"
        first, last = (1, 6) if g["half"] == "上半年" else (7, 12)
    elif g["q"]:
        kind = "quarter"
        n = int(g["q"]) if g["q"].isdigit() else _CN_MONTHS[g["q"]]
        first, last = 3 * n - 2, 3 * n
    else:
        kind, first, last = "year", 1, 12
    assert first is not None and last is not None
    date_from = date_to = None
    if year is not None:
        try:
            date_from = dt.date(year, first, 1 if day is None else min(day, _month_end(year, first).day))
            date_to = _month_end(year, last)
            if day is not None:
                if day > _month_end(year, last).day and not (g["edge"] or g["ye"]):
                    return None  # 2月30日
                date_to = date_from
        except ValueError:
            return None
    elif day is not None and not (g["edge"] or g["ye"]) and not 1 <= day <= _month_end(2000, last).day:
        return None  # no year: check against the longest month (2月 has 29 days in 2000)
    comparator = None
    if g["before"] and kind in ("date", "month"):
        if kind == "month" and not g["edge"]:
            comparator = "<"  # "10月前": before October starts
            date_to = dt.date(year, first, 1) if year is not None else None
        else:
            comparator = "<="
        kind, first = "deadline", None
        date_from = None
    elif g["todate"] and kind in ("date", "month"):
        kind, first = "to_date", 1
        date_from = dt.date(year, 1, 1) if year is not None else None
    elif g["before"]:
        return Period(kind, year, basis, first, last, date_from, date_to, None, text[m.start() : m.start("before")], m.start(), m.start("before"))
    return Period(kind, year, basis, first, last, date_from, date_to, comparator, text[m.start() : m.end()], m.start(), m.end())


def parse_period(text: str, *, fiscal_year: int | None = None) -> Period | None:
    """The first period or date expression in ``text`` (DOMAIN §4.6), or ``None``.

    "1-7月执行数" -> months 1..7 (a period, not a number); "2022年1-7月" -> 2022-01-01..2022-07-31;
    "12月底前" with ``fiscal_year=N`` -> deadline, comparator "<=", ``date_to`` N-12-31 (without a
    fiscal year: ``last_month`` 12, no date); "6月30日前" -> deadline "<=" N-06-30; "截至2022年7月31日"
    -> to_date 2022-01-01..2022-07-31; "上半年", "第三季度", "2023年 1月 6日" (stray spaces), "2022年度",
    "2020-2022年". ``fiscal_year`` fills in a year the text does not write. Unlike ``parse_money``
    this reads the leftmost expression, so a header such as "2022年1-7月执行数" gives its period.
    An impossible month or day (13月, 2月30日) is not a period.
    """
    s = _fold(text)
    for m in _PERIOD_RX.finditer(s):
        if m.end() == m.start():
            continue
        p = _period(text, s, m, fiscal_year)
        if p is not None:
            return p
    return None
