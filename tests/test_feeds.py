"""RSS and Atom feeds: parsing, HTML to text, statements for the parser, URL checks, fetching."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from storage.analysis import analyze_text
from storage.errors import FeedError
from storage.sources.feedparse import FeedEntry, ParsedFeed, parse_feed
from storage.sources.fetch import (
    MAX_FEED_BYTES,
    MAX_REDIRECTS,
    USER_AGENT,
    AddressGuard,
    FetchResult,
    check_feed_url,
    fetch_feed,
)
from storage.text.html import html_to_text
from tests.feedserver import FeedServer

LEAD = "به گزارش روابط عمومی وزارت نیرو، سخنگوی صنعت برق گفت: «مصرف برق در هفته گذشته پنج درصد کاهش یافت.»"
SECOND = "وی افزود: مشترکان خانگی می‌توانند با کاهش مصرف در ساعات اوج به پایداری شبکه کمک کنند."
THIRD = "این طرح تا پایان سال ادامه دارد & گسترش می‌یابد."

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>پایگاه اطلاع‌رسانی وزارت نیرو</title>
  <link>https://example.ir/</link>
  <item>
    <title>سخنگوی وزارت نیرو: مصرف برق پنج درصد کاهش یافت</title>
    <link>https://example.ir/news/1001</link>
    <guid isPermaLink="false">news-1001</guid>
    <pubDate>Wed, 10 Dec 2025 09:30:00 +0330</pubDate>
    <description>خلاصه‌ای که متن کامل جای آن را می‌گیرد</description>
    <content:encoded><![CDATA[<p>{LEAD}</p>
      <p>{SECOND.replace(" ", "&nbsp;", 1)}<br/>{THIRD.replace("&", "&amp;")}</p>
      <script>track("news-1001")</script>]]></content:encoded>
  </item>
  <item>
    <title>اطلاعیه &#1583;&#1608;&#1605;</title>
    <link>/news/1002</link>
    <description>&lt;p&gt;متن اطلاعیه &amp;laquo;دوم&amp;raquo;&lt;/p&gt;</description>
    <pubDate>Thu, 11 Dec 2025 02:00:00 +0330</pubDate>
  </item>
  <item>
    <title>اطلاعیه بدون نشانی</title>
    <description>متن کوتاه.</description>
  </item>
  <item>
    <guid isPermaLink="false">empty-item</guid>
    <description>   </description>
  </item>
</channel>
</rss>
""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">اخبار &lt;b&gt;ستاد&lt;/b&gt;</title>
  <id>urn:uuid:feed</id>
  <updated>2025-12-11T08:00:00Z</updated>
  <entry>
    <id>urn:uuid:entry-1</id>
    <title>بیانیه ستاد</title>
    <link rel="alternate" href="https://example.ir/a/1"/>
    <published>2025-12-09T10:00:00Z</published>
    <updated>2025-12-11T01:00:00+03:30</updated>
    <content type="html">&lt;h2&gt;بند اول&lt;/h2&gt;&lt;p&gt;متن بند اول.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>urn:uuid:entry-2</id>
    <title type="text">الف &lt; ب</title>
    <updated>2025-12-11T01:00:00+03:30</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>سه</p><ul><li>چهار</li><li>پنج</li></ul></div></content>
  </entry>
  <entry>
    <id>urn:uuid:entry-3</id>
    <title>متن ساده</title>
    <summary type="text">الف &lt; ب
و ادامه سطر

بند دوم</summary>
  </entry>
</feed>
""".encode()


def rss(items: str, *, encoding: str = "utf-8") -> bytes:
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>خبر</title>'
            f"{items}</channel></rss>").encode()


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()


