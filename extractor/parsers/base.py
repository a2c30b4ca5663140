"""What every parser uses to emit a :class:`~extractor.document.Document`.

A parser reads its format and calls :class:`DocumentBuilder` in reading order: ``add_block`` for
headings/paragraphs, ``add_table`` for a :class:`TableDraft`, ``add_furniture`` for running
headers and footers. The builder lays out ``Document.text`` and assigns every span, so no parser
computes an offset itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..document import BBox, Block, BlockKind, Cell, Document, Line, Page, ParseWarning, Position, SourceInfo, Table
from ..settings import ParseOptions

__all__ = ["CellDraft", "DocumentBuilder", "Parser", "TableDraft", "union_bbox"]

CELL_SEP = " | "


class Parser(Protocol):
    """A format module exposes ``parse(path, source, options) -> Document``."""

    def __call__(self, path: str, source: SourceInfo, options: ParseOptions) -> Document: ...


def union_bbox(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(slots=True)
class CellDraft:
    row: int
    col: int
    text: str
    pos: Position
    row_span: int = 1
    col_span: int = 1


@dataclass
class TableDraft:
    """A table as a parser sees it: its merge origins only; the builder fills the grid."""

    n_rows: int
    n_cols: int
    source: str
    pos: Position
    cells: list[CellDraft] = field(default_factory=list)
    caption: str | None = None
    caption_pos: Position | None = None
    pages: list[int] = field(default_factory=list)
    continued: bool = False

    def add(self, row: int, col: int, text: str, pos: Position, row_span: int = 1, col_span: int = 1) -> None:
        self.cells.append(CellDraft(row, col, text, pos, row_span, col_span))

    def row_texts(self, row: int) -> list[str]:
        out = [""] * self.n_cols
        for c in self.cells:
            if c.row == row:
                out[c.col] = c.text
        return out

    def append_rows(self, other: TableDraft, *, skip_rows: int = 0) -> None:
        """Stitch ``other`` (the same table continued on a later page) below this one."""
        offset = self.n_rows - skip_rows
        for c in other.cells:
            if c.row < skip_rows:
                continue
            self.cells.append(CellDraft(c.row + offset, c.col, c.text, c.pos, c.row_span, c.col_span))
        self.n_rows += other.n_rows - skip_rows
        self.pages.extend(p for p in other.pages if p not in self.pages)
        self.continued = True


class DocumentBuilder:
    """Accumulates blocks in reading order and lays out ``Document.text``."""

    def __init__(self, source: SourceInfo):
        self.source = source
        self.pages: list[Page] = []
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.furniture: list[Block] = []
        self.warnings: list[ParseWarning] = []
        self.properties: dict[str, str] = {}
        self._parts: list[str] = []
        self._len = 0

    # -- text layout --------------------------------------------------------------------------
    def _open_block(self) -> int:
        if self._parts:
            self._parts.append("\n")
            self._len += 1
        return self._len

    def _write(self, s: str) -> tuple[int, int]:
        start = self._len
        self._parts.append(s)
        self._len += len(s)
        return start, self._len

    # -- public API ---------------------------------------------------------------------------
    def add_page(self, page: Page) -> None:
        self.pages.append(page)

    def warn(self, code: str, message: str, page: int | None = None) -> None:
        self.warnings.append(ParseWarning(code, message, page))

    def add_block(
        self,
        kind: str,
        text: str,
        pos: Position,
        *,
        level: int | None = None,
        marker: str | None = None,
        lines: list[tuple[str, int, BBox]] | None = None,
    ) -> Block | None:
        """Append a body block. ``lines`` (PDF) are (line_text, page, bbox) whose texts, joined as
        the block's text was, make ``text``; each gets its own span. Empty text is skipped."""
        if not text or not text.strip():
            return None
        assert kind in BlockKind.BODY and kind != BlockKind.TABLE, kind
        self._open_block()
        span = self._write(text)
        line_objs: list[Line] = []
        if lines:
            cursor = span[0]
            for ltext, page, bbox in lines:
                found = text.find(ltext, cursor - span[0]) if ltext else -1
                if found < 0:
                    continue
                s = span[0] + found
                line_objs.append(Line((s, s + len(ltext)), page, bbox))
                cursor = s + len(ltext)
        block = Block(kind, text, span, pos, level=level, marker=marker, lines=line_objs)
        self.blocks.append(block)
        return block

    def add_furniture(self, kind: str, text: str, pos: Position) -> Block | None:
        if not text.strip():
            return None
        assert kind in BlockKind.FURNITURE, kind
        block = Block(kind, text, None, pos)
        self.furniture.append(block)
        return block

    def add_table(self, draft: TableDraft) -> Table | None:
        """Resolve spans into a full grid (covered positions inherit their origin), write the rows."""
        if draft.n_rows <= 0 or draft.n_cols <= 0 or not draft.cells:
            return None
        if draft.caption:
            self.add_block(BlockKind.CAPTION, draft.caption, draft.caption_pos or draft.pos)
        n_rows, n_cols = draft.n_rows, draft.n_cols
        grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
        origins = sorted(draft.cells, key=lambda c: (c.row, c.col))
        for c in origins:
            if not (0 <= c.row < n_rows and 0 <= c.col < n_cols) or grid[c.row][c.col] is not None:
                continue
            rs = max(1, min(c.row_span, n_rows - c.row))
            cs = max(1, min(c.col_span, n_cols - c.col))
            cell = Cell(c.row, c.col, c.text.strip(), None, c.pos, rs, cs)
            grid[c.row][c.col] = cell
            for r in range(c.row, c.row + rs):
                for k in range(c.col, c.col + cs):
                    if (r, k) != (c.row, c.col) and grid[r][k] is None:
                        grid[r][k] = Cell(r, k, cell.text, None, c.pos, 1, 1, inherited_from=(c.row, c.col))
        rows: list[list[Cell]] = []
        for r in range(n_rows):
            row: list[Cell] = []
            for k in range(n_cols):
                cell = grid[r][k]
                if cell is None:  # a position no cell covers: an empty cell
                    cell = Cell(r, k, "", None, Position(page=draft.pos.page, sheet=draft.pos.sheet))
                row.append(cell)
            rows.append(row)

        start = self._open_block()
        for r, row in enumerate(rows):
            if r:
                self._write("\n")
            for k, cell in enumerate(row):
                if k:
                    self._write(CELL_SEP)
                if cell.inherited_from is None:
                    cell.span = self._write(cell.text)
        for row in rows:
            for cell in row:
                if cell.inherited_from is not None:
                    cell.span = rows[cell.inherited_from[0]][cell.inherited_from[1]].span
        span = (start, self._len)
        index = len(self.tables)
        table = Table(
            index=index,
            n_rows=n_rows,
            n_cols=n_cols,
            rows=rows,
            pos=draft.pos,
            span=span,
            source=draft.source,
            caption=draft.caption,
            pages=list(draft.pages) or ([draft.pos.page] if draft.pos.page else []),
            continued=draft.continued,
        )
        self.tables.append(table)
        # The table block's text is filled in build(), once the whole text exists.
        self.blocks.append(Block(BlockKind.TABLE, "", span, draft.pos, table=index))
        return table

    def build(self) -> Document:
        text = "".join(self._parts)
        for b in self.blocks:
            if b.kind == BlockKind.TABLE and b.span is not None:
                b.text = text[b.span[0]:b.span[1]]
        return Document(
            source=self.source,
            text=text,
            pages=self.pages,
            blocks=self.blocks,
            tables=self.tables,
            furniture=self.furniture,
            warnings=self.warnings,
            properties=self.properties,
        )
