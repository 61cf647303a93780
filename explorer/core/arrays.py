"""Small numpy helpers shared by the core and the panes."""

from __future__ import annotations

import numpy as np


def run_starts(a: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in the sorted 1-D array ``a`` (none when empty)."""
    return np.flatnonzero(np.r_[len(a) > 0, a[1:] != a[:-1]])


def distinct(values) -> np.ndarray:
    """The distinct values of a 1-D array, ascending: ``np.unique(values)`` without
    importing ``numpy.ma``, which numpy's ``unique`` does the first time it runs (~20 ms
    here: the user's first filter change or selection waited for it)."""
    a = np.sort(np.asarray(values).ravel())
    return a[run_starts(a)]
