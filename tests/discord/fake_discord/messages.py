"""Creating and editing stored messages the way Discord fills them in."""

from __future__ import annotations

from aiohttp import web

from tests.discord.fake_discord.limits import message_errors
from tests.discord.fake_discord.mentions import resolve
from tests.discord.fake_discord.replies import BODY, reply
from tests.discord.fake_discord.world import GUILD_TEXT, MENTION_EVERYONE, Json, Person, World, now_iso

EPHEMERAL = 1 << 6
LOADING = 1 << 7
DEFAULT, REPLY, CHAT_INPUT_COMMAND = 0, 19, 20


def create(
    world: World, channel_id: int, payload: Json, *, author: Person, kind: int = DEFAULT, flags: int = 0
) -> Json:
    """Store a new message built from a create payload; return it as Discord's REST answer."""
    message: Json = {
        "id": str(world.snowflake()),
        "channel_id": str(channel_id),
        "author": author.user,
        "content": "",
        "embeds": [],
        "components": [],
        "attachments": [],
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": bool(payload.get("tts", False)),
        "pinned": False,
        "type": kind,
        "flags": flags,
    }
    reference = payload.get("message_reference")
    referenced = world.messages.get(int(reference["message_id"])) if reference else None
    if referenced is not None:
        message["type"] = REPLY
        message["message_reference"] = {"type": 0, "message_id": referenced["id"], "channel_id": str(channel_id)}
        message["referenced_message"] = referenced
    _fill(world, message, payload, author=author, edited=False)
    world.messages[int(message["id"])] = message
    return message


def edit(world: World, message: Json, payload: Json) -> Json:
    author = world.person(int(message["author"]["id"]))
    assert author is not None
    _fill(world, message, payload, author=author, edited=True)
    return message


def edit_reply(world: World, message: Json, request: web.Request) -> web.Response:
    """Apply the edit in the PATCH `request` to `message` and answer with it, or with the 400 of an invalid edit."""
    payload: Json = request[BODY] or {}
    problems = message_errors(payload, creating=False)
    return reply(problems, 400) if problems else reply(edit(world, message, payload))


def _fill(world: World, message: Json, payload: Json, *, author: Person, edited: bool) -> None:
    for key, empty in (("content", ""), ("embeds", []), ("components", [])):
        if key in payload:
            message[key] = payload[key] or empty
    message["embeds"] = [{"type": "rich", **embed} for embed in message["embeds"]]
    if edited:
        message["edited_timestamp"] = now_iso()
        message["flags"] = (message["flags"] & ~LOADING) | int(payload.get("flags") or 0)
    replied = message.get("referenced_message")
    mentions = resolve(
        message["content"],
        payload.get("allowed_mentions"),
        may_mention_everyone=bool(world.permissions(author) & MENTION_EVERYONE),
        replied_author=int(replied["author"]["id"]) if replied else None,
        world=world,
    )
    message.update(mentions.fields(world))


def gateway_event(world: World, message: Json) -> Json:
    """MESSAGE_CREATE's payload: the message plus guild_id and the author's member in a guild."""
    channel = world.channel_json(int(message["channel_id"]))
    if channel is None or channel["type"] != GUILD_TEXT:
        return message
    author = world.person(int(message["author"]["id"]))
    assert author is not None
    guild_id = world.guild_of(int(message["channel_id"]))
    return {**message, "guild_id": str(guild_id), "member": author.member_json(with_user=False)}
