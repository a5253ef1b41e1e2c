"""Region reference and region-name matcher.

The shipped reference (``exportlab/data/regions.csv``, documented in ``regions.md``) lists the
federal subjects of Russia with their ISO 3166-2 code, OKATO and FCS region codes, Russian and
English names, the labels of FCS open-data files and the spelling variants used by FCS, Rosstat and
fedstat. ``regions_historic.csv`` maps the autonomous okrugs and oblasts merged in 2005-2008 to the
subject that absorbed them.

Any other country works the same way: pass a frame (or CSV path) with at least the columns
``iso, name_en, name_ru`` (``name_ru`` holds the name in the national language) and, optionally,
the other columns of the shipped file.

**The active reference.** Stage 01 writes the reference its data were ingested with to
``data/processed/regions.csv`` (:func:`write_reference`). :func:`active_reference` and
:func:`active_matcher` read it (the shipped reference when the file is absent), and
:func:`region_name` / :func:`region_names` use it when no ``reference`` is given: every later
stage shows the names of the country that was ingested. :func:`match_region` keeps the shipped
reference as its default (it matches raw labels; pass ``reference=active_matcher()`` otherwise).

>>> match_region("46000 - MOSCOW REGION")
'RU-MOS'
>>> match_region("Республика Татарстан (Татарстан)")
'RU-TA'
>>> region_name("RU-TA", lang="ru", short=True)
'Татарстан'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from exportlab.errors import AggregateRegionError, NotARegionError, UnknownRegionError

__all__ = [
    "REGION_COLUMNS",
    "REQUIRED_COLUMNS",
    "HISTORIC_COLUMNS",
    "DEFAULT_ABBREVIATIONS",
    "DEFAULT_DROP_WORDS",
    "FCS_PLACEHOLDERS",
    "load_regions",
    "load_historic_regions",
    "load_region_reference",
    "normalize_name",
    "RegionMatcher",
    "default_matcher",
    "as_matcher",
    "match_labels",
    "clean_label",
    "fix_homoglyphs",
    "classify_label",
    "without_less_ao",
    "match_region",
    "region_name",
    "region_label",
    "region_names",
    "ACTIVE_REFERENCE_FILE",
    "active_reference_path",
    "active_reference",
    "active_matcher",
    "write_reference",
]

REGION_COLUMNS: tuple[str, ...] = (
    "iso",
    "okato",
    "fcs_code",
    "name_en",
    "name_ru",
    "name_ru_short",
    "name_en_short",
    "fcs_label_ru",
    "fcs_label_en",
    "kind",
    "district_code",
    "district_en",
    "district_ru",
    "added",
    "aliases",
)
"""Columns of the shipped reference, in file order."""

REQUIRED_COLUMNS: tuple[str, ...] = ("iso", "name_en", "name_ru")
"""Columns a user-supplied reference must have."""

HISTORIC_COLUMNS: tuple[str, ...] = (
    "fcs_code",
    "old_iso",
    "name_en",
    "name_ru",
    "fcs_label_ru",
    "fcs_label_en",
    "kind",
    "merged_into_iso",
    "merged_on",
    "aliases",
)
"""Columns of ``regions_historic.csv`` (merged subjects → ``merged_into_iso``)."""

DEFAULT_ABBREVIATIONS: dict[str, str] = {
    "обл": "область",
    "респ": "республика",
    "ао": "автономный округ",
    "авт": "автономный",
    "фо": "федеральный округ",
    "obl": "oblast",
    "resp": "respublika",
    "rep": "republic",
    "ao": "autonomous okrug",
    "aut": "autonomous",
    "st": "saint",
}
"""Whole-word abbreviations expanded by :func:`normalize_name` (after case-folding)."""

DEFAULT_DROP_WORDS: frozenset[str] = frozenset({"г", "гор", "город", "the", "of", "city"})
"""Words :func:`normalize_name` removes (``г. Москва`` = ``Москва``, ``City of Moscow`` = ``Moscow``)."""

FCS_PLACEHOLDERS: dict[str, str] = {
    "NNNNN": "the FCS code NNNNN marks an unknown territorial unit "
    "(НЕИЗВЕСТНАЯ АДМ.-ТЕРРИТОРИАЛЬНАЯ ЕДИНИЦА), not a region",
}
"""Codes that appear in the region column of FCS files but are not regions."""

_AGGREGATE_MARKERS: frozenset[str] = frozenset(
    {"включая", "вкл", "including", "incl", "inclusive", "всего", "total"}
)

_DATA = files("exportlab") / "data"
_CACHE_LIMIT = 100_000
_CODE_PREFIX = re.compile(r"^\s*([0-9]{5}|[nN]{5})\s*(?:[-–—:]\s*(.*))?$", re.DOTALL)
_LEADING_CODE = re.compile(r"^\s*(?:[0-9]{5}|n{5})\s*[-–—:]\s*")
_PAREN = re.compile(r"\(([^()]*)\)")
_NON_WORD = re.compile(r"[\W_]+")
_APOSTROPHES = re.compile(r"['’‘ʼʹ`´]")
_DASH_SPLIT = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*")
_ISO_LIKE = re.compile(r"^[A-Za-z]{2}[-. ][A-Za-z0-9]{1,3}$")


# --------------------------------------------------------------------------------------------
# loading


def _read_reference(source: str | Path | pd.DataFrame, required: Iterable[str]) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        name = "reference frame"
    else:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
        name = str(source)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")
    for col in frame.columns:
        if frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].fillna("").astype(str).str.strip()
    return frame.reset_index(drop=True)


def load_regions(path: str | Path | None = None) -> pd.DataFrame:
    """Load the region reference (one row per region, codes as strings, blanks as ``""``).

    ``path`` replaces the shipped file with a user CSV with at least ``iso, name_en, name_ru``
    (e.g. another country's regions).

    >>> regions = load_regions()
    >>> len(regions), regions.set_index("iso").loc["RU-TA", "fcs_code"]
    (89, '92000')
    """
    source = _DATA / "regions.csv" if path is None else path
    return _validate(_read_reference(source, REQUIRED_COLUMNS))


def load_historic_regions(path: str | Path | None = None) -> pd.DataFrame:
    """Load the merged (historic) subjects with the ISO code of the subject that absorbed them.

    >>> hist = load_historic_regions()
    >>> hist.set_index("fcs_code").loc["57100", "merged_into_iso"]
    'RU-PER'
    """
    source = _DATA / "regions_historic.csv" if path is None else path
    return _read_reference(source, ("merged_into_iso",))


def load_region_reference(path: str | Path) -> pd.DataFrame:
    """A user region reference as the frame :class:`exportlab.regions.RegionMatcher` expects.

    Either a CSV with ``iso, name_en, name_ru`` (the layout of ``exportlab/data/regions.csv``), or
    any CSV whose first column (or a column ``code`` / ``region`` / ``iso``) holds the region code
    and whose other text columns hold names; every name becomes an alias.

    >>> import tempfile
    >>> loose = Path(tempfile.mkdtemp()) / "uf.csv"
    >>> _ = loose.write_text("code,name_pt,sigla\\nBR-MT,Mato Grosso,MT\\n", encoding="utf-8")
    >>> load_region_reference(loose).to_dict("records")
    [{'iso': 'BR-MT', 'name_en': 'Mato Grosso', 'name_ru': 'Mato Grosso', 'aliases': 'MT'}]
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if {"iso", "name_en", "name_ru"} <= set(frame.columns):
        return frame
    code_col = next((c for c in ("iso", "code", "region") if c in frame.columns), frame.columns[0])
    names = [
        c for c in frame.columns if c != code_col and not frame[c].isin(["True", "False", ""]).all()
    ]
    out = pd.DataFrame({"iso": frame[code_col].str.strip()})
    out["name_en"] = frame[names[0]] if names else out["iso"]
    out["name_ru"] = out["name_en"]
    out["aliases"] = frame[names[1:]].agg(";".join, axis=1) if len(names) > 1 else ""
    return out


# --------------------------------------------------------------------------------------------
# normalisation


def _words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(text) if w]


