"""Strategy figure (for :mod:`exportlab.strategy`): the strategic-approach quadrant and region types."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exportlab.labels import t
from exportlab.plot._common import finish
from exportlab.plot.colors import TYPE_COLORS, type_colors
from exportlab.plot.style import name_points
from exportlab.strategy import APPROACH_LABELS

__all__ = ["strategy_quadrants"]


def strategy_quadrants(
    table: pd.DataFrame,
    *,
    split: str = "mean",
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    highlight: Iterable[str] = (),
    n_labels: int | None = 14,
) -> Figure:
    """Regions of :func:`exportlab.strategy.strategy_table` by ECI (x) and COI (y): dashed lines at
    the split (mean or median), the four approaches named in the corners, points coloured by DAED
    region type (grey without a type); ``highlight`` regions named in bold."""
    from exportlab.typology import type_label

    data = table.dropna(subset=["eci", "coi"])
    fig, ax = plt.subplots(figsize=(8.0, 6.2))
    if title:
        ax.set_title(title)
    types = data["type"] if "type" in data.columns else pd.Series(pd.NA, index=data.index)
    ax.scatter(data["eci"], data["coi"], s=34, c=type_colors(types), edgecolors="white",
               linewidths=0.5, zorder=2)  # fmt: skip
    x0 = data["eci"].mean() if split == "mean" else data["eci"].median()
    y0 = data["coi"].mean() if split == "mean" else data["coi"].median()
    # bands above and below the points keep the corner names clear of points and labels
    lo, hi = float(data["coi"].min()), float(data["coi"].max())
    pad = 0.14 * ((hi - lo) or 1.0)
    ax.set_ylim(lo - pad, hi + pad)
    ax.axvline(x0, color="#777777", ls="--", lw=0.8, zorder=1)
    ax.axhline(y0, color="#777777", ls="--", lw=0.8, zorder=1)
    corners = {
        "light_touch": (0.98, 0.98, "right", "top"),
        "parsimonious": (0.02, 0.98, "left", "top"),
        "strategic_bets": (0.02, 0.02, "left", "bottom"),
        "technological_frontier": (0.98, 0.02, "right", "bottom"),
    }
    for key, (x, y, ha, va) in corners.items():
        ax.text(x, y, APPROACH_LABELS[key][lang], transform=ax.transAxes, ha=ha, va=va,
                fontsize=9, color="#444444", fontstyle="italic", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5})  # fmt: skip
    names = dict(zip(data["region"], data["region_name"], strict=True))
    name_points(
        ax, data["eci"], data["coi"], list(data["region"]), lambda k: names[k], n_labels,
        [r for r in highlight if r in names],
    )  # fmt: skip
    ax.set_xlabel(
        t("Economic complexity index (ECI)", "Индекс экономической сложности (ECI)", lang)
    )
    ax.set_ylabel(t("Complexity outlook index (COI)", "Индекс перспектив сложности (COI)", lang))
    present = sorted({int(k) for k in types.dropna()})
    handles = [
        Line2D([], [], marker="o", ls="", color=TYPE_COLORS[k], label=type_label(k, lang))
        for k in present
    ]
    if len(present) < len(data) and types.isna().any():
        handles.append(Line2D([], [], marker="o", ls="", color="#999999",
                              label=t("No type", "Тип не определён", lang)))  # fmt: skip
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  title=t("DAED region type", "Тип региона по ДАЭД", lang))  # fmt: skip
    return finish(fig, note)
