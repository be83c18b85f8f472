"""A speaker's quotes, the choice between speakers a name fits, and who has been quoted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import escape, jalali
from bot.views.common import View, digits, keyboard, pager
from storage.models import Speaker, SpeakerCount, StoredQuote

PAGE_SIZE = 5
MAX_CHOICES = 10


def _quote_block(item: StoredQuote, link: str) -> str:
    date = jalali(item.date)
    source = f'<a href="{escape(link)}">#{digits(item.article_id)}</a>' + (f" · {date}" if date else "")
    return f"«{escape(item.quote.text)}»\n— {source}"


def speaker_quotes_view(speaker: Speaker, items: Sequence[StoredQuote], page: int, has_more: bool,
                        key: str, buttons: Buttons, link: Callable[[int], str]) -> View:
    blocks = [strings.QUOTES_HEADER.format(name=escape(speaker.name), page=digits(page))]
    blocks += [_quote_block(item, link(item.article_id)) for item in items]
    return "\n\n".join(blocks), keyboard(pager(buttons, Action.SPEAKER, key, page, has_more))


def pick_speaker_view(text: str, name: str, choices: Sequence[tuple[Speaker, str]], action: Action,
                      buttons: Buttons) -> View:
    """Buttons for each speaker a name fits (``choices``: each with the key of its name)."""
    rows = [[InlineKeyboardButton(speaker.name, callback_data=buttons(action, key, 1))]
            for speaker, key in choices[:MAX_CHOICES]]
    return text.format(name=escape(name)), InlineKeyboardMarkup(rows)


def speakers_view(counts: Sequence[SpeakerCount]) -> View:
    if not counts:
        return strings.NO_SPEAKERS, None
    lines = [strings.SPEAKERS_HEADER, ""] + [
        f"• {escape(c.speaker.name)} — {strings.QUOTE_COUNT.format(count=digits(c.quotes))}" for c in counts
    ]
    return "\n".join(lines), None
