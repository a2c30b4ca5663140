"""Indicators stated in sentences (issue #4, "From prose").

Narrative reports (自评报告 without a table, or whose table was lost) state indicators as
sentences: "数量指标：完成道路改造3.5公里，目标值3公里，完成率116.7%"; "群众满意度达98%";
"人均补助标准指标值1000元/生.年，全年实际完成值1000元/生.年". This module reads them with the
same normalisation as table rows (:func:`.indicators.values_of`), marked ``source: "prose"`` and
with a lower confidence than a table row.

Where it looks:

* A **二级 section**: a level label written as a heading or a lead-in ("一是数量指标：",
  "2.质量指标。", "（三）时效指标") opens it; it runs to the next label or the end of the
  paragraph (a label alone on its line carries on into the next paragraph). Inside, a sentence
  is an indicator when it has
  - a target cue and an actual cue ("…指标值X，实际完成值Y"), or
  - an actual then a target ("完成道路改造3.5公里，目标值3公里"), or
  - a value then 实际 + value ("享受补助学生940人次，实际发放940人次"; not for money, which is a
    budget statement), or
  - a rate or satisfaction name stating one value ("实际执行率为72.03%": an actual only).
* **Anywhere**: the explicit target + actual sentence, and a satisfaction rate ("满意度达98%").

A prose indicator whose name a table row of the same record already has is a restatement and is
left out; when the record has table indicators at all, prose ones are not added (the table is
the authority, and a narrative restating it in other words would double every row).
The cue words are data: ``[prose_indicators]`` in ``data/extract.toml``.
"""

from __future__ import annotations

import re
from typing import Any

from ..textnorm import Folded, fold, fold_key
from .fields import Ctx
from .indicators import COMPARATORS, EXTRACTOR, clean_name, direction_of, expected_score, values_of
from .lexicon import LEX
from .stream import Tok

__all__ = ["prose_indicators"]

_P = LEX["prose_indicators"]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(fold_key(w)) for w in sorted(set(words), key=len, reverse=True))


_CMP = f"(?:{_alt([sym for sym, _ in COMPARATORS])})"
_UNIT = _alt(_P["units"])
_VALUE = rf"(?:{_CMP})?\d+(?:\.\d+)?(?:%|(?:{_UNIT})(?:/[\u4e00-\u9fff.·]{{1,4}})?)(?:以上|以内|以下)?"
_QUAL = r"[\u4e00-\u9fff]{2,12}"
_TCUE = _alt(_P["target_cues"])
_ACUE = _alt(_P["actual_cues"])
_AVERB = _alt(_P["actual_verbs"])
_STATE = _alt(_P["state_verbs"])
_NAME = r"[^,;。:!?]{2,60}?"
_NAME_SHORT = r"[^,;。:!?\d]{2,40}?"
_TAIL = r"(?:,分值(?P<w>\d+(?:\.\d+)?)分)?(?:,得分(?P<s>\d+(?:\.\d+)?)分)?"

# target and actual both cued: "NAME(年度)指标值(为)T，(全年)实际完成值(为)A(，分值W分，得分S分)"
_PAIR = re.compile(
    rf"(?P<name>{_NAME})(?:{_TCUE})(?:为|是|:)?(?P<t>{_VALUE}|{_QUAL}),?(?:{_ACUE})(?:{_AVERB})?(?:为|是|:|达到|达)?(?P<a>{_VALUE}|{_QUAL}){_TAIL}"
)
# actual first, then the target: "(完成)NAME A，目标值T"
_ACTUAL_TARGET = re.compile(rf"(?P<name>{_NAME_SHORT})(?P<a>{_VALUE}),(?:年度)?(?:{_TCUE})(?:为|是)?(?P<t>{_VALUE})")
# target first, then 实际 + value: "NAME T，实际(发放)A"
_TARGET_ACTUAL = re.compile(rf"(?P<name>{_NAME_SHORT})(?P<t>{_VALUE}),(?:{_ACUE})(?:{_AVERB})?(?:为|是|了)?(?P<a>{_VALUE})")
# one stated value: "NAME(为|达|达到)A"
_STATED = re.compile(rf"(?P<name>{_NAME_SHORT})(?:{_STATE})(?P<a>{_VALUE})")

_RATE_END = tuple(fold_key(w) for w in _P["rate_suffixes"])
_PREFIX = re.compile(rf"^(?:(?:{_alt(_P['name_prefixes'])})|20\d\d年度?|[,、])+")
_LEAD_VERB = re.compile(rf"^(?:{_alt(_P['lead_verbs'])})")
_ORD = r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+|\d+[.、)]|[(][一二三四五六七八九十\d]+[)]|[一二三四五六七八九十]+[、.])"
_ORDINAL = re.compile(f"^{_ORD}")
_ENDS_IN_ORDINAL = re.compile(f"{_ORD}$")
_MONEY = re.compile(r"(?:元|万元|亿元)(?:/|$)")
_NOT_A_NAME = re.compile(r"%|\d+\.\d+|\d{5,}|\|")  # a table's cells fused into text, not a name
_DEVIATION = re.compile(r"未|没有|滞后|延迟|延期|原因|由于|受.{1,12}影响")
# "未发生安全事故", "没有出现投诉", "未来…": a clause with 未/没有 that reports nothing went wrong
_NOT_DEVIATION = re.compile(r"^[^未没]*(?:未|没有)(?:发生|出现|接到|收到|发现|造成)|未来")

