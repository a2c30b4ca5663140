"""The one shape every parser emits and every extractor reads.

A :class:`Document` is pages -> blocks (heading, paragraph, list item, caption, table) plus the
tables as full grids of cells, plus header/footer blocks kept apart ("furniture").

Offsets
-------
``Document.text`` is the normalised full text of the document body. Every body block and every
table cell carries ``span = (start, end)``: **0-based, end-exclusive offsets in Unicode code
points (Python ``str`` indices) into ``Document.text``**, counted from the first character of
``Document.text``. ``Document.text[start:end] == block.text`` holds for every block and for every
cell that is not inherited from a merged cell. Spans are document-wide, never item-relative.

The text is laid out as: blocks in reading order, separated by one ``"\\n"``. A table block is its
rows separated by ``"\\n"``, each row its cells separated by ``" | "``; a position covered by a
merged cell contributes an empty string (its text stands once, at the merge's origin), so merged
values are never counted twice. Header/footer blocks are not part of the text (their ``span`` is
``None``); extractors that want them read ``Document.furniture``.

Characters are kept as found (no NFKC, no Traditional->Simplified), so a quote taken from
``Document.text`` is the source's own characters. Parsers only repair layout: wrapped lines are
joined, stray spaces inside numbers removed, running headers/footers taken out of the body.

Positions
---------
:class:`Position` says where a block or cell is in the source: PDF page (1-based) and bbox in PDF
points with the origin at the page's top-left (pdfplumber's convention); DOCX/TXT paragraph index
(0-based, over body paragraphs, see the parser); XLSX/XLS sheet name and cell reference.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Iterator

__all__ = [
    "BBox",
    "Block",
    "BlockKind",
    "Cell",
    "Document",
    "Line",
    "Page",
    "ParseWarning",
    "Position",
    "SourceInfo",
    "Table",
]

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, origin at the page's top-left."""


class BlockKind:
    """Block kinds (plain strings, so JSON stays readable)."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    CAPTION = "caption"
    TABLE = "table"
    HEADER = "header"
    FOOTER = "footer"

    BODY = frozenset({HEADING, PARAGRAPH, LIST_ITEM, CAPTION, TABLE})
    FURNITURE = frozenset({HEADER, FOOTER})


@dataclass(slots=True)
class Position:
    """Where something is in the source file. Unused fields stay ``None``."""

    page: int | None = None  # 1-based PDF page; 1-based sheet number for spreadsheets
    bbox: BBox | None = None  # PDF points, top-left origin
    paragraph_index: int | None = None  # DOCX/TXT/HTML: 0-based body paragraph index
    sheet: str | None = None  # XLSX/XLS sheet name
    cell: str | None = None  # spreadsheet cell ref, "B7", or "A5:A9" for a merged range
    line: int | None = None  # TXT/HTML: 0-based source line of the first line of the item


@dataclass(slots=True)
class Line:
    """One visual line inside a PDF block: its span in ``Document.text`` and its box."""

    span: tuple[int, int]
    page: int
    bbox: BBox
    ocr_confidence: float | None = None  # OCR'd line: the recogniser's confidence (0-1)


@dataclass(slots=True)
class Block:
    kind: str
    text: str
    span: tuple[int, int] | None  # None only for furniture (header/footer)
    pos: Position
    level: int | None = None  # headings: 0 = document title, 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）
    marker: str | None = None  # the numbering marker that starts the text, e.g. "（一）"
    table: int | None = None  # TABLE blocks: index into Document.tables
    lines: list[Line] = field(default_factory=list)  # PDF: visual lines, for sub-span boxes
    ocr_confidence: float | None = None  # OCR'd block: the lowest confidence of its lines/cells


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    text: str
    span: tuple[int, int] | None  # into Document.text; for an inherited cell, the origin's span
    pos: Position
    row_span: int = 1
    col_span: int = 1
    inherited_from: tuple[int, int] | None = None  # (row, col) of the merged cell's origin
    ocr_confidence: float | None = None  # OCR'd cell: the lowest confidence of its text boxes

    @property
    def inherited(self) -> bool:
        return self.inherited_from is not None


@dataclass(slots=True)
class Table:
    index: int
    n_rows: int
    n_cols: int
    rows: list[list[Cell]]  # full grid: rows[r][c] exists for every r < n_rows, c < n_cols
    pos: Position  # first page / first sheet position; bbox of the part on the first page
    span: tuple[int, int]
    source: str  # "pdf_ruled", "docx", "xlsx", "xls", "html", "text_pipe", "text_cells", …
    caption: str | None = None  # e.g. the "单位：万元" line above a spreadsheet table
    pages: list[int] = field(default_factory=list)  # every page the table touches
    continued: bool = False  # stitched from parts on consecutive pages

    def cell(self, row: int, col: int) -> Cell:
        return self.rows[row][col]

    def row_texts(self, row: int, *, fill_merged: bool = True) -> list[str]:
        """The texts of one row; merged cells repeat their origin's text unless ``fill_merged`` is False."""
        return [c.text if (fill_merged or not c.inherited) else "" for c in self.rows[row]]

    def grid(self, *, fill_merged: bool = True) -> list[list[str]]:
        return [self.row_texts(r, fill_merged=fill_merged) for r in range(self.n_rows)]

    def origin_cells(self) -> Iterator[Cell]:
        for row in self.rows:
            for c in row:
                if not c.inherited:
                    yield c


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float | None = None  # PDF points
    height: float | None = None
    name: str | None = None  # sheet name for spreadsheets
    needs_ocr: bool = False  # no usable text layer: scanned, or a font without a Unicode map
    ocr_reason: str | None = None
    char_count: int = 0  # characters the text layer gave for this page
    ocr_done: bool = False  # the page's text in the Document was read by OCR (needs_ocr stays True)
    ocr_confidence: float | None = None  # mean confidence of the page's OCR'd lines and cells


