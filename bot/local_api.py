"""A small Telegram Bot API server on 127.0.0.1: the local mode's backend and the e2e tests' loopback.

``LocalBotApi`` speaks the Bot API's HTTP and JSON closely enough that the real python-telegram-bot
``Application`` runs against it with any token and no internet. It is responsible for:

* HTTP/1.1 on asyncio streams (keep-alive, Content-Length and chunked bodies; JSON, urlencoded and
  multipart requests, decoded the way Telegram decodes them);
* one simulated world: the bot, users, chats (private, groups, channels), messages (with edits,
  deletions, forwards and channel posts), files, updates and long polling, commands, callback and
  inline queries, and the bot's membership (blocked, removed, its group upgraded to a supergroup);
* Telegram's limits, answered with Telegram's error codes and texts, and injected faults;
* the test side, as plain Python: simulated users acting (``user_sends``, ``user_presses``,
  ``user_blocks_bot`` ...) and observation of what the bot did (``sent``, ``wait_for_reply``,
  ``requests`` ...);
* load: sending costs O(1) whatever the number of chats and messages, and ``record_requests=False``
  drops the request log.

The token in the URL is accepted whatever it is and never stored or logged. Every public method
must be called from the thread running the server's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qsl, unquote

_LOG = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_COMMANDS = 100
MAX_BODY_BYTES = 50 * 1024 * 1024  # Telegram's upload limit for bots
_POLL_LIMIT = 100

_CHAT_NOT_FOUND = "Bad Request: chat not found"
_TEXT_EMPTY = "Bad Request: message text is empty"
_TEXT_TOO_LONG = "Bad Request: message is too long"
_CAPTION_TOO_LONG = "Bad Request: message caption is too long"
_BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
_BAD_BUTTON = "Bad Request: can't parse inline keyboard button"
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
_BLOCKED = "Forbidden: bot was blocked by the user"
_DEACTIVATED = "Forbidden: user is deactivated"
_KICKED = {
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}
_DEFAULT_FAULT_TEXT = {
    400: "Bad Request",
    403: _BLOCKED,
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_BUTTON_ACTIONS = (
    "callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "web_app", "login_url", "copy_text", "callback_game", "pay",
)
_API_PATH = re.compile(r"^/bot[^/]+/([A-Za-z]+)$")
_FILE_PATH = re.compile(r"^/file/bot[^/]+/(.+)$")
_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?(?![A-Za-z0-9_@])")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


# --- the simulated world's public types -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalUser:
    """A simulated Telegram user."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "fa"
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        return data | _present(last_name=self.last_name, username=self.username,
                               language_code=self.language_code)


@dataclass(frozen=True, slots=True)
class LocalChat:
    """A simulated chat: private (its id is the user's id), group, supergroup or channel."""

    id: int
    type: str = "private"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @classmethod
    def private(cls, user: LocalUser) -> LocalChat:
        return cls(user.id, "private", username=user.username, first_name=user.first_name,
                   last_name=user.last_name)

    @classmethod
    def group(cls, chat_id: int, title: str, *, supergroup: bool = True) -> LocalChat:
        return cls(chat_id, "supergroup" if supergroup else "group", title=title)

    @classmethod
    def channel(cls, chat_id: int, title: str, username: str | None = None) -> LocalChat:
        """A channel; the bot in it is an administrator, as Telegram only adds bots to channels as such."""
        return cls(chat_id, "channel", title=title, username=username)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        return data | _present(title=self.title, username=self.username, first_name=self.first_name,
                               last_name=self.last_name)


DEFAULT_USER = LocalUser(id=100, first_name="کاربر", last_name="محلی", username="local_user")
# The sender Telegram shows for messages a group sends as itself, such as the supergroup's first message.
GROUP_ANONYMOUS_BOT = LocalUser(1087968824, "Group", username="GroupAnonymousBot", language_code=None,
                                is_bot=True)


class Button(NamedTuple):
    """An inline button; compares equal to a plain ``(text, value)`` tuple."""

    text: str
    value: str  # callback_data, url, or what another kind of button carries


@dataclass(frozen=True, slots=True, kw_only=True)
class SentMessage:
    """A message as it now stands in a chat (edits applied), seen from the test side."""

    chat_id: int
    message_id: int
    text: str | None  # text or caption as the sender wrote it, markup included
    plain_text: str | None  # what Telegram shows: markup parsed away, entities unescaped
    parse_mode: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: str | None = None
    reply_to: int | None = None
    thread_id: int | None = None
    edited: bool = False
    from_bot: bool = True
    inline_message_id: str | None = None

    @property
    def flat_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """The bot's answerInlineQuery; ``results`` are the InlineQueryResult JSON objects."""

    inline_query_id: str
    results: tuple[dict[str, Any], ...]
    next_offset: str
    cache_time: int | None
    is_personal: bool
    button: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the bot made: method, parameters as received (form values are strings)."""

    method: str
    params: Mapping[str, Any]
    files: tuple[str, ...]  # names of the uploaded files
    status: int  # HTTP status answered; 0 when the connection was dropped on purpose


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``.

    ``retry_after`` and ``migrate_to_chat_id`` go into the answer's ResponseParameters, from which
    python-telegram-bot raises RetryAfter and ChatMigrated.
    """

    def __init__(self, status: int, description: str, *, retry_after: int | None = None,
                 migrate_to_chat_id: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        parameters = _present(migrate_to_chat_id=self.migrate_to_chat_id, retry_after=self.retry_after)
        if parameters:
            body["parameters"] = parameters
        return body


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


# --- text: entities, commands, keyboards -----------------------------------------------------


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_HTML_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "code": "code", "pre": "pre", "a": "text_link", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class _HtmlEntities(HTMLParser):
    """Turns Telegram's HTML parse mode into plain text plus MessageEntity JSON."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.entities: list[dict[str, Any]] = []
        self._offset = 0
        self._open: list[tuple[str, dict[str, Any] | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append((tag, self._entity(tag, dict(attrs))))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                entity = self._open.pop(index)[1]
                if entity is not None and self._offset > entity["offset"]:
                    self.entities.append(entity | {"length": self._offset - entity["offset"]})
                return

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._offset += utf16_len(data)

    def _entity(self, tag: str, attrs: dict[str, str | None]) -> dict[str, Any] | None:
        is_spoiler = tag == "span" and attrs.get("class") == "tg-spoiler"
        kind = "spoiler" if is_spoiler else _HTML_ENTITY_TYPES.get(tag)
        if kind == "code" and self._open and self._open[-1][0] == "pre":
            self._set_pre_language(attrs.get("class") or "")
            return None  # <pre><code class="language-x"> is one pre entity, as in Telegram
        if kind is None:
            return None
        entity: dict[str, Any] = {"type": kind, "offset": self._offset}
        if kind == "text_link":
            entity["url"] = attrs.get("href") or ""
        elif kind == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        return entity

    def _set_pre_language(self, css_class: str) -> None:
        pre = self._open[-1][1]
        if pre is not None and css_class.startswith("language-"):
            pre["language"] = css_class.removeprefix("language-")


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of an HTML parse-mode text; unknown tags are dropped, text kept."""
    parser = _HtmlEntities()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts), sorted(parser.entities, key=lambda entity: entity["offset"])


