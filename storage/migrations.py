"""The schema, as ordered migrations. Append new ones; never edit one that has shipped."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles", """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            title TEXT,
            kicker TEXT,
            lead TEXT NOT NULL,
            -- the paragraphs after the lead, one per line (paragraphs hold no newline)
            body TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            source TEXT,
            published TEXT,
            origin_kind TEXT NOT NULL CHECK (origin_kind IN ('file', 'url', 'telegram', 'text')),
            origin_ref TEXT NOT NULL,
            raw_text TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) STRICT;
        CREATE INDEX articles_by_date
            ON articles (coalesce(published, substr(created_at, 1, 10)) DESC, id DESC);
        CREATE INDEX articles_by_source ON articles (source);
    """),
)

_LEDGER = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT
"""


def statements(script: str) -> Iterator[str]:
    """Split a script into whole statements (trigger bodies hold semicolons too)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:60]}")


async def migrate(db: aiosqlite.Connection) -> list[Migration]:
    """Apply what is missing, each migration in its own transaction; return what ran."""
    await db.execute(_LEDGER)
    async with db.execute("SELECT version FROM schema_migrations") as cursor:
        done = {row[0] for row in await cursor.fetchall()}
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            async with db.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ) as cursor:
                if await cursor.fetchone():  # another process got here first
                    await db.execute("ROLLBACK")
                    continue
            for statement in statements(migration.sql):
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                (migration.version, migration.name),
            )
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
        applied.append(migration)
    return applied
