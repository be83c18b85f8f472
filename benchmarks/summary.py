"""ROUGE of our summaries per news source, beside lead-k and sumy's LSA, LexRank and TextRank.

Run: ``.venv/bin/python benchmarks/summary.py [--limit N] [--sources tabnak,sobhane] [--loso]
[--subset non-lede] [--sumy-cache FILE]`` (the sumy baselines need the bench extra:
``pip install -e '.[bench]'``).

Sources: Tabnak and Roozno (../shared/data/ir-news), Mashregh and Sobhane
(../shared/data/ir-news-other), and ``statements`` (benchmarks/gold/statements, office
statements with a reference summary and an abstract) when that folder exists. Each is
reported on its own: what counts is how a summarizer does on news it was not fitted to.

Each article goes through the real pipeline (parse, normalize, analyze) from its statement
text. The reference is its gold sentences; lead-k is its first k sentences as the dataset
splits them; sumy's summarizers get the normalized text, hazm's sentence splitter and word
tokenizer and hazm's stopwords (no stemmer) and pick 1, 2 or 3 sentences. Scores are
ROUGE-1 and ROUGE-2 F1 over folded words, averaged over articles, in percent.

Two conditions: "extracts", the articles as they are (the gold sentences are in the text);
and "abstracts", the gold sentences taken out of the text first, which is what an editor's
abstract published beside an article is like (articles left with fewer than three
sentences are skipped there). For ``statements`` the extract is the reference summary
and the abstract its ``abstract``, the text as it is in both.

``--subset non-lede`` scores only the articles whose gold does not hold their first sentence
(Tabnak has about 325, the others few): the regime of columns, analyses and long reports
whose point comes later, beside the whole sources.

``--loso`` fits the summarizer's weights leave one source out over the development sources
(Tabnak, Roozno, Sobhane): for each, the weights of a small grid that do best on the other
two (mean of R1 + R2 over sources and both conditions, each source counting once, and
Tabnak's non-lede articles once more) are reported on the one left out. Mashregh and the
statements are held out: never fitted to, they are scored with the weights fitted on all
three.

``--sumy-cache FILE`` keeps sumy's summaries between runs (keyed by each article's text).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.analysis import analyze, analyze_text
from storage.analysis.summary import WEIGHTS, Weights, summarize
from storage.models import Article
from storage.text.normalize import shared_normalizer
from storage.text.sentences import split_sentences, words
from tests.irnews import IRNEWS, IRNEWS_OTHER, NewsItem, news_items

ROOT = Path(__file__).resolve().parent.parent
NEWS_SOURCES = ("tabnak", "roozno", "mashregh", "sobhane")
# What the weights are fitted on; the rest are only ever scored.
DEVELOPMENT = ("tabnak", "roozno", "sobhane")
HELD_OUT = ("mashregh", "statements")
SUBSETS = ("all", "non-lede")
STATEMENTS = Path(os.environ.get("SOKHAN_STATEMENTS_GOLD", ROOT / "benchmarks" / "gold" / "statements"))
CONDITIONS = ("extracts", "abstracts")
SUMY = ("lsa", "lexrank", "textrank")
LEADS = (1, 3)
SUMY_SIZES = (1, 2, 3)

# -- scoring ----------------------------------------------------------------------------


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@functools.lru_cache(maxsize=16384)
def _reference_ngrams(reference: tuple[str, ...], n: int) -> Counter[tuple[str, ...]]:
    return ngrams(reference, n)  # a reference is scored against every system and weight


def rouge_f1(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-N F1: clipped n-gram overlap, harmonic mean of precision and recall."""
    ours, theirs = ngrams(candidate, n), _reference_ngrams(tuple(reference), n)
    overlap = sum((ours & theirs).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(ours.values()), overlap / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Score:
    """Running means of ROUGE-1/2 F1 and of the summary length, for one system on one source."""

    r1: list[float] = field(default_factory=list)
    r2: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)  # words

    def add(self, summary: Sequence[str], reference: Sequence[str]) -> None:
        ours = words(" ".join(summary))
        self.r1.append(rouge_f1(ours, reference, 1))
        self.r2.append(rouge_f1(ours, reference, 2))
        self.lengths.append(len(ours))

    @property
    def means(self) -> tuple[float, float]:
        n = max(1, len(self.r1))
        return 100 * sum(self.r1) / n, 100 * sum(self.r2) / n

    def cell(self) -> str:
        r1, r2 = self.means
        return f"{r1:4.1f}/{r2:4.1f}"


