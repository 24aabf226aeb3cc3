"""How much of a build Whoosh takes: the wall time spent in Whoosh's writer (adding the
passages' documents, committing the segment) against the whole build, and the share of
the index's size that is Whoosh's files.

    .venv/bin/python bench/whoosh_share.py --corpus <folder> [--workers 1]
    PYTHONPATH=<engine snapshot> .venv/bin/python bench/whoosh_share.py …   # another engine

With ``--workers 1`` everything runs in this process, so the timers see all of its work
(with more workers its sub-processes write segments in parallel and the time is spread).
Times are CPU seconds of this process (``time.process_time``), so that other work on a
shared machine does not move the share; ``build_wall_s`` is the wall time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins


def _timed(cls, name: str, spent: dict) -> None:
    original = getattr(cls, name)

    def wrapper(self, *args, **kwargs):
        started = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - started

    setattr(cls, name, wrapper)


def is_whoosh_file(name: str) -> bool:
    return name.startswith("_MAIN_") or name.endswith((".seg", ".toc")) or name.startswith("MAIN_")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    from whoosh.writing import SegmentWriter

    from index import build

    spent: dict[str, float] = {}
    for name in ("add_document", "commit"):
        _timed(SegmentWriter, name, spent)
    with tempfile.TemporaryDirectory() as tmp:
        started, wall = time.process_time(), time.perf_counter()
        build(args.corpus, Path(tmp) / "index", workers=args.workers)
        total, wall = time.process_time() - started, time.perf_counter() - wall
        gen = next(p for p in (Path(tmp) / "index").iterdir() if p.is_dir())
        sizes = {p.name: p.stat().st_size for p in gen.iterdir() if p.is_file()}
    whoosh_time = sum(spent.values())
    whoosh_bytes = sum(n for name, n in sizes.items() if is_whoosh_file(name))
    out = {"build_s": round(total, 2), "build_wall_s": round(wall, 2), "whoosh_s": round(whoosh_time, 2),
           "whoosh_share": round(whoosh_time / total, 3), **{f"{k}_s": round(v, 2) for k, v in spent.items()},
           "index_bytes": sum(sizes.values()), "whoosh_bytes": whoosh_bytes,
           "whoosh_size_share": round(whoosh_bytes / max(sum(sizes.values()), 1), 3)}
    print(out)
    return out


if __name__ == "__main__":
    main()
