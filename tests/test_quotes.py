"""Quotes and their speakers: the seeds exactly, the shapes press copy takes, the store and
the command line."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from storage.analysis.quotes import Match, extract, match, short_name, subject
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Article, Origin, OriginKind, Quote, QuoteKind, Speaker
from storage.text.letters import ZWNJ
from tests.conftest import SEED_000, SEED_003, SEEDS

Z = ZWNJ
GOLI_KANI = "وحید گلی کانی"
KHAMESIAN = "علیرضا خامسیان"
GOLI_KANI_TITLES = ("فرماندار شهرستان قدس", "مقام عالی دولت در شهرستان قدس", "فرماندار قدس")
GOLI_KANI_SPEAKER = Speaker(GOLI_KANI, ("گلی کانی", *GOLI_KANI_TITLES), titles=GOLI_KANI_TITLES)

# (paragraph, the cue that opens the quote, the quote's first words) in article order.
SEED_000_QUOTES = [
    (1, "بیان کرد:", "عصر امروز، عصر ارتباطات"),
    (2, "افزود:", "فرموده مقام معظم رهبری"),
    (3, "ادامه داد:", "علیرغم تاکیدات حوزه مدیریتی"),
    (4, "گفت:", "بایستی تولید محتوا کنیم"),
    (5, "عنوان کرد:", "باتوجه به این"),
    (6, "افزود:", f"امروز می{Z}خواهیم یادآوری کنیم"),
    (7, "ادامه داد:", "مردم باید بدانند"),
    (8, "تصریح کرد:", "امید است بتوانیم"),
]
SEED_003_QUOTES = [
    (0, "گفت:", "در طول عمر دولت"),
    (1, "افزود:", "روز دانشجو و پیشرو"),
    (2, "اظهار داشت:", "مردم در معرض حجم عظیمی"),
    (3, "گفت:", "روابط عمومی نباید"),
    (4, "تصریح کرد:", "اگر مردم را"),
    (5, "افزود:", "امروزه روابط عمومی"),
    (6, "خاطرنشان کرد:", "در انتصابات مدیران"),
]


def _extract(*paragraphs: str, kicker: str | None = None) -> list[tuple[str, str]]:
    """The direct quotes: speakers' own words."""
    return [(q.speaker, q.text) for q in extract(paragraphs, kicker).quotes if q.kind is QuoteKind.DIRECT]


def _reported(*paragraphs: str) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in extract(paragraphs).quotes if q.kind is QuoteKind.REPORTED]


# -- the seeds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "speaker", "expected"),
    [(SEED_000, GOLI_KANI, SEED_000_QUOTES), (SEED_003, KHAMESIAN, SEED_003_QUOTES)],
)
def test_seed_quotes_with_speakers_and_boundaries(
    seeds: dict[Path, Article], seed: Path, speaker: str, expected: list[tuple[int, str, str]]
) -> None:
    article = seeds[seed]
    assert len(article.quotes) == len(expected)
    for quote, (paragraph, cue, opening) in zip(article.quotes, expected, strict=True):
        assert (quote.speaker, quote.paragraph) == (speaker, paragraph)
        # Exactly what follows the cue, to the end of the paragraph.
        _, found, after = article.paragraphs[paragraph].partition(cue)
        assert found, cue
        assert quote.text == after.strip()
        assert quote.text.startswith(opening)


def test_seed_000_speaker_and_aliases(seeds: dict[Path, Article]) -> None:
    assert seeds[SEED_000].speakers == (GOLI_KANI_SPEAKER,)


def test_seed_003_speaker_aliases_and_headline(seeds: dict[Path, Article]) -> None:
    article = seeds[SEED_003]
    titles = (f"معاون ارتباطات و اطلاع{Z}رسانی دفتر معاون اول رئیس{Z}جمهور", "معاون ارتباطات دفتر معاون اول")
    assert article.speakers == (Speaker(KHAMESIAN, ("خامسیان", *titles), titles=titles),)
    assert article.title is None
    assert article.headline == (
        f"خامسیان: در طول عمر دولت، اقدامات بسیاری انجام{Z}شده اما متأسفانه بخش عمده آن"
        " به درستی به مردم منتقل نشده است"
    )