# -- the articles ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One article in one condition, ready for every system: parsed and analyzed once."""

    source: str
    name: str
    article: Article
    leads: tuple[str, ...]  # the text's sentences as its source splits them, normalized
    reference: tuple[str, ...]  # the gold's folded words
    first_gold: int = 0  # 1-based position of the first gold sentence (0: not a news item)

    @property
    def lede(self) -> bool:
        """Whether the gold holds the article's first sentence (statements count as ledes)."""
        return self.first_gold <= 1


def without_gold(item: NewsItem) -> NewsItem | None:
    """The article with its gold sentences taken out, as if they were an abstract beside it."""
    body = tuple(s for i, s in enumerate(item.sentences, 1) if i not in item.gold)
    return NewsItem(item.path, item.title, item.date, body, ()) if len(body) >= 3 else None


def news_cases(item: NewsItem, abstracts: bool) -> Case | None:
    normalize = shared_normalizer().normalize_lines
    gold = [item.sentences[g - 1] for g in item.gold if g <= len(item.sentences)]
    text = without_gold(item) if abstracts else item
    if text is None or not gold:
        return None
    reference = tuple(words(" ".join(normalize(gold))))
    article = analyze_text(text.as_statement())
    return Case(item.source, item.path.name, article, tuple(normalize(list(text.sentences[:3]))), reference,
                min(item.gold))


def statement_cases(folder: Path, abstracts: bool) -> list[Case]:
    """benchmarks/gold/statements: ``NN.txt`` and ``summaries.jsonl`` of
    ``{"file", "summary": [sentences], "abstract"}``; read only, never fitted to."""
    index = folder / "summaries.jsonl"
    if not index.is_file():
        return []
    normalize = shared_normalizer().normalize
    cases = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        gold = entry["abstract"] if abstracts else " ".join(entry["summary"])
        article = analyze_text((folder / entry["file"]).read_text(encoding="utf-8"))
        leads = tuple(s for p in article.paragraphs for s in split_sentences(p))[:3]
        cases.append(Case("statements", entry["file"], article, leads, tuple(words(normalize(gold)))))
    return cases


def subset(cases: dict[str, dict[str, list[Case]]], name: str) -> dict[str, dict[str, list[Case]]]:
    """The cases of one subset: ``all``, or ``non-lede`` (gold without the first sentence)."""
    if name == "all":
        return cases
    return {c: {s: [x for x in xs if not x.lede] for s, xs in by.items()} for c, by in cases.items()}


def load_cases(sources: Sequence[str], limit: int, statements: Path = STATEMENTS,
               ) -> dict[str, dict[str, list[Case]]]:
    """condition → source → cases, the first ``limit`` articles of each source (0: all)."""
    out: dict[str, dict[str, list[Case]]] = {c: {s: [] for s in sources} for c in CONDITIONS}
    taken: Counter[str] = Counter()
    for item in news_items((IRNEWS, IRNEWS_OTHER), titled=False):
        if item.source not in sources or (limit and taken[item.source] >= limit):
            continue
        taken[item.source] += 1
        for condition in CONDITIONS:
            case = news_cases(item, condition == "abstracts")
            if case is not None:
                out[condition][item.source].append(case)
    if "statements" in sources:
        for condition in CONDITIONS:
            found = statement_cases(statements, condition == "abstracts")
            out[condition]["statements"] = found[: limit or None]
    return out


# -- sumy -------------------------------------------------------------------------------


class HazmTokenizer:
    """What sumy asks of a tokenizer, from hazm: sentences of a text, words of a sentence."""

    def __init__(self) -> None:
        from hazm import SentenceTokenizer, WordTokenizer

        self._sentences = SentenceTokenizer()
        self._words = WordTokenizer()

    def to_sentences(self, text: str) -> list[str]:
        return self._sentences.tokenize(text)

    def to_words(self, sentence: str) -> list[str]:
        return self._words.tokenize(sentence)


