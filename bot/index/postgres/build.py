"""Building the index into the database: a new generation beside the live one, then published atomically.

The steps are the file builder's (bot/index/builder.py): read the corpus, reuse the passages and
vectors of unchanged documents (copied inside the database), embed only new and changed ones, build
BM25 over every passage. Two builders never run at once: each holds an advisory lock for the
whole build, so the second one waits and then refreshes from the first one's result.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.corpus.splitting import CUT_RULES, SplitSettings
from bot.encoders.base import ProgressFactory, resolve_model_path
from bot.encoders.factory import load_encoder
from bot.errors import CorpusError
from bot.index.builder import (
    BuildReport,
    _embed,
    _skipped_fingerprints,
    _split,
    cut_settings_changed,
    lexical_text,
    read_corpus,
    scan,
    split_settings,
)
from bot.index.config import IndexConfig
from bot.index.lexical import LexicalIndex
from bot.index.postgres import encoders
from bot.index.postgres.backend import HNSW, PostgresIndex
from bot.index.postgres.connect import Database, database
from bot.index.postgres.generations import (
    collect_garbage,
    create_generation,
    current_generation,
    data_schema,
    one,
    publish,
    q,
)
from bot.index.store import FORMAT_VERSION, OUTDATED_CUT, DocumentEntry, Manifest, check_model, outdated_cut
from bot.index.vectors import Vectors
from bot.records import Document, Passage

log = logging.getLogger(__name__)
# Above this many passages a generation gets an HNSW index; below, pgvector scans them all (exact, and
# so the same candidates as the FAISS files). Measured by bench/postgres_backend.py on 384-d clustered
# vectors (2 shared cores): exact p50 2.2 ms at 5,000 but 24 ms at 20,000 and 86 ms at 100,000, where
# HNSW answers in 1-9 ms with recall@10 0.98-1.0.
HNSW_MIN = 5_000
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64


def cache_dir(config: IndexConfig) -> Path:
    """Where a process keeps its local copy of the database's query encoder."""
    return config.index_dir / encoders.CACHE_FOLDER


@contextmanager
def build_lock(db: Database) -> Iterator[None]:
    """Hold the schema's build lock (an advisory lock on a connection of its own) for the block."""
    conn = db.connect(register_vector=False)
    key = f"citebot-build:{db.schema}"
    try:
        if not one(conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()):
            log.info("another build of this index is running; waiting for it to finish.")
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        yield
    finally:
        conn.close()  # releases the lock


def build_into_database(
    config: IndexConfig, full: bool = False, progress: ProgressFactory | None = None
) -> BuildReport:
    """`build_index` for a database: a new generation, published atomically; see the module docstring."""
    assert config.database is not None
    started = time.perf_counter()
    skipped: list[str] = []

    def skip(message: str) -> None:
        skipped.append(message)
        log.warning("%s", message)

    corpus_dir = config.corpus_dir
    scanned = scan(config, skip)
    documents, _ = read_corpus(scanned.files, config, skip)
    if not documents:
        raise CorpusError(f"The corpus folder {corpus_dir} holds no usable .txt or .md document.")
    db = database(config.database)
    with build_lock(db):
        previous = None if full else _previous(db, config)
        export_key = _encoder_key(db, config)
        quantized = export_key is not None and config.quantize
        if previous is not None and previous.manifest.quantized != quantized:
            log.info(f"the encoder is now {'int8' if quantized else 'fp32'}; re-embedding every document.")
            previous = None
        known = {entry.info.id: entry for entry in previous.manifest.documents} if previous else {}
        fresh = [doc for doc in documents if doc.id not in known or known[doc.id].content_hash != doc.content_hash]
        if previous is not None and _unchanged(previous.manifest, corpus_dir, documents, fresh, scanned.files):
            # Nothing to do: a second /reindex that waited for the first one ends here, without a new generation.
            return BuildReport(
                added=0,
                changed=0,
                removed=0,
                unchanged=len(documents),
                passages=previous.manifest.passages,
                seconds=time.perf_counter() - started,
                skipped=tuple(skipped),
                ann=previous.manifest.ann,
            )
        new_passages: dict[str, list[Passage]] = {}
        new_vectors: dict[str, Vectors] = {}
        if fresh or previous is None:
            export = encoders.materialise(db, export_key, cache_dir(config)) if export_key else None
            encoder = load_encoder(config.model, export)
            splitting = split_settings(config, encoder.max_tokens)
            dimension = encoder.dimension
            cuts = _split(fresh, splitting, encoder, progress)
            new_passages = {doc_id: [cut.passage for cut in doc_cuts] for doc_id, doc_cuts in cuts.items()}
            new_vectors = _embed(encoder, fresh, cuts, progress)
        else:
            assert previous is not None
            splitting = SplitSettings.from_manifest(previous.manifest.splitter)
            dimension = previous.manifest.dimension

        generation = create_generation(db, dimension)
        try:
            passages = _write(db, generation, corpus_dir, documents, known, previous, new_passages, new_vectors)
            ann = _search_index(db, generation, passages)
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                model=config.model,
                dimension=dimension,
                splitter=asdict(splitting),
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                corpus_dir=str(corpus_dir),
                documents=(),  # in the generation's documents table
                passages=passages,
                ann=ann,
                encoder_export=export_key,
                quantized=quantized,
                skipped=_skipped_fingerprints(corpus_dir, scanned.files, documents),
            )
            publish(db, generation, manifest.to_json(), passages)
        except BaseException:
            _drop(db, generation)
            raise
        collect_garbage(db, keep=generation)
    current = {doc.id for doc in documents}
    return BuildReport(
        added=len(current - known.keys()),
        changed=sum(1 for doc in fresh if doc.id in known),
        removed=len(known.keys() - current),
        unchanged=len(documents) - len(fresh),
        passages=passages,
        seconds=time.perf_counter() - started,
        skipped=tuple(skipped),
        ann=ann,
    )


