"""The chats that receive bulletins and what they subscribe to.

A chat subscribes to every bulletin, to a search query, or to a speaker. What matching
uses is stored compiled beside what the chat typed: the search expression (FTS5 or tsquery) of a
query, the folded key of a speaker. Both depend on the analyzer, so a new analyzer
recompiles them from what was typed (``recompile``).
"""

from __future__ import annotations

from collections.abc import Callable

from storage.analysis.quotes import speaker_key
from storage.db import fts
from storage.db.types import Connection, Database, Row
from storage.models import Chat, SubscribeResult, SubscribeStatus, Subscription, SubscriptionKind
from storage.search.analyzer import Analyzer
from storage.search.query import parse_query

# Enough for any real reader; a ceiling so that one chat cannot make every ingest slow.
MAX_SUBSCRIPTIONS = 50
# What a chat typed is shown back in its list and its bulletins: bounded like a query.
MAX_LABEL_CHARS = 256
_COLUMNS = "id, chat_id, kind, label"


def _subscription(row: Row) -> Subscription:
    return Subscription(row["id"], row["chat_id"], SubscriptionKind(row["kind"]), row["label"])


def compile_query(analyzer: Analyzer, text: str, engine: object) -> str | None:
    """The expression a query subscription stores, as ``engine`` (a database or a connection)
    matches it; None when it has nothing to match."""
    query = parse_query(analyzer, text)
    return None if query.empty or query.truncated else fts.expression(query, engine)


# -- writes -------------------------------------------------------------------------


def subscribe(conn: Connection, chat: Chat, kind: SubscriptionKind, label: str,
              target: str) -> SubscribeResult:
    """Add a subscription (and the chat, or revive it if it had left)."""
    conn.execute(
        "INSERT INTO subscribers (chat_id, chat_type, title) VALUES (?, ?, ?)"
        " ON CONFLICT (chat_id) DO UPDATE SET chat_type = excluded.chat_type,"
        " title = excluded.title, active = 1, inactive_reason = NULL",
        (chat.id, chat.type, chat.title),
    )
    existing = conn.execute(
        f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ? AND kind = ? AND target = ?",  # noqa: S608
        (chat.id, str(kind), target),
    ).fetchone()
    if existing is not None:
        return SubscribeResult(SubscribeStatus.EXISTS, _subscription(existing))
    (count,) = conn.execute("SELECT count(*) FROM subscriptions WHERE chat_id = ?", (chat.id,)).fetchone()
    if count >= MAX_SUBSCRIPTIONS:
        return SubscribeResult(SubscribeStatus.LIMIT)
    row = conn.execute(
        f"INSERT INTO subscriptions (chat_id, kind, label, target) VALUES (?, ?, ?, ?) RETURNING {_COLUMNS}",  # noqa: S608
        (chat.id, str(kind), label[:MAX_LABEL_CHARS], target),
    ).fetchone()
    return SubscribeResult(SubscribeStatus.ADDED, _subscription(row))


def unsubscribe(conn: Connection, chat_id: int, subscription_id: int) -> Subscription | None:
    """Remove one subscription of this chat, and what it queued and has not sent."""
    row = conn.execute(
        f"DELETE FROM subscriptions WHERE id = ? AND chat_id = ? RETURNING {_COLUMNS}",  # noqa: S608
        (subscription_id, chat_id),
    ).fetchone()
    if row is None:
        return None
    # The foreign key has already set subscription_id to NULL on these rows.
    conn.execute("DELETE FROM deliveries WHERE chat_id = ? AND status = 'pending'"
                 " AND subscription_id IS NULL", (chat_id,))
    return _subscription(row)


def unsubscribe_all(conn: Connection, chat_id: int) -> int:
    """Remove every subscription of this chat and its unsent deliveries; return how many."""
    conn.execute("DELETE FROM deliveries WHERE chat_id = ? AND status = 'pending'", (chat_id,))
    return max(conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)).rowcount, 0)


def set_active(conn: Connection, chat_id: int, active: bool, reason: str | None = None) -> bool:
    """Mark a known chat reachable or not (Telegram's my_chat_member); False if unknown.

    A chat that can no longer be reached will not get what is queued for it either.
    """
    changed = conn.execute("UPDATE subscribers SET active = ?, inactive_reason = ? WHERE chat_id = ?",
                           (int(active), None if active else reason, chat_id)).rowcount
    if not active:
        conn.execute("UPDATE deliveries SET status = 'failed', error = ?"
                     " WHERE chat_id = ? AND status = 'pending'", (reason, chat_id))
    return changed > 0


