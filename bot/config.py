"""Settings, read once at start-up from the environment and an optional ``.env`` file.

The environment wins over ``.env``. Every key is documented in ``.env.example``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from storage.db.types import is_database_url
from storage.errors import FeedError
from storage.sources.fetch import check_feed_url

DEFAULT_DB = Path("data/sokhan.db")
DEFAULT_SEEDS = Path("seeds")
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
# Messages a second Telegram allows bulletins sent with allow_paid_broadcast.
PAID_BROADCAST_RATE = 1000.0
_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*?)\s*$")


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines; ``#`` comments, blank lines and surrounding quotes allowed."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return {}
    values = {}
    for line in lines:
        found = _LINE.match(line)
        if not found or line.lstrip().startswith("#"):
            continue
        value = found["value"]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[found["key"]] = value
    return values


def _admin_ids(text: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in re.split(r"[,\s]+", text) if part)
    except ValueError:
        raise ConfigError(
            f"SOKHAN_ADMIN_IDS must be Telegram user ids separated by commas, not {text!r}"
        ) from None


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"TELEGRAM_WEBHOOK_PORT must be a port number, not {text!r}")
    return int(text)


def _number(key: str, text: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise ConfigError(f"{key} must be a number from {low:g} to {high:g}, not {text!r}")
    return value


def _feeds(text: str) -> tuple[str, ...]:
    urls = []
    for url in dict.fromkeys(part for part in re.split(r"[,\s]+", text) if part):
        try:
            urls.append(check_feed_url(url))
        except FeedError as exc:
            raise ConfigError(f"SOKHAN_FEEDS: {url!r} is not a feed address: {exc}") from None
    return tuple(urls)


def _channel(text: str | None) -> str | None:
    if text is None or re.fullmatch(r"-?\d+|@[A-Za-z][A-Za-z0-9_]{3,}", text):
        return text
    raise ConfigError(f"SOKHAN_CHANNEL_ID must be a chat id (-100…) or an @username, not {text!r}")


def _webhook_secret(text: str | None) -> str | None:
    # Telegram's rule for secret_token: 1–256 characters of A–Z, a–z, 0–9, _ and -.
    if text is None or re.fullmatch(r"[A-Za-z0-9_-]{1,256}", text):
        return text
    raise ConfigError("TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, _ and - (at most 256)")


def _database_url(text: str | None) -> str | None:
    if text is None or is_database_url(text):
        return text
    raise ConfigError("SOKHAN_DATABASE_URL must be a postgresql:// URL (leave it empty for the SQLite file)")


def _platform(text: str | None) -> str | None:
    if text is None or text.lower() in {"telegram", "bale"}:
        return text.lower() if text else None
    raise ConfigError(f"SOKHAN_PLATFORM must be telegram or bale, not {text!r}")


def _flag(key: str, text: str | None) -> bool:
    if text is None or text.lower() in {"0", "false", "no", "off"}:
        return False
    if text.lower() in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(f"{key} must be 1 or 0, not {text!r}")


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = DEFAULT_DB
    # A PostgreSQL server instead of the SQLite file (postgresql://…); out of repr, since it
    # may carry a password.
    database_url: str | None = field(default=None, repr=False)
    seeds_dir: Path = DEFAULT_SEEDS
    log_level: str = "INFO"
    # Kept out of repr so the token never reaches a log or a traceback.
    bot_token: str | None = field(default=None, repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    # "telegram" or "bale"; None: whichever the API's address belongs to.
    platform: str | None = None
    admin_ids: frozenset[int] = frozenset()
    # The office's name: the source of statements published through the bot that name none.
    source: str | None = None
    webhook_url: str | None = None
    webhook_port: int = 8443
    # What Telegram sends with every webhook update; generated and kept in the database
    # when not set. Out of repr, like the token.
    webhook_secret: str | None = field(default=None, repr=False)
    # A channel that gets every bulletin, as its id or @username.
    channel_id: str | None = None
    feeds: tuple[str, ...] = ()
    feed_interval: float = 600.0
    # Feeds on loopback, private or reserved networks: only for a deliberate intranet feed.
    feeds_allow_private: bool = False
    # Messages per second for the whole bot: Telegram allows about 30 without paid broadcasts.
    broadcast_rate: float = 30.0
    # Bulletins with allow_paid_broadcast (paid in Stars), at up to 1,000 a second.
    paid_broadcast: bool = False
    # Seconds a sender holds the deliveries it claimed; a dead sender's are taken over after it.
    broadcast_lease: float = 60.0
    # Whether the bot process sends bulletins too, beside any `sokhan worker`s.
    bot_sends: bool = True

    @property
    def bulletin_rate(self) -> float:
        """Bulletins a second, all senders together."""
        return PAID_BROADCAST_RATE if self.paid_broadcast else self.broadcast_rate

    @property
    def database(self) -> str | Path:
        """Where the store is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or self.db_path


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
    values = read_dotenv(dotenv) if dotenv else {}
    values.update(os.environ if environ is None else environ)

    def get(key: str) -> str | None:
        value = values.get(key, "").strip()
        return value or None

    level = (get("SOKHAN_LOG_LEVEL") or "INFO").upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"SOKHAN_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    return Settings(
        db_path=Path(get("SOKHAN_DB") or DEFAULT_DB),
        database_url=_database_url(get("SOKHAN_DATABASE_URL")),
        seeds_dir=Path(get("SOKHAN_SEEDS") or DEFAULT_SEEDS),
        log_level=level,
        bot_token=get("TELEGRAM_BOT_TOKEN"),
        api_base_url=get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
        platform=_platform(get("SOKHAN_PLATFORM")),
        admin_ids=_admin_ids(get("SOKHAN_ADMIN_IDS") or ""),
        source=get("SOKHAN_SOURCE"),
        webhook_url=get("TELEGRAM_WEBHOOK_URL"),
        webhook_port=_port(get("TELEGRAM_WEBHOOK_PORT") or "8443"),
        webhook_secret=_webhook_secret(get("TELEGRAM_WEBHOOK_SECRET")),
        channel_id=_channel(get("SOKHAN_CHANNEL_ID")),
        feeds=_feeds(get("SOKHAN_FEEDS") or ""),
        feed_interval=_number("SOKHAN_FEED_INTERVAL", get("SOKHAN_FEED_INTERVAL") or "600", 60, 86400),
        feeds_allow_private=_flag("SOKHAN_FEEDS_ALLOW_PRIVATE", get("SOKHAN_FEEDS_ALLOW_PRIVATE")),
        broadcast_rate=_number("SOKHAN_BROADCAST_RATE", get("SOKHAN_BROADCAST_RATE") or "30", 1, 1000),
        paid_broadcast=_flag("SOKHAN_PAID_BROADCAST", get("SOKHAN_PAID_BROADCAST")),
        broadcast_lease=_number("SOKHAN_BROADCAST_LEASE", get("SOKHAN_BROADCAST_LEASE") or "60", 10, 3600),
        bot_sends=_flag("SOKHAN_BOT_SENDS", get("SOKHAN_BOT_SENDS") or "1"),
    )
