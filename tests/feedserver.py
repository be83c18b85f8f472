"""A loopback HTTP server for feed tests: set what each path answers, then read what was asked.

Runs ``ThreadingHTTPServer`` on 127.0.0.1 in a daemon thread, so it serves while the test's
event loop awaits the client. Used as a context manager::

    with FeedServer() as server:
        server.set("/feed.xml", body, etag='"v1"')
        await fetch_feed(client, server.url("/feed.xml"))
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True, slots=True)
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml"
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without answering
    content_length: bool = True  # False: the body ends when the connection closes


@dataclass(frozen=True, slots=True)
class SeenRequest:
    path: str
    status: int | None  # what the server chose to answer; None: it drops the connection
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None


class FeedServer:
    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._seen: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler, self)
        # A short poll keeps ``shutdown`` (which waits for the next poll) from slowing every test.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing.set()  # wakes handlers still sleeping on a delay
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def set(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str = "application/rss+xml",
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drop: bool = False,
        content_length: bool = True,
    ) -> None:
        route = Route(body, status, content_type, etag, last_modified, dict(headers or {}), delay, drop,
                      content_length)
        with self._lock:
            self._routes[path] = route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.set(path, status=status, headers={"Location": location})

    @property
    def requests(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._seen)

    def _route(self, path: str) -> Route | None:
        with self._lock:
            return self._routes.get(path)

    def _record(self, request: SeenRequest) -> None:
        with self._lock:
            self._seen.append(request)


class _Server(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int], handler: type[_Handler], owner: FeedServer) -> None:
        super().__init__(address, handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) leaves a broken pipe: expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        route = owner._route(self.path) or Route(b"not found", status=404, content_type="text/plain")
        status = None if route.drop else self._status(route)
        # Recorded before answering: the client may look as soon as it has the answer.
        owner._record(SeenRequest(
            path=self.path,
            status=status,
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
            user_agent=self.headers.get("User-Agent"),
        ))
        if route.delay and owner._closing.wait(route.delay):
            return
        if status is None:
            self.close_connection = True
        else:
            self._send(status, route, body=status != HTTPStatus.NOT_MODIFIED)

    def _status(self, route: Route) -> int:
        if route.status == HTTPStatus.OK and self._not_modified(route):
            return HTTPStatus.NOT_MODIFIED
        return route.status

    def _not_modified(self, route: Route) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            tags = {t.strip() for t in if_none_match.split(",")}
            return route.etag is not None and (route.etag in tags or "*" in tags)
        since = self.headers.get("If-Modified-Since")
        if since is None or route.last_modified is None:
            return False
        try:
            return parsedate_to_datetime(route.last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def _send(self, status: int, route: Route, *, body: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if body and route.content_length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if body:
            self.wfile.write(route.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass
