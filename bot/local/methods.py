"""The Bot API methods the server answers, with Telegram's limits and its error texts.

Each method takes a request's ``Params`` and returns the ``result`` of the answer, or raises
``ApiError`` as Telegram would answer it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from typing import Any

from bot.local.entities import formatted, with_entities
from bot.local.types import ApiError, CallbackAnswer, InlineAnswer, LocalChat
from bot.local.wire import Params, Upload
from bot.local.world import (
    BLOCKED,
    BUTTON_ACTIONS,
    DEACTIVATED,
    Absence,
    Record,
    StoredFile,
    World,
    commands_key,
    now,
)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_COMMANDS = 100
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
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")

Method = Callable[[Params], Any]  # its result, or an awaitable of it


# --- checks -----------------------------------------------------------------------------------


def _check_text(plain: str) -> None:
    if not plain.strip():
        raise ApiError(400, _TEXT_EMPTY)
    if len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(400, _TEXT_TOO_LONG)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, f"{_BAD_BUTTON}: Field \"text\" must be of type String")
    if not any(action in button for action in BUTTON_ACTIONS):
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


# --- the methods ------------------------------------------------------------------------------


class Methods:
    """The Bot API methods over one world, and the state only the bot's requests set."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._allowed_updates: frozenset[str] | None = None
        self._pollers = 0
        self._poll_generation = 0
        self._webhook_url = ""
        handlers: dict[str, Method] = {
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
            "sendPhoto": self._send_photo,
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
        self._table = {name.lower(): (name, handler) for name, handler in handlers.items()}
        self.names = {lower: name for lower, (name, _) in self._table.items()}

    def find(self, name: str) -> tuple[str, Method] | None:
        """A method by its name in any case: its name as Telegram spells it, and its handler."""
        return self._table.get(name.lower())

    @property
    def pollers_waiting(self) -> int:
        return self._pollers

    # --- chats and messages as requests name them ---

    def _resolve_chat(self, params: Params, name: str = "chat_id") -> LocalChat:
        world = self._world
        reference = params.string(name)
        if not reference:
            raise ApiError(400, f"Bad Request: {name} is empty")
        if reference.startswith("@"):
            chat_id = world.usernames.get(reference[1:].lower())
            chat = None if chat_id is None else world.chats.get(chat_id)
        else:
            chat = world.chats.get(int(reference)) if reference.lstrip("-").isdigit() else None
        if chat is None:
            raise ApiError(400, _CHAT_NOT_FOUND)
        if chat.id in world.migrated:
            raise ApiError(400, _UPGRADED, migrate_to_chat_id=world.migrated[chat.id])
        return chat

    def _writable_chat(self, params: Params) -> LocalChat:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            if chat.id in self._world.deactivated:
                raise ApiError(403, DEACTIVATED)
            if chat.id in self._world.blocked:
                raise ApiError(403, BLOCKED)
        elif (absence := self._world.left.get(chat.id)) is not None:
            raise ApiError(403, absence.refusal)
        return chat

    def _bot_message(self, chat: LocalChat, params: Params, content: dict[str, Any], *,
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
        world = self._world
        record = world.store(chat, world.bot, content | extra, raw_text=raw_text, parse_mode=parse_mode)
        # Paid broadcasts lift the 30 a second for a fee in Stars; nothing else tells them apart.
        if params.flag("allow_paid_broadcast"):
            record.paid_broadcast = True
            world.paid_total += 1
        return record.json

    def _reply_target(self, chat: LocalChat, params: Params) -> Record | None:
        reply = params.json("reply_parameters")
        if not isinstance(reply, dict):
            legacy = params.integer("reply_to_message_id")
            reply = {"message_id": legacy} if legacy is not None else None
        if reply is None:
            return None
        target_chat = reply.get("chat_id", chat.id)
        record = self._world.message(int(target_chat) if str(target_chat).lstrip("-").isdigit() else chat.id,
                                     reply.get("message_id"))
        if record is None and not reply.get("allow_sending_without_reply"):
            raise ApiError(400, "Bad Request: message to be replied not found")
        return record

    def _editable(self, params: Params) -> Record:
        inline_id = params.string("inline_message_id")
        if inline_id:
            if inline_id not in self._world.inline_messages:
                raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
            return self._world.inline_messages[inline_id]
        chat = self._resolve_chat(params)
        record = self._world.message(chat.id, params.integer("message_id"))
        if record is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if record.sender_id != self._world.bot.id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return record

    def _apply_edit(self, record: Record, content: dict[str, Any], params: Params, *,
                    replaces: tuple[str, ...], raw_text: str | None, parse_mode: str | None) -> Any:
        """Swap the ``replaces`` fields for ``content``; as in Telegram, no reply_markup drops buttons."""
        rows = inline_keyboard(params.json("reply_markup"))
        updated = {k: v for k, v in record.json.items() if k not in ("reply_markup", *replaces)} | content
        if rows:
            updated["reply_markup"] = {"inline_keyboard": rows}
        if _edit_view(updated) == _edit_view(record.json):
            raise ApiError(400, _NOT_MODIFIED)
        record.json = updated | {"edit_date": now()}
        record.raw_text, record.parse_mode, record.edited = raw_text, parse_mode, True
        self._world.touch()
        return True if params.string("inline_message_id") else record.json

    # --- identity, updates, webhook, commands ---

    def _get_me(self, params: Params) -> dict[str, Any]:
        return self._world.bot.to_json() | {
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True,
            "can_connect_to_business": False, "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
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

    def _confirm(self, offset: int) -> None:
        world = self._world
        if offset < 0:
            world.updates = world.updates[offset:]
        else:
            world.updates = [update for update in world.updates if update[0] >= offset]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        wanted = [update for update in self._world.updates
                  if self._allowed_updates is None or update[1] in self._allowed_updates]
        return [{"update_id": update_id, kind: payload} for update_id, kind, payload in wanted[:limit]]

    async def _long_poll(self, generation: int, limit: int, deadline: float) -> list[dict[str, Any]]:
        """Updates as soon as there are any, else an empty list at the deadline (loop time)."""
        loop = asyncio.get_running_loop()
        while not (ready := self._deliverable(limit)) and (remaining := deadline - loop.time()) > 0:
            self._pollers += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await self._world.wait_for_change(self._world.version, remaining)
            finally:
                self._pollers -= 1
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
        return ready

    def _set_webhook(self, params: Params) -> bool:
        url = params.string("url") or ""
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        return True

    def _delete_webhook(self, params: Params) -> bool:
        self._webhook_url = ""
        if params.flag("drop_pending_updates"):
            self._world.updates.clear()
        return True

    def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        return {"url": self._webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._world.updates)}

    def _set_my_commands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list)
                           else "Bad Request: can't parse commands JSON object")
        for command in commands:
            _check_command(command)
        key = commands_key(params.json("scope"), params.string("language_code"))
        self._world.commands[key] = [{"command": c["command"], "description": c["description"]}
                                     for c in commands]
        return True

    def _get_my_commands(self, params: Params) -> list[dict[str, str]]:
        key = commands_key(params.json("scope"), params.string("language_code"))
        return list(self._world.commands.get(key, []))

    def _delete_my_commands(self, params: Params) -> bool:
        self._world.commands.pop(commands_key(params.json("scope"), params.string("language_code")), None)
        return True

    # --- messages ---

    def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        raw, parse_mode = params.string("text") or "", params.string("parse_mode")
        plain, entities = formatted(raw, parse_mode, params.json("entities"))
        _check_text(plain)
        return self._bot_message(chat, params, with_entities("text", plain, entities),
                                 raw_text=raw, parse_mode=parse_mode)

    def _send_document(self, params: Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        stored = self._document(params.file("document"))
        content, raw, parse_mode = self._caption(params)
        return self._bot_message(chat, params, {"document": stored.document_json()} | content,
                                 raw_text=raw, parse_mode=parse_mode)

    def _send_photo(self, params: Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        stored = self._document(params.file("photo"), "photo")
        content, raw, parse_mode = self._caption(params)
        return self._bot_message(chat, params, {"photo": stored.photo_json()} | content,
                                 raw_text=raw, parse_mode=parse_mode)

    def _caption(self, params: Params) -> tuple[dict[str, Any], str | None, str | None]:
        raw, parse_mode = params.string("caption"), params.string("parse_mode")
        if not raw:
            return {}, None, parse_mode
        plain, entities = formatted(raw, parse_mode, params.json("caption_entities"))
        if len(plain) > MAX_CAPTION_LENGTH:
            raise ApiError(400, _CAPTION_TOO_LONG)
        return with_entities("caption", plain, entities), raw, parse_mode

    def _document(self, source: Upload | str | None, kind: str = "document") -> StoredFile:
        if isinstance(source, Upload):
            if not source.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self._world.store_file(source.filename or kind, source.content_type, source.data)
        if not source:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if source in self._world.files:
            return self._world.files[source]
        if source.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")  # no internet here
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _send_chat_action(self, params: Params) -> bool:
        self._writable_chat(params)
        if params.string("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _edit_message_text(self, params: Params) -> Any:
        record = self._editable(params)
        if "text" not in record.json:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        raw, parse_mode = params.string("text") or "", params.string("parse_mode")
        plain, entities = formatted(raw, parse_mode, params.json("entities"))
        _check_text(plain)
        content = with_entities("text", plain, entities)
        if isinstance(preview := params.json("link_preview_options"), dict):
            content["link_preview_options"] = preview
        return self._apply_edit(record, content, params, replaces=("text", "entities"), raw_text=raw,
                                parse_mode=parse_mode)

    def _edit_message_caption(self, params: Params) -> Any:
        record = self._editable(params)
        if "text" in record.json:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        content, raw, parse_mode = self._caption(params)
        return self._apply_edit(record, content, params, replaces=("caption", "caption_entities"),
                                raw_text=raw, parse_mode=parse_mode)

    def _edit_message_reply_markup(self, params: Params) -> Any:
        record = self._editable(params)
        return self._apply_edit(record, {}, params, replaces=(), raw_text=record.raw_text,
                                parse_mode=record.parse_mode)

    def _delete_message(self, params: Params) -> bool:
        chat = self._resolve_chat(params)
        record = self._world.messages.get(chat.id, {}).pop(params.integer("message_id") or 0, None)
        if record is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if record.sender_id == self._world.bot.id:
            self._world.count_bot_message(chat.id, -1)
        self._world.touch()
        return True

    # --- queries and files ---

    def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.string("callback_query_id") or ""
        if query_id not in self._world.open_callback_queries:
            raise ApiError(400, _QUERY_INVALID)
        self._world.open_callback_queries.discard(query_id)
        self._world.callback_answers.append(
            CallbackAnswer(query_id, params.string("text"), params.flag("show_alert"), params.string("url")))
        return True

    def _answer_inline_query(self, params: Params) -> bool:
        query_id = params.string("inline_query_id") or ""
        query = self._world.inline_queries.get(query_id)
        if query is None or query.answered:
            raise ApiError(400, _QUERY_INVALID)
        results = params.json("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse results JSON object")
        _check_inline_results(results)
        button = params.json("button")
        query.answered = True
        self._world.inline_answers[query_id] = InlineAnswer(
            query_id, tuple(results), params.string("next_offset") or "", params.integer("cache_time"),
            params.flag("is_personal"), button if isinstance(button, dict) else None)
        return True

    def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self._world.files.get(params.string("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data), "file_path": stored.path}

    # --- chats and members ---

    def _get_chat(self, params: Params) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
        return chat.to_json() | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _get_chat_member(self, params: Params) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        return self._world.member_json(chat, params.integer("user_id") or 0)

    def _get_chat_administrators(self, params: Params) -> list[dict[str, Any]]:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        world = self._world
        owner, admins = world.admins.get(chat.id, (None, ()))
        ids = ([owner] if owner else []) + list(admins)
        if chat.type == "channel" and world.bot.id not in ids and chat.id not in world.left:
            ids.append(world.bot.id)
        return [world.member_json(chat, user_id) for user_id in ids]

    def _leave_chat(self, params: Params) -> bool:
        chat = self._resolve_chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        self._world.left[chat.id] = Absence("left", f"Forbidden: bot is not a member of the {chat.type} chat")
        return True
