"""Building the index from the corpus: incremental by default, atomic always."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.corpus.cutting import split_for_embedding
from bot.corpus.documents import SUFFIXES, document_id, read_document
from bot.corpus.sections import Cut
from bot.corpus.selection import CorpusScan, kind, scan_corpus
from bot.corpus.splitting import CUT_RULES, SplitSettings
from bot.encoders.base import Encoder, ProgressFactory, resolve_model_path
from bot.encoders.factory import load_encoder
from bot.errors import CitebotError, CorpusError, IndexFolderError, IndexMissing
from bot.index import dense as ann
from bot.index.config import IndexConfig
from bot.index.embedding import embed_passages
from bot.index.lexical import LexicalIndex
from bot.index.loaded import load_build
from bot.index.locks import build_lock
from bot.index.store import (
    ENCODER,
    FAISS,
    FORMAT_VERSION,
    LEXICAL,
    OUTDATED_CUT,
    DocumentEntry,
    Manifest,
    PassageTable,
    check_model,
    claim_index_folder,
    current_build,
    file_records,
    new_build_folder,
    outdated_cut,
    publish,
    read_manifest,
    remove_stale_builds,
    write_passages,
)
from bot.index.vectors import Vectors
from bot.printable import printable
from bot.records import Document, Passage

log = logging.getLogger(__name__)
BIG_DOCUMENT = 1_000_000  # characters: splitting a document this long is announced, as it takes a while


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the closing summary line."""

    added: int
    changed: int
    removed: int
    unchanged: int
    passages: int
    seconds: float
    skipped: tuple[str, ...]
    ann: str
    read: dict[str, int] = field(default_factory=dict)  # kind (extension) -> documents read
    unread: dict[str, dict[str, int]] = field(default_factory=dict)  # why -> kind -> files not indexed
    excluded_files: int = 0
    excluded_folders: int = 0

    def summary(self) -> str:
        """Two lines: what the build did, then what it read and what it left out, by kind and why."""
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        indexed = self.added + self.changed + self.unchanged
        first = (
            f"Indexed {indexed} document{'' if indexed == 1 else 's'}: {self.added} added, "
            f"{self.changed} changed, {self.removed} removed, {self.unchanged} unchanged{skipped}; "
            f"{self.passages} passages ({self.ann}) in {self.seconds:.1f} s."
        )
        return f"{first}\n{self.contents()}" if self.read or self.unread or self.excluded_files else first

    def contents(self) -> str:
        """ "Read 56 .md, 20 .rst; skipped 33 .md: no text; 183 .png, 56 .svg: not documents; excluded by
        pattern: 2 folders, 4 files." """
        parts = ["Read " + (_kinds(self.read) or "nothing")]
        parts += [f"skipped {_kinds(kinds)}: {why}" for why, kinds in self.unread.items()]
        if self.excluded_files or self.excluded_folders:
            left_out = [
                f"{count} {noun}{'' if count == 1 else 's'}"
                for count, noun in ((self.excluded_folders, "folder"), (self.excluded_files, "file"))
                if count
            ]
            parts.append(f"excluded by pattern: {', '.join(left_out)}")
        return "; ".join(parts) + "."


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _why(messages: list[str]) -> str:
    """The reason a file was not indexed, in a few words, from the reader's warning."""
    text = " ".join(messages)
    for phrase, why in (("no text", "no text"), ("not UTF-8", "not UTF-8"), ("cannot parse", "unreadable")):
        if phrase in text:
            return why
    return "unreadable"


@dataclass(frozen=True)
class _Previous:
    """The last build, reused for documents whose content did not change."""

    build: Path
    manifest: Manifest
    passages: PassageTable
    vectors: Vectors
    index: Any  # its FAISS index: an IVF index lends its trained quantizer to the next build

    def entries(self) -> dict[str, DocumentEntry]:
        return {entry.info.id: entry for entry in self.manifest.documents}


def split_settings(config: IndexConfig, max_tokens: int) -> SplitSettings:
    """The splitter settings a build with these settings uses."""
    return SplitSettings(
        max_tokens=max_tokens,
        target_tokens=config.passage_tokens,
        overlap_sentences=config.overlap_sentences,
        sections=config.sections,
        section_tokens=config.section_tokens,
        heading_context=config.heading_context,
    )


