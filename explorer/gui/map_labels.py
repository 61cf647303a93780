"""Zone names on the map: one item that paints every placed label.

A pyqtgraph ``TextItem`` per label cost ~0.3 ms to make and a Python paint call,
position update and visibility change each; the map places and moves dozens of
labels on every filter change.  Here a label is a plain record, and one paint draws
them all as cached ``QStaticText``, at fixed pixel size whatever the zoom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QStaticText

from explorer.gui.static_texts import LINE_BREAK, StaticTexts
from explorer.gui.timeline_items import DeviceLayer

MARGIN = 1.0  # pixels between a label's box and its text (as a text document's margin)


@dataclass(frozen=True)
class MapLabel:
    """One placed label: its anchor point on the map and how its box hangs off it.

    The box (``width`` x ``height`` pixels) is placed so that the point ``(lon, lat)``
    falls at the fraction ``(ax, ay)`` of it, so it keeps its pixel offset from the
    marker while the view zooms.
    """

    zone: int
    lon: float
    lat: float
    ax: float
    ay: float
    width: float
    height: float
    text: str
    pixel_size: int
    bold: bool
    colour: str


def label_font(pixel_size: int, bold: bool) -> QFont:
    font = QFont()
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle (the longer line the shorter)."""
    spaces = [k for k, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    k = min(spaces, key=lambda k: (max(k, len(text) - k - 1), k))
    return text[:k] + LINE_BREAK + text[k + 1:]


def _box(lb: MapLabel, x: float, y: float) -> QRectF:
    """Label ``lb``'s box when its anchor point is at ``(x, y)``."""
    return QRectF(x - lb.ax * lb.width, y - lb.ay * lb.height, lb.width, lb.height)


class MapLabelLayer(DeviceLayer):
    """Every placed zone label, each on a translucent box."""

    def __init__(self, fill: QBrush):
        super().__init__()
        self.fill = QBrush(fill)
        self.labels: list[MapLabel] = []
        self._lon = self._lat = np.empty(0)  # the labels' anchors, as arrays for the paint
        self._colours: list[QColor] = []
        self._texts = StaticTexts()  # by (text, pixel size, bold)
        self._fonts: dict[tuple[int, bool], QFont] = {}

    def set_labels(self, labels: list[MapLabel]) -> None:
        self.labels = list(labels)
        self._lon = np.array([lb.lon for lb in self.labels], float)
        self._lat = np.array([lb.lat for lb in self.labels], float)
        self._colours = [QColor(lb.colour) for lb in self.labels]
        self.update()

    def boxes(self, transform) -> dict[int, QRectF]:  # noqa: ANN001 (a QTransform, view to scene)
        """Each label's box in the coordinates ``transform`` maps the map into."""
        out = {}
        for lb in self.labels:
            at = transform.map(QPointF(lb.lon, lb.lat))
            out[lb.zone] = _box(lb, at.x(), at.y())
        return out

    def _font(self, size: int, bold: bool) -> QFont:
        key = (size, bold)
        if key not in self._fonts:
            self._fonts[key] = label_font(size, bold)
        return self._fonts[key]

    def _static(self, text: str, pixel_size: int, bold: bool) -> QStaticText:
        return self._texts.get((text, pixel_size, bold), text, self._font(pixel_size, bold), centred=LINE_BREAK in text)

    def box_size(self, text: str, pixel_size: int, bold: bool) -> tuple[float, float]:
        """The box a label of this text and style is drawn on: its text plus ``MARGIN`` all
        round.  The text is laid out as it will be drawn, so measuring costs the paint nothing."""
        size = self._static(text, pixel_size, bold).size()
        return size.width() + 2 * MARGIN, size.height() + 2 * MARGIN

    def paint(self, p: QPainter, *args) -> None:
        if not self.labels:
            return
        p.save()
        x, y = self._in_pixels(p, self._lon, self._lat)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for lb, colour, px, py in zip(self.labels, self._colours, x.tolist(), y.tolist(), strict=True):
            box = _box(lb, px, py)
            p.fillRect(box, self.fill)
            p.setFont(self._font(lb.pixel_size, lb.bold))
            p.setPen(colour)
            p.drawStaticText(box.topLeft() + QPointF(MARGIN, MARGIN), self._static(lb.text, lb.pixel_size, lb.bold))
        p.restore()
