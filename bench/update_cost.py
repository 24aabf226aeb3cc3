#!/usr/bin/env python3
"""What `govsearch index update` costs: one report changed, and nothing changed.

    .venv/bin/python bench/update_cost.py                              # ../shared/corpus-real, 4 rounds
    .venv/bin/python bench/update_cost.py --baseline 9a8a1bc --repeat 3   # against the engine of a commit
    .venv/bin/python bench/update_cost.py --corpus bench/out/corpus-100mb --index bench/out/cold-100mb

Copies the corpus to bench/out/update-cost/ (the original is never written), builds an
index of it with each engine (the working tree, and with --baseline the engine of that
commit, a `git archive` snapshot first on PYTHONPATH), then runs rounds in alternation
(A B A B): a sentence is appended to one report of median size and each engine's
`govsearch index update` is run on it, then each is run again with nothing changed;
`govsearch --version` is timed in the same rounds as the floor of any command. Each
command is a fresh process; wall seconds and CPU seconds (user + system of the child,
which do not depend on the machine's load as wall time does) are printed as medians
with the load average. --index uses an index built beforehand for the working tree
(it is updated in place: use a copy).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

sys.path.insert(0, str(ROOT / "bench"))
from run import snapshot  # noqa: E402  (a commit's engine, extracted once)

PY = sys.executable


def run(engine: Path, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(engine))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([PY, "-m", "govsearch.cli", *args], env=env, capture_output=True, text=True, cwd=engine)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "out": proc.stdout + proc.stderr}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-real")
    ap.add_argument("--index", type=Path, help="an index of --corpus built beforehand by the working tree")
    ap.add_argument("--baseline", metavar="REV", help="also measure the engine of this commit")
    ap.add_argument("--engine-commit", metavar="REV", help="measure the engine of this commit (a snapshot) instead "
                                                           "of the working tree, which may change while this runs")
    ap.add_argument("--repeat", type=int, default=4)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: nothing measured", file=sys.stderr)
        return 2
    work = OUT / "update-cost"
    engines = [("working tree", ROOT)]
    if args.engine_commit:
        engines = [snapshot(args.engine_commit)]
    if args.baseline:
        sha, snap = snapshot(args.baseline)
        engines.append((sha, snap))
    corpus = args.corpus.resolve() if args.index else work / "corpus"
    if not args.index:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.copytree(args.corpus, corpus)
    files = sorted((p for p in corpus.rglob("*.txt")), key=lambda p: p.stat().st_size)
    victim = files[len(files) // 2]
    original = victim.read_bytes()
    indexes = {}
    for name, engine in engines:
        given = args.index and name == engines[0][0]
        index = args.index.resolve() if given else work / f"index-{engine.name}"
        if not given:
            shutil.rmtree(index, ignore_errors=True)
            r = run(engine, "index", "build", "--corpus", str(corpus), "--index", str(index))
            print(f"built with {name}: {r['wall']:.1f} s wall, {r['cpu']:.1f} CPU-s", flush=True)
        run(engine, "index", "update", "--corpus", str(corpus), "--index", str(index))  # settle
        indexes[name] = index
    print(f"changed report: {victim.relative_to(corpus)} ({len(original):,} bytes); "
          f"{len(files)} files; load {os.getloadavg()[0]:.1f} at start", flush=True)
    results: dict[tuple[str, str], list[dict]] = {}
    try:
        for rnd in range(args.repeat):
            with open(victim, "ab") as f:
                f.write(f"\n本轮第{rnd + 1}次补充一句话，用于衡量更新的代价。\n".encode())
            for case in ("one report changed", "nothing changed"):
                for name, engine in engines:
                    r = run(engine, "index", "update", "--corpus", str(corpus), "--index", str(indexes[name]))
                    expect = "re-indexed 1," if case == "one report changed" else "re-indexed 0,"
                    if expect not in r["out"]:
                        raise SystemExit(f"{name}, {case}: expected '{expect}' in\n{r['out']}")
                    results.setdefault((name, case), []).append(r)
            for name, engine in engines:
                results.setdefault((name, "--version"), []).append(run(engine, "--version"))
    finally:
        if not args.index:
            victim.write_bytes(original)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (2 cores)\n")
    print("| engine | command | wall s, median (min) | CPU s, median (min) | runs |")
    print("|---|---|---|---|---|")
    for (name, case), runs in results.items():
        walls, cpus = [r["wall"] for r in runs], [r["cpu"] for r in runs]
        print(f"| {name} | {case} | {statistics.median(walls):.2f} ({min(walls):.2f}) | "
              f"{statistics.median(cpus):.2f} ({min(cpus):.2f}) | {len(runs)} |")
    if args.baseline:
        base = engines[1][0]
        print()
        for case in ("one report changed", "nothing changed", "--version"):
            a = statistics.median(r["cpu"] for r in results[(engines[0][0], case)])
            b = statistics.median(r["cpu"] for r in results[(base, case)])
            print(f"{case}: CPU {engines[0][0]} / {base} = {a / b:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
