"""Compact lookup tables for the query-assistance structures (search/spelling.py,
search/suggest.py, search/pinyin_query.py).

A vocabulary of a large index has hundreds of thousands of terms, and the spelling
tables hold several keys per term (each term with one character deleted): as Python
dicts of lists they took about 1 GB per server process on the 100 MB scaled corpus.
Here a table is two NumPy arrays — 12 bytes per (key, id) pair — and a sorted index of
term ids is one ``int32`` array searched with :func:`bisect.bisect_left`.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable, Sequence

import numpy as np


class KeyIndex:
    """``key → ids``, built from ``(key, id)`` pairs, ids in the order they came.

    Keys are kept as their 64-bit ``hash()`` (stable within one process, which is where
    the table lives). Two keys with the same hash would share their ids; at one chance
    in 2**64 per pair that does not happen in practice, and every caller checks what it
    gets against the text it is correcting."""

    def __init__(self, pairs: Iterable[tuple[str, int]]):
        hashes, ids = array("q"), array("i")
        for key, i in pairs:
            hashes.append(hash(key))
            ids.append(i)
        h = np.frombuffer(hashes, dtype=np.int64) if len(hashes) else np.zeros(0, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        self._hashes = h[order]
        self._ids = (np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, dtype=np.int32))[order]

    def get(self, key: str, default=()) -> Sequence[int]:
        h = hash(key)
        lo = int(np.searchsorted(self._hashes, h, side="left"))
        if lo >= len(self._hashes) or self._hashes[lo] != h:
            return default
        hi = int(np.searchsorted(self._hashes, h, side="right"))
        return self._ids[lo:hi].tolist()

    def __len__(self) -> int:
        return len(self._ids)


class PrefixIndex:
    """Term ids sorted by a key of each term (e.g. its pinyin), for prefix ranges; the
    key is computed again for the few ids a binary search looks at, not stored."""

    def __init__(self, ids: Iterable[int], key_of: Callable[[int], str]):
        self._key_of = key_of
        self._ids = np.fromiter(sorted(ids, key=lambda i: (key_of(i), i)), dtype=np.int32)

    def with_prefix(self, prefix: str) -> list[int]:
        ids = self._ids
        lo = bisect.bisect_left(ids, prefix, key=self._key_of)
        hi = bisect.bisect_left(ids, prefix + "\U0010ffff", key=self._key_of)
        return ids[lo:hi].tolist()


class SortedTerms:
    """``term in index`` and ``index.get(term)`` over a sorted list of terms by binary
    search (what a ``{term: id}`` dict answered, without a second copy of every term)."""

    def __init__(self, terms: list[str]):
        self._terms = terms

    def get(self, term: str, default=None):
        i = bisect.bisect_left(self._terms, term)
        return i if i < len(self._terms) and self._terms[i] == term else default

    def __getitem__(self, term: str) -> int:
        i = self.get(term)
        if i is None:
            raise KeyError(term)
        return i

    def __contains__(self, term: str) -> bool:
        return self.get(term) is not None

    def __len__(self) -> int:
        return len(self._terms)
