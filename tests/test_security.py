"""Hostile input and careless operation: forged webhook updates, secrets in logs, numbers that
are not numbers, feeds that point inside, files that are not what they say."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import strings
from bot.app import SokhanApp, polling
from bot.local import DEFAULT_USER, LocalBotApi, LocalChat, LocalUser
from bot.logs import REDACTED, Redactor
from bot.updates import BACKLOG, PER_CHAT
from storage.db.store import Store
from storage.errors import FeedError, FeedProblem, RejectedText, Rejection
from storage.sources.fetch import AddressGuard, fetch_feed
from storage.sources.files import decode, read_statement
from tests.conftest import ROOT, SEED_000, SEEDS, local_app, say
from tests.feedserver import FeedServer

ADMIN_USER = LocalUser(4343, "مدیر")
TOKEN = "123456789:AAE-the-bots-very-secret-token_x"  # noqa: S105 (a made-up token for the test)
ME = DEFAULT_USER.id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(tmp_path: Path, api: LocalBotApi, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOKHAN_", "TELEGRAM_"))}
    return env | {"PYTHONPATH": str(ROOT), "SOKHAN_SEEDS": str(SEEDS), "SOKHAN_DB": str(tmp_path / "s.db"),
                  "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url, **extra}


async def _sokhan_run(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def _update(update_id: int, text: str, user_id: int = ME) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": text, "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "x"},
        "entities": [{"type": "bot_command", "offset": 0, "length": text.split()[0].__len__()}],
    }}


async def test_forged_webhook_updates_are_refused(api: LocalBotApi, tmp_path: Path) -> None:
    """``sokhan run`` in webhook mode: only requests that carry the secret reach the bot."""
    port, admin = _free_port(), 4242
    api.add_chat(LocalChat.private(DEFAULT_USER), [DEFAULT_USER])
    env = _environment(tmp_path, api, TELEGRAM_WEBHOOK_URL="https://statements.example/hook",
                       TELEGRAM_WEBHOOK_PORT=str(port), SOKHAN_ADMIN_IDS=str(admin))
    process = await _sokhan_run(env, tmp_path)
    try:
        await api.wait_until(lambda: api.calls("setWebhook"), timeout=60)
        secret = api.calls("setWebhook")[-1].params["secret_token"]
        assert len(secret) >= 32
        forged = _update(1, "/publish " + SEED_000.read_text(encoding="utf-8"), user_id=admin)
        async with httpx.AsyncClient(trust_env=False) as client:
            url = f"http://127.0.0.1:{port}/"
            assert (await client.post(url, json=forged)).status_code == 403
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "x" + secret[1:]}
            assert (await client.post(url, json=forged, headers=wrong)).status_code == 403
            right = {"X-Telegram-Bot-Api-Secret-Token": secret}
            answer = await client.post(url, json=_update(2, "/find خامسیان"), headers=right)
            assert answer.status_code == 200
        reply = await api.wait_for_reply(ME, timeout=20, after_message_id=0)
        assert "خامسیان" in (reply.plain_text or "")
        assert api.sent(admin) == []  # the forged /publish got no answer: it never ran
    finally:
        process.terminate()
        await process.communicate()
    async with await Store.open(tmp_path / "s.db") as store:
        assert await store.count_articles() == 2  # the seeds; nothing published


async def test_a_rejected_token_never_reaches_the_output(api: LocalBotApi, tmp_path: Path) -> None:
    api.inject_fault("getMe", status=401, description="Unauthorized", times=-1)
    process = await _sokhan_run(_environment(tmp_path, api, SOKHAN_LOG_LEVEL="DEBUG"), tmp_path)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    output = out.decode() + err.decode()
    assert process.returncode == 2
    assert "refused TELEGRAM_BOT_TOKEN" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output  # not even the part after the bot's id


def _fail_with_the_token() -> None:
    raise ValueError(f"https://api.telegram.org/bot{TOKEN}/getMe failed")


def test_the_redactor_covers_messages_arguments_and_tracebacks() -> None:
    redactor = Redactor([TOKEN, None, "short"])
    try:
        _fail_with_the_token()
    except ValueError:
        record = logging.LogRecord("httpx", logging.DEBUG, __file__, 1, "GET %s", (f"/bot{TOKEN}/getMe",),
                                   sys.exc_info(), sinfo=f"at /bot{TOKEN}")
    assert redactor.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert text.count(REDACTED) == 3


# -- numbers ----------------------------------------------------------------------------

HOSTILE_NUMBERS = ["²", "٣²", "99999999999999999999", "-1", "0", "1e9", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠", "#²", "۱.۵"]


@pytest.fixture
async def admin_app(api: LocalBotApi, archive: Path) -> AsyncIterator[SokhanApp]:
    async with polling(local_app(api, archive, admins={ME})) as application:
        yield application


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
async def test_numbers_that_are_not_ids_get_a_polite_reply(
    api: LocalBotApi, admin_app: SokhanApp, number: str, caplog: pytest.LogCaptureFixture
) -> None:
    for command in ("/article", "/summary", "/delete", "/unsubscribe", "/feed remove"):
        reply = await say(api, f"{command} {number}")
        assert reply.plain_text
        assert strings.ERROR not in reply.plain_text
    assert "بیانیه" in (await say(api, f"/start a{number}")).plain_text  # the welcome, not a crash
    api.user_inline_query("خامسیان", offset=number)
    await api.wait_until(lambda: api.calls("answerInlineQuery"), timeout=10)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


# -- feeds stay outside -----------------------------------------------------------------

INSIDE = [
    "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "017700000001",
    "::1", "::ffff:127.0.0.1", "localhost", "0.0.0.0", "0", "::",  # noqa: S104 (refused, never bound) "10.0.0.1", "172.16.0.1",
    "192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1", "100.64.0.1", "224.0.0.1",
    "255.255.255.255", "192.0.2.1", "2001:db8::1",
]


@pytest.mark.parametrize("host", INSIDE)
async def test_every_spelling_of_an_inside_address_is_refused(host: str) -> None:
    """Only the resolver is asked: nothing connects to these addresses."""
    with pytest.raises(FeedError) as refused:
        await AddressGuard().resolve(host, 80)
    assert refused.value.problem in (FeedProblem.PRIVATE, FeedProblem.UNKNOWN_HOST)


async def test_an_intranet_feed_can_be_allowed_on_purpose() -> None:
    assert await AddressGuard(allow_private=True).resolve("10.0.0.1", 80) == "10.0.0.1"


async def test_a_redirect_inside_is_refused_before_it_is_followed() -> None:
    with FeedServer() as outside, FeedServer() as inside:
        outside.redirect("/rss", inside.url("/rss"))
        inside.set("/rss", b"<rss/>")
        guard = AddressGuard.allowing([("127.0.0.1", outside.port)])  # as if only `outside` were public
        async with httpx.AsyncClient(trust_env=False) as client:
            with pytest.raises(FeedError) as refused:
                await fetch_feed(client, outside.url("/rss"), guard=guard)
        assert refused.value.problem is FeedProblem.PRIVATE
        assert [r.path for r in outside.requests] == ["/rss"]
        assert inside.requests == []


async def test_an_admin_cannot_add_a_feed_that_points_inside(api: LocalBotApi, admin_app: SokhanApp) -> None:
    for url in ("http://127.1/rss", "http://[::1]:8080/rss", "http://169.254.169.254/latest"):
        reply = await say(api, f"/feed add {url}")
        assert strings.FEED_PROBLEMS[FeedProblem.PRIVATE] in (reply.plain_text or "")
    assert admin_app.bot_data.store is not None
    assert await admin_app.bot_data.store.feeds.all() == []


# -- files ------------------------------------------------------------------------------

SEED_BYTES = SEED_000.read_bytes()


def test_a_utf8_file_with_a_stray_byte_is_read_as_utf8_and_says_so() -> None:
    decoded = decode(SEED_BYTES[:400] + b"\xff" + SEED_BYTES[400:])
    assert (decoded.encoding, decoded.replaced) == ("utf-8", 1)
    assert "فرماندار قدس" in decoded.text


def test_a_file_mixing_encodings_is_refused_not_stored_as_mojibake() -> None:
    mixed = SEED_BYTES + SEED_BYTES.decode().encode("cp1256", errors="replace")
    with pytest.raises(RejectedText) as refused:
        decode(mixed)
    assert refused.value.reason is Rejection.MIXED_ENCODING


def test_windows_1256_only_when_utf8_clearly_fails() -> None:
    assert decode(SEED_BYTES.decode().encode("cp1256", errors="replace")).encoding == "cp1256"
    with pytest.raises(RejectedText):
        decode(bytes(range(128, 256)) * 20)  # neither: Latin-1 symbols where letters would be


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_devices_are_refused_unread() -> None:
    with pytest.raises(RejectedText) as refused:
        read_statement(Path("/dev/zero"))
    assert refused.value.reason is Rejection.NOT_A_FILE


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "statement.txt"
    os.mkfifo(pipe)
    with pytest.raises(RejectedText) as refused:
        read_statement(pipe)
    assert refused.value.reason is Rejection.NOT_A_FILE


# -- fairness -------------------------------------------------------------------------------

async def test_a_flooding_group_does_not_hold_up_a_private_reply(api: LocalBotApi, archive: Path) -> None:
    """300 searches in one group, held to Telegram's 20 replies a minute there, and then one
    user in private: the user is answered at once, and the flood beyond what the group could
    be answered in time is dropped rather than queued for minutes."""
    group = LocalChat.group(-100_950, "گروه پرکار")
    api.add_chat(group, [DEFAULT_USER])
    async with polling(local_app(api, archive, rate_limit=True)) as app:
        for _ in range(300):
            api.user_sends(f"/find@{app.bot.username} اطلاع رسانی", chat=group)
        await api.wait_until(lambda: len(api.sent(group.id)) >= PER_CHAT + BACKLOG, timeout=30)
        reply = await say(api, "/find خامسیان")
        assert "خامسیان" in (reply.plain_text or "")
        assert len(api.sent(group.id)) < 100


# -- heavy work -----------------------------------------------------------------------------

async def test_a_huge_statement_and_a_stalled_feed_do_not_hold_up_a_search(
    api: LocalBotApi, archive: Path
) -> None:
    """An administrator publishes a 1.9 MB statement while a feed's server stalls: a user's
    search is answered before the publishing is done."""
    sentence = "برنامه‌های عمرانی استان با جدیت پیگیری می‌شود و ادامه دارد. "
    paragraph = "استاندار در این نشست گفت: " + sentence * 40
    huge = ("گزارش بسیار بلند\n\n" + "\n\n".join(f"{i}. {paragraph}" for i in range(440))).encode()
    assert 1.5 * 2**20 < len(huge) < 2 * 2**20
    api.add_chat(LocalChat.private(ADMIN_USER), [ADMIN_USER])
    with FeedServer() as server:
        server.set("/rss", b"", delay=30)  # answers nothing for half a minute
        async with polling(local_app(api, archive, admins={ADMIN_USER.id}, feeds_port=server.port,
                                     feeds=(server.url("/rss"),), feed_interval=60.0)):
            await api.wait_until(lambda: server.requests, timeout=20)  # the feed's fetch is under way
            api.user_sends_document("huge.txt", huge, user=ADMIN_USER, mime_type="text/plain")
            reply = await say(api, "/find خامسیان")
            assert "خامسیان" in (reply.plain_text or "")
            assert not any("منتشر شد" in (m.plain_text or "") for m in api.sent(ADMIN_USER.id))
            published = await api.wait_for_reply(ADMIN_USER.id, timeout=120, after_message_id=0)
            assert "منتشر شد" in (published.plain_text or "")
