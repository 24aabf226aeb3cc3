"""Latency of suggestions as you type (GET /api/suggest), on the real corpus.

Every prefix of the correct terms of bench/typos.tsv (五, 五星, 五星支 …) and pinyin
prefixes of them (full pinyin and initials), each asked once cold (the first time, as
a user types it) and then warm, through the Flask test client (JSON included) after
the index and its vocabulary tables are loaded.

    python bench/suggest_latency.py                 # builds the real-corpus index in a temp folder
    python bench/suggest_latency.py --index /tmp/real-index
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypinyin import Style, lazy_pinyin  # noqa: E402

from index import build  # noqa: E402
from search import spelling, suggest  # noqa: E402
from web import create_app  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus-real"


def prefixes() -> list[str]:
    terms = []
    for line in (ROOT / "bench" / "typos.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[3] == "correct" and parts[0] == "real":
            terms.append(parts[1])
    out = []
    for term in terms:
        out.extend(term[:k] for k in range(1, len(term) + 1))
        full = "".join(lazy_pinyin(term, style=Style.NORMAL))
        out.extend(full[:k] for k in range(2, len(full) + 1, 2))
        out.append("".join(p[0] for p in lazy_pinyin(term, style=Style.NORMAL)))
    return list(dict.fromkeys(out))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", help="an index of ../shared/corpus-real (default: build one in a temp folder)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="govsearch-suggest-")
    index = args.index
    if index is None:
        if not REAL.is_dir():
            print(f"{REAL} is absent", file=sys.stderr)
            return 1
        index = str(Path(tmp.name) / "index")
        build(REAL, index)
    app = create_app({"index": index, "query_log": False, "TESTING": True})
    client = app.test_client()
    searcher = app.extensions["govsearch"].searcher
    started = time.perf_counter()
    vocab = suggest.vocabulary_of(searcher.generation_path())
    vocab.pinyin_keys()
    spelling.tables(vocab)
    print(f"vocabulary: {len(vocab):,} terms, loaded with its tables in {time.perf_counter() - started:.2f} s")
    qs = prefixes()
    rows = []
    for label in ("cold", "warm"):
        times = []
        for q in qs:
            t = time.perf_counter()
            r = client.get("/api/suggest", query_string={"q": q})
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (q, r.status_code)
        rows.append((label, len(times), statistics.median(times), pct(times, 0.95), max(times)))
    print(f"{'run':6} {'prefixes':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, n, p50, p95, mx in rows:
        print(f"{label:6} {n:8} {p50:8.1f} {p95:8.1f} {mx:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
