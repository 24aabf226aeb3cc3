"""Fit the ranking constants jointly on the tuning half of judged2 (coordinate ascent).

    .venv/bin/python bench/fit_weights.py --extra-grades bench/grades-D-blind.jsonl ...
    .venv/bin/python bench/fit_weights.py --passes 2 --min-gain 0.002 --extra-grades ...

The weights of search/ranking.py and search/tiers.py were each tuned alone, the others
held; this walks them together. Objective: mean nDCG@10 over the tuning half's needs
(relevance2's measures), **unjudged passages counted as 0** (a setting that brings in
passages no judge graded pays for them; the count of such passages is printed beside
each figure), or with ``--judged-only`` over condensed lists (unjudged passages left
out, as ``relevance2.py --judged-only``). Only the tuning half is read: the held-out half is for
``bench/relevance2.py`` once the values are chosen.

Guard against fitting the noise of 50 needs: the tuning half is cut into two folds
(alternate needs by id within each kind, so each fold has every kind); the ascent is
run on each fold alone and its values scored on the other fold. A value is worth
keeping only when the full-half fit gains by more than ``--min-gain`` and both
cross-fold readings gain too (printed as ``fold A→B`` and ``fold B→A``).

Each setting is scored with a fresh :class:`search.ranking.Ranker` (its per-generation
arrays depend on K1, B, LENGTH_FLOOR, SHORT_CHARS and SHORT_POWER); the index is the one
``bench/relevance2.py`` builds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import relevance2 as r2  # noqa: E402

# name → values tried (the current value is always among the candidates)
GRID = {
    "K1": [1.5, 2.0, 2.5, 3.0],
    "B": [0.2, 0.3, 0.4],
    "LENGTH_FLOOR": [1.0, 1.25, 1.5, 2.0],
    "PHRASE_WEIGHT": [0.5, 1.0, 1.5],
    "CONTEXT_WEIGHT": [0.1, 0.25, 0.4],
    "SHORT_CHARS": [60, 80, 100],
    "SHORT_POWER": [0.25, 0.35, 0.5],
    "LEAD_WEIGHT": [1.0, 2.0, 3.0],
    "SENTENCE_WEIGHT": [0.5, 1.0, 1.5],
    "EARLY_WEIGHT": [0.25, 0.5, 0.75],
    "FIGURE_WEIGHT": [0.1, 0.25, 0.4],
    "BRIEF_FACTOR": [0.8, 0.9, 1.0],
    "TOPIC_WEIGHT": [0.1, 0.25, 0.4],
    "PARTIAL_FACTOR": [0.7, 0.85, 1.0],
    "CONTEXT_FACTOR": [1.0, 1.2, 1.4],
}


class Bench:
    def __init__(self, searcher, needs: list[dict], judged_only: bool = False):
        from search import ranking, tiers

        self.searcher, self.needs, self.judged_only = searcher, needs, judged_only
        self.modules = (ranking, tiers)
        self.calls = 0

    def module(self, name: str):
        ranking, tiers = self.modules
        return tiers if hasattr(tiers, name) else ranking

    def get(self, name: str):
        return getattr(self.module(name), name)

    def apply(self, values: dict) -> None:
        from search.ranking import Ranker

        for name, value in values.items():
            setattr(self.module(name), name, value)
        s = self.searcher
        t = s._current()
        me = weakref.ref(s)
        with s._lock:  # a fresh ranker: its per-generation arrays follow the constants
            s._ranker = Ranker(t, lambda word, t=t: me()._containing(t, word), max_bytes=s._stats_bound(t))

    def score(self, values: dict, needs: list[dict]) -> tuple[float, int, dict]:
        """Mean nDCG@10 over ``needs`` (unjudged as 0), unjudged passages in the top 10s,
        and nDCG@10 per need, under ``values``."""
        self.apply(values)
        self.calls += 1
        per, unjudged = {}, 0
        for need in needs:
            j = need.get("judgements", {})
            keys = [k for k, _ in r2.engine_keys(self.searcher, need, "none", 3 * r2.DEPTH)]
            unjudged += sum(1 for k in keys[:r2.DEPTH] if k not in j)
            if self.judged_only:  # condensed list, as relevance2 --judged-only
                keys = [k for k in keys if k in j]
            per[need["id"]] = r2.measures(keys[:r2.DEPTH], j)["ndcg10"]
        return sum(per.values()) / len(per), unjudged, per


def ascend(bench: Bench, start: dict, needs: list[dict], passes: int, min_gain: float, label: str,
           log: bool = True) -> tuple[dict, float]:
    """Coordinate ascent from ``start`` over ``GRID`` on ``needs``: each constant in turn
    takes the value of its grid that scores best (ties and gains under ``min_gain``
    keep the current one), for ``passes`` rounds or until nothing moves."""
    current = dict(start)
    best, unj, _ = bench.score(current, needs)
    if log:
        print(f"[{label}] start {best:.4f} ({unj} unjudged)", flush=True)
    for p in range(passes):
        moved = False
        for name, grid in GRID.items():
            here = current[name]
            top_value, top_score, top_unj = here, best, unj
            for value in grid:
                if value == here:
                    continue
                score, u, _ = bench.score({**current, name: value}, needs)
                if score > top_score + 1e-12:
                    top_value, top_score, top_unj = value, score, u
            if top_value != here and top_score - best >= min_gain:
                if log:
                    print(f"[{label}] pass {p + 1}: {name} {here} → {top_value}: {best:.4f} → {top_score:.4f} "
                          f"({top_unj} unjudged)", flush=True)
                current[name], best, unj = top_value, top_score, top_unj
                moved = True
        if not moved:
            break
    bench.apply(start)
    return current, best


def folds(needs: list[dict]) -> tuple[list[dict], list[dict]]:
    """Two folds of the tuning half: within each kind, needs by id alternately."""
    a, b = [], []
    for kind in sorted({n["kind"] for n in needs}):
        for i, need in enumerate(sorted((n for n in needs if n["kind"] == kind), key=lambda n: n["id"])):
            (a if i % 2 == 0 else b).append(need)
    return a, b


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extra-grades", nargs="+", default=[], metavar="FILE")
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--min-gain", type=float, default=0.002, help="a move must gain at least this much nDCG@10")
    ap.add_argument("--judged-only", action="store_true",
                    help="objective over condensed lists (unjudged passages left out, not counted as 0)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="start from this value of a constant (also one outside the grid)")
    ap.add_argument("--no-folds", action="store_true", help="skip the two-fold check")
    args = ap.parse_args(argv)
    for folder in (r2.REAL, r2.TOWNS):
        if not folder.is_dir():
            print(f"skipped: {folder} is absent (the judged set is about ../shared's corpora)")
            return 0
    from search.engine import Searcher

    started = time.perf_counter()
    searcher = Searcher(r2.ensure_index(False))
    needs = r2.load(r2.JUDGED2)
    r2.add_extra_grades(needs, [Path(p) for p in args.extra_grades])
    tune = [n for n in needs if n["half"] == "tune" and r2.answerable(n)]
    bench = Bench(searcher, tune, args.judged_only)
    start = {name: bench.get(name) for name in GRID}
    for item in args.set:
        name, _, value = item.partition("=")
        start[name] = json.loads(value)
    base, unj, base_per = bench.score(start, tune)
    print(f"tuning half: {len(tune)} needs; current values nDCG@10 {base:.4f} ({unj} unjudged), "
          f"one pass over the grid = {sum(len(g) - 1 for g in GRID.values())} runs", flush=True)
    fitted, fit_score = ascend(bench, start, tune, args.passes, args.min_gain, "whole half")
    changed = {k: v for k, v in fitted.items() if v != start[k]}
    print(f"whole half: {base:.4f} → {fit_score:.4f}; changed: {changed or 'nothing'}")
    if changed:
        _, _, per = bench.score(fitted, tune)
        up = sum(1 for k in per if per[k] > base_per[k] + 1e-9)
        down = sum(1 for k in per if per[k] < base_per[k] - 1e-9)
        print(f"  needs up {up}, down {down}, level {len(per) - up - down}")
    if not args.no_folds:
        fa, fb = folds(tune)
        for name, fit_on, test_on in (("A→B", fa, fb), ("B→A", fb, fa)):
            values, _ = ascend(bench, start, fit_on, args.passes, args.min_gain, f"fold {name[0]}", log=False)
            moved = {k: v for k, v in values.items() if v != start[k]}
            before, ub, _ = bench.score(start, test_on)
            after, ua, _ = bench.score(values, test_on)
            print(f"fold {name}: fitted on {len(fit_on)} needs, moved {moved or 'nothing'}; on the other "
                  f"{len(test_on)}: {before:.4f} ({ub} unjudged) → {after:.4f} ({ua} unjudged)", flush=True)
    print(f"{bench.calls} settings scored in {time.perf_counter() - started:.0f} s")
    searcher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
