"""The fast path of :func:`exportlab.io.ingest` for delimited text: one typed, grouping DuckDB pass.

Large FCS DATTSVT files hold a few hundred distinct labels (flows, periods, partners, regions) in
millions of rows. The fast path therefore

1. samples the file (its head and slices spread over it) to learn those labels and whether numbers
   use a decimal comma; every partner code and every FCS region label of the reference is known
   in advance, so rare ones need not be in the sample;
2. maps each distinct label once in Python (flow names, period layouts, partner codes, the region
   matcher) and hands the result to DuckDB as ENUM types plus lookup lists — per row DuckDB only
   does an ENUM cast and a list index, no string functions;
3. reads the text once with ``read_csv`` (explicit column types, numbers parsed as exact decimals
   with the detected separator) and groups it while reading into cells (file, year, region, code,
   partner, flow) with row counts and exact sums (:func:`build_cells`); the rows themselves are
   never held in memory;
4. checks every validation rule on the cells: unmapped labels, negative or missing numbers,
   malformed codes; cells with two rows in one month are read once more to look for exact copies.

When the sample shows many rows per cell and month (few cells), step 3 groups the text by its raw
labels instead, keeping the hashes of each raw cell's numbers: mapping, checks and the search for
exact copies then run on that small table, and the text is read once (:func:`_build_cells_raw`).

A label that was not in the sample is looked up in one extra pass and the cells are rebuilt; any
invalid row, exact copy of a row or reader error makes :func:`build_cells` return ``False`` and the
caller falls back to the general path, which finds the file, line and column of every problem.
The rules are the same as the general path's (``exportlab.io.ingest.normalized_sql``).

>>> period_parts("03/2021"), period_parts("2021"), period_parts("13/2021")
((2021, 3, 'MM/YYYY'), (2021, None, 'YYYY'), None)
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from exportlab.io.sources import Source

SAMPLE_HEAD = 1 << 18
SAMPLE_SLICES = 32
SLICE_BYTES = 1 << 14
LABEL_FIELDS = ("flow", "period", "partner", "region")

_PERIOD_RX: dict[str, tuple[str, Callable[[str], tuple[str, str | None]]]] = {
    "MM/YYYY": (r"[0-9]{1,2}/[0-9]{4}", lambda p: (p[-4:], p.split("/")[0])),
    "YYYY": (r"[0-9]{4}", lambda p: (p, None)),
    "MM.YYYY": (r"[0-9]{1,2}\.[0-9]{4}", lambda p: (p[-4:], p.split(".")[0])),
    "YYYY-MM": (r"[0-9]{4}-[0-9]{1,2}", lambda p: (p[:4], p.split("-")[1])),
    "YYYYMM": (r"[0-9]{6}", lambda p: (p[:4], p[-2:])),
    "DD.MM.YYYY": (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", lambda p: (p[-4:], p.split(".")[1])),
    "YYYY-MM-DD": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?", lambda p: (p[:4], p[5:7])),
}
#: Period layouts; bit ``k`` of a ``formats_mask`` stands for ``PERIOD_LAYOUTS[k]``.
PERIOD_LAYOUTS = (*_PERIOD_RX, "year")


def period_parts(text: str, year_column: bool = False) -> tuple[int, int | None, str] | None:
    """``(year, month, layout)`` of a period label, or ``None`` when invalid.

    Same rules as the general path: layouts tried in order, year 1900–2100, month 1–12; a value of a
    ``year`` column is an integer year (layout ``year``).
    """
    p = text.strip()
    if year_column:
        if not re.fullmatch(r"[+-]?[0-9]+", p):
            return None
        year, month, name = int(p), None, "year"
    else:
        name = next((n for n, (rx, _) in _PERIOD_RX.items() if re.fullmatch(rx, p)), None)
        if name is None:
            return None
        y, m = _PERIOD_RX[name][1](p)
        year, month = int(y), (int(m) if m is not None else None)
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return None
    if name in ("DD.MM.YYYY", "YYYY-MM-DD"):  # a date must exist (not 2021-02-30)
        day = int(p.split(".")[0] if name == "DD.MM.YYYY" else p[8:10])
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
    return year, month, name


def flow_of(text: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    """``export`` / ``import`` for a flow label (as the general path: exact or trimmed upper case)."""
    for name, names in labels.items():
        if text == names[0] or text.strip().upper() in names:
            return name
    return None


@dataclass
class Plan:
    """What the sample taught: per source the decimal separator, and the labels seen per field.

    ``dense``: some cell of the sample has two rows in one month (few cells, many rows each).
    """

    decimal: dict[int, str] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in LABEL_FIELDS})
    dense: bool = False


def eligible(sources: Sequence[Source]) -> bool:
    """True when every source is delimited text with one period-or-year column."""
    for src in sources:
        cols = src.layout.columns
        if src.fmt != "text" or src.frame is not None or not src.delim:
            return False
        if ("period" in cols) == ("year" in cols):
            return False
        if len(set(src.layout.header)) != len(src.layout.header):
            return False
    return True


def _sample_lines(path, delim: str) -> list[tuple[list[str], bool]]:
    """Rows from the head of the file and from slices spread over it (partial lines dropped).

    Each row comes with ``True`` when its slice does not overlap the head (so a row seen twice
    among those is twice in the file).
    """
    size = path.stat().st_size
    chunks = []
    with open(path, "rb") as fh:
        chunks.append((fh.read(SAMPLE_HEAD), True, True))
        if size > 4 * SAMPLE_HEAD:
            for k in range(1, SAMPLE_SLICES + 1):
                start = size * k // (SAMPLE_SLICES + 1)
                fh.seek(start)
                chunks.append((fh.read(SLICE_BYTES), False, start >= SAMPLE_HEAD))
    rows: list[tuple[list[str], bool]] = []
    for data, head, apart in chunks:
        found: list[list[str]] = []
        text = data.decode("utf-8", errors="ignore")
        lines = text.split("\n")[1:]  # the header, or a partial line
        if len(data) >= (SAMPLE_HEAD if head else SLICE_BYTES):
            lines = lines[:-1]
        body = "\n".join(line.rstrip("\r") for line in lines if line.strip())
        if delim == "\t":
            found.extend(line.split("\t") for line in body.split("\n") if line)
        else:
            found.extend(csv.reader(io.StringIO(body), delimiter=delim, quotechar='"'))
        rows.extend((row, apart) for row in found)
    return rows


_COMMA_NUMBER = re.compile(r"\s*-?[0-9\s\u00a0]*,[0-9]+\s*")


def sample(sources: Sequence[Source]) -> Plan:
    """Learn decimal separators, labels and whether cells repeat in a month from samples."""
    plan = Plan()
    cell_months: set[tuple[str, ...]] = set()
    for i, src in enumerate(sources):
        header = src.layout.header
        idx = {f: header.index(c) for f, c in src.layout.columns.items()}
        key_at = [
            idx[f] for f in ("flow", "period", "year", "partner", "region", "code") if f in idx
        ]
        comma = False
        for row, apart in _sample_lines(src.path, src.delim):
            if len(row) != len(header):
                continue
            if apart and not plan.dense:
                key = tuple(row[k] for k in key_at)
                plan.dense = key in cell_months
                cell_months.add(key)
            for fld in LABEL_FIELDS:
                key = "year" if fld == "period" and "period" not in idx else fld
                if key in idx and row[idx[key]] != "":
                    plan.seen[fld].add(row[idx[key]])
            if not comma:
                comma = any(
                    f in idx and _COMMA_NUMBER.fullmatch(row[idx[f]]) for f in ("value", "netto")
                )
        plan.decimal[i] = "," if comma and src.delim != "," else "."
    return plan


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _enum(con: duckdb.DuckDBPyConnection, name: str, values: Sequence[str]) -> None:
    con.execute(f"DROP TYPE IF EXISTS {name}")
    body = ", ".join(_q(v) for v in values) if values else "''"
    con.execute(f"CREATE TYPE {name} AS ENUM ({body})")


def _lookup(values: Sequence[object], sql_type: str) -> str:
    items = [("NULL" if v is None else (_q(v) if isinstance(v, str) else str(v))) for v in values]
    return f"([{', '.join([*items, 'NULL'])}]::{sql_type}[])"


@dataclass
class Maps:
    """Label -> value maps for flow, period, partner and region, grown as labels are met."""

    flow_labels: dict[str, tuple[str, ...]]
    partner_codes: set[str]
    match_regions: Callable[[list[str]], pd.DataFrame]
    year_column: dict[int, bool]
    flow: dict[str, str | None] = field(default_factory=dict)
    period: dict[tuple[str, bool], tuple[int, int | None, str] | None] = field(default_factory=dict)
    partner: dict[str, str | None] = field(default_factory=dict)
    region: dict[str, str | None] = field(default_factory=dict)

    def add(self, fld: str, labels: set[str]) -> None:
        if fld == "flow":
            for v in labels - self.flow.keys():
                self.flow[v] = flow_of(v, self.flow_labels)
        elif fld == "period":
            for v in labels:
                for yc in set(self.year_column.values()):
                    if (v, yc) not in self.period:
                        self.period[(v, yc)] = period_parts(v, yc)
        elif fld == "partner":
            for v in labels - self.partner.keys():
                code = v.strip().upper()
                self.partner[v] = code if code in self.partner_codes else None
        else:
            new = sorted(labels - self.region.keys())
            if new:
                frame = self.match_regions(new)
                self.region.update(zip(frame["label"], frame["region"], strict=True))

    def define(self, con: duckdb.DuckDBPyConnection, regions: Sequence[str]) -> dict[str, str]:
        """Create the ENUM types and return the SQL lookup lists."""
        flows = sorted(self.flow)
        periods = sorted({v for v, _ in self.period})
        partners = sorted(self.partner)
        labels = sorted(self.region)
        _enum(con, "raw_flow", flows)
        _enum(con, "raw_period", periods)
        _enum(con, "raw_partner", partners)
        _enum(con, "raw_region", labels)
        _enum(con, "e_flow", ["export", "import"])
        _enum(con, "e_partner", sorted(self.partner_codes))
        _enum(con, "e_region", sorted(regions))
        out = {
            # the labels themselves, by ENUM code (as _enum created them)
            **{
                f"{fld}_label": _lookup(values or [""], "VARCHAR")
                for fld, values in zip(
                    LABEL_FIELDS, (flows, periods, partners, labels), strict=True
                )
            },
            "flow": _lookup([self.flow[v] for v in flows], "e_flow"),
            "partner": _lookup([self.partner[v] for v in partners], "e_partner"),
            "region": _lookup([self.region[v] for v in labels], "e_region"),
        }
        for yc in (False, True):
            parts = [self.period.get((v, yc)) for v in periods]
            out[f"year{int(yc)}"] = _lookup([p[0] if p else None for p in parts], "SMALLINT")
            out[f"month{int(yc)}"] = _lookup([p[1] if p else None for p in parts], "UTINYINT")
            out[f"pf{int(yc)}"] = _lookup(
                [PERIOD_LAYOUTS.index(p[2]) if p else None for p in parts], "UTINYINT"
            )
        return out


def _reader(src: Source, decimal: str) -> str:
    cols = src.layout.columns
    types = {h: "VARCHAR" for h in src.layout.header}
    for fld in ("value", "netto"):
        if fld in cols:
            types[cols[fld]] = NUMBER
    quote = "''" if src.delim == "\t" else "'\"'"
    spec = ", ".join(f"{_q(h)}: {_q(t)}" for h, t in types.items())
    return (
        f"read_csv({_q(str(src.path))}, delim={_q(src.delim)}, header=true, quote={quote}, "
        f"escape={quote}, auto_detect=false, strict_mode=true, decimal_separator={_q(decimal)}, "
        f"columns={{{spec}}})"
    )


#: Numbers as the reader parses them: exact decimals (a value of a trillion or more, or a number
#: written otherwise, is a reader error and sends the ingest to the general path).
NUMBER = "DECIMAL(18, 6)"


def _col(src: Source, fld: str) -> str:
    cols = src.layout.columns
    if fld == "period":
        fld = "period" if "period" in cols else "year"
    return f'r."{cols[fld]}"' if fld in cols else "NULL::VARCHAR"


def _mapped_select(
    i: int,
    yc: int,
    lk: dict[str, str],
    flow: str | None,
    labels: tuple[str, str, str, str, str],
    carry: Sequence[tuple[str, str]],
    relation: str,
) -> str:
    """Labels of ``relation`` mapped through the lookups ``lk``; the ``carry`` columns kept.

    ``labels``: SQL of the raw flow, period (or year), partner, region and code; ``carry``:
    ``(expression, name)`` pairs passed through. Each label is cast once to its ENUM of raw labels;
    the lookups index the casts' codes (no string function per label).
    """
    f, p, pa, rg, code = labels
    default = _q(flow) + "::e_flow" if flow else "NULL::e_flow"
    inner = ", ".join(f"{expr} AS {name}" for expr, name in carry)
    outer = ", ".join(name for _, name in carry)
    return f"""
  SELECT {i}::USMALLINT AS file_id,
    CASE WHEN f_raw IS NULL THEN {default} ELSE {lk["flow"]}[cf + 1] END AS flow,
    {lk[f"year{yc}"]}[cp + 1] AS year, {lk[f"month{yc}"]}[cp + 1] AS month,
    {lk[f"pf{yc}"]}[cp + 1] AS pf, {lk["partner"]}[cpa + 1] AS partner,
    {lk["region"]}[crg + 1] AS region, CASE WHEN restored THEN '0' || c ELSE c END AS code,
    restored, {outer}
  FROM (
    SELECT {f} AS f_raw, {code} AS c,
      (length({code}) % 2 = 1 AND left({code}, 1) <> 'X') AS restored,
      enum_code(TRY_CAST({f} AS raw_flow)) AS cf, enum_code(TRY_CAST({p} AS raw_period)) AS cp,
      enum_code(TRY_CAST({pa} AS raw_partner)) AS cpa,
      enum_code(TRY_CAST({rg} AS raw_region)) AS crg,
      {inner}
    FROM {relation})"""


def _labels_of(src: Source) -> tuple[str, str, str, str, str]:
    return tuple(_col(src, x) for x in ("flow", "period", "partner", "region", "code"))  # type: ignore[return-value]


def _numbers_of(src: Source) -> tuple[str, str]:
    netto = _col(src, "netto") if "netto" in src.layout.columns else f"NULL::{NUMBER}"
    return _col(src, "value"), netto


def _rows_select(src: Source, i: int, decimal: str, lk: dict[str, str], flow: str | None) -> str:
    """The typed, mapped rows of one source (read as they are scanned, never stored)."""
    yc = int("period" not in src.layout.columns)
    value, netto = _numbers_of(src)
    carry = [(value, "value_usd"), (netto, "netto_kg")]
    return _mapped_select(i, yc, lk, flow, _labels_of(src), carry, f"{_reader(src, decimal)} r")


#: Columns of table ``raw_cells`` holding the raw label text of each field of LABEL_FIELDS.
RAW_LABELS = ("f_raw", "p_raw", "pa_raw", "rg_raw")


def _raw_select(src: Source, i: int, decimal: str, lk: dict[str, str]) -> str:
    """Rows of one source grouped by their raw labels (flow, period, partner, region, code).

    Only the reader's work per row and no mapping: a raw cell is one cell in one period label,
    with the row count, exact sums, the count of rows with a missing or negative number and the
    hashes of the rows' numbers (``hs``), which find exact copies without a second pass over the
    text. The rows are grouped by the codes of their labels in the ENUMs of raw labels (small
    integers hash faster than text); a label outside those ENUMs is kept as text (``*_miss``).
    The codes are turned back into the labels on the grouped table (``lk``: the label lists of
    :meth:`Maps.define`).
    """
    f, p, pa, rg, code = _labels_of(src)
    value, netto = _numbers_of(src)
    enums = ("raw_flow", "raw_period", "raw_partner", "raw_region")
    raw = [f, p, pa, rg]
    short = ("f", "p", "pa", "rg")
    casts = ", ".join(
        f"enum_code(TRY_CAST({x} AS {e})) AS c{k}"
        for x, e, k in zip(raw, enums, short, strict=True)
    )
    misses = ", ".join(f"CASE WHEN c{k} IS NULL THEN {k}_text END AS {k}_miss" for k in short)
    texts = ", ".join(f"{x} AS {k}_text" for x, k in zip(raw, short, strict=True))
    labels = ", ".join(
        f"coalesce({lk[f'{fld}_label']}[c{k} + 1], {k}_miss) AS {name}"
        for fld, k, name in zip(LABEL_FIELDS, short, RAW_LABELS, strict=True)
    )
    return f"""
  SELECT {i}::USMALLINT AS file_id, {labels}, c_raw, n, v, w, bad, hs
  FROM (
    SELECT cf, cp, cpa, crg, c_raw, f_miss, p_miss, pa_miss, rg_miss, count(*) AS n,
      sum(value_usd) AS v, sum(netto_kg) AS w,
      count(*) FILTER (WHERE value_usd IS NULL OR value_usd < 0 OR netto_kg < 0) AS bad,
      list(hash(value_usd, netto_kg)) AS hs
    FROM (
      SELECT cf, cp, cpa, crg, c_raw, {misses}, value_usd, netto_kg
      FROM (
        SELECT {casts}, {texts}, {code} AS c_raw, {value} AS value_usd, {netto} AS netto_kg
        FROM {_reader(src, decimal)} r))
    GROUP BY ALL)"""


def _raw_mapped(src: Source, i: int, lk: dict[str, str], flow: str | None) -> str:
    """The raw cells of source ``i`` (table ``raw_cells``) with their labels mapped."""
    yc = int("period" not in src.layout.columns)
    carry = [(c, c) for c in ("n", "v", "w", "bad", "hs")]
    labels = (*RAW_LABELS, "c_raw")
    return _mapped_select(
        i,
        yc,
        lk,
        flow,
        labels,
        carry,
        f"raw_cells WHERE file_id = {i}",  # type: ignore[arg-type]
    )


def _cells_from_raw(months: bool) -> str:
    """Table ``mapped`` (raw cells, labels mapped) grouped into cells as :func:`cells_sql` does."""
    month_key = "month, " if months else ""
    return f"""
