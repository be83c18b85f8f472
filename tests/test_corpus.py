"""Real news from ../shared/data/ir-news: ingestion never fails on the genre."""

from __future__ import annotations

import pytest

from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import IngestStatus, Origin, OriginKind
from storage.text.normalize import TextNormalizer
from tests.irnews import IRNEWS, news_items

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not IRNEWS.is_dir(), reason=f"{IRNEWS} is not here"),
]


async def test_every_article_ingests_with_title_and_paragraphs(
    store: Store, normalizer: TextNormalizer
) -> None:
    ingestor = Ingestor(store, normalizer)
    items = list(news_items())
    assert len(items) > 2900
    statuses: dict[IngestStatus, int] = dict.fromkeys(IngestStatus, 0)
    for item in items:
        result = await ingestor.ingest_text(item.as_statement(), Origin(OriginKind.FILE, str(item.path)))
        statuses[result.status] += 1
        assert result.status is not IngestStatus.REJECTED, (item.path, result.reason)
        assert result.title == normalizer.normalize(item.title), item.path
    assert statuses[IngestStatus.NEW] == await store.count_articles()
    for stored in await store.latest_articles(limit=5000):
        assert stored.article.paragraphs
        assert all(p.strip() for p in stored.article.paragraphs)
