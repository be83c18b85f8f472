"""The search index on PostgreSQL: the analyzer's terms in two tsvectors, GIN for matching.

The analyzer writes the terms (folded, stemmed, compounds both ways), exactly as for SQLite;
PostgreSQL gets them as tsvector literals, never through its own parser, so a term matches
here what it matches there.

- ``terms`` is what matching reads: every term of the article and every pair of terms side by
  side in one column (``'روابط عموم'``), without positions. A phrase is then a conjunction of
  its pairs, so no query needs positions and the GIN index answers it exactly: the vectors are
  never read back to check a match, which is what made a common word cost a hundred
  milliseconds. (A phrase of three or more words matches where its pairs all occur, in a
  column of the article; the words are nearly always together there.)
- ``head`` is what ranking reads: the title (weight A) and the lead (B) with positions, pairs
  included, and the body's most repeated terms and pairs (D), small enough to stay inline.
  ``ts_rank`` over it ranks the newest ``MAX_CANDIDATES`` matches, title above lead above
  body; ties go to the newest, as on SQLite.

``search_terms`` counts the articles holding each single term: what fts5vocab tells SQLite,
for splitting a name typed joined.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

from storage.db.fts import MAX_CANDIDATES, document, filters
from storage.db.types import Connection, ReadConnection
from storage.models import Article
from storage.search.analyzer import Analyzer
from storage.search.query import lexeme, pairs

# Weights of D, C, B, A for ts_rank: the title (A), the lead (B) and the body (D) of
# ``head``, in the proportions of the SQLite index's bm25(10, 2, 1).
WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"
_MATCHED = ("title", "lead", "body", "extra")
_RANKED = (("title", "A"), ("lead", "B"))
_GAP = 100  # positions between the title and the lead: no phrase spans them
MAX_POSITION = 16383  # tsvector's
# The body's share of ``head``: its most repeated terms and pairs, a few positions each, so a
# statement about a thing ranks above one that names it once, and ``head`` stays inline.
BODY_LEXEMES = 48
BODY_POSITIONS = 6


def match_vector(doc: Mapping[str, str]) -> str:
    """The ``terms`` literal of an index row (``document()``): its terms and pairs, no positions."""
    lexemes: set[str] = set()
    for column in _MATCHED:
        terms = doc.get(column, "").split()
        lexemes.update(terms)
        lexemes.update(pairs(terms))
    return " ".join(lexeme(t) for t in sorted(lexemes))


def rank_vector(doc: Mapping[str, str]) -> str:
    """The ``head`` literal: the title's and the lead's terms and pairs, positioned and weighted,
    and the body's most repeated ones (weight D), what the statement is mostly about."""
    positions: dict[str, list[str]] = {}
    position = 0
    for column, weight in _RANKED:
        for term, at in _positioned(doc.get(column, "").split(), position):
            positions.setdefault(term, []).append(f"{at}{weight}")
        position = min(position + len(doc.get(column, "").split()) + _GAP, MAX_POSITION)
    body: dict[str, list[str]] = {}
    for term, at in _positioned(doc.get("body", "").split(), position):
        body.setdefault(term, []).append(f"{at}D")
    repeated = sorted((t for t, at in body.items() if len(at) > 1), key=lambda t: -len(body[t]))
    for term in repeated[:BODY_LEXEMES]:
        positions.setdefault(term, []).extend(body[term][:BODY_POSITIONS])
    return " ".join(lexeme(term) + ":" + ",".join(at[:256]) for term, at in positions.items())


def _positioned(terms: Sequence[str], start: int) -> Iterable[tuple[str, int]]:
    """Each term and each pair with its position, counted on from ``start``."""
    for i, term in enumerate(terms):
        at = min(start + i + 1, MAX_POSITION)
        yield term, at
        if i + 1 < len(terms):
            yield f"{term} {terms[i + 1]}", at


def _terms(doc: Mapping[str, str]) -> list[str]:
    return sorted({t for column in _MATCHED for t in doc.get(column, "").split()})


def index(conn: Connection, article_id: int, doc: Mapping[str, str]) -> None:
    conn.execute("INSERT INTO articles_search (article_id, terms, head)"
                 " VALUES (?, CAST(? AS tsvector), CAST(? AS tsvector))",
                 (article_id, match_vector(doc), rank_vector(doc)))
    conn.execute(
        "INSERT INTO search_terms (term, articles) SELECT value, 1 FROM json_each(?)"
        " ON CONFLICT (term) DO UPDATE SET articles = search_terms.articles + 1",
        (json.dumps(_terms(doc), ensure_ascii=False),))


