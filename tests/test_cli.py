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


# -- jixiao extract / eval -----------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"


def test_extract_json_prints_the_schema_result(report):
    out = run("extract", "--json", str(report))
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["schema_version"] == "1.0"
    assert set(res) >= {"schema_version", "document", "records", "extraction", "errors"}
    assert set(res["document"]) >= {"file_name", "sha256", "format", "page_count", "text_sha256"}
    assert res["document"]["format"] == "pdf_text"
    rec = res["records"][0]
    assert set(rec) >= {"meta", "budget", "amounts", "indicators", "score", "problems", "measures", "validations"}
    assert set(rec["meta"]) >= {"doc_type", "doc_type_confidence", "title", "fiscal_year", "report_date", "issuer",
                                "supervising_dept", "implementing_unit", "project_name"}
    for a in rec["amounts"]:
        assert set(a) >= {"value_yuan", "source_value", "source_unit", "qualifier", "role", "subject", "prov"}
        assert set(a["prov"]) >= {"page", "bbox", "paragraph_index", "table", "sheet", "cell", "char_span", "quote", "method", "extractor", "confidence"}
    assert {e["name"] for e in res["extraction"]["extractors"]} >= {"amounts", "budget", "metadata", "score", "checks"}


def test_extract_several_files_one_json_per_line_and_a_bad_file_exits_1(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    good = SAMPLES / "school-meal-2023.txt"
    out = run("extract", "--json", str(good), str(bad))
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(x) for x in lines)
    assert first["records"] and not first["errors"]
    assert second["records"] == [] and second["errors"][0]["code"] == "corrupt_file"
    assert "broken.pdf" in out.stderr and "Traceback" not in out.stderr


def test_extract_usage_error_exits_2():
    assert run("extract").returncode == 2


def test_extract_xlsx_writes_a_workbook_with_exact_amounts(tmp_path):
    from decimal import Decimal

    from openpyxl import load_workbook

    out_path = tmp_path / "out" / "fields.xlsx"
    files = [str(SAMPLES / "road-maintenance-2022.docx"), str(SAMPLES / "health-2024-multi.xlsx")]
    out = run("extract", *files, "--xlsx", str(out_path))
    assert out.returncode == 0, out.stderr
    wb = load_workbook(out_path)
    assert wb.sheetnames == ["记录", "金额", "指标", "校验", "错误"]
    records = list(wb["记录"].iter_rows(min_row=2, values_only=True))
    assert len(records) == 3  # one report + a workbook of two projects
    header = [c.value for c in wb["记录"][1]]
    row = dict(zip(header, records[0]))
    assert row["全年执行数(元)"] == 29040300 and row["项目名称"] == "2022年农村公路日常养护及安全生命防护工程"
    amounts = list(wb["金额"].iter_rows(min_row=2, values_only=True))
    res = json.loads(run("extract", "--json", files[0]).stdout)
    assert len([a for a in amounts if a[0] == "road-maintenance-2022.docx"]) == len(res["records"][0]["amounts"])
    for a, want in zip(amounts, res["records"][0]["amounts"]):
        assert Decimal(str(a[3])) == Decimal(want["value_yuan"])
        assert a[2] == want["text"]


def test_eval_scores_the_real_dev_corpus(tmp_path):
    from conftest import REAL_DEV

    if not REAL_DEV.exists():
        pytest.skip("../shared/corpora/real-dev not present")
    out = run("eval", str(REAL_DEV), "--json")
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    dev, held = rep["splits"]["development"], rep["splits"]["held_out"]
    assert len(dev["documents"]) == 5 and len(held["documents"]) >= 5
    assert dev["amounts"]["f1"] >= 0.97 and held["amounts"]["f1"] >= 0.9
    assert rep["splits"]["all"]["manifest"]["doc_type"]["total"] == 26
    for sp in (dev, held):  # issue #4: indicator F1 (name + target + actual) ≥ 0.92
        assert sp["indicators"]["tp"] > 0 and sp["indicators"]["f1"] >= 0.92
        assert sp["indicator_fields"]["weight"]["total"] == sp["indicators"]["tp"]


def test_eval_scores_a_generated_corpus_from_its_spec_files():
    samples = Path(__file__).resolve().parents[1] / "corpora" / "samples"
    out = run("eval", str(samples))
    assert out.returncode == 0, out.stderr
    assert "[all] labelled files:" in out.stdout and "indicators (name+target+actual)" in out.stdout
    out = run("eval", str(samples), "--json")
    rep = json.loads(out.stdout)
    assert rep["kind"] == "generated"
    ind = rep["splits"]["all"]["indicators"]
    assert ind["tp"] >= 150 and ind["f1"] >= 0.92


def test_eval_refuses_a_directory_without_labels(tmp_path):
    out = run("eval", str(tmp_path))
    assert out.returncode == 2 and "not a labelled corpus" in out.stderr