def build_index(
    config: IndexConfig,
    full: bool = False,
    progress: ProgressFactory | None = None,
) -> BuildReport:
    """Build or refresh the index of `config.corpus_dir` into FAISS files in `config.index_dir`
    (bot.index.open.build chooses between files and a database).

    Only new or changed documents are embedded unless `full`; the new build is published
    atomically, so an interrupted build leaves the previous index as it was. Builds of one
    index folder run one at a time: a second one waits (saying so) up to CITEBOT_BUILD_WAIT.
    """
    claim_index_folder(config.index_dir)
    with build_lock(config.index_dir, config.build_wait_seconds, log.info):
        return _build(config, full, progress)


def ensure_index(config: IndexConfig, progress: ProgressFactory | None = None) -> BuildReport | None:
    """Build the index if there is none, as the first `ask` does; None when there is one (perhaps
    built meanwhile by another process, which this call waited for)."""
    claim_index_folder(config.index_dir)
    with build_lock(config.index_dir, config.build_wait_seconds, log.info):
        try:
            current_build(config.index_dir)
        except IndexMissing:
            return _build(config, False, progress)
        return None


def _build(config: IndexConfig, full: bool, progress: ProgressFactory | None) -> BuildReport:
    """build_index, holding the build lock."""
    started = time.perf_counter()
    skipped: list[str] = []

    def skip(message: str) -> None:
        skipped.append(message)
        log.warning("%s", message)

    remove_stale_builds(config.index_dir)  # left by interrupted builds
    corpus_dir = config.corpus_dir
    scanned = scan(config, skip)
    previous = None if full else _load_previous(config)
    documents, unread = read_corpus(scanned.files, config, skip, previous)
    if scanned.other_kinds:
        unread["not documents"] = Counter(scanned.other_kinds)
    if not documents:
        raise CorpusError(
            f"The corpus folder {corpus_dir} holds no usable document "
            "(none of a kind citebot reads, or every one was skipped)."
        )
    try:
        build = new_build_folder(config.index_dir)
    except OSError as exc:
        raise _write_failed(config, exc) from None
    try:
        export = _export_encoder(config, build, previous)
        quantized = export is not None and config.quantize
        if previous is not None and previous.manifest.quantized != quantized:
            log.info(f"the encoder is now {'int8' if quantized else 'fp32'}; re-embedding every document.")
            previous = None
            documents, _ = read_corpus(scanned.files, config, lambda message: None)  # their text is needed now
        known = previous.entries() if previous else {}
        fresh = [doc for doc in documents if doc.id not in known or known[doc.id].content_hash != doc.content_hash]
        new_passages: dict[str, list[Passage]] = {}
        new_vectors: dict[str, Vectors] = {}
        if fresh or previous is None:
            encoder = load_encoder(config.model, build / export if export else None)
            splitting = split_settings(config, encoder.max_tokens)
            dimension = encoder.dimension
            cuts = _split(fresh, splitting, encoder, progress)
            new_passages = {doc_id: [cut.passage for cut in doc_cuts] for doc_id, doc_cuts in cuts.items()}
            new_vectors = _embed(encoder, fresh, cuts, progress)
        else:
            splitting = SplitSettings.from_manifest(previous.manifest.splitter)
            dimension = previous.manifest.dimension

        passages: list[Passage] = []
        blocks: list[Vectors] = []
        entries: list[DocumentEntry] = []
        for doc in documents:
            if doc.id in new_passages:
                doc_passages, doc_vectors = new_passages[doc.id], new_vectors[doc.id]
            else:
                assert previous is not None
                entry = known[doc.id]
                doc_passages = previous.passages[entry.first : entry.last]
                doc_vectors = previous.vectors.slice(entry.first, entry.last)
            stat = (corpus_dir / doc.id).stat()
            first = len(passages)
            passages.extend(doc_passages)
            blocks.append(doc_vectors)
            entries.append(
                DocumentEntry(doc.info, doc.content_hash, stat.st_size, stat.st_mtime_ns, first, len(passages))
            )

        unchanged = previous is not None and not fresh and known.keys() == {doc.id for doc in documents}
        ann_name = _write_data(build, documents, passages, Vectors.concat(blocks, dimension), previous, unchanged)
        sizes, checksums, mtimes = file_records(build)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            model=config.model,
            dimension=dimension,
            splitter=asdict(splitting),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            corpus_dir=str(corpus_dir),
            documents=tuple(entries),
            passages=len(passages),
            ann=ann_name,
            encoder_export=export,
            quantized=quantized,
            files=sizes,
            checksums=checksums,
            mtimes=mtimes,
            skipped=_skipped_fingerprints(corpus_dir, scanned.files, documents),
        )
        publish(config.index_dir, build, manifest)
    except BaseException as exc:
        if _is_current(config.index_dir, build):
            raise  # published: only the cleanup after it failed
        shutil.rmtree(build, ignore_errors=True)  # the previous build stays current
        if isinstance(exc, OSError):
            raise _write_failed(config, exc) from None
        raise
    current = {doc.id for doc in documents}
    return BuildReport(
        added=len(current - known.keys()),
        changed=sum(1 for doc in fresh if doc.id in known),
        removed=len(known.keys() - current),
        unchanged=len(documents) - len(fresh),
        passages=len(passages),
        seconds=time.perf_counter() - started,
        skipped=tuple(skipped),
        ann=ann_name,
        read=dict(Counter(kind(doc.id) for doc in documents)),
        unread={why: dict(kinds) for why, kinds in unread.items()},
        excluded_files=scanned.excluded_files,
        excluded_folders=scanned.excluded_folders,
    )


