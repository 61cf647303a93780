"""The window without a mouse: Tab goes round every pane, the keys the README lists reach
the widget that should have them, and menus offer only what can be done."""

import re

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QToolButton, QWidget

from explorer.gui.application import apply_language, create_app
from explorer.gui.main_window import MainWindow
from tests.gui.test_main_window import open_window


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, db_path, settings):
    w = open_window(qtbot, db_path, settings, lang="en")
    w.activateWindow()
    QApplication.processEvents()
    return w


def tab_round(start, key=Qt.Key.Key_Tab, most=300) -> list:
    """The widgets Tab (or ``key``) gives the focus to, from ``start`` until it comes back."""
    start.setFocus()
    QApplication.processEvents()
    seen = []
    for _ in range(most):
        QTest.keyClick(QApplication.focusWidget(), key)
        w = QApplication.focusWidget()
        if w is start:
            return seen
        if not seen or seen[-1] is not w:
            seen.append(w)
    raise AssertionError(f"the focus never came back: last {[type(w).__name__ for w in seen[-3:]]}")


@pytest.mark.parametrize("key", [Qt.Key.Key_Tab, Qt.Key.Key_Backtab])
def test_tab_goes_round_every_pane_and_out_of_each(window, key):
    s = window.session
    s.selection.select_one(int(s.rows[0]))  # the detail pane has links to go through
    round_ = tab_round(window.filters.search_edit, key)
    for pane in (window.filters.zone_tree, window.timeline.toolbar.mode_combo, window.timeline.plot_widget,
                 window.map.plot_widget, window.table.view, window.detail.browser):
        assert pane in round_, type(pane).__name__  # (Tab skipped the lanes' list: only Shift+Tab reached it)
    # No stop that is only a frame (the filter dock's scrolling body was one, with no name).
    assert not [w for w in round_ if isinstance(w, QScrollArea)]


def test_a_new_window_gives_its_keys_to_the_timeline(window):
    # The keys went to the first stop of the Tab order, the unringed "Lanes by" box: ↓ or
    # a letter typed at launch changed the lanes, and the user saw the timeline reordered.
    assert QApplication.focusWidget() is window.timeline.plot_widget
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_S)
    assert window.session.lane_mode == "zone"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # the first event in time (rows are in time order)
    assert window.session.selection.active == int(window.session.rows[0])


def test_ctrl_tab_leaves_the_detail_pane_past_its_links(window):
    # A long storyline's links took over forty Tabs to get past.
    s, browser = window.session, window.detail.browser
    s.selection.select_one(s.store.row_of("a000-sanhua-sanzhi-2019"))  # a storyline: many links

    def leave(key) -> tuple[QWidget, int]:
        """Where ``key`` pressed again and again takes the focus out of the pane, and how many presses."""
        browser.setFocus()
        for n in range(1, 300):
            QTest.keyClick(browser, key)
            if QApplication.focusWidget() is not browser:
                return QApplication.focusWidget(), n
        raise AssertionError("the focus never left")

    (after, presses), (before, _n) = leave(Qt.Key.Key_Tab), leave(Qt.Key.Key_Backtab)
    assert presses > 5  # links to go through
    for key, mods, there in ((Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier, after),
                             (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
                              before)):
        browser.setFocus()
        QTest.keyClick(browser, Qt.Key.Key_Tab)  # on a link
        assert browser.textCursor().hasSelection()
        QTest.keyClick(browser, key, mods)
        assert QApplication.focusWidget() is there, type(QApplication.focusWidget()).__name__


@pytest.mark.parametrize("where", ["table.view", "filters.search_edit", "filters.zone_tree", "filters.year_to",
                                   "timeline.plot_widget", "timeline.toolbar.mode_combo", "map.plot_widget",
                                   "detail.browser"])
def test_the_focus_stays_in_its_place_through_a_language_switch_and_another_database(window, qtbot, db_path, where):
    # The panes are made anew: the focus was nowhere, and ↓ or Tab did nothing useful.
    def widget():
        w = window
        for name in where.split("."):
            w = getattr(w, name)
        return w

    widget().setFocus()
    QApplication.processEvents()
    assert QApplication.focusWidget() is widget()
    window.set_language("en")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget())
    assert window.open_database(db_path, interactive=False)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget())


def test_esc_empties_the_search_box_before_it_clears_the_selection(window, qtbot):
    s, edit = window.session, window.filters.search_edit
    s.selection.select_one(int(s.rows[0]))
    edit.setFocus()
    edit.setText("阀门")  # as typed (QTest cannot type Chinese)
    qtbot.waitUntil(lambda: s.filters.text == "阀门")
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == "" and s.filters.text == ""
    assert s.selection.active is not None  # the selection stays
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    assert s.selection.active is None