def _previous(db: Database, config: IndexConfig) -> PostgresIndex | None:
    """The current generation if its passages can be reused (else None, saying why)."""
    if current_generation(db) is None:
        return None
    previous = PostgresIndex.open(db, cache_dir(config))
    manifest = previous.manifest
    try:
        check_model(manifest, config.model)
    except Exception as exc:
        log.info(f"the previous index cannot be reused ({exc}); rebuilding everything.")
        return None
    if cut_settings_changed(config, manifest):
        log.info("the passage settings changed; re-embedding every document.")
        return None
    if outdated_cut(manifest, CUT_RULES):
        log.info(f"{OUTDATED_CUT}; re-embedding every document.")
        return None
    return previous


def _unchanged(
    manifest: Manifest, corpus_dir: Path, documents: list[Document], fresh: list[Document], files: list[Path]
) -> bool:
    """Whether the current generation already is what a build would publish (same files, same fingerprints)."""
    if fresh or str(corpus_dir) != manifest.corpus_dir or len(documents) != len(manifest.documents):
        return False
    for doc, entry in zip(documents, manifest.documents, strict=True):
        stat = (corpus_dir / doc.id).stat()
        if (doc.id, stat.st_size, stat.st_mtime_ns) != (
            entry.info.id,
            entry.size,
            entry.mtime_ns,
        ) or doc.info != entry.info:
            return False
    return manifest.skipped == _skipped_fingerprints(corpus_dir, files, documents)


def _encoder_key(db: Database, config: IndexConfig) -> str | None:
    """The stored ONNX export for this model and precision, exported and stored now if there is none."""
    key = encoders.stored_key(db, config.model, config.quantize)
    if key is not None:
        return key
    with tempfile.TemporaryDirectory(prefix="citebot-export-") as scratch:
        folder = Path(scratch) / "onnx"
        try:
            from bot.encoders.onnx_export import export_onnx

            export_onnx(resolve_model_path(config.model), folder, name=config.model, quantize=config.quantize)
        except Exception as exc:  # any failure only costs query speed
            log.info(f"no fast query encoder ({type(exc).__name__}: {exc}); questions will load sentence-transformers.")
            return None
        return encoders.store(db, folder, config.model, config.quantize)


