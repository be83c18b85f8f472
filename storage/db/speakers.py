"""Each article's analysis (summary, speakers, aliases, quotes) and the speakers across
the archive.

One row per person (or office, body, anonymous source) across all articles, keyed by the
folded name without spaces, so spellings of one name meet. A quote is kept as its place
in the article's text, not as a second copy of the words.

A person named by surname alone (``ظریف``) is a speaker of their own, *joined* when read
to the one full name it ends (``محمدجواد ظریف``) if exactly one does: the join is made at
query time from ``speaker_surnames``, so it does not depend on which came first and comes
undone when a second ``… ظریف`` appears. Anonymous sources are stored with their quotes
but are nobody to look up or list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from storage.analysis.quotes import is_bare_name, speaker_key, surname_keys
from storage.db.types import Connection, ReadConnection, Row
from storage.models import Article, Quote, QuoteKind, Speaker, SpeakerCount, SpeakerKind, StoredQuote

# A quote's words, cut from its article ``a``: only ever for the few rows of one page.
_QUOTE_TEXT = "substr(a.lead || char(10) || a.body, p.start + 1, p.length)"
# Each speaker's id and the id it reads as: the one full name a bare surname fits, else
# itself. (A correlated lookup per speaker, by the surname table's primary key.)
_JOINED = """
    SELECT s.id, coalesce(CASE WHEN s.bare = 1 THEN (
        SELECT min(u.speaker_id) FROM speaker_surnames u WHERE u.surname = s.key
        HAVING count(*) = 1) END, s.id) AS target
    FROM speakers s
"""


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


def _bare(speaker: Speaker) -> bool:
    return speaker.kind is SpeakerKind.PERSON and is_bare_name(speaker.name)


def add_analysis(conn: Connection, article_id: int, article: Article) -> None:
    """The summary, speakers, aliases and quotes of a new article, in its transaction:
    one statement per table, whatever the number of rows, and none for no rows."""
    conn.execute("INSERT INTO article_summaries (article_id, summary, headline) VALUES (?, ?, ?)",
                 (article_id, article.summary, article.headline))
    people = _all_speakers(article)
    if not people:
        return
    conn.executemany("INSERT INTO speakers (key, name, kind, bare) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (key) DO NOTHING",
                     [(speaker_key(s.name), s.name, str(s.kind), _bare(s)) for s in people])
    # The speaker's id is looked up by key inside each statement: no round trip for it.
    conn.executemany(
        "INSERT INTO article_speakers (article_id, speaker_id, position, name, kind)"
        " VALUES (?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?)",
        [(article_id, speaker_key(s.name), i, s.name, str(s.kind)) for i, s in enumerate(people)],
    )
    aliases = [(article_id, speaker_key(s.name), i, alias, speaker_key(alias), alias in s.titles)
               for s in people for i, alias in enumerate(s.aliases)]
    if aliases:
        conn.executemany(
            "INSERT INTO speaker_aliases (article_id, speaker_id, position, alias, key, title)"
            " VALUES (?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?, ?)",
            aliases,
        )
    surnames = [(surname, speaker_key(s.name)) for s in people
                if s.kind is SpeakerKind.PERSON and not _bare(s) for surname in surname_keys(s.name)]
    if surnames:
        conn.executemany(
            "INSERT INTO speaker_surnames (surname, speaker_id)"
            " VALUES (?, (SELECT id FROM speakers WHERE key = ?))"
            " ON CONFLICT DO NOTHING",
            surnames,
        )
    conn.executemany(
        "INSERT INTO quotes (article_id, position, speaker_id, paragraph, start, length, kind)"
        " VALUES (?, ?, (SELECT id FROM speakers WHERE key = ?), ?, ?, ?, ?)",
        [(article_id, i, speaker_key(q.speaker), q.paragraph, *_span(article, q), str(q.kind))
         for i, q in enumerate(article.quotes)],
    )


def drop_orphans(conn: Connection) -> None:
    conn.execute("DELETE FROM speaker_surnames"
                 " WHERE speaker_id NOT IN (SELECT speaker_id FROM article_speakers)")
    conn.execute("DELETE FROM speakers WHERE id NOT IN (SELECT speaker_id FROM article_speakers)")


def replace_all(conn: Connection, analysed: Iterable[tuple[int, Article]]) -> None:
    """Every article's analysis again (a new analyzer): the old rows and keys go first."""
    for table in ("quotes", "speaker_aliases", "speaker_surnames", "article_speakers", "speakers",
                  "article_summaries"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)
    for article_id, article in analysed:
        add_analysis(conn, article_id, article)


