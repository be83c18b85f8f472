"""The words speakers are made of: office words, bodies, media, courtesy titles, and the
evidence that a phrase names a person (given names, family names, rare words).

Given and family names come from farsi-faker's names database (MIT), drawn from Iranian
name registers. It lists many common words as names too (``دولت``, ``شورا``, ``ایران``),
so a listed name that hazm's lexicon knows as a frequent word counts only if it is one of
the common given names below.
"""

from __future__ import annotations

import functools
import logging

from storage.text.letters import fold
from storage.text.sentences import fold_word, stopwords

log = logging.getLogger(__name__)


def heads(words: str) -> frozenset[str]:
    """Each word's first folded word, as ``head_of`` compares them (``هم‌زمان`` → ``هم``)."""
    return frozenset(fold(w).split()[0] for w in words.split())


def head_of(word: str) -> str:
    """The first folded word: ``رئیس‌جمهور`` is headed by ``رییس``."""
    return fold_word(word).split(" ", 1)[0]


def whole(words: str) -> frozenset[str]:
    """Each word folded whole (``حجت‌الاسلام`` → ``حجت الاسلام``)."""
    return frozenset(fold(w) for w in words.split())


# Heads of a title: "the minister of …", "the spokesman of …", "the governor of …".
TITLE_HEADS = heads(
    "رئیس ریاست رئیس‌جمهور رئیسه روسای رؤسای معاون معاونان وزیر وزرای سخنگو سخنگوی نماینده"
    " نمایندگان مدیر مدیران مدیرکل مدیرعامل مدیرمسئول سردبیر دبیر دبیرکل فرماندار فرمانداران"
    " استاندار شهردار بخشدار دهیار فرمانده جانشین سفیر کاردار سرکنسول کنسول دادستان قاضی"
    " بازپرس بازرس وکیل"
    " عضو اعضای کارشناس مشاور مقام مسئول مسوول متولی سرپرست قائم‌مقام نایب امام رهبر"
    " نخست‌وزیر صدراعظم پادشاه ولیعهد شیخ مفتی پاپ سناتور نامزد کاندیدای منتخب"
    " کارگردان بازیگر تهیه‌کننده نویسنده سرمربی مربی کاپیتان بازیکن هافبک مهاجم دروازه‌بان"
    " پزشک متخصص فعال تحلیلگر پژوهشگر استاد مجری خواننده شاعر فرستاده رایزن دیپلمات"
    " مذاکره‌کننده فرزند همسر کنشگر اقتصاددان جامعه‌شناس حقوقدان روزنامه‌نگار خبرنگار"
    " مرجع مراجع تولیت متهم شاکی معلم مدرس سرپرستار پرستار دستیار خزانه‌دار دکترای"
)
# One office by its other names (Iranian usage): a title given for one ties the others.
OFFICE_NAMES = (
    ("رئیس‌جمهور", "رئیس جمهوری", "رئیس دولت", "رئیس قوه مجریه"),
    ("وزیر امور خارجه", "وزیر خارجه", "رئیس دستگاه دیپلماسی"),
    ("رئیس مجلس", "رئیس مجلس شورای اسلامی", "رئیس قوه مقننه"),
    ("رئیس قوه قضاییه", "رئیس قوه قضائیه", "رئیس دستگاه قضا"),
    ("سخنگوی دولت", "سخنگوی هیئت دولت", "سخنگوی هیات دولت"),
)
# Titles held relative to a person: followed by a name, they name someone else (وکیل
# ابراهیم اسلامی is his lawyer, سخنگوی پرنس چارلز the prince's spokesman).
RELATIONAL_HEADS = heads(
    "وکیل وکلای سخنگو سخنگوی همسر فرزند فرزندان پسر دختر پدر مادر برادر خواهر مشاور دستیار"
    " معاون نماینده جانشین منشی محافظ پزشک مدیربرنامه"
)
# Plural titles name several people (or anyone): they speak, but are nobody's alias.
PLURAL_TITLES = heads("فرمانداران نمایندگان معاونان وزرای روسای رؤسای مدیران اعضای مراجع")
# What a surname made of an office or a word ends with, after a ZWNJ (قاضی‌زاده, امام‌پور).
SURNAME_ENDS = tuple(" " + fold(w) for w in ("زاده", "پور", "نژاد", "نیا"))
# Offices that take a place: مقام عالی دولت در شهرستان قدس, سفیر ایران در عراق.
LOCATED_HEADS = heads("نماینده مقام سفیر کاردار سرکنسول کنسول رایزن فرستاده مسئول")
PLACES = heads(
    "مجلس شهرستان استان شهر کشور منطقه سازمان شورای دولت کمیسیون مجمع اتحادیه اروپا"
    " ایران عراق سوریه لبنان افغانستان پاکستان ترکیه روسیه چین هند ژاپن آمریکا امریکا"
    " انگلیس فرانسه آلمان ایتالیا عربستان امارات قطر کویت عمان بحرین یمن مصر اردن فلسطین"
    " آذربایجان ارمنستان ترکمنستان تاجیکستان ازبکستان قزاقستان ژنو وین نیویورک تهران"
)
# Countries and capitals: a government that speaks (``آمریکا اعلام کرد``) is a body.
COUNTRIES = whole(
    "ایران عراق سوریه لبنان افغانستان پاکستان ترکیه روسیه مسکو چین پکن هند ژاپن آمریکا امریکا"
    " واشنگتن انگلیس انگلستان بریتانیا لندن فرانسه پاریس آلمان برلین ایتالیا عربستان ریاض"
    " امارات قطر کویت عمان بحرین یمن مصر اردن فلسطین اسرائیل آذربایجان ارمنستان ترکمنستان"
    " تاجیکستان ازبکستان قزاقستان کانادا ونزوئلا کره اوکراین"
    # Capitals speak for their governments: واشنگتن اعلام کرد, بروکسل ابراز تأسف کرد.
    " تهران بغداد دمشق بیروت کابل اسلام‌آباد آنکارا دوحه ابوظبی مسقط منامه قاهره"
    " بروکسل رم توکیو دهلی سئول کی‌یف باکو ایروان تل‌آویو"
)
# Heads of an organisation, which may speak too but is never a person.
ORG_HEADS = heads(
    "وزارت وزارتخانه سازمان ستاد شورای شورا دولت مجلس پلیس دادگاه دادستانی قوه سپاه ارتش"
    " بانک شرکت روابط اداره اداره‌کل دانشگاه خبرگزاری روزنامه پایگاه شبکه کمیسیون فراکسیون"
    " حزب جبهه انجمن کانون اتحادیه فدراسیون باشگاه استانداری فرمانداری شهرداری دفتر مرکز"
    " بنیاد نهاد کاخ سفارت کنسولگری هیئت هیات اتاق دبیرخانه کمیته مجمع نیروی نیروهای"
    " قرارگاه معاونت جمعیت اتحادیه سندیکا گروه جنبش دیوان بیت پنتاگون ناتو کرملین"
    " نشریه هفته‌نامه ماهنامه مجله تلویزیون رادیو خبرگزاری‌های سایت وبسایت وب‌سایت"
    " اندیشکده موسسه مؤسسه بیمارستان آژانس دیده‌بان جامعه"
)
# Media by their usual names, which have no head word: they write, report and quote.
MEDIA = whole(
    "رویترز آسوشیتدپرس بلومبرگ سی‌ان‌ان بی‌بی‌سی الجزیره العربیه اسپوتنیک تاس ایرنا ایسنا"
    " ایلنا فارس تسنیم مهر یورونیوز المانیتور اکسیوس پولیتیکو فایننشال‌تایمز نیویورک‌تایمز"
    " واشنگتن‌پست گاردین ایندیپندنت اشپیگل لوموند هاآرتص المیادین معاریو لوفیگارو دویچه‌وله"
    " خبرآنلاین"
    # Tehran's dailies whose names are not everyday words or places
    " اعتماد کیهان همشهری جام‌جم فرهیختگان رسالت"
)
# Multi-word media (their first word alone is a place or a common word).
MEDIA_PHRASES = (
    "نیویورک تایمز", "واشنگتن پست", "واشنگتن تایمز", "وال استریت ژورنال", "فایننشال تایمز",
    "وال‌استریت ژورنال", "فاکس نیوز", "ان بی سی", "سی ان ان", "بی بی سی", "دیلی تلگراف",
    "رأی الیوم", "رای الیوم", "العربی الجدید", "یدیعوت آحارونوت", "اسرائیل هیوم", "الخلیج الجدید",
    "الشرق الاوسط", "القدس العربی", "عصر ایران", "فارن پالیسی",
)
# An anonymous source: "a source", "one of the citizens", "experts", "a user".
ANONYMOUS_HEADS = whole(
    "یک یکی برخی بعضی چند منابع منبع کارشناسان تحلیلگران ناظران شاهدان عده‌ای عده مردی زنی"
    " فردی کاربری کاربران محققان پژوهشگران دانشمندان ساکنان اهالی شهروندان مقامات مسئولانی"
    " افرادی کسی گروهی"
)
# Courtesy words before a name, not part of it (whole tokens: حجت alone is a name).
HONORIFICS = whole(
    "آقای خانم دکتر مهندس حجت‌الاسلام حجت‌الاسلام‌والمسلمین آیت‌الله آیت‌الله‌العظمی سردار"
    " سرلشکر سرتیپ سرهنگ سرگرد سروان دریادار دریابان حضرت جناب سرکار حاج"
    " شهید پاسدار سرتیپ‌دوم سرلشکرپاسدار ارتشبد ژنرال دریاسالار پروفسور پرنس شاهزاده کارآگاه"
)
HONORIFIC_PHRASES = (
    "حجت الاسلام و المسلمین", "حجت الاسلام والمسلمین", "حجت الاسلام", "آیت الله العظمی",
    "آیت الله", "سرتیپ دوم", "سرتیپ دوم پاسدار", "سرلشکر پاسدار", "سردار سرتیپ", "امیر سرتیپ",
    "امیر دریادار", "امیر سرلشکر",
)
# Given names common enough to be everyday words too (hazm knows علی, حسن, رضا as words):
# farsi-faker lists them among many words that are no names, so they are listed here.
_COMMON_GIVEN = whole(
    "علی محمد حسن حسین رضا مهدی احمد محمود عباس جواد مجید سعید مسعود حمید مرتضی مصطفی"
    " ابراهیم اسماعیل اسحاق یوسف موسی عیسی داوود جعفر صادق کاظم باقر هادی قاسم ناصر منصور"
    " امیر امید ایرج بهرام بیژن پرویز جمشید خسرو داریوش رستم سهراب فرهاد کوروش مهران نادر"
    " وحید یاسر عادل عارف عبدالله عبدالرضا غلامرضا غلامحسین محسن مجتبی مریم فاطمه زهرا"
    " معصومه زینب لیلا سارا مینو شهلا پروانه اکبر اصغر ولی الله سیف نور جلال جمال کمال"
    " حامد احسان عرفان نوید پیمان بابک کاوه شهرام شاهین سامان آرش سیامک فریدون هوشنگ"
    " انوشیروان لعیا طاهره فریده شیرین منیره صدیقه معصومه مسیح روح‌الله حجت‌الله"
    " سیدابراهیم سیدمحمد سیدعلی سیدحسن سیدحسین سیدمهدی سیدرضا سیدعباس سیدجواد"
    " دونالد جو مایک باراک جان جورج ولادیمیر امانوئل آنگلا بوریس تقی رسول حامد سبحان عزیز"
    " سحر اکبر امین صالح ایمان سیما حبیب سینا حجت افشین کیوان مهرداد بهروز سیاوش ابوالفضل"
    " سجاد بهزاد نیما سلمان رحیم عمار پیروز سلیمان کامران خلیل حمیدرضا شهریار اسد بنیامین"
    " احمدرضا منوچهر اسحاق یعقوب ایوب یونس زکریا عثمان عمر خالد طارق ولید بشار فیصل"
)
# Given names are made of given names: علیرضا, محمدجواد; روح‌الله, عبدالرضا, غلامحسین.
_GIVEN_PREFIXES = ("عبدال", "غلام", "ابوال", "سید")
_GIVEN_SUFFIXES = ("الله", "اله", "الدین", "العابدین")
# The second part of a family name written apart (ترابی نژاد, قاسمی فرد, حسینی کیا).
_FAMILY_PARTS = whole("پور زاده نژاد نیا فر فرد راد کیا نسب وند لو آبادی زاد")
COMMON_FREQUENCY = 500_000  # hazm's count over which a word is everyday vocabulary
# A listed given name hazm counts more often than this is more often a word (جامعه, شورا,
# دولت, بهبود); منوچهر, کاوه and بهرام stay under it, the commonest names are in _COMMON_GIVEN.
_GIVEN_FREQUENCY = 1_500_000
_EVERYDAY_STEM = 5_000_000  # گزارش, روش, پیام: not آمل, شیراز


