"""Partial dates: a date known to the year, the month or the day, never padded.

A year-only event is stored and exported as ``"1924"``, not as 1 January 1924.  For
drawing, a partial date covers an interval of fractional years: the whole year, the
whole month, or a single day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from enum import IntEnum

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)  # not full-width or other digits

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Precision(IntEnum):
    """How much of a date is known."""

    YEAR = 0
    MONTH = 1
    DAY = 2

    @property
    def label(self) -> str:
        return ("year", "month", "day")[self]

    @classmethod
    def from_label(cls, label: str) -> Precision:
        return {"year": cls.YEAR, "month": cls.MONTH, "day": cls.DAY}[label]


YEARS = (1, 9999)  # the years a date can have


class DateError(ValueError):
    """A partial date that is malformed or impossible (e.g. ``2023-02-30``)."""


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to year, month or day precision.

    Parameters
    ----------
    year, month, day
        ``month`` and ``day`` are ``None`` when unknown; a day needs a month.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not YEARS[0] <= self.year <= YEARS[1]:
            raise DateError(f"year {self.year} out of range")
        if self.month is None:
            if self.day is not None:
                raise DateError("a day needs a month")
            return
        if not 1 <= self.month <= 12:
            raise DateError(f"month {self.month} out of range")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise DateError(f"day {self.day} does not exist in {self.year}-{self.month:02d}")

    # ------------------------------------------------------------------ parsing
    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``."""
        m = _ISO.match(text.strip()) if isinstance(text, str) else None
        if not m:
            raise DateError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = m.groups()
        return cls(int(y), int(mo) if mo else None, int(d) if d else None)

    # ------------------------------------------------------------------ properties
    @property
    def precision(self) -> Precision:
        if self.month is None:
            return Precision.YEAR
        return Precision.MONTH if self.day is None else Precision.DAY

    def iso(self) -> str:
        """The date with exactly its precision: ``1924``, ``2019-02``, ``2025-07-07``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    __str__ = iso

    def sort_key(self) -> int:
        """An integer that orders dates; unknown parts sort first within their parent."""
        return self.year * 10000 + (self.month or 0) * 100 + (self.day or 0)

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: PartialDate) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: PartialDate) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: PartialDate) -> bool:
        return self.sort_key() >= other.sort_key()

    def span(self) -> tuple[float, float]:
        """The interval ``[start, end)`` this date covers, in fractional years."""
        y = self.year
        if self.month is None:
            return float(y), float(y + 1)
        if self.day is None:
            return y + (self.month - 1) / 12.0, y + self.month / 12.0
        n_days = 366 if calendar.isleap(y) else 365
        doy = (_day_of_year(y, self.month, self.day) - 1) / n_days
        return y + doy, y + doy + 1.0 / n_days

    def format(self, lang: str = "zh") -> str:
        """Human form in ``"zh"`` (``2019年2月``) or ``"en"`` (``Feb 2019``)."""
        if lang.startswith("zh"):
            if self.month is None:
                return f"{self.year}年"
            if self.day is None:
                return f"{self.year}年{self.month}月"
            return f"{self.year}年{self.month}月{self.day}日"
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{_MONTHS_EN[self.month - 1]} {self.year}"
        return f"{self.day} {_MONTHS_EN[self.month - 1]} {self.year}"


def _day_of_year(y: int, m: int, d: int) -> int:
    return sum(calendar.monthrange(y, k)[1] for k in range(1, m)) + d


def format_range(start: PartialDate, end: PartialDate | None, lang: str = "zh") -> str:
    """Format a date or a range (``1993年—2023年``, ``2019 – 2021``)."""
    if end is None:
        return start.format(lang)
    sep = "—" if lang.startswith("zh") else " – "
    return f"{start.format(lang)}{sep}{end.format(lang)}"


def fractional_year_to_label(x: float, precision: Precision) -> str:
    """Tick label for a fractional year at a given precision (used by the timeline axis)."""
    year = int(x // 1)
    if precision is Precision.YEAR:
        return str(year)
    month = min(12, int(round((x - year) * 12)) + 1)
    return f"{year}-{month:02d}"
