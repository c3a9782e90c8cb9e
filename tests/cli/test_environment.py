"""The command line with its streams given (`main(argv, environment)`), and how it renders on a terminal
(rich: bold, cell-width wrapping, NO_COLOR) against a pipe (plain and stable: scripts read it)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from bot.cli.ask import show_answer
from bot.cli.environment import Environment, ExitStatus
from bot.cli.main import main
from bot.cli.render import answer_text
from bot.cli.terminal import passage, print_answer
from bot.config import Settings
from bot.markup import Span
from bot.records import Answer, DocumentInfo, Hit, IndexInfo, Passage
from tests.support import ARTICLE_TITLE

ANSI = re.compile(r"\x1b\[[0-9;]*m")
INFO = IndexInfo(built_at="2025-01-01T00:00:00+00:00", model="all-MiniLM-L6-v2", documents=1, passages=9)


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def streams(stdin: str = "", *, tty: bool = False) -> Environment:
    out: io.StringIO = Terminal() if tty else io.StringIO()
    return Environment(stdin=io.StringIO(stdin), stdout=out, stderr=io.StringIO())


def output(environment: Environment) -> str:
    assert isinstance(environment.stdout, io.StringIO)
    return environment.stdout.getvalue()


def errors(environment: Environment) -> str:
    assert isinstance(environment.stderr, io.StringIO)
    return environment.stderr.getvalue()


def args(settings: Settings, *rest: str) -> list[str]:
    return ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *rest]


def one_hit(text: str, highlight: str) -> Answer:
    document = DocumentInfo(id="doc", title="Tokyo talks", source="corpus/doc.txt", date="2025-03-30")
    passage = Passage(id="doc:1", doc_id="doc", paragraph=2, start=0, end=len(text), text=text)
    hit = Hit(passage, document, score=0.71, rank=1, highlight=highlight)
    return Answer(question="Who met?", answered=True, hits=(hit,), index=INFO)


def test_commands_write_to_the_streams_they_are_given(
    article_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    environment = streams()
    assert main(args(article_settings, "ask", "--json", "Who did Hegseth meet in Tokyo?"), environment) == 0
    assert "Gen Nakatani" in json.loads(output(environment))["results"][0]["text"]
    environment = streams()
    assert main(args(article_settings, "info"), environment) == 0
    assert ARTICLE_TITLE in output(environment)
    assert capsys.readouterr() == ("", "")  # nothing went to the process's own streams


def test_questions_come_from_the_given_stdin(article_settings: Settings) -> None:
    environment = streams("Who did Hegseth meet in Tokyo?\n\x00\n")
    assert main(args(article_settings, "ask", "--json"), environment) == ExitStatus.ERROR
    assert len(output(environment).splitlines()) == 1
    assert errors(environment).startswith("error: The question is empty")


def test_an_interactive_stdin_gets_a_prompt(article_settings: Settings) -> None:
    environment = streams()
    environment.stdin = Terminal("Who did Hegseth meet in Tokyo?\n")
    assert main(args(article_settings, "ask", "--json"), environment) == 0
    assert output(environment).count("citebot> ") == 2  # one per question, and one met by the end of input
    assert "Ask a question (Ctrl-D to quit)." in errors(environment)


def test_errors_are_one_line_on_the_given_stderr(tmp_path: Path) -> None:
    environment = streams()
    assert main(["--index", f"{tmp_path}/none", "info"], environment) == ExitStatus.ERROR
    assert output(environment) == ""
    assert errors(environment) == f"error: There is no index in {tmp_path}/none; run `citebot index` to build it.\n"


def test_piped_text_is_plain_and_stable() -> None:
    answer = one_hit("Before. Hegseth met Nakatani in Tokyo. After.", "Hegseth met Nakatani in Tokyo.")
    assert answer_text(answer, width=40) == (
        "Q: Who met?\n"
        "\n"
        "[1] Tokyo talks · doc, paragraph 2  score 0.71\n"
        "    2025-03-30, corpus/doc.txt\n"
        "    Before. **Hegseth met Nakatani in\n"
        "    Tokyo.** After.\n"
    )
    environment = streams()
    show_answer(answer, environment)
    assert output(environment) == answer_text(answer) + "\n"


def test_a_terminal_gets_bold_and_wraps_by_cell_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    best = "Hegseth met Gen Nakatani in Tokyo to discuss the alliance."
    answer = one_hit(f"東京で会談した。{best} 日本の防衛大臣は中谷元氏である。これは長い文です。", best)
    environment = streams(tty=True)
    print_answer(answer, environment, width=40)
    out = output(environment)
    assert "\x1b[1m" in out and "**" not in out
    lines = ANSI.sub("", out).splitlines()
    assert all(cell_len(line) <= 40 for line in lines)
    assert max(cell_len(line) for line in lines) >= 38  # bold takes no columns: lines fill the width
    passage_lines = lines[lines.index(next(line for line in lines if "corpus/doc.txt" in line)) + 1 :]
    quoted = "".join(line.strip() for line in passage_lines).replace(" ", "")
    assert quoted == answer.hits[0].passage.text.replace(" ", "")


def test_no_color_on_a_terminal_is_plain_text_without_markers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    answer = one_hit("Before. Hegseth met Nakatani in Tokyo. After.", "Hegseth met Nakatani in Tokyo.")
    environment = streams(tty=True)
    show_answer(answer, environment)
    out = output(environment)
    assert "\x1b" not in out and "**" not in out
    assert "    Before. Hegseth met Nakatani in Tokyo. After." in out


def test_code_blocks_keep_lines_of_their_own_and_links_are_hyperlinks() -> None:
    text = "Install it:\npip install citebot --upgrade --no-cache-dir\nthen read the guide."
    block = text.index("pip"), text.index("\nthen")
    link = text.index("the guide"), len(text) - 1
    spans = [Span(*block, "code_block"), Span(*link, "link", "https://example.org/guide")]
    environment = streams(tty=True)
    from bot.cli.terminal import console

    out = console(environment, 30)
    out.print(passage(text, "", spans))
    lines = ANSI.sub("", output(environment)).splitlines()
    assert lines[0] == "Install it:" and lines[3].startswith("then read")  # the block on lines of its own
    assert [line.rstrip() for line in lines[1:3]] == ["pip install citebot --upgrade", "--no-cache-dir"]
    assert "\x1b]8;" in output(environment)  # the terminal hyperlink to the guide


def test_the_calibrate_table_is_rich_on_a_terminal_only(article_settings: Settings, tmp_path: Path) -> None:
    questions = tmp_path / "questions.json"
    questions.write_text(
        json.dumps(
            {
                "answerable": [{"question": "Who did Hegseth meet in Tokyo?", "expect": "Gen Nakatani"}],
                "unanswerable": [{"question": "How do I make a sourdough starter?", "why": "other topic"}],
            }
        )
    )
    piped, terminal = streams(), streams(tty=True)
    assert main(args(article_settings, "calibrate", str(questions)), piped) == 0
    assert main(args(article_settings, "calibrate", str(questions)), terminal) == 0
    assert "threshold  answered right at rank 1  unanswerable flagged\n" in output(piped)
    plain = ANSI.sub("", output(terminal))
    assert "answered right at rank 1" in plain and "threshold  answered right at rank 1  unanswerable" not in plain
    assert "Best balanced threshold" in plain
