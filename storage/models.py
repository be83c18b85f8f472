"""The values the store hands out: frozen dataclasses, never database rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from storage.errors import Rejection
from storage.text.letters import ZWNJ


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


class QuoteKind(StrEnum):
    DIRECT = "direct"  # cued with a colon or set in «»
    REPORTED = "reported"  # گفت که …: the reporter's words for what was said


@dataclass(frozen=True, slots=True)
class Quote:
    """Words reported as said by ``speaker`` (a canonical name, or a title where the
    article never names the person), found in paragraph ``paragraph``."""

    speaker: str
    text: str
    paragraph: int
    kind: QuoteKind = QuoteKind.DIRECT

    def to_json(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text, "paragraph": self.paragraph,
                "kind": str(self.kind)}


class SpeakerKind(StrEnum):
    PERSON = "person"  # named
    TITLE = "title"  # an office never tied to a name
    ORGANISATION = "organisation"  # a body, its statement, a medium, a government
    ANONYMOUS = "anonymous"  # یک منبع آگاه, یکی از شهروندان: nobody to look up


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person (or office, body, anonymous source) quoted in an article, with the other
    names it goes by there; ``titles`` are those of the aliases that are offices, and
    across articles the newest first."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: SpeakerKind = SpeakerKind.PERSON
    titles: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "aliases": list(self.aliases), "kind": str(self.kind),
                "titles": list(self.titles)}


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed, normalized statement. ``paragraphs[0]`` is the lead.

    The analysis fields (``summary`` … ``speakers``) are filled in at ingest; an
    article fresh from the parser has their empty defaults.
    """

    paragraphs: tuple[str, ...]
    raw_text: str
    title: str | None = None
    kicker: str | None = None
    date: dt.date | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    summary: str = ""
    # The title, or one derived from the lead quote or the summary when there is none.
    headline: str | None = None
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()

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
            "summary": self.summary,
            "headline": self.headline or self.title,
            "quotes": [q.to_json() for q in self.quotes],
            "speakers": [s.to_json() for s in self.speakers],
        }


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    origin: Origin
    created_at: str
    content_hash: str = field(repr=False, default="")
    # The messenger's file_id of the photo a photo post came with; its bulletins carry it.
    photo: str | None = None


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote as the store hands it out: where it was said, and when."""

    article_id: int
    quote: Quote
    date: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "speaker": self.quote.speaker, "text": self.quote.text,
                "kind": str(self.quote.kind)}


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What a subscriber reads first: the headline and the summary of an article."""

    article_id: int
    headline: str | None
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.article_id, "headline": self.headline, "summary": self.summary}


@dataclass(frozen=True, slots=True)
class SpeakerCount:
    """A speaker across the store: the name, every alias seen, and how many quotes."""

    speaker: Speaker
    quotes: int


@dataclass(frozen=True, slots=True)
class Snippet:
    """Why a search hit matched: a window of its text and the spans of the matched words."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()
    cut_start: bool = False  # the window starts inside the paragraph
    cut_end: bool = False

    def plain(self) -> str:
        return self._before + self.text + (" …" if self.cut_end else "")

    @property
    def _before(self) -> str:
        return "… " if self.cut_start else ""

    def plain_marks(self) -> list[tuple[int, int]]:
        """The marks as places in ``plain()``."""
        shift = len(self._before)
        return [(start + shift, end + shift) for start, end in self.marks]


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    date: str | None
    source: str | None
    origin: str
    score: float
    snippet: Snippet

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date, "source": self.source,
                "origin": self.origin, "score": self.score, "snippet": self.snippet.plain(),
                "marks": self.snippet.plain_marks()}


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: tuple[SearchHit, ...]
    has_more: bool
    # The query was cut to MAX_QUERY_CHARS / had nothing to search for.
    truncated: bool = False
    empty: bool = False
    # Articles that match, counted up to the number ranked (``capped``: maybe more).
    total: int = 0
    capped: bool = False


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
    reason: str | None = None  # the command line's one-line wording
    rejection: Rejection | None = None
    title: str | None = None
    # Deliveries queued for subscribers in the same transaction as the article.
    queued: int = 0
    # Stray bytes of a UTF-8 file replaced when it was read.
    replaced: int = 0


# -- distribution -------------------------------------------------------------------


class SubscriptionKind(StrEnum):
    ALL = "all"  # every new bulletin
    QUERY = "query"  # bulletins a search query matches
    SPEAKER = "speaker"  # bulletins in which a speaker is quoted


@dataclass(frozen=True, slots=True)
class Chat:
    """A chat that subscribes: private, group, supergroup or channel."""

    id: int
    type: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    chat_id: int
    kind: SubscriptionKind
    # What the chat asked for, as typed (a query, a speaker's name); "" for ALL.
    label: str


class SubscribeStatus(StrEnum):
    ADDED = "added"
    EXISTS = "exists"  # the chat already had this subscription
    LIMIT = "limit"  # the chat has MAX_SUBSCRIPTIONS already


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    status: SubscribeStatus
    subscription: Subscription | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """A subscription a bulletin answers: its kind and what the chat typed."""

    kind: SubscriptionKind
    label: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """One bulletin owed to one chat."""

    id: int
    article_id: int
    chat_id: int
    chat_type: str
    attempts: int
    # Every subscription of the chat that matched, the one that queued it first; none for
    # a channel post or when the subscriptions were removed since.
    reasons: tuple[Reason, ...] = ()

    @property
    def kind(self) -> SubscriptionKind | None:
        return self.reasons[0].kind if self.reasons else None

    @property
    def label(self) -> str:
        return self.reasons[0].label if self.reasons else ""


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    speakers: int
    quotes: int
    subscribers: int  # active chats with at least one subscription
    inactive_subscribers: int  # chats that blocked or removed the bot
    subscriptions: int
    pending: int
    sent: int
    failed: int
    feeds: int
    failing_feeds: int


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str | None
    # "config" for a feed from SOKHAN_FEEDS, else the id of the admin who added it.
    added_by: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_error: str | None = None
    last_ok_at: str | None = None
    next_poll: float = 0.0

    @property
    def from_config(self) -> bool:
        return self.added_by == "config"


@dataclass(frozen=True, slots=True)
class Claim:
    """Deliveries a sender holds for the length of its lease, and when each may go.

    The i-th delivery goes ``start + i * spacing`` seconds after the claim (spacing 0: no
    rate limit). With nothing taken, ``wait`` says how long until claiming is worth trying
    again (a retry or a lease running out; None: none is known), and ``limited`` that the
    rate limit or a flood wait held it back, not an empty outbox.
    """

    deliveries: tuple[Delivery, ...] = ()
    start: float = 0.0
    spacing: float = 0.0
    wait: float | None = None
    limited: bool = False
    # The database's clock at the claim (a Unix time): the times above count from it. On
    # SQLite it is this host's clock (``host_clock``), on PostgreSQL the server's.
    clock: float = 0.0
    host_clock: bool = True
    # This host's time.time() just before and just after that clock was read.
    read_at: tuple[float, float] = (0.0, 0.0)


class OutcomeKind(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # pending again after ``delay``; ``count`` says whether it was a failed attempt
    FAILED = "failed"
    RELEASED = "released"  # given back unsent (a sender stopping, a chat moved): due again at once


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one claimed delivery, as a sender records it."""

    kind: OutcomeKind
    delivery_id: int
    chat_id: int = 0
    message_id: int | None = None
    error: str | None = None
    delay: float = 0.0  # seconds from the recording until a retried delivery is due
    count: bool = True
    # Seconds the chat must then rest before its next message (a group's 20 a minute).
    rest: float = 0.0