def _write(
    db: Database,
    generation: int,
    corpus_dir: Path,
    documents: list[Document],
    known: dict[str, DocumentEntry],
    previous: PostgresIndex | None,
    new_passages: dict[str, list[Passage]],
    new_vectors: dict[str, Vectors],
) -> int:
    """Fill the generation's tables: documents, passages, sentences (copied or new), BM25 postings."""
    target = q(data_schema(db, generation))
    entries: list[DocumentEntry] = []
    moves: list[tuple[int, int, int]] = []  # (first, last, shift) of reused rows of the previous generation
    row = 0
    for doc in documents:
        stat = (corpus_dir / doc.id).stat()
        count = len(new_passages[doc.id]) if doc.id in new_passages else known[doc.id].last - known[doc.id].first
        if doc.id not in new_passages:
            moves.append((known[doc.id].first, known[doc.id].last, row - known[doc.id].first))
        entries.append(DocumentEntry(doc.info, doc.content_hash, stat.st_size, stat.st_mtime_ns, row, row + count))
        row += count
    total = row
    conn = db.conn()
    with conn.cursor() as cur:
        with cur.copy(
            f"COPY {target}.documents (position, doc_id, info, content_hash, size, mtime_ns, first, last) FROM STDIN"
        ) as copy:
            for position, entry in enumerate(entries):
                copy.write_row(
                    (
                        position,
                        entry.info.id,
                        json.dumps(asdict(entry.info)),
                        entry.content_hash,
                        entry.size,
                        entry.mtime_ns,
                        entry.first,
                        entry.last,
                    )
                )
        if moves and previous is not None:
            firsts, lasts, shifts = (list(column) for column in zip(*moves, strict=True))
            source = previous.schema
            join = (
                "JOIN unnest(%s::int[], %s::int[], %s::int[]) AS m(first, last, shift) "
                "ON p.row >= m.first AND p.row < m.last"
            )
            cur.execute(
                f"INSERT INTO {target}.passages SELECT p.row + m.shift, p.doc_id, p.passage, p.embedding "
                f"FROM {source}.passages p {join}",
                (firsts, lasts, shifts),
            )
            cur.execute(
                f"INSERT INTO {target}.sentences SELECT p.row + m.shift, p.position, p.start, p.stop, p.embedding "
                f"FROM {source}.sentences p {join}",
                (firsts, lasts, shifts),
            )
        with cur.copy(f"COPY {target}.passages (row, doc_id, passage, embedding) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "text", "jsonb", "vector"])
            for entry in entries:
                if entry.info.id in new_passages:
                    vectors = new_vectors[entry.info.id]
                    for i, passage in enumerate(new_passages[entry.info.id]):
                        copy.write_row((entry.first + i, passage.doc_id, _jsonb(asdict(passage)), vectors.passages[i]))
        with cur.copy(
            f"COPY {target}.sentences (row, position, start, stop, embedding) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int4", "int4", "int4", "int4", "vector"])
            for entry in entries:
                if entry.info.id in new_passages:
                    vectors = new_vectors[entry.info.id]
                    for i in range(len(new_passages[entry.info.id])):
                        lo, hi = int(vectors.offsets[i]), int(vectors.offsets[i + 1])
                        for position, s in enumerate(range(lo, hi)):
                            start, stop = vectors.spans[s]
                            copy.write_row((entry.first + i, position, int(start), int(stop), vectors.sentences[s]))
        _write_bm25(cur, target, documents, total)
        cur.execute(f"ANALYZE {target}.passages")
        cur.execute(f"ANALYZE {target}.sentences")
    return total


def _jsonb(value: dict[str, Any]) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _write_bm25(cur: Any, target: str, documents: list[Document], total: int) -> None:
    """BM25 over what the file builder indexes for each passage (bot.index.builder.lexical_text); one postings row
    per term."""
    titles = {doc.id: doc.info.title for doc in documents}
    rows = cur.execute(f"SELECT passage FROM {target}.passages ORDER BY row").fetchall()
    assert len(rows) == total
    passages = [Passage.from_json(row[0]) for row in rows]
    lexical = LexicalIndex.build([lexical_text(titles[p.doc_id], p) for p in passages])
    with cur.copy(f"COPY {target}.bm25_terms (term, rows, weights) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["text", "bytea", "bytea"])
        for column, term in enumerate(lexical.vocab):
            start, end = int(lexical.indptr[column]), int(lexical.indptr[column + 1])
            rows, weights = lexical.indices[start:end].astype("<i4"), lexical.data[start:end].astype("<f4")
            copy.write_row((term, rows.tobytes(), weights.tobytes()))
    cur.execute(
        f"INSERT INTO {target}.bm25 (params, num_docs, stopwords) VALUES (%s::jsonb, %s, %s::jsonb)",
        (json.dumps(asdict(lexical.params)), lexical.num_docs, json.dumps(sorted(lexical.analyzer.stopwords))),
    )


def _search_index(db: Database, generation: int, passages: int) -> str:
    """An HNSW index above HNSW_MIN passages; return how the generation is searched (Manifest.ann)."""
    if passages <= HNSW_MIN:
        return f"exact (pgvector, {passages:,} vectors)"
    target = q(data_schema(db, generation))
    conn = db.conn()
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute(
        f"CREATE INDEX ON {target}.passages USING hnsw (embedding vector_ip_ops) "
        f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
    )
    conn.execute("RESET maintenance_work_mem")
    from bot.index.postgres.connect import EF_SEARCH

    return f"{HNSW} m={HNSW_M} ef_search={EF_SEARCH} (pgvector, {passages:,} vectors)"


def _drop(db: Database, generation: int) -> None:
    try:
        with db.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {q(data_schema(db, generation))} CASCADE")
            cur.execute(f"DELETE FROM {q(db.schema)}.generations WHERE id = %s", (generation,))
    except Exception as exc:  # the next build's garbage collection will try again
        log.info("could not remove the unfinished generation %s: %s", generation, exc)
