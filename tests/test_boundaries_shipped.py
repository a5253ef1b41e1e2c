"""The simplified DCW-GMT layer shipped with the package: it loads without DCW-GMT, covers the
regions DCW-GMT has, keeps shared borders shared, agrees with official areas, with the full file
and with Natural Earth, is rebuilt byte for byte, and is named in notes, figures and the cache key."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import put_dcw_rings
from shapely.geometry import Polygon, box

from exportlab import geo, maps, pipeline, regions
from exportlab.plot import maps as pmaps
from exportlab.plot import style

DATA = Path(geo.__file__).resolve().parent / "data"

#: Official areas (Rosstat, km²) of a few subjects, small and large; the shipped layer is within 5 %.
OFFICIAL_AREA_KM2 = {
    "RU-TA": 67_847,  # Tatarstan
    "RU-SA": 3_083_523,  # Sakha (Yakutia)
    "RU-KDA": 75_485,  # Krasnodar Krai (Adygea is a hole in it)
    "RU-AD": 7_792,  # Adygea
    "RU-CHU": 721_481,  # Chukotka (crosses the antimeridian)
    "RU-IN": 3_123,  # Ingushetia, the smallest republic
    "RU-IRK": 774_846,  # Irkutsk Oblast
    "RU-NVS": 177_756,  # Novosibirsk Oblast
}
#: Regions of the reference that DCW-GMT has no polygons for.
DCW_MISSING = {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
#: Known defects of the two sources (../shared/realdata/geo/PROVENANCE.md).
NE_EXCEPTIONS = {"RU-KR", "RU-MUR", "RU-MOW", "RU-MOS"}

needs_dcw = pytest.mark.skipif(
    geo.find_dcw() is None, reason="DCW-GMT not installed (apt install gmt-dcw)"
)


@pytest.fixture(autouse=True)
def _close_figures():
    style.apply_style()
    yield
    plt.close("all")


@pytest.fixture
def no_dcw(monkeypatch, tmp_path):
    """A machine without DCW-GMT: the finder looks in an empty folder only."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(geo.DCW_ENV, str(empty))
    monkeypatch.setattr(geo, "DCW_SEARCH", (str(empty),))
    assert geo.find_dcw() is None
    return empty


@pytest.fixture(scope="module")
def shipped() -> gpd.GeoDataFrame:
    return geo.load_shipped().set_index("iso", drop=False)


# --------------------------------------------------------------------------------------------------
# The file itself


