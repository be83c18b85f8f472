"""Resolving the mentions of an article to its speakers, and the quotes to them.

Press statements name one person many ways, so the whole article is read first: every
name it gives with evidence (a given name, an honorific, a title beside it) is known
before any mention is resolved, so a surname met first, or a ``وی`` before the name
(cataphora), finds its person. Then, in article order: ``وی``/``این مقام مسئول`` (or no
subject at all) is the speaker most recently named; a surname is the full name it ends;
``NAME، TITLE،`` ties a title to a name. A title never tied to a name is the person who
holds it elsewhere, the office it shortens, the person whose words it goes on with
(``افزود``), the person named right after it (the lede gives the title, the next sentence
the name), the one untitled person quoted when it heads the body whose press office wrote
the article, or the one person the article names when that person has no title of their
own; failing that evidence it stays a speaker of its own. A cue nobody can be found for
(an unsigned announcement) yields no quote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.analysis.quotes.events import MAX_QUOTES
from storage.analysis.quotes.events import events as article_events
from storage.analysis.quotes.lexicon import is_common_word, is_family_part, is_given_name
from storage.analysis.quotes.match import (
    conjuncts,
    heads_body,
    is_surname,
    related_titles,
    same_title,
    shortens,
    speaker_key,
    words_of,
)
from storage.analysis.quotes.mentions import (
    NONE,
    ORG_HEADS,
    STRONG,
    TITLE_HEADS,
    WEAK,
    Kind,
    Mention,
    classify,
    head_of,
)
from storage.analysis.quotes.narration import (
    JUDGE_TITLES,
    WRITTEN,
    presiding_judges,
    press_office,
)
from storage.analysis.quotes.titles import ends_with, is_judge, names_apart, of_someone, plural, relative_to
from storage.models import Quote, QuoteKind, Speaker, SpeakerKind
from storage.text.letters import ZWNJ

_KINDS = {Kind.NAME: SpeakerKind.PERSON, Kind.TITLE: SpeakerKind.TITLE, Kind.ORG: SpeakerKind.ORGANISATION,
          Kind.ANONYMOUS: SpeakerKind.ANONYMOUS}


@dataclass(slots=True, eq=False)
class _Entity:
    """One person (or office, body, anonymous source) as resolution learns about it."""

    kind: Kind
    name: str | None = None
    titles: list[str] = field(default_factory=list)
    own_titles: list[str] = field(default_factory=list)  # those the article tied to the name
    aliases: list[str] = field(default_factory=list)
    into: _Entity | None = None  # merged into this one
    order: int = 0  # the mention that introduced it
    quoted: bool = False  # a cue's mention names it, not only narration
    other: bool = False  # introduced with نیز/هم: someone besides the people before

    def root(self) -> _Entity:
        entity = self
        while entity.into is not None:
            entity = entity.into
        return entity

    @property
    def label(self) -> str:
        return self.name or (self.titles[0] if self.titles else "")

    def holds(self, title: str) -> bool:
        return any(speaker_key(t) == speaker_key(title) or same_title(t, title)
                   for held in self.titles for t in conjuncts(held))

    def add_alias(self, alias: str | None) -> None:
        if not alias or speaker_key(alias) == speaker_key(self.label):
            return
        if speaker_key(alias) not in {speaker_key(a) for a in self.aliases}:
            self.aliases.append(alias)

    def add_title(self, title: str | None, own: bool = False) -> None:
        if title and not any(speaker_key(t) == speaker_key(title) for t in self.titles):
            self.titles.append(title)
            if own:
                self.own_titles.append(title)
        self.add_alias(title)


class _People:
    """The article's named people, indexed by the keys of their names and surnames, so a
    mention finds its person without a pass over everyone."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[_Entity]] = {}
        # The first part of a two-word family name given with no given name.
        self.by_first: dict[str, list[_Entity]] = {}

    def add(self, entity: _Entity) -> None:
        for key in _name_keys(entity.name or ""):
            _index(self.by_key, key, entity)
        words = words_of(entity.name or "")
        if len(words) == 2 and not is_given_name(words[0]) and not is_family_part(words[1]):
            _index(self.by_first, words[0], entity)

    def first_part(self, name: str) -> _Entity | None:
        """The one person whose two-word family name ``name`` opens (``آقاپور`` of
        ``آقاپور علیشاهی``)."""
        found = {e.root() for e in self.by_first.get(speaker_key(name), ())}
        return found.pop() if len(found) == 1 else None

    def find(self, name: str) -> _Entity | None:
        """The one person ``name`` (a full name or a surname) names; ``None`` when it fits
        nobody or several."""
        found = {e.root() for e in self.by_key.get(speaker_key(name), ())}
        return found.pop() if len(found) == 1 else None

    def met(self, name: str) -> _Entity | None:
        """The one person ``name`` names, or, when it fits several (two brothers by their
        surname), the one of them the article has mentioned so far."""
        found = {e.root() for e in self.by_key.get(speaker_key(name), ())}
        if len(found) > 1:
            found = {e for e in found if e.order >= 0}
        return found.pop() if len(found) == 1 else None

    def glued(self, token: str) -> _Entity | None:
        """A person whose surname ends ``token`` (``استمونسان``: a heading written onto it)."""
        key = speaker_key(token)
        for cut in range(2, len(key) - 2):
            if (found := self.find(key[cut:])) is not None:
                return found
        return None


