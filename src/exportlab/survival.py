"""Survival of new export relationships: Kaplan–Meier curves and hazard rates (Besedeš & Prusa 2006).

An export **relationship** is a region × product × partner (the WITS Trade Outcomes' and Besedeš &
Prusa's unit). A **spell** is a run of consecutive years in which it is exported (value > 0). A spell
that starts after the first year of the data is a **new** relationship; spells already running in the
first year are left-censored (their start is unknown) and left out. A spell that is still running in
the last year is right-censored; one that stops earlier has ended (an "event"). Its duration is its
number of years. A relationship that stops and starts again gives two spells (as in Besedeš & Prusa).

* :func:`spells` — the spells of new relationships from the canonical trade table;
* :func:`kaplan_meier` — Kaplan–Meier survival ``S(t)`` by group with pointwise 95 % confidence bands
  (Greenwood variance, log-log transform, as in ``lifelines``), estimated with
  ``statsmodels.duration.SurvfuncRight``;
* :func:`hazard_table` — survival and the annual hazard ``h(t) = d_t / n_t`` (the share of the
  relationships alive at the start of their ``t``-th year that end after it) at 1, 2, 3 years.

:func:`exportlab.diversification.survival` counts surviving lines by cohort for stage 06; this module
estimates the survival function over all cohorts together, with censoring. This module computes;
:mod:`exportlab.plot.survival` draws.

>>> import pandas as pd
>>> t = pd.DataFrame({"year": [2019, 2020, 2021, 2020], "region": "A", "hs6": ["01", "02", "02", "03"],
...                   "partner": "CN", "flow": "export", "value_usd": 1.0})
>>> spells(t)[["product", "start", "duration", "event"]].values.tolist()
[['02', 2020, 2, False], ['03', 2020, 1, True]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from exportlab import complexity as cx
from exportlab.labels import Label, check_lang, vocabulary

__all__ = ["ALL", "HEADERS", "hazard_table", "kaplan_meier", "spells"]

#: Group label of all new relationships of the data (the country).
ALL = "all"

HEADERS: dict[str, Label] = vocabulary("survival.HEADERS")


def spells(
    trade: pd.DataFrame,
    *,
    level: str = "hs6",
    flow: str = "export",
    min_value: float = 0.0,
) -> pd.DataFrame:
    """Spells of new export relationships (region × product at ``level`` × partner).

    A year counts when the relationship's value that year exceeds ``min_value`` (US dollars).
    Returns ``region, product, partner, start, end, duration`` (years), ``event`` (True: ended before
    the last year of the data; False: still running, right-censored); sorted by the key and start.
    Spells running in the first year of the data are left out (left-censored).
    """
    sub = trade
    if flow is not None and "flow" in sub.columns:
        sub = sub[sub["flow"] == flow]
    years = trade["year"].astype(int)
    first, last = int(years.min()), int(years.max())
    key = pd.DataFrame(
        {
            "region": sub["region"].astype(str).to_numpy(),
            "product": sub["hs6"].astype(str).str.slice(0, cx.LEVELS.get(level, 6)).to_numpy(),
            "partner": sub["partner"].astype(str).to_numpy(),
            "year": sub["year"].astype(int).to_numpy(),
            "value": pd.to_numeric(sub["value_usd"]).to_numpy(float),
        }
    )
    cells = key.groupby(["region", "product", "partner", "year"], as_index=False)["value"].sum()
    cells = cells[cells["value"] > min_value].sort_values(["region", "product", "partner", "year"])
    same = (
        (cells["region"] == cells["region"].shift())
        & (cells["product"] == cells["product"].shift())
        & (cells["partner"] == cells["partner"].shift())
    )
    gap = cells["year"] != cells["year"].shift() + 1
    spell_id = (~same | gap).cumsum()
    g = cells.groupby(spell_id.to_numpy())
    out = pd.DataFrame(
        {
            "region": g["region"].first(),
            "product": g["product"].first(),
            "partner": g["partner"].first(),
            "start": g["year"].min(),
            "end": g["year"].max(),
        }
    )
    out = out[out["start"] > first]
    out["duration"] = out["end"] - out["start"] + 1
    out["event"] = out["end"] < last
    return out.sort_values(["region", "product", "partner", "start"]).reset_index(drop=True)


def _km(duration: np.ndarray, event: np.ndarray, alpha: float) -> pd.DataFrame:
    from statsmodels.duration.survfunc import SurvfuncRight

    horizon = int(duration.max()) if len(duration) else 0
    times = np.arange(0, horizon + 1)
    surv = np.ones(len(times))
    se = np.zeros(len(times))
    n_risk = np.array([(duration >= t).sum() for t in times], dtype=float)
    n_events = np.array([((duration == t) & event).sum() for t in times], dtype=float)
    if event.any():
        sf = SurvfuncRight(duration.astype(float), event.astype(float))
        idx = np.searchsorted(sf.surv_times, times, side="right") - 1
        has = idx >= 0
        surv[has] = sf.surv_prob[idx[has]]
        se[has] = sf.surv_prob_se[idx[has]]
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log-log interval: S ** exp(±z se(log S) / log S), se(log S) = se(S) / S (Greenwood)
        theta = z * (se / surv) / np.log(surv)
        lower = np.where((surv > 0) & (surv < 1), surv ** np.exp(-theta), surv)
        upper = np.where((surv > 0) & (surv < 1), surv ** np.exp(theta), surv)
    return pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk.astype(int),
            "n_events": n_events.astype(int),
            "survival": surv,
            "lower": np.minimum(lower, upper),
            "upper": np.maximum(lower, upper),
        }
    )


def kaplan_meier(
    spell_table: pd.DataFrame,
    groups: Mapping[str, object] | pd.Series | None = None,
    *,
    alpha: float = 0.05,
    include_all: bool = True,
) -> pd.DataFrame:
    """Kaplan–Meier survival of new relationships by group of regions, with confidence bands.

    ``groups`` maps region → group (e.g. the DAED region type); regions without a group are in no
    group but in :data:`ALL` (every spell, with ``include_all``). For each group and each duration
    ``t = 0, 1, …`` years: ``n_risk`` (spells lasting at least ``t`` years), ``n_events`` (spells
    ended after exactly ``t`` years), ``survival`` ``S(t)`` (share still exported after ``t``
    years, ``S(0) = 1``) and the pointwise ``1 - alpha`` band ``lower, upper``.

    Example
    -------
    >>> s = pd.DataFrame({"region": "A", "duration": [1, 1, 2, 3, 3, 3],
    ...                   "event": [True, False, True, True, False, False]})
    >>> kaplan_meier(s)["survival"].round(4).tolist()
    [1.0, 0.8333, 0.625, 0.4167]
    """
    parts = []
    if include_all:
        parts.append((ALL, spell_table))
    if groups is not None:
        mapping = pd.Series(groups)
        mapping.index = mapping.index.astype(str)
        labels = spell_table["region"].astype(str).map(mapping)
        for g in sorted(labels.dropna().unique(), key=str):
            parts.append((g, spell_table[labels == g]))
    rows = []
    for name, part in parts:
        km = _km(part["duration"].to_numpy(int), part["event"].to_numpy(bool), alpha)
        km.insert(0, "group", name)
        rows.append(km)
    if not rows:
        return pd.DataFrame(
            columns=["group", "time", "n_risk", "n_events", "survival", "lower", "upper"]
        )
    return pd.concat(rows, ignore_index=True)


def hazard_table(
    km: pd.DataFrame,
    times: Sequence[int] = (1, 2, 3),
    *,
    names: Mapping[object, str] | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Survival ``S(t)`` and annual hazard ``h(t) = n_events(t) / n_risk(t)`` at ``times`` (years)
    for each group of :func:`kaplan_meier`; NaN beyond the longest observed duration.

    Columns: ``group, group_name, n_spells, n_ended, survival_<t>…, hazard_<t>…``; ``names`` maps a
    group to its label (:data:`ALL` is "All regions" / "Все регионы").

    Example
    -------
    >>> s = pd.DataFrame({"region": "A", "duration": [1, 1, 2, 3], "event": [True, False, True, False]})
    >>> hazard_table(kaplan_meier(s), (1, 2))[["hazard_1", "hazard_2"]].values.tolist()
    [[0.25, 0.5]]
    """
    check_lang(lang)
    rows = []
    for group, part in km.groupby("group", sort=False):
        curve = part.set_index("time")
        row: dict[str, object] = {"group": group}
        if group == ALL:
            row["group_name"] = "All regions" if lang == "en" else "Все регионы"
        else:
            row["group_name"] = (names or {}).get(group, str(group))
        row["n_spells"] = int(curve["n_risk"].iloc[0]) if len(curve) else 0
        row["n_ended"] = int(curve["n_events"].sum())
        for t in times:
            row[f"survival_{t}"] = float(curve.at[t, "survival"]) if t in curve.index else np.nan
        for t in times:
            ok = t in curve.index and curve.at[t, "n_risk"] > 0
            row[f"hazard_{t}"] = curve.at[t, "n_events"] / curve.at[t, "n_risk"] if ok else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
