"""Speakers: who a phrase names (evidence, kinds), resolution over the whole article, and
speakers across articles in the store."""

from __future__ import annotations

import pytest

from storage.analysis import analyze_text
from storage.analysis.quotes import Match, extract, match, short_name, subject
from storage.analysis.quotes.cues import first_person
from storage.analysis.quotes.match import heads_body, shortens, speaker_key
from storage.analysis.quotes.mentions import NONE, STRONG, WEAK
from storage.db.store import Store
from storage.ingest import Ingestor
from storage.models import Origin, OriginKind, QuoteKind, Speaker, SpeakerKind


def _said(*paragraphs: str, kicker: str | None = None) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in extract(paragraphs, kicker).quotes]


def _kinds(*paragraphs: str) -> dict[str, SpeakerKind]:
    return {s.name: s.kind for s in extract(paragraphs).speakers}


# -- mentions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "kind", "name", "title", "evidence"),
    [
        # A name ends where everyday words begin (the object of the sentence).
        ("اسمعیل‌پور ارتفاع برف در شهرستان رودسر را حدود یک متر اعلام و ", "name", "اسمعیل‌پور", None, STRONG),
        ("مونسان دعوت از چهره‌های معروف را مهم دانست و ", "name", "مونسان", None, WEAK),
        # Everyday words are no name; a glued heading is dropped (…می‌کندوی, …لرستانمدیرکل).
        ("ارزیابی مثبتی ", "name", "ارزیابی", None, NONE),
        ("مدارک ", None, None, None, None),
        # Everyday words though one is listed as a surname; a rare word opening a name is not.
        ("ممنوعیت قانونی ", "name", "ممنوعیت قانونی", None, NONE),
        ("قره سید رومیانی ", "name", "قره سید رومیانی", None, STRONG),
        # A disease is nobody; در written onto the next word ends a name as در does.
        ("کرونا ", None, None, None, None),
        # A preposition inside an office's field does not end it.
        ("دبیر ستاد امر به معروف و نهی از منکر ", "title", None,
         "دبیر ستاد امر به معروف و نهی از منکر", STRONG),
        ("داودی درمسابقات قهرمانی آسیا ", "name", "داودی", None, STRONG),
        ("ایران از حقوق خود دفاع می‌کندوی درباره نفتکش‌ها ", "anaphor", None, None, STRONG),
        ("سیل در لرستانمدیرکل راه و شهرسازی لرستان ", "title", None, "مدیرکل راه و شهرسازی لرستان", STRONG),
        ("مشکلی نداریمموسوی در پاسخ به سؤالی ", "name", "موسوی", None, STRONG),
        # Honorifics, written apart or onto the name.
        ("سیدابراهیم رئیسی ", "name", "ابراهیم رئیسی", None, STRONG),
        ("دکترحسن روحانی ", "name", "حسن روحانی", None, STRONG),
        ("حسن قاضی‌زاده هاشمی ", "name", "حسن قاضی‌زاده هاشمی", None, STRONG),
        ("سرهنگ کارآگاه قاسم دستخال ", "name", "قاسم دستخال", None, STRONG),
        ("دکتر بیگلری ", "name", "بیگلری", None, STRONG),
        # A title with its name after it, no comma between.
        ("رئیس‌جمهور حسن روحانی در جلسه ", "name", "حسن روحانی", "رئیس‌جمهور", STRONG),
        # Bodies, media, anonymous sources.
        ("سازمان نظام پرستاری ", "org", "سازمان نظام پرستاری", None, STRONG),
        ("واشنگتن تایمز ", "org", "واشنگتن تایمز", None, STRONG),
        ("یک منبع پارلمانی ", "anonymous", "یک منبع پارلمانی", None, STRONG),
        ("یکی از شهروندان ", "anonymous", "یکی از شهروندان", None, STRONG),
        ("یک منبع نزدیک به سپاه پاسداران که نخواست نامش فاش شود ", "anonymous",
         "یک منبع نزدیک به سپاه پاسداران", None, STRONG),
        # A name has its given name first: one after a surname starts the rest of the sentence.
        ("پناهیان انصاف در سیاست و علم را ", "name", "پناهیان", None, STRONG),
        ("سردار سید محمود میرفیضی ", "name", "سید محمود میرفیضی", None, STRONG),
        # Plural nouns, everyday words and discourse words are nobody; a surname may end in ها.
        ("راهکار‌هایی ", None, None, None, None),
        ("آقایان ", None, None, None, None),
        ("احتمال پیروزی اصولگرایان ", "name", "احتمال پیروزی اصولگرایان", None, NONE),
        ("بهتاش صناعی‌ها ", "name", "بهتاش صناعی‌ها", None, STRONG),
        ("فریبرز صدیقی ارفعی ", "name", "فریبرز صدیقی ارفعی", None, STRONG),
        ("نهایتا محسن هاشمی ", "name", "محسن هاشمی", None, STRONG),
        ("سعید هاشمی نظری دکترای تخصصی ", "name", "سعید هاشمی نظری", "دکترای تخصصی", STRONG),
        ("دستیار اجتماعی رئیس‌جمهور ", "title", None, "دستیار اجتماعی رئیس‌جمهور", STRONG),
        ("یدیعوت آحارونوت ", "org", "یدیعوت آحارونوت", None, STRONG),
        ("جامعه مدرسین در بخشی از پیام خود ", "org", "جامعه مدرسین", None, STRONG),
        ("جامعه‌شناس برجسته ", "title", None, "جامعه‌شناس برجسته", STRONG),
        # A capital speaks for its government.
        ("بروکسل در یکی از بندهای بیانیه ", "org", "بروکسل", None, STRONG),
        # A comma listing an office's or a body's fields is inside its name, not apposition.
        ("وزیر بهداشت، درمان و آموزش پزشکی ", "title", None, "وزیر بهداشت، درمان و آموزش پزشکی", STRONG),
        ("سازمان صنعت، معدن و تجارت استان ", "org", "سازمان صنعت، معدن و تجارت استان", None, STRONG),
        ("مدیرکل بهزیستی، علی رضایی ", "name", "علی رضایی", "مدیرکل بهزیستی", STRONG),
        ("یوسف قاسمی فرد رئیس اتاق بازرگانی، صنایع، معادن و کشاورزی تبریز در این نشست ", "name",
         "یوسف قاسمی فرد", "رئیس اتاق بازرگانی، صنایع، معادن و کشاورزی تبریز", STRONG),
        # A title that ran on into what the sentence says ends where the office's name does.
        ("سخنگوی وزارت بهداشت آخرین آمارهای مربوط به کرونا را ", "title", None, "سخنگوی وزارت بهداشت",
         STRONG),
        ("رئیس‌جمهور اقدامات انجام‌شده را ", "title", None, "رئیس‌جمهور", STRONG),
        ("بانک مرکزی نرخ ۴۷ ارز را ", "org", "بانک مرکزی", None, STRONG),
        ("رئیس کمیسیون اصل ۹۰ مجلس ", "title", None, "رئیس کمیسیون اصل ۹۰ مجلس", STRONG),
        ("فرمانده تیپ ۳۶ ", "title", None, "فرمانده تیپ ۳۶", STRONG),
        ("رئیس کلانتری ۱۲ ", "title", None, "رئیس کلانتری ۱۲", STRONG),
        # A place named for someone keeps the name: the speaker is its head.
        ("رئیس دانشگاه بوعلی سینا با تاکید بر اینکه ", "title", None, "رئیس دانشگاه بوعلی سینا", STRONG),
        ("سرپرستار اورژانس بیمارستان نیز ", "title", None, "سرپرستار اورژانس بیمارستان", STRONG),
        ("برف نداریمبازرس کل استان گیلان با بیان اینکه ", "title", None, "بازرس کل استان گیلان", STRONG),
        # A whole adjunct before the subject: the comma after the name is the apposition's.
        ("پیش از این غلامحسین اسماعیلی، سخنگوی قوه قضاییه در یک نشست ", "name", "غلامحسین اسماعیلی",
         "سخنگوی قوه قضاییه", STRONG),
        ("پس از این سخنان متهم، رییس دادگاه خطاب به وی ", "title", None, "رییس دادگاه", STRONG),
        ("ژنرال مکنزی ", "name", "مکنزی", None, STRONG),
        # An adjunct of occasion before the subject, with no comma.
        ("در ابتدای جلسه رییس دادگاه ", "title", None, "رییس دادگاه", STRONG),
        ("مجید تخت روانچی در شورای امنیت ", "name", "مجید تخت روانچی", None, STRONG),
        ("ظریف پاسخ منفی داد و ", "name", "ظریف", None, STRONG),
        # A clause with its own verb first: the next clause's subject speaks, if it names one.
        ("آرمان علمایی در جایگاه قرار گرفت و نماینده دادستان درباره او ", "title", None,
         "نماینده دادستان", STRONG),
        ("وزیر کشور در این نشست حضور یافت و در جمع خبرنگاران ", "title", None, "وزیر کشور", STRONG),
        # A heading written onto a member's title; an adverb written onto the next word.
        ("ارزیابی بدون قیمت‌گذاری و کارشناسیعضو هیات رئیسه شورای شهر ", "title", None,
         "عضو هیات رئیسه شورای شهر", STRONG),
        ("همچنینبا مورد توجه قرار دادن سخنرانی ", "anaphor", None, None, STRONG),
        # This paper is the body just named; this journalist is a person.
        ("این روزنامه آمریکایی ", "document", None, None, STRONG),
        ("این روزنامه‌نگار ", "anaphor", None, None, STRONG),
    ],
)
def test_subject(words: str, kind: str | None, name: str | None, title: str | None,
                 evidence: int | None) -> None:
    mention = subject(words)
    if kind is None:
        assert mention is None
        return
    assert mention is not None
    assert (mention.kind.value, mention.name, mention.title) == (kind, name, title)
    assert mention.evidence == evidence


