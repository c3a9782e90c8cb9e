"""Generations: each build writes a new one beside the live one and publishes it atomically.

A generation's data is a schema of its own (`<schema>_g<id>`): documents, passages (with their
vectors), sentences (spans and vectors) and BM25 postings. Publishing is one transaction that
points `current` at it and notifies `<schema>_generation`, so every process sees either the old
generation or the new, never half of one.

Old generations are removed when no process uses them. Each process that opens a generation holds
a lease on it (a row in `leases`, refreshed by a heartbeat thread every HEARTBEAT seconds while the
generation's object is alive, deleted once it is garbage): after a swap, answers already running
keep the old object alive, and with it the lease. A generation is dropped when it is not current,
was superseded more than GRACE seconds ago, and no lease on it was seen within LEASE_TTL seconds (a
process that died stops refreshing). Keeping "the last two" instead would drop a generation under a
process that had not yet swapped, or keep dead data forever.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
import weakref
from typing import TYPE_CHECKING, Any

from bot.errors import IndexMissing, Remedy

if TYPE_CHECKING:
    from bot.index.postgres.connect import Database

log = logging.getLogger(__name__)
HEARTBEAT = 20.0  # seconds between lease refreshes
LEASE_TTL = 90.0  # a lease not seen for this long belongs to a process that is gone
GRACE = 30.0  # a superseded generation is kept at least this long, for answers in flight
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def data_schema(db: Database, generation: int) -> str:
    return f"{db.schema}_g{generation}"


def current_generation(db: Database) -> int | None:
    """The generation being served now (None before the first build)."""
    with db.cursor() as cur:
        row = cur.execute(f"SELECT generation FROM {q(db.schema)}.current").fetchone()
    return int(row[0]) if row else None


def require_current(db: Database) -> int:
    generation = current_generation(db)
    if generation is None:
        raise IndexMissing(f"There is no index in the database {db.config.shown} (schema {db.schema})", Remedy.BUILD)
    return generation


def create_generation(db: Database, dimension: int) -> int:
    """A new, unpublished generation with empty data tables; returns its id."""
    with db.cursor() as cur:
        generation = int(one(cur.execute(f"SELECT nextval('{q(db.schema)}.generation_ids')").fetchone()))
        cur.execute(f"INSERT INTO {q(db.schema)}.generations (id) VALUES (%s)", (generation,))
        target = q(data_schema(db, generation))
        cur.execute(
            f"""
            CREATE SCHEMA {target};
            CREATE TABLE {target}.documents (
                position integer PRIMARY KEY, doc_id text NOT NULL UNIQUE, info jsonb NOT NULL,
                content_hash text NOT NULL, size bigint NOT NULL, mtime_ns bigint NOT NULL,
                first integer NOT NULL, last integer NOT NULL);
            CREATE TABLE {target}.passages (
                row integer PRIMARY KEY, doc_id text NOT NULL, passage jsonb NOT NULL,
                embedding vector({dimension}) NOT NULL);
            CREATE TABLE {target}.sentences (
                row integer NOT NULL, position integer NOT NULL, start integer NOT NULL, stop integer NOT NULL,
                embedding vector({dimension}) NOT NULL, PRIMARY KEY (row, position));
            CREATE TABLE {target}.bm25_terms (term text PRIMARY KEY, rows bytea NOT NULL, weights bytea NOT NULL);
            CREATE TABLE {target}.bm25 (params jsonb NOT NULL, num_docs integer NOT NULL, stopwords jsonb NOT NULL);
            """
        )
    return generation


def publish(db: Database, generation: int, manifest_json: str, passages: int) -> None:
    """Make `generation` current, in one transaction; tell listening processes."""
    s = q(db.schema)
    conn = db.conn()
    with conn.transaction():
        conn.execute(
            f"UPDATE {s}.generations SET superseded_at = now() "
            f"WHERE id = (SELECT generation FROM {s}.current) AND id <> %s",
            (generation,),
        )
        conn.execute(
            f"UPDATE {s}.generations SET published_at = now(), manifest = %s::jsonb, passages = %s WHERE id = %s",
            (manifest_json, passages, generation),
        )
        conn.execute(
            f"INSERT INTO {s}.current (only_row, generation) VALUES (true, %s) "
            "ON CONFLICT (only_row) DO UPDATE SET generation = excluded.generation",
            (generation,),
        )
        conn.execute("SELECT pg_notify(%s, %s)", (f"{db.schema}_generation", str(generation)))


def collect_garbage(db: Database, keep: int | None = None) -> list[int]:
    """Drop generations nobody uses (see the module's docstring) and unfinished ones; return their ids.

    Call it only while holding the build lock: an unpublished generation is then never one being built,
    except `keep`.
    """
    s = q(db.schema)
    with db.cursor() as cur:
        cur.execute(f"DELETE FROM {s}.leases WHERE seen < now() - make_interval(secs => %s)", (LEASE_TTL,))
        rows = cur.execute(
            f"""
            SELECT id FROM {s}.generations g
            WHERE id IS DISTINCT FROM (SELECT generation FROM {s}.current)
              AND id IS DISTINCT FROM %s
              AND (published_at IS NULL OR superseded_at < now() - make_interval(secs => %s))
              AND NOT EXISTS (SELECT 1 FROM {s}.leases l WHERE l.generation = g.id)
            ORDER BY id
            """,
            (keep, GRACE),
        ).fetchall()
    dropped = []
    for (generation,) in rows:
        conn = db.conn()
        try:
            with conn.transaction():
                conn.execute("SET LOCAL lock_timeout = '2s'")  # never wait long behind a reader
                conn.execute(f"DROP SCHEMA IF EXISTS {q(data_schema(db, generation))} CASCADE")
                conn.execute(f"DELETE FROM {s}.generations WHERE id = %s", (generation,))
            dropped.append(int(generation))
        except Exception as exc:  # busy: the next build tries again
            log.info("generation %s is still in use (%s); it will be removed later.", generation, exc)
    if dropped:
        log.info("removed old index generation%s %s", "" if len(dropped) == 1 else "s", ", ".join(map(str, dropped)))
    return dropped


class Leases:
    """The generations this process has open, refreshed in the database by a daemon thread."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._held: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._written: set[int] = set()
        self._conn: Any = None
        self._conn_lock = threading.Lock()

    def hold(self, owner: object, generation: int) -> None:
        """Lease `generation` for as long as `owner` is alive (written now, before first use)."""
        with self._lock:
            self._held[owner] = generation
        self.refresh()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._beat, name="citebot-leases", daemon=True)
                self._thread.start()

    def refresh(self) -> None:
        """Write the leases of live generations, delete those of collected ones."""
        with self._lock:
            live = set(self._held.values())
            gone = self._written - live
        s = q(self.db.schema)
        with self._conn_lock:
            if self._conn is None or self._conn.closed:
                self._conn = self.db.connect(register_vector=False)
            conn = self._conn
            with conn.transaction():
                for generation in sorted(live):
                    conn.execute(
                        f"INSERT INTO {s}.leases (holder, generation) VALUES (%s, %s) "
                        "ON CONFLICT (holder, generation) DO UPDATE SET seen = now()",
                        (HOLDER, generation),
                    )
                if gone:
                    conn.execute(
                        f"DELETE FROM {s}.leases WHERE holder = %s AND generation = ANY(%s)", (HOLDER, sorted(gone))
                    )
            self._written = live

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            try:
                self.refresh()
            except Exception as exc:  # the database may be briefly away: try again next beat
                log.info("could not refresh index leases: %s", exc)

    def stop(self) -> None:
        self._stop.set()


_LEASES: dict[int, Leases] = {}
_LEASES_LOCK = threading.Lock()


def leases(db: Database) -> Leases:
    """The one Leases of this process for `db`."""
    with _LEASES_LOCK:
        return _LEASES.setdefault(id(db), Leases(db))


def one(row: tuple[Any, ...] | None) -> Any:
    """The single value of a one-row, one-column result."""
    assert row is not None
    return row[0]


def q(name: str) -> str:
    """A schema name (checked against DatabaseConfig's pattern) quoted as an identifier."""
    return f'"{name}"'
