"""Where the timeline puts things: lanes, stacked sub-rows, density bins, label room.

Pure numpy (no Qt), so the geometry rules are testable on their own and stay fast
for a million events.  The view turns a :class:`TimelineLayout` into graphics items.

Vertical units are sub-rows: one sub-row is one unit high, and the view maps a unit
to a fixed number of pixels, so lanes keep a readable height and the pane scrolls.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from explorer.core.arrays import run_starts
from explorer.core.store import PRECISIONS, EventStore, Lane

DAY = PRECISIONS.index("day")
MAX_SUBROWS = 8  # default sub-rows per lane; further overlapping events share an overflow sub-row
MIN_CAP, MAX_CAP = 3, 40
LANE_PAD = 0.45  # empty space between two lanes, in sub-rows
EMPTY_LANE_HEIGHT = 0.9  # a zone lane shown only as the parent of others
POINT_HALF = 0.02  # years either side of a day event reserved when stacking (~1 week)
STACK_GAP = 0.01  # years kept free after an event in its sub-row
UNSIZED_VIEW_ROWS = 32.0  # sub-rows a pane is taken to show before it has a size


PILE, CLUSTER = 0, 1  # kinds of groups


class _Stacked:
    """A per-item or per-group array of the stacking, computed on first use (see
    :class:`TimelineLayout`)."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, lay, owner=None):  # noqa: ANN001, ANN204
        return self if lay is None else getattr(lay.stacking, self.name)


@dataclass
class Stacking:
    """Where each item sits inside its lane: the part of a layout that costs the most."""

    sub: np.ndarray
    y: np.ndarray
    next_x: np.ndarray
    group: np.ndarray
    g_kind: np.ndarray
    g_lane: np.ndarray
    g_x0: np.ndarray
    g_x1: np.ndarray
    g_y: np.ndarray
    g_count: np.ndarray
    g_next_x: np.ndarray


