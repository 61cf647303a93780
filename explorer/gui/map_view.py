"""The zone map pane: Shanxi's basemap with one marker per zone, sized by its events.

The pane only draws and forwards intent: a click toggles the zone in the shared filter
state; it reacts to ``session.filtered``, ``selection.changed`` and
``language_changed``.  Marker sizes ignore the zone filter itself
(``session.mask_without("zones")``) so that picking a zone does not shrink the others.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainterPath, QTextOption, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QLabel, QToolBar, QToolTip, QVBoxLayout, QWidget

from explorer.core.basemap import (
    BasemapError,
    arrow_for,
    bare_basemap,
    default_path,
    join_with_nan,
    load_basemap,
    pin_to_box,
)
from explorer.gui import palette
from explorer.gui.first_paint import after_first_paint
from explorer.gui.focus_ring import FocusRing
from explorer.gui.map_labels import MapLabel, MapLabelLayer, two_lines
from explorer.gui.map_markers import MarkerLayer
from explorer.gui.pane_keys import pane_shortcut
from explorer.gui.static_texts import LINE_BREAK, WORD_JOINER

YANGQUAN = (113.58, 37.86)  # city centre, used when the data has no Yangquan zones
YANGQUAN_SPAN = (0.5, 0.4)  # the smallest frame of the preset, enough to separate the zones
FRAME_CLEAR_PX = 28  # px a framed place keeps from the map's edges (and above the key)
SCALE_KM = (1, 2, 5, 10, 20, 50, 100, 200)
KM_PER_DEG_LAT = 111.2
ZOOM_STEP = 1.5  # per + / - key press
PAN_STEP = 0.25  # of the view, per Shift+arrow key press
LABEL_RATE = 20  # label re-layouts per second at most while zooming or panning
EDGE_INSET_PX = 16  # how far from the view edge places outside the map are pinned
SCALE_OFFSET = (-16, -14)  # the scale bar's place, from the map's bottom right corner (px)
KEY_MARGIN = 8  # px between the key and the map's left and bottom edges (6 at the bottom) or the scale bar
TEXT_PAD = (4, 4, -4, -4)  # a text item's margin around its glyphs (px; QTextDocument's default)
TEXT_TOUCH_PX = 4  # two texts' boxes overlapping by up to this height only touch (line spacing)
SCALE_ROOM = 22  # px the scale bar is raised by, above the key, when both do not fit on one line
LEADER_ZOOM_DEG = 1.5  # labels may sit away from their marker (with a leader) below this view width
FEW_PLACES = 3  # when the filters leave events in at most this many places, each is named as a city is
WRAP_PX = 190  # a label wider than this (px) is set on two lines, broken at a space (long English names)

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
    must_name: bool = False  # placed first, and with a leader line if need be even when leaders are off


MARKER_EMPTY, MARKER_BASE, MARKER_GAIN, MARKER_MAX = 6.0, 7.0, 3.2, 42  # px; see marker_size()
SEAT_PX = (7.0, 10.0)  # a city seat's dot without a marker of its own: plain, chosen


def marker_size(count: int) -> float:
    """Marker diameter in whole pixels: area grows with the number of events.

    (Whole pixels: the marker images pyqtgraph draws once per size are then reused across
    filter changes instead of drawn again for every new count.)
    """
    if count <= 0:
        return MARKER_EMPTY
    return float(min(round(MARKER_BASE + MARKER_GAIN * math.sqrt(count)), MARKER_MAX))


# marker_size() of every count up to the first at the cap (the sizes of many counts at once:
# looked up, not worked out one by one in Python).
_SIZE_OF_COUNT = np.array([marker_size(n) for n in range(math.ceil(((MARKER_MAX - MARKER_BASE) / MARKER_GAIN) ** 2) + 1)])
# Every diameter marker_size() gives: the empty one, then the counts' sizes up to the cap.
MARKER_SIZES = tuple(sorted(set(_SIZE_OF_COUNT.tolist())))


def _arrow_path() -> QPainterPath:
    path = QPainterPath()  # pointing east, centred on the origin, unit size
    for i, (x, y) in enumerate([(0.5, 0), (-0.1, -0.38), (-0.1, -0.14), (-0.5, -0.14),
                                (-0.5, 0.14), (-0.1, 0.14), (-0.1, 0.38)]):
        path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
    path.closeSubpath()
    return path


_DIRECTIONS = ((1, 0), (-1, 0), (1, -1), (1, 1), (-1, -1), (-1, 1), (0, -1), (0, 1))  # right first
_DIR_X = np.array([d[0] for d in _DIRECTIONS], float)
_DIR_Y = np.array([d[1] for d in _DIRECTIONS], float)
_DIR_NORM = np.array([math.hypot(*d) for d in _DIRECTIONS])
LABEL_GAP_PX = 2  # between a label beside its marker and the marker's edge
_LEADER_RINGS = (22, 44, 70)  # px beyond the marker's edge, for a label away from it with a leader line
_RINGS = np.array((LABEL_GAP_PX, *_LEADER_RINGS), float)
# For the active event's place, when no spot on those rings is free: farther out, the label
# and its leader free to lie over other markers (the place ringed is named, tied to it by its
# leader: a name matters more there than a clear view of the markers beneath).
_ACTIVE_RINGS = np.array((LABEL_GAP_PX, *_LEADER_RINGS, 100, 135, 175), float)
_SHIFT_X, _SHIFT_Y = (1 - _DIR_X) / 2, (1 - _DIR_Y) / 2  # of a box's size, its corner from its spot
MARKER_CLEAR_PX = 4  # px a label keeps from the edge of other places' markers
# Spots beside a marker that share their left and right edges (the same horizontal
# direction) or their top and bottom: per spot, the first spot of its column and of its row.
_SPOT_COL = [list(zip(_DIR_X, _DIR_NORM, strict=True)).index(key) for key in zip(_DIR_X, _DIR_NORM, strict=True)]
_SPOT_ROW = [list(zip(_DIR_Y, _DIR_NORM, strict=True)).index(key) for key in zip(_DIR_Y, _DIR_NORM, strict=True)]
LEADER_CLEAR_PX = 1  # px a leader line keeps from other places' markers (but those touching its own)


def _crosses(a: tuple, b: tuple) -> bool:
    """Whether segments ``a`` and ``b`` (``(x0, y0, x1, y1)``) cross or touch."""
    def side(p: tuple, q: tuple, r: tuple) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p0, p1, q0, q1 = a[:2], a[2:], b[:2], b[2:]
    return side(q0, q1, p0) * side(q0, q1, p1) <= 0 and side(p0, p1, q0) * side(p0, p1, q1) <= 0


def _meets(s: tuple, r: list[float]) -> bool:
    """Whether segment ``s`` (``(x0, y0, x1, y1)``) meets box ``r`` (``[x0, y0, x1, y1]``)."""
    x0, y0, x1, y1 = s
    t0, t1 = 0.0, 1.0  # Liang-Barsky clipping
    for p, q in ((x0 - x1, x0 - r[0]), (x1 - x0, r[2] - x0), (y0 - y1, y0 - r[1]), (y1 - y0, r[3] - y0)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
    return t0 <= t1


def _leader(x: float, y: float, box) -> tuple[float, float, float, float]:
    """The leader line from a marker's centre ``(x, y)`` to the nearest point of its
    label's box ``(x0, y0, x1, y1)``."""
    return x, y, min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])


