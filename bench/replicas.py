#!/usr/bin/env python3
"""Read replicas behind nginx while a new generation rolls out, under load.

    sudo .venv/bin/python bench/replicas.py               # 2 replicas, 4 clients
    sudo .venv/bin/python bench/replicas.py --replicas 3 --clients 8

Hosts: each replica runs `govsearch serve` in its own network namespace (`ip netns`,
needs root), reached over a veth pair at 10.231.N.2; without root it falls back to
loopback addresses 127.0.0.N+1 (--loopback forces that). nginx, in the first
namespace, balances /api/search over the replicas (deploy/nginx-replicas.conf's
upstream, retrying a failed replica). The writer's index is built in a folder of its
own; each replica has its own index folder and takes generations with
`govsearch index pull <writer> --index <replica>`, one replica after another.

While clients search through nginx, the writer builds a second generation (more
reports, so another total) and the replicas pull it in turn. Every response is
checked: status 200, and its total the one of the generation that answered (the
`X-Govsearch-Generation` header): a mixed answer would pair a generation with the
other's total. Prints one table; exits 1 on any error or mixed answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT), GOVSEARCH_REQUEST_LOG="false")
CLI = [sys.executable, "-m", "govsearch"]
QUERY = "五星支部"


def _corpus(folder: Path, reports: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(reports):
        (folder / f"r{n:03d}.txt").write_text(f"第{n}镇工作总结\n\n第{n}镇扎实推动五星支部创建，人居环境持续改善。\n\n"
                                              f"第{n}镇深化万人助万企。\n", encoding="utf-8")
    return folder


def _run(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kw)


class Hosts:
    """Network namespaces gsrep1…N with a veth each (10.231.N.1 here, 10.231.N.2 there),
    or loopback addresses."""

    def __init__(self, n: int, loopback: bool):
        self.n, self.netns, self.made = n, not loopback, []
        if self.netns:
            try:
                for i in range(1, n + 1):
                    ns = f"gsrep{i}"
                    _run("ip", "netns", "add", ns)
                    self.made.append(ns)
                    _run("ip", "link", "add", f"gsrep{i}h", "type", "veth", "peer", "name", f"gsrep{i}n")
                    _run("ip", "link", "set", f"gsrep{i}n", "netns", ns)
                    _run("ip", "addr", "add", f"10.231.{i}.1/24", "dev", f"gsrep{i}h")
                    _run("ip", "link", "set", f"gsrep{i}h", "up")
                    _run("ip", "netns", "exec", ns, "ip", "addr", "add", f"10.231.{i}.2/24", "dev", f"gsrep{i}n")
                    _run("ip", "netns", "exec", ns, "ip", "link", "set", f"gsrep{i}n", "up")
                    _run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
            except (subprocess.CalledProcessError, FileNotFoundError) as exc:
                print(f"# network namespaces unavailable ({exc}); using loopback addresses", file=sys.stderr)
                self.close()
                self.netns = False

    @property
    def kind(self) -> str:
        return "network namespaces (ip netns, veth pairs)" if self.netns else "loopback addresses 127.0.0.2…"

    def address(self, i: int) -> str:
        return f"10.231.{i}.2" if self.netns else f"127.0.0.{i + 1}"

    def prefix(self, i: int) -> list[str]:
        return ["ip", "netns", "exec", f"gsrep{i}"] if self.netns else []

    def close(self) -> None:
        for ns in self.made:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        for i in range(1, self.n + 1):
            subprocess.run(["ip", "link", "del", f"gsrep{i}h"], capture_output=True)
        self.made = []


def _wait(url: str, seconds: float = 300) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX = """worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp; fastcgi_temp_path {work}/tmp;
    uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
{upstream}
    server {{
        listen 127.0.0.1:{port};
{location}
    }}
}}
"""


def nginx_config(work: Path, port: int, servers: list[str]) -> str:
    """The http-level parts of deploy/nginx-replicas.conf with these replicas."""
    sample = (ROOT / "deploy" / "nginx-replicas.conf").read_text(encoding="utf-8")
    upstream = sample[sample.index("upstream govsearch_replicas"):sample.index("# -- end upstream")]
    lines = [ln for ln in upstream.splitlines() if not ln.strip().startswith("server ")]
    upstream = "\n".join([lines[0]] + [f"    server {s} max_fails=1 fail_timeout=2s;" for s in servers] + lines[1:])
    location = sample[sample.index("location /search/"):sample.index("# -- end location")]
    return NGINX.format(work=work, port=port, upstream=upstream, location=location)


def rollout(work: Path, replicas: int = 2, clients: int = 4, loopback: bool = False, reports: tuple = (12, 18)) -> dict:
    writer = work / "writer"
    _run(*CLI, "index", "build", "--corpus", str(_corpus(work / "corpus", reports[0])), "--index", str(writer),
         "--workers", "1", env=ENV)
    hosts = Hosts(replicas, loopback)
    servers, nginx = [], None
    try:
        port = 8000 if hosts.netns else _free_port()
        for i in range(1, replicas + 1):
            _run(*CLI, "index", "pull", str(writer), "--index", str(work / f"replica{i}"), env=ENV)
            rport = port if hosts.netns else _free_port()
            servers.append((f"{hosts.address(i)}:{rport}", subprocess.Popen(
                [*hosts.prefix(i), *CLI, "serve", "--host", hosts.address(i), "--port", str(rport), "--index",
                 str(work / f"replica{i}"), "--threads", "4"], env=ENV, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)))
        for address, _ in servers:  # from the host running nginx (the namespaces' peers)
            _wait(f"http://{address}/healthz")
        (work / "tmp").mkdir()
        lb_port = _free_port()
        (work / "nginx.conf").write_text(nginx_config(work, lb_port, [a for a, _ in servers]), encoding="utf-8")
        nginx = subprocess.Popen(["nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        url = f"http://127.0.0.1:{lb_port}/search/api/search?q={urllib.parse.quote(QUERY)}&page_size=5"
        _wait(url, 60)
        totals = {}

        def answer() -> tuple:
            try:
                r = urllib.request.urlopen(url, timeout=60)
                return r.status, r.headers.get("X-Govsearch-Generation"), json.loads(r.read())["total"]
            except urllib.error.HTTPError as exc:
                return exc.code, None, None
            except (OSError, ValueError, http.client.HTTPException) as exc:  # a cut body counts, not kills the client
                return type(exc).__name__, None, None

        first = answer()
        totals[first[1]] = first[2]
        seen: list[tuple] = []
        lock, stop = threading.Lock(), threading.Event()

        def client():
            while not stop.is_set():
                t0 = time.perf_counter()
                status, gen, total = answer()
                with lock:
                    seen.append((status, gen, total, (time.perf_counter() - t0) * 1000, time.monotonic()))

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        time.sleep(2)
        _corpus(work / "corpus", reports[1])  # more reports: the new generation has another total
        t0 = time.perf_counter()
        _run(*CLI, "index", "update", "--index", str(writer), "--workers", "1", env=ENV)
        build_s = time.perf_counter() - t0
        new_gen = (writer / "CURRENT").read_text().strip()
        pulls, switched_at = [], []
        for i in range(1, replicas + 1):  # one replica after another
            t0 = time.perf_counter()
            _run(*CLI, "index", "pull", str(writer), "--index", str(work / f"replica{i}"), env=ENV)
            pulls.append(time.perf_counter() - t0)
            switched_at.append(time.monotonic())
            time.sleep(2)
        stop.set()
        for t in threads:
            t.join()
        from search.engine import Searcher

        totals[new_gen] = Searcher(writer).search(QUERY).total
        done = switched_at[-1] + 1.0  # a server takes the switch on its next query (and opens it in ≤ 0.25 s)
        errors = sum(1 for s in seen if s[0] != 200)
        mixed = sum(1 for s in seen if s[0] == 200 and (s[1] not in totals or totals[s[1]] != s[2]))
        lat = sorted(s[3] for s in seen)
        return {
            "hosts": hosts.kind, "replicas": replicas, "clients": clients, "requests": len(seen), "errors": errors,
            "mixed": mixed, "old_answers": sum(1 for s in seen if s[1] != new_gen),
            "new_answers": sum(1 for s in seen if s[1] == new_gen),
            "old_after_rollout": sum(1 for s in seen if s[1] != new_gen and s[4] > done),
            "totals": totals, "update_s": build_s, "pull_s": pulls,
            "p50_ms": lat[len(lat) // 2] if lat else 0, "p99_ms": lat[int(len(lat) * 0.99)] if lat else 0,
            "max_ms": lat[-1] if lat else 0,
            "statuses": sorted({str(s[0]) for s in seen}),
        }
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(20)
            except subprocess.TimeoutExpired:
                nginx.kill()
        for _, proc in servers:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(60)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                proc.kill()
        hosts.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--loopback", action="store_true", help="loopback addresses instead of network namespaces")
    args = parser.parse_args()
    if not shutil.which("nginx"):
        print("nginx is not installed (apt-get install nginx-light)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="govsearch-replicas-") as tmp:
        r = rollout(Path(tmp), args.replicas, args.clients, args.loopback or os.geteuid() != 0)
    print(f"# read replicas behind nginx, a generation rolled out under load ({time.strftime('%Y-%m-%d %H:%M')}, "
          f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)\n")
    print("| hosts | replicas | clients | requests | errors | mixed answers | answers old / new generation | "
          "old answers > 1 s after the last switch | writer update s | pull s (each replica) | p50 / p99 / max ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {r['hosts']} | {r['replicas']} | {r['clients']} | {r['requests']} | {r['errors']} | {r['mixed']} | "
          f"{r['old_answers']} / {r['new_answers']} | {r['old_after_rollout']} | {r['update_s']:.1f} | "
          f"{', '.join(f'{s:.1f}' for s in r['pull_s'])} | {r['p50_ms']:.0f} / {r['p99_ms']:.0f} / {r['max_ms']:.0f} |")
    print(f"\ntotals by generation: {r['totals']}; statuses: {', '.join(r['statuses'])}")
    return 0 if r["errors"] == 0 and r["mixed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
