"""What every process shares besides the index: feedback verdicts, the log of questions asked, and
per-user cooldowns, in the tables of migration 2 (schema.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.index.postgres.connect import Database
from bot.index.postgres.generations import q


@dataclass(frozen=True)
class Asked:
    """One question as the log keeps it: no user unless the setting CITEBOT_LOG_USER_IDS asks for it."""

    question: str
    answered: bool
    top_passage: str | None
    score: float | None
    generation: int | None
    guild_id: int | None
    channel_id: int | None
    user_id: int | None = None


def record_feedback(db: Database, question: str, passage_id: str, verdict: str, generation: int | None) -> None:
    with db.cursor() as cur:
        cur.execute(
            f"INSERT INTO {q(db.schema)}.feedback (question, passage_id, verdict, generation) VALUES (%s, %s, %s, %s)",
            (question, passage_id, verdict, generation),
        )


def log_question(db: Database, asked: Asked) -> None:
    with db.cursor() as cur:
        cur.execute(
            f"INSERT INTO {q(db.schema)}.questions "
            "(question, answered, top_passage, score, generation, guild_id, channel_id, user_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                asked.question,
                asked.answered,
                asked.top_passage,
                asked.score,
                asked.generation,
                asked.guild_id,
                asked.channel_id,
                asked.user_id,
            ),
        )


def claim_question(db: Database, user_id: int, cooldown: float) -> float:
    """Count a question by `user_id` unless they asked within `cooldown` seconds: 0.0 if counted, else the
    seconds left to wait. One statement, so two processes can never both count a question."""
    with db.cursor() as cur:
        row = cur.execute(
            f"""
            WITH claimed AS (
                INSERT INTO {q(db.schema)}.cooldowns AS c (user_id, asked) VALUES (%(user)s, clock_timestamp())
                ON CONFLICT (user_id) DO UPDATE SET asked = excluded.asked
                WHERE c.asked <= excluded.asked - make_interval(secs => %(cooldown)s)
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM claimed),
                   (SELECT extract(epoch FROM asked + make_interval(secs => %(cooldown)s) - clock_timestamp())
                    FROM {q(db.schema)}.cooldowns WHERE user_id = %(user)s)
            """,
            {"user": user_id, "cooldown": cooldown},
        ).fetchone()
    assert row is not None
    counted, left = row
    return 0.0 if counted else max(float(left or 0.0), 0.001)


def feedback(db: Database) -> list[dict[str, Any]]:
    """Every verdict, oldest first, as the JSONL file holds them (question, passage_id, verdict, time)."""
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT question, passage_id, verdict, time FROM {q(db.schema)}.feedback ORDER BY id"
        ).fetchall()
    return [
        {"question": a, "passage_id": b, "verdict": c, "time": d.isoformat(timespec="seconds")} for a, b, c, d in rows
    ]


def questions(db: Database) -> list[Asked]:
    """The question log, oldest first."""
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT question, answered, top_passage, score, generation, guild_id, channel_id, user_id "
            f"FROM {q(db.schema)}.questions ORDER BY id"
        ).fetchall()
    return [Asked(*row) for row in rows]
