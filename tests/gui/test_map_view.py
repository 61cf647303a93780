"""The zone map pane: change the state, assert what the map shows, and click it."""

import itertools

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFont, QFontDatabase

from explorer.core.paths import resource
from explorer.gui.map_view import MapView, _Label, marker_size, place_labels


@pytest.fixture(scope="module", autouse=True)
def _cjk_font(qapp):
    # As the app does at start-up, so label sizes are those of real Chinese glyphs.
    fid = QFontDatabase.addApplicationFont(str(resource("fonts", "wqy-microhei.ttc")))
    families = QFontDatabase.applicationFontFamilies(fid)
    if families:
        qapp.setFont(QFont(families[0], 10))


@pytest.fixture
def view(qtbot, session):
    w = MapView(session)
    qtbot.addWidget(w)
    w.resize(900, 900)
    w.show()
    qtbot.waitExposed(w)
    w.fit_province()
    return w


def click_zone(qtbot, view, zone_id):
    scene_pt = view._screen_pos(zone_id)
    pt = view.plot_widget.mapFromScene(scene_pt)
    qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pt.x(), pt.y()))


def loneliest_marker(view) -> str:
    """A zone whose marker lies farthest from every other marker (so a click hits only it)."""
    ids = [z for z in view.marker_zone_ids() if view.store.zones[view.store.zone_index[z]].kind != "outside"]
    pts = {z: view._screen_pos(z) for z in ids}

    def gap(z):
        return min(((pts[z] - pts[o]).manhattanLength() for o in ids if o != z), default=1e9)

    return max(ids, key=gap)


def expected_sizes(session) -> dict[str, float]:
    own = session.store.zone_counts(session.mask_without("zones"))
    return {z.id: marker_size(int(own[z.index])) for z in session.store.zones}


def test_marker_sizes_follow_filters_but_ignore_the_zone_filter(view, session):
    store = session.store
    before = view.marker_sizes()
    assert before and all(before[z] == expected_sizes(session)[z] for z in before)
    busiest = max(before, key=before.get)
    assert busiest not in {"shanxi"}  # the province itself is not a point
    # A year filter shrinks the markers of zones with events outside the range.
    mid = int(np.median(store.year))
    session.state.update(None, years=(store.year_min, mid))
    after = view.marker_sizes()
    want = expected_sizes(session)
    assert all(after[z] == want[z] for z in after)
    assert any(after[z] < before[z] for z in before)
    # Picking a zone filters the other panes, but no marker changes size.
    session.state.toggle_zone(busiest, None)
    assert session.filters.zones == {busiest}
    assert view.marker_sizes() == after
    assert session.rows.size < session.mask_without("zones").sum()


def test_zero_count_zones_are_faded_small(view, session):
    store = session.store
    # A range with events in few zones: most markers become the small zero size.
    first_year = store.year_min
    session.state.update(None, years=(first_year, first_year))
    own = store.zone_counts(session.mask)
    sizes = view.marker_sizes()
    for zid, size in sizes.items():
        assert (size == marker_size(0)) == (own[store.zone_index[zid]] == 0)


def test_clicking_a_marker_toggles_its_zone(view, session, qtbot):
    seen = []
    session.filtered.connect(lambda s, initiator: seen.append(initiator))
    target = loneliest_marker(view)
    click_zone(qtbot, view, target)
    assert session.filters.zones == {target}
    assert seen[-1] is view  # the pane says the change is its own
    click_zone(qtbot, view, target)
    assert session.filters.zones == frozenset()


def test_selected_zone_is_highlighted(view, session):
    target = loneliest_marker(view)
    session.state.toggle_zone(target, None)
    i = [int(p["data"]) for p in view._markers.data].index(session.store.zone_index[target])
    pen = view._markers.data[i]["pen"]
    assert pen.color().name().lower() == "#ef6c00" and pen.widthF() >= 2
    assert view.label_texts().get(target)  # a selected zone keeps its label


