"""Questions are cleaned, and unusable ones rejected with one clear sentence."""

from __future__ import annotations

import pytest

from bot.errors import BadQuestion
from bot.retrieval.question import MAX_QUESTION_CHARS, clean_question


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\x00\x07\x1b", "\u200b\x00 "[1:]])
def test_empty_questions_are_refused(raw: str) -> None:
    with pytest.raises(BadQuestion, match="empty"):
        clean_question(raw)


def test_control_characters_become_spaces() -> None:
    assert clean_question("Who\x00met\x1b[31m in\tTokyo?\r\n") == ("Who met [31m in Tokyo?", ())


def test_a_huge_question_is_answered_from_its_start_and_says_so() -> None:
    raw = "Who did Hegseth meet in Tokyo? " + "padding " * 20_000
    text, notices = clean_question(raw)
    assert text.startswith("Who did Hegseth meet in Tokyo?")
    assert len(text) <= MAX_QUESTION_CHARS
    assert len(notices) == 1 and "first" in notices[0] and f"{len(raw):,}" in notices[0]


def test_unicode_is_kept() -> None:
    assert clean_question("  東京で誰に会った？ 👋 ") == ("東京で誰に会った？ 👋", ())


@pytest.mark.parametrize("invisible", ["\u200b", "\u200b \u200b", "\ufeff\u2060\u200c", "\u200d\n\u200b"])
def test_a_question_of_invisible_characters_only_is_empty(invisible: str) -> None:
    with pytest.raises(BadQuestion, match="The question is empty"):
        clean_question(invisible)
