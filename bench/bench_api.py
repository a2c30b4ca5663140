"""Service benchmark: upload → result latency for a 10-page text PDF, p50/p95.

    .venv/bin/python bench/bench_api.py [--runs 40] [--pages 10] [--postgres URL]

Starts `jixiao serve` (SQLite in a temporary data directory, or the PostgreSQL database given) on a
free port, uploads the generated report N times (each copy differs by a trailing PDF comment, so
each is a new document and is extracted; the parse work is the same), and for each measures from
the start of POST /documents to the end of GET /documents/{id}/result after the status left
queued/processing (polled every 10 ms). Uploads are sequential: this is latency, not throughput.
Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp: Path, port: int, database_url: str | None) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_DATA_DIR"] = str(tmp / "data")
    if database_url:
        env["JIXIAO_DATABASE_URL"] = database_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor.cli", "serve", "--port", str(port), "--reviewer-token", "bench", "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    out = ""
    while "reviewer token" not in out:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line and proc.poll() is not None:
            raise SystemExit(f"the server did not start:\n{out}")
        out += line
    token = re.search(r"reviewer token \(bench\): (\S+)", out).group(1)  # type: ignore[union-attr]
    return proc, token


def _one(c: httpx.Client, data: bytes, name: str) -> tuple[float, str, float]:
    t0 = time.perf_counter()
    r = c.post("/documents", files=[("files", (name, data, "application/pdf"))])
    r.raise_for_status()
    doc_id = r.json()["documents"][0]["id"]
    while True:
        d = c.get(f"/documents/{doc_id}").json()
        if d["status"] not in ("queued", "processing"):
            break
        time.sleep(0.01)
    res = c.get(f"/documents/{doc_id}/result")
    res.raise_for_status()
    return time.perf_counter() - t0, d["status"], d["runs"][-1]["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--postgres", metavar="URL", help="SQLAlchemy URL of an empty PostgreSQL database (default: SQLite)")
    args = ap.parse_args()
    from bench_parse import build

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-api-") as tmpdir:
        tmp = Path(tmpdir)
        pdf = tmp / "report.pdf"
        build(pdf, args.pages)
        base = pdf.read_bytes()
        port = _port()
        proc, token = _start(tmp, port, args.postgres)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
                for _ in range(100):
                    try:
                        c.get("/me").raise_for_status()
                        break
                    except httpx.ConnectError:
                        time.sleep(0.1)
                times, statuses, server_secs = [], set(), []
                for i in range(args.warmup + args.runs):
                    secs, status, worker = _one(c, base + f"\n%bench copy {i} {time.time_ns()}\n".encode(), f"bench-{i}.pdf")
                    statuses.add(status)
                    if i >= args.warmup:
                        times.append(secs)
                        server_secs.append(worker)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
    times.sort()
    q = statistics.quantiles(times, n=100, method="inclusive")
    print(f"upload → result, {args.pages}-page text PDF ({len(base) // 1024} KiB), {args.runs} sequential uploads after {args.warmup} warm-up, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}, status {sorted(statuses)}")  # fmt: skip
    print(f"  p50 {q[49]:.3f} s   p95 {q[94]:.3f} s   min {times[0]:.3f} s   max {times[-1]:.3f} s")
    print(f"  of which the extraction job (process_file with the parse isolated, in a worker): median {statistics.median(server_secs):.3f} s")


if __name__ == "__main__":
    main()
