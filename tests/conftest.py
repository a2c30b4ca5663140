"""Shared test set-up: the test helpers and the sample generator are importable."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "tests", ROOT / "corpora"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

REAL_DEV = ROOT.parent / "shared" / "corpora" / "real-dev"
