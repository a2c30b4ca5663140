"""`jixiao train`: the models are rebuilt from the corpora reproducibly, and the committed models
are exactly what the current corpora and code rebuild (so models never drift from them)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor import models
from extractor.train import read_split, train

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
NAMES = ("doctype", "sentence", "problem_categories", "measure_categories")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_training_twice_gives_the_same_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    train(ROOT / "corpora", a, gen_n=40, gen_test_n=10)
    train(ROOT / "corpora", b, gen_n=40, gen_test_n=10)
    for name in NAMES:
        assert _sha(a / f"{name}.joblib") == _sha(b / f"{name}.joblib")
        card = json.loads((a / f"{name}.card.json").read_text(encoding="utf-8"))
        assert card["sha256"] == _sha(a / f"{name}.joblib") and card["training_command"] == "jixiao train"
        assert card["data"]["generated_train"]["n"] == 40 and "real-dev" not in json.dumps(card["data"])
        split = read_split(ROOT / "corpora" / "labelled")
        assert card["data"]["labelled_train"] and all(split[n] == "train" for n in card["data"]["labelled_train"])


@pytest.mark.skipif(not (MODELS / "sentence.card.json").exists(), reason="no committed models")
def test_committed_models_are_what_jixiao_train_rebuilds(tmp_path):
    cards = train(ROOT / "corpora", tmp_path)
    total = 0
    for name in NAMES:
        committed = json.loads((MODELS / f"{name}.card.json").read_text(encoding="utf-8"))
        assert committed["sha256"] == _sha(MODELS / f"{name}.joblib"), f"{name}: file and card disagree"
        assert cards[name]["sha256"] == committed["sha256"], (
            f"models/{name}.joblib is not what `jixiao train` builds from the current corpora and code: run `make train`")
        total += (MODELS / f"{name}.joblib").stat().st_size
    assert total < 5 * 1024 * 1024


def test_a_changed_model_file_is_refused(tmp_path):
    train(ROOT / "corpora", tmp_path, gen_n=20, gen_test_n=0)
    p = tmp_path / "sentence.joblib"
    p.write_bytes(p.read_bytes() + b"\0")
    try:
        models.set_model_dir(tmp_path)
        with pytest.raises(models.ModelError, match="differs from its card"):
            models.get("sentence")
        assert models.get("doctype") is not None
    finally:
        models.set_model_dir(models.MODEL_DIR)


@pytest.mark.skipif(not (MODELS / "measure_categories.card.json").exists(), reason="no committed models")
def test_the_measure_categories_read_jieba_words_beside_characters():
    from extractor.models import Stacked, word_features
    from extractor.nlp.features import item_text
    from extractor.train import WORD_FEATURES

    card = json.loads((MODELS / "measure_categories.card.json").read_text(encoding="utf-8"))
    assert "measure_categories" in WORD_FEATURES and "jieba word" in card["algorithm"]
    vec = models.get("measure_categories").obj["vectorizer"]
    assert isinstance(vec, Stacked) and 0 < vec.weight <= 1
    text = item_text("加快项目资金支付进度，提高预算执行率")
    X = vec.transform([text])
    n_char = len(vec.char.vocabulary_)
    assert X.shape[1] == n_char + len(vec.word.vocabulary_)
    assert X[:, n_char:].nnz == len(set(word_features(text)) & set(vec.word.vocabulary_)) > 0
    # a model without a word block stays a plain character vectorizer
    assert not isinstance(models.get("sentence").obj["vectorizer"], Stacked)
