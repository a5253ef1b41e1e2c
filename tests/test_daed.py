"""DAED components K1–K4, normalisation, expert weights with Kendall's W, and the index."""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import daed


def _trade(rows, flow="export"):
    """Rows (year, region, hs6, partner, value_usd[, resource]) as a classified trade table."""
    records = []
    for row in rows:
        year, region, hs6, partner, value, *rest = row
        records.append(
            {
                "year": year,
                "region": region,
                "hs6": hs6,
                "partner": partner,
                "flow": flow,
                "value_usd": float(value),
                "netto_kg": np.nan,
                "resource": rest[0] if rest else "nne",
            }
        )
    return pd.DataFrame(records)


# Region A over 2017–2021, window 2; region B appears in 2019.
K1_ROWS = [
    (2017, "A", "010110", "CN", 10),
    (2017, "A", "050500", "CN", 3),
    (2018, "A", "010110", "CN", 10),
    (2018, "A", "020200", "CN", 5),
    (2019, "A", "010110", "CN", 8),
    (2019, "A", "010120", "CN", 2),
    (2020, "A", "010110", "CN", 5),
    (2020, "A", "020200", "CN", 5),
    (2021, "A", "020200", "CN", 4),
    (2021, "A", "040400", "CN", 6),
    (2021, "A", "050500", "CN", 10),
    (2019, "B", "010110", "CN", 7),
]


def _k1(df, region, year):
    return df.set_index(["region", "year"]).loc[(region, year), "k1"]


def test_new_goods_share_hand_computed():
    trade = pd.concat(
        [
            _trade(K1_ROWS),
            _trade([(2019, "A", "999999", "CN", 1000)], flow="import"),  # imports ignored
            _trade([(2019, "A", "888888", "CN", 0)]),  # zero export is no export
        ]
    )
    res = daed.new_goods_share(trade, novelty_window=2)
    # 2017, 2018: no two previous years in the data -> flagged and NaN, never zero
    for year in (2017, 2018):
        assert math.isnan(_k1(res, "A", year))
    assert not res.loc[res["year"] < 2019, "history_complete"].any()
    # 2019: 010120 never exported before -> 2 / (8 + 2)
    assert _k1(res, "A", 2019) == pytest.approx(0.2)
    # 2020: 020200 last exported 2018 (2020 - 2018 = 2 <= window) -> not new
    assert _k1(res, "A", 2020) == pytest.approx(0.0)
    # 2021: 040400 new; 050500 last exported 2017 (4 > 2 years ago) -> new: (6 + 10) / 20
    assert _k1(res, "A", 2021) == pytest.approx(0.8)
    # B's first year of export: the data covers 2017-2018, so everything it exports is new
    assert _k1(res, "B", 2019) == pytest.approx(1.0)
    row = res.set_index(["region", "year"]).loc[("A", 2021)]
    assert row["new_goods_usd"] == 16 and row["total_export_usd"] == 20


def test_new_goods_share_at_hs4():
    # at 4 digits 010120 belongs to 0101, exported before -> nothing new in 2019
    res = daed.new_goods_share(_trade(K1_ROWS), novelty_window=2, digits=4)
    assert _k1(res, "A", 2019) == pytest.approx(0.0)


def test_gap_year_breaks_history():
    rows = [r for r in K1_ROWS if r[0] != 2018]
    res = daed.new_goods_share(_trade(rows), novelty_window=2)
    # 2018 is not in the data: 2019 and 2020 lack a full window, 2021 has 2019-2020
    assert res.loc[res["year"].isin([2019, 2020]), "k1"].isna().all()
    assert res.loc[res["year"] == 2021, "history_complete"].all()


def test_bad_window():
    with pytest.raises(ValueError, match="novelty_window"):
        daed.new_goods_share(_trade(K1_ROWS), novelty_window=0)


K2_ROWS = [
    (2017, "A", "010110", "CN", 30),
    (2017, "A", "010110", "DE", 20),
    (2018, "A", "010110", "CN", 20),
    (2018, "A", "010110", "DE", 10),
    (2018, "A", "010110", "KZ", 15),
    (2018, "A", "010110", "TR", 5),
    (2019, "A", "010110", "CN", 40),
    (2019, "A", "010110", "KZ", 40),
    (2019, "A", "010110", "IN", 20),
    (2019, "A", "010110", "XX", 10),
    (2020, "A", "010110", "IN", 5),
    (2020, "A", "010110", "BR", 15),
]


def _k2(df, year, region="A"):
    return df.set_index(["region", "year"]).loc[(region, year), "k2"]


