"""The main window links every pane through one session; state is remembered; bad
databases never crash it; the entry points work in subprocesses."""

import argparse
import gc
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSettings, QSize, QStandardPaths, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QToolButton

from explorer.core import paths
from explorer.core.database import DatabaseError
from explorer.core.filter_state import Filters
from explorer.gui import export_dialog
from explorer.gui.application import SETTINGS_VERSION, create_app, migrate_settings, resolve_language
from explorer.gui.event_table import COL_ZONE
from explorer.gui.main_window import DEFAULT_SIZE, MainWindow, column_widths_setting, default_size
from explorer.gui.start_page import StartPage
from tests.damage import altered
from tests.gui import PaintSpy
from tests.modes import umask

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, db_path, settings, size=(1500, 950), lang="zh_CN") -> MainWindow:
    """A main window on ``db_path`` with ``settings``, sized as the app sizes it before
    opening the database (the panes' first splits follow the window's size), and shown."""
    create_app()
    w = MainWindow(settings=settings, lang=lang)
    qtbot.addWidget(w)
    w.resize(*size)
    assert w.open_database(db_path, interactive=False)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(qtbot, db_path, settings):
    return open_window(qtbot, db_path, settings)


def test_filter_updates_every_pane(window):
    s = window.session
    s.state.update("test", zones={"yangquan-valve"})
    n = len(s.rows)
    assert 0 < n < s.store.n
    assert window.table.model.rowCount() == n
    assert set(window.timeline.rows_in_view()) <= set(s.rows.tolist())
    assert window.status.text().startswith(f"{n} ")
    # the map sizes ignore the zone filter itself
    sizes = window.map.marker_sizes()
    assert sizes.get("yangquan-hitech", 0) > 0


def test_filter_changes_leave_every_pane_its_size(window, qtbot):
    """A filter change repaints the panes but never re-lays out the window: no scroll bar
    comes or goes, no column or chip row is re-fitted (each would resize a pane and
    repaint everything around it)."""
    s = window.session
    s.state.update(None, text="阀门", years=(2017, 2025))
    qtbot.wait(50)
    panes = {"timeline": window.timeline.plot_widget, "map": window.map.plot_widget,
             "table": window.table.view.viewport(), "zones": window.filters.zone_tree,
             "categories": window.filters.category_list, "storylines": window.filters.storyline_list}

    def sizes():
        qtbot.wait(20)
        return {name: w.size().toTuple() for name, w in panes.items()}

    before = sizes()
    counts = []
    for change in ({"text": "园区"}, {"years": (1924, 2025)}, {"text": "高新区"}, {"years": (2019, 2019)},
                   {"text": "閥門"}, {"years": (2021, 2024)}):
        s.state.update(None, **change)
        counts.append(len(s.rows))
        assert sizes() == before, change
    assert len(set(counts)) > 3  # the changes did change what is shown


def test_a_filter_change_paints_the_filter_panel_once(window, qtbot):
    """The window paints a filter change in one go, the filter panel included: its chips
    are laid out before they are painted, a chip handed from a dropped item to a new one
    stays shown (hidden and shown again, Qt paints it a second time), and no scroll bar
    comes to the zone list when a branch is opened for a zone chosen elsewhere."""
    s, panel = window.session, window.filters
    s.state.update(None, categories={"reform"})
    qtbot.wait(50)
    watched = {panel.zone_tree.viewport(), *panel.findChildren(QToolButton, "filterChip")}
    painted = []
    _spy = PaintSpy(watched, lambda obj, _ev: painted.append((obj, obj.geometry())))  # kept alive while the test runs
    (reused,) = panel.chip_buttons()
    s.state.update(None, zones={"yangquan-valve"}, categories={"project"})  # in a closed branch
    qtbot.waitUntil(lambda: bool(painted))
    qtbot.wait(50)
    assert panel.zone_item("yangquan-valve").parent().isExpanded()
    assert reused in panel.chip_buttons() and len(panel.chip_buttons()) == 2
    objects = [obj for obj, _ in painted]
    assert objects.count(reused) == 1 and objects.count(panel.zone_tree.viewport()) == 1
    assert all(geometry == obj.geometry() for obj, geometry in painted)  # painted where it ends up


def test_map_click_filters_table(window, qtbot):
    s = window.session
    window.map.zoom_to_yangquan()
    qtbot.wait(50)
    pos = window.map._screen_pos("pingding-edz")
    vp = window.map.plot_widget.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pos.toPoint())
    assert s.filters.zones == {"pingding-edz"}
    assert window.table.model.rowCount() == int(s.store.zone_mask({"pingding-edz"}).sum()) > 0
    assert window.filters.zone_item("pingding-edz").checkState(0) == Qt.CheckState.Checked


def test_keyboard_steps_through_time_and_escape_clears(window, qtbot):
    s = window.session
    window.table.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    first = s.selection.active
    assert first == int(s.rows[0])
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert s.selection.active == int(s.rows[1])
    assert s.store.record(s.selection.active).title_zh in window.detail.plain_text()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert s.selection.active is None and not s.selection.rows


