"""Quote extraction against the hand-annotated gold sets.

Run: ``.venv/bin/python benchmarks/quotes.py [--set irnews|irnews_genres|irnews_other|statements|all]
[--verbose]``.
Gold: every ``benchmarks/gold/quotes/*.jsonl`` and ``benchmarks/gold/statements/quotes.jsonl``
(format in ``benchmarks/gold/quotes/README.md``). The system is driven through its command
line only (``analyze``, ``ingest``, ``quotes``), which stays put while the modules move.

Per set and per agency it prints:
- precision: system direct quotes whose first words match a gold direct quote of the same
  article / all system quotes (one matching a gold *reported* quote counts neither way);
- recall: gold direct quotes found by their first words / gold direct quotes;
- speaker accuracy: found quotes whose system speaker is the gold name, an alias or a surname;
- reach: gold direct quotes of person/title/organisation speakers that ``/quote GOLD_NAME``
  shows under the speaker it picks, after ingesting the set into one fresh database;
- boundary: found quotes whose last words match too;
- reported speech, apart: precision (system reported quotes whose first words match a gold
  quote of the article) and recall (gold reported quotes a system reported quote starts alike).
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.irnews import IRNEWS, IRNEWS_OTHER  # noqa: E402  (the path first)

GOLD = ROOT / "benchmarks" / "gold"
SETS = {"ir-news": "irnews", "ir-news-genres": "irnews_genres", "ir-news-other": "irnews_other",
        "statements": "statements"}
# Where each set's articles are: the two ir-news sets share the corpus.
DATA = {"ir-news": IRNEWS, "ir-news-genres": IRNEWS, "ir-news-other": IRNEWS_OTHER,
        "statements": GOLD / "statements"}
PY = sys.executable
WORDS = 3  # first/last words compared
REACH_KINDS = {"person", "title", "organisation"}


@functools.cache
def text_tools() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The project's normalizer and folding, wherever the ongoing reorganization puts them."""
    try:
        from storage.text import fold, shared_normalizer  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        from storage.text.letters import fold
        from storage.text.normalize import shared_normalizer
    return shared_normalizer().normalize, fold


@functools.cache
def words(text: str) -> tuple[str, ...]:
    """Folded words without punctuation or quotation marks."""
    normalize, fold = text_tools()
    return tuple(re.sub(r"[^\w]+", " ", fold(normalize(text))).split())


def key(text: str) -> str:
    """Blind to ZWNJ and spacing: folded letters only."""
    return "".join(words(text))


def starts_alike(gold_first: str, text: str) -> bool:
    # Letters of the first words, not a word list: ZWNJ or a space inside a word must not
    # shift the count (می‌شود / می شود / میشود). Fewer words when either side is shorter.
    gold, own = words(gold_first), words(text)
    n = min(WORDS, len(gold), len(own))
    return n > 0 and key(text).startswith("".join(gold[:n]))


def ends_alike(gold_last: str, text: str) -> bool:
    gold, own = words(gold_last), words(text)
    n = min(WORDS, len(gold), len(own))
    return n > 0 and key(text).endswith("".join(gold[-n:]))


@dataclass
class Article:
    set: str
    agency: str
    file: str
    speakers: dict[str, dict[str, Any]]
    gold: list[dict[str, Any]]
    system: list[dict[str, Any]] = field(default_factory=list)  # direct quotes
    reported: list[dict[str, Any]] = field(default_factory=list)  # the system's reported speech
    found: dict[int, dict[str, Any]] = field(default_factory=dict)  # gold index -> system quote
    wrong: list[dict[str, Any]] = field(default_factory=list)  # system quotes matching nothing


def agency_of(source: str, file: str) -> str:
    return "statements" if source == "statements" else re.sub(r"\d*$", "", file.split("_")[0])


