"""The Bot API's wire format: request parameters decoded the way Telegram decodes them (query
string, JSON, urlencoded and multipart bodies), typed access to them, and JSON replies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bot.local.types import ApiError

_HEADER_PARAM = re.compile(r';\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))')
_FORM_ESCAPE = re.compile(r"%(22|[01][0-9A-Fa-f])")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer: status, body and its content type."""

    status: int
    body: bytes
    content_type: str = "application/json"


def json_reply(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode())


def error_reply(error: ApiError) -> Reply:
    return json_reply(error.status, error.payload())


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    """``text/plain; a="b"`` → ("text/plain", {"a": "b"}), undoing httpx's HTML5 form escaping."""
    main, _, rest = value.partition(";")
    params = {}
    for found in _HEADER_PARAM.finditer(";" + rest):
        quoted = found[2]
        if quoted is None:
            params[found[1].lower()] = found[3].strip()
        else:
            unescaped = re.sub(r"\\(.)", r"\1", quoted)
            params[found[1].lower()] = _FORM_ESCAPE.sub(lambda hit: chr(int(hit[1], 16)), unescaped)
    return main.strip().lower(), params


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    fields: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            continue
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in head.decode().strip().split("\r\n"))
        )
        _, disposition = _header_params(headers.get("content-disposition", ""))
        name, content = disposition.get("name"), content.removesuffix(b"\r\n")
        if name and "filename" in disposition:
            uploads[name] = Upload(disposition["filename"], headers.get("content-type", ""), content)
        elif name:
            fields[name] = content.decode()
    return fields, uploads


def decode_params(query: str, content_type_header: str, body: bytes) -> Params:
    """Query-string and body parameters; python-telegram-bot posts form data, others may post JSON."""
    values: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    content_type, options = _header_params(content_type_header)
    if not body:
        return Params(values, {})
    if content_type == "multipart/form-data" and "boundary" in options:
        fields, uploads = _parse_multipart(body, options["boundary"])
        return Params(values | fields, uploads)
    if content_type == "application/x-www-form-urlencoded":
        return Params(values | dict(parse_qsl(body.decode(), keep_blank_values=True)), {})
    if content_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request body") from None
        if isinstance(decoded, dict):
            return Params(values | decoded, {})
    return Params(values, {})


class Params:
    """One request's parameters, decoded to the type each method asks for.

    Form values are strings (python-telegram-bot JSON-encodes every value that is not a string);
    JSON bodies carry typed values. The accessors accept both, as Telegram does.
    """

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value is None or isinstance(value, str) else json.dumps(value)

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def integer(self, name: str) -> int | None:
        value = self.number(name)
        return None if value is None else int(value)

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An uploaded part (directly or via ``attach://``), else a file_id or URL string."""
        value = self.string(name)
        if name in self.uploads:
            return self.uploads[name]
        if value and value.startswith("attach://"):
            return self.uploads.get(value.removeprefix("attach://"))
        return value
