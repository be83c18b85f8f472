"""The SQLite store: one async API for the CLI and the bot, one write path.

Writes go through one connection under a lock, each in its own transaction, so
nothing is ever half-written. Reads use a second connection, which WAL lets run
beside a write.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from storage.analysis import analyze
from storage.feedstore import FeedStore
from storage.migrations import MIGRATIONS, migrate
from storage.models import (
    Article,
    ArticleSummary,
    IngestResult,
    IngestStatus,
    Origin,
    OriginKind,
    Quote,
    Speaker,
    SpeakerCount,
    StoredArticle,
    StoredQuote,
)
from storage.outbox import Outbox, enqueue
from storage.quotes import match, speaker_key
from storage.search import MAX_CANDIDATES, Analyzer, Query, SearchHit, SearchResults
from storage.text import shared_normalizer

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)
_ARTICLE_COLUMNS = (
    "id, title, kicker, lead, body, tags, source, published, origin_kind, origin_ref,"
    " raw_text, created_at, content_hash"
)


# Read beside _ARTICLE_COLUMNS where the analysis is wanted (migration 3 added the table).
_WITH_SUMMARY = "s.summary, s.headline FROM articles LEFT JOIN article_summaries s ON s.article_id = id"
# A quote's words, cut from its article ``a`` (quotes keep their place, not a copy).
_QUOTE_TEXT = "substr(a.lead || char(10) || a.body, q.start + 1, q.length)"


def _row_to_article(row: aiosqlite.Row) -> StoredArticle:
    body = row["body"]
    analysed = "summary" in row.keys()  # noqa: SIM118 (sqlite3.Row: no `in` for column names)
    article = Article(
        paragraphs=(row["lead"], *(body.split("\n") if body else ())),
        raw_text=row["raw_text"],
        title=row["title"],
        kicker=row["kicker"],
        date=dt.date.fromisoformat(row["published"]) if row["published"] else None,
        source=row["source"],
        tags=tuple(json.loads(row["tags"])),
        summary=(row["summary"] or "") if analysed else "",
        headline=row["headline"] if analysed else None,
    )
    return StoredArticle(
        id=row["id"],
        article=article,
        origin=Origin(OriginKind(row["origin_kind"]), row["origin_ref"]),
        created_at=row["created_at"],
        content_hash=row["content_hash"],
    )


def _first_words(text: str, limit: int = 80) -> str:
    """A stand-in title for an untitled statement: its opening, cut at a word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


# Search reads long FTS doclists: a 32 MiB page cache (SQLite's default is 2 MiB) keeps
# the hot ones in memory, about a third off query time on a 100k-article archive.
_READER_PRAGMAS = ("PRAGMA cache_size = -32768",)


async def _connect(path: Path, *extra: str) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    for pragma in (*_PRAGMAS, *extra):
        await db.execute(pragma)
    return db


