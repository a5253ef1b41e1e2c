"""Rosstat's published regional tables (.docx yearbook chapters, .xlsx/.xls) → the indicator table.

Rosstat publishes regional statistics as tables with one row per territory: the Russian Federation,
the federal districts and the federal subjects, Russian names on the left and (in the bilingual
yearbook) English names on the right. :func:`read_regional_indicators` reads

* the *Russian Statistical Yearbook*'s Word chapters (``R_25.docx``: every table of the chapter is
  looked at; a table split over pages — "Продолжение табл." — is read as one), with python-docx;
* the same tables as spreadsheets (*Regions of Russia*, fedstat exports): one table per sheet,
  either with indicators as columns (a year in the title) or with years as columns;
* tidy long or fedstat wide ``indicators*`` files (:func:`exportlab.io.fedstat.read_indicators`),

into the long indicator table (``region, year, indicator, value``; :data:`exportlab.schema.INDICATORS`
fixes each indicator's unit) and an :class:`IndicatorReport`.

**Rows.** Every row label is classified: the country row and the federal-district rows are kept
apart (``report.aggregates``), subject rows are matched through the region reference (the Russian
name, else the English one; Latin look-alike letters inside Russian words, as in Rosstat's
"Аpхангельская", are read as Cyrillic and listed). The autonomous okrugs printed "в том числе" under
Arkhangelsk and Tyumen oblasts, and those oblasts again "без автономного округа", are resolved to a
non-overlapping set: the okrugs and the oblasts *less* their okrugs (the rows including the okrugs
are kept apart and checked: total = less-okrug row + okrugs). A label that is none of these stops the
read with the file, table, row and column.

**Cells.** Numbers with spaces and decimal commas; ``–`` (no such activity) is 0; ``…``
(confidential, Federal Law 282-FZ) and empty cells are missing, each listed with a note; footnote
marks (``1)``) are dropped. Anything else is an error naming file, table, row and column.

**Units.** Each column's unit comes from its header or the table's unit line ("(миллионов долларов
США / mln. US dollars)") and is converted to the unit of :data:`exportlab.schema.INDICATORS`. The
country row checks the scale: when the country total is implausible in the printed unit but
plausible at a thousand times that (table 13.8 of the 2022 yearbook says "Млн руб." while its values,
RF = 22 945,4, are billions), the value scale is corrected and a warning says so.

**Totals.** For every additive indicator the 85 subjects must sum to the country row within
rounding: ``|Σ subjects − country| ≤ Σ_i ½·10^-d_i``, over the summed cells and the country cell,
``d_i`` the decimals printed in cell ``i`` (each printed value is off by at most half a unit of its
last digit; for 85 values printed to 0.1 that is ±4.3 units). Tables whose country total includes amounts not allocated to regions (fixed
investment) need ``Σ ≤ country`` only; with confidential cells the sum is a lower bound.

>>> parse_cell("1\\u00a0081,7"), parse_cell("–"), parse_cell("…2)")
((1081.7, 'number', 1), (0.0, 'dash', 0), (None, 'confidential', 0))
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from exportlab.errors import IngestError, UnknownRegionError
from exportlab.files import atomic_path, atomic_write_bytes, write_json, write_parquet
from exportlab.io.fedstat import read_indicators
from exportlab.io.sniff import detect_format
from exportlab.regions import (
    as_matcher,
    classify_label,
    clean_label,
    fix_homoglyphs,
    without_less_ao,
)
from exportlab.schema import INDICATORS, coerce_indicators
from exportlab.schema import derive as derive_indicators

# ------------------------------------------------------------------------------------ table specs


@dataclass(frozen=True)
class Column:
    """An indicator column of a Rosstat table, found by words of its header (case-insensitive).

    ``words``: every one must occur in the header (the header rows above the column, joined);
    ``exclude``: none may. ``additive``: subjects add up to the country row.
    """

    indicator: str
    words: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    additive: bool = True


@dataclass(frozen=True)
class TableSpec:
    """A Rosstat regional table: how to recognise it by its title and which columns to read.

    ``series``: for a table with years as columns, the one indicator it holds. ``unallocated``: the
    country total includes amounts not allocated to regions (then only ``Σ subjects ≤ country``).
    """

    id: str
    title: str  # regular expression on the title (lower case, ё as е)
    columns: tuple[Column, ...] = ()
    series: Column | None = None
    unallocated: bool = False


#: The regional tables read (yearbook tables 2.1, 5.3, 12.19/12.22, 13.8, 16.3, 25.4 and their
#: *Regions of Russia* counterparts with years as columns). Checked in order: specific ones first.
TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "foreign_trade",
        r"внешн\w* торговл\w* субъект|экспорт\w*.*по субъектам|^экспорт\w* товаров\b",
        columns=(
            Column("total_export_usd", ("всего", "экспорт")),
            Column("total_import_usd", ("всего", "импорт")),
            Column("export_cis_usd", ("снг", "экспорт"), ("дальнего",)),
            Column("import_cis_usd", ("снг", "импорт"), ("дальнего",)),
            Column("export_noncis_usd", ("дальнего", "экспорт")),
            Column("import_noncis_usd", ("дальнего", "импорт")),
        ),
        series=Column("total_export_usd"),
    ),
    TableSpec(
        "grp_per_capita",
        r"валов\w* региональн\w* продукт\w* на душу",
        series=Column("grp_per_capita_rub", additive=False),
    ),
    TableSpec(
        "grp",
        r"валов\w* региональн\w* продукт",
        columns=(
            Column("grp_rub", ("всего",)),
            Column("grp_per_capita_rub", ("на душу",), additive=False),
        ),
        series=Column("grp_rub"),
    ),
    TableSpec(
        "investment_per_capita",
        r"инвестиц\w* в основной капитал на душу",
        series=Column("investment_per_capita_rub", additive=False),
    ),
    TableSpec(
        "investment",
        r"инвестиц\w* в основной капитал",
        columns=(Column("fixed_investment_rub", ("руб",), ("процент",)),),
        series=Column("fixed_investment_rub"),
        unallocated=True,
    ),
    TableSpec(
        "industry",
        r"отгруженн\w* товаров собственного производства",
        columns=(
            Column("shipped_mining_rub", ("объем отгруженных", "добыча полезных")),
            Column("shipped_manufacturing_rub", ("объем отгруженных", "обрабатывающие")),
            Column("shipped_energy_rub", ("объем отгруженных", "электрической энергией")),
            Column("shipped_water_rub", ("объем отгруженных", "водоснабжение")),
        ),
    ),
    TableSpec(
        "labour",
        r"рын\w* труда|рабоч\w* сил\w*.*субъект",
        columns=(
            Column("labour_force", ("численность рабочей силы",), ("занятые", "безработные")),
            Column("employed", ("занятые",), ("уровень",)),
            Column("unemployed", ("безработные",), ("уровень", "зарегистрированн")),
            Column("employment_rate_pct", ("уровень занятости",), additive=False),
            Column("unemployment_pct", ("уровень безработицы",), additive=False),
            Column("registered_unemployed", ("численность", "зарегистрированн")),
            Column(
                "registered_unemployment_pct",
                ("уровень зарегистрированной",),
                additive=False,
            ),
        ),
    ),
    TableSpec(
        "unemployment",
        r"уровень безработицы",
        series=Column("unemployment_pct", additive=False),
    ),
    TableSpec(
        "area_population",
        r"территори\w* и населени|площадь территори",
        columns=(
            Column("area_km2", ("площадь",)),
            Column("population", ("численность", "населения")),
        ),
    ),
    TableSpec(
        "population",
        r"численность населения",
        series=Column("population"),
    ),
)

#: Plausible range of the *country* value of each indicator, in its schema unit (Russia, 2000s-2020s),
#: used to check the printed unit of a column by the country row.
PLAUSIBLE_COUNTRY: dict[str, tuple[float, float]] = {
    "total_export_usd": (5e10, 2e12),
    "total_import_usd": (3e10, 2e12),
    "export_cis_usd": (5e9, 5e11),
    "import_cis_usd": (3e9, 5e11),
    "export_noncis_usd": (3e10, 2e12),
    "import_noncis_usd": (2e10, 2e12),
    "grp_rub": (5e12, 1e15),
    "grp_per_capita_rub": (3e4, 1e7),
    "fixed_investment_rub": (1e12, 1e15),
    "investment_per_capita_rub": (5e3, 2e6),
    "shipped_mining_rub": (1e12, 1e15),
    "shipped_manufacturing_rub": (5e12, 1e15),
    "shipped_energy_rub": (5e11, 1e14),
    "shipped_water_rub": (1e11, 1e14),
    "labour_force": (5e7, 1.2e8),
    "employed": (5e7, 1.2e8),
    "unemployed": (5e5, 2e7),
    "registered_unemployed": (1e5, 1e7),
    "population": (1.2e8, 1.6e8),
    "area_km2": (1.6e7, 1.8e7),
}

#: Base units printed in Rosstat headers → the unit of the schema they convert to.
_BASES: tuple[tuple[str, str], ...] = (
    (r"на 1 км|per 1 sq", "per km2"),
    (r"процент|percent|%", "%"),
    (r"\bруб|roubles?|rubles?", "RUB"),
    (r"долл|dollars?|usd", "USD"),
    (r"челов|persons?", "persons"),
    (r"км2|км²|sq\.?\s*km|km2", "km²"),
)
_MULTIPLIERS: tuple[tuple[str, float], ...] = (
    (r"\bмлрд|\bbln\b|billion|миллиард", 1e9),
    (r"\bмлн|\bmln\b|million|миллион", 1e6),
    (r"\bтыс|\bthou\b|thousand", 1e3),
)
_SCALE_WORD = {1.0: "", 1e3: "thousand ", 1e6: "million ", 1e9: "billion ", 1e12: "trillion "}
#: Schema unit of an indicator → the base unit its printed header must name.
_BASE_OF_UNIT = {
    "USD": "USD",
    "RUB": "RUB",
    "RUB per person": "RUB",
    "persons": "persons",
    "km²": "km²",
    "%": "%",
}

# ------------------------------------------------------------------------------------------ cells

_FOOTNOTE = re.compile(r"(?<=\S)\d\)$")
_NUMBER = re.compile(r"^-?\d+(?:[.,](\d+))?$")
_TIMES = re.compile(r"^(?:в|in)(\d+(?:[.,]\d+)?)(?:р|раза?|t|times)\.?$")
_CONFIDENTIAL = {"…", "...", "…*"}
_DASHES = {"–", "-", "—", "−"}
_NOT_APPLICABLE = {"x", "х", "X", "Х"}


def parse_cell(text: str) -> tuple[float | None, str, int]:
    """A printed cell as ``(value, kind, decimals)``.

    ``kind``: ``number``, ``dash`` (``–``: 0), ``times`` ("в 2,1 р.": 210, per cent),
    ``confidential`` (``…``), ``not_applicable`` (``x``) or ``empty``; the last three give
    ``None``. Raises ``ValueError`` for anything else.

    >>> parse_cell("22 945,4"), parse_cell("в 2,1 р.")
    ((22945.4, 'number', 1), (210.0, 'times', -1))
    """
    s = str(text).replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ").strip()
    s = re.sub(r"\s+", "", s)
    s = s.strip("*")
    if s and s not in _CONFIDENTIAL:
        s = _FOOTNOTE.sub("", s)
    if not s:
        return None, "empty", 0
    if s.startswith("…") or s.startswith("...") or s in _CONFIDENTIAL:
        return None, "confidential", 0
    if s in _DASHES:
        return 0.0, "dash", 0
    if s in _NOT_APPLICABLE:
        return None, "not_applicable", 0
    m = _NUMBER.match(s)
    if m:
        return float(s.replace(",", ".")), "number", len(m.group(1) or "")
    m = _TIMES.match(s.lower())
    if m:
        number = m.group(1).replace(",", ".")
        decimals = len(number.split(".")[1]) if "." in number else 0
        return float(number) * 100.0, "times", decimals - 2
    raise ValueError(text)


def parse_unit(text: str) -> tuple[str | None, float]:
    """The base unit and multiplier named in a header or unit line.

    >>> parse_unit("Всего, млн руб. Total, mln. roubles"), parse_unit("(миллионов долларов США)")
    (('RUB', 1000000.0), ('USD', 1000000.0))
    """
    low = _norm(text)
    base = next((unit for rx, unit in _BASES if re.search(rx, low)), None)
    mult = next((m for rx, m in _MULTIPLIERS if re.search(rx, low)), 1.0)
    return base, mult


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip().lower().replace("ё", "е")


# ----------------------------------------------------------------------------------------- report


@dataclass
class TableRead:
    """What was read from one table: columns, units, rows by level, notes and total checks."""

    file: str
    table: str
    title: str
    spec: str
    year: int | None
    layout: str  # "columns" (indicators as columns) or "years" (years as columns)
    columns: list[dict[str, Any]] = field(default_factory=list)
    unread_columns: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class IndicatorReport:
    """The result of :func:`read_regional_indicators`: the table, what was read and checked."""

    table: pd.DataFrame
    tables: list[TableRead] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    aggregates: pd.DataFrame = field(default_factory=pd.DataFrame)
    missing_cells: list[dict[str, Any]] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    reconciliation: pd.DataFrame = field(default_factory=pd.DataFrame)

    def checks_frame(self) -> pd.DataFrame:
        """The total checks of every table: file, table, indicator, year, sums, status."""
        rows = [{"file": t.file, "table": t.table, **c} for t in self.tables for c in t.checks]
        cols = [
            "file",
            "table",
            "indicator",
            "year",
            "subjects",
            "n",
            "country",
            "difference",
            "tolerance",
            "missing",
            "status",
        ]
        return pd.DataFrame(rows, columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (written as ``quality_indicators.json``)."""
        import json

        return {
            "kind": "exportlab indicators report",
            "files": self.files,
            "rows": int(len(self.table)),
            "indicators": sorted(set(self.table["indicator"].astype(str))),
            "tables": [t.__dict__ for t in self.tables],
            "skipped": self.skipped,
            "aggregates": json.loads(self.aggregates.to_json(orient="records"))
            if len(self.aggregates)
            else [],
            "missing_cells": self.missing_cells,
            "derived": self.derived,
            "warnings": self.warnings,
            "reconciliation": json.loads(self.reconciliation.to_json(orient="records"))
            if len(self.reconciliation)
            else [],
        }


