"""Diversification of export: HHI, the Theil index and its margins, survival of new export lines.

All measures are computed per region and year from the export rows (``flow == "export"``,
``value_usd > 0``) of the canonical trade table. A *line* is a product (``hs6``) or a partner.

* Herfindahl–Hirschman index: ``HHI = Σ_k s_k²`` with ``s_k = x_k / Σ x`` (1 = one line only,
  1/n = n equal lines). Unitless, unchanged by the currency unit.
* Theil index over the ``n`` potential lines of a universe (Cadot, Carrère and Strauss-Kahn 2011,
  "Export diversification: what's behind the hump?", REStat 93(2)):
  ``T = (1/n) Σ_k (x_k/μ) ln(x_k/μ)``, ``μ = Σ x / n``, ``0·ln 0 = 0``. Splitting the lines into
  active (``n_a`` lines with ``x_k > 0``) and inactive ones gives ``T = T_between + T_within`` with
  ``T_between = ln(n / n_a)`` (extensive margin) and
  ``T_within = (1/n_a) Σ_{k active} (x_k/μ_a) ln(x_k/μ_a)``, ``μ_a = Σ x / n_a`` (intensive margin).
* Survival of new export lines: a line is *new* in year ``t`` when it is exported in ``t`` and was not
  exported in ``t-1``; its survival at horizon ``h`` is whether it is exported in every year
  ``t+1 … t+h`` (``continuous=True``) or in ``t+h`` (``continuous=False``).

Lines are compared across years by their ``hs6`` code, so the codes must be of one HS edition: use the
classified table of stage 02, whose ``hs6`` is converted to the profile's ``hs_edition``
(:func:`exportlab.hs.convert`); a renumbered product then neither dies nor is born at an edition change.

>>> import pandas as pd
>>> trade = pd.DataFrame({"year": [2020, 2020], "region": ["R1", "R1"], "hs6": ["010101", "020202"],
...                       "partner": ["CN", "CN"], "flow": ["export", "export"],
...                       "value_usd": [3.0, 1.0], "netto_kg": [None, None]})
>>> float(concentration(trade, by="hs6")["hhi"].iloc[0])  # 0.75² + 0.25²
0.625
>>> parts = theil(pd.Series([3.0, 1.0, 0.0, 0.0]))
>>> round(parts.between, 4), round(parts.total - parts.between - parts.within, 12)  # ln(4/2)
(0.6931, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.special import xlogy

from exportlab.labels import Label, check_lang, vocabulary
from exportlab.regions import region_names

#: Column labels (:class:`~exportlab.labels.Label`) of :func:`diversification_table`.
LABELS: dict[str, Label] = vocabulary("diversification.LABELS")


def _check_trade(trade: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in ("year", "region", "flow", "value_usd", *columns) if c not in trade]
    if missing:
        raise ValueError(f"trade table lacks column(s) {missing}")


def export_lines(trade: pd.DataFrame, by: str = "hs6", flow: str = "export") -> pd.Series:
    """Positive export value per (region, year, line), USD; ``by`` is ``"hs6"`` or ``"partner"``."""
    _check_trade(trade, [by])
    rows = trade[(trade["flow"] == flow) & (trade["value_usd"] > 0)]
    keys = [rows["region"].astype(str), rows["year"].astype(int), rows[by].astype(str)]
    out = rows["value_usd"].groupby(keys).sum()
    out.index.names = ["region", "year", by]
    return out


def _grid(trade: pd.DataFrame) -> pd.MultiIndex:
    """Every region × every year of the table, so that a region that stopped exporting still shows."""
    regions = sorted(trade["region"].astype(str).unique())
    years = sorted(trade["year"].astype(int).unique())
    return pd.MultiIndex.from_product([regions, years], names=["region", "year"])


def hhi(values: Sequence[float] | pd.Series | np.ndarray) -> float:
    """Herfindahl–Hirschman index ``Σ s_k²`` of non-negative values; NaN when their sum is 0.

    >>> hhi([1, 1, 1, 1])
    0.25
    """
    x = np.asarray(values, dtype=float)
    if (x < 0).any():
        raise ValueError("HHI needs non-negative values")
    total = x.sum()
    if total <= 0:
        return float("nan")
    return float(((x / total) ** 2).sum())


def concentration(trade: pd.DataFrame, by: str = "hs6", flow: str = "export") -> pd.DataFrame:
    """HHI and number of active lines per region and year (``by`` = ``"hs6"`` or ``"partner"``).

    Regions with no export in a year get ``n_active = 0`` and ``hhi = NaN``.
    """
    lines = export_lines(trade, by, flow)
    grouped = lines.groupby(level=["region", "year"])
    out = pd.DataFrame({"hhi": grouped.apply(hhi), "n_active": grouped.size()})
    out = out.reindex(_grid(trade))
    out["n_active"] = out["n_active"].fillna(0).astype(int)
    return out.reset_index()


class TheilParts(NamedTuple):
    """The Theil index and its between (extensive) and within (intensive) parts."""

    total: float
    between: float
    within: float
    n_active: int
    n_universe: int


def theil(
    values: Sequence[float] | pd.Series | np.ndarray, n_universe: int | None = None
) -> TheilParts:
    """Theil index of ``values`` over ``n_universe`` potential lines (default: ``len(values)``).

    Lines absent from ``values`` count as inactive (zero export). ``T = ln(n/n_a) + T_within``.

    >>> round(theil([2.0, 2.0], n_universe=4).total, 6)  # two equal lines of four: ln 2
    0.693147
    """
    x = np.asarray(values, dtype=float)
    if (x < 0).any():
        raise ValueError("Theil index needs non-negative values")
    n = len(x) if n_universe is None else int(n_universe)
    active = x[x > 0]
    n_a = len(active)
    if n < n_a:
        raise ValueError(f"universe of {n} lines is smaller than the {n_a} active lines")
    if n_a == 0:
        return TheilParts(float("nan"), float("nan"), float("nan"), 0, n)
    # With shares s_k = x_k / Σx: T = ln n + Σ s_k ln s_k and T_within = ln n_a + Σ s_k ln s_k.
    shares = active / active.sum()
    entropy_term = float(np.sum(xlogy(shares, shares)))
    t_within = max(math.log(n_a) + entropy_term, 0.0)
    t_between = math.log(n / n_a)
    return TheilParts(t_between + t_within, t_between, t_within, n_a, n)


def theil_decomposition(
    trade: pd.DataFrame,
    universe: int | Iterable[str] | None = None,
    by: str = "hs6",
    flow: str = "export",
) -> pd.DataFrame:
    """Theil index with its extensive and intensive parts per region and year.

    ``universe`` is the set (or the number) of potential lines; by default every ``by`` code exported
    by any region in any year of ``trade``. Columns: ``region, year, n_active, n_universe, theil,
    theil_between, theil_within``.
    """
    lines = export_lines(trade, by, flow)
    if universe is None:
        n_universe = int(lines.index.get_level_values(by).nunique())
    elif isinstance(universe, int):
        n_universe = universe
    else:
        codes = {str(c) for c in universe}
        outside = sorted(set(lines.index.get_level_values(by)) - codes)
        if outside:
            raise ValueError(
                f"{len(outside)} exported line(s) outside the universe, e.g. {outside[:5]}"
            )
        n_universe = len(codes)
    rows = []
    for (region, year), group in lines.groupby(level=["region", "year"]):
        parts = theil(group.to_numpy(), n_universe)
        rows.append((region, year, *parts))
    out = pd.DataFrame(
        rows,
        columns=[
            "region",
            "year",
            "theil",
            "theil_between",
            "theil_within",
            "n_active",
            "n_universe",
        ],
    ).set_index(["region", "year"])
    out = out.reindex(_grid(trade))
    out["n_active"] = out["n_active"].fillna(0).astype(int)
    out["n_universe"] = n_universe
    cols = ["n_active", "n_universe", "theil", "theil_between", "theil_within"]
    return out[cols].reset_index()


def survival(
    trade: pd.DataFrame,
    horizons: Sequence[int] = (1, 2, 3),
    by: str = "hs6",
    flow: str = "export",
    continuous: bool = True,
) -> pd.DataFrame:
    """New export lines per region and cohort year and the share still exported ``h`` years later.

    A line is new in ``t`` if exported in ``t`` and not in ``t-1``; the first year of the data has no
    cohort (NaN). ``survival_h`` is NaN when ``t+h`` is beyond the data or the cohort is empty.
    Columns: ``region, year, new_lines, survived_h…, survival_h…``.
    """
    if any(h < 1 for h in horizons):
        raise ValueError("horizons must be positive numbers of years")
    lines = export_lines(trade, by, flow)
    active = {
        key: set(group.index.get_level_values(by)) for key, group in lines.groupby(level=[0, 1])
    }
    grid = _grid(trade)
    years = sorted(set(grid.get_level_values("year")))
    first, last = years[0], years[-1]
    rows = []
    for region, year in grid:
        now = active.get((region, year), set())
        row: dict[str, object] = {"region": region, "year": year}
        if year == first or (year - 1) not in years:
            row["new_lines"] = np.nan
            for h in horizons:
                row[f"survived_{h}"] = np.nan
                row[f"survival_{h}"] = np.nan
            rows.append(row)
            continue
        new = now - active.get((region, year - 1), set())
        row["new_lines"] = len(new)
        for h in horizons:
            if year + h > last:
                row[f"survived_{h}"] = np.nan
                row[f"survival_{h}"] = np.nan
                continue
            alive = set(new)
            steps = range(1, h + 1) if continuous else (h,)
            for step in steps:
                alive &= active.get((region, year + step), set())
            row[f"survived_{h}"] = len(alive)
            row[f"survival_{h}"] = len(alive) / len(new) if new else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def diversification_table(
    trade: pd.DataFrame,
    universe: int | Iterable[str] | None = None,
    horizons: Sequence[int] = (1, 2, 3),
    continuous: bool = True,
) -> pd.DataFrame:
    """All measures per region and year: product and partner HHI, Theil parts, survival of new lines.

    Columns: ``region, year, n_products, product_hhi, n_partners, partner_hhi, n_universe, theil,
    theil_between, theil_within, new_lines, survival_h…`` (labels in :data:`LABELS`).
    """
    products = concentration(trade, "hs6").rename(
        columns={"hhi": "product_hhi", "n_active": "n_products"}
    )
    partners = concentration(trade, "partner").rename(
        columns={"hhi": "partner_hhi", "n_active": "n_partners"}
    )
    parts = theil_decomposition(trade, universe).drop(columns="n_active")
    surv = survival(trade, horizons, continuous=continuous)
    surv = surv[["region", "year", "new_lines", *[f"survival_{h}" for h in horizons]]]
    out = products.merge(partners, on=["region", "year"]).merge(parts, on=["region", "year"])
    out = out.merge(surv, on=["region", "year"])
    return out[
        ["region", "year", "n_products", "product_hhi", "n_partners", "partner_hhi", "n_universe"]
        + ["theil", "theil_between", "theil_within", "new_lines"]
        + [f"survival_{h}" for h in horizons]
    ]


#: Column labels (:class:`~exportlab.labels.Label`) of :func:`resource_structure_table`.
RESOURCE_HEADERS: dict[str, Label] = vocabulary("diversification.RESOURCE_HEADERS")


def resource_structure_table(shares: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Each region's export and its energy, raw and non-resource non-energy (NNE) shares, for readers.

    ``shares`` is :func:`exportlab.classify.resource_share` by region (``region`` a column or the
    index). Returns ``region`` (the region's name in ``lang``; missing for a code the active region
    reference does not know), ``total_usd`` (million USD) and ``energy_share``, ``raw_share``,
    ``nne_share`` (% of the region's export), the least NNE first; headers in :data:`RESOURCE_HEADERS`.

    >>> shares = pd.DataFrame({"region": ["RU-TA", "RU-MOW"], "total_usd": [4e6, 1e6],
    ...                        "energy_share": [0.5, 0.0], "raw_share": [0.25, 0.2],
    ...                        "nne_share": [0.25, 0.8]})
    >>> resource_structure_table(shares).values.tolist()
    [['Republic of Tatarstan', 4.0, 50.0, 25.0, 25.0], ['Moscow', 1.0, 0.0, 20.0, 80.0]]
    """
    check_lang(lang)
    frame = shares if "region" in shares.columns else shares.reset_index()
    out = frame[list(RESOURCE_HEADERS)].copy()
    out["region"] = out["region"].map(region_names(lang))
    out["total_usd"] = out["total_usd"] / 1e6
    for column in ("energy_share", "raw_share", "nne_share"):
        out[column] = out[column] * 100
    return out.sort_values("nne_share")
