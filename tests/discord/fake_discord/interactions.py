"""INTERACTION_CREATE payloads: slash commands (type 2) and button presses (type 3).

Only what Discord would really send: commands must have been synced, options must be
declared by the command, buttons must exist on the message.
https://discord.com/developers/docs/interactions/receiving-and-responding
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from tests.discord.fake_discord.world import DM, Interaction, Json, Person, World

APPLICATION_COMMAND, MESSAGE_COMPONENT = 2, 3
BUTTON = 2
OPTION_TYPES: dict[int, type] = {3: str, 4: int, 5: bool, 10: float}  # string, integer, boolean, number


def find_command(world: World, name: str) -> Json:
    for guild_id in (world.guild_id, None):
        for command in world.commands.get(guild_id, []):
            if command["name"] == name and command.get("type", 1) == 1:
                return command
    raise LookupError(f"/{name} was never synced, so Discord would not offer it")


def command_options(command: Json, values: dict[str, Any]) -> list[Json]:
    declared = {option["name"]: option for option in command.get("options", [])}
    unknown = set(values) - set(declared)
    if unknown:
        raise ValueError(f"/{command['name']} declares no option {sorted(unknown)}")
    missing = [n for n, o in declared.items() if o.get("required") and n not in values]
    if missing:
        raise ValueError(f"/{command['name']} requires {missing}")
    options = []
    for name, value in values.items():
        kind = declared[name]["type"]
        if kind not in OPTION_TYPES:
            raise NotImplementedError(f"option type {kind} is not supported by the fake")
        options.append({"name": name, "type": kind, "value": OPTION_TYPES[kind](value)})
    return options


def _interaction(world: World, kind: int, data: Json, person: Person, channel_id: int, **extra: Any) -> Interaction:
    channel = world.channel_json(channel_id)
    if channel is None:
        raise LookupError(f"no channel {channel_id}")
    interaction_id, token = world.snowflake(), "itoken-" + secrets.token_urlsafe(24)
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "data": data,
        "token": token,
        "version": 1,
        "channel_id": str(channel_id),
        "channel": channel,
        "locale": "en-US",
        "app_permissions": str(world.permissions(world.bot)),
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        **extra,
    }
    if channel["type"] == DM:
        payload.update(user=person.user, context=1, authorizing_integration_owners={"1": person.user["id"]})
    else:
        guild_id = world.guild_of(channel_id)
        payload.update(
            guild_id=str(guild_id),
            guild={"id": str(guild_id), "locale": "en-US", "features": []},
            guild_locale="en-US",
            member=person.member_json(permissions=world.permissions(person)),
            context=0,
            authorizing_integration_owners={"0": str(guild_id)},
        )
    interaction = Interaction(interaction_id, token, kind, channel_id, time.monotonic(), payload)
    world.interactions[interaction_id] = interaction
    return interaction


def slash_command(world: World, name: str, values: dict[str, Any], person: Person, channel_id: int) -> Interaction:
    command = find_command(world, name)
    data: Json = {"id": command["id"], "name": name, "type": 1, "options": command_options(command, values)}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    return _interaction(world, APPLICATION_COMMAND, data, person, channel_id)


def button_press(world: World, message: Json, custom_id: str, person: Person) -> Interaction:
    buttons = [item for row in message.get("components", []) for item in row.get("components", [])]
    if not any(b.get("custom_id") == custom_id and b.get("type") == BUTTON and not b.get("disabled") for b in buttons):
        raise LookupError(f"message {message['id']} has no enabled button {custom_id!r}")
    data = {"custom_id": custom_id, "component_type": BUTTON}
    return _interaction(world, MESSAGE_COMPONENT, data, person, int(message["channel_id"]), message=message)
