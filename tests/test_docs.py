"""Docs are tested: every error code and setting is documented in the README; the README opens
with the two commands; the public names of the model are pinned."""

from __future__ import annotations

from pathlib import Path

import extractor.document
from extractor.errors import ERROR_CODES
from extractor.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_run_and_test():
    first_block = README.split("```")[1]
    lines = [ln.split("#")[0].strip() for ln in first_block.splitlines() if ln.strip() and not ln.startswith("sh")]
    assert lines == ["make run", "make test"]


def test_every_error_code_is_documented():
    for code in ERROR_CODES:
        assert f"`{code}`" in README, code


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`JIXIAO_{name.upper()}`" in README, name


def test_document_model_public_names():
    assert sorted(extractor.document.__all__) == [
        "BBox", "Block", "BlockKind", "Cell", "Document", "Line", "Page", "ParseWarning", "Position", "SourceInfo", "Table",
    ]
