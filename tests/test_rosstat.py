"""Tests of exportlab.io.rosstat: Rosstat's regional tables (.docx, .xlsx) into the indicator table.

Word files are built here with python-docx from small text layouts (``tests/bad_inputs/rosstat/*.txt``
for the malformed ones: each names the message it must produce).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exportlab.errors import IngestError
from exportlab.io import rosstat

BAD = Path(__file__).parent / "bad_inputs" / "rosstat"


def write_docx(path: Path, blocks: list[tuple[str, object]]) -> Path:
    """A Word file of paragraphs (``("p", text)``) and tables (``("t", [[cell, ...], ...])``)."""
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "p":
            document.add_paragraph(str(content))
        else:
            rows = content
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, row in enumerate(rows):
                for j, text in enumerate(row):
                    table.cell(i, j).text = text
    document.save(str(path))
    return path


def layout_blocks(text: str) -> tuple[str | None, list[tuple[str, object]]]:
    """``(expected message regex, blocks)`` of a text layout: ``# expect:``, ``title:``,
    ``para:``, table rows ``| a | b |`` and ``continued:`` (a paragraph starting a new part)."""
    expect, blocks, rows = None, [], []
    for line in text.splitlines():
        if line.startswith("# expect:"):
            expect = line.split(":", 1)[1].strip()
        elif line.startswith("|"):
            rows.append(
                [c.strip().replace("\\n", "\n") for c in line.strip().strip("|").split("|")]
            )
        elif ":" in line:
            if rows:
                blocks.append(("t", rows))
                rows = []
            blocks.append(("p", line.split(":", 1)[1].strip()))
    if rows:
        blocks.append(("t", rows))
    return expect, blocks


H_TRADE = [
    ["", "Всего Total", "Всего Total", "в том числе / including", "в том числе / including", ""],
    [
        "",
        "Экспорт Exports",
        "Импорт Imports",
        "со странами СНГ with the CIS: Экспорт Exports",
        "со странами СНГ with the CIS: Импорт Imports",
        "",
    ],
]


def thousandfold(rows: list[list[str]]) -> list[list[str]]:
    """Rows with every number a thousand times larger ("20,0" → "20 000,0"): fixtures keep small
    numbers while the country row stays in the plausible range of the unit check."""
    out = []
    for row in rows:
        cells = [row[0]]
        for cell in row[1:]:
            try:
                value, kind, decimals = rosstat.parse_cell(cell)
            except ValueError:  # the English name
                kind = ""
            cells.append(_rosstat_format(value * 1000, decimals) if kind == "number" else cell)
        out.append(cells)
    return out


def trade_docx(path: Path, rows_1: list[list[str]], rows_2: list[list[str]] | None = None) -> Path:
    """A two-part table 25.4 (export, import, CIS export, CIS import; mln USD), numbers of the
    rows given in thousands of mln USD (:func:`thousandfold`)."""
    rows_1 = thousandfold(rows_1)
    rows_2 = thousandfold(rows_2) if rows_2 is not None else None
    blocks = [
        ("p", "25.4. ВНЕШНЯЯ ТОРГОВЛЯ СУБЪЕКТОВ РОССИЙСКОЙ ФЕДЕРАЦИИ в 2021г."),
        ("p", "FOREIGN TRADE OF CONSTITUENT ENTITIES OF THE RUSSIAN FEDERATION in 2021"),
        ("p", "(миллионов долларов США / mln. US dollars)"),
        ("t", H_TRADE + rows_1),
    ]
    if rows_2 is not None:
        blocks += [("p", "Продолжение табл. / Continued table 25.4"), ("t", H_TRADE + rows_2)]
    return write_docx(path, blocks)


SPEC_TRADE = next(s for s in rosstat.TABLES if s.id == "foreign_trade")


def test_two_part_table_with_nested_okrugs_and_confidential_cell(tmp_path):
    part1 = [
        ["Российская Федерация", "100,0", "50,0", "10,0", "5,0", "Russian Federation"],
        [
            "Центральный\nфедеральный округ",
            "60,0",
            "30,0",
            "6,0",
            "3,0",
            "Central Federal District",
        ],
        ["Белгородская область", "20,0", "10,0", "2,0", "1,0", "Belgorod Region"],
        ["г. Москва", "40,0", "20,0", "4,0", "2,0", "Moscow city"],
        ["Аpхангельская область", "15,0", "8,0", "1,5", "0,8", "Arkhangelsk Region"],
        ["в том числе:", "", "", "", "", "including:"],
        ["Ненецкий автономный округ", "5,0", "–", "…", "–", "Nenets Autonomous Area"],
        [
            "Аpхангельская область \nбез автономного округа",
            "10,0",
            "8,0",
            "1,5",
            "0,8",
            "Arkhangelsk Region less autonomous area",
        ],
    ]
    part2 = [["Республика Татарстан", "25,0", "12,0", "2,5", "1,2", "Republic of Tatarstan"]]
    path = trade_docx(tmp_path / "R_25.docx", part1, part2)
    report = rosstat.read_regional_indicators(path, derive=False)
    got = report.table.pivot(index="region", columns="indicator", values="value")
    # hand: mln USD × 1e6; the okrug and the oblast less it, never the oblast with it
    assert got["total_export_usd"].to_dict() == {
        "RU-ARK": 10e9,
        "RU-BEL": 20e9,
        "RU-MOW": 40e9,
        "RU-NEN": 5e9,
        "RU-TA": 25e9,
    }
    assert got.loc["RU-NEN", "total_import_usd"] == 0.0  # "–" is zero
    assert pd.isna(got.loc["RU-NEN", "export_cis_usd"])  # "…" is missing, and listed
    assert [(m["region"], m["indicator"], m["reason"]) for m in report.missing_cells] == [
        ("RU-NEN", "export_cis_usd", "confidential")
    ]
    read = report.tables[0]
    assert read.table == "25.4" and read.year == 2021
    assert read.rows == {
        "ao_within_subject": 1,
        "country": 1,
        "federal_district": 1,
        "subject": 3,
        "subject_less_ao": 1,
        "subject_with_ao": 1,
    }
    assert any("Latin look-alike" in n for n in read.notes)
    checks = report.checks_frame().set_index("indicator")
    # hand: Σ export = 20 + 40 + 5 + 10 + 25 = 100 = RF, tolerance 6 cells × 0.05 mln USD
    assert checks.loc["total_export_usd", "status"] == "ok"
    assert checks.loc["total_export_usd", "tolerance"] == pytest.approx(6 * 0.05e6)
    # hand: Σ CIS export without the confidential cell = 2 + 4 + 1.5 + 2.5 = 10 = RF: "lower"
    assert checks.loc["export_cis_usd", "missing"] == 1
    aggregates = report.aggregates.set_index(["level", "indicator"])["value"]
    assert aggregates[("country", "total_export_usd")] == 100e9
    assert aggregates[("subject_with_ao", "total_export_usd")] == 15e9
    assert not report.warnings


def test_sum_that_misses_the_country_row_is_a_warning(tmp_path):
    rows = [
        ["Российская Федерация", "100,0", "50,0", "10,0", "5,0", "Russian Federation"],
        ["Белгородская область", "20,0", "10,0", "2,0", "1,0", "Belgorod Region"],
        ["г. Москва", "70,0", "40,0", "8,0", "4,0", "Moscow city"],
    ]
    report = rosstat.read_regional_indicators(trade_docx(tmp_path / "t.docx", rows))
    check = report.checks_frame().set_index("indicator").loc["total_export_usd"]
    assert check["status"] == "mismatch" and check["difference"] == pytest.approx(-10e9)
    assert any("sum to 90,000,000,000.0" in w and "100,000,000,000.0" in w for w in report.warnings)


def test_oblast_printed_only_with_its_okrug_is_derived(tmp_path):
    rows = [
        ["Российская Федерация", "100,0", "50,0", "10,0", "5,0", "Russian Federation"],
        ["Архангельская область", "30,0", "8,0", "1,5", "0,8", "Arkhangelsk Region"],
        ["в том числе:", "", "", "", "", ""],
        ["Ненецкий автономный округ", "5,0", "1,0", "0,5", "0,1", "Nenets Autonomous Area"],
        ["г. Москва", "70,0", "42,0", "8,5", "4,2", "Moscow city"],
    ]
    report = rosstat.read_regional_indicators(trade_docx(tmp_path / "t.docx", rows))
    got = report.table[report.table["indicator"] == "total_export_usd"].set_index("region")
    assert got["value"].to_dict() == {"RU-ARK": 25e9, "RU-MOW": 70e9, "RU-NEN": 5e9}  # 30 - 5
    assert any("RU-ARK: no row without its autonomous okrug" in n for n in report.tables[0].notes)


def test_header_unit_checked_by_the_country_row(tmp_path):
    blocks = [
        ("p", "13.8. ИНВЕСТИЦИИ В ОСНОВНОЙ КАПИТАЛ ПО СУБЪЕКТАМ РОССИЙСКОЙ ФЕДЕРАЦИИ в 2021 г."),
        (
            "t",
            [
                [
                    "",
                    "Млн руб. (в фактически действовавших ценах)",
                    "В процентах к предыдущему году",
                    "",
                ],
                ["Российская Федерация1)", "22 945,4", "107,7", "Russian Federation1)"],
                ["Белгородская область", "165,7", "91,8", "Belgorod Region"],
                ["Бpянская область", "81,3", "102,4", "Bryansk Region"],
            ],
        ),
    ]
    report = rosstat.read_regional_indicators(write_docx(tmp_path / "R_13.docx", blocks))
    got = report.table[report.table["indicator"] == "fixed_investment_rub"]
    assert got.set_index("region")["value"].to_dict() == {"RU-BEL": 165.7e9, "RU-BRY": 81.3e9}
    assert any("header says million RUB" in w and "billion RUB" in w for w in report.warnings)
    column = report.tables[0].columns[0]
    assert column["scale"] == 1e9 and column["scale_corrected_from"] == 1e6
    # the country total includes investment not allocated to regions: Σ below it is no error
    assert report.checks_frame()["status"].iloc[0].startswith("lower")
    assert report.tables[0].unread_columns == ["В процентах к предыдущему году"]


def test_derived_indicators_from_two_tables(tmp_path):
    trade = trade_docx(
        tmp_path / "R_25.docx",
        [
            ["Российская Федерация", "100,0", "50,0", "10,0", "5,0", "Russian Federation"],
            ["г. Москва", "40,0", "20,0", "4,0", "2,0", "Moscow city"],
        ],
    )
    population = write_docx(
        tmp_path / "R_02.docx",
        [
            ("p", "2.1. ТЕРРИТОРИЯ и население СУБЪЕКТОВ РОССИЙСКОЙ ФЕДЕРАЦИИ на 1 января 2022 г."),
            (
                "t",
                [
                    ["", "Площадь территории, тыс. км2", "Численность населения, тыс. человек"],
                    ["Российская Федерация", "17 125,2", "145 557,5"],
                    ["г. Москва / Moscow city", "2,6", "12 635,5"],
                ],
            ),
        ],
    )
    report = rosstat.read_regional_indicators([trade, population])
    got = report.table.set_index(["region", "indicator"])["value"]
    # population at 1 January 2022 is the end of 2021: export per capita 2021 = 40e9 / 12 635 500
    assert got[("RU-MOW", "population")] == pytest.approx(12_635_500)
    assert got[("RU-MOW", "export_per_capita_usd")] == pytest.approx(40e9 / 12_635_500)
    assert set(report.table["year"]) == {2021}
    assert "export_per_capita_usd" in report.derived
    assert got[("RU-MOW", "area_km2")] == pytest.approx(2600.0)


def test_spreadsheet_with_years_as_columns(tmp_path):
    sheet = pd.DataFrame(
        [
            ["Валовой региональный продукт на душу населения", None, None],
            ["(рублей)", None, None],
            [None, "2020", "2021"],
            ["Российская Федерация", "640 519,0", "823 153,9"],
            ["Центральный федеральный округ", "854 978,5", "1 100 000"],
            ["Республика Татарстан", "675 621,4", "…"],
            ["Ненецкий автономный округ", "7 000 000", "9 804 742,9"],
        ]
    )
    path = tmp_path / "regions_of_russia.xlsx"
    sheet.to_excel(path, header=False, index=False)
    report = rosstat.read_regional_indicators(path)
    got = report.table.set_index(["region", "year"])["value"].to_dict()
    assert got == {("RU-NEN", 2020): 7.0e6, ("RU-NEN", 2021): 9804742.9, ("RU-TA", 2020): 675621.4}
    assert report.tables[0].layout == "years" and report.tables[0].spec == "grp_per_capita"
    assert report.missing_cells[0]["reason"] == "confidential"


@pytest.mark.parametrize("case", sorted(p.stem for p in BAD.glob("*.txt")))
def test_malformed_tables_fail_clearly(tmp_path, case):
    expect, blocks = layout_blocks((BAD / f"{case}.txt").read_text(encoding="utf-8"))
    assert expect, f"{case}.txt names no expected message"
    path = write_docx(tmp_path / f"{case}.docx", blocks)
    with pytest.raises(IngestError) as err:
        rosstat.read_regional_indicators(path)
    message = str(err.value).replace(str(tmp_path) + "/", "")
    assert re.search(expect, message), message


def test_damaged_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "R_25.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match="R_25.docx"):
        rosstat.read_regional_indicators(path)


def test_cli_writes_table_and_report_and_never_replaces_a_foreign_file(tmp_path, capsys):
    from exportlab.cli import main

    rows = [
        ["Российская Федерация", "60,0", "30,0", "6,0", "3,0", "Russian Federation"],
        ["Белгородская область", "20,0", "10,0", "2,0", "1,0", "Belgorod Region"],
        ["г. Москва", "40,0", "20,0", "4,0", "2,0", "Moscow city"],
    ]
    source = trade_docx(tmp_path / "R_25.docx", rows)
    out = tmp_path / "out"
    assert main(["indicators", str(source), "--out", str(out)]) == 0
    table = pd.read_parquet(out / "indicators.parquet")
    assert len(table) == 2 * 4 and set(table["region"]) == {"RU-BEL", "RU-MOW"}
    report = json.loads((out / "quality_indicators.json").read_text(encoding="utf-8"))
    assert [c["status"] for c in report["tables"][0]["checks"]] == ["ok"] * 4
    assert "4 of 4 within rounding" in capsys.readouterr().out
    assert main(["indicators", str(source), "--out", str(out)]) == 0  # its own files: replaced
    foreign = tmp_path / "other"
    foreign.mkdir()
    (foreign / "quality_indicators.json").write_text('{"mine": true}', encoding="utf-8")
    assert main(["indicators", str(source), "--out", str(foreign)]) == 2
    assert "was not written by exportlab" in capsys.readouterr().err
    assert not (foreign / "indicators.parquet").exists()
    assert (foreign / "quality_indicators.json").read_text(encoding="utf-8") == '{"mine": true}'


def test_folder_finds_word_tables_and_indicator_files(tmp_path):
    trade_docx(tmp_path / "R_25.docx", [["г. Москва", "40,0", "20,0", "4,0", "2,0", ""]])
    (tmp_path / "indicators_extra.csv").write_text(
        "region,year,indicator,value\nRU-TA,2021,population,3894120\n", encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not a table", encoding="utf-8")
    found = [p.name for p in rosstat.indicator_files(tmp_path)]
    assert found == ["R_25.docx", "indicators_extra.csv"]
    report = rosstat.read_regional_indicators(tmp_path)
    assert set(report.table["region"]) == {"RU-MOW", "RU-TA"}


def _rosstat_format(value: float, decimals: int) -> str:
    whole, _, frac = f"{value:,.{decimals}f}".partition(".")
    return whole.replace(",", "\u00a0") + ("," + frac if frac else "")


@given(st.floats(1e-3, 1e9), st.integers(0, 3))
def test_printed_numbers_read_back(value, decimals):
    text = _rosstat_format(value, decimals)
    parsed, kind, dec = rosstat.parse_cell(text)
    assert kind == "number" and dec == decimals
    assert parsed == pytest.approx(round(value, decimals), rel=1e-12, abs=10.0**-decimals)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1) 5", None),
        ("107,71)", (107.7, "number", 1)),
        ("…2)", (None, "confidential", 0)),
        ("x", (None, "not_applicable", 0)),
        ("", (None, "empty", 0)),
    ],
)
def test_cells(text, expected):
    if expected is None:
        with pytest.raises(ValueError):
            rosstat.parse_cell(text)
    else:
        assert rosstat.parse_cell(text) == expected
