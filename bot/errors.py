"""Domain errors. Front ends translate them at the edge: one friendly line each."""

from __future__ import annotations


class CitebotError(Exception):
    """Base class: the message is a complete sentence meant for the user."""

    exit_code = 1


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
