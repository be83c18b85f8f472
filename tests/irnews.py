"""Reader for ../shared/data/ir-news (and ir-news-other), the real news articles used in
tests and benchmarks.

Each file: ``agency###title###link###category###date###id###tags``, then the gold
summary sentence ids, then ``id<TAB>sentence`` lines. ir-news holds Tabnak and Roozno;
ir-news-other two further agencies (Mashregh, Sobhane), in the same format.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IRNEWS = Path(os.environ.get("SOKHAN_IRNEWS", ROOT.parent / "shared" / "data" / "ir-news"))
IRNEWS_OTHER = Path(os.environ.get("SOKHAN_IRNEWS_OTHER", IRNEWS.parent / "ir-news-other"))
SENTENCES_PER_PARAGRAPH = 3
# Some agencies leave the title empty and the dataset writes it as pandas' ``nan``.
_NO_TITLE = frozenset({"", "nan", "None"})


@dataclass(frozen=True, slots=True)
class NewsItem:
    path: Path
    title: str  # "" when the article has none
    date: str
    sentences: tuple[str, ...]
    gold: tuple[int, ...]  # 1-based ids into sentences

    @property
    def source(self) -> str:
        """The agency, from the file name: ``tabnak_data_7.txt`` and ``sobhane2_3.txt`` →
        ``tabnak``, ``sobhane``."""
        return self.path.name.split("_", 1)[0].rstrip("0123456789")

    def as_statement(self) -> str:
        """The article as a statement file: the title, a blank line, paragraphs. An untitled
        article has its paragraphs a line each, with no blank line that would make a short
        first paragraph read as a title."""
        paragraphs = [
            " ".join(self.sentences[i : i + SENTENCES_PER_PARAGRAPH])
            for i in range(0, len(self.sentences), SENTENCES_PER_PARAGRAPH)
        ]
        if not self.title:
            return "\n".join(paragraphs) + "\n"
        return "\n\n".join([self.title, *paragraphs]) + "\n"


def read_item(path: Path) -> NewsItem:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = lines[0].split("###")
    gold = tuple(int(g) for g in lines[1].split("@@@") if g.strip().isdigit())
    sentences = tuple(
        text.strip() for _, _, text in (line.partition("\t") for line in lines[2:]) if text.strip()
    )
    title = meta[1].strip()
    return NewsItem(path, "" if title in _NO_TITLE else title, meta[4].strip(), sentences, gold)


def news_files(roots: Iterable[Path] = (IRNEWS,)) -> list[Path]:
    """The article files under ``roots`` (ir-news alone unless asked), in name order."""
    return sorted(p for root in roots if root.is_dir() for p in root.glob("*_*.txt"))


def news_items(roots: Iterable[Path] = (IRNEWS,), titled: bool = True) -> Iterator[NewsItem]:
    """The articles with text (and, unless ``titled`` is false, a title)."""
    for path in news_files(roots):
        item = read_item(path)
        if item.sentences and (item.title or not titled):
            yield item