def unanalysed_ids(conn: Connection) -> set[int]:
    """Articles with no analysis yet. None while the tables have the schema of migration 3
    (a database that old is being brought up to date): migration 6 makes them anew and
    has everything analysed then."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(speakers)")}
    if "kind" not in columns:
        return set()
    rows = conn.execute("SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_summaries)")
    return {row[0] for row in rows}


# -- reads --------------------------------------------------------------------------


async def of_articles(conn: ReadConnection, ids: str) -> dict[int, list[Speaker]]:
    """Each article's speakers (``ids`` a JSON list), in order, with the aliases it gives them."""
    aliases: dict[tuple[int, int], list[tuple[str, bool]]] = {}
    async with conn.execute(
        "SELECT s.article_id, s.speaker_id, a.alias, a.title FROM article_speakers s"
        " JOIN speaker_aliases a USING (speaker_id, article_id)"
        " WHERE s.article_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) ORDER BY 1, 2, a.position",
        (ids,),
    ) as cursor:
        async for row in cursor:
            aliases.setdefault((row[0], row[1]), []).append((row[2], bool(row[3])))
    found: dict[int, list[Speaker]] = {}
    async with conn.execute(
        "SELECT article_id, speaker_id, name, kind FROM article_speakers"
        " WHERE article_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) ORDER BY article_id, position",
        (ids,),
    ) as cursor:
        async for row in cursor:
            own = aliases.get((row[0], row[1]), [])
            found.setdefault(row[0], []).append(Speaker(
                row[2], tuple(a for a, _ in own), SpeakerKind(row[3]), tuple(a for a, title in own if title)))
    return found


async def containing(conn: ReadConnection, key: str) -> list[Speaker]:
    """Speakers whose name or an alias holds ``key``: a cheap filter before matching.
    Anonymous sources are left out, and a bare surname that fits one full name reads as
    that person. Titles come newest first."""
    async with conn.execute(
        f"WITH joined AS ({_JOINED}),"  # noqa: S608 (our own SQL)
        " hits AS (SELECT id FROM speakers WHERE instr(key, :key) > 0"
        "  UNION SELECT speaker_id FROM speaker_aliases WHERE instr(key, :key) > 0),"
        " chosen AS (SELECT DISTINCT j.target AS id FROM hits h JOIN joined j ON j.id = h.id)"
        " SELECT t.id, t.name, a.alias, a.title, t.kind FROM chosen c JOIN speakers t ON t.id = c.id"
        " LEFT JOIN joined j ON j.target = t.id"
        " LEFT JOIN speaker_aliases a ON a.speaker_id = j.id"
        " LEFT JOIN articles r ON r.id = a.article_id"
        " WHERE t.kind != 'anonymous'"
        " ORDER BY t.id, coalesce(r.published, substr(r.created_at, 1, 10)) DESC, a.article_id DESC,"
        " a.position",
        {"key": key},
    ) as cursor:
        rows = await cursor.fetchall()
    return _from_rows(rows)


async def bare_surnames_of(conn: ReadConnection, name: str) -> list[Speaker]:
    """People stored by a surname of the full name ``name`` alone, where no full name in
    the archive has that surname (else the bare surname is that person's already)."""
    if is_bare_name(name):
        return []
    keys = json.dumps(surname_keys(name))
    async with conn.execute(
        "SELECT s.id, s.name, a.alias, a.title, s.kind FROM speakers s"
        " LEFT JOIN speaker_aliases a ON a.speaker_id = s.id LEFT JOIN articles r ON r.id = a.article_id"
        " WHERE s.key IN (SELECT value FROM json_each(?)) AND s.bare = 1"
        "  AND NOT EXISTS (SELECT 1 FROM speaker_surnames u WHERE u.surname = s.key)"
        " ORDER BY s.id, coalesce(r.published, substr(r.created_at, 1, 10)) DESC, a.article_id DESC,"
        " a.position",
        (keys,),
    ) as cursor:
        return _from_rows(await cursor.fetchall())


