"""The one place that reads the environment (and a `.env` file). CLI options override it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.encoders.base import DEFAULT_MODEL
from bot.errors import ConfigError

MODES = ("dense", "bm25", "hybrid")
ENCODERS = ("auto", "onnx", "sentence-transformers")

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
    "encoder": "CITEBOT_ENCODER",
    "quantize": "CITEBOT_QUANTIZE",
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
}
# What a value must be, in words, by the field's type (never a Python type name)
_KINDS = {
    "int": "a whole number",
    "int | None": "a whole number",
    "float": "a number",
    "bool": "yes or no (true/false, 1/0, on/off)",
    "frozenset[int]": "a list of whole numbers separated by commas",
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
    mode: str = "hybrid"  # dense | bm25 | hybrid
    top_k: int = 3
    min_score: float = 0.37  # calibrated on tests/data/article_questions.json, see README
    max_hits_per_doc: int = 3
    hybrid_weight: float = 0.25  # weight of normalized BM25 beside the similarity; tuned on SciFact train
    passage_tokens: int = 128  # target passage size in word pieces
    overlap_sentences: int = 1
    encoder: str = "auto"  # auto | onnx | sentence-transformers (query-time encoder)
    quantize: bool = True  # int8 ONNX encoder for the index and questions; measured in README "Performance"
    discord_token: str | None = field(default=None, repr=False)
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

    def __post_init__(self) -> None:
        for name, allowed in (("mode", MODES), ("encoder", ENCODERS)):
            if getattr(self, name) not in allowed:
                raise ConfigError(
                    f"Setting {ENV_VARS[name]}={getattr(self, name)!r} is not one of: {', '.join(allowed)}."
                )
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
                raise ConfigError(f"Setting {ENV_VARS[name]}={value!r} is out of range: {_describe(low, high)}.")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """Read settings from `environ` (default os.environ) over a `.env` file."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            values.update(read_dotenv(dotenv))
        values.update(os.environ if environ is None else environ)
        return cls().with_values({name: values[var] for name, var in ENV_VARS.items() if values.get(var, "") != ""})

    def with_values(self, raw: dict[str, Any]) -> Settings:
        """Return a copy with the given fields set, converting strings to each field's type."""
        converted = {name: _convert(name, value) for name, value in raw.items() if value is not None}
        return replace(self, **converted)


def _describe(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"it must be between {low:g} and {high:g}"
    if low is not None:
        return f"it must be a finite number of at least {low:g}"
    return f"it must be a finite number of at most {high:g}"


_TYPES = {f.name: f.type for f in fields(Settings)}
_BOOLEANS = {word: True for word in ("1", "true", "yes", "on")} | {word: False for word in ("0", "false", "no", "off")}


def _convert(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    kind = str(_TYPES[name])
    try:
        if kind == "Path":
            return Path(value)
        if kind == "int":
            return int(value)
        if kind == "int | None":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return _BOOLEANS[value.strip().lower()]
        if kind == "frozenset[int]":
            return frozenset(int(part) for part in value.replace(",", " ").split())
    except (ValueError, KeyError):
        what = _WHAT.get(name) or _KINDS.get(kind, "valid")
        raise ConfigError(f"Setting {ENV_VARS.get(name, name)}={value!r} is not {what}.") from None
    return value


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are ignored, quotes stripped."""
    result: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        result[key.strip()] = value.strip().strip("'\"")
    return result
