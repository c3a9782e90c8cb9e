"""A document's passages: by section when a reader found sections (bot.corpus.sections), else by
paragraphs (bot.corpus.splitting). The one entry point a build calls."""

from __future__ import annotations

from bot.corpus.sections import Cut, locate, split_sections
from bot.corpus.splitting import SplitSettings, TokenSpans, split_paragraphs
from bot.records import Document, Passage


def split_document(document: Document, settings: SplitSettings, token_spans: TokenSpans) -> list[Passage]:
    """Cut a document into passages: by section when a reader found sections (bot.corpus.sections), else
    within paragraphs, at sentence bounds, overlapping by whole sentences."""
    return [cut.passage for cut in split_for_embedding(document, settings, token_spans)]


def split_for_embedding(document: Document, settings: SplitSettings, token_spans: TokenSpans) -> list[Cut]:
    """The passages of `split_document`, each with the context embedded in front of it (see Cut)."""
    if document.sections and settings.sections:
        return split_sections(document, settings, token_spans)
    passages = split_paragraphs(document, settings, token_spans)
    return [Cut(passage) for passage in (locate(document, passages) if document.sections else passages)]
