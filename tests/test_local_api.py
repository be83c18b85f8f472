"""The local Bot API server and the terminal chat, driven by the real python-telegram-bot over loopback."""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    MessageEntity,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.local import DEFAULT_USER, Button, LocalBotApi, LocalChat, LocalUser, parse_html
from bot.terminal import TerminalChat, prompt_lines, render_buttons, render_text, wrap
from storage.text.letters import persian_digits

TOKEN = "123:local"  # noqa: S105 - any token works against the local server
ME = DEFAULT_USER.id
GROUP = LocalChat.group(-100_123, "گروه آزمایش")
CHANNEL = LocalChat.channel(-100_777, "کانال خبر", username="sokhan_news")
START_TEXT = "سلام <b>دنیا</b> &amp; <a href=\"https://example.com/a\">پیوند</a>"
START_KEYBOARD = InlineKeyboardMarkup([
    [InlineKeyboardButton("خلاصه", callback_data="s:1"),
     InlineKeyboardButton("نقل‌قول‌ها", callback_data="q:1")],
    [InlineKeyboardButton("منبع", url="https://example.com/a")],
])


# --- a tiny bot, defined here so these tests depend on nothing but the server ---


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with an inline keyboard."""
    assert update.effective_message
    await update.effective_message.reply_html(START_TEXT, reply_markup=START_KEYBOARD)


async def find(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes the command's arguments."""
    assert update.effective_message
    await update.effective_message.reply_text("جست‌وجو: " + " ".join(context.args or []))


async def send_doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Uploads a small document."""
    assert update.effective_message
    await update.effective_message.reply_document(
        b"report body", filename="گزارش.txt", caption="<b>گزارش</b>", parse_mode=ParseMode.HTML)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the press and puts the button's data in place of the text (dropping the keyboard)."""
    query = update.callback_query
    assert query
    await query.answer(f"باشد {query.data}")
    await query.edit_message_text(f"<i>{query.data}</i>", parse_mode=ParseMode.HTML)


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers three articles for any query, each with a button."""
    assert update.inline_query
    text = update.inline_query.query
    await update.inline_query.answer([
        InlineQueryResultArticle(
            str(n), f"{text} {n}", InputTextMessageContent(f"<b>{text}</b> {n}", parse_mode=ParseMode.HTML),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("خلاصه", callback_data=f"s:{n}")]]),
        )
        for n in range(3)
    ])


async def document_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads what the user uploaded and reports it."""
    assert update.effective_message
    assert update.effective_message.document
    document = update.effective_message.document
    data = await (await document.get_file()).download_as_bytearray()
    await update.effective_message.reply_text(f"{document.file_name}: {len(data)} {data.decode()[:40]}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats plain text."""
    assert update.effective_message
    assert update.effective_message.text
    await update.effective_message.reply_text(update.effective_message.text)


def build_app(api: LocalBotApi) -> Application[Any, Any, Any, Any, Any, Any]:
    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).base_file_url(api.base_file_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("find", find))
    app.add_handler(CommandHandler("doc", send_doc))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(InlineQueryHandler(inline))
    app.add_handler(MessageHandler(filters.Document.ALL, document_received))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@pytest.fixture
async def app(api: LocalBotApi) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The application polling the local server, as in production."""
    application = build_app(api)
    async with application:
        await application.start()
        assert application.updater
        await application.updater.start_polling(poll_interval=0)
        yield application
        await application.updater.stop()
        await application.stop()


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Any]:
    """An initialized bot that does not poll, for calling methods directly; the user's chat is known."""
    application = build_app(api)
    api.add_chat(LocalChat.private(DEFAULT_USER), [DEFAULT_USER])
    async with application:
        yield application.bot


# --- identity and HTTP ---


async def test_get_me_gives_the_local_bot(bot: Any) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (1000, "sokhan_local_bot", True)
    assert me.supports_inline_queries


