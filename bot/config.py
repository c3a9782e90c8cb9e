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
from bot.index.database import SCHEMA_NAME, DatabaseConfig
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
    "build_wait_seconds": "CITEBOT_BUILD_WAIT",
    "max_document_mb": "CITEBOT_MAX_DOCUMENT_MB",
    "follow_links": "CITEBOT_FOLLOW_LINKS",
    "database_url": "CITEBOT_DATABASE_URL",
    "database_schema": "CITEBOT_DATABASE_SCHEMA",
    "log_user_ids": "CITEBOT_LOG_USER_IDS",
    "discord_shard_count": "CITEBOT_DISCORD_SHARD_COUNT",
    "discord_shard_ids": "CITEBOT_DISCORD_SHARD_IDS",
}
# What a value must be, in words, by the field's type (never a Python type name)
_KINDS: dict[object, str] = {
    int: "a whole number",
    float: "a finite number",
    bool: "yes or no (true/false, 1/0, on/off)",
}
_WHAT = {
    "discord_owner_id": "a whole number (a Discord user id)",
    "discord_channels": "a list of channel ids separated by commas",
}
# numeric setting -> (lowest, highest) allowed, inclusive; None for no bound
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "top_k": (1, None),
    "min_score": (-1.0, 1.0),
    "max_hits_per_doc": (1, None),
    "hybrid_weight": (0.0, None),
    "passage_tokens": (8, 512),
    "section_tokens": (8, 512),
    "overlap_sentences": (0, None),
    "discord_cooldown_seconds": (0.0, None),
    "build_wait_seconds": (0.0, None),
    "max_document_mb": (0.0, None),
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
    build_wait_seconds: float = 600.0  # how long a build waits for another build of the same index
    max_document_mb: float = 10.0  # larger documents are skipped with a warning (0: no limit)
    follow_links: bool = False  # index links to files outside the corpus folder
    database_url: Secret | None = field(default=None, repr=False)  # postgresql://...: the index etc. in Postgres
    database_schema: str = "citebot"
    log_user_ids: bool = False  # the question log records who asked (database only)
    discord_shard_count: int | None = None  # shards in all processes together (None: one process, Discord's count)
    discord_shard_ids: frozenset[int] = frozenset()  # the shards this process runs (empty: all)

    def __post_init__(self) -> None:
        if self.encoder not in ENCODERS:
            raise ConfigError(f"Setting {ENV_VARS['encoder']}={self.encoder!r} is not one of: {', '.join(ENCODERS)}.")
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
                raise ConfigError(f"Setting {ENV_VARS[name]}={value!r} is out of range: {_describe(low, high)}.")
        if self.database_url and not self.database_url.reveal().startswith(("postgresql://", "postgres://")):
            raise ConfigError("CITEBOT_DATABASE_URL must be a postgresql:// URL.")
        if not SCHEMA_NAME.fullmatch(self.database_schema):
            raise ConfigError(
                f"CITEBOT_DATABASE_SCHEMA={self.database_schema!r} is not a usable schema name "
                "(lower-case letters, digits and _, at most 40 characters)."
            )
        count, ids = self.discord_shard_count, self.discord_shard_ids
        if count is not None and (count < 1 or any(not 0 <= i < count for i in ids)):
            raise ConfigError("Each shard id must be between 0 and the shard count minus one.")
        if ids and count is None:
            raise ConfigError("Shard ids need a shard count (--shard-count, CITEBOT_DISCORD_SHARD_COUNT).")

    @property
    def database(self) -> DatabaseConfig | None:
        """The database everything lives in, or None (files: the default)."""
        if not self.database_url:
            return None
        return DatabaseConfig(self.database_url.reveal(), self.database_schema)

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
            build_wait_seconds=self.build_wait_seconds,
            max_document_mb=self.max_document_mb,
            follow_links=self.follow_links,
            database=self.database,
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
            follow_links=self.follow_links,
            database=self.database,
            source_url=self.source_url,
            include=self.include,
            exclude=self.exclude,
        )


def _describe(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"it must be between {low:g} and {high:g}"
    if low is not None:
        return f"it must be a finite number of at least {low:g}"
    return f"it must be a finite number of at most {high:g}"


_TYPES = typing.get_type_hints(Settings)
_BOOLEANS = {word: True for word in ("1", "true", "yes", "on")} | {word: False for word in ("0", "false", "no", "off")}


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
            return float(value)  # nan and infinities are refused by the range check, naming the range
        if kind is Mode:
            return Mode.parse(value, variable)
        if typing.get_origin(kind) is tuple:  # patterns: one per line or separated by commas
            return tuple(part.strip() for part in value.replace(",", "\n").splitlines() if part.strip())
        if typing.get_origin(kind) is frozenset:
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return kind(value)  # Path, str, Secret
    except (ValueError, KeyError):
        what = _WHAT.get(name) or _KINDS.get(kind, "a list of whole numbers separated by commas")
        raise ConfigError(f"Setting {variable}={value!r} is not {what}.") from None


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file, as python-dotenv reads them (comments, quotes, escapes, export)."""
    from dotenv import dotenv_values

    return {key: value for key, value in dotenv_values(path, encoding="utf-8").items() if value is not None}
