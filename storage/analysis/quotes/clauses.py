"""Where a subject phrase ran on past its end: into its predicate (``X سخنگوی دولت اعلام
کرد``) or its object (``فرماندار رودسر قطعی برق را``)."""

from __future__ import annotations

from storage.analysis.quotes.cues import PREVERB_WORDS
from storage.analysis.quotes.lexicon import head_of, heads, name_like, whole
from storage.text.sentences import fold_word

# Offices of a place, whose complement is the place's name (استاندار گیلان, فرماندار قدس).
_PLACE_OFFICES = heads("استاندار فرماندار فرمانداران شهردار شهرداران بخشدار دهیار امام‌جمعه")
_PLACE_KINDS = heads("استان شهرستان شهر بخش منطقه روستای")
_NAME_WORDS = 6  # an office, then at most a name's words before the place

# Verb forms a subject phrase never holds: a phrase that does ran into its predicate.
_VERBISH = whole("است بود شد کرد داد گفت گفته کرده شده بوده داشت نمود هست نیست دارد ندارد"
                 " شدند کردند دادند دارند خواهد گرفت رسید یافت")


def verbish(word: str) -> bool:
    folded = fold_word(word)
    return folded in _VERBISH or folded.startswith(("می ", "نمی ")) or folded.endswith(" اند")


def before_predicate(words: list[str]) -> list[str] | None:
    """The words before the verb a phrase ran into, and before its preverb (``X سخنگوی دولت
    اعلام کرد`` → X سخنگوی دولت); ``None`` when no verb is among them."""
    verb = next((i for i, w in enumerate(words) if verbish(w)), None)
    if verb is None:
        return None
    return words[: verb - 1 if verb and fold_word(words[verb - 1]) in PREVERB_WORDS else verb]


def before_object(words: list[str]) -> list[str]:
    """The subject of ``words`` that ran on into the object before ``را``: an office of a
    place is the office and its place (``فرماندار رودسر قطعی برق را`` → فرماندار رودسر)."""
    office = next((i for i, w in enumerate(words[:_NAME_WORDS]) if head_of(w) in _PLACE_OFFICES), None)
    if office is None:
        return words
    end = office + 1
    if end < len(words) and head_of(words[end]) in _PLACE_KINDS:
        end += 1
    while end < len(words):
        joined = head_of(words[end]) == "و" and end + 1 < len(words)  # رودسر و لنگرود
        if not (name_like(words[end]) or joined):
            break
        end += 1
    return words[:end]