async def test_answers_are_telegram_json(api: LocalBotApi) -> None:
    async with httpx.AsyncClient(base_url=api.base_url.removesuffix("/bot")) as client:
        ok = await client.post(f"/bot{TOKEN}/getMe")
        unknown = await client.post(f"/bot{TOKEN}/frobnicate")
        missing_chat = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": 5, "text": "x"})
        lowercase = await client.get(f"/bot{TOKEN}/getme")
    assert ok.status_code == 200
    assert ok.json()["ok"] is True
    assert ok.json()["result"]["username"] == "sokhan_local_bot"
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert missing_chat.status_code == 400
    assert missing_chat.json() == {
        "ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    assert lowercase.json()["result"]["id"] == 1000


async def test_chunked_bodies_and_closing_connections(api: LocalBotApi) -> None:
    api.add_chat(LocalChat.private(DEFAULT_USER))

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"chat_id": %d, ' % ME
        yield '"text": "تکه‌تکه"}'.encode()

    async with httpx.AsyncClient(base_url=api.base_url.removesuffix("/bot")) as client:
        sent = await client.post(f"/bot{TOKEN}/sendMessage", content=chunks(),
                                 headers={"Content-Type": "application/json", "Connection": "close"})
    assert sent.request.headers["transfer-encoding"] == "chunked"
    assert sent.headers["connection"] == "close"
    assert sent.json()["result"]["text"] == "تکه‌تکه"
    assert api.calls("sendMessage")[0].params == {"chat_id": ME, "text": "تکه‌تکه"}


async def test_unknown_method_is_404_for_the_real_client(bot: Any) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("frobnicate")


async def test_request_log_and_logs_never_hold_the_token(
    api: LocalBotApi, bot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.local")
    await bot.send_message(ME, "سلام")
    assert [call.method for call in api.requests] == ["getMe", "sendMessage"]
    assert api.calls("sendMessage")[0].params == {"chat_id": str(ME), "text": "سلام"}
    assert "sendMessage" in caplog.text
    assert TOKEN not in repr(api.requests)
    assert TOKEN not in caplog.text


# --- updates reaching handlers ---


async def test_command_reaches_its_handler(api: LocalBotApi, app: Any) -> None:
    api.user_sends("/find اطلاع رسانی")
    reply = await api.wait_for_reply(ME)
    assert reply.text == "جست‌وجو: اطلاع رسانی"


async def test_group_command_with_the_bots_username(api: LocalBotApi, app: Any) -> None:
    api.user_sends("/find@other_bot نه", chat=GROUP)
    api.user_sends("/find@sokhan_local_bot خبر", chat=GROUP)
    await api.wait_for_reply(GROUP.id)
    # Updates are handled in order, so the first command was already passed over.
    assert [message.text for message in api.sent(GROUP.id)] == ["جست‌وجو: خبر"]
    assert api.sent(GROUP.id)[0].reply_to == 2


async def test_plain_text_is_echoed(api: LocalBotApi, app: Any) -> None:
    api.user_sends("سلام 👋 دنیا")
    assert (await api.wait_for_reply(ME)).text == "سلام 👋 دنیا"


async def test_keyboard_press_answers_and_edits(api: LocalBotApi, app: Any) -> None:
    api.user_sends("/start")
    greeting = await api.wait_for_reply(ME)
    assert greeting.plain_text == "سلام دنیا & پیوند"
    assert greeting.buttons == (
        (("خلاصه", "s:1"), ("نقل‌قول‌ها", "q:1")),
        (("منبع", "https://example.com/a"),),
    )
    with pytest.raises(ValueError, match="no callback query"):
        api.user_presses(greeting, "منبع")
    api.user_presses(greeting, "نقل‌قول‌ها")
    edited = await api.wait_until(lambda: next((m for m in api.sent(ME) if m.edited), None))
    assert (edited.message_id, edited.text, edited.plain_text) == (greeting.message_id, "<i>q:1</i>", "q:1")
    assert edited.buttons == ()  # an edit without reply_markup drops the keyboard, as in Telegram
    assert [answer.text for answer in api.callback_answers] == ["باشد q:1"]
    with pytest.raises(LookupError):
        api.user_presses(edited, 0)


async def test_inline_query_answer_is_recorded_and_its_message_edited(api: LocalBotApi, app: Any) -> None:
    query_id = api.user_inline_query("گلی کانی")
    results = await api.wait_until(lambda: api.inline_answers(query_id))
    assert [result["title"] for result in results] == ["گلی کانی 0", "گلی کانی 1", "گلی کانی 2"]
    api.user_chooses_inline_result(query_id, "1")
    posted = api.sent(ME)[-1]
    assert (posted.from_bot, posted.text, posted.plain_text) == (False, "<b>گلی کانی</b> 1", "گلی کانی 1")
    assert posted.inline_message_id
    api.user_presses(posted, "خلاصه")
    edited = await api.wait_until(lambda: api.sent(ME)[-1].edited and api.sent(ME)[-1])
    assert (edited.inline_message_id, edited.plain_text) == (posted.inline_message_id, "s:1")
    assert api.calls("editMessageText")[-1].params["inline_message_id"] == posted.inline_message_id


async def test_user_document_can_be_downloaded_by_the_bot(api: LocalBotApi, app: Any) -> None:
    api.user_sends_document("نامه.txt", "متن نامه".encode())
    reply = await api.wait_for_reply(ME)
    assert reply.text == f"نامه.txt: {len('متن نامه'.encode())} متن نامه"


async def test_bot_document_upload_keeps_name_and_size(api: LocalBotApi, app: Any) -> None:
    api.user_sends("/doc")
    sent = await api.wait_for_reply(ME)
    assert (sent.document, sent.text, sent.plain_text) == ("گزارش.txt", "<b>گزارش</b>", "گزارش")


async def test_send_document_multipart_round_trip(api: LocalBotApi, bot: Any) -> None:
    name = 'گزارش "ویژه" \\ نهایی.txt'
    message = await bot.send_document(ME, b"x" * 1234, filename=name)
    assert (message.document.file_name, message.document.file_size) == (name, 1234)
    downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"x" * 1234
    again = await bot.send_document(ME, message.document.file_id)
    assert again.document.file_unique_id == message.document.file_unique_id


# --- sendMessage and edits, called directly ---


async def test_send_message_returns_a_telegram_message(api: LocalBotApi, bot: Any) -> None:
    api.user_sends("پرسش")
    asked = api.last_user_message_id(ME)
    message = await bot.send_message(
        ME, "<b>سلام</b> 👋 <a href=\"https://example.com\">دنیا</a>", parse_mode=ParseMode.HTML,
        reply_markup=START_KEYBOARD, link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_parameters=ReplyParameters(message_id=asked),
    )
    assert message.text == "سلام 👋 دنیا"
    assert message.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 4),
        MessageEntity(MessageEntity.TEXT_LINK, 8, 4, url="https://example.com"),  # 👋 is two UTF-16 units
    )
    assert message.text_html == "<b>سلام</b> 👋 <a href=\"https://example.com\">دنیا</a>"
    assert (message.from_user.id, message.chat.id, message.message_id) == (1000, ME, asked + 1)
    assert message.reply_to_message.text == "پرسش"
    assert message.link_preview_options.is_disabled
    assert message.reply_markup == START_KEYBOARD
    assert api.sent(ME)[-1].buttons[1] == (("منبع", "https://example.com/a"),)


