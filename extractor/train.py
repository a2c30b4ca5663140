"""``jixiao train``: rebuild every model in ``models/`` from the corpora, reproducibly.

Training data (never the real development texts, never a test split):

* the generator's ``train`` split, produced in memory (``corpora/reportgen.py``
  ``iter_documents("train", n, seed)``), when the generator is present;
* the ``train`` list of ``corpora/labelled/split.toml`` (hand-written documents, parsed by our
  own parsers so the classifiers see the text the extractors see).

Models (scikit-learn; character 1–3-gram TF-IDF, for the models in ``WORD_FEATURES`` also a
jieba word-feature block, a linear SVM, sigmoid-calibrated with ``CalibratedClassifierCV``; fixed
seeds; joblib files with a JSON card each):

* ``doctype``: document type from the opening and the numbered headings;
* ``sentence``: an item or sentence is a problem, a cause, a measure or other text;
* ``problem_categories`` / ``measure_categories``: P01–P14 / M01–M11, one calibrated model per
  code (multi-label).

The card records the data used (counts), the version, metrics on the test splits (the generator's
``test`` split and the labelled ``test`` list), the sha256 of the file and the command.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import random
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .models import PACK_FORMAT, PACK_FORMAT_WORDS, SEP, LinearCalibrated, Stacked, pick_codes, word_features
from .nlp import sentences
from .nlp.features import doctype_text, item_text

__all__ = ["MODEL_VERSION", "TrainDoc", "compact", "labelled_docs", "generated_docs", "train"]

MODEL_VERSION = "0.1.0"
SEED = 20261124
GEN_TRAIN_N, GEN_TRAIN_SEED = 600, 7
GEN_TEST_N, GEN_TEST_SEED = 120, 7  # the split `python corpora/reportgen.py --split test` writes
ROOT = Path(__file__).resolve().parent.parent
# Models with a jieba word block (domain dictionary, word unigrams+bigrams, TF-IDF) beside the
# character n-grams: name -> (most word terms, weight of the block). Kept only where it did not
# lower the hand-labelled test split or real-dev and raised one of them (README "NLP layer"): the
# measure categories at weight 0.3. On the sentence model it lowered problem F1 on hand-written
# text; on the problem categories it raised hand-written F1 by < 0.01 but lost real-dev's item;
# on doctype it changed nothing.
WORD_FEATURES: dict[str, tuple[int, float]] = {"measure_categories": (8000, 0.3)}


@dataclass(slots=True)
class TrainDoc:
    name: str
    text: str
    gold: dict[str, Any]
    source: str  # generated | hand

    @property
    def doc_type(self) -> str:
        return self.gold["records"][0]["meta"]["doc_type"]


def read_split(corpus: Path) -> dict[str, str]:
    """file name -> "train" | "test" (a file not listed is test)."""
    path = corpus / "split.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    out = {}
    for g in sorted(corpus.glob("*.gold.json")):
        out[g.name[: -len(".gold.json")]] = "test"
    for n in data.get("train", []):
        out[str(n)] = "train"
    return out


def labelled_docs(corpus: Path, split: str) -> list[TrainDoc]:
    from .parsers import parse

    docs = []
    for name, sp in sorted(read_split(corpus).items()):
        if sp != split or not (corpus / name).exists():
            continue
        gold = json.loads((corpus / f"{name}.gold.json").read_text(encoding="utf-8"))
        docs.append(TrainDoc(name, parse(corpus / name).text, gold, "hand"))
    return docs


def _reportgen(corpora: Path) -> Any | None:
    path = corpora / "reportgen.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("jixiao_reportgen", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["jixiao_reportgen"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def generated_docs(corpora: Path, split: str, n: int, seed: int) -> list[TrainDoc]:
    mod = _reportgen(corpora)
    if mod is None:
        return []
    return [TrainDoc(g.name, g.text, g.gold, "generated") for g in mod.iter_documents(split, n, seed)]


# -- examples ----------------------------------------------------------------------------------------

def _bigrams(s: str) -> Counter[str]:
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def dice(a: str, b: str) -> float:
    A, B = _bigrams(a), _bigrams(b)
    n = sum(A.values()) + sum(B.values())
    return 2 * sum((A & B).values()) / n if n else float(a == b)


def _items(doc: TrainDoc) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ps = [p for r in doc.gold["records"] for p in r.get("problems") or []]
    ms = [m for r in doc.gold["records"] for m in r.get("measures") or []]
    return ps, ms


def sentence_examples(docs: list[TrainDoc], rng: random.Random, max_other: int = 25) -> tuple[list[str], list[str]]:
    X: list[str] = []
    y: list[str] = []
    for d in docs:
        ps, ms = _items(d)
        keys = []
        for p in ps:
            if p.get("is_null_statement"):
                continue
            X.append(p["text"]); y.append("problem"); keys.append(item_text(p["text"]))
            if p.get("cause_text"):
                X.append(p["cause_text"]); y.append("cause"); keys.append(item_text(p["cause_text"]))
        for m in ms:
            if m.get("is_null_statement"):
                continue
            X.append(m["text"]); y.append("measure"); keys.append(item_text(m["text"]))
        others = []
        for s in sentences(d.text):
            k = item_text(s.text)
            if len(k) < 6 or any(k in g or g in k or dice(k, g) >= 0.4 for g in keys):
                continue
            others.append(s.text)
        rng.shuffle(others)
        for s in others[:max_other]:
            X.append(s); y.append("other")
    return X, y


def category_examples(docs: list[TrainDoc], kind: str) -> tuple[list[str], list[list[str]]]:
    X, Y = [], []
    for d in docs:
        ps, ms = _items(d)
        for it in ps if kind == "problem" else ms:
            if it.get("is_null_statement") or not it.get("categories"):
                continue
            X.append(it["text"])
            Y.append(sorted({c if isinstance(c, str) else c["code"] for c in it["categories"]}))
    return X, Y


# -- fitting ----------------------------------------------------------------------------------------

def _vectorizer(max_features: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, max_features=max_features, sublinear_tf=True, dtype=np.float32)


def _fit_features(texts: list[str], max_features: int, words: tuple[int, float] | None) -> tuple[Any, Any]:
    """(vectorizer, X): character 1–3-gram TF-IDF, and with ``words`` = (n, weight) a second
    block of jieba word unigram+bigram TF-IDF (at most n terms, scaled by weight) beside it."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    import scipy.sparse as sp

    vec = _vectorizer(max_features)
    X = vec.fit_transform(texts)
    if not words:
        return vec, X
    n, weight = words
    wvec = TfidfVectorizer(analyzer=word_features, min_df=2, max_features=n, sublinear_tf=True, dtype=np.float32)
    W = wvec.fit_transform(texts) * weight
    return Stacked(_slim(vec), _slim(wvec), weight), sp.hstack([X, W], format="csr")


