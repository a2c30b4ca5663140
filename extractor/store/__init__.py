"""The store: documents, extraction runs (machine records), corrections and the audit trail.

SQLAlchemy 2 over SQLite (embedded default, a file in ``JIXIAO_DATA_DIR``) or PostgreSQL
(``JIXIAO_DATABASE_URL``); Alembic migrations ship in ``migrations/`` and are applied by
:func:`~extractor.store.db.upgrade`. Uploaded files are kept content-addressed
(:class:`~extractor.store.files.FileStore`).
"""

from .db import Database, upgrade
from .files import FileStore, sanitize_filename

__all__ = ["Database", "FileStore", "sanitize_filename", "upgrade"]