def _index(table: dict[str, list[_Entity]], key: str, entity: _Entity) -> None:
    found = table.setdefault(key, [])
    if entity not in found:
        found.append(entity)


def _name_keys(name: str) -> list[str]:
    """A name's key and its surnames' keys (the last one or two words)."""
    words = words_of(name)
    return ["".join(words[-k:]) for k in range(1, min(len(words), 3) + 1)] if words else []


class _Resolver:
    """Resolves mentions in article order to entities, then merges what the article ties."""

    def __init__(self, mentions: Sequence[Mention | None], press: str | None = None,
                 judges: Sequence[str] = ()) -> None:
        self.entities: list[_Entity] = []
        self.press = press  # the body whose press office wrote the article
        self.people = _People()
        self.offices: dict[str, _Entity] = {}
        self.bodies: dict[str, _Entity] = {}
        self.last: _Entity | None = None
        self.last_body: _Entity | None = None  # who ``در این بیانیه`` speaks for
        self.latest: _Entity | None = None  # the speaker of the last cue, whoever it is
        self.pending: list[_Entity] = []  # وی before anyone is named
        # Each mention's entity, and whether the mention introduced it.
        self.mentions: list[tuple[_Entity, bool]] = []
        self.labels: set[int] = set()  # the mentions that are a transcript's labels
        for mention in mentions:  # the names the article gives with evidence, first
            if mention is not None and mention.kind is Kind.NAME and (
                    mention.evidence == STRONG or (mention.evidence == WEAK and " " in (mention.name or ""))):
                self._person(mention.name or "")
        for judge in judges:  # the court's president: رئیس دادگاه and قاضی are the judge
            person = self._person(judge)
            for title in JUDGE_TITLES:
                person.add_title(title, own=True)

    def merge_glued(self) -> None:
        """A name with a word written onto its end (``جو بایدنمجری``, ``برنی سندرزسندرز``:
        copy that lost a space) is the person the article names without it."""
        people = [e for e in self.entities if e.kind is Kind.NAME and e.name and e.into is None]
        surnames = {(e.name or "").split()[-1]: e for e in people}
        for glued in people:
            *given, last = (glued.name or "").split()
            half = len(last) // 2
            if len(last) >= 6 and last[:half] == last[half:]:  # سندرزسندرز
                glued.name = " ".join([*given, last[:half]])
                continue
            for surname, person in surnames.items():
                rest = last[len(surname):]
                if (person is glued or not rest or not last.startswith(surname)
                        or rest.startswith(ZWNJ) or not (rest == surname or is_common_word(rest))):
                    continue
                fixed = " ".join([*given, surname])
                known = person.name or ""
                if speaker_key(fixed) in _name_keys(known) or is_surname(known, fixed):
                    glued.into = person.root()
                    if len(fixed) > len(person.name or ""):  # بایدن met alone: جو بایدن
                        person.add_alias(person.name)
                        person.name = fixed
                        self.people.add(person)
                else:  # nobody is called so without it: the name, mended
                    glued.name = fixed
                    self.people.add(glued)
                break

    def resolve(self, mention: Mention | None, quoted: bool = True,
                continues: bool = False, label: bool = False) -> _Entity | None:
        """The entity ``mention`` names; ``continues`` when its cue says the speaker goes on
        (``افزود``, ``ادامه داد``)."""
        if mention is None:
            return None
        if mention.kind is Kind.TITLE and mention.title:
            mention = dataclasses.replace(mention, title=self._demonstrative(mention.title))
        if mention.kind is Kind.ANAPHOR:
            entity = self._anaphor()
            if entity is not None:
                entity.quoted |= quoted
            return entity
        if mention.kind is Kind.DOCUMENT:
            if mention.name == WRITTEN and self.latest is not None:
                return self.latest.root()  # X در هاآرتص نوشت: … در ادامه این مطلب آمده است:
            return self.last_body
        known = len(self.entities)
        entity = self._entity(mention, quoted, continues)
        if entity is None:
            return None
        entity = entity.root()
        entity.add_title(mention.title, own=mention.kind is Kind.NAME)
        if len(self.entities) > known and mention.also:
            entity.other = True
        introduced = len(self.entities) > known or (entity.order < 0 and entity.kind is Kind.NAME)
        if introduced:
            entity.order = len(self.mentions)
        if label:
            self.labels.add(len(self.mentions))
        self.mentions.append((entity, introduced))
        entity.quoted |= quoted
        if quoted:
            self.latest = entity
        if entity.kind is Kind.ORG:
            self.last_body = entity
        else:  # وی and این مقام are people, not the paper cited
            self.last = entity
            for waiting in self.pending:
                if waiting is not entity:
                    waiting.into = entity
            self.pending.clear()
        return entity

    def _anaphor(self) -> _Entity | None:
        if self.last is not None:
            return self.last.root()
        waiting = _Entity(Kind.NAME)  # named later: وی … افزود: before the name
        self.pending.append(waiting)
        self.last = waiting
        return waiting

    def _entity(self, mention: Mention, quoted: bool, continues: bool) -> _Entity | None:
        if mention.kind is Kind.TITLE and (named := self.people.find(mention.title or "")):
            return named  # ``امام گفت:`` after ``جواد امام``: a surname that reads as a title
        if mention.kind is Kind.NAME:
            return self._named(mention, quoted)
        if mention.kind in (Kind.ORG, Kind.ANONYMOUS):
            return self._body(mention.name or "", mention.kind)
        return self._office(mention.title or "", continues and quoted)

    def _named(self, mention: Mention, quoted: bool) -> _Entity | None:
        name = mention.name or ""
        if mention.evidence == STRONG:
            return self._person(name)
        found = self.people.met(name) or self.people.find(name.split()[0])
        if found is None and quoted and " " not in name:  # a cue's subject, not narration
            found = self.people.first_part(name)
        if not quoted and found is None:
            return None  # narration names someone new only with evidence
        if found is None and len(name.split()) == 1:
            found = self.people.glued(name)
        if found is not None:
            found.add_alias(name if found.name and is_surname(name, found.name) else None)
            return found
        if mention.evidence == NONE:
            return None  # an everyday word, not a name the article gives
        return self._person(name)

    def _new(self, entity: _Entity) -> _Entity:
        entity.order = -1  # not yet mentioned: ``resolve`` sets it
        self.entities.append(entity)
        return entity

    def _person(self, name: str) -> _Entity:
        if (entity := self.people.find(name)) is not None:
            entity.add_alias(name)
            return entity
        if (entity := self._run_on(name)) is not None:
            return entity
        if " " not in name and (entity := self.people.first_part(name)) is not None:
            entity.add_alias(name)
            return entity
        for key in _name_keys(name)[:-1]:  # met by surname first: روحانی, then حسن روحانی
            entity = self.people.find(key)
            if entity is not None and entity.name and is_surname(entity.name, name):
                entity.name, surname = name, entity.name
                entity.add_alias(surname)
                self.people.add(entity)
                return entity
        entity = self._new(_Entity(Kind.NAME, name=name))
        self.people.add(entity)
        return entity

    def _run_on(self, name: str) -> _Entity | None:
        """The person a known surname names when the subject ran on past it into words
        that name nobody (``میرباقری واردات … را … دانست و گفت:``): none when a word after
        it could be part of a name."""
        words = name.split()
        if len(words) < 2:
            return None
        found = self.people.find(words[0])
        if found is None or not found.name or not is_surname(words[0], found.name):
            return None
        return found if all(is_common_word(w) for w in words[1:]) else None

    def _body(self, name: str, kind: Kind) -> _Entity:
        key = speaker_key(name)
        if key not in self.bodies:
            self.bodies[key] = self._new(_Entity(kind, name=name))
        return self.bodies[key]

    def _office(self, title: str, continues: bool = False) -> _Entity:
        key = speaker_key(title)
        if key in self.offices:
            return self.offices[key].root()
        holder = self._holder([title]) or self._shortened(title)
        if holder is None and continues:
            holder = self._going_on(title)
        if holder is None:
            holder = self._new(_Entity(Kind.TITLE))
            holder.add_title(title)
        self.offices[key] = holder
        return holder

    def _shortened(self, title: str) -> _Entity | None:
        """The one office met before whose title ``title`` shortens (``رئیس بیمارستان`` after
        ``رئیس بیمارستان امام حسین (ع) شاهرود``)."""
        found = {e.root() for e in self.offices.values()
                 if e.root().kind is Kind.TITLE and any(shortens(title, t) for t in e.root().titles)}
        return found.pop() if len(found) == 1 else None

    def _going_on(self, title: str) -> _Entity | None:
        """The person just quoted, when a title with no name goes on with their words
        (``محمود شاکری … گفت: … رئیس شورای شهر مشهد افزود:``) and they hold no other
        title: news names a speaker, then refers to them by office."""
        last = self.last.root() if self.last is not None else None
        if (last is None or last.kind is not Kind.NAME or not last.name or not last.quoted
                or not all(related_titles(held, title) for held in last.titles) or plural([title])
                or relative_to(title, last.name) or names_apart(title, last.name, last.aliases)):
            return None
        # Named right after an office of its own (the lede's title, then the name): that
        # office is theirs, and this one someone else's.
        first = next((i for i, (e, new) in enumerate(self.mentions) if new and e.root() is last), None)
        if first and self.mentions[first - 1][0].root().kind is Kind.TITLE and self.mentions[first - 1][1]:
            return None
        return last

    def _demonstrative(self, title: str) -> str:
        """``مدیرعامل این شرکت`` → the title with the company's name: the last body of that
        kind the article quoted, else the one whose press office wrote it."""
        words = title.split()
        for i in range(len(words) - 1):
            if head_of(words[i]) == "این" and head_of(words[i + 1]) in ORG_HEADS:
                body = self._body_called(head_of(words[i + 1]))
                end = i + 3 if words[i + 2:i + 3] == ["کل"] else i + 2  # این اداره کل
                return " ".join([*words[:i], body, *words[end:]]) if body else title
        return title

    def _body_called(self, head: str) -> str | None:
        kinds = {head, head_of("وزارت")} if head == head_of("وزارتخانه") else {head}
        for entity in reversed(self.entities):
            if entity.kind is Kind.ORG and entity.name and head_of(entity.name) in kinds:
                return entity.name
        if self.press and head_of(self.press) in kinds:
            return self.press
        return None

    def _press_head(self, entity: _Entity) -> _Entity | None:
        """For an office that heads the body whose press office wrote the article, the one
        person the article quotes by name with no title: a press office names its own
        head (``به گزارش روابط عمومی شهرداری کرج، امیرحسین رستمی … گفت:`` under the
        kicker ``شهردار کرج؛``)."""
        if not self.press or not any(heads_body(t, self.press) for t in entity.titles):
            return None
        untitled = [p for p in self._named_people() if p.quoted and not p.own_titles]
        return untitled[0] if len(untitled) == 1 else None

    def _named_people(self) -> list[_Entity]:
        seen: dict[int, _Entity] = {}
        for entity in self.entities:
            root = entity.root()
            if root.kind is Kind.NAME and root.name:
                seen.setdefault(id(root), root)
        return list(seen.values())

    def _holder(self, titles: list[str]) -> _Entity | None:
        """The named person who holds one of ``titles`` (apposition elsewhere, a title
        ending with their name), if exactly one does."""
        holders = [p for p in self._named_people()
                   if any(p.holds(t) or ends_with(t, p.name, p.aliases) for t in titles)]
        return holders[0] if len(holders) == 1 else None

    def _sole_untitled(self, titles: list[str]) -> _Entity | None:
        """The one person the article quotes by name, if the article ties no title to
        them, or only titles related to one of ``titles`` (رئیس‌جمهور, رئیس دولت): only
        then is an office mentioned without a name likely theirs."""
        named = [p for p in self._named_people() if p.quoted]
        if len(named) != 1:
            return None
        fits = all(any(related_titles(own, t) for t in titles) for own in named[0].own_titles)
        return named[0] if fits else None

    def _named_next(self, entity: _Entity) -> _Entity | None:
        """The person named for the first time by the mention right after the one that
        introduced ``entity``: news gives the title in the lede, the name in the next
        sentence. (Not the other way round: a roundup names one person, then quotes
        another office.)"""
        first = next((i for i, (e, new) in enumerate(self.mentions) if new and e is entity), None)
        if first is None:
            return None
        after = first + 1  # past the office's own mentions in that sentence (با بیان اینکه …، گفت:)
        while after < len(self.mentions) and self.mentions[after][0] is entity:
            after += 1
        if after < len(self.mentions) and after not in self.labels:  # a transcript's turn: its own
            other, new = self.mentions[after]
            other = other.root()
            if new and other.name is not None and other.kind is Kind.NAME and not other.own_titles:
                return other
        return None

    def _relative(self, titles: list[str]) -> bool:
        """Whether one of ``titles`` is held relative to someone (``وکیل ابراهیم اسلامی``,
        ``سخنگوی پرنس چارلز``): named or not, that person is not its holder."""
        return any(of_someone(t) for t in titles) or any(
            relative_to(t, p.name) for t in titles for p in self._named_people())

    def _labelled(self, entity: _Entity) -> bool:
        """Whether every mention of ``entity`` is a transcript's label: a turn names its
        speaker as the transcript knows them, and no one else is meant."""
        own = [i for i, (e, _) in enumerate(self.mentions) if e is entity]
        return bool(own) and all(i in self.labels for i in own)

    def bind_titles(self) -> None:
        """An office mentioned without a name is the named person who holds it, the
        person named right after it, or the one untitled person the article names."""
        for entity in self.entities:
            if entity.into is not None or entity.kind is not Kind.TITLE or plural(entity.titles):
                continue
            owner = self._holder(entity.titles)
            if owner is None and not self._relative(entity.titles) and (owner := self._named_next(entity)):
                for title in entity.titles:  # the lede's title is as good as apposition
                    owner.add_title(title, own=True)
            if (owner is None and entity.quoted and not entity.other and not is_judge(entity.titles)
                    and not self._labelled(entity)):
                # (A court's judge is named as presiding, or not at all: the one person a
                # trial report names is the accused.)
                owner = self._press_head(entity) or self._sole_untitled(entity.titles)
            if owner is not None and _someone_elses(entity.titles, owner):
                owner = None  # his lawyer, his first deputy: someone else, named or not
            if owner is not None and owner is not entity:
                for title in entity.titles:
                    owner.add_title(title)
                entity.into = owner.root()

    def kicker(self, kicker: str | None) -> None:
        """The kicker (``فرماندار قدس؛``) is an alias of the one person it can be."""
        mention = classify(kicker.split()) if kicker else None
        if mention is None or mention.kind not in (Kind.NAME, Kind.TITLE):
            return
        if mention.kind is Kind.NAME:
            owner = self.people.find(mention.name or "")
            if owner is not None:
                owner.add_alias(mention.name)
                owner.add_title(mention.title)
            return
        title = mention.title or ""
        office = self.offices.get(speaker_key(title))
        owner = (office.root() if office else None) or self._holder([title]) or self._sole_untitled([title])
        if owner is not None:
            owner.add_title(title)


