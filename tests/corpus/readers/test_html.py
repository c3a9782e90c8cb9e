"""The HTML reader: main content only, structure from the tags."""

from __future__ import annotations

from bot.corpus.readers.html import read
from tests.corpus.readers.invariants import blocks, check

PAGE = """\
<!DOCTYPE html>
<html><head><title>Options — Demo 1.0</title><style>body {color: red}</style>
<script>var x = 1;</script></head>
<body>
<div class="related" role="navigation"><ul><li><a href="#">index</a></li></ul></div>
<header>Site header</header>
<div class="document"><div class="body" role="main">
<section id="options">
<h1>Options<a class="headerlink" href="#options">¶</a></h1>
<p>Use <code>--name</code> to set the <a href="#">name</a>.</p>
<section id="basic">
<h2>Basic <em>usage</em><a class="headerlink" href="#basic">¶</a></h2>
<div class="admonition note"><p class="admonition-title">Note</p><p>Mind the gap.</p></div>
<div class="highlight"><pre>@click.option('--n')

def f(n):
    pass</pre></div>
<ul><li><p>first</p></li><li>second<ul><li>nested</li></ul></li></ul>
<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>
<blockquote><p>Quoted.</p></blockquote>
Loose text at the end.
</section></section>
</div></div>
<div class="sphinxsidebar"><h3>Navigation</h3><p>Sidebar text</p></div>
<footer>© Footer</footer>
</body></html>
"""


def test_main_content_only() -> None:
    text = read(PAGE.encode()).text
    for chrome in ("index", "Site header", "Sidebar", "Navigation", "Footer", "¶", "color", "var x"):
        assert chrome not in text, chrome


def test_structure_title_and_anchors() -> None:
    reading = read(PAGE.encode())
    assert reading.title == "Options" and reading.content_start == len("Options")
    assert [(s.path, s.anchor) for s in reading.sections] == [
        (("Options",), "options"),
        (("Options", "Basic usage"), "basic"),
    ]
    found = [(b.kind, reading.text[b.start : b.end]) for b in blocks(reading)]
    assert found == [
        ("paragraph", "Use --name to set the name."),
        ("admonition", "Note\n\nMind the gap."),
        ("code", "@click.option('--n')\n\ndef f(n):\n    pass"),
        ("list", "first\nsecond\nnested"),
        ("table", "a | b\n1 | 2"),
        ("quote", "Quoted."),
        ("paragraph", "Loose text at the end."),
    ]
    check(reading, PAGE.splitlines())


def test_title_falls_back_to_the_title_tag_and_empty_pages_are_empty() -> None:
    assert read(b"<html><head><title>Only a title</title></head><body><p>Text.</p></body></html>").title == (
        "Only a title"
    )
    assert read(b"").text == "" and read(b"   ").text == ""


def test_latin1_page_with_meta_charset() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'.encode("latin-1")
    assert read(page).text == "café"
