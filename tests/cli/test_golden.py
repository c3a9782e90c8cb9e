"""Golden `ask --json` answers: one Markdown, one reStructuredText, one HTML and one PDF document, with the
citation fields of DESIGN.md (section, anchor, url, page, lines). Scores and the build time are left out
(they move with the encoder's arithmetic); everything else must match tests/data/golden/*.json exactly.

Regenerate after a deliberate change: CITEBOT_UPDATE_GOLDEN=1 pytest tests/cli/test_golden.py
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.support import DATA, cli, make_settings

GOLDEN = DATA / "golden"
SOURCE_URL = "https://docs.example.com/{path}/"
QUESTIONS = {
    "markdown": "Why do all requests seem to come from 127.0.0.1 behind nginx?",
    "restructuredtext": "How do I accept connections from other machines on the network?",
    "html": "How do I make the test client follow redirects?",
    "pdf": "How are diagrams laid out on the coordinate grid?",
}


@pytest.fixture(scope="module")
def golden_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("golden")
    shutil.copytree(GOLDEN / "corpus", root / "corpus")
    settings = make_settings(root, source_url=SOURCE_URL)
    from bot.index.builder import build_index

    build_index(settings.indexing)
    return settings


def stable(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer without what moves with floating-point arithmetic (scores, and so `answered`, caveats)."""
    results = [{k: v for k, v in r.items() if k not in ("score", "caveat", "highlight")} for r in answer["results"]]
    for result in results:
        result["document"]["source"] = Path(result["document"]["source"]).name
    return {"question": answer["question"], "results": results, "passages": answer["index"]["passages"]}


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_json_answer_matches_the_golden_file(
    name: str, golden_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITEBOT_SOURCE_URL", SOURCE_URL)
    assert cli(golden_settings, "ask", "-k", "1", "--json", QUESTIONS[name]) == 0
    got = stable(json.loads(capsys.readouterr().out))
    path = GOLDEN / f"{name}.json"
    if os.environ.get("CITEBOT_UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))
