"""What only Sokhan's administrators (SOKHAN_ADMIN_IDS) may do: publish, delete, see the
figures, manage feeds. Everyone else gets a polite refusal (``guards.admin_only``).

Publishing takes ``/publish TEXT``, ``/publish`` in reply to a message, a ``.txt`` or
``.docx`` document, a photo with the statement as its caption, or a forwarded channel post
(a photo post's bulletins carry its photo); each goes through the same ingestion as
``sokhan ingest`` and, when new, is queued for its subscribers at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from telegram import Message, MessageOriginChannel, Update

from bot import strings
from bot.callbacks import Callback
from bot.context import Rewrite, SokhanContext, argument, chat_id_of, reply, wake_broadcaster
from bot.guards import admin_only
from bot.render import escape
from bot.views.admin import confirm_delete_view, deleted_text, feeds_view, published_text, stats_view
from bot.views.common import digits
from storage.db.feeds import MAX_FEEDS
from storage.errors import FeedError, RejectedText, Rejection
from storage.models import IngestStatus, Origin, OriginKind
from storage.sources.fetch import check_feed_url
from storage.sources.files import MAX_FILE_BYTES, decode_file
from storage.sources.word import MAX_DOCX_BYTES
from storage.text.numbers import parse_count

log = logging.getLogger(__name__)
TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))


def _rejected(exc: RejectedText) -> str:
    reason = strings.REJECTIONS.get(exc.reason, strings.REJECTIONS[Rejection.EMPTY])
    return strings.REJECTED.format(reason=reason)


def today_in_tehran() -> dt.date:
    # Iran keeps +03:30 all year since 2022: no time zone database needed.
    return dt.datetime.now(TEHRAN).date()


def _photo(message: Message) -> str | None:
    """The file_id of a photo post's largest size: the one bulletins send again."""
    return message.photo[-1].file_id if message.photo else None


async def _publish(update: Update, context: SokhanContext, raw: str, origin: Origin,
                   photo: str | None = None) -> None:
    try:
        article = await context.ingestor.analyze(raw)
    except RejectedText as exc:
        await reply(update, _rejected(exc))
        return
    # A statement posted to the bot is published now, by this office, unless it says otherwise.
    article = dataclasses.replace(article, date=article.date or today_in_tehran(),
                                  source=article.source or context.bot_data.source)
    result = await context.store.add_article(article, origin, photo=photo)
    if result.status is not IngestStatus.NEW or result.article_id is None:
        await reply(update, strings.DUPLICATE.format(id=digits(result.article_id or 0)))
        return
    wake_broadcaster(context)
    log.info("published #%d from %s, queued for %d chats", result.article_id, origin, result.queued)
    await reply(update, published_text(result.article_id, article, result.queued))


def _origin(message: Message) -> Origin:
    """Where a statement published over Telegram came from, for the audit trail."""
    forward = message.forward_origin
    if isinstance(forward, MessageOriginChannel):
        channel = forward.chat.username or str(forward.chat.id)
        return Origin(OriginKind.TELEGRAM, f"{channel}/{forward.message_id}")
    return Origin(OriginKind.TELEGRAM, f"{message.chat.id}/{message.message_id}")


@admin_only(strings.PUBLISH_ADMINS_ONLY)
async def publish(update: Update, context: SokhanContext) -> None:
    """``/publish TEXT``, or ``/publish`` in reply to the message to publish."""
    message = update.effective_message
    if message is None:
        return
    # The text after the command, its line breaks kept (context.args would lose them).
    parts = (message.text or "").split(None, 1)
    if len(parts) == 2:
        await _publish(update, context, parts[1], _origin(message))
        return
    target = message.reply_to_message
    if target is not None and target.document is not None:
        await _publish_document(update, context, target)
    elif target is not None and (target.text or target.caption):
        await _publish(update, context, target.text or target.caption or "", _origin(target), _photo(target))
    else:
        await reply(update, strings.USAGE_PUBLISH)


@admin_only(strings.PUBLISH_ADMINS_ONLY)
async def document(update: Update, context: SokhanContext) -> None:
    """A ``.txt`` or ``.docx`` file sent to the bot in private: published when an administrator sent it."""
    if update.effective_message is not None:
        await _publish_document(update, context, update.effective_message)


_TEXT_TYPES = {"text/plain"}
# .doc too: it is read far enough to say that it must be saved as .docx.
_WORD_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "application/msword"}


