"""Batch benchmark (issue #8): documents/min, pages/s end to end, peak RSS per worker, and the
ratio to raw pypdfium2 text extraction over the same PDFs measured in the same run.

    .venv/bin/python bench/bench_batch.py [--docs 200] [--workers 2] [--keep DIR] [--profile OUT.html]

Generates an archive (text PDFs of 5–30 pages with ~25% table pages, some DOCX and XLSX, ~5%
corrupt or hostile files) into a temporary directory (or DIR, reused when it exists), runs
``jixiao batch`` on it into a fresh SQLite store with N local workers, then extracts the text of
the same PDFs with pypdfium2 in N processes. Not a test: prints figures (and ``uptime``, since
other load on the machine changes them). ``--profile`` runs pyinstrument over the pipeline of a
few documents in this process and writes an HTML report.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def _pdf(path: Path, pages: int, idx: int) -> None:
    import bench_parse
    import pdfkit

    pdfkit.HEADER = f"青山县教育局2023年度项目支出绩效自评报告（第{idx}号）"  # distinct bytes per document
    bench_parse.build(path, pages)


def _docx(path: Path, idx: int) -> None:
    from docx import Document

    d = Document(str(ROOT / "corpora" / "samples" / "department-2022.docx"))
    d.core_properties.title = f"部门整体支出绩效自评报告 {idx}"
    d.save(str(path))


def _xlsx(path: Path, idx: int) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(ROOT / "corpora" / "samples" / "department-2022.xlsx")
    wb.properties.title = f"自评表 {idx}"
    wb.save(path)


def _hostile(path_dir: Path, n: int, rng: random.Random, sample_pdf: bytes) -> list[Path]:
    import pdfkit

    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            p = path_dir / f"hostile-{i}-truncated.pdf"
            p.write_bytes(sample_pdf[: len(sample_pdf) // 3])
        elif kind == 1:
            p = path_dir / f"hostile-{i}-random.pdf"
            p.write_bytes(b"%PDF-1.7\n" + rng.randbytes(20000))
        elif kind == 2:
            p = path_dir / f"hostile-{i}-locked.pdf"
            pdfkit.build_encrypted(p)
        elif kind == 3:
            p = path_dir / f"hostile-{i}-bomb.docx"
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("[Content_Types].xml", "<Types/>")
                z.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 2**20) + b"</w:document>")
            p.write_bytes(buf.getvalue())
        else:
            p = path_dir / f"hostile-{i}-empty.pdf"
            p.write_bytes(b"")
        out.append(p)
    return out


def generate(root: Path, docs: int, seed: int = 8) -> dict[str, int]:
    """The archive: ~88% PDFs, ~7% DOCX/XLSX, ~5% hostile, in nested folders."""
    rng = random.Random(seed)
    n_hostile = max(1, round(docs * 0.05))
    n_office = max(2, round(docs * 0.07))
    n_pdf = docs - n_hostile - n_office
    pages = 0
    for i in range(n_pdf):
        folder = root / f"单位{i % 7:02d}" / f"{2020 + i % 4}年"
        folder.mkdir(parents=True, exist_ok=True)
        n = rng.randint(5, 30)
        _pdf(folder / f"报告{i:04d}.pdf", n, i)
        pages += n
    office = root / "表格"
    office.mkdir(exist_ok=True)
    for i in range(n_office):
        (_docx if i % 2 == 0 else _xlsx)(office / f"材料{i:03d}.{'docx' if i % 2 == 0 else 'xlsx'}", i)
    bad = root / "其他"
    bad.mkdir(exist_ok=True)
    sample = next(root.rglob("*.pdf")).read_bytes()
    _hostile(bad, n_hostile, rng, sample)
    return {"pdf": n_pdf, "office": n_office, "hostile": n_hostile, "pdf_pages": pages}


def _raw(path: str) -> tuple[int, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    chars = n = 0
    for page in pdf:
        chars += len(page.get_textpage().get_text_range())
        n += 1
    pdf.close()
    return n, chars


def raw_pdfium(pdfs: list[Path], workers: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    with mp.get_context("forkserver").Pool(workers) as pool:
        out = pool.map(_raw, [str(p) for p in pdfs], chunksize=4)
    return time.perf_counter() - t0, sum(n for n, _ in out)


def profile(pdfs: list[Path], out: Path) -> None:
    from pyinstrument import Profiler

    from extractor.pipeline import process_file

    process_file(pdfs[0], isolate=False)  # imports and lazy models out of the profile
    prof = Profiler(interval=0.001)
    prof.start()
    for p in pdfs[:8]:
        process_file(p, isolate=False)
    prof.stop()
    out.write_text(prof.output_html(), encoding="utf-8")
    print(prof.output_text(unicode=True, color=False, show_all=False)[:6000])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", metavar="DIR", help="generate the archive here (reused when it exists)")
    ap.add_argument("--profile", metavar="OUT.html", help="also profile the pipeline over a few documents (pyinstrument)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="jixiao-bench-batch-"))
    archive = Path(args.keep) if args.keep else work / "archive"
    try:
        t0 = time.perf_counter()
        if archive.exists() and any(archive.rglob("*.pdf")):
            info = {"reused": 1}
        else:
            archive.mkdir(parents=True, exist_ok=True)
            info = generate(archive, args.docs)
        files = [p for p in archive.rglob("*") if p.is_file()]
        pdfs = sorted(p for p in files if p.suffix == ".pdf" and "hostile" not in p.name)
        print(f"archive: {len(files)} files ({json.dumps(info, ensure_ascii=False)}) ready in {time.perf_counter() - t0:.1f} s")
        load0 = os.getloadavg()

        from extractor.batch import run_batch
        from extractor.settings import Settings

        settings = Settings(_env_file=None, data_dir=work / "data", database_url=f"sqlite:///{work / 'bench.db'}", workers=args.workers, ocr=False)
        t1 = time.perf_counter()
        summary = run_batch([str(archive)], settings, workers=args.workers, progress=sys.stderr.isatty())
        wall = time.perf_counter() - t1
        load1 = os.getloadavg()
        raw_s, raw_pages = raw_pdfium(pdfs, args.workers)
        load2 = os.getloadavg()
        done = summary.processed + summary.failed
        pps = summary.pages / wall
        raw_pps = raw_pages / raw_s
        print(summary.text(), end="")
        print(f"end to end ({args.workers} workers): {wall:.1f} s, {done / wall * 60:.0f} documents/min, {pps:.1f} pages/s")
        print(f"peak RSS per worker (MiB, largest document child, by worker pid): {json.dumps({str(k): v for k, v in summary.peak_rss_mb.items()})}")
        print(f"batch main process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        print(f"raw pypdfium2 text ({args.workers} processes, {len(pdfs)} PDFs): {raw_pages} pages in {raw_s:.2f} s = {raw_pps:.0f} pages/s; "
              f"the batch runs at {pps / raw_pps:.3f} of that (1/{raw_pps / pps:.1f})")  # fmt: skip
        print(f"load average (1 min) before/after batch/after raw: {load0[0]:.2f} / {load1[0]:.2f} / {load2[0]:.2f}")
        print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        if args.profile:
            profile(pdfs, Path(args.profile))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
