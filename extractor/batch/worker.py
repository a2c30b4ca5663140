"""One document of a batch, isolated: :func:`run_task` runs in a worker (a local pool process or a
Dask worker) and hands the file to a sandbox child forked from the worker, which parses and
extracts it under a wall-clock limit (``ParseOptions.timeout_s``, for the whole document) and an
address-space limit (``ParseOptions.memory_mb`` beyond what the child started with). A child that
hangs is killed; one that runs out of memory or crashes is reported; either way the worker goes on
with the next file in a new child.
"""
from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import struct
import tempfile
import time
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..parsers import address_space
from ..settings import ParseOptions

__all__ = ["Task", "run_task", "stamp_label"]


@dataclass
class Task:
    item_id: int
    name: str  # the file name the report is known by
    path: str | None = None  # a file the worker can read (local pool) …
    data: bytes | None = None  # … or the bytes themselves (a Dask worker on another machine)
    parse_options: ParseOptions = field(default_factory=ParseOptions)
    extract_options: Any = None
    label: str = ""  # JIXIAO_PIPELINE_LABEL, appended to the pipeline version


def stamp_label(result: dict[str, Any], label: str) -> dict[str, Any]:
    if label:
        ext = result.setdefault("extraction", {})
        ext["pipeline_version"] = f"{ext.get('pipeline_version')}+{label}"
    return result


