"""Search latency over a 100,000-article corpus, beside raw FTS5 on the same index.

Run: ``.venv/bin/python benchmarks/search.py [--articles N] [--queries N] [--db PATH]``.
The corpus is the ir-news articles repeated with light variation (paragraphs of one
article mixed with a paragraph of another, other dates); ``--db`` keeps it for reruns.
Prints p50/p99 of realistic queries through ``Store.search`` (analysis, ranking,
snippets) and of the same MATCH expression run raw, and the index size.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite

from storage.analysis.parse import parse_article
from storage.db.fts import MAX_CANDIDATES
from storage.db.store import Store
from storage.models import Article, Origin, OriginKind
from storage.search import parse_query
from storage.text.letters import ZWNJ
from storage.text.normalize import shared_normalizer
from tests.irnews import news_items


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


async def timed_raw(raw: aiosqlite.Connection, sql: str, match: str) -> float:
    """The bare FTS5 query on a read-only connection of its own, in ms."""
    started = time.perf_counter()
    params = (match, MAX_CANDIDATES) if sql == RAW_CAPPED else (match,)
    async with raw.execute(sql, params) as cursor:
        await cursor.fetchall()
    return (time.perf_counter() - started) * 1000


async def raw_connection(store: Store) -> aiosqlite.Connection:
    """A read-only connection with the page cache and memory map the store's readers use."""
    conn = await aiosqlite.connect(f"file:{store.path.resolve()}?mode=ro", uri=True)
    for pragma in ("PRAGMA cache_size = -32768", "PRAGMA mmap_size = 268435456"):
        await conn.execute(pragma)
    return conn


async def measure(store: Store, raw_db: aiosqlite.Connection, queries: list[str]) -> None:
    ours: list[float] = []
    raw: dict[str, list[float]] = {RAW_ALL: [], RAW_CAPPED: []}
    for query in queries:  # warm-up: the OS cache and the analyzer's caches
        await store.search(query, limit=5)
    for query in queries:
        started = time.perf_counter()
        await store.search(query, limit=5)
        ours.append((time.perf_counter() - started) * 1000)
        match = parse_query(store.analyzer, query).match
        for sql, times in raw.items():
            if match:
                times.append(await timed_raw(raw_db, sql, match))
    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    print(f"queries             {len(queries)}")
    print(f"Store.search        p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (analysis, FTS5, join, snippets)")
    for label, times in (("raw, all matches", raw[RAW_ALL]), ("raw, same cap", raw[RAW_CAPPED])):
        r50, r99 = percentile(times, 50), percentile(times, 99)
        print(f"{label:19s} p50 {r50:6.2f} ms  p99 {r99:6.2f} ms  -> ours / raw: p50 {p50 / r50:.2f}x, "
              f"p99 {p99 / r99:.2f}x")


async def index_size(raw_db: aiosqlite.Connection) -> int:
    async with raw_db.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'"
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0] or 0) if row else 0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--db", type=Path, help="keep the corpus here (default: a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "search.db"
        async with await Store.open(path) as store:
            if await store.count_articles() < args.articles:
                print(f"building a {args.articles:,}-article corpus in {path} …", flush=True)
                seconds = await build(store, args.articles)
                rate = args.articles / seconds
                print(f"built in {seconds:.0f} s ({rate:.0f} articles/s stored and indexed)")
            total = await store.count_articles()
            raw_db = await raw_connection(store)
            try:
                await measure(store, raw_db, realistic_queries(args.queries, random.Random(7)))  # noqa: S311
                size = await index_size(raw_db)
            finally:
                await raw_db.close()
            print(f"articles            {total:,}")
            per_1000 = size / total * 1000 / 2**20
            print(f"index size          {size / 2**20:.0f} MiB, {per_1000:.2f} MiB per 1,000 articles")
            print(f"database file       {path.stat().st_size / 2**20:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
