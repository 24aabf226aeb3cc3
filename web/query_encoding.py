"""A query string percent-encoded in GBK / GB18030 is read as that encoding.

A search form on an intranet page saved in GBK (many government sites still are) sends
``q=%CE%E5%D0%C7%D6%A7%B2%BF`` for 五星支部; read as UTF-8 it is no text at all and
finds nothing, without a word. Each parameter is read as UTF-8 first, so a UTF-8 query
(which is mostly valid GB18030 too) never changes; only a value that is not UTF-8 but
is GB18030 is re-encoded as UTF-8, before Flask parses the query string. Anything else
is left as it was.
"""

from __future__ import annotations

from urllib.parse import quote, unquote_to_bytes

# read after UTF-8; GB18030 is a superset of GBK and GB2312
FALLBACK = "gb18030"


def _value(raw: str) -> str:
    """One ``name`` or ``value`` of the query string, re-encoded as UTF-8 when it is GB18030 only."""
    try:  # a WSGI string holds the request's bytes as Latin-1 characters
        data = unquote_to_bytes(raw.replace("+", " ").encode("latin-1"))
    except UnicodeEncodeError:
        return raw
    try:
        data.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(FALLBACK)
    except UnicodeDecodeError:
        return raw
    return quote(text.encode("utf-8"), safe="")


def as_utf8(query_string: str) -> str:
    """``query_string`` with each GB18030-only name or value re-encoded as UTF-8."""
    if "%" not in query_string:
        return query_string
    return "&".join("=".join(_value(part) for part in pair.split("=", 1)) for pair in query_string.split("&"))


class QueryEncoding:
    """WSGI middleware: the request's ``QUERY_STRING`` through :func:`as_utf8`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        qs = environ.get("QUERY_STRING", "")
        if qs:
            environ["QUERY_STRING"] = as_utf8(qs)
        return self.app(environ, start_response)
