"""DAED figures (for :mod:`exportlab.daed`): the ranking split into weighted components and the
monitoring chart of the index over the years (the DAED paper, README *Sources*, paper 1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exportlab.daed import COMPONENT_LABELS, COMPONENTS, available_components, row_weights
from exportlab.labels import pick, t
from exportlab.plot.colors import TYPE_COLORS
from exportlab.typology import type_label

__all__ = ["monitoring_chart", "ranking_chart"]


def ranking_chart(
    table: pd.DataFrame,
    year: int,
    weights: Mapping[str, float] | pd.Series | None = None,
    lang: str = "en",
    *,
    top: int | None = None,
    label: Callable[[str], str] | None = None,
) -> Figure:
    """Horizontal bars of the DAED index in ``year``, split into the weighted components.

    Each bar is ``Σ_i a_i n(K_i)`` drawn as four stacked parts, so a reader sees which component
    lifts a region (with each region's own rescaled weights, :func:`exportlab.daed.row_weights`). ``label(region) -> str`` names regions (default: the region code).
    """
    df = table[(table["year"] == year) & table["daed_index"].notna()]
    if df.empty:
        raise ValueError(f"no DAED index for year {year}")
    use = available_components(df)
    df = df.sort_values(["daed_index", "region"], ascending=[True, True])
    if top is not None:
        df = df.tail(top)
    names = [label(r) if label else r for r in df["region"]]
    height = max(3.0, 0.18 * len(df) + 1.2)
    fig, ax = plt.subplots(figsize=(7.5, height))
    left = np.zeros(len(df))
    per_row = row_weights(df, weights, use)  # a region lacking K3/K4: its weights rescaled
    colors = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e")
    if (df[[f"{c}_norm" for c in use]] < 0).any().any():
        # z-scores: stacking negative parts is unreadable; draw the index alone
        ax.barh(names, df["daed_index"], color="#4c72b0")
    else:
        for c, color in zip(COMPONENTS, colors, strict=True):
            if c not in use:  # "no data": not drawn, its weight went to the others
                continue
            part = (df[f"{c}_norm"].fillna(0.0) * per_row[c]).to_numpy()
            ax.barh(names, part, left=left, color=color, label=pick(COMPONENT_LABELS[c], lang))
            left += part
        ax.legend(loc="lower right", fontsize=7)
    ax.set_xlabel(
        t("DAED index (weighted components)", "Индекс ДАЭД (взвешенные компоненты)", lang)
    )
    ax.set_title(t(f"DAED index of regions, {year}", f"Индекс ДАЭД регионов, {year}", lang))
    ax.tick_params(axis="y", labelsize=6 if len(df) > 40 else 8)
    ax.grid(axis="y", visible=False)
    ax.margins(y=0.005)
    fig.tight_layout()
    return fig


def monitoring_chart(
    table: pd.DataFrame,
    lang: str = "en",
    *,
    types: pd.DataFrame | None = None,
    highlight: Iterable[str] = (),
    label: Callable[[str], str] | None = None,
    value: str = "daed_index",
) -> Figure:
    """Monitoring chart: ``value`` (the DAED index) of every region over the years.

    Thin lines per region (coloured by the region's type in the last year when ``types`` with
    ``region, year, type`` is given), the median of all regions in black, and the ``highlight``
    regions drawn thick and labelled at their last point.
    """
    df = table[table[value].notna()].sort_values(["region", "year"])
    if df.empty:
        raise ValueError(f"no {value} values to chart")
    last_type: dict[str, int] = {}
    if types is not None and not types.empty:
        last = types.dropna(subset=["type"]).sort_values("year").groupby("region")["type"].last()
        last_type = {str(k): int(v) for k, v in last.items()}
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for region, g in df.groupby("region", sort=True):
        color = TYPE_COLORS.get(last_type.get(region), "#999999")
        ax.plot(g["year"], g[value], color=color, alpha=0.35, linewidth=0.8)
    median = df.groupby("year")[value].median()
    ax.plot(
        median.index,
        median.to_numpy(),
        color="black",
        linewidth=2.2,
        label=t("Median of regions", "Медиана по регионам", lang),
    )
    ends = []
    for region in highlight:
        g = df[df["region"] == region]
        if g.empty:
            continue
        color = TYPE_COLORS.get(last_type.get(region), "#333333")
        ax.plot(g["year"], g[value], color=color, linewidth=2.0, marker="o", markersize=3)
        ends.append((float(g[value].iloc[-1]), g["year"].iloc[-1], region))
    # End labels, pushed apart vertically so that close values stay readable.
    span = float(np.nanmax(df[value]) - np.nanmin(df[value])) if len(df) else 1.0
    gap = 0.035 * (span or 1.0)
    placed: list[float] = []
    for y, year, region in sorted(ends):
        y_text = max(y, placed[-1] + gap) if placed else y
        placed.append(y_text)
        ax.annotate(
            label(region) if label else region,
            (year, y),
            xytext=(year + 0.06, y_text),
            textcoords="data",
            fontsize=7,
            va="center",
            ha="left",
            arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.4},
        )
    if last_type:
        handles = [
            Line2D([], [], color=TYPE_COLORS[k], linewidth=1.5, label=type_label(k, lang))
            for k in sorted(TYPE_COLORS)
        ]
        handles.append(ax.get_legend_handles_labels()[0][0])
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.legend(fontsize=7)
    years = sorted(df["year"].unique())
    ax.set_xticks(years)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.9)
    ax.set_xlabel(t("Year", "Год", lang))
    ax.set_ylabel(t("DAED index", "Индекс ДАЭД", lang))
    ax.set_title(t("Monitoring the DAED index", "Мониторинг индекса ДАЭД", lang))
    fig.tight_layout()
    return fig
