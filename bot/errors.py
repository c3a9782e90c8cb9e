"""Domain errors. Front ends translate them at the edge: one friendly line each.

The core never names a command: an error that the user can fix by (re)building the index carries a
`Remedy`, and each front end words it for its users (`citebot index --full` in a terminal, `/reindex`
in Discord).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Remedy(StrEnum):
    """What fixes a problem with the index, for a front end to word."""

    BUILD = "build"  # there is no index yet
    REFRESH = "refresh"  # the corpus changed: an incremental build
    REBUILD = "rebuild"  # the index is unusable: a full build


class CitebotError(Exception):
    """Base class: the message is a sentence meant for the user; `remedy`, if any, completes it.

    `str(error)` words the remedy generically; front ends call `sentence` with their own wording.
    """

    exit_code = 1  # ExitStatus.ERROR (bot.cli.environment)

    def __init__(self, message: str, remedy: Remedy | None = None, after: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        self.after = after  # text that follows the remedy ("with 'model'", "or set ...")

    def sentence(self, remedies: Mapping[Remedy, str]) -> str:
        """The message, then the remedy as `remedies` words it: "...; run `citebot index` to build it."."""
        if self.remedy is None:
            return self.message
        return f"{self.message}; {remedies[self.remedy]}{self.after}."

    def __str__(self) -> str:
        return self.sentence(GENERIC_REMEDIES)


GENERIC_REMEDIES = {
    Remedy.BUILD: "build the index",
    Remedy.REFRESH: "refresh the index",
    Remedy.REBUILD: "rebuild the index from scratch",
}


class BadQuestion(CitebotError):
    """The question is empty or unusable."""

    exit_code = 2


class IndexMissing(CitebotError):
    """There is no index where the settings point."""


class IndexCorrupt(CitebotError):
    """The index is unreadable, truncated or from another format version."""


class IndexMismatch(CitebotError):
    """The index was built with another model or dimension than configured."""


class CorpusError(CitebotError):
    """The corpus folder is missing or holds no usable document."""


class ModelError(CitebotError):
    """The embedding model cannot be loaded."""


class ConfigError(CitebotError):
    """A setting is missing or invalid (e.g. no Discord token)."""


class QuestionSetError(CitebotError):
    """A question set for calibration is missing or malformed."""


class IndexBusy(CitebotError):
    """Another build of the same index folder is running and did not finish in time."""


class IndexFolderError(CitebotError):
    """The index folder cannot be used: it is not citebot's, permission is denied, or the disk is full."""


class NetworkError(CitebotError):
    """A server citebot needs (Discord) cannot be reached."""


class DatabaseError(CitebotError):
    """The database cannot be reached, lacks pgvector, or its schema is from a newer citebot."""
