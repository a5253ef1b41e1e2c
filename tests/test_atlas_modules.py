"""Stage 08's concept modules on hand-computed small cases: HS sections, product space, basket,
PRODY/EXPY, Atlas new products, survival, market penetration and unit values, strategy."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import (
    basket,
    hs_sections,
    newproducts,
    outcomes,
    productspace,
    sophistication,
    strategy,
    survival,
)
from exportlab import complexity as cx

SRC = Path(__file__).resolve().parents[1] / "src" / "exportlab"
CONCEPTS = ["hs_sections", "productspace", "basket", "sophistication", "newproducts", "survival",
            "outcomes", "strategy"]  # fmt: skip


@pytest.mark.parametrize("module", CONCEPTS)
def test_concept_modules_do_not_draw(module):
    """Concept modules compute; only exportlab.plot imports matplotlib."""
    tree = ast.parse((SRC / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        assert not any(n.startswith(("matplotlib", "exportlab.plot")) for n in names), module


def _trade(rows, columns=("year", "region", "hs6", "partner", "value_usd", "netto_kg")):
    df = pd.DataFrame(rows, columns=list(columns))
    df["flow"] = "export"
    return df


# --- HS sections -------------------------------------------------------------------------------


def test_hs_sections_cover_every_chapter_once():
    sections = hs_sections.load_sections()
    chapters = hs_sections.load_chapters()
    assert len(sections) == 21 and len(chapters) == 96
    assert "77" not in set(chapters["chapter"])
    for row in sections.itertuples():
        inside = chapters[chapters["section"] == row.section]["chapter"].astype(int)
        expected = set(range(row.first_chapter, row.last_chapter + 1)) - {77}
        assert set(inside) == expected
    from exportlab.standard import HS_SECTIONS

    assert [(s[0], s[3], s[4]) for s in HS_SECTIONS] == list(
        sections[["section", "name_en", "name_ru"]].itertuples(index=False, name=None)
    )


def test_section_of_codes_at_any_depth():
    assert hs_sections.section_of(["010121", "15", "7108", "9701", "7701", "XXXX", "98"]).tolist() == [
        "I", "III", "XIV", "XXI", "other", "other", "other"
    ]  # fmt: skip
    assert hs_sections.chapter_name("88", "ru") == "Летательные и космические аппараты"
    with pytest.raises(ValueError, match="lang"):
        hs_sections.section_name("I", "de")


# --- product space ------------------------------------------------------------------------------


def _phi():
    # a-b .9, c-d .6, b-c .4, a-d .3, a-c .2, b-d .1 ; e isolated
    m = np.array(
        [
            [1, 0.9, 0.2, 0.3, 0],
            [0.9, 1, 0.4, 0.1, 0],
            [0.2, 0.4, 1, 0.6, 0],
            [0.3, 0.1, 0.6, 1, 0],
            [0, 0, 0, 0, 1],
        ]
    )
    codes = ["0101", "0102", "8401", "8402", "9701"]
    return pd.DataFrame(m, index=codes, columns=codes)


def test_network_is_the_maximum_spanning_tree_plus_strongest_links():
    g = productspace.network(_phi(), mean_degree=0)
    assert sorted(g.edges) == [("0101", "0102"), ("0102", "8401"), ("8401", "8402")]
    assert "9701" not in g  # no link at all
    g2 = productspace.network(_phi(), mean_degree=2.0)  # 4 nodes: 4 links, one added (a-d .3)
    extra = sorted((u, v) for u, v, tree in g2.edges(data="tree") if not tree)
    assert extra == [("0101", "8402")]
    g3 = productspace.network(_phi(), min_proximity=0.2)
    assert g3.number_of_edges() == 5  # all links >= .2 (the tree and .3, .2)


def test_cached_space_is_deterministic_and_reused(tmp_path):
    path = tmp_path / "space.parquet"
    nodes, edges = productspace.cached_space(_phi(), path, mean_degree=2)
    first = path.read_bytes()
    again_nodes, again_edges = productspace.cached_space(_phi(), path, mean_degree=2)
    assert path.read_bytes() == first  # read back, not rewritten
    pd.testing.assert_frame_equal(nodes, again_nodes)
    pd.testing.assert_frame_equal(edges, again_edges)
    fresh, _ = productspace.cached_space(_phi(), None, mean_degree=2)
    np.testing.assert_allclose(fresh[["x", "y"]], nodes[["x", "y"]])
    assert nodes["section"].tolist() == ["I", "I", "XVI", "XVI"]
    assert nodes[["x", "y"]].min().tolist() == [0.0, 0.0]
    other = _phi()
    other.iloc[0, 1] = other.iloc[1, 0] = 0.5
    productspace.cached_space(other, path, mean_degree=2)
    assert path.read_bytes() != first  # another data set: recomputed


def test_region_overlay_marks_specialisation_and_densest_candidates():
    x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]], index=["A", "B", "C"],
                     columns=["p1", "p2", "p3", "p4"])  # fmt: skip
    res = cx.complexity(x)
    ov = productspace.region_overlay(res, "A", pd.Series({"p1": 5.0}), n_opportunities=2)
    assert ov["specialised"].tolist() == [True, True, False, False]
    assert ov["opportunity"].tolist() == [False, False, True, True]
    assert ov["size"].tolist() == [5.0, 0.0, 0.0, 0.0]
    with pytest.raises(KeyError):
        productspace.region_overlay(res, "Z", x.sum())


# --- basket -------------------------------------------------------------------------------------


def test_basket_and_its_change_by_hand():
    t = _trade(
        [
            (2020, "A", "870323", "CN", 50.0, 1.0),
            (2020, "A", "270900", "CN", 50.0, 1.0),
            (2021, "A", "870323", "CN", 100.0, 1.0),
            (2021, "A", "870324", "TR", 50.0, 1.0),
            (2021, "A", "100190", "TR", 50.0, 1.0),
            (2021, "B", "100190", "TR", 999.0, 1.0),
        ]
    )
    b = basket.basket(t, "A", 2021, lang="ru")
    assert b["product"].tolist() == ["100190", "870323", "870324"]
    assert b["share"].tolist() == [0.25, 0.5, 0.25]
    assert b["section_name"].iloc[0] == "Продукты растительного происхождения"
    assert b["name"].tolist() == ["100190", "870323", "870324"]  # no names table: codes
    names = pd.DataFrame({"name_en": ["Cars"], "name_ru": ["Автомобили"]}, index=["8703"])
    assert basket.basket(t, "A", 2021, names=names, lang="ru")["name"].tolist()[1] == "Автомобили"
    c = basket.basket_change(t, "A", 2020, 2021).set_index("key")
    # total 100 -> 200: vehicles +100 (+200 %), grains new (+50), minerals -50
    assert c.loc["XVII", ["growth_pct", "contribution_pct"]].tolist() == [200.0, 100.0]
    assert np.isnan(c.loc["II", "growth_pct"]) and c.loc["II", "contribution_pct"] == 50.0
    assert c.loc["V", "contribution_pct"] == -50.0
    assert c["contribution_pct"].sum() == pytest.approx(100.0)  # the total growth, %
    assert basket.basket(t, "Z", 2021).empty


# --- sophistication -----------------------------------------------------------------------------


def test_prody_expy_by_hand():
    x = pd.DataFrame(
        [[3.0, 1.0], [1.0, 1.0], [5.0, 0.0]], index=["A", "B", "C"], columns=["p", "q"]
    )
    income = pd.Series({"A": 100.0, "B": 200.0})  # C has no income: left out
    p = sophistication.prody(x, income)
    # shares A (.75, .25), B (.5, .5): PRODY_p = (.75*100 + .5*200) / 1.25 = 140
    assert p["p"] == pytest.approx(140.0) and p["q"] == pytest.approx(125 / 0.75)
    e = sophistication.expy(x, p)
    assert e.loc["A", "expy"] == pytest.approx(0.75 * 140 + 0.25 * 125 / 0.75)
    assert e.loc["C", "expy"] == pytest.approx(140.0)  # valued at PRODY though not in it


@settings(max_examples=30, deadline=None)
@given(st.floats(1e-3, 1e6), st.lists(st.floats(1e-3, 1e9), min_size=6, max_size=6))
def test_prody_unchanged_by_currency_unit_and_within_income_range(scale, values):
    x = pd.DataFrame(np.array(values).reshape(3, 2), index=list("ABC"), columns=["p", "q"])
    income = pd.Series({"A": 10.0, "B": 20.0, "C": 40.0})
    p = sophistication.prody(x, income)
    pd.testing.assert_series_equal(p, sophistication.prody(x * scale, income), rtol=1e-9)
    assert ((p >= 10.0 - 1e-9) & (p <= 40.0 + 1e-9)).all()


def test_region_income_and_country_table(tmp_path):
    ind = pd.DataFrame({"region": ["A", "B", "B", "C"], "year": 2021,
                        "indicator": ["grp_per_capita_rub", "grp_rub", "population", "population"],
                        "value": [5.0, 60.0, 3.0, 7.0]})  # fmt: skip
    assert sophistication.region_income(ind, 2021).to_dict() == {"A": 5.0, "B": 20.0}
    text = (
        "year,exporter,product,value,gdp_per_capita\n"
        "2021,DE,870323,30,50000\n2021,DE,1001,10,50000\n2021,IN,100190,30,2000\n"
    )
    table = sophistication.read_country_table(io.StringIO(text))
    world = sophistication.country_prody(table, 2021, "hs4")
    # DE shares 8703 .75, 1001 .25; IN 1001 1.0 -> PRODY_1001 = (.25*50000 + 2000) / 1.25
    assert world["8703"] == pytest.approx(50000.0)
    assert world["1001"] == pytest.approx((0.25 * 50000 + 2000) / 1.25)
    bad = tmp_path / "countries.csv"
    bad.write_text(text + "2021,FR,8703,-5,40000\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"countries.csv, line 5, column 'value'"):
        sophistication.read_country_table(bad)
    bad.write_text(text + "2021,DE,8704,5,51000\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2, column 'gdp_per_capita'.*same on every row"):
        sophistication.read_country_table(bad)


def test_sophistication_table_ranks_by_world_expy():
    x = pd.DataFrame([[1.0, 0.0], [1.0, 1.0]], index=["A", "B"], columns=["8703", "1001"])
    world = pd.Series({"8703": 50000.0, "1001": 10000.0})
    out = sophistication.sophistication_table(x, world_prody=world, eci=pd.Series({"A": 1.0}))
    assert out["region"].tolist() == ["A", "B"]
    assert out["expy_world"].tolist() == [50000.0, 30000.0]
    assert out["coverage"].tolist() == [1.0, 1.0]
    assert "expy" not in out.columns and np.isnan(out["eci"].iloc[1])


# --- new products -------------------------------------------------------------------------------


def test_new_products_atlas_thresholds():
    t = _trade(
        [
            (2019, "A", "010100", "CN", 10.0, 1.0),
            (2019, "A", "020100", "CN", 0.1, 1.0),  # RCA < .5, becomes >= 1: new
            (2019, "A", "040100", "CN", 2.0, 1.0),  # RCA .5-1 at the start: not new
            (2019, "B", "020100", "CN", 10.0, 1.0),
            (2019, "B", "040100", "CN", 40.0, 1.0),
            (2019, "C", "030100", "CN", 100.0, 1.0),
            (2021, "A", "010100", "CN", 10.0, 1.0),
            (2021, "A", "020100", "CN", 30.0, 1.0),
            (2021, "A", "040100", "CN", 30.0, 1.0),
            (2021, "B", "020100", "CN", 10.0, 1.0),
            (2021, "C", "030100", "CN", 100.0, 1.0),
            (2021, "C", "050100", "CN", 5.0, 1.0),  # absent in 2019 (RCA 0): new for C
        ]
    )
    r0 = cx.rca(cx.export_matrix(t, 2019, level="hs2", as_frame=True)[0])
    assert 0.5 <= r0.loc["A", "04"] < 1 and r0.loc["A", "02"] < 0.5
    new = newproducts.new_products(t, 2019, 2021, level="hs2")
    assert new[["region", "product"]].values.tolist() == [["A", "02"], ["C", "05"]]
    assert new["value_usd"].tolist() == [30.0, 5.0]
    summary = newproducts.new_products_summary(
        new, t, 2021, population=pd.Series({"A": 10.0}), names=pd.Series({"02": "Meat"})
    ).set_index("region")
    assert summary.loc["A", "n_new"] == 1 and summary.loc["B", "n_new"] == 0
    assert summary.loc["A", "share_new_pct"] == pytest.approx(100 * 30 / 70)
    assert summary.loc["A", "value_new_per_capita_usd"] == 3.0
    assert summary.loc["A", "top_products"] == "02 Meat"
    assert summary.loc["B", "grade"] == "D-" and summary.loc["A", "grade"] == "A+"
    with pytest.raises(ValueError, match="after"):
        newproducts.new_products(t, 2021, 2019)


# --- survival -----------------------------------------------------------------------------------


def test_spells_and_kaplan_meier_by_hand():
    rows = [
        (2018, "A", "01", "CN", 1.0, 1.0),  # left-censored: dropped
        (2019, "A", "01", "CN", 1.0, 1.0),
        (2019, "A", "02", "CN", 1.0, 1.0),  # 2019 only: ends after 1 year
        (2019, "A", "03", "CN", 1.0, 1.0),  # 2019-2020: ends after 2 years
        (2020, "A", "03", "CN", 1.0, 1.0),
        (2020, "B", "02", "KZ", 1.0, 1.0),  # 2020-2021: censored at 2
        (2021, "B", "02", "KZ", 1.0, 1.0),
        (2021, "B", "04", "KZ", 1.0, 1.0),  # 2021: censored at 1
        (2021, "A", "02", "CN", 1.0, 1.0),  # A-02-CN again: a second spell, censored at 1
    ]
    s = survival.spells(_trade(rows))
    got = s[["region", "product", "start", "duration", "event"]].values.tolist()
    assert got == [
        ["A", "02", 2019, 1, True],
        ["A", "02", 2021, 1, False],
        ["A", "03", 2019, 2, True],
        ["B", "02", 2020, 2, False],
        ["B", "04", 2021, 1, False],
    ]
    km = survival.kaplan_meier(s, {"A": 1, "B": 3})
    country = km[km["group"] == survival.ALL].set_index("time")
    # t=1: 5 at risk, 1 ends -> .8 ; t=2: 2 at risk, 1 ends -> .4
    assert country["survival"].tolist() == pytest.approx([1.0, 0.8, 0.4])
    assert (country["lower"] <= country["survival"]).all()
    assert (country["upper"] >= country["survival"]).all()
    assert country.loc[1, "lower"] < 0.8 < country.loc[1, "upper"] < 1.0
    b = km[km["group"] == 3]
    assert b["survival"].tolist() == [1.0, 1.0, 1.0]  # nothing ended
    hz = survival.hazard_table(km, (1, 2, 3), names={1: "one", 3: "three"}, lang="ru").set_index(
        "group"
    )
    assert hz.loc[survival.ALL, "group_name"] == "Все регионы"
    assert hz.loc[survival.ALL, ["hazard_1", "hazard_2"]].tolist() == [0.2, 0.5]
    assert np.isnan(hz.loc[survival.ALL, "hazard_3"])
    assert hz.loc[1, ["n_spells", "n_ended"]].tolist() == [3, 2]


def test_kaplan_meier_band_agrees_with_greenwood_loglog():
    s = pd.DataFrame({"region": "A", "duration": [1, 1, 2, 3, 3, 3],
                      "event": [True, False, True, True, False, False]})  # fmt: skip
    km = survival.kaplan_meier(s).set_index("time")
    # S(1) = 5/6; Greenwood var(log S) = 1 / (6 * 5); log-log band
    s1, v = 5 / 6, 1 / 30
    theta = 1.959963984540054 * np.sqrt(v) / np.log(s1)
    assert km.loc[1, "lower"] == pytest.approx(s1 ** np.exp(-theta))
    assert km.loc[1, "upper"] == pytest.approx(s1 ** np.exp(theta))


# --- market penetration and unit values ---------------------------------------------------------


def test_penetration_and_unit_values_by_hand():
    t = _trade(
        [
            (2020, "A", "100190", "CN", 10.0, 10.0),
            (2021, "A", "100190", "CN", 10.0, 5.0),
            (2021, "A", "100190", "TR", 20.0, 5.0),
            (2021, "A", "090111", "EG", 30.0, np.nan),  # no weight: not in unit values
            (2021, "B", "100190", "EG", 40.0, 20.0),
            (2021, "B", "100190", "XX", 5.0, 1.0),  # confidential partner: no market
            (2020, "B", "100190", "EG", 10.0, 10.0),
        ]
    )
    pen = outcomes.market_penetration(t, 2021).set_index(["region", "product"])
    assert pen.loc[("A", "100190"), ["markets", "markets_all"]].tolist() == [2, 3]
    assert pen.loc[("B", "100190"), "penetration"] == pytest.approx(1 / 3)
    assert pen.loc[("A", "090111"), "penetration"] == 1.0
    summary = outcomes.penetration_summary(t, 2021, base_year=2020).set_index("region")
    assert summary.loc["A", "mean_penetration"] == pytest.approx((2 / 3 + 1) / 2)
    assert summary.loc["A", "weighted_penetration"] == pytest.approx((30 * 2 / 3 + 30) / 60)
    # 2020: the country serves CN and EG, A only CN -> 0.5
    assert summary.loc["A", "change_pp"] == pytest.approx(100 * ((2 / 3 + 1) / 2 - 0.5))
    uv = outcomes.unit_values(t, 2021).set_index(["region", "product"])
    assert ("A", "090111") not in uv.index
    assert uv.loc[("A", "100190"), "unit_value"] == 3.0
    # country: (30 + 45) / (10 + 21)
    assert uv.loc[("B", "100190"), "national_unit_value"] == pytest.approx(75 / 31)
    ch = outcomes.unit_value_change(t, 2020, 2021).set_index("region")
    assert ch.loc["A", "change_pct"] == pytest.approx(200.0)  # 1 -> 3 USD/kg
    tonnes = outcomes.unit_value_change(t.assign(netto_kg=t["netto_kg"] / 1000), 2020, 2021)
    assert tonnes.set_index("region").loc["A", "change_pct"] == pytest.approx(200.0)  # USD/t
    us = outcomes.unit_value_summary(t, 2020, 2021).set_index("region")
    assert us.loc["A", "rows_without_weight"] == 1
    assert us.loc["B", "weighted_change_pct"] == pytest.approx(100 * (45 / 21 - 1))


# 15 examples; the weight unit is also checked on the hand-computed table above (kg and tonnes)
@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(1e-3, 1e9), min_size=4, max_size=4), st.floats(1e-3, 1e3))
def test_unit_value_change_unchanged_by_weight_unit(values, scale):
    t = _trade([(2020, "A", "100190", "CN", values[0], values[1]),
                (2021, "A", "100190", "CN", values[2], values[3])])  # fmt: skip
    a = outcomes.unit_value_change(t, 2020, 2021)["change_pct"]
    t2 = t.assign(netto_kg=t["netto_kg"] * scale)
    b = outcomes.unit_value_change(t2, 2020, 2021)["change_pct"]
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


# --- strategy -----------------------------------------------------------------------------------


def test_approach_quadrants_and_cross_table():
    eci = pd.Series({"a": 1.0, "b": -1.0, "c": -0.5, "d": 0.5})
    coi = pd.Series({"a": 1.0, "b": 1.0, "c": -1.0, "d": -1.0})
    assert strategy.approach(eci, coi).tolist() == [
        "light_touch", "parsimonious", "strategic_bets", "technological_frontier"
    ]  # fmt: skip
    x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]], index=["A", "B", "C"],
                     columns=["p1", "p2", "p3", "p4"])  # fmt: skip
    res = cx.complexity(x)  # ECI (-.71, 1.41, -.71), COI (.71, -1.41, .71)
    table = strategy.strategy_table(res, pd.Series({"A": 3, "B": 1}), lang="ru").set_index("region")
    assert table.loc["B", "approach_id"] == "technological_frontier"
    assert table.loc["A", "approach_id"] == "parsimonious"
    assert table.loc["A", "preset"] == "Лёгкие шаги"
    assert table.loc["C", "type_name"] == "—"
    cross = strategy.approach_by_type(table.reset_index(), "en")
    assert cross.to_numpy().sum() == 2 and cross.iloc[1, 2] == 1 and cross.iloc[3, 0] == 1


def test_presets_sum_to_one_and_rank_differently():
    for weights in strategy.PRESETS.values():
        assert sum(weights) == pytest.approx(1.0)
    x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]], index=["A", "B", "C"],
                     columns=["p1", "p2", "p3", "p4"])  # fmt: skip
    res = cx.complexity(x)
    near = strategy.preset_opportunities(res, "A", "low_hanging_fruit")
    far = strategy.preset_opportunities(res, "A", "long_jumps")
    # p3: density .40 (higher), PCI/COG lower; p4: density .25, PCI/COG higher
    assert near["score"].tolist() == pytest.approx([0.60, 0.40])
    assert far["product"].tolist() == ["p4", "p3"] and far["score"].tolist() == pytest.approx(
        [0.75, 0.25]
    )
    with pytest.raises(ValueError, match="preset"):
        strategy.preset_opportunities(res, "A", "bold")
