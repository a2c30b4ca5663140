"""Indicator rows of a self-evaluation table fused into running text.

Web mirrors of DOCX self-evaluation tables (自评表) lose the cell boundaries: the indicator block
becomes one or a few long lines, "…三级指标年度指标值全年完成值未完成原因和改进措施产出指标数量指标
XX到位率100%100%YY真实率100%100%质量指标…", with spaces injected by cell wrapping ("管理制 度"),
page markers ("2、") at line starts that split a row, level labels written inline (sometimes
re-opened: "绩效指标效益指标…") and a footnote tail ("说明…", "注:…").

How it is read (DOMAIN §2 T1, §4.3):

* **Region**: a header run naming the columns, matched on folded text (spaces removed, so
  "年度指标 值" is "年度指标值"): it must name 三级指标, a target column (指标值/目标值) and an
  actual column (完成值/实际值); a 原因/改进措施 column may follow. A header with 分值/得分/权重 or
  the split 指标性质/度量单位 columns is not read (their numbers cannot be told apart once fused).
  The region runs from the header to a tail word (``[fused_indicators] region_end``) or the end of
  the run of continuation lines (a line that opens with a page marker or a value or a level label).
* **Levels**: the 一级 and 二级 labels of the lexicon (产出指标, 数量指标, 服务对象满意度指标 …)
  split the region into segments; "成本指标"/"满意度指标" followed by a 二级 label is a 一级 label,
  alone it is a 二级 one. Rows after the first of a group inherit the labels.
* **Rows**: a name followed by two adjacent values (target, actual): percentages, numbers with a
  unit, comparators, deadlines, a bare number ("0", or two equal halves: "00" -> 0, 0), and
  qualitative words only where they are unambiguous (right after a lone number: "100%无"; doubled:
  "高高", "达标达标"; or two at the end of a segment). Everything between two rows is the next
  row's name; a run of three or more values is ambiguous and skipped.
* **Deviation**: only the text after a row's actual that runs up to a level label or the end of
  the region, when it reads as a reason (未/没有/由于/因/原因/滞后…), never text that could be the
  next row's name.

Conservative by design: a row needs a name and two values; anything else is left out.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..textnorm import Folded, fold, fold_key
from .fields import Ctx
from .indicators import clean_name, values_of
from .lexicon import LEX
from .prose_indicators import _CMP, _L1_OF_L2, _NOT_A_NAME, _NOT_DEVIATION, _alt, indicator_record
from .stream import Tok
from .tables import level1_of, level2_of

__all__ = ["fused_indicators"]

_F = LEX["fused_indicators"]
_P = LEX["prose_indicators"]


# --- the header run ----------------------------------------------------------------------------
_TARGET_COLS = ["年度指标值", "指标值", "年度目标值", "目标值", "预期目标值", "计划值"]
_ACTUAL_COLS = ["全年实际完成值", "全年完成值", "实际完成值", "完成值", "实际值", "全年实际值", "实际完成情况"]
_SCORE_COLS = ["分值", "权重", "得分", "自评得分", "指标性质", "度量单位", "计量单位"]
_OTHER_COLS = ["一级指标", "二级指标", "三级指标", "备注"]
_REASON_COL = r"(?:(?:偏差|未完成|未达标|未达成|扣分)?原因(?:分析|说明)?(?:和|及|与|、)?(?:改进措施|整改措施)?|改进措施)"
_COL = rf"(?:(?:{_alt(_TARGET_COLS + _ACTUAL_COLS + _SCORE_COLS + _OTHER_COLS)})|{_REASON_COL})(?:\([a-z/]{{1,3}}\))?"
_HEADER = re.compile(rf"(?:{_COL}){{3,}}")
_HAS_TARGET = re.compile(_alt(_TARGET_COLS))
_HAS_ACTUAL = re.compile(_alt(_ACTUAL_COLS))
_HAS_SCORE = re.compile(_alt(_SCORE_COLS))
_END = re.compile(_alt(_F["region_end"]))

# --- level labels ------------------------------------------------------------------------------
_L1_WORDS = [k for k in LEX["level1"] if k.endswith("指标")]
_L2_WORDS = [k for k in LEX["level2"] if k.endswith("指标")]
_LABEL = re.compile(rf"(?:{_alt(_L1_WORDS + _L2_WORDS + ['绩效指标'])})(?:\(\d+(?:\.\d+)?分\))?")

# --- values ------------------------------------------------------------------------------------
_UNIT = _alt(_P["units"] + _F["extra_units"])
_NUMERIC = re.compile(
    rf"(?:{_CMP})?(?:(?:20\d\d年)?\d{{1,2}}月(?:\d{{1,2}}日)?(?:底|末)?(?:前|以前|之前)(?:完成)?"
    rf"|\d+(?:\.\d+)?(?:%|(?:{_UNIT})(?:/[\u4e00-\u9fff]{{1,3}})?)?(?:以上|以内|以下)?)"
)
_QWORDS = sorted({fold_key(w) for w in _F["values"]} | {fold_key(w) for ws in LEX["tiers"].values() for w in ws}, key=len, reverse=True)
_Q = _alt(_QWORDS)
_Q_START = re.compile(rf"(?:{_Q})")
_Q_DOUBLE = re.compile(rf"({_Q})\1")
_Q_PAIR_END = re.compile(rf"({_Q})({_Q})$")

_HAN = re.compile(r"[\u4e00-\u9fff]")
_DEVIATION = re.compile(r"未|没有|滞后|延迟|延期|原因|由于|因|受.{1,12}影响|不足|减少|下降|调整")
# a name with an unread value ("…项目占比较上年下降"): not a reason
_NAME_IN = re.compile(r"(?:率|度|数|量|比例|占比|指标|人次|金额|时间)(?:[\u4e00-\u9fff]{0,6})$")
_PAGE_MARK = re.compile(r"\s*\d{1,3}、")
_CLAUSE = re.compile(r"[,;。!?]")


def _view(ctx: Ctx, toks: list[Tok]) -> Folded:
    """The folded text of consecutive tokens: no whitespace (a space kept between two digits), no
    page markers at the start of the continuation lines; offsets map to ``ctx.doc.text``."""
    a, b = toks[0].start, toks[-1].end
    f = fold(ctx.doc.text[a:b], base=a)
    drop: set[int] = set()
    for t in toks[1:]:
        m = _PAGE_MARK.match(t.text)
        if m:
            drop.update(range(t.start - a, t.start - a + m.end()))
    text: list[str] = []
    index: list[int] = []
    for ch, i in zip(f.text, f.index):
        if i in drop:
            continue
        if index and i > index[-1] + 1 and text[-1].isdigit() and ch.isdigit():
            text.append(" ")  # "95 100": two cells, not one number
            index.append(index[-1] + 1)
        text.append(ch)
        index.append(i)
    return Folded("".join(text), tuple(index), a, b - a)


def _continues(t: Tok) -> bool:
    """A line that carries on a fused table: a page marker, a value or a level label first."""
    k = t.key
    m = _PAGE_MARK.match(k)
    if m:
        return True
    return bool(_NUMERIC.match(k) or _LABEL.match(k) or _Q_DOUBLE.match(k))


def fused_indicators(ctx: Ctx, toks: list[Tok], fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """Indicator rows of fused self-evaluation tables in ``toks`` (see the module docstring)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    prose = [t for t in toks if t.table is None and t.key]
    k = 0
    while k < len(prose):
        t = prose[k]
        if "三级指标" not in t.key:
            k += 1
            continue
        run = [t]
        while k + len(run) < len(prose):
            nxt = prose[k + len(run)]
            if nxt.i != run[-1].i + 1 or not _continues(nxt) or _END.search(_view(ctx, run).text.split("三级指标", 1)[-1]):
                break
            run.append(nxt)
        k += len(run)
        f = _view(ctx, run)
        for h in _HEADER.finditer(f.text):
            cols = h.group(0)
            if "三级指标" not in cols or not _HAS_TARGET.search(cols) or not _HAS_ACTUAL.search(cols):
                continue
            if _HAS_SCORE.search(cols):
                break  # weight/score columns: the fused numbers cannot be told apart
            end_m = _END.search(f.text, h.end())
            body_end = end_m.start() if end_m else len(f.text)
            for row in _rows(f, h.end(), body_end):
                rec = _record(ctx, f, row, fiscal_year, len(out) + 1)
                if rec is None:
                    continue
                key = fold_key(rec["name"]) + "|" + (rec["target"] or {}).get("raw", "") + "|" + (rec["actual"] or {}).get("raw", "")
                if key in seen:
                    continue
                seen.add(key)
                out.append(rec)
            break
    return out


