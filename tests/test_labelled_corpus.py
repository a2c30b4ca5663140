"""The hand-labelled corpora (corpora/labelled/, corpora/real-dev-labels/) obey the gold contract.

Every gold file is checked against the contract of issue #5 (enums, category codes, ids, links,
null statements), every labelled problem / measure / cause text is looked up in the text our
parser reads from the document, and the split covers every document.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from extractor.parsers import parse

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "corpora" / "labelled"
REAL_LABELS = ROOT / "corpora" / "real-dev-labels"
REAL_DEV = ROOT.parent / "shared" / "corpora" / "real-dev"

DOC_TYPES = {
    "ex_ante_assessment", "target_declaration_project", "target_declaration_dept",
    "monitoring_project", "monitoring_dept", "self_eval_project", "self_eval_dept",
    "dept_evaluation", "key_evaluation_third_party", "final_accounts_performance_chapter",
    "bureau_summary", "bureau_circular", "rectification_notice", "audit_report", "other",
}
SECTION_LABELS = {"basic_info", "goals", "indicators", "evaluation", "problems", "causes",
                  "measures", "results_use", "other"}
PROBLEM_CODES = {f"P{i:02d}" for i in range(1, 15)}
MEASURE_CODES = {f"M{i:02d}" for i in range(1, 12)}
SCOPES = {"project", "department", "region_wide", "indicator"}
KINDS = {"整改措施", "改进措施", "下一步计划", "建议", "纠偏措施"}
META_KEYS = {"doc_type", "title", "fiscal_year", "issuer", "implementing_unit", "project_name"}
DOC_EXTS = {".txt", ".docx", ".pdf", ".xlsx"}
_WS = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _labelled_docs() -> list[Path]:
    return sorted(p for p in LABELLED.iterdir() if p.suffix in DOC_EXTS)


def _gold_files() -> list[Path]:
    return sorted(LABELLED.glob("*.gold.json")) + sorted(REAL_LABELS.glob("*.json"))


def _doc_for(gold_path: Path) -> Path:
    if gold_path.parent == LABELLED:
        return LABELLED / gold_path.name[: -len(".gold.json")]
    return REAL_DEV / (gold_path.stem + ".txt")


def _split() -> dict[str, list[str]]:
    with open(LABELLED / "split.toml", "rb") as fh:
        return tomllib.load(fh)


def test_corpus_size_and_pairs():
    docs = _labelled_docs()
    assert len(docs) >= 45
    for doc in docs:
        assert (LABELLED / f"{doc.name}.gold.json").is_file(), doc.name
    for gold in LABELLED.glob("*.gold.json"):
        assert (LABELLED / gold.name[: -len(".gold.json")]).is_file(), gold.name
    stems = {p.stem for p in REAL_DEV.glob("*.txt")} if REAL_DEV.is_dir() else set()
    if stems:
        assert {p.stem for p in REAL_LABELS.glob("*.json")} == stems


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_gold_file_follows_contract(gold_path: Path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = _doc_for(gold_path)
    assert gold["file"] == doc.name
    assert gold["source"] == "hand"
    assert len(gold["records"]) >= 1
    for rec in gold["records"]:
        meta = rec["meta"]
        assert META_KEYS <= set(meta)
        assert meta["doc_type"] in DOC_TYPES
        assert meta["fiscal_year"] is None or isinstance(meta["fiscal_year"], int)
        for sec in rec["sections"]:
            assert sec["label"] in SECTION_LABELS, sec
            assert sec["heading"].strip()
        pids = [p["id"] for p in rec["problems"]]
        mids = [m["id"] for m in rec["measures"]]
        assert len(set(pids)) == len(pids) and len(set(mids)) == len(mids)
        assert not set(pids) & set(mids)
        for p in rec["problems"]:
            assert p["scope"] in SCOPES, p
            assert set(p["categories"]) <= PROBLEM_CODES, p
            assert isinstance(p["is_null_statement"], bool)
            if p["is_null_statement"]:
                assert p["categories"] == [] and p["cause_text"] is None, p
            else:
                assert p["categories"], p
            if p["cause_text"] is not None:
                assert _squash(p["cause_text"]) in _squash(p["text"]), p
        for m in rec["measures"]:
            assert m["kind"] in KINDS, m
            assert set(m["categories"]) <= MEASURE_CODES, m
            assert set(m["addresses_problem_ids"]) <= set(pids), m
            if m.get("is_null_statement"):
                assert m["categories"] == [] and m["addresses_problem_ids"] == [], m
            else:
                assert m["categories"], m
        for item in rec["problems"] + rec["measures"]:
            text = item["text"]
            assert text == text.strip() and text, item
            assert not re.search(r"[。；;]$", text), item


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_labelled_texts_are_in_parsed_text(gold_path: Path):
    doc = _doc_for(gold_path)
    if not doc.is_file():
        pytest.skip(f"{doc} is not on this machine")
    text = _squash(parse(doc).text)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    for rec in gold["records"]:
        for item in rec["problems"] + rec["measures"]:
            assert _squash(item["text"]) in text, (item["id"], item["text"])
            if item.get("cause_text"):
                assert _squash(item["cause_text"]) in text, (item["id"], item["cause_text"])
        for sec in rec["sections"]:
            assert _squash(sec["heading"]) in text, sec


def test_split_covers_every_document_and_type():
    split = _split()
    train, test = split.get("train", []), split.get("test", [])
    assert not set(train) & set(test)
    names = {d.name for d in _labelled_docs()}
    assert set(train) | set(test) == names
    types: dict[str, set[str]] = {"train": set(), "test": set()}
    for part, files in (("train", train), ("test", test)):
        for f in files:
            gold = json.loads((LABELLED / f"{f}.gold.json").read_text(encoding="utf-8"))
            types[part].add(gold["records"][0]["meta"]["doc_type"])
    all_types = types["train"] | types["test"]
    assert all_types <= types["test"], all_types - types["test"]
    assert 0.25 <= len(train) / len(names) <= 0.5
