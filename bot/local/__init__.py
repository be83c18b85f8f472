"""A small Telegram Bot API server on 127.0.0.1: the local mode's backend and the e2e tests' loopback.

``LocalBotApi`` speaks the Bot API's HTTP and JSON closely enough that the real python-telegram-bot
``Application`` runs against it with any token and no internet. Its modules each own one part:

* ``server``: HTTP/1.1 on asyncio streams (keep-alive, Content-Length and chunked bodies) and the
  two routes; ``wire``: JSON, urlencoded and multipart requests, decoded the way Telegram decodes
  them, and JSON replies;
* ``world``: one simulated world: the bot, users, chats (private, groups, channels), messages
  (with edits, deletions, forwards and channel posts), files, updates and long polling, commands,
  callback and inline queries, and the bot's membership (blocked, removed, its group upgraded to a
  supergroup); ``types``: its public types; ``entities``: text as Telegram parses and measures it;
* ``methods``: the Bot API methods, with Telegram's limits answered with Telegram's error codes and
  texts; ``faults``: injected faults;
* ``users``: the test side, as plain Python: simulated users acting (``user_sends``,
  ``user_presses``, ``user_blocks_bot`` ...) and observation of what the bot did (``sent``,
  ``wait_for_reply``, ``requests`` ...);
* ``api``: ``LocalBotApi``, all of it put together.

Under load, sending costs O(1) whatever the number of chats and messages, and
``record_requests=False`` drops the request log.

The token in the URL is accepted whatever it is and never stored or logged. Every public method
must be called from the thread running the server's event loop. Nothing here imports the rest of
the project.
"""

from bot.local.api import LocalBotApi
from bot.local.entities import command_entities, parse_html, utf16_len
from bot.local.methods import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_COMMANDS,
    MAX_INLINE_RESULTS,
    MAX_TEXT_LENGTH,
)
from bot.local.server import MAX_BODY_BYTES
from bot.local.types import (
    DEFAULT_USER,
    GROUP_ANONYMOUS_BOT,
    ApiCall,
    ApiError,
    Button,
    CallbackAnswer,
    InlineAnswer,
    LocalChat,
    LocalUser,
    SentMessage,
)
from bot.local.wire import Upload

__all__ = [
    "DEFAULT_USER",
    "GROUP_ANONYMOUS_BOT",
    "MAX_BODY_BYTES",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_COMMANDS",
    "MAX_INLINE_RESULTS",
    "MAX_TEXT_LENGTH",
    "ApiCall",
    "ApiError",
    "Button",
    "CallbackAnswer",
    "InlineAnswer",
    "LocalBotApi",
    "LocalChat",
    "LocalUser",
    "SentMessage",
    "Upload",
    "command_entities",
    "parse_html",
    "utf16_len",
]
