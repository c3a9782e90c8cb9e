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
    with pytest.raises(ConfigError, match="CITEBOT_TOP_K='many' is not a whole number"):
        Settings.from_env(environ={"CITEBOT_TOP_K": "many"}, dotenv=None)


def test_yes_no_settings_take_the_usual_words_and_refuse_others() -> None:
    assert not Settings.from_env(environ={"CITEBOT_QUANTIZE": "off"}, dotenv=None).quantize
    assert Settings.from_env(environ={"CITEBOT_QUANTIZE": "Yes"}, dotenv=None).quantize
    with pytest.raises(ConfigError, match=r"CITEBOT_QUANTIZE='maybe' is not yes or no \(true/false"):
        Settings.from_env(environ={"CITEBOT_QUANTIZE": "maybe"}, dotenv=None)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="CITEBOT_MODE='fuzzy' is not one of: dense, bm25, hybrid"):
        Settings.from_env(environ={"CITEBOT_MODE": "fuzzy"}, dotenv=None)


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("CITEBOT_MIN_SCORE", "2", "between -1 and 1"),
        ("CITEBOT_MIN_SCORE", "nan", "between -1 and 1"),
        ("CITEBOT_MIN_SCORE", "-inf", "between -1 and 1"),
        ("CITEBOT_HYBRID_WEIGHT", "inf", "at least 0"),
        ("CITEBOT_HYBRID_WEIGHT", "nan", "at least 0"),
        ("CITEBOT_HYBRID_WEIGHT", "-0.5", "at least 0"),
        ("CITEBOT_OVERLAP_SENTENCES", "-3", "at least 0"),
        ("CITEBOT_TOP_K", "0", "at least 1"),
        ("CITEBOT_MAX_HITS_PER_DOC", "0", "at least 1"),
        ("CITEBOT_PASSAGE_TOKENS", "4", "between 8 and 512"),
        ("CITEBOT_PASSAGE_TOKENS", "100000", "between 8 and 512"),
        ("CITEBOT_DISCORD_COOLDOWN", "-1", "at least 0"),
        ("CITEBOT_DISCORD_COOLDOWN", "inf", "at least 0"),
        ("CITEBOT_BUILD_WAIT", "nan", "at least 0"),
        ("CITEBOT_MAX_DOCUMENT_MB", "-1", "at least 0"),
    ],
)
def test_numbers_out_of_range_are_one_line_naming_the_variable_and_the_range(
    variable: str, value: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(environ={variable: value}, dotenv=None)
    message = str(refused.value)
    assert message.startswith(f"Setting {variable}=") and "out of range" in message and allowed in message
    assert "\n" not in message


def test_a_non_numeric_owner_id_names_no_python_type() -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(environ={"CITEBOT_DISCORD_OWNER_ID": "abc"}, dotenv=None)
    assert str(refused.value) == "Setting CITEBOT_DISCORD_OWNER_ID='abc' is not a whole number (a Discord user id)."
    with pytest.raises(ConfigError, match="is not a list of channel ids") as channels:
        Settings.from_env(environ={"CITEBOT_DISCORD_CHANNELS": "general"}, dotenv=None)
    assert not any(word in str(channels.value) for word in ("int", "frozenset", "None", "float"))
