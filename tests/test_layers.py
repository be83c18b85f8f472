"""The layout's import rules, read from the code's own imports (TYPE_CHECKING ones included).

storage/ is layered: text → analysis, search → db | sources; text, analysis and search are
pure (no database, network or Telegram); db and sources never import each other; storage
never imports bot. bot.local imports nothing else of the project, and production loads it
only in the no-token mode. No module imports itself back through others.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("bot", "storage")
IO_LIBRARIES = ("sqlite3", "aiosqlite", "psycopg", "httpx", "aiohttp", "telegram", "feedparser", "tornado")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = modules()[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


@cache
def imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports, anywhere in it (``from pkg import sub`` is ``pkg.sub``)."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            found.add(target)
            named = (f"{target}.{alias.name}" for alias in node.names)
            found.update(name for name in named if name in modules())
    return frozenset(found)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _of(prefix: str) -> Iterator[str]:
    return (m for m in modules() if _within(m, prefix))


def _offending(prefix: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{m} imports {i}" for m in _of(prefix) for i in imports(m)
                  if any(_within(i, f) for f in forbidden))


@pytest.mark.parametrize("layer", ["storage.text", "storage.analysis", "storage.search"])
def test_pure_layers_touch_no_database_network_or_telegram(layer: str) -> None:
    assert _offending(layer, (*IO_LIBRARIES, "storage.db", "storage.sources", "storage.ingest", "bot")) == []


def test_text_is_the_bottom_layer() -> None:
    assert _offending("storage.text", ("storage.analysis", "storage.search", "storage.models")) == []


def test_db_and_sources_never_import_each_other() -> None:
    assert _offending("storage.db", ("storage.sources",)) == []
    assert _offending("storage.sources", ("storage.db", "storage.analysis", "storage.search")) == []


def test_storage_never_imports_bot_or_telegram() -> None:
    assert _offending("storage", ("bot", "telegram")) == []


def test_only_text_and_analysis_import_hazm() -> None:
    users = {m for m in _of("storage") if any(_within(i, "hazm") for i in imports(m))}
    assert users
    assert all(_within(m, "storage.text") or _within(m, "storage.analysis") for m in users)


def test_sql_lives_only_in_the_database_layer() -> None:
    drivers = ("sqlite3", "aiosqlite")
    outside = [m for m in modules() if not _within(m, "storage.db") and any(
        _within(i, d) for i in imports(m) for d in drivers)]
    assert outside == []


def test_the_local_bot_api_imports_nothing_else_of_the_project() -> None:
    assert [f"{m} imports {i}" for m in _of("bot.local") for i in imports(m)
            if any(_within(i, p) for p in PACKAGES) and not _within(i, "bot.local")] == []


def test_no_import_cycles() -> None:
    graph = {m: {i for i in imports(m) if i in modules() and i != m} for m in modules()}
    # A package's __init__ importing its own modules is how re-exports work, not a cycle.
    for module, targets in graph.items():
        if modules()[module].name == "__init__.py":
            graph[module] = {i for i in targets if not _within(i, module)}
    cycles = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(" → ".join([*path[path.index(module):], module]))
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


def test_production_does_not_load_the_local_bot_api() -> None:
    code = "import sys, bot.app, bot.cli; sys.exit('bot.local' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_no_module_is_over_600_lines() -> None:
    lines = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in modules().items()}
    long = {m: n for m, n in lines.items() if n > 600}
    assert long == {}
