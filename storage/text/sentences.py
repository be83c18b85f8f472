"""Sentences and content words of normalized Persian text: pure functions over strings.

Shared by quote attribution (a speaker opens the sentence that holds the cue) and
summaries (which pick whole sentences and compare their words).
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections import Counter
from collections.abc import Iterable

from storage.text.cache import Memo
from storage.text.letters import DIGITS, LETTERS, ZWNJ, fold

# A sentence ends at . ! ? ؟ … (and any closing quotation marks) before a space. A period
# between digits (۱۴۰۴.۰۹) or inside an abbreviation (ج.ا.ا) has no space after it.
# A question the reporter puts before the answer's cue (``درباره این‌که … یا خیر؟ گفت: …``)
# is part of the sentence that answers it.
_SENTENCE_END = re.compile(
    r"[.!?؟…]+(?:\s?[»\"')\]])*(?=\s)"
    r"(?<![?؟](?=\s+(?:گفت|افزود|پاسخ\s*داد|اظهار\s*(?:کرد|داشت)|توضیح\s*داد|عنوان\s*کرد)\s*:))"
    # A question or an exclamation with the next sentence written onto it (…داده اند ؟!به
    # گزارش …): a full stop so written is a number's or a link's, and stays.
    f"|[!?؟]+(?=[{LETTERS}])"
)
_OPEN_QUOTE, _CLOSE_QUOTE = "«", "»"
# Agency copy credits its source in a clause of its own, ``به گزارش X،``: the body of a
# news item starts with it, and the subject of its sentence comes after it.
ATTRIBUTION = re.compile(
    r"^\s*(?:به\s*گزارش|به\s*نقل\s*از|به\s*نوشته|بنا\s*بر\s*گزارش|بنابر\s*گزارش)[^،,:؛]{0,120}[،,:؛]\s*"
)
_TOKEN = re.compile(f"[{LETTERS}{DIGITS}A-Za-z{ZWNJ}]+")
# A word of normalized text; a ZWNJ splits compounds into their parts.
_PLAIN_WORD = re.compile(f"[{LETTERS}{DIGITS}A-Za-z]+")
# News vocabulary repeats: folding each distinct token once is several times faster
# than folding every sentence.
fold_word = Memo(fold, 100_000)


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, as written (stripped), in order.

    A quotation in «…» that closes within the paragraph is not cut: its full stops end
    the speaker's sentences, not the reporter's.
    """
    sentences: list[str] = []
    start = 0
    for end in sentence_ends(paragraph):
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


@functools.lru_cache(maxsize=256)
def sentence_ends(paragraph: str) -> tuple[int, ...]:
    """Offsets just past each sentence end inside ``paragraph`` (not counting its own end).

    Remembered for the last paragraphs seen: quotes and the summary both split them.
    """
    ends = list(_SENTENCE_END.finditer(paragraph))
    if _OPEN_QUOTE not in paragraph:
        return tuple(m.end() for m in ends)
    # Counted past the end: a stop that the quotation's closing mark follows (``… شد.»``)
    # ends the reporter's sentence too.
    quotation = Quotations(paragraph)
    return tuple(m.end() for m in ends if not quotation.inside(m.end()))


class Quotations:
    """Whether places of one text lie inside a «…» quotation, asked in text order.

    Counting the marks from the start for every place would make a paragraph with many
    places quadratic; the count carries on from the last place asked instead.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0
        self._depth = 0
        self._last_close = text.rfind(_CLOSE_QUOTE)

    def inside(self, at: int) -> bool:
        if at < self._at:  # asked out of order: count again from the start
            self._at, self._depth = 0, 0
        self._depth += (self._text.count(_OPEN_QUOTE, self._at, at)
                        - self._text.count(_CLOSE_QUOTE, self._at, at))
        self._at = at
        # An unclosed « (a typo, or a quote that runs on) must not swallow the paragraph.
        return self._depth > 0 and at <= self._last_close


@functools.cache
def stopwords() -> frozenset[str]:
    """hazm's stopwords split into words (the list holds ``آمده_است``), as written and folded."""
    from hazm.utils import stopwords_list

    parts = {w for entry in stopwords_list() for w in re.split(f"[_ {ZWNJ}]+", entry) if w}
    return frozenset(parts | {fold(w) for w in parts})


def words(text: str) -> list[str]:
    """Folded words of ``text``, stopwords included; a compound counts as its parts."""
    out: list[str] = []
    for token in _TOKEN.findall(text):
        out.extend(fold_word(token).split())
    return out


def plain_words(text: str) -> list[str]:
    """The words of normalized text as written (not folded: text from one normalizer
    compares as it is); a ZWNJ splits compounds into their parts."""
    return _PLAIN_WORD.findall(text)


def content_counts(words: Iterable[str]) -> Counter[str]:
    """Counts of ``words`` without stopwords and one-letter debris. This runs on every
    sentence of every article ingested, so the filtering stays in C."""
    return Counter(itertools.filterfalse(_skipped().__contains__, words))


def content_words(text: str) -> Counter[str]:
    """Counts of the content words of normalized text."""
    return content_counts(plain_words(text))


@functools.cache
def _skipped() -> frozenset[str]:
    """Stopwords and every one-character word (Arabic-script block, Latin, digits)."""
    singles = {chr(c) for c in range(0x0600, 0x0700)} | set(string.ascii_letters + string.digits)
    return stopwords() | singles
