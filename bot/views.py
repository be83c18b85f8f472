"""Views of a statement, shared by the handlers and the broadcast worker.

Each returns HTML with every piece of article text escaped, ready for Telegram.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bot import strings
from bot.render import cut_text, escape, fit_messages, jalali
from storage.models import Article, Delivery, StoredArticle, SubscriptionKind

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def article_buttons(article_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(strings.BUTTON_SUMMARY, callback_data=f"a:{article_id}"),
        InlineKeyboardButton(strings.BUTTON_QUOTES, callback_data=f"q:{article_id}"),
        InlineKeyboardButton(strings.BUTTON_FULL, callback_data=f"t:{article_id}"),
    ]])


def byline(date: Any, source: str | None) -> str:
    parts = [p for p in (jalali(date), escape(source)) if p]
    return "📅 " + " · ".join(parts) if parts else ""


def headline(article: Article) -> str:
    return article.title or article.headline or cut_text(article.lead, 100)[0]


def summary_view(stored: StoredArticle) -> str:
    a = stored.article
    lines = [f"<b>{escape(headline(a))}</b>", byline(a.date, a.source),
             "", escape(a.summary or a.lead), "", f"#{stored.id}"]
    return "\n".join(line for line in lines if line is not None)


def full_text_messages(stored: StoredArticle) -> list[str]:
    a = stored.article
    head = "\n".join(x for x in (
        escape(f"{a.kicker}؛") if a.kicker else "", f"<b>{escape(headline(a))}</b>",
        byline(a.date, a.source)) if x)
    blocks = [head] + [escape(piece) for p in a.paragraphs for piece in cut_text(p)]
    if a.tags:
        blocks.append(" ".join(f"#{escape(t.replace(' ', '_'))}" for t in a.tags))
    return fit_messages(blocks)


def bulletin(
    stored: StoredArticle, delivery: Delivery, bot_username: str
) -> tuple[str, InlineKeyboardMarkup]:
    """A new statement as its subscribers get it: why it came, then the summary view."""
    if delivery.kind is SubscriptionKind.QUERY:
        why = strings.BULLETIN_QUERY.format(query=escape(delivery.label))
    elif delivery.kind is SubscriptionKind.SPEAKER:
        why = strings.BULLETIN_SPEAKER.format(name=escape(delivery.label))
    else:
        why = strings.BULLETIN
    text = f"{why}\n\n{summary_view(stored)}"
    if delivery.chat_type == "channel":
        # A button in a channel would answer in the channel: readers open the bot instead.
        link = f"https://t.me/{bot_username}?start=a{stored.id}"
        return text, InlineKeyboardMarkup([[InlineKeyboardButton(strings.BUTTON_OPEN_IN_BOT, url=link)]])
    return text, article_buttons(stored.id)
