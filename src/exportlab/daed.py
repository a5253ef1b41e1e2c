"""DAED — the diversification activity of export (ДАЭД) of a region, after the DAED paper.

The integral index of region ``r`` in year ``t`` is a weighted sum of four normalised components::

    DAED(r, t) = a1·n(K1) + a2·n(K2) + a3·n(K3) + a4·n(K4),     a1 + a2 + a3 + a4 = 1

* ``K1`` new-goods share: export of products the region did not export in the previous
  ``novelty_window`` years, over its total export (:func:`new_goods_share`);
* ``K2`` new-markets share: export to partners outside the region's traditional markets, over its
  total export (:func:`new_markets_share`);
* ``K3`` support of non-resource non-energy (NNE) export: average annual support over a period,
  scaled (:func:`support_intensity`);
* ``K4`` ISEU, the index of socio-economic conditions (:func:`iseu`);
* ``n(·)`` a normalisation across regions of one year (min–max or z-score, :func:`normalise`);
* ``a1..a4`` weights from experts' ranks (:func:`expert_weights`, with Kendall's W) or the shipped
  default weights (:func:`default_weights`, an assumption).

:func:`daed_table` assembles everything per region × year, with the resource specialisation
(:func:`resource_share`) the typology needs. Because every component is a ratio or is normalised
across regions, the index does not change when trade values or roubles are expressed in other units.
The ranking and monitoring charts are drawn by :mod:`exportlab.plot.daed`.

A component whose inputs are absent (no support or ISEU indicators in the indicator table, e.g. for a
country whose regional statistics were not supplied) is "no data": :func:`component_availability`
says which and why, and the index is computed over the available components with their weights
rescaled to sum 1 (:func:`effective_weights`): ``DAED = Σ_{i ∈ A} a_i·n(K_i) / Σ_{i ∈ A} a_i``.

>>> import pandas as pd
>>> comps = pd.DataFrame({"region": ["A", "B"], "year": [2021, 2021],
...                       "k1": [0.1, 0.3], "k2": [0.2, 0.0], "k3": [1.0, 3.0], "k4": [0.5, 0.5]})
>>> daed_index(comps, {"k1": 0.25, "k2": 0.25, "k3": 0.25, "k4": 0.25})["daed_index"].tolist()
[0.375, 0.625]
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from exportlab import classify
from exportlab.labels import Label, number, pick, t, vocabulary
from exportlab.schema import exports, require

COMPONENTS: tuple[str, ...] = ("k1", "k2", "k3", "k4")

#: English / Russian names of the components, for tables and figures.
COMPONENT_LABELS: dict[str, Label] = vocabulary("daed.COMPONENT_LABELS")

#: Column headers of the DAED table (``column -> Label``) for ``tables.write_table``.
HEADERS: dict[str, Label] = vocabulary("daed.HEADERS")

Normalisation = Literal["minmax", "zscore", "rank"]
SupportScale = Literal["per_nne_export", "per_capita", "absolute"]
SupportAverage = Literal["to_date", "year", "period"]
K3Fallback = Literal["per_total_export", "per_capita", "rescale"]
#: How K3 of year t averages support: years up to t, t alone, or the whole period (look-ahead).
SUPPORT_AVERAGES: tuple[str, ...] = ("to_date", "year", "period")
#: Rule for regions whose K3 scale has no denominator (no NNE export): another scale, or none.
K3_FALLBACKS: tuple[str, ...] = ("per_total_export", "per_capita", "rescale")

#: K4 (ISEU) default composition: indicator -> (direction, weight). Direction +1: more is better;
#: -1: less is better (unemployment). An assumption of this project, to be replaced by the user's.
ISEU_DEFAULT: dict[str, tuple[int, float]] = {
    "grp_per_capita_rub": (+1, 0.30),
    "unemployment_pct": (-1, 0.20),
    "investment_per_capita_rub": (+1, 0.25),
    "rnd_spending_rub": (+1, 0.25),
}
#: Indicators of :data:`ISEU_DEFAULT` that are totals and are divided by ``population`` first.
ISEU_PER_CAPITA: tuple[str, ...] = ("rnd_spending_rub",)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _complete_years(years: Iterable[int], window: int) -> set[int]:
    """Years ``t`` of ``years`` whose previous ``window`` years ``t-window..t-1`` are all in ``years``."""
    have = {int(y) for y in years}
    return {y for y in have if all((y - k) in have for k in range(1, window + 1))}


def _novelty_share(
    trade: pd.DataFrame, key: str, novelty_window: int, years: Iterable[int] | None, out: str
) -> pd.DataFrame:
    """Share of export in lines (``key``) not exported in the previous ``novelty_window`` years."""
    if novelty_window < 1:
        raise ValueError(f"novelty_window must be at least 1, got {novelty_window}")
    df = exports(trade, [key], select=True)
    lines = df.groupby(["region", key, "year"], as_index=False)["value_usd"].sum()
    lines = lines.sort_values(["region", key, "year"])
    previous = lines.groupby(["region", key])["year"].shift(1)
    lines["new"] = previous.isna() | ((lines["year"] - previous) > novelty_window)
    lines["new_value"] = lines["value_usd"].where(lines["new"], 0.0)
    res = lines.groupby(["region", "year"], as_index=False)[["new_value", "value_usd"]].sum()
    res = res.rename(columns={"new_value": f"new_{out}_usd", "value_usd": "total_export_usd"})
    observed = df["year"].unique() if years is None else years
    complete = _complete_years(observed, novelty_window)
    res["history_complete"] = res["year"].isin(complete)
    share = res[f"new_{out}_usd"] / res["total_export_usd"]
    res[out] = share.where(res["history_complete"])
    return res.sort_values(["region", "year"], ignore_index=True)


# --------------------------------------------------------------------------------------------
# K1, K2
# --------------------------------------------------------------------------------------------


def new_goods_share(
    trade: pd.DataFrame,
    novelty_window: int = 3,
    *,
    digits: int = 6,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """K1: export of new products over total export, per region and year.

    ``K1(r, t) = Σ_p X(r, p, t)·[X(r, p, s) = 0 for s = t-w..t-1] / Σ_p X(r, p, t)``, where ``X`` is
    export in USD, ``p`` a product at ``digits`` digits of HS (6 by default) and ``w`` the
    ``novelty_window``. A year whose ``w`` previous years are not all in the data (``years``, by
    default the years present in ``trade``) has no history: its ``k1`` is NaN and
    ``history_complete`` is False — never zero.

    Returns ``region, year, new_goods_usd, total_export_usd, history_complete, k1``.

    >>> import pandas as pd
    >>> tr = pd.DataFrame({"year": [2019, 2020, 2020], "region": "A", "hs6": ["010101", "010101", "020202"],
    ...                    "partner": "CN", "flow": "export", "value_usd": [5.0, 6.0, 2.0]})
    >>> new_goods_share(tr, novelty_window=1)["k1"].tolist()
    [nan, 0.25]
    """
    if not 1 <= digits <= 6:
        raise ValueError(f"digits must be between 1 and 6, got {digits}")
    df = exports(trade, ["hs6"], select=True)
    df["product"] = df["hs6"].astype(str).str[:digits]
    return _novelty_share(df, "product", novelty_window, years, "k1").rename(
        columns={"new_k1_usd": "new_goods_usd"}
    )


def _traditional_partners(values: pd.Series, share: float) -> set[str]:
    """The smallest set of top partners (by value, ties by code) reaching ``share`` of export."""
    ordered = values.groupby(level=0).sum()
    ordered = ordered[ordered > 0]
    frame = ordered.rename("v").reset_index().sort_values(["v", "partner"], ascending=[False, True])
    before = frame["v"].cumsum().shift(1, fill_value=0.0) / frame["v"].sum()
    return set(frame.loc[before < share - 1e-12, "partner"])


def new_markets_share(
    trade: pd.DataFrame,
    novelty_window: int = 3,
    rule: Literal["window", "traditional"] = "window",
    traditional_share: float = 0.8,
    base_period: tuple[int, int] | None = None,
    *,
    years: Iterable[int] | None = None,
    exclude_partners: Iterable[str] | None = None,
) -> pd.DataFrame:
    """K2: export to new (non-traditional) partner markets over total export, per region and year.

    ``K2(r, t) = Σ_c X(r, c, t)·[c ∉ T(r, t)] / Σ_c X(r, c, t)`` with ``c`` a partner country and
    ``T(r, t)`` the region's traditional markets:

    * ``rule="window"``: partners served in any of the previous ``novelty_window`` years; a year
      without that history is NaN with ``history_complete`` False (as in :func:`new_goods_share`);
    * ``rule="traditional"``: the smallest set of largest partners that made up
      ``traditional_share`` of the region's export over ``base_period`` (inclusive years; default:
      the first ``novelty_window`` years of the data). Years up to the end of the base period are
      NaN with ``history_complete`` False.

    Partners in ``exclude_partners`` (default: ``schema.SPECIAL_PARTNERS``, i.e. unknown or
    confidential) count in total export but never as a new market.

    Returns ``region, year, new_markets_usd, total_export_usd, history_complete, k2``.

    >>> import pandas as pd
    >>> tr = pd.DataFrame({"year": [2019, 2020, 2020], "region": "A", "hs6": "010101",
    ...                    "partner": ["CN", "CN", "IN"], "flow": "export", "value_usd": [5.0, 3.0, 1.0]})
    >>> new_markets_share(tr, novelty_window=1)["k2"].tolist()
    [nan, 0.25]
    """
    if exclude_partners is None:
        from exportlab.schema import SPECIAL_PARTNERS

        exclude_partners = tuple(SPECIAL_PARTNERS)
    excluded = {str(p) for p in exclude_partners}
    if rule == "window":
        df = exports(trade, ["partner"], select=True)
        df["partner"] = df["partner"].astype(str)
        res = _novelty_share(df, "partner", novelty_window, years, "k2")
        if excluded:
            # recompute the numerator without the excluded partners
            kept = df[~df["partner"].isin(excluded)]
            part = _novelty_share(kept, "partner", novelty_window, years, "k2")
            res = res.drop(columns=["new_k2_usd"]).merge(
                part[["region", "year", "new_k2_usd"]], on=["region", "year"], how="left"
            )
            res["new_k2_usd"] = res["new_k2_usd"].fillna(0.0)
            res["k2"] = (res["new_k2_usd"] / res["total_export_usd"]).where(res["history_complete"])
        res = res.rename(columns={"new_k2_usd": "new_markets_usd"})
        return res[
            ["region", "year", "new_markets_usd", "total_export_usd", "history_complete", "k2"]
        ]
    if rule != "traditional":
        raise ValueError(f"rule must be 'window' or 'traditional', got {rule!r}")
    if not 0 < traditional_share <= 1:
        raise ValueError(f"traditional_share must be in (0, 1], got {traditional_share}")
    df = exports(trade, ["partner"], select=True)
    df["partner"] = df["partner"].astype(str)
    observed = sorted(df["year"].unique() if years is None else {int(y) for y in years})
    if base_period is None:
        if not observed:
            raise ValueError("trade table has no export rows")
        base_period = (observed[0], observed[0] + novelty_window - 1)
    start, end = (int(base_period[0]), int(base_period[1]))
    if start > end:
        raise ValueError(f"base_period must be (first, last) year, got {base_period}")
    base = df[df["year"].between(start, end) & ~df["partner"].isin(excluded)]
    base_values = base.groupby(["region", "partner"])["value_usd"].sum()
    traditional = {
        region: _traditional_partners(values.droplevel("region"), traditional_share)
        for region, values in base_values.groupby(level="region")
    }
    keys = pd.Series(list(zip(df["region"], df["partner"], strict=True)), index=df.index)
    is_traditional = keys.map(lambda k: k[1] in traditional.get(k[0], set()))
    df["new_value"] = df["value_usd"].where(~is_traditional & ~df["partner"].isin(excluded), 0.0)
    res = df.groupby(["region", "year"], as_index=False)[["new_value", "value_usd"]].sum()
    res = res.rename(columns={"new_value": "new_markets_usd", "value_usd": "total_export_usd"})
    res["history_complete"] = res["year"] > end
    res["k2"] = (res["new_markets_usd"] / res["total_export_usd"]).where(res["history_complete"])
    return res.sort_values(["region", "year"], ignore_index=True)


# --------------------------------------------------------------------------------------------
# K3, K4
# --------------------------------------------------------------------------------------------


def _indicator(indicators: pd.DataFrame, name: str) -> pd.DataFrame:
    require(indicators, ("region", "year", "indicator", "value"), "indicator table")
    df = indicators.loc[indicators["indicator"] == name, ["region", "year", "value"]].copy()
    df["region"] = df["region"].astype(str)
    df["year"] = df["year"].astype("int64")
    return df.groupby(["region", "year"], as_index=False)["value"].sum()


def nne_export(trade: pd.DataFrame) -> pd.DataFrame:
    """Non-resource non-energy (``resource == "nne"``) export in USD per region and year."""
    df = exports(trade, ["resource"], select=True)
    df = df[df["resource"] == "nne"]
    return df.groupby(["region", "year"], as_index=False)["value_usd"].sum()


def _support_years(
    target: int, have: list[int], period: tuple[int, int], average: SupportAverage
) -> list[int]:
    """Years of support data that K3 of year ``target`` averages (never later ones but for
    ``average="period"``)."""
    first, last = period
    inside = [y for y in have if first <= y <= last]
    if average == "period":
        return inside
    if average == "to_date":
        return [y for y in inside if y <= target]
    return [y for y in inside if y == target]


def _denominator(
    kind: str, indicators: pd.DataFrame, trade: pd.DataFrame | None, regions: Iterable[str]
) -> pd.DataFrame:
    """Long ``region, year, value`` of a K3 denominator: NNE or total export (USD), population."""
    if kind == "per_capita":
        denom = _indicator(indicators, "population")
        if denom.empty:
            raise ValueError("indicator table has no 'population' rows (needed for per_capita)")
        return denom
    if trade is None:
        raise ValueError(f"scale={kind!r} needs the classified trade table")
    if kind == "per_nne_export":
        values = nne_export(trade)
    else:
        values = exports(trade).groupby(["region", "year"], as_index=False)["value_usd"].sum()
    # a region absent in a year the trade data covers had zero such export that year
    grid = pd.MultiIndex.from_product(
        [sorted(set(regions)), sorted(exports(trade)["year"].unique())], names=["region", "year"]
    )
    return (
        values.set_index(["region", "year"])["value_usd"]
        .reindex(grid, fill_value=0.0)
        .rename("value")
        .reset_index()
    )


def _mean_over(df: pd.DataFrame, years: list[int]) -> pd.Series:
    """Mean of ``value`` per region over ``years`` (the years each region has)."""
    return df[df["year"].isin(years)].groupby("region")["value"].mean()


def support_intensity(
    indicators: pd.DataFrame,
    trade: pd.DataFrame | None = None,
    scale: SupportScale = "per_nne_export",
    period: tuple[int, int] | None = None,
    *,
    average: SupportAverage = "to_date",
    years: Iterable[int] | None = None,
    fallback: K3Fallback = "rescale",
    indicator: str = "nne_support_rub",
) -> pd.DataFrame:
    """K3: support of NNE export, averaged over the support years of each index year, scaled.

    For index year ``t`` the support years are ``P(t)``, inside ``period`` (default: the years
    of the support indicator in the data):

    * ``average="to_date"`` (default): the period's years up to ``t``, never later ones;
    * ``average="year"``: ``t`` alone;
    * ``average="period"``: every year of the period, for every ``t`` — the paper's "average
      annual amount over 2019–2024" (the DAED paper); an index for an early year then uses support
      of later years (look-ahead), which the report must say.

    ``S̄(r, t) = mean_{s ∈ P(t)} S(r, s)`` (RUB a year). Scales:

    * ``"absolute"``: ``K3 = S̄`` (RUB a year);
    * ``"per_capita"``: ``K3 = S̄ / mean population over P(t)`` (RUB per person);
    * ``"per_nne_export"``: ``K3 = S̄ / mean annual NNE export over P(t)`` (RUB per USD of
      non-resource non-energy export).

    A region whose scale has a zero or missing denominator (no NNE export at all, e.g. an oil
    region) gets the ``fallback`` rule: ``"per_total_export"`` (RUB per USD of total export),
    ``"per_capita"``, or ``"rescale"`` (K3 stays NaN and the index of that region uses its other
    components with weights rescaled, :func:`daed_index`). A year with no support year in
    ``P(t)`` has no K3. Returns ``region, year, support_rub, k3, k3_basis`` (the scale each
    value was computed with; empty where K3 is NaN).

    >>> import pandas as pd
    >>> ind = pd.DataFrame({"region": "A", "year": [2019, 2020], "indicator": "nne_support_rub",
    ...                     "value": [10.0, 30.0]})
    >>> support_intensity(ind, scale="absolute")["k3"].tolist()  # 2019: 10; 2020: (10 + 30) / 2
    [10.0, 20.0]
    >>> support_intensity(ind, scale="absolute", average="period")["k3"].tolist()
    [20.0, 20.0]
    """
    scales = ("per_nne_export", "per_capita", "absolute")
    if scale not in scales:
        raise ValueError(
            f"scale must be 'per_nne_export', 'per_capita' or 'absolute', got {scale!r}"
        )
    if average not in SUPPORT_AVERAGES:
        raise ValueError(f"average must be one of {SUPPORT_AVERAGES}, got {average!r}")
    if fallback not in K3_FALLBACKS:
        raise ValueError(f"k3 fallback must be one of {K3_FALLBACKS}, got {fallback!r}")
    support = _indicator(indicators, indicator)
    if support.empty:
        raise ValueError(f"indicator table has no {indicator!r} rows (needed for K3)")
    have = sorted(int(y) for y in support["year"].unique())
    if period is None:
        period = (have[0], have[-1])
    first, last = (int(period[0]), int(period[1]))
    if first > last:
        raise ValueError(f"support_period must be [first, last] year, got {list(period)}")
    if years is None:
        years = set(have) | (set(exports(trade)["year"].unique()) if trade is not None else set())
    regions = sorted(support["region"].unique())
    kinds = [scale] + ([fallback] if fallback not in ("rescale", scale) else [])
    denoms = {k: _denominator(k, indicators, trade, regions) for k in kinds if k != "absolute"}
    parts = []
    for year in sorted({int(y) for y in years}):
        used = _support_years(year, have, (first, last), average)
        res = pd.DataFrame({"region": regions, "year": year})
        res["support_rub"] = res["region"].map(_mean_over(support, used)) if used else np.nan
        res["k3"] = np.nan
        res["k3_basis"] = ""
        for kind in kinds:
            if kind == "absolute":
                value = res["support_rub"]
            else:
                d = res["region"].map(_mean_over(denoms[kind], used)) if used else np.nan
                d = pd.Series(d, index=res.index, dtype="float64")
                value = res["support_rub"] / d.where(d > 0)
            fill = res["k3"].isna() & value.notna()
            res.loc[fill, "k3"] = value[fill]
            res.loc[fill, "k3_basis"] = kind
        parts.append(res)
    out = pd.concat(parts, ignore_index=True).sort_values(["region", "year"], ignore_index=True)
    out.attrs["support_period"] = (first, last)
    return out


def support_note(
    average: SupportAverage = "to_date",
    period: tuple[int, int] | None = None,
    lang: str = "en",
    *,
    table: pd.DataFrame | None = None,
) -> str:
    """One sentence on the years of support K3 uses: no look-ahead, or the period average; with
    the DAED ``table``, the index years without any K3 (before the support data start) are named.

    >>> support_note("to_date", (2019, 2024))
    'K3: support of the years 2019–2024 up to the index year (an index never uses later support).'
    """
    span = f"{period[0]}–{period[1]}" if period is not None else t("of the data", "данных", lang)
    return _support_note(average, span, lang) + _years_without_k3(table, lang)


def _years_without_k3(table: pd.DataFrame | None, lang: str) -> str:
    if table is None or "k3" not in table:
        return ""
    indexed = table[table["daed_index"].notna()]
    if indexed.empty or indexed["k3"].isna().all():
        return ""
    by_year = indexed.groupby("year")["k3"].apply(lambda s: s.isna().all())
    years = [int(y) for y, none in by_year.items() if none]
    if not years:
        return ""
    listed = ", ".join(map(str, years))
    return " " + t(
        f"K3 has no support year for {listed} (support data start later): the index of "
        f"{listed} uses the other components, weights rescaled — compare its level with later "
        "years with care.",
        f"Для {listed} г. нет лет поддержки (данные о поддержке начинаются позже): индекс "
        f"{listed} г. рассчитан по остальным компонентам, веса пересчитаны — сравнивайте его "
        "уровень с последующими годами осторожно.",
        lang,
    )


def _support_note(average: str, span: str, lang: str) -> str:
    if average == "period":
        return t(
            f"K3: average annual support over {span} for every year — an index of an earlier year "
            "uses support of later years (period average, as in the source paper).",
            f"K3: среднегодовая поддержка за {span} для каждого года — индекс более раннего года "
            "использует поддержку последующих лет (среднее за период, как в исходной статье).",
            lang,
        )
    if average == "year":
        return t(
            f"K3: support of the index year itself (years {span}); no later support is used.",
            f"K3: поддержка самого года индекса (годы {span}); поддержка последующих лет "
            "не используется.",
            lang,
        )
    return t(
        f"K3: support of the years {span} up to the index year (an index never uses later support).",
        f"K3: поддержка за годы {span} до года индекса включительно (поддержка последующих лет "
        "не используется).",
        lang,
    )


def normalise(values: pd.Series, method: Normalisation = "minmax", direction: int = 1) -> pd.Series:
    """Normalise ``values`` across regions.

    * ``"minmax"``: ``(x - min) / (max - min)`` in [0, 1]; for ``direction=-1``
      ``(max - x) / (max - min)``;
    * ``"zscore"``: ``(x - mean) / sd`` (population sd, ``ddof=0``), times ``direction``;
    * ``"rank"``: ``(rank(x) - 1) / (n - 1)`` in [0, 1] with mid-ranks for ties — robust to the
      skew of ratios such as K3, where one outlier squeezes everyone else to ≈0 under min–max.

    Missing values stay missing. When all values are equal the result is the centre of the scale
    (0.5 for min–max, 0 for z-score).

    >>> import pandas as pd
    >>> normalise(pd.Series([1.0, 2.0, 5.0])).tolist()
    [0.0, 0.25, 1.0]
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction}")
    x = values.astype("float64") * direction
    if method == "minmax":
        lo, hi = x.min(), x.max()
        if not np.isfinite(hi - lo) or hi - lo <= 1e-12 * max(abs(hi), abs(lo), 1.0):
            return x.where(x.isna(), 0.5)
        return (x - lo) / (hi - lo)
    if method == "zscore":
        sd = x.std(ddof=0)
        if not np.isfinite(sd) or sd <= 1e-12 * max(abs(x.mean()), 1.0):
            return x.where(x.isna(), 0.0)
        return (x - x.mean()) / sd
    if method == "rank":
        n = x.notna().sum()
        if n <= 1:
            return x.where(x.isna(), 0.5)
        return (x.rank(method="average") - 1) / (n - 1)
    raise ValueError(f"normalisation must be 'minmax', 'zscore' or 'rank', got {method!r}")


