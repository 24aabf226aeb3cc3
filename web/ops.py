"""Operations: one log line per search request, and ``GET /metrics`` (Prometheus text).

The request log (logger ``govsearch.requests``, on by default: setting ``request_log``)
says when, which route, the status, the latency and the number of hits — never the
client's address, and the query text only with ``log_queries`` on.

``/metrics`` (setting ``metrics``, off by default: 404) counts requests by route and
status, a latency histogram, and says which index generation is live, how many
documents it holds, and when the last build or update finished and how. Only a
scraper with the ``metrics_token`` may read it, or without a token a client on this
machine that did not come through a proxy; others get 404. With ``--workers N`` each
process writes its counters to a file of a folder the master made (at most every
:data:`SHARE_EVERY` seconds, and when it answers /metrics), and the process that
answers sums them: the figures are the server's, not one worker's.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, Response, current_app, g, request

from index.generation import store

LOG = logging.getLogger("govsearch.requests")
SEARCH_ENDPOINTS = {"api.search", "views.search", "views.embed", "views.export_csv"}
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BUILD_RESULTS = ("ok", "failed", "interrupted")
SHARE_EVERY = 1.0  # seconds between two writes of a worker's counters


class Metrics:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = {}
        self.buckets = [0] * len(BUCKETS)
        self.count = 0
        self.sum = 0.0
        self.folder: Path | None = None  # where the workers of one server share their counters
        self._changed = threading.Event()

    def observe(self, route: str, status: int, seconds: float) -> None:
        with self.lock:
            key = (route, status)
            self.requests[key] = self.requests.get(key, 0) + 1
            self.count += 1
            self.sum += seconds
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.buckets[i] += 1
        self._changed.set()

    # ------------------------------------------------------------ several workers
    def share(self, folder: str | Path) -> None:
        """In a worker process of ``--workers N``: count from zero (the master answered
        nothing) and keep this process's counters in ``folder`` for the others to sum."""
        with self.lock:
            self.requests, self.buckets, self.count, self.sum = {}, [0] * len(BUCKETS), 0, 0.0
        self.folder = Path(folder)
        self._file = self.folder / f"worker-{os.getpid()}.json"
        self._write()
        threading.Thread(target=self._keep_writing, name="govsearch-metrics", daemon=True).start()

    def _snapshot(self) -> dict:
        with self.lock:
            return {"requests": [[r, s, n] for (r, s), n in self.requests.items()], "buckets": list(self.buckets),
                    "count": self.count, "sum": self.sum}

    def _write(self) -> None:
        tmp = self._file.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self._snapshot()), encoding="utf-8")
            os.replace(tmp, self._file)
        except OSError:
            pass  # metrics never fail a request

    def _keep_writing(self) -> None:
        while True:
            self._changed.wait()
            self._changed.clear()
            self._write()
            time.sleep(SHARE_EVERY)

    def _totals(self) -> tuple[dict, list, int, float]:
        """This process's counters plus those the other workers wrote."""
        mine = self._snapshot()
        snapshots = [mine]
        if self.folder is not None:
            self._write()
            for path in sorted(self.folder.glob("worker-*.json")):
                if path != self._file:
                    try:
                        snapshots.append(json.loads(path.read_text(encoding="utf-8")))
                    except (OSError, ValueError):
                        continue  # being replaced right now: its next write counts
        requests: dict[tuple[str, int], int] = {}
        buckets, count, total = [0] * len(BUCKETS), 0, 0.0
        for snap in snapshots:
            for route, status, n in snap["requests"]:
                requests[(route, int(status))] = requests.get((route, int(status)), 0) + int(n)
            buckets = [a + int(b) for a, b in zip(buckets, snap["buckets"])]
            count += int(snap["count"])
            total += float(snap["sum"])
        return requests, buckets, count, total

    def render(self, web) -> str:
        out = ["# HELP govsearch_requests_total HTTP requests answered, by route and status.",
               "# TYPE govsearch_requests_total counter"]
        requests, buckets, count, total = self._totals()
        for (route, status), n in sorted(requests.items()):
            out.append(f'govsearch_requests_total{{route="{_label(route)}",status="{status}"}} {n}')
        out += ["# HELP govsearch_request_seconds Time to answer a request.",
                "# TYPE govsearch_request_seconds histogram"]
        for bound, n in zip(BUCKETS, buckets):
            out.append(f'govsearch_request_seconds_bucket{{le="{bound}"}} {n}')
        out += [f'govsearch_request_seconds_bucket{{le="+Inf"}} {count}',
                f"govsearch_request_seconds_sum {total:.6f}", f"govsearch_request_seconds_count {count}"]
        out += ["# HELP govsearch_index_up 1 when the index can be read.", "# TYPE govsearch_index_up gauge"]
        try:
            stats = web.searcher.scoped(tuple(web.config.anonymous_groups)).stats()  # what anyone may know
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


def may_read_metrics(token: str) -> bool:
    """With a token: the request carries it (``Authorization: Bearer …``). Without: the
    client is on this machine and did not come through a proxy (the address is the
    socket's own, whatever ``proxy_hops`` says)."""
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR")
    try:
        return ipaddress.ip_address((peer or "").split("%")[0]).is_loopback
    except ValueError:
        return False


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
        if not web.config.metrics or not may_read_metrics(web.config.metrics_token):
            from werkzeug.exceptions import NotFound

            raise NotFound()
        response = Response(metrics.render(current_app.extensions["govsearch"]))
        response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
        return response
