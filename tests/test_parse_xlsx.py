"""XLSX/XLS parser: real workbooks built with openpyxl (and converted to XLS by LibreOffice).

The main workbook holds a 项目支出绩效自评表 with merged headers (sheet 1), three project tables
stacked on one sheet (sheet 2: an empty row between the first two, the third directly under the
second) and a hidden sheet with one sentence (sheet 3).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import olefile
import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from extractor.document import BlockKind, Document
from extractor.errors import CorruptFile, EncryptedFile, TooManyPages, ZipBomb
from extractor.parsers import parse
from extractor.parsers.xlsx import render_number
from extractor.settings import ParseOptions

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


# -- building the workbooks ----------------------------------------------------------------------


def _put(ws: Worksheet, ref: str, value: object, number_format: str | None = None) -> None:
    ws[ref] = value
    if number_format:
        ws[ref].number_format = number_format


def _self_eval_sheet(ws: Worksheet) -> None:
    ws.title = "自评表"
    _put(ws, "A1", "项目支出绩效自评表（2022年度）")
    ws.merge_cells("A1:H1")
    _put(ws, "A2", "填报单位：XX局")
    ws.merge_cells("A2:D2")
    _put(ws, "G2", "单位：万元")
    ws.merge_cells("G2:H2")
    _put(ws, "A3", "项目名称")
    _put(ws, "B3", "城区道路维护项目")
    ws.merge_cells("B3:H3")
    _put(ws, "A4", "项目资金（万元）")
    ws.merge_cells("A4:A7")
    for col, text in zip("CDEFGH", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        _put(ws, f"{col}4", text)
    funds: list[tuple[int, str, object, object, object]] = [
        (5, "年度资金总额", 10, 0.9985, 9.99),
        (6, "其中：当年\n财政拨款", "—", "100.00%", "—"),  # a wrapped label; a rate stored as text
        (7, "  上年结转资金 ", "—", "—", "—"),
    ]
    amounts: dict[int, tuple[float, ...]] = {5: (238.93, 251.9, 251.52), 6: (238.93, 251.9, 251.52), 7: (0, 0, 0)}
    for row, label, weight, rate, score in funds:
        _put(ws, f"B{row}", label)
        for col, value in zip("CDE", amounts[row]):
            _put(ws, f"{col}{row}", value, "0.00")
        _put(ws, f"F{row}", weight)
        _put(ws, f"G{row}", rate)
        _put(ws, f"H{row}", score)
    ws["G5"].number_format = "0.00%"
    ws["H5"].number_format = "0.00"
    _put(ws, "A8", "绩效指标")
    ws.merge_cells("A8:A11")
    for col, text in zip("BCDEFGH", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]):
        _put(ws, f"{col}8", text)
    _put(ws, "B9", "产出指标")
    ws.merge_cells("B9:B11")
    _put(ws, "C9", "数量指标")
    ws.merge_cells("C9:C10")
    _put(ws, "C11", "质量指标")
    indicators = [(9, "维护道路长度", "≥50公里", 52, 20, 20), (10, "维护次数", "≥12次", 12, 20, 20),
                  (11, "验收合格率", "≥95%", 0.98, 20, 19.5)]
    for row, name, target, actual, weight, score in indicators:
        for col, cell_value in zip("DEFGH", (name, target, actual, weight, score)):
            _put(ws, f"{col}{row}", cell_value)
    ws["F11"].number_format = "0%"
    _put(ws, "A12", "总分")
    ws.merge_cells("A12:F12")
    _put(ws, "G12", 100)
    _put(ws, "H12", 98.49, "0.00")


def _stacked_sheet(ws: Worksheet) -> None:
    _put(ws, "A1", "项目A资金明细表")
    ws.merge_cells("A1:D1")
    _put(ws, "D2", "单位：万元")
    for col, text in zip("ABCD", ["项目名称", "年初预算数", "全年执行数", "执行率"]):
        _put(ws, f"{col}3", text)
    for col, value, fmt in zip("ABCD", ["道路维护", 100, 99.5, 0.995], [None, "0.00", "#,##0.00", "0.0%"]):
        _put(ws, f"{col}4", value, fmt)
    for col, value, fmt in zip("ABCD", ["绿化养护", 1234.5, 0.1 + 0.2, "—"], [None, "#,##0.00", None, None]):
        _put(ws, f"{col}5", value, fmt)
    # row 6 is empty; the second table sits one column to the right
    _put(ws, "B7", "项目B资金明细表")
    ws.merge_cells("B7:E7")
    _put(ws, "B8", "金额单位：元")
    for col, text in zip("BCDE", ["项目名称", "预算数", "执行数", "备注"]):
        _put(ws, f"{col}9", text)
    for col, value, fmt in zip("BCDE", ["设备购置", 50000, 48000.5, "无"], [None, "#,##0", "#,##0.00", None]):
        _put(ws, f"{col}10", value, fmt)
    for col, value, fmt in zip("BCD", ["培训", 8000, 7999.995], [None, "#,##0", "#,##0.00"]):
        _put(ws, f"{col}11", value, fmt)
    # no empty row: the title alone starts the third table
    _put(ws, "B12", "项目C资金明细表")
    ws.merge_cells("B12:D12")
    _put(ws, "B13", "单位：万元")
    ws.merge_cells("B13:D13")
    for col, text in zip("BCD", ["项目名称", "完成时间", "金额"]):
        _put(ws, f"{col}14", text)
    _put(ws, "B15", "监控平台")
    _put(ws, "C15", dt.datetime(2022, 12, 31), "yyyy-mm-dd")
    _put(ws, "D15", 12.345, "0.00")


def build_workbook(path: Path) -> Path:
    wb = Workbook()
    _self_eval_sheet(wb.active)
    _stacked_sheet(wb.create_sheet("项目明细"))
    notes = wb.create_sheet("说明")
    _put(notes, "B2", "本工作簿由XX局填报，数据截至2022年12月31日。")
    notes.sheet_state = "hidden"
    wb.properties.creator = "XX局"
    wb.save(path)
    return path


def convert_to_xls(src: Path, outdir: Path) -> Path:
    assert SOFFICE is not None
    profile = (outdir / "lo-profile").as_uri()  # own profile: other soffice runs may be going on
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xls", "--outdir", str(outdir), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / (src.stem + ".xls")
    assert out.is_file()
    return out


@pytest.fixture(scope="module")
def xlsx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("xlsx") / "自评表.xlsx")


@pytest.fixture(scope="module")
def doc(xlsx_path: Path) -> Document:
    return parse(xlsx_path)


@pytest.fixture(scope="module")
def xls_path(xlsx_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return convert_to_xls(xlsx_path, tmp_path_factory.mktemp("xls"))


@pytest.fixture(scope="module")
def xls_doc(xls_path: Path) -> Document:
    return parse(xls_path)


# -- expected content ----------------------------------------------------------------------------

SELF_EVAL_GRID = [
    ["项目名称"] + ["城区道路维护项目"] * 7,
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["项目资金（万元）", "年度资金总额", "238.93", "251.90", "251.52", "10", "99.85%", "9.99"],
    ["项目资金（万元）", "其中：当年财政拨款", "238.93", "251.90", "251.52", "—", "100.00%", "—"],
    ["项目资金（万元）", "上年结转资金", "0.00", "0.00", "0.00", "—", "—", "—"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["绩效指标", "产出指标", "数量指标", "维护道路长度", "≥50公里", "52", "20", "20"],
    ["绩效指标", "产出指标", "数量指标", "维护次数", "≥12次", "12", "20", "20"],
    ["绩效指标", "产出指标", "质量指标", "验收合格率", "≥95%", "98%", "20", "19.5"],
    ["总分"] * 6 + ["100", "98.49"],
]
PROJECT_A_GRID = [
    ["项目名称", "年初预算数", "全年执行数", "执行率"],
    ["道路维护", "100.00", "99.50", "99.5%"],
    ["绿化养护", "1,234.50", "0.3", "—"],
]
PROJECT_B_GRID = [
    ["项目名称", "预算数", "执行数", "备注"],
    ["设备购置", "50,000", "48,000.50", "无"],
    ["培训", "8,000", "8,000.00", ""],
]
PROJECT_C_GRID = [
    ["项目名称", "完成时间", "金额"],
    ["监控平台", "2022-12-31", "12.35"],
]
ALL_GRIDS = [SELF_EVAL_GRID, PROJECT_A_GRID, PROJECT_B_GRID, PROJECT_C_GRID]

# (kind, text, sheet, cell ref, heading level)
BLOCKS = [
    ("heading", "项目支出绩效自评表（2022年度）", "自评表", "A1:H1", 0),
    ("caption", "填报单位：XX局 单位：万元", "自评表", "A2:H2", None),
    ("table", None, "自评表", "A3:H12", None),
    ("heading", "项目A资金明细表", "项目明细", "A1:D1", 0),
    ("caption", "单位：万元", "项目明细", "D2", None),
    ("table", None, "项目明细", "A3:D5", None),
    ("heading", "项目B资金明细表", "项目明细", "B7:E7", 0),
    ("caption", "金额单位：元", "项目明细", "B8", None),
    ("table", None, "项目明细", "B9:E11", None),
    ("heading", "项目C资金明细表", "项目明细", "B12:D12", 0),
    ("caption", "单位：万元", "项目明细", "B13:D13", None),
    ("table", None, "项目明细", "B14:D15", None),
    ("paragraph", "本工作簿由XX局填报，数据截至2022年12月31日。", "说明", "B2", None),
]


def block_summary(d: Document) -> list[tuple[str, str | None, str | None, str | None, int | None]]:
    return [(b.kind, None if b.kind == BlockKind.TABLE else b.text, b.pos.sheet, b.pos.cell, b.level) for b in d.blocks]


def assert_offsets(d: Document) -> None:
    """Document.text[span] is the text of every block and of every cell that is a merge origin."""
    for b in d.blocks:
        assert b.span is not None and d.text[b.span[0]:b.span[1]] == b.text
    for t in d.tables:
        for c in t.origin_cells():
            assert c.span is not None and d.text[c.span[0]:c.span[1]] == c.text
        for row in t.rows:
            for c in row:
                if c.inherited_from is not None:
                    assert c.span == t.cell(*c.inherited_from).span


# -- XLSX ----------------------------------------------------------------------------------------


def test_pages_are_sheets_with_hidden_warning(doc: Document) -> None:
    assert doc.source.format == "xlsx"
    assert [(p.number, p.name) for p in doc.pages] == [(1, "自评表"), (2, "项目明细"), (3, "说明")]
    assert doc.page_count == 3
    assert [(w.code, w.page) for w in doc.warnings] == [("hidden_sheet", 3)]
    assert doc.properties["creator"] == "XX局"


def test_grids_exact(doc: Document) -> None:
    assert [t.grid() for t in doc.tables] == ALL_GRIDS
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(10, 8), (3, 4), (3, 4), (2, 3)]
    assert all(t.source == "xlsx" for t in doc.tables)


def test_blocks_headings_captions(doc: Document) -> None:
    assert block_summary(doc) == BLOCKS
    assert [t.caption for t in doc.tables] == ["填报单位：XX局 单位：万元", "单位：万元", "金额单位：元", "单位：万元"]
    assert [(t.pos.page, t.pages) for t in doc.tables] == [(1, [1]), (2, [2]), (2, [2]), (2, [2])]
    assert [b.pos.page for b in doc.blocks] == [1, 1, 1] + [2] * 9 + [3]


def test_merged_cells_spans_and_refs(doc: Document) -> None:
    t = doc.tables[0]
    expected_origins = {
        (0, 1): ("城区道路维护项目", 1, 7, "B3:H3"),
        (1, 0): ("项目资金（万元）", 4, 1, "A4:A7"),
        (5, 0): ("绩效指标", 4, 1, "A8:A11"),
        (6, 1): ("产出指标", 3, 1, "B9:B11"),
        (6, 2): ("数量指标", 2, 1, "C9:C10"),
        (9, 0): ("总分", 1, 6, "A12:F12"),
    }
    merged = {(c.row, c.col): (c.text, c.row_span, c.col_span, c.pos.cell)
              for c in t.origin_cells() if c.row_span > 1 or c.col_span > 1}
    assert merged == expected_origins
    inherited = {(c.row, c.col): c.inherited_from for row in t.rows for c in row if c.inherited}
    assert inherited[(4, 0)] == (1, 0)
    assert inherited[(7, 2)] == (6, 2)
    assert inherited[(8, 1)] == (6, 1)
    assert (8, 2) not in inherited and t.cell(8, 2).pos.cell == "C11"
    assert len(inherited) == 6 + 3 + 3 + 2 + 1 + 5  # covered positions of the six merges
    assert t.cell(4, 0).pos.cell == "A4:A7"
    assert t.grid(fill_merged=False)[7] == ["", "", "", "维护次数", "≥12次", "12", "20", "20"]


def test_cell_positions(doc: Document) -> None:
    rate = doc.tables[0].cell(2, 6)
    assert (rate.text, rate.pos.page, rate.pos.sheet, rate.pos.cell) == ("99.85%", 1, "自评表", "G5")
    b = doc.tables[2]  # starts in column B: column A is trimmed
    assert [c.pos.cell for c in b.rows[1]] == ["B10", "C10", "D10", "E10"]
    assert b.cell(2, 3).text == "" and b.cell(2, 3).pos.sheet == "项目明细"
    date = doc.tables[3].cell(1, 1)
    assert (date.text, date.pos.cell) == ("2022-12-31", "C15")


def test_offsets(doc: Document) -> None:
    assert_offsets(doc)
    assert doc.text.startswith("项目支出绩效自评表（2022年度）\n填报单位：XX局 单位：万元\n项目名称 | 城区道路维护项目 |  |  |  |  |  | \n")
    assert "\n | 其中：当年财政拨款 | 238.93 | 251.90 | 251.52 | — | 100.00% | —\n" in doc.text
    locs = doc.locate(doc.text.index("99.85%"), doc.text.index("99.85%") + 6)
    assert [(p.sheet, p.cell) for p in locs] == [("自评表", "G5")]


def test_file_name_is_ignored(xlsx_path: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "report.pdf"
    shutil.copyfile(xlsx_path, disguised)
    d = parse(disguised)
    assert (d.source.file_name, d.source.format, d.source.detected_as) == ("report.pdf", "xlsx", "xlsx")
    assert [t.grid() for t in d.tables] == ALL_GRIDS


def test_too_many_sheets(xlsx_path: Path) -> None:
    with pytest.raises(TooManyPages, match="3 sheets"):
        parse(xlsx_path, ParseOptions(max_pages=2))
    assert parse(xlsx_path, ParseOptions(max_pages=3)).page_count == 3


def test_layout_edge_cases(tmp_path: Path) -> None:
    """A lone cell above the title is a paragraph; a numbered banner and a note stay table rows;
    a banner title followed by a 单位 row starts the next table even without an empty row; a title
    row may carry the 单位 cell itself."""
    wb = Workbook()
    ws = wb.active
    ws.title = "布局"
    rows: dict[int, list[str | None]] = {
        1: ["报表编号:510000_0013zp"],
        2: ["部门预算项目支出绩效自评表(2023年度)"],
        3: ["项目名称", "工资性支出"],
        4: ["一、产出指标"],
        5: ["数量指标", "≥10人", "12人"],
        6: ["注：执行率=执行数/预算数"],
        7: ["绿化项目"],
        8: ["单位：万元"],
        9: ["指标", "目标", "完成"],
        10: ["面积", "≥100亩", "105亩"],
        12: ["项目D绩效表", None, "单位：万元"],
        13: ["指标", "目标", "完成"],
        14: ["资金", "≤90万元", "89.97"],
    }
    for r, values in rows.items():
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    for rng in ("A2:C2", "B3:C3", "A4:C4", "A6:C6", "A7:C7", "A12:B12"):
        ws.merge_cells(rng)
    path = tmp_path / "layout.xlsx"
    wb.save(path)
    d = parse(path)
    assert block_summary(d) == [
        ("paragraph", "报表编号:510000_0013zp", "布局", "A1", None),
        ("heading", "部门预算项目支出绩效自评表(2023年度)", "布局", "A2:C2", 0),
        ("table", None, "布局", "A3:C6", None),
        ("heading", "绿化项目", "布局", "A7:C7", 0),
        ("caption", "单位：万元", "布局", "A8", None),
        ("table", None, "布局", "A9:C10", None),
        ("heading", "项目D绩效表", "布局", "A12:B12", 0),
        ("caption", "单位：万元", "布局", "C12", None),
        ("table", None, "布局", "A13:C14", None),
    ]
    assert [t.grid() for t in d.tables] == [
        [["项目名称", "工资性支出", "工资性支出"], ["一、产出指标"] * 3, ["数量指标", "≥10人", "12人"],
         ["注：执行率=执行数/预算数"] * 3],
        [["指标", "目标", "完成"], ["面积", "≥100亩", "105亩"]],
        [["指标", "目标", "完成"], ["资金", "≤90万元", "89.97"]],
    ]
    assert [t.caption for t in d.tables] == [None, "单位：万元", "单位：万元"]
    assert_offsets(d)


def test_formula_without_cached_value(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for row in (["项目", "金额"], ["道路", 10], ["绿化", 5], ["合计", "=SUM(B2:B3)"], ["平均", "=AVERAGE(B2:B3)"]):
        ws.append(row)
    path = tmp_path / "formula.xlsx"
    wb.save(path)  # openpyxl stores formulas without results
    d = parse(path)
    assert d.tables[0].grid() == [["项目", "金额"], ["道路", "10"], ["绿化", "5"], ["合计", ""], ["平均", ""]]
    assert [(w.code, w.page) for w in d.warnings] == [("formula_without_value", 1)]
    assert "2 formula cell(s)" in d.warnings[0].message and "B4" in d.warnings[0].message


def test_empty_workbook_warns_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    d = parse(path)
    assert (d.text, d.blocks, d.tables) == ("", [], [])
    assert [(p.number, p.name) for p in d.pages] == [(1, "Sheet")]
    assert [w.code for w in d.warnings] == ["no_text"]


def test_corrupt_xlsx(xlsx_path: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(xlsx_path.read_bytes()[:3000])
    with pytest.raises(CorruptFile):
        parse(truncated)
    # a sound zip whose worksheet XML is broken: detect passes it, the parser must refuse it
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(xlsx_path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    with pytest.raises(CorruptFile, match="damaged XLSX"):
        parse(broken)


def test_encrypted_xlsx(xlsx_path: Path, tmp_path: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    locked = tmp_path / "locked.xlsx"
    with open(xlsx_path, "rb") as plain, open(locked, "wb") as out:
        ooxml.OOXMLFile(plain).encrypt("secret", out)
    with pytest.raises(EncryptedFile):
        parse(locked)


@pytest.mark.parametrize(
    ("options", "message"),
    [(ParseOptions(), "compression ratio"), (ParseOptions(zip_max_uncompressed_mb=8, zip_max_ratio=1e9), "unpacks to")],
)
def test_zip_bomb_xlsx(tmp_path: Path, options: ParseOptions, message: str) -> None:
    bomb = tmp_path / "bomb.xlsx"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(24):
                fh.write(chunk)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ZipBomb, match=message):
        parse(bomb, options)


def test_five_thousand_rows_parse_fast(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "年初预算数", "全年执行数", "执行率", "备注"])
    for i in range(5000):
        ws.append([f"项目{i}", i * 1.25, i * 1.2, 0.5, "无"])
        ws.cell(row=i + 2, column=2).number_format = "0.00"
        ws.cell(row=i + 2, column=4).number_format = "0.00%"
    path = tmp_path / "big.xlsx"
    wb.save(path)
    start = time.perf_counter()
    d = parse(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 8.0, f"5000 rows took {elapsed:.1f} s"
    t = d.tables[0]
    assert (t.n_rows, t.n_cols) == (5001, 5)
    assert t.row_texts(5000) == ["项目4999", "6248.75", "5998.8", "50.00%", "无"]
    assert t.cell(5000, 4).pos.cell == "E5001"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.9985, "0.00%", "99.85%"),
        (1, "0%", "100%"),
        (251.9, "0.00", "251.90"),
        (2.675, "0.00", "2.68"),  # half up on the decimal the user typed, not the binary float
        (1234.5, "#,##0.00", "1,234.50"),
        (1234.5, "0.00", "1234.50"),
        (0.1 + 0.2, "General", "0.3"),
        (251.0, "General", "251"),
        (89.974, "G/通用格式", "89.974"),
        (-5, "#,##0.00;[Red]-#,##0.00", "-5.00"),
        (-5, "0.00_);\\(0.00\\)", "(5.00)"),
        (0, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-"),
        (12.5, '0.00"万元"', "12.50万元"),
        (99.5, "[$¥-804]#,##0.00", "¥99.50"),
        (0.12345, "0.0#", "0.12"),
        (12345.678, "0.00E+00", "1.23E+04"),
        (1e20, "General", "1E+20"),
        (5, "@", "5"),
    ],
)
def test_render_number(value: float, fmt: str, shown: str) -> None:
    assert render_number(value, fmt) == shown


# -- XLS (converted by LibreOffice) ----------------------------------------------------------------


@pytest.mark.libreoffice
@needs_soffice
def test_xls_same_as_xlsx(doc: Document, xls_doc: Document) -> None:
    assert xls_doc.source.format == "xls"
    assert [(p.number, p.name) for p in xls_doc.pages] == [(1, "自评表"), (2, "项目明细"), (3, "说明")]
    assert [t.grid() for t in xls_doc.tables] == ALL_GRIDS
    assert block_summary(xls_doc) == BLOCKS
    assert [t.caption for t in xls_doc.tables] == [t.caption for t in doc.tables]
    assert [(w.code, w.page) for w in xls_doc.warnings] == [("hidden_sheet", 3)]
    assert all(t.source == "xls" for t in xls_doc.tables)
    def cells(d: Document) -> list[tuple[object, ...]]:
        return [(c.row, c.col, c.row_span, c.col_span, c.inherited_from, c.pos.cell)
                for t in d.tables for row in t.rows for c in row]

    assert cells(xls_doc) == cells(doc)
    assert xls_doc.text == doc.text
    assert_offsets(xls_doc)


@pytest.mark.libreoffice
@needs_soffice
def test_xls_limits_and_damage(xls_path: Path, tmp_path: Path) -> None:
    with pytest.raises(TooManyPages):
        parse(xls_path, ParseOptions(max_pages=2))
    damaged = tmp_path / "damaged.xls"
    shutil.copyfile(xls_path, damaged)
    with olefile.OleFileIO(str(damaged), write_mode=True) as ole:
        size = ole.get_size("Workbook")
        ole.write_stream("Workbook", b"\xab" * size)
    with pytest.raises(CorruptFile, match="damaged XLS"):
        parse(damaged)
