"""PDF with a text layer: pypdfium2 for text and positions, pdfplumber's table finder on ruled pages.

Pipeline per document:

1. pypdfium2 reads every page's text (one char per index) and each visual line's box (from the
   boxes of its first and last characters, so a page costs a few hundred calls, not thousands).
2. Pages whose text layer is missing or garbage (``(cid:NN)``, control or private-use characters
   above ``ParseOptions.ocr_garbage_ratio``) are marked ``needs_ocr``; their text is not used.
3. Pages that draw ruling lines get pdfplumber's table finder, fed with the ruling segments
   pypdfium2 reads from the page's paths (pdfplumber's own route re-interprets the whole page
   with pdfminer, ~100 ms a page). A table's grid comes from the cell edges, so merged cells get
   their row/col spans; each cell's text is read with pypdfium2 inside the cell box.
4. Running headers/footers are found by repetition in the top/bottom bands across pages (digits
   ignored, so "第 3 页" repeats) and page-number patterns; they become furniture, not body.
5. Body lines are grouped into paragraphs (indent, short last line, gaps, numbering markers,
   larger font for headings), continuing across page breaks; wrapped Chinese lines are joined
   without spaces and stray spaces inside numbers removed.
6. A table that ends one page and opens the next with the same columns is stitched into one
   table; a repeated header row on the continuation is dropped.

Boxes are PDF points with the origin at the page's top-left (pdfplumber's convention).
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import BBox, BlockKind, Document, Page, Position, SourceInfo
from ..errors import CorruptFile, EncryptedFile, TooManyPages
from ..layout import FURNITURE_BAND, PAGE_NUMBER, TERMINAL_PUNCT, classify_line, furniture_signature, join_wrapped, repair_spaces
from ..settings import ParseOptions
from .base import DocumentBuilder, TableDraft, union_bbox

__all__ = ["parse"]

_MIN_TABLE_EDGES = 6  # fewer ruling segments than this cannot make a table worth finding


@dataclass(slots=True)
class _Line:
    page: int
    text: str
    bbox: BBox
    size: float  # font size in points (pdfium's, of the line's first/middle/last characters)


@dataclass(slots=True)
class _PageTable:
    page: int
    bbox: BBox
    draft: TableDraft
    col_edges: list[float]


@dataclass
class _PageContent:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    tables: list[_PageTable] = field(default_factory=list)
    furniture: list[tuple[str, _Line]] = field(default_factory=list)


# -- opening -------------------------------------------------------------------------------------
def _open(path: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise EncryptedFile("the PDF is password-protected") from e
        raise CorruptFile(f"the PDF cannot be read ({e})") from e


def _garbage_ratio(text: str) -> float:
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return 1.0
    bad = sum(1 for ch in chars if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF)
    # a font without a Unicode map gives its raw glyph codes: C0/C1 control characters, which no
    # real text holds; each weighs like a "(cid:NN)" token
    bad += 4 * (text.count("(cid:") + sum(1 for ch in chars if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F))
    return min(1.0, bad / len(chars))


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _ruling_edges(page: pdfium.PdfPage, height: float) -> list[dict[str, object]]:
    """Horizontal and vertical ruling segments drawn on the page, as pdfplumber edge dicts.

    Read from the page's path objects with pypdfium2 (segments transformed by each object's
    matrix), so the table finder never has to re-interpret the page with pdfminer.
    """
    edges: list[dict[str, object]] = []

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        if abs(y1 - y0) <= 1.0 and abs(x1 - x0) >= 3:
            left, right, y = min(x0, x1), max(x0, x1), (y0 + y1) / 2
            edges.append({"object_type": "line_edge", "orientation": "h", "x0": left, "x1": right,
                          "top": height - y, "bottom": height - y, "width": right - left, "height": 0.0})
        elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) >= 3:
            low, high, x = min(y0, y1), max(y0, y1), (x0 + x1) / 2
            edges.append({"object_type": "line_edge", "orientation": "v", "x0": x, "x1": x,
                          "top": height - high, "bottom": height - low, "width": 0.0, "height": high - low})

    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h < 3 and w >= 3:  # a thin horizontal bar (a line, or a rule drawn as a filled rect)
            add(left, (top + bottom) / 2, right, (top + bottom) / 2)
            continue
        if w < 3 and h >= 3:
            add((left + right) / 2, bottom, (left + right) / 2, top)
            continue
        m = obj.get_matrix()
        raw = obj.raw
        start = prev = None
        for k in range(pdfium_c.FPDFPath_CountSegments(raw)):
            seg = pdfium_c.FPDFPath_GetPathSegment(raw, k)
            x, y = ctypes.c_float(), ctypes.c_float()
            pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            pt = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = pt
                continue
            if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                add(prev[0], prev[1], pt[0], pt[1])
            prev = pt
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                add(pt[0], pt[1], start[0], start[1])
                prev = start
    return edges


class _PageFrame:
    """What pdfplumber's TableFinder needs of a page when every edge is given explicitly."""

    def __init__(self, width: float, height: float):
        self.bbox = (0.0, 0.0, width, height)


