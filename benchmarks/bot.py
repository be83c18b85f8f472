"""The bot end to end over loopback: updates handled per second, reply latency, and RSS.

Run: ``.venv/bin/python benchmarks/bot.py [--users N] [--rounds N] [--articles N]``.
The local Bot API server and the simulated users run in this process; the bot runs
in a child process of its own (as in production), with the seeds and the ir-news
articles in its database, so its peak RSS is the bot's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.child import cpu_seconds, peak_rss_mb, serve_until_stdin_closes
from bot.local import LocalBotApi, LocalChat, LocalUser
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Origin, OriginKind
from tests.irnews import news_items

ROOT = Path(__file__).resolve().parent.parent


async def build_db(path: Path, articles: int) -> int:
    async with await Store.open(path) as store:
        ingestor = Ingestor(store)
        async for _ in ingestor.ingest_paths([ROOT / "seeds"]):
            pass
        for item in list(news_items())[:articles]:
            await ingestor.ingest_text(item.as_statement(), Origin(OriginKind.FILE, str(item.path)))
        return await store.count_articles()


async def serve_bot(base_url: str, base_file_url: str, db: Path) -> None:
    """The child process: the bot, polling the parent's server until stdin closes."""
    from bot.app import build_application, quiet_http_logs
    from bot.config import Settings

    quiet_http_logs()
    app = build_application(Settings(db_path=db), base_url=base_url, base_file_url=base_file_url,
                            rate_limit=False)
    await serve_until_stdin_closes(app)




def queries(count: int) -> list[str]:
    rng = random.Random(3)  # noqa: S311 (a benchmark's mix, not a secret)
    titles = [[w for w in item.title.split() if len(w) > 2] for item in news_items()]
    out = []
    while len(out) < count:
        words = rng.choice(titles)
        if len(words) >= 2:
            start = rng.randrange(len(words) - 1)
            out.append(" ".join(words[start:start + rng.choice((1, 2))]))
    return out


async def measure(args: argparse.Namespace, db: Path) -> None:
    async with LocalBotApi() as api:
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve-bot", api.base_url, api.base_file_url, str(db),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stdin is not None
        await asyncio.wait_for(child.stdout.readline(), timeout=60)
        users = [LocalUser(10_000 + i, f"کاربر {i}") for i in range(args.users)]
        for user in users:
            api.add_chat(LocalChat.private(user), [user])
        texts = queries(args.users * args.rounds)
        latencies: list[float] = []

        async def one(user: LocalUser, text: str) -> None:
            before = api.bot_message_count(user.id)
            started = time.perf_counter()
            api.user_sends(f"/find {text}", user=user)
            await api.wait_until(lambda: api.bot_message_count(user.id) > before or None, timeout=60)
            latencies.append((time.perf_counter() - started) * 1000)

        # Warm-up round, then the measured rounds: every user sends at once.
        await asyncio.gather(*(one(u, t) for u, t in zip(users, texts, strict=False)))
        latencies.clear()
        cpu_bot, cpu_here = cpu_seconds(child.pid), time.process_time()
        started = time.perf_counter()
        for r in range(args.rounds):
            batch = texts[r * args.users:(r + 1) * args.users]
            await asyncio.gather(*(one(u, t) for u, t in zip(users, batch, strict=True)))
        elapsed = time.perf_counter() - started
        rss = peak_rss_mb(child.pid)
        cpu_bot, cpu_here = cpu_seconds(child.pid) - cpu_bot, time.process_time() - cpu_here
        child.stdin.close()
        await child.wait()

    total = len(latencies)
    p50 = statistics.median(latencies)
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98]
    print(f"updates             {total} (/find from {args.users} users at once, {args.rounds} rounds)")
    print(f"throughput          {total / elapsed:.0f} updates/s end to end")
    print(f"reply latency       p50 {p50:.1f} ms   p99 {p99:.1f} ms")
    print(f"bot peak RSS        {rss:.0f} MB (its own process)")
    print(f"CPU while measured  bot {cpu_bot:.1f} s, users and server {cpu_here:.1f} s, in {elapsed:.1f} s")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-bot":
        asyncio.run(serve_bot(sys.argv[2], sys.argv[3], Path(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--articles", type=int, default=100_000, help="ir-news articles to load (all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bot.db"
        count = asyncio.run(build_db(db, args.articles))
        print(f"articles            {count} (seeds + ir-news)")
        asyncio.run(measure(args, db))


if __name__ == "__main__":
    main()
