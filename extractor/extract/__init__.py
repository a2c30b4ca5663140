"""Extraction: Document -> the SCHEMA.md records (one per project or department evaluated)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ..document import Document
from .amounts import VERSION as AMOUNTS_VERSION
from .amounts import amount_dict, extract_amounts
from .budget import VERSION as BUDGET_VERSION
from .budget import extract_budget
from .checks import VERSION as CHECKS_VERSION
from .checks import run_checks
from .fields import Ctx
from .indicators import VERSION as INDICATORS_VERSION
from .indicators import indicator_dicts
from .lexicon import strip_label
from .prose_indicators import prose_indicators
from .fused_indicators import fused_indicators
from .meta import VERSION as META_VERSION
from .meta import extract_meta
from .doctype import VERSION as DOCTYPE_VERSION
from .doctype import classify as classify_doc_type_content
from .problems import VERSION as PROBLEMS_VERSION
from .problems import extract_problems
from .sections import VERSION as SECTIONS_VERSION
from .sections import find_sections, section_dicts
from .score import VERSION as SCORE_VERSION
from .score import extract_score
from .stream import Tok, build_stream
from .tables import read_tables

__all__ = ["ExtractOptions", "EXTRACTORS", "extract_records", "split_records"]

EXTRACTORS = [
    {"name": "metadata", "version": META_VERSION},
    {"name": "amounts", "version": AMOUNTS_VERSION},
    {"name": "budget", "version": BUDGET_VERSION},
    {"name": "indicators", "version": INDICATORS_VERSION},
    {"name": "score", "version": SCORE_VERSION},
    {"name": "checks", "version": CHECKS_VERSION},
    {"name": "doctype", "version": DOCTYPE_VERSION},
    {"name": "sections", "version": SECTIONS_VERSION},
    {"name": "problems", "version": PROBLEMS_VERSION},
]


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    grade_scheme: str = "mof_2020_10"
    amount_tolerance_wan: str = "0.01"  # C01/C15 tolerance in 万元 (DOMAIN §3.5)
    score_tolerance: str = "0.1"
    overperformance_ratio: str = "1.3"  # C11: actual ≥ 130% of target needs an explanation


def split_records(stream: list[Tok]) -> list[list[Tok]]:
    """One part per project when a file stacks several project tables (XLSX exports, 决算 annexes).

    A new part starts at each 项目名称 label after the first, moved back over the table's title
    rows just above it; a file with one 项目名称 (or none) is one part.
    """
    marks = [t.i for t in stream if t.key and re.match(r"^项目名称[:：]?", strip_label(t.key)) and len(t.key) <= 60]
    if len(marks) < 2:
        return [stream]
    starts = [0]
    for m in marks[1:]:
        k = m
        for j in range(m - 1, max(m - 4, starts[-1]), -1):
            key = stream[j].key
            if key and ("绩效" in key and ("表" in key or "报告" in key) or re.search(r"单位[:：]", key) or "填报单位" in key):
                k = j
        starts.append(k)
    parts = []
    for a, b in zip(starts, starts[1:] + [len(stream)]):
        seg = [dataclasses.replace(t, i=n) for n, t in enumerate(stream[a:b])]
        parts.append(seg)
    return parts


def extract_records(doc: Document, options: ExtractOptions | None = None) -> list[dict[str, Any]]:
    options = options or ExtractOptions()
    ctx = Ctx(doc)
    full = build_stream(doc)
    parts = split_records(full)
    records = []
    for part in parts:
        reading = read_tables(doc, part)
        amounts = extract_amounts(ctx, part, reading)
        prose = [t for t in part if t.i not in reading.consumed]
        meta = extract_meta(ctx, part)
        if len(parts) == 1:  # one report: its whole text tells its type (a part of a stacked table export does not)
            typ, conf, _how = classify_doc_type_content(doc.text, meta["doc_type"], meta["doc_type_confidence"])
            meta["doc_type"], meta["doc_type_confidence"] = typ, conf
        budget = extract_budget(ctx, reading.funds, amounts, prose)
        fy = (meta.get("fiscal_year") or {}).get("value")
        indicators = indicator_dicts(ctx, reading.indicators, fiscal_year=fy)
        if not indicators:  # a self-evaluation table whose cells a web mirror fused into running text: a table,
            indicators = fused_indicators(ctx, prose, fiscal_year=fy)  # so it wins over sentences read from its header
        if not indicators:  # a narrative report: the indicators its sentences state
            indicators = prose_indicators(ctx, prose, table_names=set(), fiscal_year=fy, first_id=1)
        score = extract_score(ctx, reading.indicators, budget, prose, options.grade_scheme)
        sections = find_sections(doc, part)
        problems, measures = extract_problems(ctx, part, sections, meta["doc_type"], indicators)
        rec: dict[str, Any] = {
            "meta": meta,
            "budget": budget,
            "amounts": [amount_dict(ctx, a, n + 1) for n, a in enumerate(amounts)],
            "indicators": indicators,
            "score": score,
            "sections": section_dicts(sections),
            "problems": problems,
            "measures": measures,
        }
        rec["validations"] = run_checks(rec, doc, options)
        records.append(rec)
    return records
