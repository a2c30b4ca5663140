"""Metadata: title, fiscal year, report date, issuer, 主管部门, 实施单位, project name, document type.

Sources, surest first: label cells of the table header (项目名称 | …, 主管部门 | …, 实施单位 | …),
"label: value" lines, the title ("XX学校2023年度项目支出绩效自评报告" gives the unit and the year;
a bracketed line under it names the project), and the signature block at the end (unit, date).
"""

from __future__ import annotations

import re
from typing import Any

from ..textnorm import fold, fold_key
from .fields import Ctx, field
from .lexicon import LEX
from .stream import Tok

__all__ = ["NAME", "VERSION", "extract_meta", "classify_doc_type"]

NAME, VERSION = "metadata", "0.2.0"
EXTRACTOR = f"{NAME}@{VERSION}"

_LABELS: dict[str, str] = {fold_key("发布机构"): "publisher", **{fold_key(w): k for k, words in LEX["meta_labels"].items() for w in words}}
_LABEL_RX = re.compile(
    "^(" + "|".join(sorted((re.escape(k) for k in _LABELS), key=len, reverse=True)) + r")[:：]?(.*)$"
)
_TITLE_CUES = tuple(fold_key(w) for w in LEX["title"]["cues"])
_TITLE_MAX = int(LEX["title"]["max_len"])
_YEAR = re.compile(r"(20\d\d)\s*(?:[-—–至~]\s*(20\d\d)\s*)?年(度)?")
_DATE_CN = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})")
_PUBLISH = re.compile(r"发布|时间|日期|来源|浏览|阅读|索引号|作者")
_UNIT_SUFFIX = re.compile(
    r"(?:局|委|委员会|办公室|办|院|校|学校|中学|小学|幼儿园|中心|站|所|馆|会|队|处|部|厅|政府|政协|人大|法院|检察院|医院|"
    r"街道|街道办事处|乡|镇|公司|集团|协会|联合会|委|团|社|场|园|中心校|保健院|卫生院|监狱|支队|大队|总队)$"
)
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{8,}\s*[-—_－]\s*")
_TITLE_SUFFIX = re.compile(r"(?:项目)?(?:支出)?绩效(?:自评|目标|评价|监控)[^,，。]{0,6}表$")
_DOC_TYPES: list[tuple[str, list[str], list[str]]] = [
    (r["type"], [fold_key(w) for w in r["all"] if not w.startswith("!")], [fold_key(w[1:]) for w in r["all"] if w.startswith("!")])
    for r in LEX["doc_type"]
]


def classify_doc_type(text: str) -> tuple[str, float]:
    """A document type from a title (or the opening text), by the rules in extract.toml."""
    key = fold_key(text)
    for typ, need, forbid in _DOC_TYPES:
        if all(w in key for w in need) and not any(w in key for w in forbid):
            return typ, 0.8
    return "other", 0.3


def _f(ctx: Ctx, value: Any, start: int, end: int, conf: float, method: str, tok: Tok | None = None) -> dict[str, Any]:
    return field(value, ctx.doc.text[start:end], ctx.prov(start, end, method=method, extractor=EXTRACTOR, confidence=conf, tok=tok))


def _label_values(stream: list[Tok]) -> dict[str, tuple[str, int, int, Tok]]:
    """label -> (value, start, end, tok) for the first occurrence of each label."""
    out: dict[str, tuple[str, int, int, Tok]] = {}
    for k, t in enumerate(stream):
        if not t.key or len(t.key) > 120:
            continue
        m = _LABEL_RX.match(t.key)
        if not m:
            continue
        name = _LABELS[m.group(1)]
        if name in out:
            continue
        rest = m.group(2)
        if re.fullmatch(r"(?:及|和)?(?:编码|代码)|\(?盖章\)?", rest or ""):
            rest = ""  # a label wrapped over two cells: "主管部门" / "及编码"
        if rest and not rest.startswith("("):
            f = fold(t.text, base=t.start)
            s, e = f.span(m.start(2), m.end(2))
            val = t.text[s - t.start : e - t.start].strip(" \t|:：")
            # a label cell followed by other labels in the same prose line: cut at the next label
            cut = re.split(r"\s{2,}|\u3000|\s*(?=(?:主管部门|实施单位|项目名称|填报单位|联系人|联系电话|项目负责人|报告日期|填报日期|金额单位|单位)[:：])", val)[0].strip()
            if cut:
                out[name] = (cut, s, s + len(cut), t)
            continue
        # the value is the next non-empty token that is not itself a label
        seen = 0
        for u in stream[k + 1 : k + 16]:
            if not u.key:
                continue
            seen += 1
            if seen > 3:
                break
            if re.fullmatch(r"(?:及|和)?(?:编码|代码)|\(?盖章\)?", u.key):
                seen -= 1
                continue  # the rest of a label wrapped over two lines
            if _LABEL_RX.match(u.key) or len(u.key) > 80:
                break
            val = u.text.strip()
            lead = len(u.text) - len(u.text.lstrip())
            code = re.match(r"^[\[【(（]\s*\d{4,}\s*[\]】)）]\s*", val)  # "[015001]武汉市…": the code is not the name
            if code:
                lead += code.end()
                val = val[code.end():]
            out[name] = (val, u.start + lead, u.start + lead + len(val), u)
            break
    return out


