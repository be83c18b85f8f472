"""What administrators read: publishing outcomes, figures, deletions and feeds."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import escape, number
from bot.views.common import View, digits, headline
from storage.errors import FeedProblem
from storage.models import Article, Feed, Stats, StoredArticle


def published_text(article_id: int, article: Article, queued: int) -> str:
    return strings.PUBLISHED.format(id=digits(article_id), title=escape(headline(article)),
                                    queued=number(queued))


def stats_view(s: Stats) -> View:
    return strings.STATS.format(
        articles=number(s.articles), speakers=number(s.speakers), quotes=number(s.quotes),
        subscribers=number(s.subscribers), inactive=number(s.inactive_subscribers),
        subscriptions=number(s.subscriptions), pending=number(s.pending), sent=number(s.sent),
        failed=number(s.failed), feeds=number(s.feeds), failing=number(s.failing_feeds)), None


def confirm_delete_view(stored: StoredArticle, buttons: Buttons) -> View:
    delete = InlineKeyboardButton(strings.BUTTON_CONFIRM_DELETE,
                                  callback_data=buttons(Action.DELETE, stored.id))
    keep = InlineKeyboardButton(strings.BUTTON_KEEP, callback_data=buttons(Action.KEEP, stored.id))
    text = strings.CONFIRM_DELETE.format(id=digits(stored.id), title=escape(headline(stored.article)))
    return text, InlineKeyboardMarkup([[delete, keep]])


def deleted_text(stored: StoredArticle) -> str:
    return strings.DELETED.format(id=digits(stored.id), title=escape(headline(stored.article)))


def _problem(recorded: str | None) -> str:
    """What a feed's last failure was, in Persian (the record keeps its reason code)."""
    try:
        return strings.FEED_PROBLEMS[FeedProblem(recorded or "")]
    except ValueError:
        return escape(recorded or "")


def _feed_line(feed: Feed) -> str:
    if feed.failures:
        state = strings.FEED_FAILING.format(failures=digits(feed.failures), error=_problem(feed.last_error))
    else:
        state = strings.FEED_OK if feed.last_ok_at else strings.FEED_NEW
    title = f" — {escape(feed.title)}" if feed.title else ""
    title += strings.FEED_CONFIG if feed.from_config else ""
    return strings.FEED_LINE.format(id=digits(feed.id), url=escape(feed.url), title=title, state=state)


def feeds_view(feeds: Sequence[Feed]) -> View:
    if not feeds:
        return strings.NO_FEEDS, None
    return "\n".join([strings.FEEDS_HEADER, "", *(_feed_line(f) for f in feeds)]), None
