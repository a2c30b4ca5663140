"""Batch re-processing of archives (issue #8): :func:`run_batch` (``jixiao batch``).

inputs.py (folders, zip archives with GBK/UTF-8 names, unpacked safely), worker.py (one document
in a forked child under a time and memory limit), runner.py (local process pool or Dask cluster,
progress, store writes), diff.py (what changed between machine records), report.py (xlsx).
"""

from __future__ import annotations

from .runner import BatchSummary, run_batch

__all__ = ["BatchSummary", "run_batch"]
