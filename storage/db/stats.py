"""The archive and its distribution in figures, for the administrators' /stats."""

from __future__ import annotations

from storage.db.types import Database
from storage.models import Stats


async def stats(db: Database) -> Stats:
    async with db.read() as conn, conn.execute(
        "SELECT (SELECT count(*) FROM articles),"
        " (SELECT count(*) FROM speakers WHERE id IN (SELECT speaker_id FROM quotes)),"
        " (SELECT count(*) FROM quotes),"
        " (SELECT count(*) FROM subscribers"
        "  WHERE active = 1 AND chat_id IN (SELECT chat_id FROM subscriptions)),"
        " (SELECT count(*) FROM subscribers WHERE active = 0),"
        " (SELECT count(*) FROM subscriptions),"
        " (SELECT count(*) FROM deliveries WHERE status = 'pending'),"
        " (SELECT count(*) FROM deliveries WHERE status = 'sent'),"
        " (SELECT count(*) FROM deliveries WHERE status = 'failed'),"
        " (SELECT count(*) FROM feeds), (SELECT count(*) FROM feeds WHERE failures > 0)"
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None  # noqa: S101 (an aggregate always returns a row)
    return Stats(articles=row[0], speakers=row[1], quotes=row[2], subscribers=row[3],
                 inactive_subscribers=row[4], subscriptions=row[5], pending=row[6], sent=row[7],
                 failed=row[8], feeds=row[9], failing_feeds=row[10])
