"""No text is lost between a document and its passages: every visible character of the body is quoted
by some passage (the real model's tokenizer decides the cuts)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.corpus.cutting import split_document
from bot.corpus.documents import parse_document
from bot.corpus.splitting import SplitSettings
from tests.support import reference_encoder

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789'’é-", min_size=1, max_size=12)
END = st.sampled_from(["", ".", "!", "?", ":", ",", ";", ".”", " -"])
LINE = st.builds(
    lambda prefix, words, end: prefix + " ".join(words) + end,
    st.sampled_from(["", "", "", "# ", "## ", "- "]),
    st.lists(WORD, min_size=1, max_size=40),
    END,
)
SEPARATOR = st.sampled_from(["\n", "\n\n", "\n \n", "\n\n\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(LINE, min_size=1, max_size=12))
    text = lines[0]
    for line in lines[1:]:
        text += draw(SEPARATOR) + line
    return text + draw(st.sampled_from(["", "\n"]))


def uncovered(text: str, target: int, overlap: int) -> list[int]:
    document = parse_document(text, "doc.txt", "doc.txt", "hash")
    assert document is not None
    encoder = reference_encoder()
    passages = split_document(document, SplitSettings(256, target, overlap), encoder.token_spans)
    covered = bytearray(len(document.text))
    for passage in passages:
        assert document.text[passage.start : passage.end] == passage.text
        covered[passage.start : passage.end] = b"\x01" * (passage.end - passage.start)
    body = range(document.content_start, len(document.text))
    return [i for i in body if not document.text[i].isspace() and not covered[i]]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.integers(min_value=8, max_value=128), st.integers(min_value=0, max_value=3))
def test_every_visible_character_of_the_body_is_in_a_passage(text: str, target: int, overlap: int) -> None:
    assert uncovered(text, target, overlap) == []


def test_a_one_line_document_without_a_period_keeps_its_line() -> None:
    text = "Meeting with Bob on Tuesday at 10am about the budget"
    document = parse_document(text, "note.txt", "note.txt", "hash")
    assert document is not None and document.info.title == text and document.content_start == 0
    passages = split_document(document, SplitSettings(), reference_encoder().token_spans)
    assert [p.text for p in passages] == [text]


def test_a_heading_alone_keeps_its_text() -> None:
    document = parse_document("# Only a heading\n", "h.md", "h.md", "hash")
    assert document is not None
    assert [p.text for p in split_document(document, SplitSettings(), reference_encoder().token_spans)] == [
        "# Only a heading"
    ]
