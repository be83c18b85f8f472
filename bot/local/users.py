"""The test side, as plain Python: simulated users acting in the world (``user_sends``,
``user_presses``, ``user_blocks_bot`` ...) and observation of what the bot did (``sent``,
``wait_for_reply``, ``requests`` ...)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.local.entities import command_entities, formatted, with_entities
from bot.local.methods import inline_keyboard
from bot.local.types import (
    DEFAULT_USER,
    GROUP_ANONYMOUS_BOT,
    ApiCall,
    CallbackAnswer,
    InlineAnswer,
    LocalChat,
    LocalUser,
    SentMessage,
    present,
)
from bot.local.world import KICKED, Absence, InlineQuery, Record, World, commands_key, now, sent_message


def _pick_button(buttons: list[dict[str, Any]], button: str | int) -> dict[str, Any]:
    if isinstance(button, int):
        if not 0 <= button < len(buttons):
            raise IndexError(f"the message has {len(buttons)} buttons, not a button {button}")
        return buttons[button]
    found = next((b for b in buttons if b.get("text") == button), None)
    if found is None:
        raise LookupError(f"no button {button!r} among {[b.get('text') for b in buttons]}")
    return found


class Simulation:
    """What the tests (and the terminal chat) do with a world: act in it as users, and watch the bot."""

    def __init__(self, world: World) -> None:
        self._world = world

    @property
    def bot(self) -> LocalUser:
        return self._world.bot

    # --- change notification ---

    @property
    def version(self) -> int:
        """Increases on every change: a request handled, an update queued, a user acting."""
        return self._world.version

    # The waits below take a timeout, as the tests read better with one per call than with
    # asyncio.timeout blocks around each of them.
    async def wait_for_change(self, since: int, timeout: float | None = None) -> int:  # noqa: ASYNC109
        """Wait until ``version`` exceeds ``since``; return it. Raises TimeoutError."""
        return await self._world.wait_for_change(since, timeout)

    async def wait_until[T](
        self, condition: Callable[[], T | None], *, timeout: float = 5.0  # noqa: ASYNC109
    ) -> T:
        """The first truthy value of ``condition()``, re-checked on every change (and every 50 ms)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            seen = self._world.version
            result = condition()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [call.method for call in self._world.requests[-10:]]
                raise TimeoutError(f"condition not met within {timeout}s; the bot's last calls: {recent}")
            # The periodic re-check lets conditions look at state outside this server, too.
            with contextlib.suppress(TimeoutError):
                await self._world.wait_for_change(seen, min(remaining, 0.05))

    # --- users and chats ---

    def add_chat(self, chat: LocalChat, members: Iterable[LocalUser] = ()) -> None:
        """Make a chat known to the bot (a private chat as if its user had pressed Start).

        A bot that had left or been removed is back in the chat. Costs O(1) plus the members.
        """
        self._world.add_chat(chat, members)

    def add_chats(self, chats: Iterable[LocalChat]) -> None:
        """``add_chat`` for many chats at once, such as thousands of subscribers' private chats."""
        for chat in chats:
            self._world.add_chat(chat)

    def set_admins(self, chat_id: int, admin_ids: Iterable[int], *, owner_id: int | None = None) -> None:
        """The administrators getChatAdministrators and getChatMember report for a group."""
        self._world.admins[chat_id] = (owner_id, tuple(admin_ids))

    def _participants(self, user: LocalUser | None, chat: LocalChat | None) -> tuple[LocalUser, LocalChat]:
        user = user or DEFAULT_USER
        chat = chat or LocalChat.private(user)
        if chat.type == "private" and chat.id != user.id:
            raise ValueError("a private chat's id is its user's id")
        if chat.type == "channel":
            raise ValueError("users don't write in channels as themselves; use user_posts_in_channel()")
        if user.id in self._world.deactivated:
            raise ValueError(f"user {user.id} is deactivated")
        if chat.type == "private" and user.id in self._world.blocked:
            raise ValueError(f"user {user.id} has blocked the bot; user_unblocks_bot() first")
        self._check_present(chat)
        self._world.add_chat(chat, [user])
        return user, chat

    def _check_present(self, chat: LocalChat) -> None:
        if chat.id in self._world.migrated:
            raise ValueError(f"group {chat.id} is now supergroup {self._world.migrated[chat.id]}")
        if chat.id in self._world.left:
            raise ValueError(f"the bot has left chat {chat.id}; add_chat() brings it back")

    def _user(self, user_id: int) -> LocalUser:
        user = self._world.users.get(user_id)
        if user is None:
            raise LookupError(f"no user {user_id}; add_chat() their private chat first")
        return user

    # --- users writing ---

    def user_sends(self, text: str, *, user: LocalUser | None = None, chat: LocalChat | None = None,
                   reply_to: int | None = None) -> int:
        """A user writes ``text`` (private chat by default); ``/commands`` become bot_command entities.

        Returns the update id.
        """
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        user, chat = self._participants(user, chat)
        content: dict[str, Any] = with_entities("text", text, command_entities(text))
        if (replied := self._world.message(chat.id, reply_to)) is not None:
            content["reply_to_message"] = replied.json
        record = self._world.store(chat, user, content, raw_text=text)
        return self._world.push_update("message", record.json)

    def user_sends_document(self, filename: str, data: bytes, *, user: LocalUser | None = None,
                            chat: LocalChat | None = None, caption: str | None = None,
                            mime_type: str = "application/octet-stream") -> int:
        """A user uploads a file; the bot can getFile and download it. Returns the update id."""
        user, chat = self._participants(user, chat)
        stored = self._world.store_file(filename, mime_type, data)
        content = {"document": stored.document_json()} | present(caption=caption)
        record = self._world.store(chat, user, content, raw_text=caption)
        return self._world.push_update("message", record.json)

    def user_sends_photo(self, data: bytes, *, caption: str | None = None, user: LocalUser | None = None,
                         chat: LocalChat | None = None) -> int:
        """A user sends a photo, with a caption or none. Returns the update id."""
        user, chat = self._participants(user, chat)
        stored = self._world.store_file("photo.jpg", "image/jpeg", data)
        content: dict[str, Any] = {"photo": stored.photo_json()} | present(caption=caption)
        record = self._world.store(chat, user, content, raw_text=caption)
        return self._world.push_update("message", record.json)

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
        self._world.add_chat(chat)
        content = with_entities("text", text, command_entities(text)) | present(
            author_signature=author_signature)
        record = self._world.store(chat, None, content, raw_text=text)
        return self._world.push_update("channel_post", record.json)

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
        photo: bytes | None = None,
    ) -> int:
        """A user forwards a message into a chat with the bot (private by default).

        Exactly one origin: ``origin_chat`` (a channel's post ``origin_message_id``, or a message a
        group sent as itself), ``origin_user``, or ``origin_hidden_user`` (the name of a user who hides
        their account in forwards). The update's message has ``forward_origin`` as in Bot API 7.0+;
        ``text`` is its text, or the caption of ``document`` (a file name and its bytes) or of ``photo``.
        Returns the update id.
        """
        if (origin_chat is None) + (origin_user is None) + (origin_hidden_user is None) != 2:
            raise ValueError("give exactly one of origin_chat, origin_user and origin_hidden_user")
        if document is None and photo is None and not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        origin = self._forward_origin(origin_chat, origin_message_id, origin_user, origin_hidden_user,
                                      author_signature)
        user, chat = self._participants(user, chat)
        content: dict[str, Any] = {"forward_origin": origin}
        caption = {"caption": text} if text else {}
        if document is not None:
            stored = self._world.store_file(document[0], "application/octet-stream", document[1])
            content |= {"document": stored.document_json()} | caption
        elif photo is not None:
            stored = self._world.store_file("photo.jpg", "image/jpeg", photo)
            content |= {"photo": stored.photo_json()} | caption
        else:
            content |= with_entities("text", text, command_entities(text))
        record = self._world.store(chat, user, content, raw_text=text or None)
        return self._world.push_update("message", record.json)

    def _forward_origin(self, chat: LocalChat | None, message_id: int | None, user: LocalUser | None,
                        hidden_user: str | None, author_signature: str | None) -> dict[str, Any]:
        """The MessageOrigin JSON; a forwarded post of this world keeps its original date."""
        if user is not None:
            return {"type": "user", "date": now(), "sender_user": user.to_json()}
        if hidden_user is not None:
            return {"type": "hidden_user", "date": now(), "sender_user_name": hidden_user}
        if chat is None or chat.type == "private":
            raise ValueError("a private chat's messages are forwarded with origin_user")
        signature = present(author_signature=author_signature)
        if chat.type != "channel":
            return {"type": "chat", "date": now(), "sender_chat": chat.to_json()} | signature
        if message_id is None:
            raise ValueError("a channel post's forward needs origin_message_id")
        original = self._world.message(chat.id, message_id)
        date = original.json["date"] if original is not None else now()
        return {"type": "channel", "chat": chat.to_json(), "message_id": message_id, "date": date} | signature

    # --- users pressing buttons and querying inline ---

    def user_presses(self, message: SentMessage, button: str | int, *, user: LocalUser | None = None,
                     data: str | None = None) -> int:
        """A user presses an inline button (by its text, or by index counting across rows from 0).

        The message's current state counts, so a button removed by an edit can't be pressed.
        ``data`` replaces the button's callback data: what a modified client can send, to
        forge a press or replay one copied from another chat. Returns the update id, which
        is also the callback query's id.
        """
        world = self._world
        record = self._current(message)
        rows = record.json.get("reply_markup", {}).get("inline_keyboard", [])
        picked = _pick_button([b for row in rows for b in row], button)
        if "callback_data" not in picked:
            raise ValueError(f"button {picked.get('text')!r} sends no callback query")
        sent = picked["callback_data"] if data is None else data
        # In a private chat it is that chat's user who presses; an inline message's, its sender.
        owner = record.sender_id if record.via_bot else record.chat_id
        presser = user or world.users.get(owner) or DEFAULT_USER
        query_id = str(world.next_update_id)
        world.open_callback_queries.add(query_id)
        payload: dict[str, Any] = {"id": query_id, "from": presser.to_json(),
                                   "chat_instance": str(record.chat_id), "data": sent}
        if record.inline_message_id:
            payload["inline_message_id"] = record.inline_message_id
        else:
            payload["message"] = record.json
        return world.push_update("callback_query", payload)

    def _current(self, message: SentMessage) -> Record:
        if message.inline_message_id:
            record = self._world.inline_messages.get(message.inline_message_id)
        else:
            record = self._world.message(message.chat_id, message.message_id)
        if record is None:
            raise LookupError(f"message {message.message_id} in chat {message.chat_id} no longer exists")
        return record

    def user_inline_query(self, query: str, offset: str = "", *, user: LocalUser | None = None,
                          chat_type: str = "sender") -> int:
        """A user types ``@bot query``. Returns the update id, which is also the inline query's id."""
        world = self._world
        user = user or DEFAULT_USER
        world.users[user.id] = user
        query_id = str(world.next_update_id)
        world.inline_queries[query_id] = InlineQuery(user, query)
        return world.push_update("inline_query", {"id": query_id, "from": user.to_json(), "query": query,
                                                  "offset": offset, "chat_type": chat_type})

    def user_chooses_inline_result(self, inline_query: int | str, result_id: str, *,
                                   chat: LocalChat | None = None) -> int:
        """The user picks one of the bot's inline results; it is posted "via" the bot into ``chat``.

        A result with a keyboard gets an inline_message_id the bot can edit. Returns the update id.
        """
        world = self._world
        query_id = str(inline_query)
        answer, query = world.inline_answers.get(query_id), world.inline_queries.get(query_id)
        result = next((r for r in answer.results if r.get("id") == result_id), None) if answer else None
        if query is None or result is None:
            raise LookupError(f"inline query {query_id} has no answered result {result_id!r}")
        user, chat = self._participants(query.user, chat)
        content_json = result.get("input_message_content") or {"message_text": result.get("title", "")}
        raw, parse_mode = content_json.get("message_text", ""), content_json.get("parse_mode")
        plain, entities = formatted(raw, parse_mode, content_json.get("entities"))
        content = with_entities("text", plain, entities)
        rows = inline_keyboard(result.get("reply_markup"))
        if rows:
            content["reply_markup"] = {"inline_keyboard": rows}
        record = world.store(chat, user, content, raw_text=raw, parse_mode=parse_mode, via_bot=True)
        chosen: dict[str, Any] = {"result_id": result_id, "from": user.to_json(), "query": query.query}
        if rows:
            inline_id = f"local-inline-{len(world.inline_messages) + 1}"
            record.inline_message_id = chosen["inline_message_id"] = inline_id
            world.inline_messages[record.inline_message_id] = record
        return world.push_update("chosen_inline_result", chosen)

    # --- the bot blocked, removed, migrated ---

    def user_blocks_bot(self, user_id: int) -> int:
        """The user blocks the bot: sends to them get 403, and a ``my_chat_member`` update says so.

        Returns the update id.
        """
        world = self._world
        user = self._user(user_id)
        if user_id in world.blocked:
            raise ValueError(f"user {user_id} has already blocked the bot")
        chat = world.chats.get(user_id) or LocalChat.private(user)
        world.add_chat(chat)  # only a user who has seen the bot can block it
        old = world.member_json(chat, world.bot.id)
        world.blocked.add(user_id)
        return self._push_my_chat_member(chat, user, old)

    def user_unblocks_bot(self, user_id: int) -> int:
        """The user unblocks the bot: it may write to them again (``my_chat_member`` back to member)."""
        world = self._world
        user = self._user(user_id)
        if user_id not in world.blocked:
            raise ValueError(f"user {user_id} has not blocked the bot")
        chat = world.chats.get(user_id) or LocalChat.private(user)
        old = world.member_json(chat, world.bot.id)
        world.blocked.discard(user_id)
        return self._push_my_chat_member(chat, user, old)

    def deactivate_user(self, user_id: int) -> None:
        """The user deletes their account: sends to them get 403 "user is deactivated", with no update."""
        self._user(user_id)
        self._world.deactivated.add(user_id)

    def remove_bot_from_chat(self, chat_id: int, by: LocalUser) -> int:
        """An administrator removes the bot from a group or channel, and the bot gets ``my_chat_member``.

        In a basic group the bot is then "left", elsewhere "kicked"; sends get Telegram's 403 for it.
        ``add_chat`` brings the bot back. Returns the update id.
        """
        world = self._world
        chat = world.chats.get(chat_id)
        if chat is None or chat.type == "private":
            raise ValueError(f"{chat_id} is no group or channel this server knows")
        self._check_present(chat)
        old = world.member_json(chat, world.bot.id)
        world.left[chat_id] = Absence("left" if chat.type == "group" else "kicked", KICKED[chat.type])
        world.users[by.id] = by
        return self._push_my_chat_member(chat, by, old)

    def _push_my_chat_member(self, chat: LocalChat, by: LocalUser, old: dict[str, Any]) -> int:
        world = self._world
        return world.push_update("my_chat_member", {
            "chat": chat.to_json(), "from": by.to_json(), "date": now(), "old_chat_member": old,
            "new_chat_member": world.member_json(chat, world.bot.id),
        })

    def migrate_group(self, chat_id: int, new_chat_id: int, *, by: LocalUser | None = None) -> LocalChat:
        """A basic group becomes a supergroup with the same title, members and administrators.

        As in Telegram, the bot gets the old group's ``migrate_to_chat_id`` message and the new
        supergroup's ``migrate_from_chat_id`` one, and any request naming the old id answers 400 with
        ``parameters.migrate_to_chat_id``. ``by`` is the user who upgraded (default: the owner).
        Returns the supergroup.
        """
        world = self._world
        old = world.chats.get(chat_id)
        if old is None or old.type != "group":
            raise ValueError(f"{chat_id} is no basic group this server knows")
        if new_chat_id in world.chats:
            raise ValueError(f"chat {new_chat_id} already exists")
        self._check_present(old)
        owner, admins = world.admins.get(chat_id, (None, ()))
        upgrader = by or (world.users.get(owner) if owner is not None else None) or DEFAULT_USER
        new = LocalChat(new_chat_id, "supergroup", title=old.title, username=old.username)
        world.add_chat(new)
        world.members[new_chat_id] = set(world.members.get(chat_id, ()))
        if chat_id in world.admins:
            world.admins[new_chat_id] = (owner, admins)
        world.users.setdefault(upgrader.id, upgrader)
        farewell = world.store(old, upgrader, {"migrate_to_chat_id": new_chat_id}, raw_text=None)
        world.migrated[chat_id] = new_chat_id
        world.push_update("message", farewell.json)
        welcome = world.store(new, GROUP_ANONYMOUS_BOT, {"migrate_from_chat_id": chat_id}, raw_text=None,
                              sender_chat=new)
        world.push_update("message", welcome.json)
        return new

    # --- observation ---

    def history(self, chat_id: int) -> list[SentMessage]:
        """Every message now in the chat, the users' and the bot's, oldest first."""
        bot_id = self._world.bot.id
        return [sent_message(record, bot_id) for record in self._world.messages.get(chat_id, {}).values()]

    def sent(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages now in the chat (edits applied, deletions gone), including inline ones."""
        bot_id = self._world.bot.id
        return [sent_message(record, bot_id) for record in self._world.messages.get(chat_id, {}).values()
                if record.sender_id == bot_id or record.via_bot]

    def bot_message_count(self, chat_id: int) -> int:
        """How many messages the bot has in the chat now (deletions subtracted), in O(1)."""
        return self._world.bot_counts.get(chat_id, 0)

    def total_bot_messages(self) -> int:
        """``bot_message_count`` summed over every chat, in O(1): the progress of a broadcast."""
        return self._world.bot_total

    def total_paid_messages(self) -> int:
        """How many of the bot's messages went with ``allow_paid_broadcast``, in O(1)."""
        return self._world.paid_total

    def last_user_message_id(self, chat_id: int) -> int:
        bot_id = self._world.bot.id
        ids = [r.message_id for r in self._world.messages.get(chat_id, {}).values() if r.sender_id != bot_id]
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
        return self._world.inline_answers.get(str(inline_query))

    def inline_answers(self, inline_query: int | str) -> list[dict[str, Any]]:
        """The results the bot answered to an inline query (empty while unanswered)."""
        answer = self.inline_answer(inline_query)
        return list(answer.results) if answer else []

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._world.callback_answers)

    def commands(
        self, scope: str | Mapping[str, Any] = "default", language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The command list set for a scope (its type name, or the BotCommandScope JSON) and language."""
        scope_json = {"type": scope} if isinstance(scope, str) else dict(scope)
        key = commands_key(scope_json, language_code)
        return [(c["command"], c["description"]) for c in self._world.commands.get(key, [])]

    @property
    def requests(self) -> list[ApiCall]:
        """Every request answered so far, in the order answered (a long poll counts when it returns)."""
        self._check_recording()
        return list(self._world.requests)

    def calls(self, method: str) -> list[ApiCall]:
        self._check_recording()
        return [call for call in self._world.requests if call.method.lower() == method.lower()]

    def _check_recording(self) -> None:
        if not self._world.record_requests:
            raise RuntimeError("this server was started with record_requests=False")

    def file_bytes(self, file_id: str) -> bytes:
        return self._world.files[file_id].data
