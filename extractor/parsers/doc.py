"""DOC, WPS and RTF: converted to DOCX by LibreOffice (headless), then read by the DOCX parser.

The conversion runs in a temporary directory that is removed afterwards. ``source.format`` is
``"doc"`` and ``source.converted_with`` names the converter (``"libreoffice 7.4.7.2"``); blocks,
tables, positions and offsets are those of the converted DOCX, as documented in
:mod:`extractor.parsers.docx` (``paragraph_index`` counts the converted document's paragraphs,
which for Word 97-2003 files are the original paragraphs).

LibreOffice profiles
--------------------
A LibreOffice started with a profile directory that a running LibreOffice already uses hands its
job to that one and exits, and the conversion silently produces nothing. Every conversion therefore
runs with a private profile (``-env:UserInstallation``): ``<tmp>/jixiao-lo-<uid>/profile-<n>``,
claimed with an exclusive ``flock`` on ``profile-<n>.lock`` that the soffice process inherits, so
no two live LibreOffice processes (threads of one process, separate processes, or a soffice
orphaned by a killed parser) ever share one. Profiles are reused by later conversions, which
spares LibreOffice's first-start setup; a profile whose conversion failed or timed out is deleted.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from ..document import Document, SourceInfo
from ..errors import ConversionFailed, ConverterMissing, EncryptedFile, ParseTimeout
from ..settings import ParseOptions
from . import docx as docx_parser
from .detect import OLE_MAGIC

__all__ = ["convert_to_docx", "find_soffice", "parse", "soffice_convert", "soffice_version"]

_DOCX_FILTER = "docx:MS Word 2007 XML"
_VERSION_TIMEOUT_S = 30.0
_versions: dict[str, str] = {}
_versions_lock = threading.Lock()


def find_soffice(options: ParseOptions) -> str:
    """The LibreOffice program: ``options.soffice``, else ``soffice`` or ``libreoffice`` on PATH."""
    if options.soffice:
        found = shutil.which(options.soffice)
        if found is None:
            raise ConverterMissing(f"the LibreOffice program {options.soffice!r} does not exist or is not executable")
        return found
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConverterMissing("LibreOffice is not installed: neither 'soffice' nor 'libreoffice' is on PATH")
    return found


def soffice_version(program: str) -> str:
    """``"libreoffice 7.4.7.2"`` from ``soffice --version``, asked once per program and process."""
    with _versions_lock:
        if program not in _versions:
            try:
                out = subprocess.run(
                    [program, "--version"], capture_output=True, text=True, timeout=_VERSION_TIMEOUT_S, check=False
                ).stdout
            except (OSError, subprocess.TimeoutExpired) as e:
                raise ConverterMissing(f"the LibreOffice program {program!r} does not run ({e})") from e
            m = re.search(r"LibreOffice\S*\s+(\d[\w.]*)", out)
            _versions[program] = f"libreoffice {m.group(1)}" if m else "libreoffice (unknown version)"
        return _versions[program]


def _refuse_encrypted(path: str) -> None:
    """Raise EncryptedFile for a password-protected Word 97-2003 file (FIB flag ``fEncrypted``),
    which LibreOffice cannot open without a password."""
    with open(path, "rb") as fh:
        if fh.read(len(OLE_MAGIC)) != OLE_MAGIC:
            return
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            if not ole.exists("WordDocument"):
                return
            with ole.openstream("WordDocument") as stream:
                fib = stream.read(12)
    except OSError:
        return  # LibreOffice reports what it cannot read
    if len(fib) == 12 and int.from_bytes(fib[10:12], "little") & 0x0100:
        raise EncryptedFile("password-protected Word 97-2003 document")


def _profile_root() -> Path | None:
    """``<tmp>/jixiao-lo-<uid>``, created private; None if it exists but is not ours and private."""
    root = Path(tempfile.gettempdir()) / f"jixiao-lo-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(root)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return root


@contextlib.contextmanager
def _claim_profile() -> Iterator[tuple[Path, int | None]]:
    """A LibreOffice profile directory no live soffice uses, and the fd holding its lock (None for
    a throw-away profile, used when the shared directory is unusable)."""
    root = _profile_root()
    if root is None:
        with tempfile.TemporaryDirectory(prefix="jixiao-lo-profile-") as tmp:
            yield Path(tmp) / "profile", None
        return
    for n in itertools.count():
        fd = os.open(root / f"profile-{n}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield root / f"profile-{n}", fd
        finally:
            os.close(fd)  # releases the lock once the soffice that inherited it has exited too
        return


def _input_copy(path: str, workdir: Path) -> Path:
    """Copy the input under a plain ASCII name whose extension matches its bytes (RTF or DOC),
    so odd file names and misleading extensions cannot confuse LibreOffice."""
    with open(path, "rb") as fh:
        head = fh.read(5)
    src = workdir / ("input.rtf" if head == b"{\\rtf" else "input.doc")
    shutil.copyfile(path, src)
    return src


def _tail(*streams: bytes, limit: int = 600) -> str:
    """The end of soffice's output, without its start-up noise about Java."""
    lines = (ln.strip() for s in streams for ln in s.decode("utf-8", "replace").splitlines())
    text = "\n".join(ln for ln in lines if ln and "javaldx" not in ln)
    return text[-limit:] if text else "(no output)"


