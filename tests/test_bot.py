"""The bot end to end: the real Application, over HTTP on loopback, against the local
Bot API server, with the seeds in a real SQLite file."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import strings
from bot.app import LOCAL_TOKEN, SokhanApp, build_application, polling
from bot.commands import COMMANDS
from bot.config import Settings
from bot.local import DEFAULT_USER, LocalBotApi, LocalChat
from bot.render import MAX_MESSAGE_CHARS
from storage.ingest import Ingestor
from storage.models import Origin, OriginKind
from tests.conftest import ROOT, SEEDS, local_app, say

ME = DEFAULT_USER.id
GROUP = LocalChat.group(-100_555, "خبرنگاران")


@pytest.fixture
def db(archive: Path) -> Path:
    return archive


@pytest.fixture
async def app(api: LocalBotApi, db: Path) -> AsyncIterator[SokhanApp]:
    async with polling(local_app(api, db)) as application:
        yield application


async def test_start_and_help_list_every_command(api: LocalBotApi, app: Any) -> None:
    welcome = await say(api, "/start")
    help_text = (await say(api, "/help")).plain_text
    public = [c for c in COMMANDS if not c.admin]
    for command in COMMANDS:
        for name in command.names:
            # Administrators' commands are neither listed nor in the menu for everyone else.
            assert (f"/{name}" in welcome.plain_text) is not command.admin
            assert (f"/{name}" in help_text) is not command.admin
    assert api.commands("default", "fa") == [(c.name, c.fa) for c in public]
    assert [name for name, _ in api.commands("default", "")] == [c.name for c in public]


async def test_find_pages_and_opens(api: LocalBotApi, app: Any) -> None:
    page = await say(api, "/find اطلاع رسانی")
    assert "صفحهٔ ۱" in page.plain_text
    assert "<b>اطلاع\u200cرسانی</b>" in page.text  # highlighted, from the display text
    assert len(re.findall(r"^\d+\. ", page.plain_text, re.MULTILINE)) == 5
    labels = [b.text for row in page.buttons for b in row]
    assert "بعدی ◀️" in labels

    api.user_presses(page, "بعدی ◀️")
    second = await api.wait_until(lambda: next(
        (m for m in api.sent(ME) if m.message_id == page.message_id and "صفحهٔ ۲" in m.plain_text), None))
    assert "۶. " in second.plain_text
    assert "۱۹ آذر ۱۴۰۴" in second.plain_text  # seed 003's date, in the Jalali calendar
    assert "▶️ قبلی" in [b.text for row in second.buttons for b in row]

    api.user_presses(second, 0)  # open the first result of page 2
    view = await api.wait_for_reply(ME, after_message_id=second.message_id)
    assert [b.text for row in view.buttons for b in row] == ["خلاصه", "نقل‌قول‌ها", "متن کامل"]
    assert all(len(b.value.encode()) <= 64 for row in view.buttons for b in row)


async def test_full_text_summary_and_quotes_of_an_article(api: LocalBotApi, app: Any) -> None:
    full = await say(api, "/article 1")
    assert full.plain_text.startswith("فرماندار قدس؛")
    assert "ارتباط برقرار کنیم." in full.plain_text
    summary = await say(api, "/summary 1")
    assert "روابط عمومی فرمانداری شهرستان قدس" in summary.plain_text
    api.user_presses(summary, "نقل‌قول‌ها")
    quotes = await api.wait_for_reply(ME, after_message_id=summary.message_id)
    assert quotes.plain_text.count("«") == 8


async def test_quote_by_surname_and_by_title(api: LocalBotApi, app: Any) -> None:
    by_name = await say(api, "/quote گلی کانی")
    assert "وحید گلی کانی" in by_name.plain_text
    assert by_name.plain_text.count("«") == 5  # the first page of eight
    api.user_presses(by_name, "بعدی ◀️")
    page_two = await api.wait_until(lambda: next(
        (m for m in api.sent(ME) if m.message_id == by_name.message_id and "صفحهٔ ۲" in m.plain_text), None))
    assert page_two.plain_text.count("«") == 3
    by_title = await say(api, "/quotes فرماندار قدس")
    assert "وحید گلی کانی" in by_title.plain_text
    assert "start=a1" in by_title.text  # each quote links to its article


async def test_plain_text_is_a_search_in_private_only(api: LocalBotApi, app: Any) -> None:
    reply = await say(api, "خامسیان")
    assert "نتیجه‌های «خامسیان»" in reply.plain_text
    api.add_chat(GROUP, [DEFAULT_USER])
    grouped = await say(api, "/find@sokhan_local_bot خامسیان", chat=GROUP)
    assert "نتیجه‌های «خامسیان»" in grouped.plain_text
    api.user_sends("خامسیان", chat=GROUP)  # chatter in a group is not a query
    api.user_sends("/find@other_bot خامسیان", chat=GROUP)
    marker = await say(api, "/latest", chat=GROUP)
    assert [m.message_id for m in api.sent(GROUP.id)][-2:] == [grouped.message_id, marker.message_id]


async def test_inline_mode_offers_statements(api: LocalBotApi, app: Any) -> None:
    query_id = api.user_inline_query("اطلاع رسانی")
    answer = await api.wait_until(lambda: api.inline_answer(query_id))
    assert 1 <= len(answer.results) <= 50
    first = answer.results[0]
    assert first["type"] == "article"
    assert "start=a" in first["input_message_content"]["message_text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/find", "چه چیزی را جست‌وجو کنم؟"),
        ('/find "', "واژه‌ای برای جست‌وجو نیافتم"),
        ("/find NEAR( AND OR *", "چیزی پیدا نشد"),
        ("/find کتابخانه‌مرکزی‌نیست", "چیزی پیدا نشد"),
        ("/article", "شمارهٔ بیانیه را هم بنویسید"),
        ("/article abc", "«abc» شمارهٔ بیانیه نیست"),
        ("/article 999", "بیانیهٔ شمارهٔ ۹۹۹ پیدا نشد"),
        ("/summary ۱", "روابط عمومی"),  # Persian digits are ids too
        ("/quote", "نام یا سمت سخنگو را بنویسید"),
        ("/quote ناشناس", "سخنگویی با نام یا سمت «ناشناس» نیافتم"),
        ("/nonsense", "فرمان «/nonsense» را نمی‌شناسم"),
        ("/find <b>bold</b> & <script>", "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;"),
    ],
)
async def test_bad_input_gets_a_helpful_reply(api: LocalBotApi, app: Any, text: str, expected: str) -> None:
    reply = await say(api, text)
    assert expected in reply.text


async def test_long_queries_and_floods_are_answered(api: LocalBotApi, app: Any) -> None:
    reply = await say(api, "/find " + "اطلاع رسانی " * 60)
    assert "تنها ۲۵۶ نویسهٔ نخست" in reply.plain_text or "256" in reply.plain_text
    before = len(api.sent(ME))
    for i in range(30):
        api.user_sends(f"طرح {i}")
    await api.wait_until(lambda: len(api.sent(ME)) >= before + 30 or None, timeout=20)
    assert all(len(m.plain_text) <= MAX_MESSAGE_CHARS for m in api.sent(ME))


async def test_the_token_never_reaches_the_logs(
    api: LocalBotApi, app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await say(api, "/latest")
    assert caplog.records  # the bot did log, at every level
    assert LOCAL_TOKEN not in caplog.text
    assert all(LOCAL_TOKEN not in str(record.args) for record in caplog.records)


def test_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        for name in command.names:
            assert f"/{name}" in readme, name


async def test_a_failing_handler_gets_a_polite_reply(api: LocalBotApi, app: SokhanApp,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    store = app.bot_data.store
    assert store is not None
    await store.close()  # a real failure: the database connection is gone
    reply = await say(api, "/find خامسیان")
    assert reply.plain_text == "متأسفم، در پاسخ به این پیام خطایی پیش آمد. لطفاً کمی بعد دوباره امتحان کنید."
    assert any(record.exc_info for record in caplog.records if record.name == "bot.handlers.errors")
    app.bot_data.store = None  # already closed; post_shutdown has nothing left to do


def _local_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOKHAN_", "TELEGRAM_"))}
    return env | {"PYTHONPATH": str(ROOT), "SOKHAN_SEEDS": str(SEEDS), "SOKHAN_LOG_LEVEL": "INFO"}


def test_local_mode_from_the_command_line(tmp_path: Path) -> None:
    """``sokhan run`` with no token: seeds loaded, the bot local, a chat on stdin/stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], input="/find اطلاع رسانی\n/quote خامسیان\n/help\n/quit\n",
        capture_output=True, text=True, env=_local_env(), cwd=tmp_path, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "2 statements in data/sokhan.db" in done.stdout
    assert "نتیجه‌های «اطلاع رسانی»" in done.stdout
    assert "[1] 📄 ۱" in done.stdout  # buttons, numbered for pressing
    assert "نقل‌قول‌های علیرضا خامسیان" in done.stdout
    assert strings.HELP_TITLE.removeprefix("<b>").removesuffix("</b>") in done.stdout
    assert "@sokhan_local_bot" not in done.stdout.split("فرمان‌های سخن")[-1]  # no inline mode offered
    assert done.stdout.rstrip().endswith(strings.TERMINAL_BYE)
    # The log went to its file, and the terminal was told where; none of it between the messages.
    log = tmp_path / "data" / "sokhan.log"
    assert strings.TERMINAL_LOG.format(path=Path("data") / "sokhan.log") in done.stdout
    assert "INFO" in log.read_text(encoding="utf-8")
    assert " INFO " not in done.stdout + done.stderr.split("No TELEGRAM_BOT_TOKEN")[-1]


