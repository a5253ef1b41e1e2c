"""Export sophistication: PRODY of products and EXPY of regions (Hausmann, Hwang & Rodrik 2007).

``PRODY_k = sum_j [ (x_jk / X_j) / sum_j' (x_j'k / X_j') ] * Y_j`` — the income level associated with a
product: the average income per capita ``Y_j`` of its exporters ``j``, weighted by the product's share
in each exporter's basket relative to its share in all baskets (a revealed comparative advantage weight).
``EXPY_j = sum_k (x_jk / X_j) * PRODY_k`` — the income level of an exporter's basket. Both are in the
units of ``Y`` (e.g. roubles per person for GRP per capita, US dollars for GDP per capita).

Two settings:

* **the data's own regions** — ``Y`` = each region's GRP per capita from the indicator table
  (:func:`region_income`: ``grp_per_capita_rub``, else ``grp_rub / population``); regions without it are
  left out of PRODY and get no EXPY from it;
* **against countries** — a user-supplied country-level table (``year, exporter, product, value,
  gdp_per_capita``; :func:`read_country_table`) gives world PRODY (:func:`country_prody`); each region's
  EXPY is then its basket valued at world PRODY (:func:`expy`), the share of its export with a PRODY
  reported beside it (``coverage``).

This module computes; :mod:`exportlab.plot.sophistication` draws.

>>> import pandas as pd
>>> x = pd.DataFrame([[1.0, 1.0], [0.0, 2.0]], index=["A", "B"], columns=["p", "q"])
>>> prody(x, pd.Series({"A": 10.0, "B": 40.0})).tolist()
[10.0, 30.0]
"""

from __future__ import annotations

import io
import os

import numpy as np
import pandas as pd

from exportlab import complexity as cx
from exportlab.labels import Label, check_lang, vocabulary

__all__ = [
    "COUNTRY_COLUMNS",
    "HEADERS",
    "country_prody",
    "expy",
    "prody",
    "read_country_table",
    "region_income",
    "sophistication_table",
]

#: Columns of the country-level table (one row per year × exporter × product).
COUNTRY_COLUMNS: tuple[str, ...] = ("year", "exporter", "product", "value", "gdp_per_capita")

HEADERS: dict[str, Label] = vocabulary("sophistication.HEADERS")


def prody(matrix: pd.DataFrame, income: pd.Series) -> pd.Series:
    """PRODY of each product (Hausmann, Hwang & Rodrik 2007, eq. 1) from an exporter × product value
    matrix and the exporters' income per capita.

    Exporters missing from ``income`` (or with a non-positive or missing income) and exporters with
    no export are left out. Products no remaining exporter exports get NaN. Units: those of
    ``income``; unchanged by the currency unit of ``matrix``.

    Example
    -------
    >>> x = pd.DataFrame([[3.0, 1.0], [1.0, 1.0]], index=["A", "B"], columns=["p", "q"])
    >>> prody(x, pd.Series({"A": 100.0, "B": 200.0})).round(2).tolist()
    [140.0, 166.67]
    """
    inc = pd.to_numeric(income, errors="coerce").reindex(matrix.index)
    keep = inc.notna() & (inc > 0) & (matrix.sum(axis=1) > 0)
    x = matrix.loc[keep].to_numpy(dtype=float)
    y = inc[keep].to_numpy(dtype=float)
    shares = x / x.sum(axis=1, keepdims=True)
    weight_sum = shares.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (shares * y[:, None]).sum(axis=0) / weight_sum
    values[weight_sum == 0] = np.nan
    return pd.Series(values, index=matrix.columns, name="prody")


