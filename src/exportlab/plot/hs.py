"""HS product names on figures (for :mod:`exportlab.hs`): a key of the products labelled by code."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text

__all__ = ["add_name_key"]


def add_name_key(
    ax: Axes,
    codes: Iterable[str],
    labels: Iterable[str | None],
    *,
    max_chars: int = 42,
    fontsize: float = 6.5,
) -> Text:
    """Write a key "code  name" for the products labelled by code on a figure, right of ``ax``.

    Names longer than ``max_chars`` are cut with "…"; a missing name shows the code alone. The key
    sits below the legend (``ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))``) at the bottom
    right of the axes. Returns the matplotlib ``Text``.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> add_name_key(ax, ["2208"], ["Ethyl alcohol, undenatured"]).get_text()
    '2208  Ethyl alcohol, undenatured'
    >>> plt.close(fig)
    """
    lines = []
    for code, name in zip(codes, labels, strict=True):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        if len(text) > max_chars:
            text = text[: max_chars - 1].rstrip(" ,;") + "…"
        lines.append(f"{code}  {text}".rstrip())
    return ax.text(
        1.02,
        0.0,
        "\n".join(lines),
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=fontsize,
        linespacing=1.25,
    )
