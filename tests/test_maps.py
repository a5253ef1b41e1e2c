"""Maps: classification, legends, notes, fixed type colours, insets, deterministic files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from exportlab import geo, maps, regions
from exportlab.plot import colors, style

needs_dcw = pytest.mark.skipif(
    geo.find_dcw() is None, reason="DCW-GMT not installed (apt install gmt-dcw)"
)


@pytest.fixture(autouse=True)
def _close_figures():
    style.apply_style()
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def codes() -> list[str]:
    return list(regions.load_regions()["iso"])


@pytest.fixture(scope="module")
def values(codes) -> pd.Series:
    rng = np.random.default_rng(7)
    return pd.Series(rng.gamma(2.0, 0.15, len(codes)), index=codes).drop(["RU-NEN", "UA-65"])


@pytest.fixture(scope="module")
def polygons(tmp_path_factory):
    if geo.find_dcw() is None:
        pytest.skip("DCW-GMT not installed (apt install gmt-dcw)")
    return geo.load_dcw(cache_dir=tmp_path_factory.mktemp("processed"))


def _texts(fig) -> str:
    found = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(found)


def _legend_labels(fig) -> list[str]:
    legends = [lg for ax in fig.axes if (lg := ax.get_legend())] + list(fig.legends)
    return [t.get_text() for lg in legends for t in lg.get_texts()]


# --------------------------------------------------------------------------------------------------
# Classification


def test_quantiles_and_missing_values():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, np.nan, 6.0], index=list("abcdef"))
    classes, bounds = maps.classify(values, "quantiles", k=2)
    assert classes["e"] == -1
    assert bounds[-1] == 6.0 and len(bounds) == 2
    assert classes[["a", "b", "c"]].tolist() == [0, 0, 0]
    assert classes[["d", "f"]].tolist() == [1, 1]


def test_fisher_jenks_finds_the_gap():
    values = pd.Series([1, 1.1, 1.2, 10, 10.5, 11], index=list("abcdef"), dtype=float)
    classes, bounds = maps.classify(values, "fisher_jenks", k=2)
    assert bounds == [1.2, 11.0]
    assert classes.tolist() == [0, 0, 0, 1, 1, 1]


def test_user_bins_and_small_k():
    values = pd.Series([0.05, 0.2, 0.5, 0.9], index=list("abcd"))
    classes, bounds = maps.classify(values, "user", bins=[0.1, 0.3, 0.6])
    assert bounds == [0.1, 0.3, 0.6, 0.9]  # widened to the maximum
    assert classes.tolist() == [0, 1, 2, 3]
    same = pd.Series([2.0, 2.0, 2.0], index=list("xyz"))
    classes, bounds = maps.classify(same, "quantiles", k=5)
    assert bounds == [2.0] and set(classes) == {0}
    with pytest.raises(ValueError, match="bins"):
        maps.classify(values, "user")
    with pytest.raises(ValueError, match="scheme"):
        maps.classify(values, "equal_interval")


def test_class_labels_in_both_languages():
    assert maps.class_labels([0.25, 0.5], 0.0, "en") == ["0.00 – 0.25", "0.25 – 0.50"]
    assert maps.class_labels([1500.0, 30000.0], 10.0, "ru") == [
        "10 – 1\u202f500",
        "1\u202f500 – 30\u202f000",
    ]
    assert maps.class_labels([0.1, 0.2], 0.0, fmt="{:.0%}") == ["0% – 10%", "10% – 20%"]


# --------------------------------------------------------------------------------------------------
# Tile maps (always available)


def test_tile_choropleth_legend_notes_and_labels(values):
    fig = maps.choropleth(
        "tiles", values, k=4, title="DAED", unit="index", synthetic=True, source="FCS", labels=True
    )
    labels = _legend_labels(fig)
    assert len(labels) == 5 and labels[-1] == "no data"
    assert all("–" in label for label in labels[:-1])
    text = _texts(fig)
    assert "DAED" in text and "index" in text
    assert "SYNTHETIC DEMO DATA" in text and "Source: FCS" in text
    assert "MOW" in text and "CR" in text  # tile labels, Crimea included
    assert "Not on the map" not in text  # every region has a tile


def test_tile_choropleth_in_russian(values):
    fig = maps.choropleth(maps._layer("tiles"), values, lang="ru", unit="индекс", synthetic=True)
    text = _texts(fig)
    assert "нет данных" in text and "СИНТЕТИЧЕСКИЕ" in text and "Москва" in text
    with pytest.raises(ValueError, match="lang"):
        maps.choropleth("tiles", values, lang="de")


def test_no_data_is_hatched(values):
    fig = maps.choropleth("tiles", values)
    hatched = [c for c in fig.axes[0].collections if c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 2  # RU-NEN and UA-65


def test_categorical_types_have_fixed_colours(codes):
    types = pd.Series([(i % 4) + 1 for i in range(len(codes))], index=codes)
    layer = geo.tiles()
    for subset in (types, types[types != 3]):
        fig = maps.categorical(layer, subset, title="Types")
        coll = fig.axes[0].collections[0]
        shown = layer["iso"][layer["iso"].isin(subset.index)]
        colours = [to_hex(c) for c in coll.get_facecolors()]
        expected = [colors.TYPE_COLORS[subset[iso]] for iso in shown]
        assert colours == expected
        # All four types are in the legend, present or not.
        assert sum(label.startswith(("1 ", "2 ", "3 ", "4 ")) for label in _legend_labels(fig)) == 4
    with pytest.raises(ValueError, match="without a colour"):
        maps.categorical(layer, pd.Series({"RU-TA": "x"}), colors={"y": "red"})


def test_grid_of_segments_shares_one_legend(codes):
    rng = np.random.default_rng(3)
    table = pd.DataFrame(rng.beta(1, 8, (len(codes), 4)), index=codes, columns=list("abcd"))
    fig = maps.choropleth_grid("tiles", table, titles={"a": "Aerospace"}, fmt="{:.0%}", unit="%")
    assert len(fig.axes) == 4
    assert "Aerospace" in _texts(fig)
    assert len(fig.legends) == 1


def test_map_names():
    assert maps.map_name("daed", geo.tiles()) == "map_daed_tiles"


def _draw_all(layer, values, codes, folder):
    types = pd.Series([(i % 4) + 1 for i in range(len(codes))], index=codes)
    written = []
    fig = maps.choropleth(layer, values, scheme="fisher_jenks", title="t", unit="u", synthetic=True)
    written += maps.save_map(fig, "daed", layer, folder, close=True)
    fig = maps.categorical(layer, types, title="types", lang="ru")
    written += maps.save_map(fig, "types", layer, folder, close=True)
    return written


def test_tile_files_byte_identical_on_rerun(tmp_path, values, codes):
    layer = geo.tiles()
    first = _draw_all(layer, values, codes, tmp_path / "a")
    second = _draw_all(layer, values, codes, tmp_path / "b")
    assert [p.name for p in first] == [
        "map_daed_tiles.png",
        "map_daed_tiles.svg",
        "map_types_tiles.png",
        "map_types_tiles.svg",
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


# --------------------------------------------------------------------------------------------------
# Polygon maps (DCW-GMT)


@needs_dcw
def test_polygon_map_lists_regions_without_boundaries(polygons, values):
    fig = maps.choropleth(polygons, values, unit="index", synthetic=True, labels=True)
    text = _texts(fig)
    assert "Not on the map (no boundaries)" in text
    for name in ("Crimea", "Sevastopol", "Donetsk", "Luhansk", "Zaporizhzhia", "Kherson"):
        assert name in text
    assert f"Crimea ({values['UA-43']:.3f})" in text  # with its value
    # Moscow and St Petersburg insets.
    insets = fig.axes[0].child_axes
    assert [ax.get_title() for ax in insets] == ["Moscow", "St Petersburg"]
    mow = polygons.loc[polygons["iso"] == "RU-MOW"].geometry.iloc[0]
    x0, x1 = insets[0].get_xlim()
    assert x0 < mow.centroid.x < x1
    assert (x1 - x0) < 10 * (mow.bounds[2] - mow.bounds[0])  # zoomed enough to see the city


@needs_dcw
def test_polygon_map_without_insets_and_in_russian(polygons, values):
    fig = maps.categorical(
        polygons, pd.Series({"RU-TA": 1, "UA-43": 2}), lang="ru", inset_moscow=False
    )
    assert not fig.axes[0].child_axes
    assert "Крым (2" in _texts(fig)


@needs_dcw
def test_polygon_files_byte_identical_on_rerun(tmp_path, polygons, values, codes):
    first = _draw_all(polygons, values, codes, tmp_path / "a")
    second = _draw_all(polygons, values, codes, tmp_path / "b")
    assert [p.name for p in first][0] == "map_daed_polygons.png"
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@needs_dcw
def test_grid_on_polygons(polygons, codes):
    table = pd.DataFrame({"x": np.linspace(0, 1, len(codes))}, index=codes)
    fig = maps.choropleth_grid(polygons, table, ncols=1)
    assert "Not on the map" in _texts(fig)


# --------------------------------------------------------------------------------------------------
# Preparing the maps stage


def test_map_layers_tiles_only_says_why():
    layers, note = maps.map_layers("tiles", "ru")
    assert list(layers) == ["tiles"]
    assert geo.layout_kind(layers["tiles"]) == "tiles"
    assert note.startswith("Карты на полигонах не построены")


def test_map_layers_auto_without_dcw_uses_the_shipped_copy(monkeypatch, tmp_path):
    monkeypatch.setenv(geo.DCW_ENV, str(tmp_path / "absent.nc"))
    layers, note = maps.map_layers("auto")
    assert list(layers) == ["polygons", "tiles"]
    assert layers["polygons"].attrs["source"] == "shipped"
    assert "simplified copy shipped with exportlab" in note and "apt install gmt-dcw" in note
    with pytest.raises(FileNotFoundError):
        maps.map_layers("dcw")
    # without the shipped copy either, only the tile grid is drawn, and the note says why
    monkeypatch.setattr(geo, "SHIPPED_BOUNDARIES", tmp_path / "absent.parquet")
    layers, note = maps.map_layers("auto")
    assert list(layers) == ["tiles"]
    assert "DCW-GMT" in note and "apt install gmt-dcw" in note


def test_map_layers_user_file_relative_to_root(tmp_path):
    from shapely.geometry import box

    frame = geo.gpd.GeoDataFrame(
        {"iso_code": ["RU-TA", "RU-BA"]},
        geometry=[box(48, 54, 54, 56), box(54, 52, 60, 56)],
        crs="EPSG:4326",
    )
    (tmp_path / "maps").mkdir()
    frame.to_file(tmp_path / "maps" / "mine.geojson", driver="GeoJSON")
    layers, note = maps.map_layers("maps/mine.geojson", root=tmp_path)
    assert note == "Maps are drawn on the region polygons (mine.geojson) and on the tile grid."
    assert list(layers) == ["polygons", "tiles"]
    assert sorted(layers["polygons"]["iso"]) == ["RU-BA", "RU-TA"]
    with pytest.raises(FileNotFoundError, match="boundary file not found"):
        maps.map_layers("maps/other.geojson", root=tmp_path)


@needs_dcw
def test_map_layers_auto_with_dcw(tmp_path):
    layers, note = maps.map_layers("auto", cache=False)
    assert "(DCW-GMT)" in note and list(layers) == ["polygons", "tiles"]
    assert "RU-MOW" in set(layers["polygons"]["iso"])


@pytest.fixture()
def long_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["RU-TA", "RU-TA", "RU-BA", "RU-BA", "RU-TA"],
            "year": [2021, 2021, 2021, 2021, 2020],
            "segment": [
                "aerospace",
                "pharmaceuticals",
                "aerospace",
                "pharmaceuticals",
                "aerospace",
            ],
            "share": [0.02, 0.005, 0.0, 0.25, 0.9],
        }
    )


def test_year_values_series_and_per_cent(long_table):
    one = long_table[long_table["segment"] == "aerospace"]
    got = maps.year_values(one, "share", 2021, scale=100)
    # 0.02 -> 2 %, 0.0 -> 0 %; sorted by region code.
    assert got.to_dict() == {"RU-BA": 0.0, "RU-TA": 2.0}


def test_year_values_wide_by_segment(long_table):
    wide = maps.year_values(long_table, "share", 2021, by="segment", scale=100)
    assert list(wide.columns) == ["aerospace", "pharmaceuticals"]  # order of appearance
    assert list(wide.index) == ["RU-BA", "RU-TA"]
    assert wide.loc["RU-BA", "pharmaceuticals"] == pytest.approx(25.0)
    assert wide.loc["RU-TA", "pharmaceuticals"] == pytest.approx(0.5)


def test_year_values_errors(long_table):
    with pytest.raises(ValueError, match="years available: 2020–2021"):
        maps.year_values(long_table, "share", 2030)
    with pytest.raises(ValueError, match="several rows per region"):
        maps.year_values(long_table, "share", 2021)  # two segments per region
    with pytest.raises(KeyError, match="lacks columns"):
        maps.year_values(long_table, "daed_index", 2021)


def test_year_values_keeps_categories():
    types = pd.DataFrame(
        {"region": ["RU-TA", "RU-BA"], "year": [2021, 2021], "type": pd.array([1, 4], "Int64")}
    )
    got = maps.year_values(types, "type", 2021)
    assert got.to_dict() == {"RU-BA": 4, "RU-TA": 1}
    fig = maps.categorical("tiles", got)
    assert any(label.startswith("4 — low DAED") for label in _legend_labels(fig))


def test_class_options():
    assert maps.class_options("fisher_jenks", 5, None, "daed_index") == {
        "scheme": "fisher_jenks",
        "k": 5,
        "bins": None,
    }
    per_map = {"daed_index": [0.1, 0.2], "resource_share": [10, 50]}
    assert maps.class_options("user", 5, per_map, "resource_share")["bins"] == [10.0, 50.0]
    assert maps.class_options("user", 3, [1, 2], "anything")["bins"] == [1.0, 2.0]
    with pytest.raises(ValueError, match="needs the class upper bounds of map .hightech_share"):
        maps.class_options("user", 5, per_map, "hightech_share")
    with pytest.raises(ValueError, match="scheme must be one of"):
        maps.class_options("jenks", 5, None, "x")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        maps.class_options("quantiles", 0, None, "x")


def test_compare_schemes_by_hand():
    values = pd.Series([1.0, 2, 3, 10, 11, 30], index=list("abcdef"))
    table = maps.compare_schemes(values, k=3)
    # Quantiles of 6 values in 3 classes: 2 + 2 + 2.
    assert table["Quantiles: regions"].tolist() == [2, 2, 2]
    # Fisher–Jenks: {1,2,3} SSD 2, {10,11} SSD 0.5, {30} SSD 0: total 2.5, the least of all
    # splits into three runs (e.g. {1,2,3},{10,11,30} has 2 + 254 and {1,2},{3,10,11},{30} 0.5 + 38).
    assert table["Fisher–Jenks: regions"].tolist() == [3, 2, 1]
    assert table["Fisher–Jenks: bounds"].tolist() == ["1.0 – 3.0", "3.0 – 11.0", "11.0 – 30.0"]
    ru = maps.compare_schemes(values, k=3, lang="ru")
    assert "Фишер–Дженкс: регионов" in ru.columns and ru.index.name == "класс"
    with pytest.raises(ValueError, match="no finite values"):
        maps.compare_schemes(pd.Series([np.nan]))


def test_draw_maps_saves_every_layer(tmp_path, values):
    layers, _ = maps.map_layers("tiles")
    figures = maps.draw_maps(
        maps.choropleth, layers, "daed_index", values, figures_dir=tmp_path, unit="index"
    )
    assert list(figures) == ["tiles"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "map_daed_index_tiles.png",
        "map_daed_index_tiles.svg",
    ]


def test_quantiles_with_many_zeros_keep_k_classes():
    # 6 zeros among 10 values, k = 3: plain quantiles would merge the first two classes (the
    # 1/3 and 2/3 quantiles are both 0). Zero gets its own class; the 4 positive values 1, 2, 3, 4
    # are split into 2 quantiles: median of 1..4 is 2.5, so {1, 2} and {3, 4}.
    values = pd.Series([0.0] * 6 + [1.0, 2.0, 3.0, 4.0], index=list("abcdefghij"))
    classes, bounds = maps.classify(values, "quantiles", k=3)
    assert bounds == [0.0, 2.5, 4.0]
    assert classes.tolist() == [0] * 6 + [1, 1, 2, 2]
    assert maps.class_labels(bounds, 0.0, "en") == ["0.0", "0.0 – 2.5", "2.5 – 4.0"]
    assert maps.class_labels(bounds, 0.0, "en", "{:.0f}%") == ["0%", "0% – 2%", "2% – 4%"]
