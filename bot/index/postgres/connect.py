"""Connections to the database: one per thread, made on first use, with the vector type registered.

Every failure to reach the database, and every server without pgvector, becomes one sentence (a
DatabaseError) that names the database without its password.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError, DatabaseError
from bot.index.database import DatabaseConfig

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)
INSTALL_HINT = (
    "CITEBOT_DATABASE_URL is set but the Postgres client is not installed; "
    "run `pip install 'citebot[postgres]'` (psycopg and pgvector)"
)
CONNECT_TIMEOUT = 10  # seconds
# HNSW candidates examined per query (pgvector's hnsw.ef_search), at least the rows asked for. Measured by
# bench/postgres_backend.py at 100,000 clustered passages: recall@10 0.941 at 100 (p50 5.9 ms), 0.979 at
# 200 (8.5 ms), 0.984 at 400 (11 ms).
EF_SEARCH = 200


def import_psycopg() -> Any:
    """psycopg, or a ConfigError with the install hint."""
    try:
        import pgvector.psycopg  # noqa: F401
        import psycopg
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    return psycopg


class Database:
    """One process's access to one database and schema: a connection per thread (autocommit)."""

    def __init__(self, config: DatabaseConfig) -> None:
        self.config = config
        self.schema = config.schema
        self._psycopg = import_psycopg()
        self._local = threading.local()
        self._all: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._vector_ready = False

    def connect(self, *, register_vector: bool = True) -> psycopg.Connection[Any]:
        """A new connection in autocommit mode (DatabaseError if the server cannot be reached)."""
        psycopg = self._psycopg
        try:
            conn = psycopg.connect(self.config.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise DatabaseError(f"Cannot reach the database {self.config.shown}: {first_line(exc)}") from None
        if register_vector:
            self.register_vector(conn)
            conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
        return conn

    def register_vector(self, conn: psycopg.Connection[Any]) -> None:
        """Vectors go out as pgvector's binary format and come back as float32 numpy arrays."""
        from pgvector.psycopg import register_vector
        from psycopg.types import TypeInfo

        try:
            register_vector(conn)
        except self._psycopg.ProgrammingError:
            raise DatabaseError(
                f"The database {self.config.shown} has no pgvector extension; "
                "run `citebot index` to create it, or ask its administrator to install pgvector"
            ) from None
        info = TypeInfo.fetch(conn, "vector")
        assert info is not None
        conn.adapters.register_loader(info.oid, _numpy_loader())

    def conn(self) -> psycopg.Connection[Any]:
        """This thread's connection (made on first use, remade if it was closed)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self.connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def cursor(self, *, binary: bool = False) -> Iterator[psycopg.Cursor[Any]]:
        """A cursor on this thread's connection; database errors become one DatabaseError sentence."""
        conn = self.conn()
        try:
            with conn.cursor(binary=binary) as cur:
                yield cur
        except self._psycopg.OperationalError as exc:
            conn.close()  # a broken connection is made again next time
            raise DatabaseError(f"Lost the database {self.config.shown}: {first_line(exc)}") from None

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()


def _numpy_loader() -> type:
    """A psycopg loader: pgvector's binary format (dimension, unused, big-endian float4s) -> float32 array."""
    import numpy as np
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class NumpyVectorLoader(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> np.ndarray:
            return np.frombuffer(data, dtype=">f4", offset=4).astype(np.float32)

    return NumpyVectorLoader


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


_OPEN: dict[DatabaseConfig, Database] = {}
_OPEN_LOCK = threading.Lock()


def database(config: DatabaseConfig) -> Database:
    """The process's one Database for `config`, its schema created or upgraded on first use."""
    with _OPEN_LOCK:
        found = _OPEN.get(config)
        if found is None:
            from bot.index.postgres.schema import migrate

            found = Database(config)
            migrate(found)
            _OPEN[config] = found
        return found
