"""``LocalBotApi``: the HTTP server, the Bot API methods, injected faults and one simulated world
put together, with the test side's ``Simulation`` as its own API."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Self

from bot.local.faults import Faults
from bot.local.methods import Method, Methods
from bot.local.server import HttpRequest, HttpServer
from bot.local.types import ApiCall, ApiError, LocalUser
from bot.local.users import Simulation
from bot.local.wire import Params, Reply, decode_params, error_reply, json_reply
from bot.local.world import World

_LOG = logging.getLogger(__name__)


class LocalBotApi(Simulation):
    """The Bot API on 127.0.0.1 with one fake bot, plus the users and chats that talk to it."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_id: int = 1000,
        bot_username: str = "sokhan_local_bot",
        bot_name: str = "سخن",
        record_requests: bool = True,
        bale: bool = False,
    ) -> None:
        """``record_requests=False`` keeps no log of requests (``requests`` and ``calls`` then raise).
        A long load test then runs in constant memory.

        ``bale=True`` answers as Bale's Bot API does where it is smaller than Telegram's: no
        inline mode, no command menus, no ``parse_mode`` (text goes as written) and a webhook
        with no ``secret_token``; asking for any of them is refused.
        """
        bot = LocalUser(bot_id, bot_name, username=bot_username, language_code=None, is_bot=True)
        super().__init__(World(bot, record_requests=record_requests))
        self.host = host
        self.port = port
        self.bale = bale
        self._methods = Methods(self._world)
        self._faults = Faults(self._methods.names)
        self._http = HttpServer(self._call, self._file_reply)

    # --- lifecycle ---

    @property
    def base_url(self) -> str:
        """python-telegram-bot's ``base_url``: the token is appended to it."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        self.port = await self._http.start(self.host, self.port)

    async def stop(self) -> None:
        """Close the listening socket and every open connection, long polls included."""
        await self._http.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- requests ---

    async def _call(self, method: str, request: HttpRequest, query: str) -> Reply | None:
        entry = self._methods.find(method)
        if entry is None:
            return error_reply(ApiError(404, "Not Found"))
        try:
            params = decode_params(query, request.headers.get("content-type", ""), request.body)
        except ApiError as error:
            return error_reply(error)
        name, handler = entry
        if self.bale and (refusal := _bale_refusal(name, params)) is not None:
            self._record_call(name, params, refusal.status)
            return error_reply(refusal)
        fault = self._faults.take(name, params)
        if fault is None:
            status, payload = await self._invoke(handler, params)
        elif fault.error is None:
            self._record_call(name, params, 0)
            return None
        else:
            status, payload = fault.error.status, fault.error.payload()
        self._record_call(name, params, status)
        _LOG.debug("local Bot API: %s -> %s", name, status)
        return json_reply(status, payload)

    @staticmethod
    async def _invoke(handler: Method, params: Params) -> tuple[int, dict[str, Any]]:
        try:
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            return error.status, error.payload()
        except Exception:
            _LOG.exception("local Bot API: a method failed")
            return 500, ApiError(500, "Internal Server Error").payload()
        return 200, {"ok": True, "result": result}

    def _record_call(self, name: str, params: Params, status: int) -> None:
        self._world.record(ApiCall(name, dict(params.values), tuple(params.uploads), status))

    def _file_reply(self, path: str) -> Reply:
        stored = next((file for file in self._world.files.values() if file.path == path), None)
        if stored is None:
            return error_reply(ApiError(404, "Not Found"))
        return Reply(200, stored.data, stored.mime_type or "application/octet-stream")

    # --- fault injection ---

    def inject_fault(
        self,
        method: str,
        chat_id: int | str | None = None,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        drop_connection: bool = False,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (in ``chat_id``, if given) fail as Telegram fails.

        ``times=-1`` makes a fault that never runs out, until ``clear_faults``. 429 answers carry
        ``parameters.retry_after`` (default 1 s); 403 defaults to "bot was blocked by the user";
        ``drop_connection`` closes the socket without any answer. The oldest matching fault applies.
        """
        self._faults.inject(method, chat_id, status=status, retry_after=retry_after, description=description,
                            drop_connection=drop_connection, times=times)

    def clear_faults(self, method: str | None = None) -> None:
        """Withdraw the injected faults (of ``method`` only, if given) that have not run out."""
        self._faults.clear(method)

    # --- polling ---

    @property
    def pollers_waiting(self) -> int:
        """How many getUpdates long polls are waiting for an update right now."""
        return self._methods.pollers_waiting

    @property
    def pending_updates(self) -> int:
        return len(self._world.updates)


# What Bale's Bot API does not have.
_BALE_LACKS = frozenset({"answerInlineQuery", "setMyCommands", "getMyCommands", "deleteMyCommands"})
_FORMATTED = frozenset({"sendMessage", "editMessageText", "sendDocument", "sendPhoto", "editMessageCaption"})


def _bale_refusal(name: str, params: Params) -> ApiError | None:
    if name in _BALE_LACKS:
        return ApiError(404, "Not Found: method not found")
    if name in _FORMATTED and params.values.get("parse_mode"):
        return ApiError(400, "Bad Request: parse_mode is not supported")
    if name == "setWebhook" and params.values.get("secret_token"):
        return ApiError(400, "Bad Request: secret_token is not supported")
    return None
