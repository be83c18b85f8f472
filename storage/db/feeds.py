"""The feeds Sokhan polls, their HTTP validators and backoff, and the entries seen.

Fetching and parsing live in ``storage.sources``; this module only keeps the record.
An entry is recorded together with its article, in one transaction (``Store``), so an
entry is ingested once and never half.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from storage.db.types import Connection, Database, Row
from storage.models import Feed

# Polling is one request per feed per interval; a ceiling keeps a typo-happy admin from
# turning the bot into a crawler.
MAX_FEEDS = 200
CONFIG = "config"
_COLUMNS = "id, url, title, added_by, etag, last_modified, failures, last_error, last_ok_at, next_poll"


def _feed(row: Row) -> Feed:
    return Feed(id=row["id"], url=row["url"], title=row["title"], added_by=row["added_by"], etag=row["etag"],
                last_modified=row["last_modified"], failures=row["failures"], last_error=row["last_error"],
                last_ok_at=row["last_ok_at"], next_poll=row["next_poll"])


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


# -- writes -------------------------------------------------------------------------


def add(conn: Connection, url: str, added_by: str) -> tuple[Feed | None, bool]:
    """The feed at ``url`` and whether it is new; (None, False) when at MAX_FEEDS."""
    existing = conn.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()  # noqa: S608
    if existing is not None:
        return _feed(existing), False
    (count,) = conn.execute("SELECT count(*) FROM feeds").fetchone()
    if count >= MAX_FEEDS:
        return None, False
    row = conn.execute(f"INSERT INTO feeds (url, added_by) VALUES (?, ?) RETURNING {_COLUMNS}",  # noqa: S608
                       (url, added_by)).fetchone()
    return _feed(row), True


def sync_config(conn: Connection, urls: list[str]) -> None:
    """Make the configured feeds exactly ``urls``; feeds admins added are left alone."""
    conn.executemany(
        "INSERT INTO feeds (url, added_by) VALUES (?, ?)"
        " ON CONFLICT (url) DO UPDATE SET added_by = excluded.added_by",
        [(url, CONFIG) for url in urls],
    )
    conn.execute("DELETE FROM feeds WHERE added_by = ? AND url NOT IN (SELECT value FROM json_each(?))",
                 (CONFIG, _json_list(urls)))


def remove(conn: Connection, feed_id: int) -> Feed | None:
    row = conn.execute(f"DELETE FROM feeds WHERE id = ? RETURNING {_COLUMNS}", (feed_id,)).fetchone()  # noqa: S608
    return _feed(row) if row else None


def polled(conn: Connection, feed_id: int, next_poll: float, etag: str | None,
           last_modified: str | None, title: str | None) -> None:
    conn.execute(
        "UPDATE feeds SET next_poll = ?, etag = ?, last_modified = ?, title = coalesce(?, title),"
        " failures = 0, last_error = NULL, last_ok_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        (next_poll, etag, last_modified, title, feed_id),
    )


def failed(conn: Connection, feed_id: int, error: str, next_poll: float) -> int:
    row = conn.execute(
        "UPDATE feeds SET next_poll = ?, failures = failures + 1, last_error = ?"
        " WHERE id = ? RETURNING failures",
        (next_poll, error, feed_id),
    ).fetchone()
    return int(row[0]) if row else 0


def record_entry(conn: Connection, feed_id: int, key: str) -> bool:
    """Note an entry as seen; False when it was seen before."""
    cursor = conn.execute("INSERT INTO feed_entries (feed_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING",
                          (feed_id, key))
    return cursor.rowcount > 0


def link_entry(conn: Connection, feed_id: int, key: str, article_id: int | None) -> None:
    conn.execute("UPDATE feed_entries SET article_id = ? WHERE feed_id = ? AND key = ?",
                 (article_id, feed_id, key))


# -- the facade ---------------------------------------------------------------------


class Feeds:
    """The feed records as the poller and /feed use them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, url: str, added_by: str) -> tuple[Feed | None, bool]:
        return await self._db.write(lambda conn: add(conn, url, added_by))

    async def sync_config(self, urls: Iterable[str]) -> None:
        unique = list(dict.fromkeys(urls))
        await self._db.write(lambda conn: sync_config(conn, unique))

    async def remove(self, feed_id: int) -> Feed | None:
        """Stop polling a feed; the articles it brought stay."""
        return await self._db.write(lambda conn: remove(conn, feed_id))

    async def polled(self, feed_id: int, *, next_poll: float, etag: str | None, last_modified: str | None,
                     title: str | None = None) -> None:
        """A successful poll (new entries or 304): keep the validators, clear the errors."""
        await self._db.write(lambda conn: polled(conn, feed_id, next_poll, etag, last_modified, title))

    async def failed(self, feed_id: int, error: str, next_poll: float) -> int:
        """A failed poll; returns how many polls in a row have failed now."""
        return await self._db.write(lambda conn: failed(conn, feed_id, error, next_poll))

    async def all(self) -> list[Feed]:
        sql = f"SELECT {_COLUMNS} FROM feeds ORDER BY id"  # noqa: S608
        async with self._db.read() as conn, conn.execute(sql) as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

    async def due(self, now: float) -> list[Feed]:
        async with self._db.read() as conn, conn.execute(
            f"SELECT {_COLUMNS} FROM feeds WHERE next_poll <= ? ORDER BY next_poll, id", (now,)  # noqa: S608
        ) as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

    async def seen(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """Which of these entry keys have been ingested (or refused) before."""
        async with self._db.read() as conn, conn.execute(
            "SELECT key FROM feed_entries WHERE feed_id = ? AND key IN (SELECT value FROM json_each(?))",
            (feed_id, _json_list(keys)),
        ) as cursor:
            return {row[0] for row in await cursor.fetchall()}
