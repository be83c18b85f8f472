"""The SQLite file: one writer thread for every write, a small pool of read-only connections.

Writes are whole synchronous functions ``fn(conn)`` run one at a time on the writer
thread inside ``BEGIN IMMEDIATE`` … ``COMMIT`` (``await db.write(fn)``), so a composite
write is a function calling functions and is never half-done. Reads lease a read-only
connection of their own from the pool (``async with db.read() as conn``): a statement one
reader leaves open cannot hold another reader to an old snapshot, and WAL lets reads run
beside the write.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite

from storage.db.types import SQLITE

log = logging.getLogger(__name__)

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)
# Search reads long FTS doclists: a 32 MiB page cache (SQLite's default is 2 MiB) keeps
# the hot ones in memory, about a third off query time on a 100k-article archive, and the
# file is read through a memory map the pool's connections share.
_READER_PRAGMAS = (
    "PRAGMA busy_timeout = 5000",
    "PRAGMA cache_size = -32768",
    "PRAGMA mmap_size = 268435456",
)
READERS = 3


@dataclass(slots=True)
class _Job:
    fn: Callable[[Any], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    transaction: bool


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class Writer(threading.Thread):
    """The one thread that holds the write connection and runs every write in turn.

    ``conn`` is that connection, opened already (so that a failure to open is the opener's);
    ``begin`` starts a unit of work (SQLite's ``BEGIN IMMEDIATE`` takes the write lock at once,
    so a unit never waits for it midway).
    """

    def __init__(self, conn: Any, begin: str = "BEGIN IMMEDIATE") -> None:
        super().__init__(name="sokhan-writer", daemon=True)
        self._conn = conn
        self._begin = begin
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()

    def run(self) -> None:
        conn = self._conn
        try:
            while (job := self.jobs.get()) is not None:
                self._run(conn, job)
        finally:
            conn.close()

    def _run(self, conn: Any, job: _Job) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            if job.transaction:
                conn.execute(self._begin)
            result = job.fn(conn)
            if job.transaction:
                conn.execute("COMMIT")
        except BaseException as exc:  # handed to the awaiting coroutine, whatever it is
            error = exc
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
            job.loop.call_soon_threadsafe(_settle, job.future, result, error)

    async def write[T](self, fn: Callable[[Any], T], *, transaction: bool = True) -> T:
        """Run ``fn(conn)`` here, in a transaction of its own; its result or its exception
        comes back (after a rollback)."""
        if not self.is_alive():
            raise sqlite3.ProgrammingError("the database is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self.jobs.put(_Job(fn, loop, future, transaction))
        # A caller that gives up waiting does not undo the write: it runs to its end.
        return await asyncio.shield(future)

    async def stop(self) -> None:
        if self.is_alive():
            self.jobs.put(None)
            await asyncio.to_thread(self.join)


def _sqlite_writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    return conn


class Pool[C]:
    """The read connections, handed out first come, first served.

    A connection given back goes straight to the reader that has waited longest: with a
    plain queue, a task that gives one back and asks again at once would take it before
    the waiter woke, and a busy searcher could starve the broadcast's reads. With nobody
    waiting, the connection used last is used again, so one cache stays warm when reads
    come one at a time.
    """

    def __init__(self) -> None:
        self._free: collections.deque[C] = collections.deque()
        self._waiting: collections.deque[asyncio.Future[C]] = collections.deque()

    async def take(self) -> C:
        if self._free and not self._waiting:
            # The one given back last: its page cache is the warmest.
            return self._free.pop()
        waiter: asyncio.Future[C] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed one just as we gave up
                self.give(waiter.result())
            else:
                with contextlib.suppress(ValueError):
                    self._waiting.remove(waiter)
            raise

    def give(self, conn: C) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._free.append(conn)


class Database:
    """Open with ``await Database.open(path)``; ``write`` and ``read`` as above."""

    engine = SQLITE

    def __init__(self, path: Path, writer: Writer, readers: list[aiosqlite.Connection]) -> None:
        self.path = path
        self._writer = writer
        self._readers = readers
        self._pool: Pool[aiosqlite.Connection] = Pool()
        for reader in readers:
            self._pool.give(reader)

    @property
    def location(self) -> str:
        return str(self.path)

    @classmethod
    async def open(cls, path: Path, setup: Callable[[sqlite3.Connection], Any] | None = None,
                   *, readers: int = READERS) -> Database:
        """Start the writer, run ``setup`` on it outside any transaction (migrations run
        their own), then open the readers: a read-only connection needs the file to exist."""
        path = await asyncio.to_thread(_prepare, path)
        writer = Writer(await asyncio.to_thread(_sqlite_writer, path))
        writer.start()
        db = cls(path, writer, [])
        try:
            await db.write(setup or (lambda conn: None), transaction=False)
            for _ in range(readers):
                reader = await _connect_reader(path)
                db._readers.append(reader)
                db._pool.give(reader)
        except BaseException:
            await db.close()
            raise
        return db

    async def write[T](self, fn: Callable[[sqlite3.Connection], T], *, transaction: bool = True) -> T:
        """Run ``fn(conn)`` on the writer thread, in a transaction of its own; its result or
        its exception comes back here (after a rollback)."""
        return await self._writer.write(fn, transaction=transaction)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A read-only connection for this read alone; each statement sees the latest commit."""
        conn = await self._pool.take()
        try:
            yield conn
        finally:
            if conn.in_transaction:  # a read cut short must not pin its snapshot
                with contextlib.suppress(sqlite3.Error):
                    await conn.rollback()
            self._pool.give(conn)

    async def close(self) -> None:
        for reader in self._readers:
            with contextlib.suppress(sqlite3.Error, ValueError):
                await reader.close()
        self._readers.clear()
        await self._writer.stop()


def _prepare(path: Path) -> Path:
    """The absolute path (the readers open it by URI), its folder made if need be."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def _connect_reader(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(f"file:{quote(str(path))}?mode=ro", uri=True,
                                   isolation_level=None)
    conn.row_factory = aiosqlite.Row
    for pragma in _READER_PRAGMAS:
        await conn.execute(pragma)
    return conn
