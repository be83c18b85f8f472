"""Search latency over a 100,000-article corpus, beside the bare index query on the same index.

Run: ``.venv/bin/python benchmarks/search.py [--articles N] [--queries N] [--db PATH]
[--engine sqlite|postgres]``. The corpus is the ir-news articles repeated with light variation
(paragraphs of one article mixed with a paragraph of another, other dates); ``--db`` keeps it
for reruns (a file, or a ``postgresql://`` URL). ``--engine postgres`` without ``--db`` starts
a throw-away PostgreSQL cluster (tests/pgserver.py). Prints p50/p99 of realistic queries
through ``Store.search`` (analysis, ranking, snippets) and of the same expression run raw
(FTS5 MATCH or tsquery), and the index size.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib
from collections.abc import Iterator
from typing import Any

import aiosqlite

from storage.analysis.parse import parse_article
from storage.db.fts import MAX_CANDIDATES, expression
from storage.db.store import Store
from storage.models import Article, Origin, OriginKind
from storage.search import parse_query
from storage.text.letters import ZWNJ
from storage.text.normalize import shared_normalizer
from tests.irnews import news_items
from tests.pgserver import cluster


def base_articles() -> list[Article]:
    normalizer = shared_normalizer()
    return [parse_article(item.as_statement(), normalizer) for item in news_items()]


def variant(articles: list[Article], i: int, copy: int, rng: random.Random) -> Article:
    """Copy ``copy`` of article ``i``: its paragraphs shuffled, one borrowed, another date."""
    base = articles[i % len(articles)]
    if copy == 0:
        return base
    other = articles[(i * 7 + copy * 13) % len(articles)]
    paragraphs = list(base.paragraphs)
    rng.shuffle(paragraphs)
    paragraphs.insert(rng.randrange(len(paragraphs) + 1), other.paragraphs[-1])
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2200))
    return dataclasses.replace(base, paragraphs=tuple(paragraphs), date=date, raw_text="")


async def build(store: Store, target: int) -> float:
    articles = base_articles()
    rng = random.Random(1)  # noqa: S311
    started = time.perf_counter()
    for n in range(await store.count_articles(), target):
        copy, i = divmod(n, len(articles))
        await store.add_article(variant(articles, i, copy, rng), Origin(OriginKind.TEXT, f"bench/{n}"))
        if n % 10_000 == 0:
            print(f"  {n} articles, {time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


def realistic_queries(count: int, rng: random.Random) -> list[str]:
    """What people type: words and short phrases from headlines, names, spellings, operators."""
    titles = [item.title.split() for item in news_items()]
    queries = []
    while len(queries) < count:
        words = [w for w in rng.choice(titles) if len(w) > 2]
        if len(words) < 3:
            continue
        start = rng.randrange(len(words) - 2)
        kind = rng.random()
        if kind < 0.35:
            query = words[start]
        elif kind < 0.65:
            query = " ".join(words[start:start + 2])
        elif kind < 0.75:
            query = " ".join(words[start:start + 3])
        elif kind < 0.82:
            query = f'"{words[start]} {words[start + 1]}"'
        elif kind < 0.87:
            query = words[start][:4] + "*"
        elif kind < 0.92:
            query = f"{words[start]} -{words[start + 1]}"
        else:
            query = " ".join(words[start:start + 2]).replace(ZWNJ, "")
        queries.append(query)
    return queries


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


RAW_ALL = "SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 6"
RAW_CAPPED = (
    "SELECT rowid, rank FROM (SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ?"
    " ORDER BY rowid DESC LIMIT ?) ORDER BY rank LIMIT 6"
)
# The same two on PostgreSQL, as storage.db.postgres.fts matches (``terms``) and ranks
# (``head``, with its weights).
RAW_ALL_PG = (
    "SELECT s.article_id, ts_rank(CAST('{0.1, 0.1, 0.2, 1.0}' AS real[]), s.head, t.q, 1) AS r"
    " FROM (SELECT CAST(%s AS tsquery) AS q) t JOIN articles_search s ON s.terms @@ t.q"
    " ORDER BY r DESC LIMIT 6"
)
RAW_CAPPED_PG = (
    "WITH t AS (SELECT CAST(%s AS tsquery) AS q),"
    " m AS MATERIALIZED (SELECT s.article_id FROM articles_search s, t WHERE s.terms @@ t.q)"
    " SELECT s.article_id, ts_rank(CAST('{0.1, 0.1, 0.2, 1.0}' AS real[]), s.head, t.q, 1) AS r"
    " FROM (SELECT article_id FROM m ORDER BY article_id DESC LIMIT %s) n"
    " JOIN articles_search s ON s.article_id = n.article_id, t ORDER BY r DESC LIMIT 6"
)


class Raw:
    """The bare index queries on a connection of their own."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.postgres = store.engine == "postgres"
        self.conn: Any = None

    async def open(self) -> None:
        if self.postgres:
            import psycopg
            self.conn = await psycopg.AsyncConnection.connect(self.store.location, autocommit=True)
            return
        # The page cache and memory map the store's readers use.
        self.conn = await aiosqlite.connect(f"file:{Path(self.store.location)}?mode=ro", uri=True)
        for pragma in ("PRAGMA cache_size = -32768", "PRAGMA mmap_size = 268435456"):
            await self.conn.execute(pragma)

    def queries(self) -> dict[str, str]:
        if self.postgres:
            return {"raw, all matches": RAW_ALL_PG, "raw, same cap": RAW_CAPPED_PG}
        return {"raw, all matches": RAW_ALL, "raw, same cap": RAW_CAPPED}

    async def timed(self, sql: str, match: str) -> float:
        """One bare query, in ms."""
        started = time.perf_counter()
        params = (match, MAX_CANDIDATES) if sql in (RAW_CAPPED, RAW_CAPPED_PG) else (match,)
        if self.postgres:
            cursor = await self.conn.execute(sql, params)
            await cursor.fetchall()
        else:
            async with self.conn.execute(sql, params) as cursor:
                await cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    async def index_size(self) -> int:
        if self.postgres:
            cursor = await self.conn.execute(
                "SELECT pg_total_relation_size('articles_search') + pg_total_relation_size('search_terms')")
            row = await cursor.fetchone()
        else:
            async with self.conn.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'"
            ) as cursor:
                row = await cursor.fetchone()
        return int(row[0] or 0) if row else 0

    async def database_size(self) -> int:
        if not self.postgres:
            return await asyncio.to_thread(os.path.getsize, self.store.location)
        cursor = await self.conn.execute("SELECT pg_database_size(current_database())")
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self.conn.close()


