"""Where and how often citebot answers: the channel allowlist, DMs, and a per-user cooldown."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bot.config import Settings


class Gate:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.channels = settings.discord_channels
        self.answer_dms = settings.discord_answer_dms
        self.cooldown = settings.discord_cooldown_seconds
        self._clock = clock
        self._last_question: dict[int, float] = {}

    def place_refusal(self, channel_id: int | None, *, private: bool, parent_id: int | None = None) -> str | None:
        """Why citebot does not answer in this channel, or None if it does (threads follow their parent)."""
        if private:
            return None if self.answer_dms else "I don't answer direct messages; ask me in a server channel."
        if not self.channels or channel_id in self.channels or parent_id in self.channels:
            return None
        return "I only answer in " + ", ".join(f"<#{c}>" for c in sorted(self.channels)) + "."

    def cooldown_refusal(self, user_id: int) -> str | None:
        """A polite refusal if `user_id` asked too recently; otherwise None, and the question counts."""
        now = self._clock()
        wait = self._last_question.get(user_id, -math.inf) + self.cooldown - now
        if wait > 0:
            return f"Please wait {math.ceil(wait)} s before asking another question."
        if len(self._last_question) > 10_000:  # forget users whose cooldown is long over
            self._last_question = {u: t for u, t in self._last_question.items() if now - t < self.cooldown}
        self._last_question[user_id] = now
        return None
