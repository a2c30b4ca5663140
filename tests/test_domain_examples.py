"""DOMAIN.md §4.7 ("Worked examples (input → normalised)"), one case per table row, and the §7
implementer traps 1–6, 8 and 9, run on real files generated here (python-docx, openpyxl) and read
through ``extractor.parsers.parse`` + ``extractor.extract.extract_records``.

Every parametrize id starts with the row's first column exactly as DOMAIN.md writes it (pytest
shows non-ASCII ids escaped, e.g. ``\\u4e07\\u5143`` for 万元); rows with several inputs add
`` [input]``. ``test_every_domain_47_row_has_a_case`` fails when §4.7 gains a row without a case.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.extract import extract_records
from extractor.extract.indicators import achievement_tier, direction_of, parse_value
from extractor.extract.lexicon import canon_header
from extractor.numbers import (
    QUALIFIERS,
    find_money,
    format_yuan,
    parse_change,
    parse_count,
    parse_decimal,
    parse_money,
    parse_percent,
    parse_period,
)
from extractor.parsers import parse
from extractor.textnorm import fold_key

SHARED = Path(__file__).resolve().parents[2] / "shared"
DOMAIN_MD = SHARED / "DOMAIN.md"
DONGHU = SHARED / "corpora" / "reference" / "donghu-2022-summary.txt"
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


# =============================================================================================
# §4.7, money rows: value_yuan, unit, qualifier, basis, and the span of the number as written

MONEY_ROWS = [
    pytest.param("42501.92万元", None, "425019200.00", "万元", "exact", "explicit", "42501.92万元", id="42501.92万元"),
    pytest.param("五百万元", None, "5000000.00", "万元", "exact", "explicit", "五百万元", id="五百万元"),
    pytest.param("一千二百三十四点五万元", None, "12345000.00", "万元", "exact", "explicit", "一千二百三十四点五万元", id="一千二百三十四点五万元"),
    pytest.param("人民币壹拾贰万叁仟元整", None, "123000.00", "元", "exact", "explicit", "壹拾贰万叁仟元整", id="人民币壹拾贰万叁仟元整"),
    pytest.param("１２３４．５６万元", None, "12345600.00", "万元", "exact", "explicit", "１２３４．５６万元", id="１２３４．５６万元 (full-width)"),
    pytest.param("8,863万元", None, "88630000.00", "万元", "exact", "explicit", "8,863万元", id="8,863万元"),
    pytest.param("15.39亿元", None, "1539000000.00", "亿元", "exact", "explicit", "15.39亿元", id="15.39亿元"),
    pytest.param("约1.2亿元", None, "120000000.00", "亿元", "approx", "explicit", "1.2亿元", id="约1.2亿元"),
    pytest.param("近千万元", None, "10000000.00", "万元", "just_under", "explicit", "千万元", id="近千万元"),
    pytest.param("5万余元", None, "50000.00", "万元", "more_than", "explicit", "5万余元", id="5万余元"),
    pytest.param("新增500万元以上", None, "5000000.00", "万元", "at_least", "explicit", "500万元", id="新增500万元以上"),
    pytest.param("89.974", "万元", "899740.00", "万元", "exact", "header", "89.974", id="89.974"),
]


@pytest.mark.parametrize(("text", "header_unit", "yuan", "unit", "qualifier", "basis", "span_text"), MONEY_ROWS)
def test_row_money(text: str, header_unit: str | None, yuan: str, unit: str, qualifier: str, basis: str, span_text: str) -> None:
    [match] = find_money(text, header_unit=header_unit)
    money = match.money
    assert isinstance(money.value_yuan, Decimal)
    assert (format_yuan(money.value_yuan), money.source_unit, money.qualifier, money.unit_basis) == (yuan, unit, qualifier, basis)
    # the span is the caller's own characters (full-width ones included), qualifier words are in raw only
    assert text[match.start : match.end] == span_text
    assert money.raw == text[match.expr_start : match.expr_end]


ROLE_ROWS = [pytest.param("新增500万元以上", id="新增500万元以上 [role]")]


@pytest.mark.parametrize("phrase", ROLE_ROWS)
def test_row_threshold_rule_role_in_a_real_text_file(tmp_path: Path, phrase: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(f"关于开展事前绩效评估的通知\n对新出台的重大政策和项目，以及延续性项目{phrase}的，应开展事前绩效评估。\n", encoding="utf-8")
    [rec] = extract_records(parse(path))
    [amount] = rec["amounts"]
    assert (amount["value_yuan"], amount["qualifier"], amount["role"]) == ("5000000.00", "at_least", "threshold_rule")


RANGE_ROWS = [pytest.param("300万—500万元", "3000000.00", "5000000.00", id="300万—500万元")]


@pytest.mark.parametrize(("text", "low", "high"), RANGE_ROWS)
def test_row_range_distributes_the_second_unit(text: str, low: str, high: str) -> None:
    [match] = find_money(text)
    money = match.money
    assert money.min_yuan is not None and money.max_yuan is not None
    assert (format_yuan(money.min_yuan), format_yuan(money.max_yuan), money.qualifier) == (low, high, "range")
    assert text[match.start : match.end] == text


FUNDS_CELL_ROWS = [
    pytest.param("0", "0.00", id="0 / 0.00 / — [0]"),
    pytest.param("0.00", "0.00", id="0 / 0.00 / — [0.00]"),
    pytest.param("—", None, id="0 / 0.00 / — [—]"),
    pytest.param("/", None, id="0 / 0.00 / — [/]"),
    pytest.param("", None, id="0 / 0.00 / — [blank]"),
]


@pytest.mark.parametrize(("cell", "yuan"), FUNDS_CELL_ROWS)
def test_row_funds_cell_zero_and_placeholders(cell: str, yuan: str | None) -> None:
    money = parse_money(cell, header_unit="万元")
    assert (format_yuan(money.value_yuan) if money is not None else None) == yuan


# =============================================================================================
# §4.7, indicator value rows (年度指标值 / 实际完成值 cells): extractor.extract.indicators.parse_value

VALUE_ROWS = [
    pytest.param("≥95%", {}, ">=", "95", "%", id="≥95%"),
    pytest.param("≤90万元", {}, "<=", "90", "万元", id="≤90万元"),
    pytest.param("≥100百分比", {}, ">=", "100", "%", id="≥100百分比"),
    pytest.param("100", {"comparator": "=", "unit": "%"}, "=", "100", "%", id="= / 100 / % in three columns"),
    pytest.param("12月底前", {"fiscal_year": 2022}, "<=", "2022-12-31", "date", id="12月底前 [fiscal_year 2022]"),
    pytest.param("12月底前", {}, "<=", "12月", "date", id="12月底前 [no fiscal year]"),
]


@pytest.mark.parametrize(("raw", "kwargs", "comparator", "value", "unit"), VALUE_ROWS)
def test_row_indicator_value(raw: str, kwargs: dict[str, Any], comparator: str, value: str, unit: str) -> None:
    out = parse_value(raw, **kwargs)
    assert out is not None
    assert (out["comparator"], out["value"], out["unit"]) == (comparator, value, unit)


def test_row_cost_target_is_reverse() -> None:
    """≤90万元 (成本): direction reverse, on the value and on a real indicator (see trap 1's file)."""
    out = parse_value("≤90万元")
    assert out is not None and direction_of(out["comparator"]) == "reverse"
    assert [direction_of(c) for c in (">=", ">", "=", "<", "qualitative", None, "range")] == [
        "positive", "positive", "equal", "reverse", "qualitative", "unknown", "unknown"]


def test_row_garbled_percent_word_warns() -> None:
    out = parse_value("≥100百分比")
    assert out is not None and out["unit"] == "%"
    assert out["warnings"] and "百分比" in out["warnings"][0]
    clean = parse_value("≥100%")
    assert clean is not None and "warnings" not in clean  # only the garbled form warns


def test_row_sichuan_split_keeps_the_operator_in_raw() -> None:
    out = parse_value("72890", comparator="﹦", unit="元")
    assert out is not None
    assert (out["raw"], out["comparator"], out["value"], out["unit"]) == ("﹦72890元", "=", "72890", "元")


QUALITATIVE_ROWS = [
    pytest.param("效果明显", id="效果明显 / 达成预期指标 [效果明显]"),
    pytest.param("达成预期指标", id="效果明显 / 达成预期指标 [达成预期指标]"),
]


@pytest.mark.parametrize("raw", QUALITATIVE_ROWS)
def test_row_qualitative_actual_is_achieved(raw: str) -> None:
    out = parse_value(raw)
    assert out is not None
    assert (out["comparator"], out["value"], out["achievement_tier"]) == ("qualitative", None, "achieved")


# =============================================================================================
# §4.7, changes, percentages, counts, periods, 文号

CHANGE_ROWS = [
    pytest.param("同比增长3.0%", "+", Decimal("3.0"), "%", "上年", id="同比增长3.0%"),
    pytest.param("提高2.3个百分点", "+", Decimal("2.3"), "pp", None, id="提高2.3个百分点"),
]


@pytest.mark.parametrize(("text", "direction", "value", "unit", "base"), CHANGE_ROWS)
def test_row_change(text: str, direction: str, value: Decimal, unit: str, base: str | None) -> None:
    change = parse_change(text)
    assert change is not None
    assert (change.direction, change.value, change.unit, change.base, change.flagged) == (direction, value, unit, base, False)
    assert (change.start, change.end, change.raw) == (0, len(text), text)
    assert find_money(text, header_unit="万元") == []  # a change in % or pp is never money


PERCENT_ROWS = [pytest.param("100％", id="100％")]


@pytest.mark.parametrize("text", PERCENT_ROWS)
def test_row_full_width_percent(text: str) -> None:
    assert parse_percent(text) == Decimal("100")
    out = parse_value(text)
    assert out is not None and (out["value"], out["unit"]) == ("100", "%")
    assert find_money(text, header_unit="万元") == []


COUNT_ROWS = [
    # the Donghu summary as found: "预算单位数 59 " / blank line / "个，占一级预算单位数59个的100％"
    pytest.param("预算单位数 59 \n\n个，", "59 \n\n个", id="59 个 [Donghu, split by spaces and line breaks]"),
    pytest.param("59 个", "59 个", id="59 个"),
]


@pytest.mark.parametrize(("text", "span_text"), COUNT_ROWS)
def test_row_count_split_by_whitespace(text: str, span_text: str) -> None:
    count = parse_count(text)
    assert count is not None
    assert (count.value, count.unit, count.noun, count.qualifier) == (Decimal(59), "个", None, "exact")
    assert text[count.start : count.end] == span_text == count.raw
    assert find_money(text, header_unit="万元") == []  # a count in a 万元 table is still not money


def test_row_count_in_the_real_donghu_summary() -> None:
    if not DONGHU.exists():
        pytest.skip(f"{DONGHU} not present")
    text = DONGHU.read_text(encoding="utf-8")
    at = text.index("预算单位数 59")
    count = parse_count(text[at : at + 16])
    assert count is not None and (count.value, count.unit) == (Decimal(59), "个")
    assert re.fullmatch(r"59\s+个", count.raw)


PERIOD_ROWS = [pytest.param("1-7月执行数", id="1-7月执行数")]


@pytest.mark.parametrize("text", PERIOD_ROWS)
def test_row_period_is_not_a_number(text: str) -> None:
    period = parse_period(text)
    assert period is not None
    assert (period.kind, period.first_month, period.last_month, period.raw) == ("months", 1, 7, "1-7月")
    dated = parse_period(text, fiscal_year=2022)
    assert dated is not None and (dated.date_from, dated.date_to) == (dt.date(2022, 1, 1), dt.date(2022, 7, 31))
    assert canon_header(fold_key(text)) == "executed"  # a monitoring column header
    assert find_money(text, header_unit="万元") == []
    assert parse_decimal(text) is None and parse_count(text) is None and parse_change(text) is None


DOC_NUMBER_ROWS = [pytest.param("财预〔2020〕10号", id="财预〔2020〕10号")]


@pytest.mark.parametrize("text", DOC_NUMBER_ROWS)
def test_row_doc_number_is_masked(text: str) -> None:
    assert find_money(text) == [] and find_money(text, header_unit="万元") == []
    assert parse_count(text) is None and parse_change(text) is None and parse_period(text) is None
    assert parse_decimal(text) is None and parse_percent(text) is None
    sentence = f"根据{text}文件要求，安排资金300万元。"
    assert [sentence[m.start : m.end] for m in find_money(sentence, header_unit="万元")] == ["300万元"]


ALL_ROW_PARAMS = [
    *MONEY_ROWS, *ROLE_ROWS, *RANGE_ROWS, *FUNDS_CELL_ROWS, *VALUE_ROWS, *QUALITATIVE_ROWS,
    *CHANGE_ROWS, *PERCENT_ROWS, *COUNT_ROWS, *PERIOD_ROWS, *DOC_NUMBER_ROWS,
]


def _domain_47_inputs() -> list[str]:
    text = DOMAIN_MD.read_text(encoding="utf-8")
    section = text.split("### 4.7", 1)[1].split("\n## ", 1)[0].split("\n---", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # header and rule
    return [row.split("|")[1].strip() for row in rows]


def test_every_domain_47_row_has_a_case() -> None:
    if not DOMAIN_MD.exists():
        pytest.skip(f"{DOMAIN_MD} not present")
    inputs = _domain_47_inputs()
    assert len(inputs) >= 26
    covered = {re.sub(r" \[.*\]$", "", p.id) for p in ALL_ROW_PARAMS if p.id}
    covered |= {"≤90万元"}  # also test_row_cost_target_is_reverse
    assert [row for row in inputs if row not in covered] == []


# =============================================================================================
# More §4.3–4.6 forms for the new functions (beyond the §4.7 rows)

@pytest.mark.parametrize(
    ("text", "direction", "value", "unit", "base", "flagged"),
    [
        ("下降0.5%", "-", Decimal("0.5"), "%", None, False),
        ("较上年减少120万元", "-", Decimal("120"), "万元", "上年", False),
        ("同比上年度增加189.25万元", "+", Decimal("189.25"), "万元", "上年", False),  # real-dev 013
        ("增幅达到30％", "+", Decimal("30"), "%", None, False),  # Donghu
        ("比上年提高三点五个百分点", "+", Decimal("3.5"), "pp", "上年", False),
        ("与上年相比，下降5%", "-", Decimal("5"), "%", "上年", False),
        ("环比下降2.5万元", "-", Decimal("2.5"), "万元", "上期", False),
        ("较年初增加5个", "+", Decimal("5"), "个", "年初", False),
        ("比预算减少3%", "-", Decimal("3"), "%", "预算", False),
        ("较2021年增长12%", "+", Decimal("12"), "%", "2021年", False),
        ("同比+5%", "+", Decimal("5"), "%", "上年", False),
        ("－3％", "-", Decimal("3"), "%", None, False),
        ("翻一番", "+", Decimal("2"), "×", None, True),
        ("比上年翻两番", "+", Decimal("4"), "×", "上年", True),
        ("增长1.5倍", "+", Decimal("2.5"), "×", None, True),
        ("增长到1.5倍", "+", Decimal("1.5"), "×", None, False),
    ],
)
def test_parse_change_forms(text: str, direction: str, value: Decimal, unit: str, base: str | None, flagged: bool) -> None:
    change = parse_change(text)
    assert change is not None
    assert (change.direction, change.value, change.unit, change.base, change.flagged) == (direction, value, unit, base, flagged)
    assert change.raw == text[change.start : change.end]
    assert (change.note is not None) == flagged


def test_parse_change_money_and_qualifier() -> None:
    change = parse_change("较上年减少120万元")
    assert change is not None and change.money is not None
    assert format_yuan(change.money.value_yuan) == "1200000.00"
    approx = parse_change("增长约3%")
    assert approx is not None and approx.qualifier == "approx" and approx.qualifier in QUALIFIERS
    more = parse_change("增加了300多人")
    assert more is not None and (more.value, more.unit, more.qualifier) == (Decimal(300), "人", "more_than")


@pytest.mark.parametrize(
    "text",
    ["提高到95%", "增长较快", "同比增长3.0%，较上年提高2.3个百分点", "95%", "3.0", "-3", "80%-90%", "10-20个", "增长2022年",
     "财预〔2020〕10号", ""],
)
def test_parse_change_rejects(text: str) -> None:
    assert parse_change(text) is None


@pytest.mark.parametrize(
    ("text", "value", "unit", "noun", "qualifier"),
    [
        ("185个预算项目", Decimal(185), "个", "预算项目", "exact"),
        ("28个展区", Decimal(28), "个", "展区", "exact"),
        ("174台拼接屏", Decimal(174), "台", "拼接屏", "exact"),
        ("500平方米", Decimal(500), "平方米", None, "exact"),
        ("25.29㎡", Decimal("25.29"), "平方米", None, "exact"),
        ("集中安葬烈士3名", Decimal(3), "名", None, "exact"),
        ("编撰50万字", Decimal(500000), "字", None, "exact"),
        ("环境整治绿化面积约3000平米", Decimal(3000), "平方米", None, "approx"),
        ("两百人", Decimal(200), "人", None, "exact"),
        ("十二个", Decimal(12), "个", None, "exact"),
        ("2.5万人次", Decimal(25000), "人次", None, "exact"),
        ("300多人", Decimal(300), "人", None, "more_than"),
        ("1200人次以上", Decimal(1200), "人次", None, "at_least"),
        ("选取7个项目开展重点评价", Decimal(7), "个", "项目", "exact"),  # real-dev 053
        ("设 17 个内设 机构。", Decimal(17), "个", "内设机构", "exact"),  # real-dev 005, PDF spacing
        ("１８５个预算项目", Decimal(185), "个", "预算项目", "exact"),
        ("12个月", Decimal(12), "个月", None, "exact"),
    ],
)
def test_parse_count_forms(text: str, value: Decimal, unit: str, noun: str | None, qualifier: str) -> None:
    count = parse_count(text)
    assert count is not None
    assert (count.value, count.unit, count.noun, count.qualifier) == (value, unit, noun, qualifier)
    assert count.raw == text[count.expr_start : count.expr_end]
    assert count.expr_start <= count.start < count.end <= count.expr_end


@pytest.mark.parametrize(
    "text",
    ["2022年", "2022 年", "86.4分", "95%", "提高2.3个百分点", "5万元", "第三个", "数十个", "1-7月", "6日", "1.5倍", "10-20个",
     "财预〔2020〕10号", "第4条", "一级指标", "共有59个单位、185个预算项目", ""],
)
def test_parse_count_rejects(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize(
    ("text", "fiscal_year", "kind", "first", "last", "date_from", "date_to", "comparator"),
    [
        ("2022年1-7月执行数", None, "months", 1, 7, dt.date(2022, 1, 1), dt.date(2022, 7, 31), None),
        ("一至七月", 2022, "months", 1, 7, dt.date(2022, 1, 1), dt.date(2022, 7, 31), None),
        ("1—7月", None, "months", 1, 7, None, None, None),
        ("12月底前", 2022, "deadline", None, 12, None, dt.date(2022, 12, 31), "<="),
        ("12月底前", None, "deadline", None, 12, None, None, "<="),
        ("6月30日前", 2023, "deadline", None, 6, None, dt.date(2023, 6, 30), "<="),
        ("年底前", 2022, "deadline", None, 12, None, dt.date(2022, 12, 31), "<="),
        ("2021年底前完成", 2022, "deadline", None, 12, None, dt.date(2021, 12, 31), "<="),
        ("10月前", 2022, "deadline", None, 10, None, dt.date(2022, 10, 1), "<"),
        ("截至2022年7月31日", None, "to_date", 1, 7, dt.date(2022, 1, 1), dt.date(2022, 7, 31), None),
        ("截至6月底", 2022, "to_date", 1, 6, dt.date(2022, 1, 1), dt.date(2022, 6, 30), None),
        ("上半年", 2022, "half", 1, 6, dt.date(2022, 1, 1), dt.date(2022, 6, 30), None),
        ("第三季度", 2022, "quarter", 7, 9, dt.date(2022, 7, 1), dt.date(2022, 9, 30), None),
        ("2023年 1月 6日", None, "date", 1, 1, dt.date(2023, 1, 6), dt.date(2023, 1, 6), None),
        ("2022年度", None, "year", 1, 12, dt.date(2022, 1, 1), dt.date(2022, 12, 31), None),
        ("2020-2022年", None, "years", 1, 12, dt.date(2020, 1, 1), dt.date(2022, 12, 31), None),
        ("2024年2月底", None, "date", 2, 2, dt.date(2024, 2, 29), dt.date(2024, 2, 29), None),
    ],
)
def test_parse_period_forms(
    text: str, fiscal_year: int | None, kind: str, first: int | None, last: int | None,
    date_from: dt.date | None, date_to: dt.date | None, comparator: str | None,
) -> None:
    p = parse_period(text, fiscal_year=fiscal_year)
    assert p is not None
    assert (p.kind, p.first_month, p.last_month, p.date_from, p.date_to, p.comparator) == (kind, first, last, date_from, date_to, comparator)
    assert p.raw == text[p.start : p.end]


@pytest.mark.parametrize("text", ["13月", "2月30日", "2023年2月29日", "预算执行率95%", "59个", ""])
def test_parse_period_rejects(text: str) -> None:
    assert parse_period(text) is None


def test_deadline_with_a_written_year_ignores_the_fiscal_year() -> None:
    p = parse_period("2022年12月底前完成", fiscal_year=2023)
    assert p is not None and (p.year, p.year_basis, p.date_to) == (2022, "explicit", dt.date(2022, 12, 31))
    out = parse_value("2022年6月30日前完成", fiscal_year=2023)
    assert out is not None and (out["comparator"], out["value"], out["unit"]) == ("<=", "2022-06-30", "date")


# =============================================================================================
# §7 traps on real generated files

TITLE = "2022年度城区道路维护项目支出绩效自评报告"


def _docx_table(document: Any, rows: list[list[str]]) -> Any:
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    return table


INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
# 一级 and 二级 are written once per group; _merged_docx merges them down the group (w:vMerge).
INDICATOR_ROWS = [
    ["产出指标", "数量指标", "改造道路长度", "≥3.5公里", "3.6", "15", "15", ""],
    ["", "", "修补路面面积", "≥500平方米", "520", "10", "10", ""],
    ["", "质量指标", "验收合格率", "≥95%", "98", "10", "10", ""],
    ["", "", "路灯完好率", "≥90%", "92", "10", "10", ""],
    ["", "成本指标", "项目总成本", "≤90万元", "90", "10", "10", ""],
    ["效益指标", "社会效益指标", "通行条件", "有所提升", "效果明显", "15", "15", ""],
    ["", "", "群众出行", "逐步改善", "按计划推进", "10", "8", "部分路段施工延期"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", "10", "10", ""],
]
MERGES = [(0, 4, 0), (0, 1, 1), (2, 3, 1), (5, 6, 0), (5, 6, 1)]  # (first row, last row, column) within INDICATOR_ROWS


def _merged_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(TITLE)
    rows = [
        ["项目名称", "城区道路维护项目", "", "", "", "", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "100", "100", "90", "10", "90%", "9"],
        INDICATOR_HEADER,
        *INDICATOR_ROWS,
        ["总分", "", "", "", "", "100", "97", ""],
    ]
    table = _docx_table(document, rows)
    top = 4
    for first, last, col in MERGES:
        table.cell(top + first, col).merge(table.cell(top + last, col))
    document.save(str(path))
    return path


def _indicators(path: Path) -> dict[str, dict[str, Any]]:
    [rec] = extract_records(parse(path))
    return {i["name"]: i for i in rec["indicators"]}


def test_trap1_merged_cells_inherit_levels(tmp_path: Path) -> None:
    inds = _indicators(_merged_docx(tmp_path / "merged.docx"))
    got = {name: (i["level1_raw"], i["level2_raw"], i["level1"], i["level2"], i["level1_inherited"], i["level2_inherited"]) for name, i in inds.items()}
    assert got == {
        "改造道路长度": ("产出指标", "数量指标", "output", "quantity", False, False),
        "修补路面面积": ("产出指标", "数量指标", "output", "quantity", True, True),
        "验收合格率": ("产出指标", "质量指标", "output", "quality", True, False),
        "路灯完好率": ("产出指标", "质量指标", "output", "quality", True, True),
        "项目总成本": ("产出指标", "成本指标", "output", "cost", True, False),
        "通行条件": ("效益指标", "社会效益指标", "effect", "social", False, False),
        "群众出行": ("效益指标", "社会效益指标", "effect", "social", True, True),
        "群众满意度": ("满意度指标", "服务对象满意度指标", "satisfaction", "beneficiary_satisfaction", False, False),
    }
    assert inds["项目总成本"]["direction"] == "reverse" and inds["验收合格率"]["direction"] == "positive"


def test_trap1_newer_template_cost_as_level1(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = _docx_table(document, [
        INDICATOR_HEADER,
        ["产出指标", "数量指标", "改造道路长度", "≥3.5公里", "3.6", "20", "20", ""],
        ["", "质量指标", "验收合格率", "≥95%", "98", "20", "20", ""],
        ["成本指标", "经济成本指标", "项目总成本", "≤90万元", "89.5", "20", "20", ""],
        ["效益指标", "社会效益指标", "通行条件", "有所提升", "效果明显", "30", "30", ""],
    ])
    table.cell(1, 0).merge(table.cell(2, 0))
    path = tmp_path / "cost_level1.docx"
    document.save(str(path))
    cost = _indicators(path).get("项目总成本")
    assert cost is not None
    assert (cost["level1"], cost["level2"], cost["level1_inherited"]) == ("cost", "economic_cost", False)


def _stacked_xlsx(path: Path) -> Path:
    """Two project self-evaluation tables stacked on one sheet, as XLSX exports do (trap 6)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"

    def project(top: int, name: str, budget: int, executed: int, indicator: str) -> int:
        rows: list[list[Any]] = [
            [f"{name}支出绩效自评表"],
            ["项目名称", name],
            ["主管部门", "某区财政局", None, "实施单位", "某区城市管理局"],
            ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            [None, "年度资金总额", budget, budget, executed, 10, None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "质量指标", indicator, "≥95%", "98", 90, 90, None],
            ["总分", None, None, None, None, 100, 99, None],
        ]
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    ws.cell(row=top + i, column=j + 1, value=value)
        ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=8)
        ws.merge_cells(start_row=top + 3, start_column=1, end_row=top + 4, end_column=1)
        return top + len(rows) + 1

    after = project(1, "城区道路维护项目", 100, 90, "道路完好率")
    project(after + 1, "社区绿化提升项目", 50, 45, "苗木成活率")
    wb.save(str(path))
    return path


def test_trap2_bare_90_is_money_in_a_wan_yuan_column_and_points_in_the_weight_column(tmp_path: Path) -> None:
    doc = parse(_stacked_xlsx(tmp_path / "stacked.xlsx"))
    rec = extract_records(doc)[0]
    executed = [a for a in rec["amounts"] if a["role"] == "executed"]
    assert [(a["text"], a["value_yuan"], a["source_unit"], a["unit_basis"]) for a in executed] == [("90", "900000.00", "万元", "header")]
    assert rec["budget"]["executed"]["value"] == "900000.00"
    [ind] = rec["indicators"]
    assert (ind["weight"], ind["score"]) == ("90", "90")
    # the 分值 / 得分 cells (F11, G11) and the funds row's 分值 (F5) are never amounts
    assert sorted(a["prov"]["cell"] for a in rec["amounts"]) == ["C5", "D5", "E5"]


def test_trap3_actual_inherits_the_targets_unit(tmp_path: Path) -> None:
    inds = _indicators(_merged_docx(tmp_path / "merged.docx"))
    units = {name: (i["target"]["unit"], i["actual"]["raw"], i["actual"]["value"], i["actual"]["unit"]) for name, i in inds.items()
             if i["target"]["comparator"] != "qualitative"}
    assert units["验收合格率"] == ("%", "98", "98", "%")
    assert units["改造道路长度"] == ("公里", "3.6", "3.6", "公里")
    assert units["项目总成本"] == ("万元", "90", "90", "万元")
    assert units["群众满意度"] == ("%", "95%", "95", "%")
    # the same rule on the cell reader: a bare actual takes the unit it is given
    out = parse_value("98", unit="%")
    assert out is not None and out["unit"] == "%"


def test_trap4_unknown_qualitative_phrase_gets_no_tier(tmp_path: Path) -> None:
    assert achievement_tier("严格执行相关制度规定") is None
    assert achievement_tier("按计划推进") is None
    assert achievement_tier("未达成预期指标") == "not_achieved"  # never read as 达成预期指标
    assert achievement_tier("基本完成。") == "partial"
    assert achievement_tier(" 效果明显 ") == "achieved"
    out = parse_value("严格执行相关制度规定")
    assert out is not None and out["comparator"] == "qualitative" and out["achievement_tier"] is None
    inds = _indicators(_merged_docx(tmp_path / "merged.docx"))
    assert inds["通行条件"]["actual"]["achievement_tier"] == "achieved"
    assert inds["群众出行"]["actual"]["achievement_tier"] is None
    assert "achievement_tier" not in inds["通行条件"]["target"]  # a qualitative target states a goal
    assert "achievement_tier" not in inds["验收合格率"]["actual"]  # only qualitative values carry a tier


CITATION = "财预〔2020〕10号"


def _prose_and_table_docx(path: Path) -> Path:
    """Prose says 全年执行数95万元, the funds table says 90 (万元): trap 5; plus a 文号 and full-width forms."""
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(f"根据《项目支出绩效评价管理办法》（{CITATION}）要求，现将自评情况报告如下。")
    document.add_paragraph("（一）项目资金情况：项目全年预算数１００万元，全年执行数95万元，预算执行率95％。")
    _docx_table(document, [
        ["项目名称", "城区道路维护项目", "", "", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
        ["", "年度资金总额", "100", "100", "90", "90％"],
    ])
    document.save(str(path))
    return path


def test_trap5_report_and_table_disagree_both_kept_and_c15_warns(tmp_path: Path) -> None:
    doc = parse(_prose_and_table_docx(tmp_path / "disagree.docx"))
    [rec] = extract_records(doc)
    executed = sorted((a["value_yuan"], a["line"], a["text"]) for a in rec["amounts"] if a["role"] == "executed")
    assert executed == [("900000.00", "total", "90"), ("950000.00", None, "95万元")]
    assert rec["budget"]["executed"]["value"] == "900000.00"  # the table is not "fixed" by the prose
    [c15] = [v for v in rec["validations"] if v["check_id"] == "C15"]
    assert c15["status"] == "warn" and "95万元" in c15["message"]
    [ref] = c15["field_refs"]
    assert rec["amounts"][int(ref.rsplit("/", 1)[1])]["value_yuan"] == "950000.00"


def test_trap6_stacked_project_tables_give_one_record_each(tmp_path: Path) -> None:
    recs = extract_records(parse(_stacked_xlsx(tmp_path / "stacked.xlsx")))
    got = [(r["meta"]["project_name"]["value"], r["budget"]["full_year"]["value"], r["budget"]["executed"]["value"],
            [i["name"] for i in r["indicators"]]) for r in recs]
    assert got == [
        ("城区道路维护项目", "1000000.00", "900000.00", ["道路完好率"]),
        ("社区绿化提升项目", "500000.00", "450000.00", ["苗木成活率"]),
    ]


def test_deadline_target_in_a_real_table_gets_the_fiscal_year(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE)
    _docx_table(document, [INDICATOR_HEADER, ["产出指标", "时效指标", "完工时间", "12月底前", "12月20日完成", "10", "10", ""]])
    path = tmp_path / "deadline.docx"
    document.save(str(path))
    target = _indicators(path)["完工时间"]["target"]
    assert (target["comparator"], target["value"], target["unit"]) == ("<=", "2022-12-31", "date")


def test_trap8_doc_numbers_are_never_money(tmp_path: Path) -> None:
    for text in (CITATION, "洪财绩〔2023〕1号", "上会湘报字(2022)第0001号", "51092324T000010263357-工资性支出"):
        assert find_money(text, header_unit="万元") == [], text
    doc = parse(_prose_and_table_docx(tmp_path / "citation.docx"))
    [rec] = extract_records(doc)
    at = doc.text.index(CITATION)
    cited = range(at, at + len(CITATION))
    assert [a for a in rec["amounts"] if a["prov"]["char_span"][0] in cited or a["prov"]["char_span"][1] - 1 in cited] == []
    assert all(not re.search(r"2020|10号", a["text"]) for a in rec["amounts"])


def test_trap9_full_width_forms_and_stable_spans(tmp_path: Path) -> None:
    # the readers fold ％ ．０-９ （） for matching …
    assert parse_percent("95％") == Decimal("95")
    out = parse_value("≥95％")
    assert out is not None and (out["comparator"], out["value"], out["unit"]) == (">=", "95", "%")
    count = parse_count("５９ 个")
    assert count is not None and count.value == 59 and count.raw == "５９ 个"
    text = "（一）收入同比增长３．０％。"
    change = parse_change(text)
    assert change is not None and (change.value, change.unit) == (Decimal("3.0"), "%")
    assert text[change.start : change.end] == change.raw == "同比增长３．０％"  # … but spans point at the original
    assert find_money("（一）", header_unit="万元") == []
    # … and in a real file every span indexes the one normalised text, full-width characters kept
    doc = parse(_prose_and_table_docx(tmp_path / "fullwidth.docx"))
    [rec] = extract_records(doc)
    for a in rec["amounts"]:
        start, end = a["prov"]["char_span"]
        assert doc.text[start:end] == a["text"] == a["prov"]["quote"]
    assert "１００万元" in [a["text"] for a in rec["amounts"] if a["value_yuan"] == "1000000.00"]
    rate = rec["budget"]["execution_rate_reported"]
    assert (rate["value"], rate["raw"]) == ("90.00", "90％")
    assert (rec["budget"]["source_unit"], rec["amounts"][-1]["unit_basis"]) == ("万元", "header")  # from "项目资金（万元）"


# =============================================================================================
# Properties: written forms read back exactly, spans index the caller's string

UP_WORDS = ["增长", "增加", "提高", "上升", "提升"]
DOWN_WORDS = ["下降", "减少", "降低", "下滑", "回落"]
BASES = {"": None, "同比": "上年", "比上年": "上年", "较上年": "上年", "较上年同期": "上年", "与上年相比，": "上年",
         "环比": "上期", "较年初": "年初", "比预算": "预算"}
CHANGE_UNITS = {"%": "%", "个百分点": "pp", "万元": "万元", "个": "个", "人次": "人次"}
decimals = st.builds(lambda n, places: Decimal(n).scaleb(-places), st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=2))


@given(
    up=st.booleans(), word_index=st.integers(min_value=0, max_value=4), base=st.sampled_from(sorted(BASES)),
    value=decimals, unit=st.sampled_from(sorted(CHANGE_UNITS)), full_width=st.booleans(),
)
def test_parse_change_round_trip(up: bool, word_index: int, base: str, value: Decimal, unit: str, full_width: bool) -> None:
    word = (UP_WORDS if up else DOWN_WORDS)[word_index]
    number = format(value, "f")
    if full_width:
        number = number.translate(FULL_WIDTH)
    written = f"{base}{word}{number}{unit}"
    text = f"本年度项目支出{written}。"
    change = parse_change(text)
    assert change is not None, written
    assert (change.direction, change.value, change.unit, change.base) == ("+" if up else "-", value, CHANGE_UNITS[unit], BASES[base])
    assert text[change.start : change.end] == change.raw == written
    if unit == "万元":
        assert change.money is not None and change.money.value_yuan == value * 10000
    else:
        assert change.money is None


MEASURES = ["个", "项", "家", "人次", "名", "台", "场", "平方米", "公里", "吨"]
NOUNS = ["", "预算项目", "展区", "拼接屏"]


@given(
    value=decimals, measure=st.sampled_from(MEASURES), gap=st.sampled_from(["", " ", " \n\n", "\n", "  "]),
    noun=st.sampled_from(NOUNS), full_width=st.booleans(),
)
def test_parse_count_round_trip(value: Decimal, measure: str, gap: str, noun: str, full_width: bool) -> None:
    number = format(value, "f")
    if full_width:
        number = number.translate(FULL_WIDTH)
    written = f"{number}{gap}{measure}"
    text = f"全年完成{written}{noun}，"
    count = parse_count(text)
    assert count is not None, text
    assert (count.value, count.unit, count.noun, count.qualifier) == (value, measure, noun or None, "exact")
    assert text[count.start : count.end] == count.raw == written
    assert find_money(text, header_unit="万元") == []


@given(
    year=st.integers(min_value=2000, max_value=2099), first=st.integers(min_value=1, max_value=12),
    span=st.integers(min_value=0, max_value=11), sep=st.sampled_from(["-", "—", "~", "至"]), written_year=st.booleans(),
)
def test_parse_period_round_trip(year: int, first: int, span: int, sep: str, written_year: bool) -> None:
    last = min(12, first + span)
    written = f"{year}年{first}{sep}{last}月" if written_year else f"{first}{sep}{last}月"
    p = parse_period(f"{written}执行数", fiscal_year=None if written_year else year)
    assert p is not None
    assert (p.kind, p.first_month, p.last_month, p.year) == ("months", first, last, year)
    assert p.year_basis == ("explicit" if written_year else "fiscal_year")
    assert p.date_from == dt.date(year, first, 1)
    assert p.date_to is not None and p.date_to.month == last and (p.date_to + dt.timedelta(days=1)).day == 1
    assert p.raw == written


@given(st.text(alphabet="0123456789０５.%％年月日底前个项人次万元同比增长下降提高个百分点较上年翻一番倍约余多 \n，〔〕", max_size=30))
def test_new_readers_spans_are_consistent_on_any_text(text: str) -> None:
    change = parse_change(text)
    if change is not None:
        assert 0 <= change.start < change.end <= len(text) and change.raw == text[change.start : change.end]
        assert change.direction in ("+", "-") and (change.value is None or change.value >= 0)
    count = parse_count(text)
    if count is not None:
        assert 0 <= count.expr_start <= count.start < count.end <= count.expr_end <= len(text)
        assert count.raw == text[count.expr_start : count.expr_end] and count.value >= 0
    period = parse_period(text, fiscal_year=2022)
    if period is not None:
        assert 0 <= period.start < period.end <= len(text) and period.raw == text[period.start : period.end]
        if period.date_from is not None and period.date_to is not None:
            assert period.date_from <= period.date_to