class Sumy:
    """sumy's LSA, LexRank and TextRank, each rating an article's sentences once and
    picking its best 1, 2 and 3 (in article order), as three runs of sumy would."""

    def __init__(self, cache: Path | None = None) -> None:
        try:
            from sumy.parsers.plaintext import PlaintextParser
            from sumy.summarizers.lex_rank import LexRankSummarizer
            from sumy.summarizers.lsa import LsaSummarizer
            from sumy.summarizers.text_rank import TextRankSummarizer
        except ImportError:
            sys.exit("sumy is not installed: pip install -e '.[bench]' (or --no-sumy)")
        from hazm.utils import stopwords_list

        self._parser = PlaintextParser
        self._tokenizer = HazmTokenizer()
        self._summarizers = {"lsa": LsaSummarizer(), "lexrank": LexRankSummarizer(),
                             "textrank": TextRankSummarizer()}
        for summarizer in self._summarizers.values():
            summarizer.stop_words = stopwords_list()
        self.seconds: dict[str, float] = {}
        self._cache_path = cache
        self._cache: dict[str, dict[str, list[str]]] = (
            json.loads(cache.read_text(encoding="utf-8")) if cache and cache.is_file() else {})

    def summaries(self, article: Article) -> dict[str, list[str]]:
        """``{"lsa-1": [...], …, "textrank-3": [...]}``."""
        key = hashlib.sha256("\n".join(article.paragraphs).encode()).hexdigest()
        if key not in self._cache:
            self._cache[key] = self._summarize(article)
        return self._cache[key]

    def save(self) -> None:
        if self._cache_path is not None:
            self._cache_path.write_text(json.dumps(self._cache, ensure_ascii=False), encoding="utf-8")

    def _summarize(self, article: Article) -> dict[str, list[str]]:
        start = time.perf_counter()
        document = self._parser.from_string("\n\n".join(article.paragraphs), self._tokenizer).document
        self._spent("parse", start)
        out = {}
        for name, summarizer in self._summarizers.items():
            start = time.perf_counter()
            ranked: list[Any] = []

            def keep(infos: list[Any], ranked: list[Any] = ranked) -> list[Any]:
                ranked.extend(infos)  # sorted best first, ties in article order
                return infos[: max(SUMY_SIZES)]

            summarizer(document, keep)
            for k in SUMY_SIZES:
                best = sorted(ranked[:k], key=lambda info: info.order)
                out[f"{name}-{k}"] = [str(info.sentence) for info in best]
            self._spent(name, start)
        return out

    def _spent(self, name: str, start: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def baselines(cases: Iterable[Case], sumy: Sumy | None) -> dict[str, dict[str, list[str]]]:
    """system → case name → summary, for lead-k and sumy."""
    out: dict[str, dict[str, list[str]]] = {}
    for case in cases:
        for k in LEADS:
            out.setdefault(f"lead-{k}", {})[case.name] = list(case.leads[:k])
        if sumy is not None:
            for system, summary in sumy.summaries(case.article).items():
                out.setdefault(system, {})[case.name] = summary
    return out


# -- tables -----------------------------------------------------------------------------

Summarizer = Callable[[Case], Sequence[str]]


def ours(weights: Weights = WEIGHTS) -> Summarizer:
    if weights == WEIGHTS:
        return lambda case: split_sentences(case.article.summary)  # as the pipeline stored it
    return lambda case: summarize(case.article.paragraphs, case.article.title, weights=weights)


def _lookup(by_case: dict[str, list[str]]) -> Summarizer:
    return lambda case: by_case[case.name]


def score(cases: Sequence[Case], summaries: Callable[[Case], Sequence[str]]) -> Score:
    result = Score()
    for case in cases:
        result.add(summaries(case), case.reference)
    return result


def table(by_source: dict[str, list[Case]], systems: dict[str, Summarizer], ours_names: Sequence[str]) -> str:
    """Rows = systems, columns = sources, cells R1/R2; ``*`` marks the best baseline per
    source (by R1 + R2), and the last rows say by how much ours beats it."""
    sources = [s for s, cases in by_source.items() if cases]
    scores = {name: {s: score(by_source[s], f) for s in sources} for name, f in systems.items()}
    width = max(map(len, systems)) + 2
    lines = [" " * width + "".join(f"{s:>14}" for s in sources),
             f"{'articles':<{width}}" + "".join(f"{len(by_source[s]):>14}" for s in sources)]
    best = {s: max((n for n in systems if n not in ours_names), key=lambda n: sum(scores[n][s].means))
            for s in sources}
    for name in systems:
        cells = "".join(f"{scores[name][s].cell() + ('*' if best[s] == name else ' '):>14}" for s in sources)
        lines.append(f"{name:<{width}}{cells}")
    for name in ours_names:
        # Margin over the best baseline on each score separately (R1 over the best R1 …).
        margins = []
        for s in sources:
            others = [scores[n][s].means for n in systems if n not in ours_names]
            r1, r2 = scores[name][s].means
            margins.append(f"{r1 - max(o[0] for o in others):+5.1f}/{r2 - max(o[1] for o in others):+5.1f} ")
        lines.append(f"{name + ' Δ':<{width}}" + "".join(f"{c:>14}" for c in margins))
    lengths = "".join(f"{sum(scores[ours_names[0]][s].lengths) / max(1, len(by_source[s])):>13.1f} "
                      for s in sources)
    lines.append(f"{'ours words':<{width}}{lengths}")
    return "\n".join(lines)


# -- leave one source out ---------------------------------------------------------------

Cell = tuple[float, float]  # R1, R2


@dataclass(frozen=True, slots=True)
class Fold:
    held_out: str
    weights: Weights
    scores: dict[str, Cell]  # condition → (R1, R2) on the held-out source
    defaults: dict[str, Cell]  # the same for ``WEIGHTS``
    non_lede: dict[str, Cell]  # the same on its articles whose gold is not the first sentence


def grid(**axes: Sequence[Any]) -> list[Weights]:
    """Every combination of the given ``Weights`` fields' values, the rest as ``WEIGHTS``."""
    names = list(axes)
    known = {f.name for f in fields(Weights)}
    assert set(names) <= known, set(names) - known
    return [replace(WEIGHTS, **dict(zip(names, values, strict=True)))
            for values in itertools.product(*axes.values())]


def leave_one_source_out(cases: dict[str, dict[str, list[Case]]], candidates: Sequence[Weights],
                         make: Callable[[Weights], Summarizer] = ours,
                         sources: Sequence[str] = DEVELOPMENT,
                         held_out: Sequence[str] = HELD_OUT) -> list[Fold]:
    """For every development source, the candidate that does best on the others, scored on
    it; then, for every held-out source, the candidate that does best on all of them.

    The fit is the mean of R1 + R2 over both conditions and the sources fitted to, each
    counting once whatever its size; a source's non-lede articles, where there are enough of
    them, count once more on their own, as the regime of texts with no lede (one of the
    agencies the summarizer is for is mostly that)."""
    sources = [s for s in sources if all(cases[c].get(s) for c in CONDITIONS)]
    held_out = [s for s in held_out if all(cases[c].get(s) for c in CONDITIONS)]
    non_lede = subset(cases, "non-lede")
    groups = {(s, "all"): {c: cases[c][s] for c in CONDITIONS} for s in sources}
    groups |= {(s, "non-lede"): {c: non_lede[c][s] for c in CONDITIONS} for s in sources
               if all(len(non_lede[c][s]) >= MIN_SUBSET for c in CONDITIONS)}
    table: dict[Weights, dict[tuple[str, str, str], Cell]] = {}
    for weights in dict.fromkeys([*candidates, WEIGHTS]):
        summarizer = make(weights)
        table[weights] = {(c, *g): score(by[c], summarizer).means
                          for g, by in groups.items() for c in CONDITIONS}
    folds = []
    for left_out in [*sources, *held_out]:
        rest = [g for g in groups if g[0] != left_out]

        def fit(weights: Weights, rest: list[tuple[str, str]] = rest) -> float:
            return sum(sum(table[weights][c, *g]) for c in CONDITIONS for g in rest) / len(rest)

        chosen = max(candidates, key=fit)
        on = {c: cases[c][left_out] for c in CONDITIONS}
        few = {c: non_lede[c][left_out] for c in CONDITIONS}
        folds.append(Fold(
            left_out, chosen,
            {c: score(on[c], make(chosen)).means for c in CONDITIONS},
            {c: score(on[c], make(WEIGHTS)).means for c in CONDITIONS},
            {c: score(few[c], make(chosen)).means for c in CONDITIONS if len(few[c]) >= MIN_SUBSET},
        ))
    return folds


# A subset this small is not reported on its own.
MIN_SUBSET = 20


def loso_grid() -> list[Weights]:
    """The weights the leave-one-source-out run chooses among: the position prior's base,
    the title's weight, the length of an abstract, whether a sentence that retells the first
    may follow it, and, with no lede, how far the summary spreads and how much position
    counts (the lede evidence and centrality weights stay as they are)."""
    return grid(position=(0.0, 0.3), title=(0.6, 1.0), target_words=(25, 30, 35),
                max_echo=(0.4, 1.0), spread_words=(45, 60), echo_position=(0.3, 1.0))


def print_folds(folds: Sequence[Fold]) -> None:
    print("leave one source out: weights fitted on the other development sources, scored on the"
          " one named; a held-out source is scored with the weights fitted on all of them"
          " (in brackets: the shipped weights)")
    changed = [f.name for f in fields(Weights) if any(getattr(x.weights, f.name) != getattr(WEIGHTS, f.name)
                                                       for x in folds)]
    for fold in folds:
        chosen = ", ".join(f"{name}={getattr(fold.weights, name)}" for name in changed) or "the defaults"
        cells = "  ".join(f"{c} {r1:4.1f}/{r2:4.1f} [{fold.defaults[c][0]:4.1f}/{fold.defaults[c][1]:4.1f}]"
                          for c, (r1, r2) in fold.scores.items())
        kind = "held out" if fold.held_out in HELD_OUT else ""
        print(f"  {fold.held_out:<10} {cells}   ({chosen}) {kind}")
        if fold.non_lede:
            cells = "  ".join(f"{c} {r1:4.1f}/{r2:4.1f}" for c, (r1, r2) in fold.non_lede.items())
            print(f"  {'  non-lede':<10} {cells}")


# -- cost -------------------------------------------------------------------------------


def timing(cases: Sequence[Case], repeat: int = 3) -> str:
    """Milliseconds per article of the summary alone and of the whole analysis (quotes,
    speakers, summary, headline), best of ``repeat`` runs over the same articles."""
    articles = [c.article for c in cases]
    if not articles:
        return "no articles"

    def best(run: Callable[[Article], object]) -> float:
        spent = []
        for _ in range(repeat):
            start = time.perf_counter()
            for article in articles:
                run(article)
            spent.append(time.perf_counter() - start)
        return 1000 * min(spent) / len(articles)

    summary = best(lambda a: summarize(a.paragraphs, a.title))
    analysis = best(analyze)
    return f"{summary:.2f} ms an article for the summary, {analysis:.2f} ms for the whole analysis"


# -- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles of each source")
    parser.add_argument("--sources", default=",".join([*NEWS_SOURCES, "statements"]),
                        help="comma-separated sources (default: all there are)")
    parser.add_argument("--statements", type=Path, default=STATEMENTS,
                        help="the office statements' folder (NN.txt and summaries.jsonl)")
    parser.add_argument("--no-sumy", action="store_true", help="lead-k baselines only (fast)")
    parser.add_argument("--loso", action="store_true", help="also fit the weights leave one source out")
    parser.add_argument("--subset", choices=SUBSETS, default="all",
                        help="non-lede: also the articles whose gold is not their first sentence")
    parser.add_argument("--sumy-cache", type=Path, help="a JSON file to keep sumy's summaries in")
    args = parser.parse_args()
    if not IRNEWS.is_dir():
        sys.exit(f"ir-news not found at {IRNEWS} (set SOKHAN_IRNEWS)")
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    if "statements" in sources and not (args.statements / "summaries.jsonl").is_file():
        sources.remove("statements")

    start = time.perf_counter()
    cases = load_cases(sources, args.limit, args.statements)
    loaded = time.perf_counter()
    sumy = None if args.no_sumy else Sumy(args.sumy_cache)
    subsets = ["all"] if args.subset == "all" else ["all", args.subset]
    for condition in CONDITIONS:
        found = baselines((c for cs in cases[condition].values() for c in cs), sumy)
        systems: dict[str, Summarizer] = {"ours": ours()}
        for name, by_case in found.items():
            systems[name] = _lookup(by_case)
        for name in subsets:
            by_source = {s: cs for s, cs in subset(cases, name)[condition].items()
                         if cs and (name == "all" or len(cs) >= MIN_SUBSET)}
            which = "" if name == "all" else f", {name} articles only"
            print(f"\n{condition}{which}: ROUGE-1/ROUGE-2 F1 %, * the best baseline (R1 + R2) of each source")
            print(table(by_source, systems, ["ours"]))
    if sumy is not None:
        sumy.save()
    if args.loso:
        print()
        print_folds(leave_one_source_out(cases, loso_grid()))
    print(f"\ncost over the {sum(len(c) for c in cases['extracts'].values())} articles:",
          timing([c for cs in cases["extracts"].values() for c in cs]))
    spent = time.perf_counter() - loaded
    sumy_time = ", ".join(f"{k} {v:.0f} s" for k, v in sumy.seconds.items()) if sumy else "no sumy"
    print(f"\n{loaded - start:.0f} s to parse and analyze, {spent:.0f} s to summarize and score"
          f" ({sumy_time})")


if __name__ == "__main__":
    main()