def normalize_name(
    text: object,
    abbreviations: Mapping[str, str] | None = None,
    drop_words: Iterable[str] | None = None,
) -> str:
    """Reduce a region label to a comparison key.

    Case-folds, maps ``ё`` to ``е``, removes a leading ``NNNNN - `` code and parenthesised
    repeats (``Татарстан (Татарстан)``), turns hyphens, dashes and punctuation into single spaces,
    expands abbreviations (``обл.`` → ``область``) and drops words such as ``г.``/``город``.

    >>> normalize_name("92000 - РЕСПУБЛИКА ТАТАРСТАН (ТАТАРСТАН)")
    'республика татарстан'
    >>> normalize_name("г. Москва") == normalize_name("МОСКВА")
    True
    >>> normalize_name("Ханты-Мансийский автономный округ — Югра")
    'ханты мансийский автономный округ югра'
    """
    abbreviations = DEFAULT_ABBREVIATIONS if abbreviations is None else abbreviations
    drop = DEFAULT_DROP_WORDS if drop_words is None else frozenset(drop_words)
    s = unicodedata.normalize("NFKC", str(text)).casefold().replace("ё", "е")
    s = _APOSTROPHES.sub("", s)
    s = _LEADING_CODE.sub("", s, count=1)

    def _drop_repeat(m: re.Match[str]) -> str:
        inner = set(_words(m.group(1)))
        outer = set(_words(s[: m.start()] + " " + s[m.end() :]))
        return " " if inner and inner <= outer else f" {m.group(1)} "

    s = _PAREN.sub(_drop_repeat, s)
    out: list[str] = []
    for w in _words(s):
        w = abbreviations.get(w, w)
        out.extend(x for x in w.split() if x not in drop)
    return " ".join(out)


