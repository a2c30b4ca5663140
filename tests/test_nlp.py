"""The Chinese NLP layer: jieba with the domain dictionary, sentences and items split on Chinese
punctuation and list markers, spaCy spans whose offsets point into Document.text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extractor.nlp import annotate, cut, items, load_count, sentences, tokenizer
from extractor.nlp.segment import domain_words
from extractor.parsers import parse

ROOT = Path(__file__).resolve().parents[1]


def test_domain_words_are_not_cut_apart():
    words = cut("本项目年初预算数为35.3万元，全年执行率为98.75%，三级指标和绩效目标均已完成，财政拨款全部到位，偏差原因已说明。")
    for w in ("年初预算数", "执行率", "三级指标", "绩效目标", "财政拨款", "偏差原因", "35.3", "98.75%"):
        assert w in words, (w, words)
    # without the domain dictionary jieba cuts 预算数 apart: the dictionary is what keeps it whole
    import jieba

    plain = jieba.Tokenizer()
    plain.tmp_dir = tokenizer().tmp_dir
    assert "预算数" not in list(plain.cut("年初预算数和预算数", HMM=False))
    assert "预算数" in cut("年初预算数和预算数")


def test_the_dictionary_is_data_and_loaded_once_per_process():
    assert {"预算数", "执行率", "绩效目标", "三级指标", "财政拨款", "学校", "医院"} <= set(domain_words())
    cut("执行率")
    cut("预算数")
    annotate("绩效目标")
    assert load_count() == 1


def test_jieba_writes_nothing_into_an_empty_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    code = "from extractor.nlp import cut, annotate; print('|'.join(cut('全年执行数与执行率'))); annotate('一是预算执行慢。')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "全年执行数|与|执行率"
    assert list(home.iterdir()) == []


def test_sentences_split_on_chinese_punctuation_and_list_markers():
    text = "经自评，存在以下问题：一是预算执行进度偏慢，执行率仅为72.5%；二是绩效目标不够细化。\n（一）资金管理不规范。\n1.加强管理；2.完善制度！①做好归档？统一是好的"
    got = [p.text for p in sentences(text)]
    assert got == ["经自评，存在以下问题", "预算执行进度偏慢，执行率仅为72.5%", "绩效目标不够细化", "资金管理不规范",
                   "加强管理", "完善制度", "做好归档", "统一是好的"]
    for p in sentences(text, base=100):
        assert text[p.start - 100 : p.end - 100] == p.text


def test_items_keep_a_heading_like_lead_with_its_details():
    text = "（一）预算执行进度偏慢。具体表现为支出集中在四季度。\n（二）档案不全。\n特此报告。"
    assert [p.text for p in items(text)] == ["预算执行进度偏慢。具体表现为支出集中在四季度", "档案不全", "特此报告"]


def test_spacy_spans_map_back_into_document_text(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("某局2023年度项目支出绩效自评报告\n四、存在的问题及原因分析\n（一）预算执行率不低于90%的目标未完成；二是资金到位慢。\n", encoding="utf-8")
    doc = parse(path)
    block = next(b for b in doc.blocks if "预算执行率" in b.text)
    a = annotate(block.text, base=block.span[0])
    sents = a.sents
    assert len(sents) == 2
    for s, e, t in sents:
        assert doc.text[s:e] == t
    spans = a.spans
    labels = {(h.label, h.text) for h in spans}
    assert ("COMPARATOR", "不低于") in labels and ("NUMBER", "90%") in labels
    for h in spans:
        assert doc.text[h.start : h.end] == h.text
    head = next(b for b in doc.blocks if "存在的问题" in b.text)
    ha = annotate(head.text, base=head.span[0])
    assert any(h.label == "SECTION" and h.id == "problems" and doc.text[h.start : h.end] == "存在的问题" for h in ha.spans)
    assert "预算执行率" in a.words


def test_word_features_keep_domain_words_and_add_bigrams():
    from extractor.models import word_features

    feats = word_features("全年执行率为98.75%，年初预算数已下达。")
    assert {"执行率", "年初预算数", "98.75%"} <= set(feats)
    assert "执行率 为" in feats or any(f.startswith("执行率 ") for f in feats)  # word bigrams beside the words
    assert "，" not in feats and "。" not in feats  # punctuation is no feature
