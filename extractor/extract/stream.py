"""The document as one stream of cells: the common ground of real tables and flattened ones.

Real reports reach us as proper tables (DOCX, XLSX, ruled PDF), as tables flattened into one cell
per line (Word exported to HTML, then to text), and as prose. Extractors read all three the same
way: a :class:`Tok` is one table cell (origin cells only; merged copies are skipped) or one
non-table block. Table tokens keep their table/row/column, so readers use columns when they exist
and fall back to order when they do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import BlockKind, Document
from ..textnorm import fold_key

__all__ = ["CHECK_MARKS", "CROSS_MARKS", "Tok", "build_stream", "is_value_key", "is_placeholder_key"]


@dataclass(slots=True)
class Tok:
    i: int  # index in the stream
    text: str  # the source's characters
    key: str  # folded (Simplified, no whitespace, full-width folded)
    start: int  # span in Document.text
    end: int
    block: int  # index of the block in Document.blocks
    table: int | None = None
    row: int | None = None
    col: int | None = None

    @property
    def empty(self) -> bool:
        return not self.key or is_placeholder_key(self.key)


def build_stream(doc: Document) -> list[Tok]:
    out: list[Tok] = []
    for bi, b in enumerate(doc.blocks):
        if b.span is None:
            continue
        if b.kind == BlockKind.TABLE and b.table is not None:
            t = doc.tables[b.table]
            for row in t.rows:
                for c in row:
                    if c.inherited or c.span is None:
                        continue
                    out.append(Tok(len(out), c.text, fold_key(c.text), c.span[0], c.span[1], bi, t.index, c.row, c.col))
            continue
        out.append(Tok(len(out), b.text, fold_key(b.text), b.span[0], b.span[1], bi))
    return out


CHECK_MARKS = frozenset({"√", "✓", "✔", "☑", "■"})
"""A ticked checklist cell."""
CROSS_MARKS = frozenset({"×", "✗"})
"""A crossed checklist cell."""

_PLACEHOLDER = re.compile(r"^(?:[-—–_/\\*·.…~]+|无|空|不适用|n/?a)$")
_VALUE = re.compile(r"^(?:[<>≤≥=≦≧﹦＝═]{0,2}[+-]?\d[\d,]*(?:\.\d+)?%?|[<>≤≥=≦≧﹦＝═])$")


def is_placeholder_key(key: str) -> bool:
    return bool(_PLACEHOLDER.match(key))


def is_value_key(key: str) -> bool:
    """A cell holding just a number, a percentage, a comparator or a placeholder."""
    return not key or bool(_VALUE.match(key)) or is_placeholder_key(key)
