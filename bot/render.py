"""Rendering for Telegram: Jalali dates, HTML escaping, and messages cut to fit.

Pure functions over strings and dates; the handlers decide what to say, this module
decides how it looks. Everything taken from an article or a user is escaped here.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser

import jdatetime

from storage.models import Snippet
from storage.text.letters import persian_digits

# Telegram counts the characters left after entity parsing, not the HTML source.
MAX_MESSAGE_CHARS = 4096
MAX_CAPTION_CHARS = 1024
_SENTENCE_END = re.compile(r"(?<=[.!?؟؛…])\s+|(?<=[،,:])\s+")
_TAG = re.compile(r"<[^>]+>")


def jalali(date: dt.date | str | None) -> str:
    """``2025-12-10`` → ``۱۹ آذر ۱۴۰۴``; empty for no date."""
    if not date:
        return ""
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            return ""
    day = jdatetime.date.fromgregorian(date=date)
    month = jdatetime.date.j_months_fa[day.month - 1]
    return persian_digits(f"{day.day} {month} {day.year}")


def escape(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def plain_text(html_text: str) -> str:
    """What a reader sees of Telegram HTML: tags removed, entities decoded (for alerts,
    inline descriptions and other places that take no markup)."""
    return html.unescape(_TAG.sub("", html_text))


class _Plain(HTMLParser):
    """Telegram HTML as plain text: tags dropped, a link's address after its words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            if href and "".join(self.parts[start:]).strip() != href:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_plain(html_text: str) -> str:
    """A message for a client that shows no markup: the words, and where each link goes."""
    parser = _Plain()
    parser.feed(html_text)
    parser.close()
    return "".join(parser.parts)


def visible_length(html_text: str) -> int:
    """The length Telegram counts: tags removed, entities as one character."""
    return len(plain_text(html_text))


def number(value: int) -> str:
    """A count as Persian reads it: Persian digits, ٬ between thousands."""
    return persian_digits(f"{value:,}".replace(",", "٬"))


def snippet_html(snippet: Snippet) -> str:
    """A search snippet with its matched words in bold, everything escaped."""
    out, last = [], 0
    for start, end in snippet.marks:
        out += [escape(snippet.text[last:start]), f"<b>{escape(snippet.text[start:end])}</b>"]
        last = end
    out.append(escape(snippet.text[last:]))
    return ("… " if snippet.cut_start else "") + "".join(out) + (" …" if snippet.cut_end else "")


def cut_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Cut plain text longer than ``limit`` at sentence ends (``. ! ? ؟ ؛ ، …``), then at
    spaces: never inside a word unless one word alone is longer than a message."""
    pieces: list[str] = []
    current = ""
    for part in _SENTENCE_END.split(text.strip()):
        while len(part) > limit:
            cut = part.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(part[:cut].rstrip())
            part = part[cut:].lstrip()
        joined = f"{current} {part}" if current else part
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = part
    if current:
        pieces.append(current)
    return pieces


def fit_messages(blocks: Iterable[str], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Join HTML blocks with blank lines into as few messages as fit in ``limit`` visible
    characters each. A block never spans two messages; cut long ones with ``cut_text``."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        length = visible_length(block)
        if current and size + 2 + length > limit:
            messages.append("\n\n".join(current))
            current, size = [], 0
        size += length + (2 if current else 0)
        current.append(block)
    if current:
        messages.append("\n\n".join(current))
    return messages
