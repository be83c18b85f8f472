"""Ingestion throughput over the ir-news articles, beside hazm's Normalizer alone.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/ingest.py [--limit N]``).
Pinned to one core. Prints articles/s, peak RSS, and the pipeline / hazm time ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hazm import Normalizer

from storage.db.store import Store
from storage.ingest import Ingestor
from storage.text.normalize import shared_normalizer
from tests.irnews import IRNEWS, news_items


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def ingest_folder(folder: Path, db_path: Path) -> tuple[int, float]:
    async with await Store.open(db_path) as store:
        ingestor = Ingestor(store)
        started = time.perf_counter()
        count = 0
        async for _ in ingestor.ingest_paths([folder]):
            count += 1
        return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if not IRNEWS.is_dir():
        sys.exit(f"ir-news not found at {IRNEWS} (set SOKHAN_IRNEWS)")

    items = list(news_items())[: args.limit or None]
    texts = [item.as_statement() for item in items]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")

        started = time.perf_counter()
        shared_normalizer()
        load_s = time.perf_counter() - started
        rss_loaded = peak_rss_mb()
        count, pipeline_s = asyncio.run(ingest_folder(folder, Path(tmp) / "bench.db"))
        rss_pipeline = peak_rss_mb()
        db_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 2**20

    hazm = Normalizer()
    started = time.perf_counter()
    for text in texts:
        hazm.normalize(text)
    hazm_s = time.perf_counter() - started

    print(f"articles            {count}")
    print(f"lexicon load        {load_s:.2f} s, RSS {rss_loaded:.0f} MB")
    print(f"pipeline            {pipeline_s:.2f} s  ({count / pipeline_s:.0f} articles/s, one core)")
    print("                    (read + decode + parse + normalize + store, one transaction each)")
    print(f"hazm Normalizer     {hazm_s:.2f} s  ({count / hazm_s:.0f} articles/s) on the same texts")
    print(f"pipeline / hazm     {pipeline_s / hazm_s:.2f}x")
    print(f"peak RSS            {rss_pipeline:.0f} MB")
    print(f"database            {db_mb:.1f} MB")


if __name__ == "__main__":
    main()
