"""The search index (FTS5) and the query that ranks it.

The index holds the analyzer's terms of each article, not its display text; snippets
are cut from the articles. bm25 ranks the newest ``MAX_CANDIDATES`` matches of a query,
never more, so a word found in half the archive costs no more than a rarer one.

On PostgreSQL each function hands over to ``storage.db.postgres.fts``, which keeps the
same terms in a tsvector; ``expression`` gives the query in the form the engine reads.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from storage.db.types import Connection, ReadConnection, is_postgres
from storage.models import Article
from storage.search.analyzer import Analyzer
from storage.search.query import Query

if TYPE_CHECKING:
    from types import ModuleType

# Matches ranked per query, newest first; beyond them a query's cost would grow with the archive.
MAX_CANDIDATES = 2000


def _postgres() -> ModuleType:
    # Imported on first use: the PostgreSQL index builds on this module's helpers.
    return importlib.import_module("storage.db.postgres.fts")


def expression(query: Query, engine: object) -> str:
    """The query as ``engine`` (a database or a connection) searches: FTS5 MATCH or tsquery."""
    return query.tsquery if is_postgres(engine) else query.match


def document(analyzer: Analyzer, article: Article) -> dict[str, str]:
    """The FTS row of an article; its kicker and tags are searchable beside its text."""
    extra = [t for t in (article.kicker, *article.tags) if t]
    return analyzer.document(article.title, article.lead, article.paragraphs[1:], extra)


def index(conn: Connection, article_id: int, doc: Mapping[str, str]) -> None:
    if is_postgres(conn):
        _postgres().index(conn, article_id, doc)
        return
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, lead, body, extra)"
        " VALUES (:rowid, :title, :lead, :body, :extra)",
        {"rowid": article_id, **doc},
    )


def remove(conn: Connection, article_id: int) -> None:
    if is_postgres(conn):
        _postgres().remove(conn, article_id)
        return
    conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))


def rebuild(conn: Connection, analyzer: Analyzer, stored: Sequence[tuple[int, Article]]) -> None:
    """The whole index again, from the articles (a migration, or a new analyzer)."""
    if is_postgres(conn):
        _postgres().rebuild(conn, analyzer, stored)
        return
    conn.execute("DELETE FROM articles_fts")
    for article_id, article in stored:
        index(conn, article_id, document(analyzer, article))


def matches(conn: Connection, match: str, article_id: int) -> bool:
    if is_postgres(conn):
        return bool(_postgres().matches(conn, match, article_id))
    row = conn.execute("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
                       (match, article_id)).fetchone()
    return row is not None


def matching_queries(conn: Connection, article_id: int) -> list[str]:
    """The query subscriptions' targets that the new article matches: the same MATCH as
    /find, against its own index row, each distinct target tried once."""
    if is_postgres(conn):
        return list(_postgres().matching_queries(conn, article_id))
    return [row[0] for row in conn.execute(
        "SELECT target FROM (SELECT DISTINCT target FROM subscriptions WHERE kind = 'query') t"
        " WHERE EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH t.target AND rowid = ?)",
        (article_id,))]


def filters(source: str | None, since: dt.date | None,
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


async def known_terms(conn: ReadConnection, terms: Iterable[str]) -> set[str]:
    """Which of ``terms`` the index holds."""
    if is_postgres(conn):
        return set(await _postgres().known_terms(conn, terms))
    wanted = sorted(set(terms))
    if not wanted:
        return set()
    async with conn.execute(
        "SELECT term FROM articles_fts_terms WHERE term IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted, ensure_ascii=False),),
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def count(conn: ReadConnection, match: str, *, source: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None) -> int:
    """How many articles match, counting up to ``MAX_CANDIDATES`` (the ones ranked)."""
    if is_postgres(conn):
        return int(await _postgres().count(conn, match, source=source, since=since, until=until))
    conditions, params = filters(source, since, until)
    params.update(match=match, candidates=MAX_CANDIDATES)
    sql = ("SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match"
           " ORDER BY rowid DESC LIMIT :candidates) f")
    if conditions:
        sql += " JOIN articles a ON a.id = f.rowid WHERE " + " AND ".join(conditions)
    async with conn.execute(sql, params) as cursor:  # only our own SQL fragments are joined
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def total(conn: ReadConnection, rows: Sequence[Any], match: str, *, source: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None) -> int:
    """``count`` for a page ``search`` gave: PostgreSQL's rows carry it (one pass over the
    candidates for both), SQLite counts apart."""
    if rows and is_postgres(conn):
        return int(rows[0]["total"])
    return await count(conn, match, source=source, since=since, until=until)


async def search(conn: ReadConnection, match: str, *, limit: int, offset: int,
                 source: str | None = None, since: dt.date | None = None,
                 until: dt.date | None = None) -> list[Any]:
    """One page of ranked hits (one row more than ``limit`` when there are more): bm25
    (title > lead > body), ties to the newest arrival. ``source`` is normalized text."""
    if is_postgres(conn):
        return list(await _postgres().search(conn, match, limit=limit, offset=offset, source=source,
                                             since=since, until=until))
    conditions, params = filters(source, since, until)
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