# --------------------------------------------------------------------------------------- grids


@dataclass
class Grid:
    """One table as text cells: the rows of each part and where they came from."""

    file: str
    table: str  # "25.4" (docx) or "sheet NAME" (spreadsheet)
    caption: str  # title and unit line
    parts: list[list[list[str]]] = field(default_factory=list)  # each part: rows of cell texts
    row_numbers: list[list[int]] = field(default_factory=list)  # 1-based, of each part
    kind: str = "docx"  # "docx" or "sheet"
    elements: list[tuple[Any, Any]] = field(default_factory=list)  # Word tables not read yet

    def load(self) -> Grid:
        """Read the cells of the Word tables (done only for tables that are read)."""
        for tbl, document in self.elements:
            rows = _table_rows(tbl, document)
            self.parts.append(rows)
            self.row_numbers.append(list(range(1, len(rows) + 1)))
        self.elements = []
        return self

    def first_cells(self) -> Iterable[str]:
        """The first cell of every row (cheap for Word tables not read yet)."""
        from docx.text.paragraph import Paragraph

        for tbl, document in self.elements:
            for tr in tbl.tr_lst:
                tcs = tr.tc_lst
                yield "\n".join(Paragraph(p, document).text for p in tcs[0].p_lst) if tcs else ""
        for part in self.parts:
            for row in part:
                yield row[0] if row else ""

    def where(self, part: int, row: int) -> str:
        if self.kind == "sheet":
            return f"{self.file}, {self.table}, row {row}"
        multi = f", part {part + 1} of {len(self.parts)}" if len(self.parts) > 1 else ""
        return f"{self.file}, table {self.table}{multi}, row {row}"


