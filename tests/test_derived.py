"""What the store derives with the analyzer follows the analyzer: when the version that built
it differs from the code's, the index, the analysis, the speaker keys and the compiled
subscriptions are built again, and every subscription and speaker still works."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from storage.analysis import ANALYSIS_VERSION
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Chat, Origin, OriginKind
from storage.search import SEARCH_VERSION
from tests.conftest import SEEDS

READER, FOLLOWER = Chat(1, "private"), Chat(2, "private")
NEW = ("اطلاعیه تازه\n\nعلیرضا خامسیان گفت: اطلاع رسانی دقیق به مردم وظیفه همه ماست.",
       Origin(OriginKind.TEXT, "new"))


async def _archive(path: Path) -> None:
    async with await Store.open(path) as store:
        async for _ in Ingestor(store).ingest_paths([SEEDS]):
            pass
        assert await store.subscriptions.subscribe_query(READER, "اطلاع رسانی")
        assert await store.subscriptions.follow(FOLLOWER, "خامسیان")


def _as_an_older_analyzer_left_it(path: Path, *, version_changed: bool) -> None:
    """Derived data of another analyzer: other speaker keys, other terms, other compiled queries."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("UPDATE speakers SET key = hex(key)")
        conn.execute("UPDATE speaker_aliases SET key = hex(key)")
        conn.execute("UPDATE subscriptions SET target = 'old:' || target WHERE kind = 'query'")
        conn.execute("UPDATE subscriptions SET target = hex(target) WHERE kind = 'speaker'")
        conn.execute("DELETE FROM articles_fts")
        if version_changed:
            conn.execute("UPDATE derived_versions SET version = version - 1")


async def _queued_for(store: Store) -> set[int]:
    result = await Ingestor(store).ingest_text(*NEW)
    with contextlib.closing(sqlite3.connect(store.location)) as conn:
        rows = conn.execute("SELECT chat_id FROM deliveries WHERE article_id = ?", (result.article_id,))
        return {row[0] for row in rows}


async def test_a_new_analyzer_version_rebuilds_everything_derived(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await _archive(path)
    _as_an_older_analyzer_left_it(path, version_changed=True)
    async with await Store.open(path) as store:
        (speaker,) = await store.find_speakers("خامسیان")
        assert len(await store.quotes_by([speaker])) == 7
        assert len((await store.search("اطلاع رسانی")).hits) == 2
        assert await _queued_for(store) == {READER.id, FOLLOWER.id}
        with contextlib.closing(sqlite3.connect(path)) as conn:
            versions = dict(conn.execute("SELECT name, version FROM derived_versions").fetchall())
    assert versions == {"search": SEARCH_VERSION, "analysis": ANALYSIS_VERSION}


async def test_the_same_version_rebuilds_nothing(tmp_path: Path) -> None:
    """The other side of the test above: without a version change the store trusts what it
    holds, so what worked there is the rebuild's doing."""
    path = tmp_path / "s.db"
    await _archive(path)
    _as_an_older_analyzer_left_it(path, version_changed=False)
    async with await Store.open(path) as store:
        assert await store.find_speakers("خامسیان") == []
        assert (await store.search("اطلاع رسانی")).hits == ()


async def test_opening_twice_rebuilds_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await _archive(path)
    _as_an_older_analyzer_left_it(path, version_changed=True)
    async with await Store.open(path):
        pass
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("DELETE FROM articles_fts")  # a second rebuild would bring these back
    async with await Store.open(path) as store:
        assert (await store.search("اطلاع رسانی")).hits == ()
