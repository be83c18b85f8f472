"""What the store derives from its articles with the analyzer, and keeping it current.

The FTS rows and the compiled query subscriptions come from the search analyzer; the
analysis (quotes, speakers and their keys, summaries) and the speaker subscriptions'
keys from the analysis. Each kind records the version that built it. When the code's
version differs, what that version built is rebuilt from the articles and from what the
chats typed, in one transaction, before anyone reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from storage.analysis import ANALYSIS_VERSION, analyze
from storage.db import articles, fts, speakers, subscriptions
from storage.db.types import Connection
from storage.search.analyzer import SEARCH_VERSION, Analyzer

log = logging.getLogger(__name__)
SEARCH, ANALYSIS = "search", "analysis"


def versions(conn: Connection) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute("SELECT name, version FROM derived_versions")}


def _record(conn: Connection, name: str, version: int) -> None:
    conn.execute("INSERT INTO derived_versions (name, version) VALUES (?, ?)"
                 " ON CONFLICT (name) DO UPDATE SET version = excluded.version", (name, version))


def reindex(conn: Connection, analyzer: Analyzer) -> None:
    fts.rebuild(conn, analyzer, [(s.id, s.article) for s in articles.all_stored(conn)])


def analyze_missing(conn: Connection) -> None:
    """Analyse the articles stored before there was an analysis (migration 3)."""
    missing = speakers.unanalysed_ids(conn)
    for stored in articles.all_stored(conn):
        if stored.id in missing:
            speakers.add_analysis(conn, stored.id, analyze(stored.article))


def rebuild_stale(conn: Connection, analyzer: Callable[[], Analyzer], *,
                  search_version: int = SEARCH_VERSION,
                  analysis_version: int = ANALYSIS_VERSION) -> list[str]:
    """Rebuild what an older analyzer built; return the kinds rebuilt."""
    known = versions(conn)
    rebuilt: list[str] = []
    built = conn.execute("SELECT 1 FROM articles UNION ALL SELECT 1 FROM subscriptions LIMIT 1")
    if built.fetchone() is None:
        # Nothing was built: an empty database is as the current analyzer leaves it.
        for name, version in ((ANALYSIS, analysis_version), (SEARCH, search_version)):
            if known.get(name) != version:
                _record(conn, name, version)
        return rebuilt
    if known.get(ANALYSIS) != analysis_version:
        stored = articles.all_stored(conn)
        speakers.replace_all(conn, ((s.id, analyze(s.article)) for s in stored))
        subscriptions.recompile(conn, speakers=True)
        _record(conn, ANALYSIS, analysis_version)
        rebuilt.append(ANALYSIS)
    if known.get(SEARCH) != search_version:
        reindex(conn, analyzer())
        subscriptions.recompile(conn, queries=analyzer())
        _record(conn, SEARCH, search_version)
        rebuilt.append(SEARCH)
    if rebuilt:
        log.info("rebuilt derived data with the new analyzer: %s", ", ".join(rebuilt))
    return rebuilt
