"""Trained models (``models/NAME.joblib`` + ``models/NAME.card.json``), loaded once per process.

A model is loaded only when the sha256 of its file equals the one its card records (the card is
written by ``jixiao train`` together with the file); a file that does not match is refused with a
clear message, so a result never names a model it did not use. :func:`used` lists the loaded
models as ``{name, version, sha256, task}`` for ``extraction.models``: it changes exactly when a
model file changes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EnvironmentProblem

__all__ = ["MODEL_DIR", "MODEL_NAMES", "LinearCalibrated", "Model", "ModelError", "Stacked", "get", "model_dir", "pick_codes", "set_model_dir", "unpack", "used", "word_features"]

MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_NAMES = ("doctype", "sentence", "problem_categories", "measure_categories")

_lock = threading.Lock()
_dir = MODEL_DIR
_cache: dict[str, Model | None] = {}
_refs: list[dict[str, str]] | None = None  # used(), once per process


class LinearCalibrated:
    """A trained linear model with per-output sigmoid calibration, as plain arrays.

    ``jixiao train`` fits scikit-learn's ``CalibratedClassifierCV(LinearSVC, method="sigmoid",
    ensemble=False)`` and keeps only what prediction needs: the weights, the intercepts and the
    sigmoid parameters (p = 1 / (1 + exp(a·d + b)) for a decision value d). ``multiclass``
    normalises the outputs to sum to 1, as scikit-learn does; ``multilabel`` keeps one
    independent probability per output. Predicting is one sparse product: no per-call
    validation overhead, and the file holds no estimator objects.
    """

    def __init__(self, weights: Any, intercept: Any, a: Any, b: Any, mode: str) -> None:
        self.weights = weights  # (n_features, n_outputs) float32
        self.intercept = intercept  # (n_outputs,)
        self.a = a
        self.b = b
        self.mode = mode

    def predict_proba(self, X: Any) -> Any:
        import numpy as np

        d = np.asarray(X @ self.weights, dtype=np.float64) + self.intercept
        p = 1.0 / (1.0 + np.exp(np.clip(self.a * d + self.b, -500, 500)))
        if self.mode == "binary":
            return np.column_stack([1 - p[:, 0], p[:, 0]])
        if self.mode == "multiclass":
            s = p.sum(axis=1, keepdims=True)
            n = p.shape[1]
            with np.errstate(invalid="ignore", divide="ignore"):
                p = np.where(s == 0, 1.0 / n, p / np.where(s == 0, 1, s))
        return np.clip(p, 0.0, 1.0)


def pick_codes(row: Any) -> list[int]:
    """Indices of the categories to report for one row of multi-label probabilities: the best at
    0.5 or more (or, when none reaches 0.5, the best at 0.2 or more), then up to two more at 0.65
    or more."""
    ranked = sorted(range(len(row)), key=lambda j: (-row[j], j))
    cats = [j for k, j in enumerate(ranked) if row[j] >= (0.5 if k == 0 else 0.65)][:3]
    return cats or ([ranked[0]] if ranked and row[ranked[0]] >= 0.2 else [])


class ModelError(EnvironmentProblem):
    """A model file that does not match its card (or a card without a file): an installation
    problem (code ``environment``), not the document's."""

    hint = "Rebuild the models with `jixiao train` (make train), or restore models/ from the repository."


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    version: str
    sha256: str
    task: str
    obj: dict[str, Any]  # {"vectorizer", "classifier", "labels", …} as jixiao train saved it

    def ref(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256, "task": self.task}


def model_dir() -> Path:
    return _dir


def set_model_dir(path: str | Path) -> None:
    """Read models from another directory (tests, a deployment's own models); clears the cache."""
    global _dir, _refs
    with _lock:
        _dir = Path(path)
        _cache.clear()
        _refs = None


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _card(name: str) -> dict[str, Any] | None:
    """The card of model ``name`` after checking its file's sha256 against it (None when the
    model is not trained). Raises :class:`ModelError` for a missing or changed file."""
    path, card_path = _dir / f"{name}.joblib", _dir / f"{name}.card.json"
    if not path.exists() and not card_path.exists():
        return None
    if not card_path.exists():
        raise ModelError(f"{path}: no model card {card_path.name} beside it; rebuild with `jixiao train`")
    card: dict[str, Any] = json.loads(card_path.read_text(encoding="utf-8"))
    if not path.exists():
        raise ModelError(f"{card_path}: its model file {path.name} is missing; rebuild with `jixiao train`")
    sha = file_sha256(path)
    if sha != card.get("sha256"):
        raise ModelError(f"{path}: sha256 {sha[:12]}… differs from its card ({str(card.get('sha256'))[:12]}…); "
                         "the file was changed after training: rebuild with `jixiao train`")
    return card


