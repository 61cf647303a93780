"""The mark of an event whose sources disagree: a red disc with a white "!". The timeline,
its legend, the event table and the detail pane draw the same one."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from explorer.gui.palette import CONFLICT

FILL = QColor(CONFLICT)
MARK = QColor("white")
RING = QPen(QColor("white"), 1.2)  # where it sits on a bar
DIAMETER = 11.0  # in the legend, the table and the detail pane
ICON_PX = 16  # the table's small icon size, as its category swatches


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setBold(True)
    font.setPixelSize(9)
    return font


def paint_badge(p: QPainter, box: QRectF, font: QFont, ring: bool = False) -> None:
    """Draw the mark in ``box`` (antialiasing is the caller's)."""
    paint_badges(p, (box,), font, ring)


def paint_badges(p: QPainter, boxes: Iterable[QRectF], font: QFont, ring: bool = False) -> None:
    """Draw the mark in each of ``boxes``, in turn (the painter's brush and font set once)."""
    edge = RING if ring else QPen(Qt.PenStyle.NoPen)
    p.setBrush(FILL)
    p.setFont(font)
    for box in boxes:
        p.setPen(edge)
        p.drawEllipse(box)
        p.setPen(MARK)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, "!")


def badge_pixmap(side: int, font: QFont, ratio: float = 1.0) -> QPixmap:
    """The mark centred in a transparent square of ``side`` pixels at device pixel ``ratio``."""
    pm = QPixmap(round(side * ratio), round(side * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    inset = (side - DIAMETER) / 2
    paint_badge(p, QRectF(inset, inset, DIAMETER, DIAMETER), badge_font(font))
    p.end()
    return pm


def badge_icon(font: QFont) -> QIcon:
    """The mark as an item view's decoration, sharp at scale factors 1 and 2."""
    icon = QIcon()
    for ratio in (1.0, 2.0):
        icon.addPixmap(badge_pixmap(ICON_PX, font, ratio))
    return icon
