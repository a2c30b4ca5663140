"""OCR pages -> blocks and tables in reading order, written with the parsers' DocumentBuilder.

Per page (in the straightened frame, where lines are level):

- running headers and footers: a line in the top or bottom tenth of the page that is a page
  number ("第 3 页", "- 3 -") or repeats, digits aside, on other pages (OCR pages, or the text
  pages' own furniture) becomes furniture, as in the PDF parser;
- paragraphs: a line continues the paragraph above unless the gap grows, the line is indented,
  the line above stopped short after a sentence, the line height changes (a heading), or the
  line opens with a numbering marker (一、, （一）, 1., （1）);
- a paragraph of at most three tall lines (1.25 × the page's usual line height) is a heading;
- tables sit where their top edge is; a table at the foot of a page whose next page opens with
  a table of the same columns is one table (a repeated header row is dropped).

OCR confidences go onto the Document: each :class:`~extractor.document.Line` and
:class:`~extractor.document.Cell` gets ``ocr_confidence`` (the lowest of its recognised boxes), each
block the lowest of its lines.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from ..document import BlockKind, Position
from ..layout import FURNITURE_BAND, PAGE_NUMBER, TERMINAL_PUNCT, classify_line, furniture_signature, join_wrapped, repair_spaces
from ..parsers.base import DocumentBuilder, TableDraft, union_bbox
from .page import OcrLine, OcrPage, OcrTable

__all__ = ["PageLayout", "emit", "lay_out"]


@dataclass
class _Para:
    kind: str
    level: int | None
    marker: str | None
    lines: list[tuple[int, OcrLine]]  # (page, line): a paragraph may run on to the next page


@dataclass
class _Tab:
    table: OcrTable
    draft: TableDraft
    conf: dict[tuple[int, int], float | None]


@dataclass(frozen=True)
class _Metrics:
    body: float  # the usual height of a body-text line
    left: float
    right: float
    gap: float  # the usual white space between two lines of one paragraph


@dataclass
class PageLayout:
    number: int
    height: float
    metrics: _Metrics
    items: list[_Para | _Tab] = field(default_factory=list)
    furniture: list[tuple[str, OcrLine]] = field(default_factory=list)


def _band(page: OcrPage, ln: OcrLine) -> str | None:
    if ln.box[3] <= page.height * FURNITURE_BAND:
        return BlockKind.HEADER
    if ln.box[1] >= page.height * (1 - FURNITURE_BAND):
        return BlockKind.FOOTER
    return None


def _draft(page: int, t: OcrTable) -> _Tab:
    draft = TableDraft(t.n_rows, t.n_cols, "ocr_ruled", Position(page=page, bbox=t.bbox), pages=[page])
    conf: dict[tuple[int, int], float | None] = {}
    for c in t.cells:
        draft.add(c.row, c.col, c.text, Position(page=page, bbox=c.bbox), row_span=c.row_span, col_span=c.col_span)
        conf[(c.row, c.col)] = c.confidence
    return _Tab(t, draft, conf)


def _height(ln: OcrLine) -> float:
    return ln.size


def _metrics(lines: list[OcrLine]) -> _Metrics:
    if not lines:
        return _Metrics(12.0, 0.0, 0.0, 6.0)
    body = statistics.median(_height(ln) for ln in lines)
    lefts = sorted(ln.box[0] for ln in lines)
    rights = sorted(ln.box[2] for ln in lines)
    gaps = [b.box[1] - a.box[3] for a, b in zip(lines, lines[1:]) if 0 <= b.box[1] - a.box[3] <= 2 * body]
    return _Metrics(body, lefts[len(lefts) // 10], rights[min(len(rights) - 1, len(rights) * 9 // 10)],
                    statistics.median(gaps) if gaps else 0.5 * body)


def _tall(ln: OcrLine, m: _Metrics) -> bool:
    return _height(ln) >= 1.25 * m.body


def _ends_paragraph(prev: OcrLine, m: _Metrics) -> bool:
    """The line stopped short of the right margin after a sentence, or far short of it."""
    room = m.right - prev.box[2]
    return room > 1.5 * m.body and (prev.text.rstrip("”’」』）)")[-1:] in TERMINAL_PUNCT or room > 6 * m.body)


def _opens_paragraph(ln: OcrLine, m: _Metrics) -> bool:
    return classify_line(ln.text)[0] != "paragraph" or ln.box[0] > m.left + 0.8 * m.body


def _paragraphs(lines: list[OcrLine], m: _Metrics) -> list[list[OcrLine]]:
    groups: list[list[OcrLine]] = []
    for ln in lines:
        if not groups:
            groups.append([ln])
            continue
        prev = groups[-1][-1]
        h, ph = _height(ln), _height(prev)
        if _tall(ln, m) and _tall(prev, m):  # a heading wrapped over lines (often centred)
            new = abs(h - ph) > 0.25 * max(h, ph) or ln.box[1] - prev.box[3] > 1.5 * ph
        else:
            new = (
                _tall(ln, m) != _tall(prev, m)
                or ln.box[1] - prev.box[3] > m.gap + 0.6 * m.body
                or _opens_paragraph(ln, m)
                or _ends_paragraph(prev, m)
            )
        if new:
            groups.append([ln])
        else:
            groups[-1].append(ln)
    return groups


def _para(number: int, group: list[OcrLine], m: _Metrics) -> _Para:
    kind, level, marker = classify_line(_join(group))
    if len(group) <= 3 and all(_tall(ln, m) for ln in group) and kind != "list_item":
        kind = BlockKind.HEADING
    return _Para(kind, level, marker, [(number, ln) for ln in group])


def _join(lines: list[OcrLine]) -> str:
    return join_wrapped([repair_spaces(ln.text.strip()) for ln in lines])


def lay_out(pages: list[OcrPage], known_furniture: set[str] | None = None) -> list[PageLayout]:
    """Blocks, tables and furniture of each OCR page, in reading order."""
    known = set(known_furniture or ())
    counts: Counter[tuple[str, str]] = Counter()
    for p in pages:
        counts.update({(b, furniture_signature(ln.text)) for ln in p.lines if (b := _band(p, ln))})
    need = max(2, (len(pages) + 1) // 2)
    out: list[PageLayout] = []
    for p in pages:
        body: list[OcrLine] = []
        furniture: list[tuple[str, OcrLine]] = []
        for ln in p.lines:
            b = _band(p, ln)
            sig = furniture_signature(ln.text)
            if b and (counts[(b, sig)] >= need or sig in known or PAGE_NUMBER.match(ln.text)):
                furniture.append((b, ln))
            else:
                body.append(ln)
        m = _metrics(body)
        lay = PageLayout(p.number, p.height, m, furniture=furniture)
        placed: list[tuple[float, int, _Para | _Tab]] = []
        for k, group in enumerate(_paragraphs(body, m)):
            placed.append((group[0].box[1], k, _para(p.number, group, m)))
        for k, t in enumerate(p.tables):
            placed.append((t.box[1], -1000 + k, _draft(p.number, t)))
        placed.sort(key=lambda x: (x[0], x[1]))
        lay.items = [item for _top, _k, item in placed]
        out.append(lay)
    _across_pages(out)
    return out


def _same_columns(a: OcrTable, b: OcrTable, width: float) -> bool:
    return len(a.col_edges) == len(b.col_edges) and all(abs(x - y) <= 0.03 * width for x, y in zip(a.col_edges, b.col_edges))


def _across_pages(layouts: list[PageLayout]) -> None:
    """A paragraph or a table that a page break cut in two, made one again.

    A paragraph continues when the page ends mid-sentence at the right margin and the next page
    opens with an unindented, unnumbered line of the same height. A table continues when the
    next page opens with a table of the same columns (a repeated header row is dropped).
    """
    for prev, cur in zip(layouts, layouts[1:]):
        if cur.number != prev.number + 1 or not prev.items or not cur.items:
            continue
        a, b = prev.items[-1], cur.items[0]
        if isinstance(a, _Para) and isinstance(b, _Para):
            last, first = a.lines[-1][1], b.lines[0][1]
            if (a.kind != BlockKind.HEADING and b.kind == BlockKind.PARAGRAPH and not _ends_paragraph(last, prev.metrics)
                    and not _opens_paragraph(first, cur.metrics) and not _tall(first, cur.metrics)):
                a.lines.extend(b.lines)
                cur.items.pop(0)
        elif isinstance(a, _Tab) and isinstance(b, _Tab):
            width = max(a.table.box[2], b.table.box[2])
            if not _same_columns(a.table, b.table, width):
                continue
            skip = 1 if b.draft.row_texts(0) == a.draft.row_texts(0) else 0
            offset = a.draft.n_rows - skip
            a.draft.append_rows(b.draft, skip_rows=skip)
            a.conf.update({(r + offset, c): v for (r, c), v in b.conf.items() if r >= skip})
            cur.items.pop(0)  # the stitched table stays where it started


def emit(builder: DocumentBuilder, layout: PageLayout, *, first_block: bool) -> bool:
    """Write one page's furniture, blocks and tables; returns whether a body block was written."""
    for kind, ln in layout.furniture:
        block = builder.add_furniture(kind, repair_spaces(ln.text.strip()), Position(page=layout.number, bbox=ln.bbox))
        if block is not None:
            block.ocr_confidence = round(ln.confidence, 4)
    wrote = False
    for item in layout.items:
        if isinstance(item, _Tab):
            table = builder.add_table(item.draft)
            if table is not None:
                for row in table.rows:
                    for cell in row:
                        origin = cell.inherited_from or (cell.row, cell.col)
                        v = item.conf.get(origin)
                        cell.ocr_confidence = round(v, 4) if v is not None else None
                builder.blocks[-1].ocr_confidence = min((v for v in item.conf.values() if v is not None), default=None)
                wrote = True
            continue
        level = item.level
        if item.kind == BlockKind.HEADING and level is None:
            level = 0 if first_block and not wrote else 1
        conf = {(page, ln.bbox): ln.confidence for page, ln in item.lines}
        lines = [(repair_spaces(ln.text.strip()), page, ln.bbox) for page, ln in item.lines]
        page0 = item.lines[0][0]
        bbox = union_bbox([ln.bbox for page, ln in item.lines if page == page0])
        block = builder.add_block(item.kind, _join([ln for _p, ln in item.lines]), Position(page=page0, bbox=bbox),
                                  level=level, marker=item.marker, lines=lines)
        if block is not None:
            for line in block.lines:
                line.ocr_confidence = round(conf[(line.page, line.bbox)], 4)
            block.ocr_confidence = round(min(conf.values()), 4)
            wrote = True
    return wrote
