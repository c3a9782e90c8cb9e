"""citebot's command line with the deterministic HashEncoder and no ONNX export, for probes in other processes.

python -m tests.reliability.worker --corpus DIR --index DIR index --full
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import bot.index.builder
import bot.retrieval.retriever
from bot.cli.main import main
from tests.fakes import HashEncoder


def fake_encoder(model: str, export: Path | None) -> HashEncoder:
    return HashEncoder()


def no_export(*args: object) -> None:
    return None


def use_fake_encoder(setattr: Any) -> None:
    """Make builds and retrievers use HashEncoder; `setattr` is setattr or a MonkeyPatch's."""
    setattr(bot.index.builder, "load_encoder", fake_encoder)
    setattr(bot.index.builder, "_export_encoder", no_export)
    setattr(bot.retrieval.retriever, "load_encoder", fake_encoder)


if __name__ == "__main__":
    use_fake_encoder(setattr)
    sys.exit(main(sys.argv[1:]))
