"""Letters, digits and matching keys of Persian text: pure functions over strings.

``unify_characters`` makes display text consistent (Arabic letter forms, invisible marks);
``fold`` goes further and makes a matching key, which is never shown.
"""

from __future__ import annotations

import re

ZWNJ = "\u200c"

# Letters of the Persian alphabet plus Arabic forms hazm unifies later.
LETTERS = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06c0\u06cc"
DIGITS = "0-9\u06f0-\u06f9\u0660-\u0669"
# Letters that never join the next one: a ZWNJ after them changes nothing, and a word
# cannot be split after one of them into two joined halves.
NON_JOINING = frozenset("اآأإدذرزژوؤةء")

_PERSIAN_DIGITS = str.maketrans("0123456789\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
                                "۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹")
_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
                              "01234567890123456789")

# Marks that carry no meaning in Persian text but break matching: RLM/LRM, ZWJ,
# bidi embeddings and isolates, BOM, soft hyphen, word joiner, zero-width space.
_INVISIBLE = "\u00ad\u061c\u180e\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e" \
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
_ODD_SPACES = "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DIACRITIC_MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"
_CHAR_MAP: dict[str, str] = {
    "\u064a": "ی", "\u0649": "ی", "\u06cd": "ی", "\u06d0": "ی",  # ي ى ۍ ې
    "\u0643": "ک", "\u06aa": "ک",  # ك ڪ
    "\u0629": "ه", "\u06c1": "ه", "\u06d5": "ه",  # ة ہ ە
    "\u0625": "ا", "\u0671": "ا",  # إ ٱ
    "\u0640": "",  # kashida
    **dict.fromkeys(_ODD_SPACES, " "),
    **dict.fromkeys(_INVISIBLE + _DIACRITIC_MARKS, ""),
}
# One pass over the text; the callback only runs on the rare characters to change.
_UNIFY = re.compile(f"[{''.join(_CHAR_MAP)}]|{ZWNJ}{{2,}}")
# Word-initial أ is Arabic spelling (أحمد); inside a word it is standard Persian (تأکید).
_INITIAL_HAMZA_ALEF = re.compile(f"(?<![{LETTERS}{ZWNJ}])\u0623")

_FOLD_MAP = str.maketrans({
    "آ": "ا", "أ": "ا", "ؤ": "و", "ئ": "ی", "ء": None, ZWNJ: " ",
    **{d: str(i % 10) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")},
})
_FOLD_SPACES = re.compile(r"\s+")


def unify_characters(text: str) -> str:
    """Letter and mark unification that hazm leaves out; safe on any text."""
    text = _UNIFY.sub(lambda m: _CHAR_MAP.get(m.group(), ZWNJ), text)
    return _INITIAL_HAMZA_ALEF.sub("ا", text)


def fold(text: str) -> str:
    """A matching key, not display text: letters and digits unified (ي/ی, ك/ک, ة/ه, أ/إ/آ/ا,
    ؤ/و, ئ/ی, ۱/١/1), hamza, diacritics and invisible marks dropped, ZWNJ as a space,
    Latin in lower case, spaces collapsed."""
    text = unify_characters(text).translate(_FOLD_MAP).lower()
    return _FOLD_SPACES.sub(" ", text).strip()


def persian_digits(text: str) -> str:
    return text.translate(_PERSIAN_DIGITS)


def latin_digits(text: str) -> str:
    return text.translate(_LATIN_DIGITS)
