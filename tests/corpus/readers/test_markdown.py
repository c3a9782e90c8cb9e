"""The Markdown reader on MkDocs Material markup, its invariants on generated documents."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corpus.readers.markdown import read, slugify
from tests.corpus.readers.invariants import block_texts, blocks, check

SAMPLE = """\
---
title: Dependencies
url: https://example.org/deps
date: 2024-05-01
tags: [a, b]
---
# Dependencies { #deps }

Use `Depends` here, see [the guide](guide.md) and [`BaseModel`][pydantic.BaseModel] or [ValueError][].
A second line <span class="x">with inline HTML</span>.

<div class="grid cards" markdown>
<p>raw html block</p>
</div>

{% include "snippet.html" %}
{{ version }}
--8<-- "docs/snippet.md"
{! docs/include.md !}

::: pydantic.main.BaseModel
    options:
        show_root_heading: true

## Sub-dependencies!

!!! note "A *titled* note"
    Note body with `code`.

    Second paragraph of the note.

??? tip
    Collapsed tip.

/// warning | Careful now
Block body.
///

/// version-added | v2.7
Added things.
///

=== "Python 3.10+"

    Tab content paragraph.

    ```python
    def f():
        return 1


    print(f())
    ```

=== "Python 3.9"

    Other tab.

| Name | Meaning |
| ---- | ------- |
| a    | first   |
| b    | `second` |

Term
:   Definition of the term.

* item one
* item two
    * nested item

> A quoted line.

```
fenced

with blank lines
```

### Same title
### Same title

Final paragraph.
{#para-id}
"""


def test_front_matter_title_and_anchors() -> None:
    reading = read(SAMPLE.encode())
    assert reading.meta["title"] == "Dependencies" and reading.meta["url"] == "https://example.org/deps"
    assert reading.meta["date"] == "2024-05-01" and "tags" not in reading.meta
    assert reading.title == "Dependencies" and reading.text.startswith("Dependencies\n\n")
    assert reading.content_start == len("Dependencies")
    assert [section.anchor for section in reading.sections if section.heading] == [
        "deps",
        "sub-dependencies",
        "same-title",
        "same-title_1",
    ]
    assert reading.sections[1].path == ("Dependencies", "Sub-dependencies!")


def test_markup_goes_and_its_text_stays() -> None:
    text = read(SAMPLE.encode()).text
    assert "Use Depends here, see the guide and BaseModel or ValueError." in text
    assert "A second line with inline HTML." in text
    for markup in ("{ #", "{#", "///", "!!!", "???", "===", ":::", "{%", "{{", "--8<--", "{!", "<div", "<p>", "`"):
        assert markup not in text, markup
    assert "raw html block" not in text and "show_root_heading" not in text


def test_block_kinds() -> None:
    reading = read(SAMPLE.encode())
    found = set(block_texts(reading))
    assert found >= {
        ("admonition", "A titled note\n\nNote body with code.\n\nSecond paragraph of the note."),
        ("admonition", "Tip\n\nCollapsed tip."),
        ("admonition", "Careful now\n\nBlock body."),
        ("admonition", "Added in v2.7\n\nAdded things."),
        ("paragraph", "Tab content paragraph."),  # tabs keep their content, not their label
        ("code", "def f():\n    return 1\n\n\nprint(f())"),  # one block, blank lines kept
        ("code", "fenced\n\nwith blank lines"),
        ("table", "Name | Meaning\na | first\nb | second"),
        ("list", "Term\nDefinition of the term."),
        ("list", "item one\nitem two\nnested item"),
        ("quote", "A quoted line."),
        ("paragraph", "Final paragraph."),
    }
    assert "Python 3.10+" not in reading.text


def test_invariants_and_source_lines_on_the_sample() -> None:
    check(read(SAMPLE.encode()), SAMPLE.splitlines())


def test_a_list_holding_code_is_laid_out_block_by_block() -> None:
    source = "* First item:\n\n    ```python\n    x = 1\n\n\n    y = 2\n    ```\n\n* Second item.\n"
    reading = read(source.encode())
    assert [(b.kind, reading.text[b.start : b.end]) for b in blocks(reading)] == [
        ("list", "First item:"),
        ("code", "x = 1\n\n\ny = 2"),
        ("list", "Second item."),
    ]
    check(reading, source.splitlines())


def test_garbage_front_matter_is_tolerated() -> None:
    reading = read(b"---\ntitle: [unclosed\nurl: http://x\n---\nBody.\n")
    assert reading.meta["url"] == "http://x" and reading.text == "Body."


def test_no_heading_no_title_and_crlf() -> None:
    reading = read(b"\xef\xbb\xbfPlain words.\r\n\r\nMore words.\r\n")
    assert reading.title is None and reading.text == "Plain words.\n\nMore words." and reading.content_start == 0
    assert [b.lines for b in blocks(reading)] == [(1, 1), (3, 3)]


def test_slugify_like_mkdocs() -> None:
    taken: set[str] = set()
    assert slugify("Hello, World: the `API`!", taken) == "hello-world-the-api"
    assert slugify("Hello, World: the `API`!", taken) == "hello-world-the-api_1"
    assert slugify("Café  déjà-vu", taken) == "cafe-deja-vu"


# Generated documents: pieces of Markdown in any order keep the invariants.
_WORDS = st.lists(st.sampled_from(["alpha", "beta", "`gamma`", "*delta*", "**eps**", "[link](x)", "zeta."]), min_size=1)
_PIECES = st.one_of(
    _WORDS.map(lambda w: " ".join(w)),
    _WORDS.map(lambda w: "#" * (len(w) % 6 + 1) + " " + " ".join(w)),
    _WORDS.map(lambda w: "\n".join("* " + x for x in w)),
    _WORDS.map(lambda w: "```\n" + "\n\n".join(w) + "\n```"),
    _WORDS.map(lambda w: '!!! note "' + w[0] + '"\n' + "\n\n".join("    " + x for x in w)),
    _WORDS.map(lambda w: '=== "Tab"\n\n' + "\n\n".join("    " + x for x in w)),
    _WORDS.map(lambda w: "/// tip | T\n" + " ".join(w) + "\n///"),
    _WORDS.map(lambda w: "| h | i |\n| - | - |\n" + "\n".join(f"| {x} | {x} |" for x in w)),
    _WORDS.map(lambda w: "> " + " ".join(w)),
    st.sampled_from(["{{ x }}", "{% if a %}", "::: a.b", '--8<-- "f"', "<div>html</div>", "---", "***", ""]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=12))
def test_generated_documents_keep_the_invariants(pieces: list[str]) -> None:
    source = "\n\n".join(pieces) + "\n"
    reading = read(source.encode())
    check(reading, source.splitlines(), found_share=0.9)
    for markup in ("///", "{{", "{%", ":::", "<div", "!!!"):
        assert markup not in reading.text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #*-`>|:!?=/{}%[]()_\n\t ")), max_size=300))
def test_any_text_reads_without_error_and_keeps_the_invariants(source: str) -> None:
    check(read(source.encode()))
