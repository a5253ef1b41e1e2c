"""Turn input paths (files, folders, zips) into readable sources of raw trade rows.

Each :class:`Source` is one table of one file (a zip member counts as a file) with its format,
encoding and column layout. :func:`relation_sql` gives the SQL (DuckDB) that reads it with the
standard raw fields ``line, flow, period, year, partner, code, value, netto, region`` as text.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import os
import re
import shutil
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from exportlab.errors import IngestError
from exportlab.io.quality import SKIPPED
from exportlab.io.sniff import (
    FIELD_EXPECTED,
    Layout,
    binary_reason,
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
#: Endings of files that are documents or pictures, never tables: skipped by name in folders.
SKIP_SUFFIXES = (
    ".md", ".json", ".pdf", ".doc", ".docx", ".rtf", ".odt", ".html", ".htm", ".xml",
    ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".gif", ".svg",
)  # fmt: skip
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
    warnings: list[str] = field(default_factory=list)  # shown to the user (e.g. a cut last line)
    #: the search of the text for values the fast path cannot check ("1_000", which DuckDB reads
    #: as 1000), run in the background while the fast path reads the file
    underscore_scan: Future[bool] | None = None

    def general_only(self) -> bool:
        """True when only the general path can read this source (waits for the text search)."""
        return bool(self.underscore_scan and self.underscore_scan.result())


@dataclass
class Expansion:
    """Sources found in the inputs, and files skipped with the reason."""

    sources: list[Source] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _is_skippable_name(path: Path) -> bool:
    low = path.name.lower()
    return low.startswith((".", "~$", *SKIP_NAMES)) or low.endswith(SKIP_SUFFIXES)


def display_namer(inputs: list[Path]):
    """A function giving the name of an input file as written in reports and outputs.

    Relative to the project root (:func:`exportlab.paths.project_root`) when the file is inside
    it, else relative to the common parent folder of ``inputs``; POSIX separators. The same data
    read from another project folder therefore gives the same names (and byte-identical outputs).

    >>> name = display_namer([Path("/elsewhere/in/a.tsv")])    # doctest: +SKIP
    >>> name(Path("/elsewhere/in/a.tsv"))                       # doctest: +SKIP
    'a.tsv'
    """
    from exportlab import paths

    root = paths.project_root()
    roots = list(dict.fromkeys([Path(os.path.abspath(root)), root.resolve()]))
    parents = [os.path.dirname(os.path.abspath(i)) for i in inputs]
    base = Path(os.path.commonpath(parents)) if parents else roots[0]

    def name(path: Path) -> str:
        # absolute but not resolved: a symlink keeps the name the user gave it
        full = Path(os.path.abspath(path))
        for folder in (*roots, base):
            if full.is_relative_to(folder):
                return full.relative_to(folder).as_posix()
        return str(path)

    return name


def expand_inputs(inputs: list[Path], workdir: Path, skip_invalid: bool = False) -> Expansion:
    """Resolve files, folders and zips into sources. Explicit files must be trade tables.

    Files are named by :func:`display_namer` (never by absolute paths). A file of a folder or zip
    that cannot be read (UTF-16 text, a NUL byte, unknown binary content) is an error; with
    ``skip_invalid`` it is skipped, listed under ``skipped`` and named in a warning.
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
        if item.is_dir():
            for path in sorted(p for p in item.rglob("*") if p.is_file()):
                rel = path.relative_to(item)
                if any(part.startswith(".") for part in rel.parts) or _is_skippable_name(path):
                    out.skipped.append({"file": name_of(path), "reason": SKIPPED["by_name"]["en"]})
                    continue
                _add_file(path, name_of(path), workdir, out, explicit=False, skip=skip_invalid)
        else:
            _add_file(item, name_of(item), workdir, out, explicit=True, skip=skip_invalid)
    return out