def iseu(
    indicators: pd.DataFrame,
    spec: Mapping[str, tuple[int, float]] | None = None,
    *,
    per_capita: Iterable[str] = ISEU_PER_CAPITA,
    normalisation: Normalisation = "minmax",
    years: Iterable[int] | None = None,
    carry_forward: bool = True,
) -> pd.DataFrame:
    """K4: ISEU, the index of socio-economic conditions, per region and year.

    ``ISEU(r, t) = Σ_j w_j · n_j(x_j(r, t)) / Σ_j w_j`` where ``spec`` gives, per indicator ``j``,
    ``(direction, weight)`` and ``n_j`` is :func:`normalise` across the regions of year ``t`` with that
    direction (unemployment: −1). Indicators in ``per_capita`` are divided by ``population`` first.
    With ``carry_forward`` a region's latest earlier value fills a year the indicator table does not
    cover yet (official statistics lag trade data). A region lacking any indicator gets NaN.
    Default ``spec``: :data:`ISEU_DEFAULT` (an assumption). Returns ``region, year, k4``.

    >>> import pandas as pd
    >>> ind = pd.DataFrame({"region": ["A", "B", "A", "B"], "year": 2021,
    ...     "indicator": ["grp_per_capita_rub"] * 2 + ["unemployment_pct"] * 2, "value": [1.0, 3.0, 5.0, 4.0]})
    >>> iseu(ind, {"grp_per_capita_rub": (1, 1.0), "unemployment_pct": (-1, 1.0)})["k4"].tolist()
    [0.0, 1.0]
    """
    spec = dict(ISEU_DEFAULT if spec is None else spec)
    if not spec:
        raise ValueError("ISEU spec is empty")
    for name, (direction, weight) in spec.items():
        if direction not in (1, -1) or not weight >= 0:
            raise ValueError(f"ISEU spec for {name!r} must be (+1|-1, weight >= 0)")
    total_weight = sum(w for _, w in spec.values())
    if total_weight <= 0:
        raise ValueError("ISEU weights sum to zero")
    per_capita = set(per_capita)
    needed = set(spec) | ({"population"} if per_capita & set(spec) else set())
    df = indicators[indicators["indicator"].isin(needed)].copy()
    absent = sorted(needed - set(df["indicator"].unique()))
    if absent:
        raise ValueError(f"indicator table has no rows for {absent} (needed for ISEU)")
    df["region"] = df["region"].astype(str)
    df["year"] = df["year"].astype("int64")
    wide = df.pivot_table(index=["region", "year"], columns="indicator", values="value")
    regions = sorted(wide.index.get_level_values("region").unique())
    wanted = set() if years is None else {int(y) for y in years}
    all_years = sorted(set(wide.index.get_level_values("year")) | wanted)
    wide = wide.reindex(pd.MultiIndex.from_product([regions, all_years], names=["region", "year"]))
    if carry_forward:
        wide = wide.groupby(level="region").ffill()
    for name in per_capita & set(spec):
        wide[name] = wide[name] / wide["population"].where(wide["population"] > 0)
    parts = []
    for name, (direction, weight) in spec.items():
        normed = (
            wide[name]
            .groupby(level="year", group_keys=False)
            .apply(lambda s, d=direction: normalise(s, normalisation, d))
        )
        parts.append(normed * (weight / total_weight))
    k4 = pd.concat(parts, axis=1).sum(axis=1, min_count=len(parts))
    k4[pd.concat(parts, axis=1).isna().any(axis=1)] = np.nan
    res = k4.rename("k4").reset_index()
    if years is not None:
        res = res[res["year"].isin(wanted)]
    return res.sort_values(["region", "year"], ignore_index=True)


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertWeights:
    """Component weights from experts' ranks, with Kendall's coefficient of concordance.

    ``weights``: component -> weight (sum 1); ``mean_rank``: component -> mean rank;
    ``kendall_w`` in [0, 1]; ``chi2 = m(n-1)W`` with ``df = n-1`` degrees of freedom and its
    ``p_value`` (the chi-square approximation); ``p_exact`` the exact or permutation p-value
    (``p_method``, :func:`kendall_w_pvalue`); ``agree``: ``p_exact < alpha`` (the chi-square is
    conservative for few experts); ``n_experts`` = m, ``n_components`` = n.
    """

    weights: pd.Series
    mean_rank: pd.Series
    kendall_w: float
    chi2: float
    df: int
    p_value: float
    agree: bool
    n_experts: int
    n_components: int
    alpha: float = 0.05
    p_exact: float = float("nan")
    p_method: str = ""
    ranks: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Component, mean rank and weight as a table with headers in ``lang``."""
        df = pd.DataFrame(
            {
                t("Component", "Компонента", lang): [
                    pick(COMPONENT_LABELS[c], lang) if c in COMPONENT_LABELS else c
                    for c in self.weights.index
                ],
                t("Mean rank", "Средний ранг", lang): self.mean_rank.to_numpy(),
                t("Weight", "Вес", lang): self.weights.to_numpy(),
            }
        )
        return df

    def summary(self, lang: str = "en") -> str:
        """One line: Kendall's W, the chi-square and the exact (or permutation) p-values and
        whether the experts agree."""
        verdict = (
            t("experts agree", "мнения экспертов согласованы", lang)
            if self.agree
            else t(
                "experts do NOT agree — weights are unreliable",
                "мнения экспертов НЕ согласованы — веса ненадёжны",
                lang,
            )
        )
        how = {
            "exact": t("exact", "точное", lang),
            "permutation": t("permutation", "перестановочное", lang),
        }.get(self.p_method, self.p_method)
        return (
            f"Kendall W = {number(self.kendall_w, '.3f', lang)}, χ²({self.df}) = "
            f"{number(self.chi2, '.2f', lang)}, p(χ²) = {number(self.p_value, '.4f', lang)}, "
            f"p ({how}) = {number(self.p_exact, '.4f', lang)} ({self.n_experts} "
            f"{t('experts', 'экспертов', lang)}): {verdict}"
        )


def kendall_w(ranks: pd.DataFrame) -> tuple[float, float, int, float]:
    """Kendall's W of a rank matrix (rows: experts, columns: objects), with the tie correction.

    ``W = 12 S / (m²(n³ - n) - m Σ_j T_j)``, ``S = Σ_i (R_i - R̄)²``, ``R_i`` the rank sum of object
    ``i``, ``T_j = Σ (t³ - t)`` over the groups of ``t`` tied ranks of expert ``j``;
    ``χ² = m (n - 1) W`` with ``n - 1`` degrees of freedom. Returns ``(W, chi2, df, p_value)``.

    >>> import pandas as pd
    >>> kendall_w(pd.DataFrame([[1, 2, 3], [1, 2, 3]]))[0]
    1.0
    """
    r = np.asarray(ranks, dtype="float64")
    m, n = r.shape
    if m < 2 or n < 2:
        raise ValueError(f"Kendall's W needs at least 2 experts and 2 objects, got {m} × {n}")
    sums = r.sum(axis=0)
    s = float(((sums - sums.mean()) ** 2).sum())
    ties = 0.0
    for row in r:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    denom = m**2 * (n**3 - n) - m * ties
    w = 12.0 * s / denom if denom > 0 else float("nan")
    chi2 = m * (n - 1) * w
    dof = n - 1
    return w, chi2, dof, float(stats.chi2.sf(chi2, dof))


def kendall_w_pvalue(
    ranks: pd.DataFrame,
    *,
    n_perm: int = 20_000,
    random_state: int = 0,
    max_work: int = 3_000_000,
) -> tuple[float, str]:
    """P-value of Kendall's W without the chi-square approximation: ``(p, "exact")`` or
    ``(p, "permutation")``.

    Under the null hypothesis each expert's ranking is a random permutation of his own ranks
    (ties kept). ``p = P(S ≥ S_obs)`` with ``S = Σ_i (R_i - R̄)²`` (the tie correction of W is
    constant under these permutations). The exact distribution is built by convolving the experts
    one at a time over the sorted vectors of rank sums (S does not depend on the order of the
    objects) while that takes at most ``max_work`` steps; otherwise ``n_perm`` random permutations
    with a fixed ``random_state`` give ``p = (1 + #{S_b ≥ S_obs}) / (1 + n_perm)``.
    The chi-square approximation of :func:`kendall_w` is conservative for few experts.

    >>> import pandas as pd
    >>> p, how = kendall_w_pvalue(pd.DataFrame([[1, 2, 3, 4]] * 3))  # 24 of 24³ orderings agree
    >>> round(p, 5), how
    (0.00174, 'exact')
    """
    from collections import Counter
    from itertools import permutations
    from math import factorial

    r = np.asarray(ranks, dtype="float64")
    m, n = r.shape
    if m < 2 or n < 2:
        raise ValueError(f"Kendall's W needs at least 2 experts and 2 objects, got {m} × {n}")
    doubled = np.rint(2 * r).astype("int64")  # mid-ranks are halves: integers after doubling
    sums = doubled.sum(axis=0)
    s_obs = int(((n * sums - sums.sum()) ** 2).sum())  # n² · 4 · S, an integer

    def stat(vec: np.ndarray) -> int:
        return int(((n * vec - vec.sum()) ** 2).sum())

    if factorial(n) <= max_work:
        states: dict[tuple[int, ...], float] = {tuple([0] * n): 1.0}
        exact = True
        for row in doubled:
            perms = Counter(permutations(row.tolist()))
            total = sum(perms.values())
            if len(states) * len(perms) > max_work:
                exact = False
                break
            new: dict[tuple[int, ...], float] = {}
            for state, prob in states.items():
                for perm, count in perms.items():
                    key = tuple(sorted(a + b for a, b in zip(state, perm, strict=True)))
                    new[key] = new.get(key, 0.0) + prob * count / total
            states = new
        if exact:
            p = sum(prob for state, prob in states.items() if stat(np.array(state)) >= s_obs)
            return float(min(1.0, p)), "exact"
    rng = np.random.default_rng(random_state)
    draws = rng.permuted(np.broadcast_to(doubled, (n_perm, m, n)).copy(), axis=2)
    boot = draws.sum(axis=1)
    s_boot = ((n * boot - boot.sum(axis=1, keepdims=True)) ** 2).sum(axis=1)
    return float((1 + int((s_boot >= s_obs).sum())) / (1 + n_perm)), "permutation"


def expert_weights(
    experts: pd.DataFrame,
    components: Iterable[str] = COMPONENTS,
    *,
    alpha: float = 0.05,
    warn: bool = True,
) -> ExpertWeights:
    """Weights of the components from experts' ranks (or scores), with Kendall's W.

    ``experts`` has columns ``expert, component`` and either ``rank`` (1 = most important) or
    ``score`` (higher = more important; turned into ranks). Each expert's ranks are re-ranked with
    mid-ranks for ties. The weight of component ``i`` is its normalised mean rank score::

        s_i = n + 1 - mean_j rank_ij,     a_i = s_i / Σ_k s_k

    (one expert ranking 1, 2, 3, 4 gives 0.4, 0.3, 0.2, 0.1). Concordance: :func:`kendall_w` with
    the chi-square p-value and :func:`kendall_w_pvalue` with the exact (or permutation) one; when
    the exact ``p ≥ alpha`` the experts do not agree and a ``UserWarning`` says so.

    >>> import pandas as pd
    >>> ex = pd.DataFrame({"expert": list("aaaabbbbcccc"), "component": ["k1", "k2", "k3", "k4"] * 3,
    ...                    "rank": [1, 2, 3, 4] * 3})
    >>> w = expert_weights(ex)  # three experts in full agreement: W = 1
    >>> w.weights.round(2).tolist(), round(w.p_value, 3), round(w.p_exact, 4), w.p_method
    ([0.4, 0.3, 0.2, 0.1], 0.029, 0.0017, 'exact')
    """
    components = list(components)
    for col in ("expert", "component"):
        if col not in experts.columns:
            raise ValueError(
                f"experts table lacks column {col!r}; expected expert, component, rank"
            )
    if "rank" in experts.columns:
        value, ascending = "rank", True
    elif "score" in experts.columns:
        value, ascending = "score", False
    else:
        raise ValueError("experts table needs a 'rank' or a 'score' column")
    df = experts[["expert", "component", value]].copy()
    df["expert"] = df["expert"].astype(str)
    df["component"] = df["component"].astype(str).str.strip().str.lower()
    unknown = sorted(set(df["component"]) - set(components))
    if unknown:
        raise ValueError(f"experts table has unknown component(s) {unknown}; expected {components}")
    if df[value].isna().any():
        raise ValueError(f"experts table has missing {value}s")
    dup = df[df.duplicated(["expert", "component"])]
    if not dup.empty:
        raise ValueError(
            f"expert {dup['expert'].iloc[0]!r} rates {dup['component'].iloc[0]!r} more than once"
        )
    wide = df.pivot(index="expert", columns="component", values=value)
    wide = wide.reindex(columns=components)
    incomplete = wide[wide.isna().any(axis=1)]
    if not incomplete.empty:
        who = incomplete.index[0]
        lacking = [c for c in components if pd.isna(incomplete.loc[who, c])]
        raise ValueError(f"expert {who!r} does not rate component(s) {lacking}")
    ranks = wide.astype("float64").rank(axis=1, method="average", ascending=ascending)
    m, n = ranks.shape
    mean_rank = ranks.mean(axis=0)
    score = n + 1 - mean_rank
    weights = (score / score.sum()).rename("weight")
    if m >= 2:
        w, chi2, dof, p = kendall_w(ranks)
        p_exact, p_method = kendall_w_pvalue(ranks)
    else:
        w, chi2, dof, p = float("nan"), float("nan"), n - 1, float("nan")
        p_exact, p_method = float("nan"), ""
    agree = bool(p_exact < alpha) if np.isfinite(p_exact) else False
    if warn and not agree:
        why = (
            "only one expert: concordance cannot be tested"
            if m < 2
            else f"Kendall's W = {w:.3f}, chi2({dof}) = {chi2:.2f}, p(chi2) = {p:.3f}, "
            f"p ({p_method}) = {p_exact:.4f} >= {alpha}"
        )
        warnings.warn(
            f"The experts do not agree on the DAED weights ({why}); "
            "treat the weights as unreliable.",
            UserWarning,
            stacklevel=2,
        )
    return ExpertWeights(
        weights=weights,
        mean_rank=mean_rank.rename("mean_rank"),
        kendall_w=float(w),
        chi2=float(chi2),
        df=int(dof),
        p_value=float(p),
        agree=agree,
        n_experts=int(m),
        n_components=int(n),
        alpha=alpha,
        p_exact=float(p_exact),
        p_method=p_method,
        ranks=ranks,
    )


def default_weights() -> pd.Series:
    """The shipped default weights (``data/daed_default_weights.csv``) — an assumption, not a finding.

    >>> round(float(default_weights().sum()), 6)
    1.0
    """
    text = resources.files("exportlab").joinpath("data/daed_default_weights.csv")
    with text.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, comment="#")
    return df.set_index("component")["weight"].astype("float64").rename("weight")


def resolve_weights(
    weights: Mapping[str, float] | pd.Series | None = None,
    experts_file: str | os.PathLike[str] | None = None,
) -> tuple[pd.Series, ExpertWeights | None]:
    """The weights a run uses, and the expert assessment behind them (or None).

    Given ``weights`` win; otherwise the experts' ranks in ``experts_file`` (relative paths from the
    project root) when the file exists; otherwise :func:`default_weights` (an assumption).
    """
    if weights is not None:
        return check_weights(weights), None
    if experts_file is not None:
        from exportlab.paths import resolve

        path = resolve(experts_file)
        if path.is_file():
            assessment = expert_weights(pd.read_csv(path))
            return check_weights(assessment.weights), assessment
    return check_weights(default_weights()), None


def component_availability(
    indicators: pd.DataFrame | None,
    support_scale: SupportScale = "per_nne_export",
    iseu_spec: Mapping[str, tuple[int, float]] | None = None,
    *,
    support_indicator: str = "nne_support_rub",
) -> dict[str, str | None]:
    """Which components can be computed: ``{component: None}`` when available, else the reason.

    K1 and K2 come from the trade table and are always available. K3 needs ``support_indicator``
    rows (and ``population`` for ``support_scale="per_capita"``); K4 needs every indicator of the
    ISEU spec (and ``population`` for the per-capita ones).

    >>> import pandas as pd
    >>> empty = pd.DataFrame(columns=["region", "year", "indicator", "value"])
    >>> component_availability(empty)["k3"]
    "no 'nne_support_rub' rows in the indicator table"
    """
    present: set[str] = set()
    if indicators is not None and len(indicators) and "indicator" in indicators.columns:
        present = set(indicators.loc[indicators["value"].notna(), "indicator"].astype(str))
    out: dict[str, str | None] = {"k1": None, "k2": None}
    k3_needs = [support_indicator] + (["population"] if support_scale == "per_capita" else [])
    spec = dict(ISEU_DEFAULT if iseu_spec is None else iseu_spec)
    k4_needs = list(spec) + (["population"] if set(ISEU_PER_CAPITA) & set(spec) else [])
    for component, needs in (("k3", k3_needs), ("k4", k4_needs)):
        absent = [n for n in needs if n not in present]
        out[component] = (
            None
            if not absent
            else "no " + ", ".join(repr(a) for a in absent) + " rows in the indicator table"
        )
    return out


def effective_weights(
    weights: Mapping[str, float] | pd.Series | None,
    available: Iterable[str] = COMPONENTS,
) -> pd.Series:
    """Weights over the ``available`` components, rescaled to sum 1 (the others get 0).

    ``a'_i = a_i / Σ_{j ∈ A} a_j`` for ``i`` in ``A``. Raises when the available components have
    zero total weight.

    >>> effective_weights({"k1": 0.4, "k2": 0.2, "k3": 0.3, "k4": 0.1}, ["k1", "k2"]).round(4).tolist()
    [0.6667, 0.3333, 0.0, 0.0]
    """
    w = check_weights(default_weights() if weights is None else weights)
    use = [c for c in COMPONENTS if c in set(available)]
    if not use:
        raise ValueError("no DAED component is available")
    total = float(w[use].sum())
    if total <= 0:
        raise ValueError(f"the available components {use} have zero total weight")
    return (w.where(w.index.isin(use), 0.0) / total).rename("weight")


def available_components(table: pd.DataFrame) -> list[str]:
    """Components a DAED table was computed with (those with any normalised value)."""
    return [c for c in COMPONENTS if f"{c}_norm" in table and table[f"{c}_norm"].notna().any()]


#: Names of the K3 scales, for the availability line.
K3_BASIS_LABELS: dict[str, Label] = vocabulary("daed.K3_BASIS_LABELS")


def availability_counts(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Regions of ``year`` per component: how many have it, by which rule, how many lack it.

    Rows ``k1..k4`` (those with any value), columns ``regions`` (regions with export that year),
    ``with_value``, ``missing`` and, for K3, one column per ``k3_basis``. Plus the row ``index``:
    regions with an index.
    """
    df = table[table["year"] == year]
    if df.empty:
        raise ValueError(f"the DAED table has no rows for {year}")
    n = int(df["region"].nunique())
    rows = {}
    for c in COMPONENTS:
        col = df[f"{c}_norm"] if f"{c}_norm" in df else df[c]
        rows[c] = {"regions": n, "with_value": int(col.notna().sum())}
        rows[c]["missing"] = n - rows[c]["with_value"]
    if "k3_basis" in df:
        for basis, count in df.loc[df["k3_norm"].notna(), "k3_basis"].value_counts().items():
            if basis:
                rows["k3"][basis] = int(count)
    rows["index"] = {"regions": n, "with_value": int(df["daed_index"].notna().sum())}
    rows["index"]["missing"] = n - rows["index"]["with_value"]
    return pd.DataFrame(rows).T.fillna(0).astype(int)


