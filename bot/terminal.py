"""A terminal chat with the bot for the local mode, over ``LocalBotApi``.

It reads lines (standard input by default, through a daemon thread so the event loop never
blocks), sends them to the bot as the simulated user, and prints what the bot does in that private
chat: new messages rendered from HTML into readable text, edits, deletions, answers to button
presses, and the inline buttons numbered ``[1] …  [2] …`` so that typing a number (or ``!N``)
presses one. ``/quit`` or the end of input leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import threading
from collections.abc import AsyncIterable, AsyncIterator
from html.parser import HTMLParser
from typing import TextIO

from bot import strings
from bot.local import DEFAULT_USER, Button, LocalBotApi, LocalChat, LocalUser, SentMessage
from storage.text.letters import persian_digits

QUIT = "/quit"
_OPENS_LINK = "🔗 {url}"
_BOT = "🤖"
_ANSI = {"b": "1", "strong": "1", "i": "3", "em": "3", "u": "4", "ins": "4",
         "s": "9", "strike": "9", "del": "9"}  # SGR codes: bold, italic, underline, crossed out
_PRESS = re.compile(r"^(!)?\s*(\d+)$")


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
        settle: float = 0.5,
    ) -> None:
        self.api = api
        self.user = user
        self._lines = lines
        self._out = output or sys.stdout
        self._ansi = self._out.isatty() if ansi is None else ansi
        self._settle = settle  # how long the bot must stay quiet before the next line is taken
        self._shown: dict[int, SentMessage] = {}
        self._keyboard: SentMessage | None = None
        self._presses: set[str] = set()
        self._answers_shown = 0

    async def run(self) -> None:
        """Chat until ``/quit`` or the end of input, printing the bot's side as it happens."""
        self._write(strings.TERMINAL_WELCOME.format(bot=self.api.bot.username))
        self.api.add_chat(LocalChat.private(self.user), [self.user])
        follower = asyncio.create_task(self._follow())
        try:
            async for line in self._lines if self._lines is not None else stdin_lines():
                if not self.handle_line(line):
                    break
                await self._wait_until_quiet()
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
            self.show_changes()

    def handle_line(self, line: str) -> bool:
        """Act on one typed line; False means the user wants to leave."""
        text = line.strip()
        if text == QUIT:
            return False
        press = _PRESS.match(text)
        if press and (press[1] or self._keyboard is not None):
            self._press(int(press[2]))
        elif text:
            self.api.user_sends(text, user=self.user)
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

    def _press(self, number: int) -> None:
        keyboard = self._keyboard
        buttons = keyboard.flat_buttons if keyboard is not None else []
        if keyboard is None or not 1 <= number <= len(buttons):
            self._write(strings.TERMINAL_NO_BUTTON.format(n=persian_digits(str(number))))
            return
        try:
            query_id = self.api.user_presses(keyboard, number - 1, user=self.user)
        except ValueError:  # not a callback button: a link, say, which a terminal can only show
            self._write(_OPENS_LINK.format(url=buttons[number - 1].value))
        except LookupError as error:  # the message is gone
            self._write(str(error))
        else:
            self._presses.add(str(query_id))

    def _show_message(self, message: SentMessage, *, edited: bool) -> None:
        header = f"{_BOT} {strings.TERMINAL_EDITED}" if edited else _BOT
        lines = [header]
        if message.document:
            lines.append(f"📎 {message.document}")
        if message.text:
            lines.append(render_text(message.text, message.parse_mode, ansi=self._ansi))
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
        self._out.write(text + "\n")
        self._out.flush()