def test_a_quote_spanning_sentences_runs_to_the_paragraph_end(seeds: dict[Path, Article]) -> None:
    quote = seeds[SEED_003].quotes[2]
    assert quote.text.startswith("مردم در معرض")
    assert quote.text.endswith("این شکاف را پر کنیم.")


# -- the shapes of press copy -----------------------------------------------------------


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("اسامی پذیرفته‌شدگان به شرح زیر اعلام می‌شود: علی احمدی، رضا کریمی.",),
        ("اهداف این طرح عبارت است از: آموزش، پژوهش و خدمت.",),
        ("جلسه شورا ساعت ۱۰:۳۰ برگزار می‌شود.",),
        ("موضوع: برگزاری نشست روابط عمومی‌ها",),
        # An announcement no one signs: a passive cue, and a cue with nobody before it.
        ("به اطلاع می‌رساند کلاس‌ها فردا تعطیل است.", "در این اطلاعیه آمده است: همه باید در خانه بمانند."),
        ("در ادامه اطلاعیه اعلام شد: مراجعه حضوری ممنوع است.",),
        ("در ادامه افزود: این تصمیم موقت است.",),
        # Reported speech is no direct quote; nor is a comma after the verb before the
        # reporter's words (third person).
        ("وزیر بهداشت گفت که واکسن به زودی می‌رسد.",),
        ("وزیر بهداشت گفت، واکسن به زودی می‌رسد.",),
        # Nobody in particular: everyday words before the cue, not a name.
        ("مدارک گفت: مذاکرات ادامه دارد.",),
        ("مخالفت خود را اعلام کردند: مذاکرات ادامه دارد.",),
    ],
)
def test_no_quote(paragraphs: tuple[str, ...]) -> None:
    assert _extract(*paragraphs) == []


