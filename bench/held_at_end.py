#!/usr/bin/env python3
"""What a full build's own process holds when the last report has been added, by holder.

    .venv/bin/python bench/held_at_end.py --corpus bench/out/slice --index /tmp/idx-held
    PYTHONPATH=bench/out/engine-<sha> .venv/bin/python bench/held_at_end.py …   # a commit's engine

Runs one full build (the index folder is replaced) and, when the bigram writer is asked
to finish (every report added, nothing written at the end yet), sizes each local of the
build's ``_write_generation`` by walking its objects (``sys.getsizeof`` of each object
reached once, NumPy arrays with their data; objects shared by two holders counted with
the first). Prints the build process's RSS then, glibc's heap figures (``mallinfo2``)
and every holder over 1 MiB, with the vocabulary's counters, the word-key cache and the
column writer's per-row arrays apart. A holder that grows with the corpus shows as a
larger figure on a larger corpus.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import shutil
import sys
import types
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins

_SKIP = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
         types.CodeType, types.FrameType)
# shared small things first, so that the large holders are not charged with them
_ORDER = ["analyzer", "lexicon", "sources", "ids", "tasks", "stats", "ov_hashes", "documents", "files_state",
          "report", "line_hashes", "boilerplate", "vocab", "word_writer", "column_writer", "gram_writer", "writer", "ix"]


def _rss() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


def _malloc() -> str:
    class Info(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                   "fsmblks", "uordblks", "fordblks", "keepcost")]
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = Info
    except (OSError, AttributeError):
        return "glibc's mallinfo2 not available"
    m = libc.mallinfo2()
    return f"heap {m.arena >> 20} MiB, in use {m.uordblks >> 20}, free {m.fordblks >> 20}, mmapped {m.hblkhd >> 20}"


def deep_size(obj, seen: set[int]) -> int:
    import numpy as np

    total, stack = 0, [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, _SKIP):
            continue
        seen.add(id(o))
        try:
            total += sys.getsizeof(o)
        except TypeError:
            continue
        if isinstance(o, (np.ndarray, str, bytes, int, float, bytearray)) or type(o).__name__ == "array":
            continue
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        else:
            d = getattr(o, "__dict__", None)
            if d is not None:
                stack.append(d)
            stack.extend(getattr(o, s) for s in getattr(type(o), "__slots__", ()) if hasattr(o, s))
    return total


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f}"


def report(local: dict) -> None:
    gc.collect()
    print(f"build process at the end of adding: RSS {_rss()} MiB; {_malloc()}\n")
    print("| holder | MiB | type |\n|---|---|---|")
    seen: set[int] = set()
    for name in _ORDER + [n for n in local if n not in _ORDER]:
        if name in local:
            n = deep_size(local[name], seen)
            if n > 1 << 20:
                print(f"| {name} | {_mib(n)} | {type(local[name]).__name__} |")
    vocab = local.get("vocab")
    for kind, counter in (getattr(vocab, "counts", None) or {}).items():
        print(f"| vocab.counts[{kind}]: {len(counter):,} terms | {_mib(deep_size(counter, set()))} | |")
    runs = getattr(vocab, "runs", None) or []
    if runs:
        print(f"| vocab's runs on disk (not in memory): {len(runs)} | {_mib(sum(r.stat().st_size for r in runs))} | |")
    cache = getattr(local.get("word_writer"), "_cache", None)
    if cache is not None:
        print(f"| word_writer's word keys: {len(cache):,} words | {_mib(deep_size(cache, set()))} | |")
    writer = local.get("column_writer")
    if writer is not None:
        cells = writer.cells.values()
        rows = sum(len(c.rows) * c.rows.itemsize if hasattr(c.rows, "itemsize") else len(c.rows.buffer) * c.rows.buffer.itemsize
                   for c in cells)
        print(f"| column writer: per-row values in memory, {writer.rows:,} rows | {_mib(rows)} | |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    args = ap.parse_args()
    shutil.rmtree(args.index, ignore_errors=True)
    from index.generation import build, grams

    finish = grams.GramWriter.finish

    def sized(self):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != "_write_generation":
            frame = frame.f_back
        if frame is not None and getattr(self, "_full", True):
            report(frame.f_locals)
        return finish(self)

    grams.GramWriter.finish = sized
    r = build.build(args.corpus, args.index)
    print(f"\n{r.documents:,} reports, {r.passages:,} passages, {r.characters:,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