def test_also_marks_someone_else() -> None:
    mention = subject("رییس بیمارستان رازی رشت نیز با تشکر از مردم ")
    assert mention is not None
    assert mention.also


# -- cues ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "مریم احمدی اظهارداشت: کار ادامه دارد.",
        "مریم احمدی خاطر نشان کرد: کار ادامه دارد.",
        "مریم احمدی عنوان داشت: کار ادامه دارد.",
        "مریم احمدی گفت:کار ادامه دارد.",
        "مریم احمدی گفت؛ کار ادامه دارد.",
        "مریم احمدی تاکیدکرد: کار ادامه دارد.",
    ],
)
def test_cue_variants(paragraph: str) -> None:
    assert _said(paragraph) == [("مریم احمدی", "کار ادامه دارد.")]


def test_a_document_speaks_for_whoever_issued_it() -> None:
    said = _said("سازمان نظام پرستاری با صدور بیانیه‌ای خواستار رسیدگی شد. در این بیانیه آمده است: حقوق"
                 " پرستاران باید پرداخت شود.")
    assert said == [("سازمان نظام پرستاری", "حقوق پرستاران باید پرداخت شود.")]
    assert _said("در اصل ۵۹ قانون اساسی آمده است: همه‌پرسی ممکن است.") == []


# -- resolution ---------------------------------------------------------------------------


