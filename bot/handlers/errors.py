"""The error handler: log the failure with its traceback, apologise to the user."""

from __future__ import annotations

import logging

from telegram import Update

from bot import strings
from bot.context import SokhanContext

log = logging.getLogger(__name__)


async def error_handler(update: object, context: SokhanContext) -> None:
    """Log the failure with its traceback and apologise to the user."""
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(strings.ERROR)
        except Exception:  # the apology is best effort: the failure may be the network itself
            log.warning("could not send the apology", exc_info=True)
