"""Indicator tables of every layout, row by row (issue #4).

The labelled layout samples in corpora/samples (MANIFEST.tsv rows whose ``layout`` is not a T1
report) are forms written by corpora/samplegen.py as DOCX, PDF (reportlab, the indicator table
crossing a page break with its header rows repeated and merged 一级 cells cut at the break) and
XLSX (merged ranges). Their ``.spec.json`` labels every indicator row by hand. Each file is
extracted once, as ``jixiao extract`` does, and every field of every row is compared with its label:
levels (raw, whitespace-insensitive, and the enum), name, ★, period, target and actual
(raw/comparator/value/unit), weight and score (as Decimal), deviation text, monitoring cells,
provenance; plus the row count (a 总分/合计 row is not an indicator) and the totals.

Rows are paired in document order within each period (a target declaration lists 中期 and 年度
indicators; their interleaving is a presentation choice), or in plain document order when the
periods extracted do not match the labels. Text is compared with whitespace removed (layout).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest

from extractor.pipeline import process_file
from extractor.settings import ParseOptions

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"
_T1_REPORTS = {"t1_report", "t1_multi"}
with (SAMPLES / "MANIFEST.tsv").open(encoding="utf-8", newline="") as _fh:
    FILES = [r["file"] for r in csv.DictReader(_fh, delimiter="\t") if r.get("layout") and r["layout"] not in _T1_REPORTS]

# The level enums (DOMAIN §6.2), by label as written; any other 二级 label is "other".
LEVEL1 = {
    "产出指标": "output", "效益指标": "effect", "满意度指标": "satisfaction", "成本指标": "cost",
    "部门决策": "decision", "部门管理": "process", "部门产出": "output", "部门效果": "effect",
}
LEVEL2 = {
    "数量指标": "quantity", "质量指标": "quality", "时效指标": "timeliness", "成本指标": "cost",
    "经济效益指标": "economic", "社会效益指标": "social", "生态效益指标": "ecological", "可持续影响指标": "sustainability",
    "服务对象满意度指标": "beneficiary_satisfaction",
    # DOMAIN T2/T5: the 成本 second levels of the newer templates and the department 产出 family
    "经济成本指标": "economic_cost", "社会成本指标": "social_cost", "生态环境成本指标": "eco_cost",
    "产出数量": "quantity", "产出质量": "quality", "产出时效": "timeliness",
}

_results: dict[str, dict[str, Any]] = {}


def _result(name: str) -> dict[str, Any]:
    """The extraction result of one sample, computed once per test session."""
    if name not in _results:
        _results[name] = process_file(SAMPLES / name, ParseOptions(), isolate=False)
    return _results[name]


def _spec(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.spec.json").read_text(encoding="utf-8"))


def _record(name: str) -> dict[str, Any]:
    res = _result(name)
    assert not [e for e in res["errors"] if not str(e.get("code", "")).startswith("warning")], res["errors"]
    assert len(res["records"]) == 1, f"{len(res['records'])} records"
    return res["records"][0]


def _squash(text: Any) -> Any:
    return re.sub(r"\s+", "", text) if isinstance(text, str) else text


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _align(want: list[dict[str, Any]], got: list[dict[str, Any]], label: str) -> list[tuple[str, dict, dict]]:
    """Pair gold and extracted rows in order, aligned on their names so that one extra or missing
    row does not shift every row after it (a renamed row is still paired with the gold row in its place)."""
    matcher = SequenceMatcher(None, [_squash(w["name"]) for w in want], [_squash(g.get("name")) for g in got], autojunk=False)
    pairs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "replace"):
            pairs += [(f"{label}#{i + 1} {want[i]['name']}", want[i], got[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
    return pairs


def _pairs(name: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(row label, gold, extracted): aligned in document order within each period (see the module
    docstring), or over the whole table when the extracted periods do not match the labels."""
    want = _spec(name)["indicators"]
    got = _record(name)["indicators"]
    if not got:
        pytest.fail(f"no indicators extracted (expected {len(want)})")
    if Counter(w["period"] for w in want) != Counter(g.get("period") for g in got):
        return _align(want, got, "")
    pairs = []
    for period in dict.fromkeys(w["period"] for w in want):
        pairs += _align([w for w in want if w["period"] == period], [g for g in got if g.get("period") == period], f"{period} ")
    return pairs


def _check(bad: list[str]) -> None:
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:60])


def _diff(bad: list[str], row: str, field: str, want: Any, got: Any) -> None:
    if want != got:
        bad.append(f"{row}: {field}: expected {want!r}, got {got!r}")


