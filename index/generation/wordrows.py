"""Which passages hold which jieba word, as NumPy arrays beside Whoosh.

The relaxed match ("words" match, search/relaxed.py) needs the passages whose text
segments into all the words of a term. Whoosh's ``words`` field answers that and stays
the index of record; this is the same postings list in the form the query side maps
instead of opening Whoosh (reading its segment directory and term files costs a fresh
process 50–100 ms, and Whoosh's readers are file objects that threads must take turns
on). :func:`rebuild_from_whoosh` derives it from Whoosh's field again.

A word's key is the first 8 bytes of its BLAKE2b digest (stable across processes and
versions); two words sharing a key — about one chance in 10^8 for a vocabulary of
half a million words — would share their passages. Segments are the bigram index's
(index/generation/grams.py): sorted unique keys, offsets, ascending rows; a build writes one every
:data:`CHUNK_POSTINGS` postings, an update adds one for the passages it adds (rows are
never reused; a removed passage is simply no longer live).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from pathlib import Path

import numpy as np

from index.generation import store
from index.generation.grams import (
    Segment,
    SegmentsWriter,
    _sorted_union,
    read_segment,
    segment_of_postings,
    write_segment,
)

MANIFEST = "wordrows.json"
CHUNK_POSTINGS = 4_000_000


def word_key(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class WordRowsWriter(SegmentsWriter):
    """Writes the word segments of one build or update (rows as the bigram index numbers
    them), then the manifest."""

    PREFIX = "wordrows"
    MANIFEST = MANIFEST

    def __init__(self, folder: Path, manifest: dict | None = None):
        super().__init__(folder, manifest)
        self._keys, self._rows = array("Q"), array("I")
        self._cache: dict[str, int] = {}

    def add(self, first_row: int, words: list[list[str]]) -> None:
        """The words of the passages at rows ``first_row``, ``first_row + 1`` …"""
        if first_row != self.next_row:
            raise RuntimeError(f"word rows out of step: {first_row} != {self.next_row}")
        cache = self._cache
        for r, passage_words in enumerate(words, start=first_row):
            for w in set(passage_words):
                k = cache.get(w)
                if k is None:
                    k = cache[w] = word_key(w)
                self._keys.append(k)
                self._rows.append(r)
        self.next_row = first_row + len(words)
        if len(self._keys) >= CHUNK_POSTINGS:
            self._flush()

    def _flush(self) -> None:
        if len(self._keys):
            self._write(segment_of_postings(np.frombuffer(self._keys, dtype=np.uint64),
                                            np.frombuffer(self._rows, dtype=np.uint32)))
        self._keys, self._rows = array("Q"), array("I")
        self._first = self.next_row


class WordRows:
    """The word segments of one generation (mapped)."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments

    @classmethod
    def load(cls, folder: Path) -> "WordRows | None":
        """None for an index written before this file existed (the query side then asks Whoosh)."""
        path = Path(folder) / MANIFEST
        if not path.is_file():
            return None
        manifest = json.loads(path.read_text(encoding="utf-8"))
        return cls([read_segment(Path(folder), name) for name in manifest["segments"]])

    def rows(self, word: str) -> np.ndarray:
        """Sorted rows whose passage has ``word`` among its jieba words."""
        key = word_key(word)
        return _sorted_union([s.lookup(key) for s in self.segments])

    def rows_with_all(self, words: list[str]) -> np.ndarray:
        """Sorted rows holding every one of ``words``."""
        postings = sorted((self.rows(w) for w in words), key=len)
        if not postings:
            return np.zeros(0, np.uint32)
        rows = postings[0]
        for other in postings[1:]:
            if not len(rows):
                break
            rows = np.intersect1d(rows, other, assume_unique=True)
        return rows


def rebuild_from_whoosh(gen: Path, folder: Path | None = None) -> Path:
    """Write the word rows of generation ``gen`` again from its Whoosh ``words`` field
    (the index of record) into ``folder`` (default: ``gen``)."""
    from whoosh import index as whoosh_index

    from index.generation import grams

    folder = folder or gen
    folder.mkdir(parents=True, exist_ok=True)
    size = store.read_json(gen / grams.MANIFEST)["next_row"]
    keys, rows = array("Q"), array("I")
    ix = whoosh_index.open_dir(str(gen))
    with ix.searcher() as s:
        reader = s.reader()
        row_of = reader.column_reader("row")
        for word in reader.lexicon("words"):
            word = word.decode("utf-8") if isinstance(word, bytes) else word
            k = word_key(word)
            for docnum in reader.postings("words", word).all_ids():
                if reader.is_deleted(docnum):
                    continue
                keys.append(k)
                rows.append(row_of[docnum])
    for old in folder.glob("wordrows-*.npy"):
        old.unlink()
    name = f"wordrows-rebuilt-{size}"
    write_segment(folder, name, segment_of_postings(np.frombuffer(keys, dtype=np.uint64) if len(keys) else np.zeros(0, np.uint64),
                                              np.frombuffer(rows, dtype=np.uint32) if len(rows) else np.zeros(0, np.uint32)))
    store.write_json(folder / MANIFEST, {"segments": [name], "next_row": size})
    return folder
