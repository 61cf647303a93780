"""Graphics items of the timeline: event bars, day markers, lane bands, labels and badges.

Events are drawn by items that take numpy arrays and a style code per event (see
:meth:`EventStyles.codes`) and draw one batch per style, so their cost per filter
change is numpy work, not a Python call per event.  Text is drawn by one light item
in screen pixels (see :class:`DeviceLayer`), so a hundred labels cost one paint call rather
than a hundred items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6 import QtCore, QtGui

from explorer.core.store import FLAG_INFERRED, FLAG_PLANNED
from explorer.gui.badge import badge_font, paint_badges
from explorer.gui.palette import category_colour
from explorer.gui.static_texts import StaticTexts
from explorer.gui.timeline_layout import stable_order

BAR_HALF = 0.33  # half the height of a bar, in sub-rows
MARKER_PX = 9
THIN_PX = 3.0  # bars narrower than this (device pixels) are drawn as a fill in their outline's colour
MIN_BAR_PX = 3.0  # narrower bars are drawn this wide (about their centre), so a month seen from afar still shows
OVERFLOW_COLOUR = "#6B7280"


class EventStyles:
    """Pens and brushes per (category, flags), made once and shared by every item.

    Certain dates are filled bars; inferred dates are outlined (hollow) bars;
    planned events are lighter with a dashed outline.
    """

    def __init__(self, n_categories: int):
        self._cache: dict[tuple[int, int], tuple[QtGui.QPen, QtGui.QBrush]] = {}
        self.n = n_categories

    @staticmethod
    def colour(category: int) -> QtGui.QColor:
        return QtGui.QColor(category_colour(int(category)))

    def style(self, category: int, flags: int) -> tuple[QtGui.QPen, QtGui.QBrush]:
        key = (int(category), int(flags) & (FLAG_INFERRED | FLAG_PLANNED))
        got = self._cache.get(key)
        if got is not None:
            return got
        base = self.colour(category)
        inferred, planned = key[1] & FLAG_INFERRED, key[1] & FLAG_PLANNED
        fill = QtGui.QColor(base)
        if inferred:
            fill.setAlpha(40)
            pen = QtGui.QPen(base, 1.6)
        else:
            fill.setAlpha(110 if planned else 225)
            pen = QtGui.QPen(base.darker(135), 1.0)
        if planned:
            pen.setStyle(QtCore.Qt.PenStyle.DashLine)
            pen.setWidthF(1.4)
            pen.setColor(base.darker(120))
        pen.setCosmetic(True)
        got = (pen, QtGui.QBrush(fill))
        self._cache[key] = got
        return got

    @staticmethod
    def codes(categories: np.ndarray, flags: np.ndarray) -> np.ndarray:
        """One style code per event: category, inferred and planned packed into an int."""
        return (np.asarray(categories, np.int64) * 4 + ((np.asarray(flags) & FLAG_INFERRED) != 0)
                + 2 * ((np.asarray(flags) & FLAG_PLANNED) != 0))

    def for_code(self, code: int) -> tuple[QtGui.QPen, QtGui.QBrush]:
        """The pen and brush of a style code made by :meth:`codes`."""
        code = int(code)
        return self.style(code // 4, (FLAG_INFERRED if code & 1 else 0) | (FLAG_PLANNED if code & 2 else 0))


NO_PEN = QtGui.QPen(QtCore.Qt.PenStyle.NoPen)
_thin_brushes: dict[tuple, QtGui.QBrush] = {}


def _thin_brush(pen: QtGui.QPen) -> QtGui.QBrush:
    """The fill of a bar too thin to outline: its outline colour (lighter when dashed:
    planned).  (The bar's own fill does not show.)"""
    key = (pen.color().rgba(), pen.style())
    got = _thin_brushes.get(key)
    if got is None:
        colour = QtGui.QColor(pen.color())
        if pen.style() == QtCore.Qt.PenStyle.DashLine:
            colour.setAlpha(150)
        got = _thin_brushes[key] = QtGui.QBrush(colour)
    return got


def row_pointers(array: np.ndarray, klass: type):
    """``row -> pointer to a klass`` at that row of ``array`` (C-contiguous doubles whose
    rows are laid out as ``klass``): Qt's array-and-count drawing calls can then draw any
    run of rows without a copy."""
    base, stride = array.ctypes.data, array.strides[0]
    return lambda row: shiboken6.wrapInstance(base + row * stride, klass)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, list[int], list[int], list[int]]:
    """``(order, starts, ends, run_keys)``: ``order`` sorts ``keys`` (small non-negative
    integers) stably, so equal keys keep their original order; run ``i`` of equal keys
    is ``order[starts[i]:ends[i]]``, holding ``run_keys[i]``."""
    if not len(keys):
        return np.zeros(0, np.int64), [], [], []
    order = stable_order(keys)
    ranked = keys[order]
    starts = np.r_[0, np.flatnonzero(np.diff(ranked)) + 1]
    ends = np.r_[starts[1:], len(order)]
    return order, starts.tolist(), ends.tolist(), ranked[starts].tolist()


