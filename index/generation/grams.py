"""The character-bigram index: which passages contain which bigram, as NumPy arrays.

Every string of two or more characters that a passage contains has all its bigrams
in that passage, so intersecting the passage lists of a query's bigrams gives a
superset of the passages containing the query; the search side then verifies each
candidate against its normalized text. Nothing is lost, whatever jieba does.

A bigram ``ab`` is the key ``ord(a) << 21 | ord(b)``; the last character ``z`` of a
passage is also recorded as ``ord(z) << 21`` so that every occurrence of every
character is the first half of some key: the passages containing one character ``c``
are those under the key range ``[c << 21, (c + 1) << 21)``.

On disk a *segment* is three arrays (sorted unique keys, offsets, passage rows),
written by one build or update; an update adds a segment for the passages it adds
(rows are never reused, so a removed passage simply stops being live). Segment files
are never rewritten, so generations can share them by hard link.
"""

from __future__ import annotations

import json
import mmap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.generation import rowsets, store

SHIFT = 21  # Unicode code points fit in 21 bits
MANIFEST = "grams.json"
MAX_SEGMENTS = 8
CHUNK_CHARS = 4_000_000  # characters per segment written by a build: bounds its memory


def search(values: np.ndarray, x: int, side: str = "left") -> int:
    """``np.searchsorted(values, x, side)`` for an integer ``x``, searched as a value of
    ``values``'s type: given a Python int NumPy converts the whole array to int64 first,
    a copy of it a search (of a mapped file: every page read into the process)."""
    info = np.iinfo(values.dtype)
    if x > info.max or x < info.min:
        return len(values) if x > info.max else 0
    return int(np.searchsorted(values, values.dtype.type(x), side=side))


