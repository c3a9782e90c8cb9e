"""The settings of scaling out: the database URL is a secret, shard options reach the bot."""

from __future__ import annotations

import pytest

from bot.cli.main import build_parser, settings_from
from bot.config import Settings
from bot.discord_app.app import shards
from bot.errors import ConfigError
from bot.index.database import redact_url


def test_the_database_url_never_shows_its_password() -> None:
    settings = Settings.from_env(environ={"CITEBOT_DATABASE_URL": "postgresql://bot:s3cret@db:5432/x"}, dotenv=None)
    assert settings.database is not None
    assert "s3cret" not in repr(settings) and "s3cret" not in repr(settings.retrieval)
    assert settings.database.shown == "postgresql://bot:***@db:5432/x"
    assert redact_url("postgresql://db/x?user=bot&password=s3cret") == "postgresql://db/x?user=bot&password=***"
    assert Settings.from_env(environ={}, dotenv=None).database is None


def test_a_bad_url_or_schema_is_one_sentence() -> None:
    with pytest.raises(ConfigError, match="must be a postgresql:// URL"):
        Settings.from_env(environ={"CITEBOT_DATABASE_URL": "mysql://x"}, dotenv=None)
    with pytest.raises(ConfigError, match="is not a usable schema name"):
        Settings.from_env(environ={"CITEBOT_DATABASE_SCHEMA": "Drop Table"}, dotenv=None)


def test_shard_options_reach_the_bot(monkeypatch: pytest.MonkeyPatch) -> None:
    args = build_parser().parse_args(["discord", "--shard-count", "4", "--shard-ids", "2,3"])
    settings = settings_from(args)
    assert (settings.discord_shard_count, settings.discord_shard_ids) == (4, frozenset({2, 3}))
    assert shards(settings) == {"shard_count": 4, "shard_ids": [2, 3]}
    assert shards(Settings()) == {}
    with pytest.raises(ConfigError, match="between 0 and the shard count"):
        settings_from(build_parser().parse_args(["discord", "--shard-count", "2", "--shard-ids", "2"]))
