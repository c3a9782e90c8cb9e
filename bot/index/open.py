"""Opening the index where the settings say it is: FAISS files (the default) or Postgres.

The Postgres modules (and psycopg) are imported only when a database is configured.
"""

from __future__ import annotations

from bot.index.backend import IndexBackend
from bot.index.files import FileIndex
from bot.index.store import Manifest, current_build, read_manifest
from bot.retrieval.config import RetrievalConfig


def open_backend(config: RetrievalConfig) -> IndexBackend:
    """The current build: under `config.index_dir`, or the current generation in `config.database`."""
    if config.database is None:
        return FileIndex.open(config.index_dir)
    from bot.index.postgres.backend import PostgresIndex
    from bot.index.postgres.connect import database
    from bot.index.postgres.encoders import CACHE_FOLDER

    return PostgresIndex.open(database(config.database), config.index_dir / CACHE_FOLDER)


def current_manifest(config: RetrievalConfig) -> tuple[str, Manifest]:
    """Where the current build is (a folder, or the database without its password) and its manifest."""
    if config.database is None:
        build = current_build(config.index_dir)
        return str(build), read_manifest(build)
    from bot.index.postgres import backend
    from bot.index.postgres.connect import database
    from bot.index.postgres.generations import require_current

    db = database(config.database)
    generation = require_current(db)
    return backend.describe(db, generation), backend.read_manifest(db, generation)


def published_version(config: RetrievalConfig) -> int | None:
    """The generation a database serves now; None for files (there, /reindex swaps the index in its process)."""
    if config.database is None:
        return None
    from bot.index.postgres.connect import database
    from bot.index.postgres.generations import current_generation

    return current_generation(database(config.database))


def version_of(index: IndexBackend) -> int | None:
    """The generation an opened index serves (None for files)."""
    generation = getattr(index, "generation", None)
    return generation if isinstance(generation, int) else None
