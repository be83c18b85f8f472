"""The delivery outbox: one row per (bulletin, chat), written in the article's transaction.

``enqueue`` queues a new article for every matching chat inside the article's own
write, so a bulletin is never stored without its deliveries; a sender (the bot's
broadcast worker) takes due deliveries and records each outcome here. Because the
outbox is durable, a restart resumes where the last run stopped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from storage.analysis.quotes import Match, match
from storage.db import fts
from storage.db.types import Connection, Database, is_postgres
from storage.models import Article, Claim, Delivery, Outcome, OutcomeKind, Reason, SubscriptionKind

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


# -- several senders -------------------------------------------------------------------
#
# Any number of senders (the bot, ``sokhan worker``s) share the outbox. A sender claims a
# batch in one write: the rows are leased to it (their due pushed to the lease's end), so no
# other sender takes them unless the lease runs out, which only a sender that died lets
# happen. Only a chat's oldest pending delivery can be claimed, and it stays pending while it
# is sent: a chat's bulletins go in order and one at a time, whoever sends them. One row of
# send_budget is the rate limit every sender keeps: the next free send slot, handed out in
# order, and the end of a flood wait.

_BUDGET = "telegram"
# Slots a little more than 1/rate apart, so that any second holds SLACK seconds to spare: a
# message sent a few milliseconds late (a busy event loop, the network on its way) then never
# makes a second with one message too many. 0.02 still let 31 through now and then, counted
# at the receiving end (benchmarks/broadcast.py --kill-after).
SLACK = 0.04
# A chat's bulletins go in order: none overtakes an earlier one still pending (a retry).
_OLDEST_OF_ITS_CHAT = """NOT EXISTS (SELECT 1 FROM deliveries e
                    WHERE e.chat_id = d.chat_id AND e.status = 'pending' AND e.id < d.id)"""
_CLAIMABLE = f"""
    SELECT d.id FROM deliveries d JOIN subscribers c ON c.chat_id = d.chat_id
    WHERE d.status = 'pending' AND d.due <= :now AND c.send_after <= :now
    AND {_OLDEST_OF_ITS_CHAT}
    ORDER BY d.due, d.id LIMIT :limit
"""  # noqa: S608 - only our own fragments
_LEASE = """
    UPDATE deliveries SET claimed_by = :worker, due = :until
    WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(:ids))
"""
# Deliveries as a sender needs them (``_delivery``): the chat's type and every reason.
_DELIVERIES = """
    SELECT d.id, d.article_id, d.chat_id, c.chat_type, d.attempts, s.kind, s.label,
        (SELECT json_group_array(json_array(x.kind, x.label)) FROM delivery_reasons r
         JOIN subscriptions x ON x.id = r.subscription_id WHERE r.delivery_id = d.id) AS more
    FROM deliveries d JOIN subscribers c ON c.chat_id = d.chat_id
    LEFT JOIN subscriptions s ON s.id = d.subscription_id
"""
_CLAIMED = _DELIVERIES + """
    WHERE d.id IN (SELECT CAST(value AS BIGINT) FROM json_each(:ids))
    ORDER BY d.due, d.id
"""  # noqa: S608 - only our own fragments
# When the earliest pending delivery that is not claimable yet may be (its retry, its lease
# or its group's rest ending); one due now but held (its chat busy) is freed by an outcome.
_NEXT_CHANCE = """
    SELECT min(CASE WHEN c.send_after > d.due THEN c.send_after ELSE d.due END)
    FROM deliveries d JOIN subscribers c ON c.chat_id = d.chat_id
    WHERE d.status = 'pending' AND (d.due > :now OR c.send_after > :now)
