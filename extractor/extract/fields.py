"""``Field<T>`` and ``Provenance`` as SCHEMA.md defines them, built from spans of the Document."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..document import Document
from .stream import Tok

__all__ = ["Ctx", "decimal_of", "field", "prov", "derived_prov"]

_TEXT_LAYER = {"docx": "docx", "doc": "docx", "xlsx": "xlsx", "xls": "xlsx", "html": "html"}


class Ctx:
    """What every extractor of one document needs: the Document and a provenance factory."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        fmt = doc.source.format
        self.text_layer = _TEXT_LAYER.get(fmt, "ocr" if fmt == "pdf_scanned" else "native")

    def prov(self, start: int, end: int, **kw: Any) -> dict[str, Any]:
        """:func:`prov` for this document (keywords: method, extractor, confidence, tok)."""
        return prov(self.doc, start, end, text_layer=self.text_layer, **kw)


def prov(
    doc: Document,
    start: int,
    end: int,
    *,
    method: str,
    extractor: str,
    confidence: float,
    tok: Tok | None = None,
    text_layer: str = "native",
) -> dict[str, Any]:
    """Provenance for ``doc.text[start:end]``: the first source position it maps to.

    Text read by OCR: the confidence is multiplied by the lowest OCR confidence under the span,
    and ``text_layer`` is "ocr"."""
    ocr = doc.ocr_confidence(start, end)
    if ocr is not None:
        confidence, text_layer = confidence * ocr, "ocr"
    positions = doc.locate(start, end)
    pos = positions[0] if positions else None
    bbox = None
    if pos is not None and pos.bbox is not None:
        boxes = [p.bbox for p in positions if p.bbox is not None and p.page == pos.page]
        bbox = [round(min(b[0] for b in boxes), 2), round(min(b[1] for b in boxes), 2),
                round(max(b[2] for b in boxes), 2), round(max(b[3] for b in boxes), 2)]
    out: dict[str, Any] = {
        "page": pos.page if pos is not None and pos.sheet is None else None,
        "bbox": bbox,
        "paragraph_index": pos.paragraph_index if pos is not None else None,
        "table": {"index": tok.table, "row": tok.row, "col": tok.col} if tok is not None and tok.table is not None else None,
        "sheet": pos.sheet if pos is not None else None,
        "cell": pos.cell if pos is not None else None,
        "char_span": [start, end],
        "quote": doc.text[start:end][:200],
        "text_layer": text_layer,
        "method": method,
        "extractor": extractor,
        "confidence": round(float(confidence), 3),
    }
    if pos is not None and pos.sheet is not None:
        out["page"] = pos.page  # 1-based sheet number, so a reviewer can still jump to it
    return out


def derived_prov(extractor: str, confidence: float, derived_from: list[str]) -> dict[str, Any]:
    return {
        "page": None, "bbox": None, "paragraph_index": None, "table": None, "sheet": None, "cell": None,
        "char_span": None, "quote": "", "text_layer": None, "method": "derived", "extractor": extractor,
        "confidence": round(float(confidence), 3), "derived_from": derived_from,
    }


def field(value: Any, raw: str, p: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, Decimal):
        value = format(value, "f")
    return {"value": value, "raw": raw, "prov": p}


def decimal_of(v: Any) -> Decimal | None:
    """A record's decimal string (or a ``Field`` holding one) as Decimal; ``None`` when absent or not a number."""
    if isinstance(v, dict):
        v = v.get("value")
    if v is None:
        return None
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None
