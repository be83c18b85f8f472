"""Persian-aware search: one analyzer for indexing and querying, the query language,
and snippets cut from the display text.

The index holds terms, not words: folded (ي/ی, ك/ک, digits), stemmed only where
hazm's lexicon confirms the stem, and with compounds split into their parts, so
``اطلاع‌رسانی``, ``اطلاع رسانی`` and ``اطلاعرسانی`` meet. A compound's joined form
goes into a separate column, which is what a query typed without the ZWNJ matches
when the lexicon cannot repair it.

Queries: words (all must match), ``"exact phrase"``, ``-word`` to exclude, ``word*``
for a prefix. Every term reaches FTS5 quoted, so no input can raise an FTS5 error.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from storage.text import DIGITS, LETTERS, ZWNJ, TextNormalizer, fold

MAX_QUERY_CHARS = 256
# Matches ranked per query, newest first; beyond them a query's cost would grow with the archive.
MAX_CANDIDATES = 2000
SNIPPET_WORDS = 28

_WORD = re.compile(f"[{LETTERS}{ZWNJ}A-Za-z{DIGITS}]+")
_SPLIT_ZWNJ = re.compile(f"{ZWNJ}+")
# Parts that carry no meaning of their own once a compound is split on its ZWNJs.
_AFFIX_PARTS = frozenset(
    {"ها", "های", "هایی", "هایش", "هایشان", "هایمان", "هایتان", "هایم", "هاست",
     "ای", "ام", "ات", "اش", "اند", "ایم", "اید", "تر", "تری", "ترین", "می"}
)
# Suffixes stripped when the lexicon confirms the stem is the commoner word.
_SUFFIXES = ("هایی", "های", "ها", "ترین", "تر", "ات", "ان", "ای", "ی")
_LETTERS_ONLY = re.compile(f"[{LETTERS}]{{5,}}")
_NON_JOINING = frozenset("اآأإدذرزژوؤ")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_QUERY_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<neg>-)?(?P<word>[^\s"]+)')


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the FTS5 MATCH expression and what the snippet should mark."""

    match: str
    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.match


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    date: str | None
    source: str | None
    origin: str
    score: float
    snippet: str  # Telegram HTML: escaped text, matches in <b>


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: tuple[SearchHit, ...]
    has_more: bool
    query: Query = field(repr=False)

    @property
    def truncated(self) -> bool:
        return self.query.truncated


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _phrase_terms(expressions: list[str]) -> list[str]:
    """The main terms of word expressions, for a phrase: ``("a b" OR "ab")`` → ``a b``."""
    return [e.lstrip("(").split('"')[1] for e in expressions]


