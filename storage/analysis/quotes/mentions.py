"""Who a cue's sentence names: the noun phrase before the verb, as a ``Mention``.

The speaker is the noun phrase opening the cue's sentence, once the attribution
(``به گزارش X،``), discourse openers (``در ادامه،``), time, place and date adjuncts and
honorifics are set aside. It is a name, a title, a name with its title, an
organisation, or an anaphor (``وی``, ``این مقام مسئول``, or no subject at all).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from storage.analysis.quotes.clauses import before_object, before_predicate, verbish
from storage.analysis.quotes.glue import glued_honorific, glued_in, split_openers, unglued
from storage.analysis.quotes.lexicon import (
    ANONYMOUS_HEADS,
    COUNTRIES,
    HONORIFIC_PHRASES,
    HONORIFICS,
    LOCATED_HEADS,
    MEDIA,
    MEDIA_PHRASES,
    ORG_HEADS,
    PLACES,
    RELATIONAL_HEADS,
    SURNAME_ENDS,
    TITLE_HEADS,
    given_after_family,
    head_of,
    heads,
    is_common_given,
    is_common_word,
    is_family_name,
    is_frequent_word,
    is_given_name,
    is_inflected_word,
    known_word,
    lexicon_count,
    name_like,
    whole,
)
from storage.text.letters import fold
from storage.text.sentences import ATTRIBUTION, fold_word, stopwords

# -- the words of a speaker's noun phrase -----------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Fixed phrases, folded word by word, longest first; ``first`` lets most tokens skip."""

    phrases: tuple[tuple[str, ...], ...]
    first: frozenset[str]

    @classmethod
    def of(cls, *texts: str) -> _Phrases:
        phrases = sorted((tuple(fold(t).split()) for t in texts), key=len, reverse=True)
        return cls(tuple(phrases), frozenset(p[0] for p in phrases))


_HONORIFIC_PHRASES = _Phrases.of(*HONORIFIC_PHRASES)
_MEDIA_PHRASES = _Phrases.of(*MEDIA_PHRASES)
# Words that end the subject: prepositions, time words, particles, clause openers.
_STOPS = heads(
    "با به از در ضمن طی پس بعد قبل پیش روز امروز دیروز امشب دیشب صبح ظهر عصر شب شامگاه"
    " بامداد هم نیز همچنین هم‌چنین که را درباره برای تا چون اما ولی هنگام وقتی پیرامون یکی"
    " نسبت بر خطاب ضمنا ضمناً سپس همزمان هم‌زمان اکنون هم‌اکنون شنبه یکشنبه دوشنبه"
    " سه‌شنبه چهارشنبه پنجشنبه پنج‌شنبه جمعه بدون طبق براساس بنابر علاوه درخصوص درمورد علیرغم"
    " برخلاف دوباره مجددا مجدداً"
    " دربارهٔ دراین‌باره دراینباره دراین"  # glued: ``NAME دراین‌باره گفت:``
)
_ALSO = heads("نیز هم")
_WHOLE_STOPS = whole("علی‌رغم")  # its first part is a name (علی)
_TIME_WORDS = heads(
    "امروز دیروز امشب دیشب روز صبح ظهر عصر شب شامگاه بامداد گذشته جاری هفته ماه سال"
    " اوایل اواسط اواخر شنبه یکشنبه دوشنبه سه‌شنبه چهارشنبه پنجشنبه پنج‌شنبه جمعه"
)
# A sentence that opens with these has an adjunct before its subject.
_ADJUNCT_OPENERS = heads(
    "در با به پس بعد قبل پیش طی ضمن از همچنین هم‌چنین سپس اما ولی همزمان هم‌زمان علاوه"
    " درباره وقتی هنگامی زمانی اگر اگرچه چون"
)
_DISCOURSE = heads("همچنین هم‌چنین سپس اما ولی و نیز بنابراین لذا ضمنا ضمناً البته نهایتا نهایتاً"
                   " سرانجام بالاخره متعاقبا متعاقباً بازهم")
