"""Responses as Discord shapes them: JSON with `Content-Type: application/json` exactly."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from aiohttp import web

BODY: web.RequestKey[Any] = web.RequestKey("body")  # the request's parsed JSON body (None if it had none)
ANSWER: web.ResponseKey[Any] = web.ResponseKey("answer")  # a response's JSON body, for the request log


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response; the body is also kept on the response for the request log."""
    if status == 204:
        response = web.Response(status=204)
    else:
        # Given as bytes with an explicit header, aiohttp adds no "; charset=utf-8",
        # which discord.py's json_or_text would refuse to parse as JSON.
        response = web.Response(
            body=json.dumps(body).encode(),
            status=status,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
    response[ANSWER] = body
    return response


def error(status: int, code: int, message: str) -> web.Response:
    return reply({"message": message, "code": code}, status)


def too_many_requests(retry_after: float, *, is_global: bool) -> web.Response:
    """A 429 that discord.py honours: JSON body with retry_after, plus the `Via` header it insists on."""
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(math.ceil(retry_after)),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": "fake-bucket",
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
    return reply(body, 429, headers)