_HAN_GAP = re.compile(r"[\u3400-\u9fff，。、；：（）] [\u3400-\u9fff，。、；：（）]")


def _line_text(textpage: pdfium.PdfTextPage, text: str, i0: int, i1: int, size: float) -> str:
    """The line's text with justification spaces between Han characters dropped.

    A space between two Han characters whose glyphs nearly touch is an artefact of the text
    layer; one across a wide gap (a right-aligned "单位：万元" after a unit name) is kept.
    """
    raw = text[i0:i1 + 1]
    if not _HAN_GAP.search(raw):
        return raw
    out: list[str] = []
    for i in range(i0, i1 + 1):
        if text[i] == " " and i0 < i < i1 and _HAN_GAP.fullmatch(text[i - 1:i + 2]):
            left = textpage.get_charbox(i - 1, loose=True)
            right = textpage.get_charbox(i + 1, loose=True)
            if right[0] - left[2] < 0.6 * size:
                continue
        out.append(text[i])
    return "".join(out)


def _page_lines(textpage: pdfium.PdfTextPage, text: str, height: float, number: int) -> list[_Line]:
    """Visual lines with boxes. ``text`` is the page text, index-aligned with pdfium's chars."""
    lines: list[_Line] = []
    start = 0
    n = len(text)
    font_size = pdfium_c.FPDFText_GetFontSize
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        seg_end = end - 1 if end > start and text[end - 1] == "\r" else end
        i0 = start
        while i0 < seg_end and text[i0].isspace():
            i0 += 1
        i1 = seg_end - 1
        while i1 > i0 and text[i1].isspace():
            i1 -= 1
        if i0 <= i1 and not text[i0].isspace():
            idx = [i0, i1]
            mid = (i0 + i1) // 2
            if mid not in idx and not text[mid].isspace():
                idx.append(mid)
            boxes = [textpage.get_charbox(i, loose=True) for i in idx]
            size = max(font_size(textpage.raw, i) for i in idx)
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            bottom = min(b[1] for b in boxes)
            top = max(b[3] for b in boxes)
            indent = "\u3000" if i0 > start and text[start:i0].strip(" ") == "" and "\u3000" in text[start:i0] else ""
            lines.append(_Line(number, indent + _line_text(textpage, text, i0, i1, size), (left, height - top, right, height - bottom), size))
        start = end + 1
    return lines


# -- tables --------------------------------------------------------------------------------------
def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _nearest(edges: list[float], v: float) -> int:
    i = bisect.bisect_left(edges, v)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - v < v - edges[i - 1] else i - 1


def _cell_text(textpage: pdfium.PdfTextPage, bbox: BBox, height: float) -> str:
    x0, top, x1, bottom = bbox
    raw = textpage.get_text_bounded(left=x0 + 0.5, bottom=height - bottom + 0.5, right=x1 - 0.5, top=height - top - 0.5)
    parts = [repair_spaces(p.strip()) for p in raw.replace("\r", "").split("\n")]
    return join_wrapped(parts)


