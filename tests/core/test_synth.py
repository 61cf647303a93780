"""The synthetic database (``db synth``): built through the real schema, and complete
where the app shows it."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.database import open_database
from explorer.core.store import FLAG_INFERRED, EventStore
from explorer.core.synth import synthesise


def test_an_inferred_synthetic_date_says_why_in_both_languages(tmp_path):
    path = tmp_path / "synth.sqlite"
    synthesise(800, path, seed=5)
    store = EventStore(open_database(path))
    records = store.records(range(store.n))
    inferred = [r for r in records if r.inferred]
    assert 0.05 < len(inferred) / store.n < 0.3  # about 15%
    for r in inferred:
        assert r.inference_in("en").isascii() and r.inference_in("en")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.inference_in("zh"))
    assert all(not r.inference and not r.inference_zh for r in records if not r.inferred)
    # The timeline draws these dates hollow: the flags it reads say the same.
    assert np.array_equal(np.array([r.inferred for r in records]), (store.flags & FLAG_INFERRED) > 0)


def test_a_negative_count_or_a_target_that_cannot_be_written_is_refused(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="negative"):
        synthesise(-5, tmp_path / "s.sqlite")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        synthesise(10, tmp_path / "file" / "s.sqlite")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        synthesise(10, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    synthesise(0, tmp_path / "empty.sqlite")  # no events is a database too
    assert EventStore(open_database(tmp_path / "empty.sqlite")).n == 0
