"""Tests of exportlab.io.read_indicators: tidy long files and fedstat wide tables."""

from __future__ import annotations

import pandas as pd
import pytest

from exportlab import io as xio


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
    with pytest.raises(xio.IngestError, match=r'line 2, column "indicator".*gdp_bananas'):
        xio.read_indicators(path)