@dataclass
class TimelineLayout:
    """Lanes and the position of every drawn item.

    An *item* is one event in one lane (in storyline mode an event can sit in two
    lanes).  Items are sorted by lane, then by start.  Where a lane would need more
    sub-rows than allowed, items are drawn in *groups*: a *pile* of events sharing
    the same date, or an overflow *cluster* of overlapping events.

    The lanes, their heights and each item's lane and span are worked out at once; where
    each item sits inside its lane (``sub``, ``y``, ``next_x``, the groups) only when first
    asked for (:attr:`stacking`).  Above some 20,000 visible events the view draws
    density per lane and never asks: at a million events that is most of the layout's cost.

    Attributes
    ----------
    lanes
        The lanes shown, top to bottom.
    lane_top, lane_height, lane_count
        Per lane: top edge and height in sub-rows, and number of items.
    crowded
        Per lane: it needs more sub-rows than ``cap``, so events sharing a date pile up.
    row, lane, sub, y
        Per item: event row, lane index, sub-row and vertical centre.
    x0, x1
        Per item: the interval the date covers, in fractional years.
    point
        Per item: a day event, drawn as a marker rather than a bar.
    next_x
        Per item: start of the next mark in the same sub-row (``inf`` if none),
        which bounds the room for a title label.
    group
        Per item: the group drawing it, or -1 when it is drawn on its own.
    g_kind, g_lane, g_x0, g_x1, g_y, g_count, g_next_x
        Per group: ``PILE`` or ``CLUSTER``, lane, span, centre, number of items and
        start of the next mark in its sub-row.
    cap
        The most sub-rows a lane stacks into (the overflow sub-row is ``cap``).
    """

    lanes: list[Lane]
    lane_top: np.ndarray
    lane_height: np.ndarray
    lane_count: np.ndarray
    crowded: np.ndarray
    row: np.ndarray
    lane: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    point: np.ndarray
    cap: int = MAX_SUBROWS
    depth: np.ndarray | None = None  # uncapped sub-rows needed per lane with events
    n_empty: int = 0  # lanes shown only as parents

    sub = _Stacked()
    y = _Stacked()
    next_x = _Stacked()
    group = _Stacked()
    g_kind = _Stacked()
    g_lane = _Stacked()
    g_x0 = _Stacked()
    g_x1 = _Stacked()
    g_y = _Stacked()
    g_count = _Stacked()
    g_next_x = _Stacked()

    @cached_property
    def stacking(self) -> Stacking:
        """Sub-rows, piles and overflow clusters (computed once, on first use)."""
        return stack_items(self)

    def cap_for(self, view_rows: float) -> int:
        """The cap :func:`auto_cap` would choose for another view height."""
        return auto_cap(self.depth, view_rows, self.n_empty) if self.depth is not None else self.cap

    @property
    def n(self) -> int:
        return len(self.row)

    @property
    def height(self) -> float:
        """Total height of all lanes, in sub-rows."""
        return float(self.lane_top[-1] + self.lane_height[-1]) if self.lanes else 0.0

    def lane_keys(self) -> list[str]:
        return [lane.key for lane in self.lanes]

    def lane_at(self, y: float) -> int | None:
        """Index of the lane covering height ``y``, or ``None``."""
        if not self.lanes:
            return None
        i = int(np.searchsorted(self.lane_top, y, side="right")) - 1
        if 0 <= i < len(self.lanes) and y < self.lane_top[i] + self.lane_height[i]:
            return i
        return None

    def visible(self, x_lo: float, x_hi: float, y_lo: float = -np.inf, y_hi: float = np.inf) -> np.ndarray:
        """Which items overlap the rectangle (a boolean mask)."""
        return (self.x1 >= x_lo) & (self.x0 <= x_hi) & (self.y + 0.5 >= y_lo) & (self.y - 0.5 <= y_hi)

    def in_lanes_visible(self, x_lo: float, x_hi: float, y_lo: float = -np.inf, y_hi: float = np.inf) -> np.ndarray:
        """Which items overlap the time range in a lane overlapping the height range: as
        :meth:`visible`, but by lane, so it needs no stacking."""
        m = (self.x1 >= x_lo) & (self.x0 <= x_hi)
        shown = (self.lane_top + self.lane_height >= y_lo) & (self.lane_top <= y_hi)
        if not shown.all():
            m &= shown[self.lane]
        return m

    def group_rows(self, g: int) -> np.ndarray:
        return self.row[self.group == g]


def lane_depths(lane: np.ndarray, s: np.ndarray, e: np.ndarray, n_lanes: int) -> np.ndarray:
    """Most intervals overlapping at once in each lane: the sub-rows it needs uncapped.

    Items must be sorted by (lane, start).  (First-fit by start is optimal for
    intervals, so this is exactly its row count.)
    """
    depth = np.zeros(n_lanes, dtype=np.int64)
    if not len(s):
        return depth
    # One key orders by lane, then position (lanes offset far apart, as in stack()).
    # Walking all ends and starts in that order, ends first where one meets a start (an
    # interval ending where another starts frees its row first), the count of open
    # intervals peaks at starts: at start k (the k-th in order) found at place p of the
    # walk, k + 1 starts and p - k ends are behind, so 2k + 1 - p are open.  Each lane's
    # counts start from zero, as its earlier lanes close all they open.  Starts are in
    # order already and ends nearly so: sorting the ends and then merging the two runs
    # (a stable sort finds and merges them) is about linear.
    lo = float(min(np.min(s), np.min(e)))
    span = float(max(np.max(s), np.max(e))) - lo + 10.0
    offset = lane.astype(np.float64) * span - lo
    n = len(s)
    keys = np.empty(2 * n)
    np.add(e, offset, out=keys[:n])
    keys[:n].sort(kind="stable")
    np.add(s, offset, out=keys[n:])
    del offset
    place = np.flatnonzero(np.argsort(keys, kind="stable") >= n)  # of each start, in start order
    del keys
    open_at_start = np.arange(1, 2 * n, 2) - place
    first = run_starts(lane)
    depth[lane[first]] = np.maximum.reduceat(open_at_start, first)
    return depth


