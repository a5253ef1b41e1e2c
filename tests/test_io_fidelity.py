"""Ingest never loses a row or changes a value silently (cases 21-42 of ``tests/bad_inputs``).

Each case is either read exactly (values asserted) or stops with :class:`IngestError` / exit 2 and a
message naming the file (and the physical line and column where there is one). Delimited text
takes the fast path when it can; every text case is also run on the general path alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from exportlab import io as xio
from exportlab.errors import IngestError
from exportlab.io.ingest import main

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_inputs"
FCS = HERE / "fixtures" / "fcs"
TOTAL_USD, TOTAL_KG = 1365.0, 203.0  # dattsvt_ru.tsv, computed by hand in test_io_ingest.py


@pytest.fixture(params=["fast", "general"])
def engine(request, monkeypatch) -> str:
    """Run the test on the default engine choice and on the general path alone."""
    if request.param == "general":
        from exportlab.io import fast

        monkeypatch.setattr(fast, "eligible", lambda sources: False)
    return request.param


def _error(paths, tmp_path: Path, **kw) -> str:
    with pytest.raises(IngestError) as info:
        xio.ingest(paths, tmp_path / "out", **kw)
    assert not (tmp_path / "out" / "trade.parquet").exists()
    return str(info.value)


def _contains(message: str, fragments: list[str]) -> None:
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def _reference(tmp_path: Path) -> pd.DataFrame:
    xio.ingest([FCS / "dattsvt_ru.tsv"], tmp_path / "reference")
    return pd.read_parquet(tmp_path / "reference" / "trade.parquet")


# -- files that cannot be read -----------------------------------------------------------------

UNREADABLE = {
    "21_folder_utf16": ["utf16.tsv", "UTF-16 text", "--skip-invalid"],
    "22_folder_nul_byte": ["nul.tsv", "a NUL byte at offset 30 (line 1)"],
    "23_folder_unknown_binary": ["blob.dat", "unrecognised binary content"],
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_file_in_a_folder_is_an_error_or_skipped_and_listed(tmp_path, name):
    _contains(_error([BAD / name], tmp_path), UNREADABLE[name])
    report = xio.ingest([BAD / name], tmp_path / "skip", skip_invalid=True)
    bad_file = UNREADABLE[name][0]
    skipped = [s for s in report.skipped if s["file"].endswith(bad_file)]
    assert len(skipped) == 1 and skipped[0]["reason"].startswith("unreadable: ")
    assert any(bad_file in w and "not read" in w for w in report.warnings)
    assert report.rows_read == 5 and report.totals["value_usd"].sum() == TOTAL_USD
    listed = xio.load_quality(tmp_path / "skip").skipped
    assert [s["file"] for s in listed if s["file"].endswith(bad_file)] == [skipped[0]["file"]]


def test_documents_in_a_folder_are_still_skipped_by_name(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.tsv").write_bytes((FCS / "dattsvt_ru.tsv").read_bytes())
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    (folder / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    report = xio.ingest([folder], tmp_path / "out")
    assert {Path(s["file"]).name for s in report.skipped} == {"notes.docx", "map.png"}
    assert report.rows_read == 5


# -- workbooks: every sheet, every row ---------------------------------------------------------


def test_every_sheet_of_a_workbook_is_read(tmp_path):
    report = xio.ingest([BAD / "24_sheets_split.xlsx"], tmp_path / "out")
    names = [f["file"] for f in report.files]
    assert [n.rsplit("/", 1)[-1] for n in names] == [
        "24_sheets_split.xlsx[1]",
        "24_sheets_split.xlsx[2]",
    ]
    assert [f["rows"] for f in report.files] == [3, 2]
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    pd.testing.assert_frame_equal(trade, _reference(tmp_path))


def test_a_sheet_without_a_header_is_an_error_naming_it(tmp_path):
    message = _error([BAD / "25_sheet_without_header.xlsx"], tmp_path)
    _contains(message, ["25_sheet_without_header.xlsx", "sheet(s) '2'", "would be ignored"])


def test_rows_after_a_blank_row_are_read_and_a_final_note_is_not(tmp_path):
    report = xio.ingest([BAD / "26_blank_row.xlsx"], tmp_path / "out")
    assert report.rows_read == 5 and report.rows_rejected == 0
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    pd.testing.assert_frame_equal(trade, _reference(tmp_path))
    notes = report.files[0]["notes"]
    # title row 1, header row 2, rows 3-4, blank row 5, rows 6-8, blank row 9, "Итого" row 10
    assert "1 note row(s) below the table (from line 10) not read" in notes
    assert "1 blank row(s) inside the table skipped" in notes


def test_lines_of_a_sheet_are_its_row_numbers_after_blank_rows(tmp_path):
    import openpyxl

    lines = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines]
    rows[4][5] = "-5"  # Stoim of the 4th data row
    book = openpyxl.Workbook()
    for row in [rows[0], rows[1], [], [], rows[2], rows[3], rows[4]]:
        book.active.append(row)
    book.save(tmp_path / "x.xlsx")
    message = _error([tmp_path / "x.xlsx"], tmp_path)
    _contains(message, ["x.xlsx, line 7", 'column "Stoim"', '"-5"'])


def test_formula_errors_in_value_and_weight_cells_are_errors(tmp_path):
    message = _error([BAD / "38_formula_errors.xlsx"], tmp_path)
    _contains(message, ["38_formula_errors.xlsx, line 3", 'column "Stoim"', 'got "#DIV/0!"'])
    report = xio.ingest([BAD / "38_formula_errors.xlsx"], tmp_path / "skip", skip_invalid=True)
    found = {(r.line, r.column, r.value) for r in report.rejections}
    assert found == {(3, "Stoim", "#DIV/0!"), (4, "Netto", "#VALUE!")}
    # the one valid row: 1000,5 USD, 200 kg
    assert report.totals["value_usd"].sum() == 1000.5 and report.totals["netto_kg"].sum() == 200


# -- truncated and unreadable containers -------------------------------------------------------

DAMAGED = {
    "27_truncated.dbf": ["27_truncated.dbf", "3 records its header announces", "2 complete"],
    "28_truncated.tsv.gz": ["28_truncated.tsv.gz", "a complete gzip file", "truncated"],
    "29_truncated.parquet": ["29_truncated.parquet", "a complete Parquet file", "truncated"],
    "30_encrypted_member.zip": ["30_encrypted_member.zip!a.tsv", "encrypted"],
    "31_deflate64_member.zip": ["31_deflate64_member.zip!a.tsv", "compression method 9"],
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_files_are_errors_naming_them(tmp_path, name):
    _contains(_error([BAD / name], tmp_path), DAMAGED[name])


# -- valid input that used to fail -------------------------------------------------------------


@pytest.mark.parametrize("name", ["32_trailing_delimiter.tsv", "33_empty_header_name.tsv"])
def test_trailing_delimiter_and_unnamed_column_are_valid(tmp_path, engine, name):
    report = xio.ingest([BAD / name], tmp_path / "out")
    assert report.engine == engine and report.rows_read == 5
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    pd.testing.assert_frame_equal(trade, _reference(tmp_path))
    assert trade["netto_kg"].sum() == TOTAL_KG


# -- values are never altered quietly ----------------------------------------------------------

ALTERED = {
    "34_fractional_year.csv": ["line 3", 'column "year"', 'got "2020.5"'],
    "35_underscore_number.tsv": ["line 3", 'column "Stoim"', 'got "1_000"'],
    "36_code_name_conflict.tsv": [
        "line 6",
        'column "Subject"',
        "92000 - МОСКОВСКАЯ ОБЛАСТЬ",
        "the code 92000 is Республика Татарстан (RU-TA) but the name is Московская область (RU-MOS)",
    ],
    "37_impossible_date.csv": ["line 3", 'column "period"', 'got "2021-02-30"'],
    "39_ambiguous_thousands.tsv": ["line 3", 'column "Stoim"', "decimal comma", 'got "1.000"'],
}


@pytest.mark.parametrize("name", sorted(ALTERED))
def test_values_that_would_change_are_errors(tmp_path, engine, name):
    message = _error([BAD / name], tmp_path, flow="export")
    _contains(message, [name, *ALTERED[name]])


@pytest.mark.parametrize(
    "period", ["30.02.2020", "31.04.2021", "29.02.2021", "2021-02-29", "2020-13-01", "2020-01-32"]
)
def test_impossible_dates_in_both_layouts(tmp_path, engine, period):
    text = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").replace("02/2020", period)
    (tmp_path / "x.tsv").write_text(text, encoding="utf-8")
    _contains(_error([tmp_path / "x.tsv"], tmp_path), ["line 4", f'got "{period}"'])


def test_existing_dates_and_whole_years_are_read(tmp_path, engine):
    text = "period,region,hs6,partner,flow,value_usd\n29.02.2020,RU-TA,847130,CN,export,1.5\n"
    text += "2021-12-31,RU-TA,847130,CN,export,2.25\n"
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    report = xio.ingest([tmp_path / "d.csv"], tmp_path / "out")
    assert report.totals.set_index("year")["value_usd"].to_dict() == {2020: 1.5, 2021: 2.25}
    (tmp_path / "y.csv").write_text(
        "year,region,hs6,partner,flow,value_usd\n2020.0,RU-TA,847130,CN,export,1.5\n",
        encoding="utf-8",
    )
    report = xio.ingest([tmp_path / "y.csv"], tmp_path / "out_y")
    assert report.totals["year"].tolist() == [2020]


def test_decimal_separator_rule(tmp_path, engine):
    """The documented rule: a comma in any number of a file makes a dot in another ambiguous."""
    head = "napr\tperiod\tnastranapr\ttnved\tStoim\tNetto\tSubject\n"
    row = "ЭК\t{m:02d}/2020\tCN\t0102291000\t{v}\t{w}\t92000 - РЕСПУБЛИКА ТАТАРСТАН\n"
    # dots only: decimal points
    (tmp_path / "dot.tsv").write_text(
        head + row.format(m=1, v="1.000", w="2.5") + row.format(m=2, v="1 000", w=""),
        encoding="utf-8",
    )
    report = xio.ingest([tmp_path / "dot.tsv"], tmp_path / "dot")
    assert report.totals["value_usd"].sum() == 1001.0 and report.totals["netto_kg"].sum() == 2.5
    # commas only: decimal commas, spaces (also no-break) as thousands separators
    (tmp_path / "comma.tsv").write_text(
        head + row.format(m=1, v="1 000,5", w="2,5") + row.format(m=2, v="1\u00a0000", w=""),
        encoding="utf-8",
    )
    report = xio.ingest([tmp_path / "comma.tsv"], tmp_path / "comma")
    assert report.totals["value_usd"].sum() == 2000.5 and report.totals["netto_kg"].sum() == 2.5
    # a comma in a weight and a dot in a value: the dot is ambiguous
    (tmp_path / "mixed.tsv").write_text(
        head + row.format(m=1, v="7", w="0,5") + row.format(m=2, v="1.000", w="1"),
        encoding="utf-8",
    )
    _contains(_error([tmp_path / "mixed.tsv"], tmp_path), ["line 3", 'column "Stoim"', '"1.000"'])
    (tmp_path / "mixed_w.tsv").write_text(
        head + row.format(m=1, v="7,5", w="1") + row.format(m=2, v="3", w="1.250"),
        encoding="utf-8",
    )
    message = _error([tmp_path / "mixed_w.tsv"], tmp_path)
    _contains(message, ["line 3", 'column "Netto"', "net weight with a decimal comma", '"1.250"'])


def test_spreadsheet_numbers_are_not_ambiguous(tmp_path):
    import openpyxl

    lines = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines]
    rows[2][5] = 1000.25  # a numeric cell beside text cells with decimal commas
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "x.xlsx")
    report = xio.ingest([tmp_path / "x.xlsx"], tmp_path / "out")
    assert report.totals["value_usd"].sum() == TOTAL_USD - 250 + 1000.25


def test_code_and_name_that_agree_or_an_unknown_spelling_are_read(tmp_path, engine):
    text = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8")
    text = text.replace("46000 - MOSCOW REGION", "46000 - МОСКОВСКАЯ ОБЛ.")
    (tmp_path / "x.tsv").write_text(text, encoding="utf-8")
    xio.ingest([tmp_path / "x.tsv"], tmp_path / "out")
    trade = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert trade.loc[trade.region == "RU-MOS", "value_usd"].tolist() == [5.0]


# -- a cut last line, physical line numbers, symlinks ------------------------------------------


def test_cut_last_line_warns_naming_it(tmp_path, engine):
    report = xio.ingest([BAD / "40_cut_last_line.tsv"], tmp_path / "out")
    warned = [w for w in report.warnings if "ends inside this line" in w]
    assert len(warned) == 1
    _contains(warned[0], ["40_cut_last_line.tsv, line 6", 'column "district"', "ФЕДЕР"])
    assert report.rows_read == 5 and report.totals["value_usd"].sum() == TOTAL_USD


def test_no_warning_for_a_complete_last_line_without_line_break(tmp_path, engine):
    text = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").rstrip("\n")
    (tmp_path / "x.tsv").write_text(text, encoding="utf-8")
    report = xio.ingest([tmp_path / "x.tsv"], tmp_path / "out")
    assert not [w for w in report.warnings if "ends inside" in w] and report.rows_read == 5
    # a cut number in the last column is always named: no other line can vouch for it
    tidy = "year,region,hs6,partner,flow,value_usd\n2020,RU-TA,847130,CN,export,12\n"
    (tmp_path / "t.csv").write_text(tidy + "2021,RU-TA,847130,CN,export,12", encoding="utf-8")
    report = xio.ingest([tmp_path / "t.csv"], tmp_path / "out_t")
    assert [w for w in report.warnings if "t.csv, line 3" in w and "value_usd" in w]


def test_line_numbers_are_physical_lines(tmp_path, engine):
    # blank lines 4 and 5 (skipped by the reader) and a quoted field over lines 2-3
    _contains(_error([BAD / "41_blank_lines.tsv"], tmp_path), ["line 8", 'column "Stoim"', '"-5"'])
    _contains(_error([BAD / "42_multiline_field.csv"], tmp_path), ["line 4", '"-7"'])
    # a copy of line 2 on line 7, after the blank line 4 (record 5): both named by physical line
    lines = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "dup.tsv").write_text("\n".join([*lines[:3], "", *lines[3:5], lines[1]]) + "\n")
    _contains(
        _error([tmp_path / "dup.tsv"], tmp_path), ["dup.tsv, line 7", "same as dup.tsv, line 2"]
    )


def test_reader_errors_name_the_physical_line(tmp_path):
    text = (BAD / "42_multiline_field.csv").read_text(encoding="utf-8") + "ЭК;03/2020;CN\n"
    (tmp_path / "ragged.csv").write_text(text, encoding="utf-8")
    _contains(_error([tmp_path / "ragged.csv"], tmp_path), ["ragged.csv, line 5", "8 columns"])


def test_a_symlink_is_named_as_given(tmp_path, engine):
    folder = tmp_path / "raw"
    folder.mkdir()
    os.symlink(BAD / "07_negative_value.tsv", folder / "given.tsv")
    message = _error([folder / "given.tsv"], tmp_path)
    assert "given.tsv, line 3" in message and "07_negative" not in message
    message = _error([folder], tmp_path)
    assert "raw/given.tsv, line 3" in message and "07_negative" not in message


# -- the command line: exit 2, one message, no traceback ---------------------------------------

CLI_CASES = {
    "21_folder_utf16": "utf16.tsv",
    "25_sheet_without_header.xlsx": "sheet(s) '2'",
    "27_truncated.dbf": "truncated",
    "28_truncated.tsv.gz": "a complete gzip file",
    "29_truncated.parquet": "a complete Parquet file",
    "30_encrypted_member.zip": "encrypted",
    "31_deflate64_member.zip": "compression method 9",
    "35_underscore_number.tsv": 'got "1_000"',
    "36_code_name_conflict.tsv": "the code 92000",
    "38_formula_errors.xlsx": "#DIV/0!",
}
#: The case the fast tier runs; each other case starts one more interpreter (slow tier).
CLI_FAST_CASE = "35_underscore_number.tsv"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=() if name == CLI_FAST_CASE else pytest.mark.slow)
        for name in CLI_CASES
    ],
)
def test_cli_exit_2_without_traceback(tmp_path, name):
    fragment = CLI_CASES[name]
    exportlab = Path(sys.executable).with_name("exportlab")
    command = [str(exportlab)] if exportlab.exists() else [sys.executable, "-m", "exportlab.cli"]
    done = subprocess.run(
        [*command, "ingest", str(BAD / name), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, (name, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == "", (name, done.stderr)
    assert done.stderr.startswith("exportlab ingest: error: ") and name in done.stderr
    assert fragment in done.stderr, (name, done.stderr)
    assert not (tmp_path / "out" / "trade.parquet").exists()


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_cli_main_exits_2_with_one_message_in_process(tmp_path, capsys, name):
    # the same command as above, through exportlab.cli.main: an exception would fail the test
    from exportlab import cli

    assert cli.main(["ingest", str(BAD / name), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err, captured.err
    assert captured.err.startswith("exportlab ingest: error: ") and name in captured.err
    assert CLI_CASES[name] in captured.err, captured.err
    assert not (tmp_path / "out" / "trade.parquet").exists()


def test_cli_skip_invalid_reads_the_folder_and_names_the_skipped_file(tmp_path, capsys):
    assert main([str(BAD / "22_folder_nul_byte"), "--out", str(tmp_path), "--skip-invalid"]) == 0
    captured = capsys.readouterr()
    assert "nul.tsv: not read (a NUL byte" in captured.err and "read 5 rows" in captured.out


def test_a_file_that_cannot_be_opened_is_an_error_naming_it(tmp_path, monkeypatch):
    from exportlab.io import sources

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    shutil.copy(FCS / "dattsvt_ru.tsv", tmp_path / "locked.tsv")
    monkeypatch.setattr(sources, "detect_format", denied)
    message = _error([tmp_path / "locked.tsv"], tmp_path)
    _contains(message, ["locked.tsv", "a file that can be read", "Permission denied"])
