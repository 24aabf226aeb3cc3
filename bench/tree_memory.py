#!/usr/bin/env python3
"""Which process of a command's tree is the largest: every process's peak memory.

    .venv/bin/python bench/tree_memory.py --log bench/out/mem.tsv -- \\
        .venv/bin/python bench/build_steps.py --corpus bench/out/corpus-300mb --index bench/out/idx-300mb
    .venv/bin/python bench/tree_memory.py --pid 12345 --log bench/out/mem.tsv   # a tree already running

Runs the command (or watches the process ``--pid``) and every ``--every`` seconds reads
``/proc/<pid>/status`` of it and of all its descendants: VmRSS now and VmHWM (the
process's own peak resident set, which the kernel keeps, so a peak between two samples
is not missed; a forked child's counts the parent's pages it still maps). Each sample
is a line of ``--log`` (seconds, load average, the tree's RSS sum, pid:RSS/HWM of each
process). At the end, a table: each process's peak, when it was last seen, and its
command line, largest first. The command's own output goes to its standard output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, stack = [], [root]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def _status(pid: int) -> tuple[int, int, str] | None:
    """(VmRSS MiB, VmHWM MiB, command line) or None when it is gone or has no memory."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    if "VmRSS" not in fields:
        return None
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024, cmd


def watch(root: int, log, every: float, alive) -> dict[int, list]:
    peaks: dict[int, list] = {}  # pid -> [HWM, seconds last seen, command]
    start = time.time()
    while alive():
        now = int(time.time() - start)
        parts, total = [], 0
        for pid in _tree(root):
            s = _status(pid)
            if s is None:
                continue
            rss, hwm, cmd = s
            total += rss
            parts.append(f"{pid}:{rss}/{hwm}")
            p = peaks.setdefault(pid, [0, now, cmd])
            p[0], p[1], p[2] = max(p[0], hwm), now, cmd or p[2]
        if log:
            log.write(f"{now}\t{os.getloadavg()[0]:.2f}\t{total}\t{' '.join(parts)}\n")
            log.flush()
        time.sleep(every)
    return peaks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pid", type=int, help="watch this running process and its descendants")
    ap.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    ap.add_argument("--log", help="append every sample to this file")
    ap.add_argument("command", nargs="*", help="the command to run (after --)")
    args = ap.parse_args()
    if bool(args.pid) == bool(args.command):
        ap.error("give a command after -- or --pid, not both")
    log = open(args.log, "a") if args.log else None
    if args.pid:
        root, proc = args.pid, None
        alive = lambda: os.path.exists(f"/proc/{root}")  # noqa: E731
    else:
        proc = subprocess.Popen(args.command)
        root = proc.pid
        alive = lambda: proc.poll() is None  # noqa: E731
    peaks = watch(root, log, args.every, alive)
    print("\n| process | peak (VmHWM) MiB | last seen s | command |\n|---|---|---|---|")
    for pid, (hwm, seen, cmd) in sorted(peaks.items(), key=lambda kv: -kv[1][0]):
        print(f"| {pid} | {hwm:,} | {seen} | `{cmd[:120]}` |")
    return proc.returncode if proc is not None else 0


if __name__ == "__main__":
    sys.exit(main())
