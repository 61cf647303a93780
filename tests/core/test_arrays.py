"""explorer.core.arrays: run_starts, and distinct (np.unique's answer without importing numpy.ma)."""

import numpy as np
import pytest

from explorer.core.arrays import distinct, run_starts
from tests.core import run_python


@pytest.mark.parametrize("values", [
    [], [7], [3, 3, 3], [5, 1, 5, 2, 1, 9, 2], np.arange(10)[::-1],
    np.random.default_rng(3).integers(-50, 50, 2000), np.random.default_rng(4).random(300).round(1),
])
def test_distinct_is_np_unique(values):
    got, want = distinct(np.asarray(values)), np.unique(np.asarray(values))
    assert got.dtype == want.dtype
    assert np.array_equal(got, want)


@pytest.mark.parametrize(("values", "starts"), [([], []), ([4], [0]), ([1, 1, 2, 5, 5, 5], [0, 2, 3])])
def test_run_starts(values, starts):
    assert run_starts(np.asarray(values)).tolist() == starts


def test_a_first_filter_change_imports_no_numpy_ma(db_path):
    # np.unique imports numpy.ma the first time (~20 ms): a user's first filter change, on
    # zones, waited for it.  In a fresh interpreter, as the app starts.
    out = run_python(f"""
        import sys
        from explorer.core.database import open_database
        from explorer.core.store import EventStore
        store = EventStore(open_database({str(db_path)!r}))
        before = "numpy.ma" in sys.modules
        mask = store.zone_mask([z.id for z in store.zones[:3]]) | store.category_mask([c.id for c in store.categories[:3]])
        print(before, "numpy.ma" in sys.modules, int(mask.sum()) > 0)
    """)
    assert out.split() == ["False", "False", "True"]
