"""Classes of regional indicators for maps, and the inputs of a maps stage (no drawing).

* :func:`classify` — the class of each value under a mapclassify scheme (quantiles, Fisher–Jenks,
  user bins), :func:`class_labels` the legend labels of the classes, :func:`compare_schemes` the
  bounds and counts of two schemes side by side;
* :func:`map_layers` — the layers a maps stage draws on (region polygons and the tile-grid
  cartogram) and a note saying which; :func:`year_values` the values of one year by region;
  :func:`class_options` the classification options of one map; :func:`map_name` the file stem.

Values are ``pandas.Series`` indexed by ISO 3166-2 code. The maps themselves are drawn by
:mod:`exportlab.plot.maps`.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from exportlab import geo as _geo
from exportlab.labels import check_lang, pick, t

SCHEMES = ("quantiles", "fisher_jenks", "user")


# --------------------------------------------------------------------------------------------------
# Inputs


def region_series(values, name: str = "values") -> pd.Series:
    """``values`` as a Series indexed by region code (str); a one-column table is accepted.

    Raises ``ValueError`` for a table of several columns or a region given twice.

    >>> region_series({"RU-TA": 1.0}).index.tolist()
    ['RU-TA']
    """
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(
                f"{name}: pass a Series indexed by ISO code, not a {values.shape[1]}-column table"
            )
        values = values.iloc[:, 0]
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    if values.index.has_duplicates:
        dup = sorted(set(values.index[values.index.duplicated()].astype(str)))
        raise ValueError(f"{name}: repeated regions {dup[:10]}")
    values = values.copy()
    values.index = values.index.astype(str)
    return values


# --------------------------------------------------------------------------------------------------
# Classification


def classify(
    values: pd.Series,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
) -> tuple[pd.Series, list[float]]:
    """Class of each value (0..n-1, -1 for missing) and the class upper bounds, via mapclassify.

    ``scheme``: ``"quantiles"``, ``"fisher_jenks"`` (exact Fisher–Jenks) or ``"user"`` (``bins`` are
    the upper bounds; the last class is widened to the maximum when needed). ``k`` is lowered to the
    number of distinct values when there are fewer. Quantiles of values with more than ``n / k``
    ties at the minimum (e.g. many zero shares) give the minimum a class of its own and split the
    other values into ``k - 1`` quantiles.
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    series = pd.to_numeric(values, errors="coerce").astype(float)
    finite = series[np.isfinite(series)]
    classes = pd.Series(-1, index=series.index, dtype=int)
    if finite.empty:
        return classes, []
    y = finite.to_numpy()
    if scheme == "user":
        if bins is None or len(bins) == 0:
            raise ValueError('scheme="user" needs bins (the upper bounds of the classes)')
        edges = sorted(float(b) for b in bins)
        if edges[-1] < y.max():
            edges.append(float(y.max()))
        fitted = mapclassify.UserDefined(y, edges)
    else:
        k = max(1, min(int(k), len(np.unique(y))))
        if k == 1:
            classes[finite.index] = 0
            return classes, [float(y.max())]
        low = y.min()
        tied = int((y == low).sum())
        if scheme == "quantiles" and k > 2 and tied > len(y) / k and tied < len(y):
            # Many ties at the minimum (zero shares) would merge quantile classes: the minimum
            # gets a class of its own and the other values are split into k - 1 quantiles.
            rest, bounds = classify(finite[y > low], "quantiles", k - 1)
            classes[finite.index[y == low]] = 0
            classes[rest.index] = rest.to_numpy() + 1
            return classes, [float(low), *bounds]
        cls = mapclassify.Quantiles if scheme == "quantiles" else mapclassify.FisherJenks
        with warnings.catch_warnings():  # the exact algorithm without numba is fast enough here
            warnings.filterwarnings("ignore", message="Numba not installed")
            warnings.filterwarnings("ignore", message="Not enough unique values")
            fitted = cls(y, k=k)
    classes[finite.index] = np.asarray(fitted.yb, dtype=int)
    return classes, [float(b) for b in fitted.bins]


def label_decimals(bounds: Sequence[float]) -> int:
    """Decimals that tell the class bounds apart (0–4), from the largest bound and the smallest step.

    >>> label_decimals([0.0, 0.25, 0.5])
    2
    """
    finite = [abs(b) for b in bounds if np.isfinite(b)]
    if not finite:
        return 0
    biggest = max(finite)
    steps = [abs(b - a) for a, b in zip(bounds[:-1], bounds[1:], strict=False) if b != a]
    scale = min([biggest, *steps]) if steps else biggest
    if scale == 0:
        return 0
    return int(min(4, max(0, 1 - math.floor(math.log10(scale)))))


