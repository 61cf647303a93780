"""The zone map pane: Shanxi's basemap with one marker per zone, sized by its events.

The pane only draws and forwards intent: a click toggles the zone in the shared filter
state; it reacts to ``session.filtered``, ``selection.changed`` and
``language_changed``.  Marker sizes ignore the zone filter itself
(``session.mask_without("zones")``) so that picking a zone does not shrink the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsPathItem, QToolBar, QVBoxLayout, QWidget

from explorer.core.basemap import arrow_for, join_with_nan, load_basemap, pin_to_box
from explorer.core.paths import resource
from explorer.gui import palette

YANGQUAN = (113.58, 37.86)  # city centre, used when the data has no Yangquan zones
YANGQUAN_SPAN = (0.5, 0.4)  # the smallest frame of the preset, enough to separate the zones
SCALE_KM = (1, 2, 5, 10, 20, 50, 100, 200)
KM_PER_DEG_LAT = 111.2
ZOOM_STEP = 1.5  # per + / - key press
LABEL_RATE = 20  # label re-layouts per second at most while zooming or panning
EDGE_INSET_PX = 16  # how far from the view edge places outside the map are pinned
LEADER_ZOOM_DEG = 1.5  # labels may sit away from their marker (with a leader) below this view width

ORANGE = "#EF6C00"
ORANGE_FILL = (255, 152, 0, 225)
MARKER_FILL = (21, 101, 192, 150)
MARKER_EDGE = "#0D47A1"
FADED = "#90A4AE"
LAKE = ("#B3D4EC", "#7FB3D9")
KIND_SYMBOLS = {"park": "s", "company-site": "d"}  # everything else is a disc


@dataclass
class _Label:
    """A label waiting for placement, in screen pixels (y down)."""

    zone: int
    x: float
    y: float
    radius: float
    priority: tuple
    over_markers: bool = False  # may cover other markers (city names, selected zones)


def marker_size(count: int) -> float:
    """Marker diameter in pixels: area grows with the number of events."""
    return 6.0 if count <= 0 else min(7.0 + 3.2 * math.sqrt(count), 42.0)


def _arrow_path() -> QPainterPath:
    path = QPainterPath()  # pointing east, centred on the origin, unit size
    for i, (x, y) in enumerate([(0.5, 0), (-0.1, -0.38), (-0.1, -0.14), (-0.5, -0.14),
                                (-0.5, 0.14), (-0.1, 0.14), (-0.1, 0.38)]):
        path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
    path.closeSubpath()
    return path


def place_labels(labels: list[_Label], sizes: dict[int, tuple[float, float]], obstacles: list[tuple],
                 bounds: tuple, leaders: bool) -> dict[int, tuple[float, float, bool]]:
    """Greedy label placement in screen space.

    Labels are tried in ``priority`` order at eight positions around their marker
    (right first), then, when ``leaders`` is on, farther out with a leader line.  A
    label that overlaps an obstacle (``(zone, rect)``; zone -1 for fixed text), an
    already placed label or leaves ``bounds`` is skipped.  Returns ``zone -> (dx, dy, leader)``: the label's top-left corner
    relative to its marker.
    """
    placed: list[tuple] = []
    out: dict[int, tuple[float, float, bool]] = {}
    directions = [(1, 0), (-1, 0), (1, -1), (1, 1), (-1, -1), (-1, 1), (0, -1), (0, 1)]
    bx0, by0, bx1, by1 = bounds

    def free(r, lab, strict):
        if r[0] < bx0 or r[1] < by0 or r[2] > bx1 or r[3] > by1:
            return False
        for o in placed:
            if r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3]:
                return False
        for z, o in obstacles:
            if (z != lab.zone and (z < 0 or strict)
                    and r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3]):
                return False
        return True

    for lab in sorted(labels, key=lambda la: la.priority):
        w, h = sizes[lab.zone]
        rings = [lab.radius + 2] + ([lab.radius + 22, lab.radius + 44, lab.radius + 70] if leaders else [])
        tries = [(k, dist, True) for k, dist in enumerate(rings)]
        if lab.over_markers:  # rather over other markers than not at all
            tries.append((0, rings[0], False))
        for k, dist, strict in tries:
            spot = None
            for sx, sy in directions:
                norm = math.hypot(sx, sy)
                px, py = lab.x + dist * sx / norm, lab.y + dist * sy / norm
                left, top = px - w * (1 - sx) / 2, py - h * (1 - sy) / 2
                rect = (left, top, left + w, top + h)
                if free(rect, lab, strict):
                    spot = rect
                    break
            if spot is not None:
                placed.append(spot)
                out[lab.zone] = (spot[0] - lab.x, spot[1] - lab.y, k > 0)
                break
    return out


class MapView(QWidget):
    """Zones on a basemap of Shanxi; click a marker to filter by its zone.

    Parameters
    ----------
    session
        The shared :class:`explorer.core.session.Session`.

    Attributes
    ----------
    plot_widget
        The :class:`pyqtgraph.PlotWidget` holding the map (used by the image exporter).
    """

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self._label_state: dict[int, tuple] = {}
        approx = pg.mkPen(MARKER_EDGE, width=1.2)
        approx.setStyle(Qt.PenStyle.DashLine)
        self._styles = {
            "sel_pen": pg.mkPen(ORANGE, width=3), "sel_brush": pg.mkBrush(ORANGE_FILL),
            "faded_pen": pg.mkPen(FADED, width=1), "faded_brush": pg.mkBrush(255, 255, 255, 200),
            "pen": pg.mkPen(MARKER_EDGE, width=1.2), "approx_pen": approx, "brush": pg.mkBrush(MARKER_FILL),
            "seat_sel_pen": pg.mkPen(ORANGE, width=2.5), "seat_pen": pg.mkPen("#FFFFFF", width=1),
            "seat_brush": pg.mkBrush("#263238"), "label_fill": pg.mkBrush(255, 255, 255, 170),
        }
        self.session = session
        self.store = session.store
        self.basemap = load_basemap(resource("basemap", "shanxi_region.json"))
        self._ratio = self.basemap.lon_lat_display_ratio
        self._pos = np.array([[z.lon, z.lat] for z in self.store.zones], float).reshape(-1, 2)
        self._outside = np.array([not self.basemap.contains(z.lon, z.lat) for z in self.store.zones], bool)
        self._own = np.zeros(len(self.store.zones), int)
        self._incl = np.zeros(len(self.store.zones), int)
        self._sizes: dict[int, float] = {}  # zone -> marker diameter (px), zones drawn as markers
        self._edge_angle: dict[int, float] = {}
        self._labels: dict[int, pg.TextItem] = {}
        self._placed: dict[int, tuple[float, float, bool]] = {}

        self._build_ui()
        self._draw_basemap()
        self._build_zone_items()
        self._range_proxy = pg.SignalProxy(self._vb.sigRangeChanged, rateLimit=LABEL_RATE,
                                           slot=lambda _args: self.relayout_labels())
        self._range_proxy.setParent(self)  # dies with the pane, so no late call reaches a deleted view
        self._vb.sigResized.connect(lambda _vb: self.relayout_labels())  # cheap (~1 ms); exports grab right away
        links = [(session.filtered, self._on_filtered), (session.selection.changed, self._on_selection),
                 (session.language_changed, self._on_language)]
        for signal, slot in links:
            signal.connect(slot)
        # The session outlives this pane: drop our slots when Qt deletes the widget.
        self.destroyed.connect(lambda *_: [sig.disconnect(slot) for sig, slot in links])
        self._on_filtered(session, None)
        self._on_selection(session.selection, None)
        self.fit_province()

    # ------------------------------------------------------------------ building
    def _build_ui(self) -> None:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.tr("Whole province"), self.fit_province).setToolTip(self.tr("Show all of Shanxi"))
        bar.addAction(self.tr("Zoom to Yangquan"), self.zoom_to_yangquan).setToolTip(
            self.tr("Zoom in on Yangquan, where most zones lie close together"))
        bar.addAction(self.tr("Reset"), self.reset_view).setToolTip(self.tr("Show the whole map"))
        bar.addSeparator()
        for text, tip, factor in ((self.tr("+"), self.tr("Zoom in (+ key)"), 1 / ZOOM_STEP),
                                  (self.tr("−"), self.tr("Zoom out (− key)"), ZOOM_STEP)):
            act = bar.addAction(text, lambda f=factor: self.zoom_by(f))
            act.setToolTip(tip)

        self.plot_widget = pg.PlotWidget(background=palette.MAP_LAND)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_widget.installEventFilter(self)  # before pyqtgraph's view takes +/- for its zoom history
        item = self.plot_widget.getPlotItem()
        for axis in ("left", "bottom"):
            item.hideAxis(axis)
        item.hideButtons()
        item.setMenuEnabled(False)
        self._vb = item.getViewBox()
        self._vb.setAspectLocked(True, ratio=self._ratio)
        self._vb.setDefaultPadding(0)
        x0, y0, x1, y1 = self.basemap.extent
        self._vb.setLimits(xMin=x0 - 3, xMax=x1 + 3, yMin=y0 - 2, yMax=y1 + 2,
                           minXRange=0.02, maxXRange=(x1 - x0) + 6, minYRange=0.02, maxYRange=(y1 - y0) + 4)

        self._scale = pg.ScaleBar(0.1, width=4, brush="#546E7A", pen=pg.mkPen(None), offset=(-16, -14))
        self._scale.setParentItem(self._vb)
        self._scale.text.setColor("#455A64")
        # A key in the map itself, so exported images carry it too.
        self._key = pg.TextItem(self.tr("● zone  ■ park  ◆ company · size: number of events"), color="#78909C",
                                anchor=(0, 1), fill=pg.mkBrush(244, 241, 234, 210))
        self._key.setParentItem(self._vb)
        self._vb.sigResized.connect(lambda vb: self._key.setPos(8, vb.height() - 6))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(bar)
        lay.addWidget(self.plot_widget, 1)

    def _add_path(self, rings, pen, brush, z: float) -> QGraphicsPathItem:
        x, y = join_with_nan(rings)
        item = QGraphicsPathItem(pg.arrayToQPath(x, y, connect="finite"))
        item.setPen(pen)
        item.setBrush(brush)
        item.setZValue(z)
        self._vb.addItem(item, ignoreBounds=True)
        return item

    def _draw_basemap(self) -> None:
        bm = self.basemap
        self._add_path(bm.shanxi_outline, pg.mkPen(None), pg.mkBrush("#FFFFFF"), -30)
        for poly in bm.lakes:
            self._add_path(poly, pg.mkPen(LAKE[1], width=0.8, cosmetic=True), pg.mkBrush(LAKE[0]), -25)
        lines = pg.PlotCurveItem(*join_with_nan(bm.province_lines + bm.country_lines), connect="finite",
                                 pen=pg.mkPen(palette.MAP_PROVINCE, width=1), antialias=True)
        lines.setZValue(-20)
        self._vb.addItem(lines, ignoreBounds=True)
        outline = pg.PlotCurveItem(*join_with_nan(bm.shanxi_outline), connect="finite",
                                   pen=pg.mkPen(palette.MAP_SHANXI, width=2.4), antialias=True)
        outline.setZValue(-15)
        self._vb.addItem(outline, ignoreBounds=True)
        self._neighbours = []
        font = QFont()
        font.setPixelSize(17)
        font.setItalic(True)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 115)
        for lab in bm.neighbour_labels:
            t = pg.TextItem(color="#A7A39A", anchor=(0.5, 0.5))
            t.setFont(font)
            t.setPos(lab.lon, lab.lat)
            t.setZValue(-10)
            self._vb.addItem(t, ignoreBounds=True)
            self._neighbours.append((lab, t))

    def _build_zone_items(self) -> None:
        common = dict(pxMode=True, hoverable=True, tip=self._tooltip, antialias=True)
        self._halo = pg.ScatterPlotItem(pxMode=True, antialias=True)
        self._halo.setZValue(10)
        self._markers = pg.ScatterPlotItem(hoverPen=pg.mkPen("#000000", width=2), **common)
        self._markers.setZValue(20)
        self._seats = pg.ScatterPlotItem(**common)
        self._seats.setZValue(25)
        self._edge = pg.ScatterPlotItem(**common)
        self._edge.setZValue(25)
        self._leaders = pg.PlotCurveItem(connect="finite", pen=pg.mkPen("#78909C", width=0.8), antialias=True)
        self._leaders.setZValue(28)
        for item in (self._halo, self._markers, self._seats, self._edge, self._leaders):
            self._vb.addItem(item, ignoreBounds=True)
        for item in (self._markers, self._seats, self._edge):
            item.sigClicked.connect(self._on_clicked)
        self._cities = [z.index for z in self.store.zones if z.kind == "prefecture-city" and not self._outside[z.index]]
        self._arrow = _arrow_path()

    # ------------------------------------------------------------------ session
    def _on_filtered(self, session, initiator) -> None:
        mask = session.mask_without("zones")
        self._own = self.store.zone_counts(mask)
        self._incl = self.store.zone_counts_inclusive(mask)
        self._update_markers()

    def _on_selection(self, selection, initiator) -> None:
        self._update_halo()

    def _on_language(self, session) -> None:
        self._update_markers()

    def _update_markers(self) -> None:
        zones, selected = self.store.zones, self.session.filters.zones
        for lab, t in self._neighbours:
            t.setText(lab.name(self.session.lang))
        shown = [z.index for z in zones
                 if z.kind != "province" and not self._outside[z.index]
                 and (z.kind != "prefecture-city" or self._own[z.index] > 0)]
        self._sizes = {i: marker_size(int(self._own[i])) for i in shown}
        order = sorted(shown, key=lambda i: -self._sizes[i])  # small markers drawn last, on top
        pens, brushes = [], []
        st = self._styles
        for i in order:
            z, n = zones[i], self._own[i]
            if z.id in selected:
                pens.append(st["sel_pen"])
                brushes.append(st["sel_brush"])
            elif n == 0:
                pens.append(st["faded_pen"])
                brushes.append(st["faded_brush"])
            else:
                # dashed: the curated coordinates are only roughly known
                pens.append(st["approx_pen"] if z.approximate else st["pen"])
                brushes.append(st["brush"])
        self._markers.setData(pos=self._pos[order] if order else np.empty((0, 2)), size=[self._sizes[i] for i in order],
                              symbol=[KIND_SYMBOLS.get(zones[i].kind, "o") for i in order],
                              pen=pens, brush=brushes, data=order)
        self._seats.setData(
            pos=self._pos[self._cities] if self._cities else np.empty((0, 2)),
            size=[10 if zones[i].id in selected else 7 for i in self._cities],
            pen=[st["seat_sel_pen"] if zones[i].id in selected else st["seat_pen"] for i in self._cities],
            brush=st["seat_brush"], data=self._cities)
        self._sync_labels()
        self.relayout_labels()
        self._update_halo()

    def _sync_labels(self) -> None:
        """Create a text item for every zone that can carry a label, and set its text."""
        zones, lang, selected = self.store.zones, self.session.lang, self.session.filters.zones
        wanted = set(self._sizes) | set(self._cities) | set(np.flatnonzero(self._outside).tolist())
        for i in wanted:
            t = self._labels.get(i)
            if t is None:
                t = self._labels[i] = pg.TextItem()
                t.textItem.document().setDocumentMargin(1)
                t.setZValue(30)
                self._vb.addItem(t, ignoreBounds=True)
            z = zones[i]
            size = 13 if z.kind == "prefecture-city" else 11
            bold = z.kind == "prefecture-city" or z.id in selected
            colour = "#BF360C" if z.id in selected else "#212121" if z.kind == "prefecture-city" else \
                "#263238" if self._own[i] > 0 else FADED
            key = (size, bold, colour, self._label_text(i, lang))
            if self._label_state.get(i) == key:  # restyling every label on each filter change is costly
                continue
            self._label_state[i] = key
            font = QFont()
            font.setPixelSize(size)
            font.setBold(bold)
            t.setFont(font)
            t.setColor(colour)
            t.fill = self._styles["label_fill"]
            t.setText(key[3])
        for i in set(self._labels) - wanted:
            self._labels[i].setVisible(False)

    def _label_text(self, i: int, lang: str) -> str:
        name = self.store.zones[i].name(lang)
        if self._outside[i] and self._own[i]:
            return f"{name} ({self._own[i]})"  # the arrow-shaped marker shows the way
        return name

    def _update_halo(self) -> None:
        row = self.session.selection.active
        if row is None:
            self._halo.setData([])
            return
        zi = self.store.record(row).zone
        pos = self._display_pos(zi)
        if pos is None:
            self._halo.setData([])
            return
        size = self._sizes.get(zi, 8 if zi in self._cities else 12) + 18
        fill = QColor(palette.ACTIVE)
        fill.setAlpha(150)
        self._halo.setData(pos=[pos], size=[size], pen=pg.mkPen("#F9A825", width=2.5), brush=pg.mkBrush(fill),
                           data=[zi])

    def _display_pos(self, zi: int) -> tuple[float, float] | None:
        if self.store.zones[zi].kind == "province":
            return None
        if self._outside[zi]:
            pts = self._edge.data
            hit = [p for p in pts if p["data"] == zi]
            return (float(hit[0]["x"]), float(hit[0]["y"])) if hit else None
        return float(self._pos[zi, 0]), float(self._pos[zi, 1])

    # ------------------------------------------------------------------ labels
    def _to_screen(self) -> tuple[float, float, float, float]:
        self._vb.updateMatrix()  # the view applies a new range lazily, at the next paint
        t = self._vb.childGroup.sceneTransform()
        return t.m11(), t.m22(), t.m31(), t.m32()

    def _update_edge_markers(self) -> None:
        """Pin places beyond the basemap to the edge of what is visible, pointing at them."""
        outside = np.flatnonzero(self._outside).tolist()
        if not outside:
            self._edge.setData([])
            return
        sx, sy, _, _ = self._to_screen()
        (vx0, vx1), (vy0, vy1) = self._vb.viewRange()
        ix, iy = EDGE_INSET_PX / abs(sx or 1), EDGE_INSET_PX / abs(sy or 1)
        x0, y0, x1, y1 = self.basemap.extent
        box = (max(vx0, x0) + ix, max(vy0, y0) + iy, min(vx1, x1) - ix, min(vy1, y1) - iy)
        if box[0] >= box[2] or box[1] >= box[3]:
            box = (vx0 + ix, vy0 + iy, vx1 - ix, vy1 - iy)
        pos, symbols, sizes, pens = [], [], [], []
        selected = self.session.filters.zones
        for i in outside:
            lon, lat, angle = pin_to_box(float(self._pos[i, 0]), float(self._pos[i, 1]), box, self._ratio)
            self._edge_angle[i] = angle
            pos.append((lon, lat))
            symbols.append(QTransform().rotate(-angle).map(self._arrow))
            sizes.append(max(16.0, marker_size(int(self._own[i]))))
            pens.append(pg.mkPen(ORANGE, width=2.5) if self.store.zones[i].id in selected else pg.mkPen(MARKER_EDGE))
        brush = [pg.mkBrush(ORANGE_FILL) if self.store.zones[i].id in selected else
                 pg.mkBrush(MARKER_FILL) if self._own[i] else pg.mkBrush(FADED) for i in outside]
        self._edge.setData(pos=pos, symbol=symbols, size=sizes, pen=pens, brush=brush, data=outside)

    def _update_scale(self) -> None:
        """Keep the scale bar near 100 px with a round number of kilometres."""
        sx = abs(self._to_screen()[0])
        (_, _), (y0, y1) = self._vb.viewRange()
        km_per_deg = KM_PER_DEG_LAT * math.cos(math.radians((y0 + y1) / 2))
        km = min(SCALE_KM, key=lambda k: abs(math.log(k * sx / km_per_deg / 100)))
        self._scale.size = km / km_per_deg
        self._scale.text.setText(self.tr("%1 km").replace("%1", str(km)))
        self._scale.updateBar()

    def relayout_labels(self) -> None:
        """Place the labels that fit without overlapping (called throttled on zoom and pan)."""
        self._update_edge_markers()
        self._update_scale()
        sx, sy, dx, dy = self._to_screen()
        rect = self._vb.sceneBoundingRect()
        bounds = (rect.left() + 2, rect.top() + 2, rect.right() - 2, rect.bottom() - 2)
        selected = self.session.filters.zones

        def screen(lon, lat):
            return lon * sx + dx, lat * sy + dy

        obstacles = []
        for item in (self._key, self._scale.bar, self._scale.text):  # overlays in the corners
            r = item.sceneBoundingRect()
            obstacles.append((-1, (r.left(), r.top() - 2, r.right(), r.bottom())))
        for lab, t in self._neighbours:  # centred on their position
            x, y = screen(lab.lon, lab.lat)
            br = t.textItem.boundingRect()
            obstacles.append((-1, (x - br.width() / 2, y - br.height() / 2, x + br.width() / 2, y + br.height() / 2)))
        points: list[tuple[int, float, float, float]] = []
        for i, size in self._sizes.items():
            points.append((i, *screen(*self._pos[i]), size / 2))
        for i in self._cities:
            if i not in self._sizes:
                points.append((i, *screen(*self._pos[i]), 4.0))
        for p in self._edge.data:
            i = int(p["data"])
            points.append((i, *screen(p["x"], p["y"]), p["size"] / 2))
        view_width = self._vb.viewRange()[0][1] - self._vb.viewRange()[0][0]
        zoomed_in = view_width < LEADER_ZOOM_DEG
        labels, sizes = [], {}
        anchors = {i: (x, y) for i, x, y, _ in points}
        for i, x, y, r in points:
            q = 0.8 * r
            obstacles.append((i, (x - q, y - q, x + q, y + q)))
            if not (bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]):
                continue
            z = self.store.zones[i]
            rank = 0 if z.id in selected else 1 if z.kind == "prefecture-city" else 2 if self._outside[i] else 3
            if rank == 3 and self._own[i] == 0 and not zoomed_in:
                continue  # places with no events are named only when zoomed in
            labels.append(_Label(i, x, y, r, (rank, -int(self._own[i]), -int(self._incl[i]), i), rank < 2))
            br = self._labels[i].textItem.boundingRect()
            sizes[i] = (br.width(), br.height())
        self._placed = place_labels(labels, sizes, obstacles, bounds, leaders=zoomed_in)
        lx, ly = [], []
        for i, t in self._labels.items():
            spot = self._placed.get(i)
            t.setVisible(spot is not None)
            if spot is None:
                continue
            ox, oy, leader = spot
            w, h = sizes[i]
            x, y = anchors[i]
            lon, lat = (x - dx) / sx, (y - dy) / sy
            t.setPos(lon, lat)
            t.setAnchor((-ox / w, -oy / h))  # keeps the pixel offset while the view zooms
            if leader:
                cx = min(max(x, x + ox), x + ox + w)  # nearest point of the label box
                cy = min(max(y, y + oy), y + oy + h)
                lx += [lon, (cx - dx) / sx, np.nan]
                ly += [lat, (cy - dy) / sy, np.nan]
        self._leaders.setData(np.array(lx, float), np.array(ly, float), connect="finite")

    # ------------------------------------------------------------------ interaction
    def _on_clicked(self, item, points, ev) -> None:
        if len(points):
            self.session.state.toggle_zone(self.store.zones[int(points[0].data())].id, self)

    def _kind_name(self, kind: str) -> str:
        names = {
            "province": self.tr("Province"), "prefecture-city": self.tr("Prefecture-level city"),
            "county": self.tr("County or district"), "township": self.tr("Township"),
            "development-zone": self.tr("Development zone"), "park": self.tr("Industrial park"),
            "company-site": self.tr("Company site"), "outside": self.tr("Outside Shanxi"),
        }
        return names.get(kind, kind)

    def zone_tooltip(self, zone_id: str) -> str:
        """The hover text of a zone's marker: names, kind, parent path, event counts."""
        return self._tooltip(data=self.store.zone_index[zone_id])

    def _tooltip(self, x=None, y=None, data=None) -> str:
        i = int(data)
        z, lang = self.store.zones[i], self.session.lang
        names = [z.name_zh, z.name_en] if lang.startswith("zh") else [z.name_en, z.name_zh]
        lines = [n for n in names if n]
        path = " › ".join(p.name(lang) for p in self.store.zone_path(i)[:-1])
        lines.append(self._kind_name(z.kind) + (f" · {path}" if path else ""))
        own, incl = int(self._own[i]), int(self._incl[i])
        lines.append(self.tr("%n event(s) here", "", own))
        if incl > own:
            lines.append(self.tr("%n event(s) including places within it", "", incl))
        if z.approximate:
            lines.append(self.tr("Location approximate"))
        if self._outside[i]:
            lines.append(self.tr("Beyond the map (%1): %2° E, %3° N").replace("%1", arrow_for(self._edge_angle.get(i, 0)))
                         .replace("%2", f"{z.lon:.2f}").replace("%3", f"{z.lat:.2f}"))
        active = z.id in self.session.filters.zones
        lines.append(self.tr("Click to remove from the filter") if active else self.tr("Click to filter by this place"))
        return "\n".join(lines)

    # ------------------------------------------------------------------ view
    def _frame(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.relayout_labels()

    def fit_province(self) -> None:
        """Show all of Shanxi."""
        x0, y0, x1, y1 = self.basemap.shanxi_bounds()
        self._frame(x0 - 0.15, y0 - 0.15, x1 + 0.15, y1 + 0.15)

    def zoom_to_yangquan(self) -> None:
        """Frame Yangquan's zones (at least 0.5° x 0.4°), where they lie closest together."""
        (x, y), (w, h) = YANGQUAN, YANGQUAN_SPAN
        city = self.store.zone_index.get("yangquan")
        if city is not None:
            pts = self._pos[self.store.zone_descendants(city)]
            (ax, ay), (bx, by) = pts.min(axis=0), pts.max(axis=0)
            x, y, w, h = (ax + bx) / 2, (ay + by) / 2, max(w, bx - ax + 0.08), max(h, by - ay + 0.08)
        self._frame(x - w / 2, y - h / 2, x + w / 2, y + h / 2)

    def reset_view(self) -> None:
        """Show the whole basemap, neighbours included."""
        self._frame(*self.basemap.extent)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and self._zoom_key(event):
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if not self._zoom_key(event):
            super().keyPressEvent(event)

    def _zoom_key(self, event) -> bool:
        if event.text() in ("+", "="):
            self.zoom_by(1 / ZOOM_STEP)
        elif event.text() in ("-", "_"):
            self.zoom_by(ZOOM_STEP)
        else:
            return False
        return True

    def zoom_by(self, factor: float) -> None:
        """Zoom around the view centre (factor < 1 zooms in)."""
        self._vb.scaleBy((factor, factor))

    # ------------------------------------------------------------------ for tests
    def marker_zone_ids(self) -> list[str]:
        """Ids of the zones drawn as markers (places beyond the map included)."""
        ids = [self.store.zones[i].id for i in self._sizes]
        return ids + [self.store.zones[int(p["data"])].id for p in self._edge.data]

    def marker_sizes(self) -> dict[str, float]:
        """Marker diameter in pixels per zone id (zones with no marker are absent)."""
        return {self.store.zones[i].id: s for i, s in self._sizes.items()}

    def label_texts(self) -> dict[str, str]:
        """The labels currently shown, by zone id."""
        return {self.store.zones[i].id: self._labels[i].textItem.toPlainText() for i in self._placed}

    def highlighted_zone_id(self) -> str | None:
        """The zone of the active event, when it is highlighted on the map."""
        pts = self._halo.data
        return self.store.zones[int(pts[0]["data"])].id if len(pts) else None

    def edge_marker(self, zone_id: str) -> tuple[float, float, str] | None:
        """Where a place beyond the map is pinned (lon, lat) and the arrow pointing at it."""
        i = self.store.zone_index[zone_id]
        for p in self._edge.data:
            if int(p["data"]) == i:
                return float(p["x"]), float(p["y"]), arrow_for(self._edge_angle[i])
        return None

    def _screen_pos(self, zone_id: str) -> QPointF:
        i = self.store.zone_index[zone_id]
        lon, lat = self._display_pos(i)
        return self._vb.mapViewToScene(QPointF(lon, lat))
