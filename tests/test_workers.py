"""Several senders on one outbox, on each engine: claims given once, a chat's order kept
across senders, a dead sender's claims taken over, one rate limit and one flood wait for
all, paid broadcasts, and ``sokhan worker`` as a process of its own against the local Bot
API, stopped by a signal."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.app import BUTTON_SECRET, build_sender
from bot.broadcast import GROUP_REST, HORIZON, Broadcaster
from bot.callbacks import CallbackCodec
from bot.config import PAID_BROADCAST_RATE, Settings, load_settings
from bot.local import LocalBotApi, LocalChat, LocalUser
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Chat, Delivery, Origin, OriginKind, Outcome, OutcomeKind
from storage.text.normalize import TextNormalizer
from tests.conftest import ROOT

TOKEN = "123:workers"  # noqa: S105 - the local server takes any token
FIRST = 20_000


def statement(i: int) -> str:
    return f"اطلاعیه {i}\n\nمعاون استاندار گفت: طرح شماره {i} تا پایان ماه اجرا می‌شود."


async def subscribers(store: Store, count: int, api: LocalBotApi | None = None) -> list[int]:
    ids = list(range(FIRST, FIRST + count))
    for chat_id in ids:
        await store.subscriptions.subscribe_all(Chat(chat_id, "private"))
        if api is not None:
            api.add_chat(LocalChat.private(LocalUser(chat_id, f"مشترک {chat_id}")))
    return ids


async def publish(store: Store, normalizer: TextNormalizer, count: int, first: int = 0) -> list[int]:
    """Statements stored as ``sokhan ingest`` stores them: each queued for every subscriber."""
    ids = []
    for i in range(first, first + count):
        result = await Ingestor(store, normalizer).ingest_text(statement(i), Origin(OriginKind.TEXT, f"s{i}"))
        assert result.article_id is not None
        ids.append(result.article_id)
    return ids


@pytest.fixture
async def stores(database: str | Path) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database, as two sender processes have: two connections, two writers."""
    async with await Store.open(database) as one, await Store.open(database) as two:
        yield one, two


def sent(delivery: Delivery) -> Outcome:
    return Outcome(OutcomeKind.SENT, delivery.id, delivery.chat_id, message_id=1)


async def test_no_delivery_is_claimed_twice_by_concurrent_senders(
    stores: tuple[Store, Store], normalizer: TextNormalizer
) -> None:
    one, two = stores
    chats = await subscribers(one, 300)
    await publish(one, normalizer, 1)
    taken: dict[str, list[int]] = {"one": [], "two": []}

    async def claimer(name: str, store: Store) -> None:
        while claim := await store.deliveries.claim(name, 7, lease=60):
            if not claim.deliveries:
                return
            taken[name] += [d.id for d in claim.deliveries]
            # As a sender does while it sends: the other store's writer gets its turn.
            await asyncio.sleep(0.005)

    await asyncio.gather(*(claimer(name, store) for name, store in (("one", one), ("two", two))
                           for _ in range(3)))
    both = taken["one"] + taken["two"]
    assert len(both) == len(set(both)) == len(chats)
    assert taken["one"]
    assert taken["two"]  # both really claimed, at once


async def test_a_chats_bulletins_go_in_order_and_one_at_a_time_across_senders(
    stores: tuple[Store, Store], normalizer: TextNormalizer
) -> None:
    one, two = stores
    chats = await subscribers(one, 20)
    articles = await publish(one, normalizer, 4)
    in_flight: set[int] = set()
    order: defaultdict[int, list[int]] = defaultdict(list)

    async def sender(name: str, store: Store) -> None:
        idle = 0
        while idle < 5:
            claim = await store.deliveries.claim(name, 6, lease=60)
            if not claim.deliveries:
                idle += 1
                await asyncio.sleep(0.01)
                continue
            idle = 0
            for delivery in claim.deliveries:
                assert delivery.chat_id not in in_flight  # never two of one chat at once
                in_flight.add(delivery.chat_id)
            await asyncio.sleep(0.005)
            for delivery in claim.deliveries:
                order[delivery.chat_id].append(delivery.article_id)
                in_flight.discard(delivery.chat_id)
            await store.deliveries.record([sent(d) for d in claim.deliveries])

    await asyncio.gather(sender("one", one), sender("two", two), sender("one", one), sender("two", two))
    assert dict(order) == {chat: articles for chat in chats}
    assert await one.deliveries.counts() == {"pending": 0, "sent": 80, "failed": 0}


