"""Injected faults: the next calls of a method fail as Telegram fails, or lose their connection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from bot.local.types import ApiError
from bot.local.wire import Params
from bot.local.world import BLOCKED

_DEFAULT_FAULT_TEXT = {
    400: "Bad Request",
    403: BLOCKED,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(slots=True)
class Fault:
    method: str
    chat_id: str | None
    error: ApiError | None  # None: drop the connection without an answer
    remaining: int  # -1: never runs out


def _fault_error(status: int, retry_after: int | None, description: str | None) -> ApiError:
    if status == 429:
        seconds = 1 if retry_after is None else retry_after
        return ApiError(429, description or f"Too Many Requests: retry after {seconds}", retry_after=seconds)
    return ApiError(status, description or _DEFAULT_FAULT_TEXT.get(status, HTTPStatus(status).phrase))


class Faults:
    """The faults waiting to happen; ``names`` spells each lower-cased method name as Telegram does."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = names
        self._faults: list[Fault] = []

    def inject(self, method: str, chat_id: int | str | None, *, status: int, retry_after: int | None,
               description: str | None, drop_connection: bool, times: int) -> None:
        """See ``LocalBotApi.inject_fault``."""
        if method.lower() not in self._names:
            raise ValueError(f"{method} is not a method this server knows")
        if not 400 <= status <= 599 or status not in HTTPStatus.__members__.values():
            raise ValueError(f"a fault needs an HTTP error status, not {status}")
        if times < 1 and times != -1:
            raise ValueError(f"times is a count of calls, or -1 for ever, not {times}")
        error = None if drop_connection else _fault_error(status, retry_after, description)
        chat = None if chat_id is None else str(chat_id)
        self._faults.append(Fault(self._names[method.lower()], chat, error, times))

    def clear(self, method: str | None = None) -> None:
        """Withdraw the faults (of ``method`` only, if given) that have not run out."""
        name = None if method is None else self._names[method.lower()]
        self._faults = [fault for fault in self._faults if name is not None and fault.method != name]

    def take(self, method: str, params: Params) -> Fault | None:
        """The oldest fault that applies to this call of ``method``, counted down."""
        for fault in self._faults:
            if fault.method == method and fault.chat_id in (None, params.string("chat_id")):
                if fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
        return None
