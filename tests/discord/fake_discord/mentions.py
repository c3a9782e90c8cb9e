"""Who a message notifies, by Discord's allowed_mentions rules.

The result fills the message's `mentions`, `mention_roles` and `mention_everyone`
fields, as Discord does: a suppressed mention is plain text and notifies no one.
https://discord.com/developers/docs/resources/message#allowed-mentions-object
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.discord.fake_discord.world import Json, World

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)\b")
DEFAULT_ALLOWED: Json = {"parse": ["users", "roles", "everyone"], "replied_user": True}


@dataclass(frozen=True)
class Mentions:
    users: tuple[int, ...]
    roles: tuple[int, ...]
    everyone: bool

    def fields(self, world: World) -> Json:
        """The message fields Discord derives from these mentions."""
        users = []
        for user_id in self.users:
            person = world.person(user_id)
            if person is not None:
                users.append({**person.user, "member": person.member_json(with_user=False)})
        return {
            "mentions": users,
            "mention_roles": [str(r) for r in self.roles],
            "mention_everyone": self.everyone,
        }


def allowed_mentions_error(allowed: Json | None) -> str | None:
    """Discord rejects `parse` naming a type that is also listed explicitly."""
    if not allowed:
        return None
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            return f"parse:[{kind}] and {kind}: [ids] are mutually exclusive."
    return None


def resolve(
    content: str,
    allowed: Json | None,
    *,
    may_mention_everyone: bool,
    replied_author: int | None,
    world: World,
) -> Mentions:
    """The users, roles and @everyone/@here that `content` really notifies."""
    rules = DEFAULT_ALLOWED if allowed is None else allowed
    parse = set(rules.get("parse") or [])
    listed_users = {int(u) for u in rules.get("users") or []}
    listed_roles = {int(r) for r in rules.get("roles") or []}
    mentionable = {int(r["id"]) for r in world.roles_json() if r["mentionable"] and int(r["id"]) != world.guild_id}

    users = [int(u) for u in USER_MENTION.findall(content)]
    users = [u for u in dict.fromkeys(users) if "users" in parse or u in listed_users]
    if replied_author is not None and rules.get("replied_user", False) and replied_author not in users:
        users.append(replied_author)
    roles = [int(r) for r in dict.fromkeys(ROLE_MENTION.findall(content))]
    roles = [r for r in roles if ("roles" in parse or r in listed_roles) and (r in mentionable or may_mention_everyone)]
    everyone = bool(EVERYONE_MENTION.search(content)) and "everyone" in parse and may_mention_everyone
    return Mentions(tuple(users), tuple(roles), everyone)
