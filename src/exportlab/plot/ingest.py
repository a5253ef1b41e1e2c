"""Figures of the ingest quality report (stage 01): coverage region × year and totals per year.

>>> import pandas as pd
>>> from exportlab.io.quality import IngestReport
>>> r = IngestReport(totals=pd.DataFrame({"year": [2020, 2021], "flow": ["export", "export"],
...                                       "rows": [3, 4], "value_usd": [2.5e9, 3e9],
...                                       "netto_kg": [1e9, 1e9]}))
>>> fig = totals_bars(r, "ru")
>>> fig.axes[0].get_title()
'Итоги по годам'
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from exportlab.io.quality import IngestReport, flow_label
from exportlab.labels import t


def coverage_heatmap(report: IngestReport, lang: str = "en", value: str = "rows") -> Figure:
    """Heatmap region × year of the number of rows (or ``value_usd``); white = no data."""
    matrix = report.coverage_matrix(value)
    n_regions = max(len(matrix), 1)
    fig, ax = plt.subplots(figsize=(7.0, max(3.0, 0.12 * n_regions + 1.2)))
    if matrix.empty:
        ax.text(0.5, 0.5, t("no data", "нет данных", lang), ha="center", va="center")
        return fig
    data = matrix.to_numpy(dtype=float)
    shown = np.where(data > 0, data, np.nan)
    image = ax.imshow(shown, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
    ax.set_yticks(
        range(n_regions), matrix.index.tolist(), fontsize=max(3.5, min(7.0, 400 / n_regions))
    )
    ax.grid(False)
    ax.set_xlabel(t("Year", "Год", lang))
    ax.set_ylabel(t("Region", "Регион", lang))
    label = (
        t("Rows", "Строк", lang)
        if value == "rows"
        else t("Value, USD", "Стоимость, долл. США", lang)
    )
    fig.colorbar(image, ax=ax, label=label, fraction=0.04, pad=0.02)
    ax.set_title(t("Coverage: region × year", "Покрытие: регион × год", lang))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def totals_bars(report: IngestReport, lang: str = "en") -> Figure:
    """Bars of value per year, export and import side by side (billion USD)."""
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    df = report.totals
    if df.empty:
        return fig
    wide = (
        df.pivot_table(
            index="year", columns="flow", values="value_usd", aggfunc="sum", fill_value=0
        )
        / 1e9
    )
    years = wide.index.to_numpy()
    width = 0.8 / max(len(wide.columns), 1)
    for k, flow in enumerate(wide.columns):
        ax.bar(
            years + (k - (len(wide.columns) - 1) / 2) * width,
            wide[flow],
            width,
            label=flow_label(flow, lang),
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel(t("Year", "Год", lang))
    ax.set_ylabel(t("Value, billion USD", "Стоимость, млрд долл. США", lang))
    ax.set_title(t("Totals per year", "Итоги по годам", lang))
    ax.legend()
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
