"""Who a cue's sentence names: the noun phrase before the verb, as a ``Mention``.

The speaker is the noun phrase opening the cue's sentence, once the attribution
(``به گزارش X،``), discourse openers (``در ادامه،``), time, place and date adjuncts and
honorifics are set aside. It is a name, a title, a name with its title, an
organisation, or an anaphor (``وی``, ``این مقام مسئول``, or no subject at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from storage.text.letters import fold
from storage.text.sentences import ATTRIBUTION, fold_word, stopwords

# -- the words of a speaker's noun phrase -----------------------------------------


def _heads(words: str) -> frozenset[str]:
    """Each word's first folded word, as ``head`` compares them (``هم‌زمان`` → ``هم``)."""
    return frozenset(fold(w).split()[0] for w in words.split())


def _whole(words: str) -> frozenset[str]:
    """Each word folded whole (``حجت‌الاسلام`` → ``حجت الاسلام``)."""
    return frozenset(fold(w) for w in words.split())


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Fixed phrases, folded word by word, longest first; ``first`` lets most tokens skip."""

    phrases: tuple[tuple[str, ...], ...]
    first: frozenset[str]

    @classmethod
    def of(cls, *texts: str) -> _Phrases:
        phrases = sorted((tuple(fold(t).split()) for t in texts), key=len, reverse=True)
        return cls(tuple(phrases), frozenset(p[0] for p in phrases))


# Heads of a title: "the minister of …", "the spokesman of …", "the governor of …".
TITLE_HEADS = _heads(
    "رئیس ریاست رئیس‌جمهور رئیسه معاون وزیر سخنگو سخنگوی نماینده نمایندگان مدیر مدیرکل"
    " مدیرعامل دبیر دبیرکل فرماندار استاندار شهردار بخشدار دهیار فرمانده جانشین سفیر کاردار"
    " سرکنسول کنسول دادستان قاضی بازپرس وکیل عضو کارشناس مشاور مقام مسئول مسوول متولی"
    " سرپرست قائم‌مقام نایب امام رهبر نخست‌وزیر صدراعظم پادشاه ولیعهد شیخ مفتی پاپ سناتور"
    " نامزد کاندیدای منتخب کارگردان بازیگر تهیه‌کننده نویسنده سرمربی مربی کاپیتان بازیکن"
    " هافبک مهاجم دروازه‌بان پزشک متخصص فعال تحلیلگر پژوهشگر استاد مجری خواننده شاعر"
    " فرستاده رایزن دیپلمات مذاکره‌کننده فرزند همسر کنشگر اقتصاددان جامعه‌شناس حقوقدان"
    " روزنامه‌نگار خبرنگار"
)
# Offices that take a place: مقام عالی دولت در شهرستان قدس, سفیر ایران در عراق.
_LOCATED_HEADS = _heads("نماینده مقام سفیر کاردار سرکنسول کنسول رایزن فرستاده مسئول")
_PLACES = _heads(
    "مجلس شهرستان استان شهر کشور منطقه سازمان شورای دولت کمیسیون مجمع اتحادیه اروپا"
    " ایران عراق سوریه لبنان افغانستان پاکستان ترکیه روسیه چین هند ژاپن آمریکا انگلیس"
    " فرانسه آلمان ایتالیا عربستان امارات قطر کویت عمان بحرین یمن مصر اردن فلسطین"
    " آذربایجان ارمنستان ترکمنستان تاجیکستان ازبکستان قزاقستان ژنو وین نیویورک تهران"
)
# Heads of an organisation, which may speak too but is never a person.
ORG_HEADS = _heads(
    "وزارت سازمان ستاد شورای شورا دولت مجلس پلیس دادگاه دادستانی قوه سپاه ارتش بانک شرکت"
    " روابط اداره دانشگاه خبرگزاری روزنامه پایگاه شبکه کمیسیون فراکسیون حزب جبهه انجمن"
    " کانون اتحادیه فدراسیون باشگاه استانداری فرمانداری شهرداری دفتر مرکز بنیاد نهاد کاخ"
    " سفارت کنسولگری هیئت هیات اتاق دبیرخانه کمیته مجمع"
)
# Courtesy words before a name, not part of it (whole tokens: حجت alone is a name).
_HONORIFICS = _whole(
    "آقای خانم دکتر مهندس حجت‌الاسلام حجت‌الاسلام‌والمسلمین آیت‌الله سردار سرلشکر سرتیپ"
    " سرهنگ دریادار حضرت جناب سرکار"
)
_HONORIFIC_PHRASES = _Phrases.of(
    "حجت الاسلام و المسلمین", "حجت الاسلام والمسلمین", "حجت الاسلام", "آیت الله", "سرتیپ دوم",
)
# Words that end the subject: prepositions, time words, particles, clause openers.
_STOPS = _heads(
    "با به از در ضمن طی پس بعد قبل پیش روز امروز دیروز امشب دیشب صبح ظهر عصر شب شامگاه"
    " بامداد هم نیز همچنین هم‌چنین که را درباره برای تا چون اما ولی هنگام وقتی پیرامون یکی"
    " نسبت بر خطاب ضمنا ضمناً سپس همزمان هم‌زمان اکنون هم‌اکنون شنبه یکشنبه دوشنبه"
    " سه‌شنبه چهارشنبه پنجشنبه پنج‌شنبه جمعه بدون طبق براساس بنابر علاوه"
)
_TIME_WORDS = _heads(
    "امروز دیروز امشب دیشب روز صبح ظهر عصر شب شامگاه بامداد گذشته جاری هفته ماه سال"
    " شنبه یکشنبه دوشنبه سه‌شنبه چهارشنبه پنجشنبه پنج‌شنبه جمعه"
)
# A sentence that opens with these has an adjunct before its subject.
_ADJUNCT_OPENERS = _heads(
    "در با به پس بعد قبل پیش طی ضمن از همچنین هم‌چنین سپس اما ولی همزمان هم‌زمان علاوه"
    " درباره وقتی هنگامی زمانی اگر اگرچه چون"
)
_DISCOURSE = _heads("همچنین هم‌چنین سپس اما ولی و نیز بنابراین لذا ضمنا ضمناً")
# Openers that need no comma after them: در ادامه وزیر گفت, در پایان وی افزود.
_OPENING_PHRASES = _Phrases.of(
    "در ادامه", "در پایان", "در ابتدا", "در همین حال", "در همین راستا", "در این راستا",
    "در عین حال", "از سوی دیگر", "از طرف دیگر", "با این حال", "در این باره", "در این زمینه",
    "در این خصوص", "در این نشست", "در این جلسه", "در این دیدار", "در این مراسم",
)
# Words that cannot open a speaker's name.
_NOT_NAMES = _heads(
    "این آن آنها آنان همه برخی بسیاری گزارش اطلاعیه بیانیه متن نامه پیام خبر مردم منابع منبع"
    " یک یکی هر چه کسی کسانی ما من شما هیچ چندی"
)
_PLURALS = _heads("منابع مقامات مسئولان مسئولین افراد اعضا کارشناسان")
# ``همانطور که X گفت:`` – the subject follows the subordinator.
_SUBORDINATORS = _Phrases.of(
    "همانطور که", "همان طور که", "همانگونه که", "همان گونه که", "چنانکه", "چنان که",
)
_ANAPHORS = _Phrases.of(
    "این مقام مسئول", "این مقام مسوول", "این مقام ارشد", "این مقام", "این مسئول", "این مسوول",
    "وی", "او", "ایشان",
)
_TOKEN = re.compile(r"[،,؛«»]|[^\s،,؛«»]+")
_COMMAS = frozenset("،,؛")
_GUILLEMETS = frozenset("«»")
# Debris before a subject: a comma, or the » closing the sentence before.
_SKIPPED = frozenset("،,؛»")
MAX_NAME_WORDS = 5
_SHORT_ADJUNCT = 8  # tokens
MAX_TITLE_WORDS = 14


class Kind(Enum):
    ANAPHOR = "anaphor"
    NAME = "name"
    TITLE = "title"
    ORG = "org"


@dataclass(frozen=True, slots=True)
class Mention:
    """A speaker as one sentence names it: a name and/or a title, a pronoun, or an office."""

    kind: Kind
    name: str | None = None
    title: str | None = None


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


def head_of(word: str) -> str:
    """The first folded word: ``رئیس‌جمهور`` is headed by ``رییس``."""
    folded = fold_word(word)
    return folded.split(" ", 1)[0]


def _through_comma(tokens: list[str], within: int) -> list[str] | None:
    """What follows the first comma among the first ``within`` tokens, if there is one."""
    comma = next((i for i, t in enumerate(tokens[:within]) if t in _COMMAS), None)
    return None if comma is None else tokens[comma + 1:]


def _strip_openers(tokens: list[str]) -> list[str]:
    """Drop what comes before the subject: discourse and time words, a date, a subordinator
    and a leading adjunct. ``[]`` when nothing is left: the subject was dropped."""
    for _ in range(4):
        before = len(tokens)
        while tokens and (tokens[0] in _SKIPPED or head_of(tokens[0]) in _DISCOURSE | _TIME_WORDS):
            tokens = tokens[1:]
        if tokens and head_of(tokens[0]) in _ADJUNCT_OPENERS and not _anaphor_at(tokens):
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
    if (rest := _through_comma(tokens, _SHORT_ADJUNCT)) is not None:
        return rest
    if fixed := _starts_with(tokens, _OPENING_PHRASES):
        return tokens[fixed:]
    return _through_comma(tokens, len(tokens)) or []


def _anaphor_at(tokens: list[str]) -> int:
    """Length of the pronoun, ``این مقام مسئول`` or ``این`` + a noun (``این فعال سیاسی``)
    opening ``tokens``. ``این منابع``, ``این گزارش``, ``این شبکه`` and ``این در حالی است``
    are not."""
    if size := _starts_with(tokens, _ANAPHORS):
        return size
    if len(tokens) > 1 and head_of(tokens[0]) == "این":
        noun = head_of(tokens[1])
        if noun in TITLE_HEADS or not (noun in _NOT_NAMES or noun in _STOPS or noun in stopwords()
                                         or noun in ORG_HEADS or noun in _PLURALS
                                         or noun.endswith(("ها", "ان"))):
            return 2
    return 0


def _phrase(tokens: list[str]) -> tuple[list[str], int, int]:
    """The noun phrase opening ``tokens``: its words, the tokens it used (a closing comma
    too), and how many of its words a «…» set off at its start (a name: «کن فاستر» صاحب …).

    ``در`` ends the phrase unless the office is one held in a place (``نماینده … در مجلس``).
    """
    words: list[str] = []
    quoted = 0
    for i, token in enumerate(tokens):
        if token in _COMMAS:
            return words, i + 1, quoted
        if token in _GUILLEMETS:
            closes_opening = token != tokens[0] and tokens[0] in _GUILLEMETS
            if closes_opening and not quoted:
                quoted = len(words)
            continue
        head = head_of(token)
        located = (head == "در" and words and head_of(words[0]) in _LOCATED_HEADS
                   and i + 1 < len(tokens) and head_of(tokens[i + 1]) in _PLACES)
        if (head in _STOPS and not located) or len(words) > MAX_TITLE_WORDS:
            return words, i, quoted
        words.append(token)
    return words, len(tokens), quoted


def _strip_honorifics(words: list[str]) -> list[str]:
    size = _starts_with(words, _HONORIFIC_PHRASES) or (1 if fold_word(words[0]) in _HONORIFICS else 0)
    if size and len(words) > size:
        return _strip_honorifics(words[size:])
    return words


def classify(words: list[str], quoted: int = 0, explicit: bool = False) -> Mention | None:
    """What a subject phrase is: a title, an office, a name, or a name and its title.

    ``quoted`` words at the start were set off by «…», which only a name is (``explicit``).
    """
    if not words or len(words) > MAX_TITLE_WORDS:
        return None
    if quoted:
        return _quoted_name(words, quoted)
    words = _strip_honorifics(words)
    head = head_of(words[0])
    if head in TITLE_HEADS:
        return Mention(Kind.TITLE, title=" ".join(words))
    if head in ORG_HEADS:
        return Mention(Kind.ORG, name=" ".join(words))
    # NAME TITLE without a comma: علی مطهری نماینده مردم تهران (a name has two words at
    # least there: in جواد امام, امام is the surname).
    split = next((i for i, w in enumerate(words) if i > 1 and head_of(w) in TITLE_HEADS), len(words))
    name, title = words[:split], words[split:]
    if (head in _NOT_NAMES or (head in stopwords() and not explicit) or len(name) > MAX_NAME_WORDS
            or any(c.isdigit() for c in "".join(name)) or any(head_of(w) == "و" for w in name)):
        return None  # nobody in particular, a clause, a date, or several people
    return Mention(Kind.NAME, name=" ".join(name), title=" ".join(title) or None)


def _quoted_name(words: list[str], quoted: int) -> Mention | None:
    """``«کن فاستر» صاحب یک فروشگاه``: the name in «…», and a title if one follows."""
    name = classify(words[:quoted], explicit=True)
    if name is None or name.kind is not Kind.NAME:
        return name
    title = classify(words[quoted:])
    return Mention(Kind.NAME, name.name, title.title if title and title.kind is Kind.TITLE else None)


def subject(text: str) -> Mention | None:
    """The speaker named by the words before a cue (``text`` starts at the sentence start).

    A dropped subject (``در ادامه افزود:``) is an anaphor like ``وی``. ``None`` when the
    words are there but name nobody in particular (``یک مقام آمریکایی``, ``منابع``).
    """
    text = ATTRIBUTION.sub("", text, count=1)
    tokens = _strip_openers(_TOKEN.findall(text))
    if not tokens or _anaphor_at(tokens):
        return Mention(Kind.ANAPHOR)
    words, used, quoted = _phrase(tokens)
    mention = classify(words, quoted)
    if mention is None or used >= len(tokens) or tokens[used - 1] not in _COMMAS:
        return mention
    return _with_apposition(mention, tokens[used:])


def _with_apposition(mention: Mention, rest: list[str]) -> Mention:
    """``NAME، TITLE،`` or ``TITLE، NAME،``: the phrase after the comma completes the mention."""
    words, _, quoted = _phrase(rest)
    other = classify(words, quoted)
    if other is None:
        return mention
    if mention.kind is Kind.NAME and mention.title is None and other.kind is Kind.TITLE:
        return Mention(Kind.NAME, name=mention.name, title=other.title)
    if mention.kind is Kind.TITLE and other.kind is Kind.NAME and other.title is None:
        return Mention(Kind.NAME, name=other.name, title=mention.title)
    return mention
