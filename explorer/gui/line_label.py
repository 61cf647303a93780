"""A one-line label for text that changes on every filter (counts, the status line).

A ``QLabel`` whose text changes width asks its parents to lay out again, and the request
climbs through the splitters to the main window, which then repaints every pane.  This
label keeps a fixed size hint: a new text repaints the label and nothing else.  Text too
long for the width is elided, and the whole text is the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


class LineLabel(QWidget):
    """Plain single-line text, left-aligned, elided on the right."""

    def __init__(self, parent=None, hint_chars: int = 40):
        super().__init__(parent)
        self._text = ""
        self._hint_chars = hint_chars
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name, so it drops in)
        if text != self._text:
            self._text = text
            self.setAccessibleName(text)
            self.setToolTip(text)
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        return QSize(fm.averageCharWidth() * self._hint_chars, fm.height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, self.fontMetrics().height() + 2)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        self.style().drawItemText(painter, self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                  self.palette(), self.isEnabled(), shown, self.foregroundRole())
