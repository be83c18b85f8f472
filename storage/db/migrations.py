"""The schema, as ordered migrations. Append new ones; never edit one that has shipped."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    # Rebuild the search index in the same transaction (the analyzer is Python, not SQL).
    reindex: bool = False
    # Analyze the articles stored before it, in the same transaction (Python too).
    analyze: bool = False
    # It rebuilds a table others refer to: foreign keys are checked once it is done, not
    # while the old table is dropped (SQLite's own procedure for changing a table).
    rebuilds: bool = False


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles", """
        -- Small columns first: filters and sorting then never read past the long texts.
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            published TEXT,
            source TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            origin_kind TEXT NOT NULL CHECK (origin_kind IN ('file', 'url', 'telegram', 'text')),
            origin_ref TEXT NOT NULL,
            title TEXT,
            kicker TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            lead TEXT NOT NULL,
            -- the paragraphs after the lead, one per line (paragraphs hold no newline)
            body TEXT NOT NULL,
            raw_text TEXT NOT NULL
        ) STRICT;
        CREATE INDEX articles_by_date
            ON articles (coalesce(published, substr(created_at, 1, 10)) DESC, id DESC);
        CREATE INDEX articles_by_source ON articles (source);
    """),
    Migration(2, "search", """
        -- Holds the analyzer's form of each article (folded, stemmed, compounds split and
        -- joined), not the display text: snippets are cut from articles, never from here.
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, lead, body, extra,
            tokenize = 'unicode61 remove_diacritics 0'
        );
        -- title > lead > body. The lead weighs little more than the body: a short item
        -- is often all lead, and one mention there must not outrank a statement about it.
        INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(10.0, 2.0, 1.0, 1.0)');
    """, reindex=True),
    Migration(3, "quotes", """
        -- Each article's analysis. IF NOT EXISTS throughout: the migration may run again
        -- over its own tables when its ledger row is lost, and must leave them intact.
        -- Every table below is written for each new article, and each B-tree written costs
        -- a page in the WAL: the per-speaker tables are clustered by speaker (WITHOUT
        -- ROWID) and need no second index.
        CREATE TABLE IF NOT EXISTS article_summaries (
            article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            summary TEXT NOT NULL,
            -- the title, or one derived from the lead quote when there is none
            headline TEXT
        ) STRICT;
        -- One row per person (or office, when never named) across all articles. key is
        -- the folded name without spaces, so spellings of one name meet.
        CREATE TABLE IF NOT EXISTS speakers (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL
        ) STRICT;
        -- Who speaks in an article, under the name the article gives (order kept).
        CREATE TABLE IF NOT EXISTS article_speakers (
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            speaker_id INTEGER NOT NULL REFERENCES speakers (id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (article_id, speaker_id)
        ) STRICT, WITHOUT ROWID;
        -- The other names a speaker goes by in an article: surname, titles, the kicker.
        CREATE TABLE IF NOT EXISTS speaker_aliases (
            speaker_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            alias TEXT NOT NULL,
            key TEXT NOT NULL,
            PRIMARY KEY (speaker_id, article_id, position),
            FOREIGN KEY (article_id, speaker_id)
                REFERENCES article_speakers (article_id, speaker_id) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;
        -- A quote is a span of its article, kept as its place in lead || char(10) || body
        -- (in characters), not as a second copy of the words. position: its order in the
        -- article.
        CREATE TABLE IF NOT EXISTS quotes (
            speaker_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            length INTEGER NOT NULL,
            PRIMARY KEY (speaker_id, article_id, position),
            FOREIGN KEY (article_id, speaker_id)
                REFERENCES article_speakers (article_id, speaker_id) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;
    """, analyze=True),
    Migration(4, "distribution", """
        -- Chats that receive bulletins. active is 0 once Telegram says the bot may no
        -- longer write there (blocked, kicked, deactivated); subscribing again revives it.
        CREATE TABLE IF NOT EXISTS subscribers (
            chat_id INTEGER PRIMARY KEY,
            chat_type TEXT NOT NULL,
            title TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            inactive_reason TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) STRICT;
        -- target is what matching uses: the FTS5 MATCH expression of a query, the folded
        -- key of a speaker, '' for every bulletin. label is what the chat typed.
        CREATE TABLE IF NOT EXISTS subscriptions (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL
                REFERENCES subscribers (chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('all', 'query', 'speaker')),
            label TEXT NOT NULL,
            target TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (chat_id, kind, target)
        ) STRICT;
        CREATE INDEX IF NOT EXISTS subscriptions_by_kind ON subscriptions (kind, target);
        -- The outbox: one row per (bulletin, chat), written in the article's transaction,
        -- so a bulletin is never stored without its deliveries nor sent twice by design.
        -- due is a Unix time: when the next attempt may be made.
        CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            chat_id INTEGER NOT NULL
                REFERENCES subscribers (chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
            subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            due REAL NOT NULL DEFAULT 0,
            error TEXT,
            message_id INTEGER,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            sent_at TEXT,
            UNIQUE (article_id, chat_id)
        ) STRICT;
        -- Partial indexes: the worker only ever looks at what is still to send.
        CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (due, id) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS deliveries_pending_by_chat ON deliveries (chat_id, id)
            WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS deliveries_by_subscription ON deliveries (subscription_id)
            WHERE subscription_id IS NOT NULL;
        -- RSS/Atom sources. next_poll is a Unix time; failures counts the current run of
        -- errors, for backoff and for telling the admins once.
        CREATE TABLE IF NOT EXISTS feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            added_by TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            next_poll REAL NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_ok_at TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) STRICT;
        -- Every entry seen, stored or refused, so that each is ingested once.
        CREATE TABLE IF NOT EXISTS feed_entries (
            feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
            seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (feed_id, key)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS feed_entries_by_article ON feed_entries (article_id)
            WHERE article_id IS NOT NULL;
    """),
    Migration(5, "derived data and keys", """
        -- Which version of the analyzer built each kind of derived data: the FTS rows and
        -- compiled query subscriptions ('search'), the analysis and speaker keys
        -- ('analysis'). What is stored before this migration was built by version 1.
        CREATE TABLE IF NOT EXISTS derived_versions (
            name TEXT PRIMARY KEY,
            version INTEGER NOT NULL
        ) STRICT;
        INSERT INTO derived_versions (name, version) VALUES ('search', 1), ('analysis', 1)
            ON CONFLICT (name) DO NOTHING;
        -- Short random keys standing for a text a button cannot carry (callback data holds
        -- 64 bytes): a query, a speaker's name. A key is bound to the chat it was sent to.
        CREATE TABLE IF NOT EXISTS chat_keys (
            key TEXT PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (chat_id, kind, value)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS chat_keys_by_age ON chat_keys (created_at);
        -- Secrets the deployment generates once and keeps: the key that signs buttons, the
        -- webhook's secret token.
        CREATE TABLE IF NOT EXISTS secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
    """),
    Migration(6, "speaker kinds, titles and surnames", """
        -- The analysis tables again, with what speakers now carry: a kind (person, title,
        -- organisation, anonymous), which aliases are titles, and the surnames of full
        -- names, by which a bare surname joins the one full name it fits. They hold only
        -- derived data: dropped and made anew (so running this twice is harmless), and
        -- refilled by the analysis rebuild that the version reset below asks for.
        DROP TABLE IF EXISTS quotes;
        DROP TABLE IF EXISTS speaker_aliases;
        DROP TABLE IF EXISTS speaker_surnames;
        DROP TABLE IF EXISTS article_speakers;
        DROP TABLE IF EXISTS speakers;
        -- (An empty database has nothing to rebuild: it is as analysis version 2 makes it.)
        UPDATE derived_versions SET version = CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 0 ELSE 2 END
            WHERE name = 'analysis';
        -- bare: a person named by surname only (ظریف), who may be one of several.
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'person'
                CHECK (kind IN ('person', 'title', 'organisation', 'anonymous')),
            bare INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE article_speakers (
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            speaker_id INTEGER NOT NULL REFERENCES speakers (id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'person',
            PRIMARY KEY (article_id, speaker_id)
        ) STRICT, WITHOUT ROWID;
        -- title: the alias is an office the speaker held in that article (its date is
        -- the article's), so the newest title of a person is known.
        CREATE TABLE speaker_aliases (
            speaker_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            alias TEXT NOT NULL,
            key TEXT NOT NULL,
            title INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (speaker_id, article_id, position),
            FOREIGN KEY (article_id, speaker_id)
                REFERENCES article_speakers (article_id, speaker_id) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;
        -- kind is migration 12's: this one analyses the articles already there, and the
        -- analysis writes it (12 then finds the column and leaves it).
        CREATE TABLE quotes (
            speaker_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            length INTEGER NOT NULL,
            kind TEXT NOT NULL DEFAULT 'direct' CHECK (kind IN ('direct', 'reported')),
            PRIMARY KEY (speaker_id, article_id, position),
            FOREIGN KEY (article_id, speaker_id)
                REFERENCES article_speakers (article_id, speaker_id) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;
        -- The keys of a full name's surnames (last word, last two words), each with the
        -- people whose name ends so.
        CREATE TABLE speaker_surnames (
            surname TEXT NOT NULL,
            speaker_id INTEGER NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
            PRIMARY KEY (surname, speaker_id)
        ) STRICT, WITHOUT ROWID;
    """),
    Migration(7, "search vocabulary", """
        -- The index's own terms, read to tell whether a word typed joined (گلیکانی) is two
        -- words the archive holds apart. A view over articles_fts: nothing is stored twice.
        CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts_terms USING fts5vocab(articles_fts, 'row');
    """),
    Migration(8, "statement numbers are never reused", """
        -- Without AUTOINCREMENT SQLite gives a deleted statement's number to the next one
        -- stored, and the bulletins, links and quotes that named it would point elsewhere.
        -- The table is rebuilt with it; every statement keeps its number.
        CREATE TABLE articles_numbered (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            content_hash TEXT NOT NULL UNIQUE,
            published TEXT,
            source TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            origin_kind TEXT NOT NULL CHECK (origin_kind IN ('file', 'url', 'telegram', 'text')),
            origin_ref TEXT NOT NULL,
            title TEXT,
            kicker TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            lead TEXT NOT NULL,
            body TEXT NOT NULL,
            raw_text TEXT NOT NULL
        ) STRICT;
        INSERT INTO articles_numbered (id, content_hash, published, source, created_at, origin_kind,
                                       origin_ref, title, kicker, tags, lead, body, raw_text)
            SELECT id, content_hash, published, source, created_at, origin_kind, origin_ref, title, kicker,
                   tags, lead, body, raw_text FROM articles;
        DROP TABLE articles;
        ALTER TABLE articles_numbered RENAME TO articles;
        CREATE INDEX articles_by_date
            ON articles (coalesce(published, substr(created_at, 1, 10)) DESC, id DESC);
        CREATE INDEX articles_by_source ON articles (source);
    """, rebuilds=True),
    Migration(9, "every reason for a bulletin", """
        -- A bulletin goes once to a chat however many of its subscriptions match; the one in
        -- deliveries.subscription_id heads it, and the others that matched are kept here so
        -- the bulletin can name them all.
        CREATE TABLE IF NOT EXISTS delivery_reasons (
            delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            PRIMARY KEY (delivery_id, subscription_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS delivery_reasons_by_subscription ON delivery_reasons (subscription_id);
    """),
    Migration(10, "photos", """
        -- A statement that came as a photo post: the photo its bulletins carry, as the
        -- messenger's file_id (valid for this bot only, which is the one that sends them).
        CREATE TABLE IF NOT EXISTS article_photos (
            article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            file_id TEXT NOT NULL
        ) STRICT;
    """),
    Migration(11, "several senders", """
        -- Who holds a delivery while it is sent (a sender's name); its due is then the end of
        -- the claim's lease, so a claim whose sender died is taken over once that passes.
        ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
        -- Groups and channels take 20 messages a minute: a chat's next bulletin waits till then
        -- (a Unix time), whichever sender sends it.
        ALTER TABLE subscribers ADD COLUMN send_after REAL NOT NULL DEFAULT 0;
        -- The one rate limit all senders keep: the next free send slot, and the end of a
        -- flood wait Telegram asked for (Unix times).
        CREATE TABLE IF NOT EXISTS send_budget (
            name TEXT PRIMARY KEY,
            next_slot REAL NOT NULL DEFAULT 0,
            paused_until REAL NOT NULL DEFAULT 0
        ) STRICT;
        INSERT INTO send_budget (name) VALUES ('telegram') ON CONFLICT DO NOTHING;
    """),
    Migration(12, "quote kinds", """
        -- direct (a colon or «…») or reported (گفت که …). The analysis version that came with
        -- it analyses every article again, which finds the reported ones.
        ALTER TABLE quotes ADD COLUMN kind TEXT NOT NULL DEFAULT 'direct'
            CHECK (kind IN ('direct', 'reported'));
    """),
)

_LEDGER = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) STRICT
"""


def statements(script: str) -> Iterator[str]:
    """Split a script into whole statements (trigger bodies hold semicolons too)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:60]}")


_ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.I)


def _column_exists(conn: sqlite3.Connection, statement: str) -> bool:
    """An ADD COLUMN whose column is there already: SQLite has no IF NOT EXISTS for it, and a
    ledger restored from an older copy must replay without failing."""
    code = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    found = _ADD_COLUMN.match(code.lstrip())
    if found is None:
        return False
    table, column = found.groups()
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


Hook = Callable[[sqlite3.Connection], None]


def migrate(conn: sqlite3.Connection, reindex: Hook | None = None,
            analyze: Hook | None = None) -> list[Migration]:
    """Apply what is missing, each migration in its own transaction; return what ran.

    ``reindex`` rebuilds the search index inside the transaction of a migration that
    needs it, so an existing database comes out searchable; ``analyze`` likewise stores
    the analysis (quotes, summaries) of the articles already there.
    """
    conn.execute(_LEDGER)
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        if migration.rebuilds:  # cannot change inside a transaction
            conn.execute("PRAGMA foreign_keys = OFF")
        try:
            if _apply(conn, migration, reindex, analyze):
                applied.append(migration)
        finally:
            if migration.rebuilds:
                conn.execute("PRAGMA foreign_keys = ON")
    return applied


def _apply(conn: sqlite3.Connection, migration: Migration, reindex: Hook | None,
           analyze: Hook | None) -> bool:
    """One migration in one transaction; False when another process applied it first."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        ledger = conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,))
        if ledger.fetchone():  # another process got here first
            conn.execute("ROLLBACK")
            return False
        for statement in statements(migration.sql):
            if not _column_exists(conn, statement):
                conn.execute(statement)
        if migration.reindex and reindex is not None:
            reindex(conn)
        if migration.analyze and analyze is not None:
            analyze(conn)
        if migration.rebuilds:
            _check_foreign_keys(conn, migration)
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                     (migration.version, migration.name))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return True


def _check_foreign_keys(conn: sqlite3.Connection, migration: Migration) -> None:
    if conn.execute("PRAGMA foreign_key_check").fetchone():
        raise sqlite3.IntegrityError(f"migration {migration.version} would break a foreign key")
