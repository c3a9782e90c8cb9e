"""The buttons under an answer: more results, feedback to a JSONL file, polite expiry."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.discord_app.answers import AnswerCache
from bot.discord_app.app import CiteBot
from bot.discord_app.buttons import EXPIRED, MAX_RESULTS
from bot.discord_app.services import Services
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord, Interaction
from tests.discord.support import QUESTION, discord_settings, running

pytestmark = pytest.mark.anyio
EPHEMERAL = 64


async def ask_and_answer(fake: FakeDiscord, k: int = 2) -> tuple[Interaction, dict[str, Any]]:
    interaction = await fake.slash("ask", {"question": QUESTION, "k": k})
    response = await fake.response_to(interaction)
    return interaction, response.response["resource"]["message"]


def button_ids(message: dict[str, Any], prefix: str) -> list[str]:
    ids = [b["custom_id"] for row in message["components"] for b in row["components"]]
    return [custom_id for custom_id in ids if custom_id.startswith(prefix)]


def button(message: dict[str, Any], prefix: str) -> str:
    return button_ids(message, prefix)[0]


async def test_more_results_pages_through_the_rest_to_the_presser(fake: FakeDiscord, citebot: CiteBot) -> None:
    everything = citebot.retriever.ask(QUESTION, MAX_RESULTS).hits
    _, message = await ask_and_answer(fake, k=2)
    shown = [embed["title"] for embed in message["embeds"]]
    while any(button_ids(message, "citebot:more:")):
        more = await fake.click(int(message["id"]), button_ids(message, "citebot:more:")[0])
        response = await fake.response_to(more)
        assert response.json["type"] == 4 and response.json["data"]["flags"] == EPHEMERAL
        message = response.response["resource"]["message"]
        if not message["embeds"]:  # the retriever had returned all there was, exactly a page
            assert message["content"].endswith("\nNo further passages.") and message["components"] == []
            break
        first, last = message["embeds"][0]["title"].split(".")[0], message["embeds"][-1]["title"].split(".")[0]
        assert message["content"].endswith(f"Passages {first}–{last}:" if first != last else f"Passage {first}:")
        shown += [embed["title"] for embed in message["embeds"]]
    assert shown == [f"{hit.rank}. {hit.document.title}" for hit in everything]


async def test_feedback_is_appended_to_the_jsonl_file(fake: FakeDiscord, citebot: CiteBot) -> None:
    _, message = await ask_and_answer(fake)
    right = await fake.click(int(message["id"]), button(message, "citebot:right:"))
    thanks = await fake.response_to(right)
    assert thanks.json["data"]["flags"] == EPHEMERAL and thanks.json["data"]["content"].startswith("Thank you")
    wrong = await fake.click(int(message["id"]), button(message, "citebot:wrong:"), user=fake.world.admin)
    await fake.response_to(wrong)
    lines = [json.loads(line) for line in citebot.settings.feedback_path.read_text().splitlines()]
    assert [(line["question"], line["verdict"]) for line in lines] == [(QUESTION, "right"), (QUESTION, "wrong")]
    passage = lines[0]["passage_id"]
    assert passage and passage in {p.id for p in citebot.retriever.passages}
    assert set(lines[0]) == {"question", "passage_id", "verdict", "time"}


async def test_more_results_obeys_the_cooldown(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    settings = discord_settings(article_settings, fake, tmp_path, discord_cooldown_seconds=60)
    async with running(article_retriever, settings):
        _, message = await ask_and_answer(fake)
        contents = []
        for _ in range(5):  # another user than the asker: their first press is their first retrieval
            press = await fake.click(int(message["id"]), button(message, "citebot:more:"), user=fake.world.admin)
            contents.append((await fake.response_to(press)).json["data"].get("content") or "")
    assert sum(content.startswith("Please wait") for content in contents) == 4
    assert not contents[0].startswith("Please wait")


async def test_one_verdict_per_user_and_passage_in_a_private_file(fake: FakeDiscord, citebot: CiteBot) -> None:
    _, message = await ask_and_answer(fake)
    replies = []
    for prefix in ("citebot:right:", "citebot:right:", "citebot:wrong:"):
        press = await fake.click(int(message["id"]), button(message, prefix))
        replies.append((await fake.response_to(press)).json["data"]["content"])
    other = await fake.click(int(message["id"]), button(message, "citebot:wrong:"), user=fake.world.admin)
    await fake.response_to(other)
    path = citebot.settings.feedback_path
    verdicts = [json.loads(line)["verdict"] for line in path.read_text().splitlines()]
    assert verdicts == ["right", "wrong"]  # the first user's first verdict, and the other user's
    assert replies[0].startswith("Thank you") and all(r.startswith("You already noted passage 1") for r in replies[1:])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_expired_buttons_fail_politely(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> None:
    now = [0.0]
    settings = discord_settings(article_settings, fake, tmp_path)
    services = replace(Services.from_settings(settings), answers=AnswerCache(clock=lambda: now[0]))
    async with running(article_retriever, settings, services):
        _, message = await ask_and_answer(fake)
        now[0] += 24 * 3600 + 1  # a day later
        for prefix in ("citebot:right:", "citebot:more:"):
            press = await fake.click(int(message["id"]), button(message, prefix))
            response = await fake.response_to(press)
            assert response.json["data"] == {
                "content": EXPIRED,
                "flags": EPHEMERAL,
                "tts": False,
                "allowed_mentions": {"parse": []},
            }
    assert not settings.feedback_path.exists()
