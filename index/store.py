"""The index folder: generations switched atomically.

Layout::

    <index>/CURRENT        name of the live generation (replaced atomically)
    <index>/gen-<stamp>/   a complete Whoosh index + documents.json + build.json
    <index>/build.lock     held while a build or update runs

A build writes a new generation beside the live one and only then replaces
``CURRENT``; a searcher reading meanwhile keeps using the old generation, and a
build killed midway leaves ``CURRENT`` untouched. Older generations are removed by
later builds (the previous one is kept for searchers that still have it open).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildLocked, IndexMissing

CURRENT = "CURRENT"
LOCK = "build.lock"
DOCUMENTS = "documents.json"
BUILD_INFO = "build.json"


def current_generation(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissing(f"no index at {index_dir}") from None
    gen = index_dir / name
    if not name or not gen.is_dir():
        raise IndexMissing(f"the index at {index_dir} points to a missing generation {name!r}")
    return gen


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    n = 0
    while True:
        gen = index_dir / f"gen-{stamp}-{os.getpid()}-{n}"
        try:
            gen.mkdir()
            return gen
        except FileExistsError:
            n += 1


def switch_to(index_dir: Path, gen: Path) -> None:
    tmp = index_dir / f"{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(gen.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)


def remove_old_generations(index_dir: Path, keep: int = 2) -> None:
    """Remove generations other than the live one and the ``keep - 1`` newest others
    (including leftovers of killed builds)."""
    try:
        live = current_generation(index_dir).name
    except IndexMissing:
        live = None
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    others = [g for g in gens if g.name != live]
    for gen in others[keep - 1 :]:
        shutil.rmtree(gen, ignore_errors=True)


def link_copy(src: Path, dst: Path) -> None:
    """Copy a generation's files by hard link (Whoosh never rewrites a segment file)."""
    for item in src.iterdir():
        if item.is_file() and not item.name.endswith(".lock"):
            try:
                os.link(item, dst / item.name)
            except OSError:
                shutil.copy2(item, dst / item.name)


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@contextmanager
def build_lock(index_dir: Path):
    """One build or update at a time per index folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    f = open(index_dir / LOCK, "a+")
    try:
        try:
            import fcntl

            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BuildLocked(f"another build or update is running on {index_dir}") from None
        except ImportError:  # Windows: msvcrt
            import msvcrt

            try:
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            except OSError:
                raise BuildLocked(f"another build or update is running on {index_dir}") from None
        yield
    finally:
        f.close()
