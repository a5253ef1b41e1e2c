"""Export sophistication figure (for :mod:`exportlab.sophistication`): EXPY against ECI."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from exportlab.labels import number, t
from exportlab.plot._common import finish
from exportlab.plot.charts import no_data_figure
from exportlab.plot.style import name_points

__all__ = ["expy_vs_eci"]


def expy_vs_eci(
    table: pd.DataFrame,
    *,
    y: str | None = "expy",
    ylabel: str = "EXPY",
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    highlight: Iterable[str] = (),
    n_labels: int | None = 12,
) -> Figure:
    """Scatter of the regions of :func:`exportlab.sophistication.sophistication_table`: ECI (x)
    against an EXPY column ``y`` (``"expy"`` or ``"expy_world"``), with a least-squares line and the
    Pearson correlation in the legend; ``highlight`` regions in red and named. Without that column
    (no income data), a figure that says so."""
    if y is None or y not in table.columns or table[y].notna().sum() == 0:
        fig = no_data_figure(
            title or "",
            t(
                "No income per capita of the regions and no country table: no EXPY",
                "Нет дохода на душу населения регионов и таблицы стран: EXPY не рассчитан",
                lang,
            ),
        )
        return finish(fig, note)
    data = table.dropna(subset=["eci", y])
    fig, ax = plt.subplots(figsize=(7.6, 5.6))
    if title:
        ax.set_title(title)
    hi = data["region"].isin(list(highlight)).to_numpy()
    ax.scatter(data["eci"][~hi], data[y][~hi], s=26, color="#4a7fb5", alpha=0.8, zorder=2)
    ax.scatter(data["eci"][hi], data[y][hi], s=48, color="#d62728", zorder=3)
    if len(data) >= 3 and data["eci"].std() > 0:
        slope, intercept = np.polyfit(data["eci"], data[y], 1)
        xs = np.linspace(data["eci"].min(), data["eci"].max(), 2)
        r = float(np.corrcoef(data["eci"], data[y])[0, 1])
        ax.plot(xs, intercept + slope * xs, color="#555555", lw=1, ls="--", zorder=1,
                label=t("Least squares, r = ", "МНК, r = ", lang) + number(r, ".2f", lang))  # fmt: skip
        ax.legend(loc="upper left")
    names = dict(zip(data["region"], data["region_name"], strict=True))
    name_points(
        ax, data["eci"], data[y], list(data["region"]), lambda k: names[k], n_labels,
        [r for r in highlight if r in names],
    )  # fmt: skip
    ax.set_xlabel(
        t("Economic complexity index (ECI)", "Индекс экономической сложности (ECI)", lang)
    )
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", "\u2009")))
    return finish(fig, note)
