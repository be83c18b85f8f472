"""Keys that stand for texts in a chat, and the deployment's own secrets.

Callback data holds 64 bytes, a Persian query easily more: a button carries a short
random key instead, kept here with the text and the chat it was sent to, so it means
the same after a restart and nothing in another chat.
"""

from __future__ import annotations

import secrets

from storage.db.types import Connection, Database

# 9 random bytes: 12 characters of URL-safe base64, and no way to guess another chat's key.
_KEY_BYTES = 9
# Keys older than this are forgotten; their buttons then say so politely.
KEEP_DAYS = 90


def put(conn: Connection, chat_id: int, kind: str, value: str) -> str:
    """The key for ``value`` in this chat, made on first use."""
    row = conn.execute("SELECT key FROM chat_keys WHERE chat_id = ? AND kind = ? AND value = ?",
                       (chat_id, kind, value)).fetchone()
    if row is not None:
        return str(row[0])
    key = secrets.token_urlsafe(_KEY_BYTES)
    conn.execute("INSERT INTO chat_keys (key, chat_id, kind, value) VALUES (?, ?, ?, ?)",
                 (key, chat_id, kind, value))
    return key


def forget_old(conn: Connection, days: int = KEEP_DAYS) -> int:
    return conn.execute("DELETE FROM chat_keys WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
                        (f"-{days} days",)).rowcount


def secret(conn: Connection, name: str) -> str:
    """The named secret, generated the first time it is asked for and kept from then on."""
    row = conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return str(row[0])
    value = secrets.token_urlsafe(32)
    conn.execute("INSERT INTO secrets (name, value) VALUES (?, ?)", (name, value))
    return value


class Keys:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, chat_id: int, kind: str, value: str) -> str:
        return await self._db.write(lambda conn: put(conn, chat_id, kind, value))

    async def get(self, key: str, chat_id: int, kind: str) -> str | None:
        """The text behind ``key``, only in the chat it was made for and for its kind."""
        async with self._db.read() as conn, conn.execute(
            "SELECT value FROM chat_keys WHERE key = ? AND chat_id = ? AND kind = ?", (key, chat_id, kind)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def forget_old(self, days: int = KEEP_DAYS) -> int:
        return await self._db.write(lambda conn: forget_old(conn, days))

    async def secret(self, name: str) -> str:
        return await self._db.write(lambda conn: secret(conn, name))
