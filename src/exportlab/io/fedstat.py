"""Regional indicators: tidy long CSV/Parquet and fedstat / Rosstat wide tables.

The canonical indicator table (:data:`exportlab.schema.INDICATOR_COLUMNS`) is long:
``region, year, indicator, value``. Two inputs are read into it:

* a tidy long file with those four columns (``region`` any spelling the region reference knows);
* a fedstat/Rosstat wide table (``.xls``/``.xlsx``/``.csv``): regions as rows, years as columns,
  possibly under a multi-row header and with notes below the table. The indicator key is passed as
  ``indicator=`` or is the file name (``grp_rub.xlsx``). Rows that are not regions (Russian
  Federation, federal districts, "в том числе") are skipped and listed; ``…``, ``-`` and empty cells are
  missing values. ``scale`` converts units (e.g. ``1e6`` for "million RUB" into RUB).

>>> import pandas as pd
>>> wide = pd.DataFrame([["ВРП, млн руб.", None, None], [None, "2019", "2020 г."],
...                      ["Республика Татарстан", "2 586 530,1", "2 500 000"]])
>>> wide_to_long(wide, "grp_rub", scale=1e6)[["region", "year", "value"]].to_dict("records")
[{'region': 'RU-TA', 'year': 2019, 'value': 2586530100000.0}, {'region': 'RU-TA', 'year': 2020, 'value': 2500000000000.0}]
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from exportlab.errors import IngestError, UnknownRegionError
from exportlab.io.sniff import detect_encoding, detect_format, read_head, split_header
from exportlab.regions import as_matcher, classify_label
from exportlab.schema import INDICATORS, coerce_indicators

_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0)?\s*(?:г\.?|год)?\s*$")
_MISSING = {"", "…", "...", "-", "–", "—", "x", "х", "nan", "none"}


def _to_number(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    text = text.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
    text = text.str.replace(r"\)$|^\(|\*+$|\d\)$", "", regex=True)
    text = text.where(~text.str.lower().isin(_MISSING))
    return pd.to_numeric(text, errors="coerce")


def wide_to_long(
    table: pd.DataFrame,
    indicator: str,
    *,
    reference: object = None,
    scale: float = 1.0,
    name: str = "table",
) -> pd.DataFrame:
    """A wide sheet (cells as read, no header) as long rows ``region, year, indicator, value``.

    The header row is the first of the top 20 rows holding at least two year cells; the region
    column is the one left of the first year. The country row, federal districts, "в том числе"
    and notes below the table (a label without values) are skipped and listed in
    ``result.attrs["skipped_rows"]``; where an oblast is printed both with and without its
    autonomous okrugs, the row without them is kept, so the subjects never overlap. A row label
    that matches no region but carries values, a region printed twice or a cell that is neither a
    number nor a missing-value mark (``…``, ``-``, empty) is an :class:`IngestError` naming its line
    and column.
    """
    if indicator not in INDICATORS:
        raise IngestError(
            name,
            expected=f"an indicator key of schema.INDICATORS ({', '.join(INDICATORS)})",
            got=indicator,
        )
    cells = table.astype(object).where(table.notna(), "").astype(str)
    header_row, year_cols = None, {}
    for i in range(min(20, len(cells))):
        years = {j: int(m.group(1)) for j, v in enumerate(cells.iloc[i]) if (m := _YEAR.match(v))}
        if len(years) >= 2 or (len(years) == 1 and i > 0):
            header_row, year_cols = i, years
            break
    if header_row is None:
        raise IngestError(
            name,
            expected="a header row with years as columns (2019, 2020 г., …)",
            note="none in the first 20 rows",
        )
    body = cells.iloc[header_row + 1 :]
    label_col = min(year_cols) - 1 if min(year_cols) > 0 else 0
    column_name = {j: cells.iloc[header_row, j].strip() for j in year_cols}
    matcher = as_matcher(reference)
    records, skipped, first_line = [], [], {}
    for index, row in body.iterrows():
        line = int(index) + 1
        kind, label = classify_label(row.iloc[label_col])
        if kind == "empty":
            continue
        has_values = any(row.iloc[j].strip().lower() not in _MISSING for j in year_cols)
        if kind in ("including", "country", "district"):
            skipped.append({"line": line, "label": label, "kind": kind})
            continue
        try:
            region = matcher.match(label)
        except UnknownRegionError as err:
            if not has_values:  # a note or a source line below the table
                skipped.append({"line": line, "label": label, "kind": "note"})
                continue
            raise IngestError(
                name,
                line,
                cells.iloc[header_row, label_col].strip() or f"column {label_col + 1}",
                "a region of the region reference, the country, a federal district or a note",
                label,
                note=str(err),
            ) from err
        # "без автономного округа" (without its okrugs) replaces the oblast's total with them,
        # so that the subjects do not overlap; any other repeated region is an error.
        rank = 1 if kind == "less_ao" else 0
        if region in first_line:
            prev_line, prev_rank = first_line[region]
            if prev_rank == rank:
                raise IngestError(
                    name,
                    line,
                    None,
                    f"one row per region ({region} is on line {prev_line} too)",
                    label,
                )
            if rank < prev_rank:
                skipped.append({"line": line, "label": label, "kind": "with_okrugs"})
                continue
            skipped.append({"line": prev_line, "label": region, "kind": "with_okrugs"})
            records = [r for r in records if r[0] != region]
        first_line[region] = (line, rank)
        for j, year in year_cols.items():
            records.append((region, year, row.iloc[j], line, column_name[j]))
    out = pd.DataFrame(records, columns=["region", "year", "raw", "line", "column"])
    out["value"] = _to_number(out["raw"]) * scale
    bad = out["value"].isna() & ~out["raw"].str.strip().str.lower().isin(_MISSING)
    if bad.any():
        first = out[bad].iloc[0]
        raise IngestError(
            name,
            int(first["line"]),
            first["column"],
            "a number or a missing-value mark (…, -)",
            first["raw"],
        )
    out = out.dropna(subset=["value"])
    out["indicator"] = indicator
    result = coerce_indicators(out)
    result.attrs["skipped_rows"] = skipped
    return result


def _text_header(path: Path) -> tuple[str, str | None, list[str]]:
    """Encoding, delimiter and column names of a delimited text file."""
    head = read_head(path)
    encoding = detect_encoding(head)
    sep, header = split_header(head.decode(encoding, "replace").split("\n")[0])
    return encoding, sep, header


def _read_long(
    path: Path, name: str, reference: object, encoding: str, sep: str | None
) -> pd.DataFrame:
    """A long table (``region, year, indicator, value``) from Parquet or delimited text."""
    frame = (
        pd.read_parquet(path)
        if detect_format(path) == "parquet"
        else pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep or ",")
    )
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return _long_from_frame(frame.reset_index(drop=True), name, reference)


def read_indicators(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    indicator: str | None = None,
    reference: object = None,
    scale: float = 1.0,
    sheet: int | str = 0,
) -> pd.DataFrame:
    """Read tidy long or fedstat wide indicator files into one long table (sorted, deduplicated).

    For a wide table the indicator key is ``indicator`` or else the file stem. ``scale`` multiplies
    wide-table values (units of :data:`exportlab.schema.INDICATORS`). A value given by
    two files: the later file wins, with a warning when the values differ.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    parts = []
    for p in map(Path, paths):
        name = str(p)
        if not p.exists():
            raise IngestError(name, note="not found")
        fmt = detect_format(p)
        if fmt == "empty":
            raise IngestError(name, expected="an indicator table", note="the file is empty")
        if fmt in ("xlsx", "xls"):
            try:
                table = pd.read_excel(
                    p, header=None, dtype=str, sheet_name=sheet, engine="calamine"
                )
            except Exception as err:
                raise IngestError(
                    name, expected=f"a complete .{fmt} workbook", note=str(err)
                ) from err
            low = [str(v).strip().lower() for v in table.iloc[0].tolist()] if len(table) else []
            if all(c in low for c in ("region", "year", "indicator", "value")):
                tmp = table.iloc[1:].copy()
                tmp.columns = low
                parts.append(_long_from_frame(tmp, name, reference))
                continue
        else:
            encoding, sep, header = _text_header(p)
            if fmt == "parquet" or {"region", "year", "indicator", "value"} <= {
                h.lower() for h in header
            }:
                parts.append(_read_long(p, name, reference, encoding, sep))
                continue
            table = pd.read_csv(
                p, header=None, dtype=str, sep=sep or ",", encoding=encoding, keep_default_na=False
            )
        # A wide table: regions as rows, years as columns.
        key = indicator or p.stem.split(".")[0]
        parts.append(wide_to_long(table, key, reference=reference, scale=scale, name=name))
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else coerce_indicators(pd.DataFrame(columns=["region", "year", "indicator", "value"]))
    )
    sources = np.repeat([str(p) for p in paths], [len(part) for part in parts])
    key = ["region", "year", "indicator"]
    twice = out.duplicated(key, keep=False).to_numpy()
    if twice.any():
        clash = out[twice].assign(source=sources[twice])
        differ = clash.groupby(key, observed=True)["value"].transform("nunique") > 1
        if differ.any():
            first = clash[differ.to_numpy()].iloc[-1]
            n_keys = len(clash[differ.to_numpy()].drop_duplicates(key))
            warnings.warn(
                f"{n_keys} indicator values are given by more than one file with different "
                f"values; the later file wins (e.g. {first['region']} {int(first['year'])} "
                f"{first['indicator']} from {first['source']})",
                stacklevel=2,
            )
    out = out.drop_duplicates(key, keep="last")
    return coerce_indicators(
        out.sort_values(["indicator", "region", "year"]).reset_index(drop=True)
    )


