"""In-process search latency on one index: first runs, warm runs, frequent terms.

    .venv/bin/python bench/search_latency.py --index /tmp/idx [--rounds 3] [--dump before.jsonl]
    .venv/bin/python bench/search_latency.py --index /tmp/idx --compare before.jsonl

Opens one :class:`search.Searcher` (as a server does), runs every query of
``bench/queries.py`` once in a fixed order (*first run*: nothing cached for it yet),
then ``--rounds`` warm rounds, and prints a Markdown table: p50 / p95 / max wall ms and
CPU ms per search (``time.process_time``, which the machine's load does not inflate)
for the first runs, the warm runs and the warm runs of the frequent terms (发展, 建设 …:
tens of thousands of passages). The first search of the process (``工作报告``, which maps
the generation) is reported apart.

``--serve PORT`` instead starts ``govsearch serve --workers N`` (``--workers``, default 1)
on the index and prints the server's CPU milliseconds per request (its ``/proc`` user +
system time, every process's, over ``--rounds`` rounds of ``GET /api/search`` for every
query by one client per worker, after one round that warms it), its RSS when it starts
serving, after the warm-up round and after the rounds, and after the rounds its memory
apart: anonymous (each process's own heap and caches, by process: the master first
with ``--workers`` above 1), the pages of mapped files (RSS less anonymous: the index's
and the libraries', shared by the workers through the page cache, and reclaimable), PSS
(shared pages shared out among the processes: the server's real share of memory) and
the index files with the most pages mapped. ``--distinct N`` then asks
N different queries drawn from the index's own text (each once: what fills the
per-query caches, as varied traffic does) and prints the memory after each quarter.

``--dump FILE`` writes each query's results (totals, the page's passage ids, scores,
highlights and snippets) as JSON lines; ``--compare FILE`` checks the current results
against such a dump and prints every difference — a speed change must not change them.
Measurement only; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # last: an engine snapshot on PYTHONPATH wins (see run.py --engine-commit)
sys.path.insert(0, str(ROOT / "bench"))

from queries import QUERIES  # noqa: E402

FREQUENT = ["发展", "建设", "经济", "推进", "改革 发展", "加强 建设"]
ASSIST = ["五心支部", "wxzb", "wuxingzhibu", "人居环竟"]


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))  # nearest rank
    return ordered[k]


def _row(label: str, wall: list[float], cpu: list[float]) -> str:
    return (f"| {label} | {len(wall)} | {statistics.median(wall):.1f} / {_pct(wall, 95):.1f} / {max(wall):.1f} "
            f"| {statistics.median(cpu):.1f} / {_pct(cpu, 95):.1f} / {max(cpu):.1f} |")


def _result(res) -> dict:
    return {"total": res.total, "exact": res.total_exact, "words": res.total_words, "context": res.total_context,
            "partial": res.total_partial, "facets": res.facets, "did_you_mean": res.did_you_mean,
            "pinyin": res.expanded.get("pinyin"),
            "hits": [[h.passage_id, h.match, h.score, [list(r) for r in h.runs], h.snippet] for h in res.hits]}


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _memory(pids: list[int]) -> list[tuple[float, float, float]]:
    """(RSS, PSS, anonymous) MiB of each process: anonymous memory is the process's own
    (heap, caches); RSS less it is pages of the mapped index files, which every worker
    shares through the page cache (PSS shares them out) and the OS can drop."""
    out = []
    for pid in pids:
        got = {"Rss:": 0, "Pss:": 0, "Anonymous:": 0}
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key = line.split(maxsplit=1)[0]
                if key in got:
                    got[key] = int(line.split()[1])
        except OSError:
            continue
        out.append((got["Rss:"] / 1024, got["Pss:"] / 1024, got["Anonymous:"] / 1024))
    return out


def _mapped_files(pids: list[int], folder: str, top: int = 6) -> str:
    """The index files with the most pages mapped in the processes (Rss of their
    mappings in ``/proc/PID/smaps``, summed over the processes): ``name MiB, …``."""
    per: dict[str, int] = {}
    root = str(Path(folder).resolve())
    for pid in pids:
        name = None
        try:
            lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts and not parts[0].endswith(":") and "-" in parts[0]:
                name = parts[5] if len(parts) > 5 and parts[5].startswith(root) else None
            elif name and parts[0] == "Rss:":
                per[Path(name).name] = per.get(Path(name).name, 0) + int(parts[1])
    ranked = sorted(per.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{n} {kb / 1024:.1f}" for n, kb in ranked[:top])
    return f"{shown}; all index files {sum(per.values()) / 1024:.1f} MiB"


def distinct_queries(index: str, n: int, seed: int = 22) -> list[str]:
    """``n`` different queries of the index's own text: 2–4 Chinese characters from a
    passage drawn at random, three in ten with two characters of the same passage added
    as a second term; what fills a server's per-query caches, as varied traffic does."""
    import random

    from search import Searcher

    t = Searcher(index)._current()
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        text = t.norm(rng.randrange(len(t.live)))
        k = rng.choice((2, 2, 3, 4))
        if len(text) < 12:
            continue
        i = rng.randrange(len(text) - k)
        q = text[i:i + k]
        if not all("\u4e00" <= c <= "\u9fff" for c in q):
            continue
        if rng.random() < 0.3:
            j = rng.randrange(len(text) - 2)
            if all("\u4e00" <= c <= "\u9fff" for c in text[j:j + 2]):
                q += " " + text[j:j + 2]
        out[q] = None
    return list(out)


