"""One page through OCR: image -> straightened grey page -> boxes -> tables -> text with confidence.

This runs in a worker process (see :mod:`extractor.ocr.pool`); its result is plain data that the
parent lays out into the Document (:mod:`extractor.ocr.layout`).

Two frames for every box: ``box`` is in the straightened page (page units), where lines are level,
so layout can compare heights and gaps; ``bbox`` is the same box in the page as stored (the
upright box of its corners after undoing the straightening), which is what provenance reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from ..document import BBox
from ..layout import is_cjk, join_wrapped, repair_spaces
from .engine import Engine
from .normalize import normalize_text
from .raster import Frame, deskew, load_rgb, red_channel
from .tables import Box, Grid, erase_rulings, find_grids, split_boxes

__all__ = ["OcrCell", "OcrLine", "OcrPage", "OcrTable", "PageJob", "ocr_page"]

Item = tuple[Box, str, float]  # a recognised box: pixels of the straightened page, text, confidence

_MIN_SCORE = 0.5  # recognitions below this are noise (specks, seal fragments)
_STROKE_CONFIDENCE = 0.9
_OPENING = "（《“【〔"  # full-width punctuation carries its own white space: no space is added beside it
_CLOSING = "）》”】〕：，。；、"


@dataclass(frozen=True, slots=True)
class PageJob:
    kind: str  # "pdf" or "image"
    path: str
    index: int  # 0-based page (PDF) or frame (image)
    number: int  # 1-based page number in the Document
    dpi: int  # PDF render resolution
    page_width: float | None  # the page's width in its units (points; pixels for an image without a resolution)


@dataclass(slots=True)
class OcrLine:
    text: str
    confidence: float
    box: BBox  # straightened frame, page units
    bbox: BBox  # page as stored, page units
    size: float  # character pitch (page units per Han character): the line's type size, roughly


@dataclass(slots=True)
class OcrCell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    confidence: float | None  # None for an empty cell
    box: BBox
    bbox: BBox


@dataclass(slots=True)
class OcrTable:
    n_rows: int
    n_cols: int
    cells: list[OcrCell]
    box: BBox
    bbox: BBox
    col_edges: list[float]  # straightened frame, page units


@dataclass(slots=True)
class OcrPage:
    number: int
    width: float
    height: float
    lines: list[OcrLine] = field(default_factory=list)  # visual lines outside tables, top to bottom
    tables: list[OcrTable] = field(default_factory=list)
    skew: float = 0.0  # degrees undone
    seconds: float = 0.0


def _text_of(items: list[Item]) -> tuple[str, list[list[int]]]:
    """Boxes -> visual lines (by vertical overlap), each left to right; returns text and line groups."""
    order = sorted(range(len(items)), key=lambda i: (items[i][0][1] + items[i][0][3]) / 2)
    rows: list[list[int]] = []
    for i in order:
        b = items[i][0]
        if rows:
            last = items[rows[-1][0]][0]
            top, bottom = max(min(items[j][0][1] for j in rows[-1]), b[1]), min(max(items[j][0][3] for j in rows[-1]), b[3])
            if bottom - top > 0.5 * min(b[3] - b[1], last[3] - last[1]):
                rows[-1].append(i)
                continue
        rows.append([i])
    texts = []
    for row in rows:
        row.sort(key=lambda j: items[j][0][0])
        parts: list[str] = []
        for k, j in enumerate(row):
            if k:
                prev = items[row[k - 1]][0]
                gap = items[j][0][0] - prev[2]
                wide = gap > 1.2 * (prev[3] - prev[1])
                parts.append(" " if wide and not (items[j][1][:1] in _OPENING or parts[-1][-1:] in _CLOSING) else "")
            parts.append(items[j][1])
        texts.append(repair_spaces(normalize_text("".join(parts))))
    return join_wrapped(texts), rows


def _table(grid: Grid, items: list[Item], frame: Frame) -> OcrTable:
    per_cell: dict[int, list[int]] = {}
    for i, (b, _t, _s) in enumerate(items):
        k = grid.cell_at((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        if k is not None:
            per_cell.setdefault(k, []).append(i)
    cells = []
    for k, cell in enumerate(grid.cells):
        members = [items[i] for i in per_cell.get(k, [])]
        text, _ = _text_of(members) if members else ("", [])
        conf = min(m[2] for m in members) if members else None
        box = grid.cell_box(cell)
        r0, c0, r1, c1 = cell
        cells.append(OcrCell(r0, c0, r1 - r0, c1 - c0, text, conf, frame.to_units(box), frame.to_page(box)))
    return OcrTable(len(grid.ys) - 1, len(grid.xs) - 1, cells, frame.to_units(grid.bbox), frame.to_page(grid.bbox),
                    [round(x * frame.unit, 2) for x in grid.xs])


def _pitch(items: list[Item]) -> float:
    """Width per character of the boxes' text, a Han character counting 1 and anything else 0.55.

    Box heights follow the glyphs in the line (brackets and digits run taller or shorter), so the
    pitch is the steadier measure of type size.
    """
    width = sum(b[2] - b[0] for b, _t, _s in items)
    chars = sum(1.0 if is_cjk(ch) else 0.55 for _b, t, _s in items for ch in t if not ch.isspace())
    return width / max(1.0, chars)


def _cell_ink(gray: np.ndarray, box: Box, usual: float) -> tuple[str, Box] | None:
    """What an empty-looking table cell holds: ("dash", box) for a lone "—", ("slash", box) for a
    lone "/", ("ink", box) for marks the detector passed over (a single digit), None for a blank cell.

    The detector often misses one short character in a cell of its own, and reads a lone stroke
    as "一", "I" or nothing; the cell is looked at directly instead. A dash is one connected run,
    flat (at most a fifth of the usual text height), at least three times as wide as tall and no
    wider than two characters; a slash is one narrow run of about the text height whose top leans
    to the right. Specks smaller than a quarter of the text height, and ink touching
    the cell's edge (what is left of a ruling), are ignored.
    """
    if usual <= 0:
        return None
    inset = max(2, int(0.1 * usual))
    x0, y0 = box[0] + inset, box[1] + inset
    ink = (_crop(gray, (x0, y0, box[2] - inset, box[3] - inset)) < 190).astype(np.uint8)  # thin strokes scan light
    if ink.size == 0 or not ink.any():
        return None
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    ch, cw = ink.shape
    runs = [st for st in stats[1:n] if max(st[2], st[3]) >= 0.25 * usual  # not a speck
            and st[0] > 0 and st[1] > 0 and st[0] + st[2] < cw and st[1] + st[3] < ch]  # not what is left of a ruling
    if not runs:
        return None
    left, top = min(st[0] for st in runs), min(st[1] for st in runs)
    right, bottom = max(st[0] + st[2] for st in runs), max(st[1] + st[3] for st in runs)
    found = (float(x0 + left), float(y0 + top), float(x0 + right), float(y0 + bottom))
    if len(runs) == 1:
        x, y, w, h, _area = runs[0]
        if h <= max(3, 0.2 * usual) and w >= 3 * h and w <= 2 * usual:
            return "dash", found
        if 0.4 * usual <= h <= 1.2 * usual and w <= 0.7 * h:
            k = next(i for i in range(1, n) if tuple(stats[i]) == tuple(runs[0]))
            ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
            upper, lower = xs[ys < h / 3], xs[ys > 2 * h / 3]
            if len(upper) and len(lower) and upper.mean() - lower.mean() >= 0.3 * w:
                return "slash", found
    return "ink", found


def _crop(gray: np.ndarray, box: Box) -> np.ndarray:
    h, w = gray.shape
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(np.ceil(box[2])) + 1), min(h, int(np.ceil(box[3])) + 1)
    return gray[y0:y1, x0:x1]


def _empty_cells(engine: Engine, clean: np.ndarray, grids: list[Grid],
                 items: list[Item], usual: float
                 ) -> list[Item]:
    """Text of the table cells no detected box fell in: dashes, and marks read from the cell's ink."""
    out: list[Item] = []
    todo: list[Box] = []
    for grid in grids:
        filled = {grid.cell_at((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b, _t, _s in items}
        for k, cell in enumerate(grid.cells):
            if k in filled:
                continue
            found = _cell_ink(clean, grid.cell_box(cell), usual)
            if found is None:
                continue
            kind, box = found
            if kind in ("dash", "slash"):  # "no value" / "not applicable": the recogniser misreads a lone stroke
                out.append((box, "—" if kind == "dash" else "/", _STROKE_CONFIDENCE))
            else:
                pad = 0.3 * usual
                todo.append((box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad))
    if todo:
        for box, (text, score) in zip(todo, engine.recognize([_crop(clean, b) for b in todo])):
            text = normalize_text(text)
            if text and score >= _MIN_SCORE:
                out.append((box, text, score))
    return out


def ocr_image(engine: Engine, rgb: np.ndarray, number: int, unit: float) -> OcrPage:
    """OCR one page image; ``unit`` is page units per pixel."""
    t0 = time.perf_counter()
    gray, frame, skew = deskew(red_channel(rgb), unit)
    h, w = gray.shape
    page = OcrPage(number, round(w * unit, 2), round(h * unit, 2), skew=skew)
    boxes = engine.detect(gray)
    grids, rulings = find_grids(gray)
    boxes = split_boxes(boxes, grids)
    clean = erase_rulings(gray, rulings)
    crops = [_crop(clean, b) for b in boxes]
    keep = [i for i, c in enumerate(crops) if c.shape[0] >= 4 and c.shape[1] >= 4]
    results = engine.recognize([crops[i] for i in keep]) if keep else []
    usual = float(np.median([b[3] - b[1] for b in boxes])) if boxes else 0.0
    items: list[Item] = []
    for i, (text, score) in zip(keep, results):
        text = normalize_text(text)
        if text and score >= _MIN_SCORE:
            items.append((boxes[i], text, score))
    items.extend(_empty_cells(engine, clean, grids, items, usual))
    in_table: set[int] = set()
    for grid in grids:
        mine = [i for i, it in enumerate(items) if grid.cell_at((it[0][0] + it[0][2]) / 2, (it[0][1] + it[0][3]) / 2) is not None]
        in_table.update(mine)
        page.tables.append(_table(grid, [items[i] for i in mine], frame))
    rest = [it for i, it in enumerate(items) if i not in in_table]
    if rest:
        _, rows = _text_of(rest)
        for row in rows:
            members = [rest[j] for j in row]
            text, _ = _text_of(members)
            box = (min(m[0][0] for m in members), min(m[0][1] for m in members),
                   max(m[0][2] for m in members), max(m[0][3] for m in members))
            size = _pitch(members) * frame.unit
            page.lines.append(OcrLine(text, min(m[2] for m in members), frame.to_units(box), frame.to_page(box), round(size, 2)))
    page.seconds = round(time.perf_counter() - t0, 3)
    return page


def ocr_page(engine: Engine, job: PageJob, cache: dict[str, object] | None = None) -> OcrPage:
    """Render or load the page of ``job`` and OCR it."""
    t0 = time.perf_counter()
    rgb = load_rgb(job.kind, job.path, job.index, job.dpi, cache)
    unit = job.page_width / rgb.shape[1] if job.page_width else 72.0 / job.dpi
    page = ocr_image(engine, rgb, job.number, unit)
    page.seconds = round(time.perf_counter() - t0, 3)
    return page
