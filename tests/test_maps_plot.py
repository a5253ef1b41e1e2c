"""Maps, the drawing: legends, notes, fixed type colours, insets, deterministic files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from exportlab import geo, maps, regions, typology
from exportlab.plot import colors, style
from exportlab.plot import maps as pmaps

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
def polygons(dcw_layer):
    return dcw_layer.copy()


def _texts(fig) -> str:
    found = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(found)


def _legend_labels(fig) -> list[str]:
    legends = [lg for ax in fig.axes if (lg := ax.get_legend())] + list(fig.legends)
    return [t.get_text() for lg in legends for t in lg.get_texts()]


# --------------------------------------------------------------------------------------------------
# Tile maps (always available)


def test_tile_choropleth_legend_notes_and_labels(values):
    fig = pmaps.choropleth(
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
    fig = pmaps.choropleth(pmaps._layer("tiles"), values, lang="ru", unit="индекс", synthetic=True)
    text = _texts(fig)
    assert "нет данных" in text and "СИНТЕТИЧЕСКИЕ" in text and "Москва" in text
    with pytest.raises(ValueError, match="lang"):
        pmaps.choropleth("tiles", values, lang="de")


def test_no_data_is_hatched(values):
    fig = pmaps.choropleth("tiles", values)
    hatched = [c for c in fig.axes[0].collections if c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 2  # RU-NEN and UA-65


def test_categorical_types_have_fixed_colours(codes):
    types = pd.Series([(i % 4) + 1 for i in range(len(codes))], index=codes)
    layer = geo.tiles()
    for subset in (types, types[types != 3]):
        fig = pmaps.categorical(layer, subset, title="Types")
        coll = fig.axes[0].collections[0]
        shown = layer["iso"][layer["iso"].isin(subset.index)]
        colours = [to_hex(c) for c in coll.get_facecolors()]
        expected = [colors.TYPE_COLORS[subset[iso]] for iso in shown]
        assert colours == expected
        # All four types are in the legend, present or not.
        assert sum(label.startswith(("1 ", "2 ", "3 ", "4 ")) for label in _legend_labels(fig)) == 4
        names = [label.split("  (")[0] for label in _legend_labels(fig)[:4]]
        assert names == [typology.type_label(k, "en") for k in (1, 2, 3, 4)]
    with pytest.raises(ValueError, match="without a colour"):
        pmaps.categorical(layer, pd.Series({"RU-TA": "x"}), colors={"y": "red"})


def test_grid_of_segments_shares_one_legend(codes):
    rng = np.random.default_rng(3)
    table = pd.DataFrame(rng.beta(1, 8, (len(codes), 4)), index=codes, columns=list("abcd"))
    fig = pmaps.choropleth_grid("tiles", table, titles={"a": "Aerospace"}, fmt="{:.0%}", unit="%")
    assert len(fig.axes) == 4
    assert "Aerospace" in _texts(fig)
    assert len(fig.legends) == 1


# --------------------------------------------------------------------------------------------------
# Files


def _draw_all(layer, values, codes, folder):
    types = pd.Series([(i % 4) + 1 for i in range(len(codes))], index=codes)
    written = []
    fig = pmaps.choropleth(
        layer, values, scheme="fisher_jenks", title="t", unit="u", synthetic=True
    )
    written += style.save_figure(fig, maps.map_name("daed", layer), folder, close=True)
    fig = pmaps.categorical(layer, types, title="types", lang="ru")
    written += style.save_figure(fig, maps.map_name("types", layer), folder, close=True)
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
    fig = pmaps.choropleth(polygons, values, unit="index", synthetic=True, labels=True)
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
    fig = pmaps.categorical(
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
    fig = pmaps.choropleth_grid(polygons, table, ncols=1)
    assert "Not on the map" in _texts(fig)


# --------------------------------------------------------------------------------------------------
# The maps of a stage


def test_year_values_keeps_categories():
    types = pd.DataFrame(
        {"region": ["RU-TA", "RU-BA"], "year": [2021, 2021], "type": pd.array([1, 4], "Int64")}
    )
    got = maps.year_values(types, "type", 2021)
    assert got.to_dict() == {"RU-BA": 4, "RU-TA": 1}
    fig = pmaps.categorical("tiles", got)
    # The paper's names of the types (typology's labels, as in every figure of the types).
    assert any(label.startswith("4 Mono-resource") for label in _legend_labels(fig))


def test_draw_on_layers_keys_figures_by_file_name_and_save_figures_writes_them(tmp_path, values):
    layers, _ = maps.map_layers("tiles")
    figures = pmaps.draw_on_layers(pmaps.choropleth, layers, "daed_index", values, unit="index")
    assert list(figures) == ["map_daed_index_tiles"]
    assert not list(tmp_path.iterdir())  # drawing writes nothing
    written = style.save_figures(figures, tmp_path)
    assert [p.name for p in written] == ["map_daed_index_tiles.png", "map_daed_index_tiles.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in written]


def test_indicator_maps_keyed_by_file_name_and_no_data_figure():
    from exportlab.plot import indicators as pind

    layers, _ = maps.map_layers("tiles")
    ind = pd.DataFrame(
        {
            "region": ["RU-TA", "RU-BA", "RU-MOW"],
            "year": 2021,
            "indicator": "grp_per_capita_rub",
            "value": [7.0e5, 6.0e5, 1.5e6],
        }
    )
    figures = pind.indicator_maps(ind, 2021, layers, lang="ru")
    assert list(figures) == [
        "ingest_map_export_per_capita_tiles",
        "ingest_map_export_noncis_share_tiles",
        "ingest_map_grp_per_capita_tiles",
    ]
    grp = _texts(figures["ingest_map_grp_per_capita_tiles"])
    assert "ВРП на душу населения, 2021" in grp and "тыс. руб. на человека" in grp
    assert "1\u202f500" in grp  # thousand RUB: 1.5e6 RUB is 1 500 in the legend
    empty = _texts(figures["ingest_map_export_per_capita_tiles"])
    assert "Нет значений export_per_capita_usd за 2021 г." in empty
