"""extractor.numbers: DOMAIN §4.7 rows, things that are not money, spans, and round trips."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.numbers import (
    QUALIFIERS,
    find_money,
    format_yuan,
    parse_decimal,
    parse_money,
    parse_percent,
)

REAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "real-dev"
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def _summary(text: str, header_unit: str | None = None) -> tuple[str, str, str, str, str]:
    money = parse_money(text, header_unit=header_unit)
    assert money is not None, text
    assert isinstance(money.value_yuan, Decimal)
    return format_yuan(money.value_yuan), money.source_value, money.source_unit, money.qualifier, money.unit_basis


# ---------------------------------------------------------------------------------------------
# DOMAIN §4.1 / §4.7 money rows and the forms the brief lists

@pytest.mark.parametrize(
    ("text", "header_unit", "expected"),
    [
        # §4.7
        ("42501.92万元", None, ("425019200.00", "42501.92", "万元", "exact", "explicit")),
        ("五百万元", None, ("5000000.00", "500", "万元", "exact", "explicit")),
        ("一千二百三十四点五万元", None, ("12345000.00", "1234.5", "万元", "exact", "explicit")),
        ("人民币壹拾贰万叁仟元整", None, ("123000.00", "123000", "元", "exact", "explicit")),
        ("１２３４．５６万元", None, ("12345600.00", "1234.56", "万元", "exact", "explicit")),
        ("8,863万元", None, ("88630000.00", "8863", "万元", "exact", "explicit")),
        ("15.39亿元", None, ("1539000000.00", "15.39", "亿元", "exact", "explicit")),
        ("约1.2亿元", None, ("120000000.00", "1.2", "亿元", "approx", "explicit")),
        ("近千万元", None, ("10000000.00", "1000", "万元", "just_under", "explicit")),
        ("5万余元", None, ("50000.00", "5", "万元", "more_than", "explicit")),
        ("新增500万元以上", None, ("5000000.00", "500", "万元", "at_least", "explicit")),
        ("89.974", "万元", ("899740.00", "89.974", "万元", "exact", "header")),
        ("0", "万元", ("0.00", "0", "万元", "exact", "header")),
        ("0.00", "万元", ("0.00", "0.00", "万元", "exact", "header")),
        ("≤90万元", None, ("900000.00", "90", "万元", "at_most", "explicit")),
        # §4.1
        ("10606.7522万元", None, ("106067522.00", "10606.7522", "万元", "exact", "explicit")),
        ("45,983.93万元", None, ("459839300.00", "45983.93", "万元", "exact", "explicit")),
        # Chinese numerals, capitals, mixed, Traditional, bare 万
        ("三百五十万元", None, ("3500000.00", "350", "万元", "exact", "explicit")),
        ("三亿五千万元", None, ("350000000.00", "35000", "万元", "exact", "explicit")),
        ("两千元", None, ("2000.00", "2000", "元", "exact", "explicit")),
        ("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", None, ("1234567.89", "1234567.89", "元", "exact", "explicit")),
        ("人民币伍拾万元整", None, ("500000.00", "50", "万元", "exact", "explicit")),
        ("壹拾元零伍分", None, ("10.05", "10.05", "元", "exact", "explicit")),
        ("1.2亿元", None, ("120000000.00", "1.2", "亿元", "exact", "explicit")),
        ("3千万元", None, ("30000000.00", "3000", "万元", "exact", "explicit")),
        ("3千元", None, ("3000.00", "3", "千元", "exact", "explicit")),
        ("5百万元", None, ("5000000.00", "5", "百万元", "exact", "explicit")),
        ("1亿2000万元", None, ("120000000.00", "12000", "万元", "exact", "explicit")),
        ("逾亿元", None, ("100000000.00", "1", "亿元", "more_than", "explicit")),
        ("3.5億元", None, ("350000000.00", "3.5", "亿元", "exact", "explicit")),
        ("7.29萬元", None, ("72900.00", "7.29", "万元", "exact", "explicit")),
        ("补助资金1.1萬", None, ("11000.00", "1.1", "万元", "exact", "inferred")),
        ("安排资金19204.096万。", None, ("192040960.00", "19204.096", "万元", "exact", "inferred")),
        ("¥1,234.56", None, ("1234.56", "1234.56", "元", "exact", "explicit")),
        ("3.6元", None, ("3.60", "3.6", "元", "exact", "explicit")),
        # header units in their written variants; an explicit unit in the cell wins
        ("7.29", "萬元", ("72900.00", "7.29", "万元", "exact", "header")),
        ("72890", "元", ("72890.00", "72890", "元", "exact", "header")),
        ("238.93", "万", ("2389300.00", "238.93", "万元", "exact", "header")),
        ("5元", "万元", ("5.00", "5", "元", "exact", "explicit")),
    ],
)
def test_money_expression(text: str, header_unit: str | None, expected: tuple[str, ...]) -> None:
    assert _summary(text, header_unit) == expected


@pytest.mark.parametrize(
    ("text", "low", "high", "source_value"),
    [
        ("300万—500万元", "3000000.00", "5000000.00", "300-500"),
        ("50-80万元", "500000.00", "800000.00", "50-80"),
        ("300万元至500万元", "3000000.00", "5000000.00", "300-500"),
        ("0.50~0.80万元", "5000.00", "8000.00", "0.50-0.80"),
        ("三至五万元", "30000.00", "50000.00", "3-5"),
    ],
)
def test_range_distributes_the_second_unit(text: str, low: str, high: str, source_value: str) -> None:
    [match] = find_money(text)
    money = match.money
    assert (match.start, match.end) == (0, len(text))
    assert money.min_yuan is not None and money.max_yuan is not None
    assert (format_yuan(money.min_yuan), format_yuan(money.max_yuan)) == (low, high)
    assert money.value_yuan == money.min_yuan
    assert (money.source_value, money.source_unit, money.qualifier) == (source_value, "万元", "range")


def test_reversed_range_is_not_a_range() -> None:
    [match] = find_money("500-80万元")
    assert match.money.min_yuan is None
    assert format_yuan(match.money.value_yuan) == "800000.00"


def test_range_in_a_header_cell() -> None:
    money = parse_money("10-20", header_unit="万元")
    assert money is not None and money.min_yuan is not None and money.max_yuan is not None
    assert (format_yuan(money.min_yuan), format_yuan(money.max_yuan), money.unit_basis) == ("100000.00", "200000.00", "header")


@pytest.mark.parametrize("cell", ["—", "/", "", "  ", "-", "无", "\\"])
def test_placeholder_cells_are_none(cell: str) -> None:
    assert parse_money(cell, header_unit="万元") is None


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("约500万元", "approx"),
        ("大约500万元", "approx"),
        ("500万元左右", "approx"),
        ("500万元上下", "approx"),
        ("近500万元", "just_under"),
        ("将近500万元", "just_under"),
        ("接近500万元", "just_under"),
        ("逾500万元", "more_than"),
        ("超过500万元", "more_than"),
        ("500余万元", "more_than"),
        ("500多万元", "more_than"),
        ("五百多万元", "more_than"),
        ("500万元以上", "at_least"),
        ("不低于500万元", "at_least"),
        ("500万元以下", "at_most"),
        ("控制在500万元以内", "at_most"),
        ("不超过500万元", "at_most"),
        ("不足500万元", "less_than"),
        ("累计投入500万元", "cumulative"),
        ("共计500万元", "total"),
        ("合计：500万元", "total"),
        ("总计500万元", "total"),
        ("500万元", "exact"),
        ("节约500万元", "exact"),
        ("近三年投入500万元", "exact"),
    ],
)
def test_qualifier(text: str, qualifier: str) -> None:
    money = parse_money(text)
    assert money is not None
    assert money.qualifier == qualifier
    assert qualifier in QUALIFIERS
    assert format_yuan(money.value_yuan) == "5000000.00"


@pytest.mark.parametrize(
    ("text", "per", "value"),
    [
        ("1000元/生·年", "生·年", "1000.00"),
        ("1000元/生.年", "生·年", "1000.00"),
        ("20万元/公里", "公里", "200000.00"),
        ("300元/人·月", "人·月", "300.00"),
        ("50元/亩", "亩", "50.00"),
    ],
)
def test_unit_price_keeps_its_denominator(text: str, per: str, value: str) -> None:
    [match] = find_money(text)
    assert (match.money.per, format_yuan(match.money.value_yuan)) == (per, value)
    assert text[match.start : match.end] == text


def test_duplicated_unit_is_one_amount() -> None:
    text = "一般公共预算财政拨款支出资金11.96万元万元，该资金"
    [match] = find_money(text)
    assert text[match.start : match.end] == "11.96万元"
    assert match.money.raw == "11.96万元万元"
    assert format_yuan(match.money.value_yuan) == "119600.00"


# ---------------------------------------------------------------------------------------------
# Not money (DOMAIN §4.6, §4.5, trap 8): nothing, even in a 万元 table where bare numbers count

NOT_MONEY = [
    "95%", "95％", "100.00%", "80%-90%", "百分之九十五", "提高2.3个百分点", "同比增长3.0%", "≥95%",
    "59个", "59 个", "1200人次", "3名", "2.5万人次", "3.28万平方米", "500平方米", "18亩",
    "86.4分", "70-80分", "得分9分",
    "2022年", "2023年 1月 6日", "1-7月", "1—7月执行数", "12月底前", "2020-2022年度", "20xx年6月30日", "2024-03-26",
    "财预〔2020〕10号", "琼府[20xx]67号", "洪财绩〔2023〕1号", "中发〔201834号", "上会湘报字(2022)第0001号",
    "51092324T000010263357-工资性支出", "219001-", "01526405-X/20240326-00132", "[015001]",
    "13812345678", "0871-63123456",
    "GB5749-2006", "GB/T 33190-2016", "第4条", "（1）", "1、", "1.项目年度目标完成情况",
    "单位：万元", "数十万元", "十几万元", "二元结构", "一元化管理", "千方百计",
]


@pytest.mark.parametrize("text", NOT_MONEY)
def test_not_money(text: str) -> None:
    assert find_money(text) == []
    assert find_money(text, header_unit="万元") == []


def test_bare_number_needs_a_header_unit() -> None:
    assert find_money("10") == []
    assert parse_money("89.974") is None
    assert find_money("共有2.5万。") == []  # a bare 万 without a funds word
    assert parse_money("10", header_unit="万元") is not None


def test_sentence_mixing_amounts_and_other_numbers_yields_the_amounts() -> None:
    text = (
        "根据财预〔2020〕10号和洪财绩〔2023〕1号，2023年1-7月安排资金300万元，完成率95%，"
        "惠及1200人次、59个单位，自评得分86.4分，执行2,535.4万元，联系电话13812345678，"
        "项目编码219001-，执行GB5749-2006标准，另有资金约1.2亿元。"
    )
    found = find_money(text)
    assert [text[m.start : m.end] for m in found] == ["300万元", "2,535.4万元", "1.2亿元"]
    assert [format_yuan(m.money.value_yuan) for m in found] == ["3000000.00", "25354000.00", "120000000.00"]
    assert find_money(text, header_unit="万元") == found


def test_unknown_header_unit_is_an_error() -> None:
    with pytest.raises(ValueError, match="美元"):
        find_money("5", header_unit="美元")


def test_parse_money_needs_exactly_one_expression() -> None:
    assert parse_money("预算3万元，执行2万元") is None
    assert parse_money("无") is None


# ---------------------------------------------------------------------------------------------
# Spans are offsets into the caller's string

def test_spans_cover_number_and_unit() -> None:
    text = "预算数3,039.68万元，执行数2,535.4万元"
    found = find_money(text)
    assert [(m.start, m.end) for m in found] == [(3, 13), (17, 26)]
    assert [text[m.start : m.end] for m in found] == ["3,039.68万元", "2,535.4万元"]
    assert [m.money.source_value for m in found] == ["3039.68", "2535.4"]


def test_full_width_span_points_at_the_original_characters() -> None:
    text = "合计：１２３４．５６万元。"
    [match] = find_money(text)
    assert text[match.start : match.end] == "１２３４．５６万元"
    assert match.money.raw == "合计：１２３４．５６万元"
    assert (match.money.qualifier, match.money.source_value) == ("total", "1234.56")


def test_full_width_comma_is_a_separator_only_inside_full_width_digits() -> None:
    assert _summary("１，２３４万元")[0] == "12340000.00"
    found = find_money("分别为100，200万元")
    assert [format_yuan(m.money.value_yuan) for m in found] == ["2000000.00"]


def test_qualifier_words_are_outside_start_end_but_inside_raw() -> None:
    text = "对新增500万元以上的项目和约人民币1.2亿元的政策"
    first, second = find_money(text)
    assert text[first.start : first.end] == "500万元"
    assert text[first.expr_start : first.expr_end] == first.money.raw == "500万元以上"
    assert text[second.start : second.end] == "1.2亿元"
    assert second.money.raw == "约人民币1.2亿元"


def test_circled_numbers_are_not_folded_into_digits() -> None:
    text = "①500万元"
    [match] = find_money(text)
    assert (text[match.start : match.end], format_yuan(match.money.value_yuan)) == ("500万元", "5000000.00")


# ---------------------------------------------------------------------------------------------
# Real texts (gold: /work/shared/corpora/real-dev/gold)

@pytest.mark.parametrize("name", ["013", "043"])
def test_real_prose_amounts_match_gold(name: str) -> None:
    gold_path = REAL_DEV / "gold" / f"{name}.json"
    if not gold_path.exists():
        pytest.skip(f"{gold_path} not present")
    text = (REAL_DEV / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["amounts"]
    found = find_money(text)
    assert [text[m.start : m.end] for m in found] == [a["text"] for a in gold]
    assert Counter(m.money.value_yuan for m in found) == Counter(Decimal(a["yuan"]) for a in gold)


def test_real_traditional_excerpt() -> None:
    text = "(一)項目概況:資金規模共計2535.4萬元,其中:特殊人群醫療保險基金項目資金500萬元"
    found = find_money(text)
    assert [(text[m.start : m.end], m.money.qualifier) for m in found] == [("2535.4萬元", "total"), ("500萬元", "exact")]


# ---------------------------------------------------------------------------------------------
# Percentages and plain numbers

@pytest.mark.parametrize(
    ("text", "rate_column", "expected"),
    [
        ("98.50%", False, Decimal("98.50")),
        ("100.00%", False, Decimal("100.00")),
        ("99.85％", False, Decimal("99.85")),
        ("100％", False, Decimal("100")),
        ("0.00%", False, Decimal("0.00")),
        (" 95 % ", False, Decimal("95")),
        ("百分之九十五", False, Decimal("95")),
        ("百分之九十五点五", False, Decimal("95.5")),
        ("0.985", False, None),
        ("0.985", True, Decimal("98.5")),
        ("1", True, Decimal("100")),
        ("—", True, None),
        ("", False, None),
        ("≥95%", False, None),
        ("95万元", False, None),
    ],
)
def test_parse_percent(text: str, rate_column: bool, expected: Decimal | None) -> None:
    assert parse_percent(text, rate_column=rate_column) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9.00", "9.00"),
        ("86.4", "86.4"),
        ("1,234.5", "1234.5"),
        ("１２．５", "12.5"),
        ("-3", "-3"),
        (" 100 ", "100"),
        ("86.4分", None),
        ("1，234", None),
        ("—", None),
        ("", None),
    ],
)
def test_parse_decimal(text: str, expected: str | None) -> None:
    value = parse_decimal(text)
    assert (str(value) if value is not None else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("425019200"), "425019200.00"),
        (Decimal("5.0E+5"), "500000.00"),
        (Decimal("0.005"), "0.01"),
        (Decimal("899740.000"), "899740.00"),
    ],
)
def test_format_yuan(value: Decimal, expected: str) -> None:
    assert format_yuan(value) == expected


# ---------------------------------------------------------------------------------------------
# Round trips: 0 to 10^12 yuan in two decimals, written each supported way, read back exactly


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


WRITERS = {
    "plain": lambda d: f"{d}元",
    "thousands": lambda d: f"{d:,}元",
    "wan": lambda d: _plain(d.scaleb(-4)) + "万元",
    "yi": lambda d: _plain(d.scaleb(-8)) + "亿元",
    "full_width": lambda d: f"{d:,}元".translate(FULL_WIDTH),
    "capitals_rmb": lambda d: cn2an.an2cn(str(d), "rmb"),
}


@given(cents=st.integers(min_value=0, max_value=10**14), writer=st.sampled_from(sorted(WRITERS)))
def test_round_trip_in_prose(cents: int, writer: str) -> None:
    value = Decimal(cents).scaleb(-2)
    written = WRITERS[writer](value)
    text = f"项目支出{written}，执行率95%。"
    [match] = find_money(text)
    assert match.money.value_yuan == value
    assert text[match.start : match.end] == written


@given(yuan=st.integers(min_value=0, max_value=10**12), mode=st.sampled_from(["rmb", "up", "low"]))
def test_round_trip_chinese_integers(yuan: int, mode: str) -> None:
    written = cn2an.an2cn(str(yuan), mode) + ("" if mode == "rmb" else "元")
    money = parse_money(written)
    assert money is not None, written
    assert money.value_yuan == yuan


@given(cents=st.integers(min_value=0, max_value=10**14))
def test_round_trip_header_cell(cents: int) -> None:
    value = Decimal(cents).scaleb(-2)
    money = parse_money(_plain(value.scaleb(-4)), header_unit="万元")
    assert money is not None and money.unit_basis == "header"
    assert money.value_yuan == value


@given(st.text(alphabet="0123456789.,，-—%年月号个分元万亿千百十一二三五零壹贰叁角整约近余多以上/生人 〔〕", max_size=30))
def test_find_money_spans_are_consistent_on_any_text(text: str) -> None:
    for match in find_money(text):
        assert match.expr_start <= match.start < match.end <= match.expr_end <= len(text)
        assert match.money.raw == text[match.expr_start : match.expr_end]
        assert match.money.value_yuan >= 0
        assert match.money.qualifier in QUALIFIERS
