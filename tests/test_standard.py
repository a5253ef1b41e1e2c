"""Regional Export Standard: targets, scorecard, plan-graph, KPI system and partner groups."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import standard as sd
from exportlab.plot import standard as plot_standard

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def _trade(rows, columns=("year", "region", "hs6", "partner", "value_usd", "resource", "group")):
    df = pd.DataFrame(rows, columns=list(columns))
    df["flow"] = "export"
    df["netto_kg"] = np.nan
    return df


@pytest.fixture
def trade() -> pd.DataFrame:
    """R1 grows, R2 is diversified, R3 stops exporting after the base year 2020."""
    rows = [
        # R1 2020: NNE = 60 (XVII) + 30 (XVI) + 10 (I) = 100; energy 100 to CN
        (2020, "R1", "870323", "DE", 60.0, "nne", None),
        (2020, "R1", "840999", "CN", 30.0, "nne", None),
        (2020, "R1", "010121", "KZ", 10.0, "nne", None),
        (2020, "R1", "270900", "CN", 100.0, "energy", None),
        # R1 2021: NNE = 50 + 40 + 15 + 5 (IX, to IN) = 110
        (2021, "R1", "870323", "DE", 50.0, "nne", None),
        (2021, "R1", "840999", "CN", 40.0, "nne", None),
        (2021, "R1", "010121", "KZ", 15.0, "nne", None),
        (2021, "R1", "440710", "IN", 5.0, "nne", None),
        (2021, "R1", "270900", "CN", 200.0, "energy", None),
        # R3 2020 only
        (2020, "R3", "300490", "US", 50.0, "nne", "pharmacy"),
    ]
    # R2: seven sections, 20, 20, 20, 15, 15, 15, 15 = 120 in both years; one partner is "NNN"
    r2 = [("010121", 20), ("060110", 20), ("160100", 20), ("300490", 15), ("720810", 15)]
    r2 += [("850440", 15), ("870323", 15)]
    for year in (2020, 2021):
        for i, (hs6, value) in enumerate(r2):
            partner = "NNN" if i == 0 else ("TR" if i % 2 else "AE")
            rows.append((year, "R2", hs6, partner, float(value), "nne", None))
    return _trade(rows)


@pytest.fixture
def sme() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["R1", "R1", "R1"],
            "year": [2020, 2021, 2021],
            "indicator": ["sme_exporters", "sme_exporters", "sme_nne_export_usd"],
            "value": [10.0, 12.0, 11.0],
        }
    )


def _value(table: pd.DataFrame, region: str, year: int, indicator: str) -> float:
    rows = table[(table["region"] == region) & (table["year"] == year)]
    return float(rows.set_index("indicator").loc[indicator, "value"])


# --- package data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["res_strategic_targets.csv", "res_implementation_plan.csv", "hightech_kpi_system.csv"]
)
def test_package_data_are_copies_of_the_reference(name):
    shipped = sd._data_path(name)
    assert shipped.with_suffix(".md").is_file()
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is absent")
    assert shipped.read_bytes() == (REFERENCE / name).read_bytes()


def test_instruments_table_matches_ids():
    table = sd.load_instruments()
    assert tuple(table["id"]) == sd.INSTRUMENTS
    assert len(sd.INSTRUMENTS) == 15
    assert table["name_ru"].str.len().min() > 10


def test_strategic_targets_and_target_for():
    targets = sd.load_strategic_targets()
    assert targets.loc["nne_export_growth_vs_2020", 2030] == 170
    assert sd.target_for("nne_export_growth_vs_2020", 2021) == pytest.approx(103.8)
    assert math.isnan(sd.target_for("export_geography_expansion", 2020))  # "base"
    assert sd.target_for("top5_industries_share_in_nne_export", 2035) == 75  # last target kept
    assert math.isnan(sd.target_for("nne_export_growth_vs_2020", 2019))
    with pytest.raises(KeyError, match="unknown target"):
        sd.target_for("no_such_indicator", 2021)


def test_industry_of():
    codes = pd.Series(["010121", "270900", "870323", "970110", "999999"])
    assert sd.industry_of(codes).tolist() == ["I", "V", "XVII", "XXI", "other"]
    assert sd.industry_of(codes, "chapter").tolist() == ["01", "27", "87", "97", "99"]
    with pytest.raises(ValueError, match="industry_level"):
        sd.industry_of(codes, "heading")  # type: ignore[arg-type]


# --- strategic targets -------------------------------------------------------------------------


def test_target_values_hand_computed(trade, sme):
    values = sd.target_values(trade, base_year=2020, indicators=sme)
    # base year: growth 100 %, geography progress 0
    assert _value(values, "R1", 2020, "nne_export_growth_vs_2020") == pytest.approx(100.0)
    assert _value(values, "R1", 2020, "export_geography_expansion") == pytest.approx(0.0)
    # 2021: NNE 110 / 100
    assert _value(values, "R1", 2021, "nne_export_growth_vs_2020") == pytest.approx(110.0)
    # countries 3 -> 4: (4 - 3) / (100 - 3)
    assert _value(values, "R1", 2021, "export_countries") == 4
    assert _value(values, "R1", 2021, "export_geography_expansion") == pytest.approx(100 / 97)
    # leading section XVII: 50 / 110; four sections = the whole NNE export
    assert _value(values, "R1", 2021, "leading_industry_share_in_nne_export") == pytest.approx(
        100 * 50 / 110
    )
    assert _value(values, "R1", 2021, "top5_industries_share_in_nne_export") == pytest.approx(100)
    # HS6 lines of all export (energy included): 4 -> 5
    assert _value(values, "R1", 2021, "hs6_product_positions_growth_vs_2020") == pytest.approx(125)
    # SME: exporters 12 / 10, share 11 / 110
    assert _value(values, "R1", 2021, "sme_nne_exporters_growth_vs_2020") == pytest.approx(120)
    assert _value(values, "R1", 2021, "sme_share_in_nne_export") == pytest.approx(10)
    # R2: leading 20 / 120, top five 90 / 120; NNN is not a country
    assert _value(values, "R2", 2021, "leading_industry_share_in_nne_export") == pytest.approx(
        100 * 20 / 120
    )
    assert _value(values, "R2", 2021, "top5_industries_share_in_nne_export") == pytest.approx(75)
    assert _value(values, "R2", 2021, "export_countries") == 2


def test_region_that_stopped_exporting(trade):
    values = sd.target_values(trade)
    assert _value(values, "R3", 2021, "nne_export_growth_vs_2020") == 0.0
    # one country in 2020, none in 2021: (0 - 1) / 99
    assert _value(values, "R3", 2021, "export_geography_expansion") == pytest.approx(-100 / 99)
    assert math.isnan(_value(values, "R3", 2021, "leading_industry_share_in_nne_export"))
    assert _value(values, "R3", 2021, "hs6_product_positions_growth_vs_2020") == 0.0


def test_chapter_level_changes_industries(trade):
    values = sd.target_values(trade, industry_level="chapter")
    # R2 chapters 01, 06, 16, 30, 72, 85, 87: same split as sections here
    assert _value(values, "R2", 2021, "top5_industries_share_in_nne_export") == pytest.approx(75)
    # R1 2021 chapters 87, 84, 01, 44 -> leading 50 / 110
    assert _value(values, "R1", 2021, "leading_industry_share_in_nne_export") == pytest.approx(
        100 * 50 / 110
    )


def test_targets_need_the_classified_table(trade):
    with pytest.raises(ValueError, match="resource"):
        sd.target_values(trade.drop(columns="resource"))


def test_geography_when_base_has_100_countries():
    partners = [f"{a}{b}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJK"][:101]
    rows = [(2020, "R", "870323", p, 1.0, "nne", None) for p in partners]
    rows += [(2021, "R", "870323", p, 1.0, "nne", None) for p in partners[:95]]
    values = sd.target_values(_trade(rows))
    assert _value(values, "R", 2020, "export_geography_expansion") == 100
    assert _value(values, "R", 2021, "export_geography_expansion") == 95


# --- scorecard ---------------------------------------------------------------------------------


def test_scorecard_statuses(trade, sme):
    card = sd.scorecard(sd.target_values(trade, indicators=sme), 2021).set_index(
        ["region", "indicator"]
    )
    status = card["status"]
    assert status["R1", "nne_export_growth_vs_2020"] == "met"  # 110 >= 103.8
    assert status["R1", "export_geography_expansion"] == "not_met"  # 1.03 < 12
    assert status["R1", "leading_industry_share_in_nne_export"] == "not_met"  # 45.5 not < 40
    assert status["R1", "top5_industries_share_in_nne_export"] == "not_met"  # 100 not < 85
    assert status["R1", "hs6_product_positions_growth_vs_2020"] == "met"  # 125 >= 105
    assert status["R1", "sme_nne_exporters_growth_vs_2020"] == "met"  # 120 >= 110
    assert status["R1", "sme_share_in_nne_export"] == "met"  # 10 >= 10
    assert status["R2", "top5_industries_share_in_nne_export"] == "met"  # 75 < 85
    assert status["R2", "nne_export_growth_vs_2020"] == "not_met"  # 100 < 103.8
    assert status["R2", "sme_share_in_nne_export"] == "no_data"
    assert status["R3", "leading_industry_share_in_nne_export"] == "no_data"
    assert card.loc[("R1", "leading_industry_share_in_nne_export"), "comparison"] == "<"


def test_scorecard_without_sme_and_base_year(trade):
    card = sd.scorecard(sd.target_values(trade), 2020)
    sme_rows = card[card["indicator"].str.startswith("sme_")]
    assert len(sme_rows) == 3 * 2 and (sme_rows["status"] == "no_data").all()
    geography = card[card["indicator"] == "export_geography_expansion"]
    assert (geography["status"] == "no_target").all()
    # base year: 100 % of itself meets the 100 % target
    growth = card[(card["indicator"] == "nne_export_growth_vs_2020") & (card["region"] == "R1")]
    assert growth["status"].item() == "met"


def test_rank_regions(trade, sme):
    card = sd.scorecard(sd.target_values(trade, indicators=sme), 2021)
    ranking = sd.rank_regions(card).set_index("region")
    # R1 meets 4 of 7; R2 meets leading + top5 = 2 of 5 assessed; R3: 0 of 4
    assert ranking.loc["R1", "targets_met"] == 4 and ranking.loc["R1", "rank"] == 1
    assert ranking.loc["R2", "targets_met"] == 2 and ranking.loc["R2", "targets_assessed"] == 5
    assert ranking.loc["R3", "targets_met"] == 0 and ranking.loc["R3", "rank"] == 3
    assert ranking.loc["R2", "share_met"] == pytest.approx(40)


def test_localize_and_heatmap(trade):
    import matplotlib.pyplot as plt

    card = sd.scorecard(sd.target_values(trade), 2021)
    shown = sd.localize_card(card, "ru")
    assert "нет данных" in set(shown["status"])
    assert shown["indicator_name"].str.contains("ННЭ|экспорт", regex=True).any()
    fig = plot_standard.scorecard_heatmap(card, lang="ru", title="Карта целей")
    assert fig.axes[0].get_title() == "Карта целей"
    plt.close(fig)


# --- plan-graph --------------------------------------------------------------------------------


def _plan_steps():
    plan = sd.load_implementation_plan()
    previous = 0
    for due, minimum in zip(plan["due"], plan["instruments_implemented_min"], strict=True):
        yield due, previous, int(minimum)
        previous = int(minimum)


@pytest.mark.parametrize(("due", "before", "at"), list(_plan_steps()))
def test_plan_graph_around_each_threshold(due, before, at):
    month, day = (int(p) for p in due.split("-"))
    date = dt.date(2021, month, day)
    assert sd.required_instruments(date - dt.timedelta(days=1)) == before
    assert sd.required_instruments(date) == at
    assert sd.required_instruments(pd.Timestamp(date) + pd.Timedelta(hours=12)) == at


def test_plan_graph_year_start_and_end():
    assert sd.required_instruments("2021-01-01") == 0
    assert sd.required_instruments("2021-12-30") == 9
    assert sd.required_instruments("2021-12-31") == 11


@pytest.fixture
def implementation() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["R1"] * 5 + ["R2"],
            "instrument": list(sd.INSTRUMENTS[:5]) + ["export_strategy"],
            "implemented_on": [
                "2021-01-15",
                "2021-03-01",
                "2021-06-01",
                "2021-08-31",
                "2021-09-01",
                "2020-05-01",
            ],
        }
    )


@pytest.mark.parametrize(
    ("date", "r1_done", "required", "r1_status"),
    [
        ("2021-01-31", 1, 0, "met"),
        ("2021-02-01", 1, 2, "not_met"),
        ("2021-03-01", 2, 2, "met"),
        ("2021-05-31", 2, 2, "met"),
        ("2021-06-01", 3, 3, "met"),
        ("2021-07-01", 3, 4, "not_met"),
        ("2021-08-31", 4, 4, "met"),
        ("2021-09-01", 5, 5, "met"),
        ("2021-10-01", 5, 7, "not_met"),
    ],
)
def test_check_implementation(implementation, date, r1_done, required, r1_status):
    result = sd.check_implementation(implementation, date).set_index("region")
    assert result.loc["R1", "implemented"] == r1_done
    assert result.loc["R1", "required"] == required
    assert result.loc["R1", "status"] == r1_status


def test_check_implementation_windows_and_next_due(implementation):
    cumulative = sd.check_implementation(implementation, "2021-02-01", regions=["R1", "R2", "R9"])
    cumulative = cumulative.set_index("region")
    assert cumulative.loc["R2", "implemented"] == 1  # implemented in 2020, still counts
    assert cumulative.loc["R9", "implemented"] == 0
    assert cumulative.loc["R1", "next_due"] == pd.Timestamp("2021-06-01")
    assert cumulative.loc["R1", "next_required"] == 3
    yearly = sd.check_implementation(implementation, "2021-02-01", window="year")
    assert yearly.set_index("region").loc["R2", "implemented"] == 0
    end = sd.check_implementation(implementation, "2021-12-31")
    assert end["next_due"].isna().all()
    with pytest.raises(ValueError, match="window"):
        sd.check_implementation(implementation, "2021-12-31", window="month")  # type: ignore[arg-type]


def test_bad_implementation_tables(implementation):
    bad = implementation.copy()
    bad.loc[0, "instrument"] = "export_spaceport"
    with pytest.raises(ValueError, match="unknown instrument id.*export_spaceport"):
        sd.read_implementation(bad)
    bad = implementation.copy()
    bad.loc[2, "implemented_on"] = "first of June"
    with pytest.raises(ValueError, match=r"not an ISO date .*\[2\]"):
        sd.read_implementation(bad)
    with pytest.raises(ValueError, match="lacks column"):
        sd.read_implementation(implementation.drop(columns="implemented_on"))
    with pytest.raises(ValueError, match="not a date"):
        sd.required_instruments("soon")


def test_template_round_trip(tmp_path):
    paths = sd.write_implementation_template(["R1", "R2"], tmp_path)
    assert {p.suffix for p in paths} == {".csv", ".xlsx"}
    template = pd.read_csv(tmp_path / "res_implementation_template.csv", dtype=str)
    assert len(template) == 30
    assert sd.read_implementation(template).empty  # nothing filled in yet
    template.loc[0, "implemented_on"] = "2021-03-15"
    template.to_csv(tmp_path / "filled.csv", index=False)
    filled = sd.read_implementation(tmp_path / "filled.csv")
    assert filled["instrument"].tolist() == ["export_strategy"]
    xlsx = sd.read_implementation(tmp_path / "res_implementation_template.xlsx")
    assert xlsx.empty


# --- KPI system --------------------------------------------------------------------------------


@pytest.fixture
def kpi_trade() -> pd.DataFrame:
    return _trade(
        [
            (2020, "R1", "880240", "IN", 40.0, "nne", "aerospace"),
            (2020, "R1", "841182", "CN", 10.0, "nne", None),
            (2020, "R1", "270900", "CN", 50.0, "energy", None),
            (2021, "R1", "880240", "IN", 60.0, "nne", "aerospace"),
            (2021, "R1", "841182", "CN", 20.0, "nne", None),
            (2021, "R1", "270900", "CN", 120.0, "energy", None),
            (2021, "R2", "270900", "CN", 10.0, "energy", None),
        ]
    )


@pytest.fixture
def kpi_indicators() -> pd.DataFrame:
    rows = [
        ("R1", 2021, "sme_nne_export_usd", 20.0),
        ("R1", 2021, "rnd_it_export_usd", 10.0),
        ("R1", 2021, "grp_rub", 7000.0),
        ("R1", 2021, "shipped_output_rub", 42000.0),
        ("R1", 2021, "innovative_output_rub", 4200.0),
        ("R1", 2020, "budget_revenue_rub", 1000.0),
        ("R1", 2021, "budget_revenue_rub", 1100.0),
        ("R1", 2021, "sales_revenue_rub", 20000.0),
        ("R2", 2021, "sales_revenue_rub", 22000.0),
    ]
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])


def test_kpi_values_hand_computed(kpi_trade, kpi_indicators):
    values = sd.kpi_values(
        kpi_trade,
        2021,
        kpi_indicators,
        fx_rate={2021: 70.0},
        world_power_growth_pct={2021: 110.0},
    )
    v = values[values["region"] == "R1"].set_index("indicator")["value"]
    assert v["nne_share_in_export"] == pytest.approx(40)  # 80 / 200
    assert v["sme_share_in_nne_export"] == pytest.approx(25)  # 20 / 80
    assert v["rnd_it_export_share_in_grp"] == pytest.approx(10)  # 10·70 / 7000
    assert v["hightech_export_share_in_shipped_output"] == pytest.approx(10)  # 60·70 / 42000
    assert v["hightech_export_share_in_innovative_output"] == pytest.approx(100)  # 4200 / 4200
    assert v["power_engineering_share_in_export"] == pytest.approx(10)  # 20 / 200
    assert v["hightech_export_share_in_country_sales"] == pytest.approx(10)  # 4200 / 42000
    assert math.isnan(v["rnd_it_export_share_in_costs"])  # no production costs
    assert v["hightech_growth_vs_budget_revenue"] == pytest.approx(100 * 1.5 / 1.1)
    assert v["power_engineering_growth_vs_world"] == pytest.approx(100 * 2 / 1.1)
    card = sd.kpi_scorecard(values).set_index(["region", "indicator"])["status"]
    assert card["R1", "nne_share_in_export"] == "not_met"  # 40 < 50
    assert card["R1", "hightech_export_share_in_shipped_output"] == "met"  # 10 in [10, 15]
    assert card["R1", "hightech_export_share_in_country_sales"] == "met"  # 10 in [10, 30]
    assert card["R1", "power_engineering_share_in_export"] == "not_met"
    assert card["R1", "rnd_it_export_share_in_costs"] == "no_data"
    assert card["R2", "hightech_growth_vs_budget_revenue"] == "no_data"


def test_kpi_without_optional_inputs(kpi_trade):
    values = sd.kpi_values(kpi_trade, 2021)
    card = sd.kpi_scorecard(values)
    r1 = card[card["region"] == "R1"].set_index("indicator")["status"]
    assert r1["nne_share_in_export"] == "not_met"
    assert r1["power_engineering_share_in_export"] == "not_met"
    assert (
        r1.drop(["nne_share_in_export", "power_engineering_share_in_export"]) == "no_data"
    ).all()
    assert list(card[card["region"] == "R1"]["indicator"]) == list(sd.load_kpi_system()["id"])


def test_kpi_upper_bound():
    system = sd.load_kpi_system()
    values = pd.DataFrame(
        {
            "region": ["A", "B"],
            "year": 2021,
            "indicator": "hightech_export_share_in_shipped_output",
            "value": [15.0, 15.01],
        }
    )
    status = sd.kpi_scorecard(values, system).set_index("region")["status"]
    assert status["A"] == "met" and status["B"] == "not_met"


# --- partner groups and reorientation ----------------------------------------------------------


def test_shipped_partner_groups_equal_the_build():
    assert sd.load_partner_groups() == sd.build_partner_groups()


def test_partner_groups_are_disjoint_and_cover_iso():
    import pycountry

    mapping = sd.partner_group_map()  # raises on a code in two groups
    assert {c.alpha_2 for c in pycountry.countries} <= set(mapping)
    assert set(sd.load_partner_groups()["groups"]) == set(sd.PARTNER_GROUPS)
    assert (
        mapping["CN"] == "china" and mapping["RU"] == "eaeu_cis" and mapping["IN"] == "other_brics"
    )
    assert mapping["DE"] == "eu" and mapping["EU"] == "eu" and mapping["US"] == "west"
    assert mapping["GB"] == "west" and mapping["AE"] == "mena" and mapping["VN"] == "asia_pacific"
    assert mapping["NNN"] == "unspecified" and mapping["NG"] == "rest_of_world"


def test_uncovered_partners_are_reported(tmp_path):
    assert sd.uncovered_partners(["CN", "DE", "Q1", "NNN"]) == ["Q1"]
    with pytest.warns(UserWarning, match="Q1"):
        groups = sd.assign_partner_groups(pd.Series(["CN", "Q1"]))
    assert groups.tolist() == ["china", "uncovered"]
    shutil.copy(sd._data_path("partner_groups.yaml"), tmp_path / "g.yaml")
    assert sd.load_partner_groups(tmp_path / "g.yaml")["groups"]["china"]["members"] == [
        "CN",
        "HK",
        "MO",
    ]
    broken = {"groups": {"a": {"members": ["CN"]}, "b": {"members": ["CN"]}}}
    with pytest.raises(ValueError, match="CN"):
        sd.partner_group_map(broken)


def test_reorientation_country_and_regions(trade):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every partner of the fixture is in a group
        country = sd.reorientation_shares(trade)
    share = country.set_index(["year", "group"])["share"]
    # 2020 country total: R1 200 + R2 120 + R3 50 = 370; China: R1 30 + 100 = 130
    assert share[2020, "china"] == pytest.approx(130 / 370)
    assert share[2020, "eu"] == pytest.approx(60 / 370)
    assert share[2020, "unspecified"] == pytest.approx(20 / 370)
    assert share[2020, "west"] == pytest.approx(50 / 370)
    regions = sd.reorientation_shares(trade, level="region")
    wide = sd.reorientation_map_table(regions, 2021).set_index("region")
    assert wide.loc["R1", "other_brics"] == pytest.approx(5 / 310)
    assert wide.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert "R3" not in wide.index  # no export in 2021
    with pytest.raises(ValueError, match="no reorientation"):
        sd.reorientation_map_table(regions, 1999)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["CN", "DE", "US", "KZ", "IN", "AE", "VN", "NG", "NNN"]),
            st.floats(min_value=0.01, max_value=1e9),
        ),
        min_size=1,
        max_size=20,
    ),
    st.floats(min_value=1e-3, max_value=1e3),
)
def test_group_shares_sum_to_one_and_ignore_units(rows, scale):
    trade = _trade([(2021, "R", "870323", p, v, "nne", None) for p, v in rows])
    shares = sd.reorientation_shares(trade)
    assert shares["share"].sum() == pytest.approx(1.0)
    scaled = sd.reorientation_shares(trade.assign(value_usd=trade["value_usd"] * scale))
    assert scaled["share"].to_numpy() == pytest.approx(shares["share"].to_numpy())


def test_partner_concentration_and_plot(trade):
    import matplotlib.pyplot as plt

    conc = sd.partner_concentration(trade).set_index("year")
    # 2021: DE, CN, KZ, IN (R1), TR, AE (R2); the special code NNN is not a country
    assert conc.loc[2021, "n_partners"] == 6
    # 2021: DE 50, CN 40+200, KZ 15, IN 5; R2 without NNN: TR 20+15+15, AE 20+15+15; total 410
    expected = sum((v / 410) ** 2 for v in (50, 240, 15, 5, 50, 50))
    assert conc.loc[2021, "partner_hhi"] == pytest.approx(expected)
    fig = plot_standard.reorientation_area(sd.reorientation_shares(trade), lang="ru")
    assert fig.axes[0].get_ylabel() == "Доля в экспорте, %"
    plt.close(fig)


def test_scorecard_without_the_base_year_says_so(trade):
    # The data start in 2021: base year 2020 absent. Growth targets (pct_of_2020) and the geography
    # progress read "no_base_year"; the concentration targets are still assessed (R1 2021: the leading
    # section XVII holds 50 of 110 NNE = 45.5 % >= 40 % -> not met).
    later = trade[trade["year"] > 2020]
    values = sd.target_values(later, base_year=2020)
    card = sd.scorecard(values, 2021, base_year=2020).set_index(["region", "indicator"])
    assert card.loc[("R1", "nne_export_growth_vs_2020"), "status"] == "no_base_year"
    assert card.loc[("R1", "hs6_product_positions_growth_vs_2020"), "status"] == "no_base_year"
    assert card.loc[("R1", "export_geography_expansion"), "status"] == "no_base_year"
    assert card.loc[("R1", "leading_industry_share_in_nne_export"), "status"] == "not_met"
    assert card.loc[("R1", "sme_share_in_nne_export"), "status"] == "no_data"  # no SME table
    ranked = sd.rank_regions(card.reset_index()).set_index("region")
    assert ranked.loc["R1", "targets_assessed"] == 2  # only the two concentration targets
    assert sd.base_year_note(values, 2020).startswith(
        "No base-year data: 2020 is not in the data (2021"
    )
    assert sd.base_year_note(sd.target_values(trade), 2020) == ""
    assert "нет данных за базовый год" in set(sd.localize_card(card.reset_index(), "ru")["status"])
    with_base = sd.scorecard(sd.target_values(trade), 2021, base_year=2020)
    assert "no_base_year" not in set(with_base["status"])


def test_missing_implementation_table_is_no_data(tmp_path):
    assert sd.read_implementation(tmp_path / "absent.csv", missing_ok=True) is None
    assert sd.read_implementation(None, missing_ok=True) is None
    assert sd.read_implementation("", missing_ok=True) is None
    with pytest.raises(FileNotFoundError):
        sd.read_implementation(tmp_path / "absent.csv")
    with pytest.raises(ValueError, match="no implementation table"):
        sd.read_implementation(None)
