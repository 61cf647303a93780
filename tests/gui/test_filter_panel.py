"""The filter panel: change the state through the widgets, and the state from outside,
and check both sides agree."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt
from PySide6.QtGui import QAccessible, QBrush, QColor, QImage, QInputMethodEvent, QRegion
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from explorer.core.filter_state import Filters
from explorer.gui.filter_panel import (
    ID_ROLE,
    SEARCH_DEBOUNCE_MS,
    YEAR_DEBOUNCE_MS,
    FilterPanel,
    _check_tree,
    _checkable_item,
    _fit_count_column,
    _Rows,
    _under_collapsed,
)
from explorer.gui.palette import category_colour
from tests.gui import PaintSpy, on_screen

HITECH = "yangquan-hitech"
VALVE = "yangquan-valve"  # a company site under HITECH, and a storyline of the same id


@pytest.fixture
def panel(qtbot, session):
    return on_screen(qtbot, FilterPanel(session), (320, 900))


def zone_name(store, zone_id, lang="zh"):
    return store.zones[store.zone_index[zone_id]].name(lang)


def ime_commit(widget, text: str) -> None:
    """Type Chinese as an input method does (``keyClicks`` only handles Latin-1)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)


def checked(item) -> bool:
    return item.checkState(0) == Qt.CheckState.Checked


# ---------------------------------------------------------------------- search
def test_typing_updates_text_after_the_debounce(qtbot, panel, session):
    qtbot.keyClicks(panel.search_edit, "valve")
    assert session.filters.text == ""  # nothing yet: keyClicks never runs the event loop
    qtbot.waitUntil(lambda: session.filters.text == "valve", timeout=SEARCH_DEBOUNCE_MS * 8)
    assert panel.search_edit.text() == "valve"


def test_traditional_query_finds_simplified_events(qtbot, panel, session, store):
    ime_commit(panel.search_edit, "閥")
    ime_commit(panel.search_edit, "門")
    qtbot.waitUntil(lambda: session.filters.text == "閥門", timeout=SEARCH_DEBOUNCE_MS * 8)
    expected = np.flatnonzero(store.mask(Filters(text="阀门")))
    assert len(expected) > 0
    assert len(session.rows) > 0
    np.testing.assert_array_equal(session.rows, expected)
    assert panel.chip_texts() == ["“閥門” ✕"]


@pytest.mark.parametrize("text", ['"', "'", "%", "*", "_", '"%*_\\', "😀", "阀门 😀 %", "x" * 500, "閥" * 500])
def test_odd_text_is_harmless(qtbot, panel, session, text):
    panel.search_edit.setText(text)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)  # Enter applies at once
    assert session.filters.text == text
    assert session.rows.dtype.kind == "i"
    (chip,) = panel.chip_buttons()
    assert chip.sizeHint().width() < 300  # long queries are elided, not a 5000 px chip


def test_delete_or_backspace_on_a_chip_removes_its_filter(qtbot, panel, session):
    # A focused chip (ringed) took only Space; Delete and Backspace, the keys that remove a
    # token elsewhere, did nothing.  Other keys leave it.
    from PySide6.QtTest import QTest

    session.state.update(None, years=(2019, 2021), text="阀门")
    years, text = panel.chip_buttons()
    QTest.keyClick(years, Qt.Key.Key_A)
    assert session.filters.years == (2019, 2021)
    QTest.keyClick(years, Qt.Key.Key_Delete)
    assert session.filters.years is None and session.filters.text == "阀门"
    (text,) = panel.chip_buttons()
    QTest.keyClick(text, Qt.Key.Key_Backspace)
    assert session.filters.is_empty() and panel.chip_buttons() == []


def test_a_chip_is_named_by_its_filter_and_shows_the_keyboards_focus(qtbot, panel, session):
    # A screen reader said "Remove the filter 2019–2021" twice (the name was the tooltip,
    # which the description is by default), and a chip with the focus looked as any other.
    session.state.update(None, years=(2019, 2021))
    (chip,) = panel.chip_buttons()
    face = QAccessible.queryAccessibleInterface(chip)
    assert face.text(QAccessible.Text.Name) == "2019–2021"
    assert face.text(QAccessible.Text.Description) == "Remove the filter 2019–2021"
    panel.clear_all_button.setFocus()
    qtbot.waitUntil(lambda: panel.clear_all_button.hasFocus())
    without = chip.grab().toImage()
    chip.setFocus()
    qtbot.waitUntil(chip.hasFocus)
    assert chip.grab().toImage() != without


@pytest.mark.parametrize("text", ["   ", "\u3000", " \t "])
def test_blank_text_is_no_filter(qtbot, panel, session, store, text):
    # Spaces alone (half- or full-width) match everything: the panel says no filter is set.
    panel.search_edit.setText(text)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    assert len(session.rows) == store.n
    assert panel.chip_buttons() == []
    assert panel._summary_label.text() == f"All {store.n} events"
    assert not panel.clear_all_button.isEnabled()
    assert session.filters.is_empty()


def test_clear_button_applies_at_once(qtbot, panel, session):
    ime_commit(panel.search_edit, "阀门")
    qtbot.waitUntil(lambda: session.filters.text == "阀门", timeout=SEARCH_DEBOUNCE_MS * 8)
    panel.search_edit.clear()
    assert session.filters.text == ""


