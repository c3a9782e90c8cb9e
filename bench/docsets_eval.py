"""Answer quality on the documentation sets (bench/docsets/*/) and the seed article, in every mode.

For each set it builds (or refreshes) an index of the set's corpus under bench/.work/docsets/<set>/<variant>/,
asks every question of its questions.json in each retrieval mode, and with the plain-paragraph baseline
(passages cut by paragraphs as plain text is, sections ignored), and prints per set and mode:

- rank 1 / top 3: the answering passage (the `expect` text inside the passage, whitespace normalised)
  first / among the first three;
- file 1: the right file first (sets that name it);
- answerable flagged: answerable questions answered "not answered" (lower is better);
- off-topic / near miss flagged: unanswerable questions answered "not answered" (higher is better);
- page: for a PDF set, of the answering passages in the top 3, those that cite the expected page.

    python bench/docsets_eval.py                          # every set, default settings
    python bench/docsets_eval.py --sets pydantic,flask --no-heading-context --section-tokens 192
    python bench/docsets_eval.py --json                   # also bench/results/docsets.json

Not part of the test run: a first build of every set takes several minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from bot.index.builder import build_index  # noqa: E402
from bot.retrieval.mode import Mode  # noqa: E402
from bot.retrieval.retriever import Retriever  # noqa: E402

DOCSETS = REPO / "bench" / "docsets"
WORK = REPO / "bench" / ".work" / "docsets"
RESULTS = REPO / "bench" / "results"
ARTICLE = ("article", REPO / "corpus", REPO / "tests" / "data" / "article_questions.json")
MODES = (Mode.DENSE, Mode.BM25, Mode.HYBRID)
_SPACE = re.compile(r"\s+")


@dataclass
class Row:
    """One set, one mode: counts of questions handled each way."""

    set: str
    mode: str
    answerable: int = 0
    rank1: int = 0
    top3: int = 0
    file1: int = 0
    files: int = 0  # answerable questions that name their file
    not_answered: int = 0
    off_topic: int = 0
    off_topic_flagged: int = 0
    near_miss: int = 0
    near_miss_flagged: int = 0
    pages: int = 0  # answering passages in the top 3 of a question that names its page
    page_right: int = 0
    passages: int = 0

    def cells(self) -> list[str]:
        def share(done: int, total: int) -> str:
            return f"{done}/{total} {done / total:4.0%}" if total else "-"

        return [
            self.mode,
            share(self.rank1, self.answerable),
            share(self.top3, self.answerable),
            share(self.file1, self.files),
            share(self.not_answered, self.answerable),
            share(self.off_topic_flagged, self.off_topic),
            share(self.near_miss_flagged, self.near_miss),
            share(self.page_right, self.pages),
            str(self.passages),
        ]


HEADER = ["mode", "rank 1", "top 3", "file 1", "answerable flagged", "off-topic flagged", "near miss flagged"]
HEADER += ["page", "passages"]


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def sets(names: list[str] | None) -> list[tuple[str, Path, Path]]:
    found = [(path.name, path / "corpus", path / "questions.json") for path in sorted(DOCSETS.iterdir())]
    found = [entry for entry in found if entry[2].is_file()] + [ARTICLE]
    return [entry for entry in found if not names or entry[0] in names]


def score(name: str, retriever: Retriever, questions: dict[str, Any], mode: Mode, label: str) -> Row:
    row = Row(set=name, mode=label, passages=len(retriever.passages))
    for item in questions["answerable"]:
        answer = retriever.ask(item["question"], k=3, mode=mode)
        expect = normalise(item["expect"])
        found = [expect in normalise(hit.passage.text) for hit in answer.hits]
        row.answerable += 1
        row.rank1 += bool(found[:1] and found[0])
        row.top3 += any(found)
        row.not_answered += not answer.answered
        if "file" in item:
            row.files += 1
            row.file1 += bool(answer.hits) and answer.hits[0].passage.doc_id == item["file"]
        if "page" in item:
            for hit, ok in zip(answer.hits, found, strict=True):
                if ok:
                    row.pages += 1
                    row.page_right += hit.passage.page == item["page"]
    for item in questions["unanswerable"]:
        answer = retriever.ask(item["question"], k=3, mode=mode)
        if item.get("why") == "near miss":
            row.near_miss += 1
            row.near_miss_flagged += not answer.answered
        else:
            row.off_topic += 1
            row.off_topic_flagged += not answer.answered
    return row


def table(rows: list[Row]) -> str:
    cells = [HEADER] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", help="comma-separated set names (default: every set and the article)")
    parser.add_argument("--section-tokens", type=int, help="target passage size of documents with sections")
    parser.add_argument("--no-heading-context", action="store_true", help="embed passages without their heading path")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-paragraph baseline")
    parser.add_argument("--min-score", type=float, help="the confidence threshold (default: the setting's)")
    parser.add_argument("--json", action="store_true", help="also write bench/results/docsets.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("bot").setLevel(logging.ERROR)  # a reader's skipped files are not news here

    settings = Settings.from_env(dotenv=None)
    if args.min_score is not None:
        settings = settings.with_values({"min_score": args.min_score})
    if args.section_tokens:
        settings = settings.with_values({"section_tokens": args.section_tokens})
    variant = f"sections-{settings.section_tokens}" + ("-noheading" if args.no_heading_context else "")
    rows: list[Row] = []
    timings: dict[str, float] = {}
    for name, corpus, questions_path in sets(args.sets.split(",") if args.sets else None):
        questions = json.loads(questions_path.read_text(encoding="utf-8"))
        base = replace(settings.indexing, heading_context=not args.no_heading_context)
        retriever, timings[f"{name}/{variant}"] = _open(name, corpus, variant, settings, base)
        set_rows = [score(name, retriever, questions, mode, str(mode)) for mode in MODES]
        if not args.no_baseline and name != "article":  # plain text has no sections: the baseline is the default
            plain, timings[f"{name}/plain"] = _open(
                name,
                corpus,
                f"plain-{settings.passage_tokens}",
                settings,
                replace(base, sections=False, heading_context=False),
            )
            set_rows.append(score(name, plain, questions, Mode.HYBRID, "plain baseline (hybrid)"))
        rows += set_rows
        print(f"\n{name} ({variant}, threshold {settings.min_score})\n{table(set_rows)}", flush=True)
    if args.json:
        RESULTS.mkdir(exist_ok=True)
        out = {"variant": variant, "min_score": settings.min_score, "rows": [asdict(r) for r in rows]}
        (RESULTS / "docsets.json").write_text(json.dumps(out | {"build_seconds": timings}, indent=1) + "\n")
    return 0


def _open(name: str, corpus: Path, variant: str, settings: Settings, indexing: Any) -> tuple[Retriever, float]:
    """open_index with an IndexConfig other than the settings' own (heading context, sections off)."""
    folder = WORK / name / variant
    run = settings.with_values({"corpus_dir": corpus, "index_dir": folder / "index"})
    started = time.perf_counter()
    report = build_index(replace(indexing, corpus_dir=corpus, index_dir=folder / "index"))
    print(f"  {name} [{variant}]: {report.summary()}", file=sys.stderr)
    return Retriever.open(run.retrieval), time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
