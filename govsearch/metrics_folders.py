"""The temporary folders where the workers of ``govsearch serve --workers N`` share their
/metrics counters and hot queries: made by the master, removed when it stops, and, when
a master was killed outright (SIGKILL, a crash) and could not remove its own, removed by
the next server that starts.

A folder is judged by the owner record its master wrote in it (pid and the process's
start time): it is removed only when that process no longer exists, or when its pid now
belongs to a process started at another time (the pid was reused). A folder without a
readable record (one being made right now, or written by an older version), one owned
by another user, a symbolic link, and the folder of a live server are left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "govsearch-metrics-"
OWNER = "owner.json"


def process_start(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (Linux /proc); None where
    that cannot be read (no such process, or no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in brackets and may hold spaces: count after its ")"
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])  # field 22, starttime
    except (IndexError, ValueError):
        return None


def make(parent: str | Path | None = None) -> str:
    """A new folder for this process's workers, with its owner record."""
    folder = tempfile.mkdtemp(prefix=PREFIX, dir=parent)
    record = {"pid": os.getpid(), "started": process_start(os.getpid())}
    tmp = Path(folder) / (OWNER + ".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, Path(folder) / OWNER)  # read whole or not at all
    return folder


def owner_alive(pid: int, started: int | None) -> bool:
    """Whether the process that made a folder still runs. In doubt, yes."""
    if pid <= 0:
        return True  # os.kill(0 or -n) would name a process group: not a record we wrote
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: a live process of another user
        return True
    now = process_start(pid)
    return started is None or now is None or now == started


def remove_abandoned(parent: str | Path | None = None) -> list[Path]:
    """Remove the metrics folders in ``parent`` (the temporary folder) whose master no
    longer runs; the folders removed."""
    removed = []
    uid = os.getuid() if hasattr(os, "getuid") else None
    for folder in Path(parent or tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            st = folder.lstat()
            if not folder.is_dir() or folder.is_symlink() or (uid is not None and st.st_uid != uid):
                continue
            record = json.loads((folder / OWNER).read_text(encoding="utf-8"))
            pid, started = int(record["pid"]), record.get("started")
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if owner_alive(pid, started if isinstance(started, int) else None):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed
