"""The Flask application factory.

``create_app(config=None)`` reads the settings (see :mod:`web.config`), opens one
long-lived :class:`search.engine.Searcher` for the index folder, and wires the pages,
the JSON API, the error handler and the security headers. Everything the app holds
lives in ``app.extensions["govsearch"]``; nothing is read at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from search.engine import Searcher
from search.health import HealthCheck
from search.querylog import QueryLog
from web.config import WebConfig, load_config
from web.prefix import PrefixMiddleware
from web.query_encoding import QueryEncoding


@dataclass
class GovsearchWeb:
    """Per-app state."""
    config: WebConfig
    searcher: Searcher
    query_log: QueryLog
    health: HealthCheck | None = None

    def __post_init__(self):
        if self.health is None:  # its probes (and their messages) use what an anonymous caller may see
            self.health = HealthCheck(self.searcher.scoped(tuple(self.config.anonymous_groups)))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    settings, flask_settings = load_config(config)
    app = Flask(__name__)
    app.config.update(flask_settings)
    app.config["GOVSEARCH"] = settings.as_dict()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["govsearch"] = GovsearchWeb(
        settings, Searcher(settings.index, reload_in_background=settings.reload_in_background,
                           synonyms_file=settings.synonyms_file or None, cache_mib=settings.cache_mib or None),
        QueryLog(settings.query_log, settings.query_log_days, settings.query_log_file or None,
                 min_visitors=settings.hot_queries_min_visitors, max_chars=settings.hot_queries_max_chars,
                 blocked=settings.hot_queries_block))

    from web import access, api, errors, ops, security, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    errors.init_app(app)
    security.init_app(app)
    views.init_app(app)
    ops.init_app(app)
    access.init_app(app)

    wsgi = QueryEncoding(app.wsgi_app)  # a GBK form's query read as GBK
    if settings.url_prefix:
        wsgi = PrefixMiddleware(wsgi, settings.url_prefix)
    if settings.proxy_hops:
        n = settings.proxy_hops
        wsgi = ProxyFix(wsgi, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    app.wsgi_app = wsgi
    return app
