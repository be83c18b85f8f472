"""What only Sokhan's administrators (SOKHAN_ADMIN_IDS) may do: publish, delete,
see the figures, manage feeds. Everyone else gets a polite refusal.

Publishing takes ``/publish TEXT``, ``/publish`` in reply to a message, a ``.txt``
document, or a forwarded channel post; each goes through the same ingestion as
``sokhan ingest`` and, when new, is queued for its subscribers at once.
Callback data: ``x:ID`` confirms deleting statement ID.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageOriginChannel, Update
from telegram.constants import ParseMode

from bot import strings
from bot.context import SokhanContext, argument, article_id_from, is_admin, reply, wake_broadcaster
from bot.render import escape
from bot.views import NO_PREVIEW, headline
from storage.feeds import FeedError, check_feed_url
from storage.feedstore import MAX_FEEDS
from storage.ingest import MAX_FILE_BYTES, analyze_text, decode
from storage.models import Feed, IngestStatus, Origin, OriginKind
from storage.parse import RejectedText
from storage.text import latin_digits, persian_digits

log = logging.getLogger(__name__)


def _number(value: int) -> str:
    return persian_digits(f"{value:,}".replace(",", "٬"))


async def _refused(update: Update, context: SokhanContext, text: str = strings.ADMINS_ONLY) -> bool:
    """True (after saying so) when the sender is not an administrator."""
    if is_admin(update, context):
        return False
    await reply(update, text)
    return True


async def _publish(update: Update, context: SokhanContext, raw: str, origin: Origin) -> None:
    try:
        article = analyze_text(raw)
    except RejectedText as exc:
        await reply(update, strings.REJECTED.format(reason=escape(str(exc))))
        return
    result = await context.store.add_article(article, origin)
    if result.status is not IngestStatus.NEW or result.article_id is None:
        await reply(update, strings.DUPLICATE.format(id=result.article_id))
        return
    wake_broadcaster(context)
    log.info("published #%d from %s, queued for %d chats", result.article_id, origin, result.queued)
    await reply(update, strings.PUBLISHED.format(id=result.article_id, title=escape(headline(article)),
                                                 queued=_number(result.queued)))


def _origin(message: Message) -> Origin:
    """Where a statement published over Telegram came from, for the audit trail."""
    forward = message.forward_origin
    if isinstance(forward, MessageOriginChannel):
        channel = forward.chat.username or str(forward.chat.id)
        return Origin(OriginKind.TELEGRAM, f"{channel}/{forward.message_id}")
    return Origin(OriginKind.TELEGRAM, f"{message.chat.id}/{message.message_id}")


async def publish(update: Update, context: SokhanContext) -> None:
    """``/publish TEXT``, or ``/publish`` in reply to the message to publish."""
    message = update.effective_message
    if message is None or await _refused(update, context, strings.PUBLISH_ADMINS_ONLY):
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
        await _publish(update, context, target.text or target.caption or "", _origin(target))
    else:
        await reply(update, strings.USAGE_PUBLISH)


async def document(update: Update, context: SokhanContext) -> None:
    """A ``.txt`` file sent to the bot in private: published when an administrator sent it."""
    message = update.effective_message
    if message is not None and not await _refused(update, context, strings.PUBLISH_ADMINS_ONLY):
        await _publish_document(update, context, message)


async def _publish_document(update: Update, context: SokhanContext, message: Message) -> None:
    doc = message.document
    limit = persian_digits(str(MAX_FILE_BYTES // 2**20))
    if doc is None:
        return
    is_text = (doc.file_name or "").lower().endswith(".txt") or doc.mime_type == "text/plain"
    if not is_text or (doc.file_size or 0) > MAX_FILE_BYTES:
        await reply(update, strings.NOT_TEXT_FILE.format(limit=limit))
        return
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    if len(data) > MAX_FILE_BYTES:  # file_size is optional: check what actually came
        await reply(update, strings.NOT_TEXT_FILE.format(limit=limit))
        return
    try:
        raw = decode(data)
    except RejectedText as exc:
        await reply(update, strings.REJECTED.format(reason=escape(str(exc))))
        return
    origin = Origin(OriginKind.TELEGRAM, f"{message.chat.id}/{message.message_id}/{doc.file_name or 'file'}")
    await _publish(update, context, raw, origin)


async def forwarded(update: Update, context: SokhanContext) -> None:
    """A post forwarded to the bot in private: published when an administrator sent it."""
    message = update.effective_message
    if message is None or await _refused(update, context, strings.PUBLISH_ADMINS_ONLY):
        return
    if message.document is not None:
        await _publish_document(update, context, message)
    elif text := message.text or message.caption:
        await _publish(update, context, text, _origin(message))


async def stats(update: Update, context: SokhanContext) -> None:
    """Articles, speakers, subscribers, deliveries and feeds, in figures."""
    if await _refused(update, context):
        return
    s = await context.store.outbox.stats()
    await reply(update, strings.STATS.format(
        articles=_number(s.articles), speakers=_number(s.speakers), quotes=_number(s.quotes),
        subscribers=_number(s.subscribers), inactive=_number(s.inactive_subscribers),
        subscriptions=_number(s.subscriptions), pending=_number(s.pending), sent=_number(s.sent),
        failed=_number(s.failed), feeds=_number(s.feeds), failing=_number(s.failing_feeds)))


async def delete(update: Update, context: SokhanContext) -> None:
    """``/delete ID``: asks once, with a button, before anything is removed."""
    if await _refused(update, context):
        return
    text = argument(context)
    article_id = article_id_from(text) if text else None
    stored = await context.store.get_article(article_id) if article_id is not None else None
    if article_id is None:
        await reply(update, strings.USAGE_ARTICLE.format(command="delete"))
    elif stored is None:
        await reply(update, strings.NO_ARTICLE.format(id=persian_digits(str(article_id))))
    else:
        button = InlineKeyboardButton(strings.BUTTON_CONFIRM_DELETE, callback_data=f"x:{article_id}")
        title = escape(headline(stored.article))
        await reply(update, strings.CONFIRM_DELETE.format(id=article_id, title=title),
                    InlineKeyboardMarkup([[button]]))


async def confirm_delete(update: Update, context: SokhanContext) -> None:
    """The 🗑 button under /delete."""
    query = update.callback_query
    if query is None or not query.data:
        return
    if not is_admin(update, context):
        await query.answer(strings.ADMINS_ONLY, show_alert=True)
        return
    await query.answer()
    article_id = article_id_from(query.data.partition(":")[2])
    removed = await context.store.delete_article(article_id) if article_id is not None else None
    if removed is None:
        text = strings.NO_ARTICLE.format(id=persian_digits(str(article_id)))
    else:
        who = update.effective_user.id if update.effective_user else "?"
        log.info("deleted #%d at the request of %s", removed.id, who)
        text = strings.DELETED.format(id=removed.id, title=escape(headline(removed.article)))
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)


def _feed_line(feed: Feed) -> str:
    if feed.failures:
        state = strings.FEED_FAILING.format(failures=persian_digits(str(feed.failures)),
                                            error=escape(feed.last_error or ""))
    else:
        state = strings.FEED_OK if feed.last_ok_at else strings.FEED_NEW
    title = f" — {escape(feed.title)}" if feed.title else ""
    title += strings.FEED_CONFIG if feed.from_config else ""
    return strings.FEED_LINE.format(id=feed.id, url=escape(feed.url), title=title, state=state)


async def feed(update: Update, context: SokhanContext) -> None:
    """``/feed add URL``, ``/feed list``, ``/feed remove N``."""
    if await _refused(update, context):
        return
    action, _, rest = argument(context).partition(" ")
    action, rest = action.lower(), rest.strip()
    if action == "add" and rest:
        await _add_feed(update, context, rest)
    elif action == "list":
        feeds = await context.store.feeds.all()
        lines = [strings.FEEDS_HEADER, ""] + [_feed_line(f) for f in feeds]
        await reply(update, "\n".join(lines) if feeds else strings.NO_FEEDS)
    elif action == "remove" and rest:
        await _remove_feed(update, context, latin_digits(rest).lstrip("#"))
    else:
        await reply(update, strings.USAGE_FEED)


async def _add_feed(update: Update, context: SokhanContext, url: str) -> None:
    try:
        url = check_feed_url(url)
    except FeedError as exc:
        await reply(update, strings.FEED_BAD_URL.format(reason=escape(str(exc))))
        return
    user = update.effective_user
    added, new = await context.store.feeds.add(url, str(user.id) if user else "admin")
    if added is None:
        await reply(update, strings.FEED_LIMIT.format(limit=persian_digits(str(MAX_FEEDS))))
    elif not new:
        await reply(update, strings.FEED_EXISTS.format(id=added.id))
    else:
        await reply(update, strings.FEED_ADDED.format(id=added.id, url=escape(added.url)))
        if context.bot_data.feeds is not None:  # read it now, not at the next round
            context.bot_data.feeds.kick()


async def _remove_feed(update: Update, context: SokhanContext, text: str) -> None:
    feeds = {f.id: f for f in await context.store.feeds.all()}
    target = feeds.get(int(text)) if text.isdigit() and len(text) < 12 else None
    if target is None:
        await reply(update, strings.FEED_NOT_FOUND.format(text=escape(text[:20])))
    elif target.from_config:
        await reply(update, strings.FEED_IN_CONFIG.format(id=target.id))
    else:
        await context.store.feeds.remove(target.id)
        await reply(update, strings.FEED_REMOVED.format(id=target.id, url=escape(target.url)))
