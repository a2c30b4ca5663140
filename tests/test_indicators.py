"""Indicators (issue #4): prose indicators read from real DOCX/PDF files, the §3.3 scoring rule,
monitoring values, and the real development texts against their gold labels.

The table layouts (T1, split comparator/unit, target declarations, monitoring, department) are
asserted row by row in tests/test_indicator_layouts.py on generated files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from conftest import REAL_DEV
from pdfkit import FONT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from extractor.extract.indicators import expected_score, likelihood_of, parse_value, values_of
from extractor.pipeline import process_file
from extractor.textnorm import fold_key

HELD_OUT = Path(__file__).resolve().parents[1] / "corpora" / "real-dev-gold-heldout"

# A narrative self-evaluation report without any table: every indicator is stated in a sentence.
NARRATIVE = [
    "城关镇2023年度农村公路提升改造项目支出绩效自评报告",
    "一、项目基本情况",
    "项目年初预算数为320万元，全年执行数为301.6万元，预算执行率为94.25%。",
    "二、绩效目标完成情况",
    "（一）产出指标完成情况",
    "1.数量指标：完成道路改造3.5公里，目标值3公里，完成率116.7%。",
    "2.质量指标：路面工程验收合格率为100%。",
    "3.时效指标。项目完成及时率年度指标值为100%，实际完成值为95%，分值10分，得分9.5分。受雨季影响部分路段延期。",
    "4.成本指标：每公里改造成本指标值≤90万元，实际完成值86.2万元。",
    "（二）效益指标完成情况",
    "社会效益指标：惠及沿线群众1.2万人，实际受益1.26万人。",
    "（三）满意度指标完成情况",
    "经入户问卷调查，沿线群众满意度达98%。",
    "三、存在的问题",
    "项目收到资金合计320万元，实际支付301.6万元，部分资金结转至下年。",
]
# (level2, name, target raw, actual raw, weight, score, deviation)
EXPECTED = [
    ("quantity", "道路改造", "3公里", "3.5公里", None, None, None),
    ("quality", "路面工程验收合格率", None, "100%", None, None, None),
    ("timeliness", "项目完成及时率", "100%", "95%", "10", "9.5", "受雨季影响部分路段延期"),
    ("cost", "每公里改造成本", "≤90万元", "86.2万元", None, None, None),
    ("social", "惠及沿线群众", "1.2万人", "1.26万人", None, None, None),
    ("beneficiary_satisfaction", "沿线群众满意度", None, "98%", None, None, None),
]


def _narrative_docx(path: Path) -> Path:
    d = docx.Document()
    for i, line in enumerate(NARRATIVE):
        if i == 0:
            d.add_heading(line, level=1)
        else:
            d.add_paragraph(line)
    d.save(str(path))
    return path


def _narrative_pdf(path: Path) -> Path:
    style = ParagraphStyle("b", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(line, style) for line in NARRATIVE])
    return path


@pytest.fixture(scope="module", params=["docx", "pdf"])
def narrative(request, tmp_path_factory):
    d = tmp_path_factory.mktemp("narrative")
    path = _narrative_docx(d / "report.docx") if request.param == "docx" else _narrative_pdf(d / "report.pdf")
    return process_file(path, isolate=False)["records"][0]


def test_prose_indicators_are_read_with_the_table_normalisation(narrative):
    inds = narrative["indicators"]
    got = [(i["level2"], fold_key(i["name"]), (i["target"] or {}).get("raw"), (i["actual"] or {}).get("raw"),
            i["weight"], i["score"], i["deviation_text"]) for i in inds]
    want = [(l2, fold_key(n), t, a, w, s, dev) for l2, n, t, a, w, s, dev in EXPECTED]
    assert got == want
    by = {i["name"]: i for i in inds}
    cost = by["每公里改造成本"]
    assert cost["target"]["comparator"] == "<=" and cost["target"]["value"] == "90" and cost["target"]["unit"] == "万元"
    assert cost["direction"] == "reverse" and cost["level1"] == "output"
    road = by["道路改造"]
    assert road["actual"]["value"] == "3.5" and road["target"]["unit"] == "公里"
    assert by["项目完成及时率"]["score_computed"] == "9.50" and by["项目完成及时率"]["score_rule_id"] == "equal"
    assert by["沿线群众满意度"]["level1"] == "satisfaction"


def test_prose_indicators_are_marked_and_carry_provenance(narrative):
    text_conf = []
    for i in narrative["indicators"]:
        assert i["source"] == "prose" and i["prov"]["method"] == "rule"
        assert fold_key(i["name"]) in fold_key(i["prov"]["quote"])
        assert i["prov"]["page"] == 1 or i["prov"]["paragraph_index"] is not None
        text_conf.append(i["prov"]["confidence"])
    assert max(text_conf) < 0.85  # below a table row's


def test_a_money_statement_is_not_an_indicator(narrative):
    names = {fold_key(i["name"]) for i in narrative["indicators"]}
    assert not any("资金" in n or "收到" in n for n in names)


def test_a_report_with_a_table_does_not_double_its_indicators_from_prose():
    # the sample reports restate every table row in their narrative ("…年度指标值为≥1.2万亩，实际完成值为…")
    sample = Path(__file__).resolve().parents[1] / "corpora" / "samples" / "farmland-2021.docx"
    rec = process_file(sample, isolate=False)["records"][0]
    assert rec["indicators"] and all(i["source"] == "table" for i in rec["indicators"])
    names = [i["name"] for i in rec["indicators"]]
    assert len(names) == len(set(names))


# -- the scoring rule (DOMAIN §3.3) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "weight", "score", "rule"),
    [
        ("≥50个", "50个", "8", "8.00", "positive"),
        ("≥50个", "40", "8", "6.40", "positive"),  # B/A × w; the actual inherits the unit
        ("≥50个", "80个", "8", "8.00", "positive"),
        ("=100%", "95%", "10", "9.50", "equal"),
        ("=0", "0", "5", "5.00", "equal"),  # A = 0: full when B ≤ 0
        ("=0", "2", "5", "0.00", "equal"),
        ("≤90万元", "90", "8", "8.00", "reverse"),
        ("≤90万元", "99", "8", "7.20", "reverse"),  # (1 − (B−A)/A) × w
        ("≤90万元", "180", "8", "0.00", "reverse"),  # B ≥ 2A
        ("<5次", "3次", "4", "4.00", "reverse"),
    ],
)
def test_expected_score_follows_the_direction_rule(target, actual, weight, score, rule):
    t, a = values_of(target, actual)
    got = expected_score(t, a, weight)
    assert (got["score"], got["rule_id"]) == (score, rule)


def test_expected_score_refuses_what_it_cannot_compare():
    t, a = values_of("≥95%", "96人")
    assert expected_score(t, a, "10")["score"] is None  # units differ
    t, a = values_of("≥95%", "96%")
    assert expected_score(t, a, None)["score"] is None  # no weight
    t, a = values_of("效果明显", "效果显著")
    got = expected_score(t, a, "10")
    assert got["score"] is None and got["rule_id"] == "tier.achieved" and got["band"] == ["8.00", "10.00"]
    t, a = values_of("有所提升", "有一些变化")  # a phrase outside the tier lexicon: no guess
    assert expected_score(t, a, "10") == {"score": None, "rule_id": None, "band": None}


def test_deadlines_score_by_date():
    t = parse_value("12月底前", fiscal_year=2023)
    on_time = parse_value("2023年11月25日", fiscal_year=2023)
    late = parse_value("2024年1月10日", fiscal_year=2023)
    assert expected_score(t, on_time, "4") == {"score": "4", "rule_id": "deadline", "band": None}
    assert expected_score(t, late, "4")["score"] == "0"


@pytest.mark.parametrize(("text", "want"), [("确定能", "certain"), ("有可能", "possible"), ("完全不可能", "impossible"),
                                            ("不可能", "impossible"), ("", None), ("待定", None)])
def test_likelihood_words(text, want):
    assert likelihood_of(text) == want


# -- the real development texts ---------------------------------------------------------------

GOLD = sorted((REAL_DEV / "gold").glob("*.json")) + sorted(HELD_OUT.glob("*.json")) if REAL_DEV.exists() else []


def _k(x):
    return fold_key(str(x)) if x not in (None, "") else None


@pytest.mark.skipif(not GOLD, reason="../shared/corpora/real-dev not present")
@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_real_dev_indicators_match_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    rec = process_file(REAL_DEV / gold["file"], isolate=False)["records"][0]
    want = [(_k(g["name"]), _k(g["target"]), _k(g["actual"]), Decimal(str(g["weight"])) if g.get("weight") is not None else None)
            for g in gold.get("indicators") or []]
    got = [(_k(i["name"]), _k((i["target"] or {}).get("raw")), _k((i["actual"] or {}).get("raw")),
            Decimal(i["weight"]) if i["weight"] is not None else None) for i in rec["indicators"]]
    assert got == want


# -- a row split by a page break (Word/LibreOffice let a tall row break across pages) ------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LONG_REASON = "受汛期持续降雨影响，部分片区施工延期，" * 10


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None and os.environ.get("CI") != "true", reason="LibreOffice (soffice) is not installed")
def test_a_row_split_by_a_page_break_is_joined(tmp_path):
    d = docx.Document()
    for _ in range(12):
        d.add_paragraph("正文说明文字，用于把表格推到页面下方。" * 3)
    t = d.add_table(rows=1, cols=8)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]):
        c.text = h
    long_row = 12
    want = []
    for i in range(30):
        row = [f"培训基层人员第{i + 1}期人次", f"≥{100 + i}人次", f"{101 + i}人次", "5", "4" if i == long_row else "5", LONG_REASON if i == long_row else ""]
        for c, v in zip(t.add_row().cells[2:], row):
            c.text = v
        want.append(row)
    t.cell(1, 0).merge(t.cell(30, 0)).text = "产出指标"
    t.cell(1, 1).merge(t.cell(30, 1)).text = "数量指标"
    src = tmp_path / "split.docx"
    d.save(str(src))
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=120)
    res = process_file(tmp_path / "split.pdf", isolate=False)
    pages = {p for tb in res["document"].get("tables", []) for p in tb.get("pages", [])} if "document" in res else set()
    inds = res["records"][0]["indicators"]
    got = [[i["name"], i["target"]["raw"], i["actual"]["raw"], i["weight"], i["score"], i["deviation_text"] or ""] for i in inds]
    assert [[fold_key(x or "") for x in r] for r in got] == [[fold_key(x) for x in r] for r in want], got
    assert all(i["level1_raw"] == "产出指标" and i["level2_raw"] == "数量指标" for i in inds)
    assert len({i["prov"]["page"] for i in inds}) >= 2, pages  # the table does cross pages


@pytest.mark.parametrize(
    ("comparator", "value", "unit", "want"),
    [
        ("≥", "95", "%", ("≥95%", ">=", "95", "%")),
        ("﹦", "72890", "元", ("﹦72890元", "=", "72890", "元")),
        ("≦", "3", "天", ("≦3天", "<=", "3", "天")),
        ("＞", "0", "个", ("＞0个", ">", "0", "个")),
        ("═", "100", "%", ("═100%", "=", "100", "%")),
        ("不低于", "90", "%", ("不低于90%", ">=", "90", "%")),
        ("定性", "效果明显", "", ("效果明显", "qualitative", None, None)),
    ],
)
def test_split_comparator_value_unit_cells_join_into_one_target(comparator, value, unit, want):
    got = parse_value(value, comparator=comparator, unit=unit)
    assert (got["raw"], got["comparator"], got["value"], got["unit"]) == want


def test_a_department_framework_table_reads_its_own_first_levels(tmp_path):
    """T5: 一级 labels that are not the project template's (部门决策/综合管理/部门绩效), extra columns
    (指标解释, 评分标准) between the ones we read, and merged 一级/二级 cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某区教育局2023年度部门整体支出绩效评价指标评分表"])
    ws.append(["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准", "得分", "扣分原因"])
    rows = [
        ["部门决策", "目标任务", "绩效目标合理性", "5", "部门整体绩效目标与职能是否相符", "相符得5分", "5", ""],
        ["", "", "绩效指标明确性", "5", "指标是否细化量化", "量化得5分", "4", "部分指标未量化"],
        ["", "预算编制", "预算编制科学性", "5", "预算编制是否经过论证", "论证充分得5分", "5", ""],
        ["综合管理", "资金管理", "资金使用合规性", "10", "是否存在违规使用", "无违规得10分", "10", ""],
        ["部门绩效", "履职成效", "重点工作完成率", "20", "完成数/计划数", "100%得满分", "18", "2项工作延期"],
        ["合计", "", "", "45", "", "", "42", ""],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("A3:A5")
    ws.merge_cells("B3:B4")
    wb.save(tmp_path / "t5.xlsx")
    rec = process_file(tmp_path / "t5.xlsx", isolate=False)["records"][0]
    got = [(i["level1_raw"], i["level1"], i["level2_raw"], i["level2"], i["name"], i["weight"], i["score"], i["deviation_text"])
           for i in rec["indicators"]]
    assert got == [
        ("部门决策", "decision", "目标任务", "other", "绩效目标合理性", "5", "5", None),
        ("部门决策", "decision", "目标任务", "other", "绩效指标明确性", "5", "4", "部分指标未量化"),
        ("部门决策", "decision", "预算编制", "other", "预算编制科学性", "5", "5", None),
        ("综合管理", "process", "资金管理", "other", "资金使用合规性", "10", "10", None),
        ("部门绩效", "effect", "履职成效", "other", "重点工作完成率", "20", "18", "2项工作延期"),
    ]
    assert [i["level1_inherited"] for i in rec["indicators"]] == [False, True, True, False, False]
    assert rec["score"]["total_reported"]["value"] == "42"