"""
_OUTCOMES = {
    OutcomeKind.SENT: "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, message_id = ?,"
                      " error = NULL, claimed_by = NULL, sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                      " WHERE id = ?",
    # Only while pending: a chat marked unreachable meanwhile has had its queue dropped.
    OutcomeKind.RETRY: "UPDATE deliveries SET due = ?, error = ?, attempts = attempts + ?, claimed_by = NULL"
                       " WHERE id = ? AND status = 'pending'",
    OutcomeKind.FAILED: "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, error = ?,"
                        " claimed_by = NULL WHERE id = ?",
    OutcomeKind.RELEASED: "UPDATE deliveries SET due = ?, claimed_by = NULL"
                          " WHERE id = ? AND status = 'pending'",
}


def _delivery(row: Any) -> Delivery:
    """A row of ``_DELIVERIES``."""
    return Delivery(row["id"], row["article_id"], row["chat_id"], row["chat_type"], row["attempts"],
                    _reasons(row["kind"], row["label"], row["more"]))


def _clock(conn: Connection) -> float:
    """Now, as a Unix time: the database's clock on PostgreSQL, which senders on several
    machines share; on SQLite every sender shares the file, so the host's clock."""
    if is_postgres(conn):
        return float(conn.execute("SELECT extract(epoch from clock_timestamp())").fetchone()[0])
    return time.time()


def _budget(conn: Connection, lock: bool) -> tuple[float, float]:
    """The next free send slot and the end of the flood wait; ``lock`` holds the row (on
    PostgreSQL; SQLite's BEGIN IMMEDIATE holds the whole file already) until the commit."""
    sql = "SELECT next_slot, paused_until FROM send_budget WHERE name = ?"
    if lock and is_postgres(conn):
        sql += " FOR UPDATE"
    row = conn.execute(sql, (_BUDGET,)).fetchone()
    return (float(row[0]), float(row[1])) if row else (0.0, 0.0)


def claim(conn: Connection, worker: str, limit: int, *, lease: float, rate: float = 0.0,
          horizon: float = 0.25) -> Claim:
    """Lease up to ``limit`` due deliveries to ``worker`` for ``lease`` seconds, and, at
    ``rate`` messages a second (0: no limit), a send slot for each within ``horizon`` seconds."""
    # The clock read alone, bracketed by this host's: the claim's own round trip (queued
    # behind other writes) would place the two clocks tens of milliseconds apart.
    before = time.time()
    now, host = _clock(conn), not is_postgres(conn)
    read = (before, time.time())
    next_slot, paused_until = _budget(conn, lock=rate > 0)
    if paused_until > now:  # Telegram asked every sender to wait
        return Claim(wait=paused_until - now, limited=True, clock=now, host_clock=host, read_at=read)
    start = max(now, next_slot) if rate > 0 else now
    spacing = (1 + SLACK) / rate if rate > 0 else 0.0
    if rate > 0:
        # Slots are handed out only a little ahead: a reply asking for one waits at most
        # that long behind bulletins.
        if start > now + horizon:
            return Claim(wait=start - horizon - now, limited=True, clock=now, host_clock=host, read_at=read)
        limit = min(limit, int((now + horizon - start) / spacing) + 1)
    sql = _CLAIMABLE + (" FOR UPDATE OF d SKIP LOCKED" if is_postgres(conn) else "")
    ids = [row[0] for row in conn.execute(sql, {"now": now, "limit": max(1, limit)})]
    if not ids:
        row = conn.execute(_NEXT_CHANCE, {"now": now}).fetchone()
        return Claim(wait=None if row is None or row[0] is None else max(0.0, float(row[0]) - now),
                     clock=now, host_clock=host, read_at=read)
    taken = json.dumps(ids)
    conn.execute(_LEASE, {"worker": worker, "until": now + lease, "ids": taken})
    deliveries = tuple(_delivery(row) for row in conn.execute(_CLAIMED, {"ids": taken}))
    if rate <= 0:
        return Claim(deliveries, clock=now, host_clock=host, read_at=read)
    conn.execute("UPDATE send_budget SET next_slot = ? WHERE name = ?", (start + len(ids) * spacing, _BUDGET))
    return Claim(deliveries, start=start - now, spacing=spacing, clock=now, host_clock=host, read_at=read)


def record(conn: Connection, outcomes: Iterable[Outcome]) -> None:
    """Write what became of claimed deliveries, each kind in one statement."""
    now = _clock(conn)
    rows: dict[OutcomeKind, list[tuple[object, ...]]] = {kind: [] for kind in OutcomeKind}
    rests = []
    for o in outcomes:
        match o.kind:
            case OutcomeKind.SENT:
                rows[o.kind].append((o.message_id, o.delivery_id))
            case OutcomeKind.RETRY:
                rows[o.kind].append((now + o.delay, o.error, int(o.count), o.delivery_id))
            case OutcomeKind.FAILED:
                rows[o.kind].append((o.error, o.delivery_id))
            case OutcomeKind.RELEASED:
                rows[o.kind].append((now + o.delay, o.delivery_id))
        if o.rest > 0:
            rests.append((now + o.rest, o.chat_id))
    for kind, params in rows.items():
        if params:
            conn.executemany(_OUTCOMES[kind], params)
    if rests:
        conn.executemany("UPDATE subscribers SET send_after = ? WHERE chat_id = ?", rests)


