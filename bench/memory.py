"""Peak memory (RSS) of `citebot ask` and `citebot info` on a SciFact-sized index, beside the peer baseline.

Each command runs `--reps` times as a child process; its peak resident set size is the child's own
`ru_maxrss` as `os.wait4` reports it (the kernel's high-water mark, no polling). Floors: `python -c pass`
and the import of numpy, faiss, onnxruntime and tokenizers. A probe then reads /proc/self/status after
each step of an `ask` in one fresh process, to show what the memory holds.

    .venv/bin/python bench/memory.py [--reps 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from common import (
    FLOOR_IMPORTS,
    OFFLINE,
    REPO,
    citebot_command,
    clean_env,
    current_build,
    ensure_index,
    note,
    peer_command,
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
    steps[name] = {"rss": mib("VmRSS:"), "peak": mib("VmHWM:")}
step("interpreter")
import bot.cli.ask, bot.cli.main
step("import bot.cli.ask (numpy, faiss)")
from bot.retriever import Retriever
from bot.settings import Settings
settings = Settings.from_env(environ={}, dotenv=None).with_values({"corpus_dir": sys.argv[1], "index_dir": sys.argv[2]})
retriever = Retriever.open(settings, notify=lambda message: None)
step("Retriever.open (encoder, passages, FAISS, manifest)")
retriever.ask(sys.argv[3], mode="dense")
step("first ask, dense")
retriever.ask(sys.argv[3])
step("first ask, hybrid (loads BM25)")
print(json.dumps(steps))
"""


def peak_rss_mib(argv: Sequence[str], env: Mapping[str, str]) -> float:
    """The peak RSS of one run of `argv`, in MiB (the child's own ru_maxrss, in KiB on Linux)."""
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: nothing to drain while waiting
        child = subprocess.Popen(list(argv), env=dict(env), cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # so that Popen does not wait for it again
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(argv)!r} exited {child.returncode}: {errors.read().strip()[-500:]}")
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    workdir_argument(parser)
    parser.add_argument("--reps", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    settings = ensure_index(args.workdir, args.data)
    question = questions(args.data, limit=1)[0]
    env, peer_env = clean_env(), clean_env(**OFFLINE)
    python = sys.executable
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([python, "-c", "pass"], env),
        f"python -c '{FLOOR_IMPORTS}'": ([python, "-c", FLOOR_IMPORTS], env),
        "citebot info": (citebot_command(settings, "info"), env),
        "citebot ask (hybrid)": (citebot_command(settings, "ask", question), env),
        "citebot ask --mode dense": (citebot_command(settings, "ask", "--mode", "dense", question), env),
        "peer: sentence-transformers + faiss": (peer_command(current_build(settings), question), peer_env),
    }
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
    probe = [python, "-c", STEPS, str(settings.corpus_dir), str(settings.index_dir), question]
    steps: dict[str, dict[str, float]] = json.loads(
        subprocess.run(probe, env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout
    )
    rows: list[list[Any]] = []
    previous = 0.0
    for name, step in steps.items():
        rows.append([name, step["rss"], step["rss"] - previous, step["peak"]])
        previous = step["rss"]
    print_table("Inside one `ask` process (MiB, /proc/self/status)", ["after", "RSS", "+", "peak so far"], rows)
    write_json("memory", {"question": question, "peak_rss_mib": stats, "raw_mib": peaks, "ask_steps_mib": steps})


if __name__ == "__main__":
    main()
