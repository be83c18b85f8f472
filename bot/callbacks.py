"""Every inline button's callback data, in one typed codec.

Data reads ``ACTION:ARG:PAGE:SIGNATURE``. The signature is an HMAC of the chat the button
was sent to and the rest, under a secret the deployment keeps in its database: a button
cannot be forged, enumerated, or pressed in another chat (a copy of its data fails the
check there). A text too long for the 64 bytes Telegram allows (a query, a speaker's
name) travels as a key the store keeps for that chat, so it means the same after a
restart. A button that fails any of this is stale, and says so politely.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from storage.text.numbers import parse_count

MAX_DATA_BYTES = 64
_SIGNATURE_CHARS = 11  # 66 bits of HMAC-SHA256: no guessing


class Action(StrEnum):
    SUMMARY = "a"  # ARG: article id
    FULL = "t"  # ARG: article id
    ARTICLE_QUOTES = "q"  # ARG: article id
    SEARCH = "f"  # ARG: key of the query; PAGE
    SPEAKER = "s"  # ARG: key of the speaker's name; PAGE
    LATEST = "l"  # PAGE
    FOLLOW = "w"  # ARG: key of the speaker's name
    UNSUBSCRIBE = "u"  # ARG: subscription id
    DELETE = "x"  # ARG: article id
    KEEP = "k"  # ARG: article id: the deletion asked about is called off


# The actions whose ARG is a key for a text, and the kind of text the store keeps for it.
KEY_KINDS = {Action.SEARCH: "query", Action.SPEAKER: "speaker", Action.FOLLOW: "speaker"}


@dataclass(frozen=True, slots=True)
class Callback:
    action: Action
    arg: str = ""
    page: int = 1

    @property
    def number(self) -> int | None:
        """ARG as an id, when it is one."""
        return parse_count(self.arg)


class CallbackCodec:
    """Encodes and checks callback data with the deployment's signing secret."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def _sign(self, chat_id: int, payload: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}|{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_CHARS]

    def encode(self, chat_id: int, action: Action, arg: str | int = "", page: int = 1) -> str:
        payload = f"{action}:{arg}:{page}"
        data = f"{payload}:{self._sign(chat_id, payload)}"
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"callback data over {MAX_DATA_BYTES} bytes: {payload!r}")
        return data

    def decode(self, chat_id: int, data: str) -> Callback | None:
        """The button pressed in ``chat_id``, or None when it was not made for that chat."""
        payload, _, signature = data.rpartition(":")
        if not payload or not hmac.compare_digest(signature, self._sign(chat_id, payload)):
            return None
        action_text, arg, page_text = [*payload.split(":"), "", ""][:3]
        try:
            action = Action(action_text)
        except ValueError:
            return None
        page = parse_count(page_text)
        return None if page is None else Callback(action, arg, page)


class Buttons:
    """Callback data for one chat: what views use to build their keyboards."""

    def __init__(self, codec: CallbackCodec, chat_id: int) -> None:
        self._codec = codec
        self.chat_id = chat_id

    def __call__(self, action: Action, arg: str | int = "", page: int = 1) -> str:
        return self._codec.encode(self.chat_id, action, arg, page)
