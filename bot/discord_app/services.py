"""What CiteBot works with besides the retriever, given to it in its constructor: where and how often
it answers (the gate), the answers its buttons remember, the feedback log, and how to rebuild the index.

Tests give their own (a clock they move, a rebuild they hold or forbid); `Services.from_settings` is
what `citebot discord` runs with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings
from bot.discord_app.answers import AnswerCache
from bot.discord_app.gate import Gate
from bot.discord_app.shared import Feedback, QuestionLog, shared_services
from bot.retrieval.retriever import Retriever

# Blocking (run it in a thread): rebuild the index (everything if the flag is true, else what changed)
# and open it; returns the build's one-line summary and the retriever on the new index.
Rebuild = Callable[[bool], tuple[str, Retriever]]


def open_retriever(settings: Settings) -> Retriever:
    """Load the index (blocking: call it in a thread) and answer one question with it,
    so that the first real question does not pay for the encoder's first run."""
    retriever = Retriever.open(settings.retrieval, verify="full")  # every file against its checksum
    retriever.ask("warm up", 1)
    return retriever


def rebuilder(settings: Settings) -> Rebuild:
    """The default Rebuild: bot.index.open.build on the settings' corpus and index, then open it."""

    def rebuild(full: bool) -> tuple[str, Retriever]:
        from bot.index.open import build

        report = build(settings.indexing, full)
        return report.summary(), open_retriever(settings)

    return rebuild


@dataclass
class Services:
    gate: Gate
    answers: AnswerCache
    feedback: Feedback
    rebuild: Rebuild
    questions: QuestionLog | None = None  # the log of questions asked (with a database only)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        """Cooldowns, feedback and the question log in the database when one is set, else in memory and a file."""
        gate, feedback, questions = shared_services(settings)
        rebuild = rebuilder(settings)
        return cls(gate=gate, answers=AnswerCache(), feedback=feedback, rebuild=rebuild, questions=questions)