def _unreadable(name: str, reason: str, out: Expansion, explicit: bool, skip: bool) -> None:
    """An unreadable file: an error, or (``skip`` and not named explicitly) skipped and listed."""
    if explicit or not skip:
        hint = "" if explicit else "; remove it from the folder, or pass --skip-invalid to skip it"
        raise IngestError(
            name, expected="a text, xlsx, xls, dbf, parquet or zip file", note=f"{reason}{hint}"
        )
    out.skipped.append({"file": name, "reason": f"unreadable: {reason}"})
    out.warnings.append(f"{name}: not read ({reason})")


def _add_file(
    path: Path, name: str, workdir: Path, out: Expansion, explicit: bool, skip: bool = False
) -> None:
    try:
        fmt = detect_format(path)
    except OSError as err:  # e.g. no permission to read it
        raise IngestError(name, expected="a file that can be read", note=str(err)) from err
    if fmt == "zip":
        _add_zip(path, name, workdir, out, skip)
        return
    if fmt == "empty":
        raise IngestError(
            name, expected="a table with a header line and data rows", note="the file is empty"
        )
    if fmt == "binary":
        _unreadable(name, binary_reason(read_head(path, 4096)), out, explicit, skip)
        return
    for source in open_sources(path, name, fmt, workdir):
        _add_source(source, out, explicit)


def _add_source(source: Source, out: Expansion, explicit: bool) -> None:
    name = source.name
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
    reason = SKIPPED[kind if kind in ("indicators", "experts") else "not_trade"]["en"]
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


#: Compression methods Python's zipfile reads (stored, deflate, bzip2, lzma).
_ZIP_METHODS = {0: "stored", 8: "deflate", 12: "bzip2", 14: "lzma"}


def _add_zip(path: Path, name: str, workdir: Path, out: Expansion, skip: bool = False) -> None:
    target = workdir / f"zip{len(list(workdir.glob('zip*')))}"
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            for i, member in enumerate(members):
                member_name = f"{name}!{member.filename}"
                base = Path(member.filename).name
                if not base or _is_skippable_name(Path(base)):
                    out.skipped.append({"file": member_name, "reason": SKIPPED["by_name"]["en"]})
                    continue
                dest = target / f"{i}_{base}"
                _extract(zf, member, member_name, dest)
                try:
                    _add_file(dest, member_name, workdir, out, explicit=False, skip=skip)
                except IngestError as err:
                    if "the file is empty" in str(err):
                        out.skipped.append({"file": member_name, "reason": "empty file"})
                    else:
                        raise
    except zipfile.BadZipFile as err:
        raise IngestError(
            name, expected="a complete zip archive", note=f"damaged or truncated: {err}"
        ) from err


def _extract(zf: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, dest: Path) -> None:
    """Copy one zip member to ``dest``; an encrypted, unreadable or damaged member is an error."""
    expected = "a zip member that can be unpacked"
    if member.flag_bits & 0x1:
        raise IngestError(
            name, expected=expected, note="the member is encrypted (password-protected); "
            "unpack it with its password and ingest the unpacked files",
        )  # fmt: skip
    if member.compress_type not in _ZIP_METHODS:
        raise IngestError(
            name, expected=expected + " (stored, deflate, bzip2 or lzma)",
            note=f"compression method {member.compress_type} cannot be read; "
            "re-pack the archive with standard (deflate) compression",
        )  # fmt: skip
    try:
        with zf.open(member) as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, NotImplementedError) as err:
        raise IngestError(name, expected=expected, note=f"damaged or truncated: {err}") from err


def open_sources(path: Path, name: str, fmt: str, workdir: Path) -> list[Source]:
    """Read the header (and, for spreadsheets and dbf, the rows) of one file.

    One source per file, except a workbook whose sheets hold several tables (one per sheet).
    """
    if fmt == "text":
        return [_open_text(path, name, workdir)]
    if fmt in ("xlsx", "xls"):
        return _open_excel(path, name, fmt)
    if fmt == "dbf":
        return [_open_dbf(path, name)]
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            header = pq.read_schema(path).names
        except (pa.ArrowException, OSError) as err:
            raise IngestError(
                name, expected="a complete Parquet file", note=f"damaged or truncated ({err})"
            ) from err
        return [Source(name, path, fmt, layout_of(header), first_line=1)]
    raise IngestError(name, note=f"unsupported format {fmt}")


