"""Operations: one log line per search request, and ``GET /metrics`` (Prometheus text).

The request log (logger ``govsearch.requests``, on by default: setting ``request_log``)
says when, which route, the status, the latency and the number of hits — never the
client's address, and the query text only with ``log_queries`` on.

``/metrics`` (setting ``metrics``, off by default: 404) counts requests by route and
status, a latency histogram, and says which index generation is live, how many
documents it holds, and when the last build or update finished and how.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from flask import Flask, Response, current_app, g, request

from index import store

LOG = logging.getLogger("govsearch.requests")
SEARCH_ENDPOINTS = {"api.search", "views.search", "views.embed", "views.export_csv"}
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BUILD_RESULTS = ("ok", "failed", "interrupted")


class Metrics:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = {}
        self.buckets = [0] * len(BUCKETS)
        self.count = 0
        self.sum = 0.0

    def observe(self, route: str, status: int, seconds: float) -> None:
        with self.lock:
            key = (route, status)
            self.requests[key] = self.requests.get(key, 0) + 1
            self.count += 1
            self.sum += seconds
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.buckets[i] += 1

    def render(self, web) -> str:
        out = ["# HELP govsearch_requests_total HTTP requests answered, by route and status.",
               "# TYPE govsearch_requests_total counter"]
        with self.lock:
            for (route, status), n in sorted(self.requests.items()):
                out.append(f'govsearch_requests_total{{route="{_label(route)}",status="{status}"}} {n}')
            out += ["# HELP govsearch_request_seconds Time to answer a request.",
                    "# TYPE govsearch_request_seconds histogram"]
            for bound, n in zip(BUCKETS, self.buckets):
                out.append(f'govsearch_request_seconds_bucket{{le="{bound}"}} {n}')
            out += [f'govsearch_request_seconds_bucket{{le="+Inf"}} {self.count}',
                    f"govsearch_request_seconds_sum {self.sum:.6f}", f"govsearch_request_seconds_count {self.count}"]
        out += ["# HELP govsearch_index_up 1 when the index can be read.", "# TYPE govsearch_index_up gauge"]
        try:
            stats = web.searcher.stats()
        except Exception:
            stats = None
        out.append(f"govsearch_index_up {1 if stats else 0}")
        if stats:
            out += ["# HELP govsearch_index_info The live index generation.", "# TYPE govsearch_index_info gauge",
                    f'govsearch_index_info{{generation="{_label(stats["generation"])}"}} 1',
                    "# HELP govsearch_index_documents Reports in the live index.",
                    "# TYPE govsearch_index_documents gauge", f"govsearch_index_documents {stats['documents']}",
                    "# HELP govsearch_index_passages Passages in the live index.",
                    "# TYPE govsearch_index_passages gauge", f"govsearch_index_passages {stats['passages']}"]
        last = store.last_build(web.config.index)
        if last:
            out += ["# HELP govsearch_last_build_timestamp_seconds When the last build or update ended (Unix time).",
                    "# TYPE govsearch_last_build_timestamp_seconds gauge",
                    f"govsearch_last_build_timestamp_seconds {_timestamp(last.get('finished_at'))}",
                    "# HELP govsearch_last_build_result 1 for how the last build or update ended.",
                    "# TYPE govsearch_last_build_result gauge"]
            for result in BUILD_RESULTS:
                out.append(f'govsearch_last_build_result{{result="{result}"}} {1 if last.get("result") == result else 0}')
        return "\n".join(out) + "\n"


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _timestamp(text) -> float:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        return 0.0


def log_to_stderr() -> None:
    """For ``govsearch serve``: request log lines go to stderr (once)."""
    if not LOG.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False


def visitor_key() -> str:
    """What tells visitors apart for the hot queries: the client's address (as the
    trusted proxies say, see proxy_hops) and its browser. The query log keeps only a
    salted hash of it."""
    return f"{request.remote_addr or ''}|{request.headers.get('User-Agent', '')}"


def note_hits(total: int) -> None:
    """Called by a search route: the number of hits for the request log."""
    g.govsearch_hits = total


def init_app(app: Flask) -> None:
    web = app.extensions["govsearch"]
    metrics = app.extensions["govsearch_metrics"] = Metrics()

    @app.before_request
    def _start():
        g.govsearch_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        started = g.get("govsearch_started")
        if started is None:
            return response
        seconds = time.perf_counter() - started
        route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        if route != "/metrics":
            metrics.observe(route, response.status_code, seconds)
        if web.config.request_log and request.endpoint in SEARCH_ENDPOINTS:
            hits = g.get("govsearch_hits")
            query = f" q={request.args.get('q', '')!r}" if web.config.log_queries else ""
            LOG.info("%s %s %s status=%d ms=%.1f hits=%s%s", time.strftime("%Y-%m-%dT%H:%M:%S%z"), request.method,
                     route, response.status_code, seconds * 1000, "-" if hits is None else hits, query)
        return response

    @app.get("/metrics")
    def _metrics():
        if not web.config.metrics:
            from werkzeug.exceptions import NotFound

            raise NotFound()
        response = Response(metrics.render(current_app.extensions["govsearch"]))
        response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
        return response
