"""Zone markers on the map: one item stamps every marker from one image atlas.

The map's markers were a pyqtgraph ``ScatterPlotItem``, whose ``setData`` rebuilds a
record per spot and maps every spot's pen and brush in Python: about 1 ms per filter
change for the map's places, plus its paint.  Here a marker is a row of arrays and a
style code, and a paint stamps them all with one ``drawPixmapFragments`` call, from
pyqtgraph's own :class:`SymbolAtlas` (so each marker image is exactly the one the
``ScatterPlotItem`` drew).  Hover and click behave as the ``ScatterPlotItem``'s did.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
from pyqtgraph.graphicsItems.ScatterPlotItem import SymbolAtlas, drawSymbol
from PySide6 import QtCore, QtGui

from explorer.gui.timeline_items import DeviceLayer, ReportsClicks, row_pointers

TIP_CUTOFF = 3  # tooltips of this many markers under the mouse at most, topmost first
# An atlas holding more images than this, and four times as many as there are markers, is
# drawn afresh with only the images in use (pyqtgraph's own rule for its items).
ATLAS_MAX = 1000
_symbol_keys = itertools.count()


def _symbol_key(symbol) -> object:  # noqa: ANN001 (a symbol name or a QPainterPath)
    """A key for a symbol: its name, or a number given to a path the first time it is met
    (a path's ``id`` could be reused by a new path once the old one is gone).  The atlas
    numbers paths the same way, but in a private method."""
    if isinstance(symbol, str):
        return symbol
    key = getattr(symbol, "_marker_key", None)
    if key is None:
        key = symbol._marker_key = next(_symbol_keys)
    return key


class MarkerLayer(ReportsClicks, DeviceLayer):
    """Markers of a fixed pixel size at map positions, later ones drawn on top.

    Parameters
    ----------
    styles
        ``(pen, brush)`` per style code.
    hover_pen
        The pen of the markers under the mouse (``None``: unchanged on hover).
    tip
        ``tip(data=payload) -> str``: the tooltip of a marker.

    ``sigClicked(item, payload, event)``: the payload of the markers under a left click,
    topmost first.
    """

    sigClicked = QtCore.Signal(object, object, object)

    def __init__(self, styles: Sequence[tuple[QtGui.QPen, QtGui.QBrush]], hover_pen: QtGui.QPen | None = None,
                 tip: Callable[..., str] | None = None):
        super().__init__()
        self.styles = list(styles)
        self.hover_pen = hover_pen
        self.tip = tip
        self.fragmentAtlas = SymbolAtlas()  # (the name pyqtgraph's items give theirs)
        # Outline width per style, in whole pixels: a marker's image is its symbol plus this.
        self._pen_px = np.array([max(math.ceil(pen.widthF()), 1) for pen, _ in self.styles], np.float64)
        self._x = self._y = self._size = np.zeros(0)
        self._symbol: list = []
        self._style = np.zeros(0, np.int64)
        self._payload = np.zeros(0, np.int64)
        self._hovered = np.zeros(0, bool)
        self._src: np.ndarray | None = None  # per marker: its image in the atlas (x, y, w, h), made at paint
        self._rects: dict[tuple, tuple] = {}  # (symbol, size, style, hovered) -> its image in the atlas
        self._tip_cleared = True
        self._under_mouse: list[int] = []  # the payloads under the mouse, topmost first
        # The layers whose markers share the view's tooltip (this one among them): the
        # topmost layer with a marker under the mouse gives it, as a click goes to it.
        self.tip_group: list[MarkerLayer] = [self]
        self._mouse: QtCore.QPointF | None = None  # where the mouse rests on the layer (scene), if it does

    def set_markers(self, x, y, size, symbol: list, style, payload) -> None:
        """One marker per entry: position (data coordinates), diameter (pixels), symbol
        (a pyqtgraph symbol name, or a QPainterPath of unit size), style code and payload."""
        self._x, self._y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        self._size = np.asarray(size, np.float64)
        self._symbol = list(symbol)
        self._style = np.asarray(style, np.int64)
        self._payload = np.asarray(payload, np.int64)
        self._hovered = np.zeros(len(self._x), bool)
        self._src = None
        self.update()

    def refresh_hover(self) -> None:
        """The mouse did not move, but what lies under it (or its tooltip) may have
        changed: outline and describe what is there now (the owner calls this, in the
        layers' stacking order, after changing them)."""
        if self._mouse is not None:
            self._hover(self._mask_at(self.mapFromScene(self._mouse)))

    @property
    def data(self) -> np.ndarray:
        """The markers as pyqtgraph's ``ScatterPlotItem.data`` holds its spots (x, y, size,
        symbol, pen, brush, data), in drawing order: what the map shows, for inspection."""
        out = np.empty(len(self._x), dtype=[("x", float), ("y", float), ("size", float), ("symbol", object),
                                            ("pen", object), ("brush", object), ("data", object)])
        out["x"], out["y"], out["size"] = self._x, self._y, self._size
        out["symbol"] = self._symbol
        out["pen"] = [self.styles[k][0] for k in self._style.tolist()]
        out["brush"] = [self.styles[k][1] for k in self._style.tolist()]
        out["data"] = self._payload.tolist()
        return out

    # ------------------------------------------------------------------ drawing
    def _sources(self, dpr: float) -> np.ndarray:
        """Each marker's image in the atlas, drawn into it the first time a style is met."""
        atlas = self.fragmentAtlas
        if atlas.devicePixelRatio() != dpr:  # a screen of another pixel ratio: draw them all again
            atlas.setDevicePixelRatio(dpr)
            atlas.clear()
            self._rects.clear()
            self._src = None
        if self._src is None:
            if len(atlas) > ATLAS_MAX and len(atlas) > 4 * len(self._x):  # e.g. edge arrows of many past pans
                atlas.clear()
                self._rects.clear()
            keys = list(zip(map(_symbol_key, self._symbol), self._size.tolist(), self._style.tolist(),
                            self._hovered.tolist(), strict=True))
            sample = dict(zip(keys, range(len(keys)), strict=True))  # a marker of each key (its last)
            missing = [k for k in sample if k not in self._rects]
            if missing:
                coords = atlas[[self._atlas_style(sample[k]) for k in missing]]
                self._rects.update(zip(missing, coords, strict=True))
            self._src = np.array([self._rects[k] for k in keys], np.float64).reshape(-1, 4)
        return self._src

    def _atlas_style(self, k: int) -> tuple:
        """Marker ``k``'s (symbol, size, pen, brush), as the atlas draws it."""
        pen, brush = self.styles[int(self._style[k])]
        if self._hovered[k] and self.hover_pen is not None:
            pen = self.hover_pen
        return self._symbol[k], float(self._size[k]), pen, brush

    def paint(self, p, *args):
        n = len(self._x)
        if not n:
            return
        p.save()
        x, y = self._in_pixels(p, self._x, self._y)
        if self._exportOpts:  # an image export, maybe larger than the screen: vector symbols
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, self._exportOpts.get("antialias", True))
            base = p.transform()
            for k in range(n):
                pen, brush = self.styles[int(self._style[k])]
                p.setTransform(base)
                p.translate(float(x[k]), float(y[k]))
                drawSymbol(p, self._symbol[k], float(self._size[k]), pen, brush)
            p.restore()
            return
        # The atlas is drawn at the screen's pixel ratio; a paint with no widget (a scene
        # rendered into an image) keeps it, as pyqtgraph's items do.
        widget = args[1] if len(args) > 1 else None
        dpr = widget.devicePixelRatioF() if widget is not None else self.fragmentAtlas.devicePixelRatio()
        src = self._sources(dpr)
        frags = self._fragments(x, y, src, 1.0 / dpr)
        p.drawPixmapFragments(row_pointers(frags, QtGui.QPainter.PixmapFragment)(0), n, self.fragmentAtlas.pixmap)
        p.restore()

    # ------------------------------------------------------------------ mouse
    def _mask_at(self, pos: QtCore.QPointF) -> np.ndarray:
        """Which markers' images cover ``pos`` (data coordinates)."""
        px, py = self.pixelVectors()
        if px is None or py is None or not len(self._x):
            return np.zeros(len(self._x), bool)
        # Half the symbol with its outline (in screen pixels: the image drawn at a pixel ratio
        # of 1, which is what the ScatterPlotItem tested there).
        half = (self._size + self._pen_px[self._style]) / 2
        return (np.abs(self._x - pos.x()) < half * px.length()) & (np.abs(self._y - pos.y()) < half * py.length())

    def _topmost(self, mask: np.ndarray) -> np.ndarray:
        """The payload of the markers in ``mask``, topmost (drawn last) first."""
        return self._payload[np.flatnonzero(mask)[::-1]]

    def _hits(self, pos: QtCore.QPointF) -> np.ndarray:
        return self._topmost(self._mask_at(pos))

    def hoverEvent(self, ev):  # noqa: N802 (pyqtgraph API)
        self._mouse = None if ev.exit else QtCore.QPointF(ev.scenePos())
        self._hover(np.zeros(len(self._x), bool) if ev.exit else self._mask_at(ev.pos()))

    def _hover(self, new: np.ndarray) -> None:
        """Outline the markers in ``new`` and give the view their tooltip."""
        if self.hover_pen is not None and not np.array_equal(new, self._hovered):
            self._hovered = new
            self._src = None
            self.update()
        vb = self.getViewBox()
        self._under_mouse = self._topmost(new).tolist()
        if vb is None or self.tip is None:
            return
        # Each layer hears the mouse move (the lowest last, which had the last word): the
        # tooltip lists what lies under the mouse in all of them, topmost first, as a click
        # takes the first.
        hits, seen = [], set()
        for layer in sorted(self.tip_group, key=lambda layer: -layer.zValue()):
            for d in layer._under_mouse:
                if d not in seen:  # a place once (a city: its seat and its marker)
                    seen.add(d)
                    hits.append((layer, d))
        if hits:
            tips = [layer.tip(data=d) for layer, d in hits[:TIP_CUTOFF]]
            if len(hits) > TIP_CUTOFF:
                tips.append(self.tr("(%n more)", "", len(hits) - TIP_CUTOFF))
            vb.setToolTip("\n\n".join(tips))
            for layer in self.tip_group:
                layer._tip_cleared = False
        elif not self._tip_cleared:
            vb.setToolTip("")
            for layer in self.tip_group:
                layer._tip_cleared = True
