"""The index folder: generations switched atomically.

Layout::

    <index>/CURRENT        name of the live generation (replaced atomically)
    <index>/gen-<stamp>/   a complete Whoosh index + documents.json + build.json
                           + manifest.json (written last: name → size of every file)
    <index>/build.lock     locked (flock) while a build or update runs; the kernel
                           releases it when the holder dies

A build writes a new generation beside the live one and only then replaces
``CURRENT``; a searcher reading meanwhile keeps using the old generation, and a
build killed midway leaves ``CURRENT`` untouched. Older generations are removed by
later builds (the previous complete one is kept for searchers that still have it
open); a generation without ``manifest.json`` is a leftover of a killed build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

from index.errors import BuildLocked, IndexDamaged, IndexMissing

CURRENT = "CURRENT"
LOCK = "build.lock"
DOCUMENTS = "documents.json"
BUILD_INFO = "build.json"
MANIFEST = "manifest.json"
_GEN_NAME = re.compile(r"gen-[A-Za-z0-9_.-]{1,200}")


# CURRENT as last read, per pointer path: (its stat key, the generation it named). A
# search asks for the live generation every time; one ``stat`` of the pointer (and one
# of the generation folder) answers it while the pointer has not changed.
_POINTERS: dict[str, tuple[tuple, Path]] = {}
POINTER_SETTLE = 2.0  # seconds: a pointer modified more recently than this is read again (racy timestamps)


def _stat_key(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def no_index_message(index_dir: Path) -> str:
    """What a reader is told where no index stands, in Chinese then English (as every
    message a user meets)."""
    return f"{index_dir} 处没有索引 (no index at {index_dir})"


def current_generation(index_dir: Path) -> Path:
    """The live generation's folder (the one ``CURRENT`` names). The pointer is read
    again only when its ``stat`` changed (``switch_to`` replaces it: a new inode), or
    when it was modified less than :data:`POINTER_SETTLE` seconds ago (a pointer
    rewritten in place within one timestamp tick keeps its stat)."""
    pointer = index_dir / CURRENT
    key = str(pointer)
    try:
        st = os.stat(pointer)
    except FileNotFoundError:
        _POINTERS.pop(key, None)
        raise IndexMissing(no_index_message(index_dir)) from None
    except OSError as exc:
        raise IndexMissing(f"cannot read {pointer}: {exc.strerror or exc}") from None
    stat_key = _stat_key(st)
    cached = _POINTERS.get(key)
    if cached is not None and cached[0] == stat_key and time.time_ns() - st.st_mtime_ns > POINTER_SETTLE * 1e9:
        gen = cached[1]
        if gen.is_dir():
            return gen
    gen = _read_pointer(index_dir, pointer)
    if len(_POINTERS) > 64:  # many index folders in one process (tests): start again
        _POINTERS.clear()
    _POINTERS[key] = (stat_key, gen)
    return gen


def _read_pointer(index_dir: Path, pointer: Path) -> Path:
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        raise IndexMissing(no_index_message(index_dir)) from None
    except OSError as exc:
        raise IndexMissing(f"cannot read {pointer}: {exc.strerror or exc}") from None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        name = None
    if name is None or not _GEN_NAME.fullmatch(name):
        raise IndexMissing(f"the index at {index_dir} is damaged: {pointer} does not name a generation "
                           f"({raw[:40]!r})")
    gen = index_dir / name
    if not gen.is_dir():
        raise IndexMissing(f"the index at {index_dir} points to a missing generation {name!r}")
    return gen


def is_complete(gen: Path) -> bool:
    """A generation whose build finished (the manifest is written last; indexes made
    before manifests existed count when their build.json is there)."""
    return (gen / MANIFEST).is_file() or (gen / BUILD_INFO).is_file()


def write_manifest(gen: Path, previous: Path | None = None) -> None:
    """Record the name, size and CRC-32 of every file of a finished generation (written
    last): sizes catch a truncated file with one ``stat``; checksums catch one damaged
    in place at the same size, which a mapped read would otherwise serve silently.
    ``previous``: the generation an update linked its unchanged files from, checked
    against its own manifest when the update began; a file that is still that
    generation's file (the same inode, size and time) has the CRC-32 recorded there
    and is not read again: an update reads what it wrote, not the whole index."""
    known = _linked_crcs(previous)
    files, crcs = {}, {}
    for p in sorted(gen.iterdir()):
        if p.is_file() and p.name != MANIFEST and not p.name.endswith((".lock", ".tmp", "WRITELOCK")):
            st = p.stat()
            files[p.name] = st.st_size
            crc = known.get(p.name, {}).get(_stat_key(st))
            if crc is None:
                crc = file_crc32(p)
                _remember_crc(p, st, crc)
            elif previous is not None:
                _carry_checked(previous / p.name, p, st)
            crcs[p.name] = crc
    write_json(gen / MANIFEST, {"files": files, "crc32": crcs})


def _carry_checked(old: Path, new: Path, st: os.stat_result) -> None:
    """A file linked from the previous generation is checked in the new one when this
    process checked it there and it is the same inode, size and modification time."""
    hit = _UPDATE_CHECKED.get(str(old))
    if _still_checked(hit, st):
        _UPDATE_CHECKED[str(new)] = (_stat_key(st), st.st_nlink, hit[2])


def _linked_crcs(previous: Path | None) -> dict[str, dict[tuple, int]]:
    """name → {stat key of the previous generation's file: its recorded CRC-32}, for
    the files whose size is still the one its manifest records."""
    if previous is None:
        return {}
    try:
        manifest = read_manifest(previous)
    except IndexDamaged:
        return {}
    if manifest is None:
        return {}
    out: dict[str, dict[tuple, int]] = {}
    for name, size in manifest["files"].items():
        crc = manifest["crc32"].get(name)
        try:
            st = (previous / name).stat()
        except OSError:
            continue
        if crc is not None and st.st_size == size:
            out[name] = {_stat_key(st): crc}
    return out


CRC_BLOCK = 1 << 20
CHECKSUMS_ENV = "GOVSEARCH_CHECKSUMS"


def verify_checksums() -> bool:
    """Whether opening a generation checks every file's CRC-32 (``GOVSEARCH_CHECKSUMS``,
    default on; ``0`` leaves only the size checks, for an index too large to read
    through at every switch)."""
    return os.environ.get(CHECKSUMS_ENV, "1").strip().lower() not in ("0", "no", "off", "false")


# path → (stat key, links, CRC-32) of the generation files an update has read through
# in this process: the second check of the same unchanged file (the quick
# nothing-changed test, then the previous generation's check, then its
# query-assistance tables) is not a second read of the whole generation. Any write to a
# file (or a time set back) changes its ctime, and the file is read again; so does a
# hard link, which the update adds to every file it carries over (then the file has
# more links than when it was read, and its other times are the same).
_UPDATE_CHECKED: dict[str, tuple[tuple, int, int]] = {}


def _checked_crc32(path: Path, st: os.stat_result) -> int:
    """:func:`file_crc32` of ``path`` (whose ``stat`` is ``st``), read once a process
    for an update while it is unchanged since."""
    hit = _UPDATE_CHECKED.get(str(path))
    if _still_checked(hit, st):
        return hit[2]
    crc = file_crc32(path)
    _remember_crc(path, st, crc)
    return crc


def _still_checked(hit: tuple | None, st: os.stat_result) -> bool:
    """Whether a file checked with record ``hit`` (stat key, link count, CRC-32) and now of
    ``st`` holds the same bytes: the same inode, size and times, or only its ctime moved
    by a new hard link (a link adds to the count; any write moves ctime too)."""
    if hit is None:
        return False
    was, links, _ = hit
    now = _stat_key(st)
    return now[:-1] == was[:-1] and (now[-1] == was[-1] or st.st_nlink > links)


def _remember_crc(path: Path, st: os.stat_result, crc: int) -> None:
    """Note that ``path``, whose ``stat`` was ``st`` before it was read, has the bytes of
    CRC-32 ``crc``, unless it changed while it was read."""
    if _stat_key(os.stat(path)) == _stat_key(st):
        _UPDATE_CHECKED[str(path)] = (_stat_key(st), st.st_nlink, crc)


# The live generation's files as an update or build last verified them
# (``<index>/verified.json``): each file's stat key (inode, device, size, mtime, ctime)
# when its bytes were read through and found equal to the manifest's CRC-32, or written
# and checksummed. The next update trusts a file whose stat key is still that one
# instead of reading it again: any write to a file, or its time set back, moves its
# ctime, which no one can set back. What it cannot see is damage that moves no time
# (bit rot, a write to the raw device): ``govsearch index check`` reads every file, the
# server's checksum sweep reads the generation a slice per poll, and a query reads a
# Whoosh segment or an assistance table through before it first uses it; each one that
# finds damage drops the record (:func:`forget_verified`), so the next update reads
# everything and repairs it.
VERIFIED = "verified.json"


def _verified_record(gen: Path) -> dict[str, list]:
    """name → [inode, device, size, mtime_ns, ctime_ns, CRC-32] of the files of ``gen``
    as last verified, {} when there is no sound record for it."""
    try:
        data = read_json(gen.parent / VERIFIED)
        if data.get("generation") != gen.name:
            return {}
        files = {name: [int(v) for v in key] for name, key in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return {name: key for name, key in files.items() if len(key) == 6}


def trust_verified(gen: Path) -> int:
    """Take as checked, for this update process, every file of ``gen`` whose stat key is
    the one recorded when its bytes were last verified and whose CRC-32 there is the
    manifest's: :func:`check_unchanged_since_manifest` and the other checks of an update
    then do not read it again. Return how many files were taken."""
    record = _verified_record(gen)
    if not record:
        return 0
    try:
        manifest = read_manifest(gen)
    except IndexDamaged:
        return 0
    if manifest is None:
        return 0
    taken = 0
    for name, crc in manifest["crc32"].items():
        key = record.get(name)
        if key is None or crc is None or key[5] != crc or manifest["files"].get(name) != key[2]:
            continue
        path = gen / name
        try:
            st = path.stat()
        except OSError:
            continue
        if list(_stat_key(st)) == key[:5]:
            _UPDATE_CHECKED[str(path)] = (_stat_key(st), st.st_nlink, crc)
            taken += 1
    return taken


def record_verified(gen: Path) -> None:
    """Write ``<index>/verified.json`` for ``gen`` (the live generation, at the end of a
    build or update holding the build lock): the files whose bytes this process read
    through or wrote and checksummed, equal to the manifest, with their stat key now.
    A file whose link count changed since (the update's links into a new generation,
    the removal of an old one) keeps its record; any other change of its stat leaves it
    out, to be read through by the next update. Never fails the command."""
    try:
        manifest = read_manifest(gen)
        if manifest is None:
            return
        files = {}
        for name, crc in manifest["crc32"].items():
            hit = _UPDATE_CHECKED.get(str(gen / name))
            if hit is None or crc is None or hit[2] != crc:
                continue
            st = (gen / name).stat()
            now = _stat_key(st)
            was, links, _ = hit
            if now[:-1] == was[:-1] and (now[-1] == was[-1] or st.st_nlink != links):
                files[name] = [*now, crc]
        old = gen.parent / VERIFIED
        try:
            if read_json(old) == {"generation": gen.name, "files": files}:
                return
        except (OSError, ValueError):
            pass
        write_json(old, {"generation": gen.name, "files": files})
    except (OSError, IndexDamaged):
        pass


def forget_verified(gen: Path) -> None:
    """Drop the record of ``gen``'s verified files (a file of it was found damaged): the
    next update reads every file through and repairs the generation (in this process
    too: what it took as checked in ``gen`` is forgotten)."""
    inside = os.path.join(str(gen), "")
    for key in [k for k in _UPDATE_CHECKED if k.startswith(inside)]:
        del _UPDATE_CHECKED[key]
    path = gen.parent / VERIFIED
    try:
        if read_json(path).get("generation") == gen.name:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def file_crc32(path: Path) -> int:
    """CRC-32 of a whole file (zlib's: hundreds of MB a second, see docs/RELIABILITY.md)."""
    crc = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(CRC_BLOCK)
            if not block:
                return crc
            crc = zlib.crc32(block, crc)


def read_manifest(gen: Path) -> dict | None:
    """The generation's manifest, None for an index older than manifests;
    :class:`IndexDamaged` when it cannot be read."""
    try:
        manifest = read_json(gen / MANIFEST)
        files = dict(manifest["files"])
        crcs = dict(manifest.get("crc32") or {})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexDamaged(f"{gen / MANIFEST} cannot be read: {exc}") from None
    return {"files": files, "crc32": crcs}


def check_file_sizes(gen: Path, checksums: bool = False, only: tuple[str, ...] | None = None,
                     for_update: bool = False) -> list[str]:
    """Raise :class:`IndexDamaged` naming the first file of the generation's manifest
    that is missing or has another size than was written (one ``stat`` per file: cheap
    enough for every open) or, with ``checksums``, other bytes (its CRC-32 differs);
    ``only``: just these files. ``for_update``: a file this update process already read
    through, unchanged since (:func:`check_unchanged_since_manifest`), is not read
    again. Return the names checked (none for an index older than manifests)."""
    manifest = read_manifest(gen)
    if manifest is None:
        return []
    files = manifest["files"]
    if only is not None:
        files = {name: size for name, size in files.items() if name in only}
    for name, size in files.items():
        path = gen / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            raise IndexDamaged(f"{path} is missing") from None
        if actual != size:
            raise IndexDamaged(f"{path} has {actual} bytes, {size} were written (truncated or replaced)")
    if checksums:
        crcs = manifest["crc32"]
        for name in files:
            expected = crcs.get(name)
            if expected is None:
                continue  # written before checksums were recorded
            try:
                path = gen / name
                actual = _checked_crc32(path, path.stat()) if for_update else file_crc32(path)
            except OSError as exc:
                raise IndexDamaged(f"{gen / name} cannot be read: {exc.strerror or exc}") from None
            if actual != expected:
                forget_verified(gen)
                raise IndexDamaged(f"{gen / name} is damaged: its checksum differs from the one written "
                                   "(same size, other bytes)")
    return list(files)


# Files only some queries read, whose checksum a query process checks when it first
# opens them rather than when it opens the generation: Whoosh's segments (the index of
# record; the query side reads its mapped copies) and the query-assistance tables
# (did-you-mean, pinyin, completion). Their sizes are still checked at open.
WHOOSH_PREFIXES = ("MAIN_", "_MAIN_")
ASSIST_FILES = ("assist.bin", "assist.json")


def read_on_demand(name: str) -> bool:
    """Whether a query process checks the checksum of generation file ``name`` when it
    first reads it (:func:`check_before_reading`) instead of when it opens the generation."""
    return name.startswith(WHOOSH_PREFIXES) or name in ASSIST_FILES


def check_before_reading(gen: Path, wanted) -> None:
    """With checksums on (:func:`verify_checksums`), raise :class:`IndexDamaged` when a
    file of the generation's manifest for which ``wanted(name)`` is true is missing, of
    another size or of other bytes than were written: what a process calls before it
    first reads files :func:`read_on_demand` left unchecked at open."""
    if not verify_checksums():
        return
    manifest = read_manifest(gen)
    if manifest is None:
        return
    names = tuple(name for name in manifest["files"] if wanted(name))
    if names:
        check_file_sizes(gen, checksums=True, only=names)


def record_is_sound(gen: Path, name: str) -> bool:
    """Whether a record file of the generation (``build.json`` …) is as it was written,
    by the manifest's size and checksum; an index older than manifests has nothing to
    check it against, so its record counts when it parses."""
    try:
        manifest = read_manifest(gen)
        if manifest is not None and name not in manifest["files"]:
            return False
        check_file_sizes(gen, checksums=True, only=(name,))
    except IndexDamaged:
        return False
    return True


def verify_generation(gen: Path) -> None:
    """Raise :class:`IndexDamaged` naming the first missing, truncated, damaged (by its
    checksum) or unreadable file."""
    for name in (BUILD_INFO, DOCUMENTS):
        try:
            read_json(gen / name)
        except FileNotFoundError:
            raise IndexDamaged(f"{gen / name} is missing") from None
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"{gen / name} cannot be read: {exc}") from None
    for name in check_file_sizes(gen, checksums=True):
        path = gen / name
        if name.endswith(".json"):
            try:
                read_json(path)
            except (OSError, ValueError) as exc:
                raise IndexDamaged(f"{path} cannot be read: {exc}") from None


