#!/usr/bin/env python3
"""What a build holds per passage row and per line until its end, measured apart.

    .venv/bin/python bench/held_tables.py [--rows 200000] [--lines 400000]
    PYTHONPATH=bench/out/engine-<sha> .venv/bin/python bench/held_tables.py   # a commit's engine

Two tables grew with the corpus in the build process: the column writer's rows (every
passage's codes, topics, year, position, length, liveness and text offsets, written at
the end; now held in memory up to ``columns.SPILL_ROWS`` rows, the earlier ones in
files of the generation, so that ``--rows`` past that bound shows a few bytes a row)
and the line hashes of every plain-text file (found for the boilerplate at the
start, written into the generation's record at the end). Each is filled here through its
public interface with made-up values shaped like a report's (a report's places, year and
kind shared by its passages; a fresh position, length and topic list per passage) and
its traced memory (``tracemalloc``) divided by the rows or lines added. The figure times
the rows (passages) or lines of a corpus is what the build holds for it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tracemalloc
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins


def column_rows(rows: int) -> float:
    from index import fields as field_model
    from index.generation.columns import ColumnWriter

    code = [f.name for f in field_model.current().columns if f.column == "code"]
    with tempfile.TemporaryDirectory() as folder:
        writer = ColumnWriter(Path(folder), ["经济", "民生"])
        report: dict = {}
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(rows):
            if i % 100 == 0:  # a report of 100 passages: its values shared by them
                report = {name: f"{name}{i // 100}" for name in code}
                report["year"] = 2000 + i // 100 % 20
            values = {**report, "kind": "body", "section": f"一、第{i // 10}节", "seq": i % 100 + 1000,
                      "topics": ["经济"] if i % 3 else ["经济", "民生"]}
            writer.add(values, "某" * (i % 200 + 300), "某" * (i % 200 + 300))
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        writer.finish({})
    return held / rows


def line_hashes(lines: int) -> float:
    from index.generation import corpus_state

    per_file = 160
    texts = ((f"f{k}.txt", "\n".join(f"第{k}号文件第{j}行的正文内容" for j in range(per_file)))
             for k in range(lines // per_file))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    _, hashes = corpus_state.boilerplate(texts, {})
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / sum(len(h) for h in hashes.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--lines", type=int, default=400_000)
    args = ap.parse_args()
    import index

    print(f"engine: {Path(index.__file__).resolve().parent.parent}\n")
    print("| table | added | bytes held each |\n|---|---|---|")
    print(f"| column writer rows | {args.rows:,} | {column_rows(args.rows):.0f} |")
    print(f"| line hashes | {args.lines:,} | {line_hashes(args.lines):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
