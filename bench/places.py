"""How long finding the places of a report takes (index/reading/metadata.py with the national
gazetteer), over a corpus folder. Measurement only; prints a table.

    .venv/bin/python bench/places.py ../shared/corpus-real
    PYTHONPATH=/tmp/old-checkout .venv/bin/python bench/places.py ../shared/corpus-real   # an older engine

Reports are parsed first (not timed); then ``metadata.extract`` runs over all of them,
``--repeat`` times, and the best CPU time is shown.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from index.analysis import Analyzer
from index.reading import metadata as meta
from index.reading.structure import parse


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    analyzer = Analyzer()
    analyzer.jieba
    docs = []
    for path in sorted(args.corpus.rglob("*")):
        if path.suffix in (".txt", ".md") and path.is_file():
            s = parse(path.read_text(encoding="utf-8", errors="replace"), analyzer)
            docs.append((s.title, s.subtitle, "\n".join(t for k, _, t in s.blocks if k != "title"), path.stem))
    best = float("inf")
    levels: Counter = Counter()
    for _ in range(args.repeat):
        started = time.process_time()
        results = [meta.extract(t, st, body, name, analyzer) for t, st, body, name in docs]
        best = min(best, time.process_time() - started)
    for r in results:
        levels[getattr(r, "level", None) or "-"] += 1
    chars = sum(len(d[2]) for d in docs)
    print("| reports | characters | CPU s (best of %d) | ms per report | levels |" % args.repeat)
    print("|---|---|---|---|---|")
    print(f"| {len(docs)} | {chars:,} | {best:.2f} | {1000 * best / max(len(docs), 1):.2f} | "
          + ", ".join(f"{k} {v}" for k, v in levels.most_common()) + " |")


if __name__ == "__main__":
    main()
