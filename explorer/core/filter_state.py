"""The one filter state every pane reads and changes.

Panes never call each other: they change this state and react to ``changed``.  The
``initiator`` argument travels with the change so a pane can ignore its own echo.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from explorer.core.signals import Signal

FIELDS = ("zones", "years", "categories", "storylines", "text")


@dataclass(frozen=True)
class Filters:
    """An immutable snapshot of the filters; empty sets mean "no restriction"."""

    zones: frozenset[str] = frozenset()
    years: tuple[int, int] | None = None
    categories: frozenset[str] = frozenset()
    storylines: frozenset[str] = frozenset()
    text: str = ""

    def is_empty(self) -> bool:
        """No restriction: nothing chosen, and no text but spaces (which match everything)."""
        return replace(self, text=self.text.strip()) == Filters()

    def without(self, *names: str) -> Filters:
        """The same filters with some cleared (e.g. the map counts ignore ``zones``)."""
        blank = Filters()
        return replace(self, **{n: getattr(blank, n) for n in names})

    def to_dict(self) -> dict:
        """Plain data for settings (no pickling)."""
        return {
            "zones": sorted(self.zones),
            "years": list(self.years) if self.years else [],
            "categories": sorted(self.categories),
            "storylines": sorted(self.storylines),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Filters:
        """Tolerant of missing or malformed entries (old or damaged settings): what is not
        a filter is left out, and what is not a mapping at all is no filter."""
        if not isinstance(d, dict):
            return cls()

        def strs(key):
            v = d.get(key) or []
            return frozenset(x for x in v if isinstance(x, str)) if isinstance(v, list | tuple) else frozenset()

        def year(y) -> bool:
            return isinstance(y, int) and not isinstance(y, bool)  # (JSON's true is an int to Python)

        years = d.get("years") or None
        if not (isinstance(years, list | tuple) and len(years) == 2 and all(year(y) for y in years)):
            years = None
        text = d.get("text") if isinstance(d.get("text"), str) else ""
        return cls(strs("zones"), tuple(sorted(years)) if years else None, strs("categories"), strs("storylines"), text)


@dataclass
class FilterState:
    """The mutable holder of :class:`Filters`, with a change signal.

    ``changed`` is emitted as ``changed(filters, initiator)`` once per call, however
    many fields the call changed.
    """

    filters: Filters = field(default_factory=Filters)

    def __post_init__(self) -> None:
        self.changed = Signal()

    def update(self, initiator: object = None, **changes) -> None:
        """Change any fields at once; emits only when something really changed."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise TypeError(f"unknown filter field(s): {', '.join(sorted(unknown))}")
        norm = {}
        for k, v in changes.items():
            if k in ("zones", "categories", "storylines"):
                v = frozenset(v or ())
            elif k == "years":
                v = (min(v), max(v)) if v else None
            elif k == "text":
                v = v or ""
            norm[k] = v
        new = replace(self.filters, **norm)
        if new != self.filters:
            self.filters = new
            self.changed.emit(new, initiator)

    def set(self, filters: Filters, initiator: object = None) -> None:
        """Replace every field with those of ``filters`` (one emission, if anything changed)."""
        self.update(initiator, **{name: getattr(filters, name) for name in FIELDS})

    def toggle_zone(self, zone_id: str, initiator: object = None) -> None:
        self.update(initiator, zones=self.filters.zones ^ {zone_id})

    def clear(self, initiator: object = None, *names: str) -> None:
        """Clear the named fields, or all of them."""
        self.update(initiator, **{n: getattr(Filters(), n) for n in (names or FIELDS)})

    # Convenience properties so callers read ``state.zones`` etc.
    def __getattr__(self, name: str):
        if name in FIELDS:
            return getattr(self.filters, name)
        raise AttributeError(name)
