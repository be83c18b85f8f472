"""One bulletin to many subscribers: deliveries per second through the real worker.

Run: ``.venv/bin/python benchmarks/broadcast.py [--subscribers N] [--rate R] [--seconds S]``.

The local Bot API server runs in this process and the bot in a child process of its
own, as in production. The database holds N private-chat subscribers and one new
statement, so N deliveries are pending when the bot starts. Printed: deliveries per
second while the broadcast ran, the most messages sent in any one second (Telegram
allows about 30 a second without paid broadcasts), the time to the last message, and
the bot's peak RSS.

``--rate`` is the AIORateLimiter's overall rate (SOKHAN_BROADCAST_RATE); ``--rate 0``
runs without a limiter, which shows what the worker itself can do. ``--seconds`` stops
a slow (rate-limited) run early and reports the rate seen so far.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.child import cpu_seconds, peak_rss_mb, serve_until_stdin_closes
from bot.local import LocalBotApi, LocalChat, LocalUser
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Chat, Origin, OriginKind

ROOT = Path(__file__).resolve().parent.parent
FIRST_ID = 10_000


async def build_db(path: Path, subscribers: int) -> int:
    async with await Store.open(path) as store:
        for i in range(subscribers):
            await store.subscriptions.subscribe_all(Chat(FIRST_ID + i, "private"))
        raw = (ROOT / "seeds" / "003_3da3126af461e8d0.txt").read_text(encoding="utf-8")
        result = await Ingestor(store).ingest_text(raw, Origin(OriginKind.FILE, "seed 003"))
        return result.queued


async def serve_bot(base_url: str, db: Path, rate: float) -> None:
    """The child process: the bot, polling the parent's server until stdin closes."""
    from bot.app import build_application, quiet_http_logs
    from bot.config import Settings

    quiet_http_logs()
    settings = Settings(db_path=db, broadcast_rate=rate or 30.0)
    app = build_application(settings, base_url=base_url, rate_limit=rate > 0)
    await serve_until_stdin_closes(app)




def busiest_second(samples: list[tuple[float, int]]) -> int:
    """The most messages sent within any one-second window of the (time, count) samples."""
    best, start = 0, 0
    for end in range(len(samples)):
        while samples[end][0] - samples[start][0] > 1.0:
            start += 1
        best = max(best, samples[end][1] - samples[start][1])
    return best


async def measure(args: argparse.Namespace, db: Path, queued: int) -> None:
    async with LocalBotApi(record_requests=False) as api:
        users = (LocalUser(FIRST_ID + i, f"مشترک {i}") for i in range(args.subscribers))
        api.add_chats(LocalChat.private(user) for user in users)
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve-bot", api.base_url, str(db), str(args.rate),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stdin is not None
        await asyncio.wait_for(child.stdout.readline(), timeout=60)
        samples: list[tuple[float, int]] = []
        cpu_bot, cpu_here = cpu_seconds(child.pid), time.process_time()
        deadline = time.perf_counter() + args.seconds
        while (sent := api.total_bot_messages()) < queued and time.perf_counter() < deadline:
            if sent:
                samples.append((time.perf_counter(), sent))
            await asyncio.sleep(0.01)
        samples.append((time.perf_counter(), api.total_bot_messages()))
        rss = peak_rss_mb(child.pid)
        cpu_bot, cpu_here = cpu_seconds(child.pid) - cpu_bot, time.process_time() - cpu_here
        child.stdin.close()
        await child.wait()

    (t0, n0), (t1, n1) = samples[0], samples[-1]
    rate = (n1 - n0) / (t1 - t0) if t1 > t0 else float("nan")
    limiter = f"AIORateLimiter at {args.rate:g}/s" if args.rate else "no rate limiter"
    print(f"subscribers         {args.subscribers} ({queued} queued in the statement's transaction)")
    print(f"limiter             {limiter}")
    print(f"delivered           {n1} in {t1 - t0:.1f} s after the first"
          + ("" if n1 >= queued else f" (stopped after {args.seconds:g} s)"))
    print(f"throughput          {rate:.0f} deliveries/s")
    print(f"busiest second      {busiest_second(samples)} messages")
    print(f"bot peak RSS        {rss:.0f} MB (its own process)")
    print(f"CPU                 bot {cpu_bot:.1f} s, server {cpu_here:.1f} s, in {t1 - t0:.1f} s")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-bot":
        asyncio.run(serve_bot(sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="overall messages/s; 0: no limiter")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop measuring after this long")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "broadcast.db"
        queued = asyncio.run(build_db(db, args.subscribers))
        asyncio.run(measure(args, db, queued))


if __name__ == "__main__":
    main()
