"""Hostile input and floods, end to end: what breaks, what is refused, what it costs.

Run: ``.venv/bin/python benchmarks/abuse.py [--users N] [--per-user N] [--subscribers N]``.

The bot runs in a process of its own, as in production (with the production rate limiter,
30 messages a second), against the local Bot API server in this process. Then:

1. hostile inputs: every command with numbers that are not numbers, markup, control and
   direction characters, huge and empty arguments, query syntax; documents that are binary,
   of mixed encodings or too large; inline queries with odd offsets. Each must get an answer
   that is not the error handler's apology;
2. forged buttons: made-up callback data, and real data replayed in another chat;
3. two floods, each of USERS × PER_USER searches at once, while a statement is broadcast to
   SUBSCRIBERS chats: reply latency, bulletins sent meanwhile, and the bot's resident memory
   before, between and after.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.child import peak_rss_mb, serve_until_stdin_closes
from bot import strings
from bot.local import LocalBotApi, LocalChat, LocalUser
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Chat, Origin, OriginKind
from tests.irnews import news_items

ROOT = Path(__file__).resolve().parent.parent
ADMIN = LocalUser(7, "مدیر")
STRANGER = LocalUser(8, "ناشناس")
SEED = (ROOT / "seeds" / "000_841124f23b16fdb9.txt").read_text(encoding="utf-8")

NUMBERS = ["²", "٣²", "99999999999999999999", "-1", "0", "1e9", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠", "#²", "۱.۵",
           "0x10", "NaN", "∞", "１２", "𝟙𝟚", "¹", "٫٥", "1_000", " ", "٠"]
TEXTS = ["<b>x</b>", "<script>alert(1)</script>", "&amp;&lt;", "\u202eمتن وارونه", "\u200f\u200e\u200c",
         "\x00\x01\x02", '"', '""""', "-", "*", "-قم -تهران", "NEAR(a b)", "a OR b", "title:x",
         "'); DROP TABLE a;--", "🙂" * 50, "ن" * 5000, "ا " * 3000, "\n\n\n", "%s%s%n", "{id}", "@@@",
         "/find", "http://127.0.0.1/x"]
COMMANDS = ["/article", "/full", "/summary", "/quote", "/find", "/follow", "/subscribe", "/unsubscribe",
            "/latest", "/speakers", "/start", "/help", "/delete", "/feed remove", "/feed add", "/publish",
            "/stats"]


def current_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def build_db(path: Path, articles: int, subscribers: int) -> None:
    async with await Store.open(path) as store:
        ingestor = Ingestor(store)
        async for _ in ingestor.ingest_paths([ROOT / "seeds"]):
            pass
        for item in list(news_items())[:articles]:
            await ingestor.ingest_text(item.as_statement(), Origin(OriginKind.FILE, str(item.path)))
        for i in range(subscribers):
            await store.subscriptions.subscribe_all(Chat(1_000_000 + i, "private"))


async def serve_bot(base_url: str, base_file_url: str, db: Path) -> None:
    """The child process: the bot with the production rate limiter, until stdin closes."""
    from bot.app import build_application, quiet_http_logs
    from bot.config import Settings

    quiet_http_logs()
    app = build_application(Settings(db_path=db, admin_ids=frozenset({ADMIN.id})), base_url=base_url,
                            base_file_url=base_file_url)
    await serve_until_stdin_closes(app)


async def answered(api: LocalBotApi, chat_id: int, before: int) -> str | None:
    """The text of the bot's next message in the chat, or None if none came within 30 s."""
    try:
        await api.wait_until(lambda: api.bot_message_count(chat_id) > before or None, timeout=30)
    except TimeoutError:
        return None
    return api.sent(chat_id)[-1].plain_text or ""


async def hostile_inputs(api: LocalBotApi) -> tuple[int, int, int]:
    """(inputs tried, answered with the apology, left without an answer)."""
    inputs = [f"{c} {t}" for c in COMMANDS for t in NUMBERS + TEXTS]
    inputs += [f"/start a{n}" for n in NUMBERS] + TEXTS + ["/یافتن بودجه", "/unknown"]
    inputs = [text for text in inputs if text.strip()]  # a client cannot send an empty message
    crashed = silent = 0
    for i, text in enumerate(inputs):
        user = ADMIN if i % 2 else STRANGER
        before = api.bot_message_count(user.id)
        api.user_sends(text, user=user)
        reply = await answered(api, user.id, before)
        if reply is None:
            silent += 1
            print(f"  unanswered: {text[:60]!r}")
        elif strings.ERROR in reply:
            crashed += 1
            print(f"  apology for: {text[:60]!r}")
    files = [("a.txt", b"\x00\x01binary"), ("b.txt", SEED.encode() + SEED.encode("cp1256", errors="replace")),
             ("c.txt", b"x" * (3 * 2**20)), ("d.pdf", b"%PDF-1.4"), ("e.txt", b""),
             ("f.txt", "\ufeff".encode())]
    for name, data in files:
        before = api.bot_message_count(ADMIN.id)
        api.user_sends_document(name, data, user=ADMIN, mime_type="text/plain")
        reply = await answered(api, ADMIN.id, before)
        crashed += reply is not None and strings.ERROR in reply
        silent += reply is None
    for offset in NUMBERS:
        api.user_inline_query("خامسیان", offset=offset, user=STRANGER)
    before = api.bot_message_count(STRANGER.id)
    api.user_sends("/find@other_bot x", user=STRANGER)  # for another bot: left alone, on purpose
    silent -= await answered(api, STRANGER.id, before) is not None
    return len(inputs) + len(files) + len(NUMBERS) + 1, crashed, silent


