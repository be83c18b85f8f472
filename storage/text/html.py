"""HTML → plain text: feed entries, pasted web copy and statements that arrive as markup.

Pure: tags are dropped, entities decoded, block tags end a paragraph, and what a
reader never sees (scripts, styles) goes with its tags.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")  # \s leaves ZWNJ alone, as it must for Persian
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "hr", "table", "tr", "section", "article", "header", "footer", "figure", "figcaption", "dd", "dt",
})
_DROPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextExtractor(HTMLParser):
    """HTML → paragraphs of plain text; block tags end a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = collapse_spaces("".join(self._current))
        if text:
            self.paragraphs.append(text)
        self._current = []


def collapse_spaces(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "\n\n".join(extractor.paragraphs)