# Openers that need no comma after them: در ادامه وزیر گفت, در پایان وی افزود.
_OPENING_PHRASES = _Phrases.of(
    "در ادامه", "در پایان", "در ابتدا", "در همین حال", "در همین راستا", "در این راستا",
    "در عین حال", "از سوی دیگر", "از طرف دیگر", "با این حال", "در این باره", "در این زمینه",
    "در این خصوص", "در این نشست", "در این جلسه", "در این دیدار", "در این مراسم",
    *(f"در {when} {event}" for when in ("ابتدای", "پایان", "ادامه", "حاشیه", "جریان", "خلال")
      for event in ("جلسه", "نشست", "مراسم", "دیدار", "همایش", "این جلسه", "این نشست", "این مراسم",
                    "این دیدار", "این همایش", "جلسه دادگاه")),
)
# Openers that are a whole adjunct: what follows is the subject, whatever comma comes later.
_WHOLE_OPENERS = _Phrases.of(
    *(f"{when} از {this}" for when in ("پیش", "پس", "بعد", "قبل") for this in ("این", "آن")),
    "از سوی دیگر", "از طرف دیگر", "با این حال", "با این وجود", "در همین حال", "در عین حال",
)
# Words that cannot open a speaker's name.
_NOT_NAMES = heads(
    "این آن آنها آنان همه برخی بسیاری گزارش اطلاعیه بیانیه متن نامه پیام خبر مردم منابع منبع"
    " یک یکی هر چه کسی کسانی ما من شما هیچ چندی آقایان خانم‌ها"
    " کرونا کووید ویروس"  # news words hazm's lexicon is older than
)
_PLURALS = heads("منابع مقامات مسئولان مسئولین افراد اعضا کارشناسان")
# ``همانطور که X گفت:`` – the subject follows the subordinator.
_SUBORDINATORS = _Phrases.of(
    "همانطور که", "همان طور که", "همانگونه که", "همان گونه که", "چنانکه", "چنان که",
)
_ANAPHORS = _Phrases.of(
    "این مقام مسئول", "این مقام مسوول", "این مقام ارشد", "این مقام", "این مسئول", "این مسوول",
    "وی", "او", "ایشان",
)
# Straight quotation marks ("وی …) are set aside with the spaces.
_TOKEN = re.compile(r'[،,؛«»]|[^\s،,؛«»"]+')
COMMAS = frozenset("،,؛")
_GUILLEMETS = frozenset("«»")
# Debris before a subject: a comma, or the » closing the sentence before.
_SKIPPED = frozenset("،,؛»")
MAX_NAME_WORDS = 5
_SHORT_ADJUNCT = 8  # tokens
MAX_TITLE_WORDS = 14
_COUNTED = 100_000  # hazm's count of an everyday word (مدارک), not a rare name (کالین)
_EVERYDAY = 2_000_000  # … and of one that is surely a word


class Kind(Enum):
    ANAPHOR = "anaphor"
    NAME = "name"
    TITLE = "title"
    ORG = "org"
    ANONYMOUS = "anonymous"
    DOCUMENT = "document"  # در این بیانیه آمده است: whoever issued it


@dataclass(frozen=True, slots=True)
class Mention:
    """A speaker as one sentence names it: a name and/or a title, a pronoun, an office, a
    body, or an anonymous source (its words in ``name``).

    ``evidence``, for a name: ``STRONG`` when something says it is a person's (a given or
    family name, an honorific, «…», a title beside it); ``WEAK`` for a word no lexicon
    knows, likely a surname; ``NONE`` for an everyday word (``مدارک``), which only a name
    the article gives elsewhere makes a person.
    """

    kind: Kind
    name: str | None = None
    title: str | None = None
    evidence: int = 2
    also: bool = False  # X نیز گفت: someone besides the people before


STRONG, WEAK, NONE = 2, 1, 0


# -- the speaker's noun phrase ----------------------------------------------------


def _starts_with(tokens: list[str], phrases: _Phrases) -> int:
    """How many tokens the longest of ``phrases`` that opens ``tokens`` takes, else 0.
    Compared word by word: a token may fold to several (``حجت‌الاسلام``)."""
    if not tokens or head_of(tokens[0]) not in phrases.first:
        return 0
    folded: list[str] = []
    ends: dict[int, int] = {}
    for i, token in enumerate(tokens[:5]):
        folded += fold_word(token).split()
        ends[len(folded)] = i + 1
    for phrase in phrases.phrases:
        if tuple(folded[: len(phrase)]) == phrase and len(phrase) in ends:
            return ends[len(phrase)]
    return 0


