"""A speaker's quotes, the choice between speakers a name fits, and who has been quoted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import escape, jalali
from bot.views.common import View, digits, keyboard, pager
from storage.models import Quote, QuoteKind, Speaker, SpeakerCount, SpeakerKind, StoredQuote

PAGE_SIZE = 5
MAX_CHOICES = 10
_BUTTON_CHARS = 60  # a button shows about this much on a phone


def describe(speaker: Speaker) -> str:
    """The name and what tells it apart: a person's newest title, else the kind of
    speaker (``مهدی رضایی — فرماندار قدس``, ``وزارت کشور — نهاد``)."""
    if speaker.kind is SpeakerKind.PERSON:
        detail = speaker.titles[0] if speaker.titles else ""
    else:
        detail = strings.SPEAKER_KIND.get(str(speaker.kind), "")
    return f"{speaker.name} — {detail}" if detail else speaker.name


def _button_label(speaker: Speaker) -> str:
    label = describe(speaker)
    return label if len(label) <= _BUTTON_CHARS else label[: _BUTTON_CHARS - 1] + "…"


def quoted(quote: Quote) -> str:
    """A quote as a chat shows it: the speaker's own words in «»; reported speech marked as
    the reporter's account."""
    if quote.kind is QuoteKind.REPORTED:
        return strings.REPORTED_QUOTE.format(text=escape(quote.text))
    return f"«{escape(quote.text)}»"


def _quote_block(item: StoredQuote, link: str) -> str:
    date = jalali(item.date)
    source = f'<a href="{escape(link)}">#{digits(item.article_id)}</a>' + (f" · {date}" if date else "")
    return f"{quoted(item.quote)}\n— {source}"


def speaker_quotes_view(speaker: Speaker, items: Sequence[StoredQuote], page: int, has_more: bool,
                        key: str, buttons: Buttons, link: Callable[[int], str]) -> View:
    blocks = [strings.QUOTES_HEADER.format(name=escape(speaker.name), page=digits(page))]
    blocks += [_quote_block(item, link(item.article_id)) for item in items]
    return "\n\n".join(blocks), keyboard(pager(buttons, Action.SPEAKER, key, page, has_more))


def pick_speaker_view(text: str, name: str, choices: Sequence[tuple[Speaker, str]], action: Action,
                      buttons: Buttons) -> View:
    """Buttons for each speaker a name fits (``choices``: each with the key of its name),
    each with what tells it apart: a person's newest title, or the kind of speaker."""
    rows = [[InlineKeyboardButton(_button_label(speaker), callback_data=buttons(action, key, 1))]
            for speaker, key in choices[:MAX_CHOICES]]
    return text.format(name=escape(name)), InlineKeyboardMarkup(rows)


def speakers_view(counts: Sequence[SpeakerCount]) -> View:
    if not counts:
        return strings.NO_SPEAKERS, None
    lines = [strings.SPEAKERS_HEADER, ""] + [
        f"• {escape(describe(c.speaker))} — {strings.QUOTE_COUNT.format(count=digits(c.quotes))}"
        for c in counts
    ]
    return "\n".join(lines), None
