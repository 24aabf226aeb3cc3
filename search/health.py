"""Whether a search would succeed right now: what ``/healthz`` answers.

The check goes the way a search goes, so that it says "unavailable" whenever a search
would fail or answer wrongly:

1. open the live generation (the one ``CURRENT`` names) as the searcher does, and
   report a generation that failed to open while an older one still answers;
2. check every file of the generation against its manifest (present, the size that
   was written) and that none was modified after the generation was finished (its
   modification time is later than the manifest's, which the build writes last):
   a generation's files are written once, so a change means damage, even one that
   keeps the size; the JSON records are parsed again when their file changed;
3. check the files the searcher has mapped have not shrunk under it;
4. run tiny real searches: a phrase taken from the first and the last live passage
   must find that passage in the bigram index and the texts (read afresh, not from
   the searcher's cache of term rows), and a search for it must have hits, made
   through the same query parser, ranking, rows and snippets as any search.

Steps 2–3 cost one ``stat`` per file; their verdict is kept until a file's inode,
size, modification or status-change time changes (reading and parsing happen only
then). Step 4 costs a couple of small searches (see docs/RELIABILITY.md for the
measured time).

A same-size change whose modification time was set back (``touch -d``, bit rot) is
what only a checksum tells, so (with ``GOVSEARCH_CHECKSUMS`` on, the default):

5. a file whose status-change time (``ctime``, which no one can set back) moved while
   this check watched it is read through for its checksum at once;
6. each poll reads the next :data:`CHECKSUM_BYTES_PER_POLL` bytes of the generation's
   files, in turn, and compares each file's checksum with its manifest's when its end
   is reached: damage that leaves no trace in the files' times is found within
   (generation size / that budget) polls. A file found damaged stays reported until
   it changes again.
"""

from __future__ import annotations

import json
import os
import re
import threading
import zlib
from pathlib import Path

from index.errors import GovsearchError, IndexDamaged
from index.generation import store
from search import hit_parts

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
PROBE_CHARS = 4  # long enough to be rare, short enough to sit inside any passage's run of characters
# bytes of the generation read per poll for the checksum sweep: about 3 ms of CRC-32 here,
# a whole 370 MiB index once in about 90 polls
CHECKSUM_BYTES_PER_POLL = 4 << 20


def _repair_of(exc: GovsearchError) -> dict:
    """What repairs a failure that ``exc`` caused: its own fix or hint, else update/build."""
    if exc.fix or not exc.hint:
        return {"fix": exc.fix or "repair"}
    return {"hint": exc.hint}


