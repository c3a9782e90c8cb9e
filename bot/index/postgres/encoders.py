"""The exported ONNX query encoder, kept in the database so that every process on every machine has it.

A build exports the encoder once per model and precision and stores its files (about 23 MB for the
int8 MiniLM) under a key that is their content hash. A serving process writes them into a local
cache folder on first use (atomically: a temporary folder, then a rename) and loads them from there.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from bot.index.postgres.connect import Database
from bot.index.postgres.generations import q

CACHE_FOLDER = "database-cache"  # inside the index folder: each process's local copy of the encoder


def stored_key(db: Database, model: str, quantized: bool) -> str | None:
    """The key of an export already stored for this model and precision, if any."""
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT key FROM {q(db.schema)}.encoders WHERE model = %s AND quantized = %s "
            "ORDER BY created_at DESC LIMIT 1",
            (model, quantized),
        ).fetchone()
    return str(row[0]) if row else None


def store(db: Database, folder: Path, model: str, quantized: bool) -> str:
    """Store the export in `folder` (idempotent); return its key."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()[:32]
    conn = db.conn()
    with conn.transaction():
        inserted = conn.execute(
            f"INSERT INTO {q(db.schema)}.encoders (key, model, quantized) VALUES (%s, %s, %s) "
            "ON CONFLICT (key) DO NOTHING RETURNING key",
            (key, model, quantized),
        ).fetchone()
        if inserted:
            for path in files:
                conn.execute(
                    f"INSERT INTO {q(db.schema)}.encoder_files (key, path, data) VALUES (%s, %s, %s)",
                    (key, path.relative_to(folder).as_posix(), path.read_bytes()),
                )
    return key


def materialise(db: Database, key: str, cache_dir: Path) -> Path | None:
    """The local folder holding export `key`, written from the database on first use (None if not stored)."""
    target = cache_dir / f"encoder-{key}"
    if (target / ".complete").is_file():
        return target
    with db.cursor(binary=True) as cur:
        rows = cur.execute(f"SELECT path, data FROM {q(db.schema)}.encoder_files WHERE key = %s", (key,)).fetchall()
    if not rows:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".encoder-", dir=cache_dir))
    try:
        for path, data in rows:
            destination = scratch / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        (scratch / ".complete").write_text(key, encoding="utf-8")
        try:
            scratch.rename(target)
        except OSError:  # another process got there first: its copy is the same
            if not (target / ".complete").is_file():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