def test_cataphora_a_pronoun_before_the_name() -> None:
    assert _said("وی گفت: اول.", "وی افزود: دوم.", "علی رضایی، فرماندار قدس، ادامه داد: سوم.") == [
        ("علی رضایی", "اول."), ("علی رضایی", "دوم."), ("علی رضایی", "سوم."),
    ]


def test_a_pronoun_is_the_person_a_narration_sentence_just_introduced() -> None:
    said = _said("علی رضایی گفت: اول.", "سپس مهدی احمدی گزارشی از کار ستاد ارائه کرد. وی گفت: دوم.",
                 "رضایی افزود: سوم.")
    assert said == [("علی رضایی", "اول."), ("مهدی احمدی", "دوم."), ("علی رضایی", "سوم.")]


def test_a_title_that_cannot_be_tied_stays_its_own_speaker() -> None:
    attribution = extract((
        "استاندار البرز گفت: سد پر است.",
        "محمد ساسانی، مدیرعامل شرکت آب منطقه‌ای البرز، گفت: مصرف را کم کنید.",
        "استاندار البرز افزود: صرفه‌جویی کنید.",
    ), kicker="استاندار البرز")
    assert [q.speaker for q in attribution.quotes] == ["استاندار البرز", "محمد ساسانی", "استاندار البرز"]
    assert {s.name: s.kind for s in attribution.speakers} == {
        "استاندار البرز": SpeakerKind.TITLE, "محمد ساسانی": SpeakerKind.PERSON,
    }


def test_an_office_named_again_by_fewer_words_is_the_same_speaker() -> None:
    said = _said("رئیس بیمارستان امام حسین (ع) شاهرود گفت: اول.", "رئیس بیمارستان ادامه داد: دوم.",
                 "رئیس پلیس راهور استان مازندران گفت: سوم.", "رئیس پلیس راهور مازندران افزود: چهارم.")
    assert [speaker for speaker, _ in said] == ["رئیس بیمارستان امام حسین (ع) شاهرود"] * 2 + [
        "رئیس پلیس راهور استان مازندران"] * 2
    # Two hospitals' heads: the short title could be either, and stays its own.
    said = _said("رئیس بیمارستان رازی گفت: اول.", "رئیس بیمارستان سینا گفت: دوم.",
                 "رئیس بیمارستان افزود: سوم.")
    assert [speaker for speaker, _ in said] == [
        "رئیس بیمارستان رازی", "رئیس بیمارستان سینا", "رئیس بیمارستان"]


def test_this_company_is_the_body_whose_press_office_writes() -> None:
    said = _said("به گزارش روابط عمومی شرکت گاز استان گیلان، مدیرعامل این شرکت گفت: اول.",
                 "مدیرعامل شرکت گاز استان گیلان تاکید کرد: دوم.")
    assert said == [("مدیرعامل شرکت گاز استان گیلان", "اول."), ("مدیرعامل شرکت گاز استان گیلان", "دوم.")]


def test_the_head_of_the_body_whose_press_office_writes_is_its_one_untitled_speaker() -> None:
    body = ("امیرحسین رستمی گفت: اول.", "مریم جهانگیری رئیس شورای شهر کرج گفت: دوم.",
            "شهردار کرج تاکید کرد: سوم.")
    said = _said("به گزارش روابط عمومی شهرداری کرج، " + body[0], *body[1:])
    assert [speaker for speaker, _ in said] == ["امیرحسین رستمی", "مریم جهانگیری", "امیرحسین رستمی"]
    # An agency's own reporter is no evidence: the mayor may be someone else.
    said = _said("به گزارش خبرنگار مهر، " + body[0], *body[1:])
    assert [speaker for speaker, _ in said] == ["امیرحسین رستمی", "مریم جهانگیری", "شهردار کرج"]


def test_an_office_that_goes_on_with_a_named_persons_words_is_theirs() -> None:
    said = _said("محمود شاکری در جلسه شورا گفت: اول.", "رئیس شورای اسلامی شهر مشهد افزود: دوم.",
                 "نرگس افشار عضو کمیسیون حمل و نقل شورای شهر مشهد گفت: سوم.",
                 "عضو کمیسیون حمل و نقل شورا ادامه داد: چهارم.")
    assert [speaker for speaker, _ in said] == ["محمود شاکری"] * 2 + ["نرگس افشار"] * 2
    # Named right after an office of their own, the person is that office's: a further
    # office that goes on is someone else's.
    said = _said("سرپرست شرکت گاز لرستان گفت: اول. فیروز خدایی اظهار داشت: دوم.",
                 "رئیس شرکت گاز شهرستان پلدختر افزود: سوم.")
    assert [speaker for speaker, _ in said] == ["فیروز خدایی", "فیروز خدایی", "رئیس شرکت گاز شهرستان پلدختر"]


