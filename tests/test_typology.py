"""Four region types: naming, clustering methods, validation, dynamics, policy and sheets."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import typology

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


def test_name_clusters_one_to_one():
    centroids = pd.DataFrame(
        {"daed_index": [0.8, 0.2, 0.7, 0.1], "resource_share": [0.1, 0.2, 0.9, 0.8]},
        index=[10, 11, 12, 13],
    )
    # mean (0.45, 0.5): offsets (+,−) (−,−) (+,+) (−,+) -> types 1, 3, 2, 4
    assert typology.name_clusters(centroids) == {10: 1, 11: 3, 12: 2, 13: 4}
    assert typology.name_clusters(centroids, one_to_one=True) == {10: 1, 11: 3, 12: 2, 13: 4}


def test_name_clusters_two_in_one_quadrant():
    # clusters a and b are both high/high relative to the reference (0.5, 0.5)
    centroids = pd.DataFrame(
        {"daed_index": [0.9, 0.6, 0.3, 0.2], "resource_share": [0.9, 0.55, 0.2, 0.8]},
        index=["a", "b", "c", "d"],
    )
    ref = {"daed_index": 0.5, "resource_share": 0.5}
    signs = typology.name_clusters(centroids, ref, one_to_one=False)
    assert signs == {"a": 2, "b": 2, "c": 3, "d": 4}
    # one-to-one: scaled offsets a (1, 1), b (.25, .125), c (−.5, −.75), d (−.75, .75);
    # type 1 corner (+, −) goes to b (score .125) rather than a (score 0)
    distinct = typology.name_clusters(centroids, ref, one_to_one=True)
    assert distinct == {"a": 2, "b": 1, "c": 3, "d": 4}
    assert sorted(distinct.values()) == [1, 2, 3, 4]


def test_name_clusters_errors():
    with pytest.raises(ValueError, match="lack"):
        typology.name_clusters(pd.DataFrame({"x": [1.0]}))
    many = pd.DataFrame({"daed_index": range(5), "resource_share": range(5)}, dtype=float)
    with pytest.raises(ValueError, match="at most 4"):
        typology.name_clusters(many, one_to_one=True)
    assert len(typology.name_clusters(many)) == 5  # the sign rule names any number of clusters


@pytest.mark.parametrize("method", typology.METHODS)
def test_methods_find_the_four_groups(method):
    df = _four_groups()
    types = typology.classify_regions(df, method)
    assert types.tolist() == df["expected"].tolist()
    assert types.dtype == "Int64"


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
    types = typology.classify_panel(panel, "kmeans")
    assert types.tolist() == panel["expected"].tolist()


def test_agreement_silhouette_stability():
    df = _four_groups()
    ari = typology.agreement(df)
    assert list(ari.index) == list(typology.METHODS)
    np.testing.assert_allclose(ari.to_numpy(), 1.0)
    types = typology.classify_regions(df, "kmeans")
    assert typology.silhouette(df, types) > 0.7
    per_region = typology.silhouette(df, types, per_region=True)
    assert len(per_region) == len(df)
    stab = typology.bootstrap_stability(df, "kmeans", n_boot=30)
    assert list(stab.columns) == ["region", "type", "stability"]
    assert stab["stability"].between(0, 1).all()
    assert stab["stability"].mean() > 0.9
    # median splits move with the resample when the groups are small: less stable than k-means
    quad = typology.bootstrap_stability(df, "quadrants", n_boot=30)
    assert 0.5 < quad["stability"].mean() <= stab["stability"].mean()
    # deterministic with a fixed random_state
    pd.testing.assert_frame_equal(stab, typology.bootstrap_stability(df, "kmeans", n_boot=30))


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
    df["type"] = typology.classify_regions(df, "kmeans")
    return df


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
    fig = typology.region_sheet_figure(region, 2021, df, "en")
    assert fig.axes


def test_scatter_draws_in_both_languages():
    df = _typed_table()
    for lang in ("en", "ru"):
        fig = typology.scatter_types(df, lang)
        ax = fig.axes[0]
        assert len(ax.texts) == len(df)  # one label per region
        assert len(ax.get_legend().get_texts()) == 4
    fig = typology.scatter_types(df, "en", max_labels=5, highlight=[df["region"].iloc[0]])
    assert 5 <= len(fig.axes[0].texts) <= 6


def test_interactive_explorer_builds():
    pytest.importorskip("ipywidgets")
    df = _typed_table()[["region", "k1", "k2", "k3", "k4", "resource_share"]]
    ui = typology.interactive_explorer(df, "ru")
    assert ui.children
    # the first view (ranking table and scatter) is in the output area's state
    outputs = ui.children[1].outputs
    assert len(outputs) == 2 and "text/html" in outputs[0]["data"]
    assert "Figure" in outputs[1]["data"]["text/plain"]  # a PNG under the inline backend
