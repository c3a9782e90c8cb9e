"""Questions about the seed article find the passage that answers them, cited to the article."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from bot.corpus.splitting import sentence_spans
from bot.errors import BadQuestion
from bot.retrieval.retriever import Retriever
from tests.support import ARTICLE_TITLE


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who did Hegseth meet in Tokyo?", "Gen Nakatani"),
        ("Which missiles will the two countries build together?", "AMRAAM"),
        ("How many US troops are in Japan?", "50,000"),
        ("Where was Hegseth before he came to Japan?", "Philippines"),
        ("Did Hegseth attend a ceremony at Iwo Jima?", "memorial service"),
    ],
)
def test_expected_passage_ranks_first(article_retriever: Retriever, question: str, expected: str) -> None:
    top = article_retriever.ask(question, k=3).hits[0]
    assert expected in top.passage.text
    assert top.document.title == ARTICLE_TITLE
    assert top.rank == 1 and top.passage.paragraph >= 1


# Each mode on a question that shows what it is for: BM25 matches the rare literal term, dense
# matches meaning without shared words, hybrid gets both.
@pytest.mark.parametrize(
    ("mode", "question", "expected"),
    [
        ("bm25", "Who did Hegseth meet in Tokyo?", "Gen Nakatani"),
        ("dense", "How many US troops are in Japan?", "50,000"),
        ("hybrid", "Who did Hegseth meet in Tokyo?", "Gen Nakatani"),
        ("hybrid", "How many US troops are in Japan?", "50,000"),
    ],
)
def test_each_mode(article_retriever: Retriever, mode: str, question: str, expected: str) -> None:
    assert expected in article_retriever.ask(question, k=1, mode=mode).hits[0].passage.text


def test_bm25_alone_misses_what_it_cannot_match(article_retriever: Retriever) -> None:
    # "troops" occurs literally only in the paragraph about Trump; the figure says "personnel".
    assert (
        "50,000" not in article_retriever.ask("How many US troops are in Japan?", k=1, mode="bm25").hits[0].passage.text
    )


def test_hits_are_cited_ranked_and_distinct(article_retriever: Retriever) -> None:
    answer = article_retriever.ask("Who did Hegseth meet in Tokyo?", k=5)
    assert answer.answered
    assert [hit.rank for hit in answer.hits] == [1, 2, 3, 4, 5]
    first = answer.hits[0]
    assert first.passage.paragraph == 1 and "Gen Nakatani" in first.highlight
    assert first.highlight in first.passage.text
    spans = [(h.passage.start, h.passage.end) for h in answer.hits]
    assert all(
        a_end <= b_start or b_end <= a_start
        for i, (a_start, a_end) in enumerate(spans)
        for (b_start, b_end) in spans[i + 1 :]
    )
    assert all(-1.0 <= hit.score <= 1.0 for hit in answer.hits)
    assert answer.index.documents == 1 and answer.index.passages == 6


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("What did Hegseth praise Japan as?", "Hegseth praised Japan as an “indispensable partner”"),
        ("When was the memorial service on Iwo Jima?", "On Saturday, he participated in a memorial service"),
    ],
)
def test_highlight_is_the_sentence_that_answers(article_retriever: Retriever, question: str, sentence: str) -> None:
    top = article_retriever.ask(question, k=1).hits[0]
    assert top.highlight.startswith(sentence) and top.highlight in top.passage.text
    assert not top.passage.text.startswith(top.highlight)  # not merely the passage's first sentence
    text = top.passage.text
    sentences = [text[start:end] for start, end in sentence_spans(text, 0, len(text))]
    vectors = article_retriever.encoder.encode([question, *sentences])
    assert sentences[int(np.argmax(vectors[1:] @ vectors[0]))] == top.highlight


def test_empty_question_is_refused(article_retriever: Retriever) -> None:
    with pytest.raises(BadQuestion):
        article_retriever.ask(" \x00 ")


def test_huge_question_is_answered_with_a_notice(article_retriever: Retriever) -> None:
    answer = article_retriever.ask("Who did Hegseth meet in Tokyo? " + "x" * 100_000)
    assert "Gen Nakatani" in answer.hits[0].passage.text
    assert any("first" in notice for notice in answer.notices)


def test_retrieval_layer_imports_no_front_end() -> None:
    import subprocess

    code = (
        "import bot.retrieval.retriever, sys; "
        "print(sorted(m for m in ('discord', 'argparse', 'bot.cli') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "discord" not in out and "bot.cli" not in out


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
@pytest.mark.parametrize(
    "question", ["Who did Hegseth meet in Tokyo?", "How many US troops are in Japan?", "What is a sourdough starter?"]
)
def test_the_shown_score_is_the_one_that_orders_the_hits(
    article_retriever: Retriever, mode: str, question: str
) -> None:
    answer = article_retriever.ask(question, k=5, mode=mode)
    scores = [hit.score for hit in answer.hits]
    assert scores == sorted(scores, reverse=True)  # rank 2 never shows a higher score than rank 1
    assert all(-1.25 <= score <= 1 for score in scores)
    threshold = article_retriever.config.min_score
    assert answer.answered == (bool(scores) and scores[0] >= threshold and answer.lacks is None) or answer.lacks


def test_hybrid_scores_on_the_cosine_scale(article_retriever: Retriever) -> None:
    """The passage matching the question's words best shows its similarity; the others less, by at most the weight."""
    text = "Which missiles will the two countries build together?"
    query = article_retriever.encoder.encode([text])[0]
    hybrid = article_retriever.rank(text, query, depth=50, mode="hybrid")
    similarity = article_retriever.index.similarity(hybrid.rows, query)
    weight = article_retriever.config.hybrid_weight
    assert np.all(hybrid.scores <= similarity + 1e-6) and np.all(hybrid.scores >= similarity - weight - 1e-6)
    best_bm25 = int(np.argmax(article_retriever.index.lexical_scores(text)[hybrid.rows]))
    assert hybrid.scores[best_bm25] == pytest.approx(similarity[best_bm25], abs=1e-6)