def test_local_mode_leaves_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=_local_env(), cwd=tmp_path)
    assert process.stdout is not None
    try:
        for line in process.stdout:  # the chat is open once it has said where the log goes
            if "گزارش کار بات" in line:
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert out.rstrip().endswith(strings.TERMINAL_BYE)


async def test_webhook_mode(api: LocalBotApi, db: Path) -> None:
    """Updates posted to the bot's webhook server reach the same handlers."""
    application = build_application(Settings(db_path=db), base_url=api.base_url,
                                     base_file_url=api.base_file_url, rate_limit=False)
    api.add_chat(LocalChat.private(DEFAULT_USER), [DEFAULT_USER])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with application:
        assert application.post_init is not None
        await application.post_init(application)
        await application.start()
        assert application.updater is not None
        public = "https://statements.example/hook"  # what Telegram would call, behind a proxy
        await application.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook",
                                                webhook_url=public)
        url = f"http://127.0.0.1:{port}/hook"
        try:
            assert api.calls("setWebhook")[-1].params["url"] == public
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": 0, "text": "/find خامسیان",
                "chat": {"id": ME, "type": "private"},
                "from": {"id": ME, "is_bot": False, "first_name": DEFAULT_USER.first_name},
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            }}
            async with httpx.AsyncClient() as client:
                response = await client.post(url, json=update)
            assert response.status_code == 200
            reply = await api.wait_until(lambda: next(iter(api.sent(ME)), None), timeout=10)
            assert "نتیجه‌های «خامسیان»" in reply.plain_text
        finally:
            await application.updater.stop()
            await application.stop()
            if application.post_shutdown:
                await application.post_shutdown(application)


