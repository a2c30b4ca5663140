"""Problems (存在的问题) and measures (整改/改进措施), DOMAIN §5 and §6.2.

Where they are looked for:

* the problem / cause / measure sections (by the section tagger): one item per enumerated item
  (一是…/（一）…/1.…/①…, a heading-like lead kept with its details) or per sentence of running
  prose; each item is classified (problem / cause / measure / other) by the ``sentence`` model,
  the section's label weighing in;
* the clause after 但/但是/不过/然而 in the other prose, when the model reads it as a problem;
* labelled cells: boxed 存在问题 / 改进措施 cells of the short form, indicator deviation cells
  (偏差原因分析及改进措施 / 未完成原因: the cause is a problem of scope ``indicator``, the fix a
  measure of kind 改进措施) and monitoring 原因说明 / 纠偏措施 cells (kind 纠偏措施);
* the deviation of an indicator read outside a ruled table (a narrative "…实际执行率为72%，下半年
  的补助未及时发放", a table fused into running text): the same cause/fix reading as a deviation
  cell, scope ``indicator``, linked by ``indicator_ids``.

Scope ``indicator`` marks what comes from an indicator's deviation: that text stays on the
indicator too (``deviation_text``), so a reader that takes problems only from the report's problem
sections (the real-dev gold's convention) drops these items.

"无", "暂无", "不存在问题", "无偏差" … are one explicit empty statement. Categories (P01–P14,
M01–M11) come from calibrated multi-label models with their confidence; a measure is linked to
problems only when the numbering and the categories agree, or when it says 针对上述问题.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import models
from ..nlp import items as split_items
from ..nlp import Piece, strip_marker
from ..nlp import sentences as split_sentences
from ..nlp.features import item_text
from ..textnorm import fold_key
from .fields import Ctx
from .sections import Section, effective_label
from .stream import Tok, is_value_key

__all__ = ["NAME", "VERSION", "PROBLEM_CODES", "MEASURE_CODES", "extract_problems"]

NAME, VERSION = "problems", "0.2.0"  # 0.2.0: deviations of prose and fused-table indicators
EXTRACTOR = f"{NAME}@{VERSION}"

PROBLEM_CODES = {
    "P01": "绩效目标设置不合理", "P02": "预算编制不够科学", "P03": "预算执行进度慢", "P04": "资金使用不规范",
    "P05": "项目管理制度不健全", "P06": "项目实施进度滞后", "P07": "效益不明显", "P08": "满意度调查缺失或不规范",
    "P09": "绩效自评质量不高", "P10": "数据支撑不足", "P11": "档案资料不完整", "P12": "结果应用不充分",
    "P13": "绩效管理意识薄弱", "P14": "信息公开不到位",
}
MEASURE_CODES = {
    "M01": "完善绩效目标", "M02": "科学编制预算", "M03": "加快预算执行", "M04": "规范资金使用", "M05": "健全管理制度",
    "M06": "强化项目实施管理", "M07": "跟踪效益", "M08": "规范开展满意度调查", "M09": "提高自评质量",
    "M10": "加强数据与档案管理", "M11": "强化结果应用与整改",
}
MEASURE_TARGETS = {
    "M01": {"P01"}, "M02": {"P02"}, "M03": {"P03", "P06"}, "M04": {"P04"}, "M05": {"P05"}, "M06": {"P06"},
    "M07": {"P07"}, "M08": {"P08"}, "M09": {"P09", "P13"}, "M10": {"P10", "P11"}, "M11": {"P12", "P14"},
}

_NULL = re.compile(r"^(?:无|暂无|没有|不存在|未发现|暂未发现|未发生)(?:明显|重大|其他|突出|需要说明的)?(?:的)?(?:问题|偏差|改进措施|整改措施|建议|纠偏措施)?$|"
                   r"^(?:本单位|本项目|经自查，?)?(?:暂)?(?:无|不存在|未发现)(?:明显|重大)?(?:问题|偏差)$")
_INTRO = re.compile(r"(?:以下|如下|几个方面|几方面|下列)[^，。]{0,12}$|[:：]$")
_BUT = re.compile(r"(?:，|,|。|；|^)\s*(?:但是|但|不过|然而|同时也|同时)(?:[，,]\s*)?")
_CAUSE = re.compile(r"[，,；;]\s*(?=(?:其)?(?:主要|根本|究其)?原因(?:是|为|在于|：|:)|究其原因|主要是由于|主要是因为|系因|由于)")
_BUT_CUES = re.compile(r"仅|只有|才|存在|不足|不够|有待|仍需|尚需|偏低|偏慢|偏高|滞后|延迟|推迟|未能|未完全|未按|未达|未及时|不及时|欠缺|薄弱|不到位|不高|不强|"
                       r"不完善|不规范|不健全|不充分|不明显|不均衡|不合理|较慢|较低|缺乏|缺少|问题|困难|影响了")
_MEASURE_CUES = re.compile(r"加强|强化|完善|建立|健全|规范|提高|提升|推进|落实|做好|确保|加快|细化|严格|督促|及时|进一步|将|拟|建议|挂钩|培训|整改|优化|统筹|跟踪")
_DATEISH = re.compile(r"^[^，。；]{0,30}\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$|^特此(?:报告|说明|通知|通报)")
_CELL_LABEL = re.compile(r"^(存在的?(?:主要)?问题|主要问题|发现的问题|问题|改进措施|整改措施|整改要求|下一步改进措施|改进建议|有关建议|意见建议|下一步工作计划|"
                         r"纠偏措施|偏差原因分析及改进措施|偏差原因及改进措施|偏差原因分析|偏差原因|未完成原因分析|未完成原因|原因说明|原因分析|"
                         r"偏差原因说明|未完成原因及改进措施)[:：]?")
_LEAD_LABEL = re.compile(r"^\s*(?:偏差原因|未完成原因|原因|问题|改进措施|整改措施|措施|纠偏措施|下一步)[:：]\s*")

DOC_SCOPE = {
    "bureau_summary": "region_wide", "bureau_circular": "region_wide", "rectification_notice": "region_wide", "audit_report": "region_wide",
    "self_eval_dept": "department", "monitoring_dept": "department", "target_declaration_dept": "department",
    "dept_evaluation": "department", "final_accounts_performance_chapter": "department",
}


@dataclass(slots=True)
class Cand:
    start: int
    end: int
    text: str
    where: str  # section | but | cell
    label: str  # problems | measures | causes | deviation | other
    section_path: list[str] = field(default_factory=list)
    kind: str | None = None
    tok: Tok | None = None
    indicator_ids: list[str] = field(default_factory=list)
    enum_index: int | None = None
    probs: dict[str, float] = field(default_factory=dict)
    after: str = ""  # the character after the text ("：" of an announcing sentence)


def _kind_of(heading: str) -> str:
    k = fold_key(heading)
    if "纠偏" in k:
        return "纠偏措施"
    if "整改" in k:
        return "整改措施"
    if "建议" in k or "意见" in k:
        return "建议"
    if "改进" in k or "完善" in k:
        return "改进措施"
    if "下一步" in k or "计划" in k or "打算" in k or "安排" in k or "思路" in k or "要求" in k:
        return "下一步计划"
    return "改进措施"


_NULL_SENT = re.compile(r"^[^，,；;但]{0,30}[，,]?[^，,；;但]{0,20}(?:不存在|未发现|没有发现|无)(?:明显|重大|突出)?(?:的)?问题$")


def _is_null(text: str) -> bool:
    """An explicit empty statement: "无", "暂无", "不存在问题", "经自查，本单位整体支出不存在问题"."""
    key = fold_key(text).strip("。；;，,.")
    return bool(_NULL.match(key) or (len(key) <= 45 and _NULL_SENT.match(key)))


def _section_cands(ctx: Ctx, stream: list[Tok], sections: list[Section]) -> list[Cand]:
    out: list[Cand] = []
    for s in sections:
        if s.level != 1 and s.parent is not None:
            continue  # a sub-section is read with its level-1 section
        if s.label not in ("problems", "measures", "causes"):
            subs = [x for x in sections if x.parent is not None and sections[x.parent] is s and x.label in ("problems", "measures", "causes")]
            for x in subs:
                out += _region_cands(ctx, stream, sections, x, x.first, x.last)
            if not subs:
                out += _region_cands(ctx, stream, sections, s, s.first, s.last, intro_only=True)
            continue
        out += _region_cands(ctx, stream, sections, s, s.first, s.last)
    return out


def _subheading(t: Tok, nxt: Tok | None) -> bool:
    """A short line of its own without sentence punctuation over a longer paragraph ("3.1 实施管理"):
    a heading, not an item."""
    if t.table is not None or nxt is None or nxt.table is not None:
        return False
    body = strip_marker(t.text)[1].strip()
    if not body or len(body) > 30 or re.search(r"[。；;，,：:]", body.rstrip("：:")) or re.search(r"[。；;]$", body):
        return False
    nb = nxt.text.strip()
    return len(nb) > max(30, 2 * len(body)) and strip_marker(nb)[0] == len(nxt.text) - len(nxt.text.lstrip())


_FOUND = re.compile(r"(?:发现|存在|查出|反映出|暴露出)(?:了)?(?:以下|如下|下列|一些|部分|的主要|主要)?(?:问题|不足)[^。；]{0,10}[:：]?$|(?:发现|问题如下)[:：]$")


def _region_cands(ctx: Ctx, stream: list[Tok], sections: list[Section], sec: Section, first: int, last: int,
                  intro_only: bool = False) -> list[Cand]:
    """Items of a problem/measure section; with ``intro_only``, of another section only after a
    sentence announcing them ("…，但也发现以下问题：")."""
    doc = ctx.doc
    out: list[Cand] = []
    runs: list[list[Tok]] = []
    heads = {x.first - 1 for x in sections}
    region = stream[first:last]
    nxt_of: list[Tok | None] = [None] * len(region)  # the next non-empty token after each
    nxt: Tok | None = None
    for k in range(len(region) - 1, -1, -1):
        nxt_of[k] = nxt
        if region[k].key:
            nxt = region[k]
    for k, t in enumerate(region):
        nxt = nxt_of[k]
        if t.table is not None or not t.key or t.i in heads or _subheading(t, nxt):
            if runs and runs[-1]:
                runs.append([])
            continue
        if not runs:
            runs.append([])
        runs[-1].append(t)
    n_enum = 0
    ended = False
    lab_override: str | None = None
    for run in runs:
        if not run or ended:
            continue
        a, b = run[0].start, run[-1].end
        for p in split_items(doc.text[a:b], base=a):
            if _DATEISH.match(p.text.strip()):
                ended = True  # 特此报告 / the date of the signature: the report's body is over
                break
            if intro_only:
                if _FOUND.search(fold_key(p.text)) or _FOUND.search(fold_key(ctx.doc.text[p.start:p.end + 1])):
                    intro_only = False
                    lab_override = "problems"
                continue
            tok = next((t for t in run if t.start <= p.start < t.end), run[0])
            label, inner = effective_label(sections, tok.i)
            if label not in ("problems", "measures", "causes"):
                label = lab_override or sec.label
            path = [sec.heading] + ([inner.heading] if inner is not None and inner is not sec else [])
            if inner is not None and inner.start == tok.start + (len(tok.text) - len(tok.text.lstrip())) and p.start >= inner.start and p.end <= inner.end and inner is not sec:
                pass  # a sub-heading alone: it opens its item (kept by items())
            c = Cand(p.start, p.end, p.text, "section", label, path, kind=_kind_of(inner.heading if inner is not None and label == "measures" and inner.label == "measures" else sec.heading) if label == "measures" else None, tok=tok)
            if p.marker is not None:
                c.enum_index = n_enum
                n_enum += 1
            out.append(c)
    return out


def _but_cands(ctx: Ctx, stream: list[Tok], sections: list[Section], skip: set[int]) -> list[Cand]:
    out: list[Cand] = []
    for t in stream:
        if t.table is not None or t.i in skip or not t.key or len(t.text) < 8:
            continue
        if not any(w in t.text for w in ("但", "不过", "然而")):
            continue
        for p in split_sentences(t.text, base=t.start):
            m = None
            for m in _BUT.finditer(p.text):
                pass
            if m is None or m.end() >= len(p.text):
                continue
            rest = p.text[m.end():]
            if not _BUT_CUES.search(rest) or len(rest) < 6:
                continue
            s = p.start + m.end()
            label, sec = effective_label(sections, t.i)
            out.append(Cand(s, p.end, rest, "but", "other", [sec.heading] if sec is not None else [], tok=t))
    return out


_CHECKLIST = re.compile(r"^(?:[^□■☑√✓✔\s]{1,8}[□■☑√✓✔]\s*){2,}\s*")


def _label_kind(label_name: str) -> tuple[str, str | None]:
    lab = fold_key(label_name)
    if "纠偏" in lab:
        return "measures", "纠偏措施"
    if "原因" in lab:
        return "deviation", "纠偏措施" if "纠偏" in lab else "改进措施"
    if "措施" in lab or "建议" in lab or "计划" in lab:
        return "measures", _kind_of(lab)
    return "problems", None


_INLINE_LABEL = re.compile(r"(?:^|(?<=[。；;]))\s*(存在的?(?:主要)?问题|主要问题|发现的问题|改进措施|整改措施|下一步改进措施|改进建议|整改要求|纠偏措施|偏差原因|原因分析)\s*[:：]\s*")
_KV_LINE = re.compile(r"^\s*[^\s:：，。]{2,8}[:：]")


def _sentence_like(text: str) -> bool:
    """A line that says something (not the next header cell of a flattened table): a null
    statement, or at least 8 characters with a clause in them."""
    key = fold_key(text)
    return _is_null(text) or (len(key) >= 8 and bool(re.search(r"[，,。；;]", key))) or len(key) >= 24


def _cell_segment(ctx: Ctx, t: Tok, label_name: str, content_start: int, content_end: int,
                  ind_by_row: dict[tuple[int, int], str]) -> list[Cand]:
    out: list[Cand] = []
    text = ctx.doc.text[content_start:content_end]
    cm = _CHECKLIST.match(text)
    if cm:  # the 经费/制度/人员/硬件 checklist before the cause
        content_start += cm.end()
        text = text[cm.end():]
    key = fold_key(text)
    if not _is_null(text) and (is_value_key(key) or len(key) < 4):
        return out
    label, kind = _label_kind(label_name)
    inner = re.search(r"[；;。]\s*(?:改进措施|整改措施|纠偏措施|措施|下一步措施)\s*[:：]\s*", text)
    if inner and label in ("deviation", "problems"):  # "原因：…；改进措施：…" in one cell
        fix_label = "纠偏措施" if "纠偏" in inner.group(0) else "改进措施"
        return (_cell_segment(ctx, t, label_name, content_start, content_start + inner.start(), ind_by_row)
                + _cell_segment(ctx, t, fix_label, content_start + inner.end(), content_end, ind_by_row))
    ids = [ind_by_row[(t.table, t.row or 0)]] if t.table is not None and (t.table, t.row or 0) in ind_by_row else []
    if _is_null(text):
        s = content_start + len(text) - len(text.lstrip())
        body = text.strip().rstrip("。；;")
        return [Cand(s, s + len(body), body, "cell", label, [label_name], kind=kind, tok=t, indicator_ids=ids)]
    pieces = split_items(text, base=content_start)
    if label == "deviation":  # cause and fix: cut at 。 only, the cause/fix cut comes after
        pieces = [Piece(content_start + m.start(), content_start + m.end(), m.group(0))
                  for m in re.finditer(r"[^。！？!?\n]+", text) if m.group(0).strip(" \t；;，,")]
        pieces = [Piece(p.start + (len(p.text) - len(p.text.lstrip())), p.end - (len(p.text) - len(p.text.rstrip(" \t；;，,"))),
                        p.text.strip().rstrip("；;，,")) for p in pieces]
    for p in pieces:
        lm2 = _LEAD_LABEL.match(p.text)
        st, ptext = p.start, p.text
        if lm2:
            st, ptext = p.start + lm2.end(), p.text[lm2.end():]
        if len(ptext) < 3:
            continue
        c = Cand(st, p.end, ptext, "cell", label, [label_name], kind=kind, tok=t, indicator_ids=ids)
        if label in ("problems", "measures"):  # boxed 存在问题 / 改进措施: their items pair up by order
            c.enum_index = sum(1 for x in out if x.label == label)
        out.append(c)
    return out


def _explode_tab_rows(stream: list[Tok]) -> list[Tok]:
    """Text tables (cells separated by tabs, one row per line) as cells: consecutive tab-separated
    lines form one virtual table (negative index; provenance then names the line, not a table)."""
    out: list[Tok] = []
    group = 0
    prev_tab = False
    for t in stream:
        if t.table is None and t.text.count("\t") >= 2:
            if not prev_tab:
                group += 1
                row = 0
            off = 0
            for col, cell in enumerate(t.text.split("\t")):
                out.append(Tok(t.i, cell, fold_key(cell), t.start + off, t.start + off + len(cell), t.block, -group, row, col))
                off += len(cell) + 1
            row += 1
            prev_tab = True
            continue
        prev_tab = False
        out.append(t)
    return out


_NEXT_STEP = re.compile(r"下一步|今后|下阶段|下一年度|下年度|明年|将进一步|拟")


def _prose_cands(ctx: Ctx, stream: list[Tok], sections: list[Section], skip: set[int]) -> list[Cand]:
    """Sentences of the other prose (conclusions, analysis) that carry a problem or a next-step
    word; the sentence model decides (strictly) in :func:`_decide`."""
    out: list[Cand] = []
    heads = {x.first - 1 for x in sections}
    for t in stream:
        if t.table is not None or t.i in skip or not t.key or len(t.key) < 10 or t.text.count("\t") >= 2:
            continue
        label, sec = effective_label(sections, t.i)
        if sec is None and sections:
            continue  # before the first heading: title, addressee, preamble
        if t.i in heads or label in ("problems", "measures", "causes"):
            continue  # a heading; or a problem/measure section (read item by item already)
        for p in split_sentences(t.text, base=t.start):
            if len(p.text) < 8 or _BUT.search(p.text) and any(w in p.text for w in ("但", "不过", "然而")):
                continue
            if _BUT_CUES.search(p.text) or _NEXT_STEP.search(p.text):
                out.append(Cand(p.start, p.end, p.text, "prose", "other", [sec.heading] if sec is not None else [], tok=t))
    return out


def _cell_cands(ctx: Ctx, stream: list[Tok], indicators: list[dict[str, Any]]) -> list[Cand]:
    """Labelled cells: a column under a label header (a deviation column; the latest header row
    of the table counts), a label cell at the left (boxed cells), "存在问题：…" in one line, or,
    in a flattened table, the label token just before."""
    ind_by_row: dict[tuple[int, int], str] = {}
    for ind in indicators:
        tb = (ind.get("prov") or {}).get("table")
        if tb and tb.get("index") is not None and ind.get("id"):
            ind_by_row[(tb["index"], tb["row"])] = ind["id"]
    stream = _explode_tab_rows(stream)
    rows: dict[tuple[int, int], list[Tok]] = {}
    for t in stream:
        if t.table is not None:
            rows.setdefault((t.table, t.row or 0), []).append(t)
    out: list[Cand] = []
    hdr_at: dict[tuple[int, int], dict[int, str]] = {}
    cur_hdr: dict[int, dict[int, str]] = {}
    for (tb, r), cells in sorted(rows.items()):
        labs = {c.col or 0: m.group(1) for c in cells if c.key and (m := _CELL_LABEL.fullmatch(c.key))}
        if labs and sum(1 for c in cells if c.key) >= 3:
            cur_hdr[tb] = labs
            continue
        filled = [c.key for c in cells if c.key]
        if len(filled) >= 3 and all(len(k) <= 8 and not re.search(r"\d", k) for k in filled):
            continue  # another header row (二级指标 | 三级指标 | 度量单位 …): no statement in it
        hdr_at[(tb, r)] = cur_hdr.get(tb, {})
    block_label: str | None = None  # a label line ("发现的问题：") heads the lines below it
    block_left = 0
    for t in stream:
        if not t.key:
            continue
        segs: list[tuple[str, int, int]] = []
        if t.table is not None:
            block_label = None
            cells = rows[(t.table, t.row or 0)]
            left = [c for c in cells if (c.col or 0) < (t.col or 0) and c.key]
            boxed = sum(1 for c in cells if c.key) <= 4  # a label cell and its box, not a header row
            lm = _CELL_LABEL.fullmatch(left[-1].key) if left and boxed else None
            if _CELL_LABEL.fullmatch(t.key):
                continue
            label_name = lm.group(1) if lm else hdr_at.get((t.table, t.row or 0), {}).get(t.col or 0)
            if label_name is None:
                continue
            segs.append((label_name, t.start, t.end))
        else:
            full = _CELL_LABEL.fullmatch(t.key)
            if full:
                block_label, block_left = full.group(1), 16
                continue
            hits = list(_INLINE_LABEL.finditer(t.text))
            if hits:
                block_label = None
                for k, m in enumerate(hits):
                    end = hits[k + 1].start() if k + 1 < len(hits) else len(t.text)
                    segs.append((m.group(1), t.start + m.end(), t.start + end))
            elif block_label is not None and block_left > 0 and not _KV_LINE.match(t.text):
                # under a label line: its text, or (a flattened table) the row cells after the
                # header cells, where only the deviation text reads like a sentence
                block_left -= 1
                if not _sentence_like(t.text):
                    continue
                segs.append((block_label, t.start, t.end))
                block_left = 16
            else:
                block_label = None
                continue
        for label_name, content_start, content_end in segs:
            out += _cell_segment(ctx, t, label_name, content_start, content_end, ind_by_row)
    return out


_FIX_CUE = re.compile(r"^(?:今年|明年|下一?年度?|下一步|下阶段|下半年|后续|今后|拟|将|计划|准备|建议|已(?:经)?(?:要求|督促|安排|启动)|要求|督促|结合|通过|采取|加快|加强|及时|尽快|积极|进一步|确保|力争|争取)")


def _split_deviation(cands: list[Cand]) -> list[Cand]:
    """A deviation cell states the cause and then the fix, often in one sentence: cut it where
    a clause opens like a fix (将/拟/下一步/加快…) and the sentence model agrees."""
    out: list[Cand] = []
    for c in cands:
        if c.where != "cell" or c.label != "deviation" or _is_null(c.text):
            out.append(c)
            continue
        if _FIX_CUE.match(c.text):  # the fix alone ("下一步将…")
            out.append(Cand(c.start, c.end, c.text, "cell", "deviation_fix", c.section_path, kind=c.kind, tok=c.tok, indicator_ids=c.indicator_ids))
            continue
        cut = None
        for m in re.finditer(r"[，,；;]\s*", c.text):
            k = m.end()
            if k < len(c.text) - 3 and _FIX_CUE.match(c.text[k:]) and k > 4:
                cut = (m.start(), k)
                break
        if cut is None:
            out.append(c)
            continue
        a, k = cut
        out.append(Cand(c.start, c.start + a, c.text[:a], "cell", "deviation_cause", c.section_path, kind=c.kind, tok=c.tok, indicator_ids=c.indicator_ids))
        out.append(Cand(c.start + k, c.end, c.text[k:], "cell", "deviation_fix", c.section_path, kind=c.kind, tok=c.tok, indicator_ids=c.indicator_ids))
    return out


def _indicator_cands(ctx: Ctx, stream: list[Tok], sections: list[Section], indicators: list[dict[str, Any]]) -> list[Cand]:
    """The deviation text of each indicator read outside a table (prose, a fused table): read
    like a deviation cell at its place in the text, linked to the indicator."""
    out: list[Cand] = []
    text = ctx.doc.text
    for ind in indicators:
        dev = ind.get("deviation_text")
        dev = dev.get("raw") if isinstance(dev, dict) else dev
        span = (ind.get("prov") or {}).get("char_span")
        if not dev or ind.get("source") == "table" or not span or not ind.get("id"):
            continue
        s = text.find(dev, span[0], span[1] + len(dev) + 400)
        tok = next((t for t in stream if t.start <= s < t.end), None) if s >= 0 else None
        if tok is None:
            continue
        sec = effective_label(sections, tok.i)[1]
        for c in _cell_segment(ctx, tok, "偏差原因", s, s + len(dev), {}):
            c.indicator_ids = [ind["id"]]
            c.section_path = [sec.heading] if sec is not None else []
            out.append(c)
    return out


def _raw_prefix_len(text: str, folded_len: int) -> int:
    """Length in ``text`` of the part whose folded form is ``folded_len`` characters long."""
    n = 0
    for i, ch in enumerate(text):
        if not ch.isspace():
            n += 1
        if n == folded_len:
            return i + 1
    return len(text)


def _predict(name: str, texts: list[str]) -> tuple[list[str], Any] | None:
    m = models.get(name)
    if m is None or not texts:
        return None
    X = m.obj["vectorizer"].transform([item_text(t) for t in texts])
    return list(m.obj["labels"]), m.obj["classifier"].predict_proba(X)


def _categories(name: str, texts: list[str], names: dict[str, str]) -> list[list[dict[str, Any]]]:
    pred = _predict(name, texts)
    if pred is None:
        return [[] for _ in texts]
    labels, P = pred
    out = []
    for row in P:
        cats = models.pick_codes(row)
        out.append([{"code": labels[j], "label": names.get(labels[j], ""), "confidence": round(float(row[j]), 3)} for j in cats])
    return out


def _classify(cands: list[Cand]) -> None:
    pred = _predict("sentence", [c.text for c in cands])
    if pred is None:
        for c in cands:  # no model: trust the place
            c.probs = {"problem": 0.6 if c.label in ("problems", "deviation") or c.where == "but" else 0.0, "measure": 0.6 if c.label == "measures" else 0.0,
                       "cause": 0.0, "other": 0.4}
        return
    labels, P = pred
    for c, row in zip(cands, P):
        c.probs = {lab: float(v) for lab, v in zip(labels, row)}


def _next_char(c: Cand) -> str:
    return c.after


def _decide(c: Cand) -> tuple[str, float] | None:
    """("problem" | "measure", confidence) or None for other/intro text."""
    p = c.probs
    prob, meas, cause, other = p.get("problem", 0.0), p.get("measure", 0.0), p.get("cause", 0.0), p.get("other", 0.0)
    if c.where == "section":
        if (_INTRO.search(c.text) or _INTRO.search(c.text + _next_char(c))) and len(c.text) < 60 or _DATEISH.match(c.text.strip()) or len(fold_key(c.text)) < 4:
            return None
        if c.label == "problems":
            if meas > 0.85 and meas > prob + cause:
                return "measure", meas
            if other > 0.9 and not _BUT_CUES.search(c.text):
                return None  # a running header, a unit's name: not a statement
            return "problem", max(prob + cause, 0.5)
        if c.label == "measures":
            if prob + cause > 0.9:
                return "problem", prob + cause
            if other > 0.9 and not _MEASURE_CUES.search(c.text):
                return None
            return "measure", max(meas, 0.5)
        if c.label == "causes":
            if prob + cause >= 0.5 and prob >= cause:
                return "problem", prob + cause
            if meas > 0.6:
                return "measure", meas
            return None
    if c.where == "cell":
        if c.label == "deviation_cause":
            return "problem", max(prob + cause, 0.6)
        if c.label == "deviation_fix":
            return "measure", max(meas, 0.6)
        if c.label == "measures":
            return "measure", max(meas, 0.6)
        if c.label == "problems":
            return ("measure", meas) if meas > 0.75 else ("problem", max(prob + cause, 0.6))
        return ("measure", meas) if meas > prob + cause else ("problem", max(prob + cause, 0.5))
    if c.where == "prose":  # a sentence of other prose: only when the model is sure
        if prob + cause >= 0.8 and _BUT_CUES.search(c.text):
            return "problem", prob + cause
        if meas >= 0.9 and _NEXT_STEP.search(c.text):
            return "measure", meas
        return None
    if c.where == "but":  # a clause after 但 that carries a problem word (checked before): the model only vetoes
        return ("problem", max(prob + cause, 0.5)) if prob + cause >= 0.5 or (other < 0.75 and meas < 0.5) else None
    return None


def _cause(text: str) -> tuple[int, str] | None:
    m = _CAUSE.search(text)
    if m:
        return m.end(), text[m.end():]
    if text.startswith("由于") and "导致" in text:
        k = text.index("导致")
        return 0, text[:k].rstrip("，, ")
    return None


def extract_problems(ctx: Ctx, stream: list[Tok], sections: list[Section], doc_type: str,
                     indicators: list[dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(problems, measures) of one record's part of the document."""
    cands = _section_cands(ctx, stream, sections)
    covered = {c.tok.i for c in cands if c.tok is not None}
    cells = _split_deviation(_cell_cands(ctx, stream, indicators or []))
    covered |= {c.tok.i for c in cells if c.tok is not None}
    cands += cells
    devs = _split_deviation(_indicator_cands(ctx, stream, sections, indicators or []))
    cands += devs
    others = _but_cands(ctx, stream, sections, covered) + _prose_cands(ctx, stream, sections, covered)
    # a sentence that holds an indicator's deviation is read as that deviation, not again as prose
    cands += [c for c in others if not any(c.start < d.end and d.start < c.end for d in devs)]
    seen: set[tuple[int, int]] = set()
    uniq = []
    for c in sorted(cands, key=lambda c: (c.start, -c.end)):
        if (c.start, c.end) in seen or any(u.start <= c.start and c.end <= u.end for u in uniq[-3:]):
            continue
        seen.add((c.start, c.end))
        uniq.append(c)
    cands = uniq
    for c in cands:
        c.after = ctx.doc.text[c.end : c.end + 1]
    nulls = [c for c in cands if _is_null(c.text)]
    rest = [c for c in cands if not _is_null(c.text)]
    _classify(rest)
    scope_default = DOC_SCOPE.get(doc_type, "project")
    sent = models.get("sentence")
    model_ref = {"name": sent.name, "version": sent.version} if sent is not None else None
    problems: list[tuple[Cand, float]] = []
    measures: list[tuple[Cand, float]] = []
    for c in cands:
        if c in nulls:
            (measures if c.label == "measures" else problems).append((c, 0.9))
            continue
        d = _decide(c)
        if d is None:
            continue
        (problems if d[0] == "problem" else measures).append((c, min(d[1], 0.99)))
    pcats = _categories("problem_categories", [c.text for c, _ in problems], PROBLEM_CODES)
    mcats = _categories("measure_categories", [c.text for c, _ in measures], MEASURE_CODES)
    pout: list[dict[str, Any]] = []
    for n, ((c, conf), cats) in enumerate(zip(problems, pcats), start=1):
        null = _is_null(c.text)
        cause = None if null else _cause(c.text)
        p = {
            "id": f"p{n}", "text": c.text, "cause_text": cause[1] if cause else None,
            "categories": [] if null else cats,
            "scope": "indicator" if c.where == "cell" and c.label.startswith("deviation") else scope_default,
            "section_path": c.section_path, "indicator_ids": c.indicator_ids, "is_null_statement": null,
            "prov": _prov(ctx, c, conf, model_ref),
        }
        pout.append(p)
    mout: list[dict[str, Any]] = []
    for n, ((c, conf), cats) in enumerate(zip(measures, mcats), start=1):
        null = _is_null(c.text)
        kind = c.kind or ("建议" if c.text.startswith("建议") else "改进措施")
        if c.text.startswith("建议") and c.where == "section":
            kind = "建议"
        mout.append({
            "id": f"m{n}", "text": c.text, "categories": [] if null else cats, "kind": kind,
            "addresses_problem_ids": [], "section_path": c.section_path, "indicator_ids": c.indicator_ids,
            "is_null_statement": null, "prov": _prov(ctx, c, conf, model_ref),
        })
    _link(problems, pout, measures, mout)
    return pout, mout


