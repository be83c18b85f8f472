"""Persian-aware search: one analyzer for indexing and querying (``analyzer``), the query
language (``query``) and snippets as match spans (``snippets``). Pure: the SQL that runs
the queries lives in the database layer."""

from storage.search.analyzer import SEARCH_VERSION, Analyzer
from storage.search.query import MAX_QUERY_CHARS, Query, parse_query
from storage.search.snippets import Snippets

__all__ = ["MAX_QUERY_CHARS", "SEARCH_VERSION", "Analyzer", "Query", "Snippets", "parse_query"]
