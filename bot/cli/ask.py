"""`citebot ask`: one question from the arguments, or many from standard input."""

from __future__ import annotations

import argparse
import sys

from bot.cli.environment import REMEDIES
from bot.cli.progress import progress_bar
from bot.cli.render import Style, answer_json, answer_text, dumps
from bot.config import Settings
from bot.errors import BadQuestion, IndexMissing
from bot.retrieval.question import clean_question
from bot.retrieval.retriever import Retriever

PROMPT = "citebot> "


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.question is not None:
        clean_question(args.question)  # refuse an unusable question before loading anything
    retriever = open_or_build(settings)
    if args.question is not None:
        answer_one(retriever, args.question, args.json, settings.top_k)
        return 0
    return answer_stream(retriever, args.json, settings.top_k)


def open_or_build(settings: Settings) -> Retriever:
    """Open the index; when there is none yet, build it first and say so."""
    try:
        return Retriever.open(settings.retrieval)
    except IndexMissing:
        print(f"No index in {settings.index_dir} yet: building it from {settings.corpus_dir} first.", file=sys.stderr)
    from bot.index.builder import ensure_index

    report = ensure_index(settings.indexing, progress=progress_bar)  # None: another process built it meanwhile
    if report is not None:
        print(report.summary(), file=sys.stderr)
    return Retriever.open(settings.retrieval)


def answer_one(retriever: Retriever, question: str, as_json: bool, k: int) -> None:
    answer = retriever.ask(question, k)
    for notice in answer.notices:
        print(f"note: {notice}", file=sys.stderr)
    if as_json:
        print(dumps(answer_json(answer)), flush=True)
    else:
        print(answer_text(answer, Style(sys.stdout.isatty())), flush=True)


def answer_stream(retriever: Retriever, as_json: bool, k: int) -> int:
    """Answer one question per line until end of input; a bad line is reported and skipped."""
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask a question (Ctrl-D to quit).", file=sys.stderr)
    failures = 0
    while True:
        try:
            line = input(PROMPT) if interactive else sys.stdin.readline()
        except EOFError:
            print(file=sys.stderr)  # end the prompt's line
            break
        if not interactive and not line:
            break
        if not line.strip():
            continue
        try:
            answer_one(retriever, line, as_json, k)
        except BadQuestion as exc:
            failures += 1
            print(f"error: {exc.sentence(REMEDIES)}", file=sys.stderr)
    return 1 if failures else 0
