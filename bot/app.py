"""Wiring: one ``build_application`` for every mode, and the modes themselves.

With a token the bot polls Telegram (or serves a webhook); without one it runs
against the project's local Bot API server with a terminal chat, so anyone can
try it with ``make run`` before they have a token.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.handlers import (
    COMMANDS,
    BotData,
    SokhanContext,
    button,
    error_handler,
    inline_query,
    search_text,
    unknown_command,
)
from bot.local_api import LocalBotApi
from bot.terminal import TerminalChat
from storage.store import Store

log = logging.getLogger(__name__)
LOCAL_TOKEN = "0:local"  # noqa: S105 - the local server accepts any token; this one is no secret
SokhanApp = Application[Any, SokhanContext, dict[Any, Any], dict[Any, Any], BotData, Any]


def quiet_http_logs() -> None:
    """httpx logs every request URL at INFO, and those URLs carry the bot token."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


async def _open_store(app: SokhanApp, settings: Settings) -> None:
    app.bot_data.store = await Store.open(settings.db_path)
    fa = [BotCommand(c.name, c.fa) for c in COMMANDS]
    en = [BotCommand(c.name, c.en) for c in COMMANDS]
    await app.bot.set_my_commands(fa, language_code="fa")
    await app.bot.set_my_commands(en)


async def _close_store(app: SokhanApp) -> None:
    if app.bot_data.store is not None:
        await app.bot_data.store.close()
        app.bot_data.store = None


def build_application(settings: Settings, *, token: str | None = None, base_url: str | None = None,
                      base_file_url: str | None = None, rate_limit: bool = True) -> SokhanApp:
    """The bot, wired: handlers from the command table, the store opened in post_init."""
    quiet_http_logs()
    builder = (
        ApplicationBuilder()
        .token(token or settings.bot_token or LOCAL_TOKEN)
        .base_url(base_url or settings.api_base_url)
        .context_types(ContextTypes(context=SokhanContext, bot_data=BotData))
        .concurrent_updates(True)  # a slow search must not hold up everyone else
        # httpcore scans its whole pool on every request: a few warm connections serve
        # more replies per second than the default 256 (benchmarks/bot.py).
        .connection_pool_size(8)
        .post_init(lambda app: _open_store(app, settings))
        .post_shutdown(_close_store)
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if rate_limit:  # stay inside Telegram's flood limits instead of collecting 429s
        builder = builder.rate_limiter(AIORateLimiter())  # type: ignore[arg-type]
    app: SokhanApp = builder.build()
    # Group 0: the commands; the catch-alls below only see what no command took.
    for command in COMMANDS:
        app.add_handler(CommandHandler(command.names, command.callback))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(InlineQueryHandler(inline_query))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, search_text))
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))  # after every known command
    app.add_error_handler(error_handler)
    return app


def run_telegram(settings: Settings, webhook_url: str | None, port: int) -> None:
    """Production: poll Telegram, or serve a webhook when its URL is set."""
    app = build_application(settings)
    if webhook_url:
        app.run_webhook(listen="0.0.0.0", port=port, webhook_url=webhook_url,  # noqa: S104 (a server)
                        allowed_updates=Update.ALL_TYPES)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


@contextlib.asynccontextmanager
async def polling(app: SokhanApp) -> AsyncIterator[SokhanApp]:
    """Run ``app`` polling inside an event loop that is already running (local mode, tests).

    ``run_polling`` owns its loop and calls the post_init/post_shutdown hooks itself;
    here they are called by hand, in the same order.
    """
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        if app.updater is None:
            raise RuntimeError("polling needs the application's updater")
        await app.updater.start_polling(poll_interval=0, allowed_updates=Update.ALL_TYPES)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown:
                await app.post_shutdown(app)


async def run_local(settings: Settings) -> None:
    """No token: the same bot against the local Bot API server, and a terminal chat."""
    for noisy in ("telegram", "apscheduler", "bot.local_api"):  # the terminal is the chat now
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    async with LocalBotApi() as api:
        app = build_application(settings, base_url=api.base_url, base_file_url=api.base_file_url,
                                rate_limit=False)
        async with polling(app):
            await TerminalChat(api).run()
