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
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from exportlab.io.errors import IngestError
from exportlab.io.sniff import detect_encoding, detect_format, read_head, split_header
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
    regions: object = None,
    scale: float = 1.0,
    name: str = "table",
) -> pd.DataFrame:
    """A wide sheet (cells as read, no header) as long rows ``region, year, indicator, value``.

    The header row is the first of the top 20 rows holding at least two year cells; the region
    column is the left-most column with text below it. Non-region rows are dropped.
    """
    from exportlab.io.ingest import _matcher
    from exportlab.regions import UnknownRegionError

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
    matcher = _matcher(regions)
    records = []
    for line, row in body.iterrows():
        label = row.iloc[label_col].strip()
        if not label:
            continue
        try:
            region = matcher.match(label)
        except UnknownRegionError:
            continue
        for j, year in year_cols.items():
            records.append((region, year, row.iloc[j], int(line) + 1))
    out = pd.DataFrame(records, columns=["region", "year", "raw", "line"])
    out["value"] = _to_number(out["raw"]) * scale
    out = out.dropna(subset=["value"])
    out["indicator"] = indicator
    out = out.drop_duplicates(["region", "year"], keep="first")
    return coerce_indicators(out)


def _text_header(path: Path) -> tuple[str, str | None, list[str]]:
    """Encoding, delimiter and column names of a delimited text file."""
    head = read_head(path)
    encoding = detect_encoding(head)
    sep, header = split_header(head.decode(encoding, "replace").split("\n")[0])
    return encoding, sep, header


def _read_long(
    path: Path, name: str, regions: object, encoding: str, sep: str | None
) -> pd.DataFrame:
    """A long table (``region, year, indicator, value``) from Parquet or delimited text."""
    from exportlab.io.ingest import _matcher
    from exportlab.regions import UnknownRegionError

    frame = (
        pd.read_parquet(path)
        if detect_format(path) == "parquet"
        else pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep or ",")
    )
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    unknown = sorted(set(frame["indicator"]) - set(INDICATORS))
    if unknown:
        line = int(frame.index[frame["indicator"] == unknown[0]][0]) + 2
        raise IngestError(
            name, line, "indicator", "an indicator key of schema.INDICATORS", unknown[0]
        )
    values = _to_number(frame["value"])
    bad = values.isna() & ~frame["value"].astype(str).str.strip().str.lower().isin(_MISSING)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IngestError(name, i + 2, "value", "a number", frame["value"].iloc[i])
    try:
        region = _matcher(regions).match_many(frame["region"].astype(str), where=name)
    except UnknownRegionError as err:
        raise IngestError(
            name, None, "region", "a region of the region reference", err.value, note=str(err)
        ) from err
    out = pd.DataFrame(
        {
            "region": region,
            "year": pd.to_numeric(frame["year"]),
            "indicator": frame["indicator"],
            "value": values,
        }
    )
    return coerce_indicators(out.dropna(subset=["value"]))


def read_indicators(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    indicator: str | None = None,
    regions: object = None,
    scale: float = 1.0,
    sheet: int | str = 0,
) -> pd.DataFrame:
    """Read tidy long or fedstat wide indicator files into one long table (sorted, deduplicated).

    For a wide table the indicator key is ``indicator`` or else the file stem. ``scale`` multiplies
    wide-table values (units of :data:`exportlab.schema.INDICATORS`). Later files win on duplicates.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
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
                parts.append(_long_from_frame(tmp, name, regions))
                continue
        else:
            encoding, sep, header = _text_header(p)
            if fmt == "parquet" or {"region", "year", "indicator", "value"} <= {
                h.lower() for h in header
            }:
                parts.append(_read_long(p, name, regions, encoding, sep))
                continue
            table = pd.read_csv(
                p, header=None, dtype=str, sep=sep or ",", encoding=encoding, keep_default_na=False
            )
        # A wide table: regions as rows, years as columns.
        key = indicator or p.stem.split(".")[0]
        parts.append(wide_to_long(table, key, regions=regions, scale=scale, name=name))
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else coerce_indicators(pd.DataFrame(columns=["region", "year", "indicator", "value"]))
    )
    out = out.drop_duplicates(["region", "year", "indicator"], keep="last")
    return coerce_indicators(
        out.sort_values(["indicator", "region", "year"]).reset_index(drop=True)
    )


def _long_from_frame(frame: pd.DataFrame, name: str, regions: object) -> pd.DataFrame:
    from exportlab.io.ingest import _matcher

    region = _matcher(regions).match_many(frame["region"].astype(str), where=name)
    out = pd.DataFrame(
        {
            "region": region,
            "year": pd.to_numeric(frame["year"]),
            "indicator": frame["indicator"],
            "value": _to_number(frame["value"]),
        }
    )
    return coerce_indicators(out.dropna(subset=["value"]))
