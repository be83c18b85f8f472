"""The query language: what people type → a search expression, filters, and what to mark.

Words (all must match), ``"exact phrase"`` or ``«exact phrase»``, ``-word`` to exclude,
``word*`` for a prefix, and filters: ``منبع:استانداری`` (the source), ``از:۱۴۰۴/۰۹/۰۱`` and
``تا:۱۴۰۴/۰۹/۳۰`` (a date range, Jalali or Gregorian; ``source:``, ``since:``, ``until:`` too).
A word typed joined finds it written apart when the index knows both halves
(``split_candidates``), and when words typed apart find nothing, they are tried written
as one (``رحمانی فضلی`` finds ``رحمانیفضلی``: ``join_pairs``). The expression is a small tree
rendered for each engine: an FTS5 MATCH expression (SQLite) and a tsquery (PostgreSQL). Every
term reaches either quoted, so no input can raise a syntax error there; anything else is plain
text, and unusable input gives an empty query.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from storage.search.analyzer import WORD, Analyzer
from storage.text.dates import parse_date
from storage.text.letters import LETTERS, ZWNJ, fold

MAX_QUERY_CHARS = 256
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Persian quotation marks and typographic ones delimit a phrase as "…" does.
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_FILTER = re.compile(
    r"(?<!\S)(?P<key>منبع|از|تا|source|since|until)\s*[:：]\s*(?P<value>\"[^\"]*\"|\S+)", re.IGNORECASE
)
_FILTER_KEYS = {"منبع": "source", "source": "source", "از": "since", "since": "since", "تا": "until",
                "until": "until"}
_QUERY_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<neg>-)?(?P<word>[^\s"]+)')
_JOINABLE = re.compile(f"[{LETTERS}]{{2,}}")
# A word typed joined is tried split only when it is this long at least (two names' worth).
MIN_SPLIT_CHARS = 6


class Expression:
    """A node of a search expression, with its FTS5 and its tsquery forms."""

    def fts5(self) -> str:
        raise NotImplementedError

    def tsquery(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Terms(Expression):
    """Index terms side by side (one term, or a phrase); ``prefix``: the last one begins a word."""

    terms: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        return quote_term(" ".join(self.terms)) + (" *" if self.prefix else "")

    def tsquery(self) -> str:
        # The PostgreSQL index holds each pair of neighbouring terms as one lexeme: a phrase is
        # its pairs, and a prefix the last pair's (storage.db.postgres.fts).
        lexemes = [lexeme(t) for t in ([*self.terms] if len(self.terms) == 1 else pairs(self.terms))]
        if self.prefix:
            lexemes[-1] += ":*"
        return lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")"


@dataclass(frozen=True, slots=True)
class AnyOf(Expression):
    options: tuple[Expression, ...]

    def fts5(self) -> str:
        return "(" + " OR ".join(o.fts5() for o in self.options) + ")"

    def tsquery(self) -> str:
        return "(" + " | ".join(o.tsquery() for o in self.options) + ")"


@dataclass(frozen=True, slots=True)
class AllOf(Expression):
    """Every one of ``required``, none of ``excluded``."""

    required: tuple[Expression, ...]
    excluded: tuple[Expression, ...] = ()

    def fts5(self) -> str:
        match = " AND ".join(e.fts5() for e in self.required)
        if self.excluded:
            match = f"({match}) NOT ({' OR '.join(e.fts5() for e in self.excluded)})"
        return match

    def tsquery(self) -> str:
        query = " & ".join(e.tsquery() for e in self.required)
        if self.excluded:
            query = f"({query}) & !({' | '.join(e.tsquery() for e in self.excluded)})"
        return query


def lexeme(term: str) -> str:
    """A term as a tsquery or tsvector lexeme, quoted."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def pairs(terms: Sequence[str]) -> list[str]:
    """Terms side by side, as the lexemes a phrase is matched by on PostgreSQL."""
    return [f"{a} {b}" for a, b in pairwise(terms)]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: its expression, its filters, and what the snippet marks."""

    expression: AllOf | None
    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    truncated: bool = False
    source: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def empty(self) -> bool:
        return self.expression is None

    @property
    def match(self) -> str:
        """The FTS5 MATCH expression (SQLite)."""
        return self.expression.fts5() if self.expression else ""

    @property
    def tsquery(self) -> str:
        """The tsquery (PostgreSQL), whose lexemes are the same index terms."""
        return self.expression.tsquery() if self.expression else ""


def quote_term(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def cut_query(raw: str) -> tuple[str, bool]:
    """At most ``MAX_QUERY_CHARS``, cut at a space rather than inside a word."""
    if len(raw) <= MAX_QUERY_CHARS:
        return raw, False
    cut = raw[: MAX_QUERY_CHARS + 1]
    return (cut[: cut.rfind(" ")] if " " in cut else cut[:MAX_QUERY_CHARS]), True


def _filters(raw: str) -> tuple[str, dict[str, str]]:
    """The query without its filters, and the filters' values by name."""
    found: dict[str, str] = {}

    def take(m: re.Match[str]) -> str:
        found[_FILTER_KEYS[m["key"].lower()]] = m["value"].strip('"')
        return " "

    return _FILTER.sub(take, raw), found


