"""Fairness between chats: how many updates run at once, in all and per chat.

Updates run concurrently, so a slow search never holds up everyone else. But a reply
waits its turn at the rate limiter (20 messages a minute in a group), and a handler
waiting there holds its slot: three hundred ``/find@bot`` in one group would take every
slot and leave private users waiting minutes. So each chat gets a few slots of its own;
its next updates queue behind them without taking a slot any other chat could use. A group
or channel with more than a few waiting is flooding: what it sends on top is dropped, since
at 20 replies a minute it could only be answered minutes late, and a flood must not pile up
memory either. A private chat is held to no such pace, so nothing of it is dropped.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Handlers running at once, across chats.
MAX_RUNNING = 256
# Updates taken in at once, running or waiting: a bound on memory, far above what runs.
MAX_ACCEPTED = 8192
# Handlers of one chat running at once; the chat's next updates wait for these.
PER_CHAT = 2
# Updates of one group or channel waiting for its turn; beyond them it is flooding.
BACKLOG = 8


class _Chat:
    __slots__ = ("flooding", "held", "turns")

    def __init__(self, size: int) -> None:
        self.turns = asyncio.Semaphore(size)
        self.held = 0  # updates of this chat running or waiting
        self.flooding = False


class FairUpdateProcessor(BaseUpdateProcessor):
    """At most ``per_chat`` handlers of any one chat at a time (updates of no chat, such as
    inline queries, count per user) and ``running`` in all; an update waiting for its chat's
    turn holds none of the ``running`` slots, and at most ``backlog`` of a group's wait."""

    def __init__(self, running: int = MAX_RUNNING, per_chat: int = PER_CHAT, backlog: int = BACKLOG) -> None:
        super().__init__(MAX_ACCEPTED)
        self._per_chat = per_chat
        self._backlog = backlog
        self._running = asyncio.Semaphore(running)
        self._chats: dict[int, _Chat] = {}
        self.dropped = 0

    @staticmethod
    def _key(update: object) -> int | None:
        if not isinstance(update, Update):
            return None
        if update.effective_chat is not None:
            return update.effective_chat.id
        return update.effective_user.id if update.effective_user is not None else None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat(self._per_chat)
        # Groups and channels have negative ids.
        if key < 0 and chat.held >= self._per_chat + self._backlog:
            self._drop(key, chat, coroutine)
            return
        chat.held += 1
        try:
            async with chat.turns, self._running:
                await coroutine
        finally:
            chat.held -= 1
            if not chat.held:  # forget idle chats: memory stays with the chats in progress
                del self._chats[key]

    def _drop(self, key: int, chat: _Chat, coroutine: Awaitable[Any]) -> None:
        self.dropped += 1
        if not chat.flooding:  # once a flood, not once an update
            chat.flooding = True
            log.info("chat %d is flooding: updates beyond %d waiting are dropped", key, self._backlog)
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never to run: say so, rather than leave it to the collector

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to let go of."""