def _as_fixed(placed: dict[int, tuple[float, float, bool]], anchors: dict, sizes: dict) -> tuple:
    """Labels ``place_labels`` placed, as its ``fixed``: ``(box, leader)`` each (the box from
    its marker's ``anchors`` and its ``sizes``; ``leader`` the segment to it, or None)."""
    out = []
    for i, (ox, oy, leader) in placed.items():
        (x, y), (w, h) = anchors[i], sizes[i]
        box = (x + ox, y + oy, x + ox + w, y + oy + h)
        out.append((box, _leader(x, y, box) if leader else None))
    return tuple(out)


def key_text(text: str) -> str:
    """The map key as drawn: where it wraps in a narrow map, lines break only at its spaces,
    so a symbol keeps its word and no word (企业 as "company") is broken."""
    text = re.sub(r"(?<=\S)(?=\S)", WORD_JOINER, text)
    return re.sub(r"(?<=[●■◆]) ", "\u00a0", text)


def place_labels(labels: list[_Label], sizes: dict[int, tuple[float, float]], markers: list[tuple],
                 obstacles: list[tuple], bounds: tuple, leaders: bool,
                 fixed: tuple = (), rings: np.ndarray = _RINGS,
                 over_markers: bool = False) -> dict[int, tuple[float, float, bool]]:
    """Greedy label placement in screen space, so that no label reads as another place's.

    Labels are placed in ``priority`` order, those to name if at all possible
    (``must_name``: cities, chosen places) first: each at the first of eight spots beside
    its marker (right first) that is free; then, for those left, farther out with a leader
    line (for the others only when ``leaders`` is on).  Of those to name, the ones of
    priority 0 (found by a search, chosen) are placed, beside or with a leader, before the
    rest.  A spot is free when it stays in ``bounds`` and overlaps no obstacle (``(x0, y0,
    x1, y1)``: fixed text) and no label placed already, and when it cannot be read as
    another place's label: of every other place's marker (``markers``: ``(zone, x, y, radius)``, every marker drawn), the box
    keeps ``MARKER_CLEAR_PX`` from the edge and, beside its own marker, lies nearer its own
    centre than that marker's; a leader passes no other marker (but those touching its
    own, among which it starts), crosses no other leader and meets no label with a leader;
    no label covers a leader.  ``fixed``: labels placed already and kept where they are, as
    ``(box, leader)`` (``leader`` the segment from its marker's centre to the box, or None).
    Markers lying within the label's own (to ``LABEL_GAP_PX``) read as part of it and do
    not count.  ``rings``: how far from its marker's edge a label's spots lie (the first
    beside it, the others with a leader); ``over_markers``: a label with a leader (tied to
    its marker by it) and its leader may lie over other markers, the label moved inside the
    bounds where its spot would leave them.  Returns ``zone -> (dx, dy, leader)``: the
    label's top-left corner relative to its marker.

    The spots of many labels are tested against the bounds, the obstacles and the markers
    at once (numpy); only those that pass are then checked, in order, against the labels
    and leaders placed so far.
    """
    if not labels:
        return {}
    order = sorted(labels, key=lambda la: (not la.must_name, la.priority))
    n = len(order)
    lx, ly, lr, lw, lh, zone = np.array([(la.x, la.y, la.radius, *sizes[la.zone], la.zone) for la in order]).T
    # Every spot of every label, beside its marker then on the leader rings: (side, label, spot).
    x, y, w, h = lx[:, None, None], ly[:, None, None], lw[:, None, None], lh[:, None, None]
    dist = (lr[:, None] + rings)[:, :, None]
    # The same arithmetic as one spot at a time (``(1 - d) / 2`` is 0, 1/2 or 1): identical floats.
    left = x + dist * _DIR_X / _DIR_NORM - w * _SHIFT_X  # (label, ring, direction)
    top = y + dist * _DIR_Y / _DIR_NORM - h * _SHIFT_Y
    if over_markers:  # a label with a leader moved inside the bounds, where it may (tied by its leader)
        left[:, 1:] = np.clip(left[:, 1:], bounds[0], np.maximum(bounds[2] - w, bounds[0]))
        top[:, 1:] = np.clip(top[:, 1:], bounds[1], np.maximum(bounds[3] - h, bounds[1]))
    box = np.stack((left, top, left + w, top + h)).reshape(4, n, -1)  # spots in try order
    lo, hi = np.array(bounds[:2], float)[:, None], np.array(bounds[2:], float)[:, None]
    o = np.array(obstacles, float).reshape(-1, 4).T[:, :, None]  # (side, obstacle, 1)
    # The markers that may come near a spot or a leader (within the bounds, or from a marker),
    # as (marker, 1) columns.
    m = np.array(markers, float).reshape(-1, 4)
    span = max(m[:, 3].max(initial=0) + MARKER_CLEAR_PX, lr.max() + LABEL_GAP_PX)
    x0, y0 = min(bounds[0], lx.min()) - span, min(bounds[1], ly.min()) - span
    x1, y1 = max(bounds[2], lx.max()) + span, max(bounds[3], ly.max()) + span
    m = m[(m[:, 1] > x0) & (m[:, 1] < x1) & (m[:, 2] > y0) & (m[:, 2] < y1)]
    mz, mx, my, mr = m.T[:, :, None]
    # Per marker and label, how near the marker's centre may not come to the label's box in
    # either axis (a square, so the true distance is at least as large): clear of the
    # marker's edge, and beside the label's own marker, not as near as its own centre
    # (``dist`` from the box; ``<=`` as ``<``).  No limit for a marker that does not count:
    # the label's own, or one lying within it (to the gap), which reads as part of it.
    rx, ry = mx - lx, my - ly  # the marker's centre from the label's
    c = rx * rx
    c += ry * ry
    np.sqrt(c, out=c)
    apart = (mz != zone) & (c + mr > lr + LABEL_GAP_PX)
    reach = mr + MARKER_CLEAR_PX
    beside = np.where(apart, np.maximum(reach, np.nextafter(dist[:, 0, 0], np.inf)), -np.inf)  # no leader

    def too_near(centre: np.ndarray, lo: np.ndarray, hi: np.ndarray, lim: np.ndarray) -> np.ndarray:
        """(marker, box): the marker's ``centre`` nearer than ``lim`` to the boxes' span
        ``lo``-``hi`` along one axis (from the span's middle, as above)."""
        half = (hi - lo) / 2
        gap = np.subtract(centre, lo + half)
        np.abs(gap, out=gap)
        gap -= half
        return gap < lim

    def near_markers(k: np.ndarray, lab: np.ndarray) -> np.ndarray:
        """(label, spot) for the labels ``k`` and their spots ``lab`` beside their
        markers: some marker's centre too near the box (``beside``).  Worked out in either
        axis once per column or row of spots (their edges are the same floats)."""
        lim = beside[:, k]
        across = {j: too_near(mx, lab[0][:, j], lab[2][:, j], lim) for j in set(_SPOT_COL)}
        down = {j: too_near(my, lab[1][:, j], lab[3][:, j], lim) for j in set(_SPOT_ROW)}
        hit = np.empty(lab.shape[1:], bool)
        for j in range(lab.shape[2]):
            hit[:, j] = (across[_SPOT_COL[j]] & down[_SPOT_ROW[j]]).any(axis=0)
        return hit

    def near_leaders(k: np.ndarray, b: np.ndarray, per: int) -> np.ndarray:
        """Per spot ``b`` (``per`` for each label of ``k``) away from its marker: some
        marker's centre too near the box, or its leader (from its marker's centre to the
        box) passing too near a marker not touching its own (it starts among those).
        Few labels need one: all their spots at once, (marker, label, spot)."""
        apart_k = apart[:, k, None]
        m3 = mr[:, :, None]
        lim = np.where(apart_k, m3 + MARKER_CLEAR_PX, -np.inf)  # (``reach``)
        # How near (squared) a leader may not pass a marker.
        aloof = np.where(apart_k & (c[:, k, None] >= lr[k, None] + m3), (m3 + LEADER_CLEAR_PX) ** 2, -np.inf)
        b = b.reshape(4, len(k), per)
        hit = too_near(mx[:, :, None], b[0], b[2], lim) & too_near(my[:, :, None], b[1], b[3], lim)
        ox, oy = lx[k, None], ly[k, None]
        vx = np.minimum(np.maximum(ox, b[0]), b[2]) - ox  # the box's point nearest the marker
        vy = np.minimum(np.maximum(oy, b[1]), b[3]) - oy
        px, py = rx[:, k, None], ry[:, k, None]
        t = px * vx + py * vy
        t /= np.maximum(vx * vx + vy * vy, 1e-9)
        np.clip(t, 0.0, 1.0, out=t)
        g = t * vx - px
        g *= g
        t *= vy
        t -= py
        t *= t
        g += t
        hit |= g < aloof
        return hit.any(axis=0).ravel()

    def free_spots(rows: list[int], leader: bool) -> list[list[list[float]]]:
        """Per label of ``rows``: its spots beside its marker, or away from it with a
        leader, that pass the bounds, the obstacles and the markers, as boxes in try order."""
        k = np.array(rows)
        lab = box[:, k, 8:] if leader else box[:, k, :8]  # (side, label, spot)
        per = lab.shape[2]  # spots per label
        b = lab.reshape(4, -1)  # (side, spot)
        good = ((b[:2] >= lo) & (b[2:] <= hi)).all(axis=0)
        if o.size:  # overlapping an obstacle: (obstacle, spot), reduced over the first axis (fast)
            over = np.minimum(b[2:, None], o[2:]) - np.maximum(b[:2, None], o[:2])
            good &= np.minimum(over[0], over[1]).max(axis=0) <= 0
        if len(mz) and not (leader and over_markers):
            good &= ~(near_leaders(k, b, per) if leader else near_markers(k, lab).ravel())
        if leader and over_markers:  # over other markers, but never over its own (a spot moved inside the bounds)
            own = (lr[k] + LABEL_GAP_PX).repeat(per)
            good &= ~(too_near(lx[k].repeat(per), b[0], b[2], own) & too_near(ly[k].repeat(per), b[1], b[3], own))
        rects = b.T[good].tolist()
        out: list[list[list[float]]] = [[] for _ in rows]
        for a, r in zip((np.flatnonzero(good) // per).tolist(), rects, strict=True):
            out[a].append(r)
        return out

    pad = 2 * LEADER_CLEAR_PX
    placed: list[list[float]] = [list(b) for b, _s in fixed]
    lines: list[tuple[float, float, float, float]] = [s for _b, s in fixed if s is not None]
    # The boxes of labels with a leader, and a margin.
    boxed: list[list[float]] = [[b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad] for b, s in fixed if s is not None]
    out: dict[int, tuple[float, float, bool]] = {}

    def place(rows: list[int], tries: list[list[list[float]]], leader: bool, tidy: bool = False) -> None:
        for i, boxes in zip(rows, tries, strict=True):
            la = order[i]
            for r in boxes:
                x0, y0, x1, y1 = r
                for b in placed:
                    if x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1:
                        break
                else:
                    if lines and any(_meets(s, r) for s in lines):
                        continue
                    if leader:
                        s = _leader(la.x, la.y, r)
                        if any(_crosses(s, t) for t in lines) or any(_meets(s, b) for b in (placed if tidy else boxed)):
                            continue
                        lines.append(s)
                        boxed.append([x0 - pad, y0 - pad, x1 + pad, y1 + pad])
                    placed.append(r)
                    out[la.zone] = (x0 - la.x, y0 - la.y, leader)
                    break

    spots = free_spots(list(range(n)), False)
    # What was searched for or chosen (named first, priority 0) takes a spot with a leader
    # before the cities take theirs beside their markers: among the cities' names, a place
    # found had no room left.
    first = sum(la.must_name and la.priority[0] == 0 for la in order)
    keen = sum(la.must_name for la in order)
    for part, far in ((range(first), True), (range(first, keen), True), (range(keen, n), leaders)):
        rows = list(part)
        place(rows, [spots[i] for i in rows], False)
        left_out = [i for i in rows if order[i].zone not in out]
        if far and left_out:  # (leaders drawn only to name a city: across no label at all)
            place(left_out, free_spots(left_out, True), True, tidy=not leaders)
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
        The :class:`pyqtgraph.GraphicsView` holding the map (used by the image exporter).
    basemap_problem
        Why the basemap file could not be read (``None`` when it was): the map then draws
        its places without it, under a note saying so, and the rest of the window works.
    """

    def __init__(self, session, parent=None):
        super().__init__(parent)
        approx = pg.mkPen(MARKER_EDGE, width=1.2)
        approx.setStyle(Qt.PenStyle.DashLine)
        halo_fill = QColor(palette.ACTIVE)
        halo_fill.setAlpha(150)
        # One pen and brush object per style: pyqtgraph caches marker images by their identity.
        self._styles = {
            "sel_pen": pg.mkPen(ORANGE, width=3), "sel_brush": pg.mkBrush(ORANGE_FILL),
            "faded_pen": pg.mkPen(FADED, width=1), "faded_brush": pg.mkBrush(255, 255, 255, 200),
            "pen": pg.mkPen(MARKER_EDGE, width=1.2), "approx_pen": approx, "brush": pg.mkBrush(MARKER_FILL),
            "seat_sel_pen": pg.mkPen(ORANGE, width=2.5), "seat_pen": pg.mkPen("#FFFFFF", width=1),
            "seat_brush": pg.mkBrush("#263238"), "label_fill": pg.mkBrush(255, 255, 255, 170),
            "edge_sel_pen": pg.mkPen(ORANGE, width=2.5), "edge_pen": pg.mkPen(MARKER_EDGE),
            "edge_faded_brush": pg.mkBrush(FADED),
            "halo_pen": pg.mkPen("#F9A825", width=2.5), "halo_brush": pg.mkBrush(halo_fill),
        }
        st = self._styles
        self._marker_pens = (st["pen"], st["approx_pen"], st["faded_pen"], st["sel_pen"])  # by _marker_styles()
        self._marker_brushes = (st["brush"], st["brush"], st["faded_brush"], st["sel_brush"])
        self.session = session
        self.store = session.store
        self.basemap_problem: str | None = None
        path = default_path()
        try:
            self.basemap = load_basemap(path)
        except BasemapError as exc:  # a damaged install: the places alone, said so
            self.basemap = bare_basemap(path)
            self.basemap_problem = str(exc)
            print(f"zone-timeline: warning: {exc}; the map shows its places without the basemap", file=sys.stderr)
        self._ratio = self.basemap.lon_lat_display_ratio
        zones = self.store.zones
        self._pos = np.array([[z.lon, z.lat] for z in zones], float).reshape(-1, 2)
        self._outside = np.array([not self.basemap.contains(z.lon, z.lat) for z in zones], bool)
        self._outside_zones = np.flatnonzero(self._outside).tolist()  # pinned to the edge
        self._is_city = np.array([z.kind == "prefecture-city" for z in zones], bool)
        self._approx = np.array([bool(z.approximate) for z in zones], bool)
        # Drawn as markers: every place inside the map but the province (cities only with events).
        self._markable = np.array([z.kind != "province" for z in zones], bool) & ~self._outside
        self._symbols = [KIND_SYMBOLS.get(z.kind, "o") for z in zones]
        self._own = np.zeros(len(zones), int)
        self._incl = np.zeros(len(zones), int)
        self._sizes: dict[int, float] = {}  # zone -> marker diameter (px), zones drawn as markers
        self._edge_angle: dict[int, float] = {}
        self._edge_points: list[tuple[int, float, float, float]] = []  # (zone, lon, lat, size) beyond the map
        self._arrows: dict[int, QPainterPath] = {}  # edge arrow symbol by whole degrees (at most 360)
        self._label_want: dict[int, tuple] = {}  # zone -> (size, bold, colour, text) it should show
        self._label_size: dict[int, tuple[float, float]] = {}  # zone -> its box (px) when styled as wanted
        self._label_inputs: tuple | None = None  # what the label styles were last derived from
        self._placed: dict[int, tuple[float, float, bool]] = {}
        self._label_at: dict[int, tuple[float, float, float, float]] = {}  # zone -> (lon, lat, ax, ay) placed
        self._neighbour_sizes: list[tuple[float, float]] = []
        # What each part was last drawn from: a part is redrawn only when its inputs changed.
        self._drawn: dict[str, object] = {}
        self._sel = np.zeros(len(zones), bool)  # per zone: in the zone filter (set by _update_markers)
        self._active = -1  # the active event's zone, named on the map if at all possible (-1: none)
        self._base: tuple | None = None  # the placement without the active event's place, and its inputs
        self._named: int | None = None  # the active place the labels were last placed for (None: none yet)

        self._extent_layers: tuple = ()  # drawing wherever the view may show (see _fit_limits)
        self._build_ui()
        self._draw_basemap()
        self._build_zone_items()
        self._range_proxy = pg.SignalProxy(self._vb.sigRangeChanged, rateLimit=LABEL_RATE,
                                           slot=lambda _args: self.relayout_labels())
        self._range_proxy.setParent(self)  # dies with the pane, so no late call reaches a deleted view
        # After a resize, once the scale bar (anchored on the same signal, connected first) has
        # moved: it is an obstacle.  Cheap (~1 ms); an image export grabs right away.
        self._vb.geometryChanged.connect(self.relayout_labels)
        links = [(session.filtered, self._on_filtered), (session.selection.changed, self._on_selection),
                 (session.language_changed, self._on_language)]
        for signal, slot in links:
            signal.connect(slot)
        # The session outlives this pane: drop our slots when Qt deletes the widget.
        self.destroyed.connect(lambda *_: [sig.disconnect(slot) for sig, slot in links])
        self._set_neighbour_names()
        self._on_filtered(session, None)
        self._on_selection(session.selection, None)
        self.fit_province()

    # ------------------------------------------------------------------ building
    def _build_ui(self) -> None:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Short names, so that a small window's map keeps its zoom buttons out of the
        # toolbar's overflow menu; the tooltips say what each does.
        bar.addAction(self.tr("Shanxi"), self.fit_province).setToolTip(self.tr("Show all of Shanxi"))
        bar.addAction(self.tr("Yangquan"), self.zoom_to_yangquan).setToolTip(
            self.tr("Zoom in on Yangquan, where most zones lie close together"))
        bar.addAction(self.tr("Reset"), self.reset_view).setToolTip(self.tr("Show the whole map"))
        bar.addSeparator()
        for text, name, tip, factor in ((self.tr("+"), self.tr("Zoom in"), self.tr("Zoom in (+ key)"), 1 / ZOOM_STEP),
                                        (self.tr("−"), self.tr("Zoom out"), self.tr("Zoom out (− key)"), ZOOM_STEP)):
            act = bar.addAction(text, lambda f=factor: self.zoom_by(f))
            act.setToolTip(tip)
            bar.widgetForAction(act).setAccessibleName(name)  # not "+" and "−"

        # A bare view box: a PlotItem's axes, buttons and menus (all hidden on a map) cost
        # about 5 ms of start-up to build.
        self.plot_widget = pg.GraphicsView(background=palette.MAP_LAND)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_widget.setAccessibleName(self.tr("Zone map"))
        self.plot_widget.setAccessibleDescription(self.tr(
            "Each place's marker is sized by its events under the filters; click one to filter by it. "
            "+ and − zoom, Shift and the arrow keys move the map, Home shows all of Shanxi."))
        self.plot_widget.installEventFilter(self)  # before pyqtgraph's view takes +/- for its zoom history
        after_first_paint(self.plot_widget.viewport(), self._draw_ahead, self)
        self._vb = pg.ViewBox(enableMenu=False)
        self.plot_widget.setCentralItem(self._vb)
        self._vb.setAspectLocked(True, ratio=self._ratio)
        self._vb.setDefaultPadding(0)
        x0, y0, x1, y1 = self.basemap.extent
        self._base_limits = QRectF(x0 - 3, y0 - 2, x1 - x0 + 6, y1 - y0 + 4)  # the basemap and a margin
        self._limits = QRectF()
        self._fit_limits()

        self._scale = pg.ScaleBar(0.1, width=4, brush="#546E7A", pen=pg.mkPen(None), offset=SCALE_OFFSET)
        self._scale.setParentItem(self._vb)
        self._scale_raised = 0  # px the scale bar is moved up by (see _place_key)
        self._scale.text.setColor("#455A64")
        # A key in the map itself, so exported images carry it too.
        self._key = pg.TextItem(key_text(self.tr("● zone  ■ park  ◆ company · size: number of events")), color="#546E7A",
                                anchor=(0, 1), fill=pg.mkBrush(244, 241, 234, 245))  # the land, borders hidden: 4.8:1
        option = self._key.textItem.document().defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self._key.textItem.document().setDefaultTextOption(option)
        self._key.setParentItem(self._vb)
        self._key_room = 0.0  # the width the key was last fitted to (see _fit_key)
        # What the view was last set to show, shown again at every resize until the user
        # moves the view (mouse, keys): ``("framed", box)`` from _frame_clear, or
        # ``("range", box)`` restored as it was.  A pane not laid out yet, whose size changes
        # in steps (its aspect ratio locked), so shows it at its final size.
        self._framed: tuple[str, tuple] | None = None
        self._key_taller = 0.0  # px the key's wrapped lines add to its one line
        self._vb.sigResized.connect(lambda _vb: self._fit_limits())
        self._vb.sigResized.connect(lambda _vb: self._place_key())
        self._vb.sigResized.connect(lambda _vb: self._keep_frame())
        self._vb.sigRangeChangedManually.connect(self._unframe)  # a drag or the wheel

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(bar)
        if self.basemap_problem is not None:
            self.basemap_note = QLabel(self.tr("The basemap could not be read, so the map shows the places "
                                               "without it: %1").replace("%1", self.basemap_problem))
            self.basemap_note.setWordWrap(True)
            self.basemap_note.setTextFormat(Qt.TextFormat.PlainText)
            self.basemap_note.setStyleSheet("QLabel { background: #FFF3E0; color: #BF360C; padding: 4px 6px; }")
            lay.addWidget(self.basemap_note)
        lay.addWidget(self.plot_widget, 1)
        self._focus_ring = FocusRing(self.plot_widget)  # where +, −, Home and Shift+arrows go
        # Shift, as on the timeline: the plain ← and → step through the events, window-wide.
        for key, east, north in (("Shift+Left", -1, 0), ("Shift+Right", 1, 0), ("Shift+Up", 0, 1),
                                 ("Shift+Down", 0, -1)):
            pane_shortcut(self, [key], lambda _checked=False, e=east, n=north: self.pan_by(e * PAN_STEP, n * PAN_STEP))
        pane_shortcut(self, ["Home"], self.fit_province)

    def _fit_limits(self) -> None:
        """How far the view may zoom out and pan: the basemap and a margin, made wider (or
        taller) to the pane's shape.  Fixed limits of the basemap's shape would cap a wide
        pane's width, and the locked aspect would then cut the height: "whole province" in
        a wide, low pane showed only a band of it."""
        base = self._base_limits
        w, h = self._vb.width(), self._vb.height()
        lim = QRectF(base)
        if w > 0 and h > 0:
            shape = (w / h) / self._ratio  # longitude per latitude in view, as the locked aspect shows it
            if base.width() < base.height() * shape:
                lim.setWidth(base.height() * shape)
            else:
                lim.setHeight(base.width() / shape)
            lim.moveCenter(base.center())
        if lim == self._limits:
            return
        self._limits = lim
        self._vb.setLimits(xMin=lim.left(), xMax=lim.right(), yMin=lim.top(), yMax=lim.bottom(),
                           minXRange=0.02, maxXRange=lim.width(), minYRange=0.02, maxYRange=lim.height())
        for layer in self._extent_layers:
            layer.set_extent(lim)  # the layers draw wherever the view may show

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
        self._neighbours = []
        if self.basemap_problem is not None:
            return  # nothing to draw
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
        for curve in (lines, outline):
            # Antialiased boundary lines are the map's costliest drawing, and they change only
            # when the view zooms: keep them as pixmaps, so a filter change only blits them
            # (a pan reuses the pixmap too; a zoom redraws it).
            curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
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
        st = self._styles
        self._halo = pg.ScatterPlotItem(pxMode=True, antialias=True)
        self._halo.setZValue(10)
        self._markers = MarkerLayer(list(zip(self._marker_pens, self._marker_brushes, strict=True)),
                                    hover_pen=pg.mkPen("#000000", width=2), tip=self._tooltip)
        self._markers.setZValue(20)
        self._seats = MarkerLayer([(st["seat_pen"], st["seat_brush"]), (st["seat_sel_pen"], st["seat_brush"])],
                                  tip=self._tooltip)
        self._seats.setZValue(25)
        self._edge = MarkerLayer([(st["edge_pen"], st["brush"]), (st["edge_pen"], st["edge_faded_brush"]),
                                  (st["edge_sel_pen"], st["sel_brush"])], tip=self._tooltip)
        for layer in (self._markers, self._seats, self._edge):
            layer.tip_group = [self._markers, self._seats, self._edge]
        self._edge.setZValue(26)  # above the seats
        self._leaders = pg.PlotCurveItem(connect="finite", pen=pg.mkPen("#78909C", width=0.8), antialias=True)
        self._leaders.setZValue(28)
        self._label_layer = MapLabelLayer(self._styles["label_fill"])
        self._label_layer.setZValue(30)
        self._extent_layers = (self._markers, self._seats, self._edge, self._label_layer)
        for layer in self._extent_layers:
            layer.set_extent(self._limits)
        for item in (self._halo, self._markers, self._seats, self._edge, self._leaders, self._label_layer):
            self._vb.addItem(item, ignoreBounds=True)
        for layer in (self._markers, self._seats, self._edge):
            layer.sigClicked.connect(lambda _layer, payload, _ev: self._toggle_zone(int(payload[0])))
        self._cities = [z.index for z in self.store.zones if z.kind == "prefecture-city" and not self._outside[z.index]]
        self._arrow = _arrow_path()

    # ------------------------------------------------------------------ session
    def _on_filtered(self, session, initiator) -> None:
        self._own, self._incl = session.zone_counts()  # recounted only when a filter but zones changed
        self._active = self._active_zone()  # named and ringed as the markers are drawn
        self._update_markers()

    def _active_zone(self) -> int:
        """The active event's place, or -1: none, or one the filters hide (the other panes
        do not show it either)."""
        row = self.session.selection.active
        return -1 if row is None or not self.session.mask[row] else int(self.store.zone[row])

    def _on_selection(self, selection, initiator) -> None:
        active = self._active_zone()
        if active != self._active:
            self._active = active
            if self._base is not None and self.isVisible():
                self._name_active()
                self._draw_labels()
        self._update_halo()

    def _on_language(self, session) -> None:
        self._set_neighbour_names()
        self._update_markers()

    def _set_neighbour_names(self) -> None:
        """Name the neighbouring provinces in the session's language, and measure the names."""
        self._neighbour_sizes = []
        for lab, t in self._neighbours:
            t.setText(lab.name(self.session.lang))
            br = t.textItem.boundingRect()
            self._neighbour_sizes.append((br.width(), br.height()))

    def _changed(self, part: str, key: object) -> bool:
        """Whether ``part`` must be redrawn for ``key`` (remembered for the next call)."""
        if self._drawn.get(part, self) == key:  # self: never equal to a key
            return False
        self._drawn[part] = key
        return True

    def _marker_styles(self) -> np.ndarray:
        """Per zone: 3 selected, 2 no events (faded), 1 approximate location (dashed), 0 plain."""
        return np.where(self._sel, 3, np.where(self._own == 0, 2, np.where(self._approx, 1, 0)))

    def _update_markers(self) -> None:
        index = self.store.zone_index
        self._sel = np.zeros(len(self._own), bool)
        self._sel[[index[z] for z in self.session.filters.zones if z in index]] = True
        shown = np.flatnonzero(self._markable & (~self._is_city | (self._own > 0)))
        counts = self._own[shown]
        cap = len(_SIZE_OF_COUNT) - 1  # the count marker_size() reaches its largest marker at
        top = int(counts.max(initial=0))
        if top > cap:  # a large database: the counts scaled to the cap, so sizes still tell places apart
            counts = np.minimum(np.ceil(counts * (cap / top)), cap).astype(np.int64)  # (a place with events keeps >= 1)
        sizes = _SIZE_OF_COUNT[counts].tolist()  # marker_size()
        self._sizes = dict(zip(shown.tolist(), sizes, strict=True))
        styles = self._marker_styles()[shown]
        if self._changed("markers", (shown.tobytes(), tuple(sizes), styles.tobytes())):
            size = np.array(sizes, float)
            # Faded places (no events, not chosen) under the others (a faded dot drawn over
            # a place the filters show hid part of it), then the larger first: small on top.
            rank = np.lexsort((-size, styles != 2))
            order = shown[rank]
            self._markers.set_markers(self._pos[order, 0], self._pos[order, 1], size[rank],
                                      [self._symbols[i] for i in order.tolist()], styles[rank], order)
        seats = self._sel[self._cities]
        if self._changed("seats", seats.tobytes()):
            pos = self._pos[self._cities].reshape(-1, 2)
            self._seats.set_markers(pos[:, 0], pos[:, 1], np.where(seats, SEAT_PX[1], SEAT_PX[0]), ["o"] * len(seats),
                                    seats.astype(np.int64), self._cities)
        self._sync_labels()
        self.relayout_labels()
        self._update_halo()
        self._refresh_hover()

    def _refresh_hover(self) -> None:
        """The mouse rests on the map while its markers change: outline what is under it
        now, and have a tooltip on show give the new counts, or go."""
        shown = self._vb.toolTip()
        # Topmost first, as pyqtgraph sends a mouse move's hover events: the last word is the same.
        for layer in sorted((self._edge, self._seats, self._markers), key=lambda item: -item.zValue()):
            layer.refresh_hover()
        now = self._vb.toolTip()
        if shown and now != shown and QToolTip.isVisible() and QToolTip.text() == shown:
            if now:
                QToolTip.showText(QCursor.pos(), now, self.plot_widget.viewport())
            else:
                QToolTip.hideText()

    def _sync_labels(self) -> None:
        """Work out the style and box of every label whose text, weight or colour changed."""
        zones, lang, sel = self.store.zones, self.session.lang, self._sel
        wanted = set(self._sizes) | set(self._cities) | set(self._outside_zones)
        has = self._own > 0
        counted = np.where(self._outside, self._own, 0)  # places beyond the map show their count
        previous = self._label_inputs
        self._label_inputs = (lang, sel, has, counted)
        if previous is None or previous[0] != lang:
            todo = wanted
        else:
            diff = set(np.flatnonzero((previous[1] != sel) | (previous[2] != has) | (previous[3] != counted)).tolist())
            for i in diff - wanted:
                self._label_want.pop(i, None)  # worked out again when wanted again
            todo = (diff & wanted) | (wanted - set(self._label_want))
        for i in todo:
            z = zones[i]
            size = 13 if z.kind == "prefecture-city" else 11
            chosen = bool(sel[i])
            bold = z.kind == "prefecture-city" or chosen
            colour = "#BF360C" if chosen else "#212121" if z.kind == "prefecture-city" else \
                "#263238" if self._own[i] > 0 else FADED
            text = self._label_text(i, lang)
            box = self._label_layer.box_size(text, size, bold)  # cached by the layer
            if box[0] > WRAP_PX and " " in text:
                text = two_lines(text)
                box = self._label_layer.box_size(text, size, bold)
            self._label_want[i] = (size, bold, colour, text)
            self._label_size[i] = box

    def _label_text(self, i: int, lang: str) -> str:
        name = self.store.zones[i].name(lang)
        if self._outside[i] and self._own[i]:
            return f"{name} ({self._own[i]})"  # the arrow-shaped marker shows the way
        return name

    def _update_halo(self) -> None:
        zi = None if self._active < 0 else self._active
        pos = None if zi is None else self._display_pos(zi)
        if pos is None:
            if self._changed("halo", None):
                self._halo.setData([])
            return
        size = self._halo_size(zi)
        if self._changed("halo", (zi, pos, size)):
            self._halo.setData(pos=[pos], size=[size], pen=self._styles["halo_pen"],
                               brush=self._styles["halo_brush"], data=[zi])

    def _halo_size(self, zi: int) -> float:
        """The diameter (px) of the ring marking the active event's place ``zi``."""
        return self._sizes.get(zi, 8 if zi in self._cities else 12) + 18

    def _display_pos(self, zi: int) -> tuple[float, float] | None:
        if self.store.zones[zi].kind == "province":
            return None
        if self._outside[zi]:
            hit = [(lon, lat) for i, lon, lat, _size in self._edge_points if i == zi]
            return hit[0] if hit else None
        return float(self._pos[zi, 0]), float(self._pos[zi, 1])

    # ------------------------------------------------------------------ labels
    def _scene_transform(self) -> QTransform:
        """Map coordinates to scene (screen) pixels, for the range set last."""
        self._vb.updateMatrix()  # the view applies a new range lazily, at the next paint
        return self._vb.childGroup.sceneTransform()

    def _to_screen(self) -> tuple[float, float, float, float]:
        t = self._scene_transform()
        return t.m11(), t.m22(), t.m31(), t.m32()

    def _update_edge_markers(self, view: tuple) -> None:
        """Pin places beyond the basemap to the edge of what is visible, pointing at them."""
        outside = self._outside_zones
        chosen = self._sel[outside].tolist()
        if not self._changed("edge", (view, tuple(chosen), self._own[outside].tobytes())):
            return
        if not outside:
            self._edge_points = []
            self._edge.set_markers([], [], [], [], [], [])
            return
        sx, sy, _, _, vx0, vx1, vy0, vy1 = view
        ix, iy = EDGE_INSET_PX / abs(sx or 1), EDGE_INSET_PX / abs(sy or 1)
        x0, y0, x1, y1 = self.basemap.extent
        box = (max(vx0, x0) + ix, max(vy0, y0) + iy, min(vx1, x1) - ix, min(vy1, y1) - iy)
        if box[0] >= box[2] or box[1] >= box[3]:
            box = (vx0 + ix, vy0 + iy, vx1 - ix, vy1 - iy)
        points, symbols, styles = [], [], []
        for i, sel in zip(outside, chosen, strict=True):
            lon, lat, angle = pin_to_box(float(self._pos[i, 0]), float(self._pos[i, 1]), box, self._ratio)
            self._edge_angle[i] = angle
            points.append((i, lon, lat, max(16.0, marker_size(int(self._own[i])))))
            # Drawn to the nearest degree: a pan moves the angles a little every frame, and
            # each new arrow would be a new image in the marker atlas.
            drawn = round(angle)
            if drawn not in self._arrows:
                self._arrows[drawn] = QTransform().rotate(-drawn).map(self._arrow)
            symbols.append(self._arrows[drawn])
            styles.append(2 if sel else 0 if self._own[i] else 1)  # as the edge layer's styles
        self._edge_points = points
        self._edge.set_markers([p[1] for p in points], [p[2] for p in points], [p[3] for p in points], symbols,
                               styles, outside)
        self._update_halo()  # the active event's place may be one of these pins, now moved

    def _update_scale(self, view: tuple) -> None:
        """Keep the scale bar near 100 px with a round number of kilometres."""
        sx, vy0, vy1 = abs(view[0]), view[6], view[7]
        km_per_deg = KM_PER_DEG_LAT * math.cos(math.radians((vy0 + vy1) / 2))
        km = min(SCALE_KM, key=lambda k: abs(math.log(k * sx / km_per_deg / 100)))
        text = self.tr("%1 km").replace("%1", str(km))
        if self._changed("scale", (km / km_per_deg, text)):
            self._scale.size = km / km_per_deg
            self._scale.text.setText(text)
            self._scale.updateBar()

    def _place_key(self) -> None:
        """The key at the bottom left, the scale bar at the bottom right; the scale bar
        raised above the key's line when the map is too narrow for the two side by side
        (its corner, south-east of the province, holds the least of the map)."""
        self._key.setPos(KEY_MARGIN, self._vb.height() - 6)
        self._fit_key()
        bar_w = self._scale.bar.rect().width()
        text_w = self._scale.text.textItem.boundingRect().width()  # centred over the bar
        scale_left = self._vb.width() + SCALE_OFFSET[0] - max(bar_w, (bar_w + text_w) / 2)
        key_right = KEY_MARGIN + self._key.textItem.boundingRect().width()
        dy = -(SCALE_ROOM + self._key_taller) if key_right + KEY_MARGIN > scale_left else 0
        if dy != self._scale_raised:
            self._scale_raised = dy
            self._scale.anchor(itemPos=(1, 1), parentPos=(1, 1), offset=(SCALE_OFFSET[0], SCALE_OFFSET[1] + dy))

    def _fit_key(self) -> None:
        """Wrap the key onto more lines when the map is narrower than it (a large font, a
        narrow pane), so none of it is cut off at the map's right edge."""
        room = max(self._vb.width() - 2 * KEY_MARGIN, 1.0)
        if room == self._key_room:
            return
        self._key_room = room
        item = self._key.textItem
        item.setTextWidth(-1)  # one line, as wide as the text
        line = item.boundingRect()
        self._key.setTextWidth(room if line.width() > room else -1)
        self._key_taller = item.boundingRect().height() - line.height()  # the lines it wrapped onto

    def relayout_labels(self) -> None:
        """Place the labels that fit without overlapping (called throttled on zoom and pan).

        The placement is recomputed only when something it depends on changed: the view,
        the markers, the labels' priorities or their texts.  A hidden map places nothing
        (before the window first shows, it has no size of its own yet): it does when shown."""
        if not self.isVisible():
            return
        sx, sy, dx, dy = self._to_screen()
        (vx0, vx1), (vy0, vy1) = self._vb.viewRange()
        view = (sx, sy, dx, dy, vx0, vx1, vy0, vy1)
        self._update_edge_markers(view)
        self._update_scale(view)
        self._place_key()  # the scale bar's width may have changed
        rect = self._vb.sceneBoundingRect()
        bounds = (rect.left() + 2, rect.top() + 2, rect.right() - 2, rect.bottom() - 2)

        obstacles = []
        overlays = [item.sceneBoundingRect() for item in (self._key, self._scale.bar, self._scale.text)]  # in the corners
        for r in overlays:
            obstacles.append((r.left(), r.top() - 2, r.right(), r.bottom()))
        # What a neighbour's name may not cross: the map's edge (a name cut off there reads
        # as another word), the bar, or the texts by more than a few pixels of their lines'
        # spacing (a name just touching the scale's text stays).
        inks = [(overlays[0].adjusted(*TEXT_PAD), TEXT_TOUCH_PX), (overlays[1], 0.0),
                (overlays[2].adjusted(*TEXT_PAD), TEXT_TOUCH_PX)]
        for (lab, t), (w, h) in zip(self._neighbours, self._neighbour_sizes, strict=True):  # centred
            x, y = lab.lon * sx + dx, lab.lat * sy + dy
            ink = QRectF(x - w / 2, y - h / 2, w, h).adjusted(*TEXT_PAD)  # the glyphs, without the text box's margin
            shown = rect.contains(ink) and not any(ink.intersected(r).height() > touch
                                                   for r, touch in inks if ink.intersects(r))
            t.setVisible(shown)
            if shown:  # a name left out leaves its place to the labels
                obstacles.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
        # Markers, city seats without a marker, then the places pinned to the edge: screen position, radius.
        idx = list(self._sizes) + [i for i in self._cities if i not in self._sizes]
        # A seat's room: at least 4 px, and the chosen seat's dot as drawn.
        radius = [size / 2 for size in self._sizes.values()] + [max(4.0, SEAT_PX[bool(self._sel[i])] / 2)
                                                                for i in idx[len(self._sizes):]]
        lonlat = self._pos[idx]
        if self._edge_points:
            idx += [p[0] for p in self._edge_points]
            radius += [p[3] / 2 for p in self._edge_points]
            lonlat = np.vstack([lonlat, [(p[1], p[2]) for p in self._edge_points]])
        xs, ys = (lonlat[:, 0] * sx + dx).tolist(), (lonlat[:, 1] * sy + dy).tolist()
        zoomed_in = vx1 - vx0 < LEADER_ZOOM_DEG
        # A search that leaves a place or two: name them, with a leader line if need be
        # (among the dots around Yangquan, a lone result had no room beside its marker).
        few = np.count_nonzero(self._own[list(self._sizes)]) <= FEW_PLACES
        labels, sizes, markers = [], {}, []
        anchors = {}
        chosen, is_city, outside, own, incl = (a.tolist() for a in (self._sel, self._is_city, self._outside,
                                                                   self._own, self._incl))
        for i, x, y, r in zip(idx, xs, ys, radius, strict=True):
            anchors[i] = (x, y)
            markers.append((i, x, y, r))
            if not (bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]):
                continue
            rank = 0 if chosen[i] else 1 if is_city[i] else 2 if outside[i] else 3
            if rank == 3 and own[i] == 0 and not zoomed_in:
                continue  # places with no events are named only when zoomed in
            if i not in self._label_size:
                continue  # not measured yet (no label style worked out before the first marker update)
            found = few and own[i] > 0  # what a narrow search found: named first, before the cities
            labels.append(_Label(i, x, y, r, (0 if found else rank, -own[i], -incl[i], i), rank < 2 or found))
            sizes[i] = self._label_size[i]
        key = (view, bounds, markers, obstacles, labels, sizes)
        if self._changed("layout", key):
            placed = place_labels(labels, sizes, markers, obstacles, bounds, leaders=zoomed_in)
            self._base = (placed, key, anchors, zoomed_in)
            self._named = None
        if self._named != self._active:
            self._name_active()
        self._draw_labels()

    def _name_active(self) -> None:
        """Name the active event's place, ringed on the map, if at all possible.

        Its label is placed alone, clear of its ring, among the labels placed without it,
        which stay where they are (selecting an event moves no other name), farther out over
        other markers if need be (``_ACTIVE_RINGS``); only when it finds no room there are all
        placed again, it first, or, failing that, it alone farther out and the others around it."""
        placed, (view, bounds, markers, obstacles, labels, sizes), anchors, zoomed_in = self._base
        a = self._named = self._active
        if a in anchors and a in self._label_size:
            x, y = anchors[a]
            if bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]:
                ring = self._halo_size(a) / 2
                markers = [(i, mx, my, ring if i == a else r) for i, mx, my, r in markers]
                sizes = {**sizes, a: self._label_size[a]}
                fixed = _as_fixed({i: v for i, v in placed.items() if i != a}, anchors, sizes)
                own = _Label(a, x, y, ring, (0,), True)
                one = place_labels([own], sizes, markers, obstacles, bounds, leaders=zoomed_in, fixed=fixed)
                if not one:  # farther out, its leader over other markers if need be
                    one = place_labels([own], sizes, markers, obstacles, bounds, leaders=zoomed_in, fixed=fixed,
                                       rings=_ACTIVE_RINGS, over_markers=True)
                if one:
                    placed = {i: v for i, v in placed.items() if i != a} | one
                else:  # no room among them: all placed again, it first
                    rest = [la for la in labels if la.zone != a]
                    placed = place_labels([own, *rest], sizes, markers, obstacles, bounds, leaders=zoomed_in)
                    if a not in placed:  # nor then: it alone, farther out, and the others around it
                        one = place_labels([own], sizes, markers, obstacles, bounds, leaders=zoomed_in,
                                           rings=_ACTIVE_RINGS, over_markers=True)
                        if one:
                            placed = one | place_labels(rest, sizes, markers, obstacles, bounds, leaders=zoomed_in,
                                                        fixed=_as_fixed(one, anchors, sizes))
        self._apply_layout(placed, sizes, anchors, view)

    def _apply_layout(self, placed: dict[int, tuple[float, float, bool]], sizes: dict, anchors: dict,
                      view: tuple) -> None:
        """Anchor the placed labels where ``place_labels`` put them, and draw their leaders."""
        sx, sy, dx, dy = view[:4]
        self._placed = placed
        self._label_at = {}
        lx, ly = [], []
        for i in sorted(placed):  # in a fixed order, so the leader lines are drawn the same way
            ox, oy, leader = placed[i]
            w, h = sizes[i]
            x, y = anchors[i]
            lon, lat = (x - dx) / sx, (y - dy) / sy
            self._label_at[i] = (lon, lat, -ox / w, -oy / h)  # the anchor keeps the pixel offset while zooming
            if leader:
                _x, _y, cx, cy = _leader(x, y, (x + ox, y + oy, x + ox + w, y + oy + h))
                lx += [lon, (cx - dx) / sx, np.nan]
                ly += [lat, (cy - dy) / sy, np.nan]
        if self._changed("leaders", (tuple(lx), tuple(ly))):
            self._leaders.setData(np.array(lx, float), np.array(ly, float), connect="finite")

    def _draw_labels(self) -> None:
        """Hand the placed labels, styled as now wanted, to the label layer (when they changed)."""
        labels = []
        for i, (lon, lat, ax, ay) in sorted(self._label_at.items()):
            size, bold, colour, text = self._label_want[i]
            w, h = self._label_size[i]
            labels.append(MapLabel(i, lon, lat, ax, ay, w, h, text, size, bold, colour))
        if self._changed("labels", tuple(labels)):
            self._label_layer.set_labels(labels)

    # ------------------------------------------------------------------ interaction
    def _toggle_zone(self, zi: int) -> None:
        """A click on a place's marker: add it to the zone filter, or take it out."""
        self.session.state.toggle_zone(self.store.zones[zi].id, self)

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

    def _tooltip(self, data) -> str:
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
    def _frame(self, x0: float, y0: float, x1: float, y1: float, relayout: bool = True) -> None:
        self._framed = ("range", (x0, y0, x1, y1))  # (_frame_clear makes it "framed")
        self._vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        if relayout:
            self.relayout_labels()

    def fit_province(self) -> None:
        """Show all of Shanxi, clear of the key and the scale bar (see :meth:`_frame_clear`):
        framed plainly, its south-west corner and the places there lay under the key."""
        self._frame_clear(*self.basemap.shanxi_bounds())

    def zoom_to_yangquan(self) -> None:
        """Frame Yangquan's zones (at least 0.5° x 0.4°), where they lie closest together,
        clear of the map's edges and of the key and scale bar below (see :meth:`_frame_clear`)."""
        (x, y), (w, h) = YANGQUAN, YANGQUAN_SPAN
        city = self.store.zone_index.get("yangquan")
        if city is not None:
            pts = self._pos[self.store.zone_descendants(city)]
            (ax, ay), (bx, by) = pts.min(axis=0), pts.max(axis=0)
            x, y, w, h = (ax + bx) / 2, (ay + by) / 2, max(w, bx - ax), max(h, by - ay)
        self._frame_clear(x - w / 2, y - h / 2, x + w / 2, y + h / 2)

    def _frame_clear(self, x0: float, y0: float, x1: float, y1: float, relayout: bool = True) -> None:
        """Show the box ``x0``-``x1`` by ``y0``-``y1`` (lon, lat) whole, as large as it fits
        inside the pane less ``FRAME_CLEAR_PX`` at every edge and the strip of the key and
        the scale bar at the bottom: markers at the box's edge stay clear of the edge (their
        labels need room) and are never drawn under the key or the scale bar.  The strip is
        the key's lines and the scale bar's room above them (``SCALE_ROOM``), whether it sits
        there or beside the key: where it goes depends on the range shown, which this sets.
        Before the pane has a size, the box itself is shown.  ``relayout``: place the labels
        for it now (not in a resize, which places them once the scale bar has moved)."""
        w, h = self._vb.width(), self._vb.height()
        key = self._vb.sceneBoundingRect().bottom() - self._key.sceneBoundingRect().top()
        bottom = FRAME_CLEAR_PX + max(0.0, key) + SCALE_ROOM
        inner_w, inner_h = w - 2 * FRAME_CLEAR_PX, h - FRAME_CLEAR_PX - bottom
        if inner_w < w / 2 or inner_h < h / 2:  # a small pane: the margins would leave too little
            inner_w, inner_h, bottom = w, h, 0.0
        if inner_w <= 0 or inner_h <= 0:
            self._frame(x0, y0, x1, y1, relayout)
            self._framed = ("framed", (x0, y0, x1, y1))  # framed again once it has a size
            return
        # Degrees per pixel; the locked aspect makes a latitude pixel ``ratio`` times a longitude one.
        lon_px = max((x1 - x0) / inner_w, (y1 - y0) / inner_h / self._ratio, 1e-9)
        lat_px = lon_px * self._ratio
        margin_x, margin_top = (w - inner_w) / 2, h - inner_h - bottom
        left = (x0 + x1) / 2 - (margin_x + inner_w / 2) * lon_px
        top = (y0 + y1) / 2 + (margin_top + inner_h / 2) * lat_px
        self._frame(left, top - h * lat_px, left + w * lon_px, top, relayout)
        self._framed = ("framed", (x0, y0, x1, y1))

    def _keep_frame(self) -> None:
        """A pane resized while it shows what it was set to: show that again for the new
        size (a frame's margins are in pixels)."""
        if self._framed is not None:
            self.restore_view(self._framed, relayout=False)  # the resize's geometryChanged places the labels

    def _unframe(self, *_args) -> None:
        """The user moved the view: a resize keeps the range, no longer a box."""
        self._framed = None

    def view_state(self) -> tuple:
        """What the map shows, for :meth:`restore_view` on a pane made anew (a language
        switch): the box a preset framed, or the range the user zoomed to."""
        if self._framed is not None:
            return self._framed
        (x0, x1), (y0, y1) = self._vb.viewRange()
        return "range", (x0, y0, x1, y1)

    def restore_view(self, state: tuple, relayout: bool = True) -> None:
        kind, box = state
        if kind == "framed":
            self._frame_clear(*box, relayout=relayout)
        else:
            self._frame(*box, relayout=relayout)

    def reset_view(self) -> None:
        """Show the whole basemap, neighbours included."""
        self._frame(*self.basemap.extent)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.relayout_labels()  # pins places beyond the map to its edge, and their highlight

    # ------------------------------------------------------------------ marker images ahead
    def reachable_marker_styles(self) -> list[tuple]:
        """Every (symbol, size, pen, brush) a zone marker can be drawn with.

        the marker layer draws a marker image (into pyqtgraph's atlas) the first time a style
        is asked for, then keeps it;
        marker sizes follow the counts, so the first filter changes on a large database
        each met a dozen new sizes (3 to 5 ms each at 100k events: the drawing, and the image
        atlas copied to the screen again each time it grew).  So they are all drawn once,
        right after the map's first paint (queued behind it, so the window shows first)."""
        plain, symbols = set(), set()
        for i in np.flatnonzero(self._markable).tolist():
            sym = self._symbols[i]
            plain.add((sym, 1 if self._approx[i] else 0))
            symbols.add(sym)
        pens, brushes = self._marker_pens, self._marker_brushes
        out = [(sym, size, pens[k], brushes[k]) for sym, k in sorted(plain) for size in MARKER_SIZES[1:]]
        for sym in sorted(symbols):
            out.append((sym, MARKER_SIZES[0], pens[2], brushes[2]))  # no events: faded, at the smallest size
            out += [(sym, size, pens[3], brushes[3]) for size in MARKER_SIZES]  # selected: any size
        return out

    def _draw_ahead(self) -> None:
        """Draw every marker image now (about 20 ms), while the user takes in the map."""
        self._markers.fragmentAtlas[self.reachable_marker_styles()]

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

    def pan_by(self, fx: float, fy: float) -> None:
        """Move the view by fractions of its width (east positive) and height (north positive)."""
        (x0, x1), (y0, y1) = self._vb.viewRange()
        self._unframe()
        self._vb.translateBy(x=fx * (x1 - x0), y=fy * (y1 - y0))

    def zoom_by(self, factor: float) -> None:
        """Zoom around the view centre (factor < 1 zooms in)."""
        self._unframe()
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
        """The labels currently shown, by zone id (a label set on two lines as one)."""
        return {self.store.zones[lb.zone].id: lb.text.replace(LINE_BREAK, " ") for lb in self._label_layer.labels}

    def label_lines(self) -> dict[str, list[str]]:
        """The lines of each label shown, by zone id."""
        return {self.store.zones[lb.zone].id: lb.text.split(LINE_BREAK) for lb in self._label_layer.labels}

    def label_boxes(self) -> dict[str, QRectF]:
        """The box of each label shown, in scene coordinates, by zone id."""
        boxes = self._label_layer.boxes(self._scene_transform())
        return {self.store.zones[i].id: r for i, r in boxes.items()}

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
