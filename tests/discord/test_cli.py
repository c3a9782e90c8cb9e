"""`python -m bot discord`, as a user runs it: token and endpoints from the environment."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord_app.main import MISSING_TOKEN
from tests.discord.fake_discord import FakeDiscord
from tests.discord.support import QUESTION, TOKEN, posted_to
from tests.support import REPO

pytestmark = pytest.mark.anyio


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """A clean environment: no DISCORD_*/CITEBOT_* of the developer's, no .env (the cwd is empty)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CITEBOT_"))}
    return {
        **kept,
        "PYTHONPATH": str(REPO),
        "CITEBOT_CORPUS_DIR": str(settings.corpus_dir),
        "CITEBOT_INDEX_DIR": str(settings.index_dir),
        **extra,
    }


async def test_without_a_token_it_exits_with_one_sentence(article_settings: Settings, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "discord",
        cwd=tmp_path, env=environment(article_settings), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await process.communicate()
    assert process.returncode != 0
    assert stderr.decode().strip() == f"error: {MISSING_TOKEN}"


async def test_it_connects_answers_and_never_prints_the_token(
    fake: FakeDiscord, article_settings: Settings, tmp_path: Path
) -> None:
    env = environment(
        article_settings,
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        CITEBOT_FEEDBACK_PATH=str(tmp_path / "feedback.jsonl"),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "discord", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_for(lambda r: r.method == "PUT", timeout=60)  # logged in, commands synced
        await fake.frames.wait_for(lambda f: f.op == 2, timeout=10)
        await fake.send_message(f"<@{fake.world.bot.id}> {QUESTION}")
        reply = await fake.wait_for(posted_to(fake.world.general_id), timeout=10)
        assert reply.json["content"] == f"**Q:** {QUESTION}"
    finally:
        process.terminate()
        _, stderr = await process.communicate()
    log = stderr.decode()
    assert "synced slash commands: /ask, /status, /reindex" in log
    assert TOKEN not in log