_TITLE = re.compile(r"^(\d{1,2}\.\d{1,3})\.\s+(\S.*)", re.DOTALL)
_CONTINUED = re.compile(
    r"(?:продолжение|окончание)\s+табл\w*\.?.*?(\d{1,2}\.\d{1,3})", re.IGNORECASE | re.DOTALL
)


def docx_grids(path: str | os.PathLike[str], name: str | None = None) -> list[Grid]:
    """Every table of a Word document, continued parts joined, with its number and caption."""
    import docx
    from docx.text.paragraph import Paragraph

    name = name or str(path)
    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises several kinds for a damaged package
        raise IngestError(name, expected="a Word .docx document", note=str(err)[:200]) from err
    grids: list[Grid] = []
    number, caption, continued = None, [], None
    count = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(element, document).text.strip()
            if not text:
                continue
            m = _CONTINUED.search(text)
            if m:
                continued = m.group(1)
                continue
            m = _TITLE.match(text)
            if m:
                number, caption, continued = m.group(1), [text], None
            elif number is not None and len(caption) < 6:
                caption.append(text)
        elif tag == "tbl":
            count += 1
            if continued is not None and grids and grids[-1].table == continued:
                grids[-1].elements.append((element, document))
            else:
                label = number if number is not None else f"#{count}"
                if any(g.table == label for g in grids):
                    label = f"{label} (#{count})"
                grids.append(Grid(name, label, "\n".join(caption), elements=[(element, document)]))
            number, caption, continued = None, [], None
    return grids


def _table_rows(tbl, document) -> list[list[str]]:
    """Cell texts of a Word table, one list per row, read in one pass over the XML.

    A merged cell's text fills every column and row it spans (as python-docx's ``_Cell.text``
    gives it). Columns are the cells of the rows with the most common number of cells: Rosstat's
    tables sometimes let a value cell span two grid columns, at different places in different
    rows, so the grid position of a value is not its column; its place among the row's cells is.
    Rows with fewer cells (headers spanning several columns) are laid out on the grid of the first
    row with the common number of cells.
    """
    from collections import Counter

    from docx.text.paragraph import Paragraph

    grid_rows: list[list[str]] = []
    cell_rows: list[list[tuple[int, str]]] = []  # (grid start, text) of each cell
    above: dict[int, str] = {}
    for tr in tbl.tr_lst:
        row: list[str] = [""] * int(getattr(tr, "grid_before", 0) or 0)
        cells = []
        for tc in tr.tc_lst:
            column = len(row)
            if tc.vMerge == "continue":
                text = above.get(column, "")
            else:
                text = "\n".join(Paragraph(p, document).text for p in tc.p_lst)
            cells.append((column, text))
            row.extend([text] * max(1, int(tc.grid_span)))
        above.update(enumerate(row))
        grid_rows.append(row)
        cell_rows.append(cells)
    if not cell_rows:
        return []
    common = Counter(len(c) for c in cell_rows).most_common(1)[0][0]
    reference = next(c for c in cell_rows if len(c) == common)
    starts = [start for start, _ in reference]
    rows = []
    for grid_row, cells in zip(grid_rows, cell_rows, strict=True):
        if len(cells) == common:
            rows.append([text for _, text in cells])
        else:
            rows.append([grid_row[s] if s < len(grid_row) else "" for s in starts])
    return rows


def sheet_grids(path: str | os.PathLike[str], name: str | None = None) -> list[Grid]:
    """Every sheet of a workbook as a grid; the rows above the header (title, unit) are its caption."""
    name = name or str(path)
    try:
        sheets = pd.read_excel(path, header=None, dtype=str, sheet_name=None, engine="calamine")
    except Exception as err:
        raise IngestError(name, expected="a complete .xlsx/.xls workbook", note=str(err)) from err
    grids = []
    for sheet, frame in sheets.items():
        cells = frame.fillna("").astype(str).map(lambda v: "" if v == "nan" else v)
        rows = cells.values.tolist()
        caption = []
        for row in rows[:12]:
            texts = [v.strip() for v in row if v.strip()]
            if len(texts) == 1 and not _looks_numeric(texts[0]):
                caption.append(texts[0])
            elif texts:
                break
        grids.append(
            Grid(
                name,
                f"sheet {sheet!r}",
                "\n".join(caption),
                [rows],
                [list(range(1, len(rows) + 1))],
                kind="sheet",
            )
        )
    return grids


def _looks_numeric(text: str) -> bool:
    try:
        return parse_cell(text)[1] in ("number", "dash")
    except ValueError:
        return False


