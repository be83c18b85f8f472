"""Search over real news (../shared/data/ir-news): known-item search and ranking."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Origin, OriginKind
from tests.conftest import SEED_000, SEED_003
from tests.irnews import IRNEWS, NewsItem, news_items

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not IRNEWS.is_dir(), reason=f"{IRNEWS} is not here"),
    pytest.mark.asyncio(loop_scope="module"),
]
Z = "\u200c"
Corpus = tuple[Store, list[tuple[NewsItem, int]]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def corpus(module_database: str | Path) -> AsyncIterator[Corpus]:
    """The seeds and every ir-news article, once per engine."""
    async with await Store.open(module_database) as store:
        ingestor = Ingestor(store)
        for seed in (SEED_000, SEED_003):
            await ingestor.ingest_file(seed)
        items = []
        for item in news_items():
            result = await ingestor.ingest_text(item.as_statement(), Origin(OriginKind.FILE, str(item.path)))
            assert result.article_id is not None
            items.append((item, result.article_id))
        yield store, items


@pytest.mark.parametrize(
    ("variant", "spell"),
    [
        ("as written", lambda t: t),
        ("ZWNJs removed", lambda t: t.replace(Z, "")),
        ("ZWNJs as spaces", lambda t: t.replace(Z, " ")),
    ],
)
async def test_each_title_finds_its_article(
    corpus: Corpus, variant: str, spell: Callable[[str], str]
) -> None:
    store, items = corpus
    found = 0
    for item, article_id in items:
        hits = (await store.search(spell(item.title), limit=3)).hits
        found += article_id in [hit.id for hit in hits]
    share = found / len(items)
    print(f"known-item search, titles {variant}: {share:.1%} in the top 3")
    assert share >= 0.95


async def test_public_relations_puts_the_seeds_first(corpus: Corpus) -> None:
    store, _ = corpus
    hits = (await store.search("روابط عمومی", limit=5)).hits
    assert {hit.origin for hit in hits[:2]} == {f"file:{SEED_000}", f"file:{SEED_003}"}
