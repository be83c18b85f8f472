"""Subscriptions and the delivery outbox.

A chat subscribes to every bulletin, to a search query, or to a speaker. When an
article is stored, ``enqueue`` writes one delivery per matching chat in the
article's own transaction; a sender (the bot's broadcast worker) then takes due
deliveries and records each outcome here. Because the outbox is durable, a
restart resumes where the last run stopped.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

import aiosqlite

from storage.models import (
    Article,
    Chat,
    Delivery,
    Stats,
    SubscribeResult,
    SubscribeStatus,
    Subscription,
    SubscriptionKind,
)
from storage.quotes import Match, match, speaker_key

if TYPE_CHECKING:
    from storage.store import Store

# Enough for any real reader; a ceiling so that one chat cannot make every ingest slow.
MAX_SUBSCRIPTIONS = 50
# A speaker subscription follows a name, a title or a surname, not any word in a title.
_FOLLOW_MATCHES = (Match.EXACT, Match.SURNAME)

# Each INSERT … SELECT below queues at most one delivery per chat: UNIQUE (article_id,
# chat_id) keeps the first, so the most specific reason (speaker, then query) is the one
# recorded and shown.
_ENQUEUE_SPEAKERS = """
    INSERT INTO deliveries (article_id, chat_id, subscription_id)
    SELECT :article, s.chat_id, min(s.id) FROM subscriptions s JOIN subscribers c USING (chat_id)
    WHERE c.active AND s.kind = 'speaker' AND s.target IN (SELECT value FROM json_each(:targets))
    GROUP BY s.chat_id
    ON CONFLICT (article_id, chat_id) DO NOTHING
"""
# Each distinct query is tried once against the new article's own index row: the same
# MATCH as /find, so a subscription gets exactly what a search would find. (No leading
# WITH: Python's sqlite3 reports a row count only for statements that start with INSERT.)
_ENQUEUE_QUERIES = """
    INSERT INTO deliveries (article_id, chat_id, subscription_id)
    SELECT :article, s.chat_id, min(s.id) FROM subscriptions s JOIN subscribers c USING (chat_id)
    WHERE c.active AND s.kind = 'query' AND s.target IN (
        SELECT target FROM (SELECT DISTINCT target FROM subscriptions WHERE kind = 'query') t
        WHERE EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH t.target AND rowid = :article)
    )
    GROUP BY s.chat_id
    ON CONFLICT (article_id, chat_id) DO NOTHING
"""
_ENQUEUE_ALL = """
    INSERT INTO deliveries (article_id, chat_id, subscription_id)
    SELECT :article, s.chat_id, min(s.id) FROM subscriptions s JOIN subscribers c USING (chat_id)
    WHERE c.active AND s.kind = 'all'
    GROUP BY s.chat_id
    ON CONFLICT (article_id, chat_id) DO NOTHING
"""


async def enqueue(db: aiosqlite.Connection, article_id: int, article: Article) -> int:
    """Queue ``article`` for every chat whose subscriptions match it; return how many."""
    queued = 0
    targets = await _followed_speakers(db, article)
    if targets:
        cursor = await db.execute(_ENQUEUE_SPEAKERS, {"article": article_id, "targets": json.dumps(targets)})
        queued += max(cursor.rowcount, 0)
    for sql in (_ENQUEUE_QUERIES, _ENQUEUE_ALL):
        cursor = await db.execute(sql, {"article": article_id})
        queued += max(cursor.rowcount, 0)
    return queued


async def _followed_speakers(db: aiosqlite.Connection, article: Article) -> list[str]:
    """The targets of speaker subscriptions that one of the article's speakers answers to."""
    if not article.speakers:
        return []
    async with db.execute(
        "SELECT DISTINCT label, target FROM subscriptions WHERE kind = 'speaker'"
    ) as cursor:
        followed = await cursor.fetchall()
    return [
        target for label, target in followed
        if any(match(label, s.name, s.aliases) in _FOLLOW_MATCHES for s in article.speakers)
    ]


def _subscription(row: aiosqlite.Row) -> Subscription:
    return Subscription(row["id"], row["chat_id"], SubscriptionKind(row["kind"]), row["label"])