def convert_to_docx(program: str, path: str, workdir: Path, timeout_s: float) -> Path:
    """Convert ``path`` (DOC/WPS/RTF) to DOCX inside ``workdir``; returns the DOCX path.

    Raises ParseTimeout (the whole soffice process group is killed) or ConversionFailed.
    """
    return soffice_convert(program, _input_copy(path, workdir), workdir, _DOCX_FILTER, "docx", timeout_s)


def soffice_convert(program: str, src: Path, workdir: Path, target_filter: str, out_ext: str, timeout_s: float) -> Path:
    """Run LibreOffice headless on ``src`` (a copy inside ``workdir`` with a plain name) with a
    private profile, converting it with ``target_filter`` ("pdf", "docx:MS Word 2007 XML");
    returns the converted file ``workdir/out/<stem>.<out_ext>``.

    Raises ConverterMissing, ParseTimeout (the whole soffice process group is killed) or
    ConversionFailed.
    """
    outdir = workdir / "out"
    outdir.mkdir(exist_ok=True)
    with _claim_profile() as (profile, lock_fd):
        cmd = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", target_filter, "--outdir", str(outdir), str(src),
        ]  # fmt: skip
        try:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                start_new_session=True, pass_fds=() if lock_fd is None else (lock_fd,), cwd=workdir,
            )  # fmt: skip
        except OSError as e:
            raise ConverterMissing(f"the LibreOffice program {program!r} does not run ({e})") from e
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            shutil.rmtree(profile, ignore_errors=True)
            raise ParseTimeout(
                f"LibreOffice did not finish converting the file within {timeout_s:g} s and was stopped",
                hint="The file may be pathological: open it in Word/WPS, save it as DOCX and resubmit.",
            ) from None
        result = outdir / (src.stem + "." + out_ext)
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            shutil.rmtree(profile, ignore_errors=True)
            raise ConversionFailed(
                f"LibreOffice produced no {out_ext.upper()} (exit code {proc.returncode}): {_tail(err, out)}"
            )
    return result


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def parse(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    """Convert a DOC/WPS/RTF file with LibreOffice and parse the result as DOCX."""
    _refuse_encrypted(path)
    program = find_soffice(options)
    version = soffice_version(program)
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        converted = convert_to_docx(program, path, Path(tmp), options.convert_timeout_s)
        doc = docx_parser.parse(str(converted), source, options)
    doc.source.format = "doc"
    doc.source.converted_with = version
    return doc
