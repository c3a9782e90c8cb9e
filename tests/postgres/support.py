"""Helpers for the Postgres tests: settings in a test schema, and the query encoder seeded into it."""

from __future__ import annotations

from bot.config import Settings
from bot.index.postgres import encoders
from bot.index.postgres.connect import database
from bot.index.store import ENCODER, current_build

_SEEDED: set[str] = set()  # database URLs whose `template` schema holds the encoder


def in_database(settings: Settings, url: str, schema: str) -> Settings:
    """`settings` with the index (and feedback, questions, cooldowns) in `schema` of the test database."""
    return settings.with_values({"database_url": url, "database_schema": schema})


def seed_encoder(settings: Settings, file_settings: Settings) -> None:
    """Store the ONNX export of a file index in the database, so a build need not export it again (40 s).

    It is sent once per session into a `template` schema and copied from there inside the server.
    """
    assert settings.database is not None
    url = settings.database.url
    if url not in _SEEDED:
        template = in_database(settings, url, "template")
        assert template.database is not None
        export = current_build(file_settings.index_dir) / ENCODER
        encoders.store(database(template.database), export, settings.model, settings.quantize)
        _SEEDED.add(url)
    target = f'"{settings.database_schema}"'
    with database(settings.database).cursor() as cur:
        cur.execute(f"INSERT INTO {target}.encoders SELECT * FROM template.encoders ON CONFLICT DO NOTHING")
        cur.execute(f"INSERT INTO {target}.encoder_files SELECT * FROM template.encoder_files ON CONFLICT DO NOTHING")
