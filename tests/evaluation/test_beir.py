"""BEIR loader on tiny folders written in tmp_path (and the real SciFact copy when present)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.errors import CorpusError
from bot.evaluation.beir import BeirDocument, BeirQuery, load_beir
from tests.support import ARTICLE, ARTICLE_QUESTIONS

SCIFACT = Path("/work/shared/eval/scifact")

Rows = list[dict[str, object]]

CORPUS: Rows = [
    {"_id": "d1", "title": "Cats", "text": "Cats purr."},
    {"_id": "d2", "title": "", "text": "Dogs bark."},
    {"_id": "d3", "text": "No title field at all.", "metadata": {"x": 1}},
]
QUERIES: Rows = [
    {"_id": "q1", "text": "Do cats purr?", "metadata": {}},
    {"_id": "q2", "text": "Do dogs bark?"},
    {"_id": "q3", "text": "Judged only in train."},
]
TEST_QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t2\nq2\td3\t0\n"


def write_folder(
    root: Path,
    corpus: Rows | str = CORPUS,
    queries: Rows | str = QUERIES,
    qrels: dict[str, str] | None = None,
    newline: str = "\n",
) -> Path:
    """Write a BEIR folder; list arguments become JSON lines, strings are written as given."""
    (root / "qrels").mkdir(parents=True)
    for name, rows in (("corpus.jsonl", corpus), ("queries.jsonl", queries)):
        text = rows if isinstance(rows, str) else "".join(json.dumps(row) + "\n" for row in rows)
        (root / name).write_bytes(text.replace("\n", newline).encode("utf-8"))
    for split, text in (qrels or {"test": TEST_QRELS, "train": "query-id\tcorpus-id\tscore\nq3\td1\t1\n"}).items():
        (root / "qrels" / f"{split}.tsv").write_bytes(text.replace("\n", newline).encode("utf-8"))
    return root


def test_loads_a_folder(tmp_path: Path) -> None:
    data = load_beir(write_folder(tmp_path / "tiny"))
    assert (data.name, data.split) == ("tiny", "test")
    assert data.corpus == (
        BeirDocument("d1", "Cats", "Cats purr."),
        BeirDocument("d2", "", "Dogs bark."),
        BeirDocument("d3", "", "No title field at all."),
    )
    # Only the queries the split judges, in file order.
    assert data.queries == (BeirQuery("q1", "Do cats purr?"), BeirQuery("q2", "Do dogs bark?"))
    assert data.qrels == {"q1": {"d1": 1}, "q2": {"d2": 2, "d3": 0}}
    assert [doc.indexed_text for doc in data.corpus] == ["Cats Cats purr.", "Dogs bark.", "No title field at all."]
    assert load_beir(tmp_path / "tiny", split="train").qrels == {"q3": {"d1": 1}}


def test_results_are_immutable(tmp_path: Path) -> None:
    data = load_beir(write_folder(tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.corpus[0].text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        data.qrels["q1"]["d9"] = 1  # type: ignore[index]


def test_crlf_bom_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, qrels={"test": TEST_QRELS + "\n\n"}, newline="\r\n")
    (folder / "queries.jsonl").write_bytes(b"\xef\xbb\xbf" + (folder / "queries.jsonl").read_bytes())
    data = load_beir(folder)
    assert data.qrels == {"q1": {"d1": 1}, "q2": {"d2": 2, "d3": 0}}
    assert data.queries[0] == BeirQuery("q1", "Do cats purr?")
    assert not any("\r" in doc.text for doc in data.corpus)


def test_qrels_without_header(tmp_path: Path) -> None:
    data = load_beir(write_folder(tmp_path, qrels={"test": "q1\td1\t1\n"}))
    assert data.qrels == {"q1": {"d1": 1}}


def assert_one_sentence(error: pytest.ExceptionInfo[CorpusError], *parts: str) -> None:
    message = str(error.value)
    assert message.endswith(".") and ". " not in message, message
    for part in parts:
        assert part in message, message


def test_missing_folder_and_files(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as error:
        load_beir(tmp_path / "nowhere")
    assert_one_sentence(error, "nowhere", "does not exist")

    folder = write_folder(tmp_path / "a")
    (folder / "queries.jsonl").unlink()
    with pytest.raises(CorpusError) as error:
        load_beir(folder)
    assert_one_sentence(error, "queries.jsonl", "does not exist")

    with pytest.raises(CorpusError) as error:
        load_beir(write_folder(tmp_path / "b"), split="dev")
    assert_one_sentence(error, "'dev'", "test, train")


@pytest.mark.parametrize(
    ("corpus", "queries", "qrels", "where", "problem"),
    [
        ('{"_id": "d1", "text": "ok"}\n{"_id": "d2", "text": \n', None, None, "2 of", "invalid JSON"),
        ('["d1", "text"]\n', None, None, "1 of", "JSON object"),
        ('{"_id": "d1"}\n', None, None, "corpus.jsonl", "'text' is missing"),
        ('{"_id": 7, "text": "x"}\n', None, None, "corpus.jsonl", "'_id' is not a string"),
        ('{"_id": "d1", "text": "a"}\n{"_id": "d1", "text": "b"}\n', None, None, "Line 2", "appears twice"),
        (None, '{"_id": "", "text": "q"}\n', None, "queries.jsonl", "'_id' is empty"),
        (None, None, "query-id\tcorpus-id\tscore\nq1 d1 1\n", "Line 2", "3 tab-separated fields, found 1"),
        (None, None, "q1\td1\tyes\n", "test.tsv", "'yes' is not an integer"),
        (None, None, "q1\td1\t1\nq9\td1\t1\n", "Line 2", "query 'q9' is not in queries.jsonl"),
        (None, None, "q1\td9\t1\n", "Line 1", "document 'd9' is not in corpus.jsonl"),
        (None, None, "q1\td1\t1\nq1\td1\t0\n", "Line 2", "already judges"),
        ("\n\n", None, None, "corpus.jsonl", "no document"),
        (None, None, "query-id\tcorpus-id\tscore\n", "test.tsv", "no judgment"),
    ],
)
def test_malformed_content_names_file_and_line(
    tmp_path: Path, corpus: str | None, queries: str | None, qrels: str | None, where: str, problem: str
) -> None:
    folder = write_folder(
        tmp_path,
        corpus=CORPUS if corpus is None else corpus,
        queries=QUERIES if queries is None else queries,
        qrels={"test": TEST_QRELS if qrels is None else qrels},
    )
    with pytest.raises(CorpusError) as error:
        load_beir(folder)
    assert_one_sentence(error, where, problem)


def test_invalid_utf8(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    (folder / "corpus.jsonl").write_bytes(b'{"_id": "d1", "text": "caf\xe9"}\n')
    with pytest.raises(CorpusError) as error:
        load_beir(folder)
    assert_one_sentence(error, "corpus.jsonl", "UTF-8")


@pytest.mark.skipif(not SCIFACT.is_dir(), reason="the shared SciFact copy is not on this machine")
def test_real_scifact() -> None:
    test = load_beir(SCIFACT)
    assert (len(test.corpus), len(test.queries), sum(map(len, test.qrels.values()))) == (5183, 300, 339)
    assert len(load_beir(SCIFACT, split="train").queries) == 809


# --- the seed article's calibration/eval questions ------------------------------------------------

QUESTIONS = ARTICLE_QUESTIONS
WHY = {"other topic", "gibberish", "near miss: another subject", "near miss: a detail the article lacks"}


def test_article_questions_match_the_article() -> None:
    """Every `expect` is verbatim in exactly one passage; every passage is asked about several times."""
    passages = ARTICLE.read_text(encoding="utf-8").splitlines()[2:]  # "Additional Coverage:" and the headline are not
    assert len(passages) == 6
    data = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    assert set(data) == {"answerable", "unanswerable"}
    answerable, unanswerable = data["answerable"], data["unanswerable"]
    assert len(answerable) >= 40 and len(unanswerable) >= 30
    questions = [item["question"] for item in answerable + unanswerable]
    assert all(q.strip() for q in questions) and len(set(questions)) == len(questions)

    per_passage = [0] * len(passages)
    for item in answerable:
        assert set(item) == {"question", "expect"}
        expect = item["expect"]
        assert len(expect) >= 12 and " " in expect, f"{expect!r} is not distinctive"
        found = [i for i, passage in enumerate(passages) if expect in passage]
        assert len(found) == 1, f"{expect!r} is in passages {found}, expected exactly one"
        per_passage[found[0]] += 1
    assert min(per_passage) >= 5, per_passage

    for item in unanswerable:
        assert set(item) == {"question", "why"} and item["why"] in WHY, item
    assert {item["why"] for item in unanswerable} == WHY
