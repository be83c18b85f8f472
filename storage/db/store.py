"""The store: one async API over the database for the CLI and the bot.

Every write is one unit of work on the writer thread (``Database.write``); reads lease a
read-only connection of their own. CPU-heavy preparation (an article's index terms)
runs on the store's worker thread first, so neither the event loop nor the writer
spends its time on it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from storage.analysis.quotes import Match, is_bare_name, match, speaker_key, without_honorifics
from storage.db import articles, derived, fts, speakers
from storage.db import feeds as feed_rows
from storage.db.connection import Database as SqliteDatabase
from storage.db.deliveries import Deliveries
from storage.db.feeds import Feeds
from storage.db.keys import Keys
from storage.db.migrations import MIGRATIONS, migrate
from storage.db.stats import stats
from storage.db.subscriptions import Subscriptions
from storage.db.types import SQLITE, Connection, Database, ReadConnection, Row, is_database_url
from storage.models import (
    Article,
    ArticleSummary,
    IngestResult,
    Origin,
    SearchHit,
    SearchResults,
    Speaker,
    SpeakerCount,
    SpeakerKind,
    Stats,
    StoredArticle,
    StoredQuote,
)
from storage.search import Analyzer, Query, Snippets, parse_query
from storage.search.query import split_candidates
from storage.text.normalize import shared_normalizer

MAX_PAGE = 100
# SQLite's integers are 64-bit: a larger id or offset can name no row.
MAX_INTEGER = 2**63 - 1


def _first_words(text: str, limit: int = 80) -> str:
    """A stand-in title for an untitled statement: its opening, cut at a word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _bounded(value: int, low: int = 0, high: int = MAX_INTEGER) -> int:
    return max(low, min(value, high))


