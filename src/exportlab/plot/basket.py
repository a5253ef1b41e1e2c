"""Export basket figures (for :mod:`exportlab.basket`): a nested treemap and the change by section."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import squarify
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.patheffects import withStroke

from exportlab.hs_sections import section_order
from exportlab.labels import number, t
from exportlab.plot._common import finish, section_legend
from exportlab.plot.colors import section_color

__all__ = ["basket_change", "treemap", "treemap_layout"]

WIDTH, HEIGHT = 100.0, 62.0


def _squarify(values: np.ndarray, x: float, y: float, dx: float, dy: float) -> list[dict]:
    if len(values) == 0 or dx <= 0 or dy <= 0:
        return []
    sizes = squarify.normalize_sizes(list(values), dx, dy)
    return squarify.squarify(sizes, x, y, dx, dy)


def treemap_layout(basket: pd.DataFrame) -> pd.DataFrame:
    """Rectangles of the nested treemap: one row per section, chapter and product of a basket
    (:func:`exportlab.basket.basket`) with ``level, key, section, x, y, dx, dy, value_usd``.

    Sections are laid out by value in a ``WIDTH × HEIGHT`` box (squarified, Bruls et al. 2000),
    chapters inside their section, products inside their chapter; areas are proportional to value.
    """
    rows = []
    b = basket[basket["value_usd"] > 0]
    sec = b.groupby("section")["value_usd"].sum().sort_values(ascending=False, kind="mergesort")
    for s_key, s_rect in zip(
        sec.index, _squarify(sec.to_numpy(), 0, 0, WIDTH, HEIGHT), strict=True
    ):
        rows.append({"level": "section", "key": s_key, "section": s_key, **s_rect})
        in_s = b[b["section"] == s_key]
        chap = (
            in_s.groupby("chapter")["value_usd"]
            .sum()
            .sort_values(ascending=False, kind="mergesort")
        )
        c_rects = _squarify(chap.to_numpy(), s_rect["x"], s_rect["y"], s_rect["dx"], s_rect["dy"])
        for c_key, c_rect in zip(chap.index, c_rects, strict=True):
            rows.append({"level": "chapter", "key": c_key, "section": s_key, **c_rect})
            in_c = in_s[in_s["chapter"] == c_key].sort_values(
                ["value_usd", "product"], ascending=[False, True]
            )
            p_rects = _squarify(
                in_c["value_usd"].to_numpy(), c_rect["x"], c_rect["y"], c_rect["dx"], c_rect["dy"]
            )
            for p_key, p_rect in zip(in_c["product"], p_rects, strict=True):
                rows.append({"level": "product", "key": p_key, "section": s_key, **p_rect})
    out = pd.DataFrame(rows, columns=["level", "key", "section", "x", "y", "dx", "dy"])
    values = {
        "section": b.groupby("section")["value_usd"].sum(),
        "chapter": b.groupby("chapter")["value_usd"].sum(),
        "product": b.groupby("product")["value_usd"].sum(),
    }
    out["value_usd"] = [
        values[lv].get(k, np.nan) for lv, k in zip(out["level"], out["key"], strict=True)
    ]
    return out


def _fit(text: str, width_in: float, height_in: float, fontsize: float) -> str | None:
    """``text`` wrapped to a box of the given size in inches, or None when not even a word fits."""
    char_w, line_h = 0.64 * fontsize / 72.0, 1.25 * fontsize / 72.0
    cols, lines = int(width_in / char_w), int(height_in / line_h)
    if cols < 4 or lines < 1:
        return None
    wrapped = textwrap.wrap(text, cols, break_long_words=False, max_lines=lines, placeholder="…")
    if not wrapped or any(len(line) > cols for line in wrapped):
        return None
    return "\n".join(wrapped)


def treemap(
    basket: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    label_level: str = "product",
) -> Figure:
    """Nested treemap of an export basket: HS section → chapter → product, areas by value.

    Product cells are coloured by section (the section's colour, lighter for smaller shares of the
    section), chapters and sections outlined in white; a cell large enough carries the name of the
    product (or of the chapter, ``label_level="chapter"``) and its share of the region's export.
    """
    fig, ax = plt.subplots(figsize=(10.0, 7.6))
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    layout = treemap_layout(basket)
    if layout.empty:
        ax.text(0.5, 0.5, t("No export", "Нет экспорта", lang), ha="center", transform=ax.transAxes)
        return finish(fig, note)
    total = basket["value_usd"].sum()
    names = {
        "product": dict(zip(basket["product"], basket["name"], strict=True)),
        "chapter": dict(zip(basket["chapter"], basket["chapter_name"], strict=True)),
    }
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, HEIGHT)
    fig.canvas.draw()
    bbox = ax.get_window_extent().transformed(fig.dpi_scale_trans.inverted())
    per_x, per_y = bbox.width / WIDTH, bbox.height / HEIGHT
    widths = {"product": 0.4, "chapter": 1.2, "section": 2.4}
    for level in ("product", "chapter", "section"):
        for row in layout[layout["level"] == level].itertuples():
            face = section_color(row.section) if level == "product" else "none"
            ax.add_patch(
                Rectangle(
                    (row.x, row.y), row.dx, row.dy, facecolor=face, edgecolor="white",
                    linewidth=widths[level], zorder={"product": 1, "chapter": 2, "section": 3}[level],
                )
            )  # fmt: skip
    halo = [withStroke(linewidth=1.6, foreground="#00000066")]
    for row in layout[layout["level"] == label_level].itertuples():
        share = row.value_usd / total
        text = f"{names[label_level].get(row.key, row.key)} {number(100 * share, '.1f', lang)}%"
        fontsize = float(np.clip(5.5 + 10 * np.sqrt(share), 5.5, 11))
        fitted = _fit(text, row.dx * per_x - 0.06, row.dy * per_y - 0.05, fontsize)
        if fitted is None:
            continue
        ax.text(
            row.x + 0.6, row.y + row.dy - 0.8, fitted, ha="left", va="top", fontsize=fontsize,
            color="white", zorder=4, clip_on=True, path_effects=halo,
        )  # fmt: skip
    present = [s for s in section_order() if s in set(layout["section"])]
    section_legend(ax, present, lang, y=-0.01)
    return finish(fig, note)


def basket_change(
    change: pd.DataFrame,
    base_year: int,
    year: int,
    *,
    lang: str = "en",
    title: str | None = None,
    note: str = "",
    top: int = 12,
) -> Figure:
    """Export by HS section (or chapter) in two years, from :func:`exportlab.basket.basket_change`.

    Paired horizontal bars (million US dollars) for the ``top`` largest groups, each labelled with its
    growth in per cent ("new" for a group absent in the base year).
    """
    rows = change.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.6, 0.42 * len(rows) + 1.8))
    if title:
        ax.set_title(title)
    y = np.arange(len(rows))
    colors = [section_color(k) for k in rows["key"]]
    ax.barh(y + 0.2, rows["value_base"] / 1e6, height=0.38, color=colors, alpha=0.4,
            label=str(base_year))  # fmt: skip
    ax.barh(y - 0.2, rows["value"] / 1e6, height=0.38, color=colors, label=str(year))
    right = float(np.nanmax(np.r_[rows["value"], rows["value_base"], 0]) / 1e6) or 1.0
    for yi, (v, g) in enumerate(zip(rows["value"] / 1e6, rows["growth_pct"], strict=True)):
        text = t("new", "новый", lang) if not np.isfinite(g) else f"{g:+.0f}%"
        ax.text(max(v, 0) + 0.01 * right, yi - 0.2, text, va="center", fontsize=7)
    ax.set_xlim(0, right * 1.15)
    labels = [
        textwrap.shorten(f"{k} {n}", 48, placeholder="…")
        for k, n in zip(rows["key"], rows["name"], strict=True)
    ]
    ax.set_yticks(y, labels)
    ax.set_xlabel(t("Export, million USD", "Экспорт, млн долл. США", lang))
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(facecolor="#777777", alpha=0.4, label=str(base_year)),
            Patch(facecolor="#777777", label=str(year)),
        ],
        loc="lower right",
    )
    return finish(fig, note)
