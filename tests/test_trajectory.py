"""Tests of exportlab.trajectory on a hand-computed four-region, three-product fixture."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from exportlab import article2019 as a19
from exportlab import trajectory as tr
from exportlab.plot import trajectory as plot_tr

# Four regions, three products: "aero" (group aerospace), "pharm" (group pharmacy), "other" (none).
# value_usd by year, region, product:
#   2018: A 150 / 100 / 750   B 125 / 0 / 1875   C 0 / 100 / 1900   D 0 / 0 / 5000
#   2019: A 300 / 100 / 600   B 100 / 0 / 1900   C 0 / 200 / 1800   D 100 / 0 / 4900
VALUES = {
    2018: {"A": (150, 100, 750), "B": (125, 0, 1875), "C": (0, 100, 1900), "D": (0, 0, 5000)},
    2019: {"A": (300, 100, 600), "B": (100, 0, 1900), "C": (0, 200, 1800), "D": (100, 0, 4900)},
}
PRODUCTS = (
    ("880000", "aerospace", "aerospace"),
    ("300400", "pharmacy", "pharmaceuticals"),
    ("270900", None, None),
)


def make_trade(values=VALUES, scale: float = 1.0) -> pd.DataFrame:
    rows = []
    for year, regions in values.items():
        for region, amounts in regions.items():
            for (hs6, group, segment), value in zip(PRODUCTS, amounts, strict=True):
                if value:
                    rows.append((year, region, hs6, "CN", "export", value * scale, group, segment))
                    # imports must be ignored
                    rows.append((year, region, hs6, "CN", "import", 7.0, group, segment))
    return pd.DataFrame(
        rows,
        columns=["year", "region", "hs6", "partner", "flow", "value_usd", "group", "segment"],
    )


@pytest.fixture
def trade() -> pd.DataFrame:
    return make_trade()


def by_region(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("region")


# ------------------------------------------------------------------------------ table columns


def test_rca_table_every_column(trade):
    # 2019 totals: A 1000, B 2000, C 2000, D 5000 → country 10 000; aerospace: 300+100+0+100 = 500.
    table = tr.trajectory_table(trade, 2019, segment="aerospace", region_names=False)
    assert list(table.columns) == list(tr.TABLE_COLUMNS)
    t = by_region(table)
    # RCA = (X_rg/X_r)/(X_g/X): A 0.3/0.05 = 6, B 0.05/0.05 = 1, C 0, D 0.02/0.05 = 0.4
    assert t["trajectory_index"].to_dict() == pytest.approx(
        {"A": 6.0, "B": 1.0, "C": 0.0, "D": 0.4}
    )
    assert list(table["region"]) == ["A", "B", "D", "C"]
    assert list(table["rank"]) == [1, 2, 3, 4]
    assert t["export_kusd"].to_dict() == pytest.approx({"A": 0.3, "B": 0.1, "C": 0.0, "D": 0.1})
    # region's share of the country's export: 1000, 2000, 2000, 5000 of 10 000
    assert t["region_share_of_country_export_pct"].to_dict() == pytest.approx(
        {"A": 10.0, "B": 20.0, "C": 20.0, "D": 50.0}
    )
    # group's share of the region's export: 300/1000, 100/2000, 0, 100/5000
    assert t["group_share_of_region_export_pct"].to_dict() == pytest.approx(
        {"A": 30.0, "B": 5.0, "C": 0.0, "D": 2.0}
    )
    # region's share of the country's aerospace export: 300, 100, 0, 100 of 500
    assert t["region_share_of_group_export_pct"].to_dict() == pytest.approx(
        {"A": 60.0, "B": 20.0, "C": 0.0, "D": 20.0}
    )
    # growth over 2018: A 300/150 → +100 %, B 100/125 → −20 %, C 0/0 and D 100/0 undefined
    assert t.loc["A", "growth_pct"] == pytest.approx(100.0)
    assert t.loc["B", "growth_pct"] == pytest.approx(-20.0)
    assert np.isnan(t.loc["C", "growth_pct"]) and np.isnan(t.loc["D", "growth_pct"])
    assert t["status"].to_dict() == {
        "A": "continuing",
        "B": "continuing",
        "C": "absent",
        "D": "new",
    }
    # rule with min_index 1, min_share 1 %: A and B oriented, D share 20 % but RCA 0.4, C neither
    assert t["export_oriented"].to_dict() == {"A": True, "B": True, "C": False, "D": False}
    assert t["reason"].to_dict() == {
        "A": "oriented",
        "B": "oriented",
        "C": "low_both",
        "D": "low_index",
    }
    assert table.attrs["method"] == "rca" and table.attrs["base_year"] == 2018


def test_negligible_share_reason(trade):
    # B has RCA 1 but only 20 % of the group: with a 25 % threshold it is "high index, negligible share"
    t = by_region(
        tr.trajectory_table(trade, 2019, segment="aerospace", min_share_pct=25, region_names=False)
    )
    assert t.loc["B", "reason"] == "low_share" and not t.loc["B", "export_oriented"]
    assert t.loc["A", "reason"] == "oriented"


def test_growth_method(trade):
    table = tr.trajectory_table(
        trade, 2019, segment="aerospace", method="growth", region_names=False
    )
    t = by_region(table)
    # A 300/150 = 2, B 100/125 = 0.8; D new (0 in 2018) and C absent: undefined, ranked last
    assert t.loc["A", "trajectory_index"] == pytest.approx(2.0)
    assert t.loc["B", "trajectory_index"] == pytest.approx(0.8)
    assert t.loc[["C", "D"], "trajectory_index"].isna().all()
    assert list(table["region"]) == ["A", "B", "D", "C"]  # undefined: by export, D 100 before C 0
    assert table["rank"].tolist()[:2] == [1, 2] and table["rank"].isna().tolist() == [
        False,
        False,
        True,
        True,
    ]
    assert t.loc["D", "status"] == "new" and t.loc["D", "reason"] == "undefined_index"
    assert t.loc["B", "reason"] == "low_index"  # 0.8 < 1 with 20 % of the group
    assert t.loc["A", "reason"] == "oriented"


def test_growth_explicit_base_year_missing(trade):
    t = by_region(
        tr.trajectory_table(trade, 2019, segment="aerospace", base_year=2010, region_names=False)
    )
    assert (t["status"] == "no_base").all() and t["growth_pct"].isna().all()
    # the RCA index does not need a base year
    assert t.loc["A", "trajectory_index"] == pytest.approx(6.0)


def test_rca_symmetric_method(trade):
    t = by_region(
        tr.trajectory_table(
            trade, 2019, segment="aerospace", method="rca_symmetric", region_names=False
        )
    )
    # (RCA − 1)/(RCA + 1): A 5/7, B 0, C −1, D −0.6/1.4
    assert t["trajectory_index"].to_dict() == pytest.approx(
        {"A": 5 / 7, "B": 0.0, "C": -1.0, "D": -0.6 / 1.4}
    )
    # same verdicts as RCA: min_index 1 maps to 0 on the symmetric scale
    rca = by_region(tr.trajectory_table(trade, 2019, segment="aerospace", region_names=False))
    assert t["reason"].to_dict() == rca["reason"].to_dict()


def test_group_selection_and_segment_mapping(trade):
    # pharmacy 2019: A 100, C 200 of 300; RCA A = (100/1000)/(300/10000) = 10/3, C = (200/2000)/0.03
    t = by_region(tr.trajectory_table(trade, 2019, group="pharmacy", region_names=False))
    assert t.loc["A", "trajectory_index"] == pytest.approx(10 / 3)
    assert t.loc["C", "trajectory_index"] == pytest.approx(10 / 3)
    assert t.loc["C", "growth_pct"] == pytest.approx(100.0)  # 200 / 100
    mapped = tr.trajectory_table(
        trade.drop(columns="segment"),
        2019,
        segment="health",
        segment_groups={"health": ["pharmacy"]},
        region_names=False,
    )
    pd.testing.assert_series_equal(
        by_region(mapped)["trajectory_index"], t["trajectory_index"], check_like=True
    )


def test_top_and_region_names_fallback(trade):
    table = tr.trajectory_table(trade, 2019, segment="aerospace", top=2)
    assert list(table["region"]) == ["A", "B"]
    assert table["region_name"].notna().all()


def test_single_region_country_has_rca_one():
    values = {2019: {"A": (30, 5, 65)}, 2018: {"A": (10, 5, 65)}}
    t = tr.trajectory_table(make_trade(values), 2019, segment="aerospace", region_names=False)
    assert t.loc[0, "trajectory_index"] == pytest.approx(1.0)
    assert t.loc[0, "region_share_of_country_export_pct"] == pytest.approx(100.0)
    assert t.loc[0, "region_share_of_group_export_pct"] == pytest.approx(100.0)
    assert t.loc[0, "group_share_of_region_export_pct"] == pytest.approx(30.0)
    assert t.loc[0, "growth_pct"] == pytest.approx(200.0)


def test_trajectory_index_function():
    g = pd.Series({"A": 30.0, "B": 10.0, "C": 0.0})
    x = pd.Series({"A": 100.0, "B": 300.0, "C": 600.0})
    # country share 40/1000 = 0.04: A 0.3/0.04 = 7.5, B (1/30)/0.04 = 0.8333, C 0
    assert tr.trajectory_index(g, x, "rca").to_dict() == pytest.approx(
        {"A": 7.5, "B": 1 / 30 / 0.04, "C": 0.0}
    )
    base = pd.Series({"A": 10.0, "B": 0.0})
    growth = tr.trajectory_index(g, method="growth", base_group_export=base)
    assert growth["A"] == pytest.approx(3.0)
    assert growth[["B", "C"]].isna().all()
    # no group export anywhere: RCA undefined
    assert tr.trajectory_index(g * 0, x, "rca").isna().all()


def test_orientation_thresholds():
    index = pd.Series([2.0, 2.0, 0.5, 0.5, np.nan])
    share = pd.Series([5.0, 0.05, 5.0, 0.05, 50.0])
    out = tr.orientation(index, share, "rca", min_index=1.0, min_share_pct=0.1)
    assert out["reason"].tolist() == [
        "oriented",
        "low_share",
        "low_index",
        "low_both",
        "undefined_index",
    ]
    assert out["export_oriented"].tolist() == [True, False, False, False, False]
    # symmetric scale: RCA ≥ 3 ⇔ (RCA−1)/(RCA+1) ≥ 0.5
    assert tr.index_threshold("rca_symmetric", 3.0) == pytest.approx(0.5)


def test_labels_bilingual():
    assert tr.reason_label("low_share", "en") == "high index, negligible share"
    assert tr.reason_label("low_index", "ru") == "значимая доля, низкий индекс"
    assert tr.status_label("new", "ru").startswith("новый")
    assert tr.method_label("rca", "ru") == "RCA (Баласса)"
    for column in tr.TABLE_COLUMNS:
        en, ru = tr.HEADERS[column]
        assert en and ru
    with pytest.raises(ValueError, match="unknown reason"):
        tr.reason_label("bogus")


def test_format_table_translates(trade):
    table = tr.trajectory_table(trade, 2019, segment="aerospace", region_names=False)
    shown = tr.format_table(table, "ru")
    assert "region" not in shown.columns
    assert shown.loc[0, "export_oriented"] == "да"
    assert shown.loc[0, "reason"] == "высокий индекс и значимая доля"


# ---------------------------------------------------------------------------------- bad input


def test_errors(trade):
    with pytest.raises(ValueError, match="unknown index method"):
        tr.trajectory_table(trade, 2019, segment="aerospace", method="lq")
    with pytest.raises(ValueError, match="exactly one of"):
        tr.trajectory_table(trade, 2019, segment="aerospace", group="aerospace")
    with pytest.raises(ValueError, match="exactly one of"):
        tr.trajectory_table(trade, 2019)
    with pytest.raises(ValueError, match="year 2030 is not"):
        tr.trajectory_table(trade, 2030, segment="aerospace")
    with pytest.raises(ValueError, match="does not occur"):
        tr.trajectory_table(trade, 2019, segment="armament")
    with pytest.raises(ValueError, match=r"trade table lacks column\(s\) \['flow'\]"):
        tr.trajectory_table(trade.drop(columns="flow"), 2019, segment="aerospace")
    with pytest.raises(ValueError, match="no 'segment' column"):
        tr.trajectory_table(trade.drop(columns="segment"), 2019, segment="aerospace")
    negative = trade.copy()
    negative.loc[0, "value_usd"] = -1.0
    with pytest.raises(ValueError, match="negative"):
        tr.trajectory_table(negative, 2019, segment="aerospace")
    with pytest.raises(ValueError, match="top"):
        tr.trajectory_table(trade, 2019, segment="aerospace", top=0)
    with pytest.raises(ValueError, match="lang"):
        tr.trajectory_table(trade, 2019, segment="aerospace", lang="de")
    with pytest.raises(ValueError, match="base_year"):
        tr.trajectory_table(trade, 2019, segment="aerospace", base_year=2019)
    with pytest.raises(ValueError, match="segments"):
        tr.resolve_segments(trade, ["armament"])


# ------------------------------------------------------------------------------------ invariants

# Export values in thousand USD: zero or a realistic amount (never a subnormal float, whose
# product with a currency factor underflows to zero and changes which regions export at all).
kusd = st.one_of(st.just(0.0), st.floats(1e-3, 1e6))
region_values = st.lists(
    st.tuples(kusd, kusd, st.floats(1, 1e6)),
    min_size=1,
    max_size=8,
)


def _random_trade(rows, scale=1.0):
    regions = {f"R{i}": amounts for i, amounts in enumerate(rows)}
    values = {2019: regions, 2018: regions}
    trade = make_trade(values, scale)
    # make sure the segment occurs even when every aerospace value drew 0
    extra = trade.iloc[[0]].assign(hs6="880000", group="aerospace", segment="aerospace")
    extra["value_usd"] = 0.0
    return pd.concat([trade, extra], ignore_index=True)


@settings(max_examples=60, deadline=None)
@given(region_values)
def test_shares_sum_to_100(rows):
    table = tr.trajectory_table(_random_trade(rows), 2019, segment="aerospace", region_names=False)
    assert table["region_share_of_country_export_pct"].sum() == pytest.approx(100.0)
    if table["export_kusd"].sum() > 0:
        assert table["region_share_of_group_export_pct"].sum() == pytest.approx(100.0)
        # the export-weighted mean of RCA is 1: Σ (X_r/X)·RCA_r = 1
        weights = table["region_share_of_country_export_pct"] / 100.0
        assert (weights * table["trajectory_index"]).sum() == pytest.approx(1.0)


def test_rca_table_hand_computed_in_thousandfold_units():
    # the table of test_rca_table_every_column with every export value x 1000: the same ratios
    table = tr.trajectory_table(
        make_trade(scale=1000.0), 2019, segment="aerospace", region_names=False
    )
    t = by_region(table)
    assert t["trajectory_index"].to_dict() == pytest.approx(
        {"A": 6.0, "B": 1.0, "C": 0.0, "D": 0.4}
    )
    assert t["region_share_of_country_export_pct"].to_dict() == pytest.approx(
        {"A": 10.0, "B": 20.0, "C": 20.0, "D": 50.0}
    )
    assert t["group_share_of_region_export_pct"].to_dict() == pytest.approx(
        {"A": 30.0, "B": 5.0, "C": 0.0, "D": 2.0}
    )
    assert t["region_share_of_group_export_pct"].to_dict() == pytest.approx(
        {"A": 60.0, "B": 20.0, "C": 0.0, "D": 20.0}
    )
    assert t["export_kusd"].to_dict() == pytest.approx(
        {"A": 300.0, "B": 100.0, "C": 0.0, "D": 100.0}
    )


# 30 examples (each builds two tables); the unit change is also checked by hand
# (test_rca_table_hand_computed_in_thousandfold_units)
@settings(max_examples=30, deadline=None)
@given(region_values, st.sampled_from([1e-3, 1e3, 7.5]))
def test_rca_unchanged_by_currency_units(rows, scale):
    usd = tr.trajectory_table(_random_trade(rows), 2019, segment="aerospace", region_names=False)
    scaled = tr.trajectory_table(
        _random_trade(rows, scale), 2019, segment="aerospace", region_names=False
    )
    for column in (
        "trajectory_index",
        "region_share_of_country_export_pct",
        "group_share_of_region_export_pct",
        "region_share_of_group_export_pct",
    ):
        np.testing.assert_allclose(
            by_region(scaled)[column].sort_index(),
            by_region(usd)[column].sort_index(),
            rtol=1e-9,
            atol=1e-12,
        )


# ------------------------------------------------------------------------------------- trends


def test_growth_trend_hand_computed():
    # region A doubles: 100, 200, 400 → slope ln 2, 100 % a year, zero residuals → CI collapses.
    # region B: ln X = 0, 1.1, 1.9, 3.2 in years 0..3 → x̄ = 1.5, ȳ = 1.55, Σdx·dy = 5.2, Σdx² = 5,
    #   b = 1.04, a = −0.01; residuals 0.01, 0.07, −0.17, 0.09 → SSR = 0.042, s² = 0.021,
    #   se(b) = √(0.021/5) = 0.0648074, t(0.975, 2) = 4.302653 → b ∈ [0.761159, 1.318841].
    # region C: two years only → too few years.
    rows = []
    for year, value in zip((2016, 2017, 2018), (100.0, 200.0, 400.0), strict=True):
        rows.append((year + 1, "A", value))
    for year, log_value in zip(range(2016, 2020), (0.0, 1.1, 1.9, 3.2), strict=True):
        rows.append((year, "B", 1000.0 * math.exp(log_value)))
    rows += [(2018, "C", 50.0), (2019, "C", 60.0)]
    trade = pd.DataFrame(rows, columns=["year", "region", "value_usd"]).assign(
        flow="export", group="aerospace", segment="aerospace"
    )
    out = tr.growth_trend(trade, segment="aerospace").set_index("region")
    assert out.loc["A", "rate_pct"] == pytest.approx(100.0)
    assert out.loc["A", "ci_low_pct"] == pytest.approx(100.0, abs=1e-6)
    assert out.loc["A", "n_years"] == 3 and out.loc["A", "flag"] == "ok"
    assert out.loc["B", "slope"] == pytest.approx(1.04)
    assert out.loc["B", "rate_pct"] == pytest.approx(100 * math.expm1(1.04))
    half = 4.302653 * math.sqrt(0.021 / 5)
    assert out.loc["B", "ci_low_pct"] == pytest.approx(100 * math.expm1(1.04 - half), rel=1e-5)
    assert out.loc["B", "ci_high_pct"] == pytest.approx(100 * math.expm1(1.04 + half), rel=1e-5)
    # fitted line in USD: exp(a + b·t) at 2016 is 1000·e^−0.01
    assert math.exp(out.loc["B", "intercept"] + 1.04 * 2016) == pytest.approx(
        1000 * math.exp(-0.01)
    )
    assert out.loc["C", "flag"] == "too_few_years" and np.isnan(out.loc["C", "rate_pct"])
    with pytest.raises(ValueError, match="min_years"):
        tr.growth_trend(trade, segment="aerospace", min_years=2)


# ------------------------------------------------------------------------ the published tables


def test_compare_with_published_and_index_reproduction(trade):
    names = {"Альфа": "A", "Бета": "B", "Дельта": "D"}
    rca = tr.trajectory_table(trade, 2019, segment="aerospace", region_names=False)
    rows = by_region(rca).loc[["A", "B", "D"]].reset_index()
    published = pd.DataFrame(
        {
            "segment": "aerospace",
            "rank": [1, 2, 3],
            "region_ru": list(names),
            "trajectory_index": rows["trajectory_index"].round(1),
            "export_kusd": rows["export_kusd"],
            "region_share_of_country_export_pct": rows["region_share_of_country_export_pct"],
            "group_share_of_region_export_pct": rows["group_share_of_region_export_pct"] * 1.1,
        }
    )
    cmp = a19.compare_with_published(rca, published, region_matcher=names.get)
    assert cmp["region"].tolist() == ["A", "B", "D"]
    assert cmp["rank_computed"].tolist() == [1, 2, 3]
    assert cmp["export_kusd_rel_diff_pct"].abs().max() == pytest.approx(0.0)
    # published group share is 10 % higher: computed/published − 1 = 1/1.1 − 1
    assert cmp["group_share_of_region_export_pct_rel_diff_pct"].tolist() == pytest.approx(
        [100 * (1 / 1.1 - 1)] * 3
    )
    repro = a19.index_reproduction(trade, published, 2019, region_matcher=names.get).set_index(
        "method"
    )
    assert repro.loc["rca", "reproduces"] and repro.loc["rca", "n_matched"] == 3
    assert not repro.loc["growth", "reproduces"]  # D is new: only A and B have a growth index
    assert repro.loc["growth", "n_matched"] == 2
    with pytest.raises(ValueError, match="no published rows"):
        a19.compare_with_published(rca, published, "pharmaceuticals", names.get)


# ----------------------------------------------------------------- several segments, outputs


def test_methods_agreement(trade):
    out = tr.methods_agreement(trade, 2019, "all", top=2)
    assert set(out["segment"]) == {"aerospace", "pharmaceuticals"}
    pair = out.loc[
        (out["segment"] == "aerospace")
        & (out["method_a"] == "rca")
        & (out["method_b"] == "rca_symmetric")
    ].iloc[0]
    assert pair["spearman"] == pytest.approx(1.0) and pair["top_overlap"] == 2


def test_compare_methods_columns(trade):
    wide = tr.compare_methods(trade, 2019, "aerospace").set_index("region")
    assert wide.loc["A", "growth"] == pytest.approx(2.0)
    assert wide.loc["A", "rca"] == pytest.approx(6.0)
    assert wide.loc["A", "rca_symmetric"] == pytest.approx(5 / 7)


def test_write_trajectory_tables(trade, tmp_path):
    tables = tr.trajectory_tables(trade, 2019, "all", region_names=False)
    assert list(tables) == ["aerospace", "pharmaceuticals"]
    written = tr.write_trajectory_tables(tables, 2019, "ru", note="note", out_dir=tmp_path)
    names = sorted(p.name for p in written["aerospace"])
    assert names == [f"trajectory_aerospace_2019.{ext}" for ext in ("csv", "md", "tex", "xlsx")]
    header = (
        (tmp_path / "trajectory_aerospace_2019.csv").read_text(encoding="utf-8").splitlines()[0]
    )
    assert header.startswith("№ п/п,Регион,Индекс высокотехнологичной экспортной траектории")
    first = (tmp_path / "trajectory_aerospace_2019.csv").read_bytes()
    tr.write_trajectory_tables(tables, 2019, "ru", note="note", out_dir=tmp_path)
    assert (tmp_path / "trajectory_aerospace_2019.csv").read_bytes() == first


def test_charts(trade):
    fig = plot_tr.trend_panels(trade, "aerospace", top=3, lang="ru")
    assert isinstance(fig, Figure)
    assert sum(ax.get_visible() for ax in fig.axes if ax.get_title()) == 3
    fig = plot_tr.methods_scatter(trade, 2019, "all", lang="en")
    assert isinstance(fig, Figure)
    assert "2019" in fig.get_suptitle()


def test_notebook_helpers(trade):
    tables = tr.trajectory_tables(trade, 2019, "all", region_names=False)
    shown = tr.combined_table(tables, "ru")
    assert shown.columns[0] == "Сегмент" and len(shown) == 8  # four regions × two segments
    trends = tr.growth_trends(trade, "all", top=2)
    assert set(trends["segment"]) == {"aerospace", "pharmaceuticals"}
    assert "Тренд" in tr.format_trends(trends, "ru").columns
    agreement = tr.format_agreement(tr.methods_agreement(trade, 2019), "ru")
    assert agreement.loc[0, "method_a"] == "Индекс роста"
    # synthetic data or a missing year: no comparison with the article
    assert a19.compare_if_real(trade, a19.load_published(), synthetic=True) is None
    assert a19.compare_if_real(trade, a19.load_published(), synthetic=False, year=2017) is None


def test_no_high_tech_export_gives_empty_tables_and_a_no_data_figure():
    # Grains only (real case: Brazilian states' grain and coffee exports): no segment at all.
    rows = [(2023, "A", "120190", "CN", "export", 10.0, None, None)]
    rows += [(2024, "A", "120190", "CN", "export", 12.0, None, None)]
    columns = ["year", "region", "hs6", "partner", "flow", "value_usd", "group", "segment"]
    grains = pd.DataFrame(rows, columns=columns)
    assert tr.resolve_segments(grains, "all") == []
    tables = tr.trajectory_tables(grains, 2024, "all")
    assert tables == {}
    combined = tr.combined_table(tables, "ru")
    assert combined.empty and combined.columns[0] == "Сегмент"
    assert tr.methods_agreement(grains, 2024).columns.tolist()[:3] == [
        "segment",
        "method_a",
        "method_b",
    ]
    assert tr.format_agreement(tr.methods_agreement(grains, 2024)).empty
    trends = tr.growth_trends(grains)
    assert trends.empty and tr.format_trends(trends).empty
    fig = plot_tr.methods_scatter(grains, 2024, lang="en")
    assert "No export of the high-tech segments" in fig.axes[0].texts[0].get_text()
    assert plot_tr.trend_figures(grains) == {}
