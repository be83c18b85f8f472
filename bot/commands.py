"""Every command, declared once: the handlers, Telegram's command menus (Persian and
English) and /help all come from ``COMMANDS``. Also /start, /help, and the answer to a
command the bot does not know."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Update

from bot import strings
from bot.context import Handler, SokhanContext, argument, reply
from bot.guards import is_admin
from bot.handlers import admin, quotes, reading, subscriptions
from bot.render import escape
from storage.text.numbers import parse_count


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    callback: Handler
    fa: str
    en: str
    aliases: tuple[str, ...] = ()
    admin: bool = False  # for SOKHAN_ADMIN_IDS only; others see neither it nor its help
    channel: bool = False  # also taken from channel posts (only a channel's admins post)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def visible_commands(admin: bool) -> tuple[Command, ...]:
    return tuple(c for c in COMMANDS if admin or not c.admin)


def command_list(commands: Sequence[Command]) -> str:
    return "\n".join(" ".join(f"/{n}" for n in c.names) + f" — {c.fa}" for c in commands)


async def start(update: Update, context: SokhanContext) -> None:
    """Welcome, or open the article of a deep link (``/start a12``)."""
    payload = argument(context)
    if payload.startswith("a") and (article_id := parse_count(payload[1:])) is not None:
        await reading.show_summary(update, context, article_id)
        return
    commands = command_list(visible_commands(is_admin(update, context)))
    await reply(update, f"{strings.WELCOME}\n\n{commands}")


async def help_command(update: Update, context: SokhanContext) -> None:
    """The commands, from the same table as Telegram's menu."""
    query_help = strings.HELP_QUERY
    if context.bot_data.platform.inline_mode:
        query_help += "\n" + strings.HELP_INLINE.format(bot=escape(context.bot.username))
    commands = command_list(visible_commands(is_admin(update, context)))
    await reply(update, f"{strings.HELP_TITLE}\n\n{commands}\n{query_help}")


async def unknown_command(update: Update, context: SokhanContext) -> None:
    """A command not in the table, in a private chat or addressed to this bot by name."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command, _, addressee = message.text.split()[0].partition("@")
    private = message.chat.type == "private"
    if addressee.lower() != (context.bot.username or "").lower() and not (private and not addressee):
        return  # in a group, a bare or foreign command may be for another bot
    await reply(update, strings.UNKNOWN_COMMAND.format(command=escape(command[:40])))


async def text_message(update: Update, context: SokhanContext) -> None:
    """Plain text in a private chat is a search; a ``/word`` Telegram did not take for a
    command (``/یافتن``) is an unknown command, not a search for it."""
    message = update.effective_message
    if message is not None and message.text and message.text.lstrip().startswith("/"):
        await unknown_command(update, context)
    else:
        await reading.search_text(update, context)


COMMANDS: tuple[Command, ...] = (
    Command("start", start, strings.CMD_START, "Start and a short guide"),
    Command("help", help_command, strings.CMD_HELP, "All commands"),
    Command("find", reading.find, strings.CMD_FIND, "Search the statements"),
    Command("latest", reading.latest, strings.CMD_LATEST, "The newest statements"),
    Command("article", reading.article, strings.CMD_ARTICLE, "Full text of a statement", aliases=("full",)),
    Command("summary", reading.summary, strings.CMD_SUMMARY, "Summary of a statement"),
    Command("quote", quotes.quote, strings.CMD_QUOTE, "A speaker's quotes", aliases=("quotes",)),
    Command("speakers", quotes.speakers, strings.CMD_SPEAKERS, "Who has been quoted"),
    Command("subscribe", subscriptions.subscribe, strings.CMD_SUBSCRIBE,
            "Get new statements (all, or matching words)", channel=True),
    Command("follow", subscriptions.follow, strings.CMD_FOLLOW, "Get new statements quoting a speaker",
            channel=True),
    Command("subscriptions", subscriptions.subscriptions, strings.CMD_SUBSCRIPTIONS,
            "This chat's subscriptions", channel=True),
    Command("unsubscribe", subscriptions.unsubscribe, strings.CMD_UNSUBSCRIBE, "Cancel a subscription",
            channel=True),
    Command("publish", admin.publish, strings.CMD_PUBLISH, "Publish a statement (admins)", admin=True),
    Command("stats", admin.stats, strings.CMD_STATS, "Archive and delivery figures (admins)", admin=True),
    Command("delete", admin.delete, strings.CMD_DELETE, "Delete a statement (admins)", admin=True),
    Command("feed", admin.feed, strings.CMD_FEED, "RSS/Atom feeds (admins)", admin=True),
)