def test_new_markets_window_hand_computed():
    res = daed.new_markets_share(_trade(K2_ROWS), novelty_window=1)
    assert math.isnan(_k2(res, 2017))
    # 2018: KZ, TR new (not served in 2017): 20 / 50
    assert _k2(res, 2018) == pytest.approx(20 / 50)
    # 2019: IN new; XX (unknown partner) never a new market but counts in total: 20 / 110
    assert _k2(res, 2019) == pytest.approx(20 / 110)
    # 2020: IN served in 2019 -> old; BR new: 15 / 20
    assert _k2(res, 2020) == pytest.approx(15 / 20)


def test_new_markets_traditional_hand_computed():
    # base 2017-2018: CN 50, DE 30, KZ 15, TR 5 (total 100); 80% -> {CN 50%, DE 30%}
    res = daed.new_markets_share(
        _trade(K2_ROWS), rule="traditional", traditional_share=0.8, base_period=(2017, 2018)
    )
    assert res.loc[res["year"] <= 2018, "k2"].isna().all()
    assert not res.loc[res["year"] <= 2018, "history_complete"].any()
    # 2019: KZ 40 + IN 20 outside {CN, DE}; XX never new; total 110
    assert _k2(res, 2019) == pytest.approx(60 / 110)
    assert _k2(res, 2020) == pytest.approx(1.0)
    # 50%: CN alone reaches it -> DE is new too in 2019? DE not exported in 2019; KZ+IN = 60
    res50 = daed.new_markets_share(
        _trade(K2_ROWS), rule="traditional", traditional_share=0.5, base_period=(2017, 2018)
    )
    assert _k2(res50, 2019) == pytest.approx(60 / 110)
    # 81%: CN, DE, KZ
    res81 = daed.new_markets_share(
        _trade(K2_ROWS), rule="traditional", traditional_share=0.81, base_period=(2017, 2018)
    )
    assert _k2(res81, 2019) == pytest.approx(20 / 110)


def test_new_markets_default_base_period_and_errors():
    res = daed.new_markets_share(_trade(K2_ROWS), novelty_window=2, rule="traditional")
    assert res.loc[res["year"] <= 2018, "k2"].isna().all()  # base = first 2 years
    with pytest.raises(ValueError, match="rule"):
        daed.new_markets_share(_trade(K2_ROWS), rule="gravity")
    with pytest.raises(ValueError, match="traditional_share"):
        daed.new_markets_share(_trade(K2_ROWS), rule="traditional", traditional_share=1.5)


def _indicators(rows):
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])


def test_support_intensity_scales():
    ind = _indicators(
        [
            ("A", 2018, "nne_support_rub", 50.0),  # outside the period
            ("A", 2019, "nne_support_rub", 100.0),
            ("A", 2020, "nne_support_rub", 200.0),
            ("A", 2021, "nne_support_rub", 300.0),
            ("A", 2019, "population", 10.0),
            ("A", 2020, "population", 10.0),
            ("A", 2021, "population", 10.0),
        ]
    )
    trade = _trade(
        [
            (2019, "A", "010110", "CN", 10, "nne"),
            (2019, "A", "270900", "CN", 500, "energy"),  # not NNE
            (2020, "A", "010110", "CN", 20, "nne"),
            (2021, "A", "270900", "CN", 100, "energy"),  # no NNE export in 2021 -> zero
        ]
    )
    # support period: the years of the data, 2018-2021. Period average over 2019-2024 (the
    # paper's): (100 + 200 + 300) / 3 = 200 RUB for every year
    period = daed.support_intensity(ind, scale="absolute", period=(2019, 2024), average="period")
    assert period["k3"].tolist() == [200.0] * 4
    # to date (default): 2019 100, 2020 150, 2021 200; 2018 has no support year in the period
    to_date = daed.support_intensity(ind, scale="absolute", period=(2019, 2024)).set_index("year")
    assert math.isnan(to_date.loc[2018, "k3"])
    assert to_date.loc[[2019, 2020, 2021], "k3"].tolist() == [100.0, 150.0, 200.0]
    assert daed.support_intensity(ind, scale="absolute").set_index("year").loc[2018, "k3"] == 50.0
    # one year: support of t alone
    one = daed.support_intensity(ind, scale="absolute", average="year").set_index("year")
    assert one["k3"].tolist() == [50.0, 100.0, 200.0, 300.0]
    # mean population 10 -> 20 RUB per person (period average)
    per_capita = daed.support_intensity(
        ind, scale="per_capita", period=(2019, 2024), average="period"
    )
    assert per_capita["k3"].tolist()[1:] == [20.0] * 3
    # mean NNE export (10 + 20 + 0) / 3 = 10 USD -> 20 RUB per USD
    nne = daed.support_intensity(ind, trade, period=(2019, 2024), average="period")
    assert nne.set_index("year").loc[2021, "k3"] == pytest.approx(20.0)
    per_year = daed.support_intensity(ind, trade, period=(2019, 2024), average="year")
    per_year = per_year.set_index("year")
    # per year: 2019 100/10, 2020 200/20, 2021 300/0 -> no NNE export: per USD of total export,
    # the default fallback of daed_table, or NaN with "rescale"
    assert per_year.loc[2019, "k3"] == pytest.approx(10.0)
    assert per_year.loc[2020, "k3"] == pytest.approx(10.0)
    assert math.isnan(per_year.loc[2021, "k3"]) and per_year.loc[2021, "k3_basis"] == ""
    fallback = daed.support_intensity(
        ind, trade, period=(2019, 2024), average="year", fallback="per_total_export"
    ).set_index("year")
    assert fallback.loc[2021, "k3"] == pytest.approx(300.0 / 100.0)
    assert fallback["k3_basis"].tolist()[1:] == ["per_nne_export"] * 2 + ["per_total_export"]
    with pytest.raises(ValueError, match="average"):
        daed.support_intensity(ind, trade, average="mean")
    with pytest.raises(ValueError, match="fallback"):
        daed.support_intensity(ind, trade, fallback="zero")
    with pytest.raises(ValueError, match="classified trade"):
        daed.support_intensity(ind, None, scale="per_nne_export")
    with pytest.raises(ValueError, match="scale"):
        daed.support_intensity(ind, trade, scale="per_gdp")
    with pytest.raises(ValueError, match="nne_support_rub"):
        daed.support_intensity(ind[ind["indicator"] == "population"], trade)


