"""One analyzer for indexing and querying: display text → index terms.

The index holds terms, not words: folded (ي/ی, ك/ک, digits), stemmed only where
hazm's lexicon confirms the stem, and with compounds split into their parts, so
``اطلاع‌رسانی``, ``اطلاع رسانی`` and ``اطلاعرسانی`` meet. A compound's joined form
goes into a separate column, which is what a query typed without the ZWNJ matches
when the lexicon cannot repair it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from storage.text.cache import Memo
from storage.text.letters import DIGITS, LETTERS, NON_JOINING, ZWNJ, fold
from storage.text.normalize import TextNormalizer

# Bumped whenever the terms of a text would come out differently: the store then rebuilds
# its index and recompiles the query subscriptions, which hold compiled queries.
SEARCH_VERSION = 1

WORD = re.compile(f"[{LETTERS}{ZWNJ}A-Za-z{DIGITS}]+")
_SPLIT_ZWNJ = re.compile(f"{ZWNJ}+")
# Parts that carry no meaning of their own once a compound is split on its ZWNJs.
_AFFIX_PARTS = frozenset(
    {"ها", "های", "هایی", "هایش", "هایشان", "هایمان", "هایتان", "هایم", "هاست",
     "ای", "ام", "ات", "اش", "اند", "ایم", "اید", "تر", "تری", "ترین", "می"}
)
# Suffixes stripped when the lexicon confirms the stem is the commoner word.
_SUFFIXES = ("هایی", "های", "ها", "ترین", "تر", "ات", "ان", "ای", "ی")
_LETTERS_ONLY = re.compile(f"[{LETTERS}]{{5,}}")
# Distinct words remembered; a flood of made-up words cannot grow memory past this.
_MEMO_SIZE = 200_000

Terms = tuple[tuple[str, ...], tuple[str, ...]]


class Analyzer:
    """Turns normalized display text into index terms; user text is normalized first."""

    def __init__(self, normalizer: TextNormalizer) -> None:
        self._normalizer = normalizer
        self._lexicon = normalizer.lexicon
        self.stem = Memo(self._stem, _MEMO_SIZE)
        self._tokens = Memo(self._analyze_token, _MEMO_SIZE)
        self._splits = Memo(self._find_split, _MEMO_SIZE)
        self.token_keys = Memo(self._token_keys, _MEMO_SIZE)

    def normalize(self, text: str) -> str:
        """User text in the display form the index was built from."""
        return self._normalizer.normalize(text.replace("\n", " "))

    def _stem(self, word: str) -> str:
        """The folded stem of one word (no ZWNJ in it)."""
        return fold(self._strip_suffix(word))

    def _strip_suffix(self, word: str) -> str:
        if len(word) <= 3 or not ("\u0600" <= word[0] <= "\u06ff"):
            return word
        words = self._lexicon.words
        whole = words.get(word, (0, ()))[0]
        for suffix in _SUFFIXES:
            base = word[: -len(suffix)]
            if word.endswith(suffix) and len(base) >= 2:
                entry = words.get(base)
                # ایران stays ایران: the stem must be attested and commoner than the word.
                if entry is not None and entry[0] > 0 and entry[0] >= whole:
                    return base
        return word

    def word_terms(self, token: str) -> tuple[list[str], str | None]:
        """Terms of one display token, and its joined form when it is a compound."""
        parts = [p for p in _SPLIT_ZWNJ.split(token) if p]
        content = [p for i, p in enumerate(parts) if i == 0 or p not in _AFFIX_PARTS]
        if len(content) > 1 and content[0] == "می":
            content = content[1:]
        terms = [self.stem(p) for p in content]
        joined = self.stem("".join(content)) if len(content) > 1 else None
        return terms, joined

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        """Index terms of normalized text, in order, and the other forms of its compounds:
        joined (``اطلاع‌رسانی`` → ``اطلاعرسانی``) and split (``شخصمحور`` → ``شخص محور``)."""
        analyzed = [self._tokens(token) for token in WORD.findall(text)]
        return [t for a in analyzed for t in a[0]], [t for a in analyzed for t in a[1]]

    def _analyze_token(self, token: str) -> Terms:
        word_terms, compound = self.word_terms(token)
        other = (compound,) if compound else tuple(self.split_unknown(token) or ())
        return tuple(word_terms), other

    def document(self, title: str | None, lead: str, body: Sequence[str],
                 extra: Iterable[str] = ()) -> dict[str, str]:
        """The FTS row of an article: analyzed columns, compounds' joined forms in ``extra``."""
        columns: dict[str, str] = {}
        compounds: list[str] = []
        for name, text in (("title", title or ""), ("lead", lead), ("body", "\n".join(body))):
            terms, joined = self.terms(text)
            columns[name] = " ".join(terms)
            compounds.extend(joined)
        extra_terms, extra_joined = self.terms("\n".join(extra))
        columns["extra"] = " ".join([*compounds, *extra_terms, *extra_joined])
        return columns

    def split_unknown(self, token: str) -> tuple[str, ...] | None:
        """``شخصمحور`` typed joined: the two attested words it may stand for."""
        if ZWNJ in token or len(token) < 5 or self._lexicon.listed(token):
            return None
        return self._splits(token)

    def _find_split(self, token: str) -> tuple[str, ...] | None:
        if self._strip_suffix(token) != token or not _LETTERS_ONLY.fullmatch(token):
            return None
        for i in range(2, len(token) - 1):
            head, tail = token[:i], token[i:]
            if head[-1] not in NON_JOINING and self._lexicon.known(head) and self._lexicon.known(tail):
                return self.stem(head), self.stem(tail)
        return None

    def _token_keys(self, token: str) -> tuple[frozenset[str], str]:
        """A display word's terms (with its joined form) and its folded form."""
        terms, joined = self.word_terms(token)
        return frozenset([*terms, joined] if joined else terms), fold(token).replace(" ", "")
