"""Who may do what, checked in one place for commands and buttons alike.

Sokhan's administrators (SOKHAN_ADMIN_IDS) publish, delete and manage feeds. What a chat
receives may be changed by whoever manages that chat: in private, the user; in a group
or a channel, its administrators (an anonymous administrator posts as the group itself).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import strings
from bot.context import SokhanContext, reply
from bot.render import plain_text

_MANAGERS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def is_admin(update: Update, context: SokhanContext) -> bool:
    """One of Sokhan's administrators, whatever the chat."""
    user = update.effective_user
    return user is not None and user.id in context.bot_data.admin_ids


async def manages_chat(update: Update, context: SokhanContext) -> bool:
    """Whether the sender may change what this chat subscribes to."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    message = update.effective_message
    if update.callback_query is None and message is not None:
        if chat.type == ChatType.CHANNEL:
            return True  # only a channel's administrators can post in it
        if message.sender_chat is not None and message.sender_chat.id == chat.id:
            return True  # an anonymous administrator of the group
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:  # not a member, or the bot may not look: no right to change it
        return False
    return member.status in _MANAGERS


async def refuse(update: Update, text: str) -> None:
    """Say no: an alert on a button, a reply to a message."""
    query = update.callback_query
    if query is not None:
        await query.answer(plain_text(text), show_alert=True)
    else:
        await reply(update, text)


# Commands take (update, context); buttons take the decoded callback and more after them.
# A guarded button that is refused returns None: it changes nothing on screen.
Guarded = Callable[..., Coroutine[Any, Any, Any]]


def admin_only(refusal: str = strings.ADMINS_ONLY) -> Callable[[Guarded], Guarded]:
    """Let only Sokhan's administrators through; everyone else hears ``refusal``."""
    def decorate(handler: Guarded) -> Guarded:
        @functools.wraps(handler)
        async def guarded(update: Update, context: SokhanContext, *args: Any) -> Any:
            if is_admin(update, context):
                return await handler(update, context, *args)
            await refuse(update, refusal)
            return None
        return guarded
    return decorate


def chat_managers(handler: Guarded) -> Guarded:
    """Let through only whoever may change what the chat receives."""
    @functools.wraps(handler)
    async def guarded(update: Update, context: SokhanContext, *args: Any) -> Any:
        if await manages_chat(update, context):
            return await handler(update, context, *args)
        await refuse(update, strings.GROUP_ADMINS_ONLY)
        return None
    return guarded
