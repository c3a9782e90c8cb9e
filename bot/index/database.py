"""Where the index lives when it is not in files: a Postgres database (CITEBOT_DATABASE_URL).

Only the settings live here; the code that talks to Postgres (and imports psycopg) is in
bot/index/postgres/, imported only when a database is configured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class DatabaseConfig:
    """A Postgres URL (a secret: it may hold a password) and the schema citebot keeps its tables in."""

    url: str = field(repr=False)
    schema: str = "citebot"

    def __post_init__(self) -> None:
        if not SCHEMA_NAME.fullmatch(self.schema):
            raise ValueError(f"{self.schema!r} is not a usable schema name (a-z, 0-9 and _, at most 40 characters)")

    @property
    def shown(self) -> str:
        """The URL without its password, for messages and logs."""
        return redact_url(self.url)

    def __repr__(self) -> str:
        return f"DatabaseConfig(url={self.shown!r}, schema={self.schema!r})"


def redact_url(url: str) -> str:
    """`url` with any password replaced by stars (also a `password=` query parameter)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<an unreadable database URL>"
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in credentials else f"{user}@{host}"
    query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