async def joined_keys(conn: ReadConnection, people: Sequence[Speaker]) -> dict[str, str]:
    """Each key whose quotes are these people's: their own, and the bare surnames joined
    to them → the name the quotes are shown under."""
    keys = json.dumps([speaker_key(s.name) for s in people])
    async with conn.execute(
        f"WITH joined AS ({_JOINED})"  # noqa: S608 (our own SQL)
        " SELECT s.key, t.name FROM speakers t JOIN joined j ON j.target = t.id"
        " JOIN speakers s ON s.id = j.id"
        " WHERE t.key IN (SELECT value FROM json_each(?))",
        (keys,),
    ) as cursor:
        rows = await cursor.fetchall()
    names = {row[0]: row[1] for row in rows}
    return names | {speaker_key(s.name): s.name for s in people if speaker_key(s.name) not in names}


async def quotes_by(conn: ReadConnection, people: Sequence[Speaker], limit: int,
                    offset: int) -> list[StoredQuote]:
    """Quotes of these speakers (with the bare surnames joined to them): their own words
    first, then reported speech, each newest article first and in article order within
    one. The page is chosen first, so only its quotes are cut out of their articles."""
    shown = await joined_keys(conn, people)
    async with conn.execute(
        "WITH p AS (SELECT q.article_id, q.position, q.paragraph, q.start, q.length, q.kind, s.key,"  # noqa: S608
        "  coalesce(a.published, substr(a.created_at, 1, 10)) AS day FROM quotes q"
        "  JOIN speakers s ON s.id = q.speaker_id JOIN articles a ON a.id = q.article_id"
        "  WHERE s.key IN (SELECT value FROM json_each(?))"
        "  ORDER BY q.kind = 'reported', day DESC, q.article_id DESC, q.position LIMIT ? OFFSET ?)"
        f" SELECT p.article_id, p.key, p.paragraph, {_QUOTE_TEXT}, a.published, p.kind FROM p"
        " JOIN articles a ON a.id = p.article_id"
        " ORDER BY p.kind = 'reported', p.day DESC, p.article_id DESC, p.position",
        (json.dumps(list(shown)), limit, offset),
    ) as cursor:
        rows = await cursor.fetchall()
    return [StoredQuote(row[0], Quote(shown[row[1]], row[3], row[2], QuoteKind(row[5])),
                        dt.date.fromisoformat(row[4]) if row[4] else None) for row in rows]


async def counts(conn: ReadConnection, limit: int, offset: int) -> list[SpeakerCount]:
    """Speakers by how many quotes they have (a bare surname's counting for the one full
    name it fits), most first, with every alias seen; anonymous sources are not listed."""
    async with conn.execute(
        f"WITH joined AS ({_JOINED}),"  # noqa: S608 (our own SQL)
        " counted AS (SELECT j.target AS speaker_id, count(*) AS n FROM quotes q"
        "  JOIN joined j ON j.id = q.speaker_id"
        "  JOIN speakers t ON t.id = j.target WHERE t.kind != 'anonymous'"
        "  GROUP BY j.target ORDER BY n DESC, j.target LIMIT ? OFFSET ?)"
        " SELECT s.id, s.name, a.alias, a.title, s.kind, c.n FROM counted c"
        " JOIN speakers s ON s.id = c.speaker_id"
        " LEFT JOIN speaker_aliases a ON a.speaker_id = s.id"
        " LEFT JOIN articles r ON r.id = a.article_id"
        " ORDER BY c.n DESC, s.id, coalesce(r.published, substr(r.created_at, 1, 10)) DESC,"
        " a.article_id DESC, a.position",
        (limit, offset),
    ) as cursor:
        rows = await cursor.fetchall()
    quoted = {row[0]: row[5] for row in rows}
    return [SpeakerCount(s, quoted[i]) for i, s in zip(list(quoted), _from_rows(rows), strict=True)]


def _from_rows(rows: Iterable[Row]) -> list[Speaker]:
    """``(id, name, alias, title, kind, …)`` rows ordered by speaker → one Speaker each,
    aliases deduplicated by key (the same title recurs across articles)."""
    names: dict[int, str] = {}
    kinds: dict[int, str] = {}
    aliases: dict[int, dict[str, str]] = {}
    titles: dict[int, dict[str, str]] = {}
    for row in rows:
        names.setdefault(row[0], row[1])
        kinds.setdefault(row[0], row[4])
        seen = aliases.setdefault(row[0], {})
        held = titles.setdefault(row[0], {})
        if row[2] is not None and speaker_key(row[2]) != speaker_key(row[1]):
            seen.setdefault(speaker_key(row[2]), row[2])
            if row[3]:
                held.setdefault(speaker_key(row[2]), row[2])
    return [Speaker(names[i], tuple(aliases[i].values()), SpeakerKind(kinds[i]), tuple(titles[i].values()))
            for i in names]