def test_outside_changes_do_not_overwrite_text_being_typed(qtbot, panel, session):
    ime_commit(panel.search_edit, "阀")
    session.state.update(None, years=(2010, 2020))  # e.g. a timeline brush mid-typing
    ime_commit(panel.search_edit, "门")
    assert panel.search_edit.text() == "阀门"
    qtbot.waitUntil(lambda: session.filters.text == "阀门", timeout=SEARCH_DEBOUNCE_MS * 8)
    assert session.filters.years == (2010, 2020)


def test_outside_text_change_shows_in_the_box(panel, session):
    session.state.update(None, text="富士康")
    assert panel.search_edit.text() == "富士康"


def test_focus_search_selects_the_text(qtbot, panel, session):
    session.state.update(None, text="阀门")
    panel.activateWindow()
    panel.focus_search()
    qtbot.waitUntil(panel.search_edit.hasFocus)
    assert panel.search_edit.selectedText() == "阀门"


# ---------------------------------------------------------------------- zones
def test_tree_follows_the_hierarchy_and_skips_empty_zones(panel, store):
    totals = store.zone_counts_inclusive(np.ones(store.n, bool))
    for z in store.zones:
        item = panel.zone_item(z.id)
        assert (item is not None) == bool(totals[z.index]), z.id
        if item is not None and z.parent >= 0:
            assert item.parent() is panel.zone_item(store.zones[z.parent].id)
    assert panel.zone_item(VALVE).parent() is panel.zone_item(HITECH)
    assert panel.zone_item(HITECH).text(0) == zone_name(store, HITECH)


def test_checking_a_zone_sets_the_filter_without_checking_children(qtbot, panel, session):
    item = panel.zone_item(HITECH)
    panel.zone_tree.scrollToItem(item)
    panel.zone_tree.setCurrentItem(item)
    qtbot.keyClick(panel.zone_tree, Qt.Key.Key_Space)  # as a user toggles a check box
    assert session.filters.zones == {HITECH}
    assert checked(item)
    assert not checked(panel.zone_item(VALVE))  # sub-zones are implied, not ticked

    panel.zone_item("jincheng").setCheckState(0, Qt.CheckState.Checked)
    assert session.filters.zones == {HITECH, "jincheng"}
    item.setCheckState(0, Qt.CheckState.Unchecked)
    assert session.filters.zones == {"jincheng"}


def test_outside_zone_change_checks_and_reveals_the_item(panel, session):
    item = panel.zone_item(VALVE)
    assert not item.parent().isExpanded()
    session.state.update(None, zones={VALVE})  # e.g. a map click
    assert checked(item)
    assert item.parent().isExpanded() and item.parent().parent().isExpanded()
    assert not checked(panel.zone_item(HITECH))
    session.state.toggle_zone(VALVE)
    assert not checked(item)


def test_a_branch_holding_a_ticked_zone_shows_a_part_ticked_box(qtbot, panel, session):
    # Folded away, a ticked sub-zone left no mark on the branch above it.
    valve, hitech = panel.zone_item(VALVE), panel.zone_item(HITECH)
    city = hitech.parent()
    session.state.update(None, zones={VALVE})
    hitech.setExpanded(False)
    assert hitech.checkState(0) == city.checkState(0) == Qt.CheckState.PartiallyChecked
    assert session.filters.zones == {VALVE}  # a part-ticked box is no filter
    panel.zone_tree.setCurrentItem(hitech)
    qtbot.keyClick(panel.zone_tree, Qt.Key.Key_Space)  # ticks the branch, and so all of it
    assert session.filters.zones == {VALVE, HITECH}
    assert checked(hitech) and city.checkState(0) == Qt.CheckState.PartiallyChecked
    hitech.setExpanded(True)
    valve.setCheckState(0, Qt.CheckState.Unchecked)
    assert session.filters.zones == {HITECH} and checked(hitech)
    session.state.clear()
    assert all(it.checkState(0) == Qt.CheckState.Unchecked for it in (valve, hitech, city))


def test_zone_filter_outside_the_tree_survives_ticking(panel, session):
    session.state.update(None, zones={"changzhi"})  # no events, so no row
    assert panel.zone_item("changzhi") is None
    panel.zone_item(HITECH).setCheckState(0, Qt.CheckState.Checked)
    assert session.filters.zones == {"changzhi", HITECH}


def test_zone_counts_ignore_the_zone_filter_but_follow_the_others(panel, session, store):
    panel.zone_tree.expandAll()  # every row can be seen, so every row is kept up to date

    def shown():
        return {zid: int(panel.zone_item(zid).text(1)) for zid in (HITECH, "jincheng", "shanxi")}

    def expected(f: Filters):
        counts = store.zone_counts_inclusive(store.mask(f))
        return {zid: int(counts[store.zone_index[zid]]) for zid in (HITECH, "jincheng", "shanxi")}

    assert shown() == expected(Filters())
    beyond = sum(int((store.zone == z.index).sum()) for z in store.zones if z.kind == "outside")  # Lanzhou's
    assert shown()["shanxi"] == store.n - beyond
    tree_items = [panel.zone_tree.topLevelItem(0)]

    session.state.update(None, zones={"jincheng"})
    assert shown() == expected(Filters())  # the zone filter itself does not change counts
    assert tree_items[0] is panel.zone_tree.topLevelItem(0)  # texts updated, tree not rebuilt

    session.state.update(None, years=(2019, 2021))
    assert shown() == expected(Filters(years=(2019, 2021)))
    assert shown() != expected(Filters())
    assert shown()[HITECH] > 0  # although the zone filter is Jincheng


