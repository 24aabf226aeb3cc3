"""Where a warm search's CPU time goes, step by step (issue 22's frequent terms).

    .venv/bin/python bench/search_steps.py --index bench/out/idx-100mb [--query 发展] [--runs 5]

Opens one :class:`search.Searcher`, runs each query twice (its statistics and caches
made), then wraps the engine's steps — matching, the context and partial tiers, the
ranking (BM25 text and context evidence, the re-ranked best rows), facet counts,
choosing the page's candidates, and the page's parts (rows read, matches found, snippet
pieces, lead-ins) — with a CPU clock (``time.process_time``) and prints the mean CPU
milliseconds per search of each over ``--runs`` more rounds. Without ``--query`` the
queries are the frequent terms of ``bench/search_latency.py``. The steps nest: ``score``
holds ``bm25f`` and ``rerank``; the whole search holds every step. An engine snapshot
first on ``PYTHONPATH`` is measured instead of this checkout (as ``search_latency.py``).
Measurement only; nothing here is a test.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # last: an engine snapshot on PYTHONPATH wins

FREQUENT = ["发展", "建设", "经济", "推进", "改革 发展", "加强 建设"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--query", action="append", help="a query (repeatable; default: the frequent terms)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)

    import search.engine as engine
    import search.highlight as highlight
    import search.ranking as ranking
    import search.results as results
    import search.table as table
    import search.tiers as tiers
    from search import Searcher

    spent: collections.Counter = collections.Counter()

    def wrap(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def timed(*a, **k):
            started = time.process_time()
            try:
                return inner(*a, **k)
            finally:
                spent[label] += time.process_time() - started

        setattr(owner, name, timed)

    queries = args.query or FREQUENT
    s = Searcher(args.index)
    for _ in range(2):
        for q in queries:
            s.search(q, pinyin=True)
    steps = [(engine.Searcher, "_match", "match"), (tiers, "looser", "context and partial tiers"),
             (ranking.Ranker, "score", "score"), (ranking.Ranker, "bm25f", "  bm25f (text, context)"),
             (ranking.Ranker, "_rerank", "  rerank (best rows' signals)"), (engine, "_facets", "facets"),
             (engine, "_top_candidates", "the page's candidates"), (table.PassageTable, "row", "page: rows read"),
             (highlight.Matches, "find", "page: matches found"), (highlight.Fragmenter, "pieces", "page: snippet pieces"),
             (highlight.HTML, "snippet", "page: snippet markup"), (results.Hit, "from_row", "page: hits made"),
             (tiers, "lead_in", "list lead-ins (tiers, page)"), (table.PassageTable, "verify", "files checked")]
    for owner, name, label in steps:
        if hasattr(owner, name):
            wrap(owner, name, label)
    started = time.process_time()
    for _ in range(args.runs):
        for q in queries:
            s.search(q, pinyin=True)
    n = args.runs * len(queries)
    import search

    print(f"engine {Path(search.__file__).parent.parent}; index {args.index}; {', '.join(queries)}; "
          f"{args.runs} runs each\n")
    print("| step | CPU ms per search |")
    print("|---|---|")
    print(f"| whole search | {(time.process_time() - started) * 1000 / n:.2f} |")
    for _, _, label in steps:
        if label in spent:
            print(f"| {label} | {spent[label] * 1000 / n:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
