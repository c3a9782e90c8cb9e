"""Where and how often the bot answers, and how long its buttons remember an answer."""

from __future__ import annotations

from bot.config import Settings
from bot.discord_app.answers import AnswerCache, Asked
from bot.discord_app.gate import Gate


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_is_per_user_and_ends() -> None:
    clock = Clock()
    gate = Gate(Settings(discord_cooldown_seconds=5.0), clock)
    assert gate.cooldown_refusal(1) is None
    assert gate.cooldown_refusal(1) == "Please wait 5 s before asking another question."
    assert gate.cooldown_refusal(2) is None
    clock.now += 4.2
    assert gate.cooldown_refusal(1) == "Please wait 1 s before asking another question."
    clock.now += 0.8
    assert gate.cooldown_refusal(1) is None


def test_a_refused_question_does_not_restart_the_cooldown() -> None:
    clock = Clock()
    gate = Gate(Settings(discord_cooldown_seconds=5.0), clock)
    gate.cooldown_refusal(1)
    clock.now += 3
    assert gate.cooldown_refusal(1) is not None
    clock.now += 2
    assert gate.cooldown_refusal(1) is None


def test_channel_allowlist_and_dms() -> None:
    open_gate = Gate(Settings())
    assert open_gate.place_refusal(5, private=False) is None and open_gate.place_refusal(None, private=True) is None
    gate = Gate(Settings(discord_channels=frozenset({20, 10}), discord_answer_dms=False))
    assert gate.place_refusal(10, private=False) is None
    assert gate.place_refusal(99, private=False, parent_id=20) is None  # a thread in an allowed channel
    assert gate.place_refusal(99, private=False) == "I only answer in <#10>, <#20>."
    assert gate.place_refusal(99, private=True) == "I don't answer direct messages; ask me in a server channel."


def test_answers_are_remembered_until_they_expire_or_are_crowded_out() -> None:
    clock = Clock()
    cache = AnswerCache(ttl=60, capacity=2, clock=clock)
    first = cache.add(Asked("q1", 3))
    assert cache.get(first) is not None and cache.get("0" * 12) is None
    clock.now += 61
    assert cache.get(first) is None
    second, third, fourth = (cache.add(Asked(q, 3)) for q in ("q2", "q3", "q4"))
    assert cache.get(second) is None and cache.get(third) is not None and cache.get(fourth) is not None


def test_reindex_permission_is_an_app_commands_check() -> None:
    """So a refusal goes through CiteTree's CheckFailure branch, not a test inside the command."""
    from bot.discord_app.cogs.reindex import Reindex, may_reindex

    assert may_reindex in Reindex.reindex.checks