SELECT file_id, year, {month_key}region, code, partner, flow, sum(n)::BIGINT AS n,
  bit_or(1::USMALLINT << coalesce(month, 0)) AS months_mask,
  bit_or(1::UINTEGER << pf) AS formats_mask,
  coalesce(sum(n) FILTER (WHERE restored), 0)::BIGINT AS restored,
  sum(v) AS v, sum(w) AS w, sum(bad)::BIGINT AS bad
FROM mapped
GROUP BY ALL"""


def _raw_copies(con: duckdb.DuckDBPyConnection) -> int:
    """Cell-months of table ``mapped`` (over every file) where two rows' numbers hash alike.

    Two rows that are exact copies share the cell, the month and the hash of their numbers, so no
    copy is missed; a hash collision only sends the ingest to the general path, which is exact.
    Each raw cell is checked on its own; the hashes of raw cells that map to one cell and month
    (labels spelt two ways, or two files) are pooled and checked again.
    """
    within = con.execute("SELECT count(*) FROM mapped WHERE list_unique(hs) < len(hs)").fetchone()[
        0
    ]
    if within:
        return int(within)
    # cells and months by a hash of their key (a null month, of annual data, hashes too); a
    # collision only pools more hashes
    key = "hash(year, month, region, code, partner, flow)"
    return con.execute(
        f"""WITH shared AS (SELECT {key} AS k FROM mapped GROUP BY k HAVING count(*) > 1)
            SELECT count(*) FROM (
              SELECT sum(len(hs)) AS n, list_unique(flatten(list(hs))) AS d
              FROM (SELECT {key} AS k, hs FROM mapped) SEMI JOIN shared USING (k) GROUP BY k)
            WHERE d < n"""
    ).fetchall()[0][0]


def cells_sql(rows: str, months: bool) -> str:
    """``rows`` grouped into cells (see :func:`build_cells`); both ingest paths use it.

    ``rows``: SQL with the columns of :func:`_rows_select` (``pf`` an index in
    :data:`PERIOD_LAYOUTS`).
    """
    month_key = "month, " if months else ""
    return f"""
