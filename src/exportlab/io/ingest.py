"""Ingest raw trade files into the canonical trade table, with a quality report.

``ingest(inputs, out_dir)`` reads FCS DATTSVT (text, xlsx, dbf, zip), the older annual FCS layout
and tidy CSV/Parquet files, validates every row, matches regions through the region reference and
writes, atomically and only when everything is valid:

* ``out_dir/trade.parquet`` — canonical columns (:data:`exportlab.schema.TRADE_COLUMNS`), annual,
  codes cut to ``hs_digits`` (6: HS6);
* ``out_dir/trade_fine.parquet`` — the finest code level read, annual (code as given, source file;
  the month too with ``months=True``);
* ``out_dir/quality.json`` and ``out_dir/quality_rejected.csv`` — the quality report.

Values are summed as decimals with 6 fractional digits, so totals are exact and the output is the
same byte for byte on every run. Delimited text takes the fast path of :mod:`exportlab.io.fast`
(one typed pass grouping rows into cells, labels mapped once each); other inputs, and any input
with an invalid row, take the general path below, which reports the file, line and column of every
problem. Both paths end in the same cells (:func:`exportlab.io.fast.cells_sql`).

>>> report = ingest(["data/raw/demo"], "data/processed")       # doctest: +SKIP
>>> report.rows_read, report.rows_rejected                      # doctest: +SKIP
(412800, 0)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd

from exportlab.errors import IngestError, Rejection
from exportlab.files import write_json
from exportlab.io import fast
from exportlab.io.partners import partner_codes
from exportlab.io.quality import REASONS, IngestReport, unit_warnings
from exportlab.io.sources import Source, expand_inputs, physical_lines, relation_sql
from exportlab.io.sources import _needs_line_map as needs_line_map
from exportlab.regions import as_matcher, match_labels

FLOW_LABELS: dict[str, tuple[str, ...]] = {
    "export": ("ЭК", "ЭКСПОРТ", "EXP", "EX", "E", "EXPORT", "EXPORTS", "X"),
    "import": ("ИМ", "ИМПОРТ", "IMP", "IM", "I", "IMPORT", "IMPORTS", "M"),
}
#: Period layouts understood (checked in this order): name -> (regex, year expr, month expr).
PERIOD_FORMATS: dict[str, tuple[str, str, str]] = {
    "MM/YYYY": (r"[0-9]{1,2}/[0-9]{4}", "right(p, 4)", "split_part(p, '/', 1)"),
    "YYYY": (r"[0-9]{4}", "p", "NULL"),
    "MM.YYYY": (r"[0-9]{1,2}\.[0-9]{4}", "right(p, 4)", "split_part(p, '.', 1)"),
    "YYYY-MM": (r"[0-9]{4}-[0-9]{1,2}", "left(p, 4)", "split_part(p, '-', 2)"),
    "YYYYMM": (r"[0-9]{6}", "left(p, 4)", "right(p, 2)"),
    "DD.MM.YYYY": (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "right(p, 4)", "split_part(p, '.', 2)"),
    "YYYY-MM-DD": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?", "left(p, 4)", "substr(p, 6, 2)"),
}
#: DuckDB's working memory; beyond it, large groupings and sorts spill to the staging folder (10M
#: rows with almost no two in one cell then peak at about 2.4 GB instead of 3.8 GB).
MEMORY_LIMIT = "2GB"
FINE_FILE, TRADE_FILE, QUALITY_FILE, REJECTED_FILE = (
    "trade_fine.parquet",
    "trade.parquet",
    "quality.json",
    "quality_rejected.csv",
)
# field of a reason -> raw field whose source column is named in messages
_REASON_FIELD = {
    "flow": "flow",
    "period": "period",
    "code": "code",
    "code_level": "code",
    "value": "value",
    "value_negative": "value",
    "netto": "netto",
    "netto_negative": "netto",
    "value_ambiguous": "value",
    "netto_ambiguous": "netto",
    "partner": "partner",
    "region": "region",
    "duplicate": None,
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchall()[0]


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _number(expr: str) -> str:
    cleaned = f"replace(replace(replace(trim({expr}), ' ', ''), chr(160), ''), ',', '.')"
    # DuckDB reads "1_000" as 1000: a digit separator no input format uses, so not a number here
    return f"TRY_CAST(CASE WHEN NOT contains({cleaned}, '_') THEN {cleaned} END AS DECIMAL(38, 6))"


def normalized_sql(
    relation: str,
    file_id: int,
    hs_digits: int,
    default_flow: str | None,
    careful: bool,
    text: bool = True,
) -> str:
    """SQL turning the raw text fields of one source into typed, checked columns.

    Output columns: ``file_id, line, flow, pf (period layout), year, month, code, restored,
    partner, region_label, value_usd, netto_kg, bad`` (the first failing check, or null),
    ``sep_comma`` (a number written with a comma), ``value_dot``, ``netto_dot`` (a number written
    with a dot; only for ``text`` sources, where a spreadsheet's numeric cells cannot be meant),
    plus the raw text of every field when ``careful``.
    """
    flow_cases = " ".join(
        f"WHEN flow = {_q(labels[0])} OR upper(trim(flow)) IN ({', '.join(_q(v) for v in labels)}) THEN '{name}'"
        for name, labels in FLOW_LABELS.items()
    )
    default = _q(default_flow) if default_flow else "NULL"
    pf_cases = " ".join(
        f"WHEN regexp_full_match(p, {_q(rx)}) THEN '{name}'"
        for name, (rx, _, _) in PERIOD_FORMATS.items()
    )
    year_cases = " ".join(
        f"WHEN '{name}' THEN TRY_CAST({y} AS INTEGER)" for name, (_, y, _) in PERIOD_FORMATS.items()
    )
    month_cases = " ".join(
        f"WHEN '{name}' THEN TRY_CAST({m} AS INTEGER)" for name, (_, _, m) in PERIOD_FORMATS.items()
    )
    separators = (
        "(contains(value, ',') OR contains(coalesce(netto, ''), ',')) AS sep_comma, "
        "contains(value, '.') AS value_dot, contains(coalesce(netto, ''), '.') AS netto_dot"
        if text
        else "FALSE AS sep_comma, FALSE AS value_dot, FALSE AS netto_dot"
    )
    raw = (
        ", flow AS flow_raw, coalesce(period, year) AS period_raw, partner AS partner_raw, code AS code_raw, "
        "value AS value_raw, netto AS netto_raw, region AS region_raw"
        if careful
        else ""
    )
    return f"""
WITH r AS ({relation}),
a AS (
  SELECT *,
    CASE WHEN flow IS NULL THEN {default} {flow_cases} END AS flow_n,
    trim(period) AS p,
    upper(replace(replace(trim(code), ' ', ''), '.', '')) AS c,
    upper(trim(partner)) AS partner_n,
    region AS region_label,
    {_number("value")} AS value_usd,
    CASE WHEN netto IS NULL OR trim(netto) = '' THEN NULL ELSE {_number("netto")} END AS netto_kg,
    (netto IS NOT NULL AND trim(netto) <> '') AS netto_given,
    {separators}
  FROM r),
b AS (
  SELECT *,
    CASE WHEN p IS NULL AND year IS NOT NULL THEN 'year' {pf_cases} END AS pf,
    regexp_full_match(c, '[0-9]{{1,10}}') AS digits,
    regexp_full_match(c, 'X{{1,10}}') AS confidential
  FROM a),
c AS (
  SELECT *,
    CASE pf WHEN 'year' THEN TRY_CAST(CASE WHEN regexp_full_match(trim(year), '[+-]?[0-9]+([.]0*)?')
                                      THEN trim(year) END AS INTEGER)
      {year_cases} END AS y,
    CASE pf WHEN 'year' THEN NULL {month_cases} END AS m,
    CASE pf WHEN 'DD.MM.YYYY' THEN TRY_CAST(split_part(p, '.', 1) AS INTEGER)
            WHEN 'YYYY-MM-DD' THEN TRY_CAST(substr(p, 9, 2) AS INTEGER) END AS d,
    CASE WHEN digits AND length(c) % 2 = 1 THEN '0' || c ELSE c END AS code_n,
    (digits AND length(c) % 2 = 1) AS restored
  FROM b)
SELECT {file_id}::USMALLINT AS file_id, line, flow_n AS flow, pf, y::SMALLINT AS year,
  m::TINYINT AS month, code_n AS code, restored, partner_n AS partner, region_label, value_usd, netto_kg,
  sep_comma, value_dot, netto_dot,
  CASE
    WHEN flow_n IS NULL THEN 'flow'
    WHEN y IS NULL OR y < 1900 OR y > 2100 OR (m IS NOT NULL AND (m < 1 OR m > 12)) THEN 'period'
    WHEN d IS NOT NULL AND TRY_CAST(printf('%04d-%02d-%02d', y, m, d) AS DATE) IS NULL THEN 'period'
    WHEN NOT (digits OR confidential) THEN 'code'
    WHEN digits AND length(code_n) < {hs_digits} THEN 'code_level'
    WHEN value_usd IS NULL THEN 'value'
    WHEN value_usd < 0 THEN 'value_negative'
    WHEN netto_given AND netto_kg IS NULL THEN 'netto'
    WHEN netto_kg < 0 THEN 'netto_negative'
  END AS bad {raw}
FROM c"""


_CSV_LINE = re.compile(r"Line:\s*(\d+)", re.IGNORECASE)


def _duck_error(source: Source, err: Exception) -> IngestError:
    text = str(err)
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    if source.fmt != "text":
        return IngestError(source.name, expected=f"a readable {source.fmt} table", note=first[:300])
    m = _CSV_LINE.search(text)
    line = None
    if m:
        line = physical_lines(source, [int(m.group(1))], counted="lines")[int(m.group(1))]
    delim = {"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}.get(source.delim or ",", "?")
    return IngestError(
        source.name,
        line,
        None,
        f"{len(source.layout.header)} columns separated by {delim} on every line",
        note=first[:300],
    )


def ingest(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    skip_invalid: bool = False,
    reference: object = None,
    partners: Iterable[str] | None = None,
    hs_digits: int = 6,
    flow: str | None = None,
    months: bool = False,
    threads: int | None = None,
) -> IngestReport:
    """Read ``inputs`` (files, folders, zips) into ``out_dir/trade.parquet`` and the quality report.

    ``reference``: region reference (None = the shipped Russian one; a CSV path, a frame or a
    ``RegionMatcher`` for any other country). ``partners``: accepted partner codes (default
    ISO 3166-1 alpha-2 plus the special codes of ``docs/data_formats.md``). ``hs_digits``: level of
    the ``hs6`` column of ``trade.parquet`` (6; 4 or 2 for coarser data). ``flow``: flow of files
    without a flow column (``"export"`` / ``"import"``). ``months``: keep the month in
    ``trade_fine.parquet`` (default: annual, like ``trade.parquet``). Any invalid row raises
    :class:`IngestError` and leaves ``out_dir`` untouched, unless ``skip_invalid`` (rows dropped
    and listed).
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = [Path(p) for p in inputs]
    if hs_digits not in (2, 4, 6, 8, 10):
        raise ValueError(f"hs_digits must be 2, 4, 6, 8 or 10, got {hs_digits}")
    if flow not in (None, "export", "import"):
        raise ValueError(f"flow must be 'export', 'import' or None, got {flow!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".ingest-", dir=out))
    try:
        report = _ingest(
            inputs, stage, skip_invalid, reference, partners, hs_digits, flow, months, threads
        )
        names = [FINE_FILE, TRADE_FILE, REJECTED_FILE, QUALITY_FILE]
        mode = 0o666 & ~_umask()
        for name in names:
            os.chmod(stage / name, mode)
            os.replace(stage / name, out / name)
        report.outputs = {n: str(out / n) for n in names}
        return report
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _ingest(
    inputs: list[Path],
    stage: Path,
    skip_invalid: bool,
    reference: object,
    partners: Iterable[str] | None,
    hs_digits: int,
    flow: str | None,
    months: bool,
    threads: int | None,
) -> IngestReport:
    work = stage / "work"
    work.mkdir()
    found = expand_inputs(inputs, work, skip_invalid)
    if not found.sources:
        raise IngestError(
            ", ".join(map(str, inputs)), expected="at least one trade table", note="none found"
        )
    report = IngestReport(hs_digits=hs_digits, skip_invalid=skip_invalid, skipped=found.skipped)
    report.warnings.extend(found.warnings)
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = {_q(str(stage / 'duck'))}")
    con.execute(f"SET memory_limit = {_q(MEMORY_LIMIT)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    sources = found.sources
    for i, src in enumerate(sources):
        if src.frame is not None:
            con.register(f"frame{i}", src.frame)
        if src.layout.kind == "tidy" and "flow" not in src.layout.columns and flow is None:
            raise IngestError(
                src.name, 1, None, "a column flow (export/import)", note="or pass flow='export'"
            )
    con.register(
        "files", pd.DataFrame({"file_id": range(len(sources)), "name": [s.name for s in sources]})
    )
    codes = sorted(set(partners) if partners is not None else set(partner_codes()))
    con.register("partner_ref", pd.DataFrame({"code": [c.upper() for c in codes]}))
    if fast.eligible(sources):
        matcher = as_matcher(reference)
        maps = fast.Maps(
            FLOW_LABELS,
            {c.upper() for c in codes},
            lambda labels: match_labels(labels, matcher),
            {i: "period" not in s.layout.columns for i, s in enumerate(sources)},
        )
        # every partner code and FCS region label is known beforehand: rare ones need no sample
        maps.add("partner", set(maps.partner_codes))
        maps.add("region", _fcs_labels(matcher))
        built = fast.build_cells(con, sources, maps, matcher.codes, hs_digits, flow, months)
        # the search for values only the general path checks ran beside the pass
        if built and not any(s.general_only() for s in sources):
            report.engine = "fast"
            reads = "SELECT file_id, sum(n) AS rows, 0 AS rejected FROM cells GROUP BY file_id"
            return _write_outputs(con, report, sources, stage, hs_digits, months, reads)
        con.execute("DROP TABLE IF EXISTS cells")

    # fast pass: every source to a staging Parquet file (no line numbers)
    staged = []
    for i, src in enumerate(sources):
        rel = relation_sql(src, f"frame{i}", with_line=False)
        target = stage / f"stage{i}.parquet"
        try:
            con.execute(
                f"COPY ({normalized_sql(rel, i, hs_digits, flow, False, src.fmt == 'text')}) TO {_q(str(target))} "
                "(FORMAT parquet, COMPRESSION snappy)"
            )
        except duckdb.Error as err:
            raise _duck_error(src, err) from err
        staged.append(str(target))
    con.execute(f"CREATE VIEW stage AS SELECT * FROM read_parquet([{', '.join(map(_q, staged))}])")
    labels = con.sql(
        "SELECT DISTINCT region_label FROM stage WHERE region_label IS NOT NULL ORDER BY 1"
    ).df()
    regmap = match_labels(labels["region_label"], reference)
    con.register("regmap", regmap)
    # a file with decimal commas: a number with a dot (1.000: one, or a thousand?) is ambiguous
    con.execute(
        "CREATE TEMP TABLE comma_files AS SELECT DISTINCT file_id FROM stage WHERE sep_comma"
    )
    bad_expr = (
        "coalesce(s.bad, CASE WHEN s.partner NOT IN (SELECT code FROM partner_ref) THEN 'partner' "
        "WHEN g.region IS NULL THEN 'region' "
        "WHEN (s.value_dot OR s.netto_dot) AND s.file_id IN (SELECT file_id FROM comma_files) "
        "THEN CASE WHEN s.value_dot THEN 'value_ambiguous' ELSE 'netto_ambiguous' END END)"
    )
    joined = "stage s LEFT JOIN regmap g ON s.region_label = g.label"
    n_bad, n_rows = _one(
        con, f"SELECT count(*) FILTER (WHERE {bad_expr} IS NOT NULL), count(*) FROM {joined}"
    )
    dup_key = "year, month, region_label, code, partner, flow, value_usd, netto_kg"
    n_dup = _one(con, f"SELECT count(*) - count(DISTINCT hash({dup_key})) FROM stage")[0]
    report.rows_read = int(n_rows)
    rows_source, keep, region = joined, "TRUE", "g.region"
    if n_bad or n_dup:
        rows_source, keep, region = _careful(
            con, sources, report, hs_digits, flow, skip_invalid, bad_expr, stage
        )
    report.engine = "general"
    pf_index = "[" + ", ".join(_q(p) for p in fast.PERIOD_LAYOUTS) + "]"
    rows = f"""SELECT s.file_id, s.flow, s.year, s.month, list_position({pf_index}, s.pf) - 1 AS pf,
                      s.partner, {region} AS region, s.code, s.restored, s.value_usd, s.netto_kg
               FROM {rows_source} WHERE {keep}"""
    con.execute(f"CREATE TABLE cells AS {fast.cells_sql(rows, months)}")
    reads = "SELECT file_id, count(*) AS rows, 0 AS rejected FROM stage GROUP BY file_id"
    if rows_source == "checked s":
        reads = """SELECT file_id, count(*) AS rows, count(*) FILTER (WHERE reason IS NOT NULL)
                   AS rejected FROM checked GROUP BY file_id"""
    return _write_outputs(con, report, sources, stage, hs_digits, months, reads)


def _careful(
    con,
    sources: Sequence[Source],
    report: IngestReport,
    hs_digits,
    flow,
    skip_invalid,
    bad_expr,
    stage,
):
    """Re-read with line numbers; list every invalid row; raise unless ``skip_invalid``.

    Counts come from DuckDB; only the first :data:`MAX_LISTED` rejected rows are held in memory
    (the error names the first), and with ``skip_invalid`` every one is written to
    ``stage/quality_rejected.csv`` in batches, so memory stays bounded however many rows fail.
    """
    parts = [
        normalized_sql(
            relation_sql(src, f"frame{i}", with_line=True),
            i,
            hs_digits,
            flow,
            careful=True,
            text=src.fmt == "text",
        )
        for i, src in enumerate(sources)
    ]
    con.execute("CREATE TEMP TABLE careful AS " + " UNION ALL ".join(f"({p})" for p in parts))
    dup_key = "s.year, s.month, s.region_label, s.code, s.partner, s.flow, s.value_usd, s.netto_kg"
    con.execute(
        f"""CREATE TEMP TABLE checked AS
        SELECT s.*, g.region, g.suggestions,
          coalesce({bad_expr}, CASE WHEN row_number() OVER w > 1 THEN 'duplicate' END) AS reason,
          first_value(s.file_id) OVER w AS dup_file, first_value(s.line) OVER w AS dup_line
        FROM careful s LEFT JOIN regmap g ON s.region_label = g.label
        WINDOW w AS (PARTITION BY {dup_key} ORDER BY s.file_id, s.line)"""
    )
    # counts and the first rejected rows from DuckDB; the rows themselves are never all in memory
    report.rejected_by_reason = {
        k: int(v)
        for k, v in con.execute(
            "SELECT reason, count(*) FROM checked WHERE reason IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
    }
    report.rows_rejected = sum(report.rejected_by_reason.values())
    report.duplicates = report.rejected_by_reason.get("duplicate", 0)
    report.unmatched_regions = [
        {"label": label, "rows": int(n), "suggestions": hint or ""}
        for label, n, hint in con.execute(
            """SELECT region_label, count(*), arg_min(suggestions, (file_id, line)) FROM checked
               WHERE reason = 'region' AND region_label IS NOT NULL GROUP BY 1 ORDER BY 1"""
        ).fetchall()
    ]
    listed = "SELECT * FROM checked WHERE reason IS NOT NULL ORDER BY file_id, line"
    # which files need a map from DuckDB's record numbers to physical lines (read once each)
    mapped = {i for i, src in enumerate(sources) if src.fmt == "text" and needs_line_map(src)}
    report.rejections = _rejections(con.sql(f"{listed} LIMIT {MAX_LISTED}").df(), sources, mapped)
    if report.rows_rejected and not skip_invalid:
        counts = ", ".join(f"{k}: {v}" for k, v in report.rejected_by_reason.items())
        note = None
        if report.rows_rejected > 1:
            note = f"{report.rows_rejected} invalid rows in all ({counts})"
        coarse = report.rejected_by_reason.get("code_level", 0)
        if coarse:
            # codes coarser than asked are a setting to change, not rows to drop
            note = (f"{note}; " if note else "") + (
                f"{coarse} rows have codes shorter than hs_digits = {hs_digits}: set hs_digits "
                "to the level of the codes (--hs-digits 4, or hs_digits: 4 in a profile); "
                "--skip-invalid would drop every such row"
            )
        elif note:
            note += "; use --skip-invalid to drop and list them"
        raise report.rejections[0].to_error(note)
    # every rejected row into quality_rejected.csv, in batches
    with open(stage / REJECTED_FILE, "w", encoding="utf-8", newline="") as fh:
        IngestReport().rejection_frame().to_csv(fh, index=False, lineterminator="\n")
        for batch in con.sql(listed).to_arrow_reader(REJECTED_BATCH):
            part = IngestReport(rejections=_rejections(batch.to_pandas(), sources, mapped))
            part.rejection_frame().to_csv(fh, header=False, index=False, lineterminator="\n")
    return "checked s", "s.reason IS NULL", "s.region"


#: Rejected rows held in memory (``IngestReport.rejections``: the first ones by file and line, also
#: listed in ``quality.json``); ``quality_rejected.csv`` lists every one, written in batches.
MAX_LISTED = 1000
REJECTED_BATCH = 50_000


def _rejections(
    rejected: pd.DataFrame, sources: Sequence[Source], mapped: set[int]
) -> list[Rejection]:
    """Rejected rows of table ``checked`` (see :func:`_careful`) as :class:`Rejection` items.

    ``mapped``: the ``file_id`` of the sources whose record numbers are not their physical lines.
    """
    names = [s.name for s in sources]
    # plain lists: iterating Arrow-backed frame columns row by row costs ~10 µs a value
    needed = ["file_id", "line", "dup_file", "dup_line", "reason", "suggestions"]
    needed += [f"{f}_raw" for f in set(_REASON_FIELD.values()) if f]
    col = {c: rejected[c].tolist() for c in needed if c in rejected.columns}
    # DuckDB numbers records; messages give physical lines (blank lines, quoted line breaks)
    wanted: dict[int, set[int]] = {i: set() for i in range(len(sources))}
    for fid, line, dup_file, dup_line, reason in zip(
        col["file_id"], col["line"], col["dup_file"], col["dup_line"], col["reason"], strict=True
    ):
        wanted[int(fid)].add(int(line))
        if reason == "duplicate":
            wanted[int(dup_file)].add(int(dup_line))
    lines = {
        i: physical_lines(sources[i], sorted(w)) if i in mapped else {n: n for n in w}
        for i, w in wanted.items()
    }
    rejections = []
    for k, reason in enumerate(col["reason"]):
        fid = int(col["file_id"][k])
        src = sources[fid]
        fld = _REASON_FIELD[reason]
        cols = src.layout.columns
        column = cols.get(fld) or (cols.get("year") if fld == "period" else None) or fld
        column = column if fld else "(whole row)"
        if reason == "duplicate":
            dup_file = int(col["dup_file"][k])
            value = f"same as {names[dup_file]}, line {lines[dup_file][int(col['dup_line'][k])]}"
        else:
            value = col[f"{fld}_raw"][k]
        value = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        if reason == "region" and col["suggestions"][k]:
            value = f"{value} ({col['suggestions'][k]})"
        line = lines[fid][int(col["line"][k])]
        rejections.append(Rejection(src.name, line, column, REASONS[reason], value))
    return rejections


def _fcs_labels(matcher) -> set[str]:
    """FCS region labels (``"46000 - МОСКОВСКАЯ ОБЛАСТЬ"``) the reference of ``matcher`` knows."""
    ref = matcher.reference.fillna("").astype(str)
    if "fcs_code" not in ref.columns:
        return set()
    labels = set()
    for col in ("fcs_label_ru", "fcs_label_en"):
        if col in ref.columns:
            known = ref[(ref["fcs_code"].str.strip() != "") & (ref[col].str.strip() != "")]
            labels.update(known["fcs_code"] + " - " + known[col])
    return labels


def _write_outputs(
    con,
    report: IngestReport,
    sources: Sequence[Source],
    stage: Path,
    hs_digits: int,
    months: bool,
    reads: str,
) -> IngestReport:
    """Write both Parquet files and the report from table ``cells`` (valid rows, grouped).

    ``reads``: SQL giving the rows read (valid or not) and rejected per ``file_id``.
    """
    per_file = con.sql(
        f"""SELECT f.file_id, coalesce(r.rows, 0) AS rows, coalesce(r.rejected, 0) AS rejected,
                   coalesce(c.restored, 0) AS restored,
                   coalesce(c.confidential, 0) AS confidential, c.usd_per_kg,
                   coalesce(c.formats_mask, 0) AS formats_mask
            FROM files f LEFT JOIN ({reads}) r USING (file_id)
            LEFT JOIN (
              SELECT file_id, sum(restored) AS restored,
                     sum(n) FILTER (WHERE code LIKE 'X%') AS confidential,
                     median(v::DOUBLE / w::DOUBLE) FILTER (WHERE v > 0 AND w > 0) AS usd_per_kg,
                     bit_or(formats_mask) AS formats_mask
              FROM cells GROUP BY file_id) c USING (file_id)
            ORDER BY f.file_id"""
    ).df()
    report.rows_read = int(per_file["rows"].sum())
    if report.rows_read == 0:
        raise IngestError(
            ", ".join(s.name for s in sources),
            expected="data rows",
            note="the inputs hold a header only",
        )
    names = "[" + ", ".join(_q(s.name) for s in sources) + "]"
    month = "month::TINYINT AS month, " if months else ""
    fine_sql = f"""SELECT year, {month}region, code AS tnved, partner, flow, v::DOUBLE AS value_usd,
                          w::DOUBLE AS netto_kg, {names}[file_id + 1] AS file
                   FROM cells ORDER BY year, {"month, " if months else ""}region, code, partner,
                        flow, file_id"""
    # the fine file is encoded in a second thread (pyarrow and DuckDB release the GIL) while
    # DuckDB aggregates and writes the HS6 table
    with ThreadPoolExecutor(1) as pool:
        fine_job = pool.submit(_write_parquet, con.cursor(), fine_sql, stage / FINE_FILE)
        try:
            con.execute(
                f"""CREATE TABLE trade_cells AS
                    SELECT year, region, left(code, {hs_digits}) AS hs6, partner, flow,
                           sum(n) AS n, sum(v) AS v, sum(w) AS w
                    FROM cells GROUP BY ALL"""
            )
            _write_parquet(
                con,
                """SELECT year, region, hs6, partner, flow, v::DOUBLE AS value_usd,
                          w::DOUBLE AS netto_kg
                   FROM trade_cells ORDER BY year, region, hs6, partner, flow""",
                stage / TRADE_FILE,
            )
        finally:
            fine_job.result()
    _file_report(report, sources, per_file)
    _totals_report(con, report, "trade_cells")
    if not (stage / REJECTED_FILE).exists():  # else the general path wrote every rejected row
        report.rejection_frame().to_csv(
            stage / REJECTED_FILE, index=False, encoding="utf-8", lineterminator="\n"
        )
    write_json(report.to_dict(), stage / QUALITY_FILE)
    con.close()
    return report


ROW_GROUP_ROWS = 1 << 20


def _write_parquet(con, sql: str, path: Path, rows: int = ROW_GROUP_ROWS) -> None:
    """Stream the result of ``sql`` (DuckDB, in parallel) into a Parquet file (pyarrow, zstd).

    Row groups hold exactly ``rows`` rows (the last one fewer), whatever the sizes of the batches
    DuckDB's threads hand over, so the file is the same byte for byte on every run. ENUM columns
    arrive as Arrow dictionaries and are written as plain Parquet strings (no Arrow schema stored).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    reader = con.sql(sql).to_arrow_reader(rows)
    pending: list[pa.RecordBatch] = []
    held = 0
    # dictionary pages for labels and codes; numbers (nearly all distinct) are written plain
    labels = [f.name for f in reader.schema if not pa.types.is_floating(f.type)]
    with pq.ParquetWriter(
        path,
        reader.schema,
        compression="zstd",
        compression_level=1,
        use_dictionary=labels,
        store_schema=False,
    ) as writer:
        for batch in reader:
            pending.append(batch)
            held += batch.num_rows
            while held >= rows:
                table = pa.Table.from_batches(pending)
                writer.write_table(table.slice(0, rows), row_group_size=rows)
                rest = table.slice(rows)
                pending, held = rest.to_batches(), rest.num_rows
        if held:
            writer.write_table(
                pa.Table.from_batches(pending, schema=reader.schema), row_group_size=rows
            )


def _file_report(report: IngestReport, sources: Sequence[Source], per_file: pd.DataFrame) -> None:
    """Fill the per-file part of the report from ``per_file`` (see :func:`_write_outputs`)."""
    for row in per_file.itertuples(index=False):
        src = sources[row.file_id]
        mask = int(row.formats_mask)
        formats = sorted(p for k, p in enumerate(fast.PERIOD_LAYOUTS) if mask >> k & 1)
        report.files.append(
            {
                "file": src.name,
                "format": src.fmt,
                "encoding": src.encoding or "",
                "layout": src.layout.kind,
                "columns": src.layout.columns,
                "rows": int(row.rows),
                "rejected": int(row.rejected),
                "restored_codes": int(row.restored),
                "period_formats": formats,
                "notes": src.notes,
            }
        )
        report.warnings.extend(src.warnings)
        if row.restored:
            report.warnings.append(
                f"{src.name}: {int(row.restored)} code(s) with an odd number of digits got their "
                "leading zero back (e.g. 102291000 -> 0102291000)"
            )
        if len(formats) > 1:
            report.warnings.append(
                f"{src.name}: periods written in {len(formats)} formats ({', '.join(formats)})"
            )
    report.restored_codes = int(per_file["restored"].sum())
    report.confidential_rows = int(per_file["confidential"].sum())
    stats = pd.DataFrame(
        {
            "file": [sources[i].name for i in per_file["file_id"]],
            "usd_per_kg": per_file["usd_per_kg"].astype(float),
        }
    )
    report.warnings.extend(unit_warnings(stats.fillna(0.0)))


def _totals_report(con, report: IngestReport, agg: str) -> None:
    """Fill counts, special partners, coverage and totals from ``agg``.

    ``agg``: the kept rows grouped at least by ``year, region, partner, flow``, with the row count
    ``n`` and the exact sums ``v`` (value) and ``w`` (net weight) as DECIMAL.
    """
    from exportlab.io.partners import FCS_EXTRA_PARTNERS
    from exportlab.schema import SPECIAL_PARTNERS

    report.rows_fine, report.rows_trade = (
        int(x or 0) for x in _one(con, f"SELECT sum(n), count(*) FROM {agg}")
    )
    special_codes = ", ".join(_q(c) for c in sorted({*SPECIAL_PARTNERS, *FCS_EXTRA_PARTNERS}))
    special = con.execute(
        f"""SELECT partner::VARCHAR, sum(n)::BIGINT FROM {agg}
            WHERE partner::VARCHAR IN ({special_codes}) GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    report.special_partners = {k: int(v) for k, v in special}
    report.coverage = con.sql(
        f"""SELECT region::VARCHAR AS region, year, sum(n)::BIGINT AS rows,
                   sum(v)::DOUBLE AS value_usd
            FROM {agg} GROUP BY ALL ORDER BY region, year"""
    ).df()
    report.coverage["year"] = report.coverage["year"].astype("int64")
    report.totals = con.sql(
        f"""SELECT year, flow::VARCHAR AS flow, sum(n)::BIGINT AS rows,
                   sum(v)::DOUBLE AS value_usd, sum(w)::DOUBLE AS netto_kg
            FROM {agg} GROUP BY ALL ORDER BY year, flow"""
    ).df()
    report.totals["year"] = report.totals["year"].astype("int64")


def main(argv: list[str] | None = None) -> int:
    """``exportlab ingest PATH... --out DIR [--skip-invalid] [--regions FILE]``: exit 0, or 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="exportlab ingest",
        description="Read FCS / fedstat / tidy trade files into DIR/trade.parquet and DIR/quality.json.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or zip archives")
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="output folder (e.g. data/processed)"
    )
    parser.add_argument(
        "--skip-invalid", action="store_true", help="drop invalid rows and list them"
    )
    parser.add_argument("--regions", metavar="FILE", help="region reference CSV (default: Russia)")
    parser.add_argument("--hs-digits", type=int, default=6, help="code level of trade.parquet (6)")
    parser.add_argument("--flow", choices=["export", "import"], help="flow of files without one")
    parser.add_argument(
        "--months", action="store_true", help="keep the month in trade_fine.parquet"
    )
    args = parser.parse_args(argv)
    try:
        report = ingest(
            args.paths,
            args.out,
            skip_invalid=args.skip_invalid,
            reference=args.regions,
            hs_digits=args.hs_digits,
            flow=args.flow,
            months=args.months,
        )
    except IngestError as err:
        print(f"exportlab ingest: error: {err}", file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(f"exportlab ingest: warning: {warning}", file=sys.stderr)
    print(
        f"read {report.rows_read} rows from {len(report.files)} file(s), rejected {report.rows_rejected}; "
        f"wrote {report.rows_trade} rows to {Path(args.out) / TRADE_FILE}"
    )
    return 0


def load_quality(out_dir: str | os.PathLike[str] | None = None) -> IngestReport:
    """The quality report of the last ingest into ``out_dir`` (default ``data/processed``).

    ``rejections`` holds the first :data:`MAX_LISTED` rejected rows (memory stays bounded however
    many there are); ``rows_rejected`` counts them all and ``quality_rejected.csv`` lists them all.
    """
    import json

    if out_dir is None:
        from exportlab import paths

        out_dir = paths.processed_dir()
    path = Path(out_dir) / QUALITY_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no quality report; run stage 01 (exportlab ingest) first")
    report = IngestReport.from_dict(json.loads(path.read_text(encoding="utf-8")))
    rejected = Path(out_dir) / REJECTED_FILE
    if rejected.exists() and rejected.stat().st_size > 40:
        frame = pd.read_csv(rejected, dtype=str, keep_default_na=False, nrows=MAX_LISTED)
        report.rejections = [
            Rejection(r.file, int(r.line) if r.line else None, r.column, r.reason, r.value)
            for r in frame.itertuples(index=False)
        ]
    return report
