"""One place that links the panes: the store, the filter state, the selection, and the
filtered rows computed once per change.

Panes read ``session.mask`` / ``session.rows`` and listen to ``session.filtered``;
they never call each other.
"""

from __future__ import annotations

import numpy as np

from explorer.core.filter_state import FIELDS, Filters, FilterState
from explorer.core.selection import Selection
from explorer.core.signals import Signal
from explorer.core.store import LANE_MODES, EventStore, combine


class Session:
    """The shared state of one opened database.

    Signals
    -------
    filtered(session, initiator)
        After the filters changed and ``mask``/``rows`` were recomputed.
    lane_mode_changed(session, initiator)
        Lanes are now by zone, category or storyline.
    language_changed(session)
        Event data should be shown in ``session.lang``.
    """

    def __init__(self, store: EventStore, lang: str = "zh"):
        self.store = store
        self.state = FilterState()
        self.selection = Selection()
        self.lang = lang
        self.lane_mode = "zone"
        self.filtered = Signal()
        self.lane_mode_changed = Signal()
        self.language_changed = Signal()
        # field -> (value, mask or None): a change recomputes only the fields that changed
        self._field_masks: dict[str, tuple[object, np.ndarray | None]] = {}
        # field -> (the filters but that field they were counted under, counts)
        self._counts: dict[str, tuple[Filters, np.ndarray]] = {}
        self._zone_incl: tuple[np.ndarray, np.ndarray] | None = None  # (own counts, rolled up)
        self.mask = np.ones(store.n, bool)
        self.rows = np.arange(store.n)
        self._without_cache: dict[tuple, np.ndarray] = {(): self.mask}  # no filter yet: every row
        self.state.changed.connect(self._refilter)

    @property
    def filters(self) -> Filters:
        return self.state.filters

    def _refilter(self, filters: Filters, initiator: object) -> None:
        self._without_cache.clear()
        self.mask = self.mask_without()
        self.rows = np.flatnonzero(self.mask)
        self.filtered.emit(self, initiator)

    def _field_mask(self, name: str) -> np.ndarray | None:
        value = getattr(self.filters, name)
        cached = self._field_masks.get(name)
        if cached is None or cached[0] != value:
            cached = (value, self.store.field_mask(name, value))
            self._field_masks[name] = cached
        return cached[1]

    def mask_without(self, *fields: str) -> np.ndarray:
        """Rows passing every filter except ``fields`` (cached until the next change).

        Fields with no filter set leave out nothing: without only those, it is ``self.mask``."""
        key = tuple(sorted(f for f in fields if self._field_mask(f) is not None))
        if key not in self._without_cache:
            self._without_cache[key] = combine(self.store.n, (self._field_mask(f) for f in FIELDS if f not in key))
        return self._without_cache[key]

    def counts_without(self, field: str) -> np.ndarray:
        """Events per zone (own events only), category or storyline under every filter but
        ``field`` itself, as the filter lists show them beside their rows.

        Recounted only when another filter changed; the array is shared by the panes
        (read-only).
        """
        key = self.filters.without(field)
        cached = self._counts.get(field)
        if cached is None or cached[0] != key:
            # The rows are passed only when known already: finding them costs a pass over
            # every row that the count often does not need (storylines never do).
            mask = self.mask_without(field)
            rows = self.rows if mask is self.mask else None
            counts = self.store.counts(field, mask, rows)
            counts.setflags(write=False)
            cached = self._counts[field] = (key, counts)
        return cached[1]

    def categories_present(self) -> np.ndarray:
        """Per category: some filtered event has it.  Read from the counts the category
        list shows (every filter but the categories'), kept for the change: gathering the
        filtered events' categories again takes ~0.9 ms at a million events."""
        present = self.counts_without("categories") > 0
        chosen = self.filters.categories
        if chosen:
            index = self.store.category_index
            keep = np.zeros(len(present), bool)
            keep[[index[c] for c in chosen if c in index]] = True
            present &= keep
        return present

    def zone_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Events per zone (own, and including the zones below it) under every filter but
        the zone filter, as the map's markers and the zone tree show them (read-only)."""
        own = self.counts_without("zones")
        if self._zone_incl is None or self._zone_incl[0] is not own:
            incl = self.store.roll_up(own)
            incl.setflags(write=False)
            self._zone_incl = (own, incl)
        return own, self._zone_incl[1]

    def set_lane_mode(self, mode: str, initiator: object = None) -> None:
        if mode not in LANE_MODES:
            raise ValueError(f"unknown lane mode {mode!r}")
        if mode != self.lane_mode:
            self.lane_mode = mode
            self.selection.set_lanes((), initiator)
            self.lane_mode_changed.emit(self, initiator)

    def set_language(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self.language_changed.emit(self)

    def step_active(self, delta: int, initiator: object = None) -> None:
        """Make the previous/next event in time (among the filtered rows) active."""
        rows = self.rows
        if not len(rows):
            return
        cur = self.selection.active
        if cur is None:
            nxt = rows[0] if delta > 0 else rows[-1]
        else:
            i = int(np.searchsorted(rows, cur))
            if delta > 0:
                i = i + 1 if i < len(rows) and rows[i] == cur else i
            else:
                i = i - 1
            nxt = rows[max(0, min(len(rows) - 1, i))]
        self.selection.select_one(int(nxt), initiator)
