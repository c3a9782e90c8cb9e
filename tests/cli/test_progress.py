"""Progress of long work where standard error is not a terminal: one line per tenth, none for short work."""

from __future__ import annotations

import re

import pytest

from bot.cli.progress import LOG_MIN_TOTAL, progress_bar


def test_a_line_per_tenth_when_not_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    advance = progress_bar(2000, "Embedding")  # capsys' stderr is not a terminal
    for _ in range(7):
        advance(300)  # 300, 600, ... 2100: crosses every tenth, some two at once
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert re.findall(r"^Embedding: (\d+)% \(", err, re.M) == ["10", "30", "40", "60", "70", "90", "100"]
    assert len(lines) == 7
    assert lines[0].startswith("Embedding: 10% (300/2,000 texts, ") and lines[0].endswith(" s)")


def test_short_work_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    advance = progress_bar(LOG_MIN_TOTAL - 1, "Embedding")
    advance(LOG_MIN_TOTAL - 1)
    assert capsys.readouterr().err == ""


def test_slow_work_prints_a_line_at_least_every_few_seconds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([0.0, 0.0, 16.0, 17.0, 40.0])
    monkeypatch.setattr("bot.cli.progress.time.perf_counter", lambda: next(clock))
    advance = progress_bar(100_000, "Embedding")
    for _ in range(4):
        advance(10)  # far from a tenth: only the clock prints
    assert capsys.readouterr().err.splitlines() == [
        "Embedding: 0% (20/100,000 texts, 16 s)",
        "Embedding: 0% (40/100,000 texts, 40 s)",
    ]