def test_rss_with_persian_items() -> None:
    parsed = parse_feed(RSS, "https://example.ir/rss")
    assert parsed == ParsedFeed(
        title="پایگاه اطلاع‌رسانی وزارت نیرو",
        entries=(
            FeedEntry(
                key="news-1001",
                title="سخنگوی وزارت نیرو: مصرف برق پنج درصد کاهش یافت",
                link="https://example.ir/news/1001",
                published=dt.date(2025, 12, 10),
                text=f"{LEAD}\n\n{SECOND}\n\n{THIRD}",
            ),
            FeedEntry(
                key="https://example.ir/news/1002",  # no guid: the link, resolved against the feed URL
                title="اطلاعیه دوم",
                link="https://example.ir/news/1002",
                published=dt.date(2025, 12, 10),  # 02:00 in Tehran is still the 10th in UTC
                text="متن اطلاعیه «دوم»",
            ),
            FeedEntry(
                key=content_hash("اطلاعیه بدون نشانی", "متن کوتاه."),
                title="اطلاعیه بدون نشانی",
                link=None,
                published=None,
                text="متن کوتاه.",
            ),
        ),
    )


def test_atom() -> None:
    parsed = parse_feed(ATOM)
    assert parsed == ParsedFeed(
        title="اخبار ستاد",
        entries=(
            FeedEntry("urn:uuid:entry-1", "بیانیه ستاد", "https://example.ir/a/1", dt.date(2025, 12, 9),
                      "بند اول\n\nمتن بند اول."),
            # A guid that is not a web address is the key, but never the link.
            FeedEntry("urn:uuid:entry-2", "الف < ب", None, dt.date(2025, 12, 10), "سه\n\nچهار\n\nپنج"),
            # Plain text content is not HTML: "<" stays, line breaks inside a paragraph go.
            FeedEntry("urn:uuid:entry-3", "متن ساده", None, None, "الف < ب و ادامه سطر\n\nبند دوم"),
        ),
    )


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ("<guid>g-1</guid><link>https://e.ir/1</link><title>ت</title>", "g-1"),
        ("<guid>  g-2  </guid><title>ت</title>", "g-2"),
        ("<guid></guid><link>https://e.ir/3</link><title>ت</title>", "https://e.ir/3"),
        ("<link>https://e.ir/4</link><title>ت</title>", "https://e.ir/4"),
        ("<title>ت</title><description>متن</description>", content_hash("ت", "متن")),
        ("<description>&lt;p&gt;فقط متن&lt;/p&gt;</description>", content_hash("", "فقط متن")),
    ],
    ids=["guid", "guid-stripped", "empty-guid-then-link", "link", "hash", "hash-without-title"],
)
def test_entry_key(item: str, key: str) -> None:
    (entry,) = parse_feed(rss(f"<item>{item}</item>")).entries
    assert entry.key == key


@pytest.mark.parametrize(
    ("dates", "published"),
    [
        ("<pubDate>Wed, 10 Dec 2025 09:30:00 GMT</pubDate>", dt.date(2025, 12, 10)),
        ("<pubDate>Thu, 11 Dec 2025 02:00:00 +0330</pubDate>", dt.date(2025, 12, 10)),
        ("<pubDate>Wed, 10 Dec 2025 22:00:00 -0500</pubDate>", dt.date(2025, 12, 11)),
        ("<pubDate>2025-12-10T09:30:00Z</pubDate>", dt.date(2025, 12, 10)),
        ('<dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">2025-03-01</dc:date>', dt.date(2025, 3, 1)),
        ("<pubDate>۱۹ آذر ۱۴۰۴</pubDate>", None),
        ("<pubDate>not a date</pubDate>", None),
        ("", None),
    ],
    ids=["gmt", "tehran-after-midnight", "new-york-evening", "iso", "dublin-core", "jalali", "junk", "none"],
)
def test_entry_date_in_utc(dates: str, published: dt.date | None) -> None:
    (entry,) = parse_feed(rss(f"<item><guid>1</guid><title>ت</title>{dates}</item>")).entries
    assert entry.published == published


