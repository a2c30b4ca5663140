"""A folded view of a text for matching labels, with a map back to the original offsets.

Labels in real reports come in many skins: Traditional characters (項目資金), a mirror's pinyin
inserted after characters (項(xiàng)目), full-width brackets and colons, spaces from table-cell
wrapping (年度 總體 目標). Extractors match their lexicons on :class:`Folded` text and map every
hit back to the caller's string with :meth:`Folded.span`, so provenance always quotes the source's
own characters.

Folding, per code point: NFKC when it yields one character (full-width forms, small forms),
Traditional -> Simplified with OpenCC's character table (``t2s``, applied one character at a time
so that no character changes the length), lower-case ASCII. Removed: whitespace (including
U+3000 and NBSP) and pinyin in parentheses right after a Han character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

__all__ = ["Folded", "fold", "fold_key"]

_T2S = opencc.OpenCC("t2s")
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[)）]")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch
    if "\u3400" <= n <= "\u9fff" or "\uf900" <= n <= "\ufaff":
        s = _T2S.convert(n)
        if len(s) == 1:
            n = s
    return n.lower()


@dataclass(frozen=True, slots=True)
class Folded:
    """``text`` is the folded string; ``index[i]`` is the original offset of ``text[i]``."""

    text: str
    index: tuple[int, ...]
    base: int  # added to every mapped offset (the caller's offset of the folded string's source)
    source_len: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` (end-exclusive, plus ``base``) of folded ``text[start:end]``."""
        if not self.index:
            return (self.base, self.base)
        s = self.index[start] if start < len(self.index) else self.source_len
        e = self.index[end - 1] + 1 if end > 0 else s
        return (self.base + s, self.base + max(s, e))


def fold(text: str, *, base: int = 0) -> Folded:
    """Fold ``text`` for matching (see the module docstring)."""
    drop = bytearray(len(text))
    for m in _PINYIN.finditer(text):
        for i in range(m.start(), m.end()):
            drop[i] = 1
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        if drop[i] or ch.isspace():
            continue
        out.append(_fold_char(ch))
        idx.append(i)
    return Folded("".join(out), tuple(idx), base, len(text))


@lru_cache(maxsize=8192)
def fold_key(text: str) -> str:
    """Just the folded string: a lexicon key or a label for comparison."""
    return fold(text).text
