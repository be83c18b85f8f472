"""An article as the events resolution reads in order: each cue with the mention before it
and its quote, and the subjects of the sentences between cues that a later pronoun, document
or office needs."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from storage.analysis.quotes.cues import spans
from storage.analysis.quotes.mentions import STRONG, Kind, Mention, subject
from storage.analysis.quotes.narration import (
    SENTENCE_CHARS,
    document_subject,
    narration_subject,
    without_credit,
)
from storage.text.letters import ZWNJ
from storage.text.sentences import sentence_ends

# One article yields at most this many quotes: a statement pasted whole with thousands
# of cues would otherwise fill /quote with one speaker and make storing it slow; no real
# article comes near it.
MAX_QUOTES = 300
# Sentences without a cue read for who they are about: enough for any article, and a
# bound on the work a pasted book would cost.
_MAX_NARRATION = 2000


class Event(NamedTuple):
    """A cue's mention with its quote's text and paragraph, or the subject of a sentence
    without a cue (narration names who a later ``وی`` is)."""

    cue: bool
    mention: Mention | None
    text: str
    paragraph: int
    continues: bool = False  # the cue is افزود, ادامه داد: the speaker before goes on
    reported: bool = False  # گفت که …: the text is the reporter's account of what was said
    label: bool = False  # ``NAME: «…»``: a transcript's or a ruling's speaker, no verb


def events(paragraphs: Sequence[str]) -> list[Event]:
    """In article order, each cue's event, and the events of sentences without a cue that
    are outside every quote."""
    cues: dict[tuple[int, int], list[Event]] = {}
    quoted: dict[int, list[tuple[int, int]]] = {}  # paragraph → spans inside quotes
    for index, (cue, start, text) in spans(paragraphs):
        before = paragraphs[index][start:cue.end - 1 if cue.label else cue.start]
        before = without_credit(before)  # a press office's credit, its listed fields too
        mention = document_subject(before) if cue.document else subject(before)
        if cue.label and not _names_someone(mention):
            continue  # موضوع:, بیشتر بخوانید: a label, not a speaker
        if mention is None and before.rstrip().endswith(("؟", "?")):
            mention = Mention(Kind.ANAPHOR)  # … چیست؟ گفت: a question with no subject before it
        # An answer's subject starts inside its sentence (``…؟ زم پاسخ داد:``): the event
        # keeps the sentence's place in article order.
        found = cues.setdefault((index, _sentence_of(paragraphs[index], start)), [])
        said = None if cue.label else _having_said(paragraphs[index], start, cue.start)
        if said is not None and not (said[1] and cue.indirect):  # «…» before گفت که: not theirs
            found.append(Event(True, mention, said[0], index, reported=not said[1]))
        found.append(Event(True, mention, text, cue.paragraph, cue.continues, cue.indirect, cue.label))
        if cue.paragraph != index:
            quoted.setdefault(cue.paragraph, []).append((0, len(paragraphs[cue.paragraph])))
        elif text and not cue.indirect:  # reported speech is the reporter's: narration goes on
            quoted.setdefault(index, []).append((cue.end, cue.end + len(text) + 2))
        if len(cues) >= 4 * MAX_QUOTES:  # at most one mention per sentence counted
            break
    for index, start, event in _according_to(paragraphs):
        if not any(a <= start < b for a, b in quoted.get(index, [])):  # not inside a quote
            cues.setdefault((index, start), []).insert(0, event)
    events: list[Event] = []
    narrated = 0
    # Narration matters only to a later cue that needs context: a pronoun, a document,
    # an office (named next); once none is left, narration is not read.
    needing = sum(_needs_context(event.mention) for found in cues.values() for event in found)
    for index, paragraph in enumerate(paragraphs):
        inside = quoted.get(index, [])
        starts = (0, *sentence_ends(paragraph))
        for start, end in zip(starts, (*starts[1:], len(paragraph)), strict=True):
            if (index, start) in cues:
                found = cues.pop((index, start))
                events += found
                needing -= sum(_needs_context(event.mention) for event in found)
                if not cues:
                    break  # nothing after the last cue is resolved
            elif needing and narrated < _MAX_NARRATION and not any(a <= start < b for a, b in inside):
                narrated += 1
                # The sentence alone: the first person of a quote after it is not its own.
                sentence = paragraph[start:min(end, start + SENTENCE_CHARS)]
                if (mention := narration_subject(sentence)) is not None:
                    events.append(Event(False, mention, "", index))
        if not cues:
            break
    events += [event for rest in cues.values() for event in rest]  # none should be left
    return events


def _sentence_of(paragraph: str, at: int) -> int:
    if not at:
        return 0
    ends = sentence_ends(paragraph)
    return ends[bisect.bisect_right(ends, at) - 1] if ends and ends[0] <= at else 0


# ``X با بیان اینکه …، گفت:``: what X said before the cue, in the reporter's words.
_HAVING_SAID = re.compile(
    rf"با\s+(?:بیان|اشاره\s+به|تاکید\s+بر|تأکید\s+بر|اعلام)\s+(?:این[\s{ZWNJ}]*که|اینکه|آنکه|آن[\s{ZWNJ}]*که)\s+")
# ``به گفته X، …``: the rest of the sentence is what X said.
_ACCORDING_TO = re.compile(
    r"(?:^|(?<=[\s،,]))(?:به\s+(?:گفته|عقیده|اعتقاد|باور|زعم)|از\s+(?:نگاه|دیدگاه))\s+"
    r"(?P<who>[^،,.؛:«»]{2,80}?)\s*[،,]\s*")
# The cheap test before the pattern: a word every such opening has.
_ACCORDING_WORDS = re.compile("گفته|عقیده|اعتقاد|باور|زعم|نگاه|دیدگاه")
_MIN_WORDS = 3


def _having_said(paragraph: str, start: int, verb: int) -> tuple[str, bool] | None:
    """The clause of ``با بیان اینکه …،`` between a sentence's start and its cue's verb,
    and whether it is the speaker's own words: set in «…» (``با تاکید بر اینکه «…» گفت:``)."""
    found = _HAVING_SAID.search(paragraph, start, verb)
    if found is None:
        return None
    opening = found.end()
    if paragraph.startswith("«", opening) and (close := paragraph.find("»", opening, verb)) > 0:
        quotation = paragraph[opening + 1:close].strip()
        return (quotation, True) if len(quotation.split()) >= _MIN_WORDS else None
    comma = max(paragraph.rfind("،", opening, verb), paragraph.rfind(",", opening, verb))
    clause = paragraph[opening:comma].strip() if comma > 0 else ""
    return (clause, False) if len(clause.split()) >= _MIN_WORDS else None


