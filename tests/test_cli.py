"""The jixiao command as a user runs it: a real process, real files, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pdfkit
from extractor.cli import COMMANDS

JIXIAO = [sys.executable, "-m", "extractor.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JIXIAO, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "report.pdf"
    pdfkit.build_report(path)
    return path


def test_help_lists_every_command_with_one_line():
    out = run("--help")
    assert out.returncode == 0
    for name, (help_text, _fn) in COMMANDS.items():
        assert name in out.stdout
        assert help_text.split()[0] in out.stdout


def test_parse_text_prints_the_normalised_text(report):
    from extractor.parsers import parse

    out = run("parse", "--text", str(report))
    assert out.returncode == 0, out.stderr
    assert out.stdout == parse(report).text + "\n"


def test_parse_json_is_the_document(report):
    out = run("parse", "--json", str(report))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["source"]["format"] == "pdf_text" and doc["page_count"] == 3
    assert len(doc["tables"]) == 2 and doc["tables"][1]["n_rows"] == 17
    text = doc["text"]
    for b in doc["blocks"]:
        assert text[b["span"][0]:b["span"][1]] == b["text"]


def test_parse_markdown_has_headings_and_tables(report):
    out = run("parse", "--markdown", str(report))
    assert out.returncode == 0, out.stderr
    assert "# " + pdfkit.TITLE in out.stdout
    assert "## 一、基本情况" in out.stdout
    assert "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |" in out.stdout


def test_bad_file_gives_a_clear_error_and_exit_1(tmp_path, report):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(report.read_bytes()[:1500])
    out = run("parse", str(bad), str(report))
    assert out.returncode == 1
    assert "bad.pdf" in out.stderr and "[corrupt_file]" in out.stderr
    assert "Traceback" not in out.stderr
    # the good file after the bad one was still parsed
    assert json.loads(out.stdout.strip().splitlines()[-1])["source"]["file_name"] == "report.pdf"


def test_usage_errors_exit_2():
    assert run().returncode == 2
    assert run("parse").returncode == 2
    assert run("no-such-command").returncode == 2