def test_reported_speech_is_a_quote_of_its_own_kind() -> None:
    assert _reported("وزیر بهداشت گفت که واکسن به زودی می‌رسد.") == [("وزیر بهداشت", "واکسن به زودی می‌رسد.")]
    assert _reported("وزیر بهداشت گفت، واکسن به زودی می‌رسد.") == [("وزیر بهداشت", "واکسن به زودی می‌رسد.")]
    # It ends where a cue of the same sentence begins, and names the speaker of that cue.
    paragraph = "علی رضایی تاکید کرد که کار ادامه دارد و گفت: ما آماده‌ایم."
    assert _reported(paragraph) == [("علی رضایی", "کار ادامه دارد")]
    assert _extract(paragraph) == [("علی رضایی", "ما آماده‌ایم.")]
    # A word or two is too little to stand as what someone said.
    assert _reported("وزیر گفت که نه.") == []
    # به گفته X، … and X با بیان اینکه …، گفت: are what X said, in the reporter's words; not
    # inside someone's quotation.
    assert _reported("علی رضایی گفت: اول.", "به گفته وی، کار تا پایان سال تمام می‌شود.") == [
        ("علی رضایی", "کار تا پایان سال تمام می‌شود.")]
    paragraph = "علی رضایی با بیان اینکه بودجه کافی نیست، گفت: ما ادامه می‌دهیم."
    assert _reported(paragraph) == [("علی رضایی", "بودجه کافی نیست")]
    assert _extract(paragraph) == [("علی رضایی", "ما ادامه می‌دهیم.")]
    assert _reported("علی رضایی گفت: «ما کار کرده‌ایم. به گفته وی، همه چیز خوب است.»") == []
    # A relative clause that ends in a verb and a comma is no cue: the colon's is.
    assert _extract("وزیر کشور که دیروز سخن گفت، امروز گفت: آماده‌ایم.") == [("وزیر کشور", "آماده‌ایم.")]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # The cue far from the speaker, behind time and place adjuncts.
        (("حسن روحانی صبح امروز در جلسه هیئت دولت با اشاره به شرایط اقتصادی کشور تصریح کرد:"
          " تورم مهار می‌شود.",),
         [("حسن روحانی", "تورم مهار می‌شود.")]),
        # The attribution and a discourse opener set aside.
        (("به گزارش ایرنا، در ادامه این نشست، استاندار تهران گفت: کار ادامه دارد.",),
         [("استاندار تهران", "کار ادامه دارد.")]),
        # «…» with and without a colon: the quotation only, without its marks.
        (("وزیر کشور گفت «انتخابات سالم برگزار می‌شود» و جلسه را ترک کرد.",),
         [("وزیر کشور", "انتخابات سالم برگزار می‌شود")]),
        (("سخنگوی دولت اعلام کرد: «جلسه فردا برگزار می‌شود». خبرنگاران پرسش‌های دیگری هم داشتند.",),
         [("سخنگوی دولت", "جلسه فردا برگزار می‌شود")]),
        # Two quotes in one paragraph: the first stops where the next cue's sentence starts.
        (("مریم احمدی گفت: کار سخت است. او افزود: ادامه می‌دهیم.",),
         [("مریم احمدی", "کار سخت است."), ("مریم احمدی", "ادامه می‌دهیم.")]),
        # Honorifics are not part of the name; a dropped subject is the speaker before.
        (("حجت‌الاسلام والمسلمین حسن روحانی گفت: مردم پای صندوق می‌آیند.",
          "در پایان افزود: امیدواریم."),
         [("حسن روحانی", "مردم پای صندوق می‌آیند."), ("حسن روحانی", "امیدواریم.")]),
        # A surname first, the full name later: one person, named in full.
        (("روحانی گفت: اول.", "حسن روحانی افزود: دوم."),
         [("حسن روحانی", "اول."), ("حسن روحانی", "دوم.")]),
        # A comma after the verb before the speaker's own words (first or second person).
        (("سخنگوی ریاست‌جمهوری ترکیه گفت، هر کاری برای حفاظت از نظامیان خود انجام خواهیم داد.",),
         [("سخنگوی ریاست‌جمهوری ترکیه", "هر کاری برای حفاظت از نظامیان خود انجام خواهیم داد.")]),
        # Quotation marks astray around the cue; a question put to someone.
        (("علی رضایی گفت: اول.", "«وی همچنین گفت:» شهروندان ناراضی هستند."),
         [("علی رضایی", "اول."), ("علی رضایی", "شهروندان ناراضی هستند.")]),
        (("مجری این مناظره از بوته‌جج سوال کرد: «اگر تیم شما رجوع کند؟»",),
         [("مجری این مناظره", "اگر تیم شما رجوع کند؟")]),
        # Time words before the subject; a prince's style is no part of his name.
        (("اواسط هفته جاری نیز معاون بهداشتی دانشگاه علوم پزشکی همدان به ایرنا گفت: کار ادامه دارد.",),
         [("معاون بهداشتی دانشگاه علوم پزشکی همدان", "کار ادامه دارد.")]),
        (("پرنس چارلز در مصاحبه با ساندی تایمز گفت: علاقه مندم.",), [("چارلز", "علاقه مندم.")]),
        # A colon closing the paragraph: the quote is the paragraph after it.
        (("رئیس سازمان افزود:", "همه طرح‌ها اجرا می‌شود."),
         [("رئیس سازمان", "همه طرح‌ها اجرا می‌شود.")]),
    ],
)
def test_quote_shapes(paragraphs: tuple[str, ...], expected: list[tuple[str, str]]) -> None:
    assert _extract(*paragraphs) == expected


