"""Reader for ../shared/data/ir-news, the real news articles used in tests and benchmarks.

Each file: ``agency###title###link###category###date###id###tags``, then the gold
summary sentence ids, then ``id<TAB>sentence`` lines.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IRNEWS = Path(os.environ.get("SOKHAN_IRNEWS", ROOT.parent / "shared" / "data" / "ir-news"))
SENTENCES_PER_PARAGRAPH = 3


@dataclass(frozen=True, slots=True)
class NewsItem:
    path: Path
    title: str
    date: str
    sentences: tuple[str, ...]
    gold: tuple[int, ...]  # 1-based ids into sentences

    def as_statement(self) -> str:
        """The article as a statement file: the title, a blank line, paragraphs."""
        paragraphs = [
            " ".join(self.sentences[i : i + SENTENCES_PER_PARAGRAPH])
            for i in range(0, len(self.sentences), SENTENCES_PER_PARAGRAPH)
        ]
        return "\n\n".join([self.title, *paragraphs]) + "\n"


def read_item(path: Path) -> NewsItem:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = lines[0].split("###")
    gold = tuple(int(g) for g in lines[1].split("@@@") if g.strip().isdigit())
    sentences = tuple(
        text.strip() for _, _, text in (line.partition("\t") for line in lines[2:]) if text.strip()
    )
    return NewsItem(path, meta[1].strip(), meta[4].strip(), sentences, gold)


def news_files() -> list[Path]:
    return sorted(IRNEWS.glob("*_data_*.txt")) if IRNEWS.is_dir() else []


def news_items() -> Iterator[NewsItem]:
    for path in news_files():
        item = read_item(path)
        if item.title and item.sentences:
            yield item