def test_the_arrows_open_and_close_the_zone_tree(window):
    s, tree = window.session, window.filters.zone_tree
    s.selection.select_one(int(s.rows[0]))
    active = s.selection.active
    item = next(tree.topLevelItem(0).child(i) for i in range(tree.topLevelItem(0).childCount())
                if tree.topLevelItem(0).child(i).childCount())
    tree.setFocus()
    tree.setCurrentItem(item)
    item.setExpanded(False)
    QTest.keyClick(tree, Qt.Key.Key_Right)
    assert item.isExpanded()
    QTest.keyClick(tree, Qt.Key.Key_Left)
    assert not item.isExpanded()
    assert s.selection.active == active  # not a step to the next event
    window.table.view.setFocus()
    QTest.keyClick(window.table.view, Qt.Key.Key_Right)
    assert s.selection.active != active  # elsewhere, → still steps


def test_without_a_database_the_data_actions_are_off(qtbot, settings):
    create_app()
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    for key in ("export", "export_image", "fit", "zoom_sel", "zoom_yq", "search", "prev", "next", "clear_sel",
                "clear_filters", "lanes_zone", "lanes_category", "lanes_storyline"):
        assert not w.actions[key].isEnabled(), key
    assert w.actions["open"].isEnabled() and w.actions["about"].isEnabled()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_each_menu_gives_each_access_key_once(qtbot, settings, lang):
    app = create_app()
    apply_language(app, lang)
    try:
        w = MainWindow(settings=settings, lang=lang)
        qtbot.addWidget(w)
        menus = [a.menu() for a in w.menuBar().actions()]
        while menus:
            menu = menus.pop()
            keys = [m.group(1).lower() for a in menu.actions() if (m := re.search(r"&(\w)", a.text()))]
            assert len(keys) == len(set(keys)), (menu.title(), keys)
            named = [a.text() for a in menu.actions() if not a.isSeparator()]
            assert len(keys) == len(named), (menu.title(), named)  # every entry has one (中文 and English had none)
            menus += [a.menu() for a in menu.actions() if a.menu()]
    finally:
        apply_language(app, "en")


def test_a_screen_reader_names_every_pane_and_control(window):
    from PySide6.QtGui import QAccessible

    def name(widget) -> str:
        return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)

    f, tl, m = window.filters, window.timeline, window.map
    expected = {f.search_edit: "Search", f.zone_tree: "Zones", f.category_list: "Categories",
                f.storyline_list: "Storylines", tl.plot_widget: "Timeline",
                m.plot_widget: "Zone map", window.table.view: "Events", window.detail.browser: "Event details"}
    for widget, want in expected.items():
        assert name(widget) == want, type(widget).__name__
    combo = tl.mode_combo  # on Linux a combo box's name is its text: its label is related to it instead
    assert combo.accessibleName() == "Lanes by" and tl.toolbar.mode_label.buddy() is combo
    assert "←" in QAccessible.queryAccessibleInterface(tl.plot_widget).text(QAccessible.Text.Description)
    buttons = {name(b) for b in m.findChildren(QToolButton)}
    assert {"Zoom in", "Zoom out"} <= buttons and not {"+", "−"} & buttons


