"""A region's export basket: HS section → chapter → product, and its change between two years.

The basket is the Atlas of Economic Complexity's and the OEC's treemap in table form: every product a
region exports in a year with its value (US dollars), its share of the region's export and the section
and chapter it belongs to, with names in English or Russian (:mod:`exportlab.hs_sections`; product names
from a names table of :func:`exportlab.classify.read_product_names`, else the code).
:func:`basket_change` compares two years by section or chapter: values, growth, shares and each
group's contribution to the growth of the region's export.

This module computes; :mod:`exportlab.plot.basket` draws.

>>> import pandas as pd
>>> t = pd.DataFrame({"year": 2021, "region": "A", "hs6": ["270900", "271000", "880240"],
...                   "flow": "export", "value_usd": [60.0, 20.0, 20.0]})
>>> basket(t, "A", 2021, level="hs4")[["section", "product", "share"]].values.tolist()
[['V', '2709', 0.6], ['V', '2710', 0.2], ['XVII', '8802', 0.2]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exportlab import complexity as cx
from exportlab.hs_sections import chapter_name, section_name, section_of, section_order
from exportlab.labels import Label, check_lang, vocabulary

__all__ = ["HEADERS", "basket", "basket_change", "product_labels"]

#: Bilingual column headers of the tables of this module (for ``tables.write_table``).
HEADERS: dict[str, Label] = vocabulary("basket.HEADERS")


def _region_values(trade: pd.DataFrame, region: str, year: int, level: str) -> pd.Series:
    matrix, regions, products = cx.export_matrix(trade, year, level=level, as_frame=True)
    if region not in regions:
        return pd.Series(dtype=float, index=pd.Index([], name="product"), name="value_usd")
    row = matrix.loc[region]
    return row[row > 0].rename("value_usd")


def product_labels(codes, names: pd.DataFrame | None, lang: str = "en") -> pd.Series:
    """Name of each product code in ``lang`` from a names table (indexed by code, with ``name_en``
    / ``name_ru`` or ``name``; e.g. :func:`exportlab.hs.names`), falling back to the other language
    and to the longest code it starts with (:func:`exportlab.classify.product_names`); None where
    nothing matches or ``names`` is None. Indexed by the codes as text.

    Example
    -------
    >>> n = pd.DataFrame({"name_en": ["Cars"], "name_ru": [None]}, index=pd.Index(["8703"]))
    >>> product_labels(["870323", "0101"], n, "ru").tolist()
    ['Cars', None]
    """
    from exportlab.classify import product_names

    check_lang(lang)
    codes = [str(c) for c in codes]
    out = pd.Series([None] * len(codes), index=pd.Index(codes, name="product"), dtype=object)
    if names is None or not codes:
        return out.rename("name")
    found = product_names(codes, names)
    other = "ru" if lang == "en" else "en"
    for col in (f"name_{lang}", "name", f"name_{other}"):
        if col in found.columns:
            out = out.fillna(pd.Series(found[col].to_numpy(), index=out.index, dtype=object))
    return out.where(out.notna(), None).rename("name")


def basket(
    trade: pd.DataFrame,
    region: str,
    year: int,
    *,
    level: str = "hs6",
    names: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """The export basket of ``region`` in ``year`` at product ``level`` (``hs2``/``hs4``/``hs6``).

    One row per product with positive export: ``section, section_name, chapter, chapter_name,
    product, name, value_usd, share`` (share of the region's export, in [0, 1]); sorted by section
    (nomenclature order), chapter and product. ``names``: product names indexed by code
    (:func:`exportlab.classify.read_product_names`); without them, or for codes they lack, ``name``
    is the chapter name for ``hs2`` and the code otherwise. An empty table when the region exports
    nothing that year.
    """
    check_lang(lang)
    values = _region_values(trade, region, year, level)
    out = pd.DataFrame({"product": values.index.astype(str), "value_usd": values.to_numpy(float)})
    out["chapter"] = out["product"].str.slice(0, 2)
    out["section"] = section_of(out["product"]).to_numpy()
    out["section_name"] = [section_name(s, lang) for s in out["section"]]
    out["chapter_name"] = [chapter_name(c, lang) for c in out["chapter"]]
    fallback = out["chapter_name"] if level == "hs2" else out["product"]
    labels = product_labels(out["product"], names, lang)
    out["name"] = labels.fillna(pd.Series(fallback.to_numpy(), index=labels.index)).to_numpy()
    total = out["value_usd"].sum()
    out["share"] = out["value_usd"] / total if total > 0 else np.nan
    rank = {s: i for i, s in enumerate(section_order())}
    out = out.assign(_o=out["section"].map(rank)).sort_values(["_o", "chapter", "product"])
    cols = ["section", "section_name", "chapter", "chapter_name", "product", "name"]
    return out[[*cols, "value_usd", "share"]].reset_index(drop=True)


def basket_change(
    trade: pd.DataFrame,
    region: str,
    base_year: int,
    year: int,
    *,
    by: str = "section",
    lang: str = "en",
) -> pd.DataFrame:
    """Change of a region's export basket from ``base_year`` to ``year`` by HS ``section`` or
    ``chapter``.

    Columns: ``key, name, value_base, value`` (US dollars), ``change_usd``, ``growth_pct``
    (``100 (value / value_base - 1)``, NaN for a group new in ``year``), ``share_base_pct``,
    ``share_pct``, ``share_change_pp`` and ``contribution_pct`` = ``100 change / total_base``
    (percentage points of the region's export growth; they sum to the total growth). Sorted by
    ``value`` then ``value_base``, descending.

    Example
    -------
    >>> t = pd.DataFrame({"year": [2020, 2020, 2021, 2021], "region": "A",
    ...                   "hs6": ["270900", "880240", "270900", "880240"], "flow": "export",
    ...                   "value_usd": [80.0, 20.0, 90.0, 60.0]})
    >>> c = basket_change(t, "A", 2020, 2021)
    >>> c[["key", "growth_pct", "contribution_pct"]].values.tolist()
    [['V', 12.5, 10.0], ['XVII', 200.0, 40.0]]
    """
    if by not in ("section", "chapter"):
        raise ValueError(f"by must be 'section' or 'chapter', got {by!r}")
    check_lang(lang)

    def grouped(y: int) -> pd.Series:
        v = _region_values(trade, region, y, "hs6")
        keys = section_of(v.index) if by == "section" else pd.Series(v.index.str.slice(0, 2))
        return pd.Series(v.to_numpy(float)).groupby(keys.to_numpy()).sum()

    a, b = grouped(base_year), grouped(year)
    keys = sorted(set(a.index) | set(b.index))
    out = pd.DataFrame(
        {
            "key": keys,
            "value_base": a.reindex(keys).fillna(0.0),
            "value": b.reindex(keys).fillna(0.0),
        }
    ).reset_index(drop=True)
    namer = section_name if by == "section" else chapter_name
    out.insert(1, "name", [namer(k, lang) for k in out["key"]])
    out["change_usd"] = out["value"] - out["value_base"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["growth_pct"] = np.where(
            out["value_base"] > 0, 100.0 * (out["value"] / out["value_base"] - 1.0), np.nan
        )
    ta, tb = out["value_base"].sum(), out["value"].sum()
    out["share_base_pct"] = 100.0 * out["value_base"] / ta if ta > 0 else np.nan
    out["share_pct"] = 100.0 * out["value"] / tb if tb > 0 else np.nan
    out["share_change_pp"] = out["share_pct"] - out["share_base_pct"]
    out["contribution_pct"] = 100.0 * out["change_usd"] / ta if ta > 0 else np.nan
    out = out.sort_values(["value", "value_base", "key"], ascending=[False, False, True])
    return out.reset_index(drop=True)
