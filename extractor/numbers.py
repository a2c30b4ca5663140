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
"""

from __future__ import annotations

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
    "Money",
    "MoneyMatch",
    "find_money",
    "format_yuan",
    "parse_decimal",
    "parse_money",
    "parse_percent",
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
    masked = _mask(s)
    terms = [t for t in (_term(s, m) for m in _TERM_RX.finditer(s)) if t is not None]
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
