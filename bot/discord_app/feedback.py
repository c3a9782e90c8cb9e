"""Feedback buttons append {question, passage_id, verdict, time} lines to a JSONL file for evaluation."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import ConfigError


class FeedbackLog:
    """The file holds users' questions: citebot creates it readable by its owner only (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()  # one writer at a time keeps lines whole

    def check(self) -> None:
        """ConfigError at start-up if feedback could not be written at the first press."""
        path = self.path
        problem = None
        if path.exists():
            if not path.is_file():
                problem = "it is not a file"
            elif not os.access(path, os.W_OK):
                problem = "it is not writable"
        else:
            folder = path.parent
            while not folder.exists() and folder != folder.parent:
                folder = folder.parent
            if not folder.is_dir():
                problem = f"{folder} is not a folder"
            elif not os.access(folder, os.W_OK | os.X_OK):
                problem = f"citebot may not create files in {folder}"
        if problem:
            raise ConfigError(
                f"CITEBOT_FEEDBACK_PATH={str(path)!r} cannot be used: {problem}; point it at a file citebot may write."
            )

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
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as file:
            file.write(text)