def _header_names(header: list[str]) -> list[str]:
    """Column names with every empty one named ``_colN`` (a trailing delimiter, an unnamed column)."""
    return [h if h else f"_col{j}" for j, h in enumerate(header)]


def _open_text(path: Path, name: str, workdir: Path) -> Source:
    sample = read_head(path)
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    first = text.split("\n", 1)[0]
    delim, header = split_header(first)
    header = _header_names(header)
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if not text.strip():
        raise IngestError(
            name, expected="a table with a header line and data rows", note="the file is empty"
        )
    read_path = path
    notes = []
    underscore = False
    if encoding not in ("utf-8", "utf-8-sig") or gz:
        read_path = workdir / f"text{len(list(workdir.glob('text*')))}.csv"
        opener = gzip.open if gz else open
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with opener(path, "rb") as src, open(read_path, "w", encoding="utf-8") as dst:
                while chunk := src.read(1 << 22):
                    part = decoder.decode(chunk)
                    underscore = underscore or "_" in part
                    dst.write(part)
                dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as err:
            raise IngestError(
                name, expected=f"text in {encoding}", note=f"undecodable byte at offset {err.start}"
            ) from err
        except (EOFError, OSError, zlib.error) as err:
            raise IngestError(
                name, expected="a complete gzip file", note=f"damaged or truncated ({err})"
            ) from err
        if encoding not in ("utf-8", "utf-8-sig"):
            notes.append(f"encoding {encoding} converted to UTF-8")
    source = Source(name, read_path, "text", layout_of(header), encoding, delim, notes=notes)
    if underscore or read_path == path:
        source.underscore_scan = _scanner().submit(_has_underscore, read_path)
    source.warnings.extend(_cut_last_line(source))
    return source


@cache
def _scanner() -> ThreadPoolExecutor:
    """The background thread that searches text files for ``_`` while the fast path's DuckDB
    pass, which leaves a part of a core idle, reads them."""
    return ThreadPoolExecutor(1, thread_name_prefix="exportlab-scan")


def _has_underscore(path: Path) -> bool:
    """True when the text below the header line holds a ``_``.

    DuckDB reads ``1_000`` as the number 1000; such files take the general path, which rejects it.
    """
    with open(path, "rb") as fh:
        fh.readline()
        while chunk := fh.read(1 << 22):
            if b"_" in chunk:
                return True
    return False


TAIL_BYTES = 1 << 16


def _cut_last_line(source: Source) -> list[str]:
    """A warning when the file ends without a line break inside a value that no other line has.

    A download cut in the middle ends so; its last value (``Netto`` "20" of "2075") would be read.
    """
    path = source.path
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        tail = fh.read()
    if not tail or tail.endswith(b"\n") or b"\n" not in tail:
        return []
    lines = tail.decode("utf-8", errors="replace").split("\n")
    last = lines[-1].rstrip("\r")
    others = [ln.rstrip("\r") for ln in lines[1:-1]]  # not the header or a cut first line
    delim = source.delim or ","
    fields = last.split(delim)
    column = source.layout.header[-1] if source.layout.header else "?"
    value = fields[-1].strip().strip('"')
    numeric = column in {source.layout.columns.get(f) for f in ("value", "netto")}
    known = {ln.split(delim)[-1].strip().strip('"') for ln in others if ln.strip()}
    if len(fields) != len(source.layout.header) or (value in known and not numeric):
        return []
    with open(path, "rb") as fh:
        line = 1 + sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 22), b""))
    return [
        f'{source.name}, line {line}, column "{column}": the file ends inside this line (no line '
        f'break after "{value}", a value no other line has); check that the file is complete'
    ]