def find_spec(caption: str) -> TableSpec | None:
    """The spec of :data:`TABLES` whose title pattern the caption's first lines match."""
    title = _norm(" ".join(caption.split("\n")[:2]))
    title = re.sub(r"^\d{1,2}\.\d{1,3}\.\s*", "", title)
    return next((s for s in TABLES if re.search(s.title, title)), None)


# ------------------------------------------------------------------------------------ the reader

_YEAR_CELL = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:г\.?|год)?\s*(?:\d\))?\s*$")
_TITLE_YEAR = re.compile(r"\b(?:в|за|in)\s+((?:19|20)\d{2})\s*(?:г\.?|году)?", re.IGNORECASE)
_STOCK_YEAR = re.compile(
    r"на\s+1\s+января\s+((?:19|20)\d{2})|as of january 1,?\s+((?:19|20)\d{2})", re.IGNORECASE
)


def title_year(caption: str) -> tuple[int | None, str | None]:
    """The year a table's title names, and a note when it is a stock at 1 January.

    A stock at 1 January of year Y is recorded as year Y − 1 (its end-of-year value), so that the
    per-capita values of Y − 1 can use it.

    >>> title_year("2.1. ТЕРРИТОРИЯ ... на 1 января 2022 г.")[0], title_year("25.4. ... в 2021г.")[0]
    (2021, 2021)
    """
    m = _STOCK_YEAR.search(caption)
    if m:
        y = int(m.group(1) or m.group(2))
        return y - 1, f"values at 1 January {y} recorded as year {y - 1} (end of year)"
    m = _TITLE_YEAR.search(caption)
    return (int(m.group(1)), None) if m else (None, None)


@dataclass
class _Row:
    part: int
    number: int
    kind: str  # country, district, region, less_ao
    label: str
    label_en: str
    iso: str | None
    cells: list[str]
    level: str = ""
    parent: str | None = None


def _header_text(rows: list[list[str]], j: int) -> str:
    seen: list[str] = []
    for row in rows:
        text = re.sub(r"\s+", " ", row[j]).strip() if j < len(row) else ""
        text = re.sub(r"(\w)- (\w)", r"\1\2", text)  # words hyphenated at a line break
        if text and text not in seen:
            seen.append(text)
    return " | ".join(seen)


def _match(matcher, label: str, label_en: str, where: str) -> str:
    try:
        return matcher.match(label)
    except UnknownRegionError as err:
        first = err
    if label_en:
        try:
            return matcher.match(label_en)
        except UnknownRegionError:
            pass
    hint = "; ".join(f"{n} ({iso})" for n, iso in first.suggestions)
    raise IngestError(
        where,
        column="region",
        expected="the Russian Federation, a federal district or a region of the region reference",
        got=label,
        note=f"closest: {hint}" if hint else None,
    )


def _split_label(cells: list[str], label_col: int, en_col: int | None) -> tuple[str, str]:
    raw = cells[label_col] if label_col < len(cells) else ""
    en = cells[en_col].strip() if en_col is not None and en_col < len(cells) else ""
    text = re.sub(r"\s+", " ", raw).strip()
    if " / " in text:  # "Курская область / Kursk Region" (table 2.1)
        text, en = (p.strip() for p in text.split(" / ", 1))
    elif "\n" in raw.strip() and not en:  # "Южный федеральный округ\nSouthern Federal District"
        first, rest = raw.strip().split("\n", 1)
        if re.search(r"[А-Яа-я]", first) and not re.search(r"[А-Яа-я]", rest):
            text, en = first.strip(), re.sub(r"\s+", " ", rest).strip()
    return text, en


def read_grid(grid: Grid, spec: TableSpec, matcher, *, indicator: str | None = None) -> tuple:
    """Read one recognised table: ``(long rows, aggregate rows, missing cells, TableRead)``."""
    grid.load()
    year, year_note = title_year(grid.caption)
    read = TableRead(
        grid.file, grid.table, grid.caption.split("\n")[0][:200], spec.id, year, "columns"
    )
    if year_note:
        read.notes.append(year_note)
    rows: list[_Row] = []
    mapping: dict[int, tuple[Column, int | None]] | None = None  # column -> (spec column, year)
    for p, (part, numbers) in enumerate(zip(grid.parts, grid.row_numbers, strict=True)):
        width = max((len(r) for r in part), default=0)
        part = [list(r) + [""] * (width - len(r)) for r in part]
        label_col = _label_column(part)
        start = None
        for i, r in enumerate(part):
            kind, label = classify_label(_split_label(r, label_col, None)[0])
            if kind in ("country", "district", "less_ao") or (
                kind == "region" and _REGION_WORD.search(label) and matcher.is_region(label)
            ):
                start = i
                break
        if start is None:
            continue
        header, body = part[:start], part[start:]
        for i, r in enumerate(header):
            cells = [c for j, c in enumerate(r) if j != label_col and c.strip()]
            if r[label_col].strip() and cells and all(_looks_numeric(c) for c in cells):
                raise IngestError(
                    grid.where(p, numbers[i]),
                    column="region",
                    expected="the Russian Federation, a federal district or a region of the "
                    "region reference",
                    got=clean_label(r[label_col]),
                    note="a row of numbers above the first known territory",
                )
        en_col = _english_column(header, body, label_col)
        value_cols = [j for j in range(width) if j != label_col and j != en_col]
        part_map = _map_columns(grid, spec, header, value_cols, read, year, indicator, p)
        if mapping is None:
            mapping = part_map
        elif {j: (c.indicator, y) for j, (c, y) in part_map.items()} != {
            j: (c.indicator, y) for j, (c, y) in mapping.items()
        }:
            raise IngestError(
                grid.where(p, numbers[0]),
                expected="the same columns as the first part of the table",
                note="the continued table has other column headers",
            )
        for i, r in enumerate(body):
            number = numbers[start + i]
            text, en = _split_label(r, label_col, en_col)
            kind, label = classify_label(text)
            has_values = any(r[j].strip() for j in value_cols)
            if kind == "empty":
                if has_values and any(r[j].strip() for j in mapping):
                    raise IngestError(
                        grid.where(p, number),
                        column=_col_name(header, label_col) or "region",
                        expected="a region name for a row with values",
                        got="",
                    )
                continue
            if kind == "including":
                rows.append(_Row(p, number, "including", label, en, None, r))
                continue
            if kind == "region" and not has_values and not matcher.is_region(label):
                # a wrapped line of the previous label, or a note row without values
                read.notes.append(f"row {number} ({label!r}) has no values and is not read")
                continue
            iso = None
            if kind == "region":
                iso = _match(matcher, label, clean_label(en), grid.where(p, number))
            elif kind == "less_ao":
                base = without_less_ao(label)
                iso = _match(matcher, base, without_less_ao(clean_label(en)), grid.where(p, number))
            rows.append(_Row(p, number, kind, label, en, iso, r))
    if mapping is None:
        raise IngestError(
            f"{grid.file}, table {grid.table}" if grid.kind == "docx" else grid.where(0, 1),
            expected="rows of the Russian Federation, federal districts or regions",
            note="no row label is a known territory",
        )
    if read.layout == "years":
        read.year = None
    _resolve_nesting(rows, matcher, grid, read)
    return _values(rows, mapping, grid, spec, read)


