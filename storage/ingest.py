"""Getting statements in: a file or a text → an analysed ``Article`` → the store.

Every input ends as one ``IngestResult``: new, duplicate, or rejected with its reason.
A rejected input never touches the database. Reading, parsing and analysis run on the
store's worker thread, never on the event loop, so the bot answers while a large
statement is being read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from storage.analysis import analyze_text
from storage.db.store import Store
from storage.errors import RejectedText
from storage.models import Article, IngestResult, IngestStatus, Origin, OriginKind
from storage.sources.files import Decoded, expand_paths, read_statement
from storage.text.normalize import TextNormalizer, shared_normalizer


def rejected(origin: Origin, exc: RejectedText) -> IngestResult:
    return IngestResult(origin, IngestStatus.REJECTED, reason=str(exc), rejection=exc.reason)


class Ingestor:
    """Turns inputs into stored articles through the store's single write path."""

    def __init__(self, store: Store, normalizer: TextNormalizer | None = None) -> None:
        self._store = store
        self._normalizer = normalizer

    def _analyze(self, raw: str) -> Article:
        return analyze_text(raw, self._normalizer or shared_normalizer())

    def _prepare(self, raw: str) -> tuple[Article, dict[str, str]]:
        """The analysed article and its index row: all the CPU work of storing it, at once."""
        article = self._analyze(raw)
        return article, self._store.index_row(article)

    def _prepare_file(self, path: Path) -> tuple[Decoded, Article, dict[str, str]]:
        decoded = read_statement(path)
        return decoded, *self._prepare(decoded.text)

    async def analyze(self, raw: str) -> Article:
        """Parse and analyse off the event loop. Raises ``RejectedText``."""
        return await self._store.offload(self._analyze, raw)

    async def ingest_text(self, raw: str, origin: Origin) -> IngestResult:
        try:
            article, row = await self._store.offload(self._prepare, raw)
        except RejectedText as exc:
            return rejected(origin, exc)
        return await self._store.add_article(article, origin, index_row=row)

    async def ingest_file(self, path: Path) -> IngestResult:
        """Read, decode, analyse and index on the worker thread in one go, then store."""
        origin = Origin(OriginKind.FILE, str(path))
        try:
            decoded, article, row = await self._store.offload(self._prepare_file, path)
        except RejectedText as exc:
            return rejected(origin, exc)
        result = await self._store.add_article(article, origin, index_row=row)
        return dataclasses.replace(result, replaced=decoded.replaced) if decoded.replaced else result

    async def ingest_paths(self, paths: Iterable[Path]) -> AsyncIterator[IngestResult]:
        for path in expand_paths(paths):
            yield await self.ingest_file(path)
