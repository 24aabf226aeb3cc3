"""Where a server's CPU per warm request goes: the search, the rest of the Flask app
(routing, hooks, the JSON), and the HTTP server (waitress, its threads).

    .venv/bin/python bench/server_split.py --index bench/out/idx-100mb --port 8263 [--rounds 5]

Runs the app on waitress (8 threads, as ``govsearch serve``) in a child process whose
app is wrapped with CPU clocks (``time.thread_time``): around the whole WSGI call,
around each ``Searcher.search`` and around Flask's JSON response; this process sends
the queries of ``bench/search_latency.py --serve`` (one warm-up round, then
``--rounds``) and reads the child's CPU from ``/proc``. ``--stored`` answers each
search from its first result (what the rest costs with no search at all). Prints CPU
milliseconds per request: the process, the app, the search, the JSON; the app less
the search and the process less the app. Measurement only; nothing here is a test.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # last: an engine snapshot on PYTHONPATH wins
sys.path.insert(0, str(ROOT / "bench"))


def child(index: str, port: int, stored: bool) -> None:
    import flask.json.provider as provider

    import search.engine as engine
    from govsearch.serve import bound_malloc_heaps, make_server
    from web.app import create_app
    from web.ops import log_to_stderr

    bound_malloc_heaps()
    app = create_app({"index": index})
    log_to_stderr()
    clocks = {"requests": 0, "app": 0.0, "search": 0.0, "json": 0.0}
    lock = threading.Lock()

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                with lock:
                    clocks[name] += time.thread_time() - started
                    if name == "app":
                        clocks["requests"] += 1
        return wrapper

    search = engine.Searcher.search
    if stored:
        answers: dict = {}

        def search(self, *args, _search=search, **kwargs):  # noqa: F811
            key = repr((args, sorted(kwargs.items())))
            if key not in answers:
                answers[key] = _search(self, *args, **kwargs)
            return copy.copy(answers[key])
    engine.Searcher.search = timed("search", search)
    provider.DefaultJSONProvider.response = timed("json", provider.DefaultJSONProvider.response)
    app.wsgi_app = timed("app", app.wsgi_app)
    server = make_server(app, port=port, threads=8)
    signal.signal(signal.SIGUSR1, lambda *_: print(
        "CLOCKS", clocks["requests"], clocks["app"], clocks["search"], clocks["json"], file=sys.stderr, flush=True))
    print("serving", flush=True)
    server.run()


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--port", type=int, default=8263)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--stored", action="store_true", help="answer each search from its first result")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.index, args.port, args.stored)
        return 0

    from cold_start import _get, _paths
    from search_latency import FREQUENT

    cmd = [sys.executable, __file__, "--child", "--index", args.index, "--port", str(args.port)]
    proc = subprocess.Popen(cmd + (["--stored"] if args.stored else []), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        if proc.stdout.readline().strip() != "serving":
            raise RuntimeError("the server did not start: " + proc.stderr.read()[-2000:])
        threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
        paths = _paths() + [f"/api/search?q={quote(f)}" for f in FREQUENT]
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)

        def clocks() -> list[float]:
            before = len([x for x in lines if x.startswith("CLOCKS")])
            proc.send_signal(signal.SIGUSR1)
            while len([x for x in lines if x.startswith("CLOCKS")]) == before:
                time.sleep(0.05)
            return [float(v) for v in [x for x in lines if x.startswith("CLOCKS")][-1].split()[1:]]

        for path in paths:
            _get(conn, path)
        a, cpu = clocks(), _cpu(proc.pid)
        for _ in range(args.rounds):
            for path in paths:
                _get(conn, path)
        cpu = _cpu(proc.pid) - cpu
        b = clocks()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    n = b[0] - a[0]
    app, search, json_ = ((b[i] - a[i]) * 1000 / n for i in (1, 2, 3))
    total = cpu * 1000 / n
    print(f"server on {args.index}{' (searches answered from stored results)' if args.stored else ''}: "
          f"{n:.0f} warm requests, CPU ms per request\n")
    print("| process | app | search | JSON response | app less search | process less app (waitress, threads) |")
    print("|---|---|---|---|---|---|")
    print(f"| {total:.2f} | {app:.2f} | {search:.2f} | {json_:.2f} | {app - search:.2f} | {total - app:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