def migrate_chat(conn: Connection, old_id: int, new_id: int) -> None:
    """A group became a supergroup with a new id: move its subscriptions and queue."""
    merged = conn.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (new_id,)).fetchone() is not None
    if not merged:  # ON UPDATE CASCADE carries subscriptions and deliveries along
        conn.execute("UPDATE subscribers SET chat_id = ?, chat_type = 'supergroup' WHERE chat_id = ?",
                     (new_id, old_id))
        return
    # What the new chat already has wins; the old chat's twins go with it below.
    ids = {"new": new_id, "old": old_id}
    conn.execute("UPDATE subscriptions SET chat_id = :new WHERE chat_id = :old AND NOT EXISTS ("
                 " SELECT 1 FROM subscriptions n WHERE n.chat_id = :new AND n.kind = subscriptions.kind"
                 " AND n.target = subscriptions.target)", ids)
    conn.execute("UPDATE deliveries SET chat_id = :new WHERE chat_id = :old AND NOT EXISTS ("
                 " SELECT 1 FROM deliveries n WHERE n.chat_id = :new"
                 " AND n.article_id = deliveries.article_id)", ids)
    conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (old_id,))


def recompile(conn: Connection, *, queries: Analyzer | None = None, speakers: bool = False) -> None:
    """Compile every subscription again from what its chat typed, after the analyzer changed:
    query subscriptions with ``queries``, speaker subscriptions when ``speakers``. Two that
    now compile alike in one chat become one."""
    if queries is not None:
        analyzer = queries
        _recompile(conn, SubscriptionKind.QUERY, lambda label: compile_query(analyzer, label, conn))
    if speakers:
        _recompile(conn, SubscriptionKind.SPEAKER, lambda label: speaker_key(label) or None)


def _recompile(conn: Connection, kind: SubscriptionKind,
               target_of: Callable[[str], str | None]) -> None:
    rows = conn.execute("SELECT id, chat_id, label, target FROM subscriptions WHERE kind = ? ORDER BY id",
                        (str(kind),)).fetchall()
    taken: set[tuple[int, str]] = set()
    for row in rows:
        target = target_of(row["label"]) or row["target"]
        if (row["chat_id"], target) in taken:
            conn.execute("DELETE FROM subscriptions WHERE id = ?", (row["id"],))
            continue
        taken.add((row["chat_id"], target))
        if target != row["target"]:
            # Through a placeholder first: another row may hold this target until its own turn.
            conn.execute("UPDATE subscriptions SET target = ? WHERE id = ?", (f"\x00{row['id']}", row["id"]))
            conn.execute("UPDATE subscriptions SET target = ? WHERE id = ?", (target, row["id"]))


# -- the facade ---------------------------------------------------------------------


class Subscriptions:
    """Subscriptions and the chats that hold them, as the bot uses them."""

    def __init__(self, db: Database, analyzer: Callable[[], Analyzer]) -> None:
        self._db = db
        self._analyzer = analyzer

    async def subscribe_all(self, chat: Chat) -> SubscribeResult:
        return await self._subscribe(chat, SubscriptionKind.ALL, "", "")

    async def subscribe_query(self, chat: Chat, text: str) -> SubscribeResult | None:
        """Bulletins that ``text``, as a /find query, matches; None if it has nothing to match."""
        target = compile_query(self._analyzer(), text, self._db)
        if target is None:
            return None
        return await self._subscribe(chat, SubscriptionKind.QUERY, " ".join(text.split()), target)

    async def follow(self, chat: Chat, name: str) -> SubscribeResult | None:
        """Bulletins in which the speaker ``name`` (a name, surname or title) speaks."""
        name = " ".join(name.split())[:MAX_LABEL_CHARS]
        if not speaker_key(name):
            return None
        return await self._subscribe(chat, SubscriptionKind.SPEAKER, name, speaker_key(name))

    async def _subscribe(self, chat: Chat, kind: SubscriptionKind, label: str,
                         target: str) -> SubscribeResult:
        return await self._db.write(lambda conn: subscribe(conn, chat, kind, label, target))

    async def of_chat(self, chat_id: int) -> list[Subscription]:
        """The chat's subscriptions, oldest first (the order /unsubscribe N counts in)."""
        async with self._db.read() as conn, conn.execute(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ? ORDER BY id", (chat_id,)  # noqa: S608
        ) as cursor:
            return [_subscription(row) for row in await cursor.fetchall()]

    async def unsubscribe(self, chat_id: int, subscription_id: int) -> Subscription | None:
        return await self._db.write(lambda conn: unsubscribe(conn, chat_id, subscription_id))

    async def unsubscribe_all(self, chat_id: int) -> int:
        return await self._db.write(lambda conn: unsubscribe_all(conn, chat_id))

    async def set_active(self, chat_id: int, active: bool, reason: str | None = None) -> bool:
        return await self._db.write(lambda conn: set_active(conn, chat_id, active, reason))

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        await self._db.write(lambda conn: migrate_chat(conn, old_id, new_id))
