"""Format detection from the bytes, never from the file name.

Returns one of: ``pdf``, ``docx``, ``xlsx``, ``doc`` (OLE Word, WPS, RTF: converted by
LibreOffice), ``xls``, ``html``, ``txt``, ``image``. Archives (DOCX/XLSX) are checked against the
zip-bomb limits here, before any parser opens them.
"""

from __future__ import annotations

import os
import zipfile

from ..errors import CorruptFile, EmptyFile, EncryptedFile, FileTooLarge, UnsupportedFormat, ZipBomb
from ..settings import ParseOptions

__all__ = ["check_zip", "detect_format", "sniff_text_encoding"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"GIF8", "gif"),
    (b"BM", "bmp"),
)


def check_zip(path: str, options: ParseOptions) -> zipfile.ZipFile:
    """Open a zip container after checking entry count, unpacked size and ratio (zip bombs)."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise CorruptFile(f"damaged zip container ({e})") from e
    infos = zf.infolist()
    if len(infos) > options.zip_max_entries:
        zf.close()
        raise ZipBomb(f"archive has {len(infos)} entries (limit {options.zip_max_entries})")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    limit = options.zip_max_uncompressed_mb * 1024 * 1024
    if total > limit:
        zf.close()
        raise ZipBomb(f"archive unpacks to {total / 2**20:.0f} MiB (limit {options.zip_max_uncompressed_mb:.0f} MiB)")
    if total > 10 * 2**20 and total / packed > options.zip_max_ratio:
        zf.close()
        raise ZipBomb(f"compression ratio {total / packed:.0f}:1 (limit {options.zip_max_ratio:.0f}:1)")
    return zf


def _zip_kind(path: str, options: ParseOptions) -> str:
    with check_zip(path, options) as zf:
        names = set(zf.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        raise UnsupportedFormat("OFD (GB/T 33190) is not read yet", hint="Export the OFD document to PDF and submit the PDF.")
    if "content.xml" in names and "mimetype" in names:
        raise UnsupportedFormat("OpenDocument (ODT/ODS) is not read", hint="Save it as DOCX or XLSX and submit again.")
    raise UnsupportedFormat("a zip archive that is neither DOCX nor XLSX", hint="Unpack the archive and submit the reports inside it.")


def _ole_kind(path: str) -> str:
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            streams = {"/".join(s) for s in ole.listdir(streams=True, storages=True)}
    except OSError as e:
        raise CorruptFile(f"damaged OLE (Office 97-2003) file ({e})") from e
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise EncryptedFile("password-protected Office document")
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    raise UnsupportedFormat("an Office 97-2003 file that is neither Word nor Excel")


def sniff_text_encoding(data: bytes) -> str | None:
    """The encoding of a text file, or None if the bytes are not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in data[:4096]:
        return None
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3:  # truncated multi-byte sequence at the very end
            return "utf-8"
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else None


def detect_format(path: str, options: ParseOptions) -> str:
    size = os.path.getsize(path)
    if size == 0:
        raise EmptyFile("the file is 0 bytes")
    if size > options.max_file_mb * 1024 * 1024:
        raise FileTooLarge(f"{size / 2**20:.1f} MiB (limit {options.max_file_mb:.0f} MiB)")
    with open(path, "rb") as fh:
        sample = fh.read(1 << 20)  # enough to sniff a text encoding; the magic bytes are at the start
    head = sample[:8192]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path, options)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(b"{\\rtf"):
        return "doc"
    for magic, _name in _IMAGE_MAGIC:
        if head.startswith(magic):
            return "image"
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise EmptyFile("the file holds only white space")
    enc = sniff_text_encoding(sample)
    if enc is None:
        raise UnsupportedFormat("binary data of an unknown kind")
    low = head.decode(enc, errors="ignore").lstrip().lower()[:2000]
    if low.startswith(("<!doctype html", "<html")) or any(tag in low for tag in ("<html", "<body", "<table")):
        return "html"
    return "txt"
