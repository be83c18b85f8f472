"""Structure and metadata: the seeds exactly, and the shapes real statements take."""

from __future__ import annotations

import datetime as dt

import pytest

from storage.analysis import analyze
from storage.analysis.parse import parse_article
from storage.errors import RejectedText
from storage.text.letters import ZWNJ
from storage.text.normalize import TextNormalizer
from tests.conftest import SEED_000, SEED_003

Z = ZWNJ


def test_seed_000_structure(normalizer: TextNormalizer) -> None:
    article = parse_article(SEED_000.read_text(encoding="utf-8"), normalizer)

    assert article.kicker == "فرماندار قدس"
    assert article.title == f"روابط عمومی از شاکله{Z}های اصلی امید آفرینی در جامعه است"
    assert article.source == "روابط عمومی فرمانداری شهرستان قدس"
    assert article.date is None
    assert article.tags == ()
    # Lines and blank lines broken inside sentences are joined back: 9 whole paragraphs.
    starts_and_ends = [(p.split()[:3], p.split()[-2:]) for p in article.paragraphs]
    assert starts_and_ends == [
        (["نشست", "روابط", f"عمومی{Z}های"], ["برگزار", "شد."]),
        (["به", "گزارش", "روابط"], ["برقرار", "کنیم."]),
        (["وی", "افزود:", "فرموده"], ["منعکس", f"می{Z}شود."]),
        (["فرماندار", "شهرستان", "قدس"], ["مراجعه", f"نمی{Z}کنند."]),
        (["مقام", "عالی", "دولت"], ["اهمیت", "است."]),
        (["گلی", "کانی", "عنوان"], ["خواهد", "بود."]),
        (["این", "مقام", "مسئول"], ["فعالیت", "کرد."]),
        (["فرماندار", "شهرستان", "قدس"], ["موجود", "است."]),
        (["مقام", "عالی", "دولت"], ["فعالیت", "کرد."]),
    ]
    assert article.lead == article.paragraphs[0]
    assert "ارتباط برقرار کنیم." in article.paragraphs[1]
    assert "شهریور ۱۴۰۱ نیز" in article.paragraphs[4]
    assert all("\n" not in p and "  " not in p for p in article.paragraphs)


def test_seed_003_structure(normalizer: TextNormalizer) -> None:
    article = parse_article(SEED_003.read_text(encoding="utf-8"), normalizer)

    assert article.title is None
    assert article.kicker is None
    assert article.date == dt.date(2025, 12, 10)
    assert article.source == "مهر"
    assert len(article.paragraphs) == 7
    assert article.lead.startswith("به گزارش خبرنگار مهر، علیرضا خامسیان، ظهر چهارشنبه")
    assert article.lead.endswith("به جامعه برسانیم.")
    assert [p.split()[0] for p in article.paragraphs] == [
        "به", "خامسیان", "معاون", "معاون", "خامسیان", "معاون", "خامسیان"
    ]
    assert article.paragraphs[-1].endswith("پیگیری خواهیم کرد.")
    assert "date" not in article.lead
    # The lost ZWNJs of this seed are back.
    text = " ".join(article.paragraphs)
    for word in (f"اطلاع{Z}رسانی", f"رئیس{Z}جمهور", f"فعالیت{Z}های", f"روابط عمومی{Z}هاست",
                 f"به{Z}عنوان", f"سازمان{Z}ها", f"نشان{Z}دهنده", f"حاشیه{Z}ای"):
        assert word in text, word


@pytest.mark.parametrize(
    "head",
    [
        "date 2025-12-10",
        "date: 2025-12-10",
        "۱۴۰۴/۰۹/۱۹",
        "1404/9/19",
        "۱۹ آذر ۱۴۰۴",
        "چهارشنبه ۱۹ آذر ۱۴۰۴ - ساعت ۱۰:۳۰",
        "تاریخ: ۱۴۰۴/۰۹/۱۹",
    ],
)
def test_dateline_above_the_text(normalizer: TextNormalizer, head: str) -> None:
    raw = f"{head}\nعنوان خبر\n\nمتن خبر در اینجا آمده است."
    article = parse_article(raw, normalizer)
    assert article.date == dt.date(2025, 12, 10)
    assert article.title == "عنوان خبر"
    assert article.paragraphs == ("متن خبر در اینجا آمده است.",)


