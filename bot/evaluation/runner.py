"""`eval`: run citebot's own pipeline (splitter, index, retriever) on a BEIR dataset and score it."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.encoders.base import ProgressFactory
from bot.evaluation.beir import BeirDataset, load_beir
from bot.evaluation.metrics import evaluate
from bot.index.open import build
from bot.retrieval.mode import Mode
from bot.retrieval.retriever import Retriever

log = logging.getLogger(__name__)

REPORTED = ("ndcg@10", "recall@10", "recall@100", "mrr@10")
PASSAGES_PER_DOCUMENT = 4  # candidates fetched per wanted document, since a document has several passages


@dataclass(frozen=True)
class EvalResult:
    """One row of the eval table; `as_json` is the `eval --json` object."""

    dataset: str
    mode: str
    queries: int
    documents: int
    passages: int
    metrics: dict[str, float]
    build_seconds: float
    queries_per_second: float

    def as_json(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "mode": self.mode,
            "queries": self.queries,
            "documents": self.documents,
            "passages": self.passages,
            "metrics": {name: round(value, 4) for name, value in self.metrics.items()},
            "build_seconds": round(self.build_seconds, 1),
            "queries_per_second": round(self.queries_per_second, 1),
        }


def write_corpus(dataset: BeirDataset, folder: Path) -> dict[str, str]:
    """Write each BEIR document as a text file with its title in front matter; map file id -> BEIR id."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for number, doc in enumerate(dataset.corpus):
        name = f"{number:07d}.txt"  # plain text with front matter: abstracts are not Markdown
        title = " ".join(doc.title.split()) or doc.id
        text = f"---\ntitle: {title}\n---\n{doc.text}\n"
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        names[name] = doc.id
    return names


def run_eval(
    dataset_dir: Path,
    settings: Settings,
    modes: Sequence[Mode],
    k: int = 100,
    split: str = "test",
    limit: int | None = None,
    workdir: Path | None = None,
    progress: ProgressFactory | None = None,
) -> list[EvalResult]:
    """Index the dataset's corpus with citebot's pipeline into `workdir` (a temporary folder if None),
    answer each judged query in each mode, and score the document ranking (a document ranks as its
    best passage)."""
    dataset = load_beir(dataset_dir, split)
    queries = dataset.queries[:limit] if limit else dataset.queries
    log.info("indexing the %s documents of %s with citebot's pipeline...", f"{len(dataset.corpus):,}", dataset.name)
    with tempfile.TemporaryDirectory(prefix="citebot-eval-") as scratch:
        root = workdir or Path(scratch)
        names = write_corpus(dataset, root / "corpus")
        run_settings = settings.with_values({"corpus_dir": root / "corpus", "index_dir": root / "index"})
        if settings.database is not None:  # a schema of its own: never replace the index being served
            run_settings = run_settings.with_values({"database_schema": f"{settings.database_schema[:34]}_eval"})
        report = build(run_settings.indexing, progress=progress)
        retriever = Retriever.open(run_settings.retrieval)
        results = []
        for mode in modes:
            started = time.perf_counter()
            run = {}
            for query in queries:
                vector = retriever.encoder.encode([query.text])[0]
                ranking = retriever.rank(query.text, vector, depth=k * PASSAGES_PER_DOCUMENT, mode=mode)
                documents: dict[str, float] = {}
                for row in ranking.rows.tolist():
                    doc_id = names[retriever.passages[row].doc_id]
                    documents.setdefault(doc_id, float(-len(documents)))  # best passage's position decides
                    if len(documents) == k:
                        break
                run[query.id] = documents
            seconds = time.perf_counter() - started
            qrels = {query.id: dataset.qrels[query.id] for query in queries}
            results.append(
                EvalResult(
                    dataset=dataset.name,
                    mode=mode,
                    queries=len(queries),
                    documents=len(dataset.corpus),
                    passages=report.passages,
                    metrics={
                        name: value for name, value in evaluate(run, qrels, ks=(10, 100)).items() if name in REPORTED
                    },
                    build_seconds=report.seconds,
                    queries_per_second=len(queries) / seconds if seconds else 0.0,
                )
            )
    return results