@functools.cache
def _hazm_counts() -> dict[str, int]:
    from hazm.utils import words_list

    counts: dict[str, int] = {}
    for word, count, _ in words_list():
        key = speaker_key(word)
        counts[key] = max(counts.get(key, 0), count)
    return counts


@functools.lru_cache(maxsize=65536)  # news repeats its words
def speaker_key(text: str) -> str:
    """Identity of a name or title, in an article and across them: folded and blind to
    spacing, ZWNJ and commas (حداد عادل is حدادعادل, ي is ی; وزیر بهداشت، درمان و … is
    وزیر بهداشت درمان و …)."""
    folded = fold(text)
    courtesy = next((c for c in _SAYYID if folded.startswith(c)), None)
    if courtesy and folded.count(" ", len(courtesy)) >= 1:
        # سید is given with a name or left out: سید ابراهیم رئیسی is ابراهیم رئیسی.
        folded = folded[len(courtesy):]
    return folded.translate(_KEY_BLIND)


_KEY_BLIND = str.maketrans("", "", " ،,")
_SAYYID = ("سید ", "سیده ")


_FAMILY_ENDINGS = ("ی", "پور", "زاده", "نژاد", "یان", "فر", "راد", "نیا", "لو", "وند", "کیا", "نسب")
_CURATED = frozenset(speaker_key(n) for n in _COMMON_GIVEN)