async def forged_buttons(api: LocalBotApi) -> tuple[int, int]:
    """(forged presses, answered that the button has expired)."""
    before = api.bot_message_count(STRANGER.id)
    api.user_sends("/find اطلاع رسانی", user=STRANGER)
    await answered(api, STRANGER.id, before)
    theirs = api.sent(STRANGER.id)[-1]
    before = api.bot_message_count(ADMIN.id)
    api.user_sends("/find اطلاع رسانی", user=ADMIN)
    await answered(api, ADMIN.id, before)
    mine = api.sent(ADMIN.id)[-1]
    forged = [b.value for b in theirs.flat_buttons]  # replayed in another chat
    forged += [f"{a}:{n}:1" for a in "atqfsluwx" for n in range(1, 9)]  # the old, guessable form
    forged += [f"a:{n}:1:{'A' * 11}" for n in range(1, 20)]  # signatures made up
    ids = [str(api.user_presses(mine, 0, user=ADMIN, data=data)) for data in forged]
    await asyncio.sleep(2)
    answers = {a.callback_query_id: a.text for a in api.callback_answers}
    return len(forged), sum(answers.get(i) == strings.BUTTON_EXPIRED for i in ids)


async def flood(api: LocalBotApi, users: list[LocalUser], per_user: int) -> list[float]:
    latencies: list[float] = []
    queries = ["اطلاع رسانی", "خامسیان", "بودجه", "روابط عمومی", "ایران"]

    async def one(user: LocalUser, i: int) -> None:
        before = api.bot_message_count(user.id)
        started = time.perf_counter()
        api.user_sends(f"/find {queries[i % len(queries)]} {i}", user=user)
        await api.wait_until(lambda: api.bot_message_count(user.id) > before or None, timeout=600)
        latencies.append((time.perf_counter() - started) * 1000)

    async def user_floods(user: LocalUser) -> None:
        for i in range(per_user):
            await one(user, i)

    await asyncio.gather(*(user_floods(u) for u in users))
    return latencies


async def measure(args: argparse.Namespace, db: Path) -> None:
    async with LocalBotApi(record_requests=False) as api:
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve-bot", api.base_url, api.base_file_url, str(db),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        assert child.stdout is not None
        assert child.stdin is not None
        await asyncio.wait_for(child.stdout.readline(), timeout=120)
        for user in (ADMIN, STRANGER):
            api.add_chat(LocalChat.private(user), [user])
        for i in range(args.subscribers):
            subscriber = LocalUser(1_000_000 + i, f"مشترک {i}")
            api.add_chat(LocalChat.private(subscriber), [subscriber])
        tried, crashed, silent = await hostile_inputs(api)
        print(f"hostile inputs      {tried} tried: {crashed} answered with the apology, {silent} unanswered")
        presses, refused = await forged_buttons(api)
        print(f"forged buttons      {presses} presses: {refused} answered that the button has expired")
        users = [LocalUser(10_000 + i, f"کاربر {i}") for i in range(args.users)]
        for user in users:
            api.add_chat(LocalChat.private(user), [user])
        rss = [current_rss_mb(child.pid)]
        for round_ in (1, 2):
            sent_before = api.total_bot_messages()
            api.user_sends(f"/publish {SEED} {round_}", user=ADMIN)  # a broadcast to every subscriber
            started = time.perf_counter()
            latencies = await flood(api, users, args.per_user)
            elapsed = time.perf_counter() - started
            bulletins = api.total_bot_messages() - sent_before - len(latencies)
            p50 = statistics.median(latencies)
            p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98]
            print(f"flood {round_}             {len(latencies)} searches from {len(users)} users in "
                  f"{elapsed:.0f} s, reply p50 {p50 / 1000:.1f} s p99 {p99 / 1000:.1f} s; "
                  f"{bulletins} bulletins meanwhile")
            rss.append(current_rss_mb(child.pid))
        await asyncio.sleep(args.rest)
        rss.append(current_rss_mb(child.pid))
        print(f"bot RSS             before {rss[0]:.0f} MB, after flood 1 {rss[1]:.0f} MB, after flood 2 "
              f"{rss[2]:.0f} MB, {args.rest:.0f} s later {rss[3]:.0f} MB "
              f"(peak {peak_rss_mb(child.pid):.0f} MB)")
        child.stdin.close()
        await child.wait()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-bot":
        asyncio.run(serve_bot(sys.argv[2], sys.argv[3], Path(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=300, help="ir-news articles in the archive")
    parser.add_argument("--rest", type=float, default=10.0, help="seconds idle before the last reading")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bot.db"
        asyncio.run(build_db(db, args.articles, args.subscribers))
        asyncio.run(measure(args, db))


if __name__ == "__main__":
    main()