def _formatted(raw: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(raw)
    # MarkdownV2 is not parsed: its text counts and shows as sent.
    return raw, entities if isinstance(entities, list) else []


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities, as Telegram's clients mark ``/find`` or ``/find@bot`` words."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: found.start()]), "length": utf16_len(found[0])}
        for found in _BOT_COMMAND.finditer(text)
    ]


def _check_text(plain: str) -> None:
    if not plain.strip():
        raise ApiError(400, _TEXT_EMPTY)
    if len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(400, _TEXT_TOO_LONG)


def _with_entities(key: str, plain: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {key: plain}
    if entities:
        fields["caption_entities" if key == "caption" else "entities"] = entities
    return fields


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, f"{_BAD_BUTTON}: Field \"text\" must be of type String")
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise ApiError(400, f"{_BAD_BUTTON}: Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
        raise ApiError(400, _BUTTON_DATA_INVALID)
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise ApiError(400, f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def inline_keyboard(markup: Any) -> list[list[dict[str, Any]]] | None:
    """The validated rows of an InlineKeyboardMarkup; None for reply keyboards, which messages don't carry."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an '
                            "Array of Arrays")
    for row in rows:
        for button in row:
            _check_button(button)
    return rows


def _button(data: dict[str, Any]) -> Button:
    for action in _BUTTON_ACTIONS:
        value = data.get(action)
        if isinstance(value, dict):  # web_app, login_url, copy_text carry an object
            value = value.get("url") or value.get("text")
        if value is not None:
            return Button(data["text"], str(value))
    return Button(data["text"], "")


# --- HTTP ----------------------------------------------------------------------------------


class _MalformedRequest(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True, slots=True)
class _HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


def _json_reply(status: int, payload: Any) -> _Reply:
    return _Reply(status, json.dumps(payload, ensure_ascii=False).encode())


def _error_reply(error: ApiError) -> _Reply:
    return _json_reply(error.status, error.payload())


def _encode_reply(reply: _Reply, *, keep_alive: bool) -> bytes:
    head = (
        f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n"
        f"Server: sokhan-local-bot-api\r\nContent-Type: {reply.content_type}\r\n"
        f"Content-Length: {len(reply.body)}\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + reply.body


async def _read_request(reader: asyncio.StreamReader) -> _HttpRequest | None:
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
    return _HttpRequest(parts[0].upper(), parts[1], headers, await _read_body(reader, headers))


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


_HEADER_PARAM = re.compile(r';\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))')
_FORM_ESCAPE = re.compile(r"%(22|[01][0-9A-Fa-f])")


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    """``text/plain; a="b"`` → ("text/plain", {"a": "b"}), undoing httpx's HTML5 form escaping."""
    main, _, rest = value.partition(";")
    params = {}
    for found in _HEADER_PARAM.finditer(";" + rest):
        quoted = found[2]
        if quoted is None:
            params[found[1].lower()] = found[3].strip()
        else:
            unescaped = re.sub(r"\\(.)", r"\1", quoted)
            params[found[1].lower()] = _FORM_ESCAPE.sub(lambda hit: chr(int(hit[1], 16)), unescaped)
    return main.strip().lower(), params


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    fields: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            continue
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in head.decode().strip().split("\r\n"))
        )
        _, disposition = _header_params(headers.get("content-disposition", ""))
        name, content = disposition.get("name"), content.removesuffix(b"\r\n")
        if name and "filename" in disposition:
            uploads[name] = Upload(disposition["filename"], headers.get("content-type", ""), content)
        elif name:
            fields[name] = content.decode()
    return fields, uploads