def format_number(x: float, decimals: int, lang: str = "en") -> str:
    """A number with ``decimals`` digits: ``12,345.6`` in English, ``12 345,6`` in Russian."""
    text = f"{x:,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def class_labels(
    bounds: Sequence[float], minimum: float, lang: str = "en", fmt: str | None = None
) -> list[str]:
    """Legend labels ``"lower – upper"`` of classes with the given upper bounds (one value alone)."""
    if not bounds:
        return []
    lows = [minimum, *bounds[:-1]]
    if fmt is not None:
        return [
            fmt.format(hi) if lo == hi else f"{fmt.format(lo)} – {fmt.format(hi)}"
            for lo, hi in zip(lows, bounds, strict=True)
        ]
    decimals = label_decimals([minimum, *bounds])
    return [
        format_number(hi, decimals, lang)
        if lo == hi
        else f"{format_number(lo, decimals, lang)} – {format_number(hi, decimals, lang)}"
        for lo, hi in zip(lows, bounds, strict=True)
    ]


def map_name(what: str, geo_layer: gpd.GeoDataFrame) -> str:
    """File stem of a map: ``map_<what>_<polygons|tiles>``."""
    return f"map_{what}_{_geo.layout_kind(geo_layer)}"


# --------------------------------------------------------------------------------------------------
# Preparing a maps stage: layers, values of a year, classification options


