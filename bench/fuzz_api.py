#!/usr/bin/env python3
"""Hostile requests against a real ``govsearch serve``: 0 server errors (5xx) allowed.

Builds an index of ``corpus/`` (or uses ``--index``), starts ``govsearch serve`` on
127.0.0.1, then

1. runs schemathesis (``--examples`` per operation, every check) against
   ``/api/openapi.json`` — unless ``--no-schemathesis``;
2. sends ``--requests`` fuzzed requests over raw sockets: random and hostile query
   strings (markup, SQL, format strings, NUL and control characters, huge numbers,
   lone surrogates percent-encoded, raw non-UTF-8 bytes), unknown and repeated
   parameters, odd methods, hostile paths (traversal, encoded slashes, very long ids),
   and raw bytes in the request line.

Prints a table of status codes and exits 1 if any request got a 5xx, a connection
error, or the server died.

    .venv/bin/python bench/fuzz_api.py                    # 10,000 requests + schemathesis
    .venv/bin/python bench/fuzz_api.py --requests 500 --no-schemathesis --port 8191
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = [str(BIN / "govsearch")] if (BIN / "govsearch").exists() else [sys.executable, "-m", "govsearch.cli"]

ROUTES = ["/", "/search", "/embed", "/compare", "/embed/compare", "/export.csv", "/compare.csv", "/api/search",
          "/api/suggest", "/api/compare", "/api/stats", "/api/openapi.json", "/healthz", "/metrics", "/favicon.ico",
          "/docs/xinmi-dawei-2022", "/api/docs/xinmi-dawei-2022", "/static/app.js", "/nowhere"]
PARAMS = ["q", "town", "county", "topic", "year", "page", "page_size", "sort", "synonyms", "related", "group",
          "fixed", "year_from", "year_to", "by", "limit", "format", "callback", "__proto__", "q[]", "", "Q"]
HOSTILE = [
    "五星支部", "人居环境", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "=HYPERLINK(\"http://x\")", "＝1+1", "+1", "-1", "@SUM(A1)", "' OR 1=1 --", "%s%s%n", "{0.__class__}",
    "{{7*7}}", "${7*7}", "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "\x00", "\r\nSet-Cookie: x=1", "*", "?",
    "town:", "town:大隗镇", "section:党建", "year:abcd", "year:99999999999999999999", "foo:bar", '"', '""', "(", ")",
    "AND", "OR NOT", "-", "--", "~", "\\", "\u202e", "\ufeff", "\U0001f600" * 50, "五" * 5000, "a" * 1200,
    "0", "-1", "1e309", "NaN", "inf", "9" * 40, "0x10", " ", "\t", "ｑ", "wxzb", "dawei", "大隗 -五星",
]
METHODS = ["GET"] * 12 + ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BOGUS"]


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return rng.choice(HOSTILE)
    if kind < 0.75:
        return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x4E00, 0x9FFF), rng.randrange(0, 32),
                                       rng.randrange(0x80, 0x800), rng.randrange(0x10000, 0x10FFFF)]))
                       for _ in range(rng.randrange(0, 40)))
    return rng.choice(HOSTILE) + rng.choice(HOSTILE)


def encode(rng: random.Random, text: str) -> bytes:
    """A query-string value as a client might send it: percent-encoded UTF-8, raw UTF-8,
    percent-encoded garbage bytes, or raw garbage bytes."""
    kind = rng.random()
    if kind < 0.6:
        return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="").encode("ascii")
    if kind < 0.8:
        return text.encode("utf-8", "surrogatepass").replace(b" ", b"+").replace(b"\r", b"").replace(b"\n", b"")
    garbage = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
    if kind < 0.9:
        return urllib.parse.quote_from_bytes(garbage, safe="").encode("ascii")
    return garbage.replace(b" ", b"").replace(b"\r", b"").replace(b"\n", b"")


def fuzzed_request(rng: random.Random) -> tuple[str, bytes]:
    """(route it targets, the raw HTTP request)."""
    method = rng.choice(METHODS)
    route = rng.choice(ROUTES)
    path = route.encode()
    if route.startswith(("/docs/", "/api/docs/")) and rng.random() < 0.7:
        prefix = route.rsplit("/", 1)[0].encode()
        path = prefix + b"/" + rng.choice([
            encode(rng, random_text(rng)), b"..%2F..%2Fetc%2Fpasswd", b"%2e%2e", b"." * 3, b"x" * rng.randrange(1, 600),
            b"%00", b"CON", b"-x", b".hidden", b"a%2fb", b"a/b/c", b"%ff%fe", b"\xff\xfe"])
    elif rng.random() < 0.05:
        path = rng.choice([b"//api/search", b"/api/../api/search", b"/%2e%2e/%2e%2e/etc/passwd", b"/static/../../pyproject.toml",
                           b"/static/%2e%2e/%2e%2e/pyproject.toml", b"*", b"http://evil.example/", b"/" + b"a" * 5000,
                           b"/api/search\x00", b"/\xff\xfe"])
    pairs = []
    for _ in range(rng.randrange(0, 6)):
        name = rng.choice(PARAMS) if rng.random() < 0.85 else random_text(rng)
        pairs.append(encode(rng, name) + b"=" + encode(rng, random_text(rng)))
    if rng.random() < 0.03:
        pairs.append(b"q=" + b"%E4%BA%94" * 3000)  # a 27 kB query string
    query = b"&".join(pairs) if pairs else b""
    target = path + (b"?" + query if query or rng.random() < 0.1 else b"")
    version = rng.choice([b"HTTP/1.1"] * 20 + [b"HTTP/1.0", b"HTTP/9.9", b"HTTP/1.1 extra", b""])
    headers = [b"Host: 127.0.0.1", b"Connection: close"]
    if rng.random() < 0.1:
        headers.append(rng.choice([b"Origin: http://evil.example", b"X-Forwarded-Prefix: /<script>",
                                   b"X-Forwarded-For: \xff\xfe", b"Accept: */*;q=bogus", b"Range: bytes=9-1",
                                   b"If-Modified-Since: yesterday", b"Content-Length: 5", b"Transfer-Encoding: chunked",
                                   b"Accept-Encoding: " + b"x," * 1000]))
    line = method.encode() + b" " + target + (b" " + version if version else b"")
    body = b"abcde" if b"Content-Length: 5" in headers else b"0\r\n\r\n" if b"Transfer-Encoding: chunked" in headers else b""
    return route, line + b"\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body


def send(port: int, raw: bytes, timeout: float = 30.0) -> int | None:
    """The status code of the answer (None: the server closed without one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        while sock.recv(65536):  # read the whole answer before closing
            pass
    m = re.match(rb"HTTP/\d\.\d (\d{3})", data)
    return int(m.group(1)) if m else None


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"govsearch serve exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("govsearch serve did not answer /healthz")


def run_schemathesis(port: int, examples: int, seed: int) -> tuple[int, str]:
    exe = BIN / "schemathesis"
    if not exe.exists():
        return -1, "schemathesis is not installed (pip install -e '.[test]')"
    with tempfile.TemporaryDirectory() as tmp:  # schemathesis writes its cache in the working folder
        proc = subprocess.run([str(exe), "run", f"http://127.0.0.1:{port}/api/openapi.json", "--checks", "all",
                               "--max-examples", str(examples), "--workers", "2", "--seed", str(seed), "--no-color"],
                              capture_output=True, text=True, cwd=tmp, timeout=3600)
    out = proc.stdout + proc.stderr
    summary = re.search(r"Test cases:\s*\n\s*(.+)", out)
    return proc.returncode, (summary.group(1).strip() if summary else out[-2000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="an existing index (default: build one of corpus/ in a temporary folder)")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--examples", type=int, default=200, help="schemathesis examples per operation")
    parser.add_argument("--no-schemathesis", action="store_true")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    env = dict(os.environ, GOVSEARCH_LOG_LEVEL="WARNING")
    with tempfile.TemporaryDirectory(prefix="govsearch-fuzz-") as tmp:
        index = args.index or str(Path(tmp) / "index")
        if not args.index:
            subprocess.run([*CLI, "index", "build", "--corpus", str(ROOT / "corpus"), "--index", index], check=True,
                           stdout=subprocess.DEVNULL, env=env)
        log = open(Path(tmp) / "server.log", "w+b")  # a file, not a pipe: a full pipe would block the server
        server = subprocess.Popen([*CLI, "serve", "--index", index, "--port", str(args.port), "--threads", "4"],
                                  stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            wait_for(args.port, server)
            print(f"# govsearch fuzz ({time.strftime('%Y-%m-%d %H:%M')}, index of {index if args.index else 'corpus/'})")
            failed = False
            if not args.no_schemathesis:
                t0 = time.perf_counter()
                code, summary = run_schemathesis(args.port, args.examples, args.seed)
                print(f"\nschemathesis (--checks all, --max-examples {args.examples}): exit {code}, {summary}, "
                      f"{time.perf_counter() - t0:.0f} s")
                failed |= code != 0
            rng = random.Random(args.seed)
            statuses: Counter = Counter()
            errors: Counter = Counter()
            five: list[bytes] = []
            t0 = time.perf_counter()
            for _ in range(args.requests):
                route, raw = fuzzed_request(rng)
                try:
                    status = send(args.port, raw)
                except OSError as exc:
                    errors[type(exc).__name__] += 1
                    continue
                statuses[status] += 1
                if status is not None and status >= 500:
                    five.append(raw[:300])
            seconds = time.perf_counter() - t0
            alive = server.poll() is None
            print(f"\nfuzzed requests: {args.requests} in {seconds:.0f} s, server alive after: {alive}\n")
            print("| status | requests |\n|---|---|")
            for status, n in sorted(statuses.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
                print(f"| {status if status is not None else 'closed without answer'} | {n} |")
            for name, n in errors.items():
                print(f"| connection error {name} | {n} |")
            n5 = sum(n for s, n in statuses.items() if s is not None and s >= 500)
            print(f"\n5xx: {n5}")
            for raw in five[:10]:
                print("  ", raw)
            failed |= bool(n5 or errors or not alive)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.seek(0)
            err = log.read().decode("utf-8", "replace")
            log.close()
            tracebacks = err.count("Traceback")
            if tracebacks:
                print(err[err.index("Traceback"):][:3000])
            print(f"tracebacks in the server log: {tracebacks}")
    return 1 if failed or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
