"""Raw text in, an analysed ``Article`` out: parse, then quotes, speakers, summary, headline.

Pure and CPU-bound: callers that serve people run it off the event loop.
"""

from __future__ import annotations

import dataclasses

from storage.analysis.parse import parse_article
from storage.analysis.quotes import extract, short_name
from storage.analysis.summary import headline, summarize
from storage.models import Article, QuoteKind
from storage.text.normalize import TextNormalizer, shared_normalizer

# Bumped whenever the analysis of a stored article would come out differently (quotes,
# speakers and their keys, summaries): the store then analyses what it holds again.
ANALYSIS_VERSION = 8


def analyze(article: Article) -> Article:
    """Quotes, speakers, summary, and the headline: the title, or one derived from the lead
    quote (or the summary) when there is none."""
    attribution = extract(article.paragraphs, article.kicker)
    summary = summarize(article.paragraphs, article.title)
    title = article.title
    if title is None:
        lead = next((q for q in attribution.quotes if q.kind is QuoteKind.DIRECT), None)
        speaker = next((s for s in attribution.speakers if lead and s.name == lead.speaker), None)
        title = headline(short_name(speaker) if speaker else None, lead.text if lead else None, summary)
    return dataclasses.replace(
        article,
        summary=" ".join(summary),
        headline=title,
        quotes=attribution.quotes,
        speakers=attribution.speakers,
    )


def analyze_text(raw: str, normalizer: TextNormalizer | None = None) -> Article:
    """Parse and analyse one statement without storing it. Raises ``RejectedText``."""
    return analyze(parse_article(raw, normalizer or shared_normalizer()))
