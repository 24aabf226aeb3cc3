"""Serving under a path prefix (``url_prefix`` setting, e.g. ``/search``).

For a reverse proxy that forwards ``/search/...`` as is: the prefix moves from
``PATH_INFO`` to ``SCRIPT_NAME``, so Flask routes the rest and every link it builds
starts with the prefix. (A proxy that strips the prefix sends ``X-Forwarded-Prefix``
instead, which ``ProxyFix`` turns into the same ``SCRIPT_NAME``.)
"""

from __future__ import annotations

from html import escape


class PrefixMiddleware:
    def __init__(self, app, prefix: str):
        self.app = app
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix):] or "/"
            return self.app(environ, start_response)
        target = environ.get("SCRIPT_NAME", "").rstrip("/") + self.prefix + "/"
        if path == "/":
            start_response("302 Found", [("Location", target), ("Content-Type", "text/plain; charset=utf-8")])
            return [target.encode("utf-8")]
        body = f"Not found: this server serves govsearch under {escape(target)}\n".encode("utf-8")
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body))),
                                         ("X-Content-Type-Options", "nosniff")])
        return [body]