def test_the_judge_a_court_report_says_presides_is_its_judge_and_president() -> None:
    said = _said("دومین جلسه دادگاه امروز به ریاست قاضی صلواتی برگزار شد.",
                 "رییس دادگاه گفت: جلسه رسمی است.", "متهم گفت: اتهامات را نمی‌پذیرم.",
                 "قاضی گفت: توضیح بدهید.")
    assert [speaker for speaker, _ in said] == ["صلواتی", "متهم", "صلواتی"]


def test_a_judge_is_never_the_accused_though_the_accused_is_the_one_person_named() -> None:
    said = _said("روح‌الله زم در جایگاه متهم حاضر شد.",
                 "قاضی از زم پرسید: تا چه سالی در مالزی بودید؟ زم پاسخ داد: سال ۹۱ بود.")
    assert said == [("قاضی", "تا چه سالی در مالزی بودید؟"), ("روح‌الله زم", "سال ۹۱ بود.")]


def test_an_answer_reported_in_the_questions_sentence_is_its_own_quote() -> None:
    said = _said("علی رضایی در جایگاه متهم حاضر شد.",
                 "رییس دادگاه از متهم پرسید: نحوه خروج خود را توضیح دهید که رضایی پاسخ داد: با خانواده رفتم.",
                 "قاضی پرسید: چه سالی وارد فرانسه شدید؟ که رضایی اعلام کرد: شهریور ۹۱ بود.",
                 "وی گفت: امام فرمود: باید ایستاد.")
    assert said == [("رییس دادگاه", "نحوه خروج خود را توضیح دهید"), ("علی رضایی", "با خانواده رفتم."),
                    ("قاضی", "چه سالی وارد فرانسه شدید؟"), ("علی رضایی", "شهریور ۹۱ بود."),
                    # Words that ask nothing keep a cue inside them: a quote within a quote.
                    ("علی رضایی", "امام فرمود: باید ایستاد.")]


def test_a_surname_two_people_share_is_the_one_mentioned_so_far() -> None:
    said = _said("روح‌الله زم در دادگاه گفت: من حاضرم.", "زم گفت: روزنامه‌نگار هستم.",
                 "نیما زم گفت: آمدنیوز را من ساختم.")
    assert [speaker for speaker, _ in said] == ["روح‌الله زم", "روح‌الله زم", "نیما زم"]


def test_a_title_ending_with_a_surname_is_that_persons_unless_held_relative_to_them() -> None:
    said = _said("محمدجواد ظریف در نشست خبری گفت: ما آماده‌ایم.", "وزیر خارجه ظریف افزود: راه باز است.",
                 "علی رضایی گفت: شکایت کرده‌ام.", "وکیل رضایی اعلام کرد: پرونده کامل است.",
                 "وکیل ابراهیم اسلامی گفت: ما هم شکایت داریم.")
    assert [speaker for speaker, _ in said] == [
        "محمدجواد ظریف", "محمدجواد ظریف", "علی رضایی", "وکیل رضایی", "وکیل ابراهیم اسلامی"]
    # An office with a title of its own before the surname is not the person named so.
    said = _said("حسن روحانی گفت: دولت کار می‌کند.", "معاون اول رئیس‌جمهور روحانی افزود: بودجه آماده است.")
    assert [speaker for speaker, _ in said] == ["حسن روحانی", "معاون اول رئیس‌جمهور روحانی"]


def test_narration_that_ran_into_its_object_names_nobody() -> None:
    said = _said("ترامپ کریس مورفی سناتور دمکرات را به نقض قانون متهم کرد.",
                 "مورفی نوشته است: دیدار لازم بود.")
    assert said == [("مورفی", "دیدار لازم بود.")]


def test_an_opinion_credited_to_someone_is_their_reported_speech() -> None:
    said = _said("جلال العبادی تحلیلگر مسائل امنیتی گفت: اردن به سمت مقابله نمی‌رود.",
                 "به عقیده العبادی، پادشاه اردن برگه فشار قدرتمندی در دست دارد."
                 " وی می‌افزاید: امنیت منطقه وابسته است.")
    assert [speaker for speaker, _ in said] == ["جلال العبادی"] * 3


def test_a_credit_ends_after_the_fields_its_body_lists() -> None:
    credit = "به گزارش روابط عمومی اداره کل میراث فرهنگی، گردشگری و صنایع دستی استان یزد، "
    said = _said(credit + "مدیرکل این اداره کل با اعلام این خبر گفت: این خانه‌ها واگذار می‌شوند.")
    office = "مدیرکل اداره کل میراث فرهنگی، گردشگری و صنایع دستی استان یزد"
    assert said == [(office, "این خانه‌ها واگذار می‌شوند.")]
    # Names after the credit's comma are no fields of it.
    assert _said("به گزارش روابط عمومی استانداری، علی رضایی، فرماندار قدس، گفت: کار آغاز شد.") == [
        ("علی رضایی", "کار آغاز شد.")]
    # A wire citing another: both credits go before the speaker.
    assert _said("به گزارش ایسنا، به نقل از روسیا الیوم، سفیر عربستان گفت: روابط دو کشور پایدار است.") == [
        ("سفیر عربستان", "روابط دو کشور پایدار است.")]


