"""Shared pieces of the plotting layer: HS section colours, legends, the note under a figure."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from exportlab.hs_sections import OTHER, section_name
from exportlab.style import add_note

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


def section_legend_handles(sections: Iterable[str], lang: str, width: int = 40) -> list[Patch]:
    """Legend patches for ``sections`` (in the given order): ``"XVI Machinery…"``, names wrapped
    at ``width`` characters."""
    handles = []
    for s in sections:
        label = section_name(s, lang) if s == OTHER else f"{s}  {section_name(s, lang)}"
        label = "\n".join(textwrap.wrap(label, width))
        handles.append(Patch(facecolor=section_color(s), edgecolor="none", label=label))
    return handles


def finish(fig: Figure, note: str = "", *, bottom: float = 0.04) -> Figure:
    """Tighten ``fig`` leaving room for the note line, then write the note (source, synthetic data)."""
    fig.tight_layout(rect=(0, bottom if note else 0, 1, 1))
    add_note(fig, note)
    return fig
