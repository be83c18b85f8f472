"""Where quotes are in a paragraph: reporting cues and the words they introduce.

A quote is cued by a reporting verb before a colon (``گفت:``, ``تصریح کرد:``, ``ادامه
داد:`` …), before a «…» quotation, or before a comma and the speaker's own words (``گفت،
ما …``). It runs to the end of its paragraph, to its closing », or to the sentence where
the next cue takes over. A colon after anything else (``به شرح زیر اعلام می‌شود:``,
``عبارت است از:``) is not a quote. Reported speech (``گفت که …``, ``گفت، دولت …``) is the
clause it reports, and names a speaker for a later ``وی``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from storage.analysis.quotes.glue import glued_sentence_start
from storage.analysis.quotes.lexicon import known_word
from storage.text.letters import ZWNJ, fold
from storage.text.sentences import ATTRIBUTION, Quotations, sentence_ends

# -- reporting verbs --------------------------------------------------------------

# Simple verbs as (past stem, present stem).
_SIMPLE_VERBS = (("گفت", "گوی"), ("افزود", "افزای"), ("نوشت", "نویس"), ("پرسید", "پرس"),
                 ("فرمود", "فرمای"))
# Compound verbs: what goes before each light verb. Passive forms (اعلام شد, گفته
# می‌شود) have no speaker and are left out on purpose.
_PREVERBS = {
    ("کرد", "کن"): "تصریح اظهار تاکید تأکید خاطرنشان اعلام بیان عنوان اضافه اشاره تشریح ادعا اذعان"
                   " ابراز اعتراف یادآوری توصیه پیشنهاد گلایه انتقاد مطرح درخواست تقاضا سوال سؤال",
    ("نمود", "نمای"): "تصریح اظهار تاکید تأکید خاطرنشان اعلام بیان عنوان اضافه اشاره تشریح ادعا"
                     " اذعان ابراز یادآوری",
    ("داشت", "دار"): "اظهار بیان ابراز اذعان اعلام عنوان",
    ("داد", "ده"): "ادامه توضیح پاسخ هشدار خبر شرح جواب گزارش",
    ("شد", "شو"): "یادآور متذکر مدعی خاطرنشان خواستار",
    ("ساخت", "ساز"): "خاطرنشان متذکر خاطر‌نشان",
}
# Written apart as often as together: خاطر نشان کرد, یاد آور شد.
_SPLIT_PREVERBS = {("کرد", "کن"): "خاطر‌نشان", ("نمود", "نمای"): "خاطر‌نشان", ("شد", "شو"): "یاد‌آور خاطر‌نشان",
                   ("ساخت", "ساز"): "خاطر‌نشان"}
# Every preverb, folded: mentions cut a narration subject before ``اعلام کرد``.
PREVERB_WORDS = frozenset(fold(w) for words in _PREVERBS.values() for w in words.split())
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


_OTHER_FORMS = ("معتقد است", "معتقد هستند", "معتقد بود", "اظهارداشت", "اظهارکرد", "یادآورشد",
                *("تاکیدکرد", "تصریح‌کرد", "تصریحکرد", "خاطرنشانکرد"))
# A document speaks: در این بیانیه آمده است:, اطلاعیه … حاکی است: (its issuer is the speaker).
DOCUMENT_FORMS = ("آمده است", "آمده‌است", "آمده", "حاکی است", "حاکی از آن است")


def _verb_pattern() -> str:
    forms = [f for past, present in _SIMPLE_VERBS for f in _inflections(past, present)]
    forms += [*_OTHER_FORMS, *DOCUMENT_FORMS]
    compounds = []
    for (past, present), preverbs in _PREVERBS.items():
        split = _SPLIT_PREVERBS.get((past, present), "").split()
        words = preverbs.split() + [w.replace(ZWNJ, " ") for w in split]
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
# A semicolon right after the verb (گفت؛) is a colon mistyped.
_TRIGGER = re.compile(rf"[:：«؛]|که(?<=[تده] که)(?![\w{ZWNJ}])|،(?<=[تده]،)")
# Words only a speaker says of themselves or to whom they speak: after ``گفت،`` they make
# the words the speaker's own (direct), not the reporter's account of them.
_FIRST_PERSON_WORDS = frozenset({"ما", "من", "مان", "ام", "ایم"})
_FIRST_PERSON = re.compile(
    rf"(?<![\w{ZWNJ}])(?:{'|'.join(_FIRST_PERSON_WORDS)})(?![\w{ZWNJ}])"
    rf"|(?<![\w{ZWNJ}])[\w{ZWNJ}]*\w(?:یم|ایم|یدیم|دیم|تیم)(?![\w{ZWNJ}])")


def first_person(text: str, start: int = 0, stop: int | None = None) -> bool:
    """Whether ``text[start:stop]`` has a word in the first person: a pronoun, or a verb
    ending in یم (داریم, می‌کنیم, آمده‌ایم). A word the lexicon lists is no inflected verb:
    تحریم, تصمیم, تیم and ابراهیم are a noun and a name, whoever says them."""
    for found in _FIRST_PERSON.finditer(text, start, len(text) if stop is None else stop):
        word = found.group()
        if word in _FIRST_PERSON_WORDS or not known_word(word) or word.startswith(("نیست", "هست")):
            return True
    return False
_SPOKEN_TO = re.compile(rf"(?<![\w{ZWNJ}])شما(?![\w{ZWNJ}])")


def _last_words() -> tuple[str, ...]:
    """The words reporting verb forms end with (گفت, کرد, است …), and ``که``: the word
    before a cue ends with one of them (``تاکیدکرد`` too, written without a space)."""
    verbs = [*_SIMPLE_VERBS, *_PREVERBS]
    forms = [f for past, present in verbs for f in _inflections(past, present)]
    forms += [*_OTHER_FORMS, *DOCUMENT_FORMS]
    return tuple({f.replace(ZWNJ, " ").split()[-1] for f in forms} | {"که"})


_LAST_WORDS = _last_words()
_VERB_BEFORE = re.compile(rf"(?<![\w{ZWNJ}])(?:{_verb_pattern()})\s*(?P<ke>که\s*)?$")
# The commonest verbs of four letters or more, written onto the word before (ویافزود,
# جلسهافزود): copy that lost a space.
_GLUED_VERB = re.compile(rf"(?<=\w)(?:{_alternatives(['افزود', 'تصریح کرد', 'اظهار داشت', 'اظهار کرد',
                                                           'خاطرنشان کرد', 'ادامه داد', 'تاکید کرد',
                                                           'تأکید کرد'])})\s*(?P<ke>(?!))?$")
_DOCUMENT_VERB = re.compile("آمده|حاکی")
_CONTINUING = re.compile("افزود|افزای|ادامه|اضافه")
_QUESTION = re.compile("[؟?]")
_LOOKBEHIND = 60
_GUILLEMET = re.compile("[«»]")

# -- finding cues and quotes ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cue:
    paragraph: int
    start: int  # of the verb
    end: int  # past the colon, or at the «
    indirect: bool
    document: bool = False  # در این بیانیه آمده است: the words of a document
    label: bool = False  # آیت‌الله سیستانی: «…»: a speaker's name before a colon, no verb
    continues: bool = False  # افزود, ادامه داد: the speaker before goes on


def _cues(paragraph: str, index: int) -> list[_Cue]:
    cues: list[_Cue] = []
    quotation = Quotations(paragraph)
    for trigger in _TRIGGER.finditer(paragraph):
        at = trigger.start()
        window = max(0, at - _LOOKBEHIND)
        last = paragraph[window:at].rsplit(None, 1)
        # A cheap test before the verb search, which is slow.
        verb = None
        if last and last[-1].endswith(_LAST_WORDS):
            verb = _VERB_BEFORE.search(paragraph, window, at) or _GLUED_VERB.search(paragraph, window, at)
        if verb is None and trigger.group() in ":：" and (label := _label(paragraph, at)) is not None:
            if not quotation.inside(label) and not (cues and label < cues[-1].end):
                cues.append(_Cue(index, label, trigger.end(), False, label=True))
            continue
        if verb is None or (verb.group("ke") and trigger.group() != "«"):
            continue
        start = verb.start()
        if _FUTURE.search(paragraph, max(0, start - 12), start):
            continue  # خواهم گفت که …: what someone will say is no report of what was said
        comma = trigger.group() == "،"
        if cues and cues[-1].start == start:  # گفت که «…»: the quotation, not reported speech
            cues.pop()
        end = at if trigger.group() == "«" else trigger.end()
        misplaced = _MISPLACED_CLOSE.match(paragraph, end)  # «وی گفت:» …: the marks are astray
        if misplaced:
            end = misplaced.end()
        # A cue inside someone's «…» is part of their words, not the reporter's.
        if (quotation.inside(start) and not misplaced) or (cues and start < cues[-1].end):
            continue
        indirect = trigger.group() == "که" or (comma and not _own_words(paragraph, end))
        document = _DOCUMENT_VERB.search(verb.group()) is not None
        continues = _CONTINUING.search(verb.group()) is not None
        cues.append(_Cue(index, start, end, indirect, document, continues=continues))
    return cues


_MISPLACED_CLOSE = re.compile(r"\s*»")
_FUTURE = re.compile(rf"(?<![\w{ZWNJ}])ن?خواه(?:م|ی|د|یم|ید|ند)\s+$")
_SENTENCE_END = re.compile(r"[.!؟?]")


def _own_words(paragraph: str, at: int) -> bool:
    """Whether the sentence from ``at`` is in the speaker's own person (``گفت، ما …``, ``پرسید،
    شما …``): only then is a comma after the verb a colon; otherwise it is reported speech."""
    end = _SENTENCE_END.search(paragraph, at)
    stop = end.start() if end else len(paragraph)
    if ":" in paragraph[at:stop]:
        return False  # که دیروز سخن گفت، امروز گفت: … — the colon's cue is the one
    return first_person(paragraph, at, stop) or bool(_SPOKEN_TO.search(paragraph, at, stop))


_LABEL_CHARS = 50
_LABEL_BOUNDARY = re.compile(r"[»؟?.!\n][^»؟?.!\n]*$")


def _label(paragraph: str, at: int) -> int | None:
    """Where a speaker's label before the colon at ``at`` starts, as transcripts and
    rulings print them (``مقام معظم رهبری: «…»``, a line opening ``بایدن: …``): a few
    words after a sentence's end or a closing », with «…» or the paragraph's start around
    them. Whether the words name a speaker is for the mentions to tell."""
    window = max(0, at - _LABEL_CHARS)
    boundary = _LABEL_BOUNDARY.search(paragraph, window, at)
    start = boundary.start() + 1 if boundary else (0 if window == 0 else None)
    if start is None:
        return None
    words = paragraph[start:at].split()
    if not 1 <= len(words) <= 5 or any(c.isdigit() or c in "،,؛:" for c in paragraph[start:at]):
        return None
    if ATTRIBUTION.match(paragraph[start : at + 1]):
        return None  # به گزارش روز نو: «NAME» …: the wire's credit closed by a colon
    if start > 0 and not paragraph[at + 1:at + 3].lstrip().startswith("«"):
        return None
    return start + len(paragraph[start:at]) - len(paragraph[start:at].lstrip())


def _sentence_start(at: int, ends: tuple[int, ...], paragraph: str = "") -> int:
    """Where the sentence holding ``at`` starts; a question the reporter quotes before the
    verb (``X در پاسخ به این سوال که … چیست؟ اظهار کرد:``) is part of it."""
    i = bisect.bisect_right(ends, at)
    while i and not paragraph[ends[i - 1]:at].strip() and _QUESTION.search(paragraph, max(0, ends[i - 1] - 3),
                                                                             ends[i - 1]):
        at, i = ends[i - 1] - 1, i - 1
    return ends[i - 1] if i else 0


def _closing_quotes(text: str) -> dict[int, int]:
    """Each «'s place → the place of the » that closes it, nested pairs counted; one pass."""
    if "«" not in text:
        return {}
    pairs: dict[int, int] = {}
    opened: list[int] = []
    for mark in _GUILLEMET.finditer(text):
        if mark.group() == "«":
            opened.append(mark.start())
        elif opened:
            pairs[opened.pop()] = mark.start()
    return pairs


