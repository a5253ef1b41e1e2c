"""Turn input paths (files, folders, zips) into readable sources of raw trade rows.

Each :class:`Source` is one table of one file (a zip member counts as a file) with its format,
encoding and column layout. :func:`relation_sql` gives the SQL (DuckDB) that reads it with the
standard raw fields ``line, flow, period, year, partner, code, value, netto, region`` as text.
"""

from __future__ import annotations

import codecs
import gzip
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from exportlab.io.errors import IngestError
from exportlab.io.sniff import (
    FIELD_EXPECTED,
    Layout,
    detect_encoding,
    detect_format,
    layout_of,
    read_head,
    split_header,
)

RAW_FIELDS: tuple[str, ...] = (
    "flow",
    "period",
    "year",
    "partner",
    "code",
    "value",
    "netto",
    "region",
)
SKIP_NAMES = ("provenance", "readme", "license", "licence")
HEADER_SEARCH_ROWS = 30


@dataclass
class Source:
    """One table to read: where it came from, how to read it, and what its columns mean."""

    name: str  # as shown to users: path as given, or "archive.zip!member"
    path: Path  # the file actually read (may be a transcoded copy)
    fmt: str
    layout: Layout
    encoding: str | None = None
    delim: str | None = None
    frame: pd.DataFrame | None = None  # for xlsx/xls/dbf: text columns + "line"
    first_line: int = 2  # line number of the first data row (text files)
    notes: list[str] = field(default_factory=list)


@dataclass
class Expansion:
    """Sources found in the inputs, and files skipped with the reason."""

    sources: list[Source] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def _is_skippable_name(path: Path) -> bool:
    low = path.name.lower()
    return (
        low.startswith(".") or low.startswith(SKIP_NAMES) or low.endswith((".md", ".json", ".pdf"))
    )


def display_namer(inputs: list[Path]):
    """A function giving the name of an input file as written in reports and outputs.

    Relative to the project root (:func:`exportlab.paths.project_root`) when the file is inside
    it, else relative to the common parent folder of ``inputs``; POSIX separators. The same data
    read from another project folder therefore gives the same names (and byte-identical outputs).

    >>> name = display_namer([Path("/elsewhere/in/a.tsv")])    # doctest: +SKIP
    >>> name(Path("/elsewhere/in/a.tsv"))                       # doctest: +SKIP
    'a.tsv'
    """
    import os

    from exportlab import paths

    root = paths.project_root().resolve()
    parents = [str(Path(i).resolve().parent) for i in inputs]
    base = Path(os.path.commonpath(parents)) if parents else root

    def name(path: Path) -> str:
        full = Path(path).resolve()
        for folder in (root, base):
            if full.is_relative_to(folder):
                return full.relative_to(folder).as_posix()
        return str(path)

    return name


def expand_inputs(inputs: list[Path], workdir: Path) -> Expansion:
    """Resolve files, folders and zips into sources. Explicit files must be trade tables.

    Files are named by :func:`display_namer` (never by absolute paths).
    """
    out = Expansion()
    missing = [Path(i) for i in inputs if not Path(i).exists()]
    if missing:
        raise IngestError(
            str(missing[0]), expected="an existing file, folder or zip", note="not found"
        )
    name_of = display_namer([Path(i) for i in inputs])
    for item in inputs:
        item = Path(item)
        if not item.exists():
            raise IngestError(
                str(item), expected="an existing file, folder or zip", note="not found"
            )
        if item.is_dir():
            for path in sorted(p for p in item.rglob("*") if p.is_file()):
                rel = path.relative_to(item)
                if any(part.startswith(".") for part in rel.parts) or _is_skippable_name(path):
                    out.skipped.append(
                        {"file": name_of(path), "reason": "not a data file (by name)"}
                    )
                    continue
                _add_file(path, name_of(path), workdir, out, explicit=False)
        else:
            _add_file(item, name_of(item), workdir, out, explicit=True)
    return out


