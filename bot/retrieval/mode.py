"""The retrieval modes, by name (a light module: the command line builds its choices from it)."""

from __future__ import annotations

from enum import StrEnum

from bot.errors import ConfigError


class Mode(StrEnum):
    """How candidates are found and ordered."""

    DENSE = "dense"
    BM25 = "bm25"
    HYBRID = "hybrid"

    @classmethod
    def parse(cls, value: str, setting: str = "CITEBOT_MODE") -> Mode:
        """The mode named `value`, or a ConfigError naming the setting and the choices."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(mode.value for mode in cls)
            raise ConfigError(f"Setting {setting}={value!r} is not one of: {choices}.") from None