# ---------------------------------------------------------------------- chips
def test_a_chip_for_each_item_and_clicking_one_removes_only_it(qtbot, panel, session, store):
    assert panel.chip_texts() == []
    assert not panel.clear_all_button.isEnabled()
    session.state.update(None, zones={HITECH}, years=(2019, 2021), categories={"reform", "project"},
                         storylines={VALVE}, text="阀门")
    cat = {c.id: c.zh for c in store.categories}
    story = {s.id: s.zh for s in store.storylines}
    order = sorted(["reform", "project"], key=store.category_index.get)
    assert panel.chip_texts() == [
        f"{zone_name(store, HITECH)} ✕", "2019–2021 ✕", *(f"{cat[c]} ✕" for c in order),
        f"{story[VALVE]} ✕", "“阀门” ✕",
    ]
    assert panel.clear_all_button.isEnabled()

    def click(label):
        (chip,) = [c for c in panel.chip_buttons() if c.text().startswith(label)]
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)

    click("2019–2021")
    assert session.filters == Filters(frozenset({HITECH}), None, frozenset({"reform", "project"}),
                                      frozenset({VALVE}), "阀门")
    assert panel.year_from.value() == store.year_min and panel.year_to.value() == store.year_max
    click(cat["reform"])
    assert session.filters.categories == {"project"}
    assert not checked(panel.category_item("reform")) and checked(panel.category_item("project"))
    click("“阀门”")
    assert session.filters.text == "" and panel.search_edit.text() == ""
    click(zone_name(store, HITECH))
    assert session.filters.zones == frozenset() and not checked(panel.zone_item(HITECH))
    assert panel.chip_texts() == [f"{cat['project']} ✕", f"{story[VALVE]} ✕"]


@pytest.mark.parametrize("steps", [
    [dict(zones={"pingding-edz"}), dict(zones={"pingding-edz", "yangquan-valve"})],  # two map clicks
    [dict(categories={"reform"}), dict(zones={"pingding-edz"})],
])
def test_chips_never_overlap_when_a_new_one_sorts_first(qtbot, panel, session, steps):
    # A spare chip shown for the new first item laid the row out at once, with only itself
    # in it: the chips added after it stayed where they were, under it.
    for step in [dict(categories={"project"}), {}]:  # leave a spare chip behind
        session.state.set(Filters(**step), None)
    for step in steps:
        session.state.update(None, **step)
    chips = [c for c in panel.chip_buttons() if c.isVisible()]
    assert len(chips) == 2
    a, b = (c.geometry() for c in chips)
    assert not a.intersects(b), (a, b)


def test_a_long_chip_fits_a_narrow_panel_and_grows_with_it(qtbot, session):
    # A 250-pixel dock in English: a chip of 200 px of text and its frame made the whole
    # panel wider than the dock, its right edge ("Clear all", the years) cut off.
    panel = on_screen(qtbot, FilterPanel(session), (250, 700))  # the dock's narrowest
    session.state.update(None, text="W" * 60)  # elided to 200 px of text: a chip wider than the panel's 220
    scroll = panel._scroll
    room = scroll.viewport().width()
    (chip,) = panel.chip_buttons()
    qtbot.waitUntil(lambda: scroll.widget().width() == room)
    assert chip.geometry().right() < room and chip.text().endswith("… ✕")
    assert panel.clear_all_button.geometry().right() < room
    narrow = chip.width()
    panel.resize(500, 700)  # the dock made wider: the chip shows more, up to its limit
    qtbot.waitUntil(lambda: chip.width() > narrow)
    assert chip.geometry().right() < scroll.viewport().width()
    wide = chip.width()
    panel.resize(250, 700)
    qtbot.waitUntil(lambda: chip.width() < wide)
    assert chip.geometry().right() < scroll.viewport().width() and scroll.widget().width() == scroll.viewport().width()


def test_tab_goes_through_the_chips_where_they_stand(qtbot, panel, session, store):
    # After "Clear all" and before the zone tree, in the order shown (made later, they came last).
    session.state.update(None, zones={HITECH}, categories={store.categories[0].id}, text="阀门")
    chips = [c for c in panel.findChildren(QToolButton, "filterChip") if c.isVisibleTo(panel)]
    assert len(chips) == 3
    chain, w = [], panel.clear_all_button.nextInFocusChain()
    while w is not panel.zone_tree and len(chain) < 50:
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(panel):  # where Tab stops
            chain.append(w)
        w = w.nextInFocusChain()
    assert chain == sorted(chips, key=lambda c: (c.y(), c.x()))