class Store:
    """Open with ``async with await Store.open(location) as store`` or ``open``/``close``.

    ``location`` is a SQLite file's path, or a ``postgresql://`` URL for the second engine.
    """

    def __init__(self, db: Database, analyzer: Callable[[], Analyzer], worker: ThreadPoolExecutor) -> None:
        self._db = db
        self._analyzer = analyzer
        self._worker = worker
        self.subscriptions = Subscriptions(db, analyzer)
        self.deliveries = Deliveries(db)
        self.feeds = Feeds(db)
        self.keys = Keys(db)

    @property
    def location(self) -> str:
        """The SQLite file, or the PostgreSQL URL without its password."""
        return self._db.location

    @property
    def engine(self) -> str:
        return self._db.engine

    @property
    def analyzer(self) -> Analyzer:
        return self._analyzer()

    @classmethod
    async def open(cls, location: str | Path) -> Self:
        """Open (creating if needed) and migrate the database at ``location``, and rebuild what
        an older analyzer derived."""
        analyzer = _LazyAnalyzer()

        def rebuild(conn: Connection) -> None:
            derived.rebuild_stale(conn, analyzer)

        db: Database
        if is_database_url(location):
            # Imported only here: a SQLite deployment does not install psycopg.
            from storage.db.postgres import migrations as pg_migrations
            from storage.db.postgres.connection import PostgresDatabase

            def setup_postgres(conn: Any) -> None:
                pg_migrations.migrate(conn)
                with conn.raw.transaction():
                    rebuild(conn)

            db = await PostgresDatabase.open(str(location), setup_postgres)
        else:
            def setup(conn: sqlite3.Connection) -> None:
                migrate(conn, reindex=lambda c: derived.reindex(c, analyzer()),
                        analyze=derived.analyze_missing)
                conn.execute("BEGIN IMMEDIATE")
                try:
                    rebuild(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")

            db = await SqliteDatabase.open(Path(location), setup)
        return cls(db, analyzer, ThreadPoolExecutor(1, thread_name_prefix="sokhan-worker"))

    async def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def offload[T](self, fn: Callable[..., T], *args: Any) -> T:
        """Run CPU-heavy pure work (parsing, analysis, index terms) on the store's worker
        thread, so that the event loop keeps answering meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    # -- writes ---------------------------------------------------------------

    async def write[T](self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` as one unit of work: on the writer thread, in a transaction of its
        own, all of it or none. Storage's repositories are made of such functions."""
        return await self._db.write(fn)

    def index_row(self, article: Article) -> dict[str, str]:
        """The article's search index row (CPU work: call it off the event loop)."""
        return fts.document(self.analyzer, article)

    async def add_article(self, article: Article, origin: Origin, *, notify: bool = True,
                          index_row: dict[str, str] | None = None, photo: str | None = None) -> IngestResult:
        """Store an analysed ``article`` unless the same content is already there.

        A new article is indexed, its analysis (and ``photo``, a messenger's file_id) stored
        and, when ``notify``, queued for every matching subscriber, all in one transaction:
        never stored without its deliveries. ``index_row`` is its ``index_row()`` when the
        caller has computed it already.
        """
        doc = index_row if index_row is not None else await self.offload(self.index_row, article)
        return await self._db.write(
            lambda conn: articles.add(conn, article, origin, doc, notify=notify, photo=photo))

    async def add_feed_entry(self, feed_id: int, key: str, article: Article | None, origin: Origin, *,
                             notify: bool = True) -> IngestResult | None:
        """Record a feed entry and store its article (None: an entry refused as a statement),
        in one transaction. None when the entry was recorded before: each is ingested once."""
        doc = await self.offload(fts.document, self.analyzer, article) if article is not None else None

        def unit(conn: Connection) -> IngestResult | None:
            if not feed_rows.record_entry(conn, feed_id, key) or article is None or doc is None:
                return None
            result = articles.add(conn, article, origin, doc, notify=notify)
            feed_rows.link_entry(conn, feed_id, key, result.article_id)
            return result

        return await self._db.write(unit)

    async def delete_article(self, article_id: int) -> StoredArticle | None:
        """Remove an article with its index entry, analysis and unsent deliveries.

        Messages already delivered stay where they are; feed entries keep their place so
        the feed does not bring the article back.
        """
        stored = await self.get_article(article_id)
        if stored is None or not await self._db.write(lambda conn: articles.delete(conn, article_id)):
            return None
        return stored

    # -- reads ----------------------------------------------------------------

    async def get_article(self, article_id: int) -> StoredArticle | None:
        if not 0 < article_id <= MAX_INTEGER:
            return None
        async with self._db.read() as conn:
            return await articles.get(conn, article_id)

    async def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Newest first: by publication date, else by arrival."""
        async with self._db.read() as conn:
            return await articles.latest(conn, _bounded(limit, 0, MAX_PAGE), _bounded(offset))

    async def count_articles(self) -> int:
        async with self._db.read() as conn:
            return await articles.count(conn)

    async def get_summary(self, article_id: int) -> ArticleSummary | None:
        if not 0 < article_id <= MAX_INTEGER:
            return None
        async with self._db.read() as conn:
            return await articles.summary(conn, article_id)

    async def schema_version(self) -> int:
        sql = "SELECT max(version) FROM schema_migrations"
        async with self._db.read() as conn, conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def latest_schema_version(self) -> int:
        """The version this code's migrations bring the database to, on its engine."""
        if self.engine == SQLITE:
            return MIGRATIONS[-1].version
        from storage.db.postgres.migrations import MIGRATIONS as POSTGRES_MIGRATIONS
        return POSTGRES_MIGRATIONS[-1].version

    async def stats(self) -> Stats:
        return await stats(self._db)

    # -- search ---------------------------------------------------------------

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        offset: int = 0,
        source: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> SearchResults:
        """Ranked matches for user text: bm25 (title > lead > body), ties to the newest arrival.
        Filters typed in the query (``منبع:``, ``از:``, ``تا:``) apply where none is given here."""
        analyzer = self.analyzer
        limit, offset = _bounded(limit, 1, MAX_PAGE), _bounded(offset)
        async with self._db.read() as conn:
            query = await self._parsed(conn, analyzer, text)
            if query.empty:
                return SearchResults((), False, truncated=query.truncated, empty=True)
            wanted = source or query.source
            normalized = analyzer.normalize(wanted) if wanted else None
            since, until = since or query.since, until or query.until
            match = fts.expression(query, conn)
            rows = await fts.search(conn, match, limit=limit, offset=offset, source=normalized,
                                    since=since, until=until)
            if not rows and not offset:  # nothing: perhaps words typed apart are written as one
                joined = await self._parsed(conn, analyzer, text, join_pairs=True)
                if joined.match != query.match:
                    query, match = joined, fts.expression(joined, conn)
                    rows = await fts.search(conn, match, limit=limit, offset=offset, source=normalized,
                                            since=since, until=until)
            total = 0
            if rows or offset:
                total = await fts.total(conn, rows, match, source=normalized, since=since, until=until)
        snippets = Snippets(analyzer)
        hits = tuple(self._hit(row, query, snippets) for row in rows[:limit])
        return SearchResults(hits, len(rows) > limit, truncated=query.truncated, total=total,
                             capped=total >= fts.MAX_CANDIDATES)

    @staticmethod
    async def _parsed(conn: ReadConnection, analyzer: Analyzer, text: str, *,
                      join_pairs: bool = False) -> Query:
        """The query, with each word typed joined that the index holds as two (``گلیکانی``
        for ``گلی کانی``) searched both ways."""
        candidates = split_candidates(analyzer, text)
        if not candidates:
            return parse_query(analyzer, text, join_pairs=join_pairs)
        known = await fts.known_terms(conn, (t for ways in candidates.values() for way in ways for t in way))
        splits = {word: way for word, ways in candidates.items()
                  if (way := next((w for w in ways if w[0] in known and w[1] in known), None))}
        return parse_query(analyzer, text, splits, join_pairs=join_pairs)

    @staticmethod
    def _hit(row: Row, query: Query, snippets: Snippets) -> SearchHit:
        paragraphs = [row["lead"], *(row["body"].split("\n") if row["body"] else ())]
        return SearchHit(
            id=row["id"],
            title=row["title"] or _first_words(row["lead"]),
            date=row["published"],
            source=row["source"],
            origin=f"{row['origin_kind']}:{row['origin_ref']}",
            score=round(-float(row["score"]), 6),
            snippet=snippets.snippet(paragraphs, query),
        )

    # -- quotes and speakers --------------------------------------------------

    async def find_speakers(self, query: str) -> list[Speaker]:
        """The speakers ``query`` names: by full name, alias (a title, the kicker) or
        surname, blind to ZWNJ, spacing and Arabic/Persian letters. Several people may fit
        (the caller asks which one); only the best kind of match counts, so a full name
        never brings in everyone who shares a word of it."""
        query = without_honorifics(query)  # stored names have none
        key = speaker_key(query)
        if not key:
            return []
        async with self._db.read() as conn:
            candidates = await speakers.containing(conn, key)
            ranked = [(_as_named(m, s), s) for s in candidates
                      if (m := match(query, s.name, s.aliases)) is not None]
            if not ranked:  # a full name the archive has only by its surname: ربیعی for علی ربیعی
                return await speakers.bare_surnames_of(conn, query)
        best = min(m.value for m, _ in ranked)
        if best == Match.EXACT.value and all(is_bare_name(s.name) for m, s in ranked if m is Match.EXACT):
            best = Match.SURNAME.value  # a bare surname that fits several: them too, to pick from
        return [s for m, s in ranked if m.value <= best]

    async def quotes_by(self, people: Sequence[Speaker], limit: int = 20,
                        offset: int = 0) -> list[StoredQuote]:
        """Quotes of these speakers, newest article first, in article order within one."""
        async with self._db.read() as conn:
            return await speakers.quotes_by(conn, people, _bounded(limit, 0, MAX_PAGE), _bounded(offset))

    async def speakers(self, limit: int = 50, offset: int = 0) -> list[SpeakerCount]:
        """Speakers by how many quotes they have, most first, with every alias seen."""
        async with self._db.read() as conn:
            return await speakers.counts(conn, _bounded(limit, 0, 1000), _bounded(offset))


def _as_named(found: Match, speaker: Speaker) -> Match:
    """Only a person has a surname: an office ending with a name (``سخنگوی پرنس چارلز``)
    holds it as words, and the person named so comes first."""
    if found is Match.SURNAME and speaker.kind is not SpeakerKind.PERSON:
        return Match.WORDS
    return found


class _LazyAnalyzer:
    """The search analyzer, built on first use: listing and showing need no lexicon. The
    loop and the worker thread may both ask first; the lock builds it once."""

    def __init__(self) -> None:
        self._analyzer: Analyzer | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Analyzer:
        if self._analyzer is None:
            with self._lock:
                if self._analyzer is None:
                    self._analyzer = Analyzer(shared_normalizer())
        return self._analyzer