def test_search_shortcut_and_traditional_query(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filters.search_edit.hasFocus()
    window.filters.search_edit.setText("閥門")
    qtbot.waitUntil(lambda: window.session.filters.text == "閥門", timeout=2000)
    rows = window.session.rows
    assert len(rows) > 0
    assert all("阀门" in (r.title_zh + r.summary_zh) for r in window.session.store.records(rows[:3]))


def test_filters_and_layout_are_remembered(qtbot, db_path, settings):
    create_app()
    w = MainWindow(settings=settings, lang="zh_CN")
    qtbot.addWidget(w)
    w.open_database(db_path, interactive=False)
    w.session.state.update("t", zones={"jincheng-edz"}, years=(2019, 2023))
    w.session.set_lane_mode("category")
    w.close()
    w2 = MainWindow(settings=settings, lang="zh_CN")
    qtbot.addWidget(w2)
    w2.open_database(db_path, interactive=False)
    assert w2.session.filters.zones == {"jincheng-edz"} and w2.session.filters.years == (2019, 2023)
    assert w2.session.lane_mode == "category"


def test_opening_another_database_keeps_the_filters_lanes_and_dock_as_they_are(qtbot, db_path, settings, tmp_path):
    # File > Open brought back the filters and lanes the window had when last closed, and
    # put a dock the user had moved back where it was then (saved only at close).
    import shutil

    w = open_window(qtbot, db_path, settings)
    w.session.state.update("t", categories={"reform"})
    w.session.set_lane_mode("category")
    w.close()  # what the settings now hold
    w = open_window(qtbot, db_path, settings)
    w.session.state.update("t", categories=set(), text="阀门")
    w.session.set_lane_mode("storyline")
    w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, w.dock)
    other = tmp_path / "copy.sqlite"
    shutil.copy(db_path, other)
    assert w.open_database(other, interactive=False)
    assert w.session.filters.text == "阀门" and not w.session.filters.categories
    assert w.session.lane_mode == "storyline"
    assert w.dockWidgetArea(w.dock) == Qt.DockWidgetArea.RightDockWidgetArea
    w.set_language("en")
    assert w.dockWidgetArea(w.dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_a_short_timeline_set_by_hand_comes_back_as_set(qtbot, db_path, settings):
    # Restored while the new timeline's legend was as narrow as a new widget (six lines),
    # its least height clamped the height saved: 200 px came back as 317, also after a
    # language switch.
    for lang in ("zh_CN", "en"):
        w = open_window(qtbot, db_path, settings, size=(1366, 768), lang=lang)
        total = sum(w.main_split.sizes())
        w.main_split.setSizes([200, total - 200])
        assert w.main_split.sizes()[0] == 200
        w.close()
        w = open_window(qtbot, db_path, settings, size=(1366, 768), lang=lang)
        qtbot.wait(50)
        assert abs(w.main_split.sizes()[0] - 200) <= 8, (lang, w.main_split.sizes())
        w.set_language("en" if lang == "zh_CN" else "zh_CN")
        qtbot.wait(50)
        assert abs(w.main_split.sizes()[0] - 200) <= 8, (lang, w.main_split.sizes())
        w.close()


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_ticking_a_filter_leaves_the_lists_where_they_were(qtbot, db_path, settings, size):
    # The first filter ticked added a line of chips above the lists, and a filter whose
    # chip wrapped onto a new line another: the row just clicked moved from under the
    # pointer (the next click landed rows lower) and, ticked with Space at the bottom of a
    # small panel, out of view.
    from PySide6.QtTest import QTest

    w = open_window(qtbot, db_path, settings, size=size, lang="en")
    p = w.filters
    assert p._no_chips.isVisible() and p._no_chips.text() == "No filters set"
    tree = p.category_list
    for cid in [c.id for c in w.session.store.categories][:4]:
        item = p.category_item(cid)
        rect = tree.visualItemRect(item)
        before = tree.viewport().mapTo(w, rect.center()).y()
        QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(rect.left() + 8, rect.center().y()))  # on its box
        qtbot.wait(10)
        assert cid in w.session.filters.categories
        assert tree.viewport().mapTo(w, tree.visualItemRect(item).center()).y() == before, cid
    assert not p._no_chips.isVisible() and len(p.chip_buttons()) == 4
    assert p._chip_box.height() > 2 * p._no_chips.height()  # (the chips took more than one line)
    p.clear_all()
    qtbot.wait(10)
    stories = p.storyline_list
    stories.setFocus()
    for _ in range(9):
        QTest.keyClick(stories, Qt.Key.Key_Down)
    QTest.keyClick(stories, Qt.Key.Key_Space)
    qtbot.wait(10)
    assert w.session.filters.storylines
    row = stories.visualItemRect(stories.currentItem())
    view = p._scroll.viewport()
    top, bottom = (stories.viewport().mapTo(view, pt).y() for pt in (row.topLeft(), row.bottomLeft()))
    assert 0 <= top and bottom < view.height()  # the row ticked in view


def test_no_pane_can_be_dragged_shut(qtbot, db_path, settings):
    # A pane dragged shut still took the keys (Tab stopped in the unseen timeline, where ↓
    # on its Lanes-by box changed the lanes) and only Reset layout brought it back.
    w = open_window(qtbot, db_path, settings, size=(1024, 700), lang="en")
    for split in (w.top_split, w.bottom_split, w.main_split):
        for sizes in ([0, 10**5], [10**5, 0]):
            split.setSizes(sizes)
            qtbot.wait(5)
            assert all(n > 0 for n in split.sizes()), (split.objectName(), split.sizes())
            assert all(split.widget(i).isVisible() and min(split.widget(i).width(), split.widget(i).height()) > 0
                       for i in range(split.count()))
    # And by the mouse: the timeline's edge dragged past the window's left edge.
    from PySide6.QtTest import QTest

    handle = w.top_split.handle(1)
    centre = handle.rect().center()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(handle, QPoint(centre.x() - 2000, centre.y()))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(centre.x() - 2000, centre.y()))
    assert 0 < w.top_split.sizes()[0] < 200 and w.timeline.width() > 0


class _Sizes(QObject):
    """The sizes every splitter named ``name`` is given, as it is given them."""

    def __init__(self, name: str):
        super().__init__()
        self.name, self.seen = name, []

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize and obj.objectName() == self.name:
            self.seen.append(event.size())
        return False


def test_a_language_switch_lays_the_new_panes_out_at_their_size_at_once(qtbot, db_path, settings):
    # The new panes were first laid out beside a dock as wide as the new filter panel
    # asked, in a sliver of the window: the timeline's legend, wrapped onto many lines,
    # pushed the panes under it down, and the window showed them so until the dock got
    # its width back (a test waiting 50 ms for the split saw 409 px of a saved 200).
    w = open_window(qtbot, db_path, settings, size=(1366, 768))
    qtbot.wait(50)
    dock = w.dock.width()
    centre = w.main_split.size()
    sizes = _Sizes("mainSplitter")
    QApplication.instance().installEventFilter(sizes)
    try:
        w.set_language("en")
        qtbot.waitUntil(lambda: abs(w.dock.width() - dock) <= 8 and w.dock.maximumWidth() > dock)  # settled
        qtbot.wait(20)
    finally:
        QApplication.instance().removeEventFilter(sizes)
    assert sizes.seen and all(abs(s.width() - centre.width()) <= 8 for s in sizes.seen), (centre, sizes.seen)
    w.dock.resize(dock + 40, w.dock.height())  # and the user can widen it again
    w.resizeDocks([w.dock], [dock + 40], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(w.dock.width() - dock - 40) <= 2)


def test_saved_filter_ids_the_database_lacks_are_no_filter(qtbot, db_path, settings):
    # An unknown category or storyline (another database's) showed no events and a chip of its raw id.
    settings.setValue("filters/last", '{"categories": ["no-such-category", "reform"], "storylines": ["nope"]}')
    w = open_window(qtbot, db_path, settings)
    assert w.session.filters.categories == {"reform"} and not w.session.filters.storylines
    assert not any("no-such" in t for t in w.filters.chip_texts())


@pytest.mark.parametrize("saved", ["[1, 2]", "null", '"x"', "{not json", '{"years": [true, false]}'])
def test_a_damaged_saved_filter_is_dropped_and_the_database_opens(qtbot, db_path, settings, saved):
    """The settings file is the user's (a hand edit, another version): what is not a filter
    is no filter; it used to refuse the database, blaming the file ("cannot be read")."""
    create_app()
    settings.setValue("filters/last", saved)
    w = MainWindow(settings=settings, lang="zh_CN")
    qtbot.addWidget(w)
    assert w.open_database(db_path, interactive=False)
    assert w.session.filters == Filters() and w.database_problem is None


def test_column_widths_set_by_hand_are_remembered_until_the_layout_is_reset(qtbot, db_path, settings):
    def opened():
        return open_window(qtbot, db_path, settings)

    w = opened()
    assert w.table.view.column_widths() is None  # they follow the table's width
    w.table.view.horizontalHeader().resizeSection(COL_ZONE, 233)
    widths = w.table.view.column_widths()
    assert widths is not None and widths[1] == 233
    w.set_language("en")  # the panes are built again: the widths stay
    assert w.table.view.column_widths() == widths
    w.close()
    w2 = opened()
    assert w2.table.view.column_widths() == widths
    w2.reset_layout()
    assert w2.table.view.column_widths() is None
    w2.close()
    assert not settings.contains("table/columns")
    settings.setValue("table/columns", "12, x")  # a damaged setting is ignored
    w3 = opened()
    assert w3.table.view.column_widths() is None


