"""TXT and HTML parsers: the real development texts, encodings, flattened tables, HTML grids."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import BlockKind, Document, Table
from extractor.errors import CorruptFile, EmptyFile, UnsupportedFormat
from extractor.parsers import parse
from extractor.parsers.text import parse_txt

REAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "real-dev"
REAL_TEXTS = sorted(REAL_DEV.glob("*.txt")) if REAL_DEV.is_dir() else []
needs_real_dev = pytest.mark.skipif(not REAL_TEXTS, reason=f"real development texts not found at {REAL_DEV}")


def _check_spans(doc: Document) -> None:
    for b in doc.blocks:
        assert b.span is not None
        assert doc.text[b.span[0] : b.span[1]] == b.text
    for t in doc.tables:
        for c in t.origin_cells():
            assert c.span is not None
            assert doc.text[c.span[0] : c.span[1]] == c.text


def _rows(table: Table) -> list[list[str]]:
    return table.grid(fill_merged=False)


def _strip_leading_empty(row: list[str]) -> list[str]:
    i = 0
    while i < len(row) and row[i] == "":
        i += 1
    return row[i:]


def _find_row(table: Table, prefix: list[str], *, skip_empty: bool = False) -> int:
    for r, row in enumerate(_rows(table)):
        texts = _strip_leading_empty(row) if skip_empty else row
        if texts[: len(prefix)] == prefix:
            return r
    raise AssertionError(f"no row starts with {prefix}")


def _real(name: str) -> Document:
    path = REAL_DEV / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return parse(path)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- real development texts ----------------------------------------------------------------------


@needs_real_dev
@pytest.mark.parametrize("path", REAL_TEXTS, ids=lambda p: p.name)
def test_real_text_parses_with_exact_spans(path: Path) -> None:
    doc = parse(path)
    assert doc.source.format == "txt"
    assert doc.source.encoding == "utf-8"
    assert doc.page_count is None and doc.pages == []
    assert doc.blocks
    _check_spans(doc)
    lines = path.read_text(encoding="utf-8").split("\n")
    for b in doc.blocks:
        if b.kind != BlockKind.TABLE:  # a paragraph is its source line, stripped, nothing else
            assert b.pos.line == b.pos.paragraph_index
            assert lines[b.pos.line].strip() == b.text


@needs_real_dev
def test_003_cell_per_line_table_rows_rebuilt() -> None:
    doc = _real("003.txt")
    assert [b.kind for b in doc.blocks] == [BlockKind.TABLE]
    (table,) = doc.tables
    assert table.source == "text_cells" and table.pos.line == 0
    assert table.n_cols == 10
    rows = _rows(table)
    header = _find_row(table, ["年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数"])
    assert rows[header][:8] == ["年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"]
    total = _find_row(table, ["总额", "238.93", "251.89", "251.89", "100.00%", "10"])
    assert total == header + 1
    assert rows[total][6] == "" and rows[total][7].startswith("1.预算执行率=预算执行数/调整后预算数")
    assert rows[total + 1][:7] == ["其中:财政资金", "238.93", "251.89", "251.89", "100.00%", "/", "/"]
    assert rows[total + 4][:7] == ["其他资金", "", "", "", "", "/", "/"]
    ind_header = _find_row(table, ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"])
    out = _find_row(table, ["产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%"])
    ben = _find_row(table, ["效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%"])
    assert (out, ben) == (ind_header + 1, ind_header + 2)
    assert rows[out] == ["产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", "", "60", "", ""]
    assert rows[ben + 1][:4] == ["合计", "100", "", ""]
    # cells sit on their own source lines (0-based): "总额" is line 31 of the file
    assert table.cell(total, 0).pos.line == 30 and table.cell(total, 1).pos.line == 31
    assert table.cell(out, 3).pos.line == 80
    assert table.cell(total, 0).pos.paragraph_index is None


@needs_real_dev
def test_015_pipe_table_with_broken_rows() -> None:
    doc = _real("015.txt")
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "paragraph", "table"]
    (table,) = doc.tables
    assert table.source == "text_pipe" and table.pos.line == 3
    assert table.n_cols == 11
    r = _find_row(table, ["年度資金總額", "7.29", "7.29", "7.29", "10.00", "100%", "10.00"], skip_empty=True)
    assert table.cell(r, 0).pos.line == 11
    ind = _find_row(table, ["產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)"], skip_empty=True)
    assert _strip_leading_empty(_rows(table)[ind])[2:9] == [
        "衛(wèi)片執(zhí)法補(bǔ)助經(jīng)費(fèi)", "﹦", "72890", "元", "72890", "10.00", "9.00",
    ]
    # "|\n項目資金 (萬元) |\n年初預算數 | …" is one row again, each cell on its own line
    money = _find_row(table, ["項(xiàng)目資金 (萬元)", "年初預(yù)算數(shù)", "全年預(yù)算數(shù)"])
    assert (table.cell(money, 0).pos.line, table.cell(money, 1).pos.line) == (9, 10)
    name = _find_row(table, ["項(xiàng)目名稱"])
    assert _rows(table)[name][:3] == ["項(xiàng)目名稱", "2020年省級自然資源衛(wèi)片執(zhí)法補(bǔ)助經(jīng)費(fèi)支出績效自評表", ""]
    assert table.n_rows == 17


@needs_real_dev
def test_035_cell_per_paragraph_export_stays_paragraphs() -> None:
    # The Word export splits header cells ("年初" / "预算数") so rows cannot be aligned safely.
    doc = _real("035.txt")
    assert doc.tables == []
    assert [b.text for b in doc.blocks[:3]] == ["办公宿舍楼、食堂及餐厅暖通改造经费 绩效自评表(修改)", "附件1", "项目支出绩效自评表"]
    assert doc.blocks[1].pos.line == 2


@needs_real_dev
def test_043_page_chrome_pipe_rows() -> None:
    doc = _real("043.txt")
    (table,) = doc.tables
    assert _rows(table) == [
        ["索引号", "01526405-X/20240326-00132", "发布机构", "昌宁县教育体育局"],
        ["公开目录", "绩效自评报告", "发布日期", "2024-03-26"],
        ["文号", "浏览量", "", ""],
    ]
    heading = doc.blocks[3]
    assert (heading.kind, heading.level, heading.marker, heading.text) == ("heading", 1, "一、", "一、自评结论")


def test_cell_per_line_indicator_rows_keep_their_deviation_text(tmp_path: Path) -> None:
    cells = [
        "绩效指标表",
        "一级指标", "二级指标", "三级指标", "指标值", "完成值", "偏差原因",
        "产出指标", "数量指标", "培训人次", "100", "95", "",
        "产出指标", "质量指标", "合格率", "≥90%", "92%", "",
        "产出指标", "时效指标", "及时率", "100%", "80%", "因天气原因推迟",
        "效益指标", "社会效益指标", "满意度", "≥95%", "96%", "",
    ]
    text = "\n".join(f"{c} |" if c else "|" for c in cells)
    doc = parse(_write(tmp_path, "ind.txt", text.encode("utf-8")))
    (table,) = doc.tables
    assert table.source == "text_cells"
    assert _rows(table) == [
        ["绩效指标表", "", "", "", "", ""],
        cells[1:7], cells[7:13], cells[13:19], cells[19:25], cells[25:31],
    ]
    assert [table.cell(r, 0).pos.line for r in range(6)] == [0, 1, 7, 13, 19, 25]
    _check_spans(doc)


# -- generated TXT files ---------------------------------------------------------------------------

REPORT_LINES = [
    "项目支出绩效自评报告",
    "一、基本情况",
    "（一）项目概况",
    "1.资金情况",
    "2.本项目全年预算100万元。实际支出95万元，执行率95%。",
    "我单位高度重视。",
]


@pytest.mark.parametrize(("encoding", "expected"), [("gbk", "gb18030"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")])
def test_encodings_decode(tmp_path: Path, encoding: str, expected: str) -> None:
    path = _write(tmp_path, f"r_{encoding}.txt", "\r\n".join(REPORT_LINES).encode(encoding))
    doc = parse(path)
    assert doc.source.encoding == expected
    assert [b.text for b in doc.blocks] == REPORT_LINES
    assert doc.text == "\n".join(REPORT_LINES)
    _check_spans(doc)


def test_bom_text_cut_inside_last_character(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + "第一行\n第二行".encode("utf-8") + "尾".encode("utf-8")[:2]
    doc = parse(_write(tmp_path, "cut.txt", raw))
    assert doc.source.encoding == "utf-8-sig"
    assert [b.text for b in doc.blocks] == ["第一行", "第二行"]


def test_headings_and_list_items_classified(tmp_path: Path) -> None:
    doc = parse(_write(tmp_path, "r.txt", "\n".join(REPORT_LINES).encode("utf-8")))
    assert [(b.kind, b.level, b.marker) for b in doc.blocks] == [
        ("paragraph", None, None),
        ("heading", 1, "一、"),
        ("heading", 2, "（一）"),
        ("heading", 3, "1."),
        ("list_item", 3, "2."),
        ("paragraph", None, None),
    ]
    assert [(b.pos.line, b.pos.paragraph_index) for b in doc.blocks] == [(i, i) for i in range(6)]


def test_line_endings_controls_and_blank_lines(tmp_path: Path) -> None:
    long = "长" * 2000  # 6000 bytes: a NUL further on is dropped, not taken for binary data
    raw = f"{long}\r\n\r\n\u3000\u3000第二段\x00有\x07控制符\r第三段\t末尾\u2028第四段\n".encode("utf-8")
    doc = parse(_write(tmp_path, "c.txt", raw))
    assert [(b.text, b.pos.line) for b in doc.blocks] == [
        (long, 0), ("第二段有控制符", 2), ("第三段\t末尾", 3), ("第四段", 4),
    ]
    assert doc.text == f"{long}\n第二段有控制符\n第三段\t末尾\n第四段"


def test_markdown_pipe_table_with_separator(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "单位：万元",
            "| 项目 | 年初预算 | 执行数 |",
            "|---|---:|---|",
            "| 总额 | 100 | 95 |",
            "| 其中:财政拨款 | 80 |",
            "| 其他 ||| ",
            "",
            "说明 | 只有一行的竖线不是表格",
        ]
    )
    doc = parse(_write(tmp_path, "p.txt", text.encode("utf-8")))
    assert [b.kind for b in doc.blocks] == ["paragraph", "table", "paragraph"]
    (table,) = doc.tables
    assert table.source == "text_pipe"
    assert _rows(table) == [
        ["项目", "年初预算", "执行数"],
        ["总额", "100", "95"],
        ["其中:财政拨款", "80", ""],
        ["其他", "", ""],
    ]
    assert [table.cell(r, 0).pos.line for r in range(4)] == [1, 3, 4, 5]
    assert table.pos.line == 1
    assert doc.blocks[2].text == "说明 | 只有一行的竖线不是表格" and doc.blocks[2].pos.line == 7
    _check_spans(doc)


def test_cell_per_paragraph_table_found(tmp_path: Path) -> None:
    cells = ["项目", "年初预算", "全年执行", "执行率", "年度资金总额", "120.5", "110", "91%",
             "其中:财政拨款", "100", "95", "95%", "其他资金", "20.5", "15", "73%"]
    text = "附件2\n\n" + "\n\n".join(cells) + "\n\n说明:以上为自评数据。\n"
    doc = parse(_write(tmp_path, "c.txt", text.encode("utf-8")))
    assert [b.kind for b in doc.blocks] == ["paragraph", "table", "paragraph"]
    (table,) = doc.tables
    assert table.source == "text_cells" and table.pos.line == 2
    assert _rows(table) == [cells[0:4], cells[4:8], cells[8:12], cells[12:16]]
    assert table.cell(1, 1).pos.line == 12
    assert doc.blocks[2].text == "说明:以上为自评数据。" and doc.blocks[2].pos.line == 34
    _check_spans(doc)


def test_cell_per_paragraph_rows_that_cannot_be_cut_stay_paragraphs(tmp_path: Path) -> None:
    # the last row lost its label, so its values run into the row above: no safe grid
    cells = ["项目", "年初预算", "全年执行", "执行率"]
    for label, n in [("总额", 0), ("财政拨款", 1), ("其他资金", 2), ("专项一", 3), ("专项二", 4), ("专项三", 5)]:
        cells += [label, str(100 + n), str(90 + n), f"{90 + n}%"]
    cells += ["40", "35", "88%"]
    doc = parse(_write(tmp_path, "f.txt", "\n\n".join(cells).encode("utf-8")))
    assert doc.tables == []
    assert [b.text for b in doc.blocks] == cells


def test_short_paragraphs_with_numbers_are_not_a_table(tmp_path: Path) -> None:
    paras = ["一、基本情况", "项目预算", "100万元", "实际执行", "90万元", "执行率", "90%", "二、问题", "无"]
    doc = parse(_write(tmp_path, "n.txt", "\n\n".join(paras).encode("utf-8")))
    assert doc.tables == []
    assert [b.text for b in doc.blocks] == paras


def test_binary_blob_named_txt_is_unsupported(tmp_path: Path) -> None:
    path = _write(tmp_path, "blob.txt", bytes(range(256)) * 40)
    with pytest.raises(UnsupportedFormat):
        parse(path)


def test_bad_utf16_is_corrupt(tmp_path: Path) -> None:
    # a lone high surrogate in the middle of UTF-16 text
    path = _write(tmp_path, "bad.txt", b"\xff\xfe" + "正文".encode("utf-16-le") + b"\x00\xd8" + "后文内容".encode("utf-16-le"))
    with pytest.raises(CorruptFile, match="not valid utf-16"):
        parse(path)


def test_control_characters_only_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        parse(_write(tmp_path, "e.txt", b"\x01\x02\x03\n\x04"))


def test_parse_txt_refuses_binary_directly(tmp_path: Path) -> None:
    from extractor.document import SourceInfo
    from extractor.settings import ParseOptions

    path = _write(tmp_path, "x.txt", b"abc\x00\x01\x02")
    source = SourceInfo(file_name="x.txt", sha256="", size=6, format="txt", detected_as="txt")
    with pytest.raises(UnsupportedFormat, match="binary"):
        parse_txt(str(path), source, ParseOptions())


# -- HTML -------------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>自评表 页面</title><style>p{color:red}</style><script>var a = "一、脚本";</script></head>
<body><nav><a href="/">首页</a></nav><header>网站头</header>
<h1>项目支出绩效自评表</h1>
<h2>一、基本情况</h2>
<p>项目资金<span>100万元</span>，执行率<b>95%</b>。<br>第二行</p>
<div>（一）项目概况<div>内层段落</div></div>
<ul><li>1.第一条说明，内容较长。</li><li>第二条</li></ul>
<table>
<caption>单位：万元</caption>
<tr><th rowspan="2">项目</th><th colspan="2">预算数</th><th rowspan="2">执行率</th></tr>
<tr><th>年初</th><th>全年</th></tr>
<tr><td>总额</td><td>100</td><td>120</td><td>95%</td></tr>
<tr><td rowspan="2">指标</td><td rowspan="2" colspan="2">≥10<br>个</td><td>数量</td></tr>
<tr><td>无<table><tr><td>嵌套</td><td>表格</td></tr></table></td></tr>
</table>
<h1>二、结论</h1>
<p style="display: none">隐藏段落</p><noscript>请启用脚本</noscript>
<footer>版权所有</footer>
</body></html>
"""