async def test_a_dead_senders_claims_are_taken_over_once_its_lease_ends(
    stores: tuple[Store, Store], normalizer: TextNormalizer
) -> None:
    one, two = stores
    await subscribers(one, 5)
    await publish(one, normalizer, 1)
    dead = await one.deliveries.claim("dead", 10, lease=0.5)  # and never a word from it again
    assert len(dead.deliveries) == 5
    nothing = await two.deliveries.claim("alive", 10, lease=60)
    assert nothing.deliveries == ()
    assert nothing.wait is not None
    assert 0 < nothing.wait <= 0.5  # when the lease ends
    await asyncio.sleep(nothing.wait + 0.05)
    taken = await two.deliveries.claim("alive", 10, lease=60)
    assert sorted(d.id for d in taken.deliveries) == sorted(d.id for d in dead.deliveries)
    assert {d.attempts for d in taken.deliveries} == {0}  # a sender dying is no failed attempt
    # A sender stopping cleanly gives back what it holds at once.
    assert await two.deliveries.release("alive") == 5
    assert len((await one.deliveries.claim("next", 10, lease=60)).deliveries) == 5


async def test_one_rate_limit_holds_across_senders(
    stores: tuple[Store, Store], normalizer: TextNormalizer
) -> None:
    """Two senders claiming as fast as they can at 20 a second: the send slots they get,
    together, are never closer than a twentieth of a second."""
    one, two = stores
    await subscribers(one, 60)
    await publish(one, normalizer, 1)
    rate = 20.0
    slots: list[float] = []

    async def sender(name: str, store: Store) -> None:
        while len(slots) < 40:
            claim = await store.deliveries.claim(name, 16, lease=60, rate=rate, horizon=HORIZON)
            if claim.deliveries:
                assert claim.spacing >= 1 / rate
                assert len(claim.deliveries) <= int(HORIZON * rate) + 1  # only a little ahead
                first = claim.clock + claim.start  # on the database's clock, as both see it
                slots.extend(first + i * claim.spacing for i in range(len(claim.deliveries)))
            else:
                assert claim.limited
                await asyncio.sleep(min(claim.wait or 0.01, 0.05))

    await asyncio.gather(sender("one", one), sender("two", two))
    slots.sort()
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert min(gaps) >= 1 / rate - 1e-9
    # No 21 within a second: the one limit, not one per sender.
    assert all(slots[i + 20] - slots[i] > 1.0 for i in range(len(slots) - 20))


async def test_a_group_rests_between_bulletins_whoever_sends_them(
    stores: tuple[Store, Store], normalizer: TextNormalizer
) -> None:
    one, two = stores
    await one.subscriptions.subscribe_all(Chat(-100_5, "supergroup", "گروه"))
    await publish(one, normalizer, 2)
    (first,) = (await one.deliveries.claim("one", 5, lease=60)).deliveries
    await one.deliveries.record([Outcome(OutcomeKind.SENT, first.id, first.chat_id, message_id=1,
                                         rest=GROUP_REST)])
    held = await two.deliveries.claim("two", 5, lease=60)
    assert held.deliveries == ()
    assert held.wait is not None
    assert GROUP_REST - 1 < held.wait <= GROUP_REST  # its rest, then the second may go


async def test_a_flood_wait_holds_every_sender(
    stores: tuple[Store, Store], normalizer: TextNormalizer
) -> None:
    one, two = stores
    await subscribers(one, 5)
    await publish(one, normalizer, 1)
    await one.deliveries.pause(30)
    for store in (one, two):
        for rate in (0.0, 30.0):
            claim = await store.deliveries.claim("any", 5, lease=60, rate=rate)
            assert claim.deliveries == ()
            assert claim.limited
            assert claim.wait is not None
            assert 29 < claim.wait <= 30
        # A reply waits it out too (and the second reply the slot after the first's).
        now, slot, _ = await store.deliveries.reserve(30.0)
        assert 29 < slot - now <= 30 + 1.1 / 30


# -- real senders against the local Bot API ----------------------------------------------