def test_the_person_a_sentence_is_about_though_a_quote_in_the_first_person_follows() -> None:
    quote = "انتخابات با حضور حداکثری ملت ایران، رژیم تروریستی آمریکا را به محاق خواهد برد."
    said = _said("سرلشکر محمد باقری، رئیس ستادکل نیروهای مسلح، هم پیامی صادر کرد تا از مردم دعوت کند."
                 f" او پیام خود نوشت: {quote}")
    assert said == [("محمد باقری", quote)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ما آماده‌ایم", True), ("می‌کنیم", True), ("آمده ایم", True), ("نیستیم", True),
     # Nouns and names that end as a verb in the first person does.
     ("تحریم‌ها ادامه دارد", False), ("ابراهیم رئیسی رفت", False), ("تیم ملی برد", False),
     ("تصمیم گرفت", False), ("رژیم تروریستی", False)],
)
def test_first_person(text: str, expected: bool) -> None:
    assert first_person(text) is expected


def test_a_sentence_that_names_sanctions_is_still_about_its_subject() -> None:
    said = _said("عباس عراقچی، معاون وزیر خارجه، درباره تحریم‌ها و تصمیم اروپا توضیح داد.",
                 "وی افزود: مذاکرات ادامه دارد.")
    assert said == [("عباس عراقچی", "مذاکرات ادامه دارد.")]


def test_a_credit_closed_by_a_colon_is_no_speaker_label() -> None:
    said = _said("به گزارش روز نو :«زهرا نژاد بهرام» عضو هیات رئیسه شورای شهر در پاسخ به این سوال"
                 " که چرا بررسی با تاخیر صورت گرفته است؟ گفت: شورای شهر ابزارهای قانونی دارد.")
    assert said == [("زهرا نژاد بهرام", "شورای شهر ابزارهای قانونی دارد.")]


def test_a_pronoun_written_onto_a_heading_before_the_cue_goes_on_with_the_speaker() -> None:
    said = _said("علی رضایی، عضو شورا، گفت: کار آغاز شد.",
                 "تخفیف‌ها بدون اخذ مجوز شورااو ادامه داد: همچنین تخفیف‌ها بدون مجوز بود.")
    assert said == [("علی رضایی", "کار آغاز شد."), ("علی رضایی", "همچنین تخفیف‌ها بدون مجوز بود.")]


def test_this_paper_speaks_for_the_paper_named_before() -> None:
    said = _said("روزنامه واشنگتن پست نوشت: ایران به توافق پایبند است.",
                 "رهبر ایران در سخنرانی خود به این موضوع پرداخت.",
                 "این روزنامه آمریکایی همچنین نوشت: تحریم‌ها اثر نداشته است.")
    assert said == [("روزنامه واشنگتن پست", "ایران به توافق پایبند است."),
                    ("روزنامه واشنگتن پست", "تحریم‌ها اثر نداشته است.")]


def test_a_heading_ending_with_a_surname_written_onto_the_name_is_not_the_speaker() -> None:
    said = _said("روایت ناطق‌نوریعلی‌اکبر ناطق‌نوری در این باره گفت: ما با هم اختلاف نظر داشتیم.")
    assert said == [("علی‌اکبر ناطق‌نوری", "ما با هم اختلاف نظر داشتیم.")]


def test_a_sentence_written_onto_a_heading_has_its_own_speaker() -> None:
    # A heading in the speaker's name, then the paragraph with no stop or space between.
    said = _said("روحانی: پای صندوق می‌رویم تا بهترین‌ها را برگزینیمحسن روحانی، رئیس جمهور کشورمان،"
                 " امروز گفت: روز دوم اسفند روز افتخار مردم است.")
    assert said == [("حسن روحانی", "پای صندوق می‌رویم تا بهترین‌ها را برگزینیم"),
                    ("حسن روحانی", "روز دوم اسفند روز افتخار مردم است.")]
    # A rank or an honorific written onto the heading's last word.
    glued_names = (("از مردمسرلشکر محمد باقری", "محمد باقری"), ("در انتخاباتآیت‌الله احمد جنتی", "احمد جنتی"))
    for glued, name in glued_names:
        said = _said(f"دعوت برای حضور {glued}، هم پیامی صادر کرد. او در پیام خود نوشت: مشارکت مردم مهم است.")
        assert said == [(name, "مشارکت مردم مهم است.")]
    # A word's ending is no name, though a surname follows.
    said = _said("استانداران روحانی گفتند: کار آغاز شد و ادامه دارد.")
    assert not any(speaker.startswith("اران") for speaker, _ in said)


def test_a_foreign_name_in_guillemets_is_all_the_words_inside() -> None:
    said = _said("«چانگ هوا» سفیر چین در تهران نوشت: تیم متخصصان چین را به مقصد ایران ترک کردند.")
    assert said == [("چانگ هوا", "تیم متخصصان چین را به مقصد ایران ترک کردند.")]
    # A nickname of everyday words in «…» is not stretched into a name.
    said = _said("«چریک پیر» بهزاد نبوی در این گفت‌وگو گفت: من هیچ‌گاه کمونیست نبوده‌ام.")
    assert [speaker for speaker, _ in said] != ["چریک پیر"]


def test_a_newspapers_managing_editor_is_a_title_tied_to_the_name() -> None:
    said = _said("حسین شریعتمداری مدیرمسئول روزنامه کیهان، در واکنش به این سفر گفت: این تصمیم درست نیست.",
                 "مدیرمسئول روزنامه کیهان ادامه داد: باید پاسخ بدهند.")
    assert [speaker for speaker, _ in said] == ["حسین شریعتمداری"] * 2


