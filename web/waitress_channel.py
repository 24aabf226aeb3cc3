"""What waitress answers itself, before the app sees a request, made to follow the
app's rules.

* Raw UTF-8 in the request line (``curl 'http://host/api/search?q=五星支部'`` sends the
  characters unencoded) is percent-encoded before waitress parses it, so the request
  simply works, as it does behind nginx.
* Requests waitress still rejects (a malformed request line or header, a request line
  or headers over 256 KiB, a body too large) get a JSON error under ``/api/`` and
  ``/healthz``, like every other API error — and the client reads it: after an error the
  connection is closed the way nginx's ``lingering_close`` does (stop sending, read and
  drop what the client is still sending for at most :data:`LINGER_SECONDS`), not reset
  with the client's bytes unread.
* Slow and idle clients cannot hold the server: a connection silent for
  ``channel_timeout`` seconds is closed, and a connection over ``connection_limit`` gets
  503 ``too_many_connections`` (JSON under ``/api/``) at once instead of waiting in the
  kernel's queue. Over-limit connections are themselves bounded: they are closed after
  :data:`OVERFLOW_SECONDS` of silence, and past the limit plus :func:`overflow_band`
  the server stops accepting until connections close.
"""

from __future__ import annotations

import json
import re
import socket
import time

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask
from waitress.utilities import Error

_HIGH = re.compile(rb"[\x80-\xff]")
_CODES = {400: "bad_request", 413: "too_large", 414: "uri_too_long", 431: "headers_too_large",
          503: "too_many_connections"}
LINE_START = 4096  # bytes of a request kept to tell an API request from a page when parsing fails
LINGER_SECONDS = 2.0  # after an error response: how long to read and drop what the client still sends
OVERFLOW_SECONDS = 5.0  # an over-limit connection that sends nothing is closed after this
# what a person reads of waitress's errors, in Chinese first; waitress's English follows in brackets
ZH_ERRORS = {400: "请求格式有误，服务器无法解析（请求行或请求头不合规范）", 413: "请求内容过大",
             414: "请求地址过长", 431: "请求行或请求头过长", 503: "连接过多，服务器正忙，请稍后再试"}


def overflow_band(limit: int) -> int:
    """Connections accepted over ``connection_limit`` only to be told 503 (past it the
    server stops accepting): a tenth of the limit, at least 10."""
    return max(10, limit // 10)


def cleanup_interval(channel_timeout: int) -> int:
    """How often idle connections are looked for: often enough that one is closed within
    about a third more than ``channel_timeout``, and at least every :data:`OVERFLOW_SECONDS`."""
    return max(1, min(int(OVERFLOW_SECONDS), channel_timeout // 3 or 1))


class TooManyConnections(Error):
    code = 503
    reason = "Service Unavailable"


def encode_request_line(header_plus: bytes) -> bytes:
    end = header_plus.find(b"\r\n")
    first = header_plus if end < 0 else header_plus[:end]
    if not _HIGH.search(first):
        return header_plus
    first = _HIGH.sub(lambda m: b"%%%02X" % m.group()[0], first)
    return first if end < 0 else first + header_plus[end:]


class RequestParser(HTTPRequestParser):
    line_start = b""  # the first bytes received, kept even when parsing fails or the line is too long

    def received(self, data):
        if not self.line_start and not self.header_plus:
            self.line_start = data[:LINE_START].lstrip()
        return super().received(data)

    def parse_header(self, header_plus):
        return super().parse_header(encode_request_line(header_plus))


class OverLimitParser(RequestParser):
    """Reads a request on a connection over the limit, to answer it 503."""

    def parse_header(self, header_plus):
        try:
            super().parse_header(header_plus)
        finally:
            self.error = TooManyConnections(
                "too many connections: the server is busy, try again in a moment")
            self.completed = True


def error_message(error) -> str:
    """``请求格式有误… (Bad Request: Malformed HTTP request line)``: Chinese, then waitress's words."""
    zh = ZH_ERRORS.get(error.code, "服务器无法处理这个请求")
    return f"{zh} ({error.reason}: {error.body})"


def _first_line(request) -> bytes:
    return re.split(rb"[\r\n]", getattr(request, "line_start", b"") or b"", maxsplit=1)[0]


def _is_api_target(first_line: bytes) -> bool:
    parts = first_line.split(b" ")
    target = parts[1] if len(parts) > 1 else b""
    path = target.split(b"?", 1)[0]
    return b"/api/" in path or path.endswith(b"/api") or path.endswith(b"/healthz")


class JsonErrorTask(ErrorTask):
    def execute(self):
        self.channel.linger = True  # the client may still be sending: read it before closing
        error = self.request.error
        if error.code == 503:
            self.response_headers.append(("Retry-After", "1"))
        message = error_message(error)
        self.status = f"{error.code} {error.reason}"
        if _is_api_target(_first_line(self.request)):
            body = json.dumps({"error": {"code": _CODES.get(error.code, "bad_request"), "message": message}},
                              ensure_ascii=False).encode("utf-8")
            self.response_headers.extend([("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")])
        else:  # a page: plain text, as waitress's own, in the words of the app's pages
            body = f"{error.code} {message}\r\n".encode("utf-8")
            self.response_headers.extend([("Content-Type", "text/plain; charset=utf-8"),
                                          ("X-Content-Type-Options", "nosniff")])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    parser_class = RequestParser
    error_task_class = JsonErrorTask
    linger = False  # set by an error response: close gracefully (see the module docstring)
    lingering_until: float | None = None
    over_limit = False

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        limit = getattr(server, "govsearch_connection_limit", None)
        if limit is not None and len(server.active_channels) > limit:
            self.over_limit = True
            self.parser_class = OverLimitParser

    def readable(self):
        if self.lingering_until is not None:
            if time.monotonic() > self.lingering_until:
                self.lingering_until = None
                self.will_close = True  # writable() now says so, and handle_write closes
                return False
            return True
        return super().readable()

    def writable(self):
        if self.lingering_until is not None:
            return False
        return super().writable()

    def handle_read(self):
        if self.lingering_until is None:
            return super().handle_read()
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.lingering_until = None
            super().handle_close()

    def handle_close(self):
        if self.linger and self.lingering_until is None and self.connected and not self.total_outbufs_len:
            self.linger = False
            try:
                self.socket.shutdown(socket.SHUT_WR)  # the response is sent; the client sees its end
            except OSError:
                return super().handle_close()
            self.will_close = False
            self.lingering_until = time.monotonic() + LINGER_SECONDS
            return None
        self.lingering_until = None
        return super().handle_close()


def _maintenance(server, original):
    def maintenance(now):
        original(now)
        cutoff = now - OVERFLOW_SECONDS
        for channel in list(server.active_channels.values()):
            if getattr(channel, "over_limit", False) and not channel.requests and channel.last_activity < cutoff:
                channel.will_close = True
    return maintenance


def install(server, connection_limit: int | None = None) -> None:
    """Use :class:`Channel` for the connections of a server made by waitress's
    ``create_server`` (one listening socket, or several); with ``connection_limit``,
    connections over it are answered 503 (waitress's own limit must be that plus
    :func:`overflow_band`)."""
    servers = [server] if hasattr(server, "channel_class") else list(getattr(server, "map", {}).values())
    for each in servers:
        if hasattr(each, "channel_class"):
            each.channel_class = Channel
            if connection_limit is not None:
                each.govsearch_connection_limit = connection_limit
                each.maintenance = _maintenance(each, each.maintenance)