def check_index(index_dir: Path) -> tuple[Path, int, int]:
    """Read every file of the live generation through and check it against the manifest
    (size and CRC-32; JSON records parse), trusting no record of an earlier check: what
    ``govsearch index check`` runs. Raise :class:`IndexDamaged` naming the first damaged
    file (and drop the record of verified files, so that the next update reads every
    file and repairs it); return the generation, its number of files and bytes."""
    gen = current_generation(index_dir)
    try:
        verify_generation(gen)
    except IndexDamaged as exc:
        forget_verified(gen)
        raise IndexDamaged(exc.message, fix="repair") from None
    manifest = read_manifest(gen) or {"files": {}}
    return gen, len(manifest["files"]), sum(manifest["files"].values())


def check_unchanged_since_manifest(gen: Path, checksums: bool | None = None) -> None:
    """:func:`verify_generation` for an update, by the manifest's sizes and checksums.
    ``checksums`` (default: :func:`verify_checksums`, the setting that opening a
    generation follows) reads every file through for its checksum, so that an update
    repairs whatever a search or the server would find damaged, a change whose time was
    set back (bit rot, ``touch -d``) included. Without it, the files' times stand in: a
    generation's files are written once, before its manifest, so only a file whose time
    is not earlier than the manifest's (written in place since, or in the same clock
    tick) is read through. A file this process already read through for an update and
    whose stat key (inode, size, times) is unchanged since is not read again. Raise
    :class:`IndexDamaged` naming the first file that is missing, truncated or damaged."""
    if checksums is None:
        checksums = verify_checksums()
    manifest = read_manifest(gen)
    if manifest is None:
        verify_generation(gen)
        return
    written = (gen / MANIFEST).stat().st_mtime_ns
    crcs = manifest["crc32"]
    for name, size in manifest["files"].items():
        path = gen / name
        try:
            st = path.stat()
        except FileNotFoundError:
            raise IndexDamaged(f"{path} is missing") from None
        if st.st_size != size:
            raise IndexDamaged(f"{path} has {st.st_size} bytes, {size} were written (truncated or replaced)")
        if (checksums or st.st_mtime_ns >= written) and crcs.get(name) is not None:
            try:
                actual = _checked_crc32(path, st)
            except OSError as exc:
                raise IndexDamaged(f"{path} cannot be read: {exc.strerror or exc}") from None
            if actual != crcs[name]:
                forget_verified(gen)
                raise IndexDamaged(f"{path} is damaged: its checksum differs from the one written "
                                   "(same size, other bytes)")
    for name in (BUILD_INFO, DOCUMENTS):
        if name not in manifest["files"]:
            raise IndexDamaged(f"{gen / name} is missing")


