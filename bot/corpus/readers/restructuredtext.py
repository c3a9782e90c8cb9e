"""reStructuredText (.rst, .rest) read with docutils, without Sphinx.

Sphinx's roles and directives are unknown to docutils, so this module teaches it just enough:
- every role docutils does not know reads as its text: `:class:`~a.b.Client`` -> "Client",
  `:ref:`the guide <target>`` -> "the guide", `:func:`x`` -> "x" (`:pep:` and `:rfc:` are docutils' own);
- `versionadded`, `versionchanged`, `deprecated` and `seealso` are admonitions titled "Added in version 2.0",
  "Changed in version 2.0", "Deprecated since version 2.0", "See also"; `code-block`, `sourcecode` and
  `code` are code; object descriptions (`py:data`, `function`, `class`, ...) are their signature and text;
- `toctree`, `auto*` (autodoc), `include`, `literalinclude`, `currentmodule`, `index` and the like are skipped;
- any other directive keeps its content, parsed as reStructuredText (tabs and the like), and never fails.

docutils' system messages are silenced (report level 5, nothing written to standard error); what they
report on (an unknown substitution, a broken reference) stays as its source text.
Line numbers come from the nodes' `.line` (the line of a node without one is its neighbour's).
Field lists at the top of the document (`:date: 2024-01-01`) become metadata.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, ClassVar

from docutils import nodes, utils
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles

from bot.corpus.readers.layout import Reading, TextBuilder

_EXPLICIT_TITLE = re.compile(r"(.*?)\s*<(.*)>\s*", re.DOTALL)
# What docutils could not resolve keeps its source; this is its readable part: `text`_, name_, |name|.
_UNRESOLVED = re.compile(r"`(.+)`_{1,2}|(\S+?)_{1,2}|\|(.+)\|", re.DOTALL)
_VERSION_NOTES = {
    "versionadded": "Added in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
    "versionremoved": "Removed in version",
    "seealso": "See also",
}
_SKIPPED = {
    "toctree", "include", "literalinclude", "currentmodule", "module", "highlight", "index", "tabularcolumns",
    "autosummary", "sectionauthor", "moduleauthor", "codeauthor", "rst-class", "default-domain", "graphviz",
    "digraph", "graph", "inheritance-diagram", "mermaid", "uml", "productionlist", "contents", "raw", "automodule",
}  # fmt: skip
_DESCRIPTIONS = {
    "data", "function", "class", "method", "classmethod", "staticmethod", "attribute", "property", "exception",
    "decorator", "decoratormethod", "envvar", "option", "confval", "describe", "object", "program", "cmdoption",
    "setting", "event",
}  # fmt: skip
_ADMONITIONS = (nodes.Admonition,)
_LIST_NODES = (nodes.bullet_list, nodes.enumerated_list, nodes.definition_list, nodes.field_list, nodes.option_list)
_NOT_PROSE = (nodes.literal_block, nodes.doctest_block, nodes.table, nodes.section)
_SILENT = (
    nodes.comment, nodes.target, nodes.substitution_definition, nodes.system_message, nodes.raw, nodes.image,
    nodes.pending, nodes.transition, nodes.docinfo, nodes.meta,
)  # fmt: skip
_SETTINGS = {
    "report_level": 5,
    "halt_level": 5,
    "doctitle_xform": False,
    "sectsubtitle_xform": False,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "syntax_highlight": "none",
    "smart_quotes": False,
    "input_encoding": "unicode",
    "embed_stylesheet": False,
}


def read(raw: bytes) -> Reading:
    """Read reStructuredText bytes (UTF-8, BOM allowed). Raises UnicodeDecodeError on other encodings."""
    source = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    _teach_docutils()
    tree = publish_doctree(source, settings_overrides={**_SETTINGS, "warning_stream": io.StringIO()})
    for problem in list(tree.findall(nodes.problematic)):
        text = problem.astext()
        found = _UNRESOLVED.fullmatch(text)
        readable = next(group for group in found.groups() if group) if found else text
        problem.parent.replace(problem, nodes.Text(readable))
    builder = TextBuilder()
    walker = _Walker(builder)
    walker.walk(tree, depth=0)
    return builder.reading(builder.top_heading, _docinfo(tree))


def _docinfo(tree: nodes.document) -> dict[str, str]:
    """Bibliographic fields at the top (`:date:`, `:author:`, any `:name: value`) as metadata."""
    meta: dict[str, str] = {}
    for info in tree.findall(nodes.docinfo):
        for field in info.children:
            if isinstance(field, nodes.field) and len(field.children) == 2:
                meta[field.children[0].astext().strip().lower()] = field.children[1].astext().strip()
            elif isinstance(field, nodes.Element):
                meta[field.tagname.lower()] = field.astext().strip()
    return meta


# Roles and directives -------------------------------------------------------------------------------


def _role_text(name: str, text: str) -> str:
    """What Sphinx would show for a cross-reference role: the explicit title, else the target
    (`~a.b.c` shows "c", a leading `!` goes)."""
    text = utils.unescape(text)
    explicit = _EXPLICIT_TITLE.fullmatch(text)
    if explicit:
        return explicit.group(1) or explicit.group(2)
    text = text.lstrip("!")
    if name.split(":")[-1] == "doc":  # Sphinx shows the document's title; its name is the nearest
        return text.rstrip("/").rsplit("/", 1)[-1]
    if text.startswith("~"):
        text = text[1:].rsplit(".", 1)[-1]
    return text


def _generic_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    return [nodes.literal(rawtext, _role_text(name, text))], []


class _AnyOptions(dict[str, Any]):
    """An option spec that accepts every option (Sphinx directives have many; none matters here)."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __bool__(self) -> bool:
        return True


