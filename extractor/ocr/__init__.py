"""OCR: the pages a parser marked ``needs_ocr`` read into the same Document model.

:func:`ocr_document` is the stage. ``extractor.parsers.parse`` calls it after the format's parser
when ``ParseOptions.ocr`` is on (``JIXIAO_OCR``): PDF pages without a usable text layer (scans,
fonts without a Unicode map) and image files (PNG/JPEG/TIFF, one page per frame).

For each such page (in parallel, :mod:`.pool`; at most ``ocr_max_pages``, under
``ocr_page_timeout_s`` per page and ``ocr_timeout_s`` in all):

1. render it with pypdfium2 at ``ocr_dpi`` (or load the image), drop red seal ink, straighten it
   (:mod:`.raster`);
2. detect text lines and ruled tables, cut boxes at table rulings, recognise the text with
   RapidOCR's Chinese models shipped in its wheel (:mod:`.engine`, :mod:`.tables`, :mod:`.page`);
3. normalise the characters (:mod:`.normalize`);
4. lay out paragraphs, headings, running headers/footers and tables (:mod:`.layout`).

The Document is then rebuilt in page order: text pages keep their blocks and tables as the PDF
parser made them; OCR pages add theirs, with boxes in the page's units (PDF points; for images,
points when the file records its resolution, else pixels). Every OCR'd line, cell and block
carries ``ocr_confidence``, which :func:`extractor.extract.fields.prov` multiplies into each
field's confidence. Pages keep ``needs_ocr`` (what they are) and gain ``ocr_done`` and
``ocr_confidence`` (what was done). Warnings: a page read gets ``ocr`` in place of ``needs_ocr``;
a page left unread keeps ``needs_ocr`` and gets ``ocr_page_limit``, ``ocr_page_timeout``,
``ocr_page_failed`` or ``ocr_timeout``.
"""

from __future__ import annotations

import statistics

from ..document import BlockKind, Document, Page, ParseWarning
from ..parsers.base import DocumentBuilder, TableDraft
from ..settings import ParseOptions
from ..layout import furniture_signature
from .layout import emit, lay_out
from .page import OcrPage, PageJob
from .pool import Outcome, run_jobs

__all__ = ["WARNING_CODES", "ocr_document"]

WARNING_CODES = ("ocr", "ocr_page_limit", "ocr_page_timeout", "ocr_page_failed", "ocr_timeout")


def _jobs(doc: Document, path: str, pages: list[Page], options: ParseOptions) -> list[PageJob]:
    kind = "image" if doc.source.format == "image" else "pdf"
    return [PageJob(kind, path, p.number - 1, p.number, options.ocr_dpi, p.width) for p in pages]


def ocr_document(doc: Document, path: str, options: ParseOptions) -> Document:
    """``doc`` with its ``needs_ocr`` pages read by OCR (the same Document when there are none)."""
    todo = [p for p in doc.pages if p.needs_ocr and not p.ocr_done]
    if not todo:
        return doc
    over = todo[options.ocr_max_pages:]
    todo = todo[:options.ocr_max_pages]
    outcome = run_jobs(
        _jobs(doc, path, todo, options),
        workers=options.ocr_workers,
        page_timeout_s=options.ocr_page_timeout_s,
        total_timeout_s=min(options.ocr_timeout_s, 0.9 * options.timeout_s),
    )
    return _rebuild(doc, outcome, [p.number for p in over], options)


def _copy_table(builder: DocumentBuilder, doc: Document, index: int, caption_pos: object) -> None:
    t = doc.tables[index]
    draft = TableDraft(t.n_rows, t.n_cols, t.source, t.pos, caption=t.caption, caption_pos=caption_pos,  # type: ignore[arg-type]
                       pages=list(t.pages), continued=t.continued)
    for c in t.origin_cells():
        draft.add(c.row, c.col, c.text, c.pos, row_span=c.row_span, col_span=c.col_span)
    builder.add_table(draft)


def _copy_blocks(builder: DocumentBuilder, doc: Document, before: int | None, start: int) -> int:
    """Copy ``doc``'s body blocks from ``start`` up to the first on page ``before``; returns where it stopped."""
    i = start
    while i < len(doc.blocks):
        b = doc.blocks[i]
        if before is not None and (b.pos.page or 0) >= before:
            break
        i += 1
        if b.kind == BlockKind.TABLE and b.table is not None:
            _copy_table(builder, doc, b.table, None)
            continue
        nxt = doc.blocks[i] if i < len(doc.blocks) else None
        if b.kind == BlockKind.CAPTION and nxt is not None and nxt.table is not None and doc.tables[nxt.table].caption == b.text:
            _copy_table(builder, doc, nxt.table, b.pos)  # the builder writes the caption with its table
            i += 1
            continue
        lines = [(doc.text[ln.span[0]:ln.span[1]], ln.page, ln.bbox) for ln in b.lines]
        builder.add_block(b.kind, b.text, b.pos, level=b.level, marker=b.marker, lines=lines)
    return i


def _page_confidence(page: OcrPage) -> float | None:
    values = [ln.confidence for ln in page.lines] + [c.confidence for t in page.tables for c in t.cells if c.confidence is not None]
    return round(statistics.fmean(values), 4) if values else None


def _rebuild(doc: Document, outcome: Outcome, over: list[int], options: ParseOptions) -> Document:
    builder = DocumentBuilder(doc.source)
    builder.properties = dict(doc.properties)
    by_number = {p.number: p for p in doc.pages}
    read = sorted(outcome.pages)
    for n in read:
        page = by_number[n]
        page.ocr_done = True
        page.ocr_confidence = _page_confidence(outcome.pages[n])
    builder.pages = list(doc.pages)

    known = {furniture_signature(b.text) for b in doc.furniture}
    layouts = lay_out([outcome.pages[n] for n in read], known)
    builder.furniture = list(doc.furniture)
    i = 0
    first = True
    for lay in layouts:
        i = _copy_blocks(builder, doc, lay.number, i)
        first = first and not builder.blocks
        if emit(builder, lay, first_block=first):
            first = False
    _copy_blocks(builder, doc, None, i)
    builder.furniture.sort(key=lambda b: b.pos.page or 0)

    builder.warnings = _warnings(doc, outcome, over, options)
    return builder.build()


def _warnings(doc: Document, outcome: Outcome, over: list[int], options: ParseOptions) -> list[ParseWarning]:
    pages = {p.number: p for p in doc.pages}
    out: list[ParseWarning] = []
    for w in doc.warnings:
        n = w.page
        if w.code != "needs_ocr" or n is None:
            out.append(w)
            continue
        if n in outcome.pages:
            res = outcome.pages[n]
            if not res.lines and not res.tables:
                out.append(ParseWarning("needs_ocr", f"{w.message.split(';')[0]}; OCR found no text on it", n))
                continue
            conf = pages[n].ocr_confidence
            skew = f", straightened by {abs(res.skew):g}°" if res.skew else ""
            out.append(ParseWarning("ocr", f"page {n}: read by OCR (mean confidence {conf:.2f}{skew}); check its figures against the page", n))
            continue
        out.append(w)
        if n in outcome.failed:
            code, message = outcome.failed[n]
            out.append(ParseWarning(code, message, n))
    if over:
        out.append(ParseWarning(
            "ocr_page_limit",
            f"pages {over[0]}–{over[-1]} were not read: OCR stops after {options.ocr_max_pages} pages (JIXIAO_OCR_MAX_PAGES)",
            over[0],
        ))
    return out
