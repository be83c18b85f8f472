"""The search index (FTS5) and the query that ranks it.

The index holds the analyzer's terms of each article, not its display text; snippets
are cut from the articles. bm25 ranks the newest ``MAX_CANDIDATES`` matches of a query,
never more, so a word found in half the archive costs no more than a rarer one.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import aiosqlite

from storage.models import Article
from storage.search.analyzer import Analyzer

# Matches ranked per query, newest first; beyond them a query's cost would grow with the archive.
MAX_CANDIDATES = 2000


def document(analyzer: Analyzer, article: Article) -> dict[str, str]:
    """The FTS row of an article; its kicker and tags are searchable beside its text."""
    extra = [t for t in (article.kicker, *article.tags) if t]
    return analyzer.document(article.title, article.lead, article.paragraphs[1:], extra)


def index(conn: sqlite3.Connection, article_id: int, doc: Mapping[str, str]) -> None:
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, lead, body, extra)"
        " VALUES (:rowid, :title, :lead, :body, :extra)",
        {"rowid": article_id, **doc},
    )


def remove(conn: sqlite3.Connection, article_id: int) -> None:
    conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))


def rebuild(conn: sqlite3.Connection, analyzer: Analyzer, stored: Sequence[tuple[int, Article]]) -> None:
    """The whole index again, from the articles (a migration, or a new analyzer)."""
    conn.execute("DELETE FROM articles_fts")
    for article_id, article in stored:
        index(conn, article_id, document(analyzer, article))


def matches(conn: sqlite3.Connection, match: str, article_id: int) -> bool:
    row = conn.execute("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
                       (match, article_id)).fetchone()
    return row is not None


def _filters(source: str | None, since: dt.date | None,
             until: dt.date | None) -> tuple[list[str], dict[str, Any]]:
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if source:
        conditions.append("instr(a.source, :source) > 0")
        params["source"] = source
    if since:
        conditions.append("a.published >= :since")
        params["since"] = since.isoformat()
    if until:
        conditions.append("a.published <= :until")
        params["until"] = until.isoformat()
    return conditions, params


async def known_terms(conn: aiosqlite.Connection, terms: Iterable[str]) -> set[str]:
    """Which of ``terms`` the index holds."""
    wanted = sorted(set(terms))
    if not wanted:
        return set()
    async with conn.execute(
        "SELECT term FROM articles_fts_terms WHERE term IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted, ensure_ascii=False),),
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def count(conn: aiosqlite.Connection, match: str, *, source: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None) -> int:
    """How many articles match, counting up to ``MAX_CANDIDATES`` (the ones ranked)."""
    conditions, params = _filters(source, since, until)
    params.update(match=match, candidates=MAX_CANDIDATES)
    sql = ("SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match"
           " ORDER BY rowid DESC LIMIT :candidates) f")
    if conditions:
        sql += " JOIN articles a ON a.id = f.rowid WHERE " + " AND ".join(conditions)
    async with conn.execute(sql, params) as cursor:  # only our own SQL fragments are joined
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def search(conn: aiosqlite.Connection, match: str, *, limit: int, offset: int,
                 source: str | None = None, since: dt.date | None = None,
                 until: dt.date | None = None) -> list[aiosqlite.Row]:
    """One page of ranked hits (one row more than ``limit`` when there are more): bm25
    (title > lead > body), ties to the newest arrival. ``source`` is normalized text."""
    conditions, params = _filters(source, since, until)
    params.update(match=match, candidates=MAX_CANDIDATES, limit=limit + 1, offset=offset)
    # Only the page's rows are then read from articles.
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
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
