"""Draws a :class:`TimelineLayout` into a pyqtgraph ViewBox: events, clusters, density,
labels, conflict badges and the selection overlay.

Knows nothing of the session: :class:`TimelineView` hands it a layout, the visible
range and the selection, and listens to ``sig_clicked``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from explorer.core.arrays import distinct
from explorer.core.store import FLAG_CONFLICT, EventStore
from explorer.gui.palette import ACTIVE, SELECTED
from explorer.gui.timeline_items import (
    BAR_HALF,
    MARKER_PX,
    NO_PEN,
    OVERFLOW_COLOUR,
    BadgeLayer,
    EventBarItem,
    EventPointItem,
    EventStyles,
    Label,
    LabelLayer,
    LaneBands,
    OutlinePoints,
    luminance,
    overflow_brush,
)
from explorer.gui.timeline_layout import CLUSTER, PILE, TimelineLayout, density, label_room, selected_items

AGGREGATE_LIMIT = 20_000  # more visible events than this are drawn as density
MAX_LABELS = 80
MIN_ELIDED_PX = 72  # a shortened title needs at least this much room
OVERLAY_LIMIT = 5_000  # selected items outlined at once (the visible ones first)
TITLE_CHUNK = MAX_LABELS + 20  # titles read at a time for label candidates
SELECTION_DENSITY_MIN = 200  # larger selections among aggregated events are drawn as density
DENSITY_PX = 4  # width of a density bin
DENSITY_COLOUR = "#546E7A"
PILE_FRAME = "#3C4043"
BOUND_PEN = pg.mkPen("#000000", width=1.6, cosmetic=True)  # the widest event outline: pads the bars' bounds


class TimelineCanvas(QtCore.QObject):
    """The graphics items of the timeline and the rules deciding what they show.

    Signals
    -------
    sig_clicked(rows, modifiers)
        Event rows under a click (one for an event, several for a cluster).
    """

    sig_clicked = QtCore.Signal(object, object)

    def __init__(self, view: pg.ViewBox, store: EventStore, font: QtGui.QFont):
        super().__init__()
        self.view = view
        self.store = store
        self.styles = EventStyles(len(store.categories))
        self.layout: TimelineLayout | None = None
        self.aggregated = False
        self.drawn = np.zeros(0, dtype=np.int64)  # items drawn individually
        self._drawn_window: tuple[float, float] | None = None
        self._density: tuple[np.ndarray, ...] | None = None
        self.label_font = QtGui.QFont(font)
        self.label_font.setPointSizeF(max(7.5, font.pointSizeF() * 0.92))
        self._fm = QtGui.QFontMetricsF(self.label_font)

        self.bands = LaneBands()
        self.bars = EventBarItem(pen=None, brush=None)
        self.bars.setZValue(10)
        self.clusters = EventBarItem(pen=pg.mkPen(OVERFLOW_COLOUR, width=1), brush=overflow_brush())
        self.clusters.setZValue(11)
        self.pile_segments = EventBarItem(min_px=0, pen=None, brush=None)  # stripes inside their pile's frame
        self.pile_segments.setZValue(10.5)
        self.piles = EventBarItem(pen=pg.mkPen(PILE_FRAME, width=1), brush=None)
        self.piles.setZValue(11)
        self.pile_shadows = EventBarItem(pen=pg.mkPen(PILE_FRAME, width=1), brush=pg.mkBrush("#FFFFFF"))
        self.pile_shadows.setZValue(10.4)
        self.points = EventPointItem(MARKER_PX)
        self.points.setZValue(12)
        self.density_bars = EventBarItem(pen=None, brush=DENSITY_COLOUR)
        self.density_bars.hide()
        self.density_bars.setZValue(9)
        self.badges = BadgeLayer(font)
        self.badges.setZValue(20)
        self.labels = LabelLayer(self.label_font)
        self.labels.setZValue(25)
        self.active_bars = EventBarItem(pen=pg.mkPen(ACTIVE, width=5), brush=None)
        self.active_bars.setZValue(30)
        self.sel_bars = EventBarItem(pen=pg.mkPen(SELECTED, width=2), brush=None)
        self.sel_bars.setZValue(31)
        self.active_points = OutlinePoints(size=MARKER_PX + 9, symbol="o", pxMode=True,
                                           pen=pg.mkPen(ACTIVE, width=3), brush=None)
        self.active_points.setZValue(30)
        self.sel_points = OutlinePoints(size=MARKER_PX + 5, symbol="o", pxMode=True,
                                        pen=pg.mkPen(SELECTED, width=2), brush=None)
        self.sel_points.setZValue(31)
        for item in (self.bands, self.density_bars, self.bars, self.clusters, self.pile_shadows, self.pile_segments,
                     self.piles, self.points, self.badges,
                     self.labels, self.active_bars, self.sel_bars, self.active_points, self.sel_points):
            view.addItem(item, ignoreBounds=True)
        self.sel_density = EventBarItem(pen=None, brush=SELECTED)
        self.sel_density.setZValue(29)
        view.addItem(self.sel_density, ignoreBounds=True)
        self.overlay_rows = np.zeros(0, dtype=np.int64)
        self._sel_items = np.zeros(0, dtype=np.int64)
        self._active_items = np.zeros(0, dtype=np.int64)
        self._outlined = True  # something may be drawn as selected (an overlay or density)
        self._view: tuple = ((-np.inf, np.inf), (-np.inf, np.inf), 0.0)
        self._density_max = 1

        self.points.sigClicked.connect(self._bars_clicked)  # same payload: layout items, nearest first
        self.bars.sigClicked.connect(self._bars_clicked)
        self.clusters.sigClicked.connect(self._groups_clicked)
        self.piles.sigClicked.connect(self._groups_clicked)

    # ------------------------------------------------------------------ data
    def set_layout(self, layout: TimelineLayout, x_extent: tuple[float, float]) -> None:
        self.layout = layout
        shade = np.zeros(len(layout.lanes), bool)
        shade[1::2] = True
        shade &= layout.lane_count > 0
        self.bands.set_lanes(layout.lane_top, layout.lane_height, shade, x_extent)
        extent = QtCore.QRectF(x_extent[0], -1, x_extent[1] - x_extent[0], layout.height + 2)
        self.labels.set_extent(extent)
        self.badges.set_extent(extent)
        self.points.set_extent(extent)
        self._drawn_window = None

    def set_lane_selection(self, keys) -> None:
        if self.layout is None:
            return
        chosen = set(keys)
        self.bands.set_selected([lane.key in chosen for lane in self.layout.lanes])

    # ------------------------------------------------------------------ drawing
    def refresh(self, x_range: tuple[float, float], y_range: tuple[float, float], width_px: float,
                title: Callable[[list[int]], list[str]]) -> None:
        """Draw what the view shows: every event, or density when there are too many."""
        lay = self.layout
        if lay is None:
            return
        lo, hi = x_range
        span = hi - lo
        was_aggregated = self.aggregated
        self._view = (x_range, y_range, width_px)
        if lay.n <= AGGREGATE_LIMIT:
            if self._drawn_window != (-np.inf, np.inf) or self.aggregated:
                self._draw_items(np.arange(lay.n))
                self._drawn_window = (-np.inf, np.inf)
        else:
            # Draw a window wider than the view so small pans need no redraw.  Counted by
            # lane: density never needs the stacking, which costs most at a million events.
            vis = np.flatnonzero(lay.in_lanes_visible(lo, hi, *y_range))
            if len(vis) > AGGREGATE_LIMIT:
                self._draw_density(vis, x_range, width_px)
            else:
                w = self._drawn_window
                if self.aggregated or w is None or lo < w[0] or hi > w[1] or (w[1] - w[0]) > 4 * span:
                    window = (lo - span / 2, hi + span / 2)
                    items = np.flatnonzero(lay.in_lanes_visible(*window, y_range[0] - 20, y_range[1] + 20))
                    if len(items) > AGGREGATE_LIMIT:
                        items, window = vis, (lo, hi)
                    self._draw_items(items)
                    self._drawn_window = window
        if self.aggregated or was_aggregated:
            self._draw_selection()
        self._place_labels(x_range, y_range, width_px, title)

    def _draw_items(self, items: np.ndarray) -> None:
        lay = self.layout
        self.aggregated = False
        self._density = None
        self.density_bars.setOpts(x0=[], x1=[], y0=[], y1=[])
        self.density_bars.hide()
        self.drawn = items
        grp = lay.group[items]  # each item's pile or cluster, or -1: drawn on its own
        alone = grp < 0
        own = items[alone]
        all_flags = self.store.flags[lay.row[items]]
        rows = lay.row[own]
        cats = self.store.category[rows]
        flags = all_flags[alone]
        is_pt = lay.point[own]
        codes = self.styles.codes(cats, flags)
        b = own[~is_pt]
        self.bars.set_styled_bars(lay.x0[b], lay.x1[b], lay.y[b] - BAR_HALF, lay.y[b] + BAR_HALF, b,
                                  codes[~is_pt], self.styles.for_code, BOUND_PEN)
        p = own[is_pt]
        self.points.set_points((lay.x0[p] + lay.x1[p]) / 2, lay.y[p], p, codes[is_pt], self.styles.for_code)
        groups = _present(grp, len(lay.g_kind))
        cl = groups[lay.g_kind[groups] == CLUSTER]
        self.clusters.set_bars(lay.g_x0[cl], lay.g_x1[cl], lay.g_y[cl] - BAR_HALF, lay.g_y[cl] + BAR_HALF, cl)
        self._draw_piles(groups[lay.g_kind[groups] == PILE])
        # A badge on each disputed event's mark: its own, or the pile or cluster holding it
        # (so a dispute shows however crowded its lane).
        hot = (all_flags & FLAG_CONFLICT) > 0
        conflict = items[hot & alone]
        cx = np.where(lay.point[conflict], (lay.x0[conflict] + lay.x1[conflict]) / 2, lay.x0[conflict])
        disputed = _present(grp[hot], len(lay.g_kind))  # (_present drops the -1 of items on their own)
        self.badges.set_points(np.concatenate([cx, lay.g_x0[disputed]]),
                               np.concatenate([lay.y[conflict], lay.g_y[disputed]]) - BAR_HALF)
        for item in self._event_items():
            item.show()

    def _event_items(self):
        return (self.bars, self.points, self.clusters, self.piles, self.pile_segments, self.pile_shadows, self.badges)

    def _draw_piles(self, piles: np.ndarray) -> None:
        """A pile: a framed bar striped by the categories of its events, over a shadow."""
        lay = self.layout
        x0, x1, y = lay.g_x0[piles], lay.g_x1[piles], lay.g_y[piles]
        self.piles.set_bars(x0, x1, y - BAR_HALF, y + BAR_HALF, piles)
        self.pile_shadows.setOpts(x0=x0, x1=x1, y0=y - BAR_HALF - 0.14, y1=y + BAR_HALF - 0.14)
        # Category shares of each pile, as side-by-side stripes.
        is_pile = np.zeros(len(lay.g_kind) + 1, bool)  # the extra last entry stands for "no group" (-1)
        is_pile[piles] = True
        members = np.flatnonzero(is_pile[lay.group])
        ncat = len(self.store.categories)
        pos = np.searchsorted(piles, lay.group[members])
        counts = np.bincount(pos * ncat + self.store.category[lay.row[members]],
                             minlength=len(piles) * ncat).reshape(len(piles), ncat)
        share = counts / np.maximum(1, counts.sum(axis=1, keepdims=True))
        left = x0[:, None] + np.concatenate([np.zeros((len(piles), 1)), np.cumsum(share, axis=1)[:, :-1]], axis=1) * (x1 - x0)[:, None]
        width = share * (x1 - x0)[:, None]
        pi, ci = np.nonzero(counts)
        self.pile_segments.set_styled_bars(left[pi, ci], left[pi, ci] + width[pi, ci], y[pi] - BAR_HALF,
                                           y[pi] + BAR_HALF, pi, self.styles.codes(ci, np.zeros_like(ci)),
                                           self._stripe_style, NO_PEN)

    def _stripe_style(self, code: int) -> tuple[QtGui.QPen, QtGui.QBrush]:
        """A pile's category stripe: the category's fill, no outline (the pile has a frame)."""
        return NO_PEN, self.styles.for_code(code)[1]

    def _draw_density(self, vis: np.ndarray, x_range, width_px: float) -> None:
        self.aggregated = True
        self.drawn = np.zeros(0, dtype=np.int64)
        self._drawn_window = None
        for item in self._event_items():
            item.hide()
        lane, bx0, bx1, count = self._density_cells(vis, x_range, width_px)
        self._density_max = max(1, int(count.max())) if len(count) else 1
        self.density_bars.setOpts(**self._density_geometry(lane, bx0, bx1, count))
        self.density_bars.show()
        self._density = (lane, bx0, bx1, count)

    def _density_cells(self, items: np.ndarray, x_range, width_px: float):
        return density(self.layout, items, x_range[0], x_range[1], max(1, int(width_px / DENSITY_PX)))

    def _density_geometry(self, lane, bx0, bx1, count) -> dict:
        """Bars rising from each lane's floor, height by the square root of the count."""
        lay = self.layout
        pad = np.where(lay.lane_count[lane] > 0, 0.45, 0.0)
        floor = lay.lane_top[lane] + lay.lane_height[lane] - pad / 2
        inner = lay.lane_height[lane] - pad
        h = inner * (0.1 + 0.9 * np.sqrt(count / self._density_max))
        return dict(x0=bx0, x1=bx1, y0=floor - h, y1=floor)

    # ------------------------------------------------------------------ labels
    def _place_labels(self, x_range, y_range, width_px: float, title: Callable[[list[int]], list[str]]) -> None:
        lay = self.layout
        if self.aggregated or not len(self.drawn) or width_px <= 0:
            self.labels.set_labels([])
            return
        lo, hi = x_range
        ppy = width_px / (hi - lo)
        out: list[Label] = []

        # Group counts first: they say that something is hidden here.
        gs = _present(lay.group[self.drawn], len(lay.g_kind))
        gs = gs[(lay.g_x1[gs] >= lo) & (lay.g_x0[gs] <= hi) & (lay.g_y[gs] >= y_range[0]) & (lay.g_y[gs] <= y_range[1])]
        for g in gs[np.argsort(-lay.g_count[gs], kind="stable")][: MAX_LABELS // 3].tolist():
            pile = lay.g_kind[g] == PILE
            text = f"×{int(lay.g_count[g])}" if pile else f"+{int(lay.g_count[g])}"
            w = self._fm.horizontalAdvance(text) + 4
            room = (min(lay.g_next_x[g], hi) - lay.g_x1[g]) * ppy
            if room >= w + 8 and lay.g_x1[g] < hi:
                out.append(Label(float(lay.g_x1[g]), float(lay.g_y[g]), text, PILE_FRAME if pile else OVERFLOW_COLOUR,
                                 4, True))

        own = self.drawn[lay.group[self.drawn] < 0]
        vis = own[(lay.x1[own] >= lo) & (lay.x0[own] <= hi) & (lay.y[own] >= y_range[0]) & (lay.y[own] <= y_range[1])]
        if len(vis):
            left, inside, right = label_room(lay.x0[vis], lay.x1[vis], lay.next_x[vis], lay.point[vis],
                                             (lo, hi), ppy, MARKER_PX)
            room = np.maximum(inside - 8, right - 12)
            ok = room >= min(MIN_ELIDED_PX, 40)
            vis, left, inside, right = vis[ok], left[ok], inside[ok], right[ok]
            imp = self.store.importance[lay.row[vis]]
            order = np.lexsort((lay.x0[vis], -imp))
            budget = MAX_LABELS - len(out)
            # Titles are read in chunks a little larger than the labels shown: nearly every
            # candidate has room for its (elided) title, so one chunk is usually enough.
            for start in range(0, len(order), TITLE_CHUNK):
                if budget <= 0:
                    break
                chunk = order[start:start + TITLE_CHUNK]
                titles = title(lay.row[vis[chunk]].tolist())
                for k, text in zip(chunk.tolist(), titles, strict=True):
                    if budget <= 0:
                        break
                    lab = self._label_for(int(vis[k]), text, float(left[k]), float(inside[k]), float(right[k]), lo, ppy)
                    if lab is not None:
                        out.append(lab)
                        budget -= 1
        self.labels.set_labels(out)

    def _label_for(self, item: int, text: str, left: float, inside: float, right: float, lo: float,
                   ppy: float) -> Label | None:
        lay = self.layout
        w = self._fm.horizontalAdvance(text)
        y = float(lay.y[item])
        room = right - 12
        within = inside - 10 if not lay.point[item] else 0.0
        # The whole title inside the bar, else after it; else shortened where there is more
        # room (a long English title in a wide bar: inside it, not left out).
        if within >= w or (room < w and within > room and within >= MIN_ELIDED_PX):
            colour = self.styles.style(self.store.category[lay.row[item]], self.store.flags[lay.row[item]])[1].color()
            a = colour.alphaF()
            lum = a * luminance(colour) + (1 - a)  # over a white background
            shown = text if within >= w else self._fm.elidedText(text, QtCore.Qt.TextElideMode.ElideRight, within)
            return Label(lo + left / ppy, y, shown, "#FFFFFF" if lum < 0.55 else "#1F2328", 4)
        if room >= w:
            shown = text
        elif room >= MIN_ELIDED_PX:
            shown = self._fm.elidedText(text, QtCore.Qt.TextElideMode.ElideRight, room)
        else:
            return None
        if lay.point[item]:
            return Label(float((lay.x0[item] + lay.x1[item]) / 2), y, shown, "#1F2328", MARKER_PX / 2 + 4)
        return Label(float(max(lay.x1[item], lay.x0[item])), y, shown, "#1F2328", 5)

    # ------------------------------------------------------------------ selection
    def set_selection(self, rows, active: int | None) -> None:
        """Outline the selected events (and ring the active one) without touching the rest."""
        lay = self.layout
        none = np.zeros(0, dtype=np.int64)
        self._sel_items = selected_items(lay, rows) if lay is not None and rows else none
        self._active_items = np.flatnonzero(lay.row == active) if lay is not None and active is not None else none
        self._draw_selection()

    def _draw_selection(self) -> None:
        lay = self.layout
        items, act = self._sel_items, self._active_items
        if not len(items) and not len(act) and not self._outlined:
            return  # nothing selected, nothing drawn as selected: most filter changes
        self._outlined = bool(len(items) or len(act))
        (lo, hi), (y0, y1), width_px = self._view
        if self.aggregated and len(items) > SELECTION_DENSITY_MIN:
            # Too many to outline among aggregated events: a red density over the grey one.
            vis = items[lay.in_lanes_visible(lo, hi, y0, y1)[items]]
            cells = self._density_cells(vis, (lo, hi), width_px)
            self.sel_density.setOpts(**self._density_geometry(*cells))
            self.sel_density.show()
            self.overlay_rows = distinct(lay.row[vis])
            items = items[:0]
        else:
            self.sel_density.hide()
            if len(items) > OVERLAY_LIMIT:
                vis = lay.visible(lo, hi, y0, y1)[items]
                items = np.concatenate([items[vis], items[~vis]])[:OVERLAY_LIMIT]
            self.overlay_rows = distinct(lay.row[items]) if lay is not None and len(items) else items[:0]
        for bars, pts, its, grow in ((self.sel_bars, self.sel_points, items, 0.06),
                                     (self.active_bars, self.active_points, act, 0.12)):
            if lay is None:
                its = its[:0]
            b = its[~lay.point[its]] if lay is not None else its
            p = its[lay.point[its]] if lay is not None else its
            if lay is None or not len(b):
                bars.setOpts(x0=[], x1=[], y0=[], y1=[])
            else:
                bars.setOpts(x0=lay.x0[b], x1=lay.x1[b], y0=lay.y[b] - BAR_HALF - grow, y1=lay.y[b] + BAR_HALF + grow)
            if lay is None or not len(p):
                pts.setData([], [])
            else:
                pts.setData(x=(lay.x0[p] + lay.x1[p]) / 2, y=lay.y[p], data=lay.row[p])

    # ------------------------------------------------------------------ hit testing
    def hit(self, pos: QtCore.QPointF, px: float) -> tuple[str, object] | None:
        """What is under ``pos`` (data coordinates): ``("item", i)``, ``("cluster", c)``,
        ``("density", (lane, count))`` or ``None``.  ``px`` is one pixel in years."""
        lay = self.layout
        if lay is None:
            return None
        if self.aggregated and self._density is not None:
            lane, bx0, bx1, count = self._density
            li = lay.lane_at(pos.y())
            k = np.flatnonzero((lane == li) & (bx0 <= pos.x()) & (pos.x() < bx1))
            return ("density", (int(li), int(count[k[0]]))) if len(k) else None
        got = self.points.payload_at(pos)
        if len(got):
            return ("item", int(got[0]))
        got = self.bars.payload_at(pos, 3 * px)
        if len(got):
            return ("item", int(got[0]))
        for item in (self.piles, self.clusters):
            got = item.payload_at(pos, 3 * px)
            if len(got):
                return ("group", int(got[0]))
        return None

    def _bars_clicked(self, item, payload, ev) -> None:
        self.sig_clicked.emit([int(self.layout.row[int(payload[0])])], ev.modifiers())

    def _groups_clicked(self, item, payload, ev) -> None:
        self.sig_clicked.emit(self.layout.group_rows(int(payload[0])).tolist(), ev.modifiers())


def _present(groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The distinct groups in ``groups`` (``-1``: none), ascending: ``np.unique`` of the
    non-negative ones, without a sort."""
    seen = np.zeros(n_groups + 1, bool)  # the extra last entry takes the -1s
    seen[groups] = True
    return np.flatnonzero(seen[:n_groups])
