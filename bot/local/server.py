"""HTTP/1.1 on asyncio streams: keep-alive connections, Content-Length and chunked bodies, and
the Bot API's two routes, ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``.

The token in the URL is accepted whatever it is and never stored or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from bot.local.types import ApiError
from bot.local.wire import Reply, error_reply

_LOG = logging.getLogger(__name__)

MAX_BODY_BYTES = 50 * 1024 * 1024  # Telegram's upload limit for bots
_API_PATH = re.compile(r"^/bot[^/]+/([A-Za-z]+)$")
_FILE_PATH = re.compile(r"^/file/bot[^/]+/(.+)$")


class _MalformedRequest(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


# A Bot API method's answer, given its name as in the URL, the request and its query string;
# None drops the connection without an answer.
MethodRoute = Callable[[str, HttpRequest, str], Awaitable[Reply | None]]
FileRoute = Callable[[str], Reply]


def _encode_reply(reply: Reply, *, keep_alive: bool) -> bytes:
    head = (
        f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n"
        f"Server: sokhan-local-bot-api\r\nContent-Type: {reply.content_type}\r\n"
        f"Content-Length: {len(reply.body)}\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + reply.body


async def _read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """The next request on a connection, or None when the client closed it between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise _MalformedRequest(431) from None
    request_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    parts = request_line.split(" ")
    if len(parts) != 3:
        raise _MalformedRequest(400)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return HttpRequest(parts[0].upper(), parts[1], headers, await _read_body(reader, headers))


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader)
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _MalformedRequest(400) from None
    if length > MAX_BODY_BYTES:
        raise _MalformedRequest(413)
    return await reader.readexactly(length) if length > 0 else b""


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip(), 16)
        except ValueError:
            raise _MalformedRequest(400) from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailer fields, unused
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY_BYTES:
            raise _MalformedRequest(413)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


class HttpServer:
    """Serves ``method`` and ``file`` over HTTP/1.1; everything else answers 404."""

    def __init__(self, method: MethodRoute, file: FileRoute) -> None:
        self._method = method
        self._file = file
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0: any free port); returns the port."""
        self._server = await asyncio.start_server(self._serve, host, port)
        port = self._server.sockets[0].getsockname()[1]
        _LOG.info("local Bot API listening on %s:%s", host, port)
        return port

    async def stop(self) -> None:
        """Close the listening socket and every open connection, long polls included."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        connections = list(self._connections)
        for task in connections:
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # stop() cancels this inner task rather than asyncio's own connection task, whose
        # completion callback (Python 3.12.1) fails on a cancelled task.
        task = asyncio.create_task(self._serve_connection(reader, writer))
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)
        (outcome,) = await asyncio.gather(task, return_exceptions=True)
        if isinstance(outcome, Exception):
            _LOG.error("local Bot API: connection failed", exc_info=outcome)

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve_requests(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away mid-request; nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _serve_requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                request = await _read_request(reader)
            except _MalformedRequest as bad:
                writer.write(_encode_reply(error_reply(ApiError(bad.status, HTTPStatus(bad.status).phrase)),
                                           keep_alive=False))
                await writer.drain()
                return
            if request is None:
                return
            reply = await self._respond(request)
            if reply is None:
                return  # an injected dropped connection
            writer.write(_encode_reply(reply, keep_alive=request.keep_alive))
            await writer.drain()
            if not request.keep_alive:
                return

    async def _respond(self, request: HttpRequest) -> Reply | None:
        path, _, query = request.target.partition("?")
        if (file_path := _FILE_PATH.match(path)) is not None:
            return self._file(unquote(file_path[1]))
        if (api_path := _API_PATH.match(path)) is None:
            return error_reply(ApiError(404, "Not Found"))
        return await self._method(api_path[1], request, query)
