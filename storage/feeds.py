"""RSS and Atom feeds: checking a feed URL, fetching it politely, and turning it into entries.

Pure of SQL and Telegram: a feed becomes a ``ParsedFeed`` of ``FeedEntry`` values, each of
which renders as raw statement text for the ordinary ingest path. Anything that makes a feed
unusable is a ``FeedError`` with a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import httpx

# A feed is a few hundred kB at most; anything this large is not one we want.
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_URL_CHARS = 2000
MAX_REDIRECTS = 5
USER_AGENT = "Sokhan/0.1 (+feed reader)"
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
_SCHEMES = frozenset({"http", "https"})
# Invisible direction marks that cling to a URL copied out of Persian text.
_EDGE_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SPACE = re.compile(r"\s+")  # \s leaves ZWNJ alone, as it must for Persian
_BLANK_LINE = re.compile(r"\n\s*\n")
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "hr", "table", "tr", "section", "article", "header", "footer", "figure", "figcaption", "dd", "dt",
})
_DROPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


class FeedError(Exception):
    """The feed cannot be used; the message says why, in one line."""


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


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A feed's body, or ``changed=False`` and no body when the server says it has not changed."""

    changed: bool
    body: bytes
    etag: str | None
    last_modified: str | None


class _TextExtractor(HTMLParser):
    """HTML → paragraphs of plain text; block tags end a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = _collapse("".join(self._current))
        if text:
            self.paragraphs.append(text)
        self._current = []


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "\n\n".join(extractor.paragraphs)


def _plain_to_text(text: str) -> str:
    paragraphs = (_collapse(p) for p in _BLANK_LINE.split(text.replace("\r", "")))
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
    title = _collapse(_to_text(item.get("title") or "", detail.get("type")))
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
        raise FeedError("not an RSS or Atom feed")
    # Real feeds are often slightly broken; only refuse one that yields nothing.
    if not entries and parsed.get("bozo") and not _harmless(parsed.get("bozo_exception")):
        raise FeedError(f"malformed XML: {_reason(parsed.get('bozo_exception'))}")
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
    text = _collapse(str(exc or "")) or type(exc).__name__
    return text[:120]


def check_feed_url(url: str) -> str:
    """The URL cleaned up (scheme and host lower-cased, fragment dropped), or ``FeedError``."""
    url = url.strip().strip(_EDGE_MARKS).strip()
    if not url:
        raise FeedError("no URL given")
    if len(url) > MAX_URL_CHARS:
        raise FeedError(f"the URL is over {MAX_URL_CHARS:,} characters")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise FeedError("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # parsed lazily: a bad port only shows here
    except ValueError:
        raise FeedError("not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise FeedError("only http:// and https:// feed URLs are accepted")
    if not parts.hostname:
        raise FeedError("the URL has no host")
    if port == 0:
        raise FeedError("not a valid URL")
    # Credentials would be stored and shown with the feed.
    if parts.username is not None or parts.password is not None:
        raise FeedError("URLs with a user name or password are not accepted")
    return urlunsplit((scheme, parts.netloc.lower(), parts.path, parts.query, ""))


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
) -> FetchResult:
    """GET a feed, conditionally when validators from the last fetch are given.

    Follows up to ``MAX_REDIRECTS`` redirects, to http(s) only. Raises ``FeedError``.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        return await _follow(client, check_feed_url(url), headers, max_bytes, etag, last_modified)
    except httpx.TimeoutException:
        raise FeedError("timed out waiting for the server") from None
    except (httpx.RequestError, httpx.InvalidURL) as exc:
        raise FeedError(f"cannot fetch the feed: {_reason(exc)}") from None


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    # Redirects by hand: the caller's client may allow many more, and each hop must stay http(s).
    for _ in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", url, headers=headers, follow_redirects=False) as response:
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or not location:
                return await _result(response, max_bytes, etag, last_modified)
        # The stdlib join leaves a "javascript:" or "file:" target as it is, for the check to refuse.
        url = check_feed_url(urljoin(str(response.url), location))
    raise FeedError(f"more than {MAX_REDIRECTS} redirects")


async def _result(
    response: httpx.Response, max_bytes: int, etag: str | None, last_modified: str | None
) -> FetchResult:
    if response.status_code == httpx.codes.NOT_MODIFIED:
        return FetchResult(
            changed=False,
            body=b"",
            etag=response.headers.get("etag", etag),
            last_modified=response.headers.get("last-modified", last_modified),
        )
    if not response.is_success:
        raise FeedError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
    return FetchResult(
        changed=True,
        body=await _read_limited(response, max_bytes),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


async def _read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The body, decompressed, refusing it as soon as it passes ``max_bytes``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_big(max_bytes)
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise _too_big(max_bytes)
    return bytes(body)


def _too_big(max_bytes: int) -> FeedError:
    if max_bytes >= 2**20:
        return FeedError(f"the feed is larger than {max_bytes / 2**20:g} MiB")
    return FeedError(f"the feed is larger than {max_bytes:,} bytes")
