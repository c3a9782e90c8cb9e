"""Answers remembered for their buttons: "More results" and feedback find them by a short key.

Kept in memory for a day (and at most a thousand); after that, or after a restart,
the buttons answer that they have expired.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

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
        self.ttl = ttl
        self.capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Asked]] = OrderedDict()

    def add(self, asked: Asked) -> str:
        key = secrets.token_hex(KEY_HEX_DIGITS // 2)
        self._entries[key] = (self._clock(), asked)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return key

    def get(self, key: str) -> Asked | None:
        """The answer under `key`, or None once it has expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        added, asked = entry
        if self._clock() - added > self.ttl:
            del self._entries[key]
            return None
        return asked