def _through_comma(tokens: list[str], within: int) -> list[str] | None:
    """What follows the first comma among the first ``within`` tokens, if there is one."""
    comma = next((i for i, t in enumerate(tokens[:within]) if t in COMMAS), None)
    return None if comma is None else tokens[comma + 1:]


def _strip_openers(tokens: list[str]) -> list[str]:
    """Drop what comes before the subject: discourse and time words, a date, a subordinator
    and a leading adjunct. ``[]`` when nothing is left: the subject was dropped."""
    for _ in range(4):
        before = len(tokens)
        while tokens and (tokens[0] in _SKIPPED or head_of(tokens[0]) in _DISCOURSE | _TIME_WORDS
                          or not (any(c.isalnum() for c in tokens[0]) or tokens[0] in _GUILLEMETS)
                          or (tokens[0] == "«" and anaphor_at(tokens[1:]))):
            # a / or - left before a name; a « astray before وی (a name in «…» keeps it)
            tokens = tokens[1:]
        if tokens and head_of(tokens[0]) in _ADJUNCT_OPENERS and not anaphor_at(tokens):
            tokens = _without_adjunct(tokens)
        tokens = tokens[_starts_with(tokens, _SUBORDINATORS):]
        if tokens and tokens[0][0].isdigit():  # ۱۷ بهمن ۱۳۸۹، …
            tokens = _through_comma(tokens, _SHORT_ADJUNCT) or tokens
        if len(tokens) == before:
            break
    return tokens


def _without_adjunct(tokens: list[str]) -> list[str]:
    """``در ادامه این نشست، X`` → X (a short adjunct closed by a comma goes whole);
    ``در ادامه X`` → X (a fixed opener needs no comma); ``با اشاره به …، X`` → X; and
    ``در پاسخ به این سوال`` with no comma runs up to the verb: nothing is left."""
    if (whole_adjunct := _starts_with(tokens, _WHOLE_OPENERS)) and _names_next(tokens[whole_adjunct:]):
        return tokens[whole_adjunct:]  # پیش از این NAME، TITLE: the comma is the apposition's
    if (rest := _through_comma(tokens, _SHORT_ADJUNCT)) is not None:
        return rest
    if fixed := _starts_with(tokens, _OPENING_PHRASES):
        return tokens[fixed:]
    return _through_comma(tokens, len(tokens)) or []


def _names_next(tokens: list[str]) -> bool:
    """Whether ``tokens`` open with a speaker's first word (not ``سخنان`` of ``پس از این
    سخنان``): a name, a title, a body, an honorific or a pronoun."""
    if not tokens:
        return False
    first, head = tokens[0], head_of(tokens[0])
    return (is_given_name(first) or is_family_name(first) or head in _OFFICE_OR_BODY
            or fold_word(first) in HONORIFICS or bool(anaphor_at(tokens)))


def anaphor_at(tokens: list[str]) -> int:
    """Length of the pronoun, ``این مقام مسئول`` or ``این`` + a noun (``این فعال سیاسی``)
    opening ``tokens``. ``این منابع``, ``این گزارش``, ``این شبکه`` and ``این در حالی است``
    are not."""
    if size := _starts_with(tokens, _ANAPHORS):
        return size
    if len(tokens) > 1 and head_of(tokens[0]) == "این":
        noun = head_of(tokens[1])
        if _medium(tokens[1]):
            return 0  # این روزنامه, not این روزنامه‌نگار
        if noun in TITLE_HEADS or not (noun in _NOT_NAMES or noun in _STOPS or noun in stopwords()
                                         or noun in ORG_HEADS or noun in _PLURALS
                                         or noun.endswith(("ها", "ان"))):
            return 2
    return 0


_MEDIA_WORDS = heads("رسانه")


def _medium(token: str) -> bool:
    """A body's or a medium's own word (``روزنامه``, ``رسانه``), not a title it heads."""
    head = head_of(token)
    return head in _MEDIA_WORDS or (head in ORG_HEADS and fold_word(token) == head)


