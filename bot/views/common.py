"""What several views share: the view type, bylines, headlines, pagers."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import cut_text, escape, jalali
from storage.models import Article
from storage.text.letters import persian_digits

View = tuple[str, InlineKeyboardMarkup | None]


def digits(value: int) -> str:
    return persian_digits(str(value))


def byline(date: dt.date | str | None, source: str | None) -> str:
    parts = [p for p in (jalali(date), escape(source)) if p]
    return "📅 " + " · ".join(parts) if parts else ""


def byline_text(article: Article) -> str:
    """The byline as plain text, for a file rather than a message."""
    return " · ".join(p for p in (jalali(article.date), article.source or "") if p)


def headline(article: Article) -> str:
    return article.title or article.headline or cut_text(article.lead, 100)[0]


def pager(buttons: Buttons, action: Action, arg: str | int, page: int,
          has_more: bool) -> list[InlineKeyboardButton]:
    """◀️ ▶️ for a paged list; right to left, so "next" sits on the left."""
    row = []
    if has_more:
        row.append(InlineKeyboardButton(strings.BUTTON_NEXT, callback_data=buttons(action, arg, page + 1)))
    if page > 1:
        previous = buttons(action, arg, page - 1)
        row.append(InlineKeyboardButton(strings.BUTTON_PREVIOUS, callback_data=previous))
    return row


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None
