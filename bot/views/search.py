"""Search results: a page of hits for /find, and the answers to an inline query."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineQueryResultArticle, InputTextMessageContent

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import escape, number, plain_text, snippet_html
from bot.views.articles import summary_text
from bot.views.common import View, byline, digits, keyboard, pager
from storage.models import SearchHit, SearchResults, StoredArticle
from storage.search import MAX_QUERY_CHARS

PAGE_SIZE = 5
_ECHO_CHARS = 80


def _hit_block(number: int, hit: SearchHit) -> str:
    head = f"{digits(number)}. <b>{escape(hit.title)}</b>"
    return "\n".join(x for x in (head, byline(hit.date, hit.source), snippet_html(hit.snippet)) if x)


def _echo(query: str) -> str:
    """The query as the reply repeats it: cut at a word when long."""
    query = " ".join(query.split())
    if len(query) <= _ECHO_CHARS:
        return escape(query)
    return escape(query[:_ECHO_CHARS].rsplit(" ", 1)[0]) + " …"


def _count(results: SearchResults) -> str:
    if results.capped:
        return strings.RESULTS_MANY.format(count=number(results.total))
    return number(results.total)


def results_view(query: str, results: SearchResults, page: int, key: str, buttons: Buttons) -> View:
    """One page of hits, a button to open each, and ◀️ ▶️ (``key`` stands for the query)."""
    cut = [strings.QUERY_CUT.format(limit=digits(MAX_QUERY_CHARS))] if results.truncated else []
    if results.empty:
        return "\n\n".join([strings.NOTHING_TO_SEARCH, *cut]), None
    shown = _echo(query)
    if not results.hits:
        return "\n\n".join([strings.NO_RESULTS.format(query=shown), *cut]), None
    first = (page - 1) * PAGE_SIZE + 1
    blocks = [strings.RESULTS_HEADER.format(query=shown, count=_count(results), page=digits(page)), *cut]
    blocks += [_hit_block(first + i, hit) for i, hit in enumerate(results.hits)]
    opens = [InlineKeyboardButton(f"📄 {digits(first + i)}", callback_data=buttons(Action.SUMMARY, hit.id))
             for i, hit in enumerate(results.hits)]
    return "\n\n".join(blocks), keyboard(opens, pager(buttons, Action.SEARCH, key, page, results.has_more))


def inline_result(hit: SearchHit, stored: StoredArticle, link: str) -> InlineQueryResultArticle:
    """One statement offered by inline mode: choosing it sends its summary and a link to the rest."""
    text = summary_text(stored) + f'\n\n<a href="{escape(link)}">{strings.INLINE_READ_MORE}</a>'
    return InlineQueryResultArticle(
        id=str(hit.id),
        title=hit.title[:200],
        description=plain_text(snippet_html(hit.snippet))[:200],
        input_message_content=InputTextMessageContent(text),
    )
