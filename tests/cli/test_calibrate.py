"""`citebot calibrate`: the threshold chosen from a question set, its report, and bad sets refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.evaluation.questions import load_questions, outcomes, tally
from bot.retrieval.retriever import Retriever
from tests.support import ARTICLE, ARTICLE_QUESTIONS, cli, make_settings

QUESTIONS = ARTICLE_QUESTIONS


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_json_report_agrees_with_the_tally(
    article_settings: Settings, article_retriever: Retriever, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(article_settings, "calibrate", "--json", str(QUESTIONS)) == 0
    report = json.loads(capsys.readouterr().out)
    results = outcomes(article_retriever, load_questions(QUESTIONS))
    configured = report["configured"]
    right, answerable, flagged, unanswerable = tally(results, configured["threshold"])
    assert (configured["answered_right"], configured["flagged"]) == (right, flagged)
    assert (answerable, unanswerable) == (46, 37)
    assert len(report["missed"]) == answerable - right + unanswerable - flagged
    assert sum(c["total"] for c in report["by_category"].values()) == answerable + unanswerable
    best = report["best"]
    assert best["balanced_accuracy"] >= configured["balanced_accuracy"]
    assert any(row["threshold"] == best["threshold"] for row in report["thresholds"])
    loo = report["leave_one_out"]
    assert (loo["answerable"], loo["unanswerable"]) == (46, 37)
    assert 0 < loo["answered_right"] <= 46 and 0 < loo["flagged"] <= 37


def test_readable_report_lists_each_miss_and_why(
    article_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        {
            "answerable": [
                {"question": "Who did Hegseth meet in Tokyo?", "expect": "Gen Nakatani"},
                {"question": "Who did Hegseth meet in Tokyo, again?", "expect": "Iwo Jima"},  # the wrong passage
            ],
            "unanswerable": [
                {"question": "How do I make a sourdough starter?", "why": "other topic"},
                {"question": "How much does one AMRAAM missile cost?", "why": "near miss"},
            ],
        },
    )
    assert cli(article_settings, "calibrate", str(path)) == 0
    out = capsys.readouterr().out
    assert "2 answerable questions and 2 unanswerable, hybrid retrieval; index: 1 document, 6 passages," in out
    assert "(configured)" in out and "(best)" in out and "leave-one-out" in out
    assert "wrong passage (paragraph 1 of hegseth-japan-alliance.txt, 0.6" in out
    assert "Who did Hegseth meet in Tokyo, again?" in out
    assert "AMRAAM" not in out.split("Missed at the configured threshold")[1]  # flagged: it states no price
    assert "  other topic" in out and "  near miss" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no question set at"),
        ("{not json", "is not valid JSON (line 1"),
        ([], 'must be an object with lists "answerable" and "unanswerable"'),
        ({"answerable": [{"question": "Who?"}], "unanswerable": []}, "Answerable question 1 in"),
        ({"answerable": [{"question": "Who?", "expect": " "}], "unanswerable": []}, 'has an empty "expect"'),
        ({"answerable": [], "unanswerabel": []}, "has unknown keys ['unanswerabel']"),
        (
            {
                "answerable": [{"question": "Who?", "expect": "x"}],
                "unanswerable": [{"question": "Why?", "expect": "y"}],
            },
            "Unanswerable question 1 in",
        ),
        (
            {"answerable": [{"question": "Who?", "expect": "x"}], "unanswerable": [{"question": "who? "}]},
            'asks "who?" twice',
        ),
        ({"answerable": [{"question": "Who?", "expect": "x"}], "unanswerable": []}, "at least one answerable and one"),
        (
            {"answerable": [{"question": "  ", "expect": "x"}], "unanswerable": [{"question": "Why?"}]},
            "Answerable question 1 in",
        ),
    ],
)
def test_an_unusable_question_set_is_one_clear_line(
    article_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, message: str
) -> None:
    path = tmp_path / "questions.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path = write(tmp_path, content)
    assert cli(article_settings, "calibrate", str(path)) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ") and message in captured.err
    assert "Traceback" not in captured.err and len(captured.err.strip().splitlines()) == 1


def test_a_bad_set_is_refused_before_any_index_is_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(tmp_path)
    shutil.copytree(ARTICLE.parent, settings.corpus_dir)
    assert cli(settings, "calibrate", str(tmp_path / "missing.json")) == 1
    assert "There is no question set at" in capsys.readouterr().err
    assert not settings.index_dir.exists()


def test_an_expected_text_found_nowhere_is_warned_about(
    article_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        {
            "answerable": [{"question": "What role does Japan play?", "expect": "Japan's crucial role"}],  # ' not ’
            "unanswerable": [{"question": "Who painted the Mona Lisa?"}],
        },
    )
    assert cli(article_settings, "calibrate", str(path)) == 0
    err = capsys.readouterr().err
    assert "warning: the expected text of answerable question 1 is in no passage" in err
    assert "note: with fewer than 10 questions on a side" in err


def test_a_set_naming_files_and_pages_is_accepted_and_right_file_first_reported(
    article_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = ARTICLE.name
    path = write(
        tmp_path,
        {
            "answerable": [
                {"question": "Who did Hegseth meet in Tokyo?", "expect": "Gen Nakatani", "file": name},
                {
                    "question": "Where was Hegseth before Japan?",
                    "expect": "Philippines",
                    "file": "other.txt",
                    "page": 2,
                },
            ],
            "unanswerable": [{"question": "How do I make a sourdough starter?", "why": "other topic"}],
        },
    )
    assert cli(article_settings, "calibrate", "--json", str(path)) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["right_file_first"] == {"right": 1, "total": 2}
    assert isinstance(report["warnings"], list) and report["separation"] is not None
    bad = write(tmp_path, {"answerable": [{"question": "q?", "expect": "x", "page": "two"}], "unanswerable": []})
    with pytest.raises(Exception, match="page"):
        load_questions(bad)
