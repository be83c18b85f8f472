"""Subscription commands: /subscribe, /follow, /subscriptions, /unsubscribe.

They work in private chats, groups and channels (a command posted in a channel
comes from one of its admins). In a group only its administrators may change
what the group receives. Callback data: ``u:ID`` removes subscription ID,
``w:KEY`` follows the speaker a /follow had to ask about.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ParseMode

from bot import strings
from bot.context import SokhanContext, argument, may_manage_chat, reply
from bot.render import escape
from bot.views import NO_PREVIEW
from storage.models import Chat, SubscribeResult, SubscribeStatus, Subscription, SubscriptionKind
from storage.outbox import MAX_SUBSCRIPTIONS
from storage.search import MAX_QUERY_CHARS
from storage.text import latin_digits, persian_digits

log = logging.getLogger(__name__)


def _chat(update: Update) -> Chat | None:
    chat = update.effective_chat
    return Chat(chat.id, chat.type, chat.title or chat.full_name) if chat else None


async def _allowed(update: Update, context: SokhanContext) -> Chat | None:
    """The chat, if the sender may change its subscriptions; otherwise say why not."""
    chat = _chat(update)
    if chat is None:
        return None
    if not await may_manage_chat(update, context):
        await reply(update, strings.GROUP_ADMINS_ONLY)
        return None
    return chat


async def _answer(update: Update, result: SubscribeResult, added: str) -> None:
    if result.status is SubscribeStatus.LIMIT:
        limit = persian_digits(str(MAX_SUBSCRIPTIONS))
        await reply(update, strings.TOO_MANY_SUBSCRIPTIONS.format(limit=limit))
    elif result.status is SubscribeStatus.EXISTS:
        await reply(update, strings.ALREADY_SUBSCRIBED)
    else:
        await reply(update, added)


async def subscribe(update: Update, context: SokhanContext) -> None:
    """``/subscribe`` every new bulletin, ``/subscribe WORDS`` the ones a search would find."""
    if (chat := await _allowed(update, context)) is None:
        return
    words = argument(context)
    if not words:
        await _answer(update, await context.store.outbox.subscribe_all(chat), strings.SUBSCRIBED_ALL)
        return
    result = await context.store.outbox.subscribe_query(chat, words)
    if result is None:
        await reply(update, strings.SUBSCRIBE_NOTHING.format(limit=persian_digits(str(MAX_QUERY_CHARS))))
        return
    label = result.subscription.label if result.subscription else words
    await _answer(update, result, strings.SUBSCRIBED_QUERY.format(query=escape(label)))


async def follow(update: Update, context: SokhanContext) -> None:
    """``/follow NAME``: bulletins in which that speaker speaks."""
    name = argument(context)[:MAX_QUERY_CHARS]
    if not name:
        await reply(update, strings.USAGE_FOLLOW)
        return
    if (chat := await _allowed(update, context)) is None:
        return
    found = await context.store.find_speakers(name)
    if len(found) > 1:  # follow one person, not everyone a word of the name fits
        rows = [[InlineKeyboardButton(s.name, callback_data=f"w:{context.bot_data.remember(s.name)}")]
                for s in found[:10]]
        await reply(update, strings.PICK_FOLLOW.format(name=escape(name)), InlineKeyboardMarkup(rows))
        return
    # Someone not quoted yet can be followed too: the name is matched as bulletins arrive.
    await _follow(update, context, chat, found[0].name if found else name, known=bool(found))


async def _follow(update: Update, context: SokhanContext, chat: Chat, name: str, *, known: bool) -> None:
    result = await context.store.outbox.follow(chat, name)
    if result is None:
        await reply(update, strings.USAGE_FOLLOW)
        return
    added = strings.SUBSCRIBED_SPEAKER.format(name=escape(name))
    if not known:
        added += "\n" + strings.SPEAKER_NOT_SEEN.format(name=escape(name))
    await _answer(update, result, added)


def _describe(subscription: Subscription) -> str:
    if subscription.kind is SubscriptionKind.QUERY:
        return strings.SUBSCRIPTION_QUERY.format(query=escape(subscription.label))
    if subscription.kind is SubscriptionKind.SPEAKER:
        return strings.SUBSCRIPTION_SPEAKER.format(name=escape(subscription.label))
    return strings.SUBSCRIPTION_ALL


async def _listing(context: SokhanContext, chat_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    items = await context.store.outbox.subscriptions(chat_id)
    if not items:
        return strings.NO_SUBSCRIPTIONS, None
    lines = [strings.SUBSCRIPTIONS_HEADER, ""]
    lines += [f"{persian_digits(str(i))}. {_describe(s)}" for i, s in enumerate(items, 1)]
    lines += ["", strings.SUBSCRIPTIONS_FOOTER]
    buttons = [InlineKeyboardButton(strings.BUTTON_REMOVE.format(number=persian_digits(str(i))),
                                    callback_data=f"u:{s.id}") for i, s in enumerate(items, 1)]
    rows = [buttons[i:i + 5] for i in range(0, len(buttons), 5)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def subscriptions(update: Update, context: SokhanContext) -> None:
    """The chat's subscriptions, each with a 🗑 button."""
    if (chat := _chat(update)) is not None:
        await reply(update, *await _listing(context, chat.id))