def _quote_text(paragraph: str, cue: _Cue, stop: int, closing: dict[int, int]) -> str:
    """From the cue to its closing », else to ``stop`` (the paragraph's end or the next cue's
    sentence)."""
    rest = paragraph[cue.end:stop]
    lead = len(rest) - len(rest.lstrip())
    if rest[lead:lead + 1] == "«":
        close = closing.get(cue.end + lead)
        if close is not None:
            return paragraph[cue.end + lead + 1 : close].strip()
        rest = rest[lead + 1:]
    return rest.strip()


_MIN_REPORTED_WORDS = 3
_ASKED = re.compile("پرسید|می[ \u200c]?پرس|سوال|سؤال")


def _reported_text(paragraph: str, cue: _Cue, ends: tuple[int, ...], verb_next: int) -> str:
    """What reported speech says: from ``که`` (or the comma) to its sentence's end, or to the
    ``و`` before the next cue in it (``تاکید کرد که … و گفت: …``); '' when that is a word or
    two, too little to stand as what someone said."""
    end = next((e for e in ends if e > cue.end), len(paragraph))
    if verb_next < end:
        joined = paragraph.rfind(" و ", cue.end, verb_next)
        end = joined if joined >= 0 else verb_next
    text = paragraph[cue.end:end].strip()
    return text if len(text.split()) >= _MIN_REPORTED_WORDS else ""


