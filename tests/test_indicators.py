"""Tests of exportlab.indicators (derived indicators, K4, reconciliation) and of stage 01 without
trade (exportlab.io.rosstat.ingest_if_trade, pipeline.no_trade)."""

from __future__ import annotations

import pandas as pd
import pytest

from exportlab import indicators as ind
from exportlab import pipeline
from exportlab.io import rosstat


def _long(rows):
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])


def test_derive_hand_values_and_missing_inputs():
    table = _long(
        [
            ("A", 2021, "fixed_investment_rub", 5e9),
            ("A", 2021, "population", 1e6),
            ("B", 2021, "fixed_investment_rub", 1e9),
            ("B", 2021, "population", 0.0),  # no per-capita value from a zero population
            ("A", 2021, "shipped_mining_rub", 30.0),
            ("A", 2021, "shipped_manufacturing_rub", 60.0),
            ("A", 2021, "shipped_energy_rub", 8.0),
            ("A", 2021, "shipped_water_rub", 2.0),
            ("B", 2021, "shipped_mining_rub", 10.0),  # other shipments confidential: no share
        ]
    )
    out, added = ind.derive(table)
    assert added == ["investment_per_capita_rub", "mining_share_shipments_pct"]
    got = out[out["indicator"].isin(added)].set_index(["region", "indicator"])["value"]
    # hand: 5e9 / 1e6 = 5000 RUB per person; 100 · 30 / (30 + 60 + 8 + 2) = 30 %
    assert got.to_dict() == {
        ("A", "investment_per_capita_rub"): 5000.0,
        ("A", "mining_share_shipments_pct"): 30.0,
    }


def test_derive_keeps_a_printed_value():
    table = _long(
        [
            ("A", 2021, "fixed_investment_rub", 5e9),
            ("A", 2021, "population", 1e6),
            ("A", 2021, "investment_per_capita_rub", 4990.0),
        ]
    )
    out, added = ind.derive(table)
    assert added == [] and len(out) == 3


def test_reconcile_flags_regions_of_one_source_only():
    trade = pd.DataFrame(
        {
            "year": [2021, 2021, 2021, 2020],
            "region": ["A", "B", "C", "A"],
            "flow": ["export", "export", "import", "export"],
            "value_usd": [100e6, 20e6, 5e6, 90e6],
        }
    )
    rosstat_export = _long(
        [("A", 2021, "total_export_usd", 104e6), ("D", 2021, "total_export_usd", 3e6)]
    )
    out = ind.reconcile_exports(trade, rosstat_export).set_index("region")
    # 2020 is not in Rosstat's table: only 2021 is compared; import never counts
    assert set(out["year"]) == {2021}
    # hand: A differs by -4e6 = -3.85 % (< 5 %): not flagged; B and D are in one source only
    assert out.loc["A", "difference_pct"] == pytest.approx(-100 * 4 / 104)
    assert out["flagged"].to_dict() == {"B": True, "D": True, "A": False}


def test_k4_needs_all_three_indicators():
    table = _long([("A", 2021, "grp_per_capita_rub", 1.0), ("A", 2021, "unemployment_pct", 5.0)])
    assert ind.k4(table, 2021).empty


def test_profile_year_falls_back_to_the_latest_year_with_data():
    table = _long([("A", 2020, "grp_per_capita_rub", 1.0), ("A", 2021, "population", 1.0)])
    assert ind.profile_year(table, 2021) == 2020
    assert ind.profile_year(table, 2020) == 2020


def test_stage_01_without_trade_writes_empty_tables(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    import docx

    document = docx.Document()
    document.add_paragraph("25.4. ВНЕШНЯЯ ТОРГОВЛЯ СУБЪЕКТОВ РОССИЙСКОЙ ФЕДЕРАЦИИ в 2021г.")
    document.save(str(raw / "R_25.docx"))
    out = tmp_path / "project" / "data" / "processed" / "default"
    report = rosstat.ingest_if_trade([raw], out)
    assert report.rows_read == 0 and report.warnings == [rosstat.NO_TRADE_WARNING]
    assert len(pd.read_parquet(out / "trade.parquet")) == 0
    assert list(pd.read_parquet(out / "trade_fine.parquet").columns)[:3] == [
        "year",
        "region",
        "tnved",
    ]
    assert (out / "quality.json").is_file()
    assert not rosstat.has_trade(out)
    assert pipeline.no_trade(tmp_path / "project")


def test_stage_01_with_trade_is_the_usual_ingest(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "trade.csv").write_text(
        "year,region,hs6,partner,flow,value_usd\n2021,RU-TA,270900,CN,export,100\n",
        encoding="utf-8",
    )
    out = tmp_path / "project" / "data" / "processed" / "default"
    report = rosstat.ingest_if_trade([raw], out)
    assert report.rows_read == 1 and rosstat.has_trade(out)
    assert not pipeline.no_trade(tmp_path / "project")
