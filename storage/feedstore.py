"""The feeds Sokhan polls, their HTTP validators and backoff, and the entries seen.

Fetching and parsing live in ``storage.feeds``; this module only keeps the record.
An entry is written together with its article, in one transaction, so an entry
is ingested once and never half.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

import aiosqlite

from storage.models import Article, Feed, IngestResult, Origin

if TYPE_CHECKING:
    from storage.store import Store

# Polling is one request per feed per interval; a ceiling keeps a typo-happy admin from
# turning the bot into a crawler.
MAX_FEEDS = 200
CONFIG = "config"
_COLUMNS = "id, url, title, added_by, etag, last_modified, failures, last_error, last_ok_at, next_poll"


def _feed(row: aiosqlite.Row) -> Feed:
    return Feed(id=row["id"], url=row["url"], title=row["title"], added_by=row["added_by"], etag=row["etag"],
                last_modified=row["last_modified"], failures=row["failures"], last_error=row["last_error"],
                last_ok_at=row["last_ok_at"], next_poll=row["next_poll"])


class FeedStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, url: str, added_by: str) -> tuple[Feed | None, bool]:
        """The feed at ``url`` and whether it is new; (None, False) when at MAX_FEEDS."""
        async with self._store.transaction() as db:
            async with db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)) as cursor:  # noqa: S608
                existing = await cursor.fetchone()
            if existing is not None:
                return _feed(existing), False
            async with db.execute("SELECT count(*) FROM feeds") as cursor:
                (count,) = await cursor.fetchone() or (0,)
            if count >= MAX_FEEDS:
                return None, False
            async with db.execute(
                f"INSERT INTO feeds (url, added_by) VALUES (?, ?) RETURNING {_COLUMNS}",  # noqa: S608
                (url, added_by),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None  # noqa: S101 (INSERT … RETURNING always returns the row)
        return _feed(row), True

    async def sync_config(self, urls: Iterable[str]) -> None:
        """Make the configured feeds exactly ``urls``; feeds admins added are left alone."""
        urls = list(dict.fromkeys(urls))
        async with self._store.transaction() as db:
            await db.executemany(
                "INSERT INTO feeds (url, added_by) VALUES (?, ?)"
                " ON CONFLICT (url) DO UPDATE SET added_by = excluded.added_by",
                [(url, CONFIG) for url in urls],
            )
            await db.execute(
                "DELETE FROM feeds WHERE added_by = ? AND url NOT IN (SELECT value FROM json_each(?))",
                (CONFIG, _json_list(urls)),
            )

    async def all(self) -> list[Feed]:
        async with self._store.reader.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY id") as cursor:  # noqa: S608
            return [_feed(row) for row in await cursor.fetchall()]

    async def remove(self, feed_id: int) -> Feed | None:
        """Stop polling a feed; the articles it brought stay."""
        async with self._store.transaction() as db, db.execute(
            f"DELETE FROM feeds WHERE id = ? RETURNING {_COLUMNS}", (feed_id,)  # noqa: S608
        ) as cursor:
            row = await cursor.fetchone()
        return _feed(row) if row else None

    async def due(self, now: float) -> list[Feed]:
        async with self._store.reader.execute(
            f"SELECT {_COLUMNS} FROM feeds WHERE next_poll <= ? ORDER BY next_poll, id", (now,)  # noqa: S608
        ) as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

    async def polled(self, feed_id: int, *, next_poll: float, etag: str | None, last_modified: str | None,
                     title: str | None = None) -> None:
        """A successful poll (new entries or 304): keep the validators, clear the errors."""
        async with self._store.transaction() as db:
            await db.execute(
                "UPDATE feeds SET next_poll = ?, etag = ?, last_modified = ?, title = coalesce(?, title),"
                " failures = 0, last_error = NULL, last_ok_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                " WHERE id = ?",
                (next_poll, etag, last_modified, title, feed_id),
            )

    async def failed(self, feed_id: int, error: str, next_poll: float) -> int:
        """A failed poll; returns how many polls in a row have failed now."""
        async with self._store.transaction() as db, db.execute(
            "UPDATE feeds SET next_poll = ?, failures = failures + 1, last_error = ? WHERE id = ?"
            " RETURNING failures",
            (next_poll, error, feed_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def seen(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """Which of these entry keys have been ingested (or refused) before."""
        async with self._store.reader.execute(
            "SELECT key FROM feed_entries WHERE feed_id = ? AND key IN (SELECT value FROM json_each(?))",
            (feed_id, _json_list(keys)),
        ) as cursor:
            return {row[0] for row in await cursor.fetchall()}

    async def add_entry(self, feed_id: int, key: str, article: Article | None, origin: Origin, *,
                        notify: bool = True) -> IngestResult | None:
        """Record an entry and store its article (None: an entry refused as a statement).

        Returns None when the entry was already recorded: each entry is ingested once.
        """
        async with self._store.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO feed_entries (feed_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING", (feed_id, key)
            )
            if cursor.rowcount == 0 or article is None:
                return None
            result = await self._store.insert_article(db, article, origin, notify=notify)
            await db.execute(
                "UPDATE feed_entries SET article_id = ? WHERE feed_id = ? AND key = ?",
                (result.article_id, feed_id, key),
            )
        return result


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)