# The answer's subject after a question quoted in the same sentence: ``X پرسید: …؟ Y پاسخ
# داد: …``, ``… توضیح دهید که متهم پاسخ داد: …``.
_ANSWER = re.compile(r"(?:[؟?]\s*(?:که\s+)?|\sکه\s+)((?:[^\s:،,؛.؟?]+\s+){0,3}[^\s:،,؛.؟?]+)\s*$")
_ANSWER_VERB = re.compile(r"(?:پاسخ|جواب)[\s\u200c]*(?:داد|می[\s\u200c]*دهد)")


def _skip_space(text: str, at: int) -> int:
    return len(text) - len(text[at:].lstrip()) if at < len(text) else at


def _answer(paragraph: str, asked: _Cue, cue: _Cue) -> tuple[int, int] | None:
    """Where a question quoted before ``cue`` in its sentence ends and the answer's subject
    starts, when ``cue`` answers it (a dialogue reported in one sentence); else ``None``,
    and ``cue`` is part of the quote before it (``گفت: امام فرمود: …``)."""
    if asked.indirect or asked.label:
        return None
    question = _ASKED.match(paragraph, asked.start) is not None
    found = _ANSWER.search(paragraph, asked.end, cue.start)
    if found is None or not (question or _ANSWER_VERB.match(paragraph, cue.start)):
        return None
    after_mark = found.group()[:1] in "؟?"
    if not (after_mark or question):
        return None  # … که X پاسخ داد inside words that asked nothing: still their words
    return found.start() + after_mark, found.start(1)


