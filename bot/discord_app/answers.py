"""Answers remembered for their buttons: "More results" and feedback find them by a short key.

Kept in memory for a day (and at most a thousand, the least recently used forgotten first); after
that, or after a restart, the buttons answer that they have expired. cachetools' TTLCache keeps them:
a few microseconds more per answer than the OrderedDict it replaced, against a Discord round trip of
a hundred milliseconds.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cachetools import TTLCache

from bot.records import Hit

KEY_HEX_DIGITS = 12


@dataclass
class Asked:
    """A question as answered, and every passage shown for it so far, by rank."""

    question: str
    page_size: int
    hits: dict[int, Hit] = field(default_factory=dict)
    verdicts: dict[tuple[int, int], str] = field(default_factory=dict)  # (user id, rank) -> the verdict recorded


class AnswerCache:
    def __init__(
        self, ttl: float = 24 * 3600, capacity: int = 1000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: TTLCache[str, Asked] = TTLCache(maxsize=capacity, ttl=ttl, timer=clock)

    def add(self, asked: Asked) -> str:
        key = secrets.token_hex(KEY_HEX_DIGITS // 2)
        self._entries[key] = asked
        return key

    def get(self, key: str) -> Asked | None:
        """The answer under `key`, or None once it has expired."""
        return self._entries.get(key)
