"""Strategy view: the Atlas's strategic approach (COI against ECI), the DAED region types, presets.

The Atlas of Economic Complexity (Growth Lab) places an economy by its economic complexity (ECI) and its
complexity outlook (COI: how many complex products lie close to what it already makes) and names four
**strategic approaches**:

============================  =========  =========  =====================================================
approach                      ECI        COI        meaning
============================  =========  =========  =====================================================
``light_touch``               high       high       ample related space: remove bottlenecks, let it grow
``parsimonious``              low        high       many nearby options: targeted help to move into them
``strategic_bets``            low        low        few nearby options: coordinated long jumps
``technological_frontier``    high       low        most complex products taken: innovate at the frontier
============================  =========  =========  =====================================================

"High" is at or above the split (the mean of the regions, 0 for the standardised indices, or their
median). Crossing the approach with the four DAED types of stage 04 (the DAED paper) shows whether a region's
diversification activity matches the room it has.

**Opportunity presets.** The Atlas ranks a region's candidate products (not yet exported with RCA ≥ 1)
by a weighted sum of three criteria; here each is its percentile rank among the region's candidates:
relatedness density (the closer, the easier), the product's complexity (PCI) and its complexity outlook
gain (COG). The presets' weights are this module's (:data:`PRESETS`); the approach suggests one
(:data:`SUGGESTED_PRESET`).

This module computes; :mod:`exportlab.plot.strategy` draws.

>>> import pandas as pd
>>> approach(pd.Series({"a": 1.0, "b": -1.0}), pd.Series({"a": 0.5, "b": -0.5})).tolist()
['light_touch', 'strategic_bets']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exportlab import complexity as cx
from exportlab.labels import Label, check_lang, vocabulary

__all__ = [
    "APPROACHES",
    "APPROACH_LABELS",
    "HEADERS",
    "PRESETS",
    "PRESET_LABELS",
    "SUGGESTED_PRESET",
    "approach",
    "approach_by_type",
    "preset_opportunities",
    "strategy_table",
]

APPROACHES: tuple[str, ...] = (
    "light_touch",
    "parsimonious",
    "strategic_bets",
    "technological_frontier",
)

APPROACH_LABELS: dict[str, dict[str, str]] = vocabulary("strategy.APPROACH_LABELS")

#: Weights of (density, PCI, COG) in the score of each preset; each row sums to 1.
PRESETS: dict[str, tuple[float, float, float]] = {
    "low_hanging_fruit": (0.60, 0.15, 0.25),
    "balanced": (0.45, 0.25, 0.30),
    "long_jumps": (0.25, 0.35, 0.40),
}

PRESET_LABELS: dict[str, dict[str, str]] = vocabulary("strategy.PRESET_LABELS")

#: The preset that fits each approach: near options where there are many, long jumps where few.
SUGGESTED_PRESET: dict[str, str] = {
    "light_touch": "balanced",
    "parsimonious": "low_hanging_fruit",
    "strategic_bets": "long_jumps",
    "technological_frontier": "long_jumps",
}

HEADERS: dict[str, Label] = vocabulary("strategy.HEADERS")


def _split_value(values: pd.Series, split: str) -> float:
    if split == "mean":
        return float(values.mean())
    if split == "median":
        return float(values.median())
    raise ValueError(f"split must be 'mean' or 'median', got {split!r}")


def approach(eci: pd.Series, coi: pd.Series, *, split: str = "mean") -> pd.Series:
    """The Atlas strategic approach of each region from its ECI and COI (see the module table).

    ``split``: ``"mean"`` or ``"median"`` of the regions with both values; a value at the split
    counts as high. Regions missing either index get NaN.
    """
    both = pd.DataFrame({"eci": eci, "coi": coi}).astype(float)
    ok = both.notna().all(axis=1)
    e0, c0 = _split_value(both.loc[ok, "eci"], split), _split_value(both.loc[ok, "coi"], split)
    hi_e, hi_c = both["eci"] >= e0, both["coi"] >= c0
    out = np.select(
        [hi_e & hi_c, ~hi_e & hi_c, ~hi_e & ~hi_c, hi_e & ~hi_c],
        list(APPROACHES),
        default="",
    )
    return pd.Series(out, index=both.index, name="approach").where(ok)


def strategy_table(
    result: cx.ComplexityResult,
    types: pd.Series | None = None,
    *,
    split: str = "mean",
    lang: str = "en",
) -> pd.DataFrame:
    """One row per region: ``region, region_name, eci, coi, approach`` (label in ``lang``),
    ``approach_id``, ``type`` and ``type_name`` (DAED type of stage 04, when ``types`` maps region →
    type 1–4), ``preset`` (label) and ``preset_id``. Sorted by ECI, descending.
    """
    from exportlab.regions import region_label
    from exportlab.typology import type_label

    check_lang(lang)
    if result.coi is None:
        raise ValueError("result has no COI: call complexity(..., relatedness=True)")
    out = pd.DataFrame({"eci": result.eci, "coi": result.coi})
    out.index = out.index.astype(str)
    out["approach_id"] = approach(out["eci"], out["coi"], split=split)
    out["approach"] = [
        APPROACH_LABELS[a][lang] if isinstance(a, str) else "—" for a in out["approach_id"]
    ]
    if types is not None:
        ty = pd.Series(types)
        ty.index = ty.index.astype(str)
        out["type"] = ty.reindex(out.index).astype("Int64")
        out["type_name"] = [type_label(int(k), lang) if pd.notna(k) else "—" for k in out["type"]]
    out["preset_id"] = out["approach_id"].map(SUGGESTED_PRESET)
    out["preset"] = [
        PRESET_LABELS[p][lang] if isinstance(p, str) else "—" for p in out["preset_id"]
    ]
    out = out.rename_axis("region").reset_index()
    out = out.sort_values(["eci", "region"], ascending=[False, True], na_position="last")
    out.insert(1, "region_name", [region_label(r, lang) for r in out["region"]])
    return out.reset_index(drop=True)


def approach_by_type(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Number of regions of each strategic approach (rows, in :data:`APPROACHES` order) and DAED
    type (columns 1–4, named in ``lang``) from :func:`strategy_table`."""
    from exportlab.typology import type_label

    check_lang(lang)
    if "type" not in table.columns:
        raise ValueError("table has no DAED types: pass types to strategy_table")
    known = table.dropna(subset=["approach_id", "type"])
    counts = pd.crosstab(known["approach_id"], known["type"].astype(int))
    counts = counts.reindex(index=list(APPROACHES), columns=[1, 2, 3, 4], fill_value=0)
    counts.index = [APPROACH_LABELS[a][lang] for a in counts.index]
    counts.columns = [type_label(k, lang) for k in counts.columns]
    return counts