@pytest.mark.parametrize("raw, expected", [
    (["120", "150", "90"], [120, 150, 90]), ([120, 150, 90], [120, 150, 90]), (None, None), ("120", None),
    (["120", "150"], None), (["a", "150", "90"], None), (["5", "150", "90"], None), ([None, 1, 2], None),
])
def test_saved_column_widths_are_read_only_when_sound(raw, expected):
    assert column_widths_setting(raw) == expected


def test_a_returning_start_writes_no_settings(qtbot, db_path, tmp_path):
    """Opening the same database with current settings leaves the file alone (a write at
    every start cost the first paint about 2 ms)."""
    create_app()
    ini = tmp_path / "s.ini"
    before = QSettings(str(ini), QSettings.Format.IniFormat)
    before.setValue("settings_version", SETTINGS_VERSION)
    before.setValue("database/last", str(db_path))
    before.sync()
    stamp = ini.stat()
    s = QSettings(str(ini), QSettings.Format.IniFormat)
    migrate_settings(s)
    w = MainWindow(settings=s, lang="zh_CN")
    qtbot.addWidget(w)
    assert w.open_database(db_path, interactive=False)
    s.sync()
    after = ini.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)


def test_language_switch_keeps_state(window):
    s = window.session
    s.state.update("t", categories={"reform"})
    row = int(s.rows[0])
    s.selection.select_one(row)
    window.set_language("en")
    s2 = window.session
    assert s2 is not s and s2.lang == "en"
    assert s2.filters.categories == {"reform"} and s2.selection.active == row
    assert s2.store.record(row).title_en in window.detail.plain_text()


def test_a_language_switch_keeps_what_the_panes_show(window, qtbot):
    # The panes are made anew in the other language: the table's order, the years and lanes
    # the timeline shows and the map's frame are the user's, not the new panes' defaults.
    window.table.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    window.timeline.set_x_range(2015.0, 2025.0)
    window.timeline.scrollbar.setValue(window.timeline.scrollbar.maximum() // 2)
    window.map.zoom_to_yangquan()
    (x0, x1, lane, offset), framed = window.timeline.view_state(), window.map.view_state()
    shown = window.map._vb.viewRange()
    assert lane not in (None, window.timeline.lane_keys()[0])  # scrolled down the lanes
    window.set_language("en")
    head = window.table.view.horizontalHeader()
    assert (head.sortIndicatorSection(), head.sortIndicatorOrder()) == (3, Qt.SortOrder.DescendingOrder)
    now = window.timeline.view_state()
    assert now[:2] == pytest.approx((x0, x1)) and now[2] == lane and now[3] == pytest.approx(offset, abs=1)
    assert framed[0] == "framed" and window.map.view_state() == framed  # the same box, framed for the new pane
    qtbot.wait(200)  # the new pane laid out: the box framed at its size
    assert window.map.view_state() == framed
    _shows_box_as_before(window.map, framed[1], shown)
    window.map.zoom_by(0.5)  # a range of the user's own is kept as it is
    (mx, my) = window.map._vb.viewRange()
    window.set_language("zh_CN")
    qtbot.wait(200)  # (its aspect ratio locked, a pane resized as it is laid out may show more)
    (nx, ny) = window.map._vb.viewRange()
    assert nx == pytest.approx(mx, abs=0.01) and ny == pytest.approx(my, abs=0.01)


def _shows_box_as_before(map_view, box, before) -> None:
    """The map shows all of ``box`` (lon, lat) at the scale of the range ``before`` (the
    key's other words may move the frame a little)."""
    (vx0, vx1), (vy0, vy1) = map_view._vb.viewRange()
    x0, y0, x1, y1 = box
    assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1
    assert vx1 - vx0 == pytest.approx(before[0][1] - before[0][0], rel=0.03)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_language_switch_keeps_the_province_whole_on_the_map(qtbot, db_path, settings, lang):
    # The new map pane is framed before it is laid out: it must show the province at its
    # final size, not the range worked out for pyqtgraph's default size (south cut off).
    window = open_window(qtbot, db_path, settings, size=(1280, 800), lang=lang)
    qtbot.wait(100)
    framed, shown = window.map.view_state(), window.map._vb.viewRange()
    assert framed[0] == "framed"
    window.set_language("en" if lang == "zh_CN" else "zh_CN")
    qtbot.wait(200)
    assert window.map.view_state() == framed
    _shows_box_as_before(window.map, framed[1], shown)


def test_shortcuts_work_after_a_language_switch(window, qtbot):
    # The menus are made again in the new language: their old actions must go, or each
    # shortcut is there twice, Qt finds it ambiguous, and no key works.
    shortcuts = len(window.actions)
    window.session.set_lane_mode("category")
    window.set_language("en")
    window.set_language("zh_CN")
    assert len(QMainWindow.actions(window)) == shortcuts
    assert window.actions["lanes_category"].isChecked()
    s = window.session
    window.table.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert s.selection.active == int(s.rows[0])
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert s.selection.active is None
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filters.search_edit.hasFocus()


def test_a_language_switch_without_a_database_keeps_its_actions_off(qtbot, tmp_path, settings):
    create_app()
    w = MainWindow(settings=settings, lang="zh_CN")
    qtbot.addWidget(w)
    assert not w.open_database(tmp_path / "none.sqlite", interactive=False)
    w.set_language("en")
    assert not w.actions["export"].isEnabled() and not w.actions["fit"].isEnabled()


@pytest.mark.parametrize("content", [b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 100])
def test_bad_database_shows_message_not_crash(qtbot, tmp_path, settings, content):
    create_app()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    w = MainWindow(settings=settings, lang="zh_CN")
    qtbot.addWidget(w)
    assert not w.open_database(bad, interactive=False)
    assert "bad.sqlite" in w.centralWidget().text()
    assert not w.actions["export"].isEnabled()
    assert bad.read_bytes() == content


def test_a_database_that_cannot_be_used_leaves_a_start_page_with_the_ways_on(qtbot, tmp_path, settings, db_path,
                                                                             monkeypatch):
    # Before, the window showed a bare line of text beside an empty strip of dock (no
    # title, a stray float button): the ways on were only in the File menu.
    monkeypatch.setenv(paths.ENV_DB, str(db_path))  # the bundled database, here
    create_app()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.show()
    qtbot.waitExposed(w)
    assert not w.open_database(bad, interactive=False)
    page = w.centralWidget()
    assert isinstance(page, StartPage)
    lines = page.text().splitlines()
    assert lines[:3] == ["The database cannot be used", str(bad), "The file is not an SQLite database, or it is damaged."]
    assert "wrong file header" in lines[3]  # the technical detail, for a report
    assert w.dock.isHidden()
    labels = [b.text() for b in page.buttons]
    assert labels == ["Open the bundled database", "Open a database…", "Rebuild from bundled sources"]
    assert page.buttons[0].isDefault()
    assert w.focusWidget() is page.buttons[0]  # (the window's focus child: it has the focus when active)
    with mock.patch.object(MainWindow, "choose_database") as choose, \
            mock.patch.object(MainWindow, "rebuild_database") as rebuild:
        page.buttons[1].click()
        page.buttons[2].click()
    choose.assert_called_once_with()
    rebuild.assert_called_once_with()
    assert w.session is None
    page.buttons[0].click()  # the bundled database: the panes, the dock and the actions back
    assert w.session is not None and w.db_path == db_path
    assert w.centralWidget() is w.main_split and w.dock.isVisible() and w.actions["export"].isEnabled()


def test_a_newer_apps_database_asks_for_an_update_not_a_rebuild(qtbot, tmp_path, settings, db_path, monkeypatch):
    # A file from a newer app was told "made by another version of the app. Rebuild it.",
    # with Rebuild the default: that builds the bundled events elsewhere and never opens
    # the file.  An empty file was "not an SQLite database, or it is damaged".
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setenv(paths.ENV_DB, str(db_path))
    create_app()
    newer = altered(db_path, tmp_path / "newer.sqlite",
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schema_version'")
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    shown = []

    def answer(box):
        shown.append((box.text().splitlines()[-1], box.defaultButton().text()))
        return 0

    with mock.patch.object(QMessageBox, "exec", answer):
        assert not w.open_database(newer)
        assert not w.open_database(empty)
    assert shown == [
        ("The database was made by a newer version of the app. Update the app to open it; rebuilding would make "
         "the bundled events, not this file's.", "Open another file…"),
        ("The file is empty: it holds no database.", "Rebuild from bundled sources"),
    ]
    assert "empty" in w.centralWidget().text().splitlines()[-1]  # the detail: "the file is empty (0 bytes)"


def test_the_start_page_offers_no_bundled_database_when_that_is_what_failed(qtbot, tmp_path, settings, monkeypatch):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    monkeypatch.setenv(paths.ENV_DB, str(bad))
    create_app()
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    assert [b.text() for b in w.centralWidget().buttons] == ["Open a database…", "Rebuild from bundled sources"]
    assert w.centralWidget().text() == "No database open"  # before any is opened
    assert not w.open_database(bad, interactive=False)
    assert [b.text() for b in w.centralWidget().buttons] == ["Open a database…", "Rebuild from bundled sources"]


def test_the_start_page_follows_a_language_switch(qtbot, tmp_path, settings):
    create_app()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    assert not w.open_database(bad, interactive=False)
    try:
        w.set_language("zh_CN")
        page = w.centralWidget()
        assert page.text().startswith("数据库无法使用\n" + str(bad) + "\n该文件不是 SQLite 数据库")
        assert page.buttons[-1].text() == "从内置数据源重建"
    finally:
        w.set_language("en")
    assert w.centralWidget().text().startswith("The database cannot be used")


def test_user_folder_matches_qt_standard_location(monkeypatch):
    create_app()
    monkeypatch.delenv(paths.ENV_HOME, raising=False)
    qt_dir = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert Path(qt_dir) == paths.user_data_dir()


def _run(*args, env=None):
    e = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, cwd=REPO,
                          env=e, timeout=180)


def test_render_command_writes_png(db_path, tmp_path):
    out = tmp_path / "w.png"
    r = _run("--db", str(db_path), "--lang", "zh_CN", "render", "--zone", "阳泉高新区", "--select",
             "a000-valve-founded", "--size", "1200x800", "-o", str(out))
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1200, 800)
    colours = {img.pixel(x, y) for x in range(0, 1200, 40) for y in range(0, 800, 40)}
    assert len(colours) > 20, "the rendered window is not blank"
    assert r.stdout.strip() == f"wrote {out} (1200x800)"
    small = tmp_path / "s.png"  # smaller than the window can be: the size written is the one said
    r = _run("--db", str(db_path), "render", "--size", "640x400", "-o", str(small))
    img = QImage(str(small))
    assert img.height() > 400 and r.stdout.strip() == \
        f"wrote {small} ({img.width()}x{img.height()}; asked for 640x400: the window cannot be smaller)"