def _region_list(codes: Iterable[str], limit: int = 8) -> str:
    codes = sorted(str(c) for c in codes)
    more = len(codes) - limit
    return ", ".join(codes[:limit]) + (f", … (+{more})" if more > 0 else "")


def availability_note(
    availability: Mapping[str, str | None],
    weights: Mapping[str, float] | pd.Series | None,
    lang: str = "en",
    *,
    table: pd.DataFrame | None = None,
    year: int | None = None,
) -> str:
    """For readers: which components are "no data", the weights actually used and — with the DAED
    ``table`` and a ``year`` — how many regions have each component, by which K3 rule, and which
    regions use rescaled weights.

    >>> availability_note({"k1": None, "k2": None, "k3": "no rows", "k4": None},
    ...                   {"k1": 0.25, "k2": 0.25, "k3": 0.25, "k4": 0.25})
    'No data for K3 (no rows). The index uses K1, K2, K4 with weights rescaled to sum 1: k1 0.333, k2 0.333, k4 0.333.'
    """
    missing = {c: r for c, r in availability.items() if r}
    used = [c for c in COMPONENTS if not availability.get(c)]
    w = effective_weights(weights, used)
    shares = (", " if lang == "en" else "; ").join(f"{c} {number(w[c], '.3f', lang)}" for c in used)
    if not missing:
        text = t(
            f"All four components are available; weights: {shares}.",
            f"Доступны все четыре компонента; веса: {shares}.",
            lang,
        )
    else:
        gone = "; ".join(f"{c.upper()} ({reason})" for c, reason in missing.items())
        names = ", ".join(c.upper() for c in used)
        text = t(
            f"No data for {gone}. The index uses {names} with weights rescaled to sum 1: {shares}.",
            f"Нет данных для {gone}. Индекс рассчитан по {names}, веса пересчитаны к сумме 1: "
            f"{shares}.",
            lang,
        )
    if table is None or year is None:
        return text
    counts = availability_counts(table, year)
    df = table[table["year"] == year]
    n = int(counts.loc["index", "regions"])
    parts = []
    for c in used:
        row = counts.loc[c]
        part = f"{c.upper()} {row['with_value']}/{n}"
        if c == "k3":
            bases = [b for b in K3_BASIS_LABELS if b in counts.columns and row.get(b, 0) > 0]
            if len(bases) > 1:
                part += (
                    " ("
                    + ", ".join(f"{row[b]} {pick(K3_BASIS_LABELS[b], lang)}" for b in bases)
                    + ")"
                )
        parts.append(part)
    text += " " + t(
        f"Regions in {year}: {n} with export, {counts.loc['index', 'with_value']} with an index; "
        f"components: {'; '.join(parts)}.",
        f"Регионы в {year} г.: {n} с экспортом, {counts.loc['index', 'with_value']} с индексом; "
        f"компоненты: {'; '.join(parts)}.",
        lang,
    )
    if "k3_basis" in df:
        main = df.loc[df["k3_norm"].notna(), "k3_basis"].mode()
        main = main.iloc[0] if len(main) else ""
        other = df[df["k3_norm"].notna() & (df["k3_basis"] != main)]
        if main and len(other):
            text += " " + t(
                f"K3 of {_region_list(other['region'])} (zero denominator at the chosen scale, "
                f"e.g. no NNE export) is taken {K3_BASIS_LABELS[other['k3_basis'].iloc[0]]['en']}.",
                f"K3 для {_region_list(other['region'])} (нулевой знаменатель выбранной шкалы, "
                f"например нет экспорта ННЭ) рассчитан "
                f"{K3_BASIS_LABELS[other['k3_basis'].iloc[0]]['ru']}.",
                lang,
            )
    partial = df[df["daed_index"].notna() & df[[f"{c}_norm" for c in used]].isna().any(axis=1)]
    if len(partial):
        text += " " + t(
            f"{len(partial)} region(s) lack a component ({_region_list(partial['region'])}): "
            "their index uses the components they have, weights rescaled to sum 1.",
            f"У {len(partial)} регион(ов) нет компоненты ({_region_list(partial['region'])}): "
            "их индекс рассчитан по имеющимся компонентам, веса пересчитаны к сумме 1.",
            lang,
        )
    return text


