"""What exists on the fake Discord: one application, one guild (more on request), its people, channels
and messages.

Everything is kept as the JSON Discord itself would send (ids as strings), so that
payloads handed to the client are exactly what the real API documents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
EVERYONE_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
# The bot may mention everyone, so a missing allowed_mentions would really ping.
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | EMBED_LINKS | MENTION_EVERYONE
ALL_PERMISSIONS = (1 << 53) - 1

# Channel types
GUILD_TEXT = 0
DM = 1


class Snowflakes:
    """Unique, increasing ids whose timestamps are now (discord.utils.snowflake_time agrees)."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(now, self._last + 1)
        return self._last


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events (https://discord.com/developers/docs/events/gateway#sharding)."""
    return (guild_id >> 22) % shard_count


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_json(user_id: int, name: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None if bot else name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


@dataclass
class Person:
    """A user and, in the guild, their member record."""

    user: Json
    role_ids: list[int]

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def member_json(self, *, with_user: bool = True, permissions: int | None = None) -> Json:
        member: Json = {
            "roles": [str(r) for r in self.role_ids],
            "nick": None,
            "avatar": None,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            member["user"] = self.user
        if permissions is not None:
            member["permissions"] = str(permissions)
        return member


@dataclass
class Interaction:
    """An interaction the fake sent, with what the bot has done about it so far."""

    id: int
    token: str
    type: int
    channel_id: int
    created_at: float  # time.monotonic()
    payload: Json
    response_type: int | None = None
    ephemeral: bool = False
    original_message_id: int | None = None

    @property
    def callback_path(self) -> str:
        return f"/interactions/{self.id}/{self.token}/callback"

    def webhook_path(self, application_id: int) -> str:
        return f"/webhooks/{application_id}/{self.token}"

    def original_path(self, application_id: int) -> str:
        return f"{self.webhook_path(application_id)}/messages/@original"


@dataclass
class World:
    """The mutable state of the fake Discord. Ids are generated fresh for each instance."""

    snowflake: Snowflakes = field(default_factory=Snowflakes)
    commands: dict[int | None, list[Json]] = field(default_factory=dict)  # guild id (None: global)
    messages: dict[int, Json] = field(default_factory=dict)
    interactions: dict[int, Interaction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        new = self.snowflake
        self.application_id = new()
        self.guild_id = new()
        self.admin_role_id = new()
        self.bot_role_id = new()
        self.helper_role_id = new()
        self.bot = Person(user_json(self.application_id, "citebot", bot=True), [self.bot_role_id])
        self.owner = Person(user_json(new(), "owner"), [])
        self.admin = Person(user_json(new(), "admin"), [self.admin_role_id])
        self.member = Person(user_json(new(), "member"), [])
        self.people = [self.bot, self.owner, self.admin, self.member]
        self.general_id = new()
        self.other_id = new()
        self.dm_id = new()  # the DM channel between the bot and `member`
        self.extra_guilds: dict[int, int] = {}  # guilds added by add_guild: id -> its one text channel

    def add_guild(self, shard_id: int = 0, shard_count: int = 1) -> tuple[int, int]:
        """Another guild with the same people and one text channel, on shard `shard_id` of `shard_count`
        (Discord's rule: (guild_id >> 22) % shard_count); returns (guild id, channel id)."""
        guild_id = self.snowflake()
        while shard_of(guild_id, shard_count) != shard_id:
            guild_id = self.snowflake()
        self.extra_guilds[guild_id] = self.snowflake()
        return guild_id, self.extra_guilds[guild_id]

    @property
    def guild_ids(self) -> list[int]:
        return [self.guild_id, *self.extra_guilds]

    def guild_of(self, channel_id: int) -> int | None:
        """The guild a channel belongs to (None for the DM channel or an unknown one)."""
        if channel_id in (self.general_id, self.other_id):
            return self.guild_id
        return next((g for g, c in self.extra_guilds.items() if c == channel_id), None)
    def person(self, user_id: int) -> Person | None:
        return next((p for p in self.people if p.id == user_id), None)

    def roles_json(self, guild_id: int | None = None) -> list[Json]:
        def role(role_id: int, name: str, permissions: int, position: int, **extra: Any) -> Json:
            return {
                "id": str(role_id),
                "name": name,
                "permissions": str(permissions),
                "position": position,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "managed": False,
                "mentionable": True,
                "icon": None,
                "unicode_emoji": None,
                "flags": 0,
                **extra,
            }

        return [
            role(guild_id or self.guild_id, "@everyone", EVERYONE_PERMISSIONS, 0),
            role(self.helper_role_id, "helpers", EVERYONE_PERMISSIONS, 1),
            role(self.admin_role_id, "admins", ADMINISTRATOR, 2),
            role(self.bot_role_id, "citebot", BOT_PERMISSIONS, 3, managed=True, tags={"bot_id": str(self.bot.id)}),
        ]

    def permissions(self, person: Person) -> int:
        """Guild-level permissions, as Discord computes them (no channel overwrites here)."""
        if person.id == self.owner.id:
            return ALL_PERMISSIONS
        granted = 0
        for role in self.roles_json():
            if int(role["id"]) == self.guild_id or int(role["id"]) in person.role_ids:
                granted |= int(role["permissions"])
        return ALL_PERMISSIONS if granted & ADMINISTRATOR else granted

    def channel_json(self, channel_id: int) -> Json | None:
        if channel_id == self.dm_id:
            return {"id": str(self.dm_id), "type": DM, "last_message_id": None, "recipients": [self.member.user]}
        names = {self.general_id: "general", self.other_id: "other"}
        names.update({c: "general" for c in self.extra_guilds.values()})
        guild_id = self.guild_of(channel_id)
        if channel_id not in names or guild_id is None:
            return None
        return {
            "id": str(channel_id),
            "type": GUILD_TEXT,
            "guild_id": str(guild_id),
            "name": names[channel_id],
            "position": 0 if channel_id == self.general_id else list(names).index(channel_id),
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
        }

    def guild_create_json(self, *, all_members: bool, guild_id: int | None = None) -> Json:
        """GUILD_CREATE; without the GUILD_MEMBERS intent Discord lists only the bot itself."""
        guild_id = guild_id or self.guild_id
        members = self.people if all_members else [self.bot]
        own = (self.general_id, self.other_id) if guild_id == self.guild_id else (self.extra_guilds[guild_id],)
        channels = [self.channel_json(c) for c in own]
        return {
            "id": str(guild_id),
            "name": "Test Guild" if guild_id == self.guild_id else f"Guild {guild_id}",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(own[0]),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500000,
            "features": [],
            "roles": self.roles_json(guild_id),
            "emojis": [],
            "stickers": [],
            # GUILD_CREATE-only fields
            "joined_at": "2024-01-01T00:00:00+00:00",
            "large": False,
            "unavailable": False,
            "member_count": len(self.people),
            "members": [p.member_json() for p in members],
            "channels": channels,
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def application_json(self) -> Json:
        return {
            "id": str(self.application_id),
            "name": "citebot",
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.user,
            "team": None,
            "verify_key": "0" * 64,
            "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED
            "bot": self.bot.user,
            "interactions_endpoint_url": None,
        }