async def test_thread_id_is_kept_in_groups(api: LocalBotApi, bot: Any) -> None:
    api.add_chat(GROUP)
    message = await bot.send_message(GROUP.id, "موضوع", message_thread_id=7)
    assert message.message_thread_id == 7
    assert api.sent(GROUP.id)[-1].thread_id == 7


async def test_edit_delete_and_their_errors(api: LocalBotApi, bot: Any) -> None:
    message = await bot.send_message(ME, "یک", reply_markup=START_KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("یک", ME, message.message_id, reply_markup=START_KEYBOARD)
    await bot.edit_message_reply_markup(ME, message.message_id, reply_markup=None)
    assert api.sent(ME)[-1].buttons == ()
    edited = await bot.edit_message_text("دو", ME, message.message_id)
    assert (edited.text, edited.edit_date is not None) == ("دو", True)
    assert await bot.delete_message(ME, message.message_id)
    assert api.sent(ME) == []
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("سه", ME, message.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ME, message.message_id)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(ME, "پاسخ", reply_parameters=ReplyParameters(message_id=999))


async def test_unknown_chat_is_not_found(bot: Any) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(424242, "سلام")


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("ب" * 4096, None, None),
        ("ب" * 4097, None, "Message is too long"),
        ("<b>" + "ب" * 4096 + "</b>", ParseMode.HTML, None),  # counted after the markup is parsed
        ("<b>" + "ب" * 4097 + "</b>", ParseMode.HTML, "Message is too long"),
        ("   ", None, "Message text is empty"),
        ("<b> </b>", ParseMode.HTML, "Message text is empty"),
    ],
)
async def test_text_length_limits(bot: Any, text: str, parse_mode: str | None, error: str | None) -> None:
    if error is None:
        assert (await bot.send_message(ME, text, parse_mode=parse_mode)).message_id > 0
    else:
        with pytest.raises(BadRequest, match=f"^{error}$"):
            await bot.send_message(ME, text, parse_mode=parse_mode)


@pytest.mark.parametrize(
    ("data", "accepted"),
    [("a" * 64, True), ("a" * 65, False), ("ب" * 32, True), ("ب" * 33, False)],  # bytes, not characters
)
async def test_callback_data_limit(bot: Any, data: str, accepted: bool) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("دکمه", callback_data=data)]])
    if accepted:
        await bot.send_message(ME, "دکمه", reply_markup=keyboard)
    else:
        with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
            await bot.send_message(ME, "دکمه", reply_markup=keyboard)


# --- queries, commands, chats ---


async def test_inline_answer_limits(api: LocalBotApi, bot: Any) -> None:
    def articles(count: int) -> list[InlineQueryResultArticle]:
        return [InlineQueryResultArticle(str(n), f"t{n}", InputTextMessageContent("x")) for n in range(count)]

    too_many = api.user_inline_query("الف")
    with pytest.raises(BadRequest, match="Results_too_much"):
        await bot.answer_inline_query(str(too_many), articles(51))
    fifty = api.user_inline_query("ب")
    assert await bot.answer_inline_query(str(fifty), articles(50), next_offset="50", cache_time=0)
    answer = api.inline_answer(fifty)
    assert answer is not None
    assert (len(answer.results), answer.next_offset, answer.cache_time) == (50, "50", 0)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_inline_query(str(fifty), articles(1))


async def test_callback_query_can_be_answered_once(api: LocalBotApi, bot: Any) -> None:
    message = await bot.send_message(ME, "دکمه", reply_markup=START_KEYBOARD)
    query_id = api.user_presses(api.sent(ME)[0], 0)
    assert message.message_id == api.sent(ME)[0].message_id
    assert await bot.answer_callback_query(str(query_id), "هشدار", show_alert=True)
    assert api.callback_answers[0].show_alert
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(str(query_id))


async def test_commands_are_stored_per_scope_and_language(api: LocalBotApi, bot: Any) -> None:
    persian = [BotCommand("find", "جست‌وجو"), BotCommand("help", "راهنما")]
    await bot.set_my_commands(persian, language_code="fa")
    await bot.set_my_commands([("find", "search")])
    await bot.set_my_commands([("latest", "newest")], scope=BotCommandScopeAllGroupChats())
    assert api.commands(language_code="fa") == [("find", "جست‌وجو"), ("help", "راهنما")]
    assert api.commands() == [("find", "search")]
    assert api.commands("all_group_chats") == [("latest", "newest")]
    assert [c.command for c in await bot.get_my_commands(language_code="fa")] == ["find", "help"]
    assert await bot.delete_my_commands(language_code="fa")
    assert api.commands(language_code="fa") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Find!", "bad")])


