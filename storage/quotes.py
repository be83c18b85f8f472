"""Quotes and who said them, in a normalized article: pure functions over strings.

A quote is cued by a reporting verb before a colon (``گفت:``, ``تصریح کرد:``, ``ادامه
داد:`` …) or before a «…» quotation. It runs to the end of its paragraph, to its
closing », or to the sentence where the next cue takes over. A colon after anything
else (``به شرح زیر اعلام می‌شود:``, ``عبارت است از:``) is not a quote; nor is reported
speech (``گفت که …``), which still names a speaker for a later ``وی``.

The speaker is the noun phrase opening the cue's sentence, once the attribution
(``به گزارش X،``), discourse openers (``در ادامه،``), time, place and date adjuncts and
honorifics are set aside. Press statements name one person many ways, so mentions are
resolved in article order: ``وی``/``این مقام مسئول`` (or no subject at all) is the most
recent speaker; a surname is the full name given before it; ``NAME، TITLE،`` ties a title
to a name. A title never tied to a name is the named person holding it, else the one
person the article names, else the person named right after it (the lede gives the title,
the next sentence the name); the kicker likewise. A cue with nobody to resolve to (an
unsigned announcement) yields no quote.

Names, titles and queries compare by ``speaker_key``: folded, blind to spacing and ZWNJ.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from storage.models import Quote, Speaker
from storage.sentences import ATTRIBUTION, fold_word, sentence_ends, stopwords
from storage.text import ZWNJ, fold

# -- reporting verbs --------------------------------------------------------------

# Simple verbs as (past stem, present stem).
_SIMPLE_VERBS = (("گفت", "گوی"), ("افزود", "افزای"), ("نوشت", "نویس"), ("پرسید", "پرس"),
                 ("فرمود", "فرمای"))
# Compound verbs: what goes before each light verb. Passive forms (اعلام شد, گفته
# می‌شود) have no speaker and are left out on purpose.
_PREVERBS = {
    ("کرد", "کن"): "تصریح اظهار تاکید تأکید خاطرنشان اعلام بیان عنوان اضافه اشاره تشریح ادعا اذعان"
                   " ابراز اعتراف یادآوری توصیه پیشنهاد گلایه انتقاد مطرح درخواست تقاضا",
    ("نمود", "نمای"): "تصریح اظهار تاکید تأکید خاطرنشان اعلام بیان عنوان اضافه اشاره تشریح ادعا"
                     " اذعان ابراز یادآوری",
    ("داشت", "دار"): "اظهار بیان ابراز اذعان اعلام عنوان",
    ("داد", "ده"): "ادامه توضیح پاسخ هشدار خبر شرح جواب گزارش",
    ("شد", "شو"): "یادآور متذکر مدعی خاطرنشان خواستار",
    ("ساخت", "ساز"): "خاطرنشان متذکر خاطر‌نشان",
}
# Two-word preverbs: ابراز امیدواری کرد, اظهار تاسف کرد …
_FEELINGS = "امیدواری تاسف تأسف نگرانی خرسندی خوشحالی"


def _inflections(past: str, present: str) -> list[str]:
    """Third-person forms a reporter uses: past, perfect, pluperfect and present."""
    forms = [past, past + "ند", f"{past}ه", f"{past}ه است", f"{past}ه‌است", f"{past}ه‌اند",
             f"{past}ه اند", f"{past}ه بود", f"{past}ه بودند"]
    for prefix in ("می‌", "می ", "می"):
        forms += [f"{prefix}{present}د", f"{prefix}{present}ند"]
    return forms


def _alternatives(forms: Iterable[str]) -> str:
    """A regex alternation of literal forms, longest first (گفته است before گفت), any
    space between words matching any run of spaces."""
    ordered = sorted(set(forms), key=len, reverse=True)
    return "|".join(re.escape(f).replace("\\ ", " ").replace(" ", r"\s+") for f in ordered)


_OTHER_FORMS = ("معتقد است", "معتقد هستند", "معتقد بود", "اظهارداشت", "اظهارکرد", "یادآورشد")


def _verb_pattern() -> str:
    forms = [f for past, present in _SIMPLE_VERBS for f in _inflections(past, present)]
    forms += _OTHER_FORMS
    compounds = []
    for (past, present), preverbs in _PREVERBS.items():
        words = preverbs.split()
        if past in ("کرد", "داشت"):
            words += [f"{w} {f}" for w in ("ابراز", "اظهار") for f in _FEELINGS.split()]
        light = _alternatives(_inflections(past, present))
        compounds.append(f"(?:{_alternatives(words)})[\\s{ZWNJ}]?(?:{light})")
    return "|".join([*compounds, _alternatives(forms)])


# A cue is a verb before a colon or a «quotation» (``گفت که «…»`` too); ``گفت که …``
# without quotation marks is reported speech: no quote, but it names a speaker for a
# later ``وی``. Scanning a paragraph for the verbs is slow, so the scan looks for what
# must follow them and then for a verb just before.
# (Each branch starts with a literal, which lets the scan skip ahead; ``که`` counts only
# after a letter a verb ends in.)
_TRIGGER = re.compile(rf"[:：«]|که(?<=[تده] که)(?![\w{ZWNJ}])")


def _last_words() -> tuple[str, ...]:
    """The words reporting verb forms end with (گفت, کرد, است …), and ``که``: the word
    before a cue ends with one of them (``تاکیدکرد`` too, written without a space)."""
    verbs = [*_SIMPLE_VERBS, *_PREVERBS]
    forms = [f for past, present in verbs for f in _inflections(past, present)] + list(_OTHER_FORMS)
    return tuple({f.replace(ZWNJ, " ").split()[-1] for f in forms} | {"که"})


_LAST_WORDS = _last_words()
_VERB_BEFORE = re.compile(rf"(?<![\w{ZWNJ}])(?:{_verb_pattern()})\s*(?P<ke>که\s*)?$")
_LOOKBEHIND = 60

# -- the words of a speaker's noun phrase -----------------------------------------


def _heads(words: str) -> frozenset[str]:
    """Each word's first folded word, as ``_head`` compares them (``هم‌زمان`` → ``هم``)."""
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
_TITLE_HEADS = _heads(
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
_ORG_HEADS = _heads(
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


# -- finding cues and quotes ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cue:
    paragraph: int
    start: int  # of the verb
    end: int  # past the colon, or at the «
    indirect: bool


def _cues(paragraph: str, index: int) -> list[_Cue]:
    cues: list[_Cue] = []
    for trigger in _TRIGGER.finditer(paragraph):
        at = trigger.start()
        window = max(0, at - _LOOKBEHIND)
        last = paragraph[window:at].rsplit(None, 1)
        if not last or not last[-1].endswith(_LAST_WORDS):
            continue  # a cheap test before the verb search, which is slow
        verb = _VERB_BEFORE.search(paragraph, window, at)
        if verb is None or (verb.group("ke") and trigger.group() != "«"):
            continue
        start = verb.start()
        if cues and cues[-1].start == start:  # گفت که «…»: the quotation, not reported speech
            cues.pop()
        if _inside_quotation(paragraph, start) or (cues and start < cues[-1].end):
            continue
        indirect = trigger.group() == "که"
        cues.append(_Cue(index, start, at if trigger.group() == "«" else trigger.end(), indirect))
    return cues


def _inside_quotation(text: str, at: int) -> bool:
    """A cue inside someone's «…» is part of their words, not the reporter's."""
    return text.count("«", 0, at) > text.count("»", 0, at) and "»" in text[at:]


def _sentence_start(paragraph: str, at: int, ends: tuple[int, ...]) -> int:
    return max((e for e in ends if e <= at), default=0)


def _closing_quote(text: str, start: int) -> int | None:
    """Index of the » that closes the « at ``start``, counting nested pairs."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "«":
            depth += 1
        elif text[i] == "»":
            depth -= 1
            if depth == 0:
                return i
    return None


def _quote_text(paragraph: str, cue: _Cue, stop: int) -> str:
    """From the cue to its closing », else to ``stop`` (the paragraph's end or the next cue's
    sentence)."""
    rest = paragraph[cue.end:stop]
    lead = len(rest) - len(rest.lstrip())
    if rest[lead:lead + 1] == "«":
        close = _closing_quote(paragraph, cue.end + lead)
        if close is not None and close < len(paragraph):
            return paragraph[cue.end + lead + 1 : close].strip()
        rest = rest[lead + 1:]
    return rest.strip()


# -- the speaker's noun phrase ----------------------------------------------------


def _starts_with(tokens: list[str], phrases: _Phrases) -> int:
    """How many tokens the longest of ``phrases`` that opens ``tokens`` takes, else 0.
    Compared word by word: a token may fold to several (``حجت‌الاسلام``)."""
    if not tokens or _head(tokens[0]) not in phrases.first:
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


def _head(word: str) -> str:
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
        while tokens and (tokens[0] in _SKIPPED or _head(tokens[0]) in _DISCOURSE | _TIME_WORDS):
            tokens = tokens[1:]
        if tokens and _head(tokens[0]) in _ADJUNCT_OPENERS and not _anaphor_at(tokens):
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
    if len(tokens) > 1 and _head(tokens[0]) == "این":
        noun = _head(tokens[1])
        if noun in _TITLE_HEADS or not (noun in _NOT_NAMES or noun in _STOPS or noun in stopwords()
                                         or noun in _ORG_HEADS or noun in _PLURALS
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
        head = _head(token)
        located = (head == "در" and words and _head(words[0]) in _LOCATED_HEADS
                   and i + 1 < len(tokens) and _head(tokens[i + 1]) in _PLACES)
        if (head in _STOPS and not located) or len(words) > MAX_TITLE_WORDS:
            return words, i, quoted
        words.append(token)
    return words, len(tokens), quoted


def _strip_honorifics(words: list[str]) -> list[str]:
    size = _starts_with(words, _HONORIFIC_PHRASES) or (1 if fold_word(words[0]) in _HONORIFICS else 0)
    if size and len(words) > size:
        return _strip_honorifics(words[size:])
    return words


def _classify(words: list[str], quoted: int = 0, explicit: bool = False) -> Mention | None:
    """What a subject phrase is: a title, an office, a name, or a name and its title.

    ``quoted`` words at the start were set off by «…», which only a name is (``explicit``).
    """
    if not words or len(words) > MAX_TITLE_WORDS:
        return None
    if quoted:
        return _quoted_name(words, quoted)
    words = _strip_honorifics(words)
    head = _head(words[0])
    if head in _TITLE_HEADS:
        return Mention(Kind.TITLE, title=" ".join(words))
    if head in _ORG_HEADS:
        return Mention(Kind.ORG, name=" ".join(words))
    # NAME TITLE without a comma: علی مطهری نماینده مردم تهران (a name has two words at
    # least there: in جواد امام, امام is the surname).
    split = next((i for i, w in enumerate(words) if i > 1 and _head(w) in _TITLE_HEADS), len(words))
    name, title = words[:split], words[split:]
    if (head in _NOT_NAMES or (head in stopwords() and not explicit) or len(name) > MAX_NAME_WORDS
            or any(c.isdigit() for c in "".join(name)) or any(_head(w) == "و" for w in name)):
        return None  # nobody in particular, a clause, a date, or several people
    return Mention(Kind.NAME, name=" ".join(name), title=" ".join(title) or None)


def _quoted_name(words: list[str], quoted: int) -> Mention | None:
    """``«کن فاستر» صاحب یک فروشگاه``: the name in «…», and a title if one follows."""
    name = _classify(words[:quoted], explicit=True)
    if name is None or name.kind is not Kind.NAME:
        return name
    title = _classify(words[quoted:])
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
    mention = _classify(words, quoted)
    if mention is None or used >= len(tokens) or tokens[used - 1] not in _COMMAS:
        return mention
    return _with_apposition(mention, tokens[used:])


def _with_apposition(mention: Mention, rest: list[str]) -> Mention:
    """``NAME، TITLE،`` or ``TITLE، NAME،``: the phrase after the comma completes the mention."""
    words, _, quoted = _phrase(rest)
    other = _classify(words, quoted)
    if other is None:
        return mention
    if mention.kind is Kind.NAME and mention.title is None and other.kind is Kind.TITLE:
        return Mention(Kind.NAME, name=mention.name, title=other.title)
    if mention.kind is Kind.TITLE and other.kind is Kind.NAME and other.title is None:
        return Mention(Kind.NAME, name=other.name, title=mention.title)
    return mention


# -- resolving mentions to people ---------------------------------------------------


@functools.lru_cache(maxsize=8192)
def speaker_key(text: str) -> str:
    """Identity of a name or title, in an article and across them: folded and blind to
    spacing and ZWNJ (حداد عادل is حدادعادل, ي is ی)."""
    return fold(text).replace(" ", "")


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


@dataclass(slots=True)
class _Entity:
    """One person (or office, or organisation) as resolution learns about it."""

    kind: Kind
    name: str | None = None
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    into: _Entity | None = None  # merged into this one

    def root(self) -> _Entity:
        entity = self
        while entity.into is not None:
            entity = entity.into
        return entity

    @property
    def label(self) -> str:
        return self.name or self.titles[0]

    def called(self, name: str) -> bool:
        """Whether ``name`` is this person's name or surname."""
        return self.name is not None and (speaker_key(self.name) == speaker_key(name)
                                          or _is_surname(name, self.name))

    def holds(self, title: str) -> bool:
        return any(speaker_key(t) == speaker_key(title) or _same_title(t, title) for t in self.titles)

    def ends(self, title: str) -> bool:
        """Whether ``title`` ends with this person's name or a surname the article gave
        (``رئیس‌جمهور حسن روحانی``: a title and a name with no comma between)."""
        if self.name is None:
            return False
        names = {speaker_key(self.name)} | {speaker_key(a) for a in self.aliases if _is_surname(a, self.name)}
        words = _words(title)
        return any("".join(words[-k:]) in names for k in range(1, min(len(words), 4)))

    def add_alias(self, alias: str | None) -> None:
        known = {speaker_key(a) for a in self.aliases}
        if alias and speaker_key(alias) not in known and speaker_key(alias) != speaker_key(self.label):
            self.aliases.append(alias)

    def add_title(self, title: str | None) -> None:
        if title and not any(speaker_key(t) == speaker_key(title) for t in self.titles):
            self.titles.append(title)
        self.add_alias(title)


def _is_surname(short: str, full: str) -> bool:
    """``گلی کانی`` of ``وحید گلی کانی``: the last words of a longer name."""
    key, words = speaker_key(short), _words(full)
    return any("".join(words[-k:]) == key for k in range(1, len(words)))


def _same_title(a: str, b: str) -> bool:
    """Two wordings of one office: same head, and the shorter's words all in the longer."""
    ka, kb = _words(a), _words(b)
    if not ka or not kb or ka[0] != kb[0]:
        return False
    short, long = sorted((ka, kb), key=len)
    return set(short) <= set(long) and len(short) >= 2


class _Resolver:
    """Resolves mentions in article order to entities, then merges what the article ties."""

    def __init__(self) -> None:
        self.entities: list[_Entity] = []
        self.last: _Entity | None = None
        # Each mention's entity, and whether the mention introduced it.
        self.mentions: list[tuple[_Entity, bool]] = []

    def resolve(self, mention: Mention | None) -> _Entity | None:
        if mention is None:
            return None
        if mention.kind is Kind.ANAPHOR:
            return self.last.root() if self.last else None
        if mention.kind is Kind.TITLE and self._named(mention.title or ""):
            # ``امام گفت:`` after ``جواد امام``: a surname that reads as a title.
            mention = Mention(Kind.NAME, name=mention.title)
        known = len(self.entities)
        if mention.kind is Kind.NAME:
            entity = self._person(mention.name or "")
        elif mention.kind is Kind.ORG:
            entity = self._org(mention.name or "")
        else:
            entity = self._office(mention.title or "")
        entity.add_title(mention.title)
        self.mentions.append((entity, len(self.entities) > known))
        if entity.kind is not Kind.ORG:  # وی and این مقام are people, not the paper cited
            self.last = entity
        return entity

    def _people(self) -> list[_Entity]:
        return [e for e in self.entities if e.into is None and e.kind is not Kind.ORG]

    def _named(self, name: str) -> _Entity | None:
        return next((e for e in self._people() if e.called(name)), None)

    def _new(self, entity: _Entity) -> _Entity:
        self.entities.append(entity)
        return entity

    def _person(self, name: str) -> _Entity:
        if entity := self._named(name):
            entity.add_alias(name)
            return entity
        for entity in self._people():
            if entity.name and _is_surname(entity.name, name):  # met by surname first
                entity.name, surname = name, entity.name
                entity.add_alias(surname)
                return entity
        return self._new(_Entity(Kind.NAME, name=name))

    def _org(self, name: str) -> _Entity:
        for entity in self.entities:
            if entity.kind is Kind.ORG and speaker_key(entity.label) == speaker_key(name):
                return entity
        return self._new(_Entity(Kind.ORG, name=name))

    def _office(self, title: str) -> _Entity:
        exact = [e for e in self._people() if any(speaker_key(t) == speaker_key(title) for t in e.titles)]
        similar = [e for e in self._people() if e.holds(title) or e.ends(title)]
        return (exact or similar or [self._new(_Entity(Kind.TITLE))])[0]

    def _owner(self, titles: list[str]) -> _Entity | None:
        """The named person holding one of ``titles`` or named at their end, or the only
        named person there is."""
        named = [e for e in self._people() if e.name is not None]
        holder = next((p for p in named if any(p.holds(t) or p.ends(t) for t in titles)), None)
        return holder or (named[0] if len(named) == 1 else None)

    def _named_next(self, entity: _Entity) -> _Entity | None:
        """The person named for the first time by the mention right after the one that
        introduced ``entity``: news gives the title in the lede, the name in the next
        sentence. (Not the other way round: a roundup names one person, then quotes
        another office.)"""
        first = next(i for i, (e, new) in enumerate(self.mentions) if new and e is entity)
        if first + 1 < len(self.mentions):
            other, new = self.mentions[first + 1]
            if new and other.name is not None and other.kind is Kind.NAME:
                return other
        return None

    def bind_titles(self) -> None:
        """An office mentioned without a name is the named person who holds it (apposition
        elsewhere), the one person the article names, or the person named right after it."""
        for entity in self._people():
            if entity.name:
                continue
            owner = self._owner(entity.titles) or self._named_next(entity)
            if owner is not None:
                for title in entity.titles:
                    owner.add_title(title)
                entity.into = owner.root()

    def kicker(self, kicker: str | None) -> None:
        """The kicker (``فرماندار قدس؛``) is an alias of the one person it can be."""
        mention = _classify(kicker.split()) if kicker else None
        if mention is None or mention.kind is Kind.ORG:
            return
        if mention.kind is Kind.NAME:
            owner = self._named(mention.name or "")
            if owner is not None:
                owner.add_alias(mention.name)
                owner.add_title(mention.title)
            return
        owner = next((p for p in self._people() if p.holds(mention.title or "")), None)
        owner = owner or self._owner([])
        if owner is not None:
            owner.add_title(mention.title)


# -- the article --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attribution:
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()


def _spans(paragraphs: Sequence[str]) -> Iterator[tuple[int, tuple[_Cue, int, str]]]:
    """Each cue's paragraph, and the cue, the start of its sentence, and its quote's text
    ('' for reported speech); the cue's ``paragraph`` is where the quote's text is.

    A quote stops where the sentence of the next cue starts. A cue in the same sentence
    as a quote before it is inside that quote (``گفت: امام فرمود: …``) and is skipped;
    after reported speech it is not (``X تاکید کرد که … و گفت: …``).
    """
    cues_of = [_cues(paragraph, index) for index, paragraph in enumerate(paragraphs)]
    for index, (paragraph, cues) in enumerate(zip(paragraphs, cues_of, strict=True)):
        if not cues:
            continue
        ends = sentence_ends(paragraph)
        starts = [_sentence_start(paragraph, c.start, ends) for c in cues]
        kept = [k for k in range(len(cues))
                if k == 0 or cues[k - 1].indirect or starts[k] >= cues[k - 1].end]
        for n, k in enumerate(kept):
            cue = cues[k]
            stop = starts[kept[n + 1]] if n + 1 < len(kept) else len(paragraph)
            text = "" if cue.indirect else _quote_text(paragraph, cue, stop)
            if not text and not cue.indirect and index + 1 < len(paragraphs) and not cues_of[index + 1]:
                # ``… افزود:`` closing its paragraph: the words are the next paragraph.
                text, cue = paragraphs[index + 1], dataclasses.replace(cue, paragraph=index + 1)
            yield index, (cue, starts[k], text)


def extract(paragraphs: Sequence[str], kicker: str | None = None) -> Attribution:
    """Every quote in the article with its resolved speaker, and the speakers' aliases."""
    resolver = _Resolver()
    found: list[tuple[_Entity, str, int]] = []
    for index, (cue, start, text) in _spans(paragraphs):
        entity = resolver.resolve(subject(paragraphs[index][start:cue.start]))
        if entity is not None and text:  # reported speech (no text) only names a speaker
            found.append((entity, text, cue.paragraph))
    if not found:
        return Attribution()
    resolver.bind_titles()
    resolver.kicker(kicker)
    return _attribution([(e.root(), text, p) for e, text, p in found])


def _attribution(found: list[tuple[_Entity, str, int]]) -> Attribution:
    """Quotes and speakers, one speaker per key: two entities the article never tied but
    spelled alike are one speaker, as they would be across articles."""
    aliases: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for entity, _, _ in found:
        key = speaker_key(entity.label)
        names.setdefault(key, entity.label)
        known = aliases.setdefault(key, [])
        for alias in entity.aliases:
            if speaker_key(alias) not in {key, *map(speaker_key, known)}:
                known.append(alias)
    quotes = tuple(Quote(names[speaker_key(e.label)], text, p) for e, text, p in found)
    speakers = tuple(Speaker(names[key], tuple(aliases[key])) for key in names)
    return Attribution(quotes, speakers)


def short_name(speaker: Speaker) -> str:
    """How a headline names a speaker: the surname the article uses, else the last word of
    the name (``علیرضا خامسیان`` → ``خامسیان``); an office keeps its title."""
    surnames = [a for a in speaker.aliases if _is_surname(a, speaker.name)]
    if surnames:
        return min(surnames, key=len)
    words = speaker.name.split()
    if len(words) > 1 and _head(words[0]) not in _TITLE_HEADS | _ORG_HEADS:
        return words[-1]
    return speaker.name


# -- matching a query to speakers ---------------------------------------------------


class Match(Enum):
    """How a query names a speaker, best first."""

    EXACT = 0  # the name or an alias
    SURNAME = 1  # the last words of the name
    WORDS = 2  # whole words inside the name or an alias (فرماندار, قدس)


def match(query: str, name: str, aliases: Iterable[str] = ()) -> Match | None:
    """Whether ``query`` names the speaker ``name`` (with ``aliases``), blind to ZWNJ,
    spacing and Arabic/Persian letters; a part of a word is no match (علی ≠ علیرضا)."""
    key = speaker_key(query)
    if not key:
        return None
    forms = [name, *aliases]
    if any(speaker_key(form) == key for form in forms):
        return Match.EXACT
    if _is_surname(query, name):
        return Match.SURNAME
    for form in forms:
        words = _words(form)
        runs = ("".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
        if key in runs:
            return Match.WORDS
    return None
