"""The synthetic database (``db synth``): built through the real schema, and complete
where the app shows it."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat

import numpy as np
import pytest

from explorer.core import build
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


def test_a_pipe_is_not_replaced_and_a_database_replaced_keeps_its_mode_and_links(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="device or pipe"):
        synthesise(10, pipe)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    # An existing database keeps its own mode, and a link to it stays a link.
    real = tmp_path / "real.sqlite"
    synthesise(5, real)
    real.chmod(0o640)
    link = tmp_path / "link.sqlite"
    link.symlink_to(real)
    synthesise(20, link)
    assert link.is_symlink() and stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert EventStore(open_database(real)).n == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.sqlite", "pipe", "real.sqlite"]


def test_sqlite_failing_to_write_is_an_os_error_with_its_reason(tmp_path):
    # A full disk, say: the build and synth commands report an OSError in one line.
    out = tmp_path / "x.sqlite"
    with pytest.raises(OSError) as info, build.new_database(out):
        raise sqlite3.OperationalError("database or disk is full")
    assert info.value.strerror == "database or disk is full" and info.value.errno == errno.EIO
    assert list(tmp_path.iterdir()) == []
