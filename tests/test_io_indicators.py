"""Tests of exportlab.io.read_indicators: tidy long files and fedstat wide tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exportlab import io as xio
from exportlab.errors import IngestError


def test_tidy_long(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text(
        'region,year,indicator,value\nRU-TA,2020,population,3902888\nРеспублика Татарстан,2021,population,"3 894 120"\n',
        encoding="utf-8",
    )
    df = xio.read_indicators(path)
    assert df["region"].tolist() == ["RU-TA", "RU-TA"] and df["value"].tolist() == [
        3902888.0,
        3894120.0,
    ]
    assert df["year"].dtype == "int16"


def test_fedstat_wide_xlsx_with_header_and_notes(tmp_path):
    sheet = pd.DataFrame(
        [
            ["Валовой региональный продукт (млн руб.)", None, None],
            [None, "Годы", None],
            [None, "2019", "2020 г."],
            ["Российская Федерация", "94 000 000", "93 000 000"],
            ["Центральный федеральный округ", "1", "2"],
            ["Республика Татарстан", "2 586 530,1", "…"],
            ["46000 - MOSCOW REGION", "4 000 000", "4 100 000,5"],
            [None, None, None],
            ["1) Примечание: данные предварительные", None, None],
        ]
    )
    path = tmp_path / "grp.xlsx"
    sheet.to_excel(path, header=False, index=False)
    df = xio.read_indicators(path, indicator="grp_rub", scale=1e6)
    # hand: 2 586 530,1 million = 2.5865301e12; "…" missing; the RF and district rows are not regions
    assert df.set_index(["region", "year"])["value"].to_dict() == {
        ("RU-MOS", 2019): 4.0e12,
        ("RU-MOS", 2020): 4.1000005e12,
        ("RU-TA", 2019): 2.5865301e12,
    }


def test_unknown_indicator_is_clear(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text("region,year,indicator,value\nRU-TA,2020,gdp_bananas,1\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r'line 2, column "indicator".*gdp_bananas'):
        xio.read_indicators(path)


# ------------------------------------------------------------ nothing dropped or merged silently

BAD = Path(__file__).parent / "bad_inputs" / "indicators"


@pytest.mark.parametrize(
    ("case", "indicator", "match"),
    [
        (
            "01_wide_unknown_region.csv",
            "grp_rub",
            r"line 4, column \"column 1\": expected a region .*Татарстанн-Алания",
        ),
        ("02_wide_not_a_number.csv", "grp_rub", r'line 3, column "2020": expected a number.*n/a'),
        (
            "03_wide_region_twice.csv",
            "grp_rub",
            r"line 5: expected one row per region \(RU-TA is on line 3",
        ),
        (
            "04_long_duplicate.csv",
            None,
            r"line 3: expected one row per region, year and indicator \(line 2",
        ),
        (
            "05_long_fractional_year.csv",
            None,
            r'line 2, column "year": expected a whole year, got "2020.5"',
        ),
    ],
)
def test_malformed_indicator_tables_name_line_and_column(case, indicator, match):
    with pytest.raises(IngestError, match=match) as err:
        xio.read_indicators(BAD / case, indicator=indicator)
    assert case in str(err.value)


def test_oblast_with_and_without_okrug_keeps_the_subjects_apart():
    df = xio.read_indicators(BAD / "06_wide_okrug_nested.csv", indicator="population")
    values = df.set_index(["region", "year"])["value"].to_dict()
    # Arkhangelsk without the Nenets AO (1 056), not with it (1 100): the subjects do not overlap
    assert values == {
        ("RU-ARK", 2020): 1056.0,
        ("RU-ARK", 2021): 1046.0,
        ("RU-NEN", 2020): 44.0,
        ("RU-NEN", 2021): 44.0,
    }
    wide = pd.read_csv(BAD / "06_wide_okrug_nested.csv", header=None, dtype=str).fillna("")
    skipped = xio.wide_to_long(wide, "population").attrs["skipped_rows"]
    assert [(row["line"], row["kind"]) for row in skipped] == [(4, "including"), (3, "with_okrugs")]


def test_rows_that_are_not_regions_are_listed():
    sheet = pd.DataFrame(
        [
            [None, "2019", "2020"],
            ["Российская Федерация", "9", "9"],
            ["Центральный федеральный округ", "1", "2"],
            ["Республика Татарстан", "3", "4"],
            ["1) Примечание: данные предварительные", None, None],
        ]
    ).fillna("")
    skipped = xio.wide_to_long(sheet, "population").attrs["skipped_rows"]
    assert [(row["line"], row["kind"]) for row in skipped] == [
        (2, "country"),
        (3, "district"),
        (5, "note"),
    ]


def test_a_later_file_that_disagrees_wins_with_a_warning(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("region,year,indicator,value\nRU-TA,2020,population,1\n", encoding="utf-8")
    b.write_text("region,year,indicator,value\nRU-TA,2020,population,2\n", encoding="utf-8")
    with pytest.warns(
        UserWarning, match=r"1 indicator values .*RU-TA 2020 population from .*b.csv"
    ):
        df = xio.read_indicators([a, b])
    assert df["value"].tolist() == [2.0]


def test_tables_read_lists_each_table_in_both_languages():
    """One row per table read (the stage 01 table of a Rosstat folder), headers in ``lang``."""
    from types import SimpleNamespace

    from exportlab import indicators

    table = SimpleNamespace(
        file="t12.docx",
        table="12.8",
        year=2021,
        columns=[{"indicator": "grp_rub"}, {"indicator": "grp_rub"}],
        rows={"subject": 80, "subject_less_ao": 3, "ao_within_subject": 2},
        notes=["units checked"],
        warnings=[],
    )
    report = SimpleNamespace(tables=[table])
    en = indicators.tables_read(report, "en")
    assert en.to_dict("records") == [
        {
            "file": "t12.docx",
            "table": "12.8",
            "year": 2021,
            "indicators": "grp_rub",
            "subjects": 85,
            "notes": "units checked",
        }
    ]
    assert list(indicators.tables_read(report, "ru").columns)[:2] == ["файл", "таблица"]