_L2 = {fold_key(k): v for k, v in LEX["level2"].items() if k.endswith("指标")}
_L2_CUE = re.compile(rf"(?:{_alt(list(LEX['level2'].keys()))})(?:完成情况)?(?:[:。.,]|$)")
_L1_OF_L2 = {
    "quantity": ("产出指标", "output"), "quality": ("产出指标", "output"), "timeliness": ("产出指标", "output"),
    "cost": ("产出指标", "output"), "economic": ("效益指标", "effect"), "social": ("效益指标", "effect"),
    "ecological": ("效益指标", "effect"), "sustainability": ("效益指标", "effect"),
    "beneficiary_satisfaction": ("满意度指标", "satisfaction"),
    "economic_cost": ("成本指标", "cost"), "social_cost": ("成本指标", "cost"), "eco_cost": ("成本指标", "cost"),
}


def _sections(f: Folded) -> list[tuple[int, int, str | None, tuple[int, int] | None]]:
    """(start, end, level2 enum, label span) over the folded paragraph; level ``None`` outside."""
    cues = [m for m in _L2_CUE.finditer(f.text) if _is_lead(f.text, m.start())]
    out: list[tuple[int, int, str | None, tuple[int, int] | None]] = []
    pos = 0
    for k, m in enumerate(cues):
        if m.start() > pos:
            out.append((pos, m.start(), None, None))
        label = re.sub(r"(?:完成情况)?[:。.,]?$", "", m.group(0))
        end = cues[k + 1].start() if k + 1 < len(cues) else len(f.text)
        out.append((m.end(), end, _L2.get(label) or _L2.get(label + "指标"), (m.start(), m.start() + len(label))))
        pos = end
    if pos < len(f.text):
        out.append((pos, len(f.text), None, None))
    return out


def _is_lead(text: str, i: int) -> bool:
    """A level label that opens a section: at the start of the paragraph or a sentence, or after
    an ordinal ("一是", "2.", "（三）")."""
    before = text[max(0, i - 5) : i]
    return i == 0 or before[-1:] in "。;:," or bool(_ENDS_IN_ORDINAL.search(before))


def _clean(f: Folded, start: int, end: int, *, verbs: bool = False) -> tuple[int, int]:
    """Trim ordinals, subjects, years and stray punctuation (and, with ``verbs``, a leading verb)
    from the front of a name span."""
    s = f.text[start:end]
    while True:
        m = _ORDINAL.match(s) or _PREFIX.match(s)
        if not m or m.end() == 0 or m.end() >= len(s) - 1:
            break
        start += m.end()
        s = s[m.end() :]
    lbl = _L2_CUE.match(s)
    if lbl and lbl.end() < len(s) - 1:
        start += lbl.end()
        s = s[lbl.end() :]
    m = _LEAD_VERB.match(s) if verbs else None
    if m and m.end() < len(s) - 1:
        start += m.end()
    return start, end


def prose_indicators(ctx: Ctx, prose: list[Tok], *, table_names: set[str], fiscal_year: int | None, first_id: int) -> list[dict[str, Any]]:
    """Indicators stated in the prose tokens (see the module docstring)."""
    out: list[dict[str, Any]] = []
    seen = set(table_names)
    carry: tuple[str, tuple[int, int]] | None = None  # a label alone on its line opens the next paragraph
    for t in prose:
        if t.table is not None or not t.key:
            continue
        f = fold(t.text, base=t.start)
        sections = _sections(f)
        if carry is not None and sections and sections[0][2] is None:
            a, b, _, _ = sections[0]
            sections[0] = (a, b, carry[0], carry[1])
        carry = None
        for a, b, level2, label in sections:
            if level2 is not None and b - a <= 1 and label is not None:
                carry = (level2, label)  # "1.数量指标。" on its own line
                continue
            for hit in _scan(f, a, b, level2):
                name_span = f.span(*hit["name"])
                name_raw = ctx.doc.text[name_span[0] : name_span[1]].strip()
                name, core = clean_name(name_raw)
                key = fold_key(name)
                if not key or key in seen or len(key) < 2 or _NOT_A_NAME.search(key):
                    continue
                seen.add(key)
                out.append(_record(ctx, f, hit, name, name_raw, core, level2, label, fiscal_year, first_id + len(out)))
    return out


