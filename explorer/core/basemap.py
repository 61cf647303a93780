"""The offline basemap of Shanxi and its neighbours (no Qt).

Reads ``resources/basemap/shanxi_region.json`` (see its ``SOURCE.md``) into numpy
arrays, checking the layout so a damaged file fails with a message that names it.
Also holds the small pieces of map geometry the map pane needs that do not depend on
Qt: joining polylines for one-item drawing and pinning far-away places to an edge.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from explorer.core.paths import resource

Extent = tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max

# Where the map looks when its file cannot be read (see ``bare_basemap``): the bundled
# file's extent and Shanxi's bounding box, rounded outwards.
BARE_EXTENT: Extent = (108.5, 33.8, 116.5, 41.6)
SHANXI_BOX: Extent = (110.2, 34.5, 114.6, 40.8)


class BasemapError(Exception):
    """The basemap file is missing or not in the expected layout."""


@dataclass(frozen=True)
class PlaceLabel:
    """A fixed label of the basemap (a neighbour province)."""

    zh: str
    en: str
    lon: float
    lat: float

    def name(self, lang: str) -> str:
        return (self.zh or self.en) if lang.startswith("zh") else (self.en or self.zh)


@dataclass(frozen=True)
class Basemap:
    """Vector layers in WGS84 degrees; every line or ring is an ``(n, 2)`` array of lon/lat.

    Attributes
    ----------
    extent
        ``(lon_min, lat_min, lon_max, lat_max)`` the layers are clipped to.
    province_lines, country_lines
        Boundary polylines.
    shanxi_outline
        Closed rings of Shanxi, exterior first.
    lakes
        Polygons, each a list of closed rings (exterior first).
    neighbour_labels
        Names of the neighbouring provinces and where to write them.
    lon_lat_display_ratio
        How wide to draw 1° of longitude relative to 1° of latitude (cos of the
        mid-latitude).
    """

    path: Path
    extent: Extent
    province_lines: list[np.ndarray]
    shanxi_outline: list[np.ndarray]
    country_lines: list[np.ndarray]
    lakes: list[list[np.ndarray]]
    neighbour_labels: list[PlaceLabel]
    lon_lat_display_ratio: float
    source: str = ""

    def shanxi_bounds(self) -> Extent:
        """Bounding box of Shanxi's outline (a fixed box when the map has none)."""
        if not self.shanxi_outline:
            return SHANXI_BOX
        pts = np.concatenate(self.shanxi_outline)
        return (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point lies inside the extent."""
        x0, y0, x1, y1 = self.extent
        return x0 <= lon <= x1 and y0 <= lat <= y1


def default_path() -> Path:
    return resource("basemap", "shanxi_region.json")


def load_basemap(path: Path | str | None = None) -> Basemap:
    """Read and check a basemap JSON file (the bundled one by default).

    Raises
    ------
    BasemapError
        The file is missing, unreadable, not JSON, or lacks a layer or has one of
        the wrong shape; the message names the file and the offending key.
    """
    path = Path(path) if path is not None else default_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BasemapError(f"basemap file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BasemapError(f"cannot read basemap file {path}: {e}") from e
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as e:
        raise BasemapError(f"basemap file {path} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    if not isinstance(doc, dict):
        raise BasemapError(f"basemap file {path}: expected a JSON object at the top level")

    def fail(key: str, what: str) -> BasemapError:
        return BasemapError(f"basemap file {path}: {key!r} {what}")

    for key in ("extent", "province_lines", "shanxi_outline", "lakes", "neighbour_labels", "lon_lat_display_ratio"):
        if key not in doc:
            raise fail(key, "is missing")

    ext = doc["extent"]
    if not (isinstance(ext, list) and len(ext) == 4 and all(_is_number(v) for v in ext)):
        raise fail("extent", "must be [lon_min, lat_min, lon_max, lat_max]")
    extent: Extent = tuple(float(v) for v in ext)  # type: ignore[assignment]
    if not (extent[0] < extent[2] and extent[1] < extent[3]):
        raise fail("extent", f"is empty or inverted: {ext}")

    ratio = doc["lon_lat_display_ratio"]
    if not (_is_number(ratio) and 0 < ratio <= 1):
        raise fail("lon_lat_display_ratio", f"must be a number in (0, 1], got {ratio!r}")

    province_lines = _lines(doc["province_lines"], lambda what: fail("province_lines", what))
    if not province_lines:
        raise fail("province_lines", "is empty")
    country_lines = _lines(doc.get("country_lines", []), lambda what: fail("country_lines", what))
    outline = _lines(doc["shanxi_outline"], lambda what: fail("shanxi_outline", what), min_points=4)
    if not outline:
        raise fail("shanxi_outline", "is empty")
    if not isinstance(doc["lakes"], list):
        raise fail("lakes", "must be a list of polygons")
    lakes = [_lines(poly, lambda what: fail("lakes", what), min_points=4) for poly in doc["lakes"]]

    labels = []
    if not isinstance(doc["neighbour_labels"], list):
        raise fail("neighbour_labels", "must be a list")
    for lab in doc["neighbour_labels"]:
        if not (isinstance(lab, dict) and _is_number(lab.get("lon")) and _is_number(lab.get("lat"))
                and isinstance(lab.get("zh", ""), str) and isinstance(lab.get("en", ""), str)):
            raise fail("neighbour_labels", f"has an entry without zh/en/lon/lat: {lab!r}")
        labels.append(PlaceLabel(lab.get("zh", ""), lab.get("en", ""), float(lab["lon"]), float(lab["lat"])))

    return Basemap(path, extent, province_lines, outline, country_lines, lakes, labels, float(ratio),
                   str(doc.get("source", "")))


def bare_basemap(path: Path) -> Basemap:
    """A basemap with no layers, over the bundled file's extent: what the map pane draws
    its places on when ``path`` cannot be read, so the rest of the window still works."""
    x0, y0, x1, y1 = BARE_EXTENT
    ratio = round(math.cos(math.radians((y0 + y1) / 2)), 4)
    return Basemap(Path(path), BARE_EXTENT, [], [], [], [], [], ratio)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _lines(value: object, fail, min_points: int = 2) -> list[np.ndarray]:
    if not isinstance(value, list):
        raise fail("must be a list of [[lon, lat], ...] lines")
    out = []
    for i, line in enumerate(value):
        try:
            arr = np.asarray(line, dtype=np.float64)
        except (TypeError, ValueError):
            raise fail(f"line {i} is not a list of [lon, lat] pairs") from None
        if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) < min_points or not np.isfinite(arr).all():
            raise fail(f"line {i} is not a list of at least {min_points} [lon, lat] pairs")
        out.append(arr)
    return out


def join_with_nan(lines: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate polylines into x and y arrays separated by NaN.

    One curve item drawn with ``connect='finite'`` then draws every line, which is far
    cheaper than one item per line.
    """
    if not lines:
        return np.empty(0), np.empty(0)
    gap = np.full((1, 2), np.nan)
    parts: list[np.ndarray] = []
    for line in lines:
        parts += [line, gap]
    pts = np.concatenate(parts[:-1])
    return pts[:, 0].copy(), pts[:, 1].copy()


def pin_to_box(lon: float, lat: float, box: Extent, ratio: float = 1.0) -> tuple[float, float, float]:
    """Where to draw a place that lies outside ``box``, and which way it is.

    The place is pinned where the ray from the box centre towards it leaves the box, so
    the mark sits on the side the place really lies (Lanzhou, far west, on the left
    edge).  Returns ``(lon, lat, bearing)``; the bearing is in degrees counter-clockwise
    from east, measured in display units where 1° of longitude is ``ratio`` times as
    wide as 1° of latitude.  A place inside the box is returned unchanged.
    """
    x0, y0, x1, y1 = box
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = (lon - mx) * ratio, lat - my
    angle = math.degrees(math.atan2(dy, dx))
    if x0 <= lon <= x1 and y0 <= lat <= y1:
        return lon, lat, angle
    hx, hy = (x1 - x0) / 2 * ratio, (y1 - y0) / 2
    t = min(hx / abs(dx) if dx else math.inf, hy / abs(dy) if dy else math.inf)
    return mx + dx * t / ratio, my + dy * t, angle


ARROWS = "→↗↑↖←↙↓↘"


def arrow_for(angle: float) -> str:
    """The arrow character nearest to a bearing (degrees counter-clockwise from east)."""
    return ARROWS[round((angle % 360) / 45) % 8]
