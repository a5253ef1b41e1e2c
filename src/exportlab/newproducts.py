"""New export products by the Atlas of Economic Complexity's definition, and a diversification grade.

The Atlas (Hausmann, Hidalgo et al., Growth Lab) counts a product as **new** for an economy when its
revealed comparative advantage moved from **RCA < 0.5** in the first year of a window to **RCA ≥ 1** in
the last: a product barely exported before that became a real specialisation (products between 0.5
and 1 at the start are "already present" and do not count). RCA is Balassa's index among the data's
regions in each year (:func:`exportlab.complexity.rca`).

The Atlas's country profiles add a **diversification grade**, a letter that ranks an economy's number of
new products against its peers. Here the peers are the regions of the data and the grade follows the
percentile rank of the region's count (highest = 1): ``A+`` top 10 %, ``A`` top 25 %, ``B`` top 50 %,
``C`` top 75 %, ``D`` the rest, and ``D-`` for a region with no new product (these cut-offs are this
module's; the Atlas does not publish its own).

This module computes; :mod:`exportlab.plot.newproducts` draws.

>>> import pandas as pd
>>> t = pd.DataFrame({"year": [2019] * 4 + [2021] * 4, "region": list("AABC") * 2,
...                   "hs6": ["010100", "020100", "020100", "030100"] * 2, "flow": "export",
...                   "value_usd": [10.0, 0.1, 10.0, 100.0, 10.0, 30.0, 10.0, 100.0]})
>>> new_products(t, 2019, 2021, level="hs2")[["region", "product"]].values.tolist()
[['A', '02']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exportlab import complexity as cx
from exportlab.labels import Label, check_lang, vocabulary
from exportlab.schema import exports

__all__ = [
    "GRADES",
    "HEADERS",
    "diversification_grade",
    "new_products",
    "new_products_summary",
]

#: Grades from best to worst with the lowest percentile rank (1 = most new products) of each.
GRADES: tuple[tuple[str, float], ...] = (("A+", 0.90), ("A", 0.75), ("B", 0.50), ("C", 0.25))

HEADERS: dict[str, Label] = vocabulary("newproducts.HEADERS")


def _matrices(trade: pd.DataFrame, years: tuple[int, int], level: str):
    sub = exports(trade[trade["year"].isin(years)], ["hs6"], positive=False)
    regions = sorted(sub["region"].astype(str).unique())
    products = sorted(sub["hs6"].astype(str).str.slice(0, cx.LEVELS[level]).unique())
    out = []
    for y in years:
        m = cx.export_matrix(
            trade, y, level=level, regions=regions, products=products, as_frame=True
        )
        out.append(m[0])
    return out


def new_products(
    trade: pd.DataFrame,
    start_year: int,
    end_year: int,
    *,
    level: str = "hs4",
    low: float = 0.5,
    high: float = 1.0,
) -> pd.DataFrame:
    """Products new to each region between ``start_year`` and ``end_year``: RCA below ``low`` in
    the first year and at least ``high`` in the last (Atlas: 0.5 and 1).

    RCA is computed among all regions of ``trade`` in each year over the products of both years
    (a product no region exported in the first year has RCA 0 there). Columns: ``region, product,
    rca_start, rca_end, value_usd`` (export in ``end_year``, US dollars); sorted by region, then
    value (descending).
    """
    if end_year <= start_year:
        raise ValueError(f"end_year ({end_year}) must come after start_year ({start_year})")
    if not low <= high:
        raise ValueError(f"low ({low}) must not exceed high ({high})")
    x0, x1 = _matrices(trade, (start_year, end_year), level)
    r0, r1 = cx.rca(x0), cx.rca(x1)
    mask = (r0 < low) & (r1 >= high)
    stacked = mask.stack()
    pairs = stacked[stacked].index
    out = pd.DataFrame(
        {
            "region": pairs.get_level_values(0).astype(str),
            "product": pairs.get_level_values(1).astype(str),
            "rca_start": [r0.at[r, p] for r, p in pairs],
            "rca_end": [r1.at[r, p] for r, p in pairs],
            "value_usd": [x1.at[r, p] for r, p in pairs],
        }
    )
    out = out.sort_values(["region", "value_usd", "product"], ascending=[True, False, True])
    return out.reset_index(drop=True)


def diversification_grade(counts: pd.Series) -> pd.Series:
    """Letter grade of each region's number of new products against the other regions.

    The percentile rank ``q`` (ties share the highest rank; the region with the most new products
    has ``q = 1``) gives ``A+`` (q ≥ 0.9), ``A`` (≥ 0.75), ``B`` (≥ 0.5), ``C`` (≥ 0.25), ``D``; a
    region with no new product gets ``D-``.

    Example
    -------
    >>> diversification_grade(pd.Series({"a": 9, "b": 5, "c": 5, "d": 1, "e": 0})).tolist()
    ['A+', 'A', 'A', 'C', 'D-']
    """
    c = pd.to_numeric(counts).astype(float)
    q = c.rank(method="max", pct=True)
    grade = pd.Series("D", index=c.index, dtype=object)
    for letter, cut in reversed(GRADES):
        grade[q >= cut] = letter
    grade[c <= 0] = "D-"
    return grade.rename("grade")


def new_products_summary(
    new: pd.DataFrame,
    trade: pd.DataFrame,
    end_year: int,
    *,
    population: pd.Series | None = None,
    names: pd.Series | None = None,
    n_top: int = 3,
    lang: str = "en",
) -> pd.DataFrame:
    """One row per region of ``trade`` in ``end_year``: ``region, region_name, n_new,
    value_new_usd, share_new_pct`` (of the region's export that year), ``value_new_per_capita_usd``
    (with ``population``, persons), ``grade`` (:func:`diversification_grade`) and ``top_products``
    (the ``n_top`` largest new products, with their ``names`` where given). Sorted by the number of
    new products, then their value.
    """
    from exportlab.regions import region_label

    check_lang(lang)
    rows = exports(trade[trade["year"] == end_year], positive=False)
    total = rows.groupby(rows["region"].astype(str))["value_usd"].sum()
    out = pd.DataFrame(index=pd.Index(sorted(total.index), name="region"))
    g = new.groupby("region")
    out["n_new"] = g.size().reindex(out.index).fillna(0).astype(int)
    out["value_new_usd"] = g["value_usd"].sum().reindex(out.index).fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_new_pct"] = 100.0 * out["value_new_usd"] / total.reindex(out.index)
    if population is not None and len(population):
        pop = pd.Series(population).reindex(out.index).astype(float)
        out["value_new_per_capita_usd"] = out["value_new_usd"] / pop.where(pop > 0)
    out["grade"] = diversification_grade(out["n_new"])

    def label(code: str) -> str:
        if names is not None and code in names.index and pd.notna(names[code]):
            return f"{code} {names[code]}"
        return code

    top = {
        r: "; ".join(label(p) for p in grp["product"].head(n_top))
        for r, grp in new.sort_values(["value_usd", "product"], ascending=[False, True]).groupby(
            "region"
        )
    }
    out["top_products"] = [top.get(r, "—") for r in out.index]
    out = out.reset_index().sort_values(
        ["n_new", "value_new_usd", "region"], ascending=[False, False, True]
    )
    out.insert(1, "region_name", [region_label(r, lang) for r in out["region"]])
    return out.reset_index(drop=True)
