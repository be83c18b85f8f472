"""An article as the events resolution reads in order: each cue with the mention before it
and its quote, and the subjects of the sentences between cues that a later pronoun, document
or office needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from storage.analysis.quotes.cues import spans
from storage.analysis.quotes.mentions import STRONG, Kind, Mention, subject
from storage.analysis.quotes.narration import SENTENCE_CHARS, document_subject, narration_subject
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


def events(paragraphs: Sequence[str]) -> list[Event]:
    """In article order, each cue's event, and the events of sentences without a cue that
    are outside every quote."""
    cues: dict[tuple[int, int], list[Event]] = {}
    quoted: dict[int, list[tuple[int, int]]] = {}  # paragraph → spans inside quotes
    for index, (cue, start, text) in spans(paragraphs):
        before = paragraphs[index][start:cue.end - 1 if cue.label else cue.start]
        mention = document_subject(before) if cue.document else subject(before)
        if cue.label and not _names_someone(mention):
            continue  # موضوع:, بیشتر بخوانید: a label, not a speaker
        if mention is None and before.rstrip().endswith(("؟", "?")):
            mention = Mention(Kind.ANAPHOR)  # … چیست؟ گفت: a question with no subject before it
        cues.setdefault((index, start), []).append(
            Event(True, mention, text, cue.paragraph, cue.continues, cue.indirect))
        if cue.paragraph != index:
            quoted.setdefault(cue.paragraph, []).append((0, len(paragraphs[cue.paragraph])))
        elif text and not cue.indirect:  # reported speech is the reporter's: narration goes on
            quoted.setdefault(index, []).append((cue.end, cue.end + len(text) + 2))
        if len(cues) >= 4 * MAX_QUOTES:  # at most one mention per sentence counted
            break
    events: list[Event] = []
    narrated = 0
    # Narration matters only to a later cue that needs context: a pronoun, a document,
    # an office (named next); once none is left, narration is not read.
    needing = sum(_needs_context(event.mention) for found in cues.values() for event in found)
    for index, paragraph in enumerate(paragraphs):
        inside = quoted.get(index, [])
        for start in (0, *sentence_ends(paragraph)):
            if (index, start) in cues:
                found = cues.pop((index, start))
                events += found
                needing -= sum(_needs_context(event.mention) for event in found)
                if not cues:
                    break  # nothing after the last cue is resolved
            elif needing and narrated < _MAX_NARRATION and not any(a <= start < b for a, b in inside):
                narrated += 1
                sentence = paragraph[start:start + SENTENCE_CHARS]  # a slice, not the rest
                if (mention := narration_subject(sentence)) is not None:
                    events.append(Event(False, mention, "", index))
        if not cues:
            break
    events += [event for rest in cues.values() for event in rest]  # none should be left
    return events


def _needs_context(mention: Mention | None) -> bool:
    return mention is not None and mention.kind in (Kind.ANAPHOR, Kind.DOCUMENT, Kind.TITLE)


def _names_someone(mention: Mention | None) -> bool:
    if mention is None:
        return False
    return mention.kind is Kind.TITLE or (mention.kind is Kind.NAME and mention.evidence == STRONG)