def _long_from_frame(frame: pd.DataFrame, name: str, reference: object) -> pd.DataFrame:
    """Check and convert the rows of a long table; row ``i`` of ``frame`` is line ``i + 2``."""
    frame = frame.reset_index(drop=True)
    line = frame.index.to_numpy() + 2
    unknown = ~frame["indicator"].isin(list(INDICATORS))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise IngestError(
            name,
            int(line[i]),
            "indicator",
            "an indicator key of schema.INDICATORS",
            frame["indicator"].iloc[i],
        )
    raw = frame["value"].astype(str)
    values = _to_number(raw)
    bad = values.isna() & ~raw.str.strip().str.lower().isin(_MISSING)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IngestError(name, int(line[i]), "value", "a number", raw.iloc[i])
    years = pd.to_numeric(frame["year"].astype(str).str.strip(), errors="coerce")
    bad = years.isna() | (years % 1 != 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IngestError(name, int(line[i]), "year", "a whole year", frame["year"].iloc[i])
    try:
        region = as_matcher(reference).match_many(frame["region"].astype(str), where=name)
    except UnknownRegionError as err:
        raise IngestError(
            name, None, "region", "a region of the region reference", err.value, note=str(err)
        ) from err
    out = pd.DataFrame(
        {"region": region, "year": years, "indicator": frame["indicator"], "value": values}
    )
    twice = out.duplicated(["region", "year", "indicator"], keep=False)
    if twice.any():
        rows = np.flatnonzero(twice.to_numpy())
        first = out.iloc[rows[0]]
        same = (
            out.iloc[rows][["region", "year", "indicator"]]
            == first[["region", "year", "indicator"]]
        ).all(axis=1)
        lines = line[rows[same.to_numpy()]]
        raise IngestError(
            name,
            int(lines[1]),
            None,
            f"one row per region, year and indicator (line {int(lines[0])} has the same)",
            f"{first['region']} {int(first['year'])} {first['indicator']}",
        )
    return coerce_indicators(out.dropna(subset=["value"]))
