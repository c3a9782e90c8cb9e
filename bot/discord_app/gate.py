"""Where and how often citebot answers: the channel allowlist, DMs, and a per-user cooldown."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import discord
from discord.ext import commands

from bot.config import Settings


def thread_parent(channel: object) -> int | None:
    """The channel a thread belongs to (a thread follows its parent's place rules), else None."""
    return channel.parent_id if isinstance(channel, discord.Thread) else None


class Gate:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.channels = settings.discord_channels
        self.answer_dms = settings.discord_answer_dms
        self.cooldown = settings.discord_cooldown_seconds
        self._clock = clock
        # One question per `cooldown` seconds per user id; idle users are forgotten by the mapping itself.
        self._questions: commands.CooldownMapping[int] = commands.CooldownMapping.from_cooldown(
            1, self.cooldown, lambda user_id: user_id
        )

    def place_refusal(self, channel_id: int | None, *, private: bool, parent_id: int | None = None) -> str | None:
        """Why citebot does not answer in this channel, or None if it does (threads follow their parent)."""
        if private:
            return None if self.answer_dms else "I don't answer direct messages; ask me in a server channel."
        if not self.channels or channel_id in self.channels or parent_id in self.channels:
            return None
        return "I only answer in " + ", ".join(f"<#{c}>" for c in sorted(self.channels)) + "."

    def cooldown_refusal(self, user_id: int) -> str | None:
        """A polite refusal if `user_id` asked too recently; otherwise None, and the question counts."""
        if self.cooldown <= 0:
            return None
        now = self._clock()
        bucket = self._questions.get_bucket(user_id, now)
        assert bucket is not None  # a mapping made from a cooldown always has one
        wait = bucket.update_rate_limit(now)
        if wait is None:
            return None
        if wait <= 0:  # exactly at the end of the cooldown: over, and this question starts the next one
            bucket.reset()
            bucket.update_rate_limit(now)
            return None
        return f"Please wait {math.ceil(wait)} s before asking another question."
