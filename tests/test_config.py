"""One settings object reads the environment and .env; bad values give one clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.from_env(environ={}, dotenv=None)
    assert settings.corpus_dir == Path("corpus") and settings.index_dir == Path("index")
    assert settings.model == "all-MiniLM-L6-v2" and settings.discord_token is None


def test_environment_overrides_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nexport CITEBOT_TOP_K=7\nDISCORD_TOKEN='from-file'\nCITEBOT_MODE=bm25\n")
    settings = Settings.from_env(environ={"CITEBOT_MODE": "dense", "CITEBOT_DISCORD_CHANNELS": "1, 2 3"}, dotenv=dotenv)
    assert settings.top_k == 7 and settings.mode == "dense"
    assert settings.discord_token is not None and settings.discord_token.reveal() == "from-file"
    assert settings.discord_channels == frozenset({1, 2, 3})


def test_token_never_appears_in_repr() -> None:
    settings = Settings.from_env(environ={"DISCORD_TOKEN": "s3cret"}, dotenv=None)
    assert "s3cret" not in repr(settings)


def test_bad_number_is_one_clear_sentence() -> None:
    with pytest.raises(ConfigError, match="CITEBOT_TOP_K='many' is not a valid whole number"):
        Settings.from_env(environ={"CITEBOT_TOP_K": "many"}, dotenv=None)


def test_yes_no_settings_take_the_usual_words_and_refuse_others() -> None:
    assert not Settings.from_env(environ={"CITEBOT_QUANTIZE": "off"}, dotenv=None).quantize
    assert Settings.from_env(environ={"CITEBOT_QUANTIZE": "Yes"}, dotenv=None).quantize
    with pytest.raises(ConfigError, match="CITEBOT_QUANTIZE='maybe' is not a valid yes/no value"):
        Settings.from_env(environ={"CITEBOT_QUANTIZE": "maybe"}, dotenv=None)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="CITEBOT_MODE='fuzzy' is not one of: dense, bm25, hybrid"):
        Settings.from_env(environ={"CITEBOT_MODE": "fuzzy"}, dotenv=None)
