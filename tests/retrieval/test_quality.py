"""Answer quality on the seed article's question set and on a held-out set, and the threshold on both sides.

The figures are regression floors under what the default reaches today (see README "Answer
quality"); the issue's goal of 90% on both sides is not met yet, and these tests say so honestly.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.evaluation.questions import Outcome, by_category, load_questions, outcomes, tally
from bot.retrieval.retriever import Retriever
from tests.support import ARTICLE_QUESTIONS, DATA, make_settings

QUESTIONS = ARTICLE_QUESTIONS


@pytest.fixture(scope="module")
def results(article_retriever: Retriever) -> list[Outcome]:
    return outcomes(article_retriever, load_questions(QUESTIONS))


def test_question_set_size(results: list[Outcome]) -> None:
    assert sum(o.answerable for o in results) >= 30 and sum(not o.answerable for o in results) >= 20


def test_first_passage_answers_most_questions(results: list[Outcome]) -> None:
    answerable = [o for o in results if o.answerable]
    assert sum(o.top_correct for o in answerable) / len(answerable) >= 0.75


def test_threshold_balances_answering_and_flagging(results: list[Outcome], article_retriever: Retriever) -> None:
    right, answerable, flagged, unanswerable = tally(results, article_retriever.config.min_score)
    assert right / answerable >= 0.75
    assert flagged / unanswerable >= 0.70


def test_every_off_topic_and_gibberish_question_is_flagged(
    results: list[Outcome], article_retriever: Retriever
) -> None:
    categories = by_category(results, article_retriever.config.min_score)
    assert categories["other topic"] == (11, 11) and categories["gibberish"] == (6, 6)
    assert categories["near miss: a detail the article lacks"][0] >= 6  # 3 without the figure check (answer_kind)
    right, answerable, flagged, _ = tally(results, article_retriever.config.min_score)
    assert categories["answerable"] == (right, answerable)
    assert sum(done for name, (done, _) in categories.items() if name != "answerable") == flagged


@pytest.mark.parametrize(
    "question", ["How do I make a sourdough starter?", "asdf qwerty zxcv", "Who painted the Mona Lisa?"]
)
def test_off_topic_is_not_answered(article_retriever: Retriever, question: str) -> None:
    answer = article_retriever.ask(question)
    assert not answer.answered and answer.hits  # the nearest passage is still shown, as low-confidence


def test_clear_question_is_answered(article_retriever: Retriever) -> None:
    assert article_retriever.ask("Who did Hegseth meet in Tokyo?").answered


def test_threshold_is_a_setting(article_retriever: Retriever) -> None:
    strict = Retriever(
        replace(article_retriever.config, min_score=0.99), article_retriever.index, article_retriever.encoder
    )
    assert not strict.ask("Who did Hegseth meet in Tokyo?").answered


HELDOUT = DATA / "heldout"


@pytest.fixture(scope="module")
def heldout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, list[Outcome]]:
    """Six SciFact abstracts and 55 questions written blind by another author, after the threshold was set."""
    from bot.index.builder import build_index

    settings = make_settings(tmp_path_factory.mktemp("heldout")).with_values({"corpus_dir": HELDOUT / "corpus"})
    build_index(settings.indexing)
    retriever = Retriever.open(settings.retrieval)
    return retriever, outcomes(retriever, load_questions(HELDOUT / "questions.json"))


def test_heldout_first_passage_answers_most_questions(heldout: tuple[Retriever, list[Outcome]]) -> None:
    _, results = heldout
    answerable = [o for o in results if o.answerable]
    assert sum(o.top_correct for o in answerable) >= 27  # of 30; 23 before paper titles were recognised


def test_heldout_titles_are_not_passages(heldout: tuple[Retriever, list[Outcome]]) -> None:
    retriever, _ = heldout
    titles = {info.title for info in retriever.documents.values()}
    assert "Primary care and health insurance among women released from New York City jails" in titles
    assert not any(retriever.passages[row].text.rstrip(".") in titles for row in range(len(retriever.passages)))


def test_heldout_off_topic_and_gibberish_are_flagged(heldout: tuple[Retriever, list[Outcome]]) -> None:
    retriever, results = heldout
    categories = by_category(results, retriever.config.min_score)
    assert categories["other topic"] == (5, 5) and categories["gibberish"] == (3, 3)
