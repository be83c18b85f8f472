"""Subscriptions, the outbox and the feed record, on the real SQLite store."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from storage.analysis import analyze_text
from storage.db.store import Store
from storage.db.subscriptions import MAX_SUBSCRIPTIONS
from storage.ingest import Ingestor
from storage.models import (
    Chat,
    Delivery,
    IngestStatus,
    Origin,
    OriginKind,
    Reason,
    SubscribeStatus,
    SubscriptionKind,
)
from tests.conftest import ROOT, SEED_000, SEED_003

ALICE, BOB, CAROL, DAVE = (Chat(i, "private") for i in (1, 2, 3, 4))
GROUP = Chat(-100_1, "supergroup", "خبرنگاران")


def note(i: int, text: str) -> tuple[str, Origin]:
    return f"اطلاعیه {i}\n\n{text}", Origin(OriginKind.TEXT, f"note-{i}")


async def queued_chats(store: Store, article_id: int | None) -> set[int]:
    """Straight from the table: the chats the outbox holds a delivery of this article for."""
    return await store.write(lambda conn: {row[0] for row in conn.execute(
        "SELECT chat_id FROM deliveries WHERE article_id = ?", (article_id,))})


async def test_each_kind_of_subscription_gets_what_it_asked_for(store: Store, ingestor: Ingestor) -> None:
    subs = store.subscriptions
    await subs.subscribe_all(ALICE)
    await subs.subscribe_query(BOB, "اطلاعرسانی")  # ZWNJ lost, as people type it
    await subs.subscribe_query(CAROL, "بودجه -قم")
    await subs.follow(DAVE, "خامسیان")
    await subs.follow(GROUP, "فرماندار قدس")  # a title, as the kicker names him

    seed_000 = await ingestor.ingest_file(SEED_000)
    seed_003 = await ingestor.ingest_file(SEED_003)
    budget = await ingestor.ingest_text(*note(1, "معاون استاندار گفت: بودجه طرح‌های عمرانی افزایش یافت."))
    budget_qom = await ingestor.ingest_text(*note(2, "استاندار قم گفت: بودجه استان افزایش یافت."))

    assert await queued_chats(store, seed_000.article_id) == {ALICE.id, BOB.id, GROUP.id}
    assert await queued_chats(store, seed_003.article_id) == {ALICE.id, BOB.id, DAVE.id}
    assert await queued_chats(store, budget.article_id) == {ALICE.id, CAROL.id}
    assert await queued_chats(store, budget_qom.article_id) == {ALICE.id}
    assert (seed_000.queued, seed_003.queued, budget.queued, budget_qom.queued) == (3, 3, 2, 1)


async def test_a_delivery_names_every_subscription_that_matched(store: Store, ingestor: Ingestor) -> None:
    subs = store.subscriptions
    await subs.subscribe_all(ALICE)
    await subs.subscribe_query(ALICE, "زلزله")  # does not match
    government = await subs.subscribe_query(ALICE, "دولت")
    await subs.follow(ALICE, "خامسیان")
    await subs.subscribe_query(BOB, "دولت")
    result = await ingestor.ingest_file(SEED_003)
    assert result.queued == 2  # one message per chat, however many subscriptions match
    alice, bob = sorted(await store.deliveries.due(time.time(), 10), key=lambda d: d.chat_id != ALICE.id)
    assert alice.article_id == result.article_id
    # The most specific first: the speaker, then the query, then every bulletin.
    assert alice.reasons == (Reason(SubscriptionKind.SPEAKER, "خامسیان"),
                             Reason(SubscriptionKind.QUERY, "دولت"), Reason(SubscriptionKind.ALL, ""))
    assert (alice.kind, alice.label) == (SubscriptionKind.SPEAKER, "خامسیان")
    assert bob.reasons == (Reason(SubscriptionKind.QUERY, "دولت"),)
    # A reason unsubscribed from before the bulletin goes is no longer named.
    assert government is not None
    assert await subs.unsubscribe(ALICE.id, government.subscription.id)
    (alice,) = [d for d in await store.deliveries.due(time.time(), 10) if d.chat_id == ALICE.id]
    assert [r.kind for r in alice.reasons] == [SubscriptionKind.SPEAKER, SubscriptionKind.ALL]


async def test_duplicates_and_unmatched_articles_queue_nothing(store: Store, ingestor: Ingestor) -> None:
    await store.subscriptions.subscribe_query(BOB, "زلزله")
    first = await ingestor.ingest_file(SEED_000)
    again = await ingestor.ingest_file(SEED_000)
    assert (first.queued, again.status, again.queued) == (0, IngestStatus.DUPLICATE, 0)
    assert await store.deliveries.counts() == {"pending": 0, "sent": 0, "failed": 0}


async def test_subscribing_twice_and_the_limit(store: Store) -> None:
    subs = store.subscriptions
    first = await subs.subscribe_query(ALICE, "روابط عمومی")
    again = await subs.subscribe_query(ALICE, "  روابط   عمومی ")
    assert first
    assert again
    assert first.status is SubscribeStatus.ADDED
    assert again.status is SubscribeStatus.EXISTS
    assert again.subscription == first.subscription
    for i in range(MAX_SUBSCRIPTIONS - 1):
        assert (await subs.follow(ALICE, f"سخنگو {i}") or first).status is SubscribeStatus.ADDED
    over = await subs.subscribe_all(ALICE)
    assert over.status is SubscribeStatus.LIMIT
    assert len(await subs.of_chat(ALICE.id)) == MAX_SUBSCRIPTIONS


@pytest.mark.parametrize("text", ["", "   ", "-قم", '"', "*", "\x00\x01", "x" * 300])
async def test_a_query_with_nothing_to_match_is_refused(store: Store, text: str) -> None:
    assert await store.subscriptions.subscribe_query(ALICE, text) is None
    assert await store.subscriptions.of_chat(ALICE.id) == []


async def test_unsubscribing_drops_what_it_queued(store: Store, ingestor: Ingestor) -> None:
    subs, deliveries = store.subscriptions, store.deliveries
    everything = (await subs.subscribe_all(ALICE)).subscription
    await subs.subscribe_all(BOB)
    await ingestor.ingest_file(SEED_000)
    assert everything is not None
    removed = await subs.unsubscribe(ALICE.id, everything.id)
    assert removed == everything
    assert await subs.unsubscribe(ALICE.id, everything.id) is None
    assert await subs.unsubscribe(ALICE.id, 10_000) is None
    assert {d.chat_id for d in await deliveries.due(time.time(), 10)} == {BOB.id}
    # Another chat's subscription cannot be removed by id.
    (bobs,) = await subs.of_chat(BOB.id)
    assert await subs.unsubscribe(ALICE.id, bobs.id) is None
    assert await subs.unsubscribe_all(BOB.id) == 1
    assert await deliveries.counts() == {"pending": 0, "sent": 0, "failed": 0}


async def test_an_unreachable_chat_gets_nothing_until_it_comes_back(store: Store, ingestor: Ingestor) -> None:
    subs, deliveries = store.subscriptions, store.deliveries
    await subs.subscribe_all(ALICE)
    await ingestor.ingest_file(SEED_000)
    assert await subs.set_active(ALICE.id, False, "Forbidden: bot was blocked by the user")
    assert await deliveries.counts() == {"pending": 0, "sent": 0, "failed": 1}
    later = await ingestor.ingest_file(SEED_003)
    assert later.queued == 0
    stats = await store.stats()
    assert (stats.subscribers, stats.inactive_subscribers) == (0, 1)
    # Subscribing again (or Telegram telling us the user is back) revives the chat.
    assert (await subs.subscribe_all(ALICE)).status is SubscribeStatus.EXISTS
    assert (await ingestor.ingest_text(*note(3, "خبر تازه‌ای دربارهٔ بودجه است."))).queued == 1
    assert not await subs.set_active(99, False, "unknown chat")


async def test_outcomes_are_recorded(store: Store, ingestor: Ingestor) -> None:
    subs, deliveries = store.subscriptions, store.deliveries
    for chat in (ALICE, BOB, CAROL):
        await subs.subscribe_all(chat)
    await ingestor.ingest_file(SEED_000)
    a, b, c = await deliveries.due(time.time(), 10)
    await deliveries.sent(a.id, 77)
    await deliveries.retry(b.id, time.time() + 3600, "HTTP 500")
    await deliveries.failed(c.id, "Bad Request: message is too long")
    assert await deliveries.counts() == {"pending": 1, "sent": 1, "failed": 1}
    assert await deliveries.due(time.time(), 10) == []  # b waits for its backoff
    (later,) = await deliveries.due(time.time() + 3601, 10)
    assert (later.id, later.attempts) == (b.id, 1)
    await deliveries.retry(b.id, time.time(), "flood wait", count=False)
    (again,) = await deliveries.due(time.time(), 10)
    assert again.attempts == 1  # a flood wait is no failure


async def test_due_keeps_one_message_per_chat_in_flight(store: Store, ingestor: Ingestor) -> None:
    subs, deliveries = store.subscriptions, store.deliveries
    await subs.subscribe_all(ALICE)
    await subs.subscribe_all(BOB)
    first = await ingestor.ingest_file(SEED_000)
    await ingestor.ingest_file(SEED_003)
    due = await deliveries.due(time.time(), 10)
    assert [(d.chat_id, d.article_id) for d in due] == [(ALICE.id, first.article_id),
                                                        (BOB.id, first.article_id)]
    assert [d.chat_id for d in await deliveries.due(time.time(), 10, busy={ALICE.id})] == [BOB.id]
    assert await deliveries.due(time.time(), 10, busy={ALICE.id, BOB.id}) == []


async def test_a_group_upgraded_to_a_supergroup_keeps_its_subscriptions(
    store: Store, ingestor: Ingestor
) -> None:
    subs, deliveries = store.subscriptions, store.deliveries
    old = Chat(-42, "group", "گروه")
    await subs.subscribe_query(old, "روابط عمومی")
    await ingestor.ingest_file(SEED_000)
    await subs.migrate_chat(old.id, -100_42)
    assert [s.label for s in await subs.of_chat(-100_42)] == ["روابط عمومی"]
    assert await subs.of_chat(old.id) == []
    assert [d.chat_id for d in await deliveries.due(time.time(), 10)] == [-100_42]
    # Moving into a chat that already subscribes merges the two.
    await subs.subscribe_all(Chat(-43, "group"))
    await subs.subscribe_all(Chat(-100_43, "supergroup"))
    await subs.migrate_chat(-43, -100_43)
    assert [s.kind for s in await subs.of_chat(-100_43)] == [SubscriptionKind.ALL]


async def test_deleting_an_article_removes_it_everywhere(store: Store, ingestor: Ingestor) -> None:
    await store.subscriptions.subscribe_all(ALICE)
    seed = await ingestor.ingest_file(SEED_000)
    assert seed.article_id is not None
    removed = await store.delete_article(seed.article_id)
    assert removed is not None
    assert removed.id == seed.article_id
    assert await store.get_article(seed.article_id) is None
    assert (await store.search("روابط عمومی")).hits == ()
    assert await store.find_speakers("گلی کانی") == []
    assert await store.deliveries.counts() == {"pending": 0, "sent": 0, "failed": 0}
    assert await store.delete_article(seed.article_id) is None
    # The same text can be published again afterwards.
    assert (await ingestor.ingest_file(SEED_000)).status is IngestStatus.NEW


async def test_stats_count_everything(store: Store, ingestor: Ingestor) -> None:
    await store.subscriptions.subscribe_all(ALICE)
    await store.subscriptions.follow(BOB, "خامسیان")
    await ingestor.ingest_file(SEED_000)
    await ingestor.ingest_file(SEED_003)
    await store.feeds.add("https://example.org/rss", "1")
    stats = await store.stats()
    assert (stats.articles, stats.speakers, stats.quotes) == (2, 2, 15)
    assert (stats.subscribers, stats.subscriptions, stats.pending, stats.feeds) == (2, 2, 3, 1)


async def test_feeds_from_config_and_from_admins(store: Store) -> None:
    feeds = store.feeds
    added, new = await feeds.add("https://a.example/rss", "7")
    assert added is not None
    assert new
    assert not added.from_config
    assert (await feeds.add("https://a.example/rss", "8"))[0] == added
    await feeds.sync_config(["https://b.example/rss", "https://c.example/atom"])
    await feeds.sync_config(["https://c.example/atom"])
    assert [(f.url, f.from_config) for f in await feeds.all()] == [
        ("https://a.example/rss", False), ("https://c.example/atom", True)]
    assert [f.url for f in await feeds.due(time.time())] == ["https://a.example/rss", "https://c.example/atom"]
    await feeds.polled(added.id, next_poll=time.time() + 600, etag='"v1"', last_modified=None, title="الف")
    assert [f.url for f in await feeds.due(time.time())] == ["https://c.example/atom"]
    (c,) = await feeds.due(time.time())
    assert await feeds.failed(c.id, "HTTP 500", time.time() + 60) == 1
    assert await feeds.failed(c.id, "HTTP 500", time.time() + 120) == 2
    assert (await feeds.remove(added.id)) is not None
    assert [f.url for f in await feeds.all()] == ["https://c.example/atom"]


async def test_a_feed_entry_is_ingested_once(store: Store) -> None:
    feed, _ = await store.feeds.add("https://a.example/rss", "7")
    assert feed is not None
    await store.subscriptions.subscribe_all(ALICE)
    raw = SEED_000.read_text(encoding="utf-8")
    origin = Origin(OriginKind.URL, "https://a.example/1")
    backlog = await store.add_feed_entry(feed.id, "guid-1", analyze_text(raw), origin, notify=False)
    assert backlog is not None
    assert backlog.status is IngestStatus.NEW
    assert backlog.queued == 0
    assert await store.add_feed_entry(feed.id, "guid-1", analyze_text(raw), origin) is None
    assert await store.add_feed_entry(feed.id, "guid-2", None, origin) is None  # refused, but seen
    assert await store.feeds.seen(feed.id, ["guid-1", "guid-2", "guid-3"]) == {"guid-1", "guid-2"}
    fresh = await store.add_feed_entry(feed.id, "guid-3", analyze_text(SEED_003.read_text("utf-8")), origin)
    assert fresh is not None
    assert fresh.queued == 1


async def test_the_migration_adds_distribution_to_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with await Store.open(path) as store:
        await Ingestor(store).ingest_file(SEED_000)
        await store.subscriptions.subscribe_all(ALICE)
    async with await Store.open(path) as store:  # opening again migrates nothing twice
        assert await store.schema_version() == store.latest_schema_version()
        assert (await Ingestor(store).ingest_file(SEED_003)).queued == 1


async def test_deliveries_are_taken_once_under_concurrent_reads_and_writes(
    store: Store, ingestor: Ingestor, tmp_path: Path
) -> None:
    """The broadcast's loop — take what is due, mark it sent — beside searches that hold
    the read side busy, statements stored meanwhile, and an ingest from another process."""
    chats = [Chat(10_000 + i, "private") for i in range(200)]
    for chat in chats:
        await store.subscriptions.subscribe_all(chat)
    await ingestor.ingest_file(SEED_000)
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(note(100 + i, f"خبر شماره {i} دربارهٔ اطلاع رسانی است.")[0],
                                         encoding="utf-8")
    stop = asyncio.Event()

    async def reader() -> None:
        while not stop.is_set():
            await store.search("اطلاع رسانی")
            await store.latest_articles(5)
            await store.speakers(10)

    async def writer() -> None:
        for i in range(3):
            await ingestor.ingest_text(*note(i, f"اطلاعیهٔ شماره {i} دربارهٔ بودجه."))

    other_process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ingest", "--db", store.location, str(folder),
        cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    readers = [asyncio.create_task(reader()) for _ in range(8)]
    writing = asyncio.create_task(writer())
    taken: Counter[int] = Counter()
    busy: set[int] = set()

    async def send(delivery: Delivery) -> None:
        taken[delivery.id] += 1
        await asyncio.sleep(0)
        await store.deliveries.sent(delivery.id, 1)
        busy.discard(delivery.chat_id)

    while True:
        due = await store.deliveries.due(time.time() + 1, 16, busy)
        if not due:
            if writing.done() and other_process.returncode is not None \
                    and await store.deliveries.next_due() is None:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(other_process.wait(), 0.05)
            continue
        busy.update(d.chat_id for d in due)
        await asyncio.gather(*(send(d) for d in due))
    stop.set()
    await asyncio.gather(*readers, writing)
    assert other_process.returncode == 0
    assert max(taken.values()) == 1  # none taken again after it was marked sent
    assert sum(taken.values()) == len(chats) * 7  # every statement to every chat
    assert await store.deliveries.counts() == {"pending": 0, "sent": len(chats) * 7, "failed": 0}
