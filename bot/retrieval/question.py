"""Cleaning a question before retrieval: one clear error for unusable input."""

from __future__ import annotations

import unicodedata

from bot.errors import BadQuestion

MAX_QUESTION_CHARS = 1000


def clean_question(raw: str) -> tuple[str, tuple[str, ...]]:
    """Return the question to search with and notices for the user (e.g. it was shortened).

    Control characters (and lone surrogates) become spaces and runs of whitespace collapse;
    an empty result, or one of invisible characters only (zero-width spaces), is a BadQuestion.
    """
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in raw)
    text = " ".join(text.split())
    if all(unicodedata.category(ch) == "Cf" or ch.isspace() for ch in text):  # also zero-width spaces only
        raise BadQuestion('The question is empty; ask something like "Who met in Tokyo?"')
    if len(text) > MAX_QUESTION_CHARS:
        cut = text.rfind(" ", 0, MAX_QUESTION_CHARS)
        text = text[: cut if cut > MAX_QUESTION_CHARS // 2 else MAX_QUESTION_CHARS]
        return text, (f"The question was {len(raw):,} characters long; it was answered using its first {len(text):,}.",)
    return text, ()
