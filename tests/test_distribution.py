"""Subscriptions, publishing and the broadcast end to end: the real Application over
HTTP on loopback against the local Bot API server, a real SQLite file, and Telegram's
failures injected on the wire."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot import strings
from bot.app import SokhanApp, polling
from bot.broadcast import HORIZON
from bot.handlers.admin import today_in_tehran
from bot.local import MAX_CAPTION_LENGTH, LocalBotApi, LocalChat, LocalUser
from storage.db.store import Store
from storage.models import Chat, Origin, OriginKind
from storage.sources.word import OLE_MAGIC
from storage.text.letters import persian_digits
from tests.conftest import ROOT, SEED_000, SEED_003, docx_bytes, local_app, say
from tests.feedserver import FeedServer

ADMIN = LocalUser(7, "مدیر", username="pr_admin")
READER = LocalUser(8, "خبرنگار")
GROUP = LocalChat.group(-100_777, "خبرنگاران استان")
_BULLETIN_ID = re.compile(r"#(\d+)\s*$")
BULLETIN = "🔔 بیانیهٔ تازه"


@pytest.fixture
def db(database: str | Path) -> str | Path:
    """The bot's database, on each engine in turn."""
    return database


def make_app(api: LocalBotApi, db: str | Path, *, feeds_from: FeedServer | None = None,
             **settings: Any) -> SokhanApp:
    """The bot with ADMIN as its administrator; feeds only from ``feeds_from``."""
    port = feeds_from.port if feeds_from else None
    return local_app(api, db, admins={ADMIN.id}, feeds_port=port, **settings)


@pytest.fixture
async def app(api: LocalBotApi, db: str | Path) -> AsyncIterator[SokhanApp]:
    async with polling(make_app(api, db)) as application:
        yield application


def store_of(app: SokhanApp) -> Store:
    assert app.bot_data.store is not None
    return app.bot_data.store


def bulletins(api: LocalBotApi, chat_id: int) -> list[int]:
    """The statement ids of the bulletins the chat has received, in order."""
    found = []
    for message in api.sent(chat_id):
        text = message.plain_text or ""
        if text.startswith(BULLETIN) and (number := _BULLETIN_ID.search(text)):
            found.append(int(number[1]))
    return found


async def delivered(api: LocalBotApi, expected: dict[int, list[int]], within: float = 20) -> None:
    """Wait until every chat holds at least the bulletins expected of it."""
    def done() -> bool:
        return all(Counter(bulletins(api, chat)) >= Counter(ids) for chat, ids in expected.items())
    await api.wait_until(done, timeout=within)


async def eventually[T](check: Callable[[], Awaitable[T]], within: float = 20) -> T:
    """The first truthy result of ``check``, polled (the store is outside the API server)."""
    for _ in range(int(within / 0.02)):
        if result := await check():
            return result
        await asyncio.sleep(0.02)
    raise TimeoutError(f"not true within {within} s")


async def settled(store: Store) -> dict[str, int]:
    """Wait until the outbox has nothing pending (its outcomes recorded); return the counts."""
    async def counts() -> dict[str, int] | None:
        found = await store.deliveries.counts()
        return None if found["pending"] else found
    return await eventually(counts)


async def test_subscribing_listing_and_unsubscribing(api: LocalBotApi, app: SokhanApp) -> None:
    assert strings.SUBSCRIBED_ALL in (await say(api, "/subscribe", user=READER)).text
    assert "روابط عمومی" in (await say(api, "/subscribe روابط   عمومی", user=READER)).plain_text
    assert (await say(api, "/subscribe روابط عمومی", user=READER)).text == strings.ALREADY_SUBSCRIBED
    followed = await say(api, "/follow خامسیان", user=READER)
    assert "خامسیان" in followed.plain_text
    assert "هنوز نقل‌قولی" in followed.plain_text
    listing = await say(api, "/subscriptions", user=READER)
    assert "۱. همهٔ بیانیه‌های تازه" in listing.plain_text
    assert "۲. جست‌وجوی «روابط عمومی»" in listing.plain_text
    assert "۳. سخنان «خامسیان»" in listing.plain_text
    assert [b.text for b in listing.flat_buttons] == ["🗑 ۱", "🗑 ۲", "🗑 ۳"]

    api.user_presses(listing, "🗑 ۱", user=READER)
    edited = await api.wait_until(lambda: next((m for m in api.sent(READER.id)
                                                if m.message_id == listing.message_id and m.edited), None))
    assert "همهٔ بیانیه‌های تازه" not in edited.plain_text
    assert [b.text for b in edited.flat_buttons] == ["🗑 ۱", "🗑 ۲"]
    assert "لغو شد" in (await say(api, "/unsubscribe ۲", user=READER)).plain_text
    assert [s.kind for s in await store_of(app).subscriptions.of_chat(READER.id)] == ["query"]
    # numbers are shown as typed
    assert "«۷»" not in (await say(api, "/unsubscribe 7", user=READER)).plain_text
    assert "لغو شد" in (await say(api, "/unsubscribe", user=READER)).plain_text  # the only one left
    assert (await say(api, "/subscriptions", user=READER)).text == strings.NO_SUBSCRIPTIONS