def test_a_date_inside_the_text_is_not_the_dateline(normalizer: TextNormalizer) -> None:
    article = parse_article("عنوان\n\nنشست روز ۱۹ آذر ۱۴۰۴ برگزار شد.", normalizer)
    assert article.date is None


@pytest.mark.parametrize(
    ("lead", "source"),
    [
        ("به گزارش خبرنگار مهر، نشست برگزار شد.", "مهر"),
        ("به گزارش ایسنا، نشست برگزار شد.", "ایسنا"),
        ("به گزارش «تابناک» به نقل از ایسنا، نشست برگزار شد.", "تابناک"),
        ("به گزارش خبرنگار سیاسی خبرگزاری تسنیم، نشست برگزار شد.", "خبرگزاری تسنیم"),
        ("به گزارش روز نو :، نشست برگزار شد.", "روز نو"),
        ("به گزارش گروه اقتصادی ایرنا، نشست برگزار شد.", "ایرنا"),
        ("تهران- به گزارش ایرنا، نشست برگزار شد.", "ایرنا"),
        ("نشست امروز برگزار شد.", None),
    ],
)
def test_source(normalizer: TextNormalizer, lead: str, source: str | None) -> None:
    assert parse_article(f"عنوان\n\n{lead}", normalizer).source == source


def test_source_is_only_read_near_the_top(normalizer: TextNormalizer) -> None:
    body = "\n".join(["جمله اول.", "جمله دوم.", "جمله سوم.", "به گزارش سازمان ملل، چیزی شد."])
    assert parse_article(f"عنوان\n\n{body}", normalizer).source is None


def test_telegram_channel_post(normalizer: TextNormalizer) -> None:
    raw = (
        "🔴 استاندار قم:\n"
        "🔹 بازگشایی مدارس از شنبه\n\n"
        "🔸 استاندار قم گفت: مدارس استان از شنبه بازگشایی می شوند.\n"
        "✅ کلاسها با رعایت شیوه نامه ها برگزار می شود.\n\n"
        "#آموزش_و_پرورش #قم\n"
        "🆔 @ostan_qom\n"
    )
    article = parse_article(raw, normalizer)
    assert article.kicker == "استاندار قم"
    assert article.title == "بازگشایی مدارس از شنبه"
    assert article.paragraphs == (
        f"استاندار قم گفت: مدارس استان از شنبه بازگشایی می{Z}شوند.",
        f"کلاس{Z}ها با رعایت شیوه{Z}نامه{Z}ها برگزار می{Z}شود.",
    )
    assert article.tags == ("آموزش و پرورش", "قم")
    assert "ostan_qom" not in " ".join(article.paragraphs)


def test_bullets_start_paragraphs(normalizer: TextNormalizer) -> None:
    raw = "اطلاعیه\n\nموارد زیر اعلام می شود:\n▪️ ثبت نام از امروز\n▪️ مهلت تا پایان ماه\n"
    article = parse_article(raw, normalizer)
    assert article.paragraphs == (
        f"موارد زیر اعلام می{Z}شود:", f"ثبت{Z}نام از امروز", "مهلت تا پایان ماه"
    )


def test_short_heading_inside_the_body_stays_apart(normalizer: TextNormalizer) -> None:
    raw = "عنوان اصلی\n\nبند نخست خبر اینجاست.\n\nتوضیحات بیشتر\n\nبند دوم خبر اینجاست."
    article = parse_article(raw, normalizer)
    assert article.paragraphs == ("بند نخست خبر اینجاست.", "توضیحات بیشتر", "بند دوم خبر اینجاست.")


def test_a_long_first_sentence_is_a_lead_not_a_title(normalizer: TextNormalizer) -> None:
    raw = "مدیرکل گفت: این طرح اجرا می شود.\n\nجمله دوم در اینجا است."
    article = parse_article(raw, normalizer)
    assert article.title is None
    assert len(article.paragraphs) == 2


def test_one_line_is_one_paragraph(normalizer: TextNormalizer) -> None:
    article = parse_article("نشست شورای اداری برگزار شد", normalizer)
    assert article.title is None
    assert article.paragraphs == ("نشست شورای اداری برگزار شد",)