def _ref(name: str, card: dict[str, Any]) -> dict[str, str]:
    return {"name": name, "version": str(card.get("version", "0")), "sha256": str(card["sha256"]), "task": str(card.get("task", name))}


def _load(name: str) -> Model | None:
    import joblib

    card = _card(name)
    if card is None:
        return None
    ref = _ref(name, card)
    obj = unpack(joblib.load(_dir / f"{name}.joblib"))
    return Model(name, ref["version"], ref["sha256"], ref["task"], obj)


PACK_FORMAT = "jixiao-linear-1"
PACK_FORMAT_WORDS = "jixiao-linear-2"  # + a jieba word-feature block beside the character n-grams
SEP = "\x1f"


def word_features(text: str) -> list[str]:
    """Word unigrams and bigrams of ``text`` (jieba with the domain dictionary, numbers whole,
    punctuation and spaces dropped): the second feature block of the classifiers."""
    from .nlp.segment import cut

    words = [w for w in cut(text) if w.strip() and (w[0].isalnum() or len(w) > 1)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class Stacked:
    """Character n-gram TF-IDF and word TF-IDF side by side (one sparse row per text), the word
    block scaled by ``weight``."""

    def __init__(self, char: Any, word: Any, weight: float = 1.0) -> None:
        self.char = char
        self.word = word
        self.weight = weight

    def transform(self, texts: Any) -> Any:
        import scipy.sparse as sp

        texts = list(texts)
        return sp.hstack([self.char.transform(texts), self.word.transform(texts) * self.weight], format="csr")


def unpack(data: dict[str, Any]) -> dict[str, Any]:
    """A model file's plain data -> {"vectorizer": a TF-IDF vectorizer, "classifier": a
    :class:`LinearCalibrated`, "labels": [...]}."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if data.get("format") not in (PACK_FORMAT, PACK_FORMAT_WORDS):
        raise ModelError(f"unknown model format {data.get('format')!r}; rebuild with `jixiao train`")
    terms = data["terms"].split(SEP)
    vec: Any = TfidfVectorizer(analyzer="char", ngram_range=tuple(data["ngram_range"]), sublinear_tf=True, dtype=np.float32,
                               vocabulary={t: i for i, t in enumerate(terms)})
    vec.idf_ = data["idf"]
    if data["format"] == PACK_FORMAT_WORDS:
        wterms = data["word_terms"].split(SEP)
        wvec = TfidfVectorizer(analyzer=word_features, sublinear_tf=True, dtype=np.float32, vocabulary={t: i for i, t in enumerate(wterms)})
        wvec.idf_ = data["word_idf"]
        vec = Stacked(vec, wvec, float(data["word_weight"]))
    lin = LinearCalibrated(data["weights"], data["intercept"], data["a"], data["b"], data["mode"])
    return {"vectorizer": vec, "classifier": lin, "labels": data["labels"].split(SEP)}


def get(name: str) -> Model | None:
    """The model ``name`` (None when not trained). Raises :class:`ModelError` for a tampered file."""
    if name in _cache:
        return _cache[name]
    with _lock:
        if name not in _cache:
            _cache[name] = _load(name)
    return _cache[name]


def used() -> list[dict[str, str]]:
    """``extraction.models``: every trained model of the model directory, from its verified card
    (a process that only needs the versions — the batch's main process, a failed file's
    result — does not load the models)."""
    global _refs
    if _refs is None:
        with _lock:
            refs = []
            for n in MODEL_NAMES:
                m = _cache.get(n)
                if m is not None:
                    refs.append(m.ref())
                elif (card := _card(n)) is not None:
                    refs.append(_ref(n, card))
            _refs = refs
    return list(_refs)
