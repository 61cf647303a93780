"""The timeline's plot frame: a fractional-year axis, the lane-label axis, and the view box
and plot widget tuned for a timeline (zoom time only, arrow keys left to the window)."""

from __future__ import annotations

import bisect
import calendar
import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from explorer.gui.static_texts import StaticTexts
from explorer.gui.timeline_items import LANE_SHADE
from explorer.gui.timeline_layout import LANE_PAD

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200)
LABEL_GAP_PX = 6  # px kept between two tick labels along the axis


def spaced(text_specs: list) -> list:
    """The tick labels of ``text_specs`` (pyqtgraph's ``(rect, flags, text)``, a higher
    level's first) that keep :data:`LABEL_GAP_PX` from every label kept before them:
    pyqtgraph only limits how much of the axis its labels fill, so a wide month label among
    day labels ran into them ("31日1975年1月2日")."""
    lefts: list[float] = []  # the kept labels' extents, sorted (they never overlap)
    rights: list[float] = []
    kept = []
    for spec in text_specs:
        r = spec[0]
        lo, hi = r.left() - LABEL_GAP_PX, r.right() + LABEL_GAP_PX
        i = bisect.bisect_left(lefts, lo)
        if (i < len(lefts) and lefts[i] < hi) or (i > 0 and rights[i - 1] > lo):
            continue
        lefts.insert(i, r.left())
        rights.insert(i, r.right())
        kept.append(spec)
    return kept


def _day_ticks(lo: float, hi: float, every: int) -> list[tuple[float, int]]:
    """``(position, day of month)`` of day starts inside ``[lo, hi]`` (day 1, 1+every, …).

    Days follow the calendar as in :meth:`PartialDate.span`.
    """
    out = []
    for y in range(int(math.floor(lo)), int(math.floor(hi)) + 1):
        n_days = 366 if calendar.isleap(y) else 365
        doy = 0
        for m in range(1, 13):
            for d in range(1, calendar.monthrange(y, m)[1] + 1):
                x = y + doy / n_days
                if lo <= x <= hi and ((d - 1) % every == 0 and d + every <= 32 or d == 1):
                    out.append((x, d))
                doy += 1
    return out


def _year_month_day(x: float) -> tuple[int, int, int]:
    """The calendar day whose span starts at (or contains) fractional year ``x``."""
    y = int(math.floor(x + 1e-9))
    n_days = 366 if calendar.isleap(y) else 365
    doy = int(math.floor((x - y) * n_days + 1e-6))
    m = 1
    while m < 12 and doy >= calendar.monthrange(y, m)[1]:
        doy -= calendar.monthrange(y, m)[1]
        m += 1
    return y, m, doy + 1


MINOR_TICK_PX = 6
AXIS_PIXMAPS_KEPT = 3  # the year axis's last drawings kept (a strip of labels and its lines)
TEXT_SIZES_KEPT = 2000  # tick label sizes remembered per font (years, months and days)
LABEL_LINES = 3  # lines a lane label may take where its lane is tall enough


_SQUARE = QtCore.QRectF(0, 0, 100, 100)


class _Measuring:
    """The painter pyqtgraph's ``AxisItem.generateDrawSpecs`` is given, which remembers the
    size of each tick label by font and device (:meth:`text_size`): the same years and
    months come back as the range changes, and laying a text out to measure it costs more
    than the rest of the tick's specification."""

    def __init__(self, painter: QtGui.QPainter, sizes: dict):
        self._p, self._sizes = painter, sizes
        self._known = self._sizes_now()

    def _sizes_now(self) -> dict[str, tuple[float, float]]:
        device = self._p.device()
        known = self._sizes.setdefault((self._p.font().key(), device.logicalDpiX(), device.logicalDpiY()), {})
        if len(known) > TEXT_SIZES_KEPT:
            known.clear()
        return known

    def setFont(self, font: QtGui.QFont) -> None:  # noqa: N802 (Qt API)
        self._p.setFont(font)
        self._known = self._sizes_now()

    def boundingRect(self, rect: QtCore.QRectF, flags, text: str) -> QtCore.QRectF:  # noqa: N802 (Qt API)
        return self._p.boundingRect(rect, flags, text)

    def text_size(self, text: str) -> tuple[float, float]:
        """Width and height of a tick label as pyqtgraph measures it (the box of the text
        centred in a 100-pixel square, at 0.8 of its height)."""
        got = self._known.get(text)
        if got is None:
            br = self._p.boundingRect(_SQUARE, QtCore.Qt.AlignmentFlag.AlignCenter, text)
            got = self._known[text] = (br.width(), br.height() * 0.8)
        return got