def test_active_events_zone_is_highlighted(view, session):
    store = session.store
    assert view.highlighted_zone_id() is None
    rows = np.flatnonzero(store.zone != store.zone_index["shanxi"])
    row = int(rows[len(rows) // 2])
    session.selection.select_one(row, None)
    zone = store.zones[store.record(row).zone]
    assert view.highlighted_zone_id() == zone.id
    halo = view._halo.data[0]
    assert (halo["x"], halo["y"]) == pytest.approx((zone.lon, zone.lat))
    session.selection.clear(None)
    assert view.highlighted_zone_id() is None


def test_lanzhou_is_pinned_at_the_edge_and_clickable(view, session, qtbot):
    if "lanzhou" not in session.store.zone_index:
        pytest.skip("the curated zones have no Lanzhou")
    lon, lat, arrow = view.edge_marker("lanzhou")
    (x0, x1), (y0, y1) = view._vb.viewRange()
    left = max(x0, view.basemap.extent[0])
    assert arrow == "←"
    assert left < lon < left + 0.05 * (x1 - x0) and y0 < lat < y1  # at the west edge, inside the view
    assert "lanzhou" in view.label_texts()
    view.zoom_to_yangquan()  # still shown, pinned to the edge of what is visible
    lon, lat, arrow = view.edge_marker("lanzhou")
    (x0, x1), (y0, y1) = view._vb.viewRange()
    assert x0 < lon < x0 + 0.1 * (x1 - x0) and y0 < lat < y1 and arrow == "←"
    click_zone(qtbot, view, "lanzhou")
    assert session.filters.zones == {"lanzhou"}
    assert "103.83" in view.zone_tooltip("lanzhou")


def visible_label_rects(view):
    rects = {}
    for zid in view.label_texts():
        t = view._labels[view.store.zone_index[zid]]
        t.updateTransform(force=True)
        rects[zid] = t.mapRectToScene(t.boundingRect())
    return rects


@pytest.mark.parametrize("preset", ["fit_province", "zoom_to_yangquan", "reset_view"])
def test_labels_never_overlap(view, preset):
    getattr(view, preset)()
    rects = visible_label_rects(view)
    assert len(rects) >= 5
    for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2):
        assert not ra.adjusted(1, 1, -1, -1).intersects(rb.adjusted(1, 1, -1, -1)), (a, b)
    area = view._vb.sceneBoundingRect()
    assert all(area.contains(r) for r in rects.values())


def test_yangquan_preset_separates_and_names_its_zones(view, session):
    store = session.store
    view.fit_province()
    crowded = set(view.label_texts())
    view.zoom_to_yangquan()
    (x0, x1), (y0, y1) = view._vb.viewRange()
    assert x0 < 113.58 < x1 and y0 < 37.86 < y1 and (x1 - x0) < 1.0
    shown = view.label_texts()
    own = store.zone_counts(session.mask)
    yq = [store.zones[i].id for i in store.zone_descendants(store.zone_index["yangquan"]) if own[i] > 0]
    assert set(yq) <= set(shown)  # every Yangquan place with events is named
    assert not set(yq) <= crowded  # which the whole-province view has no room for
    assert shown["yangquan"] == "阳泉市"


def test_tooltip_names_kind_path_and_count(view, session):
    store = session.store
    zone = next(z for z in store.zones if z.kind == "development-zone" and z.parent >= 0)
    own = int(store.zone_counts(session.mask)[zone.index])
    tip = view.zone_tooltip(zone.id)
    assert zone.name_zh in tip and zone.name_en in tip
    assert "Development zone" in tip
    assert store.zones[zone.parent].name_zh in tip
    assert f"{own} event" in tip


def test_language_switch_relabels(view, session):
    assert view.label_texts()["taiyuan"] == "太原市"
    session.set_language("en")
    assert view.label_texts()["taiyuan"] == "Taiyuan"
    assert any(t.textItem.toPlainText() == "Hebei" for _, t in view._neighbours)


def test_keys_and_presets_zoom(view, qtbot):
    view.fit_province()
    width = np.diff(view._vb.viewRange()[0])[0]
    view.plot_widget.setFocus()
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Plus)
    assert np.diff(view._vb.viewRange()[0])[0] < width * 0.8
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Minus)
    assert np.diff(view._vb.viewRange()[0])[0] == pytest.approx(width, rel=0.01)
    view.reset_view()
    assert np.diff(view._vb.viewRange()[0])[0] >= 8


def test_basemap_is_drawn_with_its_aspect(view):
    assert view._vb.state["aspectLocked"] == pytest.approx(view.basemap.lon_lat_display_ratio)
    mid = view._vb.mapViewToScene(QPointF(112, 37))
    east = view._vb.mapViewToScene(QPointF(113, 37))
    north = view._vb.mapViewToScene(QPointF(112, 38))
    ratio = (east.x() - mid.x()) / (mid.y() - north.y())
    assert ratio == pytest.approx(view.basemap.lon_lat_display_ratio, rel=0.01)


def test_place_labels_skips_what_does_not_fit():
    # Three labels on one spot in a small box: the two most important are placed apart.
    labels = [_Label(k, 50, 50, 3, (k,)) for k in range(3)]
    sizes = dict.fromkeys(range(3), (40, 12))
    out = place_labels(labels, sizes, [], (0, 0, 100, 100), leaders=False)
    assert set(out) >= {0, 1}
    rects = [(50 + dx, 50 + dy, 90 + dx, 62 + dy) for dx, dy, _ in out.values()]
    for a, b in itertools.combinations(rects, 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    tiny = place_labels(labels, sizes, [], (0, 0, 100, 100), leaders=False)
    assert tiny == out  # deterministic
    assert place_labels(labels, sizes, [], (40, 40, 60, 60), leaders=False) == {}


def test_deleted_pane_stops_listening(qtbot, session):
    w = MapView(session)
    listening = len(session.filtered._slots)
    w.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=2000)
    assert len(session.filtered._slots) == listening - 1
    session.state.update(None, text="阳泉")  # must not reach the deleted pane
    session.selection.select_one(int(session.rows[0]), None)
    session.set_language("en")
