"""The extractors' lexicons (``extractor/data/extract.toml``), loaded once and pre-folded."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from ..textnorm import fold_key

__all__ = ["LEX", "canon_header", "funds_row_role", "strip_label"]


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    raw = resources.files("extractor").joinpath("data/extract.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


LEX: dict[str, Any] = _load()

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_HEADER: dict[str, str] = {}
for _canon, _words in LEX["columns"].items():
    for _w in _words:
        _HEADER.setdefault(fold_key(_w), _canon)
_HEADER_RX = [(re.compile(p), canon) for canon, pats in LEX["header_patterns"].items() for p in pats]
_ROWS: dict[str, str] = {fold_key(w): role for role, words in LEX["funds"]["rows"].items() for w in words}


def strip_label(key: str) -> str:
    """A folded label without bracketed suffixes ("(万元)", "(a)", "(50分)") and trailing colons."""
    s = _BRACKETED.sub("", key).strip(":：*★")
    # a bracket left open by a wrapped cell: "年初预算数(" / "全年执行数(b"
    s = re.sub(r"\([^)]*$", "", s)
    return s


def canon_header(key: str) -> str | None:
    """The canonical column (T6) of a folded header cell, or ``None``."""
    s = strip_label(key)
    if not s or len(s) > 16:
        return None
    hit = _HEADER.get(s)
    if hit:
        return hit
    for rx, canon in _HEADER_RX:
        if rx.match(s):
            return canon
    return None


def funds_row_role(key: str) -> str | None:
    """The funds-line role of a folded row label ("其中:当年财政拨款" -> "fiscal_current_year")."""
    s = strip_label(key)
    s = re.sub(r"^其中[:：]?", "", s).rstrip(":：")
    s = re.sub(r"^\d+[.、]", "", s)
    return _ROWS.get(s)
