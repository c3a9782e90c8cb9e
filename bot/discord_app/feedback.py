"""Feedback buttons append {question, passage_id, verdict, time} lines to a JSONL file for evaluation."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path


class FeedbackLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()  # one writer at a time keeps lines whole

    async def record(self, question: str, passage_id: str, verdict: str) -> None:
        line = {
            "question": question,
            "passage_id": passage_id,
            "verdict": verdict,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        async with self._lock:
            await asyncio.to_thread(self._append, json.dumps(line, ensure_ascii=False) + "\n")

    def _append(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(text)