def _lane_start_order(lane: np.ndarray, s: np.ndarray, e: np.ndarray, n_lanes: int) -> np.ndarray:
    """``np.lexsort((s - e, s, lane))``: by lane, then start, then longest first.

    Rows arrive in date order (``events.seq``), so a stable sort by start runs in about
    linear time; equal starts are then put longest first where they are not already
    (rare: the date order puts a year before its months and days), and a radix sort by
    lane finishes.  About 3x faster than the three-key lexsort at a million events.
    """
    order = np.argsort(s, kind="stable")
    so = s[order]
    longest = (s - e)[order]  # ascending: longest first
    tie = so[1:] == so[:-1]
    del so
    bad = tie & (longest[1:] < longest[:-1])
    if bad.any():
        run = np.cumsum(np.r_[True, ~tie]) - 1  # which run of equal starts each position is in
        redo = np.zeros(int(run[-1]) + 1, bool)
        redo[run[1:][bad]] = True
        pos = np.flatnonzero(redo[run])
        order[pos] = order[pos[np.lexsort((longest[pos], run[pos]))]]
    del longest, tie, bad
    return order[stable_order(lane[order], n_lanes)]


def auto_cap(depth: np.ndarray | int, view_rows: float, n_empty: int = 0) -> int:
    """The most sub-rows per lane such that all lanes fit ``view_rows`` (at least ``MIN_CAP``).

    ``depth`` holds the sub-rows each lane with events needs (see :func:`lane_depths`);
    a plain number means that many lanes of unknown depth.
    """
    if np.isscalar(depth):
        return int(min(MAX_CAP, max(MIN_CAP, view_rows / max(1, int(depth)) - 1)))
    depth = np.asarray(depth)
    caps = np.arange(MIN_CAP, MAX_CAP + 1)
    rows = np.where(depth[None, :] <= caps[:, None], depth[None, :], caps[:, None] + 1)
    total = rows.sum(axis=1) + LANE_PAD * len(depth) + EMPTY_LANE_HEIGHT * n_empty
    fits = np.flatnonzero(total <= view_rows)
    best = int(caps[fits[-1]]) if len(fits) else MIN_CAP
    return max(MIN_CAP, min(best, int(depth.max(initial=0))))


def zone_lanes_with_ancestors(store: EventStore, lanes: list[Lane], lane_of: np.ndarray) -> tuple[list[Lane], np.ndarray]:
    """Add the parent zones of the zone lanes, so the indented hierarchy reads as a tree.

    Returns the new lane list (store order, i.e. the zone hierarchy) and ``lane_of``
    re-indexed into it.
    """
    used = [store.zone_index[lane.key.partition(":")[2]] for lane in lanes]
    shown = set(used)
    for zi in used:
        p = store.zones[zi].parent
        while p >= 0 and p not in shown:
            shown.add(p)
            p = store.zones[p].parent
    order = sorted(shown)
    pos = {zi: k for k, zi in enumerate(order)}
    remap = np.array([pos[zi] for zi in used], dtype=np.int32)
    every = store.all_lanes("zone")
    out = [every[k] for k in order]
    return out, remap[lane_of] if len(lane_of) else lane_of.astype(np.int32)


def greedy_chain(nxt: np.ndarray) -> np.ndarray:
    """Nodes reached from node 0 by following ``nxt`` (``nxt[i] > i``; ``len(nxt)`` ends).

    Pointer doubling keeps this vectorised: after step ``k`` every node within
    ``2**k`` hops of node 0 is marked, and each step costs one gather.
    """
    m = len(nxt)
    jump = np.append(np.asarray(nxt, dtype=np.int64), m)
    on = np.zeros(m + 1, bool)
    if m == 0:
        return on[:0]
    on[0] = True
    while True:
        dst = jump[np.flatnonzero(on)]
        new = dst[~on[dst]]
        if not len(new):  # the chain reached the end (only the end maps onto itself)
            break
        on[new] = True
        jump = jump[jump]
    return on[:m]