def _glued_start(paragraph: str, before: _Cue, cue: _Cue) -> tuple[int, int] | None:
    """Where ``cue``'s sentence starts when it was written onto the quote before it with no
    stop between (a heading, ``روحانی: … برگزینیمحسن روحانی … گفت: …``): the words are
    not the first speaker's, and the sentence has its own subject."""
    at = glued_sentence_start(paragraph[before.end : cue.start])
    return None if at is None else (before.end + at, before.end + at)


def spans(paragraphs: Sequence[str]) -> Iterator[tuple[int, tuple[_Cue, int, str]]]:
    """Each cue's paragraph, and the cue, the start of its sentence, and its quote's text
    (for reported speech, the clause it reports); the cue's ``paragraph`` is where the
    quote's text is.

    A quote stops where the sentence of the next cue starts. A cue in the same sentence
    as a quote before it is inside that quote (``گفت: امام فرمود: …``) and is skipped;
    after reported speech it is not (``X تاکید کرد که … و گفت: …``), nor where a sentence
    was written onto the quote's last word (``… برگزینیمحسن روحانی … گفت: …``).
    """
    cues_of = [_cues(paragraph, index) for index, paragraph in enumerate(paragraphs)]
    for index, (paragraph, cues) in enumerate(zip(paragraphs, cues_of, strict=True)):
        if not cues:
            continue
        ends = sentence_ends(paragraph)
        closing = _closing_quotes(paragraph)
        starts = [c.start if c.label else _sentence_start(c.start, ends, paragraph) for c in cues]
        stops = list(starts)  # where the quote before each cue ends
        for k in range(1, len(cues)):
            opens_ke = paragraph.startswith("که ", _skip_space(paragraph, starts[k]))  # …؟ که متهم گفت:
            if starts[k] < cues[k - 1].end or opens_ke:
                before, cue = cues[k - 1], cues[k]
                split = _answer(paragraph, before, cue) or _glued_start(paragraph, before, cue)
                stops[k], starts[k] = split or (stops[k], starts[k])
        kept = [k for k in range(len(cues))
                if k == 0 or cues[k - 1].indirect or starts[k] >= cues[k - 1].end]
        for n, k in enumerate(kept):
            cue = cues[k]
            stop = stops[kept[n + 1]] if n + 1 < len(kept) else len(paragraph)
            if cue.indirect:
                # Not a second cue of one sentence (… پرسید که … و او معتقد بود که …): its
                # subject is not where the sentence starts. Nor a question asked (پرسید که).
                again = n > 0 and starts[kept[n - 1]] == starts[k]
                verb_next = cues[kept[n + 1]].start if n + 1 < len(kept) else len(paragraph)
                asked = _ASKED.match(paragraph, cue.start) is not None
                text = "" if again or asked else _reported_text(paragraph, cue, ends, verb_next)
            else:
                text = _quote_text(paragraph, cue, stop, closing)
            if not text and not cue.indirect and index + 1 < len(paragraphs) and not cues_of[index + 1]:
                # ``… افزود:`` closing its paragraph: the words are the next paragraph.
                text, cue = paragraphs[index + 1], dataclasses.replace(cue, paragraph=index + 1)
            yield index, (cue, starts[k], text)
