"""The client's side: run a discord.py bot until it is ready, and close it afterwards.

Not imported by the package itself (the fake runs without discord.py); the bot's tests and
bench/bot_load.py import it from here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

from discord.ext import commands

BotT = TypeVar("BotT", bound=commands.Bot | commands.AutoShardedBot)


@asynccontextmanager
async def logged_in(bot: BotT, token: str, *, timeout: float) -> AsyncIterator[BotT]:
    """Start `bot` with `token` (against wherever discord.py points), wait for on_ready, close it afterwards.

    Raises the login error if the bot stops before it is ready, TimeoutError if it is not ready
    within `timeout` seconds.
    """
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    bot.add_listener(on_ready)
    task = asyncio.create_task(bot.start(token))
    waiter = asyncio.create_task(ready.wait())
    try:
        done, _ = await asyncio.wait({task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # raises the login error
        if waiter not in done:
            raise TimeoutError(f"no on_ready within {timeout:g} s")
        yield bot
    finally:
        waiter.cancel()
        await bot.close()
        await asyncio.gather(task, return_exceptions=True)
