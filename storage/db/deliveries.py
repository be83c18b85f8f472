"""The delivery outbox: one row per (bulletin, chat), written in the article's transaction.

``enqueue`` queues a new article for every matching chat inside the article's own
write, so a bulletin is never stored without its deliveries; a sender (the bot's
broadcast worker) takes due deliveries and records each outcome here. Because the
outbox is durable, a restart resumes where the last run stopped.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from storage.analysis.quotes import Match, match
from storage.db import fts
from storage.db.types import Connection, Database
from storage.models import Article, Delivery, Reason, SubscriptionKind

# A speaker subscription follows a name, a title or a surname, not any word in a title.
_FOLLOW_MATCHES = (Match.EXACT, Match.SURNAME)

# Each INSERT … SELECT below queues at most one delivery per chat: UNIQUE (article_id,
# chat_id) keeps the first, so the most specific reason (speaker, then query) heads the
# bulletin; _ENQUEUE_REASONS then records every other subscription of the chat that matched.
_ENQUEUE_TARGETS = """
    INSERT INTO deliveries (article_id, chat_id, subscription_id)
    SELECT :article, s.chat_id, min(s.id) FROM subscriptions s JOIN subscribers c USING (chat_id)
    WHERE c.active = 1 AND s.kind = :kind AND s.target IN (SELECT value FROM json_each(:targets))
    GROUP BY s.chat_id
    ON CONFLICT (article_id, chat_id) DO NOTHING
"""
_ENQUEUE_ALL = """
    INSERT INTO deliveries (article_id, chat_id, subscription_id)
    SELECT :article, s.chat_id, min(s.id) FROM subscriptions s JOIN subscribers c USING (chat_id)
    WHERE c.active = 1 AND s.kind = 'all'
    GROUP BY s.chat_id
    ON CONFLICT (article_id, chat_id) DO NOTHING
"""
# Most chats hold one subscription, the one their delivery names: they add no row here.
_ENQUEUE_REASONS = """
    INSERT INTO delivery_reasons (delivery_id, subscription_id)
    SELECT d.id, s.id FROM deliveries d JOIN subscriptions s USING (chat_id)
    WHERE d.article_id = :article AND s.id IS DISTINCT FROM d.subscription_id AND (
        s.kind = 'all'
        OR (s.kind = 'speaker' AND s.target IN (SELECT value FROM json_each(:speakers)))
        OR (s.kind = 'query' AND s.target IN (SELECT value FROM json_each(:queries))))
    ON CONFLICT DO NOTHING
"""
_REASON_ORDER = {SubscriptionKind.SPEAKER: 0, SubscriptionKind.QUERY: 1, SubscriptionKind.ALL: 2}


def _followed_speakers(conn: Connection, article: Article) -> list[str]:
    """The targets of speaker subscriptions that one of the article's speakers answers to."""
    if not article.speakers:
        return []
    followed = conn.execute(
        "SELECT DISTINCT label, target FROM subscriptions WHERE kind = 'speaker'").fetchall()
    return [
        target for label, target in followed
        if any(match(label, s.name, s.aliases) in _FOLLOW_MATCHES for s in article.speakers)
    ]


def enqueue(conn: Connection, article_id: int, article: Article) -> int:
    """Queue ``article`` for every chat whose subscriptions match it; return how many."""
    speakers = json.dumps(_followed_speakers(conn, article))
    queries = json.dumps(fts.matching_queries(conn, article_id))
    queued = 0
    for kind, targets in (("speaker", speakers), ("query", queries)):
        if targets != "[]":
            queued += max(conn.execute(_ENQUEUE_TARGETS, {"article": article_id, "kind": kind,
                                                          "targets": targets}).rowcount, 0)
    queued += max(conn.execute(_ENQUEUE_ALL, {"article": article_id}).rowcount, 0)
    if queued:
        conn.execute(_ENQUEUE_REASONS, {"article": article_id, "speakers": speakers, "queries": queries})
    return queued


def _reasons(kind: str | None, label: str | None, more: str | None) -> tuple[Reason, ...]:
    """Why a delivery is owed: the subscription that queued it first, then the others that matched."""
    first = (Reason(SubscriptionKind(kind), label or ""),) if kind else ()
    others = sorted((Reason(SubscriptionKind(k), text) for k, text in json.loads(more or "[]")),
                    key=lambda reason: (_REASON_ORDER[reason.kind], reason.label))
    return first + tuple(others)


class Deliveries:
    """The outbox as the broadcast worker uses it: what is due, and each outcome."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, now: float, limit: int, busy: Collection[int] = ()) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest first, at most one per chat and
        none for the ``busy`` chats (one message in flight per chat keeps bulletins in order)."""
        async with self._db.read() as conn, conn.execute(
            "SELECT d.id, d.article_id, d.chat_id, c.chat_type, d.attempts, s.kind, s.label,"
            " (SELECT json_group_array(json_array(x.kind, x.label)) FROM delivery_reasons r"
            "  JOIN subscriptions x ON x.id = r.subscription_id WHERE r.delivery_id = d.id) AS more"
            " FROM deliveries d JOIN subscribers c USING (chat_id)"
            " LEFT JOIN subscriptions s ON s.id = d.subscription_id"
            " WHERE d.status = 'pending' AND d.due <= ?"
            " AND d.chat_id NOT IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"
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
                deliveries.append(Delivery(row["id"], row["article_id"], row["chat_id"], row["chat_type"],
                                           row["attempts"], _reasons(row["kind"], row["label"], row["more"])))
        return deliveries

    async def next_due(self) -> float | None:
        """When the earliest pending delivery falls due (Unix time), or None."""
        async with self._db.read() as conn, conn.execute(
            "SELECT min(due) FROM deliveries WHERE status = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    # Each outcome is one statement in a write of its own, recorded as soon as it is known.

    async def sent(self, delivery_id: int, message_id: int | None) -> None:
        await self._write(
            "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, message_id = ?, error = NULL,"
            " sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            message_id, delivery_id,
        )

    async def retry(self, delivery_id: int, due: float, error: str, *, count: bool = True) -> None:
        """Try again at ``due``; ``count=False`` for a flood wait, which is no failure."""
        await self._write(
            "UPDATE deliveries SET due = ?, error = ?, attempts = attempts + ?"
            " WHERE id = ? AND status = 'pending'",
            due, error, int(count), delivery_id,
        )

    async def failed(self, delivery_id: int, error: str) -> None:
        await self._write(
            "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?",
            error, delivery_id,
        )

    async def _write(self, sql: str, *params: object) -> None:
        def run(conn: Connection) -> None:
            conn.execute(sql, params)

        # One statement is its own transaction: no BEGIN and COMMIT around it.
        await self._db.write(run, transaction=False)

    async def counts(self, article_id: int | None = None) -> dict[str, int]:
        """Deliveries by status, for one article or all."""
        sql = "SELECT status, count(*) FROM deliveries"
        params: tuple[int, ...] = ()
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params = (article_id,)
        async with self._db.read() as conn, conn.execute(sql + " GROUP BY status", params) as cursor:
            found = {row[0]: row[1] for row in await cursor.fetchall()}
        return {status: found.get(status, 0) for status in ("pending", "sent", "failed")}