# --------------------------------------------------------------------------------------------
# matcher


def _split_aliases(value: str) -> list[str]:
    return [a.strip() for a in value.split(";") if a.strip()] if value else []


def _string_dtype() -> pd.StringDtype:
    try:
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return pd.StringDtype("pyarrow")


class RegionMatcher:
    """Match codes and names of any spelling to the ``iso`` code of a reference.

    Accepted inputs: ISO codes (``RU-TA``, ``ru.ta``), FCS 5-digit codes alone or with their
    label (``"46000 - MOSCOW REGION"``), 2-digit OKATO codes, and every name, short name, FCS label
    and alias of the reference after :func:`normalize_name`. Merged okrugs of the historic table
    match the subject that absorbed them.

    >>> m = RegionMatcher()
    >>> m.match("71100"), m.match("Кемеровская область - Кузбасс"), m.match("Moskovskaya oblast")
    ('RU-KHM', 'RU-KEM', 'RU-MOS')
    >>> m.match_many(pd.Series(["92", "Tatarstan", "НЕНЕЦКИЙ АО"])).tolist()
    ['RU-TA', 'RU-TA', 'RU-NEN']
    """

    name_columns: tuple[str, ...] = (
        "name_ru",
        "name_en",
        "name_ru_short",
        "fcs_label_ru",
        "fcs_label_en",
    )

    def __init__(
        self,
        reference: pd.DataFrame | str | Path | None = None,
        historic: pd.DataFrame | str | Path | bool | None = None,
        *,
        abbreviations: Mapping[str, str] | None = None,
        drop_words: Iterable[str] | None = None,
        placeholders: Mapping[str, str] | None = None,
    ) -> None:
        """Build the lookup tables.

        ``reference``: frame or CSV path (default: the shipped reference). ``historic``: frame or
        path of merged regions, ``True`` for the shipped one, ``False`` for none; ``None`` means
        the shipped one only with the shipped reference. ``placeholders``: codes that are not
        regions (default :data:`FCS_PLACEHOLDERS`).
        """
        default_reference = reference is None
        if isinstance(reference, pd.DataFrame):
            self.reference = _validate(_read_reference(reference, REQUIRED_COLUMNS))
        else:
            self.reference = load_regions(reference)
        if historic is None:
            historic = default_reference
        if historic is True:
            hist = load_historic_regions()
        elif historic is False:
            hist = None
        elif isinstance(historic, pd.DataFrame):
            hist = _read_reference(historic, ("merged_into_iso",))
        else:
            hist = load_historic_regions(historic)
        self.historic = hist
        self.abbreviations = dict(DEFAULT_ABBREVIATIONS if abbreviations is None else abbreviations)
        self.drop_words = frozenset(DEFAULT_DROP_WORDS if drop_words is None else drop_words)
        self.placeholders = {
            k.upper(): v
            for k, v in (FCS_PLACEHOLDERS if placeholders is None else placeholders).items()
        }
        self._codes: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._spelling: dict[str, str] = {}
        self._cache: dict[object, str | UnknownRegionError] = {}
        self._build()

    # -- construction ------------------------------------------------------------------------
    def _key(self, text: object) -> str:
        return normalize_name(text, self.abbreviations, self.drop_words)

    def _add_code(self, code: str, iso: str, *, override: bool = True) -> None:
        code = code.strip().upper()
        if not code:
            return
        if code in self._codes and self._codes[code] != iso:
            if not override:
                return
            raise ValueError(
                f"region reference: code {code!r} given to both {self._codes[code]} and {iso}"
            )
        self._codes[code] = iso

    def _add_name(self, spelling: str, iso: str) -> None:
        key = self._key(spelling)
        if not key:
            return
        other = self._names.get(key)
        if other is not None and other != iso:
            raise ValueError(
                f"region reference: spelling {spelling!r} is ambiguous "
                f"({other} and {iso}; key {key!r})"
            )
        self._names[key] = iso
        self._spelling.setdefault(key, spelling)

    def _build(self) -> None:
        ref = self.reference
        for row in ref.to_dict("records"):
            iso = row["iso"]
            self._add_code(iso, iso)
            fcs = str(row.get("fcs_code", "") or "")
            if fcs:
                self._add_code(fcs, iso)
            for col in self.name_columns:
                if row.get(col):
                    self._add_name(str(row[col]), iso)
            for alias in _split_aliases(str(row.get("aliases", "") or "")):
                self._add_name(alias, iso)
        # 2-digit OKATO codes: unique ones, or the subject whose FCS code is OKATO + "000"
        if "okato" in ref.columns:
            okato = ref[ref["okato"] != ""]
            for code, group in okato.groupby("okato", sort=False):
                if len(group) == 1:
                    self._add_code(str(code), group["iso"].iloc[0])
                elif "fcs_code" in group.columns:
                    main = group[group["fcs_code"] == f"{code}000"]
                    if len(main) == 1:
                        self._add_code(str(code), main["iso"].iloc[0])
        if self.historic is not None:
            known = set(ref["iso"])
            for row in self.historic.to_dict("records"):
                iso = row["merged_into_iso"]
                if iso not in known:
                    raise ValueError(f"historic regions: {iso!r} is not in the reference")
                for col in ("fcs_code", "old_iso"):
                    if row.get(col):
                        self._add_code(str(row[col]), iso, override=False)
                for col in ("name_ru", "name_en", "fcs_label_ru", "fcs_label_en"):
                    if row.get(col):
                        self._add_name(str(row[col]), iso)
                for alias in _split_aliases(str(row.get("aliases", "") or "")):
                    self._add_name(alias, iso)
        # order-free keys ("Tatarstan, Respublika" = "Respublika Tatarstan"), unambiguous only
        sorted_keys: dict[str, set[str]] = {}
        for key, iso in self._names.items():
            sorted_keys.setdefault(" ".join(sorted(key.split())), set()).add(iso)
        self._sorted = {k: next(iter(v)) for k, v in sorted_keys.items() if len(v) == 1}
        self._names_by_iso = ref.set_index("iso")

    # -- matching ----------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        """ISO codes of the reference, in file order."""
        return self.reference["iso"].tolist()

    def _lookup_code(self, text: str) -> str | None:
        s = text.strip().upper()
        hit = self._codes.get(s)
        if hit is not None:
            return hit
        if s.isdigit():
            if len(s) <= 2:
                return self._codes.get(s.zfill(2))
            if len(s) <= 5:
                return self._codes.get(s.zfill(5))
            return None
        if _ISO_LIKE.match(s):
            return self._codes.get(re.sub(r"[. ]", "-", s))
        return None

    def _lookup_name(self, text: str) -> str | None:
        key = self._key(text)
        hit = self._names.get(key)
        if hit is not None:
            return hit
        if set(key.split()) & _AGGREGATE_MARKERS:
            return None
        # drop all parenthesised parts: "Архангельская область (кроме ...)"
        if "(" in text:
            hit = self._names.get(self._key(_PAREN.sub(" ", text)))
            if hit is not None:
                return hit
        # head before a spaced dash: "Севастополь - город федерального значения"
        parts = [p for p in _DASH_SPLIT.split(text) if p.strip()]
        if len(parts) > 1:
            hit = self._names.get(self._key(parts[0]))
            if hit is not None:
                return hit
        return self._sorted.get(" ".join(sorted(key.split())))

    def _suggest(self, text: str, n: int = 3) -> list[tuple[str, str]]:
        key = self._key(text)
        if not key:
            return []
        best: dict[str, tuple[float, str]] = {}
        matcher = difflib.SequenceMatcher(b=key, autojunk=False)
        for cand, iso in self._names.items():
            matcher.set_seq1(cand)
            if matcher.real_quick_ratio() < 0.3:
                continue
            score = matcher.ratio()
            if score > best.get(iso, (-1.0, ""))[0]:
                best[iso] = (score, self._spelling[cand])
        top = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:n]
        return [(spelling, iso) for iso, (_, spelling) in top]

    def _resolve(self, value: object) -> str | UnknownRegionError:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return UnknownRegionError(value, reason="missing value")
        if isinstance(value, (int, np.integer)):
            value = str(int(value))
        elif isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = str(int(value))
        text = str(value)
        stripped = text.strip()
        if not stripped:
            return UnknownRegionError(value, reason="empty value")
        placeholder = self.placeholders.get(stripped.upper())
        m = _CODE_PREFIX.match(stripped)
        if m is not None:
            code = m.group(1).upper()
            if code in self.placeholders:
                return NotARegionError(value, reason=self.placeholders[code])
            hit = self._codes.get(code)
            if hit is not None:
                return hit
            if m.group(2):
                text = m.group(2)
        elif placeholder is not None:
            return NotARegionError(value, reason=placeholder)
        hit = self._lookup_code(text) or self._lookup_name(text)
        if hit is not None:
            return hit
        if set(self._key(text).split()) & _AGGREGATE_MARKERS:
            return AggregateRegionError(
                value,
                self._suggest(text),
                reason="the label names a total that includes other regions; "
                "use the rows of the separate regions instead",
            )
        return UnknownRegionError(value, self._suggest(text))

    def _get(self, value: object) -> str | UnknownRegionError:
        try:
            return self._cache[value]
        except (KeyError, TypeError):
            pass
        out = self._resolve(value)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        try:
            self._cache[value] = out
        except TypeError:
            pass
        return out

    def match(self, text: object, where: str | None = None) -> str:
        """Return the ISO code of ``text``; raise :class:`UnknownRegionError` if none.

        ``where`` (e.g. ``"file X, line 12, column Subject"``) is put into the error message.

        >>> RegionMatcher().match("46000 - MOSCOW REGION")
        'RU-MOS'
        """
        out = self._get(text)
        if isinstance(out, UnknownRegionError):
            raise type(out)(out.value, out.suggestions, where, out.reason)
        return out

    def is_region(self, text: object) -> bool:
        """``True`` if :meth:`match` would return a code."""
        return not isinstance(self._get(text), UnknownRegionError)

    def match_many(
        self,
        values: pd.Series | Iterable[object],
        where: str | None = None,
        errors: str = "raise",
    ) -> pd.Series:
        """Match a whole column; each distinct value is matched once.

        Missing values stay missing. ``errors="raise"`` raises for the first unknown value (the
        message also counts the others); ``errors="coerce"`` turns unknown values into missing.
        Returns a string Series aligned with ``values``. String (Arrow) and categorical
        columns are encoded without touching Python objects (10 million rows with a few hundred
        labels take a fraction of a second); ``object`` columns cost one Python hash per row.

        >>> RegionMatcher().match_many(pd.Series(["RU-TA", None, "45000"])).tolist()
        ['RU-TA', nan, 'RU-MOW']
        """
        if errors not in ("raise", "coerce"):
            raise ValueError("errors must be 'raise' or 'coerce'")
        series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        indices, uniques = _factorize(series)
        mapped: list[str | None] = []
        unknown: list[UnknownRegionError] = []
        for u in uniques:
            out = self._get(u)
            if isinstance(out, UnknownRegionError):
                unknown.append(out)
                mapped.append(None)
            else:
                mapped.append(out)
        if unknown and errors == "raise":
            first = unknown[0]
            place = where
            if len(unknown) > 1:
                others = ", ".join(repr(e.value) for e in unknown[1:6])
                more = "" if len(unknown) <= 6 else f" and {len(unknown) - 6} more"
                note = f"{len(unknown) - 1} other unknown value(s): {others}{more}"
                place = f"{where}; {note}" if where else note
            raise type(first)(first.value, first.suggestions, place, first.reason)
        table = pa.array(mapped, type=pa.string())
        if isinstance(indices, pa.ChunkedArray):
            result = pa.chunked_array([table.take(c) for c in indices.chunks], type=pa.string())
        else:
            result = table.take(pa.array(indices, mask=indices < 0))
        return pd.Series(
            pd.array(result, dtype=_string_dtype()), index=series.index, name=series.name
        )

    # -- names -------------------------------------------------------------------------------
    def name(self, code: str, lang: str = "en", short: bool = False) -> str:
        """Name of a region (``code`` may be any accepted spelling)."""
        if lang not in ("en", "ru"):
            raise ValueError("lang must be 'en' or 'ru'")
        iso = code if code in self._names_by_iso.index else self.match(code)
        row = self._names_by_iso.loc[iso]
        if lang == "ru" and short and row.get("name_ru_short"):
            return str(row["name_ru_short"])
        if lang == "en" and short and row.get("name_en_short"):
            return str(row["name_en_short"])
        return str(row[f"name_{lang}"])

    def names(self, lang: str = "en", short: bool = False) -> dict[str, str]:
        """``{iso: name}`` for every region, in reference order."""
        return {iso: self.name(iso, lang, short) for iso in self.codes}


