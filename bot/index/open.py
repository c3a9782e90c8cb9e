"""Building and opening the index where the settings say it is: FAISS files (the default) or Postgres.

The Postgres modules (and psycopg) are imported only when a database is configured.
"""

from __future__ import annotations

from pathlib import Path

from bot.encoders.base import ProgressFactory
from bot.index.backend import IndexBackend
from bot.index.builder import BuildReport, build_index, ensure_index
from bot.index.config import IndexConfig
from bot.index.database import DatabaseConfig
from bot.index.files import FileIndex
from bot.index.loaded import load_build
from bot.index.store import Manifest, current_build, read_manifest


def build(config: IndexConfig, full: bool = False, progress: ProgressFactory | None = None) -> BuildReport:
    """Build or refresh the index where the config says: FAISS files, or a new database generation."""
    if config.database is None:
        return build_index(config, full, progress)
    from bot.index.postgres.build import build_into_database

    return build_into_database(config, full, progress)


def ensure(config: IndexConfig, progress: ProgressFactory | None = None) -> BuildReport | None:
    """Build the index if there is none, as the first `ask` does (None when there is one). A database
    build refreshes whatever is there (its advisory lock serialises builders; an unchanged corpus costs little)."""
    if config.database is None:
        return ensure_index(config, progress)
    return build(config, progress=progress)


def open_backend(index_dir: Path, database: DatabaseConfig | None, verify: str = "quick") -> IndexBackend:
    """The current build: under `index_dir`, or the current generation in `database` (whose local cache
    of the query encoder lives under `index_dir`). `verify` applies to files (bot.index.store.read_manifest)."""
    if database is None:
        return FileIndex.open(index_dir, verify)
    from bot.index.postgres.backend import PostgresIndex
    from bot.index.postgres.connect import database as connect
    from bot.index.postgres.encoders import CACHE_FOLDER

    return PostgresIndex.open(connect(database), index_dir / CACHE_FOLDER)


def inspect_current(index_dir: Path, database: DatabaseConfig | None) -> tuple[str, Manifest]:
    """Where the current build is (a folder, or the database without its password) and its manifest, after
    checking that it would answer: every file against its checksum and loaded (files), or present (database)."""
    if database is None:
        build = current_build(index_dir)
        manifest = read_manifest(build, verify="full")
        load_build(build, manifest)
        return str(build), manifest
    from bot.index.postgres import backend
    from bot.index.postgres.connect import database as connect
    from bot.index.postgres.generations import require_current

    db = connect(database)
    generation = require_current(db)
    return backend.describe(db, generation), backend.read_manifest(db, generation)


def published_version(database: DatabaseConfig | None) -> int | None:
    """The generation a database serves now; None for files (there, /reindex swaps the index in its process)."""
    if database is None:
        return None
    from bot.index.postgres.connect import database as connect
    from bot.index.postgres.generations import current_generation

    return current_generation(connect(database))


def version_of(index: IndexBackend) -> int | None:
    """The generation an opened index serves (None for files)."""
    generation = getattr(index, "generation", None)
    return generation if isinstance(generation, int) else None