def test_normalise():
    s = pd.Series([1.0, 2.0, 5.0, np.nan])
    assert daed.normalise(s).tolist()[:3] == [0.0, 0.25, 1.0]
    assert daed.normalise(s, direction=-1).tolist()[:3] == [1.0, 0.75, 0.0]
    assert math.isnan(daed.normalise(s).iloc[3])
    # z-score of 1, 2, 3: mean 2, population sd sqrt(2/3)
    z = daed.normalise(pd.Series([1.0, 2.0, 3.0]), "zscore")
    assert z.tolist() == pytest.approx([-1 / math.sqrt(2 / 3), 0.0, 1 / math.sqrt(2 / 3)])
    assert daed.normalise(pd.Series([4.0, 4.0]), "minmax").tolist() == [0.5, 0.5]
    assert daed.normalise(pd.Series([4.0, 4.0]), "zscore").tolist() == [0.0, 0.0]
    # ranks of 1, 2, 5 -> 1, 2, 3 -> (r - 1) / 2; ties share a mid-rank
    assert daed.normalise(s, "rank").tolist()[:3] == [0.0, 0.5, 1.0]
    assert daed.normalise(pd.Series([3.0, 1.0, 3.0]), "rank").tolist() == [0.75, 0.0, 0.75]
    with pytest.raises(ValueError, match="normalisation"):
        daed.normalise(s, "median")


def test_iseu_hand_computed():
    ind = _indicators(
        [
            ("A", 2021, "grp_per_capita_rub", 100.0),
            ("B", 2021, "grp_per_capita_rub", 300.0),
            ("C", 2021, "grp_per_capita_rub", 200.0),
            ("A", 2021, "unemployment_pct", 2.0),
            ("B", 2021, "unemployment_pct", 10.0),
            ("C", 2021, "unemployment_pct", 4.0),
            ("A", 2021, "rnd_spending_rub", 1000.0),
            ("B", 2021, "rnd_spending_rub", 1000.0),
            ("C", 2021, "rnd_spending_rub", 3000.0),
            ("A", 2021, "population", 10.0),
            ("B", 2021, "population", 20.0),
            ("C", 2021, "population", 10.0),
        ]
    )
    spec = {
        "grp_per_capita_rub": (1, 2.0),
        "unemployment_pct": (-1, 1.0),
        "rnd_spending_rub": (1, 1.0),
    }
    res = daed.iseu(ind, spec).set_index("region")["k4"]
    # GRP: A 0, B 1, C 0.5; unemployment (less is better): A 1, B 0, C 0.75;
    # R&D per capita 100, 50, 300: A 0.2, B 0, C 1. Weights 2/4, 1/4, 1/4.
    assert res["A"] == pytest.approx(0.5 * 0 + 0.25 * 1 + 0.25 * 0.2)
    assert res["B"] == pytest.approx(0.5 * 1 + 0.25 * 0 + 0.25 * 0)
    assert res["C"] == pytest.approx(0.5 * 0.5 + 0.25 * 0.75 + 0.25 * 1)


