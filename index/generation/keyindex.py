"""Compact lookup tables for the query-assistance structures (search/spelling.py,
search/suggest.py, search/pinyin_query.py).

A vocabulary of a large index has hundreds of thousands of terms, and the spelling
tables hold several keys per term (each term with one character deleted): as Python
dicts of lists they took about 1 GB per server process on the 100 MB scaled corpus.
Here a table is two NumPy arrays — 12 bytes per (key, id) pair, the key as a 64-bit
polynomial hash of its code points that NumPy computes for all keys at once — and a sorted index of
term ids is one ``int32`` array searched with :func:`bisect.bisect_left`.

A build makes them once (index/generation/assist_tables.py) and writes their arrays into
the generation; the query side maps them (:meth:`KeyIndex.of_arrays`,
:meth:`PrefixIndex.of_ids`) instead of building them in each process.
"""

from __future__ import annotations

import bisect
import os
from array import array
from collections.abc import Callable, Iterable, Sequence

import numpy as np

_P = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_MASK = (1 << 64) - 1


FENCE = 512  # hashes per block of a table read from its file: a lookup reads one block (4 KiB) and its ids


class FileArray:
    """A 1-D array stored in a file at ``offset``, read by slices with ``os.pread``
    (``read(a, b)``) rather than mapped: a lookup table's binary search touches a page
    here and there, and a mapped page faulted in maps 64 KiB around it into the process
    (index/generation/columns.py says more), so a few thousand lookups made a whole table
    the process's. A read that comes back short (the file truncated under a running
    search) is an ``IndexMissing`` error naming the file."""

    def __init__(self, file, offset: int, count: int, dtype):
        self._file, self._offset, self._count, self.dtype = file, offset, count, np.dtype(dtype)

    def __len__(self) -> int:
        return self._count

    def read(self, a: int, b: int) -> np.ndarray:
        a, b = max(a, 0), min(b, self._count)
        if b <= a:
            return np.zeros(0, dtype=self.dtype)
        size = self.dtype.itemsize
        want = (b - a) * size
        got = os.pread(self._file.fileno(), want, self._offset + a * size)
        if len(got) != want:
            from index.errors import IndexMissing

            raise IndexMissing(f"the index file {self._file.name} is damaged: it ends before the array it holds",
                               fix="rebuild")
        return np.frombuffer(got, dtype=self.dtype)

    def every(self, step: int, chunk: int = 1 << 17) -> np.ndarray:
        """Elements ``0, step, 2 * step …``, read ``chunk`` elements at a time."""
        chunk -= chunk % step
        return np.concatenate([self.read(a, a + chunk)[::step] for a in range(0, self._count, chunk)]
                              or [np.zeros(0, dtype=self.dtype)])


class _HashTable:
    """Sorted key hashes (int64) and the ids beside them; ``get`` looks a key up."""

    _hashes: np.ndarray
    _ids: np.ndarray
    _files: tuple[FileArray, FileArray] | None = None  # the table read from its file (:meth:`of_files`)
    _fence: np.ndarray | None = None  # every FENCE-th hash of such a table, in memory

    def get(self, key: str, default=()) -> Sequence[int]:
        h = _signed(string_hash(key))
        if self._files is not None:
            return self._get_by_blocks(h, default)
        lo = int(np.searchsorted(self._hashes, h, side="left"))
        if lo >= len(self._hashes) or self._hashes[lo] != h:
            return default
        hi = int(np.searchsorted(self._hashes, h, side="right"))
        return self._ids[lo:hi].tolist()

    def _get_by_blocks(self, h: int, default):
        """:meth:`get` of a table read from its file: the fence (every FENCE-th hash,
        read once) says which block of FENCE hashes can hold ``h``; that block is read,
        then the ids of its matches."""
        hashes, ids = self._files
        fence = self._fence
        if fence is None:
            fence = self._fence = hashes.every(FENCE)
        i = int(np.searchsorted(fence, h, side="left"))  # fence[i - 1] < h: matches start after (i - 1) * FENCE
        j = int(np.searchsorted(fence, h, side="right"))  # fence[j] > h: matches end before j * FENCE
        a = max(i - 1, 0) * FENCE
        block = hashes.read(a, j * FENCE)
        lo, hi = np.searchsorted(block, h, side="left"), np.searchsorted(block, h, side="right")
        if lo == hi:
            return default
        return ids.read(a + int(lo), a + int(hi)).tolist()

    def __len__(self) -> int:
        return len(self._files[1]) if self._files is not None else len(self._ids)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted key hashes, ids): what :meth:`of_arrays` takes back."""
        if self._files is not None:
            hashes, ids = self._files
            return hashes.read(0, len(hashes)), ids.read(0, len(ids))
        return self._hashes, self._ids

    @classmethod
    def of_files(cls, hashes: FileArray, ids: FileArray) -> "_HashTable":
        """The table over arrays of a generation's file, read a block at a time."""
        table = cls.__new__(cls)
        table._files = (hashes, ids)
        return table

    @classmethod
    def of_arrays(cls, hashes: np.ndarray, ids: np.ndarray) -> "_HashTable":
        """The table over arrays written before (e.g. mapped from a generation)."""
        table = cls.__new__(cls)
        table._hashes, table._ids = hashes, ids
        return table