@pytest.mark.parametrize("query", ["-", '"', "*", "x" * 400, "<>&;"])
async def test_a_subscription_query_with_nothing_to_match_is_explained(
    api: LocalBotApi, app: SokhanApp, query: str
) -> None:
    answer = await say(api, f"/subscribe {query}", user=READER)
    assert "چیزی برای جست‌وجو نیافتم" in answer.plain_text
    assert await store_of(app).subscriptions.of_chat(READER.id) == []


async def test_published_statements_reach_exactly_the_matching_subscribers(
    api: LocalBotApi, app: SokhanApp
) -> None:
    users = {name: LocalUser(200 + i, name) for i, name in enumerate(["همه", "بودجه", "خامسیان", "زلزله"])}
    await say(api, "/subscribe", user=users["همه"])
    await say(api, "/subscribe بودجه عمرانی", user=users["بودجه"])
    await say(api, "/follow خامسیان", user=users["خامسیان"])
    await say(api, "/subscribe دولت", user=users["خامسیان"])
    await say(api, "/subscribe زلزله", user=users["زلزله"])

    text = "اطلاعیه بودجه\n\nمعاون استاندار گفت: بودجه طرح‌های عمرانی استان افزایش یافت."
    published = await say(api, f"/publish {text}", user=ADMIN)
    budget_id = int(re.search(r"#(\d+)", published.plain_text)[1])  # type: ignore[index]
    assert "۲ گفت‌وگو" in published.plain_text
    api.user_sends_document("003.txt", SEED_003.read_bytes(), user=ADMIN, mime_type="text/plain")
    seed_reply = await api.wait_for_reply(ADMIN.id, timeout=10)
    seed_id = int(re.search(r"#(\d+)", seed_reply.plain_text)[1])  # type: ignore[index]

    await delivered(api, {users["همه"].id: [budget_id, seed_id], users["بودجه"].id: [budget_id],
                          users["خامسیان"].id: [seed_id]})
    assert bulletins(api, users["همه"].id) == [budget_id, seed_id]  # in order, each once
    assert bulletins(api, users["بودجه"].id) == [budget_id]
    assert bulletins(api, users["خامسیان"].id) == [seed_id]
    assert bulletins(api, users["زلزله"].id) == []
    (why,) = [m for m in api.sent(users["خامسیان"].id) if m.plain_text.startswith(BULLETIN)]
    # One bulletin naming both subscriptions it answers, the speaker first.
    assert why.plain_text.startswith("🔔 بیانیهٔ تازه · سخنان «خامسیان» · اشتراک «دولت»\n")
    assert "خامسیان:" in why.plain_text
    assert [b.text for b in why.flat_buttons] == [strings.BUTTON_SUMMARY, strings.BUTTON_QUOTES,
                                                  strings.BUTTON_FULL]
    # Publishing the same statement again sends nothing more.
    again = await say(api, f"/publish {text}", user=ADMIN)
    assert again.plain_text == strings.DUPLICATE.format(id=persian_digits(str(budget_id)))


