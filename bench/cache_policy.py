"""How the word-statistics cache's bound and eviction policy meet the bench's queries.

    .venv/bin/python bench/cache_policy.py --index bench/out/idx-300mb-new [--rounds 3] [--mib 32,40,48,64]

Runs the queries of ``bench/search_latency.py`` once with unbounded caches, records the
ranker's word lookups (``search.ranking.Ranker.stats``) over ``--rounds`` more rounds and
each word's statistics' size, then replays that trace through a cache of each bound
under least-recently-used eviction (what the engine does), under segmented LRU (a word
looked up again while cached moves to a protected segment of ``PROTECTED`` of the bound;
new words, and those pushed out of it, are dropped first) and under Belady's optimum
(the entry needed furthest ahead evicted: no real policy does better) and prints a
Markdown table: lookups that miss beyond each word's first, and the MiB of statistics
rebuilt. Measurement only; nothing here is a test.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_latency import ASSIST, FREQUENT  # noqa: E402

from queries import QUERIES  # noqa: E402


def _lru(trace: list[str], size: dict[str, int], cap: int) -> tuple[int, int]:
    cache: collections.OrderedDict[str, None] = collections.OrderedDict()
    held = misses = rebuilt = 0
    for w in trace:
        if w in cache:
            cache.move_to_end(w)
            continue
        misses, rebuilt, held = misses + 1, rebuilt + size[w], held + size[w]
        cache[w] = None
        while len(cache) > 1 and held > cap:  # the newest always stays, as in the engine
            old, _ = cache.popitem(last=False)
            held -= size[old]
    return misses, rebuilt


PROTECTED = 0.8


def _segmented(trace: list[str], size: dict[str, int], cap: int) -> tuple[int, int]:
    probation: collections.OrderedDict[str, None] = collections.OrderedDict()
    protected: collections.OrderedDict[str, None] = collections.OrderedDict()
    on_probation = on_protected = misses = rebuilt = 0
    for w in trace:
        if w in protected:
            protected.move_to_end(w)
            continue
        if w in probation:
            del probation[w]
            on_probation -= size[w]
            protected[w] = None
            on_protected += size[w]
            while len(protected) > 1 and on_protected > cap * PROTECTED:
                old, _ = protected.popitem(last=False)
                on_protected -= size[old]
                probation[old] = None
                on_probation += size[old]
        else:
            misses, rebuilt = misses + 1, rebuilt + size[w]
            probation[w] = None
            on_probation += size[w]
        while len(probation) > 1 and on_probation + on_protected > cap:
            old, _ = probation.popitem(last=False)
            on_probation -= size[old]
    return misses, rebuilt


def _optimum(trace: list[str], size: dict[str, int], cap: int) -> tuple[int, int]:
    following, seen = [0] * len(trace), {}
    for i in range(len(trace) - 1, -1, -1):
        following[i] = seen.get(trace[i], len(trace))
        seen[trace[i]] = i
    cache: dict[str, int] = {}
    held = misses = rebuilt = 0
    for i, w in enumerate(trace):
        if w not in cache:
            misses, rebuilt, held = misses + 1, rebuilt + size[w], held + size[w]
        cache[w] = following[i]
        while len(cache) > 1 and held > cap:
            old = max((k for k in cache if k != w), key=cache.__getitem__)
            held -= size[old]
            del cache[old]
    return misses, rebuilt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mib", default="32,40,48,64", help="bounds to replay, MiB, comma-separated")
    args = ap.parse_args(argv)

    from search import Searcher, ranking

    s = Searcher(args.index, cache_mib=1 << 20)  # nothing evicted while the trace is taken
    cases = [(q.q, q.filters) for q in QUERIES] + [(f, {}) for f in FREQUENT] + [(a, {}) for a in ASSIST]
    for q, filters in cases:
        s.search(q, filters, pinyin=True)
    trace: list[str] = []
    stats = ranking.Ranker.stats

    def recorded(self, word):
        trace.append(word)
        return stats(self, word)

    ranking.Ranker.stats = recorded
    for _ in range(args.rounds):
        for q, filters in cases:
            s.search(q, filters, pinyin=True)
    ranking.Ranker.stats = stats
    size = {w: v.nbytes() for w, v in s._ranker_for(s.current_table())._stats.items()}
    words = set(trace)
    print(f"index {args.index}: {len(trace)} word lookups over {args.rounds} warm rounds, {len(words)} words, "
          f"{sum(size[w] for w in words) / 2**20:.1f} MiB of statistics (largest {max(size[w] for w in words) / 2**20:.1f})\n")
    print("| bound MiB | LRU: misses beyond the first / MiB rebuilt | segmented LRU | optimum |")
    print("|---|---|---|---|")
    for mib in (int(m) for m in args.mib.split(",")):
        first = sum(size[w] for w in words)
        cells = [f"{m - len(words)} / {(b - first) / 2**20:.0f}"
                 for m, b in (f(trace, size, mib << 20) for f in (_lru, _segmented, _optimum))]
        print(f"| {mib} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