async def test_chat_members_and_leaving(api: LocalBotApi, bot: Any) -> None:
    owner, admin, member = (LocalUser(n, f"user{n}") for n in (1, 2, 3))
    api.add_chat(GROUP, [owner, admin, member])
    api.set_admins(GROUP.id, [admin.id], owner_id=owner.id)
    admins = await bot.get_chat_administrators(GROUP.id)
    assert [(m.user.id, m.status) for m in admins] == [
        (1, ChatMemberStatus.OWNER), (2, ChatMemberStatus.ADMINISTRATOR)]
    assert (await bot.get_chat_member(GROUP.id, member.id)).status == ChatMemberStatus.MEMBER
    chat = await bot.get_chat(GROUP.id)
    assert (chat.title, chat.type) == ("گروه آزمایش", "supergroup")
    with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
        await bot.get_chat_administrators(ME)
    assert await bot.send_chat_action(GROUP.id, "typing")
    assert await bot.leave_chat(GROUP.id)
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await bot.send_message(GROUP.id, "هنوز اینجام؟")


# --- channels and forwarded messages ---


async def test_channel_post_reaches_the_bot_without_a_sender(api: LocalBotApi, bot: Any) -> None:
    update_id = api.user_posts_in_channel("/find@sokhan_local_bot خبر", chat=CHANNEL, author_signature="دبیر")
    (update,) = await bot.get_updates()
    post = update.channel_post
    assert (update.update_id, update.message) == (update_id, None)
    assert (post.chat.id, post.chat.type, post.chat.username) == (CHANNEL.id, "channel", "sokhan_news")
    assert (post.sender_chat.id, post.from_user, post.author_signature) == (CHANNEL.id, None, "دبیر")
    assert post.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 22),)
    assert update.effective_chat.id == CHANNEL.id
    with pytest.raises(ValueError, match="not a channel"):
        api.user_posts_in_channel("سلام", chat=GROUP)
    with pytest.raises(ValueError, match="user_posts_in_channel"):
        api.user_sends("سلام", chat=CHANNEL)


async def test_bot_posts_in_a_channel_as_the_channel(api: LocalBotApi, bot: Any) -> None:
    api.add_chat(CHANNEL)
    by_id = await bot.send_message(CHANNEL.id, "بیانیهٔ تازه")
    by_username = await bot.send_message("@Sokhan_News", "دومی")  # usernames ignore case
    assert (by_id.sender_chat.id, by_id.from_user, by_id.chat.type) == (CHANNEL.id, None, "channel")
    assert by_username.message_id == by_id.message_id + 1
    assert [m.text for m in api.sent(CHANNEL.id)] == ["بیانیهٔ تازه", "دومی"]
    me = await bot.get_chat_member(CHANNEL.id, api.bot.id)
    assert (me.status, me.can_post_messages) == (ChatMemberStatus.ADMINISTRATOR, True)
    assert [m.user.id for m in await bot.get_chat_administrators(CHANNEL.id)] == [api.bot.id]


async def test_forwarded_channel_post_has_a_channel_origin(api: LocalBotApi, bot: Any) -> None:
    api.user_posts_in_channel("متن اصلی", chat=CHANNEL)
    (posted,) = await bot.get_updates()
    original_id = posted.channel_post.message_id
    api.user_forwards("/start متن اصلی", origin_chat=CHANNEL, origin_message_id=original_id,
                      author_signature="دبیر")
    (update,) = await bot.get_updates(offset=posted.update_id + 1)
    message = update.message
    origin = message.forward_origin
    assert isinstance(origin, MessageOriginChannel)
    assert (origin.chat.id, origin.chat.title, origin.message_id) == (CHANNEL.id, "کانال خبر", original_id)
    assert (origin.date, origin.author_signature) == (posted.channel_post.date, "دبیر")
    assert (message.from_user.id, message.chat.id, message.text) == (ME, ME, "/start متن اصلی")
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert message.api_kwargs == {}  # nothing PTB does not know


async def test_forwards_from_users_chats_and_with_documents(api: LocalBotApi, bot: Any) -> None:
    other = LocalUser(7, "دیگری", username="other")
    api.user_forwards("از کاربر", origin_user=other)
    api.user_forwards("پنهان", origin_hidden_user="ناشناس")
    api.user_forwards("از گروه", origin_chat=GROUP, chat=GROUP)
    api.user_forwards("پیوست", origin_chat=CHANNEL, origin_message_id=9, document=("نامه.txt", b"abc"))
    from_user, hidden, from_group, with_document = (u.message for u in await bot.get_updates())
    assert isinstance(from_user.forward_origin, MessageOriginUser)
    assert from_user.forward_origin.sender_user.username == "other"
    assert isinstance(hidden.forward_origin, MessageOriginHiddenUser)
    assert hidden.forward_origin.sender_user_name == "ناشناس"
    assert isinstance(from_group.forward_origin, MessageOriginChat)
    assert (from_group.forward_origin.sender_chat.id, from_group.chat.id) == (GROUP.id, GROUP.id)
    assert isinstance(with_document.forward_origin, MessageOriginChannel)
    assert (with_document.document.file_name, with_document.caption) == ("نامه.txt", "پیوست")
    assert bytes(await (await with_document.document.get_file()).download_as_bytearray()) == b"abc"


