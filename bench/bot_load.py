"""The Discord bot under load: N questions at once to the real CiteBot over the fake Discord.

The fake Discord (tests/fake_discord) runs in a process of its own, as the real one is not in the
bot's process: the event-loop stalls, threads and peak RSS measured here are the bot's alone. The
bot is `bot.discord_app.app.CiteBot` on a real index: by default the seed article (`corpus/`) built
into a temporary folder with `bot.indexer.build_index` (in a child process, so that the build's
torch does not count towards the bot's memory), or `--workdir DIR` with an index already built
there (e.g. `bench/.work/scifact`, whose questions are then SciFact claims).

Phases, one run:
1. idle: the bot is ready and nothing happens for `--idle` s (the loop-lateness baseline);
2. solo: `--solo` questions one at a time, each answered before the next (the latency baseline);
3. burst: `--questions` questions injected at once, mentions (MESSAGE_CREATE) and `/ask` slash
   commands (INTERACTION_CREATE) interleaved (`--slash-share`), each from a user of its own so the
   per-user cooldown (left at its setting) never refuses one.

Measured: whether every question got its answer (the reply to the mention; for /ask the callback, or
the edit of the deferred "thinking…" original; the fake refuses a callback later than Discord's 3 s),
latency from injection to that answer (p50/p99/max), the event loop's lateness (a task sleeping
`--tick` s in a loop in the bot's loop; each late tick is split, from the loop thread's schedstat, into
the loop's own CPU, its wait for a core, and the rest: a GIL wait), the cores the bot's process kept
busy, throughput, and RSS (VmRSS when ready, the peak while answering, the process's lifetime peak).
`--debug-loop` runs the loop in asyncio debug mode and lists the callbacks slower than `--slow` s
(figures then carry debug overhead: use that run to find what blocks, not for the numbers).

The fake sends no X-RateLimit headers, so discord.py sends one request at a time per bucket (e.g. per
channel for messages and typing) but never waits for a reset: real Discord's per-channel limits would
make the mention path slower, not faster.

    .venv/bin/python bench/bot_load.py [--questions 100] [--workdir DIR] [--slash-share 0.5] [--debug-loop]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing as mp
import os
import re
import resource
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import REPO, SCIFACT, note, percentile, print_table, questions, settings_for, write_json

if TYPE_CHECKING:
    from bot.retriever import Retriever
    from bot.settings import Settings
    from tests.fake_discord import FakeDiscord, Interaction

TOKEN = "bench-token"
ANSWERED = "**Q:**"  # how every answer (confident, low-confidence or none found) begins
ARTICLE_QUESTIONS = REPO / "tests" / "data" / "article_questions.json"
Outcome = dict[str, Any]


# The fake Discord's process


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
    from tests.fake_discord import FakeDiscord, Person
    from tests.fake_discord.world import user_json

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


# The bot's process


class LoopMonitor:
    """Sleeps `tick` s again and again in the loop it runs in and records how late each wake-up is, split
    by the loop thread's scheduler statistics into its own CPU time (the loop was busy running something),
    its wait for a core (runqueue: the machine or our own threads were using both) and the rest, which
    beyond the tick's own sleep is a wait for the GIL (held by a thread of the bot)."""

    STALL = 0.02  # a tick this late counts as a stall

    def __init__(self, tick: float) -> None:
        self.tick = tick
        # (began, lateness, loop-thread cpu, loop-thread runqueue wait, process CPU time at the end), in s
        self.samples: list[tuple[float, float, float, float, float]] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began, (cpu, queued) = loop.time(), schedstat()  # loop.time() is time.monotonic(), as the fake's
            await asyncio.sleep(self.tick)
            now, (cpu_now, queued_now) = loop.time(), schedstat()
            self.samples.append(
                (began, now - began - self.tick, cpu_now - cpu, queued_now - queued, time.process_time())
            )

    def phase(self, start: float, end: float) -> Outcome:
        """Lateness (ms) of the ticks begun in [start, end); the loop thread's CPU share; the worst tick and
        all stalls split into CPU, runqueue and other (GIL) waits."""
        inside = [sample for sample in self.samples if start <= sample[0] < end]
        ticks = [(late, cpu, queued) for _, late, cpu, queued, _ in inside]
        lateness = [late for late, _, _ in ticks]
        elapsed = sum(self.tick + late for late in lateness)
        ends = [began + self.tick + late for began, late, *_ in inside]

        def split(chosen: list[tuple[float, float, float]]) -> dict[str, float]:
            late, cpu, queued = (sum(column) for column in zip(*chosen, strict=True)) if chosen else (0, 0, 0)
            other = late - cpu - queued  # elapsed = tick + late, of which at most the tick asleep in select
            return {
                "ticks": len(chosen),
                "late_ms": late * 1000,
                "cpu_ms": cpu * 1000,
                "runqueue_ms": queued * 1000,
                "other_ms": max(other, 0.0) * 1000,
            }

        return ms(lateness) | {
            "over_100ms": sum(late > 0.1 for late in lateness),
            "loop_cpu_share": sum(cpu for _, cpu, _ in ticks) / elapsed if elapsed else float("nan"),
            # CPU time of the whole process (all its threads) per second: how many cores the bot kept busy
            "process_cores": (inside[-1][4] - inside[0][4]) / (ends[-1] - ends[0]) if len(inside) > 2 else 0.0,
            "worst": split([max(ticks)] if ticks else []),
            "stalls": split([t for t in ticks if t[0] > self.STALL]),
            "lateness": [round(late * 1000, 2) for late in lateness],
        }


