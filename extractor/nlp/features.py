"""The text the classifiers see, the same at training and at extraction time."""

from __future__ import annotations

import re

from ..textnorm import fold_key

__all__ = ["doctype_text", "item_text"]

_HEAD_LINE = re.compile(r"(?m)^[ \t\u3000]*((?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])[^\n]{1,40})$")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def item_text(text: str) -> str:
    """A sentence or item: folded (Simplified, half-width, no spaces), numbers generalised to 0."""
    return _DIGITS.sub("0", fold_key(text))


def doctype_text(text: str) -> str:
    """A document for the type classifier: its opening (title and first paragraphs) and its
    numbered headings, folded."""
    head = text[:1200]
    heads = [m.group(1) for m in _HEAD_LINE.finditer(text)][:40]
    return item_text(head) + " | " + " | ".join(item_text(h) for h in heads)