async def measure(store: Store, raw: Raw, queries: list[str]) -> None:
    ours: list[float] = []
    bare: dict[str, list[float]] = {label: [] for label in raw.queries()}
    for query in queries:  # warm-up: the OS cache and the analyzer's caches
        await store.search(query, limit=5)
    for query in queries:
        started = time.perf_counter()
        await store.search(query, limit=5)
        ours.append((time.perf_counter() - started) * 1000)
        parsed = parse_query(store.analyzer, query)
        for label, sql in raw.queries().items():
            if not parsed.empty:
                bare[label].append(await raw.timed(sql, expression(parsed, store)))
    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    index = "tsvector" if raw.postgres else "FTS5"
    print(f"queries             {len(queries)}")
    print(f"Store.search        p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (analysis, {index}, join, snippets)")
    for label, times in bare.items():
        r50, r99 = percentile(times, 50), percentile(times, 99)
        print(f"{label:19s} p50 {r50:6.2f} ms  p99 {r99:6.2f} ms  -> ours / raw: p50 {p50 / r50:.2f}x, "
              f"p99 {p99 / r99:.2f}x")


@contextlib.contextmanager
def location(engine: str, given: str | None, tmp: str) -> Iterator[str | Path]:
    if given:
        yield given
    elif engine == "postgres":
        with cluster() as url:
            yield url
    else:
        yield Path(tmp) / "search.db"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--db", help="keep the corpus here: a file or a postgresql:// URL"
                                     " (default: temporary)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, location(args.engine, args.db, tmp) as where:
        async with await Store.open(where) as store:
            print(f"engine              {store.engine}")
            if await store.count_articles() < args.articles:
                print(f"building a {args.articles:,}-article corpus in {store.location} …", flush=True)
                seconds = await build(store, args.articles)
                rate = args.articles / seconds
                print(f"built in {seconds:.0f} s ({rate:.0f} articles/s stored and indexed)")
            total = await store.count_articles()
            raw = Raw(store)
            await raw.open()
            try:
                await measure(store, raw, realistic_queries(args.queries, random.Random(7)))  # noqa: S311
                size, database = await raw.index_size(), await raw.database_size()
            finally:
                await raw.close()
            print(f"articles            {total:,}")
            per_1000 = size / total * 1000 / 2**20
            print(f"index size          {size / 2**20:.0f} MiB, {per_1000:.2f} MiB per 1,000 articles")
            print(f"database            {database / 2**20:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