@pytest.mark.parametrize(
    ("origins", "error"),
    [
        ({}, "exactly one"),
        ({"origin_user": DEFAULT_USER, "origin_hidden_user": "x"}, "exactly one"),
        ({"origin_chat": CHANNEL}, "origin_message_id"),
        ({"origin_chat": LocalChat.private(DEFAULT_USER)}, "origin_user"),
    ],
)
async def test_forward_needs_one_complete_origin(
    api: LocalBotApi, origins: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        api.user_forwards("متن", **origins)


# --- the bot blocked, removed, migrated ---


async def test_blocked_bot_is_forbidden_and_told(api: LocalBotApi, bot: Any) -> None:
    blocked = api.user_blocks_bot(ME)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(ME, "سلام")
    with pytest.raises(ValueError, match="blocked the bot"):
        api.user_sends("سلام")
    (update,) = await bot.get_updates()
    change = update.my_chat_member
    assert update.update_id == blocked
    assert (change.chat.id, change.chat.type, change.from_user.id) == (ME, "private", ME)
    assert (change.old_chat_member.status, change.new_chat_member.status) == (
        ChatMemberStatus.MEMBER, ChatMemberStatus.BANNED)
    assert change.new_chat_member.user.id == api.bot.id
    assert change.new_chat_member.until_date == dtm.datetime.fromtimestamp(0, dtm.UTC)
    api.user_unblocks_bot(ME)
    (back,) = await bot.get_updates(offset=update.update_id + 1)
    assert (back.my_chat_member.old_chat_member.status, back.my_chat_member.new_chat_member.status) == (
        ChatMemberStatus.BANNED, ChatMemberStatus.MEMBER)
    assert (await bot.send_message(ME, "دوباره")).text == "دوباره"
    with pytest.raises(ValueError, match="has not blocked"):
        api.user_unblocks_bot(ME)


async def test_blocked_answer_is_telegrams_json(api: LocalBotApi) -> None:
    api.add_chats([LocalChat.private(DEFAULT_USER)])
    api.user_blocks_bot(ME)
    async with httpx.AsyncClient(base_url=api.base_url.removesuffix("/bot")) as client:
        answer = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": ME, "text": "x"})
    assert (answer.status_code, answer.json()) == (
        403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})


async def test_deactivated_user_is_forbidden_without_an_update(api: LocalBotApi, bot: Any) -> None:
    api.deactivate_user(ME)
    with pytest.raises(Forbidden, match=r"^Forbidden: user is deactivated$"):
        await bot.send_message(ME, "سلام")
    assert await bot.get_updates() == ()
    with pytest.raises(LookupError):
        api.deactivate_user(424242)


@pytest.mark.parametrize(
    ("chat", "status", "refusal"),
    [
        (LocalChat.group(-55, "گروه ساده", supergroup=False), ChatMemberStatus.LEFT,
         "Forbidden: bot was kicked from the group chat"),
        (GROUP, ChatMemberStatus.BANNED, "Forbidden: bot was kicked from the supergroup chat"),
        (CHANNEL, ChatMemberStatus.BANNED, "Forbidden: bot is not a member of the channel chat"),
    ],
)
async def test_bot_removed_from_a_chat(
    api: LocalBotApi, bot: Any, chat: LocalChat, status: str, refusal: str
) -> None:
    admin = LocalUser(2, "مدیر")
    api.add_chat(chat, [admin])
    api.set_admins(chat.id, [admin.id])
    api.remove_bot_from_chat(chat.id, by=admin)
    with pytest.raises(Forbidden, match=f"^{refusal}$"):
        await bot.send_message(chat.id, "سلام")
    (update,) = await bot.get_updates()
    change = update.my_chat_member
    expected_old = ChatMemberStatus.ADMINISTRATOR if chat.type == "channel" else ChatMemberStatus.MEMBER
    assert (change.chat.id, change.from_user.id) == (chat.id, admin.id)
    assert (change.old_chat_member.status, change.new_chat_member.status) == (expected_old, status)
    assert (await bot.get_chat_member(chat.id, api.bot.id)).status == status
    with pytest.raises(ValueError, match="add_chat"):
        api.remove_bot_from_chat(chat.id, by=admin)
    api.add_chat(chat)
    assert (await bot.send_message(chat.id, "برگشتم")).chat.id == chat.id


async def test_leaving_a_channel_is_not_a_member(api: LocalBotApi, bot: Any) -> None:
    api.add_chat(CHANNEL)
    assert await bot.leave_chat(CHANNEL.id)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot is not a member of the channel chat$"):
        await bot.send_message(CHANNEL.id, "سلام")


async def test_migrated_group_answers_with_its_new_id(api: LocalBotApi, bot: Any) -> None:
    owner, member = LocalUser(1, "مالک"), LocalUser(3, "عضو")
    old = LocalChat.group(-77, "گروه قدیم", supergroup=False)
    api.add_chat(old, [owner, member])
    api.set_admins(old.id, [], owner_id=owner.id)
    new = api.migrate_group(old.id, -100_077)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(old.id, "سلام")
    assert raised.value.new_chat_id == -100_077
    with pytest.raises(ChatMigrated):
        await bot.get_chat(old.id)
    sent = await bot.send_message(new.id, "سلام")
    assert (sent.chat.type, sent.chat.title) == ("supergroup", "گروه قدیم")
    assert (await bot.get_chat_member(new.id, member.id)).status == ChatMemberStatus.MEMBER
    assert (await bot.get_chat_member(new.id, owner.id)).status == ChatMemberStatus.OWNER
    farewell, welcome = (update.message for update in await bot.get_updates())
    assert (farewell.chat.id, farewell.from_user.id, farewell.migrate_to_chat_id) == (-77, 1, -100_077)
    assert (welcome.chat.id, welcome.sender_chat.id, welcome.migrate_from_chat_id) == (new.id, new.id, -77)
    assert welcome.from_user.username == "GroupAnonymousBot"
    with pytest.raises(ValueError, match="now supergroup"):
        api.user_sends("سلام", chat=old)
    with pytest.raises(ValueError, match="no basic group"):
        api.migrate_group(new.id, -100_078)