def stack(lane: np.ndarray, start: np.ndarray, end: np.ndarray, cap: int = MAX_SUBROWS) -> np.ndarray:
    """First-fit interval packing into sub-rows, per lane, vectorised.

    Items must be sorted by (lane, start).  Sub-row ``r`` receives the greedy chain of
    the items left over by sub-rows ``0..r-1`` (the same result as placing each item
    in the first sub-row that is free at its start).  Items that do not fit into
    ``cap`` sub-rows get ``cap``: one overflow sub-row where they may overlap.
    """
    n = len(start)
    sub = np.full(n, cap, dtype=np.int32)
    if n == 0:
        return sub
    # Offset each lane far to the right so one chain walks through all lanes at once.
    span = float(np.max(end) - np.min(start)) + 10.0
    s_all = start - np.min(start) + lane.astype(np.float64) * span
    e_all = s_all + (end - start)
    remaining = np.arange(n)
    for r in range(cap):
        if not len(remaining):
            break
        s, e = s_all[remaining], e_all[remaining]
        nxt = np.searchsorted(s, e, side="left")
        nxt = np.maximum(nxt, np.arange(1, len(s) + 1))  # always move forward
        on = greedy_chain(nxt)
        sub[remaining[on]] = r
        remaining = remaining[~on]
    return sub


def overflow_clusters(lane: np.ndarray, s: np.ndarray, e: np.ndarray, overflow: np.ndarray) -> np.ndarray:
    """Group the overflow items of each lane into runs of overlapping intervals.

    Items are sorted by (lane, start); returns a cluster id per item (-1 for items
    not in ``overflow``).  Clusters of one item are dissolved (-1): drawn on their own.
    """
    out = np.full(len(s), -1, dtype=np.int64)
    idx = np.flatnonzero(overflow)
    if not len(idx):
        return out
    span = float(np.max(e) - np.min(s)) + 10.0
    so = s[idx] - np.min(s) + lane[idx] * span
    eo = so + (e[idx] - s[idx])
    reach = np.maximum.accumulate(eo)
    start = np.ones(len(idx), bool)
    start[1:] = so[1:] >= reach[:-1]
    cid = np.cumsum(start) - 1
    keep = np.bincount(cid)[cid] > 1
    out[idx[keep]] = _dense(cid[keep], len(idx))
    return out