def test_apposition_ties_a_title_to_its_name_among_several_people() -> None:
    attribution = extract((
        "سخنگوی وزارت بهداشت گفت: آمار امروز کاهش دارد.",
        "سعید نمکی گفت: واکسن می‌رسد.",
        "کیانوش جهانپور، سخنگوی وزارت بهداشت، افزود: مراقب باشید.",
        "وی ادامه داد: ماسک بزنید.",
    ))
    assert [q.speaker for q in attribution.quotes] == ["کیانوش جهانپور", "سعید نمکی", "کیانوش جهانپور",
                                                       "کیانوش جهانپور"]
    assert attribution.speakers == (
        Speaker("کیانوش جهانپور", ("سخنگوی وزارت بهداشت",), titles=("سخنگوی وزارت بهداشت",)),
        Speaker("سعید نمکی", ()),
    )


def test_an_untied_title_among_several_people_stays_a_title() -> None:
    attribution = extract((
        "علی ربیعی گفت: دولت پاسخ می‌دهد.",
        "سعید نمکی گفت: واکسن می‌رسد.",
        "وزیر کشور گفت: انتخابات برگزار می‌شود.",
    ))
    assert [s.name for s in attribution.speakers] == ["علی ربیعی", "سعید نمکی", "وزیر کشور"]


def test_a_title_followed_by_the_name_is_that_person() -> None:
    attribution = extract((
        "رئیس‌جمهور حسن روحانی، صبح امروز در جلسه ستاد ملی کرونا گفت: وضع بهتر شده است.",
        "عبدالناصر همتی گفت: نرخ ارز پایین می‌آید.",
        "حسن روحانی افزود: مردم همکاری کنند.",
    ))
    assert [q.speaker for q in attribution.quotes] == ["حسن روحانی", "عبدالناصر همتی", "حسن روحانی"]


def test_a_title_in_the_lede_is_the_person_named_next() -> None:
    attribution = extract((
        "معاون اول رئیس‌جمهور با تأکید بر سلامت مردم گفت: سلامت اولویت است.",
        "اسحاق جهانگیری در این جلسه اظهار کرد: کار ادامه دارد.",
        "دکتر بیگلری افزود: آزمایش‌ها انجام می‌شود.",
        "معاون اول رئیس‌جمهور افزود: همه کمک کنند.",
    ))
    assert [q.speaker for q in attribution.quotes] == ["اسحاق جهانگیری", "اسحاق جهانگیری", "بیگلری",
                                                       "اسحاق جهانگیری"]


def test_the_kicker_is_an_alias_of_the_one_named_speaker() -> None:
    attribution = extract(("مجید انصاری گفت: کار ادامه دارد.",), kicker="معاون حقوقی رئیس‌جمهور")
    title = "معاون حقوقی رئیس‌جمهور"
    assert attribution.speakers == (Speaker("مجید انصاری", (title,), titles=(title,)),)


@pytest.mark.parametrize(
    ("words", "kind", "name", "title"),
    [
        ("به گزارش مهر، علیرضا خامسیان، ظهر چهارشنبه در نشست با مدیران", "name", KHAMESIAN, None),
        ("علی مطهری، نماینده مردم تهران در مجلس، ", "name", "علی مطهری", "نماینده مردم تهران در مجلس"),
        ("مقام عالی دولت در شهرستان قدس در پایان با اشاره به تعامل", "title",
         None, "مقام عالی دولت در شهرستان قدس"),
        ("«کن فاستر» صاحب یک فروشگاه در منچستر ", "name", "کن فاستر", None),
        ("این فعال سیاسی در ادامه ", "anaphor", None, None),
        ("۱۷ بهمن ۱۳۸۹، رییس دفتر رییس‌جمهور از طرح ادغام خبر داد و ", "title", None, "رییس دفتر رییس‌جمهور"),
    ],
)
def test_subject(words: str, kind: str, name: str | None, title: str | None) -> None:
    mention = subject(words)
    assert mention is not None
    assert (mention.kind.value, mention.name, mention.title) == (kind, name, title)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (GOLI_KANI, Match.EXACT),
        (f"وحید گلی{Z}کانی", Match.EXACT),
        ("فرماندار قدس", Match.EXACT),
        ("فرماندار  قدس", Match.EXACT),
        ("گلی کانی", Match.SURNAME),
        ("گليکاني", Match.SURNAME),  # Arabic ي, no space
        ("قدس", Match.WORDS),
        ("وحید", Match.WORDS),
        ("کانی گلی", None),
        ("حید", None),  # part of a word
        ("", None),
    ],
)
def test_match(query: str, expected: Match | None) -> None:
    assert match(query, GOLI_KANI, ["فرماندار قدس"]) is expected