async def test_publishing_by_reply_and_by_forwarding_a_channel_post(api: LocalBotApi, app: SokhanApp) -> None:
    await say(api, "/subscribe", user=READER)
    statement = SEED_000.read_text(encoding="utf-8")
    api.user_sends(statement, user=ADMIN)
    await api.wait_for_reply(ADMIN.id, timeout=10)  # a plain message is a search first
    original = api.last_user_message_id(ADMIN.id)
    api.user_sends("/publish", user=ADMIN, reply_to=original)
    published = await api.wait_for_reply(ADMIN.id, timeout=10)
    assert published.plain_text.startswith("✅")
    channel = LocalChat.channel(-100_900, "روابط عمومی استانداری", username="ostandari_pr")
    api.user_forwards(SEED_003.read_text(encoding="utf-8"), origin_chat=channel, origin_message_id=41,
                      user=ADMIN)
    forwarded = await api.wait_for_reply(ADMIN.id, timeout=10)
    assert forwarded.plain_text.startswith("✅")
    await delivered(api, {READER.id: [1, 2]})
    stored = await store_of(app).get_article(2)
    assert stored is not None
    assert str(stored.origin) == "telegram:ostandari_pr/41"


async def test_only_admins_publish_delete_and_see_figures(api: LocalBotApi, app: SokhanApp) -> None:
    for command in ("/publish متن یک بیانیه‌ی ساختگی است.", "/stats", "/delete 1", "/feed list",
                    "/feed add https://example.org/rss"):
        refusal = await say(api, command, user=READER)
        assert refusal.text in (strings.ADMINS_ONLY, strings.PUBLISH_ADMINS_ONLY), command
    api.user_sends_document("x.txt", SEED_000.read_bytes(), user=READER, mime_type="text/plain")
    assert (await api.wait_for_reply(READER.id, timeout=10)).text == strings.PUBLISH_ADMINS_ONLY
    channel = LocalChat.channel(-100_901, "کانال")
    api.user_forwards("متن بازارسال‌شده برای آزمون است.", origin_chat=channel, origin_message_id=1,
                      user=READER)
    assert (await api.wait_for_reply(READER.id, timeout=10)).text == strings.PUBLISH_ADMINS_ONLY
    assert await store_of(app).count_articles() == 0
    assert await store_of(app).feeds.all() == []


async def test_admins_see_figures_and_delete_with_confirmation(api: LocalBotApi, app: SokhanApp) -> None:
    await say(api, "/subscribe", user=READER)
    await say(api, f"/publish {SEED_000.read_text(encoding='utf-8')}", user=ADMIN)
    await delivered(api, {READER.id: [1]})
    await settled(store_of(app))
    figures = (await say(api, "/stats", user=ADMIN)).plain_text
    assert "بیانیه‌ها: ۱" in figures
    assert "فرستاده ۱" in figures
    assert "گفت‌وگوهای مشترک: ۱" in figures
    kept = await say(api, "/delete 1", user=ADMIN)
    api.user_presses(kept, strings.BUTTON_KEEP, user=ADMIN)
    await api.wait_until(lambda: any(m.edited and "حذف نشد" in (m.plain_text or "")
                                     for m in api.sent(ADMIN.id)))
    assert await store_of(app).get_article(1) is not None  # called off
    confirm = await say(api, "/delete 1", user=ADMIN)
    assert await store_of(app).get_article(1) is not None  # nothing happens before the button
    api.user_presses(confirm, strings.BUTTON_CONFIRM_DELETE, user=ADMIN)
    await api.wait_until(lambda: any(m.edited and "حذف شد" in (m.plain_text or "")
                                     for m in api.sent(ADMIN.id)))
    assert await store_of(app).get_article(1) is None
    assert "پیدا نشد" in (await say(api, "/delete 1", user=ADMIN)).plain_text
    assert "<code>" in (await say(api, "/delete", user=ADMIN)).text


async def test_in_a_group_only_its_admins_change_subscriptions(api: LocalBotApi, app: SokhanApp) -> None:
    api.add_chat(GROUP, [READER, ADMIN])
    api.set_admins(GROUP.id, [ADMIN.id])
    refused = await say(api, "/subscribe", user=READER, chat=GROUP)
    assert refused.text == strings.GROUP_ADMINS_ONLY
    assert strings.SUBSCRIBED_ALL in (await say(api, "/subscribe", user=ADMIN, chat=GROUP)).text
    listing = await say(api, "/subscriptions", user=READER, chat=GROUP)  # anyone may look
    api.user_presses(listing, 0, user=READER)
    answer = await api.wait_until(lambda: next(iter(api.callback_answers), None))
    assert answer.text == strings.GROUP_ADMINS_ONLY
    assert answer.show_alert
    assert len(await store_of(app).subscriptions.of_chat(GROUP.id)) == 1
    assert (await say(api, "/unsubscribe all", user=READER, chat=GROUP)).text == strings.GROUP_ADMINS_ONLY


