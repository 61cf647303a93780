"""Small numpy helpers shared by the core and the panes."""

from __future__ import annotations

import numpy as np


def distinct(values) -> np.ndarray:
    """The distinct values of a 1-D array, ascending: ``np.unique(values)`` without
    importing ``numpy.ma``, which numpy's ``unique`` does the first time it runs (~20 ms
    here: the user's first filter change or selection waited for it)."""
    a = np.sort(np.asarray(values).ravel())
    if len(a) < 2:
        return a
    keep = np.empty(len(a), bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]
