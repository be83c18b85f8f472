"""The broadcast sender: claims what the outbox holds, sends it, and records each outcome.

The outbox in the database is the only state, and any number of senders share it: the bot
process and ``sokhan worker``s, on one machine or several. A sender claims a batch of
deliveries in one write, leased to it (a sender that dies loses its claims when the lease
runs out, and another takes them over); only a chat's oldest pending delivery can be
claimed, so a chat's bulletins arrive in order and one at a time, whoever sends them.
Outcomes are written in batches, a few hundredths of a second apart, so a restart resumes
with what is left: only a message in flight at a crash, or sent in the last instant before
it, can go out twice.

One rate limit holds for all senders: each claim comes with send slots from the database's
schedule (``SOKHAN_BROADCAST_RATE`` a second, 1,000 with paid broadcasts), handed out only a
quarter of a second ahead so that a reply asking for a slot waits no longer than that; a
group or channel gets at most one bulletin every three seconds (Telegram's 20 a minute).

Telegram's answers decide what happens next:
- 429 (flood wait): every sender pauses for ``retry_after``; the delivery waits, uncounted.
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
import logging
import os
import random
import re
import secrets
import socket
from collections import OrderedDict

from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.callbacks import Buttons, CallbackCodec
from bot.limiter import BULK, DatabaseClock, retry_seconds
from bot.platform import PlatformBot
from bot.render import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS
from bot.views.articles import bulletin_markup, bulletin_text
from storage.db.deliveries import SLACK
from storage.db.store import Store
from storage.models import Delivery, Outcome, OutcomeKind, Reason, StoredArticle

log = logging.getLogger(__name__)

_GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was blocked", "have no rights")
# Telegram's words for a file_id it will not send (another bot's, or one gone stale).
_PHOTO_GONE = re.compile(r"wrong (remote )?file identifier|file reference|wrong type of the web page", re.I)
# How far ahead send slots are handed out: what a reply may wait behind bulletins.
HORIZON = 0.25
# Telegram's 20 messages a minute in a group or channel: the rest after each bulletin.
GROUP_REST = 3.0
# A claim not sent this long before its lease ends is given back rather than risked twice.
LEASE_MARGIN = 5.0
# A bulletin this late for its slot is given back rather than sent: slots are SLACK seconds a
# second wider than the rate, and a later one would crowd the next and make a second with one
# message too many.
LATE = 0.25 * SLACK
# Outcomes wait this long to be written together (and at most FLUSH_BATCH of them).
FLUSH_EVERY = 0.05
FLUSH_BATCH = 256


def sender_name() -> str:
    """This process among the senders: host and pid, and a few random letters, since a pid
    (1 in every container) is no name across machines or restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Broadcaster:
    """Delivers pending bulletins; ``wake()`` when new ones are queued in this process.

    ``rate`` is the messages a second all senders share (0: no limit, the local mode);
    ``paid`` sends with ``allow_paid_broadcast``. Deliveries queued by another process are
    found by polling the outbox every ``idle_poll`` seconds.
    """

    def __init__(self, store: Store, bot: PlatformBot, codec: CallbackCodec, *,
                 name: str | None = None, rate: float = 0.0, paid: bool = False,
                 concurrency: int = 16, lease: float = 60.0,
                 retry_base: float = 10.0, retry_cap: float = 3600.0, max_attempts: int = 8,
                 idle_poll: float = 2.0, flush_every: float = FLUSH_EVERY,
                 clock: DatabaseClock | None = None) -> None:
        self._store = store
        self._bot = bot
        self._codec = codec
        self._platform = bot.platform
        self.name = name or sender_name()
        self._rate = rate
        # None, not False, when unpaid: the request stays what Telegram always got.
        self._paid = True if paid else None
        # Through the bot's limiter as a bulletin (there is none in the local mode or a worker).
        self._bulk = BULK if bot.rate_limiter else None
        self._concurrency = concurrency
        self._lease = lease
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._max_attempts = max_attempts
        self._idle_poll = idle_poll
        self._flush_every = flush_every
        self._clock = clock or DatabaseClock()
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self._waiting: set[asyncio.Task[None]] = set()  # sends not begun: given back on stop
        self._paused_until = 0.0  # loop time: the flood wait as this sender knows it
        self._outcomes: list[Outcome] = []
        self._has_outcomes = asyncio.Event()
        self._articles: OrderedDict[int, StoredArticle | None] = OrderedDict()
        # A broadcast renders the same few texts thousands of times: by article and reason.
        self._texts: dict[tuple[int, tuple[Reason, ...], int], str] = {}
        self._loop: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self.delivered = 0

    def start(self) -> None:
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="broadcast")
            self._flusher = asyncio.create_task(self._flush_loop(), name="broadcast-outcomes")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; give back what has not begun, let the sends in flight finish so their
        outcome is recorded, and write every outcome."""
        if self._loop is None:
            return
        self._loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._loop
        self._loop = None
        for task in list(self._waiting):
            task.cancel()
        if self._sending:
            _, late = await asyncio.wait(self._sending, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        try:
            await self._flush()
            # Whatever is still held (a send cut off past the grace) goes back at once,
            # rather than when its lease runs out.
            await self._store.deliveries.release(self.name)
        except Exception:
            log.exception("broadcast: could not record the last outcomes; their leases will expire")

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
        loop = asyncio.get_running_loop()
        if (pause := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(pause)
        self._wake.clear()
        free = self._concurrency - len(self._sending)
        if self._sending and free < self._concurrency // 2:
            # Refill in batches: one claim per message would cost as much as the send.
            await self._idle(self._idle_poll)
            return
        claim = await self._store.deliveries.claim(self.name, free, lease=self._lease, rate=self._rate,
                                                   horizon=HORIZON)
        self._clock.observe(claim.clock, *claim.read_at, host=claim.host_clock)
        if not claim.deliveries:
            # Held by the rate limit or a flood wait: new deliveries would not go sooner.
            if claim.limited and claim.wait is not None:
                await asyncio.sleep(claim.wait)
            else:
                await self._idle(self._idle_poll if claim.wait is None else min(self._idle_poll, claim.wait))
            return
        now = loop.time()
        expires = now + self._lease - min(LEASE_MARGIN, self._lease / 2)
        # Slot times are the database's: here they become this event loop's.
        first = now + self._clock.delay(claim.clock + claim.start)
        for i, delivery in enumerate(claim.deliveries):
            at = first + i * claim.spacing
            task = asyncio.create_task(self._deliver(delivery, at, expires))
            self._sending.add(task)
            self._waiting.add(task)
            task.add_done_callback(self._done)
        if claim.spacing:
            # The next slots are worth asking for once these are nearly used.
            last = first + len(claim.deliveries) * claim.spacing
            await asyncio.sleep(max(0.0, last - HORIZON - loop.time()))

    def _done(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._waiting.discard(task)
        self._wake.set()

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    # -- outcomes, written in batches ----------------------------------------------------

    def _record(self, outcome: Outcome) -> None:
        self._outcomes.append(outcome)
        self._has_outcomes.set()

    async def _flush_loop(self) -> None:
        while True:
            await self._has_outcomes.wait()
            if len(self._outcomes) < FLUSH_BATCH:
                await asyncio.sleep(self._flush_every)
            try:
                await self._flush()
            except asyncio.CancelledError:
                raise
            except Exception:  # kept, and written with the next batch
                log.exception("broadcast: recording outcomes failed; retrying")
                await asyncio.sleep(self._idle_poll)

    async def _flush(self) -> None:
        batch, self._outcomes = self._outcomes, []
        self._has_outcomes.clear()
        if not batch:
            return
        try:
            await self._store.deliveries.record(batch)
        except BaseException:
            self._outcomes[:0] = batch
            self._has_outcomes.set()
            raise
        self._wake.set()  # the chats whose message went may take their next one

    # -- one delivery ----------------------------------------------------------------------

    async def _deliver(self, delivery: Delivery, at: float, expires: float) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        try:
            if (delay := at - loop.time()) > 0:
                await asyncio.sleep(delay)
            now = loop.time()
            late = self._rate > 0 and now - at > LATE
            if (pause := self._paused_until - now) > 0 or now > expires or late:
                # A flood wait began after this slot was given, the lease is nearly out, or
                # the slot has passed: another claim gives it one of its own.
                self._record(Outcome(OutcomeKind.RELEASED, delivery.id, delay=max(pause, 0.0)))
                return
        except asyncio.CancelledError:  # stopping before this one began: it goes back
            self._record(Outcome(OutcomeKind.RELEASED, delivery.id))
            raise
        if task is not None:
            self._waiting.discard(task)
        try:
            await self._attempt(delivery)
        except Exception:  # recorded as a failed attempt; the sender goes on
            log.exception("broadcast: delivery %d to chat %d failed", delivery.id, delivery.chat_id)
            self._backoff(delivery, "internal error")

    async def _attempt(self, delivery: Delivery) -> None:
        stored = await self._article(delivery.article_id)
        if stored is None:  # deleted while queued (the foreign key usually got there first)
            self._record(Outcome(OutcomeKind.FAILED, delivery.id, error="article deleted"))
            return
        try:
            message = await self._send(stored, delivery)
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            log.warning("broadcast: flood wait of %.0f s", wait)
            self._paused_until = max(self._paused_until, asyncio.get_running_loop().time() + wait)
            self._record(Outcome(OutcomeKind.RETRY, delivery.id, error="flood wait", delay=wait, count=False))
            await self._store.deliveries.pause(wait)  # every sender waits, not only this one
        except ChatMigrated as exc:
            log.info("broadcast: chat %d moved to %d", delivery.chat_id, exc.new_chat_id)
            await self._store.subscriptions.migrate_chat(delivery.chat_id, exc.new_chat_id)
            self._record(Outcome(OutcomeKind.RELEASED, delivery.id))  # due again, at the new id
        except Forbidden as exc:
            await self._gone(delivery, exc)
        except BadRequest as exc:
            if any(reason in exc.message.lower() for reason in _GONE):
                await self._gone(delivery, exc)
            else:  # our message is wrong: sending it again gives the same answer
                log.warning("broadcast: Telegram refused delivery %d: %s", delivery.id, exc.message)
                self._record(Outcome(OutcomeKind.FAILED, delivery.id, error=exc.message))
        except TelegramError as exc:  # network errors, timeouts, 5xx
            self._backoff(delivery, exc.message)
        else:
            rest = GROUP_REST if self._rate and delivery.chat_id < 0 else 0.0
            self._record(Outcome(OutcomeKind.SENT, delivery.id, delivery.chat_id,
                                 message_id=message.message_id, rest=rest))
            self.delivered += 1

    async def _gone(self, delivery: Delivery, exc: TelegramError) -> None:
        """The chat is unreachable: marked so, with its queue (this delivery too) dropped."""
        log.info("broadcast: chat %d is unreachable (%s); unsubscribed", delivery.chat_id, exc.message)
        await self._store.subscriptions.set_active(delivery.chat_id, False, exc.message)

    def _backoff(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self._max_attempts:
            log.warning("broadcast: delivery %d failed %d times; giving up: %s", delivery.id, attempts, error)
            self._record(Outcome(OutcomeKind.FAILED, delivery.id, error=error))
            return
        # Jitter spreads the retries of a whole broadcast that failed at once.
        delay = min(self._retry_cap, self._retry_base * 2 ** (attempts - 1)) * random.uniform(0.8, 1.2)  # noqa: S311
        self._record(Outcome(OutcomeKind.RETRY, delivery.id, error=error, delay=delay))

    async def _send(self, stored: StoredArticle, delivery: Delivery) -> Message:
        """The bulletin as a message, or as its photo with the summary for caption."""
        link = self._platform.deep_link(self._bot.username, f"a{stored.id}")
        markup = bulletin_markup(stored, delivery, Buttons(self._codec, delivery.chat_id), link)
        if stored.photo:
            caption = self._text(stored, delivery, MAX_CAPTION_CHARS)
            try:
                return await self._bot.send_photo(delivery.chat_id, stored.photo, caption,
                                                  reply_markup=markup, allow_paid_broadcast=self._paid,
                                                  rate_limit_args=self._bulk)
            except BadRequest as exc:
                if not _PHOTO_GONE.search(exc.message):
                    raise
                # The photo is no longer Telegram's to send (another bot's file_id, say): the text still is.
                log.warning("broadcast: photo of #%d refused (%s); sending the text", stored.id, exc.message)
        return await self._bot.send_message(delivery.chat_id, self._text(stored, delivery, MAX_MESSAGE_CHARS),
                                            reply_markup=markup, allow_paid_broadcast=self._paid,
                                            rate_limit_args=self._bulk)

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
