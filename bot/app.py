"""Wiring: one ``build_application`` for every mode, and the modes themselves.

With a token the bot polls Telegram (or serves a webhook); without one it runs
against the project's local Bot API server with a terminal chat, so anyone can
try it with ``make run`` before they have a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import strings
from bot.broadcast import Broadcaster
from bot.callbacks import CallbackCodec
from bot.commands import COMMANDS, text_message, unknown_command
from bot.config import Settings
from bot.context import BotData, SokhanContext
from bot.feeds import FeedPoller
from bot.handlers import admin, buttons, inline, subscriptions
from bot.handlers.errors import error_handler
from bot.limiter import DatabaseClock, PriorityRateLimiter
from bot.logs import Redactor, log_to_file
from bot.platform import Platform, PlatformBot, platform_for
from bot.updates import FairUpdateProcessor
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Chat
from storage.sources.fetch import AddressGuard

log = logging.getLogger(__name__)
LOCAL_TOKEN = "0:local"  # noqa: S105 - the local server accepts any token; this one is no secret
# Replies and bulletins wait out a 429 this many times before the caller sees it.
RETRIES_ON_429 = 2
# How often the JobQueue looks for feeds due (each feed has its own SOKHAN_FEED_INTERVAL).
FEED_TICK = 30.0
# Button keys are kept this long; the job that forgets older ones runs daily.
KEY_CLEANUP_INTERVAL = 24 * 3600.0
# Names under which the database keeps the generated secrets (not the secrets themselves).
BUTTON_SECRET = "buttons"  # noqa: S105
WEBHOOK_SECRET = "webhook"  # noqa: S105
LOCAL_LOG = "sokhan.log"  # beside the database, in local mode
LOCAL_HISTORY = "terminal-history"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# A worker's sends in flight at once: enough to keep 1,000 a second going.
SENDER_CONCURRENCY = 64
SokhanApp = Application[Any, SokhanContext, dict[Any, Any], dict[Any, Any], BotData, Any]


def quiet_http_logs() -> None:
    """httpx logs every request URL at INFO, and those URLs carry the bot token."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


async def _start_services(app: SokhanApp, settings: Settings, retry_base: float, guard: AddressGuard) -> None:
    """Open the store, publish the command menus, start the broadcast and the feeds."""
    data = app.bot_data
    data.store = store = await Store.open(settings.database)
    data.ingestor = ingestor = Ingestor(store)
    data.codec = codec = CallbackCodec(await store.keys.secret(BUTTON_SECRET))
    data.admin_ids = settings.admin_ids
    data.source = settings.source
    if app.bot_data.platform.command_menus:
        await _set_commands(app, settings.admin_ids)
    if settings.channel_id:
        await _subscribe_channel(app, store, settings.channel_id)
    data.broadcaster = _broadcaster(app, settings, store, codec, retry_base)
    await store.feeds.sync_config(settings.feeds)
    data.feeds = FeedPoller(store, ingestor, interval=settings.feed_interval, guard=guard,
                            report=lambda text: _tell_admins(app, text),
                            published=data.broadcaster.wake if data.broadcaster else lambda: None)
    if app.job_queue is not None:
        app.job_queue.run_repeating(_poll_feeds, interval=FEED_TICK, first=1, name="feeds")
        app.job_queue.run_repeating(_forget_old_keys, interval=KEY_CLEANUP_INTERVAL, first=60, name="keys")


def _broadcaster(app: SokhanApp, settings: Settings, store: Store, codec: CallbackCodec,
                 retry_base: float) -> Broadcaster | None:
    """The bot's own sender, started (unless SOKHAN_BOT_SENDS=0 leaves bulletins to workers);
    replies take their slots from the budget every sender shares."""
    limiter = app.bot.rate_limiter
    rate = settings.bulletin_rate if limiter else 0.0
    clock = DatabaseClock()
    if isinstance(limiter, PriorityRateLimiter):
        limiter.share(lambda: store.deliveries.reserve(rate), store.deliveries.pause, clock)
    if not settings.bot_sends:
        return None
    broadcaster = Broadcaster(store, app.bot, codec, rate=rate,
                              paid=settings.paid_broadcast, lease=settings.broadcast_lease,
                              retry_base=retry_base, clock=clock)
    broadcaster.start()
    return broadcaster


