"""Telegram handlers: parse the update, ask the store, render the answer.

Every command is declared once in ``COMMANDS``; the handlers, Telegram's command
menu (``setMyCommands``, Persian and English) and ``/help`` all come from it.
Callback data is short and fits Telegram's 64 bytes: ``a:ID`` (summary view),
``t:ID`` (full text), ``q:ID`` (the article's quotes), ``f:KEY:PAGE`` (a search
page), ``s:KEY:PAGE`` (a speaker's quotes); KEY names a query kept in memory.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot import admin, strings, subscriptions
from bot.context import Handler, SokhanContext, argument, article_id_from, is_admin, reply
from bot.render import escape, fit_messages, jalali
from bot.views import NO_PREVIEW, article_buttons, byline, full_text_messages, headline, summary_view
from storage.models import Speaker, StoredQuote
from storage.search import MAX_QUERY_CHARS, SearchHit
from storage.text import persian_digits

log = logging.getLogger(__name__)

PAGE_SIZE = 5
INLINE_RESULTS = 50
_TAGS = re.compile(r"<[^>]+>")


# -- views ------------------------------------------------------------------------


def _hit_block(number: int, hit: SearchHit) -> str:
    head = f"{persian_digits(str(number))}. <b>{escape(hit.title)}</b>"
    return "\n".join(x for x in (head, byline(hit.date, hit.source), hit.snippet) if x)


def _pager(prefix: str, key: str, page: int, has_more: bool) -> list[InlineKeyboardButton]:
    row = []
    if has_more:  # right to left: "next" sits on the left
        row.append(InlineKeyboardButton(strings.BUTTON_NEXT, callback_data=f"{prefix}:{key}:{page + 1}"))
    if page > 1:
        row.append(InlineKeyboardButton(strings.BUTTON_PREVIOUS, callback_data=f"{prefix}:{key}:{page - 1}"))
    return row


async def _search_page(
    context: SokhanContext, query: str, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    results = await context.store.search(query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if results.query.empty:
        return strings.NOTHING_TO_SEARCH, None
    shown = escape(query[:80])
    if not results.hits:
        return strings.NO_RESULTS.format(query=shown), None
    first = (page - 1) * PAGE_SIZE + 1
    blocks = [strings.RESULTS_HEADER.format(query=shown, page=persian_digits(str(page)))]
    if results.truncated:
        blocks.append(strings.QUERY_CUT.format(limit=MAX_QUERY_CHARS))
    blocks += [_hit_block(first + i, hit) for i, hit in enumerate(results.hits)]
    key = context.bot_data.remember(query)
    open_row = [InlineKeyboardButton(f"📄 {persian_digits(str(first + i))}", callback_data=f"a:{hit.id}")
                for i, hit in enumerate(results.hits)]
    rows = [open_row, _pager("f", key, page, results.has_more)]
    return "\n\n".join(blocks), InlineKeyboardMarkup([r for r in rows if r])


def _quote_block(item: StoredQuote, bot_username: str) -> str:
    link = f"https://t.me/{bot_username}?start=a{item.article_id}"
    date = jalali(item.date)
    source = f'<a href="{html.escape(link)}">#{item.article_id}</a>' + (f" · {date}" if date else "")
    return f"«{escape(item.quote.text)}»\n— {source}"


async def _quotes_page(
    context: SokhanContext, speaker: Speaker, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    items = await context.store.quotes_by([speaker], limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    key = context.bot_data.remember(speaker.name)
    blocks = [strings.QUOTES_HEADER.format(name=escape(speaker.name), page=persian_digits(str(page)))]
    blocks += [_quote_block(item, context.bot.username) for item in items[:PAGE_SIZE]]
    row = _pager("s", key, page, len(items) > PAGE_SIZE)
    return "\n\n".join(blocks), InlineKeyboardMarkup([row]) if row else None


# -- commands ---------------------------------------------------------------------


async def start(update: Update, context: SokhanContext) -> None:
    """Welcome, or open the article of a deep link (``/start a12``)."""
    payload = argument(context)
    if payload.startswith("a") and (article_id := article_id_from(payload[1:])) is not None:
        await _show_summary(update, context, article_id)
        return
    await reply(update, strings.WELCOME + "\n\n" + _command_list(visible_commands(is_admin(update, context))))


async def help_command(update: Update, context: SokhanContext) -> None:
    """The commands, from the same table as Telegram's menu."""
    query_help = strings.HELP_QUERY.format(bot=context.bot.username)
    commands = _command_list(visible_commands(is_admin(update, context)))
    await reply(update, f"{strings.HELP_TITLE}\n\n{commands}\n{query_help}")


async def find(update: Update, context: SokhanContext) -> None:
    """``/find QUERY``: the first page of results."""
    query = argument(context)
    if not query:
        await reply(update, strings.USAGE_FIND)
        return
    await reply(update, *await _search_page(context, query, 1))