def _find_tables(number: int, width: float, height: float, edges: list[dict[str, object]], textpage: pdfium.PdfTextPage) -> list[_PageTable]:
    """Ruled tables on one page: pdfplumber's TableFinder over the edges pypdfium2 saw."""
    from pdfplumber.table import TableFinder

    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    if len(v) < 2 or len(h) < 2:
        return []
    settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
    found: list[_PageTable] = []
    for t in TableFinder(_PageFrame(width, height), settings).tables:  # type: ignore[arg-type]
        cells = [c for c in t.cells if c[2] - c[0] > 1 and c[3] - c[1] > 1]
        if len(cells) < 2:
            continue
        xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
        ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        if n_rows < 1 or n_cols < 1:
            continue
        bbox = (float(t.bbox[0]), float(t.bbox[1]), float(t.bbox[2]), float(t.bbox[3]))
        draft = TableDraft(n_rows, n_cols, "pdf_ruled", Position(page=number, bbox=bbox), pages=[number])
        for c in cells:
            c0, c1 = _nearest(xs, c[0]), _nearest(xs, c[2])
            r0, r1 = _nearest(ys, c[1]), _nearest(ys, c[3])
            if c1 <= c0 or r1 <= r0:
                continue
            cb = (float(c[0]), float(c[1]), float(c[2]), float(c[3]))
            draft.add(r0, c0, _cell_text(textpage, cb, height), Position(page=number, bbox=cb), row_span=r1 - r0, col_span=c1 - c0)
        found.append(_PageTable(number, bbox, draft, xs))
    return found


def _inside(line: _Line, bbox: BBox) -> bool:
    cx = (line.bbox[0] + line.bbox[2]) / 2
    cy = (line.bbox[1] + line.bbox[3]) / 2
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