class ReportsClicks:
    """A left click on what ``_hits(pos)`` finds emits ``sigClicked(item, payload, event)``,
    the payload in the item's own order of hits (nearest or topmost first); a click on
    nothing is left to the items below."""

    def mouseClickEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        hit = self._hits(ev.pos()) if ev.button() == QtCore.Qt.MouseButton.LeftButton else ()
        if not len(hit):
            ev.ignore()
            return
        ev.accept()
        self.sigClicked.emit(self, hit, ev)


class OutlinePoints(pg.ScatterPlotItem):
    """Rings over selected day points.  They take no clicks: the points beneath do (a
    ring took a click on a selected point and did nothing with it)."""

    def mouseClickEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        ev.ignore()


class EventBarItem(ReportsClicks, pg.BarGraphItem):
    """Bars whose clicks report the payload of the bar under the mouse.

    ``sigClicked(item, payload, event)`` mirrors ``ScatterPlotItem.sigClicked``;
    ``payload`` holds the values passed as ``payload`` for the bars hit, nearest first.
    """

    sigClicked = QtCore.Signal(object, object, object)

    def __init__(self, min_px: float = MIN_BAR_PX, **opts):
        self.min_px = min_px  # narrowest drawn width in device pixels (0: as wide as the data)
        self._payload = np.zeros(0, dtype=np.int64)
        self._geom = np.zeros((0, 4))
        self._styled: list | None = None  # [(pen, brush, first, count)]: the draw batches
        self._batch_src = np.zeros((0, 4))  # every batch's rectangles (x, y, width, height), one after another
        self._batch_rects = self._batch_src  # the same as drawn: as QRectFs, the narrowest widened to min_px
        self._thin: np.ndarray | None = None  # per bar: thin at the scale the batches were made for
        self._codes: np.ndarray | None = None  # a style code per bar (see _bar_styles)
        self._styled_scale = 0.0  # device pixels per x unit the batches were made for
        self._style_of = None
        super().__init__(x0=[], x1=[], y0=[], y1=[], **opts)

    def setOpts(self, **opts):  # noqa: N802 (pyqtgraph API)
        self._styled = None
        self._codes = None
        super().setOpts(**opts)

    def paint(self, p, *args):
        # pyqtgraph records bars into a QPicture and replays it at every paint; one
        # drawRects per style is several times faster for thousands of bars.
        scale = abs(p.transform().m11())
        if self._styled is None or self._styled_scale != scale:
            self._styled = self._batches(scale)  # new bars, or zoomed: other bars may be thin
            self._batch_rects = self._widened(scale)
        at = row_pointers(self._batch_rects, QtCore.QRectF)  # a row is a QRectF: x, y, width, height
        for pen, brush, first, count in self._styled:
            p.setPen(pen)
            p.setBrush(brush)
            p.drawRects(at(first), count)

    def _bar_styles(self) -> tuple[np.ndarray, object]:
        """A style code per bar and ``style_of(code) -> (pen, brush)``: those given to
        :meth:`set_styled_bars`, or else made from pyqtgraph's per-bar pens and brushes
        (codes in the order the styles first occur) or from its shared pen and brush."""
        if self._codes is None:
            n = len(self._rectarray.ndarray())
            if self._pens is None and self._brushes is None:
                shared = (self._sharedPen, self._sharedBrush)
                self._codes, self._style_of = np.zeros(n, np.int64), lambda _code: shared
            else:
                pens = self._pens if self._pens is not None else [self._sharedPen] * n
                brushes = self._brushes if self._brushes is not None else [self._sharedBrush] * n
                seen: dict[tuple[int, int], int] = {}
                styles: list[tuple] = []
                codes = []
                for pen, brush in zip(pens, brushes, strict=False):
                    code = seen.setdefault((id(pen), id(brush)), len(seen))
                    if code == len(styles):
                        styles.append((pen, brush))
                    codes.append(code)
                self._codes, self._style_of = np.array(codes, np.int64), styles.__getitem__
        return self._codes, self._style_of

    def _batches(self, px_per_x: float) -> list:
        """Draw batches for ``px_per_x`` device pixels per x unit: one per style, split in
        two (thin fills, then outlined bars) for an outlined style with both thin and wide
        bars; bars in their order.  A bar narrower than ``THIN_PX`` is filled with its
        outline's colour and not outlined: at that width the outline is all one sees, and
        stroking thousands of them costs ten times the fill.  Those fills come first, then
        the other bars."""
        self._styled_scale = px_per_x
        codes, style_of = self._bar_styles()
        thin = self._rectarray.ndarray()[: len(codes), 2] * px_per_x < THIN_PX
        if self._styled is not None and np.array_equal(thin, self._thin):
            return self._styled  # zoomed, but no bar became thin or wide
        self._thin = thin
        if not len(codes):
            self._batch_src = np.zeros((0, 4))
            return []
        m = int(codes.max()) + 1
        outlined = np.zeros(m, bool)
        for code in np.flatnonzero(np.bincount(codes, minlength=m)).tolist():
            pen = style_of(code)[0]
            outlined[code] = pen is not None and pen.style() != QtCore.Qt.PenStyle.NoPen
        # Thin outlined bars first (key = code), then the others (key = m + code).
        order, starts, ends, keys = _runs(codes + m * ~(thin & outlined[codes]))
        self._batch_src = self._rectarray.ndarray()[order]  # a new C-contiguous array of doubles
        out = []
        for a, b, k in zip(starts, ends, keys, strict=True):
            pen, brush = style_of(k % m)
            out.append((NO_PEN, _thin_brush(pen), a, b - a) if k < m else (pen, brush, a, b - a))
        return out

    def _widened(self, px_per_x: float) -> np.ndarray:
        """The batches' rectangles with those narrower than ``min_px`` device pixels at
        ``px_per_x`` drawn that wide about their centre (the data and hit-testing keep the
        true spans; clicks have a tolerance of 3 pixels anyway).  A few numpy operations on
        the drawn bars, at each new scale."""
        src = self._batch_src
        if self.min_px <= 0 or not len(src) or px_per_x <= 0:
            return src
        w = self.min_px / px_per_x
        narrow = np.abs(src[:, 2]) < w
        if not narrow.any():
            return src
        out = src.copy()
        out[narrow, 0] += (src[narrow, 2] - w) / 2
        out[narrow, 2] = w
        return out

    def pixelPadding(self):  # noqa: N802 (pyqtgraph API)
        # A widened bar reaches up to min_px / 2 beyond its data: keep it inside the bounds.
        return max(super().pixelPadding(), self.min_px / 2)

    def set_bars(self, x0, x1, y0, y1, payload, **opts) -> None:
        if opts.get("pens") is not None and not len(opts["pens"]):  # pyqtgraph fails on an empty pen list
            opts.update(pens=None, brushes=None, pen=None, brush=None)
        self._payload = np.asarray(payload)
        self._geom = np.column_stack([x0, x1, y0, y1]) if len(payload) else np.zeros((0, 4))
        self.setOpts(x0=np.asarray(x0), x1=np.asarray(x1), y0=np.asarray(y0), y1=np.asarray(y1), **opts)

    def set_styled_bars(self, x0, x1, y0, y1, payload, codes: np.ndarray, style_of, bound_pen: QtGui.QPen) -> None:
        """Bars with a style code each; ``style_of(code)`` gives its pen and brush.

        ``bound_pen`` is the widest of those pens (it pads the bounding rectangle).
        """
        self.set_bars(x0, x1, y0, y1, payload, pen=bound_pen, brush=None, pens=None, brushes=None)
        self._codes = np.asarray(codes)
        self._style_of = style_of

    @property
    def payload(self) -> np.ndarray:
        return self._payload

    def bars(self) -> np.ndarray:
        """``(n, 4)`` array of ``x0, x1, y0, y1`` as drawn."""
        return self._geom

    def payload_at(self, pos: QtCore.QPointF, tol_x: float = 0.0) -> np.ndarray:
        """Payload of the bars under ``pos`` (data coordinates), nearest first."""
        if not len(self._payload):
            return self._payload[:0]
        x, y = pos.x(), pos.y()
        g = self._geom
        hit = (g[:, 0] - tol_x <= x) & (x <= g[:, 1] + tol_x) & (g[:, 2] - 0.05 <= y) & (y <= g[:, 3] + 0.05)
        idx = np.flatnonzero(hit)
        if not len(idx):
            return self._payload[:0]
        centre = (g[idx, 0] + g[idx, 1]) / 2
        width = g[idx, 1] - g[idx, 0]
        # Prefer the narrowest bar (a month inside a year), then the nearest.
        order = np.lexsort((np.abs(centre - x), width))
        return self._payload[idx[order]]

    def _tolerance(self) -> float:
        px = self.pixelVectors()[0]
        return 3 * px.length() if px is not None else 0.0

    def _hits(self, pos: QtCore.QPointF) -> np.ndarray:
        return self.payload_at(pos, self._tolerance())