def noun_phrase(tokens: list[str]) -> tuple[list[str], int, int]:
    """The noun phrase opening ``tokens``: its words, the tokens it used (a closing comma
    too), and how many of its words a «…» set off at its start (a name: «کن فاستر» صاحب …).

    ``در`` ends the phrase unless the office is one held in a place (``نماینده … در مجلس``).
    """
    words: list[str] = []
    quoted = 0
    for i, token in enumerate(tokens):
        if token in COMMAS:
            if _listed_office(words, tokens[i + 1 :]):
                words[-1] += token  # وزیر بهداشت، درمان و آموزش پزشکی
                continue
            return words, i + 1, quoted
        if token in _GUILLEMETS:
            closes_opening = token != tokens[0] and tokens[0] in _GUILLEMETS
            if closes_opening and not quoted:
                quoted = len(words)
            continue
        head = head_of(token)
        located = (head == "در" and words and head_of(words[0]) in LOCATED_HEADS
                   and i + 1 < len(tokens) and head_of(tokens[i + 1]) in PLACES)
        # یک منبع نزدیک به سپاه: whom an anonymous source is close to is part of it.
        close_to = head == "به" and words and fold_word(words[-1]) == "نزدیک" and _anonymous(words)
        stop = ((head in _STOPS and not located and not close_to and not in_office_idiom(tokens, i))
                or fold_word(token) in _WHOLE_STOPS or glued_in(token))
        if stop or len(words) > MAX_TITLE_WORDS:
            return words, i, quoted
        words.append(token)
    return words, len(tokens), quoted


# Prepositions inside an office's name: ستاد امر به معروف و نهی از منکر.
_OFFICE_IDIOMS = frozenset({("امر", "به", "معروف"), ("نهی", "از", "منکر")})


def in_office_idiom(tokens: Sequence[str], i: int) -> bool:
    """Whether ``tokens[i]`` is the preposition of an idiom that names an office's field
    (``امر به معروف``), which does not end the phrase as a preposition would."""
    return 0 < i < len(tokens) - 1 and (
        fold_word(tokens[i - 1]), fold_word(tokens[i]), fold_word(tokens[i + 1])) in _OFFICE_IDIOMS


_OFFICE_OR_BODY = TITLE_HEADS | ORG_HEADS
_LISTED_TOKENS = 8  # three fields and their commas before the و


def _listed_office(words: list[str], after: list[str]) -> bool:
    """Whether a comma inside an office's or a body's name (after a name too: ``NAME مدیرکل
    میراث فرهنگی، گردشگری و صنایع‌دستی``, ``اتاق بازرگانی، صنایع، معادن و کشاورزی``) lists
    its fields: one or two everyday words between commas, then ``و``; not an apposition,
    which names a person or another office."""
    if not any(head_of(w) in _OFFICE_OR_BODY for w in words):
        return False
    conjunction = next((k for k, t in enumerate(after[:_LISTED_TOKENS]) if t == "و"), None)
    if not conjunction or len(after) == conjunction + 1:
        return False
    listed = after[:conjunction]
    fields = " ".join(listed).replace(" ، ", "،").replace(" , ", "،").split("،")
    if any(not 1 <= len(field.split()) <= 2 for field in fields):
        return False
    return all(t in COMMAS or (known_word(t) and not (head_of(t) in _OFFICE_OR_BODY or head_of(t) in _STOPS
                                                       or is_given_name(t) or is_family_name(t)))
               for t in listed)


def _strip_honorifics(words: list[str]) -> tuple[list[str], bool]:
    """The words without courtesy titles before the name, and whether there were any."""
    size = _starts_with(words, _HONORIFIC_PHRASES) or (1 if fold_word(words[0]) in HONORIFICS else 0)
    if size and len(words) > size:
        return _strip_honorifics(words[size:])[0], True
    glued = glued_honorific(words[0])
    if glued:
        return [glued, *words[1:]], True
    return words, False


def without_honorifics(text: str) -> str:
    """A name as speakers are stored, without the courtesy titles before it
    (``آیت‌الله سیستانی`` → ``سیستانی``); ``text`` itself when nothing else is left."""
    words = text.split()
    return " ".join(_strip_honorifics(words)[0]) if words else text


