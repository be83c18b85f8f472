"""Numbers people type: ids, pages, counts, in Persian, Arabic or Latin digits.

One parser for every number that comes from a command, a button or an inline offset.
Only the ten digits of each script count (``²`` and other digit-like characters that
``str.isdigit`` accepts do not), and a number is bounded to SQLite's integers, so no
input can reach ``int()`` or the database in a form they refuse.
"""

from __future__ import annotations

import re

# SQLite's largest integer.
MAX_NUMBER = 2**63 - 1
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NUMBER = re.compile(r"[0-9]{1,19}")


def parse_count(text: str | None, *, low: int = 1, high: int = MAX_NUMBER) -> int | None:
    """``text`` as a whole number from ``low`` to ``high`` (a leading ``#`` allowed), else None."""
    if text is None:
        return None
    text = text.strip().removeprefix("#").translate(_DIGITS)
    if not _NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None
