"""Passages respect paragraphs and sentences, point exactly into the text, and fit the model."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corpus.cutting import split_document
from bot.corpus.splitting import (
    HEADING_TOKENS,
    SPECIAL_TOKENS,
    WAITING_TOKENS,
    SplitSettings,
    paragraph_spans,
    sentence_spans,
)
from bot.encoders.sentence_transformer import SentenceTransformerEncoder
from bot.records import Document, DocumentInfo, Passage
from tests.support import reference_encoder


def make_document(text: str, title: str = "A title") -> Document:
    return Document(DocumentInfo(id="doc.txt", title=title, source="doc.txt"), text, "hash")


def check_passages(document: Document, split: SplitSettings) -> None:
    encoder = reference_encoder()
    passages = split_document(document, split, encoder.token_spans)
    for passage in passages:
        assert document.text[passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip() and passage.text
        assert len(encoder.token_spans(passage.text)) + SPECIAL_TOKENS <= split.max_tokens
    assert [p.paragraph for p in passages] == sorted(p.paragraph for p in passages)
    covered: set[int] = set()
    for passage in passages:
        covered.update(range(passage.start, passage.end))
    content = range(document.content_start, len(document.text))
    assert all(i in covered for i in content if not document.text[i].isspace())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=600))
def test_any_unicode_text(text: str) -> None:
    check_passages(make_document(text), SplitSettings(max_tokens=64, target_tokens=32))


SENTENCE = st.from_regex(r"[A-Z][a-z]{0,12}( [a-z]{1,12}){0,30}[.!?]", fullmatch=True)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(SENTENCE, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=6),
    st.sampled_from(["\n", "\n\n", "\n \n\n"]),
    st.integers(1, 3),
)
def test_paragraphs_of_sentences(paragraphs: list[str], separator: str, overlap: int) -> None:
    text = separator.join(paragraphs)
    check_passages(make_document(text), SplitSettings(max_tokens=96, target_tokens=48, overlap_sentences=overlap))


def test_one_giant_paragraph_without_punctuation() -> None:
    text = " ".join(f"word{i}" for i in range(3000))
    document = make_document(text)
    check_passages(document, SplitSettings())
    assert len(split_document(document, SplitSettings(), reference_encoder().token_spans)) > 10


def test_giant_unbroken_token_run() -> None:
    check_passages(make_document("x" * 5000 + "\n\n" + "日本語" * 500), SplitSettings(max_tokens=128, target_tokens=64))


def test_empty_lines_and_whitespace_only() -> None:
    encoder = reference_encoder()
    assert split_document(make_document("\n\n  \n\t\n"), SplitSettings(), encoder.token_spans) == []
    check_passages(make_document("\n\nOne.\n\n\n\nTwo.\n"), SplitSettings())


def test_paragraph_rules() -> None:
    assert paragraph_spans("a\nb\nc") == [(0, 1), (2, 3), (4, 5)]
    # Blank lines, when present, separate paragraphs; single newlines are then wrapping.
    assert paragraph_spans("a\nb\n\nc") == [(0, 3), (5, 6)]
    assert paragraph_spans("title\nbody one\nbody two", start=6) == [(6, 14), (15, 23)]


def test_sentence_rules() -> None:
    text = "He met Nakatani. “It matters,” he said! Really? 東京です。次の文"
    spans = sentence_spans(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == [
        "He met Nakatani.",
        "“It matters,” he said!",
        "Really?",
        "東京です。",
        "次の文",
    ]


def test_article_paragraphs_become_passages(encoder: SentenceTransformerEncoder) -> None:
    from pathlib import Path

    from bot.corpus.documents import read_document
    from tests.support import ARTICLE, ARTICLE_TITLE

    document = read_document(ARTICLE, ARTICLE.parent, lambda message: None)
    assert document is not None and document.info.title == ARTICLE_TITLE
    passages = split_document(document, SplitSettings(), encoder.token_spans)
    assert [p.paragraph for p in passages] == [1, 2, 3, 4, 5, 6]
    assert passages[0].text.startswith("Tokyo – US Secretary of Defense")
    assert Path(ARTICLE).read_text(encoding="utf-8")[passages[0].start : passages[0].end] == passages[0].text


def test_a_heading_opens_the_passage_below_it() -> None:
    title = "Primary care among women released from jails"
    text = f"{title}.\n\nWe studied 511 women. They were followed.\n\n## Results\n\nMost had insurance.\n\nThanks."
    passages = split_document(make_document(text, title), SplitSettings(), reference_encoder().token_spans)
    assert [(p.paragraph, p.text) for p in passages] == [
        (1, "Primary care among women released from jails.\n\nWe studied 511 women. They were followed."),
        (3, "## Results\n\nMost had insurance."),
        (5, "Thanks."),  # a short sentence is not a heading
    ]
    last = split_document(make_document("Body text.\n\nSee also"), SplitSettings(), reference_encoder().token_spans)
    assert [p.text for p in last] == ["Body text.", "See also"]  # nothing below it to open


def test_a_long_one_sentence_lede_stays_its_own_passage() -> None:
    lede = (
        "TOKYO (Reuters) - Defense Secretary Pete Hegseth, 44, met Japanese Defense Minister Gen Nakatani"
        " on Sunday and pledged $3bn to joint missile work."
    )
    text = f"{lede}\n\nThe two men spoke for an hour.\n\nThey will meet again."
    passages = split_document(make_document(text), SplitSettings(), reference_encoder().token_spans)
    assert [p.text for p in passages] == [lede, "The two men spoke for an hour.", "They will meet again."]


def split(text: str, title: str = "A title", **options: Any) -> list[Passage]:
    document = make_document(text, title)
    check_passages(document, SplitSettings(**options))
    return split_document(document, SplitSettings(**options), reference_encoder().token_spans)


def test_headings_in_a_row_open_the_passage_below_even_before_a_long_sentence() -> None:
    long_sentence = " ".join(["word"] * 140) + "."
    passages = split(f"## Part one\n\n## Costs\n\n{long_sentence}")
    assert passages[0].text.startswith("## Part one\n\n## Costs\n\nword word")
    assert not any(p.text in ("## Part one", "## Costs") for p in passages)


def test_a_long_title_opens_the_first_passage() -> None:
    title = "A very long title of a paper " + " ".join(f"term{i}" for i in range(12))
    passages = split(f"{title}.\n\nThe abstract begins here. It goes on.", title)
    assert passages[0].text.startswith(f"{title}.\n\nThe abstract begins here.") and passages[0].paragraph == 1


@pytest.mark.parametrize(
    "text",
    [
        "費用は五十億円である。\n\n計画は来年始まる。",  # a CJK sentence is not a heading
        '"Where were you?"\n"At home."\n"Alone?"',  # nor is a line of dialogue
    ],
)
def test_sentences_are_not_headings(text: str) -> None:
    assert len(split(text)) == len([line for line in text.split("\n") if line])


def test_a_run_of_short_lines_is_cut_in_linear_time() -> None:
    text = "\n".join(f"row {i}, value {i * 7}" for i in range(3000))
    started = time.perf_counter()
    passages = split(text)
    assert time.perf_counter() - started < 20  # was 122 s for 4,000 lines when each line re-read the ones before
    assert all(len(reference_encoder().token_spans(p.text)) <= WAITING_TOKENS + HEADING_TOKENS for p in passages)


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = 'Nakatani said: "We agree." (It was late.) Then they left.'
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == [
        'Nakatani said: "We agree."',
        "(It was late.)",
        "Then they left.",
    ]
