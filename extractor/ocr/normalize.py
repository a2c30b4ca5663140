"""OCR text normalisation: undo what a recogniser gets wrong about characters, not about words.

A recogniser chooses between look-alike code points arbitrarily (full-width or ASCII digits, "％"
or "%", "，" or "," inside a number, the letter O for a zero). This module maps each recognised
text line to the conventions of a typed Chinese report:

- full-width digits and Latin letters -> ASCII; "％" -> "%"; "≧"/"≦" -> "≥"/"≤";
- inside a number: "，" before a group of three digits -> "," ("3，377.42" -> "3,377.42"),
  "．"/"。"/"·" between digits -> ".", "：" between digits -> ":";
- in a numeric run (digits with O/o/I/l, not touching other Latin letters): O/o -> 0, I/l -> 1
  ("1O0.00" -> "100.00", "l2468人" -> "12468人"; "ISO9001" is left alone);
- ASCII "," ":" ";" "?" "!" next to a Han character, or "," ";" "?" "!" ending a line after
  anything but a digit (the line wraps inside a Chinese sentence) -> "，" "：" "；" "？" "！"; a bracket pair
  around or beside Han text -> "（…）";
- white space beside full-width punctuation (which carries its own) is dropped;
- a text that is only "\\" or "丶" is a misread "/" (a cell's "not applicable");
- "(cid:NN)" tokens (a broken text extraction printed onto the page) and stray rule fragments
  ("|" at either end) are dropped.

Pure functions, no I/O.
"""

from __future__ import annotations

import re

__all__ = ["normalize_text"]

_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_FULLWIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
_FULLWIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})
_FULLWIDTH.update({ord("％"): "%", ord("≧"): "≥", ord("≦"): "≤", ord("＜"): "<", ord("＞"): ">", ord("＝"): "="})

_HAN = r"\u3400-\u9fff"
_CID = re.compile(r"[(（]\s*cid\s*[:：]\s*\d+\s*[)）]", re.IGNORECASE)
_EDGE_RULE = re.compile(r"^[|丨｜]+|[|丨｜]+$")
_THOUSANDS = re.compile(r"(?<=\d)[，,](?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d)[．。·](?=\d)")
_TIME = re.compile(r"(?<=\d)：(?=\d)")
# a run of digits and digit look-alikes; letters count only where the run holds a digit and no
# other Latin letter touches it
_NUMERIC_RUN = re.compile(r"(?<![A-Za-z])[0-9OoIl][0-9OoIl.,%]*(?![A-Za-z])")
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})
_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_PUNCT_NEAR_HAN = re.compile(rf"(?<=[{_HAN}])[,:;?!]|[,:;?!](?=[{_HAN}])|(?<=[^\d\s])[,;?!]$")
_PAREN_PAIR = re.compile(r"([(（])([^()（）]*)([)）])")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_LONE_SLASH = {"\\", "丶", "╱"}  # how the recogniser reads a "/" (not applicable) standing alone
_CJK_PUNCT = "（《“【〔：，。；、）》”】〕！？"
_SPACE_BY_PUNCT = re.compile(rf"[ \t\u3000]+(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}])[ \t\u3000]+")


def _numeric(m: re.Match[str]) -> str:
    run = m.group(0)
    if not any(ch.isdigit() for ch in run):
        return run
    return run.translate(_LOOKALIKE)


def _paren(m: re.Match[str]) -> str:
    s, inner = m.string, m.group(2)
    before = s[m.start() - 1] if m.start() else ""
    after = s[m.end()] if m.end() < len(s) else ""
    if _HAN_CHAR.search(inner) or _HAN_CHAR.match(before) or _HAN_CHAR.match(after):
        return f"（{inner}）"
    return m.group(0)


def _punct(m: re.Match[str]) -> str:
    s, i = m.string, m.start()
    ch = m.group(0)
    before = s[i - 1] if i else ""
    after = s[i + 1] if i + 1 < len(s) else ""
    if before.isdigit() and after.isdigit():  # 10:30, 1,234 stay ASCII
        return ch
    return _PUNCT[ch]


def normalize_text(text: str) -> str:
    """One recognised line (or box) of text, normalised as the module docstring says."""
    t = _CID.sub("", text).translate(_FULLWIDTH).strip()
    t = _EDGE_RULE.sub("", t).strip()
    if t in _LONE_SLASH:
        return "/"
    t = _NUMERIC_RUN.sub(_numeric, t)
    t = _THOUSANDS.sub(",", t)
    t = _DECIMAL.sub(".", t)
    t = _TIME.sub(":", t)
    t = _PAREN_PAIR.sub(_paren, t)
    t = _PUNCT_NEAR_HAN.sub(_punct, t)
    return _SPACE_BY_PUNCT.sub("", t)
