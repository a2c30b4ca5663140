"""Every money amount of a record, from table cells and prose, each with a role and provenance.

Table cells come first from :mod:`.tables`: a funds cell gets its role from its column (年初预算数
-> budget_initial …) and its unit from the block's header; goal and indicator cells get the
table's unit only when they hold a bare number and the indicator is money by its unit cell or its
name (DOMAIN trap 2). Everything else is read by :func:`extractor.numbers.find_money`, which needs
a unit written next to the number. Prose roles come from the nearest cue word before the amount in
the same clause (``data/extract.toml`` [prose_roles]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..numbers import Money, MoneyMatch, find_money, format_yuan
from ..textnorm import fold
from .fields import Ctx
from .lexicon import LEX
from .stream import Tok
from .tables import IndicatorRow, TableReading, unit_of_key

__all__ = ["NAME", "VERSION", "Amount", "extract_amounts", "amount_dict"]

NAME, VERSION = "amounts", "0.2.0"
EXTRACTOR = f"{NAME}@{VERSION}"

_CLAUSE_END = re.compile(r"[。；;！!？?\n,，]")
_CUES: list[tuple[str, str]] = sorted(
    ((w, role) for role, words in LEX["prose_roles"].items() for w in words), key=lambda x: -len(x[0])
)
_MONEY_NAME = tuple(LEX["indicator_money"]["name_words"])
_NOT_MONEY_NAME = tuple(LEX["indicator_money"]["not_words"])


@dataclass(slots=True)
class Amount:
    start: int
    end: int
    money: Money
    role: str
    subject: str | None
    method: str
    confidence: float
    tok: Tok | None = None
    line: str | None = None  # funds line role for cells of the funds block
    column: str | None = None  # canonical column for table cells
    origin: str = "prose"  # funds | goal | indicator | table | prose

    @property
    def yuan(self) -> Decimal:
        return self.money.value_yuan


def amount_dict(ctx: Ctx, a: Amount, idx: int) -> dict[str, Any]:
    m = a.money
    return {
        "id": f"a{idx}",
        "value_yuan": format_yuan(m.value_yuan),
        "min_yuan": format_yuan(m.min_yuan) if m.min_yuan is not None else None,
        "max_yuan": format_yuan(m.max_yuan) if m.max_yuan is not None else None,
        "source_value": m.source_value,
        "source_unit": m.source_unit,
        "unit_basis": m.unit_basis,
        "qualifier": m.qualifier,
        "per": m.per,
        "text": ctx.doc.text[a.start : a.end],
        "role": a.role,
        "line": a.line,
        "subject": a.subject,
        "prov": ctx.prov(a.start, a.end, method=a.method, extractor=EXTRACTOR, confidence=a.confidence, tok=a.tok),
    }


def _cell_money(tok: Tok, unit: str | None) -> tuple[list[MoneyMatch], str]:
    """The money of one goal/indicator cell and how it was read: written units first ("regex"),
    else a cell that is only a bare number, in the block's ``unit`` ("table_parser")."""
    found = find_money(tok.text)
    if found or unit is None:
        return found, "regex"
    found = find_money(tok.text, header_unit=unit)
    if len(found) == 1 and found[0].money.unit_basis == "header":
        # the whole cell must be the number (no words around it): "90", "≤90", "0.00"
        rest = (tok.text[: found[0].expr_start] + tok.text[found[0].expr_end :]).strip(" <>=≤≥≦≧﹦＝═")
        if not rest:
            return found, "table_parser"
    return [], "regex"


def _is_money_indicator(row: IndicatorRow) -> str | None:
    """The unit that makes this indicator's bare values money: its unit cell, or the table's for a money name."""
    unit_tok = row.cells.get("unit")
    if unit_tok is not None and unit_tok.key:
        return unit_of_key(unit_tok.key)
    name = row.name.key
    if any(w in name for w in _MONEY_NAME) and not any(w in name for w in _NOT_MONEY_NAME):
        return "__table__"
    return None


def _prose_role(text: str, start: int, m: Money) -> str:
    if m.per:
        return "unit_price"
    if m.qualifier == "at_least" and "以上" in m.raw:
        return "threshold_rule"
    window = text[max(0, start - 40) : start]
    cut = max((x.end() for x in _CLAUSE_END.finditer(window)), default=0)
    clause = fold(window[cut:]).text
    best: tuple[int, str] | None = None
    for word, role in _CUES:
        pos = clause.rfind(word)
        if pos >= 0:
            end = pos + len(word)
            if best is None or end > best[0]:
                best = (end, role)
    return best[1] if best else "unknown"


