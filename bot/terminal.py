"""A terminal chat with the bot for the local mode, over ``LocalBotApi``.

At an interactive terminal it reads with prompt_toolkit (line editing, history, pastes of
many lines, no length cut); piped input is read by a daemon thread so the event loop never
blocks. Each line goes to the bot as the simulated user, and what the bot does in that private
chat is printed: messages (headed by their number) rendered from HTML into text wrapped at
word boundaries, edits, deletions, answers to button presses, and the inline buttons numbered
``[1] …  [2] …``. A number presses a button only when a button with that number is on screen
(``!N`` always means a press); ``>N TEXT`` replies to message N; ``/file PATH`` sends a file (a
picture as a photo); a
line ending in a backslash continues on the next. ``/quit``, Ctrl-D, Ctrl-C or the end of
input leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import re
import shlex
import shutil
import sys
import textwrap
import threading
from collections.abc import AsyncIterable, AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TextIO

from bot import strings
from bot.local import DEFAULT_USER, MAX_TEXT_LENGTH, Button, LocalBotApi, LocalChat, LocalUser, SentMessage
from storage.text.letters import persian_digits

QUIT = "/quit"
_OPENS_LINK = "🔗 {url}"
_BOT = "🤖"
_ANSI = {"b": "1", "strong": "1", "i": "3", "em": "3", "u": "4", "ins": "4",
         "s": "9", "strike": "9", "del": "9"}  # SGR codes: bold, italic, underline, crossed out
_PRESS = re.compile(r"^(!)?\s*(\d+)$")
_REPLY = re.compile(r"^>\s*(\d+)(?:\s+(.*))?$", re.DOTALL)
_FILE = "/file"
_PUBLISH = "/publish"
_LONG_FILE = "statement.txt"
_PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
_MAX_UPLOAD = 50 * 2**20  # read into memory whole; far above what a statement needs


class _TerminalHtml(HTMLParser):
    """Telegram HTML as terminal text: links show their address, quotes a bar, styles ANSI codes."""

    def __init__(self, *, ansi: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.ansi = ansi
        self.parts: list[str] = []
        self._links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append(dict(attrs).get("href"))
        elif tag == "blockquote":
            self.parts.append("│ ")
        elif self.ansi and tag in _ANSI:
            self.parts.append(f"\033[{_ANSI[tag]}m")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links and (href := self._links.pop()):
            self.parts.append(f" ({href})")
        elif self.ansi and tag in _ANSI:
            self.parts.append("\033[0m")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def render_text(text: str, parse_mode: str | None, *, ansi: bool = False) -> str:
    """A message's text as a terminal shows it."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        parser = _TerminalHtml(ansi=ansi)
        parser.feed(text)
        parser.close()
        return "".join(parser.parts)
    if mode.startswith("markdown"):
        return re.sub(r"\\(.)", r"\1", text)  # shown as typed, without its escapes
    return text


def render_buttons(buttons: tuple[tuple[Button, ...], ...]) -> list[str]:
    """One line per keyboard row, buttons numbered from 1 across the rows."""
    lines, number = [], 0
    for row in buttons:
        cells = []
        for button in row:
            number += 1
            cells.append(f"[{number}] {button.text}")
        lines.append("  ".join(cells))
    return lines


async def stdin_lines() -> AsyncIterator[str]:
    """Lines of standard input; a daemon thread reads them so quitting never waits on a read."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        # The loop may be gone by the time a line arrives; then the line has nowhere to go.
        with contextlib.suppress(RuntimeError):
            for line in sys.stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="terminal-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line


async def prompt_lines(history: Path | None = None) -> AsyncIterator[str]:
    """Lines typed at an interactive terminal: editing, history, pastes of many lines, no length cut.

    The bot's messages print above the prompt. Alt+Enter starts a new line; Ctrl-C and Ctrl-D end.
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.patch_stdout import patch_stdout

    keys = KeyBindings()

    @keys.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)) if history else InMemoryHistory(), key_bindings=keys)
    with patch_stdout(raw=True):  # raw: the ANSI styles of the bot's text pass through
        while True:
            try:
                line = await session.prompt_async("› ")
            except (EOFError, KeyboardInterrupt):
                return
            yield line


