"""The one place that reads the environment (and a `.env` file). CLI options override it.

Each layer receives only the small config it needs (`IndexConfig`, `RetrievalConfig`); the
Discord token stays a `Secret` that prints as stars. pydantic-settings would do this job too, but
importing it costs about 0.2 s on this machine, nearly half of a cold `citebot ask`: the `.env`
file is read by python-dotenv and each value converted by its field's (real, evaluated) type.
"""

from __future__ import annotations

import math
import os
import types
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.encoders.base import DEFAULT_MODEL
from bot.errors import ConfigError
from bot.index.config import IndexConfig
from bot.retrieval.config import RetrievalConfig
from bot.retrieval.mode import Mode

ENCODERS = ("auto", "onnx", "sentence-transformers")


class Secret:
    """A value that never shows in a repr, a log line or a traceback's locals; `reveal()` gives it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


# setting name -> environment variable
ENV_VARS = {
    "corpus_dir": "CITEBOT_CORPUS_DIR",
    "index_dir": "CITEBOT_INDEX_DIR",
    "model": "CITEBOT_MODEL",
    "mode": "CITEBOT_MODE",
    "top_k": "CITEBOT_TOP_K",
    "min_score": "CITEBOT_MIN_SCORE",
    "max_hits_per_doc": "CITEBOT_MAX_HITS_PER_DOC",
    "hybrid_weight": "CITEBOT_HYBRID_WEIGHT",
    "passage_tokens": "CITEBOT_PASSAGE_TOKENS",
    "overlap_sentences": "CITEBOT_OVERLAP_SENTENCES",
    "section_tokens": "CITEBOT_SECTION_TOKENS",
    "encoder": "CITEBOT_ENCODER",
    "quantize": "CITEBOT_QUANTIZE",
    "include": "CITEBOT_INCLUDE",
    "exclude": "CITEBOT_EXCLUDE",
    "source_url": "CITEBOT_SOURCE_URL",
    "discord_token": "DISCORD_TOKEN",
    "discord_api_base": "DISCORD_API_BASE",
    "discord_gateway_url": "DISCORD_GATEWAY_URL",
    "discord_owner_id": "CITEBOT_DISCORD_OWNER_ID",
    "discord_channels": "CITEBOT_DISCORD_CHANNELS",
    "discord_answer_dms": "CITEBOT_DISCORD_ANSWER_DMS",
    "discord_cooldown_seconds": "CITEBOT_DISCORD_COOLDOWN",
    "feedback_path": "CITEBOT_FEEDBACK_PATH",
}


@dataclass(frozen=True)
class Settings:
    """Every knob citebot has, with its default. See README "Configuration"."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
    mode: Mode = Mode.HYBRID
    top_k: int = 3
    min_score: float = 0.37  # calibrated on tests/data/article_questions.json, see README
    max_hits_per_doc: int = 3
    hybrid_weight: float = 0.25  # weight of normalized BM25 beside the similarity; tuned on SciFact train
    passage_tokens: int = 128  # target passage size in word pieces
    overlap_sentences: int = 1
    section_tokens: int = 256  # target passage size for documents with sections (the model reads 256 at most)
    encoder: str = "auto"  # auto | onnx | sentence-transformers (query-time encoder)
    quantize: bool = True  # int8 ONNX encoder for the index and questions; measured in README "Performance"
    include: tuple[str, ...] = ()  # gitignore-style patterns of the corpus files to index (default: all)
    exclude: tuple[str, ...] = ()  # patterns excluded besides the defaults (bot.corpus.selection)
    source_url: str | None = None  # published address of a source file, "{path}" its path without extension
    discord_token: Secret | None = field(default=None, repr=False)
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_owner_id: int | None = None
    discord_channels: frozenset[int] = frozenset()
    discord_answer_dms: bool = True
    discord_cooldown_seconds: float = 5.0
    feedback_path: Path = Path("feedback.jsonl")

    def __post_init__(self) -> None:
        if self.encoder not in ENCODERS:
            raise ConfigError(f"Setting {ENV_VARS['encoder']}={self.encoder!r} is not one of: {', '.join(ENCODERS)}.")
        if self.top_k < 1 or self.max_hits_per_doc < 1 or min(self.passage_tokens, self.section_tokens) < 8:
            raise ConfigError(
                "CITEBOT_TOP_K and CITEBOT_MAX_HITS_PER_DOC must be at least 1, "
                "CITEBOT_PASSAGE_TOKENS and CITEBOT_SECTION_TOKENS at least 8."
            )

    @classmethod
    def from_env(cls, environ: typing.Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """Read settings from `environ` (default os.environ) over a `.env` file."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            values.update(read_dotenv(dotenv))
        values.update(os.environ if environ is None else environ)
        return cls().with_values({name: values[var] for name, var in ENV_VARS.items() if values.get(var, "") != ""})

    def with_values(self, raw: typing.Mapping[str, Any]) -> Settings:
        """Return a copy with the given fields set, converting strings to each field's type."""
        converted = {name: _convert(name, value) for name, value in raw.items() if value is not None}
        return replace(self, **converted)

    @property
    def indexing(self) -> IndexConfig:
        """What building the index needs."""
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            index_dir=self.index_dir,
            model=self.model,
            passage_tokens=self.passage_tokens,
            overlap_sentences=self.overlap_sentences,
            section_tokens=self.section_tokens,
            quantize=self.quantize,
            include=self.include,
            exclude=self.exclude,
        )

    @property
    def retrieval(self) -> RetrievalConfig:
        """What answering questions needs."""
        return RetrievalConfig(
            corpus_dir=self.corpus_dir,
            index_dir=self.index_dir,
            model=self.model,
            mode=self.mode,
            top_k=self.top_k,
            min_score=self.min_score,
            max_hits_per_doc=self.max_hits_per_doc,
            hybrid_weight=self.hybrid_weight,
            encoder=self.encoder,
            source_url=self.source_url,
            include=self.include,
            exclude=self.exclude,
        )


_TYPES = typing.get_type_hints(Settings)
_BOOLEANS = {word: True for word in ("1", "true", "yes", "on")} | {word: False for word in ("0", "false", "no", "off")}
_DESCRIPTIONS = {int: "whole number", float: "number", bool: "yes/no value (true, false, 1, 0, yes, no, on, off)"}


def _convert(name: str, value: Any) -> Any:
    """`value` as the type of field `name`: strings from the environment are parsed, others kept."""
    kind = _TYPES[name]
    if not isinstance(value, str):
        return value
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
    if optional:
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    variable = ENV_VARS.get(name, name)
    try:
        if kind is bool:
            return _BOOLEANS[value.strip().lower()]
        if kind is int:
            return int(value)
        if kind is float:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if kind is Mode:
            return Mode.parse(value, variable)
        if typing.get_origin(kind) is tuple:  # patterns: one per line or separated by commas
            return tuple(part.strip() for part in value.replace(",", "\n").splitlines() if part.strip())
        if typing.get_origin(kind) is frozenset:
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return kind(value)  # Path, str, Secret
    except (ValueError, KeyError):
        described = _DESCRIPTIONS.get(kind, "list of whole numbers")  # only frozenset[int] is left
        raise ConfigError(f"Setting {variable}={value!r} is not a valid {described}.") from None


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file, as python-dotenv reads them (comments, quotes, escapes, export)."""
    from dotenv import dotenv_values

    return {key: value for key, value in dotenv_values(path, encoding="utf-8").items() if value is not None}