class _Skip(Directive):
    has_content = True
    optional_arguments = 99
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        return []


class _Code(_Skip):
    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        block = nodes.literal_block(code, code)
        block.line = self.content_offset + 1
        return [block]


class _Container(_Skip):
    """Content parsed as reStructuredText; the arguments (a tab's label) go."""

    def run(self) -> list[nodes.Node]:
        container = nodes.container("\n".join(self.content))
        container.line = self.lineno
        self.state.nested_parse(self.content, self.content_offset, container)
        return [container]


class _Description(_Skip):
    """An object description: its signature as a line of code, then its text."""

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        container.line = self.lineno
        signature = " ".join(self.arguments)
        if signature:
            line = nodes.paragraph(signature, "", nodes.literal(signature, signature))
            line.line = self.lineno
            container += line
        self.state.nested_parse(self.content, self.content_offset, container)
        return [container]


class _VersionNote(_Skip):
    """versionadded / versionchanged / deprecated / seealso: an admonition with Sphinx's title."""

    def run(self) -> list[nodes.Node]:
        version, _, rest = " ".join(self.arguments).partition(" ")
        name = self.name.split(":")[-1]
        heading = _VERSION_NOTES[name] + ("" if name == "seealso" else f" {version}")
        note = nodes.admonition("\n".join(self.content))
        note.line = self.lineno
        note += nodes.title(heading, heading)
        if name == "seealso" and version:
            rest = f"{version} {rest}".strip()
        if rest:
            text_nodes, _ = self.state.inline_text(rest, self.lineno)
            note += nodes.paragraph(rest, "", *text_nodes)
        self.state.nested_parse(self.content, self.content_offset, note)
        return [note]


def _directive_for(name: str) -> type[Directive] | None:
    """Our stand-in for a Sphinx directive (`py:data` is `data`), or None to keep docutils' own."""
    short = name.lower().split(":")[-1]
    if short in _VERSION_NOTES:
        return _VersionNote
    if short in {"code-block", "sourcecode", "code"}:
        return _Code
    if short in _SKIPPED or short.startswith("auto"):
        return _Skip
    if short in _DESCRIPTIONS or ":" in name:
        return _Description
    return None


@cache
def _teach_docutils() -> None:
    """Make docutils read Sphinx sources: stand-ins for Sphinx's directives, and every role it does
    not know read as its text. (docutils' lookups are module functions; they are wrapped once.)"""
    find_role, find_directive = roles.role, directives.directive

    def role(role_name: str, language_module: Any, lineno: int, reporter: Any) -> tuple[Any, list[Any]]:
        found, messages = find_role(role_name, language_module, lineno, reporter)
        return (found, messages) if found is not None else (_generic_role, [])

    def directive(directive_name: str, language_module: Any, document: Any) -> tuple[Any, list[Any]]:
        ours = _directive_for(directive_name)
        if ours is not None:
            return ours, []
        found, messages = find_directive(directive_name, language_module, document)
        return (found, messages) if found is not None else (_Container, [])

    roles.role = role
    directives.directive = directive


# Walking the tree -----------------------------------------------------------------------------------