def test_words_in_guillemets_before_the_cue_are_the_speakers_own() -> None:
    said = _said("حسن ملکی، معاون وزیر، با بیان اینکه «خودکفایی در گندم یک ضرورت است» تصریح کرد:"
                 " خرید آغاز شد.")
    assert said == [("حسن ملکی", "خودکفایی در گندم یک ضرورت است"), ("حسن ملکی", "خرید آغاز شد.")]
    quotes = extract(["حسن ملکی با بیان اینکه «خودکفایی در گندم یک ضرورت است» گفت: خرید آغاز شد."]).quotes
    assert [q.kind for q in quotes] == [QuoteKind.DIRECT, QuoteKind.DIRECT]


def test_what_someone_will_say_is_no_cue() -> None:
    said = _said("علی رضایی گفت: به او خواهم گفت که ایران نباید چنین کند.")
    assert said == [("علی رضایی", "به او خواهم گفت که ایران نباید چنین کند.")]


def test_a_transcripts_office_is_not_the_next_turns_name() -> None:
    said = _said("مقام معظم رهبری: «در حالت عادی اشکالی ندارد.» آیت الله سیستانی: «خمس دارد.»",
                 "مقام معظم رهبری: «اگر از درآمد کسب باشد خمس دارد.»")
    assert [speaker for speaker, _ in said] == ["مقام معظم رهبری", "سیستانی", "مقام معظم رهبری"]


def test_the_rest_of_a_writers_text_is_the_writers() -> None:
    said = _said("امیر تیبون در هاآرتص نوشت: سفیر سخنرانی کرد.",
                 "به گزارش روز نو، در ادامه این مطلب آمده است: آن هشدار مهم بود.",
                 "در این بیانیه آمده است: همه چیز آرام است.")
    # A statement is its issuer's, and nobody here issued one.
    assert said == [("امیر تیبون", "سفیر سخنرانی کرد."), ("امیر تیبون", "آن هشدار مهم بود.")]


def test_a_name_with_a_word_written_onto_it_is_the_person_named_without() -> None:
    said = _said("بایدن گفت: اول.", "جو بایدنمجری ادامه داد: دوم.", "برنی سندرزسندرز گفت: سوم.")
    assert [speaker for speaker, _ in said] == ["جو بایدن", "جو بایدن", "برنی سندرز"]


def test_the_lede_gives_the_office_and_the_next_sentence_the_name() -> None:
    # Even when the office's sentence reports a clause before its cue.
    said = _said("بازرس کل استان گیلان با بیان اینکه از عملکرد مدیران راضی نیستیم، گفت: اول.",
                 "سیف‌الله مسرور در ادامه گفت: دوم.", "حسین اسمعیل‌پور فرماندار رودسر گفت: سوم.")
    assert [speaker for speaker, _ in said] == ["سیف‌الله مسرور"] * 3 + ["حسین اسمعیل‌پور"]


def test_each_office_a_title_joins_with_and_is_held() -> None:
    said = _said("مجید تخت روانچی، سفیر و نماینده دائم ایران در سازمان ملل، گفت: اول.",
                 "علی رضایی گفت: دوم.", "نماینده ایران در سازمان ملل تاکید کرد: سوم.")
    assert [speaker for speaker, _ in said] == ["مجید تخت روانچی", "علی رضایی", "مجید تخت روانچی"]


def test_another_official_with_also_is_not_the_one_named_person() -> None:
    said = _said("علی رضایی گفت: اول.", "رییس بیمارستان رازی نیز گفت: دوم.")
    assert said == [("علی رضایی", "اول."), ("رییس بیمارستان رازی", "دوم.")]


def test_short_forms_of_a_named_person_are_that_person() -> None:
    # A glued adjunct ends the name; a subject that runs on past a known surname into
    # everyday words is that surname; a two-word family name is shortened to its first part.
    assert _said("سید جلال ملکی دراین‌باره گفت: اول.", "ملکی افزود: دوم.") == [
        ("سید جلال ملکی", "اول."), ("سید جلال ملکی", "دوم."),
    ]
    assert _said("حسن میرباقری گفت: اول.", "میرباقری واردات کاغذ را مهم دانست و گفت: دوم.") == [
        ("حسن میرباقری", "اول."), ("حسن میرباقری", "دوم."),
    ]
    assert _said("نائب رئیس فراکسیون زنان مجلس، آقاپور علیشاهی گفت: اول.", "آقاپور ادامه داد: دوم.") == [
        ("آقاپور علیشاهی", "اول."), ("آقاپور علیشاهی", "دوم."),
    ]
    # A given name is not a short form of its person: nobody says علی for علی رضایی.
    said = _said("علی رضایی گفت: اول.", "علی افزود: دوم.")
    assert ("علی رضایی", "دوم.") not in said


def test_an_office_named_with_and_without_its_listed_fields_is_one_person() -> None:
    said = _said("علیرضا صادقی راد معاون دانشجویی وزیر علوم، تحقیقات و فناوری گفت: اول.",
                 "معاون وزیر علوم افزود: دوم.")
    assert said == [("علیرضا صادقی راد", "اول."), ("علیرضا صادقی راد", "دوم.")]


def test_everyday_words_in_narration_do_not_take_the_next_pronoun() -> None:
    said = _said("عباسعلی کدخدایی گفت: قانون آن را گفته.",
                 "ممنوعیت قانونی است و شورا نمی‌تواند آن را منتشر کند. وی درباره امنیت گفت: برعهده پلیس است.")
    assert said == [("عباسعلی کدخدایی", "قانون آن را گفته."), ("عباسعلی کدخدایی", "برعهده پلیس است.")]


