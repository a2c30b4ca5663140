"""What the NLP layer (issue #5) adds to extraction, per document.

Every file of a corpus is parsed once (not timed); then, after one warm-up pass (the models load
once per process: that one-time cost is reported apart), the extraction of each
document is timed with and without the issue-#5 stages (section tagger, problems/measures,
document-type classifier). Best of --repeat runs per document.

    .venv/bin/python bench/bench_nlp.py [--corpus corpora/samples] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.extract import extract_records  # noqa: E402
from extractor.extract import doctype, problems, sections  # noqa: E402
from extractor.parsers import parse  # noqa: E402

FORMATS = {".pdf", ".docx", ".xlsx", ".txt", ".doc", ".xls"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "samples"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = sorted(p for p in Path(args.corpus).iterdir() if p.suffix.lower() in FORMATS)
    docs = [(p.name, parse(p)) for p in files]
    t0 = time.perf_counter()
    for _, d in docs[:1]:
        extract_records(d)  # loads jieba, spaCy and the models
    load = time.perf_counter() - t0

    real = (sections.find_sections, problems.extract_problems, doctype.classify)
    import extractor.extract as ex

    def off() -> None:
        ex.find_sections = lambda doc, part: []  # type: ignore[assignment]
        ex.extract_problems = lambda *a, **k: ([], [])  # type: ignore[assignment]
        ex.classify_doc_type_content = lambda text, t, c: (t, c, "rule")  # type: ignore[assignment]

    def on() -> None:
        ex.find_sections, ex.extract_problems, ex.classify_doc_type_content = real

    rows = []
    for name, d in docs:
        times = {}
        for mode, setup in (("without", off), ("with", on)):
            setup()
            best = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                extract_records(d)
                best = min(best, time.perf_counter() - t)
            times[mode] = best * 1000
        on()
        rows.append((name, len(d.text), times["without"], times["with"]))
    print(f"one-time load (scikit-learn and the 4 models), first document included: {load:.2f} s")
    print(f"{'file':34s} {'chars':>7s} {'without ms':>11s} {'with ms':>9s} {'added ms':>9s}")
    for name, n, a, b in rows:
        print(f"{name:34s} {n:7d} {a:11.1f} {b:9.1f} {b - a:9.1f}")
    added = [b - a for _, _, a, b in rows]
    print(f"documents: {len(rows)}; added per document: mean {statistics.mean(added):.1f} ms, median {statistics.median(added):.1f} ms, max {max(added):.1f} ms;"
          f" extraction mean {statistics.mean(a for _, _, a, _ in rows):.1f} ms → {statistics.mean(b for _, _, _, b in rows):.1f} ms")


if __name__ == "__main__":
    main()
