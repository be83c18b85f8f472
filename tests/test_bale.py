"""The bot on Bale: the same application against the local Bot API in its Bale mode, which
refuses what Bale lacks (parse_mode, inline mode, command menus, a webhook secret token)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import SokhanApp, polling
from bot.local import DEFAULT_USER, LocalBotApi, LocalChat, LocalUser
from bot.platform import BALE, TELEGRAM, platform_for
from storage.db.store import Store
from tests.conftest import ROOT, SEED_000, SEEDS, local_app, say

ME = DEFAULT_USER.id
ADMIN = LocalUser(7, "مدیر")


@pytest.fixture
async def bale() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(bale=True) as server:
        yield server


@pytest.fixture
async def app(bale: LocalBotApi, archive: Path) -> AsyncIterator[SokhanApp]:
    async with polling(local_app(bale, archive, admins={ADMIN.id}, platform="bale")) as application:
        yield application


def test_the_platform_follows_the_api_address_unless_named() -> None:
    assert platform_for(None, "https://tapi.bale.ai/bot") is BALE
    assert platform_for(None, "https://api.telegram.org/bot") is TELEGRAM
    assert platform_for("bale", "http://127.0.0.1:8081/bot") is BALE
    assert BALE.deep_link("sokhan_bot", "a12") == "https://ble.ir/sokhan_bot?start=a12"
    assert TELEGRAM.deep_link("sokhan_bot", "a12") == "https://t.me/sokhan_bot?start=a12"


def _refused(api: LocalBotApi) -> list[str]:
    return [c.method for c in api.requests if c.status >= 400]


async def test_everything_is_plain_text_and_nothing_bale_lacks_is_asked_for(
    bale: LocalBotApi, app: SokhanApp
) -> None:
    start = await say(bale, "/start")
    help_text = await say(bale, "/help")
    found = await say(bale, "/find اطلاع رسانی")
    summary = await say(bale, "/summary 2")
    quotes = await say(bale, "/quote خامسیان")
    for message in (start, help_text, found, summary, quotes):
        assert message.parse_mode is None
        assert "<b>" not in (message.text or "")
        assert "&lt;" not in (message.text or "")
    assert "@" not in (help_text.text or "")  # no inline mode to offer
    assert "https://ble.ir/sokhan_local_bot?start=a2" in (quotes.text or "")  # the link, written out
    assert "نتیجه‌های «اطلاع رسانی»" in (found.text or "")
    assert bale.calls("setMyCommands") == []
    assert _refused(bale) == []


async def test_paging_and_bulletins_on_bale(bale: LocalBotApi, app: SokhanApp) -> None:
    page = await say(bale, "/find اطلاع رسانی")
    bale.user_presses(page, "بعدی ◀️")
    edited = await bale.wait_until(lambda: next((m for m in bale.sent(ME) if m.edited), None), timeout=10)
    assert "صفحهٔ ۲" in (edited.text or "")
    reader = LocalUser(300, "خواننده")
    bale.add_chat(LocalChat.private(reader), [reader])
    await say(bale, "/subscribe", user=reader)
    await say(bale, f"/publish {SEED_000.read_text(encoding='utf-8')}", user=ADMIN)
    bulletin = await bale.wait_until(lambda: next(
        (m for m in bale.sent(reader.id) if "بیانیهٔ تازه" in (m.text or "")), None), timeout=20)
    assert bulletin.parse_mode is None
    assert "<b>" not in (bulletin.text or "")
    # A photo post: its bulletin is the photo, the caption plain text too.
    bale.user_sends_photo(b"\xff\xd8 photo", user=ADMIN,
                          caption="دیدار استاندار\n\nاستاندار گفت: آب کشاورزی به موقع تحویل داده می‌شود.")
    photo = await bale.wait_until(lambda: next((m for m in bale.sent(reader.id) if m.photo), None),
                                  timeout=20)
    assert photo.parse_mode is None
    assert (photo.text or "").startswith("🔔 بیانیهٔ تازه")
    assert "<b>" not in (photo.text or "")
    assert _refused(bale) == []


async def test_bales_webhook_is_kept_by_a_secret_path(bale: LocalBotApi, tmp_path: Path) -> None:
    """``sokhan run`` on Bale with a webhook: no secret_token (Bale has none), the path is the
    secret instead, and a POST anywhere else is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    bale.add_chat(LocalChat.private(DEFAULT_USER), [DEFAULT_USER])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOKHAN_", "TELEGRAM_"))}
    env |= {"PYTHONPATH": str(ROOT), "SOKHAN_SEEDS": str(SEEDS), "SOKHAN_DB": str(tmp_path / "s.db"),
            "TELEGRAM_BOT_TOKEN": "42:bale-token", "TELEGRAM_API_BASE_URL": bale.base_url,
            "SOKHAN_PLATFORM": "bale", "TELEGRAM_WEBHOOK_URL": "https://statements.example/hook",
            "TELEGRAM_WEBHOOK_PORT": str(port)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        await bale.wait_until(lambda: bale.calls("setWebhook"), timeout=60)
        (call,) = bale.calls("setWebhook")
        assert "secret_token" not in call.params
        secret = call.params["url"].rsplit("/", 1)[1]
        assert len(secret) >= 32
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": 0, "text": "/find خامسیان", "chat": {"id": ME, "type": "private"},
            "from": {"id": ME, "is_bot": False, "first_name": "x"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
        async with httpx.AsyncClient(trust_env=False) as client:
            assert (await client.post(f"http://127.0.0.1:{port}/", json=update)).status_code >= 400
            assert (await client.post(f"http://127.0.0.1:{port}/x{secret}", json=update)).status_code >= 400
            assert (await client.post(f"http://127.0.0.1:{port}/{secret}", json=update)).status_code == 200
        reply = await bale.wait_for_reply(ME, timeout=20, after_message_id=0)
        assert "خامسیان" in (reply.text or "")
        assert len(bale.sent(ME)) == 1  # the posts to other paths did nothing
    finally:
        process.terminate()
        await process.communicate()
    async with await Store.open(tmp_path / "s.db") as store:
        assert await store.count_articles() == 2
