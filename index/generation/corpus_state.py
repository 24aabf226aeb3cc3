"""What a generation was built from, so that an update can tell "nothing changed"
without reading the corpus, and can find the corpus's boilerplate without re-reading it.

Two files go into each generation:

* ``corpus-state.json``: every file of the corpus the build looked at, with its size,
  modification time (ns) and the SHA-1 of its bytes, what became of it (indexed or
  skipped with a reason), the same for the sidecar tables, and a stamp of the settings
  the build ran with (formats, dictionary and lexicon files, limits, OCR options). An
  update whose walk finds the same files with the same size and time — or, for a file
  whose time changed, the same bytes — and the same stamp has nothing to do: it decides
  so from one ``stat`` per file (:func:`unchanged`).
* ``lines.npy``: for each plain-text file, the 64-bit hash of each of its lines, in order
  (0 for a line too short to count), what :func:`index.reading.structure.boilerplate_lines`
  looks at. An update hashes only the files it re-reads and takes the others' from here
  (:func:`boilerplate`), so it finds the same boilerplate a full build of the corpus would,
  reading only the changed files.

Neither is derived from the Whoosh record (they describe the corpus, not the index);
an index without them is updated as before (every file fingerprinted by its bytes).
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

# numpy and the structure parser are imported by the functions that hash lines and
# write or read lines.npy: an update that finds nothing changed reads only the JSON record.

STATE = "corpus-state.json"
LINES = "lines.npy"
VERSION = 1


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def stat_of(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") or 1


def line_hashes(text: str, keys: dict[int, str] | None = None) -> array:
    """The hash of each line of ``text`` as boilerplate detection compares lines (blank
    lines left out, lines under two characters as 0: they never count); ``keys`` collects
    hash → line. An array of 8 bytes a line: a build holds those of every plain-text file
    until its end (a list took 44 bytes a line, 160 MB for a corpus of 1 GB)."""
    from index.reading.structure import line_key

    out = array("Q")
    for raw in text.split("\n"):
        key = line_key(raw)
        if not key:
            continue
        if len(key) < 2:
            out.append(0)
            continue
        h = _hash(key)
        out.append(h)
        if keys is not None:
            keys[h] = key
    return out


def boilerplate_hashes(docs: Iterable[Sequence[int]], min_files: int = 5, min_share: float = 0.1) -> set[int]:
    """:func:`index.reading.structure.boilerplate_lines` over line hashes (the same rule,
    tested against it): the hashes of the boilerplate lines (0, a line too short to
    count, never is one)."""
    from index.reading.structure import repeated_in_blocks

    return repeated_in_blocks(list(docs), bool, min_files, min_share)


def boilerplate(texts, kept: dict[str, Sequence[int]],
                text_of: Callable[[str], str | None] | None = None) -> tuple[frozenset[str], dict[str, array]]:
    """The boilerplate lines of a corpus whose plain-text files are ``texts`` (read now:
    a mapping relpath → text, or ``(relpath, text)`` pairs, which may be read one at a
    time) and ``kept`` (relpath → line hashes from the previous generation), and the
    line hashes of every file. The lines returned are those of ``texts`` (the only files
    parsed with them). Only the hashes are kept while the texts go by; the few lines
    found to be boilerplate are then taken from the first files read that hold them,
    through ``text_of`` (relpath → its text again; default: the mapping), so that no
    more than one file's text is held at a time."""
    if isinstance(texts, Mapping):
        text_of = text_of or texts.get
        texts = texts.items()
    hashes = dict(kept)
    read: list[str] = []
    for rel, text in texts:
        hashes[rel] = line_hashes(text)
        read.append(rel)
    found = boilerplate_hashes(hashes[rel] for rel in sorted(hashes))
    keys: dict[int, str] = {}
    wanted = set(found)
    for rel in read:
        if not wanted:
            break
        if wanted.isdisjoint(hashes[rel]):
            continue
        text = text_of(rel) if text_of is not None else None
        if text is None:
            continue
        lines: dict[int, str] = {}
        if line_hashes(text, lines) != hashes[rel]:  # changed since: its lines are not those counted
            continue
        for h in wanted.intersection(lines):
            keys[h] = lines[h]
        wanted -= keys.keys()
    return frozenset(keys.values()), hashes


# --------------------------------------------------------------------------- records


def write(gen: Path, files: dict[str, dict], sidecars: dict[str, tuple[int, int] | None], stamp: str,
          lines: dict[str, Sequence[int]], skipped: list[tuple[str, str]], notes: list[str], complete: bool) -> None:
    """``files``: relpath → {"stat": [size, mtime_ns], "sha1": …, "fingerprint": …,
    "overrides": …, "skipped": reason or absent}; ``lines``: relpath → line hashes of the
    plain-text files; ``skipped``, ``notes``: what the build said about files and sidecar
    tables, said again by an update that finds nothing changed; ``complete``: every file
    was indexed or skipped for a lasting reason (none failed), so that such an update may
    be decided from this record."""
    import numpy as np

    order = sorted(lines)
    offsets, at = {}, 0
    for rel in order:
        offsets[rel] = [at, at + len(lines[rel])]
        at += len(lines[rel])
    flat = np.fromiter((h for rel in order for h in lines[rel]), dtype=np.uint64, count=at)
    tmp = gen / (LINES + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, flat, allow_pickle=False)
    os.replace(tmp, gen / LINES)
    for rel, entry in files.items():
        if rel in offsets:
            entry["lines"] = offsets[rel]
    data = {"version": VERSION, "stamp": stamp, "complete": complete, "files": files,
            "sidecars": {rel: list(st) if st else None for rel, st in sidecars.items()},
            "skipped": [list(x) for x in skipped], "notes": list(notes)}
    tmp = gen / (STATE + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(tmp, gen / STATE)


def read(gen: Path) -> dict | None:
    """The corpus state of a generation, None when it has none or it cannot be read."""
    try:
        data = json.loads((gen / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    return data


def read_lines(gen: Path, state: dict) -> dict[str, array]:
    """relpath → line hashes of the plain-text files recorded in ``state``."""
    import numpy as np

    try:
        flat = np.load(gen / LINES, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return {}
    out = {}
    for rel, entry in state["files"].items():
        span = entry.get("lines")
        if span is not None and 0 <= span[0] <= span[1] <= len(flat):
            out[rel] = array("Q", np.ascontiguousarray(flat[span[0]:span[1]], dtype=np.uint64).tobytes())
    return out


def changed_files(state: dict, sources, sidecars, written: int) -> list[str] | None:
    """The relpaths of ``sources`` whose bytes may differ from those recorded: their size
    or time changed, or their time is not earlier than ``written`` (the generation's
    manifest, in ns: a file written in the same clock tick as it was read could have
    changed unseen); None when the set of files or a sidecar table differs (then the
    update goes the long way)."""
    recorded = state["files"]
    if len(recorded) != len(sources) or {s.relpath for s in sources} != recorded.keys():
        return None
    tables = state.get("sidecars") or {}
    if {s.relpath for s in sidecars} != tables.keys():
        return None
    for table in sidecars:
        st = stat_of(table.path)
        if st is None or list(st) != tables[table.relpath] or st[1] >= written:
            return None
    out = []
    for source in sources:
        st = stat_of(source.path)
        if st is None or list(st) != recorded[source.relpath]["stat"] or st[1] >= written:
            out.append(source.relpath)
    return out
