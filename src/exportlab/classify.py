"""High-technology groups, segments and resource / NNE classes of HS 6-digit products.

Stage 02 of the workbench. A product (HS6 code of the edition in force in its year) gets

* a **high-technology group** (``GROUPS``) from the OECD/Eurostat product approach, with the SITC Rev.4
  list in ``data/hightech_sitc4.csv`` translated into HS6 per edition in ``data/hightech_products.csv``
  (see ``data/hightech_products.md``; :func:`derive_hightech_products` re-derives it);
* a **segment** (a user-defined union of groups, ``DEFAULT_SEGMENTS`` follows the 2019 article);
* a **resource class** ``energy``, ``raw`` or ``nne`` (non-resource non-energy) from the HS-prefix
  rules in ``data/resource_products.csv`` (see ``data/resource_products.md``).

>>> hightech_group("880240", "HS2017")
'aerospace'
>>> resource_class("270900")
'energy'
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from exportlab.errors import IngestError
from exportlab.labels import check_lang, vocabulary

__all__ = [
    "DEFAULT_SEGMENTS",
    "EDITIONS",
    "EDITION_START_YEARS",
    "GROUPS",
    "GROUP_LABELS",
    "RESOURCE_CLASSES",
    "RESOURCE_SPECIALISATION",
    "RESOURCE_LABELS",
    "SEGMENT_LABELS",
    "derive_hightech_products",
    "group_label",
    "group_shares",
    "hightech",
    "hightech_group",
    "hightech_share",
    "hs_edition",
    "hs_editions",
    "load_hightech_products",
    "load_hightech_sitc4",
    "load_resource_rules",
    "read_correlation_tables",
    "resource_class",
    "resource_classes",
    "resource_label",
    "resource_share",
    "segment_label",
    "validate_segments",
]

Lang = Literal["en", "ru"]

DATA_DIR = Path(__file__).resolve().parent / "data"
HIGHTECH_PRODUCTS_CSV = DATA_DIR / "hightech_products.csv"
HIGHTECH_SITC4_CSV = DATA_DIR / "hightech_sitc4.csv"
RESOURCE_RULES_CSV = DATA_DIR / "resource_products.csv"

# ---------------------------------------------------------------------------------------------
# Groups, segments, resource classes and their labels
# ---------------------------------------------------------------------------------------------

GROUPS: tuple[str, ...] = (
    "aerospace",
    "computers_office",
    "electronics_telecom",
    "pharmacy",
    "scientific_instruments",
    "electrical_machinery",
    "chemistry",
    "non_electrical_machinery",
    "armament",
)
"""OECD/Eurostat high-technology product groups, in the order of the Eurostat list.