def test_render_rejects_bad_size_and_unknown_event(db_path, tmp_path):
    r = _run("--db", str(db_path), "render", "--size", "huge", "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and "WIDTHxHEIGHT" in r.stderr
    r = _run("--db", str(db_path), "render", "--select", "no-such-event", "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and "no event with that id" in r.stderr


def test_app_reports_its_first_paint_and_quits(db_path, tmp_path):
    """The real entry point, as the benchmark launches it: the window opens, paints, and
    ``ZONE_TIMELINE_STARTUP_REPORT=exit`` reports when and quits."""
    r = _run("--db", str(db_path), env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
                                        "ZONE_TIMELINE_STARTUP_REPORT": "exit"})
    assert r.returncode == 0, r.stderr
    m = re.search(r"first window after ([0-9.]+) s \(monotonic ([0-9.]+)\)", r.stderr)
    assert m and 0 < float(m.group(1)) < 180


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_to_end_closes_the_window_as_its_close_button_does(db_path, tmp_path, sig):
    # A session ending (SIGTERM, SIGHUP) or Ctrl+C killed the app on the spot (or, Ctrl+C,
    # not until Python next ran): the layout and the filters were not saved.
    home = tmp_path / "home"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZONE_TIMELINE_HOME=str(home),
               ZONE_TIMELINE_STARTUP_REPORT="1")
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "--db", str(db_path)], cwd=REPO, env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()  # once painted, the event loop idle
        assert "first window after" in line, line
        time.sleep(0.3)
        proc.send_signal(getattr(signal, sig))
        rest = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
    assert proc.returncode == 0, rest
    saved = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
    assert saved.value("window/geometry") and saved.value("window/state")
    assert "Traceback" not in rest


