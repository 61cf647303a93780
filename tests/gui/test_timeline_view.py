"""The timeline pane: lanes, marks, clicks, brushing and labels, against the curated data.

Every test changes the session (or clicks like a user) and asserts what the pane
shows or what it wrote back into the session.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from explorer.core.store import FLAG_CONFLICT, FLAG_INFERRED, PRECISIONS
from explorer.gui import timeline_axes, timeline_canvas, timeline_layout
from explorer.gui.static_texts import LINE_BREAK
from explorer.gui.timeline_axes import AXIS_PIXMAPS_KEPT, LABEL_GAP_PX, LABEL_LINES, LaneAxis, YearAxis
from explorer.gui.timeline_layout import (
    CLUSTER,
    PILE,
    auto_cap,
    build_layout,
    greedy_chain,
    lane_depths,
    stack,
)
from explorer.gui.timeline_view import TimelineView
from tests.gui import PaintSpy, on_screen

CTRL = QtCore.Qt.KeyboardModifier.ControlModifier
LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def view(qtbot, session):
    w = on_screen(qtbot, TimelineView(session), (1400, 700))
    settle(qtbot, w)
    return w


def settle(qtbot, w):
    """Let throttled redraws (range changes, resizes) run."""
    qtbot.wait(10)
    w._relayout_timer.timeout.emit()
    w._refresh_timer.timeout.emit()
    QtWidgets.QApplication.processEvents()


def viewport_pos(w: TimelineView, x: float, y: float) -> QtCore.QPoint:
    """Where view coordinates ``(x, y)`` are on the plot's viewport."""
    scene = w._vb.mapViewToScene(QtCore.QPointF(x, y))
    return w.plot_widget.mapFromScene(scene)