def _add_file(path: Path, name: str, workdir: Path, out: Expansion, explicit: bool) -> None:
    fmt = detect_format(path)
    if fmt == "zip":
        _add_zip(path, name, workdir, out)
        return
    if fmt == "empty":
        raise IngestError(
            name, expected="a table with a header line and data rows", note="the file is empty"
        )
    if fmt == "binary":
        if explicit:
            raise IngestError(
                name,
                expected="a text, xlsx, xls, dbf, parquet or zip file",
                note="unrecognised binary content",
            )
        out.skipped.append({"file": name, "reason": "unrecognised binary file"})
        return
    source = open_source(path, name, fmt, workdir)
    kind = source.layout.kind
    if kind in ("fcs", "tidy"):
        if source.layout.missing:
            fld = source.layout.missing[0]
            raise IngestError(
                name,
                1,
                None,
                f"a column {FIELD_EXPECTED[fld]}",
                note=f"missing; the header has {source.layout.header}",
            )
        out.sources.append(source)
        return
    reason = {
        "indicators": "a regional indicator table (read by read_indicators)",
        "experts": "an expert assessment table",
    }.get(kind, "not a trade table (no recognised header)")
    if explicit and kind == "unknown":
        delim_hint = (
            "" if source.delim else "; no tab, ';' or ',' separator was found in the header"
        )
        raise IngestError(
            name,
            1,
            None,
            "a header of a trade table (FCS napr/period/nastranapr/tnved/Stoim/Netto/Subject "
            "or tidy year/region/hs6/partner/flow/value_usd)",
            ", ".join(source.layout.header)[:120],
            note=f"unrecognised columns{delim_hint}",
        )
    if explicit:
        raise IngestError(name, note=f"{reason}, not a trade table")
    out.skipped.append({"file": name, "reason": reason})


def _add_zip(path: Path, name: str, workdir: Path, out: Expansion) -> None:
    target = workdir / f"zip{len(list(workdir.glob('zip*')))}"
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            for i, member in enumerate(members):
                member_name = f"{name}!{member.filename}"
                base = Path(member.filename).name
                if not base or _is_skippable_name(Path(base)):
                    out.skipped.append({"file": member_name, "reason": "not a data file (by name)"})
                    continue
                dest = target / f"{i}_{base}"
                with zf.open(member) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                try:
                    _add_file(dest, member_name, workdir, out, explicit=False)
                except IngestError as err:
                    if "the file is empty" in str(err):
                        out.skipped.append({"file": member_name, "reason": "empty file"})
                    else:
                        raise
    except zipfile.BadZipFile as err:
        raise IngestError(
            name, expected="a complete zip archive", note=f"damaged or truncated: {err}"
        ) from err


def open_source(path: Path, name: str, fmt: str, workdir: Path) -> Source:
    """Read the header (and, for spreadsheets and dbf, the rows) of one file."""
    if fmt == "text":
        return _open_text(path, name, workdir)
    if fmt in ("xlsx", "xls"):
        return _open_excel(path, name, fmt)
    if fmt == "dbf":
        return _open_dbf(path, name)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        header = pq.read_schema(path).names
        return Source(name, path, fmt, layout_of(header), first_line=1)
    raise IngestError(name, note=f"unsupported format {fmt}")


def _open_text(path: Path, name: str, workdir: Path) -> Source:
    sample = read_head(path)
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    first = text.split("\n", 1)[0]
    delim, header = split_header(first)
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if not text.strip():
        raise IngestError(
            name, expected="a table with a header line and data rows", note="the file is empty"
        )
    read_path = path
    notes = []
    if encoding not in ("utf-8", "utf-8-sig") or gz:
        read_path = workdir / f"text{len(list(workdir.glob('text*')))}.csv"
        opener = gzip.open if gz else open
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with opener(path, "rb") as src, open(read_path, "w", encoding="utf-8") as dst:
                while chunk := src.read(1 << 22):
                    dst.write(decoder.decode(chunk))
                dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as err:
            raise IngestError(
                name, expected=f"text in {encoding}", note=f"undecodable byte at offset {err.start}"
            ) from err
        if encoding not in ("utf-8", "utf-8-sig"):
            notes.append(f"encoding {encoding} converted to UTF-8")
    return Source(name, read_path, "text", layout_of(header), encoding, delim, notes=notes)