def _name_words(words: list[str], given: bool) -> list[str]:
    """The words of a name at the start of ``words``, up to the first that cannot be part
    of one (``اسمعیل‌پور ارتفاع برف`` → ``اسمعیل‌پور``); a given name may be any word."""
    name: list[str] = []
    for i, word in enumerate(words[:MAX_NAME_WORDS]):
        after = words[i + 1] if i + 1 < len(words) else None
        # A word before the last of a name (مجید تخت روانچی): a listed surname after it, or
        # a word no lexicon knows closing a three-word name.
        closing = (i == 1 and len(words) == 3 and after is not None
                   and name_like(after) and not known_word(after))
        before_surname = (after is not None and fold_word(word) not in stopwords()
                          and (is_family_name(after) or closing))
        surname_next = (before_surname and word.isalpha()
                        and (i > 0 or is_family_name(after or "")))
        if not (name_like(word) or (i == 0 and given) or surname_next):
            break
        if i == 1 and given_after_family(name[0], word) and not before_surname:
            break  # پناهیان انصاف در سیاست …: a name has its given name first
        name.append(word)
    return name


# Places named for a person: the name after them is the place's, not the speaker's.
_NAMED_FOR = heads(
    "دانشگاه دانشکده پژوهشگاه پژوهشکده بیمارستان درمانگاه مدرسه دبیرستان هنرستان آموزشگاه"
    " حوزه مسجد حسینیه ورزشگاه فرودگاه بندر پالایشگاه نیروگاه میدان خیابان بزرگراه بلوار"
    " پارک مجتمع شهرک سد ناو"
)


def _trailing_name(words: list[str]) -> int | None:
    """Where a name given after its title starts (``رئیس‌جمهور حسن روحانی``), if one does:
    a given name followed by one to three name words closing the phrase."""
    for j in range(1, len(words) - 1):
        rest = words[j:]
        if head_of(words[j - 1]) in _NAMED_FOR:
            continue  # دانشگاه بوعلی سینا, بیمارستان امام رضا: a place named for someone
        if (is_given_name(rest[0]) and len(rest) <= 4 and len(_name_words(rest, True)) == len(rest)
                and (is_family_name(rest[-1]) or not known_word(rest[-1]))):
            return j
    return None


def _anonymous(words: list[str]) -> bool:
    return fold_word(words[0]) in ANONYMOUS_HEADS


# Words no office's name holds: where a title ran on into what the sentence says
# (سخنگوی وزارت بهداشت آخرین آمار … را اعلام کرد, رئیس‌جمهور اقدامات انجام‌شده را …).
_RUN_ON = heads("آخرین اولین نخستین تازه‌ترین جدیدترین بسیار لزوم ضرورت تسریع خواستار گزارش آمار"
                " اقدامات نرخ ویروس")
_RUN_ON_ENDS = (" شده", " گرفته", "شده")  # participles: انجام‌شده, انجام‌گرفته
_NUMBERED = heads("اصل ماده بند شعبه منطقه ناحیه دوره مجلس تیپ لشکر گردان هنگ ناوگروه قرارگاه پایگاه"
                 " کلانتری پاسگاه")


def _office_words(words: list[str]) -> list[str]:
    """The title's (or body's) words up to the first that cannot be part of its name: a
    number is none either (بانک مرکزی نرخ ۴۷ ارز را …)."""
    for i, word in enumerate(words[1:], 1):
        folded = fold_word(word)
        numbered = head_of(words[i - 1]) in _NUMBERED  # کمیسیون اصل ۹۰, شعبه ۱۵, منطقه ۱۷
        if (head_of(word) in _RUN_ON or (folded.endswith(_RUN_ON_ENDS) and len(folded) > 5)
                or (any(c.isdigit() for c in word) and not numbered)):
            return words[:i]
    return words


def _body(words: list[str]) -> bool:
    """An organisation, a government by its country, or a medium."""
    first = fold_word(words[0])
    return (head_of(words[0]) in ORG_HEADS or first in MEDIA or bool(_starts_with(words, _MEDIA_PHRASES))
            or (len(words) <= 2 and first in COUNTRIES))


