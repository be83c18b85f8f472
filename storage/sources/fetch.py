"""Fetching feeds: checking an address, keeping inside the public internet, and reading
politely within a size and a total time.

An admin types the feed address, so it is checked like any input: http(s) only, no
credentials, and a host that resolves to public addresses only (loopback, private,
link-local and reserved networks are refused, in any spelling of the address, and after
every redirect). The connection goes to the address that was checked, so a name that
resolves differently a moment later cannot lead inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from storage.errors import FeedError, FeedProblem

# A feed is a few hundred kB at most; anything this large is not one we want.
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_URL_CHARS = 2000
MAX_REDIRECTS = 5
# The whole fetch, redirects included: a server sending a byte a second never times out
# a read, so the read timeout alone cannot bound it.
FETCH_DEADLINE = 30.0
USER_AGENT = "Sokhan/0.1 (+feed reader)"
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
_SCHEMES = frozenset({"http", "https"})
_PORTS = {"http": 80, "https": 443}
# Invisible direction marks that cling to a URL copied out of Persian text.
_EDGE_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A feed's body, or ``changed=False`` and no body when the server says it has not changed."""

    changed: bool
    body: bytes
    etag: str | None
    last_modified: str | None


def check_feed_url(url: str) -> str:
    """The URL cleaned up (scheme and host lower-cased, fragment dropped), or ``FeedError``."""
    url = url.strip().strip(_EDGE_MARKS).strip()
    if not url:
        raise FeedError(FeedProblem.NO_URL)
    if len(url) > MAX_URL_CHARS:
        raise FeedError(FeedProblem.TOO_LONG, f"the URL is over {MAX_URL_CHARS:,} characters")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise FeedError(FeedProblem.BAD_CHARACTERS)
    try:
        parts = urlsplit(url)
        port = parts.port  # parsed lazily: a bad port only shows here
    except ValueError:
        raise FeedError(FeedProblem.INVALID) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise FeedError(FeedProblem.SCHEME)
    if not parts.hostname:
        raise FeedError(FeedProblem.NO_HOST)
    if port == 0:
        raise FeedError(FeedProblem.INVALID)
    # Credentials would be stored and shown with the feed.
    if parts.username is not None or parts.password is not None:
        raise FeedError(FeedProblem.CREDENTIALS)
    return urlunsplit((scheme, parts.netloc.lower(), parts.path, parts.query, ""))


def is_public(address: IpAddress) -> bool:
    """Globally routable: not loopback, private, link-local, shared, reserved or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Decides which addresses feeds may be fetched from.

    ``allow_private`` is for a deliberate intranet feed (SOKHAN_FEEDS_ALLOW_PRIVATE=1);
    ``allowed`` names single ``(host, port)`` pairs let through anyway, so that tests can
    serve a feed on loopback and still see the guard refuse every other port there.
    """

    allow_private: bool = False
    allowed: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @classmethod
    def allowing(cls, pairs: Iterable[tuple[str, int]]) -> AddressGuard:
        return cls(False, frozenset(pairs))

    async def resolve(self, host: str, port: int) -> str:
        """The address to connect to for ``host``, after checking every address it has."""
        unknown = FeedError(FeedProblem.UNKNOWN_HOST, f"cannot fetch the feed: {host} has no address")
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise unknown from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
        if not addresses:
            raise unknown
        let_through = self.allow_private or (host, port) in self.allowed
        if not let_through and not all(is_public(a) for a in addresses):
            raise FeedError(FeedProblem.PRIVATE, f"{host} is on a private, loopback or reserved network")
        return str(addresses[0])


async def check_address(guard: AddressGuard, url: str) -> str:
    """``url`` checked as ``check_feed_url`` does, and its host through ``guard``: what an
    admin adds is refused at once if it could never be fetched."""
    url = check_feed_url(url)
    parts = urlsplit(url)
    await guard.resolve(parts.hostname or "", parts.port or _PORTS[parts.scheme])
    return url


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    guard: AddressGuard,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
    deadline: float = FETCH_DEADLINE,
) -> FetchResult:
    """GET a feed, conditionally when validators from the last fetch are given.

    Follows up to ``MAX_REDIRECTS`` redirects, each checked like the first. Raises ``FeedError``.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(deadline):
            return await _follow(client, guard, check_feed_url(url), headers, max_bytes, etag, last_modified)
    except (TimeoutError, httpx.TimeoutException):
        raise FeedError(FeedProblem.TIMEOUT) from None
    except (httpx.RequestError, httpx.InvalidURL) as exc:
        raise FeedError(FeedProblem.UNREACHABLE, f"cannot fetch the feed: {_reason(exc)}") from None


def _reason(exc: object) -> str:
    return " ".join(str(exc or "").split())[:120] or type(exc).__name__


async def _follow(client: httpx.AsyncClient, guard: AddressGuard, url: str, headers: dict[str, str],
                  max_bytes: int, etag: str | None, last_modified: str | None) -> FetchResult:
    # Redirects by hand: each hop must stay http(s) and pass the guard.
    for _ in range(MAX_REDIRECTS + 1):
        target, extra = await _pinned(guard, url)
        async with client.stream("GET", target, headers={**headers, **extra["headers"]},
                                 extensions=extra["extensions"], follow_redirects=False) as response:
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or not location:
                return await _result(response, max_bytes, etag, last_modified)
        # The stdlib join leaves a "javascript:" or "file:" target as it is, for the check to refuse.
        url = check_feed_url(urljoin(url, location))
    raise FeedError(FeedProblem.REDIRECTS, f"more than {MAX_REDIRECTS} redirects")


async def _pinned(guard: AddressGuard, url: str) -> tuple[str, dict[str, dict[str, str]]]:
    """``url`` with its host replaced by the checked address, and the Host header and TLS
    name that keep the request addressed to the host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or _PORTS[parts.scheme]
    address = await guard.resolve(host, port)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return (urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
            {"headers": {"Host": host_header}, "extensions": extensions})


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
        raise FeedError(FeedProblem.HTTP, f"HTTP {response.status_code} {response.reason_phrase}".strip())
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
        return FeedError(FeedProblem.TOO_LARGE, f"the feed is larger than {max_bytes / 2**20:g} MiB")
    return FeedError(FeedProblem.TOO_LARGE, f"the feed is larger than {max_bytes:,} bytes")