def expy(matrix: pd.DataFrame, prody_values: pd.Series) -> pd.DataFrame:
    """EXPY of each exporter (Hausmann, Hwang & Rodrik 2007, eq. 2): its basket valued at PRODY.

    Products without a PRODY (absent from ``prody_values`` or NaN) are left out and the shares of
    the others rescaled to 1; ``coverage`` is the share of the exporter's export that has a PRODY.
    Returns a DataFrame indexed like ``matrix`` with ``expy`` (units of PRODY) and ``coverage`` (in
    [0, 1]); NaN EXPY for an exporter with no covered export.

    Example
    -------
    >>> x = pd.DataFrame([[1.0, 1.0, 2.0]], index=["A"], columns=["p", "q", "r"])
    >>> expy(x, pd.Series({"p": 10.0, "q": 30.0})).loc["A"].tolist()
    [20.0, 0.5]
    """
    p = pd.to_numeric(prody_values, errors="coerce")
    p.index = p.index.astype(str)
    cols = matrix.columns.astype(str)
    pv = p.reindex(cols).to_numpy(dtype=float)
    x = matrix.to_numpy(dtype=float)
    has = np.isfinite(pv)
    total = x.sum(axis=1)
    covered = x[:, has].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = (x[:, has] * pv[has][None, :]).sum(axis=1) / covered
        coverage = covered / total
    e[covered == 0] = np.nan
    return pd.DataFrame({"expy": e, "coverage": coverage}, index=matrix.index)


def region_income(indicators: pd.DataFrame, year: int) -> pd.Series:
    """GRP per capita of each region in ``year`` from the indicator table (``schema.INDICATORS``):
    ``grp_per_capita_rub`` where given, else ``grp_rub / population``. Roubles per person (the
    indicator's unit); an empty Series when neither is there.

    Example
    -------
    >>> ind = pd.DataFrame({"region": ["A", "B", "B"], "year": 2021,
    ...     "indicator": ["grp_per_capita_rub", "grp_rub", "population"], "value": [5.0, 60.0, 3.0]})
    >>> region_income(ind, 2021).to_dict()
    {'A': 5.0, 'B': 20.0}
    """
    rows = indicators[indicators["year"] == year]
    wide = rows.pivot_table(index="region", columns="indicator", values="value", aggfunc="sum")
    out = pd.Series(np.nan, index=wide.index.astype(str), dtype=float)
    if "grp_rub" in wide.columns and "population" in wide.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = wide["grp_rub"] / wide["population"].where(wide["population"] > 0)
        out = ratio.to_numpy(dtype=float)
        out = pd.Series(out, index=wide.index.astype(str))
    if "grp_per_capita_rub" in wide.columns:
        direct = pd.Series(wide["grp_per_capita_rub"].to_numpy(float), index=wide.index.astype(str))
        out = direct.where(direct.notna(), out)
    out = out.dropna()
    out.index.name = "region"
    return out.rename("income")


def read_country_table(path: str | os.PathLike[str] | io.TextIOBase) -> pd.DataFrame:
    """A country-level export table (CSV or Parquet): ``year, exporter, product, value,
    gdp_per_capita``.

    ``exporter``: any country code; ``product``: HS code (digits, leading zeros kept, any depth of
    at least 2); ``value``: export, US dollars (non-negative); ``gdp_per_capita``: the exporter's GDP
    per capita that year (positive; the same on every row of an exporter-year). A bad value stops
    with an error naming the file, the line and the column.

    Example
    -------
    >>> text = "year,exporter,product,value,gdp_per_capita\\n2021,DE,8703,5e9,51000\\n"
    >>> read_country_table(io.StringIO(text))["product"].tolist()
    ['8703']
    """
    name = str(getattr(path, "name", path))
    if name.lower().endswith((".parquet", ".pq")):
        raw = pd.read_parquet(path).astype(str)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in COUNTRY_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{name}: country table lacks column(s) {missing}; expected {list(COUNTRY_COLUMNS)}"
        )
    line = pd.Series(np.arange(len(raw)) + 2, index=raw.index)  # header is line 1

    def fail(mask: pd.Series, column: str, expected: str) -> None:
        if mask.any():
            i = mask.to_numpy().nonzero()[0][0]
            raise ValueError(
                f"{name}, line {line.iloc[i]}, column {column!r}: {raw[column].iloc[i]!r} is not "
                f"{expected}"
            )

    year = pd.to_numeric(raw["year"].str.strip(), errors="coerce")
    fail(year.isna() | (year % 1 != 0), "year", "a year")
    product = raw["product"].str.strip()
    fail(~product.str.fullmatch(r"[0-9]{2,10}"), "product", "an HS code of 2–10 digits")
    exporter = raw["exporter"].str.strip()
    fail(exporter == "", "exporter", "a country code")
    value = pd.to_numeric(raw["value"].str.strip(), errors="coerce")
    fail(value.isna() | (value < 0), "value", "a non-negative number (USD)")
    gdp = pd.to_numeric(raw["gdp_per_capita"].str.strip(), errors="coerce")
    fail(gdp.isna() | (gdp <= 0), "gdp_per_capita", "a positive number (USD per person)")
    out = pd.DataFrame(
        {
            "year": year.astype(int),
            "exporter": exporter,
            "product": product,
            "value": value.astype(float),
            "gdp_per_capita": gdp.astype(float),
        }
    )
    spread = out.groupby(["year", "exporter"])["gdp_per_capita"].transform(lambda s: s.nunique())
    fail(spread > 1, "gdp_per_capita", "the same on every row of the exporter and year")
    return out