The order is also the tie-break priority when an HS6 code could belong to two groups (see
``data/hightech_products.md``)."""

GROUP_LABELS: dict[str, dict[str, str]] = vocabulary("classify.GROUP_LABELS")

DEFAULT_SEGMENTS: dict[str, list[str]] = {
    "aerospace": ["aerospace"],
    "computers_electrical_instruments": [
        "computers_office",
        "electrical_machinery",
        "scientific_instruments",
    ],
    "electronics_telecom": ["electronics_telecom"],
    "pharmaceuticals": ["pharmacy"],
}
"""The four segments of the 2019 article (Yakushev, high-tech export of Russia's regions).

Profile key ``segments``."""

SEGMENT_LABELS: dict[str, dict[str, str]] = vocabulary("classify.SEGMENT_LABELS")

RESOURCE_CLASSES: tuple[str, ...] = ("energy", "raw", "nne")
"""Resource classes: energy products, raw materials, non-resource non-energy (NNE) goods."""

RESOURCE_SPECIALISATION: tuple[str, ...] = ("energy", "raw")
"""The resource classes whose export makes up a region's resource (raw) specialisation."""

RESOURCE_LABELS: dict[str, dict[str, str]] = vocabulary("classify.RESOURCE_LABELS")

DEFAULT_RESOURCE_CLASS = "nne"


def group_label(group_id: str, lang: Lang = "en") -> str:
    """Label of a high-tech group in English or Russian.

    >>> group_label("pharmacy", "ru")
    'Фармацевтика'
    """
    check_lang(lang)
    try:
        return GROUP_LABELS[group_id][lang]
    except KeyError:
        raise ValueError(
            f"unknown high-tech group {group_id!r}; known: {', '.join(GROUPS)}"
        ) from None


def segment_label(segment_id: str, lang: Lang = "en") -> str:
    """Label of a segment; user-defined segments without a label fall back to their id.

    >>> segment_label("pharmaceuticals")
    'Pharmaceuticals'
    >>> segment_label("my_segment", "ru")
    'my_segment'
    """
    check_lang(lang)
    labels = SEGMENT_LABELS.get(segment_id)
    return labels[lang] if labels else segment_id


def resource_label(resource: str, lang: Lang = "en") -> str:
    """Label of a resource class (``energy``, ``raw``, ``nne``).

    >>> resource_label("nne")
    'Non-resource non-energy goods'
    """
    check_lang(lang)
    try:
        return RESOURCE_LABELS[resource][lang]
    except KeyError:
        raise ValueError(
            f"unknown resource class {resource!r}; known: {', '.join(RESOURCE_CLASSES)}"
        ) from None


# ---------------------------------------------------------------------------------------------
# HS editions
# ---------------------------------------------------------------------------------------------

EDITION_START_YEARS: dict[str, int] = {"HS2012": 2012, "HS2017": 2017, "HS2022": 2022}
"""First calendar year in which each HS edition is in force (ascending).

Years before the first edition (e.g. 2007–2011 data, which used HS2007) are mapped to the first edition,
``HS2012``: most HS6 codes did not change in 2012, but codes created or split in 2012 are classified
with the HS2012 list and may be missed or misread for those years. Add an edition here (and its rows to
the product list) when a new HS edition comes into force."""

EDITIONS: tuple[str, ...] = tuple(EDITION_START_YEARS)

_EDITION_STARTS = np.array(list(EDITION_START_YEARS.values()), dtype=np.int64)
_EDITION_NAMES = np.array(EDITIONS, dtype=object)


def hs_edition(year: int) -> str:
    """HS edition in force in ``year`` (calendar year).

    2012–2016 → ``HS2012``, 2017–2021 → ``HS2017``, 2022 onwards → ``HS2022``; earlier years → ``HS2012``
    (see ``EDITION_START_YEARS``).

    >>> hs_edition(2019)
    'HS2017'
    """
    year = int(year)
    idx = int(np.searchsorted(_EDITION_STARTS, year, side="right")) - 1
    return str(_EDITION_NAMES[max(idx, 0)])


def hs_editions(years: pd.Series | Sequence[int]) -> pd.Series:
    """Vectorised :func:`hs_edition`: a string Series aligned with ``years``.

    >>> hs_editions(pd.Series([2016, 2017, 2023])).tolist()
    ['HS2012', 'HS2017', 'HS2022']
    """
    years = years if isinstance(years, pd.Series) else pd.Series(years)
    values = pd.to_numeric(years, errors="raise").to_numpy(dtype=np.int64)
    idx = np.searchsorted(_EDITION_STARTS, values, side="right") - 1
    out = _EDITION_NAMES[np.clip(idx, 0, None)]
    return pd.Series(pd.array(out, dtype="string"), index=years.index, name="hs_edition")


# ---------------------------------------------------------------------------------------------
# Reference files
# ---------------------------------------------------------------------------------------------


def _read_commented_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV whose leading lines starting with ``#`` are a provenance header.

    All columns are read as strings; the header lines (without ``#``) are kept in ``df.attrs["header"]``.
    """
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = 0
    while n < len(lines) and (lines[n].startswith("#") or not lines[n].strip()):
        n += 1
    header = [line.lstrip("#").strip() for line in lines[:n] if line.startswith("#")]
    df = pd.read_csv(io.StringIO("".join(lines[n:])), dtype=str, keep_default_na=False)
    df.attrs["header"] = header
    df.attrs["path"] = str(path)
    return df


def _write_commented_csv(df: pd.DataFrame, path: str | Path, header: Iterable[str]) -> None:
    """Write ``df`` as CSV (``\\n`` line ends) after ``#``-prefixed header lines; deterministic bytes."""
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n" if line else "#\n")
    df.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def _is_true(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower().isin({"true", "1", "yes", "y"})


def load_hightech_sitc4(path: str | Path | None = None) -> pd.DataFrame:
    """The verified SITC Rev.4 high-tech list (``group, sitc4, exclude, description, confidence``).

    ``sitc4`` is a digit string without dots (``79281`` = 792.81); a code covers every code that starts
    with it, minus the ``exclude=True`` codes of the same group. ``exclude`` is bool.
    """
    df = _read_commented_csv(path or HIGHTECH_SITC4_CSV)
    missing = {"group", "sitc4", "exclude"} - set(df.columns)
    if missing:
        raise ValueError(f"SITC high-tech list lacks columns: {sorted(missing)}")
    df["sitc4"] = df["sitc4"].str.replace(".", "", regex=False).str.strip()
    df["exclude"] = _is_true(df["exclude"])
    unknown = sorted(set(df["group"]) - set(GROUPS))
    if unknown:
        raise ValueError(f"SITC high-tech list has unknown groups: {unknown}")
    bad = df.loc[~df["sitc4"].str.fullmatch(r"\d{3,5}"), "sitc4"].tolist()
    if bad:
        raise ValueError(f"SITC codes must have 3 to 5 digits, got {bad}")
    return df


@lru_cache(maxsize=8)
def _load_products_cached(path: str) -> pd.DataFrame:
    df = _read_commented_csv(path)
    missing = {"edition", "hs6", "group"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: high-tech product list lacks columns: {sorted(missing)}")
    for col in ("sitc4", "note"):
        if col not in df.columns:
            df[col] = ""
    df["hs6"] = df["hs6"].str.strip().str.zfill(6)
    bad_codes = df.loc[~df["hs6"].str.fullmatch(r"\d{6}"), "hs6"].tolist()
    if bad_codes:
        raise ValueError(f"{path}: HS6 codes must have 6 digits, got {bad_codes[:5]}")
    unknown = sorted(set(df["group"]) - set(GROUPS))
    if unknown:
        raise ValueError(f"{path}: unknown high-tech groups {unknown}; known: {', '.join(GROUPS)}")
    dup = df.duplicated(["edition", "hs6"], keep=False)
    if dup.any():
        raise ValueError(
            f"{path}: more than one group for (edition, hs6): "
            f"{df.loc[dup, ['edition', 'hs6']].drop_duplicates().values.tolist()[:5]}"
        )
    return df[["edition", "hs6", "group", "sitc4", "note"]].reset_index(drop=True)


def load_hightech_products(
    path: str | Path | None = None, include_partial: bool = True
) -> pd.DataFrame:
    """The high-tech product list: one row per (``edition``, ``hs6``) with its ``group``.

    Columns: ``edition`` (``HS2012``…), ``hs6`` (6-digit string), ``group`` (one of ``GROUPS``),
    ``sitc4`` (the high-tech SITC Rev.4 codes behind it, ``;``-separated), ``note`` (``partial: …`` when
    only some of the SITC codes the HS6 code corresponds to are high-tech). Leading ``#`` lines of the
    file (source and date) are returned in ``df.attrs["header"]``. ``include_partial=False`` drops the
    partial matches (a narrower, stricter list).

    >>> load_hightech_products().query("hs6 == '300490' and edition == 'HS2017'")["group"].item()
    'pharmacy'
    """
    df = _load_products_cached(str(Path(path or HIGHTECH_PRODUCTS_CSV).resolve())).copy()
    if not include_partial:
        df = df.loc[~df["note"].str.startswith("partial")].reset_index(drop=True)
    return df


@lru_cache(maxsize=1)
def _default_group_lookup() -> dict[tuple[str, str], str]:
    df = load_hightech_products()
    return dict(zip(zip(df["edition"], df["hs6"], strict=True), df["group"], strict=True))


def hightech_group(hs6: str, edition: str) -> str | None:
    """High-tech group of one HS6 code in an HS edition, or ``None`` when it is not high-tech.

    >>> hightech_group("851713", "HS2022")
    'electronics_telecom'
    >>> hightech_group("270900", "HS2017") is None
    True
    """
    if edition not in EDITIONS:
        raise ValueError(f"unknown HS edition {edition!r}; known: {', '.join(EDITIONS)}")
    return _default_group_lookup().get((edition, str(hs6).strip().zfill(6)))


@lru_cache(maxsize=8)
def _load_rules_cached(path: str) -> pd.DataFrame:
    return _validate_rules(_read_commented_csv(path), source=path)


def _validate_rules(df: pd.DataFrame, source: str = "resource rules") -> pd.DataFrame:
    missing = {"prefix", "class"} - set(df.columns)
    if missing:
        raise ValueError(f"{source}: resource rules lack columns: {sorted(missing)}")
    df = df.copy()
    df["prefix"] = df["prefix"].astype(str).str.strip()
    bad = df.loc[~df["prefix"].str.fullmatch(r"\d{1,6}"), "prefix"].tolist()
    if bad:
        raise ValueError(f"{source}: prefixes must be 1 to 6 digits, got {bad}")
    unknown = sorted(set(df["class"]) - set(RESOURCE_CLASSES))
    if unknown:
        raise ValueError(f"{source}: unknown resource classes {unknown}")
    dup = df["prefix"].duplicated()
    if dup.any():
        raise ValueError(f"{source}: duplicated prefixes {df.loc[dup, 'prefix'].tolist()}")
    for col in ("label_en", "label_ru", "note"):
        if col not in df.columns:
            df[col] = ""
    return df.reset_index(drop=True)


def load_resource_rules(path: str | Path | None = None) -> pd.DataFrame:
    """The resource-class rules: ``prefix, class, label_en, label_ru, note``.

    An HS6 code takes the class of the longest matching ``prefix``; codes matching none are ``nne``.
    """
    return _load_rules_cached(str(Path(path or RESOURCE_RULES_CSV).resolve())).copy()


def _rules_frame(rules: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    if rules is None or isinstance(rules, str | Path):
        return load_resource_rules(rules)
    return _validate_rules(rules)


def _classify_unique_codes(codes: np.ndarray, rules: pd.DataFrame) -> np.ndarray:
    """Longest-prefix resource class for an array of unique HS codes (object array of str)."""
    by_len: dict[int, dict[str, str]] = {}
    for prefix, cls in zip(rules["prefix"], rules["class"], strict=True):
        by_len.setdefault(len(prefix), {})[prefix] = cls
    out = np.full(len(codes), DEFAULT_RESOURCE_CLASS, dtype=object)
    done = np.zeros(len(codes), dtype=bool)
    for length in sorted(by_len, reverse=True):
        table = by_len[length]
        for i, code in enumerate(codes):
            if not done[i]:
                cls = table.get(code[:length])
                if cls is not None:
                    out[i] = cls
                    done[i] = True
    return out


def resource_class(hs6: str, rules: pd.DataFrame | str | Path | None = None) -> str:
    """Resource class (``energy``, ``raw`` or ``nne``) of one HS6 code by the longest-prefix rule.

    >>> resource_class("260111"), resource_class("300490")
    ('raw', 'nne')
    """
    code = np.array([str(hs6).strip()], dtype=object)
    return str(_classify_unique_codes(code, _rules_frame(rules))[0])


def resource_classes(hs6: pd.Series, rules: pd.DataFrame | str | Path | None = None) -> pd.Series:
    """Vectorised :func:`resource_class`: a string Series aligned with ``hs6`` (maps unique codes only).

    >>> resource_classes(pd.Series(["271111", "440320", "880240"])).tolist()
    ['energy', 'raw', 'nne']
    """
    codes, uniques = pd.factorize(hs6.astype("string").str.strip(), use_na_sentinel=True)
    classes = _classify_unique_codes(np.asarray(uniques, dtype=object), _rules_frame(rules))
    arr = pd.array(classes, dtype="string").take(codes, allow_fill=True)
    return pd.Series(arr, index=hs6.index, name="resource")


# ---------------------------------------------------------------------------------------------
# Product names
# ---------------------------------------------------------------------------------------------

#: Columns that may hold the HS code in a names file, in order of preference (or ``hsYYYY``).
NAME_CODE_COLUMNS = ("product", "code", "hs", "hs6", "hs4", "hs2", "tnved", "id")
#: Columns that may hold a name of unknown language (Russian when mostly Cyrillic).
NAME_TEXT_COLUMNS = ("name", "description", "text", "label")


def read_product_names(path: str | Path | io.TextIOBase) -> pd.DataFrame:
    """HS product names from a CSV file: one row per code, with ``name_en`` and/or ``name_ru``.

    The file needs a code column (``product``, ``code``, ``hs``, ``hs6``, ``hs4``, ``hs2``,
    ``tnved``, ``id`` or one named like ``hs2017``) of 2–10 digits (dots and spaces are dropped, so
    ``01.01`` is ``0101``; an odd number of digits gets its leading zero back, as at ingestion) and
    name columns ``name_en`` and/or ``name_ru``. A single ``name``, ``description``, ``text`` or
    ``label`` column is taken as Russian when it is mostly Cyrillic, else as English, so UN
    Comtrade's HS descriptions (code, parent, description) fit as they are. Codes of several lengths
    may be mixed: :func:`product_names` uses the longest that matches. Delimiter (comma, semicolon,
    tab) and encoding (UTF-8, CP1251, CP866) are detected.

    Returns a DataFrame indexed by ``product`` (digit strings), sorted by code.

    Raises :class:`exportlab.errors.IngestError` naming the file, line and column: no code or
    name column, a code that is not 2–10 digits, or a code listed twice.

    Example
    -------
    >>> text = "code;name_en;name_ru\\n01;Live animals;Живые животные\\n01.01;Horses;Лошади\\n"
    >>> read_product_names(io.StringIO(text)).loc["0101", "name_ru"]
    'Лошади'
    """
    import re

    from exportlab.io.sniff import cyrillic_letters, detect_encoding, split_header

    if isinstance(path, io.TextIOBase):
        name, text = "<product names>", path.read()
    else:
        name, raw = str(path), Path(path).read_bytes()
        text = raw.decode(detect_encoding(raw[: 1 << 16]))
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise IngestError(name, 1, None, "a header with a code column and name columns")
    delim, _ = split_header(lines[0])
    df = pd.read_csv(
        io.StringIO("\n".join(lines)), sep=delim or ",", dtype=str, keep_default_na=False
    )
    df.columns = [str(c).strip() for c in df.columns]
    lower = {c.lower(): c for c in df.columns}
    code_col = next((lower[c] for c in NAME_CODE_COLUMNS if c in lower), None)
    if code_col is None:
        code_col = next((c for c in df.columns if re.fullmatch(r"(?i)hs[0-9]{4}", c)), None)

    def header_lacks(expected: str) -> IngestError:
        return IngestError(name, 1, None, expected, ", ".join(df.columns))

    if code_col is None:
        raise header_lacks(f"a code column ({', '.join(NAME_CODE_COLUMNS)} or hsYYYY)")
    out = pd.DataFrame(index=df.index)
    for lang in ("en", "ru"):
        if f"name_{lang}" in lower:
            out[f"name_{lang}"] = df[lower[f"name_{lang}"]].str.strip()
    if out.empty:
        text_col = next((lower[c] for c in NAME_TEXT_COLUMNS if c in lower), None)
        if text_col is None:
            raise header_lacks(f"name_en, name_ru or one of {', '.join(NAME_TEXT_COLUMNS)}")
        texts = df[text_col].str.strip()
        sample = "".join(texts.head(200))
        russian = cyrillic_letters(sample) > 0.5 * sum(ch.isalpha() for ch in sample)
        out["name_ru" if russian else "name_en"] = texts
    codes = df[code_col].str.replace(r"[.\s\u00a0]", "", regex=True)
    bad = ~codes.str.fullmatch(r"[0-9]{2,10}")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise IngestError(
            name, row + 2, code_col, "an HS code of 2 to 10 digits", df[code_col].iloc[row]
        )
    codes = codes.where(codes.str.len() % 2 == 0, "0" + codes)
    repeated = codes.duplicated()
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0])
        first = int(np.flatnonzero((codes == codes.iloc[row]).to_numpy())[0])
        raise IngestError(
            name,
            row + 2,
            code_col,
            "each code once",
            df[code_col].iloc[row],
            note=f"first on line {first + 2}",
        )
    out.index = pd.Index(codes, name="product")
    return out.replace("", np.nan).sort_index()


def product_names(products: Iterable[str], names: pd.DataFrame) -> pd.DataFrame:
    """Names of HS codes ``products`` from :func:`read_product_names`.

    Each code takes the name of the longest code of ``names`` it starts with: a 6-digit code
    missing from the file falls back to its heading (4 digits), then its chapter (2 digits).
    Codes with no match get no name (NaN).

    >>> names = pd.DataFrame({"name_en": ["Vehicles", "Cars"]},
    ...                      index=pd.Index(["87", "8703"], name="product"))
    >>> product_names(["870323", "8701", "0101"], names)["name_en"].tolist()
    ['Cars', 'Vehicles', nan]
    """
    products = [str(p) for p in products]
    known = set(names.index)

    def match(code: str) -> str | None:
        for k in range(len(code), 1, -1):
            if code[:k] in known:
                return code[:k]
        return None

    matched = [match(p) for p in products]
    out = names.reindex(matched)
    out.index = pd.Index(products, name="product")
    return out


# ---------------------------------------------------------------------------------------------
# Classification of the canonical trade table
# ---------------------------------------------------------------------------------------------


def validate_segments(segments: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    """Check a segment definition (segment id → list of group ids) and return it as a plain dict.

    Raises ``ValueError`` for unknown group ids, a group listed in two segments, or an empty segment.
    ``None`` gives ``DEFAULT_SEGMENTS``.
    """
    if segments is None:
        return {k: list(v) for k, v in DEFAULT_SEGMENTS.items()}
    if not isinstance(segments, Mapping):
        raise ValueError("segments must be a mapping of segment id -> list of high-tech group ids")
    out: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for seg, groups in segments.items():
        if not isinstance(seg, str) or not seg:
            raise ValueError(f"segment ids must be non-empty strings, got {seg!r}")
        if isinstance(groups, str) or not isinstance(groups, Iterable):
            raise ValueError(f"segment {seg!r}: groups must be a list of group ids, got {groups!r}")
        groups = list(groups)
        if not groups:
            raise ValueError(f"segment {seg!r} has no groups")
        unknown = [g for g in groups if g not in GROUPS]
        if unknown:
            raise ValueError(
                f"segment {seg!r}: unknown high-tech group ids {unknown}; known: {', '.join(GROUPS)}"
            )
        for g in groups:
            if g in owner and owner[g] != seg:
                raise ValueError(f"group {g!r} is in two segments: {owner[g]!r} and {seg!r}")
            owner[g] = seg
        out[seg] = list(dict.fromkeys(groups))
    return out


def _products_frame(products: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    if products is None or isinstance(products, str | Path):
        return load_hightech_products(products)
    missing = {"edition", "hs6", "group"} - set(products.columns)
    if missing:
        raise ValueError(f"products lacks columns: {sorted(missing)}")
    unknown = sorted(set(products["group"].dropna()) - set(GROUPS))
    if unknown:
        raise ValueError(f"products has unknown high-tech groups: {unknown}")
    if products.duplicated(["edition", "hs6"]).any():
        raise ValueError("products has more than one row per (edition, hs6)")
    return products


def hightech(
    trade: pd.DataFrame,
    segments: Mapping[str, Sequence[str]] | None = None,
    products: pd.DataFrame | str | Path | None = None,
    resource_rules: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Classify a canonical trade table: a copy with ``hs_edition``, ``group``, ``segment``, ``resource``.

    ``hs_edition`` comes from ``year`` (:func:`hs_edition`) unless ``trade`` already has a non-null
    ``hs_edition``; ``group`` is the high-tech group of (edition, hs6) in ``products`` (default: the
    shipped list), ``segment`` the segment of that group in ``segments`` (default ``DEFAULT_SEGMENTS``),
    ``resource`` the class from ``resource_rules``. All four are pandas ``string`` columns; ``group`` and
    ``segment`` are null for products outside the list / outside every segment. Values are untouched.

    >>> t = pd.DataFrame({"year": [2019], "hs6": ["880240"], "value_usd": [1.0]})
    >>> hightech(t)[["hs_edition", "group", "segment", "resource"]].iloc[0].tolist()
    ['HS2017', 'aerospace', 'aerospace', 'nne']
    """
    missing = {"year", "hs6"} - set(trade.columns)
    if missing:
        raise ValueError(f"trade lacks columns: {sorted(missing)}")
    seg_map = validate_segments(segments)
    prod = _products_frame(products)
    rules = _rules_frame(resource_rules)

    out = trade.copy()
    # editions: map unique years only
    year_codes, year_uniques = pd.factorize(out["year"], use_na_sentinel=True)
    if (year_codes < 0).any():
        raise ValueError("trade has missing years")
    ed_of_year = hs_editions(pd.Series(np.asarray(year_uniques)))
    edition = pd.array(ed_of_year.to_numpy(dtype=object), dtype="string").take(year_codes)
    if "hs_edition" in trade.columns:
        given = trade["hs_edition"].astype("string").array
        edition = pd.array(np.where(given.isna(), edition, given), dtype="string")
        bad = sorted(set(edition.unique()) - set(EDITIONS))
        if bad:
            raise ValueError(f"trade has unknown HS editions: {bad}")
    out["hs_edition"] = edition

    # factorize first, then clean the (few) unique codes
    raw_codes, raw_uniques = pd.factorize(out["hs6"], use_na_sentinel=True)
    clean = pd.Series(raw_uniques, dtype="string").str.strip()
    uniq_codes, hs_uniques = pd.factorize(clean, use_na_sentinel=True)
    hs_codes = np.where(raw_codes >= 0, uniq_codes[np.clip(raw_codes, 0, None)], -1)
    ed_codes, ed_uniques = pd.factorize(pd.Series(edition), use_na_sentinel=True)
    n_hs = max(len(hs_uniques), 1)
    combined = ed_codes.astype(np.int64) * n_hs + hs_codes
    combined[hs_codes < 0] = -1
    pair_codes, pair_uniques = pd.factorize(combined, use_na_sentinel=False)
    pair_ed = np.asarray(ed_uniques, dtype=object)[pair_uniques // n_hs]
    pair_hs = np.asarray(hs_uniques, dtype=object)[pair_uniques % n_hs]
    lookup = dict(
        zip(
            zip(prod["edition"].astype(str), prod["hs6"].astype(str), strict=True),
            prod["group"],
            strict=True,
        )
    )
    pair_group = np.array(
        [
            lookup.get((e, h)) if key >= 0 else None
            for e, h, key in zip(pair_ed, pair_hs, pair_uniques, strict=True)
        ],
        dtype=object,
    )
    group_of_seg = {g: s for s, gs in seg_map.items() for g in gs}
    pair_segment = np.array([group_of_seg.get(g) for g in pair_group], dtype=object)
    out["group"] = pd.array(pair_group, dtype="string").take(pair_codes)
    out["segment"] = pd.array(pair_segment, dtype="string").take(pair_codes)

    hs_classes = _classify_unique_codes(np.asarray(hs_uniques, dtype=object), rules)
    out["resource"] = pd.array(hs_classes, dtype="string").take(hs_codes, allow_fill=True)
    return out


# ---------------------------------------------------------------------------------------------
# Shares
# ---------------------------------------------------------------------------------------------


def _classified(
    trade: pd.DataFrame, segments: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    needed = {"group", "segment", "resource"}
    if needed <= set(trade.columns) and segments is None:
        return trade
    return hightech(trade, segments=segments)


def _flow_rows(trade: pd.DataFrame, flow: str | None) -> pd.DataFrame:
    if flow is None or "flow" not in trade.columns:
        if flow is not None and "flow" not in trade.columns:
            raise ValueError("trade has no 'flow' column; pass flow=None to use every row")
        return trade
    if flow not in ("export", "import"):
        raise ValueError(f"flow must be 'export', 'import' or None, got {flow!r}")
    return trade.loc[trade["flow"] == flow]


def _by_list(by: Sequence[str] | str) -> list[str]:
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("by must name at least one column (e.g. ('region', 'year'))")
    return by


def _safe_share(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64")
    return (num.astype("float64") / den.where(den != 0)).astype("float64")


def hightech_share(
    trade: pd.DataFrame,
    by: Sequence[str] = ("region", "year"),
    flow: str | None = "export",
    groups: Iterable[str] | None = None,
) -> pd.DataFrame:
    """High-tech value and its share of total trade per ``by`` cell (e.g. region × year).

    Columns: the ``by`` columns, ``hightech_usd`` (US dollars, rows whose group is in ``groups``;
    default every group), ``total_usd`` (all rows of the flow), ``share`` = hightech_usd / total_usd in
    [0, 1] (NaN when total is 0). ``trade`` may be classified already (:func:`hightech`) or raw.

    >>> t = pd.DataFrame({"region": ["A", "A"], "year": [2019, 2019], "hs6": ["880240", "270900"],
    ...                   "flow": ["export", "export"], "value_usd": [1.0, 3.0]})
    >>> hightech_share(t)["share"].item()
    0.25
    """
    by = _by_list(by)
    df = _flow_rows(_classified(trade), flow)
    if groups is None:
        is_ht = df["group"].notna().to_numpy()
    else:
        groups = list(groups)
        unknown = [g for g in groups if g not in GROUPS]
        if unknown:
            raise ValueError(f"unknown high-tech groups {unknown}")
        is_ht = df["group"].isin(groups).fillna(False).to_numpy(dtype=bool)
    value = df["value_usd"].astype("float64")
    work = df[by].copy()
    work["hightech_usd"] = value.where(is_ht, 0.0)
    work["total_usd"] = value
    res = work.groupby(by, observed=True, sort=True, dropna=False)[
        ["hightech_usd", "total_usd"]
    ].sum()
    res["share"] = _safe_share(res["hightech_usd"], res["total_usd"])
    return res.reset_index()


def group_shares(
    trade: pd.DataFrame,
    by: Sequence[str] = ("region", "year"),
    flow: str | None = "export",
    level: Literal["group", "segment"] = "group",
    segments: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Value of each high-tech group (or segment) and its share of the total per ``by`` cell (long).

    Columns: the ``by`` columns, ``group`` (or ``segment``), ``value_usd`` (US dollars, 0 when absent),
    ``total_usd`` (all rows of the flow in the cell), ``share`` = value_usd / total_usd. Every cell lists
    every group (``GROUPS`` order) or every segment, so shares within a cell sum to the high-tech share.

    >>> t = pd.DataFrame({"region": ["A", "A"], "year": [2019, 2019], "hs6": ["880240", "300490"],
    ...                   "flow": ["export", "export"], "value_usd": [1.0, 3.0]})
    >>> group_shares(t).set_index("group").loc["pharmacy", "share"]
    np.float64(0.75)
    """
    if level not in ("group", "segment"):
        raise ValueError(f"level must be 'group' or 'segment', got {level!r}")
    by = _by_list(by)
    df = _flow_rows(_classified(trade, segments), flow)
    if level == "group":
        categories = list(GROUPS)
    else:
        if segments is not None:
            categories = list(validate_segments(segments))
        else:  # segments of an already classified table: the defaults, or those present
            present = set(df["segment"].dropna().astype(str))
            categories = (
                list(DEFAULT_SEGMENTS) if present <= set(DEFAULT_SEGMENTS) else sorted(present)
            )
    value = df["value_usd"].astype("float64")
    totals = (
        df[by].assign(total_usd=value).groupby(by, observed=True, dropna=False)["total_usd"].sum()
    )
    sub = df.loc[df[level].notna(), by].assign(
        **{level: df.loc[df[level].notna(), level].astype(str), "value_usd": value}
    )
    per = sub.groupby([*by, level], observed=True, dropna=False)["value_usd"].sum().reset_index()
    cells = totals.reset_index()
    grid = cells.loc[cells.index.repeat(len(categories))].reset_index(drop=True)
    grid.insert(len(by), level, np.tile(np.asarray(categories, dtype=object), len(cells)))
    res = grid.merge(per, on=[*by, level], how="left", sort=False)
    res["value_usd"] = res["value_usd"].fillna(0.0)
    res = res[[*by, level, "value_usd", "total_usd"]]
    res["share"] = _safe_share(res["value_usd"], res["total_usd"])
    res[level] = res[level].astype("string")
    return res


def resource_share(
    trade: pd.DataFrame,
    by: Sequence[str] = ("region", "year"),
    flow: str | None = "export",
    resource_rules: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Energy, raw and NNE value per ``by`` cell and the resource (raw + energy) and NNE shares.

    Columns: the ``by`` columns, ``energy_usd``, ``raw_usd``, ``nne_usd``, ``total_usd`` (US dollars),
    ``energy_share``, ``raw_share``, ``resource_share`` = (energy + raw) / total and ``nne_share`` =
    nne / total (``resource_share + nne_share == 1`` when total > 0; NaN when total is 0).

    >>> t = pd.DataFrame({"region": ["A", "A"], "year": [2019, 2019], "hs6": ["270900", "300490"],
    ...                   "flow": ["export", "export"], "value_usd": [3.0, 1.0]})
    >>> resource_share(t)[["resource_share", "nne_share"]].iloc[0].tolist()
    [0.75, 0.25]
    """
    by = _by_list(by)
    df = _flow_rows(trade, flow)
    if "resource" in df.columns and resource_rules is None:
        resource = df["resource"]
    else:
        resource = resource_classes(df["hs6"], resource_rules)
    value = df["value_usd"].astype("float64")
    work = df[by].copy()
    for cls in RESOURCE_CLASSES:
        work[f"{cls}_usd"] = value.where((resource == cls).fillna(False).to_numpy(dtype=bool), 0.0)
    # the resource value is summed row by row (not energy + raw afterwards): the share DAED uses
    specialised = resource.isin(list(RESOURCE_SPECIALISATION)).to_numpy(dtype=bool)
    work["_resource_usd"] = value.where(specialised, 0.0)
    work["total_usd"] = value
    cols = [f"{c}_usd" for c in RESOURCE_CLASSES] + ["_resource_usd", "total_usd"]
    res = work.groupby(by, observed=True, sort=True, dropna=False)[cols].sum()
    res["energy_share"] = _safe_share(res["energy_usd"], res["total_usd"])
    res["raw_share"] = _safe_share(res["raw_usd"], res["total_usd"])
    res["resource_share"] = _safe_share(res.pop("_resource_usd"), res["total_usd"])
    res["nne_share"] = _safe_share(res["nne_usd"], res["total_usd"])
    return res.reset_index()


# ---------------------------------------------------------------------------------------------
# Derivation of the HS6 list from the SITC list and the UN correlation tables
# ---------------------------------------------------------------------------------------------

CORRELATION_FILES = "hs{year}_sitc4_correlation.csv"
CONVERSION_FILES = "hs{year}_sitc4_conversion.csv"


def read_correlation_tables(
    folder: str | Path, editions: Iterable[str] = EDITIONS
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Read the UNSD HS↔SITC Rev.4 tables of each edition from ``folder``.

    Expects ``hs2017_sitc4_correlation.csv`` (``hs2017_6, sitc4, relationship``) and
    ``hs2017_sitc4_conversion.csv`` (``hs2017_6, sitc4``), etc. Returns two dicts edition → DataFrame
    with columns ``hs6, sitc4`` (plus ``relationship`` for the correlation); codes are digit strings,
    rows without a SITC code (``na``) are dropped.
    """
    folder = Path(folder)
    corr: dict[str, pd.DataFrame] = {}
    conv: dict[str, pd.DataFrame] = {}
    for ed in editions:
        year = ed.removeprefix("HS")
        for name, store in ((CORRELATION_FILES, corr), (CONVERSION_FILES, conv)):
            df = pd.read_csv(folder / name.format(year=year), dtype=str, keep_default_na=False)
            df = df.rename(columns={df.columns[0]: "hs6"})
            df["hs6"] = df["hs6"].str.strip().str.zfill(6)
            df["sitc4"] = df["sitc4"].str.replace(".", "", regex=False).str.strip()
            df = df.loc[df["sitc4"].str.fullmatch(r"\d{3,5}")].reset_index(drop=True)
            store[ed] = df
    return corr, conv


def _sitc_group_matcher(sitc_list: pd.DataFrame) -> Callable[[str], str | None]:
    """Return ``match(code) -> group | None`` for the SITC list (prefix include minus group excludes)."""
    includes: dict[str, list[str]] = {}
    excludes: dict[str, list[str]] = {}
    for g, code, exc in zip(
        sitc_list["group"], sitc_list["sitc4"], sitc_list["exclude"], strict=True
    ):
        (excludes if exc else includes).setdefault(g, []).append(code)

    def match(code: str) -> str | None:
        hits = [
            g
            for g in GROUPS
            if any(code.startswith(p) for p in includes.get(g, ()))
            and not any(code.startswith(x) for x in excludes.get(g, ()))
        ]
        if len(hits) > 1:
            raise ValueError(
                f"SITC code {code} falls in several groups {hits}; the list must be disjoint"
            )
        return hits[0] if hits else None

    return match


def _fmt_codes(codes: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` or ``a, …, h +N more`` for long lists (keeps notes readable)."""
    shown = ", ".join(codes[:limit])
    return shown if len(codes) <= limit else f"{shown} +{len(codes) - limit} more"


def derive_hightech_products(
    sitc_list: pd.DataFrame,
    correlation_tables: Mapping[str, pd.DataFrame],
    conversion_tables: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Translate the SITC Rev.4 high-tech list into HS6 codes per edition.

    ``sitc_list``: as :func:`load_hightech_sitc4`. ``correlation_tables``: edition → DataFrame with
    ``hs6, sitc4`` (the UNSD correlation, several SITC codes per HS6 allowed). ``conversion_tables``
    (optional): edition → ``hs6, sitc4`` with the UNSD one-to-one conversion, used to break ties.

    Rules (documented in ``data/hightech_products.md``): the *deciding* SITC codes of an HS6 code are its
    correlated codes under its conversion code (all of them without conversion tables). The HS6 code is
    high-tech if a deciding code is; its group is the group with most deciding codes, ties broken by
    ``GROUPS`` order. ``note`` says ``partial: …`` when only some of all its correlated codes are
    high-tech and ``also <group>: …`` for other groups among them. Returns ``edition, hs6, group, sitc4,
    note`` (one row per high-tech (edition, hs6)), sorted by edition and hs6.

    >>> sitc = pd.DataFrame({"group": ["aerospace"], "sitc4": ["792"], "exclude": [False]})
    >>> corr = pd.DataFrame({"hs6": ["880240", "880240"], "sitc4": ["7924", "69999"]})
    >>> derive_hightech_products(sitc, {"HS2017": corr}).iloc[0].tolist()
    ['HS2017', '880240', 'aerospace', '7924', 'partial: high-tech 7924; not high-tech 69999']
    """
    sitc_list = sitc_list.copy()
    if sitc_list["exclude"].dtype != bool:
        sitc_list["exclude"] = _is_true(sitc_list["exclude"])
    match = _sitc_group_matcher(sitc_list)
    rows: list[dict[str, str]] = []
    for ed, table in correlation_tables.items():
        conv = {}
        if conversion_tables is not None and ed in conversion_tables:
            ct = conversion_tables[ed]
            conv = dict(zip(ct["hs6"], ct["sitc4"], strict=True))
        pairs = table[["hs6", "sitc4"]].drop_duplicates().sort_values(["hs6", "sitc4"])
        for hs6, sitcs in pairs.groupby("hs6", sort=True)["sitc4"]:
            codes = list(sitcs)
            groups = {c: match(c) for c in codes}
            conv_code = conv.get(hs6)
            # the SITC codes that decide: those under the conversion code (all when none is given)
            relevant = [c for c in codes if conv_code is None or c.startswith(conv_code)]
            if not relevant and conv_code is not None:
                relevant = [conv_code]
                groups[conv_code] = match(conv_code)
            counts: dict[str, int] = {}
            for c in relevant:
                if groups[c] is not None:
                    counts[groups[c]] = counts.get(groups[c], 0) + 1
            if not counts:
                continue
            group = max(counts, key=lambda g: (counts[g], -GROUPS.index(g)))
            ht = [c for c in codes if groups.get(c) is not None]
            notes = []
            others = [c for c in codes if groups.get(c) is None]
            if others:
                notes.append(
                    f"partial: high-tech {_fmt_codes(ht)}; not high-tech {_fmt_codes(others)}"
                )
            also = sorted({groups[c] for c in ht} - {group}, key=GROUPS.index)
            for g in also:
                notes.append(f"also {g}: {_fmt_codes([c for c in ht if groups[c] == g])}")
            rows.append(
                {
                    "edition": ed,
                    "hs6": hs6,
                    "group": group,
                    "sitc4": ";".join(c for c in relevant if groups[c] == group),
                    "note": "; ".join(notes),
                }
            )
    out = pd.DataFrame(rows, columns=["edition", "hs6", "group", "sitc4", "note"])
    return out.sort_values(["edition", "hs6"], kind="stable").reset_index(drop=True)


PRODUCTS_HEADER = (
    "exportlab high-technology product list by HS6 code and HS edition (HS2012, HS2017, HS2022).",
    'Source: Eurostat, "High-tech aggregation by SITC Rev. 4" (following OECD, Hatzichronoglou 1997),',
    "verified against the UN SITC Rev.4 descriptions (data/hightech_sitc4.csv), translated to HS6 with the",
    "UN Statistics Division HS-SITC Rev.4 correlation and conversion tables. Compiled 2026-11.",
    "Rules and every change: hightech_products.md. Regenerate: python -m exportlab.classify --derive DIR",
)


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate ``data/hightech_products.csv`` from the SITC list and a folder of UNSD tables."""
    parser = argparse.ArgumentParser(prog="python -m exportlab.classify", description=main.__doc__)
    parser.add_argument(
        "--derive", metavar="DIR", required=True, help="folder with hs*_sitc4_*.csv"
    )
    parser.add_argument("--out", default=str(HIGHTECH_PRODUCTS_CSV), help="output CSV")
    args = parser.parse_args(argv)
    corr, conv = read_correlation_tables(args.derive)
    derived = derive_hightech_products(load_hightech_sitc4(), corr, conv)
    _write_commented_csv(derived, args.out, PRODUCTS_HEADER)
    counts = derived.groupby(["edition", "group"]).size().unstack(0, fill_value=0)
    print(counts.reindex(GROUPS).to_string())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