def schedstat() -> tuple[float, float]:
    """The calling thread's time on a CPU and time waiting on a runqueue so far, in s (Linux schedstat)."""
    on_cpu, waiting, _ = Path("/proc/thread-self/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


class Collect(logging.Handler):
    """Keeps every warning and error the bot (discord.py, asyncio, citebot) logs during the run."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def mib(field: str) -> float:
    """A /proc/self/status figure (VmRSS, VmHWM) in MiB."""
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("nan")


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so that it measures the run alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


async def drive(retriever: Retriever, settings: Settings, conn: Connection, args: argparse.Namespace) -> Outcome:
    """Run the bot until the fake has reported on every question; the bot's side of the figures."""
    from bot.discord_app.app import CiteBot
    from tests.fake_discord.client import logged_in

    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = args.slow
    assert settings.discord_token is not None
    monitor = LoopMonitor(args.tick)
    bot = CiteBot(retriever, settings, guild_ready_timeout=0.05)
    async with logged_in(bot, settings.discord_token, timeout=60):
        watching = asyncio.create_task(monitor.run())
        try:
            idle_from = loop.time()
            await asyncio.sleep(args.idle)
            rss_ready = mib("VmRSS")
            reset = reset_peak_rss()
            conn.send("go")
            with ThreadPoolExecutor(1, thread_name_prefix="pipe") as pipe:  # not the bot's default executor
                kind, report = await asyncio.wait_for(loop.run_in_executor(pipe, conn.recv), args.timeout * 2 + 60)
            assert kind == "done"
            report["bot"] = {
                "rss_ready_mib": rss_ready,
                "rss_after_mib": mib("VmRSS"),
                "peak_rss_run_mib": mib("VmHWM") if reset else float("nan"),
                "peak_rss_lifetime_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "threads_after": len(os.listdir("/proc/self/task")),
                "idle_from": idle_from,
            }
            report["monitor"] = monitor
            return report
        finally:
            watching.cancel()


# Setup and report


def build_article_index(workdir: Path) -> None:
    """In a child process: copy corpus/ into workdir/corpus and build workdir/index with build_index."""
    from bot.indexer import build_index

    shutil.copytree(REPO / "corpus", workdir / "corpus")
    build_index(settings_for(workdir), notify=lambda message: None)


def question_pool(workdir: Path | None, data: Path, wanted: int) -> list[str]:
    if workdir is not None and (data / "queries.jsonl").is_file():
        pool = questions(data, wanted)
    else:
        groups = json.loads(ARTICLE_QUESTIONS.read_text(encoding="utf-8"))
        pool = [item["question"] for group in groups.values() for item in group]
    return [pool[i % len(pool)] for i in range(wanted)]


def make_plan(pool: list[str], solo: int, share: float) -> list[tuple[str, str]]:
    """Solo questions alternate mention and /ask; in the burst /ask takes every (1/share)-th place."""
    kinds = ["slash" if i % 2 else "mention" for i in range(solo)]
    kinds += ["slash" if int((i + 1) * share) > int(i * share) else "mention" for i in range(len(pool) - solo)]
    return list(zip(kinds, pool, strict=True))


def ms(values: Sequence[float]) -> dict[str, float]:
    scaled = [v * 1000 for v in values]
    return {
        "n": len(scaled),
        "p50": percentile(scaled, 50),
        "p90": percentile(scaled, 90),
        "p99": percentile(scaled, 99),
        "max": max(scaled, default=float("nan")),
    }


def summarize(report: Outcome, collect: Collect) -> Outcome:
    phases, bot, monitor = report["phases"], report["bot"], report.pop("monitor")
    burst, solo = report["burst"], report["solo"]
    answered = [o for o in burst if o["status"] == "answered"]
    last = max((o["final_at"] for o in answered), default=float("nan"))
    latency = {
        kind: ms([o["final_at"] - o["injected_at"] for o in answered if kind in ("all", o["kind"])])
        for kind in ("all", "mention", "slash")
    }
    latency["solo"] = ms([o["final_at"] - o["injected_at"] for o in solo if o["status"] == "answered"])
    end = max(last if answered else phases["settled"], phases["injected"])
    stalls = {
        "idle": monitor.phase(bot["idle_from"], phases["solo"]),
        "solo": monitor.phase(phases["solo"], phases["burst"]),
        "burst": monitor.phase(phases["burst"], end),
    }
    slow = [r for r in collect.records if r.name == "asyncio" and "took" in r.getMessage()]
    others = Counter(
        f"{r.levelname} {r.name}: {r.getMessage().splitlines()[0][:160]}"
        for r in collect.records
        if r not in slow and "voice will NOT be supported" not in r.getMessage()
    )
    return {
        "questions": len(burst),
        "counts": {
            kind: Counter(o["status"] for o in burst if kind in ("all", o["kind"]))
            for kind in ("all", "mention", "slash")
        },
        "deferred": sum(o["deferred"] for o in burst),
        "latency_ms": latency,
        "loop_lateness_ms": stalls,
        "throughput_qps": len(answered) / (last - phases["burst"]) if answered else 0.0,
        "burst_seconds": end - phases["burst"],
        "injection_seconds": phases["injected"] - phases["burst"],
        "memory_mib": {k: v for k, v in bot.items() if "rss" in k},
        "bot_threads_after": bot["threads_after"],
        "problems": [o for o in burst + solo if o["status"] != "answered"],
        "log": dict(others.most_common()),
        "slow_callbacks": slowest(slow),
        "requests": report["requests"],
        "burst_requests": report["burst_requests"],
        "unknown_routes": report["unknown_routes"],
        "outcomes": [
            {**o, "latency_ms": None if o["final_at"] is None else (o["final_at"] - o["injected_at"]) * 1000}
            for o in burst
        ],
    }


def slowest(records: list[logging.LogRecord], keep: int = 20) -> list[Outcome]:
    """asyncio's "Executing <callback> took N seconds" warnings (debug mode), slowest first."""
    seconds = [float(str(r.args[-1])) if isinstance(r.args, tuple) and r.args else 0.0 for r in records]
    ranked = sorted(zip(seconds, records, strict=True), key=lambda pair: -pair[0])[:keep]
    return [{"seconds": took, "what": r.getMessage()[:400]} for took, r in ranked]


def _split(part: dict[str, float]) -> str:
    return "/".join(f"{part[key]:.0f}" for key in ("cpu_ms", "runqueue_ms", "other_ms"))


def show(result: Outcome) -> None:
    counts = result["counts"]
    print_table(
        f"Answers: a burst of {result['questions']} questions ({result['deferred']} /ask deferred)",
        ["kind", "asked", "answered", "refused", "error", "missing"],
        [[k, sum(c.values()), c["answered"], c["refused"], c["error"], c["missing"]] for k, c in counts.items()],
    )
    lat = result["latency_ms"]
    solo = lat["solo"]["p50"]
    print_table(
        "Latency, injection to final answer (ms); solo: one question at a time, before the burst",
        ["questions", "n", "p50", "p90", "p99", "max", "p50/solo"],
        [[k, v["n"], v["p50"], v["p90"], v["p99"], v["max"], v["p50"] / solo] for k, v in lat.items()],
    )
    print_table(
        f"Event loop lateness of a {result['args']['tick'] * 1000:.0f} ms sleep in the bot's loop (ms); the worst"
        f" tick and all stalls (> {LoopMonitor.STALL * 1000:.0f} ms late) split into the loop thread's CPU,"
        " its wait for a core and the rest (a GIL wait)",
        [
            "phase",
            "ticks",
            "p50",
            "p99",
            "max",
            ">100 ms",
            "loop CPU %",
            "bot cores",
            "worst: cpu/queue/other",
            "stalls: n, cpu/queue/other",
        ],
        [
            [
                k,
                v["n"],
                v["p50"],
                v["p99"],
                v["max"],
                v["over_100ms"],
                100 * v["loop_cpu_share"],
                v["process_cores"],
                _split(v["worst"]),
                f"{v['stalls']['ticks']}, {_split(v['stalls'])}",
            ]
            for k, v in result["loop_lateness_ms"].items()
        ],
    )
    memory = result["memory_mib"]
    print_table(
        "Throughput and memory",
        ["figure", "value"],
        [
            ["answered questions/s (burst start to last answer)", result["throughput_qps"]],
            ["burst seconds (start to last answer)", result["burst_seconds"]],
            ["injection seconds (all events sent)", result["injection_seconds"]],
            ["bot RSS when ready (MiB)", memory["rss_ready_mib"]],
            ["bot peak RSS while answering (MiB)", memory["peak_rss_run_mib"]],
            ["bot peak RSS, whole process (MiB)", memory["peak_rss_lifetime_mib"]],
            ["bot threads after the run", result["bot_threads_after"]],
        ],
    )
    for problem in result["problems"][:10]:
        print(
            f"  not answered ({problem['kind']}, {problem['status']}): {problem['question'][:60]!r} {problem['detail']}"
        )
    for line, count in list(result["log"].items())[:10]:
        print(f"  logged {count}x: {line}")
    for slow in result["slow_callbacks"][:10]:
        coro = re.search(r"coro=<(\S+) (?:running at|done, defined at) (\S+?)>", slow["what"])
        print(f"  slow callback {slow['seconds']:.3f} s: {' '.join(coro.groups()) if coro else slow['what'][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--questions", type=int, default=100, help="questions in the burst (default 100)")
    parser.add_argument("--workdir", type=Path, help="an existing corpus + index folder (default: the article, built)")
    parser.add_argument("--data", type=Path, default=SCIFACT, help="BEIR folder whose claims --workdir asks")
    parser.add_argument("--slash-share", type=float, default=0.5, help="share of /ask in the burst (default 0.5)")
    parser.add_argument("--solo", type=int, default=6, help="questions asked one at a time first (default 6)")
    parser.add_argument("--idle", type=float, default=1.0, help="idle seconds measured first (default 1)")
    parser.add_argument("--tick", type=float, default=0.01, help="the loop monitor's sleep (default 0.01 s)")
    parser.add_argument("--cooldown", type=float, help="per-user cooldown in s (default: the setting's)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the answers")
    parser.add_argument("--debug-loop", action="store_true", help="asyncio debug mode: list slow callbacks")
    parser.add_argument("--slow", type=float, default=0.05, help="slow-callback threshold in debug mode (s)")
    args = parser.parse_args()

    from bot.discord_app.app import open_retriever

    spawn = mp.get_context("spawn")  # no fork of a process holding ONNX Runtime's threads
    with tempfile.TemporaryDirectory(prefix="bot-load-") as tmp:
        workdir = args.workdir
        if workdir is None:
            note("building the article index in a temporary folder...")
            builder = spawn.Process(target=build_article_index, args=(Path(tmp),))
            builder.start()
            builder.join()
            if builder.exitcode != 0:
                raise SystemExit(f"building the article index failed (exit {builder.exitcode})")
        settings = settings_for(workdir or Path(tmp))
        note(f"loading the index in {settings.index_dir}...")
        retriever = open_retriever(settings)
        plan = make_plan(
            question_pool(args.workdir, args.data, args.solo + args.questions), args.solo, args.slash_share
        )
        ours, theirs = spawn.Pipe()
        fake = spawn.Process(target=fake_process, args=(theirs, plan, args.solo, args.timeout), daemon=True)
        fake.start()
        theirs.close()
        _, port = ours.recv()
        values: dict[str, Any] = {
            "discord_token": TOKEN,
            "discord_api_base": f"http://127.0.0.1:{port}/api/v10",
            "discord_gateway_url": f"ws://127.0.0.1:{port}/gateway",
            "feedback_path": Path(tmp) / "feedback.jsonl",
        }
        if args.cooldown is not None:
            values["discord_cooldown_seconds"] = args.cooldown
        settings = settings.with_values(values)
        collect = Collect()
        logging.getLogger().addHandler(collect)
        note(f"bot ready to start; {args.solo} solo questions, then a burst of {args.questions}...")
        try:
            report = asyncio.run(drive(retriever, settings, ours, args), debug=args.debug_loop)
        finally:
            with contextlib.suppress(OSError):
                ours.send("stop")
            fake.join(10)
    result = summarize(report, collect)
    result["args"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    result["index"] = {
        "documents": retriever.info.documents,
        "passages": retriever.info.passages,
        "encoder": type(retriever.encoder).__name__,
        "workdir": str(args.workdir or "article (temporary)"),
    }
    result["settings"] = {
        "cooldown_s": settings.discord_cooldown_seconds,
        "mode": settings.mode,
        "executor_workers": min(32, (os.cpu_count() or 1) + 4),
    }
    show(result)
    write_json("bot_load", result)


if __name__ == "__main__":
    main()
