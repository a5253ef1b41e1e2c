"""The product space of a region (figure for :mod:`exportlab.productspace`)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exportlab.hs_sections import section_order
from exportlab.labels import t
from exportlab.plot._common import finish, section_legend
from exportlab.plot.colors import section_color

__all__ = ["product_space"]


def _sizes(values: pd.Series, smallest: float = 12.0, largest: float = 320.0) -> np.ndarray:
    v = np.clip(values.to_numpy(dtype=float), 0.0, None)
    top = v.max() if len(v) and v.max() > 0 else 1.0
    return smallest + (largest - smallest) * np.sqrt(v / top)


def product_space(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    overlay: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    size_label: str | None = None,
    label: Callable[[str], str] | None = None,
    n_labels: int = 0,
    label_width: int = 34,
) -> Figure:
    """Draw the product space with one region's products on it.

    ``nodes``/``edges``: :func:`exportlab.productspace.cached_space`; ``overlay``:
    :func:`exportlab.productspace.region_overlay`. Every product is a circle coloured by its HS
    section, its area proportional to ``overlay["size"]``; products with RCA ≥ 1 are drawn solid
    with a dark rim, the others faded; the region's high-density opportunities get a black ring.
    Links of the spanning tree are darker than the added strongest links. ``label`` (code → text)
    and ``n_labels``: name the densest opportunities (labels shortened to ``label_width``
    characters).
    """
    fig, ax = plt.subplots(figsize=(9.0, 9.6))
    ax.set_axis_off()
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    pos = nodes[["x", "y"]]
    e = edges[edges["source"].isin(pos.index) & edges["target"].isin(pos.index)]
    for tree, color, width in ((False, "#d0d0d0", 0.4), (True, "#9e9e9e", 0.7)):
        part = e[e["tree"] == tree]
        if len(part):
            segs = np.stack(
                [pos.loc[part["source"]].to_numpy(), pos.loc[part["target"]].to_numpy()], axis=1
            )
            ax.add_collection(LineCollection(segs, colors=color, linewidths=width, zorder=1))
    ov = overlay.reindex(pos.index)
    spec = ov["specialised"].fillna(False).astype(bool).to_numpy()
    opp = ov["opportunity"].fillna(False).astype(bool).to_numpy()
    sizes = _sizes(ov["size"].fillna(0.0))
    colors = np.array([section_color(s) for s in nodes["section"]])
    xy = pos.to_numpy()
    ax.scatter(
        xy[~spec, 0], xy[~spec, 1], s=sizes[~spec], c=colors[~spec], alpha=0.28,
        linewidths=0, zorder=2,
    )  # fmt: skip
    ax.scatter(
        xy[spec, 0], xy[spec, 1], s=sizes[spec], c=colors[spec], edgecolors="#222222",
        linewidths=0.7, zorder=3,
    )  # fmt: skip
    ax.scatter(
        xy[opp, 0], xy[opp, 1], s=sizes[opp] + 60, facecolors="none", edgecolors="black",
        linewidths=1.3, zorder=4,
    )  # fmt: skip
    if label is not None and n_labels > 0 and opp.any():
        from exportlab.plot.style import name_points

        best = ov[ov["opportunity"].fillna(False).astype(bool)]
        best = best.sort_values(["density", "size"], ascending=False).head(n_labels)
        name_points(
            ax,
            pos.loc[best.index, "x"],
            pos.loc[best.index, "y"],
            list(best.index),
            lambda code: textwrap.shorten(label(code), label_width, placeholder="…"),
            None,
        )
    ax.set_xlim(-0.04, 1.04)
    ax.set_ylim(-0.04, 1.04)
    present = [s for s in section_order() if s in set(nodes["section"])]
    marks = [
        Line2D([], [], marker="o", ls="", color="#777777", mec="#222222", mew=0.7, ms=8,
               label=t("Region's product with RCA ≥ 1", "Товар региона с RCA ≥ 1", lang)),
        Line2D([], [], marker="o", ls="", color="#777777", alpha=0.28, ms=8,
               label=t("Not specialised (RCA < 1)", "Нет специализации (RCA < 1)", lang)),
        Line2D([], [], marker="o", ls="", mfc="none", mec="black", mew=1.3, ms=10,
               label=t("High-density opportunity", "Возможность с высокой плотностью", lang)),
    ]  # fmt: skip
    size_text = size_label or t(
        "Circle area: export of all regions", "Площадь круга: экспорт всех регионов", lang
    )
    marks.append(Line2D([], [], ls="", label=size_text))
    first = ax.legend(
        handles=marks, loc="upper left", bbox_to_anchor=(0.0, -0.005), ncol=2, fontsize=8,
        handlelength=1.2,
    )  # fmt: skip
    ax.add_artist(first)
    section_legend(ax, present, lang, y=-0.085)
    return finish(fig, note)