@dataclass
class Segment:
    """Postings as plain arrays (what a build makes and a merge works on; also how an
    index written before gap coding keeps them on disk)."""
    keys: np.ndarray  # uint64, sorted, unique
    offsets: np.ndarray  # uint32, len(keys) + 1
    rows: np.ndarray  # uint32, ascending within each key

    def lookup(self, key: int) -> np.ndarray:
        i = search(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return self.rows[self.offsets[i] : self.offsets[i + 1]]
        return self.rows[:0]

    def lookup_range(self, lo: int, hi: int) -> np.ndarray:
        i, j = search(self.keys, lo), search(self.keys, hi)
        return rowsets.unique(self.rows[self.offsets[i] : self.offsets[j]])

    def count(self, key: int) -> int:
        i = search(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return int(self.offsets[i + 1] - self.offsets[i])
        return 0

    def raw(self) -> "Segment":
        return self

    @staticmethod
    def empty() -> "Segment":
        return Segment(np.zeros(0, np.uint64), np.zeros(1, np.uint32), np.zeros(0, np.uint32))


def segment_of_postings(keys: np.ndarray, rows: np.ndarray) -> Segment:
    """A segment of ``(key, row)`` postings in any order (each pair once)."""
    if not len(keys):
        return Segment.empty()
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    unique_keys, starts = rowsets.run_starts(keys)
    return Segment(unique_keys.astype(np.uint64), np.append(starts, len(keys)).astype(np.uint32),
                   rows.astype(np.uint32))


# Gap coding: a posting list is stored as the differences between its rows (the first
# row + 1 for the first), one uint16 each; a difference above GAP_MAX is written as
# three values: 0 (which no difference is), then ``d // GAP_MAX`` and ``d % GAP_MAX + 1``
# (neither is 0, so a 0 always starts an escape). Halves the postings of a large index.
GAP_MAX = 65535


PACK_CHUNK = 2_000_000  # postings gap-coded at a time: bounds the memory of a build's final merge


def pack(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(packed offsets, uint16 gaps) of posting lists given as row offsets and rows."""
    offsets = np.asarray(offsets, dtype=np.int64)
    if not len(rows):
        return np.zeros(len(offsets), dtype=np.uint32), np.zeros(0, dtype=np.uint16)
    packed_offsets = np.zeros(len(offsets), dtype=np.uint32)
    pieces, done, k = [], 0, 0  # done: gaps written so far; k: lists packed so far
    while k < len(offsets) - 1:
        # whole lists, about PACK_CHUNK postings (at least one list)
        stop = max(k + 1, int(np.searchsorted(offsets, offsets[k] + PACK_CHUNK, side="right")) - 1)
        stop = min(stop, len(offsets) - 1)
        local = offsets[k : stop + 1] - offsets[k]
        chunk_offsets, gaps = _pack_lists(local, np.asarray(rows[offsets[k] : offsets[stop]]))
        packed_offsets[k : stop + 1] = chunk_offsets.astype(np.int64) + done
        pieces.append(gaps)
        done += len(gaps)
        k = stop
    return packed_offsets, np.concatenate(pieces)


def _pack_lists(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = rows.astype(np.int64)
    if not len(rows):
        return np.zeros(len(offsets), dtype=np.int64), np.zeros(0, dtype=np.uint16)
    if int(rows.max()) >= GAP_MAX * GAP_MAX - 1:
        raise ValueError("rows too large for gap coding")
    gaps = np.empty(len(rows), dtype=np.int64)
    gaps[0] = rows[0] + 1
    np.subtract(rows[1:], rows[:-1], out=gaps[1:])
    starts = offsets[:-1][np.diff(offsets) > 0]
    gaps[starts] = rows[starts] + 1  # each list starts afresh, from -1
    del rows
    wide = gaps > GAP_MAX
    if not wide.any():
        return offsets, gaps.astype(np.uint16)
    sizes = np.where(wide, 3, 1)
    ends = np.cumsum(sizes)
    at = ends - sizes
    out = np.zeros(int(ends[-1]), dtype=np.uint16)
    out[at[~wide]] = gaps[~wide]
    w, big = at[wide], gaps[wide]
    out[w + 1] = big // GAP_MAX
    out[w + 2] = big % GAP_MAX + 1
    return np.concatenate([[0], ends])[offsets], out


def _unpack(values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, kept) of a stretch of gaps whose lists start at ``starts`` (positions in
    ``values``, the first one 0): the rows in order, and per value whether it is a
    gap (not the second or third value of an escape)."""
    v = values.astype(np.int64)
    kept = None
    escapes = np.flatnonzero(v == 0)
    if len(escapes):
        v[escapes] = v[escapes + 1] * GAP_MAX + v[escapes + 2] - 1
        kept = np.ones(len(v), dtype=bool)
        kept[escapes + 1] = False
        kept[escapes + 2] = False
        v[~kept] = 0
    total = np.cumsum(v)
    if len(starts) > 1:  # subtract what the lists before each one summed to
        before = np.concatenate([[0], total[starts[1:] - 1]])
        total -= np.repeat(before, np.diff(np.append(starts, len(v))))
    rows = total - 1
    return (rows if kept is None else rows[kept]).astype(np.uint32), kept


def _values(values, a: int, b: int) -> np.ndarray:
    """``values[a:b]``: sliced from an array, or read from the file of a
    keyindex.FileArray (the query side reads a key's gaps, it does not map them)."""
    read = getattr(values, "read", None)
    return read(a, b) if read is not None else values[a:b]


@dataclass
class PackedSegment:
    """Postings gap-coded (see :func:`pack`), decoded per lookup."""
    keys: np.ndarray  # uint64, sorted, unique
    offsets: np.ndarray  # uint32, len(keys) + 1, into gaps
    gaps: np.ndarray  # uint16

    def _find(self, key: int) -> int:
        i = search(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else -1

    def lookup(self, key: int) -> np.ndarray:
        i = self._find(key)
        if i < 0:
            return np.zeros(0, dtype=np.uint32)
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return _unpack(_values(self.gaps, a, b), np.zeros(1, dtype=np.int64))[0]

    def lookup_range(self, lo: int, hi: int) -> np.ndarray:
        i, j = search(self.keys, lo), search(self.keys, hi)
        if i >= j:
            return np.zeros(0, dtype=np.uint32)
        starts = np.asarray(self.offsets[i:j], dtype=np.int64)
        a, b = int(starts[0]), int(self.offsets[j])
        return rowsets.unique(_unpack(_values(self.gaps, a, b), starts - a)[0])

    def count(self, key: int) -> int:
        """About how many rows the key has (exact unless its list has long gaps): for
        ordering keys by how selective they are."""
        i = self._find(key)
        return int(self.offsets[i + 1] - self.offsets[i]) if i >= 0 else 0

    def raw(self) -> Segment:
        """The whole segment decoded (for a merge)."""
        offsets = np.asarray(self.offsets, dtype=np.int64)
        rows, kept = _unpack(np.asarray(self.gaps), offsets[:-1][np.diff(offsets) > 0])
        if kept is not None:
            offsets = np.concatenate([[0], np.cumsum(kept)])[offsets]
        return Segment(np.asarray(self.keys), offsets.astype(np.uint32), rows)


def build_segment(norm_texts: list[str], rows: list[int] | np.ndarray) -> Segment:
    """Bigram segment of the given normalized passage texts with their row numbers."""
    rows = np.asarray(rows, dtype=np.uint32)
    if not len(norm_texts):
        return Segment.empty()
    # one array of code points, each passage followed by a 0 separator
    joined = "\x00".join(norm_texts) + "\x00"
    lengths = np.fromiter((len(t) + 1 for t in norm_texts), dtype=np.int64, count=len(norm_texts))
    first_row = int(rows.min())
    if int(rows.max()) - first_row < 1 << LOCAL_ROW_BITS:
        return _segment_by_one_sort(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32), lengths,
                                    rows - np.uint32(first_row), first_row)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.repeat(rows, lengths)
    first, second = codes[:-1], codes[1:]
    keep = first != 0  # pairs starting at a separator are not in any passage
    keys = (first[keep] << np.uint64(SHIFT)) | second[keep]  # "z\0" becomes the last-char key
    owners = row_of[:-1][keep]
    order = np.argsort(keys, kind="stable")  # rows stay ascending within a key
    keys, owners = keys[order], owners[order]
    if len(keys):
        distinct = np.ones(len(keys), dtype=bool)
        distinct[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
        keys, owners = keys[distinct], owners[distinct]
    unique_keys, starts = rowsets.run_starts(keys)
    offsets = np.append(starts, len(keys)).astype(np.uint32)
    return Segment(unique_keys.astype(np.uint64), offsets, owners.astype(np.uint32))


LOCAL_ROW_BITS = 22  # 64 bits = a key's 42 (two code points) + a row's offset in its chunk


def _segment_by_one_sort(codes: np.ndarray, lengths: np.ndarray, local_rows: np.ndarray, first_row: int) -> Segment:
    """:func:`build_segment` for rows spanning fewer than ``2 ** LOCAL_ROW_BITS``: each
    posting packed as ``key << LOCAL_ROW_BITS | row - first_row`` into one 64-bit value
    and those sorted in place, so that a chunk costs one array of 8 bytes a character
    where sorting keys and rows apart cost several (keys, rows, the sort's order, both
    reordered): the same postings, key by key, rows ascending."""
    row_of = np.repeat(local_rows.astype(np.uint32), lengths)
    keep = codes[:-1] != 0  # pairs starting at a separator are not in any passage
    packed = codes[:-1][keep].astype(np.uint64)
    packed <<= np.uint64(SHIFT)
    packed |= codes[1:][keep]  # "z\0" becomes the last-char key
    packed <<= np.uint64(LOCAL_ROW_BITS)
    packed |= row_of[:-1][keep]
    del row_of, keep
    packed.sort()
    if len(packed):
        distinct = np.empty(len(packed), dtype=bool)
        distinct[0] = True
        np.not_equal(packed[1:], packed[:-1], out=distinct[1:])
        packed = packed[distinct]
        del distinct
    owners = (packed & np.uint64((1 << LOCAL_ROW_BITS) - 1)).astype(np.uint32)
    owners += np.uint32(first_row)
    packed >>= np.uint64(LOCAL_ROW_BITS)
    unique_keys, starts = rowsets.run_starts(packed)
    return Segment(unique_keys.astype(np.uint64), np.append(starts, len(packed)).astype(np.uint32), owners)


def merge_segments(segments: list[Segment]) -> Segment:
    """One segment holding the postings of several (no texts needed). Segments whose
    rows lie in ranges one after the other (those of one build, or of updates in turn)
    are merged in linear time: each key's rows are its rows in each segment, in
    segment order; others are sorted again."""
    segments = [raw for raw in (s.raw() for s in segments) if len(raw.rows)]
    if not segments:
        return Segment.empty()
    bounds = sorted((int(s.rows.min()), int(s.rows.max()), k) for k, s in enumerate(segments))
    if any(a[1] >= b[0] for a, b in zip(bounds, bounds[1:])):  # row ranges interleave
        return segment_of_postings(np.concatenate([np.repeat(s.keys, np.diff(s.offsets)) for s in segments]),
                                   np.concatenate([s.rows for s in segments]))
    segments = [segments[k] for _, _, k in bounds]
    keys = rowsets.unique(np.concatenate([np.asarray(s.keys) for s in segments]))
    where = [np.searchsorted(keys, s.keys) for s in segments]
    counts = np.zeros(len(keys), dtype=np.int64)
    for s, pos in zip(segments, where):
        counts[pos] += np.diff(np.asarray(s.offsets, dtype=np.int64))  # a key once per segment
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    rows = np.empty(int(offsets[-1]), dtype=np.uint32)
    filled = offsets[:-1].copy()  # where each key's next rows go
    for s, pos in zip(segments, where):
        seg_offsets = np.asarray(s.offsets, dtype=np.int64)
        lengths = np.diff(seg_offsets)
        shift = filled[pos] - seg_offsets[:-1]  # destination minus source, per key
        rows[np.arange(len(s.rows), dtype=np.int64) + np.repeat(shift, lengths)] = s.rows
        filled[pos] += lengths
    return Segment(keys.astype(np.uint64), offsets.astype(np.uint32), rows)


def write_segment(folder: Path, name: str, segment: Segment) -> None:
    """Write a segment gap-coded: ``name.keys.npy``, ``name.offsets.npy``, ``name.gaps.npy``."""
    offsets, gaps = pack(segment.offsets, segment.rows)
    np.save(folder / f"{name}.keys.npy", np.asarray(segment.keys, dtype=np.uint64), allow_pickle=False)
    np.save(folder / f"{name}.offsets.npy", offsets, allow_pickle=False)
    np.save(folder / f"{name}.gaps.npy", gaps, allow_pickle=False)


def segment_of(keys: np.ndarray, offsets: np.ndarray, data: np.ndarray) -> "Segment | PackedSegment":
    """The segment of its three arrays: gap-coded if ``data`` is uint16, else plain rows."""
    return PackedSegment(keys, offsets, data) if data.dtype == np.uint16 else Segment(keys, offsets, data)


def read_segment(folder: Path, name: str) -> "Segment | PackedSegment":
    parts = [np.load(folder / part, mmap_mode="r", allow_pickle=False) for part in segment_files(name, folder)]
    return segment_of(*parts)


def segment_files(name: str, folder: Path | None = None) -> list[str]:
    """The files of a segment: keys, offsets and gaps (``folder`` is not needed: every
    segment of this generation format is gap-coded)."""
    return [f"{name}.{part}.npy" for part in ("keys", "offsets", "gaps")]


def needle_keys(needle: str) -> list[int]:
    return [(ord(a) << SHIFT) | ord(b) for a, b in zip(needle, needle[1:])]


class GramIndex:
    """The segments of one generation."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments

    @classmethod
    def load(cls, folder: Path) -> "GramIndex":
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return cls([read_segment(folder, name) for name in manifest["segments"]])

    def candidates(self, needle: str) -> np.ndarray:
        """Rows that may contain ``needle`` (normalized): all rows that do are included."""
        if not needle:
            return np.zeros(0, np.uint32)
        if len(needle) == 1:
            lo = ord(needle) << SHIFT
            parts = [s.lookup_range(lo, lo + (1 << SHIFT)) for s in self.segments]
            return _sorted_union(parts)
        keys = sorted(set(needle_keys(needle)), key=self.count)
        found = []
        for segment in self.segments:
            rows = None
            for key in keys:
                posting = segment.lookup(key)
                rows = posting if rows is None else np.intersect1d(rows, posting, assume_unique=True)
                if len(rows) == 0 or len(rows) < 32:
                    break  # few enough to verify directly
            if rows is not None and len(rows):
                found.append(rows)
        return _sorted_union(found)

    def count(self, key: int) -> int:
        return sum(s.count(key) for s in self.segments)


def _sorted_union(parts: list[np.ndarray]) -> np.ndarray:
    """Rows from several segments (each sorted; rows are never in two segments)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros(0, np.uint32)
    if len(parts) == 1:
        return np.asarray(parts[0])
    return np.sort(np.concatenate(parts))


class SegmentsWriter:
    """What every writer of row-numbered segments (the bigrams, the word rows, the repeats)
    keeps: the segments of the manifest it goes on from, the rows written, and at the end
    the merge of the smallest segments and its manifest. A subclass gathers its postings
    and writes each chunk with :meth:`_write` from its ``_flush``."""

    PREFIX = ""  # of the segments' names: <prefix>-<first row>-<next row>, <prefix>-merged-<next row>
    MANIFEST = ""

    def __init__(self, folder: Path, manifest: dict | None = None):
        manifest = manifest or {"segments": [], "next_row": 0}
        self.folder = folder
        self.segments: list[str] = list(manifest["segments"])
        self._full = not self.segments  # a full build: its chunks become one segment at the end
        self.next_row = int(manifest["next_row"])
        self._first = self.next_row  # the first row of the chunk being gathered

    def _flush(self) -> None:
        raise NotImplementedError

    def _write(self, segment: "Segment") -> None:
        name = f"{self.PREFIX}-{self._first}-{self.next_row}"
        write_segment(self.folder, name, segment)
        self.segments.append(name)

    def skip_to(self, row: int) -> None:
        """Rows before ``row`` hold nothing of this writer's (removed by updates, or
        passages without words)."""
        if row > self.next_row:
            self._flush()
            self.next_row = self._first = row

    def finish(self, next_row: int | None = None) -> None:
        """``next_row``: the bigram index's, where this writer's rows end before it."""
        self.skip_to(next_row if next_row is not None else self.next_row)
        self._flush()
        self.segments = merge_smallest(self.folder, self.segments, f"{self.PREFIX}-merged-{self.next_row}",
                                       keep=1 if self._full else MAX_SEGMENTS)
        store.write_json(self.folder / self.MANIFEST, {"segments": self.segments, "next_row": self.next_row})


class GramWriter(SegmentsWriter):
    """Writes the bigram segments of one build or update into a generation folder,
    a segment every :data:`CHUNK_CHARS` characters, then the manifest."""

    PREFIX = "grams"
    MANIFEST = MANIFEST

    def __init__(self, folder: Path, manifest: dict):
        super().__init__(folder, manifest)
        self._norms: list[str] = []
        self._rows: list[int] = []
        self._chars = 0

    def add(self, norms: list[str]) -> int:
        """Add the passages of one report; return the row of the first one."""
        first = self.next_row
        self._norms.extend(norms)
        self._rows.extend(range(first, first + len(norms)))
        self.next_row += len(norms)
        self._chars += sum(map(len, norms))
        if self._chars >= CHUNK_CHARS:
            self._flush()
        return first

    def _flush(self) -> None:
        if self._norms:
            self._write(build_segment(self._norms, self._rows))
        self._norms, self._rows, self._chars = [], [], 0
        self._first = self.next_row


def merge_smallest(folder: Path, segments: list[str], name: str, keep: int = MAX_SEGMENTS) -> list[str]:
    """At most ``keep`` segments: the smallest ones (those of earlier updates, mostly)
    merged into one called ``name``, their files removed (hard links: the previous
    generation keeps its own). A full build keeps one: a query then looks each key up
    once, not once per segment."""
    if len(segments) <= keep:
        return segments
    sizes = {n: int(np.load(folder / segment_files(n, folder)[2], mmap_mode="r").shape[0]) for n in segments}
    smallest = sorted(segments, key=sizes.get)[: len(segments) - keep + 1]
    merge_into(folder, name, [read_segment(folder, n) for n in smallest])
    for old in smallest:
        if old != name:
            for f in segment_files(old, folder):
                (folder / f).unlink(missing_ok=True)
    return [n for n in segments if n not in smallest] + [name]


MERGE_CHUNK = 500_000  # postings (of all segments) merged at a time: bounds a merge's memory


def merge_into(folder: Path, name: str, segments: "list[Segment | PackedSegment]") -> None:
    """Write the merge of ``segments`` as segment ``name``: the files
    ``write_segment(folder, name, merge_segments(segments))`` writes, byte for byte,
    made a range of keys at a time (about :data:`MERGE_CHUNK` postings, or one key's)
    so that a merge holds one range decoded, not every posting of the index. Written
    under temporary names and renamed: a file linked from another generation is never
    written over."""
    parts = {part: folder / f"{name}.{part}.npy" for part in ("keys", "offsets", "gaps")}
    writers = {part: NpyWriter(path.with_name(path.name + ".tmp"), dtype)
               for (part, path), dtype in zip(parts.items(), (np.uint64, np.uint32, np.uint16))}
    try:
        done = 0  # gaps written so far
        for chunk in _merged_ranges(segments):
            offsets, gaps = pack(chunk.offsets, chunk.rows)
            writers["keys"].append(np.asarray(chunk.keys, dtype=np.uint64))
            writers["offsets"].append((offsets[:-1].astype(np.int64) + done).astype(np.uint32))
            writers["gaps"].append(gaps)
            done += len(gaps)
        writers["offsets"].append(np.array([done], dtype=np.int64).astype(np.uint32))
        for writer in writers.values():
            writer.close()
    finally:
        for writer in writers.values():
            writer.discard()
    for part, path in parts.items():
        path.with_name(path.name + ".tmp").replace(path)


MERGE_WINDOW = 4096  # keys of each input a merge reads at a time (with their offsets: 48 KiB); at least 2


def _merged_ranges(segments: "list[Segment | PackedSegment]"):
    """The merged segment as pieces, each the merge of one range of keys (keys in
    order; a key's rows all in one piece). Each input's keys and offsets are read
    :data:`MERGE_WINDOW` at a time from its files (:class:`_Window`), not searched
    through its maps."""
    windows = [_Window(s) for s in segments if len(s.keys)]
    budget = max(1, MERGE_CHUNK // max(1, len(windows)))
    while True:
        live = [w for w in windows if w.at < w.n]
        if not live:
            return
        # the range ends at the first key past some input's share of the budget (each
        # input gives at most its share, or one key when a key alone is more, and at
        # most the keys of its window)
        hi = None
        for w in live:
            w.load()
            i, keys, offsets = w.at - w.lo, w.keys, w.offsets
            j = max(i + 1, search(offsets, int(offsets[i]) + budget, side="right") - 1)
            if w.lo + len(keys) < w.n:
                j = min(j, len(keys) - 1)
            if j < len(keys) and (hi is None or int(keys[j]) < hi):
                hi = int(keys[j])
        pieces = []
        for w in live:
            i = w.at - w.lo
            j = len(w.keys) if hi is None else search(w.keys, hi)
            if j > i:
                pieces.append(w.piece(i, j))
                w.at = w.lo + j
        yield merge_segments(pieces)


class _Window:
    """An input of a merge: its next key (``at``), and :data:`MERGE_WINDOW` keys from
    there with their offsets read into memory (``keys`` and ``offsets`` from key
    ``lo``). Binary searches of mapped keys and offsets brought every page of them into
    the process (each page fault maps its neighbours too): 12 bytes a key of every
    input, a build's chunks growing with the corpus."""

    def __init__(self, segment: "Segment | PackedSegment"):
        self.segment, self.n, self.at, self.lo = segment, len(segment.keys), 0, 0
        self.keys = self.offsets = None

    def load(self) -> None:
        """Hold at least half a window of keys from ``at`` on (two at the least, fewer
        only at the end): when fewer are left, read the next :data:`MERGE_WINDOW`."""
        if self.keys is not None and self.lo + len(self.keys) >= min(self.at + max(2, MERGE_WINDOW // 2), self.n):
            return
        self.lo, end = self.at, min(self.at + MERGE_WINDOW, self.n)
        self.keys = _read(self.segment.keys, self.at, end)
        self.offsets = _read(self.segment.offsets, self.at, end + 1)

    def piece(self, i: int, j: int) -> Segment:
        """Keys ``i`` to ``j`` of the window, decoded."""
        offsets = self.offsets[i : j + 1].astype(np.int64)
        a, b = int(offsets[0]), int(offsets[-1])
        offsets -= a
        keys = self.keys[i:j]
        if isinstance(self.segment, Segment):
            return Segment(keys, offsets.astype(np.uint32), _read(self.segment.rows, a, b))
        starts = offsets[:-1][np.diff(offsets) > 0]
        rows, kept = _unpack(_read(self.segment.gaps, a, b), starts) if b > a else (np.zeros(0, np.uint32), None)
        if kept is not None:
            offsets = np.concatenate([[0], np.cumsum(kept)])[offsets]
        return Segment(keys, offsets.astype(np.uint32), rows)


def _read(values: np.ndarray, a: int, b: int) -> np.ndarray:
    """``values[a:b]`` as an array in memory; read from the file when ``values`` maps
    one whole (pages of a map once read count in the process's memory until it is
    closed: reading a merge's inputs through their maps would hold all of them)."""
    if isinstance(values, np.memmap) and values.filename and isinstance(values.base, mmap.mmap):
        with open(values.filename, "rb") as f:
            f.seek(values.offset + a * values.itemsize)
            return np.fromfile(f, dtype=values.dtype, count=b - a)
    return np.array(values[a:b])


class NpyWriter:
    """A ``.npy`` file written piece by piece, the same bytes as ``np.save`` of the whole
    array (NumPy pads the header so that the length can be written again in place): one
    dimension, or rows of ``width`` columns."""

    def __init__(self, path: Path, dtype, width: int | None = None):
        self.path, self.dtype, self.width, self.count = path, np.dtype(dtype), width, 0
        self.file = open(path, "wb")
        self._header()
        self.start = self.file.tell()

    def _header(self) -> None:
        shape = (self.count,) if self.width is None else (self.count, self.width)
        np.lib.format.write_array_header_1_0(self.file, {
            "descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": shape})

    def append(self, values) -> None:
        values = np.ascontiguousarray(values, dtype=self.dtype)
        if self.width is not None:
            values = values.reshape(-1, self.width)
        self.file.write(values.data)
        self.count += len(values)

    def close(self) -> None:
        self.file.seek(0)
        self._header()
        if self.file.tell() != self.start:
            raise ValueError("npy header changed length")
        self.file.close()

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
            self.path.unlink(missing_ok=True)
