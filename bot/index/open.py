"""Opening the index where the settings say it is: FAISS files (the default) or Postgres.

The Postgres modules (and psycopg) are imported only when a database is configured.
"""

from __future__ import annotations

from bot.index.backend import IndexBackend
from bot.index.files import FileIndex
from bot.retrieval.config import RetrievalConfig


def open_backend(config: RetrievalConfig) -> IndexBackend:
    """The current build: under `config.index_dir`, or the current generation in `config.database`."""
    if config.database is None:
        return FileIndex.open(config.index_dir)
    from bot.index.postgres.backend import PostgresIndex
    from bot.index.postgres.connect import database
    from bot.index.postgres.encoders import CACHE_FOLDER

    return PostgresIndex.open(database(config.database), config.index_dir / CACHE_FOLDER)
