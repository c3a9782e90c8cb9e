"""FakeDiscord: the loopback server tests start, drive and inspect."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.discord.fake_discord import interactions, messages
from tests.discord.fake_discord.gateway import PRIVILEGED, Gateway
from tests.discord.fake_discord.recorder import Frame, Recorder, Request
from tests.discord.fake_discord.replies import ANSWER, BODY, error, too_many_requests
from tests.discord.fake_discord.rest import RestApi
from tests.discord.fake_discord.webhooks import WebhookApi
from tests.discord.fake_discord.world import Interaction, Json, Person, World

log = logging.getLogger("fake_discord")
API = "/api/v10"
UNAUTHENTICATED = re.compile(r"^/(interactions/\d+/[^/]+/callback|webhooks/\d+/[^/]+)")


@dataclass
class RateLimit:
    method: str
    path: re.Pattern[str]
    retry_after: float
    is_global: bool


class FakeDiscord:
    """A Discord on 127.0.0.1 for one test. Use as `async with FakeDiscord() as fake:`."""

    def __init__(
        self,
        *,
        token: str = "fake-token",
        heartbeat_interval: float = 41.25,
        interaction_deadline: float = 3.0,
        privileged_intents: int = PRIVILEGED,
    ) -> None:
        self.token = token
        self.world = World()
        self.requests: Recorder[Request] = Recorder()
        self.frames: Recorder[Frame] = Recorder()
        self.unknown_routes: list[str] = []
        self._rate_limits: list[RateLimit] = []
        self.gateway = Gateway(
            self.world,
            token,
            self.frames,
            heartbeat_interval_ms=int(heartbeat_interval * 1000),
            privileged_intents=privileged_intents,
        )
        self._deadline = interaction_deadline
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_base(self) -> str:
        """What discord.http.Route.BASE (DISCORD_API_BASE) must be."""
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        """What DiscordWebSocket.DEFAULT_GATEWAY (DISCORD_GATEWAY_URL) must be."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def __aenter__(self) -> FakeDiscord:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.gateway.resume_url = f"ws://127.0.0.1:{self.port}/resume"
        api = web.Application()
        api.add_routes(RestApi(self.world, self.gateway, self.gateway_url).routes())
        api.add_routes(WebhookApi(self.world, self._deadline).routes())
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.add_subapp(API, api)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith(API + "/"):
            return await handler(request)
        arrived = time.monotonic()
        path = request.path.removeprefix(API)
        body = await request.read()
        request[BODY] = json.loads(body) if body and request.content_type == "application/json" else None
        if body and request[BODY] is None:
            log.error("fake Discord cannot read a %s body on %s %s", request.content_type, request.method, path)
        response = self._refuse(request, path)
        if response is None:
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                if exc.status not in (404, 405):
                    raise
                self.unknown_routes.append(f"{request.method} {path}")
                log.error("fake Discord has no route %s %s: answering 404", request.method, path)
                response = error(404, 0, "404: Not Found")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        record = Request(
            request.method,
            path,
            dict(request.query),
            request[BODY],
            headers,
            response.status,
            response.get(ANSWER),
            arrived,
        )
        self.requests.add(record)
        return response

    def _refuse(self, request: web.Request, path: str) -> web.Response | None:
        """A 401 for a wrong token, or a 429 that was asked for; None to let the request through."""
        if not UNAUTHENTICATED.match(path) and request.headers.get("Authorization") != f"Bot {self.token}":
            return error(401, 0, "401: Unauthorized")
        for limit in self._rate_limits:
            if limit.method == request.method and limit.path.fullmatch(path):
                self._rate_limits.remove(limit)
                return too_many_requests(limit.retry_after, is_global=limit.is_global)
        return None

    # What tests do to the fake

    def rate_limit_once(self, method: str, path: str, retry_after: float = 0.3, *, is_global: bool = False) -> None:
        """Answer the next `method` request whose path fully matches the regex `path` with a 429."""
        self._rate_limits.append(RateLimit(method, re.compile(path), retry_after, is_global))

    async def send_message(self, content: str, *, author: Person | None = None, channel_id: int | None = None) -> Json:
        """A user posts `content`; the bot gets MESSAGE_CREATE. Returns the stored message."""
        author = author or self.world.member
        channel_id = channel_id or self.world.general_id
        message = messages.create(self.world, channel_id, {"content": content}, author=author)
        await self.gateway.dispatch("MESSAGE_CREATE", messages.gateway_event(self.world, message))
        return message

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: Person | None = None,
        channel_id: int | None = None,
    ) -> Interaction:
        """A user runs /name with `options`; the bot gets INTERACTION_CREATE (type 2)."""
        interaction = interactions.slash_command(
            self.world, name, options or {}, user or self.world.member, channel_id or self.world.general_id
        )
        await self.gateway.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def click(self, message_id: int, custom_id: str, *, user: Person | None = None) -> Interaction:
        """A user presses a button on a stored message; the bot gets INTERACTION_CREATE (type 3)."""
        message = self.world.messages[message_id]
        interaction = interactions.button_press(self.world, message, custom_id, user or self.world.member)
        await self.gateway.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def drop(self, *, code: int = 4000, abrupt: bool = False) -> None:
        """Close the bot's websocket (with `code`, or by cutting TCP); its session stays resumable."""
        await self.gateway.drop(code=code, abrupt=abrupt)

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> Request:
        """The first REST request (already received or yet to come) matching `predicate`."""
        return await self.requests.wait_for(predicate, timeout)

    async def response_to(self, interaction: Interaction, timeout: float = 5.0) -> Request:
        """The bot's callback for `interaction`."""
        return await self.wait_for(lambda r: r.path == interaction.callback_path, timeout)

    def original_path(self, interaction: Interaction) -> str:
        return interaction.original_path(self.world.application_id)