def map_exactly(path: Path, size: int):
    """``path`` mapped read-only, ``size`` bytes (b"" when 0); ValueError when the opened
    file is not that size (checked on the descriptor that is mapped: a file truncated
    or swapped since its size was checked is never mapped, whose reads past its end
    would kill the process with SIGBUS)."""
    import mmap

    if not size:
        return b""
    with open(path, "rb") as f:
        got = os.fstat(f.fileno()).st_size
        if got != size:
            raise ValueError(f"{Path(path).name} has {got} bytes, {size} expected")
        return mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ)


def watch(path: Path) -> tuple[Path, int, int, int]:
    """What :func:`check_watched` compares: a mapped file's inode, size and mtime now."""
    st = os.stat(path)
    return path, st.st_ino, st.st_size, st.st_mtime_ns


def check_watched(watched: tuple[Path, int, int, int]) -> None:
    """Raise :class:`IndexDamaged` when a mapped file has shrunk (reading it would crash
    the process with SIGBUS) or was written in place (its mapped bytes are no longer
    those the manifest vouched for) since :func:`watch`. The files of a generation are
    written once and never modified, so any change of size or mtime is damage; a file
    removed or replaced by another (another inode) is harmless: the mapping keeps the
    old one."""
    path, inode, size, mtime = watched
    try:
        st = os.stat(path)
    except OSError:
        return
    if st.st_ino != inode:
        return
    if st.st_size < size:
        raise IndexDamaged(f"the index file {path} has changed under the server: {st.st_size} bytes, {size} expected", fix="repair")
    if st.st_size != size or st.st_mtime_ns != mtime:
        raise IndexDamaged(f"the index file {path} was written to under the server (its bytes may differ from "
                           "those checked when it was opened)", fix="repair")


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


