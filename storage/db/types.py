"""What the repositories need of a database connection, on either engine.

The SQLite connections (``sqlite3`` for writes, ``aiosqlite`` for reads) have these shapes
already; the PostgreSQL ones (``storage.db.postgres``) are written to them. Every statement
is written with SQLite's placeholders (``?`` and ``:name``); PostgreSQL's connections
translate them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol


class Row(Protocol):
    """A result row: by position and by column name."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Sequence[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The writer's connection: every call runs inside the unit of work's transaction."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...


class ReadCursor(Protocol):
    async def fetchone(self) -> Any: ...

    async def fetchall(self) -> Iterable[Any]: ...

    def __aiter__(self) -> AsyncIterator[Any]: ...


class ReadConnection(Protocol):
    """A pooled read-only connection: ``async with conn.execute(sql, params) as cursor``."""

    def execute(self, sql: str, parameters: Any = ..., /) -> AbstractAsyncContextManager[ReadCursor]: ...


class Database(Protocol):
    """An open database: ``write(fn)`` runs ``fn(conn)`` as one unit of work on the writer
    thread; ``read()`` leases a read connection. ``engine`` names the engine."""

    engine: str

    @property
    def location(self) -> str: ...

    async def write[T](self, fn: Callable[[Any], T], *, transaction: bool = True) -> T: ...

    def read(self) -> AbstractAsyncContextManager[Any]: ...

    async def close(self) -> None: ...


SQLITE = "sqlite"
POSTGRES = "postgres"


def is_database_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL server (else it is a SQLite file's path)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def is_postgres(conn: object) -> bool:
    """Whether ``conn`` (a write or a read connection) is PostgreSQL's; without importing psycopg,
    which only a PostgreSQL deployment installs."""
    return getattr(conn, "engine", None) == POSTGRES
