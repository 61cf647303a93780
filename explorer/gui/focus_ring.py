"""A ring around the pane that has the keyboard's focus.

The timeline, the map, the detail pane and the event table take keys (+, −, Home, the
arrows, Tab through links, the rows) but draw no focus of their own, or, the table, one
all but invisible: without a mark, a user cannot tell where a key will go. A
:class:`FocusRing` lies over its widget's edge, two pixels wide, shown while the widget
(or a child of it) has the focus. Masked to the ring, it takes no part in painting the
widget's inside, and it lets the mouse through.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPalette, QRegion
from PySide6.QtWidgets import QApplication, QWidget

RING_PX = 2


class FocusRing(QWidget):
    """The ring over ``target``'s edge; shown while the focus is in ``target``."""

    def __init__(self, target: QWidget):
        super().__init__(target)  # over its viewport and scroll bars
        self._target = target
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        target.installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._on_focus)
        self._fit()

    def _fit(self) -> None:
        r = self._target.rect()
        self.setGeometry(r)
        inner = QRect(RING_PX, RING_PX, max(0, r.width() - 2 * RING_PX), max(0, r.height() - 2 * RING_PX))
        self.setMask(QRegion(0, 0, r.width(), r.height()).subtracted(QRegion(inner)))
        self.raise_()

    def _on_focus(self, _old, now) -> None:
        inside = now is not None and (now is self._target or self._target.isAncestorOf(now))
        if inside != self.isVisible():
            if inside:
                self._fit()
            self.setVisible(inside)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        QPainter(self).fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Highlight))
