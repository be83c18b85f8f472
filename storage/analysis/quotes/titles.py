"""How an office's title relates to a person the article names: a title that ends with
their name is theirs (``وزیر خارجه ظریف``), one held relative to them is someone else's
(``وکیل ابراهیم اسلامی``, ``سخنگوی پرنس چارلز``). Pure functions over strings."""

from __future__ import annotations

from collections.abc import Iterable

from storage.analysis.quotes.lexicon import PLURAL_TITLES, RELATIONAL_HEADS, TITLE_HEADS, head_of
from storage.analysis.quotes.match import is_surname, speaker_key, words_of
from storage.analysis.quotes.mentions import STRONG, Kind, classify, without_honorifics
from storage.analysis.quotes.narration import JUDGE_TITLES

_JUDGES = frozenset(speaker_key(j) for j in JUDGE_TITLES)


def is_judge(titles: Iterable[str]) -> bool:
    return any(speaker_key(t) in _JUDGES for t in titles)


def plural(titles: Iterable[str]) -> bool:
    """Plural titles name several people (or anyone): nobody's alias."""
    return any(head_of(t.split()[0]) in PLURAL_TITLES for t in titles if t)


def ends_with(title: str, name: str | None, aliases: Iterable[str] = ()) -> bool:
    """Whether ``title`` ends with the person's name or surname (``رئیس‌جمهور حسن روحانی``,
    ``وزیر خارجه ظریف``, ``متهم زم``: a title and a name with no comma between); not when
    the title is held relative to them (``وکیل نجفی``: نجفی's lawyer) or the name is a
    title's of its own (``معاون اول رئیس‌جمهور روحانی`` is not روحانی)."""
    if name is None or relative_to(title, name):
        return False
    tokens = title.split()
    words = words_of(title)
    names = {speaker_key(name)} | {speaker_key(a) for a in aliases if is_surname(a, name)}
    if any("".join(words[-k:]) in names for k in range(1, min(len(words), 4))):
        return True
    surname = words_of(name)[-1]
    return (len(tokens) >= 2 and words_of(tokens[-1]) == (surname,)
            and (len(tokens) == 2 or head_of(tokens[-2]) not in TITLE_HEADS))


def names_apart(title: str, name: str | None, aliases: Iterable[str] = ()) -> bool:
    """Whether ``title`` holds the person's surname other than as their name after their
    title (``معاون اول رئیس‌جمهور روحانی`` is not روحانی)."""
    surname = words_of(name or "")[-1:]
    return bool(surname) and surname[0] in words_of(title) and not ends_with(title, name, aliases)


def relative_to(title: str, name: str | None) -> bool:
    """Whether ``title`` is held relative to the person, named right after its head
    (``وکیل ابراهیم اسلامی``, ``سخنگوی پرنس چارلز``)."""
    tokens = title.split()
    if name is None or len(tokens) < 2 or head_of(tokens[0]) not in RELATIONAL_HEADS:
        return False
    rest = speaker_key(without_honorifics(" ".join(tokens[1:])))
    return rest in (speaker_key(name), speaker_key(words_of(name)[-1]))


def of_someone(title: str) -> bool:
    """Whether ``title`` is held relative to a person it names in full (``وکیل ابراهیم
    اسلامی``), whom the article may name nowhere else."""
    tokens = title.split()
    if len(tokens) < 3 or head_of(tokens[0]) not in RELATIONAL_HEADS:
        return False
    mention = classify(tokens[1:])
    return (mention is not None and mention.kind is Kind.NAME and mention.evidence == STRONG
            and not mention.title)