def map_layers(
    boundaries: str | os.PathLike[str] = "auto",
    lang: str = "en",
    *,
    root: str | os.PathLike[str] | None = None,
    **kwargs,
) -> tuple[dict[str, gpd.GeoDataFrame], str]:
    """The layers a maps stage draws on, ``{"polygons": ..., "tiles": ...}``, and a note saying which.

    ``boundaries``: ``"auto"`` (the full DCW-GMT file when installed, else the simplified copy
    shipped with the package), ``"dcw"`` (the full file; raise ``FileNotFoundError`` when absent),
    ``"shipped"``, ``"tiles"`` (tile grid only) or the path of a user GeoJSON /
    GPKG keyed by ISO code or region name, relative to ``root`` (default: the project root). The tile
    grid is always in the result. The note (in ``lang``) names the polygon source, or says why polygon
    maps were not drawn. ``kwargs`` go to :func:`exportlab.geo.load_regions` (``dcw_path``, ``key``, ``crs``…).

    >>> layers, note = map_layers("tiles")
    >>> list(layers)
    ['tiles']
    """
    check_lang(lang)
    tiles = _geo.tiles()
    skipped = t("Polygon maps were not drawn: ", "Карты на полигонах не построены: ", lang)
    if isinstance(boundaries, str) and boundaries == "tiles":
        return {"tiles": tiles}, skipped + t(
            'boundaries = "tiles" asks for the tile grid only.',
            'параметр boundaries = "tiles" требует только сетку плиток.',
            lang,
        )
    if isinstance(boundaries, str) and boundaries in ("auto", "dcw", "shipped"):
        source: str | Path = boundaries
    else:
        source = Path(boundaries).expanduser()
        if not source.is_absolute():
            if root is None:
                from exportlab import paths

                root = paths.project_root()
            source = Path(root) / source
        if not source.is_file():
            raise FileNotFoundError(f"boundary file not found: {source}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _geo.BoundariesFallbackWarning)
        layer = _geo.load_regions(source, **kwargs)
    for w in caught:  # other warnings (e.g. unmatched features of a user file) are passed on
        if not issubclass(w.category, _geo.BoundariesFallbackWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if _geo.layout_kind(layer) == "tiles":
        return {"tiles": tiles}, skipped + t(
            "the DCW-GMT boundary file is not installed (Debian/Ubuntu: apt install gmt-dcw; "
            "conda: conda install -c conda-forge dcw-gmt), so only the tile grid is shown.",
            "файл границ DCW-GMT не установлен (Debian/Ubuntu: apt install gmt-dcw; "
            "conda: conda install -c conda-forge dcw-gmt), поэтому показана только сетка плиток.",
            lang,
        )
    kind = layer.attrs.get("source")
    origin = "DCW-GMT" if kind in ("dcw", "shipped") else Path(str(source)).name
    note = t(
        f"Maps are drawn on the region polygons ({origin}) and on the tile grid.",
        f"Карты построены на полигонах регионов ({origin}) и на сетке плиток.",
        lang,
    )
    if kind in ("dcw", "shipped"):
        note += " " + _geo.boundary_credit(layer, lang) + "."
    if kind == "shipped":
        note += " " + t(
            "The full DCW-GMT file is used when it is installed (Debian/Ubuntu: apt install "
            "gmt-dcw; conda: conda install -c conda-forge dcw-gmt).",
            "Полный файл DCW-GMT используется, когда он установлен (Debian/Ubuntu: apt install "
            "gmt-dcw; conda: conda install -c conda-forge dcw-gmt).",
            lang,
        )
    return {"polygons": layer, "tiles": tiles}, note


def year_values(
    table: pd.DataFrame,
    column: str,
    year: int,
    *,
    by: str | None = None,
    scale: float = 1.0,
    region: str = "region",
) -> pd.Series | pd.DataFrame:
    """``column`` of ``table`` (long: region, year, …) in ``year``, indexed by region, times ``scale``.

    With ``by`` (e.g. ``"segment"``) the result is wide: one column per value of ``by``, in the order
    they first appear, ready for :func:`choropleth_grid`. Use ``scale=100`` to map shares in per cent.
    Raises ``ValueError`` naming the years available when ``year`` is not in the table.

    >>> t = pd.DataFrame({"region": ["A", "B"], "year": [2021, 2021], "share": [0.25, 0.5]})
    >>> year_values(t, "share", 2021, scale=100).to_dict()
    {'A': 25.0, 'B': 50.0}
    """
    needed = [region, "year", column, *([by] if by else [])]
    absent = [c for c in needed if c not in table.columns]
    if absent:
        raise KeyError(f"table lacks columns {absent}; columns: {list(table.columns)}")
    years = pd.to_numeric(table["year"], errors="coerce")
    rows = table.loc[years == int(year)]
    if rows.empty:
        known = sorted(int(y) for y in years.dropna().unique())
        span = f"{known[0]}–{known[-1]}" if known else "none"
        raise ValueError(f"year {year} is not in the table; years available: {span}")
    values = rows[column]
    if scale != 1.0:
        if not pd.api.types.is_numeric_dtype(values):
            raise TypeError(f"scale= needs a numeric column; {column} is {values.dtype}")
        values = values.astype("float64") * scale
    if by is None:
        out = pd.Series(values.to_numpy(), index=rows[region].astype(str).to_numpy(), name=column)
        if out.index.has_duplicates:
            dup = sorted(set(out.index[out.index.duplicated()]))
            raise ValueError(f"{column} has several rows per region in {year}: {dup[:10]}")
        return out.sort_index()
    wide = (
        pd.DataFrame({"region": rows[region].astype(str), by: rows[by].astype(str), "v": values})
        .pivot_table(index="region", columns=by, values="v", aggfunc="first", sort=False)
        .sort_index()
    )
    order = list(dict.fromkeys(rows[by].astype(str)))
    wide = wide[order]
    wide.columns.name = None
    wide.index.name = None
    return wide


def class_options(
    scheme: str = "fisher_jenks",
    k: int = 5,
    bins: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    what: str | None = None,
) -> dict[str, object]:
    """Keyword arguments ``scheme``, ``k``, ``bins`` of :func:`exportlab.plot.maps.choropleth` for
    the map ``what``.

    ``bins`` is one list of class upper bounds for every map, or a dict ``{what: [bounds]}`` (maps
    have different units: the DAED index is 0–1, shares are per cent). ``scheme="user"`` without
    bins for ``what`` raises ``ValueError``.

    >>> class_options("user", 5, {"daed_index": [0.1, 0.3]}, "daed_index")
    {'scheme': 'user', 'k': 5, 'bins': [0.1, 0.3]}
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    chosen = bins.get(what) if isinstance(bins, Mapping) else bins
    if chosen is not None:
        chosen = [float(b) for b in chosen]
    if scheme == "user" and not chosen:
        raise ValueError(
            f'scheme="user" needs the class upper bounds of map {what!r}: '
            f'bins=[...] for every map or bins={{"{what}": [...]}}'
        )
    return {"scheme": scheme, "k": int(k), "bins": chosen}


def compare_schemes(
    values: pd.Series,
    k: int = 5,
    schemes: Sequence[str] = ("quantiles", "fisher_jenks"),
    lang: str = "en",
) -> pd.DataFrame:
    """Class bounds and region counts of ``values`` under each scheme, side by side.

    Rows are classes 1..k; for each scheme a column ``"<scheme>: bounds"`` (``"lower – upper"``) and
    ``"<scheme>: regions"`` (count). Quantiles give (about) equal counts; Fisher–Jenks minimises the
    squared deviations within classes, so outliers get classes of their own.

    >>> v = pd.Series([1.0, 2, 3, 10, 11, 30])
    >>> compare_schemes(v, k=3)["Fisher–Jenks: regions"].tolist()
    [3, 2, 1]
    """
    check_lang(lang)
    names = {
        "quantiles": {"en": "Quantiles", "ru": "Квантили"},
        "fisher_jenks": {"en": "Fisher–Jenks", "ru": "Фишер–Дженкс"},
    }
    finite = pd.to_numeric(region_series(values), errors="coerce")
    finite = finite[np.isfinite(finite)]
    if finite.empty:
        raise ValueError("no finite values to classify")
    columns: dict[str, list[object]] = {}
    n = 0
    for scheme in schemes:
        if scheme not in names:
            raise ValueError(f"schemes must be among {tuple(names)}, got {scheme!r}")
        classes, bounds = classify(finite, scheme=scheme, k=k)
        labels = class_labels(bounds, float(finite.min()), lang)
        counts = classes.value_counts()
        name = pick(names[scheme], lang)
        columns[name + t(": bounds", ": границы", lang)] = labels
        columns[name + t(": regions", ": регионов", lang)] = [
            int(counts.get(i, 0)) for i in range(len(bounds))
        ]
        n = max(n, len(bounds))
    padded = {c: list(v) + [None] * (n - len(v)) for c, v in columns.items()}
    out = pd.DataFrame(padded, index=pd.RangeIndex(1, n + 1, name=t("class", "класс", lang)))
    for c in out.columns:
        if c.endswith(t(": regions", ": регионов", lang)):
            out[c] = out[c].astype("Int64")
    return out
