"""Diversification measures against hand-computed values on small fixtures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import diversification as dv


def _trade(rows: list[tuple[int, str, str, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["year", "region", "hs6", "partner", "value_usd"])
    df["flow"] = "export"
    df["netto_kg"] = np.nan
    return df


@pytest.fixture
def lines() -> pd.DataFrame:
    """R1: 2018 {a}, 2019 {a,b,c}, 2020 {a,b}, 2021 {b,c,d}; R2 stops exporting after 2019."""
    a, b, c, d, x, y = "010101", "020202", "030303", "040404", "050505", "060606"
    return _trade(
        [
            (2018, "R1", a, "CN", 10.0),
            (2019, "R1", a, "CN", 10.0),
            (2019, "R1", b, "DE", 5.0),
            (2019, "R1", c, "DE", 5.0),
            (2020, "R1", a, "CN", 10.0),
            (2020, "R1", b, "CN", 10.0),
            (2021, "R1", b, "CN", 6.0),
            (2021, "R1", c, "DE", 3.0),
            (2021, "R1", d, "KZ", 1.0),
            (2018, "R2", x, "US", 4.0),
            (2019, "R2", x, "US", 4.0),
            (2019, "R2", y, "US", 4.0),
        ]
    )


def test_hhi_hand_values():
    assert dv.hhi([3, 1]) == pytest.approx(0.75**2 + 0.25**2)  # 0.625
    assert dv.hhi([5]) == 1.0
    assert math.isnan(dv.hhi([0, 0]))
    with pytest.raises(ValueError, match="non-negative"):
        dv.hhi([1, -1])


def test_concentration_products_and_partners(lines):
    products = dv.concentration(lines, "hs6").set_index(["region", "year"])
    # R1 2019: a 10, b 5, c 5 of 20 -> 0.5² + 0.25² + 0.25² = 0.375
    assert products.loc[("R1", 2019), "hhi"] == pytest.approx(0.375)
    assert products.loc[("R1", 2019), "n_active"] == 3
    partners = dv.concentration(lines, "partner").set_index(["region", "year"])
    # R1 2021: CN 6, DE 3, KZ 1 of 10 -> 0.36 + 0.09 + 0.01 = 0.46
    assert partners.loc[("R1", 2021), "hhi"] == pytest.approx(0.46)
    # R2 stopped exporting: the region-year is there with no active line
    assert products.loc[("R2", 2020), "n_active"] == 0
    assert math.isnan(products.loc[("R2", 2021), "hhi"])


def test_theil_hand_values():
    # x = (3, 1, 0, 0), n = 4, mu = 1: T = (3 ln 3 + 1 ln 1)/4 = 0.75 ln 3
    parts = dv.theil([3.0, 1.0, 0.0, 0.0])
    assert parts.total == pytest.approx(0.75 * math.log(3))
    # between = ln(n / n_active) = ln 2
    assert parts.between == pytest.approx(math.log(2))
    # within over active lines, mu_a = 2: (1.5 ln 1.5 + 0.5 ln 0.5) / 2
    assert parts.within == pytest.approx((1.5 * math.log(1.5) + 0.5 * math.log(0.5)) / 2)
    assert parts.total == pytest.approx(parts.between + parts.within)
    assert (parts.n_active, parts.n_universe) == (2, 4)


def test_theil_equal_lines_and_errors():
    assert dv.theil([2.0, 2.0]).total == pytest.approx(0.0)
    assert math.isnan(dv.theil([0.0, 0.0]).total)
    with pytest.raises(ValueError, match="smaller"):
        dv.theil([1.0, 2.0, 3.0], n_universe=2)


def test_theil_decomposition_table(lines):
    table = dv.theil_decomposition(lines).set_index(["region", "year"])
    # universe: six HS6 codes exported by anyone in any year
    assert (table["n_universe"] == 6).all()
    # R1 2019: a 10, b 5, c 5, three inactive; mu = 20/6
    x = np.array([10.0, 5.0, 5.0])
    mu = 20 / 6
    expected = np.sum(x / mu * np.log(x / mu)) / 6
    assert table.loc[("R1", 2019), "theil"] == pytest.approx(expected)
    assert table.loc[("R1", 2019), "theil_between"] == pytest.approx(math.log(6 / 3))
    assert math.isnan(table.loc[("R2", 2021), "theil"])
    with pytest.raises(ValueError, match="outside the universe"):
        dv.theil_decomposition(lines, universe=["010101"])
    assert dv.theil_decomposition(lines, universe=100)["n_universe"].iloc[0] == 100


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e9)),
        min_size=1,
        max_size=30,
    ),
    st.integers(min_value=0, max_value=20),
    st.floats(min_value=1e-3, max_value=1e3),
)
def test_theil_parts_add_up_and_ignore_units(values, extra, scale):
    parts = dv.theil(values, n_universe=len(values) + extra)
    if parts.n_active == 0:
        return
    assert parts.total == pytest.approx(parts.between + parts.within, abs=1e-9)
    scaled = dv.theil([v * scale for v in values], n_universe=len(values) + extra)
    assert scaled.total == pytest.approx(parts.total, abs=1e-9)
    assert dv.hhi([v * scale for v in values]) == pytest.approx(dv.hhi(values))


def test_survival_hand_values(lines):
    surv = dv.survival(lines).set_index(["region", "year"])
    # first year: no cohort
    assert math.isnan(surv.loc[("R1", 2018), "new_lines"])
    # R1 2019 cohort: new {b, c}; 2020 {a, b}: b survives 1 year -> 1/2;
    # b also in 2021 -> continuous 2-year survival 1/2 (c is back in 2021 but missed 2020)
    assert surv.loc[("R1", 2019), "new_lines"] == 2
    assert surv.loc[("R1", 2019), "survival_1"] == pytest.approx(0.5)
    assert surv.loc[("R1", 2019), "survival_2"] == pytest.approx(0.5)
    assert math.isnan(surv.loc[("R1", 2019), "survival_3"])  # 2022 beyond the data
    # R1 2020: a and b were exported in 2019: no new line
    assert surv.loc[("R1", 2020), "new_lines"] == 0
    assert math.isnan(surv.loc[("R1", 2020), "survival_1"])
    # R1 2021: new {c, d}
    assert surv.loc[("R1", 2021), "new_lines"] == 2
    # R2 stopped exporting: its 2019 new line y is gone in 2020
    assert surv.loc[("R2", 2019), "survival_1"] == 0.0
    assert surv.loc[("R2", 2020), "new_lines"] == 0
    # not continuous: in 2021 both b and c are exported -> 2/2
    loose = dv.survival(lines, continuous=False).set_index(["region", "year"])
    assert loose.loc[("R1", 2019), "survival_2"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="positive"):
        dv.survival(lines, horizons=(0,))


def test_diversification_table_columns(lines):
    table = dv.diversification_table(lines)
    assert len(table) == 2 * 4
    assert set(dv.LABELS) >= set(table.columns)
    row = table.set_index(["region", "year"]).loc[("R1", 2021)]
    assert row["n_products"] == 3 and row["n_partners"] == 3


def test_missing_columns_are_reported(lines):
    with pytest.raises(ValueError, match="hs6"):
        dv.concentration(lines.drop(columns="hs6"))


def test_plot_diversification(lines):
    import matplotlib.pyplot as plt

    from exportlab.plot import diversification as plot_dv

    fig = plot_dv.diversification_panels(dv.diversification_table(lines), ["R1", "R2"], lang="ru")
    assert len(fig.axes) == 3
    assert fig.axes[0].get_title().startswith("Индекс Тейла")
    plt.close(fig)
    with pytest.raises(ValueError, match="not in"):
        plot_dv.diversification_panels(dv.diversification_table(lines), ["R9"])


def test_resource_structure_table_hand_computed():
    # RU-TA: 6 MUSD, 3 energy + 1.5 raw + 1.5 NNE; RU-MOW: 2 MUSD, all NNE; XX-01 unknown to the
    # reference: no name, its row kept
    shares = pd.DataFrame(
        {
            "total_usd": [6e6, 2e6, 1e6],
            "energy_share": [0.5, 0.0, 0.1],
            "raw_share": [0.25, 0.0, 0.0],
            "resource_share": [0.75, 0.0, 0.1],
            "nne_share": [0.25, 1.0, 0.9],
        },
        index=pd.Index(["RU-TA", "RU-MOW", "XX-01"], name="region"),
    )
    out = dv.resource_structure_table(shares, "ru")
    assert out.columns.tolist() == list(dv.RESOURCE_HEADERS)
    assert out["region"].iloc[0] == "Республика Татарстан" and out["region"].iloc[2] == "Москва"
    assert out["total_usd"].tolist() == pytest.approx([6.0, 1.0, 2.0])  # least NNE first
    assert out["energy_share"].tolist() == pytest.approx([50.0, 10.0, 0.0])
    assert out["raw_share"].tolist() == pytest.approx([25.0, 0.0, 0.0])
    assert out["nne_share"].tolist() == pytest.approx([25.0, 90.0, 100.0])
    assert out["region"].isna().tolist() == [False, True, False]
    # the same rows when region is a column (classify.resource_share's own layout)
    pd.testing.assert_frame_equal(dv.resource_structure_table(shares.reset_index(), "ru"), out)