def _title(ctx: Ctx, stream: list[Tok]) -> tuple[Tok, int, int] | None:
    row_count: dict[tuple[int, int], int] = {}
    for t in stream[:80]:
        if t.table is not None and t.key:
            row_count[(t.table, t.row or 0)] = row_count.get((t.table, t.row or 0), 0) + 1
    for t in stream[:80]:
        if not t.key or len(t.key) > _TITLE_MAX or _PUBLISH.search(t.key[:6]) or ">" in t.key or "位置" in t.key:
            continue
        if t.key in _TITLE_CUES or (t.table is not None and row_count.get((t.table, t.row or 0), 0) > 1):
            continue  # a bare label ("绩效自评报告" in a page's metadata table), not a title
        if any(c in t.key for c in _TITLE_CUES) and not t.key.startswith(("根据", "按照", "为了", "依据")):
            s = t.text.strip()
            lead = len(t.text) - len(t.text.lstrip())
            return t, t.start + lead, t.start + lead + len(s)
    return None


def _fiscal_year(ctx: Ctx, stream: list[Tok], title: tuple[Tok, int, int] | None) -> dict[str, Any] | None:
    doc = ctx.doc
    if title is not None:
        t, s, e = title
        years = [(m, int(m.group(2) or m.group(1))) for m in _YEAR.finditer(doc.text[s:e]) if not _is_date(doc.text, s + m.start(), s + m.end())]
        if years:
            m, y = years[-1]
            return _f(ctx, y, s + m.start(), s + m.end(), 0.9, "rule", t)
    # "(2019年度)" / "2023年度" near the top (table header rows), then any year that is not a date
    for strict in (True, False):
        for t in stream[:60]:
            if not t.key or _PUBLISH.search(t.key[:8]):
                continue
            for m in _YEAR.finditer(t.text):
                if strict and not m.group(3):
                    continue
                if _is_date(t.text, m.start(), m.end()):
                    continue
                y = int(m.group(2) or m.group(1))
                return _f(ctx, y, t.start + m.start(), t.start + m.end(), 0.75 if strict else 0.6, "rule", t)
    return None


def _is_date(text: str, s: int, e: int) -> bool:
    return bool(re.match(r"\s*\d{1,2}\s*(?:月|-\d)", text[e : e + 4]))


def _report_date(ctx: Ctx, stream: list[Tok]) -> dict[str, Any] | None:
    doc = ctx.doc
    tail_from = int(len(doc.text) * 0.6)
    for t in reversed(stream):
        if t.end < tail_from:
            break
        if not t.key or _PUBLISH.search(t.key) or len(t.key) > 40:
            continue
        if t.table is not None and not re.match(r"^(?:填报|报告|报送|编制|评价)?日期", t.key):
            continue  # dates inside tables are indicator values (完工时间), not the report's date
        m = _DATE_CN.search(t.text) or _DATE_ISO.search(t.text)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return _f(ctx, f"{y:04d}-{mo:02d}-{d:02d}", t.start + m.start(), t.start + m.end(), 0.8, "regex", t)
    return None


def _signature_unit(ctx: Ctx, stream: list[Tok], date: dict[str, Any] | None) -> dict[str, Any] | None:
    if date is None:
        return None
    start = date["prov"]["char_span"][0]
    before = [t for t in stream if t.end <= start + 1 and t.key][-3:]
    for t in reversed(before):
        s = t.text.strip()
        head = s.split()[0] if s.split() else s
        if 3 <= len(head) <= 30 and _UNIT_SUFFIX.search(fold_key(head)):
            off = t.start + t.text.index(head)
            return _f(ctx, head, off, off + len(head), 0.75, "rule", t)
    return None


def _clean_project(name: str) -> tuple[str, int]:
    """Drop a code prefix and a trailing 绩效…表; returns the name and the offset of its start."""
    m = _CODE_PREFIX.match(name)
    off = m.end() if m else 0
    s = name[off:]
    k = fold_key(s)
    m2 = _TITLE_SUFFIX.search(k)
    if m2 and m2.start() > 2:
        f = fold(s)
        s = s[: f.span(m2.start(), m2.start() + 1)[0]]
    return s.strip(), off


