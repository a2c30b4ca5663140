"""Section tagger: the numbered top-level headings of a report (level 1 一、 and level 2 （一）)
with a label from the heading text, or, when the heading says nothing known, from its content.

Labels (corpus contract): basic_info, goals, indicators, evaluation, problems, causes, measures,
results_use, other. A heading naming both problems and measures ("存在的问题及改进措施") is
``problems``; its items are sorted one by one by the problems extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..document import BlockKind, Document
from ..layout import classify_line
from ..textnorm import fold_key
from .stream import Tok

__all__ = ["NAME", "VERSION", "Section", "find_sections", "label_heading", "section_dicts"]

NAME, VERSION = "sections", "0.1.0"

# (label, pattern on the folded heading without its marker); first match wins
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("other", re.compile(r"^其他(?:需要)?(?:说明|需说明)")),
    ("results_use", re.compile(r"结果(?:的)?(?:应用|运用|公开)|应用情况")),
    ("problems", re.compile(r"问题|不足|短板|薄弱环节")),
    ("measures", re.compile(r"措施|建议|下一步|改进|整改|工作(?:计划|安排|打算|思路)|努力方向|意见")),
    ("causes", re.compile(r"原因")),
    ("indicators", re.compile(r"指标|绩效分析|完成情况|实现情况|产出|效益|满意度|履职|执行情况|目标完成|绩效情况")),
    ("evaluation", re.compile(r"评价结论|自评结论|综合评价|总体评价|评价(?:工作)?(?:开展|组织|实施)|自评(?:工作)?(?:开展|组织|情况)|评估(?:工作)?开展|监控(?:工作)?开展|评价结果|评分|得分|结论|评价情况|总体(?:评估|结论)")),
    ("goals", re.compile(r"绩效目标|目标(?:设定|设置|情况)|总体目标|年度目标")),
    ("basic_info", re.compile(r"基本情况|概况|简介|背景|职能|机构|单位情况|部门情况|资金(?:安排|情况|来源|使用|投入|管理)|收支|预算(?:安排|情况)")),
]


def label_heading(text: str) -> str:
    """The contract's label for a heading's text (marker and punctuation ignored); "other" when unknown."""
    key = fold_key(re.sub(r"^\s*[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]?", "", text))
    for label, rx in _RULES:
        if rx.search(key):
            return label
    return "other"


@dataclass(slots=True)
class Section:
    heading: str
    label: str
    level: int
    start: int  # span of the heading in Document.text
    end: int
    first: int  # stream index of the first token after the heading
    last: int  # stream index after the section's last token (the next heading of the same or a higher level)
    parent: int | None = None  # index of the enclosing level-1 section in the list
    label_from: str = "heading"  # heading | content | parent
    extra: dict[str, Any] = field(default_factory=dict)


_HEAD = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")


def _heading_level(doc: Document, t: Tok) -> int | None:
    if t.table is not None:
        return None
    b = doc.blocks[t.block]
    if b.kind == BlockKind.HEADING and b.level in (1, 2):
        return b.level
    text = t.text.strip()
    if not _HEAD.match(text) or len(text) > 40:
        return None
    kind, level, _ = classify_line(text)
    if kind == "heading" and level in (1, 2):
        return level
    return None


def find_sections(doc: Document, stream: list[Tok]) -> list[Section]:
    """Level-1 and level-2 numbered headings in order, each with its token range and label."""
    out: list[Section] = []
    for t in stream:
        lvl = _heading_level(doc, t)
        if lvl is None:
            continue
        text = t.text.strip()
        lead = len(t.text) - len(t.text.lstrip())
        out.append(Section(text, label_heading(text), lvl, t.start + lead, t.start + lead + len(text), t.i + 1, len(stream)))
    for k, s in enumerate(out):
        for nxt in out[k + 1:]:
            if nxt.level <= s.level or s.level == 2:
                s.last = nxt.first - 1
                break
        if s.level == 2:
            for j in range(k - 1, -1, -1):
                if out[j].level == 1:
                    s.parent = j
                    break
    for s in out:  # a sub-heading that names nothing known inside a problems/measures part belongs to it
        if s.label == "other" and s.parent is not None and out[s.parent].label in ("problems", "measures", "causes"):
            s.label, s.label_from = out[s.parent].label, "parent"
    return out


def effective_label(sections: list[Section], tok_index: int) -> tuple[str, Section | None]:
    """The label of the innermost section holding a token (a level-2 "other" inherits its parent's)."""
    best: Section | None = None
    for s in sections:
        if s.first <= tok_index < s.last and (best is None or s.level >= best.level):
            best = s
    if best is None:
        return "other", None
    if best.label == "other" and best.parent is not None:
        return sections[best.parent].label, best
    return best.label, best


def section_dicts(sections: list[Section]) -> list[dict[str, Any]]:
    return [{"heading": s.heading, "label": s.label, "level": s.level, "char_span": [s.start, s.end], "label_from": s.label_from}
            for s in sections]
