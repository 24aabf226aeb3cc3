#!/usr/bin/env python3
"""Memory of a serving process across index switches (issue 20: 149 → 463 MB over 20).

    .venv/bin/python bench/switch_memory.py                 # 20 switches, one process
    .venv/bin/python bench/switch_memory.py --switches 5 --files 50
    .venv/bin/python bench/switch_memory.py --corpus ../shared/corpus-real   # real reports, a real vocabulary

Builds one index of a generated corpus, starts `govsearch serve` on a loopback port,
then switches the index 20 times the way a build does (a new generation folder, then
`CURRENT`, then old generations removed, two kept): each switch copies the live
generation's files, so the server maps new files every time. After each switch it
searches until /healthz names the new generation, runs the same queries again, and
reads the server's memory from /proc (VmRSS, RssAnon: the process's own memory,
RssFile: mapped index pages). Prints one row per switch and exits 1 when RssAnon grew
by more than --max-growth MiB from the first switch to the last. Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reliability import WORDS, big_corpus  # noqa: E402


def memory(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if key == "Pss":
                out["Pss"] = int(value.split()[0]) / 1024
    except OSError:
        out["Pss"] = float("nan")
    return out


def get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
        return json.loads(r.read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def switch(index: Path) -> str:
    """A new generation with the live one's files (copied, not linked: new files to map)."""
    from index.generation import store

    live = store.current_generation(index)
    gen = store.new_generation(index)
    for f in live.iterdir():
        if f.is_file():
            shutil.copy2(f, gen / f.name)
    store.switch_to(index, gen)
    store.remove_old_generations(index, keep=2, previous=live.name)
    return gen.name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switches", type=int, default=20)
    ap.add_argument("--files", type=int, default=120, help="reports in the generated corpus")
    ap.add_argument("--paragraphs", type=int, default=60, help="paragraphs per report")
    ap.add_argument("--corpus", type=Path, help="index this folder (read in place) instead of a generated corpus")
    ap.add_argument("--index", type=Path, help="start from a copy of this index (its live generation) instead of "
                                                "building one")
    ap.add_argument("--queries", type=int, default=0, help="then this many more searches (several query kinds) "
                                                            "on the last generation, with a row every tenth")
    ap.add_argument("--max-growth", type=float, default=30.0, help="MiB of RssAnon growth allowed over the switches")
    args = ap.parse_args()
    from index import build

    with tempfile.TemporaryDirectory(prefix="govsearch-switch-") as tmp:
        work = Path(tmp)
        if args.index:
            from index.generation import store

            live = store.current_generation(args.index)
            shutil.copytree(live, work / "index" / live.name)
            store.switch_to(work / "index", work / "index" / live.name)
        else:
            corpus = args.corpus or big_corpus(work / "corpus", args.files, args.paragraphs)
            build(corpus, work / "index", workers=1)
        port = free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT), GOVSEARCH_REQUEST_LOG="false")
        server = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port), "--index",
                                   str(work / "index"), "--threads", "4"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    get(port, "/healthz")
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print("the server did not start", file=sys.stderr)
                        return 2
                    time.sleep(0.2)
            queries = [urllib.parse.quote(w) for w in (*WORDS, "发展", "经济")]

            doc = next(h["doc_id"] for q in queries for h in get(port, "/api/search?q=" + q)["hits"][:1])

            def load() -> None:
                """Every path that keeps something per generation: searches, facets, the
                comparison, completions and spelling (the vocabulary), pinyin, a report."""
                for q in queries:
                    get(port, f"/api/search?q={q}")
                    get(port, f"/api/search?q={q}&page=2&sort=year")
                get(port, "/api/compare?q=" + queries[0])
                for typed in ("五星", "wxzb", "renju"):
                    get(port, "/api/suggest?q=" + urllib.parse.quote(typed))
                get(port, "/api/search?q=" + urllib.parse.quote("五心支部"))  # did you mean
                get(port, "/api/search?q=wuxingzhibu")  # pinyin
                get(port, f"/api/docs/{doc}?q={queries[0]}")
                urllib.request.urlopen(f"http://127.0.0.1:{port}/docs/{doc}?q={queries[0]}", timeout=60).read()

            load()
            rows = [("start", memory(server.pid))]
            for n in range(1, args.switches + 1):
                name = switch(work / "index")
                deadline = time.monotonic() + 60
                while get(port, "/healthz").get("generation") != name:
                    get(port, f"/api/search?q={queries[0]}")
                    if time.monotonic() > deadline:
                        print(f"switch {n}: the server never served {name}", file=sys.stderr)
                        return 2
                    time.sleep(0.05)
                load()
                rows.append((str(n), memory(server.pid)))
            if args.queries:
                kinds = ["", "&page=2&sort=year", "&group=report", "&topic=" + urllib.parse.quote("党建")]
                step = max(args.queries // 10, 1)
                for i in range(1, args.queries + 1):
                    q = queries[i % len(queries)]
                    get(port, f"/api/search?q={q}{kinds[(i // len(queries)) % len(kinds)]}")
                    if i % step == 0:
                        rows.append((f"+{i} queries", memory(server.pid)))
        finally:
            server.terminate()
            server.wait(30)
    print("| switch | VmRSS MiB | RssAnon MiB | RssFile MiB | Pss MiB |\n|---|---|---|---|---|")
    for label, m in rows:
        print(f"| {label} | {m['VmRSS']:.0f} | {m['RssAnon']:.0f} | {m['RssFile']:.0f} | {m['Pss']:.0f} |")
    last = rows[args.switches][1]
    growth = last["RssAnon"] - rows[1][1]["RssAnon"]
    print(f"RssAnon from switch 1 to {args.switches}: {growth:+.1f} MiB (allowed {args.max_growth:.0f})")
    return 0 if growth <= args.max_growth else 1


if __name__ == "__main__":
    sys.exit(main())
