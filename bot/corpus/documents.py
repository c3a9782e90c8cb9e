"""Loading the corpus: every format a reader knows (`bot.corpus.readers`), and plain UTF-8 .txt files
(front matter, a headline as the title, paragraphs cut later by the splitter)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from bot.corpus.readers import FORMATS, reader_for
from bot.corpus.selection import scan_corpus
from bot.printable import printable
from bot.records import Document, DocumentInfo

SUFFIXES = (".txt", *FORMATS)
Warn = Callable[[str], None]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")
# A kicker is a short label above a headline, such as "Additional Coverage:" or "UPDATE -".
_KICKER = re.compile(r"^[^.!?]{1,40}[:\-–—|]$")
_MAX_TITLE = 200
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]?\s+[A-Z]")


def document_id(path: Path, root: Path) -> str:
    """Stable id: the path relative to the corpus folder, with forward slashes."""
    return path.relative_to(root).as_posix()


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def corpus_files(
    root: Path,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    warn: Warn | None = None,
    outside_links: bool = False,
) -> list[Path]:
    """Every file under `root` whose extension is .txt or one a reader knows, sorted, selected by the
    include and exclude patterns, links and unusable names skipped with a warning (bot.corpus.selection)."""
    return scan_corpus(root, SUFFIXES, include, exclude, warn, outside_links).files




def read_document(path: Path, root: Path, warn: Warn) -> Document | None:
    """Load one file, or warn (one line naming it) and return None when it is unreadable, not UTF-8
    (text formats), empty or cannot be parsed. A reader's crash on a strange file is such a warning."""
    doc_id = document_id(path, root)
    name = printable(doc_id)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        warn(f"skipped {name}: cannot read it ({exc.strerror or exc}).")
        return None
    reader = reader_for(path)
    try:
        if reader is None:
            return parse_document(raw.decode("utf-8-sig"), doc_id, str(path), content_hash(raw), warn)
        reading = reader(raw)
    except UnicodeDecodeError as exc:
        warn(f"skipped {name}: not UTF-8 (invalid byte at offset {exc.start}); convert it to UTF-8.")
        return None
    except Exception as exc:  # a reader must never stop indexing (RecursionError included)
        reason = " ".join(str(exc).split())[:200] or "no detail"
        warn(f"skipped {name}: cannot parse it ({type(exc).__name__}: {reason}).")
        return None
    if not reading.text.strip():
        warn(f"skipped {name}: it holds no text.")
        return None
    title = reading.meta.get("title") or reading.title
    content_start = reading.content_start if title == reading.title else 0
    if not reading.text[content_start:].strip():
        content_start = 0  # a document that is only its title keeps it as its text: no text is lost
    info = _info(doc_id, str(path), reading.meta, title)
    return Document(info, reading.text, content_hash(raw), content_start, reading.sections)


def parse_document(raw: str, doc_id: str, source: str, digest: str, warn: Warn | None = None) -> Document | None:
    """Split front matter from the body and find the title. None (with a warning) if there is no text."""
    meta, body = split_front_matter(raw.replace("\r\n", "\n"))
    if not body.strip():
        if warn is not None:
            warn(f"skipped {printable(doc_id)}: it holds no text.")
        return None
    title, content_start = find_title(body)
    if "title" in meta or not body[content_start:].strip():
        content_start = 0  # a document that is only its title keeps it as its text: no text is lost
    return Document(
        info=_info(doc_id, source, meta, meta.get("title") or title),
        text=body,
        content_hash=digest,
        content_start=content_start,
    )


def _info(doc_id: str, source: str, meta: Mapping[str, str], title: str | None) -> DocumentInfo:
    """Citation details from front matter, a title found in the text, or else the file's name."""
    return DocumentInfo(
        id=doc_id,
        title=title or Path(doc_id).stem.replace("_", " ").replace("-", " "),
        source=meta.get("source") or source,
        url=meta.get("url") or (meta["source"] if meta.get("source", "").startswith("http") else None),
        date=meta.get("date"),
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Parse a leading `---` block of `key: value` lines (a YAML subset); return (meta, body)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, text[match.end() :]


def find_title(body: str) -> tuple[str | None, int]:
    """The first heading or headline line (kickers skipped) and the offset where content starts after it.

    A headline is a short line that does not end like a sentence. One sentence ending in a period
    that stands alone as a paragraph above the text (as titles of papers do) is the title too,
    but as it may as well be an opening sentence, it stays in the content (offset 0).
    """
    offset = 0
    lines = body.split("\n")
    for number, line in enumerate(lines):
        stripped = line.strip()
        end = offset + len(line)
        offset = end + 1
        if not stripped:
            continue
        heading = _HEADING.match(stripped)
        if heading:
            return heading.group(1).strip(), end
        if _KICKER.match(stripped):
            continue
        if len(stripped) <= _MAX_TITLE and not stripped.endswith((".", "?", "!", ",", ";")):
            return stripped, end
        if _is_title_sentence(stripped, lines[number + 1 :]):
            return stripped.removesuffix("."), 0
        return None, 0
    return None, 0


def _is_title_sentence(line: str, rest: list[str]) -> bool:
    """One short sentence ending in a period, then a blank line, then more text."""
    return (
        len(line) <= _MAX_TITLE
        and line.endswith(".")
        and not _SENTENCE_BREAK.search(line[:-1])
        and bool(rest)
        and not rest[0].strip()
        and any(later.strip() for later in rest)
    )
