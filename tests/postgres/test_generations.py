"""The commands with CITEBOT_DATABASE_URL set, and generations: incremental builds, one builder at a time,
a new generation served without a restart, old ones removed once nobody uses them, errors in one line."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import DatabaseError, IndexMismatch
from bot.index.open import build, published_version, version_of
from bot.index.postgres import generations
from bot.index.postgres.connect import database
from bot.retrieval.retriever import Retriever
from tests.postgres.support import in_database, seed_encoder
from tests.support import ARTICLE, DATA, REPO, cli, make_settings

pytestmark = pytest.mark.postgres
QUESTION = "Who did Hegseth meet in Tokyo?"
EXTRA = DATA / "heldout" / "corpus" / "23245050.txt"


def generation_ids(settings: Settings) -> list[int]:
    assert settings.database is not None
    db = database(settings.database)
    with db.cursor() as cur:
        return [row[0] for row in cur.execute(f'SELECT id FROM "{db.schema}".generations ORDER BY id')]


def test_commands_give_the_file_backends_outputs(
    pg: Settings, article_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pg.database is not None
    monkeypatch.setenv("CITEBOT_DATABASE_URL", pg.database.url)
    monkeypatch.setenv("CITEBOT_DATABASE_SCHEMA", pg.database_schema)
    assert cli(pg, "index") == 0
    assert "1 added" in capsys.readouterr().out
    assert cli(pg, "ask", "--json", QUESTION) == 0
    from_db = json.loads(capsys.readouterr().out)
    monkeypatch.delenv("CITEBOT_DATABASE_URL")
    assert cli(article_settings, "ask", "--json", QUESTION) == 0
    from_files = json.loads(capsys.readouterr().out)
    for answer in (from_db, from_files):
        answer["index"].pop("built_at")
        for result in answer["results"]:
            result["document"].pop("source")  # the two corpora are copies in different folders
    assert from_db == from_files
    monkeypatch.setenv("CITEBOT_DATABASE_URL", pg.database.url)
    assert cli(pg, "info") == 0
    out = capsys.readouterr().out
    assert f"schema {pg.database_schema}, generation 1" in out and "current" in out and "exact (pgvector" in out
    assert "1 unchanged" in (cli(pg, "index"), capsys.readouterr().out)[1]


def test_refresh_embeds_only_what_changed_and_serves_without_restart(pg: Settings) -> None:
    build(pg.indexing)
    before = Retriever.open(pg.retrieval)
    first = version_of(before.index)
    assert first is not None
    shutil.copy(EXTRA, pg.corpus_dir)
    report = build(pg.indexing)
    assert (report.added, report.unchanged) == (1, 1)
    assert published_version(pg.database) == first + 1
    # The process that opened the first generation still answers from it, whole.
    assert before.ask(QUESTION).hits[0].passage.doc_id == ARTICLE.name
    after = Retriever.open(pg.retrieval)
    assert version_of(after.index) == first + 1 and after.info.documents == 2
    rebuilt = Retriever.open(pg.retrieval)
    assert [h.passage for h in after.ask(QUESTION).hits] == [h.passage for h in rebuilt.ask(QUESTION).hits]


def test_old_generations_go_once_nobody_uses_them(pg: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pg.database is not None
    monkeypatch.setattr(generations, "GRACE", 0.0)
    build(pg.indexing)
    old = Retriever.open(pg.retrieval)
    shutil.copy(EXTRA, pg.corpus_dir)
    build(pg.indexing)
    db = database(pg.database)
    assert generations.collect_garbage(db) == []  # `old` is still open here: its lease keeps generation 1
    assert old.ask(QUESTION).answered
    del old
    gc.collect()
    generations.leases(db).refresh()  # what the heartbeat does every HEARTBEAT seconds
    assert generations.collect_garbage(db) == [1]
    assert generation_ids(pg) == [2]


def test_two_builders_at_once_build_once(pg: Settings) -> None:
    build(pg.indexing)
    shutil.copy(EXTRA, pg.corpus_dir)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(build(pg.indexing))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Serialised by the advisory lock: one embedded the new document, the other found it done.
    assert sorted((r.added, r.unchanged) for r in reports) == [(0, 2), (1, 1)]
    assert published_version(pg.database) == max(generation_ids(pg)) == 2


def test_another_models_index_is_refused(pg: Settings) -> None:
    build(pg.indexing)
    with pytest.raises(IndexMismatch, match="built with model 'all-MiniLM-L6-v2' but 'other-model' is configured"):
        Retriever.open(pg.with_values({"model": "other-model"}).retrieval)


def test_an_unreachable_database_is_one_line_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITEBOT_DATABASE_URL", "postgresql://citebot:s3cret@127.0.0.1:1/citebot")
    assert cli(make_settings(tmp_path), "info") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot reach the database postgresql://citebot:***@127.0.0.1:1/citebot: ")
    assert err.count("\n") == 1 and "s3cret" not in err


def test_a_database_without_pgvector_is_one_line(postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS novector")
        conn.execute("DROP ROLE IF EXISTS plain")
        conn.execute("CREATE ROLE plain LOGIN")
        conn.execute("CREATE DATABASE novector OWNER plain")
    url = postgres_url.replace("postgres:@/postgres", "plain:@/novector")
    settings = in_database(make_settings(tmp_path), url, "citebot")
    with pytest.raises(DatabaseError, match="has pgvector available but not enabled, and this user may not"):
        Retriever.open(settings.retrieval)


def test_without_the_setting_no_postgres_module_is_imported() -> None:
    code = (
        "import sys, bot.retrieval.retriever, bot.index.builder, bot.cli.main, bot.discord_app.app\n"
        "print(sorted(m for m in sys.modules if m.startswith(('psycopg', 'pgvector', 'bot.index.postgres'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_above_the_threshold_search_goes_through_hnsw(
    pg: Settings, article_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.index.postgres.build as pg_build

    build(pg.indexing)
    exact = Retriever.open(pg.retrieval).ask(QUESTION, 5)
    monkeypatch.setattr(pg_build, "HNSW_MIN", 0)
    other = pg.with_values({"database_schema": f"{pg.database_schema}_h"})
    seed_encoder(other, article_settings)
    report = build(other.indexing)
    assert report.ann.startswith("HNSW m=16")
    hnsw = Retriever.open(other.retrieval)
    assert hnsw.index.dense_search(hnsw.encoder.encode([QUESTION])[0], 500).tolist() != []  # ef_search widened
    assert hnsw.ask(QUESTION, 5).hits == exact.hits  # six passages: HNSW finds them all