def test_the_window_starts_the_paused_collector_once_painted(qtbot, db_path):
    """Start-up runs with the garbage collector paused (see explorer.collector): the
    window's first paint starts it again, freezing what start-up made; opening another
    database or switching the language lets those objects go (the old session among them)."""
    from explorer import collector
    from explorer.gui import app

    collector.pause()
    try:
        win = app.open_window(argparse.Namespace(db=str(db_path), lang="en"))  # the tests' language
        qtbot.addWidget(win)
        assert not gc.isenabled(), "started again before the window painted"
        qtbot.waitUntil(gc.isenabled, timeout=app.RESUME_COLLECTOR_MS // 2)  # by the paint, not the fallback
        assert gc.get_freeze_count() > 10_000
        assert win.open_database(db_path, interactive=False)
        assert gc.get_freeze_count() == 0
        gc.freeze()  # as at start-up: a language switch replaces the session too
        win.set_language("zh_CN")
        assert gc.get_freeze_count() == 0
        win.set_language("en")
    finally:
        collector.release()
        gc.enable()


def test_self_test_passes_with_empty_home(db_path, tmp_path):
    r = _run("--db", str(db_path), "--self-test", env={"HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("self-test OK")
    # Whether a package carries the passages shows (a build with no articles beside it has none).
    has = sqlite3.connect(db_path).execute("SELECT value FROM meta WHERE key = 'passages'").fetchone()[0] == "yes"
    assert ("events (with cited passages)" if has else "events (WITHOUT cited passages)") in r.stdout


def test_self_test_reports_failure(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_text("nope")
    r = _run("--db", str(bad), "--self-test")
    assert r.returncode != 0 and "x.sqlite" in (r.stderr + r.stdout)


def test_a_damaged_basemap_does_not_stop_a_database_opening(qtbot, db_path, settings, tmp_path, monkeypatch):
    bad = tmp_path / "shanxi_region.json"
    bad.write_text("[]", encoding="utf-8")
    monkeypatch.setattr("explorer.gui.map_view.default_path", lambda: bad)
    win = open_window(qtbot, db_path, settings)
    assert win.database_problem is None and win.session.store.n > 0
    assert str(bad) in win.map.basemap_problem


def test_self_test_fails_on_a_damaged_basemap(db_path, tmp_path):
    # The packaged app's check of its install: the window still works, but the bundle is broken.
    bad = tmp_path / "shanxi_region.json"
    bad.write_text("{", encoding="utf-8")
    code = ("import sys; import explorer.gui.map_view as m; from pathlib import Path; "
            f"m.default_path = lambda: Path({str(bad)!r}); from explorer.cli import main; "
            f"sys.exit(main(['--db', {str(db_path)!r}, '--self-test']))")
    e = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=e, timeout=180)
    assert r.returncode == 1
    assert "self-test FAILED: the basemap could not be read" in r.stderr and str(bad) in r.stderr


def test_timeline_and_map_export_images(window, tmp_path):
    from explorer.gui.image_export import ImageExportError, export_plot

    png = export_plot(window.timeline.plot_widget, tmp_path / "t.png", 1200)
    assert QImage(str(png)).width() == 1200
    svg = export_plot(window.map.plot_widget, tmp_path / "m.svg")
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(ImageExportError, match="does not exist"):
        export_plot(window.map.plot_widget, tmp_path / "nope" / "m.png")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ImageExportError, match=f"{tmp_path / 'file'} is not a folder"):
        export_plot(window.map.plot_widget, tmp_path / "file" / "m.png")
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(ImageExportError, match="is a folder"):
        export_plot(window.map.plot_widget, tmp_path / "dir.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.png", "file", "m.svg", "s.ini", "t.png"]  # nothing half-written
    with pytest.raises(ImageExportError, match=".png or .svg"):
        export_plot(window.map.plot_widget, tmp_path / "m.jpg")


def test_svg_images_are_vectors_clipped_to_the_view(window, tmp_path):
    # The map's markers came out as copies of the whole atlas of marker images squeezed into
    # each marker (noise, 8 MB); the timeline's bars ran over its labels and axis (nothing
    # clipped); its labels and day points were bitmaps.
    from PySide6.QtSvg import QSvgRenderer

    from explorer.gui.image_export import export_plot

    window.timeline.set_x_range(2014, 2026.5)  # the 1993–2023 bar starts left of the view
    store = window.session.store
    for pane, name in ((window.map.plot_widget, "m.svg"), (window.timeline.plot_widget, "t.svg")):
        svg = export_plot(pane, tmp_path / name)
        text = svg.read_text(encoding="utf-8")
        assert QSvgRenderer(str(svg)).isValid()
        assert "<image" not in text, name
        assert "<clipPath" in text and "clip-path=" in text, name
        assert len(text) < 1_000_000, name
    datong = store.zones[store.zone_index["datong"]].name(window.session.lang)
    assert f">{datong}<" in (tmp_path / "t.svg").read_text(encoding="utf-8")  # lane labels as text


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("ext", ["png", "svg"])
def test_an_image_has_the_mode_of_a_new_file_and_a_replaced_one_keeps_its_own(window, tmp_path, ext):
    from explorer.gui.image_export import export_plot

    new, kept = tmp_path / f"new.{ext}", tmp_path / f"kept.{ext}"
    with umask(0o027):
        export_plot(window.map.plot_widget, new, 400)
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o644)
    with umask(0o077):
        export_plot(window.map.plot_widget, kept, 400)
    assert new.stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, as the CSV export's (mkstemp's was 0o600)
    assert kept.stat().st_mode & 0o777 == 0o644 and kept.read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == f".{ext}") == [f"kept.{ext}", f"new.{ext}"]