def test_short_name() -> None:
    assert short_name(Speaker(GOLI_KANI, ("گلی کانی", "فرماندار قدس"))) == "گلی کانی"
    assert short_name(Speaker(KHAMESIAN)) == "خامسیان"
    assert short_name(Speaker("سخنگوی دولت")) == "سخنگوی دولت"


# -- the store ----------------------------------------------------------------------------


async def test_quotes_by_name_surname_and_title(store: Store, seed_ids: dict[Path, int]) -> None:
    for query in ("فرماندار قدس", "گلی کانی", f"گلی{ZWNJ}کانی", GOLI_KANI, "مقام عالی دولت در شهرستان قدس"):
        assert await store.find_speakers(query) == [GOLI_KANI_SPEAKER], query
        found = await store.quotes_by(await store.find_speakers(query), limit=50)
        assert [(q.article_id, q.quote.speaker, q.quote.paragraph) for q in found] == [
            (seed_ids[SEED_000], GOLI_KANI, p) for p, _, _ in SEED_000_QUOTES
        ]
    for query in ("خامسیان", "خامسيان", "معاون ارتباطات دفتر معاون اول", "معاون ارتباطات و اطلاعرسانی"
                  " دفتر معاون اول رئیسجمهور"):
        found = await store.quotes_by(await store.find_speakers(query), limit=50)
        assert len(found) == 7, query
        assert {q.article_id for q in found} == {seed_ids[SEED_003]}


async def test_one_speaker_across_articles(
    store: Store, ingestor: Ingestor, seed_ids: dict[Path, int]
) -> None:
    # Undated like seed 000, so it is newer by arrival.
    later = "به گزارش ایرنا، وحید گلی‌کانی گفت: شهرستان آماده انتخابات است.\n"
    result = await ingestor.ingest_text(later, Origin(OriginKind.TEXT, "later"))
    assert result.article_id is not None
    (speaker,) = await store.find_speakers("گلی کانی")
    found = await store.quotes_by([speaker], limit=3)
    # Newest article first, then the seed's quotes in article order.
    assert [(q.article_id, " ".join(q.quote.text.split()[:3])) for q in found] == [
        (result.article_id, "شهرستان آماده انتخابات"),
        (seed_ids[SEED_000], "عصر امروز، عصر"),
        (seed_ids[SEED_000], "فرموده مقام معظم"),
    ]
    assert [q.quote.paragraph for q in await store.quotes_by([speaker], limit=2, offset=8)] == [8]
    counts = await store.speakers()
    assert [(c.speaker.name, c.quotes) for c in counts] == [(GOLI_KANI, 9), (KHAMESIAN, 7)]


async def test_a_query_that_fits_several_people_returns_them_all(store: Store, ingestor: Ingestor) -> None:
    for i, text in enumerate(("حسن روحانی گفت: اول.", "علی روحانی گفت: دوم.", "روحانی‌نژاد گفت: سوم.")):
        await ingestor.ingest_text(text, Origin(OriginKind.TEXT, str(i)))
    assert [s.name for s in await store.find_speakers("روحانی")] == ["حسن روحانی", "علی روحانی"]
    assert [s.name for s in await store.find_speakers("حسن روحانی")] == ["حسن روحانی"]
    assert await store.find_speakers("روح") == []


