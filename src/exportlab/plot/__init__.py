"""The plotting layer: the only package that imports matplotlib.

Concept modules compute tables; the functions here draw them, one module per concept
(:mod:`exportlab.plot.basket`, :mod:`exportlab.plot.productspace`, …), with labels in ``lang``, and
return a :class:`matplotlib.figure.Figure`; the caller writes it with :func:`save_figure`. Nothing here
computes a result the tables do not hold. :mod:`exportlab.plot.style` holds the matplotlib style and
the figure writer, :mod:`exportlab.plot.colors` the fixed colours (plain data, no matplotlib).

Submodules and the style's functions load on first use, so ``import exportlab.plot.colors`` does not
load matplotlib.

>>> from exportlab import plot
>>> plot.colors.section_color("XVI")
'#1f5fa8'
"""

from __future__ import annotations

import importlib
from typing import Any

#: Functions of :mod:`exportlab.plot.style` reachable as ``plot.<name>`` (a notebook's short form).
_STYLE = ("add_note", "apply_style", "name_points", "save_figure", "save_figures", "spread_labels")

__all__ = ["colors", "style", *_STYLE]


def __getattr__(name: str) -> Any:
    if name in _STYLE:
        return getattr(importlib.import_module("exportlab.plot.style"), name)
    try:
        return importlib.import_module(f"exportlab.plot.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"exportlab.plot.{name}":
            raise
        raise AttributeError(f"module 'exportlab.plot' has no attribute {name!r}") from None