def test_a_heading_written_onto_a_known_surname_is_that_person() -> None:
    said = _said("علی ربیعی سخنگوی دولت گفت: اول.",
                 "افزایش فوق العاده جذب کارکنان شهرداریربیعی ادامه داد: دوم.")
    assert said == [("علی ربیعی", "اول."), ("علی ربیعی", "دوم.")]
    # Onto a word nobody in the article is called: nobody speaks.
    assert _said("علی ربیعی گفت: اول.", "افزایش فوق العاده جذب کارکنان شهرداریکریمی ادامه داد: دوم.") == [
        ("علی ربیعی", "اول."),
    ]


def test_everyday_words_before_a_cue_are_no_speaker_but_a_known_surname_is() -> None:
    assert _said("تذکر گفت: این درست نیست.") == []
    assert _said("محمدجواد ظریف گفت: اول.", "ظریف افزود: دوم.") == [
        ("محمدجواد ظریف", "اول."), ("محمدجواد ظریف", "دوم."),
    ]


def test_speaker_kinds() -> None:
    assert _kinds("یک منبع آگاه گفت: الف.", "وزارت کشور اعلام کرد: ب.", "سخنگوی دولت گفت: ج.",
                  "علی ربیعی، سخنگوی شورا، گفت: د.") == {
        "یک منبع آگاه": SpeakerKind.ANONYMOUS, "وزارت کشور": SpeakerKind.ORGANISATION,
        "سخنگوی دولت": SpeakerKind.TITLE, "علی ربیعی": SpeakerKind.PERSON,
    }


def test_json_carries_kinds() -> None:
    article = analyze_text("یک منبع آگاه گفت: مذاکرات ادامه دارد.\n")
    data = article.to_json()
    assert data["quotes"][0] == {"speaker": "یک منبع آگاه", "text": "مذاکرات ادامه دارد.", "paragraph": 0,
                                 "kind": "direct"}
    assert data["speakers"][0] == {"name": "یک منبع آگاه", "aliases": [], "kind": "anonymous", "titles": []}


@pytest.mark.parametrize(
    ("name", "short"),
    [("وحید گلی کانی", "گلی کانی"), ("محمد جواد ظریف", "ظریف"), ("مرتضی جوادی آملی", "جوادی آملی"),
     ("قدرت الله ترابی نژاد", "ترابی نژاد"), ("علیرضا خامسیان", "خامسیان")],
)
def test_short_name_keeps_a_compound_surname(name: str, short: str) -> None:
    assert short_name(Speaker(name)) == short


def test_headline_of_a_compound_surname() -> None:
    article = analyze_text("وحید گلي كاني در این نشست گفت: شهرستان آماده انتخابات است.\n")
    assert article.headline is not None
    assert article.headline.startswith("گلی کانی: ")


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [("رئیس بیمارستان", "رئیس بیمارستان امام حسین (ع) شاهرود", True),
     ("عضو کمیسیون حمل و نقل شورا", "عضو کمیسیون حمل و نقل شورای شهر مشهد", True),
     ("رئیس پلیس راهور مازندران", "رئیس پلیس راهور استان مازندران", True),
     ("رئیس", "رئیس پلیس", False), ("معاون رئیس بیمارستان", "رئیس بیمارستان امام", False),
     ("رئیس پلیس راهور", "رئیس پلیس", False)],
)
def test_a_title_shortens_another(short: str, long: str, expected: bool) -> None:
    assert shortens(short, long) is expected


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [("شهردار کرج", "شهرداری کرج", True),
     ("مدیرکل حفاظت محیط زیست لرستان", "اداره کل حفاظت محیط زیست استان لرستان", True),
     ("رئیس دانشگاه بوعلی سینا", "دانشگاه بوعلی سینا", True),
     ("مدیرعامل شرکت گاز استان گیلان", "شرکت گاز استان گیلان", True),
     ("معاون شهردار کرج", "شهرداری کرج", False), ("رئیس شورای شهر کرج", "شهرداری کرج", False),
     ("مدیرعامل شرکت ملی گاز", "شرکت ملی گاز استان گیلان", False)],
)
def test_a_title_heads_a_body(title: str, body: str, expected: bool) -> None:
    assert heads_body(title, body) is expected


def test_a_title_query_matches_whole_titles_first() -> None:
    assert match("رئیس‌جمهور", "حسن روحانی", ["رئیس جمهوری اسلامی ایران"]) is Match.START
    assert match("رئیس‌جمهور", "اسحاق جهانگیری", ["معاون اول رئیس‌جمهور"]) is Match.WORDS


def test_one_article_quotes_at_most_a_few_hundred() -> None:
    paragraph = " ".join(f"علی رضایی گفت: کار {i} ادامه دارد." for i in range(2000))
    assert len(extract((paragraph,)).quotes) == 300


# -- across articles ----------------------------------------------------------------------


async def _ingest(ingestor: Ingestor, *texts: str) -> None:
    for i, text in enumerate(texts):
        await ingestor.ingest_text(text + "\n", Origin(OriginKind.TEXT, f"t{i}"))