def physical_lines(source: Source, lines: list[int], counted: str = "records") -> dict[int, int]:
    """Physical line numbers of a text source for line numbers counted by DuckDB.

    ``counted="records"``: ``lines`` are ``first_line - 1 + k`` for the k-th data record (blank
    lines skipped, a quoted field may span lines); ``"lines"``: the line numbers of DuckDB's
    reader errors (blank lines counted, a quoted line break not). Identity when the file has
    neither blank lines nor quotes; otherwise one pass with Python's csv reader.
    """
    wanted = set(lines)
    if source.fmt != "text" or not wanted or not _needs_line_map(source):
        return {n: n for n in wanted}
    out: dict[int, int] = {}
    with open(source.path, encoding="utf-8-sig", newline="") as fh:
        if source.delim == "\t":  # no quoting: one record per line
            rows = ((ln.rstrip("\r\n") != "" or None) for ln in fh)
            ends = None
        else:
            reader = csv.reader(fh, delimiter=source.delim or ",", quotechar='"')
            rows = ((bool(r) or None) for r in reader)
            ends = reader
        physical, record, seen = 0, 0, 0
        for row in rows:
            start = physical + 1
            physical = ends.line_num if ends is not None else physical + 1
            seen += 1
            if row:
                record += 1
            key = seen if counted == "lines" else (record if row else None)
            if key is not None and key in wanted:
                out[key] = start
                if len(out) == len(wanted):
                    break
    return {n: out.get(n, n) for n in wanted}


def _needs_line_map(source: Source) -> bool:
    """Whether DuckDB's count of lines can differ from the physical lines (blank lines, quotes)."""
    quote = source.delim != "\t"
    carry = b""
    with open(source.path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            buf = carry + chunk
            if b"\n\n" in buf or b"\n\r\n" in buf or (quote and b'"' in buf):
                return True
            carry = buf[-2:]
    return False


def _frame_source(
    frame: pd.DataFrame, name: str, path: Path, fmt: str, encoding: str | None
) -> Source:
    """Find the header row in the first rows of a sheet-like frame; keep the rows below it.

    Blank rows are skipped and the rows below them read; only a block at the end whose rows hold
    one filled cell each (notes, a source line) below a blank row is left out (named in the notes).
    """
    frame = frame.fillna("").astype(str)
    for i in range(min(HEADER_SEARCH_ROWS, len(frame))):
        header = [str(v).strip() for v in frame.iloc[i].tolist()]
        layout = layout_of(header)
        if layout.kind != "unknown":
            break
    else:
        return Source(name, path, fmt, layout_of([str(c) for c in frame.columns]), encoding)
    body = frame.iloc[i + 1 :].copy()
    body.columns = _header_names(header)
    body = body.loc[:, ~pd.Index(body.columns).duplicated()]
    filled = (body.apply(lambda col: col.str.strip()) != "").sum(axis=1).to_numpy()
    notes = []
    offset = 0 if fmt == "dbf" else 1  # sheet row number (1-based); dbf: record number
    if (filled == 0).any():
        # rows from position k on hold at most one filled cell each: notes when row k is blank
        most = np.maximum.accumulate(filled[::-1])[::-1]
        ends = np.flatnonzero((filled == 0) & (most <= 1))
        if len(ends):
            k = int(ends[0])
            n_notes = int((filled[k:] > 0).sum())
            if n_notes:
                first = int(body.index[k + int(np.flatnonzero(filled[k:] > 0)[0])]) + offset
                notes.append(f"{n_notes} note row(s) below the table (from line {first}) not read")
            body, filled = body.iloc[:k], filled[:k]
        blank = int((filled == 0).sum())
        if blank:
            notes.append(f"{blank} blank row(s) inside the table skipped")
        body = body[filled > 0]
    body = body.apply(lambda col: col.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True))
    body["line"] = body.index.to_numpy().astype("int64") + offset
    source = Source(name, path, fmt, layout, encoding, frame=body.reset_index(drop=True))
    source.notes.extend(notes)
    return source


