"""The broadcast worker: sends what the outbox holds, and records each outcome.

The outbox in SQLite is the only state. Each delivery is marked sent as soon as
Telegram confirms it, so a restart resumes with what is left: only a message in
flight at a crash can go out twice. Sends go through the bot's rate limiter
(AIORateLimiter in production), one message in flight per chat so that a chat's
bulletins arrive in order.

Telegram's answers decide what happens next:
- 429 (flood wait): every send pauses for ``retry_after``; the delivery waits, uncounted.
- 403 (blocked, kicked, deactivated) or "chat not found": the chat is marked inactive
  and what is queued for it is dropped.
- a group upgraded to a supergroup: the chat moves to its new id and the send is retried.
- any other 400: the message itself is wrong; retrying will not help, so it fails.
  (A photo Telegram no longer sends is one: the bulletin goes as text instead.)
- network errors, timeouts, 5xx: retried with exponential backoff, then failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import re
import time
import warnings
from collections import OrderedDict
from typing import Any

from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.callbacks import Buttons, CallbackCodec
from bot.limiter import BULK
from bot.platform import TELEGRAM, Platform
from bot.render import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS
from bot.views.articles import bulletin_markup, bulletin_text
from storage.db.store import Store
from storage.models import Delivery, Reason, StoredArticle

log = logging.getLogger(__name__)

_GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was blocked", "have no rights")
# Telegram's words for a file_id it will not send (another bot's, or one gone stale).
_PHOTO_GONE = re.compile(r"wrong (remote )?file identifier|file reference|wrong type of the web page", re.I)


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB warns that retry_after will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Broadcaster:
    """Delivers pending bulletins; ``wake()`` when new ones are queued in this process.

    Deliveries queued by another process (``sokhan ingest``) are found by polling the
    outbox every ``idle_poll`` seconds.
    """

    def __init__(self, store: Store, bot: ExtBot[Any], codec: CallbackCodec, platform: Platform = TELEGRAM, *,
                 concurrency: int = 16,
                 retry_base: float = 10.0, retry_cap: float = 3600.0, max_attempts: int = 8,
                 idle_poll: float = 2.0) -> None:
        self._store = store
        self._bot = bot
        self._codec = codec
        self._platform = platform
        # Bulletins yield to replies at the limiter (there is none in the local mode).
        self._bulk = BULK if bot.rate_limiter else None
        self._concurrency = concurrency
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._max_attempts = max_attempts
        self._idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._busy: set[int] = set()  # chats with a message in flight
        self._sending: set[asyncio.Task[None]] = set()
        self._paused_until = 0.0
        self._articles: OrderedDict[int, StoredArticle | None] = OrderedDict()
        # A broadcast renders the same few texts thousands of times: by article and reason.
        self._texts: dict[tuple[int, tuple[Reason, ...], int], str] = {}
        self._loop: asyncio.Task[None] | None = None
        self.delivered = 0

    def start(self) -> None:
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="broadcast")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking deliveries; let the ones in flight finish so their outcome is recorded."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        if self._sending:
            _, late = await asyncio.wait(self._sending, timeout=grace)
            for task in late:
                task.cancel()

    def wake(self) -> None:
        """New deliveries are queued: look now rather than at the next poll."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self._fill()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the broadcast for good
                log.exception("broadcast: reading the outbox failed; retrying")
                await asyncio.sleep(self._idle_poll)

    async def _fill(self) -> None:
        if (pause := self._paused_until - time.monotonic()) > 0:
            await asyncio.sleep(pause)
        self._wake.clear()
        free = self._concurrency - len(self._busy)
        if self._busy and free < self._concurrency // 2:
            # Refill in batches: one outbox query per message would cost as much as the send.
            await self._idle(False)
            return
        started = 0
        if free > 0:
            for delivery in await self._store.deliveries.due(time.time(), free, self._busy):
                self._busy.add(delivery.chat_id)
                task = asyncio.create_task(self._deliver(delivery))
                self._sending.add(task)
                task.add_done_callback(self._done)
                started += 1
        if started == 0 or len(self._busy) >= self._concurrency:
            await self._idle(free > 0 and started == 0)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._wake.set()

    async def _idle(self, nothing_due: bool) -> None:
        timeout = self._idle_poll
        next_due = await self._store.deliveries.next_due() if nothing_due else None
        # Due already yet not taken: its chat is busy, and the end of that send wakes us.
        if next_due is not None and (wait := next_due - time.time()) > 0:
            timeout = min(timeout, wait)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            await self._attempt(delivery)
        except Exception:  # recorded as a failed attempt; the worker goes on
            log.exception("broadcast: delivery %d to chat %d failed", delivery.id, delivery.chat_id)
            with contextlib.suppress(Exception):
                await self._backoff(delivery, "internal error")
        finally:
            self._busy.discard(delivery.chat_id)

    async def _attempt(self, delivery: Delivery) -> None:
        outbox = self._store.deliveries
        stored = await self._article(delivery.article_id)
        if stored is None:  # deleted while queued (the foreign key usually got there first)
            await outbox.failed(delivery.id, "article deleted")
            return
        try:
            message = await self._send(stored, delivery)
        except RetryAfter as exc:
            wait = _seconds(exc)
            log.warning("broadcast: flood wait of %.0f s", wait)
            self._paused_until = max(self._paused_until, time.monotonic() + wait)
            await outbox.retry(delivery.id, time.time() + wait, "flood wait", count=False)
        except ChatMigrated as exc:
            log.info("broadcast: chat %d moved to %d", delivery.chat_id, exc.new_chat_id)
            await self._store.subscriptions.migrate_chat(delivery.chat_id, exc.new_chat_id)
        except Forbidden as exc:
            await self._gone(delivery, exc)
        except BadRequest as exc:
            if any(reason in exc.message.lower() for reason in _GONE):
                await self._gone(delivery, exc)
            else:  # our message is wrong: sending it again gives the same answer
                log.warning("broadcast: Telegram refused delivery %d: %s", delivery.id, exc.message)
                await outbox.failed(delivery.id, exc.message)
        except TelegramError as exc:  # network errors, timeouts, 5xx
            await self._backoff(delivery, exc.message)
        else:
            await outbox.sent(delivery.id, message.message_id)
            self.delivered += 1

    async def _gone(self, delivery: Delivery, exc: TelegramError) -> None:
        log.info("broadcast: chat %d is unreachable (%s); unsubscribed", delivery.chat_id, exc.message)
        await self._store.subscriptions.set_active(delivery.chat_id, False, exc.message)

    async def _backoff(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self._max_attempts:
            log.warning("broadcast: delivery %d failed %d times; giving up: %s", delivery.id, attempts, error)
            await self._store.deliveries.failed(delivery.id, error)
            return
        # Jitter spreads the retries of a whole broadcast that failed at once.
        delay = min(self._retry_cap, self._retry_base * 2 ** (attempts - 1)) * random.uniform(0.8, 1.2)  # noqa: S311
        await self._store.deliveries.retry(delivery.id, time.time() + delay, error)

    async def _send(self, stored: StoredArticle, delivery: Delivery) -> Message:
        """The bulletin as a message, or as its photo with the summary for caption."""
        link = self._platform.deep_link(self._bot.username, f"a{stored.id}")
        markup = bulletin_markup(stored, delivery, Buttons(self._codec, delivery.chat_id), link)
        if stored.photo:
            caption = self._text(stored, delivery, MAX_CAPTION_CHARS)
            try:
                return await self._bot.send_photo(delivery.chat_id, stored.photo, caption,
                                                  reply_markup=markup, rate_limit_args=self._bulk)
            except BadRequest as exc:
                if not _PHOTO_GONE.search(exc.message):
                    raise
                # The photo is no longer Telegram's to send (another bot's file_id, say): the text still is.
                log.warning("broadcast: photo of #%d refused (%s); sending the text", stored.id, exc.message)
        return await self._bot.send_message(delivery.chat_id, self._text(stored, delivery, MAX_MESSAGE_CHARS),
                                            reply_markup=markup, rate_limit_args=self._bulk)

    def _text(self, stored: StoredArticle, delivery: Delivery, limit: int) -> str:
        key = (stored.id, delivery.reasons, limit)
        if (text := self._texts.get(key)) is None:
            if len(self._texts) > 1024:
                self._texts.clear()
            text = self._texts[key] = bulletin_text(stored, delivery, limit)
        return text

    async def _article(self, article_id: int) -> StoredArticle | None:
        """Articles by id, a few kept: a broadcast sends one article to every chat."""
        if article_id in self._articles:
            self._articles.move_to_end(article_id)
            return self._articles[article_id]
        stored = await self._store.get_article(article_id)
        self._articles[article_id] = stored
        if len(self._articles) > 64:
            self._articles.popitem(last=False)
        return stored
