"""Buttons end to end: they keep their meaning across a restart, work only in the chat they
were sent to, and cannot be forged; buttons that change a chat take the right to change it."""

from __future__ import annotations

from pathlib import Path

from bot import strings
from bot.app import polling
from bot.callbacks import Action
from bot.local import DEFAULT_USER, LocalBotApi, LocalChat, LocalUser, SentMessage
from tests.conftest import local_app, say

ALICE = DEFAULT_USER
BOB = LocalUser(200, "بهرام")
NEXT = strings.BUTTON_NEXT


async def press(api: LocalBotApi, message: SentMessage, button: str | int, *, user: LocalUser,
                data: str | None = None) -> str | None:
    """Press a button as ``user``; the answer's text (an alert or notice), once it comes."""
    query_id = str(api.user_presses(message, button, user=user, data=data))
    answer = await api.wait_until(
        lambda: next((a for a in api.callback_answers if a.callback_query_id == query_id), None), timeout=10)
    return answer.text


def _current(api: LocalBotApi, message: SentMessage) -> SentMessage:
    return next(m for m in api.sent(message.chat_id) if m.message_id == message.message_id)


async def test_a_page_button_keeps_its_search_across_a_restart(api: LocalBotApi, archive: Path) -> None:
    api.add_chat(LocalChat.private(BOB), [BOB])
    async with polling(local_app(api, archive)):
        first = await say(api, "/find اطلاع رسانی", user=ALICE)
        assert "صفحهٔ ۱" in (first.plain_text or "")
    async with polling(local_app(api, archive)):  # a new process: nothing kept in memory
        other = await say(api, "/find خامسیان", user=BOB)
        assert "خامسیان" in (other.plain_text or "")
        assert await press(api, first, NEXT, user=ALICE) is None
        page = await api.wait_until(lambda: (m := _current(api, first)).edited and m, timeout=10)
        assert "نتیجه‌های «اطلاع رسانی» — ۹ بیانیه، صفحهٔ ۲" in (page.plain_text or "")


async def test_a_button_from_another_chat_or_forged_does_nothing(api: LocalBotApi, archive: Path) -> None:
    api.add_chat(LocalChat.private(BOB), [BOB])
    async with polling(local_app(api, archive)) as app:
        alice_page = await say(api, "/find اطلاع رسانی", user=ALICE)
        bob_page = await say(api, "/find اطلاع رسانی", user=BOB)
        copied = next(b.value for b in alice_page.flat_buttons if b.text == NEXT)
        codec = app.bot_data.codec
        assert codec is not None
        forged = [
            copied,  # Alice's ▶️, replayed in Bob's chat
            "f:1:2",  # the old, unsigned form, enumerated
            "a:1:1:" + "A" * 11,  # a signature made up
            codec.encode(ALICE.id, Action.DELETE, 1),  # signed, but for another chat
            copied.rsplit(":", 1)[0] + ":" + copied.rsplit(":", 1)[1][::-1],  # a signature altered
            "",
            "x" * 64,
        ]
        for data in forged:
            assert await press(api, bob_page, NEXT, user=BOB, data=data) == strings.BUTTON_EXPIRED
        assert not _current(api, bob_page).edited
        assert len(api.sent(BOB.id)) == 1  # nothing was opened, nothing deleted
        assert app.bot_data.store is not None
        assert await app.bot_data.store.count_articles() == 9


async def test_a_forgotten_key_makes_a_polite_stale_button(api: LocalBotApi, archive: Path) -> None:
    async with polling(local_app(api, archive)) as app:
        page = await say(api, "/find اطلاع رسانی", user=ALICE)
        assert app.bot_data.store is not None
        assert await app.bot_data.store.keys.forget_old(days=0) >= 1
        assert await press(api, page, NEXT, user=ALICE) == strings.BUTTON_EXPIRED
        assert not _current(api, page).edited


async def test_removing_a_groups_subscription_takes_a_group_admin(api: LocalBotApi, archive: Path) -> None:
    group = LocalChat.group(-100_901, "خبرنگاران")
    api.add_chat(group, [ALICE, BOB])
    api.set_admins(group.id, [ALICE.id])
    async with polling(local_app(api, archive)) as app:
        await say(api, "/subscribe بودجه", user=ALICE, chat=group)
        listing = await say(api, "/subscriptions", user=BOB, chat=group)  # anyone may look
        assert await press(api, listing, 0, user=BOB) == strings.GROUP_ADMINS_ONLY
        assert app.bot_data.store is not None
        assert len(await app.bot_data.store.subscriptions.of_chat(group.id)) == 1
        assert await press(api, listing, 0, user=ALICE) is not None  # the notice that it is gone
        assert await app.bot_data.store.subscriptions.of_chat(group.id) == []


async def test_a_channel_reader_cannot_remove_the_channels_subscription(
    api: LocalBotApi, archive: Path
) -> None:
    channel = LocalChat.channel(-100_902, "کانال خبر", username="khabar")
    api.add_chat(channel, [ALICE, BOB])
    api.set_admins(channel.id, [ALICE.id])
    async with polling(local_app(api, archive)) as app:
        api.user_posts_in_channel("/subscribe", chat=channel)
        await api.wait_for_reply(channel.id, timeout=10)
        api.user_posts_in_channel("/subscriptions", chat=channel)
        listing = await api.wait_for_reply(channel.id, timeout=10)
        assert await press(api, listing, 0, user=BOB) == strings.GROUP_ADMINS_ONLY
        assert app.bot_data.store is not None
        assert len(await app.bot_data.store.subscriptions.of_chat(channel.id)) == 1


async def test_what_a_chat_typed_is_kept_bounded(api: LocalBotApi, archive: Path) -> None:
    async with polling(local_app(api, archive)) as app:
        followed = await say(api, "/follow " + "ن" * 10_000, user=ALICE)
        assert followed.plain_text
        listing = await say(api, "/subscriptions", user=ALICE)  # still fits in a message
        assert len(listing.plain_text or "") < 1000
        assert app.bot_data.store is not None
        (subscription,) = await app.bot_data.store.subscriptions.of_chat(ALICE.id)
        assert len(subscription.label) <= 256
