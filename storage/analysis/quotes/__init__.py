"""Quotes and who said them, in stages: cues (where quotes are), mentions (who a sentence
names), resolution (mentions to the article's speakers) and matching (names across
articles and queries). Pure functions over strings."""

from storage.analysis.quotes.match import Match, is_bare_name, match, speaker_key, surname_keys
from storage.analysis.quotes.mentions import Kind, Mention, subject, without_honorifics
from storage.analysis.quotes.resolve import Attribution, extract, short_name

__all__ = [
    "Attribution", "Kind", "Match", "Mention", "extract", "is_bare_name", "match", "short_name",
    "speaker_key", "subject", "surname_keys", "without_honorifics",
]