@dataclass
class _Builder:
    analyzer: Analyzer
    splits: Mapping[str, tuple[str, str]]
    join_pairs: bool
    positive: list[Expression] = field(default_factory=list)
    negative: list[Expression] = field(default_factory=list)
    boosters: list[Expression] = field(default_factory=list)
    marked: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def flush_words(self) -> None:
        if not self.words:
            return
        run = self.words_expression(" ".join(self.words), self.marked)
        self.positive.extend(e for e, _ in run)
        if len(run) > 1:  # the words side by side rank above the words apart
            together = Terms(tuple(t for _, main in run for t in main))
            self.boosters.append(AnyOf((together, run[0][0])))
        self.words.clear()

    def phrase(self, text: str) -> None:
        self.flush_words()
        terms, _ = self.analyzer.terms(self.analyzer.normalize(text))
        self.marked.update(terms)
        if terms:
            self.positive.append(Terms(tuple(terms)))

    def exclude(self, word: str) -> None:
        self.flush_words()
        self.negative.extend(e for e, _ in self.words_expression(word, set()))

    def prefix(self, word: str) -> None:
        self.flush_words()
        terms = WORD.findall(fold(self.analyzer.normalize(word)))
        if terms:
            self.positive.append(Terms(tuple(terms), prefix=True))
            self.prefixes.append(terms[-1])

    def words_expression(self, text: str, marked: set[str]) -> list[tuple[Expression, tuple[str, ...]]]:
        """One expression per word, with its main terms: a compound matches split or joined,
        and a word matches the joined form it makes with a neighbour."""
        tokens = WORD.findall(self.analyzer.normalize(text))
        expressions: list[tuple[Expression, tuple[str, ...]]] = []
        for i, token in enumerate(tokens):
            terms, joined = self.analyzer.word_terms(token)
            if not terms:
                continue
            options = [" ".join(terms)]
            if joined:
                options.append(joined)
            elif split := self.analyzer.split_unknown(token) or self.splits.get(token):
                options.append(" ".join(split))
            options += self._joined_with_neighbours(tokens, i)
            marked.update(t for option in options for t in option.split())
            distinct = [Terms(tuple(o.split())) for o in dict.fromkeys(options)]
            expression = distinct[0] if len(distinct) == 1 else AnyOf(tuple(distinct))
            expressions.append((expression, tuple(terms)))
        return expressions

    def _joined_with_neighbours(self, tokens: list[str], i: int) -> list[str]:
        """``رحمانی فضلی`` typed apart: each word also matches ``رحمانیفضلی`` written as one."""
        if not self.join_pairs:
            return []
        pairs = [(i - 1, i), (i, i + 1)]
        return [self.analyzer.stem(tokens[a] + tokens[b]) for a, b in pairs
                if a >= 0 and b < len(tokens) and _JOINABLE.fullmatch(tokens[a])
                and _JOINABLE.fullmatch(tokens[b])]

    def query(self, truncated: bool, filters: dict[str, str]) -> Query:
        self.flush_words()
        since, until = (parse_date(filters[k]) if k in filters else None for k in ("since", "until"))
        source = filters.get("source") or None
        if not self.positive:
            return Query(None, frozenset(), truncated=truncated, source=source, since=since, until=until)
        expression = AllOf((*self.positive, *self.boosters), tuple(self.negative))
        return Query(expression, frozenset(self.marked), tuple(self.prefixes), truncated, source, since,
                     until)


def _prepared(raw: str) -> tuple[str, dict[str, str], bool]:
    """User text as the parser reads it: cut to length, control characters and quotation
    marks made plain, filters taken out; with the filters, and whether it was cut."""
    raw, truncated = cut_query(raw)
    text, filters = _filters(_CONTROL.sub(" ", raw).translate(_QUOTES))
    return text, filters, truncated


def split_candidates(analyzer: Analyzer, raw: str) -> dict[str, list[tuple[str, str]]]:
    """The words of a query typed joined that the lexicon cannot split (``گلیکانی``), each with
    the ways it could be two index terms; the store keeps the ways its index knows."""
    text, _, _ = _prepared(raw)
    found: dict[str, list[tuple[str, str]]] = {}
    for token in WORD.findall(analyzer.normalize(text.replace('"', " "))):
        if len(token) < MIN_SPLIT_CHARS or ZWNJ in token or not _JOINABLE.fullmatch(token):
            continue
        if analyzer.word_terms(token)[1] or analyzer.split_unknown(token):
            continue
        found[token] = [(analyzer.stem(token[:k]), analyzer.stem(token[k:]))
                        for k in range(2, len(token) - 1)]
    return found


def parse_query(analyzer: Analyzer, raw: str, splits: Mapping[str, tuple[str, str]] | None = None, *,
                join_pairs: bool = False) -> Query:
    """Parse user text. Never raises; unusable input gives an empty query. ``splits`` are the
    two index terms a word typed joined stands for (see ``split_candidates``); ``join_pairs``
    lets neighbouring words match written as one. That is a second try, for a query that
    found nothing: two common words written as one are rare, and would outrank the words."""
    text, filters, truncated = _prepared(raw)
    builder = _Builder(analyzer, splits or {}, join_pairs)
    for m in _QUERY_TOKEN.finditer(text):
        if m["phrase"] is not None:
            builder.phrase(m["phrase"])
        elif m["neg"] and m["word"]:
            builder.exclude(m["word"])
        elif m["word"].endswith("*") and m["word"].strip("*"):
            builder.prefix(m["word"].strip("*"))
        else:
            builder.words.append(m["word"])
    return builder.query(truncated, filters)
