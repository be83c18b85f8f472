"""Identity and matching of names and titles, in an article and across articles.

Names, titles and queries compare by ``speaker_key``: folded, blind to spacing and ZWNJ.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from enum import Enum

from storage.analysis.quotes.lexicon import TITLE_HEADS, head_of, speaker_key
from storage.text.letters import fold

__all__ = ["speaker_key"]  # defined beside the name lists, which key by it too


@functools.lru_cache(maxsize=8192)
def words_of(text: str) -> tuple[str, ...]:
    return tuple(fold(text).replace("،", " ").replace(",", " ").split())


def is_surname(short: str, full: str) -> bool:
    """``گلی کانی`` of ``وحید گلی کانی``: the last words of a longer name."""
    key, words = speaker_key(short), words_of(full)
    return any("".join(words[-k:]) == key for k in range(1, len(words)))


def is_bare_name(name: str) -> bool:
    """A person named by surname only (``ظریف``, ``گلی کانی``): no given name opens it."""
    from storage.analysis.quotes.lexicon import is_given_name

    words = name.split()
    return len(words) == 1 or (len(words) == 2 and not is_given_name(words[0]))


def surname_keys(name: str) -> list[str]:
    """The keys a surname of this full name may have: its last word, its last two."""
    words = words_of(name)
    return ["".join(words[-k:]) for k in range(1, min(len(words) - 1, 2) + 1)]


def same_title(a: str, b: str) -> bool:
    """Two wordings of one office: same head, and the shorter's words all in the longer;
    or two names of one office (رئیس‌جمهور, رئیس دولت) with the same complement."""
    ka, kb = words_of(a), words_of(b)
    if not ka or not kb:
        return False
    office_a, office_b = _office(a), _office(b)
    if office_a is not None and office_b is not None and office_a[0] == office_b[0]:
        return not office_a[1] or not office_b[1] or office_a[1] == office_b[1]
    ka, kb = _bare(ka), _bare(kb)
    if ka[0] != kb[0]:
        return False
    short, long = sorted((ka, kb), key=len)
    return set(short) <= set(long) and len(short) >= 2


def _bare(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words without the ezafe a vowel takes (شورای شهر → شورا شهر), which a title loses
    with the words after it, and without ``استان``, which it has or drops at will
    (مدیرکل … استان لرستان, مدیرکل … لرستان, مدیرکل … استان)."""
    kept = (w for w in words if w not in _PROVINCE)
    return tuple(w[:-1] if len(w) > 3 and w.endswith(("ای", "وی")) else w for w in kept)


