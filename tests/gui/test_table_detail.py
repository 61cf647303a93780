"""The event table and the detail pane follow the shared session."""

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QFontMetricsF, QImage, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLineEdit, QTableView, QWidget

from explorer.core.dates import format_range
from explorer.core.session import Session
from explorer.core.store import EventStore
from explorer.gui.application import apply_language
from explorer.gui.detail_view import DetailView
from explorer.gui.event_table import (
    COL_CATEGORY,
    COL_DATE,
    COL_TITLE,
    COL_ZONE,
    COLUMN_MIN_WIDTHS,
    COLUMN_WIDTHS,
    TITLE_SHARE,
    EventTable,
)
from tests.gui import on_screen


def test_table_follows_filter_and_counts(qtbot, session):
    t = EventTable(session)
    qtbot.addWidget(t)
    assert t.model.rowCount() == session.store.n
    session.state.update("test", zones={"yangquan-hitech"})
    n = len(session.rows)
    assert 0 < n < session.store.n
    assert t.model.rowCount() == n
    assert t.caption.text().startswith(f"{n} ")
    titles = {t.model.index(i, COL_TITLE).data() for i in range(n)}
    assert titles == {r.title_zh for r in session.store.records(session.rows)}
    # A title whose sources disagree carries the timeline's red "!" badge, as its decoration.
    marked = {t.model.index(i, COL_TITLE).data(Qt.ItemDataRole.DecorationRole) is not None for i in range(n)}
    conflicts = {bool(r.conflict) for r in session.store.records(session.rows)}
    assert marked == conflicts == {True, False}
    # ... and not in its text, which the view's keyboard search matches from the start.
    i = next(i for i, r in enumerate(session.store.records(t.model.rows)) if r.conflict)
    title = t.model.index(i, COL_TITLE).data()
    t.view.setCurrentIndex(t.model.index(0 if i else 1, COL_TITLE))
    t.view.keyboardSearch(title)
    assert t.view.currentIndex().row() == i


@pytest.mark.parametrize("small", [True, False])
def test_a_small_database_is_read_ahead_once_the_table_is_shown(qtbot, store, monkeypatch, small):
    # Its records are read into memory after the first paint, so later filter changes show
    # rows without reading the database; a larger one is left to be read as rows are shown.
    from explorer.gui import event_table

    fresh = EventStore(store.db)  # an empty record cache
    monkeypatch.setattr(event_table, "READ_AHEAD_MAX", fresh.n if small else fresh.n - 1)
    ran = []  # the read-ahead's turn came (queued behind the first paint: wait for it, not a time)
    real_read_ahead = EventTable._read_ahead
    monkeypatch.setattr(EventTable, "_read_ahead", lambda self: (real_read_ahead(self), ran.append(True)))
    session = Session(fresh, lang="zh")
    table = on_screen(qtbot, EventTable(session), (900, 400))
    qtbot.waitUntil(lambda: bool(ran))
    assert (len(fresh._cache) == fresh.n) == small
    reads = []
    real_fetch = fresh._fetch
    monkeypatch.setattr(fresh, "_fetch", lambda *a: (reads.append(a), real_fetch(*a)))
    session.state.update(None, zones={"yangquan-valve"})
    table.view.viewport().repaint()
    assert (reads == []) == small


def test_a_filter_change_reads_the_rows_the_table_shows(qtbot, store, monkeypatch):
    # Rows below the view are not read ahead: in a large database each costs as much as a
    # row shown.  (A database this small is read ahead whole: not here.)
    from explorer.gui import event_table

    fresh = EventStore(store.db)  # an empty record cache
    monkeypatch.setattr(event_table, "READ_AHEAD_MAX", 0)
    session = Session(fresh, lang="zh")
    table = on_screen(qtbot, EventTable(session), (900, 400))
    qtbot.wait(20)
    read: list[int] = []  # rows read from the database
    real_remember = fresh._remember
    monkeypatch.setattr(fresh, "_remember", lambda rec: (read.append(rec.row), real_remember(rec)))
    before = set(fresh._cache)  # the rows shown first, unfiltered
    session.state.update(None, zones={"yangquan-hitech"})
    view = table.view
    view.viewport().repaint()
    last = view.rowAt(view.viewport().height() - 1)
    assert 10 < last < len(session.rows) - 10  # the view shows some of the rows, not all
    # (The store reads the few rows between two it is asked for in the same statement, so
    # rows are compared by range: the table's rows are in date order, as the store's.)
    shown = {int(r) for r in table.model.rows[: last + 1]} - before
    assert len(shown) > 5
    assert shown <= set(read) and max(read) == max(shown)  # nothing below the view
    # Scrolled down, the rows that come into view are read (those above are in memory).
    read.clear()
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 5)
    view.viewport().repaint()
    now = view.rowAt(view.viewport().height() - 1)
    assert now > last
    new = [int(r) for r in table.model.rows[last + 1 : now + 1]]
    assert min(read) == min(new) and max(read) == max(new) and set(new) <= set(read)


