"""Boundaries: DCW-GMT decoding (areas, holes, antimeridian), cache, tile grid, user files, fallback.

The shipped simplified copy of DCW-GMT has its own tests in ``test_boundaries_shipped.py``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import put_dcw_rings
from shapely.geometry import Polygon, box

from exportlab import geo, regions

REALDATA_GEO = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "geo"
NE_FILE = REALDATA_GEO / "russia_regions_ne50m.geojson"

#: Official areas (Rosstat, thousand km²) of a few subjects; DCW must be within 5 %.
OFFICIAL_AREA_KM2 = {
    "RU-TA": 67_847,  # Tatarstan
    "RU-SA": 3_083_523,  # Sakha (Yakutia)
    "RU-KDA": 75_485,  # Krasnodar Krai (Adygea is a hole in it)
    "RU-AD": 7_792,  # Adygea
    "RU-IRK": 774_846,  # Irkutsk Oblast
    "RU-ROS": 100_967,  # Rostov Oblast
    "RU-CHU": 721_481,  # Chukotka (crosses the antimeridian)
    "RU-NVS": 177_756,  # Novosibirsk Oblast
}

#: Known defects of the two sources (../shared/realdata/geo/PROVENANCE.md): excluded from the
#: DCW ↔ Natural Earth comparison of areas and centroids.
NE_EXCEPTIONS = {
    "RU-KR": "Natural Earth 1:50m: Karelia is a 223 km² islet, its mainland lies inside RU-MUR",
    "RU-MUR": "Natural Earth 1:50m: holds the mainland of Karelia",
    "RU-MOW": "DCW-GMT has pre-2012 Moscow (1,097 km²), Natural Earth New Moscow (2,567 km²)",
    "RU-MOS": "DCW-GMT gives New Moscow to Moscow Oblast",
}

#: Regions of the reference that DCW-GMT has no polygons for.
DCW_MISSING = {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}

needs_dcw = pytest.mark.skipif(
    geo.find_dcw() is None, reason="DCW-GMT not installed (apt install gmt-dcw)"
)


@pytest.fixture(scope="module")
def dcw(dcw_layer) -> gpd.GeoDataFrame:
    return dcw_layer.copy().set_index("iso", drop=False)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return regions.load_regions()


# --------------------------------------------------------------------------------------------------
# Decoding


def test_rings_inside_rings_are_holes_and_islands_in_holes_are_shells():
    outer = np.array(box(0, 0, 10, 10).exterior.coords)
    lake = np.array(box(2, 2, 8, 8).exterior.coords)
    island = np.array(box(4, 4, 5, 5).exterior.coords)
    far = np.array(box(20, 0, 21, 1).exterior.coords)
    geom = geo.rings_to_polygon([lake, outer, island, far])
    assert geom.is_valid
    assert geom.area == pytest.approx(100 - 36 + 1 + 1)
    assert not geom.contains(shapely.Point(3, 3))
    assert geom.contains(shapely.Point(4.5, 4.5))


def test_self_intersecting_ring_is_made_valid():
    bow = np.array([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)], dtype=float)
    geom = geo.rings_to_polygon([bow])
    assert geom.is_valid and geom.area == pytest.approx(2.0)


def _write_fake_dcw(path: Path) -> None:
    """A two-state DCW-like file of a made-up country ``XX`` (state ``A`` has a hole, ``B`` fills it)."""
    import netCDF4

    with netCDF4.Dataset(path, "w") as ds:
        outer = box(10, 40, 14, 44).exterior.coords
        hole = box(11, 41, 12, 42).exterior.coords
        put_dcw_rings(ds, "XXA", [outer, hole])
        put_dcw_rings(ds, "XXB", [hole])
        put_dcw_rings(ds, "XX", [outer])
        put_dcw_rings(ds, "YYC", [box(0, 0, 1, 1).exterior.coords])


def test_decoder_on_a_made_up_country(tmp_path):
    path = tmp_path / "dcw-gmt.nc"
    _write_fake_dcw(path)
    gdf = geo.read_dcw(path, country="XX")
    assert list(gdf["iso"]) == ["XX-A", "XX-B"]
    a, b = gdf.geometry
    assert a.is_valid and len(a.geoms[0].interiors) == 1
    assert a.area == pytest.approx(15.0, rel=1e-3) and b.area == pytest.approx(1.0, rel=1e-3)
    # Nothing assumes Russia: another country gets an Albers projection fitted to its extent.
    layer = geo.load_dcw(path, country="XX", cache_dir=tmp_path, simplify_tolerance=0)
    assert "Albers" in layer.crs.to_wkt()
    assert layer.geometry.is_valid.all()


# --------------------------------------------------------------------------------------------------
# DCW-GMT


@needs_dcw
@pytest.mark.parametrize("iso", sorted(OFFICIAL_AREA_KM2))
def test_areas_within_5_percent_of_official(dcw, iso):
    assert "Albers" in dcw.crs.to_wkt()  # an equal-area projection
    area = dcw.loc[iso].geometry.area / 1e6
    assert area == pytest.approx(OFFICIAL_AREA_KM2[iso], rel=0.05), f"{iso}: {area:,.0f} km²"


@needs_dcw
def test_every_geometry_valid_and_enclaves_are_holes(dcw):
    assert dcw.geometry.is_valid.all()
    assert (~dcw.geometry.is_empty).all()
    for outer, inner in (("RU-MOS", "RU-MOW"), ("RU-KDA", "RU-AD"), ("RU-LEN", "RU-SPE")):
        hole_point = dcw.loc[inner].geometry.representative_point()
        assert not dcw.loc[outer].geometry.contains(hole_point), f"{inner} is not a hole of {outer}"
        overlap = dcw.loc[outer].geometry.intersection(dcw.loc[inner].geometry).area
        assert overlap < 0.01 * dcw.loc[inner].geometry.area
    assert any(len(p.interiors) for p in dcw.loc["RU-MOS"].geometry.geoms)
    assert any(len(p.interiors) for p in dcw.loc["RU-KDA"].geometry.geoms)


@needs_dcw
def test_chukotka_valid_and_east_of_magadan(dcw):
    chu, mag = dcw.loc["RU-CHU"].geometry, dcw.loc["RU-MAG"].geometry
    assert chu.is_valid
    assert chu.centroid.x > mag.centroid.x
    assert chu.bounds[2] > mag.bounds[2]
    # One piece on the map: the mainland part is not cut at 180°.
    assert max(p.area for p in chu.geoms) > 0.9 * chu.area


@needs_dcw
def test_every_reference_region_mapped_or_listed_missing(dcw, reference):
    missing = geo.missing_regions(dcw, reference)
    mapped = set(dcw["iso"])
    assert set(missing) == DCW_MISSING
    assert mapped | set(missing) == set(reference["iso"])
    assert mapped <= set(reference["iso"])


@needs_dcw
def test_compare_with_natural_earth(dcw):
    if not NE_FILE.is_file():
        pytest.skip("../shared/realdata/geo is not present (real-data checks run in CI)")
    ne = geo.load_regions(NE_FILE).set_index("iso")
    assert ne.crs == dcw.crs
    assert {"UA-43", "UA-40"} <= set(ne.index)  # Natural Earth has Crimea and Sevastopol
    bad = []
    for iso in sorted(set(dcw.index) & set(ne.index)):
        if iso in NE_EXCEPTIONS:
            continue
        a, b = dcw.loc[iso].geometry, ne.loc[iso].geometry
        ratio = a.area / b.area
        shift_km = a.centroid.distance(b.centroid) / 1000
        if not (0.85 < ratio < 1.15) or shift_km > 30:
            bad.append((iso, round(ratio, 3), round(shift_km, 1)))
    assert not bad, bad
    # The known defects are really there (if they vanish, update the exceptions).
    assert dcw.loc["RU-KR"].geometry.area > 100 * ne.loc["RU-KR"].geometry.area
    assert dcw.loc["RU-MOW"].geometry.area < 0.6 * ne.loc["RU-MOW"].geometry.area
    # Natural Earth's Chukotka crosses the antimeridian in lon/lat; projected it is east of Magadan.
    assert ne.loc["RU-CHU"].geometry.is_valid
    assert ne.loc["RU-CHU"].geometry.centroid.x > ne.loc["RU-MAG"].geometry.centroid.x


def test_cache_is_reused_and_keyed(tmp_path):
    source = tmp_path / "dcw-gmt.nc"
    _write_fake_dcw(source)
    first = geo.load_dcw(source, "XX", cache_dir=tmp_path, simplify_tolerance=2000)
    cache = tmp_path / geo.CACHE_FILE
    assert cache.is_file()
    stamp = cache.stat().st_mtime_ns
    second = geo.load_dcw(source, "XX", cache_dir=tmp_path, simplify_tolerance=2000)
    assert cache.stat().st_mtime_ns == stamp
    assert second.geometry.geom_equals_exact(first.geometry, tolerance=0).all()
    assert list(second["iso"]) == list(first["iso"])
    geo.load_dcw(source, "XX", cache_dir=tmp_path, simplify_tolerance=4000)  # another key
    assert cache.stat().st_mtime_ns != stamp
    assert not list(tmp_path.glob(".*tmp"))


def test_without_dcw_auto_draws_the_shipped_copy_then_tiles(monkeypatch, tmp_path):
    monkeypatch.setenv(geo.DCW_ENV, str(tmp_path / "nowhere" / "dcw-gmt.nc"))
    assert geo.find_dcw() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = geo.load_regions("auto")
    assert geo.layout_kind(layer) == "polygons" and layer.attrs["source"] == "shipped"
    with pytest.raises(FileNotFoundError, match="gmt-dcw"):
        geo.load_regions("dcw")
    # without the shipped copy either (or for another country), the tile grid with a warning
    monkeypatch.setattr(geo, "SHIPPED_BOUNDARIES", tmp_path / "absent.parquet")
    with pytest.warns(geo.BoundariesFallbackWarning, match="tile-grid"):
        layer = geo.load_regions("auto")
    assert geo.layout_kind(layer) == "tiles"
    with pytest.raises(FileNotFoundError, match="absent.parquet"):
        geo.load_regions("shipped")


def test_fallback_with_a_bogus_path_argument(tmp_path):
    layer = geo.load_regions(dcw_path=tmp_path / "missing.nc")
    assert layer.attrs["source"] == "shipped"
    with pytest.warns(geo.BoundariesFallbackWarning):
        layer = geo.load_regions(dcw_path=tmp_path / "missing.nc", country="BR")
    assert geo.layout_kind(layer) == "tiles"


def test_env_var_may_name_a_folder(monkeypatch, tmp_path):
    _write_fake_dcw(tmp_path / "dcw-gmt.nc")
    monkeypatch.setenv(geo.DCW_ENV, str(tmp_path))
    assert geo.find_dcw() == (tmp_path / "dcw-gmt.nc").resolve()
    # An explicit argument wins over the environment variable.
    assert geo.find_dcw(tmp_path / "other.nc") is None


# --------------------------------------------------------------------------------------------------
# Tile grid


def test_tile_grid_cells_unique_and_every_region_present(reference):
    grid = geo.load_tile_grid()
    assert not grid["iso"].duplicated().any()
    assert not grid.duplicated(["row", "col"]).any()
    assert set(grid["iso"]) == set(reference["iso"])
    assert len(grid) == 89
    assert grid["label_en"].notna().all() and grid["label_ru"].notna().all()
    assert grid["label_ru"].str.len().max() <= 10
    layer = geo.tiles()
    assert geo.layout_kind(layer) == "tiles"
    assert geo.missing_regions(layer, reference) == []
    assert layer.geometry.area.round(6).nunique() == 1  # equal cells


def test_tile_grid_is_geographic():
    pos = geo.load_tile_grid().set_index("iso")
    # West left, Far East right, north up.
    assert pos.loc["RU-KGD", "col"] < pos.loc["RU-MOW", "col"] < pos.loc["RU-NVS", "col"]
    assert pos.loc["RU-NVS", "col"] < pos.loc["RU-PRI", "col"]
    assert pos.loc["RU-MUR", "row"] < pos.loc["RU-MOW", "row"] < pos.loc["RU-DA", "row"]
    assert pos.loc["RU-CHU", "col"] >= pos.loc["RU-MAG", "col"]


@needs_dcw
def test_tile_grid_keeps_neighbours_near(dcw):
    pos = geo.load_tile_grid().set_index("iso")
    pairs = geo.neighbours(dcw.reset_index(drop=True), tolerance=2000)
    assert len(pairs) > 150
    dist = np.array(
        [
            max(
                abs(pos.loc[a, "row"] - pos.loc[b, "row"]),
                abs(pos.loc[a, "col"] - pos.loc[b, "col"]),
            )
            for a, b in pairs
        ]
    )
    assert (dist <= 2).mean() >= 0.95
    assert (dist <= 1).mean() >= 0.7


def test_bad_tile_grid_is_rejected(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("iso,row,col\nXX-A,0,0\nXX-B,0,0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two regions in one cell"):
        geo.load_tile_grid(path)
    path.write_text("iso,row\nXX-A,0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks columns"):
        geo.load_tile_grid(path)


# --------------------------------------------------------------------------------------------------
# User files


def _user_file(tmp_path: Path, column: str, keys: list[str]) -> Path:
    shapes = [box(48 + i, 54, 49 + i, 55) for i in range(len(keys))]
    gdf = gpd.GeoDataFrame({column: keys}, geometry=shapes, crs="EPSG:4326")
    path = tmp_path / "user.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def test_user_file_keyed_by_iso(tmp_path):
    layer = geo.load_regions(_user_file(tmp_path, "iso_code", ["RU-TA", "ru-ba"]))
    assert list(layer["iso"]) == ["RU-BA", "RU-TA"]
    assert geo.layout_kind(layer) == "polygons"
    assert "Albers" in layer.crs.to_wkt()


def test_user_file_keyed_by_name(tmp_path):
    path = _user_file(tmp_path, "name", ["Республика Татарстан", "Bashkortostan", "Atlantis"])
    with pytest.warns(UserWarning, match="Atlantis"):
        layer = geo.read_boundaries(path)
    assert list(layer["iso"]) == ["RU-BA", "RU-TA"]


def test_user_file_antimeridian_is_unwrapped():
    west = Polygon([(-180, 65), (-172, 65), (-172, 70), (-180, 70)])
    east = Polygon([(170, 65), (180, 65), (180, 70), (170, 70)])
    gdf = gpd.GeoDataFrame(
        {"iso": ["XX-C"]}, geometry=[shapely.MultiPolygon([west, east])], crs="EPSG:4326"
    )
    out = geo.unwrap_antimeridian(gdf)
    geom = out.geometry.iloc[0]
    assert geom.is_valid and geom.bounds[0] >= 170 and geom.bounds[2] == pytest.approx(188)
    assert len(geom.geoms) == 1  # the two halves are one polygon again


def test_missing_regions_accepts_codes():
    layer = geo.tiles()
    assert geo.missing_regions(layer[layer["iso"] != "RU-TA"], ["RU-TA", "RU-BA"]) == ["RU-TA"]


def test_no_warning_for_tiles():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        geo.load_regions("tiles")
