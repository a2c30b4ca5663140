"""Content-addressed files: ``<root>/files/ab/cd/<sha256>``. No name from a client is ever a path.

An upload is streamed into a private temporary file (counted and hashed on the way, refused past
the size limit), then moved under its digest; the same bytes uploaded twice are kept once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

from ..errors import EmptyFile, FileTooLarge

__all__ = ["FileStore", "sanitize_filename"]

_UNSAFE = re.compile(r"[^\w.\-()（）【】\[\]《》 +,，、]", re.UNICODE)
_SHA = re.compile(r"^[0-9a-f]{64}$")


def sanitize_filename(name: str | None, *, default: str = "upload") -> str:
    """A display name that is one harmless path component: the last part of any client path,
    NFC-normalised, control and separator characters replaced, no leading dots, at most 120 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join("_" if unicodedata.category(ch).startswith("C") else ch for ch in name)
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 120 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:120]
    return name or default


class FileStore:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()
        self.files = self.root / "files"
        self.tmp = self.root / "tmp"
        self.cache = self.root / "cache"
        for d in (self.files, self.tmp, self.cache):
            d.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return self.files / sha256[:2] / sha256[2:4] / sha256

    def cache_dir(self, sha256: str) -> Path:
        d = self.cache / self.path(sha256).name
        d.mkdir(parents=True, exist_ok=True)
        return d

    def receive(self, stream: BinaryIO, *, max_bytes: int) -> tuple[Path, str, int]:
        """Copy ``stream`` into a temporary file; returns (temp path, sha256, size).

        Raises FileTooLarge past ``max_bytes`` (the partial file is removed) and EmptyFile for 0 bytes."""
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.tmp, prefix="up-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(f"the file is larger than {max_bytes / 2**20:g} MiB")
                    h.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise EmptyFile("the file has 0 bytes")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp), h.hexdigest(), size

    def keep(self, tmp: Path, sha256: str) -> Path:
        """Move a received file under its digest (or drop it if those bytes are already kept)."""
        dest = self.path(sha256)
        if dest.exists():
            tmp.unlink(missing_ok=True)
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o640)
        os.replace(tmp, dest)
        return dest