def with_history(table: pd.DataFrame, novelty_window: int | None = None) -> pd.DataFrame:
    """The rows of a DAED table with a complete K1/K2 history; a clear error when there are none."""
    out = table[table["history_complete"]].reset_index(drop=True)
    if out.empty:
        years = sorted(int(y) for y in table["year"].unique())
        span = f"{years[0]}–{years[-1]}" if years else "none"
        window = f"the {novelty_window} previous years" if novelty_window else "a previous year"
        raise ValueError(
            f"no year of the data ({span}) has {window} that K1/K2 need to tell new goods and "
            "markets from old ones: lower novelty_window or add earlier years"
        )
    return out


def full_history_years(table: pd.DataFrame) -> list[int]:
    """Years of a DAED table in which some region has a complete history (an index)."""
    return sorted(int(y) for y in table.loc[table["daed_index"].notna(), "year"].unique())


def check_weights(
    weights: Mapping[str, float] | pd.Series, components: Iterable[str] = COMPONENTS
) -> pd.Series:
    """Weights as a Series over ``components``, non-negative and rescaled to sum 1."""
    components = list(components)
    w = pd.Series(dict(weights), dtype="float64")
    missing = [c for c in components if c not in w.index]
    extra = [c for c in w.index if c not in components]
    if missing or extra:
        raise ValueError(
            f"weights must cover exactly {components}; missing {missing}, extra {extra}"
        )
    w = w.reindex(components)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError(f"weights must be finite and non-negative, got {w.to_dict()}")
    if w.sum() <= 0:
        raise ValueError("weights sum to zero")
    return (w / w.sum()).rename("weight")


