#!/usr/bin/env python3
"""The peak memory of a build's last helper process alone: the fresh Python that writes
the query-assistance tables, replayed on an index's vocabulary.

    .venv/bin/python bench/assist_memory.py --gen bench/out/idx-300mb/gen-… [--engine DIR]

A full build hands its vocabulary (terms, frequencies, kinds) to a fresh Python
(index/generation/vocabulary.py, ``_in_a_process``) that makes pinyin, part-of-speech
tags and every table and writes ``assist.bin``. This sends the same work, read back from
the generation's ``vocabulary.json.gz``, to the same entry point under ``/usr/bin/time
-v``, with the engine at ``--engine`` (a checkout or a ``git archive`` snapshot; default
this one) first on the path and as the working folder, and writes the tables into a
temporary folder: its maximum RSS and CPU, and whether its ``assist.bin`` is the
generation's own, byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gen", type=Path, required=True, help="a generation folder (holds vocabulary.json.gz)")
    ap.add_argument("--engine", type=Path, default=ROOT)
    args = ap.parse_args()
    data = json.loads(gzip.decompress((args.gen / "vocabulary.json.gz").read_bytes()))
    engine = args.engine.resolve()
    with tempfile.TemporaryDirectory() as out:
        work = (out, data["terms"], data["freq"], data["kinds"], {}, {}, None)
        env = dict(os.environ, PYTHONPATH=str(engine))
        done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c",
                               "from index.generation.vocabulary import _serve; _serve()"],
                              input=pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL), capture_output=True,
                              env=env, cwd=engine, check=True)
        same = filecmp.cmp(Path(out) / "assist.bin", args.gen / "assist.bin", shallow=False)
    figures = dict(line.strip().split(": ", 1) for line in done.stderr.decode().splitlines() if ": " in line)
    print(f"engine {engine}; {len(data['terms']):,} terms")
    print(f"max RSS {int(figures['Maximum resident set size (kbytes)']) / 1024:.1f} MiB, "
          f"CPU {float(figures['User time (seconds)']) + float(figures['System time (seconds)']):.1f} s, "
          f"assist.bin {'the same bytes as the generation' if same else 'DIFFERS from the generation'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