def _rows(f: Folded, start: int, end: int) -> list[dict[str, Any]]:
    """Rows of the region ``f.text[start:end]``: names, value spans, labels, deviation spans."""
    text = f.text
    labels = list(_LABEL.finditer(text, start, end))
    rows: list[dict[str, Any]] = []
    l1: tuple[str | None, tuple[int, int] | None] = (None, None)
    l2: tuple[str | None, tuple[int, int] | None] = (None, None)
    bounds = [(m.start(), m.end()) for m in labels]
    seg_starts = [start] + [e for _, e in bounds]
    seg_ends = [s for s, _ in bounds] + [end]
    for n, (a, b) in enumerate(zip(seg_starts, seg_ends)):
        if n > 0:
            m = labels[n - 1]
            word = re.sub(r"\(.*$", "", m.group(0))
            followed = n < len(labels) and labels[n].start() == m.end()
            c1, c2 = level1_of(word), level2_of(word)
            if word == "绩效指标":
                pass  # the block label re-opened after a page break
            elif c2 and not (c1 and followed):
                l2 = (c2, (m.start(), m.end()))
                exp = _L1_OF_L2.get(c2, (None, None))[1]
                if l1[0] != exp:
                    l1 = (exp, None)
            elif c1:
                l1, l2 = (c1, (m.start(), m.end())), (None, None)
        seg_rows = _segment(text, a, b)
        for i, r in enumerate(seg_rows):
            r["level1"], r["level1_span"] = l1
            r["level2"], r["level2_span"] = l2
            r["inherited"] = i > 0  # a merged label cell: written once, above the group's first row
        rows.extend(seg_rows)
    return rows