def test_the_table_says_in_words_what_its_marks_mean(window):
    from explorer.gui.event_table import COL_DATE, COL_TITLE, COL_ZONE

    s, model = window.session, window.table.model
    store = s.store
    role = Qt.ItemDataRole.AccessibleTextRole
    rows = list(model.rows)
    inferred = next(i for i, r in enumerate(rows) if store.record(int(r)).inferred)
    disputed = next(i for i, r in enumerate(rows) if store.record(int(r)).conflict)
    date = model.data(model.index(inferred, COL_DATE), role)
    assert date.endswith(", date inferred") and "*" not in date
    assert model.data(model.index(disputed, COL_TITLE), role) == \
        "Sources disagree: " + store.record(int(rows[disputed])).title(s.lang)
    # The zone column's tooltip is the place, whole, and where it lies (it was the title).
    rec = store.record(int(rows[0]))
    tip = model.data(model.index(0, COL_ZONE), Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[0].endswith(store.zones[int(store.zone[rows[0]])].name(s.lang)) and " › " in tip
    assert rec.title(s.lang) not in tip


def test_the_pane_the_keys_go_to_is_ringed(window):
    # The timeline, the map and the detail pane take keys but drew no focus of their own;
    # the table's (Qt's 1-pixel outline of the current cell) was all but invisible.
    panes = [window.timeline.plot_widget, window.map.plot_widget, window.detail.browser, window.table.view]
    ring = window.palette().color(QPalette.ColorRole.Highlight).name()
    for focused in (*panes, window.filters.search_edit):
        focused.setFocus()
        QApplication.processEvents()
        for pane in panes:
            img = pane.grab().toImage()
            edge = {img.pixelColor(x, y).name() for x, y in ((0, img.height() // 2), (img.width() // 2, 1))}
            assert (edge == {ring}) == (pane is focused), (type(pane).__name__, type(focused).__name__)


def test_ctrl_l_selects_the_event_s_timeline_for_the_export(window):
    # Selecting a timeline (for the "Selected timelines" export) took a click on its label.
    s = window.session
    store = s.store
    window.actions["select_lanes"].trigger()
    assert s.selection.lanes == () and window.statusBar().currentMessage().startswith("Select an event first")
    row = int(s.rows[5])
    s.selection.select_one(row)
    QTest.keyClick(window.table.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert s.selection.lanes == (f"zone:{store.zones[int(store.zone[row])].id}",)
    story = next(r for r in s.rows.tolist() if len(store.detail(int(r)).storylines) >= 2)
    s.set_lane_mode("storyline")
    s.selection.select_one(int(story))
    window.actions["select_lanes"].trigger()
    want = {f"storyline:{store.storylines[i].id}" for i in store.detail(int(story)).storylines}
    assert set(s.selection.lanes) == want


def test_shift_and_the_arrows_move_the_focused_map_not_the_selection(window):
    s, plot = window.session, window.map.plot_widget
    s.selection.select_one(int(s.rows[3]))
    active = s.selection.active
    window.map.zoom_to_yangquan()
    plot.setFocus()
    QApplication.processEvents()
    before = window.map._vb.viewRange()
    QTest.keyClick(plot, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    after = window.map._vb.viewRange()
    assert after[0][0] < before[0][0] and s.selection.active == active  # moved west, no step
    QTest.keyClick(plot, Qt.Key.Key_Right)
    assert s.selection.active != active  # the plain arrow still steps to the next event


def test_the_map_s_whole_province_has_a_key(window):
    window.map.zoom_to_yangquan()
    before = window.map._vb.viewRange()
    QTest.keyClick(window.table.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    after = window.map._vb.viewRange()
    assert after[0][1] - after[0][0] > 2 * (before[0][1] - before[0][0])  # zoomed out to Shanxi


@pytest.mark.parametrize("box", ["search_edit", "year_from", "year_to"])
def test_ctrl_y_zooms_the_map_to_yangquan_while_typing_a_search_or_a_year(window, box):
    # The boxes took Ctrl+Y as their redo (Ctrl+Shift+Z still is): the key did nothing there.
    window.map.fit_province()
    before = window.map._vb.viewRange()
    edit = getattr(window.filters, box)
    edit.setFocus()
    typed = "valve" if box == "search_edit" else "19"
    if box != "search_edit":
        edit.lineEdit().selectAll()
    QTest.keyClicks(edit, typed)
    QTest.keyClick(edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    after = window.map._vb.viewRange()
    assert after[0][1] - after[0][0] < (before[0][1] - before[0][0]) / 2  # zoomed in on Yangquan
    assert (edit.text() if box == "search_edit" else edit.lineEdit().text()) == typed


CTRL_E_UNDER_X11 = """
import json, sys
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from explorer.gui.application import create_app
from explorer.gui.main_window import MainWindow
app = create_app()
w = MainWindow(settings=QSettings(sys.argv[2], QSettings.Format.IniFormat), lang="en")
w.open_database(sys.argv[1], interactive=False)
w.show()
w.activateWindow()
QTest.qWaitForWindowActive(w)
export = w.actions["export"]
export.triggered.disconnect()  # (the dialog would wait for an answer)
fired = []
export.triggered.connect(lambda *_: fired.append(QApplication.focusWidget()))
out = {"platform": app.platformName()}
for name in ("search_edit", "year_from"):
    box = getattr(w.filters, name)
    box.setFocus()
    QTest.qWait(50)
    edit = box if name == "search_edit" else box.lineEdit()
    if name == "search_edit":
        edit.setText("valve")
    edit.setCursorPosition(1)
    QTest.keyClick(box, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(50)
    out[name] = {"exported": len(fired), "cursor": edit.cursorPosition()}
    fired.clear()
print(json.dumps(out))
"""


def test_ctrl_e_exports_while_typing_under_x11(db_path, tmp_path):
    # X11's key bindings make Ctrl+E a text box's "end of line": in the search and year
    # boxes it moved the cursor and Export did not open (the offscreen platform binds keys
    # as Windows does, so this runs on a virtual X display).
    import json
    import os
    import shutil
    import subprocess
    import sys

    if not shutil.which("xvfb-run"):
        pytest.skip("xvfb-run is not installed (tools/system-deps.sh installs it)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    r = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", CTRL_E_UNDER_X11, str(db_path), str(tmp_path / "s.ini")],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["platform"] == "xcb"
    assert got["search_edit"] == {"exported": 1, "cursor": 1}
    assert got["year_from"] == {"exported": 1, "cursor": 1}