def sender_settings(database: str | Path, api: LocalBotApi, **changes: object) -> Settings:
    where = {"database_url": database} if isinstance(database, str) else {"db_path": database}
    return Settings(bot_token=TOKEN, api_base_url=api.base_url, **where, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def senders(
    database: str | Path, api: LocalBotApi
) -> AsyncIterator[Callable[..., Awaitable[Broadcaster]]]:
    """Start Broadcasters as ``sokhan worker`` builds them, each with a store and a bot of its own."""
    async with AsyncExitStack() as stack:
        async def start(rate: float = 0.0, paid: bool = False) -> Broadcaster:
            settings = sender_settings(database, api, paid_broadcast=paid)
            bot = await stack.enter_async_context(build_sender(settings))
            store = await stack.enter_async_context(await Store.open(database))
            codec = CallbackCodec(await store.keys.secret(BUTTON_SECRET))
            broadcaster = Broadcaster(store, bot, codec, rate=rate, paid=paid, lease=60,
                                      retry_base=0.05, idle_poll=0.2)
            stack.push_async_callback(broadcaster.stop)
            broadcaster.start()
            return broadcaster

        yield start


async def test_a_flood_wait_one_sender_meets_pauses_them_all(
    api: LocalBotApi, store: Store, normalizer: TextNormalizer,
    senders: Callable[..., Awaitable[Broadcaster]],
) -> None:
    chats = await subscribers(store, 60, api)
    await publish(store, normalizer, 1)
    api.inject_fault("sendMessage", status=429, retry_after=2, times=1)
    first, second = await senders(rate=20.0), await senders(rate=20.0)
    timeline: list[tuple[float, int]] = []
    flooded_at = None
    while api.total_bot_messages() < len(chats):
        now = time.monotonic()
        timeline.append((now, api.total_bot_messages()))
        if flooded_at is None and any(call.status == 429 for call in api.calls("sendMessage")):
            flooded_at = now
        assert now - timeline[0][0] < 30, "the broadcast did not finish"
        await asyncio.sleep(0.01)
    assert flooded_at is not None
    # Slots given before the 429 reached the other sender may still go; then nobody sends
    # until Telegram's two seconds are over.
    quiet = [n for t, n in timeline if flooded_at + 0.5 <= t <= flooded_at + 1.9]
    assert quiet
    assert len(set(quiet)) == 1
    assert first.delivered + second.delivered == len(chats)
    assert first.delivered
    assert second.delivered
    assert Counter(api.bot_message_count(c) for c in chats) == {1: len(chats)}


async def test_paid_broadcasts_carry_the_flag_and_a_raised_limit(
    api: LocalBotApi, store: Store, normalizer: TextNormalizer,
    senders: Callable[..., Awaitable[Broadcaster]],
) -> None:
    chats = await subscribers(store, 30, api)
    settings = load_settings({"SOKHAN_PAID_BROADCAST": "1"}, dotenv=None)
    assert settings.paid_broadcast
    assert settings.bulletin_rate == PAID_BROADCAST_RATE == 1000
    assert load_settings({}, dotenv=None).bulletin_rate == 30
    await publish(store, normalizer, 1)
    rate = settings.bulletin_rate
    claim = await store.deliveries.claim("look", 100, lease=0.01, rate=rate, horizon=HORIZON)
    assert 1 / 1000 <= claim.spacing < 1.05 / 1000
    assert len(claim.deliveries) == 30  # a quarter of a second holds 250 slots at 1,000 a second
    await asyncio.sleep(0.02)  # the lease ends: the sender takes them
    paid = await senders(rate=rate, paid=True)
    await api.wait_until(lambda: api.total_bot_messages() == len(chats), timeout=20)
    await paid.stop()
    assert api.total_paid_messages() == len(chats)
    assert all(api.sent(c)[0].paid_broadcast for c in chats)
    assert all(call.params.get("allow_paid_broadcast") == "true" for call in api.calls("sendMessage"))
    # Unpaid bulletins say nothing of it.
    await publish(store, normalizer, 1, first=1)
    await senders(rate=30.0)
    await api.wait_until(lambda: api.total_bot_messages() == 2 * len(chats), timeout=20)
    assert api.total_paid_messages() == len(chats)
    assert not any(api.sent(c)[1].paid_broadcast for c in chats)


def worker_process(database: str | Path, api: LocalBotApi, **env: str) -> subprocess.Popen[bytes]:
    """``sokhan worker`` with a token, sending through the local server: a process of its own."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SOKHAN_", "TELEGRAM_"))}
    where = {"SOKHAN_DATABASE_URL": database} if isinstance(database, str) else {"SOKHAN_DB": str(database)}
    clean |= {"PYTHONPATH": str(ROOT), "SOKHAN_LOG_LEVEL": "WARNING", "TELEGRAM_BOT_TOKEN": TOKEN,
              "TELEGRAM_API_BASE_URL": api.base_url, **where, **env}
    return subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=clean, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_sokhan_worker_sends_what_another_process_queued_and_stops_on_a_signal(
    api: LocalBotApi, database: str | Path, normalizer: TextNormalizer, signum: signal.Signals
) -> None:
    async with await Store.open(database) as store:
        chats = await subscribers(store, 40, api)
        await publish(store, normalizer, 1)
    worker = worker_process(database, api, SOKHAN_BROADCAST_RATE="5")
    try:
        await api.wait_until(lambda: api.total_bot_messages() >= 3, timeout=60)
        worker.send_signal(signum)
        _, errors = await asyncio.to_thread(worker.communicate, timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, errors.decode()
    assert b"Traceback" not in errors
    sent_count = api.total_bot_messages()
    assert sent_count < len(chats)  # stopped midway
    async with await Store.open(database) as store:
        assert (await store.deliveries.counts())["sent"] == sent_count
        # What it held and had not sent went back at once, for another sender to take now.
        left = await store.deliveries.claim("next", 100, lease=60)
        assert len(left.deliveries) == len(chats) - sent_count
        await store.deliveries.release("next")
    # Started again, it sends the rest, each once.
    worker = worker_process(database, api)
    try:
        await api.wait_until(lambda: api.total_bot_messages() >= len(chats), timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert Counter(api.bot_message_count(c) for c in chats) == {1: len(chats)}
