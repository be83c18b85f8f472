"""Inline mode: ``@bot QUERY`` in any chat offers matching statements."""

from __future__ import annotations

from telegram import Update

from bot.context import SokhanContext
from bot.views.search import inline_result
from storage.text.numbers import parse_count

INLINE_RESULTS = 50
# Telegram caches an answer this long; new statements show up after it.
CACHE_SECONDS = 30


async def inline_query(update: Update, context: SokhanContext) -> None:
    """Matching statements; choosing one sends its summary with a link to the rest."""
    query = update.inline_query
    if query is None or not query.query.strip():
        return
    offset = parse_count(query.offset, low=0) or 0
    results = await context.store.search(query.query, limit=INLINE_RESULTS, offset=offset)
    answers = []
    for hit in results.hits:
        stored = await context.store.get_article(hit.id)
        if stored is not None:
            answers.append(inline_result(hit, stored, context.deep_link(hit.id)))
    next_offset = str(offset + INLINE_RESULTS) if results.has_more else ""
    await query.answer(answers, cache_time=CACHE_SECONDS, next_offset=next_offset)
