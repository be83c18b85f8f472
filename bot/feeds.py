"""Polling RSS/Atom feeds from the JobQueue and reporting broken ones to the admins.

Each feed is polled on its own schedule with conditional GET; a feed that fails
backs off exponentially and never holds up the others. The first successful poll
of a new feed archives its backlog without broadcasting it (old news is no
bulletin); every later new entry is published like any other statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from bot import strings
from bot.render import escape
from storage.db.store import Store
from storage.errors import FeedError, FeedProblem, RejectedText
from storage.ingest import Ingestor
from storage.models import Feed, IngestStatus, Origin, OriginKind
from storage.sources.feedparse import ParsedFeed, parse_feed
from storage.sources.fetch import AddressGuard, fetch_feed
from storage.text.letters import persian_digits

log = logging.getLogger(__name__)

MAX_BACKOFF = 6 * 3600.0
FETCH_TIMEOUT = 20.0
# Polls at once: enough to read many feeds in one round, few enough not to look like a flood.
PARALLEL = 8


class FeedPoller:
    def __init__(self, store: Store, ingestor: Ingestor, *, interval: float, guard: AddressGuard,
                 report: Callable[[str], Awaitable[None]], published: Callable[[], None]) -> None:
        self._store = store
        self._ingestor = ingestor
        self._guard = guard
        # Redirects are followed by fetch_feed, which checks every hop.
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(FETCH_TIMEOUT))
        self._interval = interval
        self._report = report
        self._published = published
        self._slots = asyncio.Semaphore(PARALLEL)
        self._lock = asyncio.Lock()
        self._round: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Start a round in the background, unless one is running. The JobQueue's tick
        returns at once, so a slow feed never holds up the bot's shutdown."""
        if self._round is None or self._round.done():
            self._round = asyncio.create_task(self.poll_due(), name="feeds")

    async def close(self) -> None:
        """Abandon a round in progress (a feed cut off is polled again next time) and let go
        of the connections."""
        if self._round is not None:
            self._round.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._round
            self._round = None
        await self._client.aclose()

    async def poll_due(self) -> None:
        """Poll every feed whose time has come (one round at a time)."""
        async with self._lock:
            feeds = await self._store.feeds.due(time.time())
            await asyncio.gather(*(self._guarded(feed) for feed in feeds))

    async def _guarded(self, feed: Feed) -> None:
        async with self._slots:
            try:
                await self._poll(feed)
            except Exception as exc:  # one feed's surprise must not stop the round
                log.exception("feed #%d: polling failed", feed.id)
                problem = FeedError(FeedProblem.UNREACHABLE, f"internal error: {type(exc).__name__}")
                await self._failed(feed, problem)

    async def _poll(self, feed: Feed) -> None:
        try:
            fetched = await fetch_feed(self._client, feed.url, guard=self._guard, etag=feed.etag,
                                       last_modified=feed.last_modified)
            # A large feed takes a while to parse: never on the event loop.
            parsed = None
            if fetched.changed:
                parsed = await self._store.offload(parse_feed, fetched.body, feed.url)
        except FeedError as exc:
            await self._failed(feed, exc)
            return
        queued = await self._ingest(feed, parsed) if parsed else 0
        await self._store.feeds.polled(
            feed.id, next_poll=time.time() + self._interval, etag=fetched.etag,
            last_modified=fetched.last_modified, title=parsed.title if parsed else None)
        if feed.failures:
            await self._report(strings.FEED_RECOVERED.format(id=persian_digits(str(feed.id)),
                                                             url=escape(feed.url)))
        if queued:
            self._published()

    async def _ingest(self, feed: Feed, parsed: ParsedFeed) -> int:
        """Store the entries not seen before, oldest first; return the deliveries queued."""
        backlog = feed.last_ok_at is None
        seen = await self._store.feeds.seen(feed.id, [e.key for e in parsed.entries])
        queued = 0
        for entry in reversed(parsed.entries):  # feeds list the newest first
            if entry.key in seen:
                continue
            try:
                article = await self._ingestor.analyze(entry.as_statement())
            except RejectedText as exc:  # recorded as seen all the same: it will not improve
                log.info("feed #%d: entry %s refused: %s", feed.id, entry.key, exc)
                article = None
            origin = Origin(OriginKind.URL, entry.link or feed.url)
            result = await self._store.add_feed_entry(feed.id, entry.key, article, origin, notify=not backlog)
            if result is not None and result.status is IngestStatus.NEW:
                queued += result.queued
        return queued

    async def _failed(self, feed: Feed, error: FeedError) -> None:
        delay = min(MAX_BACKOFF, self._interval * 2 ** feed.failures)
        failures = await self._store.feeds.failed(feed.id, str(error), time.time() + delay)
        log.warning("feed #%d (%s) failed %d time(s): %s", feed.id, feed.url, failures, error)
        if failures == 1:  # once per outage; the recovery is reported too
            reason = strings.FEED_PROBLEMS.get(error.problem, strings.FEED_PROBLEMS[FeedProblem.UNREACHABLE])
            text = strings.FEED_BROKEN.format(id=persian_digits(str(feed.id)), url=escape(feed.url),
                                              error=reason)
            await self._report(text)
