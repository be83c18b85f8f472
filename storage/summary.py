"""Extractive summaries and derived headlines: pure functions over normalized text.

A summary is 1–3 whole sentences of the article, in their original order, at most
``MAX_SUMMARY_CHARS`` long. Agency copy opens with the editor's lede, then starts its body
with the attribution (``به گزارش X،``); the lede is the summary the editor wrote, so it is
scored as one unit. Each opening sentence is scored on

- position: news is written as an inverted pyramid; the lede counts as the lead;
- centrality: cosine between its content words (hazm's stopwords out) and the rest's;
- title overlap: the share of the title's content words it repeats;

minus a penalty for what cannot stand alone (fragments, list headings, links). The summary
starts at the best sentence (at the lede's start when it is in the lede) and takes the
sentences after it while they belong to the opening: the rest of the lede, or, with no
lede, until it reaches an editor's abstract's length, unless they repeat it.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from storage.sentences import ATTRIBUTION, content_counts, content_words, plain_words, split_sentences

MAX_SUMMARY_CHARS = 600
MAX_SENTENCES = 3
MAX_HEADLINE_CHARS = 120



@dataclass(frozen=True, slots=True)
class Weights:
    """The summarizer's few parameters (benchmarks/summary.py fits them leave-one-source-out)."""

    # Weights of the three signals; position dominates because agency copy puts the news first.
    position: float = 1.0
    centrality: float = 0.6
    title: float = 0.6
    # An editor's abstract runs to 30–40 words: past that, no further sentence is added.
    target_words: int = 30


WEIGHTS = Weights()
# A further sentence sharing more than this share of its words with the summary repeats it.
MAX_REDUNDANCY = 0.6
MIN_WORDS = 5
# Only the opening sentences are candidates; the whole article still counts for centrality.
MAX_CANDIDATES = 12
# The body's attribution is looked for among the first sentences only: further down,
# ``به گزارش`` cites another source and the text before it is not a lede.
LEDE_SEARCH = 6

_LINK = re.compile(r"https?://|www\.|@\w")
# Where a sentence may be cut and still read whole: a comma or a conjunction.
_CLAUSE_BREAK = re.compile(r"\s*[،؛:]|\s(?=(?:و|اما|ولی|که)\s)")


@dataclass(frozen=True, slots=True)
class _Sentence:
    index: int
    text: str
    words: Counter[str]
    length: int  # all words, stopwords included
    penalty: float  # how far it falls short of standing alone as a summary

    @classmethod
    def of(cls, index: int, text: str, words: list[str]) -> _Sentence:
        length = text.count(" ") + 1
        if length < MIN_WORDS or text.endswith((":", "؛")):  # a fragment, a list's heading
            penalty = 1.0
        else:
            penalty = 0.5 if _LINK.search(text) else 0.0
        return cls(index, text, content_counts(words), length, penalty)


def _sentences(paragraphs: Sequence[str]) -> tuple[list[_Sentence], Counter[str]]:
    """The candidates, the opening sentences (news puts what matters first), and the
    content words of the whole article (the rest is not split into sentences at all)."""
    texts: list[str] = []
    taken = 0
    while taken < len(paragraphs) and len(texts) < MAX_CANDIDATES:
        texts += split_sentences(paragraphs[taken])
        taken += 1
    words = [plain_words(t) for t in texts[:MAX_CANDIDATES]]
    candidates = [_Sentence.of(i, t, w) for i, (t, w) in enumerate(zip(texts, words, strict=False))]
    rest = plain_words(" ".join([*texts[MAX_CANDIDATES:], *paragraphs[taken:]]))
    return candidates, content_counts(itertools.chain(*words, rest))


def _cosine_with_rest(own: Counter[str], total: Counter[str], total_sq: int) -> float:
    """Cosine between a sentence's words and the rest of the article's, without building
    the rest: its dot product and norm follow from the whole article's."""
    if not own:
        return 0.0
    own_sq = _squares(own)
    dot = sum(map(operator.mul, own.values(), map(total.__getitem__, own))) - own_sq
    rest_sq = total_sq - 2 * (dot + own_sq) + own_sq
    if dot <= 0 or rest_sq <= 0:
        return 0.0
    return dot / math.sqrt(own_sq * rest_sq)


