"""Extractive summaries and derived headlines: invariants, the lede, the seeds, the corpus."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.cli import main
from storage.analysis import analyze_text
from storage.analysis.quotes.narration import without_credit
from storage.analysis.summary import (
    MAX_HEADLINE_CHARS,
    MAX_SUMMARY_CHARS,
    abstract_opening,
    beside_headline,
    headline,
    shorten,
    summarize,
)
from storage.db.store import Store
from storage.models import Article
from storage.text.normalize import TextNormalizer
from storage.text.sentences import ATTRIBUTION, split_sentences
from tests.conftest import SEED_000, SEED_003, SEEDS
from tests.irnews import IRNEWS, IRNEWS_OTHER, news_items

LONG = "این جمله‌ای است که برای آزمودن خلاصه بسیار طولانی نوشته شده و کلمات فراوانی در خود دارد"


def assert_summary_invariants(summary: Sequence[str], paragraphs: Sequence[str]) -> None:
    """1–3 whole sentences of the article, in its order, without the wire's credit that
    opens them, ≤ MAX_SUMMARY_CHARS in all; the first may be a statement in abstract form
    (``TITLE گفت: CLAIM``, the claim the end of the article's sentence)."""
    sentences = [without_credit(s) for p in paragraphs for s in split_sentences(p)]
    assert not any(ATTRIBUTION.match(s) for s in summary)
    assert 1 <= len(summary) <= 3
    assert len(" ".join(summary)) <= MAX_SUMMARY_CHARS
    position = -1
    for k, sentence in enumerate(summary):  # each found after the one before: in order, no repeats
        if k == 0 and sentence not in sentences:
            position = next(i for i, s in enumerate(sentences) if _abstract_of(sentence, s))
        else:
            position = sentences.index(sentence, position + 1)


def _abstract_of(opening: str, sentence: str) -> bool:
    said = re.search(" (?:گفت|نوشت): ", opening)
    return bool(said and opening[said.end():]) and sentence.endswith(opening[said.end():])


@pytest.mark.parametrize("seed", [SEED_000, SEED_003])
def test_seed_summaries_keep_the_invariants(seeds: dict[Path, Article], seed: Path) -> None:
    article = seeds[seed]
    summary = summarize(article.paragraphs, article.title)
    assert_summary_invariants(summary, article.paragraphs)
    assert article.summary == " ".join(summary)


def test_seed_000_summary_is_its_lede(seeds: dict[Path, Article]) -> None:
    # The sentence before "به گزارش روابط عمومی …" is what the office wrote as the news.
    article = seeds[SEED_000]
    assert article.summary == article.paragraphs[0]
    assert article.headline == article.title


def test_seed_003_summary_is_its_lead_statement_with_the_speakers_office(seeds: dict[Path, Article]) -> None:
    # Its lead names Khamesian; the article gives his office further down, as an abstract
    # does, and names no wire.
    article = seeds[SEED_003]
    credit, claim = article.paragraphs[0].split(" گفت: ")
    office = "معاون ارتباطات و اطلاع‌رسانی دفتر معاون اول رئیس‌جمهور"
    assert article.summary == f"{office} گفت: {claim}"
    assert credit.startswith("به گزارش خبرنگار مهر، علیرضا خامسیان")


def test_the_whole_lede_is_the_summary() -> None:
    paragraphs = (
        "وزیر نیرو از آغاز ساخت سه سد تازه در استان خبر داد. این سدها تا دو سال آینده آماده می‌شوند.",
        "به گزارش ایرنا، وزیر نیرو امروز در سفر به استان گفت: کار ساخت آغاز شده است.",
        "وی افزود: اعتبار این طرح‌ها تأمین شده است.",
    )
    assert summarize(paragraphs, "آغاز ساخت سه سد") == (
        "وزیر نیرو از آغاز ساخت سه سد تازه در استان خبر داد.",
        "این سدها تا دو سال آینده آماده می‌شوند.",
    )


def test_a_long_lead_stands_alone_and_a_short_one_takes_the_next() -> None:
    long_lead = f"{LONG} و باز هم {LONG}."
    assert summarize((long_lead, "جمله دوم که دیگر لازم نیست و خلاصه را بلند می‌کند.")) == (long_lead,)
    short = ("سیل در شمال کشور خسارت زد.", "بیش از صد خانه آسیب دید و جاده‌ها بسته شد.", "جمله سوم.")
    assert summarize(short) == short[:2]


def test_what_cannot_stand_alone_is_passed_over() -> None:
    paragraphs = ("عکس:", "رئیس سازمان هواشناسی از بارش برف سنگین در استان‌های شمالی کشور خبر داد.")
    assert summarize(paragraphs) == (paragraphs[1],)


def test_sentences_over_the_limit_are_passed_over_and_the_total_stays_under_it() -> None:
    too_long = "آغاز " + "کلمه " * 150 + "پایان."
    paragraphs = (too_long, f"{LONG}.", f"{LONG} دوباره.", f"{LONG} سه‌باره.")
    summary = summarize(paragraphs)
    assert_summary_invariants(summary, paragraphs)
    assert too_long not in summary


def test_a_text_without_one_short_sentence_is_cut_at_a_word() -> None:
    (summary,) = summarize(("کلمه " * 400,))
    assert len(summary) <= MAX_SUMMARY_CHARS
    assert summary.endswith("کلمه…")


def test_no_text_no_summary() -> None:
    assert summarize(()) == ()


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("کوتاه است.", 120, "کوتاه است"),
        ("بخش اول جمله، بخش دوم جمله که بلند است", 20, "بخش اول جمله"),
        ("یک دو سه چهار پنج شش هفت", 12, "یک دو سه…"),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_headline_from_the_lead_quote_or_the_summary() -> None:
    quote = "ما " + "کار " * 60 + "کردیم. جمله دوم."
    made = headline("خامسیان", quote, ["هر چه"])
    assert made is not None
    assert made.startswith("خامسیان: ما کار")
    assert len(made) <= MAX_HEADLINE_CHARS
    assert headline(None, None, ["به گزارش ایسنا، سیل در شمال کشور خسارت زد."]) == "سیل در شمال کشور خسارت زد"
    assert headline(None, None, []) is None


STATEMENT = "بیش از صد مرکز تازه امسال در استان افتتاح می‌شود و کار ساخت آن‌ها آغاز شده است."


@pytest.mark.parametrize(
    ("sentence", "others", "expected"),
    [
        # The office in apposition; the credit, the name and the adjuncts gone.
        (f"به گزارش ایسنا، محمد رضایی، مدیرکل بهزیستی استان، امروز در نشست خبری اظهار کرد: {STATEMENT}", [],
         f"مدیرکل بهزیستی استان گفت: {STATEMENT}"),
        # The office where the article next calls the speaker by it.
        (f"محمد رضایی در جمع خبرنگاران تصریح کرد: {STATEMENT}",
         ["وی افزود: کار آغاز شده است.", "مدیرکل بهزیستی استان با بیان این‌که بودجه تأمین است، گفت: سپاس."],
         f"مدیرکل بهزیستی استان گفت: {STATEMENT}"),
        # A name and the office after it with no comma.
        (f"علی رضایی مدیرکل بهزیستی استان در این مراسم گفت: {STATEMENT}", [],
         f"مدیرکل بهزیستی استان گفت: {STATEMENT}"),
        # An organisation speaks, or two people do: the office could be the other's.
        (f"روابط عمومی اداره کل بهزیستی استان اعلام کرد: {STATEMENT}",
         ["مدیرکل بهزیستی استان گفت: سپاس از همه."],
         f"روابط عمومی اداره کل بهزیستی استان اعلام کرد: {STATEMENT}"),
        (f"محمد رضایی اظهار کرد: {STATEMENT}",
         ["مدیرکل بهزیستی استان گفت: سپاس از همه.", "حسن کریمی نیز گفت: سپاس از همه."],
         f"محمد رضایی اظهار کرد: {STATEMENT}"),
        # Already in abstract form, a pronoun, no office given, or not a statement: as it is.
        (f"مدیرکل بهزیستی استان امروز گفت: {STATEMENT}", [], f"مدیرکل بهزیستی استان امروز گفت: {STATEMENT}"),
        (f"وی افزود: {STATEMENT}", ["مدیرکل بهزیستی استان گفت: سپاس از همه."], f"وی افزود: {STATEMENT}"),
        (f"محمد رضایی اظهار کرد: {STATEMENT}", ["سیل در شمال کشور خسارت زد."],
         f"محمد رضایی اظهار کرد: {STATEMENT}"),
        (STATEMENT, ["مدیرکل بهزیستی استان گفت: سپاس از همه."], STATEMENT),
        # Whatever else it keeps, an abstract names no wire.
        (f"به گزارش ایرنا به نقل از روابط عمومی استانداری، {STATEMENT}", [], STATEMENT),
        (f"به گزارش ایسنا، به نقل از روسیا الیوم، {STATEMENT}", [], STATEMENT),
        (f"به گزارش ایسنا، روابط عمومی اداره کل بهزیستی استان اعلام کرد: {STATEMENT}", [],
         f"روابط عمومی اداره کل بهزیستی استان اعلام کرد: {STATEMENT}"),
        # A short claim is not a statement to abstract.
        ("محمد رضایی، مدیرکل بهزیستی استان، گفت: سپاس.", [], "محمد رضایی، مدیرکل بهزیستی استان، گفت: سپاس."),
    ],
)
def test_a_statement_opens_with_the_speakers_office(sentence: str, others: list[str], expected: str) -> None:
    assert abstract_opening(sentence, others) == expected


COLUMN = (
    "روزهای سرد زمستان همیشه برای من یادآور کودکی و خانه مادربزرگ است.",
    "آن روزها کسی از گرانی نان و شیر چیزی نمی‌گفت و سفره‌ها ساده بود.",
    "امسال قیمت نان در بیشتر شهرهای کشور دو برابر شده و خانواده‌ها خرید را کم کرده‌اند.",
    "نانوایان می‌گویند گرانی آرد و دستمزد قیمت نان را بالا برده است.",
)


def test_a_column_is_summarized_where_its_news_is_and_a_lede_at_the_lede() -> None:
    # Its opening does not tell the title's story: it is not a lede, and the title says where
    # the news is.
    summary = summarize(COLUMN, "دو برابر شدن قیمت نان در شهرهای کشور")
    assert COLUMN[2] in summary
    assert COLUMN[0] not in summary
    # The same story told as news: the body repeats its first sentence, which is its lede.
    news = ("قیمت نان در بیشتر شهرهای کشور دو برابر شد.", *COLUMN[2:], COLUMN[0])
    assert summarize(news, "دو برابر شدن قیمت نان در شهرهای کشور")[0] == news[0]


CREDITED_COLUMN = (
    f"به گزارش تابناک، {COLUMN[0]}",
    *COLUMN[1:],
    "مادربزرگ همیشه می‌گفت سفره‌ای که نان دارد خالی نیست.",
    "اکنون بسیاری از خانواده‌ها در شهرهای کشور برای خرید نان به صف‌های طولانی می‌روند و سهم نان"
    " در سبد خانوار بیشتر شده است.",
)


def test_a_credited_column_is_summarized_by_its_main_points_wherever_they_are() -> None:
    # The credit opens the text and its sentence does not tell the title's story: no lede.
    title = "دو برابر شدن قیمت نان در شهرهای کشور"
    summary = summarize(CREDITED_COLUMN, title)
    assert_summary_invariants(summary, CREDITED_COLUMN)
    assert {CREDITED_COLUMN[2], CREDITED_COLUMN[5]} <= set(summary)
    assert not {CREDITED_COLUMN[0], CREDITED_COLUMN[1], CREDITED_COLUMN[4]} & set(summary)  # the scene
    # Credited copy whose first sentence tells the title's story still opens with its lede.
    news = ("به گزارش تابناک، قیمت نان در بیشتر شهرهای کشور دو برابر شد.", *CREDITED_COLUMN[2:])
    assert summarize(news, title) == ("قیمت نان در بیشتر شهرهای کشور دو برابر شد.",)
    # Without a title nothing says the opening is not the lede.
    assert summarize(CREDITED_COLUMN)[0] == COLUMN[0]


REPRINTED_COLUMN = (
    f"به گزارش تابناک، عباس عبدی در یادداشتی در روزنامه اعتماد نوشت: {COLUMN[0]}",
    *CREDITED_COLUMN[1:],
)


def test_a_reprinted_column_is_summarized_by_its_main_points_even_untitled() -> None:
    # The credit and then who wrote it where: what follows is the column, not news, and
    # its opening is no lede with or without a title.
    for title in (None, "دو برابر شدن قیمت نان در شهرهای کشور"):
        summary = summarize(REPRINTED_COLUMN, title)
        assert_summary_invariants(summary, REPRINTED_COLUMN)
        assert not {REPRINTED_COLUMN[0], without_credit(REPRINTED_COLUMN[0])} & set(summary)
        assert REPRINTED_COLUMN[2] in summary
    # News of what someone wrote names no wire before them: its opening is the lede.
    news = ("سخنگوی دولت در توییتی نوشت: قیمت نان در شهرهای کشور ثابت می‌ماند و یارانه آرد ادامه دارد.",
            *CREDITED_COLUMN[1:])
    assert summarize(news)[0] == news[0]
    # Nor is a credit followed by a statement a column.
    said = (f"به گزارش تابناک، مدیرکل غله استان گفت: {CREDITED_COLUMN[2]}", *CREDITED_COLUMN[1:])
    assert summarize(said)[0] == f"مدیرکل غله استان گفت: {CREDITED_COLUMN[2]}"


def test_an_abstract_stops_where_its_story_begins_with_the_speakers_name() -> None:
    # A short lede names the office; the next sentence opens the story with the person's
    # name: the lede is the abstract, and the story is not summarized twice.
    lede = "فرمانده انتظامی شهرستان شوط از سقوط یک دستگاه بالابر خبر داد."
    story = ("سرهنگ ایوب فکری اظهار داشت: ماموران پس از اعلام مرکز فوریت‌های پلیسی به محل حادثه"
             " در روستای تازه کند اعزام شدند.")
    assert summarize((lede, story, "وی افزود: یک کارگر جوان در این حادثه جان باخت.")) == (lede,)
    # The wire's credit coming later still does not make the story part of the lede.
    credited = (lede, story, "وی افزود: یک کارگر جوان در این حادثه جان باخت.",
                "به گزارش سایت پلیس، فرمانده انتظامی شهرستان از مردم خواست نکات ایمنی را رعایت کنند.")
    assert summarize(credited) == (lede,)
    # A pronoun goes on with the same speaker: the next sentence may follow a short lede.
    going_on = "وی اظهار داشت: ماموران پس از اعلام مرکز فوریت‌های پلیسی به محل حادثه اعزام شدند."
    assert summarize((lede, going_on, "این حادثه در روستای تازه کند رخ داد.")) == (lede, going_on)


def test_a_spread_summary_keeps_to_the_limit() -> None:
    long_point = "قیمت نان در شهرهای کشور " + "و روستاها " * 40 + "دو برابر شد."
    paragraphs = ("به گزارش تابناک، روزهای سرد زمستان یادآور کودکی است.", long_point,
                  f"{long_point} دوباره", *COLUMN)
    summary = summarize(paragraphs, "قیمت نان در شهرهای کشور")
    assert_summary_invariants(summary, paragraphs)


@pytest.mark.parametrize(
    ("title", "summary", "shown"),
    [
        ("سیل در شمال کشور خسارت زد", ["سیل در شمال کشور خسارت زد."], None),  # made from it
        ("سیل در شمال…", ["سیل در شمال کشور خسارت زد."], None),  # made from it and cut
        ("خسارت سیل در شمال", ["سیل در شمال کشور خسارت زد."], "خسارت سیل در شمال"),  # a title of its own
        ("خامسیان: در طول عمر دولت", ["به گزارش مهر، خامسیان گفت: در طول عمر دولت …"],
         "خامسیان: در طول عمر دولت"),
        (None, ["سیل در شمال کشور خسارت زد."], None),
        ("عنوان", [], "عنوان"),
    ],
)
def test_a_view_never_shows_the_headline_twice(title: str | None, summary: list[str],
                                               shown: str | None) -> None:
    assert beside_headline(title, summary) == shown


def test_an_untitled_one_sentence_statement_shows_its_text_once(normalizer: TextNormalizer) -> None:
    article = analyze_text("سیل در شمال کشور بیش از صد خانه را ویران کرد و جاده‌ها بسته شد.\n", normalizer)
    assert article.headline is not None
    assert beside_headline(article.headline, split_sentences(article.summary)) is None


async def test_summary_is_stored(store: Store, seed_ids: dict[Path, int], seeds: dict[Path, Article]) -> None:
    for path, article_id in seed_ids.items():
        summary = await store.get_summary(article_id)
        assert summary is not None
        assert (summary.headline, summary.summary) == (seeds[path].headline, seeds[path].summary)
    assert await store.get_summary(999) is None


def test_cli_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeds: dict[Path, Article]) -> None:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith(("SOKHAN_", "TELEGRAM_"))]:
        monkeypatch.delenv(key)
    db = tmp_path / "cli.db"
    assert main(["ingest", str(SEEDS), "--db", str(db)], out=io.StringIO()) == 0
    out = io.StringIO()
    assert main(["summary", "2", "--db", str(db)], out=out) == 0
    assert out.getvalue() == f"{seeds[SEED_003].headline}\n\n{seeds[SEED_003].summary}\n"
    out = io.StringIO()
    assert main(["summary", "1", "--db", str(db), "--json"], out=out) == 0
    assert json.loads(out.getvalue()) == {"id": 1, "headline": seeds[SEED_000].title,
                                          "summary": seeds[SEED_000].paragraphs[0]}
    assert main(["summary", "9", "--db", str(db)], out=io.StringIO()) == 1


@pytest.mark.corpus
@pytest.mark.skipif(not IRNEWS.is_dir(), reason=f"{IRNEWS} is not here")
def test_every_corpus_summary_keeps_the_invariants(normalizer: TextNormalizer) -> None:
    for item in news_items((IRNEWS, IRNEWS_OTHER), titled=False):
        article = analyze_text(item.as_statement(), normalizer)
        # The sentences themselves: a quotation's inner stops split the joined text otherwise.
        summary = summarize(article.paragraphs, article.title)
        assert article.summary == " ".join(summary)
        assert_summary_invariants(summary, article.paragraphs)
        untitled = headline(None, None, summarize(article.paragraphs))
        assert untitled is not None
        assert len(untitled) <= MAX_HEADLINE_CHARS, item.path
