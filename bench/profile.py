"""Profile govsearch with pyinstrument: a search page and a build.

    .venv/bin/python bench/profile.py search --index bench/out/run-10mb/ours/index 企业 党建
    .venv/bin/python bench/profile.py build --corpus bench/out/corpus-10mb --workers 1
    PYTHONPATH=bench/out/engine-<sha> .venv/bin/python bench/profile.py …   # a snapshot (see run.py --engine-commit)

Writes the call tree and a flat list (self time) per profile to ``bench/out/profile-*.txt``
and prints the flat top entries.

Search profiles come in two flavours: *warm* (the same query again: the engine's term
cache answers the matching part) and *first run* (for diagnosis only, the engine's
private term cache is emptied before every call, so the profile shows the path a query
takes the first time it is asked).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins


def _forget(searcher) -> None:
    """Diagnosis only: empty the engine's private term cache, wherever it keeps it."""
    for obj in (searcher, searcher._current()):
        for attr in ("_cache", "cache"):
            cache = getattr(obj, attr, None)
            if hasattr(cache, "clear"):
                cache.clear()


def _save(profiler, name: str, top: int) -> str:
    from pyinstrument.renderers import ConsoleRenderer

    tree = profiler.output(ConsoleRenderer(unicode=True, color=False, show_all=False, short_mode=False))
    flat = profiler.output(ConsoleRenderer(unicode=True, color=False, flat=True, flat_time="self"))
    path = OUT / f"profile-{name}.txt"
    path.write_text(f"# {name}\n\n## flat (self time)\n\n{flat}\n\n## call tree\n\n{tree}\n", encoding="utf-8")
    lines = [line for line in flat.splitlines() if line.strip()]
    return "\n".join(lines[: top + 6])


def profile_search(index: Path, queries: list[str], runs: int, top: int) -> None:
    from pyinstrument import Profiler

    from search.engine import Searcher

    s = Searcher(index)
    s.search("工作报告")  # load the generation and jieba once
    for q in queries:
        for mode in ("first-run", "warm"):
            times = []
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(runs):
                if mode == "first-run":
                    _forget(s)
                t = time.perf_counter()
                res = s.search(q)
                times.append((time.perf_counter() - t) * 1000)
            profiler.stop()
            times.sort()
            name = f"search-{mode}-{q}"
            print(f"\n=== {name}: {res.total:,} hits; median {times[len(times) // 2]:.1f} ms over {runs} runs")
            print(_save(profiler, name, top))


def profile_build(corpus: Path, workers: int, top: int) -> None:
    from pyinstrument import Profiler

    from index import build

    tmp = Path(tempfile.mkdtemp(prefix="govsearch-profile-", dir=OUT))
    try:
        profiler = Profiler(interval=0.005)
        profiler.start()
        report = build(corpus, tmp / "index", workers=workers)
        profiler.stop()
        name = f"build-workers{workers}"
        print(f"\n=== {name}: {report.characters:,} characters in {report.seconds:.1f} s "
              f"({report.characters / report.seconds:,.0f} chars/s); with workers > 1 only the main process is profiled")
        print(_save(profiler, name, top))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("search")
    s.add_argument("--index", type=Path, default=OUT / "run-10mb" / "ours" / "index")
    s.add_argument("--runs", type=int, default=30)
    s.add_argument("queries", nargs="*", default=["企业", "党建"])
    b = sub.add_parser("build")
    b.add_argument("--corpus", type=Path, default=OUT / "corpus-10mb")
    b.add_argument("--workers", type=int, default=1)
    for p in (s, b):
        p.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.what == "search":
        profile_search(args.index, args.queries, args.runs, args.top)
    else:
        profile_build(args.corpus, args.workers, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
