"""Polling RSS/Atom feeds from the JobQueue and reporting broken ones to the admins.

Each feed is polled on its own schedule with conditional GET; a feed that fails
backs off exponentially and never holds up the others. The first successful poll
of a new feed archives its backlog without broadcasting it (old news is no
bulletin); every later new entry is published like any other statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
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
from storage.sources.fetch import AddressGuard, check_address, fetch_feed
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
        # Each feed polls in a task of its own: a slow one holds up nothing but itself.
        self._polling: dict[int, asyncio.Task[None]] = {}
        self._scan: asyncio.Task[list[asyncio.Task[None]]] | None = None

    async def check(self, url: str) -> str:
        """A feed address an admin typed, cleaned up, or ``FeedError``: the same rules as fetching."""
        return await check_address(self._guard, url)

    def kick(self) -> None:
        """Start polling the feeds that are due, in the background. The JobQueue's tick
        returns at once, so a slow feed never holds up the bot's shutdown."""
        if self._scan is None or self._scan.done():
            self._scan = asyncio.create_task(self._start_due(), name="feeds")

    async def _start_due(self) -> list[asyncio.Task[None]]:
        """A task for each feed whose time has come and that is not being polled already."""
        started = []
        for feed in await self._store.feeds.due(time.time()):
            if feed.id in self._polling:
                continue
            task = asyncio.create_task(self._guarded(feed), name=f"feed-{feed.id}")
            self._polling[feed.id] = task
            task.add_done_callback(functools.partial(self._finished, feed.id))
            started.append(task)
        return started

    def _finished(self, feed_id: int, _: asyncio.Task[None]) -> None:
        self._polling.pop(feed_id, None)

    async def poll_due(self) -> None:
        """Poll every feed whose time has come, and wait for those polls to end: those it
        starts, and those already running (a feed the background started is not polled
        twice, and its entries are stored when this returns)."""
        started = await self._start_due()
        running = [task for task in self._polling.values() if task not in started]
        await asyncio.gather(*started, *running)

    async def close(self) -> None:
        """Abandon the polls in progress (a feed cut off is polled again next time) and let
        go of the connections."""
        tasks = [t for t in (self._scan, *self._polling.values()) if t is not None]
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)
        self._scan = None
        self._polling.clear()
        await self._client.aclose()

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
        # The record keeps what went wrong as its reason code, which /feed list words in Persian.
        failures = await self._store.feeds.failed(feed.id, error.problem.value, time.time() + delay)
        log.warning("feed #%d (%s) failed %d time(s): %s", feed.id, feed.url, failures, error)
        if failures == 1:  # once per outage; the recovery is reported too
            reason = strings.FEED_PROBLEMS.get(error.problem, strings.FEED_PROBLEMS[FeedProblem.UNREACHABLE])
            text = strings.FEED_BROKEN.format(id=persian_digits(str(feed.id)), url=escape(feed.url),
                                              error=reason)
            await self._report(text)
