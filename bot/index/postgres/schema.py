"""citebot's tables, created and upgraded by numbered migrations (each applied once, in order).

Everything lives in one schema (CITEBOT_DATABASE_SCHEMA, default `citebot`): the list of index
generations and which one is current, the leases of the processes serving them, the exported query
encoders, feedback, the question log and cooldowns. Each generation's data (documents, passages,
sentences, BM25 postings) lives in a schema of its own, `<schema>_g<id>` (see generations.py), so a
build fills it beside the live one and an old generation goes with one DROP SCHEMA.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import DatabaseError

if TYPE_CHECKING:
    from bot.index.postgres.connect import Database

# (version, statements); `{s}` is the schema. Never edit a released migration: add the next one.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE {s}.generations (
            id bigint PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now(),
            published_at timestamptz,
            superseded_at timestamptz,
            passages integer,
            manifest jsonb
        );
        CREATE SEQUENCE {s}.generation_ids;
        CREATE TABLE {s}.current (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            generation bigint NOT NULL REFERENCES {s}.generations (id)
        );
        CREATE TABLE {s}.leases (
            holder text NOT NULL,
            generation bigint NOT NULL,
            seen timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (holder, generation)
        );
        CREATE TABLE {s}.encoders (
            key text PRIMARY KEY,
            model text NOT NULL,
            quantized boolean NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE {s}.encoder_files (
            key text NOT NULL REFERENCES {s}.encoders (key) ON DELETE CASCADE,
            path text NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (key, path)
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE {s}.feedback (
            id bigserial PRIMARY KEY,
            time timestamptz NOT NULL DEFAULT now(),
            question text NOT NULL,
            passage_id text NOT NULL,
            verdict text NOT NULL,
            generation bigint
        );
        CREATE TABLE {s}.questions (
            id bigserial PRIMARY KEY,
            time timestamptz NOT NULL DEFAULT now(),
            question text NOT NULL,
            answered boolean NOT NULL,
            top_passage text,
            score real,
            generation bigint,
            guild_id bigint,
            channel_id bigint,
            user_id bigint
        );
        CREATE INDEX ON {s}.questions (time);
        CREATE TABLE {s}.cooldowns (
            user_id bigint PRIMARY KEY,
            asked timestamptz NOT NULL
        );
        """,
    ),
)
LATEST = MIGRATIONS[-1][0]


def migrate(db: Database) -> int:
    """Create pgvector and the schema if needed, apply the migrations not yet applied; return the version.

    Several processes may start at once: the work is done under a transaction-scoped advisory lock.
    """
    from psycopg import sql

    schema = sql.Identifier(db.schema)
    conn = db.connect(register_vector=False)
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"citebot-migrate:{db.schema}",))
            _ensure_vector(db, conn)
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
            conn.execute(
                sql.SQL("CREATE TABLE IF NOT EXISTS {}.schema_version (version integer NOT NULL)").format(schema)
            )
            row = conn.execute(sql.SQL("SELECT max(version) FROM {}.schema_version").format(schema)).fetchone()
            version = int(row[0]) if row and row[0] is not None else 0
            if version > LATEST:
                raise DatabaseError(
                    f"The tables in {db.config.shown} (schema {db.schema}) are version {version}, newer than this "
                    f"citebot knows ({LATEST}); upgrade citebot"
                )
            for number, statements in MIGRATIONS:
                if number > version:
                    conn.execute(statements.replace("{s}", schema.as_string(conn)).encode())
                    conn.execute(sql.SQL("INSERT INTO {}.schema_version VALUES (%s)").format(schema), (number,))
        return max(version, LATEST)
    finally:
        conn.close()


def _ensure_vector(db: Database, conn: object) -> None:
    """CREATE EXTENSION vector, or one sentence saying why the server cannot have it."""
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
        return
    if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone():
        raise DatabaseError(
            f"The database {db.config.shown} has no pgvector: the server must have the `vector` extension "
            "installed (every managed Postgres offers it)"
        )
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except psycopg.errors.InsufficientPrivilege:
        raise DatabaseError(
            f"The database {db.config.shown} has pgvector available but not enabled, and this user may not "
            "enable it; ask its administrator to run CREATE EXTENSION vector"
        ) from None