async def test_a_channel_subscribes_from_a_post(api: LocalBotApi, app: SokhanApp) -> None:
    channel = LocalChat.channel(-100_902, "اخبار استان")
    api.add_chat(channel)
    api.user_posts_in_channel("/subscribe بودجه", chat=channel)
    await api.wait_for_reply(channel.id, timeout=10)
    await say(api, "/publish اطلاعیه\n\nبودجه استان برای سال آینده تصویب شد.", user=ADMIN)
    await delivered(api, {channel.id: [1]})
    (post,) = [m for m in api.sent(channel.id) if m.plain_text.startswith(BULLETIN)]
    # In a channel the buttons open the bot instead of answering in the channel.
    assert [b.value for b in post.flat_buttons] == [f"https://t.me/{api.bot.username}?start=a1"]


async def test_the_configured_channel_gets_every_bulletin(api: LocalBotApi, db: str | Path) -> None:
    channel = LocalChat.channel(-100_903, "سخن استانداری", username="sokhan_news")
    api.add_chat(channel)
    async with polling(make_app(api, db, channel_id="@sokhan_news")) as app:
        await say(api, f"/publish {SEED_003.read_text(encoding='utf-8')}", user=ADMIN)
        await delivered(api, {channel.id: [1]})
        assert [s.kind for s in await store_of(app).subscriptions.of_chat(channel.id)] == ["all"]


async def test_a_blocked_user_is_unsubscribed_and_others_still_get_theirs(
    api: LocalBotApi, db: str | Path
) -> None:
    async with polling(make_app(api, db)) as app:
        await say(api, "/subscribe", user=READER)
        await say(api, "/subscribe", user=ADMIN)
        api.user_blocks_bot(READER.id)
        await api.wait_until(lambda: True)
        await say(api, f"/publish {SEED_000.read_text(encoding='utf-8')}", user=ADMIN)
        await delivered(api, {ADMIN.id: [1]})
        stats = await store_of(app).stats()
        # Telegram's my_chat_member update, or the 403 on sending, marks the chat inactive.
        assert (stats.subscribers, stats.inactive_subscribers) == (1, 1)
        assert bulletins(api, READER.id) == []


async def seeded_subscribers(db: str | Path, api: LocalBotApi, count: int) -> list[LocalUser]:
    users = [LocalUser(1000 + i, f"مشترک {i}") for i in range(count)]
    async with await Store.open(db) as store:
        for user in users:
            api.add_chat(LocalChat.private(user), [user])
            await store.subscriptions.subscribe_all(Chat(user.id, "private"))
    return users


async def publish_direct(db: str | Path, texts: list[str]) -> list[int]:
    """Statements stored the way ``sokhan ingest`` stores them, from outside the bot."""
    from storage.ingest import Ingestor

    ids = []
    async with await Store.open(db) as store:
        for i, text in enumerate(texts):
            result = await Ingestor(store).ingest_text(text, Origin(OriginKind.TEXT, f"direct-{i}"))
            assert result.article_id is not None
            ids.append(result.article_id)
    return ids


async def test_every_subscriber_gets_every_bulletin_once_through_telegrams_failures(
    api: LocalBotApi, db: str | Path
) -> None:
    users = await seeded_subscribers(db, api, 12)
    blocked, flaky, dropped = users[0], users[1], users[2]
    texts = [f"اطلاعیه {i}\n\nمعاون استاندار گفت: طرح شماره {i} تا پایان ماه اجرا می‌شود." for i in range(3)]
    ids = await publish_direct(db, texts)
    api.inject_fault("sendMessage", status=429, retry_after=1, times=2)  # flood control, twice
    api.inject_fault("sendMessage", flaky.id, status=500, times=3)
    api.inject_fault("sendMessage", dropped.id, drop_connection=True, times=1)
    api.inject_fault("sendMessage", blocked.id, status=403, times=-1)  # blocked for good
    # With the production limiter: 429s are waited out, the rest retried by the worker.
    async with polling(make_app(api, db, rate_limit=True)) as app:
        expected = {u.id: ids for u in users if u is not blocked}
        await delivered(api, expected, within=60)
        counts = await settled(store_of(app))
    for user in users[1:]:
        assert bulletins(api, user.id) == ids, user.id
    assert bulletins(api, blocked.id) == []
    assert counts == {"pending": 0, "sent": 33, "failed": 3}