def _unit_from_title(ctx: Ctx, title: tuple[Tok, int, int]) -> dict[str, Any] | None:
    """The unit that opens a title: "XX学校2023年度项目支出绩效自评报告" -> XX学校."""
    t, s, e = title
    text = ctx.doc.text[s:e]
    unit = None
    m = re.match(r"^(.{2,30}?)(?:关于)?(?:20\d\d|20xx|20XX)\s*(?:[-—–至]\s*20\d\d\s*)?年", text)
    cand = None
    if m:
        cand = m.group(1)
    else:
        m = re.match(r"^(.{2,30}?)(?:部门整体|项目支出|部门预算|预算绩效|绩效)", text)
        if m:
            cand = m.group(1)
    if cand and _UNIT_SUFFIX.search(fold_key(cand)):
        unit = _f(ctx, cand, s, s + len(cand), 0.7, "rule", t)
    return unit


def extract_meta(ctx: Ctx, stream: list[Tok]) -> dict[str, Any]:
    doc = ctx.doc
    title = _title(ctx, stream)
    labels = _label_values(stream)
    meta: dict[str, Any] = {}
    if title is not None:
        t, s, e = title
        meta["title"] = _f(ctx, doc.text[s:e], s, e, 0.85, "rule", t)
        typ, conf = classify_doc_type(doc.text[s:e])
    else:
        meta["title"] = None
        typ, conf = classify_doc_type(doc.text[:400])
        conf = min(conf, 0.5)
    if typ == "other" and title is not None:
        typ2, conf2 = classify_doc_type(doc.text[:600])
        if typ2 != "other":
            typ, conf = typ2, 0.5
    meta["doc_type"] = typ
    meta["doc_type_confidence"] = conf
    meta["fiscal_year"] = _fiscal_year(ctx, stream, title)
    meta["report_date"] = _report_date(ctx, stream)
    for name in ("supervising_dept", "implementing_unit", "project_name", "issuer"):
        hit = labels.get(name)
        if hit is None:
            meta[name] = None
            continue
        val, s, e, tok = hit
        if name == "project_name":
            val, off = _clean_project(val)
            s += off
            e = s + len(val)
        conf = 0.92 if tok.table is not None else 0.85
        meta[name] = _f(ctx, val, s, e, conf, "table_parser" if tok.table is not None else "rule", tok) if val else None
    if title is not None:
        unit = _unit_from_title(ctx, title)
        if meta["implementing_unit"] is None and unit is not None and typ != "bureau_circular":
            meta["implementing_unit"] = unit
        if meta["project_name"] is None and typ.endswith("_project"):
            meta["project_name"] = _bracket_project(ctx, stream, title)
    pub = labels.get("publisher")
    if meta["supervising_dept"] is None and pub is not None and typ.endswith("_project"):
        iu = (meta["implementing_unit"] or {}).get("value")
        if pub[0] and pub[0] != iu:
            # a web page's 发布机构 for a unit's project report is, in practice, its 主管部门
            meta["supervising_dept"] = _f(ctx, pub[0], pub[1], pub[2], 0.5, "rule", pub[3])
    if meta["issuer"] is None:
        meta["issuer"] = _signature_unit(ctx, stream, meta["report_date"])
    if meta["issuer"] is None and meta["implementing_unit"] is not None:
        iu = meta["implementing_unit"]
        meta["issuer"] = {"value": iu["value"], "raw": iu["raw"], "prov": {**iu["prov"], "confidence": round(iu["prov"]["confidence"] * 0.8, 3)}}
    if typ in {"self_eval_dept", "target_declaration_dept", "monitoring_dept", "final_accounts_performance_chapter",
               "bureau_summary", "bureau_circular"} and meta["project_name"] is not None and meta["project_name"]["prov"]["method"] == "rule":
        meta["project_name"] = None
    return meta


def _bracket_project(ctx: Ctx, stream: list[Tok], title: tuple[Tok, int, int]) -> dict[str, Any] | None:
    t = title[0]
    nxt = next((u for u in stream[t.i + 1 : t.i + 3] if u.key), None)
    if nxt is None:
        return None
    m = re.fullmatch(r"\s*[(（](.{4,60})[)）]\s*", nxt.text)
    if not m:
        return None
    s, e = nxt.start + m.start(1), nxt.start + m.end(1)
    return _f(ctx, m.group(1), s, e, 0.75, "rule", nxt)