async def test_a_very_long_statement_comes_as_its_opening_and_then_a_file(
    api: LocalBotApi, app: SokhanApp
) -> None:
    paragraph = "استاندار گفت: " + "این طرح برای همه شهروندان استان اجرا می‌شود و گسترش می‌یابد. " * 60
    text = "گزارش بلند\n\n" + "\n\n".join(f"{i}. {paragraph}" for i in range(60))
    store = app.bot_data.store
    assert store is not None
    result = await Ingestor(store).ingest_text(text, Origin(OriginKind.TEXT, "long"))
    assert result.article_id is not None
    before = len(api.sent(ME))
    await say(api, f"/full {result.article_id}")
    await api.wait_until(lambda: any(m.document for m in api.sent(ME)[before:]), timeout=20)
    sent = api.sent(ME)[before:]
    assert len(sent) == 4  # three messages of the opening, then the file
    assert sent[-1].text == "این بیانیه بلند است؛ متن کامل آن در این پرونده است."
    assert [b.text for b in sent[-1].flat_buttons] == ["خلاصه", "نقل‌قول‌ها", "متن کامل"]
    assert sent[-1].document_id is not None
    whole = api.file_bytes(sent[-1].document_id).decode()
    assert whole.startswith("گزارش بلند")
    assert whole.count("این طرح برای همه شهروندان") == 60 * 60


async def test_a_one_sentence_statement_is_not_shown_twice(api: LocalBotApi, app: SokhanApp) -> None:
    store = app.bot_data.store
    assert store is not None
    text = "ساعت کار ادارات استان فردا به دلیل سرمای هوا از ساعت ده آغاز می‌شود."
    result = await Ingestor(store).ingest_text(text, Origin(OriginKind.TEXT, "one-line"))
    reply = await say(api, f"/summary {result.article_id}")
    assert (reply.plain_text or "").count("ساعت کار ادارات استان فردا") == 1  # once, not as headline too


async def test_a_cut_query_says_so_even_when_nothing_is_found(api: LocalBotApi, app: SokhanApp) -> None:
    reply = await say(api, "/find " + "ناپیدا " * 60)
    assert "تنها ۲۵۶ نویسهٔ نخست" in (reply.plain_text or "")
    assert "…" in (reply.plain_text or "")  # the query echoed is cut at a word


async def test_the_example_names_the_command_typed(api: LocalBotApi, app: SokhanApp) -> None:
    assert "/full 1" in (await say(api, "/full")).plain_text
    assert "/article 1" in (await say(api, "/article")).plain_text


async def test_reported_speech_comes_after_the_speakers_own_words(api: LocalBotApi, app: SokhanApp) -> None:
    store = app.bot_data.store
    assert store is not None
    newer = ("date 2025-02-01\nمهدی صالحی مدیرکل بنادر استان گفت که پهلوگیری کشتی‌ها تا فردا متوقف است.\n"
             "وی گفت: اسکله‌ها آماده‌اند.\n")
    older = "date 2024-01-01\nمهدی صالحی مدیرکل بنادر استان گفت: کار ادامه دارد.\n"
    for i, text in enumerate((older, newer)):
        await Ingestor(store).ingest_text(text, Origin(OriginKind.TEXT, f"ports-{i}"))
    reply = await say(api, "/quote مهدی صالحی")
    text = reply.plain_text or ""
    own = [text.index("«اسکله‌ها آماده‌اند.»"), text.index("«کار ادامه دارد.»")]
    reported = text.index("به نقل به مضمون: پهلوگیری کشتی‌ها تا فردا متوقف است.")
    assert own[0] < own[1] < reported  # the speaker's own words first, newest first
    assert "«پهلوگیری" not in text  # the reporter's words are never set in «»
