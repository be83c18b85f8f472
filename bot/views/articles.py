"""A statement as a message: its summary view, its full text, its quotes, and as a bulletin."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import MAX_MESSAGE_CHARS, cut_text, escape, fit_messages, visible_length
from bot.views.common import View, byline, byline_text, digits, headline, keyboard, pager
from bot.views.quotes import quoted
from storage.analysis.summary import beside_headline
from storage.models import Delivery, StoredArticle, SubscriptionKind

# A chat may hold 50 subscriptions; a bulletin names this many of those it answers.
MAX_REASONS_NAMED = 5


def article_buttons(buttons: Buttons, article_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(strings.BUTTON_SUMMARY, callback_data=buttons(Action.SUMMARY, article_id)),
        InlineKeyboardButton(strings.BUTTON_QUOTES, callback_data=buttons(Action.ARTICLE_QUOTES, article_id)),
        InlineKeyboardButton(strings.BUTTON_FULL, callback_data=buttons(Action.FULL, article_id)),
    ]])


def summary_text(stored: StoredArticle, limit: int | None = None) -> str:
    """Headline, byline, summary: the headline left out when the summary opens with its very
    words (an untitled one-sentence statement), so the same text is not shown twice.

    Within ``limit`` visible characters (a photo's caption) the summary is cut at a sentence
    or a space, and marked so.
    """
    a = stored.article
    summary = a.summary or a.lead
    title = beside_headline(headline(a), [summary])
    head = [f"<b>{escape(title)}</b>"] if title else []

    def text(summary: str) -> str:
        return "\n".join([*head, byline(a.date, a.source), "", escape(summary), "", f"#{digits(stored.id)}"])

    full = text(summary)
    if limit is None or (over := visible_length(full) - limit) <= 0:
        return full
    room = len(summary) - over - 1  # one for the ellipsis
    return text(cut_text(summary, room)[0].rstrip("،,؛;: ") + "…" if room > 0 else "…")


def summary_view(stored: StoredArticle, buttons: Buttons) -> View:
    return summary_text(stored), article_buttons(buttons, stored.id)


def _with_buttons_on_last(texts: list[str], markup: InlineKeyboardMarkup) -> list[View]:
    return [(text, markup if i == len(texts) - 1 else None) for i, text in enumerate(texts)]


def full_text_views(stored: StoredArticle, buttons: Buttons) -> list[View]:
    """The whole statement, in as few messages as fit; the buttons under the last."""
    a = stored.article
    head = "\n".join(x for x in (
        escape(f"{a.kicker}؛") if a.kicker else "", f"<b>{escape(headline(a))}</b>",
        byline(a.date, a.source)) if x)
    blocks = [head] + [escape(piece) for p in a.paragraphs for piece in cut_text(p)]
    if a.tags:
        blocks.append(" ".join(f"#{escape(t.replace(' ', '_'))}" for t in a.tags))
    return _with_buttons_on_last(fit_messages(blocks), article_buttons(buttons, stored.id))


def full_text_file(stored: StoredArticle) -> tuple[str, bytes]:
    """The whole statement as a plain-text file: its name and UTF-8 bytes."""
    a = stored.article
    head = [f"{a.kicker}؛" if a.kicker else "", headline(a), byline_text(a)]
    text = "\n\n".join(x for x in (*head, *a.paragraphs) if x) + "\n"
    return f"سخن-{digits(stored.id)}.txt", text.encode()


def article_quotes_views(stored: StoredArticle, buttons: Buttons) -> list[View]:
    quotes = stored.article.quotes
    markup = article_buttons(buttons, stored.id)
    if not quotes:
        return [(strings.NO_QUOTES_IN_ARTICLE, markup)]
    blocks = [strings.QUOTES_IN_ARTICLE.format(id=digits(stored.id))]
    blocks += [f"<b>{escape(q.speaker)}</b>: {quoted(q)}" for q in quotes]
    return _with_buttons_on_last(fit_messages(blocks), markup)


def latest_view(articles: Sequence[StoredArticle], page: int, page_size: int, has_more: bool,
                buttons: Buttons) -> View:
    if not articles:
        return strings.EMPTY_ARCHIVE, None
    first = (page - 1) * page_size + 1
    blocks = [strings.LATEST_HEADER.format(page=digits(page))] + [
        f"{digits(i)}. <b>{escape(headline(s.article))}</b>\n{byline(s.article.date, s.article.source)}"
        for i, s in enumerate(articles, first)
    ]
    opens = [InlineKeyboardButton(f"📄 {digits(i)}", callback_data=buttons(Action.SUMMARY, s.id))
             for i, s in enumerate(articles, first)]
    return "\n\n".join(blocks), keyboard(opens, pager(buttons, Action.LATEST, "", page, has_more))


def bulletin_text(stored: StoredArticle, delivery: Delivery, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A new statement as its subscribers get it: the reasons it came, then the summary view,
    within ``limit`` visible characters (a message's, or a photo caption's)."""
    why = bulletin_reasons(delivery)
    return f"{why}\n\n{summary_text(stored, limit - visible_length(why) - 2)}"


def bulletin_reasons(delivery: Delivery) -> str:
    """The heading line: each subscription the bulletin answers, a few named and the rest counted."""
    named = [r for r in delivery.reasons if r.kind is not SubscriptionKind.ALL][:MAX_REASONS_NAMED]
    untold = sum(r.kind is not SubscriptionKind.ALL for r in delivery.reasons) - len(named)

    def quoted(kind: SubscriptionKind) -> list[str]:
        return [strings.QUOTED.format(escape(r.label)) for r in named if r.kind is kind]

    speakers, queries = quoted(SubscriptionKind.SPEAKER), quoted(SubscriptionKind.QUERY)
    why = [strings.BULLETIN]
    if speakers:
        why.append(strings.BULLETIN_SPEAKERS.format(names=strings.LIST_SEPARATOR.join(speakers)))
    if queries:
        why.append(strings.BULLETIN_QUERIES.format(queries=strings.LIST_SEPARATOR.join(queries)))
    if untold:
        why.append(strings.BULLETIN_MORE.format(n=digits(untold)))
    return " · ".join(why)


def bulletin_markup(stored: StoredArticle, delivery: Delivery, buttons: Buttons,
                    deep_link: str) -> InlineKeyboardMarkup:
    if delivery.chat_type == "channel":
        # A button in a channel would answer in the channel: readers open the bot instead.
        return InlineKeyboardMarkup([[InlineKeyboardButton(strings.BUTTON_OPEN_IN_BOT, url=deep_link)]])
    return article_buttons(buttons, stored.id)
