"""Dates as they head Persian statements: ISO, Gregorian and Jalali, any digits."""

from __future__ import annotations

import datetime as dt
import re

import jdatetime

from storage.text.letters import DIGITS, latin_digits

JALALI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5,
    "شهریور": 6, "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}
_D = f"[{DIGITS}]"
NUMERIC_DATE = re.compile(
    rf"(?P<a>{_D}{{4}}|{_D}{{1,2}})\s*[-/.]\s*(?P<b>{_D}{{1,2}})\s*[-/.]\s*(?P<c>{_D}{{4}}|{_D}{{1,2}})"
)
WORDED_JALALI = re.compile(
    rf"(?P<day>{_D}{{1,2}})\s*(?P<month>{'|'.join(JALALI_MONTHS)})\s*(?:ماه\s*)?(?:سال\s*)?(?P<year>{_D}{{4}})"
)


def _build(year: int, month: int, day: int) -> dt.date | None:
    """A Gregorian date from either calendar: years before 1700 are Jalali."""
    try:
        if year < 1700:
            return jdatetime.date(year, month, day).togregorian()
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text`` (``2025-12-10``, ``۱۴۰۴/۰۹/۱۹``, ``۱۹ آذر ۱۴۰۴``)."""
    worded = WORDED_JALALI.search(text)
    if worded:
        return _build(int(latin_digits(worded["year"])), JALALI_MONTHS[worded["month"]],
                      int(latin_digits(worded["day"])))
    numeric = NUMERIC_DATE.search(text)
    if not numeric:
        return None
    a, b, c = (int(latin_digits(numeric[k])) for k in "abc")
    if a > 31:  # year first: 2025-12-10, ۱۴۰۴/۰۹/۱۹
        return _build(a, b, c)
    if c > 31:  # day first: 10/12/2025
        return _build(c, b, a)
    return None
