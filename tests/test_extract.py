"""Extraction end to end on real files: the committed samples (PDF, DOCX, DOC, XLSX, TXT made
from one spec), generated files with deliberate defects, and the real development texts."""

from __future__ import annotations

import csv
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import REAL_DEV
from extractor.extract.checks import run_checks
from extractor.extract.score import grade_for
from extractor.numbers import format_yuan
from extractor.parsers import parse
from extractor.pipeline import process_file, result_for_document

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"
MANIFEST = list(csv.DictReader((SAMPLES / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
MANIFEST = [r for r in MANIFEST if r.get("layout") in (None, "t1_report", "t1_multi")]  # the labelled layouts (issue #4) are tested in test_indicator_layouts.py
SPECS = sorted({r["spec_id"] for r in MANIFEST if "multi" not in r["file"]}) if MANIFEST and "spec_id" in MANIFEST[0] else []
FORMATS = ("pdf", "docx", "xlsx", "txt", "doc")

_cache: dict[str, dict] = {}


def _result(path: Path) -> dict:
    key = str(path)
    if key not in _cache:
        _cache[key] = process_file(path, isolate=False)
    return _cache[key]


def _stems() -> list[str]:
    return sorted({Path(r["file"]).stem for r in MANIFEST if "multi" not in r["file"]})


def _spec(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.spec.json").read_text(encoding="utf-8"))


def _wan(s: str) -> str:
    return format_yuan(Decimal(s) * 10000)


def _table_amounts(rec: dict) -> Counter:
    """The self-evaluation table's money cells: funds lines, goal cells and indicator cells."""
    roles = {"goal_target", "goal_actual", "indicator_target", "indicator_actual", "cost_target", "cost_actual"}
    return Counter(
        (a["value_yuan"], a["role"], a["line"]) for a in rec["amounts"]
        if a["line"] is not None or (a["role"] in roles and a["prov"]["table"] is not None) or (a["role"] in roles and a["prov"]["cell"])
    )


def _budget(rec: dict) -> dict:
    b = rec["budget"]
    return {k: (b[k] or {}).get("value") for k in ("initial", "full_year", "executed", "execution_rate_reported")} | {
        "computed": b["execution_rate_computed"], "lines": [(ln["role"], (ln["initial"] or {}).get("value"), (ln["full_year"] or {}).get("value"), (ln["executed"] or {}).get("value")) for ln in b["lines"]],
    }


@pytest.mark.parametrize("stem", _stems())
def test_every_format_gives_the_same_budget_block_and_table_amounts(stem):
    """The issue's cross-format promise: PDF, DOCX, DOC, XLSX and TXT of one report agree."""
    files = [SAMPLES / f"{stem}.{ext}" for ext in FORMATS if (SAMPLES / f"{stem}.{ext}").exists()]
    assert len(files) >= 4
    results = {f.suffix: _result(f) for f in files}
    budgets = {ext: _budget(r["records"][0]) for ext, r in results.items()}
    tables = {ext: _table_amounts(r["records"][0]) for ext, r in results.items()}
    first = files[0].suffix
    for ext in results:
        assert budgets[ext] == budgets[first], ext
        assert tables[ext] == tables[first], ext
    # the report's prose is in every format but the workbook: those agree on every amount
    prose_formats = [ext for ext in results if ext != ".xlsx"]
    every = {ext: Counter((a["value_yuan"], a["role"]) for a in results[ext]["records"][0]["amounts"]) for ext in prose_formats}
    for ext in prose_formats:
        assert every[ext] == every[prose_formats[0]], ext


@pytest.mark.parametrize("stem", _stems())
def test_budget_block_and_score_match_what_the_generator_wrote(stem):
    spec = _spec(f"{stem}.docx")
    rec = _result(SAMPLES / f"{stem}.docx")["records"][0]
    total = spec["budget"][0]
    b = rec["budget"]
    assert b["initial"]["value"] == _wan(total["initial"])
    assert b["full_year"]["value"] == _wan(total["full_year"])
    assert b["executed"]["value"] == _wan(total["executed"])
    assert b["line_used"] == "total"
    assert Decimal(b["execution_rate_reported"]["value"]) == Decimal(spec["execution"]["rate"].rstrip("%"))
    want_rate = (Decimal(total["executed"]) * 100 / Decimal(total["full_year"])).quantize(Decimal("0.01"))
    assert Decimal(b["execution_rate_computed"]) == want_rate
    # every funds line, with its role, in yuan
    lines = {ln["label_raw"].replace("其中：", "").replace("其中:", ""): ln for ln in b["lines"]}
    for row in spec["budget"]:
        ln = lines[row["label"].replace("其中：", "")]
        assert ln["initial"]["value"] == _wan(row["initial"])
        assert ln["executed"]["value"] == _wan(row["executed"])
    s = rec["score"]
    assert Decimal(s["total_reported"]["value"]) == Decimal(spec["total"]["score"])
    assert Decimal(s["total_computed"]) == Decimal(spec["indicator_score_sum"]) + Decimal(spec["execution"]["score"])
    assert s["grade_computed"] == grade_for(Decimal(spec["total"]["score"]))
    assert s["grade_normalized"] == spec["grade"]
    m = rec["meta"]
    assert m["fiscal_year"]["value"] == spec["fiscal_year"]
    assert m["implementing_unit"]["value"] == spec["unit"]
    assert m["supervising_dept"]["value"] == spec["supervising_dept"]
    assert m["project_name"]["value"] == spec["project_name"]
    assert m["report_date"]["value"] == spec["report_date"]
    assert m["doc_type"] == "self_eval_project"
    assert len(rec["indicators"]) == len(spec["indicators"])
    by_id = {v["check_id"]: v for v in rec["validations"]}
    assert sorted(by_id) == [f"C{n:02d}" for n in range(1, 20)]
    for cid in ("C01", "C02", "C03", "C04", "C05", "C07", "C08", "C15"):
        assert by_id[cid]["status"] == "pass", by_id[cid]  # C15: the 追加 amount in the prose is an adjustment, not a budget


def test_provenance_points_at_the_source_in_every_format():
    for ext in ("pdf", "docx", "xlsx", "txt"):
        path = SAMPLES / f"road-maintenance-2022.{ext}"
        doc = parse(path)
        res = result_for_document(doc)
        assert res["document"]["text_sha256"] == doc.text_sha256
        rec = res["records"][0]
        for a in rec["amounts"]:
            p = a["prov"]
            s, e = p["char_span"]
            assert doc.text[s:e] == p["quote"] == a["text"]
            assert 0 < p["confidence"] <= 1
            assert p["extractor"].startswith("amounts@")
            if ext == "pdf":
                assert p["page"] >= 1 and p["bbox"] is not None
                x0, top, x1, bottom = p["bbox"]
                assert x0 < x1 and top < bottom
            if ext == "xlsx":
                assert p["sheet"] and p["cell"]
        for key in ("initial", "full_year", "executed"):
            f = rec["budget"][key]
            assert doc.text[f["prov"]["char_span"][0] : f["prov"]["char_span"][1]] == f["raw"]
            assert f["prov"]["table"] is not None
        # a value read from a table cell under a recognised header is surer than one from prose
        table_conf = min(a["prov"]["confidence"] for a in rec["amounts"] if a["line"])
        assert table_conf >= max((a["prov"]["confidence"] for a in rec["amounts"] if a["prov"]["table"] is None and not a["prov"]["cell"]), default=0)


def test_a_workbook_stacking_two_projects_gives_two_records():
    res = _result(SAMPLES / "health-2024-multi.xlsx")
    spec = json.loads((SAMPLES / "health-2024-multi.xlsx.spec.json").read_text(encoding="utf-8"))
    projects = spec["projects"] if "projects" in spec else spec
    assert len(res["records"]) == 2
    names = [r["meta"]["project_name"]["value"] for r in res["records"]]
    assert len(set(names)) == 2
    for rec, p in zip(res["records"], projects if isinstance(projects, list) else []):
        assert rec["meta"]["project_name"]["value"] == p["project_name"]
        assert rec["budget"]["executed"]["value"] == _wan(p["budget"][0]["executed"])
    # the records do not share amounts: each reads its own table
    a0 = {a["prov"]["char_span"][0] for a in res["records"][0]["amounts"]}
    a1 = {a["prov"]["char_span"][0] for a in res["records"][1]["amounts"]}
    assert a0 and a1 and not (a0 & a1)


def _funds_xlsx(path: Path, rows: list[list[object]], *, rate: str, score: str, total: str, grade: str | None, output_score: str = "50") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目支出绩效自评表（2023年度）"])
    ws.append(["填报单位（盖章）：测试县财政局", None, None, None, "单位：万元"])
    ws.append(["项目名称", "测试项目"])
    ws.append(["主管部门", "测试县财政局", "实施单位", "测试中心"])
    ws.append(["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    for r in rows:
        ws.append(r)
    ws.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    ws.append([None, "产出指标", "数量指标", "完成户数", "≥100户", "100户", "50", output_score, None])
    ws.append([None, "效益指标", "社会效益指标", "受益人数", "≥300人", "320人", "30", "30", None])
    ws.append([None, "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", "10", "10", None])
    ws.append(["总分", None, None, None, None, None, "100", total, None])
    if grade:
        ws.append(["自评等级", grade])
    ws["A3"].value = "项目名称"
    ws.cell(row=6, column=7).value = rate
    ws.cell(row=6, column=8).value = score
    wb.save(path)
    return path


def test_checks_catch_a_table_that_breaks_the_rules(tmp_path):
    """Sources that do not add up, a rate on the wrong base, a score sum and grade that disagree."""
    path = _funds_xlsx(tmp_path / "bad.xlsx", [
        ["年度资金总额", None, "100", "120", "90", "10", None, None],
        ["其中：当年财政拨款", None, "100", "100", "80", "/", "/", "/"],
        ["上年结转资金", None, "0", "10", "10", "/", "/", "/"],
    ], rate="90%", score="9", total="95", grade="优", output_score="55")
    res = process_file(path, isolate=False)
    rec = res["records"][0]
    by = {v["check_id"]: v for v in rec["validations"]}
    assert rec["budget"]["full_year"]["value"] == "1200000.00"
    assert rec["budget"]["execution_rate_computed"] == "75.00"
    assert by["C01"]["status"] == "fail" and "full_year" in by["C01"]["message"]  # 100 + 10 ≠ 120
    assert by["C02"]["status"] == "warn" and "年初" in by["C02"]["message"]  # 90/100: rate on the initial budget
    assert by["C04"]["status"] == "warn"  # 9 written, min(75%,1)×10 = 7.5
    assert by["C05"]["status"] == "fail"  # 55 of a weight of 50
    assert by["C07"]["status"] == "fail"  # 9 + 55 + 30 + 10 = 104 ≠ 95
    assert by["C09"]["status"] == "warn"  # target met, but 55 is above the full weight the rule gives
    assert by["C08"]["status"] == "pass"  # 95 is 优


def test_checks_pass_on_a_consistent_table(tmp_path):
    path = _funds_xlsx(tmp_path / "good.xlsx", [
        ["年度资金总额", None, "100", "120", "108", "10", None, None],
        ["其中：当年财政拨款", None, "100", "110", "99", "/", "/", "/"],
        ["上年结转资金", None, "0", "10", "9", "/", "/", "/"],
    ], rate="90.00%", score="9", total="99", grade="优")
    res = process_file(path, isolate=False)
    rec = res["records"][0]
    by = {v["check_id"]: v for v in rec["validations"]}
    for cid in ("C01", "C02", "C03", "C04", "C06", "C07", "C08"):
        assert by[cid]["status"] == "pass", by[cid]


def test_grade_bands_are_half_open_on_the_unrounded_total():
    assert grade_for(Decimal("90")) == "优"
    assert grade_for(Decimal("89.99")) == "良"
    assert grade_for(Decimal("89.5")) == "良"
    assert grade_for(Decimal("80")) == "良"
    assert grade_for(Decimal("79.9")) == "中"
    assert grade_for(Decimal("60")) == "中"
    assert grade_for(Decimal("59.99")) == "差"
    assert grade_for(Decimal("74.05"), "pass_fail_60") == "合格"


def test_checks_rerun_on_a_corrected_record():
    """Checks read the record, so a reviewer's correction changes their outcome."""
    rec = _result(SAMPLES / "school-meal-2023.docx")["records"][0]
    fixed = json.loads(json.dumps(rec))
    fixed["score"]["total_reported"]["value"] = "50"
    by = {v["check_id"]: v for v in run_checks(fixed)}
    assert by["C07"]["status"] == "fail"
    assert by["C08"]["status"] == "fail"


# -- the real development texts ----------------------------------------------------------------

GOLD = sorted((REAL_DEV / "gold").glob("*.json")) if REAL_DEV.exists() else []


@pytest.mark.skipif(not GOLD, reason="../shared/corpora/real-dev not present")
@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem)
def test_real_dev_amounts_and_budget_match_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    rec = _result(REAL_DEV / gold["file"])["records"][0]
    got = Counter(Decimal(a["value_yuan"]) for a in rec["amounts"])
    want = Counter(Decimal(a["yuan"]) for a in gold["amounts"])
    assert got == want
    for gk, pk in (("initial_budget", "initial"), ("adjusted_budget", "full_year"), ("executed", "executed")):
        g = gold["budget"].get(gk)
        p = rec["budget"][pk]
        assert (Decimal(g["yuan"]) if g else None) == (Decimal(p["value"]) if p else None), gk


@pytest.mark.skipif(not REAL_DEV.exists(), reason="../shared/corpora/real-dev not present")
def test_every_real_dev_text_extracts_without_error():
    for path in sorted(REAL_DEV.glob("*.txt")):
        res = _result(path)
        assert not [e for e in res["errors"] if not e["code"].startswith("warning:")], path.name
        assert res["records"], path.name
        for rec in res["records"]:
            for a in rec["amounts"]:
                assert Decimal(a["value_yuan"]) >= 0
                assert "." in a["value_yuan"] and len(a["value_yuan"].split(".")[1]) == 2