async def search_text(update: Update, context: SokhanContext) -> None:
    """Plain text in a private chat is a search."""
    if update.effective_message and update.effective_message.text:
        await reply(update, *await _search_page(context, update.effective_message.text, 1))


async def latest(update: Update, context: SokhanContext) -> None:
    """The newest bulletins, each with a button to open it."""
    articles = await context.store.latest_articles(limit=PAGE_SIZE)
    if not articles:
        await reply(update, strings.EMPTY_ARCHIVE)
        return
    blocks = [strings.LATEST_HEADER] + [
        f"{persian_digits(str(i))}. <b>{escape(headline(s.article))}</b>\n"
        f"{byline(s.article.date, s.article.source)}"
        for i, s in enumerate(articles, 1)
    ]
    buttons = [InlineKeyboardButton(f"📄 {persian_digits(str(i))}", callback_data=f"a:{s.id}")
               for i, s in enumerate(articles, 1)]
    await reply(update, "\n\n".join(blocks), InlineKeyboardMarkup([buttons]))


def _id_command(show: Callable[[Update, SokhanContext, int], Awaitable[None]], name: str) -> Handler:
    async def handler(update: Update, context: SokhanContext) -> None:
        text = argument(context)
        if not text:
            await reply(update, strings.USAGE_ARTICLE.format(command=name))
            return
        article_id = article_id_from(text)
        if article_id is None:
            await reply(update, strings.NOT_AN_ID.format(text=escape(text[:40]), command=name))
            return
        await show(update, context, article_id)

    handler.__doc__ = f"``/{name} ID``"
    return handler


async def _show_full(update: Update, context: SokhanContext, article_id: int) -> None:
    stored = await context.store.get_article(article_id)
    if stored is None:
        await reply(update, strings.NO_ARTICLE.format(id=persian_digits(str(article_id))))
        return
    messages = full_text_messages(stored)
    for i, text in enumerate(messages):
        await reply(update, text, article_buttons(article_id) if i == len(messages) - 1 else None)


async def _show_summary(update: Update, context: SokhanContext, article_id: int) -> None:
    stored = await context.store.get_article(article_id)
    if stored is None:
        await reply(update, strings.NO_ARTICLE.format(id=persian_digits(str(article_id))))
        return
    await reply(update, summary_view(stored), article_buttons(article_id))


async def _show_article_quotes(update: Update, context: SokhanContext, article_id: int) -> None:
    stored = await context.store.get_article(article_id)
    if stored is None:
        await reply(update, strings.NO_ARTICLE.format(id=persian_digits(str(article_id))))
        return
    quotes = stored.article.quotes
    if not quotes:
        await reply(update, strings.NO_QUOTES_IN_ARTICLE, article_buttons(article_id))
        return
    blocks = [strings.QUOTES_IN_ARTICLE.format(id=persian_digits(str(article_id)))] + [
        f"<b>{escape(q.speaker)}</b>: «{escape(q.text)}»" for q in quotes
    ]
    messages = fit_messages(blocks)
    for i, text in enumerate(messages):
        await reply(update, text, article_buttons(article_id) if i == len(messages) - 1 else None)


async def quote(update: Update, context: SokhanContext) -> None:
    """``/quote NAME``: that speaker's quotes, or buttons to pick among several."""
    name = argument(context)
    if not name:
        await reply(update, strings.USAGE_QUOTE)
        return
    speakers = await context.store.find_speakers(name[:MAX_QUERY_CHARS])
    if not speakers:
        await reply(update, strings.NO_SPEAKER.format(name=escape(name[:80])))
        return
    if len(speakers) > 1:
        rows = [[InlineKeyboardButton(s.name, callback_data=f"s:{context.bot_data.remember(s.name)}:1")]
                for s in speakers[:10]]
        await reply(update, strings.PICK_SPEAKER.format(name=escape(name[:80])), InlineKeyboardMarkup(rows))
        return
    await reply(update, *await _quotes_page(context, speakers[0], 1))


async def speakers(update: Update, context: SokhanContext) -> None:
    """Who has been quoted, with counts."""
    counts = await context.store.speakers(limit=30)
    if not counts:
        await reply(update, strings.NO_SPEAKERS)
        return
    lines = [strings.SPEAKERS_HEADER, ""] + [
        f"• {escape(c.speaker.name)} — {strings.QUOTE_COUNT.format(count=persian_digits(str(c.quotes)))}"
        for c in counts
    ]
    await reply(update, "\n".join(lines))