def bot_process(db: str | Path, api: LocalBotApi, cwd: Path, command: str = "run") -> subprocess.Popen[bytes]:
    """``sokhan run`` (or ``sokhan worker``) with a token, on the local server: production, in a
    process we can kill."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOKHAN_", "TELEGRAM_"))}
    where = {"SOKHAN_DATABASE_URL": db} if isinstance(db, str) else {"SOKHAN_DB": str(db)}
    env |= {"PYTHONPATH": str(ROOT), **where, "SOKHAN_LOG_LEVEL": "WARNING",
            "TELEGRAM_BOT_TOKEN": "123:kill-test", "TELEGRAM_API_BASE_URL": api.base_url,
            "SOKHAN_BROADCAST_RATE": "25", "SOKHAN_BROADCAST_LEASE": "10"}
    return subprocess.Popen([sys.executable, "-m", "bot", command], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def test_a_broadcast_killed_midway_resumes_without_repeats(
    api: LocalBotApi, db: str | Path, tmp_path: Path
) -> None:
    users = await seeded_subscribers(db, api, 100)
    (bulletin,) = await publish_direct(db, [SEED_003.read_text(encoding="utf-8")])
    first = bot_process(db, api, tmp_path)
    try:
        await api.wait_until(lambda: api.total_bot_messages() >= 30, timeout=60)
    finally:
        first.kill()  # SIGKILL: no shutdown hook runs
        first.wait(timeout=30)
    assert api.total_bot_messages() < len(users)  # it really was cut short
    second = bot_process(db, api, tmp_path)
    try:
        await api.wait_until(lambda: all(bulletins(api, u.id) for u in users), timeout=60)
    finally:
        second.terminate()
        second.wait(timeout=30)
    received = Counter(len(bulletins(api, u.id)) for u in users)
    # Everyone has it (what the killed process had claimed, once its lease ran out); only a
    # message in flight at the kill (at most one per busy chat, 16 chats at a time) may have
    # gone out twice.
    assert set(received) <= {1, 2}
    assert received[2] <= 16
    assert all(set(bulletins(api, u.id)) == {bulletin} for u in users)
    async with await Store.open(db) as store:
        assert await store.deliveries.counts() == {"pending": 0, "sent": len(users), "failed": 0}


async def test_the_bot_and_a_worker_share_a_broadcast_and_its_rate(api: LocalBotApi, db: str | Path,
                                                                     tmp_path: Path) -> None:
    users = await seeded_subscribers(db, api, 60)
    worker = bot_process(db, api, tmp_path, "worker")
    try:
        async with polling(make_app(api, db, rate_limit=True, broadcast_rate=25)) as app:
            await publish_direct(db, [SEED_003.read_text(encoding="utf-8")])
            await api.wait_until(lambda: all(bulletins(api, u.id) for u in users), timeout=60)
            assert app.bot_data.broadcaster is not None
            by_bot = app.bot_data.broadcaster.delivered
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert worker.returncode == 0
    assert Counter(len(bulletins(api, u.id)) for u in users) == {1: len(users)}
    assert 0 < by_bot < len(users)  # both sent, and none twice


def rss(*items: tuple[str, str, str]) -> bytes:
    """An RSS 2.0 document of (guid, title, HTML description) items, newest first."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://pr.example/{guid}</link>"
        f"<pubDate>Wed, 10 Dec 2025 08:00:00 GMT</pubDate>"
        f"<description><![CDATA[{text}]]></description></item>"
        for guid, title, text in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>روابط عمومی'
            f" استانداری</title>{body}</channel></rss>").encode()


OLD = ("old-1", "نشست شورای اداری استان", "<p>استاندار گفت: نشست شورای اداری برگزار شد.</p>")
NEW = ("new-1", "بودجه عمرانی افزایش یافت", "<p>معاون استاندار گفت: بودجه عمرانی استان افزایش یافت.</p>")


