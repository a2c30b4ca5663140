"""jieba with the project's domain dictionary, loaded once per process.

The dictionary is data (``extractor/data/jieba_domain.txt``, jieba's ``word freq tag`` lines):
预算数, 执行率, 绩效目标, 三级指标, 财政拨款, 偏差原因, unit-name suffixes (局/委/中心/学校/医院 …).
jieba caches its prefix dictionary in a file; it is kept in a directory of our own under the
system temp dir (mode 0700), never in HOME, never beside the package.
"""

from __future__ import annotations

import logging
import os
import tempfile
import re
import threading
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import jieba

__all__ = ["DOMAIN_DICT", "DomainSegmenter", "cut", "domain_words", "load_count", "tokenizer"]

DOMAIN_DICT = "jieba_domain.txt"
_lock = threading.Lock()
_tok: jieba.Tokenizer | None = None
_loads = 0


def _cache_dir() -> str:
    d = Path(tempfile.gettempdir()) / f"jixiao-jieba-{os.getuid() if hasattr(os, 'getuid') else 'u'}"
    d.mkdir(mode=0o700, exist_ok=True)
    if hasattr(os, "getuid") and d.stat().st_uid != os.getuid():  # someone else's directory: do not read its cache
        d = Path(tempfile.mkdtemp(prefix="jixiao-jieba-"))
    return str(d)


def domain_words() -> list[str]:
    text = resources.files("extractor").joinpath("data", DOMAIN_DICT).read_text(encoding="utf-8")
    return [ln.split()[0] for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer with the domain dictionary (built at the first call)."""
    global _tok, _loads
    if _tok is not None:
        return _tok
    with _lock:
        if _tok is None:
            jieba.setLogLevel(logging.WARNING)
            t = jieba.Tokenizer()
            t.tmp_dir = _cache_dir()
            t.initialize()
            with resources.as_file(resources.files("extractor").joinpath("data", DOMAIN_DICT)) as p:
                t.load_userdict(str(p))
            _loads += 1
            _tok = t
    return _tok


def load_count() -> int:
    """How many times the dictionary was loaded in this process (1 after any use)."""
    return _loads


_NUMPART = re.compile(r"^(?:[0-9０-９]+|[.．,，%％‰])$")


def _flush(buf: str) -> Iterator[str]:
    """A joined number; a trailing "." / "，" is punctuation, not part of it."""
    if buf and not (buf[-1].isdigit() or buf[-1] in "%％‰"):
        if buf[:-1]:
            yield buf[:-1]
        yield buf[-1]
    elif buf:
        yield buf


def _merge_numbers(words: Iterable[str]) -> Iterator[str]:
    """jieba cuts "98.75%" into 98 / . / 75 / %: join the pieces of a number back into one word."""
    buf = ""
    for w in words:
        if _NUMPART.match(w) and (w[0].isdigit() or (buf and buf[-1].isdigit())):
            if w in ",，":  # a comma ends the number
                yield from _flush(buf)
                buf = ""
                yield w
            else:
                buf += w
            continue
        yield from _flush(buf)
        buf = ""
        yield w
    yield from _flush(buf)


class DomainSegmenter:
    """What spaCy's Chinese tokenizer calls (``.cut``): jieba with the domain dictionary, numbers kept whole."""

    def cut(self, text: str, cut_all: bool = False, HMM: bool = False) -> Iterator[str]:  # noqa: N803 (jieba's name)
        return _merge_numbers(w for w in tokenizer().cut(text, HMM=False) if w)


def cut(text: str) -> list[str]:
    """Words of ``text`` (precise mode, no HMM guesses for unknown words, numbers kept whole)."""
    return list(DomainSegmenter().cut(text))
