"""Trade outcomes after the World Bank's WITS Trade Outcomes tool: market penetration and unit values.

**Market penetration.** WITS divides the number of countries to which an exporter sells a product by
the number of countries that import that product from anyone. A regional customs table does not hold
the world's imports, so here the markets that import a product are those the data show importing it:
the partners to which *any* region of the data exports the product that year. The penetration of region
``r`` in product ``p`` is

``penetration_rp = |partners of r for p| / |partners of all regions for p|``  (in [0, 1])

— the share of the country's known markets for the product that the region reaches. It is relative to
the country (an upper bound of the WITS measure, whose denominator counts every importer in the world).
Partner codes that are not countries (``schema.SPECIAL_PARTNERS``: unknown, confidential, ship stores)
count as no market. A region's summary is the simple mean over the products it exports (as in WITS)
and the mean weighted by export value.

**Unit values.** ``unit value = value_usd / netto_kg`` (US dollars per kilogram of net weight) of a
region × product × year, from the rows with a positive net weight (the others are counted, not used);
the **relative unit value** divides it by the unit value of the same product from all regions (> 1: the
region sells dearer than the country). Their change between two years is computed for the products
exported with a weight in both.

This module computes; :mod:`exportlab.plot.outcomes` draws.

>>> import pandas as pd
>>> t = pd.DataFrame({"year": 2021, "region": ["A", "A", "B"], "hs6": "100190",
...                   "partner": ["CN", "TR", "CN"], "flow": "export", "value_usd": [10.0, 5.0, 4.0],
...                   "netto_kg": [5.0, 5.0, 1.0]})
>>> market_penetration(t, 2021)["penetration"].tolist()
[1.0, 0.5]
>>> unit_values(t, 2021)["unit_value"].tolist()
[1.5, 4.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exportlab import complexity as cx
from exportlab.labels import Label, check_lang, vocabulary
from exportlab.schema import SPECIAL_PARTNERS, exports

__all__ = [
    "HEADERS",
    "market_penetration",
    "penetration_summary",
    "unit_value_change",
    "unit_value_summary",
    "unit_values",
]

HEADERS: dict[str, Label] = vocabulary("outcomes.HEADERS")


def _exports(trade: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    rows = exports(trade[trade["year"] == year], ["hs6", "partner"], positive=False)
    return pd.DataFrame(
        {
            "region": rows["region"].astype(str).to_numpy(),
            "product": rows["hs6"].astype(str).str.slice(0, cx.LEVELS[level]).to_numpy(),
            "partner": rows["partner"].astype(str).to_numpy(),
            "value_usd": pd.to_numeric(rows["value_usd"]).to_numpy(float),
            "netto_kg": pd.to_numeric(rows["netto_kg"]).to_numpy(float)
            if "netto_kg" in rows.columns
            else np.nan,
        }
    )


def market_penetration(trade: pd.DataFrame, year: int, *, level: str = "hs6") -> pd.DataFrame:
    """Penetration of each region in each product it exports in ``year`` (see the module text).

    Columns: ``region, product, markets`` (partners the region reaches), ``markets_all`` (partners
    any region reaches), ``penetration`` (their ratio, in [0, 1]), ``value_usd``.
    """
    x = _exports(trade, year, level)
    x = x[(x["value_usd"] > 0) & ~x["partner"].isin(list(SPECIAL_PARTNERS))]
    reach = x.groupby(["region", "product"]).agg(
        markets=("partner", "nunique"), value_usd=("value_usd", "sum")
    )
    total = x.groupby("product")["partner"].nunique().rename("markets_all")
    out = reach.join(total, on="product").reset_index()
    out["penetration"] = out["markets"] / out["markets_all"]
    cols = ["region", "product", "markets", "markets_all", "penetration", "value_usd"]
    return out[cols].sort_values(["region", "product"]).reset_index(drop=True)


def _summary(pen: pd.DataFrame) -> pd.DataFrame:
    g = pen.groupby("region")
    weighted = (pen["penetration"] * pen["value_usd"]).groupby(pen["region"]).sum() / g[
        "value_usd"
    ].sum()
    return pd.DataFrame(
        {
            "n_products": g.size(),
            "mean_penetration": g["penetration"].mean(),
            "weighted_penetration": weighted,
        }
    )


def penetration_summary(
    trade: pd.DataFrame,
    year: int,
    *,
    base_year: int | None = None,
    level: str = "hs6",
    lang: str = "en",
) -> pd.DataFrame:
    """Each region's market penetration in ``year``: ``region, region_name, n_products,
    mean_penetration`` (simple mean over its products), ``weighted_penetration`` (weighted by export
    value) and, with ``base_year``, ``mean_penetration_base`` and ``change_pp`` (percentage points).
    Sorted by mean penetration, descending.

    Example
    -------
    >>> t = pd.DataFrame({"year": 2021, "region": ["A", "A", "B"], "hs6": ["100190", "100190", "090111"],
    ...                   "partner": ["CN", "TR", "CN"], "flow": "export", "value_usd": 1.0})
    >>> penetration_summary(t, 2021)["mean_penetration"].tolist()
    [1.0, 1.0]
    """
    from exportlab.regions import region_label

    check_lang(lang)
    out = _summary(market_penetration(trade, year, level=level))
    if base_year is not None:
        base = _summary(market_penetration(trade, base_year, level=level))
        out["mean_penetration_base"] = base["mean_penetration"].reindex(out.index)
        out["change_pp"] = 100.0 * (out["mean_penetration"] - out["mean_penetration_base"])
    out = out.rename_axis("region").reset_index()
    out = out.sort_values(["mean_penetration", "region"], ascending=[False, True])
    out.insert(1, "region_name", [region_label(r, lang) for r in out["region"]])
    return out.reset_index(drop=True)


def unit_values(trade: pd.DataFrame, year: int, *, level: str = "hs6") -> pd.DataFrame:
    """Unit values (US dollars per kilogram) of each region × product in ``year``.

    Only rows with a positive ``netto_kg`` and a positive value are used. Columns: ``region,
    product, value_usd, netto_kg, unit_value, national_unit_value`` (all regions' value over all
    regions' weight), ``relative_unit_value`` (the ratio of the two).
    """
    x = _exports(trade, year, level)
    x = x[(x["netto_kg"] > 0) & (x["value_usd"] > 0)]
    out = x.groupby(["region", "product"], as_index=False)[["value_usd", "netto_kg"]].sum()
    out["unit_value"] = out["value_usd"] / out["netto_kg"]
    nat = x.groupby("product")[["value_usd", "netto_kg"]].sum()
    out["national_unit_value"] = out["product"].map(nat["value_usd"] / nat["netto_kg"])
    out["relative_unit_value"] = out["unit_value"] / out["national_unit_value"]
    return out.sort_values(["region", "product"]).reset_index(drop=True)


def unit_value_change(
    trade: pd.DataFrame, base_year: int, year: int, *, level: str = "hs6"
) -> pd.DataFrame:
    """Unit values of the region × products exported with a weight in both ``base_year`` and
    ``year``: ``region, product, unit_value_base, unit_value, value_usd`` (in ``year``),
    ``change_pct`` = ``100 (unit_value / unit_value_base - 1)``.

    Example
    -------
    >>> t = pd.DataFrame({"year": [2020, 2021], "region": "A", "hs6": "100190", "partner": "CN",
    ...                   "flow": "export", "value_usd": [10.0, 12.0], "netto_kg": [10.0, 8.0]})
    >>> unit_value_change(t, 2020, 2021)["change_pct"].tolist()
    [50.0]
    """
    a = unit_values(trade, base_year, level=level).set_index(["region", "product"])
    b = unit_values(trade, year, level=level).set_index(["region", "product"])
    both = b[["unit_value", "value_usd"]].join(
        a["unit_value"].rename("unit_value_base"), how="inner"
    )
    both["change_pct"] = 100.0 * (both["unit_value"] / both["unit_value_base"] - 1.0)
    cols = ["unit_value_base", "unit_value", "value_usd", "change_pct"]
    return both[cols].reset_index().sort_values(["region", "product"]).reset_index(drop=True)


def unit_value_summary(
    trade: pd.DataFrame, base_year: int, year: int, *, level: str = "hs6", lang: str = "en"
) -> pd.DataFrame:
    """Each region's unit-value change from ``base_year`` to ``year``: ``region, region_name,
    n_matched`` (products with a weight in both years), ``median_change_pct``,
    ``weighted_change_pct`` (``100 (exp(sum_k w_k ln(uv_k / uv0_k)) - 1)`` with ``w`` the export
    shares in ``year``: a value-weighted geometric mean), ``rows_without_weight`` (export rows of
    ``year`` without a positive net weight, not used). Sorted by the weighted change.
    """
    from exportlab.regions import region_label

    check_lang(lang)
    ch = unit_value_change(trade, base_year, year, level=level)
    g = ch.groupby("region")
    log_ratio = np.log(ch["unit_value"] / ch["unit_value_base"])
    w = ch["value_usd"] / g["value_usd"].transform("sum")
    weighted = 100.0 * (np.exp((w * log_ratio).groupby(ch["region"]).sum()) - 1.0)
    out = pd.DataFrame(
        {
            "n_matched": g.size(),
            "median_change_pct": g["change_pct"].median(),
            "weighted_change_pct": weighted,
        }
    )
    x = _exports(trade, year, level)
    missing = (~(x["netto_kg"] > 0)).groupby(x["region"]).sum()
    out["rows_without_weight"] = missing.reindex(out.index).fillna(0).astype(int)
    out = out.rename_axis("region").reset_index()
    out = out.sort_values(["weighted_change_pct", "region"], ascending=[False, True])
    out.insert(1, "region_name", [region_label(r, lang) for r in out["region"]])
    return out.reset_index(drop=True)