@pytest.mark.parametrize("name", FILES)
def test_one_indicator_per_labelled_row_and_nothing_else(name: str) -> None:
    """No 总分/合计, header or repeated-header row becomes an indicator; periods as labelled."""
    want = _spec(name)["indicators"]
    got = _record(name)["indicators"]
    paired = {id(g) for _row, _w, g in _align(want, got, "")}
    extra = [(g.get("name"), (g.get("target") or {}).get("raw")) for g in got if id(g) not in paired]
    assert len(got) == len(want), f"{len(got)} rows for {len(want)}; not matched to a gold row: {extra}"
    assert Counter(g.get("period") for g in got) == Counter(w["period"] for w in want)


@pytest.mark.parametrize("name", FILES)
def test_names_and_core_marks(name: str) -> None:
    bad: list[str] = []
    for row, w, g in _pairs(name):
        _diff(bad, row, "name", w["name"], g.get("name"))
        _diff(bad, row, "is_core", w["is_core"], g.get("is_core"))
    _check(bad)


@pytest.mark.parametrize("name", FILES)
def test_levels_raw_and_enum(name: str) -> None:
    bad: list[str] = []
    for row, w, g in _pairs(name):
        assert w["level1"] in LEVEL1, w["level1"]  # the label table covers every gold 一级 label
        _diff(bad, row, "level1_raw", _squash(w["level1"]), _squash(g.get("level1_raw")))
        _diff(bad, row, "level2_raw", _squash(w["level2"]), _squash(g.get("level2_raw")))
        _diff(bad, row, "level1", LEVEL1[w["level1"]], g.get("level1"))
        _diff(bad, row, "level2", LEVEL2.get(w["level2"], "other"), g.get("level2"))
    _check(bad)


def _value_diffs(bad: list[str], row: str, field: str, raw: str | None, want: dict | None, got: dict | None) -> None:
    if want is None:
        _diff(bad, row, field, None, got)
        return
    if got is None:
        bad.append(f"{row}: {field}: expected {raw!r} -> {want}, got None")
        return
    _diff(bad, row, f"{field}.raw", _squash(raw), _squash(got.get("raw")))
    for key in ("comparator", "value", "unit"):
        _diff(bad, row, f"{field}.{key}", want[key], got.get(key))


@pytest.mark.parametrize("field", ["target", "actual"])
@pytest.mark.parametrize("name", FILES)
def test_targets_and_actuals(name: str, field: str) -> None:
    bad: list[str] = []
    for row, w, g in _pairs(name):
        _value_diffs(bad, row, field, w[f"{field}_raw"], w[field], g.get(field))
    _check(bad)


@pytest.mark.parametrize("name", FILES)
def test_weights_scores_and_deviation_texts(name: str) -> None:
    bad: list[str] = []
    for row, w, g in _pairs(name):
        _diff(bad, row, "weight", _dec(w["weight"]), _dec(g.get("weight")))
        _diff(bad, row, "score", _dec(w["score"]), _dec(g.get("score")))
        _diff(bad, row, "deviation_text", _squash(w["deviation"]), _squash(g.get("deviation_text")))
    _check(bad)


@pytest.mark.parametrize("name", FILES)
def test_monitoring_cells(name: str) -> None:
    """Progress, forecast, the deviation-cause checklist, likelihood and 纠偏措施 of T4 rows; none elsewhere."""
    bad: list[str] = []
    for row, w, g in _pairs(name):
        want, got = w["monitoring"], g.get("monitoring")
        if want is None or got is None:
            _diff(bad, row, "monitoring", want, got)
            continue
        for key in ("progress_raw", "full_year_forecast_raw", "corrective_text", "likelihood"):
            _diff(bad, row, f"monitoring.{key}", _squash(want[key]), _squash(got.get(key)))
        causes = got.get("deviation_causes") or {}
        for key, cause in want["deviation_causes"].items():
            _diff(bad, row, f"monitoring.deviation_causes.{key}", _squash(cause), _squash(causes.get(key)))
    _check(bad)


@pytest.mark.parametrize("name", FILES)
def test_provenance_points_at_the_row(name: str) -> None:
    """Every indicator has a char_span and a quote holding its name, and a locator for its format:
    the PDF page (and the rows after the page break carry the later page), the XLSX sheet number
    and cell, the DOCX table cell (a DOCX has no page numbers until it is laid out)."""
    bad: list[str] = []
    pages = []
    for row, w, g in _pairs(name):
        prov = g.get("prov") or {}
        span = prov.get("char_span")
        if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] < span[1]):
            bad.append(f"{row}: char_span {span!r}")
        if _squash(w["name"]) not in _squash(prov.get("quote") or ""):
            bad.append(f"{row}: quote {prov.get('quote')!r} does not hold the name")
        if name.endswith((".pdf", ".xlsx")) and not (isinstance(prov.get("page"), int) and prov["page"] >= 1):
            bad.append(f"{row}: page {prov.get('page')!r}")
        if name.endswith(".xlsx") and not prov.get("cell"):
            bad.append(f"{row}: no cell")
        if name.endswith(".docx") and not isinstance((prov.get("table") or {}).get("row"), int):
            bad.append(f"{row}: no table cell {prov.get('table')!r}")
        pages.append(prov.get("page"))
    _check(bad)
    if name.endswith(".pdf"):
        doc_order = [(g.get("prov") or {}).get("page") or 0 for g in _record(name)["indicators"]]
        assert doc_order == sorted(doc_order), doc_order
        assert min(pages) < max(pages), f"every indicator on page {pages[0]}: the table should cross a page break"