async def test_migrated_answer_is_telegrams_json(api: LocalBotApi) -> None:
    api.add_chat(LocalChat.group(-77, "گروه", supergroup=False))
    api.migrate_group(-77, -100_077)
    async with httpx.AsyncClient(base_url=api.base_url.removesuffix("/bot")) as client:
        answer = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": -77, "text": "x"})
    assert (answer.status_code, answer.json()) == (400, {
        "ok": False, "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -100_077},
    })


# --- many chats ---


async def test_message_counts_across_many_chats() -> None:
    users = [LocalUser(10_000 + n, f"user{n}") for n in range(300)]
    async with LocalBotApi(record_requests=False) as server:
        server.add_chats(LocalChat.private(user) for user in users)
        async with build_app(server) as application:
            local = application.bot
            sent = await asyncio.gather(*(local.send_message(user.id, "خبر") for user in users))
            await local.send_message(users[0].id, "دومی")
            await local.delete_message(users[1].id, sent[1].message_id)
            with pytest.raises(RuntimeError, match="record_requests"):
                server.calls("sendMessage")
        counts = [server.bot_message_count(user.id) for user in users]
        assert (counts[:3], set(counts[2:])) == ([2, 0, 1], {1})
        assert server.total_bot_messages() == 300
        server.user_blocks_bot(users[5].id)  # add_chats knew the users from their chats
        assert server.history(users[5].id)[0].text == "خبر"


# --- fault injection ---


async def test_injected_429_raises_retry_after(
    api: LocalBotApi, bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # retry_after as a timedelta, without a deprecation warning
    api.inject_fault("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ME, "سلام")
    assert raised.value.retry_after == dtm.timedelta(seconds=7)
    assert (await bot.send_message(ME, "سلام")).text == "سلام"  # one fault, one failure


async def test_injected_403_is_forbidden_only_in_its_chat(api: LocalBotApi, bot: Any) -> None:
    api.add_chat(GROUP)
    api.inject_fault("sendMessage", chat_id=ME, status=403, times=2)
    assert (await bot.send_message(GROUP.id, "گروه")).chat.id == GROUP.id
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
            await bot.send_message(ME, "سلام")
    await bot.send_message(ME, "سلام")
    assert [call.status for call in api.calls("sendMessage")] == [200, 403, 403, 200]


@pytest.mark.parametrize("fault", [{"status": 500}, {"drop_connection": True}])
async def test_server_errors_and_dropped_connections_are_network_errors(
    api: LocalBotApi, bot: Any, fault: dict[str, Any]
) -> None:
    api.inject_fault("sendMessage", **fault)
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(ME, "سلام")
    assert type(raised.value) is NetworkError
    assert (await bot.send_message(ME, "دوباره")).text == "دوباره"


async def test_injected_429_is_telegrams_exact_json(api: LocalBotApi) -> None:
    api.add_chat(LocalChat.private(DEFAULT_USER))
    api.inject_fault("sendMessage", status=429, retry_after=12)
    async with httpx.AsyncClient(base_url=api.base_url.removesuffix("/bot")) as client:
        answer = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": ME, "text": "x"})
    assert answer.status_code == 429
    assert answer.json() == {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 12",
        "parameters": {"retry_after": 12},
    }


async def test_a_fault_for_ever_lasts_until_cleared(api: LocalBotApi, bot: Any) -> None:
    api.inject_fault("sendMessage", ME, status=403, times=-1)
    for _ in range(5):
        with pytest.raises(Forbidden):
            await bot.send_message(ME, "سلام")
    api.clear_faults("sendMessage")
    assert (await bot.send_message(ME, "سلام")).text == "سلام"


async def test_inject_fault_rejects_what_telegram_would_not_do(api: LocalBotApi) -> None:
    with pytest.raises(ValueError, match="not a method"):
        api.inject_fault("sendTelepathy")
    with pytest.raises(ValueError, match="error status"):
        api.inject_fault("sendMessage", status=200)
    with pytest.raises(ValueError, match="-1 for ever"):
        api.inject_fault("sendMessage", times=0)


# --- polling ---


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: LocalBotApi, bot: Any) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_until(lambda: api.pollers_waiting == 1)
    started = asyncio.get_running_loop().time()
    api.user_sends("سلام")
    updates = await asyncio.wait_for(poll, timeout=5)
    assert asyncio.get_running_loop().time() - started < 2
    assert [update.message.text for update in updates] == ["سلام"]
    assert await bot.get_updates(offset=updates[0].update_id + 1) == ()  # the offset confirmed it


async def test_allowed_updates_filter_and_persist(api: LocalBotApi, bot: Any) -> None:
    api.user_sends("پیام")
    query_id = api.user_inline_query("پرسش")
    only_queries = await bot.get_updates(allowed_updates=["inline_query"])
    assert [update.inline_query.id for update in only_queries] == [str(query_id)]
    assert len(await bot.get_updates()) == 1  # the setting persists until changed
    assert len(await bot.get_updates(allowed_updates=[])) == 2


async def test_webhook_blocks_polling_until_deleted(bot: Any) -> None:
    assert await bot.set_webhook("https://example.com/hook")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_stop_ends_open_long_polls() -> None:
    server = LocalBotApi()
    await server.start()
    local = build_app(server).bot
    async with local:
        poll = asyncio.create_task(local.get_updates(timeout=30))
        await server.wait_until(lambda: server.pollers_waiting == 1)
        await asyncio.wait_for(server.stop(), timeout=5)
        with pytest.raises(NetworkError):
            await asyncio.wait_for(poll, timeout=5)


# --- text helpers and the terminal chat ---


def test_parse_html_gives_plain_text_and_utf16_entities() -> None:
    plain, entities = parse_html('<b>a😀</b> <pre><code class="language-py">x</code></pre> &lt;&amp;')
    assert plain == "a😀 x <&"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "pre", "offset": 4, "length": 1, "language": "py"},
    ]


