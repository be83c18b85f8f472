"""Text as Telegram shows it: HTML parse mode to plain text plus MessageEntity JSON, the
``bot_command`` entities clients mark, and lengths in UTF-16 code units."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?(?![A-Za-z0-9_@])")
_HTML_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "code": "code", "pre": "pre", "a": "text_link", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class _HtmlEntities(HTMLParser):
    """Turns Telegram's HTML parse mode into plain text plus MessageEntity JSON."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.entities: list[dict[str, Any]] = []
        self._offset = 0
        self._open: list[tuple[str, dict[str, Any] | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append((tag, self._entity(tag, dict(attrs))))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                entity = self._open.pop(index)[1]
                if entity is not None and self._offset > entity["offset"]:
                    self.entities.append(entity | {"length": self._offset - entity["offset"]})
                return

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._offset += utf16_len(data)

    def _entity(self, tag: str, attrs: dict[str, str | None]) -> dict[str, Any] | None:
        is_spoiler = tag == "span" and attrs.get("class") == "tg-spoiler"
        kind = "spoiler" if is_spoiler else _HTML_ENTITY_TYPES.get(tag)
        if kind == "code" and self._open and self._open[-1][0] == "pre":
            self._set_pre_language(attrs.get("class") or "")
            return None  # <pre><code class="language-x"> is one pre entity, as in Telegram
        if kind is None:
            return None
        entity: dict[str, Any] = {"type": kind, "offset": self._offset}
        if kind == "text_link":
            entity["url"] = attrs.get("href") or ""
        elif kind == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        return entity

    def _set_pre_language(self, css_class: str) -> None:
        pre = self._open[-1][1]
        if pre is not None and css_class.startswith("language-"):
            pre["language"] = css_class.removeprefix("language-")


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of an HTML parse-mode text; unknown tags are dropped, text kept."""
    parser = _HtmlEntities()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts), sorted(parser.entities, key=lambda entity: entity["offset"])


def formatted(raw: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of a text sent with ``parse_mode``, or with explicit ``entities``."""
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(raw)
    # MarkdownV2 is not parsed: its text counts and shows as sent.
    return raw, entities if isinstance(entities, list) else []


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities, as Telegram's clients mark ``/find`` or ``/find@bot`` words."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: found.start()]), "length": utf16_len(found[0])}
        for found in _BOT_COMMAND.finditer(text)
    ]


def with_entities(key: str, plain: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """A message's ``text`` or ``caption`` field, with its entities when there are any."""
    fields: dict[str, Any] = {key: plain}
    if entities:
        fields["caption_entities" if key == "caption" else "entities"] = entities
    return fields
