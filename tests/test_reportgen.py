"""corpora/reportgen.py: the labelled-report generator of issue #5.

Real files are written in every format and read back with our own parsers; every gold problem and
measure must be found in the parsed text. The gold is checked against the corpus contract, the
generator must be deterministic, and the held-out phrase-bank entries must never leak into train.
"""

from __future__ import annotations

import csv
import json
import re
import string
import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpora"))

import reportgen as rg  # noqa: E402

from extractor.parsers import parse  # noqa: E402

WS = re.compile(r"\s+")
NULL_TEXTS = {"无", "暂无", "不存在问题", "暂无改进措施", "无偏差", "無", "暫無", "不存在問題", "無偏差"}


def squash(text: str) -> str:
    return WS.sub("", text)


def record(doc: rg.GenDoc) -> dict:
    return doc.gold["records"][0]


# ---------------------------------------------------------------------------------------------
# determinism and coverage
# ---------------------------------------------------------------------------------------------

def test_cli_is_deterministic_and_writes_manifest(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert rg.main(["--out", str(out), "--split", "test", "--n", "18", "--seed", "3"]) == 0
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    with open(a / "MANIFEST.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == 18
    formats = set()
    for row in rows:
        assert (a / row["name"]).is_file() and (a / f"{row['name']}.gold.json").is_file()
        gold = json.loads((a / f"{row['name']}.gold.json").read_text(encoding="utf-8"))
        assert gold["file"] == row["name"] and row["split"] == "test"
        assert gold["records"][0]["meta"]["doc_type"] == row["doc_type"]
        assert row["name"].endswith("." + row["format"])
        formats.add(row["format"])
    assert formats == set(rg.FORMATS)  # the test split is written in mixed formats
    split = tomllib.loads((a / "split.toml").read_text(encoding="utf-8"))
    assert split == {"test": [row["name"] for row in rows]}


def test_cli_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        rg.main(["--out", str(tmp_path), "--split", "train", "--formats", "txt,odt"])
    assert not (tmp_path / "MANIFEST.tsv").exists()


def test_iter_documents_same_seed_same_output_and_splits_differ() -> None:
    one = [(d.name, d.text, json.dumps(d.gold, ensure_ascii=False)) for d in rg.iter_documents("train", 8, seed=11)]
    two = [(d.name, d.text, json.dumps(d.gold, ensure_ascii=False)) for d in rg.iter_documents("train", 8, seed=11)]
    assert one == two
    test_texts = {d.text for d in rg.iter_documents("test", 8, seed=11)}
    assert not test_texts & {t for _, t, _ in one}
    other_seed = {d.text for d in rg.iter_documents("train", 8, seed=12)}
    assert not other_seed & {t for _, t, _ in one}


def test_every_doc_type_is_produced_in_both_splits() -> None:
    for split in rg.SPLITS:
        types = {d.doc_type for d in rg.iter_documents(split, len(rg.DOC_TYPES))}
        assert types == set(rg.DOC_TYPES)
    assert len(rg.DOC_TYPES) == 15


# ---------------------------------------------------------------------------------------------
# gold against the contract
# ---------------------------------------------------------------------------------------------

def check_gold(doc: rg.GenDoc) -> None:
    gold = doc.gold
    assert gold["file"] == f"{doc.name}.{doc.fmt}"
    assert gold["source"] == "generated"
    assert gold["generator"]["name"] == "reportgen" and isinstance(gold["generator"]["seed"], int)
    rec = record(doc)
    meta = rec["meta"]
    assert meta["doc_type"] == doc.doc_type in rg.DOC_TYPES
    assert meta["title"] and meta["title"] in doc.text
    assert 2000 < meta["fiscal_year"] < 2100
    for key in ("issuer", "implementing_unit", "project_name"):
        assert meta[key] is None or (isinstance(meta[key], str) and meta[key])
    lines = doc.text.split("\n")
    for sec in rec["sections"]:
        assert sec["label"] in rg.SECTION_LABELS
        assert sec["heading"] in lines  # a heading is a line of its own
        assert re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])", sec["heading"]), sec["heading"]
    text = squash(doc.text)
    pids = [p["id"] for p in rec["problems"]]
    assert pids == [f"p{i}" for i in range(1, len(pids) + 1)]
    for p in rec["problems"]:
        assert p["scope"] in rg.SCOPES
        assert isinstance(p["is_null_statement"], bool)
        assert p["text"] and p["text"][-1] not in "。；;"
        assert "；" not in p["text"] and ";" not in p["text"]  # enumerations split cleanly at ；
        assert squash(p["text"]) in text, p["text"]
        if p["is_null_statement"]:
            assert p["categories"] == [] and p["cause_text"] is None
        else:
            assert p["categories"] and all(c in rg.PROBLEM_CODES for c in p["categories"])
            assert len(set(p["categories"])) == len(p["categories"])
        if p["cause_text"] is not None:
            assert p["cause_text"] in p["text"]
    mids = [m["id"] for m in rec["measures"]]
    assert mids == [f"m{i}" for i in range(1, len(mids) + 1)]
    for m in rec["measures"]:
        assert m["kind"] in rg.MEASURE_KINDS
        assert m["text"] and m["text"][-1] not in "。；;"
        assert "；" not in m["text"] and ";" not in m["text"]
        assert squash(m["text"]) in text, m["text"]
        assert set(m["addresses_problem_ids"]) <= set(pids)
        if m.get("is_null_statement"):
            assert m["categories"] == [] and m["addresses_problem_ids"] == []
        else:
            assert m["categories"] and all(c in rg.MEASURE_CODES for c in m["categories"])


