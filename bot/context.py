"""What every handler shares: the application's data, the typed context, small helpers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import CallbackContext, ExtBot

from bot.views import NO_PREVIEW
from storage.store import Store

if TYPE_CHECKING:
    from bot.broadcast import Broadcaster
    from bot.feeds import FeedPoller


@dataclass
class BotData:
    """What the application shares between updates: the store and recent queries."""

    store: Store | None = None
    broadcaster: Broadcaster | None = None
    feeds: FeedPoller | None = None
    # Telegram user ids allowed to publish, delete and manage feeds (SOKHAN_ADMIN_IDS).
    admin_ids: frozenset[int] = frozenset()
    # Queries behind paging buttons, by short key: callback data holds 64 bytes, a Persian
    # query easily more. The oldest are forgotten; their buttons then say so politely.
    queries: OrderedDict[str, str] = field(default_factory=OrderedDict)
    keys: dict[str, str] = field(default_factory=dict)
    max_queries: int = 10_000
    _counter: int = 0

    def remember(self, text: str) -> str:
        """A short key for a query, for callback data."""
        key = self.keys.get(text)
        if key is None:
            self._counter += 1
            key = format(self._counter, "x")
            self.keys[text] = key
            self.queries[key] = text
            if len(self.queries) > self.max_queries:
                _, forgotten = self.queries.popitem(last=False)
                self.keys.pop(forgotten, None)
        self.queries.move_to_end(key)
        return key


class SokhanContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The handlers' context: ``context.store`` instead of bare ``bot_data`` lookups."""

    @property
    def store(self) -> Store:
        store = self.bot_data.store
        if store is None:
            raise RuntimeError("the store is opened in post_init; it is not open yet")
        return store


Handler = Callable[[Update, SokhanContext], Coroutine[Any, Any, None]]


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_html(text, reply_markup=markup, link_preview_options=NO_PREVIEW)


def argument(context: SokhanContext) -> str:
    return " ".join(context.args or []).strip()


def article_id_from(text: str) -> int | None:
    text = text.strip().lstrip("#").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))
    return int(text) if text.isdigit() and len(text) < 12 else None


def is_admin(update: Update, context: SokhanContext) -> bool:
    """One of Sokhan's administrators (SOKHAN_ADMIN_IDS), whatever the chat."""
    user = update.effective_user
    return user is not None and user.id in context.bot_data.admin_ids


async def may_manage_chat(update: Update, context: SokhanContext) -> bool:
    """Whoever may change what a chat subscribes to: in a group only its administrators
    (an anonymous one posts as the group itself); in a channel whoever can post there."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def wake_broadcaster(context: SokhanContext) -> None:
    """New deliveries were queued: tell the broadcast worker now."""
    if context.bot_data.broadcaster is not None:
        context.bot_data.broadcaster.wake()