def remove(conn: Connection, article_id: int) -> None:
    row = conn.execute("DELETE FROM articles_search WHERE article_id = ? RETURNING terms::text",
                       (article_id,)).fetchone()
    if row is None:
        return
    # The single terms among the stored lexemes; a term no article holds any more goes.
    conn.execute("UPDATE search_terms SET articles = articles - 1"
                 " WHERE term IN (SELECT unnest(tsvector_to_array(CAST(? AS tsvector))))", (row[0],))
    conn.execute("DELETE FROM search_terms WHERE articles <= 0")


def rebuild(conn: Connection, analyzer: Analyzer, stored: Sequence[tuple[int, Article]]) -> None:
    conn.execute("DELETE FROM articles_search")
    conn.execute("DELETE FROM search_terms")
    for article_id, article in stored:
        index(conn, article_id, document(analyzer, article))


def matches(conn: Connection, tsquery: str, article_id: int) -> bool:
    row = conn.execute("SELECT 1 FROM articles_search WHERE article_id = ? AND terms @@ CAST(? AS tsquery)",
                       (article_id, tsquery)).fetchone()
    return row is not None


def matching_queries(conn: Connection, article_id: int) -> list[str]:
    """The query subscriptions' targets that the article matches, each distinct one tried once."""
    return [row[0] for row in conn.execute(
        "SELECT t.target FROM (SELECT DISTINCT target FROM subscriptions WHERE kind = 'query') t"
        " JOIN articles_search s ON s.article_id = ? AND s.terms @@ CAST(t.target AS tsquery)",
        (article_id,))]


async def known_terms(conn: ReadConnection, terms: Iterable[str]) -> set[str]:
    wanted = sorted(set(terms))
    if not wanted:
        return set()
    async with conn.execute("SELECT term FROM search_terms WHERE term IN (SELECT value FROM json_each(?))",
                            (json.dumps(wanted, ensure_ascii=False),)) as cursor:
        return {row[0] for row in await cursor.fetchall()}


def _candidates(conditions: list[str]) -> str:
    """The newest matches, at most MAX_CANDIDATES, with their rank (lower first, as bm25's).

    Every match is taken from the GIN index first (MATERIALIZED: walking the ids backwards
    and testing each row's vector instead would read the vectors), then the newest kept."""
    sql = (
        "WITH matched AS MATERIALIZED (SELECT article_id FROM articles_search"
        " WHERE terms @@ CAST(:match AS tsquery))"
        " SELECT n.article_id AS rowid,"
        " -ts_rank(CAST(:weights AS real[]), s.head, CAST(:match AS tsquery), 1) AS rank"
        " FROM (SELECT article_id FROM matched ORDER BY article_id DESC LIMIT :candidates) n"
        " JOIN articles_search s ON s.article_id = n.article_id"
    )
    if conditions:
        sql += " JOIN articles a ON a.id = n.article_id WHERE " + " AND ".join(conditions)
    return sql


@contextlib.asynccontextmanager
async def _through_the_index(conn: Any) -> AsyncIterator[None]:
    """Matches taken from the GIN index, never by a scan of the table. The planner counts
    a sequential scan as reading the table's pages, not the vectors toasted beside them, so
    for a common word it picked one that took 900 ms at 100,000 articles against 77 ms."""
    async with conn.raw.transaction():  # a connection of storage.db.postgres.connection
        await conn.raw.execute("SET LOCAL enable_seqscan = off")
        yield


async def count(conn: ReadConnection, tsquery: str, *, source: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None) -> int:
    conditions, params = filters(source, since, until)
    params.update(match=tsquery, weights=WEIGHTS, candidates=MAX_CANDIDATES)
    async with (_through_the_index(conn),
                conn.execute(f"SELECT count(*) FROM ({_candidates(conditions)}) f", params) as cursor):  # noqa: S608
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
    # The candidates once, for the page and for how many there are.
    sql = (
        f"WITH p AS MATERIALIZED ({_candidates(conditions)})"  # noqa: S608
        " SELECT a.id, coalesce(a.title, h.headline) AS title, a.lead, a.body, a.published,"
        " a.source, a.origin_kind, a.origin_ref, p.rank AS score, (SELECT count(*) FROM p) AS total"
        " FROM p JOIN articles a ON a.id = p.rowid LEFT JOIN article_summaries h ON h.article_id = a.id"
        " ORDER BY p.rank, a.id DESC LIMIT :limit OFFSET :offset"
    )
    async with _through_the_index(conn), conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