def _calibrated(y_counts: int) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    return CalibratedClassifierCV(LinearSVC(C=0.5, random_state=SEED % (2**31)), method="sigmoid", cv=min(3, y_counts), ensemble=False)


def _slim(vec: Any) -> Any:
    vec.stop_words_ = None  # introspection only, and large
    return vec


def fit_multiclass(texts: list[str], labels: list[str], max_features: int, words: tuple[int, float] | None = None) -> dict[str, Any]:
    counts = Counter(labels)
    keep = [i for i, lab in enumerate(labels) if counts[lab] >= 2]  # calibration needs two examples of a class
    texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    counts = Counter(labels)
    vec, X = _fit_features(texts, max_features, words)
    clf = _calibrated(min(counts.values()))
    clf.fit(X, labels)
    return {"vectorizer": _slim(vec), "classifier": compact([clf], "multiclass", X[:200]), "labels": [str(c) for c in clf.classes_]}


def compact(clfs: list[Any], mode: str, check: Any) -> LinearCalibrated:
    """The fitted calibrated SVMs as one :class:`LinearCalibrated` (checked against scikit-learn)."""
    W, b0, A, B = [], [], [], []
    for clf in clfs:
        cc = clf.calibrated_classifiers_[0]
        svm = cc.estimator
        for k, cal in enumerate(cc.calibrators):
            W.append(svm.coef_[k])
            b0.append(svm.intercept_[k])
            A.append(cal.a_)
            B.append(cal.b_)
    lin = LinearCalibrated(np.asarray(W, dtype=np.float32).T.copy(), np.asarray(b0, dtype=np.float64),
                           np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64), mode)
    want = clfs[0].predict_proba(check) if mode == "multiclass" else np.column_stack([c.predict_proba(check)[:, 1] for c in clfs])
    got = lin.predict_proba(check)
    assert np.allclose(want, got, atol=1e-4), "compact model differs from scikit-learn's"
    return lin