def scan(config: IndexConfig, skip: Callable[[str], None]) -> CorpusScan:
    """The corpus files to read (include/exclude patterns, links and names checked), and what was left out."""
    return scan_corpus(config.corpus_dir, SUFFIXES, config.include, config.exclude, skip, config.follow_links)


def read_corpus(
    files: list[Path], config: IndexConfig, skip: Callable[[str], None], previous: _Previous | None = None
) -> tuple[list[Document], dict[str, Counter[str]]]:
    """Read the corpus files, and what was not read, by why and kind. A file whose size and mtime are
    those the previous build recorded is not parsed again: its passages and vectors are reused, so only
    its citation details are needed (refreshing an unchanged corpus of PDFs or reStructuredText stays
    quick)."""
    corpus_dir = config.corpus_dir
    limit = config.max_document_mb * 1_000_000
    known = previous.entries() if previous else {}
    documents: list[Document] = []
    unread: dict[str, Counter[str]] = {}
    for path in files:
        entry = known.get(document_id(path, corpus_dir))
        if entry is not None:
            stat = _stat(path)
            if stat is not None and (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime_ns):
                documents.append(Document(entry.info, "", entry.content_hash))
                continue
        size = _size(path)
        if limit and size > limit:
            skip(
                f"skipped {printable(document_id(path, corpus_dir))}: {size / 1_000_000:.1f} MB is over the limit "
                f"of {config.max_document_mb:g} MB per document (CITEBOT_MAX_DOCUMENT_MB; 0 for no limit)."
            )
            unread.setdefault("too large", Counter())[kind(path)] += 1
            continue
        messages: list[str] = []
        doc = read_document(path, corpus_dir, messages.append)
        for message in messages:
            skip(message)
        if doc is not None:
            documents.append(doc)
        else:
            unread.setdefault(_why(messages), Counter())[kind(path)] += 1
    return documents, unread


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None  # read_document says why it cannot be read


def _size(path: Path) -> int:
    stat = _stat(path)
    return stat.st_size if stat else 0


def _split(
    documents: list[Document], splitting: SplitSettings, encoder: Encoder, progress: ProgressFactory | None
) -> dict[str, list[Cut]]:
    """Each document's passages with their embedding context, with progress by documents and a note
    before each long one."""
    step = progress(len(documents), "Splitting documents") if progress and documents else None
    result = {}
    for doc in documents:
        if len(doc.text) >= BIG_DOCUMENT:
            log.info(f"splitting {printable(doc.id)} ({len(doc.text):,} characters); this takes a while.")
        result[doc.id] = split_for_embedding(doc, splitting, encoder.token_spans)
        if step:
            step(1)
    return result


def _is_current(index_dir: Path, build: Path) -> bool:
    try:
        return current_build(index_dir) == build
    except CitebotError:
        return False


def _write_failed(config: IndexConfig, error: OSError) -> IndexFolderError:
    """One line for a build that could not be written, saying what became of the previous index."""
    reason = error.strerror or str(error) or type(error).__name__
    if error.errno == errno.ENOSPC or "requested and" in reason:  # numpy says "N requested and M written"
        reason += "; is the disk full?"
    where = f" ({printable(str(error.filename))})" if error.filename else ""
    try:
        current_build(config.index_dir)
        kept = "the previous index was kept and still answers"
    except CitebotError:
        kept = "no index was written"
    return IndexFolderError(f"Writing the index in {config.index_dir} failed: {reason}{where}; {kept}.")


def cut_settings_changed(config: IndexConfig, manifest: Manifest) -> bool:
    """Whether `config` cuts passages otherwise than the build described by `manifest` did."""
    wanted = asdict(split_settings(config, 0))
    recorded = {**asdict(SplitSettings()), **manifest.splitter}  # a field an older index lacks: its default
    return any(recorded[name] != value for name, value in wanted.items() if name not in ("max_tokens", "rules"))


