"""PostgreSQL, behind the same two doors as the SQLite file: one writer thread, a read pool.

Writes are whole functions ``fn(conn)`` run one at a time on this process's writer thread
inside ``BEGIN`` … ``COMMIT``, exactly as on SQLite; several processes may write at once,
which PostgreSQL's row locks and constraints keep consistent. Reads lease an autocommit
connection of their own. Both kinds of connection take Sokhan's SQLite-dialect statements
and translate them (``storage.db.postgres.sql``); rows read by position or by name.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.adapt import Dumper
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from storage.db.connection import Pool, Writer
from storage.db.postgres.sql import to_postgres
from storage.db.types import POSTGRES

READERS = 3
# How long one statement may run before PostgreSQL cancels it: a runaway query must not hold
# a pooled connection for good.
STATEMENT_TIMEOUT_MS = 30_000


class Row:
    """A row by position or by column name, as ``sqlite3.Row`` reads."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key if isinstance(key, int) else self._index[key]]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return tuple(self._values) == (tuple(other) if isinstance(other, Row | tuple) else other)

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _rows(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


def _params(parameters: Any) -> Any:
    # Always some parameters: psycopg then reads every % as ours, which to_postgres escaped.
    return () if parameters is None else parameters


class WriteConnection:
    """The writer's connection: SQLite-dialect statements in, psycopg cursors out."""

    engine = POSTGRES

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self.raw = conn

    def execute(self, sql: str, parameters: Any = None, /) -> psycopg.Cursor[Row]:
        return self.raw.execute(to_postgres(sql), _params(parameters))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> psycopg.Cursor[Row]:
        cursor = self.raw.cursor()
        cursor.executemany(to_postgres(sql), parameters)
        return cursor

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class _Execution:
    """``conn.execute(...)`` on a read connection: awaited, or ``async with`` to close it after."""

    def __init__(self, conn: psycopg.AsyncConnection[Row], sql: str, parameters: Any) -> None:
        self._conn, self._sql, self._parameters = conn, sql, parameters
        self._cursor: psycopg.AsyncCursor[Row] | None = None

    async def _run(self) -> psycopg.AsyncCursor[Row]:
        cursor = self._conn.cursor()
        await cursor.execute(to_postgres(self._sql), _params(self._parameters))
        return cursor

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> psycopg.AsyncCursor[Row]:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class ReadConnection:
    engine = POSTGRES

    def __init__(self, conn: psycopg.AsyncConnection[Row]) -> None:
        self.raw = conn

    def execute(self, sql: str, parameters: Any = None, /) -> _Execution:
        return _Execution(self.raw, sql, parameters)


def redacted(url: str) -> str:
    """The URL without its password, for logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresDatabase:
    """Open with ``await PostgresDatabase.open(url)``; ``write`` and ``read`` as on SQLite."""

    engine = POSTGRES

    def __init__(self, url: str, writer: Writer, readers: list[ReadConnection]) -> None:
        self.url = url
        self._writer = writer
        self._readers = readers
        self._pool: Pool[ReadConnection] = Pool()
        for reader in readers:
            self._pool.give(reader)

    @property
    def location(self) -> str:
        return redacted(self.url)

    @classmethod
    async def open(cls, url: str, setup: Callable[[WriteConnection], Any] | None = None,
                   *, readers: int = READERS) -> Self:
        """Connect the writer, run ``setup`` on it outside any transaction (migrations run
        their own), then connect the readers."""
        conn = await asyncio.to_thread(_connect_writer, url)
        writer = Writer(conn, begin="BEGIN")
        writer.start()
        db = cls(url, writer, [])
        try:
            await db.write(setup or (lambda conn: None), transaction=False)
            for _ in range(readers):
                reader = ReadConnection(await _connect_reader(url))
                db._readers.append(reader)
                db._pool.give(reader)
        except BaseException:
            await db.close()
            raise
        return db

    async def write[T](self, fn: Callable[[WriteConnection], T], *, transaction: bool = True) -> T:
        return await self._writer.write(fn, transaction=transaction)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[ReadConnection]:
        """An autocommit connection for this read alone; each statement sees the latest commit."""
        conn = await self._pool.take()
        try:
            yield conn
        finally:
            self._pool.give(conn)

    async def close(self) -> None:
        for reader in self._readers:
            with contextlib.suppress(psycopg.Error):
                await reader.raw.close()
        self._readers.clear()
        await self._writer.stop()


class _BoolAsInteger(Dumper):
    """True and False as 1 and 0, which is how SQLite keeps them and the flag columns here are."""

    oid = psycopg.postgres.types["int4"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


def _adapted[C: psycopg.Connection[Row] | psycopg.AsyncConnection[Row]](conn: C) -> C:
    conn.adapters.register_dumper(bool, _BoolAsInteger)
    # JSON comes back as its text, as SQLite's json functions give it: the callers parse it.
    for name in ("json", "jsonb"):
        conn.adapters.register_loader(name, TextLoader)
    return conn


def _options(url: str) -> dict[str, Any]:
    # Beside any options the URL carries (a search_path, say).
    given = conninfo_to_dict(url).get("options") or ""
    options = f"{given} -c statement_timeout={STATEMENT_TIMEOUT_MS} -c TimeZone=UTC".strip()
    return {"autocommit": True, "row_factory": _rows, "options": options}


def _connect_writer(url: str) -> WriteConnection:
    return WriteConnection(_adapted(psycopg.connect(url, **_options(url))))


async def _connect_reader(url: str) -> psycopg.AsyncConnection[Row]:
    return _adapted(await psycopg.AsyncConnection.connect(url, **_options(url)))
