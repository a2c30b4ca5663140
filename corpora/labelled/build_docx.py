"""Build the DOCX documents of the hand-labelled corpus from their plain sources.

Run from the repository root::

    .venv/bin/python corpora/labelled/build_docx.py

``docx-src/NAME.txt`` -> ``NAME.docx``. Source lines: ``# text`` is the title (Title style),
``## text`` a level-1 heading (Heading 1), ``### text`` a level-2 heading (Heading 2), a run of lines
starting with ``|`` one Word table (cells split on ``|``; a first row is the header), any other
non-empty line a body paragraph. The output is byte-for-byte reproducible: fixed core properties
and fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
SRC = HERE / "docx-src"
FIXED = dt.datetime(2024, 1, 1, 0, 0, 0)


def _cjk(run_or_style, font: str) -> None:
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _table(doc, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c in range(width):
            table.cell(r, c).text = row[c] if c < len(row) else ""


def build(src: Path, out: Path) -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _cjk(normal, "Noto Serif CJK SC")
    props = doc.core_properties
    props.author = "jixiao corpus"
    props.title = src.stem
    props.created = FIXED
    props.modified = FIXED
    props.last_modified_by = "jixiao corpus"
    props.revision = 1
    pending: list[list[str]] = []
    for line in src.read_text(encoding="utf-8").split("\n") + [""]:
        if line.startswith("|"):
            pending.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if pending:
            _table(doc, pending)
            pending = []
        if not line.strip():
            continue
        if line.startswith("### "):
            doc.add_heading(line[4:].strip(), level=2)
        elif line.startswith("## "):
            doc.add_heading(line[3:].strip(), level=1)
        elif line.startswith("# "):
            doc.add_heading(line[2:].strip(), level=0)
        else:
            doc.add_paragraph(line.strip())
    buf = io.BytesIO()
    doc.save(buf)
    # rewrite the zip with fixed timestamps and a fixed member order
    src_zip = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(src_zip.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, src_zip.read(name))
    out.write_bytes(fixed.getvalue())


def main() -> int:
    for src in sorted(SRC.glob("*.txt")):
        build(src, HERE / (src.stem + ".docx"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