def wrap(text: str, width: int) -> str:
    """Each line of ``text`` broken at spaces to fit ``width`` columns, never inside a word."""
    if width <= 0:
        return text
    return "\n".join(
        "\n".join(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False,
                                drop_whitespace=True)) or line
        for line in text.split("\n"))


class TerminalChat:
    """One user's private chat with the bot, in a terminal."""

    def __init__(
        self,
        api: LocalBotApi,
        *,
        user: LocalUser = DEFAULT_USER,
        lines: AsyncIterable[str] | None = None,
        output: TextIO | None = None,
        ansi: bool | None = None,
        width: int | None = None,
        history: Path | None = None,
        settle: float = 0.5,
    ) -> None:
        self.api = api
        self.user = user
        self._lines = lines
        self._output = output  # None: whatever sys.stdout is when writing (the prompt patches it)
        tty = (output or sys.stdout).isatty()
        self._ansi = tty if ansi is None else ansi
        self._width = width if width is not None else (shutil.get_terminal_size().columns if tty else 0)
        self._history = history
        self._settle = settle  # how long the bot must stay quiet before the next line is taken
        self._shown: dict[int, SentMessage] = {}
        self._keyboard: SentMessage | None = None
        self._presses: set[str] = set()
        self._answers_shown = 0
        self._continued: list[str] = []  # lines that ended in a backslash, waiting for the rest

    async def run(self, notice: str | None = None) -> None:
        """Chat until ``/quit`` or the end of input, printing the bot's side as it happens."""
        self._write(strings.TERMINAL_WELCOME.format(bot=self.api.bot.username))
        if notice:
            self._write(notice)
        self.api.add_chat(LocalChat.private(self.user), [self.user])
        follower = asyncio.create_task(self._follow())
        try:
            async for line in self._input():
                if not self.handle_line(line):
                    break
                await self._wait_until_quiet()
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
            self.show_changes()

    def _input(self) -> AsyncIterable[str]:
        if self._lines is not None:
            return self._lines
        if sys.stdin.isatty() and sys.stdout.isatty():
            return prompt_lines(self._history)
        return stdin_lines()

    def handle_line(self, line: str) -> bool:
        """Act on one typed line; False means the user wants to leave."""
        line = line.removesuffix("\n").removesuffix("\r")
        if line.endswith("\\"):  # continued on the next line
            self._continued.append(line[:-1])
            return True
        text = "\n".join([*self._continued, line]).strip()
        self._continued.clear()
        if text == QUIT:
            return False
        if text == _FILE or text.startswith(_FILE + " "):
            self._send_file(text.removeprefix(_FILE).strip())
        elif (press := _PRESS.match(text)) and (press[1] or self._has_button(int(press[2]))):
            self._press(int(press[2]))
        elif reply := _REPLY.match(text):
            self._reply(int(reply[1]), (reply[2] or "").strip())
        elif text:
            self._send(text)
        return True

    def show_changes(self) -> None:
        """Print the bot's messages that are new, edited or deleted since the last call, then answers."""
        current = {message.message_id: message for message in self.api.sent(self.user.id)}
        for message_id, message in current.items():
            if self._shown.get(message_id) != message:
                self._show_message(message, edited=message_id in self._shown)
        for message_id in sorted(self._shown.keys() - current.keys()):
            self._write(strings.TERMINAL_DELETED.format(id=persian_digits(str(message_id))))
            if self._keyboard is not None and self._keyboard.message_id == message_id:
                self._keyboard = None
        self._shown = current
        self._show_answers()

    async def _follow(self) -> None:
        version = self.api.version
        while True:
            version = await self.api.wait_for_change(version)
            self.show_changes()

    async def _wait_until_quiet(self) -> None:
        """Let the bot answer before the next line: piped input arrives all at once, and a number
        typed after "/start" must find the keyboard the reply brings."""
        version = self.api.version
        with contextlib.suppress(TimeoutError):
            while True:
                version = await self.api.wait_for_change(version, self._settle)

    # --- what the user does ---

    def _send(self, text: str, reply_to: int | None = None) -> None:
        if len(text) <= MAX_TEXT_LENGTH:
            self.api.user_sends(text, user=self.user, reply_to=reply_to)
            return
        count, limit = persian_digits(str(len(text))), persian_digits(str(MAX_TEXT_LENGTH))
        command, _, body = text.partition(" ")
        if command == _PUBLISH and body.strip():
            # Too long for one message: the statement goes the way a long one is published, as a file.
            self.api.user_sends_document(_LONG_FILE, body.strip().encode("utf-8"), user=self.user,
                                         mime_type="text/plain")
            self._write(strings.TERMINAL_SENT_AS_FILE.format(count=count, limit=limit, name=_LONG_FILE))
        else:
            self._write(strings.TERMINAL_TOO_LONG.format(count=count, limit=limit))

    def _send_file(self, argument: str) -> None:
        try:
            words = shlex.split(argument)
        except ValueError:
            words = []
        if not words:
            self._write(strings.TERMINAL_FILE_USAGE)
            return
        path, caption = Path(words[0]).expanduser(), " ".join(words[1:]) or None
        try:
            if path.stat().st_size > _MAX_UPLOAD:
                self._write(strings.TERMINAL_FILE_TOO_BIG.format(
                    path=path, limit=persian_digits(str(_MAX_UPLOAD // 2**20))))
                return
            data = path.read_bytes()
        except OSError:
            self._write(strings.TERMINAL_NO_FILE.format(path=path))
            return
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if mime_type in _PHOTO_TYPES:  # sent as a photo, as a Telegram client sends a picture
            self.api.user_sends_photo(data, caption=caption, user=self.user)
        else:
            self.api.user_sends_document(path.name, data, user=self.user, caption=caption,
                                         mime_type=mime_type)
        message_id = persian_digits(str(self.api.last_user_message_id(self.user.id)))
        self._write(strings.TERMINAL_FILE_SENT.format(name=path.name, id=message_id))

    def _reply(self, message_id: int, text: str) -> None:
        if all(message.message_id != message_id for message in self.api.history(self.user.id)):
            self._write(strings.TERMINAL_NO_MESSAGE.format(id=persian_digits(str(message_id))))
        elif not text:
            self._write(strings.TERMINAL_REPLY_USAGE)
        else:
            self._send(text, reply_to=message_id)

    def _has_button(self, number: int) -> bool:
        return self._keyboard is not None and 1 <= number <= len(self._keyboard.flat_buttons)

    def _press(self, number: int) -> None:
        keyboard = self._keyboard
        if keyboard is None or not self._has_button(number):
            self._write(strings.TERMINAL_NO_BUTTON.format(n=persian_digits(str(number))))
            return
        try:
            query_id = self.api.user_presses(keyboard, number - 1, user=self.user)
        except ValueError:  # not a callback button: a link, say, which a terminal can only show
            self._write(_OPENS_LINK.format(url=keyboard.flat_buttons[number - 1].value))
        except LookupError as error:  # the message is gone
            self._write(str(error))
        else:
            self._presses.add(str(query_id))

    # --- what the bot does ---

    def _show_message(self, message: SentMessage, *, edited: bool) -> None:
        header = f"{_BOT} {persian_digits(str(message.message_id))}"
        if message.reply_to is not None:
            header += f" ↩ {persian_digits(str(message.reply_to))}"
        if edited:
            header += f" {strings.TERMINAL_EDITED}"
        lines = [header]
        if message.document:
            lines.append(f"📎 {message.document}")
        if message.photo:
            lines.append("🖼")
        if message.text:
            lines.append(wrap(render_text(message.text, message.parse_mode, ansi=self._ansi), self._width))
        lines += render_buttons(message.buttons)
        self._write("\n".join(lines))
        if message.buttons:
            self._keyboard = message
        elif self._keyboard is not None and self._keyboard.message_id == message.message_id:
            self._keyboard = None  # an edit took the buttons away

    def _show_answers(self) -> None:
        answers = self.api.callback_answers
        for answer in answers[self._answers_shown:]:
            if answer.callback_query_id in self._presses and answer.text:
                self._write(("⚠️ " if answer.show_alert else "💬 ") + answer.text)
        self._answers_shown = len(answers)

    def _write(self, text: str) -> None:
        out = self._output or sys.stdout
        out.write(text + "\n")
        out.flush()