# --------------------------------------------------------------------------------------------
# the index
# --------------------------------------------------------------------------------------------


#: Components every indexed region-year must have (trade-based: NaN only without history).
REQUIRED: tuple[str, ...] = ("k1", "k2")
#: Decimals an index is rounded to before ranking, so that float noise never splits a tie.
RANK_DECIMALS = 12


def rank_desc(values: pd.Series, by: pd.Series | None = None) -> pd.Series:
    """Competition ranks (1 = highest; equal values share the best rank: 1, 2, 2, 4), within
    the groups of ``by``. Values are rounded to :data:`RANK_DECIMALS` first, so two equal indices
    computed in a different order still tie. Missing values get ``<NA>``.

    >>> import pandas as pd
    >>> rank_desc(pd.Series([0.3, 0.1 + 0.2, 0.5, 0.1])).tolist()
    [2, 2, 1, 4]
    """
    rounded = values.astype("float64").round(RANK_DECIMALS)
    if by is None:
        ranks = rounded.rank(ascending=False, method="min")
    else:
        ranks = rounded.groupby(by).rank(ascending=False, method="min")
    return ranks.astype("Int64")


def row_weights(
    table: pd.DataFrame, weights: Mapping[str, float] | pd.Series | None, use: Iterable[str]
) -> pd.DataFrame:
    """Each region-year's weights over the components it has (``*_norm`` not NaN), rescaled to
    sum 1: ``a_i(r) = a_i / Σ_{j ∈ A(r)} a_j``. Columns ``k1..k4`` (0 for a missing component)."""
    w = effective_weights(weights, use)
    has = pd.DataFrame(
        {
            c: (table[f"{c}_norm"].notna() if c in set(use) else False)
            for c in COMPONENTS
            if f"{c}_norm" in table
        },
        index=table.index,
    ).reindex(columns=list(COMPONENTS), fill_value=False)
    raw = has.astype("float64") * w.reindex(COMPONENTS).to_numpy()
    total = raw.sum(axis=1)
    return raw.div(total.where(total > 0), axis=0).fillna(0.0)


