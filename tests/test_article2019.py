"""Tests of exportlab.article2019: the published 2019 tables of the high-tech export paper and their checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from exportlab import article2019 as a19
from exportlab.plot import trajectory as plot_tr


def test_load_published():
    pub = a19.load_published()
    assert len(pub) == 36
    assert set(pub["segment"]) == {
        "aerospace",
        "computers_electrical_instruments",
        "electronics_telecom",
        "pharmaceuticals",
    }
    novosibirsk = pub.loc[
        (pub["segment"] == "computers_electrical_instruments")
        & (pub["region_ru"] == "Новосибирская область")
    ].iloc[0]
    assert novosibirsk["trajectory_index"] == 16.7 and novosibirsk["export_kusd"] == 116784.5
    # "2.0" has one decimal, "0.001" three, "1" none
    sverdlovsk = pub.loc[(pub["segment"] == "aerospace") & (pub["rank"] == 5)].iloc[0]
    assert sverdlovsk["region_share_of_country_export_pct_decimals"] == 1
    irkutsk = pub.loc[(pub["segment"] == "aerospace") & (pub["rank"] == 2)].iloc[0]
    assert irkutsk["group_share_of_region_export_pct_decimals"] == 3


def test_published_consistency_hand_computed():
    pub = a19.load_published()
    out = a19.published_consistency(pub, reference_busd=420.0)
    row = out.loc[
        (out["segment"] == "computers_electrical_instruments")
        & (out["region_ru"] == "Новосибирская область")
    ].iloc[0]
    # 116 784.5 kUSD is 4.8 % of the region's export → 2 433.01 mUSD, which is 0.6 % of the country's
    assert row["implied_region_export_musd"] == pytest.approx(116784.5 / 0.048 / 1000)
    assert row["implied_country_export_busd"] == pytest.approx(116784.5 / 0.048 / 0.006 / 1e6)
    # rounding: 4.75–4.85 % and 0.55–0.65 % → 370.4 … 447.0 bn USD, contains 420
    assert row["implied_low_busd"] == pytest.approx(116784.5 / 0.0485 / 0.0065 / 1e6)
    assert row["implied_high_busd"] == pytest.approx(116784.5 / 0.0475 / 0.0055 / 1e6)
    assert row["consistent"]
    # Nizhny Novgorod prints 0.4 % of the country's export in Table 3 and 1.1 % in Table 5
    nn = out.loc[out["region_ru"] == "Нижегородская область", "region_share_agrees"]
    assert not nn.any()
    assert out.loc[out["region_ru"] == "Свердловская область", "region_share_agrees"].all()
    with pytest.raises(ValueError, match="lacks columns"):
        a19.published_consistency(pub.drop(columns="export_kusd"))


def test_published_check_against_real_2019_data():
    realdata = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
    if not realdata.is_dir():
        pytest.skip("../shared/realdata is not present")
    candidates = list(realdata.glob("fcs/**/*2019*"))
    if not candidates:
        pytest.skip("no real 2019 FCS product-level data in realdata")
    pytest.skip("a reader for real 2019 FCS files belongs to exportlab.io; compare once it exists")


def test_published_index_is_not_rca():
    out = a19.published_consistency(a19.load_published())
    moscow = out.loc[
        (out["segment"] == "computers_electrical_instruments") & (out["region_ru"] == "Москва")
    ].iloc[0]
    # Moscow has 43.4 % (≥ 43.35 %) of the export: RCA ≤ 100 / 43.35 = 2.31 < 26.3
    assert moscow["rca_upper_bound"] == pytest.approx(100 / 43.35)
    assert not moscow["index_possible_as_rca"]
    note = a19.closing_note(out, None, "en")
    assert "not the Balassa RCA" in note and "31 of 36" in note
    assert "Нижегородская область" in a19.closing_note(out, None, "ru")
    shown = a19.format_consistency(out, "ru")
    assert "Согласована" in shown.columns and set(shown["Согласована"]) == {"да", "нет"}
    assert isinstance(plot_tr.published_consistency(out, "ru"), Figure)
