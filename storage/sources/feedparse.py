"""RSS and Atom feeds as entries: feed bytes → a ``ParsedFeed`` of ``FeedEntry`` values, each
of which renders as raw statement text for the ordinary ingest path.

Pure (no network: fetching is ``storage.sources.fetch``). Anything that makes a feed
unusable is a ``FeedError``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import feedparser

from storage.errors import FeedError, FeedProblem
from storage.text.html import collapse_spaces, html_to_text

_BLANK_LINE = re.compile(r"\n\s*\n")
_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed. ``key`` stays the same each time the feed is read."""

    key: str
    title: str | None
    link: str | None
    published: dt.date | None
    text: str  # plain text, paragraphs separated by a blank line

    def as_statement(self) -> str:
        """Raw statement text as the parser reads it: date marker, title, blank line, body."""
        lines = [f"date {self.published.isoformat()}"] if self.published else []
        if self.title:
            lines += [self.title, ""]
        return "\n".join([*lines, self.text])


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: tuple[FeedEntry, ...]


def _plain_to_text(text: str) -> str:
    paragraphs = (collapse_spaces(p) for p in _BLANK_LINE.split(text.replace("\r", "")))
    return "\n\n".join(p for p in paragraphs if p)


def _to_text(value: str, content_type: str | None) -> str:
    # feedparser reports both HTML and XHTML content with "html" in the type.
    if content_type is None or "html" in content_type:
        return html_to_text(value)
    return _plain_to_text(value)


def _body(entry: Mapping[str, Any]) -> str:
    """The entry's text: its HTML content if any, else its other content, else its summary."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    chosen = next((c for c in contents if "html" in (c.get("type") or "")), None)
    if chosen is None and contents:
        chosen = contents[0]
    if chosen is not None:
        return _to_text(chosen["value"], chosen.get("type"))
    detail = entry.get("summary_detail") or {}
    return _to_text(entry.get("summary") or "", detail.get("type"))


def _title(item: Mapping[str, Any]) -> str | None:
    """The title of a feed or an entry, on one line."""
    detail = item.get("title_detail") or {}
    title = collapse_spaces(_to_text(item.get("title") or "", detail.get("type")))
    return title or None


def _link(entry: Mapping[str, Any]) -> str | None:
    # feedparser copies a non-permalink guid ("tag:…") into ``link``; only a web address is a link.
    link = (entry.get("link") or "").strip()
    parts = urlsplit(link)
    return link if parts.scheme in _SCHEMES and parts.netloc else None


def _published(entry: Mapping[str, Any]) -> dt.date | None:
    parsed: time.struct_time | None = entry.get("published_parsed")
    # ``in`` first: feedparser answers a missing ``updated_parsed`` with a deprecation warning.
    if parsed is None and "updated_parsed" in entry:
        parsed = entry["updated_parsed"]
    if parsed is None:
        return None
    return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)


def _key(entry: Mapping[str, Any], title: str | None, text: str) -> str:
    """The guid, else the link (even one that is no web address), else a hash of the content."""
    for given in (entry.get("id"), entry.get("link")):
        if given and given.strip():
            return str(given).strip()
    return hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()


def _entry(entry: Mapping[str, Any]) -> FeedEntry | None:
    title, text = _title(entry), _body(entry)
    if not title and not text:
        return None
    return FeedEntry(_key(entry, title, text), title, _link(entry), _published(entry), text)


def parse_feed(data: bytes, url: str = "") -> ParsedFeed:
    """Parse RSS or Atom bytes; ``url`` resolves relative links. Raises ``FeedError``."""
    # A stream, never bytes or str: feedparser opens those as a path or fetches them as a URL.
    parsed = feedparser.parse(
        io.BytesIO(_trim_cut_character(data)), response_headers={"content-location": url} if url else None
    )
    entries = tuple(e for e in map(_entry, parsed.entries) if e is not None)
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(FeedProblem.NOT_A_FEED)
    # Real feeds are often slightly broken; only refuse one that yields nothing.
    if not entries and parsed.get("bozo") and not _harmless(parsed.get("bozo_exception")):
        raise FeedError(FeedProblem.MALFORMED, f"malformed XML: {_reason(parsed.get('bozo_exception'))}")
    return ParsedFeed(_title(parsed.feed), entries)


def _trim_cut_character(data: bytes) -> bytes:
    """Drop a UTF-8 character cut in half at the very end: feedparser would otherwise
    decode the whole feed as windows-1252 and every Persian letter would be garbage."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start]
    return data


def _harmless(exc: object) -> bool:
    # Encoding notes: feedparser guessed another encoding than declared and carried on.
    return isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe)


def _reason(exc: object) -> str:
    text = collapse_spaces(str(exc or "")) or type(exc).__name__
    return text[:120]
