"""The plotting layer: figures of the concept modules, drawn with the project's style.

Each function takes the tables a concept module computed (:mod:`exportlab.productspace`,
:mod:`exportlab.basket`, :mod:`exportlab.sophistication`, :mod:`exportlab.newproducts`,
:mod:`exportlab.survival`, :mod:`exportlab.outcomes`, :mod:`exportlab.strategy`), draws one figure with
labels in ``lang`` and returns the :class:`matplotlib.figure.Figure`; the caller writes it with
:func:`exportlab.style.save_figure`. Nothing here computes a result the tables do not hold.

>>> from exportlab.plot import section_color
>>> section_color("XVI")
'#1f5fa8'
"""

from __future__ import annotations

from exportlab.plot._common import SECTION_COLORS, section_color, section_legend_handles

__all__ = ["SECTION_COLORS", "section_color", "section_legend_handles"]
