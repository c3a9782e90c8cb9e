"""Load a retrieval benchmark in BEIR format.

A BEIR folder holds `corpus.jsonl` (one `{"_id", "title", "text"}` object a line),
`queries.jsonl` (`{"_id", "text"}`) and `qrels/<split>.tsv` (a `query-id<TAB>corpus-id<TAB>score`
header, then one judgment a line). Line endings may be LF or CRLF. Every problem raises
`CorpusError` with one sentence naming the file and, for bad content, the line.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.errors import CorpusError

QRELS_HEADER = ("query-id", "corpus-id", "score")


@dataclass(frozen=True)
class BeirDocument:
    """One corpus entry."""

    id: str
    title: str
    text: str

    @property
    def indexed_text(self) -> str:
        """What BEIR baselines index: title, a space, then the text (just the text without a title)."""
        return f"{self.title} {self.text}" if self.title else self.text


@dataclass(frozen=True)
class BeirQuery:
    """One query."""

    id: str
    text: str


@dataclass(frozen=True)
class BeirDataset:
    """A corpus, its queries and the judgments of one split.

    `qrels` maps query id -> {document id: relevance}; `queries` holds only the queries that
    the split judges, in file order.
    """

    name: str
    split: str
    corpus: tuple[BeirDocument, ...]
    queries: tuple[BeirQuery, ...]
    qrels: Mapping[str, Mapping[str, int]]


def load_beir(folder: Path, split: str = "test") -> BeirDataset:
    """Load `folder` (corpus, queries, and the qrels of `split`), checking ids across files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"The BEIR folder {folder} does not exist.")
    corpus = load_corpus(folder / "corpus.jsonl")
    queries = load_queries(folder / "queries.jsonl")
    qrels_path = folder / "qrels" / f"{split}.tsv"
    if not qrels_path.is_file():
        available = sorted(p.stem for p in (folder / "qrels").glob("*.tsv"))
        raise CorpusError(f"The BEIR folder {folder} has no split {split!r} (found: {', '.join(available) or 'none'}).")
    doc_ids = {doc.id for doc in corpus}
    query_by_id = {query.id: query for query in queries}
    qrels = load_qrels(qrels_path, query_ids=query_by_id.keys(), doc_ids=doc_ids)
    split_queries = tuple(query for query in queries if query.id in qrels)
    return BeirDataset(name=folder.name, split=split, corpus=corpus, queries=split_queries, qrels=qrels)


def load_corpus(path: Path) -> tuple[BeirDocument, ...]:
    """Read `corpus.jsonl`; `title` may be missing (empty), `_id` and `text` may not."""
    documents: list[BeirDocument] = []
    seen: set[str] = set()
    for number, record in _json_lines(path):
        doc_id = _string_field(path, number, record, "_id")
        text = _string_field(path, number, record, "text")
        title = _string_field(path, number, record, "title", default="")
        _check_unique(path, number, doc_id, seen)
        documents.append(BeirDocument(id=doc_id, title=title, text=text))
    if not documents:
        raise CorpusError(f"The corpus file {path} holds no document.")
    return tuple(documents)


def load_queries(path: Path) -> tuple[BeirQuery, ...]:
    """Read `queries.jsonl` (extra fields such as `metadata` are ignored)."""
    queries: list[BeirQuery] = []
    seen: set[str] = set()
    for number, record in _json_lines(path):
        query_id = _string_field(path, number, record, "_id")
        text = _string_field(path, number, record, "text")
        _check_unique(path, number, query_id, seen)
        queries.append(BeirQuery(id=query_id, text=text))
    return tuple(queries)


def load_qrels(
    path: Path,
    query_ids: Collection[str] | None = None,
    doc_ids: Collection[str] | None = None,
) -> Mapping[str, Mapping[str, int]]:
    """Read a qrels TSV; when id collections are given, every judgment must refer to them."""
    qrels: dict[str, dict[str, int]] = {}
    first = True
    for number, line in _lines(path):
        fields = line.split("\t")
        if first and tuple(field.strip() for field in fields) == QRELS_HEADER:
            first = False
            continue
        first = False
        if len(fields) != 3:
            raise _bad_line(path, number, f"expected 3 tab-separated fields, found {len(fields)}")
        query_id, doc_id, raw_score = (field.strip() for field in fields)
        try:
            score = int(raw_score)
        except ValueError:
            raise _bad_line(path, number, f"the score {raw_score!r} is not an integer") from None
        if not query_id or not doc_id:
            raise _bad_line(path, number, "a query or corpus id is empty")
        if query_ids is not None and query_id not in query_ids:
            raise _bad_line(path, number, f"query {query_id!r} is not in queries.jsonl")
        if doc_ids is not None and doc_id not in doc_ids:
            raise _bad_line(path, number, f"document {doc_id!r} is not in corpus.jsonl")
        judged = qrels.setdefault(query_id, {})
        if doc_id in judged:
            raise _bad_line(path, number, f"query {query_id!r} already judges document {doc_id!r}")
        judged[doc_id] = score
    if not qrels:
        raise CorpusError(f"The qrels file {path} holds no judgment.")
    return MappingProxyType({query_id: MappingProxyType(judged) for query_id, judged in qrels.items()})


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, line without its end) for each non-blank line."""
    if not path.is_file():
        raise CorpusError(f"The BEIR file {path} does not exist.")
    try:
        # newline=None: universal newlines, so CRLF and LF both end a line.
        with path.open(encoding="utf-8-sig", newline=None) as handle:
            for number, line in enumerate(handle, start=1):
                line = line.rstrip("\n")
                if line.strip():
                    yield number, line
    except UnicodeDecodeError:
        raise CorpusError(f"The BEIR file {path} is not valid UTF-8.") from None
    except OSError as error:
        raise CorpusError(f"The BEIR file {path} cannot be read ({error.strerror}).") from None


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in _lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise _bad_line(path, number, f"invalid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise _bad_line(path, number, "expected a JSON object")
        yield number, record


def _string_field(path: Path, number: int, record: dict[str, Any], name: str, default: str | None = None) -> str:
    value = record.get(name)
    if value is None and default is not None:
        return default
    if value is None:
        raise _bad_line(path, number, f"the field {name!r} is missing")
    if not isinstance(value, str):
        raise _bad_line(path, number, f"the field {name!r} is not a string")
    if name == "_id" and not value.strip():
        raise _bad_line(path, number, "the field '_id' is empty")
    return value


def _check_unique(path: Path, number: int, item_id: str, seen: set[str]) -> None:
    if item_id in seen:
        raise _bad_line(path, number, f"the id {item_id!r} appears twice")
    seen.add(item_id)


def _bad_line(path: Path, number: int, problem: str) -> CorpusError:
    return CorpusError(f"Line {number} of {path} is malformed: {problem}.")
