"""The database read in a thread while Qt loads: the window takes what it read, including
the timeline's first layout, and any failure is reported as when it opens the file itself."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from explorer.core.database import DatabaseError
from explorer.gui import timeline_layout, timeline_view
from explorer.gui.application import create_app
from explorer.gui.main_window import MainWindow
from explorer.gui.preload import Preload
from explorer.gui.timeline_layout import UNSIZED_VIEW_ROWS, build_layout

LAYOUT_ARRAYS = ("lane_top", "lane_height", "lane_count", "row", "lane", "x0", "x1", "point", "sub", "y", "group")


def test_preload_imports_no_qt():
    code = ("import sys, explorer.gui.preload\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the preload pulled in Qt, which it runs before: {out.stdout}"


def test_taken_store_serves_this_thread_and_its_first_layout_is_ready(db_path):
    interval = sys.getswitchinterval()
    pre = Preload(db_path)
    store = pre.take(db_path)
    assert sys.getswitchinterval() == interval  # short only while the thread ran
    assert store is not None and store.n > 100
    assert pre.take(db_path) is None  # handed over once
    with store.db.reading() as first, store.db.reading() as second:
        assert first is second  # the kept connection, not a new one per read
    assert store.record(0).title_zh
    key = ("zone", True, None, UNSIZED_VIEW_ROWS)
    assert key in timeline_layout._PREPARED[store]
    everything = np.ones(store.n, bool)
    ready = build_layout(store, "zone", everything, view_rows=UNSIZED_VIEW_ROWS, rows=np.arange(store.n))
    assert store not in timeline_layout._PREPARED  # taken, and nothing else kept
    timeline_layout._EVERY.pop(store, None)  # made from nothing, not from what the first kept
    fresh = build_layout(store, "zone", everything, view_rows=UNSIZED_VIEW_ROWS, rows=np.arange(store.n))
    assert ready is not fresh
    assert [lane.key for lane in ready.lanes] == [lane.key for lane in fresh.lanes]
    for name in LAYOUT_ARRAYS:
        assert np.array_equal(getattr(ready, name), getattr(fresh, name)), name


def test_another_path_is_not_served(db_path, tmp_path):
    pre = Preload(db_path)
    assert pre.take(tmp_path / "other.sqlite") is None
    assert pre.take(db_path) is not None


@pytest.mark.parametrize(("content", "kind"), [(None, "missing"), (b"not a database", "not-sqlite")])
def test_failure_is_raised_where_the_store_is_taken(tmp_path, content, kind):
    path = tmp_path / "bad.sqlite"
    if content is not None:
        path.write_bytes(content)
    pre = Preload(path)
    with pytest.raises(DatabaseError) as err:
        pre.take(path)
    assert err.value.kind == kind


def test_window_reports_a_bad_preloaded_database(qtbot, tmp_path):
    create_app()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), lang="zh_CN")
    qtbot.addWidget(w)
    assert not w.open_database(bad, interactive=False, preload=Preload(bad))
    assert "bad.sqlite" in w.centralWidget().text()
    assert not w.actions["export"].isEnabled()


def test_saved_lanes_and_filters_lay_the_timeline_out_once(qtbot, db_path, tmp_path, monkeypatch):
    create_app()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("view/lane_mode", "category")
    settings.setValue("filters/last", json.dumps({"years": [2017, 2023]}))
    calls = []

    def counted(store, mode, mask, **kw):
        calls.append((mode, int(mask.sum())))
        return build_layout(store, mode, mask, **kw)

    monkeypatch.setattr(timeline_view, "build_layout", counted)
    w = MainWindow(settings=settings, lang="zh_CN")
    qtbot.addWidget(w)
    assert w.open_database(db_path, interactive=False, preload=Preload(db_path))
    s = w.session
    assert s.lane_mode == "category" and s.filters.years == (2017, 2023)
    assert calls == [("category", len(s.rows))]
    assert 0 < len(s.rows) < s.store.n
