"""The share of query assistance a user would click, on a judged set.

For each query of ``bench/assist_queries.txt`` it asks the index for the related
searches (相关搜索, ``search(..., related=True)``) and the completions of the query's
first two characters (what someone has typed when the list opens), and looks each
suggestion up in the judged file ``bench/assist_judged.tsv`` (query, kind, suggestion,
1 = a user would click it, 0 = filler, a fragment or off the subject; judged by hand).

    python bench/assist.py --index var/index                 # the share, and any unjudged suggestions
    python bench/assist.py --index var/index --write-unjudged new.tsv   # to judge them

A suggestion not in the judged file counts as unjudged, never as clicked: the figure
is reported with the number of unjudged suggestions, which must be 0 for it to stand.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.engine import Searcher  # noqa: E402
from search.suggest import complete  # noqa: E402

QUERIES = ROOT / "bench" / "assist_queries.txt"
JUDGED = ROOT / "bench" / "assist_judged.tsv"
PREFIX_CHARS = 2  # completions are judged for the query's first characters, as typed
LIMIT = 8


def shown(searcher: Searcher, query: str) -> list[tuple[str, str]]:
    """``(kind, suggestion)`` a user sees for ``query``: related searches, then completions."""
    related = [("related", s["query"]) for s in searcher.search(query, related=True).suggestions[:LIMIT]]
    completions = [("complete", c["text"]) for c in complete(searcher, query[:PREFIX_CHARS], LIMIT)]
    return related + completions


def read_judged(path: Path) -> dict[tuple[str, str, str], int]:
    out = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            query, kind, suggestion, verdict = row[:4]
            out[(query, kind, suggestion)] = int(verdict)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--judged", type=Path, default=JUDGED)
    parser.add_argument("--write-unjudged", type=Path, default=None,
                        help="Write the unjudged suggestions to this TSV (verdict column empty) for judging.")
    args = parser.parse_args(argv)
    searcher = Searcher(args.index)
    queries = [q.strip() for q in args.queries.read_text(encoding="utf-8").splitlines()
               if q.strip() and not q.startswith("#")]
    judged = read_judged(args.judged) if args.judged.exists() else {}
    counts = {"related": [0, 0], "complete": [0, 0]}  # kind → [clicked, judged]
    unjudged = []
    for query in queries:
        for kind, suggestion in shown(searcher, query):
            verdict = judged.get((query, kind, suggestion))
            if verdict is None:
                unjudged.append((query, kind, suggestion))
                continue
            counts[kind][0] += verdict
            counts[kind][1] += 1
    clicked = sum(c for c, _ in counts.values())
    total = sum(n for _, n in counts.values())
    print(f"queries {len(queries)}")
    for kind, (c, n) in counts.items():
        print(f"{kind:9} {c}/{n} a user would click" + (f" ({100 * c / n:.0f}%)" if n else ""))
    print(f"all       {clicked}/{total}" + (f" ({100 * clicked / total:.0f}%)" if total else "")
          + f"; unjudged {len(unjudged)}")
    if args.write_unjudged and unjudged:
        with args.write_unjudged.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t", lineterminator="\n")
            for row in unjudged:
                writer.writerow([*row, ""])
    return 0


if __name__ == "__main__":
    sys.exit(main())