def daed_index(
    components: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series | None = None,
    normalisation: Normalisation = "minmax",
    *,
    scope: Literal["year", "panel"] = "year",
    use: Iterable[str] = COMPONENTS,
    required: Iterable[str] = REQUIRED,
) -> pd.DataFrame:
    """The DAED index: ``Σ_i a_i · n(K_i)`` with weights rescaled to sum 1, and its rank.

    ``use``: the components with data (default all four); the others are "no data" — their
    ``*_norm`` columns stay NaN and the weights are rescaled over ``use`` (:func:`effective_weights`).

    ``components`` has ``region, year, k1..k4``. Each component is normalised (:func:`normalise`)
    across the regions of one year that have it (``scope="year"``, the cross-section of the DAED paper)
    or across all region-years (``scope="panel"``, so levels compare over time).

    A region-year lacking a ``required`` component (K1, K2: no history) gets no index. A region
    lacking another component of ``use`` (K3 or K4 could not be computed for it) keeps its index
    over the components it has, with its weights rescaled to sum 1 (:func:`row_weights`):
    ``DAED(r) = Σ_{i ∈ A(r)} a_i n(K_i) / Σ_{i ∈ A(r)} a_i``; ``index_components`` lists them.
    ``rank`` is 1 for the highest index within a year; equal indices share a rank
    (:func:`rank_desc`). ``weights`` default to :func:`default_weights`. Adds
    ``k1_norm..k4_norm, daed_index, rank, index_components``.
    """
    use = [c for c in COMPONENTS if c in set(use)]
    effective_weights(weights, use)  # validates the weights and the available components
    missing = [c for c in ("region", "year", *COMPONENTS) if c not in components.columns]
    if missing:
        raise ValueError(f"components table lacks column(s) {missing}")
    if scope not in ("year", "panel"):
        raise ValueError(f"scope must be 'year' or 'panel', got {scope!r}")
    df = components.copy()
    need = [c for c in use if c in set(required)]
    indexable = df[need].notna().all(axis=1) & df[use].notna().any(axis=1)
    for c in COMPONENTS:
        if c not in use:
            df[f"{c}_norm"] = np.nan
            continue
        values = df[c].where(indexable)
        if scope == "year":
            df[f"{c}_norm"] = values.groupby(df["year"], group_keys=False).apply(
                lambda s: normalise(s, normalisation)
            )
        else:
            df[f"{c}_norm"] = normalise(values, normalisation)
    per_row = row_weights(df, weights, use)
    index = sum(df[f"{c}_norm"].fillna(0.0) * per_row[c] for c in use)
    indexable &= per_row.sum(axis=1) > 0
    df["daed_index"] = index.where(indexable)
    df["rank"] = rank_desc(df["daed_index"], df["year"])
    has = pd.DataFrame({c: df[f"{c}_norm"].notna() for c in use}, index=df.index)
    df["index_components"] = [
        ",".join(c for c in use if row[c]) if ok else ""
        for row, ok in zip(has.to_dict("records"), indexable, strict=True)
    ]
    return df