def _open_excel(path: Path, name: str, fmt: str) -> list[Source]:
    """Every sheet of a workbook that holds a trade table; other sheets with data are an error."""
    try:
        sheets = pd.read_excel(path, header=None, dtype=str, engine="calamine", sheet_name=None)
        errors = _xlsx_error_cells(path) if fmt == "xlsx" else {}
    except Exception as err:  # calamine reports damaged files with several exception types
        raise IngestError(
            name,
            expected=f"a complete .{fmt} workbook",
            note=f"the file is damaged or truncated ({err})",
        ) from err
    found: list[tuple[str, Source]] = []
    for sheet, frame in sheets.items():
        frame.index = range(len(frame))
        for (row, col), text in errors.get(str(sheet), {}).items():
            if row < len(frame) and col < frame.shape[1]:
                frame.iat[row, col] = text  # the formula error, not a blank cell
        if frame.fillna("").astype(str).map(str.strip).eq("").all().all():
            continue  # an empty sheet holds nothing to lose
        found.append((str(sheet), _frame_source(frame, name, path, fmt, None)))
    if not found:
        raise IngestError(
            name, expected="a table with a header line and data rows", note="the file is empty"
        )
    trade = [(s, src) for s, src in found if src.layout.kind in ("fcs", "tidy")]
    if not trade:
        return [found[0][1]]
    other = [s for s, src in found if src.layout.kind not in ("fcs", "tidy")]
    if other:
        raise IngestError(
            name,
            expected=f"a trade table header on every sheet with data (like sheet {trade[0][0]!r})",
            note=f"sheet(s) {', '.join(map(repr, other))} hold data without a recognised header "
            "and would be ignored; delete them or give them the header row",
        )
    if len(trade) > 1:
        for sheet, src in trade:
            src.name = f"{name}[{sheet}]"
    return [src for _, src in trade]


_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)(?<!/)>((?:(?!</c>).)*)</c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _xlsx_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells holding a formula error (``#DIV/0!``, ``#VALUE!``, …) per sheet: (row, col) -> text.

    calamine reads them as blank cells, which would make an error a missing weight; the sheet XML
    is scanned for them (0-based row and column).
    """
    import xml.etree.ElementTree as ET

    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    out: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as zf:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
        parts = set(zf.namelist())
        for sheet in book.iterfind("m:sheets/m:sheet", ns):
            target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in parts:
                continue
            cells: dict[tuple[int, int], str] = {}
            with zf.open(part) as fh:
                carry = b""
                while True:
                    chunk = fh.read(1 << 24)
                    buf = carry + chunk
                    cut = len(buf) if not chunk else max(buf.rfind(b"</c>") + 4, 0)
                    if b't="e"' in buf[:cut]:
                        for m in _ERROR_CELL.finditer(buf, 0, cut):
                            ref, value = (
                                _CELL_REF.search(m.group(1)),
                                _CELL_VALUE.search(m.group(2)),
                            )
                            if ref and value:
                                col = 0
                                for ch in ref.group(1):
                                    col = col * 26 + ch - 64
                                cells[(int(ref.group(2)) - 1, col - 1)] = value.group(1).decode()
                    carry = buf[cut:]
                    if not chunk:
                        break
            if cells:
                out[sheet.get("name", "")] = cells
    return out


_DBF_CODEPAGES = {0x26: "cp866", 0x65: "cp866", 0x57: "cp1251", 0xC9: "cp1251", 0x03: "cp1252"}


def _open_dbf(path: Path, name: str) -> Source:
    from dbfread import DBF

    with open(path, "rb") as fh:
        head = fh.read(32)
    encoding = _DBF_CODEPAGES.get(head[29], "cp866")
    n_records = int.from_bytes(head[4:8], "little")
    header_len = int.from_bytes(head[8:10], "little")
    record_len = int.from_bytes(head[10:12], "little")
    complete = (path.stat().st_size - header_len) // max(record_len, 1)
    if complete < n_records:
        raise IngestError(
            name,
            expected=f"the {n_records} records its header announces",
            note=f"the file holds {max(complete, 0)} complete record(s); it is truncated",
        )
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