def test_loads_without_dcw_and_names_itself(no_dcw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = geo.load_regions("auto")
    assert geo.layout_kind(layer) == "polygons"
    assert layer.attrs["source"] == "shipped" and layer.attrs["version"] == "2.1.1"
    assert layer.attrs["tolerance"] == geo.SHIPPED_METHOD["tolerance"]
    assert layer.crs == gpd.GeoSeries([], crs=geo.CONIC_CRS["RU"]).crs
    assert list(layer.columns) == ["iso", "name", "geometry"]


def test_covers_every_reference_region_that_dcw_has(shipped):
    reference = set(regions.load_regions()["iso"])
    assert set(shipped["iso"]) == reference - DCW_MISSING
    assert geo.missing_regions(shipped) == [
        c for c in regions.load_regions()["iso"] if c in DCW_MISSING
    ]
    assert not shipped["iso"].duplicated().any()
    assert shipped["name"].str.len().gt(2).all()


def test_geometries_valid_and_shared_borders_shared(shipped):
    geoms = shipped.geometry.values
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert (shipped.geom_type == "MultiPolygon").all()
    if hasattr(shapely, "coverage_is_valid"):
        assert shapely.coverage_is_valid(geoms)  # no overlaps, identical vertices on shared edges
    # neighbours overlap nowhere and touch along their borders
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    assert len(pairs) > 150
    overlap = sum(geoms[i].intersection(geoms[j]).area for i, j in pairs)
    assert overlap < 1.0  # m², over the whole country
    # enclaves are holes of the region around them
    for outer, inner in (("RU-MOS", "RU-MOW"), ("RU-KDA", "RU-AD"), ("RU-LEN", "RU-SPE")):
        point = shipped.loc[inner].geometry.representative_point()
        assert not shipped.loc[outer].geometry.contains(point), f"{inner} in {outer}"


@pytest.mark.parametrize("iso", sorted(OFFICIAL_AREA_KM2))
def test_areas_within_5_percent_of_official(shipped, iso):
    area = shipped.loc[iso].geometry.area / 1e6
    assert area == pytest.approx(OFFICIAL_AREA_KM2[iso], rel=0.05), f"{iso}: {area:,.0f} km²"


def test_chukotka_one_piece_east_of_magadan(shipped):
    chu, mag = shipped.loc["RU-CHU"].geometry, shipped.loc["RU-MAG"].geometry
    assert chu.centroid.x > mag.centroid.x
    assert max(p.area for p in chu.geoms) > 0.9 * chu.area


def test_metadata_licence_and_note_describe_the_file():
    meta = geo.shipped_metadata()
    assert meta["source"] == "DCW-GMT" and meta["licence"] == "LGPL-3.0-or-later"
    assert meta["method"] == geo.SHIPPED_METHOD and meta["regions"] == 83
    assert meta["crs"] == geo.CONIC_CRS["RU"]
    assert len(meta["dcw_sha256"]) == 64
    note = (DATA / "boundaries_ru_dcw.md").read_text(encoding="utf-8")
    for needed in (
        "LGPL-3+",
        "GNU\n> Lesser General Public License",
        meta["dcw_sha256"],
        f"DCW-GMT — The Digital Chart of the World for the Generic Mapping Tools**, version "
        f"{meta['dcw_version']}",
        "python -m exportlab.geo --build",
        "scripts/build_boundaries.py",
        f"tolerance **{meta['method']['tolerance']:,.0f} m**",
        f"closer than **{meta['method']['snap']:.0f} m**",
        f"narrower than **{meta['method']['gap']:.0f} m**",
        "boundaries_ru_dcw.LICENSE.txt",
    ):
        assert needed in note, needed
    licence = (DATA / "boundaries_ru_dcw.LICENSE.txt").read_text(encoding="utf-8")
    assert (
        "GNU LESSER GENERAL PUBLIC LICENSE" in licence and "GNU GENERAL PUBLIC LICENSE" in licence
    )
    assert (Path(__file__).resolve().parents[1] / "scripts" / "build_boundaries.py").is_file()


def test_package_data_ships_the_file():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    globs = project["tool"]["setuptools"]["package-data"]["exportlab"]
    for name in (geo.SHIPPED_FILE, "boundaries_ru_dcw.md", "boundaries_ru_dcw.LICENSE.txt"):
        assert any(Path("data", name).match(g) for g in globs), name


# --------------------------------------------------------------------------------------------------
# Simplification and the build


def test_coverage_simplification_keeps_a_jagged_shared_border_shared():
    if not hasattr(shapely, "coverage_clean"):
        pytest.skip("needs shapely >= 2.2")
    # two regions sharing a zig-zag border (teeth 10 m deep every 100 m), the right one 3 m off
    xs = np.arange(0, 10_001, 100.0)
    border = [(x, 5_000 + (10 if i % 2 else 0)) for i, x in enumerate(xs)]
    south = Polygon([(0, 0), (10_000, 0), *reversed(border)])
    north = Polygon([*[(x, y + 3) for x, y in border], (10_000, 10_000), (0, 10_000)])
    layer = gpd.GeoDataFrame({"iso": ["XX-S", "XX-N"]}, geometry=[south, north])
    out = geo.simplify_coverage(layer, tolerance=200, snap=5, gap=5)
    assert shapely.coverage_is_valid(out.values)
    assert out.is_valid.all()
    assert out.union_all().area == pytest.approx(10_000 * 10_000, rel=1e-9)  # no gap
    assert out.iloc[0].intersection(out.iloc[1]).area == pytest.approx(0, abs=1e-6)
    assert shapely.get_num_coordinates(out.values).sum() < 20  # the teeth are gone
    # a region much smaller than the tolerance is kept (at worst as a triangle), never dropped
    tiny = gpd.GeoDataFrame({"iso": ["XX-T", "XX-U"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 50, 1)])
    kept = geo.simplify_coverage(tiny, tolerance=100, snap=0.01, gap=0)
    assert (kept.area > 0).all() and kept.is_valid.all()


def _write_fake_russia(path: Path) -> None:
    """A DCW-like file with two regions ``RU-AA`` (with a hole) and ``RU-BB`` (filling it)."""
    import netCDF4

    with netCDF4.Dataset(path, "w") as ds:
        ds.setncatts({"title": "test", "version": "9.9"})
        outer = box(40, 50, 44, 54).exterior.coords
        hole = box(41, 51, 42, 52).exterior.coords
        put_dcw_rings(ds, "RUAA", [outer, hole])
        put_dcw_rings(ds, "RUBB", [hole])


def test_build_writes_a_described_file_atomically(tmp_path, monkeypatch):
    if not hasattr(shapely, "coverage_clean"):
        pytest.skip("needs shapely >= 2.2")
    source = tmp_path / "dcw-gmt.nc"
    _write_fake_russia(source)
    out = tmp_path / "out"
    out.mkdir()
    assert geo.main(["--build", "--dcw", str(source), "--out", str(out)]) == 0
    path = out / geo.SHIPPED_FILE
    assert [p.name for p in out.iterdir()] == [geo.SHIPPED_FILE]  # no temporary file left
    meta = geo.shipped_metadata(path)
    assert meta["dcw_version"] == "9.9" and meta["regions"] == 2
    assert meta["dcw_sha256"] == pipeline._sha256(source)
    monkeypatch.setattr(geo, "SHIPPED_BOUNDARIES", path)
    layer = geo.load_shipped()
    assert list(layer["iso"]) == ["RU-AA", "RU-BB"]
    aa, bb = layer.geometry
    assert shapely.coverage_is_valid(layer.geometry.values)
    assert aa.union(bb).area == pytest.approx(aa.area + bb.area)
    assert bb.area / aa.area == pytest.approx(1 / 15, rel=0.05)  # ~1° x 1° in a 4° x 4° square
    first = path.read_bytes()
    geo.build_shipped(source, path)  # the same input gives the same bytes
    assert path.read_bytes() == first


# --------------------------------------------------------------------------------------------------
# Against the full DCW-GMT file and Natural Earth


@pytest.fixture(scope="module")
def full_dcw() -> gpd.GeoDataFrame:
    if geo.find_dcw() is None:
        pytest.skip("DCW-GMT not installed (apt install gmt-dcw)")
    return geo.project(geo.read_dcw(), country="RU").set_index("iso", drop=False)


@needs_dcw
@pytest.mark.slow  # reads and projects the full DCW-GMT file (about a minute)
def test_agrees_with_the_full_dcw_file(shipped, full_dcw):
    assert set(shipped.index) == set(full_dcw.index)
    ratio = shipped.area / full_dcw.loc[shipped.index].area
    assert ratio.between(0.99, 1.01).all(), ratio[~ratio.between(0.99, 1.01)]
    for iso in shipped.index:
        a, b = shipped.loc[iso].geometry, full_dcw.loc[iso].geometry
        assert a.centroid.distance(b.centroid) < 1_000, iso
        assert shapely.hausdorff_distance(a, b) < 10_000, iso  # only islets of a few km² go


@needs_dcw
@pytest.mark.slow
def test_rebuilt_byte_for_byte_from_the_installed_dcw(tmp_path):
    if not hasattr(shapely, "coverage_clean"):
        pytest.skip("needs shapely >= 2.2")
    if geo.shipped_metadata()["dcw_sha256"] != pipeline._sha256(geo.find_dcw()):
        pytest.skip("the installed DCW-GMT is another version than the one the file was built from")
    path = geo.build_shipped(out=tmp_path)
    assert path.read_bytes() == geo.shipped_boundaries().read_bytes()


@pytest.mark.realdata
def test_agrees_with_natural_earth(shipped, realdata):
    ne_file = realdata / "geo" / "russia_regions_ne50m.geojson"
    if not ne_file.is_file():
        pytest.skip(f"{ne_file} is not present")
    ne = geo.load_regions(ne_file).set_index("iso")
    assert ne.crs == shipped.crs
    bad = []
    for iso in sorted(set(shipped.index) & set(ne.index) - NE_EXCEPTIONS):
        a, b = shipped.loc[iso].geometry, ne.loc[iso].geometry
        ratio, shift_km = a.area / b.area, a.centroid.distance(b.centroid) / 1000
        if not (0.85 < ratio < 1.15) or shift_km > 30:
            bad.append((iso, round(ratio, 3), round(shift_km, 1)))
    assert not bad, bad
    assert len(set(shipped.index) & set(ne.index)) == 83


# --------------------------------------------------------------------------------------------------
# Named in notes, figures and the cache key


def test_labels_name_the_source_in_both_languages(shipped, tmp_path):
    assert geo.boundary_label(shipped, "en") == (
        "DCW-GMT 2.1.1, simplified copy shipped with exportlab (1 km tolerance)"
    )
    assert geo.boundary_credit(shipped, "ru") == (
        "Границы: DCW-GMT 2.1.1 (LGPL), упрощённая копия из поставки exportlab (допуск 1 км)"
    )
    full = shipped.copy()
    full.attrs.update(source="dcw", version="2.1.1")
    assert (
        geo.boundary_label(full, "en") == "DCW-GMT 2.1.1, the full file installed on this machine"
    )
    user = shipped.copy()
    user.attrs = {"kind": "polygons", "source": "file", "path": str(tmp_path / "mine.gpkg")}
    assert geo.boundary_credit(user, "en") == "Boundaries: mine.gpkg"
    assert geo.boundary_credit(geo.tiles(), "en") == ""


def test_map_note_and_figure_name_the_shipped_copy(no_dcw):
    for lang, words in (("en", "simplified copy shipped"), ("ru", "упрощённая копия из поставки")):
        layers, note = maps.map_layers("auto", lang)
        assert list(layers) == ["polygons", "tiles"] and words in note
        assert "apt install gmt-dcw" in note  # how to get the full file
        codes = regions.load_regions()["iso"]
        values = pd.Series(np.linspace(0, 1, len(codes)), index=codes)
        fig = pmaps.choropleth(layers["polygons"], values, lang=lang, synthetic=True)
        texts = "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        assert geo.boundary_credit(layers["polygons"], lang) in texts
        # the Moscow and St Petersburg insets still show the two cities
        insets = fig.axes[0].child_axes
        assert len(insets) == 2
        for ax, iso in zip(insets, ("RU-MOW", "RU-SPE"), strict=True):
            centre = layers["polygons"].set_index("iso").loc[iso].geometry.centroid
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            assert x0 < centre.x < x1 and y0 < centre.y < y1, iso
        tiles_fig = pmaps.choropleth(layers["tiles"], values, lang=lang)
        tiles_text = "\n".join(t.get_text() for t in tiles_fig.findobj(matplotlib.text.Text))
        assert "DCW-GMT" not in tiles_text


def test_cache_key_holds_the_shipped_file(no_dcw, tmp_path, monkeypatch):
    stage = next(s for s in pipeline.STAGES if s.id == "05")
    declared = {"boundaries": "auto"}
    env = pipeline.stage_environment(stage, {}, declared, tmp_path)
    assert env["boundaries"] == {
        "boundaries": "auto",
        "dcw": None,
        "shipped": pipeline._sha256(geo.SHIPPED_BOUNDARIES),
    }
    copy = tmp_path / geo.SHIPPED_FILE
    shutil.copy2(geo.SHIPPED_BOUNDARIES, copy)
    monkeypatch.setattr(geo, "SHIPPED_BOUNDARIES", copy)
    assert pipeline.stage_environment(stage, {}, declared, tmp_path) == env
    with open(copy, "ab") as f:  # another shipped file: the maps re-run
        f.write(b"\0")
    changed = pipeline.stage_environment(stage, {}, declared, tmp_path)
    assert changed != env and changed["boundaries"]["shipped"] == pipeline._sha256(copy)
    explicit = pipeline.stage_environment(stage, {"boundaries": "shipped"}, declared, tmp_path)
    assert explicit["boundaries"] == {"boundaries": "shipped", "shipped": pipeline._sha256(copy)}
    assert json.dumps(changed)  # manifest-ready
