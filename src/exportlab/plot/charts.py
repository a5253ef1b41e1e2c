"""Generic bilingual charts used by several stages: stacked bars over years, structure bars, rankings,
and the figure that says there is nothing to draw.

Each function takes a tidy table and returns one figure; labels come translated by the caller, and
``note`` (the source / synthetic-data line, :func:`exportlab.labels.source_note`) is written under it
(:func:`exportlab.plot._common.finish`).

>>> import pandas as pd
>>> wide = pd.DataFrame({"aerospace": [1.0, 2.0], "pharmacy": [0.5, 0.7]}, index=[2020, 2021])
>>> fig = stacked_bars(wide, title="High-tech export", ylabel="million USD", note="Source: FCS")
>>> fig.texts[-1].get_text()
'Source: FCS'
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from exportlab.labels import Label
from exportlab.plot._common import finish
from exportlab.plot.colors import PALETTE

NO_DATA: Label = {"en": "No data", "ru": "Нет данных"}
"""Default message of :func:`no_data_figure`."""


def no_data_figure(
    title: str, message: str, *, figsize: tuple[float, float] = (7.0, 2.4)
) -> Figure:
    """A figure that says why there is nothing to draw (e.g. no high-tech export in the data).

    Stages keep writing their figure files when the data hold nothing to plot, so a reader sees the
    reason instead of an empty axis or a failed run.

    >>> fig = no_data_figure("High-tech export", "No high-tech export in the data")
    >>> fig.axes[0].texts[0].get_text()
    'No high-tech export in the data'
    """
    fig, ax = plt.subplots(figsize=figsize)
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        fontsize=11,
        color="#555555",
        wrap=True,
        transform=ax.transAxes,
    )
    return fig


def _is_empty(frame: pd.DataFrame | pd.Series) -> bool:
    values = frame.to_numpy(dtype=float) if len(frame) else np.zeros(0)
    return values.size == 0 or not np.nansum(np.abs(values)) > 0


def stacked_bars(
    wide: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    labels: Mapping[str, str] | None = None,
    share: pd.Series | None = None,
    share_label: str = "",
    figsize: tuple[float, float] = (8.0, 4.6),
    no_data: str = NO_DATA["en"],
    note: str = "",
) -> Figure:
    """Bars stacked by column over the index (years); optional share line (%) on a second axis.

    When every value is zero or missing, :func:`no_data_figure` with ``no_data`` is returned.
    ``note`` is written under the figure.
    """
    if _is_empty(wide):
        return finish(no_data_figure(title, no_data), note, reserve=True)
    fig, ax = plt.subplots(figsize=figsize)
    bottom = np.zeros(len(wide))
    x = np.arange(len(wide))
    for i, column in enumerate(wide.columns):
        values = wide[column].to_numpy(dtype=float)
        name = labels.get(column, column) if labels else column
        ax.bar(x, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=name, width=0.7)
        bottom += values
    ax.set_xticks(x, [str(i) for i in wide.index])
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    handles, names = ax.get_legend_handles_labels()
    if share is not None:
        twin = ax.twinx()
        twin.plot(x, share.reindex(wide.index).to_numpy(dtype=float), color="black", marker="o")
        twin.set_ylabel(share_label)
        twin.set_ylim(0, max(float(np.nanmax(share.to_numpy(dtype=float))) * 1.3, 1e-9))
        twin.grid(False)
        twin.spines["right"].set_visible(True)
        handles.append(twin.lines[0])
        names.append(share_label)
    anchor = 1.16 if share is not None else 1.01
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(anchor, 1.0))
    return finish(fig, note, reserve=True)


def structure_bars(
    wide: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    labels: Mapping[str, str] | None = None,
    row_labels: Mapping[str, str] | None = None,
    figsize: tuple[float, float] | None = None,
    no_data: str = NO_DATA["en"],
    note: str = "",
) -> Figure:
    """Horizontal 100 % bars: the composition of each row (rows = regions, columns = categories).

    Rows summing to zero are dropped; with none left :func:`no_data_figure` with ``no_data``.
    """
    wide = wide.loc[wide.fillna(0).sum(axis=1) > 0]
    if _is_empty(wide):
        return finish(no_data_figure(title, no_data), note, reserve=True)
    totals = wide.sum(axis=1).replace(0, np.nan)
    parts = wide.div(totals, axis=0).fillna(0.0) * 100
    fig, ax = plt.subplots(figsize=figsize or (8.5, 0.38 * len(parts) + 1.6))
    left = np.zeros(len(parts))
    y = np.arange(len(parts))[::-1]
    for i, column in enumerate(parts.columns):
        values = parts[column].to_numpy(dtype=float)
        name = labels.get(column, column) if labels else column
        ax.barh(y, values, left=left, color=PALETTE[i % len(PALETTE)], label=name, height=0.7)
        left += values
    names = [row_labels.get(r, r) if row_labels else r for r in parts.index]
    ax.set_yticks(y, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09 - 0.6 / len(parts)), ncol=2)
    return finish(fig, note, reserve=True)


def ranked_bars(
    values: pd.Series,
    *,
    title: str,
    xlabel: str,
    row_labels: Mapping[str, str] | None = None,
    highlight: pd.Series | None = None,
    highlight_label: str = "",
    color: str = PALETTE[0],
    figsize: tuple[float, float] | None = None,
    no_data: str = NO_DATA["en"],
    note: str = "",
) -> Figure:
    """Horizontal bars sorted from the largest value down; ``highlight`` (bool) colours some rows."""
    ordered = values.dropna().sort_values(ascending=True)
    if ordered.empty:
        return finish(no_data_figure(title, no_data), note, reserve=True)
    fig, ax = plt.subplots(figsize=figsize or (7.5, 0.16 * len(ordered) + 1.4))
    colors = [
        PALETTE[1] if highlight is not None and bool(highlight.get(i, False)) else color
        for i in ordered.index
    ]
    ax.barh(np.arange(len(ordered)), ordered.to_numpy(dtype=float), color=colors, height=0.75)
    names = [row_labels.get(r, r) if row_labels else r for r in ordered.index]
    ax.set_yticks(np.arange(len(ordered)), names, fontsize=6 if len(ordered) > 40 else 8)
    ax.set_ylim(-0.6, len(ordered) - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    if highlight is not None and highlight_label:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=PALETTE[1], label=highlight_label)], loc="lower right")
    return finish(fig, note, reserve=True)