def _someone_elses(titles: list[str], person: _Entity) -> bool:
    return any(relative_to(t, person.name) or names_apart(t, person.name, person.aliases) for t in titles)


@dataclass(frozen=True, slots=True)
class Attribution:
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()


def extract(paragraphs: Sequence[str], kicker: str | None = None) -> Attribution:
    """Every quote in the article with its resolved speaker, and the speakers' aliases."""
    events = article_events(paragraphs)
    resolver = _Resolver([event.mention for event in events], press_office(paragraphs),
                         presiding_judges(paragraphs))
    found: list[tuple[_Entity, Quote]] = []
    for event in events:
        entity = resolver.resolve(event.mention, event.cue, event.continues, event.label)
        if event.cue and entity is not None and event.text and len(found) < MAX_QUOTES:
            kind = QuoteKind.REPORTED if event.reported else QuoteKind.DIRECT
            found.append((entity, Quote("", event.text, event.paragraph, kind)))
    if not found:
        return Attribution()
    resolver.merge_glued()
    resolver.bind_titles()
    resolver.kicker(kicker)
    return _attribution([(e.root(), quote) for e, quote in found if e.root().label])


def _attribution(found: list[tuple[_Entity, Quote]]) -> Attribution:
    """Quotes and speakers, one speaker per key: two entities the article never tied but
    spelled alike are one speaker, as they would be across articles."""
    aliases: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    kinds: dict[str, SpeakerKind] = {}
    for entity, _ in found:
        key = speaker_key(entity.label)
        names.setdefault(key, entity.label)
        kinds.setdefault(key, _KINDS[entity.kind])
        known = aliases.setdefault(key, [])
        for alias in entity.aliases:
            if speaker_key(alias) not in {key, *map(speaker_key, known)}:
                known.append(alias)
        held = titles.setdefault(key, [])
        held += [t for t in entity.titles if t not in held and speaker_key(t) != key]
    for key, known in aliases.items():  # titles in the order of the aliases they are
        offices = {speaker_key(t) for t in titles[key]}
        titles[key] = [a for a in known if speaker_key(a) in offices]
    quotes = tuple(dataclasses.replace(q, speaker=names[speaker_key(e.label)]) for e, q in found)
    speakers = tuple(Speaker(names[key], tuple(aliases[key]), kinds[key], tuple(titles[key]))
                     for key in names)
    return Attribution(quotes, speakers)


def short_name(speaker: Speaker) -> str:
    """How a headline names a speaker: the surname the article uses, else the last word of
    the name (``علیرضا خامسیان`` → ``خامسیان``), the whole surname where the name has a
    compound one (``وحید گلی کانی`` → ``گلی کانی``); an office or body keeps its name."""
    surnames = [a for a in speaker.aliases if is_surname(a, speaker.name)]
    if surnames:
        return min(surnames, key=len)
    words = speaker.name.split()
    if speaker.kind is not SpeakerKind.PERSON or len(words) < 2:
        return speaker.name
    if head_of(words[0]) in TITLE_HEADS | ORG_HEADS:
        return speaker.name
    # A compound surname (گلی کانی, ترابی نژاد): every word after the given names.
    if is_family_part(words[-1]):
        return " ".join(words[-2:])
    given = 1  # محمد جواد ظریف; not گلی کانی, جوادی آملی (a surname ends in ی)
    while given < len(words) - 1 and is_given_name(words[given]) and not words[given].endswith("ی"):
        given += 1
    return " ".join(words[given:]) if len(words) - given <= 2 and is_given_name(words[0]) else words[-1]
