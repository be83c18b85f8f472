"""Persian text normalization: pure functions over strings.

hazm's ``Normalizer`` does most of the work. This module adds what it misses on
real press copy: it shields dates, numbers, URLs and handles from hazm's spacing
rules, unifies letters and invisible marks hazm leaves alone, and puts back the
ZWNJ that copy-paste loses (``اطلاعرسانی`` → ``اطلاع‌رسانی``) where hazm's own
lexicon confirms it.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hazm import Normalizer
from hazm.constants import NUMBERS_DST, NUMBERS_SRC, TRANSLATION_DST, TRANSLATION_SRC
from hazm.lemmatizer import Conjugation
from hazm.utils import default_verbs, maketrans

from storage.text.cache import Memo
from storage.text.letters import DIGITS, LETTERS, NON_JOINING, ZWNJ, persian_digits, unify_characters

# Spans hazm's correct_spacing would break apart: they are set aside and put back.
_PROTECTED = re.compile(
    rf"(?=[{DIGITS}A-Za-z@])"  # every branch starts so: lets the scan skip Persian text fast
    r"(?:(?:https?://|www\.)[^\s«»\"<>]+[^\s«»\"<>.,،؛:!?؟)\]]"  # URLs
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # e-mail addresses
    r"|(?<![\w@])@[A-Za-z][A-Za-z0-9_]{2,31}"  # Telegram handles
    rf"|[{DIGITS}]{{1,4}}[/\-.][{DIGITS}]{{1,2}}[/\-.][{DIGITS}]{{1,4}}"  # dates
    rf"|[{DIGITS}]{{1,2}}:[{DIGITS}]{{2}}(?::[{DIGITS}]{{2}})?"  # times
    rf"|[{DIGITS}]{{1,3}}(?:[,٬][{DIGITS}]{{3}})+(?:[.٫][{DIGITS}]+)?"  # 1,200,000
    rf"|[{DIGITS}]+[.٫][{DIGITS}]+"  # decimals
    r")"
)
_NUMERIC = re.compile(rf"[{DIGITS}]")
_URLISH = re.compile(r"^(?:https?://|www\.)|@")
# Stands in for a protected span while hazm runs; Latin letters pass through it intact.
_PLACEHOLDER = re.compile(r"qzq([a-j]+)qzq")

# Suffixes written after a ZWNJ. The pronoun set only follows a silent ه (خانه‌ای),
# elsewhere it is written joined (کتابم); comparatives only follow adjectives.
_PLURAL_SUFFIXES = ("هایشان", "هایتان", "هایمان", "هایی", "هایش", "هایم", "هایت", "هاست", "های", "ها")
_PRONOUN_SUFFIXES = ("اند", "ایم", "اید", "ای", "ام", "ات", "اش")
_COMPARATIVE_SUFFIXES = ("ترین", "تری", "تر")
_PREFIX_BE = "به"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """hazm's word list: word → (corpus frequency, part-of-speech tags)."""

    words: Mapping[str, tuple[int, tuple[str, ...]]]

    def known(self, word: str) -> bool:
        """True for words attested in hazm's corpus (frequency > 0).

        The list also holds ~158k unattested entries, among them broken forms such as
        ``نشاندهنده``; those must not stop a repair.
        """
        entry = self.words.get(word)
        return entry is not None and entry[0] > 0

    def listed(self, word: str) -> bool:
        return word in self.words

    def adjective(self, word: str) -> bool:
        entry = self.words.get(word)
        return entry is not None and "AJ" in entry[1]