def _label_column(part: list[list[str]]) -> int:
    """The left-most column holding text labels in most rows."""
    for j in range(len(part[0]) if part else 0):
        texts = [r[j] for r in part if r[j].strip()]
        if texts and sum(bool(re.search(r"[A-Za-zА-Яа-я]{3}", t)) for t in texts) > len(texts) / 2:
            return j
    return 0


def _english_column(header: list[list[str]], body: list[list[str]], label_col: int) -> int | None:
    """The right-most column when it has no header and holds Latin text (the English names)."""
    j = len(body[0]) - 1 if body else -1
    if j <= label_col or _header_text(header, j):
        return None
    texts = [r[j].strip() for r in body if r[j].strip()]
    latin = sum(bool(re.search(r"[A-Za-z]{2}", t)) and not _looks_numeric(t) for t in texts)
    return j if texts and latin >= len(texts) / 2 or (not texts) else None


def _col_name(header: list[list[str]], j: int) -> str:
    return _header_text(header, j) if header else f"column {j + 1}"


def _map_columns(grid, spec, header, value_cols, read, year, indicator, part):
    """Header columns → (spec column, year). Checks units; records columns not read."""
    texts = {j: _header_text(header, j) for j in value_cols}
    years = {}
    for j in value_cols:
        cells = [r[j] for r in header if r[j].strip()]
        m = _YEAR_CELL.match(cells[-1]) if cells else None
        if m:
            years[j] = int(m.group(1))
    mapping: dict[int, tuple[Column, int | None]] = {}
    first = part == 0
    if years:
        read.layout = "years"
        column = spec.series
        if indicator is not None:
            column = Column(indicator, additive=column.additive if column else True)
        if column is None:
            raise IngestError(
                f"{grid.file}, {grid.table}",
                expected=f"indicator columns of table {spec.id} (years as columns are not read)",
            )
        for j, y in years.items():
            mapping[j] = (column, y)
        if first:
            read.unread_columns = [texts[j] for j in value_cols if j not in years and texts[j]]
    else:
        if year is None:
            raise IngestError(
                f"{grid.file}, table {grid.table}",
                expected="a year in the title (в 2021 г., на 1 января 2022 г.) or years as columns",
                got=grid.caption.split("\n")[0][:120],
            )
        used: set[int] = set()
        for column in spec.columns:
            hits = [
                j
                for j in value_cols
                if all(w in _norm(texts[j]) for w in column.words)
                and not any(w in _norm(texts[j]) for w in column.exclude)
            ]
            if not hits:
                if first:
                    read.notes.append(f"no column for {column.indicator} in this table")
                continue
            if len(hits) > 1:
                raise IngestError(
                    f"{grid.file}, table {grid.table}",
                    column=" ".join(column.words),
                    expected=f"one column for {column.indicator} (a header with "
                    f"{' + '.join(repr(w) for w in column.words)})",
                    got=", ".join(f"column {h + 1}" for h in hits),
                )
            mapping[hits[0]] = (column, year)
            used.add(hits[0])
        if not mapping:
            raise IngestError(
                f"{grid.file}, table {grid.table}",
                expected=f"a column of table {spec.id}: "
                + "; ".join(" + ".join(c.words) for c in spec.columns),
                got=" / ".join(t for t in texts.values() if t)[:200] or "no column headers",
            )
        if first:
            read.unread_columns = [texts[j] for j in value_cols if j not in used and texts[j]]
    if first:
        unit_line = " ".join(
            line for line in grid.caption.split("\n") if line.strip().startswith("(")
        )
        for j, (column, y) in sorted(mapping.items()):
            base, mult = parse_unit(texts[j])
            source = "header"
            if base is None and re.search(
                r"в том числе|including|из них|of which", _norm(texts[j])
            ):
                # parts "в том числе" share the unit of the total column to their left
                left = [parse_unit(texts[i]) for i in value_cols if i < j]
                left = [u for u in left if u[0] is not None]
                if left:
                    (base, mult), source = left[-1], "column to the left"
            if base is None or read.layout == "years":
                b2, m2 = parse_unit(unit_line or grid.caption)
                if base is None:
                    base, mult, source = b2, m2, "unit line"
            expected = _BASE_OF_UNIT[INDICATORS[column.indicator].unit.split(" of ")[0]]
            if base is None:
                raise IngestError(
                    f"{grid.file}, table {grid.table}",
                    column=texts[j][:80],
                    expected=f"a unit ({expected}) in the column header or the table's unit line",
                )
            if base != expected:
                raise IngestError(
                    f"{grid.file}, table {grid.table}",
                    column=texts[j][:80],
                    expected=f"values in {expected} for {column.indicator}",
                    got=base,
                )
            entry = {
                "indicator": column.indicator,
                "year": y,
                "header": texts[j][:200],
                "printed_unit": f"{_SCALE_WORD.get(mult, f'{mult:g} × ')}{base}",
                "unit_from": source,
                "scale": mult,
                "additive": column.additive,
                "column": j + 1,
            }
            read.columns.append(entry)
    return mapping


def _resolve_nesting(rows: list[_Row], matcher, grid: Grid, read: TableRead) -> None:
    """Give each row its level; okrugs printed "в том числе" under their oblast are resolved."""
    kinds = {}
    if "kind" in matcher.reference.columns:
        kinds = dict(zip(matcher.reference["iso"], matcher.reference["kind"], strict=False))
    last_subject: _Row | None = None
    block_parent: _Row | None = None
    for row in rows:
        if row.kind == "including":
            block_parent = last_subject
            continue
        if row.kind == "country":
            row.level = "country"
        elif row.kind == "district":
            row.level = "federal_district"
            block_parent = None
        elif row.kind == "less_ao":
            row.level = "subject_less_ao"
            parent = next(
                (r for r in rows if r.iso == row.iso and r.kind == "region" and r is not row), None
            )
            if parent is not None:
                parent.level = "subject_with_ao"
            block_parent = None
        elif block_parent is not None and "okrug" in str(kinds.get(row.iso, "")):
            row.level = "ao_within_subject"
            row.parent = block_parent.iso
            block_parent.level = "subject_with_ao"
        else:
            block_parent = None
            row.level = row.level or "subject"
            last_subject = row
    for row in rows:
        if row.kind == "region" and row.level == "subject_with_ao":
            continue
        if row.kind == "region" and not row.level:
            row.level = "subject"
    parents = {r.iso for r in rows if r.level == "subject_with_ao"}
    less = {r.iso for r in rows if r.level == "subject_less_ao"}
    for iso in sorted(parents - less):
        read.notes.append(
            f"{iso}: no row without its autonomous okrug(s); additive values derived as the row "
            "including them minus the okrugs, other values missing"
        )
    seen: dict[str, _Row] = {}
    for row in rows:
        if row.level not in ("subject", "subject_less_ao", "ao_within_subject"):
            continue
        if row.iso in seen:
            first = seen[row.iso]
            raise IngestError(
                grid.where(row.part, row.number),
                column="region",
                expected="each region once",
                got=row.label,
                note=f"{row.iso} is also row {first.number} ({first.label!r})",
            )
        seen[row.iso] = row
    read.rows = pd.Series([r.level for r in rows if r.level]).value_counts().sort_index().to_dict()
    fixed = sorted({r.label for r in rows if fix_homoglyphs(r.cells[0]) != r.cells[0]})
    if fixed:
        read.notes.append(
            f"{len(fixed)} Russian label(s) printed with Latin look-alike letters, read as "
            f"Cyrillic: {', '.join(fixed[:5])}{' …' if len(fixed) > 5 else ''}"
        )