@functools.cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and family names, as keys; empty (every phrase weaker evidence) if the
    names database cannot be read."""
    try:
        from farsi_faker import FarsiFaker

        database = FarsiFaker._read_names_database()
    except Exception:
        log.warning("farsi-faker's names database is unavailable: names need other evidence")
        database = {"male_names": (), "female_names": (), "last_names": ()}
    counts = _hazm_counts()
    given = {speaker_key(n) for n in (*database["male_names"], *database["female_names"])}
    given = {n for n in given if counts.get(n, 0) < _GIVEN_FREQUENCY} | _CURATED
    given -= {speaker_key(w) for w in TITLE_HEADS | ORG_HEADS | HONORIFICS | COUNTRIES | PLACES | MEDIA}
    given -= stopwords()
    family = frozenset(speaker_key(n) for n in database["last_names"])
    return frozenset(given), family


def is_common_given(word: str) -> bool:
    """One of the commonest given names (علی, محمد, جواد): alone, nobody in particular."""
    return speaker_key(word) in _CURATED


def lexicon_count(word: str) -> int:
    """hazm's count of ``word`` (-1 for a word it does not have)."""
    return _hazm_counts().get(speaker_key(word), -1)


def is_family_part(word: str) -> bool:
    """The second part of a family name written apart: نژاد, زاده, پور …"""
    return fold_word(word) in _FAMILY_PARTS


