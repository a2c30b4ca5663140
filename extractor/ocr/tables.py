"""Ruled tables on a page image: ruling lines with OpenCV, a grid with merged cells, boxes to cells.

1. Ink is binarised (adaptive threshold, so uneven scans work) and opened with long thin kernels:
   what survives a horizontal (vertical) kernel of 1/30 of the page's width is a horizontal
   (vertical) ruling segment.
2. Segments that touch form a table region; one with at least two rulings each way is a table.
   Its row edges are the clustered y of its horizontal segments, its column edges the clustered
   x of its vertical segments (plus the outer ends of the rulings, for tables open at the sides).
3. Between two neighbouring elementary cells, the edge is drawn when ink covers most of it;
   cells with no edge between them are one merged cell (union-find), so 一级指标 spanning five
   rows comes out as one cell with ``row_span`` 5, as in a digital table.
4. Text boxes that straddle a ruling are split at it before recognition, and each recognised box
   goes to the cell that holds its centre.

Everything is in pixels of the straightened page image.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

__all__ = ["Grid", "erase_rulings", "find_grids", "split_boxes"]

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Grid:
    xs: list[float]  # column edges, left to right
    ys: list[float]  # row edges, top to bottom
    cells: list[tuple[int, int, int, int]]  # merged cells as (r0, c0, r1, c1), end-exclusive
    v_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)
    h_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_box(self, cell: tuple[int, int, int, int]) -> Box:
        r0, c0, r1, c1 = cell
        return (self.xs[c0], self.ys[r0], self.xs[c1], self.ys[r1])

    def cell_at(self, x: float, y: float) -> int | None:
        """Index into ``cells`` of the cell holding the point, or None outside the grid."""
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        c = max(0, min(len(self.xs) - 2, int(np.searchsorted(self.xs, x)) - 1))
        r = max(0, min(len(self.ys) - 2, int(np.searchsorted(self.ys, y)) - 1))
        for k, (r0, c0, r1, c1) in enumerate(self.cells):
            if r0 <= r < r1 and c0 <= c < c1:
                return k
        return None


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.mean(g)) for g in out]


def _segments(mask: np.ndarray, horizontal: bool, min_len: int) -> list[tuple[float, float, float]]:
    """(position, start, end) of each thin run in ``mask``: y, x0, x1 for horizontal ones."""
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        if horizontal and w >= min_len and h <= max(3, w // 20):
            out.append((float(y + h / 2.0), float(x), float(x + w)))
        elif not horizontal and h >= min_len and w <= max(3, h // 20):
            out.append((float(x + w / 2.0), float(y), float(y + h)))
    return out


def _masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    h, w = gray.shape
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    length = max(20, min(h, w) // 30)
    h_mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    v_mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return h_mask, v_mask, length


def _covered(mask: np.ndarray, fixed: float, lo: float, hi: float, tol: int, vertical: bool) -> bool:
    """Does ink in ``mask`` run along most of the edge at ``fixed`` from ``lo`` to ``hi``?"""
    a, b = int(lo + tol), int(hi - tol)
    if b <= a:
        a, b = int(lo), int(hi)
    if b <= a:
        return True
    f0, f1 = max(0, int(fixed) - tol), int(fixed) + tol + 1
    band = mask[a:b, f0:f1] if vertical else mask[f0:f1, a:b].T
    if band.size == 0:
        return False
    return float(band.any(axis=1).mean()) >= 0.6


def _grid(h_rules: list[tuple[float, float, float]], v_rules: list[tuple[float, float, float]],
          h_mask: np.ndarray, v_mask: np.ndarray, tol: int) -> Grid | None:
    ys = _cluster([r[0] for r in h_rules] + [min(r[1] for r in v_rules), max(r[2] for r in v_rules)], tol)
    xs = _cluster([r[0] for r in v_rules] + [min(r[1] for r in h_rules), max(r[2] for r in h_rules)], tol)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1:
        return None
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(v_mask, xs[c + 1], ys[r], ys[r + 1], tol, vertical=True):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _covered(h_mask, ys[r + 1], xs[c], xs[c + 1], tol, vertical=False):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[int]] = {}
    for i in range(n_rows * n_cols):
        groups.setdefault(find(i), []).append(i)
    cells = []
    for members in groups.values():
        rows = [i // n_cols for i in members]
        cols = [i % n_cols for i in members]
        cells.append((min(rows), min(cols), max(rows) + 1, max(cols) + 1))
    if len(cells) < 2:
        return None
    cells.sort()
    return Grid(xs, ys, cells, v_rules, h_rules)


def find_grids(gray: np.ndarray) -> tuple[list[Grid], np.ndarray]:
    """Ruled tables on the (straightened) grey page, top to bottom, and the mask of their rulings."""
    h, w = gray.shape
    h_mask, v_mask, length = _masks(gray)
    tol = max(3, round(max(h, w) / 400))
    h_segs = _segments(h_mask, True, length)
    v_segs = _segments(v_mask, False, length)
    rules = cv2.bitwise_or(h_mask, v_mask)
    joined = cv2.dilate(rules, np.ones((2 * tol + 1, 2 * tol + 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids: list[Grid] = []
    erase = np.zeros_like(rules)
    for k in range(1, n):
        x, y, rw, rh, _area = stats[k]
        if rw < 2 * length or rh < length:
            continue
        inside_h = [s for s in h_segs if labels[int(s[0]), int((s[1] + s[2]) / 2)] == k]
        inside_v = [s for s in v_segs if labels[int((s[1] + s[2]) / 2), int(s[0])] == k]
        if len(inside_h) < 2 or len(inside_v) < 2:
            continue
        grid = _grid(inside_h, inside_v, h_mask, v_mask, tol)
        if grid is None:
            continue
        grids.append(grid)
        region = labels[y:y + rh, x:x + rw] == k
        erase[y:y + rh, x:x + rw][region & (rules[y:y + rh, x:x + rw] > 0)] = 255
    # long rules outside tables (a line under the running header) go too; short strokes stay text
    for pos, a, b in h_segs:
        if b - a >= 3 * length:
            erase[max(0, int(pos) - tol):int(pos) + tol + 1, int(a):int(b) + 1] |= h_mask[max(0, int(pos) - tol):int(pos) + tol + 1, int(a):int(b) + 1]
    grids.sort(key=lambda g: g.ys[0])
    return grids, erase


def erase_rulings(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of the page with the ruling pixels (slightly widened) painted white."""
    out = gray.copy()
    out[cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def split_boxes(boxes: list[Box], grids: list[Grid]) -> list[Box]:
    """Text boxes cut where a table ruling runs through them (two cells' text read as one, or a
    box that spills over a ruling into the next cell); slivers too small for a character go."""
    out: list[Box] = []
    todo = list(boxes)
    while todo:
        x0, y0, x1, y1 = todo.pop()
        h, w = y1 - y0, x1 - x0
        if w < 0.35 * h or h < 4:  # a sliver cut off at a ruling
            continue
        cy, cx = (y0 + y1) / 2, (x0 + x1) / 2
        cut = None
        for g in grids:
            for x, a, b in g.v_rules:
                if a <= cy <= b and x0 + 1 < x < x1 - 1:
                    cut = ((x0, y0, x - 1, y1), (x + 1, y0, x1, y1))
                    break
            if cut is None:
                for y, a, b in g.h_rules:
                    if a <= cx <= b and y0 + 0.25 * h < y < y1 - 0.25 * h:
                        cut = ((x0, y0, x1, y - 1), (x0, y + 1, x1, y1))
                        break
            if cut is not None:
                break
        if cut is None:
            out.append((x0, y0, x1, y1))
        else:
            todo.extend(cut)
    return out
