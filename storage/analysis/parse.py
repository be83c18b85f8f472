"""Raw statement text → ``Article``: metadata, structure, then normalization.

Metadata (date marker, Jalali dateline, ``به گزارش X،``) is read from the raw text,
before hazm's spacing rules can mangle it. Structure is rebuilt from lines: copy
pasted from web pages breaks lines, and even leaves blank lines, inside sentences,
so a paragraph ends where a sentence ends, not where a line does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from storage.errors import RejectedText, Rejection
from storage.models import Article
from storage.text.dates import NUMERIC_DATE, WORDED_JALALI, parse_date
from storage.text.html import html_to_text
from storage.text.letters import LETTERS
from storage.text.normalize import TextNormalizer

MAX_TITLE_CHARS = 500
# A headline may end in a period, but such a line is more often a lead: keep it short.
MAX_TITLE_WITH_PERIOD = 250
MAX_KICKER_CHARS = 80
MAX_HEADING_CHARS = 60


# Emoji, pictographs, arrows, geometric bullets, keycaps: decoration at a line's edges.
_DECORATION = (
    "\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff"
    "\ufe0f\u20e3\u2022\u00b7\u2023\u2043\u2219*"
)
_LEADING_DECORATION = re.compile(rf"^(?:[0-9#*]\ufe0f?\u20e3|[{_DECORATION}\-–—]|\s)+")
_TRAILING_DECORATION = re.compile(rf"(?:[{_DECORATION}]|\s)+$")
_HASHTAG = re.compile(r"#([\w\u200c]+)")
_SIGNATURE = re.compile(
    r"^(?:🆔.*|(?:@[A-Za-z]\w{3,}|(?:https?://)?(?:t\.me|telegram\.me)/\S+)"
    r"(?:\s+(?:@[A-Za-z]\w{3,}|(?:https?://)?(?:t\.me|telegram\.me)/\S+))*)$"
)
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_DATE_MARKER = re.compile(r"^(?:date|تاریخ)\s*[:：]?\s*", re.IGNORECASE)
_WEEKDAYS = re.compile(r"(?:یک|دو|سه|چهار|پنج)\s*[\u200c ]?شنبه|شنبه|جمعه|ساعت|[-–—،,|:\s\d۰-۹٠-٩]")
# Lines of the header block a date may stand on or open: kicker, title, subtitle, lead.
_HEADER_LINES = 4
# ``کاشان - ۱۰ آذر ۱۴۰۴ - به گزارش …``: a place, the date, then the lead.
_INLINE_DATELINE = re.compile(
    rf"^[{LETTERS}\u200c ]{{2,40}}?\s*[-–—]\s*"
    r"(?P<date>(?:(?:(?:یک|دو|سه|چهار|پنج)\s*[\u200c ]?)?شنبه|جمعه)?\s*"
    rf"(?:{WORDED_JALALI.pattern}|{NUMERIC_DATE.pattern}))\s*[-–—]\s*"
)
# Markup pasted into a statement (a web page, a CMS): read as the text it shows.
_HTML_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|s|p|br|div|span|a|font|script|style|h[1-6]|ul|ol|li|table|tr|td|blockquote|"
    r"section|article|figure|img)\b[^>]*>",
    re.IGNORECASE,
)
_HTML_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_PERSIAN_LETTER = re.compile(f"[{LETTERS}]")
_TERMINAL = frozenset(".!?؟…:»\"")
_KICKER_END = frozenset("؛;:")
# Words a sentence cannot end on: a line ending with one was broken mid-sentence.
_CONTINUATION_WORDS = frozenset(
    {"و", "در", "به", "از", "که", "با", "را", "برای", "تا", "یا", "بر", "های", "بین", "چون", "اما", "ولی"}
)
# "… گفت:" marks a reported statement, which a headline ending in a period is not.
_REPORTING_COLON = re.compile(r"(?:گفت|افزود|کرد|داشت|داد|شد)\s*:")
_SOURCE = re.compile(
    r"^[^\n]{0,40}?به\s*گزارش\s+(?P<src>[^،,:؛\n]{2,90}?)\s*:?\s*[،,؛]"
)
_VIA = re.compile(r"\s*به\s*نقل\s*از\s*")
_AGENCY_WORDS = ("خبرگزاری", "پایگاه", "روزنامه", "باشگاه", "شبکه", "سایت", "ستاد", "روابط")
_DESK_WORDS = frozenset({"خبرنگار", "گروه", "سرویس"})


@dataclass(slots=True)
class _Line:
    text: str
    bullet: bool = False


def _clean(raw: str) -> str:
    return _NEWLINES.sub("\n", raw.lstrip("\ufeff")).replace("\u00a0", " ").replace("\t", " ")


def _take_date(lines: list[str]) -> tuple[str | None, list[str]]:
    """Find the date in the header block — a ``date`` marker, a line that is only a date
    (with its weekday and time), or an inline dateline ``PLACE - DATE - به گزارش …`` — above,
    between or opening the kicker, title and lead; return it and the lines without it."""
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        marker = _DATE_MARKER.match(line)
        if marker:
            rest = line[marker.end():]
            found = NUMERIC_DATE.match(rest) or WORDED_JALALI.match(rest)
            if found:
                return found.group(), [*lines[:i], rest[found.end():].strip(" ،,-–|"), *lines[i + 1:]]
        found = WORDED_JALALI.search(line) or NUMERIC_DATE.search(line)
        if found and not _PERSIAN_LETTER.search(_WEEKDAYS.sub("", line.replace(found.group(), ""))):
            return found.group(), [*lines[:i], *lines[i + 1:]]
        inline = _INLINE_DATELINE.match(line)
        if inline:
            return inline["date"], [*lines[:i], line[inline.end():], *lines[i + 1:]]
        seen += 1
        if seen >= _HEADER_LINES:
            break
    return None, lines


def _strip_decoration(line: str) -> _Line:
    stripped = _LEADING_DECORATION.sub("", line)
    bullet = stripped != line.lstrip()
    return _Line(_TRAILING_DECORATION.sub("", stripped).strip(), bullet)


def _hashtags(line: str) -> list[str] | None:
    """The tags of a line made only of hashtags, else None."""
    words = line.split()
    if words and all(w.startswith("#") for w in words):
        return [m.group(1).replace("_", " ") for m in _HASHTAG.finditer(line)]
    return None


def _ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in _TERMINAL


def _ends_mid_sentence(text: str) -> bool:
    words = text.split()
    return bool(words) and words[-1] in _CONTINUATION_WORDS


def _classify(lines: list[str]) -> tuple[list[_Line | None], list[str]]:
    """Lines with decoration removed (None for a blank), and the tags found."""
    out: list[_Line | None] = []
    tags: list[str] = []
    for raw_line in lines:
        line = _strip_decoration(raw_line)
        found = _hashtags(line.text)
        if found is not None:
            tags.extend(found)
            out.append(None)
        elif not line.text or _SIGNATURE.match(line.text):
            out.append(None)
        else:
            out.append(line)
    return out, tags


def _is_kicker(text: str) -> bool:
    return (text[-1] in _KICKER_END and len(text) <= MAX_KICKER_CHARS
            and not text.startswith("به گزارش"))


def _is_title(text: str, followed_by_blank: bool) -> bool:
    if len(text) > MAX_TITLE_CHARS or text.startswith("به گزارش") or _ends_mid_sentence(text):
        return False
    if text.endswith(("...", "…")):
        return True
    if text[-1] == ".":
        return (followed_by_blank and len(text) <= MAX_TITLE_WITH_PERIOD
                and not _REPORTING_COLON.search(text))
    return text[-1] not in ":؛;" and (followed_by_blank or len(text) <= MAX_HEADING_CHARS * 2)


def _head(lines: list[_Line | None]) -> tuple[str | None, str | None, list[_Line | None]]:
    """Split off the kicker and the title, if the text has them."""
    content = [i for i, line in enumerate(lines) if line is not None]
    kicker = title = None
    pos = 0
    if len(content) >= 3 and _is_kicker(lines[content[0]].text):  # type: ignore[union-attr]
        kicker = lines[content[0]].text.rstrip("؛;: ")  # type: ignore[union-attr]
        pos = 1
    if len(content) > pos + 1:
        i = content[pos]
        followed_by_blank = i + 1 < len(lines) and lines[i + 1] is None
        if _is_title(lines[i].text, followed_by_blank):  # type: ignore[union-attr]
            title = lines[i].text  # type: ignore[union-attr]
            pos += 1
    rest = lines[content[pos]:] if pos < len(content) else []
    return kicker, title, rest


def _paragraphs(lines: list[_Line | None]) -> list[str]:
    """Join lines into whole paragraphs: a break needs a sentence end, a bullet or a heading."""
    paragraphs: list[str] = []
    current: list[str] = []
    after_blank = False
    for line in lines:
        if line is None:
            after_blank = True
            continue
        if current:
            text = " ".join(current)
            heading = after_blank and len(text) <= MAX_HEADING_CHARS and not _ends_mid_sentence(text)
            if _ends_sentence(text) or line.bullet or heading:
                paragraphs.append(text)
                current = []
        current.append(line.text)
        after_blank = False
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _source(paragraphs: list[str]) -> str | None:
    """``به گزارش خبرنگار مهر،`` → ``مهر``; ``به گزارش X به نقل از Y،`` → ``X``."""
    for paragraph in paragraphs[:3]:
        found = _SOURCE.match(paragraph)
        if not found:
            continue
        parts = [p for p in _VIA.split(found["src"]) if p.strip()]
        if not parts:
            continue
        words = parts[0].strip(" «»\"'“”").split()
        if words and words[0] in _DESK_WORDS:
            agency = next((k for k, w in enumerate(words) if w in _AGENCY_WORDS), None)
            words = words[agency:] if agency is not None else words[-1:]
        if words:
            return " ".join(words)
    return None


def as_plain_text(raw: str) -> str:
    """The text a reader sees: markup read as a page shows it, entities decoded."""
    if _HTML_TAG.search(raw):
        return html_to_text(raw)
    return html.unescape(raw) if _HTML_ENTITY.search(raw) else raw


def parse_article(raw: str, normalizer: TextNormalizer) -> Article:
    """Parse and normalize one statement. Raises ``RejectedText`` for non-articles.

    ``raw`` is kept as it came, for the audit trail; markup in it is parsed as text.
    """
    if not _PERSIAN_LETTER.search(raw):
        raise RejectedText(Rejection.NO_PERSIAN)
    date_text, lines = _take_date([line.strip() for line in _clean(as_plain_text(raw)).split("\n")])
    classified, tags = _classify(lines)
    kicker, title, rest = _head(classified)
    paragraphs = _paragraphs(rest)
    if not paragraphs and title:
        paragraphs, title = [title], None
    paragraphs = [p for p in paragraphs if _PERSIAN_LETTER.search(p)]
    if not paragraphs:
        raise RejectedText(Rejection.NO_PARAGRAPH)
    source = _source(paragraphs)

    head = [kicker, title, source]
    present = [h for h in head if h] + paragraphs + tags
    normalized = iter(normalizer.normalize_lines(present))
    kicker, title, source = (next(normalized) if h else None for h in head)
    paragraphs = [next(normalized) for _ in paragraphs]
    tags = list(dict.fromkeys(next(normalized) for _ in tags))
    return Article(
        paragraphs=tuple(p for p in paragraphs if p),
        raw_text=raw,
        title=title or None,
        kicker=kicker or None,
        date=parse_date(date_text) if date_text else None,
        source=source or None,
        tags=tuple(t for t in tags if t),
    )
