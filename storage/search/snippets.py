"""Snippets: the window of an article that shows why it matched, with the matches marked.

Cut from the display text, never from the index. A snippet is plain text and the spans
that matched; how they look (HTML for Telegram, plain for the command line) is for the
caller to decide.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from storage.models import Snippet
from storage.search.analyzer import WORD, Analyzer
from storage.search.query import Query
from storage.text.letters import ZWNJ

SNIPPET_WORDS = 28
# Words before the first match, so the snippet does not open on it.
_CONTEXT = 3
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
    """Start of the ``width``-token window holding the most hits (sorted token indexes),
    with a little context before the first. The candidate starts only move right, so two
    pointers count the hits inside each in one pass, however many there are."""
    if not hits or length <= width:
        return 0
    best_start, best_count = 0, -1
    lo = hi = 0
    for h in hits:
        start = max(0, min(h - _CONTEXT, length - width))
        while hits[lo] < start:
            lo += 1
        while hi < len(hits) and hits[hi] < start + width:
            hi += 1
        if hi - lo > best_count:
            best_start, best_count = start, hi - lo
    return best_start


class Snippets:
    """Cuts snippets for one analyzer's queries."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer

    def matches(self, word: str, query: Query) -> bool:
        terms, folded = self._analyzer.token_keys(word)
        return not terms.isdisjoint(query.terms) or any(folded.startswith(p) for p in query.prefixes)

    def snippet(self, paragraphs: Sequence[str], query: Query, width: int = SNIPPET_WORDS) -> Snippet:
        """The window of the paragraph with the most distinct matches."""
        if not paragraphs:
            return Snippet("")
        # A regex of the terms' spellings finds candidates fast; the analyzer confirms them.
        loose = _loose_pattern(query.terms, query.prefixes)
        counts = [len({m.group() for m in loose.finditer(p)}) for p in paragraphs]
        tokens = paragraphs[counts.index(max(counts))].split(" ")
        hits = [i for i, tok in enumerate(tokens)
                if loose.search(tok) and any(self.matches(w, query) for w in WORD.findall(tok))]
        start = _best_window(hits, len(tokens), width)
        window = tokens[start:start + width]
        text = " ".join(window)
        marks: list[tuple[int, int]] = []
        offset = 0
        hit_set = set(hits)
        for i, token in enumerate(window, start):
            if i in hit_set:
                marks += [(offset + m.start(), offset + m.end()) for m in WORD.finditer(token)
                          if self.matches(m.group(), query)]
            offset += len(token) + 1
        return Snippet(text, tuple(marks), cut_start=start > 0, cut_end=start + width < len(tokens))
