"""Statement files: finding them, reading them within bounds, and decoding them honestly.

A statement is a text file or a Word document (.docx, read by ``storage.sources.word``).
A text file is UTF-8 (with or without BOM) when it decodes as UTF-8 but for a handful of
stray bytes, which are replaced and counted; UTF-16 when its BOM or byte pattern says
so; Windows-1256 only when UTF-8 clearly fails. A file mixing encodings, or that is
none of them, is refused with its reason rather than stored as mojibake.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.errors import RejectedText, Rejection
from storage.sources.word import MAX_DOCX_BYTES, docx_text, looks_like_word
from storage.text.letters import LETTERS, ZWNJ

# A press statement is a few kB; anything this large is not one.
MAX_FILE_BYTES = 2 * 1024 * 1024
STATEMENT_SUFFIXES = frozenset({".txt", ".docx"})
# Share of control characters above which decoded bytes are not text.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Stray bytes a UTF-8 file may hold (a character cut in a copy, one odd byte) and still be UTF-8.
MAX_STRAY_BYTES = 8
# Two-byte UTF-8 sequences of the Arabic script block: what a UTF-8 Persian text is made of.
_UTF8_ARABIC = re.compile(rb"[\xd8-\xdb][\x80-\xbf]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PERSIAN_CHAR = re.compile(f"[{LETTERS}{ZWNJ}\u06f0-\u06f9\u0660-\u0669،؛؟«»\u00a0\u064b-\u0652]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # stray bytes replaced by U+FFFD


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte is the high byte of a Persian or ASCII
    code point (0x06, 0x00, or 0x20 for ZWNJ), which UTF-8 text never shows."""
    sample = data[: 4096 & ~1]
    if len(sample) < 4:
        return None
    even, odd = _high_byte_share(sample[0::2]), _high_byte_share(sample[1::2])
    if odd > 0.7 and even < 0.5:
        return "utf-16-le"
    if even > 0.7 and odd < 0.5:
        return "utf-16-be"
    return None


def _high_byte_share(half: bytes) -> float:
    return sum(half.count(b) for b in (0x00, 0x06, 0x20)) / len(half)


def _checked(text: str, encoding: str, replaced: int = 0) -> Decoded:
    if not text.strip():
        raise RejectedText(Rejection.EMPTY)
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * max(1, len(text)):
        raise RejectedText(Rejection.BINARY)
    return Decoded(text, encoding, replaced)


def _stray_bytes(data: bytes) -> tuple[str, int]:
    """``data`` decoded as UTF-8 with invalid sequences replaced, and how many there were."""
    text = data.decode("utf-8", errors="replace")
    return text, text.count("\ufffd") - data.count("\ufffd".encode())


def _utf8_or_1256(data: bytes) -> Decoded:
    utf8, stray = _stray_bytes(data)
    if stray == 0:
        return _checked(utf8, "utf-8")
    utf8_letters = len(_UTF8_ARABIC.findall(data))
    if stray <= MAX_STRAY_BYTES and utf8_letters >= 10 * stray:
        return _checked(utf8, "utf-8", stray)
    # Windows-1256 Persian pairs a letter with a byte of 0x80–0xBF only now and then
    # (عک); text that has many such pairs beside many invalid bytes is two encodings.
    if utf8_letters >= max(20, stray // 4):
        raise RejectedText(Rejection.MIXED_ENCODING,
                           f"the text mixes encodings ({utf8_letters} UTF-8 letters, {stray} other bytes)")
    text = data.decode("cp1256", errors="replace")
    if not _reads_as_persian(text):
        raise RejectedText(Rejection.UNDECODABLE, "cannot decode the text (neither UTF-8 nor Windows-1256)")
    return _checked(text, "cp1256")


def _reads_as_persian(text: str) -> bool:
    """Windows-1256 decodes any byte: real Persian text is then nearly all Persian letters
    and marks beside ASCII, where other bytes give Latin-1 symbols (€ ƒ † ¶ ×) too."""
    foreign = _NON_ASCII.findall(text)
    persian = sum(1 for c in foreign if _PERSIAN_CHAR.match(c))
    return persian > 0 and persian >= 0.9 * len(foreign)


def decode(data: bytes) -> Decoded:
    """Decode a statement: UTF-8 (BOM or not), UTF-16, then Windows-1256."""
    if not data.strip():
        raise RejectedText(Rejection.EMPTY)
    if data.startswith(codecs.BOM_UTF8):
        return _utf8_or_1256(data[len(codecs.BOM_UTF8):])
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _looks_utf16(data)
    if encoding is not None:
        try:
            return _checked(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            raise RejectedText(Rejection.UNDECODABLE, f"cannot decode the text as {encoding}") from None
    if b"\x00" in data:
        raise RejectedText(Rejection.BINARY)
    return _utf8_or_1256(data)


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most ``limit`` bytes of a regular file; devices, pipes and sockets are refused
    before anything is read (a pipe would block, /dev/zero never ends)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise RejectedText(Rejection.NOT_A_FILE)
        # O_NONBLOCK: should the path turn into a pipe after the check, opening it does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise RejectedText(Rejection.NO_FILE) from None
    except IsADirectoryError:
        raise RejectedText(Rejection.EMPTY_FOLDER) from None
    except PermissionError:
        raise RejectedText(Rejection.PERMISSION) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise RejectedText(Rejection.NOT_A_FILE)
        data = file.read(limit + 1)  # what st_size says is not trusted
    if len(data) > limit:
        raise RejectedText(Rejection.TOO_LARGE, f"the file is over the {limit // 2**20} MiB limit")
    return data


def decode_file(name: str, data: bytes) -> Decoded:
    """A statement file's text, whichever kind it is: Word by its name or its first bytes, else text."""
    if looks_like_word(name, data):
        return _checked(docx_text(data), "docx")
    if len(data) > MAX_FILE_BYTES:
        raise RejectedText(Rejection.TOO_LARGE, f"the file is over the {MAX_FILE_BYTES // 2**20} MiB limit")
    return decode(data)


def max_bytes(name: str) -> int:
    """How large a statement file of this name may be."""
    return MAX_DOCX_BYTES if name.lower().endswith(".docx") else MAX_FILE_BYTES


def read_statement(path: Path) -> Decoded:
    """The decoded text of a statement file, or ``RejectedText`` saying why not."""
    if path.is_dir():
        raise RejectedText(Rejection.EMPTY_FOLDER)
    return decode_file(path.name, read_bounded(path, max_bytes(path.name)))


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders as their ``.txt`` and ``.docx`` files, recursively, in name order."""
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                # "~$name.docx" is the lock file Word keeps beside an open document.
                if p.suffix.lower() in STATEMENT_SUFFIXES and not p.name.startswith("~$") and p.is_file()
            )
            yield from files or [path]  # an empty folder is reported, not skipped
        else:
            yield path