def test_windows_and_old_mac_line_ends(normalizer: TextNormalizer) -> None:
    unix = parse_article("عنوان\n\nمتن اول\nادامه متن.", normalizer)
    assert unix.paragraphs == ("متن اول ادامه متن.",)
    for raw in ("عنوان\r\n\r\nمتن اول\r\nادامه متن.", "عنوان\r\rمتن اول\rادامه متن."):
        article = parse_article(raw, normalizer)
        assert (article.title, article.paragraphs) == (unix.title, unix.paragraphs)


@pytest.mark.parametrize("raw", ["", "   \n\n  ", "😀🎉🔥", "🔹🔹\n\n✅", "hello world 123", "#فقط_هشتگ"])
def test_not_an_article(normalizer: TextNormalizer, raw: str) -> None:
    with pytest.raises(RejectedText):
        parse_article(raw, normalizer)


@pytest.mark.parametrize(
    "raw",
    [
        "عنوان خبر\n\n۱۴۰۴/۰۹/۱۹\n\nمتن خبر در اینجا آمده است.",
        "عنوان خبر\n۱۴۰۴/۰۹/۱۹\n\nمتن خبر در اینجا آمده است.",
        "عنوان خبر\n\nچهارشنبه ۱۹ آذر ۱۴۰۴ ساعت ۱۰:۳۰\n\nمتن خبر در اینجا آمده است.",
        "استاندار البرز؛\nعنوان خبر\n\n۱۹ آذر ۱۴۰۴\n\nمتن خبر در اینجا آمده است.",
        "عنوان خبر\n\nکاشان - ۱۹ آذر ۱۴۰۴ - متن خبر در اینجا آمده است.",
        "عنوان خبر\n\nتهران – چهارشنبه ۱۹ آذر ۱۴۰۴ – متن خبر در اینجا آمده است.",
        "عنوان خبر\n\nقم - 1404/09/19 - متن خبر در اینجا آمده است.",
    ],
    ids=["date-line", "date-line-no-blank", "weekday-and-time", "after-kicker", "inline",
         "inline-weekday", "inline-numeric"],
)
def test_a_date_anywhere_in_the_header_block(normalizer: TextNormalizer, raw: str) -> None:
    article = parse_article(raw, normalizer)
    assert article.date == dt.date(2025, 12, 10)
    assert article.title == "عنوان خبر"
    assert article.lead == "متن خبر در اینجا آمده است."


def test_an_inline_dateline_leaves_the_attribution_to_open_the_lead(normalizer: TextNormalizer) -> None:
    raw = ("عنوان\n\nکاشان - ۲۴ آذر ۱۴۰۴ - به گزارش روابط عمومی دانشگاه کاشان،"
           " رئیس دانشگاه گفت: پژوهش مهم است.")
    article = analyze(parse_article(raw, normalizer))
    assert article.source == "روابط عمومی دانشگاه کاشان"
    assert [q.speaker for q in article.quotes] == ["رئیس دانشگاه"]


def test_a_date_deep_in_the_body_is_not_the_date(normalizer: TextNormalizer) -> None:
    raw = "عنوان\n\nبند یک.\n\nبند دو.\n\nبند سه.\n\n۱۴۰۴/۰۹/۱۹\n\nبند چهار."
    assert parse_article(raw, normalizer).date is None


@pytest.mark.parametrize(
    ("raw", "title", "lead"),
    [
        ("<b>تست</b> <script>alert(1)</script>\n\n<p>متن خبر &amp; ادامه آن.</p>", "تست",
         "متن خبر & ادامه آن."),
        ("<h1>عنوان</h1><p>بند یک خبر است.</p><p>بند دو خبر است.</p>", "عنوان", "بند یک خبر است."),
        ("عنوان\n\nمتن خبر &laquo;مهم&raquo; است.", "عنوان", "متن خبر «مهم» است."),
    ],
    ids=["tags-and-script", "blocks", "entities"],
)
def test_markup_in_a_statement_is_read_as_text(normalizer: TextNormalizer, raw: str, title: str,
                                               lead: str) -> None:
    article = parse_article(raw, normalizer)
    assert (article.title, article.lead) == (title, lead)
    assert "<" not in " ".join(article.paragraphs)


def test_the_source_stops_at_a_semicolon(normalizer: TextNormalizer) -> None:
    raw = "عنوان\n\nبه گزارش تابناک؛ احمد مسجد جامعی؛ عضو شورای شهر تهران، گفت: شهر نیاز دارد."
    assert parse_article(raw, normalizer).source == "تابناک"
