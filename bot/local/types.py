"""The public types of the simulated world: users, chats, messages as the test side sees them,
the bot's answers to queries, its requests, and the Bot API's error answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple


def present(**fields: Any) -> dict[str, Any]:
    """The fields that are set: Telegram leaves absent fields out of its JSON."""
    return {key: value for key, value in fields.items() if value is not None}


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
        return data | present(last_name=self.last_name, username=self.username,
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
        return data | present(title=self.title, username=self.username, first_name=self.first_name,
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
    document: str | None = None  # the file's name
    document_id: str | None = None  # its file_id, for ``file_bytes``
    photo: str | None = None  # the file_id of a photo's largest size
    reply_to: int | None = None
    thread_id: int | None = None
    edited: bool = False
    from_bot: bool = True
    inline_message_id: str | None = None
    paid_broadcast: bool = False  # sent with allow_paid_broadcast (Telegram bills it in Stars)

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
        parameters = present(migrate_to_chat_id=self.migrate_to_chat_id, retry_after=self.retry_after)
        if parameters:
            body["parameters"] = parameters
        return body
