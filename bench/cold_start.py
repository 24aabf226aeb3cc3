"""Cold start: how long a fresh process takes to answer, and what a server costs.

Prints a Markdown table (and ``--json`` the raw figures) for each index given:

* fresh-process ``govsearch search Q --json`` vs ``govsearch --version`` (median wall
  time of ``--runs`` runs each, alternated), their ratio, and the median ``took_ms``;
  and the CPU seconds (user + system, which the machine's load does not inflate) of a
  fresh search, did-you-mean (``五心支部``), pinyin (``wxzb``) and ``suggest 人居``, each
  against a ``--version`` run beside it (median of the paired ratios);
* the first query a running ``govsearch serve`` answers after the index switched
  generation (``CURRENT`` pointed at the other of the two newest generations, as a
  build does), median and max over ``--switches`` switches;
* the server's resident memory (RSS, and PSS: shared pages shared out) after load and
  after the queries, for ``--workers 1`` and ``--workers 2`` (all processes summed);
* throughput and p95 latency of ``/api/search`` at 1 and 8 concurrent clients
  (keep-alive connections, the benchmark's queries in turn, ``--seconds`` each) for
  ``serve --workers 1`` and ``--workers 2``.

Usage (indexes built beforehand, e.g. from ``bench/scale_corpus.py`` corpora; an index
needs two generations for the switch measurement — an ``index update`` after a change makes one)::

    .venv/bin/python bench/cold_start.py 3mb=bench/out/cold-3mb 100mb=bench/out/cold-100mb

Measurement only; nothing here is a test. Servers listen on 127.0.0.1, ports from
``--port`` (default 8140) upwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queries import QUERIES  # noqa: E402

GOVSEARCH = str(Path(sys.executable).parent / "govsearch")
QUERY = "乡村振兴"


def _run(args: list[str]) -> tuple[float, str]:
    return _run_cpu(args)[:2]


def _run_cpu(args: list[str]) -> tuple[float, str, float]:
    """(wall seconds, standard output, CPU seconds: user + system of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, out, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# fresh-process query assistance (issue 22): each timed against `--version` in alternation
ASSIST_COMMANDS = {"did-you-mean": ["search", "五心支部"], "pinyin": ["search", "wxzb"], "suggest": ["suggest", "人居"]}


def cold_cli(index: Path, runs: int) -> dict:
    search, version, took = [], [], []
    cpu_ratios: dict[str, list[float]] = {"search": [], **{k: [] for k in ASSIST_COMMANDS}}
    for _ in range(runs):
        t, _, v_cpu = _run_cpu([GOVSEARCH, "--version"])
        version.append(t)
        t, out, cpu = _run_cpu([GOVSEARCH, "search", QUERY, "--index", str(index), "--json"])
        search.append(t)
        cpu_ratios["search"].append(cpu / v_cpu)
        took.append(json.loads(out)["took_ms"])
        for name, args in ASSIST_COMMANDS.items():  # A B A B: each ratio against a --version run beside it
            _, _, v_cpu = _run_cpu([GOVSEARCH, "--version"])
            _, _, cpu = _run_cpu([GOVSEARCH, *args, "--index", str(index)])
            cpu_ratios[name].append(cpu / v_cpu)
    s, v = statistics.median(search), statistics.median(version)
    return {"search_s": s, "version_s": v, "ratio": s / v, "took_ms": statistics.median(took),
            "cpu_ratio": {k: statistics.median(r) for k, r in cpu_ratios.items()}}


# --------------------------------------------------------------------------- servers


class Server:
    def __init__(self, index: Path, port: int, workers: int, threads: int = 8, env: dict | None = None):
        self.port = port
        self.proc = subprocess.Popen(
            [GOVSEARCH, "serve", "--index", str(index), "--port", str(port), "--workers", str(workers),
             "--threads", str(threads)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(env or {})})
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server ended before serving")
            if "serving on" in line:
                break
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def pids(self) -> list[int]:
        pid = self.proc.pid
        try:
            children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            children = []
        return [pid, *children]

    def memory_mb(self) -> tuple[float, float, float]:
        """(RSS, PSS, anonymous) summed over the server's processes, in MiB. Anonymous
        memory is the processes' own heap; the rest of RSS is pages of the mapped index
        files, which the OS page cache holds once for every process and can drop."""
        rss = pss = anon = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Anonymous:"):
                        anon += int(line.split()[1])
            except OSError:
                pass
        return rss / 1024, pss / 1024, anon / 1024

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _get(conn: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise RuntimeError(f"{path}: {r.status}")
    return time.perf_counter() - started


def _paths() -> list[str]:
    out = []
    for q in QUERIES:
        params = [f"q={quote(q.q)}"] if q.q else []
        for k, values in q.filters.items():
            params += [f"{k}={quote(v)}" for v in values]
        out.append("/api/search?" + "&".join(params))
    return out


def first_query_after_switch(index: Path, port: int, switches: int, background: bool) -> dict:
    from index.generation import store

    gens = sorted((p for p in index.glob("gen-*") if (p / "columns.json").exists()),
                  key=lambda p: p.stat().st_mtime)
    if len(gens) < 2:
        return {}
    live = store.current_generation(index)
    other = next(g for g in reversed(gens) if g != live)
    server = Server(index, port, 1, env={"GOVSEARCH_RELOAD_IN_BACKGROUND": "yes" if background else "no"})
    times = []
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        path = f"/api/search?q={quote(QUERY)}"
        _get(conn, path)
        for n in range(switches):
            store.switch_to(index, other if n % 2 == 0 else live)
            times.append(_get(conn, path) * 1000)
            time.sleep(1.0)  # let a background reload finish
            _get(conn, path)
        store.switch_to(index, live)
        conn.close()
    finally:
        server.stop()
    key = "after_switch" if background else "after_switch_fg"
    return {f"{key}_ms": statistics.median(times), f"{key}_max_ms": max(times)}


def load(port: int, clients: int, seconds: float) -> dict:
    paths = _paths()
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    errors = [0]
    kinds: dict[str, int] = {}

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        i = k
        while time.perf_counter() < stop_at:
            try:
                mine.append(_get(conn, paths[i % len(paths)]))
            except Exception as exc:  # counted by kind: a status, a reset, a timeout
                with lock:
                    errors[0] += 1
                    kind = f"{type(exc).__name__}: {exc}"[:120]
                    kinds[kind] = kinds.get(kind, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            i += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000 if latencies else float("nan")
    return {"rps": len(latencies) / elapsed, "p95_ms": p95, "errors": errors[0], "error_kinds": kinds}


def serve_figures(index: Path, port: int, workers: int, seconds: float) -> dict:
    server = Server(index, port, workers)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        _get(conn, f"/api/search?q={quote(QUERY)}")
        conn.close()
        rss_load, pss_load, anon_load = server.memory_mb()
        out = {"rss_after_load_mb": rss_load, "pss_after_load_mb": pss_load, "anon_after_load_mb": anon_load}
        for clients in (1, 8):
            load(port, clients, min(3.0, seconds))  # warm every query in every worker
            out[f"c{clients}"] = load(port, clients, seconds)
        out["rss_after_queries_mb"], out["pss_after_queries_mb"], out["anon_after_queries_mb"] = server.memory_mb()
    finally:
        server.stop()
    return out


def _size_mb(index: Path) -> float:
    from index.generation import store

    gen = store.current_generation(index)
    return sum(p.stat().st_size for p in gen.iterdir() if p.is_file()) / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("indexes", nargs="+", help="label=index folder, e.g. 100mb=bench/out/cold-100mb")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--switches", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--port", type=int, default=8140)
    ap.add_argument("--no-serve", action="store_true", help="only the CLI figures")
    ap.add_argument("--json", help="also write the raw figures to this file")
    ap.add_argument("--write", action="store_true",
                    help="write the table to bench/cold_start.md (and into BENCHMARKS.md, before the analysis)")
    args = ap.parse_args(argv)
    results = {}
    for spec in args.indexes:
        label, _, folder = spec.partition("=")
        index = Path(folder)
        r = {"index_mb": _size_mb(index), **cold_cli(index, args.runs)}
        if not args.no_serve:
            r.update(first_query_after_switch(index, args.port, args.switches, background=True))
            r.update(first_query_after_switch(index, args.port + 3, args.switches, background=False))
            r["workers1"] = serve_figures(index, args.port + 1, 1, args.seconds)
            r["workers2"] = serve_figures(index, args.port + 2, 2, args.seconds)
        results[label] = r
        print(f"{label}: {json.dumps(r)}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = render(results)
    print(text)
    if args.write:
        write_report(text, argv_text=" ".join(sys.argv[1:]))
    return 0


def write_report(table: str, argv_text: str) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    section = "\n".join([
        "## Cold start (`bench/cold_start.py`)",
        "",
        f"Measured on {when}, engine commit `{commit}`, with `python bench/cold_start.py {argv_text}` "
        f"(load average {load:.1f} at the end: the machine was shared). `search` and `--version` are fresh "
        f"processes (`govsearch search {QUERY} --json`, median); the ratio is the issue-10 target (≤ 1.5×, "
        "the same at 3 MB and 100 MB). *First query after switch*: a running `govsearch serve`, `CURRENT` "
        "pointed at the other of the two newest generations. Throughput: `GET /api/search` over the "
        "benchmark's 57 queries in turn, keep-alive clients in one process on the same 2-core machine.",
        "",
        table,
    ])
    (ROOT / "bench" / "cold_start.md").write_text(section + "\n", encoding="utf-8")
    report = ROOT / "BENCHMARKS.md"
    text = report.read_text(encoding="utf-8")
    start = text.find("## Cold start")
    analysis = text.find("## Analysis")
    if start >= 0:
        end = analysis if analysis > start else len(text)
        text = text[:start] + section + "\n\n" + text[end:]
    elif analysis >= 0:
        text = text[:analysis] + section + "\n\n" + text[analysis:]
    else:
        text += "\n" + section + "\n"
    report.write_text(text, encoding="utf-8")


def render(results: dict) -> str:
    lines = ["| index | index MB | `search` s | `--version` s | ratio | took_ms | first query after switch ms, "
             "`reload_in_background` on (the default: waits ≤ 0.25 s, then the old generation answers) | "
             "same, off (the request opens the new generation) |",
             "|---|---|---|---|---|---|---|---|"]

    def pair(r, key):
        return f"{r[key + '_ms']:.1f} / {r[key + '_max_ms']:.1f}" if key + "_ms" in r else "—"

    for label, r in results.items():
        lines.append(f"| {label} | {r['index_mb']:.0f} | {r['search_s']:.2f} | {r['version_s']:.2f} | "
                     f"{r['ratio']:.2f}× | {r['took_ms']:.1f} | {pair(r, 'after_switch')} | {pair(r, 'after_switch_fg')} |")
    if any("cpu_ratio" in r for r in results.values()):
        names = ["search", *ASSIST_COMMANDS]
        lines += ["", "| index | CPU seconds of a fresh process / `--version`'s (median of paired runs): "
                  + " | ".join(f"`{' '.join(ASSIST_COMMANDS.get(n, ['search', QUERY]))}`" for n in names) + " |",
                  "|---|" + "---|" * len(names)]
        for label, r in results.items():
            if "cpu_ratio" in r:
                lines.append(f"| {label} | " + " | ".join(f"{r['cpu_ratio'][n]:.2f}×" for n in names) + " |")
    if any("workers1" in r for r in results.values()):
        lines += ["", "| index | serve | RSS / PSS / heap after load MiB | RSS / PSS / heap after queries MiB | "
                      "req/s 1 client (p95 ms) | req/s 8 clients (p95 ms) | 8 clients / 1 client | failed requests |",
                  "|---|---|---|---|---|---|---|---|"]
        for label, r in results.items():
            for key, name in (("workers1", "--workers 1"), ("workers2", "--workers 2")):
                w = r.get(key)
                if not w:
                    continue
                failed = w['c1'].get('errors', 0) + w['c8'].get('errors', 0)
                kinds = {**w['c1'].get('error_kinds', {}), **w['c8'].get('error_kinds', {})}
                why = "; ".join(f"{n}× {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:2])
                lines.append(
                    f"| {label} | `{name}` | {w['rss_after_load_mb']:.0f} / {w['pss_after_load_mb']:.0f} / "
                    f"{w.get('anon_after_load_mb', float('nan')):.0f} | "
                    f"{w['rss_after_queries_mb']:.0f} / {w['pss_after_queries_mb']:.0f} / "
                    f"{w.get('anon_after_queries_mb', float('nan')):.0f} | "
                    f"{w['c1']['rps']:.0f} ({w['c1']['p95_ms']:.1f}) | {w['c8']['rps']:.0f} ({w['c8']['p95_ms']:.1f}) | "
                    f"{w['c8']['rps'] / w['c1']['rps']:.2f}× | {failed}{' (' + why + ')' if why else ''} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
