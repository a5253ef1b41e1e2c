"""Shared pieces of the plotting layer: HS section colours, legends, the note under a figure."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from exportlab.hs_sections import OTHER, section_name
from exportlab.labels import t
from exportlab.plot.colors import section_color
from exportlab.plot.style import add_note


def section_legend_handles(sections: Iterable[str], lang: str, width: int = 40) -> list[Patch]:
    """Legend patches for ``sections`` (in the given order): ``"XVI Machinery…"``, names wrapped
    at ``width`` characters."""
    handles = []
    for s in sections:
        label = section_name(s, lang) if s == OTHER else f"{s}  {section_name(s, lang)}"
        label = "\n".join(textwrap.wrap(label, width))
        handles.append(Patch(facecolor=section_color(s), edgecolor="none", label=label))
    return handles


def section_legend(ax: Axes, sections: Iterable[str], lang: str, *, y: float) -> None:
    """The legend of HS section colours under ``ax`` (its top at ``y``, in axes fractions), three columns."""
    ax.legend(
        handles=section_legend_handles(sections, lang),
        loc="upper left",
        bbox_to_anchor=(0.0, y),
        ncol=3,
        fontsize=7,
        title=t("HS section", "Раздел ТН ВЭД", lang),
        title_fontsize=8,
        alignment="left",
    )


def figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax`` and its figure, or a new figure of ``figsize`` inches."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def finish(fig: Figure, note: str = "", *, bottom: float = 0.04, reserve: bool = False) -> Figure:
    """Tighten ``fig`` leaving room for the note line, then write the note (source, synthetic data).

    The bottom band (``bottom``, a fraction of the figure's height) is kept empty for the note; without
    a note it is dropped unless ``reserve`` (the generic charts of :mod:`exportlab.plot.charts` keep it,
    so a figure has the same layout with and without a source line).
    """
    fig.tight_layout(rect=(0, bottom if note or reserve else 0, 1, 1))
    add_note(fig, note)
    return fig