def resource_share(trade: pd.DataFrame) -> pd.DataFrame:
    """Resource specialisation: share of raw-material and energy export in total export.

    ``R(r, t) = Σ X(r, p, t)·[resource(p) ∈ {energy, raw}] / Σ X(r, p, t)`` over the positive
    export rows, with the stage 02 ``resource`` class (:func:`exportlab.classify.resource_share`).
    Returns ``region, year, resource_share``.
    """
    rows = exports(trade, ["resource"], select=True)
    return classify.resource_share(rows, flow=None)[["region", "year", "resource_share"]]


def mining_share(indicators: pd.DataFrame) -> pd.DataFrame:
    """Resource specialisation from the mining share of GRP (``mining_share_grp_pct`` / 100)."""
    df = _indicator(indicators, "mining_share_grp_pct")
    if df.empty:
        raise ValueError("indicator table has no 'mining_share_grp_pct' rows")
    df["resource_share"] = df["value"] / 100.0
    return df[["region", "year", "resource_share"]]


def is_resource_region(share: pd.Series, threshold: float = 0.30) -> pd.Series:
    """A resource region has a resource (mining) share above ``threshold`` (30%).

    The rule of Kurmanov et al. (smart specialisation of a raw materials region).
    """
    return share > threshold


def daed_table(
    trade: pd.DataFrame,
    indicators: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series | None = None,
    *,
    novelty_window: int = 3,
    market_rule: Literal["window", "traditional"] = "window",
    traditional_share: float = 0.8,
    base_period: tuple[int, int] | None = None,
    support_scale: SupportScale = "per_nne_export",
    support_period: tuple[int, int] | None = None,
    support_average: SupportAverage = "to_date",
    k3_fallback: K3Fallback = "per_total_export",
    iseu_spec: Mapping[str, tuple[int, float]] | None = None,
    normalisation: Normalisation = "minmax",
    scope: Literal["year", "panel"] = "year",
    resource_measure: Literal["export", "mining_grp"] = "export",
) -> pd.DataFrame:
    """The DAED table per region × year: K1–K4, the index, its rank and resource specialisation.

    ``trade`` is the classified trade table (stage 02), ``indicators`` the long regional indicator
    table. Years without the history K1/K2 need keep their rows with ``history_complete`` False and
    a NaN index. K3 / K4 without their indicators are "no data" (NaN columns, see
    :func:`component_availability`) and the index uses the other components, weights rescaled;
    ``attrs["availability"]`` records the reasons.

    K3 (:func:`support_intensity`): support years ``support_period`` (default: those of the data),
    averaged ``support_average`` (default ``"to_date"``: never support of a later year); regions
    without the scale's denominator get ``k3_fallback``, recorded in ``k3_basis``. Every region
    with export in a year with history gets an index: one lacking K3 or K4 uses its other
    components with its weights rescaled (``index_components``, :func:`daed_index`).
    ``attrs["support"]`` holds the average rule and the support period used.

    Columns: ``region, year, k1, k2, k3, k4, history_complete, k1_norm..k4_norm, daed_index,
    rank, resource_share, k3_basis, index_components``.
    """
    k1 = new_goods_share(trade, novelty_window)
    k2 = new_markets_share(trade, novelty_window, market_rule, traditional_share, base_period)
    df = k1[["region", "year", "k1", "history_complete"]].merge(
        k2[["region", "year", "k2", "history_complete"]],
        on=["region", "year"],
        how="outer",
        suffixes=("", "_k2"),
    )
    df["history_complete"] = df["history_complete"].fillna(False).astype(bool) & df[
        "history_complete_k2"
    ].fillna(False).astype(bool)
    df = df.drop(columns="history_complete_k2")
    availability = component_availability(indicators, support_scale, iseu_spec)
    support: dict[str, object] = {"average": support_average, "period": None}
    if availability["k3"] is None:
        k3 = support_intensity(
            indicators,
            trade,
            support_scale,
            None if support_period is None else tuple(support_period),
            average=support_average,
            years=df["year"].unique(),
            fallback=k3_fallback,
        )
        support["period"] = k3.attrs["support_period"]
        df = df.merge(k3[["region", "year", "k3", "k3_basis"]], on=["region", "year"], how="left")
        df["k3_basis"] = df["k3_basis"].fillna("")
    else:
        df["k3"] = np.nan
        df["k3_basis"] = ""
    if availability["k4"] is None:
        k4 = iseu(indicators, iseu_spec, normalisation=normalisation, years=df["year"].unique())
        df = df.merge(k4, on=["region", "year"], how="left")
    else:
        df["k4"] = np.nan
    use = [c for c in COMPONENTS if availability[c] is None]
    df = daed_index(df, weights, normalisation, scope=scope, use=use)
    if resource_measure == "export":
        res = resource_share(trade)
    elif resource_measure == "mining_grp":
        res = mining_share(indicators)
    else:
        raise ValueError(
            f"resource_measure must be 'export' or 'mining_grp', got {resource_measure!r}"
        )
    df = df.merge(res, on=["region", "year"], how="left")
    columns = [
        "region",
        "year",
        *COMPONENTS,
        "history_complete",
        *(f"{c}_norm" for c in COMPONENTS),
        "daed_index",
        "rank",
        "resource_share",
        "k3_basis",
        "index_components",
    ]
    out = df[columns].sort_values(["year", "region"], ignore_index=True)
    out.attrs["availability"] = availability
    out.attrs["support"] = support
    return out
