"""Each article's analysis (summary, speakers, aliases, quotes) and the speakers across
the archive.

One row per person (or office, when never named) across all articles, keyed by the
folded name without spaces, so spellings of one name meet. A quote is kept as its place
in the article's text, not as a second copy of the words.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence

import aiosqlite

from storage.analysis.quotes import speaker_key
from storage.models import Article, Quote, Speaker, SpeakerCount, StoredQuote

# A quote's words, cut from its article ``a``: only ever for the few rows of one page.
_QUOTE_TEXT = "substr(a.lead || char(10) || a.body, p.start + 1, p.length)"


def _span(article: Article, quote: Quote) -> tuple[int, int]:
    """Where ``quote`` is in the article's text as stored (lead, newline, body)."""
    at = article.paragraphs[quote.paragraph].find(quote.text)
    if at < 0:
        raise ValueError(f"quote not in paragraph {quote.paragraph}: {quote.text[:40]!r}")
    before = sum(len(p) + 1 for p in article.paragraphs[: quote.paragraph])
    return before + at, len(quote.text)


def _all_speakers(article: Article) -> list[Speaker]:
    """The article's speakers, and any quote's speaker missing from them (a hand-made
    Article may leave it out): every quote row needs its speaker row."""
    speakers = list(article.speakers)
    known = {speaker_key(s.name) for s in speakers}
    for quote in article.quotes:
        if speaker_key(quote.speaker) not in known:
            known.add(speaker_key(quote.speaker))
            speakers.append(Speaker(quote.speaker))
    return speakers