def _load_previous(config: IndexConfig) -> _Previous | None:
    """The current build if it can be reused; otherwise None (and say why, unless there is none)."""
    try:
        build = current_build(config.index_dir)
        manifest = read_manifest(build, verify="full")  # damaged vectors must not be copied into the new build
        check_model(manifest, config.model)
        if cut_settings_changed(config, manifest):
            log.info("the passage settings changed; re-embedding every document.")
            return None
        if outdated_cut(manifest, CUT_RULES):
            log.info(f"{OUTDATED_CUT}; re-embedding every document.")
            return None
        loaded = load_build(build, manifest)
        return _Previous(build, manifest, loaded.passages, loaded.vectors, loaded.index)
    except IndexMissing:
        return None
    except (CitebotError, OSError, ValueError) as exc:
        log.info(f"the previous index cannot be reused ({exc}); rebuilding everything.")
        return None


def _embed(
    encoder: Encoder, documents: list[Document], cuts: dict[str, list[Cut]], progress: ProgressFactory | None
) -> dict[str, Vectors]:
    """Embed the passages of `documents` (with their contexts) in one batched pass; return each document's rows."""
    every = [cut for doc in documents for cut in cuts[doc.id]]
    vectors = embed_passages(encoder, [cut.passage for cut in every], progress, [cut.context for cut in every])
    result = {}
    offset = 0
    for doc in documents:
        count = len(cuts[doc.id])
        result[doc.id] = vectors.slice(offset, offset + count)
        offset += count
    return result


def _write_data(
    build: Path,
    documents: list[Document],
    passages: list[Passage],
    vectors: Vectors,
    previous: _Previous | None,
    unchanged: bool = False,
) -> str:
    """Write passages, vectors, the FAISS index and the BM25 index into `build`; return the FAISS kind.
    When no document changed, the previous BM25 index is linked, not rebuilt (importing bm25s alone took
    most of a refresh)."""
    import faiss

    write_passages(build, passages)
    vectors.save(build)
    earlier = previous.index if previous else None  # loaded (and checked) with the previous build
    index = ann.build(np.ascontiguousarray(vectors.passages), previous=earlier)
    faiss.write_index(index, str(build / FAISS))
    if unchanged and previous is not None and (previous.build / LEXICAL).is_dir():
        shutil.copytree(previous.build / LEXICAL, build / LEXICAL, copy_function=_link_or_copy)
    else:
        titles = {doc.id: doc.info.title for doc in documents}
        LexicalIndex.build([lexical_text(titles[p.doc_id], p) for p in passages]).save(build / LEXICAL)
    return ann.describe(index)


def lexical_text(title: str, passage: Passage) -> str:
    """What BM25 indexes for a passage: its document's title, its section's headings and its text.
    (The headings: on the flask and click sets, BM25 alone put the answer first for 22 and 19 of 40
    questions instead of 17 and 18; README "Passage size".)"""
    headings = [heading for heading in passage.section if heading != title]
    return "\n".join([title, *headings, passage.text])


def _export_encoder(config: IndexConfig, build: Path, previous: _Previous | None) -> str | None:
    """Give the build its ONNX encoder (int8 if `config.quantize`): reuse the previous export or make one."""
    target = build / ENCODER
    if (
        previous
        and previous.manifest.encoder_export
        and previous.manifest.quantized == config.quantize
        and (previous.build / ENCODER).is_dir()
    ):
        shutil.copytree(previous.build / ENCODER, target, copy_function=_link_or_copy)
        return ENCODER
    try:
        from bot.encoders.onnx_export import export_onnx

        export_onnx(resolve_model_path(config.model), target, name=config.model, quantize=config.quantize)
    except Exception as exc:  # any failure only costs query speed: sentence-transformers still answers
        shutil.rmtree(target, ignore_errors=True)
        log.info(f"no fast query encoder ({type(exc).__name__}: {exc}); questions will load sentence-transformers.")
        return None
    return ENCODER


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _skipped_fingerprints(corpus_dir: Path, files: list[Path], documents: list[Document]) -> dict[str, list[int]]:
    indexed = {doc.id for doc in documents}
    result = {}
    for path in files:
        name = document_id(path, corpus_dir)
        if name not in indexed:
            try:
                stat = path.stat()
            except OSError:
                continue
            result[name] = [stat.st_size, stat.st_mtime_ns]
    return result
