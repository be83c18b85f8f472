"""The search index on PostgreSQL: the analyzer's terms as a tsvector, ranked like FTS5's bm25.

The analyzer writes the terms (folded, stemmed, compounds both ways), exactly as for SQLite;
PostgreSQL gets them as a tsvector literal with their positions, never through its own
parser, so a term matches here what it matches there. Columns weigh title (A) > lead (B) >
body (C) and the extra forms (D); a gap between columns keeps a phrase inside one. Queries
are the same expressions rendered as tsquery (``Query.tsquery``), ranked by ``ts_rank``
over the newest ``MAX_CANDIDATES`` matches. ``search_terms`` counts the articles holding
each term: what fts5vocab tells SQLite, for splitting a name typed joined.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from storage.db.fts import MAX_CANDIDATES, document, filters
from storage.db.types import Connection, ReadConnection
from storage.models import Article
from storage.search.analyzer import Analyzer

# Weights of D, C, B, A (extra, body, lead, title) for ts_rank, in the proportions of the
# SQLite index's bm25(10, 2, 1, 1).
WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"
_COLUMNS = (("title", "A"), ("lead", "B"), ("body", "C"), ("extra", "D"))
_GAP = 100  # positions between two columns: no phrase spans them
MAX_POSITION = 16383  # tsvector's; later terms share it


def tsvector(doc: Mapping[str, str]) -> str:
    """The tsvector literal of an index row (``document()``): each term with its positions."""
    positions: dict[str, list[str]] = {}
    position = 0
    for column, weight in _COLUMNS:
        for term in doc.get(column, "").split():
            position = min(position + 1, MAX_POSITION)
            positions.setdefault(term, []).append(f"{position}{weight}")
        position = min(position + _GAP, MAX_POSITION)
    return " ".join(_lexeme(term) + ":" + ",".join(at[:256]) for term, at in positions.items())


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _terms(doc: Mapping[str, str]) -> list[str]:
    return sorted({t for column, _ in _COLUMNS for t in doc.get(column, "").split()})


def index(conn: Connection, article_id: int, doc: Mapping[str, str]) -> None:
    conn.execute("INSERT INTO articles_search (article_id, doc) VALUES (?, CAST(? AS tsvector))",
                 (article_id, tsvector(doc)))
    conn.execute(
        "INSERT INTO search_terms (term, articles) SELECT value, 1 FROM json_each(?)"
        " ON CONFLICT (term) DO UPDATE SET articles = search_terms.articles + 1",
        (json.dumps(_terms(doc), ensure_ascii=False),))


def remove(conn: Connection, article_id: int) -> None:
    row = conn.execute("DELETE FROM articles_search WHERE article_id = ? RETURNING doc::text",
                       (article_id,)).fetchone()
    if row is None:
        return
    # The terms are the lexemes of the stored vector; a term no article holds any more goes.
    conn.execute("UPDATE search_terms SET articles = articles - 1"
                 " WHERE term IN (SELECT unnest(tsvector_to_array(CAST(? AS tsvector))))", (row[0],))
    conn.execute("DELETE FROM search_terms WHERE articles <= 0")


def rebuild(conn: Connection, analyzer: Analyzer, stored: Sequence[tuple[int, Article]]) -> None:
    conn.execute("DELETE FROM articles_search")
    conn.execute("DELETE FROM search_terms")
    for article_id, article in stored:
        index(conn, article_id, document(analyzer, article))


def matches(conn: Connection, tsquery: str, article_id: int) -> bool:
    row = conn.execute("SELECT 1 FROM articles_search WHERE article_id = ? AND doc @@ CAST(? AS tsquery)",
                       (article_id, tsquery)).fetchone()
    return row is not None


def matching_queries(conn: Connection, article_id: int) -> list[str]:
    """The query subscriptions' targets that the article matches, each distinct one tried once."""
    return [row[0] for row in conn.execute(
        "SELECT t.target FROM (SELECT DISTINCT target FROM subscriptions WHERE kind = 'query') t"
        " JOIN articles_search s ON s.article_id = ? AND s.doc @@ CAST(t.target AS tsquery)",
        (article_id,))]


async def known_terms(conn: ReadConnection, terms: Iterable[str]) -> set[str]:
    wanted = sorted(set(terms))
    if not wanted:
        return set()
    async with conn.execute("SELECT term FROM search_terms WHERE term IN (SELECT value FROM json_each(?))",
                            (json.dumps(wanted, ensure_ascii=False),)) as cursor:
        return {row[0] for row in await cursor.fetchall()}


def _candidates(conditions: list[str]) -> str:
    """The newest matches, at most MAX_CANDIDATES, with their rank (lower first, as bm25's)."""
    sql = ("SELECT s.article_id AS rowid, -ts_rank(CAST(:weights AS real[]), s.doc, t.q, 1) AS rank"
           " FROM (SELECT CAST(:match AS tsquery) AS q) t JOIN articles_search s ON s.doc @@ t.q")
    if conditions:
        sql += " JOIN articles a ON a.id = s.article_id WHERE " + " AND ".join(conditions)
    return sql + " ORDER BY s.article_id DESC LIMIT :candidates"


async def count(conn: ReadConnection, tsquery: str, *, source: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None) -> int:
    conditions, params = filters(source, since, until)
    params.update(match=tsquery, weights=WEIGHTS, candidates=MAX_CANDIDATES)
    async with conn.execute(f"SELECT count(*) FROM ({_candidates(conditions)}) f", params) as cursor:  # noqa: S608
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def search(conn: ReadConnection, tsquery: str, *, limit: int, offset: int,
                 source: str | None = None, since: dt.date | None = None,
                 until: dt.date | None = None) -> list[Any]:
    """One page of ranked hits (one row more than ``limit`` when there are more), as the
    SQLite index gives them."""
    conditions, params = filters(source, since, until)
    params.update(match=tsquery, weights=WEIGHTS, candidates=MAX_CANDIDATES, limit=limit + 1, offset=offset)
    # Only our own SQL fragments are joined here; every value is bound.
    sql = (
        "SELECT a.id, coalesce(a.title, h.headline) AS title, a.lead, a.body, a.published,"  # noqa: S608
        f" a.source, a.origin_kind, a.origin_ref, p.rank AS score FROM ({_candidates(conditions)}) p"
        " JOIN articles a ON a.id = p.rowid LEFT JOIN article_summaries h ON h.article_id = a.id"
        " ORDER BY p.rank, a.id DESC LIMIT :limit OFFSET :offset"
    )
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
