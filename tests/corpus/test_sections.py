"""Passages cut by section (bot/corpus/sections.py), on documents built as a reader lays them out."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.corpus.cutting import split_document, split_for_embedding
from bot.corpus.readers.layout import TextBuilder
from bot.corpus.readers.markdown import read_text
from bot.corpus.sections import MIN_TOKENS, Cut
from bot.corpus.splitting import SPECIAL_TOKENS, SplitSettings
from bot.records import Document, DocumentInfo
from tests.support import reference_encoder

LIMIT = 256 - SPECIAL_TOKENS
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "theta",
    "kappa",
    "lambda",
    "sigma",
    "omega",
    "river",
    "stone",
    "cloud",
]


def sentence(n: int, seed: int = 0) -> str:
    """A sentence of n words."""
    words = [WORDS[(seed + i * 7) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(sentences: int, words: int = 12, seed: int = 0) -> str:
    return " ".join(sentence(words, seed + i) for i in range(sentences))


def document(builder: TextBuilder, doc_id: str = "guide.md") -> Document:
    reading = builder.reading()
    info = DocumentInfo(id=doc_id, title=reading.title or "Guide", source=doc_id)
    return Document(info, reading.text, "hash", reading.content_start, reading.sections)


def guide() -> Document:
    """A realistic page: a title, sections of several paragraphs, a long code block, a long table, an
    admonition, an intro line ending in a colon, and a tiny closing remark."""
    b = TextBuilder()
    b.heading(1, "Guide", "guide")
    b.block("paragraph", paragraph(2), (3, 3))
    b.heading(2, "Install", "install")
    b.block("paragraph", paragraph(3, seed=1), (7, 9))
    b.block("paragraph", paragraph(2, seed=2), (11, 12))
    b.block("paragraph", "Run this:", (14, 14))
    b.block("code", "\n".join(f"pip install package-{i} --upgrade  # step {i}" for i in range(40)), (16, 57))
    b.block("paragraph", "See also the FAQ.", (59, 59))
    b.heading(2, "Options", "options")
    b.block(
        "table",
        "name | default | meaning\n" + "\n".join(f"opt{i} | {i} | {sentence(9, i)}" for i in range(30)),
        (61, 92),
    )
    b.block("admonition", "Note\n\n" + paragraph(2, seed=5), (94, 97))
    b.heading(3, "Short code", "short-code")
    b.block("code", "\n".join(f"value_{i} = compute({i}, {i + 1})" for i in range(12)), (99, 112))
    return document(b)


def cuts(doc: Document, **options: bool | int) -> list[Cut]:
    return split_for_embedding(doc, SplitSettings(**options), reference_encoder().token_spans)  # type: ignore[arg-type]


def pieces(text: str) -> int:
    return len(reference_encoder().token_spans(text))


def embedded(cut: Cut) -> str:
    return f"{cut.context}\n{cut.passage.text}" if cut.context else cut.passage.text


def test_passages_stay_in_their_section_and_headings_are_never_passages() -> None:
    doc = guide()
    found = cuts(doc)
    for cut in found:
        p = cut.passage
        assert doc.text[p.start : p.end] == p.text
        section = next(s for s in doc.sections if s.path == p.section)
        assert section.blocks[0].start <= p.start and p.end <= section.blocks[-1].end
        assert p.anchor == section.anchor
        assert all(not (s.heading and p.start < s.heading[1] and s.heading[0] < p.end) for s in doc.sections)
    assert {cut.passage.section for cut in found} == {s.path for s in doc.sections if s.blocks}


def test_short_blocks_of_a_section_merge_up_to_the_target() -> None:
    doc = guide()
    install = [c.passage for c in cuts(doc) if c.passage.section == ("Guide", "Install")]
    first = install[0]
    assert first.text.startswith(paragraph(3, seed=1)) and paragraph(2, seed=2) in first.text
    assert pieces(first.text) <= LIMIT
    assert first.lines == (7, 12) and first.paragraph == 2


def test_no_passage_exceeds_the_model_limit_even_with_its_context() -> None:
    for options in ({}, {"heading_context": False}, {"section_tokens": 128}):
        assert all(pieces(embedded(cut)) <= LIMIT for cut in cuts(guide(), **options))


def test_a_long_code_block_is_cut_at_line_ends_and_a_short_one_kept_whole() -> None:
    doc = guide()
    code = next(b for s in doc.sections for b in s.blocks if b.kind == "code")
    parts = [c.passage for c in cuts(doc) if c.passage.start < code.end and code.start < c.passage.end]
    assert len(parts) >= 2
    for part in parts:
        inside = (max(part.start, code.start), min(part.end, code.end))
        assert inside[0] == code.start or doc.text[inside[0] - 1] == "\n"
        assert inside[1] == code.end or doc.text[inside[1]] == "\n"
    assert (
        "".join(doc.text[max(p.start, code.start) : min(p.end, code.end)] + "\n" for p in parts).rstrip("\n")
        == doc.text[code.start : code.end]
    )
    short = [c.passage for c in cuts(doc) if c.passage.section[-1:] == ("Short code",)]
    assert len(short) == 1 and short[0].text.startswith("value_0") and short[0].text.endswith("compute(11, 12)")


def test_a_long_table_repeats_its_header_row_as_context() -> None:
    doc = guide()
    found = cuts(doc)
    table = [c for c in found if c.passage.text.startswith("opt")]
    first = next(c for c in found if c.passage.text.startswith("name | default | meaning"))
    assert table and first.context == "Guide › Options"
    assert all(c.context == "Guide › Options\nname | default | meaning" for c in table)
    assert all(pieces(embedded(c)) <= LIMIT for c in table)
    without = [c for c in cuts(doc, heading_context=False) if c.passage.text.startswith("opt")]
    assert without and all(c.context == "name | default | meaning" for c in without)


def test_small_blocks_join_a_neighbour() -> None:
    doc = guide()
    texts = [c.passage.text for c in cuts(doc)]
    assert not any(text in ("Run this:", "See also the FAQ.") for text in texts)
    assert any(text.startswith("Run this:\n\npip install package-0") for text in texts)  # an intro joins what follows
    assert any(text.endswith("# step 39\n\nSee also the FAQ.") for text in texts)  # a closing remark what precedes
    assert all(pieces(t) >= MIN_TOKENS for t in texts if not t.startswith("value_"))


def test_heading_context_embeds_the_path_and_plain_text_keeps_the_paragraph_splitter() -> None:
    doc = guide()
    assert {c.context for c in cuts(doc, heading_context=True) if c.passage.section == ("Guide", "Install")} == {
        "Guide › Install"
    }
    plain = Document(DocumentInfo("a.txt", "A", "a.txt"), "One.\n\nTwo.", "h")
    passages = split_document(plain, SplitSettings(heading_context=True), reference_encoder().token_spans)
    assert [(p.text, p.section, p.lines) for p in passages] == [("One.", (), None), ("Two.", (), None)]


def test_the_plain_baseline_ignores_sections_but_still_locates_passages() -> None:
    doc = guide()
    passages = [c.passage for c in cuts(doc, sections=False)]
    assert len(passages) > len(cuts(doc))
    assert all(p.lines is not None and p.section for p in passages)


def test_pdf_passages_never_cross_a_page() -> None:
    b = TextBuilder()
    b.heading(1, "Manual", in_text=False)
    b.block("paragraph", paragraph(1), page=1)
    b.block("paragraph", paragraph(1, seed=3), page=2)
    found = cuts(document(b, "manual.pdf"))
    assert [c.passage.page for c in found] == [1, 2] and all(c.passage.lines is None for c in found)


# The location invariant, on Markdown the real reader reads: each passage's words are found, in order,
# on the source lines it records.

_WORD = re.compile(r"[A-Za-z0-9]+")
word = st.sampled_from(WORDS)
prose = st.lists(st.lists(word, min_size=3, max_size=30).map(lambda w: " ".join(w) + "."), min_size=1, max_size=6)
block = st.one_of(
    prose.map(lambda sentences: " ".join(sentences)),
    st.lists(st.lists(word, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=60).map(
        lambda lines: "```\n" + "\n".join(lines) + "\n```"
    ),
    st.lists(st.lists(word, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=8).map(
        lambda items: "\n".join(f"- {item}" for item in items)
    ),
    st.lists(st.tuples(word, word), min_size=1, max_size=40).map(
        lambda rows: "| a | b |\n|---|---|\n" + "\n".join(f"| {x} | {y} |" for x, y in rows)
    ),
)
page = st.lists(
    st.tuples(st.integers(1, 3), st.lists(word, min_size=1, max_size=4).map(" ".join), st.lists(block, max_size=5)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page, st.booleans())
def test_each_passage_is_found_at_its_recorded_lines(sections: list[tuple[int, str, list[str]]], context: bool) -> None:
    source = "\n\n".join(f"{'#' * level} {title}\n\n" + "\n\n".join(blocks) for level, title, blocks in sections)
    reading = read_text(source)
    doc = Document(
        DocumentInfo("page.md", "Page", "page.md"), reading.text, "h", reading.content_start, reading.sections
    )
    lines = source.split("\n")
    for cut in cuts(doc, heading_context=context):
        p = cut.passage
        assert doc.text[p.start : p.end] == p.text
        assert p.lines is not None
        first, last = p.lines
        recorded = _WORD.findall("\n".join(lines[first - 1 : last]))
        wanted = _WORD.findall(p.text)
        at = 0
        for w in wanted:  # in order: each word of the passage on the recorded lines, after the one before
            at = recorded.index(w, at) + 1
        assert pieces(embedded(cut)) <= LIMIT