async def test_feeds_archive_their_backlog_then_publish_each_new_entry_once(
    api: LocalBotApi, db: str | Path
) -> None:
    with FeedServer() as server:
        server.set("/rss", rss(OLD), etag='"v1"')
        # A zero interval makes the feed due at every poll the test asks for.
        async with polling(make_app(api, db, feed_interval=0.0, feeds_from=server)) as app:
            store, poller = store_of(app), app.bot_data.feeds
            assert poller is not None
            await say(api, "/subscribe", user=READER)
            added = await say(api, f"/feed add {server.url('/rss')}", user=ADMIN)
            assert "خوراک #۱ افزوده شد" in added.plain_text
            await api.wait_until(lambda: server.requests, timeout=10)
            await poller.poll_due()
            assert await store.count_articles() == 1  # archived, not broadcast
            assert await store.deliveries.counts() == {"pending": 0, "sent": 0, "failed": 0}

            server.set("/rss", rss(NEW, OLD), etag='"v2"')
            await poller.poll_due()
            await poller.poll_due()  # unchanged now: a 304, nothing stored twice
            await delivered(api, {READER.id: [2]})
            assert await store.count_articles() == 2
            assert any(r.if_none_match == '"v2"' and r.status == 304 for r in server.requests)
            stored = await store.get_article(2)
            assert stored is not None
            assert stored.article.title == "بودجه عمرانی افزایش یافت"
            assert str(stored.origin) == "url:https://pr.example/new-1"

            server.set("/rss", b"<rss><channel><item><title>\x00 broken", etag='"v3"')
            await poller.poll_due()
            report = await api.wait_until(lambda: next(
                (m for m in api.sent(ADMIN.id) if "خوانده نشد" in (m.plain_text or "")), None), timeout=10)
            assert server.url("/rss") in report.plain_text
            assert "⚠️" in (await say(api, "/feed list", user=ADMIN)).plain_text
            server.set("/rss", rss(NEW, OLD), etag='"v4"')
            await poller.poll_due()
            await api.wait_until(lambda: any("دوباره خوانده شد" in (m.plain_text or "")
                                             for m in api.sent(ADMIN.id)), timeout=10)
            assert "حذف شد" in (await say(api, "/feed remove 1", user=ADMIN)).plain_text
            assert await store.feeds.all() == []
            assert bulletins(api, READER.id) == [2]


async def test_a_broken_feed_never_holds_up_the_others(api: LocalBotApi, db: str | Path) -> None:
    with FeedServer() as server:
        server.set("/slow", rss(OLD), delay=30)  # answers after the client's 20 s timeout… or never
        server.set("/good", rss(NEW), etag='"g"')
        async with polling(make_app(api, db, feed_interval=0.0, feeds_from=server,
                                    feeds=(server.url("/slow"), server.url("/good")))) as app:
            store = store_of(app)
            await api.wait_until(lambda: any(r.path == "/good" for r in server.requests), timeout=10)
            await eventually(store.count_articles, within=10)
            (article,) = await store.latest_articles()
            assert article.article.title == "بودجه عمرانی افزایش یافت"


async def test_a_group_upgraded_mid_broadcast_gets_its_bulletin_at_the_new_id(
    api: LocalBotApi, db: str | Path
) -> None:
    async with polling(make_app(api, db)) as app:
        group = LocalChat.group(-778, "خبرنگاران", supergroup=False)
        api.add_chat(group, [ADMIN])
        api.set_admins(group.id, [ADMIN.id])
        await say(api, "/subscribe", user=ADMIN, chat=group)
        supergroup = api.migrate_group(group.id, -100_778)
        await say(api, f"/publish {SEED_000.read_text(encoding='utf-8')}", user=ADMIN)
        await delivered(api, {supergroup.id: [1]})
        held = await store_of(app).subscriptions.of_chat(supergroup.id)
        assert [s.chat_id for s in held] == [supergroup.id]


