"""Trade outcome figures (for :mod:`exportlab.outcomes`): market penetration and unit values."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from exportlab.labels import t
from exportlab.plot._common import finish

__all__ = ["penetration_bars", "unit_value_dumbbell"]


def penetration_bars(
    summary: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    top: int = 25,
    highlight: Iterable[str] = (),
) -> Figure:
    """The ``top`` regions of :func:`exportlab.outcomes.penetration_summary` by mean market
    penetration (per cent), with the export-weighted penetration as a dot; ``highlight`` in red."""
    rows = summary.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 0.3 * len(rows) + 1.9))
    if title:
        ax.set_title(title)
    y = np.arange(len(rows))
    marked = rows["region"].isin(list(highlight)).to_numpy()
    ax.barh(y, 100 * rows["mean_penetration"], color=np.where(marked, "#d62728", "#4a7fb5"),
            label=t("Mean over products", "Среднее по товарам", lang))  # fmt: skip
    ax.scatter(100 * rows["weighted_penetration"], y, color="black", s=14, zorder=3,
               label=t("Weighted by export", "Взвешенное по экспорту", lang))  # fmt: skip
    ax.set_yticks(y, rows["region_name"])
    ax.set_xlim(0, 100)
    ax.set_xlabel(
        t(
            "Share of the country's markets for the product that the region reaches, %",
            "Доля рынков страны по товару, охваченных регионом, %",
            lang,
        )
    )
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return finish(fig, note)


def unit_value_dumbbell(
    change: pd.DataFrame,
    base_year: int,
    year: int,
    *,
    label: Callable[[str], str] | None = None,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    top: int = 15,
) -> Figure:
    """Unit values (USD/kg, log scale) of one region's largest products in two years, from the rows
    of :func:`exportlab.outcomes.unit_value_change` for that region; each labelled with its change."""
    rows = (
        change.sort_values(["value_usd", "product"], ascending=[False, True]).head(top).iloc[::-1]
    )
    fig, ax = plt.subplots(figsize=(8.0, 0.34 * len(rows) + 1.9))
    if title:
        ax.set_title(title)
    y = np.arange(len(rows))
    ax.hlines(y, rows["unit_value_base"], rows["unit_value"], color="#999999", lw=1.5, zorder=1)
    ax.scatter(rows["unit_value_base"], y, color="#9ecae1", s=30, zorder=2, label=str(base_year))
    ax.scatter(rows["unit_value"], y, color="#08519c", s=30, zorder=3, label=str(year))
    ax.set_xscale("log")
    right = np.maximum(rows["unit_value"], rows["unit_value_base"])
    for yi, (x, c) in enumerate(zip(right, rows["change_pct"], strict=True)):
        ax.text(x * 1.12, yi, f"{c:+.0f}%", va="center", fontsize=7)
    if len(rows):
        lo = float(np.minimum(rows["unit_value"], rows["unit_value_base"]).min())
        ax.set_xlim(lo / 1.6, float(right.max()) * 2.2)
    namer = label or (lambda code: code)
    ax.set_yticks(y, [textwrap.shorten(namer(p), 44, placeholder="…") for p in rows["product"]])
    ax.set_xlabel(
        t("Unit value, USD per kg (log scale)", "Цена единицы, долл. за кг (лог. шкала)", lang)
    )
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return finish(fig, note)
