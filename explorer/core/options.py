"""Filters from command-line style options, shared by ``export`` and ``render``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from explorer.core.filter_state import Filters
from explorer.core.store import EventStore


class UsageError(Exception):
    """A usage problem found after parsing (e.g. an unknown zone name)."""


def filters_from_options(
    store: EventStore,
    zones: Sequence[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    categories: Sequence[str] = (),
    storylines: Sequence[str] = (),
    search: str = "",
) -> Filters:
    """Resolve names to ids and build :class:`Filters`.

    Raises
    ------
    UsageError
        For an unknown zone (listing the closest names), category or storyline.
    """
    zone_ids = []
    for name in zones:
        zid = store.resolve_zone(name)
        if zid is None:
            close = difflib.get_close_matches(name, store.zone_name_candidates(), n=5, cutoff=0.3)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise UsageError(f"unknown zone {name!r}{hint}")
        zone_ids.append(zid)
    for c in categories:
        if c not in store.category_index:
            raise UsageError(f"unknown category {c!r}; one of {', '.join(store.category_index)}")
    for s in storylines:
        if s not in store.storyline_index:
            raise UsageError(f"unknown storyline {s!r}; one of {', '.join(store.storyline_index)}")
    years = None
    if year_from is not None or year_to is not None:
        lo = year_from if year_from is not None else store.year_min
        hi = year_to if year_to is not None else store.year_max
        years = (min(lo, hi), max(lo, hi))
    return Filters(frozenset(zone_ids), years, frozenset(categories), frozenset(storylines), search or "")


def filters_from_args(args, store: EventStore) -> Filters:
    """:func:`filters_from_options` from an argparse namespace with the filter flags."""
    return filters_from_options(store, args.zone, args.year_from, args.year_to, args.category,
                                args.storyline, args.search)
