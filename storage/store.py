"""The SQLite store: one async API for the CLI and the bot, one write path.

Writes go through one connection under a lock, each in its own transaction, so
nothing is ever half-written. Reads use a second connection, which WAL lets run
beside a write.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from storage.migrations import MIGRATIONS, migrate
from storage.models import (
    Article,
    IngestResult,
    IngestStatus,
    Origin,
    OriginKind,
    StoredArticle,
)
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


def _row_to_article(row: aiosqlite.Row) -> StoredArticle:
    body = row["body"]
    article = Article(
        paragraphs=(row["lead"], *(body.split("\n") if body else ())),
        raw_text=row["raw_text"],
        title=row["title"],
        kicker=row["kicker"],
        date=dt.date.fromisoformat(row["published"]) if row["published"] else None,
        source=row["source"],
        tags=tuple(json.loads(row["tags"])),
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


async def _connect(path: Path) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    for pragma in _PRAGMAS:
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
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        store = cls(path, writer, reader)
        try:
            await migrate(writer, store._reindex)
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

    async def add_article(self, article: Article, origin: Origin) -> IngestResult:
        """Store ``article`` unless the same content is already there."""
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
        async with self._transaction() as db:
            cursor = await db.execute(
                f"INSERT INTO articles ({columns}) VALUES ({placeholders})"  # noqa: S608 (names are ours)
                " ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                values,
            )
            row = await cursor.fetchone()
            if row is not None:
                await self._index(db, row[0], article)
                return IngestResult(origin, IngestStatus.NEW, row[0], title=article.title)
            cursor = await db.execute(
                "SELECT id FROM articles WHERE content_hash = ?", (content_hash,)
            )
            (existing_id,) = await cursor.fetchone() or (None,)
        return IngestResult(origin, IngestStatus.DUPLICATE, existing_id, title=article.title)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
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
            "SELECT a.id, a.title, a.lead, a.body, a.published, a.source, a.origin_kind,"  # noqa: S608
            f" a.origin_ref, p.rank AS score FROM ({page}) p JOIN articles a ON a.id = p.rowid"
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
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?",  # noqa: S608
            (article_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return _row_to_article(row) if row else None

    async def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Newest first: by publication date, else by arrival."""
        async with self._reader.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles"  # noqa: S608
            " ORDER BY coalesce(published, substr(created_at, 1, 10)) DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (max(0, limit), max(0, offset)),
        ) as cursor:
            return [_row_to_article(row) for row in await cursor.fetchall()]

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
