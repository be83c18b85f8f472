"""The query language: what people type → an FTS5 MATCH expression and what to mark.

Words (all must match), ``"exact phrase"``, ``-word`` to exclude, ``word*`` for a prefix.
Every term reaches FTS5 quoted, so no input can raise an FTS5 error; anything else is
plain text, and unusable input gives an empty query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storage.search.analyzer import WORD, Analyzer
from storage.text.letters import fold

MAX_QUERY_CHARS = 256
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


def quote_term(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _phrase_terms(expressions: list[str]) -> list[str]:
    """The main terms of word expressions, for a phrase: ``("a b" OR "ab")`` → ``a b``."""
    return [e.lstrip("(").split('"')[1] for e in expressions]


def cut_query(raw: str) -> tuple[str, bool]:
    """At most ``MAX_QUERY_CHARS``, cut at a space rather than inside a word."""
    if len(raw) <= MAX_QUERY_CHARS:
        return raw, False
    cut = raw[: MAX_QUERY_CHARS + 1]
    return (cut[: cut.rfind(" ")] if " " in cut else cut[:MAX_QUERY_CHARS]), True


@dataclass
class _Builder:
    analyzer: Analyzer
    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    boosters: list[str] = field(default_factory=list)
    marked: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def flush_words(self) -> None:
        if not self.words:
            return
        run = self.words_expression(" ".join(self.words), self.marked)
        self.positive.extend(run)
        if len(run) > 1:  # the words side by side rank above the words apart
            self.boosters.append(f"({quote_term(' '.join(_phrase_terms(run)))} OR {run[0]})")
        self.words.clear()

    def phrase(self, text: str) -> None:
        self.flush_words()
        terms, _ = self.analyzer.terms(self.analyzer.normalize(text))
        self.marked.update(terms)
        if terms:
            self.positive.append(quote_term(" ".join(terms)))

    def exclude(self, word: str) -> None:
        self.flush_words()
        self.negative.extend(self.words_expression(word, set()))

    def prefix(self, word: str) -> None:
        self.flush_words()
        terms = WORD.findall(fold(self.analyzer.normalize(word)))
        if terms:
            self.positive.append(quote_term(" ".join(terms)) + " *")
            self.prefixes.append(terms[-1])

    def words_expression(self, text: str, marked: set[str]) -> list[str]:
        """One expression per word; a compound matches split or joined."""
        expressions = []
        for token in WORD.findall(self.analyzer.normalize(text)):
            terms, joined = self.analyzer.word_terms(token)
            if not terms:
                continue
            options = [" ".join(terms)]
            if joined:
                options.append(joined)
            elif split := self.analyzer.split_unknown(token):
                options.append(" ".join(split))
            marked.update(t for option in options for t in option.split())
            quoted = [quote_term(o) for o in options]
            expressions.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
        return expressions

    def query(self, truncated: bool) -> Query:
        self.flush_words()
        if not self.positive:
            return Query("", frozenset(), truncated=truncated)
        match = " AND ".join([*self.positive, *self.boosters])
        if self.negative:
            match = f"({match}) NOT ({' OR '.join(self.negative)})"
        return Query(match, frozenset(self.marked), tuple(self.prefixes), truncated)


def parse_query(analyzer: Analyzer, raw: str) -> Query:
    """Parse user text. Never raises; unusable input gives an empty query."""
    raw, truncated = cut_query(raw)
    builder = _Builder(analyzer)
    for m in _QUERY_TOKEN.finditer(_CONTROL.sub(" ", raw)):
        if m["phrase"] is not None:
            builder.phrase(m["phrase"])
        elif m["neg"] and m["word"]:
            builder.exclude(m["word"])
        elif m["word"].endswith("*") and m["word"].strip("*"):
            builder.prefix(m["word"].strip("*"))
        else:
            builder.words.append(m["word"])
    return builder.query(truncated)
