"""Which paths take part in CORS: read by the security headers (web/security.py) and
by the error pages (web/errors.py), so that neither imports the other."""

from __future__ import annotations

CORS_PATHS = ("/api/", "/healthz")


def is_cors_path(path: str) -> bool:
    return path.startswith(CORS_PATHS[0]) or path == CORS_PATHS[1]
