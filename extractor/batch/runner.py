"""``jixiao batch``: re-process archives into the store, resumably, isolated, in parallel.

The main process walks the inputs, keeps each file content-addressed in the store's file area
(the service shows it like an upload), skips files whose sha256 and versions are unchanged, and
hands the rest to workers: a local process pool (started from a forkserver) by default, or a Dask
cluster with ``scheduler="tcp://host:8786"``. Both run the same :func:`~.worker.run_task`. Each
result is written to the store as it arrives, in its own transaction.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import JixiaoError
from ..settings import Settings
from .inputs import iter_inputs
from .worker import Task, run_task, warm

__all__ = ["BatchSummary", "run_batch"]


@dataclass
class BatchSummary:
    batch_id: int
    total: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    skipped_by_reason: Counter = field(default_factory=Counter)
    failed_by_reason: Counter = field(default_factory=Counter)
    pages: int = 0
    seconds: float = 0.0
    changed_documents: int = 0
    conflicts: int = 0
    peak_rss_mb: dict[int, float] = field(default_factory=dict)  # worker pid -> highest child RSS
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id, "total": self.total, "processed": self.processed, "skipped": self.skipped, "failed": self.failed,
            "skipped_by_reason": dict(self.skipped_by_reason), "failed_by_reason": dict(self.failed_by_reason), "pages": self.pages,
            "seconds": round(self.seconds, 3), "changed_documents": self.changed_documents, "conflicts": self.conflicts,
            "peak_rss_mb": max(self.peak_rss_mb.values(), default=0.0),
        }  # fmt: skip

    def text(self) -> str:
        lines = [
            f"batch {self.batch_id}: {self.total} file(s): {self.processed} processed, {self.skipped} skipped, {self.failed} failed"
            f" in {self.seconds:.1f} s ({self.pages} pages; {self.pages / self.seconds if self.seconds else 0:.1f} pages/s)",
        ]
        for why, n in sorted(self.skipped_by_reason.items()):
            lines.append(f"  skipped {n:5d}  {why}")
        for why, n in sorted(self.failed_by_reason.items()):
            lines.append(f"  failed  {n:5d}  {why}")
        if self.changed_documents or self.conflicts:
            lines.append(f"  {self.changed_documents} re-processed document(s) changed; {self.conflicts} correction conflict(s) for review")
        return "\n".join(lines) + "\n"


class _LocalPool:
    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _get(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["extractor.pipeline"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self._pool

    def submit(self, task: Task) -> Future:
        return self._get().submit(run_task, task)

    def prestart(self, task: Task) -> None:
        """Start the workers now and let them warm up (imports, models, pdfium fonts) in the background."""
        pool = self._get()
        for _ in range(self.workers):
            pool.submit(warm, task)

    def reset(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class _DaskPool:
    """The same tasks on a Dask distributed cluster; the file's bytes travel with the task (the
    workers may be other machines)."""

    def __init__(self, scheduler: str | Any):
        from distributed import Client

        self.client = scheduler if not isinstance(scheduler, str) else Client(scheduler, timeout="30s")
        self._own = isinstance(scheduler, str)

    def prestart(self, task: Task) -> None:
        pass  # each Dask worker warms up on its first task

    def submit(self, task: Task) -> Any:
        if task.data is None and task.path is not None:
            task.data = Path(task.path).read_bytes()
            task.path = None
        return self.client.submit(run_task, task, pure=False, key=f"jixiao-batch-item-{task.item_id}-{os.getpid()}-{time.time_ns()}")

    def reset(self) -> None:
        pass

    def close(self) -> None:
        if self._own:
            self.client.close()


def _progress(enabled: bool):  # -> rich Progress or None
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[fps]:.2f} files/s  {task.fields[pps]:.1f} pages/s  failed {task.fields[failed]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), transient=False, console=Console(stderr=True),
    )  # fmt: skip


def run_batch(
    paths: Sequence[str], settings: Settings, *, workers: int | None = None, scheduler: str | Any = None, reprocess: bool = False,
    progress: bool | None = None, log: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Process every file under ``paths`` into the store of ``settings``; see the module doc."""
    from ..store import batches
    from ..store.db import Database
    from ..store.files import FileStore
    from ..store.review import rederive
    from .diff import diff_results

    parse_options, extract_options = settings.parse_options(), settings.extract_options()
    label = getattr(settings, "pipeline_label", "") or ""
    versions = batches.current_versions(label)
    key = batches.version_key(versions)
    workers = workers or settings.workers
    db = Database(settings.sqlalchemy_url())
    db.upgrade()
    files = FileStore(settings.data_dir)
    max_bytes = int(settings.max_file_mb * 2**20)
    t_start = time.perf_counter()
    options = {"workers": workers, "scheduler": scheduler if isinstance(scheduler, str) else (None if scheduler is None else "client"), "reprocess": reprocess}
    with db.write() as s:
        batch_id = batches.start_batch(s, inputs=[str(p) for p in paths], options=options, versions=versions)
    summary = BatchSummary(batch_id=batch_id)
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-batch-in-"))
    pool: Any = None
    finished = False
    prog = _progress(sys.stderr.isatty() if progress is None else progress)

    def recheck(rec: dict[str, Any]) -> list[dict[str, Any]]:
        return rederive(rec, extract_options)

    try:
        # the workers start (and warm up) while the inputs are read
        pool = _DaskPool(scheduler) if scheduler else _LocalPool(workers)
        pool.prestart(Task(item_id=0, name="warm", parse_options=parse_options, extract_options=extract_options))
        by_item: dict[int, Task] = {}
        scanning = [True]

        def scan() -> Iterator[Task]:
            """1. inputs -> items: failed at once, skipped, or pending with their bytes in the file store."""
            yield from _scan()
            scanning[0] = False

        def _scan() -> Iterator[Task]:
            seen: dict[str, str] = {}
            for inp in iter_inputs(paths, tmp, parse_options):
                t = _item(inp, seen)
                if t is not None:
                    by_item[t.item_id] = t
                    yield t

        def _item(inp: Any, seen: dict[str, str]) -> Task | None:
            summary.total += 1
            if inp.error is not None:
                with db.write() as s:
                    batches.record_item(s, batch_id=batch_id, source=inp.source, status="failed", reason=inp.error[0], message=inp.error[1])
                summary.failed += 1
                summary.failed_by_reason[inp.error[0]] += 1
                return None
            assert inp.path is not None
            try:
                with open(inp.path, "rb") as fh:
                    received, sha, size = files.receive(fh, max_bytes=max_bytes)
                files.keep(received, sha)
            except (JixiaoError, OSError) as e:
                code = e.code if isinstance(e, JixiaoError) else "bad_input"
                with db.write() as s:
                    batches.record_item(s, batch_id=batch_id, source=inp.source, status="failed", reason=code, message=str(getattr(e, "message", e)))
                summary.failed += 1
                summary.failed_by_reason[code] += 1
                return None
            if Path(inp.path).parent == tmp:  # a zip member, now kept in the store: its unpacked copy goes
                Path(inp.path).unlink(missing_ok=True)
            if sha in seen:
                with db.write() as s:
                    batches.record_item(s, batch_id=batch_id, source=inp.source, status="skipped", sha256=sha, size=size, reason="duplicate",
                                        message=f"the same bytes as {seen[sha]}")  # fmt: skip
                summary.skipped += 1
                summary.skipped_by_reason["duplicate"] += 1
                return None
            seen[sha] = inp.source
            with db.write() as s:
                known = None if reprocess else batches.unchanged_run(s, sha256=sha, key=key)
                if known is not None:
                    batches.record_item(s, batch_id=batch_id, source=inp.source, status="skipped", sha256=sha, size=size, reason="unchanged",
                                        document_id=known[0], run_id=known[1])  # fmt: skip
                else:
                    item_id = batches.record_item(s, batch_id=batch_id, source=inp.source, status="pending", sha256=sha, size=size)
            if known is not None:
                summary.skipped += 1
                summary.skipped_by_reason["unchanged"] += 1
                return None
            return Task(item_id=item_id, name=inp.name, path=str(files.path(sha)), parse_options=parse_options,
                        extract_options=extract_options, label=label)  # fmt: skip

        # 2. the work, in parallel; each result is committed as it arrives
        done_files, t_work = 0, time.perf_counter()
        if prog is not None:
            prog.start()
            bar = prog.add_task("batch", total=None, fps=0.0, pps=0.0, failed=summary.failed)
        if scheduler:
            stream: Iterator[tuple[int, Any]] = _dask_stream(pool, scan())
        else:
            stream = _local_stream(pool, scan(), workers)
        for item_id, fut in stream:
            task = by_item[item_id]
            try:
                out = fut.result()
            except BrokenProcessPool:
                out = _dead(task, "worker_died", "the worker process died while handling this file")
            except Exception as e:  # a Dask worker lost, a pickling problem: the file fails, the batch goes on
                out = _dead(task, "internal_error", f"{type(e).__name__}: {e}")
            err = tuple(out["error"]) if out["error"] else None
            res = out["result"]
            with db.write() as s:
                item = batches.store_result(
                    s, item_id=item_id, file_name=task.name, fmt=(res.get("document") or {}).get("format"), result=res, error=err,  # type: ignore[arg-type]
                    seconds=out["seconds"], pages=out["pages"], peak_rss_mb=out["peak_rss_mb"], recheck=recheck, diff=diff_results,
                )  # fmt: skip
                changed, conflicts = bool(item.changes), item.conflicts
            if err:
                summary.failed += 1
                summary.failed_by_reason[err[0]] += 1
            else:
                summary.processed += 1
            summary.pages += out["pages"] or 0
            summary.changed_documents += int(changed)
            summary.conflicts += conflicts
            pid = out.get("worker") or 0
            summary.peak_rss_mb[pid] = max(summary.peak_rss_mb.get(pid, 0.0), out["peak_rss_mb"] or 0.0)
            done_files += 1
            if prog is not None:
                el = max(time.perf_counter() - t_work, 1e-6)
                prog.update(bar, total=None if scanning[0] else summary.total, completed=summary.processed + summary.failed + summary.skipped,
                            fps=done_files / el, pps=summary.pages / el, failed=summary.failed)  # fmt: skip
            if log is not None:
                log(f"{'failed' if err else 'done'}\t{task.name}\t{err[0] if err else ''}")
        with db.write() as s:
            summary.seconds = time.perf_counter() - t_start
            batches.finish_batch(s, batch_id=batch_id, counts=summary.as_dict())
        finished = True
        with db.read() as s:
            summary.items = batches.item_rows(s, batch_id=batch_id)
        return summary
    finally:
        if prog is not None:
            prog.stop()
        if pool is not None:
            pool.close()
        if not finished:  # an exception or Ctrl-C: the row says so (a SIGKILL is found by the next batch)
            try:
                with db.write() as s:
                    batches.mark_interrupted(s, batch_id=batch_id)
            except Exception:  # the store itself is what failed: leave the row for the next batch
                pass
        db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def _dead(task: Task, code: str, message: str) -> dict[str, Any]:
    from ..pipeline import failed_result

    res = failed_result(task.path or task.name, JixiaoError(message))
    res["document"]["file_name"] = task.name
    res["errors"][0]["code"] = code
    return {"item_id": task.item_id, "result": res, "error": (code, message), "pages": 0, "seconds": 0.0, "peak_rss_mb": 0.0, "worker": 0}


