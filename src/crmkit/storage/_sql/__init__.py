"""The SQLAlchemy backend (SQLite and PostgreSQL)."""

from ._alembic import alembic_config
from ._store import DEFAULT_URL, SqlStore, open_store

__all__ = ["DEFAULT_URL", "SqlStore", "alembic_config", "open_store"]
