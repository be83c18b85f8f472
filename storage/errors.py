"""Why an input is refused: a reason code for the bot to word, and a one-line English
message for the command line."""

from __future__ import annotations

from enum import StrEnum


class Rejection(StrEnum):
    """What is wrong with an input; the value is the command line's wording."""

    EMPTY = "empty file"
    BINARY = "binary file, not text"
    UNDECODABLE = "cannot decode the text"
    MIXED_ENCODING = "the text mixes encodings"
    TOO_LARGE = "the file is too large"
    NOT_A_FILE = "not a regular file"
    NO_FILE = "no such file"
    EMPTY_FOLDER = "a folder with no .txt or .docx files in it"
    PERMISSION = "permission denied"
    NO_PERSIAN = "no Persian text in it"
    NO_PARAGRAPH = "no paragraph of Persian text in it"
    UNSUPPORTED = "not a supported kind of file"
    NOT_DOCX = "not a readable .docx file"
    OLD_WORD = "an old Word (.doc) file: save it as .docx"


class RejectedText(ValueError):
    """The input cannot be a statement: ``reason`` says why, ``detail`` adds what the
    command line shows (sizes, encodings tried)."""

    def __init__(self, reason: Rejection, detail: str | None = None) -> None:
        super().__init__(detail or str(reason))
        self.reason = reason


class FeedProblem(StrEnum):
    """What is wrong with a feed or its address; the value is the command line's wording."""

    NO_URL = "no URL given"
    TOO_LONG = "the URL is too long"
    BAD_CHARACTERS = "the URL contains spaces or control characters"
    INVALID = "not a valid URL"
    SCHEME = "only http:// and https:// feed URLs are accepted"
    NO_HOST = "the URL has no host"
    CREDENTIALS = "URLs with a user name or password are not accepted"
    PRIVATE = "the address is on a private, loopback or reserved network"
    UNKNOWN_HOST = "the host name does not resolve"
    TIMEOUT = "timed out waiting for the server"
    UNREACHABLE = "cannot fetch the feed"
    HTTP = "the server answered with an error"
    TOO_LARGE = "the feed is too large"
    REDIRECTS = "too many redirects"
    NOT_A_FEED = "not an RSS or Atom feed"
    MALFORMED = "malformed XML"


class FeedError(Exception):
    """The feed cannot be used: ``problem`` says why, ``detail`` adds what the log and the
    command line show (the HTTP status, the parser's complaint)."""

    def __init__(self, problem: FeedProblem, detail: str | None = None) -> None:
        super().__init__(detail or str(problem))
        self.problem = problem
        self.detail = detail
