"""Parse benchmark: pages/s and peak memory of ``jixiao parse`` on a generated 100-page report,
with raw pypdfium2 text extraction over the same file measured in the same run as the yardstick.

    .venv/bin/python bench/bench_parse.py [--pages 100] [--repeat 3]

Each measurement runs in a forked child so its peak RSS is its own. Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build(path: Path, pages: int) -> None:
    """A long self-evaluation report: prose pages, with a ruled indicator table on ~25% of pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    import pdfkit

    body = ParagraphStyle("b", fontName=pdfkit.FONT, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    head = ParagraphStyle("h", fontName=pdfkit.FONT, fontSize=14, leading=22)
    cell = ParagraphStyle("c", fontName=pdfkit.FONT, fontSize=9, leading=12, wordWrap="CJK")

    def on_page(canvas, doc):  # noqa: ANN001
        canvas.setFont(pdfkit.FONT, 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, pdfkit.HEADER)
        canvas.drawCentredString(A4[0] / 2, 30, f"第 {doc.page} 页")

    story: list[object] = []
    for n in range(pages):
        if n % 4 == 3:
            rows = [pdfkit.IND_HEADER] + pdfkit.indicator_rows(16)
            t = Table([[Paragraph(c, cell) for c in r] for r in rows], colWidths=[60, 70, 130, 65, 65, 40, 40])
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (0, 1), (0, 10)), ("SPAN", (0, 11), (0, 16))]))
            story += [Paragraph(f"（{n}）绩效指标完成情况", head), t, PageBreak()]
        else:
            story += [Paragraph(f"{n}、项目实施情况", head)] + [Paragraph(pdfkit.PARA1, body) for _ in range(5)] + [PageBreak()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=on_page, onLaterPages=on_page)


def _baseline(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    chars = 0
    for page in pdf:
        chars += len(page.get_textpage().get_text_range())
    pdf.close()
    return chars


def _jixiao(path: str) -> int:
    from extractor.parsers import parse

    return len(parse(path).text)


def _child(conn, fn_name: str, path: str, repeat: int) -> None:  # noqa: ANN001
    fn = {"baseline": _baseline, "jixiao": _jixiao}[fn_name]
    fn(path)  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t0)
    conn.send((min(times), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    conn.close()


def measure(fn_name: str, path: str, repeat: int) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(send, fn_name, path, repeat))
    p.start()
    result = recv.recv()
    p.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.pdf"
        build(path, args.pages)
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(str(path)))
        base_s, base_mb = measure("baseline", str(path), args.repeat)
        jx_s, jx_mb = measure("jixiao", str(path), args.repeat)
    print(f"document: {n} pages (~25% with a ruled table), best of {args.repeat}")
    print(f"{'':28}{'seconds':>9}{'pages/s':>10}{'peak RSS MB':>13}")
    print(f"{'pypdfium2 raw text':28}{base_s:9.3f}{n / base_s:10.1f}{base_mb:13.1f}")
    print(f"{'jixiao parse':28}{jx_s:9.3f}{n / jx_s:10.1f}{jx_mb:13.1f}")
    print(f"jixiao parse takes {jx_s / base_s:.1f}x the raw text extraction time")


if __name__ == "__main__":
    main()
