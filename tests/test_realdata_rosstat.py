"""Rosstat's own Word chapters of the Russian Statistical Yearbook 2022/2023, read by
exportlab.io.rosstat, against the checked tidy CSV files of ``../shared/realdata/rosstat/``.

Every value of the 85 non-overlapping subjects must equal the CSV (after the unit conversion), and
the sums of the additive indicators must meet the country row within rounding, except where the
source itself disagrees (named below).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from exportlab.io import rosstat

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

#: CSV column -> (indicator, factor from the CSV unit to the schema unit)
COLUMNS: dict[str, tuple[str, float]] = {
    "export_musd": ("total_export_usd", 1e6),
    "import_musd": ("total_import_usd", 1e6),
    "export_cis_musd": ("export_cis_usd", 1e6),
    "import_cis_musd": ("import_cis_usd", 1e6),
    "export_noncis_musd": ("export_noncis_usd", 1e6),
    "import_noncis_musd": ("import_noncis_usd", 1e6),
    "grp_mln_rub": ("grp_rub", 1e6),
    "grp_per_capita_rub": ("grp_per_capita_rub", 1.0),
    "area_thou_km2": ("area_km2", 1e3),
    "population_thou": ("population", 1e3),
    "fixed_investment_bln_rub": ("fixed_investment_rub", 1e9),
    "ship_mining_mln_rub": ("shipped_mining_rub", 1e6),
    "ship_manuf_mln_rub": ("shipped_manufacturing_rub", 1e6),
    "ship_energy_mln_rub": ("shipped_energy_rub", 1e6),
    "ship_water_mln_rub": ("shipped_water_rub", 1e6),
    "labour_force_thou": ("labour_force", 1e3),
    "employed_thou": ("employed", 1e3),
    "unemployed_thou": ("unemployed", 1e3),
    "employment_rate_pct": ("employment_rate_pct", 1.0),
    "unemployment_rate_pct": ("unemployment_pct", 1.0),
    "registered_unemployed_thou": ("registered_unemployed", 1e3),
    "registered_unemployment_rate_pct": ("registered_unemployment_pct", 1.0),
}

#: (tidy CSV, Word chapter, table, year in the indicator table)
TABLES = [
    ("rse2022_t25_4_foreign_trade_by_region_2021.csv", "rse2022/R_25.docx", "25.4", 2021),
    ("rse2023_t25_4_foreign_trade_by_region_2021.csv", "rse2023/R_25.docx", "25.4", 2021),
    ("rse2022_t12_19_grp_by_region_2020.csv", "rse2022/R_12.docx", "12.19", 2020),
    ("rse2023_t12_22_grp_by_region_2021.csv", "rse2023/R_12.docx", "12.22", 2021),
    ("rse2022_t2_1_area_population_by_region_2022-01-01.csv", "rse2022/R_02.docx", "2.1", 2021),
    ("rse2023_t2_1_area_population_by_region_2023-01-01.csv", "rse2023/R_02.docx", "2.1", 2022),
    ("rse2022_t16_3_industry_by_region_2021.csv", "rse2022/R_16.docx", "16.3", 2021),
    ("rse2023_t16_3_industry_by_region_2022.csv", "rse2023/R_16.docx", "16.3", 2022),
    ("rse2022_t13_8_investment_by_region_2021.csv", "rse2022/R_13.docx", "13.8", 2021),
    ("rse2022_t5_3_labour_by_region_2021.csv", "rse2022/R_05.docx", "5.3", 2021),
]

#: Totals that do not meet the country row in the source itself.
KNOWN_MISMATCHES = {
    # the 2023 yearbook reprints the 2021 regional rows but revises the country row (492 907,0)
    ("rse2023/R_25.docx", "total_export_usd"),
    ("rse2023/R_25.docx", "total_import_usd"),
    ("rse2023/R_25.docx", "export_cis_usd"),
    ("rse2023/R_25.docx", "import_cis_usd"),
    ("rse2023/R_25.docx", "export_noncis_usd"),
    ("rse2023/R_25.docx", "import_noncis_usd"),
    # table 12.22: Arkhangelsk oblast 1 055 420,9 ≠ Nenets AO 406 838,0 + oblast less AO 602 647,9;
    # the 45 935,0 mln RUB gap is exactly the gap between the 85 subjects and the country row
    ("rse2023/R_12.docx", "grp_rub"),
}


REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@cache
def _read(docx: str) -> rosstat.IndicatorReport:
    """One chapter read once per session (called only after the ``realdata`` fixture)."""
    return rosstat.read_regional_indicators(
        REALDATA / "rosstat" / "source_docx" / docx, derive=False
    )


@pytest.mark.parametrize(("csv", "docx", "table", "year"), TABLES, ids=[t[0][:14] for t in TABLES])
def test_docx_table_equals_tidy_csv(realdata: Path, csv, docx, table, year):
    report = _read(docx)
    read = next(t for t in report.tables if t.table == table)
    assert read.year == year
    assert (
        read.rows["subject"] + read.rows["subject_less_ao"] + read.rows["ao_within_subject"] == 85
    )
    assert read.rows["country"] == 1 and read.rows["federal_district"] == 8
    expected = pd.read_csv(realdata / "rosstat" / csv, dtype={"iso_3166_2_85": str})
    # the CSV of table 25.4 leaves the ISO code of "Аpхангельская область без автономного округа"
    # (printed with a Latin p) blank; the reader reads it as Cyrillic
    less_ark = (expected["level"] == "subject_less_ao") & expected["region_ru"].str.contains(
        "хангел"
    )
    expected.loc[less_ark, "iso_3166_2_85"] = "RU-ARK"
    expected = expected[expected["in_85_partition"]].set_index("iso_3166_2_85")
    got = report.table[report.table["year"] == year]
    compared = 0
    for column, (indicator, factor) in COLUMNS.items():
        if column not in expected.columns:
            continue
        values = got[got["indicator"] == indicator].set_index("region")["value"]
        want = (expected[column] * factor).dropna()
        assert set(values.index) == set(want.index), (column, set(want.index) ^ set(values.index))
        values.index, want.index = values.index.astype(str), want.index.astype(str)
        pd.testing.assert_series_equal(
            values.sort_index(), want.sort_index(), check_names=False, rtol=1e-12, atol=1e-6
        )
        compared += 1
    assert compared >= 1
    # confidential cells are missing and listed, never zero
    listed = {(m["region"], m["indicator"]) for m in report.missing_cells}
    for column, (indicator, _) in COLUMNS.items():
        if column in expected.columns:
            for iso in expected.index[expected[column].isna()]:
                assert (iso, indicator) in listed


@pytest.mark.parametrize(("csv", "docx", "table", "year"), TABLES, ids=[t[0][:14] for t in TABLES])
def test_subjects_sum_to_the_country_row(realdata: Path, csv, docx, table, year):
    report = _read(docx)
    checks = report.checks_frame()
    checks = checks[checks["table"] == table]
    assert len(checks)
    for row in checks.itertuples(index=False):
        if (docx, row.indicator) in KNOWN_MISMATCHES:
            assert row.status == "mismatch"
        elif row.missing:  # confidential cells: the sum is a lower bound
            assert row.status.startswith("lower") and row.difference < 0
        elif table == "13.8":  # the country total includes investment not allocated to regions
            assert row.status.startswith("lower")
        else:
            assert row.status == "ok", row
            assert abs(row.difference) <= row.tolerance


def test_investment_header_unit_is_corrected_with_a_warning(realdata: Path):
    report = _read("rse2022/R_13.docx")
    assert any("header says million RUB" in w for w in report.warnings)
    total = report.aggregates.query("level == 'country' and indicator == 'fixed_investment_rub'")
    assert total["value"].iloc[0] == pytest.approx(22_945.4e9)


def test_yearbook_chapters_read_in_one_folder(realdata: Path):
    """Stage 01's use: a folder of chapters, later yearbook winning, derived indicators added."""
    folder = realdata / "rosstat" / "source_docx" / "rse2022"
    report = rosstat.read_regional_indicators(folder)
    wide = report.table[report.table["year"] == 2021].pivot(
        index="region", columns="indicator", values="value"
    )
    assert len(wide) == 85
    # hand: Moscow 2021 export 207 093,1 mln USD / population 12 635,5 thou (1 January 2022)
    moscow = report.table.query("region == 'RU-MOW' and year == 2021")
    export = moscow.set_index("indicator")["value"]
    assert export["export_per_capita_usd"] == pytest.approx(
        export["total_export_usd"] / export["population"]
    )
    assert (
        0 <= wide["export_noncis_share_pct"].min() and wide["export_noncis_share_pct"].max() <= 100
    )
    share = wide["mining_share_shipments_pct"].dropna()
    assert share.between(0, 100).all() and share.idxmax() in {
        "RU-NEN",
        "RU-YAN",
        "RU-KHM",
        "RU-CHU",
    }
    skipped_tables = {(s["file"].rsplit("/", 1)[-1], s["table"]) for s in report.skipped}
    assert ("R_05.docx", "5.3") not in skipped_tables