def fit_multilabel(texts: list[str], Y: list[list[str]], max_features: int, min_count: int = 6, words: tuple[int, float] | None = None) -> dict[str, Any]:
    vec, X = _fit_features([item_text(t) for t in texts], max_features, words)
    counts = Counter(c for y in Y for c in y)
    codes = sorted(c for c, n in counts.items() if n >= min_count and len(texts) - n >= min_count)
    models = []
    for c in codes:
        yy = np.array([int(c in y) for y in Y])
        clf = _calibrated(3)
        clf.fit(X, yy)
        models.append(clf)
    if not models:
        raise ValueError("no category has enough examples to train on")
    return {"vectorizer": _slim(vec), "classifier": compact(models, "multilabel", X[:200]), "labels": codes}


# -- metrics ----------------------------------------------------------------------------------------

def _acc(model: dict[str, Any], texts: list[str], labels: list[str]) -> float | None:
    if not texts:
        return None
    P = model["classifier"].predict_proba(model["vectorizer"].transform(texts))
    pred = [model["labels"][int(i)] for i in P.argmax(axis=1)]
    return round(sum(p == g for p, g in zip(pred, labels)) / len(labels), 4)


def _ml_f1(model: dict[str, Any], texts: list[str], Y: list[list[str]]) -> dict[str, Any] | None:
    if not texts or not model["labels"]:
        return None
    P = model["classifier"].predict_proba(model["vectorizer"].transform([item_text(t) for t in texts]))
    tp = fp = fn = 0
    for row, gold in zip(P, Y):
        pred = {model["labels"][j] for j in pick_codes(row)}
        g = set(gold)
        tp += len(pred & g); fp += len(pred - g); fn += len(g - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "items": len(texts)}


# -- the command ------------------------------------------------------------------------------------

def _dump(model: dict[str, Any]) -> bytes:
    """The model as plain data (see :func:`extractor.models.unpack`): pickling the fitted objects
    themselves is not byte-stable (pickle shares equal strings that happen to be one object)."""
    import joblib

    def vocab(v: Any) -> str:
        terms = [""] * len(v.vocabulary_)
        for t, i in v.vocabulary_.items():
            terms[int(i)] = str(t)
        assert not any(SEP in t for t in terms)
        return SEP.join(terms)

    vec, lin = model["vectorizer"], model["classifier"]
    extra: dict[str, Any] = {}
    if isinstance(vec, Stacked):
        extra = {"word_terms": vocab(vec.word), "word_idf": np.asarray(vec.word.idf_, dtype=np.float64), "word_weight": float(vec.weight)}
        vec = vec.char
    data = {
        "format": PACK_FORMAT_WORDS if extra else PACK_FORMAT,
        "terms": vocab(vec),
        "idf": np.asarray(vec.idf_, dtype=np.float64),
        "ngram_range": [int(x) for x in vec.ngram_range],
        "weights": np.ascontiguousarray(lin.weights, dtype=np.float32),
        "intercept": np.asarray(lin.intercept, dtype=np.float64),
        "a": np.asarray(lin.a, dtype=np.float64),
        "b": np.asarray(lin.b, dtype=np.float64),
        "mode": str(lin.mode),
        "labels": SEP.join(str(x) for x in model["labels"]),
        **extra,
    }
    buf = io.BytesIO()
    joblib.dump(data, buf, compress=3, protocol=4)
    return buf.getvalue()


