"""What every handler shares: the application's data, the typed context, and replying.

Handlers reach the store, the ingestor and the button codec as ``context.store`` and the
like, never through bare ``bot_data`` lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Message, Update
from telegram.ext import CallbackContext, ExtBot

from bot import strings
from bot.callbacks import Buttons, CallbackCodec
from bot.platform import TELEGRAM, Platform
from bot.views.common import View
from storage.db.store import Store
from storage.ingest import Ingestor

if TYPE_CHECKING:
    from bot.broadcast import Broadcaster
    from bot.feeds import FeedPoller

@dataclass(frozen=True, slots=True)
class Rewrite:
    """What a pressed button puts in its own message, and the notice it answers with."""

    view: View
    notice: str | None = None


@dataclass
class BotData:
    """What the application shares between updates."""

    store: Store | None = None
    ingestor: Ingestor | None = None
    codec: CallbackCodec | None = None
    broadcaster: Broadcaster | None = None
    feeds: FeedPoller | None = None
    # Telegram user ids allowed to publish, delete and manage feeds (SOKHAN_ADMIN_IDS).
    admin_ids: frozenset[int] = frozenset()
    # The office's name, the source of what it publishes through the bot (SOKHAN_SOURCE).
    source: str | None = None
    platform: Platform = TELEGRAM


def _opened[T](value: T | None, what: str) -> T:
    if value is None:
        raise RuntimeError(f"the {what} is opened in post_init; it is not open yet")
    return value


class SokhanContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The handlers' context: ``context.store`` instead of bare ``bot_data`` lookups."""

    @property
    def store(self) -> Store:
        return _opened(self.bot_data.store, "store")

    @property
    def ingestor(self) -> Ingestor:
        return _opened(self.bot_data.ingestor, "ingestor")

    @property
    def codec(self) -> CallbackCodec:
        return _opened(self.bot_data.codec, "button codec")

    def buttons(self, chat_id: int) -> Buttons:
        return Buttons(self.codec, chat_id)

    def deep_link(self, article_id: int) -> str:
        """The link that opens statement ``article_id`` in a private chat with the bot."""
        return self.bot_data.platform.deep_link(self.bot.username, f"a{article_id}")


Handler = Callable[[Update, SokhanContext], Coroutine[Any, Any, None]]


def chat_id_of(update: Update) -> int:
    chat = update.effective_chat
    return chat.id if chat is not None else 0


async def reply(update: Update, view: View | str) -> Message | None:
    """Answer in the chat the update came from (HTML and no previews: the bot's Defaults)."""
    message = update.effective_message
    if message is None:
        return None
    text, markup = (view, None) if isinstance(view, str) else view
    return await message.reply_text(text, reply_markup=markup)


async def expired(update: Update) -> None:
    """A button that no longer stands for anything says so, and does nothing."""
    query = update.callback_query
    if query is not None:
        await query.answer(strings.BUTTON_EXPIRED, show_alert=True)


def argument(context: SokhanContext) -> str:
    return " ".join(context.args or []).strip()


def wake_broadcaster(context: SokhanContext) -> None:
    """New deliveries were queued: tell the broadcast worker now."""
    if context.bot_data.broadcaster is not None:
        context.bot_data.broadcaster.wake()