def test_iseu_carry_forward_and_missing():
    ind = _indicators(
        [
            ("A", 2020, "grp_per_capita_rub", 1.0),
            ("B", 2020, "grp_per_capita_rub", 3.0),
            ("A", 2021, "grp_per_capita_rub", 2.0),
        ]
    )
    spec = {"grp_per_capita_rub": (1, 1.0)}
    res = daed.iseu(ind, spec, per_capita=()).set_index(["region", "year"])["k4"]
    assert res[("B", 2021)] == 1.0 and res[("A", 2021)] == 0.0  # B's 2020 value carried
    res = daed.iseu(ind, spec, per_capita=(), carry_forward=False).set_index(["region", "year"])
    assert math.isnan(res.loc[("B", 2021), "k4"])
    with pytest.raises(ValueError, match="unemployment_pct"):
        daed.iseu(ind, {"unemployment_pct": (-1, 1.0)})
    with pytest.raises(ValueError, match="spec"):
        daed.iseu(ind, {"grp_per_capita_rub": (0, 1.0)})


# --- expert weights ------------------------------------------------------------------------


def _experts(matrix, components=daed.COMPONENTS, column="rank"):
    rows = [
        {"expert": f"e{i}", "component": c, column: v}
        for i, ranks in enumerate(matrix)
        for c, v in zip(components, ranks, strict=True)
    ]
    return pd.DataFrame(rows)


def test_kendall_w_textbook_example():
    # Siegel (1956), Nonparametric statistics, ch. 9: three executives rank six job applicants.
    ranks = pd.DataFrame([[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]])
    w, chi2, dof, p = daed.kendall_w(ranks)
    # rank sums 8, 14, 11, 11, 11, 8, mean 10.5 -> S = 25.5; W = 12·25.5 / (9·(216 - 6)) = 0.162
    assert w == pytest.approx(12 * 25.5 / (9 * 210))
    assert round(w, 3) == 0.162
    assert chi2 == pytest.approx(3 * 5 * w) and dof == 5
    assert p == pytest.approx(0.787, abs=1e-3)


def test_expert_weights_with_ties():
    experts = _experts([[1, 2, 3, 4], [1, 2, 4, 3], [1, 1, 3, 4]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = daed.expert_weights(experts)
    # third expert ties k1 and k2 -> mid-ranks 1.5, 1.5
    # rank sums 3.5, 5.5, 10, 11; mean 7.5; S = 16 + 4 + 6.25 + 12.25 = 38.5
    # tie correction T = 2³ - 2 = 6: W = 12·38.5 / (9·60 - 3·6) = 462 / 522
    assert res.kendall_w == pytest.approx(462 / 522)
    assert res.chi2 == pytest.approx(3 * 3 * 462 / 522)
    # mean ranks 7/6, 11/6, 10/3, 11/3 -> scores 5 - mean: 23/6, 19/6, 5/3, 4/3 (sum 10)
    assert res.weights.tolist() == pytest.approx([23 / 60, 19 / 60, 1 / 6, 2 / 15])
    assert res.weights.sum() == pytest.approx(1.0)


def test_expert_weights_agreement_and_warning():
    concordant = _experts([[1, 2, 3, 4]] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = daed.expert_weights(concordant)
    # W = 1, chi2 = m(n-1) = 15 on 3 df, p = 0.0018
    assert res.kendall_w == pytest.approx(1.0)
    assert res.agree and res.p_value == pytest.approx(0.001817, rel=1e-3)
    assert res.weights.tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])
    discordant = _experts([[1, 2, 3, 4], [4, 3, 2, 1], [2, 1, 4, 3], [3, 4, 1, 2]])
    with pytest.warns(UserWarning, match="do not agree"):
        res = daed.expert_weights(discordant)
    assert not res.agree and res.kendall_w == pytest.approx(0.0)
    assert "NOT" in res.summary("en") and "НЕ" in res.summary("ru")


def test_expert_scores_become_ranks():
    # scores: higher is more important -> same as ranks 1, 2, 3, 4
    scores = _experts([[10, 7, 5, 1]] * 3, column="score")
    res = daed.expert_weights(scores)
    assert res.weights.tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])


def test_expert_weights_bad_input():
    experts = _experts([[1, 2, 3, 4], [1, 2, 3, 4]])
    with pytest.raises(ValueError, match="does not rate"):
        daed.expert_weights(experts.iloc[:-1])
    with pytest.raises(ValueError, match="unknown component"):
        daed.expert_weights(experts.assign(component="k9"))
    with pytest.raises(ValueError, match="more than once"):
        daed.expert_weights(pd.concat([experts, experts.iloc[:1]]))
    with pytest.raises(ValueError, match="'rank' or a 'score'"):
        daed.expert_weights(experts.drop(columns="rank"))


def test_default_weights_are_shipped():
    w = daed.default_weights()
    assert list(w.index) == list(daed.COMPONENTS)
    assert w.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="cover exactly"):
        daed.check_weights({"k1": 1.0})
    with pytest.raises(ValueError, match="non-negative"):
        daed.check_weights({"k1": -1.0, "k2": 1, "k3": 1, "k4": 1})


# --- index -----------------------------------------------------------------------------------


