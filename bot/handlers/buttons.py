"""Every inline button, routed by its action once its data has been checked.

A button opens something (a new message), pages or picks (the message is rewritten in
place), or changes the chat's state (through the same guards as the commands). Data
that does not check out for this chat — forged, copied from another chat, or from a
time before the keys it names — answers that the button has expired, and does nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest

from bot.callbacks import KEY_KINDS, Action, Callback
from bot.context import Rewrite, SokhanContext, chat_id_of, expired, reply
from bot.handlers import admin, quotes, reading, subscriptions

Opens = Callable[[Update, SokhanContext, Callback], Awaitable[None]]
Rewrites = Callable[[Update, SokhanContext, Callback], Awaitable[Rewrite | None]]
Keyed = Callable[[Update, SokhanContext, Callback, str], Awaitable[Rewrite | None]]

# Buttons that answer with new messages.
_OPENS: dict[Action, Opens] = {
    Action.SUMMARY: reading.summary_button,
    Action.FULL: reading.full_button,
    Action.ARTICLE_QUOTES: reading.quotes_button,
}
# Buttons whose message is rewritten with what they return.
_REWRITES: dict[Action, Rewrites] = {
    Action.LATEST: reading.latest_button,
    Action.UNSUBSCRIBE: subscriptions.remove_button,
    Action.DELETE: admin.delete_button,
    Action.KEEP: admin.keep_button,
}
# Buttons carrying the key of a text: the text is looked up for this chat first.
_KEYED: dict[Action, Keyed] = {
    Action.SEARCH: reading.search_button,
    Action.SPEAKER: quotes.speaker_button,
    Action.FOLLOW: subscriptions.follow_button,
}


async def button(update: Update, context: SokhanContext) -> None:
    """Check the pressed button's data for this chat, then do what it stands for."""
    query = update.callback_query
    if query is None:
        return
    chat_id = chat_id_of(update)
    callback = context.codec.decode(chat_id, query.data) if query.message and query.data else None
    if callback is None:
        await expired(update)
        return
    if callback.action in _OPENS:
        await query.answer()
        await _OPENS[callback.action](update, context, callback)
        return
    if callback.action in _KEYED:
        text = await context.store.keys.get(callback.arg, chat_id, KEY_KINDS[callback.action])
        if text is None:
            await expired(update)
            return
        rewrite = await _KEYED[callback.action](update, context, callback, text)
    else:
        rewrite = await _REWRITES[callback.action](update, context, callback)
    if rewrite is not None:
        await _show(update, rewrite)


async def _show(update: Update, rewrite: Rewrite) -> None:
    """Answer the press (with the rewrite's notice), then put its view in the message."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(rewrite.notice)
    text, markup = rewrite.view
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # pressed twice: nothing to change
            await reply(update, rewrite.view)