def test_atom_published_wins_over_updated() -> None:
    assert parse_feed(ATOM).entries[0].published == dt.date(2025, 12, 9)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>یک</p><p>دو</p>", "یک\n\nدو"),
        ("سطر اول<br>سطر دوم<br/>سطر سوم", "سطر اول\n\nسطر دوم\n\nسطر سوم"),
        ("<div>الف<div>ب</div>ج</div>", "الف\n\nب\n\nج"),
        ("<ul><li>الف</li><li>ب</li></ul>", "الف\n\nب"),
        ("<h1>عنوان</h1>متن<h6>پانویس</h6>", "عنوان\n\nمتن\n\nپانویس"),
        ("<p>متن <b>پررنگ</b>   و\n\t<a href='x'>پیوند</a></p>", "متن پررنگ و پیوند"),
        ("<script>alert('x')</script><style>p {}</style><p>متن</p>", "متن"),
        ("<p>قبل<script>if (a < b) {}</script>بعد</p>", "قبلبعد"),
        ("&laquo;نقل&raquo; &amp; &#1740;&#x06A9; الف&nbsp;ب", "«نقل» & یک الف ب"),
        ("<p>می‌گوید</p>", "می‌گوید"),  # ZWNJ is not whitespace
        ("<p> </p><p></p><br><br>", ""),
        ("no tags at all", "no tags at all"),
        ("<p>unclosed <b>bold", "unclosed bold"),
    ],
    ids=["paragraphs", "br", "nested-div", "list", "headings", "inline-and-spaces", "script-style",
         "script-inside", "entities", "zwnj", "empty-blocks", "plain", "unclosed"],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text



@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("<guid>1</guid><title>عنوان</title>", ("عنوان", "")),
        ("<guid>1</guid><description>متن</description>", (None, "متن")),
        ("<guid>1</guid><title> </title><description>&lt;p&gt; &lt;/p&gt;&lt;br&gt;</description>", None),
        ("<guid>1</guid><description>&lt;script&gt;x()&lt;/script&gt;</description>", None),
    ],
    ids=["title-only", "text-only", "blank", "script-only"],
)
def test_entry_needs_a_title_or_text(item: str, kept: tuple[str | None, str] | None) -> None:
    entries = parse_feed(rss(f"<item>{item}</item>")).entries
    assert [(e.title, e.text) for e in entries] == ([kept] if kept else [])


def test_relative_link_without_a_feed_url_is_a_key_but_no_link() -> None:
    (entry,) = parse_feed(rss("<item><link>/news/7</link><title>ت</title></item>")).entries
    assert (entry.key, entry.link) == ("/news/7", None)


def test_empty_valid_feed_has_no_entries() -> None:
    assert parse_feed(rss("")) == ParsedFeed(title="خبر", entries=())


def test_encoding_declared_wrong_is_tolerated() -> None:
    # feedparser flags the mismatch as bozo, yet read every character right.
    assert parse_feed(rss("", encoding="us-ascii")) == ParsedFeed(title="خبر", entries=())


def test_windows_1256_feed() -> None:
    data = rss("<item><guid>1</guid><title>اطلاعات خبر</title></item>", encoding="windows-1256")
    assert [e.title for e in parse_feed(data.decode().encode("cp1256")).entries] == ["اطلاعات خبر"]


@pytest.mark.parametrize("cut", [b"<title>", "<title>د".encode(), "<title>د".encode() + b"\xd9"],
                         ids=["after-a-tag", "after-a-letter", "inside-a-letter"])
def test_truncated_feed_still_yields_its_whole_entries(cut: bytes) -> None:
    data = rss("<item><guid>1</guid><title>اول</title><description>متن اول</description></item>"
               "<item><guid>2</guid><title>دوم</title><description>متن دوم</description></item>")
    truncated = data[: data.index(cut, data.index(b"<guid>2")) + len(cut)]
    parsed = parse_feed(truncated)
    assert [(e.key, e.title, e.text) for e in parsed.entries] == [("1", "اول", "متن اول")]
    assert parsed.title == "خبر"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</ti',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></chanel></rss>',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T &bogus; </title>',
    ],
    ids=["cut-in-a-tag", "cut-in-an-item", "mismatched-tag", "undefined-entity"],
)
def test_malformed_xml_without_entries(data: bytes) -> None:
    with pytest.raises(FeedError, match=r"^malformed XML: \S"):
        parse_feed(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><head><title>News</title></head><body><p>Hello</p></body></html>",
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body/></html>',
        b'<?xml version="1.0"?><sitemap><url><loc>https://example.ir/</loc></url></sitemap>',
        '{"title": "اخبار"}'.encode(),
        "متن ساده، نه خوراک".encode(),
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
    ids=["html", "xhtml", "other-xml", "json", "plain-text", "empty", "binary"],
)
def test_not_a_feed(data: bytes) -> None:
    with pytest.raises(FeedError, match=r"^not an RSS or Atom feed$"):
        parse_feed(data)


