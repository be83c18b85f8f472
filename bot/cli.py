"""The ``sokhan`` command line: ingest, analyze, list, show, find, quotes, summary, worker and run.

Results go to stdout (JSON Lines with ``--json``); diagnostics go to stderr.
Exit status: 0 on success, 1 when a requested article does not exist, 2 when an
input was rejected or the command line is wrong, 130 when interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot import strings
from bot.config import ConfigError, Settings, load_settings
from bot.logs import Redactor, setup_logging
from storage.analysis import analyze_text
from storage.db.store import Store
from storage.db.types import is_database_url
from storage.errors import RejectedText
from storage.ingest import Ingestor
from storage.models import IngestResult, IngestStatus, QuoteKind, StoredArticle
from storage.search import MAX_QUERY_CHARS
from storage.sources.files import read_statement
from storage.text.dates import parse_date
from storage.text.numbers import MAX_NUMBER, parse_count

EXIT_OK, EXIT_NOT_FOUND, EXIT_REJECTED = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C
MAX_LIMIT = 10_000
log = logging.getLogger("sokhan")


def _dump(obj: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _excerpt(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _result_line(result: IngestResult) -> str:
    ref = result.origin.ref
    if result.status is IngestStatus.REJECTED:
        return f"rejected   {ref}: {result.reason}"
    title = f"  {_excerpt(result.title)}" if result.title else ""
    replaced = f"  ({result.replaced} stray bytes replaced)" if result.replaced else ""
    return f"{result.status:<10} #{result.article_id:<5} {ref}{title}{replaced}"


def _result_json(result: IngestResult) -> dict[str, Any]:
    return {"file": result.origin.ref, "status": str(result.status), "id": result.article_id,
            "reason": result.reason, "replaced": result.replaced}


def _article_line(stored: StoredArticle) -> str:
    a = stored.article
    date = a.date.isoformat() if a.date else "—"
    return f"#{stored.id:<5} {date:<10}  {_excerpt(a.title or a.headline or a.lead)}  [{a.source or '—'}]"


def _article_json(stored: StoredArticle) -> dict[str, Any]:
    return {"id": stored.id, **stored.article.to_json(), "origin": str(stored.origin),
            "created_at": stored.created_at}


def _article_text(stored: StoredArticle) -> str:
    a = stored.article
    head = [f"#{stored.id}", a.kicker and f"{a.kicker}؛", a.title,
            " · ".join(x for x in (a.date and a.date.isoformat(), a.source) if x)]
    tail = [" ".join(f"#{t.replace(' ', '_')}" for t in a.tags), f"({stored.origin})"]
    return "\n\n".join(x for x in (*head, *a.paragraphs, *tail) if x)


async def ingest_paths(settings: Settings, paths: Sequence[Path], as_json: bool, out: TextIO) -> int:
    counts = dict.fromkeys(IngestStatus, 0)
    async with await Store.open(settings.database) as store:
        async for result in Ingestor(store).ingest_paths(paths):
            counts[result.status] += 1
            if as_json:
                _dump(_result_json(result), out)
            else:
                out.write(_result_line(result) + "\n")
    if not as_json:
        out.write(", ".join(f"{n} {status}" for status, n in counts.items()) + "\n")
    return EXIT_REJECTED if counts[IngestStatus.REJECTED] else EXIT_OK


def analyze_files(paths: Sequence[Path], as_json: bool, out: TextIO) -> int:
    """Parse files without touching the database: one JSON object a line with ``--json``."""
    status = EXIT_OK
    for path in paths:
        try:
            article = analyze_text(read_statement(path).text)
        except RejectedText as exc:
            status = EXIT_REJECTED
            if as_json:
                _dump({"file": str(path), "error": str(exc)}, out)
            else:
                out.write(f"rejected   {path}: {exc}\n")
            continue
        if as_json:
            _dump({"file": str(path), **article.to_json()}, out)
        else:
            data = article.to_json()
            out.write(f"== {path}\n")
            for key in ("kicker", "title", "date", "source", "tags", "headline", "summary"):
                out.write(f"{key}: {data[key]}\n")
            for i, paragraph in enumerate(article.paragraphs):
                out.write(f"[{i}] {paragraph}\n")
            for quote in article.quotes:
                label = "quote" if quote.kind is QuoteKind.DIRECT else "reported"
                out.write(f"{label} [{quote.paragraph}] {quote.speaker}: {quote.text}\n")
    return status


async def list_articles(settings: Settings, limit: int, offset: int, as_json: bool, out: TextIO) -> int:
    async with await Store.open(settings.database) as store:
        for stored in await store.latest_articles(limit, offset):
            if as_json:
                _dump(_article_json(stored), out)
            else:
                out.write(_article_line(stored) + "\n")
    return EXIT_OK


async def show_article(settings: Settings, article_id: int, as_json: bool, out: TextIO) -> int:
    async with await Store.open(settings.database) as store:
        stored = await store.get_article(article_id)
    if stored is None:
        print(f"sokhan: no article #{article_id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if as_json:
        _dump(_article_json(stored), out)
    else:
        out.write(_article_text(stored) + "\n")
    return EXIT_OK


async def find(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    """Search; ``--json`` prints one JSON array of hits."""
    async with await Store.open(settings.database) as store:
        results = await store.search(args.query, limit=args.limit, offset=args.offset, source=args.source,
                                     since=args.since, until=args.until)
    as_json = args.json
    if results.truncated:
        print(f"sokhan: the query was cut to {MAX_QUERY_CHARS} characters", file=sys.stderr)
    if as_json:
        out.write(json.dumps([hit.to_json() for hit in results.hits], ensure_ascii=False) + "\n")
        return EXIT_OK
    if not results.hits:
        out.write("no matches\n")
    else:
        more = "more than " if results.capped else ""
        first, last = args.offset + 1, args.offset + len(results.hits)
        out.write(f"{more}{results.total} matches; {first}–{last} shown\n")
    for hit in results.hits:
        out.write(f"#{hit.id:<5} {hit.date or '—':<10}  {_excerpt(hit.title)}  [{hit.source or '—'}]\n")
        out.write(f"       {hit.snippet.plain()}\n")
    return EXIT_OK


async def quotes(settings: Settings, name: str, limit: int, offset: int, as_json: bool, out: TextIO) -> int:
    """Quotes of everyone ``name`` fits (full name, surname or title), newest first;
    ``--json`` prints one JSON array of ``{"article_id", "speaker", "text", "kind"}``."""
    async with await Store.open(settings.database) as store:
        speakers = await store.find_speakers(name)
        found = await store.quotes_by(speakers, limit=limit, offset=offset) if speakers else []
    if as_json:
        out.write(json.dumps([q.to_json() for q in found], ensure_ascii=False) + "\n")
    if not speakers:
        print(f"sokhan: no speaker matches {name!r}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if len(speakers) > 1:
        print(f"sokhan: {len(speakers)} speakers match: " + "; ".join(s.name for s in speakers),
              file=sys.stderr)
    if not as_json:
        for stored in found:
            reported = " (reported)" if stored.quote.kind is QuoteKind.REPORTED else ""
            out.write(f"#{stored.article_id:<5} {stored.quote.speaker}{reported}: {stored.quote.text}\n")
    return EXIT_OK


async def summary(settings: Settings, article_id: int, as_json: bool, out: TextIO) -> int:
    """The headline and summary stored for an article."""
    async with await Store.open(settings.database) as store:
        found = await store.get_summary(article_id)
    if found is None:
        print(f"sokhan: no article #{article_id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if as_json:
        _dump(found.to_json(), out)
    else:
        out.write("\n\n".join(x for x in (found.headline, found.summary) if x) + "\n")
    return EXIT_OK


async def run(settings: Settings, out: TextIO) -> int:
    """The main job: load the seeds into an empty database, then show what it holds."""
    async with await Store.open(settings.database) as store:
        if await store.count_articles() == 0 and settings.seeds_dir.is_dir():
            out.write(f"Loading the seed statements from {settings.seeds_dir}/ …\n")
            async for result in Ingestor(store).ingest_paths([settings.seeds_dir]):
                out.write(_result_line(result) + "\n")
        total = await store.count_articles()
        where = store.location if settings.database_url else settings.db_path  # as the user gave it
        out.write(f"\n{total} statements in {where}:\n")
        for stored in await store.latest_articles(limit=20):
            out.write(_article_line(stored) + "\n")
    return EXIT_OK


def start_bot(settings: Settings, out: TextIO, redactor: Redactor | None = None) -> int:
    """With a token, the bot on Telegram (or Bale); without, locally with a terminal chat."""
    from telegram.error import InvalidToken

    from bot.app import quiet_http_logs, run_local, run_telegram

    quiet_http_logs()
    if settings.bot_token:
        mode = f"webhook at {settings.webhook_url}" if settings.webhook_url else "polling"
        out.write(f"\nStarting the bot ({mode}) …\n")
        out.flush()
        try:
            run_telegram(settings)
        except InvalidToken:  # its message quotes the token whole
            print("sokhan: the Bot API refused TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
            return EXIT_REJECTED
    else:
        out.write("\nNo TELEGRAM_BOT_TOKEN: starting the bot locally, with a chat in this terminal.\n")
        out.flush()
        # Ctrl-C while the bot works leaves like /quit: asyncio.run cancels the chat, and the
        # bot and the store close on the way out.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_local(settings, redactor))
        out.write(strings.TERMINAL_BYE + "\n")
    return EXIT_OK


def work(settings: Settings, name: str | None) -> int:
    """``sokhan worker``: send bulletins until SIGTERM or SIGINT, beside the bot or instead of it."""
    if not settings.bot_token:
        print("sokhan: a worker sends through the Bot API: set TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return EXIT_REJECTED
    from telegram.error import InvalidToken

    from bot.worker import run_worker

    try:
        asyncio.run(run_worker(settings, name=name))
    except InvalidToken:  # its message quotes the token whole
        print("sokhan: the Bot API refused TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def _count(text: str) -> int:
    """A limit or offset on the command line: a whole number, none negative or too large."""
    value = parse_count(text, low=0, high=MAX_NUMBER)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 to {MAX_NUMBER}")
    return value


def _limit(text: str) -> int:
    value = _count(text)
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r}: a limit is from 1 to {MAX_LIMIT:,}")
    return value


def _date(text: str) -> dt.date:
    found = parse_date(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (1404/09/01, ۱ آذر ۱۴۰۴ or 2025-11-22)")
    return found


def _id(text: str) -> int:
    value = parse_count(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a statement number (1 to {MAX_NUMBER})")
    return value


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file or postgresql:// URL"
                                      " (default: $SOKHAN_DATABASE_URL, $SOKHAN_DB or data/sokhan.db)")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="JSON Lines output")

    parser = argparse.ArgumentParser(prog="sokhan", description="Official statements, cleaned and served.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ingest = commands.add_parser("ingest", parents=[common, as_json], help="store statement files")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help=".txt or .docx files, or folders of them")
    analyze = commands.add_parser("analyze", parents=[as_json], help="parse files without storing them")
    analyze.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    listing = commands.add_parser("list", parents=[common, as_json], help="newest statements")
    listing.add_argument("--limit", type=_limit, default=20)
    listing.add_argument("--offset", type=_count, default=0)
    show = commands.add_parser("show", parents=[common, as_json], help="one statement in full")
    show.add_argument("id", type=_id)
    search = commands.add_parser("find", parents=[common], help="search the statements")
    search.add_argument("query", metavar="QUERY",
                        help='words, "a phrase" or «a phrase», -exclude, prefix*, منبع:X, از:DATE, تا:DATE')
    search.add_argument("--limit", type=_limit, default=10)
    search.add_argument("--offset", type=_count, default=0)
    search.add_argument("--source", help="only statements whose source holds this")
    search.add_argument("--since", type=_date, help="from this date on (1404/09/01 or 2025-11-22)")
    search.add_argument("--until", type=_date, help="up to this date")
    search.add_argument("--json", action="store_true", help="a JSON array of hits")
    said = commands.add_parser("quotes", parents=[common], help="quotes of a speaker")
    said.add_argument("name", metavar="NAME", help="a full name, surname or title")
    said.add_argument("--limit", type=_limit, default=20)
    said.add_argument("--offset", type=_count, default=0)
    said.add_argument("--json", action="store_true", help="a JSON array of quotes")
    summarized = commands.add_parser("summary", parents=[common, as_json], help="an article's summary")
    summarized.add_argument("id", type=_id)
    worker = commands.add_parser("worker", parents=[common], help="send bulletins, any number beside the bot")
    worker.add_argument("--name", help="its name in the outbox (default: host, pid and a random part)")
    main_job = commands.add_parser("run", parents=[common], help="the main job: the bot")
    main_job.add_argument("--once", action="store_true", help="load the seeds, show them, and exit")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"sokhan: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if db := getattr(args, "db", None):
        settings = dataclasses.replace(settings, database_url=db if is_database_url(db) else None,
                                       db_path=settings.db_path if is_database_url(db) else Path(db))
    redactor = setup_logging(settings.log_level, [settings.bot_token, settings.webhook_secret])
    try:
        return _command(args, settings, redactor, out)
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback
        print("\nsokhan: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _command(args: argparse.Namespace, settings: Settings, redactor: Redactor, out: TextIO) -> int:
    match args.command:
        case "ingest":
            return asyncio.run(ingest_paths(settings, args.paths, args.json, out))
        case "analyze":
            return analyze_files(args.paths, args.json, out)
        case "list":
            return asyncio.run(list_articles(settings, args.limit, args.offset, args.json, out))
        case "show":
            return asyncio.run(show_article(settings, args.id, args.json, out))
        case "find":
            return asyncio.run(find(settings, args, out))
        case "quotes":
            return asyncio.run(quotes(settings, args.name, args.limit, args.offset, args.json, out))
        case "summary":
            return asyncio.run(summary(settings, args.id, args.json, out))
        case "worker":
            return work(settings, args.name)
        case _:
            asyncio.run(run(settings, out))
            return EXIT_OK if args.once else start_bot(settings, out, redactor)