def test_daed_index_hand_computed():
    comps = pd.DataFrame(
        {
            "region": ["A", "B", "C", "D"],
            "year": 2021,
            "k1": [0.0, 0.5, 1.0, 0.2],
            "k2": [0.2, 0.2, 0.0, np.nan],
            "k3": [10.0, 30.0, 20.0, 5.0],
            "k4": [0.9, 0.1, 0.5, 0.3],
        }
    )
    res = daed.daed_index(comps, {"k1": 2, "k2": 1, "k3": 1, "k4": 0}).set_index("region")
    # D lacks k2: no index, and it does not enter the normalisation of the others
    assert math.isnan(res.loc["D", "daed_index"]) and pd.isna(res.loc["D", "rank"])
    # normalised over A, B, C: k1 0, .5, 1; k2 1, 1, 0; k3 0, 1, .5; weights .5 .25 .25 0
    assert res.loc["A", "daed_index"] == pytest.approx(0.25)
    assert res.loc["B", "daed_index"] == pytest.approx(0.25 + 0.25 + 0.25)
    assert res.loc["C", "daed_index"] == pytest.approx(0.5 + 0.125)
    assert res.loc[["B", "C", "A"], "rank"].tolist() == [1, 2, 3]


def _panel(seed: int = 0, n_regions: int = 10, years=range(2016, 2022)):
    """A small deterministic classified trade table and indicator table."""
    rng = np.random.default_rng(seed)
    products = [f"{i:06d}" for i in range(100100, 100100 + 30)]
    partners = ["CN", "DE", "IN", "KZ", "TR", "BR", "AE", "XX"]
    resource = {
        p: ("energy" if i < 5 else "raw" if i < 10 else "nne") for i, p in enumerate(products)
    }
    rows, ind = [], []
    for r in range(n_regions):
        region = f"R{r:02d}"
        for year in years:
            for _ in range(25):
                p = products[rng.integers(0, len(products))]
                rows.append(
                    (
                        year,
                        region,
                        p,
                        partners[rng.integers(0, len(partners))],
                        rng.gamma(2.0, 100.0),
                        resource[p],
                    )
                )
            for name, value in [
                ("nne_support_rub", rng.uniform(1e6, 1e8)),
                ("population", rng.uniform(5e5, 5e6)),
                ("grp_per_capita_rub", rng.uniform(2e5, 2e6)),
                ("unemployment_pct", rng.uniform(2, 12)),
                ("investment_per_capita_rub", rng.uniform(5e4, 5e5)),
                ("rnd_spending_rub", rng.uniform(1e7, 1e10)),
                ("mining_share_grp_pct", rng.uniform(0, 60)),
            ]:
                ind.append((region, year, name, value))
    return _trade(rows).drop_duplicates(["year", "region", "hs6", "partner"]), _indicators(ind)


def test_daed_table_columns_and_history():
    trade, ind = _panel()
    table = daed.daed_table(trade, ind, novelty_window=3)
    for col in ("region", "year", "k1", "k2", "k3", "k4", "daed_index", "rank", "resource_share"):
        assert col in table.columns
    assert table.loc[table["year"] < 2019, "daed_index"].isna().all()
    full = table[table["history_complete"]]
    assert full["daed_index"].notna().all()
    assert full["daed_index"].between(0, 1).all()
    assert (full["resource_share"].between(0, 1)).all()
    mining = daed.daed_table(trade, ind, resource_measure="mining_grp")
    assert mining["resource_share"].max() <= 0.6


@functools.cache
def _currency_base(scale: str, norm: str):
    """The panel of the currency test and its index in the original units (computed once each)."""
    trade, ind = _panel(seed=1, n_regions=6, years=range(2017, 2021))
    return trade, ind, daed.daed_table(trade, ind, support_scale=scale, normalisation=norm)


@settings(max_examples=10, deadline=None)
@given(
    usd=st.floats(min_value=1e-3, max_value=1e3),
    rub=st.floats(min_value=1e-3, max_value=1e3),
    scale=st.sampled_from(["per_nne_export", "per_capita", "absolute"]),
    norm=st.sampled_from(["minmax", "zscore", "rank"]),
)
def test_index_invariant_to_currency_units(usd, rub, scale, norm):
    trade, ind, base = _currency_base(scale, norm)
    trade2 = trade.assign(value_usd=trade["value_usd"] * usd)
    is_rub = ind["indicator"].str.endswith("_rub")
    ind2 = ind.assign(value=ind["value"].where(~is_rub, ind["value"] * rub))
    other = daed.daed_table(trade2, ind2, support_scale=scale, normalisation=norm)
    np.testing.assert_allclose(other["daed_index"], base["daed_index"], rtol=1e-9, atol=1e-12)
    assert other["rank"].equals(base["rank"])


