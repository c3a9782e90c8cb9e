"""A fake Discord (REST API v10 and the zlib-stream JSON gateway) on 127.0.0.1, for tests.

The real, unmodified discord.py client talks to it: point `discord.http.Route.BASE` at
`fake.api_base` and `DiscordWebSocket.DEFAULT_GATEWAY` at `fake.gateway_url`.
Everything the client sends is recorded (`fake.requests`, `fake.frames`) and can be
awaited; tests inject messages, slash commands and button presses, drop the websocket
and answer a route with a 429.

Files: `world` (who and what exists), `gateway` (sessions, RESUME), `rest` and
`webhooks` (routes), `messages`, `mentions` and `limits` (Discord's rules for what a
bot sends), `interactions` (INTERACTION_CREATE payloads), `server` (the public class);
`client` (a discord.py bot run until ready, for the tests and bench/bot_load.py).
"""

from __future__ import annotations

from tests.discord.fake_discord.recorder import Frame, Request
from tests.discord.fake_discord.server import FakeDiscord
from tests.discord.fake_discord.world import Interaction, Person, World

__all__ = ["FakeDiscord", "Frame", "Interaction", "Person", "Request", "World"]
