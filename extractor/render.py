"""Readable renderings of a Document (markdown with tables)."""

from __future__ import annotations

from .document import BlockKind, Document, Table

__all__ = ["to_markdown"]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> str:
    rows = table.grid(fill_merged=False)
    out = ["| " + " | ".join(_md_cell(t) for t in rows[0]) + " |", "|" + "---|" * table.n_cols]
    out.extend("| " + " | ".join(_md_cell(t) for t in row) + " |" for row in rows[1:])
    return "\n".join(out)


def to_markdown(doc: Document) -> str:
    """Headings as ``#``, list items as ``-``, tables as pipe tables (a merged cell's text once)."""
    parts: list[str] = []
    for b in doc.blocks:
        if b.kind == BlockKind.HEADING:
            parts.append("#" * (1 + (b.level or 0)) + " " + b.text)
        elif b.kind == BlockKind.LIST_ITEM:
            parts.append("- " + b.text)
        elif b.kind == BlockKind.CAPTION:
            parts.append("*" + b.text + "*")
        elif b.kind == BlockKind.TABLE and b.table is not None:
            parts.append(_md_table(doc.tables[b.table]))
        else:
            parts.append(b.text)
    for w in doc.warnings:
        parts.append(f"> warning [{w.code}] {w.message}")
    return "\n\n".join(parts) + "\n"
