"""The zone map pane: change the state, assert what the map shows, and click it."""

import itertools
import math

import numpy as np
import pyqtgraph as pg
import pytest
import shiboken6
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol as pg_draw
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QImage, QMouseEvent, QPainterPath, QTransform
from PySide6.QtWidgets import QApplication, QToolTip

from explorer.core.paths import resource
from explorer.core.session import Session
from explorer.gui.application import install_translators
from explorer.gui.map_labels import MARGIN, label_font, two_lines
from explorer.gui.map_view import (
    _ACTIVE_RINGS,
    FEW_PLACES,
    FRAME_CLEAR_PX,
    KM_PER_DEG_LAT,
    LABEL_RATE,
    PAN_STEP,
    SCALE_ROOM,
    WRAP_PX,
    YANGQUAN_SPAN,
    MapView,
    _Label,
    marker_size,
    place_labels,
)
from explorer.gui.static_texts import LINE_BREAK, StaticTexts
from tests.gui import on_screen


@pytest.fixture(scope="module", autouse=True)
def _cjk_font(qapp):
    # As the app does at start-up, so label sizes are those of real Chinese glyphs.
    fid = QFontDatabase.addApplicationFont(str(resource("fonts", "wqy-microhei.ttc")))
    families = QFontDatabase.applicationFontFamilies(fid)
    before = QFont(qapp.font())
    if families:
        qapp.setFont(QFont(families[0], 10))
    yield
    qapp.setFont(before)  # later modules measure text in the app's own font


@pytest.fixture
def view(qtbot, session):
    w = open_map(qtbot, session)
    w.fit_province()
    return w


def click_zone(qtbot, view, zone_id):
    scene_pt = view._screen_pos(zone_id)
    pt = view.plot_widget.mapFromScene(scene_pt)
    qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pt.x(), pt.y()))


def loneliest_marker(view, kind: str | None = None) -> str:
    """A zone (of ``kind``, if given) whose marker lies farthest from every other marker
    (so a click hits only it)."""
    ids = [z for z in view.marker_zone_ids() if view.store.zones[view.store.zone_index[z]].kind != "outside"]
    pts = {z: view._screen_pos(z) for z in ids}

    def gap(z):
        return min(((pts[z] - pts[o]).manhattanLength() for o in ids if o != z), default=1e9)

    return max((z for z in ids if kind in (None, view.store.zones[view.store.zone_index[z]].kind)), key=gap)


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


def test_places_with_no_events_are_drawn_under_those_the_filters_show(view, session):
    # A search for the valve works leaves one place with events among many faded ones
    # around Yangquan: none of them may be drawn over it.
    store = session.store
    session.state.update(None, text="阀门")
    own = store.zone_counts(session.mask)
    drawn = [int(z) for z in view._markers.data["data"]]
    sizes = view._markers.data["size"].tolist()
    has = [bool(own[z]) for z in drawn]
    assert 0 < sum(has) < len(has)
    first = has.index(True)
    assert not any(has[:first]) and all(has[first:])  # every faded one first, below
    for part in (sizes[:first], sizes[first:]):
        assert part == sorted(part, reverse=True)  # then the larger under the smaller


def search_and_find(view, session, text: str) -> set[str]:
    """Search for ``text``: the places it leaves with events, among the markers drawn."""
    store = session.store
    session.state.update(None, text=text)
    own = store.zone_counts(session.mask)
    drawn = set(view._markers.data["data"].tolist())
    return {z.id for i, z in enumerate(store.zones) if own[i] and i in drawn}


@pytest.mark.parametrize("text", ["阀门", "閥門", "富士康"])
def test_a_search_that_leaves_a_few_places_names_each_of_them(view, session, text):
    # At the province view, among the dots around Yangquan, a lone result had no room for
    # its name beside its marker: it is named as a city is, with a leader line if need be.
    places = search_and_find(view, session, text)
    assert 0 < len(places) <= FEW_PLACES
    assert places <= set(view.label_texts())
    # Many places with events: named only where there is room, as before.
    session.state.update(None, text="")
    assert len(set(view.marker_zone_ids()) - set(view.label_texts())) > FEW_PLACES


@pytest.mark.parametrize(("text", "lang"), [("阀门", "zh"), ("阀门", "en"), ("富士康", "zh")])
def test_a_narrow_search_names_its_places_in_a_small_map_too(qtbot, session, text, lang):
    # A laptop's map (~400 px): the cities took the room first, and the one place a search
    # found went unnamed.  What the search found is named first now.  (富士康 in English
    # there finds three places on one spot, with long names: the city among them may go
    # unnamed, as the README says.)
    session.set_language(lang)
    view = open_map(qtbot, session, (400, 420))
    view.fit_province()
    places = search_and_find(view, session, text)
    assert 0 < len(places) <= FEW_PLACES
    assert places <= set(view.label_texts())


def test_clicking_a_marker_toggles_its_zone(view, session, qtbot):
    seen = []
    session.filtered.connect(lambda s, initiator: seen.append(initiator))
    target = loneliest_marker(view)
    click_zone(qtbot, view, target)
    assert session.filters.zones == {target}
    assert seen[-1] is view  # the pane says the change is its own
    click_zone(qtbot, view, target)
    assert session.filters.zones == frozenset()


