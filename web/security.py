"""Security headers on every response, and CORS for the configured origins only.

The Content-Security-Policy allows scripts, styles and fonts from the app itself and
nothing inline, so an injected ``<script>`` or ``onerror=`` never runs even if some
text escaped escaping. Only ``/embed`` may be framed by the configured ancestors;
every other page only by the app itself.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from web.config import WebConfig
from web.cors import CORS_PATHS, is_cors_path  # noqa: F401  (CORS_PATHS: public)
from web.errors import json_error

CORS_MAX_AGE = "600"
EMBED_ENDPOINTS = ("views.embed", "views.embed_compare")  # the pages frame_ancestors may frame


def csp(frame_ancestors: list[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors " + " ".join(frame_ancestors),
    ])


def _settings() -> WebConfig:
    return current_app.extensions["govsearch"].config


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    return bool(origin) and ("*" in allowed or origin.rstrip("/") in allowed)


def preflight() -> Response | None:
    """Answer a CORS preflight for the API: 204 for an allowed origin, 403 otherwise."""
    if request.method != "OPTIONS" or not is_cors_path(request.path) or "Origin" not in request.headers:
        return None
    if not origin_allowed(request.headers["Origin"], _settings().cors_origins):
        return json_error(403, "cors_denied", "这个来源不允许调用接口 (this origin may not call the API; "
                          "add it to GOVSEARCH_CORS_ORIGINS)")
    return Response(status=204)


def add_headers(response: Response) -> Response:
    settings = _settings()
    embed = request.endpoint in EMBED_ENDPOINTS
    ancestors = settings.frame_ancestors if embed else ["'self'"]
    response.headers["Content-Security-Policy"] = csp(ancestors)
    if not embed or ancestors == ["'self'"]:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if is_cors_path(request.path):
        origin = request.headers.get("Origin")
        response.vary.add("Origin")
        if origin_allowed(origin, settings.cors_origins):
            response.headers["Access-Control-Allow-Origin"] = "*" if "*" in settings.cors_origins else origin
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Content-Type"
                response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    return response


def init_app(app: Flask) -> None:
    app.before_request(preflight)
    app.after_request(add_headers)
