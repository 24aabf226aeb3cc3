"""Typo benchmark for did-you-mean (search/spelling.py).

Reads bench/typos.tsv (corpus, typed, expected, kind; expected empty = a correct query
that must get no suggestion), builds the sample and real indexes in a temporary folder
(or uses --samples-index / --real-index), and prints per kind: how many typos the first
suggestion fixes, and how many correct queries get a (false) suggestion.

    python bench/typos.py
    python bench/typos.py --samples-index var/index --real-index /tmp/real-index
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import build  # noqa: E402
from search import Searcher  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus-real"


def read_cases(path: Path) -> list[tuple[str, str, str, str]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        corpus, typed, expected, kind = (line.split("\t") + ["", "", "", ""])[:4]
        cases.append((corpus, typed, expected, kind))
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=str(ROOT / "bench" / "typos.tsv"))
    ap.add_argument("--samples-index")
    ap.add_argument("--real-index")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss and false suggestion")
    args = ap.parse_args()
    cases = read_cases(Path(args.cases))
    tmp = tempfile.TemporaryDirectory(prefix="govsearch-typos-")
    indexes = {"samples": args.samples_index, "real": args.real_index}
    sources = {"samples": ROOT / "corpus", "real": REAL}
    for name, index in indexes.items():
        if index is None and any(c[0] == name for c in cases):
            if not sources[name].is_dir():
                print(f"skipping the {name} cases: {sources[name]} is absent", file=sys.stderr)
                continue
            index = str(Path(tmp.name) / name)
            build(sources[name], index)
            indexes[name] = index
    searchers = {name: Searcher(index) for name, index in indexes.items() if index}
    stats = defaultdict(lambda: [0, 0])  # kind → [good, all]
    took = []
    misses = []
    for corpus, typed, expected, kind in cases:
        s = searchers.get(corpus)
        if s is None:
            continue
        started = time.perf_counter()
        res = s.search(typed, page_size=1)
        took.append((time.perf_counter() - started) * 1000)
        first = res.did_you_mean[0]["query"] if res.did_you_mean else None
        group = "correct" if not expected else "typo"
        good = (first is None) if not expected else (first == expected)
        stats[(group, kind)][0] += good
        stats[(group, kind)][1] += 1
        if not good:
            misses.append((corpus, typed, expected or "(none)", first or "(none)"))
    print(f"{'group':8} {'kind':16} {'good':>5} {'cases':>6} {'share':>7}")
    for (group, kind), (good, n) in sorted(stats.items()):
        print(f"{group:8} {kind:16} {good:5} {n:6} {good / n:7.1%}")
    typos = [v for (g, _), v in stats.items() if g == "typo"]
    correct = [v for (g, _), v in stats.items() if g == "correct"]
    fixed, n_typos = sum(v[0] for v in typos), sum(v[1] for v in typos)
    kept, n_correct = sum(v[0] for v in correct), sum(v[1] for v in correct)
    print(f"\ntypos fixed by the first suggestion: {fixed}/{n_typos} = {fixed / max(n_typos, 1):.1%}")
    print(f"false suggestions on correct queries: {n_correct - kept}/{n_correct} = {(n_correct - kept) / max(n_correct, 1):.1%}")
    took.sort()
    if took:
        print(f"search + did-you-mean: p50 {took[len(took) // 2]:.1f} ms, p95 {took[int(len(took) * 0.95)]:.1f} ms")
    if args.verbose:
        for m in misses:
            print("miss", *m, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
