"""The one selection: selected events, the active event, and selected timelines (lanes)."""

from __future__ import annotations

from explorer.core.signals import Signal


class Selection:
    """Selected event rows (database ``seq``), the active one, and selected lanes.

    ``changed(selection, initiator)`` fires when events change;
    ``lanes_changed(selection, initiator)`` when the selected timelines change.
    """

    def __init__(self) -> None:
        self.rows: frozenset[int] = frozenset()
        self.active: int | None = None
        self.lanes: tuple[str, ...] = ()  # lane keys, in the order they were picked
        self.changed = Signal()
        self.lanes_changed = Signal()

    def set(self, rows, active: int | None = None, initiator: object = None) -> None:
        rows = frozenset(int(r) for r in rows)
        if active is None and rows:
            active = self.active if self.active in rows else min(rows)
        if active is not None and active not in rows:
            rows = rows | {active}
        if rows != self.rows or active != self.active:
            self.rows, self.active = rows, active
            self.changed.emit(self, initiator)

    def select_one(self, row: int, initiator: object = None) -> None:
        self.set({row}, row, initiator)

    def toggle(self, row: int, initiator: object = None) -> None:
        """Ctrl-click: add or remove one row; the row becomes active when added."""
        if row in self.rows:
            rest = self.rows - {row}
            self.set(rest, None if not rest else (self.active if self.active != row else min(rest)), initiator)
        else:
            self.set(self.rows | {row}, row, initiator)

    def clear(self, initiator: object = None) -> None:
        self.set(frozenset(), None, initiator)

    def set_lanes(self, lanes, initiator: object = None) -> None:
        lanes = tuple(dict.fromkeys(lanes))
        if lanes != self.lanes:
            self.lanes = lanes
            self.lanes_changed.emit(self, initiator)

    def toggle_lane(self, lane: str, initiator: object = None) -> None:
        if lane in self.lanes:
            self.set_lanes([x for x in self.lanes if x != lane], initiator)
        else:
            self.set_lanes([*self.lanes, lane], initiator)
