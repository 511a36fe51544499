"""The SQLAlchemy backend (SQLite and PostgreSQL)."""

from ._store import DEFAULT_URL, SqlStore, open_store

__all__ = ["DEFAULT_URL", "SqlStore", "open_store"]
