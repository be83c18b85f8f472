"""The analysis stored beside each article: its quotes and speakers, summary and headline.

Pure: an ``Article`` from the parser in, the same article with its analysis fields out.
"""

from __future__ import annotations

import dataclasses

from storage.models import Article
from storage.quotes import extract, short_name
from storage.summary import headline, summarize


def analyze(article: Article) -> Article:
    """Quotes, speakers, summary, and the headline: the title, or one derived from the lead
    quote (or the summary) when there is none."""
    attribution = extract(article.paragraphs, article.kicker)
    summary = summarize(article.paragraphs, article.title)
    title = article.title
    if title is None:
        lead = attribution.quotes[0] if attribution.quotes else None
        speaker = next((s for s in attribution.speakers if lead and s.name == lead.speaker), None)
        title = headline(short_name(speaker) if speaker else None, lead.text if lead else None, summary)
    return dataclasses.replace(
        article,
        summary=" ".join(summary),
        headline=title,
        quotes=attribution.quotes,
        speakers=attribution.speakers,
    )