def train(corpora: str | Path = ROOT / "corpora", out: str | Path = ROOT / "models", *, gen_n: int = GEN_TRAIN_N,
          gen_test_n: int = GEN_TEST_N, log: Any = None, words: dict[str, tuple[int, float]] | None = None) -> dict[str, Any]:
    """Train every model and write ``out/NAME.joblib`` + ``out/NAME.card.json``. Returns the cards."""
    corpora, out = Path(corpora), Path(out)
    say = log or (lambda *_: None)
    words = WORD_FEATURES if words is None else words
    rng = random.Random(SEED)
    gen_train = generated_docs(corpora, "train", gen_n, GEN_TRAIN_SEED) if gen_n else []
    hand_train = labelled_docs(corpora / "labelled", "train") if (corpora / "labelled").is_dir() else []
    gen_test = generated_docs(corpora, "test", gen_test_n, GEN_TEST_SEED) if gen_test_n else []
    hand_test = labelled_docs(corpora / "labelled", "test") if (corpora / "labelled").is_dir() else []
    train_docs = gen_train + hand_train
    if not train_docs:
        raise ValueError(f"no training documents under {corpora} (corpora/reportgen.py, corpora/labelled/split.toml)")
    say(f"training documents: {len(gen_train)} generated, {len(hand_train)} hand-labelled")
    data = {"generated_train": {"n": len(gen_train), "seed": GEN_TRAIN_SEED},
            "labelled_train": sorted(d.name for d in hand_train)}
    tests = {"generated_test": gen_test, "labelled_test": hand_test}
    out.mkdir(parents=True, exist_ok=True)
    cards: dict[str, Any] = {}

    def write(name: str, task: str, model: dict[str, Any], counts: dict[str, Any], metrics: dict[str, Any]) -> None:
        blob = _dump(model)
        sha = hashlib.sha256(blob).hexdigest()
        (out / f"{name}.joblib").write_bytes(blob)
        card = {"name": name, "version": MODEL_VERSION, "task": task, "sha256": sha, "bytes": len(blob),
                "algorithm": ("char 1-3-gram TF-IDF" + (f" + jieba word 1-2-gram TF-IDF (domain dictionary, ≤{words[name][0]} terms, weight {words[name][1]})" if words.get(name) else "")
                              + " + LinearSVC, sigmoid-calibrated (CalibratedClassifierCV, cv=3)"),
                "labels": model["labels"], "data": {**data, "examples": counts}, "metrics": metrics,
                "training_command": "jixiao train", "seed": SEED}
        (out / f"{name}.card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        cards[name] = card
        say(f"  {name}: {len(blob)} bytes, sha256 {sha[:12]}…, {metrics}")

    # document type
    X = [doctype_text(d.text) for d in train_docs]
    y = [d.doc_type for d in train_docs]
    m = fit_multiclass(X, y, 6000, words.get("doctype"))
    metrics = {k: {"accuracy": _acc(m, [doctype_text(d.text) for d in v], [d.doc_type for d in v]), "documents": len(v)} for k, v in tests.items()}
    write("doctype", "doc_type", m, dict(Counter(y)), metrics)

    # sentence type
    Xs, ys = sentence_examples(train_docs, rng)
    m = fit_multiclass([item_text(t) for t in Xs], ys, 12000, words.get("sentence"))
    metrics = {}
    for k, v in tests.items():
        tx, ty = sentence_examples(v, random.Random(SEED))
        metrics[k] = {"accuracy": _acc(m, [item_text(t) for t in tx], ty), "sentences": len(tx)}
    write("sentence", "sentence_type", m, dict(Counter(ys)), metrics)

    for kind, name in (("problem", "problem_categories"), ("measure", "measure_categories")):
        Xc, Yc = category_examples(train_docs, kind)
        m = fit_multilabel(Xc, Yc, 12000, words=words.get(name))
        metrics = {k: _ml_f1(m, *category_examples(v, kind)) for k, v in tests.items()}
        write(name, f"{kind}_categories", m, dict(sorted(Counter(c for yy in Yc for c in yy).items())), metrics)
    return cards


def iter_models(out: Path) -> Iterator[Path]:
    yield from sorted(out.glob("*.joblib"))
