"""Logging that never shows a secret.

One filter, on every handler of the root logger, replaces the bot token and the webhook
secret in each record's message, arguments, traceback and stack at every level, so
python-telegram-bot's and httpx's DEBUG lines (which carry the token in URLs) are safe
to keep. An uncaught exception's traceback is redacted the same way.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

REDACTED = "[redacted]"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redactor(logging.Filter):
    """Replaces every secret it was given, wherever it appears in a record."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        # Longest first: a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(level: str, secrets: Iterable[str | None]) -> Redactor:
    """Log to stderr at ``level`` with every secret redacted; uncaught exceptions too."""
    redactor = Redactor(secrets)
    logging.basicConfig(level=level, format=_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)

    def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redactor.redact("".join(traceback.format_exception(kind, value, tb))))

    sys.excepthook = excepthook
    return redactor


def log_to_file(path: str | Path, level: str, redactor: Redactor) -> None:
    """Send every log line to ``path`` instead of the terminal (the local chat owns it)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(redactor)
    root.addHandler(handler)
    root.setLevel(level)