def _values(rows: list[_Row], mapping, grid: Grid, spec: TableSpec, read: TableRead) -> tuple:
    header_names = {c["column"] - 1: c["header"] for c in read.columns}
    scale = {(c["indicator"], c["year"]): c["scale"] for c in read.columns}
    records, missing = [], []
    for row in rows:
        if not row.level:
            continue
        for j, (column, year) in mapping.items():
            text = row.cells[j] if j < len(row.cells) else ""
            try:
                value, kind, dec = parse_cell(text)
            except ValueError:
                raise IngestError(
                    grid.where(row.part, row.number),
                    column=header_names.get(j, f"column {j + 1}")[:80],
                    expected='a number, "–" (none) or "…" (confidential)',
                    got=text.strip(),
                    note=f"row {row.label!r}",
                ) from None
            if value is None and row.level in ("subject", "subject_less_ao", "ao_within_subject"):
                missing.append(
                    {
                        "file": grid.file,
                        "table": grid.table,
                        "row": row.number,
                        "region": row.iso,
                        "indicator": column.indicator,
                        "year": year,
                        "cell": text.strip(),
                        "reason": kind,
                    }
                )
            records.append(
                {
                    "level": row.level,
                    "label": row.label,
                    "region": row.iso or "",
                    "parent": row.parent or "",
                    "year": year,
                    "indicator": column.indicator,
                    "printed": value,
                    "additive": column.additive,
                    "half_unit": 0.5 * 10.0**-dec,  # rounding of the printed value
                }
            )
    frame = pd.DataFrame(
        records,
        columns=[
            "level",
            "label",
            "region",
            "parent",
            "year",
            "indicator",
            "printed",
            "additive",
            "half_unit",
        ],
    )
    frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    _check_scale(frame, read, scale, grid)
    frame["scale"] = [
        scale[(i, int(y))] for i, y in zip(frame["indicator"], frame["year"], strict=True)
    ]
    frame["value"] = frame["printed"] * frame["scale"]
    frame["half_unit"] = frame["half_unit"] * frame["scale"]
    frame = _derive_less_ao(frame, read)
    _check_totals(frame, read, spec)
    parts = frame[frame["level"].isin(["subject", "subject_less_ao", "ao_within_subject"])]
    long = parts.loc[:, ["region", "year", "indicator", "value"]].dropna(subset=["value"])
    agg = frame[frame["level"].isin(["country", "federal_district", "subject_with_ao"])].copy()
    agg["file"], agg["table"] = grid.file, grid.table
    agg = agg.loc[:, ["file", "table", "level", "label", "region", "year", "indicator", "value"]]
    if missing:
        kinds = pd.Series([m["reason"] for m in missing]).value_counts().to_dict()
        read.notes.append(
            "cells without a value, kept as missing: "
            + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items()))
            + (" (… = confidential, Federal Law 282-FZ)" if "confidential" in kinds else "")
        )
    return long, agg, missing, read


def _check_scale(frame: pd.DataFrame, read: TableRead, scale: dict, grid: Grid) -> None:
    """Check each column's printed unit by the country row; correct a thousandfold slip."""
    country = frame[frame["level"] == "country"]
    for c in read.columns:
        key = (c["indicator"], c["year"])
        rng = PLAUSIBLE_COUNTRY.get(c["indicator"])
        row = country[(country["indicator"] == key[0]) & (country["year"] == key[1])]
        if rng is None or row.empty or pd.isna(row["printed"].iloc[0]):
            continue
        printed = float(row["printed"].iloc[0])
        lo, hi = rng
        if lo <= printed * c["scale"] <= hi:
            continue
        fits = [m for m in (1e-6, 1e-3, 1e3, 1e6) if lo <= printed * c["scale"] * m <= hi]
        base = c["printed_unit"].split()[-1]
        if len(fits) == 1:
            new = c["scale"] * fits[0]
            msg = (
                f"{grid.file}, table {grid.table}: header says {c['printed_unit']} for "
                f"{c['indicator']}, but the Russian Federation total {printed:,.1f} is plausible "
                f"only in {_SCALE_WORD.get(new, f'{new:g} × ')}{base}; values read as "
                f"{_SCALE_WORD.get(new, f'{new:g} × ')}{base}"
            )
            c["scale"], c["scale_corrected_from"] = new, c["scale"]
            scale[key] = new
        else:
            msg = (
                f"{grid.file}, table {grid.table}: the Russian Federation total of "
                f"{c['indicator']} ({printed:,.1f} {c['printed_unit']}) is outside the plausible "
                f"range {lo:g}–{hi:g} {INDICATORS[c['indicator']].unit}; the unit was kept"
            )
        read.warnings.append(msg)


def _derive_less_ao(frame: pd.DataFrame, read: TableRead) -> pd.DataFrame:
    """Oblasts printed only with their okrugs: additive values minus the okrugs."""
    parents = set(frame.loc[frame["level"] == "subject_with_ao", "region"])
    less = set(frame.loc[frame["level"] == "subject_less_ao", "region"])
    extra = []
    for iso in sorted(parents - less):
        total = frame[(frame["region"] == iso) & (frame["level"] == "subject_with_ao")]
        okrugs = frame[(frame["parent"] == iso) & (frame["level"] == "ao_within_subject")]
        for row in total.itertuples(index=False):
            sub = okrugs[(okrugs["indicator"] == row.indicator) & (okrugs["year"] == row.year)]
            value = (
                row.value - sub["value"].sum(min_count=len(sub))
                if row.additive and len(sub) and sub["value"].notna().all()
                else np.nan
            )
            extra.append({**row._asdict(), "level": "subject_less_ao", "value": value})
    if extra:
        frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    return frame