def test_clear_all(qtbot, panel, session, store):
    session.state.update(None, zones={HITECH}, years=(2019, 2021), categories={"reform"},
                         storylines={VALVE}, text="阀门")
    qtbot.mouseClick(panel.clear_all_button, Qt.MouseButton.LeftButton)
    assert session.filters.is_empty()
    assert panel.chip_texts() == [] and panel.search_edit.text() == ""
    assert not any(checked(panel.zone_item(z)) for z in (HITECH, "shanxi"))
    assert (panel.year_from.value(), panel.year_to.value()) == (store.year_min, store.year_max)
    assert not panel.clear_all_button.isEnabled()


def test_chip_labels_keep_ampersands(panel, session, store):
    amp = [c for c in store.categories if "&" in c.en]
    if not amp:
        pytest.skip("no category name with '&'")
    session.set_language("en")
    session.state.update(None, categories={amp[0].id})
    assert panel.chip_texts() == [f"{amp[0].en} ✕"]


# ---------------------------------------------------------------------- years
def test_year_spin_boxes_set_the_range(qtbot, panel, session, store):
    assert (panel.year_from.value(), panel.year_to.value()) == (store.year_min, store.year_max)
    assert not panel.all_years_button.isEnabled()
    panel.year_from.setValue(2019)
    panel.year_to.setValue(2021)
    assert session.filters.years is None  # debounced: arrow-key spinning is not a filter per step
    qtbot.waitUntil(lambda: session.filters.years == (2019, 2021), timeout=YEAR_DEBOUNCE_MS * 5)

    panel.year_to.lineEdit().selectAll()
    qtbot.keyClicks(panel.year_to.lineEdit(), "2022")
    qtbot.keyClick(panel.year_to, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.filters.years == (2019, 2022), timeout=YEAR_DEBOUNCE_MS * 5)

    qtbot.mouseClick(panel.all_years_button, Qt.MouseButton.LeftButton)
    assert session.filters.years is None
    assert (panel.year_from.value(), panel.year_to.value()) == (store.year_min, store.year_max)


def test_reversed_or_full_year_range(qtbot, panel, session, store):
    panel.year_from.setValue(2021)
    panel.year_to.setValue(2019)
    qtbot.waitUntil(lambda: session.filters.years == (2019, 2021), timeout=YEAR_DEBOUNCE_MS * 5)
    assert (panel.year_from.value(), panel.year_to.value()) == (2019, 2021)  # put in order
    panel.year_from.setValue(store.year_min)
    panel.year_to.setValue(store.year_max)
    qtbot.waitUntil(lambda: session.filters.years is None, timeout=YEAR_DEBOUNCE_MS * 5)  # the whole span is no filter


def test_outside_year_change_moves_the_spin_boxes(panel, session):
    session.state.update(None, years=(2008, 2015))  # e.g. the timeline brush
    assert (panel.year_from.value(), panel.year_to.value()) == (2008, 2015)
    assert panel.all_years_button.isEnabled()
    session.state.update(None, years=None)
    assert not panel.all_years_button.isEnabled()


def test_years_brushed_beyond_the_data_are_shown_as_filtered(qtbot, panel, session, store):
    # A range brushed on the timeline before the first event: the boxes showed the data's
    # first year twice (a range with one event) while the filter kept none.
    for years in ((1900, 1909), (2020, 2039)):
        session.state.update(None, years=years)
        assert (panel.year_from.value(), panel.year_to.value()) == years
    session.state.update(None, years=None)
    assert (panel.year_from.value(), panel.year_to.value()) == (store.year_min, store.year_max)
    assert (panel.year_from.minimum(), panel.year_to.maximum()) == (store.year_min, store.year_max)
    qtbot.wait(YEAR_DEBOUNCE_MS * 2)
    assert session.filters.years is None  # showing them changed no filter


# ---------------------------------------------------------------------- categories and storylines
def test_category_checks_and_counts(panel, session, store):
    item = panel.category_item("reform")
    assert item.text(0) == store.categories[store.category_index["reform"]].zh
    assert not item.icon(0).isNull()  # the colour swatch
    item.setCheckState(0, Qt.CheckState.Checked)
    assert session.filters.categories == {"reform"}
    session.state.update(None, categories={"project"})
    assert not checked(item) and checked(panel.category_item("project"))

    session.state.update(None, zones={HITECH})
    base = store.mask(Filters(zones=frozenset({HITECH})))  # ignores the category filter
    counts = np.bincount(store.category[base], minlength=len(store.categories))
    for c in store.categories:
        if panel.category_item(c.id):
            assert int(panel.category_item(c.id).text(1)) == counts[c.index], c.id


def test_storyline_checks_and_counts(panel, session, store):
    item = panel.storyline_item(VALVE)
    item.setCheckState(0, Qt.CheckState.Checked)
    assert session.filters.storylines == {VALVE}
    session.state.update(None, storylines=set())
    assert not checked(item)

    session.state.update(None, storylines={VALVE}, years=(2019, 2021))
    base = store.mask(Filters(years=(2019, 2021)))
    for s in store.storylines:
        if panel.storyline_item(s.id):
            want = int(base[store.storyline_mask([s.id])].sum())
            assert int(panel.storyline_item(s.id).text(1)) == want, s.id