@pytest.mark.parametrize(
    ("text", "parse_mode", "shown"),
    [
        (START_TEXT, "HTML", "سلام دنیا & پیوند (https://example.com/a)"),
        ("<code>1 &lt; 2</code> <i>کج</i>", "HTML", "1 < 2 کج"),
        ("<blockquote>نقل</blockquote>", "HTML", "│ نقل"),
        ("<b>ساده</b>", None, "<b>ساده</b>"),
        (r"\*نه\* ستاره", "MarkdownV2", "*نه* ستاره"),
    ],
)
def test_render_text(text: str, parse_mode: str | None, shown: str) -> None:
    assert render_text(text, parse_mode) == shown


def test_render_text_ansi_styles() -> None:
    assert render_text("<b>پررنگ</b>", "HTML", ansi=True) == "\033[1mپررنگ\033[0m"


def test_render_buttons_numbers_across_rows() -> None:
    rows = ((Button("خلاصه", "s"), Button("نقل‌قول‌ها", "q")), (Button("متن کامل", "f"),))
    assert render_buttons(rows) == ["[1] خلاصه  [2] نقل‌قول‌ها", "[3] متن کامل"]


class Typist:
    """A terminal chat fed line by line, its output read as it comes."""

    def __init__(self, api: LocalBotApi, **options: Any) -> None:
        self.api = api
        self.typed: asyncio.Queue[str] = asyncio.Queue()
        self.output = io.StringIO()
        self.task = asyncio.create_task(TerminalChat(api, lines=self._lines(), output=self.output,
                                                     settle=0.1, **options).run())

    async def _lines(self) -> AsyncIterator[str]:
        while True:
            yield await self.typed.get()

    def type(self, line: str) -> None:
        self.typed.put_nowait(line)

    async def shows(self, needle: str) -> None:
        await self.api.wait_until(lambda: needle in self.output.getvalue())

    async def quit(self) -> None:
        self.type("/quit")
        await asyncio.wait_for(self.task, timeout=5)

    def user_messages(self) -> list[Any]:
        return [m for m in self.api.history(ME) if not m.from_bot]


async def test_terminal_chat_sends_renders_and_presses(api: LocalBotApi, app: Any) -> None:
    chat = Typist(api)
    chat.type("/start")
    await chat.shows("[1] خلاصه  [2] نقل‌قول‌ها")
    assert "سلام دنیا & پیوند (https://example.com/a)" in chat.output.getvalue()
    chat.type("3")
    await chat.shows("🔗 https://example.com/a")
    chat.type("۲")  # Persian digits press buttons too
    await chat.shows("💬 باشد q:1")
    await chat.shows("✏️ ویرایش شد\nq:1")
    chat.type("2")  # the edit took the keyboard away: now plain text, echoed
    await chat.shows("\n2\n")
    chat.type("!1")  # "!" always means a press
    await chat.shows("دکمهٔ ۱ نیست.")
    await chat.quit()
    assert [m.text for m in chat.user_messages()] == ["/start", "2"]


async def test_terminal_chat_numbers_are_text_unless_that_button_is_shown(api: LocalBotApi, app: Any) -> None:
    chat = Typist(api)
    chat.type("/start")
    await chat.shows("[3] منبع")
    chat.type("1401")  # three buttons on screen: a year, not a press
    await chat.shows("\n1401\n")
    await chat.quit()
    assert [m.text for m in chat.user_messages()] == ["/start", "1401"]
    assert api.callback_answers == []


async def test_terminal_chat_numbers_messages_and_replies(api: LocalBotApi, app: Any) -> None:
    chat = Typist(api)
    chat.type("/find بودجه")
    await chat.shows("جست‌وجو: بودجه")
    answer = api.sent(ME)[-1]
    assert f"🤖 {persian_digits(str(answer.message_id))}\n" in chat.output.getvalue()
    chat.type(f">{answer.message_id} درست است")
    await chat.shows("\nدرست است\n")
    chat.type(">99999 کجا")
    await chat.shows("پیام ۹۹۹۹۹ در این گفت‌وگو نیست.")
    await chat.quit()
    replies = [(m.text, m.reply_to) for m in chat.user_messages()]
    assert replies == [("/find بودجه", None), ("درست است", answer.message_id)]


