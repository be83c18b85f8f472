"""Telegram's flood limits, with people before bulletins.

python-telegram-bot's ``AIORateLimiter`` keeps the bot inside Telegram's limits (about 30
messages a second in all, 20 a minute in a group) and waits out 429s. Replies and
broadcast bulletins share those 30 a second; under a flood of questions, the people who
asked should not wait behind a broadcast. So a bulletin (sent with ``rate_limit_args=BULK``)
waits while any reply is on its way, and only a few bulletins wait inside the limiter at a
time: a reply arriving mid-broadcast queues behind those few, not behind all in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]

# The rate_limit_args value that marks a request as a bulletin: it yields to replies. (The
# limiter's own argument is a count of retries; no count is negative.)
BULK = -1
# Bulletins waiting inside the limiter at once: enough to keep a raised limit busy.
BULK_INSIDE = 4


class PriorityRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that lets replies to people go before bulletins."""

    def __init__(self, **limits: Any) -> None:
        super().__init__(**limits)
        self._replying = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._bulk_inside = asyncio.Semaphore(BULK_INSIDE)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if rate_limit_args == BULK:
            async with self._bulk_inside:
                while self._replying:
                    await self._quiet.wait()
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
        if data.get("chat_id") is None:  # getUpdates, callback answers: not what the limits count
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        self._replying += 1
        self._quiet.clear()
        try:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            self._replying -= 1
            if not self._replying:
                self._quiet.set()