def test_gold_follows_the_contract() -> None:
    docs = list(rg.iter_documents("train", 90)) + list(rg.iter_documents("test", 45))
    for doc in docs:
        check_gold(doc)
    problems = [p for d in docs for p in record(d)["problems"]]
    measures = [m for d in docs for m in record(d)["measures"]]
    # the corpus exercises what the contract describes
    assert {p["scope"] for p in problems} == set(rg.SCOPES)
    assert {k for m in measures for k in [m["kind"]]} == set(rg.MEASURE_KINDS)
    assert {c for p in problems for c in p["categories"]} >= set(rg.PROBLEM_CODES[:12])
    assert {c for m in measures for c in m["categories"]} == set(rg.MEASURE_CODES)
    assert any(len(p["categories"]) > 1 for p in problems)
    assert any(p["is_null_statement"] for p in problems) and any(m.get("is_null_statement") for m in measures)
    assert all(p["text"] in NULL_TEXTS or not p["is_null_statement"] or p["text"] in ("无明显问题", "暂未发现问题", "無明顯問題", "暫未發現問題") for p in problems)
    assert any(p["cause_text"] for p in problems)
    assert any(m["addresses_problem_ids"] for m in measures)
    # problems hidden after 但 in a conclusion, deviation cells, monitoring cells
    assert any("但" + squash(p["text"]) in squash(d.text) for d in docs for p in record(d)["problems"])
    labels = {s["label"] for d in docs for s in record(d)["sections"]}
    assert labels == set(rg.SECTION_LABELS)
    # the monitoring-titled self-evaluation confuser exists
    assert any(d.doc_type == "self_eval_project" and "监控" in record(d)["meta"]["title"] for d in rg.iter_documents("train", 200))


def test_problem_words_also_appear_outside_problems() -> None:
    """'Other' sentences carry problem-ish words too, so single words cannot decide."""
    docs = list(rg.iter_documents("train", 60))
    outside = 0
    for d in docs:
        text = d.text
        for p in record(d)["problems"] + record(d)["measures"]:
            text = text.replace(p["text"], "")
        outside += sum(text.count(w) for w in ("未发生", "加强了", "及时足额", "未发现", "问题"))
    assert outside >= 20


# ---------------------------------------------------------------------------------------------
# every gold text is in what our parser reads, for every format (with and without noise)
# ---------------------------------------------------------------------------------------------

NOISY = {"trad": True, "ocr": True, "fullwidth": True, "stray": True, "wrap": True, "gb18030": True, "pipes": True, "furniture": True,
         "pinyin": True, "chrome": True}
NFKC = {"nfkc": True, "trad": False, "furniture": True}
QUIET = {k: False for k in NOISY}


@pytest.mark.parametrize("fmt", rg.FORMATS)
def test_gold_texts_found_in_parsed_document(fmt: str, tmp_path: Path) -> None:
    checked = 0
    kinds = set()
    for i in range(10):
        noise = (QUIET, NOISY, NFKC)[i % 3]
        doc = rg.generate("test", 100 + i, seed=5, formats=(fmt,), noise=noise)
        if doc.fmt != fmt:  # XLSX is only written for table types
            continue
        path = rg.write_document(doc, tmp_path)
        parsed = squash(parse(path).text)
        gold = json.loads(Path(f"{path}.gold.json").read_text(encoding="utf-8"))
        rec = gold["records"][0]
        for item in rec["problems"] + rec["measures"]:
            assert squash(item["text"]) in parsed, (path.name, item["text"])
            checked += 1
        assert squash(rec["meta"]["title"]) in parsed
        for sec in rec["sections"]:
            assert squash(sec["heading"]) in parsed
        kinds.add(doc.doc_type)
        if noise.get("trad") and fmt != "xlsx":
            assert any(ch in parsed for ch in "這項會與個為發實說")  # Traditional characters survived
        if noise.get("pinyin"):
            assert re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔù]+\)", parsed)  # 項(xiàng)目
        if noise.get("nfkc"):
            assert "，" not in parsed and "," in parsed
    assert checked >= 10 and len(kinds) >= 3