class Analyzer:
    """Turns normalized display text into index terms, and user text into queries."""

    def __init__(self, normalizer: TextNormalizer) -> None:
        self._normalizer = normalizer
        self._lexicon = normalizer.lexicon
        self._stems: dict[str, str] = {}
        self._splits: dict[str, list[str] | None] = {}
        self._keys: dict[str, tuple[frozenset[str], str]] = {}
        self._tokens: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    # -- terms ----------------------------------------------------------------

    def stem(self, word: str) -> str:
        """The folded stem of one word (no ZWNJ in it)."""
        stem = self._stems.get(word)
        if stem is None:
            stem = fold(self._strip_suffix(word))
            if len(self._stems) < 500_000:
                self._stems[word] = stem
        return stem

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
        known = self._tokens
        analyzed = [known.get(token) or self._analyze_token(token) for token in _WORD.findall(text)]
        return [t for a in analyzed for t in a[0]], [t for a in analyzed for t in a[1]]

    def _analyze_token(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        word_terms, compound = self.word_terms(token)
        other = (compound,) if compound else tuple(self._split_unknown(token) or ())
        analyzed = (tuple(word_terms), other)
        if len(self._tokens) < 500_000:  # news vocabulary repeats: analyze each word once
            self._tokens[token] = analyzed
        return analyzed

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

    # -- queries --------------------------------------------------------------

    def query(self, raw: str) -> Query:
        """Parse user text. Never raises; unusable input gives an empty query."""
        truncated = len(raw) > MAX_QUERY_CHARS
        if truncated:  # cut at a space, not inside a word
            cut = raw[: MAX_QUERY_CHARS + 1]
            raw = cut[: cut.rfind(" ")] if " " in cut else cut[:MAX_QUERY_CHARS]
        raw = _CONTROL.sub(" ", raw)
        positive: list[str] = []
        negative: list[str] = []
        boosters: list[str] = []
        marked: set[str] = set()
        prefixes: list[str] = []
        words: list[str] = []

        def flush_words() -> None:
            if not words:
                return
            run = self._words_expression(" ".join(words), marked)
            positive.extend(run)
            if len(run) > 1:  # the words side by side rank above the words apart
                boosters.append(f"({_quote(' '.join(_phrase_terms(run)))} OR {run[0]})")
            words.clear()

        for m in _QUERY_TOKEN.finditer(raw):
            if m["phrase"] is not None:
                flush_words()
                expression = self._phrase_expression(m["phrase"], marked)
                if expression:
                    positive.append(expression)
            elif m["neg"] and m["word"]:
                flush_words()
                negative.extend(self._words_expression(m["word"], set()))
            elif m["word"].endswith("*") and m["word"].strip("*"):
                flush_words()
                prefix = fold(self.normalize(m["word"].strip("*")))
                prefix_terms = _WORD.findall(prefix)
                if prefix_terms:
                    positive.append(_quote(" ".join(prefix_terms)) + " *")
                    prefixes.append(prefix_terms[-1])
            else:
                words.append(m["word"])
        flush_words()
        if not positive:
            return Query("", frozenset(), truncated=truncated)
        match = " AND ".join([*positive, *boosters])
        if negative:
            match = f"({match}) NOT ({' OR '.join(negative)})"
        return Query(match, frozenset(marked), tuple(prefixes), truncated)

    def normalize(self, text: str) -> str:
        """User text in the display form the index was built from."""
        return self._normalizer.normalize(text.replace("\n", " "))

    def _phrase_expression(self, phrase: str, marked: set[str]) -> str | None:
        terms, _ = self.terms(self.normalize(phrase))
        marked.update(terms)
        return _quote(" ".join(terms)) if terms else None

    def _words_expression(self, text: str, marked: set[str]) -> list[str]:
        """One expression per word; a compound matches split or joined."""
        expressions = []
        for token in _WORD.findall(self.normalize(text)):
            terms, joined = self.word_terms(token)
            if not terms:
                continue
            options = [" ".join(terms)]
            if joined:
                options.append(joined)
            elif split := self._split_unknown(token):
                options.append(" ".join(split))
            marked.update(t for option in options for t in option.split())
            quoted = [_quote(o) for o in options]
            expressions.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
        return expressions

    def _split_unknown(self, token: str) -> list[str] | None:
        """``شخصمحور`` typed joined: the two attested words it may stand for."""
        if ZWNJ in token or len(token) < 5 or self._lexicon.listed(token):
            return None
        if token not in self._splits:
            self._splits[token] = self._find_split(token)
        return self._splits[token]

    def _find_split(self, token: str) -> list[str] | None:
        if self._strip_suffix(token) != token or not _LETTERS_ONLY.fullmatch(token):
            return None
        for i in range(2, len(token) - 1):
            head, tail = token[:i], token[i:]
            if head[-1] not in _NON_JOINING and self._lexicon.known(head) and self._lexicon.known(tail):
                return [self.stem(head), self.stem(tail)]
        return None

    # -- snippets -------------------------------------------------------------

    def _token_keys(self, token: str) -> tuple[frozenset[str], str]:
        """A display word's terms (with its joined form) and its folded form, cached."""
        keys = self._keys.get(token)
        if keys is None:
            terms, joined = self.word_terms(token)
            keys = (frozenset([*terms, joined] if joined else terms), fold(token).replace(" ", ""))
            if len(self._keys) < 500_000:
                self._keys[token] = keys
        return keys

    def _matches(self, token: str, query: Query) -> bool:
        terms, folded = self._token_keys(token)
        return not terms.isdisjoint(query.terms) or any(folded.startswith(p) for p in query.prefixes)

    def snippet(self, paragraphs: Sequence[str], query: Query, width: int = SNIPPET_WORDS) -> str:
        """The window of the paragraph with the most distinct matches, as escaped HTML."""
        if not paragraphs:
            return ""
        # A regex of the terms' spellings finds candidates fast; the analyzer confirms them.
        loose = _loose_pattern(query.terms, query.prefixes)
        counts = [len({m.group() for m in loose.finditer(p)}) for p in paragraphs]
        tokens = paragraphs[counts.index(max(counts))].split(" ")
        hits = {i for i, tok in enumerate(tokens)
                if loose.search(tok) and any(self._matches(w, query) for w in _WORD.findall(tok))}
        start = _best_window(sorted(hits), len(tokens), width)
        out = [_mark(tok, lambda w: self._matches(w, query)) if i in hits else html.escape(tok)
               for i, tok in enumerate(tokens[start:start + width], start)]
        text = " ".join(out)
        if start > 0:
            text = "… " + text
        if start + width < len(tokens):
            text += " …"
        return text


_SPELLINGS = {
    "ا": "اآأإ", "ی": "یيىئ", "ک": "کك", "ه": "هةۀ", "و": "وؤ",
    **{d: d + "۰۱۲۳۴۵۶۷۸۹"[int(d)] + "٠١٢٣٤٥٦٧٨٩"[int(d)] for d in "0123456789"},
}


@functools.lru_cache(maxsize=512)
def _loose_pattern(terms: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Every display spelling of the terms: any letter variant, a ZWNJ anywhere inside."""
    def loose(term: str) -> str:
        chars = [f"[{_SPELLINGS[c]}]" if c in _SPELLINGS else re.escape(c) for c in term if c != " "]
        return f"{ZWNJ}?".join(chars)

    alternatives = sorted({*terms, *prefixes}, key=len, reverse=True)
    return re.compile("|".join(loose(t) for t in alternatives if t.strip()) or "(?!)", re.IGNORECASE)


def _best_window(hits: list[int], length: int, width: int) -> int:
    """Start of the ``width``-token window holding the most hits, a little context before."""
    if not hits or length <= width:
        return 0
    best_start, best_count = 0, -1
    for h in hits:
        start = max(0, min(h - 3, length - width))
        count = sum(start <= x < start + width for x in hits)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def _mark(token: str, matches: Callable[[str], bool]) -> str:
    """Escape a display token, wrapping its matching words in <b>."""
    out = []
    last = 0
    for m in _WORD.finditer(token):
        out.append(html.escape(token[last:m.start()]))
        word = m.group()
        out.append(f"<b>{html.escape(word)}</b>" if matches(word) else html.escape(word))
        last = m.end()
    out.append(html.escape(token[last:]))
    return "".join(out)
