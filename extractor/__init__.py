"""jixiao: turn budget-performance reports into reviewable structured records."""

__version__ = "0.1.0"