def _exported_ids(path: Path) -> list[str]:
    """The event_id column of an exported CSV, in file order."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        return [r["event_id"] for r in csv.DictReader(f)]


def test_export_dialog_counts_and_scope(window, tmp_path):
    from explorer.gui.export_dialog import ExportDialog, run_export

    s = window.session
    # A real filter first: every scope of the dialog is limited by it.
    s.state.update("test", zones={"yangquan-hitech"}, years=(2017, 2023))
    n = len(s.rows)
    assert 0 < n < s.store.n
    s.selection.set_lanes(["zone:yangquan-valve"])  # a sub-zone of the filtered zone
    d = ExportDialog(s, str(tmp_path), window)
    assert d.scope() == "lanes"
    valve = s.store.zone == s.store.zone_index["yangquan-valve"]
    assert 0 < d.row_count() == int((s.mask & valve).sum()) < int(valve.sum())
    d.scope_buttons["filter"].setChecked(True)
    assert d.row_count() == n
    assert d.count_label.text().startswith(f"{n} ")
    out = tmp_path / "gui.csv"
    assert run_export(window, s, d.spec(), str(out), "utf-8-sig")
    # Exactly the filtered events, each once.
    ids = _exported_ids(out)
    assert len(ids) == n and set(ids) == {r.id for r in s.store.records(s.rows)}
    assert {"a000-sanhua-sanzhi-2019", "a004-thirty-years"} <= set(ids)  # hi-tech zone, 2019 / 1993-2023
    assert not {"a004-1996-01-provincial-etdz",  # the zone, but 1996
                "a002-jincheng-eight-policies",  # 2019-2021, but another zone
                "a000-valve-founded"} & set(ids)  # a sub-zone, but 1924
    # the GUI writes exactly what the CLI writes for the same filter
    cli = tmp_path / "cli.csv"
    r = _run("--db", str(s.store.db.path), "export", "--zone", "yangquan-hitech", "--from", "2017", "--to", "2023",
             "-o", str(cli))
    assert r.returncode == 0, r.stderr
    assert cli.read_bytes() == out.read_bytes()
    assert int(np.count_nonzero(s.mask)) == n  # the export left the session's filters as they were


def test_export_dialogs_ask_before_replacing_a_file_and_want_a_full_path(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from explorer.gui.export_dialog import ExportDialog, ImageExportDialog

    asked, warned, answer = [], [], [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or answer[0])
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    earlier = tmp_path / "timeline.csv"
    earlier.write_text("my earlier work", encoding="utf-8")
    for dlg in (ExportDialog(window.session, str(tmp_path), window), ImageExportDialog(str(tmp_path), window)):
        target = tmp_path / Path(dlg.path()).name
        target.write_text("my earlier work", encoding="utf-8")
        dlg.open()
        asked.clear()
        dlg.accept()  # the default name, taken: asked, and kept open on "No"
        assert asked == [f"{target} already exists. Replace it?"] and dlg.isVisible()
        answer[0] = QMessageBox.StandardButton.Yes
        dlg.accept()
        assert dlg.result() == QDialog.DialogCode.Accepted
        answer[0] = QMessageBox.StandardButton.No
        for bad in ("-", "timeline.csv", ""):  # standard output, a relative path, nothing
            dlg.path_edit.setText(bad)
            dlg.open()
            warned.clear()
            dlg.accept()
            assert warned and warned[0].startswith("Choose a full path") and dlg.isVisible()
            assert warned[0].endswith(f"{Path.home() / target.name}.")  # an example of its own kind
            dlg.reject()
        # A folder is said to be one at once (it was asked about as a file to replace first).
        dlg.path_edit.setText(str(tmp_path))
        dlg.open()
        asked.clear()
        warned.clear()
        dlg.accept()
        assert not asked and warned and warned[0].startswith("The chosen path is a folder") and dlg.isVisible()
        dlg.reject()
        assert target.read_text(encoding="utf-8") == "my earlier work"
    # The open database: refused at once, not offered to be replaced and refused after a "Yes".
    db = window.session.store.db.path
    for dlg in (ExportDialog(window.session, str(tmp_path), window),
                ImageExportDialog(str(tmp_path), window, database=db)):
        dlg.path_edit.setText(str(db))
        dlg.open()
        asked.clear()
        warned.clear()
        dlg.accept()
        assert not asked and warned and warned[0].startswith("The chosen file is the open event database")
        assert dlg.isVisible()
        dlg.reject()


def test_an_edit_still_waiting_in_the_search_box_is_exported_and_saved(qtbot, db_path, settings, monkeypatch):
    # Typed, then Ctrl+E (or the window closed) before the search's debounce ended: the
    # dialog counted, and the export wrote, every event; the closed window forgot the text.
    from explorer.gui import export_dialog

    window = open_window(qtbot, db_path, settings, lang="en")
    window.activateWindow()  # (the shortcut is the window's)
    QApplication.processEvents()
    counted = []

    class Counting(export_dialog.ExportDialog):
        def exec(self):
            counted.append(self.row_count())
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(export_dialog, "ExportDialog", Counting)
    s = window.session
    window.filters.search_edit.setText("閥門")
    assert s.filters.text == ""  # still waiting
    qtbot.keyClick(window.filters.search_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert s.filters.text == "閥門" and counted == [len(s.rows)] and 0 < len(s.rows) < s.store.n
    window.filters.search_edit.setText("园区")
    window.close()
    again = open_window(qtbot, db_path, settings, lang="en")
    assert again.session.filters.text == "园区"
    again.filters.year_from.setValue(2019)  # the year boxes wait too
    again.close()
    assert open_window(qtbot, db_path, settings, lang="en").session.filters.years[0] == 2019


def test_the_export_dialog_opens_on_a_scope_that_writes_rows(window, tmp_path):
    from explorer.gui.export_dialog import ExportDialog

    s = window.session
    s.selection.set_lanes(["zone:yangquan-valve"])
    s.selection.select_one(int(np.flatnonzero(s.store.zone == s.store.zone_index["yangquan-valve"])[0]))
    assert ExportDialog(s, str(tmp_path), window).scope() == "lanes"
    s.state.update("test", zones={"jincheng"})  # hides the selected timeline and event
    d = ExportDialog(s, str(tmp_path), window)
    assert d.scope() == "filter" and d.row_count() == len(s.rows) > 0 and d.export_button.isEnabled()


def test_a_selection_the_filters_hide_is_said_to_be_hidden(qtbot, db_path, settings):
    window = open_window(qtbot, db_path, settings, lang="en")
    s = window.session
    valve = np.flatnonzero(s.store.zone == s.store.zone_index["yangquan-valve"])
    s.selection.set({int(valve[0]), int(valve[1])}, int(valve[0]))
    note = "Hidden by the current filters"
    assert "hidden" not in window.status.text() and note not in window.detail.plain_text()
    s.state.update("test", zones={"jincheng"})
    assert "2 selected (2 hidden by the filters)" in window.status.text()
    assert note in window.detail.plain_text()
    s.state.update("test", zones={"yangquan-valve", "jincheng"})
    assert "2 selected ·" in window.status.text() and note not in window.detail.plain_text()


def test_a_start_without_a_database_reopens_the_last_one(qtbot, db_path, settings, tmp_path, monkeypatch):
    other = tmp_path / "mine.sqlite"
    shutil.copyfile(db_path, other)
    monkeypatch.setattr(paths, "default_db", lambda: db_path)
    first = open_window(qtbot, other, settings, lang="en")
    first.close()

    def start() -> MainWindow:
        w = MainWindow(settings=settings, lang="en")
        qtbot.addWidget(w)
        w.open_initial(None)
        return w

    reopened = start()
    assert reopened.db_path == other and reopened._interactive  # damage met later opens the dialog
    other.write_bytes(b"not a database")  # damaged since: the default one, and why
    w = start()
    assert w.db_path == db_path and w.session is not None
    assert str(other) in w.statusBar().currentMessage() and "not an SQLite database" in w.statusBar().currentMessage()
    monkeypatch.setenv(paths.ENV_DB, str(db_path))  # named by the environment: that one
    shutil.copyfile(db_path, other)
    settings.setValue("database/last", str(other))
    assert start().db_path == db_path


def test_the_database_is_remembered_by_its_absolute_path_and_the_default_as_none(
        qtbot, db_path, settings, tmp_path, monkeypatch):
    # "--db my.sqlite" was remembered as "my.sqlite" (another file, or none, from another
    # folder); the bundled database by its path in that copy of the app, which another
    # copy or a newer version then opened instead of its own.
    monkeypatch.setattr(paths, "default_db", lambda: db_path)
    other = tmp_path / "mine.sqlite"
    shutil.copyfile(db_path, other)
    monkeypatch.chdir(tmp_path)
    w = open_window(qtbot, Path("mine.sqlite"), settings, lang="en")
    assert settings.value("database/last") == str(other)
    assert w.open_database(db_path, interactive=False)
    assert not settings.contains("database/last")
    theirs = tmp_path / "another copy" / "events.sqlite"
    theirs.parent.mkdir()
    shutil.copyfile(db_path, theirs)
    monkeypatch.setattr(paths, "default_db", lambda: theirs)  # another copy of the app
    again = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(again)
    again.open_initial(None)
    assert again.db_path == theirs  # its own, not the first copy's


def test_a_message_said_before_the_window_shows_is_not_drawn_over_the_counts(qtbot, db_path, tmp_path):
    # The app opens its database before showing the window: a message then ("Settings
    # cannot be saved", "The database last open cannot be used") and the counts, which
    # showing the window made visible again, were drawn over each other.
    blocker = tmp_path / "config"
    blocker.write_text("not a folder")
    create_app()
    w = MainWindow(settings=QSettings(str(blocker / "s.ini"), QSettings.Format.IniFormat), lang="en")
    qtbot.addWidget(w)
    w.open_initial(db_path)
    w.show()
    qtbot.waitExposed(w)
    assert w.statusBar().currentMessage().startswith("Settings cannot be saved")
    assert not w.status.isVisible()
    w.statusBar().clearMessage()
    assert w.status.isVisible() and w.status.text().startswith(f"{len(w.session.rows)} ")


def test_a_status_message_is_seen_then_the_counts_come_back(window):
    # The counts' label took the whole bar as a permanent widget: Qt drew every message
    # ("Exported to …", "Database rebuilt: …") beneath it, unseen.
    bar = window.statusBar()
    bar.showMessage("Exported to /tmp/x.csv")
    assert not window.status.isVisible()
    img = bar.grab().toImage()
    inked = {img.pixelColor(x, y).name() for x in range(0, min(300, img.width()), 2) for y in range(img.height())}
    assert len(inked) > 2  # text drawn, not a bare bar
    bar.clearMessage()
    assert window.status.isVisible() and window.status.text().startswith(f"{len(window.session.rows)} ")


def test_settings_that_cannot_be_saved_are_said_to_be(qtbot, db_path, tmp_path, capfd):
    # A read-only home, or a file where the settings' folder should be: nothing was said,
    # and the layout, the language and the filters were silently forgotten.
    blocker = tmp_path / "config"
    blocker.write_text("not a folder")
    s = QSettings(str(blocker / "app" / "s.ini"), QSettings.Format.IniFormat)
    w = open_window(qtbot, db_path, s, lang="en")
    assert w.statusBar().currentMessage().startswith(f"Settings cannot be saved ({blocker} is not a folder)")
    w.close()
    assert f"settings could not be saved to {blocker / 'app' / 's.ini'}" in capfd.readouterr().err
    ok = open_window(qtbot, db_path, QSettings(str(tmp_path / "new" / "s.ini"), QSettings.Format.IniFormat))
    assert not ok.statusBar().currentMessage()  # a folder still to be made is fine


def test_about_names_every_licence_and_the_texts_are_there(window):
    text = window.about_text()
    for words in ("Natural Earth", "WenQuanYi", "MIT licence", "PySide6 and Qt 6, LGPL-3.0", "pyqtgraph (MIT)",
                  "OpenCC (Apache-2.0)", "Python (PSF licence)"):
        assert words in text, words
    # Where the texts are, as a path that holds them (packaged, "resources/licenses" was no
    # folder of the app's: they are under _internal/).
    assert f"({paths.resource('licenses')})" in text and paths.resource("licenses", "LGPL-3.0.txt").is_file()
    root = Path(__file__).resolve().parents[2]
    for name in ("resources/licenses/LGPL-3.0.txt", "resources/licenses/GPL-3.0.txt", "LICENSE"):
        assert (root / name).stat().st_size > 1000, name
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (root / "resources/licenses/LGPL-3.0.txt").read_text()


def test_the_timeline_can_be_made_short_for_the_table(qtbot, db_path, settings):
    # Its legend's minimum was that of a 100-pixel-wide legend (six lines): the timeline
    # could not be made shorter than ~410 px, leaving a laptop's table four rows.
    w = open_window(qtbot, db_path, settings, (1366, 768), lang="en")
    total = sum(w.main_split.sizes())
    w.main_split.setSizes([170, total - 170])
    QApplication.processEvents()
    assert w.timeline.height() <= 200 and w.table.height() >= total - 200
    assert w.timeline.minimumSizeHint().height() <= 200


def test_a_language_switch_or_a_reopen_leaves_no_old_panel_behind(qtbot, db_path, settings):
    # QDockWidget.setWidget keeps the widget it replaces: each old filter panel stayed, and
    # with it its session, its store and an open database file (+44 MB a reopen at 1M).
    import weakref

    from PySide6.QtCore import QEvent

    from explorer.gui.filter_panel import FilterPanel

    w = open_window(qtbot, db_path, settings, lang="en")
    first = weakref.ref(w.session)
    for lang in ("zh_CN", "en"):
        w.set_language(lang)
    assert w.open_database(db_path, interactive=False)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert w.dock.findChildren(FilterPanel) == [w.filters]
    assert first() is None  # the first session (and its store) is gone


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_filter_dock_cannot_be_dragged_narrower_than_its_panel(qtbot, db_path, settings, lang):
    # Dragged to 150 px the dock cut its panel's right side off: buttons halved, the counts
    # and the chips' ✕ gone.
    w = open_window(qtbot, db_path, settings, lang=lang)
    w.session.state.update("test", zones={"yangquan-hitech", "foxconn-jincheng"}, years=(2010, 2024),
                           categories={"reform", "project"}, text="阀门")
    w.resizeDocks([w.dock], [120], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    scroll = w.filters._scroll
    assert scroll.widget().width() <= scroll.viewport().width()
    for button in (w.filters.clear_all_button, w.filters.all_years_button):
        right = button.mapTo(scroll.viewport(), button.rect().topRight()).x()
        assert right < scroll.viewport().width(), button.text()


def test_an_image_export_names_its_pane_and_remembers_its_folder(window, tmp_path, monkeypatch):
    from explorer.gui import export_dialog

    dlg = export_dialog.ImageExportDialog(str(tmp_path), window)
    dlg.pane_combo.setCurrentIndex(dlg.pane_combo.findData("map"))
    assert dlg.path() == str(tmp_path / "map.png")
    dlg.path_edit.setText(str(tmp_path / "mine.svg"))
    dlg.pane_combo.setCurrentIndex(dlg.pane_combo.findData("timeline"))
    assert dlg.path() == str(tmp_path / "mine.svg")  # a name of the user's own stays
    folder = tmp_path / "images"
    folder.mkdir()

    class Chosen(export_dialog.ImageExportDialog):
        def exec(self):
            self.path_edit.setText(str(folder / "t.png"))
            return self.DialogCode.Accepted

    monkeypatch.setattr(export_dialog, "ImageExportDialog", Chosen)
    window.export_image()
    assert (folder / "t.png").exists() and window.settings.value("export/dir") == str(folder)


def test_an_image_export_onto_the_database_shown_is_refused(window, tmp_path, monkeypatch):
    # A link named *.png to the database: the picture replaced the database it shows.
    from explorer.gui import export_dialog

    db = Path(window.session.store.db.path)
    before = db.read_bytes()
    (tmp_path / "db.png").symlink_to(db)

    class Chosen(export_dialog.ImageExportDialog):
        def exec(self):
            self.path_edit.setText(str(tmp_path / "db.png"))
            return self.DialogCode.Accepted

    said = []
    monkeypatch.setattr(export_dialog, "ImageExportDialog", Chosen)
    monkeypatch.setattr("explorer.gui.main_window.QMessageBox.critical", lambda _parent, title, text: said.append(text))
    window.export_image()
    assert len(said) == 1 and said[0].startswith("The chosen file is the open event database")
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.png", "s.ini"]


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_the_timeline_s_image_carries_its_legend(window, tmp_path, monkeypatch, ext):
    # The image had no key: which colour is which category, what a hollow bar or a pile is.
    from explorer.gui import export_dialog

    class Chosen(export_dialog.ImageExportDialog):
        target = ""

        def exec(self):
            self.pane_combo.setCurrentIndex(self.pane_combo.findData(self.target.split(".")[0]))
            self.path_edit.setText(str(tmp_path / self.target))
            self.width_spin.setValue(1000)
            return self.DialogCode.Accepted

    monkeypatch.setattr(export_dialog, "ImageExportDialog", Chosen)
    legend, plot = window.timeline.legend, window.timeline.plot_widget
    names = [e.text for e in legend._entries if e.kind == "fill"]
    assert names
    for pane in ("timeline", "map"):
        Chosen.target = f"{pane}.{ext}"
        window.export_image()
    if ext == "svg":
        timeline_svg = (tmp_path / "timeline.svg").read_text(encoding="utf-8")
        assert all(f">{name}<" in timeline_svg for name in names)
        assert not any(f">{name}<" in (tmp_path / "map.svg").read_text(encoding="utf-8") for name in names)
        return
    image, scale = QImage(str(tmp_path / "timeline.png")), 1000 / plot.width()
    below = image.height() - round(plot.height() * scale)  # the legend's band under the plot
    assert abs(below - legend.heightForWidth(plot.width()) * scale) <= 2
    band = image.copy(0, image.height() - below, image.width(), below)
    colours = {band.pixelColor(x, y).name() for x in range(0, band.width(), 2) for y in range(0, band.height(), 2)}
    first = next(e for e in legend._entries if e.kind == "fill")
    assert first.colour.lower() in colours  # a category's swatch
    assert QImage(str(tmp_path / "map.png")).height() == round(window.map.plot_widget.height() * 1000
                                                               / window.map.plot_widget.width())


def test_timeline_click_updates_detail_and_table(window, qtbot):
    from tests.gui.test_timeline_view import click_view, own_items, reveal, settle

    tl = window.timeline
    tl.set_x_range(2016.5, 2025.5)
    settle(qtbot, tl)
    items = own_items(tl)
    row = int(tl._layout.row[items[0]])
    reveal(qtbot, tl, row)
    p = tl.item_position(row)
    click_view(qtbot, tl, p.x(), p.y())
    s = window.session
    assert s.selection.active == row
    assert s.store.record(row).title_zh in window.detail.plain_text()
    current = window.table.view.selectionModel().currentIndex()
    assert int(window.table.model.rows[current.row()]) == row


def test_large_export_runs_in_background_with_progress(window, tmp_path, monkeypatch):
    from explorer.core.export import ExportSpec
    from explorer.gui import export_dialog

    monkeypatch.setattr(export_dialog, "BACKGROUND_ROWS", 10)
    seen = []
    real = export_dialog.ExportWorker.run

    def run(self):
        seen.append(QThread_current())
        real(self)

    def QThread_current():  # noqa: N802
        from PySide6.QtCore import QThread

        return QThread.currentThread()

    monkeypatch.setattr(export_dialog.ExportWorker, "run", run)
    out = tmp_path / "big.csv"
    assert export_dialog.run_export(window, window.session, ExportSpec(), str(out), "utf-8-sig")
    from PySide6.QtWidgets import QApplication

    assert seen and seen[0] is not QApplication.instance().thread(), "the export ran off the GUI thread"
    assert out.read_text(encoding="utf-8-sig").count("\n") >= window.session.store.n


def test_background_export_failure_leaves_nothing(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from explorer.core.export import ExportSpec
    from explorer.gui import export_dialog

    monkeypatch.setattr(export_dialog, "BACKGROUND_ROWS", 10)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[2]))
    target = tmp_path / "missing" / "x.csv"
    assert not export_dialog.run_export(window, window.session, ExportSpec(), str(target), "utf-8-sig")
    assert shown and "does not exist" in shown[0]
    assert not target.parent.exists()


def test_the_filter_dock_takes_a_share_of_a_new_window_and_keeps_a_width_set_by_hand(qtbot, db_path, settings):
    def opened(size):
        return open_window(qtbot, db_path, settings, size, lang="en")

    w = opened((1200, 800))
    # Its lists would ask for their longest name's width (~500 px), squeezing a small window's panes.
    assert 250 <= w.dock.width() <= 0.25 * 1200
    assert w.timeline.width() > w.dock.width()
    w.resizeDocks([w.dock], [330], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: w.dock.width() == 330)
    w.close()
    w2 = opened((1200, 800))
    assert w2.dock.width() == 330  # remembered
    w2.resize(1600, 1000)
    w2.reset_layout()  # a new window's size (fitted to the 800x800 offscreen screen), and the dock's share of it
    assert w2.size() == default_size(w2.screen()) == QSize(720, 720)
    qtbot.waitUntil(lambda: w2.dock.width() == 250)  # 22% of 720 px, but at least 250
    w2.close()


def test_a_new_window_fits_the_screen_and_reset_layout_keeps_it_maximized(qtbot, db_path, settings):
    class Screen:  # the free area of a screen, as QScreen gives it
        def __init__(self, w, h):
            self.rect = QRect(0, 0, w, h)

        def availableGeometry(self):  # noqa: N802
            return self.rect

    assert default_size(Screen(1920, 1160)) == QSize(*DEFAULT_SIZE)  # room for the whole default
    assert default_size(Screen(1366, 728)) == QSize(1229, 655)  # a laptop: 90% of its free area
    assert default_size(None) == QSize(*DEFAULT_SIZE)
    create_app()
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    assert w.size() == default_size(w.screen())  # the offscreen screen is 800x800
    assert w.open_database(db_path, interactive=False)
    w.showMaximized()
    qtbot.waitUntil(lambda: w.isMaximized() and w.width() > 720)  # the whole (offscreen) screen
    size = w.size()
    w.reset_layout()
    qtbot.wait(20)
    assert w.isMaximized() and w.size() == size


def test_a_database_opened_in_a_shown_window_leaves_the_dock_its_width(qtbot, db_path, settings, tmp_path):
    # Opened from the menu (or after the placeholder), Qt laid the dock out anew for the
    # panel: ~820 px of a 1000-pixel window, the panes squeezed into the rest.
    create_app()
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_database(db_path, interactive=False)
    # Its share of a new window (22%, at least 250 px), the panes the rest, once laid out.
    qtbot.waitUntil(lambda: w.dock.width() == 250 and w.centralWidget().width() > 700)
    w.resizeDocks([w.dock], [300], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: w.dock.width() == 300)
    assert w.open_database(db_path, interactive=False)  # another database: the width set by hand stays
    qtbot.wait(50)
    assert w.dock.width() == 300
    w2 = MainWindow(settings=QSettings(str(tmp_path / "s2.ini"), QSettings.Format.IniFormat), lang="en")
    qtbot.addWidget(w2)
    w2.resize(1000, 600)
    w2.show()
    qtbot.waitExposed(w2)
    assert w2.open_database(db_path, interactive=False)
    w2.database_failed(DatabaseError(db_path, "damaged", "damaged"))  # as if a pane met damage
    qtbot.waitUntil(lambda: w2.session is None)
    qtbot.wait(50)
    # The start page has the window's width (the empty dock is hidden), the reason readable.
    assert w2.dock.isHidden() and w2.centralWidget().width() == w2.width()
    assert w2.open_database(db_path, interactive=False)  # the dock back, at its share
    qtbot.waitUntil(lambda: w2.dock.isVisible() and w2.dock.width() == 250 and w2.centralWidget().width() > 700)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_small_new_window_shows_every_toolbar_button(qtbot, db_path, settings, lang):
    # At 1200x800 in English the map's zoom buttons went to the toolbar's overflow menu.
    from PySide6.QtWidgets import QApplication, QToolBar

    from explorer.gui.application import apply_language

    apply_language(QApplication.instance(), lang)  # the English interface is restored after each test
    w = open_window(qtbot, db_path, settings, (1200, 800), lang=lang)
    for pane in (w.timeline, w.map):
        bar = pane.findChild(QToolBar)
        for act in bar.actions():
            if not act.isSeparator():
                assert bar.widgetForAction(act).isVisible(), (lang, act.text())
    w.close()


@pytest.mark.parametrize("value", ["abc", ["a", "b"], 7])
def test_settings_of_another_type_are_no_setting(qtbot, db_path, tmp_path, value):
    """A hand-edited or damaged settings file: each value the app reads is taken only when it
    is of its type (a version that was not a number stopped the app at start-up)."""
    create_app()
    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for key in ("settings_version", "language", "view/lane_mode", "filters/last"):
        s.setValue(key, value)
    s.setValue("export/dir", ["a", "b"])  # a list, where a folder's name should be
    s.setValue("window/geometry", "x")
    migrate_settings(s)
    assert int(s.value("settings_version")) == SETTINGS_VERSION
    assert resolve_language(None, s) in ("zh_CN", "en")
    w = MainWindow(settings=s, lang="zh_CN")
    qtbot.addWidget(w)
    assert w.open_database(db_path, interactive=False)
    assert w.session.lane_mode == "zone" and w.session.filters == Filters()
    shown = []
    for dialog in ("ExportDialog", "ImageExportDialog"):
        cls = getattr(export_dialog, dialog)

        def exec_(self, _shown=shown):
            _shown.append(self.path_edit.text())
            return 0
        with mock.patch.object(cls, "exec", exec_):
            w.actions["export" if dialog == "ExportDialog" else "export_image"].trigger()
    assert shown == [str(Path.home() / "timeline.csv"), str(Path.home() / "timeline.png")]