@pytest.fixture(scope="module")
def html_doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_bytes(HTML_PAGE.encode("gbk"))
    return parse(path)


def test_html_blocks(html_doc: Document) -> None:
    doc = html_doc
    assert doc.source.format == "html" and doc.source.encoding == "gb18030"
    assert doc.page_count is None
    assert doc.properties["title"] == "自评表 页面"
    assert [(b.kind, b.level, b.marker, b.text, b.pos.paragraph_index) for b in doc.blocks if b.kind != "table"] == [
        ("heading", 0, None, "项目支出绩效自评表", 0),
        ("heading", 1, "一、", "一、基本情况", 1),
        ("paragraph", None, None, "项目资金100万元，执行率95%。", 2),
        ("paragraph", None, None, "第二行", 3),
        ("heading", 2, "（一）", "（一）项目概况", 4),
        ("paragraph", None, None, "内层段落", 5),
        ("list_item", 3, "1.", "1.第一条说明，内容较长。", 6),
        ("list_item", None, None, "第二条", 7),
        ("caption", None, None, "单位：万元", 8),
        ("heading", 1, "二、", "二、结论", 10),
    ]
    for dropped in ("首页", "网站头", "脚本", "隐藏", "请启用", "版权", "color"):
        assert dropped not in doc.text
    _check_spans(doc)


