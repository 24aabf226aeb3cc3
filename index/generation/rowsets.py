"""Small operations on NumPy arrays of passage rows (or keys).

``np.unique`` imports ``numpy.ma`` on its first call (about 11 ms, a fifth of a fresh
process's whole query); the sorted-unique the search side needs is two lines without it.
"""

from __future__ import annotations

import numpy as np

FEW = 16  # integer arrays spanning at most this many values (a match tier per row) are compared, not sorted


def unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of ``values``, sorted (as ``np.unique``). Integers spanning at
    most ``FEW`` values (the match tier of each of 80,000 rows) are found by comparing
    the array with each value, which costs a fraction of sorting it."""
    values = np.asarray(values)
    if len(values) > FEW and values.dtype.kind in "iu":
        lo, hi = values.min(), values.max()
        if int(hi) - int(lo) < FEW:
            found = [v for v in range(int(lo), int(hi) + 1) if (values == v).any()]
            return np.asarray(found, dtype=values.dtype)
    return run_starts(np.sort(values))[0]


def run_starts(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, index of the first of each) of an already sorted array (as
    ``np.unique(..., return_index=True)`` for sorted input)."""
    sorted_values = np.asarray(sorted_values)
    if not len(sorted_values):
        return sorted_values, np.zeros(0, dtype=np.int64)
    keep = np.empty(len(sorted_values), dtype=bool)
    keep[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=keep[1:])
    starts = np.flatnonzero(keep)
    return sorted_values[starts], starts


DENSE_SPAN = 8  # a table of positions is built when the rows' span is at most this × the rows looked up


def dense(span: int, n: int) -> bool:
    """Whether looking ``n`` values up among rows spanning ``span`` goes through a table
    of positions (linear, one int32 per row of the span) rather than a binary search
    per value (the table is cheaper only when the values are many for the span)."""
    return span <= DENSE_SPAN * n


def positions(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index in ``keys`` of each value found, whether each of ``values`` is in ``keys``):
    ``keys`` sorted and distinct, ``values`` non-negative rows in any order."""
    if not len(keys) or not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(len(values), dtype=bool)
    span = max(int(keys[-1]), int(values.max())) + 1
    if dense(span, len(keys) + len(values)):
        where = np.full(span, -1, dtype=np.int32 if len(keys) < 2**31 else np.int64)
        where[keys] = np.arange(len(keys), dtype=where.dtype)
        pos = where[values]
        present = pos >= 0
        return pos[present].astype(np.int64), present
    pos = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    present = keys[pos] == values
    return pos[present], present


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of both ``a`` and ``b`` (each sorted and distinct), sorted: as
    ``np.intersect1d(a, b, assume_unique=True)``, without sorting the two together."""
    return a[np.isin(a, b, assume_unique=True)].astype(np.result_type(a, b), copy=False)