# -- headers and footers -------------------------------------------------------------------------
def _split_furniture(pages: list[_PageContent]) -> None:
    """Move running headers/footers and page numbers out of each page's lines."""

    def band(p: _PageContent, ln: _Line) -> str | None:
        if ln.bbox[3] <= p.height * FURNITURE_BAND:
            return BlockKind.HEADER
        if ln.bbox[1] >= p.height * (1 - FURNITURE_BAND):
            return BlockKind.FOOTER
        return None

    counts: Counter[tuple[str, str]] = Counter()
    for p in pages:
        seen = {(b, furniture_signature(ln.text)) for ln in p.lines if (b := band(p, ln))}
        counts.update(seen)
    need = max(2, (len(pages) + 1) // 2)
    for p in pages:
        keep: list[_Line] = []
        for ln in p.lines:
            b = band(p, ln)
            if b and (counts[(b, furniture_signature(ln.text))] >= need or PAGE_NUMBER.match(ln.text)):
                p.furniture.append((b, ln))
            else:
                keep.append(ln)
        p.lines = keep


# -- paragraphs ----------------------------------------------------------------------------------
@dataclass
class _Metrics:
    left: float
    right: float
    size: float  # the body font size on the page
    gap: float  # the usual white space between two lines of one paragraph on the page


def _metrics(lines: list[_Line], width: float) -> _Metrics:
    if not lines:
        return _Metrics(72.0, width - 72.0, 12.0, 3.0)
    lefts = sorted(ln.bbox[0] for ln in lines)
    rights = sorted(ln.bbox[2] for ln in lines)
    sizes = [ln.size for ln in lines if ln.size > 0]
    size = statistics.median(sizes) if sizes else 12.0
    gaps = [
        b.bbox[1] - a.bbox[3]
        for a, b in zip(lines, lines[1:])
        if abs(a.size - size) < 0.5 and abs(b.size - size) < 0.5 and -size < b.bbox[1] - a.bbox[3] < 3 * size
    ]
    return _Metrics(
        left=lefts[len(lefts) // 10],
        right=rights[min(len(rights) - 1, (len(rights) * 9) // 10)],
        size=size,
        gap=max(0.0, min(gaps)) if gaps else 0.3 * size,
    )


def _starts_new(prev: _Line, ln: _Line, m_prev: _Metrics, m: _Metrics, same_page: bool, body_size: float) -> bool:
    """Does ``ln`` start a new block after ``prev``? (Both are body lines, in reading order.)"""
    if abs(ln.size - prev.size) > 0.5:  # font size changed
        return True
    gap = ln.bbox[1] - prev.bbox[3]
    if same_page and gap > m.gap + 0.5 * m.size:
        return True
    if ln.size >= 1.2 * body_size:  # a heading that wraps (often centred) continues
        return False
    if classify_line(ln.text)[0] != "paragraph":
        return True
    if ln.text.startswith(("\u3000", "  ")) or ln.bbox[0] > m.left + 1.5 * m.size:
        return True
    room = m_prev.right - prev.bbox[2]  # how far short of the right margin the previous line stopped
    if room < 2 * m_prev.size:
        return False
    # A line ending a sentence or stopping far short ends its paragraph; one that stops a little
    # short mid-sentence was wrapped before an unbreakable token (a long number, a quote).
    return prev.text.rstrip().rstrip("”’」』）)")[-1:] in TERMINAL_PUNCT or room > 10 * m_prev.size


# -- the parser ----------------------------------------------------------------------------------
def parse(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    pdf = _open(path)
    try:
        return _parse(pdf, source, options)
    finally:
        pdf.close()


def _parse(pdf: pdfium.PdfDocument, source: SourceInfo, options: ParseOptions) -> Document:
    n_pages = len(pdf)
    if n_pages == 0:
        raise CorruptFile("the PDF has no pages")
    if n_pages > options.max_pages:
        raise TooManyPages(f"{n_pages} pages (limit {options.max_pages})")
    builder = DocumentBuilder(source)
    contents: list[_PageContent] = []
    ocr_count = 0
    try:
        for i in range(n_pages):
            page = pdf[i]
            number = i + 1
            width, height = page.get_size()
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if len(text) != textpage.count_chars():  # index misalignment: fall back to one bounded read
                text = textpage.get_text_bounded()
            info = Page(number=number, width=round(width, 2), height=round(height, 2), char_count=len(text.strip()))
            content = _PageContent(number, width, height)
            if not text.strip():
                if _has_images(page):  # a blank page needs nothing; a page of pictures needs OCR
                    info.needs_ocr, info.ocr_reason = True, "no_text_layer"
            elif _garbage_ratio(text) > options.ocr_garbage_ratio:
                info.needs_ocr, info.ocr_reason = True, "garbled_text_layer"
            else:
                content.lines = _page_lines(textpage, text, height, number)
                edges = _ruling_edges(page, height) if options.pdf_tables else []
                if len(edges) >= _MIN_TABLE_EDGES:
                    for t in _find_tables(number, width, height, edges, textpage):
                        content.tables.append(t)
                        content.lines = [ln for ln in content.lines if not _inside(ln, t.bbox)]
            textpage.close()
            page.close()
            if info.needs_ocr:
                ocr_count += 1
                builder.warn("needs_ocr", f"page {number}: {info.ocr_reason.replace('_', ' ')}; OCR is needed to read it", number)
            builder.add_page(info)
            contents.append(content)
    except pdfium.PdfiumError as e:
        raise CorruptFile(f"the PDF is damaged ({e})") from e

    if ocr_count == n_pages:
        source.format = "pdf_scanned"
    elif ocr_count:
        source.format = "pdf_mixed"
    else:
        source.format = "pdf_text"
    _split_furniture(contents)
    _emit(builder, contents)
    if not builder.blocks and not ocr_count:
        builder.warn("no_text", "the PDF holds no text")
    return builder.build()


def _emit(builder: DocumentBuilder, contents: list[_PageContent]) -> None:
    """Group lines into blocks, stitch tables across pages, and write everything in order."""
    for content in contents:
        for kind, ln in content.furniture:
            builder.add_furniture(kind, repair_spaces(ln.text.strip()), Position(page=ln.page, bbox=ln.bbox))

    # One stream of items in reading order: lines and tables, page by page, top to bottom.
    items: list[tuple[str, object]] = []
    metrics: dict[int, _Metrics] = {}
    for content in contents:
        metrics[content.number] = _metrics(content.lines, content.width)
        page_items: list[tuple[float, int, str, object]] = []
        for k, ln in enumerate(content.lines):
            page_items.append((ln.bbox[1], k, "line", ln))
        for k, t in enumerate(content.tables):
            page_items.append((t.bbox[1], -1000 + k, "table", t))
        page_items.sort(key=lambda x: (round(x[0], 0), x[1]))
        items.extend((kind, obj) for _top, _k, kind, obj in page_items)

    sizes = [ln.size for c in contents for ln in c.lines if ln.size > 0]
    body_size = statistics.median(sizes) if sizes else 12.0
    first_block = True
    para: list[_Line] = []

    def flush() -> None:
        nonlocal first_block, para
        if not para:
            return
        texts = [repair_spaces(ln.text.strip()) for ln in para]
        text = join_wrapped(texts)
        kind, level, marker = classify_line(text)
        big = len(para) <= 3 and para[0].size >= 1.2 * body_size
        if big and kind != "list_item":
            kind = BlockKind.HEADING
            level = level if level is not None else (0 if first_block else 1)
        bbox = union_bbox([ln.bbox for ln in para if ln.page == para[0].page])
        lines = [(t, ln.page, ln.bbox) for t, ln in zip(texts, para)]
        builder.add_block(kind, text, Position(page=para[0].page, bbox=bbox), level=level, marker=marker, lines=lines)
        first_block = False
        para = []

    pending: _PageTable | None = None
    for kind, obj in items:
        if kind == "table":
            assert isinstance(obj, _PageTable)
            flush()
            if pending is not None and _continues(pending, obj, contents):
                edges = _union_edges(pending.col_edges, obj.col_edges)
                pending.draft = _regrid(pending.draft, edges)
                pending.col_edges = edges
                part = _regrid(obj.draft, edges)
                skip = 1 if part.row_texts(0) == pending.draft.row_texts(0) else 0
                pending.draft.append_rows(part, skip_rows=skip)
                pending.bbox = obj.bbox
                pending.page = obj.page
                continue
            if pending is not None:
                builder.add_table(pending.draft)
            pending = _PageTable(obj.page, obj.bbox, obj.draft, obj.col_edges)
            first_block = False
            continue
        assert isinstance(obj, _Line)
        if pending is not None:
            builder.add_table(pending.draft)
            pending = None
        if para:
            prev = para[-1]
            same = prev.page == obj.page
            if _starts_new(prev, obj, metrics[prev.page], metrics[obj.page], same, body_size) or (
                not same and (obj.page != prev.page + 1 or prev.text.rstrip()[-1:] in TERMINAL_PUNCT)
            ):
                flush()
        para.append(obj)
    flush()
    if pending is not None:
        builder.add_table(pending.draft)


def _continues(prev: _PageTable, nxt: _PageTable, contents: list[_PageContent]) -> bool:
    """``nxt`` continues ``prev``: next page, nothing between them, the same column edges."""
    if nxt.page != prev.page + 1:
        return False
    before = contents[prev.page - 1]
    after = contents[nxt.page - 1]
    if any(ln.bbox[1] > prev.bbox[3] for ln in before.lines):
        return False
    if any(ln.bbox[3] < nxt.bbox[1] for ln in after.lines):
        return False
    if len(prev.col_edges) == len(nxt.col_edges):
        return all(abs(a - b) <= 3 for a, b in zip(prev.col_edges, nxt.col_edges))
    # the continuation's rows may draw fewer column rules (a lone "其他资金" row): same outer
    # edges, and every rule it draws is one of the first part's
    return (
        abs(prev.col_edges[0] - nxt.col_edges[0]) <= 3
        and abs(prev.col_edges[-1] - nxt.col_edges[-1]) <= 3
        and (
            all(any(abs(e - f) <= 3 for f in prev.col_edges) for e in nxt.col_edges)
            or all(any(abs(e - f) <= 3 for f in nxt.col_edges) for e in prev.col_edges)
        )
    )


def _union_edges(a: list[float], b: list[float]) -> list[float]:
    out = list(a)
    for e in b:
        if not any(abs(e - f) <= 3 for f in out):
            out.append(e)
    return sorted(out)


def _regrid(draft: TableDraft, edges: list[float]) -> TableDraft:
    """``draft``'s cells placed on a finer column grid (the first part's ``edges``)."""
    if len(edges) - 1 == draft.n_cols:
        return draft
    out = TableDraft(draft.n_rows, len(edges) - 1, draft.source, draft.pos, caption=draft.caption,
                     caption_pos=draft.caption_pos, pages=list(draft.pages), continued=draft.continued)
    for c in draft.cells:
        bbox = c.pos.bbox
        if bbox is None:
            continue
        c0 = _nearest(edges, bbox[0])
        c1 = max(c0 + 1, _nearest(edges, bbox[2]))
        out.add(c.row, c0, c.text, c.pos, row_span=c.row_span, col_span=c1 - c0)
    return out
