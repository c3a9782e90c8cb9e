"""Building the index: incremental, atomic, self-describing, refusing what it cannot trust."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

import bot.index.builder
from bot.cli.environment import REMEDIES
from bot.config import Settings
from bot.corpus.splitting import CUT_RULES
from bot.errors import CorpusError, IndexCorrupt, IndexMismatch, IndexMissing
from bot.index.builder import build_index
from bot.index.store import MANIFEST, PASSAGES, current_build, read_manifest, read_passages
from bot.records import Passage
from bot.retrieval.retriever import Retriever
from tests.support import cli_log, make_settings


def write(settings: Settings, name: str, text: str) -> None:
    (settings.corpus_dir / name).write_text(text, encoding="utf-8")


def test_manifest_describes_the_build(article_settings: Settings) -> None:
    manifest = read_manifest(current_build(article_settings.index_dir))
    assert manifest.model == "all-MiniLM-L6-v2" and manifest.dimension == 384
    assert manifest.splitter["max_tokens"] == 256 and manifest.splitter["target_tokens"] == 128
    assert len(manifest.documents) == 1 and len(manifest.documents[0].content_hash) == 64
    assert manifest.passages == 6 and manifest.built_at


def test_incremental_rebuild_embeds_only_what_changed(corpus_copy: Settings) -> None:
    write(corpus_copy, "ramen.md", "# Ramen\n\nTonkotsu broth is simmered from pork bones for many hours.\n")
    report = build_index(corpus_copy.indexing)
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 0, 0, 1)
    answer = Retriever.open(corpus_copy.retrieval).ask("How is tonkotsu broth made?")
    assert answer.hits[0].document.title == "Ramen" and "pork bones" in answer.hits[0].passage.text

    write(corpus_copy, "ramen.md", "# Ramen\n\nShoyu ramen is seasoned with soy sauce.\n")
    report = build_index(corpus_copy.indexing)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 1, 0, 1)
    answer = Retriever.open(corpus_copy.retrieval).ask("What is shoyu ramen seasoned with?")
    assert "soy sauce" in answer.hits[0].passage.text
    assert all("pork bones" not in hit.passage.text for hit in answer.hits)

    (corpus_copy.corpus_dir / "ramen.md").unlink()
    report = build_index(corpus_copy.indexing)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 1, 1)
    assert report.passages == 6


def test_unchanged_corpus_loads_no_model(corpus_copy: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model(model: str, export: Path | None, notify: object) -> None:
        raise AssertionError("nothing changed, so nothing should be embedded")

    def no_parsing(*args: object) -> None:
        raise AssertionError("a file with the size and mtime the build recorded is not parsed again")

    monkeypatch.setattr(bot.index.builder, "load_encoder", no_model)
    monkeypatch.setattr(bot.index.builder, "read_document", no_parsing)
    report = build_index(corpus_copy.indexing)
    assert report.unchanged == 1 and report.passages == 6
    retriever = Retriever.open(corpus_copy.retrieval)
    assert retriever.documents["hegseth-japan-alliance.txt"].title.startswith("Defense")
    assert "Nakatani" in retriever.ask("Who did Hegseth meet in Tokyo?", mode="bm25").hits[0].passage.text


def test_full_rebuild_embeds_everything(corpus_copy: Settings) -> None:
    report = build_index(corpus_copy.indexing, full=True)
    assert (report.added, report.unchanged) == (1, 0)


def test_crash_mid_build_leaves_the_previous_index(corpus_copy: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    before = current_build(corpus_copy.index_dir)
    write(corpus_copy, "new.txt", "Breaking\nA new document that never makes it into the index.\n")

    def crash(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while FAISS was being written

    monkeypatch.setattr(bot.index.builder, "_write_data", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_copy.indexing)
    assert current_build(corpus_copy.index_dir) == before
    assert sorted(p.name for p in corpus_copy.index_dir.glob("build-*")) == [before.name]
    retriever = Retriever.open(corpus_copy.retrieval)
    assert retriever.info.passages == 6 and retriever.info.stale
    assert "Gen Nakatani" in retriever.ask("Who did Hegseth meet in Tokyo?").hits[0].passage.text


def test_non_utf8_file_is_skipped_and_the_rest_indexed(corpus_copy: Settings) -> None:
    (corpus_copy.corpus_dir / "latin1.txt").write_bytes("Caf\xe9 notes".encode("latin-1"))
    with cli_log() as messages:
        report = build_index(corpus_copy.indexing)
    assert any("latin1.txt" in m and "UTF-8" in m for m in messages)
    assert report.skipped and report.unchanged == 1
    assert not Retriever.open(corpus_copy.retrieval).info.stale  # a skipped file is known, not news


def test_the_summary_counts_what_was_read_and_skipped_by_kind_and_why(corpus_copy: Settings) -> None:
    write(corpus_copy, "guide.md", "# Guide\n\n## Install\n\nRun the installer and follow its steps.\n")
    write(corpus_copy, "empty.md", "\n\n")
    for name in ("logo.png", "icon.png", "diagram.svg"):
        (corpus_copy.corpus_dir / name).write_bytes(b"\x89PNG")
    (corpus_copy.corpus_dir / "_build").mkdir()
    write(corpus_copy, "_build/index.md", "# Built\n\nText.\n")
    report = build_index(corpus_copy.indexing)
    first, second = report.summary().split("\n")
    assert first.startswith("Indexed 2 documents: 1 added")
    assert second == "Read 1 .md, 1 .txt; skipped 1 .md: no text; skipped 2 .png, 1 .svg: not documents; " \
        "excluded by pattern: 1 folder."  # fmt: skip
    assert not Retriever.open(corpus_copy.retrieval).info.stale


def test_stale_index_is_reported(corpus_copy: Settings) -> None:
    write(corpus_copy, "hegseth-japan-alliance.txt", "Edited\nThe article was rewritten.\n")
    with cli_log() as notices:
        retriever = Retriever.open(corpus_copy.retrieval)
    assert retriever.info.stale and "1 changed" in (retriever.info.stale_reason or "")
    assert any("citebot index" in n for n in notices)
    assert any("out of date" in n for n in retriever.ask("Who met?").notices)


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing) as caught:
        Retriever.open(make_settings(tmp_path).retrieval)
    assert "citebot index" in caught.value.sentence(REMEDIES)


def test_empty_corpus_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    with pytest.raises(CorpusError, match="no usable"):
        build_index(settings.indexing)


def test_missing_corpus_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        build_index(make_settings(tmp_path).indexing)


@pytest.mark.parametrize("victim", ["faiss.index", "passages.jsonl", "vectors.npy"])
def test_truncated_file_is_refused(corpus_copy: Settings, victim: str) -> None:
    path = current_build(corpus_copy.index_dir) / victim
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(IndexCorrupt) as caught:
        Retriever.open(corpus_copy.retrieval)
    assert re.search(r"truncated; run `citebot index --full`", caught.value.sentence(REMEDIES))


@pytest.mark.parametrize(
    ("change", "note"),
    [({"quantize": False}, "the encoder is now fp32"), ({"passage_tokens": 64}, "the passage settings changed")],
)
def test_changed_embedding_settings_re_embed_everything(
    corpus_copy: Settings, change: dict[str, object], note: str
) -> None:
    before = read_manifest(current_build(corpus_copy.index_dir))
    assert before.quantized and before.splitter["target_tokens"] == 128
    settings = corpus_copy.with_values(change)
    with cli_log() as messages:
        report = build_index(settings.indexing)
    after = read_manifest(current_build(settings.index_dir))
    assert report.added == 1 and report.unchanged == 0 and any(note in m for m in messages)
    assert after.quantized == settings.quantize and after.splitter["target_tokens"] == settings.passage_tokens
    encoder = Retriever.open(settings.retrieval).encoder
    assert getattr(encoder, "quantized", False) == settings.quantize
    assert build_index(settings.indexing).unchanged == 1  # and the next refresh reuses it all


def test_an_index_cut_by_older_rules_is_re_embedded(corpus_copy: Settings) -> None:
    path = current_build(corpus_copy.index_dir) / MANIFEST
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["splitter"].pop("rules") == CUT_RULES
    path.write_text(json.dumps(raw), encoding="utf-8")  # as written before the rules had a version
    with cli_log() as messages:
        assert build_index(corpus_copy.indexing).added == 1
    assert any("cut into passages by an older version of citebot; re-embedding" in m for m in messages)
    assert read_manifest(current_build(corpus_copy.index_dir)).splitter["rules"] == CUT_RULES


def test_an_index_cut_by_older_rules_is_used_with_a_warning(corpus_copy: Settings) -> None:
    path = current_build(corpus_copy.index_dir) / MANIFEST
    raw = json.loads(path.read_text(encoding="utf-8"))
    del raw["splitter"]["rules"]
    path.write_text(json.dumps(raw), encoding="utf-8")
    with cli_log() as messages:
        assert Retriever.open(corpus_copy.retrieval).ask("Who met in Tokyo?").hits
    assert messages == [
        "warning: the index was cut into passages by an older version of citebot; run `citebot index` to refresh it."
    ]


def test_passages_are_read_row_by_row(article_settings: Settings) -> None:
    build = current_build(article_settings.index_dir)
    lines = (build / PASSAGES).read_text(encoding="utf-8").splitlines()
    table = read_passages(build, len(lines))
    assert len(table) == 6
    assert [table[i] for i in range(6)] == [Passage.from_json(json.loads(line)) for line in lines]
    assert table[-1] == table[5] and table[1:3] == [table[1], table[2]]
    with pytest.raises(IndexError):
        table[6]
    with pytest.raises(IndexCorrupt, match="lists 7 passages but holds 6"):
        read_passages(build, 7)


def test_garbled_passage_is_refused_when_read(corpus_copy: Settings) -> None:
    path = current_build(corpus_copy.index_dir) / PASSAGES
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace(b'"text":', b'"txet":'))  # same size: passes the size check
    with pytest.raises(IndexCorrupt) as damaged:
        Retriever.open(corpus_copy.retrieval)  # the modification time changed: the file is hashed
    checksum = r"passages.jsonl does not match its checksum .*; run `citebot index"
    assert re.search(checksum, damaged.value.sentence(REMEDIES))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # damage that kept the time passes the quick check
    retriever = Retriever.open(corpus_copy.retrieval)
    with pytest.raises(IndexCorrupt) as caught:
        retriever.ask("Who did Hegseth meet in Tokyo?")
    pattern = r"Line \d+ of .*passages.jsonl is not a passage; run `citebot index"
    assert re.search(pattern, caught.value.sentence(REMEDIES))


def test_garbage_manifest_is_refused(corpus_copy: Settings) -> None:
    (current_build(corpus_copy.index_dir) / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="unreadable"):
        Retriever.open(corpus_copy.retrieval)


def test_other_format_version_is_refused(corpus_copy: Settings) -> None:
    path = current_build(corpus_copy.index_dir) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="format version 99"):
        Retriever.open(corpus_copy.retrieval)


def test_other_model_is_refused(corpus_copy: Settings) -> None:
    with pytest.raises(IndexMismatch, match="built with model 'all-MiniLM-L6-v2'"):
        Retriever.open(corpus_copy.with_values({"model": "some/other-model"}).retrieval)


def test_corrupt_index_is_rebuilt_by_index(corpus_copy: Settings) -> None:
    (current_build(corpus_copy.index_dir) / MANIFEST).write_text("{", encoding="utf-8")
    with cli_log() as messages:
        report = build_index(corpus_copy.indexing)
    assert report.added == 1 and any("cannot be reused" in m for m in messages)
    assert Retriever.open(corpus_copy.retrieval).info.passages == 6


def test_hits_per_document_are_capped_when_there_are_several(corpus_copy: Settings) -> None:
    write(
        corpus_copy,
        "briefing.txt",  # plain text: a passage per paragraph (a Markdown section would merge them into one)
        "Briefing\n\n" + "\n\n".join(f"Hegseth met officials in Tokyo, meeting number {n}." for n in range(6)),
    )
    build_index(corpus_copy.indexing)
    capped = Retriever.open(corpus_copy.with_values({"max_hits_per_doc": 2}).retrieval)
    hits = capped.ask("Who did Hegseth meet in Tokyo?", k=4).hits
    assert sorted(Counter(h.document.id for h in hits).values()) == [2, 2]
    # places the cap leaves empty are filled, best first, rather than returning fewer passages
    assert len(capped.ask("Who did Hegseth meet in Tokyo?", k=9).hits) == 9