def serve_figures(index: str, port: int, rounds: int, workers: int = 1, distinct: int = 0) -> int:
    import http.client
    import threading

    from cold_start import Server, _get, _paths

    server = Server(Path(index), port, workers=workers)
    try:
        paths = _paths() + [f"/api/search?q={quote(f)}" for f in FREQUENT]
        rss_start = sum(m[0] for m in _memory(server.pids()))
        walls: list[float] = []

        def ask(chunk: list[str], record: bool) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            for path in chunk:
                if workers > 1:  # a connection a request: an idle worker takes the next one
                    conn.close()
                wall = _get(conn, path) * 1000
                if record:
                    walls.append(wall)
            conn.close()

        def client(n: int, record: bool) -> None:
            ask(paths * n, record)

        def run(n: int, record: bool) -> None:
            # one client per worker (a connection is answered by the worker that accepted it)
            threads = [threading.Thread(target=client, args=(n, record)) for _ in range(workers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        run(1, False)  # the warm-up round: each query's first run (in each worker it reaches)
        rss_before = sum(m[0] for m in _memory(server.pids()))
        cpu = _cpu_seconds(server.pids())
        run(rounds, True)
        cpu = _cpu_seconds(server.pids()) - cpu
        after = _memory(server.pids())
        n = len(walls)
        rss, pss, anon = (sum(m[i] for m in after) for i in range(3))
        each = " / ".join(f"{m[2]:.0f}" for m in after)
        print(f"server on {index} (--workers {workers}): {n} warm requests ({len(paths)} queries × {rounds}"
              f"{f' × {workers} clients' if workers > 1 else ''})\n")
        print("| server CPU ms / request | wall p50 / p95 ms | RSS MiB at start → after warm-up → after "
              "| after: anonymous MiB (each process) | mapped files MiB (RSS − anonymous) | PSS MiB |")
        print("|---|---|---|---|---|---|")
        print(f"| {cpu * 1000 / n:.1f} | {statistics.median(walls):.1f} / {_pct(walls, 95):.1f} "
              f"| {rss_start:.0f} → {rss_before:.0f} → {rss:.0f} | {anon:.0f} ({each}) | {rss - anon:.0f} | {pss:.0f} |")
        print(f"\nmapped index files, MiB: {_mapped_files(server.pids(), index)}")
        if distinct:
            paths = [f"/api/search?q={quote(q)}" for q in distinct_queries(index, distinct)]
            rows = []
            for part in range(1, 5):  # memory after each quarter of them
                chunk = paths[(part - 1) * len(paths) // 4:part * len(paths) // 4]
                per = -(-len(chunk) // workers)
                threads = [threading.Thread(target=ask, args=(chunk[k * per:(k + 1) * per], False))
                           for k in range(workers)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                mem = _memory(server.pids())
                rows.append((part * len(paths) // 4, mem))
            print(f"\nthen {len(paths)} distinct queries (each asked once, `distinct_queries`):\n")
            print("| distinct queries | RSS MiB | anonymous MiB (each process) | mapped files MiB | PSS MiB |")
            print("|---|---|---|---|---|")
            for count, mem in rows:
                rss, pss, anon = (sum(m[i] for m in mem) for i in range(3))
                each = " / ".join(f"{m[2]:.0f}" for m in mem)
                print(f"| {count} | {rss:.0f} | {anon:.0f} ({each}) | {rss - anon:.0f} | {pss:.0f} |")
            print(f"\nmapped index files, MiB: {_mapped_files(server.pids(), index)}")
    finally:
        server.stop()
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dump", help="write each query's results to this file (JSON lines)")
    ap.add_argument("--compare", help="compare each query's results with this dump")
    ap.add_argument("--serve", type=int, metavar="PORT", help="measure a server's CPU per request instead")
    ap.add_argument("--workers", type=int, default=1, help="with --serve: `serve --workers N`, one client per worker")
    ap.add_argument("--distinct", type=int, default=0, metavar="N",
                    help="with --serve: then N distinct queries drawn from the index's text, memory after each quarter")
    ap.add_argument("--cache-mib", type=int, metavar="N",
                    help="in process: the term cache's and the word statistics' byte bounds set to N MiB for this "
                         "run (Searcher(cache_mib=N); engines before it: search/engine.py CACHE_BYTES, "
                         "search/ranking.py CACHED_BYTES)")
    args = ap.parse_args(argv)
    if args.serve:
        return serve_figures(args.index, args.serve, args.rounds, args.workers, args.distinct)

    from search import Searcher

    options = {}
    if args.cache_mib:
        from search import engine, ranking

        engine.CACHE_BYTES = ranking.CACHED_BYTES = args.cache_mib << 20  # an engine without cache_mib
        options = {"cache_mib": args.cache_mib}
        print(f"caches bounded at {args.cache_mib} MiB each")
    try:
        s = Searcher(args.index, **options)
    except TypeError:  # an engine snapshot from before the cache_mib option
        s = Searcher(args.index)
    t0, c0 = time.perf_counter(), time.process_time()
    s.search("工作报告")
    opened = ((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000)

    cases = [(q.q, q.filters) for q in QUERIES] + [(f, {}) for f in FREQUENT] + [(a, {}) for a in ASSIST]
    first_wall, first_cpu, warm_wall, warm_cpu, freq_wall, freq_cpu = [], [], [], [], [], []
    first_freq_wall, first_freq_cpu = [], []
    results: dict[str, dict] = {}
    slowest = (0.0, "")
    for rnd in range(args.rounds + 1):
        for q, filters in cases:
            t, c = time.perf_counter(), time.process_time()
            res = s.search(q, filters, pinyin=True)
            wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
            key = json.dumps([q, filters], ensure_ascii=False)
            if rnd == 0:
                first_wall.append(wall)
                first_cpu.append(cpu)
                results[key] = _result(res)
                slowest = max(slowest, (wall, q))
                if q in FREQUENT:
                    first_freq_wall.append(wall)
                    first_freq_cpu.append(cpu)
            else:
                warm_wall.append(wall)
                warm_cpu.append(cpu)
                if q in FREQUENT:
                    freq_wall.append(wall)
                    freq_cpu.append(cpu)

    import search

    print(f"engine {Path(search.__file__).parent.parent}")
    print(f"index {args.index}: {len(cases)} queries, {args.rounds} warm rounds; first search of the process "
          f"{opened[0]:.0f} ms ({opened[1]:.0f} CPU ms); slowest first run {slowest[0]:.0f} ms ({slowest[1]})\n")
    print("| runs | n | wall p50 / p95 / max ms | CPU p50 / p95 / max ms |")
    print("|---|---|---|---|")
    print(_row("first run of each query", first_wall, first_cpu))
    print(_row("first run, frequent terms", first_freq_wall, first_freq_cpu))
    print(_row("warm", warm_wall, warm_cpu))
    print(_row("warm, frequent terms", freq_wall, freq_cpu))

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for key, value in results.items():
                out.write(json.dumps({"query": key, **value}, ensure_ascii=False) + "\n")
    if args.compare:
        differ = 0
        for line in Path(args.compare).read_text(encoding="utf-8").splitlines():
            before = json.loads(line)
            key = before.pop("query")
            now = json.loads(json.dumps(results.get(key), ensure_ascii=False))
            if now != before:
                differ += 1
                print(f"DIFFERENT: {key}")
                for field in before:
                    if (now or {}).get(field) != before[field]:
                        print(f"  {field}: before {str(before[field])[:300]}\n  {field}: now    "
                              f"{str((now or {}).get(field))[:300]}")
        print(f"\ncompared with {args.compare}: {differ} of {len(results)} queries differ")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