class Outbox:
    """Subscriptions and deliveries, over the store's connections."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- subscriptions --------------------------------------------------------------

    async def subscribe_all(self, chat: Chat) -> SubscribeResult:
        return await self.subscribe(chat, SubscriptionKind.ALL, "", "")

    async def subscribe_query(self, chat: Chat, text: str) -> SubscribeResult | None:
        """Bulletins that ``text``, as a /find query, matches; None if it has nothing to match."""
        query = self._store.analyzer.query(text)
        if query.empty or query.truncated:
            return None
        return await self.subscribe(chat, SubscriptionKind.QUERY, " ".join(text.split()), query.match)

    async def follow(self, chat: Chat, name: str) -> SubscribeResult | None:
        """Bulletins in which the speaker ``name`` (a name, surname or title) speaks."""
        name = " ".join(name.split())
        if not speaker_key(name):
            return None
        return await self.subscribe(chat, SubscriptionKind.SPEAKER, name, speaker_key(name))

    async def subscribe(self, chat: Chat, kind: SubscriptionKind, label: str, target: str) -> SubscribeResult:
        """Add a subscription (and the chat, or revive it if it had left)."""
        async with self._store.transaction() as db:
            await db.execute(
                "INSERT INTO subscribers (chat_id, chat_type, title) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET chat_type = excluded.chat_type,"
                " title = excluded.title, active = 1, inactive_reason = NULL",
                (chat.id, chat.type, chat.title),
            )
            async with db.execute(
                "SELECT id, chat_id, kind, label FROM subscriptions"
                " WHERE chat_id = ? AND kind = ? AND target = ?",
                (chat.id, str(kind), target),
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is not None:
                return SubscribeResult(SubscribeStatus.EXISTS, _subscription(existing))
            sql = "SELECT count(*) FROM subscriptions WHERE chat_id = ?"
            async with db.execute(sql, (chat.id,)) as cursor:
                (count,) = await cursor.fetchone() or (0,)
            if count >= MAX_SUBSCRIPTIONS:
                return SubscribeResult(SubscribeStatus.LIMIT)
            async with db.execute(
                "INSERT INTO subscriptions (chat_id, kind, label, target) VALUES (?, ?, ?, ?)"
                " RETURNING id, chat_id, kind, label",
                (chat.id, str(kind), label, target),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None  # noqa: S101 (INSERT … RETURNING always returns the row)
        return SubscribeResult(SubscribeStatus.ADDED, _subscription(row))

    async def subscriptions(self, chat_id: int) -> list[Subscription]:
        """The chat's subscriptions, oldest first (the order /unsubscribe N counts in)."""
        async with self._store.reader.execute(
            "SELECT id, chat_id, kind, label FROM subscriptions WHERE chat_id = ? ORDER BY id", (chat_id,)
        ) as cursor:
            return [_subscription(row) for row in await cursor.fetchall()]

    async def unsubscribe(self, chat_id: int, subscription_id: int) -> Subscription | None:
        """Remove one subscription of this chat, and what it queued and has not sent."""
        async with self._store.transaction() as db:
            async with db.execute(
                "DELETE FROM subscriptions WHERE id = ? AND chat_id = ? RETURNING id, chat_id, kind, label",
                (subscription_id, chat_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            # The foreign key has already set subscription_id to NULL on these rows.
            await db.execute(
                "DELETE FROM deliveries WHERE chat_id = ? AND status = 'pending' AND subscription_id IS NULL",
                (chat_id,),
            )
        return _subscription(row)

    async def unsubscribe_all(self, chat_id: int) -> int:
        """Remove every subscription of this chat and its unsent deliveries; return how many."""
        async with self._store.transaction() as db:
            await db.execute("DELETE FROM deliveries WHERE chat_id = ? AND status = 'pending'", (chat_id,))
            cursor = await db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            return max(cursor.rowcount, 0)

    async def set_active(self, chat_id: int, active: bool, reason: str | None = None) -> bool:
        """Mark a known chat reachable or not (Telegram's my_chat_member); False if unknown.

        A chat that can no longer be reached will not get what is queued for it either.
        """
        async with self._store.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET active = ?, inactive_reason = ? WHERE chat_id = ?",
                (int(active), None if active else reason, chat_id),
            )
            if not active:
                await db.execute(
                    "UPDATE deliveries SET status = 'failed', error = ?"
                    " WHERE chat_id = ? AND status = 'pending'",
                    (reason, chat_id),
                )
            return cursor.rowcount > 0

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup with a new id: move its subscriptions and queue."""
        async with self._store.transaction() as db:
            async with db.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (new_id,)) as cursor:
                merged = await cursor.fetchone() is not None
            if not merged:  # ON UPDATE CASCADE carries subscriptions and deliveries along
                await db.execute(
                    "UPDATE subscribers SET chat_id = ?, chat_type = 'supergroup' WHERE chat_id = ?",
                    (new_id, old_id),
                )
                return
            for table in ("subscriptions", "deliveries"):  # what the new chat already has wins
                await db.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?",  # noqa: S608
                                 (new_id, old_id))
            await db.execute("DELETE FROM subscribers WHERE chat_id = ?", (old_id,))

    # -- deliveries -----------------------------------------------------------------

    async def due(self, now: float, limit: int, busy: Collection[int] = ()) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest first, at most one per chat and
        none for the ``busy`` chats (one message in flight per chat keeps bulletins in order)."""
        async with self._store.reader.execute(
            "SELECT d.id, d.article_id, d.chat_id, c.chat_type, d.attempts, s.kind, s.label"
            " FROM deliveries d JOIN subscribers c USING (chat_id)"
            " LEFT JOIN subscriptions s ON s.id = d.subscription_id"
            " WHERE d.status = 'pending' AND d.due <= ?"
            " AND d.chat_id NOT IN (SELECT value FROM json_each(?))"
            # A chat's bulletins go in order: none overtakes an earlier one waiting to retry.
            " AND NOT EXISTS (SELECT 1 FROM deliveries e"
            "  WHERE e.chat_id = d.chat_id AND e.status = 'pending' AND e.id < d.id)"
            " ORDER BY d.due, d.id LIMIT ?",
            (now, json.dumps(list(busy)), max(1, limit)),
        ) as cursor:
            rows = await cursor.fetchall()
        seen: set[int] = set()
        deliveries = []
        for row in rows:
            if row["chat_id"] not in seen:
                seen.add(row["chat_id"])
                kind = SubscriptionKind(row["kind"]) if row["kind"] else None
                deliveries.append(Delivery(row["id"], row["article_id"], row["chat_id"], row["chat_type"],
                                           row["attempts"], kind, row["label"] or ""))
        return deliveries

    async def next_due(self) -> float | None:
        """When the earliest pending delivery falls due (Unix time), or None."""
        async with self._store.reader.execute(
            "SELECT min(due) FROM deliveries WHERE status = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def sent(self, delivery_id: int, message_id: int | None) -> None:
        await self._update(
            "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, message_id = ?, error = NULL,"
            " sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            (message_id, delivery_id),
        )

    async def retry(self, delivery_id: int, due: float, error: str, *, count: bool = True) -> None:
        """Try again at ``due``; ``count=False`` for a flood wait, which is no failure."""
        await self._update(
            "UPDATE deliveries SET due = ?, error = ?, attempts = attempts + ?"
            " WHERE id = ? AND status = 'pending'",
            (due, error, int(count), delivery_id),
        )

    async def failed(self, delivery_id: int, error: str) -> None:
        await self._update(
            "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?",
            (error, delivery_id),
        )

    async def _update(self, sql: str, params: Iterable[object]) -> None:
        # One statement, one transaction: each outcome is recorded as soon as it is known.
        await self._store.write(sql, tuple(params))

    async def counts(self, article_id: int | None = None) -> dict[str, int]:
        """Deliveries by status, for one article or all."""
        sql = "SELECT status, count(*) FROM deliveries"
        params: tuple[int, ...] = ()
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params = (article_id,)
        async with self._store.reader.execute(sql + " GROUP BY status", params) as cursor:
            found = {row[0]: row[1] for row in await cursor.fetchall()}
        return {status: found.get(status, 0) for status in ("pending", "sent", "failed")}

    async def stats(self) -> Stats:
        async with self._store.reader.execute(
            "SELECT (SELECT count(*) FROM articles),"
            " (SELECT count(*) FROM speakers WHERE id IN (SELECT speaker_id FROM quotes)),"
            " (SELECT count(*) FROM quotes),"
            " (SELECT count(*) FROM subscribers"
            "  WHERE active AND chat_id IN (SELECT chat_id FROM subscriptions)),"
            " (SELECT count(*) FROM subscribers WHERE NOT active),"
            " (SELECT count(*) FROM subscriptions),"
            " (SELECT count(*) FROM feeds), (SELECT count(*) FROM feeds WHERE failures > 0)"
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None  # noqa: S101 (an aggregate always returns a row)
        counts = await self.counts()
        return Stats(articles=row[0], speakers=row[1], quotes=row[2], subscribers=row[3],
                     inactive_subscribers=row[4], subscriptions=row[5], pending=counts["pending"],
                     sent=counts["sent"], failed=counts["failed"], feeds=row[6], failing_feeds=row[7])

