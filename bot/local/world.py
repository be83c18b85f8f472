"""The simulated world's state: the bot, users, chats and their members, messages, files, the
update queue, callback and inline queries, the bot's commands and membership, the request log,
and the version every change bumps.

Methods (the bot's side) and the simulated users (the test side) both act on one ``World``;
sending costs O(1) whatever the number of chats and messages.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.local.types import (
    ApiCall,
    ApiError,
    Button,
    CallbackAnswer,
    InlineAnswer,
    LocalChat,
    LocalUser,
    SentMessage,
)

# What sends get from Telegram when the bot is no longer welcome.
BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
KICKED = {
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}
BUTTON_ACTIONS = (
    "callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "web_app", "login_url", "copy_text", "callback_game", "pay",
)
_ADMIN_RIGHTS = dict.fromkeys(
    ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
     "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
     "can_edit_stories", "can_delete_stories", "can_pin_messages"),
    False,
) | {"can_manage_chat": True, "can_delete_messages": True}
# A channel's administrators have posting rights instead of pinning.
_CHANNEL_ADMIN_RIGHTS = {k: v for k, v in _ADMIN_RIGHTS.items() if k != "can_pin_messages"} | {
    "can_post_messages": True, "can_edit_messages": True}


def now() -> int:
    return int(time.time())


@dataclass(slots=True)
class Record:
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
    paid_broadcast: bool = False  # sent with allow_paid_broadcast


@dataclass(frozen=True, slots=True)
class StoredFile:
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

    def photo_json(self) -> list[dict[str, Any]]:
        """The PhotoSize list a photo message carries: here one size, the photo as sent."""
        return [{"file_id": self.file_id, "file_unique_id": self.file_unique_id, "width": 1280,
                 "height": 720, "file_size": len(self.data)}]


class Absence(NamedTuple):
    """How the bot is out of a group or channel: its ChatMember status there, and what sends get."""

    status: str  # "left" or "kicked"
    refusal: str  # the 403 description


@dataclass(slots=True)
class InlineQuery:
    user: LocalUser
    query: str
    answered: bool = False


def _button(data: dict[str, Any]) -> Button:
    for action in BUTTON_ACTIONS:
        value = data.get(action)
        if isinstance(value, dict):  # web_app, login_url, copy_text carry an object
            value = value.get("url") or value.get("text")
        if value is not None:
            return Button(data["text"], str(value))
    return Button(data["text"], "")


def sent_message(record: Record, bot_id: int) -> SentMessage:
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
        document_id=data["document"].get("file_id") if "document" in data else None,
        photo=data["photo"][-1]["file_id"] if data.get("photo") else None,
        reply_to=reply["message_id"] if reply else None,
        thread_id=data.get("message_thread_id"),
        edited=record.edited,
        from_bot=record.sender_id == bot_id,
        inline_message_id=record.inline_message_id,
        paid_broadcast=record.paid_broadcast,
    )


def commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """Where a command list is kept: its BotCommandScope JSON and language."""
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code or ""


def _status_json(user: LocalUser, status: str) -> dict[str, Any]:
    """ChatMember JSON without rights: member, left, or kicked (banned for ever: until_date 0)."""
    data: dict[str, Any] = {"user": user.to_json(), "status": status}
    if status == "kicked":
        data["until_date"] = 0
    return data


class World:
    """Everything the server knows; its methods are the changes both sides make alike."""

    def __init__(self, bot: LocalUser, *, record_requests: bool) -> None:
        self.bot = bot
        self._version = 0
        self._changed = asyncio.Event()
        self.users: dict[int, LocalUser] = {}
        self.chats: dict[int, LocalChat] = {}
        self.members: dict[int, set[int]] = {}
        self.admins: dict[int, tuple[int | None, tuple[int, ...]]] = {}  # chat: (owner, administrators)
        self.usernames: dict[str, int] = {}  # lower-cased @username: chat id
        self.left: dict[int, Absence] = {}
        self.blocked: set[int] = set()
        self.deactivated: set[int] = set()
        self.migrated: dict[int, int] = {}  # basic group: its supergroup
        self.messages: dict[int, dict[int, Record]] = {}
        self.bot_counts: dict[int, int] = {}
        self.bot_total = 0
        self.paid_total = 0  # the bot's messages sent with allow_paid_broadcast
        self._next_message_id: dict[int, int] = {}
        self.inline_messages: dict[str, Record] = {}
        self.updates: list[tuple[int, str, dict[str, Any]]] = []  # (update_id, kind, payload)
        self.next_update_id = 1
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, StoredFile] = {}
        self.open_callback_queries: set[str] = set()
        self.inline_queries: dict[str, InlineQuery] = {}
        self.inline_answers: dict[str, InlineAnswer] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.record_requests = record_requests
        self.requests: list[ApiCall] = []

    # --- change notification ---

    def touch(self) -> None:
        """Record that the world changed and wake everyone waiting for a change."""
        self._version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    @property
    def version(self) -> int:
        return self._version

    async def wait_for_change(self, since: int, timeout: float | None = None) -> int:  # noqa: ASYNC109
        """Wait until ``version`` exceeds ``since``; return it. Raises TimeoutError."""
        if self._version <= since:
            await asyncio.wait_for(self._changed.wait(), timeout)
        return self._version

    def record(self, call: ApiCall) -> None:
        """A request answered: logged (unless the log is off), and a change either way."""
        if self.record_requests:
            self.requests.append(call)
        self.touch()

    # --- chats ---

    def add_chat(self, chat: LocalChat, members: Iterable[LocalUser] = ()) -> None:
        previous = self.chats.get(chat.id)
        if previous is not None and previous.username:
            self.usernames.pop(previous.username.lower(), None)
        self.chats[chat.id] = chat
        if chat.username:
            self.usernames[chat.username.lower()] = chat.id
        self.left.pop(chat.id, None)
        self.messages.setdefault(chat.id, {})
        for user in members:
            self.users[user.id] = user
            self.members.setdefault(chat.id, set()).add(user.id)
        if chat.type == "private" and chat.id not in self.users:
            self.users[chat.id] = LocalUser(chat.id, chat.first_name or "", chat.last_name, chat.username)
            self.members.setdefault(chat.id, set()).add(chat.id)

    # --- messages and files ---

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def store(self, chat: LocalChat, sender: LocalUser | None, content: dict[str, Any], *,
              raw_text: str | None, parse_mode: str | None = None, via_bot: bool = False,
              sender_chat: LocalChat | None = None) -> Record:
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
        data |= {"chat": chat.to_json(), "date": now()}
        if via_bot:
            data["via_bot"] = self.bot.to_json()
        sender_id = chat.id if sender is None else sender.id
        record = Record(chat.id, message_id, sender_id, data | content, raw_text, parse_mode, via_bot)
        self.messages.setdefault(chat.id, {})[message_id] = record
        if sender_id == self.bot.id:
            self.count_bot_message(chat.id, 1)
        self.touch()
        return record

    def count_bot_message(self, chat_id: int, change: int) -> None:
        self.bot_counts[chat_id] = self.bot_counts.get(chat_id, 0) + change
        self.bot_total += change

    def message(self, chat_id: int, message_id: int | None) -> Record | None:
        return self.messages.get(chat_id, {}).get(message_id) if message_id is not None else None

    def store_file(self, name: str, mime_type: str, data: bytes) -> StoredFile:
        number = len(self.files) + 1
        stored = StoredFile(f"BQACAgLocal{number:08d}", f"AgADLocal{number:04d}", name,
                            mime_type or "application/octet-stream", data)
        self.files[stored.file_id] = stored
        return stored

    # --- updates ---

    def push_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        # A snapshot: later edits of the message must not change an update already queued.
        self.updates.append((update_id, kind, copy.deepcopy(payload)))
        self.touch()
        return update_id

    # --- membership ---

    def member_json(self, chat: LocalChat, user_id: int) -> dict[str, Any]:
        """The ChatMember JSON of a user, or of the bot, in the chat."""
        user = self.bot if user_id == self.bot.id else self.users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        owner, admins = self.admins.get(chat.id, (None, ()))
        is_bot = user_id == self.bot.id
        absence = self.left.get(chat.id) if is_bot else None
        if is_bot and chat.type == "private" and chat.id in self.blocked:
            absence = Absence("kicked", BLOCKED)
        if absence is not None:
            return _status_json(user, absence.status)
        if user_id == owner:
            return {"user": user.to_json(), "status": "creator", "is_anonymous": False}
        if user_id in admins or (is_bot and chat.type == "channel"):
            rights = _CHANNEL_ADMIN_RIGHTS if chat.type == "channel" else _ADMIN_RIGHTS
            return {"user": user.to_json(), "status": "administrator"} | rights
        if is_bot or user_id in self.members.get(chat.id, set()):
            return _status_json(user, "member")
        return _status_json(user, "left")
