"""Recognise an input by its content: container format, text encoding, delimiter and column layout.

Formats are told by their first bytes (zip, xlsx, xls, dbf, parquet, gzip) rather than by the file
name. Text encodings among UTF-8, UTF-8 with BOM, CP1251 and CP866 are told apart by decoding a
sample: UTF-8 is accepted when the sample decodes strictly; otherwise the single-byte code page whose
decoding yields more Cyrillic letters wins (CP866 upper-case letters decode in CP1251 to rare
symbols, and CP1251 letters decode in CP866 to box-drawing characters).

>>> detect_encoding("ЭК\\tМОСКВА".encode("cp866"))
'cp866'
>>> detect_encoding("ЭК\\tМОСКВА".encode("cp1251"))
'cp1251'
>>> layout_of(["napr", "period", "nastranapr", "tnved", "Stoim", "Netto", "Subject"]).kind
'fcs'
"""

from __future__ import annotations

import gzip
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_BYTES = 1 << 20
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "cp1251", "cp866")

_DBF_VERSIONS = {0x02, 0x03, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xE5, 0xFB}


def read_head(path: Path, n: int = SAMPLE_BYTES) -> bytes:
    """The first ``n`` bytes of ``path`` (decompressed when the file is gzip)."""
    with open(path, "rb") as fh:
        head = fh.read(n)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                return fh.read(n)
        except (OSError, EOFError):
            return head
    return head


