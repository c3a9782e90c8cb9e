"""`eval` runs citebot's own pipeline on a BEIR folder and scores each mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.evaluation.runner import run_eval
from bot.retrieval.mode import Mode
from tests.support import make_settings

DOCS = {
    "tea": ("Green tea", "Green tea is made from the unoxidized leaves of Camellia sinensis."),
    "ramen": ("Ramen broth", "Tonkotsu broth is simmered from pork bones for many hours."),
    "volcano": ("Volcanoes", "Magma that reaches the surface is called lava. It cools into basalt."),
    "orbit": ("Satellites", "A geostationary satellite circles the Earth once per day above the equator."),
}
QUERIES = {
    "q1": "What plant do green tea leaves come from?",  # words shared with the document
    "q2": "What is tonkotsu broth simmered from?",
    "q3": "What is molten rock on the surface called?",  # meaning, few shared words
    "q4": "Which satellites stay above one spot of the equator?",
}
QRELS = {"q1": "tea", "q2": "ramen", "q3": "volcano", "q4": "orbit"}


@pytest.fixture(scope="module")
def beir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-beir")
    (folder / "qrels").mkdir()
    (folder / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": k, "title": t, "text": x}) + "\n" for k, (t, x) in DOCS.items())
    )
    (folder / "queries.jsonl").write_text("".join(json.dumps({"_id": k, "text": q}) + "\n" for k, q in QUERIES.items()))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in QRELS.items())
    )
    return folder


def test_each_mode_ranks_the_judged_document_first(beir: Path, tmp_path: Path) -> None:
    results = run_eval(beir, make_settings(tmp_path), tuple(Mode), k=10, workdir=tmp_path / "work")
    by_mode = {r.mode: r for r in results}
    assert set(by_mode) == {"dense", "bm25", "hybrid"}
    assert by_mode["dense"].metrics["mrr@10"] == 1.0
    assert by_mode["hybrid"].metrics["ndcg@10"] == 1.0
    assert by_mode["bm25"].metrics["recall@10"] >= 0.75  # BM25 cannot match "molten rock" to "lava"
    assert all(r.documents == 4 and r.queries == 4 and r.passages >= 4 for r in results)


def test_eval_json_is_one_object_per_mode(beir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(beir), "--mode", "hybrid", "--json", "--workdir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert set(row) == {
        "dataset",
        "mode",
        "queries",
        "documents",
        "passages",
        "metrics",
        "build_seconds",
        "queries_per_second",
    }
    assert set(row["metrics"]) == {"ndcg@10", "recall@10", "recall@100", "mrr@10"}
    assert row["mode"] == "hybrid" and row["queries"] == 4


def test_eval_table_shows_every_mode(beir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(beir), "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["dense", "bm25", "hybrid"]


def test_missing_dataset_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err.startswith("error: The BEIR folder")