def _prov(ctx: Ctx, c: Cand, conf: float, model_ref: dict[str, str] | None) -> dict[str, Any]:
    tok = c.tok if c.tok is None or c.tok.table is None or c.tok.table >= 0 else None  # a text table's line
    p = ctx.prov(c.start, c.end, method="classifier" if model_ref else "rule", extractor=EXTRACTOR, confidence=conf, tok=tok)
    p["model"] = model_ref
    return p


def _link(problems: list[tuple[Cand, float]], pout: list[dict[str, Any]], measures: list[tuple[Cand, float]], mout: list[dict[str, Any]]) -> None:
    real_p = [(c, p) for (c, _), p in zip(problems, pout) if not p["is_null_statement"]]
    for (c, _), m in zip(measures, mout):
        if m["is_null_statement"]:
            continue
        if re.search(r"针对(?:上述|以上|前述|这些)", c.text):
            m["addresses_problem_ids"] = [p["id"] for _, p in real_p]
            continue
        if c.where == "cell" and c.indicator_ids:  # the fix of a deviation cell answers the cause in the same row
            same = [p["id"] for pc, p in real_p if pc.tok is not None and c.tok is not None and pc.tok.i == c.tok.i]
            m["addresses_problem_ids"] = same
            continue
        mcodes = {x["code"] for x in m["categories"]}
        targets = set().union(*(MEASURE_TARGETS.get(x, set()) for x in mcodes)) if mcodes else set()
        match = [p for pc, p in real_p if pc.where == c.where and targets & {x["code"] for x in p["categories"]}]
        if c.enum_index is not None:
            same_n = [(pc, p) for pc, p in real_p if pc.where == c.where and pc.enum_index == c.enum_index and not pc.label.startswith("deviation")]
            if same_n and (same_n[0][1] in match or _shared_topic(c.text, same_n[0][0].text)):
                m["addresses_problem_ids"] = [same_n[0][1]["id"]]
                continue
        if len(match) == 1:
            m["addresses_problem_ids"] = [match[0]["id"]]


_COMMON_BIGRAMS = frozenset({"项目", "资金", "进一", "一步", "加强", "部分", "存在", "问题", "工作", "管理", "完善", "进行", "及时", "相关", "有关", "单位", "情况", "不够", "规范"})


def _shared_topic(a: str, b: str) -> bool:
    """Two texts about the same thing: at least two content bigrams in common (档案, 验收, 执行 …)."""
    def grams(s: str) -> set[str]:
        k = fold_key(s)
        return {k[i : i + 2] for i in range(len(k) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", k[i : i + 2])} - _COMMON_BIGRAMS
    return len(grams(a) & grams(b)) >= 2
