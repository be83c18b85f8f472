"""The values the store hands out: frozen dataclasses, never database rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from storage.text import ZWNJ


class OriginKind(StrEnum):
    FILE = "file"
    URL = "url"
    TELEGRAM = "telegram"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an article came from: a file path, a URL or a Telegram ``chat/message``."""

    kind: OriginKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed, normalized statement. ``paragraphs[0]`` is the lead."""

    paragraphs: tuple[str, ...]
    raw_text: str
    title: str | None = None
    kicker: str | None = None
    date: dt.date | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def lead(self) -> str:
        return self.paragraphs[0]

    @property
    def content_hash(self) -> str:
        """Identity of the content, blind to spacing and ZWNJ so re-typed copies match."""
        parts = [self.title or "", *self.paragraphs]
        canonical = "\n".join(p.replace(ZWNJ, "").replace(" ", "") for p in parts)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "kicker": self.kicker,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "lead": self.lead,
            "paragraphs": list(self.paragraphs),
            "tags": list(self.tags),
        }


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    origin: Origin
    created_at: str
    content_hash: str = field(repr=False, default="")


class IngestStatus(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one input: stored under ``article_id``, already there, or refused."""

    origin: Origin
    status: IngestStatus
    article_id: int | None = None
    reason: str | None = None
    title: str | None = None
