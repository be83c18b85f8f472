"""The SQLite store: migrations, the write path, round trips, dedup by content."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from storage.db import deliveries, migrations
from storage.db.migrations import MIGRATIONS, migrate, statements
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Article, Chat, IngestStatus, Origin, OriginKind
from storage.text.letters import ZWNJ
from tests.conftest import SEED_000, SEED_003

ORIGIN = Origin(OriginKind.FILE, "statements/a.txt")


def _article(**changes: object) -> Article:
    base = Article(
        paragraphs=("بند نخست خبر.", "بند دوم خبر."),
        raw_text="عنوان\n\nبند نخست خبر.\nبند دوم خبر.",
        title="عنوان",
        kicker="فرماندار قدس",
        date=dt.date(2025, 12, 10),
        source="مهر",
        tags=("قم", "روابط عمومی"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


async def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with await Store.open(path) as store:
        assert await store.schema_version() == store.latest_schema_version()
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        assert migrate(conn) == []
    async with await Store.open(path) as store:
        assert await store.schema_version() == MIGRATIONS[-1].version
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
        assert rows == [(m.version, m.name) for m in MIGRATIONS]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_statements_split_whole_statements() -> None:
    script = "CREATE TABLE t (x);\nCREATE TRIGGER g AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    assert [s.split()[1] for s in statements(script)] == ["TABLE", "TRIGGER"]
    with pytest.raises(ValueError, match="incomplete"):
        list(statements("CREATE TABLE t (x"))


async def test_round_trip(store: Store) -> None:
    result = await store.add_article(_article(), ORIGIN)
    assert result.status is IngestStatus.NEW
    assert result.article_id is not None
    stored = await store.get_article(result.article_id)
    assert stored is not None
    assert stored.article == _article()
    assert stored.origin == ORIGIN
    assert stored.created_at.startswith(str(dt.datetime.now(dt.UTC).year))


async def test_single_paragraph_round_trip(store: Store) -> None:
    one = _article(paragraphs=("تنها بند.",), title=None, kicker=None, date=None, source=None, tags=())
    result = await store.add_article(one, ORIGIN)
    stored = await store.get_article(result.article_id or 0)
    assert stored is not None
    assert stored.article == one


async def test_same_content_is_stored_once(store: Store) -> None:
    first = await store.add_article(_article(), ORIGIN)
    # The same statement re-typed: other spacing and ZWNJs, from elsewhere.
    retyped = _article(paragraphs=("بند نخست  خبر.", f"بند{ZWNJ}دوم خبر."), raw_text="other copy")
    again = await store.add_article(retyped, Origin(OriginKind.URL, "https://example.ir/1"))
    assert again.status is IngestStatus.DUPLICATE
    assert again.article_id == first.article_id
    assert await store.count_articles() == 1


async def test_latest_is_newest_first(store: Store) -> None:
    for day in (3, 1, 2):
        await store.add_article(_article(date=dt.date(2025, 1, day), title=f"روز {day}"), ORIGIN)
    latest = await store.latest_articles(limit=2)
    assert [a.article.title for a in latest] == ["روز 3", "روز 2"]
    assert [a.article.title for a in await store.latest_articles(limit=5, offset=2)] == ["روز 1"]


async def test_unknown_id(store: Store) -> None:
    assert await store.get_article(424242) is None


async def test_a_failed_write_leaves_nothing(store: Store) -> None:
    def write_then_crash(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO articles (content_hash, lead, body, origin_kind, origin_ref, raw_text)"
            " VALUES ('h', 'l', '', 'file', 'x', 'r')"
        )
        raise RuntimeError("crash between two statements")

    with pytest.raises(RuntimeError):
        await store.write(write_then_crash)
    assert await store.count_articles() == 0
    assert (await store.add_article(_article(), ORIGIN)).status is IngestStatus.NEW


async def test_hostile_text_is_stored_as_text(store: Store) -> None:
    hostile = "'); DROP TABLE articles; --"
    result = await store.add_article(_article(title=hostile, source=hostile), ORIGIN)
    stored = await store.get_article(result.article_id or 0)
    assert stored is not None
    assert stored.article.title == hostile
    assert await store.count_articles() == 1


async def test_a_deleted_statements_number_is_never_given_again(store: Store, ingestor: Ingestor) -> None:
    first = await ingestor.ingest_file(SEED_000)
    second = await ingestor.ingest_file(SEED_003)
    assert second.article_id is not None
    assert await store.delete_article(second.article_id) is not None
    third = await store.add_article(_article(), ORIGIN)
    assert third.article_id is not None
    assert third.article_id > second.article_id > (first.article_id or 0)


async def test_the_renumbering_migration_keeps_every_number_and_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database from before migration 8: its statements keep their numbers, what refers to
    them (analysis, deliveries) still does, and from then on no number is given twice."""
    path = tmp_path / "old.db"
    with monkeypatch.context() as before:
        before.setattr(migrations, "MIGRATIONS", MIGRATIONS[:7])
        # The code of that time kept no reasons beside a delivery.
        before.setattr(deliveries, "_ENQUEUE_REASONS", "SELECT :article, :speakers, :queries")
        async with await Store.open(path) as store:
            ingestor = Ingestor(store)
            await store.subscriptions.subscribe_all(Chat(1, "private"))
            first, second = (await ingestor.ingest_file(SEED_000)), (await ingestor.ingest_file(SEED_003))
    async with await Store.open(path) as store:
        assert await store.schema_version() == MIGRATIONS[-1].version
        assert sorted(s.id for s in await store.latest_articles()) == [first.article_id, second.article_id]
        stored = await store.get_article(second.article_id or 0)
        assert stored is not None
        assert stored.article.quotes
        assert (await store.deliveries.counts(second.article_id))["pending"] == 1
        await store.delete_article(second.article_id or 0)
        assert (await store.add_article(_article(), ORIGIN)).article_id == (second.article_id or 0) + 1
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