async def _publish_document(update: Update, context: SokhanContext, message: Message) -> None:
    doc = message.document
    if doc is None:
        return
    name = doc.file_name or ""
    if name.lower().endswith((".docx", ".doc")) or doc.mime_type in _WORD_TYPES:
        name, limit = name or "statement.docx", MAX_DOCX_BYTES
    elif name.lower().endswith(".txt") or doc.mime_type in _TEXT_TYPES:
        limit = MAX_FILE_BYTES
    else:
        limit = 0
    too_large = strings.NOT_TEXT_FILE.format(limit=digits(MAX_FILE_BYTES // 2**20),
                                             word_limit=digits(MAX_DOCX_BYTES // 2**20))
    if not limit or (doc.file_size or 0) > limit:
        await reply(update, too_large)
        return
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    if len(data) > limit:  # file_size is optional: check what actually came
        await reply(update, too_large)
        return
    try:
        decoded = await context.store.offload(decode_file, name, data)
    except RejectedText as exc:
        await reply(update, _rejected(exc))
        return
    origin = Origin(OriginKind.TELEGRAM, f"{message.chat.id}/{message.message_id}/{doc.file_name or 'file'}")
    await _publish(update, context, decoded.text, origin)


@admin_only(strings.PUBLISH_ADMINS_ONLY)
async def photo(update: Update, context: SokhanContext) -> None:
    """A photo sent to the bot in private: its caption is the statement, and its bulletins carry it."""
    message = update.effective_message
    if message is None:
        return
    if not message.caption:
        await reply(update, strings.PHOTO_NEEDS_CAPTION)
        return
    await _publish(update, context, message.caption, _origin(message), _photo(message))


@admin_only(strings.PUBLISH_ADMINS_ONLY)
async def forwarded(update: Update, context: SokhanContext) -> None:
    """A post forwarded to the bot in private: published when an administrator sent it."""
    message = update.effective_message
    if message is None:
        return
    if message.document is not None:
        await _publish_document(update, context, message)
    elif text := message.text or message.caption:
        await _publish(update, context, text, _origin(message), _photo(message))
    elif message.photo:
        await reply(update, strings.PHOTO_NEEDS_CAPTION)


@admin_only()
async def stats(update: Update, context: SokhanContext) -> None:
    """Articles, speakers, subscribers, deliveries and feeds, in figures."""
    await reply(update, stats_view(await context.store.stats()))


@admin_only()
async def delete(update: Update, context: SokhanContext) -> None:
    """``/delete ID``: asks once, with a button, before anything is removed."""
    article_id = parse_count(argument(context))
    stored = await context.store.get_article(article_id) if article_id is not None else None
    if article_id is None:
        await reply(update, strings.USAGE_ARTICLE.format(command="delete"))
    elif stored is None:
        await reply(update, strings.NO_ARTICLE.format(id=digits(article_id)))
    else:
        await reply(update, confirm_delete_view(stored, context.buttons(chat_id_of(update))))


@admin_only()
async def delete_button(update: Update, context: SokhanContext, callback: Callback) -> Rewrite:
    """The 🗑 button under /delete: the confirmation, then the outcome in its place."""
    article_id = callback.number or 0
    removed = await context.store.delete_article(article_id)
    if removed is None:
        return Rewrite((strings.NO_ARTICLE.format(id=digits(article_id)), None))
    who = update.effective_user.id if update.effective_user else "?"
    log.info("deleted #%d at the request of %s", removed.id, who)
    return Rewrite((deleted_text(removed), None))


@admin_only()
async def keep_button(update: Update, context: SokhanContext, callback: Callback) -> Rewrite:
    """«نه، بماند» under /delete: nothing is removed, and the question gives way to that."""
    return Rewrite((strings.KEPT.format(id=digits(callback.number or 0)), None))


@admin_only()
async def feed(update: Update, context: SokhanContext) -> None:
    """``/feed add URL``, ``/feed list``, ``/feed remove N``."""
    action, _, rest = argument(context).partition(" ")
    action, rest = action.lower(), rest.strip()
    if action == "add" and rest:
        await _add_feed(update, context, rest)
    elif action == "list":
        await reply(update, feeds_view(await context.store.feeds.all()))
    elif action == "remove" and rest:
        await _remove_feed(update, context, rest)
    else:
        await reply(update, strings.USAGE_FEED)


def feed_problem(exc: FeedError) -> str:
    return strings.FEED_PROBLEMS.get(exc.problem, strings.FEED_PROBLEMS[next(iter(strings.FEED_PROBLEMS))])


async def _add_feed(update: Update, context: SokhanContext, url: str) -> None:
    poller = context.bot_data.feeds
    try:
        url = await poller.check(url) if poller is not None else check_feed_url(url)
    except FeedError as exc:
        await reply(update, strings.FEED_BAD_URL.format(reason=feed_problem(exc)))
        return
    user = update.effective_user
    added, new = await context.store.feeds.add(url, str(user.id) if user else "admin")
    if added is None:
        await reply(update, strings.FEED_LIMIT.format(limit=digits(MAX_FEEDS)))
    elif not new:
        await reply(update, strings.FEED_EXISTS.format(id=digits(added.id)))
    else:
        await reply(update, strings.FEED_ADDED.format(id=digits(added.id), url=escape(added.url)))
        if poller is not None:  # read it now, not at the next round
            poller.kick()


async def _remove_feed(update: Update, context: SokhanContext, text: str) -> None:
    feeds = {f.id: f for f in await context.store.feeds.all()}
    feed_id = parse_count(text)
    target = feeds.get(feed_id) if feed_id is not None else None
    if target is None:
        await reply(update, strings.FEED_NOT_FOUND.format(text=escape(text[:20])))
    elif target.from_config:
        await reply(update, strings.FEED_IN_CONFIG.format(id=digits(target.id)))
    else:
        await context.store.feeds.remove(target.id)
        await reply(update, strings.FEED_REMOVED.format(id=digits(target.id), url=escape(target.url)))
