"""One bulletin to many subscribers: deliveries per second through the real senders.

Run: ``.venv/bin/python benchmarks/broadcast.py [--workers N] [--engine sqlite|postgres]
[--subscribers N] [--rate R] [--seconds S] [--kill-after K] [--bot]``.

The local Bot API server runs in this process and each sender in a child process of its
own, as in production: ``--workers N`` starts N ``sokhan worker``s (the code of the
subcommand, with the settings given here), ``--bot`` the bot process instead (it polls, and
sends through its own limiter and HTTP client). The database (a SQLite file, or a throw-away
PostgreSQL cluster with ``--engine postgres``) holds N private-chat subscribers and one new
statement, so N deliveries are pending when the senders start.

Printed: deliveries per second while the broadcast ran, the most messages sent in any one
second across all senders (Telegram allows about 30 a second without paid broadcasts), the
time to the last message, and the senders' CPU time and peak RSS. ``--rate`` is the one
rate limit all senders share (``SOKHAN_BROADCAST_RATE``; ``--rate 0``: none, which shows what
the senders themselves can do). ``--seconds`` stops a slow (rate-limited) run early.

``--kill-after K`` SIGKILLs the first worker once K messages have gone, starts it again, and
counts, once the outbox holds nothing pending, how many subscribers got the bulletin none,
once or more than once: only a message in flight at the kill, or sent in the instant before
it and not yet recorded (outcomes are written every 50 ms), may go twice. Its claims are
taken over when their lease (``--lease``, 10 s) runs out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.child import cpu_seconds, peak_rss_mb, serve_until_stdin_closes
from bot.config import Settings
from bot.local import LocalBotApi, LocalChat, LocalUser
from storage.db.store import Store
from storage.db.types import is_database_url
from storage.ingest import Ingestor
from storage.models import Chat, Origin, OriginKind

ROOT = Path(__file__).resolve().parent.parent
FIRST_ID = 10_000
TOKEN = "123:benchmark"  # noqa: S105 - the local server takes any token


async def build_db(location: str, subscribers: int) -> None:
    async with await Store.open(location) as store:
        for i in range(subscribers):
            await store.subscriptions.subscribe_all(Chat(FIRST_ID + i, "private"))


async def publish(store: Store) -> int:
    """The statement, stored as ``sokhan ingest`` stores it: queued for every subscriber."""
    ingestor = Ingestor(store)
    raw = (ROOT / "seeds" / "003_3da3126af461e8d0.txt").read_text(encoding="utf-8")
    article = await ingestor.analyze(raw)  # before: analysis must not hold up the server
    result = await store.add_article(article, Origin(OriginKind.FILE, "seed 003"))
    return result.queued


def _settings(location: str, base_url: str, rate: float, lease: float = 60.0) -> Settings:
    """What the environment would give a sender; ``rate`` 0 is no limit, which only these
    settings, made here, can say."""
    settings = Settings(bot_token=TOKEN, api_base_url=base_url, broadcast_rate=rate, broadcast_lease=lease,
                        log_level="WARNING")
    if is_database_url(location):
        return dataclasses.replace(settings, database_url=location)
    return dataclasses.replace(settings, db_path=Path(location))


async def serve_bot(base_url: str, location: str, rate: float) -> None:
    """A child process: the bot, polling the parent's server until stdin closes."""
    from bot.app import build_application, quiet_http_logs

    quiet_http_logs()
    settings = dataclasses.replace(_settings(location, base_url, rate), broadcast_rate=rate or 30.0)
    app = build_application(settings, base_url=base_url, rate_limit=rate > 0)
    await serve_until_stdin_closes(app)


async def serve_worker(base_url: str, location: str, rate: float, lease: float) -> None:
    """A child process: ``sokhan worker`` (``rate`` 0: without a limit) until SIGTERM."""
    from bot.worker import run_worker

    print("ready", flush=True)
    await run_worker(_settings(location, base_url, rate, lease))


def busiest_second(samples: list[tuple[float, int]]) -> int:
    """The most messages sent within any one-second window of the (time, count) samples."""
    best, start = 0, 0
    for end in range(len(samples)):
        while samples[end][0] - samples[start][0] > 1.0:
            start += 1
        best = max(best, samples[end][1] - samples[start][1])
    return best