@functools.lru_cache(maxsize=65536)  # news repeats its words
def known_word(word: str) -> bool:
    """Whether hazm's lexicon has ``word`` (blind to spacing and ZWNJ)."""
    return speaker_key(word) in _hazm_counts()


@functools.lru_cache(maxsize=65536)
def is_given_name(word: str) -> bool:
    key = speaker_key(word)
    given, family = _names()
    if key in family and key not in _CURATED and key.endswith(_FAMILY_ENDINGS):
        return False  # جهانپور, احمدی, کرمی: listed both ways, shaped like a surname
    if key in given:
        return True
    if len(key) < 5:
        return False
    if key.startswith(_GIVEN_PREFIXES) and (key[3:] in given or key.startswith(("عبدال", "ابوال"))):
        return True
    if key.endswith(_GIVEN_SUFFIXES) and len(key) >= 6:
        return True
    return any(key[:cut] in given and key[cut:] in given for cut in range(2, len(key) - 1))


@functools.lru_cache(maxsize=65536)  # news repeats its words
def is_family_name(word: str) -> bool:
    return speaker_key(word) in _names()[1]


def _listed(key: str) -> bool:
    given, family = _names()
    return key in given or key in family


def _in_lexicon(key: str, least: int) -> bool:
    """Whether hazm counts ``key`` (or the word its ezafe or plural form is made from) at
    least ``least`` times."""
    counts = _hazm_counts()
    if counts.get(key, -1) >= least:
        return True
    return any(key.endswith(end) and counts.get(key[: -len(end)], -1) >= least
               for end in ("ای", "ی", "ها", "های", "ان"))


