"""Resolving the mentions of an article to its speakers, and the quotes to them.

Press statements name one person many ways, so mentions are resolved in article
order: ``وی``/``این مقام مسئول`` (or no subject at all) is the most recent speaker; a
surname is the full name given before it; ``NAME، TITLE،`` ties a title to a name. A
title never tied to a name is the named person holding it, else the one person the
article names, else the person named right after it (the lede gives the title, the
next sentence the name); the kicker likewise. A cue with nobody to resolve to (an
unsigned announcement) yields no quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.analysis.quotes.cues import spans
from storage.analysis.quotes.match import is_surname, same_title, speaker_key, words_of
from storage.analysis.quotes.mentions import ORG_HEADS, TITLE_HEADS, Kind, Mention, classify, head_of, subject
from storage.models import Quote, Speaker


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
                                          or is_surname(name, self.name))

    def holds(self, title: str) -> bool:
        return any(speaker_key(t) == speaker_key(title) or same_title(t, title) for t in self.titles)

    def ends(self, title: str) -> bool:
        """Whether ``title`` ends with this person's name or a surname the article gave
        (``رئیس‌جمهور حسن روحانی``: a title and a name with no comma between)."""
        if self.name is None:
            return False
        names = {speaker_key(self.name)} | {speaker_key(a) for a in self.aliases if is_surname(a, self.name)}
        words = words_of(title)
        return any("".join(words[-k:]) in names for k in range(1, min(len(words), 4)))

    def add_alias(self, alias: str | None) -> None:
        known = {speaker_key(a) for a in self.aliases}
        if alias and speaker_key(alias) not in known and speaker_key(alias) != speaker_key(self.label):
            self.aliases.append(alias)

    def add_title(self, title: str | None) -> None:
        if title and not any(speaker_key(t) == speaker_key(title) for t in self.titles):
            self.titles.append(title)
        self.add_alias(title)


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
            if entity.name and is_surname(entity.name, name):  # met by surname first
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
        mention = classify(kicker.split()) if kicker else None
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


@dataclass(frozen=True, slots=True)
class Attribution:
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()


def extract(paragraphs: Sequence[str], kicker: str | None = None) -> Attribution:
    """Every quote in the article with its resolved speaker, and the speakers' aliases."""
    resolver = _Resolver()
    found: list[tuple[_Entity, str, int]] = []
    for index, (cue, start, text) in spans(paragraphs):
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
    surnames = [a for a in speaker.aliases if is_surname(a, speaker.name)]
    if surnames:
        return min(surnames, key=len)
    words = speaker.name.split()
    if len(words) > 1 and head_of(words[0]) not in TITLE_HEADS | ORG_HEADS:
        return words[-1]
    return speaker.name
