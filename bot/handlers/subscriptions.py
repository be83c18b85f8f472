"""Subscription commands: /subscribe, /follow, /subscriptions, /unsubscribe, their buttons,
and the bot's own membership (blocked, removed, let back in).

They work in private chats, groups and channels (a command posted in a channel comes
from one of its admins). Changing what a chat receives takes the right to manage it
(``guards.chat_managers``), by command and by button alike.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus

from bot import strings
from bot.callbacks import Action, Callback
from bot.context import Rewrite, SokhanContext, argument, chat_id_of, reply
from bot.guards import chat_managers
from bot.handlers.quotes import choices
from bot.render import escape, plain_text
from bot.views.common import View, digits
from bot.views.quotes import pick_speaker_view
from bot.views.subscriptions import describe, listing_view, subscribed_text
from storage.db.subscriptions import MAX_LABEL_CHARS
from storage.models import Chat
from storage.search import MAX_QUERY_CHARS
from storage.text.numbers import parse_count

log = logging.getLogger(__name__)


def _chat(update: Update) -> Chat | None:
    chat = update.effective_chat
    return Chat(chat.id, chat.type, chat.title or chat.full_name) if chat else None


@chat_managers
async def subscribe(update: Update, context: SokhanContext) -> None:
    """``/subscribe`` every new bulletin, ``/subscribe WORDS`` the ones a search would find."""
    if (chat := _chat(update)) is None:
        return
    words = argument(context)
    subscriptions = context.store.subscriptions
    if not words:
        await reply(update, subscribed_text(await subscriptions.subscribe_all(chat), strings.SUBSCRIBED_ALL))
        return
    result = await subscriptions.subscribe_query(chat, words)
    if result is None:
        await reply(update, strings.SUBSCRIBE_NOTHING.format(limit=digits(MAX_QUERY_CHARS)))
        return
    label = result.subscription.label if result.subscription else words
    await reply(update, subscribed_text(result, strings.SUBSCRIBED_QUERY.format(query=escape(label))))


async def follow(update: Update, context: SokhanContext) -> None:
    """``/follow NAME``: bulletins in which that speaker speaks."""
    name = argument(context)[:MAX_LABEL_CHARS]
    if not name:
        await reply(update, strings.USAGE_FOLLOW)
        return
    await _follow_named(update, context, name)


@chat_managers
async def _follow_named(update: Update, context: SokhanContext, name: str) -> None:
    if (chat := _chat(update)) is None:
        return
    found = await context.store.find_speakers(name)
    if len(found) > 1:  # follow one person, not everyone a word of the name fits
        people = await choices(update, context, found)
        await reply(update, pick_speaker_view(strings.PICK_FOLLOW, name, people, Action.FOLLOW,
                                              context.buttons(chat.id)))
        return
    # Someone not quoted yet can be followed too: the name is matched as bulletins arrive.
    await _follow(update, context, chat, found[0].name if found else name, known=bool(found))


async def _follow(update: Update, context: SokhanContext, chat: Chat, name: str, *, known: bool) -> None:
    await reply(update, await _followed(context, chat, name, known=known))


async def _followed(context: SokhanContext, chat: Chat, name: str, *, known: bool) -> str:
    result = await context.store.subscriptions.follow(chat, name)
    if result is None:
        return strings.USAGE_FOLLOW
    added = strings.SUBSCRIBED_SPEAKER.format(name=escape(name))
    if not known:
        added += "\n" + strings.SPEAKER_NOT_SEEN.format(name=escape(name))
    return subscribed_text(result, added)


async def listing(update: Update, context: SokhanContext) -> View:
    chat_id = chat_id_of(update)
    return listing_view(await context.store.subscriptions.of_chat(chat_id), context.buttons(chat_id))


async def subscriptions(update: Update, context: SokhanContext) -> None:
    """The chat's subscriptions, each with a 🗑 button."""
    await reply(update, await listing(update, context))


@chat_managers
async def unsubscribe(update: Update, context: SokhanContext) -> None:
    """``/unsubscribe N`` one subscription, ``all`` every one; bare, the only one or the list."""
    chat_id = chat_id_of(update)
    text = argument(context)
    store = context.store.subscriptions
    if text.lower() in {"all", "همه"}:
        count = await store.unsubscribe_all(chat_id)
        await reply(update, strings.UNSUBSCRIBED_ALL.format(count=digits(count)))
        return
    items = await store.of_chat(chat_id)
    if not text and len(items) != 1:
        await reply(update, await listing(update, context))
        return
    number = parse_count(text, high=len(items)) if text else 1
    if number is None or not items:
        await reply(update, strings.NOT_A_SUBSCRIPTION.format(text=escape(text[:20])))
        return
    removed = await store.unsubscribe(chat_id, items[number - 1].id)
    if removed is not None:
        await reply(update, strings.UNSUBSCRIBED.format(what=describe(removed)))


# -- buttons ------------------------------------------------------------------------


@chat_managers
async def follow_button(update: Update, context: SokhanContext, callback: Callback,
                        name: str) -> Rewrite | None:
    """Picking whom to follow, among the people a /follow name fits: the outcome in place."""
    if (chat := _chat(update)) is None:
        return None
    return Rewrite((await _followed(context, chat, name, known=True), None))


@chat_managers
async def remove_button(update: Update, context: SokhanContext, callback: Callback) -> Rewrite:
    """🗑 under /subscriptions: remove that one, then show the list updated in place."""
    removed = None
    if callback.number is not None:
        removed = await context.store.subscriptions.unsubscribe(chat_id_of(update), callback.number)
    # A callback answer is plain text, not HTML.
    notice = plain_text(strings.UNSUBSCRIBED.format(what=describe(removed))) if removed else None
    return Rewrite(await listing(update, context), notice)


async def membership(update: Update, context: SokhanContext) -> None:
    """The bot was blocked, kicked or let back in: stop or resume deliveries to that chat."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    gone = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    reason = f"bot {status} by the user" if gone else None
    if await context.store.subscriptions.set_active(change.chat.id, not gone, reason):
        log.info("chat %d: bot is now %s", change.chat.id, status)
