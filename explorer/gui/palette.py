"""Colours and marks shared by the panes (one legend for the timeline and the table)."""

from __future__ import annotations

# Colour-blind-friendly qualitative palette (Okabe–Ito, extended), one per category.
CATEGORY_COLOURS = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#F0E442", "#000000", "#8C564B", "#7F7F7F", "#9467BD", "#17BECF",
)
SELECTED = "#FF1744"
ACTIVE = "#FFD600"
CONFLICT = "#D50000"
MAP_LAND = "#F4F1EA"
MAP_PROVINCE = "#9E9E9E"
MAP_SHANXI = "#37474F"
ZONE_MARKER = "#1565C0"


def category_colour(index: int) -> str:
    return CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)]
