"""Keys a pane takes while it (or a widget in it) has the focus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def pane_shortcut(pane: QWidget, keys: list[str], slot: Callable[[], None]) -> QAction:
    """An action of ``pane`` run by any of ``keys`` while the focus is in the pane (the
    same keys in another pane are that pane's: Shift+← moves the timeline or the map)."""
    act = QAction(pane)
    act.setShortcuts([QKeySequence(k) for k in keys])
    act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    act.triggered.connect(slot)
    pane.addAction(act)
    return act
