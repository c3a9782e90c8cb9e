"""The event-loop lateness monitor of `bot_load.py`: a task in the bot's loop that sleeps a tick again and again.

Each wake-up's lateness is split, from the loop thread's Linux schedstat, into the loop's own CPU time (it was busy
running something), its wait for a core (runqueue) and the rest: beyond the tick's own sleep, a wait for the GIL.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from common import ms


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

    def phase(self, start: float, end: float) -> dict[str, Any]:
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
