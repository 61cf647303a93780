"""Work queued behind a widget's first paint: it runs once the window shows, not before."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer


def after_first_paint(watched: QObject, fn: Callable[[], None], context: QObject) -> None:
    """Call ``fn`` once ``watched`` has first been painted, queued behind the rest of that
    paint (the window shows first), and never after ``context`` is gone."""
    _FirstPaint(watched, fn, context)


class _FirstPaint(QObject):
    def __init__(self, watched: QObject, fn: Callable[[], None], context: QObject):
        super().__init__(context)  # dies with the context, and stops watching then
        self._fn = fn
        watched.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)  # once: its first paint
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        self.deleteLater()
        self._fn()
