"""Getting statements in: bytes → text → ``Article`` → the store.

Every input ends as one ``IngestResult``: new, duplicate, or rejected with a
one-line reason. A rejected input never touches the database.
"""

from __future__ import annotations

import asyncio
import codecs
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path

from storage.analysis import analyze
from storage.models import Article, IngestResult, IngestStatus, Origin, OriginKind
from storage.parse import RejectedText, parse_article
from storage.store import Store
from storage.text import TextNormalizer, shared_normalizer

# A press statement is a few kB; anything this large is not one.
MAX_FILE_BYTES = 2 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt"})
# Share of control characters above which decoded bytes are not text.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte is the high byte of a Persian or ASCII
    code point (0x06, 0x00, or 0x20 for ZWNJ), which UTF-8 text never shows."""
    sample = data[: 4096 & ~1]
    if len(sample) < 4:
        return None
    even, odd = _high_byte_share(sample[0::2]), _high_byte_share(sample[1::2])
    if odd > 0.7 and even < 0.5:
        return "utf-16-le"
    if even > 0.7 and odd < 0.5:
        return "utf-16-be"
    return None


def _high_byte_share(half: bytes) -> float:
    return sum(half.count(b) for b in (0x00, 0x06, 0x20)) / len(half)


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(1, len(text))


def decode(data: bytes) -> str:
    """Decode a statement: UTF-8 (BOM or not), UTF-16, then Windows-1256."""
    if not data.strip():
        raise RejectedText("empty file")
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif utf16 := _looks_utf16(data):
        candidates = [utf16]
    elif b"\x00" in data:
        raise RejectedText("binary file, not text")
    else:
        candidates = ["utf-8", "cp1256"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise RejectedText("empty file")
        if _control_share(text) > _MAX_CONTROL_SHARE:
            raise RejectedText("binary file, not text")
        return text
    raise RejectedText(f"cannot decode the text (tried {', '.join(candidates)})")


def read_statement(path: Path) -> str:
    """The text of a statement file, or ``RejectedText`` saying why not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RejectedText(
                f"file is {size / 2**20:.1f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit"
            )
        return decode(path.read_bytes())
    except FileNotFoundError:
        raise RejectedText("no such file") from None
    except IsADirectoryError:
        raise RejectedText("a folder with no .txt files in it") from None
    except PermissionError:
        raise RejectedText("permission denied") from None


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders as their ``.txt`` files, recursively, in name order."""
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.is_file()
            )
            yield from files or [path]  # an empty folder is reported, not skipped
        else:
            yield path


def analyze_text(raw: str, normalizer: TextNormalizer | None = None) -> Article:
    """Parse and analyze without storing. Raises ``RejectedText``."""
    return analyze(parse_article(raw, normalizer or shared_normalizer()))


class Ingestor:
    """Turns inputs into stored articles through the store's single write path."""

    def __init__(self, store: Store, normalizer: TextNormalizer | None = None) -> None:
        self._store = store
        self._normalizer = normalizer or shared_normalizer()

    async def ingest_text(self, raw: str, origin: Origin) -> IngestResult:
        try:
            article = analyze(parse_article(raw, self._normalizer))
        except RejectedText as exc:
            return IngestResult(origin, IngestStatus.REJECTED, reason=str(exc))
        return await self._store.add_article(article, origin)

    async def ingest_file(self, path: Path) -> IngestResult:
        origin = Origin(OriginKind.FILE, str(path))
        try:
            raw = read_statement(path)
        except RejectedText as exc:
            return IngestResult(origin, IngestStatus.REJECTED, reason=str(exc))
        return await self.ingest_text(raw, origin)

    async def ingest_paths(self, paths: Iterable[Path]) -> AsyncIterator[IngestResult]:
        for path in expand_paths(paths):
            yield await self.ingest_file(path)
            await asyncio.sleep(0)  # let other tasks (the bot) run between files