async def test_stored_articles_carry_their_analysis(
    store: Store, seed_ids: dict[Path, int], seeds: dict[Path, Article]
) -> None:
    for path, article_id in seed_ids.items():
        stored = await store.get_article(article_id)
        assert stored is not None
        assert stored.article == seeds[path]
    listed = {s.id: s.article for s in await store.latest_articles()}
    assert listed == {article_id: seeds[path] for path, article_id in seed_ids.items()}


async def test_a_hand_made_quote_gets_its_speaker_row(store: Store) -> None:
    article = Article(paragraphs=("متن.",), raw_text="متن.", quotes=(Quote("سخنگوی دولت", "متن.", 0),))
    result = await store.add_article(article, Origin(OriginKind.TEXT, "x"))
    stored = await store.get_article(result.article_id or 0)
    assert stored is not None
    assert stored.article.speakers == (Speaker("سخنگوی دولت"),)
    assert stored.article.quotes == article.quotes


async def test_a_quote_not_in_its_article_is_refused_and_nothing_is_written(store: Store) -> None:
    article = Article(paragraphs=("متن.",), raw_text="متن.", quotes=(Quote("سخنگوی دولت", "دیگر.", 0),))
    with pytest.raises(ValueError, match="quote not in paragraph 0"):
        await store.add_article(article, Origin(OriginKind.TEXT, "x"))
    assert await store.count_articles() == 0
    assert await store.find_speakers("سخنگوی دولت") == []


async def test_articles_from_before_the_analysis_are_analyzed_by_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with await Store.open(path) as store:
        async for _ in Ingestor(store).ingest_paths([SEEDS]):
            pass
    with sqlite3.connect(path) as db:  # as a database before migration 3 would be
        for table in ("quotes", "speaker_aliases", "article_speakers", "speakers", "article_summaries"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DELETE FROM schema_migrations WHERE version IN (3, 6)")
    async with await Store.open(path) as store:
        assert len(await store.quotes_by(await store.find_speakers("فرماندار قدس"), limit=50)) == 8
        summary = await store.get_summary(1)
        assert summary is not None
        assert summary.summary.startswith("نشست روابط عمومی")


# -- the command line ----------------------------------------------------------------------


def _sokhan(*args: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    return main([str(a) for a in args], out=out), out.getvalue()


@pytest.mark.usefixtures("isolated")
def test_cli_quotes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    assert _sokhan("ingest", SEEDS, "--db", db)[0] == 0
    code, out = _sokhan("quotes", "فرماندار قدس", "--db", db, "--json")
    rows = json.loads(out)
    assert code == 0
    assert len(rows) == 8
    assert rows[0] == {"article_id": 1, "speaker": GOLI_KANI, "text": rows[0]["text"], "kind": "direct"}
    assert rows[0]["text"].startswith("عصر امروز")
    code, out = _sokhan("quotes", "خامسیان", "--db", db, "--limit", "2")
    assert (code, len(out.splitlines())) == (0, 2)
    assert out.startswith(f"#2     {KHAMESIAN}: در طول عمر دولت")
    capsys.readouterr()
    assert _sokhan("quotes", "کسی دیگر", "--db", db, "--json") == (1, "[]\n")
    assert "no speaker matches" in capsys.readouterr().err


@pytest.mark.usefixtures("isolated")
def test_cli_analyze_has_quotes_and_speakers() -> None:
    code, out = _sokhan("analyze", SEED_003, "--json")
    data = json.loads(out)
    assert code == 0
    assert [q["speaker"] for q in data["quotes"]] == [KHAMESIAN] * 7
    assert data["quotes"][0]["paragraph"] == 0
    assert data["speakers"][0]["name"] == KHAMESIAN
    assert data["headline"].startswith("خامسیان: ")
    assert data["summary"].startswith("معاون ارتباطات و اطلاع‌رسانی دفتر معاون اول رئیس‌جمهور گفت: ")