TOTALS = [f for f in FILES if _spec(f).get("total")]


@pytest.mark.parametrize("name", TOTALS)
def test_weights_add_up_and_the_total_row_is_the_score(name: str) -> None:
    """The 总分/合计 row gives the record's total, not an indicator; weights + execution weight = 100."""
    spec = _spec(name)
    rec = _record(name)
    score = rec["score"]
    assert _dec((score.get("total_reported") or {}).get("value")) == Decimal(spec["total"]["score"])
    assert _dec(score.get("total_weight")) == Decimal(spec["total"]["weight"])
    execution = (rec["budget"].get("execution_score") or {}).get("weight")
    assert _dec(execution) == Decimal(spec["execution"]["weight"])
    if spec["weights_sum_to_100"]:
        weights = sum((_dec(i.get("weight")) or Decimal(0) for i in rec["indicators"]), Decimal(0))
        assert weights + _dec(execution) == 100


# -- the samples themselves ----------------------------------------------------------------------

import samplegen as sg  # noqa: E402  (corpora/ is on sys.path through conftest.py)


def test_layout_specs_are_consistent_and_cover_every_layout() -> None:
    assert {s.spec_id: sg.layout_errors(s) for s in sg.LAYOUT_SPECS} == {s.spec_id: [] for s in sg.LAYOUT_SPECS}
    assert {s.layout for s in sg.LAYOUT_SPECS} == {"t1_national", "t1_split", "t2_two_tables", "t2_single_table",
                                                   "t4_monitoring", "t3_department"}
    rows = [i for s in sg.LAYOUT_SPECS for i in s.indicators]
    assert sum(i.is_core for i in rows) >= 2 and {i.period for i in rows} == {"annual", "medium_term", "to_date"}
    assert {i.target.comparator for i in rows} >= {">=", "<=", "=", "qualitative"}
    assert any(i.target.unit == "date" for i in rows) and any("," in i.target_raw for i in rows)
    assert {type(c) for i in rows if i.monitoring for c in i.monitoring.causes} == {bool, str, type(None)}
    assert {i.monitoring.likelihood for i in rows if i.monitoring} == {"certain", "possible", "impossible"}
    # the labels in corpora/samples are the generator's
    for spec in sg.LAYOUT_SPECS:
        for fmt in ("docx", "pdf", "xlsx"):
            gold = _spec(f"{spec.spec_id}.{fmt}")
            assert gold == json.loads(json.dumps({"sample": f"{spec.spec_id}.{fmt}", "format": fmt} | sg.layout_facts(spec)))


@pytest.mark.parametrize("spec", sg.LAYOUT_SPECS, ids=lambda s: s.spec_id)
def test_committed_docx_and_xlsx_are_the_generators_output(spec: sg.LayoutSpec, tmp_path: Path) -> None:
    for fmt, write in (("docx", sg.write_layout_docx), ("xlsx", sg.write_layout_xlsx)):
        again = write(spec, tmp_path / f"{spec.spec_id}.{fmt}")
        assert again.read_bytes() == (SAMPLES / f"{spec.spec_id}.{fmt}").read_bytes(), fmt


def test_the_forms_merge_level_cells_and_repeat_indicator_headers() -> None:
    """DOCX: vMerge 一级 cells and w:tblHeader rows; XLSX: merged 一级 ranges; PDF: the indicator
    header row is drawn again at the top of the page the table continues on."""
    import openpyxl
    import pdfplumber
    from docx import Document
    from docx.oxml.ns import qn

    for spec in sg.LAYOUT_SPECS:
        body = Document(str(SAMPLES / f"{spec.spec_id}.docx")).element.body
        xml = body.xml
        assert xml.count("<w:tblHeader/>") >= 1 and 'w:val="restart"' in xml, spec.spec_id
        assert {tc.vMerge for tc in body.iter(qn("w:tc"))} >= {"restart", "continue"}, spec.spec_id
        ws = openpyxl.load_workbook(SAMPLES / f"{spec.spec_id}.xlsx").active
        level1_merges = [r for r in ws.merged_cells.ranges if ws.cell(r.min_row, r.min_col).value in LEVEL1 and r.max_row > r.min_row]
        assert level1_merges, spec.spec_id
        with pdfplumber.open(SAMPLES / f"{spec.spec_id}.pdf") as pdf:
            pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]
        assert len(pages) >= 2 and all("三级指标" in p for p in pages[:2]), spec.spec_id
