"""Renderers: Jalali dates, escaping, and messages that fit Telegram's 4096 characters."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.render import (
    MAX_CAPTION_CHARS,
    MAX_MESSAGE_CHARS,
    cut_text,
    escape,
    fit_messages,
    jalali,
    visible_length,
)
from bot.views.articles import bulletin_reasons, bulletin_text
from storage.models import Article, Delivery, Origin, OriginKind, Reason, StoredArticle, SubscriptionKind


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2025, 12, 10), "۱۹ آذر ۱۴۰۴"),
        ("2025-12-10", "۱۹ آذر ۱۴۰۴"),
        (dt.date(2025, 3, 21), "۱ فروردین ۱۴۰۴"),
        (dt.date(2025, 3, 20), "۳۰ اسفند ۱۴۰۳"),  # 1403 is a leap year
        (None, ""),
        ("not a date", ""),
    ],
)
def test_jalali(date: dt.date | str | None, expected: str) -> None:
    assert jalali(date) == expected


def test_escape_and_visible_length() -> None:
    assert escape('<b>"x" & y</b>') == '&lt;b&gt;"x" &amp; y&lt;/b&gt;'
    assert visible_length("<b>a &amp; b</b>") == len("a & b")


SENTENCE = "این یک جمله نمونه از متن بیانیه است که برای آزمون تکرار می‌شود."


def test_cut_text_at_sentence_ends() -> None:
    text = " ".join([SENTENCE] * 200)
    pieces = cut_text(text, 1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text


@pytest.mark.parametrize("mark", ["؟", "؛", "،", "!"])
def test_cut_text_at_persian_punctuation(mark: str) -> None:
    text = " ".join([f"بخش {i} از یک متن بلند بدون نقطه{mark}" for i in range(100)])
    pieces = cut_text(text, 300)
    assert all(len(p) <= 300 and p.endswith(mark) for p in pieces)
    assert " ".join(pieces) == text


def test_cut_text_never_inside_a_word() -> None:
    words = [f"واژه{i}" for i in range(2000)]
    text = " ".join(words)  # no punctuation at all
    pieces = cut_text(text, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert [w for p in pieces for w in p.split(" ")] == words


def test_fit_messages_keeps_paragraphs_whole() -> None:
    paragraphs = [escape(f"<{i}> " + SENTENCE * 6) for i in range(60)]
    messages = fit_messages(["<b>عنوان</b>", *paragraphs])
    assert len(messages) > 1
    assert all(visible_length(m) <= MAX_MESSAGE_CHARS for m in messages)
    assert messages[0].startswith("<b>عنوان</b>\n\n")
    rejoined = "\n\n".join(messages).split("\n\n")
    assert rejoined == ["<b>عنوان</b>", *paragraphs]


def _stored(summary: str, title: str = "دیدار استاندار با کشاورزان") -> StoredArticle:
    article = Article(paragraphs=(summary,), raw_text=summary, title=title, summary=summary,
                      date=dt.date(2025, 12, 1), source="استانداری")
    return StoredArticle(id=12, article=article, origin=Origin(OriginKind.TEXT, "t"), created_at="")


def test_a_bulletin_within_a_caption_cuts_its_summary_and_keeps_the_rest() -> None:
    works = "، ".join(f"طرح شماره {i} با اعتبار {i} میلیارد ریال" for i in range(60))
    summary = f"استاندار گفت: {works}."
    reasons = (Reason(SubscriptionKind.QUERY, "طرح <b>"), Reason(SubscriptionKind.ALL, ""))
    delivery = Delivery(1, 12, 5, "private", 0, reasons)
    whole = bulletin_text(_stored(summary), delivery)
    caption = bulletin_text(_stored(summary), delivery, MAX_CAPTION_CHARS)
    assert visible_length(whole) > MAX_CAPTION_CHARS
    assert visible_length(caption) <= MAX_CAPTION_CHARS
    assert caption.startswith(
        "🔔 <b>بیانیهٔ تازه</b> · اشتراک «طرح &lt;b&gt;»\n\n<b>دیدار استاندار با کشاورزان</b>")
    assert caption.endswith("ریال…\n\n#۱۲")  # cut after a whole clause, its comma dropped


def test_a_bulletin_names_a_few_reasons_and_counts_the_rest() -> None:
    reasons = tuple(Reason(SubscriptionKind.QUERY, f"واژه{i}") for i in range(8))
    heading = bulletin_reasons(Delivery(1, 12, 5, "private", 0, (Reason(SubscriptionKind.SPEAKER, "خامسیان"),
                                                                    *reasons)))
    assert heading == ("🔔 <b>بیانیهٔ تازه</b> · سخنان «خامسیان» · اشتراک «واژه0»، «واژه1»، «واژه2»، «واژه3»"
                       " · و ۴ اشتراک دیگر")
