"""`jixiao eval` on issue-#5 labelled corpora: the matching rules of the corpus contract, the
per-document misses, `--min` thresholds, and the figures reached, locked in on the hand-labelled
test split, the generated test split and the real development texts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REAL_DEV
from extractor.eval_labelled import match_items, norm

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = [sys.executable, "-m", "extractor.cli"]

# What has been reached (README "NLP layer"), a little below the measured figures so that an
# unrelated small change does not fail CI, but a real regression does.
LABELLED_MIN = ["problems=0.85", "measures=0.93", "doc_type=0.95", "sections=0.8", "problem_categories=0.65", "measure_categories=0.55", "links=0.6"]
GENERATED_MIN = ["problems=0.9", "measures=0.9", "doc_type=0.97", "sections=0.8", "problem_categories=0.78", "measure_categories=0.75", "links=0.7"]
REAL_DEV_MIN = ["doc_type=0.95", "problems=0.95", "measures=0.9", "problems_indicator=0.95"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JIXIAO, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_matching_follows_the_corpus_contract():
    assert norm("（一）預算執行進度偏慢。") == norm("预算执行进度偏慢")
    gold = [{"text": "一是预算执行进度偏慢，执行率仅为72%"}, {"text": "无", "is_null_statement": True}, {"text": "档案资料不全"}]
    pred = [{"text": "预算执行进度偏慢，执行率仅为72%；"}, {"text": "无", "is_null_statement": False}, {"text": "绩效目标不够细化"}]
    pairs = match_items(gold, pred)
    assert [(i, j) for i, j, _ in pairs] == [(0, 0)]  # a null statement only matches a null statement


def _write_corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text("某局2023年度项目支出绩效自评报告\n一、存在的问题\n一是预算执行进度偏慢，执行率仅为65%；二是档案资料归档不全。\n"
                             "二、改进措施\n加快预算执行进度。\n", encoding="utf-8")
    gold = {"file": "a.txt", "source": "hand", "records": [{
        "meta": {"doc_type": "self_eval_project"},
        "sections": [{"heading": "一、存在的问题", "label": "problems"}, {"heading": "二、改进措施", "label": "measures"}],
        "problems": [{"id": "p1", "text": "预算执行进度偏慢，执行率仅为65%", "cause_text": None, "categories": ["P03"], "scope": "project", "is_null_statement": False},
                     {"id": "p2", "text": "档案资料归档不全", "cause_text": None, "categories": ["P11"], "scope": "project", "is_null_statement": False},
                     {"id": "p3", "text": "满意度调查样本偏少", "cause_text": None, "categories": ["P08"], "scope": "project", "is_null_statement": False}],
        "measures": [{"id": "m1", "text": "加快预算执行进度", "categories": ["M03"], "kind": "改进措施", "addresses_problem_ids": ["p1"]}],
    }]}
    (d / "a.txt.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (d / "split.toml").write_text('train = []\ntest = ["a.txt"]\n', encoding="utf-8")
    return d


def test_eval_reports_scores_misses_and_thresholds(tmp_path):
    corpus = _write_corpus(tmp_path)
    out = run("eval", str(corpus), "--json")
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    test = rep["splits"]["test"]
    assert test["documents"] == ["a.txt"]
    assert (test["problems"]["tp"], test["problems"]["fn"], test["problems"]["fp"]) == (2, 1, 0)  # p3 is not in the text
    assert test["measures"]["tp"] == 1 and test["sections"]["f1"] == 1.0 and test["doc_type"]["accuracy"] == 1.0
    assert rep["misses"][0]["problems"]["missed"] == ["满意度调查样本偏少"]
    out = run("eval", str(corpus), "--min", "problems=0.9", "--min", "measures=0.5")
    assert out.returncode == 1 and "problems" in out.stderr and "below" in out.stderr
    assert "misses per document" in out.stdout and "满意度调查样本偏少" in out.stdout
    assert run("eval", str(corpus), "--min", "problems=0.7").returncode == 0
    assert run("eval", str(corpus), "--min", "nonsense=0.1").returncode == 1


def test_hand_labelled_test_split_meets_the_locked_in_figures():
    out = run("eval", "corpora/labelled", *[a for m in LABELLED_MIN for a in ("--min", m)])
    assert out.returncode == 0, out.stderr + out.stdout[:3000]
    assert "[test] labelled documents:" in out.stdout


def test_generated_test_split_meets_the_locked_in_figures(tmp_path):
    gen = subprocess.run([sys.executable, "corpora/reportgen.py", "--out", str(tmp_path / "gen"), "--split", "test"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert gen.returncode == 0, gen.stderr
    out = run("eval", str(tmp_path / "gen"), *[a for m in GENERATED_MIN for a in ("--min", m)])
    assert out.returncode == 0, out.stderr + out.stdout[:3000]


@pytest.mark.skipif(not REAL_DEV.exists(), reason="../shared/corpora/real-dev not present")
def test_real_dev_meets_the_locked_in_figures():
    out = run("eval", str(REAL_DEV), "--json", *[a for m in REAL_DEV_MIN for a in ("--min", m)])
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    lab = rep["labelled"]["splits"]["all"]
    assert len(lab["documents"]) == 26 and lab["doc_type"]["total"] == 26
    # the real-dev gold's convention (problems only from problem sections): no section problem is
    # in these excerpts, and none is invented; the indicator deviations are scored apart
    assert (lab["problems_sections"]["tp"], lab["problems_sections"]["fp"], lab["problems_sections"]["fn"]) == (0, 0, 0)
    ind = lab["problems_indicator"]
    assert ind["tp"] + ind["fn"] == lab["problems"]["tp"] + lab["problems"]["fn"] and ind["tp"] >= 2
    assert rep["splits"]["all"]["manifest"]["doc_type"]["total"] == 26  # what eval scored before issue #5 is still there