def test_bytes_naming_a_local_file_are_not_opened(tmp_path: Path) -> None:
    # feedparser reads a path given as bytes; a feed body must never be taken for one.
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS)
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(str(path).encode())


def test_statement_from_an_entry_parses_as_the_article() -> None:
    entry = parse_feed(RSS, "https://example.ir/rss").entries[0]
    article = analyze_text(entry.as_statement())
    assert article.title == "سخنگوی وزارت نیرو: مصرف برق پنج درصد کاهش یافت"
    assert article.date == dt.date(2025, 12, 10)
    assert article.source == "روابط عمومی وزارت نیرو"
    assert article.paragraphs == (LEAD, SECOND, THIRD)


@pytest.mark.parametrize(
    ("entry", "statement"),
    [
        (FeedEntry("k", "عنوان", None, dt.date(2025, 1, 2), "یک\n\nدو"),
         "date 2025-01-02\nعنوان\n\nیک\n\nدو"),
        (FeedEntry("k", "عنوان", None, None, "یک"), "عنوان\n\nیک"),
        (FeedEntry("k", None, None, dt.date(2025, 1, 2), "یک"), "date 2025-01-02\nیک"),
        (FeedEntry("k", None, None, None, "یک"), "یک"),
    ],
    ids=["date-and-title", "title", "date", "text-only"],
)
def test_as_statement(entry: FeedEntry, statement: str) -> None:
    assert entry.as_statement() == statement


def test_statement_without_title_or_date() -> None:
    article = analyze_text(FeedEntry("k", None, None, None, f"{LEAD}\n\n{SECOND}").as_statement())
    assert (article.title, article.date, article.paragraphs) == (None, None, (LEAD, SECOND))


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("https://example.ir/rss", "https://example.ir/rss"),
        ("  HTTPS://Example.IR/News/RSS?lang=fa&x=1#top \n", "https://example.ir/News/RSS?lang=fa&x=1"),
        ("\u200fhttps://example.ir/feed\u200e", "https://example.ir/feed"),
        ("http://127.0.0.1:8080/feed.xml", "http://127.0.0.1:8080/feed.xml"),
        ("https://[::1]:8443/feed", "https://[::1]:8443/feed"),
        ("https://example.ir/%D8%AE%D8%A8%D8%B1", "https://example.ir/%D8%AE%D8%A8%D8%B1"),
        ("https://خبر.ایران/rss", "https://خبر.ایران/rss"),
    ],
    ids=["plain", "cleaned", "direction-marks", "ip-and-port", "ipv6", "percent-encoded", "idn"],
)
def test_check_feed_url_accepts(url: str, cleaned: str) -> None:
    assert check_feed_url(url) == cleaned


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "only http:// and https://"),
        ("JavaScript://example.ir/%0Aalert(1)", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("ftp://example.ir/feed.xml", "only http:// and https://"),
        ("feed://example.ir/rss", "only http:// and https://"),
        ("data:application/rss+xml,<rss/>", "only http:// and https://"),
        ("example.ir/rss", "only http:// and https://"),
        ("//example.ir/rss", "only http:// and https://"),
        ("https://", "no host"),
        ("http:///etc/passwd", "no host"),
        ("https:example.ir/rss", "no host"),
        ("https://:443/rss", "no host"),
        ("https://exa mple.ir/rss", "spaces or control characters"),
        ("https://example.ir/a\nb", "spaces or control characters"),
        ("https://example.ir/\x00", "spaces or control characters"),
        ("https://example.ir/\u202eltr", "spaces or control characters"),
        ("https://example.ir/" + "a" * 2000, "over 2,000 characters"),
        ("", "no URL given"),
        ("  \u200f ", "no URL given"),
        ("http://[::1/rss", "not a valid URL"),
        ("http://example.ir:99999/rss", "not a valid URL"),
        ("http://example.ir:port/rss", "not a valid URL"),
        ("http://example.ir:0/rss", "not a valid URL"),
        ("https://user:secret@example.ir/rss", "user name or password"),
        ("https://example.ir\\@evil.example/rss", "user name or password"),
    ],
    ids=["javascript", "javascript-slashes", "file", "ftp", "feed-scheme", "data", "no-scheme",
         "scheme-relative", "empty-host", "file-like-path", "no-slashes", "port-only", "space",
         "newline", "nul", "bidi-override", "huge", "empty", "blank", "bad-ipv6", "port-range",
         "port-name", "port-zero", "credentials", "backslash-trick"],
)
def test_check_feed_url_refuses(url: str, reason: str) -> None:
    with pytest.raises(FeedError, match=re.escape(reason)):
        check_feed_url(url)