def test_the_table_paints_its_rows_as_qts_item_delegate_does(qtbot, session):
    # The view paints its rows itself, for speed: what it shows must be what a plain
    # QTableView on the same model shows (backgrounds, selection, swatches, italic and red
    # text, elision, grid, focus frame), pixel for pixel.
    table = EventTable(session)
    plain = QTableView()
    plain.setModel(table.model)
    for name in ("SelectionBehavior", "SelectionMode", "AlternatingRowColors", "WordWrap",
                 "VerticalScrollBarPolicy", "ShowGrid", "TextElideMode"):
        getattr(plain, f"set{name}")(getattr(table.view, name[0].lower() + name[1:])())
    plain.verticalHeader().setVisible(False)
    plain.verticalHeader().setDefaultSectionSize(table.view.verticalHeader().defaultSectionSize())
    plain.setSelectionModel(table.view.selectionModel())  # the same selection and current cell
    sink = QLineEdit()  # holds the focus when neither table should
    box = QWidget()
    row = QHBoxLayout(box)
    for w in (table, plain, sink):
        row.addWidget(w)
    # Colours that differ while the view has no focus, as some platforms' palettes do.
    palette = table.view.palette()
    for role, colour in ((QPalette.ColorRole.Highlight, "#9E9E9E"), (QPalette.ColorRole.HighlightedText, "#202020"),
                         (QPalette.ColorRole.AlternateBase, "#EEF3F8")):
        palette.setColor(QPalette.ColorGroup.Inactive, role, QColor(colour))
    for view in (table.view, plain):
        view.setPalette(palette)
    on_screen(qtbot, box, (1900, 420))
    plain.setFixedSize(table.view.size())
    store = session.store
    inferred = next(r for r in range(store.n) if store.record(r).inferred)
    conflict = next(r for r in range(store.n) if store.record(r).conflict)
    states = [
        (lambda: None, False),
        (lambda: session.selection.select_one(inferred), False),
        (lambda: session.state.update(None, zones={store.zones[store.record(conflict).zone].id}), False),
        (lambda: session.selection.select_one(conflict), True),
        (lambda: table.view.setCurrentIndex(table.model.index(1, COL_CATEGORY)), True),
        (lambda: session.set_language("en"), False),
    ]

    def shown(view, focused):
        (view if focused else sink).setFocus()
        qtbot.wait(10)
        assert view.hasFocus() == focused
        return view.viewport().grab().toImage()

    for k, (change, focused) in enumerate(states):
        sink.setFocus()
        change()
        for c in range(4):  # the same columns (the category column fits its names in each language)
            plain.horizontalHeader().resizeSection(c, table.view.horizontalHeader().sectionSize(c))
        ours, theirs = shown(table.view, focused), shown(plain, focused)
        assert ours.size() == theirs.size()
        assert ours == theirs, f"state {k}"
    session.state.clear(None)
    session.set_language("zh")


def test_a_font_change_redraws_the_cells_in_the_new_font(qtbot, session):
    # The view keeps the cells' laid-out (and elided) texts between paints: after a font
    # change it must draw what a view made with that font draws.
    def shown(table):
        return table.view.viewport().grab().toImage()

    def narrow(table):  # narrow columns: zone names and categories are elided
        table.view.verticalHeader().setDefaultSectionSize(40)
        for c in range(4):
            table.view.horizontalHeader().resizeSection(c, 70)

    bigger = QFont(QApplication.font())
    bigger.setPointSizeF(bigger.pointSizeF() * 1.5)
    table = EventTable(session)
    narrow(table)
    on_screen(qtbot, table, (900, 300))
    before = shown(table)
    table.view.setFont(bigger)
    fresh = EventTable(session)
    fresh.view.setFont(bigger)
    narrow(fresh)
    on_screen(qtbot, fresh, (900, 300))
    after, expected = shown(table), shown(fresh)
    h = min(after.height(), expected.height(), 200)  # (the header may leave the views different heights)
    assert after.copy(0, 0, after.width(), h) != before.copy(0, 0, before.width(), h)
    assert after.copy(0, 0, after.width(), h) == expected.copy(0, 0, expected.width(), h)