def _items(text: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """Value spans (start, end, kind) in ``text[a:b]``: numbers first, then the unambiguous words."""
    items: list[tuple[int, int, str]] = []
    for m in _NUMERIC.finditer(text, a, b):
        s, e = m.span()
        raw = m.group(0)
        if raw.isdigit() and len(raw) % 2 == 0 and raw[: len(raw) // 2] == raw[len(raw) // 2 :] and (raw[0] == "0" or len(raw) >= 4):
            h = s + len(raw) // 2
            items += [(s, h, "num"), (h, e, "num")]  # "00", "100100": two cells
        else:
            items.append((s, e, "num"))

    def adjacent(x: int, y: int) -> bool:
        return x == y or (y == x + 1 and text[x] == " ")

    covered = lambda p: any(s <= p < e for s, e, _ in items)  # noqa: E731
    extra: list[tuple[int, int, str]] = []
    for n, (s, e, _) in enumerate(items):
        lone_before = n == 0 or not adjacent(items[n - 1][1], s)
        lone_after = n + 1 == len(items) or not adjacent(e, items[n + 1][0])
        if lone_before and lone_after:
            q = _Q_START.match(text, e, b)
            if q:
                extra.append((q.start(), q.end(), "word"))  # "100%无"
    for q in _Q_DOUBLE.finditer(text, a, b):
        if not covered(q.start()) and not covered(q.end() - 1):
            h = q.start() + len(q.group(1))
            extra += [(q.start(), h, "word"), (h, q.end(), "word")]  # "高高", "达标达标"
    items = sorted(set(items + extra))
    last = items[-1][1] if items else a
    tail = text[last:b]
    q = _Q_PAIR_END.search(tail)
    if q and len(_HAN.findall(tail[: q.start()])) >= 2:
        s0 = last + q.start()
        items += [(s0, s0 + len(q.group(1)), "word"), (s0 + len(q.group(1)), last + q.end(), "word")]
    return sorted(set(items))


def _chains(text: str, items: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    chains: list[list[tuple[int, int, str]]] = []
    for it in items:
        if chains:
            pe = chains[-1][-1][1]
            if it[0] == pe or (it[0] == pe + 1 and text[pe] == " "):
                chains[-1].append(it)
                continue
        chains.append([it])
    return chains


def _segment(text: str, a: int, b: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = a
    skip = False
    for ch in _chains(text, _items(text, a, b)):
        if len(ch) == 1:
            continue  # one value: part of a name ("5000吨稻谷储备到位率")
        if len(ch) > 2:  # three or more: which two are the row's, and does the next name start here?
            cursor, skip = ch[-1][1], True
            continue
        (ts, te, _), (as_, ae, _) = ch
        ns, ne = cursor, ts
        name = text[ns:ne]
        cl = list(_CLAUSE.finditer(name))
        if cl:  # "…，名称": the clause before is not part of the name
            before = text[ns : ns + cl[-1].start()].strip()
            if rows and rows[-1]["deviation"] is None and _is_reason(before) and rows[-1]["end"] == ns:
                rows[-1]["deviation"] = (ns, ns + cl[-1].start())
            ns += cl[-1].end()
            name = text[ns:ne]
        cursor = ae
        name = name.strip(" 、")
        if skip:
            skip = False
            continue
        if len(_HAN.findall(name)) < 2 or len(name) > 60 or _NOT_A_NAME.search(name) or name in _QWORDS:
            continue
        rows.append({"name": (ns, ne), "target": (ts, te), "actual": (as_, ae), "end": ae, "deviation": None})
    if rows and rows[-1]["end"] == cursor:
        tail = text[cursor:b].strip(" ,;。")
        if tail and _is_reason(tail) and not _NAME_IN.search(tail) and not _NUMERIC.search(tail):
            rows[-1]["deviation"] = (cursor, cursor + len(text[cursor:b].rstrip(" ,;。")))
    return rows


def _is_reason(s: str) -> bool:
    return len(s) >= 2 and bool(_DEVIATION.search(s)) and not _NOT_DEVIATION.search(s)


def _orig(ctx: Ctx, f: Folded, span: tuple[int, int] | None) -> str | None:
    """The source's characters of a folded span, without whitespace or page markers."""
    if span is None:
        return None
    s, e = span
    return "".join(ctx.doc.text[f.base + i] for i in f.index[s:e] if not ctx.doc.text[f.base + i].isspace()) or None


def _record(ctx: Ctx, f: Folded, row: dict[str, Any], fiscal_year: int | None, n: int) -> dict[str, Any] | None:
    s, e = f.span(*row["name"])
    name_raw = ctx.doc.text[s:e].strip()
    name, core = clean_name(_orig(ctx, f, row["name"]) or "")
    target_raw, actual_raw = _orig(ctx, f, row["target"]), _orig(ctx, f, row["actual"])
    target, actual = values_of(target_raw, actual_raw, fiscal_year=fiscal_year)
    if target is None and actual is None:
        return None
    if "满意度" in name and any(v and v.get("unit") == "%" and _over_100(v.get("value")) for v in (target, actual)):
        return None  # a satisfaction above 100%: the cells were split wrongly ("调查²90%")
    level2 = row["level2"]
    level1 = row["level1"]
    if level2 is None and level1 is None and "满意度" in name:
        level2, level1 = "beneficiary_satisfaction", "satisfaction"
    conf = 0.55 if all(v and v.get("comparator") != "qualitative" for v in (target, actual)) else 0.5
    return indicator_record(
        ctx, n=n, span=f.span(row["name"][0], row["actual"][1]), confidence=conf, source="fused_table",
        level1=(level1, _orig_text(ctx, f, row["level1_span"])), level2=(level2, _orig_text(ctx, f, row["level2_span"])),
        name=name, name_raw=name_raw, is_core=core, target=target, actual=actual,
        deviation_text=_orig_text(ctx, f, row["deviation"]),
        inherited=(bool(row["inherited"] and level1), bool(row["inherited"] and level2)),
    )


def _orig_text(ctx: Ctx, f: Folded, span: tuple[int, int] | None) -> str | None:
    """A deviation as the source wrote it (its own spaces kept), so problems can find it in the text."""
    if span is None:
        return None
    s, e = f.span(*span)
    return ctx.doc.text[s:e].strip() or None


def _over_100(v: Any) -> bool:
    try:
        return Decimal(str(v)) > 100
    except (InvalidOperation, ValueError):
        return False
