"""Search speed with visibility filtering against without it, in one run, alternating.

The corpus (default ../shared/corpus-real, else the sample corpus/) is copied with every
third report moved into internal/, and indexed with the folder rule internal/** →
internal. Each query of bench/queries.py is then searched, round after round, by

* ``none``     — the operator's searcher: no visibility filtering (sees everything);
* ``all``      — a caller whose groups see every report (public, internal): the mask is
                 applied but removes nothing, so the difference to ``none`` is its cost;
* ``public``   — an anonymous caller (public only): fewer reports, fewer hits,

one after the other for each query (none, all, public; the order turns each round), after
a warm-up pass. Wall time per search (median and total) and CPU seconds per variant are
printed, and the ratio to ``none``; the target is ``all`` within 10% of ``none``.

    python bench/visibility.py                       # real corpus in a temp folder
    python bench/visibility.py --corpus corpus --rounds 5
    python bench/visibility.py --keep /tmp/vis-bench      # keep the index, reuse it next time
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.queries import QUERIES  # noqa: E402
from index import build  # noqa: E402
from index.visibility import Rules  # noqa: E402
from search.engine import Searcher  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus-real"
SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps"}


def restricted_copy(corpus: Path, target: Path, every: int) -> tuple[int, int]:
    """Copy ``corpus`` with every ``every``-th report file moved into internal/."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    reports = [p for p in files if p.suffix.lower() in SUFFIXES]
    hidden = set(reports[::every])
    for path in files:
        rel = path.relative_to(corpus)
        dest = target / ("internal" / rel if path in hidden else rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)
    return len(reports), len(hidden)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REAL if REAL.is_dir() else ROOT / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--every", type=int, default=3, help="every n-th report is internal (default 3)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None,
                        help="build into this folder and keep it; an index already there is reused")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govsearch-visibility-") as tmp:
        folder = args.keep or Path(tmp)
        if not (folder / "index" / "CURRENT").exists():
            restricted_copy(args.corpus, folder / "corpus", args.every)
            build(folder / "corpus", folder / "index", workers=args.workers,
                  visibility=Rules.from_mapping({"rules": {"internal/**": "internal"}}))
        base = Searcher(folder / "index")
        documents = base.documents()
        n_reports, n_hidden = len(documents), sum(d["visibility"] == "internal" for d in documents)
        variants = {"none": base, "all": base.scoped(["public", "internal"]), "public": base.scoped(["public"])}
        names = list(variants)

        def run(searcher, query):
            return searcher.search(query.q, query.filters, pinyin=True).total

        hits = {name: [run(s, q) for q in QUERIES] for name, s in variants.items()}  # warm-up, and the hits
        wall: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, float] = dict.fromkeys(names, 0.0)
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]  # who goes first turns each round
            for query in QUERIES:
                for name in order:
                    c0, t0 = time.process_time(), time.perf_counter()
                    run(variants[name], query)
                    wall[name].append(time.perf_counter() - t0)
                    cpu[name] += time.process_time() - c0

    print(f"corpus {args.corpus} ({n_reports} reports, {n_hidden} internal); {len(QUERIES)} queries × "
          f"{args.rounds} rounds, alternating")
    print(f"{'variant':8} {'hits':>8} {'median ms':>10} {'mean ms':>9} {'CPU s':>7} {'CPU vs none':>12}")
    for name in names:
        print(f"{name:8} {sum(hits[name]):>8} {statistics.median(wall[name]) * 1000:>10.2f} "
              f"{statistics.fmean(wall[name]) * 1000:>9.2f} {cpu[name]:>7.2f} {cpu[name] / cpu['none']:>11.1%}")


if __name__ == "__main__":
    main()