def test_resized_columns_elide_their_cells_as_a_new_view_of_that_width_does(qtbot, session):
    # Laid-out cell texts are kept between paints: widening or narrowing a column must show
    # them whole or elided as a view made at that width shows them.
    def sized(table, width):
        table.setFixedSize(600, 260)
        for c in range(4):
            table.view.horizontalHeader().resizeSection(c, width)
        return table

    box = QWidget()
    row = QHBoxLayout(box)
    table = sized(EventTable(session), 60)
    sink = QLineEdit()  # holds the focus: neither table shows the active colours or a focus frame
    row.addWidget(sink)
    row.addWidget(table)
    on_screen(qtbot, box, (1800, 300))
    sink.setFocus()
    for width in (200, 60, 90):
        sized(table, width)
        fresh = sized(EventTable(session), width)  # in the same window: the same palette group
        row.addWidget(fresh)
        fresh.show()
        # The views lay out their scroll bars later (a posted request): wait for both.
        qtbot.waitUntil(lambda f=fresh: table.view.viewport().size() == f.view.viewport().size(), timeout=3000)
        qtbot.wait(10)
        assert table.view.viewport().grab().toImage() == fresh.view.viewport().grab().toImage(), width
        row.removeWidget(fresh)
        fresh.deleteLater()


def test_a_narrow_table_keeps_room_for_titles_until_its_columns_are_set_by_hand(qtbot, session):
    table = on_screen(qtbot, EventTable(session), (1000, 300))
    view, header = table.view, table.view.horizontalHeader()
    usual = [view._usual[c] for c in (COL_DATE, COL_ZONE, COL_CATEGORY)]
    least = [COLUMN_MIN_WIDTHS[c] for c in (COL_DATE, COL_ZONE, COL_CATEGORY)]
    assert usual[0] > COLUMN_WIDTHS[COL_DATE]  # widened for the data's inferred day ranges

    def widths():
        return [header.sectionSize(c) for c in (COL_DATE, COL_ZONE, COL_CATEGORY, COL_TITLE)]

    def resized(width):
        table.resize(width, 300)
        qtbot.waitUntil(lambda: width - 40 < view.viewport().width() < width)  # less its frame and scroll bar
        return widths()

    assert widths()[:3] == usual and view.column_widths() is None  # wide enough: the usual widths
    date, zone, category, title = resized(520)
    assert title >= TITLE_SHARE * view.viewport().width() - 1
    # The date column's room for ranges gives way first, then the zone and category
    # columns together, each keeping the same share of its room (a zone cut to its least
    # width told none from another), the date column's usual width last.
    assert date == COLUMN_WIDTHS[COL_DATE] and zone < usual[1] and category < usual[2]
    kept = [(w - lo) / (u - lo) for w, u, lo in ((zone, usual[1], least[1]), (category, usual[2], least[2]))]
    assert 0.1 < kept[0] == pytest.approx(kept[1], abs=0.03)
    assert resized(200)[:3] == least  # no column below its least width
    assert resized(1000)[:3] == usual  # and back
    header.resizeSection(COL_ZONE, 90)  # by hand: kept whatever the table's width
    assert view.column_widths() == [usual[0], 90, usual[2]]
    assert resized(300)[:3] == [usual[0], 90, usual[2]]
    view.reset_columns()
    assert view.column_widths() is None and widths()[:3] != [usual[0], 90, usual[2]]
    assert resized(1000)[:3] == usual


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wide_table_shows_every_date_whole(qtbot, session, lang):
    # Day ranges ("2017年12月16日—2017年12月17日 *") were cut short even in a wide table
    # with room to spare for the titles.
    session.set_language(lang)
    table = on_screen(qtbot, EventTable(session), (1300, 300))
    view = table.view
    italic = QFont(view.font())
    italic.setItalic(True)
    widest = max(QFontMetricsF(italic if t.endswith(" *") else view.font()).horizontalAdvance(t)
                 for t in (table.model.index(i, COL_DATE).data() for i in range(table.model.rowCount())))
    assert view.horizontalHeader().sectionSize(COL_DATE) >= widest + 4
    session.set_language("zh")


def test_table_texts_follow_language_and_sort(qtbot, session):
    """The table caches display texts: a language switch or a new order must not show stale ones."""
    t = EventTable(session)
    qtbot.addWidget(t)
    first = int(t.model.rows[0])
    rec = session.store.record(first)
    assert t.model.index(0, COL_TITLE).data().endswith(rec.title_zh)
    assert t.model.index(0, COL_ZONE).data() == session.store.zones[rec.zone].name_zh
    session.set_language("en")
    assert t.model.index(0, COL_TITLE).data().endswith(rec.title_en)
    assert t.model.index(0, COL_ZONE).data() == session.store.zones[rec.zone].name_en
    t.model.sort(COL_ZONE, Qt.SortOrder.DescendingOrder)
    last = int(t.model.rows[0])
    assert t.model.index(0, COL_ZONE).data() == session.store.zones[session.store.record(last).zone].name_en
    session.set_language("zh")


