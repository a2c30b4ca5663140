"""The Chinese NLP layer: jieba with the domain dictionary, sentence and item splitting that
respects list markers, and a spaCy annotation pipeline. Everything is built once per process and
nothing is downloaded.

jieba and spaCy are imported only when :func:`cut`, :func:`tokenizer`, :func:`nlp` or
:func:`annotate` is first used: the extractors need only the splitter (:mod:`.sents`), and a
process that extracts should not pay spaCy's import.
"""

from __future__ import annotations

from typing import Any

from .sents import MARKER, Piece, items, sentences, strip_marker

__all__ = ["Annotated", "MARKER", "Piece", "SpanHit", "annotate", "cut", "items", "load_count", "nlp", "sentences", "strip_marker", "tokenizer"]

_LAZY = {"Annotated": "spacy_pipeline", "SpanHit": "spacy_pipeline", "annotate": "spacy_pipeline", "nlp": "spacy_pipeline",
         "cut": "segment", "load_count": "segment", "tokenizer": "segment"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
