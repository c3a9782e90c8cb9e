"""Discord's limits on a message payload, answered with the 400 bodies Discord sends.

https://discord.com/developers/docs/resources/message#embed-object-embed-limits
"""

from __future__ import annotations

import re
from typing import Any

from tests.discord.fake_discord.mentions import allowed_mentions_error
from tests.discord.fake_discord.world import Json

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
FIELDS_MAX = 25
ROWS_MAX = 5
ROW_ITEMS_MAX = 5
TEXT_LIMITS = {  # path inside an embed -> maximum length
    ("title",): 256,
    ("description",): 4096,
    ("footer", "text"): 2048,
    ("author", "name"): 256,
}


def _get(obj: Json, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)  # type: ignore[assignment]
    return obj


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def check_length(self, path: str, value: Any, maximum: int) -> int:
        text = value if isinstance(value, str) else ""
        if len(text) > maximum:
            self.found[path] = f"BASE_TYPE_MAX_LENGTH: Must be {maximum} or fewer in length."
        return len(text)

    def body(self) -> Json:
        """Discord's nested error shape: {"embeds": {"0": {"description": {"_errors": [...]}}}}."""
        errors: Json = {}
        for path, text in self.found.items():
            node = errors
            for part in path.split("."):
                node = node.setdefault(part, {})
            code, _, message = text.partition(": ")
            node["_errors"] = [{"code": code, "message": message}]
        return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def _check_embeds(errors: _Errors, embeds: list[Json]) -> None:
    if len(embeds) > EMBEDS_MAX:
        errors.found["embeds"] = f"BASE_TYPE_MAX_LENGTH: Must be {EMBEDS_MAX} or fewer in length."
    total = 0
    for i, embed in enumerate(embeds):
        for path, maximum in TEXT_LIMITS.items():
            total += errors.check_length(f"embeds.{i}.{'.'.join(path)}", _get(embed, path), maximum)
        fields = embed.get("fields") or []
        if len(fields) > FIELDS_MAX:
            errors.found[f"embeds.{i}.fields"] = f"BASE_TYPE_MAX_LENGTH: Must be {FIELDS_MAX} or fewer in length."
        for j, item in enumerate(fields):
            for key, maximum in (("name", 256), ("value", 1024)):
                if not item.get(key):
                    errors.found[f"embeds.{i}.fields.{j}.{key}"] = "BASE_TYPE_REQUIRED: This field is required"
                total += errors.check_length(f"embeds.{i}.fields.{j}.{key}", item.get(key), maximum)
    if total > EMBED_TOTAL_MAX:
        errors.found["embeds"] = f"BASE_TYPE_MAX_LENGTH: Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"


def _check_components(errors: _Errors, rows: list[Json]) -> None:
    if len(rows) > ROWS_MAX:
        errors.found["components"] = f"BASE_TYPE_MAX_LENGTH: Must be {ROWS_MAX} or fewer in length."
    seen: set[str] = set()
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > ROW_ITEMS_MAX:
            errors.found[f"components.{i}.components"] = "BASE_TYPE_MAX_LENGTH: Must be 5 or fewer in length."
        for j, item in enumerate(items):
            errors.check_length(f"components.{i}.components.{j}.label", item.get("label"), 80)
            custom_id = item.get("custom_id")
            if custom_id is not None:
                errors.check_length(f"components.{i}.components.{j}.custom_id", custom_id, 100)
                if custom_id in seen:
                    errors.found[f"components.{i}.components.{j}.custom_id"] = (
                        "COMPONENT_CUSTOM_ID_DUPLICATED: Component custom id cannot be duplicated"
                    )
                seen.add(custom_id)


def message_errors(payload: Json, *, creating: bool) -> Json | None:
    """The 400 body Discord would answer for `payload`, or None if Discord accepts it."""
    if creating and not any(payload.get(k) for k in ("content", "embeds", "components", "sticker_ids", "poll")):
        return {"code": 50006, "message": "Cannot send an empty message"}
    errors = _Errors()
    errors.check_length("content", payload.get("content"), CONTENT_MAX)
    _check_embeds(errors, payload.get("embeds") or [])
    _check_components(errors, payload.get("components") or [])
    mention_error = allowed_mentions_error(payload.get("allowed_mentions"))
    if mention_error:
        errors.found["allowed_mentions"] = f"MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE: {mention_error}"
    return errors.body() if errors.found else None


COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


def _check_named(errors: _Errors, path: str, item: Json) -> None:
    name = item.get("name") or ""
    if not COMMAND_NAME.match(name) or name != name.lower():
        errors.found[f"{path}.name"] = "APPLICATION_COMMAND_INVALID_NAME: Command name is invalid"
    description = item.get("description") or ""
    if not 1 <= len(description) <= 100:
        errors.found[f"{path}.description"] = "BASE_TYPE_BAD_LENGTH: Must be between 1 and 100 in length."


def command_errors(commands: list[Json]) -> Json | None:
    """The 400 body Discord would answer for a bulk overwrite of slash commands, or None."""
    errors = _Errors()
    names = [c.get("name") for c in commands]
    for i, command in enumerate(commands):
        if command.get("type", 1) != 1:
            continue  # user and message commands have no description or options
        _check_named(errors, str(i), command)
        if names.count(command.get("name")) > 1:
            errors.found[f"{i}.name"] = "APPLICATION_COMMANDS_DUPLICATE_NAME: Application command names must be unique"
        options = command.get("options") or []
        if len(options) > FIELDS_MAX:
            errors.found[f"{i}.options"] = f"BASE_TYPE_MAX_LENGTH: Must be {FIELDS_MAX} or fewer in length."
        seen_optional = False
        for j, option in enumerate(options):
            _check_named(errors, f"{i}.options.{j}", option)
            if option.get("required") and seen_optional:
                errors.found[f"{i}.options.{j}.required"] = (
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID: Required options must be placed before non-required"
                )
            seen_optional = seen_optional or not option.get("required")
    return errors.body() if errors.found else None
