"""A compact legend strip: category colours, then what the marks mean."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from explorer.gui.badge import DIAMETER, badge_font, paint_badge
from explorer.gui.timeline_items import OVERFLOW_COLOUR

SWATCH_W, SWATCH_H = 16, 10
GAP = 14  # between entries
ROW_GAP = 4
BLEED = 4  # pixels a mark may reach beyond its entry's box (a pile's card is raised 3 px)
TILES_MAX = 200  # entry tiles kept (a legend shows about 20 entries, each plain or dimmed)
UNSIZED_WIDTH = 800  # px: a legend not laid out yet is taken to be as wide as a timeline pane usually is


@dataclass
class LegendEntry:
    """One legend entry; ``kind`` is the mark drawn before ``text``.

    Kinds: ``fill`` (a category colour), ``hollow`` (inferred date), ``dashed``
    (planned), ``point`` (exact day), ``badge`` (conflicting sources), ``pile``
    (several events on one date), ``overflow``
    (several events aggregated), ``break`` (start the key part).
    """

    kind: str
    text: str = ""
    colour: str = "#555555"
    dimmed: bool = False
    tip: str = ""  # a longer explanation, shown on hover


class TimelineLegend(QtWidgets.QWidget):
    """Legend entries laid out in wrapped rows, painted directly (no child widgets)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[LegendEntry] = []
        self._laid_out: tuple[int, list] | None = None  # (width, _layout(width)), reused until the entries' kinds or texts, the width or the font change
        self._tiles: dict[tuple, QtGui.QImage] = {}  # an entry drawn, by what it looks like and where (see _tile)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        policy = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_entries(self, entries: list[LegendEntry]) -> None:
        if entries == self._entries:
            return
        if [(e.kind, e.text) for e in entries] != [(e.kind, e.text) for e in self._entries]:
            self._entries = entries
            self._laid_out = None  # new texts: new places, maybe a new height
            self.updateGeometry()
            self.update()
            return
        # The same texts in the same places (a category dimmed or back, at most filter
        # changes): keep the places, and repaint only the entries that changed.
        placed = self._layout(self.width())  # the entries shown so far, in their places
        self._entries = entries
        shown = [e for e in entries if e.kind != "break"]  # as _layout() places them
        self._laid_out = (self.width(), [(rect, e) for (rect, _), e in zip(placed, shown, strict=True)])
        for (rect, old), new in zip(placed, shown, strict=True):
            if new != old:
                self.update(rect.toAlignedRect().adjusted(-BLEED, -BLEED, BLEED, BLEED))

    def entries(self) -> list[LegendEntry]:
        return list(self._entries)

    # ------------------------------------------------------------------ layout
    def _layout(self, width: int) -> list[tuple[QtCore.QRectF, LegendEntry]]:
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1]
        fm = QtGui.QFontMetricsF(self.font())
        h = max(fm.height(), SWATCH_H)
        x, y, out = 6.0, 4.0, []
        for e in self._entries:
            if e.kind == "break":
                x += GAP
                continue
            w = SWATCH_W + 5 + fm.horizontalAdvance(e.text)
            if x + w > width - 6 and x > 6:
                x, y = 6.0, y + h + ROW_GAP
            out.append((QtCore.QRectF(x, y, w, h), e))
            x += w + GAP
        self._laid_out = (width, out)
        return out

    def event(self, ev):  # noqa: N802 (Qt API)
        if ev.type() == QtCore.QEvent.Type.ToolTip:
            for rect, e in self._layout(self.width()):
                if rect.contains(QtCore.QPointF(ev.pos())) and e.tip:
                    QtWidgets.QToolTip.showText(ev.globalPos(), e.tip, self)
                    return True
            QtWidgets.QToolTip.hideText()
            ev.ignore()
            return True
        return super().event(ev)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        items = self._layout(width)
        return int(max((r.bottom() for r, _ in items), default=0) + 5)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt API)
        w = max(self.width(), 400)
        return QtCore.QSize(w, self.heightForWidth(w))

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt API)
        # Not shown yet, a new legend may be as narrow as a new widget: its lines at that width
        # (six times those at a pane's) made the timeline's least height clamp the height
        # saved for it (200 px came back as 317).  Until it shows, the lines at the width a
        # pane usually has; then at its own (see showEvent).
        width = self.width() if self.isVisible() else UNSIZED_WIDTH
        return QtCore.QSize(100, self.heightForWidth(max(width, 100)))

    def changeEvent(self, ev):  # noqa: N802 (Qt API)
        if ev.type() == QtCore.QEvent.Type.FontChange:
            self._laid_out = None
            self._tiles.clear()
            self.updateGeometry()
        super().changeEvent(ev)

    def showEvent(self, ev):  # noqa: N802 (Qt API)
        super().showEvent(ev)
        self.updateGeometry()  # its least height now follows its own width

    def resizeEvent(self, ev):  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        # The minimum height is that of the lines at this width: the layout keeps the one it
        # asked for last (at the 100 px of a new legend, six times the height of the lines at
        # a pane's width, which the timeline could then not be made shorter than).
        if self.height() != self.heightForWidth(self.width()) or ev.oldSize().width() != self.width():
            self.updateGeometry()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, ev):  # noqa: N802 (Qt API)
        # Each entry is drawn once into a tile (at the same fraction of a pixel as it sits
        # here) and then only copied: a filter change that dims most categories repainted
        # them all, laying out every text again (~0.5 ms).
        p = QtGui.QPainter(self)
        dirty = QtCore.QRectF(ev.rect()).adjusted(-BLEED, -BLEED, BLEED, BLEED)
        for rect, e in self._layout(self.width()):
            if not rect.intersects(dirty):
                continue
            if e.kind == "overflow":  # a hatched brush: its pattern lines up with the widget, not a tile
                self._draw_entry(p, rect, e)
            else:
                at, tile = self._tile(rect, e)
                p.drawImage(at, tile)
        p.end()

    def draw(self, p: QtGui.QPainter, width: float) -> float:
        """Every entry, laid out for ``width``, drawn by ``p`` from its origin (an exported
        image's legend: shapes and text, no tiles); the height they take."""
        p.save()
        p.setFont(self.font())
        items = self._layout(int(width))
        for rect, e in items:
            self._draw_entry(p, rect, e)
        p.restore()
        return self.heightForWidth(int(width)) if items else 0.0

    def _tile(self, rect: QtCore.QRectF, e: LegendEntry) -> tuple[QtCore.QPointF, QtGui.QImage]:
        """Entry ``e`` drawn as at ``rect``, with room for marks reaching out of it: the
        tile and where it goes (on whole device pixels, so it is copied, not resampled)."""
        dpr = self.devicePixelRatioF()
        pad = math.ceil(BLEED * dpr)
        x0, y0 = math.floor(rect.left() * dpr) - pad, math.floor(rect.top() * dpr) - pad  # device pixels
        w, h = math.ceil(rect.right() * dpr) + pad - x0, math.ceil(rect.bottom() * dpr) + pad - y0
        key = (e.kind, e.text, e.colour, e.dimmed, rect.left() * dpr - x0, rect.top() * dpr - y0, rect.width(),
               rect.height(), dpr)
        tile = self._tiles.get(key)
        if tile is None:
            if len(self._tiles) > TILES_MAX:  # tiles of earlier widths (each resize places entries anew)
                self._tiles.clear()
            # Transparent around the entry: tiles of neighbouring entries may overlap.
            tile = QtGui.QImage(w, h, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
            tile.setDevicePixelRatio(dpr)
            tile.fill(QtCore.Qt.GlobalColor.transparent)
            with QtGui.QPainter(tile) as p:
                p.setFont(self.font())
                p.translate(-x0 / dpr, -y0 / dpr)
                self._draw_entry(p, rect, e)
            self._tiles[key] = tile
        return QtCore.QPointF(x0 / dpr, y0 / dpr), tile

    def _draw_entry(self, p: QtGui.QPainter, rect: QtCore.QRectF, e: LegendEntry) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        sw = QtCore.QRectF(rect.left(), rect.center().y() - SWATCH_H / 2, SWATCH_W, SWATCH_H)
        self._mark(p, sw, e)
        p.setPen(QtGui.QColor("#9AA0A6" if e.dimmed else "#1F2328"))
        text = QtCore.QRectF(rect.left() + SWATCH_W + 5, rect.top(), rect.width() - SWATCH_W - 5, rect.height())
        p.drawText(text, QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter, e.text)

    @staticmethod
    def _mark(p: QtGui.QPainter, r: QtCore.QRectF, e: LegendEntry) -> None:
        c = QtGui.QColor(e.colour)
        if e.dimmed:
            c.setAlpha(90)
        if e.kind == "fill":
            p.setPen(QtGui.QPen(c.darker(135), 1))
            p.setBrush(c)
            p.drawRect(r)
        elif e.kind == "hollow":
            fill = QtGui.QColor(c)
            fill.setAlpha(40)
            p.setPen(QtGui.QPen(c, 1.6))
            p.setBrush(fill)
            p.drawRect(r)
        elif e.kind == "dashed":
            fill = QtGui.QColor(c)
            fill.setAlpha(110)
            p.setPen(QtGui.QPen(c.darker(120), 1.4, QtCore.Qt.PenStyle.DashLine))
            p.setBrush(fill)
            p.drawRect(r)
        elif e.kind == "point":
            p.setPen(QtGui.QPen(c.darker(135), 1))
            p.setBrush(c)
            d = 9
            p.drawEllipse(QtCore.QRectF(r.center().x() - d / 2, r.center().y() - d / 2, d, d))
        elif e.kind == "badge":
            d = DIAMETER
            p.save()
            paint_badge(p, QtCore.QRectF(r.center().x() - d / 2, r.center().y() - d / 2, d, d), badge_font(p.font()))
            p.restore()
        elif e.kind == "pile":
            frame = QtGui.QColor("#3C4043")
            p.setPen(QtGui.QPen(frame, 1))
            p.setBrush(QtGui.QColor("white"))
            p.drawRect(r.translated(0, -3))
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            for k, colour in enumerate(("#0072B2", "#E69F00", "#009E73")):
                p.setBrush(QtGui.QColor(colour))
                p.drawRect(QtCore.QRectF(r.left() + k * r.width() / 3, r.top(), r.width() / 3, r.height()))
            p.setPen(QtGui.QPen(frame, 1))
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawRect(r)
        elif e.kind == "overflow":
            p.setPen(QtGui.QPen(QtGui.QColor(OVERFLOW_COLOUR), 1))
            p.setBrush(QtGui.QBrush(QtGui.QColor("#E5E7EB")))
            p.drawRect(r)
            p.setBrush(QtGui.QBrush(QtGui.QColor(OVERFLOW_COLOUR), QtCore.Qt.BrushStyle.BDiagPattern))
            p.drawRect(r)