# ---------------------------------------------------------------------- incremental updates
def shown(panel) -> dict:
    """Everything the panel shows, as plain data (to compare two panels)."""
    QCoreApplication.processEvents()  # the count columns are re-fitted on the next pass

    def rows(tree):
        out = []
        for item in tree.findItems("", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive):
            if _under_collapsed(item):  # its count is brought up to date when it can be seen
                out.append((item.text(0), item.checkState(0), item.isExpanded()))
                continue
            fg = [item.data(c, Qt.ItemDataRole.ForegroundRole) for c in (0, 1)]
            out.append((item.text(0), item.text(1), item.checkState(0), item.isExpanded(),
                        [None if b is None else b.color().name() for b in fg]))
        return out, tree.header().sectionSize(0), tree.header().sectionSize(1), tree.sizeHint().height()

    return {
        "zones": rows(panel.zone_tree), "categories": rows(panel.category_list),
        "storylines": rows(panel.storyline_list),
        "chips": [(c.text(), c.toolTip(), c.icon().isNull(), c.isVisibleTo(panel)) for c in panel.chip_buttons()],
        "summary": panel._summary_label.text(), "clear": panel.clear_all_button.isEnabled(),
        "text": panel.search_edit.text(), "years": (panel.year_from.value(), panel.year_to.value()),
        "all_years": panel.all_years_button.isEnabled(),
    }


def test_an_updated_panel_shows_what_a_fresh_one_shows(qtbot, panel, session, store):
    # Only changed rows, check marks and chips are touched: after any sequence of changes
    # the panel must show exactly what a panel opened on the same state shows.
    steps = [
        lambda: session.state.update(None, years=(2019, 2021)),
        lambda: session.state.update(None, zones={HITECH, "jincheng"}),
        lambda: panel.zone_item("jincheng").setCheckState(0, Qt.CheckState.Unchecked),  # the user unticks
        lambda: session.state.update(None, categories={"reform", "project"}, storylines={VALVE}),
        lambda: panel.category_item("project").setCheckState(0, Qt.CheckState.Unchecked),
        lambda: session.state.update(None, years=(1924, 1924), text="阀门"),
        lambda: session.set_language("en"),
        lambda: session.state.update(None, years=(2019, 2021)),  # an earlier state again
        lambda: session.state.clear(None),
    ]
    for k, step in enumerate(steps):
        step()
        # Expanded branches are the user's business (and a map click's): copy them over.
        fresh = on_screen(qtbot, FilterPanel(session), panel.size())
        for zid, item in panel._zone_items.items():
            fresh.zone_item(zid).setExpanded(item.isExpanded())
        got, want = shown(panel), shown(fresh)
        for part in want:
            assert got[part] == want[part], (k, part)
        fresh.close()
    # Every row, once it can be seen (rows under collapsed parents are stale until then).
    session.state.update(None, years=(2019, 2021))
    fresh = on_screen(qtbot, FilterPanel(session), panel.size())
    for p in (panel, fresh):
        p.zone_tree.expandAll()
    assert shown(panel) == shown(fresh)


def test_rows_follow_counts_checks_and_dimming(panel, session, store):
    panel.zone_tree.expandAll()  # rows under a collapsed parent are updated when it opens (next test)

    def expected(field, items, counts, index):
        for key, item in items.items():
            n = int(counts[index[key]])
            dim = item.data(1, Qt.ItemDataRole.ForegroundRole)
            assert (item.text(1), checked(item), dim is not None) == \
                (str(n), key in getattr(session.filters, field), n == 0), (field, key)

    for change in ({"years": (2019, 2021)}, {"categories": {"reform"}}, {"zones": {HITECH}},
                   {"years": (1924, 1930)}, {"years": None, "categories": set()}, {"zones": set()}):
        session.state.update(None, **change)
        f = session.filters
        expected("zones", panel._zone_items, store.zone_counts_inclusive(store.mask(f.without("zones"))),
                 store.zone_index)
        expected("categories", panel._category_items,
                 np.bincount(store.category[store.mask(f.without("categories"))], minlength=len(store.categories)),
                 store.category_index)
        base = store.mask(f.without("storylines"))
        expected("storylines", panel._storyline_items,
                 [int(base[store.storyline_mask([s.id])].sum()) for s in store.storylines], store.storyline_index)


def test_rows_under_a_collapsed_parent_are_updated_when_it_opens(panel, session, store):
    city = panel.zone_item(HITECH).parent()
    city.setExpanded(False)
    before = panel.zone_item(HITECH).text(1)
    session.state.update(None, years=(2019, 2019))
    counts = store.zone_counts_inclusive(store.mask(session.filters))
    want = str(int(counts[store.zone_index[HITECH]]))
    assert want != before
    assert panel.zone_item(HITECH).text(1) == before  # not touched while it cannot be seen
    city_id = city.data(0, ID_ROLE)
    assert city.text(1) == str(int(counts[store.zone_index[city_id]]))  # the city itself can be seen
    city.setExpanded(True)
    assert panel.zone_item(HITECH).text(1) == want
    session.state.update(None, years=(2020, 2020))  # open: updated at once
    counts = store.zone_counts_inclusive(store.mask(session.filters))
    assert panel.zone_item(HITECH).text(1) == str(int(counts[store.zone_index[HITECH]]))