def test_longest_allowed_url() -> None:
    url = "https://example.ir/" + "a" * (2000 - len("https://example.ir/"))
    assert check_feed_url(url) == url


# Fetching, against a real HTTP server on loopback.

@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def guard(server: FeedServer) -> AddressGuard:
    """Lets the test server's port through: every other loopback port stays refused."""
    return AddressGuard.allowing([("127.0.0.1", server.port)])


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10, trust_env=False) as opened:
        yield opened


Fetch = Callable[..., Awaitable[FetchResult]]


@pytest.fixture
def fetch(client: httpx.AsyncClient, guard: AddressGuard) -> Fetch:
    """``fetch_feed`` through the test client, with the guard that lets the test server through."""
    return functools.partial(fetch_feed, client, guard=guard)


LAST_MODIFIED = "Wed, 10 Dec 2025 06:00:00 GMT"


async def test_fetch_then_not_modified(server: FeedServer, fetch: Fetch) -> None:
    server.set("/rss", RSS, etag='"v1"', last_modified=LAST_MODIFIED)
    first = await fetch(server.url("/rss"))
    assert first == FetchResult(changed=True, body=RSS, etag='"v1"', last_modified=LAST_MODIFIED)
    assert len(parse_feed(first.body, server.url("/rss")).entries) == 3

    again = await fetch(server.url("/rss"), etag=first.etag, last_modified=first.last_modified)
    assert again == FetchResult(changed=False, body=b"", etag='"v1"', last_modified=LAST_MODIFIED)
    assert [(r.status, r.if_none_match, r.if_modified_since) for r in server.requests] == [
        (200, None, None), (304, '"v1"', LAST_MODIFIED)
    ]
    assert {r.user_agent for r in server.requests} == {USER_AGENT}


async def test_not_modified_by_date_alone(server: FeedServer, fetch: Fetch) -> None:
    server.set("/rss", RSS, last_modified=LAST_MODIFIED)
    result = await fetch(server.url("/rss"), last_modified=LAST_MODIFIED)
    assert result == FetchResult(changed=False, body=b"", etag=None, last_modified=LAST_MODIFIED)
    assert [(r.status, r.if_none_match) for r in server.requests] == [(304, None)]


async def test_not_modified_keeps_validators_the_server_did_not_resend(
    server: FeedServer, fetch: Fetch
) -> None:
    server.set("/rss", RSS, etag='"v1"')  # no Last-Modified on the 304
    result = await fetch(server.url("/rss"), etag='"v1"', last_modified=LAST_MODIFIED)
    assert result == FetchResult(changed=False, body=b"", etag='"v1"', last_modified=LAST_MODIFIED)


async def test_changed_feed_comes_with_new_validators(server: FeedServer, fetch: Fetch) -> None:
    server.set("/rss", ATOM, etag='"v2"', content_type="application/atom+xml")
    result = await fetch(server.url("/rss"), etag='"v1"', last_modified=LAST_MODIFIED)
    assert result == FetchResult(changed=True, body=ATOM, etag='"v2"', last_modified=None)
    assert [(r.status, r.if_none_match) for r in server.requests] == [(200, '"v1"')]


@pytest.mark.parametrize(
    ("status", "reason"),
    [(500, "HTTP 500 Internal Server Error"), (503, "HTTP 503 Service Unavailable"),
     (404, "HTTP 404 Not Found"), (403, "HTTP 403 Forbidden"), (410, "HTTP 410 Gone")],
)
async def test_http_error(server: FeedServer, fetch: Fetch, status: int, reason: str) -> None:
    server.set("/rss", b"<html>error page</html>", status=status, content_type="text/html")
    with pytest.raises(FeedError, match=f"^{reason}$"):
        await fetch(server.url("/rss"))