def add_analysis(conn: sqlite3.Connection, article_id: int, article: Article) -> None:
    """The summary, speakers, aliases and quotes of a new article, in its transaction:
    one statement per table, whatever the number of rows, and none for no rows."""
    conn.execute("INSERT INTO article_summaries (article_id, summary, headline) VALUES (?, ?, ?)",
                 (article_id, article.summary, article.headline))
    people = _all_speakers(article)
    if not people:
        return
    conn.executemany("INSERT INTO speakers (key, name) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                     [(speaker_key(s.name), s.name) for s in people])
    # The speaker's id is looked up by key inside each statement: no round trip for it.
    conn.executemany(
        "INSERT INTO article_speakers (article_id, speaker_id, position, name)"
        " VALUES (?, (SELECT id FROM speakers WHERE key = ?), ?, ?)",
        [(article_id, speaker_key(s.name), i, s.name) for i, s in enumerate(people)],
    )
    aliases = [(article_id, speaker_key(s.name), i, alias, speaker_key(alias))
               for s in people for i, alias in enumerate(s.aliases)]
    if aliases:
        conn.executemany(
            "INSERT INTO speaker_aliases (article_id, speaker_id, position, alias, key)"
            " VALUES (?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?)",
            aliases,
        )
    conn.executemany(
        "INSERT INTO quotes (article_id, position, speaker_id, paragraph, start, length)"
        " VALUES (?, ?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?)",
        [(article_id, i, speaker_key(q.speaker), q.paragraph, *_span(article, q))
         for i, q in enumerate(article.quotes)],
    )


def drop_orphans(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM speakers WHERE id NOT IN (SELECT speaker_id FROM article_speakers)")


def replace_all(conn: sqlite3.Connection, analysed: Iterable[tuple[int, Article]]) -> None:
    """Every article's analysis again (a new analyzer): the old rows and keys go first."""
    for table in ("quotes", "speaker_aliases", "article_speakers", "speakers", "article_summaries"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)
    for article_id, article in analysed:
        add_analysis(conn, article_id, article)


def unanalysed_ids(conn: sqlite3.Connection) -> set[int]:
    rows = conn.execute("SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_summaries)")
    return {row[0] for row in rows}


# -- reads --------------------------------------------------------------------------


async def of_articles(conn: aiosqlite.Connection, ids: str) -> dict[int, list[Speaker]]:
    """Each article's speakers (``ids`` a JSON list), in order, with the aliases it gives them."""
    aliases: dict[tuple[int, int], list[str]] = {}
    async with conn.execute(
        "SELECT s.article_id, s.speaker_id, a.alias FROM article_speakers s"
        " JOIN speaker_aliases a USING (speaker_id, article_id)"
        " WHERE s.article_id IN (SELECT value FROM json_each(?)) ORDER BY 1, 2, a.position",
        (ids,),
    ) as cursor:
        async for row in cursor:
            aliases.setdefault((row[0], row[1]), []).append(row[2])
    found: dict[int, list[Speaker]] = {}
    async with conn.execute(
        "SELECT article_id, speaker_id, name FROM article_speakers"
        " WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, position",
        (ids,),
    ) as cursor:
        async for row in cursor:
            found.setdefault(row[0], []).append(Speaker(row[2], tuple(aliases.get((row[0], row[1]), ()))))
    return found


async def containing(conn: aiosqlite.Connection, key: str) -> list[Speaker]:
    """Speakers whose name or an alias holds ``key``: a cheap filter before matching."""
    async with conn.execute(
        "SELECT s.id, s.name, a.alias FROM speakers s LEFT JOIN speaker_aliases a ON a.speaker_id = s.id"
        " WHERE s.id IN (SELECT id FROM speakers WHERE instr(key, :key) > 0"
        "  UNION SELECT speaker_id FROM speaker_aliases WHERE instr(key, :key) > 0)"
        " ORDER BY s.id, a.article_id, a.position",
        {"key": key},
    ) as cursor:
        rows = await cursor.fetchall()
    return _from_rows(rows)


async def quotes_by(conn: aiosqlite.Connection, people: Sequence[Speaker], limit: int,
                    offset: int) -> list[StoredQuote]:
    """Quotes of these speakers, newest article first, in article order within one. The
    page is chosen first, so only its quotes are cut out of their articles."""
    keys = json.dumps([speaker_key(s.name) for s in people])
    async with conn.execute(
        "WITH p AS (SELECT q.article_id, q.position, q.paragraph, q.start, q.length, s.name,"  # noqa: S608
        "  coalesce(a.published, substr(a.created_at, 1, 10)) AS day FROM quotes q"
        "  JOIN speakers s ON s.id = q.speaker_id JOIN articles a ON a.id = q.article_id"
        "  WHERE s.key IN (SELECT value FROM json_each(?))"
        "  ORDER BY day DESC, q.article_id DESC, q.position LIMIT ? OFFSET ?)"
        f" SELECT p.article_id, p.name, p.paragraph, {_QUOTE_TEXT}, a.published FROM p"
        " JOIN articles a ON a.id = p.article_id ORDER BY p.day DESC, p.article_id DESC, p.position",
        (keys, limit, offset),
    ) as cursor:
        rows = await cursor.fetchall()
    return [StoredQuote(row[0], Quote(row[1], row[3], row[2]),
                        dt.date.fromisoformat(row[4]) if row[4] else None) for row in rows]


async def counts(conn: aiosqlite.Connection, limit: int, offset: int) -> list[SpeakerCount]:
    """Speakers by how many quotes they have, most first, with every alias seen."""
    async with conn.execute(
        "WITH counted AS (SELECT speaker_id, count(*) AS n FROM quotes GROUP BY speaker_id"
        "  ORDER BY n DESC, speaker_id LIMIT ? OFFSET ?)"
        " SELECT s.id, s.name, a.alias, c.n FROM counted c JOIN speakers s ON s.id = c.speaker_id"
        " LEFT JOIN speaker_aliases a ON a.speaker_id = s.id"
        " ORDER BY c.n DESC, s.id, a.article_id, a.position",
        (limit, offset),
    ) as cursor:
        rows = await cursor.fetchall()
    quoted = {row[0]: row[3] for row in rows}
    return [SpeakerCount(s, quoted[i]) for i, s in zip(list(quoted), _from_rows(rows), strict=True)]


def _from_rows(rows: Iterable[sqlite3.Row]) -> list[Speaker]:
    """``(id, name, alias, …)`` rows ordered by speaker → one Speaker each, aliases deduplicated
    by key (the same title recurs across articles)."""
    names: dict[int, str] = {}
    aliases: dict[int, dict[str, str]] = {}
    for row in rows:
        names.setdefault(row[0], row[1])
        seen = aliases.setdefault(row[0], {})
        if row[2] is not None and speaker_key(row[2]) != speaker_key(row[1]):
            seen.setdefault(speaker_key(row[2]), row[2])
    return [Speaker(names[i], tuple(aliases[i].values())) for i in names]
