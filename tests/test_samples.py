"""The committed sample reports parse, in every format, into what their generator says they hold.

The PDF and DOC samples were made by LibreOffice from the DOCX, so these tests exercise the PDF
parser on real LibreOffice output (CJK fonts, merged cells, a table crossing a page break,
running header and footer, wrapped paragraphs) and the DOC path through LibreOffice conversion.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from extractor.document import BlockKind, Document
from extractor.parsers import parse

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"
MANIFEST = list(csv.DictReader((SAMPLES / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
MANIFEST = [r for r in MANIFEST if r.get("layout") in (None, "t1_report", "t1_multi")]  # the labelled layouts (issue #4) are tested in test_indicator_layouts.py
REPORTS = [r["file"] for r in MANIFEST if r["format"] in {"pdf", "docx", "doc", "txt", "xlsx"} and "multi" not in r["file"]]
_KIND = {"title": BlockKind.HEADING, "heading1": BlockKind.HEADING, "heading2": BlockKind.HEADING}


def _spec(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.spec.json").read_text(encoding="utf-8"))


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


_cache: dict[str, Document] = {}


def _doc(name: str) -> Document:
    if name not in _cache:
        _cache[name] = parse(SAMPLES / name)
    return _cache[name]


def _rows(doc: Document) -> list[list[str]]:
    return [row for t in doc.tables for row in t.grid()]


def _same(cell: str, want: str) -> bool:
    """Equal text, or equal numbers (a spreadsheet shows a weight of 6 as "6.00")."""
    if cell == want:
        return True
    try:
        return Decimal(cell) == Decimal(want)
    except InvalidOperation:
        return False


def _has_run(rows: list[list[str]], run: list[str]) -> bool:
    """Some row holds ``run`` as consecutive cells (merged cells may repeat a value)."""
    for row in rows:
        dedup = [c for i, c in enumerate(row) if i == 0 or c != row[i - 1] or not c]
        for cells in (row, dedup):
            for i in range(len(cells) - len(run) + 1):
                if all(_same(c, w) for c, w in zip(cells[i:i + len(run)], run)):
                    return True
    return False


@pytest.mark.parametrize("name", REPORTS)
def test_indicator_rows_come_back_exactly(name):
    spec = _spec(name)
    rows = _rows(_doc(name))
    for ind in spec["indicators"]:
        run = [ind["level3"], ind["target"], ind["actual"], ind["weight"], ind["score"]]
        assert _has_run(rows, run), (name, run)
        assert _has_run(rows, [ind["level2"], ind["level3"]]) or name.endswith(".txt"), (name, ind["level2"])


@pytest.mark.parametrize("name", REPORTS)
def test_budget_rows_come_back_exactly(name):
    spec = _spec(name)
    rows = _rows(_doc(name))
    for line in spec["budget"]:
        assert _has_run(rows, [line["label"], line["initial"], line["full_year"], line["executed"]]), (name, line)


@pytest.mark.parametrize("name", [n for n in REPORTS if n.rsplit(".", 1)[1] in {"pdf", "docx", "doc"}])
def test_body_blocks_match_the_report(name):
    spec = _spec(name)
    doc = _doc(name)
    body = [(b.kind, b.text) for b in doc.blocks if b.kind != BlockKind.TABLE]
    texts = [_squash(t) for _k, t in body]
    for block in spec["blocks"]:
        if block["kind"] == "table":
            continue
        want = _squash(block["text"])
        assert want in texts, (name, block)
        kind = body[texts.index(want)][0]
        if block["kind"] in _KIND:
            assert kind == BlockKind.HEADING, (name, block, kind)
    for t in doc.tables:
        for c in t.origin_cells():
            assert doc.text[c.span[0]:c.span[1]] == c.text


@pytest.mark.parametrize("name", [n for n in REPORTS if n.endswith(".pdf")])
def test_pdf_header_footer_and_page_crossing_table(name):
    spec = _spec(name)
    doc = _doc(name)
    assert doc.source.format == "pdf_text"
    headers = {_squash(b.text) for b in doc.furniture if b.kind == BlockKind.HEADER}
    assert headers == {_squash(spec["page_header"])}
    footers = [b.text for b in doc.furniture if b.kind == BlockKind.FOOTER]
    assert footers == [f"第{n}页" for n in range(1, doc.page_count + 1)]
    assert _squash(spec["page_header"]) not in _squash(doc.text)
    ind_tables = [t for t in doc.tables if any("三级指标" in row for row in t.grid())]
    assert len(ind_tables) == 1
    if len(spec["indicators"]) >= 14:  # the long table crosses a page break and is stitched
        assert ind_tables[0].continued and len(ind_tables[0].pages) == 2
