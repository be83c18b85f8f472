"""ROUGE of our summaries against the ir-news gold summary sentences, beside lead-1 and lead-3.

Run: ``.venv/bin/python benchmarks/summary.py [--limit N]``.

Each article goes through the real pipeline (parse, normalize, analyze) from its statement
text. The reference is its gold sentences, the lead baselines its first one or three
sentences as the dataset splits them, all normalized by the same normalizer. Scores are
ROUGE-1 and ROUGE-2 F1 over folded words, averaged over articles, in percent.

Two runs: "extracts", the articles as they are (the gold sentences are in the text,
mostly the lede); and "abstracts", the gold sentences taken out of the text first, which
is what an editor's abstract published beside an article is like (articles left with
fewer than three sentences are skipped there).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.analysis import analyze_text
from storage.text.normalize import shared_normalizer
from storage.text.sentences import split_sentences, words
from tests.irnews import IRNEWS, NewsItem, news_items


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_f1(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-N F1: clipped n-gram overlap, harmonic mean of precision and recall."""
    ours, theirs = ngrams(candidate, n), ngrams(reference, n)
    overlap = sum((ours & theirs).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(ours.values()), overlap / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Score:
    """Running means of ROUGE-1/2 F1 and of the summary length, for one system."""

    r1: list[float] = field(default_factory=list)
    r2: list[float] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)

    def add(self, summary: Sequence[str], reference: Sequence[str]) -> None:
        ours = words(" ".join(summary))
        self.r1.append(rouge_f1(ours, reference, 1))
        self.r2.append(rouge_f1(ours, reference, 2))
        self.sentences.append(len(summary))

    def line(self, name: str) -> str:
        n = max(1, len(self.r1))
        return (f"{name:<8} ROUGE-1 {100 * sum(self.r1) / n:5.2f}   ROUGE-2 {100 * sum(self.r2) / n:5.2f}"
                f"   ({sum(self.sentences) / n:.2f} sentences)")


def systems(item: NewsItem) -> dict[str, Callable[[], Sequence[str]]]:
    normalize = shared_normalizer().normalize
    return {
        "ours": lambda: split_sentences(analyze_text(item.as_statement()).summary),
        "lead-1": lambda: [normalize(s) for s in item.sentences[:1]],
        "lead-3": lambda: [normalize(s) for s in item.sentences[:3]],
    }


def without_gold(item: NewsItem) -> NewsItem | None:
    """The article with its gold sentences taken out, as if they were an abstract beside it."""
    body = tuple(s for i, s in enumerate(item.sentences, 1) if i not in item.gold)
    return NewsItem(item.path, item.title, item.date, body, ()) if len(body) >= 3 else None


def evaluate(items: list[NewsItem], abstracts: bool) -> dict[str, dict[str, Score]]:
    normalize = shared_normalizer().normalize
    scores: dict[str, dict[str, Score]] = {}
    for item in items:
        reference = words(" ".join(normalize(item.sentences[g - 1]) for g in item.gold
                                   if g <= len(item.sentences)))
        text = without_gold(item) if abstracts else item
        if text is None:
            continue
        agency = item.path.name.split("_", 1)[0]
        for name, summarize in systems(text).items():
            summary = summarize()
            for group in ("all", agency):
                scores.setdefault(group, {}).setdefault(name, Score()).add(summary, reference)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    if not IRNEWS.is_dir():
        sys.exit(f"ir-news not found at {IRNEWS} (set SOKHAN_IRNEWS)")

    items = list(news_items())[: args.limit or None]
    for kind, abstracts in (("extracts", False), ("abstracts", True)):
        for group, by_system in evaluate(items, abstracts).items():
            print(f"{kind}, {group} ({len(by_system['ours'].r1)} articles)")
            for name, score in by_system.items():
                print("  " + score.line(name))


if __name__ == "__main__":
    main()