class _Walker:
    """Lays the doctree out in a TextBuilder, keeping track of the last source line seen."""

    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder
        self.line = 1

    def walk(self, node: nodes.Element, depth: int, prose: str | None = None) -> None:
        for child in node.children:
            if isinstance(child, nodes.Element):
                self.visit(child, depth, prose)

    def visit(self, node: nodes.Element, depth: int, prose: str | None) -> None:
        if isinstance(node, _SILENT) or "contents" in node.get("classes", ()):
            return
        if isinstance(node, nodes.section):
            title = node.next_node(nodes.title)
            self.lines(title if title is not None else node)
            anchors = node.get("ids") or [None]
            self.builder.heading(depth + 1, _inline(title) if title is not None else "", anchors[0])
            self.walk(node, depth + 1)
            return
        if isinstance(node, nodes.title):
            return  # a section's own title (handled above)
        kind = _kind(node)
        if kind is None:  # a container: its children are laid out one by one
            self.walk(node, depth, prose)
        elif kind in {"list", "quote", "admonition"} and _holds_more_than_prose(node):
            title = _admonition_title(node)
            if title:
                first = self.lines(node)[0]
                self.builder.block(kind, title, (first, first))
            for child in _items(node):
                if _is_item(child):
                    self.walk(child, depth, kind)
                else:
                    self.visit(child, depth, kind)
        else:
            own = prose if prose and kind in {"paragraph", "list", "quote", "admonition"} else kind
            self.builder.block(own, _text(node), self.lines(node))

    def lines(self, node: nodes.Element) -> tuple[int, int]:
        """First and last source lines of a node; a node docutils gives no line takes its neighbour's."""
        known = [n.line for n in node.findall(include_self=True) if getattr(n, "line", None)]
        first = known[0] if known else self.line
        if isinstance(node, nodes.paragraph | nodes.literal_block | nodes.doctest_block | nodes.title):
            last = first + node.rawsource.strip("\n").count("\n") if node.rawsource else first
        else:
            last = max(known, default=first)
            for inner in node.findall(lambda n: isinstance(n, nodes.paragraph | nodes.literal_block)):
                if getattr(inner, "line", None) == last and inner.rawsource:
                    last += inner.rawsource.strip("\n").count("\n")
        first, last = max(first, 1), max(first, last)
        self.line = last
        return first, last


def _kind(node: nodes.Element) -> str | None:
    if isinstance(node, nodes.paragraph | nodes.rubric | nodes.line_block | nodes.caption | nodes.term):
        return "paragraph"
    if isinstance(node, nodes.literal_block | nodes.doctest_block):
        return "code"
    if isinstance(node, _LIST_NODES):
        return "list"
    if isinstance(node, nodes.table):
        return "table"
    if isinstance(node, _ADMONITIONS):
        return "admonition"
    if isinstance(node, nodes.block_quote):
        return "quote"
    if isinstance(node, nodes.footnote | nodes.citation | nodes.field_name):
        return "paragraph"
    return None


def _holds_more_than_prose(node: nodes.Element) -> bool:
    return any(isinstance(inner, _NOT_PROSE) for inner in node.findall(include_self=False))


def _is_item(node: nodes.Element) -> bool:
    return isinstance(
        node, nodes.list_item | nodes.definition_list_item | nodes.definition | nodes.field | nodes.field_body
    )


def _items(node: nodes.Element) -> Iterator[nodes.Element]:
    """A container's children, its title left out."""
    for child in node.children:
        if isinstance(child, nodes.Element) and not isinstance(child, nodes.title):
            yield child


def _admonition_title(node: nodes.Element) -> str:
    if not isinstance(node, _ADMONITIONS):
        return ""
    title = node.next_node(nodes.title)
    if title is not None and title.parent is node:
        return _inline(title)
    return node.tagname.replace("_", " ").title() if node.tagname != "admonition" else ""


def _inline(node: nodes.Node) -> str:
    """Readable text of inline content, whitespace runs as one space."""
    return " ".join(node.astext().split())


def _text(node: nodes.Element) -> str:
    """The readable text of a block and everything in it."""
    if isinstance(node, nodes.literal_block | nodes.doctest_block):
        return node.astext()
    if isinstance(node, nodes.line_block):
        return "\n".join(_inline(line) for line in node.findall(nodes.line))
    if isinstance(node, nodes.table):
        return "\n".join(
            " | ".join(_inline(entry) for entry in row.children if isinstance(entry, nodes.entry))
            for row in node.findall(nodes.row)
        )
    if isinstance(node, _ADMONITIONS):
        return _join([_admonition_title(node), *(_text(child) for child in _items(node))], "\n\n")
    if isinstance(node, nodes.block_quote):
        return _join([_text(child) for child in _items(node)], "\n\n")
    if isinstance(node, nodes.TextElement):
        return _inline(node)
    if isinstance(node, _SILENT):
        return ""
    # lists, their items, definitions, fields, containers: one line a part
    return _join([_text(child) for child in node.children if isinstance(child, nodes.Element)], "\n")


def _join(parts: list[str], separator: str) -> str:
    return separator.join(part for part in parts if part.strip())