def detect_format(path: Path) -> str:
    """One of ``empty``, ``zip``, ``xlsx``, ``xls``, ``dbf``, ``parquet``, ``text``, ``binary``.

    ``xlsx`` is also returned for a damaged workbook named ``*.xlsx`` (the reader then reports it).
    """
    with open(path, "rb") as fh:
        head = fh.read(64)
    if not head:
        return "empty"
    if head[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "zip"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if head[:4] == b"\xd0\xcf\x11\xe0":
        return "xls"
    if head[:4] == b"PAR1":
        return "parquet"
    if _looks_like_dbf(head, path):
        return "dbf"
    if head[:2] == b"\x1f\x8b":
        return "text"
    sample = read_head(path, 4096)
    if b"\x00" in sample:
        return "binary"
    return "text"


def binary_reason(sample: bytes) -> str:
    """Why a file that :func:`detect_format` calls ``binary`` cannot be read (its first bytes).

    >>> binary_reason("napr\\tperiod".encode("utf-16"))
    'UTF-16 text; save it as UTF-8 or CP1251'
    >>> binary_reason(b"napr\\tperiod\\nEK\\x00\\t01/2020\\n")
    'a NUL byte at offset 14 (line 2): not plain text'
    """
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 text; save it as UTF-8 or CP1251"
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 8 and max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.4:
        return "UTF-16 text; save it as UTF-8 or CP1251"
    nul = sample.find(b"\x00")
    rest = sample.replace(b"\x00", b"")
    controls = sum(1 for b in rest if b < 32 and b not in (9, 10, 13))
    if nul >= 0 and controls <= len(rest) // 100:
        line = sample[:nul].count(b"\n") + 1
        return f"a NUL byte at offset {nul} (line {line}): not plain text"
    return "unrecognised binary content (not text, xlsx, xls, dbf, parquet or zip)"


def _looks_like_dbf(head: bytes, path: Path) -> bool:
    if len(head) < 32 or head[0] not in _DBF_VERSIONS:
        return False
    month, day = head[2], head[3]
    header_len = int.from_bytes(head[8:10], "little")
    record_len = int.from_bytes(head[10:12], "little")
    if not (1 <= month <= 12 and 1 <= day <= 31 and header_len >= 33 and record_len >= 1):
        return False
    with open(path, "rb") as fh:
        fh.seek(header_len - 1)
        return fh.read(1) == b"\r"


def cyrillic_letters(text: str) -> int:
    """Number of Russian letters (А–я, Ё, ё) in ``text``."""
    return sum(1 for ch in text if "\u0410" <= ch <= "\u044f" or ch in "Ёё")


def detect_encoding(sample: bytes) -> str:
    """``utf-8-sig``, ``utf-8``, ``cp1251`` or ``cp866`` for a byte sample of a text file."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if err.start >= len(sample) - 3 and err.reason == "unexpected end of data":
            return "utf-8"
    scores = {
        enc: cyrillic_letters(sample.decode(enc, errors="replace")) for enc in ("cp1251", "cp866")
    }
    return "cp866" if scores["cp866"] > scores["cp1251"] else "cp1251"


def split_header(line: str) -> tuple[str | None, list[str]]:
    """The delimiter (tab, ``;``, ``,`` or ``|``) of a header line and its column names."""
    line = line.lstrip("\ufeff").rstrip("\r\n")
    counts = {d: line.count(d) for d in ("\t", ";", ",", "|")}
    delim = max(counts, key=lambda d: counts[d])
    if counts[delim] == 0:
        return None, [line.strip()]
    return delim, [c.strip().strip('"').strip() for c in line.split(delim)]


#: Column names (lower case) recognised for each field of a trade row.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "flow": ("napr", "flow", "направление", "trade_flow"),
    "period": ("period", "период", "month", "date", "дата"),
    "year": ("year", "год", "co_ano"),
    "partner": ("nastranapr", "strana", "partner", "country", "страна", "partner_iso2"),
    "code": ("tnved", "hs6", "hs", "hs4", "hs2", "hs_code", "code", "product", "тнвэд", "тн вэд"),
    "value": ("stoim", "value_usd", "value", "стоимость", "trade_value_usd"),
    "netto": ("netto", "netto_kg", "weight_kg", "нетто", "net_weight_kg"),
    "region": ("subject", "region", "регион", "субъект", "region_code"),
}
FCS_NAMES = frozenset({"napr", "nastranapr", "strana", "tnved", "stoim", "netto", "subject"})
INDICATOR_NAMES = ("region", "year", "indicator", "value")
EXPERT_NAMES = ("expert", "component", "rank")


@dataclass
class Layout:
    """What a header says: the kind of table and which source column holds each field."""

    kind: str  # fcs, tidy, indicators, experts, unknown
    columns: dict[str, str] = field(default_factory=dict)  # field -> source column name
    missing: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


def layout_of(header: list[str]) -> Layout:
    """Classify a header (list of column names) and map the trade fields to its columns."""
    lower = [h.strip().lower() for h in header]
    if all(n in lower for n in INDICATOR_NAMES) and "partner" not in lower:
        return Layout("indicators", header=header)
    if all(n in lower for n in EXPERT_NAMES):
        return Layout("experts", header=header)
    columns: dict[str, str] = {}
    for fld, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in lower:
                columns[fld] = header[lower.index(alias)]
                break
    kind = "fcs" if FCS_NAMES & set(lower) else "tidy"
    required = ["partner", "code", "value", "region"]
    missing = [f for f in required if f not in columns]
    if "period" not in columns and "year" not in columns:
        missing.append("period")
    if kind == "fcs" and "flow" not in columns:
        missing.append("flow")
    if len(columns) < 3:
        return Layout("unknown", columns, missing, header)
    return Layout(kind, columns, missing, header)


FIELD_EXPECTED: dict[str, str] = {
    "flow": "napr / flow (ЭК, ИМ, EXP, IMP, export, import)",
    "period": "period (MM/YYYY) or year",
    "partner": "nastranapr / STRANA / partner (ISO 3166-1 alpha-2)",
    "code": "tnved / hs6 / hs (commodity code)",
    "value": "Stoim / value_usd (US dollars)",
    "region": "Subject / Region / region",
}

_WS = re.compile(r"\s+")


def clean_label(text: str) -> str:
    """Collapse white space (for messages)."""
    return _WS.sub(" ", text).strip()
