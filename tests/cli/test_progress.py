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