def _validate(frame: pd.DataFrame) -> pd.DataFrame:
    if (frame["iso"] == "").any():
        raise ValueError("region reference: empty 'iso' code")
    dup = frame["iso"][frame["iso"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"region reference: duplicated 'iso' code(s) {dup}")
    return frame


def _dictionary_encode(data: pa.ChunkedArray) -> tuple[pa.ChunkedArray, list[object]]:
    # one dictionary shared by all chunks, so the indices of every chunk agree
    encoded = data.dictionary_encode().unify_dictionaries()
    indices = pa.chunked_array([c.indices for c in encoded.chunks], type=pa.int32())
    return indices, encoded.chunk(0).dictionary.to_pylist()


def _factorize(series: pd.Series) -> tuple[np.ndarray | pa.ChunkedArray, list[object]]:
    """Codes and distinct values of a column, using the cheapest path for its dtype."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.int64), list(dtype.categories)
    if len(series) == 0:
        return np.zeros(0, dtype=np.int64), []
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        data = series.array.__arrow_array__()
        if isinstance(data, pa.Array):
            data = pa.chunked_array([data])
        if data.num_chunks:
            return _dictionary_encode(data)
    if pd.api.types.is_object_dtype(dtype):
        try:  # Arrow hashes plain Python strings faster than the object hash table
            values = pa.array(series.to_numpy(), type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
        else:
            return _dictionary_encode(pa.chunked_array([values]))
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, list(uniques)


@lru_cache(maxsize=1)
def default_matcher() -> RegionMatcher:
    """The cached matcher built from the shipped reference (with the historic table)."""
    return RegionMatcher()


@lru_cache(maxsize=8)
def _file_matcher(path: str, mtime_ns: int, size: int) -> RegionMatcher:
    return RegionMatcher(load_region_reference(path), historic=False)


def as_matcher(reference: pd.DataFrame | str | Path | RegionMatcher | None) -> RegionMatcher:
    """The matcher of ``reference``: the one place a region reference becomes a matcher.

    ``None``: the shipped reference (:func:`default_matcher`, with the merged okrugs); a
    :class:`RegionMatcher`: itself; a frame: a matcher of it; a CSV path in any layout
    :func:`load_region_reference` accepts: a matcher of the file (cached until the file changes).
    Only the shipped reference brings the historic table of merged regions.

    >>> as_matcher(None) is default_matcher()
    True
    >>> as_matcher(pd.DataFrame({"iso": ["BR-MT"], "name_en": ["Mato Grosso"],
    ...                          "name_ru": ["Мату-Гросу"]})).match("mato grosso")
    'BR-MT'
    """
    if isinstance(reference, RegionMatcher):
        return reference
    if reference is None:
        return default_matcher()
    if isinstance(reference, pd.DataFrame):
        return RegionMatcher(reference, historic=False)
    path = Path(reference).resolve()
    stat = path.stat()
    return _file_matcher(str(path), stat.st_mtime_ns, stat.st_size)


_CODE_AND_NAME = re.compile(r"^\s*([0-9]+)\s+-\s+(\S.*?)\s*$")


def _code_name_conflict(matcher: RegionMatcher, label: str, code: str) -> str | None:
    """Why ``label`` (``"92000 - МОСКОВСКАЯ ОБЛАСТЬ"``) is contradictory, or None.

    A label with a code and a name is matched by its code; when the name alone is a different
    region of the reference, the label is not trusted (a name unknown to the reference is no
    contradiction: FCS spellings vary).
    """
    m = _CODE_AND_NAME.match(str(label))
    if m is None:
        return None
    try:
        by_name = matcher.match(m.group(2))
    except UnknownRegionError:
        return None
    if by_name == code:
        return None
    return (
        f"the code {m.group(1)} is {matcher.name(code, 'ru')} ({code}) but the name is "
        f"{matcher.name(by_name, 'ru')} ({by_name})"
    )


def match_labels(
    labels: Iterable[object], reference: pd.DataFrame | str | Path | RegionMatcher | None = None
) -> pd.DataFrame:
    """Match each region label once: columns ``label``, ``region`` (None when unmatched) and
    ``suggestions`` (why a label is not matched, and the closest spellings).

    A label with a code and a name whose name is another region of the reference is not matched.

    >>> match_labels(["92000 - РЕСПУБЛИКА ТАТАРСТАН", "92000 - МОСКОВСКАЯ ОБЛАСТЬ"])["region"].tolist()
    ['RU-TA', None]
    """
    matcher = as_matcher(reference)
    rows = []
    for label in labels:
        try:
            code, hint = matcher.match(label), ""
        except UnknownRegionError as err:
            code = None
            hint = "; ".join(f"{name} ({iso})" for name, iso in err.suggestions)
            hint = "; ".join(x for x in (err.reason, hint and f"closest: {hint}") if x)
        else:
            conflict = _code_name_conflict(matcher, label, code)
            if conflict:
                code, hint = None, conflict
        rows.append((label, code, hint))
    return pd.DataFrame(rows, columns=["label", "region", "suggestions"], dtype=object)


def match_region(
    text: object,
    reference: pd.DataFrame | str | Path | RegionMatcher | None = None,
    where: str | None = None,
) -> str:
    """ISO code of one region label (see :class:`RegionMatcher`).

    >>> match_region("Ханты-Мансийский автономный округ - Югра")
    'RU-KHM'
    >>> match_region("04130 - ЭВЕНКИЙСКИЙ АВТОНОМНЫЙ ОКРУГ (КРАСНОЯРСКИЙ КРАЙ)")
    'RU-KYA'
    """
    return as_matcher(reference).match(text, where=where)


# --------------------------------------------------------------------------------------------
# row labels of statistical tables (Rosstat, fedstat): the country, districts, "including" lines

_LATIN_TO_CYRILLIC = str.maketrans("aceopxyACEHKMOPTXB", "асеорхуАСЕНКМОРТХВ")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+")
_LESS_AO = re.compile(
    r"\s*\(?\s*(?:без|кроме|less|excluding|excl\.?)\s+(?:автономн\w*|autonomous)\s*\w*\)?\s*$",
    re.IGNORECASE,
)
_INCLUDING = re.compile(r"^(?:в том числе|including|из них|of which)\W*$", re.IGNORECASE)
_COUNTRY = {"российская федерация", "russian federation", "россия", "russia"}
_DISTRICT = re.compile(r"федеральн\w* округ|federal district", re.IGNORECASE)


def fix_homoglyphs(text: str) -> str:
    """Latin look-alike letters inside Cyrillic words replaced by the Cyrillic ones.

    >>> fix_homoglyphs("Аpхангельская область") == "Архангельская область"
    True
    """

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if re.search(r"[А-Яа-яЁё]", word) and re.search(r"[A-Za-z]", word):
            return word.translate(_LATIN_TO_CYRILLIC)
        return word

    return _WORD.sub(fix, text)


def clean_label(text: str) -> str:
    """A row label without line breaks, repeated spaces and footnote marks.

    >>> clean_label("Республика\\nТатарстан 2)")
    'Республика Татарстан'
    """
    s = re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip()
    s = re.sub(r"\s*\d\)\s*$", "", s)
    s = re.sub(r"(?<=[^\W\d])\d\)", "", s)
    return s.strip(" :*")


def classify_label(text: str) -> tuple[str, str]:
    """``(kind, cleaned label)`` of a row label of a statistical table.

    ``kind`` is ``empty``, ``including``, ``country``, ``district``, ``less_ao`` (an oblast without
    its autonomous okrugs) or ``region`` (to be matched through the reference).

    >>> classify_label("Российская Федерация1)")
    ('country', 'Российская Федерация')
    >>> classify_label("Тюменская область (без автономных округов)")[0]
    'less_ao'
    """
    label = fix_homoglyphs(clean_label(text))
    low = label.lower().replace("ё", "е")  # clean_label already squashed the spaces
    if not low:
        return "empty", label
    if _INCLUDING.match(low):
        return "including", label
    if low in _COUNTRY:
        return "country", label
    if _DISTRICT.search(low):
        return "district", label
    if _LESS_AO.search(label):
        return "less_ao", label
    return "region", label


def without_less_ao(label: str) -> str:
    """``label`` without its "(без автономных округов)" / "(less autonomous okrugs)" ending.

    >>> without_less_ao("Тюменская область (без автономных округов)")
    'Тюменская область'
    """
    return _LESS_AO.sub("", label).strip()


# --------------------------------------------------------------------------------------------
# the active reference (the one stage 01 ingested with)

ACTIVE_REFERENCE_FILE = "regions.csv"
"""File name of the active reference in ``data/processed/``."""


def active_reference_path() -> Path | None:
    """``data/processed/<profile>/regions.csv`` when stage 01 wrote it, else ``None`` (shipped
    reference)."""
    from exportlab import paths

    path = paths.processed_dir(create=False) / ACTIVE_REFERENCE_FILE
    return path if path.is_file() else None


@lru_cache(maxsize=8)
def _active_matcher_for(path: str, mtime_ns: int, size: int) -> RegionMatcher:
    data = Path(path).read_bytes()
    if data == (_DATA / "regions.csv").read_bytes():
        return default_matcher()  # the shipped reference, with its merged okrugs
    return _file_matcher(path, mtime_ns, size)


def active_matcher() -> RegionMatcher:
    """Matcher of the active reference (cached until the file changes).

    >>> active_matcher().name("RU-TA")  # doctest: +SKIP
    'Republic of Tatarstan'
    """
    path = active_reference_path()
    if path is None:
        return default_matcher()
    stat = path.stat()
    return _active_matcher_for(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def active_reference() -> pd.DataFrame:
    """The region reference of the current project: the one stage 01 used, else the shipped one.

    >>> active_reference()[["iso", "name_en"]].head(1)  # doctest: +SKIP
    """
    return active_matcher().reference.copy()


def write_reference(
    reference: pd.DataFrame | str | Path | None, out_dir: str | Path | None = None
) -> Path:
    """Write the reference used for ingestion to ``out_dir/regions.csv`` (atomic, deterministic).

    ``reference``: ``None`` (the shipped file, copied byte for byte), a frame, or a CSV path in any
    layout :func:`load_region_reference` accepts (the same conversion the ingest
    applied: ``iso, name_en, name_ru`` or a code column with name columns). ``out_dir`` defaults to
    ``data/processed/``. Returns the path written.

    >>> write_reference(pd.DataFrame({"iso": ["BR-MT"], "name_en": ["Mato Grosso"],
    ...                               "name_ru": ["Мату-Гросу"]}), "/tmp/ref")  # doctest: +SKIP
    PosixPath('/tmp/ref/regions.csv')
    """
    from exportlab import paths
    from exportlab.files import atomic_write_bytes

    target = Path(out_dir if out_dir is not None else paths.processed_dir()) / ACTIVE_REFERENCE_FILE
    if reference is None:
        return atomic_write_bytes((_DATA / "regions.csv").read_bytes(), target)
    if isinstance(reference, pd.DataFrame):
        frame = reference
    else:
        frame = load_region_reference(reference)
    frame = _validate(_read_reference(frame, REQUIRED_COLUMNS))
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return atomic_write_bytes(data, target)


def _names_matcher(
    reference: pd.DataFrame | str | Path | RegionMatcher | None,
) -> RegionMatcher:
    return active_matcher() if reference is None else as_matcher(reference)


def region_name(
    iso: str,
    lang: str = "en",
    short: bool = False,
    reference: pd.DataFrame | str | Path | RegionMatcher | None = None,
) -> str:
    """Name of a region in ``lang`` (``"en"`` or ``"ru"``); ``short`` for maps and tables.

    ``reference`` defaults to the active reference (:func:`active_reference`).

    >>> region_name("RU-KHM", "ru", short=True), region_name("RU-MOS")
    ('ХМАО', 'Moscow Oblast')
    """
    return _names_matcher(reference).name(iso, lang, short)


def region_label(code: object, lang: str = "en", short: bool = True) -> str:
    """Name of a region for tables and figures; the code itself when the reference does not know it.

    >>> region_label("RU-TA", "ru"), region_label("XX-01")
    ('Татарстан', 'XX-01')
    """
    if lang not in ("en", "ru"):
        raise ValueError("lang must be 'en' or 'ru'")
    try:
        return region_name(str(code), lang, short=short)
    except (KeyError, ValueError):  # a code outside the reference (e.g. a user's own region codes)
        return str(code)


def region_names(
    lang: str = "en",
    short: bool = False,
    reference: pd.DataFrame | str | Path | RegionMatcher | None = None,
) -> dict[str, str]:
    """``{iso: name}`` for all regions of the reference (default: the active reference).

    >>> region_names("ru", short=True)["RU-MOW"]
    'Москва'
    """
    return _names_matcher(reference).names(lang, short)