def test_index_does_not_depend_on_row_order():
    trade, ind = _panel(seed=2, n_regions=6, years=range(2017, 2021))
    base = daed.daed_table(trade, ind)
    shuffled = daed.daed_table(
        trade.sample(frac=1, random_state=3), ind.sample(frac=1, random_state=4)
    )
    pd.testing.assert_frame_equal(base, shuffled)


def test_figures_draw(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from exportlab.plot import daed as plot_daed

    trade, ind = _panel(seed=3, n_regions=8)
    table = daed.daed_table(trade, ind)
    for lang in ("en", "ru"):
        fig = plot_daed.ranking_chart(table, 2021, lang=lang)
        assert fig.axes[0].get_title()
        fig = plot_daed.monitoring_chart(table, lang, highlight=["R00"])
        assert fig.axes[0].get_ylabel() in ("DAED index", "Индекс ДАЭД")
    with pytest.raises(ValueError, match="no DAED index"):
        plot_daed.ranking_chart(table, 2016)


# ------------------------------------------------------------------ components without data


EMPTY_INDICATORS = pd.DataFrame({"region": [], "year": [], "indicator": [], "value": []})


def test_component_availability_names_what_is_missing():
    avail = daed.component_availability(EMPTY_INDICATORS)
    assert avail["k1"] is None and avail["k2"] is None
    assert avail["k3"] == "no 'nne_support_rub' rows in the indicator table"
    assert "'grp_per_capita_rub'" in avail["k4"] and "'population'" in avail["k4"]
    support_only = _indicators([("A", 2020, "nne_support_rub", 1.0)])
    assert daed.component_availability(support_only)["k3"] is None
    assert "population" in daed.component_availability(support_only, "per_capita")["k3"]
    assert daed.component_availability(None)["k3"] is not None


def test_effective_weights_rescale_over_available_components():
    # a = (0.4, 0.2, 0.3, 0.1) over {k1, k2}: 0.4/0.6 = 2/3, 0.2/0.6 = 1/3
    w = daed.effective_weights({"k1": 0.4, "k2": 0.2, "k3": 0.3, "k4": 0.1}, ["k1", "k2"])
    assert w.to_dict() == pytest.approx({"k1": 2 / 3, "k2": 1 / 3, "k3": 0.0, "k4": 0.0})
    with pytest.raises(ValueError, match="zero total weight"):
        daed.effective_weights({"k1": 0.0, "k2": 0.0, "k3": 0.5, "k4": 0.5}, ["k1", "k2"])
    with pytest.raises(ValueError, match="no DAED component"):
        daed.effective_weights(None, [])


def test_daed_table_without_indicators_uses_k1_k2_only():
    # Two regions, 2020-2021, window 1.
    # A: 2020 {p1: 10 to CN}; 2021 {p1: 10 to CN, p2: 30 to IN} -> K1 = 30/40 = 0.75, K2 = 30/40 = 0.75
    # B: 2020 {p1: 10 to CN}; 2021 {p1: 20 to CN}             -> K1 = 0, K2 = 0
    # min-max across A, B: n(K1) = (1, 0), n(K2) = (1, 0); weights (0.4, 0.2 | 0.3, 0.1) -> (2/3, 1/3)
    # DAED(A) = 2/3 + 1/3 = 1, DAED(B) = 0
    trade = _trade(
        [
            (2020, "A", "010110", "CN", 10),
            (2021, "A", "010110", "CN", 10),
            (2021, "A", "020200", "IN", 30),
            (2020, "B", "010110", "CN", 10),
            (2021, "B", "010110", "CN", 20),
        ]
    )
    weights = {"k1": 0.4, "k2": 0.2, "k3": 0.3, "k4": 0.1}
    table = daed.daed_table(trade, EMPTY_INDICATORS, weights, novelty_window=1)
    row = table[table["year"] == 2021].set_index("region")
    assert row.loc["A", "k1"] == pytest.approx(0.75) and row.loc["A", "k2"] == pytest.approx(0.75)
    assert row["k3"].isna().all() and row["k4"].isna().all()
    assert row["k3_norm"].isna().all() and row["k4_norm"].isna().all()
    assert row["daed_index"].to_dict() == pytest.approx({"A": 1.0, "B": 0.0})
    assert table.attrs["availability"]["k4"].startswith("no ")
    assert daed.available_components(table) == ["k1", "k2"]
    note = daed.availability_note(table.attrs["availability"], weights)
    assert note.startswith("No data for K3") and "k1 0.667, k2 0.333" in note
    assert "Нет данных для K3" in daed.availability_note(table.attrs["availability"], weights, "ru")
    from exportlab.plot import daed as plot_daed

    fig = plot_daed.ranking_chart(table, 2021, weights)  # draws only the available components
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        daed.COMPONENT_LABELS["k1"]["en"],
        daed.COMPONENT_LABELS["k2"]["en"],
    ]