def test_count_columns_hold_the_largest_count_and_keep_their_width(panel, session, store):
    """Wide enough for any count the list can show, and not re-fitted per filter change
    (which would re-lay out and repaint the whole panel each time)."""
    def widths():
        QCoreApplication.processEvents()
        return [t.header().sectionSize(1) for t in (panel.zone_tree, panel.category_list, panel.storyline_list)]

    fm = panel.zone_tree.fontMetrics()
    wide = widths()
    assert wide[0] >= fm.horizontalAdvance(str(store.n))
    most_cat = int(np.bincount(store.category).max())
    assert wide[1] >= fm.horizontalAdvance(str(most_cat))
    assert wide[1] < fm.horizontalAdvance(str(most_cat) + "0000")  # fitted to the data, not a guess
    for change in ({"years": (1924, 1924)}, {"years": (1924, store.year_max - 1)}, {"text": "阀门"}, {"years": None}):
        session.state.update(None, **change)
        assert widths() == wide


@pytest.mark.parametrize("flat", [False, True])
def test_rows_show_new_counts_without_refitting_the_column(qtbot, flat):
    # The counts are written with the model's signals held back; the view must still show them.
    tree = _check_tree(flat)
    qtbot.addWidget(tree)
    items = {f"k{i}": _checkable_item(tree, f"k{i}") for i in range(5)}
    for key, item in items.items():
        item.setText(0, key)
    rows = _Rows(tree, items, {key: i for i, key in enumerate(items)}, lambda: None)
    tree.resize(300, 300)
    tree.show()
    qtbot.waitExposed(tree)

    def show(counts):
        rows.show(np.array(counts), frozenset())
        QCoreApplication.processEvents()
        return tree.header().sectionSize(1), [tree.visualItemRect(it).height() > 0 for it in items.values()]

    before = show([1, 2, 3, 4, 5])
    assert show([1, 2, 3, 4, 123456789]) == before and items["k4"].text(1) == "123456789"
    assert tree.model().data(tree.model().index(4, 1)) == "123456789"  # what the view reads
    assert show([1, 2, 3, 4, 5]) == before and items["k4"].text(1) == "5"


def _count_list(qtbot, counts, dim):
    """A shown check list of five rows ``k0``..``k4`` with ``counts``, and its rows."""
    tree = _check_tree(flat=True)
    tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus frame: the lists compared are in the same state
    qtbot.addWidget(tree)
    items = {f"k{i}": _checkable_item(tree, f"k{i}") for i in range(5)}
    for key, item in items.items():
        item.setText(0, f"区域 {key}")
    rows = _Rows(tree, items, {key: i for i, key in enumerate(items)}, lambda: dim)
    _fit_count_column(tree, 99)
    tree.resize(300, 160)
    tree.show()
    qtbot.waitExposed(tree)
    rows.show(np.array(counts), frozenset())
    qtbot.wait(20)
    return tree, rows


