"""Survival figure (for :mod:`exportlab.survival`): Kaplan–Meier curves with confidence bands."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from exportlab.labels import t
from exportlab.plot._common import finish
from exportlab.plot.colors import TYPE_COLORS
from exportlab.survival import ALL

__all__ = ["survival_curves"]


def survival_curves(
    km: pd.DataFrame,
    *,
    names: Mapping[object, str] | None = None,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
) -> Figure:
    """Kaplan–Meier step curves of :func:`exportlab.survival.kaplan_meier` with shaded pointwise
    confidence bands: the country (:data:`~exportlab.survival.ALL`) in black, region types 1–4 in
    their fixed colours (:data:`exportlab.plot.colors.TYPE_COLORS`); ``names`` labels the groups."""
    fig, ax = plt.subplots(figsize=(7.6, 5.0))
    if title:
        ax.set_title(title)
    for group, curve in km.groupby("group", sort=False):
        if group == ALL:
            color, label, lw = "#111111", t("All regions", "Все регионы", lang), 2.0
        else:
            try:
                color = TYPE_COLORS.get(int(group), "#777777")
            except (TypeError, ValueError):
                color = "#777777"
            label, lw = (names or {}).get(group, str(group)), 1.4
        n = int(curve["n_risk"].iloc[0])
        ax.step(curve["time"], curve["survival"], where="post", color=color, lw=lw,
                label=f"{label} (n = {n:,})".replace(",", " "))  # fmt: skip
        ax.fill_between(curve["time"], curve["lower"], curve["upper"], step="post",
                        color=color, alpha=0.15, linewidth=0)  # fmt: skip
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xticks(range(int(km["time"].max()) + 1) if len(km) else [])
    ax.set_xlabel(t("Years since the relationship began", "Лет с начала экспортной связи", lang))
    ax.set_ylabel(t("Share still exported", "Доля сохранившихся связей", lang))
    ax.legend(loc="upper right", fontsize=7)
    return finish(fig, note)