def load_gold(chosen: str) -> list[Article]:
    paths = [*sorted((GOLD / "quotes").glob("*.jsonl")), GOLD / "statements" / "quotes.jsonl"]
    articles: list[Article] = []
    for path in filter(Path.exists, paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            name = SETS.get(rec["source"], rec["source"])
            if chosen in ("all", name):
                articles.append(Article(name, agency_of(rec["source"], rec["file"]), rec["file"],
                                        {s["id"]: s for s in rec["speakers"]}, rec["quotes"]))
    return articles


def write_statements(articles: list[Article], folder: Path) -> dict[str, Path]:
    """The files the system reads: ir-news articles rendered as ``as_statement()`` does,
    statement files as they are."""
    from tests.irnews import read_item

    paths: dict[str, Path] = {}
    source = {v: k for k, v in SETS.items()}
    for a in articles:
        src = DATA[source[a.set]] / a.file
        text = src.read_text(encoding="utf-8") if a.set == "statements" else read_item(src).as_statement()
        paths[a.file] = folder / a.file
        paths[a.file].write_text(text, encoding="utf-8")
    return paths


def run_json(*args: str | Path) -> tuple[str, str]:
    """``python -m bot ARGS``: its stdout and stderr; a command that prints nothing and fails
    stops the run (the project is mid-change), one that reports a miss does not."""
    done = subprocess.run([PY, "-m", "bot", *map(str, args)], capture_output=True, text=True,  # noqa: S603
                          cwd=ROOT, check=False)
    if done.returncode and not done.stdout.strip():
        raise SystemExit(f"sokhan {args[0]} failed:\n{done.stderr.strip()[-1000:]}")
    return done.stdout, done.stderr


def analyze(articles: list[Article], paths: dict[str, Path]) -> None:
    out, err = run_json("analyze", "--json", *paths.values())
    by_file = {Path(d["file"]).name: d for d in map(json.loads, out.splitlines())}
    for a in articles:
        result = by_file.get(a.file)
        if result is None or "error" in result:
            print(f"  {a.file}: {(result and result.get('error')) or err.strip()[-300:]}", file=sys.stderr)
        quotes = result.get("quotes", []) if result else []
        a.system = [q for q in quotes if q.get("kind", "direct") == "direct"]
        a.reported = [q for q in quotes if q.get("kind") == "reported"]


def match(a: Article) -> None:
    """One system quote per gold quote, in order; a repeat of a found quote is wrong."""
    taken: set[int] = set()
    for quote in a.system:
        hits = [i for i, g in enumerate(a.gold) if starts_alike(g["first"], quote["text"])]
        direct = [i for i in hits if a.gold[i]["kind"] == "direct" and i not in taken]
        if direct:
            taken.add(direct[0])
            a.found[direct[0]] = quote
        elif not any(a.gold[i]["kind"] == "reported" for i in hits):
            a.wrong.append(quote)


def same_speaker(system: str, speaker: dict[str, Any]) -> bool:
    """The gold name, an alias, or (for a named person) the name's last words: عراقچی, مکارم شیرازی."""
    names = {key(n) for n in [speaker["name"], *speaker.get("aliases", [])]}
    if speaker["kind"] == "person":
        full = words(speaker["name"])
        names |= {"".join(full[i:]) for i in range(1, len(full))}
    return key(system) in names


def reach(articles: list[Article], paths: dict[str, Path], folder: Path) -> dict[tuple[str, int], bool]:
    """Which gold direct quotes ``/quote NAME`` shows under the speaker it picks."""
    db = folder / "reach.db"
    out, _ = run_json("ingest", "--db", db, "--json", *paths.values())
    ids = {Path(d["file"]).name: d["id"] for d in map(json.loads, out.splitlines()) if d.get("id")}
    names = {s["name"] for a in articles for s in a.speakers.values() if s["kind"] in REACH_KINDS}

    def lookup(name: str) -> tuple[str, list[dict[str, Any]]]:
        out, err = run_json("quotes", name, "--db", db, "--json", "--limit", "10000")
        found = [q for q in json.loads(out or "[]") if q.get("kind", "direct") == "direct"]
        # Several fit: the bot asks which one; the user picks the one named most like the query.
        listed = err.partition(" speakers match: ")[2].strip()
        candidates = listed.split("; ") if listed else sorted({q["speaker"] for q in found})
        if not candidates:
            return name, []
        best = max(candidates, key=lambda c: difflib.SequenceMatcher(None, key(c), key(name)).ratio())
        return name, [q for q in found if q["speaker"] == best]

    with ThreadPoolExecutor(8) as pool:
        shown = dict(pool.map(lookup, sorted(names)))
    reached: dict[tuple[str, int], bool] = {}
    for a in articles:
        for i, g in enumerate(a.gold):
            speaker = a.speakers[g["speaker"]]
            if g["kind"] == "direct" and speaker["kind"] in REACH_KINDS:
                reached[(a.file, i)] = any(q["article_id"] == ids.get(a.file) and
                                           starts_alike(g["first"], q["text"])
                                           for q in shown[speaker["name"]])
    return reached


def ratio(n: int, d: int) -> str:
    return f"{n / d:6.1%} ({n}/{d})" if d else "     — (0/0)"


def report(label: str, articles: list[Article], reached: dict[tuple[str, int], bool]) -> None:
    direct = [(a, i) for a in articles for i, g in enumerate(a.gold) if g["kind"] == "direct"]
    found = [(a, i) for a, i in direct if i in a.found]
    output = sum(len(a.found) + len(a.wrong) for a in articles)
    right_speaker = sum(same_speaker(a.found[i]["speaker"], a.speakers[a.gold[i]["speaker"]])
                        for a, i in found)
    boundary = sum(ends_alike(a.gold[i]["last"], a.found[i]["text"]) for a, i in found)
    reachable = [reached[(a.file, i)] for a, i in direct if (a.file, i) in reached]
    print(f"{label:<22} {len(articles):>3} articles  precision {ratio(len(found), output)}"
          f"  recall {ratio(len(found), len(direct))}  speaker {ratio(right_speaker, len(found))}"
          f"  reach {ratio(sum(reachable), len(reachable))}  boundary {ratio(boundary, len(found))}")
    # Reported speech, apart: gold reported quotes found by their first words, and the system's
    # reported quotes that are some gold quote (reported, or direct given as reported).
    gold_reported = [(a, g) for a in articles for g in a.gold if g["kind"] == "reported"]
    got = sum(any(starts_alike(g["first"], q["text"]) for q in a.reported) for a, g in gold_reported)
    issued = [(a, q) for a in articles for q in a.reported]
    true = sum(any(starts_alike(g["first"], q["text"]) for g in a.gold) for a, q in issued)
    print(f"{'':<22} {'':>3}           reported: precision {ratio(true, len(issued))}"
          f"  recall {ratio(got, len(gold_reported))}")


def details(articles: Iterable[Article], reached: dict[tuple[str, int], bool]) -> None:
    """Every miss, false quote (direct, and reported: FALSE-R), wrong speaker and unreached
    quote, for whoever tunes."""
    for a in articles:
        for i, g in enumerate(a.gold):
            name = a.speakers[g["speaker"]]["name"]
            if g["kind"] != "direct":
                continue
            if i not in a.found:
                print(f"  MISS     {a.file}: [{name}] {g['first']} … {g['last']}")
            elif not same_speaker(a.found[i]["speaker"], a.speakers[g["speaker"]]):
                print(f"  SPEAKER  {a.file}: [{name}] got [{a.found[i]['speaker']}] {g['first']}")
            if reached.get((a.file, i)) is False:
                print(f"  UNREACHED {a.file}: /quote {name}: {g['first']}")
        for q in a.wrong:
            print(f"  FALSE    {a.file}: [{q['speaker']}] {' '.join(q['text'].split()[:8])}")
        for q in a.reported:
            if not any(starts_alike(g["first"], q["text"]) for g in a.gold):
                print(f"  FALSE-R  {a.file}: [{q['speaker']}] {' '.join(q['text'].split()[:8])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="all", choices=["all", *SETS.values()])
    parser.add_argument("--verbose", action="store_true", help="list misses, false quotes, wrong speakers")
    args = parser.parse_args()
    articles = load_gold(args.set)
    if not articles:
        print("no gold quotes for that set", file=sys.stderr)
        return 1
    for name in sorted({a.set for a in articles}):
        chosen = [a for a in articles if a.set == name]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            paths = write_statements(chosen, folder)
            analyze(chosen, paths)
            for a in chosen:
                match(a)
            reached = reach(chosen, paths, Path(tmp))
        report(name, chosen, reached)
        agencies = Counter(a.agency for a in chosen)
        for agency in sorted(agencies) if len(agencies) > 1 else []:
            report(f"  {agency}", [a for a in chosen if a.agency == agency], reached)
        if args.verbose:
            details(chosen, reached)
    return 0


if __name__ == "__main__":
    sys.exit(main())
