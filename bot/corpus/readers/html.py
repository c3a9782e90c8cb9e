"""HTML (.html, .htm) read with lxml.

Why lxml: it gives each element's source line (`sourceline`), which a block's `lines` need, and it
is fast enough. selectolax (lexbor) parsed and walked the 37 Sphinx pages of bench/docsets/html-click
(1.5 MB) in 60 ms against lxml's 159 ms, but it exposes no source positions; 4 ms a page is nothing
next to embedding the page's passages.

Only the main content is read: the first of `main`, `[role=main]`, `article`, `div.body`,
`div.document`, else `body`. Navigation, headers, footers, asides, sidebars (`.sphinxsidebar`,
`.related`), tables of contents, scripts, styles, forms and the headerlink anchors (the ¶ signs) go.
`h1`-`h6` open sections (anchor: the heading's id, else its section's); `pre` is code; `table` a table
(rows as "a | b | c" lines); `ul`/`ol`/`dl` lists; `blockquote` a quote; `div.admonition` (and
Sphinx's note, warning, seealso ...) an admonition. The title is the first `h1` of the main content,
else the page's `title`. Inline text has its whitespace runs collapsed to one space.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
from lxml import etree

from bot.corpus.readers.layout import Reading, TextBuilder

_MAIN = (
    "//main",
    "//*[@role='main']",
    "//article",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' body ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' document ')]",
    "//body",
)
_CLASSES_DROPPED = ("sphinxsidebar", "related", "headerlink", "toctree-wrapper", "sidebar", "navigation")
_TAGS_DROPPED = {"nav", "header", "footer", "script", "style", "noscript", "template", "form", "button", "svg",
                 "iframe", "object", "img", "input", "select", "textarea", "head"}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CONTAINERS = {"div", "section", "article", "main", "figure", "details", "body", "html", "center", "aside",
               "fieldset", "address", "hgroup", "summary", "figcaption", "caption"}  # fmt: skip
_BLOCKS = {"p", "pre", "ul", "ol", "dl", "table", "blockquote", "hr", "li", "dt", "dd", *_HEADINGS, *_CONTAINERS}
_ADMONITION_CLASSES = {"admonition", "note", "warning", "seealso", "tip", "important", "caution", "danger",
                       "attention", "hint", "error", "versionadded", "versionchanged", "deprecated"}  # fmt: skip
_NOT_PROSE = {"pre", "table", *_HEADINGS}


def read(raw: bytes) -> Reading:
    """Read HTML bytes (the encoding from the page's meta tag, else UTF-8 when it decodes as such)."""
    if not raw.strip():
        return Reading("", ())
    try:
        raw.decode("utf-8")
        parser = lxml.html.HTMLParser(encoding="utf-8")
    except UnicodeDecodeError:
        parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(raw, parser=parser)
    except etree.ParserError:  # "Document is empty"
        return Reading("", ())
    page_title = " ".join(root.findtext(".//title", default="").split()) or None
    main = _main(root)
    _drop_chrome(main)
    builder = TextBuilder()
    _Walker(builder).container(main, None)
    first_h1 = next((" ".join(h.text_content().split()) for h in main.iter("h1")), None)
    return builder.reading(first_h1 or page_title)


def _classes(element: lxml.html.HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _main(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for path in _MAIN:
        found = root.xpath(path)
        if found:
            return found[0]
    return root


def _drop_chrome(main: lxml.html.HtmlElement) -> None:
    """Remove what is not the page's own content (keeping the text that follows each removed element)."""
    doomed = []
    for element in main.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            doomed.append(element)
            continue
        classes = _classes(element)
        chrome = element.tag in _TAGS_DROPPED or classes.intersection(_CLASSES_DROPPED)
        if chrome or element.get("role") == "navigation" or (element.tag == "aside" and not _is_admonition(element)):
            doomed.append(element)
    for element in doomed:
        if element is not main and element.getparent() is not None:
            element.drop_tree()


def _inline(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _lines(element: lxml.html.HtmlElement) -> tuple[int, int] | None:
    first = element.sourceline
    if first is None:
        return None
    last = max((e.sourceline or first for e in element.iter()), default=first)
    if element.tag == "pre":
        last = max(last, first + element.text_content().rstrip("\n").count("\n"))
    return first, last


def _anchor(heading: lxml.html.HtmlElement) -> str | None:
    if heading.get("id"):
        return heading.get("id")
    parent = heading.getparent()
    while parent is not None and parent.get("id") is None:
        parent = parent.getparent() if parent.tag not in {"body", "main", "article"} else None
    return parent.get("id") if parent is not None else None


def _is_admonition(element: lxml.html.HtmlElement) -> bool:
    return element.tag in {"div", "aside"} and bool(_classes(element).intersection(_ADMONITION_CLASSES))


def _holds_more_than_prose(element: lxml.html.HtmlElement) -> bool:
    return any(e.tag in _NOT_PROSE or (e.tag == "dl" and element.tag == "dl") for e in element.iterdescendants())


class _Walker:
    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder

    def container(self, element: lxml.html.HtmlElement, prose: str | None) -> None:
        """Lay out an element's children; loose text between block children becomes paragraphs."""
        run: list[str] = [element.text or ""]
        run_line = element.sourceline
        for child in element:
            if child.tag in _BLOCKS:
                self.paragraph(run, run_line, prose)
                self.block(child, prose)
                run, run_line = [], child.sourceline
            elif child.tag == "br":
                run.append("\n")
            else:
                run.append(child.text_content())
            run.append(child.tail or "")
        self.paragraph(run, run_line, prose)

    def paragraph(self, run: list[str], line: int | None, prose: str | None) -> None:
        text = "\n".join(" ".join(part.split()) for part in "".join(run).split("\n"))
        if text.strip():
            self.builder.block(prose or "paragraph", text, (line, line) if line else None)

    def block(self, element: lxml.html.HtmlElement, prose: str | None) -> None:
        tag = element.tag
        if tag in _HEADINGS:
            self.builder.heading(_HEADINGS[tag], _inline(element), _anchor(element))
        elif tag == "pre":
            self.builder.block("code", element.text_content(), _lines(element))
        elif tag == "table":
            self.builder.block("table", _table(element), _lines(element))
        elif _is_admonition(element) or tag == "blockquote":
            kind = "quote" if tag == "blockquote" else "admonition"
            if _holds_more_than_prose(element):
                self.container(element, kind)
            else:
                self.builder.block(kind, _join(_parts(element), "\n\n"), _lines(element))
        elif tag in {"ul", "ol", "dl"}:
            if _holds_more_than_prose(element):
                for item in element:
                    self.container(item, "list")
            else:
                self.builder.block("list", _join(_list_lines(element), "\n"), _lines(element))
        elif tag in _CONTAINERS or tag in {"li", "dt", "dd"}:
            self.container(element, prose)
        elif tag == "p":
            self.builder.block(prose or "paragraph", _inline(element), _lines(element))


def _join(parts: Iterator[str] | list[str], separator: str) -> str:
    return separator.join(part for part in parts if part.strip())


def _parts(element: lxml.html.HtmlElement) -> Iterator[str]:
    """The readable parts of a prose container: loose text, and each block child's text."""
    yield " ".join((element.text or "").split())
    for child in element:
        if child.tag in {"ul", "ol", "dl"}:
            yield _join(_list_lines(child), "\n")
        elif child.tag in _BLOCKS and child.tag not in {"p", "li", "dt", "dd"}:
            yield _join(_parts(child), "\n\n")
        else:
            yield _inline(child)
        yield " ".join((child.tail or "").split())


def _list_lines(element: lxml.html.HtmlElement) -> Iterator[str]:
    """One line per item (a nested list's items on lines of their own)."""
    for item in element:
        if item.tag not in {"li", "dt", "dd"}:
            continue
        own = [item.text or ""]
        nested = []
        for child in item:
            if child.tag in {"ul", "ol", "dl"}:
                nested.append(child)
            else:
                own.append(child.text_content())
            own.append(child.tail or "")
        yield " ".join("".join(own).split())
        for inner in nested:
            yield from _list_lines(inner)


def _table(element: lxml.html.HtmlElement) -> str:
    rows = []
    for row in element.iter("tr"):
        cells = [_inline(cell) for cell in row if cell.tag in {"td", "th"}]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)
