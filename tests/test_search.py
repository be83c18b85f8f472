"""Search: spelling variants both ways, the query language, garbage, ranking, snippets."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.render import snippet_html
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Origin, OriginKind
from storage.search import MAX_QUERY_CHARS
from tests.conftest import SEED_000, SEED_003, SEEDS

Z = "\u200c"

# Each group: spellings people type for the same thing. Every spelling in an article must
# be found by every spelling in a query.
VARIANTS = [
    [f"اطلاع{Z}رسانی", "اطلاع رسانی", "اطلاعرسانی"],
    [f"رئیس{Z}جمهور", "رئیس جمهور", "رييس جمهور", "رئیسجمهور"],
    ["واکسن", "واكسن"],
    ["۱۴۰۱", "١٤٠١", "1401"],
    [f"روابط عمومی{Z}ها", "روابط عمومی", "روابط عمومیها"],
    [f"کتاب{Z}ها", "کتابها", "كتاب"],
    [f"شخص{Z}محور", "شخص محور", "شخصمحور"],
    ["می‌شود", "میشود", "می شود"],
]
PAIRS = [(a, b) for group in VARIANTS for a in group for b in group if a != b]


def _statement(marker: str, phrase: str) -> str:
    return f"خبر {marker}\n\nدر این نشست درباره {phrase} سخن گفته شد و نشست {marker} پایان یافت."


@pytest.fixture
async def variants_store(store: Store) -> tuple[Store, dict[str, int]]:
    """One article per spelling, named by a marker word only it contains (on each engine)."""
    ids = {}
    ingestor = Ingestor(store)
    for i, spelling in enumerate(dict.fromkeys(s for g in VARIANTS for s in g)):
        origin = Origin(OriginKind.TEXT, spelling)
        result = await ingestor.ingest_text(_statement(f"نشانگر{i}", spelling), origin)
        assert result.article_id is not None, result.reason
        ids[spelling] = result.article_id
    return store, ids


@pytest.mark.parametrize(("written", "typed"), PAIRS)
async def test_spelling_variants_find_each_other(
    variants_store: tuple[Store, dict[str, int]], written: str, typed: str
) -> None:
    store, ids = variants_store
    found = [hit.id for hit in (await store.search(typed, limit=50)).hits]
    assert ids[written] in found


@pytest.fixture
async def seeded(store: Store) -> Store:
    async for _ in Ingestor(store).ingest_paths([SEEDS]):
        pass
    return store


async def _ids(store: Store, query: str, **kw: object) -> list[int]:
    return [hit.id for hit in (await store.search(query, **kw)).hits]  # type: ignore[arg-type]


async def _seed_ids(store: Store) -> tuple[int, int]:
    rows = {a.origin.ref: a.id for a in await store.latest_articles(limit=1000)}
    return rows[str(SEED_000)], rows[str(SEED_003)]


@pytest.mark.parametrize("phrase", ['"شهریور 1401"', '"شهریور ۱۴۰۱"', '"شهریور ١٤٠١"', "شهریور 1401"])
async def test_phrase_with_any_digits(seeded: Store, phrase: str) -> None:
    seed_000, _ = await _seed_ids(seeded)
    assert await _ids(seeded, phrase) == [seed_000]


async def test_phrase_needs_adjacency(seeded: Store) -> None:
    assert await _ids(seeded, '"قدس روابط"') == []
    assert len(await _ids(seeded, "قدس روابط")) == 1


async def test_exclude_and_prefix(seeded: Store) -> None:
    seed_000, seed_003 = await _seed_ids(seeded)
    assert await _ids(seeded, "روابط عمومی -خامسیان") == [seed_000]
    assert await _ids(seeded, "روابط عمومی -گلی -قم") == []
    assert await _ids(seeded, "فرماند*") == [seed_000]
    assert await _ids(seeded, "خامس*") == [seed_003]
    assert (await seeded.search("-خامسیان")).hits == ()


async def test_ranking_puts_the_seeds_first(seeded: Store) -> None:
    """Among news of ordinary length, some naming a public-relations office in passing,
    the two statements about public relations come first."""
    ingestor = Ingestor(seeded)
    for i in range(40):
        mention = f"مدیر روابط عمومی شهرداری منطقه {i} گفت:" if i % 4 == 0 else f"عضو شورای منطقه {i} گفت:"
        sentences = [
            f"جلسه شورای شهر منطقه {i} برگزار شد و درباره بودجه سال آینده گفتگو شد.",
            f"{mention} طرح‌های عمرانی منطقه {i} با سرعت ادامه دارد.",
            *(f"در بند {j} این جلسه موضوع ترافیک و پسماند و فضای سبز محله {j} بررسی شد." for j in range(25)),
        ]
        await ingestor.ingest_text(f"خبر شماره {i} از شورای شهر\n\n" + " ".join(sentences),
                                   Origin(OriginKind.TEXT, f"other-{i}"))
    seed_000, seed_003 = await _seed_ids(seeded)
    ranked = await _ids(seeded, "روابط عمومی", limit=20)
    assert len(ranked) == 12
    assert set(ranked[:2]) == {seed_000, seed_003}


async def test_title_outranks_body(store: Store) -> None:
    ingestor = Ingestor(store)
    body = await ingestor.ingest_text("خبر دیگر\n\nموضوع پسماند در این نشست بررسی شد.",
                                      Origin(OriginKind.TEXT, "b"))
    title = await ingestor.ingest_text("مدیریت پسماند شهری\n\nنشست برگزار شد.", Origin(OriginKind.TEXT, "t"))
    assert await _ids(store, "پسماند") == [title.article_id, body.article_id]


@pytest.mark.parametrize(
    "garbage",
    ['"', '""', "NOT", "AND OR", "NEAR(", "NEAR(a b", "*", "**", "^", "a-b", "'", "\\", "(", ")",
     "-", "--", "- -x", "\x00\x07\x1b", "\u200c\u200f", "!!!؟؟،،", "x:y", "title:قدس", "{}[]",
     "🔥🎉", "a" * 10_000, "قدس " * 3000, "\"قدس", "قدس\"", "* قدس", "قدس NOT", "OR قدس OR"],
)
async def test_garbage_never_raises(seeded: Store, garbage: str) -> None:
    results = await seeded.search(garbage)
    assert results.truncated == (len(garbage) > MAX_QUERY_CHARS)
    for hit in results.hits:
        assert hit.title


async def test_query_is_cut_at_256_characters(seeded: Store) -> None:
    long = "قدس " * 100
    results = await seeded.search(long)
    assert results.truncated
    assert len(results.hits) == 1


async def test_filters_and_paging(seeded: Store) -> None:
    seed_000, seed_003 = await _seed_ids(seeded)
    assert await _ids(seeded, "روابط عمومی", source="مهر") == [seed_003]
    assert await _ids(seeded, "روابط عمومی", source="فرمانداری") == [seed_000]
    assert await _ids(seeded, "روابط عمومی", since=dt.date(2025, 12, 1)) == [seed_003]
    assert await _ids(seeded, "روابط عمومی", until=dt.date(2025, 12, 9)) == []
    first = await seeded.search("روابط عمومی", limit=1)
    second = await seeded.search("روابط عمومی", limit=1, offset=1)
    assert (first.has_more, second.has_more) == (True, False)
    assert {first.hits[0].id, second.hits[0].id} == {seed_000, seed_003}


async def test_hit_fields_and_snippet_from_display_text(seeded: Store) -> None:
    seed_000, seed_003 = await _seed_ids(seeded)
    hit = next(h for h in (await seeded.search("اطلاعرسانی")).hits if h.id == seed_003)
    assert hit.date == "2025-12-10"
    assert hit.source == "مهر"
    assert hit.origin == f"file:{SEED_003}"
    assert hit.score > 0
    assert hit.title.startswith("خامسیان: ")  # untitled: the headline derived from the lead quote
    marked = [hit.snippet.text[start:end] for start, end in hit.snippet.marks]
    assert f"اطلاع{Z}رسانی" in marked  # the display form, ZWNJ and all
    hit = (await seeded.search("شاکله")).hits[0]
    assert hit.id == seed_000
    assert f"شاکله{Z}های" in [hit.snippet.text[start:end] for start, end in hit.snippet.marks]


async def test_snippet_is_escaped(store: Store) -> None:
    # Angle brackets that are no markup stay in the text (markup itself is read as text when
    # the statement is parsed), and the snippet escapes them.
    await Ingestor(store).ingest_text(
        "هشدار\n\nپیام <فوری> & «نمونه» در سامانه منتشر شد.",
        Origin(OriginKind.TEXT, "x"),
    )
    snippet = snippet_html((await store.search("سامانه")).hits[0].snippet)
    assert "<فوری>" not in snippet
    assert "&lt;فوری&gt;" in snippet
    assert "&amp;" in snippet
    assert "<b>سامانه</b>" in snippet


async def test_index_follows_the_articles(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with await Store.open(path) as store:
        assert await _ids(store, "خامسیان") == []
        await Ingestor(store).ingest_file(SEED_003)
        assert len(await _ids(store, "خامسیان")) == 1
    # A database from before search existed: the migration builds the index.
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE articles_fts")
        db.execute("DELETE FROM schema_migrations WHERE version >= 2")
    async with await Store.open(path) as store:
        assert len(await _ids(store, "خامسیان")) == 1
        assert len(await _ids(store, "اطلاع رسانی")) == 1


async def test_seed_000_matches_kicker(seeded: Store) -> None:
    seed_000, _ = await _seed_ids(seeded)
    assert await _ids(seeded, "گلی کانی") == [seed_000]
    assert SEED_000.exists()


@pytest.fixture
async def names_store(store: Store) -> tuple[Store, dict[str, int]]:
    """Statements that write the same names and phrases differently."""
    ingestor = Ingestor(store)
    texts = {
        "spaced": "عنوان یک\n\nوحید گلی کانی فرماندار قدس گفت: نشست برگزار شد.",
        "joined": "عنوان دو\n\nعبدالرضا رحمانیفضلی وزیر کشور گفت: انتخابات برگزار می‌شود.",
        "phrase": "عنوان سه\n\nاین خبر در رسانه عصر منتشر شد.",
        "apart": "عنوان چهار\n\nرسانه‌ها در عصر امروز خبر را منتشر کردند.",
    }
    ids = {}
    for name, text in texts.items():
        result = await ingestor.ingest_text(text, Origin(OriginKind.TEXT, name))
        assert result.article_id is not None
        ids[name] = result.article_id
    return store, ids


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("گلیکانی", {"spaced"}),  # typed joined, written apart
        ("گلی کانی", {"spaced"}),
        ("رحمانی فضلی", {"joined"}),  # typed apart, written joined
        ("رحمانیفضلی", {"joined"}),
        ("«رسانه عصر»", {"phrase"}),  # Persian quotation marks make a phrase
        ("“رسانه عصر”", {"phrase"}),
        ("رسانه عصر", {"phrase", "apart"}),
    ],
)
async def test_names_and_phrases_however_they_are_typed(
    names_store: tuple[Store, dict[str, int]], query: str, found: set[str]
) -> None:
    store, ids = names_store
    hits = {hit.id for hit in (await store.search(query)).hits}
    assert hits == {ids[name] for name in found}


async def test_filters_in_the_query_language(seeded: Store) -> None:
    _, seed_003 = await _seed_ids(seeded)
    assert [h.id for h in (await seeded.search("روابط عمومی منبع:مهر")).hits] == [seed_003]
    assert [h.id for h in (await seeded.search("روابط عمومی از:۱۴۰۴/۰۹/۰۱ تا:۱۴۰۴/۰۹/۳۰")).hits] == [seed_003]
    assert (await seeded.search("روابط عمومی since:2025-12-11")).hits == ()
    assert [h.id for h in (await seeded.search("روابط عمومی", source="مهر")).hits] == [seed_003]
    assert (await seeded.search("منبع:مهر")).empty  # a filter alone has nothing to search


async def test_the_result_count(seeded: Store) -> None:
    results = await seeded.search("روابط عمومی", limit=1)
    assert (len(results.hits), results.total, results.capped, results.has_more) == (1, 2, False, True)