class HealthCheck:
    """One per searcher; safe to share between threads."""

    def __init__(self, searcher):
        self.searcher = searcher
        self._lock = threading.Lock()
        self._files_ok: tuple | None = None  # signature of the generation's files last found sound
        self._probes: tuple[str, list[tuple[str, int, str]]] | None = None  # (generation, [(phrase, row, doc_id)])
        self._seen: tuple[str, dict[str, tuple]] = ("", {})  # generation, name → (inode, ctime) last looked at
        self._sweep: list | None = None  # [generation, manifest, file number, offset, crc so far]
        self._sweep_bad: tuple | None = None  # (signature, error) of a file the sweep found damaged

    def check(self) -> dict:
        """The live index's figures; raises :class:`GovsearchError` saying why a search
        would fail (status 503 for anything about the index)."""
        searcher = self.searcher
        stats = searcher.stats()
        problem = searcher.problem()  # the live generation is damaged; an older one still answers
        if problem is not None:
            raise problem
        table = searcher._current()
        gen = table.path
        self._check_files(gen)
        if store.verify_checksums():
            self._sweep_checksums(gen)
        table.verify()
        self._probe(table)
        return stats

    # ------------------------------------------------------------------ files
    def _check_files(self, gen: Path) -> None:
        signature = _signature(gen)
        if signature == self._files_ok:
            return
        manifest = gen / store.MANIFEST
        names = store.check_file_sizes(gen)  # missing or resized: IndexDamaged naming the file
        if names:
            finished = manifest.stat().st_mtime_ns
            for name in names:
                path = gen / name
                if path.stat().st_mtime_ns > finished:
                    raise IndexDamaged(f"the index file {path} has changed under the server "
                                       "(modified after its generation was written)", fix="repair")
            for name in names:
                if name.endswith(".json"):
                    _parse_json(gen / name)
            self._check_status_changes(gen, signature, names)
        else:  # an index older than manifests: its records at least
            for name in (store.BUILD_INFO, store.DOCUMENTS):
                _parse_json(gen / name)
        with self._lock:
            self._files_ok = signature

    def _check_status_changes(self, gen: Path, signature: tuple, names: list[str]) -> None:
        """Read through for its checksum each file whose ctime moved since the last look
        (a write whose modification time was set back still moves it)."""
        now = {name: (ino, ctime) for name, ino, _, _, ctime in signature[1]}
        seen, self._seen = self._seen, (str(gen), now)
        if seen[0] != str(gen) or not store.verify_checksums():
            return
        before = seen[1]
        # the same inode (a file replaced by another is harmless: the mapping keeps the old one)
        changed = tuple(n for n in names if n in now and n in before and now[n] != before[n] and now[n][0] == before[n][0])
        if changed:
            try:
                store.check_file_sizes(gen, checksums=True, only=changed)
            except IndexDamaged as exc:
                self._seen = seen  # still unlike what was sound: looked at again next time
                raise IndexDamaged(exc.message, fix="repair") from None

    def _sweep_checksums(self, gen: Path) -> None:
        """Step 6: the next :data:`CHECKSUM_BYTES_PER_POLL` bytes of the generation."""
        with self._lock:
            bad = self._sweep_bad
            if bad is not None:
                if bad[0] == _signature(gen):
                    raise bad[1]
                self._sweep_bad = None
            state = self._sweep
            if state is None or state[0] != str(gen):
                manifest = store.read_manifest(gen)
                if manifest is None:
                    return
                files = [(n, size, manifest["crc32"][n]) for n, size in sorted(manifest["files"].items())
                         if manifest["crc32"].get(n) is not None]
                state = self._sweep = [str(gen), files, 0, 0, 0]
            _, files, i, offset, crc = state
            if not files:
                return
            budget, start = CHECKSUM_BYTES_PER_POLL, i
            while budget > 0:
                name, size, expected = files[i]
                try:
                    with open(gen / name, "rb") as f:
                        f.seek(offset)
                        block = f.read(min(budget, max(size - offset, 0)))
                except OSError:
                    block = b""  # missing or unreadable: the size checks say so
                crc = zlib.crc32(block, crc)
                offset += len(block)
                budget -= len(block)
                if offset >= size or not block:
                    if offset >= size and crc != expected:
                        exc = IndexDamaged(f"the index file {gen / name} is damaged: its checksum differs from the "
                                           "one written (same size, other bytes)", fix="repair")
                        self._sweep_bad = (_signature(gen), exc)
                        store.forget_verified(gen)  # the next update reads everything and repairs it
                        state[2:] = [(i + 1) % len(files), 0, 0]
                        raise exc
                    i, offset, crc = (i + 1) % len(files), 0, 0
                    if i == start:
                        break  # once round the generation at most per poll
            state[2:] = [i, offset, crc]

    # ------------------------------------------------------------------ probes
    def _probe(self, table) -> None:
        probes = self._probes
        if probes is None or probes[0] != table.path.name:
            probes = self._probes = (table.path.name, _probe_phrases(table))
        for phrase, row, doc_id in probes[1]:
            try:
                # the bigram index and the texts themselves, past the searcher's cache of
                # term rows: the passage the phrase was taken from must be found
                found = _rows_containing(table, phrase)
                results = self.searcher.search(f'"{phrase}"', page_size=20, group="none")
                hits = results.hits
                # the rows, texts, offsets and snippet a user's hit is made of, read afresh:
                # the searcher keeps a shown hit's parts (search/hit_parts.py)
                hit_parts.make(table, row, [phrase])
            except GovsearchError as exc:
                raise IndexDamaged(f"a test search for {phrase!r} failed: {exc.message}",
                                   **_repair_of(exc)) from None
            except Exception as exc:  # what would be a 500 for a user
                raise IndexDamaged(f"a test search for {phrase!r} failed: {type(exc).__name__}: {exc}", fix="repair") from None
            if row not in found or results.total < 1 or not hits:
                raise IndexDamaged(f"a test search for {phrase!r}, taken from report {doc_id}, found nothing "
                                   "(or not that passage): the index answers wrongly", fix="repair")


def _rows_containing(table, phrase: str) -> set[int]:
    rows = table.grams.candidates(phrase).astype("int64")
    rows = rows[table.live[rows]]
    return set(rows[table.contains(rows, phrase)].tolist())


def _probe_phrases(table) -> list[tuple[str, int, str]]:
    """A phrase of :data:`PROBE_CHARS` Chinese characters from the first and the last
    live passage that have one, with the report holding it."""
    import numpy as np

    live = np.flatnonzero(table.live)
    out: list[tuple[str, str]] = []
    for candidates in (live[:50], live[::-1][:50]):
        for r in candidates.tolist():
            run = next((m.group() for m in _CJK_RUN.finditer(table.norm(int(r))) if len(m.group()) >= PROBE_CHARS), None)
            if run:
                row = table.row(int(r))
                out.append((run[:PROBE_CHARS], int(r), row.doc_id))
                break
    return list(dict.fromkeys(out))


def _signature(gen: Path) -> tuple:
    """(name, inode, size, mtime, ctime) of every file of the generation, the manifest included."""
    out = []
    try:
        with os.scandir(gen) as entries:
            for e in entries:
                if e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    out.append((e.name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    except OSError as exc:
        raise IndexDamaged(f"the index generation {gen} cannot be listed: {exc.strerror or exc}", fix="repair") from None
    return (str(gen), tuple(sorted(out)))


def _parse_json(path: Path) -> None:
    try:
        json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise IndexDamaged(f"the index file {path} is missing", fix="repair") from None
    except (OSError, ValueError) as exc:
        raise IndexDamaged(f"the index file {path} cannot be read: {exc}", fix="repair") from None
