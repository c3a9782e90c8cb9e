"""Peak memory (RSS) of `citebot ask` and `citebot info` on a SciFact-sized index, beside the peer baseline.

Each command runs `--reps` times as a child process; its peak resident set size is the child's own
`ru_maxrss` as `os.wait4` reports it (the kernel's high-water mark, no polling), taken by a small
launcher process (see `peak_rss_mib`). Floors: `python -c pass`
and the import of numpy, faiss, onnxruntime and tokenizers. A probe then reads /proc/self/status after
each step of an `ask` in one fresh process, to show what the memory holds: anonymous (private) memory,
and file pages mapped in (the index's memory-mapped vectors, shared libraries: page cache, reclaimable).

    .venv/bin/python bench/memory.py [--reps 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from common import (
    REPO,
    clean_env,
    cold_commands,
    ensure_index,
    note,
    print_table,
    questions,
    summary,
    workdir_argument,
    write_json,
)

# argv: corpus dir, index dir, question. VmRSS / VmHWM (MiB) after each step of an `ask`.
STEPS = """
import json, sys
def mib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
steps = {}
def step(name):
    steps[name] = {"rss": mib("VmRSS:"), "anon": mib("RssAnon:"), "file": mib("RssFile:"), "peak": mib("VmHWM:")}
step("interpreter")
import bot.cli.ask, bot.cli.main
step("import bot.cli.ask (numpy, faiss)")
from bot.retrieval.retriever import Retriever
from bot.config import Settings
settings = Settings.from_env(environ={}, dotenv=None).with_values({"corpus_dir": sys.argv[1], "index_dir": sys.argv[2]})
retriever = Retriever.open(settings.retrieval)
step("Retriever.open (manifest, encoder, passages, FAISS, BM25)")
retriever.ask(sys.argv[3], mode="dense")
step("first ask, dense")
retriever.ask(sys.argv[3])
step("first ask, hybrid")
print(json.dumps(steps))
"""

# argv: the command. Runs it with its output discarded; prints its ru_maxrss (KiB); exits with its code.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_mib(argv: Sequence[str], env: Mapping[str, str]) -> float:
    """The peak RSS of one run of `argv`, in MiB: the child's own ru_maxrss (KiB on Linux), from `os.wait4`.

    Linux folds the RSS of the forked image into the child's ru_maxrss at exec, so a child forked
    straight from this (big) process would report at least this process's RSS: a small launcher
    process does the fork, exec and wait4 instead.
    """
    launched = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *argv], env=dict(env), cwd=REPO, capture_output=True, text=True
    )
    if launched.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)!r} exited {launched.returncode}: {launched.stderr.strip()[-500:]}")
    return int(launched.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    workdir_argument(parser)
    parser.add_argument("--reps", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    settings = ensure_index(args.workdir, args.data, args.docs)
    question = questions(args.data, limit=1)[0]
    commands = cold_commands(settings, [question])
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    for rep in range(args.reps):
        for name, (argv, command_env) in commands.items():
            peaks[name].append(peak_rss_mib(argv, command_env))
        note(f"round {rep + 1}/{args.reps} done")
    stats = {name: summary(values) for name, values in peaks.items()}
    peer = stats["peer: sentence-transformers + faiss"]["median"]
    print_table(
        "Peak RSS per process (MiB, ru_maxrss)",
        ["command", "n", "median", "min", "max", "/ peer"],
        [[name, s["n"], s["median"], s["min"], s["max"], s["median"] / peer] for name, s in stats.items()],
    )
    probe = [sys.executable, "-c", STEPS, str(settings.corpus_dir), str(settings.index_dir), question]
    steps: dict[str, dict[str, float]] = json.loads(
        subprocess.run(probe, env=clean_env(), cwd=REPO, capture_output=True, text=True, check=True).stdout
    )
    rows: list[list[Any]] = []
    previous = 0.0
    for name, step in steps.items():
        rows.append([name, step["rss"], step["rss"] - previous, step["anon"], step["file"], step["peak"]])
        previous = step["rss"]
    print_table(
        "Inside one `ask` process (MiB, /proc/self/status; file = mapped index and library pages, reclaimable)",
        ["after", "RSS", "+", "anon", "file", "peak so far"],
        rows,
    )
    write_json("memory", {"question": question, "peak_rss_mib": stats, "raw_mib": peaks, "ask_steps_mib": steps})


if __name__ == "__main__":
    main()
