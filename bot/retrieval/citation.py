"""Citations a reader can follow: a passage's heading path, file and lines or page, and its web address.

Both front ends (the terminal and Discord) word a hit's citation with these functions, so they agree.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from bot.records import DocumentInfo, Hit, Passage

PATH_SEPARATOR = " › "
_SLASHES = re.compile(r"/{2,}")


def source_path(doc_id: str) -> str:
    """The `{path}` of CITEBOT_SOURCE_URL: the document's path without its extension, a trailing `index`
    folded into its folder ("tutorial/cors.md" -> "tutorial/cors", "tutorial/index.md" -> "tutorial")."""
    path = PurePosixPath(doc_id)
    if path.stem.lower() == "index":
        return "" if path.parent == PurePosixPath(".") else path.parent.as_posix()
    return path.with_suffix("").as_posix()


def template_url(template: str, doc_id: str) -> str:
    """A document's published address from the source-URL template: `{path}` (see source_path) and
    `{file}` (the path with its extension) filled in, doubled slashes after the host made single."""
    url = template.replace("{path}", source_path(doc_id)).replace("{file}", doc_id)
    scheme, separator, rest = url.partition("://")
    return f"{scheme}{separator}{_SLASHES.sub('/', rest)}" if separator else _SLASHES.sub("/", url)


def with_url(info: DocumentInfo, template: str | None) -> DocumentInfo:
    """The document's address: its own (front matter) if it has one, else from the template, if set."""
    if info.url or not template:
        return info
    return replace(info, url=template_url(template, info.id))


def passage_url(document_url: str | None, passage: Passage) -> str | None:
    """The deep link to a passage: the document's address plus `#page=N` for a PDF page, else `#anchor`."""
    if not document_url:
        return None
    base = document_url.split("#", 1)[0]
    if passage.page is not None:
        return f"{base}#page={passage.page}"
    if passage.anchor:
        return f"{base}#{passage.anchor}"
    return document_url


def heading(hit: Hit) -> str:
    """The heading path of the hit's section, or the document's title when it has none."""
    return PATH_SEPARATOR.join(part for part in hit.passage.section if part) or hit.document.title


def location(passage: Passage) -> str:
    """Where in its file a passage is: its lines, else its PDF page, else its paragraph."""
    if passage.lines is not None:
        first, last = passage.lines
        return f"line {first}" if first == last else f"lines {first}-{last}"
    if passage.page is not None:
        return f"page {passage.page}"
    return f"paragraph {passage.paragraph}"


def citation(hit: Hit) -> str:
    """One line saying where a passage is: "Tutorial › CORS › Use CORSMiddleware · tutorial/cors.md, lines 40-52"."""
    return f"{heading(hit)} · {hit.document.id}, {location(hit.passage)}"
