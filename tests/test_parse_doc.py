"""DOC/WPS/RTF through LibreOffice: the report of test_parse_docx, saved as Word 97-2003 by
LibreOffice, must parse to the same paragraphs and table grids as the DOCX itself."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import olefile
import pytest
from test_parse_docx import (
    EXPECTED_GRID,
    EXPECTED_MERGES,
    EXPECTED_SMALL_GRID,
    FIRST_HEADER,
    HEADER,
    assert_offsets,
    block_rows,
    build_report,
)

from extractor.document import BlockKind, Document
from extractor.errors import ConversionFailed, ConverterMissing, EncryptedFile, ParseTimeout
from extractor.parsers import parse
from extractor.settings import ParseOptions

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: DOC/RTF conversion cannot run"),
]


def _rtf(paragraphs: list[str]) -> str:
    """A minimal RTF file; non-ASCII characters as signed 16-bit \\u escapes."""

    def esc(text: str) -> str:
        return "".join(c if ord(c) < 128 else f"\\u{ord(c) - 65536 if ord(c) > 32767 else ord(c)}?" for c in text)

    body = "".join(f"\\pard {esc(p)}\\par\n" for p in paragraphs)
    return "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\n" + body + "}\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report as DOCX and as the DOC that LibreOffice saves from it."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    tmp = tmp_path_factory.mktemp("doc")
    docx_path = tmp / "report.docx"
    build_report(docx_path, content_controls=False)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp), str(docx_path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    doc_path = tmp / "report.doc"
    assert doc_path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    return {"docx": docx_path, "doc": doc_path}


@pytest.fixture(scope="module")
def from_docx(files: dict[str, Path]) -> Document:
    return parse(files["docx"])


@pytest.fixture(scope="module")
def from_doc(files: dict[str, Path]) -> Document:
    return parse(files["doc"])


class TestConvertedDoc:
    pytestmark = needs_libreoffice

    def test_same_paragraphs_as_docx(self, from_doc: Document, from_docx: Document) -> None:
        assert from_doc.source.format == "doc"
        assert from_doc.source.detected_as == "doc"
        assert re.fullmatch(r"libreoffice \d+\.\d+[\d.]*", from_doc.source.converted_with or "")
        assert len(from_doc.blocks) == 24
        assert block_rows(from_doc) == block_rows(from_docx)
        assert "项目属性：新增项目□ 延续项目☑" in from_doc.text  # the Wingdings tick survives as ☑
        assert_offsets(from_doc)

    def test_same_tables_as_docx(self, from_doc: Document) -> None:
        big, small = from_doc.tables
        assert (big.n_rows, big.n_cols, big.source) == (11, 8, "docx")
        assert big.grid() == EXPECTED_GRID
        spans = {(c.row, c.col): (c.row_span, c.col_span) for c in big.origin_cells()}
        merges = {rc: span for rc, span in spans.items() if span != (1, 1)}
        assert merges == EXPECTED_MERGES
        assert big.cell(9, 1).inherited_from == (7, 1)
        assert (small.n_rows, small.n_cols) == (3, 4)
        assert small.grid() == EXPECTED_SMALL_GRID

    def test_headers_and_properties(self, from_doc: Document) -> None:
        headers = [b.text for b in from_doc.furniture if b.kind == BlockKind.HEADER]
        assert headers == [HEADER, FIRST_HEADER]
        footers = [b.text for b in from_doc.furniture if b.kind == BlockKind.FOOTER]
        assert footers and all(re.fullmatch(r"第\d+页", t) for t in footers)  # LibreOffice recomputes the page field
        assert from_doc.properties["title"] == "城区道路维护项目自评报告"
        assert from_doc.properties["author"] == "区城市管理局"

    def test_two_conversions_in_parallel(self, files: dict[str, Path], from_docx: Document) -> None:
        results: list[Document] = []
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def work() -> None:
            start.wait()
            try:
                results.append(parse(files["doc"]))
            except BaseException as e:  # reported below with the thread's error
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        assert [block_rows(d) for d in results] == [block_rows(from_docx)] * 2

    def test_password_protected_doc_is_refused(self, files: dict[str, Path], tmp_path: Path) -> None:
        locked = tmp_path / "locked.doc"
        shutil.copyfile(files["doc"], locked)
        with olefile.OleFileIO(str(locked), write_mode=True) as ole:
            stream = bytearray(ole.openstream("WordDocument").read())
            stream[11] |= 0x01  # FIB flag fEncrypted (bit 8 of the flags word at offset 10)
            ole.write_stream("WordDocument", bytes(stream))
        with pytest.raises(EncryptedFile):
            parse(locked)

    def test_conversion_timeout_kills_soffice(self, files: dict[str, Path]) -> None:
        with pytest.raises(ParseTimeout) as exc:
            parse(files["doc"], ParseOptions(convert_timeout_s=0.01))
        assert "0.01 s" in exc.value.message


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: DOC/RTF conversion cannot run")
def test_rtf(tmp_path: Path) -> None:
    path = tmp_path / "报告.rtf"
    path.write_text(_rtf(["一、项目基本情况", "本项目预算100万元。执行率98.5%。"]), encoding="ascii")
    doc = parse(path)
    assert doc.source.format == "doc"
    assert block_rows(doc) == [
        (BlockKind.HEADING, 1, "一、", "一、项目基本情况", 0),
        (BlockKind.PARAGRAPH, None, None, "本项目预算100万元。执行率98.5%。", 1),
    ]
    assert_offsets(doc)


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: DOC/RTF conversion cannot run")
def test_unreadable_rtf_is_conversion_failed(tmp_path: Path) -> None:
    path = tmp_path / "bad.rtf"
    path.write_bytes(b"{\\rtf1 \x00\x01\x02\xff\xfe not really rtf")
    with pytest.raises(ConversionFailed) as exc:
        parse(path)
    assert "could not be loaded" in exc.value.message


def test_converter_missing_names_the_program(tmp_path: Path) -> None:
    path = tmp_path / "报告.rtf"
    path.write_text(_rtf(["一、项目基本情况"]), encoding="ascii")
    missing = str(tmp_path / "no-such-dir" / "soffice")
    with pytest.raises(ConverterMissing) as exc:
        parse(path, ParseOptions(soffice=missing))
    assert missing in exc.value.message
