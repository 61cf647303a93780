"""The basemap loader and map geometry, without Qt."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from explorer.core.basemap import BasemapError, arrow_for, bare_basemap, join_with_nan, load_basemap, pin_to_box
from explorer.core.paths import resource

TAIYUAN = (112.55, 37.87)


def inside(point, ring) -> bool:
    """Even-odd ray casting."""
    x, y = point
    xs, ys = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(xs, -1), np.roll(ys, -1)
    crosses = ((ys > y) != (y2 > y)) & (x < (x2 - xs) * (y - ys) / np.where(y2 == ys, 1, y2 - ys) + xs)
    return bool(crosses.sum() % 2)


def test_bundled_basemap_loads():
    bm = load_basemap()
    assert bm.path == resource("basemap", "shanxi_region.json")
    x0, y0, x1, y1 = bm.extent
    assert x0 < 110 < 114.6 < x1 and y0 < 34.6 < 40.7 < y1
    assert len(bm.province_lines) > 5 and all(line.shape[1] == 2 for line in bm.province_lines)
    assert sum(len(line) for line in bm.province_lines) > 500
    assert math.isclose(bm.lon_lat_display_ratio, math.cos(math.radians((y0 + y1) / 2)), abs_tol=0.02)
    assert {lab.zh for lab in bm.neighbour_labels} >= {"河北", "河南", "陕西", "内蒙古"}
    assert all(bm.contains(lab.lon, lab.lat) for lab in bm.neighbour_labels)
    assert len(bm.lakes) >= 1


def test_shanxi_outline_is_plausible():
    bm = load_basemap()
    ring = bm.shanxi_outline[0]
    assert np.allclose(ring[0], ring[-1])  # closed
    lon0, lat0, lon1, lat1 = bm.shanxi_bounds()
    assert lon0 == pytest.approx(110.2, abs=0.3) and lon1 == pytest.approx(114.55, abs=0.3)
    assert lat0 == pytest.approx(34.6, abs=0.3) and lat1 == pytest.approx(40.74, abs=0.3)
    assert inside(TAIYUAN, ring)
    assert inside((113.58, 37.86), ring)  # Yangquan
    assert not inside((114.5, 38.04), ring)  # Shijiazhuang, Hebei
    assert not inside((108.95, 34.27), ring)  # Xi'an, Shaanxi


def write(tmp_path, doc) -> str:
    path = tmp_path / "map.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def valid_doc() -> dict:
    return json.loads(resource("basemap", "shanxi_region.json").read_text(encoding="utf-8"))


def test_bare_basemap_covers_the_bundled_one():
    # What the map shows its places on when the file cannot be read: the same extent and
    # aspect, Shanxi's box for the "Shanxi" preset, and nothing to draw.
    bm, bare = load_basemap(), bare_basemap(Path("x.json"))
    assert bare.extent == bm.extent
    assert bare.lon_lat_display_ratio == pytest.approx(bm.lon_lat_display_ratio, abs=1e-3)
    box, outline = bare.shanxi_bounds(), bm.shanxi_bounds()
    assert box[0] <= outline[0] and box[1] <= outline[1] and box[2] >= outline[2] and box[3] >= outline[3]
    assert box[2] - box[0] < (outline[2] - outline[0]) + 0.2 and box[3] - box[1] < (outline[3] - outline[1]) + 0.2
    assert not (bare.province_lines or bare.shanxi_outline or bare.lakes or bare.neighbour_labels)


def test_missing_file_names_it(tmp_path):
    missing = tmp_path / "nowhere.json"
    with pytest.raises(BasemapError, match="not found") as err:
        load_basemap(missing)
    assert str(missing) in str(err.value)


def test_malformed_json_names_the_file(tmp_path):
    path = write(tmp_path, '{"extent": [1, 2, 3')
    with pytest.raises(BasemapError, match="not valid JSON") as err:
        load_basemap(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d.pop("province_lines"), "province_lines"),
        (lambda d: d.update(extent=[116, 33, 108, 41]), "extent"),
        (lambda d: d.update(extent="Shanxi"), "extent"),
        (lambda d: d.update(shanxi_outline=[[[112, 37], [113]]]), "shanxi_outline"),
        (lambda d: d.update(lon_lat_display_ratio=0), "lon_lat_display_ratio"),
        (lambda d: d.update(neighbour_labels=[{"zh": "河北"}]), "neighbour_labels"),
        (lambda d: d.update(lakes={}), "lakes"),
    ],
)
def test_wrong_layout_names_file_and_key(tmp_path, change, key):
    doc = valid_doc()
    change(doc)
    path = write(tmp_path, doc)
    with pytest.raises(BasemapError) as err:
        load_basemap(path)
    assert str(path) in str(err.value) and repr(key) in str(err.value)


def test_top_level_must_be_an_object(tmp_path):
    with pytest.raises(BasemapError, match="JSON object"):
        load_basemap(write(tmp_path, "[1, 2]"))


def test_join_with_nan_separates_lines():
    x, y = join_with_nan([np.array([[0, 0], [1, 1]]), np.array([[5, 5], [6, 6], [7, 7]])])
    assert len(x) == 6 and np.isnan(x[2]) and np.isnan(y[2])
    assert x.tolist()[:2] == [0, 1] and y.tolist()[3:] == [5, 6, 7]
    assert join_with_nan([])[0].size == 0


def test_far_places_are_pinned_to_the_side_they_lie_on():
    box = (108.5, 33.8, 116.5, 41.6)
    lon, lat, angle = pin_to_box(103.834, 36.061, box, 0.79)  # Lanzhou, far west
    assert lon == pytest.approx(108.5) and box[1] < lat < box[3]
    assert arrow_for(angle) == "←"
    lon, lat, angle = pin_to_box(116.4, 39.9, (112, 36, 114, 38))  # Beijing from central Shanxi
    assert (lon == pytest.approx(114) or lat == pytest.approx(38)) and arrow_for(angle) == "↗"
    assert pin_to_box(113, 37, box)[:2] == (113, 37)  # inside: unchanged