def _next_start(lane: np.ndarray, sub: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Start of the next interval in the same (lane, sub-row); ``inf`` for the last.

    Items are sorted by (lane, start): a stable sort by (lane, sub-row) keeps each
    sub-row's items in start order (a radix sort when the key fits 16 bits).
    """
    out = np.full(len(s), np.inf)
    if len(s):
        key = lane.astype(np.int64) * (MAX_CAP + 2) + sub
        o = stable_order(key)
        same = key[o][1:] == key[o][:-1]
        nx = np.full(len(o), np.inf)
        nx[:-1] = np.where(same, s[o][1:], np.inf)
        out[o] = nx
    return out


def _stack_span(x0: np.ndarray, x1: np.ndarray, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The interval each item takes when stacking: its date's span, a day widened to about a
    week (``POINT_HALF`` either side), plus ``STACK_GAP`` after it."""
    mid = (x0 + x1) / 2
    return np.where(point, mid - POINT_HALF, x0), np.where(point, mid + POINT_HALF, x1) + STACK_GAP


def _pile_units(lane: np.ndarray, s: np.ndarray, e: np.ndarray, crowded: np.ndarray) -> np.ndarray:
    """The item standing for each item's mark: itself, or in a crowded lane the first of
    the events sharing its date (a pile).  Items are sorted by (lane, start, longest first)."""
    n = len(s)
    items = np.arange(n)
    if not n or not crowded.any():
        return items
    first = np.ones(n, bool)
    first[1:] = (lane[1:] != lane[:-1]) | (s[1:] != s[:-1]) | (e[1:] != e[:-1])
    gid = np.cumsum(first) - 1
    in_pile = crowded[lane] & (np.bincount(gid)[gid] > 1)
    return np.where(in_pile, np.flatnonzero(first)[gid], items)


def stable_order(keys: np.ndarray, bound: int | None = None) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative integer keys (below ``bound``,
    when known): a radix sort when they fit 16 bits (numpy radix-sorts 16-bit integers),
    else numpy's merge sort."""
    if bound is None:
        bound = int(keys.max()) + 1 if len(keys) else 0
    if bound <= np.iinfo(np.uint16).max + 1:
        keys = keys.astype(np.uint16)
    return np.argsort(keys, kind="stable")


def _dense(values: np.ndarray, bound: int) -> np.ndarray:
    """Each of ``values`` (integers in ``[0, bound)``) replaced by its rank among the distinct
    values: what ``np.unique(values, return_inverse=True)[1]`` gives, without a sort."""
    present = np.zeros(bound, bool)
    present[values] = True
    return (np.cumsum(present) - 1)[values]


# Layouts of every row made ahead of the first one asked for (e.g. while the app loads),
# by their build_layout arguments.
_PREPARED: weakref.WeakKeyDictionary[EventStore, dict[tuple, TimelineLayout]] = weakref.WeakKeyDictionary()


def prepare_all(store: EventStore, mode: str = "zone", view_rows: float | None = None,
                hierarchy: bool = True) -> None:
    """Lay out every row now, for the first :func:`build_layout` of all rows with these
    arguments to take (once): e.g. in a thread while the interface is still loading."""
    lay = build_layout(store, mode, None, view_rows=view_rows, hierarchy=hierarchy)
    _PREPARED.setdefault(store, {})[(mode, hierarchy, None, view_rows)] = lay


def _take_prepared(store: EventStore, key: tuple, rows: np.ndarray | None) -> TimelineLayout | None:
    """The layout prepared for these arguments, if any; the others are dropped (they were
    made for a first layout, which this is)."""
    prepared = _PREPARED.pop(store, None)
    if not prepared or rows is None or len(rows) != store.n:
        return None
    return prepared.get(key)


@dataclass
class _EveryRow:
    """What a layout of every row finds that depends only on the store and the lanes'
    mode, kept for the next layout of every row (clearing the filters): its lanes, the
    rows in layout order (``int32``: 4 MB at a million events), the events per lane and
    the sub-rows each lane needs, uncapped and (per cap) with its piles as one mark.  The
    rest of a layout is gathered from the store by ``rows``."""

    lanes: list[Lane]
    rows: np.ndarray
    count: np.ndarray
    need: np.ndarray
    n_empty: int
    piled_need: dict[int, np.ndarray]


_EVERY: weakref.WeakKeyDictionary[EventStore, dict[tuple, _EveryRow]] = weakref.WeakKeyDictionary()


def _every_row(store: EventStore, mask: np.ndarray | None, rows: np.ndarray | None) -> bool:
    if rows is not None:
        return len(rows) == store.n
    return mask is None or bool(mask.all())


def _from_kept(store: EventStore, kept: _EveryRow, cap: int | None, view_rows: float | None) -> TimelineLayout:
    """The layout of every row from what an earlier one kept (see :class:`_EveryRow`):
    the same arrays :func:`build_layout` works out, without the sorting and counting."""
    rows = kept.rows.astype(np.int64)
    nl = len(kept.lanes)
    lane_of = np.repeat(np.arange(nl, dtype=np.int32), kept.count)
    x0, x1 = store.t_start[rows], store.t_end[rows]
    point = store.precision[rows] == DAY
    need, depth = kept.need, None
    if cap is None and view_rows:
        depth = need[need > 0]
        cap = auto_cap(depth, view_rows, kept.n_empty)
    elif cap is None:
        cap = MAX_SUBROWS
    crowded = need > cap
    if crowded.any():
        need = kept.piled_need.get(cap)
        if need is None:
            need = kept.piled_need[cap] = _piled_need(lane_of, *_stack_span(x0, x1, point), crowded, nl)
    return _lay_out(list(kept.lanes), kept.count.copy(), need, cap, crowded, rows, lane_of, x0, x1, point, depth, kept.n_empty)


def _piled_need(lane_of: np.ndarray, s: np.ndarray, e: np.ndarray, crowded: np.ndarray, nl: int) -> np.ndarray:
    """The sub-rows each lane needs when the events sharing a date in a ``crowded`` lane
    take one (a pile)."""
    unit = _pile_units(lane_of, s, e, crowded)
    u = np.flatnonzero(unit == np.arange(len(unit)))
    return lane_depths(lane_of[u], s[u], e[u], nl)


def _lay_out(lanes: list[Lane], count: np.ndarray, need: np.ndarray, cap: int, crowded: np.ndarray,
             rows: np.ndarray, lane_of: np.ndarray, x0: np.ndarray, x1: np.ndarray, point: np.ndarray,
             depth: np.ndarray | None, n_empty: int) -> TimelineLayout:
    """The lanes' heights and tops from the sub-rows they need, and the layout."""
    nl = len(lanes)
    deepest = np.minimum(need, cap + 1) - 1  # the overflow sub-row is ``cap``
    height = np.where(count > 0, deepest + 1 + LANE_PAD, EMPTY_LANE_HEIGHT).astype(np.float64)
    top = np.concatenate([[0.0], np.cumsum(height)[:-1]]) if nl else np.zeros(0)
    return TimelineLayout(lanes, top, height, count, crowded, rows, lane_of, x0, x1, point, cap, depth, n_empty)


def build_layout(store: EventStore, mode: str, mask: np.ndarray, cap: int | None = None,
                 view_rows: float | None = None, hierarchy: bool = True,
                 rows: np.ndarray | None = None) -> TimelineLayout:
    """Lanes of ``mode`` for the rows in ``mask``, their heights, and each item's lane and span.

    Each lane stacks its events into at most ``cap`` sub-rows (by default
    :func:`auto_cap` for ``view_rows``, or ``MAX_SUBROWS``).  In a lane that needs
    more, events sharing one date become a pile (one mark with a count); what still
    does not fit goes to an overflow sub-row, where overlapping marks form clusters.
    In zone mode with ``hierarchy`` the parents of the zones with events are shown
    too (as empty lanes), so the indentation by depth reads as a tree.  ``rows`` are the
    row numbers of ``mask``, when the caller has them (all of them: a layout made by
    :func:`prepare_all` with these arguments is used).  A layout of every row keeps its
    order and lane depths (:class:`_EveryRow`), which the next one of every row in the same
    mode starts from: clearing the filters at a million events takes ~13 ms, not ~140.

    The stacking itself is left to :func:`stack_items`, run when first needed: a lane's
    height follows from how many sub-rows its marks need at once (first-fit by start uses
    exactly that many), which :func:`lane_depths` counts without stacking.
    """
    prepared = _take_prepared(store, (mode, hierarchy, cap, view_rows), rows)
    if prepared is not None:
        return prepared
    every = _every_row(store, mask, rows)
    kept = _EVERY.get(store, {}).get((mode, hierarchy)) if every else None
    if kept is not None:
        return _from_kept(store, kept, cap, view_rows)
    lanes, rows, lane_of = store.lanes(mode, mask, rows)
    n_used = len(lanes)
    if mode == "zone" and hierarchy and lanes:
        lanes, lane_of = zone_lanes_with_ancestors(store, lanes, lane_of)
    rows = np.asarray(rows, dtype=np.int64)
    lane_of = np.asarray(lane_of, dtype=np.int32)
    # Gathered from the store in row order (ascending: the reads stream), then put in
    # layout order from these small arrays, which is far kinder to the cache than
    # gathering from the store's columns in layout order.
    if mode != "storyline" and len(rows) == store.n:  # every row, once each, in row order
        x0, x1, point = store.t_start, store.t_end, store.precision == DAY
    else:
        x0, x1 = store.t_start[rows], store.t_end[rows]
        point = store.precision[rows] == DAY
    s, e = _stack_span(x0, x1, point)
    order = _lane_start_order(lane_of, s, e, len(lanes))  # by lane, start, longest first
    rows, lane_of, x0, x1, point, s, e = (a[order] for a in (rows, lane_of, x0, x1, point, s, e))
    del order
    nl = len(lanes)
    # The sub-rows each lane needs, uncapped: it says which lanes overflow any cap.
    need = lane_depths(lane_of, s, e, nl)
    depth = None
    if cap is None and view_rows:
        depth = need[need > 0]
        cap = auto_cap(depth, view_rows, nl - n_used)
    elif cap is None:
        cap = MAX_SUBROWS
    uncapped = need
    crowded = need > cap
    if crowded.any():  # piles take one sub-row each: count again over the marks
        need = _piled_need(lane_of, s, e, crowded, nl)
    del s, e

    count = np.bincount(lane_of, minlength=nl) if nl else np.zeros(0, np.int64)
    if every:
        piled = {cap: need} if crowded.any() else {}
        _EVERY.setdefault(store, {})[(mode, hierarchy)] = _EveryRow(
            lanes, rows.astype(np.int32), count, uncapped, nl - n_used, piled)
    return _lay_out(lanes, count, need, cap, crowded, rows, lane_of, x0, x1, point, depth, nl - n_used)


def stack_items(lay: TimelineLayout) -> Stacking:
    """Sub-row of every item, its piles and overflow clusters, and the room for labels."""
    lane_of, x0, x1, cap = lay.lane, lay.x0, lay.x1, lay.cap
    s, e = _stack_span(x0, x1, lay.point)
    n = lay.n
    items = np.arange(n)
    # The piles are found again rather than kept from build_layout: keeping them would hold
    # another array per item for layouts that are never stacked (8 MB at a million events).
    unit = _pile_units(lane_of, s, e, lay.crowded)
    u = np.flatnonzero(unit == items)
    sub_u = np.full(n, cap, dtype=np.int32)
    sub_u[u] = stack(lane_of[u], s[u], e[u], cap)
    sub = sub_u[unit]
    del sub_u

    # Groups: overflow clusters of marks, then piles not inside a cluster.
    cl_u = overflow_clusters(lane_of[u], s[u], e[u], sub[u] == cap)
    cl_of_unit = np.full(n, -1, dtype=np.int64)
    cl_of_unit[u] = cl_u
    cluster = cl_of_unit[unit]
    del cl_of_unit
    n_cl = int(cluster.max()) + 1 if n and cluster.max() >= 0 else 0
    member = unit != items
    head = np.zeros(n, bool)
    head[unit[member]] = True  # a pile's first item
    piled = member | head
    pile_unit = np.where(piled & (cluster < 0), unit, -1)
    pile = np.full(n, -1, dtype=np.int64)
    has_pile = pile_unit >= 0
    pile[has_pile] = _dense(pile_unit[has_pile], n) + n_cl  # piles numbered by their first item
    group = np.where(cluster >= 0, cluster, pile)
    ng = int(group.max()) + 1 if n and group.max() >= 0 else 0

    top_pad = np.where(lay.lane_count > 0, LANE_PAD / 2, 0.0)
    y = lay.lane_top[lane_of] + top_pad[lane_of] + sub + 0.5 if len(lay.lanes) else np.zeros(0)

    # Label room is bounded by the next *mark* in the sub-row: clusters count as one.
    # Each mark is represented by its first item (a cluster's lowest, a pile's head).
    next_x = np.zeros(0)
    if n:
        rep = unit
        if n_cl:
            in_cl = cluster >= 0
            cl_first = np.full(n_cl, n, dtype=np.int64)
            np.minimum.at(cl_first, cluster[in_cl], items[in_cl])
            rep = np.where(in_cl, cl_first[cluster], unit)
        is_rep = np.zeros(n, bool)
        is_rep[rep] = True
        reps = np.flatnonzero(is_rep)
        next_x = _next_start(lane_of[reps], sub[reps], s[reps])[np.cumsum(is_rep)[rep] - 1]

    g_kind = np.zeros(ng, dtype=np.int8)
    g_kind[:n_cl] = CLUSTER
    g_count = np.bincount(group[group >= 0], minlength=ng)
    g_x0, g_x1 = np.full(ng, np.inf), np.full(ng, -np.inf)
    g_lane, g_y, g_next = np.zeros(ng, dtype=np.int32), np.zeros(ng), np.full(ng, np.inf)
    m = group >= 0
    np.minimum.at(g_x0, group[m], x0[m])
    np.maximum.at(g_x1, group[m], x1[m])
    np.minimum.at(g_next, group[m], next_x[m])
    g_lane[group[m]] = lane_of[m]
    g_y[group[m]] = y[m]
    return Stacking(sub, y, next_x, group, g_kind, g_lane, g_x0, g_x1, g_y, g_count, g_next)


def density(layout: TimelineLayout, items: np.ndarray, x_lo: float, x_hi: float, bins: int) -> tuple[np.ndarray, ...]:
    """Events per (lane, time bin) for an aggregate view of many items.

    Returns ``lane, bin_x0, bin_x1, count`` for the non-empty cells.
    """
    bins = max(1, int(bins))
    width = (x_hi - x_lo) / bins
    mid = (layout.x0[items] + layout.x1[items]) / 2
    b = np.clip(((mid - x_lo) / width).astype(np.int64), 0, bins - 1)
    cell = layout.lane[items].astype(np.int64) * bins + b
    counts = np.bincount(cell, minlength=len(layout.lanes) * bins)
    nz = np.flatnonzero(counts)
    lane, b = np.divmod(nz, bins)
    bx0 = x_lo + b * width
    return lane, bx0, bx0 + width, counts[nz]


def label_room(x0: np.ndarray, x1: np.ndarray, next_x: np.ndarray, point: np.ndarray,
               view: tuple[float, float], px_per_year: float, marker_px: float) -> tuple[np.ndarray, ...]:
    """Pixel geometry for title labels of some items.

    Returns ``(left, inside, right)`` in pixels from the view's left edge: ``left``
    where a label inside a bar would start, ``inside`` the room inside the visible
    part of a bar (0 for markers) and ``right`` the room after the item before the
    next item in its sub-row or the view's right edge.
    """
    lo, hi = view
    to_px = lambda x: (np.asarray(x) - lo) * px_per_year  # noqa: E731
    half = marker_px / 2
    mid = (x0 + x1) / 2
    left = np.where(point, to_px(mid) + half, np.maximum(to_px(x0), 0.0))
    vis_right = np.minimum(to_px(x1), to_px(hi))
    inside = np.where(point, 0.0, vis_right - left)
    item_right = np.where(point, to_px(mid) + half, np.maximum(to_px(x1), to_px(x0) + 1.0))
    nxt_left = np.minimum(to_px(next_x) - half, to_px(hi))
    right = nxt_left - item_right
    return left, inside, right


def selected_items(layout: TimelineLayout, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """Indices of the items showing any of ``rows``."""
    if not len(rows) or not layout.n:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.isin(layout.row, np.fromiter(rows, np.int64, len(rows))))
