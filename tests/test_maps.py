"""Maps, the computing part: classification, class labels, layers of a maps stage, year values.

The drawing is tested in ``tests/test_maps_plot.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exportlab import geo, maps

needs_dcw = pytest.mark.skipif(
    geo.find_dcw() is None, reason="DCW-GMT not installed (apt install gmt-dcw)"
)


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


def test_region_series_checks_its_input():
    table = pd.DataFrame({"v": [1.0, 2.0]}, index=["RU-TA", "RU-BA"])
    assert maps.region_series(table).to_dict() == {"RU-TA": 1.0, "RU-BA": 2.0}
    with pytest.raises(ValueError, match="not a 2-column table"):
        maps.region_series(table.assign(w=0.0))
    with pytest.raises(ValueError, match=r"categories: repeated regions \['RU-TA'\]"):
        maps.region_series(pd.Series([1, 2], index=["RU-TA", "RU-TA"]), "categories")


def test_label_decimals_tell_the_bounds_apart():
    assert maps.label_decimals([0.0, 0.25, 0.5]) == 2
    assert maps.label_decimals([10.0, 1500.0, 30000.0]) == 0
    assert maps.label_decimals([0.0, 0.0]) == 0


def test_map_names():
    assert maps.map_name("daed", geo.tiles()) == "map_daed_tiles"


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
@pytest.mark.slow  # reads the full DCW-GMT file (cache=False)
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
