"""Shared fixtures: the real normalizer (loaded once) and a fresh SQLite file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.ingest import Ingestor
from storage.db.store import Store
from storage.text.normalize import TextNormalizer, shared_normalizer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_841124f23b16fdb9.txt"
SEED_003 = SEEDS / "003_3da3126af461e8d0.txt"


@pytest.fixture(scope="session")
def normalizer() -> TextNormalizer:
    return shared_normalizer()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "sokhan.db") as opened:
        yield opened


@pytest.fixture
def ingestor(store: Store, normalizer: TextNormalizer) -> Ingestor:
    return Ingestor(store, normalizer)


@pytest.fixture
async def seed_ids(ingestor: Ingestor) -> dict[Path, int]:
    """Both seeds stored through the real ingest path: their article ids, by file."""
    ids = {}
    for path in (SEED_000, SEED_003):
        result = await ingestor.ingest_file(path)
        assert result.article_id is not None, result.reason
        ids[path] = result.article_id
    return ids