async def unsubscribe(update: Update, context: SokhanContext) -> None:
    """``/unsubscribe N`` one subscription, ``all`` every one; bare, the only one or the list."""
    if (chat := await _allowed(update, context)) is None:
        return
    text = latin_digits(argument(context)).strip()
    outbox = context.store.outbox
    if text.lower() in {"all", "همه"}:
        count = await outbox.unsubscribe_all(chat.id)
        await reply(update, strings.UNSUBSCRIBED_ALL.format(count=persian_digits(str(count))))
        return
    items = await outbox.subscriptions(chat.id)
    if not text and len(items) != 1:
        await reply(update, *await _listing(context, chat.id))
        return
    number = int(text) if text.isdigit() and len(text) < 6 else (1 if not text else 0)
    if not 1 <= number <= len(items):
        await reply(update, strings.NOT_A_SUBSCRIPTION.format(text=escape(text[:20])))
        return
    removed = await outbox.unsubscribe(chat.id, items[number - 1].id)
    if removed is not None:
        await reply(update, strings.UNSUBSCRIBED.format(what=_describe(removed)))


async def button(update: Update, context: SokhanContext) -> None:
    """🗑 under /subscriptions, and picking whom to /follow."""
    query = update.callback_query
    if query is None or not query.data:
        return
    chat = _chat(update)
    if chat is None or not await may_manage_chat(update, context):
        await query.answer(strings.GROUP_ADMINS_ONLY, show_alert=True)
        return
    kind, _, rest = query.data.partition(":")
    if kind == "w":
        await query.answer()
        name = context.bot_data.queries.get(rest)
        if name is None:
            await reply(update, strings.SEARCH_EXPIRED)
            return
        await _follow(update, context, chat, name, known=True)
        return
    removed = await context.store.outbox.unsubscribe(chat.id, int(rest)) if rest.isdigit() else None
    # A callback answer is plain text, not HTML.
    done = html.unescape(strings.UNSUBSCRIBED.format(what=_describe(removed))) if removed else None
    await query.answer(done)
    body, markup = await _listing(context, chat.id)  # the list, updated in place
    await query.edit_message_text(body, parse_mode=ParseMode.HTML, reply_markup=markup,
                                  link_preview_options=NO_PREVIEW)


async def membership(update: Update, context: SokhanContext) -> None:
    """The bot was blocked, kicked or let back in: stop or resume deliveries to that chat."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    gone = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    reason = f"bot {status} by the user" if gone else None
    if await context.store.outbox.set_active(change.chat.id, not gone, reason):
        log.info("chat %d: bot is now %s", change.chat.id, status)
