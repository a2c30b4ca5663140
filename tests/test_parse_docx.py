"""DOCX parser on real files built with python-docx; raw WordprocessingML is added only where
python-docx has no API (text box, page field, automatic numbering, symbol, content control,
gridBefore/hMerge/nested table)."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from copy import deepcopy
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from extractor.document import BlockKind, Document, SourceInfo
from extractor.errors import CorruptFile, ZipBomb
from extractor.parsers import docx as docx_parser
from extractor.parsers import parse
from extractor.settings import ParseOptions

H, P, L = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM

TITLE = "2022年度城区道路维护项目支出绩效自评报告"
WRAP_1 = "本项目由区城市管理局负责实施，主要用于城区主次干道的日常养护、破损路面修补和路灯维修，"
WRAP_2 = "项目年初预算100万元，全年预算100万元，全年执行98.5万元，预算执行率98.5%。"
HEADER = "城区道路维护项目绩效自评报告"
FIRST_HEADER = "内部资料 注意保存"
TEXT_BOX = "注：金额单位为万元"

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _text_box_run(text: str) -> str:
    """A floating text box as Word 2010+ writes it: DrawingML choice plus a VML fallback copy."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return f"""<w:r {_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
      <wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264"
          behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
        <wp:simplePos x="0" y="0"/>
        <wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
        <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
        <wp:extent cx="2743200" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
        <wp:wrapSquare wrapText="bothSides"/><wp:docPr id="1" name="文本框 1"/><wp:cNvGraphicFramePr/>
        <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
          <wps:wsp><wps:cNvSpPr txBox="1"/>
            <wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2743200" cy="457200"/></a:xfrm>
              <a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
            <wps:txbx>{content}</wps:txbx>
            <wps:bodyPr rot="0" vert="horz" wrap="square" anchor="t"><a:noAutofit/></wps:bodyPr>
          </wps:wsp></a:graphicData></a:graphic>
      </wp:anchor></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><v:shape id="tb1" type="#_x0000_t202" style="position:absolute;width:216pt;height:36pt">
        <v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"""


def _page_field_runs() -> list[str]:
    """第 {PAGE} 页 as a complex field whose cached result is 1."""
    return [
        f'<w:r {nsdecls("w")}><w:t>第</w:t></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {nsdecls("w")}><w:t>1</w:t></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
        f'<w:r {nsdecls("w")}><w:t>页</w:t></w:r>',
    ]


def _add_chinese_list(document: docx.document.Document) -> str:
    """A numbering definition 三、/（一） (chineseCounting, level 0 starting at 3); returns its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
              <w:multiLevelType w:val="multilevel"/>
              <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
                <w:suff w:val="nothing"/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>
                <w:suff w:val="nothing"/></w:lvl>
            </w:abstractNum>"""
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document: docx.document.Document, text: str, num_id: str, ilvl: int) -> None:
    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _fill_self_evaluation_table(document: docx.document.Document) -> None:
    """项目支出绩效自评表, 11 x 8, with horizontal and vertical merges."""
    t = document.add_table(rows=11, cols=8)
    t.style = "Table Grid"
    merges = [((0, 1), (0, 7)), ((1, 1), (1, 3)), ((1, 5), (1, 7)), ((2, 0), (5, 0)),
              ((6, 0), (9, 0)), ((7, 1), (9, 1)), ((7, 2), (8, 2)), ((10, 0), (10, 5))]  # fmt: skip
    for a, b in merges:
        t.cell(*a).merge(t.cell(*b))
    values = {
        (0, 0): "项目名称", (0, 1): "城区道路维护项目",
        (1, 0): "主管部门", (1, 1): "区城市管理局", (1, 4): "实施单位", (1, 5): "区市政工程养护中心",
        (2, 0): "项目资金（万元）", (6, 0): "绩效指标",
        (10, 0): "总分", (10, 6): "100", (10, 7): "59.85",
    }  # fmt: skip
    rows = {
        2: ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        3: ["年度资金总额", "100.00", "100.00", "98.50", "10", "98.50%", "9.85"],
        4: ["其中：当年财政拨款", "100.00", "100.00", "98.50", "—", "—", "—"],
        5: ["其他资金", "0", "0", "0", "—", "—", "—"],
        6: ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    }
    for r, texts in rows.items():
        for k, text in enumerate(texts, start=1):
            values[(r, k)] = text
    values.update({(7, 1): "产出指标", (7, 2): "数量指标", (9, 2): "时效指标"})
    for r, texts in {7: ["道路维修里程", "≥50公里", "52公里", "20", "20"],
                     8: ["路灯维修数量", "≥200盏", "210盏", "20", "20"],
                     9: ["完成及时率", "100%", "100%", "10", "10"]}.items():  # fmt: skip
        for k, text in enumerate(texts, start=3):
            values[(r, k)] = text
    for (r, k), text in values.items():
        t.cell(r, k).text = text
    # A cell whose text Word wrapped into two paragraphs, and one with a line break.
    t.cell(3, 1).text = "年度资金"
    t.cell(3, 1).add_paragraph("总额")
    t.cell(4, 1).text = "其中："
    t.cell(4, 1).paragraphs[0].add_run().add_break()
    t.cell(4, 1).paragraphs[0].add_run("当年财政拨款")


_PLACEHOLDER_CELL = (
    "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
    "<w:p><w:r><w:t>单击或点击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>"
)
_SMALL_TABLE = f"""<w:tbl {nsdecls("w")}>
  <w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>
  <w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>
  <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>
    <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc>
    <w:tc><w:p><w:r><w:t>备注</w:t></w:r></w:p></w:tc></w:tr>
  <w:tr><w:trPr><w:gridAfter w:val="2"/></w:trPr>
    <w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc>
    <w:tc><w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="1000"/></w:tblGrid>
        <w:tr><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>52</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:tc><w:p><w:r><w:t>质量</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>合格</w:t></w:r></w:p></w:tc></w:tr>
      </w:tbl><w:p/></w:tc></w:tr>
  <w:tr>
    <w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc>
    <w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>
    <w:tc><w:p><w:r><w:t>100</w:t></w:r></w:p></w:tc>
    <w:tc>{_PLACEHOLDER_CELL}</w:tc></w:tr>
</w:tbl>"""


def build_report(path: Path, *, content_controls: bool = True) -> None:
    """The report every DOCX test reads. The DOC tests convert it built without content controls
    (which LibreOffice's DOC export garbles into duplicated form fields); their texts are the same."""
    d = docx.Document()
    cp = d.core_properties
    cp.title, cp.author = "城区道路维护项目自评报告", "区城市管理局"
    cp.created, cp.modified = dt.datetime(2023, 1, 6, 9, 30), dt.datetime(2023, 1, 8, 17, 5)
    d.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)

    d.add_paragraph(TITLE, style="Title")  # 0
    d.add_paragraph("一、项目基本情况\t1", style="TOC 1")  # 1
    d.add_paragraph("")  # 2: empty, counted
    d.add_paragraph("一、项目基本情况", style="Heading 1")  # 3
    d.add_paragraph("（一）项目概况", style="Heading 2")  # 4
    p = d.add_paragraph(WRAP_1)  # 5: two lines joined
    p.add_run().add_break()
    p.add_run(WRAP_2)
    d.add_paragraph("二、绩效目标及完成情况")  # 6
    d.add_paragraph("（一）总体目标完成情况")  # 7
    d.add_paragraph("1.道路维修里程达到52公里，超过年度目标。路面完好率有所提高。")  # 8
    d.add_paragraph("（1）路灯维修210盏")  # 9
    p = d.add_paragraph("项目属性：新增项目□ 延续项目")  # 10
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>'))
    p = d.add_paragraph("附表：项目支出绩效自评表")  # 11, anchors a text box
    p._p.append(parse_xml(_text_box_run(TEXT_BOX)))
    _fill_self_evaluation_table(d)
    d.add_paragraph("完成道路巡查120次。发现问题35处，均已整改。", style="List Number")  # 12
    d.add_paragraph("完成路面修补3200平方米。群众反映良好。", style="List Number")  # 13
    num_id = _add_chinese_list(d)
    _numbered(d, "存在的问题及改进措施", num_id, 0)  # 14
    _numbered(d, "资金支付进度偏慢", num_id, 1)  # 15
    _numbered(d, "部分路段维修不及时，群众有反映。下一步将加强巡查。", num_id, 1)  # 16
    _numbered(d, "其他需要说明的问题", num_id, 0)  # 17
    _numbered(d, "无", num_id, 1)  # 18
    if content_controls:
        sdt = parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="填报人"/></w:sdtPr><w:sdtContent>'
            "<w:p><w:r><w:t>填报人：张三</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
        d.element.body.sectPr.addprevious(sdt)  # 19, inside a block-level content control
    else:
        d.add_paragraph("填报人：张三")  # 19
    p = d.add_paragraph("评价结论：优")  # 20, plus hidden and deleted runs
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vanish/></w:rPr><w:t>（待审核）</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>良</w:delText></w:r></w:del>'))

    section = d.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = HEADER
    section.first_page_header.paragraphs[0].text = FIRST_HEADER
    footer_p = section.footer.paragraphs[0]._p
    for run in _page_field_runs():
        footer_p.append(parse_xml(run))
    second = d.add_section()
    # python-docx puts the first section's properties in a new empty paragraph; Word (and
    # LibreOffice) keep them in the section's last paragraph, 20.
    carrier = d.paragraphs[-1]._p
    assert carrier.pPr is not None
    p._p.get_or_add_pPr().append(carrier.pPr.sectPr)
    carrier.getparent().remove(carrier)
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = HEADER  # a second header part with the same text
    d.add_paragraph("附表2")  # 21
    small = _SMALL_TABLE if content_controls else _SMALL_TABLE.replace(_PLACEHOLDER_CELL, "<w:p/>")
    d.element.body.sectPr.addprevious(parse_xml(small))
    d.save(str(path))


# (kind, level, marker, text, paragraph_index)
EXPECTED_BLOCKS: list[tuple[str, int | None, str | None, str, int | None]] = [
    (H, 0, None, TITLE, 0),
    (P, None, None, "一、项目基本情况 1", 1),
    (H, 1, "一、", "一、项目基本情况", 3),
    (H, 2, "（一）", "（一）项目概况", 4),
    (P, None, None, WRAP_1 + WRAP_2, 5),
    (H, 1, "二、", "二、绩效目标及完成情况", 6),
    (H, 2, "（一）", "（一）总体目标完成情况", 7),
    (L, 3, "1.", "1.道路维修里程达到52公里，超过年度目标。路面完好率有所提高。", 8),
    (H, 4, "（1）", "（1）路灯维修210盏", 9),
    (P, None, None, "项目属性：新增项目□ 延续项目☑", 10),
    (P, None, None, "附表：项目支出绩效自评表", 11),
    (P, None, None, TEXT_BOX, 11),
    (BlockKind.TABLE, None, None, "", 11),
    (L, 3, "1.", "1.完成道路巡查120次。发现问题35处，均已整改。", 12),
    (L, 3, "2.", "2.完成路面修补3200平方米。群众反映良好。", 13),
    (H, 1, "三、", "三、存在的问题及改进措施", 14),
    (H, 2, "（一）", "（一）资金支付进度偏慢", 15),
    (L, 2, "（二）", "（二）部分路段维修不及时，群众有反映。下一步将加强巡查。", 16),
    (H, 1, "四、", "四、其他需要说明的问题", 17),
    (H, 2, "（一）", "（一）无", 18),
    (P, None, None, "填报人：张三", 19),
    (P, None, None, "评价结论：优", 20),
    (P, None, None, "附表2", 21),
    (BlockKind.TABLE, None, None, "", 21),
]

EXPECTED_GRID = [
    ["项目名称"] + ["城区道路维护项目"] * 7,
    ["主管部门"] + ["区城市管理局"] * 3 + ["实施单位"] + ["区市政工程养护中心"] * 3,
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["项目资金（万元）", "年度资金总额", "100.00", "100.00", "98.50", "10", "98.50%", "9.85"],
    ["项目资金（万元）", "其中：当年财政拨款", "100.00", "100.00", "98.50", "—", "—", "—"],
    ["项目资金（万元）", "其他资金", "0", "0", "0", "—", "—", "—"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["绩效指标", "产出指标", "数量指标", "道路维修里程", "≥50公里", "52公里", "20", "20"],
    ["绩效指标", "产出指标", "数量指标", "路灯维修数量", "≥200盏", "210盏", "20", "20"],
    ["绩效指标", "产出指标", "时效指标", "完成及时率", "100%", "100%", "10", "10"],
    ["总分"] * 6 + ["100", "59.85"],
]
# origin (row, col) -> (row_span, col_span) for every merged origin
EXPECTED_MERGES = {
    (0, 1): (1, 7), (1, 1): (1, 3), (1, 5): (1, 3), (2, 0): (4, 1),
    (6, 0): (4, 1), (7, 1): (3, 1), (7, 2): (2, 1), (10, 0): (1, 6),
}  # fmt: skip

EXPECTED_SMALL_GRID = [
    ["", "指标", "指标", "备注"],
    ["A", "数量 52 质量 合格", "", ""],
    ["合计", "合计", "100", ""],
]


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "自评报告.docx"
    build_report(path)
    return path


@pytest.fixture(scope="module")
def report(report_path: Path) -> Document:
    return parse(report_path)


def block_rows(doc: Document) -> list[tuple[str, int | None, str | None, str, int | None]]:
    return [
        (b.kind, b.level, b.marker, "" if b.kind == BlockKind.TABLE else b.text, b.pos.paragraph_index)
        for b in doc.blocks
    ]


def assert_offsets(doc: Document) -> None:
    """Document.text[span] == text for every block and every origin cell; inherited cells share
    their origin's span."""
    for b in doc.blocks:
        assert b.span is not None
        assert doc.text[b.span[0]:b.span[1]] == b.text
    for t in doc.tables:
        assert doc.text[t.span[0]:t.span[1]] == doc.blocks[[b.table for b in doc.blocks].index(t.index)].text
        for row in t.rows:
            for c in row:
                assert c.span is not None
                if c.inherited_from is None:
                    assert doc.text[c.span[0]:c.span[1]] == c.text
                else:
                    assert c.span == t.cell(*c.inherited_from).span


def test_blocks_kinds_levels_markers_positions(report: Document) -> None:
    assert report.source.format == "docx"
    assert report.source.detected_as == "docx"
    assert block_rows(report) == EXPECTED_BLOCKS
    assert [b.table for b in report.blocks if b.kind == BlockKind.TABLE] == [0, 1]
    assert report.warnings == []


def test_offsets(report: Document) -> None:
    assert_offsets(report)
    assert report.text.startswith(TITLE + "\n一、项目基本情况 1\n一、项目基本情况\n")
    assert "（待审核）" not in report.text  # hidden run; the deleted "良" is checked in EXPECTED_BLOCKS
    assert report.text.count(TEXT_BOX) == 1  # the VML fallback copy is not read


def test_self_evaluation_table(report: Document) -> None:
    t = report.tables[0]
    assert (t.n_rows, t.n_cols, t.source) == (11, 8, "docx")
    assert t.grid() == EXPECTED_GRID
    merges = {(c.row, c.col): (c.row_span, c.col_span) for c in t.origin_cells() if (c.row_span, c.col_span) != (1, 1)}
    assert merges == EXPECTED_MERGES
    assert t.pos.paragraph_index == 11
    inherited = {(c.row, c.col): c.inherited_from for row in t.rows for c in row if c.inherited}
    expected_inherited: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (rs, cs) in EXPECTED_MERGES.items():
        for r in range(r0, r0 + rs):
            for k in range(c0, c0 + cs):
                if (r, k) != (r0, c0):
                    expected_inherited[(r, k)] = (r0, c0)
    assert inherited == expected_inherited
    # merged values stand once in the text; covered positions are empty between separators
    assert report.text.count("区市政工程养护中心") == 1
    assert t.grid(fill_merged=False)[3][:2] == ["", "年度资金总额"]
    assert report.blocks[12].text.split("\n")[0] == "项目名称 | 城区道路维护项目" + " | " * 6


def test_small_table_grid_before_nested_hmerge_placeholder(report: Document) -> None:
    t = report.tables[1]
    assert (t.n_rows, t.n_cols) == (3, 4)
    assert t.grid() == EXPECTED_SMALL_GRID
    assert (t.cell(0, 1).col_span, t.cell(0, 2).inherited_from) == (2, (0, 1))
    assert (t.cell(2, 0).col_span, t.cell(2, 1).inherited_from) == (2, (2, 0))
    assert not t.cell(0, 0).inherited and not t.cell(1, 3).inherited
    assert t.pos.paragraph_index == 21
    assert "单击或点击此处输入文字" not in report.text


def test_furniture_and_properties(report: Document) -> None:
    assert [(b.kind, b.text, b.span) for b in report.furniture] == [
        (BlockKind.HEADER, HEADER, None),
        (BlockKind.HEADER, FIRST_HEADER, None),
        (BlockKind.FOOTER, "第1页", None),
    ]
    assert HEADER not in report.text and "第1页" not in report.text
    assert report.properties == {
        "title": "城区道路维护项目自评报告",
        "author": "区城市管理局",
        "created": "2023-01-06T09:30:00+00:00",
        "modified": "2023-01-08T17:05:00+00:00",
    }


def test_renamed_to_pdf_is_parsed_as_docx(report_path: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "报告.pdf"
    renamed.write_bytes(report_path.read_bytes())
    doc = parse(renamed)
    assert (doc.source.file_name, doc.source.format, doc.source.detected_as) == ("报告.pdf", "docx", "docx")
    assert block_rows(doc) == EXPECTED_BLOCKS


def test_truncated_docx_is_corrupt(report_path: Path, tmp_path: Path) -> None:
    data = report_path.read_bytes()
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile):
        parse(bad)
    with pytest.raises(CorruptFile) as exc:  # the parser itself, without detection in front
        docx_parser.parse(str(bad), _source(bad), _options())
    assert "damaged DOCX package" in exc.value.message


def test_damaged_document_xml_is_corrupt(report_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "damaged.docx"
    with zipfile.ZipFile(report_path) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element: not well-formed XML
            dst.writestr(info, data)
    with pytest.raises(CorruptFile) as exc:
        parse(bad)
    assert "XMLSyntaxError" in exc.value.message


def test_zip_bomb_is_refused(report_path: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(report_path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        zeros = bytes(1 << 20)
        with dst.open("word/media/padding.bin", "w", force_zip64=True) as fh:
            for _ in range(600):  # 600 MiB of zeros, about 2.5 MiB compressed
                fh.write(zeros)
    assert bomb.stat().st_size < 5 * 2**20
    with pytest.raises(ZipBomb):
        parse(bomb)


def test_empty_docx_warns_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    doc = parse(path)
    assert (doc.text, doc.blocks, doc.tables) == ("", [], [])
    assert [w.code for w in doc.warnings] == ["no_text"]


def test_hundred_pages_parse_fast(report_path: Path, tmp_path: Path) -> None:
    """~100 pages: 1,500 paragraphs and 40 copies of the 11 x 8 table, parsed well under a second."""
    d = docx.Document(str(report_path))
    body = d.element.body
    para = body.findall(qn("w:p"))[5]
    table = body.findall(qn("w:tbl"))[0]
    for i in range(1500):
        body.sectPr.addprevious(deepcopy(para))
        if i % 40 == 0:
            body.sectPr.addprevious(deepcopy(table))
    big = tmp_path / "big.docx"
    d.save(str(big))
    start = time.perf_counter()
    doc = docx_parser.parse(str(big), _source(big), _options())
    elapsed = time.perf_counter() - start
    assert len(doc.tables) == 2 + 38
    assert sum(1 for b in doc.blocks if b.text == WRAP_1 + WRAP_2) == 1501
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def _source(path: Path) -> SourceInfo:
    return SourceInfo(file_name=path.name, sha256="", size=path.stat().st_size, format="docx", detected_as="docx")


def _options() -> ParseOptions:
    return ParseOptions()


def test_picture_only_docx_warns_no_text(tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "scan.png"
    Image.new("RGB", (20, 20), "white").save(png)
    d = docx.Document()
    d.add_picture(str(png))
    path = tmp_path / "scan.docx"
    d.save(str(path))
    doc = parse(path)
    assert doc.blocks == []
    assert [(w.code, w.message) for w in doc.warnings] == [
        ("no_text", "the document body holds no text; it holds 1 picture(s), perhaps a scan pasted in")
    ]


def test_unreadable_content_is_reported(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("见附表：")
    p._p.append(
        parse_xml(
            f'<w:r {nsdecls("w", "r")} xmlns:o="urn:schemas-microsoft-com:office:office"><w:object>'
            '<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025" DrawAspect="Content" '
            'ObjectID="_1" r:id="rId90"/></w:object></w:r>'
        )
    )
    d.element.body.sectPr.addprevious(parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="rId91"/>'))
    path = tmp_path / "objects.docx"
    d.save(str(path))
    doc = parse(path)
    assert [b.text for b in doc.blocks] == ["见附表："]
    assert [w.code for w in doc.warnings] == ["alt_chunk_skipped", "embedded_object_skipped"]
