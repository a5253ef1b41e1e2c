"""Write the ingest-fidelity cases 21-42 of the malformed-input corpus (run from the repository root).

``python tests/bad_inputs/make_fidelity_cases.py`` rewrites them from ``tests/fixtures/fcs``; the
files are committed so that each case can also be tried by hand with ``exportlab ingest``. What
each must produce is in ``tests/test_io_fidelity.py``.
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FCS = HERE.parent / "fixtures" / "fcs"


def _rows() -> tuple[list[str], list[list[str]]]:
    lines = (FCS / "dattsvt_ru.tsv").read_text(encoding="utf-8").splitlines()
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def _tsv(header: list[str], rows: list[list[str]], end: str = "\n") -> str:
    return "\n".join("\t".join(r) for r in [header, *rows]) + end


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _zip_with_member_flag(path: Path, data: bytes, *, method: int | None, encrypted: bool) -> None:
    """A zip of one member ``a.tsv`` whose headers claim ``method`` or the encryption bit."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo("a.tsv", (2021, 1, 1, 0, 0, 0)), data)
    raw = bytearray(buf.getvalue())
    local, central = raw.find(b"PK\x03\x04"), raw.find(b"PK\x01\x02")
    if method is not None:
        raw[local + 8 : local + 10] = struct.pack("<H", method)
        raw[central + 10 : central + 12] = struct.pack("<H", method)
    if encrypted:
        raw[local + 6] |= 1
        raw[central + 8] |= 1
    path.write_bytes(bytes(raw))


def main() -> None:
    header, rows = _rows()
    text = _tsv(header, rows)
    good = text.encode("utf-8")
    # 21-23: a folder with a good file and one that cannot be read
    for folder, name, data in (
        ("21_folder_utf16", "utf16.tsv", text.encode("utf-16")),
        ("22_folder_nul_byte", "nul.tsv", good[:30] + b"\x00" + good[30:]),
        ("23_folder_unknown_binary", "blob.dat", bytes(range(256)) * 2),
    ):
        (HERE / folder).mkdir(exist_ok=True)
        (HERE / folder / "good.tsv").write_bytes(good)
        (HERE / folder / name).write_bytes(data)
    # 24: an unload split over two sheets with the same header; 25: a sheet without a header
    _workbook(HERE / "24_sheets_split.xlsx", {"1": [header, *rows[:3]], "2": [header, *rows[3:]]})
    _workbook(HERE / "25_sheet_without_header.xlsx", {"1": [header, *rows[:3]], "2": rows[3:]})
    # 26: a blank row inside the table (rows below it are data) and a note at the end
    blank = [""] * len(header)
    _workbook(
        HERE / "26_blank_row.xlsx",
        {"1": [["ФТС России, выгрузка"], header, *rows[:2], blank, *rows[2:], blank, ["Итого"]]},
    )
    # 27: a dbf whose header announces 3 records, with 2 and a half in the file
    dbf = (FCS / "dattsvt_cp866.dbf").read_bytes()
    n, head_len, rec_len = struct.unpack("<IHH", dbf[4:12])
    (HERE / "27_truncated.dbf").write_bytes(dbf[: head_len + rec_len * (n - 1) + rec_len // 2])
    # 28: a gzip cut before its end; 29: a Parquet file cut in half (no footer)
    packed = gzip.compress(good, mtime=0)
    (HERE / "28_truncated.tsv.gz").write_bytes(packed[:-24])
    import pandas as pd

    tidy = pd.DataFrame(
        {
            "year": [2020, 2021],
            "region": ["RU-TA", "RU-TA"],
            "hs6": ["847130", "847130"],
            "partner": ["CN", "CN"],
            "flow": ["export", "export"],
            "value_usd": [1.5, 2.5],
        }
    )
    buf = io.BytesIO()
    tidy.to_parquet(buf, index=False)
    (HERE / "29_truncated.parquet").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    # 30: an encrypted member; 31: a member compressed with Deflate64 (method 9)
    _zip_with_member_flag(HERE / "30_encrypted_member.zip", good, method=None, encrypted=True)
    _zip_with_member_flag(HERE / "31_deflate64_member.zip", good, method=9, encrypted=False)
    # 32: a delimiter at the end of every line; 33: one column without a name
    (HERE / "32_trailing_delimiter.tsv").write_text(
        "".join(line + "\t\n" for line in text.splitlines()), encoding="utf-8"
    )
    unnamed = [("" if h == "edizm" else h) for h in header]
    (HERE / "33_empty_header_name.tsv").write_text(_tsv(unnamed, rows), encoding="utf-8")
    # 34-39: values that must never be altered quietly
    (HERE / "34_fractional_year.csv").write_text(
        "year,region,hs6,partner,flow,value_usd\n"
        "2020,RU-TA,847130,CN,export,1.5\n"
        "2020.5,RU-TA,847130,DE,export,2\n",
        encoding="utf-8",
    )
    (HERE / "35_underscore_number.tsv").write_text(
        text.replace("\t250\t", "\t1_000\t"), encoding="utf-8"
    )
    (HERE / "36_code_name_conflict.tsv").write_text(
        text.replace("46000 - MOSCOW REGION", "92000 - МОСКОВСКАЯ ОБЛАСТЬ"), encoding="utf-8"
    )
    (HERE / "37_impossible_date.csv").write_text(
        "period,region,hs6,partner,flow,value_usd\n"
        "2021-01-15,RU-TA,847130,CN,export,1.5\n"
        "2021-02-30,RU-TA,847130,DE,export,2\n",
        encoding="utf-8",
    )
    values = [list(r) for r in rows[:3]]
    values[1][header.index("Stoim")] = "#DIV/0!"
    values[2][header.index("Netto")] = "#VALUE!"
    _workbook(HERE / "38_formula_errors.xlsx", {"1": [header, *values]})
    (HERE / "39_ambiguous_thousands.tsv").write_text(
        text.replace("\t250\t", "\t1.000\t"), encoding="utf-8"
    )
    # 40: the last line cut inside its last field (no final line break)
    (HERE / "40_cut_last_line.tsv").write_text(text.rstrip("\n")[:-12], encoding="utf-8")
    # 41: blank lines; 42: a quoted field over two lines (line numbers are physical lines)
    spaced = text.splitlines()
    spaced.insert(3, "")
    spaced.insert(4, "")
    spaced[-1] = spaced[-1].replace("\t5\t", "\t-5\t")
    (HERE / "41_blank_lines.tsv").write_text("\n".join(spaced) + "\n", encoding="utf-8")
    (HERE / "42_multiline_field.csv").write_text(
        "napr;period;nastranapr;tnved;Stoim;Netto;Subject;note\n"
        'ЭК;01/2020;CN;0102291000;1000,5;200;92000 - РЕСПУБЛИКА ТАТАРСТАН;"two\nlines"\n'
        "ЭК;02/2020;CN;0102291000;-7;200;92000 - РЕСПУБЛИКА ТАТАРСТАН;x\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