async def test_unknown_path_is_an_http_error(server: FeedServer, fetch: Fetch) -> None:
    with pytest.raises(FeedError, match=r"^HTTP 404 Not Found$"):
        await fetch(server.url("/missing"))


@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "streamed"])
async def test_oversized_body(server: FeedServer, fetch: Fetch, content_length: bool) -> None:
    server.set("/rss", b"x" * 1001, content_length=content_length)
    with pytest.raises(FeedError, match=r"^the feed is larger than 1,000 bytes$"):
        await fetch(server.url("/rss"), max_bytes=1000)


async def test_body_of_exactly_the_limit(server: FeedServer, fetch: Fetch) -> None:
    server.set("/rss", b"x" * 1000, content_length=False)
    result = await fetch(server.url("/rss"), max_bytes=1000)
    assert len(result.body) == 1000


async def test_default_limit(server: FeedServer, fetch: Fetch) -> None:
    server.set("/rss", b" " * (MAX_FEED_BYTES + 1), content_length=False)
    with pytest.raises(FeedError, match=r"^the feed is larger than 5 MiB$"):
        await fetch(server.url("/rss"))


async def test_timeout(guard: AddressGuard, server: FeedServer) -> None:
    server.set("/rss", RSS, delay=60)  # cut short when the server closes
    async with httpx.AsyncClient(timeout=0.2, trust_env=False) as impatient:
        with pytest.raises(FeedError, match=r"^timed out"):
            await fetch_feed(impatient, guard=guard, url=server.url("/rss"))


async def test_dropped_connection(server: FeedServer, fetch: Fetch) -> None:
    server.set("/rss", RSS, drop=True)
    with pytest.raises(FeedError, match=r"^cannot fetch the feed: \S"):
        await fetch(server.url("/rss"))
    assert [(r.path, r.status) for r in server.requests] == [("/rss", None)]


async def test_connection_refused(client: httpx.AsyncClient) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, and nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FeedError, match=r"^cannot fetch the feed: \S"):
        await fetch_feed(client, guard=AddressGuard.allowing([("127.0.0.1", port)]),
                         url=f"http://127.0.0.1:{port}/rss")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_followed(server: FeedServer, fetch: Fetch, status: int) -> None:
    server.redirect("/old-rss", "/rss", status=status)  # a relative Location
    server.set("/rss", RSS, etag='"v1"')
    result = await fetch(server.url("/old-rss"), etag='"v0"')
    assert result == FetchResult(changed=True, body=RSS, etag='"v1"', last_modified=None)
    assert [(r.path, r.status, r.if_none_match) for r in server.requests] == [
        ("/old-rss", status, '"v0"'), ("/rss", 200, '"v0"')
    ]


async def test_redirect_chain_up_to_the_limit(server: FeedServer, fetch: Fetch) -> None:
    for hop in range(MAX_REDIRECTS):
        server.redirect(f"/hop{hop}", server.url(f"/hop{hop + 1}"))
    server.set(f"/hop{MAX_REDIRECTS}", RSS)
    assert (await fetch(server.url("/hop0"))).body == RSS


async def test_redirect_loop(server: FeedServer, fetch: Fetch) -> None:
    server.redirect("/loop", "/loop")
    with pytest.raises(FeedError, match=f"^more than {MAX_REDIRECTS} redirects$"):
        await fetch(server.url("/loop"))
    assert len(server.requests) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "^only http:// and https://"),
        ("ftp://example.ir/rss", "^only http:// and https://"),
        ("javascript:alert(1)", "^cannot fetch the feed: "),  # httpx refuses to even parse it
    ],
)
async def test_redirect_off_the_web(server: FeedServer, fetch: Fetch, location: str, reason: str) -> None:
    server.redirect("/rss", location)
    with pytest.raises(FeedError, match=reason):
        await fetch(server.url("/rss"))
    assert [r.path for r in server.requests] == ["/rss"]


async def test_fetch_refuses_a_bad_url_before_asking(server: FeedServer, fetch: Fetch) -> None:
    with pytest.raises(FeedError, match="only http:// and https://"):
        await fetch("file:///etc/passwd")
    assert server.requests == []
