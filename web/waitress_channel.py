"""What waitress answers itself, before the app sees a request, made to follow the
app's rules.

* Raw UTF-8 in the request line (``curl 'http://host/api/search?q=五星支部'`` sends the
  characters unencoded) is percent-encoded before waitress parses it, so the request
  simply works, as it does behind nginx.
* Requests waitress still rejects (a malformed request line or header, a body too
  large) get a JSON error under ``/api/`` and ``/healthz``, like every other API error.
"""

from __future__ import annotations

import json
import re

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask

_HIGH = re.compile(rb"[\x80-\xff]")
_CODES = {400: "bad_request", 413: "too_large", 414: "uri_too_long", 431: "headers_too_large"}


def encode_request_line(header_plus: bytes) -> bytes:
    end = header_plus.find(b"\r\n")
    first = header_plus if end < 0 else header_plus[:end]
    if not _HIGH.search(first):
        return header_plus
    first = _HIGH.sub(lambda m: b"%%%02X" % m.group()[0], first)
    return first if end < 0 else first + header_plus[end:]


class RequestParser(HTTPRequestParser):
    raw_first_line = b""

    def parse_header(self, header_plus):
        self.raw_first_line = re.split(rb"[\r\n]", header_plus, maxsplit=1)[0]  # kept even when parsing fails
        return super().parse_header(encode_request_line(header_plus))


def _is_api_target(first_line: bytes) -> bool:
    parts = first_line.split(b" ")
    target = parts[1] if len(parts) > 1 else b""
    path = target.split(b"?", 1)[0]
    return b"/api/" in path or path.endswith(b"/api") or path.endswith(b"/healthz")


class JsonErrorTask(ErrorTask):
    def execute(self):
        first = getattr(self.request, "raw_first_line", None) or getattr(self.request, "first_line", None) or b""
        if not _is_api_target(first):
            return super().execute()
        error = self.request.error
        body = json.dumps({"error": {"code": _CODES.get(error.code, "bad_request"),
                                     "message": f"{error.reason}: {error.body}"}}, ensure_ascii=False).encode("utf-8")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    parser_class = RequestParser
    error_task_class = JsonErrorTask


def install(server) -> None:
    """Use :class:`Channel` for the connections of a server made by waitress's
    ``create_server`` (one listening socket, or several)."""
    servers = [server] if hasattr(server, "channel_class") else list(getattr(server, "map", {}).values())
    for each in servers:
        if hasattr(each, "channel_class"):
            each.channel_class = Channel