def _local_stream(pool: _LocalPool, tasks: Iterator[Task], workers: int) -> Iterator[tuple[int, Future]]:
    """Futures as they finish, keeping a few tasks queued per worker; a pool that broke (a worker
    killed from outside) is restarted and the tasks it lost are resubmitted once."""
    queue: list[Task] = []
    running: dict[Future, Task] = {}
    retried: set[int] = set()
    more = True
    while True:
        while len(running) < workers * 2 and (queue or more):
            if queue:
                t = queue.pop()
            else:
                t = next(tasks, None)  # type: ignore[arg-type]
                if t is None:
                    more = False
                    break
            running[pool.submit(t)] = t
        if not running:
            break
        done, _ = wait(list(running), return_when=FIRST_COMPLETED)
        broken = False
        for f in done:
            t = running.pop(f)
            if isinstance(f.exception(), BrokenProcessPool):
                broken = True
                if t.item_id not in retried:
                    retried.add(t.item_id)
                    queue.append(t)
                    continue
            yield t.item_id, f
        if broken:
            for f, t in list(running.items()):
                if f.done() and not isinstance(f.exception(), BrokenProcessPool):
                    continue
                running.pop(f)
                if t.item_id not in retried:
                    retried.add(t.item_id)
                    queue.append(t)
                else:
                    yield t.item_id, f
            pool.reset()


def _dask_stream(pool: _DaskPool, tasks: Iterator[Task]) -> Iterator[tuple[int, Any]]:
    """Futures as they finish; a bounded number in flight (the bytes travel with each task)."""
    from distributed import as_completed

    limit = max(4, 4 * sum(int(w.get("nthreads", 1)) for w in pool.client.scheduler_info().get("workers", {}).values()))
    ids: dict[str, int] = {}
    first = []
    for t in tasks:
        f = pool.submit(t)
        ids[f.key] = t.item_id
        first.append(f)
        if len(first) >= limit:
            break
    if not first:
        return
    ac = as_completed(first)
    for f in ac:
        t = next(tasks, None)  # type: ignore[arg-type]
        if t is not None:
            nf = pool.submit(t)
            ids[nf.key] = t.item_id
            ac.add(nf)
        yield ids.pop(f.key), f
