"""Telegram's flood limits, with people before bulletins, and one budget for every sender.

python-telegram-bot's ``AIORateLimiter`` keeps the bot inside Telegram's limits (about 30
messages a second in all, 20 a minute in a group) and waits out 429s. Bulletins are paced
elsewhere: each sender (the bot, ``sokhan worker``s) takes send slots for them from one
schedule in the database (``bot.broadcast``), so they skip this limiter (``rate_limit_args=BULK``).
A reply takes its slot from the same schedule once the store is open (``share``): bulletins
hold slots only a quarter of a second ahead, so the person who asked waits no longer than
that behind a broadcast, and replies and bulletins together stay inside the one limit. A 429
a reply meets pauses every sender, as a bulletin's does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]
Request = Callable[..., Coroutine[Any, Any, Any]]
log = logging.getLogger(__name__)

# The rate_limit_args value that marks a request as a bulletin, paced by its sender. (The
# limiter's own argument is a count of retries; no count is negative.)
BULK = -1


def retry_seconds(exc: RetryAfter) -> float:
    """Telegram's flood wait, whichever form python-telegram-bot gives it in."""
    with warnings.catch_warnings():  # PTB warns that retry_after will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class DatabaseClock:
    """The database's clock as seen from here, to send at the slot times it hands out.

    Each answer carries the database's time; the one that came back quickest places it best
    (within half its round trip), and estimates age so that a drifting clock is followed.
    On SQLite the database's clock is this host's (``host``): nothing to estimate.
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._round_trip = float("inf")

    def observe(self, clock: float, asked: float, answered: float, *, host: bool = False) -> None:
        """A database time ``clock`` read between ``asked`` and ``answered`` (this host's time.time())."""
        if host:
            self._offset, self._round_trip = 0.0, 0.0
            return
        self._round_trip += 0.0005
        if (trip := answered - asked) <= self._round_trip:
            self._round_trip = trip
            self._offset = clock - (asked + answered) / 2

    def delay(self, at: float) -> float:
        """Seconds from now until the database's time ``at``."""
        return at - self._offset - time.time()


class PriorityRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` whose replies share the senders' budget, and bulletins pass through."""

    def __init__(self, **limits: Any) -> None:
        super().__init__(**limits)
        self._reserve: Callable[[], Awaitable[tuple[float, float, bool]]] | None = None
        self._pause: Callable[[float], Awaitable[None]] | None = None
        self._clock = DatabaseClock()

    def share(self, reserve: Callable[[], Awaitable[tuple[float, float, bool]]],
              pause: Callable[[float], Awaitable[None]], clock: DatabaseClock) -> None:
        """Take each reply's slot with ``reserve()`` (the database's time, the slot's, and
        whether that clock is this host's; ``clock`` reads them); report a flood wait with
        ``pause(seconds)``."""
        self._reserve, self._pause, self._clock = reserve, pause, clock

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if rate_limit_args == BULK:  # its sender took a slot for it already
            return await callback(*args, **kwargs)
        if data.get("chat_id") is None:  # getUpdates, callback answers: not what the limits count
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        await self._slot()
        return await super().process_request(self._watched(callback), args, kwargs, endpoint, data,
                                             rate_limit_args)

    async def _slot(self) -> None:
        if self._reserve is None:
            return
        asked = time.time()
        try:
            clock, slot, host = await self._reserve()
        except Exception:  # the store is closing: the limits here still hold
            log.debug("no shared send slot for a reply", exc_info=True)
            return
        self._clock.observe(clock, asked, time.time(), host=host)
        if (wait := self._clock.delay(slot)) > 0:
            await asyncio.sleep(wait)

    def _watched(self, callback: Request) -> Request:
        """``callback``, telling every sender about a flood wait it meets."""
        async def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if self._pause is not None:
                    try:
                        await self._pause(retry_seconds(exc))
                    except Exception:
                        log.debug("could not share a flood wait", exc_info=True)
                raise
        return call