class KeyIndex(_HashTable):
    """``key → ids``, built from ``(key, id)`` pairs, ids in the order they came.

    Keys are kept as a 64-bit polynomial hash of their code points (:func:`string_hash`,
    computed for all keys at once with NumPy). Two keys with the same hash would share
    their ids; at about one chance in 2**64 per pair that does not happen in practice,
    and every caller checks what it gets against the text it is correcting."""

    def __init__(self, pairs: Iterable[tuple[str, int]] = (), *, keys: list[str] | None = None,
                 ids: Sequence[int] | None = None):
        """From ``pairs``, or from the lists ``keys`` and ``ids`` (no loop over them)."""
        if keys is None:
            keys, ids = [], array("i")
            for key, i in pairs:
                keys.append(key)
                ids.append(i)
        ids = np.asarray(ids, dtype=np.int32) if len(ids) else np.zeros(0, dtype=np.int32)
        h = strings_hash(keys)
        order = np.argsort(h, kind="stable")
        self._hashes = h[order]
        self._ids = ids[order]


HASH_BATCH = 50_000  # keys hashed together: NumPy's work arrays take ~50 bytes a character of them


def strings_hash(keys: list[str]) -> np.ndarray:
    """:func:`string_hash` of every key (as int64), computed together, :data:`HASH_BATCH`
    keys at a time (all of a vocabulary's pinyin keys at once took +250 MiB at 100 MB)."""
    if len(keys) > HASH_BATCH:
        return np.concatenate([_strings_hash(keys[i:i + HASH_BATCH]) for i in range(0, len(keys), HASH_BATCH)])
    return _strings_hash(keys)


def _strings_hash(keys: list[str]) -> np.ndarray:
    if not keys:
        return np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    codes = np.frombuffer(("".join(keys) + "\x00").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    powers = np.ones(max(int(lengths.max()), 1), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(1, len(powers)):
            powers[i] = powers[i - 1] * np.uint64(_P)
        position = np.arange(len(codes) - 1, dtype=np.int64) - np.repeat(starts, lengths)
        terms = np.append(codes[:-1] * powers[position], np.uint64(0))  # a last 0: reduceat's end
        h = np.add.reduceat(terms, starts, dtype=np.uint64)
    h[lengths == 0] = 0  # reduceat gives the element at an empty range's start
    return h.view(np.int64)


def string_hash(text: str) -> int:
    """A polynomial hash of the code points, modulo 2**64 (the same in every process,
    and computable for many strings at once with NumPy: :class:`DeletionIndex`)."""
    h, power = 0, 1
    for c in text:
        h = (h + ord(c) * power) & _MASK
        power = (power * _P) & _MASK
    return h


class DeletionIndex(_HashTable):
    """``key → ids`` of every term and every string one character shorter than a term
    (the term with one character left out), for terms of ``min_len`` … ``max_len``
    characters: the one-edit table of the spelling correction. Built with array
    arithmetic over the terms' code points instead of making each shorter string:
    the hash of a term without its character ``k`` is its prefix hash up to ``k`` plus
    its rest from ``k + 1`` shifted down one power."""

    def __init__(self, terms: Sequence[str], min_len: int, max_len: int):
        hashes, ids = [], []
        lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
        with np.errstate(over="ignore"):
            for n in range(min_len, max_len + 1):
                members = np.flatnonzero(lengths == n)
                if not len(members):
                    continue
                codes = np.frombuffer("".join(terms[i] for i in members.tolist()).encode("utf-32-le"),
                                      dtype=np.uint32).reshape(len(members), n).astype(np.uint64)
                powers = np.ones(n, dtype=np.uint64)
                for i in range(1, n):
                    powers[i] = powers[i - 1] * np.uint64(_P)
                hashes.append((codes * powers).sum(axis=1, dtype=np.uint64))
                ids.append(members)
                for k in range(n):  # the term without its character k
                    # leaving out any character of a run of equal ones gives the same
                    # string (aab without either a): only the first of a run counts
                    first = slice(None) if k == 0 else codes[:, k] != codes[:, k - 1]
                    weights = np.concatenate([powers[:k], np.zeros(1, dtype=np.uint64), powers[k : n - 1]])
                    hashes.append((codes[first] * weights).sum(axis=1, dtype=np.uint64))
                    ids.append(members[first])
        h = np.concatenate(hashes).view(np.int64) if hashes else np.zeros(0, dtype=np.int64)
        i = np.concatenate(ids).astype(np.int32) if ids else np.zeros(0, dtype=np.int32)
        order = np.argsort(h)
        self._hashes, self._ids = h[order], i[order]


def _signed(h: int) -> int:
    return h - (1 << 64) if h >= 1 << 63 else h


class PrefixIndex:
    """Term ids sorted by a key of each term (e.g. its pinyin), for prefix ranges; the
    key is computed again for the few ids a binary search looks at, not stored."""

    def __init__(self, ids: Iterable[int], key_of: Callable[[int], str]):
        self._key_of = key_of
        self._ids = np.fromiter(sorted(ids, key=lambda i: (key_of(i), i)), dtype=np.int32)

    @classmethod
    def of_ids(cls, ids: np.ndarray, key_of: Callable[[int], str]) -> "PrefixIndex":
        """The index over ids sorted before (``ids`` of an index made with the same ``key_of``)."""
        index = cls.__new__(cls)
        index._key_of, index._ids = key_of, ids
        return index

    @property
    def ids(self) -> np.ndarray:
        return self._ids

    def with_prefix(self, prefix: str) -> list[int]:
        ids = self._ids
        lo = bisect.bisect_left(ids, prefix, key=self._key_of)
        hi = bisect.bisect_left(ids, prefix + "\U0010ffff", key=self._key_of)
        return ids[lo:hi].tolist()


def blob(strings) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 array and their offsets (``n + 1`` of them): how the tables
    store a list of strings."""
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    if encoded:
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def strings(data: np.ndarray, offsets: np.ndarray) -> list[str]:
    """The strings :func:`blob` stored, decoded all at once."""
    raw = data.tobytes()
    o = offsets.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip(o, o[1:])]
