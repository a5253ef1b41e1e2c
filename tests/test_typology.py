"""Four region types: naming, clustering methods, validation, dynamics, policy and sheets."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import typology
from exportlab.plot import typology as plot_types

matplotlib.use("Agg")


def _four_groups(n_per: int = 5, seed: int = 0) -> pd.DataFrame:
    """Four well separated groups, one per type corner, region codes shuffled across groups."""
    rng = np.random.default_rng(seed)
    centres = {1: (0.8, 0.1), 2: (0.8, 0.8), 3: (0.2, 0.1), 4: (0.2, 0.8)}
    rows = []
    for k, (x, y) in centres.items():
        for i in range(n_per):
            rows.append(
                {
                    "region": f"X{(k * 37 + i * 11) % 97:02d}",
                    "daed_index": x + rng.normal(0, 0.03),
                    "resource_share": y + rng.normal(0, 0.03),
                    "expected": k,
                }
            )
    return pd.DataFrame(rows)


def test_name_clusters_from_members_hand_computed():
    # thresholds (0.5, 0.5); quadrants: a members 1, 1; b members 2, 2, 1; c 3; d 4, 4
    pts = np.array(
        [
            [0.9, 0.1],
            [0.8, 0.2],
            [0.9, 0.9],
            [0.7, 0.8],
            [0.6, 0.4],
            [0.1, 0.1],
            [0.2, 0.9],
            [0.3, 0.7],
        ]
    )
    labels = ["a", "a", "b", "b", "b", "c", "d", "d"]
    assert typology.name_clusters(pts, labels, (0.5, 0.5)) == {"a": 1, "b": 2, "c": 3, "d": 4}


def test_name_clusters_two_in_one_quadrant_stay_distinct():
    # every member of a and b lies in quadrant 2; counts a: (0, 3, 0, 0), b: (0, 2, 0, 0).
    # a takes type 2 (3 members agree); b cannot: it takes type 1 or 4 — its median (0.6, 0.55)
    # points more to the corner of type 1 (+, −) after scaling than to 4 (−, +)... both tie on
    # counts (0), the tie-break by the median decides; all four types are used once.
    pts = np.array(
        [
            [0.9, 0.9],
            [0.95, 0.85],
            [0.85, 0.95],
            [0.62, 0.55],
            [0.58, 0.55],
            [0.2, 0.1],
            [0.1, 0.2],
            [0.2, 0.8],
            [0.1, 0.9],
        ]
    )
    labels = [0, 0, 0, 1, 1, 2, 2, 3, 3]
    names = typology.name_clusters(pts, labels, (0.5, 0.5))
    assert names[0] == 2 and names[2] == 3 and names[3] == 4 and names[1] == 1
    assert sorted(names.values()) == [1, 2, 3, 4]


def test_name_clusters_errors():
    pts = np.zeros((5, 2))
    with pytest.raises(ValueError, match="at most 4"):
        typology.name_clusters(pts, range(5), (0.5, 0.5))


def test_threshold_rules():
    assert typology.parse_threshold(None) == ("quantile", 0.5)
    assert typology.parse_threshold("Median") == ("quantile", 0.5)
    assert typology.parse_threshold("q0.75") == ("quantile", 0.75)
    assert typology.parse_threshold(0.3) == ("value", 0.3)
    assert typology.parse_threshold("mean")[0] == "mean"
    for bad in ("q1.5", "high", "q", True, float("nan")):
        with pytest.raises(ValueError, match="threshold"):
            typology.parse_threshold(bad)
    values = [0.0, 1.0, 2.0, 3.0, 10.0]
    assert typology.threshold_value("median", values) == 2.0
    assert typology.threshold_value("mean", values) == 3.2
    assert typology.threshold_value("q0.25", values) == 1.0
    assert typology.threshold_value(7, values) == 7.0
    assert typology.threshold_rule_label("q0.25", "en") == "25th percentile"
    assert typology.threshold_rule_label(0.3, "ru") == "заданное значение"


@pytest.mark.parametrize("method", typology.METHODS)
def test_methods_find_the_four_groups(method):
    df = _four_groups()
    # on z-scores the gaps between the groups are kept
    types = typology.RegionTypes(method, scaling="standard").fit_predict(df)["type"]
    assert types.tolist() == df["expected"].tolist()
    assert types.dtype == "Int64"
    if method != "ward":  # on ranks the four groups are adjacent blocks; k-means still splits them
        assert typology.classify_regions(df, method).tolist() == df["expected"].tolist()


def _panel_two_years() -> pd.DataFrame:
    """Four regions in 2020; in 2021 every DAED index is 0.3 higher."""
    a = pd.DataFrame(
        {
            "region": list("ABCD"),
            "year": 2020,
            "daed_index": [0.1, 0.2, 0.3, 0.4],
            "resource_share": [0.9, 0.1, 0.8, 0.2],
        }
    )
    b = a.assign(year=2021, daed_index=a["daed_index"] + 0.3)
    return pd.concat([a, b], ignore_index=True)


def test_pooled_base_year_and_each_year_hand_computed():
    panel = _panel_two_years()
    # pooled medians: DAED of 0.1..0.4 and 0.4..0.7 -> 0.4; resource (0.1, 0.2, 0.8, 0.9) -> 0.5
    # 2020: all DAED <= 0.4 -> low: A (0.1, .9) 4, B 3, C 4, D (0.4, .2) 3;
    # 2021: 0.4 .5 .6 .7: A (0.4) low -> 4, B 1, C 2, D 1
    pooled = typology.RegionTypes("quadrants", base="pooled")
    types = pooled.fit_predict(panel)
    assert types["type"].tolist() == [4, 3, 4, 3, 4, 1, 2, 1]
    assert pooled.thresholds_for() == pytest.approx((0.4, 0.5))
    assert not types["borderline"].any()
    # base year 2020: medians 0.25 and 0.5 -> 2020: A 4, B 3, C 2, D 1; 2021 all high: 2, 1, 2, 1
    base = typology.RegionTypes("quadrants", base=2020).fit_predict(panel)
    assert base["type"].tolist() == [4, 3, 2, 1, 2, 1, 2, 1]
    # each year: the same relative positions -> the same types in both years (no real move seen)
    each = typology.RegionTypes("quadrants", base="each_year").fit_predict(panel)
    assert each["type"].tolist() == [4, 3, 2, 1, 4, 3, 2, 1]
    with pytest.raises(ValueError, match="base year 2019"):
        typology.RegionTypes(base=2019).fit(panel)
    with pytest.raises(ValueError, match="base"):
        typology.RegionTypes(base="first")
    with pytest.raises(ValueError, match="not fitted"):
        typology.RegionTypes().predict(panel)
    assert "2020–2021" in pooled.describe("en") and "пороги" in pooled.describe("ru")
    assert "0.4" in pooled.describe("en") and "50.0%" in pooled.describe("en")


def test_cluster_types_are_one_to_one_and_borderline_is_flagged():
    # the example of the RegionTypes docstring: k-means puts H (0.3, 0.8) with C and D
    df = pd.DataFrame(
        {
            "region": list("ABCDEFGH"),
            "daed_index": [0.9, 0.8, 0.85, 0.7, 0.2, 0.1, 0.15, 0.3],
            "resource_share": [0.1, 0.2, 0.9, 0.8, 0.1, 0.2, 0.9, 0.8],
        }
    )
    out = typology.RegionTypes("kmeans").fit_predict(df)
    assert out["quadrant"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert out["type"].tolist() == [1, 1, 2, 2, 3, 3, 4, 2]
    assert out["borderline"].tolist() == [False] * 7 + [True]
    assert (out["borderline"] == (out["type"] != out["quadrant"])).all()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(list(typology.METHODS)))
def test_all_four_types_when_all_quadrants_are_populated(seed, method):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "region": [f"R{i:02d}" for i in range(24)],
            "daed_index": rng.uniform(0.0, 1.0, 24),
            "resource_share": rng.beta(0.5, 0.8, 24),
        }
    )
    out = typology.RegionTypes(method, n_init=10).fit_predict(df)
    if out["quadrant"].nunique() == 4:
        assert set(out["type"].astype(int)) == {1, 2, 3, 4}
    assert (out["borderline"] == (out["type"] != out["quadrant"])).all()


def test_type_summary_counts_agreement():
    table = pd.DataFrame(
        {
            "year": [2020] * 4 + [2021] * 4,
            "type": [1, 2, 3, 4, 1, 1, 3, 4],
            "quadrant": [1, 2, 3, 4, 1, 2, 3, 3],
        }
    )
    table["borderline"] = table["type"] != table["quadrant"]
    s = typology.type_summary(table)
    assert s["agreement"].tolist() == [1.0, 0.5]
    assert s["borderline"].tolist() == [0, 2]
    assert s["quadrants_populated"].tolist() == [4, 3]
    assert s.loc[1, ["type_1", "type_2", "type_3", "type_4"]].tolist() == [2, 0, 1, 1]
    assert "Borderline" in typology.type_summary(table, "en").columns


def test_quadrants_hand_computed_and_thresholds():
    df = pd.DataFrame(
        {
            "region": list("ABCDE"),
            "daed_index": [0.1, 0.2, 0.3, 0.4, 0.5],
            "resource_share": [0.9, 0.1, 0.5, 0.2, 0.6],
        }
    )
    # medians 0.3 and 0.5; "high" is strictly above: A 4, B 3, C 3 (at both medians), D 1, E 2
    assert typology.classify_regions(df, "quadrants").tolist() == [4, 3, 3, 1, 2]
    # fixed resource threshold 0.3 (seed 004's rule), DAED still at its median
    types = typology.classify_regions(df, "quadrants", thresholds=(None, 0.3))
    assert types.tolist() == [4, 3, 4, 1, 2]
    # 0.25 quantiles: DAED 0.2, resource 0.2 -> A 4, B 3, C 2, D 3 (0.2 is not above 0.2), E 2
    types = typology.classify_regions(df, "quadrants", thresholds=("q0.25", "q0.25"))
    assert types.tolist() == [4, 3, 2, 1, 2]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(list(typology.METHODS)))
def test_types_do_not_depend_on_row_order(seed, method):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "region": [f"R{i:02d}" for i in range(15)],
            "daed_index": rng.uniform(0, 1, 15),
            "resource_share": rng.uniform(0, 1, 15),
        }
    )
    base = typology.classify_regions(df, method, n_init=10)
    shuffled = df.sample(frac=1, random_state=seed)
    again = typology.classify_regions(shuffled, method, n_init=10)
    pd.testing.assert_series_equal(again.sort_index(), base.sort_index())


def test_missing_values_and_bad_input():
    df = _four_groups()
    df.loc[0, "daed_index"] = np.nan
    types = typology.classify_regions(df, "kmeans")
    assert pd.isna(types.iloc[0]) and types.iloc[1:].notna().all()
    with pytest.raises(ValueError, match="more than once"):
        typology.classify_regions(pd.concat([df, df]), "kmeans")
    with pytest.raises(ValueError, match="at least 4"):
        typology.classify_regions(df.head(3), "ward")
    with pytest.raises(ValueError, match="method"):
        typology.classify_regions(df, "dbscan")


def test_classify_panel_per_year():
    a, b = _four_groups(seed=1).assign(year=2020), _four_groups(seed=2).assign(year=2021)
    panel = pd.concat([a, b], ignore_index=True)
    types = typology.classify_panel(panel, "kmeans", scaling="standard")
    assert types.tolist() == panel["expected"].tolist()


def test_agreement_silhouette_stability():
    df = _four_groups()
    ari = typology.agreement(df, scaling="standard")
    assert list(ari.index) == list(typology.METHODS)
    np.testing.assert_allclose(ari.to_numpy(), 1.0)
    types = typology.classify_regions(df, "kmeans")
    assert typology.silhouette(df, types) > 0.7
    per_region = typology.silhouette(df, types, per_region=True)
    assert len(per_region) == len(df)
    model = typology.RegionTypes("kmeans", scaling="standard")
    stab = typology.bootstrap_stability(df, model, n_boot=30)
    assert list(stab.columns) == ["region", "type", "stability"]
    assert stab["stability"].between(0, 1).all()
    assert stab["stability"].mean() > 0.9
    # median splits move with the resample when the groups are small: less stable than k-means
    quad = typology.bootstrap_stability(df, "quadrants", n_boot=30)
    assert 0.5 < quad["stability"].mean() <= stab["stability"].mean()
    # deterministic with a fixed random_state
    pd.testing.assert_frame_equal(stab, typology.bootstrap_stability(df, model, n_boot=30))


def test_bootstrap_resamples_regions_of_a_panel():
    panel = pd.concat(
        [_four_groups(seed=1).assign(year=2020), _four_groups(seed=2).assign(year=2021)],
        ignore_index=True,
    )
    model = typology.RegionTypes("kmeans", scaling="standard")
    stab = typology.bootstrap_stability(panel, model, n_boot=20)
    assert list(stab.columns) == ["region", "year", "type", "stability"]
    assert len(stab) == len(panel) and stab["stability"].mean() > 0.9
    full = model.fit_predict(panel.sort_values(["region", "year"], ignore_index=True))
    assert stab["type"].tolist() == full["type"].tolist()


def test_transition_matrix_and_moves():
    a = pd.Series({"A": 1, "B": 3, "C": 3, "D": 4, "E": 2})
    b = pd.Series({"A": 1, "B": 1, "C": 3, "D": 3, "F": 2})
    m = typology.transition_matrix(a, b)
    # E and F are typed in one year only; A 1->1, B 3->1, C 3->3, D 4->3
    assert m.to_numpy().sum() == 4
    assert m.loc[3, 1] == 1 and m.loc[1, 1] == 1 and m.loc[3, 3] == 1 and m.loc[4, 3] == 1
    assert m.shape == (4, 4)
    moved = typology.moved_regions(a, b)
    assert moved.to_dict("records") == [
        {"region": "B", "type_from": 3, "type_to": 1},
        {"region": "D", "type_from": 4, "type_to": 3},
    ]
    labelled = typology.transition_matrix(a, b, lang="ru")
    assert labelled.columns[0].startswith("1 ")


def test_labels_and_instruments():
    for k in typology.TYPES:
        for lang in ("en", "ru"):
            assert typology.type_label(k, lang).startswith(str(k))
            assert typology.type_label(k, lang, short=False)
            assert len(typology.policy_instruments(k, lang)) >= 3
    assert "Моноресурсные" in typology.type_label(4, "ru")
    assert len(typology.instruments_table("ru")) == sum(
        len(typology.POLICY_INSTRUMENTS[k]["instruments"]) for k in typology.TYPES
    )
    with pytest.raises(ValueError, match="1, 2, 3 or 4"):
        typology.type_label(5)
    with pytest.raises(ValueError, match="lang"):
        typology.type_label(1, "de")


def _typed_table() -> pd.DataFrame:
    df = _four_groups().drop(columns="expected")
    df["year"] = 2021
    rng = np.random.default_rng(5)
    for c in ("k1", "k2", "k3", "k4"):
        df[c] = rng.uniform(0, 1, len(df))
        df[f"{c}_norm"] = df[c]
    df["rank"] = df["daed_index"].rank(ascending=False, method="min").astype("Int64")
    return typology.add_types(df, typology.RegionTypes("kmeans", scaling="standard"))


def test_region_sheet():
    df = _typed_table()
    region = df.loc[df["type"] == 4, "region"].iloc[0]
    sheet = typology.region_sheet(region, 2021, df, "ru")
    assert "Моноресурсные" in sheet
    assert typology.policy_instruments(4, "ru")[0] in sheet
    peers = df.loc[(df["type"] == 4) & (df["region"] != region), "region"]
    assert all(p in sheet for p in peers)
    with pytest.raises(ValueError, match="no DAED row"):
        typology.region_sheet("ZZ", 2021, df)
    fig = plot_types.region_sheet_figure(region, 2021, df, "en")
    assert fig.axes
    # a borderline region: its sheet says so and names its own quadrant
    df.loc[df["region"] == region, ["quadrant", "borderline"]] = [3, True]
    sheet = typology.region_sheet(region, 2021, df, "en", thresholds=(0.5, 0.5))
    assert "**Borderline:**" in sheet and "quadrant of type 3" in sheet
    assert "Own position" in sheet and "≤ 0.500 (low)" in sheet
    table = typology.year_table(df, 2021, "ru")
    assert table.loc[table["region"] == region, "borderline"].item() == "да"
    assert (table["borderline"] == "да").sum() == 1 and "quadrant" in table.columns
    assert set(table["borderline"]) == {"да", "нет"}
    df["k3_basis"], df["index_components"] = "per_nne_export", "k1,k2,k4"
    for lang, basis, used in (
        ("ru", "на долл. экспорта ННЭ", "K1, K2, K4"),
        ("en", "per USD of NNE export", "K1, K2, K4"),
    ):
        table = typology.year_table(df, 2021, lang)
        assert set(table["k3_basis"]) == {basis} and set(table["index_components"]) == {used}


def test_scatter_draws_in_both_languages():
    df = _typed_table()
    for lang in ("en", "ru"):
        fig = plot_types.scatter_types(df, lang)
        ax = fig.axes[0]
        assert len(ax.texts) == len(df) + 2  # one label per region, the two threshold values
        assert len(ax.get_legend().get_texts()) == 4
    fig = plot_types.scatter_types(df, "en", max_labels=5, highlight=[df["region"].iloc[0]])
    assert 5 + 2 <= len(fig.axes[0].texts) <= 6 + 2


def test_interactive_explorer_builds():
    pytest.importorskip("ipywidgets")
    df = _typed_table()
    model = typology.RegionTypes("ward", ("q0.4", 0.5))
    ui = plot_types.interactive_explorer(df, "ru", model=model, year=2021)
    assert ui.children
    controls = ui.children[0].children
    # starts with the report's method and thresholds (q 0.4 of DAED; value 0.5 as its quantile)
    assert controls[3].value == "ward"
    daed_q, res_q = controls[2].children
    assert daed_q.value == 0.4
    assert res_q.value == pytest.approx((df["resource_share"] <= 0.5).mean(), abs=0.01)
    # the first view (ranking table and scatter) is in the output area's state
    outputs = ui.children[1].outputs
    assert len(outputs) == 2 and "text/html" in outputs[0]["data"]
    assert "Figure" in outputs[1]["data"]["text/plain"]  # a PNG under the inline backend


def test_explorer_sliders_change_the_view_for_every_method():
    pytest.importorskip("ipywidgets")
    df = _typed_table()
    ui = plot_types.interactive_explorer(df, "en", model=typology.RegionTypes("kmeans"))
    controls, out = ui.children
    daed_q = controls.children[2].children[0]
    for method in typology.METHODS:
        controls.children[3].value = method
        before = out.outputs
        daed_q.value = 0.2 if daed_q.value != 0.2 else 0.8
        assert out.outputs != before, method


def test_threshold_quantiles_place_each_rule_among_the_fit_data():
    # fit data (pooled, rows with both features): DAED 0.1 0.2 0.3 0.4, resource 0.1 0.2 0.3 0.4
    # q0.3 -> 0.3 itself; value 0.25 -> 2 of 4 at or below = 0.5; mean 0.25 -> 0.5 as well
    df = pd.DataFrame(
        {
            "region": list("ABCDE"),
            "year": 2021,
            "daed_index": [0.1, 0.2, 0.3, 0.4, np.nan],
            "resource_share": [0.1, 0.2, 0.3, 0.4, 0.95],
        }
    )
    assert typology.RegionTypes(thresholds=("q0.3", 0.25)).fit(df).threshold_quantiles(df) == (
        0.3,
        0.5,
    )
    model = typology.RegionTypes(thresholds=("mean", 0.45)).fit(df)
    assert model.threshold_quantiles(df) == (0.5, 1.0)  # E (no index) is not fit data
    # each year: the thresholds and the data of the year asked for
    two = pd.concat([df.iloc[:4], df.iloc[:4].assign(year=2022, daed_index=[1.0, 2.0, 3.0, 9.0])])
    each = typology.RegionTypes(thresholds=("mean", "median"), base="each_year").fit(two)
    assert each.threshold_quantiles(two, 2021) == (0.5, 0.5)
    assert each.threshold_quantiles(two, 2022) == (0.75, 0.5)  # mean 3.75: 3 of 4 at or below