def test_table_selection_drives_session_and_back(qtbot, session):
    t = EventTable(session)
    qtbot.addWidget(t)
    sm = t.view.selectionModel()
    sm.select(t.model.index(2, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    sm.select(t.model.index(5, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert session.selection.rows == {int(t.model.rows[2]), int(t.model.rows[5])}
    session.selection.select_one(int(t.model.rows[7]), "elsewhere")
    selected = [i.row() for i in sm.selectedRows()]
    assert selected == [7]
    assert sm.currentIndex().row() == 7


def test_ctrl_click_and_ctrl_a_in_the_table_keep_the_events_the_filters_hide(qtbot, session, store):
    # They rebuilt the selection from the rows the table shows: a hidden event was dropped
    # for good (the status bar says hidden events stay selected; the timeline keeps them).
    t = on_screen(qtbot, EventTable(session), (900, 500))
    hitech = store.zone_mask(["yangquan-hitech"])
    inside, outside = (int(r) for r in (np.flatnonzero(hitech)[0], np.flatnonzero(~hitech)[0]))
    session.selection.set({inside, outside}, inside)
    session.state.update(None, zones={"yangquan-hitech"})
    v, rows = t.view, [int(r) for r in t.model.rows]
    other = next(k for k, r in enumerate(rows) if r != inside)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, ctrl, v.visualRect(t.model.index(other, 3)).center())
    assert session.selection.rows == {inside, outside, rows[other]}
    v.setFocus()
    qtbot.keyClick(v, Qt.Key.Key_A, ctrl)
    assert session.selection.rows == {*rows, outside}
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=v.visualRect(t.model.index(other, 3)).center())
    assert session.selection.rows == {rows[other]}  # a plain click selects anew, as on the timeline


def test_the_current_row_follows_its_event_through_a_sort(qtbot, session):
    # With nothing selected, the focus row stayed where it was (another event after the
    # sort): Down then went on from there.
    t = on_screen(qtbot, EventTable(session), (900, 500))
    v, m = t.view, t.model
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=v.visualRect(m.index(5, 3)).center())
    event = session.selection.active
    session.selection.clear()
    assert int(m.rows[v.currentIndex().row()]) == event
    v.sortByColumn(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert v.currentIndex().row() == m.view_row_of(event) != 5
    v.setFocus()
    qtbot.keyClick(v, Qt.Key.Key_Down)
    assert m.view_row_of(session.selection.active) == m.view_row_of(event) + 1


def test_a_large_selection_is_shown_as_runs_of_rows_and_kept_through_sorts(qtbot, synth_session):
    # A range a row (and the header asking of every row whether its column was selected)
    # made thousands of selected rows take seconds to show, and a sort over half a minute.
    session = synth_session
    t = on_screen(qtbot, EventTable(session), (900, 500))
    v, m, sm = t.view, t.model, t.view.selectionModel()
    chosen = set(range(0, 1500)) | set(range(2000, 2600))
    session.selection.set(chosen, 2000)
    assert len(sm.selection()) == 2  # two runs of rows in date order
    for column in (COL_ZONE, COL_TITLE, COL_DATE):
        v.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        assert {int(m.rows[i.row()]) for i in sm.selectedRows()} == chosen, column
        assert int(m.rows[v.currentIndex().row()]) == 2000
    v.setFocus()
    qtbot.keyClick(v, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert session.selection.rows == set(range(session.store.n)) and len(sm.selection()) == 1
    assert v.horizontalHeader().selectionModel() is not sm and not v.horizontalHeader().selectionModel().hasSelection()
    session.selection.clear()
    v.sortByColumn(COL_ZONE, Qt.SortOrder.AscendingOrder)  # nothing selected: nothing to show
    assert not sm.hasSelection()


def test_figures_read_in_english_units_in_english(qtbot, session, store):
    # The English pane showed "69.84亿元", "15家": units an English reader cannot read.
    from explorer.core.store import FigureInfo

    d = DetailView(session)
    qtbot.addWidget(d)
    row = store.row_of("a003-2017-pingding-signings")
    session.selection.select_one(row, "test")
    assert "69.84亿元" in d.plain_text()
    session.set_language("en")
    text = d.plain_text()
    figures = text.split("Figures")[1].split("Sources")[0]  # (the title in the other language stays Chinese)
    assert "6.984 billion yuan" in figures and "亿元" not in figures
    for value, unit, en in ((5, "亿元", "500 million yuan"), (4, "万吨", "40,000 tonnes"), (15, "家", "15"),
                            (54.5, "%", "54.5%"), (1, "平方公里", "1 km²"), (1.5, "万人", "15,000 people")):
        f = FigureInfo(value, None, unit, "", "")
        assert f.value_text("en") == en and f.value_text("zh") == f"{value:g}{unit}"
    assert FigureInfo(3, 5, "年", "", "").value_text("en") == "3–5 years"


def test_the_date_column_shows_each_date_as_written_in_the_data_language(qtbot, session):
    # Known to the year, month or day and never padded; a range with both ends; an inferred
    # date marked " *" (the mark the legend and the detail pane explain).
    t = EventTable(session)
    qtbot.addWidget(t)
    expected = {  # event: (Chinese, English)
        "a000-valve-founded": ("1924年", "1924"),
        "a000-sanhua-sanzhi-2019": ("2019年2月", "Feb 2019"),
        "a000-xi-visit-valve": ("2025年7月7日", "7 Jul 2025"),
        "a004-thirty-years": ("1993年—2023年", "1993 – 2023"),
        "a004-1993-starting-point": ("1993年 *", "1993 *"),  # inferred from the text
        "a003-2017-platform-investment": ("2017年1月—2017年10月 *", "Jan 2017 – Oct 2017 *"),  # inferred range
        "a003-2017-12-zone-conference": ("2017年12月16日—2017年12月17日 *", "16 Dec 2017 – 17 Dec 2017 *"),
    }

    def shown() -> dict[str, str]:
        at = {int(r): i for i, r in enumerate(t.model.rows)}
        return {e: t.model.index(at[session.store.row_of(e)], COL_DATE).data() for e in expected}

    assert shown() == {e: zh for e, (zh, _en) in expected.items()}
    session.set_language("en")
    assert shown() == {e: en for e, (_zh, en) in expected.items()}
    session.set_language("zh")
    assert shown() == {e: zh for e, (zh, _en) in expected.items()}


def test_table_sorts_by_zone(qtbot, session):
    t = EventTable(session)
    qtbot.addWidget(t)
    t.view.sortByColumn(COL_ZONE, Qt.SortOrder.AscendingOrder)
    zones = session.store.zone[t.model.rows]
    assert np.all(np.diff(zones) >= 0)
    t.view.sortByColumn(COL_ZONE, Qt.SortOrder.DescendingOrder)
    assert np.all(np.diff(session.store.zone[t.model.rows]) <= 0)


@pytest.mark.parametrize("key", ["menu", "shift+f10"])
def test_the_keys_sort_the_table_through_its_context_menu(qtbot, session, key):
    # Sorting took a click on a header: no key reached it.
    t = on_screen(qtbot, EventTable(session), (700, 300))
    t.view.setFocus()
    qtbot.waitUntil(t.view.hasFocus)
    t.view.setCurrentIndex(t.model.index(2, COL_TITLE))
    if key == "menu":  # the platform makes the Menu key a context menu event for the focus
        QApplication.sendEvent(t.view, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), t.view.mapToGlobal(QPoint(5, 5))))
    else:
        qtbot.keyClick(t.view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = QApplication.activePopupWidget()
    assert menu is not None
    row = t.view.visualRect(t.model.index(2, 0))
    assert menu.pos() == t.view.viewport().mapToGlobal(row.bottomLeft())  # under the current row
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Sort by Date", "Sort by Zone", "Sort by Category", "Sort by Title", "Ascending", "Descending"]
    checked = [a.text() for a in menu.actions() if a.isChecked()]
    assert checked == ["Sort by Date", "Ascending"]  # what the table is sorted by
    by_zone = menu.actions()[1]
    for _ in range(2):  # the menu answers the keys: the first row, then the second
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    assert menu.activeAction() is by_zone
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert not menu.isVisible()
    assert t.view.horizontalHeader().sortIndicatorSection() == COL_ZONE, by_zone.text()
    assert np.all(np.diff(session.store.zone[t.model.rows]) >= 0)
    down = next(a for a in t.sort_menu().actions() if a.text() == "Descending")
    down.trigger()
    assert t.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert np.all(np.diff(session.store.zone[t.model.rows]) <= 0)
    header = t.view.horizontalHeader()  # a right click on the header: the menu where it was clicked
    at = header.mapToGlobal(QPoint(30, 5))
    QApplication.sendEvent(header, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(30, 5), at))
    menu = QApplication.activePopupWidget()
    assert menu is not None and menu.pos() == at
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["Sort by Zone", "Descending"]
    menu.close()


def shown_date(d: DetailView, session: Session, event_id: str, heading: tuple[str, str] = ("Date", "日期")) -> str:
    """What the detail pane shows under its Date (日期) heading, or another ``heading`` (in
    English and Chinese), once event ``event_id`` is selected."""
    session.selection.select_one(session.store.row_of(event_id), "test")
    lines = d.plain_text().splitlines()
    return lines[next(i for i, line in enumerate(lines) if line in heading) + 1]


def test_detail_says_when_the_filters_leave_nothing_to_select(qtbot, session):
    # With no event left it still asked the user to select one on the timeline.
    d = DetailView(session)
    qtbot.addWidget(d)
    assert d.plain_text().startswith("Select an event")
    session.state.update("test", text="no such words anywhere")
    assert not len(session.rows) and d.plain_text() == "No events match the current filters."
    session.state.update("test", text="")
    assert d.plain_text().startswith("Select an event")
    row = int(session.rows[0])
    session.selection.select_one(row, "test")
    session.state.update("test", text="no such words anywhere")  # the event shown stays, marked hidden
    assert session.store.record(row).title_zh in d.plain_text()


def test_detail_shows_precision_sources_and_conflicts(qtbot, session):
    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    row = store.row_of(next(r.id for r in store.records(range(store.n)) if r.date.iso() == "1924"))
    session.selection.select_one(row, "test")
    text = d.plain_text()
    assert "1924年" in text and "1月1日" not in text
    assert store.record(row).title_zh in text and store.record(row).title_en in text
    assert "000_9fac87c4b1f409f3" in text
    conflict_row = next(r.row for r in store.records(range(store.n)) if r.conflict == "hitech-rename-year")
    session.selection.select_one(conflict_row, "test")
    text = d.plain_text()
    assert "2020" in text and "2021" in text  # both versions side by side
    # The date as written, to its precision, with the precision named; a range with both ends.
    # Data in Chinese (the session's), words of the English interface:
    assert shown_date(d, session, "a000-valve-founded") == "1924年 (precision: year)"
    assert shown_date(d, session, "a000-sanhua-sanzhi-2019") == "2019年2月 (precision: month)"
    assert shown_date(d, session, "a000-xi-visit-valve") == "2025年7月7日 (precision: day)"
    assert shown_date(d, session, "a004-thirty-years") == "1993年—2023年 (precision: year)"
    assert shown_date(d, session, "a003-2017-07-hitech-restructure") == "2017年7月 (precision: month)"
    session.set_language("en")
    assert shown_date(d, session, "a000-valve-founded") == "1924 (precision: year)"
    assert shown_date(d, session, "a000-sanhua-sanzhi-2019") == "Feb 2019 (precision: month)"
    assert shown_date(d, session, "a000-xi-visit-valve") == "7 Jul 2025 (precision: day)"
    assert shown_date(d, session, "a004-thirty-years") == "1993 – 2023 (precision: year)"
    # The status written as the other values of the table are, capitalised.
    status = {r.status: r.id for r in store.records(range(store.n))}
    words = {"occurred": "Occurred", "planned": "Planned", "reported": "Reported as of publication"}
    assert set(status) == set(words)
    for value, event_id in status.items():
        assert shown_date(d, session, event_id, ("Status", "状态")) == words[value]
    session.set_language("zh")
    apply_language(QApplication.instance(), "zh_CN")  # the Chinese interface (English again after the test)
    assert shown_date(d, session, "a000-sanhua-sanzhi-2019") == "2019年2月（精度：月）"
    assert shown_date(d, session, "a000-xi-visit-valve") == "2025年7月7日（精度：日）"
    assert shown_date(d, session, "a004-thirty-years") == "1993年—2023年（精度：年）"  # (no space before a full-width bracket)
    assert shown_date(d, session, status["planned"], ("Status", "状态")) == "计划中"


def test_the_detail_pane_marks_disagreeing_sources_with_the_timelines_badge(qtbot, session):
    from explorer.gui.badge import FILL

    def badge_pixels() -> int:
        img = d.browser.viewport().grab().toImage()
        return sum(img.pixelColor(x, y) == FILL for x in range(img.width()) for y in range(0, img.height(), 2))

    d = on_screen(qtbot, DetailView(session), (520, 1400))  # tall enough to show the versions
    store = session.store
    plain = next(r.row for r in store.records(range(store.n)) if not r.conflict)
    session.selection.select_one(plain, "test")
    assert badge_pixels() == 0
    session.selection.select_one(next(r.row for r in store.records(range(store.n)) if r.conflict), "test")
    assert badge_pixels() > 20  # the red disc of its "!" (a character would be text-coloured)


def test_detail_storyline_link_selects_event(qtbot, session):
    from PySide6.QtCore import QUrl

    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    row = int(store.storyline_mask(["yangquan-valve"]).nonzero()[0][0])
    session.selection.select_one(row, "test")
    assert "href='event:" in d._render(store.detail(row))
    other = store.detail(row).storyline_rows[store.storyline_index["yangquan-valve"]][0]
    d.browser.anchorClicked.emit(QUrl(f"event:{other}"))
    assert session.selection.active == other


def test_detail_storyline_list_writes_dates_as_the_table_does(qtbot, session):
    # A range keeps its end (Jan–Oct 2017 is not "Jan 2017") and an inferred date its mark.
    from explorer.core.dates import format_range

    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    recs = [r for r in store.records(range(store.n)) if store.detail(r.row).storylines]
    ranged = [r for r in recs if r.date_end is not None]
    inferred = [r for r in recs if r.inferred]
    assert ranged and inferred
    for rec in (ranged[0], inferred[0]):
        sid = store.detail(rec.row).storylines[0]
        host = next(int(x) for x in np.flatnonzero(store.storyline_mask([store.storylines[sid].id])) if int(x) != rec.row)
        detail = store.detail(host)
        assert rec.row in detail.storyline_rows[sid]
        html = d._render(detail)
        when = format_range(rec.date, rec.date_end, session.lang)
        shown = f"<i>{when} *</i>" if rec.inferred else when
        assert f"<a href='event:{rec.row}'>{shown} · " in html


def test_detail_marks_inferred_dates_and_names_lines_as_lines(qtbot, session):
    # The conflict table wrote an inferred date as a stated one; the locator called a file's
    # line a paragraph and counted its characters from 0 with the end left out.
    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    # Inferred 2023, in a conflict with an event of another date (inferred 2023-07), so the
    # mark found in the other's conflict table can only be this one's.
    matrix = store.row_of("a004-yuanqu-432-matrix")
    rec = store.record(matrix)
    assert rec.inferred and rec.conflict
    other = store.row_of("a004-yuanqu-pumped-storage")
    assert store.record(other).conflict == rec.conflict and store.record(other).date != rec.date
    html = d._render(store.detail(other))
    table = html[html.index("<table class='grid'>"):]
    assert f"<i>{format_range(rec.date, rec.date_end, session.lang)} *</i>" in table
    src = store.detail(matrix).sources[0]
    session.selection.select_one(matrix)
    assert f"line {src.para}, characters {src.start + 1}–{src.end}" in d.plain_text()
    # Chinese storylines are listed with the enumeration comma.
    many = next(r for r in range(store.n) if len(store.detail(r).storylines) >= 2)
    names = [store.storylines[i].name("zh") for i in store.detail(many).storylines]
    assert "、".join(names) in d._render(store.detail(many))


def test_detail_passage_highlight_when_corpus_present(qtbot, session, seeds_dir):
    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    assert store.has_passages
    row = store.row_of(next(r.id for r in store.records(range(store.n)) if r.date.iso() == "2019-02"))
    session.selection.select_one(row, "test")
    html = d._render(store.detail(row))
    assert "<mark>" in html and "2019年2月" in html


def _fragments(doc) -> list[tuple[str, list | None]]:
    """(text, font families) of each run of the document."""
    out, block = [], doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            f = it.fragment()
            out.append((f.text(), f.charFormat().fontFamilies()))
            it += 1
        block = block.next()
    return out


def test_detail_sets_each_language_in_its_own_fonts_and_brackets(qtbot, session):
    from explorer.gui import application

    application.create_app()
    ui, cjk = application.font_families("en")[0], application.font_families("zh")[0]
    if ui == cjk:
        pytest.skip(f"the system's interface font is the CJK font itself ({ui})")
    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    rec = next(r for r in store.records(range(store.n)) if r.inferred and r.conflict)
    session.selection.select_one(rec.row, "test")
    runs = _fragments(d.browser.document())

    def families_of(text: str) -> list:
        return next(fams for t, fams in runs if text in t)

    # In the Chinese pane, English text (its title and summary) is set in the interface font,
    # so its quotes and apostrophes are not full-width; the date's reasoning is the Chinese one.
    assert families_of(rec.title_en)[0] == ui
    assert families_of(rec.summary_en)[0] == ui
    assert families_of(rec.inference_zh)[0] == cjk
    assert rec.inference not in d.plain_text()
    source = store.detail(rec.row).sources[0]
    assert f"{source.outlet('zh')}（" in d.plain_text()  # the versions' sources, side by side
    session.set_language("en")
    runs = _fragments(d.browser.document())
    assert families_of(rec.title_zh)[0] == cjk
    assert families_of(rec.inference)[0] == ui
    assert rec.inference_zh not in d.plain_text()
    assert f"{source.outlet('en')} (" in d.plain_text()


def test_detail_shows_the_date_reasoning_in_the_panes_language(qtbot, session, monkeypatch):
    from explorer.gui import application

    application.create_app()
    ui, cjk = application.font_families("en")[0], application.font_families("zh")[0]
    d = DetailView(session)
    qtbot.addWidget(d)
    store = session.store
    rec = next(r for r in store.records(range(store.n)) if r.inferred)
    session.selection.select_one(rec.row, "test")

    def note() -> tuple[str, str]:  # the run after "Inferred date: " and its first font family
        runs = _fragments(d.browser.document())
        i = next(i for i, (t, _) in enumerate(runs) if t == "Inferred date: ")
        text, families = runs[i + 1]
        return text, families[0]

    assert note() == (rec.inference_zh, cjk)
    session.set_language("en")
    assert note() == (rec.inference, ui)
    # A note in one language only is shown in either pane, set in that language's fonts.
    real = store.detail
    monkeypatch.setattr(store, "detail", lambda row: replace(real(row), record=replace(real(row).record, inference_zh="")))
    session.set_language("zh")
    assert note() == (rec.inference, ui)


def test_table_tooltip_gives_the_date_reasoning_in_the_interface_language(qtbot, session):
    t = EventTable(session)
    qtbot.addWidget(t)
    i = next(i for i, r in enumerate(session.store.records(t.model.rows)) if r.inferred)
    rec = session.store.record(int(t.model.rows[i]))

    def tip() -> str:
        return t.model.index(i, COL_TITLE).data(Qt.ItemDataRole.ToolTipRole)

    assert f"Date inferred: {rec.inference_zh}" in tip() and rec.inference not in tip()
    session.set_language("en")
    assert f"Date inferred: {rec.inference}" in tip() and rec.inference_zh not in tip()


def test_an_empty_table_says_that_nothing_matches(qtbot, session):
    t = on_screen(qtbot, EventTable(session), (600, 300))
    vp = t.view.viewport()

    def inked() -> int:  # pixels far from the viewport's background (its bottom right corner)
        img = vp.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        px = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :, :3]
        return int(np.count_nonzero(np.abs(px.astype(int) - px[-1, -1].astype(int)).sum(axis=2) > 120))

    session.state.update("test", text="没有这样的事件xyz")
    qtbot.waitUntil(lambda: t.model.rowCount() == 0)
    assert inked() > 50  # the message, not a blank pane