def test_with_history_keeps_complete_years_or_explains():
    trade = _trade([(2023, "A", "010110", "CN", 10), (2024, "A", "010110", "CN", 10)])
    table = daed.daed_table(trade, EMPTY_INDICATORS, novelty_window=3)
    with pytest.raises(ValueError, match=r"2023–2024.*3 previous years.*lower novelty_window"):
        daed.with_history(table, 3)
    table = daed.daed_table(trade, EMPTY_INDICATORS, novelty_window=1)
    assert daed.with_history(table, 1)["year"].tolist() == [2024]


# ------------------------------------------------------------------ every region keeps an index


def test_region_without_a_component_keeps_its_index_with_rescaled_weights():
    comps = pd.DataFrame(
        {
            "region": ["A", "B", "C", "D"],
            "year": 2021,
            "k1": [0.0, 0.5, 1.0, 0.5],
            "k2": [0.2, 0.2, 0.0, 0.0],
            "k3": [10.0, 30.0, 20.0, np.nan],
            "k4": [0.9, 0.1, 0.5, 0.3],
        }
    )
    res = daed.daed_index(comps, {"k1": 2, "k2": 1, "k3": 1, "k4": 0}).set_index("region")
    # min-max over A..D: k1 0, .5, 1, .5; k2 1, 1, 0, 0; k3 over A, B, C only: 0, 1, .5
    # A, B, C weights .5 .25 .25 0; D lacks k3: weights over k1, k2, k4 = 2/3, 1/3, 0
    assert res.loc["A", "daed_index"] == pytest.approx(0.25)
    assert res.loc["B", "daed_index"] == pytest.approx(0.75)
    assert res.loc["C", "daed_index"] == pytest.approx(0.625)
    assert res.loc["D", "daed_index"] == pytest.approx(2 / 3 * 0.5)
    assert res.loc["D", "index_components"] == "k1,k2,k4"
    assert res.loc["A", "index_components"] == "k1,k2,k3,k4"
    assert math.isnan(res.loc["D", "k3_norm"])
    assert res["rank"].tolist() == [4, 1, 2, 3]
    weights = daed.row_weights(res, {"k1": 2, "k2": 1, "k3": 1, "k4": 0}, daed.COMPONENTS)
    assert weights.loc["D"].tolist() == pytest.approx([2 / 3, 1 / 3, 0.0, 0.0])
    assert weights.sum(axis=1).tolist() == pytest.approx([1.0] * 4)


def test_equal_values_get_equal_ranks():
    assert daed.rank_desc(pd.Series([0.5, 0.3, 0.1 + 0.2, 0.7])).tolist() == [2, 3, 3, 1]
    comps = pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "year": 2021,
            "k1": [0.1, 0.3, 0.3],
            "k2": [0.0, 0.2, 0.2],
            "k3": [1.0, 2.0, 2.0],
            "k4": [0.5, 0.5, 0.5],
        }
    )
    res = daed.daed_index(comps, {"k1": 1, "k2": 1, "k3": 1, "k4": 1})
    assert res["rank"].tolist() == [3, 1, 1]


def _zero_nne_panel():
    """The _panel with region R00 exporting only resource products."""
    trade, ind = _panel(seed=4, n_regions=6, years=range(2017, 2022))
    r00 = trade["region"] == "R00"
    trade = trade[~r00 | (trade["resource"] != "nne")].reset_index(drop=True)
    return trade, ind


def test_region_without_nne_export_gets_k3_per_total_export():
    trade, ind = _zero_nne_panel()
    table = daed.with_history(daed.daed_table(trade, ind, novelty_window=2), 2)
    assert table["daed_index"].notna().all()  # nobody drops out
    r00 = table[table["region"] == "R00"]
    assert set(r00["k3_basis"]) == {"per_total_export"}
    assert set(table.loc[table["region"] != "R00", "k3_basis"]) == {"per_nne_export"}
    counts = daed.availability_counts(table, 2021)
    assert counts.loc["k3", "per_total_export"] == 1 and counts.loc["k3", "per_nne_export"] == 5
    assert counts.loc["index", "with_value"] == 6 and counts.loc["index", "missing"] == 0
    avail = table.attrs.get("availability") or daed.component_availability(ind)
    note = daed.availability_note(avail, None, table=table, year=2021)
    assert "6 with export, 6 with an index" in note
    assert "K3 6/6 (5 per USD of NNE export, 1 per USD of total export)" in note
    assert "K3 of R00" in note
    ru = daed.availability_note(avail, None, "ru", table=table, year=2021)
    assert "6 с экспортом, 6 с индексом" in ru
    # "rescale": R00 keeps its index over K1, K2, K4
    rescaled = daed.with_history(
        daed.daed_table(trade, ind, novelty_window=2, k3_fallback="rescale"), 2
    )
    assert rescaled["daed_index"].notna().all()
    r00 = rescaled[rescaled["region"] == "R00"]
    assert r00["k3"].isna().all() and set(r00["index_components"]) == {"k1,k2,k4"}
    assert "lack a component (R00)" in daed.availability_note(
        avail, None, table=rescaled, year=2021
    )


