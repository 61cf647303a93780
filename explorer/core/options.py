"""Filters from command-line style options, shared by ``export`` and ``render``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from explorer.core.dates import YEARS
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

    The years are taken as given, never swapped nor moved into the data: ``year_from``
    alone keeps the events from that year on, none when it is after the data's last
    year; ``year_to`` alone those up to that year.  Each must lie in 1–9999 and
    ``year_from`` must not be after ``year_to``.

    Raises
    ------
    UsageError
        For an unknown zone (listing the closest names), category or storyline; a year
        out of range or a start after the end; text that is not valid (bytes of the
        command line that are not UTF-8).
    """
    for option, values in (("--zone", zones), ("--category", categories), ("--storyline", storylines),
                           ("--search", [search or ""])):
        for v in values:
            check_text(option, v)
    for option, year in (("--from", year_from), ("--to", year_to)):
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            raise UsageError(f"{option} {year}: a year must be between {YEARS[0]} and {YEARS[1]}")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise UsageError(f"--from {year_from} is after --to {year_to}")
    zone_ids = []
    for name in zones:
        zid = store.resolve_zone(name)
        if zid is None:
            names = store.zone_name_candidates()
            # Each zone once (its simplified and traditional names, its aliases came one by
            # one), as "name (id)": the names that came closest, the closest first.
            close: dict[int, str] = {}
            for n in difflib.get_close_matches(name, names, n=20, cutoff=0.3):
                close.setdefault(names[n], n)
            shown = [n if n == store.zones[i].id else f"{n} ({store.zones[i].id})" for i, n in close.items()][:5]
            hint = f"; closest: {', '.join(shown)}" if shown else ""
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
        # An open end reaches past the data, but never back over the given one.
        lo = year_from if year_from is not None else min(store.year_min, year_to)
        hi = year_to if year_to is not None else max(store.year_max, year_from)
        years = (lo, hi)
    return Filters(frozenset(zone_ids), years, frozenset(categories), frozenset(storylines), search or "")


def check_text(option: str, value: str) -> None:
    """Raise :class:`UsageError` if ``value`` (given to ``option``) is not valid text.

    Python hands over command-line bytes that are not UTF-8 as lone surrogates
    (``\\udcff``), which nothing downstream can encode.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        try:  # the bytes as given: \xff
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
        raise UsageError(f"{option} '{shown}': the argument is not valid text (not UTF-8)") from None


def filters_from_args(args, store: EventStore) -> Filters:
    """:func:`filters_from_options` from an argparse namespace with the filter flags."""
    return filters_from_options(store, args.zone, args.year_from, args.year_to, args.category,
                                args.storyline, args.search)