SELECT file_id, year, {month_key}region, code, partner, flow, count(*) AS n,
  bit_or(1::USMALLINT << coalesce(month, 0)) AS months_mask,
  bit_or(1::UINTEGER << pf) AS formats_mask,
  count(*) FILTER (WHERE restored) AS restored,
  sum(value_usd) AS v, sum(netto_kg) AS w,
  count(*) FILTER (WHERE value_usd IS NULL OR value_usd < 0 OR netto_kg < 0) AS bad
FROM ({rows})
GROUP BY ALL"""


def _exact_copies(con: duckdb.DuckDBPyConnection, rows: Sequence[str]) -> int:
    """Rows that repeat another row exactly, among the rows of the cells of table ``repeated``.

    One more pass over the text (or table ``typed``); only rows of cells with two rows in one
    month are hashed (all rows, without the join, when every cell has such a month).
    """
    every = con.execute(
        """SELECT (SELECT count(*) FROM repeated) = (SELECT count(*) FROM (
                     SELECT DISTINCT year, region, code, partner, flow FROM cells))"""
    ).fetchall()[0][0]
    join = "" if every else "SEMI JOIN repeated USING (year, region, code, partner, flow)"
    return con.execute(
        f"""SELECT count(*) - count(DISTINCT hash(year, month, region, code, partner, flow,
                                                   value_usd, netto_kg))
            FROM ({" UNION ALL ".join(f"({r})" for r in rows)}) s {join}"""
    ).fetchall()[0][0]


def _missing_labels(con, sources, plan: Plan) -> dict[str, set[str]]:
    """Labels of the files that are not in the maps (one extra pass over the text)."""
    found: dict[str, set[str]] = {f: set() for f in LABEL_FIELDS}
    for i, src in enumerate(sources):
        parts = []
        for fld, enum in zip(
            LABEL_FIELDS, ("raw_flow", "raw_period", "raw_partner", "raw_region"), strict=True
        ):
            c = _col(src, fld)
            if c.startswith("NULL"):
                parts.append("[]::VARCHAR[]")
            else:
                parts.append(
                    f"list(DISTINCT {c}) FILTER (WHERE {c} IS NOT NULL AND TRY_CAST({c} AS {enum}) IS NULL)"
                )
        row = con.execute(
            f"SELECT {', '.join(parts)} FROM {_reader(src, plan.decimal[i])} r"
        ).fetchall()[0]
        for fld, values in zip(LABEL_FIELDS, row, strict=True):
            found[fld].update(values or [])
    return found


def _cell_checks(con: duckdb.DuckDBPyConnection, hs_digits: int) -> tuple[int, int]:
    """``(unmapped, invalid)`` cells of table ``cells``.

    Unmapped: a flow, period, partner or region that maps to nothing (a label the sample missed,
    or an invalid one). Invalid: a row with a missing or negative number, or a malformed or too
    short code.
    """
    unmapped, invalid = con.execute(
        f"""SELECT count(*) FILTER (WHERE flow IS NULL OR year IS NULL OR region IS NULL
                                      OR partner IS NULL),
                   count(*) FILTER (WHERE bad > 0 OR code IS NULL
                     OR NOT regexp_full_match(code, '[0-9]{{1,10}}|X{{1,10}}')
                     OR (code NOT LIKE 'X%' AND length(code) < {hs_digits}))
            FROM cells"""
    ).fetchall()[0]
    return int(unmapped), int(invalid)


def _checks(con: duckdb.DuckDBPyConnection, hs_digits: int, n_files: int) -> tuple[int, int, int]:
    """``(unmapped, invalid, repeated)`` cells of table ``cells`` (see :func:`_cell_checks`).

    Repeated: two rows of a cell in the same month, in one file or two; their keys go to table
    ``repeated`` (exact copies among them are duplicates, other rows are kept).
    """
    unmapped, invalid = _cell_checks(con, hs_digits)
    over_files = "GROUP BY year, region, code, partner, flow" if n_files > 1 else ""
    n, mask = ("sum(n)", "bit_or(months_mask)") if n_files > 1 else ("n", "months_mask")
    con.execute(
        f"""CREATE OR REPLACE TABLE repeated AS
            SELECT DISTINCT year, region, code, partner, flow FROM (
              SELECT year, region, code, partner, flow, {n} AS n, {mask} AS m
              FROM cells {over_files})
            WHERE n > bit_count(m)"""
    )
    repeated = con.execute("SELECT count(*) FROM repeated").fetchall()[0][0]
    return unmapped, invalid, int(repeated)


def build_cells(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[Source],
    maps: Maps,
    regions: Sequence[str],
    hs_digits: int,
    flow: str | None,
    months: bool = False,
) -> bool:
    """Read every source once into table ``cells``; ``False`` when the general path is needed.

    ``cells`` holds one row per file, year (and month when ``months``), region, code (10 digits as
    given, zero restored), partner and flow, with the row count ``n``, the exact sums ``v`` (value)
    and ``w`` (net weight), the months and period layouts seen (bit masks) and the count of
    restored codes. Grouping while reading is what makes the pass fast: the large input is never
    held in memory, only its cells. When the sample shows cells with two rows in one month (few
    cells, many rows each), the text is grouped by its raw labels instead, with the hashes of
    each raw cell's numbers, and mapped, checked and searched for exact copies on that small
    table (:func:`_build_cells_raw`: one pass). Otherwise such cells (rare in customs data) cost
    one more pass, which looks for exact copies among their rows. ``False`` means an invalid row,
    an exact copy or a reader error: the general path then finds the file, line and column of each
    problem.
    """
    try:
        sample_plan = sample(sources)
        for fld in LABEL_FIELDS:
            maps.add(fld, sample_plan.seen[fld])
        if sample_plan.dense:
            return _build_cells_raw(
                con, sources, maps, regions, hs_digits, flow, months, sample_plan
            )
        return _build_cells(con, sources, maps, regions, hs_digits, flow, months, sample_plan)
    finally:
        for table in ("raw_cells", "mapped", "repeated"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _build_cells(con, sources, maps, regions, hs_digits, flow, months, plan) -> bool:
    """Cells grouped while the typed rows are read (few rows per cell and month)."""
    for attempt in range(2):
        lk = maps.define(con, regions)
        rows = [_rows_select(src, i, plan.decimal[i], lk, flow) for i, src in enumerate(sources)]
        try:
            con.execute(
                "CREATE OR REPLACE TABLE cells AS "
                + " UNION ALL ".join(f"({cells_sql(r, months)})" for r in rows)
            )
        except duckdb.Error:
            return False
        unmapped, invalid, repeated = _checks(con, hs_digits, len(sources))
        if not unmapped:
            return not invalid and not (repeated and _exact_copies(con, rows))
        if attempt:
            return False
        missing = _missing_labels(con, sources, plan)
        if not any(missing.values()):
            return False
        for fld, labels in missing.items():
            maps.add(fld, labels)
    return False


def _build_cells_raw(con, sources, maps, regions, hs_digits, flow, months, plan) -> bool:
    """Cells from raw cells (many rows per cell and month): one pass over the text.

    The text is grouped by its raw labels into table ``raw_cells`` (small: a few rows per
    distinct label combination); labels are mapped, cells built, labels missed by the sample
    found and exact copies looked for on that table, never on the rows again.
    """
    lk = maps.define(con, regions)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw_cells AS "
            + " UNION ALL ".join(
                f"({_raw_select(src, i, plan.decimal[i], lk)})" for i, src in enumerate(sources)
            )
        )
    except duckdb.Error:
        return False
    for attempt in range(2):
        if attempt:
            lk = maps.define(con, regions)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE mapped AS "
            + " UNION ALL ".join(
                f"({_raw_mapped(src, i, lk, flow)})" for i, src in enumerate(sources)
            )
        )
        con.execute("CREATE OR REPLACE TABLE cells AS " + _cells_from_raw(months))
        unmapped, invalid = _cell_checks(con, hs_digits)
        if not unmapped:
            return not invalid and not _raw_copies(con)
        if attempt:
            return False
        missing = _raw_missing(con)
        if not any(missing.values()):
            return False
        for fld, labels in missing.items():
            maps.add(fld, labels)
    return False


def _raw_missing(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Labels of table ``raw_cells`` that are not in the maps (the ENUMs of raw labels)."""
    found: dict[str, set[str]] = {}
    enums = ("raw_flow", "raw_period", "raw_partner", "raw_region")
    for fld, col, enum in zip(LABEL_FIELDS, RAW_LABELS, enums, strict=True):
        found[fld] = {
            v
            for (v,) in con.execute(
                f"""SELECT DISTINCT {col} FROM raw_cells
                    WHERE {col} IS NOT NULL AND TRY_CAST({col} AS {enum}) IS NULL"""
            ).fetchall()
        }
    return found
