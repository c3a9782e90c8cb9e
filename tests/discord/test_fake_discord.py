"""The fake Discord, driven by the real, unmodified discord.py client over loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from tests.discord.fake_discord import FakeDiscord, Request
from tests.discord.fake_discord.client import logged_in

pytestmark = pytest.mark.anyio
NO_PINGS = discord.AllowedMentions.none()


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval=0.2, interaction_deadline=0.5) as server:
        monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
        yield server
        assert server.unknown_routes == []


def make_bot(*, message_content: bool = True, members: bool = False) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = message_content
    intents.members = members
    return commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)


def collect_messages(bot: commands.Bot) -> list[str]:
    """The content of every message the bot receives, in order."""
    received: list[str] = []

    async def on_message(message: discord.Message) -> None:
        received.append(message.content)

    bot.add_listener(on_message)
    return received


def when(bot: commands.Bot, event: str) -> asyncio.Event:
    """An event set when the bot dispatches `event` (e.g. "on_ready")."""
    happened = asyncio.Event()

    async def listener(*args: object) -> None:
        happened.set()

    bot.add_listener(listener, event)
    return happened


def running(client: commands.Bot, token: str = "fake-token") -> AbstractAsyncContextManager[commands.Bot]:
    """Start `client` against the fake, wait for on_ready, close it afterwards."""
    return logged_in(client, token, timeout=5)


def posted_to(channel_id: int) -> Callable[[Request], bool]:
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


async def test_login_reaches_ready_with_the_test_guild(fake: FakeDiscord) -> None:
    async with running(make_bot(members=True)) as bot:
        world = fake.world
        assert bot.user is not None and bot.user.id == world.bot.id
        guild = bot.get_guild(world.guild_id)
        assert guild is not None and guild.get_channel(world.general_id) is not None
        admin = guild.get_member(world.admin.id)
        member = guild.get_member(world.member.id)
        assert admin is not None and admin.guild_permissions.administrator
        assert member is not None and not member.guild_permissions.administrator
        assert bot.application_id == world.application_id

        paths = [(r.method, r.path, r.status) for r in fake.requests]
        assert ("GET", "/users/@me", 200) in paths
        assert ("GET", "/oauth2/applications/@me", 200) in paths
        assert all("Authorization" not in r.headers for r in fake.requests)
        connection = fake.gateway.connections[0]
        assert connection.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
        identify = await fake.frames.wait_for(lambda f: f.op == 2)
        assert identify.d["token"] == "<redacted>"
        assert identify.d["intents"] == bot.intents.value
        await fake.frames.wait_for(lambda f: f.op == 1 and f.at > identify.at + 0.3)  # heartbeats keep coming
        assert bot.latency < 1


async def test_a_wrong_token_is_refused(fake: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with running(make_bot(), token="not-the-token"):
            pass
    assert fake.requests.items[0].status == 401


async def test_a_mention_arrives_and_a_reply_is_recorded_and_echoed(fake: FakeDiscord) -> None:
    async with running(make_bot()) as bot:
        received: list[discord.Message] = []

        async def on_message(message: discord.Message) -> None:
            received.append(message)
            if message.author != bot.user:
                await message.reply("pong @everyone", allowed_mentions=NO_PINGS)

        bot.add_listener(on_message)
        world = fake.world
        sent = await fake.send_message(f"<@{world.bot.id}> ping", author=world.member)
        request = await fake.wait_for(posted_to(world.general_id))
        assert request.json["content"] == "pong @everyone"
        assert int(request.json["message_reference"]["message_id"]) == int(sent["id"])
        assert request.json["allowed_mentions"] == {"parse": []}  # replied_user is then false
        assert request.response["mentions"] == [] and request.response["mention_everyone"] is False
        await asyncio.sleep(0.1)  # the echo of the bot's own message
        assert [m.content for m in received] == [f"<@{world.bot.id}> ping", "pong @everyone"]
        assert bot.user in received[0].mentions and received[1].author == bot.user


async def test_without_the_message_content_intent_only_mentions_carry_text(fake: FakeDiscord) -> None:
    async with running(make_bot(message_content=False)) as bot:
        received = collect_messages(bot)
        await fake.send_message("hello everyone")
        await fake.send_message(f"<@{fake.world.bot.id}> hello bot")
        await asyncio.sleep(0.1)
        assert received == ["", f"<@{fake.world.bot.id}> hello bot"]


async def test_the_fake_reports_who_a_message_would_ping(fake: FakeDiscord) -> None:
    async with running(make_bot()) as bot:
        channel = bot.get_channel(fake.world.general_id)
        assert isinstance(channel, discord.TextChannel)
        member = fake.world.member.id
        await channel.send(f"@everyone <@{member}> <@&{fake.world.helper_role_id}>")  # discord.py's defaults
        pinging = await fake.wait_for(posted_to(channel.id))
        assert pinging.response["mention_everyone"] is True
        assert [u["id"] for u in pinging.response["mentions"]] == [str(member)]
        assert pinging.response["mention_roles"] == [str(fake.world.helper_role_id)]


async def test_discord_limits_are_enforced(fake: FakeDiscord) -> None:
    async with running(make_bot()) as bot:
        channel = bot.get_channel(fake.world.general_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x" * 2001)
        assert too_long.value.status == 400 and too_long.value.code == 50035
        with pytest.raises(discord.HTTPException):
            await channel.send(embed=discord.Embed(description="y" * 4097))
        with pytest.raises(discord.HTTPException):
            await channel.send(embeds=[discord.Embed(description="z" * 1000) for _ in range(7)])  # over 6,000
        await channel.send("x" * 2000, embed=discord.Embed(description="y" * 4096))


def echo_bot() -> commands.Bot:
    bot = make_bot()

    @bot.tree.command()
    @app_commands.describe(text="what to say back")
    async def echo(interaction: discord.Interaction, text: str, slow: bool = False) -> None:
        """Says the text back."""
        if not slow:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.6)  # past the fake's 0.5 s deadline for the first response
        await interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS)

    return bot


async def test_commands_sync_and_a_slash_command_is_answered(fake: FakeDiscord) -> None:
    async with running(echo_bot()) as bot:
        synced = await bot.tree.sync()
        put = await fake.wait_for(lambda r: r.method == "PUT")
        assert put.path == f"/applications/{fake.world.application_id}/commands"
        assert put.json[0]["name"] == "echo" and put.json[0]["description"] == "Says the text back."
        assert [c.name for c in synced] == ["echo"] and synced[0].id == int(put.response[0]["id"])

        interaction = await fake.slash("echo", {"text": "hi <@&1>"})
        response = await fake.response_to(interaction)
        assert response.status == 200
        assert response.json == {
            "type": 4,
            "data": {"tts": False, "content": "hi <@&1>", "flags": 64, "allowed_mentions": {"parse": []}},
        }
        assert response.response["resource"]["message"]["flags"] == 64


async def test_a_deferred_slash_command_is_edited_later(fake: FakeDiscord) -> None:
    async with running(echo_bot()) as bot:
        await bot.tree.sync()
        interaction = await fake.slash("echo", {"text": "done", "slow": True})
        deferred = await fake.response_to(interaction)
        assert deferred.json == {"type": 5}  # thinking, not ephemeral
        assert deferred.at - interaction.created_at < 0.5
        edit = await fake.wait_for(lambda r: r.path == fake.original_path(interaction) and r.method == "PATCH")
        assert edit.status == 200 and edit.response["content"] == "done"
        assert edit.response["flags"] & 128 == 0  # no longer "thinking"


async def test_an_unsynced_command_cannot_be_injected(fake: FakeDiscord) -> None:
    async with running(echo_bot()):
        with pytest.raises(LookupError):
            await fake.slash("echo", {"text": "x"})


async def test_a_late_or_second_response_is_refused(fake: FakeDiscord) -> None:
    outcomes: list[int | None] = []
    bot = make_bot()

    @bot.tree.command()
    async def late(interaction: discord.Interaction) -> None:
        """Answers too late."""
        await asyncio.sleep(0.6)
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as exc:
            outcomes.append(exc.code)

    async with running(bot):
        await bot.tree.sync()
        interaction = await fake.slash("late")
        response = await fake.response_to(interaction, timeout=2)
        assert response.status == 404
        await asyncio.sleep(0.05)
        assert outcomes == [10062]


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-4000", "tcp-cut"])
async def test_a_dropped_socket_resumes_and_replays_what_was_missed(fake: FakeDiscord, abrupt: bool) -> None:
    async with running(make_bot()) as bot:
        received = collect_messages(bot)
        resumed = when(bot, "on_resumed")

        await fake.send_message("before")
        await fake.drop(abrupt=abrupt)
        await fake.send_message("while away")  # sequenced into the session, sent on RESUME
        await asyncio.wait_for(resumed.wait(), 2)
        await fake.send_message("after")
        await asyncio.sleep(0.1)

        assert received == ["before", "while away", "after"]
        resume = await fake.frames.wait_for(lambda f: f.op == 6)
        assert fake.gateway.connections[resume.connection - 1].path == "/resume"
        assert resume.d["seq"] == 3  # READY, GUILD_CREATE, "before"
        assert len(fake.frames.matching(lambda f: f.op == 2)) == 1  # never identified again


async def test_a_429_is_retried_after_retry_after(fake: FakeDiscord) -> None:
    async with running(make_bot()) as bot:
        channel = bot.get_channel(fake.world.general_id)
        assert isinstance(channel, discord.TextChannel)
        fake.rate_limit_once("POST", r"/channels/\d+/messages", retry_after=0.3)
        started = time.monotonic()
        await channel.send("eventually", allowed_mentions=NO_PINGS)
        attempts = fake.requests.matching(posted_to(channel.id))
        assert [r.status for r in attempts] == [429, 200]
        assert attempts[1].at - attempts[0].at >= 0.3
        assert time.monotonic() - started < 1.5


async def test_an_unknown_route_is_answered_404_and_listed(fake: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    async with running(make_bot()) as bot:
        route = discord.http.Route("GET", "/guilds/{guild_id}/bans", guild_id=fake.world.guild_id)
        with pytest.raises(discord.NotFound):
            await bot.http.request(route)
    assert fake.unknown_routes == [f"GET /guilds/{fake.world.guild_id}/bans"]
    assert "fake Discord has no route GET" in caplog.text
    fake.unknown_routes.clear()  # expected here; the fixture fails any other test that hits one
