"""The articles table, and the one unit of work that publishes an article.

Writes are plain functions over the writer's ``Connection``; reads are async
functions over a pooled read-only ``ReadConnection``. Rows become frozen
dataclasses here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from storage.db import deliveries, fts, speakers
from storage.db.types import Connection, ReadConnection, Row
from storage.models import (
    Article,
    ArticleSummary,
    IngestResult,
    IngestStatus,
    Origin,
    OriginKind,
    Quote,
    QuoteKind,
    Speaker,
    StoredArticle,
)

COLUMNS = (
    "a.id, a.title, a.kicker, a.lead, a.body, a.tags, a.source, a.published, a.origin_kind,"
    " a.origin_ref, a.raw_text, a.created_at, a.content_hash"
)
# The analysis beside the article (migration 3 added the table), and its photo if it has one.
_WITH_SUMMARY = (
    f"SELECT {COLUMNS}, s.summary, s.headline, p.file_id AS photo FROM articles a"  # noqa: S608 (ours)
    " LEFT JOIN article_summaries s ON s.article_id = a.id"
    " LEFT JOIN article_photos p ON p.article_id = a.id"
)
# Newest first: by publication date, else by arrival (the index articles_by_date).
NEWEST_FIRST = "coalesce(a.published, substr(a.created_at, 1, 10)) DESC, a.id DESC"


def row_to_article(row: Row) -> StoredArticle:
    body = row["body"]
    analysed = "summary" in row.keys()  # noqa: SIM118 (Row: no `in` for column names)
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
        photo=row["photo"] if "photo" in row.keys() else None,  # noqa: SIM118
    )


# -- writes -------------------------------------------------------------------------


def _insert(conn: Connection, article: Article, origin: Origin) -> int | None:
    """The new article's id, or None when the same content is already stored."""
    values: dict[str, Any] = {
        "content_hash": article.content_hash,
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
    row = conn.execute(
        f"INSERT INTO articles ({columns}) VALUES ({placeholders})"  # noqa: S608 (names are ours)
        " ON CONFLICT (content_hash) DO NOTHING RETURNING id",
        values,
    ).fetchone()
    return None if row is None else int(row[0])


def add(conn: Connection, article: Article, origin: Origin, document: Mapping[str, str], *,
        notify: bool = True, photo: str | None = None) -> IngestResult:
    """Store an analysed article with its index row, analysis and photo and, when ``notify``,
    one delivery per matching subscriber: all of it or none, in the caller's transaction.

    ``document`` is the article's FTS row, computed beforehand off the writer thread.
    """
    article_id = _insert(conn, article, origin)
    if article_id is None:
        row = conn.execute("SELECT id FROM articles WHERE content_hash = ?",
                           (article.content_hash,)).fetchone()
        return IngestResult(origin, IngestStatus.DUPLICATE, row[0] if row else None, title=article.title)
    fts.index(conn, article_id, document)
    speakers.add_analysis(conn, article_id, article)
    if photo:
        conn.execute("INSERT INTO article_photos (article_id, file_id) VALUES (?, ?)", (article_id, photo))
    queued = deliveries.enqueue(conn, article_id, article) if notify else 0
    return IngestResult(origin, IngestStatus.NEW, article_id, title=article.title, queued=queued)


def delete(conn: Connection, article_id: int) -> bool:
    """Remove an article with its index row, analysis and unsent deliveries (by cascade);
    speakers no other article quotes go too."""
    fts.remove(conn, article_id)
    if conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount == 0:
        return False
    speakers.drop_orphans(conn)
    return True


def all_stored(conn: Connection) -> list[StoredArticle]:
    """Every article, for rebuilding what is derived from them (migrations, new analyzers)."""
    return [row_to_article(row) for row in conn.execute(f"SELECT {COLUMNS} FROM articles a")]  # noqa: S608


# -- reads --------------------------------------------------------------------------


async def get(conn: ReadConnection, article_id: int) -> StoredArticle | None:
    async with conn.execute(f"{_WITH_SUMMARY} WHERE a.id = ?", (article_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    (stored,) = await with_analysis(conn, [row_to_article(row)])
    return stored


async def latest(conn: ReadConnection, limit: int, offset: int) -> list[StoredArticle]:
    async with conn.execute(f"{_WITH_SUMMARY} ORDER BY {NEWEST_FIRST} LIMIT ? OFFSET ?",
                            (limit, offset)) as cursor:
        rows = await cursor.fetchall()
    return await with_analysis(conn, [row_to_article(row) for row in rows])


async def count(conn: ReadConnection) -> int:
    async with conn.execute("SELECT count(*) FROM articles") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def summary(conn: ReadConnection, article_id: int) -> ArticleSummary | None:
    async with conn.execute(
        "SELECT coalesce(s.headline, a.title), coalesce(s.summary, '') FROM articles a"
        " LEFT JOIN article_summaries s ON s.article_id = a.id WHERE a.id = ?",
        (article_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return ArticleSummary(article_id, row[0], row[1]) if row else None


async def with_analysis(conn: ReadConnection, stored: list[StoredArticle]) -> list[StoredArticle]:
    """The same articles carrying their quotes and speakers (two queries for all).

    A quote is a span of its article's text, cut here from the text already read rather
    than by the database for every quote row.
    """
    if not stored:
        return stored
    ids = json.dumps([s.id for s in stored])
    by_article = await speakers.of_articles(conn, ids)
    quotes: dict[int, list[Quote]] = {}
    texts = {s.id: "\n".join(s.article.paragraphs) for s in stored}
    async with conn.execute(
        "SELECT q.article_id, s.name, q.paragraph, q.start, q.length, q.kind FROM article_speakers s"
        " JOIN quotes q USING (speaker_id, article_id)"
        " WHERE s.article_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"
        " ORDER BY q.article_id, q.position",
        (ids,),
    ) as cursor:
        async for row in cursor:
            text = texts[row[0]][row[3]:row[3] + row[4]]
            quotes.setdefault(row[0], []).append(Quote(row[1], text, row[2], QuoteKind(row[5])))
    return [_analysed(s, tuple(quotes.get(s.id, ())), tuple(by_article.get(s.id, ()))) for s in stored]


def _analysed(stored: StoredArticle, quotes: tuple[Quote, ...], people: tuple[Speaker, ...]) -> StoredArticle:
    article = dataclasses.replace(stored.article, quotes=quotes, speakers=people)
    return dataclasses.replace(stored, article=article)
