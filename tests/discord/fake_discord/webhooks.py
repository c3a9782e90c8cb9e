"""Answering interactions: the callback (once, within the deadline) and the webhook that follows.

https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
"""

from __future__ import annotations

import time

from aiohttp import web

from tests.discord.fake_discord import messages
from tests.discord.fake_discord.interactions import MESSAGE_COMPONENT
from tests.discord.fake_discord.limits import message_errors
from tests.discord.fake_discord.replies import BODY, error, reply
from tests.discord.fake_discord.world import Interaction, Json, World

# callback types
MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL = 4, 5, 6, 7, 9
COMPONENT_ONLY = (DEFERRED_UPDATE, UPDATE_MESSAGE)


def unknown_webhook() -> web.Response:
    return error(404, 10015, "Unknown Webhook")


class WebhookApi:
    def __init__(self, world: World, deadline: float) -> None:
        self.world = world
        self.deadline = deadline  # seconds to send the initial response (Discord: 3)

    def routes(self) -> list[web.RouteDef]:
        webhook = "/webhooks/{app}/{token}"
        message = webhook + "/messages/{message}"
        return [
            web.post("/interactions/{id}/{token}/callback", self.callback),
            web.post(webhook, self.followup),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
        ]

    async def callback(self, request: web.Request) -> web.Response:
        interaction = self.world.interactions.get(int(request.match_info["id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            return error(404, 10062, "Unknown interaction")
        if interaction.response_type is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - interaction.created_at > self.deadline:
            return error(404, 10062, "Unknown interaction")
        body: Json = request[BODY] or {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind in COMPONENT_ONLY and interaction.type != MESSAGE_COMPONENT:
            return error(400, 50035, "Invalid Form Body: this callback type is for components")
        if kind not in (MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL):
            return error(400, 50035, f"Invalid Form Body: unsupported callback type {kind}")
        if kind in (MESSAGE, UPDATE_MESSAGE):
            problems = message_errors(data, creating=kind == MESSAGE)
            if problems:
                return reply(problems, 400)
        message = self._respond(interaction, kind, data)
        interaction.response_type = kind
        if request.query.get("with_response") not in ("1", "true"):
            return reply(None, 204)
        result: Json = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_loading": kind == DEFERRED_MESSAGE,
                "response_message_ephemeral": interaction.ephemeral,
            }
        }
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        return reply(result)

    def _respond(self, interaction: Interaction, kind: int, data: Json) -> Json | None:
        """Create or change the message the response is about; None for a modal."""
        flags = int(data.get("flags") or 0) & messages.EPHEMERAL
        if kind in (MESSAGE, DEFERRED_MESSAGE):
            interaction.ephemeral = bool(flags)
            if kind == DEFERRED_MESSAGE:
                data, flags = {}, flags | messages.LOADING
            message = messages.create(
                self.world,
                interaction.channel_id,
                data,
                author=self.world.bot,
                kind=messages.CHAT_INPUT_COMMAND,
                flags=flags,
            )
            interaction.original_message_id = int(message["id"])
            return message
        if kind in COMPONENT_ONLY:
            message = self.world.messages[int(interaction.payload["message"]["id"])]
            interaction.original_message_id = int(message["id"])
            return messages.edit(self.world, message, data) if kind == UPDATE_MESSAGE else message
        return None

    def _interaction(self, request: web.Request) -> Interaction | None:
        """The acknowledged interaction this webhook token belongs to."""
        if request.match_info["app"] != str(self.world.application_id):
            return None
        token = request.match_info["token"]
        found = next((i for i in self.world.interactions.values() if i.token == token), None)
        return found if found is not None and found.response_type is not None else None

    def _message(self, request: web.Request) -> Json | None:
        interaction = self._interaction(request)
        if interaction is None:
            return None
        wanted = request.match_info["message"]
        message_id = interaction.original_message_id if wanted == "@original" else int(wanted)
        return self.world.messages.get(message_id) if message_id is not None else None

    async def followup(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request)
        if interaction is None:
            return unknown_webhook()
        payload: Json = request[BODY] or {}
        problems = message_errors(payload, creating=True)
        if problems:
            return reply(problems, 400)
        flags = int(payload.get("flags") or 0) & messages.EPHEMERAL
        message = messages.create(self.world, interaction.channel_id, payload, author=self.world.bot, flags=flags)
        return reply(message) if request.query.get("wait") in ("1", "true") else reply(None, 204)

    async def get_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        return unknown_webhook() if message is None else reply(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        return unknown_webhook() if message is None else messages.edit_reply(self.world, message, request)

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message is None:
            return unknown_webhook()
        del self.world.messages[int(message["id"])]
        return reply(None, 204)
