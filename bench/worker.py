"""Child-process side of the benchmark (``run.py`` starts it; not meant to be run by hand).

Each build and each query measurement runs in a fresh interpreter holding only the
system under test, so that one system's heap (and garbage collector) does not slow
down another's queries, and so that the build's peak memory is its own.

    python bench/worker.py build SYSTEM --corpus C --passages P --workdir W --out R.json
    python bench/worker.py query SYSTEM --workdir W --passages P --oracle O.json --repeat N --out R.json
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins

from oracle import same_facets  # noqa: E402
from peers import make  # noqa: E402
from queries import QUERIES, WARMUP  # noqa: E402


def _maxrss() -> dict:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"maxrss_self": me.ru_maxrss * 1024, "maxrss_children": kids.ru_maxrss * 1024,
            "cpu_seconds": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}


def do_build(args) -> dict:
    system = make(args.system)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = system.build(Path(args.corpus) if args.corpus else None,
                        Path(args.passages) if args.passages else None, workdir)
    info["seconds"] = time.perf_counter() - started
    info.update(_maxrss())
    return info


def do_query(args) -> dict:
    import psutil

    system = make(args.system, args.url)
    passages = Path(args.passages) if args.passages else None
    started = time.perf_counter()
    system.open(Path(args.workdir), passages)
    opened = time.perf_counter() - started
    oracle = json.loads(Path(args.oracle).read_text(encoding="utf-8")) if args.oracle else {}
    t = time.perf_counter()
    system.search_page(WARMUP, {})
    warmup = time.perf_counter() - t
    rss_open = psutil.Process().memory_info().rss

    samples: dict[str, list[float]] = {q.id: [] for q in QUERIES}
    first: dict[str, dict] = {}
    errors: dict[str, str] = {}
    for rep in range(args.repeat):
        order = list(QUERIES)
        if rep:  # the first pass in the fixed order (each query's first run), later ones shuffled
            random.Random(rep).shuffle(order)
        for q in order:
            if q.id in errors:
                continue
            t = time.perf_counter()
            try:
                page = system.search_page(q.q, q.filters)
            except Exception as exc:  # a peer that cannot answer a query: recorded, not fatal
                errors[q.id] = f"{type(exc).__name__}: {exc}"
                continue
            samples[q.id].append((time.perf_counter() - t) * 1000)
            if rep == 0:
                o = oracle.get(q.id)
                facets_ok = None
                if o is not None and len(q.terms) <= 1:
                    facets_ok = same_facets(page.facets, o["facets"])
                first[q.id] = {"total": page.total, "top": page.ids,
                               "snippets_ok": len(page.snippets) == len(page.ids) and all(page.snippets),
                               "facets_ok": facets_ok}

    recall: dict[str, dict] = {}
    if not args.no_recall:
        for q in QUERIES:
            if q.id in errors:
                continue
            try:
                got = system.matching(q.q, q.filters)
            except Exception as exc:
                errors[q.id] = f"matching: {type(exc).__name__}: {exc}"
                continue
            if got is None:
                continue
            want = set(oracle[q.id]["ids"])
            hit = len(got & want)
            recall[q.id] = {"oracle": len(want), "found": hit, "extra": len(got - want),
                            "recall": (hit / len(want)) if want else None}
    system.close()
    return {"open_seconds": opened, "warmup_seconds": warmup, "rss_serving": rss_open,
            "samples": samples, "first": first, "recall": recall, "errors": errors, **_maxrss()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=("build", "query"))
    ap.add_argument("system")
    ap.add_argument("--corpus")
    ap.add_argument("--passages")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--oracle")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--url")
    ap.add_argument("--no-recall", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    result = do_build(args) if args.action == "build" else do_query(args)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
