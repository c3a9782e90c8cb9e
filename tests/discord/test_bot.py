"""The real CiteBot over loopback: login and sync, mentions, /ask, cooldown, places, never pinging.

Every assertion is on the payload Discord itself would receive, as the fake recorded it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.discord_app.cogs.mentions import HOW_TO_ASK
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord, Request
from tests.discord.support import QUESTION, discord_settings, posted_to, running, running_slowly
from tests.support import ARTICLE_TITLE

pytestmark = pytest.mark.anyio
NO_PINGS: dict[str, list[str]] = {"parse": []}
EPHEMERAL = 64


def assert_cites_the_article(payload: dict[str, Any]) -> None:
    embed = payload["embeds"][0]
    assert embed["title"] == f"1. {ARTICLE_TITLE}"
    assert embed["footer"]["text"].startswith("hegseth-japan-alliance.txt, paragraph ")
    assert " · score 0." in embed["footer"]["text"]
    assert "**" in embed["description"]  # the best sentence stands out
    assert 1 <= len(payload["embeds"]) <= 3


def assert_pings_no_one(request: Request) -> None:
    message = request.response if "mentions" in request.response else request.response["resource"]["message"]
    assert message["mentions"] == [] and message["mention_roles"] == [] and message["mention_everyone"] is False


async def test_login_syncs_the_slash_commands(fake: FakeDiscord, citebot: object) -> None:
    sync = await fake.wait_for(lambda r: r.method == "PUT")
    assert sync.path == f"/applications/{fake.world.application_id}/commands" and sync.status == 200
    commands = {c["name"]: c for c in sync.json}
    assert set(commands) == {"ask", "status", "reindex"}
    assert commands["ask"]["description"] == "Answer a question with passages quoted from the documents."
    question, k = commands["ask"]["options"]
    assert (question["name"], question["type"], question["required"]) == ("question", 3, True)
    assert (k["name"], k["type"], k["min_value"], k["max_value"]) == ("k", 4, 1, 5)
    assert int(commands["reindex"]["default_member_permissions"]) == 8  # hidden from non-administrators
    identify = await fake.frames.wait_for(lambda f: f.op == 2)
    assert identify.d["intents"] & (1 << 15) == 0  # no privileged message-content intent needed


async def test_a_mention_is_answered_as_a_reply(fake: FakeDiscord, citebot: object) -> None:
    asked = await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
    reply = await fake.wait_for(posted_to(fake.world.general_id))
    assert reply.status == 200
    assert reply.json["content"] == f"**Q:** {QUESTION}"
    assert int(reply.json["message_reference"]["message_id"]) == int(asked["id"])
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert_cites_the_article(reply.json)
    buttons = [b["custom_id"] for row in reply.json["components"] for b in row["components"]]
    assert any(c.startswith("citebot:right:") for c in buttons) and any(c.startswith("citebot:wrong:") for c in buttons)
    assert_pings_no_one(reply)
    typing = fake.requests.matching(lambda r: r.path == f"/channels/{fake.world.general_id}/typing")
    assert typing and typing[0].at < reply.at


async def test_only_messages_addressed_to_the_bot_are_answered(fake: FakeDiscord, citebot: object) -> None:
    await fake.send_message(QUESTION)  # no mention
    await fake.send_message(f"<@{fake.world.admin.id}> {QUESTION}")  # someone else's
    await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
    await fake.wait_for(posted_to(fake.world.general_id))
    await asyncio.sleep(0.5)  # the bot's own reply came back over the gateway, unanswered
    assert len(fake.requests.matching(posted_to(fake.world.general_id))) == 1


async def test_a_bare_mention_gets_a_hint(fake: FakeDiscord, citebot: object) -> None:
    await fake.send_message(f"<@{fake.world.bot.id}>")
    reply = await fake.wait_for(posted_to(fake.world.general_id))
    assert reply.json["content"] == HOW_TO_ASK


async def test_slash_ask_is_answered(fake: FakeDiscord, citebot: object) -> None:
    interaction = await fake.slash("ask", {"question": QUESTION, "k": 2})
    response = await fake.response_to(interaction)
    assert response.status == 200 and response.json["type"] == 4
    data = response.json["data"]
    assert data["content"] == f"**Q:** {QUESTION}" and data["allowed_mentions"] == NO_PINGS
    assert data.get("flags", 0) & EPHEMERAL == 0  # everyone in the channel sees the answer
    assert_cites_the_article(data)
    assert len(data["embeds"]) == 2
    assert response.at - interaction.created_at < 1.5
    assert_pings_no_one(response)


async def test_slow_answers_are_deferred_then_edited_in(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    async with running_slowly(article_retriever, article_settings, fake, tmp_path, delay=0.6, defer_after=0.2):
        interaction = await fake.slash("ask", {"question": QUESTION})
        deferred = await fake.response_to(interaction)
        assert deferred.json == {"type": 5}  # "citebot is thinking…", in public
        assert deferred.at - interaction.created_at < 0.5
        edit = await fake.wait_for(lambda r: r.path == fake.original_path(interaction) and r.method == "PATCH")
        assert edit.status == 200 and edit.json["content"] == f"**Q:** {QUESTION}"
        assert edit.json["allowed_mentions"] == NO_PINGS
        assert_cites_the_article(edit.json)
        assert edit.response["flags"] == 0  # no longer loading


async def test_a_question_with_no_confident_match_says_so(fake: FakeDiscord, citebot: object) -> None:
    interaction = await fake.slash("ask", {"question": "What is the boiling point of liquid nitrogen in kelvin?"})
    data = (await fake.response_to(interaction)).json["data"]
    assert "No confident match" in data["content"]
    assert len(data["embeds"]) == 1 and "low confidence" in data["embeds"][0]["footer"]["text"]


async def test_a_near_miss_says_what_the_passage_lacks(fake: FakeDiscord, citebot: object) -> None:
    interaction = await fake.slash("ask", {"question": "How much does one AMRAAM missile cost?"})
    data = (await fake.response_to(interaction)).json["data"]
    assert "The question asks for an amount of money; the best passage found does not state it" in data["content"]
    assert "AMRAAM" in data["embeds"][0]["description"] and "not an answer" in data["embeds"][0]["footer"]["text"]


async def test_an_empty_question_is_refused_privately(fake: FakeDiscord, citebot: object) -> None:
    interaction = await fake.slash("ask", {"question": "   "})
    response = await fake.response_to(interaction)
    assert response.json["type"] == 4 and response.json["data"]["flags"] == EPHEMERAL
    assert response.json["data"]["content"].startswith("The question is empty")


async def test_cooldown_refuses_politely_and_privately(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    settings = discord_settings(article_settings, fake, tmp_path, discord_cooldown_seconds=60)
    async with running(article_retriever, settings):
        first = await fake.slash("ask", {"question": QUESTION})
        assert (await fake.response_to(first)).json["data"]["content"].startswith("**Q:**")
        second = await fake.slash("ask", {"question": QUESTION})
        refused = (await fake.response_to(second)).json
        assert refused["type"] == 4 and refused["data"]["flags"] == EPHEMERAL
        assert refused["data"]["content"].startswith("Please wait") and "before asking" in refused["data"]["content"]
        other = await fake.slash("ask", {"question": QUESTION}, user=fake.world.admin)  # per user
        assert (await fake.response_to(other)).json["data"]["content"].startswith("**Q:**")
        await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
        mention_reply = await fake.wait_for(posted_to(fake.world.general_id))
        assert mention_reply.json["content"].startswith("Please wait") and "embeds" not in mention_reply.json


async def test_the_channel_allowlist_and_the_dm_setting(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    world = fake.world
    values = {"discord_channels": frozenset({world.general_id}), "discord_answer_dms": False}
    async with running(article_retriever, discord_settings(article_settings, fake, tmp_path, **values)):
        elsewhere = await fake.slash("ask", {"question": QUESTION}, channel_id=world.other_id)
        refusal = (await fake.response_to(elsewhere)).json["data"]
        assert refusal == {
            "content": f"I only answer in <#{world.general_id}>.",
            "flags": EPHEMERAL,
            "tts": False,
            "allowed_mentions": NO_PINGS,
        }
        await fake.send_message(f"<@{world.bot.id}> {QUESTION}", channel_id=world.other_id)
        await fake.send_message(QUESTION, channel_id=world.dm_id)
        dm_reply = await fake.wait_for(posted_to(world.dm_id))
        assert dm_reply.json["content"] == "I don't answer direct messages; ask me in a server channel."
        await asyncio.sleep(0.3)
        assert fake.requests.matching(posted_to(world.other_id)) == []


async def test_dms_are_answered_without_a_mention_when_allowed(fake: FakeDiscord, citebot: object) -> None:
    await fake.send_message(QUESTION, channel_id=fake.world.dm_id)
    reply = await fake.wait_for(posted_to(fake.world.dm_id))
    assert reply.json["content"] == f"**Q:** {QUESTION}"
    assert_cites_the_article(reply.json)
    await asyncio.sleep(0.5)  # its reply came back as a DM message too: not taken for a question
    assert len(fake.requests.matching(posted_to(fake.world.dm_id))) == 1


async def test_everyone_in_a_question_pings_no_one(fake: FakeDiscord, citebot: object) -> None:
    world = fake.world
    pings = f"@everyone @here <@{world.member.id}> <@&{world.helper_role_id}>"
    await fake.send_message(f"<@{world.bot.id}> {pings} who did Hegseth meet in Tokyo?", author=world.admin)
    reply = await fake.wait_for(posted_to(world.general_id))
    assert "@everyone" in reply.json["content"]
    assert_pings_no_one(reply)
    interaction = await fake.slash("ask", {"question": f"{pings} who did Hegseth meet in Tokyo?"}, user=world.admin)
    response = await fake.response_to(interaction)
    assert "@everyone" in response.json["data"]["content"]
    assert_pings_no_one(response)