def remove_old_generations(index_dir: Path, keep: int = 2, previous: str | None = None) -> list[str]:
    """Remove leftovers of killed builds (generations without a manifest) and complete
    generations beyond the live one and the ``keep - 1`` most recently finished others.
    ``previous`` (the generation that was live before this build switched) is always
    kept: searchers may still have it open. Call it holding the build lock. Returns
    the names removed."""
    try:
        live = current_generation(index_dir).name
    except IndexMissing:
        live = None
    complete, leftovers = [], []
    for gen in index_dir.glob("gen-*"):
        if not gen.is_dir() or gen.name == live:
            continue
        (complete if is_complete(gen) else leftovers).append(gen)

    def finished(gen: Path) -> float:
        for name in (MANIFEST, BUILD_INFO):
            try:
                return (gen / name).stat().st_mtime
            except OSError:
                continue
        return 0.0

    complete.sort(key=finished, reverse=True)
    kept = {g.name for g in complete[: max(keep - 1, 0)]}
    if previous:
        kept.add(previous)
    removed = []
    for gen in leftovers + [g for g in complete if g.name not in kept]:
        shutil.rmtree(gen, ignore_errors=True)
        removed.append(gen.name)
    return removed


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
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=1))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# the file object of the build lock held by this process (closed in forked workers,
# so that a worker outliving its parent can never keep the index locked)
_HELD: list = []