def test_a_damaged_basemap_leaves_the_places_and_says_why(qtbot, session, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "shanxi_region.json"
    bad.write_text('{"extent": [108', encoding="utf-8")
    monkeypatch.setattr("explorer.gui.map_view.default_path", lambda: bad)
    view = open_map(qtbot, session)
    assert str(bad) in view.basemap_problem and "not valid JSON" in view.basemap_problem
    assert view.basemap_note.isVisible() and str(bad) in view.basemap_note.text()
    assert str(bad) in capsys.readouterr().err  # the reason on the error stream too
    # The places are still drawn and named, and a click still filters by zone.
    view.fit_province()
    assert len(view.marker_zone_ids()) > 5 and view.label_texts()
    target = loneliest_marker(view)
    click_zone(qtbot, view, target)
    assert session.filters.zones == {target}
    # A sound file gives a map with no note.
    monkeypatch.undo()
    assert open_map(qtbot, session).basemap_problem is None


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


def test_an_active_event_the_filters_hide_is_not_ringed(view, session):
    # The map kept its ring (and name) on the place of an event the table, the timeline and
    # the detail pane say the filters hide.
    store = session.store
    row = int(np.flatnonzero(store.zone == store.zone_index["foxconn-jincheng"])[0])
    session.selection.select_one(row, None)
    assert view.highlighted_zone_id() == "foxconn-jincheng" and len(view._halo.data)
    session.state.update(None, zones={"yangquan-hitech"})
    assert view.highlighted_zone_id() is None and not len(view._halo.data)
    session.state.clear(None)
    assert view.highlighted_zone_id() == "foxconn-jincheng" and len(view._halo.data)


def _box_gap(box: QRectF, centre: QPointF) -> float:
    """How far ``box`` lies from the point ``centre`` (0 when it holds it)."""
    dx = max(box.left() - centre.x(), 0.0, centre.x() - box.right())
    dy = max(box.top() - centre.y(), 0.0, centre.y() - box.bottom())
    return math.hypot(dx, dy)


@pytest.mark.parametrize("frame", ["fit_province", "zoom_to_yangquan"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_active_events_place_is_named_clear_of_its_ring(view, session, lang, frame):
    # Selecting an event rings its place on the map; among the dots around Yangquan the
    # place was often left unnamed, so the ring did not say which place it was.
    store = session.store
    session.set_language(lang)
    getattr(view, frame)()
    before = view.label_texts()
    in_view = view._vb.sceneBoundingRect()
    places = [z for z in view.marker_zone_ids()
              if (store.zone == store.zone_index[z]).any() and in_view.contains(view._screen_pos(z))]
    assert len(set(places) - set(before)) > (10 if frame == "fit_province" else -1)
    boxes, kept = view.label_boxes(), 0
    for zid in places:
        session.selection.select_one(int(np.flatnonzero(store.zone == store.zone_index[zid])[0]), None)
        assert view.highlighted_zone_id() == zid
        assert zid in view.label_texts()
        ring = view._halo.data[0]["size"] / 2
        now = view.label_boxes()
        assert _box_gap(now[zid], view._screen_pos(zid)) >= ring  # the ring stays whole
        kept += all(now.get(z) == box for z, box in boxes.items() if z != zid)
    # Mostly by finding room among the other names, which then stay where they were.
    assert kept > len(places) / 2
    session.selection.clear(None)
    assert view.label_texts() == before  # named again only where there is room


def test_a_map_hidden_when_an_event_is_selected_names_its_place_once_shown(qtbot, session):
    view = open_map(qtbot, session)
    view.fit_province()
    store = session.store
    zid = next(z for z in view.marker_zone_ids()
               if z not in view.label_texts() and (store.zone == store.zone_index[z]).any())
    view.hide()  # e.g. its dock closed
    session.selection.select_one(int(np.flatnonzero(store.zone == store.zone_index[zid])[0]), None)
    view.show()
    qtbot.waitExposed(view)
    assert zid in view.label_texts()


def test_long_english_names_are_set_on_two_lines(view, session):
    # "Pingding Economic and Technological Development Zone" on one line (~310 px) found
    # no room in a map pane; broken at a space it is half as wide.
    store = session.store
    session.set_language("en")
    lines = view.label_lines()
    wrapped = 0
    texts = view.label_texts()
    for label in view._label_layer.labels:
        zone = store.zones[label.zone]
        if zone.kind == "outside":  # pinned to the edge, its count after its name: "Lanzhou (1)"
            assert lines[zone.id][0].startswith(f"{zone.name_en} (")
            continue
        metrics = QFontMetricsF(label_font(label.pixel_size, label.bold))
        one = metrics.horizontalAdvance(zone.name_en) + 2 * MARGIN
        if one > WRAP_PX:
            first, second = lines[zone.id]
            assert f"{first} {second}" == zone.name_en
            assert label.width < one * 0.75 and label.height > 1.8 * metrics.height()  # two lines, narrower
            assert texts[zone.id] == zone.name_en  # the name, whole
            wrapped += 1
        else:
            assert lines[zone.id] == [zone.name_en]
    assert wrapped >= 2
    session.set_language("zh")  # Chinese names have no spaces to break at, and are short
    assert all(len(v) == 1 for v in view.label_lines().values())


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
    return view.label_boxes()


def test_labels_are_painted_by_one_item_not_one_per_place(qtbot, synth_store):
    # A text item per label cost ~0.3 ms to make and a paint call each: one layer paints them.
    session = Session(synth_store, lang="zh")
    view = open_map(qtbot, session)
    items_before = len(view._vb.addedItems)
    for preset in (view.fit_province, view.zoom_to_yangquan, view.reset_view):
        preset()
        view.relayout_labels()
        assert set(view.label_texts()) == {synth_store.zones[i].id for i in view._placed}
    assert len(view._vb.addedItems) == items_before
    assert not [t for t in view._vb.addedItems if isinstance(t, pg.TextItem) and t.zValue() >= 30]


def test_label_text_is_drawn_inside_its_box(view):
    view.fit_province()
    image = view.plot_widget.grab().toImage()
    origin = view.plot_widget.mapFromScene(QPointF(0, 0))
    inked = 0
    for box in view.label_boxes().values():
        r = box.translated(origin.x(), origin.y()).toAlignedRect()
        dark = [QColor(image.pixel(x, y)).lightness() < 200  # text, even faded (#90A4AE); the box is near white
                for x in range(r.left() + 1, r.right()) for y in range(r.top() + 1, r.bottom())]
        inked += any(dark)
    assert inked == len(view.label_boxes()) >= 5


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


def hover(qtbot, widget, pos: QPoint) -> None:
    """The mouse moves to ``pos`` over ``widget``, no button pressed (QTest moves the
    cursor instead, which the offscreen platform ignores)."""
    qtbot.wait(2 * 1000 // pg.getConfigOption("mouseRateLimit"))  # pyqtgraph drops moves closer than this
    QApplication.sendEvent(widget, QMouseEvent(QEvent.Type.MouseMove, QPointF(pos), QPointF(widget.mapToGlobal(pos)),
                                               Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                               Qt.KeyboardModifier.NoModifier))


def test_hovering_a_marker_shows_its_tooltip_and_outlines_it(view, qtbot):
    target = loneliest_marker(view)
    pt = view.plot_widget.mapFromScene(view._screen_pos(target))
    vp = view.plot_widget.viewport()
    hover(qtbot, vp, QPoint(5, 5))  # on no marker
    plain = vp.grab().toImage()
    hover(qtbot, vp, QPoint(pt.x(), pt.y()))
    assert view._vb.toolTip() == view.zone_tooltip(target)
    assert vp.grab().toImage() != plain  # the marker under the mouse is outlined
    hover(qtbot, vp, QPoint(5, 5))
    assert view._vb.toolTip() == ""
    assert vp.grab().toImage() == plain


def test_the_tooltip_starts_with_what_a_click_would_take(view, session, qtbot):
    # Over a city's dot lying on a marker, the tooltip was the marker's (the lowest layer
    # heard the mouse last) while a click took the city; moving from a marker onto a lone
    # city dot left no tooltip at all.
    vp = view.plot_widget.viewport()
    for city in ("taiyuan", "yangquan", "linfen"):
        hover(qtbot, vp, QPoint(5, 5))
        hover(qtbot, vp, view.plot_widget.mapFromScene(view._screen_pos("datong")))
        pt = view.plot_widget.mapFromScene(view._screen_pos(city))
        hover(qtbot, vp, pt)
        assert view._vb.toolTip().startswith(view.zone_tooltip(city)), city
        assert view._vb.toolTip().count(view.zone_tooltip(city)) == 1
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pt)
        assert session.filters.zones == {city}
        session.state.clear(None)


def test_a_filter_change_under_a_resting_mouse_updates_its_tooltip_and_outline(view, session, qtbot):
    # The mouse stays on a marker while the filters change (a click on it, a year range):
    # the tooltip, also one already shown, gives the new counts, and the marker stays outlined.
    target = loneliest_marker(view, "development-zone")  # drawn with no events too (faded)
    pt = view.plot_widget.mapFromScene(view._screen_pos(target))
    vp = view.plot_widget.viewport()
    hover(qtbot, vp, QPoint(pt.x(), pt.y()))
    before = view._vb.toolTip()
    assert before.startswith(view.zone_tooltip(target))  # (a place on the same spot may follow)
    QToolTip.showText(vp.mapToGlobal(pt), before, vp)
    index = session.store.zone_index[target]
    years = session.store.year[session.store.zone == index]
    session.state.update(None, years=(int(years.min()) - 1, int(years.min()) - 1))  # none of its events
    after = view._vb.toolTip()
    assert after.startswith(view.zone_tooltip(target)) and "0 events here" in after
    assert QToolTip.text() == after
    drawn = view._markers
    assert index in drawn._payload[drawn._hovered].tolist()
    QToolTip.hideText()


def test_after_a_filter_change_the_resting_mouse_gets_the_tooltip_a_move_would_give(view, session, qtbot):
    # A city's seat lies on its zones' markers: the tooltip lists them all, as the layers
    # under a moving mouse give it; a filter change that moves nothing keeps it so.
    pt = view.plot_widget.mapFromScene(view._screen_pos("yangquan"))
    vp = view.plot_widget.viewport()
    hover(qtbot, vp, QPoint(pt.x(), pt.y()))
    moved = view._vb.toolTip()
    assert moved.count("\n\n") >= 1  # several places
    store = session.store
    session.state.update(None, years=(store.year_min, store.year_max))  # every event still counts
    assert view._vb.toolTip() == moved


def test_an_image_export_draws_the_markers_at_its_own_scale(view, tmp_path, monkeypatch):
    # An export twice the view's width draws markers twice as large, as vectors (not the
    # screen's images blown up).
    from explorer.gui import map_markers
    from explorer.gui.image_export import export_plot

    drawn = []
    monkeypatch.setattr(map_markers, "drawSymbol", lambda p, *style: (drawn.append(style), pg_draw(p, *style)))
    target = loneliest_marker(view, "development-zone")  # a round marker, with no city seat on it
    size = view.marker_sizes()[target]
    scale = 2
    png = export_plot(view.plot_widget, tmp_path / "map.png", scale * view.plot_widget.viewport().width())
    assert len(drawn) >= len(view.marker_zone_ids())  # every marker, seat and arrow as a vector symbol
    img = QImage(str(png))
    centre = view._screen_pos(target) * scale

    def blue(dx):
        c = img.pixelColor(round(centre.x() + dx), round(centre.y()))
        return c.blue() > c.red() + 60

    assert blue(0) and blue(0.7 * size)  # 0.7 of a diameter out: inside only at twice the size
    assert not blue(1.6 * size)


def test_a_marker_atlas_is_drawn_afresh_when_old_images_pile_up(qtbot):
    # An arrow pinned to the edge takes a new angle at every pan: the images of past
    # angles are let go once there are over ATLAS_MAX of them (and four times those in
    # use), as pyqtgraph's own items do.
    from explorer.gui.map_markers import ATLAS_MAX, MarkerLayer

    def open_layer():
        view = pg.GraphicsView()
        box = pg.ViewBox()
        view.setCentralItem(box)
        layer = MarkerLayer([(pg.mkPen("#000000"), pg.mkBrush("#FF0000"))])
        layer.set_extent(QRectF(-1, -1, 2, 2))
        box.addItem(layer)
        box.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
        return on_screen(qtbot, view, (120, 120)), layer

    def shown(view, layer, symbol):
        layer.set_markers([0.0], [0.0], [24.0], [symbol], [0], [7])
        QApplication.processEvents()  # the scene paints
        return view.viewport().grab().toImage()

    view, layer = open_layer()
    arrow = QPainterPath()
    arrow.addRect(-0.5, -0.1, 1, 0.2)
    paths = [QTransform().rotate(k * 0.3).map(arrow) for k in range(ATLAS_MAX + 50)]
    sizes = []
    for path in paths:
        shown(view, layer, path)
        sizes.append(len(layer.fragmentAtlas))
    assert max(sizes) == ATLAS_MAX + 1  # then drawn afresh with only the image in use
    assert sizes[-1] < 60
    # A symbol met before the atlas was drawn afresh is drawn again, not taken from where
    # its image used to be; so is everything after a change of pixel ratio.
    fresh = open_layer()
    assert shown(view, layer, paths[5]) == shown(*fresh, paths[5])
    layer.fragmentAtlas.setDevicePixelRatio(2.0)  # as if the window had been on another screen
    assert shown(view, layer, paths[5]) == shown(*fresh, paths[5])
    assert layer.fragmentAtlas.devicePixelRatio() == view.devicePixelRatioF()


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


def test_shift_and_the_arrows_pan_the_map_and_home_shows_the_province(view, qtbot):
    # The map zoomed by keys but could only be moved with the mouse.
    view.zoom_to_yangquan()
    view.plot_widget.setFocus()

    def centre():
        (x0, x1), (y0, y1) = view._vb.viewRange()
        return (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0

    for key, east, north in ((Qt.Key.Key_Right, 1, 0), (Qt.Key.Key_Left, -1, 0),
                             (Qt.Key.Key_Up, 0, 1), (Qt.Key.Key_Down, 0, -1)):
        x, y, w, h = centre()
        qtbot.keyClick(view.plot_widget, key, Qt.KeyboardModifier.ShiftModifier)
        x2, y2, w2, h2 = centre()
        assert (w2, h2) == pytest.approx((w, h))  # moved, not zoomed
        assert (x2 - x, y2 - y) == pytest.approx((east * w * PAN_STEP, north * h * PAN_STEP)), key
    qtbot.keyClick(view.plot_widget, Qt.Key.Key_Home)
    province = np.ravel(view._vb.viewRange())
    view.zoom_to_yangquan()
    view.fit_province()
    assert np.ravel(view._vb.viewRange()) == pytest.approx(province)


@pytest.mark.parametrize("size", [(1200, 385), (1600, 300), (360, 900)])
def test_whole_province_shows_all_of_it_in_a_pane_of_any_shape(qtbot, session, size):
    view = open_map(qtbot, session, size)
    view.fit_province()
    (vx0, vx1), (vy0, vy1) = view._vb.viewRange()
    x0, y0, x1, y1 = view.basemap.shanxi_bounds()
    assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1, (size, view._vb.viewRange())
    shown = QRectF(vx0, vy0, vx1 - vx0, vy1 - vy0)
    for layer in view._extent_layers:  # markers and labels are drawn wherever the view shows
        assert layer.boundingRect().contains(shown), layer
    view.reset_view()  # the whole basemap, in one dimension at least as wide as asked for
    (vx0, vx1), (vy0, vy1) = view._vb.viewRange()
    bx0, by0, bx1, by1 = view.basemap.extent
    assert (vx0 <= bx0 and bx1 <= vx1) and (vy0 <= by0 and by1 <= vy1)
    assert view.label_texts()  # and named


@pytest.mark.parametrize("size", [(390, 380), (900, 900), (1200, 385), (360, 900)])
def test_the_yangquan_preset_keeps_its_places_clear_of_the_edges_and_the_key(qtbot, session, size):
    # A place at the frame's edge was drawn at the pane's edge, its label without room, or
    # under the key and scale bar at the bottom.
    view = open_map(qtbot, session, size)
    view.zoom_to_yangquan()
    store = session.store
    places = store.zone_descendants(store.zone_index["yangquan"])
    area = view._vb.sceneBoundingRect()
    below = min(view._key.sceneBoundingRect().top(), view._scale.sceneBoundingRect().top())
    spots = [view._vb.mapViewToScene(QPointF(*view._pos[i])) for i in places]
    for i, at in zip(places, spots, strict=True):
        assert area.left() + FRAME_CLEAR_PX - 1 <= at.x() <= area.right() - FRAME_CLEAR_PX + 1, (size, i)
        assert area.top() + FRAME_CLEAR_PX - 1 <= at.y() <= below - 8, (size, i)
    # The framed box (the places' extent, at least the preset's smallest frame) is as large
    # as that room allows, the room above the key leaving the scale bar's height: it fills
    # the room across or down, and lies inside it.
    lon, lat = view._pos[places].T
    cx, cy = (lon.min() + lon.max()) / 2, (lat.min() + lat.max()) / 2
    bw, bh = max(YANGQUAN_SPAN[0], np.ptp(lon)), max(YANGQUAN_SPAN[1], np.ptp(lat))
    tl = view._vb.mapViewToScene(QPointF(cx - bw / 2, cy + bh / 2))
    br = view._vb.mapViewToScene(QPointF(cx + bw / 2, cy - bh / 2))
    room = QRectF(area.left() + FRAME_CLEAR_PX, area.top() + FRAME_CLEAR_PX, area.width() - 2 * FRAME_CLEAR_PX,
                  view._key.sceneBoundingRect().top() - SCALE_ROOM - FRAME_CLEAR_PX - area.top() - FRAME_CLEAR_PX)
    assert room.adjusted(-1, -1, 1, 1).contains(QRectF(tl, br)), size
    assert br.x() - tl.x() == pytest.approx(room.width(), abs=1) or br.y() - tl.y() == pytest.approx(room.height(), abs=1)


@pytest.mark.parametrize("size", [(330, 330), (450, 500), (900, 900)])
def test_the_whole_province_is_framed_clear_of_the_key(qtbot, session, size):
    # Framed plainly, Shanxi's south-west corner (Yuncheng, Yuanqu's places) lay under the key.
    view = open_map(qtbot, session, size)
    view.fit_province()
    x0, y0, x1, y1 = view.basemap.shanxi_bounds()
    below = min(view._key.sceneBoundingRect().top(), view._scale.sceneBoundingRect().top())
    for lon, lat in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):  # the province's corners
        at = view._vb.mapViewToScene(QPointF(lon, lat))
        assert at.y() <= below and view._vb.sceneBoundingRect().contains(at), (size, lon, lat)
    store = session.store
    yuncheng = view._vb.mapViewToScene(QPointF(*view._pos[store.zone_index["yuncheng"]]))
    assert yuncheng.y() < below - 4, size


@pytest.mark.parametrize("size", [(455, 530), (600, 600)])
def test_each_place_a_narrow_search_finds_is_named(qtbot, store, size):
    # In the default window's map (455 x 530), searching Yuanqu named the cities and left the
    # places it found unnamed: they took spots with a leader only after every city had taken
    # its own, and the south-west corner they lie in was under the key.
    session = Session(store, lang="en")
    view = open_map(qtbot, session, size)
    session.state.update(None, text="Yuanqu")
    found = {store.zones[i].id for i in np.flatnonzero(session.zone_counts()[0])}
    assert found == {"yuanqu-edz", "h3-yuanqu-pumped-storage"}
    assert found <= set(view.label_texts())


@pytest.mark.parametrize("size", [(290, 340), (400, 400)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_selected_event_s_place_is_named_in_a_small_map(qtbot, store, size, lang):
    # Ringed but unnamed (a long English name had no spot clear of the cluster's markers, or
    # none inside a narrow map), while a faded neighbour's name next to the ring read as its.
    session = Session(store, lang=lang)
    view = open_map(qtbot, session, size)
    counts = np.bincount(store.zone, minlength=len(store.zones))
    places = [z for z in store.zones if counts[z.index] and z.kind != "province" and not view._outside[z.index]]
    assert len(places) > 20
    for preset in ("fit_province", "zoom_to_yangquan"):
        getattr(view, preset)()
        for z in places:
            session.selection.select_one(int(np.flatnonzero(store.zone == z.index)[0]), None)
            (x0, x1), (y0, y1) = view._vb.viewRange()
            lon, lat = view._pos[z.index]
            if not (x0 < lon < x1 and y0 < lat < y1):  # not in this view
                continue
            assert view.highlighted_zone_id() == z.id
            assert z.id in view.label_texts(), (preset, z.id)


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
    out = place_labels(labels, sizes, [], [], (0, 0, 100, 100), leaders=False)
    assert set(out) >= {0, 1}
    rects = [(50 + dx, 50 + dy, 90 + dx, 62 + dy) for dx, dy, _ in out.values()]
    for a, b in itertools.combinations(rects, 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    tiny = place_labels(labels, sizes, [], [], (0, 0, 100, 100), leaders=False)
    assert tiny == out  # deterministic
    assert place_labels(labels, sizes, [], [], (40, 40, 60, 60), leaders=False) == {}


def test_a_label_moved_inside_the_bounds_never_covers_its_own_marker():
    # The active place near the map's right edge, zoomed on Yangquan in a narrow pane: its
    # label, tied by a leader and moved back inside the bounds, was placed over its own
    # ring, its first letters under it.  Over other markers it may lie; over its own, never.
    marker = (7, 180.0, 50.0, 15.0)
    own = _Label(7, 180.0, 50.0, 15.0, (0,), True)
    sizes = {7: (120.0, 15.0)}
    for bounds, obstacles in [((0, 30, 200, 70), [(0, 0, 60, 100)]),  # only spots moved inside are left
                              ((0, 0, 200, 100), [(0, 0, 40, 100)]),
                              ((0, 0, 400, 100), [])]:
        out = place_labels([own], sizes, [marker], obstacles, bounds, leaders=True,
                           rings=_ACTIVE_RINGS, over_markers=True)
        for dx, dy, _leader in out.values():
            x0, y0 = 180 + dx, 50 + dy
            gap_x = max(x0 - 180, 0.0, 180 - (x0 + 120))
            gap_y = max(y0 - 50, 0.0, 50 - (y0 + 15))
            assert max(gap_x, gap_y) >= 15, (bounds, dx, dy)
    assert out  # with room, it is placed


def _pen(pen):
    return None if pen is None else (pen.color().name(QColor.NameFormat.HexArgb), pen.widthF(), pen.style())


def _brush(brush):
    return None if brush is None else brush.color().name(QColor.NameFormat.HexArgb)


def drawn(view) -> dict:
    """What the map shows of its zones, as plain data: markers, seats, arrows, halo, labels, leaders."""
    def spots(item):
        return [(round(float(p["x"]), 9), round(float(p["y"]), 9), float(p["size"]), p["data"],
                 p["symbol"] if isinstance(p["symbol"], str | None) else p["symbol"].boundingRect().getRect(),
                 _pen(p["pen"]), _brush(p["brush"])) for p in item.data]

    labels = {view.store.zones[lb.zone].id: (lb.text, round(lb.lon, 9), round(lb.lat, 9), (round(lb.ax, 9), round(lb.ay, 9)),
                                            lb.pixel_size, lb.bold, lb.colour, (lb.width, lb.height))
              for lb in view._label_layer.labels}
    lx, ly = view._leaders.getData()
    return {"markers": spots(view._markers), "seats": spots(view._seats), "edge": spots(view._edge),
            "halo": spots(view._halo), "labels": labels,
            "leaders": [] if lx is None else [[None if math.isnan(v) else v for v in pt]
                                              for pt in np.round(np.c_[lx, ly], 9).tolist()],
            "neighbours": [t.textItem.toPlainText() for _, t in view._neighbours],
            "scale": (view._scale.text.toPlainText(), round(view._scale.size, 12))}


def open_map(qtbot, session, size=(900, 900)) -> MapView:
    return on_screen(qtbot, MapView(session), size)


def test_a_hidden_map_places_its_labels_when_shown(qtbot, session):
    # Before the window shows, the map has no size of its own: placing labels then is wasted.
    view = MapView(session)
    qtbot.addWidget(view)
    session.state.update(None, years=(2000, 2025))
    assert view.label_texts() == {}
    view.resize(900, 900)
    view.show()
    qtbot.waitExposed(view)
    shown = view.label_texts()
    assert len(shown) >= 5
    assert shown == open_map(qtbot, session).label_texts()  # as a map opened shown places them


def test_marker_images_are_drawn_ahead_once_the_map_is_painted(qtbot, synth_store):
    # Every marker image a filter change can need is drawn just after the first paint, so
    # no later change meets a size or style not drawn yet.
    session = Session(synth_store, lang="zh")
    view = open_map(qtbot, session)
    atlas = view._markers.fragmentAtlas
    qtbot.waitUntil(lambda: len(atlas) == len(view.reachable_marker_styles()), timeout=3000)
    drawn = len(atlas)
    store = session.store
    years = range(int(store.year.min()), int(store.year.max()) + 1, 7)
    for i, y in enumerate(years):
        zone = view.marker_zone_ids()[i % len(view.marker_zone_ids())]
        session.state.update(None, years=(y, y + 3 + i % 20), zones={zone},
                             categories={store.categories[i % len(store.categories)].id})
        view.plot_widget.viewport().repaint()
    session.state.update(None, years=None, categories=set(), zones=set(view.marker_zone_ids()[:5]))
    view.plot_widget.viewport().repaint()
    assert len(atlas) == drawn  # nothing new had to be drawn
    sizes = {float(s) for s in view._markers.data["size"]}
    assert len(sizes) > 5  # the changes did show markers of many sizes


def test_a_map_shown_late_highlights_an_active_event_beyond_the_map(qtbot, synth_store):
    # A hidden map pins no place to its edge; once shown, the active event's place beyond
    # the map is pinned and must be highlighted there.
    session = Session(synth_store, lang="zh")
    store = session.store
    outside = [z.index for z in store.zones if z.kind == "outside"]
    rows = np.flatnonzero(np.isin(store.zone, outside))
    assert rows.size, "the synthetic data should have events beyond the map"
    session.selection.select_one(int(rows[0]), None)
    zone = store.zones[store.record(int(rows[0])).zone]
    view = MapView(session)
    qtbot.addWidget(view)
    assert view._outside[zone.index]
    view.resize(900, 900)
    view.show()
    qtbot.waitExposed(view)
    assert view.highlighted_zone_id() == zone.id
    halo = view._halo.data[0]
    lon, lat, _arrow = view.edge_marker(zone.id)
    assert (halo["x"], halo["y"]) == pytest.approx((lon, lat))


def test_the_highlight_of_a_place_beyond_the_map_follows_its_pin(qtbot, synth_store):
    # Panning moves the pin of a place beyond the map along the edge: its highlight goes with it.
    session = Session(synth_store, lang="zh")
    store = session.store
    outside = [z.index for z in store.zones if z.kind == "outside"]
    row = int(np.flatnonzero(np.isin(store.zone, outside))[0])
    zone = store.zones[store.record(row).zone]
    view = open_map(qtbot, session)
    view.fit_province()
    session.selection.select_one(row, None)
    before = view.edge_marker(zone.id)[:2]
    (x0, x1), (y0, y1) = view._vb.viewRange()
    view._vb.setRange(xRange=(x0, x1), yRange=(y0 + (y1 - y0) * 0.3, y1 + (y1 - y0) * 0.3), padding=0)
    view.relayout_labels()  # as the throttled pan update does
    lon, lat, _arrow = view.edge_marker(zone.id)
    assert (lon, lat) != pytest.approx(before)  # the pin moved
    halo = view._halo.data[0]
    assert (halo["x"], halo["y"]) == pytest.approx((lon, lat))


@pytest.mark.parametrize("data", ["curated", "synthetic"])
@pytest.mark.parametrize("preset", ["fit_province", "zoom_to_yangquan"])
def test_an_updated_map_draws_what_a_fresh_one_draws(qtbot, request, data, preset):
    # The map redraws only what changed: after any sequence of changes it must show exactly
    # what a map opened on the same state shows.
    store = request.getfixturevalue("store" if data == "curated" else "synth_store")
    session = Session(store, lang="zh")
    view = open_map(qtbot, session)
    getattr(view, preset)()
    city = next(z.id for z in store.zones if z.kind == "prefecture-city")
    park = next(z.id for z in store.zones if z.kind == "park")
    edge = [store.zones[i].id for i in np.flatnonzero(view._outside)]
    steps = [
        lambda: session.state.update(None, years=(store.year_min, int(np.median(store.year)))),
        lambda: session.state.update(None, zones={city, park, *edge}),
        lambda: session.selection.select_one(int(np.flatnonzero(store.zone != store.zone_index["shanxi"])[-1]), None),
        lambda: session.state.update(None, categories={store.categories[0].id}, zones={park}),
        lambda: session.state.update(None, years=(store.year_max, store.year_max), categories=set()),
        lambda: session.set_language("en"),
        lambda: view.resize(640, 900),  # the view box changes size
        lambda: session.state.update(None, years=None, zones=set()),
        lambda: session.selection.clear(None),
    ]
    for k, step in enumerate([*steps, "pan"]):
        getattr(view, preset)()
        if step == "pan":
            view._vb.translateBy(x=0.05, y=0.3)
            qtbot.wait(3 * 1000 // LABEL_RATE)  # the throttled re-layout after a pan
        else:
            step()
        fresh = open_map(qtbot, session, (view.width(), view.height()))
        getattr(fresh, preset)()
        if step == "pan":
            fresh._vb.translateBy(x=0.05, y=0.3)
            fresh.relayout_labels()
        (_, _), (y0, y1) = view._vb.viewRange()
        km = float(view._scale.text.toPlainText().split()[0])  # the scale bar is that long on the map
        assert view._scale.size == pytest.approx(km / (KM_PER_DEG_LAT * math.cos(math.radians((y0 + y1) / 2))))
        got, want = drawn(view), drawn(fresh)
        assert got.keys() == want.keys()
        for part in want:
            assert got[part] == want[part], (k, part)
        fresh.close()


def test_label_boxes_used_for_placement_are_the_shown_ones(view, session):
    # Label boxes are measured once per style, off the scene: they must be those of the labels.
    for change in (lambda: None, lambda: session.state.toggle_zone("taiyuan", None),
                   lambda: session.set_language("en"), lambda: session.state.update(None, years=(2019, 2019))):
        change()
        assert view.label_texts()
        for zid, box in view.label_boxes().items():
            i = view.store.zone_index[zid]
            assert view._label_size[i] == pytest.approx((box.width(), box.height())), zid
            size, bold, _colour, text = view._label_want[i]
            fm = QFontMetricsF(label_font(size, bold))
            lines = text.split(LINE_BREAK)
            assert max(map(fm.horizontalAdvance, lines)) <= box.width() - 2 * MARGIN + 0.5, zid  # the text fits its box
            assert fm.lineSpacing() * (len(lines) - 1) + fm.height() <= box.height() - 2 * MARGIN + 0.5, zid


def test_a_label_is_measured_by_laying_out_the_text_it_draws(view, session):
    # Measuring prepares the very text the layer draws, so painting lays out nothing again.
    layer = view._label_layer
    layer._texts = StaticTexts()
    session.set_language("en")  # every label measured again
    assert layer.labels
    for lb in layer.labels:
        st = layer._texts._texts[(lb.text, lb.pixel_size, lb.bold)]
        assert (lb.width, lb.height) == (st.size().width() + 2 * MARGIN, st.size().height() + 2 * MARGIN)


def test_labels_are_laid_out_again_only_when_something_they_depend_on_changed(view, session, monkeypatch):
    import explorer.gui.map_view as mv

    calls = []
    place = mv.place_labels
    monkeypatch.setattr(mv, "place_labels", lambda *a, **k: calls.append(1) or place(*a, **k))
    shown = drawn(view)
    view.relayout_labels()  # e.g. a range signal after the preset already laid them out
    assert calls == []
    store = session.store
    session.state.update(None, years=(store.year_min, store.year_max))  # a filter that changes no count
    assert calls == [] and drawn(view) == shown
    session.state.update(None, years=(store.year_min, int(np.median(store.year))))  # counts change
    assert len(calls) == 1 and drawn(view)["labels"] != shown["labels"]
    view.zoom_to_yangquan()  # the view changes
    assert len(calls) >= 2


def test_places_beyond_the_map_show_their_current_count(qtbot, synth_store):
    session = Session(synth_store, lang="zh")
    view = open_map(qtbot, session)
    view.fit_province()
    store = session.store
    outside = [store.zones[i] for i in np.flatnonzero(view._outside)]
    counts = store.zone_counts(session.mask)
    z = max(outside, key=lambda z: counts[z.index])
    assert counts[z.index] > 0, "the synthetic data should have events beyond the map"

    def count():
        return int(store.zone_counts(session.mask_without("zones"))[z.index])

    assert view.label_texts().get(z.id) == f"{z.name_zh} ({count()})"
    year = int(store.year[store.zone == z.index][0])
    session.state.update(None, years=(year, year))
    assert count() > 0 and view.label_texts().get(z.id) == f"{z.name_zh} ({count()})"
    session.state.update(None, years=(year + 1, year + 60) if year < 1990 else (year - 60, year - 1))
    if count():
        assert view.label_texts().get(z.id) == f"{z.name_zh} ({count()})"
    session.state.update(None, text="no event has this text")
    assert count() == 0 and view.label_texts().get(z.id, z.name_zh) == z.name_zh
    session.state.update(None, years=None, text="")
    assert view.label_texts().get(z.id) == f"{z.name_zh} ({counts[z.index]})"


def _point_segment_dist(px, py, s):
    x0, y0, vx, vy = s[0], s[1], s[2] - s[0], s[3] - s[1]
    t = min(max(((px - x0) * vx + (py - y0) * vy) / max(vx * vx + vy * vy, 1e-9), 0.0), 1.0)
    return math.hypot(x0 + t * vx - px, y0 + t * vy - py)


def _segments_cross(a, b):
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p0, p1, q0, q1 = a[:2], a[2:], b[:2], b[2:]
    return side(q0, q1, p0) * side(q0, q1, p1) <= 0 and side(p0, p1, q0) * side(p0, p1, q1) <= 0


def _segment_meets_box(s, r):
    """An end inside the (closed) box, or the segment crossing one of its sides."""
    inside = any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for x, y in (s[:2], s[2:]))
    sides = [(r[0], r[1], r[2], r[1]), (r[2], r[1], r[2], r[3]), (r[0], r[3], r[2], r[3]), (r[0], r[1], r[0], r[3])]
    return inside or any(_segments_cross(s, side) for side in sides)


def reference_place_labels(labels, sizes, markers, obstacles, bounds, leaders):
    """The placement written out one spot at a time, in plain Python."""
    placed, lines, boxed, out = [], [], [], {}
    directions = [(1, 0), (-1, 0), (1, -1), (1, 1), (-1, -1), (-1, 1), (0, -1), (0, 1)]
    bx0, by0, bx1, by1 = bounds

    def free(r, lab, dist, leader):
        if r[0] < bx0 or r[1] < by0 or r[2] > bx1 or r[3] > by1:
            return False
        if any(r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3] for o in obstacles):
            return False
        tip = (min(max(lab.x, r[0]), r[2]), min(max(lab.y, r[1]), r[3]))
        for z, mx, my, mr in markers:
            c = math.hypot(mx - lab.x, my - lab.y)
            if z == lab.zone or c + mr <= lab.radius + 2:
                continue  # its own marker, or one within it
            # The marker's centre from the box, in the farther axis (never more than the true distance).
            d = max(r[0] - mx, mx - r[2], r[1] - my, my - r[3], 0)
            if d < mr + 4 or (not leader and d <= dist):
                return False  # against another place's marker, or as near as to its own centre
            if leader and c >= lab.radius + mr and _point_segment_dist(mx, my, (lab.x, lab.y, *tip)) < mr + 1:
                return False
        return True

    def fits(r, lab, leader):
        if any(r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3] for o in placed):
            return False
        if any(_segment_meets_box(s, r) for s in lines):
            return False
        line = (lab.x, lab.y, min(max(lab.x, r[0]), r[2]), min(max(lab.y, r[1]), r[3]))
        crossed = placed if lab.must_name and not leaders else boxed  # a city's leader when leaders are off: no label
        return not leader or not (any(_segments_cross(line, s) for s in lines)
                                  or any(_segment_meets_box(line, b) for b in crossed))

    order = sorted(labels, key=lambda la: (not la.must_name, la.priority))

    def tier(lab):  # found or chosen, the other names to give, the rest
        return 0 if lab.must_name and lab.priority[0] == 0 else 1 if lab.must_name else 2

    for keen, far in ((0, True), (1, True), (2, leaders)):
        for leader in (False, True) if far else (False,):
            for lab in order:
                if tier(lab) != keen or lab.zone in out:
                    continue
                w, h = sizes[lab.zone]
                for ring in (22, 44, 70) if leader else (2,):
                    dist = lab.radius + ring
                    for sx, sy in directions:
                        px, py = lab.x + dist * sx / math.hypot(sx, sy), lab.y + dist * sy / math.hypot(sx, sy)
                        left, top = px - w * (1 - sx) / 2, py - h * (1 - sy) / 2
                        r = (left, top, left + w, top + h)
                        if free(r, lab, dist, leader) and fits(r, lab, leader):
                            placed.append(r)
                            if leader:
                                lines.append((lab.x, lab.y, min(max(lab.x, r[0]), r[2]), min(max(lab.y, r[1]), r[3])))
                                boxed.append((r[0] - 2, r[1] - 2, r[2] + 2, r[3] + 2))
                            out[lab.zone] = (r[0] - lab.x, r[1] - lab.y, leader)
                            break
                    if lab.zone in out:
                        break
    return out


@pytest.mark.parametrize("seed", range(40))
def test_place_labels_matches_the_spot_by_spot_placement(seed):
    # Crowded random maps: markers, fixed text, labels leaving the bounds.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    xy = rng.uniform(-20, 420, (n, 2))
    radius = rng.uniform(2, 21, n)
    labels = [_Label(i, float(xy[i, 0]), float(xy[i, 1]), float(radius[i]),
                     (int(rng.integers(0, 4)), -int(rng.integers(0, 50)), i), bool(rng.random() < 0.3))
              for i in range(n) if rng.random() < 0.8]
    sizes = {i: (float(rng.uniform(20, 90)), float(rng.uniform(10, 16))) for i in range(n)}
    markers = [(i, x, y, r) for i, ((x, y), r) in enumerate(zip(xy.tolist(), radius.tolist(), strict=True))]
    obstacles = [(float(a), float(b), float(a) + 60, float(b) + 18) for a, b in rng.uniform(0, 400, (4, 2))]
    bounds = (2.0, 2.0, 398.0, 398.0)
    for leaders in (False, True):
        assert place_labels(labels, sizes, markers, obstacles, bounds, leaders) == \
            reference_place_labels(labels, sizes, markers, obstacles, bounds, leaders)


def test_deleted_pane_stops_listening(qtbot, session):
    w = MapView(session)
    listening = len(session.filtered._slots)
    w.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=2000)
    assert len(session.filtered._slots) == listening - 1
    session.state.update(None, text="阳泉")  # must not reach the deleted pane
    session.selection.select_one(int(session.rows[0]), None)
    session.set_language("en")


@pytest.mark.parametrize(("width", "raised"), [(340, True), (420, True), (900, False)])
def test_the_key_and_the_scale_bar_never_cover_each_other_or_a_neighbours_name(qtbot, session, width, raised):
    # A narrow map has no room for both on the bottom line: the scale bar goes up.
    view = open_map(qtbot, session, (width, 500))
    view.fit_province()
    view.relayout_labels()
    key, bar, text = (item.sceneBoundingRect() for item in (view._key, view._scale.bar, view._scale.text))
    ink = [key.adjusted(4, 4, -4, -4), bar, text.adjusted(4, 4, -4, -4)]  # without the text boxes' margins
    assert not any(a.intersects(b) for a, b in itertools.combinations(ink, 2))
    area = view._vb.sceneBoundingRect()
    assert all(area.contains(r) for r in (key, bar))
    assert (bar.bottom() < key.top()) == raised  # side by side where there is room
    for _lab, t in view._neighbours:  # the neighbours' names stay where they have room, and only there
        name = t.sceneBoundingRect().adjusted(4, 4, -4, -4)
        room = area.contains(name) and not name.intersects(bar) and \
            all(name.intersected(r).height() <= 4 for r in (ink[0], ink[2]) if name.intersects(r))
        assert t.isVisible() == room, t.textItem.toPlainText()
    # (A 900 px wide map shows only the middle of the province: none of the names is in it.)
    assert [t for _lab, t in view._neighbours if t.isVisible()] or width == 900


def test_a_key_wider_than_the_map_wraps_inside_it_and_the_scale_bar_clears_it(qtbot, session):
    # A large font or a narrow pane: the key goes onto more lines rather than off the map.
    view = open_map(qtbot, session, (900, 500))
    one_line = view._key.sceneBoundingRect().height()
    for width in (200, 260):
        view.resize(width, 500)
        qtbot.waitUntil(lambda w=width: view.width() == w)
        view.relayout_labels()
        key, bar, text = (item.sceneBoundingRect() for item in (view._key, view._scale.bar, view._scale.text))
        assert view._vb.sceneBoundingRect().contains(key)
        assert key.height() > one_line * 1.5  # wrapped
        assert not bar.intersects(key) and not text.adjusted(4, 4, -4, -4).intersects(key.adjusted(4, 4, -4, -4))
    view.resize(900, 500)
    qtbot.waitUntil(lambda: view.width() == 900)
    assert view._key.sceneBoundingRect().height() == one_line  # one line again where it fits


def key_lines(view: MapView) -> list[str]:
    lines = []
    block = view._key.textItem.document().begin()
    while block.isValid():
        text, lay = block.text(), block.layout()
        lines += [text[line.textStart():line.textStart() + line.textLength()]
                  for line in map(lay.lineAt, range(lay.lineCount()))]
        block = block.next()
    return lines


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_key_wraps_between_its_entries_and_words(qtbot, session, lang):
    # At the smallest window the English key read "compan" / "y", or ended a line with "◆";
    # the Chinese one broke 企业 ("company") across two lines.
    install_translators(QApplication.instance(), lang)
    try:
        view = open_map(qtbot, session, (900, 500))
    finally:
        install_translators(QApplication.instance(), "en")
    assert ("企\u2060业" in view._key.textItem.toPlainText()) == (lang == "zh_CN")
    seen = set()
    for width in range(110, 420, 12):
        view.resize(width, 500)
        qtbot.waitUntil(lambda w=width: view.width() == w)
        lines = key_lines(view)
        seen.add(len(lines))
        for line in lines[:-1]:
            assert not line.rstrip().endswith(("●", "■", "◆")), (width, lines)
            assert line.endswith(" "), (width, lines)  # broken at a space: between entries or English words
    assert max(seen) >= 3  # it did wrap, onto several lines


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(250, 420), (340, 500), (420, 500)])
def test_a_neighbours_name_is_shown_whole_or_not_at_all(qtbot, store, lang, size):
    # A name cut by the map's edge reads as another word ("aanxi", "西"): it is left out.
    view = open_map(qtbot, Session(store, lang=lang), size)
    for preset in (view.fit_province, view.reset_view):
        preset()
        area = view._vb.sceneBoundingRect()
        shown = [t for _lab, t in view._neighbours if t.isVisible()]
        for t in shown:
            ink = t.sceneBoundingRect().adjusted(4, 4, -4, -4)  # without the text box's margin
            assert area.contains(ink), t.textItem.toPlainText()
    assert shown  # the whole basemap has room for some


def drawn_markers(view) -> list[tuple[int, float, float, float]]:
    """Every marker on show, city seats and pins at the edge too: (zone, x, y, radius), in scene pixels."""
    out = []
    for layer in (view._markers, view._seats, view._edge):
        for p in layer.data:
            at = view._vb.mapViewToScene(QPointF(p["x"], p["y"]))
            out.append((int(p["data"]), at.x(), at.y(), float(p["size"]) / 2))
    return out


def _box_dist(x, y, r: QRectF) -> float:
    return math.hypot(max(r.left() - x, x - r.right(), 0), max(r.top() - y, y - r.bottom(), 0))


@pytest.mark.parametrize("data", ["curated", "synthetic"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_label_reads_as_another_places_name(qtbot, request, data, lang):
    # A name beside a marker must be nearer its own marker than any other place's (the
    # nearest dot is the one a reader gives it), and no name, with or without a leader,
    # sits against another place's marker.  Markers drawn within its own do not count.
    store = request.getfixturevalue("store" if data == "curated" else "synth_store")
    session = Session(store, lang=lang)
    park = next(z.id for z in store.zones if z.kind == "park")
    filters = [{}, {"text": "no event has this text"}, {"zones": {park}}]
    checked = 0
    for size in ((900, 900), (400, 540)):
        view = open_map(qtbot, session, size)
        for change, preset in itertools.product(filters, ("fit_province", "zoom_to_yangquan")):
            session.state.update(None, text="", zones=set())
            session.state.update(None, **change)
            getattr(view, preset)()
            markers = drawn_markers(view)
            for zid, box in view.label_boxes().items():
                i = store.zone_index[zid]
                own = [(x, y, r) for z, x, y, r in markers if z == i]
                ox, oy, orad = max(own, key=lambda m: m[2])
                if store.zones[i].kind == "prefecture-city":  # a city's dot has 4 px of room at least (map_view)
                    orad = max(orad, 4.0)
                beside = not view._placed[i][2]  # no leader
                for z, x, y, r in markers:
                    if z == i or math.hypot(x - ox, y - oy) + r <= orad + 2:
                        continue
                    d = _box_dist(x, y, box)
                    where = (size, preset, change, zid, store.zones[z].id)
                    assert d - r >= 3.5, where  # clear of the other marker's edge
                    if beside:
                        assert d - _box_dist(ox, oy, box) > -1e-6, where  # nearer its own marker
                checked += 1
        view.close()
    assert checked >= 100


@pytest.mark.parametrize(("text", "lines"), [
    ("Pingding Economic and Technological Development Zone", ["Pingding Economic and", "Technological Development Zone"]),
    ("Qi County Economic Development Zone", ["Qi County Economic", "Development Zone"]),
    ("Yangquan Valve", ["Yangquan", "Valve"]),
    ("平定经济技术开发区", ["平定经济技术开发区"]),  # no space to break at
])
def test_a_long_name_is_broken_at_the_space_nearest_its_middle(text, lines):
    assert two_lines(text).split(LINE_BREAK) == lines


def test_in_a_large_database_marker_sizes_still_tell_places_apart(qtbot, synth_store):
    # Beyond ~120 events a place's marker reached its largest size: at a million events
    # every marker was the same, though the key says "size: number of events".
    from explorer.gui.map_view import MARKER_MAX

    session = Session(synth_store, lang="zh")
    view = open_map(qtbot, session)
    view.fit_province()
    own = session.store.zone_counts(session.mask)
    sizes = view.marker_sizes()
    by_zone = {z.id: int(own[z.index]) for z in session.store.zones if z.id in sizes and own[z.index] > 0}
    assert max(by_zone.values()) > 1000  # a database beyond the sizes' range
    largest = max(by_zone, key=by_zone.get)
    assert sizes[largest] == MARKER_MAX
    assert len({sizes[z] for z in by_zone}) >= 4  # not all one size
    big = [z for z in by_zone if by_zone[z] > 200]  # beyond the ~120 events the largest marker was reached at
    assert len(big) >= 2 and len({sizes[z] for z in big}) >= 2
    ranked = sorted(by_zone, key=by_zone.get)
    assert [sizes[z] for z in ranked] == sorted(sizes[z] for z in ranked)  # more events, never smaller