_PROVINCE = frozenset(fold(w) for w in ["استان", "شهرستان"])


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether ``short``'s words are ``long``'s first word and some of the rest, in order."""
    if not short or not long or short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(word in rest for word in short[1:])


def shortens(short: str, long: str) -> bool:
    """Whether ``short`` names the office ``long`` by no more of its words, as a later
    mention does (``رئیس بیمارستان`` of ``رئیس بیمارستان امام حسین (ع) شاهرود``, ``رئیس پلیس
    راهور مازندران`` of ``رئیس پلیس راهور استان مازندران``): two words at least, in order."""
    ks, kl = _bare(words_of(short)), _bare(words_of(long))
    return 2 <= len(ks) <= len(kl) and _within(ks, kl)


# Heads of offices named after what they head less a final ی (شهردار of شهرداری), and
# those that head the body their complement names (رئیس دانشگاه …, مدیرعامل شرکت …).
_BODY_OF = {"مدیرکل": ("اداره", "کل")}
_HEADS_NAMED_BODY = frozenset(fold(w) for w in ["رئیس", "مدیرعامل", "مدیر", "سرپرست", "دبیرکل", "دبیر"])


def heads_body(title: str, body: str) -> bool:
    """Whether ``title`` is the head of ``body``: ``شهردار کرج`` of ``شهرداری کرج``,
    ``مدیرکل حفاظت محیط زیست لرستان`` of ``اداره کل حفاظت محیط زیست استان لرستان``,
    ``رئیس دانشگاه بوعلی سینا`` of ``دانشگاه بوعلی سینا``."""
    words, named = _bare(words_of(title)), _bare(words_of(body))
    if len(words) < 2 or not named:
        return False
    head, rest = words[0], words[1:]
    if head + "ی" == named[0]:
        office = (named[0], *rest)
    elif head in _BODY_OF:
        office = (*_BODY_OF[head], *rest)
    elif head in _HEADS_NAMED_BODY:
        office = rest
    else:
        return False
    office = tuple(w for w in office if w != "کل")
    named = tuple(w for w in named if w != "کل")
    return len(office) >= 2 and _within(office, named) and office[-1] == named[-1]


def conjuncts(title: str) -> list[str]:
    """The offices a title joins with و (``سفیر و نماینده دائم ایران در سازمان ملل``:
    سفیر, and نماینده دائم …); the title itself when it joins none."""
    words = title.split()
    cuts = [i for i in range(1, len(words) - 1) if words[i] == "و" and head_of(words[i + 1]) in TITLE_HEADS]
    if not cuts:
        return [title]
    bounds = [0, *cuts, len(words)]
    parts = [words[a + (a > 0):b] for a, b in itertools.pairwise(bounds)]
    return [title, *(" ".join(p) for p in parts if p)]


def related_titles(a: str, b: str) -> bool:
    """Whether two titles may be one person's: the same office, or the same head word
    with a complement in common (رئیس ستاد ملی کرونا, رئیس ستاد کرونا)."""
    if speaker_key(a) == speaker_key(b) or same_title(a, b):
        return True
    ka, kb = words_of(a), words_of(b)
    return bool(ka and kb and ka[0] == kb[0] and set(ka[1:]) & set(kb[1:]))


@functools.cache
def _offices() -> tuple[tuple[str, int], ...]:
    """Each name of an office as a key, with its group; longest first."""
    from storage.analysis.quotes.lexicon import OFFICE_NAMES

    names = [(speaker_key(name), group) for group, names in enumerate(OFFICE_NAMES) for name in names]
    return tuple(sorted(names, key=lambda item: len(item[0]), reverse=True))


def _office(title: str) -> tuple[int, str] | None:
    """The office group a title names, and what follows its name (ایران in رئیس‌جمهور ایران)."""
    key = speaker_key(title)
    for name, group in _offices():
        if key.startswith(name):
            return group, key[len(name):]
    return None


# -- matching a query to speakers ---------------------------------------------------


class Match(Enum):
    """How a query names a speaker, best first."""

    EXACT = 0  # the name or an alias
    SURNAME = 1  # the last words of the name
    START = 2  # the first whole words of a title (رئیس‌جمهور of رئیس‌جمهوری اسلامی ایران)
    WORDS = 3  # whole words inside the name or an alias (فرماندار, قدس)


def match(query: str, name: str, aliases: Iterable[str] = ()) -> Match | None:
    """Whether ``query`` names the speaker ``name`` (with ``aliases``), blind to ZWNJ,
    spacing and Arabic/Persian letters; a part of a word is no match (علی ≠ علیرضا)."""
    key = speaker_key(query)
    if not key:
        return None
    forms = [name, *aliases]
    if any(speaker_key(form) == key for form in forms):
        return Match.EXACT
    if is_surname(query, name):
        return Match.SURNAME
    if any(_starts(key, words_of(form)) for form in aliases):
        return Match.START
    for form in forms:
        words = words_of(form)
        runs = ("".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
        if key in runs:
            return Match.WORDS
    return None


def _starts(key: str, words: tuple[str, ...]) -> bool:
    """Whether ``key`` is the first whole words of ``words``, or those words with the
    adjectival ی (رئیس‌جمهور → رئیس جمهوری)."""
    head = ""
    for word in words:
        head += word
        if head in (key, key + "ی"):
            return True
        if len(head) >= len(key) + 1:
            return False
    return False
