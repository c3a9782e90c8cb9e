"""`citebot ask`: one question from the arguments, or many from standard input."""

from __future__ import annotations

import argparse
import sys

from bot.cli.environment import Environment, ExitStatus
from bot.cli.render import answer_json, answer_text, dumps
from bot.config import Settings
from bot.errors import BadQuestion, IndexMissing
from bot.records import Answer
from bot.retrieval.question import clean_question
from bot.retrieval.retriever import Retriever

PROMPT = "citebot> "


def run(args: argparse.Namespace, settings: Settings, environment: Environment) -> int:
    if args.question is not None:
        clean_question(args.question)  # refuse an unusable question before loading anything
    retriever = open_or_build(settings, environment)
    if args.question is not None:
        answer_one(retriever, args.question, args.json, settings.top_k, environment)
        return ExitStatus.OK
    return answer_stream(retriever, args.json, settings.top_k, environment)


def open_or_build(settings: Settings, environment: Environment) -> Retriever:
    """Open the index; when there is none yet, build it first and say so."""
    try:
        return Retriever.open(settings.retrieval)
    except IndexMissing:
        environment.err(f"No index in {settings.index_dir} yet: building it from {settings.corpus_dir} first.")
    from bot.index.open import ensure

    report = ensure(settings.indexing, progress=environment.progress)  # None: another process built it meanwhile
    if report is not None:
        environment.err(report.summary())
    return Retriever.open(settings.retrieval)


def answer_one(retriever: Retriever, question: str, as_json: bool, k: int, environment: Environment) -> None:
    answer = retriever.ask(question, k)
    for notice in answer.notices:
        environment.err(f"note: {notice}")
    if as_json:
        environment.out(dumps(answer_json(answer)), flush=True)
    else:
        show_answer(answer, environment)


def answer_stream(retriever: Retriever, as_json: bool, k: int, environment: Environment) -> int:
    """Answer one question per line until end of input; a bad line is reported and skipped."""
    interactive = environment.stdin_isatty
    if interactive:
        environment.err("Ask a question (Ctrl-D to quit).")
    failures = 0
    while True:
        try:
            line = read_question(environment) if interactive else environment.stdin.readline()
        except EOFError:
            environment.err()  # end the prompt's line
            break
        if not interactive and not line:
            break
        if not line.strip():
            continue
        try:
            answer_one(retriever, line, as_json, k, environment)
        except BadQuestion as exc:
            failures += 1
            environment.error(exc)
    return ExitStatus.ERROR if failures else ExitStatus.OK


def read_question(environment: Environment) -> str:
    """One line typed at the prompt; EOFError at Ctrl-D. The process's own terminal gets line editing (input())."""
    if environment.stdin is sys.stdin and environment.stdout is sys.stdout:
        return input(PROMPT)
    environment.stdout.write(PROMPT)
    environment.stdout.flush()
    line = environment.stdin.readline()
    if not line:
        raise EOFError
    return line


def show_answer(answer: Answer, environment: Environment) -> None:
    """Print `answer` readably: with rich on a terminal, else as `answer_text`."""
    if environment.stdout_isatty:
        from bot.cli.terminal import print_answer

        print_answer(answer, environment)
    else:
        environment.out(answer_text(answer), flush=True)