async def unknown_command(update: Update, context: SokhanContext) -> None:
    """A command not in the table, in a private chat or addressed to this bot by name."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command, _, addressee = message.text.split()[0].partition("@")
    private = message.chat.type == "private"
    if addressee.lower() != (context.bot.username or "").lower() and not (private and not addressee):
        return  # in a group, a bare or foreign command may be for another bot
    await reply(update, strings.UNKNOWN_COMMAND.format(command=escape(command[:40])))


# -- buttons and inline mode ------------------------------------------------------


async def button(update: Update, context: SokhanContext) -> None:
    """Every inline button: open, page, pick."""
    query = update.callback_query
    if query is None or not query.data:
        return
    await query.answer()
    kind, _, rest = query.data.partition(":")
    if kind in {"a", "t", "q"} and (article_id := article_id_from(rest)) is not None:
        show = {"a": _show_summary, "t": _show_full, "q": _show_article_quotes}[kind]
        await show(update, context, article_id)
        return
    key, _, page_text = rest.partition(":")
    text = context.bot_data.queries.get(key)
    page = int(page_text) if page_text.isdigit() else 1
    if text is None:
        await reply(update, strings.SEARCH_EXPIRED)
        return
    if kind == "f":
        body, markup = await _search_page(context, text, page)
    else:
        found = [s for s in await context.store.find_speakers(text) if s.name == text]
        if not found:
            await reply(update, strings.SEARCH_EXPIRED)
            return
        body, markup = await _quotes_page(context, found[0], page)
    # Paging and picking a speaker rewrite the message in place.
    await query.edit_message_text(body, parse_mode=ParseMode.HTML, reply_markup=markup,
                                  link_preview_options=NO_PREVIEW)


async def inline_query(update: Update, context: SokhanContext) -> None:
    """``@bot QUERY`` anywhere: matching statements; choosing one sends its summary."""
    query = update.inline_query
    if query is None or not query.query.strip():
        return
    offset = int(query.offset) if query.offset.isdigit() else 0
    results = await context.store.search(query.query, limit=INLINE_RESULTS, offset=offset)
    answers = []
    for hit in results.hits:
        stored = await context.store.get_article(hit.id)
        if stored is None:
            continue
        link = f"https://t.me/{context.bot.username}?start=a{hit.id}"
        text = summary_view(stored) + f'\n\n<a href="{html.escape(link)}">{strings.INLINE_READ_MORE}</a>'
        answers.append(InlineQueryResultArticle(
            id=str(hit.id),
            title=hit.title[:200],
            description=html.unescape(_TAGS.sub("", hit.snippet))[:200],
            input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML,
                                                          link_preview_options=NO_PREVIEW),
        ))
    next_offset = str(offset + INLINE_RESULTS) if results.has_more else ""
    await query.answer(answers, cache_time=30, next_offset=next_offset)


async def error_handler(update: object, context: SokhanContext) -> None:
    """Log the failure with its traceback and apologise to the user."""
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(strings.ERROR)
        except Exception:  # the apology is best effort: the failure may be the network itself
            log.warning("could not send the apology", exc_info=True)


# -- the command table ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    callback: Handler
    fa: str
    en: str
    aliases: tuple[str, ...] = ()
    admin: bool = False  # for SOKHAN_ADMIN_IDS only; others see neither it nor its help
    channel: bool = False  # also taken from channel posts (only a channel's admins post)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


COMMANDS: tuple[Command, ...] = (
    Command("start", start, strings.CMD_START, "Start and a short guide"),
    Command("help", help_command, strings.CMD_HELP, "All commands"),
    Command("find", find, strings.CMD_FIND, "Search the statements"),
    Command("latest", latest, strings.CMD_LATEST, "The newest statements"),
    Command("article", _id_command(_show_full, "article"), strings.CMD_ARTICLE,
            "Full text of a statement", aliases=("full",)),
    Command("summary", _id_command(_show_summary, "summary"), strings.CMD_SUMMARY, "Summary of a statement"),
    Command("quote", quote, strings.CMD_QUOTE, "A speaker's quotes", aliases=("quotes",)),
    Command("speakers", speakers, strings.CMD_SPEAKERS, "Who has been quoted"),
    Command("subscribe", subscriptions.subscribe, strings.CMD_SUBSCRIBE,
            "Get new statements (all, or matching words)", channel=True),
    Command("follow", subscriptions.follow, strings.CMD_FOLLOW, "Get new statements quoting a speaker",
            channel=True),
    Command("subscriptions", subscriptions.subscriptions, strings.CMD_SUBSCRIPTIONS,
            "This chat's subscriptions", channel=True),
    Command("unsubscribe", subscriptions.unsubscribe, strings.CMD_UNSUBSCRIBE, "Cancel a subscription",
            channel=True),
    Command("publish", admin.publish, strings.CMD_PUBLISH, "Publish a statement (admins)", admin=True),
    Command("stats", admin.stats, strings.CMD_STATS, "Archive and delivery figures (admins)", admin=True),
    Command("delete", admin.delete, strings.CMD_DELETE, "Delete a statement (admins)", admin=True),
    Command("feed", admin.feed, strings.CMD_FEED, "RSS/Atom feeds (admins)", admin=True),
)


def visible_commands(admin: bool) -> tuple[Command, ...]:
    return tuple(c for c in COMMANDS if admin or not c.admin)


def _command_list(commands: Sequence[Command] = COMMANDS) -> str:
    return "\n".join(
        " ".join(f"/{n}" for n in c.names) + f" — {c.fa}" for c in commands
    )