def _process(path: str, task: Task) -> tuple[Any, ...]:
    """(status, result, error, ru_maxrss KiB) of one document, in the sandbox child."""
    from ..errors import JixiaoError, ResourceLimit
    from ..pipeline import failed_result, process_file

    opts = task.parse_options
    try:
        out: tuple[Any, ...] = ("ok", process_file(path, opts, task.extract_options, isolate=False), None)
    except JixiaoError as e:
        out = ("ok", failed_result(path, e), (e.code, e.message))
    except MemoryError:
        out = ("error", None, (ResourceLimit.code, f"the document needed more than {opts.memory_mb} MiB"))
    except BaseException as e:  # a bug in a parser, an extractor or a library
        out = ("error", None, ("internal_error", f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=-3)}"))
    return out + (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,)


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL when its worker dies, so a killed batch leaves no hung child."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _send(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    """``n`` bytes from ``fd``; None at end of file; raises TimeoutError past ``deadline``."""
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
        chunk = os.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _recv(fd: int, deadline: float | None) -> Any:
    head = _read_exact(fd, 8, deadline)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack("<Q", head)[0], deadline)
    return None if body is None else pickle.loads(body)


class _Sandbox:
    """A child forked from the (warm) worker that processes documents one after the other under
    an address-space limit, each within a time limit. A child that overruns the time is killed, one
    that dies is reaped; the next document gets a new child. A child is also replaced after
    ``MAX_DOCS`` documents or once its address space grew by a quarter of the memory limit, so
    every document has at least three quarters of the limit (a document stopped for memory is
    retried once in a new child, so it fails only when the whole limit is not enough). Reusing
    the child keeps what the pipeline caches between documents; a fork per document cost ~25%."""

    MAX_DOCS = 50

    def __init__(self) -> None:
        self.pid = 0
        self.to_child = self.from_child = -1
        self.docs = 0
        self.base_as = 0
        self.memory_mb = 0

    def _start(self, memory_mb: int) -> None:
        r1, w1 = os.pipe()
        r2, w2 = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: serves until its worker closes the pipe; never returns
            code = 0
            try:
                _die_with_parent()
                os.close(w1)
                os.close(r2)
                if memory_mb:
                    try:
                        limit = address_space() + int(memory_mb) * 2**20
                        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                    except (ValueError, OSError):
                        pass
                _send(w2, ("ready", address_space()))
                while (req := _recv(r1, None)) is not None:
                    path, task = req
                    try:
                        out = _process(path, task)
                        _send(w2, out + (address_space(),))
                    except MemoryError:  # even the answer did not fit
                        _send(w2, ("error", None, ("memory_limit", f"the document needed more than {memory_mb} MiB"), 0, 0))
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        os.close(r1)
        os.close(w2)
        self.pid, self.to_child, self.from_child, self.docs, self.memory_mb = pid, w1, r2, 0, memory_mb
        hello = _recv(r2, time.monotonic() + 60)
        self.base_as = hello[1] if hello else 0

    def stop(self, kill: bool = False) -> int | None:
        """Close the child (killed with ``kill``); returns its wait status."""
        if not self.pid:
            return None
        for fd in (self.to_child, self.from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return status

    def run(self, path: str, task: Task) -> tuple[Any, ...]:
        opts = task.parse_options
        if self.pid and self.memory_mb != opts.memory_mb:
            self.stop()
        if not self.pid:
            self._start(opts.memory_mb)
        self.docs += 1
        try:
            _send(self.to_child, (path, task))
            out = _recv(self.from_child, time.monotonic() + opts.timeout_s)
        except TimeoutError:
            self.stop(kill=True)
            return ("error", None, ("parse_timeout", f"the document took longer than {opts.timeout_s:g} s and was stopped"), 0)
        except OSError:  # the child is gone (a broken pipe)
            out = None
        if out is None:
            status = self.stop(kill=True) or 0
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) not in (signal.SIGKILL,):
                return ("error", None, ("internal_error", f"the worker process died from signal {os.WTERMSIG(status)}"), 0)
            return ("error", None, ("memory_limit", "the worker process died; likely out of memory"), 0)
        *answer, now_as = out
        if self.docs >= self.MAX_DOCS or (opts.memory_mb and now_as - self.base_as > opts.memory_mb * 2**20 // 4):
            self.stop()
        return tuple(answer)


_local = threading.local()


def _sandboxed(path: str, task: Task) -> tuple[Any, ...]:
    box = getattr(_local, "box", None)
    if box is None:
        box = _local.box = _Sandbox()
    out = box.run(path, task)
    if out[2] and out[2][0] == "memory_limit" and box.docs > 1:  # not a fresh child: once more in a new one
        box.stop(kill=True)
        out = box.run(path, task)
    return out


_WARM = False
WARM_TEXT = "某县某局2022年度某某项目支出绩效自评报告\n一、项目基本情况\n本项目年初预算数为35.3万元，全年预算数40万元，全年执行数39.5万元，执行率98.75%。\n自评得分95分，等级为优。\n"


def warm(task: Task) -> None:
    """Once per worker process: extract a tiny report here, so the lazy imports and the models the
    pipeline loads on first use are in the worker's memory and every forked child inherits them
    (instead of each child loading them again, inside its limits)."""
    global _WARM
    if _WARM:
        return
    _WARM = True
    from ..pipeline import process_file

    with tempfile.TemporaryDirectory(prefix="jixiao-warm-") as tmp:
        p = Path(tmp) / "warm.txt"
        p.write_text(WARM_TEXT, encoding="utf-8")
        # a one-page PDF with a non-embedded CJK font and a ruled cell: pdfium's font mapping and
        # the table finder are set up here once, not in every child (~0.35 s per document)
        for f in (p, Path(__file__).resolve().parent.parent / "data" / "warm.pdf"):
            try:
                process_file(f, task.parse_options, task.extract_options, isolate=False)
            except Exception:  # a warm-up is an optimisation: the documents report their own errors
                pass


def run_task(task: Task) -> dict[str, Any]:
    """Process one document in a forked child; returns ``{item_id, result, error, pages, seconds,
    peak_rss_mb, worker}`` (``error`` is ``(code, message)`` or None). Never raises for the file's sake."""
    from ..errors import JixiaoError
    from ..pipeline import failed_result

    warm(task)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jixiao-batch-") as tmp:
        link = Path(tmp) / (task.name or "document")
        if task.data is not None:
            link.write_bytes(task.data)
        else:
            os.symlink(os.path.abspath(str(task.path)), link)
        status, result, error, rss_kb = _sandboxed(str(link), task)
        if result is None:
            result = failed_result(link, JixiaoError(error[1]))
            result["errors"][0]["code"] = error[0]
    stamp_label(result, task.label)
    pages = (result.get("document") or {}).get("page_count")
    own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "item_id": task.item_id, "result": result, "error": error, "pages": pages if isinstance(pages, int) else 0,
        "seconds": time.perf_counter() - t0, "peak_rss_mb": round(max(rss_kb, own_kb) / 1024, 1), "worker": os.getpid(), "status": status,
    }  # fmt: skip
