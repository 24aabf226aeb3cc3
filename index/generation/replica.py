"""Read replicas: copy the live generation of a writer's index folder into a replica's
index folder, verify it, and switch to it atomically.

A generation is immutable once its ``manifest.json`` exists, so a replica can take it
whole. :func:`pull`

1. holds the replica's ``build.lock`` (one pull, build or update at a time);
2. reads the source's ``CURRENT``; when the replica already serves that generation it
   stops there;
3. copies the generation into ``<index>/.incoming-<gen>/`` (a name no reader or
   cleanup takes for a generation), with ``rsync`` when the source is
   ``host:/path`` (over ssh) or a local folder and rsync is installed, else by copying
   files;
4. checks every file against the copied manifest (size and CRC-32, as an index update
   does), so a copy cut short, a file changed on the way or a generation removed at the
   source midway is refused and the replica keeps serving what it had;
5. renames the folder to ``<index>/<gen>`` and replaces ``CURRENT`` (write, fsync,
   rename): servers reading the replica switch on their next query, as after a build;
6. removes older generations as a build does (the live one and the previous kept).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from index.errors import GovsearchError, IndexDamaged, IndexMissing
from index.generation import store

INCOMING = ".incoming-"


@dataclass
class PullReport:
    generation: str
    copied: bool  # False: the replica had it already
    switched: bool  # False: it was live already
    files: int = 0
    bytes: int = 0
    removed: tuple[str, ...] = ()


def is_remote(source: str) -> bool:
    """``host:/path`` (rsync's remote form), not a local folder such as ``C:/x`` or ``./a:b``."""
    head, sep, _ = source.partition(":")
    return bool(sep) and len(head) > 1 and "/" not in head and not Path(source).exists()


def _rsync(args: list[str], what: str) -> None:
    try:
        proc = subprocess.run(["rsync", *args], capture_output=True, text=True)
    except FileNotFoundError:
        raise GovsearchError(f"cannot copy {what}: rsync is not installed", "install rsync (apt-get install rsync)") \
            from None
    if proc.returncode != 0:
        raise GovsearchError(f"cannot copy {what}: rsync exit {proc.returncode}: "
                             f"{(proc.stderr.strip().splitlines() or [''])[-1]}")


def source_generation(source: str) -> str:
    """The name of the generation the source's ``CURRENT`` names."""
    if is_remote(source):
        with tempfile.TemporaryDirectory(prefix="govsearch-pull-") as tmp:
            _rsync(["-q", f"{source.rstrip('/')}/{store.CURRENT}", tmp + "/"], f"{source}/{store.CURRENT}")
            name = Path(tmp, store.CURRENT).read_text(encoding="utf-8", errors="replace").strip()
    else:
        folder = Path(source)
        if not folder.is_dir():
            raise IndexMissing(f"no index folder at {source}")
        name = store.current_generation(folder).name
    if not store._GEN_NAME.fullmatch(name):
        raise IndexDamaged(f"{source}/{store.CURRENT} names no generation ({name[:60]!r})")
    return name


def _copy(source: str, name: str, target: Path) -> None:
    src = f"{source.rstrip('/')}/{name}/"
    if is_remote(source) or shutil.which("rsync"):
        _rsync(["-a", "--delete", "--exclude=*.lock", "--exclude=*WRITELOCK", src, str(target) + "/"], src)
        return
    target.mkdir(parents=True, exist_ok=True)
    for item in Path(src).iterdir():
        if item.is_file() and not item.name.endswith(".lock") and not item.name.endswith("WRITELOCK"):
            shutil.copy2(item, target / item.name)


def pull(source: str | Path, index_dir: str | Path) -> PullReport:
    """Make the replica at ``index_dir`` serve the source's live generation (see the
    module's docstring). Raises :class:`GovsearchError` when the copy cannot be made or
    does not match its manifest; the replica is then left as it was."""
    source, index_dir = str(source), Path(index_dir)
    with store.build_lock(index_dir):
        for stale in index_dir.glob(INCOMING + "*"):  # a pull killed midway
            shutil.rmtree(stale, ignore_errors=True)
        name = source_generation(source)
        try:
            live = store.current_generation(index_dir).name
        except GovsearchError:
            live = None
        if live == name:
            return PullReport(name, copied=False, switched=False)
        gen = index_dir / name
        copied = False
        if not (gen.is_dir() and store.is_complete(gen)):
            incoming = index_dir / (INCOMING + name)
            _copy(source, name, incoming)
            try:
                if not (incoming / store.MANIFEST).is_file():
                    raise IndexDamaged(f"{store.MANIFEST} is missing (a generation of an older version, or cut short)")
                store.verify_generation(incoming)
            except IndexDamaged as exc:
                shutil.rmtree(incoming, ignore_errors=True)
                raise IndexDamaged(f"the copy of {name} from {source} does not match its manifest: {exc.message}",
                                   "nothing was switched; run the pull again (the source may have replaced that "
                                   "generation meanwhile)") from None
            shutil.rmtree(gen, ignore_errors=True)  # an incomplete leftover of that name
            incoming.rename(gen)
            copied = True
        else:
            store.verify_generation(gen)
        store.switch_to(index_dir, gen)
        removed = store.remove_old_generations(index_dir, previous=live)
        files = [p for p in gen.iterdir() if p.is_file()]
        return PullReport(name, copied=copied, switched=True, files=len(files),
                          bytes=sum(p.stat().st_size for p in files), removed=tuple(removed))