def click_view(qtbot, w, x, y, modifier=QtCore.Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(w.plot_widget.viewport(), LEFT, modifier, viewport_pos(w, x, y))


def own_items(w: TimelineView) -> np.ndarray:
    """Items drawn as their own mark (not in a pile or cluster) and visible now."""
    lay = w._layout
    (x0, x1), (y0, y1) = w._vb.viewRange()
    vis = lay.visible(x0, x1, min(y0, y1) + 0.5, max(y0, y1) - 0.5)
    return np.flatnonzero(vis & (lay.group < 0))


def reveal(qtbot, w, row):
    w._reveal_row(row)
    settle(qtbot, w)


# ---------------------------------------------------------------------- layout rules (no widget)
def first_fit(lane, s, e, cap):
    """Reference: place each interval in the first free sub-row of its lane."""
    sub, ends = np.full(len(s), cap), {}
    for i in range(len(s)):
        free = ends.setdefault(int(lane[i]), [])
        for r in range(cap):
            if r == len(free):
                free.append(e[i])
                sub[i] = r
                break
            if free[r] <= s[i]:
                free[r] = e[i]
                sub[i] = r
                break
    return sub


def test_vectorised_stacking_matches_first_fit():
    rng = np.random.default_rng(7)
    for n in (1, 5, 300):
        for _ in range(10):
            lane = np.sort(rng.integers(0, 4, n))
            s = rng.uniform(0, 20, n)
            order = np.lexsort((s, lane))
            lane, s = lane[order], s[order]
            e = s + rng.choice([1 / 365, 1 / 12, 1.0, 3.0], n)
            assert (stack(lane, s, e, 5) == first_fit(lane, s, e, 5)).all()


def test_a_lane_overflows_a_cap_exactly_when_its_depth_exceeds_it():
    # build_layout stacks once, trusting lane_depths to say which lanes overflow the cap.
    rng = np.random.default_rng(11)
    for n in (3, 50, 400):
        for _ in range(20):
            lane = np.sort(rng.integers(0, 5, n))
            s = np.round(rng.uniform(1990, 2000, n), 2)  # shared starts and touching ends occur
            order = np.lexsort((s, lane))
            lane, s = lane[order], s[order]
            e = s + rng.choice([0.04, 1 / 12, 1.0, 2.5], n) + 0.01
            depth = lane_depths(lane, s, e, 5)
            for cap in (1, 3, 8):
                sub = stack(lane, s, e, cap)
                overflow = np.bincount(lane[sub == cap], minlength=5) > 0
                assert (overflow == (depth > cap)).all()


def test_dense_ranks_match_unique_inverse():
    from explorer.gui.timeline_layout import _dense

    values = np.array([7, 3, 7, 0, 9, 3])
    assert _dense(values, 10).tolist() == np.unique(values, return_inverse=True)[1].tolist() == [2, 1, 2, 0, 3, 1]


def test_greedy_chain_follows_pointers():
    nxt = np.array([2, 3, 5, 4, 6, 6])
    assert np.flatnonzero(greedy_chain(nxt)).tolist() == [0, 2, 5]


def test_lane_start_order_matches_a_three_key_lexsort():
    from explorer.gui.timeline_layout import _lane_start_order

    rng = np.random.default_rng(5)
    for n in (1, 40, 2000):
        for shuffled in (False, True):
            lane = rng.integers(0, 6, n).astype(np.int32)
            s = np.sort(np.round(rng.uniform(1990, 2000, n), 1))  # date order, many equal starts
            e = s + rng.choice([0.04, 1 / 12, 1.0, 3.0], n)
            if shuffled:
                p = rng.permutation(n)
                lane, s, e = lane[p], s[p], e[p]
            assert _lane_start_order(lane, s, e, 6).tolist() == np.lexsort((s - e, s, lane)).tolist()


@pytest.mark.parametrize("mode", ["zone", "category", "storyline"])
def test_lane_heights_are_the_sub_rows_the_stacking_uses(store, mode):
    from explorer.gui.timeline_layout import LANE_PAD

    rng = np.random.default_rng(3)
    for mask in (np.ones(store.n, bool), rng.random(store.n) < 0.5):
        for cap in (1, 2, 3, 8):
            lay = build_layout(store, mode, mask, cap=cap)
            deepest = np.full(len(lay.lanes), -1)
            np.maximum.at(deepest, lay.lane, np.minimum(lay.sub, cap))
            used = lay.lane_count > 0
            assert np.allclose(lay.lane_height[used], deepest[used] + 1 + LANE_PAD)


LAID_OUT = ("lane_top", "lane_height", "lane_count", "crowded", "row", "lane", "x0", "x1", "point", "depth",
            "sub", "y", "next_x", "group", "g_kind", "g_lane", "g_x0", "g_x1", "g_y", "g_count", "g_next_x")


@pytest.mark.parametrize("mode", ["zone", "category", "storyline"])
def test_a_layout_of_every_row_again_is_made_from_what_the_first_kept(synth_store, monkeypatch, mode):
    # Clearing the filters at a million events laid every row out from nothing (~140 ms).
    store = synth_store
    every, rows = np.ones(store.n, bool), np.arange(store.n)
    half = np.random.default_rng(5).random(store.n) < 0.5
    timeline_layout._EVERY.pop(store, None)
    build_layout(store, mode, every, view_rows=40.0, rows=rows)
    sorts = []
    real_sort = timeline_layout._lane_start_order
    monkeypatch.setattr(timeline_layout, "_lane_start_order", lambda *a: sorts.append(1) or real_sort(*a))
    for mask, kw in ((every, {"view_rows": 40.0, "rows": rows}), (None, {"cap": 1}), (every, {"cap": 2}),
                     (half, {"cap": 1})):
        sorts.clear()
        again = build_layout(store, mode, mask, **kw)
        assert len(sorts) == (mask is half), "a layout of every row sorted its rows again"
        kept = timeline_layout._EVERY.pop(store)
        new = build_layout(store, mode, mask, **kw)
        timeline_layout._EVERY[store] = kept
        assert [lane.key for lane in again.lanes] == [lane.key for lane in new.lanes]
        assert (again.cap, again.n_empty) == (new.cap, new.n_empty)
        assert again.crowded.any() or kw.get("cap") != 1  # the piles' path is taken
        for name in LAID_OUT:
            a, b = getattr(again, name), getattr(new, name)
            assert (a is None and b is None) or (np.array_equal(a, b) and a.dtype == b.dtype), name


def test_layout_marks_never_overlap_within_a_sub_row(store):
    lay = build_layout(store, "zone", np.ones(store.n, bool), cap=3)
    solo = lay.group < 0
    for key in set(zip(lay.lane[solo].tolist(), lay.sub[solo].tolist(), strict=True)):
        m = solo & (lay.lane == key[0]) & (lay.sub == key[1])
        if key[1] == lay.cap:
            continue  # the overflow sub-row keeps lone leftovers, which never overlap either
        x0, x1 = lay.x0[m], lay.x1[m]
        o = np.argsort(x0)
        assert (x0[o][1:] >= x1[o][:-1] - 1e-9).all()
    # Every item is drawn exactly once: on its own or inside one group.
    assert lay.g_count.sum() == (lay.group >= 0).sum()
    assert set(np.unique(lay.g_kind)) <= {PILE, CLUSTER}


def test_auto_cap_fills_the_view_without_wasting_it():
    assert auto_cap(1, 33) > auto_cap(12, 33) >= 3
    depth = np.array([1, 1, 2, 30])
    cap = auto_cap(depth, 20)
    rows = np.where(depth <= cap, depth, cap + 1).sum() + 0.45 * len(depth)
    assert rows <= 20 < np.where(depth <= cap + 1, depth, cap + 2).sum() + 0.45 * len(depth)
    assert auto_cap(depth, 200) == 30  # room for everything: no overflow


def test_lane_depths_count_the_most_overlapping_events():
    lane = np.array([0, 0, 0, 1, 1])
    s = np.array([0.0, 0.5, 1.0, 0.0, 2.0])
    e = np.array([1.0, 1.5, 2.0, 1.0, 3.0])
    assert lane_depths(lane, s, e, 2).tolist() == [2, 1]


# ---------------------------------------------------------------------- lanes
def test_zone_lanes_follow_the_hierarchy_and_the_filters(view, session, store):
    keys = view.lane_keys()
    used = {f"zone:{store.zones[z].id}" for z in np.unique(store.zone)}
    assert used <= set(keys)
    order = [store.zone_index[k.partition(":")[2]] for k in keys]
    assert order == sorted(order), "zone lanes are in the hierarchy's (store) order"
    # Parents are shown for the tree, even without events of their own.
    for k in keys:
        z = store.zones[store.zone_index[k.partition(":")[2]]]
        if z.parent >= 0:
            assert f"zone:{store.zones[z.parent].id}" in keys

    session.state.update(None, zones={"yangquan-hitech"})
    keys = view.lane_keys()
    assert "zone:yangquan-hitech" in keys
    assert "zone:datong" not in keys and "zone:jincheng-edz" not in keys
    drawn_rows = set(view._layout.row.tolist())
    assert drawn_rows == set(session.rows.tolist())


def test_lanes_follow_the_lane_mode(view, session, store):
    session.set_lane_mode("category")
    used = sorted(set(store.category.tolist()))
    assert view.lane_keys() == [f"category:{store.categories[c].id}" for c in used]
    assert view.mode_combo.currentData() == "category"
    session.set_lane_mode("storyline")
    keys = view.lane_keys()
    assert all(k.startswith("storyline:") for k in keys)
    assert keys[-1] == "storyline:"  # events without a storyline get the last lane
    # The combo drives the session, too.
    view.mode_combo.setCurrentIndex(view.mode_combo.findData("zone"))
    assert session.lane_mode == "zone"
    assert view.lane_keys()[0].startswith("zone:")


def test_a_new_lane_mode_starts_at_its_first_lane(qtbot, view, session):
    lay = view._layout
    view._set_y_top(float(lay.lane_top[-1]))  # scrolled down to the last zone
    assert view._vb.viewRange()[1][0] > 0
    session.set_lane_mode("storyline")
    assert view._vb.viewRange()[1][0] == 0
    assert view.canvas._view[1][0] == 0  # and drawn for that range
    session.set_lane_mode("zone")


def test_a_new_lane_mode_keeps_the_selected_event_in_sight(qtbot, view, session, store):
    # Switching Lanes by scrolled to the first lane even when the selected event's mark was
    # then out of view (the table and the detail pane showed it; the timeline, nothing).
    view.fit_all()
    for mode in ("storyline", "category", "zone"):
        # An event whose lane comes late in this mode: with the view at the first lane it is out of sight.
        session.set_lane_mode(mode)
        lay = view._layout
        late = int(lay.row[int(np.argmax(lay.y))])
        session.selection.select_one(late)
        other = {"zone": "storyline", "storyline": "category", "category": "zone"}[mode]
        session.set_lane_mode(other)
        session.set_lane_mode(mode)
        assert late in view.rows_in_view().tolist(), mode


def test_ctrl_click_on_a_pile_takes_it_away_again(view, session):
    # Ctrl-click toggles one event; on a pile (or a "+N" mark) it only ever added.
    CTRL = QtCore.Qt.KeyboardModifier.ControlModifier
    one, *pile = (int(r) for r in session.rows[:4])
    session.selection.select_one(one)
    view._on_events_clicked(pile, CTRL)
    assert session.selection.rows == {one, *pile}
    view._on_events_clicked(pile, CTRL)
    assert session.selection.rows == {one} and session.selection.active == one
    view._on_events_clicked(pile, QtCore.Qt.KeyboardModifier.ShiftModifier)  # Shift still only adds
    view._on_events_clicked(pile, QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert session.selection.rows == {one, *pile}


def test_a_click_on_a_selected_day_point_reaches_it(qtbot, view, session, store):
    # The ring over a selected point took the click and did nothing: Ctrl-click did not
    # take the point away, nor did a plain click make it the one selected.
    view.set_x_range(2016.5, 2025.5)
    settle(qtbot, view)
    lay = view._layout
    items = own_items(view)
    point = int(lay.row[next(i for i in items if store.precision[lay.row[i]] == PRECISIONS.index("day"))])
    bar = int(lay.row[next(i for i in items if view.item_extent(int(lay.row[i]))[0] == "bar")])
    reveal(qtbot, view, point)
    p = view.item_position(point)
    session.selection.select_one(point)
    settle(qtbot, view)
    click_view(qtbot, view, p.x(), p.y(), CTRL)
    assert session.selection.rows == set()
    session.selection.set({point, bar}, bar)
    settle(qtbot, view)
    click_view(qtbot, view, p.x(), p.y())
    assert session.selection.rows == {point} and session.selection.active == point


def test_lane_labels_follow_the_language(view, session, store):
    first = store.zones[store.zone_index[view.lane_keys()[0].partition(":")[2]]]
    assert view.lane_axis._lanes[0].label == first.name_zh
    session.set_language("en")
    assert view.lane_axis._lanes[0].label == first.name_en
    assert any(e.text == store.categories[0].en for e in view.legend.entries())


# ---------------------------------------------------------------------- marks
def test_year_event_spans_its_year_and_day_event_is_a_point(view, store):
    lay = view._layout
    solo = lay.group < 0
    year_items = np.flatnonzero(solo & (store.precision[lay.row] == PRECISIONS.index("year"))
                                & (store.year[lay.row] == store.year_end[lay.row]))
    day_items = np.flatnonzero(solo & (store.precision[lay.row] == PRECISIONS.index("day")))
    assert len(year_items) and len(day_items)
    row = int(lay.row[year_items[0]])
    kind, x0, x1 = view.item_extent(row)
    assert kind == "bar"
    assert (x0, x1) == (pytest.approx(store.year[row]), pytest.approx(store.year[row] + 1))
    row = int(lay.row[day_items[0]])
    kind, x0, x1 = view.item_extent(row)
    assert kind == "point" and x0 == x1
    assert store.t_start[row] <= x0 <= store.t_end[row]


def test_inferred_and_conflicting_events_look_different(view, store):
    styles = view.canvas.styles
    cat = 0
    certain_pen, certain_brush = styles.style(cat, 0)
    inferred_pen, inferred_brush = styles.style(cat, FLAG_INFERRED)
    assert inferred_brush.color().alpha() < certain_brush.color().alpha() / 3  # hollow
    # (Conflicting events carry a badge: see test_every_disputed_event_shows_a_badge_on_its_mark.)


@pytest.mark.parametrize("mode", ["zone", "category"])
def test_every_disputed_event_shows_a_badge_on_its_mark(qtbot, view, session, store, mode):
    # A disputed event piled with others (or in an overflow cluster) badges its pile: at the
    # full view of the curated data most disputed events are in piles.
    from explorer.gui.palette import CONFLICT
    from explorer.gui.timeline_items import BAR_HALF

    session.set_lane_mode(mode, None)
    view.fit_all()
    settle(qtbot, view)
    lay = view._layout
    disputed = np.flatnonzero((store.flags[lay.row] & FLAG_CONFLICT) > 0)
    g = lay.group[disputed]
    assert (g >= 0).any(), "the curated data has disputed events in piles"
    mid = (lay.x0[disputed] + lay.x1[disputed]) / 2
    x = np.where(g >= 0, lay.g_x0[g], np.where(lay.point[disputed], mid, lay.x0[disputed]))
    y = np.where(g >= 0, lay.g_y[g], lay.y[disputed]) - BAR_HALF
    marks = set(zip(np.round(x, 9).tolist(), np.round(y, 9).tolist(), strict=True))
    badges = view.canvas.badges
    assert len(badges.x) == len(marks)  # one per mark: two disputed events in one pile badge it once
    assert set(zip(np.round(badges.x, 9).tolist(), np.round(badges.y, 9).tolist(), strict=True)) == marks
    # A disputed pile's tooltip lists its disputed events first, marked as on the timeline.
    pile = int(g[np.argmax(lay.g_count[np.maximum(g, 0)] * (g >= 0))])  # the largest disputed group
    rows = lay.group_rows(pile)
    n_disputed = int(((store.flags[rows] & FLAG_CONFLICT) > 0).sum())
    listed = view.tooltips.for_group(lay, pile, "en").split("<br>")[1:]
    assert [CONFLICT in line for line in listed] == [k < n_disputed for k in range(len(listed))]


def test_a_group_s_tooltip_gives_a_range_as_a_range(view, store):
    # A pile or "+N" tooltip listed a ranged event by its start alone (2024年1月 for
    # 2024年1月—2024年9月), unlike its own tooltip and the table.
    from explorer.core.dates import format_range

    lay = view._layout
    found = None
    for g in range(len(lay.g_kind)):
        for row in lay.group_rows(g).tolist():
            rec = store.record(int(row))
            if rec.date_end is not None and rec.date_end != rec.date:
                found = g, rec
                break
        if found:
            break
    assert found, "the curated data has a ranged event in a group"
    g, rec = found
    tip = view.tooltips.for_group(lay, g, "zh")
    assert format_range(rec.date, rec.date_end, "zh") in tip


def test_many_events_on_one_date_form_a_pile(view, session, store):
    lay = view._layout
    piles = np.flatnonzero(lay.g_kind == PILE)
    assert len(piles), "the curated data has dense months (e.g. 2024-11)"
    g = int(piles[np.argmax(lay.g_count[piles])])
    rows = lay.group_rows(g)
    assert len(set(zip(store.t_start[rows].tolist(), store.t_end[rows].tolist(), strict=True))) == 1


# ---------------------------------------------------------------------- clicks
def test_click_selects_and_ctrl_click_extends(qtbot, view, session):
    view.set_x_range(2016.5, 2025.5)
    settle(qtbot, view)
    lay = view._layout
    items = own_items(view)
    bars = items[~lay.point[items]]
    assert len(bars) >= 2
    a, b = int(bars[0]), int(bars[-1])
    for i in (a, b):
        reveal(qtbot, view, int(lay.row[i]))
    reveal(qtbot, view, int(lay.row[a]))
    p = view.item_position(int(lay.row[a]))
    click_view(qtbot, view, p.x(), p.y())
    assert session.selection.rows == {int(lay.row[a])}
    assert session.selection.active == int(lay.row[a])

    reveal(qtbot, view, int(lay.row[b]))
    p = view.item_position(int(lay.row[b]))
    click_view(qtbot, view, p.x(), p.y(), CTRL)
    assert session.selection.rows == {int(lay.row[a]), int(lay.row[b])}
    assert session.selection.active == int(lay.row[b])
    click_view(qtbot, view, p.x(), p.y(), CTRL)  # Ctrl-click again: taken away
    assert session.selection.rows == {int(lay.row[a])}
    for _ in range(2):  # Shift-click adds, and adding again keeps it (it took it away)
        click_view(qtbot, view, p.x(), p.y(), QtCore.Qt.KeyboardModifier.ShiftModifier)
        assert session.selection.rows == {int(lay.row[a]), int(lay.row[b])}
        assert session.selection.active == int(lay.row[b])


def test_click_on_a_day_marker_selects_it(qtbot, view, session):
    lay = view._layout
    day = np.flatnonzero((lay.group < 0) & lay.point)
    row = int(lay.row[day[0]])
    view.set_x_range(lay.x0[day[0]] - 0.5, lay.x0[day[0]] + 0.5)
    reveal(qtbot, view, row)
    p = view.item_position(row)
    click_view(qtbot, view, p.x(), p.y())
    assert session.selection.rows == {row}


def test_item_signal_selects_like_a_click(qtbot, view, session):
    lay = view._layout
    bars = view.canvas.bars
    item = int(bars.payload[0])
    ev = type("Ev", (), {"modifiers": staticmethod(lambda: QtCore.Qt.KeyboardModifier.NoModifier)})()
    bars.sigClicked.emit(bars, np.array([item]), ev)
    assert session.selection.rows == {int(lay.row[item])}


def test_click_on_a_pile_selects_all_its_events(qtbot, view, session):
    lay = view._layout
    g = int(np.flatnonzero(lay.g_kind == PILE)[0])
    rows = set(lay.group_rows(g).tolist())
    view.set_x_range(lay.g_x0[g] - 0.3, lay.g_x1[g] + 0.3)
    view._ensure_y_visible(float(lay.g_y[g]))
    settle(qtbot, view)
    x, y = (lay.g_x0[g] + lay.g_x1[g]) / 2, lay.g_y[g]
    assert f"{len(rows)} events on" in view.tooltip_at(x, y)
    click_view(qtbot, view, x, y)
    assert session.selection.rows == rows


def test_click_on_empty_space_changes_nothing(qtbot, view, session):
    session.selection.select_one(int(session.rows[0]), None)
    view.set_x_range(1930, 1960)  # no events in these years
    settle(qtbot, view)
    _, (y0, y1) = view._vb.viewRange()
    click_view(qtbot, view, 1945, (y0 + y1) / 2)
    assert session.selection.rows == {int(session.rows[0])}
    assert session.state.filters.is_empty()


# ---------------------------------------------------------------------- lane labels
def click_lane(qtbot, w, key, modifier=QtCore.Qt.KeyboardModifier.NoModifier, double=False):
    rect = w.lane_axis.label_rect(key)
    scene = w.lane_axis.mapToScene(rect.center())
    pos = w.plot_widget.mapFromScene(scene)
    vp = w.plot_widget.viewport()
    qtbot.mouseClick(vp, LEFT, modifier, pos)
    if double:  # what a platform sends: press, release, double-click, release
        qtbot.mouseDClick(vp, LEFT, modifier, pos)
        qtbot.mouseRelease(vp, LEFT, modifier, pos)


@pytest.mark.parametrize(("lang", "width"), [("en", 900), ("zh", 640)])
def test_a_long_lane_label_takes_the_lines_its_lane_has_room_for(qtbot, session, monkeypatch, lang, width):
    # A narrow column cut "Shanxi Transformation and Comprehensive Reform Demonstration
    # Zone" to "Shanxi Transfo…" even in a lane two or three rows tall.
    session.set_language(lang)
    w = on_screen(qtbot, TimelineView(session), (width, 700))
    axis = w.lane_axis
    qtbot.waitUntil(lambda: axis.width() <= 0.24 * w.plot_widget.width())  # its share of the pane, once laid out
    drawn = {}  # label -> the text the paint drew for it
    texts = axis._texts
    monkeypatch.setattr(texts, "wrapped", lambda label, *a, _real=texts.wrapped, **k:
                        drawn.setdefault(label, _real(label, *a, **k)))
    axis.update()  # painted afresh, not from its cache
    w.grab()
    fm = axis._metrics
    wrapped = cut = 0
    for g in axis._lanes:
        if g.label not in drawn:
            continue  # scrolled out of view
        lines = drawn[g.label].text().split(LINE_BREAK)
        room = axis.width() - 2 * axis.PAD - axis._indent_px(g)
        assert len(lines) <= LABEL_LINES and all(fm.horizontalAdvance(line) <= room + 0.5 for line in lines), g.key
        assert fm.lineSpacing() * (len(lines) - 1) + fm.height() <= axis.label_rect(g.key).height(), g.key
        if fm.horizontalAdvance(g.label) <= room:
            assert lines == [g.label]
            continue
        # The words (or characters) in order, and only the last line cut short.
        shown = "".join(lines).replace(" ", "")
        assert all(not line.endswith("…") for line in lines[:-1])
        assert g.label.replace(" ", "").startswith(shown.removesuffix("…")), g.key
        wrapped += len(lines) > 1
        cut += len(lines) == 1  # a lane one row tall: one line, elided
    assert wrapped >= 2 and (cut >= 2 or lang == "zh")


def test_no_lane_label_is_drawn_below_the_lanes(qtbot, session):
    # The last lane in view, cut by the plot's bottom edge: its label's second line was
    # drawn over the year axis (日昌晶新材料(山西) / 有限责任公司 beside "1940").
    session.set_language("zh")
    w = on_screen(qtbot, TimelineView(session), (640, 420))
    axis = w.lane_axis
    qtbot.waitUntil(lambda: axis.width() <= 0.24 * w.plot_widget.width())
    strip = w.plot_widget.mapFromScene(axis.mapRectToScene(QtCore.QRectF(0, 0, axis.width(), axis.height())))
    strip = strip.boundingRect()
    below = QtCore.QRect(strip.left() + 2, strip.bottom() + 2, strip.width() - 6, w.plot_widget.height() - strip.bottom() - 4)
    assert below.height() > 10  # the year axis's row, beside the labels' column
    total = w._layout.height
    inked = 0
    for top in np.arange(0.0, max(0.0, total - w._view_rows()), 0.5):
        w._set_y_top(float(top))
        axis.update()
        img = w.plot_widget.grab(below).toImage()
        dark = sum(QtGui.QColor(img.pixel(x, y)).lightness() < 160 for x in range(img.width()) for y in range(img.height()))
        inked = max(inked, dark)
    assert inked == 0


def test_a_lane_scrolled_partly_out_above_keeps_its_label_in_view(qtbot, view, monkeypatch):
    axis = view.lane_axis
    name = view._layout.lanes[0].label(view.session.lang)
    assert view._layout.lane_height[0] >= 2  # tall enough to scroll half of it out
    tops = []  # where the first lane's label is drawn (the column's coordinates)
    real = QtGui.QPainter.drawStaticText

    def record(painter, point, text):
        if text.text().replace(LINE_BREAK, " ") == name:
            tops.append(point.y())
        return real(painter, point, text)

    monkeypatch.setattr(QtGui.QPainter, "drawStaticText", record)
    view._set_y_top(1.0)  # its first row scrolled out above
    axis.update()
    view.grab()
    assert tops and min(tops) >= 0  # at the top of the column, not above it (cut off)


def test_lane_label_click_selects_lanes_and_double_click_filters(qtbot, view, session):
    keys = view.lane_keys()
    a, b = keys[0], keys[2]
    click_lane(qtbot, view, a)
    assert session.selection.lanes == (a,)
    assert view.canvas.bands.selected.sum() == 1
    click_lane(qtbot, view, b, CTRL)
    assert session.selection.lanes == (a, b)
    click_lane(qtbot, view, b, CTRL)
    assert session.selection.lanes == (a,)

    qtbot.wait(QtWidgets.QApplication.doubleClickInterval() + 50)
    click_lane(qtbot, view, "zone:yangquan-hitech", double=True)
    assert session.state.zones == {"yangquan-hitech"}


def test_lane_double_click_in_category_mode_filters_the_category(qtbot, view, session):
    session.set_lane_mode("category")
    settle(qtbot, view)
    key = view.lane_keys()[1]
    click_lane(qtbot, view, key, double=True)
    assert session.state.categories == {key.partition(":")[2]}


def test_lanes_selected_elsewhere_are_highlighted(view, session):
    session.selection.set_lanes(["zone:yangquan-hitech"], None)
    i = view.lane_keys().index("zone:yangquan-hitech")
    assert view.canvas.bands.selected.tolist().index(True) == i
    assert view.lane_axis._selected == {"zone:yangquan-hitech"}


# ---------------------------------------------------------------------- selection overlay
def test_selection_overlay_shows_exactly_the_selected_rows(view, session):
    bars_before = view.canvas.bars.opts["brushes"]
    rows = [int(r) for r in session.rows[[3, 40, 100]]]
    session.selection.set(rows, rows[1], None)
    assert view.canvas.overlay_rows.tolist() == sorted(rows)
    lay = view._layout
    n_items = int(np.isin(lay.row, rows).sum())
    n_drawn = len(view.canvas.sel_bars.opts["x0"]) + len(view.canvas.sel_points.data)
    assert n_drawn == n_items
    active = len(view.canvas.active_bars.opts["x0"]) + len(view.canvas.active_points.data)
    assert active == int((lay.row == rows[1]).sum())
    # The dataset itself was not re-coloured.
    assert view.canvas.bars.opts["brushes"] is bars_before
    session.selection.clear(None)
    assert view.canvas.overlay_rows.tolist() == []


def test_selection_from_elsewhere_pans_to_the_event(qtbot, view, session, store):
    view.set_x_range(1925, 1935)
    settle(qtbot, view)
    row = int(session.rows[-1])
    session.selection.select_one(row, None)
    (x0, x1), _ = view._vb.viewRange()
    assert x0 <= store.t_start[row] <= x1
    assert x1 - x0 == pytest.approx(10, rel=1e-3)  # the zoom is kept


def test_an_event_selected_elsewhere_is_scrolled_into_view_just_enough(qtbot, view, session, store):
    view.fit_all()
    settle(qtbot, view)
    lay = view._layout
    rows_shown = view._view_rows()
    assert lay.height > rows_shown + 5, "the curated data has more lanes than the pane shows"
    # The lowest event of the first lane wholly below the lanes in view.
    lane = int(np.flatnonzero((lay.lane_top > rows_shown + 0.5) & (lay.lane_count > 0))[0])
    in_lane = np.flatnonzero(lay.lane == lane)
    i = int(in_lane[np.argmax(lay.y[in_lane])])
    row = int(lay.row[i])
    bottom = float(lay.lane_top[lane] + lay.lane_height[lane])
    x_before = view._vb.viewRange()[0]
    session.selection.select_one(row, None)  # e.g. from the table
    settle(qtbot, view)
    (x0, x1), (y0, y1) = view._vb.viewRange()
    assert y0 <= lay.y[i] - 0.5 and lay.y[i] + 0.5 <= y1
    assert y1 == pytest.approx(bottom)  # scrolled the least that shows its whole lane
    assert [x0, x1] == pytest.approx(x_before)  # already in view along time: neither panned nor zoomed
    # Another event already in view: nothing moves.
    (_, _), (top, _) = view._vb.viewRange()
    near = np.flatnonzero((lay.y > y0 + 1) & (lay.y < y1 - 1) & (lay.row != row))
    session.selection.select_one(int(lay.row[near[0]]), None)
    settle(qtbot, view)
    assert view._vb.viewRange()[1][0] == pytest.approx(top)
    # Picked on the timeline itself, even at the edge of the view: no jump.
    view._set_y_top(lay.y[i] - rows_shown + 0.2)  # its sub-row only peeks in at the bottom
    settle(qtbot, view)
    top = view._vb.viewRange()[1][0]
    view._on_events_clicked([row], QtCore.Qt.KeyboardModifier.NoModifier)
    settle(qtbot, view)
    assert session.selection.active == row and view._vb.viewRange()[1][0] == pytest.approx(top)
    # "Fit all" keeps the active event in view rather than scrolling back to the first lane.
    view.fit_all()
    settle(qtbot, view)
    _, (y0, y1) = view._vb.viewRange()
    assert y0 <= lay.y[i] - 0.5 and lay.y[i] + 0.5 <= y1


def test_an_event_selected_elsewhere_outside_the_time_range_is_panned_to_not_zoomed(qtbot, view, session, store):
    view.set_x_range(1990, 2000)
    settle(qtbot, view)
    row = store.row_of("a003-2017-valve-relocation-pingding")
    session.selection.select_one(row, None)
    settle(qtbot, view)
    (x0, x1), (y0, y1) = view._vb.viewRange()
    assert x1 - x0 == pytest.approx(10)
    assert x0 < 2017 and 2018 <= x1 <= 2019  # panned just past it, not centred on it
    p = view.item_position(row)
    assert x0 < p.x() < x1 and y0 < p.y() < y1


def test_zoom_to_selection_frames_the_selected_events(qtbot, view, session, store):
    rows = [int(r) for r in session.rows[-5:]]
    session.selection.set(rows, rows[0], view)  # as if picked here: no auto-pan
    view.zoom_to_selection()
    (x0, x1), _ = view._vb.viewRange()
    assert x0 <= store.t_start[rows].min() and store.t_end[rows].max() <= x1
    assert x1 - x0 < 10


# ---------------------------------------------------------------------- brush
def test_a_year_filter_set_elsewhere_zooms_to_its_years(qtbot, view, session, store):
    session.state.update(None, years=(2017, 2017))
    settle(qtbot, view)
    # Events of 1993-2023 overlap 2017: they must not stretch the view over thirty years.
    assert store.t_start[session.rows].min() < 2000 and store.t_end[session.rows].max() > 2020
    (x0, x1), _ = view._vb.viewRange()
    assert 2016.8 <= x0 <= 2017 and 2018 <= x1 <= 2018.2
    view.set_x_range(1950, 1990)
    view.fit_all()  # "Fit all" shows the years too
    assert view._vb.viewRange()[0] == pytest.approx([x0, x1])
    # Years wider than the events: the events' extent.
    session.state.update(None, years=(1800, 2200))
    settle(qtbot, view)
    (x0, x1), _ = view._vb.viewRange()
    lo, hi = store.t_start.min(), store.t_end.max()
    assert x0 <= lo and hi <= x1 and x1 - x0 < (hi - lo) * 1.1 + 1.01
    # Brushed here: the view stays where the brush was drawn.
    view.set_x_range(2000, 2020)
    session.state.update(view, years=(2005, 2010))
    settle(qtbot, view)
    assert view._vb.viewRange()[0] == pytest.approx([2000, 2020])
    session.state.update(None, years=None)  # cleared elsewhere: every event again
    settle(qtbot, view)
    (x0, x1), _ = view._vb.viewRange()
    assert x0 <= lo and hi <= x1


def test_brush_button_and_drag_set_the_year_filter(qtbot, view, session):
    view.set_x_range(2010, 2026)
    settle(qtbot, view)
    view.brush_action.trigger()
    years = session.state.years
    assert years is not None and 2010 <= years[0] <= years[1] <= 2026

    # Drag the brush's middle two years to the right, as a user would.
    r0, r1 = view._brush.getRegion()
    _, (y0, y1) = view._vb.viewRange()
    ymid = (y0 + y1) / 2
    vp = view.plot_widget.viewport()
    start = viewport_pos(view, (r0 + r1) / 2, ymid)
    end = viewport_pos(view, (r0 + r1) / 2 + 2, ymid)
    qtbot.mousePress(vp, LEFT, pos=start)
    for k in range(1, 11):
        p = start + (end - start) * (k / 10)
        ev = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(p), QtCore.QPointF(vp.mapToGlobal(p)),
                               QtCore.Qt.MouseButton.NoButton, LEFT, QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(vp, ev)
    qtbot.mouseRelease(vp, LEFT, pos=end)
    moved = session.state.years
    assert moved == (years[0] + 2, years[1] + 2)
    r0, r1 = view._brush.getRegion()
    assert (r0, r1) == (moved[0], moved[1] + 1)  # snapped to whole years

    view.brush_action.trigger()
    assert session.state.years is None
    assert not view._brush.isVisible()


def test_brush_follows_a_year_filter_set_elsewhere(view, session):
    session.state.update(None, years=(2017, 2019))
    assert view.brush_action.isChecked() and view._brush.isVisible()
    assert view._brush.getRegion() == (2017, 2020)
    assert set(view._layout.row.tolist()) == set(session.rows.tolist())
    session.state.update(None, years=None)
    assert not view.brush_action.isChecked() and not view._brush.isVisible()


# ---------------------------------------------------------------------- labels, zoom, density
def label_rects(w: TimelineView):
    (lo, hi), _ = w._vb.viewRange()
    ppy = w._vb.width() / (hi - lo)
    fm = QtGui.QFontMetricsF(w.canvas.label_font)
    out = []
    for lb in w.labels():
        x = (lb.x - lo) * ppy + lb.dx
        out.append((round(lb.y, 3), x, x + fm.horizontalAdvance(lb.text)))
    return out


def test_labels_stay_few_and_never_overlap(qtbot, view, session):
    for mode in ("zone", "category"):
        session.set_lane_mode(mode)
        for rng in ((1920, 2030), (2021, 2025), (2024.7, 2025.1)):
            view.set_x_range(*rng)
            settle(qtbot, view)
            rects = label_rects(view)
            assert 0 < len(rects) <= timeline_canvas.MAX_LABELS
            rects.sort()
            for (ya, _, a1), (yb, b0, _) in zip(rects, rects[1:], strict=False):
                if ya == yb:
                    assert b0 >= a1 - 0.5, (mode, rng)


def test_a_long_title_in_a_wide_bar_is_shortened_inside_it(qtbot, view, session):
    # English titles are longer than their bars more often: a bar of 2017 some 200 pixels
    # wide, with no room after it, had no title at all where the Chinese one had its own.
    session.set_language("en")
    view.set_x_range(2012.5, 2020.0)  # a year ~150 px: most titles of 2017 do not fit their bar
    settle(qtbot, view)
    lay, canvas = view._layout, view.canvas
    (lo, hi), (y0, y1) = view._vb.viewRange()
    ppy = view._vb.width() / (hi - lo)
    fm = QtGui.QFontMetricsF(canvas.label_font)
    at = {(round(lb.y, 3), round(lb.x, 6)): lb for lb in view.labels()}
    shortened = 0
    for i in canvas.drawn[lay.group[canvas.drawn] < 0].tolist():
        x0, x1, y = float(lay.x0[i]), float(lay.x1[i]), float(lay.y[i])
        inside = (min(x1, hi) - max(x0, lo)) * ppy
        title = session.store.record(int(lay.row[i])).title("en")
        if (lay.point[i] or not (y0 <= y <= y1) or inside < timeline_canvas.MIN_ELIDED_PX + 20
                or fm.horizontalAdvance(title) + 10 <= inside):
            continue  # a point, out of view, narrow, or the whole title fits: other tests
        within = at.get((round(y, 3), round(max(x0, lo), 6)))
        after = at.get((round(y, 3), round(x1, 6)))
        assert within is not None or after is not None, title  # labelled, inside or after it
        if within is not None:
            assert within.text.endswith("…") and title.startswith(within.text[:-1].rstrip())
            assert fm.horizontalAdvance(within.text) + within.dx <= inside  # kept inside the bar
            shortened += 1
    assert shortened >= 1


def test_bars_begun_before_the_view_end_at_the_lane_labels_edge(qtbot, view, session):
    # The column's edge line was drawn 5 pixels into the plot (at the axis item's bounds,
    # which reach past its geometry): bars cut at the plot's left edge poked past it, and a
    # title inside such a bar started on the line.
    view.set_x_range(2016.0, 2018.0)  # the 1993-2023 bar of the hi-tech zone begins before
    settle(qtbot, view)
    img = view.plot_widget.grab().toImage()
    ratio = img.devicePixelRatio()
    left = view.plot_widget.mapFromScene(view._vb.sceneBoundingRect().topLeft()).x()
    edge = QtGui.QColor("#C9CED6").rgb()
    y = view.plot_widget.mapFromScene(view._vb.sceneBoundingRect().center()).y()
    column = [img.pixelColor(int((left - 1) * ratio), int((y + dy) * ratio)).rgb() for dy in range(-40, 40, 8)]
    assert all(c == edge for c in column)


def test_keyboard_zooms_and_pans(qtbot, view):
    view.set_x_range(2000, 2020)
    settle(qtbot, view)
    view.plot_widget.setFocus()
    qtbot.keyClick(view.plot_widget, QtCore.Qt.Key.Key_Plus)
    (x0, x1), _ = view._vb.viewRange()
    assert x1 - x0 == pytest.approx(20 / 1.6, rel=1e-3)
    qtbot.keyClick(view.plot_widget, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ShiftModifier)
    (y0, _), _ = view._vb.viewRange()
    assert y0 > x0
    qtbot.keyClick(view.plot_widget, QtCore.Qt.Key.Key_Minus)
    (a, b), _ = view._vb.viewRange()
    assert b - a == pytest.approx(20, rel=1e-3)


def test_panning_does_not_retypeset_the_axis_labels(monkeypatch, view):
    # pyqtgraph re-sets each axis label's HTML on every range change unless the SI
    # prefix (meaningless for years and lanes) is off.
    calls = []
    monkeypatch.setattr(pg.AxisItem, "_updateLabel", lambda axis: calls.append(axis))
    for i in range(5):
        view.set_x_range(2000 + i, 2020 - i)
        view.plot_widget.viewport().repaint()
    assert calls == []
    assert view.year_axis.range[0] == pytest.approx(2004, abs=0.5)  # the axis did follow the view


def test_wheel_zooms_time_only(qtbot, view):
    view.set_x_range(2000, 2020)
    settle(qtbot, view)
    (_, _), (ya, yb) = view._vb.viewRange()
    pos = viewport_pos(view, 2010, (ya + yb) / 2)
    vp = view.plot_widget.viewport()
    ev = QtGui.QWheelEvent(QtCore.QPointF(pos), QtCore.QPointF(vp.mapToGlobal(pos)), QtCore.QPoint(0, 0),
                           QtCore.QPoint(0, 120), QtCore.Qt.MouseButton.NoButton,
                           QtCore.Qt.KeyboardModifier.NoModifier, QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    QtWidgets.QApplication.sendEvent(vp, ev)
    (x0, x1), (y0, y1) = view._vb.viewRange()
    assert x1 - x0 < 20
    assert (y1 - y0) == pytest.approx(yb - ya)


def test_hover_tooltip_gives_date_and_title(qtbot, view, session, store):
    lay = view._layout
    i = int(own_items(view)[0])
    row = int(lay.row[i])
    reveal(qtbot, view, row)
    p = view.item_position(row)
    text = view.tooltip_at(p.x(), p.y())
    rec = store.record(row)
    assert rec.title("zh") in text.replace("&quot;", '"')
    assert rec.date.format("zh") in text
    assert view.tooltip_at(1950, p.y()) == ""
    # A range gives both its ends, in the data language (its start alone is not its date).
    row = store.row_of("a004-growth-since-2012")  # 2012-2023, "十八大以来经济总量成倍增长"
    session.state.update(None, zones={"yangquan-hitech"})
    settle(qtbot, view)
    reveal(qtbot, view, row)
    (item,) = np.flatnonzero(view._layout.row == row)
    assert view._layout.group[item] < 0  # its own mark, not a pile's
    p = view.item_position(row)
    text = view.tooltip_at(p.x(), p.y())
    assert "十八大以来经济总量成倍增长" in text and "2012年—2023年" in text
    session.set_language("en")
    text = view.tooltip_at(p.x(), p.y())
    assert "Economy multiplied since 2012" in text and "2012 – 2023" in text
    session.set_language("zh")


def test_a_shown_tooltip_follows_a_filter_change_under_a_resting_mouse(qtbot, view, session, store):
    lay = view._layout
    row = int(lay.row[int(own_items(view)[0])])
    reveal(qtbot, view, row)
    scene = view._vb.mapViewToScene(view.item_position(row))
    view._on_mouse_moved((scene,))  # the mouse comes to rest on the event: its tooltip shows
    tip = QtWidgets.QToolTip
    assert tip.isVisible() and store.record(row).title("zh") in tip.text().replace("&quot;", '"')
    zone = store.zones[int(store.zone[row])].id
    others = [z.id for z in store.zones if z.id != zone and (store.zone == z.index).any()]
    session.state.update(None, zones={others[0]})  # the event under the mouse is filtered out
    qtbot.waitUntil(lambda: not tip.isVisible(), timeout=2000)  # Qt hides a tooltip after a short delay
    session.state.update(None, zones=set())  # back: the mouse rests on it again
    view._on_mouse_moved((scene,))
    shown = tip.text()
    session.state.update(None, years=(store.year_min, store.year_max))  # the same events
    assert tip.isVisible() and tip.text() == shown
    session.set_language("en")  # the same event, now described in English
    assert tip.isVisible() and store.record(row).title("en") in tip.text().replace("&quot;", '"')
    session.set_language("zh")
    tip.hideText()


def test_fit_all_shows_every_filtered_event(qtbot, view, session, store):
    session.state.update(None, zones={"jincheng-edz"})
    view.fit_all()
    (x0, x1), _ = view._vb.viewRange()
    lo, hi = store.t_start[session.rows].min(), store.t_end[session.rows].max()
    assert x0 <= lo and hi <= x1
    assert (x1 - x0) < (hi - lo) * 1.1 + 1.01


@pytest.mark.parametrize("mode", ["zone", "category", "storyline"])
def test_years_cleared_elsewhere_fit_every_filtered_event_in_any_lane_mode(qtbot, view, session, store, mode):
    session.set_lane_mode(mode)
    session.state.update(None, years=(2017, 2017), zones={"jincheng-edz"})
    session.state.update(None, years=None)  # fitted to the zone's events, whatever their lanes
    (x0, x1), _ = view._vb.viewRange()
    lo, hi = store.t_start[session.rows].min(), store.t_end[session.rows].max()
    pad = max(0.5, (hi - lo) * 0.02)
    assert (x0, x1) == pytest.approx((lo - pad, hi + pad))


def test_many_visible_events_are_drawn_as_density(qtbot, view, monkeypatch):
    monkeypatch.setattr(timeline_canvas, "AGGREGATE_LIMIT", 20)
    view._rebuild()
    view.fit_all()
    settle(qtbot, view)
    assert view.canvas.aggregated
    assert len(view.canvas.density_bars.opts["x0"]) > 0
    assert view.labels() == []
    # Density needs lanes and spans only: the costly stacking is left undone.
    assert "stacking" not in vars(view._layout)
    view.set_x_range(1923.9, 1925.1)  # one event in view
    settle(qtbot, view)
    assert not view.canvas.aggregated
    assert 0 < len(view.canvas.drawn) <= 20
    assert "stacking" in vars(view._layout)  # drawn one by one: now stacked


def test_a_new_pane_first_draws_the_fitted_range(qtbot, session, monkeypatch):
    # Its first drawing shows every event (density here), not pyqtgraph's default range
    # of 0-1, which showed nothing and so stacked a million events for an empty drawing.
    monkeypatch.setattr(timeline_canvas, "AGGREGATE_LIMIT", 20)
    w = TimelineView(session)
    qtbot.addWidget(w)
    assert w.canvas.aggregated
    assert "stacking" not in vars(w._layout)


def test_selecting_among_density_stacks_on_demand(qtbot, view, session, monkeypatch):
    monkeypatch.setattr(timeline_canvas, "AGGREGATE_LIMIT", 20)
    view._rebuild()
    view.fit_all()
    settle(qtbot, view)
    assert view.canvas.aggregated and "stacking" not in vars(view._layout)
    row = int(session.rows[len(session.rows) // 2])
    session.selection.select_one(row)
    settle(qtbot, view)
    lay = view._layout
    item = int(np.flatnonzero(lay.row == row)[0])
    bars = view.canvas.sel_bars.opts if not lay.point[item] else None
    if bars is not None:
        assert float(bars["y0"][0]) < float(lay.y[item]) < float(bars["y1"][0])
    else:
        assert view.canvas.sel_points.data["y"][0] == pytest.approx(lay.y[item])


def test_plain_arrow_keys_are_left_to_the_window(qtbot, session):
    seen = []

    class Window(QtWidgets.QWidget):
        def keyPressEvent(self, ev):  # noqa: N802
            seen.append(ev.key())

    win = Window()
    qtbot.addWidget(win)
    view = TimelineView(session, win)
    QtWidgets.QVBoxLayout(win).addWidget(view)
    win.resize(1000, 600)
    win.show()
    qtbot.waitExposed(win)
    before = view._vb.viewRange()
    qtbot.keyClick(view.plot_widget, QtCore.Qt.Key.Key_Right)
    qtbot.keyClick(view.plot_widget, QtCore.Qt.Key.Key_Left)
    assert seen == [QtCore.Qt.Key.Key_Right, QtCore.Qt.Key.Key_Left]
    assert view._vb.viewRange() == before


def test_the_plot_exports_as_an_image(qtbot, view, tmp_path):
    from pyqtgraph.exporters import ImageExporter

    out = tmp_path / "timeline.png"
    ImageExporter(view.plot_widget.plotItem).export(str(out))
    img = QtGui.QImage(str(out))
    assert img.width() > 500 and img.height() > 300


def test_a_closed_pane_stops_listening_to_the_session(qtbot, session):
    view = TimelineView(session)
    view.deleteLater()
    qtbot.wait(20)
    QtWidgets.QApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    session.state.update(None, zones={"yangquan-hitech"})  # must not touch the deleted widget
    session.selection.select_one(int(session.rows[0]), None)
    assert not session.filtered._slots


def test_a_filter_matching_nothing_leaves_an_empty_timeline(qtbot, view, session):
    session.state.update(None, text="no such text anywhere 12345")
    settle(qtbot, view)
    assert view.lane_keys() == []
    assert len(view.rows_in_view()) == 0 and view.labels() == []
    view.fit_all()
    view.zoom_to_selection()
    click_view(qtbot, view, 2020, 1)
    assert not session.selection.rows
    session.state.update(None, text="")
    assert view.lane_keys()


def test_bars_of_several_styles_are_drawn_in_their_own_colours(qtbot):
    from explorer.gui.timeline_items import EventBarItem

    red, blue = QtGui.QBrush(QtGui.QColor("#FF0000")), QtGui.QBrush(QtGui.QColor("#0000FF"))
    no_pen = QtGui.QPen(QtCore.Qt.PenStyle.NoPen)
    item = EventBarItem(pen=None, brush=None)
    item.set_bars([0, 20, 40], [10, 30, 50], [0, 0, 0], [10, 10, 10], [0, 1, 2],
                  pens=[no_pen] * 3, brushes=[red, blue, red])
    img = QtGui.QImage(60, 12, QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor("#FFFFFF"))
    p = QtGui.QPainter(img)
    item.paint(p, None, None)
    p.end()
    assert [img.pixelColor(x, 5).name() for x in (5, 15, 25, 45)] == ["#ff0000", "#ffffff", "#0000ff", "#ff0000"]
    item.set_bars([0], [10], [0], [10], [0], pens=[no_pen], brushes=[blue])  # new data, new colours
    img.fill(QtGui.QColor("#FFFFFF"))
    p = QtGui.QPainter(img)
    item.paint(p, None, None)
    p.end()
    assert [img.pixelColor(x, 5).name() for x in (5, 25)] == ["#0000ff", "#ffffff"]


def _paint(item, width=60, height=12, scale_x=1.0):
    img = QtGui.QImage(width, height, QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor("#FFFFFF"))
    p = QtGui.QPainter(img)
    p.scale(scale_x, 1.0)
    item.paint(p, None, None)
    p.end()
    return img


def test_styled_bars_draw_each_code_in_its_style_and_thin_bars_as_their_outline_colour(qtbot):
    from explorer.gui.timeline_items import THIN_PX, EventBarItem

    red, blue = QtGui.QColor("#FF0000"), QtGui.QColor("#0000FF")
    styles = {0: (QtGui.QPen(QtGui.QColor("#00AA00"), 1), QtGui.QBrush(red)),
              1: (QtGui.QPen(QtCore.Qt.PenStyle.NoPen), QtGui.QBrush(blue))}
    item = EventBarItem(pen=None, brush=None)
    item.set_styled_bars([0, 20, 40], [10, 30, 50], [0, 0, 0], [10, 10, 10], [7, 8, 9], np.array([0, 1, 0]),
                         styles.__getitem__, QtGui.QPen())
    img = _paint(item)
    assert [img.pixelColor(x, 5).name() for x in (5, 15, 25, 45)] == ["#ff0000", "#ffffff", "#0000ff", "#ff0000"]
    assert img.pixelColor(0, 5).name() == "#00aa00"  # the outline of a wide bar
    # Zoomed out until a bar is under THIN_PX wide: filled with its outline colour, no stroke.
    scale = (THIN_PX - 1) / 10
    img = _paint(item, width=20, scale_x=scale)
    assert img.pixelColor(0, 5).name() == "#00aa00" and img.pixelColor(int(20 * scale), 5).name() == "#0000ff"
    assert list(item.payload_at(QtCore.QPointF(25, 5))) == [8]


def test_styled_bars_are_batched_per_style_thin_fills_first_bars_in_order(qtbot):
    # One draw batch per style; at every zoom, the batches and the order of the bars in them
    # are those of grouping the bars style by style (thin fills first, then outlined bars).
    from explorer.gui.timeline_items import NO_PEN, THIN_PX, EventBarItem, _thin_brush

    rng = np.random.default_rng(5)
    n = 3000
    codes = rng.integers(0, 40, n)
    styles = {c: (QtGui.QPen(QtCore.Qt.PenStyle.NoPen) if c % 7 == 0 else QtGui.QPen(QtGui.QColor(c * 5, 0, 0), 1),
                  QtGui.QBrush(QtGui.QColor(0, c * 5, 0))) for c in range(40)}
    x0 = rng.uniform(0, 100, n)
    x1 = x0 + rng.choice([0.1, 1.0, 12.0], n)
    item = EventBarItem(pen=None, brush=None)
    item.set_styled_bars(x0, x1, np.zeros(n), np.ones(n), np.arange(n), codes, styles.__getitem__, QtGui.QPen())
    geom = item._rectarray.ndarray().copy()
    for scale in (0.2, 1.0, 50.0):
        thin = geom[:, 2] * scale < THIN_PX
        want_solid, want_out = [], []
        for c in sorted(set(codes.tolist())):
            pen, brush = styles[c]
            idx = np.flatnonzero(codes == c)
            if pen.style() == QtCore.Qt.PenStyle.NoPen:
                want_out.append((pen, brush, idx))
                continue
            if thin[idx].any():
                want_solid.append((NO_PEN, _thin_brush(pen), idx[thin[idx]]))
            if (~thin[idx]).any():
                want_out.append((pen, brush, idx[~thin[idx]]))
        want = want_solid + want_out
        got = item._batches(scale)
        assert [(pen, brush, count) for pen, brush, _first, count in got] == [(p, b, len(i)) for p, b, i in want]
        assert np.array_equal(item._batch_src, geom[np.concatenate([i for *_, i in want])])


def test_narrow_bars_are_drawn_at_least_three_pixels_wide(qtbot):
    from explorer.gui.timeline_items import EventBarItem

    red = QtGui.QColor("#FF0000")
    item = EventBarItem(pen=None, brush=None)
    item.set_styled_bars([10, 20, 10], [10.05, 40, 10.2], [0, 0, 6], [4, 4, 10], [0, 1, 2], np.zeros(3, int),
                         lambda _code: (QtGui.QPen(QtCore.Qt.PenStyle.NoPen), QtGui.QBrush(red)), QtGui.QPen())
    img = _paint(item, width=450, scale_x=10.0)  # a half-pixel bar, a wide one, a two-pixel one
    for top in (0, 6):
        x0, _, x1, _ = _ink(img.copy(0, top, 150, 4))
        assert x1 - x0 + 1 >= 3 and x0 <= 100 < 102 <= x1 + 1  # about the bar's centre
    x0, _, x1, _ = _ink(img.copy(150, 0, 300, 4))
    assert (150 + x0, 150 + x1) == (200, 399)  # wide bars keep their true span
    assert item.bars()[:, :2].tolist() == [[10, 10.05], [20, 40], [10, 10.2]]  # the data is untouched


def test_a_month_event_shows_at_the_full_view(qtbot, view, session, store):
    row = store.row_of("a004-1996-01-provincial-etdz")
    view.fit_all()
    reveal(qtbot, view, row)
    kind, x0, x1 = view.item_extent(row)
    assert kind == "bar" and (x1 - x0) * view._vb.width() / np.diff(view._vb.viewRange()[0])[0] < 1.5
    img = view.plot_widget.grab().toImage()
    p = viewport_pos(view, (x0 + x1) / 2, view.item_position(row).y())
    colour = QtGui.QColor(view.canvas.styles.style(store.category[row], store.flags[row])[0].color())
    close = [max(abs(c.red() - colour.red()), abs(c.green() - colour.green()), abs(c.blue() - colour.blue())) < 40
             for c in (img.pixelColor(p.x() + dx, p.y()) for dx in range(-3, 4))]
    assert sum(close) >= 3


def test_legend_says_a_point_is_an_exact_day(view):
    assert "exact day" in [e.text for e in view.legend.entries()]


def _ink(img: QtGui.QImage) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the pixels that are not white."""
    pts = [(x, y) for y in range(img.height()) for x in range(img.width()) if img.pixelColor(x, y).lightness() < 200]
    xs, ys = [x for x, _ in pts], [y for _, y in pts]
    return min(xs), min(ys), max(xs), max(ys)


def test_badges_that_would_overlap_draw_as_one(qtbot):
    # Disputed events side by side at a wide zoom: their badges had been drawn over each
    # other, a blot of red with two half-hidden "!".  One badge stands for them; badges
    # apart, or on rows apart, are each drawn.
    from explorer.gui.timeline_items import BadgeLayer, apart

    font = QtGui.QFont()
    font.setPixelSize(12)

    def red(xs, ys):
        badges = BadgeLayer(font)
        badges.set_points(np.array(xs, float), np.array(ys, float))
        img = _paint(badges, 120, 60)
        return sum(1 for y in range(img.height()) for x in range(img.width())
                   if img.pixelColor(x, y).red() > 150 and img.pixelColor(x, y).green() < 100)

    one = red([20], [20])
    assert one > 40
    assert red([20, 24], [20, 20]) == one  # 4 px apart: one badge
    assert red([20, 60], [20, 20]) == 2 * one  # far apart: two
    assert red([20, 20], [15, 40]) == 2 * one  # one above the other, rows apart: two
    # Greedy, left to right: the second overlaps the first and goes; the third, a
    # diameter and more from the first, stays.
    assert apart(np.array([16.0, 8.0, 0.0]), np.zeros(3), 11.0).tolist() == [2, 0]
    assert apart(np.zeros(0), np.zeros(0), 11.0).tolist() == []


def test_pixel_sized_layers_grow_with_an_image_export(qtbot):
    # On screen labels, badges and day markers keep their pixel size at any zoom; an image
    # exported at twice the view's width must draw them twice as large, where they belong.
    from explorer.gui.timeline_items import BadgeLayer, EventPointItem, Label, LabelLayer

    font = QtGui.QFont()
    font.setPixelSize(12)
    labels = LabelLayer(font)
    labels.set_labels([Label(10.0, 20.0, "阀门厂")])
    badges = BadgeLayer(font)
    badges.set_points(np.array([10.0]), np.array([20.0]))
    points = EventPointItem(9)
    style = (QtGui.QPen(QtGui.QColor("#000000")), QtGui.QBrush(QtGui.QColor("#000000")))
    points.set_points([10.0], [20.0], [0], [0], lambda code: style)
    from explorer.gui.map_labels import MapLabel, MapLabelLayer

    map_labels = MapLabelLayer(QtGui.QBrush(QtGui.QColor("#F4F1EA")))
    map_labels.set_labels([MapLabel(0, 10.0, 20.0, 0.0, 0.5, 40.0, 15.0, "阳泉", 11, False, "#000000")])
    for item in (labels, badges, points, map_labels):
        boxes = []
        for scale in (1.0, 2.0):
            if scale != 1.0:
                item.setExportMode(True, {"resolutionScale": scale})
            img = QtGui.QImage(200, 100, QtGui.QImage.Format.Format_RGB32)
            img.fill(QtGui.QColor("#FFFFFF"))
            p = QtGui.QPainter(img)
            p.scale(scale, scale)  # the exporter maps the view onto the larger image
            item.paint(p, None, None)
            p.end()
            item.setExportMode(False)
            boxes.append(_ink(img))
        (a0, b0, a1, b1), (c0, d0, c1, d1) = boxes
        assert (c1 - c0 + 1) == pytest.approx(2 * (a1 - a0 + 1), abs=2), type(item).__name__
        assert (d1 - d0 + 1) == pytest.approx(2 * (b1 - b0 + 1), abs=2), type(item).__name__
        assert c0 == pytest.approx(2 * a0, abs=2) and d0 == pytest.approx(2 * b0, abs=2), type(item).__name__


def test_day_markers_are_stamped_per_style_and_hit_nearest_first(qtbot, view):
    from explorer.gui.timeline_items import MARKER_PX, EventPointItem

    green = (QtGui.QPen(QtGui.QColor("#006400"), 1), QtGui.QBrush(QtGui.QColor("#00C000")))
    hollow = (QtGui.QPen(QtGui.QColor("#000080"), 1.6), QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))
    item = EventPointItem(MARKER_PX)
    item.set_extent(QtCore.QRectF(0, 0, 60, 12))
    item.set_points([10, 40], [6, 6], [3, 4], [0, 1], {0: green, 1: hollow}.__getitem__)
    img = _paint(item)
    assert img.pixelColor(10, 6).name() == "#00c000"  # filled centre
    assert img.pixelColor(40, 6).name() == "#ffffff"  # hollow centre
    assert img.pixelColor(40 - MARKER_PX // 2 + 1, 6).name() != "#ffffff"  # its ring
    assert img.pixelColor(25, 6).name() == "#ffffff"  # nothing between
    # In the timeline: a click on a day marker reports it; off the markers, nothing.
    pts = view.canvas.points
    x, y = pts.positions()
    assert len(x), "the curated data has day events"
    hit = pts.payload_at(QtCore.QPointF(x[0], y[0]))
    assert len(hit) and hit[0] == pts.payload[0]
    assert not len(pts.payload_at(QtCore.QPointF(x[0], y[0] + 3)))


def test_a_new_time_range_is_applied_before_the_next_paint(view):
    """One paint per pan/zoom frame: the view's transform follows the range at once."""
    vb = view.plot_widget.getPlotItem().getViewBox()
    view.set_x_range(1990.0, 2000.0)
    # Read the item transform itself: pyqtgraph's mapping helpers would apply it first.
    t = vb.childGroup.transform()
    assert t.map(QtCore.QPointF(1990.0, 0)).x() == pytest.approx(0, abs=0.5)
    assert t.map(QtCore.QPointF(2000.0, 0)).x() == pytest.approx(vb.width(), abs=0.5)


def test_legend_dims_absent_categories_and_keeps_its_height(view, session, store, qtbot):
    def dimmed():
        return {e.text for e in view.legend.entries() if e.kind == "fill" and e.dimmed}

    height = view.legend.height()
    assert not dimmed()
    session.state.update(None, categories={store.categories[0].id})
    qtbot.wait(20)
    names = {c.name("zh") for c in store.categories}
    assert dimmed() == names - {store.categories[0].name("zh")}
    assert view.legend.height() == height  # same texts: only repainted, not re-laid out
    font = view.legend.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.legend.setFont(font)  # a new font does re-lay it out
    qtbot.wait(20)
    assert view.legend.height() > height


def _legend_pixels(legend, text):
    """The grabbed legend's pixels (RGB, ints) inside the swatch and inside the text box of
    the entry named ``text``, and the legend's background colour."""
    img = legend.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
    dpr = img.devicePixelRatio()
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), -1)[:, : img.width() * 4]
    rgb = a.reshape(img.height(), img.width(), 4)[:, :, 2::-1].astype(int)  # BGRA in memory
    rect = next(r for r, e in legend._layout(legend.width()) if e.text == text)
    cx, cy = rect.left() + 8, rect.center().y()  # the swatch is 16 x 10 px at the entry's left, centred
    swatch = rgb[round((cy - 2) * dpr):round((cy + 2) * dpr), round((cx - 4) * dpr):round((cx + 4) * dpr)]
    label = rgb[round(rect.top() * dpr):round(rect.bottom() * dpr), round((rect.left() + 22) * dpr):round(rect.right() * dpr)]
    return swatch.reshape(-1, 3), label.reshape(-1, 3), rgb[0, 0]


def test_a_dimmed_legend_entry_is_drawn_faded_towards_the_background(view, session, store, qtbot):
    # Only the first category is left: its swatch shows its colour as is; the second
    # category's swatch is its colour faded most of the way into the background, and its
    # name is set in light grey instead of near-black.
    live, dim = store.categories[0], store.categories[1]
    session.state.update(None, categories={live.id})
    qtbot.wait(20)
    assert {e.text: e.dimmed for e in view.legend.entries() if e.kind == "fill"}[dim.name("zh")]
    colours = {0: (0x00, 0x72, 0xB2), 1: (0xE6, 0x9F, 0x00)}  # Okabe-Ito blue and orange
    live_swatch, live_label, bg = _legend_pixels(view.legend, live.name("zh"))
    dim_swatch, dim_label, bg2 = _legend_pixels(view.legend, dim.name("zh"))
    assert (bg == bg2).all() and bg.min() > 200  # a light background
    assert np.abs(live_swatch - colours[0]).max() <= 3  # the live swatch: the colour itself
    # The dimmed swatch: uniform, between the background and its colour, much nearer the background.
    assert np.ptp(dim_swatch, axis=0).max() <= 3
    orange, pixel = np.array(colours[1]), np.median(dim_swatch, axis=0)
    far = np.abs(orange - bg) > 60  # channels where the colour stands out from the background
    share = (pixel - bg)[far] / (orange - bg)[far]  # 0: the background, 1: the full colour
    assert far.any() and ((share > 0.2) & (share < 0.5)).all(), (pixel, bg)
    assert np.abs(pixel - bg).max() < 0.5 * np.abs(live_swatch.mean(axis=0) - bg).max()
    # The names: near-black for the live one, light grey (never darker than ~#9AA0A6) when dimmed.
    assert live_label.sum(axis=1).min() < 3 * 80
    assert dim_label.sum(axis=1).min() > 3 * 120


def test_a_dimmed_legend_entry_repaints_only_itself_and_shows_as_a_fresh_legend(qtbot):
    from explorer.gui.timeline_legend import LegendEntry, TimelineLegend

    def entries(dim):
        return [LegendEntry("fill", f"类别{k}", colour, dimmed=k in dim)
                for k, colour in enumerate(("#0072B2", "#E69F00", "#009E73", "#CC79A7"))] + \
            [LegendEntry("break"), LegendEntry("pile", "同一日期"), LegendEntry("badge", "有争议")]

    legend = on_screen(qtbot, TimelineLegend(), (600, 40))
    legend.set_entries(entries(set()))
    qtbot.wait(20)
    painted = []
    _spy = PaintSpy([legend], lambda _obj, ev: painted.append(ev.region().boundingRect()))  # kept alive while the test runs
    legend.set_entries(entries({2}))
    qtbot.waitUntil(lambda: bool(painted))
    box = next(r for r, e in legend._layout(legend.width()) if e.text == "类别2").toAlignedRect()
    assert all(r.contains(box) and r.width() < legend.width() / 3 for r in painted)  # that entry only
    # What the screen shows (the window's backing store) is what a new legend draws.
    shown = QtWidgets.QApplication.primaryScreen().grabWindow(legend.winId()).toImage()
    fresh = on_screen(qtbot, TimelineLegend(), (600, 40))
    fresh.set_entries(entries({2}))
    assert shown.convertToFormat(QtGui.QImage.Format.Format_RGB32) == \
        fresh.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)


def test_legend_tiles_show_what_drawing_each_entry_shows(qtbot):
    # Entries are drawn once into tiles and copied: over several wrapped rows, what shows
    # is what drawing each entry in place shows (up to the rounding of compositing), edges
    # and the pile's raised card included.
    from explorer.gui.timeline_legend import LegendEntry, TimelineLegend

    entries = [LegendEntry("fill", f"类别 {k}", colour, dimmed=k % 3 == 0)
               for k, colour in enumerate(("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"))]
    entries += [LegendEntry("break"), LegendEntry("point", "精确到日", "#5F6368"),
                LegendEntry("hollow", "推断日期", "#5F6368"), LegendEntry("dashed", "计划中", "#5F6368"),
                LegendEntry("badge", "来源分歧"), LegendEntry("pile", "同日事件"), LegendEntry("overflow", "更多")]
    legend = on_screen(qtbot, TimelineLegend(), (330, 120))
    legend.set_entries(entries)
    qtbot.wait(20)
    laid = legend._layout(legend.width())
    assert len({r.top() for r, _ in laid}) >= 3  # wrapped: rows of tiles one above the other
    fmt = QtGui.QImage.Format.Format_RGB32
    shown = legend.grab().toImage().convertToFormat(fmt)
    drawn = QtGui.QImage(shown.size(), fmt)
    drawn.fill(legend.palette().color(QtGui.QPalette.ColorRole.Window))
    with QtGui.QPainter(drawn) as p:
        p.setFont(legend.font())
        for rect, e in laid:
            legend._draw_entry(p, rect, e)
    a = np.frombuffer(shown.constBits(), np.uint8).reshape(shown.height(), -1)[:, : shown.width() * 4].astype(int)
    b = np.frombuffer(drawn.constBits(), np.uint8).reshape(drawn.height(), -1)[:, : drawn.width() * 4].astype(int)
    assert np.abs(a - b).max() <= 2


def test_lane_bands_draw_the_lanes_in_view_as_drawing_every_lane_does(qtbot, view, session, monkeypatch):
    # The bands paint only the lanes in view: scrolled to lanes cut by the view's edges, with
    # some lanes selected, what shows is what painting every lane shows.
    session.selection.set_lanes(view.lane_keys()[2:5])
    lay = view._layout
    view._set_y_top(float(lay.lane_top[3] + lay.lane_height[3] / 2))  # the view's top edge cuts a selected lane
    settle(qtbot, view)
    culled = view.plot_widget.viewport().grab().toImage()
    monkeypatch.setattr(view.canvas.bands, "getViewBox", lambda: None)  # no view range: every lane
    view.canvas.bands.update()
    every = view.plot_widget.viewport().grab().toImage()
    assert culled == every


def test_a_filter_change_refreshes_the_timeline_once(view, session, store, monkeypatch):
    # The lane labels' column keeps its width (sized for every lane the mode can show), so
    # the plot is not resized and refreshed again after the change.
    width = view.lane_axis.width()
    shortest = min(store.zones, key=lambda z: len(z.name_zh))
    session.state.update(None, zones={shortest.id})
    QtCore.QCoreApplication.processEvents()
    assert view.lane_axis.width() == width
    calls = []
    monkeypatch.setattr(view.canvas, "refresh", lambda *a, **k: calls.append(a))
    session.state.update(None, years=(2017, 2020))
    QtCore.QCoreApplication.processEvents()
    assert len(calls) == 1 and not view._refresh_timer.isActive()
    QtCore.QThread.msleep(60)  # longer than the refresh timer's interval
    QtCore.QCoreApplication.processEvents()
    assert len(calls) == 1



def test_the_previous_layout_is_let_go_before_the_next_is_built(view, session, monkeypatch):
    # Two layouts of a million events at once would cost ~100 MB of peak memory.
    import explorer.gui.timeline_view as tv

    held = []
    real = tv.build_layout
    monkeypatch.setattr(tv, "build_layout", lambda *a, **k: held.append((view._layout, view.canvas.layout)) or real(*a, **k))
    session.state.update(None, years=(2017, 2020))
    assert held == [(None, None)] and view._layout is not None and view.canvas.layout is view._layout


def test_lane_labels_column_fits_the_widest_label_measuring_few(qapp, store, monkeypatch):
    """The column is sized for the widest label, found by measuring labels longest-first
    (by a bound on their width) rather than all of them: the same width as measuring
    every one, narrow many-letter labels included."""

    axis = LaneAxis(QtGui.QFont(qapp.font()))
    fm = axis._metrics
    measured = []
    monkeypatch.setattr(axis, "_metrics", type("Counting", (), {
        "maxWidth": fm.maxWidth,
        "horizontalAdvance": lambda self, text: measured.append(text) or fm.horizontalAdvance(text)})())
    for lang in ("zh", "en"):
        labels = [(lane.label(lang), lane.depth) for lane in store.all_lanes("zone")]
        labels.append(("i" * 24, 0))  # many letters, yet narrower than the longest names
        every = max(fm.horizontalAdvance(t) + d * LaneAxis.INDENT for t, d in labels)
        measured.clear()
        assert axis._widest_of(labels, indent=True) == every
        assert len(measured) < len(labels) / 2, measured
    # A label past the widest the column may be: the column is then as wide as it may be,
    # as when every label is measured.
    axis.fit_labels([("阳泉", 0), ("山西转型综合改革示范区阳曲产业园区管理委员会", 1)], indent=True)
    assert axis.width() == LaneAxis.MAX_WIDTH
    assert axis._widest_of([], indent=True) == 80.0


def test_year_axis_drawn_again_only_for_a_range_it_has_not_kept(monkeypatch, view):
    drawn = []
    real = YearAxis.generateDrawSpecs
    monkeypatch.setattr(YearAxis, "generateDrawSpecs", lambda axis, p: drawn.append(axis.range[:]) or real(axis, p))
    vp = view.plot_widget.viewport()
    ranges = [(1990, 2020), (2000, 2010), (1990, 2020), (2000, 2010)]
    for lo, hi in ranges:
        view.set_x_range(lo, hi)
        vp.repaint()
    assert len(drawn) == 2  # shown again: from a kept pixmap
    view.year_axis.set_lang("en")  # the look changed: drawn again
    vp.repaint()
    assert len(drawn) == 3
    for k in range(AXIS_PIXMAPS_KEPT + 1):  # older ones make room for new ones
        view.set_x_range(1950 + k, 1980 + k)
        vp.repaint()
    drawn.clear()
    view.set_x_range(2000, 2010)
    vp.repaint()
    assert len(drawn) == 1


def _specs(specs) -> tuple:
    """Draw specs as plain values: pens by colour, points and rectangles by coordinates."""
    axis, ticks, texts = specs
    return ((axis[0].color().rgba(), axis[1].toTuple(), axis[2].toTuple()),
            [(pen.color().rgba(), a.toTuple(), b.toTuple()) for pen, a, b in ticks],
            [(rect.getRect(), int(flags), text) for rect, flags, text in texts])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_year_axis_specs_are_pyqtgraphs(view, lang):
    axis = view.year_axis
    axis.set_lang(lang)
    image = QtGui.QImage(100, 100, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    p = QtGui.QPainter(image)
    try:
        for width in (420, 1400):
            view.resize(width, 600)
            view.plot_widget.getPlotItem().layout.activate()
            # Centuries to days, with the ends on and off ticks.
            for lo, hi in [(1900, 2030), (1924.3, 2025.9), (2000, 2010), (2016.5, 2018.25), (2019, 2019.3),
                           (2020.04, 2020.11), (2021.5, 2021.52), (2023.999, 2024.0)]:
                view.set_x_range(lo, hi)
                axis.range = list(view._vb.viewRange()[0])
                mine = axis.generateDrawSpecs(p)
                axis.range = axis.range[:]  # the same range: pyqtgraph's own specs
                theirs = pg.AxisItem.generateDrawSpecs(axis, p)
                assert _specs(mine) == _specs(theirs), (width, lo, hi)
                assert mine[2], (width, lo, hi)  # labelled
    finally:
        p.end()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_year_axis_labels_keep_apart(view, monkeypatch, lang):
    # Zoomed in to days: the month's label, wide, ran into the days beside it ("31日1975年1月2日").
    axis = view.year_axis
    axis.set_lang(lang)
    drawn = []  # the labels the axis draws
    real = timeline_axes.spaced
    monkeypatch.setattr(timeline_axes, "spaced", lambda specs: drawn.extend(real(specs)) or real(specs))
    ranges = [(1975 - k * 0.004, 1975 + k * 0.004) for k in range(3, 12)] + [(2000, 2010), (1924, 2026)]
    for (lo, hi), width in itertools.product(ranges, (640, 900)):
        view.resize(width, 500)
        view.plot_widget.getPlotItem().layout.activate()
        view.set_x_range(lo, hi)
        drawn.clear()
        axis._pixmaps.clear()
        view.plot_widget.grab()
        assert drawn, (lo, hi, width)
        spans = sorted((r.left(), r.right(), text) for r, _flags, text in drawn)
        for a, b in itertools.pairwise(spans):
            assert b[0] - a[1] >= LABEL_GAP_PX - 0.5, (lo, hi, width, a, b)


def test_year_axis_from_its_pixmap_looks_as_drawn_directly(view):
    view.set_x_range(2003.3, 2011.7)
    vp = view.plot_widget.viewport()
    vp.repaint()
    kept = vp.grab().toImage()
    view.year_axis.paint = lambda p, opt, widget: view.year_axis._paint_now(p)  # drawn straight onto the view
    view.year_axis.update()
    vp.repaint()
    assert vp.grab().toImage() == kept


def test_a_filter_change_with_nothing_selected_leaves_the_selection_overlays_alone(monkeypatch, view, session,
                                                                                    store, qtbot):
    canvas = view.canvas
    touched = []
    for item in (canvas.sel_points, canvas.active_points):
        monkeypatch.setattr(item, "setData", lambda *a, _item=item, _set=item.setData, **k: touched.append(_item)
                            or _set(*a, **k))
    row = int(np.flatnonzero(store.precision == PRECISIONS.index("day"))[0])  # a day event: a point
    category = {store.categories[int(store.category[row])].id}
    session.state.update(None, categories=category)
    assert touched == []
    session.selection.select_one(row)
    assert canvas.active_points in touched and len(canvas.active_points.data) == 1
    session.state.update(None, categories=set())
    session.selection.clear()
    assert len(canvas.active_points.data) == 0 and not len(canvas.overlay_rows)
    touched.clear()
    session.state.update(None, categories=category)
    assert touched == []


def test_the_legend_is_built_again_only_when_what_it_says_changes(monkeypatch, view, session, store):
    built = []
    real = view.legend.set_entries
    monkeypatch.setattr(view.legend, "set_entries", lambda entries: built.append(entries) or real(entries))
    session.state.update(None, years=(1990, 2030))  # every category still present
    assert built == []
    session.state.update(None, years=None, categories={store.categories[0].id})
    assert len(built) == 1
    session.state.update(None, categories=set())
    session.set_language("en")
    assert {e.text for e in view.legend.entries() if e.kind == "fill"} == {c.name("en") for c in store.categories}


def test_an_empty_timeline_says_nothing_matches(qtbot, view, session):
    note = view._empty_note
    assert note.isHidden()
    session.state.update(None, text="no such text anywhere")
    assert note.isVisible() and note.text() == "No events match the current filters."
    plot = view.plot_widget.mapFromScene(view._vb.sceneBoundingRect()).boundingRect()
    centre = note.geometry().center()
    assert plot.contains(note.geometry()) and (centre - plot.center()).manhattanLength() <= 2
    view.resize(view.width() - 300, view.height())  # kept in the middle of the plot
    qtbot.waitUntil(lambda: note.geometry().right() < view.plot_widget.width())
    session.state.update(None, text="")
    assert note.isHidden()
