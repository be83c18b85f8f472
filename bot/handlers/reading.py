"""Reading: /find and plain-text search, /latest, and a statement's summary, full text
and quotes (by command, deep link or button)."""

from __future__ import annotations

from telegram import InputFile, Update

from bot import strings
from bot.callbacks import Callback
from bot.context import Rewrite, SokhanContext, argument, chat_id_of, reply
from bot.render import escape
from bot.views.articles import (
    article_buttons,
    article_quotes_views,
    full_text_file,
    full_text_views,
    latest_view,
    summary_view,
)
from bot.views.common import View, digits
from bot.views.search import PAGE_SIZE, results_view
from storage.models import StoredArticle
from storage.text.numbers import parse_count

QUERY_KEY = "query"
# A statement longer than this many messages is sent as its opening and then a file: a
# chat flooded with hundreds of messages is no way to read it.
MAX_FULL_MESSAGES = 4


async def search_page(update: Update, context: SokhanContext, query: str, page: int) -> View:
    """A page of results for ``query``, its pager keyed to this chat."""
    results = await context.store.search(query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    chat_id = chat_id_of(update)
    key = await context.store.keys.put(chat_id, QUERY_KEY, query) if results.has_more or page > 1 else ""
    return results_view(query, results, page, key, context.buttons(chat_id))


async def find(update: Update, context: SokhanContext) -> None:
    """``/find QUERY``: the first page of results."""
    query = argument(context)
    if not query:
        await reply(update, strings.USAGE_FIND)
        return
    await reply(update, await search_page(update, context, query, 1))


async def search_text(update: Update, context: SokhanContext) -> None:
    """Plain text in a private chat is a search."""
    message = update.effective_message
    if message is not None and message.text:
        await reply(update, await search_page(update, context, message.text, 1))


async def latest_page(update: Update, context: SokhanContext, page: int) -> View:
    found = await context.store.latest_articles(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return latest_view(found[:PAGE_SIZE], page, PAGE_SIZE, len(found) > PAGE_SIZE,
                       context.buttons(chat_id_of(update)))


async def latest(update: Update, context: SokhanContext) -> None:
    """The newest bulletins, each with a button to open it, and ◀️ ▶️ to page."""
    await reply(update, await latest_page(update, context, 1))


async def _article(update: Update, context: SokhanContext, article_id: int) -> StoredArticle | None:
    stored = await context.store.get_article(article_id)
    if stored is None:
        await reply(update, strings.NO_ARTICLE.format(id=digits(article_id)))
    return stored


async def show_summary(update: Update, context: SokhanContext, article_id: int) -> None:
    if stored := await _article(update, context, article_id):
        await reply(update, summary_view(stored, context.buttons(chat_id_of(update))))


async def show_full(update: Update, context: SokhanContext, article_id: int) -> None:
    """The full text in messages; a very long statement in a few, then the whole as a file."""
    stored = await _article(update, context, article_id)
    message = update.effective_message
    if stored is None or message is None:
        return
    buttons = context.buttons(chat_id_of(update))
    views = full_text_views(stored, buttons)
    if len(views) <= MAX_FULL_MESSAGES:
        for view in views:
            await reply(update, view)
        return
    for text, _ in views[:MAX_FULL_MESSAGES - 1]:
        await reply(update, text)
    name, data = full_text_file(stored)
    await message.reply_document(InputFile(data, filename=name), caption=strings.FULL_AS_FILE,
                                 reply_markup=article_buttons(buttons, stored.id))


async def show_quotes(update: Update, context: SokhanContext, article_id: int) -> None:
    if stored := await _article(update, context, article_id):
        for view in article_quotes_views(stored, context.buttons(chat_id_of(update))):
            await reply(update, view)


async def _with_id(update: Update, context: SokhanContext, name: str) -> int | None:
    text = argument(context)
    if not text:
        await reply(update, strings.USAGE_ARTICLE.format(command=name))
        return None
    article_id = parse_count(text)
    if article_id is None:
        await reply(update, strings.NOT_AN_ID.format(text=escape(text[:40]), command=name))
    return article_id


async def article(update: Update, context: SokhanContext) -> None:
    """``/article ID`` (also ``/full ID``): the full text."""
    message = update.effective_message
    typed = (message.text or "").split()[0].lstrip("/").split("@")[0] if message and message.text else ""
    name = typed if typed in {"article", "full"} else "article"  # the example names the command typed
    if (article_id := await _with_id(update, context, name)) is not None:
        await show_full(update, context, article_id)


async def summary(update: Update, context: SokhanContext) -> None:
    """``/summary ID``: headline, summary, source and date."""
    if (article_id := await _with_id(update, context, "summary")) is not None:
        await show_summary(update, context, article_id)


# -- buttons ------------------------------------------------------------------------


async def summary_button(update: Update, context: SokhanContext, callback: Callback) -> None:
    if callback.number is not None:
        await show_summary(update, context, callback.number)


async def full_button(update: Update, context: SokhanContext, callback: Callback) -> None:
    if callback.number is not None:
        await show_full(update, context, callback.number)


async def quotes_button(update: Update, context: SokhanContext, callback: Callback) -> None:
    if callback.number is not None:
        await show_quotes(update, context, callback.number)


async def search_button(update: Update, context: SokhanContext, callback: Callback, query: str) -> Rewrite:
    """◀️ ▶️ under a page of results: the other page, in place."""
    return Rewrite(await search_page(update, context, query, callback.page))


async def latest_button(update: Update, context: SokhanContext, callback: Callback) -> Rewrite:
    return Rewrite(await latest_page(update, context, callback.page))