def close_inherited_lock() -> None:
    """In a forked child: close the parent's lock file (the parent keeps the lock)."""
    for f in _HELD:
        try:
            os.close(f.fileno())
        except OSError:
            pass
    _HELD.clear()


@contextmanager
def build_lock(index_dir: Path):
    """One build or update at a time per index folder: ``flock`` on ``build.lock``,
    which the kernel releases when the holder dies (however it dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    f = open(index_dir / LOCK, "a+")
    try:
        try:
            import fcntl

            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BuildLocked(f"{index_dir} 上已有另一次建立或更新在运行 (another build or update is running on {index_dir})") from None
        except ImportError:  # Windows: msvcrt
            import msvcrt

            try:
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            except OSError:
                raise BuildLocked(f"{index_dir} 上已有另一次建立或更新在运行 (another build or update is running on {index_dir})") from None
        _HELD.append(f)
        yield
    finally:
        if f in _HELD:
            _HELD.remove(f)
        f.close()


LAST_BUILD = "last-build.json"


def record_last_build(index_dir: Path, result: str, mode: str, generation: str | None = None,
                      message: str = "") -> None:
    """Say how the last build or update ended (for /metrics); never fails the build."""
    try:
        write_json(Path(index_dir) / LAST_BUILD, {
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "result": result, "mode": mode,
            "generation": generation, "message": message})
    except OSError:
        pass


def last_build(index_dir) -> dict | None:
    try:
        data = read_json(Path(index_dir) / LAST_BUILD)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