@functools.lru_cache(maxsize=65536)  # news repeats its words
def is_common_word(word: str, least: int = 0) -> bool:
    """A word of hazm's lexicon (counted ``least`` times at least) that no name list has
    (``ارزیابی``, ``مدارک``, ``موضوعی``): alone, it is no evidence of a person
    (``روحانی``, ``احمدی`` are listed names). hazm's lexicon holds foreign names too
    (``کالین``), rarely counted."""
    key = speaker_key(word)
    return not _listed(key) and (_hazm_counts().get(key, -1) >= least or _in_lexicon(key, COMMON_FREQUENCY))


@functools.lru_cache(maxsize=65536)  # news repeats its words
def is_frequent_word(word: str) -> bool:
    """An everyday word hazm counts often (``ارتفاع``, ``دعوت``) and no name list has: it
    ends a name (``اسمعیل‌پور ارتفاع برف``; not ``جوادی آملی``, whose stem is frequent)."""
    key = speaker_key(word)
    return not _listed(key) and _hazm_counts().get(key, -1) >= COMMON_FREQUENCY


@functools.lru_cache(maxsize=65536)  # news repeats its words
def is_inflected_word(word: str) -> bool:
    """An everyday word with an indefinite, ezafe or plural ending (``روشی``, ``پیامی``,
    ``پدران``), even where a name list has it as a surname. Only the commonest stems
    count: a surname made from a place (آملی, شیرازی) is not one."""
    key = speaker_key(word)
    return _hazm_counts().get(key, -1) < COMMON_FREQUENCY and _in_lexicon(key, _EVERYDAY_STEM)


@functools.lru_cache(maxsize=65536)  # news repeats its words
def name_like(word: str) -> bool:
    """Whether ``word`` can be part of a person's name: no everyday word, stopword, office
    or body word, place, or number."""
    folded = fold_word(word)
    head = folded.split(" ", 1)[0] if folded else ""
    if folded in _FAMILY_PARTS or (" " in folded and folded.endswith(SURNAME_ENDS)):
        return True  # قاضی‌زاده: a surname, though قاضی is an office
    if not word or not all(c.isalpha() or c in "\u200c " for c in word):
        return False  # (پیمان, ۱۲, /, a link: no name
    if (word.startswith(("در", "با", "به", "از")) and len(word) >= 6 and not known_word(word)
            and lexicon_count(word[2:]) >= 100_000):
        return False  # درمسابقات: a preposition written onto its noun
    if is_inflected_word(word) and not is_family_name(word):
        return False  # گزارشی, مثبتی: a noun with its ending
    return bool(head) and not (
        any(c.isdigit() for c in folded) or head in stopwords() or head in TITLE_HEADS
        or head in ORG_HEADS or folded in COUNTRIES or is_frequent_word(word)
    )


# Listed as surnames, but open a name before its given name: سید محمود میرفیضی.
_BEFORE_GIVEN = heads("سید سیده میر میرزا حاج حاجی شیخ ملا آقا")


def given_after_family(previous: str, word: str) -> bool:
    """Whether ``word``, a given name, follows ``previous``, a surname: a name has its given
    name first, so the name ended before it (پناهیان انصاف در …)."""
    return (is_given_name(word) and not is_family_name(word) and is_family_name(previous)
            and not is_given_name(previous) and fold(previous).split()[0] not in _BEFORE_GIVEN)
