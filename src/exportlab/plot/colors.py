"""Colours fixed across all figures and pages: region types, the line palette, HS sections.

Plain data (no matplotlib), so that the HTML explorer and the figures share one set.

>>> type_colors([1, None, 9])
['#1b9e77', '#999999', '#999999']
"""

from __future__ import annotations

from collections.abc import Iterable

from exportlab.hs_sections import OTHER

#: Colours of the four region types (the DAED paper), fixed across all figures.
TYPE_COLORS: dict[int, str] = {1: "#1b9e77", 2: "#7570b3", 3: "#e6ab02", 4: "#d95f02"}

PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def type_colors(types: Iterable[object]) -> list[str]:
    """Colour of each region type (1–4, see :data:`TYPE_COLORS`); grey for a missing or other type.

    >>> type_colors([1, None, 9])
    ['#1b9e77', '#999999', '#999999']
    """
    colors = []
    for k in types:
        try:
            colors.append(TYPE_COLORS.get(int(k), "#999999"))
        except (TypeError, ValueError):  # None, NaN, pd.NA
            colors.append("#999999")
    return colors


#: One colour per HS section (fixed across all figures), grey for chapters outside the sections.
SECTION_COLORS: dict[str, str] = {
    "I": "#b5651d",
    "II": "#7cb342",
    "III": "#f2c14e",
    "IV": "#e57c23",
    "V": "#37474f",
    "VI": "#c2185b",
    "VII": "#ab47bc",
    "VIII": "#8d6e63",
    "IX": "#2e7d32",
    "X": "#a1887f",
    "XI": "#26a69a",
    "XII": "#f06292",
    "XIII": "#90a4ae",
    "XIV": "#d4af37",
    "XV": "#d84315",
    "XVI": "#1f5fa8",
    "XVII": "#4fc3f7",
    "XVIII": "#5e35b1",
    "XIX": "#6d4c41",
    "XX": "#ffb300",
    "XXI": "#880e4f",
    OTHER: "#bdbdbd",
}


def section_color(section: str) -> str:
    """The fixed colour of an HS section (grey for an unknown one)."""
    return SECTION_COLORS.get(str(section), SECTION_COLORS[OTHER])