def _according_to(paragraphs: Sequence[str]) -> Iterator[tuple[int, int, Event]]:
    """Sentences opening ``به گفته X،`` (``به عقیده X،``, ``از نگاه X،``): the speaker X, and
    the rest of the sentence as what X said (reported)."""
    for index, paragraph in enumerate(paragraphs):
        if not _ACCORDING_WORDS.search(paragraph):
            continue  # the cheap test first
        starts = (0, *sentence_ends(paragraph))
        for start, end in zip(starts, (*starts[1:], len(paragraph)), strict=True):
            sentence = paragraph[start:end]
            found = _ACCORDING_TO.match(paragraph, start + len(sentence) - len(sentence.lstrip()))
            if found is None or found.end() >= end:
                continue
            text = paragraph[found.end():end].strip()
            mention = subject(found.group("who") + " ")
            if mention is not None and len(text.split()) >= _MIN_WORDS:
                yield index, start, Event(True, mention, text, index, reported=True)


def _needs_context(mention: Mention | None) -> bool:
    return mention is not None and mention.kind in (Kind.ANAPHOR, Kind.DOCUMENT, Kind.TITLE)


def _names_someone(mention: Mention | None) -> bool:
    if mention is None:
        return False
    return mention.kind is Kind.TITLE or (mention.kind is Kind.NAME and mention.evidence == STRONG)
