#!/usr/bin/env python3
"""Memory and CPU of merging posting segments (the end of a full build, an update past
MAX_SEGMENTS segments), apart from the rest of a build (issue 22).

    .venv/bin/python bench/merge_memory.py --index bench/out/idx-100mb --parts 9
    .venv/bin/python bench/merge_memory.py --index … --engine /tmp/old-checkout --engine .

Splits the bigram segment (``--what wordrows``: the word-rows segment) of the index's
current generation by row range into ``--parts`` segments, as a build's chunks are,
then merges them back in a fresh Python per engine (``PYTHONPATH=<engine>``; engines
alternate, ``--rounds`` times) and prints one row per run: the merge process's memory
before, its largest resident size (VmHWM) less that, the largest memory NumPy
and Python held at once (tracemalloc), CPU seconds, and whether the merged files are
byte for byte those of the index (they hold the same postings).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _status(field: str) -> int:
    """A MiB figure of /proc/self/status."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) // 1024


def _child(folder: Path, module: str) -> None:
    import threading
    import time
    import tracemalloc

    from index.generation import grams

    names = sorted({p.name.split(".")[0] for p in folder.glob("*.gaps.npy")})
    rss = _status("VmRSS")
    split = {"RssAnon": _status("RssAnon"), "RssFile": _status("RssFile")}
    before = dict(split)
    done = threading.Event()

    def sample() -> None:  # pages of mapped files (RssFile) apart from the heap's (RssAnon)
        while not done.wait(0.05):
            for field in split:
                split[field] = max(split[field], _status(field))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    cpu = time.process_time()
    grams.merge_smallest(folder, names, "merged", keep=1)
    cpu = time.process_time() - cpu
    traced = tracemalloc.get_traced_memory()[1] // 2**20
    done.set()
    sampler.join()
    peak = _status("VmHWM")  # not ru_maxrss: that is the parent's too, kept across exec
    print(json.dumps({"rss_before": rss, "max_rss": peak, "traced_peak": traced, "cpu": round(cpu, 1),
                      "anon": split["RssAnon"] - before["RssAnon"], "file": split["RssFile"] - before["RssFile"],
                      "module": grams.__file__}))


def _split(gen: Path, what: str, parts: int, out: Path) -> list[bytes]:
    """Write the parts; return the bytes' CRCs of the index's own segment files."""
    sys.path.insert(0, str(HERE))
    import numpy as np

    from index.generation import grams

    manifest = json.loads((gen / f"{what}.json").read_text())
    (name,) = manifest["segments"]
    whole = grams.read_segment(gen, name).raw()
    size = manifest["next_row"]
    for n in range(parts):
        lo, hi = size * n // parts, size * (n + 1) // parts
        keep = (whole.rows >= lo) & (whole.rows < hi)
        counts = np.add.reduceat(keep.astype(np.int64), whole.offsets[:-1].astype(np.int64))
        part = grams.Segment(whole.keys[counts > 0], np.concatenate([[0], np.cumsum(counts[counts > 0])]).astype(np.uint32),
                             whole.rows[keep])
        grams.write_segment(out, f"{what}-{lo}-{hi}", part)
    return [zlib.crc32((gen / f).read_bytes()) for f in grams.segment_files(name)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--what", choices=("grams", "wordrows"), default="grams")
    ap.add_argument("--parts", type=int, default=9)
    ap.add_argument("--engine", action="append", type=Path, help="a checkout to run the merge with (default: this one)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.what)
        return 0
    gen = args.index / (args.index / "CURRENT").read_text().strip()
    engines = args.engine or [HERE]
    with tempfile.TemporaryDirectory(prefix="merge-memory-") as tmp:
        pristine = Path(tmp) / "parts"
        pristine.mkdir()
        expected = _split(gen, args.what, args.parts, pristine)
        print(f"{args.what}: {args.parts} parts of {gen}")
        print("| engine | memory before MiB | largest − before MiB | of it, heap / mapped files (sampled) "
              "| traced peak MiB | CPU s | same files |")
        print("|---|---|---|---|---|---|---|")
        for _ in range(args.rounds):
            for engine in engines:
                work = Path(tmp) / "work"
                shutil.rmtree(work, ignore_errors=True)
                work.mkdir()
                for f in pristine.iterdir():
                    os.link(f, work / f.name)
                env = dict(os.environ, PYTHONPATH=str(engine.resolve()))
                out = subprocess.run([sys.executable, __file__, "--child", str(work), "--what", args.what],
                                     env=env, capture_output=True, text=True, check=True, cwd=str(engine))
                r = json.loads(out.stdout.strip().splitlines()[-1])
                got = [zlib.crc32((work / f"merged.{p}.npy").read_bytes()) for p in ("keys", "offsets", "gaps")]
                print(f"| {engine} | {r['rss_before']} | {r['max_rss'] - r['rss_before']} | +{r['anon']} / +{r['file']} "
                      f"| {r['traced_peak']} "
                      f"| {r['cpu']} | {'yes' if got == expected else 'NO'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
