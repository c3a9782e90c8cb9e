"""Rate limits, dropped sockets, slow answers that hold up no one, and the token's safety."""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.discord_app.main import MISSING_TOKEN, REJECTED_TOKEN, run, serve
from bot.errors import ConfigError
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord, Request
from tests.discord.support import QUESTION, TOKEN, discord_settings, posted_to, running_slowly

pytestmark = pytest.mark.anyio


async def test_a_429_is_retried_after_retry_after(fake: FakeDiscord, citebot: object) -> None:
    fake.rate_limit_once("POST", rf"/channels/{fake.world.general_id}/messages", retry_after=0.4)
    await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
    answered = await fake.wait_for(lambda r: posted_to(fake.world.general_id)(r) and r.status == 200)
    limited, retried = fake.requests.matching(posted_to(fake.world.general_id))
    assert limited.status == 429 and retried is answered
    assert retried.at - limited.at >= 0.4
    assert retried.json == limited.json


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-4000", "tcp-cut"])
async def test_a_question_asked_while_the_socket_is_down_is_answered_after_resume(
    fake: FakeDiscord, citebot: object, abrupt: bool
) -> None:
    await fake.drop(abrupt=abrupt)
    await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")  # kept in the session, replayed
    reply = await fake.wait_for(posted_to(fake.world.general_id))
    assert reply.json["content"] == f"**Q:** {QUESTION}"
    resume = await fake.frames.wait_for(lambda f: f.op == 6)
    assert fake.gateway.connections[resume.connection - 1].path == "/resume"
    assert len(fake.frames.matching(lambda f: f.op == 2)) == 1  # resumed, not identified again


async def test_a_slow_answer_holds_up_neither_heartbeats_nor_other_users(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    async with running_slowly(article_retriever, article_settings, fake, tmp_path, delay=1.5, defer_after=5):
        beats_before = len(fake.frames.matching(lambda f: f.op == 1))
        question = await fake.slash("ask", {"question": QUESTION})
        status = await fake.slash("status", user=fake.world.admin)
        answered = await fake.response_to(status)
        assert answered.at - status.created_at < 0.3
        await fake.response_to(question, timeout=5)
        assert len(fake.frames.matching(lambda f: f.op == 1)) > beats_before  # heartbeats went on meanwhile


def test_a_missing_token_is_one_clear_sentence() -> None:
    with pytest.raises(ConfigError) as missing:
        run(Settings(discord_token=None))
    assert str(missing.value) == MISSING_TOKEN and missing.value.exit_code != 0


async def test_a_rejected_token_is_one_clear_sentence(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    settings = discord_settings(article_settings, fake, tmp_path, discord_token="wrong-token")
    with pytest.raises(ConfigError) as rejected:
        await serve(article_retriever, settings, guild_ready_timeout=0.05)
    assert str(rejected.value) == REJECTED_TOKEN
    assert fake.requests.items[0].status == 401


async def test_the_token_never_reaches_the_log(
    fake: FakeDiscord, citebot: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
    await fake.wait_for(posted_to(fake.world.general_id))
    assert caplog.records and TOKEN not in caplog.text
    assert all(TOKEN not in str(frame.d) for frame in fake.frames)


def replies_to(request: Request, message: dict[str, Any]) -> bool:
    reference = request.json.get("message_reference") if isinstance(request.json, dict) else None
    return reference is not None and int(reference["message_id"]) == int(message["id"])


async def test_round_trip_times(fake: FakeDiscord, citebot: object, capsys: pytest.CaptureFixture[str]) -> None:
    """Event sent to reply received, over loopback with the real index (printed for the record)."""
    mentions, slashes = [], []
    for _ in range(5):
        started = time.monotonic()
        sent = await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
        await fake.wait_for(lambda r, m=sent: replies_to(r, m))
        mentions.append(time.monotonic() - started)
        interaction = await fake.slash("ask", {"question": QUESTION})
        slashes.append((await fake.response_to(interaction)).at - interaction.created_at)
    with capsys.disabled():
        print(
            f"\nround trip, median of 5: mention {statistics.median(mentions) * 1000:.0f} ms, "
            f"/ask {statistics.median(slashes) * 1000:.0f} ms"
        )
    assert statistics.median(mentions) < 1.0 and statistics.median(slashes) < 1.0
