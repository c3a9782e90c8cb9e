"""What the client sent the fake, kept in order, with a way to await what has not arrived yet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One REST request as received, and what the fake answered."""

    method: str
    path: str  # relative to the API base, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any
    headers: dict[str, str]  # without Authorization
    status: int
    response: Any
    at: float  # time.monotonic() when it arrived


@dataclass(frozen=True)
class Frame:
    """One gateway payload the client sent (its token redacted)."""

    connection: int  # which websocket, counting from 1
    op: int
    d: Any
    at: float


class Recorder(Generic[T]):
    """An append-only list whose items can be awaited by predicate."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    def add(self, item: T) -> None:
        self.items.append(item)
        for predicate, future in self._waiters:
            if not future.done() and predicate(item):
                future.set_result(item)

    def matching(self, predicate: Callable[[T], bool]) -> list[T]:
        return [item for item in self.items if predicate(item)]

    async def wait_for(self, predicate: Callable[[T], bool], timeout: float = 5.0) -> T:
        """The first item (already recorded or yet to come) matching `predicate`."""
        for item in self.items:
            if predicate(item):
                return item
        waiter = (predicate, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter[1], timeout)
        except TimeoutError:
            raise AssertionError(f"nothing matching {predicate} arrived within {timeout} s") from None
        finally:
            self._waiters.remove(waiter)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
