"""spaCy as the annotation layer: ``spacy.blank("zh")`` segmented by jieba (with the domain
dictionary), sentence boundaries from :mod:`extractor.nlp.sents`, and a SpanRuler marking section
headings, comparators and numbers.

Nothing is downloaded: the pipeline is built in code from spaCy's blank Chinese language (no
``zh_core_web_*`` model). It is built once per process (:func:`nlp`). Spans carry character
offsets; :func:`annotate` adds the caller's ``base`` so they point into ``Document.text``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .segment import DomainSegmenter
from .sents import sentences

__all__ = ["Annotated", "SpanHit", "annotate", "nlp"]

_lock = threading.Lock()
_nlp: Language | None = None

SECTION_WORDS = {
    "problems": ["存在的问题", "存在问题", "主要问题", "发现的问题", "问题及原因", "存在的主要问题"],
    "causes": ["原因分析", "偏差原因", "未完成原因", "原因说明"],
    "measures": ["改进措施", "整改措施", "下一步工作", "有关建议", "意见建议", "相关建议", "纠偏措施", "工作计划", "改进建议"],
    "results_use": ["结果应用"],
    "basic_info": ["基本情况", "项目概况", "单位概况", "部门概况"],
    "goals": ["绩效目标"],
    "evaluation": ["评价结论", "综合评价", "自评结论", "评价工作开展情况"],
}
COMPARATORS = ["≥", "≤", ">", "<", "＞", "＜", "不低于", "不少于", "不高于", "不超过", "不足", "以上", "以下", "达到", "超过", "低于", "高于", "约"]


@Language.component("jixiao_sentences")
def _sentence_component(doc: Doc) -> Doc:
    starts = {p.marker[0] if p.marker else p.start for p in sentences(doc.text)}
    for i, tok in enumerate(doc):
        tok.is_sent_start = i == 0 or tok.idx in starts
    return doc


def _patterns() -> list[dict[str, Any]]:
    pats: list[dict[str, Any]] = []
    for label, words in SECTION_WORDS.items():
        for w in words:
            pats.append({"label": "SECTION", "pattern": w, "id": label})
    for w in COMPARATORS:
        pats.append({"label": "COMPARATOR", "pattern": w})
    pats.append({"label": "NUMBER", "pattern": [{"TEXT": {"REGEX": r"^[0-9０-９][0-9０-９,.，．]*%?$"}}]})
    pats.append({"label": "NUMBER", "pattern": [{"LIKE_NUM": True}]})
    return pats


def nlp() -> Language:
    """The process's spaCy pipeline (built at the first call)."""
    global _nlp
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None:
            n = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
            n.tokenizer.jieba_seg = DomainSegmenter()  # our jieba Tokenizer (domain dictionary), not jieba's global one
            n.add_pipe("jixiao_sentences")
            ruler = n.add_pipe("span_ruler", config={"spans_key": "jixiao", "phrase_matcher_attr": "TEXT", "overwrite": False})
            # phrase patterns are matched on tokens: make sure the phrases are tokenised the same way
            ruler.add_patterns(_patterns())
            _nlp = n
    return _nlp


@dataclass(frozen=True, slots=True)
class SpanHit:
    label: str
    start: int
    end: int
    text: str
    id: str = ""


@dataclass(frozen=True, slots=True)
class Annotated:
    doc: Doc
    base: int

    @property
    def sents(self) -> list[tuple[int, int, str]]:
        return [(self.base + s.start_char, self.base + s.end_char, s.text) for s in self.doc.sents]

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.doc]

    @property
    def spans(self) -> list[SpanHit]:
        return [SpanHit(s.label_, self.base + s.start_char, self.base + s.end_char, s.text, s.id_) for s in self.doc.spans.get("jixiao", [])]


def annotate(text: str, base: int = 0) -> Annotated:
    """Segment and annotate ``text``; every offset is ``base`` + the offset in ``text``."""
    return Annotated(nlp()(text), base)