class ZwnjRepairer:
    """Restores lost ZWNJs in single words, remembered since news vocabulary repeats."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._memo = Memo(self._repair, 100_000)

    def __call__(self, word: str) -> str:
        return self._memo(word)

    def _repair(self, word: str) -> str:
        if len(word) < 4 or self._lexicon.known(word):
            return word
        return (self._plural(word) or self._compound(word) or self._suffixed(word)
                or self._prefixed(word) or word)

    def _plural(self, word: str) -> str | None:
        """``سازمانها`` → ``سازمان‌ها``. Checked first: ``روزهای`` is days, not ``روزه‌ای``."""
        for suffix in _PLURAL_SUFFIXES:
            base = word[: -len(suffix)]
            if not word.endswith(suffix) or len(base) < 2:
                continue
            if base[-1] in NON_JOINING:
                if self._lexicon.known(base):
                    return word  # nothing to restore: the letters do not join anyway
                continue
            if self._lexicon.listed(base):
                return base + ZWNJ + suffix
            repaired = self._compound(base)
            if repaired:
                return repaired + ZWNJ + suffix
        return None

    def _compound(self, word: str) -> str | None:
        """``اطلاعرسانی`` → ``اطلاع‌رسانی`` when the lexicon lists the ZWNJ form."""
        for i in range(2, len(word) - 1):
            if word[i - 1] in NON_JOINING:
                continue
            candidate = word[:i] + ZWNJ + word[i:]
            if self._lexicon.known(candidate):
                return candidate
        return None

    def _suffixed(self, word: str) -> str | None:
        """``مهمترین`` → ``مهم‌ترین``, ``حاشیهای`` → ``حاشیه‌ای``."""
        lex = self._lexicon
        for suffixes, fits in (
            (_COMPARATIVE_SUFFIXES, lex.adjective),
            (_PRONOUN_SUFFIXES, lambda base: base.endswith("ه") and lex.listed(base)),
        ):
            for suffix in suffixes:
                base = word[: -len(suffix)]
                if word.endswith(suffix) and len(base) >= 2 and fits(base):
                    return base + ZWNJ + suffix
        return None

    def _prefixed(self, word: str) -> str | None:
        """``بهعنوان`` → ``به‌عنوان``: the preposition glued to an attested noun; not a word
        the lexicon lists whole, however rare (بهمنی, a surname, is no به‌منی)."""
        rest = word[len(_PREFIX_BE):]
        if (word.startswith(_PREFIX_BE) and len(rest) >= 3 and self._lexicon.known(rest)
                and not self._lexicon.listed(word)):
            return _PREFIX_BE + ZWNJ + rest
        return None


def _encode_index(i: int) -> str:
    return "".join("abcdefghij"[int(d)] for d in str(i))


def _decode_index(code: str) -> int:
    return int("".join(str("abcdefghij".index(c)) for c in code))


def _styled(span: str) -> str:
    """How a protected span is shown: numbers in Persian digits and separators."""
    if _URLISH.search(span) or not _NUMERIC.search(span):
        return span
    if re.fullmatch(rf"[{DIGITS}]+[.][{DIGITS}]+", span):
        span = span.replace(".", "٫")
    return persian_digits(span.replace(",", "٬"))


def _verb_forms() -> set[str]:
    """Every conjugated form of hazm's verbs, as ``hazm.Lemmatizer().verbs`` lists them."""
    conjugation = Conjugation()
    with Path(default_verbs).open(encoding="utf-8") as file:
        verbs = [line.strip() for line in file if line]
    forms = {"است"}
    for verb in verbs:
        forms.update(conjugation.get_all(verb))
    return forms


class _FastHazm(Normalizer):
    """hazm's Normalizer with the same output, without its slowest steps on long texts.

    hazm 0.12 maps characters with ``str.translate`` (~1 ms per article of Persian text,
    twice) and scans every word for letters repeated three times. Here the mapping
    only touches the characters it changes, and the repeat scan runs only when a
    letter repeats at all. ``tests/test_text.py`` checks the output against hazm's.
    """

    def __init__(self) -> None:
        super().__init__(seperate_mi=False)
        # hazm gets its verb forms from a Lemmatizer, which loads the 194k-word lexicon
        # a second time (~75 MB, ~1 s); the same forms come straight from verbs.dat.
        self._verbs = _verb_forms()
        self._seperate_mi = True
        self._letters = {chr(k): v for k, v in maketrans(TRANSLATION_SRC, TRANSLATION_DST).items()}
        self._letters_re = re.compile(f"[{re.escape(''.join(self._letters))}]")
        self._numbers = maketrans(NUMBERS_SRC, NUMBERS_DST)
        self._numbers_re = re.compile(f"[{re.escape(NUMBERS_SRC)}]+")
        self._tripled = re.compile(r"([آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی])\1\1")

    def normalize(self, text: str) -> str:
        # The steps and order of hazm.Normalizer.normalize, with every option on.
        text = self._letters_re.sub(lambda m: self._letters[m.group()], text)
        text = self.persian_style(text)
        text = self.persian_number(text)
        text = self.remove_diacritics(text)
        text = self.correct_spacing(text)
        text = self.unicodes_replacement(text)
        text = self.remove_specials_chars(text)
        text = self.decrease_repeated_chars(text)
        return self.seperate_mi(text)

    def persian_number(self, text: str) -> str:
        return self._numbers_re.sub(lambda m: m.group().translate(self._numbers), text)

    def decrease_repeated_chars(self, text: str) -> str:
        return super().decrease_repeated_chars(text) if self._tripled.search(text) else text