def _check_totals(frame, read: TableRead, spec: TableSpec) -> None:
    """Σ of the 85 subjects against the country row; okrug-including rows against their parts."""
    parts = frame[frame["level"].isin(["subject", "subject_less_ao", "ao_within_subject"])]
    country = frame[frame["level"] == "country"]
    for (indicator, year), group in parts.groupby(["indicator", "year"], sort=True):
        if not group["additive"].iloc[0]:
            continue
        c = country[(country["indicator"] == indicator) & (country["year"] == year)]
        n = int(group["value"].notna().sum())
        total = float(group["value"].sum())
        missing = int(group["value"].isna().sum())
        tol = float(group.loc[group["value"].notna(), "half_unit"].sum())
        tol += float(c["half_unit"].iloc[0]) if not c.empty else 0.0
        check = {
            "indicator": indicator,
            "year": int(year),
            "subjects": total,
            "n": n,
            "country": None,
            "difference": None,
            "tolerance": tol,
            "missing": missing,
            "status": "no country row",
        }
        if not c.empty and pd.notna(c["value"].iloc[0]):
            cv = float(c["value"].iloc[0])
            diff = total - cv
            check.update(country=cv, difference=diff)
            if abs(diff) <= tol:
                status = "ok"
            elif (missing or spec.unallocated) and diff < 0:
                status = (
                    f"lower: {missing} confidential cell(s) hold {-diff:,.0f}"
                    if missing
                    else f"lower: {-diff:,.0f} not allocated to regions (in the country total)"
                )
            else:
                status = "mismatch"
                read.warnings.append(
                    f"{read.file}, table {read.table}: {indicator} {int(year)}: the {n} subjects "
                    f"sum to {total:,.1f}, the Russian Federation row is {cv:,.1f} (difference "
                    f"{diff:,.1f}, tolerance ±{tol:,.1f})"
                )
            check["status"] = status
        read.checks.append(check)
    # rows including okrugs = row without them + the okrugs
    for row in frame[frame["level"] == "subject_with_ao"].itertuples(index=False):
        if not row.additive or pd.isna(row.value):
            continue
        less = parts[
            (parts["region"] == row.region)
            & (parts["indicator"] == row.indicator)
            & (parts["year"] == row.year)
        ]
        okrugs = parts[
            (parts["parent"] == row.region)
            & (parts["indicator"] == row.indicator)
            & (parts["year"] == row.year)
        ]
        both = pd.concat([less, okrugs])
        if both["value"].isna().any() or less.empty:
            continue
        diff = float(both["value"].sum()) - row.value
        if abs(diff) > float(both["half_unit"].sum()) + row.half_unit:
            read.warnings.append(
                f"{read.file}, table {read.table}: {row.indicator} {int(row.year)}: {row.label} "
                f"is {row.value:,.1f} but its parts sum to {both['value'].sum():,.1f}"
            )


# ------------------------------------------------------------------------------- files and folders

_SPREADSHEET_FORMATS = ("xlsx", "xls")


def is_docx(path: Path) -> bool:
    """A Word .docx package (a zip with ``word/document.xml``)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def indicator_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Indicator inputs in a raw folder: ``indicators*`` files, Word tables (``*.docx``) and
    spreadsheets whose sheets carry a Rosstat regional table title (in name order)."""
    root = Path(folder)
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.name.lower().startswith("indicators"):
            found.append(path)
        elif path.suffix.lower() == ".docx" and is_docx(path):
            found.append(path)
        elif detect_format(path) in _SPREADSHEET_FORMATS:
            try:
                grids = sheet_grids(path)
            except IngestError:
                continue
            if any(find_spec(g.caption) for g in grids):
                found.append(path)
    return found


