"""Latency of the comparison cross-tab and of the multi-select facet counts.

    .venv/bin/govsearch index build --corpus ../shared/corpus-real --index /tmp/real-index
    .venv/bin/python bench/compare.py --index /tmp/real-index

Prints one table row per query: matching passages, the dimensions ``auto`` chose, the
first comparison (term matches not yet cached) and the median of later ones, and the
disjunctive facet counts with one year filter. In-process, one thread; measurement
only, nothing here is a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import Searcher  # noqa: E402
from search.compare import compare  # noqa: E402
from search.facets import multi_select_facets  # noqa: E402

QUERIES = ["乡村振兴", "高质量发展", "人居环境", "营商环境", "五星支部", "万人助万企", "基层党组织 建设"]


def ms(f) -> float:
    start = time.perf_counter()
    f()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, help="index folder built by govsearch index build")
    ap.add_argument("--repeat", type=int, default=20, help="warm runs per query (default 20)")
    args = ap.parse_args()
    s = Searcher(args.index)
    s.search("预热")
    print("| query | passages | by | compare, first (ms) | compare, warm median (ms) | multi-select facets (ms) |")
    print("|---|---|---|---|---|---|")
    for q in QUERIES:
        s._cache.clear()
        first = ms(lambda: compare(s, q))
        c = compare(s, q)
        warm = statistics.median(ms(lambda: compare(s, q)) for _ in range(args.repeat))
        year = next((r.value for r in compare(s, q, by=["year", "topic"]).rows if r.value), None)
        facets = statistics.median(ms(lambda: multi_select_facets(s, q, {"year": [year]} if year else {}))
                                   for _ in range(args.repeat))
        print(f"| {q} | {c.total} | {' × '.join(c.by)} | {first:.1f} | {warm:.2f} | {facets:.2f} |")


if __name__ == "__main__":
    main()
