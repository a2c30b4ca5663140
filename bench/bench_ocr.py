"""OCR benchmark: pages/s on the OCR workers and character accuracy against the known text.

    .venv/bin/python bench/bench_ocr.py [--dpi 150 200 300] [--workers 2] [--variants clean scan]

The pages are the committed sample reports (``corpora/samples/*.pdf``: 3 reports × 6 pages,
prose and the 自评表 with its ruled, merged-cell table), whose text layer is the known text.
Each page is "scanned" as the tests do (``tests/test_ocr.py:scan``): rendered at the dpi; for
the ``scan`` variant also a red seal pressed over a figure and the sheet turned by ±1.5°. One
multi-frame TIFF per report, dpi and variant goes through ``extractor.parsers.parse`` (the
whole OCR stage: worker start-up, rendering, detection, tables, recognition, layout) with
``--workers`` worker processes. "worker CPU s/page" is the CPU time the workers used (start-up
included) per page: unlike pages/s it does not depend on what else the machine is running.

Character accuracy, per page: each character of the text layer (white space aside) is assigned to
the OCR line or table cell whose box holds its centre (the box turned back by the known tilt);
accuracy = 1 − (Σ edit distance(OCR text, assigned characters) + characters assigned to nothing)
/ characters. Seal text or noise read as text counts as insertions. "exact" compares code points
as they are; "folded" after NFKC (full-width vs ASCII forms not counted).

Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

SAMPLES = [ROOT / "corpora" / "samples" / f"{name}.pdf" for name in ("school-meal-2023", "road-maintenance-2022", "farmland-2021")]
SEAL_ON = ("1286.40", "1312.65", "1298.37", "98.91%", "2024年3月18日")  # the first of these found on a page gets the seal


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@dataclass
class Truth:
    chars: list[tuple[str, float, float]]  # character, centre x, centre y (points, top-left origin)
    width: float
    height: float


def truth(pdf_path: Path, index: int) -> Truth:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    page = pdf[index]
    w, h = page.get_size()
    tp = page.get_textpage()
    text = tp.get_text_range()
    chars = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        x0, y0, x1, y1 = tp.get_charbox(i)
        chars.append((ch, (x0 + x1) / 2, h - (y0 + y1) / 2))
    pdf.close()
    return Truth(chars, w, h)


def _turn(x: float, y: float, cx: float, cy: float, deg: float) -> tuple[float, float]:
    """(x, y) turned ``deg`` counter-clockwise on the page about (cx, cy), y pointing down."""
    t = math.radians(deg)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(t) + dy * math.sin(t), cy - dx * math.sin(t) + dy * math.cos(t)


def _inside(px: float, py: float, bbox: tuple[float, float, float, float], deg: float) -> bool:
    """Is the point inside the box whose upright bounding box (after turning by ``deg``) is ``bbox``?"""
    x0, y0, x1, y1 = bbox
    W, H = x1 - x0, y1 - y0
    c, s = math.cos(math.radians(deg)), abs(math.sin(math.radians(deg)))
    den = c * c - s * s
    w = max(1.0, (W * c - H * s) / den)
    h = max(1.0, (H * c - W * s) / den)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    qx, qy = _turn(px, py, cx, cy, -deg)
    return abs(qx - cx) <= w / 2 and abs(qy - cy) <= h / 2


def units(doc, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The OCR'd texts of one page with their boxes: body lines, table cells, furniture."""
    out = []
    for b in doc.blocks:
        if b.kind == "table" and b.table is not None:
            for c in doc.tables[b.table].origin_cells():
                if c.text and c.pos.page == page and c.pos.bbox:
                    out.append((c.text, c.pos.bbox))
            continue
        for ln in b.lines:
            if ln.page == page:
                out.append((doc.text[ln.span[0]:ln.span[1]], ln.bbox))
    out.extend((b.text, b.pos.bbox) for b in doc.furniture if b.pos.page == page and b.pos.bbox)
    return out