async def test_a_surname_joins_the_one_full_name_it_fits(store: Store, ingestor: Ingestor) -> None:
    await _ingest(ingestor, "ظریف گفت: اول.", "محمدجواد ظریف، وزیر امور خارجه، گفت: دوم.")
    (person,) = await store.find_speakers("ظریف")
    assert person.name == "محمدجواد ظریف"
    assert [q.quote.speaker for q in await store.quotes_by([person])] == ["محمدجواد ظریف"] * 2
    assert [(c.speaker.name, c.quotes) for c in await store.speakers()] == [("محمدجواد ظریف", 2)]
    # A second … ظریف: the bare surname fits two people, and stands alone again.
    await _ingest(ingestor, "مهدی ظریف گفت: سوم.")
    assert sorted(s.name for s in await store.find_speakers("ظریف")) == ["ظریف", "محمدجواد ظریف", "مهدی ظریف"]
    assert len(await store.quotes_by(await store.find_speakers("محمدجواد ظریف"))) == 1


async def test_a_name_with_and_without_sayyid_is_one_person(store: Store, ingestor: Ingestor) -> None:
    await _ingest(ingestor, "سید ابراهیم رئیسی، رئیس قوه قضاییه، گفت: اول.", "ابراهیم رئیسی گفت: دوم.")
    assert [(c.speaker.name, c.quotes) for c in await store.speakers()] == [("سید ابراهیم رئیسی", 2)]
    (person,) = await store.find_speakers("ابراهیم رئیسی")
    assert len(await store.quotes_by([person])) == 2
    # سید alone, or inside a name, is the name's own.
    assert speaker_key("سید رئیسی") != speaker_key("رئیسی")
    assert speaker_key("قره سید رومیانی") != speaker_key("قره رومیانی")


async def test_anonymous_sources_are_stored_but_not_listed(store: Store, ingestor: Ingestor) -> None:
    await _ingest(ingestor, "یک منبع آگاه گفت: اول.", "علی رضایی گفت: دوم.")
    assert [c.speaker.name for c in await store.speakers()] == ["علی رضایی"]
    assert await store.find_speakers("منبع آگاه") == []


async def test_choices_carry_each_persons_newest_title(store: Store, ingestor: Ingestor) -> None:
    await _ingest(
        ingestor,
        "date 2024-01-01\nمهدی رضایی، فرماندار قدس، گفت: اول.",
        "date 2025-01-01\nمهدی رضایی، استاندار تهران، گفت: دوم.",
        "date 2025-01-01\nعلی رضایی، رئیس دانشگاه تهران، گفت: سوم.",
    )
    found = {s.name: s for s in await store.find_speakers("رضایی")}
    assert set(found) == {"مهدی رضایی", "علی رضایی"}
    assert found["مهدی رضایی"].titles == ("استاندار تهران", "فرماندار قدس")
    assert found["علی رضایی"].titles[0] == "رئیس دانشگاه تهران"


def test_a_speakers_label_before_a_colon() -> None:
    said = _said("پرسش: آیا خانه دوم خمس دارد؟",
                 "آیت الله سیستانی: «خمس دارد.» آیت الله مکارم شیرازی: «ندارد.»",
                 "موضوع: برگزاری نشست", "منبع:ایسنا", "جلسه ساعت ۱۰:۳۰ برگزار شد.")
    assert said == [("سیستانی", "خمس دارد."), ("مکارم شیرازی", "ندارد.")]


def test_a_question_before_the_verb_is_in_the_speakers_sentence() -> None:
    said = _said("علی رضایی گفت: اول.", "مهدی احمدی در پاسخ به این سوال که وضع چیست؟ اظهار کرد: خوب است.")
    assert said == [("علی رضایی", "اول."), ("مهدی احمدی", "خوب است.")]


def test_an_office_of_a_place_ends_before_the_object() -> None:
    mention = subject("حسین اسمعیل‌پور فرماندار رودسر قطعی برق را مهم‌ترین مشکل اعلام و ")
    assert mention is not None
    assert (mention.name, mention.title) == ("حسین اسمعیل‌پور", "فرماندار رودسر")


async def test_a_full_name_finds_the_surname_the_archive_has_alone(store: Store, ingestor: Ingestor) -> None:
    await _ingest(ingestor, "ربیعی، سخنگوی دولت، گفت: اول.", "آیت‌الله سیستانی: «دوم.»")
    assert [s.name for s in await store.find_speakers("علی ربیعی")] == ["ربیعی"]
    assert [s.name for s in await store.find_speakers("آیت‌الله سیستانی")] == ["سیستانی"]


@pytest.mark.parametrize("words", ["جواد ", "محمد ", "پست "])
def test_a_lone_given_name_or_everyday_word_is_nobody_unless_the_article_names_them(words: str) -> None:
    mention = subject(words)
    assert mention is None or mention.evidence == NONE


def test_a_name_has_letters_only() -> None:
    mention = subject("/ غفوری ")
    assert mention is not None
    assert mention.name == "غفوری"


async def test_a_name_finds_its_person_before_an_office_ending_with_it(store: Store, ingestor: Ingestor,
                                                                      ) -> None:
    await _ingest(ingestor, "پرنس چارلز گفت: سفر به ایران را دوست دارم.",
                  "سخنگوی پرنس چارلز گفت: برنامه‌ای برای سفر نیست.")
    assert [s.name for s in await store.find_speakers("پرنس چارلز")] == ["چارلز"]
    assert [s.name for s in await store.find_speakers("سخنگوی پرنس چارلز")] == ["سخنگوی پرنس چارلز"]