def _parse_params(request: _HttpRequest, query: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Query-string and body parameters; python-telegram-bot posts form data, others may post JSON."""
    values: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    content_type, options = _header_params(request.headers.get("content-type", ""))
    if not request.body:
        return values, {}
    if content_type == "multipart/form-data" and "boundary" in options:
        fields, uploads = _parse_multipart(request.body, options["boundary"])
        return values | fields, uploads
    if content_type == "application/x-www-form-urlencoded":
        return values | dict(parse_qsl(request.body.decode(), keep_blank_values=True)), {}
    if content_type == "application/json":
        try:
            decoded = json.loads(request.body)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request body") from None
        if isinstance(decoded, dict):
            return values | decoded, {}
    return values, {}


class _Params:
    """One request's parameters, decoded to the type each method asks for.

    Form values are strings (python-telegram-bot JSON-encodes every value that is not a string);
    JSON bodies carry typed values. The accessors accept both, as Telegram does.
    """

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value is None or isinstance(value, str) else json.dumps(value)

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def integer(self, name: str) -> int | None:
        value = self.number(name)
        return None if value is None else int(value)

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An uploaded part (directly or via ``attach://``), else a file_id or URL string."""
        value = self.string(name)
        if name in self.uploads:
            return self.uploads[name]
        if value and value.startswith("attach://"):
            return self.uploads.get(value.removeprefix("attach://"))
        return value


# --- the server's own records ---------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    """A message in the simulated world; ``json`` is what Telegram would return for it now."""

    chat_id: int
    message_id: int
    sender_id: int
    json: dict[str, Any]
    raw_text: str | None
    parse_mode: str | None
    via_bot: bool = False
    edited: bool = False
    inline_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    data: bytes

    @property
    def path(self) -> str:
        return f"documents/{self.file_unique_id}"

    def document_json(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_name": self.file_name,
                "mime_type": self.mime_type, "file_size": len(self.data)}


@dataclass(slots=True)
class _Fault:
    method: str
    chat_id: str | None
    error: ApiError | None  # None: drop the connection without an answer
    remaining: int  # -1: never runs out


class _Absence(NamedTuple):
    """How the bot is out of a group or channel: its ChatMember status there, and what sends get."""

    status: str  # "left" or "kicked"
    refusal: str  # the 403 description


@dataclass(slots=True)
class _InlineQuery:
    user: LocalUser
    query: str
    answered: bool = False


def _now() -> int:
    return int(time.time())


def _sent_message(record: _Record, bot_id: int) -> SentMessage:
    data = record.json
    rows = data.get("reply_markup", {}).get("inline_keyboard", [])
    reply = data.get("reply_to_message")
    return SentMessage(
        chat_id=record.chat_id,
        message_id=record.message_id,
        text=record.raw_text,
        plain_text=data.get("text", data.get("caption")),
        parse_mode=record.parse_mode,
        buttons=tuple(tuple(_button(button) for button in row) for row in rows),
        document=data["document"].get("file_name") if "document" in data else None,
        reply_to=reply["message_id"] if reply else None,
        thread_id=data.get("message_thread_id"),
        edited=record.edited,
        from_bot=record.sender_id == bot_id,
        inline_message_id=record.inline_message_id,
    )


# --- the server -----------------------------------------------------------------------------


class LocalBotApi:
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
    ) -> None:
        """``record_requests=False`` keeps no log of requests (``requests`` and ``calls`` then raise).

        A long load test then runs in constant memory.
        """
        self.host = host
        self.port = port
        self.bot = LocalUser(bot_id, bot_name, username=bot_username, language_code=None, is_bot=True)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._version = 0
        self._changed = asyncio.Event()
        self._users: dict[int, LocalUser] = {}
        self._chats: dict[int, LocalChat] = {}
        self._members: dict[int, set[int]] = {}
        self._admins: dict[int, tuple[int | None, tuple[int, ...]]] = {}
        self._usernames: dict[str, int] = {}
        self._left: dict[int, _Absence] = {}
        self._blocked: set[int] = set()
        self._deactivated: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._messages: dict[int, dict[int, _Record]] = {}
        self._bot_counts: dict[int, int] = {}
        self._bot_total = 0
        self._next_message_id: dict[int, int] = {}
        self._inline_messages: dict[str, _Record] = {}
        self._updates: list[tuple[int, str, dict[str, Any]]] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._pollers = 0
        self._poll_generation = 0
        self._webhook_url = ""
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._open_callback_queries: set[str] = set()
        self._inline_queries: dict[str, _InlineQuery] = {}
        self._inline_answers: dict[str, InlineAnswer] = {}
        self._callback_answers: list[CallbackAnswer] = []
        self._faults: list[_Fault] = []
        self._record_requests = record_requests
        self._requests: list[ApiCall] = []
        self._methods = self._method_table()

    def _method_table(self) -> dict[str, tuple[str, Callable[[_Params], Any]]]:
        handlers: dict[str, Callable[[_Params], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "leaveChat": self._leave_chat,
        }
        # Telegram matches method names case-insensitively.
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    # --- lifecycle ---

    @property
    def base_url(self) -> str:
        """python-telegram-bot's ``base_url``: the token is appended to it."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        _LOG.info("local Bot API listening on %s:%s", self.host, self.port)

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

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- connections ---

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
                writer.write(_encode_reply(_error_reply(ApiError(bad.status, HTTPStatus(bad.status).phrase)),
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

    async def _respond(self, request: _HttpRequest) -> _Reply | None:
        path, _, query = request.target.partition("?")
        if (file_path := _FILE_PATH.match(path)) is not None:
            return self._file_reply(unquote(file_path[1]))
        api_path = _API_PATH.match(path)
        entry = self._methods.get(api_path[1].lower()) if api_path else None
        if entry is None:
            return _error_reply(ApiError(404, "Not Found"))
        try:
            params = _Params(*_parse_params(request, query))
        except ApiError as error:
            return _error_reply(error)
        return await self._call(*entry, params)

    def _file_reply(self, path: str) -> _Reply:
        stored = next((file for file in self._files.values() if file.path == path), None)
        if stored is None:
            return _error_reply(ApiError(404, "Not Found"))
        return _Reply(200, stored.data, stored.mime_type or "application/octet-stream")

    async def _call(self, name: str, handler: Callable[[_Params], Any], params: _Params) -> _Reply | None:
        fault = self._take_fault(name, params)
        if fault is None:
            status, payload = await self._invoke(handler, params)
        elif fault.error is None:
            self._record_call(name, params, 0)
            return None
        else:
            status, payload = fault.error.status, fault.error.payload()
        self._record_call(name, params, status)
        _LOG.debug("local Bot API: %s -> %s", name, status)
        return _json_reply(status, payload)

    @staticmethod
    async def _invoke(handler: Callable[[_Params], Any], params: _Params) -> tuple[int, dict[str, Any]]:
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

    def _record_call(self, name: str, params: _Params, status: int) -> None:
        if self._record_requests:
            self._requests.append(ApiCall(name, dict(params.values), tuple(params.uploads), status))
        self._touch()

    # --- change notification ---

    def _touch(self) -> None:
        """Record that the world changed and wake everyone waiting for a change."""
        self._version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    @property
    def version(self) -> int:
        """Increases on every change: a request handled, an update queued, a user acting."""
        return self._version

    # The waits below take a timeout, as the tests read better with one per call than with
    # asyncio.timeout blocks around each of them.
    async def wait_for_change(self, since: int, timeout: float | None = None) -> int:  # noqa: ASYNC109
        """Wait until ``version`` exceeds ``since``; return it. Raises TimeoutError."""
        if self._version <= since:
            await asyncio.wait_for(self._changed.wait(), timeout)
        return self._version

    async def wait_until[T](
        self, condition: Callable[[], T | None], *, timeout: float = 5.0  # noqa: ASYNC109
    ) -> T:
        """The first truthy value of ``condition()``, re-checked on every change (and every 50 ms)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            seen = self._version
            result = condition()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [call.method for call in self._requests[-10:]]
                raise TimeoutError(f"condition not met within {timeout}s; the bot's last calls: {recent}")
            # The periodic re-check lets conditions look at state outside this server, too.
            with contextlib.suppress(TimeoutError):
                await self.wait_for_change(seen, min(remaining, 0.05))

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
        if method.lower() not in self._methods:
            raise ValueError(f"{method} is not a method this server knows")
        if not 400 <= status <= 599 or status not in HTTPStatus.__members__.values():
            raise ValueError(f"a fault needs an HTTP error status, not {status}")
        if times < 1 and times != -1:
            raise ValueError(f"times is a count of calls, or -1 for ever, not {times}")
        error = None if drop_connection else _fault_error(status, retry_after, description)
        chat = None if chat_id is None else str(chat_id)
        self._faults.append(_Fault(self._methods[method.lower()][0], chat, error, times))

    def clear_faults(self, method: str | None = None) -> None:
        """Withdraw the injected faults (of ``method`` only, if given) that have not run out."""
        name = None if method is None else self._methods[method.lower()][0]
        self._faults = [fault for fault in self._faults if name is not None and fault.method != name]

    def _take_fault(self, method: str, params: _Params) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.chat_id in (None, params.string("chat_id")):
                if fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
        return None

    # --- the world: users and chats ---

    def add_chat(self, chat: LocalChat, members: Iterable[LocalUser] = ()) -> None:
        """Make a chat known to the bot (a private chat as if its user had pressed Start).

        A bot that had left or been removed is back in the chat. Costs O(1) plus the members.
        """
        previous = self._chats.get(chat.id)
        if previous is not None and previous.username:
            self._usernames.pop(previous.username.lower(), None)
        self._chats[chat.id] = chat
        if chat.username:
            self._usernames[chat.username.lower()] = chat.id
        self._left.pop(chat.id, None)
        self._messages.setdefault(chat.id, {})
        for user in members:
            self._users[user.id] = user
            self._members.setdefault(chat.id, set()).add(user.id)
        if chat.type == "private" and chat.id not in self._users:
            self._users[chat.id] = LocalUser(chat.id, chat.first_name or "", chat.last_name, chat.username)
            self._members.setdefault(chat.id, set()).add(chat.id)

    def add_chats(self, chats: Iterable[LocalChat]) -> None:
        """``add_chat`` for many chats at once, such as thousands of subscribers' private chats."""
        for chat in chats:
            self.add_chat(chat)

    def set_admins(self, chat_id: int, admin_ids: Iterable[int], *, owner_id: int | None = None) -> None:
        """The administrators getChatAdministrators and getChatMember report for a group."""
        self._admins[chat_id] = (owner_id, tuple(admin_ids))

    def _participants(self, user: LocalUser | None, chat: LocalChat | None) -> tuple[LocalUser, LocalChat]:
        user = user or DEFAULT_USER
        chat = chat or LocalChat.private(user)
        if chat.type == "private" and chat.id != user.id:
            raise ValueError("a private chat's id is its user's id")
        if chat.type == "channel":
            raise ValueError("users don't write in channels as themselves; use user_posts_in_channel()")
        if user.id in self._deactivated:
            raise ValueError(f"user {user.id} is deactivated")
        if chat.type == "private" and user.id in self._blocked:
            raise ValueError(f"user {user.id} has blocked the bot; user_unblocks_bot() first")
        self._check_present(chat)
        self.add_chat(chat, [user])
        return user, chat

    def _check_present(self, chat: LocalChat) -> None:
        if chat.id in self._migrated:
            raise ValueError(f"group {chat.id} is now supergroup {self._migrated[chat.id]}")
        if chat.id in self._left:
            raise ValueError(f"the bot has left chat {chat.id}; add_chat() brings it back")

    def _user(self, user_id: int) -> LocalUser:
        user = self._users.get(user_id)
        if user is None:
            raise LookupError(f"no user {user_id}; add_chat() their private chat first")
        return user

    def _resolve_chat(self, params: _Params, name: str = "chat_id") -> LocalChat:
        reference = params.string(name)
        if not reference:
            raise ApiError(400, f"Bad Request: {name} is empty")
        if reference.startswith("@"):
            chat_id = self._usernames.get(reference[1:].lower())
            chat = None if chat_id is None else self._chats.get(chat_id)
        else:
            chat = self._chats.get(int(reference)) if reference.lstrip("-").isdigit() else None
        if chat is None:
            raise ApiError(400, _CHAT_NOT_FOUND)
        if chat.id in self._migrated:
            raise ApiError(400, _UPGRADED, migrate_to_chat_id=self._migrated[chat.id])
        return chat

    def _writable_chat(self, params: _Params) -> LocalChat:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            if chat.id in self._deactivated:
                raise ApiError(403, _DEACTIVATED)
            if chat.id in self._blocked:
                raise ApiError(403, _BLOCKED)
        elif (absence := self._left.get(chat.id)) is not None:
            raise ApiError(403, absence.refusal)
        return chat

    # --- the world: messages ---

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _store(self, chat: LocalChat, sender: LocalUser | None, content: dict[str, Any], *,
               raw_text: str | None, parse_mode: str | None = None, via_bot: bool = False,
               sender_chat: LocalChat | None = None) -> _Record:
        """Add a message to the chat. ``sender`` None: the chat itself posts (a channel post).

        In a channel, as in Telegram, no message has ``from``: the channel is its ``sender_chat``.
        """
        message_id = self._new_message_id(chat.id)
        data: dict[str, Any] = {"message_id": message_id}
        if chat.type == "channel":
            sender_chat = chat
        elif sender is not None:
            data["from"] = sender.to_json()
        if sender_chat is not None:
            data["sender_chat"] = sender_chat.to_json()
        data |= {"chat": chat.to_json(), "date": _now()}
        if via_bot:
            data["via_bot"] = self.bot.to_json()
        sender_id = chat.id if sender is None else sender.id
        record = _Record(chat.id, message_id, sender_id, data | content, raw_text, parse_mode, via_bot)
        self._messages.setdefault(chat.id, {})[message_id] = record
        if sender_id == self.bot.id:
            self._count_bot_message(chat.id, 1)
        self._touch()
        return record

    def _count_bot_message(self, chat_id: int, change: int) -> None:
        self._bot_counts[chat_id] = self._bot_counts.get(chat_id, 0) + change
        self._bot_total += change

    def _message(self, chat_id: int, message_id: int | None) -> _Record | None:
        return self._messages.get(chat_id, {}).get(message_id) if message_id is not None else None

    def _bot_message(self, chat: LocalChat, params: _Params, content: dict[str, Any], *,
                     raw_text: str | None, parse_mode: str | None) -> dict[str, Any]:
        """Store a message the bot sends, with the options every send method shares."""
        rows = inline_keyboard(params.json("reply_markup"))
        extra: dict[str, Any] = {}
        if rows is not None:
            extra["reply_markup"] = {"inline_keyboard": rows}
        if (replied := self._reply_target(chat, params)) is not None:
            extra["reply_to_message"] = {k: v for k, v in replied.json.items() if k != "reply_to_message"}
        if (thread_id := params.integer("message_thread_id")) is not None and chat.type != "private":
            extra["message_thread_id"] = thread_id
        if isinstance(preview := params.json("link_preview_options"), dict):
            extra["link_preview_options"] = preview
        record = self._store(chat, self.bot, content | extra, raw_text=raw_text, parse_mode=parse_mode)
        return record.json

    def _reply_target(self, chat: LocalChat, params: _Params) -> _Record | None:
        reply = params.json("reply_parameters")
        if not isinstance(reply, dict):
            legacy = params.integer("reply_to_message_id")
            reply = {"message_id": legacy} if legacy is not None else None
        if reply is None:
            return None
        target_chat = reply.get("chat_id", chat.id)
        record = self._message(int(target_chat) if str(target_chat).lstrip("-").isdigit() else chat.id,
                               reply.get("message_id"))
        if record is None and not reply.get("allow_sending_without_reply"):
            raise ApiError(400, "Bad Request: message to be replied not found")
        return record

    def _editable(self, params: _Params) -> _Record:
        inline_id = params.string("inline_message_id")
        if inline_id:
            if inline_id not in self._inline_messages:
                raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
            return self._inline_messages[inline_id]
        chat = self._resolve_chat(params)
        record = self._message(chat.id, params.integer("message_id"))
        if record is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if record.sender_id != self.bot.id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return record

    def _apply_edit(self, record: _Record, content: dict[str, Any], params: _Params, *,
                    replaces: tuple[str, ...], raw_text: str | None, parse_mode: str | None) -> Any:
        """Swap the ``replaces`` fields for ``content``; as in Telegram, no reply_markup drops buttons."""
        rows = inline_keyboard(params.json("reply_markup"))
        updated = {k: v for k, v in record.json.items() if k not in ("reply_markup", *replaces)} | content
        if rows:
            updated["reply_markup"] = {"inline_keyboard": rows}
        if _edit_view(updated) == _edit_view(record.json):
            raise ApiError(400, _NOT_MODIFIED)
        record.json = updated | {"edit_date": _now()}
        record.raw_text, record.parse_mode, record.edited = raw_text, parse_mode, True
        self._touch()
        return True if params.string("inline_message_id") else record.json

    # --- the world: updates ---

    def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        # A snapshot: later edits of the message must not change an update already queued.
        self._updates.append((update_id, kind, copy.deepcopy(payload)))
        self._touch()
        return update_id

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [update for update in self._updates if update[0] >= offset]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        wanted = [update for update in self._updates
                  if self._allowed_updates is None or update[1] in self._allowed_updates]
        return [{"update_id": update_id, kind: payload} for update_id, kind, payload in wanted[:limit]]

    @property
    def pollers_waiting(self) -> int:
        """How many getUpdates long polls are waiting for an update right now."""
        return self._pollers

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # --- Bot API methods: identity, updates, webhook, commands ---

    def _get_me(self, params: _Params) -> dict[str, Any]:
        return self.bot.to_json() | {
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True,
            "can_connect_to_business": False, "has_main_web_app": False,
        }

    async def _get_updates(self, params: _Params) -> list[dict[str, Any]]:
        if self._webhook_url:
            raise ApiError(409, _WEBHOOK_CONFLICT)
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else None
        if (offset := params.integer("offset")) is not None:
            self._confirm(offset)
        limit = min(max(params.integer("limit") or _POLL_LIMIT, 1), _POLL_LIMIT)
        self._poll_generation += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(params.number("timeout") or 0, 0)
        return await self._long_poll(self._poll_generation, limit, deadline)

    async def _long_poll(self, generation: int, limit: int, deadline: float) -> list[dict[str, Any]]:
        """Updates as soon as there are any, else an empty list at the deadline (loop time)."""
        loop = asyncio.get_running_loop()
        while not (ready := self._deliverable(limit)) and (remaining := deadline - loop.time()) > 0:
            self._pollers += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await self.wait_for_change(self._version, remaining)
            finally:
                self._pollers -= 1
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
        return ready

    def _set_webhook(self, params: _Params) -> bool:
        url = params.string("url") or ""
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        return True

    def _delete_webhook(self, params: _Params) -> bool:
        self._webhook_url = ""
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: _Params) -> dict[str, Any]:
        return {"url": self._webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    @staticmethod
    def _commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    def _set_my_commands(self, params: _Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list)
                           else "Bad Request: can't parse commands JSON object")
        for command in commands:
            _check_command(command)
        key = self._commands_key(params.json("scope"), params.string("language_code"))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: _Params) -> list[dict[str, str]]:
        key = self._commands_key(params.json("scope"), params.string("language_code"))
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: _Params) -> bool:
        self._commands.pop(self._commands_key(params.json("scope"), params.string("language_code")), None)
        return True

    # --- Bot API methods: messages ---

    def _send_message(self, params: _Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        raw, parse_mode = params.string("text") or "", params.string("parse_mode")
        plain, entities = _formatted(raw, parse_mode, params.json("entities"))
        _check_text(plain)
        return self._bot_message(chat, params, _with_entities("text", plain, entities),
                                 raw_text=raw, parse_mode=parse_mode)

    def _send_document(self, params: _Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        stored = self._document(params.file("document"))
        content, raw, parse_mode = self._caption(params)
        return self._bot_message(chat, params, {"document": stored.document_json()} | content,
                                 raw_text=raw, parse_mode=parse_mode)

    def _caption(self, params: _Params) -> tuple[dict[str, Any], str | None, str | None]:
        raw, parse_mode = params.string("caption"), params.string("parse_mode")
        if not raw:
            return {}, None, parse_mode
        plain, entities = _formatted(raw, parse_mode, params.json("caption_entities"))
        if len(plain) > MAX_CAPTION_LENGTH:
            raise ApiError(400, _CAPTION_TOO_LONG)
        return _with_entities("caption", plain, entities), raw, parse_mode

    def _document(self, source: Upload | str | None) -> _StoredFile:
        if isinstance(source, Upload):
            if not source.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self._store_file(source.filename or "document", source.content_type, source.data)
        if not source:
            raise ApiError(400, "Bad Request: there is no document in the request")
        if source in self._files:
            return self._files[source]
        if source.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")  # no internet here
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _store_file(self, name: str, mime_type: str, data: bytes) -> _StoredFile:
        number = len(self._files) + 1
        stored = _StoredFile(f"BQACAgLocal{number:08d}", f"AgADLocal{number:04d}", name,
                             mime_type or "application/octet-stream", data)
        self._files[stored.file_id] = stored
        return stored

    def _send_chat_action(self, params: _Params) -> bool:
        self._writable_chat(params)
        if params.string("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _edit_message_text(self, params: _Params) -> Any:
        record = self._editable(params)
        if "text" not in record.json:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        raw, parse_mode = params.string("text") or "", params.string("parse_mode")
        plain, entities = _formatted(raw, parse_mode, params.json("entities"))
        _check_text(plain)
        content = _with_entities("text", plain, entities)
        if isinstance(preview := params.json("link_preview_options"), dict):
            content["link_preview_options"] = preview
        return self._apply_edit(record, content, params, replaces=("text", "entities"), raw_text=raw,
                                parse_mode=parse_mode)

    def _edit_message_caption(self, params: _Params) -> Any:
        record = self._editable(params)
        if "text" in record.json:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        content, raw, parse_mode = self._caption(params)
        return self._apply_edit(record, content, params, replaces=("caption", "caption_entities"),
                                raw_text=raw, parse_mode=parse_mode)

    def _edit_message_reply_markup(self, params: _Params) -> Any:
        record = self._editable(params)
        return self._apply_edit(record, {}, params, replaces=(), raw_text=record.raw_text,
                                parse_mode=record.parse_mode)

    def _delete_message(self, params: _Params) -> bool:
        chat = self._resolve_chat(params)
        record = self._messages.get(chat.id, {}).pop(params.integer("message_id") or 0, None)
        if record is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if record.sender_id == self.bot.id:
            self._count_bot_message(chat.id, -1)
        self._touch()
        return True

    # --- Bot API methods: queries and files ---

    def _answer_callback_query(self, params: _Params) -> bool:
        query_id = params.string("callback_query_id") or ""
        if query_id not in self._open_callback_queries:
            raise ApiError(400, _QUERY_INVALID)
        self._open_callback_queries.discard(query_id)
        self._callback_answers.append(
            CallbackAnswer(query_id, params.string("text"), params.flag("show_alert"), params.string("url")))
        return True

    def _answer_inline_query(self, params: _Params) -> bool:
        query_id = params.string("inline_query_id") or ""
        query = self._inline_queries.get(query_id)
        if query is None or query.answered:
            raise ApiError(400, _QUERY_INVALID)
        results = params.json("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse results JSON object")
        _check_inline_results(results)
        button = params.json("button")
        query.answered = True
        self._inline_answers[query_id] = InlineAnswer(
            query_id, tuple(results), params.string("next_offset") or "", params.integer("cache_time"),
            params.flag("is_personal"), button if isinstance(button, dict) else None)
        return True

    def _get_file(self, params: _Params) -> dict[str, Any]:
        stored = self._files.get(params.string("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data), "file_path": stored.path}

    # --- Bot API methods: chats and members ---

    def _get_chat(self, params: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
        return chat.to_json() | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _member_json(self, chat: LocalChat, user_id: int) -> dict[str, Any]:
        """The ChatMember JSON of a user, or of the bot, in the chat."""
        user = self.bot if user_id == self.bot.id else self._users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        owner, admins = self._admins.get(chat.id, (None, ()))
        is_bot = user_id == self.bot.id
        absence = self._left.get(chat.id) if is_bot else None
        if is_bot and chat.type == "private" and chat.id in self._blocked:
            absence = _Absence("kicked", _BLOCKED)
        if absence is not None:
            return _status_json(user, absence.status)
        if user_id == owner:
            return {"user": user.to_json(), "status": "creator", "is_anonymous": False}
        if user_id in admins or (is_bot and chat.type == "channel"):
            rights = _CHANNEL_ADMIN_RIGHTS if chat.type == "channel" else _ADMIN_RIGHTS
            return {"user": user.to_json(), "status": "administrator"} | rights
        if is_bot or user_id in self._members.get(chat.id, set()):
            return _status_json(user, "member")
        return _status_json(user, "left")

    def _get_chat_member(self, params: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        return self._member_json(chat, params.integer("user_id") or 0)

    def _get_chat_administrators(self, params: _Params) -> list[dict[str, Any]]:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        owner, admins = self._admins.get(chat.id, (None, ()))
        ids = ([owner] if owner else []) + list(admins)
        if chat.type == "channel" and self.bot.id not in ids and chat.id not in self._left:
            ids.append(self.bot.id)
        return [self._member_json(chat, user_id) for user_id in ids]

    def _leave_chat(self, params: _Params) -> bool:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        self._left[chat.id] = _Absence("left", f"Forbidden: bot is not a member of the {chat.type} chat")
        return True

    # --- simulated users ---

    def user_sends(self, text: str, *, user: LocalUser | None = None, chat: LocalChat | None = None,
                   reply_to: int | None = None) -> int:
        """A user writes ``text`` (private chat by default); ``/commands`` become bot_command entities.

        Returns the update id.
        """
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        user, chat = self._participants(user, chat)
        content: dict[str, Any] = _with_entities("text", text, command_entities(text))
        if (replied := self._message(chat.id, reply_to)) is not None:
            content["reply_to_message"] = replied.json
        record = self._store(chat, user, content, raw_text=text)
        return self._push_update("message", record.json)

    def user_sends_document(self, filename: str, data: bytes, *, user: LocalUser | None = None,
                            chat: LocalChat | None = None, caption: str | None = None,
                            mime_type: str = "application/octet-stream") -> int:
        """A user uploads a file; the bot can getFile and download it. Returns the update id."""
        user, chat = self._participants(user, chat)
        stored = self._store_file(filename, mime_type, data)
        content = {"document": stored.document_json()} | _present(caption=caption)
        record = self._store(chat, user, content, raw_text=caption)
        return self._push_update("message", record.json)

    def user_posts_in_channel(self, text: str, *, chat: LocalChat,
                              author_signature: str | None = None) -> int:
        """An administrator posts ``text`` in a channel the bot administers: a ``channel_post`` update.

        The post has the channel as ``sender_chat`` and no ``from``; ``/commands`` become bot_command
        entities. Returns the update id.
        """
        if chat.type != "channel":
            raise ValueError(f"chat {chat.id} is a {chat.type}, not a channel")
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        self._check_present(chat)
        self.add_chat(chat)
        content = _with_entities("text", text, command_entities(text)) | _present(
            author_signature=author_signature)
        record = self._store(chat, None, content, raw_text=text)
        return self._push_update("channel_post", record.json)

    def user_forwards(
        self,
        text: str,
        *,
        origin_chat: LocalChat | None = None,
        origin_message_id: int | None = None,
        origin_user: LocalUser | None = None,
        origin_hidden_user: str | None = None,
        author_signature: str | None = None,
        user: LocalUser | None = None,
        chat: LocalChat | None = None,
        document: tuple[str, bytes] | None = None,
    ) -> int:
        """A user forwards a message into a chat with the bot (private by default).

        Exactly one origin: ``origin_chat`` (a channel's post ``origin_message_id``, or a message a
        group sent as itself), ``origin_user``, or ``origin_hidden_user`` (the name of a user who hides
        their account in forwards). The update's message has ``forward_origin`` as in Bot API 7.0+;
        ``text`` is its text, or the caption of ``document`` (a file name and its bytes).
        Returns the update id.
        """
        if (origin_chat is None) + (origin_user is None) + (origin_hidden_user is None) != 2:
            raise ValueError("give exactly one of origin_chat, origin_user and origin_hidden_user")
        if document is None and not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        origin = self._forward_origin(origin_chat, origin_message_id, origin_user, origin_hidden_user,
                                      author_signature)
        user, chat = self._participants(user, chat)
        content: dict[str, Any] = {"forward_origin": origin}
        if document is None:
            content |= _with_entities("text", text, command_entities(text))
        else:
            stored = self._store_file(document[0], "application/octet-stream", document[1])
            content |= {"document": stored.document_json()} | ({"caption": text} if text else {})
        record = self._store(chat, user, content, raw_text=text or None)
        return self._push_update("message", record.json)

    def _forward_origin(self, chat: LocalChat | None, message_id: int | None, user: LocalUser | None,
                        hidden_user: str | None, author_signature: str | None) -> dict[str, Any]:
        """The MessageOrigin JSON; a forwarded post of this world keeps its original date."""
        if user is not None:
            return {"type": "user", "date": _now(), "sender_user": user.to_json()}
        if hidden_user is not None:
            return {"type": "hidden_user", "date": _now(), "sender_user_name": hidden_user}
        if chat is None or chat.type == "private":
            raise ValueError("a private chat's messages are forwarded with origin_user")
        signature = _present(author_signature=author_signature)
        if chat.type != "channel":
            return {"type": "chat", "date": _now(), "sender_chat": chat.to_json()} | signature
        if message_id is None:
            raise ValueError("a channel post's forward needs origin_message_id")
        original = self._message(chat.id, message_id)
        date = original.json["date"] if original is not None else _now()
        return {"type": "channel", "chat": chat.to_json(), "message_id": message_id, "date": date} | signature

    def user_presses(self, message: SentMessage, button: str | int, *, user: LocalUser | None = None) -> int:
        """A user presses an inline button (by its text, or by index counting across rows from 0).

        The message's current state counts, so a button removed by an edit can't be pressed.
        Returns the update id, which is also the callback query's id.
        """
        record = self._current(message)
        rows = record.json.get("reply_markup", {}).get("inline_keyboard", [])
        data = _pick_button([b for row in rows for b in row], button)
        if "callback_data" not in data:
            raise ValueError(f"button {data.get('text')!r} sends no callback query")
        # In a private chat it is that chat's user who presses; an inline message's, its sender.
        owner = record.sender_id if record.via_bot else record.chat_id
        presser = user or self._users.get(owner) or DEFAULT_USER
        query_id = str(self._next_update_id)
        self._open_callback_queries.add(query_id)
        payload: dict[str, Any] = {"id": query_id, "from": presser.to_json(),
                                   "chat_instance": str(record.chat_id), "data": data["callback_data"]}
        if record.inline_message_id:
            payload["inline_message_id"] = record.inline_message_id
        else:
            payload["message"] = record.json
        return self._push_update("callback_query", payload)

    def _current(self, message: SentMessage) -> _Record:
        if message.inline_message_id:
            record = self._inline_messages.get(message.inline_message_id)
        else:
            record = self._message(message.chat_id, message.message_id)
        if record is None:
            raise LookupError(f"message {message.message_id} in chat {message.chat_id} no longer exists")
        return record

    def user_inline_query(self, query: str, offset: str = "", *, user: LocalUser | None = None,
                          chat_type: str = "sender") -> int:
        """A user types ``@bot query``. Returns the update id, which is also the inline query's id."""
        user = user or DEFAULT_USER
        self._users[user.id] = user
        query_id = str(self._next_update_id)
        self._inline_queries[query_id] = _InlineQuery(user, query)
        return self._push_update("inline_query", {"id": query_id, "from": user.to_json(), "query": query,
                                                  "offset": offset, "chat_type": chat_type})

    def user_chooses_inline_result(self, inline_query: int | str, result_id: str, *,
                                   chat: LocalChat | None = None) -> int:
        """The user picks one of the bot's inline results; it is posted "via" the bot into ``chat``.

        A result with a keyboard gets an inline_message_id the bot can edit. Returns the update id.
        """
        query_id = str(inline_query)
        answer, query = self._inline_answers.get(query_id), self._inline_queries.get(query_id)
        result = next((r for r in answer.results if r.get("id") == result_id), None) if answer else None
        if query is None or result is None:
            raise LookupError(f"inline query {query_id} has no answered result {result_id!r}")
        user, chat = self._participants(query.user, chat)
        content_json = result.get("input_message_content") or {"message_text": result.get("title", "")}
        raw, parse_mode = content_json.get("message_text", ""), content_json.get("parse_mode")
        plain, entities = _formatted(raw, parse_mode, content_json.get("entities"))
        content = _with_entities("text", plain, entities)
        rows = inline_keyboard(result.get("reply_markup"))
        if rows:
            content["reply_markup"] = {"inline_keyboard": rows}
        record = self._store(chat, user, content, raw_text=raw, parse_mode=parse_mode, via_bot=True)
        chosen: dict[str, Any] = {"result_id": result_id, "from": user.to_json(), "query": query.query}
        if rows:
            inline_id = f"local-inline-{len(self._inline_messages) + 1}"
            record.inline_message_id = chosen["inline_message_id"] = inline_id
            self._inline_messages[record.inline_message_id] = record
        return self._push_update("chosen_inline_result", chosen)

    # --- the world: the bot blocked, removed, migrated ---

    def user_blocks_bot(self, user_id: int) -> int:
        """The user blocks the bot: sends to them get 403, and a ``my_chat_member`` update says so.

        Returns the update id.
        """
        user = self._user(user_id)
        if user_id in self._blocked:
            raise ValueError(f"user {user_id} has already blocked the bot")
        chat = self._chats.get(user_id) or LocalChat.private(user)
        self.add_chat(chat)  # only a user who has seen the bot can block it
        old = self._member_json(chat, self.bot.id)
        self._blocked.add(user_id)
        return self._push_my_chat_member(chat, user, old)

    def user_unblocks_bot(self, user_id: int) -> int:
        """The user unblocks the bot: it may write to them again (``my_chat_member`` back to member)."""
        user = self._user(user_id)
        if user_id not in self._blocked:
            raise ValueError(f"user {user_id} has not blocked the bot")
        chat = self._chats.get(user_id) or LocalChat.private(user)
        old = self._member_json(chat, self.bot.id)
        self._blocked.discard(user_id)
        return self._push_my_chat_member(chat, user, old)

    def deactivate_user(self, user_id: int) -> None:
        """The user deletes their account: sends to them get 403 "user is deactivated", with no update."""
        self._user(user_id)
        self._deactivated.add(user_id)

    def remove_bot_from_chat(self, chat_id: int, by: LocalUser) -> int:
        """An administrator removes the bot from a group or channel, and the bot gets ``my_chat_member``.

        In a basic group the bot is then "left", elsewhere "kicked"; sends get Telegram's 403 for it.
        ``add_chat`` brings the bot back. Returns the update id.
        """
        chat = self._chats.get(chat_id)
        if chat is None or chat.type == "private":
            raise ValueError(f"{chat_id} is no group or channel this server knows")
        self._check_present(chat)
        old = self._member_json(chat, self.bot.id)
        self._left[chat_id] = _Absence("left" if chat.type == "group" else "kicked", _KICKED[chat.type])
        self._users[by.id] = by
        return self._push_my_chat_member(chat, by, old)

    def _push_my_chat_member(self, chat: LocalChat, by: LocalUser, old: dict[str, Any]) -> int:
        return self._push_update("my_chat_member", {
            "chat": chat.to_json(), "from": by.to_json(), "date": _now(), "old_chat_member": old,
            "new_chat_member": self._member_json(chat, self.bot.id),
        })

    def migrate_group(self, chat_id: int, new_chat_id: int, *, by: LocalUser | None = None) -> LocalChat:
        """A basic group becomes a supergroup with the same title, members and administrators.

        As in Telegram, the bot gets the old group's ``migrate_to_chat_id`` message and the new
        supergroup's ``migrate_from_chat_id`` one, and any request naming the old id answers 400 with
        ``parameters.migrate_to_chat_id``. ``by`` is the user who upgraded (default: the owner).
        Returns the supergroup.
        """
        old = self._chats.get(chat_id)
        if old is None or old.type != "group":
            raise ValueError(f"{chat_id} is no basic group this server knows")
        if new_chat_id in self._chats:
            raise ValueError(f"chat {new_chat_id} already exists")
        self._check_present(old)
        owner, admins = self._admins.get(chat_id, (None, ()))
        upgrader = by or (self._users.get(owner) if owner is not None else None) or DEFAULT_USER
        new = LocalChat(new_chat_id, "supergroup", title=old.title, username=old.username)
        self.add_chat(new)
        self._members[new_chat_id] = set(self._members.get(chat_id, ()))
        if chat_id in self._admins:
            self._admins[new_chat_id] = (owner, admins)
        self._users.setdefault(upgrader.id, upgrader)
        farewell = self._store(old, upgrader, {"migrate_to_chat_id": new_chat_id}, raw_text=None)
        self._migrated[chat_id] = new_chat_id
        self._push_update("message", farewell.json)
        welcome = self._store(new, GROUP_ANONYMOUS_BOT, {"migrate_from_chat_id": chat_id}, raw_text=None,
                              sender_chat=new)
        self._push_update("message", welcome.json)
        return new

    # --- observation ---

    def history(self, chat_id: int) -> list[SentMessage]:
        """Every message now in the chat, the users' and the bot's, oldest first."""
        return [_sent_message(record, self.bot.id) for record in self._messages.get(chat_id, {}).values()]

    def sent(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages now in the chat (edits applied, deletions gone), including inline ones."""
        return [_sent_message(record, self.bot.id) for record in self._messages.get(chat_id, {}).values()
                if record.sender_id == self.bot.id or record.via_bot]

    def bot_message_count(self, chat_id: int) -> int:
        """How many messages the bot has in the chat now (deletions subtracted), in O(1)."""
        return self._bot_counts.get(chat_id, 0)

    def total_bot_messages(self) -> int:
        """``bot_message_count`` summed over every chat, in O(1): the progress of a broadcast."""
        return self._bot_total

    def last_user_message_id(self, chat_id: int) -> int:
        ids = [r.message_id for r in self._messages.get(chat_id, {}).values() if r.sender_id != self.bot.id]
        return max(ids, default=0)

    async def wait_for_reply(
        self, chat_id: int, *, after_message_id: int | None = None, timeout: float = 5.0  # noqa: ASYNC109
    ) -> SentMessage:
        """The bot's first message in the chat after ``after_message_id`` (default: the user's latest)."""
        after = self.last_user_message_id(chat_id) if after_message_id is None else after_message_id

        def reply() -> SentMessage | None:
            return next((m for m in self.sent(chat_id) if m.message_id > after and m.from_bot), None)

        return await self.wait_until(reply, timeout=timeout)

    def inline_answer(self, inline_query: int | str) -> InlineAnswer | None:
        return self._inline_answers.get(str(inline_query))

    def inline_answers(self, inline_query: int | str) -> list[dict[str, Any]]:
        """The results the bot answered to an inline query (empty while unanswered)."""
        answer = self.inline_answer(inline_query)
        return list(answer.results) if answer else []

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._callback_answers)

    def commands(
        self, scope: str | Mapping[str, Any] = "default", language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The command list set for a scope (its type name, or the BotCommandScope JSON) and language."""
        scope_json = {"type": scope} if isinstance(scope, str) else dict(scope)
        key = self._commands_key(scope_json, language_code)
        return [(c["command"], c["description"]) for c in self._commands.get(key, [])]

    @property
    def requests(self) -> list[ApiCall]:
        """Every request answered so far, in the order answered (a long poll counts when it returns)."""
        self._check_recording()
        return list(self._requests)

    def calls(self, method: str) -> list[ApiCall]:
        self._check_recording()
        return [call for call in self._requests if call.method.lower() == method.lower()]

    def _check_recording(self) -> None:
        if not self._record_requests:
            raise RuntimeError("this server was started with record_requests=False")

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data


_ADMIN_RIGHTS = dict.fromkeys(
    ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
     "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
     "can_edit_stories", "can_delete_stories", "can_pin_messages"),
    False,
) | {"can_manage_chat": True, "can_delete_messages": True}
# A channel's administrators have posting rights instead of pinning.
_CHANNEL_ADMIN_RIGHTS = {k: v for k, v in _ADMIN_RIGHTS.items() if k != "can_pin_messages"} | {
    "can_post_messages": True, "can_edit_messages": True}


def _status_json(user: LocalUser, status: str) -> dict[str, Any]:
    """ChatMember JSON without rights: member, left, or kicked (banned for ever: until_date 0)."""
    data: dict[str, Any] = {"user": user.to_json(), "status": status}
    if status == "kicked":
        data["until_date"] = 0
    return data


def _fault_error(status: int, retry_after: int | None, description: str | None) -> ApiError:
    if status == 429:
        seconds = 1 if retry_after is None else retry_after
        return ApiError(429, description or f"Too Many Requests: retry after {seconds}", retry_after=seconds)
    return ApiError(status, description or _DEFAULT_FAULT_TEXT.get(status, HTTPStatus(status).phrase))


def _check_command(command: Any) -> None:
    if not isinstance(command, dict) or not _COMMAND_NAME.match(str(command.get("command", ""))):
        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    if not 1 <= len(str(command.get("description") or "")) <= 256:
        raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")


def _check_inline_results(results: list[Any]) -> None:
    if len(results) > MAX_INLINE_RESULTS:
        raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        result_id = str(result.get("id", "")) if isinstance(result, dict) else ""
        if not result_id or len(result_id.encode()) > 64 or "type" not in result:
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if result_id in seen:
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        seen.add(result_id)
        inline_keyboard(result.get("reply_markup"))


def _edit_view(message: dict[str, Any]) -> tuple[Any, ...]:
    """What an edit must change for Telegram to accept it."""
    keys = ("text", "entities", "caption", "caption_entities", "reply_markup")
    return tuple(message.get(key) for key in keys)


def _pick_button(buttons: list[dict[str, Any]], button: str | int) -> dict[str, Any]:
    if isinstance(button, int):
        if not 0 <= button < len(buttons):
            raise IndexError(f"the message has {len(buttons)} buttons, not a button {button}")
        return buttons[button]
    found = next((b for b in buttons if b.get("text") == button), None)
    if found is None:
        raise LookupError(f"no button {button!r} among {[b.get('text') for b in buttons]}")
    return found