def test_html_table_grid_with_merges(html_doc: Document) -> None:
    (table,) = html_doc.tables
    assert table.source == "html" and table.caption == "单位：万元"
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert table.pos.paragraph_index == 9
    assert table.grid() == [
        ["项目", "预算数", "预算数", "执行率"],
        ["项目", "年初", "全年", "执行率"],
        ["总额", "100", "120", "95%"],
        ["指标", "≥10个", "≥10个", "数量"],
        ["指标", "≥10个", "≥10个", "无 嵌套 表格"],
    ]
    inherited = {(c.row, c.col): c.inherited_from for row in table.rows for c in row if c.inherited}
    assert inherited == {
        (0, 2): (0, 1), (1, 0): (0, 0), (1, 3): (0, 3), (3, 2): (3, 1), (4, 0): (3, 0), (4, 1): (3, 1), (4, 2): (3, 1),
    }
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in table.origin_cells() if (c.row_span, c.col_span) != (1, 1)}
    assert spans == {(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (2, 1), (3, 0): (2, 1), (3, 1): (2, 2)}
    assert table.cell(4, 0).span == table.cell(3, 0).span
    assert table.cell(4, 2).span == table.cell(3, 1).span
    assert html_doc.text[table.span[0] : table.span[1]].split("\n")[2] == "总额 | 100 | 120 | 95%"


def test_html_utf8_meta_and_layout_table(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body>'
        "<table><tr><td><p>一、概况</p><table><tr><td>项目</td><td>金额</td></tr>"
        "<tr><td>总额</td><td>10</td></tr></table></td></tr></table></body></html>"
    )
    doc = parse(_write(tmp_path, "layout.html", page.encode("utf-8")))
    assert doc.source.encoding == "utf-8"
    assert [b.kind for b in doc.blocks] == ["heading", "table"]
    assert doc.tables[0].grid() == [["项目", "金额"], ["总额", "10"]]


def test_html_meta_charset_that_lies_falls_back_to_sniffing(tmp_path: Path) -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>绩效自评报告</p></body></html>'
    doc = parse(_write(tmp_path, "lie.html", page.encode("gbk")))
    assert doc.source.encoding == "gb18030"
    assert [b.text for b in doc.blocks] == ["绩效自评报告"]


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        parse(_write(tmp_path, "e.html", b"<html><body><script>x()</script><p> </p></body></html>"))


def test_html_nested_too_deeply_is_corrupt(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 5000 + "深层文字" + "</div>" * 5000 + "</body></html>"
    with pytest.raises(CorruptFile, match="too deeply"):
        parse(_write(tmp_path, "deep.html", page.encode("utf-8")))