class Senders:
    """The sender processes, started and watched from here."""

    def __init__(self, args: argparse.Namespace, base_url: str, location: str) -> None:
        self._args = args
        self._base_url = base_url
        self._location = location
        self.procs: list[asyncio.subprocess.Process] = []
        self.cpu = 0.0
        self.rss = 0.0

    async def start(self) -> asyncio.subprocess.Process:
        args = self._args
        role = ["--serve-bot"] if args.bot else ["--serve-worker", str(args.lease)]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, *role, self._base_url, self._location, str(args.rate),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.readline(), timeout=60)
        self.procs.append(proc)
        return proc

    def cpu_now(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs if p.returncode is None)

    async def kill(self, proc: asyncio.subprocess.Process) -> None:
        self.cpu += cpu_seconds(proc.pid)
        proc.kill()  # SIGKILL: no shutdown runs, the outbox is all that is left
        await proc.wait()

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                self.cpu += cpu_seconds(proc.pid)
                self.rss = max(self.rss, peak_rss_mb(proc.pid))
                if self._args.bot:
                    assert proc.stdin is not None
                    proc.stdin.close()
                else:
                    proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            await proc.wait()


async def measure(args: argparse.Namespace, location: str) -> None:
    async with LocalBotApi(record_requests=False) as api, await Store.open(location) as store:
        users = [LocalUser(FIRST_ID + i, f"مشترک {i}") for i in range(args.subscribers)]
        api.add_chats(LocalChat.private(user) for user in users)
        senders = Senders(args, api.base_url, location)
        for _ in range(1 if args.bot else args.workers):
            await senders.start()
        # Published once every sender runs, as in production: starting a process here
        # would hold up this server, and with it the times it records.
        queued = await publish(store)
        samples: list[tuple[float, int]] = []
        cpu_start, cpu_here = senders.cpu_now(), time.process_time()
        deadline = time.perf_counter() + args.seconds
        killed_at = None
        while (sent := api.total_bot_messages()) < queued and time.perf_counter() < deadline:
            if sent:
                samples.append((time.perf_counter(), sent))
            if args.kill_after and killed_at is None and sent >= args.kill_after:
                killed_at = sent
                await senders.kill(senders.procs[0])
                await senders.start()
            await asyncio.sleep(0.01)
        samples.append((time.perf_counter(), api.total_bot_messages()))
        if killed_at is not None:
            # What the killed worker sent but had not recorded is pending still: once its
            # lease runs out another sender takes it over and sends it again. Counted then.
            settle = time.perf_counter() + args.lease + 10
            while time.perf_counter() < settle:
                if not (await store.deliveries.counts())["pending"]:
                    break
                await asyncio.sleep(0.2)
        senders.cpu -= cpu_start
        await senders.stop()
        cpu_here = time.process_time() - cpu_here
        received = Counter(api.bot_message_count(u.id) for u in users)
        counts = await store.deliveries.counts()

    (t0, n0), (t1, n1) = samples[0], samples[-1]
    rate = (n1 - n0) / (t1 - t0) if t1 > t0 else float("nan")
    limiter = f"{args.rate:g}/s shared by all senders" if args.rate else "none"
    who = "the bot process (polling)" if args.bot else f"{args.workers} × sokhan worker"
    print(f"engine              {args.engine}")
    print(f"senders             {who}")
    print(f"subscribers         {args.subscribers} ({queued} queued in the statement's transaction)")
    print(f"rate limit          {limiter}")
    print(f"delivered           {n1} in {t1 - t0:.1f} s after the first"
          + ("" if n1 >= queued else f" (stopped after {args.seconds:g} s)"))
    print(f"throughput          {rate:.0f} deliveries/s")
    print(f"busiest second      {busiest_second(samples)} messages")
    print(f"senders' peak RSS   {senders.rss:.0f} MB (the largest)")
    print(f"CPU                 senders {senders.cpu:.1f} s, server {cpu_here:.1f} s, in {t1 - t0:.1f} s"
          f" ({1000 * senders.cpu / max(n1, 1):.2f} ms a delivery)")
    print(f"outbox              {counts}")
    if args.kill_after:
        print(f"killed              worker 1 by SIGKILL after {killed_at} messages, then started again")
        print(f"received            {received[0]} subscribers none, {received[1]} once,"
              f" {sum(n for k, n in received.items() if k > 1)} more than once")


@contextlib.contextmanager
def database(engine: str) -> Iterator[str]:
    if engine == "postgres":
        from tests.pgserver import cluster

        with cluster() as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield str(Path(tmp) / "broadcast.db")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-bot":
        asyncio.run(serve_bot(sys.argv[2], sys.argv[3], float(sys.argv[4])))
        return
    if len(sys.argv) == 6 and sys.argv[1] == "--serve-worker":
        asyncio.run(serve_worker(sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1, help="sokhan worker processes")
    parser.add_argument("--bot", action="store_true", help="send from the bot process instead")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=0.0, help="messages/s for all senders; 0: no limit")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop measuring after this long")
    parser.add_argument("--kill-after", type=int, default=0, help="SIGKILL worker 1 after this many messages")
    parser.add_argument("--lease", type=float, default=10.0, help="seconds a claim is held")
    args = parser.parse_args()
    with database(args.engine) as location:
        asyncio.run(build_db(location, args.subscribers))
        asyncio.run(measure(args, location))


if __name__ == "__main__":
    main()
