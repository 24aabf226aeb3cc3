#!/usr/bin/env python3
"""CPU and wall seconds of each step of one `govsearch index update`, in one process.

    .venv/bin/python bench/update_phases.py --index <copy of an index> [--corpus <its corpus>]

Runs the update as the command does (`govsearch.cli`) with a timer around each named
step (the steps nest: `update` holds `_write_generation`, which holds the vocabulary's
`write`, which holds `assist_tables.write`, …) and prints a table, largest CPU first,
with the whole process's CPU after the interpreter started. Change a report of the
corpus first (e.g. append a sentence) to time an update of one changed report; the
index is updated in place: use a copy. No timer costs more than two clock reads a call.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = [
    ("index.generation.build", "update"),
    ("index.generation.build", "_usable_previous"),
    ("index.generation.build", "_write_generation"),
    ("index.generation.build", "corpus_boilerplate"),
    ("index.generation.build", "_analyze_task"),
    ("index.generation.build", "default_userdict"),
    ("index.generation.build", "_config_signature"),
    ("index.generation.unchanged", "decide"),
    ("index.generation.vocabulary", "VocabularyBuilder.write"),
    ("index.generation.vocabulary", "VocabularyBuilder._in_place"),
    ("index.generation.vocabulary", "CountTable.read"),
    ("index.generation.vocabulary", "CountTable.apply"),
    ("index.generation.vocabulary", "CountTable.write"),
    ("index.generation.assist_tables", "write"),
    ("index.generation.columns", "ColumnWriter.finish"),
    ("index.generation.corpus_state", "write"),
    ("index.generation.store", "write_manifest"),
    ("index.generation.store", "remove_old_generations"),
    ("index.generation.store", "write_json"),
    ("whoosh.writing", "SegmentWriter.commit"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()
    cpu0 = time.process_time()
    acc: dict[str, list[float]] = {}

    def timed(name, f):
        def run(*a, **k):
            c, w = time.process_time(), time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                got = acc.setdefault(name, [0.0, 0.0, 0])
                got[0] += time.process_time() - c
                got[1] += time.perf_counter() - w
                got[2] += 1
        return run

    c, w = time.process_time(), time.perf_counter()
    importlib.import_module("index.generation.build")
    acc["import index.generation.build"] = [time.process_time() - c, time.perf_counter() - w, 1]
    for module, attr in STEPS:
        owner = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        label = f"{module.rsplit('.', 1)[-1]}.{attr}"
        raw = owner.__dict__[name]
        if isinstance(raw, (classmethod, staticmethod)):
            setattr(owner, name, type(raw)(timed(label, raw.__func__)))
        else:
            setattr(owner, name, timed(label, raw))
    from govsearch.cli import main as cli

    argv = ["index", "update", "--index", str(args.index)] + (["--corpus", str(args.corpus)] if args.corpus else [])
    try:
        cli.main(argv, prog_name="govsearch", standalone_mode=False)  # a click group
    finally:
        total = time.process_time() - cpu0
        print(f"\nload {os.getloadavg()[0]:.1f}; CPU of the process after start-up {total:.3f} s")
        print(f"| {'step (nested)':48} | CPU s | wall s | calls |\n|---|---:|---:|---:|")
        for label, (cpu, wall, n) in sorted(acc.items(), key=lambda kv: -kv[1][0]):
            print(f"| {label:48} | {cpu:.3f} | {wall:.3f} | {n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
