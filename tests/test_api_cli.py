"""The service's command line: `jixiao user add` prints a working token (SQLite and PostgreSQL),
and `jixiao serve --load … --reviewer-token …` (what `make run` does) serves the loaded reports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx

from api_support import ROOT, SAMPLES, backend, free_port, live, wait_done  # noqa: F401  (fixtures)

JIXIAO = [sys.executable, "-m", "extractor.cli"]


def _env(**kw: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update(kw)
    return env


def test_user_add_prints_a_token_that_works(live):
    env = _env(JIXIAO_DATA_DIR=str(live.settings.data_dir), JIXIAO_DATABASE_URL=live.settings.database_url)
    out = subprocess.run([*JIXIAO, "user", "add", "cli-unit", "--role", "unit", "--unit", "东湖区财政局"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    assert re.fullmatch(r"jx_[A-Za-z0-9_-]{40,}", token) and "shown once" in out.stderr
    with live.client(token) as c:
        assert c.get("/me").json()["unit"] == "东湖区财政局"
    again = subprocess.run([*JIXIAO, "user", "add", "cli-unit", "--role", "unit", "--unit", "x"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "exists already" in again.stderr
    listed = subprocess.run([*JIXIAO, "user", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert "cli-unit\tunit\t东湖区财政局" in listed.stdout and token not in listed.stdout


def test_serve_loads_reports_and_prints_url_and_token(tmp_path):
    port = free_port()
    env = _env(JIXIAO_DATA_DIR=str(tmp_path / "data"), JIXIAO_WORKERS="1")
    files = [SAMPLES / "road-maintenance-2022.pdf", SAMPLES / "school-meal-2023.xlsx"]
    load = [a for f in files for a in ("--load", str(f))]
    proc = subprocess.Popen([*JIXIAO, "serve", "--port", str(port), "--reviewer-token", "demo", *load, "--log-level", "warning"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)  # fmt: skip
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while not any(ln.startswith("reviewer token") for ln in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        text = "".join(lines)
        assert f"serving at http://127.0.0.1:{port}" in text and "loaded 2 of 2 file(s)" in text
        token = re.search(r"reviewer token \(demo\): (\S+)", text).group(1)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            deadline = time.monotonic() + 30
            while True:  # uvicorn binds just after the start-up hook printed the lines
                try:
                    items = c.get("/documents").json()["items"]
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            assert sorted(d["file_name"] for d in items) == sorted(f.name for f in files)
            assert all(wait_done(c, d["id"])["status"] == "extracted" for d in items)
            assert (tmp_path / "data" / "jixiao.db").is_file()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