class Store:
    """Open with ``async with await Store.open(path) as store`` or ``open``/``close``."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._analyzer: Analyzer | None = None
        self.outbox = Outbox(self)
        self.feeds = FeedStore(self)

    @property
    def analyzer(self) -> Analyzer:
        """Built on first use: listing and showing need no lexicon."""
        if self._analyzer is None:
            self._analyzer = Analyzer(shared_normalizer())
        return self._analyzer

    @classmethod
    async def open(cls, path: str | Path) -> Self:
        """Open (creating if needed) and migrate the database at ``path``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        try:
            reader = await _connect(path, *_READER_PRAGMAS)
        except BaseException:
            await writer.close()
            raise
        store = cls(path, writer, reader)
        try:
            await migrate(writer, store._reindex, store._analyze_stored)
        except BaseException:
            await store.close()
            raise
        return store

    async def close(self) -> None:
        await self._reader.close()
        await self._writer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- writes ---------------------------------------------------------------

    async def add_article(self, article: Article, origin: Origin, *, notify: bool = True) -> IngestResult:
        """Store ``article`` unless the same content is already there.

        A new article is indexed, analyzed and, when ``notify``, queued for every matching
        subscriber, all in one transaction: it is never stored without its deliveries.
        """
        async with self.transaction() as db:
            return await self.insert_article(db, article, origin, notify=notify)

    async def insert_article(
        self, db: aiosqlite.Connection, article: Article, origin: Origin, *, notify: bool = True
    ) -> IngestResult:
        """``add_article`` inside a transaction the caller holds (storage's own repositories)."""
        content_hash = article.content_hash
        values: dict[str, Any] = {
            "content_hash": content_hash,
            "title": article.title,
            "kicker": article.kicker,
            "lead": article.lead,
            "body": "\n".join(article.paragraphs[1:]),
            "tags": json.dumps(list(article.tags), ensure_ascii=False),
            "source": article.source,
            "published": article.date.isoformat() if article.date else None,
            "origin_kind": str(origin.kind),
            "origin_ref": origin.ref,
            "raw_text": article.raw_text,
        }
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        cursor = await db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({placeholders})"  # noqa: S608 (names are ours)
            " ON CONFLICT (content_hash) DO NOTHING RETURNING id",
            values,
        )
        row = await cursor.fetchone()
        if row is not None:
            await self._index(db, row[0], article)
            await self._add_analysis(db, row[0], article)
            queued = await enqueue(db, row[0], article) if notify else 0
            return IngestResult(origin, IngestStatus.NEW, row[0], title=article.title, queued=queued)
        cursor = await db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,))
        (existing_id,) = await cursor.fetchone() or (None,)
        return IngestResult(origin, IngestStatus.DUPLICATE, existing_id, title=article.title)

    async def delete_article(self, article_id: int) -> StoredArticle | None:
        """Remove an article with its index entry, analysis and unsent deliveries.

        Messages already delivered stay where they are; feed entries keep their place so
        the feed does not bring the article back.
        """
        stored = await self.get_article(article_id)
        if stored is None:
            return None
        async with self.transaction() as db:
            await db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
            await db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            await db.execute(
                "DELETE FROM speakers WHERE id NOT IN (SELECT speaker_id FROM article_speakers)"
            )
        return stored

    @property
    def reader(self) -> aiosqlite.Connection:
        """The read connection, for storage's own repositories (outbox, feeds)."""
        return self._reader

    async def write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """One statement, committed on its own (SQLite's autocommit): one trip to the
        database thread instead of three, for the outbox's per-message bookkeeping.
        Returns the rows changed."""
        async with self._write_lock:
            cursor = await self._writer.execute(sql, params)
            return cursor.rowcount

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer, rolled back on any error."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    async def _index(self, db: aiosqlite.Connection, article_id: int, article: Article) -> None:
        doc = self.analyzer.document(article.title, article.lead, article.paragraphs[1:],
                                     self._extra_terms(article))
        await db.execute(
            "INSERT INTO articles_fts (rowid, title, lead, body, extra)"
            " VALUES (:rowid, :title, :lead, :body, :extra)",
            {"rowid": article_id, **doc},
        )

    @staticmethod
    def _extra_terms(article: Article) -> list[str]:
        """Searchable text beside the article's own: kicker and tags."""
        return [t for t in (article.kicker, *article.tags) if t]

    async def _reindex(self, db: aiosqlite.Connection) -> None:
        """Rebuild the search index from the articles (runs inside a migration)."""
        await db.execute("DELETE FROM articles_fts")
        async with db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles") as cursor:  # noqa: S608
            rows = await cursor.fetchall()
        for row in rows:
            stored = _row_to_article(row)
            await self._index(db, stored.id, stored.article)

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
        """Ranked matches for user text: bm25 (title > lead > body), ties to the newest arrival."""
        query = self.analyzer.query(text)
        if query.empty:
            return SearchResults((), False, query)
        limit = max(1, min(limit, 100))
        conditions, params = self._search_filters(source, since, until)
        params.update(match=query.match, candidates=MAX_CANDIDATES, limit=limit + 1, offset=max(0, offset))
        # bm25 ranks the newest MAX_CANDIDATES matches, never more: a word in half the
        # archive would otherwise cost a score for every one of them. Only the page's
        # rows are then read from articles.
        page = (
            "SELECT f.rowid, f.rank FROM (SELECT rowid, rank FROM articles_fts"
            " WHERE articles_fts MATCH :match ORDER BY rowid DESC LIMIT :candidates) f"
        )
        if conditions:
            page += " JOIN articles a ON a.id = f.rowid WHERE " + " AND ".join(conditions)
        page += " ORDER BY f.rank, f.rowid DESC LIMIT :limit OFFSET :offset"
        # Only our own SQL fragments are joined here; every value is bound.
        sql = (
            "SELECT a.id, coalesce(a.title, h.headline) AS title, a.lead, a.body, a.published,"  # noqa: S608
            f" a.source, a.origin_kind, a.origin_ref, p.rank AS score FROM ({page}) p"
            " JOIN articles a ON a.id = p.rowid LEFT JOIN article_summaries h ON h.article_id = a.id"
            " ORDER BY p.rank, a.id DESC"
        )
        async with self._reader.execute(sql, params) as cursor:
            rows = list(await cursor.fetchall())
        hits = tuple(self._hit(row, query) for row in rows[:limit])
        return SearchResults(hits, len(rows) > limit, query)

    def _search_filters(
        self, source: str | None, since: dt.date | None, until: dt.date | None
    ) -> tuple[list[str], dict[str, Any]]:
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if source:
            conditions.append("instr(a.source, :source) > 0")
            params["source"] = self.analyzer.normalize(source)
        if since:
            conditions.append("a.published >= :since")
            params["since"] = since.isoformat()
        if until:
            conditions.append("a.published <= :until")
            params["until"] = until.isoformat()
        return conditions, params

    def _hit(self, row: aiosqlite.Row, query: Query) -> SearchHit:
        paragraphs = [row["lead"], *(row["body"].split("\n") if row["body"] else ())]
        return SearchHit(
            id=row["id"],
            title=row["title"] or _first_words(row["lead"]),
            date=row["published"],
            source=row["source"],
            origin=f"{row['origin_kind']}:{row['origin_ref']}",
            score=round(-float(row["score"]), 6),
            snippet=self.analyzer.snippet(paragraphs, query),
        )

    # -- reads ----------------------------------------------------------------

    async def get_article(self, article_id: int) -> StoredArticle | None:
        async with self._reader.execute(
            f"SELECT {_ARTICLE_COLUMNS}, {_WITH_SUMMARY} WHERE id = ?",
            (article_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        (stored,) = await self._with_analysis([_row_to_article(row)])
        return stored

    async def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Newest first: by publication date, else by arrival."""
        async with self._reader.execute(
            f"SELECT {_ARTICLE_COLUMNS}, {_WITH_SUMMARY}"
            " ORDER BY coalesce(published, substr(created_at, 1, 10)) DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (max(0, limit), max(0, offset)),
        ) as cursor:
            rows = await cursor.fetchall()
        return await self._with_analysis([_row_to_article(row) for row in rows])

    async def count_articles(self) -> int:
        async with self._reader.execute("SELECT count(*) FROM articles") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def schema_version(self) -> int:
        async with self._reader.execute("SELECT max(version) FROM schema_migrations") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    @staticmethod
    def latest_schema_version() -> int:
        return MIGRATIONS[-1].version

    # -- quotes and summaries ---------------------------------------------------

    async def _add_analysis(self, db: aiosqlite.Connection, article_id: int, article: Article) -> None:
        """The summary, speakers, aliases and quotes of a new article, in its transaction.

        A statement per table, whatever the number of rows, and none for no rows: each
        is a trip to the database thread, and ingestion runs this for every article.
        """
        await db.execute(
            "INSERT INTO article_summaries (article_id, summary, headline) VALUES (?, ?, ?)",
            (article_id, article.summary, article.headline),
        )
        speakers = _all_speakers(article)
        if not speakers:
            return
        await db.executemany(
            "INSERT INTO speakers (key, name) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            [(speaker_key(s.name), s.name) for s in speakers],
        )
        # The speaker's id is looked up by key inside each statement: no round trip for it.
        await db.executemany(
            "INSERT INTO article_speakers (article_id, speaker_id, position, name)"
            " VALUES (?, (SELECT id FROM speakers WHERE key = ?), ?, ?)",
            [(article_id, speaker_key(s.name), i, s.name) for i, s in enumerate(speakers)],
        )
        aliases = [(article_id, speaker_key(s.name), i, alias, speaker_key(alias))
                   for s in speakers for i, alias in enumerate(s.aliases)]
        if aliases:
            await db.executemany(
                "INSERT INTO speaker_aliases (article_id, speaker_id, position, alias, key)"
                " VALUES (?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?)",
                aliases,
            )
        await db.executemany(
            "INSERT INTO quotes (article_id, position, speaker_id, paragraph, start, length)"
            " VALUES (?, ?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?)",
            [(article_id, i, speaker_key(q.speaker), q.paragraph, *_span(article, q))
             for i, q in enumerate(article.quotes)],
        )

    async def _analyze_stored(self, db: aiosqlite.Connection) -> None:
        """Analyze the articles stored before there was an analysis (runs inside migration 3)."""
        async with db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles"  # noqa: S608
            " WHERE id NOT IN (SELECT article_id FROM article_summaries)"
        ) as cursor:
            rows = await cursor.fetchall()
        for row in rows:
            stored = _row_to_article(row)
            await self._add_analysis(db, stored.id, analyze(stored.article))

    async def _with_analysis(self, stored: list[StoredArticle]) -> list[StoredArticle]:
        """The same articles carrying their quotes and speakers (three queries for all)."""
        if not stored:
            return stored
        ids = json.dumps([s.id for s in stored])
        speakers = await self._article_speakers(ids)
        quotes: dict[int, list[Quote]] = {}
        async with self._reader.execute(
            f"SELECT q.article_id, s.name, q.paragraph, {_QUOTE_TEXT} FROM article_speakers s"  # noqa: S608
            " JOIN quotes q USING (speaker_id, article_id) JOIN articles a ON a.id = q.article_id"
            " WHERE s.article_id IN (SELECT value FROM json_each(?)) ORDER BY q.article_id, q.position",
            (ids,),
        ) as cursor:
            async for row in cursor:
                quotes.setdefault(row[0], []).append(Quote(row[1], row[3], row[2]))
        return [
            dataclasses.replace(s, article=dataclasses.replace(
                s.article, quotes=tuple(quotes.get(s.id, ())), speakers=tuple(speakers.get(s.id, ()))))
            for s in stored
        ]

    async def _article_speakers(self, ids: str) -> dict[int, list[Speaker]]:
        """Each article's speakers, in order, with the aliases it gives them."""
        aliases: dict[tuple[int, int], list[str]] = {}
        async with self._reader.execute(
            "SELECT s.article_id, s.speaker_id, a.alias FROM article_speakers s"
            " JOIN speaker_aliases a USING (speaker_id, article_id)"
            " WHERE s.article_id IN (SELECT value FROM json_each(?)) ORDER BY 1, 2, a.position",
            (ids,),
        ) as cursor:
            async for row in cursor:
                aliases.setdefault((row[0], row[1]), []).append(row[2])
        speakers: dict[int, list[Speaker]] = {}
        async with self._reader.execute(
            "SELECT article_id, speaker_id, name FROM article_speakers"
            " WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, position",
            (ids,),
        ) as cursor:
            async for row in cursor:
                speaker = Speaker(row[2], tuple(aliases.get((row[0], row[1]), ())))
                speakers.setdefault(row[0], []).append(speaker)
        return speakers

    async def find_speakers(self, query: str) -> list[Speaker]:
        """The speakers ``query`` names: by full name, alias (a title, the kicker) or
        surname, blind to ZWNJ, spacing and Arabic/Persian letters. Several people may fit
        (the caller asks which one); only the best kind of match counts, so a full name
        never brings in everyone who shares a word of it."""
        key = speaker_key(query)
        if not key:
            return []
        candidates = await self._speakers_containing(key)
        ranked = [(m, s) for s in candidates if (m := match(query, s.name, s.aliases)) is not None]
        if not ranked:
            return []
        best = min(m.value for m, _ in ranked)
        return [s for m, s in ranked if m.value == best]

    async def _speakers_containing(self, key: str) -> list[Speaker]:
        """Speakers whose name or an alias holds ``key``: a cheap filter before ``match``."""
        async with self._reader.execute(
            "SELECT s.id, s.name, a.alias FROM speakers s LEFT JOIN speaker_aliases a ON a.speaker_id = s.id"
            " WHERE s.id IN (SELECT id FROM speakers WHERE instr(key, :key) > 0"
            "  UNION SELECT speaker_id FROM speaker_aliases WHERE instr(key, :key) > 0)"
            " ORDER BY s.id, a.article_id, a.position",
            {"key": key},
        ) as cursor:
            rows = await cursor.fetchall()
        return _speakers_from_rows(rows)

    async def quotes_by(
        self, speakers: Sequence[Speaker], limit: int = 20, offset: int = 0
    ) -> list[StoredQuote]:
        """Quotes of these speakers, newest article first, in article order within one."""
        keys = json.dumps([speaker_key(s.name) for s in speakers])
        async with self._reader.execute(
            f"SELECT q.article_id, s.name, q.paragraph, {_QUOTE_TEXT}, a.published FROM quotes q"  # noqa: S608
            " JOIN speakers s ON s.id = q.speaker_id JOIN articles a ON a.id = q.article_id"
            " WHERE s.key IN (SELECT value FROM json_each(?))"
            " ORDER BY coalesce(a.published, substr(a.created_at, 1, 10)) DESC, a.id DESC, q.position"
            " LIMIT ? OFFSET ?",
            (keys, max(0, limit), max(0, offset)),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            StoredQuote(row[0], Quote(row[1], row[3], row[2]),
                        dt.date.fromisoformat(row[4]) if row[4] else None)
            for row in rows
        ]

    async def speakers(self, limit: int = 50, offset: int = 0) -> list[SpeakerCount]:
        """Speakers by how many quotes they have, most first, with every alias seen."""
        async with self._reader.execute(
            "WITH counted AS (SELECT speaker_id, count(*) AS n FROM quotes GROUP BY speaker_id"
            "  ORDER BY n DESC, speaker_id LIMIT ? OFFSET ?)"
            " SELECT s.id, s.name, a.alias, c.n FROM counted c JOIN speakers s ON s.id = c.speaker_id"
            " LEFT JOIN speaker_aliases a ON a.speaker_id = s.id"
            " ORDER BY c.n DESC, s.id, a.article_id, a.position",
            (max(0, limit), max(0, offset)),
        ) as cursor:
            rows = await cursor.fetchall()
        counts = {row[0]: row[3] for row in rows}
        ids = list(counts)
        return [SpeakerCount(s, counts[i]) for i, s in zip(ids, _speakers_from_rows(rows), strict=True)]

    async def get_summary(self, article_id: int) -> ArticleSummary | None:
        async with self._reader.execute(
            "SELECT coalesce(s.headline, a.title), coalesce(s.summary, '') FROM articles a"
            " LEFT JOIN article_summaries s ON s.article_id = a.id WHERE a.id = ?",
            (article_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return ArticleSummary(article_id, row[0], row[1]) if row else None


def _span(article: Article, quote: Quote) -> tuple[int, int]:
    """Where ``quote`` is in the article's text as stored (lead, newline, body)."""
    at = article.paragraphs[quote.paragraph].find(quote.text)
    if at < 0:
        raise ValueError(f"quote not in paragraph {quote.paragraph}: {quote.text[:40]!r}")
    before = sum(len(p) + 1 for p in article.paragraphs[: quote.paragraph])
    return before + at, len(quote.text)


def _all_speakers(article: Article) -> list[Speaker]:
    """The article's speakers, and any quote's speaker missing from them (a hand-made
    Article may leave it out): every quote row needs its speaker row."""
    speakers = list(article.speakers)
    known = {speaker_key(s.name) for s in speakers}
    for quote in article.quotes:
        if speaker_key(quote.speaker) not in known:
            known.add(speaker_key(quote.speaker))
            speakers.append(Speaker(quote.speaker))
    return speakers


def _speakers_from_rows(rows: Iterable[aiosqlite.Row]) -> list[Speaker]:
    """``(id, name, alias, …)`` rows ordered by speaker → one Speaker each, aliases deduplicated
    by key (the same title recurs across articles)."""
    names: dict[int, str] = {}
    aliases: dict[int, dict[str, str]] = {}
    for row in rows:
        names.setdefault(row[0], row[1])
        seen = aliases.setdefault(row[0], {})
        if row[2] is not None and speaker_key(row[2]) != speaker_key(row[1]):
            seen.setdefault(speaker_key(row[2]), row[2])
    return [Speaker(names[i], tuple(aliases[i].values())) for i in names]
