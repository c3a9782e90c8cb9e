"""The Discord bot under load: N questions at once to the real CiteBot over the fake Discord.

The fake Discord (tests/fake_discord) runs in a process of its own, as the real one is not in the
bot's process: the event-loop stalls, threads and peak RSS measured here are the bot's alone. The
bot is `bot.discord_app.app.CiteBot` on a real index: by default the seed article (`corpus/`) built
into a temporary folder with `bot.index.builder.build_index` (in a child process, so that the build's
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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import REPO, SCIFACT, ms, note, print_table, questions, settings_for, write_json
from load_fake import TOKEN, Outcome, fake_process
from loop_monitor import LoopMonitor

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.retrieval.retriever import Retriever

ARTICLE_QUESTIONS = REPO / "tests" / "data" / "article_questions.json"


# The bot's process


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
    from bot.discord_app.main import point_at
    from tests.discord.fake_discord.client import logged_in

    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = args.slow
    assert settings.discord_token is not None
    monitor = LoopMonitor(args.tick)
    point_at(settings)
    bot = CiteBot(retriever, settings, guild_ready_timeout=0.05)
    async with logged_in(bot, settings.discord_token.reveal(), timeout=60):
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
    from bot.index.builder import build_index

    shutil.copytree(REPO / "corpus", workdir / "corpus")
    build_index(settings_for(workdir).indexing)


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

    from bot.discord_app.services import open_retriever

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
