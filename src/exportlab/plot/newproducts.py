"""New products figure (for :mod:`exportlab.newproducts`): regions by their number of new products."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from exportlab.labels import t
from exportlab.plot._common import finish

__all__ = ["GRADE_COLORS", "new_products_bars"]

#: Colours of the diversification grades, best (dark green) to worst (grey).
GRADE_COLORS: dict[str, str] = {
    "A+": "#1a7a3e",
    "A": "#4daf4a",
    "B": "#a6d96a",
    "C": "#fdae61",
    "D": "#f46d43",
    "D-": "#bdbdbd",
}


def new_products_bars(
    summary: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    top: int = 25,
    highlight: Iterable[str] = (),
) -> Figure:
    """Horizontal bars of the ``top`` regions of
    :func:`exportlab.newproducts.new_products_summary` by number of new products, coloured by
    diversification grade, each labelled with the export of its new products (million USD);
    ``highlight`` regions in bold."""
    rows = summary.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 0.3 * len(rows) + 1.9))
    if title:
        ax.set_title(title)
    y = np.arange(len(rows))
    ax.barh(y, rows["n_new"], color=[GRADE_COLORS.get(g, "#bdbdbd") for g in rows["grade"]])
    right = max(float(rows["n_new"].max()) if len(rows) else 0.0, 1.0)
    for yi, (n, v, g) in enumerate(
        zip(rows["n_new"], rows["value_new_usd"], rows["grade"], strict=True)
    ):
        amount = (
            f"{v / 1e6:,.1f}"
            if lang == "en"
            else f"{v / 1e6:,.1f}".replace(",", " ").replace(".", ",")
        )
        ax.text(n + 0.01 * right, yi, f"{g}  {amount} " + t("mln USD", "млн долл.", lang),
                va="center", fontsize=7)  # fmt: skip
    ax.set_xlim(0, right * 1.3)
    ax.set_yticks(y, rows["region_name"])
    marked = set(highlight)
    for label, code in zip(ax.get_yticklabels(), rows["region"], strict=True):
        if code in marked:
            label.set_fontweight("bold")
    ax.set_xlabel(t("Number of new products", "Число новых товаров", lang))
    ax.grid(axis="y", visible=False)
    grades = [g for g in GRADE_COLORS if g in set(rows["grade"])]
    ax.legend(
        handles=[Patch(facecolor=GRADE_COLORS[g], label=g) for g in grades],
        title=t("Diversification grade", "Оценка диверсификации", lang),
        loc="lower right",
    )
    return finish(fig, note)
