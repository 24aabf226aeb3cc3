#!/usr/bin/env python3
"""Where a build's memory and CPU go, step by step (the build's own process).

    .venv/bin/python bench/build_steps.py --corpus bench/out/corpus-100mb --index bench/out/idx-steps [--workers N]
    PYTHONPATH=bench/out/engine-<sha> .venv/bin/python bench/build_steps.py …   # a commit's engine (run.snapshot)
    /usr/bin/time -v .venv/bin/python bench/build_steps.py …                   # plus the whole tree's CPU and peak

Runs one full build (the index folder is replaced) with the finishing steps wrapped:
each prints the process's resident memory before and after it, the peak so far
(``ru_maxrss``) and its CPU seconds. Steps an engine does not have are left out.
Helper processes (analysis workers, Whoosh's sub-writers, the fresh Python that makes
the query-assistance tables) are not in these figures: ``/usr/bin/time -v`` gives the
largest of them and the tree's CPU.
"""

from __future__ import annotations

import argparse
import functools
import resource
import shutil
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins


def _rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _wrap(owner, name: str, label: str) -> None:
    f = getattr(owner, name, None)
    if f is None:
        return

    @functools.wraps(f)
    def timed(*args, **kwargs):
        before, cpu = _rss(), time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            print(f"| {label} | {before} → {_rss()} | {_peak()} | {time.process_time() - cpu:.1f} |", flush=True)

    setattr(owner, name, timed)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--workers", type=int)
    args = ap.parse_args()

    from index import build
    from index.generation import assist_tables, columns, grams, store, vocabulary, wordrows, wordtable
    from index.generation import build as build_module

    print("| step | RSS MiB before → after | peak so far MiB | CPU s |\n|---|---|---|---|")
    _wrap(build_module, "corpus_boilerplate", "corpus boilerplate")
    _wrap(grams.GramWriter, "_flush", "bigram chunk")
    _wrap(wordrows.WordRowsWriter, "_flush", "word-row chunk")
    _wrap(grams.GramWriter, "finish", "bigram merge")
    _wrap(wordrows.WordRowsWriter, "finish", "word-row merge")
    try:
        from index.generation import repeats
    except ImportError:  # an engine before the counts of repeated bigrams
        pass
    else:
        _wrap(repeats.RepeatsWriter, "_flush", "repeated-bigram chunk")
        _wrap(repeats.RepeatsWriter, "finish", "repeated-bigram merge")
    _wrap(vocabulary.VocabularyBuilder, "write", "vocabulary and assistance tables")
    _wrap(vocabulary, "_pinyin_all", "— pinyin")
    _wrap(assist_tables, "pos_tags", "— part-of-speech tags")
    _wrap(assist_tables, "make", "— assistance tables")
    _wrap(vocabulary, "_in_a_process", "— assistance tables in a fresh Python")
    _wrap(columns.ColumnWriter, "finish", "columns")
    _wrap(wordtable, "copy_or_write", "word table")
    _wrap(store, "write_manifest", "manifest")
    shutil.rmtree(args.index, ignore_errors=True)
    cpu = time.process_time()
    report = build(args.corpus, args.index, workers=args.workers)
    print(f"\n{report.documents} reports, {report.passages} passages; this process: "
          f"{time.process_time() - cpu:.1f} CPU-s, peak {_peak()} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
