"""Which bigrams a passage holds more than once, and how often: term counts without texts.

The ranking needs, for each passage a query matches, how often the query's words occur
in its normalized text (BM25's term frequency, search/ranking.py). Counting them in the
texts reads every matching passage: tens of thousands for a frequent word such as 建设,
most of a fresh query's time. Most passages hold a bigram once, so this keeps only the
others: for each passage, every bigram it holds two or more times with its count (by
position, overlapping: ``aaa`` holds ``aa`` twice). A passage that holds a word and is
not listed under one of the word's bigrams holds that bigram once, so the word once;
a two-character word of two different characters occurs exactly as often as its
bigram. Only the passages listed under every bigram of a longer word need their text.

Segments are the bigram index's (index/generation/grams.py): sorted unique keys,
offsets, ascending rows, gap-coded; the key is the bigram's key shifted left by
:data:`COUNT_BITS` with the count in the low bits (a bigram's counts are a range of
keys). A build writes one every :data:`grams.CHUNK_CHARS` characters and merges them;
an update adds one for the passages it adds (rows are never reused). Derived from the
passages' text, which Whoosh stores: :func:`rebuild_from_whoosh` writes it again.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.generation import rowsets, store
from index.generation.grams import (
    CHUNK_CHARS,
    LOCAL_ROW_BITS,
    SHIFT,
    Segment,
    SegmentsWriter,
    read_segment,
    segment_of_postings,
)

MANIFEST = "repeats.json"
COUNT_BITS = 20  # 42 bits of bigram + 20 of count: a passage holds fewer than 2 ** 20 characters
COUNT_MAX = (1 << COUNT_BITS) - 1


def repeated_segment(norm_texts: list[str], rows: list[int] | np.ndarray) -> Segment:
    """The segment of the bigrams each passage (normalized text, row) holds two or more
    times: key ``bigram << COUNT_BITS | count``, the passage's row."""
    rows = np.asarray(rows, dtype=np.uint32)
    if not len(norm_texts):
        return Segment.empty()
    first_row = int(rows.min())
    if int(rows.max()) - first_row >= 1 << LOCAL_ROW_BITS:  # a chunk is far smaller: split it
        half = len(norm_texts) // 2
        parts = [repeated_segment(norm_texts[:half], rows[:half]), repeated_segment(norm_texts[half:], rows[half:])]
        keys = np.concatenate([np.repeat(p.keys, np.diff(p.offsets.astype(np.int64))) for p in parts])
        return segment_of_postings(keys, np.concatenate([p.rows for p in parts]))
    joined = "\x00".join(norm_texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    del joined
    lengths = np.fromiter((len(t) + 1 for t in norm_texts), dtype=np.int64, count=len(norm_texts))
    row_of = np.repeat(rows - np.uint32(first_row), lengths)
    keep = (codes[:-1] != 0) & (codes[1:] != 0)  # a bigram inside one passage
    packed = codes[:-1][keep].astype(np.uint64)
    packed <<= np.uint64(SHIFT)
    packed |= codes[1:][keep]
    packed <<= np.uint64(LOCAL_ROW_BITS)
    packed |= row_of[:-1][keep]
    del row_of, keep, codes
    packed.sort()
    # only the repeats are gathered (a small share of the postings): a value's later
    # copies, whose runs give its count less one
    copies = packed[np.flatnonzero(packed[1:] == packed[:-1]) + 1]
    del packed
    values, starts = rowsets.run_starts(copies)
    counts = np.minimum(np.diff(np.append(starts, len(copies))) + 1, COUNT_MAX).astype(np.uint64)
    owners = (values & np.uint64((1 << LOCAL_ROW_BITS) - 1)).astype(np.uint32) + np.uint32(first_row)
    keys = ((values >> np.uint64(LOCAL_ROW_BITS)) << np.uint64(COUNT_BITS)) | counts
    return segment_of_postings(keys, owners)


class RepeatsWriter(SegmentsWriter):
    """Writes the repeat segments of one build or update (rows as the bigram index
    numbers them), then the manifest."""

    PREFIX = "repeats"
    MANIFEST = MANIFEST

    def __init__(self, folder: Path, manifest: dict | None = None):
        super().__init__(folder, manifest)
        self._norms: list[str] = []
        self._chars = 0

    def add(self, first_row: int, norms: list[str]) -> None:
        """The normalized texts of the passages at rows ``first_row``, ``first_row + 1`` …"""
        if first_row != self.next_row:
            raise RuntimeError(f"repeat rows out of step: {first_row} != {self.next_row}")
        self._norms.extend(norms)
        self.next_row = first_row + len(norms)
        self._chars += sum(map(len, norms))
        if self._chars >= CHUNK_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self._norms:
            segment = repeated_segment(self._norms, np.arange(self._first, self.next_row, dtype=np.uint32))
            if len(segment.rows):
                self._write(segment)
        self._norms, self._chars = [], 0
        self._first = self.next_row


class Repeats:
    """The repeat segments of one generation (mapped)."""

    def __init__(self, segments: list):
        self.segments = segments

    @classmethod
    def load(cls, folder: Path) -> "Repeats":
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        return cls([read_segment(Path(folder), name) for name in manifest["segments"]])

    def counts(self, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, counts) of the passages holding the bigram ``ab`` two or more times,
        rows ascending."""
        lo = ((ord(a) << SHIFT) | ord(b)) << COUNT_BITS
        rows, counts = [], []
        for s in self.segments:
            keys = s.keys
            i, j = int(np.searchsorted(keys, lo)), int(np.searchsorted(keys, lo + (1 << COUNT_BITS)))
            for key in np.asarray(keys[i:j]).tolist():
                found = np.asarray(s.lookup(key))
                rows.append(found)
                counts.append(np.full(len(found), key & COUNT_MAX, dtype=np.int64))
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        rows_all, counts_all = np.concatenate(rows).astype(np.int64), np.concatenate(counts)
        order = np.argsort(rows_all, kind="stable")
        return rows_all[order], counts_all[order]

    def bound(self, word: str, rows: np.ndarray) -> np.ndarray:
        """For each of ``rows`` (sorted, each holding ``word``, normalized, two or more
        characters), the least count among the word's bigrams: the word occurs at most
        that often, and at least once."""
        least = np.full(len(rows), COUNT_MAX, dtype=np.int64)
        for a, b in dict.fromkeys(zip(word, word[1:])):
            listed, counts = self.counts(a, b)
            here = np.ones(len(rows), dtype=np.int64)  # not listed: the bigram once
            if len(listed):
                pos, present = rowsets.positions(listed, rows)
                here[present] = counts[pos]
            np.minimum(least, here, out=least)
        return least


def exact(word: str) -> bool:
    """Whether :meth:`Repeats.bound` is the word's count itself: two different characters
    (``aa`` in ``aaa`` is two bigrams by position but one occurrence for ``str.count``)."""
    return len(word) == 2 and word[0] != word[1]


def write_from_texts(folder: Path, texts, size: int) -> None:
    """Write the repeat segments of ``(row, normalized text)`` pairs, rows ascending,
    into ``folder`` (its earlier repeat files removed); ``size``: the bigram index's
    number of rows."""
    for old in folder.glob("repeats-*.npy"):
        old.unlink()
    writer = RepeatsWriter(folder)
    for r, norm in texts:
        writer.skip_to(r)
        writer.add(r, [norm])
    writer.finish(size)


def rebuild_from_whoosh(gen: Path, folder: Path | None = None) -> Path:
    """Write the repeat segments of generation ``gen`` again from the passage texts
    Whoosh stores (the index of record) into ``folder`` (default: ``gen``)."""
    from index.generation import grams
    from index.generation.schema import stored_by_row
    from index.normalize import normalize

    folder = folder or gen
    folder.mkdir(parents=True, exist_ok=True)
    stored = stored_by_row(gen)
    write_from_texts(folder, ((r, normalize(stored[r]["text"])) for r in sorted(stored)),
                     store.read_json(gen / grams.MANIFEST)["next_row"])
    return folder


def derive_from_columns(gen: Path) -> None:
    """Write the repeat segments of a generation written before them, from its mapped
    normalized texts (the columns, themselves derived from Whoosh), live rows only and
    one at a time: an update of a large index never holds its texts."""
    from index.generation import grams
    from index.generation.columns import Columns

    columns = Columns(gen)
    norms = columns.texts("norm")
    live = columns.array("live")
    write_from_texts(gen, ((r, norms[r]) for r in np.flatnonzero(live).tolist()),
                     store.read_json(gen / grams.MANIFEST)["next_row"])