_SENTENCE_END = re.compile(r"[.!؟?…]\s*$")


# A « before a stop opens nothing: it was typed for the » that closes (``… بیشتر کنند
# «.``), and left so it would make the rest of the paragraph a quotation. One at a line's
# end may open the next paragraph's words.
_STRAY_OPEN = re.compile(r"[ \t]*«[ \t]*(?=[.!؟?،؛:])")


def _pair_straight_quotes(text: str) -> str:
    """Straight quotes as «…», paired across lines: copy split after each full stop
    carries a quotation's close to the next sentence's start (``… گفت: "…`` then ``"کاخ
    سفید … گفت: "…``), where pairing them line by line, as hazm does, would turn the
    close and the next opening into a pair. So a mark at a sentence's start is a close
    when the line before left a quotation open and this line has a mark too many, or when
    the line's next mark opens a quotation after a colon; elsewhere marks alternate."""
    if '"' not in text:
        return text
    lines = []
    left_open = False
    for line in text.split("\n"):
        parts = line.split('"')
        out = [parts[0]]
        unpaired = len(parts) % 2 == 0  # an odd number of marks
        for k in range(1, len(parts)):
            so_far = "".join(out)
            starts = not so_far.strip() or _SENTENCE_END.search(so_far) is not None
            next_opens = k + 1 < len(parts) and parts[k].rstrip().endswith(":")
            if left_open and (k > 1 or (starts and (unpaired or next_opens))):
                mark, left_open = "»", False
            elif starts and next_opens:
                mark = "»"  # the close of a quotation opened before, not an opening
            else:
                mark, left_open = "«", True
            out += [mark, parts[k]]
        lines.append("".join(out))
    return "\n".join(lines)


class TextNormalizer:
    """hazm's Normalizer plus the repairs press copy needs. Build once and share.

    Loading hazm's lexicon costs ~0.5 s and ~80 MB; ``shared_normalizer()`` keeps
    the one instance the process needs.
    """

    def __init__(self) -> None:
        self._hazm = _FastHazm()
        # hazm has already loaded its lexicon for correct_spacing; reuse it.
        words = getattr(self._hazm, "_words", None)
        if not words:
            from hazm.utils import words_list

            words = {w: (count, tags) for w, count, tags in words_list()}
        self.lexicon = Lexicon(words)
        self._repair = ZwnjRepairer(self.lexicon)
        self._word = re.compile(f"[{LETTERS}]+")


    def normalize(self, text: str) -> str:
        """Normalize display text; line breaks are kept, one output line per input line."""
        text = _pair_straight_quotes(unify_characters(text))
        spans: list[str] = []

        def shield(m: re.Match[str]) -> str:
            spans.append(m.group())
            return f" qzq{_encode_index(len(spans) - 1)}qzq "

        text = _PROTECTED.sub(shield, text)
        text = self._hazm.normalize(text)
        text = self._restore_zwnj(text)
        if spans:
            text = _PLACEHOLDER.sub(lambda m: _styled(spans[_decode_index(m.group(1))]), text)
        text = _STRAY_OPEN.sub("»", text)
        # hazm has collapsed spaces and loose ZWNJs already, but leaves them at line ends.
        return "\n".join(line.strip(" " + ZWNJ) for line in text.split("\n"))

    def _restore_zwnj(self, text: str) -> str:
        # Repair each distinct word once, then rewrite only the few that changed.
        fixes = {w: fixed for w in set(self._word.findall(text)) if (fixed := self._repair(w)) != w}
        if not fixes:
            return text
        return self._word.sub(lambda m: fixes.get(m.group(), m.group()), text)

    def normalize_lines(self, lines: list[str]) -> list[str]:
        """Normalize many single-line strings in one hazm call (hazm works line by line)."""
        if not lines:
            return []
        out = self.normalize("\n".join(lines)).split("\n")
        if len(out) != len(lines):  # hazm merged or split a line: fall back to one by one
            out = [self.normalize(line) for line in lines]
        return out


_SHARED_LOCK = threading.Lock()


@functools.cache
def shared_normalizer() -> TextNormalizer:
    """The process's one normalizer; built once even when two threads ask at the same time."""
    with _SHARED_LOCK:
        return _build_shared()


@functools.cache
def _build_shared() -> TextNormalizer:
    return TextNormalizer()
