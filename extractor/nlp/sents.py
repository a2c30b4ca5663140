"""Sentences and enumerated items of Chinese report prose, as character spans.

A sentence ends at 。！？；(and their ASCII forms) or a line break. A list marker starts a new
piece even inside a line: （一）/(一)/（1）/1./1、/①/一是/二是/第一，/首先/其次/最后 when it stands
at the start of a line or right after punctuation (so "98.5" or "统一是" are never cut).

Every piece keeps its offsets: ``text[start:end]`` is the piece without its marker and without
the closing 。；; ``marker`` is the marker's span or ``None``. Offsets are relative to the string
given plus ``base`` (pass a block's start to get Document.text offsets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Piece", "MARKER", "items", "sentences", "strip_marker"]

_CN = "一二三四五六七八九十"
MARKER = re.compile(
    rf"(?:\d{{1,2}}\.\d{{1,2}}(?=[ \t\u3000])|[（(][{_CN}]{{1,3}}[）)]|[（(]\d{{1,2}}[）)]|\d{{1,2}}(?:[、．]|\.(?!\d))|[{_CN}]{{1,3}}、|[①-⑳]|"
    rf"[{_CN}]是(?=[\u4e00-\u9fff])|第[{_CN}]{{1,2}}[，,、是]|其[一二三四五六七八九十][，,、：:]|首先[，,]?|其次[，,]?|再次[，,]|最后[，,])"
)
_LEAD = re.compile(r"[\s\u3000]*")
_END = "。！？；;!?"
_TRIM = "。；;，,、：:！？!? \t\r\n\u3000"


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int
    text: str
    marker: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def strip_marker(text: str) -> tuple[int, str]:
    """(length of the leading list marker and spaces, the rest)."""
    lead = len(_LEAD.match(text).group(0))  # type: ignore[union-attr]
    m = MARKER.match(text, lead)
    if not m:
        return lead, text[lead:]
    k = m.end()
    k += len(_LEAD.match(text, k).group(0))  # type: ignore[union-attr]
    return k, text[k:]


def _wrapped(text: str, i: int) -> bool:
    """The line break at ``i`` only wraps a sentence: the line before is long and does not end a
    sentence, and the next line does not open with a list marker."""
    a = text.rfind("\n", 0, i) + 1
    line = text[a:i].rstrip(" \t\r\u3000")
    if len(line) < 20 or line[-1:] in _END + "：:" or not text[i + 1 :].strip():
        return False
    lead = len(_LEAD.match(text, i + 1).group(0))  # type: ignore[union-attr]
    return not MARKER.match(text, i + 1 + lead)


def _cuts(text: str) -> list[int]:
    """Offsets where a new piece starts."""
    cuts = {0}
    for i, ch in enumerate(text):
        if ch in _END or (ch == "\n" and not _wrapped(text, i)):
            cuts.add(i + 1)
    for m in MARKER.finditer(text):
        i = m.start()
        j = i - 1
        while j >= 0 and text[j] in " \t\u3000":
            j -= 1
        if j < 0 or text[j] in _END + "\n：:":
            cuts.add(i)
        elif text[j] in "，," and not text[i].isdigit() and text[i] not in "（(①②③④⑤⑥⑦⑧⑨⑩" and not text[i:i + 2].endswith("、"):
            cuts.add(i)  # "…，二是…" / "…，其次…": enumerations that run on after a comma
    return sorted(c for c in cuts if c < len(text))


def sentences(text: str, base: int = 0) -> list[Piece]:
    """Sentences (pieces between ends and list markers), marker and closing punctuation stripped."""
    out: list[Piece] = []
    cuts = _cuts(text) + [len(text)]
    for a, b in zip(cuts, cuts[1:]):
        seg = text[a:b]
        k, rest = strip_marker(seg)
        marker = None
        if k and MARKER.match(seg, len(_LEAD.match(seg).group(0))):  # type: ignore[union-attr]
            lead = len(_LEAD.match(seg).group(0))  # type: ignore[union-attr]
            m = MARKER.match(seg, lead)
            marker = (base + a + lead, base + a + m.end())  # type: ignore[union-attr]
        s = a + k
        e = b
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        while s < e and text[s] in " \t\r\n\u3000":
            s += 1
        if e > s:
            out.append(Piece(base + s, base + e, text[s:e], marker))
    return out


def _joins(text: str, base: int, cur: Piece, p: Piece) -> bool:
    """A sentence without a marker continues the open item when it is on the same line, or
    when the item so far is a heading-like lead on a line of its own ("（一）资金使用不规范")."""
    gap = text[cur.end - base : p.start - base]
    if "\n" not in gap:
        return True
    return not any(c in gap for c in _END) and len(cur.text) <= 30 and "\n" not in cur.text


def items(text: str, base: int = 0) -> list[Piece]:
    """Enumerated items: a piece that opens with a list marker runs until the next marker (so a
    heading-like lead "（一）预算执行偏慢。具体表现为…" stays with its details); text before the
    first marker, and text without markers, is one item per sentence."""
    out: list[Piece] = []
    cur: Piece | None = None
    for p in sentences(text, base):
        if p.marker is not None:
            if cur is not None:
                out.append(cur)
            cur = p
        elif cur is not None and _joins(text, base, cur, p):
            s = cur.start
            cur = Piece(s, p.end, text[s - base : p.end - base], cur.marker)
        elif cur is not None:
            out.append(cur)
            cur = None
            out.append(p)
        else:
            out.append(p)
    if cur is not None:
        out.append(cur)
    return out
