"""Two bots, each holding one of two shards (two processes, as far as Discord and the database can
tell), answering through one fake Discord from one database: one command sync, a /reindex from one
served by both without a restart, feedback from both in one table, the question log, shared cooldowns."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord_app.app import CiteBot
from bot.discord_app.shared import Where
from bot.index.open import build, version_of
from bot.index.postgres import activity
from bot.index.postgres.connect import database
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord
from tests.discord.fake_discord.world import shard_of
from tests.discord.support import QUESTION, discord_settings, running
from tests.support import DATA

pytestmark = [pytest.mark.postgres, pytest.mark.anyio]
CYCLISTS = DATA / "heldout" / "corpus" / "23245050.txt"
CYCLISTS_QUESTION = "Which nutrients did the diets of the female cyclists lack?"
CYCLISTS_TITLE = "Dietary status of trained female cyclists"


@pytest.fixture
def shared(pg: Settings) -> Settings:
    """The article, built into the test's schema."""
    build(pg.indexing)
    return pg


@pytest.fixture
async def two_shards(fake: FakeDiscord, shared: Settings, tmp_path: Path) -> AsyncIterator[dict[int, CiteBot]]:
    """Shard id -> the bot holding it; the fake's first guild is on one shard, a second guild on the other."""
    first = shard_of(fake.world.guild_id, 2)
    fake.world.add_guild(shard_id=1 - first, shard_count=2)
    async with AsyncExitStack() as stack:
        bots = {}
        for shard in (0, 1):  # shard 0 first: it syncs the commands the other relies on
            settings = discord_settings(shared, fake, tmp_path, discord_shard_count=2, discord_shard_ids=str(shard))
            retriever = await asyncio.to_thread(Retriever.open, settings.retrieval)
            bots[shard] = await stack.enter_async_context(running(retriever, settings))
            bots[shard].follower.check_every = 0.0  # check the generation at every question
        yield bots


def channel_on(fake: FakeDiscord, shard: int) -> int:
    world = fake.world
    if shard_of(world.guild_id, 2) == shard:
        return world.general_id
    return next(channel for guild, channel in world.extra_guilds.items() if shard_of(guild, 2) == shard)


async def test_each_shard_answers_its_guilds_from_one_database(
    fake: FakeDiscord, two_shards: dict[int, CiteBot], shared: Settings
) -> None:
    syncs = fake.requests.matching(lambda r: r.method == "PUT" and r.path.endswith("/commands"))
    assert len(syncs) == 1  # by the process holding shard 0 only
    for shard, bot in two_shards.items():
        assert [guild.id for guild in bot.guilds] == [g for g in fake.world.guild_ids if shard_of(g, 2) == shard]
    asked: dict[int, list[str]] = {0: [], 1: []}
    for shard, bot in two_shards.items():
        original = bot.ask

        async def counted(question: str, k: int, where: Where | None = None, shard: int = shard, original=original):
            asked[shard].append(question)
            return await original(question, k, where)

        bot.ask = counted  # type: ignore[method-assign]
    messages = {}
    for shard in (0, 1):
        interaction = await fake.slash("ask", {"question": QUESTION, "k": 2}, channel_id=channel_on(fake, shard))
        messages[shard] = (await fake.response_to(interaction)).response["resource"]["message"]
        assert messages[shard]["embeds"][0]["title"].endswith("US-Japan Alliance Amid China Concerns")
    assert asked == {0: [QUESTION], 1: [QUESTION]}  # each guild's question went to its shard's bot

    for shard, verdict in ((0, "right"), (1, "wrong")):
        message = messages[shard]
        custom_id = next(
            b["custom_id"]
            for row in message["components"]
            for b in row["components"]
            if b["custom_id"].startswith(f"citebot:{verdict}:")
        )
        await fake.response_to(await fake.click(int(message["id"]), custom_id))
    assert shared.database is not None
    db = database(shared.database)
    assert [(f["question"], f["verdict"]) for f in activity.feedback(db)] == [(QUESTION, "right"), (QUESTION, "wrong")]
    log = activity.questions(db)
    assert [(a.question, a.answered, a.user_id) for a in log] == [(QUESTION, True, None)] * 2
    assert {a.channel_id for a in log} == {channel_on(fake, 0), channel_on(fake, 1)}


async def test_a_reindex_from_one_shard_is_served_by_both(
    fake: FakeDiscord, two_shards: dict[int, CiteBot], shared: Settings
) -> None:
    before = {shard: version_of(bot.retriever.index) for shard, bot in two_shards.items()}
    shutil.copy(CYCLISTS, shared.corpus_dir)
    rebuild = await fake.slash("reindex", user=fake.world.admin, channel_id=channel_on(fake, 0))
    done = await fake.wait_for(lambda r: r.path == fake.original_path(rebuild) and r.method == "PATCH", 60)
    assert "1 added" in done.json["content"]
    interaction = await fake.slash("ask", {"question": CYCLISTS_QUESTION, "k": 1}, channel_id=channel_on(fake, 1))
    answer = (await fake.response_to(interaction, timeout=30)).json["data"]
    assert answer["embeds"][0]["title"] == f"1. {CYCLISTS_TITLE}"  # shard 1 never rebuilt, yet serves the new index
    after = {shard: version_of(bot.retriever.index) for shard, bot in two_shards.items()}
    assert before[0] == before[1] and after[0] == after[1] == before[0] + 1  # type: ignore[operator]


async def test_cooldowns_hold_across_shards(fake: FakeDiscord, two_shards: dict[int, CiteBot]) -> None:
    for bot in two_shards.values():
        bot.gate.cooldown = 60.0
    first = await fake.slash("ask", {"question": QUESTION}, channel_id=channel_on(fake, 0))
    assert (await fake.response_to(first)).json["type"] in (4, 5)
    second = await fake.slash("ask", {"question": QUESTION}, channel_id=channel_on(fake, 1))
    refusal = (await fake.response_to(second)).json["data"]["content"]
    assert refusal.startswith("Please wait ") and refusal.endswith(" s before asking another question.")