async def test_terminal_chat_joins_continued_lines(api: LocalBotApi, app: Any) -> None:
    chat = Typist(api)
    for line in ("سطر یکم\\\n", "سطر دوم\\", "سطر سوم"):
        chat.type(line)
    await chat.shows("سطر سوم")
    await chat.quit()
    assert [m.text for m in chat.user_messages()] == ["سطر یکم\nسطر دوم\nسطر سوم"]


async def test_terminal_chat_sends_a_file(api: LocalBotApi, app: Any, tmp_path: Any) -> None:
    statement = tmp_path / "بیانیه ۱.txt"
    statement.write_text("متن", encoding="utf-8")
    chat = Typist(api)
    chat.type(f'/file "{statement}" توضیح')
    await chat.shows("بیانیه ۱.txt: 6 متن")  # the bot downloaded it whole
    assert "📎 بیانیه ۱.txt فرستاده شد" in chat.output.getvalue()
    chat.type(f"/file {tmp_path / 'نیست.txt'}")
    await chat.shows("خوانده نشد.")
    chat.type("/file")
    await chat.shows("برای فرستادن پرونده")
    await chat.quit()
    [sent] = chat.user_messages()
    assert (sent.document, sent.text) == ("بیانیه ۱.txt", "توضیح")


async def test_terminal_chat_never_cuts_a_long_message(api: LocalBotApi, app: Any) -> None:
    chat = Typist(api)
    long_text = "واژه " * 1000  # 5,000 characters, past one message's 4,096
    chat.type(long_text)
    await chat.shows("۴۹۹۹ نویسه است")
    chat.type("/publish " + long_text)  # a statement too long for one message goes as a file
    await chat.shows("statement.txt: ")
    await chat.quit()
    [sent] = chat.user_messages()
    assert sent.document == "statement.txt"
    assert api.file_bytes(sent.document_id).decode() == long_text.strip()


def test_wrap_breaks_at_spaces_only() -> None:
    text = "استاندار تهران در نشست خبری گفت\nکوتاه"
    assert wrap(text, 12) == "استاندار\nتهران در\nنشست خبری\nگفت\nکوتاه"
    # A word longer than the line stays whole.
    assert wrap("بسیاربسیاربلند کوتاه", 5) == "بسیاربسیاربلند\nکوتاه"
    assert wrap(text, 0) == text


async def test_terminal_chat_takes_piped_lines_one_answer_at_a_time(api: LocalBotApi, app: Any) -> None:
    async def piped() -> AsyncIterator[str]:
        for line in ("/start\n", "2\n", "خداحافظ\n"):
            yield line

    output = io.StringIO()
    await asyncio.wait_for(TerminalChat(api, lines=piped(), output=output, settle=0.3).run(), timeout=10)
    # "2" pressed the keyboard that /start's reply brought, rather than arriving as text first.
    assert "💬 باشد q:1" in output.getvalue()
    assert output.getvalue().rstrip().endswith("خداحافظ")


@pytest.mark.parametrize("leave", ["\x04", "\x03"])  # Ctrl-D, Ctrl-C
async def test_prompt_lines_edit_paste_and_leave(tmp_path: Any, leave: str) -> None:
    """The interactive prompt: Alt+Enter and pasted newlines stay in one message; Ctrl-D or Ctrl-C leaves."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    history = tmp_path / "history"
    with create_pipe_input() as keys, create_app_session(input=keys, output=DummyOutput()):
        lines = prompt_lines(history)
        keys.send_text("سطر یکم\x1b\rسطر دوم\r")  # Alt+Enter, then Enter
        assert await anext(lines) == "سطر یکم\nسطر دوم"
        keys.send_text("\x1b[200~الف\nب\x1b[201~\r")  # a bracketed paste of two lines
        assert await anext(lines) == "الف\nب"
        keys.send_text("واژه" * 2000 + "\r")  # no cut at a terminal's 4,095-byte line
        assert len(await anext(lines)) == 8000
        keys.send_text(leave)
        with pytest.raises(StopAsyncIteration):
            await anext(lines)
    assert "سطر یکم" in history.read_text(encoding="utf-8")  # kept for the next session


async def test_terminal_chat_sends_a_picture_as_a_photo(api: LocalBotApi, app: Any, tmp_path: Any) -> None:
    picture = tmp_path / "نشست.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    chat = Typist(api)
    chat.type(f"/file {picture} دیدار استاندار")
    await chat.shows("📎 نشست.jpg فرستاده شد")
    await chat.quit()
    [sent] = chat.user_messages()
    assert (sent.photo is not None, sent.document, sent.text) == (True, None, "دیدار استاندار")
    assert api.file_bytes(sent.photo or "") == picture.read_bytes()


async def test_send_photo_by_upload_and_by_file_id(api: LocalBotApi, bot: Any) -> None:
    api.add_chat(LocalChat.private(DEFAULT_USER), [DEFAULT_USER])
    first = await bot.send_photo(ME, b"\xff\xd8 photo", caption="<b>عکس</b>", parse_mode=ParseMode.HTML)
    again = await bot.send_photo(ME, first.photo[-1].file_id, caption="دوباره")
    assert again.photo[-1].file_id == first.photo[-1].file_id
    assert [(m.photo is not None, m.plain_text) for m in api.sent(ME)] == [(True, "عکس"), (True, "دوباره")]
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(ME, "AgACAgNoSuchFile")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(ME, first.photo[-1].file_id, caption="ب" * 1025)