def classify(words: list[str], quoted: int = 0, explicit: bool = False) -> Mention | None:
    """What a subject phrase is: a title, a body, a name, a name and its title, or an
    anonymous source. ``quoted`` words at the start were set off by «…», which only a name is
    (``explicit``)."""
    while words and head_of(words[-1]) == "و":  # … پاسخ منفی داد و [گفت]: a clause joined
        words = words[:-1]
    if not words or len(words) > MAX_TITLE_WORDS:
        return None
    if quoted:
        return _quoted_name(words, quoted)
    if _anonymous(words):
        return Mention(Kind.ANONYMOUS, name=" ".join(_office_words(words)))
    words, honoured = _strip_honorifics(words)
    head = head_of(words[0])
    # روزنامه heads a title only as the first part of روزنامه‌نگار; قاضی‌زاده is a surname.
    org_word = _medium(words[0])
    surname = fold_word(words[0]).endswith(SURNAME_ENDS)
    if head in TITLE_HEADS and not (honoured and len(words) == 1) and not (org_word or surname):
        words = _office_words(words)
        at = _trailing_name(words)
        if at is not None and not (at == 1 and head in RELATIONAL_HEADS):
            return Mention(Kind.NAME, name=" ".join(words[at:]), title=" ".join(words[:at]))
        return Mention(Kind.TITLE, title=" ".join(words))
    if _body(words):
        return Mention(Kind.ORG, name=" ".join(_office_words(words)))
    given = is_given_name(words[0])
    # NAME TITLE without a comma: علی مطهری نماینده مردم تهران (after a given name the
    # name has two words at least: in جواد امام, امام is the surname).
    split = next((i for i, w in enumerate(words) if i > int(given) and head_of(w) in TITLE_HEADS), len(words))
    if (head in _NOT_NAMES or (head in stopwords() and not explicit)
            or any(head_of(w) == "و" for w in words[:split])):
        return None  # nobody in particular, a clause, or several people
    name = _name_words(words[:split], given or honoured or explicit)
    if not name or (len(name) < split and split < len(words)):
        return None  # a name cut short before its title is no name: a clause
    plural = any(fold_word(w).endswith(_PLURAL_ENDS) for w in name)
    if plural and not (given or honoured or explicit or split < len(words)):
        return None  # راهکار‌هایی, ترکش‌های: plural nouns, nobody's name
    title = " ".join(words[split:]) if len(name) == split else ""
    alone = len(name) == 1 and not (honoured or explicit or title)
    only_given = given and (is_common_given(name[0]) or not is_family_name(name[0]))
    if alone and (only_given or is_inflected_word(name[0]) or _everyday(name[0])):
        # روشی, پیامی, اعتماد: a noun, though listed as a surname; جواد, محمد: a given name
        # alone is someone the article names in full elsewhere, or nobody to look up.
        evidence = NONE
    elif (len(name) > 1 and not (given or honoured or explicit or title) and is_common_word(name[0], _COUNTED)
          and (all(known_word(w) for w in name[1:])
               or (is_frequent_word(name[0]) and not is_family_name(name[0])))):
        # ممنوعیت قانونی, احتمال پیروزی اصولگرایان: everyday words, though a later one is
        # listed as a surname; a compound surname that opens with one (شاه محمدی) is found
        # by its full name in the article.
        evidence = NONE
    elif given or honoured or explicit or title or any(is_family_name(w) for w in name):
        evidence = STRONG
    else:
        # A word the phrase was cut after (ارزیابی مثبتی …) must be a name; a phrase that
        # is one word is an everyday one only when hazm counts it often.
        if len(name) == 1:
            common = is_common_word(name[0], 0 if split > 1 else _COUNTED)
        else:
            common = is_common_word(name[0]) and is_common_word(name[1])
        evidence = NONE if common else WEAK
    return Mention(Kind.NAME, name=" ".join(name), title=title or None, evidence=evidence)


# A plural written apart from its noun (fold_word makes the ZWNJ a space).
_PLURAL_ENDS = (" ها", " های", " هایی", " هایش", " هایشان")


def _everyday(word: str) -> bool:
    """A word hazm counts very often, or lists without a count (پست), that no name list
    has: alone before a cue it is a word, not a surname."""
    return is_common_word(word, _EVERYDAY) or (is_common_word(word) and lexicon_count(word) == 0)


def _quoted_name(words: list[str], quoted: int) -> Mention | None:
    """``«کن فاستر» صاحب یک فروشگاه``: the whole name in «…» (چانگ هوا), and a title after."""
    name = classify(words[:quoted], explicit=True)
    if name is None or name.kind is not Kind.NAME or not name.name:
        return name
    at = words.index(first) if (first := name.name.split()[0]) in words[:quoted] else quoted
    foreign = at < quoted <= at + MAX_NAME_WORDS and not known_word(first)  # not «چریک پیر»
    whole = " ".join(words[at:quoted]) if foreign else name.name
    title = classify(words[quoted:])
    return Mention(Kind.NAME, whole, title.title if title and title.kind is Kind.TITLE else None)


