"""Sokhan's SQL, written once in SQLite's dialect, as PostgreSQL takes it.

The statements keep to what both engines share; what differs is rewritten here, each rule
one line and nothing else touched:

- placeholders: ``?`` → ``%s`` and ``:name`` → ``%(name)s`` (outside string literals and
  quoted names; ``::`` casts are left alone), every other ``%`` doubled for psycopg;
- ``json_each(X)`` (a JSON array passed as one parameter) → ``json_array_elements_text(CAST(X AS json))``,
  whose column is also named ``value``;
- ``json_group_array`` / ``json_array`` → ``json_agg`` / ``json_build_array``;
- ``strftime('%Y-%m-%dT%H:%M:%fZ', 'now'[, MODIFIER])`` → ``sokhan_now([MODIFIER])``, the same
  UTC text timestamp (a function the first migration defines);
- ``instr(a, b)`` → ``strpos(a, b)``, ``char(n)`` → ``chr(n)``.
"""

from __future__ import annotations

import functools
import re

_NOW = re.compile(r"strftime\('%Y-%m-%dT%H:%M:%fZ',\s*'now'(?:,\s*([^()]+?))?\)")
_JSON_EACH = re.compile(r"\bjson_each\(\s*([^()]+?)\s*\)")
_RENAMED = {"json_group_array": "json_agg", "json_array": "json_build_array", "instr": "strpos",
            "char": "chr"}
_FUNCTION = re.compile(r"\b(" + "|".join(_RENAMED) + r")\s*\(")
# A string literal, a quoted name, a cast, a placeholder, or a lone %.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:([A-Za-z_]\w*)|%")


@functools.lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """``sql`` in PostgreSQL's dialect with psycopg's placeholders."""
    sql = _NOW.sub(lambda m: f"sokhan_now({m[1] or ''})", sql)
    sql = _JSON_EACH.sub(r"json_array_elements_text(CAST(\1 AS json))", sql)
    sql = _FUNCTION.sub(lambda m: _RENAMED[m[1]] + "(", sql)
    return _TOKEN.sub(_placeholder, sql)


def _placeholder(m: re.Match[str]) -> str:
    found = m[0]
    if found == "?":
        return "%s"
    if m[1]:
        return f"%({m[1]})s"
    if found == "%":
        return "%%"
    return found.replace("%", "%%")  # a literal or a quoted name: psycopg reads % in it too
