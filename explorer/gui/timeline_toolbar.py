"""The small toolbar above the timeline: framing, the year brush, and the lane mode."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from explorer.core.store import LANE_MODES


class TimelineToolbar(QtWidgets.QToolBar):
    """Actions and the lane-mode combo; the timeline connects them to the session.

    Attributes
    ----------
    fit_action, zoom_sel_action
        Frame every filtered event / the selected events.
    brush_action
        Checkable: show the year brush (and filter by its years).
    mode_combo
        Lanes by zone, category or storyline (item data: the lane mode).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.fit_action = self.addAction("")
        self.zoom_sel_action = self.addAction("")
        self.brush_action = self.addAction("")
        self.brush_action.setCheckable(True)
        spacer = QtWidgets.QWidget(self)
        spacer.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.mode_label = QtWidgets.QLabel(self)
        self.addWidget(self.mode_label)
        self.mode_combo = QtWidgets.QComboBox(self)
        self.mode_label.setBuddy(self.mode_combo)  # a screen reader reads the label with the box
        for mode in LANE_MODES:
            self.mode_combo.addItem("", mode)
        self.addWidget(self.mode_combo)
        self.retranslate()

    def retranslate(self) -> None:
        """Every user-visible string (again on a language change)."""
        self.fit_action.setText(self.tr("Fit all"))
        self.fit_action.setToolTip(self.tr("Show every event (Home)"))
        self.zoom_sel_action.setText(self.tr("Zoom to selection"))
        self.zoom_sel_action.setToolTip(self.tr("Zoom to the selected events"))
        self.brush_action.setText(self.tr("Brush years"))
        self.brush_action.setToolTip(self.tr("Filter by a span of years: drag the shaded band or its edges"))
        self.mode_label.setText(self.tr("Lanes by:") + " ")
        self.mode_combo.setAccessibleName(self.tr("Lanes by"))  # (on Linux, the buddy label speaks for it)
        for i, text in enumerate((self.tr("Zone"), self.tr("Category"), self.tr("Storyline"))):
            self.mode_combo.setItemText(i, text)
        self.mode_combo.setToolTip(self.tr("One timeline per zone, category or storyline"))
