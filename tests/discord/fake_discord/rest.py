"""REST routes a bot uses outside interactions: identity, gateway, application, commands, channels.

https://discord.com/developers/docs/reference (API v10). Paths are relative to /api/v10.
"""

from __future__ import annotations

from aiohttp import web

from tests.discord.fake_discord import messages
from tests.discord.fake_discord.gateway import Gateway
from tests.discord.fake_discord.limits import command_errors, message_errors
from tests.discord.fake_discord.replies import BODY, error, reply
from tests.discord.fake_discord.world import Json, World

DELETE_FIELDS = ("id", "channel_id", "guild_id")
UNKNOWN_REPLY = {
    "code": 50035,
    "message": "Invalid Form Body",
    "errors": {"message_reference": {"_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]}},
}


class RestApi:
    def __init__(self, world: World, gateway: Gateway, gateway_url: str) -> None:
        self.world = world
        self.gateway = gateway
        self.gateway_url = gateway_url

    def routes(self) -> list[web.RouteDef]:
        app_commands = "/applications/{app}/commands"
        guild_commands = "/applications/{app}/guilds/{guild}/commands"
        message = "/channels/{channel}/messages/{message}"
        return [
            web.get("/users/@me", self.me),
            web.get("/gateway", self.gateway_info),
            web.get("/gateway/bot", self.gateway_info),
            web.get("/oauth2/applications/@me", self.application),
            web.get("/applications/@me", self.application),
            web.get(app_commands, self.get_commands),
            web.put(app_commands, self.put_commands),
            web.get(guild_commands, self.get_commands),
            web.put(guild_commands, self.put_commands),
            web.get("/channels/{channel}", self.get_channel),
            web.post("/channels/{channel}/typing", self.typing),
            web.post("/channels/{channel}/messages", self.create_message),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
            web.post("/users/@me/channels", self.open_dm),
        ]

    async def me(self, request: web.Request) -> web.Response:
        return reply(self.world.bot.user)

    async def gateway_info(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return reply({"url": self.gateway_url, "shards": self.gateway.recommended_shards, "session_start_limit": limit})

    async def application(self, request: web.Request) -> web.Response:
        return reply(self.world.application_json())

    def _command_scope(self, request: web.Request) -> int | web.Response | None:
        if request.match_info["app"] != str(self.world.application_id):
            return error(403, 50001, "Missing Access")
        guild = request.match_info.get("guild")
        if guild is not None and int(guild) not in self.world.guild_ids:
            return error(403, 50001, "Missing Access")
        return None if guild is None else int(guild)

    async def get_commands(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        return reply(self.world.commands.get(scope, []))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        given: list[Json] = request[BODY] or []
        problems = command_errors(given)
        if problems:
            return reply(problems, 400)
        # Discord keeps a command's id when it is overwritten under the same name and type.
        old = {(c["name"], c.get("type", 1)): c["id"] for c in self.world.commands.get(scope, [])}
        stored = []
        for command in given:
            kind = command.get("type", 1)
            entry: Json = {
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "type": kind,
                "id": old.get((command["name"], kind), str(self.world.snowflake())),
                "application_id": str(self.world.application_id),
                "version": str(self.world.snowflake()),
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.world.commands[scope] = stored
        return reply(stored)

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.world.channel_json(int(request.match_info["channel"]))
        return error(404, 10003, "Unknown Channel") if channel is None else reply(channel)

    async def typing(self, request: web.Request) -> web.Response:
        return reply(None, 204)

    async def open_dm(self, request: web.Request) -> web.Response:
        if int((request[BODY] or {}).get("recipient_id", 0)) != self.world.member.id:
            return error(400, 50007, "Cannot send messages to this user")
        return reply(self.world.channel_json(self.world.dm_id))

    async def create_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel"])
        if self.world.channel_json(channel_id) is None:
            return error(404, 10003, "Unknown Channel")
        payload: Json = request[BODY] or {}
        problems = message_errors(payload, creating=True)
        reference = payload.get("message_reference")
        if (
            problems is None
            and reference
            and reference.get("fail_if_not_exists", True)
            and int(reference["message_id"]) not in self.world.messages
        ):
            problems = UNKNOWN_REPLY
        if problems:
            return reply(problems, 400)
        message = messages.create(self.world, channel_id, payload, author=self.world.bot)
        await self.gateway.dispatch("MESSAGE_CREATE", messages.gateway_event(self.world, message))
        return reply(message)

    def _message(self, request: web.Request) -> Json | None:
        message = self.world.messages.get(int(request.match_info["message"]))
        if message is None or message["channel_id"] != request.match_info["channel"]:
            return None
        return message

    async def get_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        return error(404, 10008, "Unknown Message") if message is None else reply(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if message["author"]["id"] != self.world.bot.user["id"]:
            return error(403, 50005, "Cannot edit a message authored by another user")
        return messages.edit_reply(self.world, message, request)

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        del self.world.messages[int(message["id"])]
        event = {k: v for k, v in messages.gateway_event(self.world, message).items() if k in DELETE_FIELDS}
        await self.gateway.dispatch("MESSAGE_DELETE", event)
        return reply(None, 204)
