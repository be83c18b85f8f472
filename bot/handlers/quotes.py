"""Quotes: /quote NAME (a speaker's quotes, paged), picking among several speakers a name
fits, and /speakers."""

from __future__ import annotations

from telegram import Update

from bot import strings
from bot.callbacks import Action, Callback
from bot.context import Rewrite, SokhanContext, argument, chat_id_of, expired, reply
from bot.render import escape
from bot.views.common import View
from bot.views.quotes import PAGE_SIZE, pick_speaker_view, speaker_quotes_view, speakers_view
from storage.models import Speaker
from storage.search import MAX_QUERY_CHARS

SPEAKER_KEY = "speaker"
SPEAKERS_LISTED = 30
_ECHO_CHARS = 80


async def quotes_page(update: Update, context: SokhanContext, speaker: Speaker, page: int) -> View:
    items = await context.store.quotes_by([speaker], limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    chat_id = chat_id_of(update)
    key = await context.store.keys.put(chat_id, SPEAKER_KEY, speaker.name)
    return speaker_quotes_view(speaker, items[:PAGE_SIZE], page, len(items) > PAGE_SIZE, key,
                               context.buttons(chat_id), context.deep_link)


async def choices(update: Update, context: SokhanContext, people: list[Speaker]) -> list[tuple[Speaker, str]]:
    """Each speaker with the key of their name in this chat, for buttons to pick one."""
    chat_id = chat_id_of(update)
    return [(s, await context.store.keys.put(chat_id, SPEAKER_KEY, s.name)) for s in people]


async def quote(update: Update, context: SokhanContext) -> None:
    """``/quote NAME``: that speaker's quotes, or buttons to pick among several."""
    name = argument(context)
    if not name:
        await reply(update, strings.USAGE_QUOTE)
        return
    people = await context.store.find_speakers(name[:MAX_QUERY_CHARS])
    if not people:
        await reply(update, strings.NO_SPEAKER.format(name=escape(name[:_ECHO_CHARS])))
    elif len(people) > 1:
        await reply(update, pick_speaker_view(strings.PICK_SPEAKER, name[:_ECHO_CHARS],
                                              await choices(update, context, people), Action.SPEAKER,
                                              context.buttons(chat_id_of(update))))
    else:
        await reply(update, await quotes_page(update, context, people[0], 1))


async def speakers(update: Update, context: SokhanContext) -> None:
    """Who has been quoted, with counts."""
    await reply(update, speakers_view(await context.store.speakers(limit=SPEAKERS_LISTED)))


async def speaker_button(update: Update, context: SokhanContext, callback: Callback,
                         name: str) -> Rewrite | None:
    """A page of a speaker's quotes, or a choice made among speakers, in place."""
    found = [s for s in await context.store.find_speakers(name) if s.name == name]
    if not found:  # the speaker's statements were deleted since
        await expired(update)
        return None
    return Rewrite(await quotes_page(update, context, found[0], callback.page))