async def _set_commands(app: SokhanApp, admin_ids: frozenset[int]) -> None:
    public = [c for c in COMMANDS if not c.admin]
    await app.bot.set_my_commands([BotCommand(c.name, c.fa) for c in public], language_code="fa")
    await app.bot.set_my_commands([BotCommand(c.name, c.en) for c in public])
    for admin_id in admin_ids:  # admins see their commands in their own chat's menu
        try:
            await app.bot.set_my_commands([BotCommand(c.name, c.fa) for c in COMMANDS],
                                          scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # an admin who has not started the bot yet
            log.info("no command menu for admin %d: %s", admin_id, exc.message)


async def _subscribe_channel(app: SokhanApp, store: Store, channel_id: str) -> None:
    """SOKHAN_CHANNEL_ID gets every bulletin, like any chat subscribed with /subscribe."""
    try:
        chat = await app.bot.get_chat(int(channel_id) if channel_id.lstrip("-").isdigit() else channel_id)
    except TelegramError as exc:
        log.warning("SOKHAN_CHANNEL_ID %s: the bot cannot reach it (%s); not posting there", channel_id,
                    exc.message)
        return
    await store.subscriptions.subscribe_all(Chat(chat.id, chat.type, chat.title))


async def _tell_admins(app: SokhanApp, text: str) -> None:
    for admin_id in app.bot_data.admin_ids:
        try:
            await app.bot.send_message(admin_id, text)
        except TelegramError as exc:
            log.warning("could not tell admin %d: %s", admin_id, exc.message)


async def _poll_feeds(context: SokhanContext) -> None:
    if context.bot_data.feeds is not None:
        context.bot_data.feeds.kick()


async def _forget_old_keys(context: SokhanContext) -> None:
    forgotten = await context.store.keys.forget_old()
    if forgotten:
        log.info("forgot %d button keys older than their keeping time", forgotten)


async def _stop_services(app: SokhanApp) -> None:
    """Before the bot's connection closes: let the messages in flight finish."""
    if app.bot_data.feeds is not None:
        await app.bot_data.feeds.close()
        app.bot_data.feeds = None
    if app.bot_data.broadcaster is not None:
        await app.bot_data.broadcaster.stop()
        app.bot_data.broadcaster = None


async def _close_store(app: SokhanApp) -> None:
    if app.bot_data.store is not None:
        await app.bot_data.store.close()
        app.bot_data.store = None


def _limiter(settings: Settings) -> PriorityRateLimiter:
    """Stay inside the flood limits instead of collecting 429s."""
    # The rate over tenths of a second: a whole second's worth at once (aiolimiter's bucket)
    # would let a broadcast start at twice the rate Telegram allows. Below 10 a second, one
    # message per its share of a second (a bucket holds one at least).
    rate = settings.broadcast_rate
    per, period = (rate / 10, 0.1) if rate >= 10 else (1.0, 1 / rate)
    return PriorityRateLimiter(overall_max_rate=per, overall_time_period=period, max_retries=RETRIES_ON_429)


def _defaults(platform: Platform) -> Defaults | None:
    """Every message is HTML with its text escaped, and never previews a link; Bale takes neither."""
    return Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW) if platform.markup else None


def build_sender(settings: Settings) -> PlatformBot:
    """The bot as a ``sokhan worker`` sends with it: the bot process's token, API, platform and
    defaults, over aiohttp, and no limiter (the shared schedule paces bulletins)."""
    if not settings.bot_token:
        raise ValueError("a sender needs TELEGRAM_BOT_TOKEN")
    from bot.request import AiohttpRequest  # only the senders of bulletins use aiohttp

    api = settings.api_base_url
    platform = platform_for(settings.platform, api)
    return PlatformBot(settings.bot_token, base_url=api, base_file_url=_files(api),
                       defaults=_defaults(platform), platform=platform,
                       request=AiohttpRequest(SENDER_CONCURRENCY), get_updates_request=AiohttpRequest(1))


def build_application(settings: Settings, *, token: str | None = None, base_url: str | None = None,
                      base_file_url: str | None = None, rate_limit: bool = True,
                      retry_base: float = 10.0, feed_guard: AddressGuard | None = None,
                      platform: Platform | None = None) -> SokhanApp:
    """The bot, wired: handlers from the command table, the store opened in post_init.

    ``retry_base`` is the broadcast's first backoff in seconds (tests shorten it);
    ``feed_guard`` decides which addresses feeds may come from (tests serve theirs on loopback);
    ``platform`` overrides the one the settings and the API's address name.
    """
    quiet_http_logs()
    guard = feed_guard or AddressGuard(allow_private=settings.feeds_allow_private)
    api = base_url or settings.api_base_url
    platform = platform or platform_for(settings.platform, api)
    bot = PlatformBot(
        token or settings.bot_token or LOCAL_TOKEN, base_url=api, base_file_url=base_file_url or _files(api),
        defaults=_defaults(platform), rate_limiter=_limiter(settings) if rate_limit else None,
        platform=platform,
        # httpcore scans its whole pool on every request: a few warm connections serve more
        # replies per second than the default 256 (benchmarks/bot.py).
        request=HTTPXRequest(connection_pool_size=8),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
    app: SokhanApp = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=SokhanContext, bot_data=BotData))
        # A slow search must not hold up everyone else, nor a busy group the other chats.
        .concurrent_updates(FairUpdateProcessor())
        .post_init(lambda app: _start_services(app, settings, retry_base, guard))
        .post_stop(_stop_services)
        .post_shutdown(_close_store)
        .build()
    )
    app.bot_data.platform = platform
    _add_handlers(app, platform)
    return app


