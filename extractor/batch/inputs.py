"""The inputs of a batch: files, folders (recursive) and zip archives.

Zip member names are decoded as the archive says: UTF-8 when the member's flag bit 11 is set,
otherwise the bytes are tried as UTF-8 and then as GBK/GB18030 (what Chinese Windows writes), and
cp437 is the last resort. Members are never extracted by their names: each is copied, with the
bytes counted, to a numbered file in a temporary directory, so a name like ``../../etc/x`` reaches
no path. A member over the file size limit, a compression ratio over the limit (a zip bomb), an
archive that unpacks beyond its total limit, an encrypted member or a broken archive becomes an
input that failed with its reason; the rest of the batch goes on.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..settings import ParseOptions

__all__ = ["Input", "iter_inputs", "member_name"]

ARCHIVES = {".zip"}
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Input:
    """One file to process. ``source`` names it for people (``a/b.pdf`` or ``x.zip!目录/报告.pdf``);
    ``path`` is where its bytes are (None when it failed before that, with ``error``)."""

    source: str
    name: str  # the file name the report is stored under
    path: str | None
    error: tuple[str, str] | None = None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as written: UTF-8 with flag bit 11, else UTF-8 or GBK by trial."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # what zipfile decoded it as
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _clean(name: str) -> str:
    """A member path with no root, no drive, no ``..`` and forward slashes (for display only)."""
    parts = [p for p in posixpath.normpath(name.replace("\\", "/")).split("/") if p not in ("", ".", "..")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":":
        parts = parts[1:]
    return "/".join(parts)


def _zip_inputs(archive: Path, shown: str, tmp: Path, options: ParseOptions) -> Iterator[Input]:
    max_file = int(options.max_file_mb * 2**20)
    max_total = int(options.zip_max_uncompressed_mb * 2**20)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        yield Input(shown, archive.name, None, ("corrupt_file", f"the zip archive cannot be read ({e})"))
        return
    total = 0
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > options.zip_max_entries:
            yield Input(shown, archive.name, None, ("zip_bomb", f"the archive has {len(infos)} members (limit {options.zip_max_entries})"))
            return
        for n, info in enumerate(infos):
            name = _clean(member_name(info))
            base = posixpath.basename(name) or f"member-{n}"
            src = f"{shown}!{name}"
            if base in SKIP_NAMES or name.startswith("__MACOSX/"):
                continue
            if info.flag_bits & 0x1:
                yield Input(src, base, None, ("encrypted", "the zip member is password-protected"))
                continue
            if info.file_size > max_file:
                size = f"{info.file_size / 2**20:.1f} MiB (limit {options.max_file_mb:g} MiB)"
                yield Input(src, base, None, ("file_too_large", f"the member unpacks to {size}"))
                continue
            if info.compress_size and info.file_size / info.compress_size > options.zip_max_ratio and info.file_size > 2**20:
                yield Input(src, base, None, ("zip_bomb", f"the member's compression ratio is {info.file_size / info.compress_size:.0f} (limit {options.zip_max_ratio:g})"))
                continue
            if total + info.file_size > max_total:
                yield Input(src, base, None, ("zip_bomb", f"the archive unpacks beyond {options.zip_max_uncompressed_mb:g} MiB"))
                continue
            fd, name_out = tempfile.mkstemp(dir=tmp, prefix="member-", suffix=Path(base).suffix[:12])
            out = Path(name_out)
            written = 0
            try:
                with zf.open(info) as fin, os.fdopen(fd, "wb") as fout:
                    for chunk in iter(lambda: fin.read(1 << 20), b""):
                        written += len(chunk)
                        if written > info.file_size or written > max_file:  # a header that lies about the size
                            raise zipfile.BadZipFile("the member is larger than its header says")
                        fout.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError) as e:
                out.unlink(missing_ok=True)
                code = "encrypted" if "encrypt" in str(e).lower() or "password" in str(e).lower() else "corrupt_file"
                yield Input(src, base, None, (code, f"the zip member cannot be unpacked ({e})"))
                continue
            total += written
            if Path(base).suffix.lower() in ARCHIVES:  # an archive inside the archive: one level
                if shown.count("!") < 1:
                    yield from _zip_inputs(out, src, tmp, options)
                else:
                    yield Input(src, base, None, ("unsupported_format", "a zip inside a zip inside a zip is not opened"))
                continue
            yield Input(src, base, str(out))


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for f in sorted(files):
            if f not in SKIP_NAMES and not f.startswith("~$"):
                yield Path(root) / f


def iter_inputs(paths: Iterable[str | os.PathLike[str]], tmp: Path, options: ParseOptions | None = None) -> Iterator[Input]:
    """Every file under ``paths`` (folders recursively, zip archives opened into ``tmp``), in a stable order."""
    options = options or ParseOptions()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            files = list(_walk(p))
            for f in files:
                shown = str(f)
                if f.suffix.lower() in ARCHIVES:
                    yield from _zip_inputs(f, shown, tmp, options)
                else:
                    yield Input(shown, f.name, str(f))
        elif p.is_file():
            if p.suffix.lower() in ARCHIVES:
                yield from _zip_inputs(p, str(p), tmp, options)
            else:
                yield Input(str(p), p.name, str(p))
        else:
            yield Input(str(p), p.name, None, ("bad_input", "no such file or folder"))
