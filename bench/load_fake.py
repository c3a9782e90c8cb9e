"""The fake Discord's side of `bot_load.py`, run in a process of its own: it asks the questions and judges the answers.

`fake_process` serves tests/fake_discord, injects the planned questions (mentions as MESSAGE_CREATE, `/ask` as
INTERACTION_CREATE), waits for their answers and sends back a report of every question's outcome and every request
the bot made. An outcome is the reply to the mention; for /ask the callback, or the edit of the deferred
"thinking…" original (the fake refuses a callback later than Discord's 3 s).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.discord.fake_discord import FakeDiscord, Interaction

TOKEN = "bench-token"
ANSWERED = "**Q:**"  # how every answer (confident, low-confidence or none found) begins
Outcome = dict[str, Any]


@dataclass
class Asked:
    kind: str  # "mention" or "slash"
    question: str
    at: float  # time.monotonic() just before the event was dispatched
    message_id: int = 0
    interaction: Interaction | None = None


def fake_process(conn: Connection, plan: list[tuple[str, str]], solo: int, timeout: float) -> None:
    """Serve the fake Discord; on "go" ask `solo` questions one by one, then the rest at once; report."""
    logging.basicConfig(level=logging.WARNING, format="fake: %(levelname)s %(name)s: %(message)s")
    asyncio.run(_fake_main(conn, plan, solo, timeout))


async def _fake_main(conn: Connection, plan: list[tuple[str, str]], solo: int, timeout: float) -> None:
    from tests.discord.fake_discord import FakeDiscord, Person
    from tests.discord.fake_discord.world import user_json

    loop = asyncio.get_running_loop()
    async with FakeDiscord(token=TOKEN) as fake:
        people = [Person(user_json(fake.world.snowflake(), f"asker{i}"), []) for i in range(len(plan))]
        fake.world.people.extend(people)
        conn.send(("ready", fake.port))
        await loop.run_in_executor(None, conn.recv)  # "go"
        phases = {"solo": time.monotonic()}
        alone: list[Asked] = []
        for i in range(solo):
            alone += await _inject(fake, plan[i : i + 1], people[i : i + 1])
            await _settle(fake, alone[-1:], timeout)
        phases["burst"] = time.monotonic()
        burst = await _inject(fake, plan[solo:], people[solo:])
        phases["injected"] = time.monotonic()
        await _settle(fake, burst, timeout)
        phases["settled"] = time.monotonic()
        routes = [(r, re.sub(r"/(\d+|itoken-[\w-]+)(?=/|$)", "/{id}", r.path)) for r in fake.requests]
        requests = Counter((r.method, route, r.status) for r, route in routes)
        timeline = [(round(r.at - phases["burst"], 4), r.method, route, r.status) for r, route in routes]
        report = {
            "phases": phases,
            "solo": _outcomes(fake, alone),
            "burst": _outcomes(fake, burst),
            "requests": [[m, p, s, n] for (m, p, s), n in sorted(requests.items())],
            "burst_requests": [row for row in timeline if row[0] >= 0],  # s since the burst began
            "unknown_routes": fake.unknown_routes,
        }
        conn.send(("done", report))
        await loop.run_in_executor(None, conn.recv)  # "stop", once the bot has disconnected


async def _inject(fake: FakeDiscord, plan: Sequence[tuple[str, str]], people: Sequence[Any]) -> list[Asked]:
    async def one(kind: str, question: str, person: Any) -> Asked:
        at = time.monotonic()
        if kind == "mention":
            message = await fake.send_message(f"<@{fake.world.bot.id}> {question}", author=person)
            return Asked(kind, question, at, message_id=int(message["id"]))
        interaction = await fake.slash("ask", {"question": question}, user=person)
        return Asked(kind, question, interaction.created_at, interaction=interaction)

    return list(await asyncio.gather(*(one(k, q, p) for (k, q), p in zip(plan, people, strict=True))))


async def _settle(fake: FakeDiscord, asked: list[Asked], timeout: float) -> None:
    """Wait until every question has its final answer (or an error), at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(o["status"] == "missing" for o in _outcomes(fake, asked)):
        await asyncio.sleep(0.1)


def _outcomes(fake: FakeDiscord, asked: list[Asked]) -> list[Outcome]:
    by_path: dict[str, list[Any]] = {}
    replies: dict[int, Any] = {}  # the bot's reply, by the id of the message it replies to
    for request in fake.requests:
        by_path.setdefault(request.path, []).append(request)
        body = request.json if isinstance(request.json, dict) else {}
        reference = body.get("message_reference") or {}
        if request.method == "POST" and request.path.startswith("/channels/") and "message_id" in reference:
            replies.setdefault(int(reference["message_id"]), request)
    app = fake.world.application_id
    return [_outcome(a, by_path, replies, app) for a in asked]


def _outcome(asked: Asked, by_path: dict[str, list[Any]], replies: dict[int, Any], app: int) -> Outcome:
    base: Outcome = {"kind": asked.kind, "question": asked.question, "injected_at": asked.at, "deferred": False}
    missing = {**base, "status": "missing", "final_at": None, "detail": ""}
    if asked.interaction is None:
        reply = replies.get(asked.message_id)
        return missing if reply is None else {**base, **_judge(reply, reply.json, asked.at)}
    callbacks = by_path.get(asked.interaction.callback_path, [])
    if not callbacks:
        return missing
    first = callbacks[0]
    if first.status >= 300 or (first.json or {}).get("type") != 5:
        return {**base, **_judge(first, (first.json or {}).get("data") or {}, asked.at)}
    base["deferred"] = True
    edits = [r for r in by_path.get(asked.interaction.original_path(app), []) if r.method == "PATCH"]
    if not edits:
        return {**missing, "deferred": True, "detail": "deferred, never edited"}
    return {**base, **_judge(edits[0], edits[0].json, asked.at)}


def _judge(request: Any, payload: Any, asked_at: float) -> Outcome:
    if request.status >= 300:
        kind = (request.json or {}).get("type") if isinstance(request.json, dict) else None
        what = f"{request.path.split('/')[1]}" + (f" (callback type {kind})" if kind is not None else "")
        detail = f"{request.method} {what} HTTP {request.status} at {request.at - asked_at:.2f} s: {request.response}"
        return {"status": "error", "final_at": request.at, "detail": detail}
    content = str((payload or {}).get("content") or "")
    if content.startswith(ANSWERED):
        return {"status": "answered", "final_at": request.at, "detail": ""}
    return {"status": "refused", "final_at": request.at, "detail": content[:200]}
