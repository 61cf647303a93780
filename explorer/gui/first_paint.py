"""Work queued behind a widget's first paint (it runs once the window shows, not before),
or behind the first event of another kind."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer


def after_first_paint(watched: QObject, fn: Callable[[], None], context: QObject) -> None:
    """Call ``fn`` once ``watched`` has first been painted, queued behind the rest of that
    paint (the window shows first), and never after ``context`` is gone."""
    after_first(watched, QEvent.Type.Paint, fn, context)


def after_first(watched: QObject, kind: QEvent.Type, fn: Callable[[], None], context: QObject) -> None:
    """Call ``fn`` once ``watched`` has first had an event of ``kind`` (e.g. ``Show``),
    queued behind it, and never after ``context`` is gone."""
    _First(watched, kind, fn, context)


class _First(QObject):
    def __init__(self, watched: QObject, kind: QEvent.Type, fn: Callable[[], None], context: QObject):
        super().__init__(context)  # dies with the context, and stops watching then
        self._kind, self._fn = kind, fn
        watched.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == self._kind:
            obj.removeEventFilter(self)  # once: the first
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        self.deleteLater()
        self._fn()
