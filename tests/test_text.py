"""Normalization: what hazm misses, what must stay whole, what must not be touched."""

from __future__ import annotations

import pytest

from storage.text.letters import ZWNJ, unify_characters
from storage.text.normalize import TextNormalizer
from storage.text.sentences import split_sentences

Z = ZWNJ


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Lost ZWNJs that hazm leaves broken, restored through its lexicon.
        ("اطلاعرسانی", f"اطلاع{Z}رسانی"),
        ("رئیسجمهور", f"رئیس{Z}جمهور"),
        ("فعالیتهای", f"فعالیت{Z}های"),
        ("عمومیهای", f"عمومی{Z}های"),
        ("بهعنوان", f"به{Z}عنوان"),
        ("سازمانها", f"سازمان{Z}ها"),
        ("نشاندهنده", f"نشان{Z}دهنده"),
        ("حاشیهای", f"حاشیه{Z}ای"),
        ("روابط عمومیهاست", f"روابط عمومی{Z}هاست"),
        ("بهرهگیری", f"بهره{Z}گیری"),
        ("نتیجهبخش", f"نتیجه{Z}بخش"),
        ("مهمترین", f"مهم{Z}ترین"),
        ("اطلاعرسانیها", f"اطلاع{Z}رسانی{Z}ها"),
        # What hazm already does, kept working.
        ("اطلاع رسانی", f"اطلاع{Z}رسانی"),
        ("می توان", f"می{Z}توان"),
        ("مییابد", f"می{Z}یابد"),
        # Words the lexicon knows whole are never split.
        ("بهار", "بهار"),
        ("میز", "میز"),
        ("همایش", "همایش"),
        ("بهداشت", "بهداشت"),
        ("حشمت بهمنی", "حشمت بهمنی"),  # listed though never counted: a surname, no به‌منی
        ("ایران", "ایران"),
        ("بهروز", "بهروز"),
        ("خامسیان", "خامسیان"),
        # A plural after a letter that does not join needs no ZWNJ, and is not misread.
        ("روزهای اخیر", "روزهای اخیر"),
        ("بسترهای", "بسترهای"),
    ],
)
def test_zwnj_repair(normalizer: TextNormalizer, raw: str, expected: str) -> None:
    assert normalizer.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ريیس جمهور", f"رییس{Z}جمهور"),
        ("كتاب", "کتاب"),
        ("ساعة", "ساعه"),
        ("إسلام و أحمد", "اسلام و احمد"),
        ("تأکید و مؤثر", "تأکید و مؤثر"),  # medial hamza is Persian spelling
        ("ســـلام", "سلام"),
        ("سَلامٌ", "سلام"),
        ("سلام\u200f \u200eدنیا\u200d", "سلام دنیا"),
        (f"کتاب{Z}{Z}{Z}ها", f"کتاب{Z}ها"),
        ("سلام    دنیا", "سلام دنیا"),
    ],
)
def test_characters_unified(normalizer: TextNormalizer, raw: str, expected: str) -> None:
    assert normalizer.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("تاریخ 2025-12-10 است", "تاریخ ۲۰۲۵-۱۲-۱۰ است"),
        ("تاریخ ۱۴۰۴/۰۹/۱۹ است", "تاریخ ۱۴۰۴/۰۹/۱۹ است"),
        ("ساعت 10:30 صبح", "ساعت ۱۰:۳۰ صبح"),
        ("نرخ 3.5 درصد", "نرخ ۳٫۵ درصد"),
        ("مبلغ 1,200,000 ریال", "مبلغ ۱٬۲۰۰٬۰۰۰ ریال"),
        ("نشانی https://example.ir/a-b?x=1&y=2 است", "نشانی https://example.ir/a-b?x=1&y=2 است"),
        ("سایت www.ostan-qom.ir را ببینید", "سایت www.ostan-qom.ir را ببینید"),
        ("ایمیل info@qods.gov.ir است", "ایمیل info@qods.gov.ir است"),
        ("کانال @sokhan_news را", "کانال @sokhan_news را"),
        ("(1401/01/02)", "(۱۴۰۱/۰۱/۰۲)"),
    ],
)
def test_protected_tokens(normalizer: TextNormalizer, raw: str, expected: str) -> None:
    assert normalizer.normalize(raw) == expected


HAZM_CASES = [
    "سلاممممم و خوببببب، 12% و ٤٥ و 3.5 درصد",
    "كتاب يك ۍ ڪ ﻙ ﻳ “نقل” و ...",
    "می روم و نمی دانم که کتاب ها را",
    "اِعلاممممم کَرد : « زمین لرزه ای به بُزرگیِ 6 دهم ریشتر ...»",
]