def test_gb18030_txt_and_wrapped_lines(tmp_path: Path) -> None:
    doc = rg.generate("train", 5, seed=1, formats=("txt",), noise=NOISY)
    path = rg.write_document(doc, tmp_path)
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    long_paras = [t for t in ("".join(s.text for s in blk.segs) for blk in doc.blocks if blk.kind == "para") if len(t) > 45]
    assert long_paras and not any(ln in text.split("\n") for ln in long_paras)  # hard-wrapped in the file
    assert doc.furniture[0] and text.count(doc.furniture[0]) >= 1
    parsed = parse(path)
    assert parsed.source.encoding and "18030" in parsed.source.encoding.lower().replace("-", "")


# ---------------------------------------------------------------------------------------------
# held-out wording
# ---------------------------------------------------------------------------------------------

def _fragments(entry: str) -> list[str]:
    """Literal pieces of a template (between slots), long enough to be telling."""
    parts = [lit for lit, _, _, _ in string.Formatter().parse(entry)]
    return [p.strip("，。；、：“”") for p in parts if len(p.strip("，。；、：“”")) >= 8]


def _telling(held: set[str], other_side: list[str]) -> list[str]:
    """Fragments of `held` entries that no entry of the other side contains."""
    out = []
    for e in held:
        for frag in _fragments(e):
            if not any(frag in o for o in other_side):
                out.append(frag)
    return out


def test_holdout_share_and_disjointness() -> None:
    banks = rg.load_banks()
    held = rg.holdout_entries()
    total = sum(len({e for e in v if len(e) >= 2}) for v in banks.values())
    n_held = sum(len(v) for v in held.values())
    assert 0.25 <= n_held / total <= 0.4
    for bank, entries in banks.items():
        distinct = {e for e in entries if len(e) >= 2}
        if len(distinct) >= 2:
            assert held[bank] and held[bank] < distinct, bank

    test_only = {e for v in held.values() for e in v}
    train_only = {e for bank, v in banks.items() for e in v if e not in held[bank] and len(e) >= 2 and len({x for x in v if len(x) >= 2}) >= 2}
    test_frags = _telling(test_only, sorted(train_only))
    train_frags = _telling(train_only, sorted(test_only))
    assert len(test_frags) > 50 and len(train_frags) > 100

    train_text = "\n".join(d.text for d in rg.iter_documents("train", 150))
    test_text = "\n".join(d.text for d in rg.iter_documents("test", 150))
    leaked = [f for f in test_frags if f in train_text]
    assert leaked == []
    assert [f for f in train_frags if f in test_text] == []
    # positive control: the test split does use its own held-out wording
    assert sum(f in test_text for f in test_frags) > len(test_frags) // 3


def test_the_bureaus_notices_are_circulars_and_other_is_not_the_bureaus_performance_work() -> None:
    """DOMAIN §1.3(i): the finance bureau's notices and 通报 (issuing rules, launching a round of
    work, publishing results) are bureau_circular; `other` is left for documents that are not
    budget-performance documents of the bureau (a meeting notice, a news item, a procurement
    announcement, a unit's request)."""
    for split in ("train", "test"):
        docs = list(rg.iter_documents(split, 260))
        circ = [d.gold["records"][0]["meta"]["title"] for d in docs if d.doc_type == "bureau_circular"]
        other = [d.gold["records"][0]["meta"]["title"] for d in docs if d.doc_type == "other"]
        assert circ and other
        assert any(re.search(r"关于(?:印发|開展|开展|做好|印發)", t) for t in circ), circ
        assert any(re.search(r"公[开示開]|公告", t) for t in circ), circ
        assert not any(re.search(r"关于(?:印发|开展|做好)|關於(?:印發|開展|做好)", t) for t in other), other
        summaries = [d.text for d in docs if d.doc_type == "bureau_summary"]
        assert any(re.search(r"一是[^\n]{0,12}(?:事前|目标)", s) for s in summaries)  # a summary opening with the year's work, item by item