def _files(api_base_url: str) -> str:
    """The file URL beside a Bot API URL, as python-telegram-bot derives it."""
    return api_base_url.removesuffix("/bot").rstrip("/") + "/file/bot" if api_base_url.endswith("/bot") \
        else "https://api.telegram.org/file/bot"


def _add_handlers(app: SokhanApp, platform: Platform) -> None:
    # Group 0, first match wins: the commands, then buttons, inline mode and membership,
    # then the catch-alls, which only see what nothing above took.
    for command in COMMANDS:
        # An edited /publish must not publish a second statement: admin commands act once.
        kinds: filters.BaseFilter = filters.UpdateType.MESSAGES
        if command.admin:
            kinds = filters.UpdateType.MESSAGE
        if command.channel:
            kinds = kinds | filters.UpdateType.CHANNEL_POST
        app.add_handler(CommandHandler(command.names, command.callback, filters=kinds))
    app.add_handler(CallbackQueryHandler(buttons.button))
    if platform.inline_mode:
        app.add_handler(InlineQueryHandler(inline.inline_query))
    app.add_handler(ChatMemberHandler(subscriptions.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.FORWARDED, admin.forwarded))
    app.add_handler(MessageHandler(private & filters.Document.ALL, admin.document))
    app.add_handler(MessageHandler(private & filters.PHOTO, admin.photo))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, text_message))
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))  # after every known command
    app.add_error_handler(error_handler)


async def stored_secret(database: str | Path, name: str) -> str:
    """A secret the deployment generated once and keeps in its database."""
    async with await Store.open(database) as store:
        return await store.keys.secret(name)


def run_telegram(settings: Settings) -> None:
    """Production: poll Telegram, or serve a webhook when its URL is set."""
    app = build_application(settings)
    if not settings.webhook_url:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    secret = settings.webhook_secret or asyncio.run(stored_secret(settings.database, WEBHOOK_SECRET))
    if app.bot_data.platform.webhook_secret_token:
        # Telegram sends the secret with every update; a POST without it is refused with 403
        # before any handler sees it.
        url, path, token = settings.webhook_url, "", secret
    else:
        # Bale sends no secret: the webhook's path is the secret, and any other path is refused.
        url, path, token = f"{settings.webhook_url.rstrip('/')}/{secret}", secret, None
    app.run_webhook(listen="0.0.0.0", port=settings.webhook_port, url_path=path, webhook_url=url,  # noqa: S104
                    secret_token=token, allowed_updates=Update.ALL_TYPES)


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
            if app.post_stop:
                await app.post_stop(app)
            if app.post_shutdown:
                await app.post_shutdown(app)


async def run_local(settings: Settings, redactor: Redactor | None = None) -> None:
    """No token: the same bot against the local Bot API server, and a terminal chat.

    The terminal is the chat now, so the log goes to a file beside the database.
    """
    # Imported here so that a bot with a token never loads the local server.
    from bot.local import DEFAULT_USER, LocalBotApi
    from bot.terminal import TerminalChat

    data_dir = settings.db_path.parent
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / LOCAL_LOG
    log_to_file(log_path, settings.log_level, redactor or Redactor([settings.webhook_secret]))
    for chatty in ("apscheduler", "bot.local"):  # a line per poll and per request otherwise
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))
    # A terminal cannot type in another chat's message box: no inline mode to offer there.
    platform = dataclasses.replace(platform_for(settings.platform, ""), inline_mode=False)
    # The terminal's user administers the local bot, so that publishing can be tried too.
    settings = dataclasses.replace(settings, admin_ids=settings.admin_ids | {DEFAULT_USER.id})
    # No request log: a chat left open for days must not grow with every poll.
    async with LocalBotApi(bale=platform.name == "bale", record_requests=False) as api:
        app = build_application(settings, base_url=api.base_url, base_file_url=api.base_file_url,
                                rate_limit=False, platform=platform)
        async with polling(app):
            chat = TerminalChat(api, history=data_dir / LOCAL_HISTORY)
            await chat.run(notice=strings.TERMINAL_LOG.format(path=log_path))
