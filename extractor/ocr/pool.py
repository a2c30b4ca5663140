"""Pages OCR'd in parallel by worker processes, under a per-page and a total time limit.

:func:`run_jobs` starts ``workers`` worker programs (:mod:`extractor.ocr.worker`, each with a
one-thread engine, so two workers use two cores), hands each the next page as soon as it is free,
and collects the results. A page that runs past ``page_timeout_s`` has its worker killed (and
replaced) and is reported ``ocr_page_timeout``; a page the engine fails on is ``ocr_page_failed``;
when the whole run passes ``total_timeout_s`` every worker is killed and the pages not done are
``ocr_timeout``. A worker that cannot load the engine raises :class:`OcrUnavailable`.

A worker whose parent dies (the parser killed at its own time limit) reads end-of-file and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ..errors import OcrUnavailable
from .page import OcrPage, PageJob

__all__ = ["Outcome", "run_jobs"]

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class Outcome:
    pages: dict[int, OcrPage] = field(default_factory=dict)  # page number -> result
    failed: dict[int, tuple[str, str]] = field(default_factory=dict)  # page number -> (code, message)
    seconds: float = 0.0


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    conn: Connection
    job: PageJob | None = None
    started: float = 0.0


def _spawn(threads: int, det_side: int) -> _Worker:
    parent, child = Pipe(duplex=True)
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor.ocr.worker", str(child.fileno()), str(threads), str(det_side)],
        pass_fds=[child.fileno()], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    child.close()
    return _Worker(proc, parent)


def _stop(w: _Worker, *, kill: bool) -> None:
    if not kill:
        try:
            w.conn.send(None)
            w.proc.wait(timeout=2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            kill = True
    if kill and w.proc.poll() is None:
        w.proc.kill()
    w.proc.wait()
    w.conn.close()


def _replace(pool: list[_Worker], w: _Worker, needed: bool, threads: int, det_side: int) -> list[_Worker]:
    """``pool`` with the worker ``w`` killed and, when pages are still queued, a fresh one in its place."""
    _stop(w, kill=True)
    return [(_spawn(threads, det_side) if x is w else x) for x in pool if x is not w or needed]


def run_jobs(jobs: list[PageJob], *, workers: int = 2, page_timeout_s: float = 60.0, total_timeout_s: float = 240.0,
             threads: int = 1, det_side: int = 960) -> Outcome:
    """OCR every job; never raises for a page, only :class:`OcrUnavailable` for the engine."""
    t0 = time.monotonic()
    out = Outcome()
    if not jobs:
        return out
    deadline = t0 + total_timeout_s
    queue = deque(jobs)
    pool = [_spawn(threads, det_side) for _ in range(max(1, min(workers, len(jobs))))]
    try:
        while True:
            now = time.monotonic()
            for w in pool:
                if w.job is None and queue:
                    w.job, w.started = queue.popleft(), now
                    w.conn.send(w.job)
            busy = [w for w in pool if w.job is not None]
            if not busy:
                break
            limit = min([deadline] + [w.started + page_timeout_s for w in busy]) - now
            for conn in wait([w.conn for w in busy], timeout=max(0.0, limit)):
                w = next(x for x in busy if x.conn is conn)
                job = w.job
                assert job is not None
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    code = w.proc.wait()
                    out.failed[job.number] = ("ocr_page_failed", f"page {job.number}: the OCR worker died (exit code {code})")
                    w.job = None
                    pool = _replace(pool, w, bool(queue), threads, det_side)
                    continue
                if msg[0] == "ready":
                    continue
                if msg[0] == "fatal":
                    raise OcrUnavailable(msg[2])
                if msg[0] == "ok":
                    out.pages[job.number] = msg[1]
                else:
                    out.failed[job.number] = ("ocr_page_failed", f"page {job.number}: {msg[1]}")
                w.job = None
            now = time.monotonic()
            if now >= deadline:
                left = [w.job for w in pool if w.job is not None] + list(queue)
                for job in left:
                    out.failed[job.number] = ("ocr_timeout", f"page {job.number}: not read, the OCR stage reached its limit of {total_timeout_s:g} s")
                for w in pool:
                    w.job = None
                queue.clear()
                for w in pool:
                    _stop(w, kill=True)
                pool = []
                break
            for w in [w for w in pool if w.job is not None and now - w.started >= page_timeout_s]:
                assert w.job is not None
                out.failed[w.job.number] = ("ocr_page_timeout", f"page {w.job.number}: OCR took longer than {page_timeout_s:g} s and was stopped")
                w.job = None
                pool = _replace(pool, w, bool(queue), threads, det_side)
    finally:
        for w in pool:
            _stop(w, kill=w.job is not None)
    out.seconds = round(time.monotonic() - t0, 3)
    return out
