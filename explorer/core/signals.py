"""A minimal observer, so core state can notify views without importing Qt."""

from __future__ import annotations

from collections.abc import Callable


class Signal:
    """Callbacks called in connection order by :meth:`emit`.

    The Qt layer connects pane methods here; the core never knows about Qt.
    """

    def __init__(self) -> None:
        self._slots: list[Callable] = []

    def connect(self, slot: Callable) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self._slots):
            slot(*args)
