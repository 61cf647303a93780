"""What the window shows where there is no database to show: why, and the ways on.

A bare line of text ("No database open.", or a file and why it cannot be used) left the
user to find the File menu; the page offers the same ways on as the dialog about a
database that cannot be used: open another file, rebuild the bundled database, or open
the bundled one when the file that failed is another.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

MAX_WIDTH = 620  # px: the text's measure, centred in a wide window


class StartPage(QWidget):
    """A heading, the path and reason (selectable, to quote in a report), and buttons.

    Parameters
    ----------
    heading
        One line: what is the matter ("No database open", "The database cannot be used").
    message
        The file and why, in the interface language (several lines); may be empty.
    detail
        The technical reason, shown smaller; may be empty.
    buttons
        ``(label, slot)`` pairs, in order; the first is the default (Enter presses it).
    """

    def __init__(self, heading: str, message: str, detail: str,
                 buttons: list[tuple[str, Callable[[], None]]], parent=None):
        super().__init__(parent)
        self.setObjectName("startPage")
        self._heading = QLabel(heading)
        font = QFont(self._heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._heading.setFont(font)
        self._message = self._text_label(message)
        self._detail = self._text_label(detail)
        self._detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.setSpacing(8)
        for i, (label, slot) in enumerate(buttons):
            b = QPushButton(label)
            b.setDefault(i == 0)
            b.setAutoDefault(True)
            b.clicked.connect(lambda _checked=False, s=slot: s())
            row.addWidget(b)
            self.buttons.append(b)
        row.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(self._heading)
        for label in (self._message, self._detail):
            if label.text():
                column.addWidget(label)
        column.addSpacing(6)
        column.addLayout(row)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(MAX_WIDTH)
        holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(2)
        outer.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(3)
        self.setFocusProxy(self.buttons[0] if self.buttons else None)

    @staticmethod
    def _text_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # a path or a reason is never markup
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        return label

    def text(self) -> str:
        """Everything the page says, as one text (heading, message, detail)."""
        return "\n".join(t for t in (self._heading.text(), self._message.text(), self._detail.text()) if t)
