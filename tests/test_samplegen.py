"""Tests for corpora/samplegen.py and the committed samples in corpora/samples/.

DOCX/XLSX/TXT files are built in tmp_path from the built-in specs and read back with
python-docx / openpyxl. The PDF checks read the committed samples (no LibreOffice run here).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pdfplumber
import pypdfium2 as pdfium
import pytest
from docx import Document
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
sys.path.insert(0, str(ROOT / "corpora"))

import samplegen as sg  # noqa: E402

ROAD = sg.ROAD_MAINTENANCE_2022


# ---------------------------------------------------------------------------------------------
# specs
# ---------------------------------------------------------------------------------------------


def test_builtin_specs_are_consistent_and_varied() -> None:
    assert {s.spec_id: sg.consistency_errors(s) for s in sg.SPECS} == {s.spec_id: [] for s in sg.SPECS}
    assert {s.fiscal_year for s in sg.SPECS} == {2021, 2022, 2023, 2024}
    assert len({s.unit for s in sg.SPECS}) == 5
    assert max(len(s.indicators) for s in sg.SPECS) >= 14
    missed = [i for i in sg.FARMLAND_2021.indicators if Decimal(i.score) < Decimal(i.weight)]
    assert [i.level3 for i in missed][:2] == ["新建高标准农田面积", "项目年度完工率"]
    assert all(i.deviation for i in missed)
    assert sg.FARMLAND_2021.grade == "良"


def test_consistency_errors_flags_broken_figures() -> None:
    broken = dataclasses.replace(ROAD, total_score="97.00", execution_rate="95.40%")
    errors = sg.consistency_errors(broken)
    assert [e[:3] for e in errors] == ["C02", "C07"]


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def road_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sg.write_docx(ROAD, tmp_path_factory.mktemp("docx") / "road.docx")


def _rows(table) -> list[list[tuple[str, int, str | None]]]:
    """Each <w:tr> as its <w:tc> cells: (text, gridSpan, vMerge value or None)."""
    out = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            cells.append((text, tc.grid_span, tc.vMerge))
        out.append(cells)
    return out


def test_docx_table_head_and_funds_block(road_docx: Path) -> None:
    rows = _rows(Document(str(road_docx)).tables[0])
    assert len(rows) == 30  # title, 填报单位, 名称, 部门, 5 funds, 2 goal, header + 16 indicators, 总分, 等级
    assert rows[0] == [("项目支出绩效自评表（2022年度）", 9, None)]
    assert rows[1] == [("填报单位（盖章）：梅川县农村公路养护中心", 6, None), ("单位：万元", 3, None)]
    assert rows[2] == [("项目名称", 1, None), ("36112722T000008841275-2022年农村公路日常养护及安全生命防护工程", 8, None)]
    assert [c[:2] for c in rows[3]] == [("主管部门", 1), ("梅川县交通运输局", 3), ("实施单位", 2), ("梅川县农村公路养护中心", 3)]
    assert rows[4][0] == ("项目资金（万元）", 1, "restart")
    assert [c[0] for c in rows[4][1:]] == ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert [r[0][2] for r in rows[5:9]] == ["continue"] * 4
    assert [c[0] for c in rows[5]] == ["", "年度资金总额", "2812.36", "3042.86", "2904.03", "10", "95.44%", "9.54"]
    assert [c[0] for c in rows[8]] == ["", "其他资金", "50.00", "50.00", "44.60", "/", "/", "/"]
    amounts = [c[0] for r in rows[5:9] for c in r[2:5]]
    assert all(re.fullmatch(r"\d+\.\d{2}", a) for a in amounts), amounts
    assert rows[9][0] == ("年度总体目标", 1, "restart") and rows[10][0][2] == "continue"


def test_docx_indicator_block_merges(road_docx: Path) -> None:
    rows = _rows(Document(str(road_docx)).tables[0])
    assert rows[11][0] == ("绩效指标", 1, "restart")
    assert [r[0][2] for r in rows[12:28]] == ["continue"] * 16
    level1 = [(r[1][0], r[1][2]) for r in rows[12:28]]
    assert level1[0] == ("产出指标", "restart") and level1[11] == ("效益指标", "restart")
    assert level1[15] == ("满意度指标", None)  # a one-row group is not merged
    assert [v for _, v in level1[1:11]] == ["continue"] * 10
    level2_starts = [r[2][0] for r in rows[12:28] if r[2][2] in ("restart", None)]
    assert level2_starts == ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
                             "可持续影响指标", "服务对象满意度指标"]
    assert [c[0] for c in rows[12][3:]] == ["日常养护里程", "≥1260公里", "1274.6公里", "6", "6", ""]
    assert rows[26][-1][0].startswith("村级养护员队伍不稳定")
    assert [c[:2] for c in rows[28]] == [("总分", 6), ("100", 1), ("98.54", 1), ("", 1)]
    assert [c[:2] for c in rows[29]] == [("自评等级", 6), ("优", 3)]


def test_docx_page_header_footer_and_fonts(road_docx: Path) -> None:
    doc = Document(str(road_docx))
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4
    assert section.header.paragraphs[0].text == "梅川县农村公路养护中心 2022年度项目支出绩效自评报告"
    footer = section.footer.paragraphs[0]
    assert footer.text == "第 1 页"
    assert [i.text for i in footer._p.iter(qn("w:instrText"))] == [" PAGE "]
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans CJK SC"


def test_docx_outline_and_paragraphs(road_docx: Path) -> None:
    doc = Document(str(road_docx))
    paras = doc.paragraphs
    assert (paras[0].style.name, paras[0].text) == ("Title", ROAD.title)
    assert paras[1].text == "实施单位：梅川县农村公路养护中心　　报告日期：2023年2月24日"
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    assert h1 == ["一、基本情况", "二、绩效自评工作开展情况", "三、自评结论", "四、绩效目标实现情况分析",
                  "五、存在的问题及原因分析", "六、下一步改进措施"]
    assert [p.text for p in paras if p.style.name == "Heading 2"][:2] == ["（一）项目概况", "（二）项目绩效目标"]
    body = [p for p in paras if p.style.name == "Normal" and len(p.text) > 60]
    assert len(body) >= 10
    assert all(p.paragraph_format.first_line_indent is not None for p in body)
    problems = [p.text for p in paras if p.text.startswith("（1）")]
    assert problems == ["（1）" + ROAD.problems[0], "（1）" + ROAD.measures[0]]


def test_docx_is_deterministic(road_docx: Path, tmp_path: Path) -> None:
    again = sg.write_docx(ROAD, tmp_path / "again.docx")
    assert again.read_bytes() == road_docx.read_bytes()


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


def test_xlsx_merges_and_number_formats(tmp_path: Path) -> None:
    path = sg.write_xlsx(ROAD, tmp_path / "road.xlsx")
    ws = openpyxl.load_workbook(path).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    expected = {"A1:I1", "A2:F2", "G2:I2", "B3:I3", "B4:D4", "E4:F4", "G4:I4", "A5:A9", "B5:C5",
                "A10:A11", "A12:A28", "B13:B23", "B24:B27", "C13:C16", "C17:C19", "C25:C26", "A29:F29", "G30:I30"}
    assert expected <= merged
    assert ws["A3"].value == "项目名称" and ws["A5"].value == "项目资金（万元）" and ws["B13"].value == "产出指标"
    assert [ws.cell(6, c).value for c in range(4, 10)] == [2812.36, 3042.86, 2904.03, 10, pytest.approx(0.9544), 9.54]
    assert [ws.cell(6, c).number_format for c in range(4, 10)] == ["0.00"] * 4 + ["0.00%", "0.00"]
    assert ws["D9"].value == 50.0 and ws["D9"].number_format == "0.00"
    assert [ws.cell(9, c).value for c in (7, 8, 9)] == ["/", "/", "/"]
    assert [ws.cell(13, c).value for c in range(4, 9)] == ["日常养护里程", "≥1260公里", "1274.6公里", 6, 6]
    assert (ws["A29"].value, ws["G29"].value, ws["H29"].value) == ("总分", 100, 98.54)


def test_xlsx_multi_stacks_tables_with_an_empty_row(tmp_path: Path) -> None:
    path = sg.write_xlsx_multi([sg.HEALTH_PHS_2024, sg.HEALTH_SMI_2024], tmp_path / "multi.xlsx")
    ws = openpyxl.load_workbook(path).active
    first_rows = 12 + len(sg.HEALTH_PHS_2024.indicators) + 1  # head/funds/goal/header + rows + 总分
    gap = first_rows + 1
    assert ws.cell(first_rows, 1).value == "总分"
    assert all(ws.cell(gap, c).value is None for c in range(1, 10))
    assert ws.cell(gap + 1, 1).value == "项目支出绩效自评表（2024年度）"
    assert ws.cell(gap + 2, 1).value == "填报单位（盖章）：安平县精神卫生中心"
    assert ws.cell(gap + 3, 2).value == "严重精神障碍患者救治管理项目"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{gap + 5}:A{gap + 9}" in merged


# ---------------------------------------------------------------------------------------------
# TXT
# ---------------------------------------------------------------------------------------------


def test_txt_flattens_merged_cells_like_scraped_html(tmp_path: Path) -> None:
    lines = sg.write_txt(ROAD, tmp_path / "road.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ROAD.title
    i = lines.index("项目资金（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分")
    assert lines[i + 1] == "年度资金总额 | 2812.36 | 3042.86 | 2904.03 | 10 | 95.44% | 9.54"
    j = lines.index("产出指标 | 数量指标 | 日常养护里程 | ≥1260公里 | 1274.6公里 | 6 | 6 | ")
    assert lines[j - 1].startswith("绩效指标 | 一级指标 | 二级指标")
    assert lines[j + 1] == "路面病害处治面积 | ≥8.5万平方米 | 8.92万平方米 | 5 | 5 | "
    assert lines[j + 4] == "质量指标 | 优良中等路比例 | ≥80% | 82.6% | 6 | 6 | "
    assert "五、存在的问题及原因分析" in lines and lines[-1] == "2023年2月24日"


def test_convert_reports_missing_soffice(tmp_path: Path) -> None:
    with pytest.raises(sg.SofficeNotFound, match="LibreOffice not found"):
        sg.convert(tmp_path / "x.docx", "pdf", tmp_path, soffice=str(tmp_path / "no-soffice"))


# ---------------------------------------------------------------------------------------------
# committed samples
# ---------------------------------------------------------------------------------------------


# Leading bytes per format; TXT is checked by decoding it as UTF-8 further down.
_MAGIC = {"pdf": b"%PDF-", "docx": b"PK", "xlsx": b"PK", "doc": b"\xd0\xcf\x11\xe0", "txt": b""}


def _manifest() -> list[dict[str, str]]:
    with (SAMPLES / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_manifest_files_exist_and_specs_match() -> None:
    rows = _manifest()
    assert len([r for r in rows if r["layout"] in ("t1_report", "t1_multi")]) == 16
    assert len(rows) == 16 + 3 * len(sg.LAYOUT_SPECS)  # DOCX, PDF and XLSX of each labelled layout
    assert {r["format"] for r in rows} == {"docx", "pdf", "doc", "xlsx", "txt"}
    for row in rows:
        sample, spec_json = SAMPLES / row["file"], SAMPLES / row["spec_json"]
        assert sample.stat().st_size > 0, row["file"]
        assert sample.read_bytes().startswith(_MAGIC[row["format"]]), row["file"]
        gold = json.loads(spec_json.read_text(encoding="utf-8"))
        assert gold["sample"] == row["file"] and gold["format"] == row["format"]
        ids = [p["spec_id"] for p in gold.get("projects", [gold])]
        assert "+".join(ids) == row["spec_id"]
    listed = {r["file"] for r in rows} | {r["spec_json"] for r in rows} | {"MANIFEST.tsv"}
    assert {p.name for p in SAMPLES.iterdir()} == listed
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 1_500_000


def test_committed_text_samples_match_the_generator() -> None:
    for spec_id in sg.FULL_REPORTS:
        spec = sg.spec_by_id(spec_id)
        assert (SAMPLES / f"{spec_id}.txt").read_text(encoding="utf-8") == sg.report_text(spec)
        gold = json.loads((SAMPLES / f"{spec_id}.pdf.spec.json").read_text(encoding="utf-8"))
        facts = json.loads(json.dumps(sg.spec_facts(spec, "pdf")))
        assert gold == {"sample": f"{spec_id}.pdf", "format": "pdf"} | facts


@pytest.mark.parametrize("spec_id", sg.FULL_REPORTS)
def test_pdf_sample_has_a_cjk_text_layer(spec_id: str) -> None:
    spec = sg.spec_by_id(spec_id)
    pdf = pdfium.PdfDocument(str(SAMPLES / f"{spec_id}.pdf"))
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    flat = re.sub(r"\s+", "", text)
    assert "(cid:" not in text
    assert spec.project_name in flat
    assert re.sub(r"\s+", "", sg.page_header_text(spec)) in flat
    assert "第1页" in flat


def test_long_table_pdf_spans_two_pages_of_indicator_rows() -> None:
    level3 = {i.level3 for i in ROAD.indicators}
    pages_with_rows: dict[int, set[str]] = {}
    with pdfplumber.open(str(SAMPLES / f"{ROAD.spec_id}.pdf")) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for table in page.extract_tables():
                for row in table:
                    name = (row[3] or "").replace("\n", "") if len(row) > 3 else ""
                    if name in level3:
                        pages_with_rows.setdefault(number, set()).add(name)
    assert len(pages_with_rows) >= 2
    assert set().union(*pages_with_rows.values()) == level3