def _pct_rank(s: pd.Series) -> pd.Series:
    if len(s) <= 1:
        return pd.Series(1.0, index=s.index)
    return (s.rank(method="average") - 1) / (len(s) - 1)


def preset_opportunities(
    result: cx.ComplexityResult,
    region: str,
    preset: str = "balanced",
    products_meta: pd.DataFrame | None = None,
    *,
    top: int | None = 20,
) -> pd.DataFrame:
    """A region's candidate products ranked by a preset of :data:`PRESETS`.

    Candidates as in :func:`exportlab.complexity.opportunities` (no RCA ≥ 1 yet, defined density
    and PCI). ``score = w_d pct(density) + w_p pct(PCI) + w_g pct(COG)`` with percentile ranks among
    the candidates (0 lowest, 1 highest); in [0, 1]. Returns ``rank, product, density, pci, cog,
    score`` and the metadata columns of ``opportunities``; ties by PCI, then code.

    Example
    -------
    >>> x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]],
    ...                  index=["A", "B", "C"], columns=["p1", "p2", "p3", "p4"])
    >>> res = cx.complexity(x)
    >>> preset_opportunities(res, "A", "low_hanging_fruit")["product"].tolist()
    ['p3', 'p4']
    >>> preset_opportunities(res, "A", "long_jumps")["product"].tolist()
    ['p4', 'p3']
    """
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {list(PRESETS)}, got {preset!r}")
    wd, wp, wg = PRESETS[preset]
    cand = cx.opportunities(result, region, products_meta, top=None).drop(columns=["rank", "score"])
    cog = cand["cog"] if "cog" in cand.columns else pd.Series(0.0, index=cand.index)
    cand["score"] = (
        wd * _pct_rank(cand["density"]) + wp * _pct_rank(cand["pci"]) + wg * _pct_rank(cog)
    )
    cand = cand.sort_values(
        ["score", "pci", "product"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
    cand.insert(0, "rank", np.arange(1, len(cand) + 1))
    return cand if top is None else cand.head(top)