def _display_name(path: Path) -> str:
    from exportlab import paths

    try:
        return path.resolve().relative_to(paths.project_root().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_regional_indicators(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    reference: object = None,
    indicator: str | None = None,
    derive: bool = True,
) -> IndicatorReport:
    """Read Rosstat tables (.docx, .xlsx, .xls) and tidy/fedstat indicator files into one table.

    ``inputs``: files or folders (a folder gives :func:`indicator_files`). ``reference``: the region
    reference (default: the shipped Russian one). ``indicator``: the key of a spreadsheet with years
    as columns whose title is not one of :data:`TABLES`. ``derive``: add the indicators computed
    from others (:func:`exportlab.schema.derive`: export per capita, non-CIS share, fixed
    investment per capita, mining share of shipments). Later files win on duplicates (a later
    yearbook revises an earlier one); differing values are listed in the warnings.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    files: list[Path] = []
    for item in map(Path, inputs):
        if not item.exists():
            raise IngestError(str(item), expected="an existing file or folder", note="not found")
        files.extend(indicator_files(item) if item.is_dir() else [item])
    matcher = as_matcher(reference)
    parts, aggs = [], []
    report = IndicatorReport(table=pd.DataFrame())
    for path in files:
        name = _display_name(path)
        report.files.append(name)
        fmt = detect_format(path)
        if fmt == "zip" and is_docx(path):
            grids = docx_grids(path, name)
        elif fmt in _SPREADSHEET_FORMATS:
            grids = sheet_grids(path, name)
            if indicator is None and not any(find_spec(g.caption) for g in grids):
                parts.append(read_indicators(path, reference=reference))
                continue
        elif fmt == "empty":
            raise IngestError(name, expected="an indicator table", note="the file is empty")
        else:
            parts.append(read_indicators(path, indicator=indicator, reference=reference))
            continue
        found = 0
        for grid in grids:
            spec = find_spec(grid.caption)
            if spec is None and indicator is not None and grid.kind == "sheet":
                spec = TableSpec("user", "", series=Column(indicator))
            if spec is None:
                if _is_regional(grid, matcher):
                    report.skipped.append(
                        {
                            "file": name,
                            "table": grid.table,
                            "reason": "a regional table without an indicator mapping: "
                            + grid.caption.split("\n")[0][:120],
                        }
                    )
                continue
            if not _is_regional(grid, matcher, minimum=3, share=0.5):
                report.skipped.append(
                    {
                        "file": name,
                        "table": grid.table,
                        "reason": f"title matches table {spec.id}, but its rows are not regions",
                    }
                )
                continue
            long, agg, missing, read = read_grid(grid, spec, matcher, indicator=indicator)
            found += 1
            parts.append(coerce_indicators(long.assign(year=long["year"].astype("int64"))))
            aggs.append(agg)
            report.missing_cells.extend(missing)
            report.tables.append(read)
            report.warnings.extend(read.warnings)
        if not found and grids and fmt != "zip":
            raise IngestError(name, expected="a Rosstat regional table", note="none recognised")
    table = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["region", "year", "indicator", "value"])
    )
    table = coerce_indicators(table)
    dup = table[table.duplicated(["region", "year", "indicator"], keep=False)]
    if len(dup):
        spread = dup.groupby(["region", "year", "indicator"])["value"].agg(["min", "max"])
        differ = spread[~np.isclose(spread["min"], spread["max"], rtol=1e-9, atol=0)]
        if len(differ):
            ex = differ.index[0]
            report.warnings.append(
                f"{len(differ)} value(s) differ between files for the same region, year and "
                f"indicator (e.g. {ex[0]} {ex[1]} {ex[2]}); the later file's values are kept"
            )
    table = table.drop_duplicates(["region", "year", "indicator"], keep="last")
    if derive:
        table, report.derived = derive_indicators(table)
    report.table = coerce_indicators(
        table.sort_values(["indicator", "region", "year"]).reset_index(drop=True)
    )
    report.aggregates = (
        pd.concat(aggs, ignore_index=True) if aggs else pd.DataFrame(columns=["file", "table"])
    )
    return report


#: Words of region names: a cheap test before the matcher (which suggests spellings on a miss).
_REGION_WORD = re.compile(
    r"област|край|республик|округ|москв|петербург|севастопол|oblast|region|territory|republic"
    r"|krai|area|city|moscow",
    re.IGNORECASE,
)


def _is_regional(grid: Grid, matcher, minimum: int = 20, share: float | None = None) -> bool:
    """At least ``minimum`` row labels of the grid are regions of the reference, or (with
    ``share``) some are and territories make up at least that share of the labelled rows."""
    regions = territories = labelled = 0
    for cell in grid.first_cells():
        kind, label = classify_label(cell.split(" / ")[0])
        if kind == "empty":
            continue
        labelled += 1
        if kind in ("country", "district", "less_ao", "including"):
            territories += 1
        elif (
            kind == "region"
            and len(label) < 80
            and _REGION_WORD.search(label)
            and matcher.is_region(label)
        ):
            regions += 1
            territories += 1
            if regions >= minimum:
                return True
    return share is not None and regions >= 1 and territories >= share * labelled


# ------------------------------------------------------------------------------------- writing

REPORT_FILE = "quality_indicators.json"
TABLE_FILE = "indicators.parquet"
_MARK = b"exportlab.indicators"


def _ours(path: Path) -> bool:
    """Whether ``path`` is an indicator table or report this package wrote."""
    import json

    import pyarrow.parquet as pq

    if path.name == TABLE_FILE:
        try:
            schema = pq.read_schema(path)
        except Exception:
            return False
        return (schema.metadata or {}).get(_MARK) is not None or list(schema.names) == list(
            ("region", "year", "indicator", "value")
        )
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("kind") == (
            "exportlab indicators report"
        )
    except (OSError, ValueError, AttributeError):
        return False


def write_indicators(report: IndicatorReport, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``out_dir/indicators.parquet`` and ``out_dir/quality_indicators.json`` atomically.

    An existing file of either name that this package did not write (another table, a user's
    file) is never replaced: :class:`IngestError` names it and nothing is written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    targets = [out / TABLE_FILE, out / REPORT_FILE]
    for target in targets:
        if target.exists() and not _ours(target):
            raise IngestError(
                str(target),
                note="exists and was not written by exportlab; choose another --out folder",
            )
    out.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(report.table, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _MARK: b"1"})
    with atomic_path(targets[0]) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    write_json(report.to_dict(), targets[1])
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    """``exportlab indicators PATH... --out DIR``: exit 0, or 2 on bad input."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="exportlab indicators",
        description="Read Rosstat regional tables (.docx, .xlsx, .xls) and tidy indicator files "
        "into DIR/indicators.parquet and DIR/quality_indicators.json.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--regions", metavar="FILE", help="region reference CSV (default: Russia)")
    parser.add_argument(
        "--indicator", metavar="KEY", help="indicator of a spreadsheet with years as columns"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = read_regional_indicators(
                args.paths, reference=args.regions, indicator=args.indicator
            )
        written = write_indicators(report, args.out)
    except IngestError as err:
        print(f"exportlab indicators: error: {err}", file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(f"exportlab indicators: warning: {warning}", file=sys.stderr)
    checks = report.checks_frame()
    ok = int((checks["status"] == "ok").sum()) if len(checks) else 0
    print(
        f"read {len(report.tables)} table(s) from {len(report.files)} file(s): "
        f"{len(report.table)} rows, {report.table['indicator'].nunique()} indicators; "
        f"totals: {ok} of {len(checks)} within rounding; wrote {written[0]} and {written[1]}"
    )
    return 0


# ------------------------------------------------------------------------- stage 01 without trade

NO_TRADE_WARNING = (
    "no product-level trade table in the inputs: the trade tables are written empty and the "
    "stages that need trade are skipped"
)


def ingest_if_trade(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    **kwargs: Any,
):
    """:func:`exportlab.io.ingest`, or — when the inputs hold no trade table at all (a folder of
    Rosstat yearbook tables only) — empty ``trade.parquet`` / ``trade_fine.parquet`` and a quality
    report saying so, instead of an error. Returns the :class:`~exportlab.io.IngestReport`.

    Any other problem of the inputs is raised as by :func:`exportlab.io.ingest`.
    """
    from exportlab.io.ingest import (
        FINE_FILE,
        QUALITY_FILE,
        REJECTED_FILE,
        TRADE_FILE,
        ingest,
    )
    from exportlab.io.quality import IngestReport
    from exportlab.schema import coerce_trade

    try:
        return ingest(inputs, out_dir, **kwargs)
    except IngestError as err:
        if err.expected != "at least one trade table":
            raise
    out = Path(out_dir)
    report = IngestReport(hs_digits=kwargs.get("hs_digits", 6), warnings=[NO_TRADE_WARNING])
    columns = ["year", "region", "hs6", "partner", "flow", "value_usd", "netto_kg"]
    trade = coerce_trade(pd.DataFrame({c: [] for c in columns}))
    fine = pd.DataFrame(
        {
            "year": pd.Series(dtype="int16"),
            "region": pd.Series(dtype="string"),
            "tnved": pd.Series(dtype="string"),
            "partner": pd.Series(dtype="string"),
            "flow": pd.Series(dtype="string"),
            "value_usd": pd.Series(dtype="float64"),
            "netto_kg": pd.Series(dtype="float64"),
            "file": pd.Series(dtype="string"),
        }
    )
    write_parquet(fine, out / FINE_FILE)
    write_parquet(trade, out / TRADE_FILE)
    atomic_write_bytes(
        report.rejection_frame().to_csv(index=False, lineterminator="\n").encode("utf-8"),
        out / REJECTED_FILE,
    )
    report.outputs = {n: str(out / n) for n in (FINE_FILE, TRADE_FILE, REJECTED_FILE, QUALITY_FILE)}
    write_json(report.to_dict(), out / QUALITY_FILE)
    return report


def has_trade(processed_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether the processed ``trade.parquet`` holds any row (read from its metadata only)."""
    import pyarrow.parquet as pq

    if processed_dir is None:
        from exportlab import paths

        processed_dir = paths.processed_dir()
    path = Path(processed_dir) / "trade.parquet"
    return path.exists() and pq.ParquetFile(path).metadata.num_rows > 0