class DeviceLayer(pg.GraphicsObject):
    """Base for items that draw in screen pixels at data positions: labels, badges, day
    markers, map labels and map markers (see :meth:`_in_pixels`)."""

    def __init__(self):
        super().__init__()
        self._rect = QtCore.QRectF(0, 0, 1, 1)

    def set_extent(self, rect: QtCore.QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QtCore.QRectF(rect)
        self.update()

    def boundingRect(self):  # noqa: N802 (Qt API)
        return self._rect

    def export_scale(self) -> float:
        """Image pixels per screen pixel: 1 on screen; an image export at twice the view's
        width draws this layer twice as large, as pyqtgraph's own pixel-sized items are."""
        opts = self._exportOpts
        return float(opts.get("resolutionScale", 1.0)) if opts else 1.0

    @staticmethod
    def _fragments(x: np.ndarray, y: np.ndarray, source: np.ndarray, scale: float) -> np.ndarray:
        """``QPainter.PixmapFragment`` rows (ten doubles each): centred at ``x, y``, from the
        ``source`` rectangles (left, top, width, height in the pixmap; one per row, or one
        for all) scaled by ``scale``;
        draw any run of them with ``drawPixmapFragments`` through :func:`row_pointers`."""
        frags = np.empty((len(x), 10))
        frags[:, 0], frags[:, 1] = x, y
        frags[:, 2:6] = source
        frags[:, 6:8] = scale
        frags[:, 8], frags[:, 9] = 0.0, 1.0  # rotation, opacity
        return frags

    def _in_pixels(self, p: QtGui.QPainter, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Data positions in screen pixels, the painter set to draw screen pixels (call it
        between ``p.save()`` and ``p.restore()``)."""
        t = p.transform()
        dx, dy = t.m11() * x + t.m21() * y + t.m31(), t.m12() * x + t.m22() * y + t.m32()
        s = self.export_scale()
        p.setTransform(QtGui.QTransform.fromScale(s, s))
        return dx / s, dy / s


class EventPointItem(ReportsClicks, DeviceLayer):
    """Day events: a round marker of ``MARKER_PX`` pixels per event, whatever the zoom.

    Each style's marker is drawn once into a pixmap; a paint stamps it at every point of
    that style with one ``drawPixmapFragments`` call.

    ``sigClicked(item, payload, event)`` reports the payload of the markers under the
    mouse, nearest first (as :class:`EventBarItem` does).
    """

    sigClicked = QtCore.Signal(object, object, object)

    def __init__(self, size_px: float = MARKER_PX):
        super().__init__()
        self.size_px = size_px
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._payload = np.zeros(0, dtype=np.int64)
        self._codes = np.zeros(0, dtype=np.int64)
        self._style_of = None
        self._runs: tuple | None = None  # _runs() of the codes: markers ordered run by run
        self._run_x = self._run_y = np.zeros(0)  # the markers' positions in that order
        self._stamps: dict[tuple[int, float], QtGui.QPixmap] = {}

    def set_points(self, x, y, payload, codes, style_of) -> None:
        self._x, self._y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        self._payload = np.asarray(payload)
        self._codes = np.asarray(codes, np.int64)
        if style_of != self._style_of:  # == : a bound method is a new object at every access
            self._stamps.clear()
        self._style_of = style_of
        self._runs = None
        self.update()

    @property
    def payload(self) -> np.ndarray:
        return self._payload

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def _stamp(self, code: int, ratio: float) -> QtGui.QPixmap:
        got = self._stamps.get((code, ratio))
        if got is None:
            pen, brush = self._style_of(code)
            side = int(np.ceil((self.size_px + 2) * ratio))
            got = QtGui.QPixmap(side, side)
            got.setDevicePixelRatio(ratio)
            got.fill(QtCore.Qt.GlobalColor.transparent)
            with QtGui.QPainter(got) as sp:
                sp.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
                sp.setPen(pen)
                sp.setBrush(brush)
                half = self.size_px / 2
                c = side / ratio / 2
                sp.drawEllipse(QtCore.QPointF(c, c), half - 0.5, half - 0.5)
            self._stamps[(code, ratio)] = got
        return got

    def paint(self, p, *args):
        if not len(self._x):
            return
        if self._runs is None:
            self._runs = _runs(self._codes)
            order = self._runs[0]
            self._run_x, self._run_y = self._x[order], self._y[order]  # the markers, run after run
        _order, starts, ends, codes = self._runs
        p.save()
        dx, dy = self._in_pixels(p, self._run_x, self._run_y)
        if self._exportOpts:  # an image export (an SVG's too): circles, as the map's markers draw vectors
            self._paint_vectors(p, dx, dy, starts, ends, codes)
            p.restore()
            return
        # Stamps drawn at the device's pixel ratio (times the export's scale), so they stay sharp.
        ratio = (p.device().devicePixelRatioF() if p.device() is not None else 1.0) * self.export_scale()
        # One array of every marker's fragment, run after run; each run is drawn through a
        # pointer into it, from its own stamp (the whole pixmap; every stamp is the same size).
        draws = [(self._stamp(code, ratio), first, end - first) for first, end, code in zip(starts, ends, codes, strict=True)]
        side = draws[0][0]
        frags = self._fragments(dx, dy, (0, 0, side.width(), side.height()), 1.0 / ratio)  # in the pixmap's pixels
        at = row_pointers(frags, QtGui.QPainter.PixmapFragment)
        for stamp, first, count in draws:
            p.drawPixmapFragments(at(first), count, stamp)
        p.restore()

    def _paint_vectors(self, p: QtGui.QPainter, dx, dy, starts, ends, codes) -> None:
        """The markers as the stamps draw them, each a circle of its own."""
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = self.size_px / 2 - 0.5
        for first, end, code in zip(starts, ends, codes, strict=True):
            pen, brush = self._style_of(code)
            p.setPen(pen)
            p.setBrush(brush)
            for k in range(first, end):
                p.drawEllipse(QtCore.QPointF(float(dx[k]), float(dy[k])), r, r)

    def payload_at(self, pos: QtCore.QPointF) -> np.ndarray:
        """Payload of the markers covering ``pos`` (data coordinates), nearest first."""
        if not len(self._x):
            return self._payload[:0]
        px, py = self.pixelVectors()
        if px is None or py is None:
            return self._payload[:0]
        rx = (self.size_px / 2 + 1) * px.length()
        ry = (self.size_px / 2 + 1) * py.length()
        ddx, ddy = np.abs(self._x - pos.x()), np.abs(self._y - pos.y())
        idx = np.flatnonzero((ddx <= rx) & (ddy <= ry))
        return self._payload[idx[np.argsort(ddx[idx] / rx + ddy[idx] / ry * 1e-3, kind="stable")]]

    _hits = payload_at


@dataclass
class Label:
    """One piece of text at a data position, shifted by ``dx`` pixels."""

    x: float
    y: float
    text: str
    colour: str = "#1F2328"
    dx: float = 0.0
    bold: bool = False


class LabelLayer(DeviceLayer):
    """Title labels and count badges, left-aligned and vertically centred at their point."""

    def __init__(self, font: QtGui.QFont):
        super().__init__()
        self.font_ = QtGui.QFont(font)
        self.bold_font = QtGui.QFont(font)
        self.bold_font.setBold(True)
        self.labels: list[Label] = []
        self._colours: list[QtGui.QColor] = []
        self._xs = self._ys = np.zeros(0)  # the labels' positions (data coordinates)
        self._half_h = QtGui.QFontMetricsF(self.font_).height() / 2
        self._texts = StaticTexts()  # by (text, bold)

    def set_labels(self, labels: list[Label]) -> None:
        self.labels = labels
        self._colours = [QtGui.QColor(lb.colour) for lb in labels]
        self._xs = np.array([lb.x for lb in labels], float)
        self._ys = np.array([lb.y for lb in labels], float)
        self.update()

    def paint(self, p, *args):
        if not self.labels:
            return
        p.save()
        dx, dy = self._in_pixels(p, self._xs, self._ys)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        for lb, colour, x, y in zip(self.labels, self._colours, dx.tolist(), dy.tolist(), strict=True):
            font = self.bold_font if lb.bold else self.font_
            p.setFont(font)
            p.setPen(colour)
            text = self._texts.get((lb.text, lb.bold), lb.text, font)
            p.drawStaticText(QtCore.QPointF(x + lb.dx, y - self._half_h), text)  # centred on y
        p.restore()


def apart(x: np.ndarray, y: np.ndarray, diameter: float) -> np.ndarray:
    """Which of the discs centred at ``x, y`` (pixels) to draw so that none covers another:
    left to right, top to bottom, a disc overlapping one kept already is left out (the one
    kept stands for both).  Returns their indices, in that order."""
    order = np.lexsort((y, x))
    kept: list[int] = []
    near: dict[tuple[int, int], list[tuple[float, float]]] = {}  # kept centres by cell of one diameter
    limit = diameter * diameter
    for i, cx, cy in zip(order.tolist(), x[order].tolist(), y[order].tolist(), strict=True):
        gx, gy = int(cx // diameter), int(cy // diameter)
        if any((cx - ox) ** 2 + (cy - oy) ** 2 < limit
               for cell in ((gx + a, gy + b) for a in (-1, 0, 1) for b in (-1, 0, 1))
               for ox, oy in near.get(cell, ())):
            continue
        kept.append(i)
        near.setdefault((gx, gy), []).append((cx, cy))
    return np.array(kept, np.int64)


class BadgeLayer(DeviceLayer):
    """A red "!" badge at the top-left corner of each conflicting event; where badges would
    overlap at the current zoom (disputed events side by side), one stands for them."""

    RADIUS = 5.5

    def __init__(self, font: QtGui.QFont):
        super().__init__()
        self.font_ = badge_font(font)
        self.x = np.zeros(0)
        self.y = np.zeros(0)

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y = np.asarray(x, float), np.asarray(y, float)
        self.update()

    def paint(self, p, *args):
        if not len(self.x):
            return
        p.save()
        dx, dy = self._in_pixels(p, self.x, self.y)
        r = self.RADIUS
        shown = apart(dx, dy, 2 * r)
        dx, dy = dx[shown], dy[shown]
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        paint_badges(p, (QtCore.QRectF(x - r, y - r, 2 * r, 2 * r) for x, y in zip(dx.tolist(), dy.tolist(), strict=True)),
                     self.font_, ring=True)
        p.restore()


LANE_SHADE = QtGui.QColor("#F4F6F8")  # alternate lanes (the lane labels' column too)
_LANE_SELECTED = QtGui.QColor("#FFF4CC")
_LANE_LINE = pg.mkPen("#E3E6EA")


class LaneBands(pg.GraphicsObject):
    """Lane backgrounds: alternate shading, and the selected lanes highlighted."""

    def __init__(self):
        super().__init__()
        self.top = np.zeros(0)
        self.height = np.zeros(0)
        self.bottom = np.zeros(0)
        self.shade = np.zeros(0, bool)
        self.selected = np.zeros(0, bool)
        self.x_extent = (1900.0, 2100.0)
        self.setZValue(-10)

    def set_lanes(self, top, height, shade, x_extent) -> None:
        self.prepareGeometryChange()
        self.top, self.height, self.shade = np.asarray(top), np.asarray(height), np.asarray(shade, bool)
        self.bottom = self.top + self.height
        self.selected = np.zeros(len(self.top), bool)
        self.x_extent = x_extent
        self.update()

    def set_selected(self, selected) -> None:
        self.selected = np.asarray(selected, bool)
        self.update()

    def boundingRect(self):  # noqa: N802 (Qt API)
        total = float(self.bottom[-1]) if len(self.top) else 1.0
        x0, x1 = self.x_extent
        return QtCore.QRectF(x0, 0, x1 - x0, total)

    def paint(self, p, *args):
        # Only the lanes in view, each kind in one call (a Python call per lane was ~0.2 ms
        # of every filter change with a few dozen lanes).
        n = len(self.top)
        if not n:
            return
        x0, x1 = self.x_extent
        lo, hi = 0, n
        vb = self.getViewBox()
        if vb is not None:
            _, (y0, y1) = vb.viewRange()
            lo = int(np.searchsorted(self.bottom, min(y0, y1), side="right"))
            hi = int(np.searchsorted(self.top, max(y0, y1), side="right"))
        selected = self.selected[lo:hi]
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        for colour, which in ((_LANE_SELECTED, selected), (LANE_SHADE, self.shade[lo:hi] & ~selected)):
            k = np.flatnonzero(which) + lo
            if len(k):
                rects = np.empty((len(k), 4))
                rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3] = x0, self.top[k], x1 - x0, self.height[k]
                p.setBrush(colour)
                p.drawRects(row_pointers(rects, QtCore.QRectF)(0), len(k))
        tops = self.top[max(lo, 1):hi]  # a line between each lane and the one above it
        if len(tops):
            lines = np.empty((len(tops), 4))
            lines[:, 0], lines[:, 1], lines[:, 2], lines[:, 3] = x0, tops, x1, tops
            p.setPen(_LANE_LINE)
            p.drawLines(row_pointers(lines, QtCore.QLineF)(0), len(tops))


def overflow_brush() -> QtGui.QBrush:
    """Hatched grey: several events aggregated where they would not fit."""
    return QtGui.QBrush(QtGui.QColor(OVERFLOW_COLOUR), QtCore.Qt.BrushStyle.BDiagPattern)


def luminance(colour: QtGui.QColor) -> float:
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()