def _is_cjk(c: str) -> bool:
    """A character of the CJK blocks (radicals to unified ideographs, compatibility ideographs)."""
    return "\u2e80" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


# The lane labels' column: selected lanes, label text (of an empty lane), right edge.
_SELECTED_FILL, _SELECTED_EDGE = QtGui.QColor("#FFE9A8"), QtGui.QColor("#F2A900")
_TEXT, _EMPTY_TEXT = QtGui.QColor("#1F2328"), QtGui.QColor("#666B73")  # dimmed, still 4.9:1 on a lane
_EDGE = pg.mkPen("#C9CED6")


class YearAxis(pg.AxisItem):
    """A fractional-year axis whose ticks adapt: decades, years, quarters, months, days.

    Month starts are ``year + (month - 1) / 12`` and days follow the calendar, the same
    convention as :meth:`PartialDate.span`, so a month bar starts exactly on its tick.
    """

    def __init__(self, orientation: str = "bottom", **kw):
        super().__init__(orientation, **kw)
        self.lang = "zh"
        self._kinds: dict[float, str] = {}
        # Repainting the events must not redraw every tick label: the axis's labels are
        # kept as a pixmap and its lines as a list, for the last few ranges (by range,
        # size and look), so a range shown again (all years after a year filter is
        # cleared) is not worked out again either.
        self._pixmaps: OrderedDict[tuple, tuple[QtGui.QPixmap, list]] = OrderedDict()
        self._text_sizes: dict[tuple, dict] = {}  # see _Measuring

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.picture = None
        self.update()

    def _look(self, p: QtGui.QPainter) -> tuple:
        """What the drawing depends on besides the range and the geometry (the room for
        the tick labels, which the drawing itself measures, shows in the geometry)."""
        font = self.style["tickFont"] or p.font()
        return (self.lang, self.grid, font.key(), self.pen().color().rgba(), self.textPen().color().rgba(),
                self.tickPen().color().rgba(), id(self._tickLevels), self._tickSpacing,
                repr([v for k, v in self.style.items() if k not in ("tickTextWidth", "tickTextHeight")]))

    def paint(self, p, opt, widget):
        t = p.transform()
        if self._exportOpts or t.type().value > QtGui.QTransform.TransformationType.TxTranslate.value:
            self._paint_now(p)  # an image export, maybe scaled: drawn as it is asked for
            return
        br = self.boundingRect()
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        # The strip below the plot (the axis line and the tick labels) is kept as a pixmap
        # drawn as on the device, at the same fraction of a pixel, and a pixel more around
        # (the axis line's end pokes out), as Qt's own item cache does.  The grid and tick
        # lines above it, across the plot, are drawn directly: a few lines cost less than
        # copying a pixmap as large as the plot.
        x, y = br.left() + t.dx(), t.dy()  # on the device; the axis line is at the item's y = 0
        ox, oy = math.floor(x) - 1, math.floor(y) - 1
        key = (tuple(self.range), br.width(), br.height(), x - ox, y - oy, dpr, self._look(p))
        kept = self._pixmaps.get(key)
        if kept is None:
            pm = QtGui.QPixmap(math.ceil((x - ox + br.width() + 1) * dpr), math.ceil((y - oy + br.bottom() + 1) * dpr))
            pm.setDevicePixelRatio(dpr)
            pm.fill(QtCore.Qt.GlobalColor.transparent)
            q = QtGui.QPainter(pm)
            q.setFont(p.font())
            q.translate(t.dx() - ox, t.dy() - oy)
            specs = self.generateDrawSpecs(_Measuring(q, self._text_sizes))
            if specs is not None:
                axis_spec, tick_specs, text_specs = specs
                self._draw_strip(q, axis_spec, text_specs)
            q.end()
            kept = self._pixmaps[key] = (pm, self._lines(tick_specs) if specs is not None else [])
            while len(self._pixmaps) > AXIS_PIXMAPS_KEPT:
                self._pixmaps.popitem(last=False)
        else:
            self._pixmaps.move_to_end(key)
        pm, lines = kept
        p.save()
        p.resetTransform()
        p.drawPixmap(QtCore.QPointF(ox, oy), pm)
        p.setTransform(t)
        self._draw_lines(p, lines)  # over the axis line where they meet it, as drawn directly
        p.restore()

    def _paint_now(self, p: QtGui.QPainter) -> None:
        # Drawn straight onto ``p``: pyqtgraph's record-then-replay QPicture doubles the
        # cost of every pan and zoom frame.
        p.save()
        try:
            specs = self.generateDrawSpecs(_Measuring(p, self._text_sizes))
            if specs is not None:
                axis_spec, tick_specs, text_specs = specs
                self._draw_strip(p, axis_spec, text_specs, self._lines(tick_specs))
        finally:
            p.restore()

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph API)
        """pyqtgraph's specification of the lines and labels, for this bottom axis in fewer
        steps: the same specs (a test compares them), the labels measured once per text
        (see :class:`_Measuring`)."""
        st = self.style
        linked = self.linkedView()
        if (self.orientation != "bottom" or self._tickLevels is not None or not st["showValues"]
                or tuple(st["stopAxisAtTick"]) != (False, False) or linked is None):
            return super().generateDrawSpecs(p)
        if not isinstance(p, _Measuring):
            p = _Measuring(p, self._text_sizes)
        if st["tickFont"] is not None:
            p.setFont(st["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        tick_bounds = bounds if self.grid is False else linked.mapRectToItem(self, linked.boundingRect())
        span = (bounds.topLeft() + QtCore.QPointF(-1.0, 1.0), bounds.topRight() + QtCore.QPointF(1.0, 1.0))
        ends = [self.mapToDevice(point) for point in span]
        if None in ends:
            return None
        length = QtCore.QLineF(ends[0], ends[1]).length()
        if length == 0:
            return None
        levels = self.tickValues(self.range[0], self.range[1], length)
        lo, hi = self.range
        x_scale = bounds.width() / (hi - lo) if hi != lo else 1
        offset = lo * x_scale if hi != lo else 0
        x_min, x_max = sorted(v * x_scale - offset for v in self.range)
        start, stop = tick_bounds.top(), bounds.top()
        positions: list[list[float | None]] = []
        tick_specs = []
        for i, (_spacing, ticks) in enumerate(levels):
            tick_len = st["tickLength"] / (i * 0.5 + 1.0)
            pen = self._level_pen(i, len(ticks), length)
            drop = 0.0 if self.grid is not False else tick_len
            at = [(v * x_scale) - offset for v in ticks]
            at = [x if x_min <= x <= x_max else None for x in at]
            positions.append(at)
            tick_specs += [(pen, QtCore.QPointF(x, start), QtCore.QPointF(x, stop + drop)) for x in at if x is not None]
        axis_spec = (self.pen(), span[0], span[1])

        text_offset = st["tickTextOffset"][1]
        top = stop + (max(0, st["tickLength"]) + text_offset)  # pyqtgraph's sum, to the last bit
        flags = QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.TextFlag.TextDontClip
        box = self.boundingRect()
        text_size2 = last_size2 = 0
        widths: list[float] = []
        heights: list[float] = []
        text_specs = []
        for i in range(min(len(levels), st["maxTextLevel"] + 1)):
            spacing, values = levels[i]
            strings = self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)
            if not strings:
                continue
            sizes = [None if x is None else p.text_size(text) for x, text in zip(positions[i], strings, strict=True)]
            for size in sizes:
                if size is not None:
                    widths.append(size[0])
                    heights.append(size[1])
            text_size = np.sum(widths) if widths else 0
            text_size2 = np.max(heights) if heights else 0
            if i > 0 and any(len(text_specs) >= n and text_size / length >= limit for n, limit in st["textFillLimits"]):
                break  # too crowded: no labels for this level and the finer ones
            last_size2 = text_size2
            for x, text, size in zip(positions[i], strings, sizes, strict=True):
                if size is None:
                    continue
                rect = QtCore.QRectF(x - size[0] / 2.0, top, size[0], size[1])
                if box & rect == rect:
                    text_specs.append((rect, flags, text))
        self._updateMaxTextSize(last_size2)
        return axis_spec, tick_specs, text_specs

    def _level_pen(self, level: int, n_ticks: int, length: float) -> QtGui.QPen:
        """The pen of a level's ticks, faded as pyqtgraph fades them."""
        alpha = self.style["tickAlpha"]
        if alpha is None:
            alpha = 255 / (level + 1)
            if self.grid is not False:
                alpha *= self.grid / 255.0 * min(max(0.05 * length / (n_ticks + 1), 0.0), 1.0)
        elif isinstance(alpha, float):
            alpha = min(255, max(0, int(round(alpha * 255))))
        pen = self.tickPen()
        if pen.brush().style() == QtCore.Qt.BrushStyle.SolidPattern:
            pen = QtGui.QPen(pen)
            colour = QtGui.QColor(pen.color())
            colour.setAlpha(int(alpha))
            pen.setColor(colour)
        return pen

    def _lines(self, tick_specs) -> list[tuple[QtGui.QPen, list[QtCore.QLineF]]]:
        """The tick and grid lines by pen, to be drawn one call per pen: grid lines across
        the plot only for the labelled level (the minor levels' lines cost most of a frame
        and add little), the minor levels as short ticks."""
        by_pen: dict[int, tuple[QtGui.QPen, list[QtCore.QLineF]]] = {}
        major = id(tick_specs[0][0]) if tick_specs else None
        for pen, p1, p2 in tick_specs:
            line = QtCore.QLineF(p1, p2)
            if id(pen) != major and line.length() > MINOR_TICK_PX:
                line = QtCore.QLineF(line.pointAt(1 - MINOR_TICK_PX / line.length()), line.p2())
            by_pen.setdefault(id(pen), (pen, []))[1].append(line)
        return list(by_pen.values())

    @staticmethod
    def _draw_lines(p: QtGui.QPainter, lines) -> None:
        p.setRenderHint(p.RenderHint.Antialiasing, False)
        for pen, group in lines:
            p.setPen(pen)
            p.drawLines(group)

    def _draw_strip(self, p: QtGui.QPainter, axis_spec, text_specs, lines=()) -> None:
        """The axis line, then ``lines`` (tick and grid lines by pen, over it), then the labels
        that keep their distance (see :func:`spaced`)."""
        p.setRenderHint(p.RenderHint.Antialiasing, False)
        pen, p1, p2 = axis_spec
        p.setPen(pen)
        p.drawLine(p1, p2)
        self._draw_lines(p, lines)
        p.setRenderHint(p.RenderHint.TextAntialiasing, True)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        p.setPen(self.textPen())
        p.setClipRect(self.boundingRect().toAlignedRect())
        for rect, flags, text in spaced(text_specs):
            p.drawText(rect, int(flags), text)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        if maxVal <= minVal or size <= 0:
            return []
        ppy = size / (maxVal - minVal)
        self._kinds = {}
        levels: list[tuple[float, list[float]]] = []

        def add(spacing: float, kind: str, values) -> None:
            # Small offsets keep the spacing keys of different levels distinct.
            while spacing in self._kinds:
                spacing += 1e-9
            self._kinds[spacing] = kind
            levels.append((spacing, list(values)))

        def labelled(majors) -> bool:
            # A major label too near the left end is hidden by pyqtgraph: then the
            # first minor label says the year (and month) instead.
            return any((x - minVal) * ppy >= 40 for x in majors)

        def steps(step: float, lo: float = minVal, hi: float = maxVal) -> np.ndarray:
            first = math.ceil(lo / step - 1e-9)
            last = math.floor(hi / step + 1e-9)
            return np.arange(first, last + 1) * step

        if ppy / 12 >= 600:  # a month wider than ~600 px: label days
            day_px = ppy / 365.25
            ticks = _day_ticks(minVal, maxVal, 1 if day_px >= 28 else 7)
            firsts = [x for x, d in ticks if d == 1]
            add(1 / 12, "month-year", firsts)
            add(1 / 365.25, "day" if labelled(firsts) else "day-context", [x for x, d in ticks if d != 1])
            return levels
        if ppy >= 60:
            years = steps(1)
            add(1.0, "year", years)
            month = "month" if labelled(years) else "month-context"
            if ppy / 12 >= 36:
                sub, kind = 1 / 12, month
            elif ppy / 4 >= 40:
                sub, kind = 0.25, month
            elif ppy / 12 >= 5:
                sub, kind = 1 / 12, "tick"
            else:
                sub, kind = 0.25, "tick"
            minor = [x for x in steps(sub) if abs(x - round(x)) > 1e-6]
            add(sub, kind, minor)
            return levels
        major = next((s for s in _YEAR_STEPS if s * ppy >= 60), _YEAR_STEPS[-1])
        add(float(major), "year", steps(major))
        sub = next((s for s in _YEAR_STEPS if s < major and major % s == 0 and s * ppy >= 8), None)
        if sub is not None:
            add(float(sub), "tick", [x for x in steps(sub) if abs(x / major - round(x / major)) > 1e-6])
        return levels

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        kind = self._kinds.get(spacing, "year")
        zh = self.lang.startswith("zh")
        out = []
        for i, v in enumerate(values):
            if kind == "year":
                out.append(str(int(round(v))))
            elif kind in ("month", "month-context"):
                y = int(math.floor(v + 1e-9))
                m = int(round((v - y) * 12)) + 1
                if i == 0 and kind == "month-context":
                    out.append(f"{y}年{m}月" if zh else f"{_MONTHS_EN[m - 1]} {y}")
                else:
                    out.append(f"{m}月" if zh else _MONTHS_EN[m - 1])
            elif kind == "month-year":
                y, m, _ = _year_month_day(v)
                out.append(f"{y}年{m}月" if zh else f"{_MONTHS_EN[m - 1]} {y}")
            elif kind in ("day", "day-context"):
                y, m, d = _year_month_day(v)
                if kind == "day-context" and i == 0:  # no month start in view: say which month
                    out.append(f"{y}年{m}月{d}日" if zh else f"{d} {_MONTHS_EN[m - 1]} {y}")
                else:
                    out.append(f"{d}日" if zh else str(d))
            else:
                out.append("")
        return out


@dataclass
class LaneGeometry:
    """What the lane axis needs to draw one lane label."""

    key: str
    label: str
    depth: int
    top: float
    bottom: float
    empty: bool


class LaneAxis(pg.AxisItem):
    """Lane labels on the left of the plot, indented by depth; a click selects lanes.

    Signals
    -------
    sigLaneClicked(key, modifiers)
        A single click on a lane label.
    sigLaneDoubleClicked(key)
        A double click on a lane label.
    """

    sigLaneClicked = QtCore.Signal(str, object)
    sigLaneDoubleClicked = QtCore.Signal(str)

    INDENT = 12
    PAD = 6
    MIN_WIDTH, MAX_WIDTH = 90, 260

    def __init__(self, font: QtGui.QFont, **kw):
        super().__init__("left", **kw)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._lanes: list[LaneGeometry] = []
        self._tops = np.zeros(0)
        self._selected: set[str] = set()
        self._indent = True
        self.label_font = QtGui.QFont(font)
        self._metrics = QtGui.QFontMetricsF(self.label_font)
        self._texts = StaticTexts(limit=2000)  # laid out once (an elided label once per width)
        self._max_width = self.MAX_WIDTH
        self._widest = 80.0  # extent of every label the lane mode can show (fit_labels)
        self.setWidth(160)
        self.setAcceptHoverEvents(True)

    # ------------------------------------------------------------------ data
    def set_lanes(self, lanes: list[LaneGeometry], indent: bool) -> None:
        if lanes == self._lanes and indent == self._indent:
            return  # most filter changes keep the lanes: keep the cached drawing too
        self._lanes = lanes
        self._tops = np.array([g.top for g in lanes])
        self._indent = indent
        self.update()

    def fit_labels(self, labels: list[tuple[str, int]], indent: bool) -> None:
        """Size the axis for every ``(label, depth)`` lane the current mode can show.

        Filters then never change its width: a width following the lanes shown would shift
        the time axis sideways and re-lay out the plot on every filter change.
        """
        self._widest = self._widest_of(labels, indent)
        self._fit_width()

    def _widest_of(self, labels: list[tuple[str, int]], indent: bool) -> float:
        """The extent of the widest label, or any extent past what the axis may ever take.

        Measuring a label shapes its text (~15 µs for Chinese when the app starts: ~3 ms
        for two hundred zones), so labels are measured longest-first by a bound on their
        width, until no label left could be wider, or one is wider than the axis can be
        (one or two measured: ~2 ms less at start-up).
        """
        fm = self._metrics
        # Bounds, with room to spare: a Chinese character (the CJK blocks) is as wide as
        # any other (the fallback font's, when the font has none); a Latin one at most the
        # font's widest glyph; any other (a symbol, perhaps from a fallback font) the larger
        # of the two.
        cjk, latin = fm.horizontalAdvance("国") * 1.05, fm.maxWidth() * 1.05
        other = max(cjk, latin)
        ceiling = self.MAX_WIDTH - 2 * self.PAD - 4  # a label past it is elided at every width
        bounds = sorted(((sum(cjk if _is_cjk(c) else latin if c < "\x80" else other for c in text) + 1
                          + (depth * self.INDENT if indent else 0), text, depth)
                         for text, depth in labels), reverse=True)
        widest = 80.0 if not labels else 0.0
        for bound, text, depth in bounds:
            if bound <= widest or widest > ceiling:
                break
            widest = max(widest, fm.horizontalAdvance(text) + (depth * self.INDENT if indent else 0))
        return widest

    def set_max_width(self, px: float) -> None:
        """Labels never take more than this (a share of the pane); longer ones are elided."""
        self._max_width = max(self.MIN_WIDTH, min(self.MAX_WIDTH, px))
        self._fit_width()

    def _fit_width(self) -> None:
        width = int(min(self._max_width, max(self.MIN_WIDTH, self._widest + 2 * self.PAD + 4)))
        if width != int(self.width()):
            self.setWidth(width)

    def set_selected(self, keys) -> None:
        if set(keys) != self._selected:
            self._selected = set(keys)
            self.update()

    def lane_at(self, local_y: float) -> LaneGeometry | None:
        """The lane under a position in this item's coordinates."""
        v = self._view_y(local_y)
        if v is None or not self._lanes:
            return None
        i = int(np.searchsorted(self._tops, v, side="right")) - 1
        if 0 <= i < len(self._lanes) and v < self._lanes[i].bottom:
            return self._lanes[i]
        return None

    def label_rect(self, key: str) -> QtCore.QRectF | None:
        """Where a lane's label is drawn, in this item's coordinates (tests click here)."""
        for g in self._lanes:
            if g.key == key:
                y0, y1 = self._local_y(g.top), self._local_y(g.bottom)
                return QtCore.QRectF(0, min(y0, y1), self.width(), abs(y1 - y0))
        return None

    # ------------------------------------------------------------------ geometry
    def _indent_px(self, g: LaneGeometry) -> float:
        return g.depth * self.INDENT if self._indent else 0

    def _local_y(self, view_y: float) -> float:
        vb = self.linkedView()
        if vb is None:
            return 0.0
        return self.mapFromScene(vb.mapViewToScene(QtCore.QPointF(0, view_y))).y()

    def _view_y(self, local_y: float) -> float | None:
        vb = self.linkedView()
        if vb is None:
            return None
        return vb.mapSceneToView(self.mapToScene(QtCore.QPointF(0, local_y))).y()

    # ------------------------------------------------------------------ drawing
    def paint(self, p, opt, widget):
        vb = self.linkedView()
        if vb is None:
            return
        rect = self.boundingRect()
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(self.label_font)
        fm = self._metrics
        w = self.width()
        (_, _), (vy0, vy1) = vb.viewRange()
        # The lanes' strip beside the plot: a label of a lane cut by the plot's edge stays in
        # it (the last lane's second line was drawn over the year axis below).
        shown = QtCore.QRectF(0, 0, w, self.height())
        p.save()  # the clip is the labels' only: the painter goes on to other items
        p.setClipRect(shown, QtCore.Qt.ClipOperation.IntersectClip)
        # View to item coordinates is affine: two points give it, not one mapping per lane.
        at0 = self._local_y(0.0)
        per_row = self._local_y(1.0) - at0
        first_px = abs(per_row) * (1 + LANE_PAD)
        for i, g in enumerate(self._lanes):
            if g.bottom < vy0 or g.top > vy1:
                continue
            y0, y1 = at0 + per_row * g.top, at0 + per_row * g.bottom
            r = QtCore.QRectF(0, min(y0, y1), w, abs(y1 - y0))
            if g.key in self._selected:
                p.fillRect(r, _SELECTED_FILL)
                p.fillRect(QtCore.QRectF(0, r.top(), 3, r.height()), _SELECTED_EDGE)
            elif not g.empty and i % 2:
                p.fillRect(r, LANE_SHADE)
            x = self.PAD + self._indent_px(g)
            p.setPen(_EMPTY_TEXT if g.empty else _TEXT)
            # Centre the label on the lane's first sub-row, so it sits beside its first events.
            row_h = min(r.height(), max(fm.height() + 4, first_px))
            top = r.top() + (row_h - fm.height()) / 2
            if top < shown.top():  # the lane's start is scrolled out above: its name stays in view
                top = min(shown.top() + 2, r.bottom() - fm.height())
                if top < shown.top():
                    continue  # the part in view is too low for a line
            # A label too long for the column takes more lines, as many as the lane has room for
            # in view (3 at most): a lane cut by the plot's bottom edge elides its label sooner.
            room = min(r.bottom(), shown.bottom())
            if top + fm.height() > room + 1:
                continue  # not even its first line is in view: no sliver of glyphs at the edge
            lines = min(LABEL_LINES, 1 + int((room - top - fm.height()) // fm.lineSpacing()))
            label = self._texts.wrapped(g.label, w - x - self.PAD, fm, self.label_font, lines)
            p.drawStaticText(QtCore.QPointF(x, top), label)
        p.restore()
        # The column's edge where the plot begins (the item's bounds reach a few pixels into
        # the plot, for pyqtgraph's tick labels): a bar starting before the view ends on it.
        p.setPen(_EDGE)
        p.drawLine(QtCore.QPointF(w - 0.5, rect.top()), QtCore.QPointF(w - 0.5, rect.bottom()))

    # ------------------------------------------------------------------ mouse
    def mouseClickEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        g = self.lane_at(ev.pos().y())
        if g is None:
            ev.ignore()
            return
        ev.accept()
        if ev.double():
            self.sigLaneDoubleClicked.emit(g.key)
        else:
            self.sigLaneClicked.emit(g.key, ev.modifiers())

    def hoverEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        if ev.isExit():
            self.setToolTip("")
            return
        g = self.lane_at(ev.pos().y())
        self.setToolTip(g.label if g is not None else "")

    def mouseDragEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        # Dragging the labels scrolls the lanes, as dragging the plot does.
        vb = self.linkedView()
        if vb is None:
            return
        ev.accept()
        dy = self._view_y(ev.lastPos().y()) - self._view_y(ev.pos().y())
        vb.translateBy(y=dy)

    def wheelEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        vb = self.linkedView()
        if vb is None:
            return
        ev.accept()
        rows = -ev.delta() / 120 * 3
        vb.translateBy(y=rows)


class TimeViewBox(pg.ViewBox):
    """Wheel and right-drag zoom time only; Shift+wheel scrolls the lanes."""

    def updateViewRange(self, forceX=False, forceY=False):  # noqa: N802 (pyqtgraph API)
        super().updateViewRange(forceX, forceY)
        # pyqtgraph defers the new transform to the next paint, and the transform change
        # then asks for a second paint of the whole plot; applying it now makes a pan
        # or zoom cost one frame.
        self.updateMatrix()

    def wheelEvent(self, ev, axis=None):  # noqa: N802 (pyqtgraph API)
        if ev.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier or ev.orientation() == QtCore.Qt.Orientation.Horizontal:
            ev.accept()
            if ev.orientation() == QtCore.Qt.Orientation.Horizontal:
                (x0, x1), _ = self.viewRange()
                self.translateBy(x=-ev.delta() / 120 * (x1 - x0) * 0.1)
            else:
                self.translateBy(y=-ev.delta() / 120 * 3)
            return
        super().wheelEvent(ev, axis=0)

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 (pyqtgraph API)
        if ev.button() & QtCore.Qt.MouseButton.RightButton:
            axis = 0
        super().mouseDragEvent(ev, axis)

    def keyPressEvent(self, ev):  # noqa: N802 (Qt API)
        ev.ignore()  # the pane's shortcuts handle keys; pyqtgraph's zoom history would swallow +/-


class TimelinePlotWidget(pg.PlotWidget):
    """Leaves plain arrow keys to the window (previous/next event)."""

    ARROWS = (QtCore.Qt.Key.Key_Left, QtCore.Qt.Key.Key_Right, QtCore.Qt.Key.Key_Up, QtCore.Qt.Key.Key_Down)

    def keyPressEvent(self, ev):  # noqa: N802 (Qt API)
        if ev.key() in self.ARROWS and not ev.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier:
            ev.ignore()
            return
        super().keyPressEvent(ev)
