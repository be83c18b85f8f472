"""Copy that lost a space or a line break: a word written onto the next (``درمسابقات``,
``سیدابراهیم``, ``می‌کندوی``, ``لرستانمدیرکل``), told apart from words that are whole."""

from __future__ import annotations

import functools
import re

from storage.analysis.quotes.lexicon import is_common_word, is_family_name, is_given_name, known_word
from storage.text.letters import ZWNJ


def glued_in(token: str) -> bool:
    """``درمسابقات``: the preposition در written onto an everyday word, which ends a phrase
    as ``در`` does; not a word or a name of its own (درویش, دری, درخشان)."""
    return (len(token) > 5 and token.startswith("در") and not known_word(token)
            and is_common_word(token[2:]) and not (is_family_name(token) or is_given_name(token)))


# Honorifics written onto the given name after them, for want of a space.
_GLUED_HONORIFICS = ("سید", "دکتر", "مهندس", "حاج")


def glued_honorific(word: str) -> str | None:
    """``سیدابراهیم`` → ``ابراهیم``, ``دکترمحمد`` → ``محمد``: an honorific written onto a
    given name."""
    for honorific in _GLUED_HONORIFICS:
        rest = word[len(honorific):]
        if word.startswith(honorific) and len(rest) >= 3 and is_given_name(rest):
            return rest
    return None


# A word the last sentence's end was written onto, with no space or full stop between
# (``می‌کندوی``, ``لرستانمدیرکل``): copy that lost the line break after a heading.
_GLUED_STARTS = tuple(sorted(
    {"وی", "او", "رئیس", "رییس", "معاون", "وزیر", "سخنگوی", "نماینده", "مدیرکل", "مدیرعامل",
     "مدیر", "استاندار", "فرماندار", "شهردار", "بخشدار", "دادستان", "فرمانده", "سرپرست", "دبیر",
     "بازرس", "جانشین", "قائم‌مقام", "عضو",
     "دبیرکل", "سفیر", "رهبر", "امام", "رئیس‌جمهور", "رییس‌جمهور",
     # honorifics and ranks that open a name (not مهندس: المهندس is one)
     "آیت‌الله", "حجت‌الاسلام", "دکتر", "سردار", "سرلشکر", "سرتیپ", "سرهنگ", "دریادار"},
    key=len, reverse=True))
# Prefixes that make a word of a title written after them (غیرعضو): no heading ends there.
_PREFIXES = frozenset({"غیر", "نیمه"})
# How a verb ends a sentence: نداریم, نکنید, می‌کند, شد, است.
_VERB_ENDS = ("یم", "ید", "ند", "ست", "شد", "کرد", "داد", "کند", "دارد", "شود", "اند", "بود", "رسید", "یافت")


def unglued(tokens: list[str]) -> list[str]:
    """The tokens from the last glued sentence start on (all of them when there is none)."""
    for i in range(len(tokens) - 1, -1, -1):
        rest = _sentence_rest(tokens[i], tokens[i + 1] if i + 1 < len(tokens) else "")
        if rest:
            return [rest, *tokens[i + 1:]]
    return tokens


# Sentence adverbs written onto the word after them (``همچنینبا``): never part of a name.
_OPENERS = ("همچنین", "همچنان", "ضمنا", "سپس")


def split_openers(tokens: list[str]) -> list[str]:
    """The tokens with an adverb written onto the next word set apart (``همچنینبا مورد
    توجه`` → همچنین, با, …): otherwise the pair reads as a word no lexicon has, a name."""
    out: list[str] = []
    for token in tokens:
        opener = next((o for o in _OPENERS if token.startswith(o) and len(token) > len(o) + 1), None)
        rest = token[len(opener):] if opener else ""
        if opener and not rest.startswith(ZWNJ) and known_word(rest) and not known_word(token):
            out += [opener, rest]
        else:
            out.append(token)
    return out


def glued_sentence_start(text: str) -> int | None:
    """Where in ``text`` the last sentence written onto the word before it starts
    (``… برای مجلس برگزینیمحسن روحانی …`` → at حسن), if one is."""
    tokens = list(_WORD.finditer(text))
    for i in range(len(tokens) - 1, -1, -1):
        rest = _sentence_rest(tokens[i].group(), tokens[i + 1].group() if i + 1 < len(tokens) else "")
        if rest:
            return tokens[i].end() - len(rest)
    return None


_WORD = re.compile(r"[^\s«»:،,؛.!؟?()]+")


def _sentence_rest(token: str, after: str) -> str | None:
    """The start of a sentence written onto the end of ``token`` (``after`` is the next
    word): a title or a pronoun, a name after a verb, a name after a heading."""
    return (_glued_rest(token) or _named_after_heading(token, after) or _given_after_verb(token, after)
            or (_pronoun_before_cue(token) if not after else None))


def _pronoun_before_cue(token: str) -> str | None:
    """``شورااو`` right before ``ادامه داد:`` → ``او``: the pronoun that opens the cue's
    sentence written onto the heading's last word. Not وی: داروی and تابلوی are a word
    ending in و and its ezafe."""
    before = token[:-2]
    if (token.endswith("او") and len(before) >= 3 and before[-1] != ZWNJ and is_common_word(before)
            and not (known_word(token) or is_family_name(token) or is_given_name(token))):
        return "او"
    return None


def _named_after_heading(token: str, after: str) -> str | None:
    """``ناطق‌نوریعلی‌اکبر ناطق‌نوری`` → ``علی‌اکبر``: a heading that ends with a surname
    (``روایت ناطق‌نوری``) written onto the full name that opens the paragraph, which the
    next word shows by repeating that surname."""
    if len(after) < 3 or not token.startswith(after):
        return None
    rest = token[len(after):]
    return rest if len(rest) >= 3 and is_given_name(rest) else None


def _given_after_verb(token: str, after: str) -> str | None:
    """``برگزینیمحسن روحانی`` → ``حسن``: a given name written onto the verb that ends a
    heading, which only the surname after it tells from a word's ending (استانداران)."""
    if len(token) < 7 or not is_family_name(after) or known_word(token):
        return None
    for cut in range(4, len(token) - 2):  # the longest name first: می‌شود|علی‌اکبر
        before, rest = token[:cut], token[cut:]
        if not before.endswith(_VERB_ENDS) or before.endswith("سید") or not is_given_name(rest):
            continue
        # A short rest after ا is a word's ending (استاند|اران, فرزند|انش), not a name.
        if rest.startswith(ZWNJ) or (rest.startswith("ا") and len(rest) <= 4) or is_given_name(before):
            return None
        return rest
    return None


@functools.lru_cache(maxsize=65536)
def _glued_rest(token: str) -> str | None:
    if len(token) < 4 or (len(token) < 10 and not token.endswith(_GLUED_STARTS)):
        return None  # the cheap test first: news repeats its words, each is asked once
    for start in _GLUED_STARTS:
        if token.endswith(start) and len(token) - len(start) >= 2:
            before = token[: -len(start)]
            if (before[-1] == ZWNJ or (len(start) <= 2 and not before.endswith(_VERB_ENDS))
                    or before in _PREFIXES):
                continue
            if known_word(token):
                return None
            return start
    if len(token) >= 8:  # a name after a verb: نداریمموسوی, نکنیدحسینعلی
        for cut in range(5, len(token) - 4):  # both parts long: not پرست|اران
            before, rest = token[:cut], token[cut:]
            if (before.endswith(_VERB_ENDS) and not is_given_name(before) and not known_word(token)
                    and (is_given_name(rest) or is_family_name(rest))):
                return rest
    return None
