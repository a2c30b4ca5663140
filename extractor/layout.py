"""Layout repair shared by the parsers: joining wrapped lines, stray spaces, numbering markers.

Pure string functions, no I/O. They only repair layout damage; characters are never substituted.
"""

from __future__ import annotations

import re

__all__ = [
    "FURNITURE_BAND",
    "PAGE_NUMBER",
    "TERMINAL_PUNCT",
    "classify_line",
    "furniture_signature",
    "is_cjk",
    "join_wrapped",
    "repair_spaces",
    "NUMBERING",
]

_CJK_RANGES = (
    (0x3000, 0x303F),  # CJK punctuation
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),  # full-width forms
    (0x2460, 0x24FF),  # ①…
    (0x3200, 0x32FF),  # ㈠…
    (0x20000, 0x2FA1F),
)


def is_cjk(ch: str) -> bool:
    """True for Han characters, CJK punctuation and full-width forms."""
    if not ch:
        return False
    o = ord(ch)
    if o < 0x2460:
        return ch in "“”‘’—…·"
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES)


def join_wrapped(lines: list[str]) -> str:
    """Join lines that a layout wrapped: no space at a CJK boundary, one space between Latin words."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        a, b = out[-1], line[0]
        if is_cjk(a) or is_cjk(b) or a == "-" or (a in ".,%" and b.isdigit()) or (a.isdigit() and b in ".,%"):
            out += line
        else:
            out += " " + line
    return out


# "59 个" / "2023年 1月 6日" / "35. 3万元" / "98 %" / "1 月": spaces a PDF text layer puts inside
# numbers. Digit-space-digit is left alone: "238.93 251.89" is two numbers.
_SP = r"[ \t\u00a0\u3000]+"
_SPACE_FIXES = (
    (re.compile(r"(?<=\d)" + _SP + r"(?=[\u3400-\u9fff%％‰])"), ""),  # 59 个, 98 %
    (re.compile(r"(?<=[\u3400-\u9fff])" + _SP + r"(?=\d)"), ""),  # 年 1月
    (re.compile(r"(?<=\d\.)" + _SP + r"(?=\d)"), ""),  # 35. 3
    (re.compile(r"(?<=\d)" + _SP + r"(?=\.\d)"), ""),  # 35 .3
    (re.compile(r"(?<=\d,)" + _SP + r"(?=\d{3}\b)"), ""),  # 1, 234
)
_HAS_SP = re.compile(_SP)


def repair_spaces(text: str) -> str:
    """Remove the stray spaces that text layers put inside numbers.

    (Spaces between Han characters are a matter of geometry: the PDF parser decides them from
    the glyph boxes, see ``pdf._line_text``.)
    """
    if not _HAS_SP.search(text):  # most lines: nothing to repair, skip the five look-behind scans
        return text
    for rx, rep in _SPACE_FIXES:
        text = rx.sub(rep, text)
    return text


# Numbering markers in the order of their usual heading level.
_CN_NUM = "一二三四五六七八九十百零〇"
NUMBERING: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^([{_CN_NUM}]{{1,3}}[、.．])")),  # 一、
    (1, re.compile(r"^(第[一二三四五六七八九十]{1,3}[章部分节][、:：\s]?)")),
    (2, re.compile(rf"^([（(][{_CN_NUM}]{{1,3}}[）)])")),  # （一）
    (3, re.compile(r"^(\d{1,2}[、．.](?!\d))")),  # 1、 1. 1．  (not 1.5)
    (4, re.compile(r"^([（(]\d{1,2}[）)])")),  # （1）
    (5, re.compile(r"^([①-⑳])")),  # ①
)
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def classify_line(text: str, *, max_heading_chars: int = 40) -> tuple[str, int | None, str | None]:
    """(kind, level, marker) for a paragraph's text, from its numbering.

    A numbered text that is short and is no sentence (no "。", "；" or "，" in it; a closing "："
    is allowed) is a heading; a numbered text that runs on as a sentence is a list item; anything
    else is a paragraph.
    """
    t = text.strip()
    for level, rx in NUMBERING:
        m = rx.match(t)
        if m:
            marker = m.group(1).strip()
            rest = t[m.end():]
            body = rest.rstrip("：: ")
            if len(t) <= max_heading_chars and body and not _SENTENCE_END.search(body) and "，" not in body:
                return "heading", level, marker
            return "list_item", level, marker
    return "paragraph", None, None


# -- running headers, footers and page numbers (the PDF parser and the OCR layout) -----------------

PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|\d+\s*/\s*\d+|"
    r"page\s*\d+(?:\s*of\s*\d+)?|\d{1,4})\s*$",
    re.IGNORECASE,
)
TERMINAL_PUNCT = "。！？；：!?;:"
FURNITURE_BAND = 0.1  # top/bottom share of the page where running headers and footers live


def furniture_signature(text: str) -> str:
    """A line's text with digits generalised and spaces dropped: running headers and footers
    repeat it on page after page ("第 3 页" and "第 4 页" share one)."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))
