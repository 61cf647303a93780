"""The timeline pane: one lane per zone (or category, or storyline), events along time.

The pane only draws and forwards intent: it reads ``session.mask`` and the selection,
and changes ``session.state`` / ``session.selection`` with itself as the initiator.
Geometry lives in :mod:`timeline_layout` (numpy, no Qt), drawing in
:mod:`timeline_canvas`, the axes and view box in :mod:`timeline_axes`.

Mouse: wheel or right-drag zooms time, left-drag pans, Shift+wheel scrolls the lanes;
click an event to select it, Ctrl/Shift-click to add or remove it; click a lane label
to select the lane, Ctrl-click for several, double-click to filter to it.  Keys (when
the pane has focus): +/- zoom, Shift+Left/Right or PageUp/PageDown pan, Shift+Up/Down
scroll lanes, Home fits all.  Plain arrow keys are left to the window.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from explorer.core.arrays import distinct
from explorer.core.session import Session
from explorer.gui.focus_ring import FocusRing
from explorer.gui.palette import category_colour
from explorer.gui.pane_keys import pane_shortcut
from explorer.gui.timeline_axes import LaneAxis, LaneGeometry, TimelinePlotWidget, TimeViewBox, YearAxis
from explorer.gui.timeline_canvas import TimelineCanvas
from explorer.gui.timeline_layout import PILE, UNSIZED_VIEW_ROWS, TimelineLayout, build_layout
from explorer.gui.timeline_legend import LegendEntry, TimelineLegend
from explorer.gui.timeline_toolbar import TimelineToolbar
from explorer.gui.timeline_tooltips import TimelineTooltips

ROW_PX = 17  # height of one sub-row in pixels
ZOOM_STEP = 1.6
MIN_SPAN = 14 / 365  # narrowest view: two weeks
CTRL = QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.MetaModifier
SHIFT = QtCore.Qt.KeyboardModifier.ShiftModifier


class TimelineView(QtWidgets.QWidget):
    """Events along time in lanes, linked to the session's filters and selection.

    Parameters
    ----------
    session
        The shared state; the pane listens to ``filtered``, ``selection.changed``,
        ``selection.lanes_changed``, ``lane_mode_changed`` and ``language_changed``.

    Attributes
    ----------
    plot_widget
        The ``pg.PlotWidget`` (used by the image exporter).
    toolbar, legend
        The toolbar above the plot and the legend strip below it.

    Public methods: :meth:`fit_all`, :meth:`zoom_to_selection`, :meth:`set_x_range`,
    :meth:`zoom`, :meth:`pan`, :meth:`lane_keys`, :meth:`rows_in_view`; for tests
    :meth:`item_extent`, :meth:`item_position`, :meth:`tooltip_at`, :meth:`labels`.
    """

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self._layout: TimelineLayout | None = None
        self._labels_fitted: tuple[str, str] | None = None  # (lane mode, language) the lane axis is sized for
        self._legend_for: tuple[str, bytes] | None = None  # (language, categories present) of the legend
        self._titles: dict[int, str] = {}
        self._brush_sync = False
        self._y_top = 0.0
        self._years = session.state.years  # the year filter the view last saw
        st = self.store
        lo = float(st.t_start.min()) if st.n else 2000.0
        hi = float(st.t_end.max()) if st.n else 2026.0
        self._x_extent = (lo - 3, hi + 3)

        self._build_ui()
        self.canvas = TimelineCanvas(self._vb, self.store, self.font())
        self.canvas.sig_clicked.connect(self._on_events_clicked)
        self.tooltips = TimelineTooltips(self.store, self)
        self._refresh_timer = QtCore.QTimer(self, singleShot=True, interval=40)
        self._refresh_timer.timeout.connect(self._refresh)
        self._relayout_timer = QtCore.QTimer(self, singleShot=True, interval=120)
        self._relayout_timer.timeout.connect(self._maybe_relayout)
        self._vb.sigRangeChanged.connect(self._on_range_changed)
        self._vb.sigResized.connect(self._on_resized)
        self._mouse: QtCore.QPointF | None = None  # where the mouse last moved on the plot (scene)
        self._tip = ""  # the tooltip shown for it
        self._hover_proxy = pg.SignalProxy(self.plot_widget.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._on_mouse_moved)

        links = ((session.filtered, self._on_filtered),
                 (session.selection.changed, self._on_selection_changed),
                 (session.selection.lanes_changed, self._on_lanes_changed),
                 (session.lane_mode_changed, self._on_lane_mode_changed),
                 (session.language_changed, self._on_language_changed))
        for signal, slot in links:
            signal.connect(slot)
        # The session may outlive the pane: stop listening when the widget goes.
        self.destroyed.connect(lambda *_: [signal.disconnect(slot) for signal, slot in links])

        self._sync_mode_combo()
        self._rebuild(fit_x=True)  # scrolled to the first lane: everything fitted, as fit_all() does
        self._sync_brush()

    # ------------------------------------------------------------------ UI
    def _build_ui(self) -> None:
        self.toolbar = TimelineToolbar(self)
        self.fit_action = self.toolbar.fit_action
        self.zoom_sel_action = self.toolbar.zoom_sel_action
        self.brush_action = self.toolbar.brush_action
        self.mode_combo = self.toolbar.mode_combo
        self.fit_action.triggered.connect(self.fit_all)
        self.zoom_sel_action.triggered.connect(self.zoom_to_selection)
        self.brush_action.toggled.connect(self._on_brush_toggled)
        self.mode_combo.currentIndexChanged.connect(self._on_mode_combo)

        self.year_axis = YearAxis("bottom")
        self.year_axis.set_lang(self.session.lang)
        self.lane_axis = LaneAxis(self.font())
        self.lane_axis.sigLaneClicked.connect(self._on_lane_clicked)
        self.lane_axis.sigLaneDoubleClicked.connect(self._on_lane_double_clicked)
        self._vb = TimeViewBox(enableMenu=False)
        self.plot_widget = TimelinePlotWidget(viewBox=self._vb, background="w",
                                              axisItems={"bottom": self.year_axis, "left": self.lane_axis})
        self.plot_widget.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.plot_widget.setAccessibleName(self.tr("Timeline"))
        self.plot_widget.setAccessibleDescription(self.tr(
            "Events in lanes over the years. ← and → step from event to event, + and − zoom, "
            "Home shows every event."))
        plot = self.plot_widget.getPlotItem()
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.showGrid(x=True, y=False, alpha=0.18)
        plot.layout.setContentsMargins(0, 4, 8, 0)
        for name in ("left", "bottom", "top", "right"):
            # No axis has units to prefix: without this, every range change (each pan or zoom
            # frame) re-typeset the empty labels of the axes it moves as HTML.
            plot.getAxis(name).enableAutoSIPrefix(False)
        for ax in (self.year_axis, self.lane_axis):
            ax.setPen(pg.mkPen("#9AA0A6"))
            ax.setTextPen(pg.mkPen("#3C4043"))
        self.year_axis.setStyle(tickTextOffset=4)
        self._vb.invertY(True)
        self._vb.enableAutoRange(enable=False)
        self._vb.setLimits(xMin=self._x_extent[0], xMax=self._x_extent[1], minXRange=MIN_SPAN,
                           maxXRange=self._x_extent[1] - self._x_extent[0])

        self._brush = pg.LinearRegionItem(orientation="vertical", brush=pg.mkBrush(255, 179, 0, 38),
                                          hoverBrush=pg.mkBrush(255, 179, 0, 60),
                                          pen=pg.mkPen("#E09600", width=2), hoverPen=pg.mkPen("#B36B00", width=3))
        self._brush.setZValue(5)  # above the lane bands, below the events (so they stay clickable)
        self._brush.hide()
        self._brush.sigRegionChangeFinished.connect(self._on_brush_finished)
        self._vb.addItem(self._brush, ignoreBounds=True)

        # Said over the plot when the filters leave nothing (as the table says it).
        self._empty_note = QtWidgets.QLabel(self.plot_widget.viewport())
        self._empty_note.setObjectName("timelineEmptyNote")
        self._empty_note.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self._empty_note.setWordWrap(True)
        pal = self._empty_note.palette()  # greyed, as the table's
        pal.setColor(QtGui.QPalette.ColorRole.WindowText,
                     pal.color(QtGui.QPalette.ColorGroup.Disabled, QtGui.QPalette.ColorRole.Text))
        self._empty_note.setPalette(pal)
        self._empty_note.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._empty_note.hide()

        self.scrollbar = QtWidgets.QScrollBar(QtCore.Qt.Orientation.Vertical, self)
        self.scrollbar.valueChanged.connect(lambda v: self._set_y_top(v / 100.0))
        self.legend = TimelineLegend(self)

        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.plot_widget, 1)
        self._focus_ring = FocusRing(self.plot_widget)  # where +, −, Home and the arrows go
        row.addWidget(self.scrollbar)
        box = QtWidgets.QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.toolbar)
        box.addLayout(row, 1)
        box.addWidget(self.legend)

        self.zoom_in_action = pane_shortcut(self, ["+", "=", "Ctrl++"], lambda: self.zoom(1 / ZOOM_STEP))
        self.zoom_out_action = pane_shortcut(self, ["-", "Ctrl+-"], lambda: self.zoom(ZOOM_STEP))
        self.earlier_action = pane_shortcut(self, ["Shift+Left", "PgUp"], lambda: self.pan(-0.25))
        self.later_action = pane_shortcut(self, ["Shift+Right", "PgDown"], lambda: self.pan(0.25))
        self.lanes_up_action = pane_shortcut(self, ["Shift+Up"], lambda: self._set_y_top(self._y_top - 3))
        self.lanes_down_action = pane_shortcut(self, ["Shift+Down"], lambda: self._set_y_top(self._y_top + 3))
        self.home_action = pane_shortcut(self, ["Home"], self.fit_all)
        self._retranslate()

    def _retranslate(self) -> None:
        """Every user-visible string of the pane's own chrome (again on a language change)."""
        for act, text in ((self.zoom_in_action, self.tr("Zoom in")), (self.zoom_out_action, self.tr("Zoom out")),
                          (self.earlier_action, self.tr("Earlier")), (self.later_action, self.tr("Later")),
                          (self.lanes_up_action, self.tr("Scroll lanes up")),
                          (self.lanes_down_action, self.tr("Scroll lanes down")),
                          (self.home_action, self.tr("Fit all"))):
            act.setText(text)
        self._empty_note.setText(self.tr("No events match the current filters."))
        if self._layout is not None:
            self._legend_for = None  # the legend's own words are new
            self._update_legend()

    def changeEvent(self, ev):  # noqa: N802 (Qt API)
        if ev.type() == QtCore.QEvent.Type.LanguageChange:
            self._retranslate()
            self.toolbar.retranslate()
        super().changeEvent(ev)

    # ------------------------------------------------------------------ public API
    def lane_keys(self) -> list[str]:
        """Keys of the lanes shown, top to bottom."""
        return self._layout.lane_keys() if self._layout is not None else []

    def rows_in_view(self) -> np.ndarray:
        """Event rows overlapping the visible part of the timeline (sorted, unique)."""
        lay = self._layout
        if lay is None or not lay.n:
            return np.zeros(0, dtype=np.int64)
        (x0, x1), (y0, y1) = self._vb.viewRange()
        return distinct(lay.row[lay.visible(x0, x1, min(y0, y1), max(y0, y1))])

    def fit_all(self) -> None:
        """Show every filtered event along time and scroll to the first lane (or, when that
        would hide the active event, just far enough to show it)."""
        self._fit_x()
        self._set_y_top(0)
        active = self.session.selection.active
        if active is not None:
            self._reveal_row(active, along_time=False)

    def _fit_x(self) -> None:
        """Show the filtered events along time: with a year filter, the filter's years (within
        the events' extent), not the whole span of long events that merely overlap them."""
        rows = self.session.rows
        lay = self._layout  # laid out for these rows (it is made before any fitting)
        if 0 < len(rows) < self.store.n:
            # The layout's spans are the filtered events' (every one of them has an item),
            # gathered already: gathering them from the store again takes ~2 ms at 1M events.
            lo, hi = float(lay.x0.min()), float(lay.x1.max())
        else:  # every event (or none): the extent of all of them
            lo, hi = self._x_extent[0] + 3, self._x_extent[1] - 3
        pad_lo = pad_hi = max(0.5, (hi - lo) * 0.02)
        years = self.session.state.years
        if years is not None and len(rows):  # (every filtered event overlaps the years)
            y0, y1 = float(years[0]), float(years[1] + 1)  # year y covers [y, y + 1)
            edge = max(1 / 12, (min(hi, y1) - max(lo, y0)) * 0.04)  # room beside the brush's edge
            if y0 > lo:
                lo, pad_lo = y0, edge
            if y1 < hi:
                hi, pad_hi = y1, edge
        self.set_x_range(lo - pad_lo, hi + pad_hi)

    def zoom_to_selection(self) -> None:
        """Frame the selected events (those shown) in time and scroll to them."""
        lay = self._layout
        sel = self.session.selection
        if lay is None or not sel.rows:
            return
        items = np.flatnonzero(np.isin(lay.row, np.fromiter(sel.rows, np.int64, len(sel.rows))))
        if not len(items):
            return
        lo, hi = float(lay.x0[items].min()), float(lay.x1[items].max())
        pad = max(0.25, (hi - lo) * 0.15)
        self.set_x_range(lo - pad, hi + pad)
        focus = items[lay.row[items] == sel.active] if sel.active is not None else items
        self._ensure_y_visible(float(lay.y[(focus if len(focus) else items)[0]]))

    def set_x_range(self, x0: float, x1: float) -> None:
        """Show the years ``x0``–``x1`` (fractional)."""
        self._vb.setXRange(x0, x1, padding=0)

    def view_state(self) -> tuple[float, float, str | None, float]:
        """The years shown and the lane at the top (its key, and how far down it the view
        starts), for :meth:`restore_view` on a pane made anew (a language switch: lanes
        may be taller or shorter there, their labels wrapping differently)."""
        (x0, x1), _ = self._vb.viewRange()
        lay, top = self._layout, self._y_top
        i = lay.lane_at(top) if lay is not None else None
        if i is None:
            return x0, x1, None, top
        return x0, x1, lay.lanes[i].key, top - float(lay.lane_top[i])

    def restore_view(self, state: tuple[float, float, str | None, float]) -> None:
        x0, x1, key, offset = state
        self.set_x_range(x0, x1)
        lay = self._layout
        keys = lay.lane_keys() if lay is not None else []
        if key in keys:
            i = keys.index(key)
            self._set_y_top(float(lay.lane_top[i]) + min(offset, float(lay.lane_height[i]) - 1))
        elif key is None:
            self._set_y_top(offset)

    def zoom(self, factor: float) -> None:
        """Zoom time around the view's centre (``factor`` < 1 zooms in)."""
        (x0, x1), _ = self._vb.viewRange()
        c, half = (x0 + x1) / 2, (x1 - x0) / 2 * factor
        self.set_x_range(c - half, c + half)

    def pan(self, fraction: float) -> None:
        """Move along time by a fraction of the visible span."""
        (x0, x1), _ = self._vb.viewRange()
        d = (x1 - x0) * fraction
        self.set_x_range(x0 + d, x1 + d)

    def labels(self):
        """The title and count labels currently drawn (for tests)."""
        return list(self.canvas.labels.labels)

    def item_extent(self, row: int) -> tuple[str, float, float] | None:
        """How event ``row`` is drawn: ``("bar", x0, x1)``, ``("point", x, x)`` or
        ``("cluster", x0, x1)`` for one aggregated in an overflow cluster."""
        lay = self._layout
        if lay is None:
            return None
        items = np.flatnonzero(lay.row == row)
        if not len(items):
            return None
        i = int(items[0])
        g = lay.group[i]
        if g >= 0:
            return ("pile" if lay.g_kind[g] == PILE else "cluster", float(lay.g_x0[g]), float(lay.g_x1[g]))
        k = np.flatnonzero(self.canvas.bars.payload == i)
        if len(k):
            g = self.canvas.bars.bars()[k[0]]
            return ("bar", float(g[0]), float(g[1]))
        x, _ = self.canvas.points.positions()
        k = np.flatnonzero(self.canvas.points.payload == i)
        if len(k):
            return ("point", float(x[k[0]]), float(x[k[0]]))
        return None

    def item_position(self, row: int) -> QtCore.QPointF | None:
        """A point inside event ``row``'s mark, in view (data) coordinates."""
        lay = self._layout
        items = np.flatnonzero(lay.row == row) if lay is not None else []
        if not len(items):
            return None
        i = int(items[0])
        g = lay.group[i]
        if g >= 0:
            return QtCore.QPointF((lay.g_x0[g] + lay.g_x1[g]) / 2, lay.g_y[g])
        return QtCore.QPointF((lay.x0[i] + lay.x1[i]) / 2, lay.y[i])

    def tooltip_at(self, x: float, y: float) -> str:
        """The hover text for a point in view coordinates ('' if nothing is there)."""
        (x0, x1), _ = self._vb.viewRange()
        px = (x1 - x0) / max(1.0, self._vb.width())
        hit = self.canvas.hit(QtCore.QPointF(x, y), px)
        if hit is None:
            return ""
        kind, what = hit
        lang = self.session.lang
        if kind == "item":
            return self.tooltips.for_event(int(self._layout.row[what]), lang)
        if kind == "group":
            return self.tooltips.for_group(self._layout, what, lang)
        return self.tooltips.for_density(what[1])

    # ------------------------------------------------------------------ building
    def _view_rows(self) -> float:
        # Before the pane is shown its plot has pyqtgraph's default size, which says nothing.
        h = self._vb.height() if self.isVisible() else 0
        return max(4.0, h / ROW_PX) if h > 20 else UNSIZED_VIEW_ROWS

    def _rebuild(self, fit_x: bool = False) -> None:
        """Lay out the filtered rows in the current lane mode and redraw everything (with
        ``fit_x``, along the time they span first: see :meth:`_fit_x`)."""
        s = self.session
        # Let the previous layout go first: at a million events two at once are ~100 MB more.
        self._layout = self.canvas.layout = None
        lay = build_layout(self.store, s.lane_mode, s.mask, view_rows=self._view_rows(), rows=s.rows)
        self._layout = lay
        if fit_x:  # before the drawing below, so that it shows the new range
            self._fit_x()
        if self._empty_note.isHidden() != bool(lay.n):
            self._empty_note.setVisible(not lay.n)
            self._place_empty_note()
        self.canvas.set_layout(lay, self._x_extent)
        self._update_lane_labels()
        self.canvas.set_lane_selection(s.selection.lanes)
        self.lane_axis.set_selected(s.selection.lanes)
        self._update_y_limits()
        self._update_legend()
        self._update_selection()
        self._refresh()

    def _maybe_relayout(self) -> None:
        """After a resize: lanes may stack deeper (or must stack shallower)."""
        lay = self._layout
        if lay is not None and lay.cap_for(self._view_rows()) != lay.cap:
            self._rebuild()

    def _update_lane_labels(self) -> None:
        lay = self._layout
        lang = self.session.lang
        mode = self.session.lane_mode
        if self._labels_fitted != (mode, lang):
            self._labels_fitted = (mode, lang)
            self.lane_axis.fit_labels([(lane.label(lang), lane.depth) for lane in self.store.all_lanes(mode)],
                                      indent=mode == "zone")
        geo = [LaneGeometry(lane.key, lane.label(lang), lane.depth, float(t), float(t + h), c == 0)
               for lane, t, h, c in zip(lay.lanes, lay.lane_top, lay.lane_height, lay.lane_count, strict=True)]
        self.lane_axis.set_lanes(geo, indent=mode == "zone")

    def _update_legend(self) -> None:
        st, lang = self.store, self.session.lang
        present = self.session.categories_present()
        key = (lang, present.tobytes())
        if key == self._legend_for:
            return  # the same categories dimmed: most filter changes
        self._legend_for = key
        entries = [LegendEntry("fill", c.name(lang), category_colour(c.index), dimmed=not present[c.index])
                   for c in st.categories]
        grey = "#5F6368"
        entries += [
            LegendEntry("break"),
            LegendEntry("point", self.tr("exact day"), grey,
                        tip=self.tr("A point is an event known to the day; a bar spans the year or month "
                                    "its date is known to")),
            LegendEntry("hollow", self.tr("inferred"), grey, tip=self.tr("The date is inferred from the text")),
            LegendEntry("dashed", self.tr("planned"), grey, tip=self.tr("Planned, not (yet) reported as done")),
            LegendEntry("badge", self.tr("disputed"), tip=self.tr("Sources disagree about this event")),
            LegendEntry("pile", self.tr("same date"),
                        tip=self.tr("Several events on the same date, striped by category; click to select them")),
            LegendEntry("overflow", self.tr("more"),
                        tip=self.tr("More overlapping events than the lane has rows; click to select them")),
        ]
        self.legend.set_entries(entries)

    # ------------------------------------------------------------------ vertical scrolling
    def _update_y_limits(self) -> None:
        rows = self._view_rows()
        total = self._layout.height if self._layout is not None else 0.0
        self._vb.setLimits(yMin=0, yMax=max(total, rows), minYRange=rows, maxYRange=rows)
        extra = max(0.0, total - rows)
        self.scrollbar.blockSignals(True)
        self.scrollbar.setRange(0, int(np.ceil(extra * 100)))
        self.scrollbar.setPageStep(int(rows * 100))
        self.scrollbar.setSingleStep(100)
        self.scrollbar.blockSignals(False)
        # Always shown (disabled when everything fits): a scroll bar appearing and going with
        # the filter would resize the plot and re-lay out the whole pane on every change.
        self.scrollbar.setEnabled(extra > 0)
        self._set_y_top(self._y_top)

    def _set_y_top(self, top: float) -> None:
        rows = self._view_rows()
        total = self._layout.height if self._layout is not None else 0.0
        top = float(min(max(0.0, top), max(0.0, total - rows)))
        self._y_top = top
        self._vb.setYRange(top, top + rows, padding=0)

    def _ensure_y_visible(self, y: float) -> None:
        rows = self._view_rows()
        if not (self._y_top + 0.5 <= y <= self._y_top + rows - 0.5):
            self._set_y_top(y - rows / 3)

    def _place_empty_note(self) -> None:
        """The empty timeline's note: across the plot's data area, in its middle."""
        if not self._empty_note.isHidden():
            area = self.plot_widget.mapFromScene(self._vb.sceneBoundingRect()).boundingRect()
            self._empty_note.setGeometry(area.adjusted(12, 12, -12, -12))

    def _on_resized(self) -> None:
        self._place_empty_note()
        self.lane_axis.set_max_width(0.24 * self.plot_widget.width())
        self._update_y_limits()
        self._relayout_timer.start()
        self._refresh_timer.start()

    def _on_range_changed(self, vb, ranges, changed=None) -> None:
        _, (y0, y1) = self._vb.viewRange()
        self._y_top = min(y0, y1)
        self.scrollbar.blockSignals(True)
        self.scrollbar.setValue(int(round(self._y_top * 100)))
        self.scrollbar.blockSignals(False)
        self._refresh_timer.start()

    def _refresh(self) -> None:
        (x0, x1), (y0, y1) = self._vb.viewRange()
        self.canvas.refresh((x0, x1), (min(y0, y1), max(y0, y1)), self._vb.width(), self._titles_for)
        self._refresh_timer.stop()  # a refresh queued meanwhile (e.g. by a range set before this) has nothing to add

    def _titles_for(self, rows: list[int]) -> list[str]:
        lang = self.session.lang
        missing = [r for r in rows if r not in self._titles]
        if missing:
            for rec in self.store.records(missing):
                self._titles[rec.row] = rec.title(lang)
        return [self._titles.get(r, "") for r in rows]

    # ------------------------------------------------------------------ session → view
    def _on_filtered(self, session, initiator) -> None:
        fitted = False
        if session.state.years != self._years:
            self._years = session.state.years
            # Years set, changed or cleared elsewhere (not brushed here): show them.
            fitted = initiator is not self and len(session.rows) > 0  # every filtered event is in that range
        self._rebuild(fit_x=fitted)
        self._sync_brush()
        lay = self._layout
        if initiator is not self and lay.n and not fitted:
            (x0, x1), _ = self._vb.viewRange()
            if not lay.in_lanes_visible(x0, x1).any():  # nothing left in view
                self.fit_all()
        self._refresh_hover()

    def _on_selection_changed(self, selection, initiator) -> None:
        self._update_selection()
        if initiator is not self and selection.active is not None:
            self._reveal_row(selection.active)

    def _on_lanes_changed(self, selection, initiator) -> None:
        self.canvas.set_lane_selection(selection.lanes)
        self.lane_axis.set_selected(selection.lanes)
        if initiator is not self and selection.lanes and self._layout is not None:
            keys = self._layout.lane_keys()
            if selection.lanes[0] in keys:
                i = keys.index(selection.lanes[0])
                self._ensure_y_visible(float(self._layout.lane_top[i]) + 0.5)

    def _on_lane_mode_changed(self, session, initiator) -> None:
        self._sync_mode_combo()
        self._set_y_top(0)  # the new lanes from the first: scrolled there before they are drawn, once
        self._rebuild()
        active = session.selection.active
        if active is not None and self._layout is not None:
            self._reveal_row(active, along_time=False)  # the selected event stays in sight, in its new lane
        self._refresh_hover()

    def _on_language_changed(self, session) -> None:
        self._titles.clear()
        self.year_axis.set_lang(session.lang)
        self._update_lane_labels()
        self._update_legend()
        self.canvas.labels.set_labels([])
        self._refresh()
        self._refresh_hover()

    def _update_selection(self) -> None:
        sel = self.session.selection
        self.canvas.set_selection(sel.rows, sel.active)

    def _reveal_row(self, row: int, along_time: bool = True) -> None:
        """Scroll the lanes and pan time (keeping the zoom) just enough to show event ``row``'s
        mark, chosen elsewhere; nothing moves when it is in view already.  In storyline mode
        an event has a mark in each of its lanes: one in view will do, else the nearest."""
        lay = self._layout
        items = np.flatnonzero(lay.row == row) if lay is not None else []
        if not len(items):
            return
        g = lay.group[items]
        a, b = lay.x0[items], lay.x1[items]
        if (g >= 0).any():  # the mark: its own, or its pile's or cluster's
            a, b = np.where(g >= 0, lay.g_x0[g], a), np.where(g >= 0, lay.g_x1[g], b)
        y = lay.y[items]
        (x0, x1), _ = self._vb.viewRange()
        span = x1 - x0
        edge = 4 * span / max(1.0, self._vb.width())  # a mark this close to an edge is hardly seen
        rows = self._view_rows()
        in_x = (b >= x0 + edge) & (a <= x1 - edge) if along_time else np.ones(len(items), bool)
        in_y = (y - 0.5 >= self._y_top) & (y + 0.5 <= self._y_top + rows)
        if (in_x & in_y).any():
            return
        k = int(np.argmin(np.abs(y - (self._y_top + rows / 2)) + np.where(in_x, 0.0, 0.5 * rows)))
        if not in_x[k]:
            margin = 0.05 * span
            lo, hi = float(a[k]), float(b[k])
            # Left of the view: its start at the left margin; right of it: its end at the right
            # margin, unless that hides its start (a mark wider than the view).
            new_x0 = lo - margin if hi < x0 + edge else min(hi + margin - span, lo - margin)
            self.set_x_range(new_x0, new_x0 + span)
        if not in_y[k]:
            # The whole lane when it fits (its label and neighbours give the mark context),
            # else the mark's sub-row; scrolled the least that shows it.
            li = int(lay.lane[items[k]])
            top, bottom = float(lay.lane_top[li]), float(lay.lane_top[li] + lay.lane_height[li])
            if bottom - top > rows:
                top, bottom = float(y[k]) - 1, float(y[k]) + 1
            self._set_y_top(top if top < self._y_top else bottom - rows)

    def _sync_mode_combo(self) -> None:
        i = self.mode_combo.findData(self.session.lane_mode)
        self.mode_combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(max(0, i))
        self.mode_combo.blockSignals(False)

    def _sync_brush(self) -> None:
        """Show the brush exactly when a year filter is set (whoever set it)."""
        years = self.session.state.years
        self._brush_sync = True
        try:
            self.brush_action.setChecked(years is not None)
            if years is not None:
                self._brush.setRegion((years[0], years[1] + 1))
                self._brush.show()
            else:
                self._brush.hide()
        finally:
            self._brush_sync = False

    # ------------------------------------------------------------------ view → session
    def _on_events_clicked(self, rows: list[int], modifiers) -> None:
        sel = self.session.selection
        extend = bool(modifiers & (CTRL | SHIFT))
        if len(rows) == 1:
            if modifiers & CTRL:  # add or take away, as in a list
                sel.toggle(rows[0], self)
            elif extend:  # Shift: add (an event added again stays, and becomes the active one)
                sel.set(sel.rows | {rows[0]}, rows[0], self)
            else:
                sel.select_one(rows[0], self)
        elif rows:
            group = set(rows)  # a pile or a "+N" mark: its events together
            if modifiers & CTRL and group <= sel.rows:  # all selected: Ctrl takes them away, as for one
                rest = sel.rows - group
                sel.set(rest, sel.active if sel.active in rest else None, self)
            else:
                sel.set((sel.rows | group) if extend else rows, rows[0], self)

    def _on_lane_clicked(self, key: str, modifiers) -> None:
        if modifiers & CTRL:
            self.session.selection.toggle_lane(key, self)
        else:
            self.session.selection.set_lanes([key], self)

    def select_active_lanes(self) -> bool:
        """Select the timelines the active event sits in (in storyline mode, each of its
        storylines): a lane label's click, from the keyboard.  Whether there were any."""
        lay, row = self._layout, self.session.selection.active
        if lay is None or row is None:
            return False
        keys = lay.lane_keys()
        lanes = [keys[int(i)] for i in np.unique(lay.lane[lay.row == row])]
        if lanes:
            self.session.selection.set_lanes(lanes, None)
        return bool(lanes)

    def _on_lane_double_clicked(self, key: str) -> None:
        kind, _, ident = key.partition(":")
        field = {"zone": "zones", "category": "categories", "storyline": "storylines"}.get(kind)
        if field and ident:
            self.session.state.update(self, **{field: {ident}})

    def _on_mode_combo(self, index: int) -> None:
        self.session.set_lane_mode(self.mode_combo.itemData(index), self)

    def _on_brush_toggled(self, on: bool) -> None:
        if self._brush_sync:
            return
        if not on:
            self._brush.hide()
            self.session.state.update(self, years=None)
            return
        (x0, x1), _ = self._vb.viewRange()
        third = (x1 - x0) / 3
        y0 = int(np.floor(x0 + third))
        y1 = max(y0, int(np.ceil(x1 - third)) - 1)
        self._brush_sync = True
        self._brush.setRegion((y0, y1 + 1))
        self._brush.show()
        self._brush_sync = False
        self.session.state.update(self, years=(y0, y1))

    def _on_brush_finished(self, region_item=None) -> None:
        if self._brush_sync:
            return
        r0, r1 = self._brush.getRegion()
        y0 = int(round(r0))
        y1 = max(y0, int(round(r1)) - 1)
        self._brush_sync = True
        self._brush.setRegion((y0, y1 + 1))
        self._brush_sync = False
        self.session.state.update(self, years=(y0, y1))

    # ------------------------------------------------------------------ hover
    def _on_mouse_moved(self, args) -> None:
        pos = args[0]
        if not self._vb.sceneBoundingRect().contains(pos):
            self._mouse = None
            return
        self._mouse = QtCore.QPointF(pos)
        self._show_hover(pos)

    def _show_hover(self, pos: QtCore.QPointF) -> None:
        """Tooltip and cursor for the mouse at ``pos`` (scene coordinates)."""
        p = self._vb.mapSceneToView(pos)
        text = self.tooltip_at(p.x(), p.y())
        view = self.plot_widget
        if text:
            QtWidgets.QToolTip.showText(view.viewport().mapToGlobal(view.mapFromScene(pos)), text, view)
            view.viewport().setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        else:
            QtWidgets.QToolTip.hideText()
            view.viewport().unsetCursor()
        self._tip = text

    def _refresh_hover(self) -> None:
        """The events changed under a mouse that did not move: a tooltip of ours on show
        describes what is there now (or goes)."""
        tip = QtWidgets.QToolTip
        if self._mouse is not None and self._tip and tip.isVisible() and tip.text() == self._tip:
            self._show_hover(self._mouse)