def tokens_of(text: str) -> list[str]:
    return _TOKEN.findall(text)


def listed_tail(words: list[str], after: list[str]) -> int | None:
    """Where in ``after`` (past its first comma) the comma closing a name's listed fields is
    (``اداره کل میراث فرهنگی، گردشگری و صنایع دستی استان یزد،``), else ``None``."""
    if not _listed_office(words, after):
        return None
    conjunction = after.index("و")
    ends = range(conjunction, min(len(after), conjunction + _LIST_TAIL))
    return next((i for i in ends if after[i] in COMMAS), None)


_LIST_TAIL = 8  # the last field and the body's place after the و: صنایع دستی استان یزد


def speaker_tokens(text: str) -> list[str]:
    """The tokens of ``text`` from where its subject starts: a heading glued before it and
    the openers before it set aside."""
    return _strip_openers(unglued(split_openers(tokens_of(text))))


def subject(text: str) -> Mention | None:
    """The speaker named by the words before a cue (``text`` starts at the sentence start).

    A dropped subject (``در ادامه افزود:``) is an anaphor like ``وی``. ``None`` when the
    words are there but name nobody in particular (``کاربران``, a clause).
    """
    text = ATTRIBUTION.sub("", text, count=1)
    tokens = speaker_tokens(text)
    if not tokens or anaphor_at(tokens):
        return Mention(Kind.ANAPHOR)
    if len(tokens) > 1 and head_of(tokens[0]) == "این" and _medium(tokens[1]):
        return Mention(Kind.DOCUMENT)  # این روزنامه آمریکایی نوشت: the body just named
    if (after := _next_clause(tokens)) is not None:
        return after
    if fold_word(tokens[0]) == "یکی" and len(tokens) > 2 and tokens[1] == "از":
        words, _, _ = noun_phrase(tokens[2:])
        if not words:
            return None
        return Mention(Kind.ANONYMOUS, name=" ".join(["یکی", "از", *words[:MAX_NAME_WORDS]]))
    words, used, quoted = noun_phrase(tokens)
    if used < len(tokens) and head_of(tokens[used]) == "را":
        words = before_object(words)
    elif used < len(tokens) and head_of(tokens[used]) == "که":
        words = before_predicate(words) or words  # X تاکید کرد که … و گفت: a clause reported first
    mention = classify(words, quoted)
    if (mention is None and used == len(tokens) and len(tokens) > 1 and not known_word(tokens[-1])
            and not text.rstrip().endswith(("؟", "?"))):  # a question asked: see ``events``
        # A heading with no stop after it, the speaker's surname written onto its last
        # word (…شهرداریربیعی ادامه داد:): the article's people may hold the surname.
        return Mention(Kind.NAME, name=tokens[-1], evidence=NONE)
    if mention is not None and used < len(tokens) and tokens[used - 1] in COMMAS:
        mention = with_apposition(mention, tokens[used:])
    if mention is not None and used < len(tokens) and head_of(tokens[used]) in _ALSO:
        mention = dataclasses.replace(mention, also=True)
    return mention


def _next_clause(tokens: list[str]) -> Mention | None:
    """The subject of the last clause, when a clause with its own verb comes first (``…
    در جایگاه قرار گرفت و نماینده دادستان درباره او گفت:``) and this one names someone by
    title or by a name with evidence: a dropped subject (``… حضور یافت و افزود:``) is the
    first clause's."""
    for i in range(len(tokens) - 2, 0, -1):
        if tokens[i] == "و" and verbish(tokens[i - 1]):
            mention = subject(" ".join(tokens[i + 1:]))
            if mention is not None and mention.kind in (Kind.TITLE, Kind.NAME) and mention.evidence == STRONG:
                return mention
            return None
    return None


def with_apposition(mention: Mention, rest: list[str]) -> Mention:
    """``NAME، TITLE،`` or ``TITLE، NAME،``: the phrase after the comma completes the mention."""
    words, _, quoted = noun_phrase(rest)
    other = classify(words, quoted)
    if other is None:
        return mention
    if mention.kind is Kind.NAME and mention.title is None and other.kind is Kind.TITLE:
        return Mention(Kind.NAME, name=mention.name, title=other.title)
    if mention.kind is Kind.TITLE and other.kind is Kind.NAME and other.title is None:
        return Mention(Kind.NAME, name=other.name, title=mention.title)
    return mention