def test_new_counts_repaint_the_counts_and_the_rows_that_change_colour(qtbot):
    # Most of a list's painting is its names: a filter change repaints the count column,
    # and the whole row only where a name recedes (count 0) or comes back.
    dim = QBrush(QColor("#9E9E9E"))
    tree, rows = _count_list(qtbot, [1, 2, 3, 4, 5], dim)
    painted = []
    _spy = PaintSpy([tree.viewport()], lambda _obj, ev: painted.append(QRegion(ev.region())))  # kept alive while the test runs
    header, width = tree.header(), tree.viewport().width()
    column = QRect(header.sectionViewportPosition(1), 0, header.sectionSize(1), tree.viewport().height())

    def repainted(counts):
        painted.clear()
        rows.show(np.array(counts), frozenset())
        qtbot.waitUntil(lambda: bool(painted))
        qtbot.wait(20)
        region = QRegion()
        for r in painted:
            region += r
        return region

    assert repainted([1, 2, 7, 4, 5]) == QRegion(column)
    row0 = tree.visualItemRect(tree.topLevelItem(0))
    assert repainted([0, 2, 7, 4, 6]) == QRegion(column) + QRegion(0, row0.top(), width, row0.height())
    # What the screen shows (the window's backing store) is what a list made with those counts shows.
    shown = QApplication.primaryScreen().grabWindow(tree.winId()).toImage()
    fresh, _ = _count_list(qtbot, [0, 2, 7, 4, 6], dim)
    assert shown.convertToFormat(QImage.Format.Format_RGB32) == \
        QApplication.primaryScreen().grabWindow(fresh.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_chips_stay_while_their_filter_stays(qtbot, panel, session):
    session.state.update(None, zones={HITECH})
    (zone_chip,) = panel.chip_buttons()
    session.state.update(None, years=(2019, 2021), categories={"reform"})
    chips = panel.chip_buttons()
    assert chips[0] is zone_chip and panel.chip_texts()[1:] == ["2019–2021 ✕", f"{panel.category_item('reform').text(0)} ✕"]
    assert not chips[2].icon().isNull()  # the category's swatch
    session.state.update(None, zones=set())
    assert zone_chip not in panel.chip_buttons() and panel.chip_buttons() == chips[1:]
    assert zone_chip.isHidden()  # kept hidden, for the next new item
    panel.retranslate_ui()  # tooltips are translated: every chip is relabelled, none is made anew
    assert panel.chip_texts() == ["2019–2021 ✕", f"{panel.category_item('reform').text(0)} ✕"]
    assert panel.chip_buttons() == chips[1:]


def test_a_hidden_chip_is_reused_and_removes_its_new_item(qtbot, panel, session):
    session.state.update(None, zones={HITECH})
    (zone_chip,) = panel.chip_buttons()
    session.state.update(None, zones=set(), categories={"reform"})
    (chip,) = panel.chip_buttons()
    assert chip is zone_chip and chip.isVisibleTo(panel)  # no new widget for the new item
    assert chip.text().startswith(panel.category_item("reform").text(0)) and not chip.icon().isNull()
    assert len(panel.findChildren(QToolButton, "filterChip")) == 1
    session.state.update(None, categories=set(), years=(2019, 2021))
    assert panel.chip_buttons() == [chip] and chip.icon().isNull()  # the swatch goes with the category
    session.state.update(None, years=(2019, 2021), categories={"reform"})
    years_chip, category_chip = panel.chip_buttons()
    qtbot.mouseClick(years_chip, Qt.MouseButton.LeftButton)
    assert session.filters.years is None and session.filters.categories == {"reform"}
    assert panel.chip_buttons() == [category_chip]


def test_the_search_chip_is_relabelled_in_place_while_typing(qtbot, panel, session):
    session.state.update(None, text="阀门")
    (chip,) = panel.chip_buttons()
    shown = []
    chip_box = chip.parentWidget()
    height = chip_box.height()
    for text in ("阀门公", "阀门公司", "閥門"):
        session.state.update(None, text=text)
        QCoreApplication.processEvents()
        shown.append(panel.chip_texts())
        assert panel.chip_buttons() == [chip] and chip_box.height() == height
    assert shown == [["“阀门公” ✕"], ["“阀门公司” ✕"], ["“閥門” ✕"]]
    assert "閥門" in chip.toolTip()


# ---------------------------------------------------------------------- language, tooltips, lifetime
def test_language_change_renames_rows_and_chips(panel, session, store):
    session.state.update(None, zones={HITECH}, categories={"reform"})
    session.set_language("en")
    assert panel.zone_item(HITECH).text(0) == zone_name(store, HITECH, "en")
    assert panel.category_item("reform").text(0) == store.categories[store.category_index["reform"]].en
    chip = panel.chip_buttons()[0]
    assert chip.text().startswith("Yangquan") and zone_name(store, HITECH, "en") in chip.toolTip()
    assert panel.chip_texts()[1] == f"{store.categories[store.category_index['reform']].en} ✕"


def test_zone_tooltip_names_both_languages_and_former_names(panel, store):
    z = store.zones[store.zone_index[HITECH]]
    tip = panel.zone_item(HITECH).toolTip(0)
    assert z.name_zh in tip and z.name_en in tip
    assert z.former_names, "the curated data should record the zone's former names"
    assert " → ".join([*z.former_names, z.name_zh]) in tip


def test_a_category_s_tooltip_says_what_it_stands_for_in_the_data_language(panel, session, store):
    # The descriptions were English only: a Chinese interface showed them in English.
    reform = store.categories[store.category_index["reform"]]
    assert all(t.description and t.description_zh for t in store.categories)
    tip = panel.category_item("reform").toolTip(0)
    assert tip == "\n".join([reform.zh, reform.en, reform.description_zh])
    assert "三化三制" in reform.description_zh
    session.set_language("en")
    assert panel.category_item("reform").toolTip(0) == "\n".join([reform.zh, reform.en, reform.description])


def test_deleted_panel_stops_listening(qtbot, session):
    host = QWidget()
    FilterPanel(session, host)
    host.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    session.state.update(None, text="阀门")  # would raise if a dead panel were still connected
    session.set_language("en")


def test_large_counts_are_grouped_as_the_status_bar_groups_them(qtbot, tmp_path):
    # "All 1000000 events" and "437430 rows will be written." beside the status bar's 1,000,000.
    from explorer.core.database import open_database
    from explorer.core.session import Session
    from explorer.core.store import EventStore
    from explorer.core.synth import synthesise
    from explorer.gui.export_dialog import ExportDialog

    path = tmp_path / "s.sqlite"
    synthesise(2500, path, seed=5)
    session = Session(EventStore(open_database(path)), lang="en")
    panel = on_screen(qtbot, FilterPanel(session), (320, 700))
    assert panel._summary_label.text() == "All 2,500 events"
    session.state.update(None, years=(1900, 2030))
    shown = len(session.rows)
    assert shown >= 1000 and panel._summary_label.text() == f"{shown:,} of 2,500 events"
    dlg = ExportDialog(session, str(tmp_path))
    qtbot.addWidget(dlg)
    assert dlg.count_label.text() == f"{shown:,} rows will be written."


def test_all_years_and_clear_all_win_over_an_edit_still_waiting(qtbot, panel, session):
    # A year stepped (or a search typed) and then "All years" (or Clear all filters from
    # the menu, or the timeline's brush switched off) within the wait: the edit came back.
    session.state.update(None, years=(2000, 2020))
    panel.year_to.setFocus()
    qtbot.keyClick(panel.year_to, Qt.Key.Key_Up)  # 2021, applied when the wait ends
    panel.all_years_button.click()
    qtbot.wait(YEAR_DEBOUNCE_MS * 2)
    assert session.filters.years is None
    ime_commit(panel.search_edit, "厂")
    panel.clear_all()  # as the menu's Clear all filters (Ctrl+Shift+Backspace) does
    qtbot.wait(SEARCH_DEBOUNCE_MS * 2)
    assert session.filters.text == "" and panel.search_edit.text() == ""
    session.state.update(None, years=(2000, 2020))
    qtbot.keyClick(panel.year_to, Qt.Key.Key_Up)
    session.state.update(None, years=None)  # the timeline's brush switched off
    qtbot.wait(YEAR_DEBOUNCE_MS * 2)
    assert session.filters.years is None


def test_a_new_panel_shows_the_zones_ticked_before_it(qtbot, session, store):
    # After a language switch or a restart the tree opened on the cities only: a ticked
    # place inside a closed branch showed nowhere but in its chip.
    deep = max((z for z in store.zones if z.parent >= 0), key=lambda z: z.depth)
    session.state.update(None, zones={deep.id})
    fresh = on_screen(qtbot, FilterPanel(session), (320, 700))
    item = fresh.zone_item(deep.id)
    parent = item.parent()
    while parent is not None:
        assert parent.isExpanded(), parent.text(0)
        parent = parent.parent()
    assert fresh.zone_tree.visualItemRect(item).intersects(fresh.zone_tree.viewport().rect())


def test_the_wheel_over_a_year_box_not_being_edited_scrolls_past_it(qtbot, session):
    # Scrolling the panel with the wheel changed the year filter when the pointer crossed a box.
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    panel = on_screen(qtbot, FilterPanel(session), (320, 400))  # short: the panel scrolls
    spin = panel.year_from

    def wheel_up():
        pos = QPointF(spin.rect().center())
        ev = QWheelEvent(pos, QPointF(spin.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(spin, ev)

    panel.search_edit.setFocus()
    bar = panel._scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    before, at = spin.value(), bar.value()
    wheel_up()
    qtbot.wait(YEAR_DEBOUNCE_MS * 2)
    assert spin.value() == before and session.filters.years is None
    assert bar.value() < at  # the panel scrolled instead
    spin.setFocus()  # being edited: the wheel steps the year, as a spin box does
    wheel_up()
    assert spin.value() == before + 1


def test_a_zone_s_other_names_are_listed_as_its_language_lists_them(panel, session, store):
    z = next(z for z in store.zones if len(z.aliases) >= 2 and z.id in panel._zone_items)
    assert "、".join(z.aliases) in panel._zone_tooltip(z.id)  # the session's language is Chinese
    session.set_language("en")
    assert ", ".join(z.aliases) in panel._zone_tooltip(z.id)


@pytest.mark.parametrize("which", ["category_list", "storyline_list"])
def test_the_current_row_of_a_flat_list_stays_in_view_as_the_keys_move_it(qtbot, session, which):
    # The flat lists have no scroll bar of their own: ↓ moved the current row below the
    # panel's fold, and Space then ticked a row the user could not see.
    panel = on_screen(qtbot, FilterPanel(session), (320, 300))  # short: the panel scrolls
    tree = getattr(panel, which)
    viewport = panel._scroll.viewport()

    def current_in_view() -> bool:
        rect = tree.visualItemRect(tree.currentItem())
        top_left = tree.viewport().mapTo(viewport, rect.topLeft())
        return viewport.rect().contains(QRect(top_left, rect.size()))

    tree.setFocus()
    qtbot.waitUntil(tree.hasFocus)
    tree.setCurrentItem(tree.topLevelItem(0))
    qtbot.wait(1)  # the focus-in's scroll
    assert current_in_view()
    moved = 0
    for _ in range(tree.topLevelItemCount() - 1):
        qtbot.keyClick(tree, Qt.Key.Key_Down)
        moved += 1
        assert current_in_view(), f"row {moved} out of sight"
    assert tree.currentItem() is tree.topLevelItem(tree.topLevelItemCount() - 1)
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    assert current_in_view()
    qtbot.keyClick(tree, Qt.Key.Key_Space)  # ticks the row in sight
    assert checked(tree.topLevelItem(0))


@pytest.mark.parametrize("ratio", [1.25, 1.5, 2.0, 3.0])
def test_category_swatches_are_drawn_for_dense_screens(panel, session, store, ratio):
    # One 12-pixel swatch, scaled up by the painter, was blurred on a 2x screen.
    from PySide6.QtCore import QSize

    c = store.categories[0]
    session.state.update("test", categories={c.id})
    chip = panel.chip_buttons()[0]
    for icon in (panel.category_item(c.id).icon(0), chip.icon()):
        pix = icon.pixmap(QSize(12, 12), ratio)
        assert pix.devicePixelRatio() == ratio
        assert pix.width() == round(12 * ratio)
        image = pix.toImage()
        middle = image.pixelColor(image.width() // 2, image.height() // 2)
        assert middle.name() == QColor(category_colour(c.index)).name()