def pause(conn: Connection, seconds: float) -> None:
    """Telegram's flood wait: no sender sends for ``seconds`` from now."""
    until = _clock(conn) + seconds
    conn.execute("UPDATE send_budget SET paused_until = CASE WHEN paused_until < :until THEN :until"
                 " ELSE paused_until END WHERE name = :name", {"until": until, "name": _BUDGET})


def reserve(conn: Connection, rate: float) -> tuple[float, float, bool]:
    """One send slot at ``rate`` a second, for a message other than a bulletin (a reply):
    the database's clock now, the slot's time on it, and whether that clock is the host's."""
    now = _clock(conn)
    next_slot, paused_until = _budget(conn, lock=True)
    start = max(now, next_slot, paused_until)
    conn.execute("UPDATE send_budget SET next_slot = ? WHERE name = ?", (start + (1 + SLACK) / rate, _BUDGET))
    return now, start, not is_postgres(conn)


def release(conn: Connection, worker: str) -> int:
    """Give back whatever ``worker`` still holds, due at once: a sender stopping cleanly."""
    return conn.execute("UPDATE deliveries SET due = ?, claimed_by = NULL"
                        " WHERE claimed_by = ? AND status = 'pending'", (_clock(conn), worker)).rowcount


class Deliveries:
    """The outbox as the broadcast worker uses it: what is due, and each outcome."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, now: float, limit: int, busy: Collection[int] = ()) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest first, at most one per chat and
        none for the ``busy`` chats (one message in flight per chat keeps bulletins in order)."""
        async with self._db.read() as conn, conn.execute(
            _DELIVERIES + " WHERE d.status = 'pending' AND d.due <= ?"  # noqa: S608 - only our own fragments
            " AND d.chat_id NOT IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"
            f" AND {_OLDEST_OF_ITS_CHAT} ORDER BY d.due, d.id LIMIT ?",
            (now, json.dumps(list(busy)), max(1, limit)),
        ) as cursor:
            # The oldest pending delivery of each chat only: one per chat.
            return [_delivery(row) for row in await cursor.fetchall()]

    async def next_due(self) -> float | None:
        """When the earliest pending delivery falls due (Unix time), or None."""
        async with self._db.read() as conn, conn.execute(
            "SELECT min(due) FROM deliveries WHERE status = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def claim(self, worker: str, limit: int, *, lease: float, rate: float = 0.0,
                    horizon: float = 0.25) -> Claim:
        """See ``claim``: one write for a whole batch."""
        return await self._db.write(lambda conn: claim(conn, worker, limit, lease=lease, rate=rate,
                                                       horizon=horizon))

    async def record(self, outcomes: Sequence[Outcome]) -> None:
        """See ``record``: one write for a whole batch of outcomes."""
        if outcomes:
            await self._db.write(lambda conn: record(conn, outcomes))

    async def pause(self, seconds: float) -> None:
        await self._db.write(lambda conn: pause(conn, seconds))

    async def reserve(self, rate: float) -> tuple[float, float, bool]:
        return await self._db.write(lambda conn: reserve(conn, rate))

    async def release(self, worker: str) -> int:
        return await self._db.write(lambda conn: release(conn, worker))

    # One outcome at a time, for whoever records a single one.

    async def sent(self, delivery_id: int, message_id: int | None) -> None:
        await self.record([Outcome(OutcomeKind.SENT, delivery_id, message_id=message_id)])

    async def retry(self, delivery_id: int, due: float, error: str, *, count: bool = True) -> None:
        """Try again at ``due``; ``count=False`` for a flood wait, which is no failure."""
        await self.record([Outcome(OutcomeKind.RETRY, delivery_id, error=error, delay=due - time.time(),
                                   count=count)])

    async def failed(self, delivery_id: int, error: str) -> None:
        await self.record([Outcome(OutcomeKind.FAILED, delivery_id, error=error)])

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