def _subject(text: str, start: int) -> str | None:
    window = text[max(0, start - 30) : start]
    cut = max((x.end() for x in _CLAUSE_END.finditer(window)), default=0)
    s = window[cut:].strip(" \t|:：")
    return s or None


def extract_amounts(ctx: Ctx, stream: list[Tok], reading: TableReading) -> list[Amount]:
    out: list[Amount] = []
    done: set[int] = set()
    # funds blocks
    money_cols = set(LEX["funds"]["money_columns"])
    roles = LEX["funds"]["column_roles"]
    for fb in reading.funds:
        conf = (0.97 if fb.mode == "table" else 0.92) * (1.0 if fb.unit_basis == "header" else 0.8)
        for line in fb.lines:
            for canon, tok in line.cells.items():
                done.add(tok.i)
                if canon not in money_cols or not tok.key:
                    continue
                found = find_money(tok.text, header_unit=fb.unit)
                if len(found) != 1:
                    continue
                f = found[0]
                m = f.money
                if m.unit_basis == "header" and fb.unit_basis == "inferred":
                    m = Money(m.value_yuan, m.source_value, m.source_unit, "inferred", m.qualifier, m.raw, m.min_yuan, m.max_yuan, m.per)
                out.append(Amount(tok.start + f.start, tok.start + f.end, m, roles[canon], line.label.text.strip(),
                                  "table_parser", conf, tok, line.role, canon, "funds"))
    # goal cells
    for gb in reading.goals:
        for kind, toks in (("goal_target", gb.target), ("goal_actual", gb.actual)):
            for tok in toks:
                done.add(tok.i)
                hits, method = _cell_money(tok, gb.unit)
                conf = 0.9 if method == "regex" else 0.8
                for f in hits:
                    out.append(Amount(tok.start + f.start, tok.start + f.end, f.money, kind, None, method, conf, tok, None, kind, "goal"))
    # indicator cells
    for ib in reading.indicators:
        for row in ib.rows:
            unit = _is_money_indicator(row)
            if unit == "__table__":
                unit = ib.unit
            cost = "成本" in (row.level2_raw or "") or "成本" in (row.level1_raw or "") or "成本" in row.name.key
            for canon, tok in row.cells.items():
                if canon == "reason":
                    continue  # prose inside the cell is read below
                done.add(tok.i)
                if canon not in {"target", "actual"}:
                    continue  # weight/score/unit/comparator cells are never money
                role = ("cost_" if cost else "indicator_") + canon
                hits, method = _cell_money(tok, unit)
                conf = 0.92 if method == "regex" else (0.9 if row.cells.get("unit") is not None else 0.75)
                for f in hits:
                    out.append(Amount(tok.start + f.start, tok.start + f.end, f.money, role, row.name.text.strip(), method, conf, tok, None, canon, "indicator"))
    # everything else: explicit money only
    for tok in stream:
        if tok.i in done or not tok.key:
            continue
        for f in find_money(tok.text):
            m = f.money
            s = tok.start + f.start
            if tok.table is not None:
                role = _prose_role(tok.text, f.start, m)
                out.append(Amount(s, tok.start + f.end, m, role, _subject(tok.text, f.start), "regex", 0.9 if m.unit_basis == "explicit" else 0.7, tok, None, None, "table"))
            else:
                role = _prose_role(tok.text, f.expr_start, m)
                if role == "unknown" and not tok.text[: f.expr_start].strip(" \t:：|"):
                    # a value on its own line: its label is the line before ("资金总额" / "10000万元")
                    prev = next((u for u in reversed(stream[max(0, tok.i - 3) : tok.i]) if u.key), None)
                    if prev is not None and len(prev.key) <= 20:
                        role = _prose_role(prev.text, len(prev.text), m)
                out.append(Amount(s, tok.start + f.end, m, role, _subject(tok.text, f.expr_start), "regex", 0.9 if m.unit_basis == "explicit" else 0.7, None, None, None, "prose"))
    out.sort(key=lambda a: (a.start, a.end))
    return out