def _lede_length(sentences: list[_Sentence]) -> int:
    """How many sentences come before the body's attribution (0 when it opens the text)."""
    for s in sentences[:LEDE_SEARCH]:
        if ATTRIBUTION.match(s.text):
            return s.index
    return 0


def _position(index: int, lede: int) -> float:
    """The lede is one unit, the lead; after it, weight falls with the distance from it."""
    return 1.0 / (1.0 + max(0, index - max(0, lede - 1)))


def _squares(counts: Counter[str]) -> int:
    return sum(map(operator.mul, counts.values(), counts.values()))


def _scores(sentences: list[_Sentence], total: Counter[str], title: str | None, lede: int,
            weights: Weights) -> list[float]:
    total_sq = _squares(total)
    title_words = content_words(title).keys() if title else set()
    scores = []
    for s in sentences:
        title_share = len(title_words & s.words.keys()) / len(title_words) if title_words else 0.0
        scores.append(
            weights.position * _position(s.index, lede)
            + weights.centrality * _cosine_with_rest(s.words, total, total_sq)
            + weights.title * title_share
            - s.penalty
        )
    return scores


def _redundant(candidate: _Sentence, chosen: list[_Sentence]) -> bool:
    seen = set().union(*(s.words.keys() for s in chosen))
    own = candidate.words.keys()
    return bool(own) and len(own & seen) / len(own) > MAX_REDUNDANCY


def _select(sentences: list[_Sentence], scores: list[float], lede: int, target_words: int) -> list[_Sentence]:
    """The best sentence, then the ones after it while they still belong to the opening.

    The lede is one unit: when the best sentence is in it, the summary is the lede from
    its start. Without a lede, sentences follow the best one until the summary reaches an
    abstract's length.
    """
    fitting = [s for s in sentences if len(s.text) <= MAX_SUMMARY_CHARS and not s.penalty]
    if not fitting:
        fitting = [s for s in sentences if len(s.text) <= MAX_SUMMARY_CHARS]
    if not fitting:
        return []
    first = max(fitting, key=lambda s: scores[s.index])
    if first.index < lede:
        first = next(s for s in fitting if s.index < lede)
    chosen = [first]
    chars = len(first.text)
    for s in sentences[first.index + 1 : first.index + MAX_SENTENCES]:
        in_lede = s.index < lede
        if not in_lede and (lede or sum(c.length for c in chosen) >= target_words):
            break
        chars += 1 + len(s.text)
        if chars > MAX_SUMMARY_CHARS or s.penalty or _redundant(s, chosen):
            break
        chosen.append(s)
    return chosen


def summarize(paragraphs: Sequence[str], title: str | None = None, *,
              weights: Weights = WEIGHTS) -> tuple[str, ...]:
    """The summary sentences, in article order: 1–3 of them, ≤ ``MAX_SUMMARY_CHARS`` in all."""
    sentences, total = _sentences(paragraphs)
    if not sentences:
        return ()
    lede = _lede_length(sentences)
    scores = _scores(sentences, total, title, lede, weights)
    chosen = _select(sentences, scores, lede, weights.target_words)
    if chosen:
        return tuple(s.text for s in chosen)
    # Not one sentence is short enough (a text without punctuation): cut the first short.
    return (shorten(sentences[0].text, MAX_SUMMARY_CHARS),)


def headline(speaker: str | None, quote: str | None, summary: Sequence[str]) -> str | None:
    """A headline for an untitled article, ≤ ``MAX_HEADLINE_CHARS``.

    Persian news style names the speaker and gives the gist of the lead quote
    (``خامسیان: …``); without a quote, the summary's opening stands in, its attribution
    (``به گزارش X،``) dropped.
    """
    if speaker and quote:
        prefix = f"{speaker}: "
        return prefix + shorten(split_sentences(quote)[0], MAX_HEADLINE_CHARS - len(prefix))
    if summary:
        return shorten(ATTRIBUTION.sub("", summary[0], count=1), MAX_HEADLINE_CHARS)
    return None


def shorten(text: str, limit: int) -> str:
    """``text`` without its final stop, cut to ``limit`` characters if longer: at the last
    clause break that keeps half of it (a clause reads whole), else at a word, with "…"."""
    text = text.rstrip(" .")
    if len(text) <= limit:
        return text
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, 0, limit + 1)]
    if breaks and breaks[-1] >= limit // 2:
        return text[: breaks[-1]].rstrip(" ،؛:")
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ،؛:") + "…"
