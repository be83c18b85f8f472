"""Who sentences without a cue are about, who issued a document, and whose press office
wrote the article: the context a pronoun, ``در این بیانیه`` or an office is resolved in."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from storage.analysis.quotes.clauses import before_object, before_predicate
from storage.analysis.quotes.cues import first_person
from storage.analysis.quotes.lexicon import MEDIA, ORG_HEADS, head_of, heads
from storage.analysis.quotes.mentions import (
    COMMAS,
    STRONG,
    WEAK,
    Kind,
    Mention,
    anaphor_at,
    classify,
    listed_tail,
    noun_phrase,
    speaker_tokens,
    tokens_of,
    with_apposition,
)
from storage.text.letters import ZWNJ
from storage.text.sentences import ATTRIBUTION, fold_word

_NARRATION_CHARS = 150  # a subject opens its sentence
SENTENCE_CHARS = 400  # of a sentence read for first-person words
# A piece of writing, whose words go on its writer's: این مطلب, این یادداشت.
_TEXT_WORDS = heads("مطلب مقاله یادداشت نوشته ستون سرمقاله")
WRITTEN = "written"  # a document mention's name when the document is a writer's text
_LAW_WORDS = heads("قانون اصل ماده بند آیین‌نامه آئین‌نامه تبصره لایحه مصوبه طرح")


def without_credit(text: str) -> str:
    """``text`` after the wire's or press office's credit (``به گزارش X،``), the fields its
    body lists included: ``به گزارش روابط عمومی اداره کل میراث فرهنگی، گردشگری و صنایع
    دستی استان یزد،`` ends at the comma after یزد, not the first one; and after a second
    credit, a wire citing another (``به گزارش ایسنا، به نقل از روسیا الیوم، …``)."""
    rest = _past_credit(text)
    return _past_credit(rest) if rest is not text else text


def _past_credit(text: str) -> str:
    found = ATTRIBUTION.match(text)
    if found is None:
        return text
    rest = text[found.end():]
    after = tokens_of(rest)
    closing = listed_tail(tokens_of(text[: found.end()].rstrip(" ،,:؛")), after)
    if closing is None:
        return rest
    at = 0  # past the closing comma, the text's own spacing kept
    for token in after[: closing + 1]:
        at = rest.index(token, at) + len(token)
    return rest[at:].lstrip()


def narration_subject(sentence: str) -> Mention | None:
    """Who a sentence without a cue is about, when its subject is clearly someone: a
    person named with evidence, an office, a body (``سپس X … گزارشی ارائه کرد.``: the
    ``وی`` after it is X). ``None`` for anything less certain."""
    if first_person(sentence, 0, SENTENCE_CHARS):
        return None  # ما, من, …یم: someone's words (a quote running on), not the reporter's
    text = without_credit(sentence[:_NARRATION_CHARS])
    tokens = speaker_tokens(text)
    if not tokens or anaphor_at(tokens):
        return None
    words, used, quoted = noun_phrase(tokens)
    words_before = words
    before_verb = before_predicate(words)
    if before_verb is not None:  # it ran into the predicate: X سخنگوی دولت اعلام کرد، …
        words = before_verb
    elif used >= len(tokens):
        return None  # nothing closed the phrase
    elif head_of(tokens[used]) == "را" and (words := before_object(words)) == words_before:
        # It ran into the object (ترامپ کریس مورفی سناتور دمکرات را … متهم کرد): only an
        # office of a place is known to end where its place does.
        return None
    mention = classify(words, quoted)
    if mention is not None and used < len(tokens) and tokens[used - 1] in COMMAS:
        mention = with_apposition(mention, tokens[used:])
    if mention is None:
        return None
    if mention.kind is Kind.NAME and mention.evidence != STRONG:
        return None
    if mention.kind is Kind.NAME and " " not in (mention.name or "") and not mention.title:
        return Mention(Kind.NAME, mention.name, evidence=WEAK)  # a surname alone: only someone named already
    return mention


def document_subject(text: str) -> Mention | None:
    """Who speaks in ``در بیانیه وزارت X آمده است:``: the body named there, else
    (``در این بیانیه``) whoever the article last named issuing something, or (``در ادامه این
    مطلب``, a text) whoever it last quoted writing; a law or a bill cited (``در اصل ۵۹
    قانون اساسی آمده است``) is nobody."""
    tokens = tokens_of(ATTRIBUTION.sub("", text, count=1))
    if any(head_of(t) in _LAW_WORDS for t in tokens):
        return None
    for i, token in enumerate(tokens):
        if token in COMMAS or head_of(token) == "که":
            break  # past the document's own phrase (در این اطلاعیه که … در اختیار ایرنا …)
        if head_of(token) in ORG_HEADS or fold_word(token) in MEDIA:
            words, _, _ = noun_phrase(tokens[i:])
            mention = classify(words)
            if mention is not None and mention.kind is Kind.ORG:
                return mention
    if any(head_of(a) == "این" and head_of(b) in _TEXT_WORDS for a, b in itertools.pairwise(tokens)):
        return Mention(Kind.DOCUMENT, name=WRITTEN)
    return Mention(Kind.DOCUMENT)


# ``به گزارش روابط عمومی X،``: a body's own press office reports on its people.
_PRESS_OFFICE = re.compile(
    rf"به\s*گزارش\s+(?:(?:اداره[\s{ZWNJ}]*کل|دفتر|حوزه|واحد)\s+)?(?:مرکز\s+|پایگاه\s+)?"
    rf"(?:روابط[\s{ZWNJ}]*عمومی|اطلاع[\s{ZWNJ}]*رسانی)\s+([^،,:؛.]{{3,100}}?)\s*[،,:؛]")
_PRESS_PARAGRAPHS = 3  # the credit opens the body of the item


def press_office(paragraphs: Sequence[str]) -> str | None:
    """The body whose press office issued the article, as its credit names it (``به گزارش
    روابط عمومی شرکت گاز استان آذربایجان غربی،``); ``None`` for an agency's own copy."""
    for paragraph in paragraphs[:_PRESS_PARAGRAPHS]:
        found = _PRESS_OFFICE.search(paragraph)
        if found is not None:
            body = found.group(1).split()
            if head_of(body[0]) not in ORG_HEADS:
                return None
            after = tokens_of(paragraph[found.end() - 1:])  # from the comma: its fields
            if (tail := listed_tail(body, after[1:])) is not None:
                body += after[: tail + 1]
            return " ".join(body).replace(" ،", "،").replace(" ,", ",")
    return None


# ``جلسه دادگاه … به ریاست قاضی صلواتی برگزار شد``: court news names the judge once, then
# quotes رئیس دادگاه and قاضی.
_PRESIDING = re.compile(
    rf"به\s+ریاست\s+قاضی\s+([^\s،,.؛:]+(?:[\s{ZWNJ}]+[^\s،,.؛:]+){{0,2}}?)"
    r"(?=\s*(?:[،,.؛:]|$|\s(?:در|برگزار|آغاز|تشکیل|و)(?:\s|$|[،,.؛])))")
JUDGE_TITLES = ("قاضی", "رئیس دادگاه", "رئیس محکمه")


def presiding_judges(paragraphs: Sequence[str]) -> list[str]:
    """The judges a court report says preside (``به ریاست قاضی X``), each once."""
    found: list[str] = []
    for paragraph in paragraphs:
        if "قاضی" not in paragraph:
            continue  # the cheap test first: analysis runs on every article
        for match in _PRESIDING.finditer(paragraph):
            name = match.group(1).strip()
            if name not in found and not any(head_of(w) in ORG_HEADS for w in name.split()):
                found.append(name)
    return found