def test_k3_never_uses_later_support_unless_asked():
    trade, ind = _panel(seed=5, n_regions=6, years=range(2016, 2022))
    later = ind["indicator"].eq("nne_support_rub") & ind["year"].eq(2021)
    changed = ind.assign(value=ind["value"].where(~later, ind["value"] * 7.0))
    base = daed.daed_table(trade, ind).set_index(["year", "region"])
    other = daed.daed_table(trade, changed).set_index(["year", "region"])
    early = base.index.get_level_values("year") < 2021
    pd.testing.assert_series_equal(base.loc[early, "k3"], other.loc[early, "k3"])
    assert not np.allclose(base.loc[2021, "k3"], other.loc[2021, "k3"])
    # the period average (the paper's) looks ahead: 2019 changes with 2021's support
    kw = {"support_period": (2016, 2021), "support_average": "period"}
    base = daed.daed_table(trade, ind, **kw).set_index(["year", "region"])
    other = daed.daed_table(trade, changed, **kw).set_index(["year", "region"])
    assert not np.allclose(base.loc[2019, "k3"], other.loc[2019, "k3"])
    assert "later years" in daed.support_note("period", (2019, 2024))
    assert "never uses later support" in daed.support_note("to_date", (2019, 2024))
    assert "последующих лет" in daed.support_note("year", (2019, 2024), "ru")


# ------------------------------------------------------------------ Kendall's W, exact p-value


def test_kendall_w_exact_p_value_hand_computed():
    # two experts, three objects, the same order: 6 of the 6 × 6 pairs of orderings give the
    # largest S -> p = 1/6 exactly (chi-square: W = 1, chi2(2) = 4, p = 0.135)
    p, how = daed.kendall_w_pvalue(pd.DataFrame([[1, 2, 3], [1, 2, 3]]))
    assert how == "exact" and p == pytest.approx(1 / 6)
    assert daed.kendall_w(pd.DataFrame([[1, 2, 3], [1, 2, 3]]))[3] == pytest.approx(np.exp(-2))
    # three experts in full agreement on four objects: 24 / 24^3 = 1/576
    p, how = daed.kendall_w_pvalue(pd.DataFrame([[1, 2, 3, 4]] * 3))
    assert p == pytest.approx(1 / 576)
    # ties are kept: expert 2 ties objects 1, 2 (mid-ranks 1.5) and has 3 distinct orderings,
    # equally likely. Given expert 1's order (1, 2, 3) the rank sums are (2.5, 3.5, 6), S = 6.5
    # (observed); (2.5, 5, 4.5), S = 3.5; (4, 3.5, 4.5), S = 0.5 -> p = 1/3
    p, _ = daed.kendall_w_pvalue(pd.DataFrame([[1, 2, 3], [1.5, 1.5, 3]]))
    assert p == pytest.approx(1 / 3)
    # the permutation estimate agrees with the exact value
    p_perm, how = daed.kendall_w_pvalue(pd.DataFrame([[1, 2, 3, 4]] * 3), max_work=10)
    assert how == "permutation" and abs(p_perm - 1 / 576) < 0.002
    res = daed.expert_weights(_experts([[1, 2, 3, 4]] * 3))
    assert res.p_method == "exact" and res.p_exact == pytest.approx(1 / 576) and res.agree
    assert "p (exact) = 0.0017" in res.summary("en") and "точное" in res.summary("ru")


def test_support_note_names_index_years_without_support():
    trade, ind = _panel(seed=6, n_regions=5, years=range(2016, 2022))
    ind = ind[(ind["indicator"] != "nne_support_rub") | (ind["year"] >= 2020)]
    table = daed.with_history(daed.daed_table(trade, ind), 3)
    assert table.loc[table["year"] == 2019, "k3"].isna().all()
    assert table["daed_index"].notna().all()  # 2019 keeps an index over K1, K2, K4
    assert set(table.loc[table["year"] == 2019, "index_components"]) == {"k1,k2,k4"}
    note = daed.support_note("to_date", table.attrs["support"]["period"], table=table)
    assert note.startswith("K3: support of the years 2020–2021 up to the index year")
    assert "no support year for 2019" in note
    assert "Для 2019 г. нет лет поддержки" in daed.support_note(
        "to_date", (2020, 2021), "ru", table=table
    )


def test_daed_and_typology_load_no_drawing_and_point_one_way():
    """typology builds on daed (never the reverse), and neither loads matplotlib."""
    import subprocess
    import sys

    code = (
        "import sys, exportlab.daed; a = 'exportlab.typology' in sys.modules; "
        "import exportlab.typology, exportlab.complexity; "
        "print(a, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