@dataclass(slots=True)
class ParseWarning:
    code: str
    message: str
    page: int | None = None


@dataclass(slots=True)
class SourceInfo:
    file_name: str
    sha256: str
    size: int
    format: str  # pdf_text | pdf_scanned | pdf_mixed | docx | doc | xlsx | xls | txt | html | image
    detected_as: str  # what the bytes are, whatever the file is called
    encoding: str | None = None  # text files
    converted_with: str | None = None  # e.g. "libreoffice 7.4" for DOC/WPS


@dataclass
class Document:
    source: SourceInfo
    text: str
    pages: list[Page]
    blocks: list[Block]
    tables: list[Table]
    furniture: list[Block] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # e.g. DOCX core properties
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)
    # lazily built lookups for locate()/ocr_confidence(), which extraction calls once per value
    _cells: dict[int, tuple[list[int], list[Cell]]] = field(default_factory=dict, repr=False, compare=False)
    _has_ocr: bool | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._starts = [b.span[0] for b in self.blocks if b.span is not None]

    def _cells_under(self, table: int, start: int, end: int) -> list[Cell]:
        """The table's origin cells whose text overlaps ``text[start:end]``, in text order."""
        index = self._cells.get(table)
        if index is None:
            cells = sorted((c for c in self.tables[table].origin_cells() if c.span), key=lambda c: c.span[0])  # type: ignore[index]
            index = self._cells[table] = ([c.span[0] for c in cells], cells)  # type: ignore[index]
        starts, cells = index
        k = bisect.bisect_left(starts, end)  # cells from k on start at or after ``end``
        out: list[Cell] = []
        while k > 0 and cells[k - 1].span[1] > start:  # type: ignore[index]  # spans do not overlap
            k -= 1
            out.append(cells[k])
        out.reverse()
        return out

    # -- derived values ---------------------------------------------------------------------
    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def page_count(self) -> int | None:
        """Pages for PDF, sheets for spreadsheets, ``None`` for flowing text (DOCX, TXT, HTML)."""
        if self.source.format.startswith("pdf") or self.source.format in {"xlsx", "xls", "image"}:
            return len(self.pages)
        return None

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.needs_ocr]

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == BlockKind.HEADING]

    # -- mapping a character range back to the source ----------------------------------------
    def block_at(self, offset: int) -> Block | None:
        """The body block whose span contains ``offset`` (None for separators)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        b = self.blocks[i]
        assert b.span is not None
        return b if b.span[0] <= offset < b.span[1] else None

    def locate(self, start: int, end: int) -> list[Position]:
        """Source positions covering ``text[start:end]``: PDF line boxes, table cells or blocks.

        One position per line / cell / block touched, in text order. A range inside a table maps
        to the cells it touches; inside a PDF paragraph, to the visual lines (one box per line
        and page, clipped to nothing finer than a line).
        """
        if end <= start:
            end = start + 1
        out: list[Position] = []
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        while i < len(self.blocks):
            b = self.blocks[i]
            i += 1
            assert b.span is not None
            if b.span[0] >= end:
                break
            if b.span[1] <= start:
                continue
            if b.kind == BlockKind.TABLE and b.table is not None:
                out.extend(c.pos for c in self._cells_under(b.table, start, end))
                continue
            hit = [ln for ln in b.lines if ln.span[0] < end and ln.span[1] > start]
            if hit:
                out.extend(Position(page=ln.page, bbox=ln.bbox) for ln in hit)
            else:
                out.append(b.pos)
        return out

    def ocr_confidence(self, start: int, end: int) -> float | None:
        """The lowest OCR confidence of the lines and cells under ``text[start:end]``; ``None``
        when none of that text was read by OCR."""
        if self._has_ocr is None:
            self._has_ocr = any(p.ocr_done for p in self.pages) or any(
                b.ocr_confidence is not None or any(ln.ocr_confidence is not None for ln in b.lines) for b in self.blocks
            ) or any(
                c.ocr_confidence is not None for t in self.tables for c in t.origin_cells()
            )
        if not self._has_ocr:
            return None
        end = max(end, start + 1)

        def under(span: tuple[int, int] | None) -> bool:
            return span is not None and span[0] < end and span[1] > start

        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        found: list[float] = []
        for b in self.blocks[first:bisect.bisect_left(self._starts, end)]:
            if b.kind == BlockKind.TABLE and b.table is not None:
                parts: list[Any] = self._cells_under(b.table, start, end)
            elif under(b.span):
                parts = [ln for ln in b.lines if under(ln.span)] or [b]
            else:
                continue
            found.extend(p.ocr_confidence for p in parts if p.ocr_confidence is not None)
        return min(found, default=None)

    # -- serialisation ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "source": _plain(self.source),
            "page_count": self.page_count,
            "text_sha256": self.text_sha256,
            "pages": [_plain(p) for p in self.pages],
            "blocks": [_plain(b) for b in self.blocks],
            "tables": [_plain(t) for t in self.tables],
            "furniture": [_plain(b) for b in self.furniture],
            "warnings": [_plain(w) for w in self.warnings],
            "properties": dict(self.properties),
            "text": self.text,
        }


def _plain(obj: Any) -> Any:
    """Dataclass -> JSON-ready value, dropping ``None`` fields and empty lists to keep it compact."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in fields(obj):
            if f.name.startswith("_"):
                continue
            v = getattr(obj, f.name)
            if v is None or (isinstance(v, list) and not v and f.name not in {"rows"}):
                continue
            out[f.name] = _plain(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return round(obj, 2)
    return obj