async def test_an_admin_file_must_be_text_or_word(api: LocalBotApi, app: SokhanApp) -> None:
    api.user_sends_document("statement.pdf", b"%PDF-1.7 ...", user=ADMIN, mime_type="application/pdf")
    refused = (await api.wait_for_reply(ADMIN.id, timeout=10)).text
    assert "<code>.txt</code>" in refused
    assert "<code>.docx</code> (تا ۲۰ مگابایت)" in refused
    api.user_sends_document("old.doc", OLE_MAGIC + b"\0" * 512, user=ADMIN, mime_type="application/msword")
    assert "<code>.docx</code> ذخیره کنید" in (await api.wait_for_reply(ADMIN.id, timeout=10)).text
    api.user_sends_document("empty.txt", b"\x00\x01\x02" * 10, user=ADMIN, mime_type="text/plain")
    assert (await api.wait_for_reply(ADMIN.id, timeout=10)).text.startswith("این متن را نپذیرفتم")
    assert await store_of(app).count_articles() == 0


async def test_an_admin_publishes_a_word_statement(api: LocalBotApi, app: SokhanApp) -> None:
    await say(api, "/subscribe", user=READER)
    word = docx_bytes(*SEED_003.read_text(encoding="utf-8").splitlines())
    api.user_sends_document("بیانیه.docx", word, user=ADMIN,
                            mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    published = await api.wait_for_reply(ADMIN.id, timeout=10)
    article_id = int(re.search(r"#(\d+)", published.plain_text)[1])  # type: ignore[index]
    await delivered(api, {READER.id: [article_id]})
    stored = await store_of(app).get_article(article_id)
    assert stored is not None
    assert stored.article.speakers[0].name == "علیرضا خامسیان"


async def test_replies_go_before_bulletins(api: LocalBotApi, db: str | Path) -> None:
    """A broadcast held to 5 messages a second, and a question asked in the middle of it:
    the answer does not wait for the bulletins still to go."""
    readers = [LocalUser(30_000 + i, f"خواننده {i}") for i in range(40)]
    async with polling(make_app(api, db, rate_limit=True, broadcast_rate=5)) as app:
        store = store_of(app)
        for reader in readers:
            api.add_chat(LocalChat.private(reader), [reader])
            await store.subscriptions.subscribe_all(Chat(reader.id, "private"))
        await say(api, f"/publish {SEED_000.read_text(encoding='utf-8')}", user=ADMIN)
        def bulletins_sent() -> int:
            return sum(len(api.sent(r.id)) for r in readers)

        await api.wait_until(lambda: bulletins_sent() >= 5, timeout=20)
        before = bulletins_sent()
        answer = await say(api, "/find خامسیان", user=READER)
        assert answer.plain_text
        # Only the bulletins whose send slots were handed out already (a quarter of a second's
        # worth) went before the answer; slots given for a whole batch at once would put it
        # behind sixteen of them.
        assert bulletins_sent() - before <= int(HORIZON * 5) + 2
        await delivered(api, {r.id: [1] for r in readers}, within=30)


async def test_a_statement_published_here_is_dated_today_and_signed_by_the_office(
    api: LocalBotApi, db: str | Path
) -> None:
    async with polling(make_app(api, db, source="روابط عمومی استانداری قم")) as app:
        await say(api, "/publish نشست شورای اداری استان برگزار شد و استاندار گفت: کارها پیش می‌رود.",
                  user=ADMIN)
        (stored,) = await store_of(app).latest_articles()
        assert stored.article.source == "روابط عمومی استانداری قم"
        assert stored.article.date == today_in_tehran()


PHOTO = b"\xff\xd8\xff\xe0 a photo of the press conference"
PHOTO_CAPTION = (
    "دیدار استاندار با کشاورزان\n\n"
    "استاندار در دیدار با کشاورزان شهرستان گفت: آب کشاورزی امسال به موقع تحویل داده می‌شود."
)


async def test_a_photo_post_is_a_statement_whose_bulletins_carry_the_photo(
    api: LocalBotApi, app: SokhanApp
) -> None:
    await say(api, "/subscribe", user=READER)
    api.user_sends_photo(PHOTO, caption=PHOTO_CAPTION, user=ADMIN)
    published = await api.wait_for_reply(ADMIN.id, timeout=10)
    article_id = int(re.search(r"#(\d+)", published.plain_text)[1])  # type: ignore[index]
    sent_photo = api.history(ADMIN.id)[-2].photo
    assert sent_photo is not None
    bulletin = await api.wait_until(lambda: next((m for m in api.sent(READER.id) if m.photo), None))
    assert bulletin.photo == sent_photo  # the same photo, by its file_id: nothing uploaded again
    assert (bulletin.plain_text or "").startswith(BULLETIN)
    assert "آب کشاورزی امسال به موقع تحویل" in (bulletin.plain_text or "")
    assert (bulletin.plain_text or "").endswith(f"#{persian_digits(str(article_id))}")
    assert [b.text for b in bulletin.flat_buttons] == [strings.BUTTON_SUMMARY, strings.BUTTON_QUOTES,
                                                       strings.BUTTON_FULL]
    stored = await store_of(app).get_article(article_id)
    assert stored is not None
    assert stored.photo == sent_photo


async def test_photos_without_a_caption_or_from_others_publish_nothing(
    api: LocalBotApi, app: SokhanApp
) -> None:
    api.user_sends_photo(PHOTO, user=ADMIN)
    assert (await api.wait_for_reply(ADMIN.id, timeout=10)).text == strings.PHOTO_NEEDS_CAPTION
    api.user_sends_photo(PHOTO, caption=PHOTO_CAPTION, user=READER)
    assert (await api.wait_for_reply(READER.id, timeout=10)).text == strings.PUBLISH_ADMINS_ONLY
    assert await store_of(app).count_articles() == 0


async def test_a_forwarded_photo_post_is_published_with_its_photo(api: LocalBotApi, app: SokhanApp) -> None:
    await say(api, "/subscribe", user=READER)
    channel = LocalChat.channel(-100_902, "روابط عمومی استانداری", username="ostandari_pr")
    api.user_forwards(PHOTO_CAPTION, origin_chat=channel, origin_message_id=77, user=ADMIN, photo=PHOTO)
    published = await api.wait_for_reply(ADMIN.id, timeout=10)
    first = int(re.search(r"#(\d+)", published.plain_text)[1])  # type: ignore[index]
    stored = await store_of(app).get_article(first)
    assert stored is not None
    assert (str(stored.origin), stored.photo is not None) == ("telegram:ostandari_pr/77", True)
    await delivered(api, {READER.id: [first]})
    (bulletin,) = [m for m in api.sent(READER.id) if (m.plain_text or "").startswith(BULLETIN)]
    assert bulletin.photo is not None


async def test_a_long_photo_caption_is_cut_to_fit(api: LocalBotApi, app: SokhanApp) -> None:
    await say(api, "/subscribe استاندار", user=READER)
    await say(api, "/subscribe کشاورزان", user=READER)
    # One sentence of 1,100 characters.
    works = "، ".join(f"طرح آبرسانی روستای شماره {i} با اعتبار {i} میلیارد ریال" for i in range(1, 23))
    sentence = f"استاندار در دیدار با کشاورزان گفت: {works} به پایان رسید."
    api.user_sends_photo(PHOTO, caption="دیدار استاندار\n\n" + sentence, user=ADMIN)
    published = await api.wait_for_reply(ADMIN.id, timeout=10)
    article_id = int(re.search(r"#(\d+)", published.plain_text)[1])  # type: ignore[index]
    bulletin = await api.wait_until(lambda: next((m for m in api.sent(READER.id) if m.photo), None))
    caption = bulletin.plain_text or ""
    assert len(caption) <= MAX_CAPTION_LENGTH
    assert caption.startswith(f"{BULLETIN} · اشتراک «استاندار»، «کشاورزان»\n")
    assert caption.endswith(f"#{persian_digits(str(article_id))}")


async def test_a_photo_telegram_no_longer_sends_goes_as_text(api: LocalBotApi, app: SokhanApp) -> None:
    await say(api, "/subscribe", user=READER)
    store = store_of(app)
    assert app.bot_data.ingestor is not None
    assert app.bot_data.broadcaster is not None
    article = await app.bot_data.ingestor.analyze(PHOTO_CAPTION)
    result = await store.add_article(article, Origin(OriginKind.TELEGRAM, "x/1"), photo="AgACAgGone")
    app.bot_data.broadcaster.wake()
    await delivered(api, {READER.id: [result.article_id or 0]})
    (bulletin,) = [m for m in api.sent(READER.id) if (m.plain_text or "").startswith(BULLETIN)]
    assert bulletin.photo is None
    assert "آب کشاورزی" in (bulletin.plain_text or "")
