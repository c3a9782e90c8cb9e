"""The command line, driven through its entry point: output, JSON, stdin, and error exits."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings
from tests.support import ARTICLE, ARTICLE_TITLE, REPO, cli


def test_ask_readable(article_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(article_settings, "ask", "Who did Hegseth meet in Tokyo?") == 0
    out = capsys.readouterr().out
    first = out.split("[2]")[0]
    assert f"[1] {ARTICLE_TITLE} · hegseth-japan-alliance.txt, paragraph 1" in first and "score 0." in first
    assert "**Tokyo – US Secretary of Defense Pete Hegseth met with Japanese Defense Minister Gen Nakatani" in first


def test_ask_json_matches_design(article_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(article_settings, "ask", "-k", "2", "--json", "Who did Hegseth meet in Tokyo?") == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"question", "answered", "results", "index", "notices", "lacks"}
    assert result["answered"] is True and len(result["results"]) == 2 and result["notices"] == []
    assert result["lacks"] is None
    top = result["results"][0]
    assert set(top) == {"rank", "score", "text", "highlight", "document", "paragraph", "start", "end", "caveat"} | {
        "section",
        "anchor",
        "url",
        "page",
        "lines",
    }
    assert top["caveat"] is None
    assert (top["section"], top["anchor"], top["url"], top["page"], top["lines"]) == ([], None, None, None, None)
    assert set(top["document"]) == {"id", "title", "source", "url", "date"}
    assert top["document"]["title"] == ARTICLE_TITLE and top["paragraph"] == 1
    assert ARTICLE.read_text(encoding="utf-8")[top["start"] : top["end"]] == top["text"]
    assert set(result["index"]) == {"built_at", "model", "documents", "passages"}


def test_json_says_why_a_near_miss_is_not_answered(
    article_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "How much does one AMRAAM missile cost?"
    assert cli(article_settings, "ask", "--json", question) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["answered"] is False and "AMRAAM" in result["results"][0]["text"]
    assert result["lacks"] == "an amount of money" and result["notices"] == []
    assert cli(article_settings, "ask", "-k", "1", question) == 0
    out = capsys.readouterr().out
    assert "The question asks for an amount of money; the best passage found does not state it" in out
    assert "(not an answer)" in out and "low confidence" not in out


def test_questions_from_a_pipe_give_json_lines_in_order(
    article_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("Who did Hegseth meet in Tokyo?\n\nHow many US troops are in Japan?\n")
    )
    assert cli(article_settings, "ask", "--json") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["question"] for line in lines] == [
        "Who did Hegseth meet in Tokyo?",
        "How many US troops are in Japan?",
    ]
    assert "50,000" in json.loads(lines[1])["results"][0]["text"]
    assert "Gen Nakatani" in json.loads(lines[0])["results"][0]["text"]


def test_bad_line_in_a_pipe_is_reported_and_the_rest_answered(
    article_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\x00\x01\nWho did Hegseth meet?\n"))
    assert cli(article_settings, "ask", "--json") == 1
    captured = capsys.readouterr()
    assert "error: The question is empty" in captured.err and len(captured.out.splitlines()) == 1


@pytest.mark.parametrize("question", ["", "   ", "\x00\x1b"])
def test_empty_question_is_one_line_and_exit_2(
    article_settings: Settings, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    assert cli(article_settings, "ask", question) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The question is empty") and len(err.splitlines()) == 1


def test_huge_question_is_answered_with_a_note(article_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(article_settings, "ask", "--json", "Who did Hegseth meet in Tokyo? " + "z" * 100_000) == 0
    captured = capsys.readouterr()
    assert "note: The question was" in captured.err
    assert "Gen Nakatani" in json.loads(captured.out)["results"][0]["text"]


def test_unanswerable_question_is_flagged(article_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(article_settings, "ask", "How do I bake sourdough bread?") == 0
    assert "No confident match" in capsys.readouterr().out


def test_missing_index_is_built_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.md").write_text("# Tea\n\nGreen tea comes from Camellia sinensis leaves.\n")
    settings = Settings().with_values({"corpus_dir": tmp_path / "corpus", "index_dir": tmp_path / "index"})
    assert cli(settings, "ask", "Where does green tea come from?") == 0
    captured = capsys.readouterr()
    assert "building it" in captured.err and "Camellia" in captured.out


def test_info(article_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(article_settings, "info") == 0
    out = capsys.readouterr().out
    assert "all-MiniLM-L6-v2 (384 dimensions)" in out and "current" in out and ARTICLE_TITLE in out


def test_info_without_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--index", str(tmp_path / "none"), "info"]) == 1
    assert (
        capsys.readouterr().err
        == f"error: There is no index in {tmp_path / 'none'}; run `citebot index` to build it.\n"
    )


def test_index_reports_a_summary(corpus_copy: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(corpus_copy, "index") == 0
    assert "1 unchanged" in capsys.readouterr().out


def test_bad_k_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ask", "-k", "0", "Who?"])
    assert exit_info.value.code == 2 and "less than 1" in capsys.readouterr().err


def test_module_entry_point_help_is_instant_and_light() -> None:
    code = (
        "import sys, runpy; sys.argv=['bot','--help']\ntry: runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit: pass\nprint([m for m in ('torch', 'sentence_transformers', 'faiss') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert "ask" in out and "eval" in out and out.strip().endswith("[]")


CONSOLE_SCRIPT = Path(sys.executable).with_name("citebot")


def console_env(settings: Settings) -> dict[str, str]:
    """The environment for `citebot` as its own process, on the corpus and index of `settings`."""
    return {**os.environ, "CITEBOT_CORPUS_DIR": str(settings.corpus_dir), "CITEBOT_INDEX_DIR": str(settings.index_dir)}


def run_console_script(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], capture_output=True, text=True, env=console_env(settings), timeout=180
    )


def test_console_script_answers(article_settings: Settings) -> None:
    result = run_console_script(article_settings, "ask", "--json", "Who did Hegseth meet in Tokyo?")
    assert result.returncode == 0, result.stderr
    assert "Gen Nakatani" in json.loads(result.stdout)["results"][0]["text"]


def test_a_reader_that_goes_away_is_no_error(article_settings: Settings) -> None:
    child = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "ask", "--json", "Who did Hegseth meet in Tokyo?"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=console_env(article_settings),
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head -c 0`: closed before citebot writes its answer
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=180) == 141 and "Traceback" not in stderr, stderr


def test_full_rebuild_says_only_what_citebot_says(corpus_copy: Settings) -> None:
    result = run_console_script(corpus_copy, "index", "--full")
    assert result.returncode == 0, result.stderr
    assert "Indexed 1 document: 1 added" in result.stdout
    for noise in ("DEBUG", "INFO", "WARNING:", "Traceback"):  # libraries' logging and warnings stay quiet
        assert noise not in result.stderr, result.stderr

