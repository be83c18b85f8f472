"""The messenger the bot runs on: Telegram, or Bale, whose Bot API is Telegram's but smaller.

Bale's clients show no markup (sendMessage takes the text as written), it has no inline mode,
no command menus, and its webhook carries no ``secret_token``; its deep links are
``https://ble.ir/BOT?start=PAYLOAD``. One ``Platform`` says all of that; the app and the bot
consult it, never a scattered ``if bale``. Views write Telegram HTML either way: on Bale the
bot turns it into plain text at the last moment, structure kept by line breaks and emoji.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Message
from telegram.ext import ExtBot
from telegram.helpers import create_deep_linked_url

from bot.render import html_to_plain


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    markup: bool  # messages may carry HTML
    inline_mode: bool
    command_menus: bool  # setMyCommands
    webhook_secret_token: bool  # else the webhook's path carries the secret
    link_host: str

    def deep_link(self, bot_username: str, payload: str) -> str:
        if self.link_host == "t.me":
            return create_deep_linked_url(bot_username, payload)
        return f"https://{self.link_host}/{bot_username}?start={payload}"

    def text(self, html: str) -> str:
        """What to send for a view's HTML here."""
        return html if self.markup else html_to_plain(html)


TELEGRAM = Platform("telegram", markup=True, inline_mode=True, command_menus=True, webhook_secret_token=True,
                    link_host="t.me")
BALE = Platform("bale", markup=False, inline_mode=False, command_menus=False, webhook_secret_token=False,
                link_host="ble.ir")
PLATFORMS = {p.name: p for p in (TELEGRAM, BALE)}


def platform_for(name: str | None, api_base_url: str) -> Platform:
    """The platform named (SOKHAN_PLATFORM), else the one the Bot API's address belongs to."""
    if name:
        return PLATFORMS[name]
    return BALE if "bale.ai" in api_base_url else TELEGRAM


class PlatformBot(ExtBot[Any]):
    """The bot, sending each view as its platform reads it."""

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A bot freezes its attributes after __init__; subclasses add theirs this way.
        with self._unfrozen():
            self.platform = platform

    async def send_message(self, chat_id: int | str, text: str, *args: Any, **kwargs: Any) -> Message:
        return await super().send_message(chat_id, self.platform.text(text), *args, **kwargs)

    async def edit_message_text(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return await super().edit_message_text(self.platform.text(text), *args, **kwargs)

    async def send_photo(self, chat_id: int | str, photo: Any, caption: str | None = None,
                         *args: Any, **kwargs: Any) -> Message:
        text = self.platform.text(caption) if caption else caption
        return await super().send_photo(chat_id, photo, text, *args, **kwargs)