def test_fast_hazm_matches_hazm(normalizer: TextNormalizer) -> None:
    """The faster hazm steps give hazm's output, on the seeds, real news and odd input."""
    from hazm import Normalizer

    from tests.conftest import SEEDS
    from tests.irnews import news_items

    reference = Normalizer()
    news = [item.as_statement() for _, item in zip(range(150), news_items(), strict=False)]
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + news + HAZM_CASES
    for text in texts:
        assert normalizer._hazm.normalize(text) == reference.normalize(text)


def test_hazm_alone_would_break_what_is_protected() -> None:
    """The reason protection exists: hazm's spacing rules mangle these."""
    from hazm import Normalizer

    assert Normalizer().normalize("2025-12-10") != "۲۰۲۵-۱۲-۱۰"


def test_lines_are_kept(normalizer: TextNormalizer) -> None:
    lines = ["اطلاعرسانی دقیق", "سازمانها", "بهار"]
    assert normalizer.normalize_lines(lines) == [f"اطلاع{Z}رسانی دقیق", f"سازمان{Z}ها", "بهار"]


def test_straight_quotes_pair_across_lines(normalizer: TextNormalizer) -> None:
    """Copy split after each full stop carries a quotation's close to the next line: the
    marks pair as the sentences do, not line by line."""
    lines = ['وی گفت: "ایران دارو صادر می‌کند.',
             'ایران دارو صادر می‌کند. "وی همچنین گفت: "شهروندان اخبار را دنبال می‌کنند.',
             '"کاخ سفید را تشویق کرده است. این مقام همچنین گفت: "یکی از پیامدها این است.',
             '"ما آماده‌ایم" گفت و "رفت" و آمد.']
    assert normalizer.normalize_lines(lines) == [
        "وی گفت: «ایران دارو صادر می‌کند.",
        "ایران دارو صادر می‌کند.» وی همچنین گفت: «شهروندان اخبار را دنبال می‌کنند.",
        "» کاخ سفید را تشویق کرده است. این مقام همچنین گفت: «یکی از پیامدها این است.",
        "«ما آماده‌ایم» گفت و «رفت» و آمد.",
    ]


def test_a_stray_opening_mark_before_a_stop_closes(normalizer: TextNormalizer) -> None:
    # Copy with «…«. would have the rest of the paragraph inside the quotation.
    text = "او گفت: «این مشکلات حل نخواهند شد «. وزیر گفت: «کار ادامه دارد»."
    assert normalizer.normalize(text) == "او گفت: «این مشکلات حل نخواهند شد». وزیر گفت: «کار ادامه دارد»."
    # One at a line's end may open the words of the next line.
    assert normalizer.normalize("وی گفت: «\nکار ادامه دارد.»") == "وی گفت: «\nکار ادامه دارد.»"


def test_normalize_is_idempotent(normalizer: TextNormalizer) -> None:
    text = "به گزارش خبرنگار مهر، اطلاعرسانی در سازمانها ساعت 10:30 در www.x.ir انجام شد."
    once = normalizer.normalize(text)
    assert normalizer.normalize(once) == once


def test_unify_without_hazm() -> None:
    assert unify_characters("\ufeffكتاب\u200f") == "کتاب"


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("چه باید کرد؟ باید کار کرد.", ["چه باید کرد؟", "باید کار کرد."]),
        # A question the reporter puts before the answer's cue is the answer's sentence.
        ("سخنگو درباره این‌که آیا بسته می‌رسد یا خیر؟ گفت: می‌رسد. بعد؟ هیچ.",
         ["سخنگو درباره این‌که آیا بسته می‌رسد یا خیر؟ گفت: می‌رسد.", "بعد؟", "هیچ."]),
        ("او پرسید: کی؟ پاسخ داد: فردا.", ["او پرسید: کی؟ پاسخ داد: فردا."]),
        # A quotation's own stops do not end the reporter's sentence; the one its closing
        # mark follows does.
        ("ترامپ نوشت: «نه ممنون!» وزیر خارجه گفت: «هرگز رد نمی‌کنم. صبر داریم.» سپس رفت.",
         ["ترامپ نوشت: «نه ممنون!»", "وزیر خارجه گفت: «هرگز رد نمی‌کنم. صبر داریم.»", "سپس رفت."]),
        ("او گفت: «آماده‌ایم» و رفت.", ["او گفت: «آماده‌ایم» و رفت."]),
        # The next sentence written onto a question mark starts there; onto a full stop it
        # is a number or a link.
        ("با چه تضمینی اجازه داده‌اند؟!به گزارش کیهان، او رفت. نسخه ۲.۵ در www.x.ir?id=1 آمد.",
         ["با چه تضمینی اجازه داده‌اند؟!", "به گزارش کیهان، او رفت.", "نسخه ۲.۵ در www.x.ir?id=1 آمد."]),
    ],
)
def test_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences

