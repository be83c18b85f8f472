"""What the tests share: the real normalizer (loaded once), a fresh database per test on each
engine, the seeds, the local Bot API server, talking to the bot through it, and Word documents.

The ``database`` fixture (and ``store``, built on it) runs a test once on a SQLite file and
once on PostgreSQL: a schema of its own on a throw-away server (tests/pgserver.py), or on
``SOKHAN_TEST_POSTGRES``. ``SOKHAN_TEST_ENGINES=sqlite`` runs SQLite alone; with PostgreSQL
not installed and the variable unset, the PostgreSQL runs are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import docx
import psycopg
import pytest

from bot.app import SokhanApp, build_application
from bot.config import Settings
from bot.local import DEFAULT_USER, LocalBotApi, LocalChat, LocalUser, SentMessage
from storage.analysis import analyze_text
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Article, Origin, OriginKind
from storage.sources.fetch import AddressGuard
from storage.text.normalize import TextNormalizer, shared_normalizer
from tests import pgserver

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_841124f23b16fdb9.txt"
SEED_003 = SEEDS / "003_3da3126af461e8d0.txt"


@pytest.fixture(scope="session")
def normalizer() -> TextNormalizer:
    return shared_normalizer()


ENGINES = [e.strip() for e in os.environ.get("SOKHAN_TEST_ENGINES", "sqlite,postgres").split(",")
           if e.strip()]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    if url := os.environ.get("SOKHAN_TEST_POSTGRES"):
        yield url
        return
    if pgserver.binaries() is None:
        if "SOKHAN_TEST_ENGINES" in os.environ:  # asked for by name: its absence is a failure
            pytest.fail("SOKHAN_TEST_ENGINES names postgres, but PostgreSQL is not installed")
        pytest.skip("PostgreSQL is not installed; SOKHAN_TEST_ENGINES=sqlite runs SQLite alone")
    with pgserver.cluster() as url:
        yield url


@contextlib.contextmanager
def _schema(server: str) -> Iterator[str]:
    """A schema of its own on ``server``, dropped after: the URL that uses it."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server}&options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of this test's own."""
    if request.param == "sqlite":
        yield tmp_path / "sokhan.db"
        return
    with _schema(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture(scope="module", params=ENGINES)
def module_database(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | Path]:
    """The same, shared by a module's tests (a corpus built once)."""
    if request.param == "sqlite":
        yield tmp_path_factory.mktemp("db") / "sokhan.db"
        return
    with _schema(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture
async def store(database: str | Path) -> AsyncIterator[Store]:
    async with await Store.open(database) as opened:
        yield opened


@pytest.fixture
def ingestor(store: Store, normalizer: TextNormalizer) -> Ingestor:
    return Ingestor(store, normalizer)


@pytest.fixture
async def seed_ids(ingestor: Ingestor) -> dict[Path, int]:
    """Both seeds stored through the real ingest path: their article ids, by file."""
    ids = {}
    for path in (SEED_000, SEED_003):
        result = await ingestor.ingest_file(path)
        assert result.article_id is not None, result.reason
        ids[path] = result.article_id
    return ids


@pytest.fixture(scope="module")
def seeds(normalizer: TextNormalizer) -> dict[Path, Article]:
    """Both seeds, parsed and analysed."""
    return {path: analyze_text(path.read_text(encoding="utf-8"), normalizer) for path in (SEED_000, SEED_003)}


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (no .env) and no SOKHAN_* or TELEGRAM_* settings."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith(("SOKHAN_", "TELEGRAM_"))]:
        monkeypatch.delenv(key)
    return tmp_path


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """The project's Bot API server on loopback."""
    async with LocalBotApi() as server:
        yield server


async def say(api: LocalBotApi, text: str, *, user: LocalUser = DEFAULT_USER,
              chat: LocalChat | None = None) -> SentMessage:
    """``user`` sends ``text`` (in private, or in ``chat``); the bot's next reply there."""
    api.user_sends(text, user=user, chat=chat)
    return await api.wait_for_reply(chat.id if chat else user.id, timeout=10)


@pytest.fixture
async def archive(tmp_path: Path) -> Path:
    """A database file holding the seeds and seven short notices, enough for a second page of
    ``/find اطلاع رسانی``."""
    path = tmp_path / "bot.db"
    async with await Store.open(path) as store:
        ingestor = Ingestor(store)
        async for _ in ingestor.ingest_paths([SEEDS]):
            pass
        for i in range(7):
            await ingestor.ingest_text(
                f"اطلاعیه شماره {i}\n\nمعاون استاندار گفت: اطلاع رسانی درباره طرح {i}"
                " تا پایان ماه انجام می‌شود.",
                Origin(OriginKind.TEXT, f"notice-{i}"),
            )
    return path


def local_app(api: LocalBotApi, db: str | Path, *, admins: Iterable[int] = (), feeds_port: int | None = None,
              rate_limit: bool = False, **settings: Any) -> SokhanApp:
    """The bot against the local Bot API server, as production builds it, on ``db`` (a SQLite
    file or a PostgreSQL URL); feeds only from ``feeds_port`` on loopback, backoff shortened."""
    where = {"database_url": db} if isinstance(db, str) else {"db_path": db}
    config = Settings(admin_ids=frozenset(admins), **where, **settings)
    guard = AddressGuard.allowing([("127.0.0.1", feeds_port)] if feeds_port else [])
    return build_application(config, base_url=api.base_url, base_file_url=api.base_file_url,
                             rate_limit=rate_limit, retry_base=0.05, feed_guard=guard)


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A Word document written by python-docx: a letterhead, the paragraphs, then a table."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "سربرگ روابط عمومی"  # not the statement
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
