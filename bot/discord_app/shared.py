"""The bot's state shared by every process when a database is configured: feedback, the question log and
per-user cooldowns in Postgres tables. Without one, the defaults stay: a JSONL file and memory."""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from typing import Protocol

from bot.config import Settings
from bot.discord_app.feedback import FeedbackLog
from bot.discord_app.gate import Gate
from bot.index.database import DatabaseConfig
from bot.records import Answer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Where:
    """Where a question was asked, and by whom."""

    guild_id: int | None
    channel_id: int | None
    user_id: int


class Feedback(Protocol):
    async def record(self, question: str, passage_id: str, verdict: str) -> None: ...


class DatabaseFeedback:
    """Feedback verdicts in the `feedback` table (what FeedbackLog appends to a file)."""

    def __init__(self, config: DatabaseConfig) -> None:
        self.config = config

    async def record(self, question: str, passage_id: str, verdict: str) -> None:
        from bot.index.postgres.activity import record_feedback
        from bot.index.postgres.connect import database

        await asyncio.to_thread(
            lambda: record_feedback(database(self.config), question, passage_id, verdict, generation=None)
        )


class QuestionLog:
    """Each question asked in Discord, as a row of the `questions` table (database only)."""

    def __init__(self, config: DatabaseConfig, with_users: bool) -> None:
        self.config = config
        self.with_users = with_users

    async def record(self, answer: Answer, where: Where, generation: int | None) -> None:
        from bot.index.postgres.activity import Asked, log_question
        from bot.index.postgres.connect import database

        top = answer.hits[0] if answer.hits else None
        asked = Asked(
            question=answer.question,
            answered=answer.answered,
            top_passage=top.passage.id if top else None,
            score=top.score if top else None,
            generation=generation,
            guild_id=where.guild_id,
            channel_id=where.channel_id,
            user_id=where.user_id if self.with_users else None,
        )
        try:
            await asyncio.to_thread(log_question, database(self.config), asked)
        except Exception:  # the log must never cost an answer
            log.exception("could not log a question")


class SharedGate(Gate):
    """The Gate, with cooldowns counted in the database so that they hold across processes.

    The check is one short statement on the event loop (a fraction of a millisecond on a nearby
    database); if the database cannot answer, the question is let through rather than refused.
    """

    def __init__(self, settings: Settings, config: DatabaseConfig) -> None:
        super().__init__(settings)
        self.config = config

    def cooldown_refusal(self, user_id: int) -> str | None:
        if self.cooldown <= 0:
            return None
        from bot.index.postgres.activity import claim_question
        from bot.index.postgres.connect import database

        try:
            wait = claim_question(database(self.config), user_id, self.cooldown)
        except Exception:
            log.exception("could not check the cooldown in the database; answering")
            return None
        return f"Please wait {math.ceil(wait)} s before asking another question." if wait > 0 else None


def shared_services(settings: Settings) -> tuple[Gate, Feedback, QuestionLog | None]:
    """The gate, the feedback store and the question log for these settings (database or not)."""
    config = settings.database
    if config is None:
        return Gate(settings), FeedbackLog(settings.feedback_path), None
    return SharedGate(settings, config), DatabaseFeedback(config), QuestionLog(config, settings.log_user_ids)
