"""``sokhan worker``: a process that only sends bulletins.

Any number of them, on any machine that reaches the database, share the outbox with the bot
process (``bot.broadcast``): they claim deliveries, keep the one rate limit, and record what
became of each. A worker receives no updates, so it needs no webhook and never polls; it
stops cleanly on SIGTERM or SIGINT, giving back what it had claimed and not yet sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.app import BUTTON_SECRET, SENDER_CONCURRENCY, build_sender, quiet_http_logs
from bot.broadcast import Broadcaster
from bot.callbacks import CallbackCodec
from bot.config import Settings
from storage.db.store import Store

log = logging.getLogger(__name__)


async def run_worker(settings: Settings, *, name: str | None = None,
                     stop: asyncio.Event | None = None) -> int:
    """Send until ``stop`` is set (by SIGTERM or SIGINT when not given); return how many were sent."""
    quiet_http_logs()
    stop = stop or _on_signals()
    bot = build_sender(settings)
    async with bot:  # getMe: the bot's username, for the deep links in bulletins
        store = await Store.open(settings.database)
        try:
            codec = CallbackCodec(await store.keys.secret(BUTTON_SECRET))
            broadcaster = Broadcaster(store, bot, codec, name=name, rate=settings.bulletin_rate,
                                      paid=settings.paid_broadcast, lease=settings.broadcast_lease,
                                      concurrency=SENDER_CONCURRENCY)
            broadcaster.start()
            log.info("worker %s sending for @%s", broadcaster.name, bot.username)
            try:
                await stop.wait()
            finally:
                await broadcaster.stop()
            log.info("worker %s stopped after %d deliveries", broadcaster.name, broadcaster.delivered)
            return broadcaster.delivered
        finally:
            await store.close()


def _on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(signum, stop.set)
    return stop