def test_the_category_column_holds_the_longest_category_name_where_there_is_room(qtbot, session):
    t = on_screen(qtbot, EventTable(session), (1400, 300))
    header = t.view.horizontalHeader()
    for lang in ("zh", "en"):
        session.set_language(lang)
        names = [c.name(lang) for c in session.store.categories]
        longest = max(names, key=QFontMetricsF(t.view.font()).horizontalAdvance)
        assert t.model.index(0, COL_CATEGORY).data() in names
        width = header.sectionSize(COL_CATEGORY)
        look = t.view._look()
        room = width - look.swatch_inset - 2 * look.margin - look.gap
        assert QFontMetricsF(t.view.font()).horizontalAdvance(longest) <= room, (lang, longest, width)
    session.set_language("zh")


@pytest.fixture
def synth_session(synth_store):
    # A fixture, as ``session``: it (and through its signals the panes) outlives the test's
    # frame until the widgets are closed; a parentless pane left to the cyclic collector
    # may be freed while Qt is still sending it events.
    return Session(synth_store, lang="zh")


def test_a_long_storyline_lists_fifty_and_says_how_many_more(qtbot, synth_session):
    # A storyline of hundreds of events (a large archive) lists the first fifty others and
    # says how many it leaves out, with a link filtering to the whole storyline.
    from PySide6.QtCore import QUrl

    session = synth_session
    store = session.store
    sizes = np.bincount(store.story_ids, minlength=len(store.storylines))
    sid = int(np.argmax(sizes))
    assert sizes[sid] > 60
    row = int(store.story_rows[store.story_ids == sid][0])
    detail = store.detail(row)
    assert len(detail.storyline_rows[sid]) == 50
    assert detail.storyline_more[sid] == sizes[sid] - 1 - 50
    d = DetailView(session)
    qtbot.addWidget(d)
    session.selection.select_one(row, "test")
    html = d._render(detail)
    assert f"…and {sizes[sid] - 51} more: show the whole storyline" in html
    d.browser.anchorClicked.emit(QUrl(f"storyline:{store.storylines[sid].id}"))
    assert session.filters.storylines == {store.storylines[sid].id} and not session.filters.zones
    assert session.selection.active == row
    assert np.count_nonzero(session.mask) == sizes[sid]