def _frame_source(
    frame: pd.DataFrame, name: str, path: Path, fmt: str, encoding: str | None
) -> Source:
    """Find the header row in the first rows of a sheet-like frame; keep the rows below it."""
    frame = frame.fillna("").astype(str)
    for i in range(min(HEADER_SEARCH_ROWS, len(frame))):
        header = [str(v).strip() for v in frame.iloc[i].tolist()]
        layout = layout_of(header)
        if layout.kind != "unknown":
            break
    else:
        return Source(name, path, fmt, layout_of([str(c) for c in frame.columns]), encoding)
    body = frame.iloc[i + 1 :].copy()
    body.columns = [h if h else f"_col{j}" for j, h in enumerate(header)]
    body = body.loc[:, ~pd.Index(body.columns).duplicated()]
    empty = (body.apply(lambda col: col.str.strip()) == "").all(axis=1)
    if empty.any():  # the table ends at the first blank row; notes below it are ignored
        stop = int(empty.to_numpy().argmax())
        body = body.iloc[:stop]
    body = body.apply(lambda col: col.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True))
    # sheet row number (1-based) for spreadsheets; record number for dbf (row 0 holds the names)
    body["line"] = body.index.to_numpy().astype("int64") + (0 if fmt == "dbf" else 1)
    return Source(name, path, fmt, layout, encoding, frame=body.reset_index(drop=True))


def _open_excel(path: Path, name: str, fmt: str) -> Source:
    try:
        frame = pd.read_excel(path, header=None, dtype=str, engine="calamine")
    except Exception as err:  # calamine reports damaged files with several exception types
        raise IngestError(
            name,
            expected=f"a complete .{fmt} workbook",
            note=f"the file is damaged or truncated ({err})",
        ) from err
    frame.index = range(len(frame))
    return _frame_source(frame, name, path, fmt, None)


_DBF_CODEPAGES = {0x26: "cp866", 0x65: "cp866", 0x57: "cp1251", 0xC9: "cp1251", 0x03: "cp1252"}


def _open_dbf(path: Path, name: str) -> Source:
    from dbfread import DBF

    with open(path, "rb") as fh:
        head = fh.read(32)
    encoding = _DBF_CODEPAGES.get(head[29], "cp866")
    try:
        table = DBF(str(path), encoding=encoding, char_decode_errors="strict")
        records = [[("" if v is None else str(v)) for v in rec.values()] for rec in table]
        columns = table.field_names
    except (UnicodeDecodeError, ValueError, EOFError) as err:
        raise IngestError(
            name, expected=f"a readable dbf table in {encoding}", note=str(err)
        ) from err
    frame = pd.DataFrame([columns, *records], dtype=str)
    return _frame_source(frame, name, path, "dbf", encoding)


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def relation_sql(source: Source, view: str | None, with_line: bool) -> str:
    """SQL selecting the raw fields of ``source`` as text (``line`` null unless ``with_line``)."""
    cols = source.layout.columns

    def col(fld: str, table: str = "r") -> str:
        if fld not in cols:
            return "NULL::VARCHAR"
        return f'CAST({table}."{cols[fld]}" AS VARCHAR)'

    fields = ", ".join(f"{col(f)} AS {f}" for f in RAW_FIELDS)
    if source.frame is not None:
        return f"SELECT r.line::BIGINT AS line, {fields} FROM {view} r"
    if source.fmt == "parquet":
        reader = f"read_parquet({_quote(source.path)})"
        offset = 0
    else:
        quote = "''" if source.delim == "\t" else "'\"'"
        reader = (
            f"read_csv({_quote(source.path)}, delim={_quote(source.delim or ',')}, header=true, "
            f"all_varchar=true, quote={quote}, escape={quote}, auto_detect=false, "
            f"columns={{{', '.join(_quote(h) + ': ' + _quote('VARCHAR') for h in source.layout.header)}}}, "
            f"strict_mode=true, skip=0)"
        )
        offset = source.first_line - 1
    line = f"(row_number() OVER () + {offset})::BIGINT" if with_line else "NULL::BIGINT"
    return f"SELECT {line} AS line, {fields} FROM {reader} r"
