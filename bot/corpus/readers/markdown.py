"""Markdown (.md, .markdown, .mdx), MkDocs Material flavour, read with markdown-it-py.

Kept: headings (anchor from `{ #id }` or slugified like MkDocs' toc), paragraphs, lists, definition
lists, tables (rows as "a | b | c" lines), fenced and indented code (verbatim, one block), block
quotes, admonitions (`!!! note "Title"`, `??? tip`, pymdownx `/// note | Title`), content of tabs
(`=== "Tab"`, `/// tab | Tab`). Inline markup goes, its text stays: "Use `Depends` here" reads
"Use Depends here"; a soft line break reads as a space.
Dropped, not prose: front matter (it becomes metadata), HTML blocks and inline tags (the text
between inline tags stays), images, attribute lists (`{ #id .class }`), and lines that only hold
Jinja tags (`{% ... %}`, `{{ ... }}`), snippet includes (`--8<-- "file"`, `{! file !}`) or an
mkdocstrings stub (`::: package.module` and its indented options). Includes are not resolved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from bot.corpus.readers.layout import Reading, TextBuilder

# An attribute list of MkDocs' attr_list: "{ #id .class key=value }", "{: #id }".
_ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*(?:[#.][\w:-]+|[\w-]+=\S+)(?:[ \t]+(?:[#.][\w:-]+|[\w-]+=\S+))*[ \t]*\}")
_ATTR_ID = re.compile(r"#([\w:-]+)")
# Lines that are templates or includes, not Markdown. An mkdocstrings stub also takes its indented options.
_TEMPLATE_LINE = re.compile(r"(?:\{%.*%\}|\{\{.*\}\}|--8<--.*|\{!.*!\})[.,;:]?")
_TEMPLATE_OPENS = re.compile(r"\{%(?!.*%\})")  # a Jinja tag going on over several lines
_STUB = re.compile(r":::[ \t]+[\w.]+[ \t]*")
_TAB = re.compile(r"===[!+]?[ \t]+\"(.*)\"[ \t]*")
_ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]+([\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+\"(.*)\")?[ \t]*")
_VERSION_NOTES = {"version-added": "Added in", "version-changed": "Changed in", "deprecated": "Deprecated in"}
_TRANSPARENT_BLOCKS = {"tab", "html", "caption", "define"}  # pymdownx blocks whose content is just content


def read(raw: bytes) -> Reading:
    """Read Markdown bytes (UTF-8, BOM allowed). Raises UnicodeDecodeError on other encodings."""
    source = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return read_text(source)


def read_text(source: str, builder: TextBuilder | None = None, slugs: set[str] | None = None) -> Reading:
    """Read Markdown source; with `builder`, append to it instead (a notebook's cells share one builder
    and one set of anchors) and return an empty Reading."""
    own = builder is None
    builder = builder or TextBuilder()
    front: dict[str, str] = {}
    tree = SyntaxTreeNode(_parser().parse(source, {"references": _AnyReference()}))
    slugs = set() if slugs is None else slugs
    for node in tree.children:
        if node.type == "front_matter":
            front.update(parse_front_matter(node.content))
        else:
            _emit(node, builder, slugs)
    if not own:
        return Reading("", ())
    return builder.reading(builder.top_heading, front)


class _AnyReference(dict[str, Any]):
    """Reference definitions where every label resolves: mkdocs-autorefs' `[text][pydantic.x]` and
    `[ValueError][]` point into API pages the corpus does not define, yet read as their text."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key) or {"href": "", "title": ""}


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    md.use(front_matter_plugin).use(deflist_plugin)
    md.use(container_plugin, name="blocks", marker="/", validate=lambda *_: True)
    md.block.ruler.before("fence", "template_line", _template_line, {"alt": ["paragraph", "reference", "list"]})
    md.block.ruler.before("fence", "tab", _indented("tab", _TAB), {"alt": ["paragraph"]})
    md.block.ruler.before("fence", "admonition", _indented("admonition", _ADMONITION), {"alt": ["paragraph"]})
    return md


def parse_front_matter(content: str) -> dict[str, str]:
    """YAML front matter as lower-case keys and string values; garbage falls back to `key: value` lines."""
    import yaml

    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        data = {}
        for line in content.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip() and not key.startswith((" ", "\t")):
                data[key.strip()] = value.strip().strip("'\"")
    return {
        str(key).lower(): value.isoformat() if hasattr(value, "isoformat") else str(value)
        for key, value in data.items()
        if value is not None and not isinstance(value, dict | list)
    }


