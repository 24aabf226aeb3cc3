"""Small operations on NumPy arrays of passage rows (or keys).

``np.unique`` imports ``numpy.ma`` on its first call (about 11 ms, a fifth of a fresh
process's whole query); the sorted-unique the search side needs is two lines without it.
"""

from __future__ import annotations

import numpy as np


def unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of ``values``, sorted (as ``np.unique``)."""
    return run_starts(np.sort(np.asarray(values)))[0]


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