def _scan(f: Folded, a: int, b: int, level2: str | None) -> list[dict[str, Any]]:
    """Matches in folded ``f.text[a:b]``: one per sentence at most, cued pairs first."""
    hits: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None  # the previous sentence's hit, which a cause sentence may explain
    for sm in re.finditer(r"[^。;!?]+", f.text[a:b]):
        s0 = a + sm.start()
        sent = sm.group(0)
        found = None
        for rx, kind in ((_PAIR, "pair"), (_ACTUAL_TARGET, "actual_target"), (_TARGET_ACTUAL, "target_actual"), (_STATED, "stated")):
            if level2 is None and kind in ("actual_target", "target_actual"):
                continue
            for m in rx.finditer(sent):
                name = sent[m.start("name") : m.end("name")]
                if kind == "target_actual" and _MONEY.search(m.group("t")):
                    continue  # "收到资金149.63万元，实际发放107.78万元" is a budget statement
                if kind == "stated":
                    if not name.endswith(_RATE_END):
                        continue
                    if level2 is None and "满意度" not in name:
                        continue
                found = (m, kind)
                break
            if found:
                break
        if not found:
            if last is not None and last["deviation"] is None and _DEVIATION.search(sent[:8]) and not _NOT_DEVIATION.search(sent):
                last["deviation"] = (s0, s0 + len(sent))  # "…实际完成值为95%。受雨季影响部分路段延期。"
            last = None
            continue
        m, kind = found
        ns, ne = _clean(f, s0 + m.start("name"), s0 + m.end("name"), verbs=kind == "actual_target")
        hit: dict[str, Any] = {
            "kind": kind,
            "name": (ns, ne),
            "target": (s0 + m.start("t"), s0 + m.end("t")) if "t" in m.groupdict() and m.group("t") else None,
            "actual": (s0 + m.start("a"), s0 + m.end("a")) if m.group("a") else None,
            "weight": m.group("w") if "w" in m.groupdict() else None,
            "score": m.group("s") if "s" in m.groupdict() else None,
            "span": (ns, s0 + m.end()),
            "deviation": None,
        }
        rest = sent[m.end() :]
        for cm in re.finditer(r"[^,]+", rest):
            if _DEVIATION.search(cm.group(0)) and not _NOT_DEVIATION.search(cm.group(0)):
                # the cause and whatever follows it in the sentence (often the fix: "…，下一步将…")
                hit["deviation"] = (s0 + m.end() + cm.start(), s0 + len(sent.rstrip(" ,")))
                break
        hits.append(hit)
        last = hit
    return hits


def _record(ctx: Ctx, f: Folded, hit: dict[str, Any], name: str, name_raw: str, core: bool, level2: str | None,
            label: tuple[int, int] | None, fiscal_year: int | None, n: int) -> dict[str, Any]:
    def orig(span: tuple[int, int] | None) -> str | None:
        if span is None:
            return None
        s, e = f.span(*span)
        return ctx.doc.text[s:e].strip()

    target_raw, actual_raw = orig(hit["target"]), orig(hit["actual"])
    target, actual = values_of(target_raw, actual_raw, fiscal_year=fiscal_year)
    if level2 is None and "满意度" in name:
        level2 = "beneficiary_satisfaction"
    l1raw, l1 = _L1_OF_L2.get(level2 or "", (None, None))
    start, end = f.span(*hit["span"])
    return indicator_record(
        ctx, n=n, span=(start, end), confidence=0.7 if hit["kind"] == "pair" else 0.55, source="prose",
        level1=(l1, None), level2=(level2, orig(label)), name=name, name_raw=name_raw, is_core=core,
        target=target, actual=actual, weight=hit["weight"], score=hit["score"], deviation_text=orig(hit["deviation"]),
    )


def indicator_record(
    ctx: Ctx, *, n: int, span: tuple[int, int], confidence: float, source: str, level1: tuple[str | None, str | None],
    level2: tuple[str | None, str | None], name: str, name_raw: str, is_core: bool, target: dict[str, Any] | None,
    actual: dict[str, Any] | None, weight: Any = None, score: Any = None, deviation_text: str | None = None,
    inherited: tuple[bool, bool] = (False, False),
) -> dict[str, Any]:
    """An indicator read outside a ruled table (prose, a fused table) in the record's shape;
    ``level1``/``level2`` are (code, raw text)."""
    exp = expected_score(target, actual, weight)
    return {
        "id": f"i{n}",
        "level1_raw": level1[1],
        "level1": level1[0],
        "level2_raw": level2[1],
        "level2": level2[0],
        "name": name,
        "name_raw": name_raw,
        "period": "annual",
        "target": target,
        "actual": actual,
        "direction": direction_of((target or {}).get("comparator")),
        "weight": weight,
        "score": score,
        "score_computed": exp["score"],
        "score_rule_id": exp["rule_id"],
        "score_band": exp["band"],
        "deviation_text": deviation_text,
        "monitoring": None,
        "is_core": is_core,
        "source": source,
        "level1_inherited": inherited[0],
        "level2_inherited": inherited[1],
        "prov": ctx.prov(span[0], span[1], method="rule", extractor=EXTRACTOR, confidence=confidence),
    }