def slugify(text: str, taken: set[str]) -> str:
    """An anchor like MkDocs' toc: ASCII, lower case, punctuation dropped, spaces to '-', unique (_1, _2)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_text).strip().lower())
    unique, number = slug, 0
    while unique in taken:
        number += 1
        unique = f"{slug}_{number}"
    taken.add(unique)
    return unique


def _line(state: StateBlock, number: int) -> str:
    return state.src[state.bMarks[number] + state.tShift[number] : state.eMarks[number]]


def _template_line(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block rule: swallow template / include lines and mkdocstrings stubs (they are not prose)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    text = _line(state, start).rstrip()
    stub = _STUB.fullmatch(text)
    if not (stub or _TEMPLATE_LINE.fullmatch(text) or _TEMPLATE_OPENS.match(text)):
        return False
    if silent:
        return True
    line = start + 1
    if stub:  # its options are the indented lines below it
        while line < end and (state.isEmpty(line) or state.sCount[line] > state.sCount[start]):
            line += 1
        while line > start + 1 and state.isEmpty(line - 1):
            line -= 1
    elif _TEMPLATE_OPENS.match(text):
        while line < end and "%}" not in _line(state, line - 1):
            line += 1
    token = state.push("template", "", 0)
    token.map = [start, line]
    state.line = line
    return True


def _indented(name: str, opener: re.Pattern[str]) -> Any:
    """A block rule for a container opened by a line matching `opener` and holding the lines indented
    4 more below it, blank lines included (as Python-Markdown reads admonitions and MkDocs Material
    tabs; mdit-py-plugins' admonitions end at two blank lines, which cuts PEP 8 code in two)."""

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.sCount[start] - state.blkIndent >= 4:
            return False
        found = opener.fullmatch(_line(state, start).rstrip())
        if found is None:
            return False
        if silent:
            return True
        indent = state.sCount[start] + 4
        line = start + 1
        while line < end and (state.isEmpty(line) or state.sCount[line] >= indent):
            line += 1
        while line > start + 1 and state.isEmpty(line - 1):
            line -= 1
        token = state.push(f"{name}_open", "div", 1)
        token.info, token.map, token.block = _opener_title(found), [start, line], True
        old_indent, old_parent, old_max = state.blkIndent, state.parentType, state.lineMax
        state.blkIndent, state.parentType, state.lineMax = indent, name, line
        state.md.block.tokenize(state, start + 1, line)
        state.blkIndent, state.parentType, state.lineMax = old_indent, old_parent, old_max
        state.push(f"{name}_close", "div", -1).block = True
        state.line = line
        return True

    return rule


def _opener_title(found: re.Match[str]) -> str:
    """The title of a tab (its label) or an admonition: its quoted title, else its type ("note" -> "Note")."""
    if found.re is _TAB:
        return _inline_source(found.group(1))
    kind, title = found.group(1), found.group(2)
    return _inline_source(title) if title is not None else kind.split()[0].title()


def _inline_source(source: str) -> str:
    """The readable text of a line of inline Markdown (a title in quotes)."""
    tokens = _parser().parseInline(source, {"references": _AnyReference()})
    return _inline(SyntaxTreeNode(tokens).children[0]).strip() if tokens else ""


def _lines(node: SyntaxTreeNode) -> tuple[int, int] | None:
    if not node.map:
        return None
    first, after = node.map
    return first + 1, max(first + 1, after)


def _emit(node: SyntaxTreeNode, builder: TextBuilder, slugs: set[str], prose: str | None = None) -> None:
    """Add one node to the builder. Inside a container whose content is not all prose, `prose` is the
    container's kind, given to its paragraphs and simple lists (code, tables ... keep their own)."""
    kind = node.type
    if kind == "heading":
        text, attrs = _heading_text(node)
        found = _ATTR_ID.search(attrs)
        anchor = found.group(1) if found else slugify(text, slugs)
        slugs.add(anchor)
        builder.heading(int(node.tag[1]), text, anchor)
        return
    block_kind = _BLOCK_KINDS.get(kind)
    if _is_transparent(node):
        for child in node.children:
            _emit(child, builder, slugs, prose)
    elif block_kind in _CONTAINERS and _holds_more_than_prose(node):
        inner = block_kind
        title = _container_title(node)
        if title and node.map:
            builder.block(inner, title, (node.map[0] + 1, node.map[0] + 1))
        for child in _content(node):
            _emit(child, builder, slugs, inner)
    elif block_kind is not None:
        own = prose if prose and block_kind in _PROSE else block_kind
        builder.block(own, _text(node), _lines(node))


_BLOCK_KINDS = {
    "paragraph": "paragraph",
    "bullet_list": "list",
    "ordered_list": "list",
    "dl": "list",
    "fence": "code",
    "code_block": "code",
    "table": "table",
    "blockquote": "quote",
    "admonition": "admonition",
    "container_blocks": "admonition",
}
_PROSE = {"paragraph", "list", "quote", "admonition"}
_CONTAINERS = {"list", "quote", "admonition"}
_NOT_PROSE = {"fence", "code_block", "table", "tab", "heading"}


def _is_transparent(node: SyntaxTreeNode) -> bool:
    """Tabs and the parts of a complex list: their content is laid out as if it stood alone."""
    if node.type in {"tab", "list_item", "dt", "dd"}:
        return True
    if node.type == "container_blocks":
        return node.info.split("|")[0].strip().split(" ")[0].lower() in _TRANSPARENT_BLOCKS
    return False


def _holds_more_than_prose(node: SyntaxTreeNode) -> bool:
    """Whether a list, quote or admonition holds code, a table, a tab or a heading anywhere inside it
    (then it is laid out block by block, so that code is never cut as prose)."""
    return any(child.type in _NOT_PROSE or _holds_more_than_prose(child) for child in node.children)


def _container_title(node: SyntaxTreeNode) -> str:
    if node.type == "container_blocks":
        return _block_title(node.info)
    if node.type == "admonition":
        return node.info
    return ""


def _content(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """A container's children without its title or options."""
    if node.type == "container_blocks":
        return _blocks_content(node)
    return list(node.children)


def _heading_text(node: SyntaxTreeNode) -> tuple[str, str]:
    """A heading's readable text and its attribute list ("" when none)."""
    raw = _inline(node.children[0], keep_attrs=True) if node.children else ""
    attrs = "".join(match.group(0) for match in _ATTR_LIST.finditer(raw))
    return _ATTR_LIST.sub("", raw).strip(), attrs


def _text(node: SyntaxTreeNode) -> str:
    """The readable text of a block node and everything inside it."""
    kind = node.type
    if kind in {"fence", "code_block"}:
        return node.content.rstrip("\n")
    if kind in {"paragraph", "heading", "dt"}:
        return _ATTR_LIST.sub("", _inline(node.children[0]) if node.children else "").strip()
    if kind == "table":
        return "\n".join(" | ".join(_text(cell) for cell in row.children) for row in _rows(node))
    if kind in {"th", "td"}:
        return _inline(node.children[0]).strip() if node.children else ""
    if kind == "container_blocks":
        return _join([_block_title(node.info), *(_text(child) for child in _blocks_content(node))], "\n\n")
    if kind in {"bullet_list", "ordered_list", "list_item", "dd", "dl", "tab"}:
        return _join([_text(child) for child in node.children], "\n")
    if kind == "admonition":
        return _join([node.info, *(_text(child) for child in node.children)], "\n\n")
    if kind == "blockquote":
        return _join([_text(child) for child in node.children], "\n\n")
    return ""  # html_block, hr, template lines, anything unknown


def _join(parts: list[str], separator: str) -> str:
    return separator.join(part for part in parts if part.strip())


def _rows(table: SyntaxTreeNode) -> Iterator[SyntaxTreeNode]:
    for section in table.children:  # thead, tbody
        yield from section.children


def _block_title(info: str) -> str:
    """The title of a pymdownx block: `/// note | Title` -> "Title", `/// version-added | 2.7` -> "Added in 2.7"."""
    name, _, title = info.partition("|")
    name, title = name.strip().lower(), title.strip()
    if name in _VERSION_NOTES:
        return f"{_VERSION_NOTES[name]} {title}".strip()
    return _inline_source(title) or name.title()


def _blocks_content(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """A pymdownx block's children without its leading options (`    type: warning` reads as indented code)."""
    children = list(node.children)
    if (
        children
        and children[0].type == "code_block"
        and all(":" in line for line in children[0].content.strip().splitlines())
    ):
        children = children[1:]
    return children


def _inline(node: SyntaxTreeNode, keep_attrs: bool = False) -> str:
    """The readable text of an inline node: text and code kept, tags, images and attribute lists dropped."""
    parts: list[str] = []
    _collect(node, parts, keep_attrs)
    return "".join(parts)


def _collect(node: SyntaxTreeNode, parts: list[str], keep_attrs: bool) -> None:
    kind = node.type
    if kind == "text":
        parts.append(node.content if keep_attrs else _ATTR_LIST.sub("", node.content))
    elif kind == "code_inline":
        parts.append(node.content)
    elif kind == "softbreak":
        parts.append(" ")
    elif kind == "hardbreak":
        parts.append("\n")
    elif kind in {"html_inline", "image"}:
        return
    else:
        for child in node.children:
            _collect(child, parts, keep_attrs)
