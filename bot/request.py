"""python-telegram-bot's requests over aiohttp, for the senders of bulletins.

A broadcast is thousands of small POSTs to one host. Through httpx most of a delivery's CPU
time went to the HTTP client's own layers (``benchmarks/broadcast.py``); aiohttp, with its
parser in C, sends the same requests for much less. Parameters go as one JSON body (Telegram
takes it, and it skips percent-encoding every byte of a Persian text); a request with files
goes as multipart form data, as PTB's own client sends it.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of ``connection_pool_size`` keep-alive connections."""

    def __init__(self, connection_pool_size: int = 16, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # The JSON body is ours to encode; aiohttp decodes nothing it is not asked to.
                skip_auto_headers=("Accept-Encoding",),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("this AiohttpRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        # aiohttp has no write timeout of its own: a request's writing counts with its reading.
        timeout = aiohttp.ClientTimeout(connect=_add(pool, connect), sock_connect=connect,
                                        sock_read=_add(read, write))
        body: Any = None
        headers = None
        if request_data is not None:
            if files:
                body = _form(request_data)
            else:
                body = json.dumps(request_data.json_parameters, ensure_ascii=False).encode()
                headers = _JSON
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout) as res:
                return res.status, await res.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


def _given(value: Any, default: float | None) -> float | None:
    """A timeout the call gave, else this client's own."""
    return default if value is BaseRequest.DEFAULT_NONE else value


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _form(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
