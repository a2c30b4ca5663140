"""PDF parser on PDFs built here: exact blocks, cells, merges, page-crossing tables, positions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

import pdfkit
from extractor.document import BlockKind, Document
from extractor.errors import CorruptFile, EmptyFile, EncryptedFile, TooManyPages
from extractor.parsers import parse, parse_isolated
from extractor.settings import ParseOptions


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Document, dict]:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    facts = pdfkit.build_report(path)
    return path, parse(path), facts


def _contains(outer: tuple[float, ...], inner: dict, tol: float = 1.5) -> bool:
    return (
        outer[0] - tol <= inner["x0"]
        and outer[1] - tol <= inner["top"]
        and inner["x1"] <= outer[2] + tol
        and inner["bottom"] <= outer[3] + tol
    )


def test_blocks_in_reading_order(report):
    _path, doc, _facts = report
    assert doc.source.format == "pdf_text"
    assert doc.page_count == 3
    para1 = pdfkit.PARA1.replace("35. 3", "35.3").replace("2023年 1月 6日", "2023年1月6日").replace("59 个", "59个")
    assert [(b.kind, b.level, b.marker, b.pos.page, b.text) for b in doc.blocks if b.kind != BlockKind.TABLE] == [
        ("heading", 0, None, 1, pdfkit.TITLE),
        ("heading", 1, "一、", 1, "一、基本情况"),
        ("paragraph", None, None, 1, para1),
        ("paragraph", None, None, 1, pdfkit.PARA2),
        ("heading", 1, "二、", 1, "二、项目资金情况"),
        ("heading", 1, "三、", 2, "三、绩效指标完成情况"),
        ("heading", 1, "四、", 3, "四、存在的问题"),
        ("paragraph", None, None, 3, "无。"),
    ]
    kinds = [b.kind for b in doc.blocks]
    assert kinds.index(BlockKind.TABLE) == 5 and kinds.count(BlockKind.TABLE) == 2


def test_wrapped_paragraph_keeps_one_box_per_line(report):
    _path, doc, _ = report
    para = doc.blocks[2]
    assert len(para.lines) == 4
    assert [ln.page for ln in para.lines] == [1, 1, 1, 1]
    # lines go down the page; the first is indented by two characters
    tops = [ln.bbox[1] for ln in para.lines]
    assert tops == sorted(tops)
    assert para.lines[0].bbox[0] > para.lines[1].bbox[0] + 20
    # the line spans tile the paragraph's text
    assert "".join(doc.text[a:b] for a, b in (ln.span for ln in para.lines)) == para.text


def test_running_header_and_footer_are_furniture(report):
    _path, doc, _ = report
    headers = [(b.pos.page, b.text) for b in doc.furniture if b.kind == BlockKind.HEADER]
    footers = [(b.pos.page, b.text) for b in doc.furniture if b.kind == BlockKind.FOOTER]
    assert headers == [(n, pdfkit.HEADER) for n in (1, 2, 3)]
    assert footers == [(n, f"第{n}页") for n in (1, 2, 3)]
    assert pdfkit.HEADER not in doc.text and "第2页" not in doc.text
    assert all(b.span is None for b in doc.furniture)


def test_funds_table_merges(report):
    _path, doc, _ = report
    t = doc.tables[0]
    assert (t.n_rows, t.n_cols, t.pages, t.continued, t.source) == (4, 5, [1], False, "pdf_ruled")
    assert t.grid() == [
        ["项目名称", "学生营养改善计划", "学生营养改善计划", "学生营养改善计划", "学生营养改善计划"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数"],
        ["项目资金（万元）", "年度资金总额", "35.30", "40.00", "39.50"],
        ["项目资金（万元）", "其中：当年财政拨款", "35.30", "40.00", "39.50"],
    ]
    name = t.cell(0, 1)
    assert (name.row_span, name.col_span, name.inherited_from) == (1, 4, None)
    assert [t.cell(0, c).inherited_from for c in (2, 3, 4)] == [(0, 1)] * 3
    funds = t.cell(1, 0)
    assert (funds.row_span, funds.col_span) == (3, 1)
    assert [t.cell(r, 0).inherited_from for r in (2, 3)] == [(1, 0), (1, 0)]
    assert t.cell(3, 0).span == funds.span
    # the merged value appears once in the text
    assert doc.text.count("项目资金（万元）") == 1


def test_indicator_table_crosses_the_page_break(report):
    _path, doc, facts = report
    t = doc.tables[1]
    assert (t.n_rows, t.n_cols, t.pages, t.continued) == (17, 7, [2, 3], True)
    expected = [pdfkit.IND_HEADER]
    level1 = level2 = ""
    for row in facts["rows"]:
        level1 = row[0] or level1
        level2 = row[1] or level2
        expected.append([level1, level2] + row[2:])
    assert t.grid() == expected
    # merged 一级/二级 cells: origin rows and spans, inherited rows point back
    assert (t.cell(1, 0).row_span, t.cell(1, 1).row_span, t.cell(6, 1).row_span) == (10, 5, 5)
    assert t.cell(10, 0).inherited_from == (1, 0)
    assert (t.cell(11, 0).text, t.cell(11, 0).row_span, t.cell(11, 0).inherited_from) == ("效益指标", 6, None)
    assert t.cell(16, 1).inherited_from == (11, 1)
    # rows on page 3 carry page 3; the repeated header row on page 3 was dropped
    assert [t.cell(r, 2).pos.page for r in (1, 10, 11, 16)] == [2, 2, 3, 3]
    assert doc.text.count("一级指标") == 1


def test_spans_map_back_to_text(report):
    _path, doc, _ = report
    for b in doc.blocks:
        assert doc.text[b.span[0]:b.span[1]] == b.text
    for t in doc.tables:
        for c in t.origin_cells():
            assert doc.text[c.span[0]:c.span[1]] == c.text


def test_positions_agree_with_pdfplumber(report):
    path, doc, _ = report
    with pdfplumber.open(path) as pdf:
        # a cell: our bbox holds the characters pdfplumber finds for its text
        cell = doc.tables[0].cell(2, 4)
        hit = pdf.pages[0].search("39.50")
        assert any(_contains(cell.pos.bbox, h) for h in hit)
        # a cell of the continued table, on page 3
        cell = doc.tables[1].cell(16, 2)
        hit = pdf.pages[2].search(cell.text)
        assert cell.pos.page == 3 and _contains(cell.pos.bbox, hit[0])
        # a phrase in a wrapped paragraph maps back to its line box on page 1
        start = doc.text.index("39.50万元")
        pos = doc.locate(start, start + len("39.50万元"))
        assert len(pos) == 1 and pos[0].page == 1
        assert _contains(pos[0].bbox, pdf.pages[0].search("39.50万元")[0])
        # a heading
        h = doc.blocks[6]
        assert h.text == "三、绩效指标完成情况" and h.pos.page == 2
        assert _contains(h.pos.bbox, pdf.pages[1].search("三、绩效指标完成情况")[0])


def test_locate_in_a_table_returns_cells(report):
    _path, doc, _ = report
    cell = doc.tables[1].cell(3, 3)
    pos = doc.locate(*cell.span)
    assert pos == [cell.pos]


def test_mislabelled_file_is_parsed_by_content(tmp_path, report):
    path, doc, _ = report
    fake = tmp_path / "report.docx"
    shutil.copy(path, fake)
    again = parse(fake)
    assert again.source.format == "pdf_text" and again.source.file_name == "report.docx"
    assert again.text == doc.text


def test_scanned_page_needs_ocr(tmp_path):
    p = tmp_path / "scan.pdf"
    pdfkit.build_image_only(p)
    doc = parse(p)
    assert doc.source.format == "pdf_scanned"
    assert doc.pages[0].needs_ocr and doc.pages[0].ocr_reason == "no_text_layer"
    assert [w.code for w in doc.warnings] == ["needs_ocr"]
    assert doc.text == ""


def test_garbled_text_layer_needs_ocr_page_by_page(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(p))
    c.setFont(pdfkit.FONT, 12)
    c.drawString(72, 700, "第一页正常文字，预算执行率98.5%。")
    c.showPage()
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "(cid:12)(cid:37)(cid:8)(cid:99)(cid:4)(cid:41)")
    c.showPage()
    c.save()
    doc = parse(p)
    assert doc.source.format == "pdf_mixed"
    assert [(pg.needs_ocr, pg.ocr_reason) for pg in doc.pages] == [(False, None), (True, "garbled_text_layer")]
    assert "cid" not in doc.text and "预算执行率98.5%" in doc.text


def test_bad_pdfs_raise_typed_errors(tmp_path, report):
    path, _doc, _ = report
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile):
        parse(empty)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(CorruptFile):
        parse(cut)
    enc = tmp_path / "enc.pdf"
    pdfkit.build_encrypted(enc)
    with pytest.raises(EncryptedFile) as e:
        parse(enc)
    assert e.value.code == "encrypted" and "password" in e.value.hint.lower()
    with pytest.raises(TooManyPages):
        parse(path, ParseOptions(max_pages=2))


def test_isolated_parse_returns_the_same_document(report):
    path, doc, _ = report
    iso = parse_isolated(path)
    assert iso.text == doc.text and iso.tables[1].grid() == doc.tables[1].grid()