def country_prody(table: pd.DataFrame, year: int, level: str = "hs4") -> pd.Series:
    """World PRODY of products at ``level`` (``hs2``/``hs4``/``hs6``) from a country table of
    :func:`read_country_table` in ``year``; US dollars of GDP per capita.

    Codes shorter than the level are left out (they cannot be placed at that depth).
    """
    digits = cx.LEVELS[level]
    rows = table[(table["year"] == year) & (table["product"].str.len() >= digits)]
    if rows.empty:
        return pd.Series(dtype=float, name="prody")
    matrix = rows.assign(p=rows["product"].str.slice(0, digits)).pivot_table(
        index="exporter", columns="p", values="value", aggfunc="sum", fill_value=0.0
    )
    income = rows.groupby("exporter")["gdp_per_capita"].first()
    out = prody(matrix, income)
    out.index.name = "product"
    return out


def sophistication_table(
    matrix: pd.DataFrame,
    *,
    income: pd.Series | None = None,
    world_prody: pd.Series | None = None,
    eci: pd.Series | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Regions ranked by EXPY: ``rank, region, region_name`` and, as available, ``income`` (the
    region's own Y), ``expy`` (PRODY from the data's own regions), ``expy_world`` and ``coverage``
    (PRODY from countries), ``eci``. Ranked by ``expy_world`` when given, else ``expy``; an
    ``income`` or ``world_prody`` that is None or empty leaves its columns out.
    """
    from exportlab.regions import region_label

    check_lang(lang)
    out = pd.DataFrame(index=matrix.index.astype(str))
    out.index.name = "region"
    if income is not None and len(income):
        out["income"] = pd.Series(income).reindex(out.index).to_numpy(float)
        own = expy(matrix, prody(matrix, income))
        out["expy"] = own["expy"].to_numpy()
    if world_prody is not None and len(world_prody):
        world = expy(matrix, world_prody)
        out["expy_world"] = world["expy"].to_numpy()
        out["coverage"] = world["coverage"].to_numpy()
    if eci is not None:
        e = eci.copy()
        e.index = e.index.astype(str)
        out["eci"] = e.reindex(out.index).to_numpy(float)
    by = "expy_world" if "expy_world" in out.columns else "expy" if "expy" in out.columns else None
    out = out.reset_index()
    if by is not None:
        out = out.sort_values([by, "region"], ascending=[False, True], na_position="last")
    rank = pd.array(np.arange(1, len(out) + 1), dtype="Int64")
    if by is not None:
        rank[out[by].isna().to_numpy()] = pd.NA
    out.insert(0, "rank", rank)
    out.insert(2, "region_name", [region_label(r, lang) for r in out["region"]])
    return out.reset_index(drop=True)