def page_errors(doc, page: int, t: Truth, deg: float, fold: bool, show: bool = False) -> tuple[int, int]:
    """(errors, characters) of one OCR'd page against its known text."""
    norm = (lambda s: unicodedata.normalize("NFKC", s)) if fold else (lambda s: s)
    us = units(doc, page)
    assigned: list[list[str]] = [[] for _ in us]
    missed: list[str] = []
    cx, cy = t.width / 2, t.height / 2
    for ch, x, y in t.chars:
        px, py = _turn(x, y, cx, cy, deg) if deg else (x, y)
        hits = [k for k, (_txt, bb) in enumerate(us) if _inside(px, py, bb, deg)]
        if not hits:
            missed.append(ch)
            continue
        k = min(hits, key=lambda k: (us[k][1][2] - us[k][1][0]) * (us[k][1][3] - us[k][1][1]))
        assigned[k].append(ch)
    errors = len(missed)
    for (text, _bb), chars in zip(us, assigned):
        got, want = norm("".join(text.split())), norm("".join(chars))
        errors += levenshtein(got, want)
        if show and got != want:
            print(f"    page {page}: read {got!r}, text layer {want!r}")
    if show and missed:
        print(f"    page {page}: in no OCR box: {''.join(missed)!r}")
    return errors, len(t.chars)


def _children_cpu() -> float:
    """CPU seconds used by this process's finished children (the OCR workers)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(dpis: list[int], variants: list[str], workers: int, show: bool = False) -> list[dict[str, object]]:
    from test_ocr import scan

    from extractor.parsers import parse
    from extractor.settings import ParseOptions

    options = ParseOptions(ocr_workers=workers, timeout_s=3600, ocr_timeout_s=3600)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in dpis:
            for variant in variants:
                seconds = 0.0
                cpu = 0.0
                pages = 0
                exact = [0, 0]
                folded = [0, 0]
                per_page: list[float] = []
                for pdf in SAMPLES:
                    import pypdfium2 as pdfium

                    n = len(pdfium.PdfDocument(str(pdf)))
                    tilts, images = [], []
                    for i in range(n):
                        tilt = (1.5 if i % 2 else -1.5) if variant == "scan" else 0.0
                        seals = ()
                        if variant == "scan":
                            text = truth(pdf, i)
                            joined = "".join(c for c, _x, _y in text.chars)
                            seals = tuple(s for s in SEAL_ON if s in joined)[:1]
                        images.append(scan(pdf, i, dpi, seals=seals, rotate=tilt))
                        tilts.append(tilt)
                    path = Path(tmp) / f"{pdf.stem}-{dpi}-{variant}.tiff"
                    images[0].save(path, save_all=True, append_images=images[1:], dpi=(dpi, dpi), compression="tiff_deflate")
                    t0, c0 = time.perf_counter(), _children_cpu()
                    doc = parse(path, options)
                    seconds += time.perf_counter() - t0
                    cpu += _children_cpu() - c0
                    pages += n
                    for i in range(n):
                        t = truth(pdf, i)
                        e, c = page_errors(doc, i + 1, t, tilts[i], fold=False, show=show)
                        exact[0] += e
                        exact[1] += c
                        per_page.append(1 - e / c)
                        e, c = page_errors(doc, i + 1, t, tilts[i], fold=True)
                        folded[0] += e
                        folded[1] += c
                rows.append({
                    "dpi": dpi, "variant": variant, "pages": pages, "seconds": round(seconds, 2),
                    "pages_per_s": round(pages / seconds, 2),
                    "worker_cpu_s_per_page": round(cpu / pages, 2),
                    "accuracy_exact": round(1 - exact[0] / exact[1], 4),
                    "accuracy_folded": round(1 - folded[0] / folded[1], 4),
                    "worst_page": round(min(per_page), 4),
                    "median_page": round(statistics.median(per_page), 4),
                    "chars": exact[1],
                })
                print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    ap.add_argument("--variants", nargs="+", default=["clean", "scan"], choices=["clean", "scan"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--show", action="store_true", help="print every OCR line or cell that differs from the text layer")
    args = ap.parse_args(argv)
    rows = run(args.dpi, args.variants, args.workers, args.show)
    print()
    print("| dpi | pages | variant | seconds | pages/s | worker CPU s/page | characters right (exact) | (NFKC-folded) | worst page | median page |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['dpi']} | {r['pages']} | {r['variant']} | {r['seconds']} | {r['pages_per_s']} | {r['worker_cpu_s_per_page']} | "
              f"{r['accuracy_exact']:.2%} | {r['accuracy_folded']:.2%} | {r['worst_page']:.2%} | {r['median_page']:.2%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
