"""Smart-specialisation figures (for :mod:`exportlab.complexity`): relatedness density against
product complexity for one region (Hidalgo et al. 2007), ECI against the DAED index coloured by
region type, and the sector mix of export (Kurmanov et al., README *Sources*)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exportlab.complexity import (
    LABELS,
    SECTOR_LABELS,
    SECTORS,
    ComplexityResult,
    eci_daed_correlation,
    opportunities,
)
from exportlab.labels import check_lang, number, t
from exportlab.plot._common import figure_and_axes
from exportlab.plot.colors import TYPE_COLORS, type_colors
from exportlab.plot.style import name_points, spread_labels
from exportlab.regions import region_label
from exportlab.typology import type_label

__all__ = ["SECTOR_COLORS", "density_complexity", "eci_vs_daed", "sector_mix_bars"]


def _label(key: str, lang: str) -> str:
    if lang not in ("en", "ru"):
        raise ValueError(f"lang must be 'en' or 'ru', got {lang!r}")
    return LABELS[key][lang]


#: Colour of each sector of :data:`exportlab.complexity.SECTORS` in the sector-mix bars.
SECTOR_COLORS: dict[str, str] = {
    "raw_material": "#8c510a",
    "infrastructure": "#dfc27d",
    "high_tech": "#2166ac",
    "knowledge_intensive": "#9467bd",
    "other": "#d9d9d9",
}


def density_complexity(
    result: ComplexityResult,
    region: str,
    products_meta: pd.DataFrame | None = None,
    *,
    annotate: int = 10,
    lang: str = "en",
    ax: Any = None,
    title: str | None = None,
) -> Figure:
    """Scatter of relatedness density (x) against PCI (y) for one region.

    Grey: products the region is already specialised in; blue: candidates; orange rings: high-tech
    candidates (when ``products_meta`` has ``hightech_group``); the ``annotate`` best opportunities
    of :func:`exportlab.complexity.opportunities` are outlined in black and labelled with their code (labels moved
    apart with adjustText, a fixed number of iterations so the figure is the same on every run).
    The title names the region (short name from :mod:`exportlab.regions`, else the code).
    Returns the figure (that of ``ax`` when one is given).
    """
    if result.density is None:
        raise ValueError("result has no density: call complexity(..., relatedness=True)")
    if region not in result.rca.index:
        raise KeyError(f"region {region!r} is not in the matrix")
    _, ax = figure_and_axes(ax, (9, 5.2))
    dens = result.density.loc[region]
    mcp = result.mcp.loc[region]
    pci = result.pci
    have = mcp == 1
    ax.scatter(dens[have], pci[have], s=9, color="0.7", label=_label("specialised", lang), zorder=1)
    ax.scatter(
        dens[~have],
        pci[~have],
        s=9,
        color="tab:blue",
        alpha=0.6,
        label=_label("candidate", lang),
        zorder=2,
    )
    opp = opportunities(result, region, products_meta, top=None)
    if "hightech" in opp.columns:
        ht = opp[opp["hightech"]]
        ax.scatter(
            ht["density"],
            ht["pci"],
            s=32,
            facecolors="none",
            edgecolors="tab:orange",
            linewidths=1.0,
            label=_label("hightech", lang),
            zorder=3,
        )
    best = opp.head(max(int(annotate), 0))
    if len(best):
        ax.scatter(
            best["density"],
            best["pci"],
            s=20,
            color="black",
            label=_label("best", lang).format(n=len(best)),
            zorder=4,
        )
        texts = [
            ax.text(row.density, row.pci, str(row.product), fontsize=7, zorder=5)
            for row in best.itertuples()
        ]
        spread_labels(
            ax, texts, best["density"].to_numpy(float), best["pci"].to_numpy(float), dens, pci
        )
    ax.set_xlabel(_label("density", lang))
    ax.set_ylabel(_label("pci", lang))
    ax.set_title(title or _label("title", lang).format(region=region_label(region, lang)))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # never over points
    return ax.figure


def eci_vs_daed(
    table: pd.DataFrame,
    lang: str = "en",
    *,
    highlight: Sequence[str] = (),
    annotate: int = 8,
    title: str | None = None,
    ax: Any = None,
) -> Figure:
    """Scatter of ECI (x) against the DAED index (y), one point per region coloured by its type.

    ``table``: :func:`exportlab.complexity.complexity_regions` with the DAED table. Complexity is what a region can
    already make; DAED is how actively it moves into new goods and markets. Labelled: the
    ``highlight`` regions and the ``annotate`` regions farthest from the medians (dashed lines).
    The Spearman correlation is written in the corner. Returns the figure.
    """
    check_lang(lang)
    if "daed_index" not in table.columns:
        raise ValueError("table has no daed_index: pass the DAED table to complexity_regions")
    data = table.dropna(subset=["eci", "daed_index"]).sort_values("region")
    if data.empty:
        raise ValueError("nothing to plot: no region has both ECI and the DAED index")
    fig, ax = figure_and_axes(ax, (8.5, 6))
    x = data["eci"].to_numpy(dtype=float)
    y = data["daed_index"].to_numpy(dtype=float)
    types = data["type"] if "type" in data.columns else pd.Series(pd.NA, index=data.index)
    ax.scatter(x, y, c=type_colors(types), s=30, edgecolors="white", linewidths=0.5, zorder=3)
    ax.axvline(float(np.median(x)), color="#444444", linestyle="--", linewidth=0.8, zorder=1)
    ax.axhline(float(np.median(y)), color="#444444", linestyle="--", linewidth=0.8, zorder=1)
    regions = data["region"].astype(str)
    name_points(ax, x, y, regions, lambda r: region_label(r, lang), annotate, highlight)
    present = sorted({int(k) for k in types.dropna()})
    handles = [
        Line2D([], [], marker="o", linestyle="", color=TYPE_COLORS[k], label=type_label(k, lang))
        for k in present
        if k in TYPE_COLORS
    ]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    corr = eci_daed_correlation(table)
    if np.isfinite(corr["rho"]):
        ax.text(
            1.02,
            0.0,
            t(
                "Spearman ρ = {r}\n(n = {n} regions)",
                "ρ Спирмена = {r}\n(n = {n} регионов)",
                lang,
            ).format(r=number(corr["rho"], ".2f", lang), n=int(corr["n"])),
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=8,
        )
    ax.set_xlabel(
        t(
            "Economic complexity index (ECI; dashed: medians)",
            "Индекс экономической сложности (ECI; пунктир: медианы)",
            lang,
        )
    )
    ax.set_ylabel(t("DAED index", "Индекс ДАЭД", lang))
    ax.set_title(
        title
        or t("Complexity and export diversification", "Сложность и диверсификация экспорта", lang)
    )
    fig.tight_layout()
    return fig


def sector_mix_bars(
    mix: pd.DataFrame,
    lang: str = "en",
    *,
    regions: Sequence[str] | None = None,
    resource: pd.Series | None = None,
    highlight: Sequence[str] = (),
    total: pd.Series | pd.DataFrame | None = None,
    sort: str = "raw_material",
    title: str | None = None,
) -> Figure:
    """100% horizontal bars of each region's export by sector (:func:`exportlab.complexity.sector_mix` shares).

    ``regions``: the regions to draw (default: all rows of ``mix``; unknown codes are skipped),
    sorted by the ``sort`` sector's share (largest on top). Resource regions (``resource``, a
    boolean Series by region) are marked with ▲ before the name, ``highlight`` regions are bold.
    ``total``: the mix of all regions together (``complexity.sector_mix(trade, by=None)``), drawn as the top
    bar for comparison. Returns the figure.
    """
    check_lang(lang)
    if sort not in mix.columns:
        raise ValueError(f"sort must be a sector column of mix, got {sort!r}")
    data = mix if regions is None else mix.loc[mix.index.intersection(pd.Index(regions))]
    data = data[~data.index.duplicated()].dropna(how="all")
    if data.empty:
        raise ValueError("nothing to plot: none of the regions is in the sector mix")
    data = data.assign(_code=data.index.astype(str)).sort_values(
        [sort, "_code"], ascending=[True, False], kind="mergesort"
    )  # barh draws bottom-up: the largest share ends on top
    flags = (
        pd.Series(False, index=data.index)
        if resource is None
        else data.index.to_series().map(resource.astype("boolean")).fillna(False).astype(bool)
    )
    labels = [("▲ " if flags[r] else "") + region_label(r, lang) for r in data.index]
    bold = [r in set(highlight) for r in data.index]
    sectors = [s for s in SECTORS if s in data.columns]
    values = data[sectors].fillna(0.0)
    if total is not None:
        tot = total.iloc[0] if isinstance(total, pd.DataFrame) else total
        values = pd.concat([values, tot[sectors].to_frame().T])
        labels.append(t("All regions", "Все регионы", lang))
        bold.append(True)
    n = len(values)
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.22 * n))
    pos = np.arange(n, dtype=float)
    if total is not None:
        pos[-1] += 0.6  # a small gap before the total bar
    left = np.zeros(n)
    for s in sectors:
        v = values[s].to_numpy(dtype=float)
        ax.barh(pos, v, left=left, height=0.8, color=SECTOR_COLORS[s], label=SECTOR_LABELS[s][lang])
        left += v
    ax.set_yticks(pos)
    ax.set_yticklabels(labels, fontsize=7.5)
    for tick, b in zip(ax.get_yticklabels(), bold, strict=True):
        if b:
            tick.set_fontweight("bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(pos[0] - 0.6, pos[-1] + 0.6)
    ax.grid(axis="y", visible=False)
    xlabel = t("Share of the region's export, %", "Доля в экспорте региона, %", lang)
    if resource is not None:
        xlabel += t(" (▲ resource region)", " (▲ ресурсный регион)", lang)
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(sectors), fontsize=7.5)
    ax.set_title(title or t("Export by sector", "Структура экспорта по секторам", lang), pad=22)
    fig.tight_layout()
    return fig
