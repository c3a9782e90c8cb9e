"""/status, and /reindex: refused to non-administrators, swapped in live for administrators."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.discord_app.app import CiteBot
from bot.discord_app.cogs import reindex
from bot.discord_app.services import Services, rebuilder
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord
from tests.discord.support import discord_settings, running
from tests.support import ARTICLE_TITLE

pytestmark = pytest.mark.anyio
EPHEMERAL = 64
NEW_TITLE = "Kyoto Pottery Festival"
NEW_DOCUMENT = f"""{NEW_TITLE}

The annual pottery festival in Kyoto drew record crowds of glaze enthusiasts this spring.
Master potter Aiko Tanabe fired a kiln of celadon tea bowls in front of visitors.
"""
POTTERY = "Who fired celadon tea bowls at the pottery festival?"


def forbidden_rebuild(full: bool) -> tuple[str, Retriever]:
    pytest.fail("the index was rebuilt")


Starter = Callable[..., AbstractAsyncContextManager[CiteBot]]


@pytest.fixture(name="never_rebuilding")
def never_rebuilding_fixture(
    fake: FakeDiscord,
    article_retriever: Retriever,
    article_settings: Settings,
    tmp_path: Path,
) -> Starter:
    """Starts the bot on the session's article index (plus the settings given), which it must not rebuild."""

    def start(**values: Any) -> AbstractAsyncContextManager[CiteBot]:
        settings = discord_settings(article_settings, fake, tmp_path, **values)
        services = replace(Services.from_settings(settings), rebuild=forbidden_rebuild)
        return running(article_retriever, settings, services)

    return start


async def test_status_shows_what_the_index_holds(fake: FakeDiscord, citebot: Any) -> None:
    interaction = await fake.slash("status")
    response = (await fake.response_to(interaction)).json
    assert response["type"] == 4 and response["data"]["flags"] == EPHEMERAL
    fields = {f["name"]: f["value"] for f in response["data"]["embeds"][0]["fields"]}
    info = citebot.retriever.info
    assert fields["Documents"] == "1" and fields["Passages"] == str(info.passages)
    assert fields["Built"].startswith("<t:") and fields["Model"] == info.model
    assert fields["Sources"] == f"• {ARTICLE_TITLE}"


async def test_reindex_is_refused_to_members(fake: FakeDiscord, never_rebuilding: Starter) -> None:
    async with never_rebuilding():
        interaction = await fake.slash("reindex", user=fake.world.member)
        response = (await fake.response_to(interaction)).json
    assert response["type"] == 4 and response["data"]["flags"] == EPHEMERAL
    assert response["data"]["content"] == reindex.REFUSAL


async def test_reindex_swaps_the_index_while_a_question_is_in_flight(
    fake: FakeDiscord, corpus_copy: Settings, tmp_path: Path
) -> None:
    started, finish = threading.Event(), threading.Event()
    settings = discord_settings(corpus_copy, fake, tmp_path)
    build_and_open = rebuilder(settings)

    def held_rebuild(full: bool) -> tuple[str, Retriever]:
        started.set()
        rebuilt = build_and_open(full)
        assert finish.wait(10), "the test never let the rebuild finish"
        return rebuilt

    services = replace(Services.from_settings(settings), rebuild=held_rebuild)
    retriever = await asyncio.to_thread(Retriever.open, settings.retrieval)
    async with running(retriever, settings, services) as bot:
        (corpus_copy.corpus_dir / "pottery.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
        rebuild = await fake.slash("reindex", user=fake.world.admin)
        acknowledged = await fake.response_to(rebuild)
        assert acknowledged.json == {"type": 5, "data": {"flags": EPHEMERAL}}
        assert await asyncio.to_thread(started.wait, 10)

        during = await fake.slash("ask", {"question": POTTERY, "k": 1})  # answered from the old index
        old = (await fake.response_to(during)).json["data"]
        assert NEW_TITLE not in old["embeds"][0]["title"]
        busy = await fake.slash("reindex", user=fake.world.owner)  # the guild owner is an administrator too
        assert (await fake.response_to(busy)).json["data"]["content"] == reindex.BUSY

        finish.set()
        done = await fake.wait_for(lambda r: r.path == fake.original_path(rebuild) and r.method == "PATCH", 30)
        assert "1 added" in done.json["content"] and "Answers now come from the new index." in done.json["content"]
        assert bot.retriever is not retriever and bot.retriever.info.documents == 2

        after = await fake.slash("ask", {"question": POTTERY, "k": 1})
        new = (await fake.response_to(after)).json["data"]
        assert new["embeds"][0]["title"] == f"1. {NEW_TITLE}"


async def test_the_configured_owner_may_reindex_without_being_an_administrator(
    fake: FakeDiscord, never_rebuilding: Starter
) -> None:
    async with never_rebuilding(discord_owner_id=fake.world.member.id) as bot:
        bot.rebuilding = asyncio.Lock()
        await bot.rebuilding.acquire()  # stop short of rebuilding the shared session index
        interaction = await fake.slash("reindex", user=fake.world.member)
        assert (await fake.response_to(interaction)).json["data"]["content"] == reindex.BUSY


async def test_a_failed_rebuild_is_one_sentence_and_keeps_the_old_index(
    fake: FakeDiscord, corpus_copy: Settings, tmp_path: Path
) -> None:
    settings = discord_settings(corpus_copy, fake, tmp_path)
    retriever = await asyncio.to_thread(Retriever.open, settings.retrieval)
    async with running(retriever, settings) as bot:
        for document in corpus_copy.corpus_dir.iterdir():
            document.unlink()
        rebuild = await fake.slash("reindex", user=fake.world.admin)
        failed = await fake.wait_for(lambda r: r.path == fake.original_path(rebuild) and r.method == "PATCH", 10)
        assert failed.json["content"].startswith("The corpus folder") and failed.json["embeds"] == []
        assert bot.retriever is retriever
