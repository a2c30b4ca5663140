"""Read the blocks of the standard tables (DOMAIN §2, T1–T4) from the cell stream.

Three readers share one idea: find a header run (cells whose folded text is a T6 synonym), map
each header to a canonical column, then read the rows below it.

* In a real table (every token of the header run sits in one table row), values are taken by
  column, and rows are the table's rows.
* In a flattened table (one cell per line, no row boundaries), rows start at a row label (funds
  lines: 年度资金总额, 其中:当年财政拨款 …; indicator rows: a 三级 name) and the values that follow
  are given to the columns in header order.

Header cells wrapped across lines ("年初" / "预算数", "(万元)" on its own line) are joined
before they are classified. Level labels of merged cells are inherited by the rows below
(DOMAIN trap 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Document
from ..textnorm import fold_key
from .lexicon import LEX, canon_header, funds_row_role, strip_label
from .stream import CHECK_MARKS, CROSS_MARKS, Tok, is_placeholder_key, is_value_key

__all__ = [
    "FundsBlock",
    "FundsLine",
    "GoalBlock",
    "IndicatorBlock",
    "IndicatorRow",
    "Header",
    "read_tables",
    "level1_of",
    "level2_of",
    "TableReading",
]

_MONEY_UNIT = re.compile(r"(?:单位|金额单位|计量单位)?[:：]?\(?(亿元|万元|千元|元)\)?")
_UNIT_DECL = re.compile(r"(?:金额)?单位[:：]\s*(亿元|万元|千元|元)|[(（](亿元|万元|千元|元)[)）]")
_FUNDS_CANON = {"initial", "full_year", "executed", "forecast", "rate", "weight", "score", "reason"}
_FUNDS_KEY = {"initial", "full_year", "executed"}
_IND_CANON = {
    "level1", "level2", "level3", "target", "comparator", "unit", "actual", "weight", "score", "reason",
    "progress", "forecast", "likelihood", "corrective", "remark",
    "cause_funding", "cause_institution", "cause_personnel", "cause_hardware", "cause_other",
    "likely_certain", "likely_possible", "likely_impossible",
}
_GOAL_CANON = {"goal_target", "goal_actual"}
_SECTION = tuple(fold_key(w) for w in LEX["funds"]["section"])
_GOAL_LABELS = {fold_key(w) for w in LEX["blocks"]["goal"]}
_IND_LABELS = {fold_key(w) for w in LEX["blocks"]["indicator"]}
_TOTAL_ROW = {fold_key(w) for w in LEX["blocks"]["total_row"]}
_L1 = {fold_key(k): v for k, v in LEX["level1"].items()}
_L2 = {fold_key(k): v for k, v in LEX["level2"].items()}
_FRAGMENTS = ("年初", "全年", "实际", "年度", "预算", "调整后", "全年预计", "预计", "完成", "偏差原因", "一级", "二级", "三级", "指标")


def level1_of(key: str) -> str | None:
    s = strip_label(key)
    s = re.sub(r"\d+(?:\.\d+)?分$", "", s)
    return _L1.get(s)


def level2_of(key: str) -> str | None:
    s = strip_label(key)
    s = re.sub(r"\d+(?:\.\d+)?分$", "", s)
    return _L2.get(s)


# ---------------------------------------------------------------------------------------------
# Shapes


@dataclass(slots=True)
class Header:
    """One header cell, possibly joined from wrapped pieces."""

    canon: str
    toks: list[Tok]

    @property
    def col(self) -> int | None:
        return self.toks[0].col


@dataclass(slots=True)
class FundsLine:
    role: str  # DOMAIN §6.2 budget.lines[].role
    label: Tok
    cells: dict[str, Tok] = field(default_factory=dict)  # canon column -> value cell


@dataclass(slots=True)
class FundsBlock:
    headers: list[Header]
    lines: list[FundsLine]
    unit: str  # 万元 / 元 / 亿元 / 千元
    unit_basis: str  # "header" when declared, "inferred" when the template default was assumed
    unit_tok: Tok | None
    table: int | None
    mode: str  # "table" | "stream"

    def line(self, role: str) -> FundsLine | None:
        return next((ln for ln in self.lines if ln.role == role), None)


@dataclass(slots=True)
class GoalBlock:
    target: list[Tok]
    actual: list[Tok]
    unit: str | None  # the funds unit of the same table, for bare numbers in goal cells


@dataclass(slots=True)
class IndicatorRow:
    level1_raw: str | None
    level2_raw: str | None
    level1_tok: Tok | None
    level2_tok: Tok | None
    level1_inherited: bool
    level2_inherited: bool
    name: Tok
    cells: dict[str, Tok] = field(default_factory=dict)  # canon -> cell (target, actual, unit, comparator, weight, score, reason, monitoring columns)
    period: str | None = None  # "annual" | "medium_term" | "to_date"

    @property
    def toks(self) -> list[Tok]:
        out = [self.name, *self.cells.values()]
        return sorted(out, key=lambda t: t.i)


@dataclass(slots=True)
class IndicatorBlock:
    headers: list[Header]
    rows: list[IndicatorRow]
    unit: str | None  # the money unit of the table (for money-named indicators)
    table: int | None
    mode: str
    total: dict[str, Tok] = field(default_factory=dict)  # the 总分/合计 row: weight, score
    period: str = "annual"  # "to_date" for monitoring tables, "medium_term" under a 长期/中期 caption


@dataclass(slots=True)
class TableReading:
    funds: list[FundsBlock] = field(default_factory=list)
    goals: list[GoalBlock] = field(default_factory=list)
    indicators: list[IndicatorBlock] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)  # stream indices read as structured cells


# ---------------------------------------------------------------------------------------------
# Header runs


def _next_nonempty(stream: list[Tok], i: int, limit: int = 4) -> int | None:
    j = i
    while j < len(stream) and j < i + limit:
        if stream[j].key:
            return j
        j += 1
    return None


def _header_at(stream: list[Tok], i: int, allowed: set[str]) -> tuple[Header, int] | None:
    """The header cell starting at ``i`` (joining up to three wrapped pieces) and the next index."""
    t = stream[i]
    if not t.key:
        return None
    c = canon_header(t.key)
    if c in allowed:
        # "年初预算数" + "(万元)" on the next line: keep the bracket with the header
        return Header(c, [t]), i + 1
    if t.table is None and len(t.key) <= 6 and t.key.startswith(_FRAGMENTS):
        joined = t.key
        toks = [t]
        for j in range(i + 1, min(i + 3, len(stream))):
            u = stream[j]
            if not u.key or u.table is not None:
                break
            joined += u.key
            toks.append(u)
            c = canon_header(joined)
            if c in allowed:
                return Header(c, toks), j + 1
    return None


def _header_run(stream: list[Tok], i: int, allowed: set[str]) -> tuple[list[Header], int]:
    """Consecutive header cells from ``i`` (empty cells of the same table row allowed)."""
    out: list[Header] = []
    j = i
    row = (stream[i].table, stream[i].row)
    while j < len(stream):
        t = stream[j]
        if t.table is not None and (t.table, t.row) != row and row[0] is not None:
            break
        if not t.key:
            j += 1
            continue
        h = _header_at(stream, j, allowed)
        if h is None:
            if t.table is not None and t.table == row[0]:
                j += 1  # a non-header cell inside the header row (e.g. the section label)
                continue
            break
        out.append(h[0])
        j = h[1]
    return out, j


def _unit_near(doc: Document, stream: list[Tok], toks: list[Tok]) -> tuple[str, str, Tok | None]:
    """The money unit a funds header declares: in its cells, the cells just before, or the caption."""
    first = toks[0]
    lo = max(0, first.i - 8)
    for t in [*toks, *reversed(stream[lo : first.i])]:
        m = _UNIT_DECL.search(t.key)
        if m:
            return (m.group(1) or m.group(2)), "header", t
    if first.table is not None:
        tb = doc.tables[first.table]
        if tb.caption:
            m = _UNIT_DECL.search(fold_key(tb.caption))
            if m:
                return (m.group(1) or m.group(2)), "header", None
        # "单位：万元" anywhere above the header inside the same table
        for t in reversed(stream[: first.i]):
            if t.table != first.table:
                break
            m = _UNIT_DECL.search(t.key)
            if m:
                return (m.group(1) or m.group(2)), "header", t
    for t in reversed(stream[max(0, first.i - 30) : first.i]):
        m = re.search(r"单位[:：](亿元|万元|千元|元)", t.key)
        if m:
            return m.group(1), "header", t
    return "万元", "inferred", None  # the national template's unit (DOMAIN §2, T1)


# ---------------------------------------------------------------------------------------------
# Funds block


def _row_label(t: Tok) -> str | None:
    return funds_row_role(t.key) if t.key and len(t.key) <= 20 else None


def _read_funds(doc: Document, stream: list[Tok], i: int, out: TableReading) -> int:
    headers, j = _header_run(stream, i, _FUNDS_CANON)
    canons = [h.canon for h in headers]
    if len(set(canons) & _FUNDS_KEY) < 2:
        return i + 1
    htoks = [t for h in headers for t in h.toks]
    # the section label just before the run ("项目资金" "(万元)") belongs to the header
    k = htoks[0].i - 1
    while k >= 0 and k >= htoks[0].i - 3 and stream[k].table == htoks[0].table:
        key = stream[k].key
        if key and (key.startswith(_SECTION) or _UNIT_DECL.fullmatch(key)):
            htoks.insert(0, stream[k])
            k -= 1
            continue
        if key:
            break
        k -= 1
    unit, basis, unit_tok = _unit_near(doc, stream, htoks)
    table_mode = htoks[-1].table is not None and all(h.col is not None for h in headers) and len({(t.table, t.row) for h in headers for t in h.toks}) == 1
    block = FundsBlock(headers, [], unit, basis, unit_tok, htoks[-1].table, "table" if table_mode else "stream")
    out.consumed.update(t.i for t in htoks)
    if table_mode:
        j = _read_funds_table(doc, stream, headers, block, out)
    else:
        j = _read_funds_stream(stream, j, headers, block, out)
    if block.lines:
        out.funds.append(block)
    return j


def _read_funds_table(doc: Document, stream: list[Tok], headers: list[Header], block: FundsBlock, out: TableReading) -> int:
    t0 = headers[0].toks[0]
    assert t0.table is not None and t0.row is not None
    tb = doc.tables[t0.table]
    cols = {h.col: h.canon for h in headers}
    first_val_col = min(c for c in cols if c is not None)
    by_cell = {(t.row, t.col): t for t in stream if t.table == tb.index}
    r = t0.row + 1
    while r < tb.n_rows:
        label = None
        for c in range(0, first_val_col):
            t = by_cell.get((r, c))
            if t is not None and t.key and _row_label(t):
                label = t
        if label is None:
            break
        line = FundsLine(_row_label(label) or "other", label)
        out.consumed.add(label.i)
        # A table flattened to text loses the cells covered by merges: the row's values then sit
        # right after its label, left of the header's columns. Shift by that gap.
        assert label.col is not None and label.row is not None
        label_end = label.col + tb.cell(label.row, label.col).col_span
        shift = min(0, label_end - first_val_col)
        if shift:
            def filled(k: int) -> int:
                return sum(1 for c in cols if (t := by_cell.get((r, c + k))) is not None and t.key)
            if filled(shift) <= filled(0):
                shift = 0  # an empty column of the real layout, not a lost merged cell
        for c, canon in cols.items():
            t = by_cell.get((r, c + shift))
            if t is not None:
                line.cells[canon] = t
                out.consumed.add(t.i)
        block.lines.append(line)
        r += 1
    last = [t.i for t in stream if t.table == tb.index and t.row is not None and t.row < r]
    return (max(last) + 1) if last else t0.i + 1


def _read_funds_stream(stream: list[Tok], j: int, headers: list[Header], block: FundsBlock, out: TableReading) -> int:
    canons = [h.canon for h in headers]
    while j < len(stream):
        t = stream[j]
        if not t.key:
            j += 1
            continue
        role = _row_label(t)
        if role is None:
            break
        line = FundsLine(role, t)
        out.consumed.add(t.i)
        j += 1
        n = 0
        while j < len(stream) and n < len(canons):
            v = stream[j]
            if not v.key:
                j += 1
                continue
            if not is_value_key(v.key) or _row_label(v):
                break
            line.cells[canons[n]] = v
            out.consumed.add(v.i)
            n += 1
            j += 1
        # a reason cell (long text) may follow the values of the total row
        if j < len(stream) and "reason" in canons and stream[j].key and len(stream[j].key) > 15 and not _row_label(stream[j]):
            line.cells["reason"] = stream[j]
            out.consumed.add(j)
            j += 1
        block.lines.append(line)
    return j


# ---------------------------------------------------------------------------------------------
# Goal block (年度总体目标: 预期目标 | 实际完成情况)


def _read_goals(stream: list[Tok], i: int, unit: str | None, out: TableReading) -> int:
    headers, j = _header_run(stream, i, _GOAL_CANON)
    if not headers or headers[0].canon != "goal_target":
        return i + 1
    out.consumed.update(t.i for h in headers for t in h.toks)
    block = GoalBlock([], [], unit)
    h0 = headers[0].toks[0]
    if h0.table is not None and all(h.col is not None for h in headers):
        # content rows below the header: their non-empty cells in order are target, actual
        # (by content, not column: a table flattened to text loses the merged label column)
        canons = [h.canon for h in headers]
        rows_seen = 0
        while j < len(stream) and stream[j].table == h0.table and rows_seen < 3:
            row = stream[j].row
            cells = []
            while j < len(stream) and stream[j].table == h0.table and stream[j].row == row:
                cells.append(stream[j])
                j += 1
            if any(t.key and _stops_goal(t) for t in cells):
                j = cells[0].i
                break
            texts = [t for t in cells if t.key and strip_label(t.key) not in _GOAL_LABELS]
            for canon, t in zip(canons, texts):
                (block.target if canon == "goal_target" else block.actual).append(t)
                out.consumed.add(t.i)
            rows_seen += 1
    else:
        texts: list[Tok] = []
        while j < len(stream) and len(texts) < 2:
            t = stream[j]
            if t.key and _stops_goal(t):
                break
            if t.key:
                texts.append(t)
            j += 1
        if texts:
            block.target.append(texts[0])
            out.consumed.add(texts[0].i)
        if len(texts) > 1:
            block.actual.append(texts[1])
            out.consumed.add(texts[1].i)
    if block.target or block.actual:
        out.goals.append(block)
    return j


def _stops_goal(t: Tok) -> bool:
    k = strip_label(t.key)
    return k in _IND_LABELS or canon_header(t.key) in {"level1", "level2", "level3"} or level1_of(t.key) is not None


# ---------------------------------------------------------------------------------------------
# Indicator block


_SPLITS = {
    "target": ("comparator", "target", "unit"),  # 年度指标值 over 指标性质 | 指标值 | 度量单位
    "reason": ("cause_funding", "cause_institution", "cause_personnel", "cause_hardware", "cause_other"),  # 偏差原因分析 over the checklist
    "likelihood": ("likely_certain", "likely_possible", "likely_impossible"),  # 完成目标可能性 over 确定能 | 有可能 | 完全不可能
}
_LEVELS = ("level1", "level2", "level3")


def _merge_split_headers(runs: list[list[Header]]) -> list[Header]:
    """Two header rows -> one column list: a group header in the first row (年度指标值, 偏差原因分析)
    is replaced, in place, by the sub-headers below it; level headers repeated below are dropped."""
    if len(runs) == 1:
        return runs[0]
    a, b = runs
    used: set[int] = set()
    out: list[Header] = []
    for h in a:
        subs = [x for x in b if x.canon in _SPLITS.get(h.canon, ()) and id(x) not in used]
        if h.canon == "target" and not any(x.canon == "comparator" for x in subs):
            subs = []
        if subs:
            out.extend(subs)
            used.update(id(x) for x in subs)
        else:
            out.append(h)
    have = {h.canon for h in out}
    out.extend(x for x in b if id(x) not in used and x.canon not in have)
    return [h for h in out if h.canon in _LEVELS] + [h for h in out if h.canon not in _LEVELS]


_MEDIUM = re.compile(r"长期|中期")


def _period_of_header(h: Header) -> str | None:
    return "medium_term" if any(_MEDIUM.search(t.key) for t in h.toks) else None


def _block_period(stream: list[Tok], first: Tok, headers: list[Header]) -> str:
    """"to_date" for a monitoring table, "medium_term" under a 长期/中期 caption, else "annual"."""
    if any(h.canon == "progress" for h in headers):
        return "to_date"
    for t in reversed(stream[max(0, first.i - 3) : first.i]):
        if t.key and len(t.key) <= 20 and _MEDIUM.search(t.key) and "指标" in t.key:
            return "medium_term"
        if t.key and len(t.key) <= 20 and re.search(r"年度.*指标", t.key):
            return "annual"
    return "annual"


def _label_at(stream: list[Tok], j: int) -> tuple[str | None, str | None, int]:
    """(level1, level2, tokens used) of the label at ``j``, joining a label wrapped over two
    lines ("经济效益" / "指标", "满意度" / "指标")."""
    t = stream[j]
    l1, l2 = level1_of(t.key), level2_of(t.key)
    if l1 or l2 or t.table is not None:
        return l1, l2, 1
    k = _next_nonempty(stream, j + 1, 3)
    if k is not None and stream[k].table is None and len(stream[k].key) <= 4:
        joined = t.key + stream[k].key
        l1, l2 = level1_of(joined), level2_of(joined)
        if l1 or l2:
            return l1, l2, k - j + 1
    return None, None, 1


def _span_cols(doc: Document, h: Header) -> range:
    t = h.toks[0]
    if t.table is None or t.col is None or t.row is None:
        return range(0)
    return range(t.col, t.col + doc.tables[t.table].cell(t.row, t.col).col_span)


def _read_indicators(doc: Document, stream: list[Tok], i: int, unit: str | None, out: TableReading) -> int:
    run, j = _header_run(stream, i, _IND_CANON)
    canons = [h.canon for h in run]
    if "level3" not in canons and not ("target" in canons and ("actual" in canons or "progress" in canons)):
        return i + 1
    runs = [run]
    # a second header row right below (T1 central: 年度指标值 over the Sichuan split; T4: the
    # deviation-cause checklist under 偏差原因分析)
    k = _next_nonempty(stream, j, 6)
    if k is not None:
        run2, j2 = _header_run(stream, k, _IND_CANON)
        if len(run2) >= 3 or (run2 and all(any(h.canon in subs for subs in _SPLITS.values()) for h in run2)):
            runs.append(run2)
            j = j2
    headers = _merge_split_headers(runs)
    for r in runs:
        out.consumed.update(t.i for h in r for t in h.toks)
    value_cols = [h.canon for h in headers if h.canon not in _LEVELS]
    table = stream[i].table
    block = IndicatorBlock(headers, [], unit, table, "table" if table is not None else "stream", period=_block_period(stream, stream[i], headers))
    # columns of a real table: level labels by position (department frameworks name their own
    # 一级 such as 部门决策), values by position when the row keeps its columns
    colmap: dict[int, str] = {}
    cols = [h.col for h in headers]
    if (table is not None and not doc.tables[table].source.startswith("text") and all(c is not None for c in cols)
            and all(a < b for a, b in zip(cols, cols[1:]))):  # type: ignore[operator]
        # (a table flattened into text loses merged cells, so its rows and header rows do not line up)
        for h in headers:
            for c in _span_cols(doc, h):
                colmap.setdefault(c, h.canon)
    col_of = {canon: c for c, canon in sorted(colmap.items(), reverse=True)}
    medium_cols = {c for h in headers if _period_of_header(h) for c in _span_cols(doc, h)}
    split_periods = bool(medium_cols) or (table is None and any(_period_of_header(h) for h in headers))
    if colmap and medium_cols:
        j = _read_period_columns(doc, stream, j, headers, block, out)
        if block.rows:
            out.indicators.append(block)
        return j
    l1: tuple[str, Tok] | None = None
    l2: tuple[str, Tok] | None = None
    group: list[IndicatorRow] = []  # rows since the last 一级 label (period-split layouts)

    def close_group() -> None:
        if split_periods and table is None and len(group) >= 2:
            group[0].period = "medium_term"
        group.clear()

    while j < len(stream):
        t = stream[j]
        if table is not None and t.table != table:
            break
        if not t.key:
            j += 1
            continue
        key = strip_label(t.key)
        if key in _TOTAL_ROW:
            j = _read_total_row(stream, j, table, block, out)
            break
        if key in _IND_LABELS and block.rows and re.search(r"年度|中期|长期", key):
            break  # the caption of the next indicator table (中期 then 年度): a block of its own
        if key in _IND_LABELS or (table is None and (is_placeholder_key(t.key) or t.key in ("0", "0.00"))):
            out.consumed.add(t.i)
            j += 1
            continue
        k = _repeated_header(stream, j)
        if k is not None:  # the header row again, on the next page
            out.consumed.update(range(j, k))
            j = k
            continue
        if colmap and block.rows and t.row != block.rows[-1].name.row:
            k = _continuation(doc, stream, j, colmap, block.rows[-1])
            if k is not None:  # the rest of a row that a page break split
                j = k
                continue
        new_l1, new_l2, used = _label_at(stream, j)
        if colmap and new_l1 is None and new_l2 is None and not is_value_key(t.key) and _has_cell_right(stream, j, col_of.get("level3")):
            if t.col == col_of.get("level1"):
                new_l1 = "other"
            elif t.col == col_of.get("level2"):
                new_l2 = "other"
        if l2 is not None and (new_l1 or new_l2) and (
            (t.table is not None and l2[1].table == t.table and l2[1].row == t.row and (t.col or 0) > (l2[1].col or 0)
             and t.col != col_of.get("level2", -1) and not (medium_cols and t.key == l2[1].key))
            or (t.table is None and l2[1].i == t.i - 1 and t.key != l2[1].key)
        ):
            new_l1 = new_l2 = None  # right after its 二级 label: this is the 三级 name ("满意度")
        if new_l1 is not None and new_l2 is not None and new_l1 != "other":  # 成本指标: a 二级 under 产出 in older templates
            nxt = next((u for u in stream[j + used : j + used + 3] if u.key), None)
            if nxt is not None and level2_of(nxt.key) is not None and level1_of(nxt.key) is None:
                new_l2 = None  # a 二级 label follows (经济成本指标): the newer 一级 成本指标
            elif l1 is not None and level1_of(l1[1].key) == "output":
                new_l1 = None
            else:
                new_l2 = None
        if new_l1 is not None:
            close_group()
            toks = [u for u in stream[j : j + used] if u.key]
            l1 = ("".join(u.text.strip() for u in toks), t)
            l2 = None
            out.consumed.update(u.i for u in toks)
            j += used
            continue
        if new_l2 is not None:
            toks = [u for u in stream[j : j + used] if u.key]
            if not (l2 is not None and split_periods and t.key == l2[1].key):
                l2 = ("".join(u.text.strip() for u in toks), t)
            out.consumed.update(u.i for u in toks)
            j += used
            continue
        if is_value_key(t.key) or len(t.key) > 60 or _is_section_end(t.key) or t.key.endswith((":", "：")):
            break
        # t is a 三级 name; its values follow
        row = IndicatorRow(
            l1[0] if l1 else None, l2[0] if l2 else None, l1[1] if l1 else None, l2[1] if l2 else None,
            False, False, t,
        )
        if split_periods and t.col is not None and t.col in medium_cols:
            row.period = "medium_term"
        out.consumed.add(t.i)
        j += 1
        if colmap and t.col == col_of.get("level3"):
            j = _read_values_by_column(stream, j, t, colmap, row, out)
        else:
            j = _read_values(stream, j, t, value_cols, row, out)
        if not any(v.key and not is_placeholder_key(v.key) for v in row.cells.values()):
            continue  # an unfilled template row ("指标2" with empty or "……" cells)
        _inherit(row, block.rows[-1] if block.rows else None)
        block.rows.append(row)
        group.append(row)
    close_group()
    for r in block.rows:
        if r.period is None:
            r.period = block.period
    if block.rows:
        out.indicators.append(block)
    return j


def _repeated_header(stream: list[Tok], j: int) -> int | None:
    """The end of a header row repeated inside the block (a table continued on a new page), or
    ``None``: a table row whose cells are all header words, or a run of three or more of them."""
    t = stream[j]
    if canon_header(t.key) not in _IND_CANON:
        return None
    k, n = j, 0
    while k < len(stream):
        u = stream[k]
        if t.table is not None and (u.table != t.table or u.row != t.row):
            break
        if u.key:
            if canon_header(u.key) not in _IND_CANON:
                if t.table is not None:
                    return None
                break
            n += 1
        k += 1
    return k if n >= 3 else None


def _read_period_columns(doc: Document, stream: list[Tok], j: int, headers: list[Header], block: IndicatorBlock, out: TableReading) -> int:
    """A real table with 长期 and 年度 column groups side by side (二级(长期) | 三级(长期) | 指标值(长期)
    | 二级(年度) | 三级(年度) | 指标值(年度)): each row may hold one indicator of each period, each
    group inheriting its own 二级 label. Rows come out in document order, 长期 before 年度."""
    groups: dict[str, dict[str, int]] = {"medium_term": {}, "annual": {}}
    l1col = None
    for h in headers:
        if h.col is None:
            continue
        if h.canon == "level1":
            l1col = h.col
        else:
            groups["medium_term" if _period_of_header(h) else "annual"].setdefault(h.canon, h.col)
    table = stream[j - 1].table if j else None
    l1: Tok | None = None
    l2: dict[str, Tok | None] = {"medium_term": None, "annual": None}
    while j < len(stream) and stream[j].table == table:
        row_toks = []
        r = stream[j].row
        while j < len(stream) and stream[j].table == table and stream[j].row == r:
            row_toks.append(stream[j])
            j += 1
        cells = {t.col: t for t in row_toks if t.key and t.col is not None}
        if not cells:
            continue
        first = cells[min(cells)]
        if strip_label(first.key) in _TOTAL_ROW:
            j = _read_total_row(stream, first.i, table, block, out)
            break
        if _is_section_end(first.key) or all(canon_header(t.key) for t in cells.values()):
            if _is_section_end(first.key):
                j = first.i
                break
            out.consumed.update(t.i for t in cells.values())  # a header row repeated on a new page
            continue
        if l1col in cells and strip_label(cells[l1col].key) not in _IND_LABELS:
            l1 = cells[l1col]
            out.consumed.add(l1.i)
        for period, g in groups.items():
            if g.get("level2") in cells:
                l2[period] = cells[g["level2"]]
                out.consumed.add(cells[g["level2"]].i)
            name = cells.get(g.get("level3", -1))
            if name is None or is_value_key(name.key):
                continue
            lab2 = l2[period]
            row = IndicatorRow(l1.text.strip() if l1 else None, lab2.text.strip() if lab2 else None, l1, lab2, False, False, name, period=period)
            for canon, c in g.items():
                if canon not in _LEVELS and c in cells:
                    row.cells[canon] = cells[c]
            if not any(v.key and not is_placeholder_key(v.key) for v in row.cells.values()):
                continue
            _inherit(row, next((x for x in reversed(block.rows) if x.period == period), None))
            out.consumed.update(t.i for t in [name, *row.cells.values()])
            block.rows.append(row)
    return j


def _page_of(doc: Document, t: Tok) -> int | None:
    pos = doc.locate(t.start, t.end)
    return pos[0].page if pos else None


def _continuation(doc: Document, stream: list[Tok], j: int, colmap: dict[int, str], prev: IndicatorRow) -> int | None:
    """A row that a page break split: its second part, on the next page, has no level label and
    no number of its own, only the rest of the previous row's texts (name, values as written,
    deviation). Joins them into the previous row and returns the index after the part; ``None``
    when the row is not such a part."""
    t = stream[j]
    cells: list[Tok] = []
    k = j
    while k < len(stream) and stream[k].table == t.table and stream[k].row == t.row:
        if stream[k].key:
            cells.append(stream[k])
        k += 1
    if not cells:
        return None
    for u in cells:
        canon = colmap.get(u.col) if u.col is not None else None
        if canon is None or canon in ("level1", "level2") or is_value_key(u.key) or _NUMERIC_START.match(u.key) or u.key in CHECK_MARKS or u.key in CROSS_MARKS:
            return None  # a number or a tick: a row of its own (its level cells merged from above)
        if canon != "level3" and canon not in prev.cells:
            return None
    if _page_of(doc, cells[0]) == _page_of(doc, prev.name):
        return None

    def joined(a: Tok, u: Tok) -> Tok:
        return Tok(a.i, a.text.rstrip() + u.text.strip(), a.key + u.key, a.start, u.end, a.block, a.table, a.row, a.col)

    for u in cells:
        canon = colmap[u.col]  # type: ignore[index]
        if canon == "level3":
            prev.name = joined(prev.name, u)
        else:
            prev.cells[canon] = joined(prev.cells[canon], u)
    return k


def _inherit(row: IndicatorRow, prev: IndicatorRow | None) -> None:
    """Mark the level labels ``row`` shares with ``prev`` as inherited (a merged cell's label)."""
    if prev is not None:
        row.level1_inherited = row.level1_tok is prev.level1_tok and prev.level1_tok is not None
        row.level2_inherited = row.level2_tok is prev.level2_tok and prev.level2_tok is not None


def _has_cell_right(stream: list[Tok], j: int, col: int | None) -> bool:
    """Whether the table row of ``stream[j]`` has a name-like cell (not a value) in column ``col``
    (the 三级 column): then the cells left of it are level labels, whatever their wording."""
    t = stream[j]
    if col is None or t.table is None:
        return False
    k = j + 1
    while k < len(stream) and stream[k].table == t.table and stream[k].row == t.row:
        u = stream[k]
        if u.col == col:
            return bool(u.key) and not is_value_key(u.key) and not _NUMERIC_START.match(u.key)
        k += 1
    return False


def _read_values_by_column(stream: list[Tok], j: int, name: Tok, colmap: dict[int, str], row: IndicatorRow, out: TableReading) -> int:
    while j < len(stream) and stream[j].table == name.table and stream[j].row == name.row:
        v = stream[j]
        canon = colmap.get(v.col) if v.col is not None else None
        if v.key and canon and canon not in _LEVELS and canon not in row.cells:
            row.cells[canon] = v
            out.consumed.add(v.i)
        j += 1
    return j


def _read_values(stream: list[Tok], j: int, name: Tok, value_cols: list[str], row: IndicatorRow, out: TableReading) -> int:
    n = 0
    while j < len(stream) and n < len(value_cols):
        v = stream[j]
        if name.table is not None:
            if v.table != name.table or v.row != name.row:
                break
            if v.key:
                row.cells[value_cols[n]] = v
                out.consumed.add(v.i)
            n += 1
            j += 1
            continue
        if not v.key:
            j += 1
            continue
        canon = value_cols[n]
        if any(_label_at(stream, j)[:2]) or strip_label(v.key) in _TOTAL_ROW or _TEMPLATE_NAME.match(v.key) or v.key.endswith((":", "：")):
            break
        if canon in {"weight", "score"} and not is_value_key(v.key):
            # a name or a reason where a number belongs: the row ended early
            if canon == "score" or len(v.key) <= 12:
                break
        if canon == "reason" and (is_value_key(v.key) or len(v.key) <= 8 or _looks_like_name(v.key)):
            break
        if canon in {"target", "actual"} and n > 0 and _looks_like_name(v.key) and not is_value_key(v.key):
            break
        row.cells[canon] = v
        out.consumed.add(v.i)
        n += 1
        j += 1
    if name.table is not None:
        while j < len(stream) and stream[j].table == name.table and stream[j].row == name.row:
            j += 1
    return j


_NUMERIC_START = re.compile(r"^[<>≤≥=≦≧﹦＝═]{0,2}[+-]?\d")
_TEMPLATE_NAME = re.compile(r"^指标\d+")
_NAME_HINT = re.compile(r"^(?:指标\d+)|(?:率|数|量|度|性|人次|时间|标准|成本|面积|长度|情况)$")


def _looks_like_name(key: str) -> bool:
    return bool(_NAME_HINT.search(key)) and len(key) >= 4


def _is_section_end(key: str) -> bool:
    return key.startswith(("评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人", "填表人", "填报单位", "注:", "说明:", "备注", "附件")) or bool(
        re.match(r"^[\u4e00-\u9fff]{0,8}(?:审核|审批|评审)意见", key))


def _read_total_row(stream: list[Tok], j: int, table: int | None, block: IndicatorBlock, out: TableReading) -> int:
    label = stream[j]
    out.consumed.add(label.i)
    j += 1
    nums: list[Tok] = []
    while j < len(stream) and len(nums) < 3:
        v = stream[j]
        if table is not None and (v.table != table or v.row != label.row):
            break
        if v.key and not is_value_key(v.key):
            break
        if v.key and not is_placeholder_key(v.key):
            nums.append(v)
            out.consumed.add(v.i)
        j += 1
    if nums:
        block.total["weight"] = nums[0]
    if len(nums) > 1:
        block.total["score"] = nums[1]
    return j


# ---------------------------------------------------------------------------------------------


def read_tables(doc: Document, stream: list[Tok]) -> TableReading:
    """Every funds, goal and indicator block in the stream, in order."""
    out = TableReading()
    i = 0
    unit: str | None = None
    unit_table: int | None = None
    while i < len(stream):
        t = stream[i]
        if not t.key or t.i in out.consumed:
            i += 1
            continue
        c = canon_header(t.key)
        frag = t.table is None and len(t.key) <= 6 and t.key.startswith(_FRAGMENTS)
        if c in _FUNDS_KEY or (frag and c is None):
            n_before = len(out.funds)
            j = _read_funds(doc, stream, i, out)
            if len(out.funds) > n_before:
                unit, unit_table = out.funds[-1].unit, out.funds[-1].table
                i = j
                continue
        if c == "goal_target" or (c is None and strip_label(t.key) in _GOAL_LABELS):
            start = i if c == "goal_target" else i + 1
            if c is None:
                out.consumed.add(t.i)
            k = _next_nonempty(stream, start, 4)
            if k is not None and canon_header(stream[k].key) == "goal_target":
                same = unit if (unit_table == stream[k].table) else None
                i = _read_goals(stream, k, same, out)
                continue
        if c in {"level1", "level3"} or (frag and c is None) or (c == "target" and t.table is not None):
            n_before = len(out.indicators)
            j = _read_indicators(doc, stream, i, unit if unit_table == t.table else None, out)
            if len(out.indicators) > n_before:
                i = j
                continue
        i += 1
    return out


def unit_of_key(key: str) -> str | None:
    """The money unit a cell states on its own ("元", "万元"), or ``None``."""
    m = _MONEY_UNIT.fullmatch(key)
    return m.group(1) if m else None
