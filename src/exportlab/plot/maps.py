"""Choropleth maps of regional indicators, on polygons or on the tile-grid cartogram.

* :func:`choropleth` — a numeric indicator classified by a mapclassify scheme (quantiles,
  Fisher–Jenks, user bins), a legend with class bounds and the unit, hatched "no data";
* :func:`choropleth_grid` — several indicators (e.g. the high-tech share of each segment) in small
  multiples with one common classification, so the panels can be compared;
* :func:`categorical` — categories with a fixed colour each (the four region types by default);
* :func:`draw_on_layers` — one map on every layer of :func:`exportlab.maps.map_layers`, keyed by
  file name; :func:`exportlab.plot.style.save_figures` writes such a dict of figures.

Every map takes a layer from :func:`exportlab.geo.load_regions` (or a source for it: ``"auto"``,
``"dcw"``, ``"tiles"`` or a file path) and a ``pandas.Series`` indexed by ISO 3166-2 code; the classes
come from :func:`exportlab.maps.classify`. On a polygon map, Moscow and St Petersburg get zoomed
insets, and the regions of the reference that the layer has no polygon for (Crimea, Sevastopol and
the regions added in 2022 in DCW-GMT) are listed under the map with their values. Labels are English
or Russian (``lang``); a map of synthetic demo data says so. The functions return figures and write
nothing; the caller writes them with :func:`exportlab.plot.save_figure` as
``map_<what>_<polygons|tiles>.png|svg`` (:func:`exportlab.maps.map_name`), or all the maps of a cell
at once with :func:`exportlab.plot.style.save_figures` (notebooks hold no loops).
"""

from __future__ import annotations

import math
import textwrap
import weakref
from collections.abc import Callable, Mapping, Sequence

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.colors import Colormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath

from exportlab import geo as _geo
from exportlab.labels import check_lang, source_note, t
from exportlab.maps import (
    class_labels,
    classify,
    format_number,
    label_decimals,
    map_name,
    region_series,
)
from exportlab.plot.colors import PALETTE, TYPE_COLORS
from exportlab.typology import TYPES, type_label

__all__ = [
    "categorical",
    "choropleth",
    "choropleth_grid",
    "draw_on_layers",
    "geometry_path",
]

NO_DATA_COLOR = "#f2f2f2"
NO_DATA_EDGE = "#8c8c8c"
NO_DATA_HATCH = "/////"
EDGE_COLOR = "#ffffff"

#: Zoomed insets of a polygon map: name → (ISO codes framed, margin in layer units, EN, RU title).
INSETS: dict[str, tuple[tuple[str, ...], float, str, str]] = {
    "moscow": (("RU-MOW",), 90_000.0, "Moscow", "Москва"),
    "spb": (("RU-SPE",), 60_000.0, "St Petersburg", "Санкт-Петербург"),
}
#: Height of an inset (share of the map axes) and the left edge of the first one.
INSET_SIZE = 0.19
INSET_X = 0.515
#: Free band below a polygon map with insets (share of the layer's height).
INSET_BAND = 0.12


def _axes_ratio(ax) -> float:
    """Height / width of ``ax`` on the figure (to turn a height share into a width share)."""
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    return (pos.height * fig_h) / (pos.width * fig_w)


# --------------------------------------------------------------------------------------------------
# Inputs


def _layer(source, **kwargs) -> gpd.GeoDataFrame:
    if isinstance(source, gpd.GeoDataFrame):
        return source
    return _geo.load_regions(source, **kwargs)


def _reference_codes(gdf: gpd.GeoDataFrame, reference) -> list[str]:
    """Codes of the reference regions; the default reference only when it matches the layer."""
    if reference is not None:
        return _geo._reference_codes(reference)
    try:
        codes = _geo._reference_codes(None)
    except Exception:  # no reference available: only the values can be missing
        return []
    return codes if set(codes) & set(gdf["iso"].astype(str)) else []


def _names(lang: str, short: bool = False) -> dict[str, str]:
    try:
        from exportlab import regions

        return regions.region_names(lang, short=short)
    except Exception:  # a user layer of another country: codes are the names
        return {}


def _colors(cmap: str | Colormap, n: int) -> list[tuple[float, float, float, float]]:
    cm = plt.get_cmap(cmap) if isinstance(cmap, str) else cmap
    if n == 1:
        return [cm(0.6)]
    return [cm(0.12 + 0.83 * i / (n - 1)) for i in range(n)]


# --------------------------------------------------------------------------------------------------
# Drawing helpers


def _ring_path(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[0] = MplPath.MOVETO
    codes[-1] = MplPath.CLOSEPOLY
    return coords, codes


def geometry_path(geom) -> MplPath:
    """A matplotlib path of a (multi)polygon, holes included (even-odd filling is not needed)."""
    verts, codes = [], []
    for poly in _geo._polygons_of(geom):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            v, c = _ring_path(xy)
            verts.append(v)
            codes.append(c)
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _draw(
    ax, gdf: gpd.GeoDataFrame, facecolors, *, hatch=None, edgecolor=EDGE_COLOR, linewidth=0.25
):
    if gdf.empty:
        return None
    paths = [geometry_path(g) for g in gdf.geometry]
    coll = PathCollection(
        paths,
        facecolors=facecolors,
        edgecolors=edgecolor,
        linewidths=linewidth,
        hatch=hatch,
        zorder=1,
    )
    ax.add_collection(coll)
    return coll


def _luminance(color) -> float:
    r, g, b, _ = to_rgba(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _tile_labels(gdf: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Short labels of tiles: the grid's ``label_<lang>`` column, else short names or ISO suffixes."""
    column = f"label_{lang}"
    given = dict(zip(gdf["iso"], gdf[column], strict=True)) if column in gdf else {}
    names = _names(lang, short=True) if lang != "en" else {}
    out = {}
    for iso in gdf["iso"]:
        label = given.get(iso)
        if not isinstance(label, str) or not label:
            label = names.get(iso) or iso.split("-", 1)[-1]
        out[iso] = label
    return out


def _polygon_labels(gdf: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Labels of polygons: the short tile labels of the package grid, else short names."""
    try:
        grid = _geo.load_tile_grid()
        given = dict(zip(grid["iso"], grid.get(f"label_{lang}", grid["iso"]), strict=True))
    except (OSError, ValueError):
        given = {}
    names = _names(lang, short=True) if lang != "en" else {}
    return {iso: given.get(iso) or names.get(iso) or iso.split("-", 1)[-1] for iso in gdf["iso"]}


def _draw_tile_text(
    ax,
    gdf,
    facecolor: Mapping[str, object],
    lang,
    texts: Mapping[str, str] | None,
    fontsize: float = 5.6,
):
    labels = _tile_labels(gdf, lang)
    # Inches per tile (the axes keep an equal aspect: the smaller scale applies) so that a long
    # label is shrunk to fit its tile (about 0.6 em per character).
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    tile_in = min(pos.width * fig_w / abs(x1 - x0), pos.height * fig_h / abs(y1 - y0))
    for iso, row, col in zip(gdf["iso"], gdf["row"], gdf["col"], strict=True):
        dark = _luminance(facecolor.get(iso, NO_DATA_COLOR)) < 0.45
        color = "white" if dark else "#222222"
        label = labels[iso]
        size = fontsize if len(label) <= 7 else fontsize * 0.9
        size = min(size, 0.9 * tile_in * 72 / (0.6 * max(len(label), 1)))
        extra = texts.get(iso) if texts else None
        y = -row - 0.5
        if extra:
            ax.text(
                col + 0.5, y + 0.14, label, ha="center", va="center", fontsize=size, color=color
            )
            ax.text(
                col + 0.5,
                y - 0.2,
                extra,
                ha="center",
                va="center",
                fontsize=fontsize * 0.86,
                color=color,
            )
        else:
            ax.text(col + 0.5, y, label, ha="center", va="center", fontsize=size, color=color)


def _draw_polygon_text(ax, gdf, facecolor: Mapping[str, object], lang, min_area_share=0.004):
    """Labels of the larger regions, skipping any that would overlap one already placed."""
    labels = _polygon_labels(gdf, lang)
    areas = gdf.geometry.area
    total = float(areas.sum()) or 1.0
    order = np.argsort(-areas.to_numpy(), kind="stable")
    x0, x1 = ax.get_xlim()
    width = x1 - x0
    placed: list[tuple[float, float, float, float]] = []
    for i in order:
        if areas.iloc[i] / total < min_area_share:
            break
        iso = gdf["iso"].iloc[i]
        point = gdf.geometry.iloc[i].representative_point()
        label = labels[iso]
        half_w = width * 0.0042 * len(label)
        half_h = width * 0.009
        box = (point.x - half_w, point.y - half_h, point.x + half_w, point.y + half_h)
        if any(
            not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in placed
        ):
            continue
        placed.append(box)
        dark = _luminance(facecolor.get(iso, NO_DATA_COLOR)) < 0.45
        ax.text(
            point.x,
            point.y,
            label,
            ha="center",
            va="center",
            fontsize=5.2,
            color="white" if dark else "#222222",
            zorder=3,
        )


def _frame(ax, gdf: gpd.GeoDataFrame, pad: float = 0.01, bottom: float = 0.0) -> None:
    """Fit the axes to the layer; ``bottom`` adds free space below it (a share of its height)."""
    minx, miny, maxx, maxy = gdf.total_bounds
    dx, dy = (maxx - minx) * pad, (maxy - miny) * pad
    ax.set_xlim(minx - dx, maxx + dx)
    ax.set_ylim(miny - dy - (maxy - miny) * bottom, maxy + dy)
    ax.set_aspect("equal")
    ax.set_axis_off()


_DISPLAY_CACHE: dict[tuple[int, float], tuple[weakref.ref, gpd.GeoDataFrame]] = {}


def _display_layer(gdf: gpd.GeoDataFrame, share: float = 1 / 4000) -> gpd.GeoDataFrame:
    """The layer simplified to ``share`` of its width (about a pixel at 300 dpi), cached per layer.

    The whole-country view needs no more detail than that; the insets use the full layer.
    """
    minx, _, maxx, _ = gdf.total_bounds
    tolerance = (maxx - minx) * share
    key = (id(gdf), round(tolerance, 6))
    hit = _DISPLAY_CACHE.get(key)
    if hit is not None and hit[0]() is gdf:
        return hit[1]
    out = gdf.copy()
    out["geometry"] = _geo.simplify(gdf.geometry, tolerance)
    for stale in [k for k, (ref, _) in _DISPLAY_CACHE.items() if ref() is None]:
        del _DISPLAY_CACHE[stale]
    _DISPLAY_CACHE[key] = (weakref.ref(gdf), out)
    return out


def _draw_layer(ax, gdf, facecolor: Mapping[str, object], *, kind: str, linewidth=None):
    if kind == "polygons" and linewidth is None:
        gdf = _display_layer(gdf)
    has = gdf["iso"].map(lambda c: c in facecolor)
    lw = linewidth if linewidth is not None else (0.25 if kind == "polygons" else 0.0)
    _draw(ax, gdf[has], [facecolor[c] for c in gdf.loc[has, "iso"]], linewidth=lw)
    with plt.rc_context({"hatch.linewidth": 0.4, "hatch.color": NO_DATA_EDGE}):
        _draw(
            ax,
            gdf[~has],
            NO_DATA_COLOR,
            hatch=NO_DATA_HATCH,
            edgecolor=NO_DATA_EDGE if kind == "polygons" else NO_DATA_COLOR,
            linewidth=0.25 if kind == "polygons" else 0.3,
        )


def _insets(ax, gdf, facecolor, lang, insets: Sequence[str], fontsize: float = 7) -> None:
    """Zoomed insets (Moscow, St Petersburg) in the lower middle of a polygon map of Russia."""
    codes = set(gdf["iso"])
    wanted = [name for name in insets if name in INSETS and set(INSETS[name][0]) <= codes]
    if not wanted:
        return
    # Lower middle of the map, over Mongolia and China (no region there) and the free band below.
    size, x = INSET_SIZE, INSET_X
    for name in wanted:
        isos, margin, en, ru = INSETS[name]
        target = gdf[gdf["iso"].isin(isos)]
        minx, miny, maxx, maxy = target.total_bounds
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        half = max(maxx - minx, maxy - miny) / 2 + margin
        box = (cx - half, cy - half, cx + half, cy + half)
        sub = gdf.cx[box[0] : box[2], box[1] : box[3]]
        inset = ax.inset_axes([x, 0.01, size, size])
        inset.set_box_aspect(1)
        _draw_layer(inset, sub, facecolor, kind="polygons", linewidth=0.5)
        inset.set_xlim(box[0], box[2])
        inset.set_ylim(box[1], box[3])
        inset.set_aspect("equal")
        inset.set_xticks([])
        inset.set_yticks([])
        for spine in inset.spines.values():
            spine.set_visible(True)
            spine.set_linewidth(0.6)
            spine.set_color("#555555")
        inset.set_title(t(en, ru, lang), fontsize=fontsize, fontweight="normal", pad=2)
        ax.add_patch(
            Rectangle(
                (box[0], box[1]),
                box[2] - box[0],
                box[3] - box[1],
                fill=False,
                linewidth=0.5,
                edgecolor="#555555",
                zorder=4,
            )
        )
        x += size * _axes_ratio(ax) + 0.02


# --------------------------------------------------------------------------------------------------
# Notes under the map


def _missing_note(
    gdf: gpd.GeoDataFrame, values: pd.Series | None, reference, lang: str, formatter=None
) -> str:
    codes = _reference_codes(gdf, reference)
    missing = _geo.missing_regions(gdf, codes) if codes else []
    present = set(gdf["iso"])
    if values is not None:
        missing += [c for c in values.index if c not in present and c not in missing]
    if not missing:
        return ""
    names = _names(lang, short=True)
    items = []
    for iso in missing:
        name = names.get(iso, iso)
        if values is not None and iso in values.index and pd.notna(values[iso]):
            shown = formatter(values[iso]) if formatter else str(values[iso])
            items.append(f"{name} ({shown})")
        else:
            items.append(name)
    head = t("Not on the map (no boundaries): ", "Нет на карте (нет границ): ", lang)
    return head + ", ".join(items)


def _notes(fig: Figure, lines: Sequence[str], *, width: int = 150) -> None:
    text_lines = []
    for line in lines:
        if line:
            text_lines.extend(textwrap.wrap(line, width=width))
    if not text_lines:
        return
    synthetic = any("SYNTHETIC" in s or "СИНТЕТИЧЕСКИЕ" in s for s in lines)
    height = fig.get_size_inches()[1]
    y = 0.04 / height
    for line in reversed(text_lines):
        red = synthetic and ("SYNTHETIC" in line or "СИНТЕТИЧЕСКИЕ" in line)
        fig.text(
            0.01,
            y,
            line,
            ha="left",
            va="bottom",
            fontsize=6.5,
            color="#b2182b" if red else "#444444",
        )
        y += 0.16 / height


def _source_line(lang: str, synthetic: bool, source: str | None) -> str:
    try:
        return source_note(lang, synthetic=synthetic, source=source)
    except TypeError:  # an older signature without ``source``
        note = source_note(lang, synthetic)
        return (t("Source: ", "Источник: ", lang) + source + ". " + note) if source else note


# --------------------------------------------------------------------------------------------------
# Public maps


def _new_figure(kind: str, gdf: gpd.GeoDataFrame, figsize=None, bottom: float = 0.0):
    """A figure sized to the layer: the map axes, 0.45 in for the title, 0.75 in for the notes."""
    top_in, notes_in, width = 0.45, 0.75, 8.0
    if kind == "tiles":
        width = 8.0
        ratio = (gdf["row"].max() + 1) / (gdf["col"].max() + 1)
    else:
        minx, miny, maxx, maxy = gdf.total_bounds
        ratio = (maxy - miny) * (1 + bottom + 0.02) / ((maxx - minx) * 1.02)
    map_w = width - 0.2
    if figsize is None:
        figsize = (width, map_w * ratio + top_in + notes_in)
    fig = plt.figure(figsize=figsize)
    height = figsize[1]
    ax = fig.add_axes(
        [0.1 / width, notes_in / height, map_w / width, 1 - (notes_in + top_in) / height]
    )
    return fig, ax


def _legend(ax, handles, title: str | None, kind: str, *, ncol: int = 1) -> None:
    loc = "lower right" if kind == "tiles" else "lower left"
    anchor = (0.98, 0.02) if kind == "tiles" else (0.0, 0.0)
    legend = ax.legend(
        handles=handles,
        title=title,
        loc=loc,
        bbox_to_anchor=anchor,
        fontsize=7,
        title_fontsize=7.5,
        frameon=True,
        framealpha=0.9,
        edgecolor="#cccccc",
        handlelength=1.6,
        handleheight=1.1,
        ncol=ncol,
        alignment="left",
    )
    legend.set_zorder(5)


def _classified(
    values: pd.Series,
    scheme: str,
    k: int,
    bins: Sequence[float] | None,
    cmap: str | Colormap,
    lang: str,
    fmt: str | None,
) -> tuple[pd.Series, list[float], list, pd.Series, list[str]]:
    """The classes of ``values`` (see :func:`exportlab.maps.classify`), one colour per class, the
    finite values and the legend's class labels."""
    classes, bounds = classify(values, scheme=scheme, k=k, bins=bins)
    finite = pd.to_numeric(values, errors="coerce")
    finite = finite[np.isfinite(finite)]
    minimum = float(finite.min()) if len(finite) else 0.0
    return (
        classes,
        bounds,
        _colors(cmap, len(bounds)),
        finite,
        class_labels(bounds, minimum, lang, fmt),
    )


def choropleth(
    geo,
    values: pd.Series,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Colormap = "YlGnBu",
    title: str | None = None,
    unit: str | None = None,
    lang: str = "en",
    synthetic: bool = False,
    source: str | None = None,
    labels: bool = False,
    ax=None,
    inset_moscow: bool = True,
    *,
    fmt: str | None = None,
    reference=None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """A classified choropleth of ``values`` (a Series indexed by ISO code) on ``geo``.

    ``geo`` is a layer of :func:`exportlab.geo.load_regions` or a source for it. ``scheme`` /
    ``k`` / ``bins`` choose the classes (see :func:`exportlab.maps.classify`); the legend shows each
    class's bounds and ``unit`` as its title, plus a hatched "no data" entry. ``labels`` writes short names on the
    larger polygons (tiles always carry their label; with ``labels`` they also show the value).
    ``inset_moscow`` adds the Moscow and St Petersburg insets to a polygon map. ``fmt`` is a format
    string for the bounds (``"{:.0%}"``); ``reference`` is the region reference whose regions
    without boundaries are listed under the map (default: ``exportlab.regions``). With ``ax``, the
    map is drawn into that axes and the notes are left to the caller. Returns the figure.
    """
    check_lang(lang)
    gdf = _layer(geo)
    kind = _geo.layout_kind(gdf)
    values = region_series(values)
    classes, bounds, palette, finite, legend_labels = _classified(
        values, scheme, k, bins, cmap, lang, fmt
    )
    facecolor = {iso: palette[c] for iso, c in classes.items() if c >= 0}
    decimals = label_decimals([float(finite.min()), *bounds]) if len(finite) else 0

    def formatter(x: float) -> str:
        return fmt.format(x) if fmt else format_number(float(x), decimals, lang)

    own = ax is None
    band = INSET_BAND if kind == "polygons" and inset_moscow else 0.0
    fig, ax = _new_figure(kind, gdf, figsize, band) if own else (ax.figure, ax)
    _draw_layer(ax, gdf, facecolor, kind=kind)
    with_insets = kind == "polygons" and inset_moscow
    _frame(ax, gdf, bottom=INSET_BAND if with_insets else 0.0)
    texts = None
    if kind == "tiles":
        if labels:
            texts = {iso: formatter(finite[iso]) for iso in gdf["iso"] if iso in finite.index}
        _draw_tile_text(ax, gdf, facecolor, lang, texts)
    elif labels:
        _draw_polygon_text(ax, gdf, facecolor, lang)
    if with_insets:
        _insets(ax, gdf, facecolor, lang, ("moscow", "spb"))
    counts = classes[classes.index.isin(gdf["iso"])].value_counts()
    handles = [
        Patch(facecolor=color, edgecolor="none", label=f"{label}  ({int(counts.get(i, 0))})")
        for i, (color, label) in enumerate(zip(palette, legend_labels, strict=True))
    ]
    handles.append(_no_data_handle(lang))
    _legend(ax, handles, unit, kind)
    if title:
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold", pad=4)
    if own:
        _notes(
            fig,
            [
                _missing_note(gdf, values, reference, lang, formatter)
                if kind == "polygons"
                else "",
                _scheme_note(scheme, lang),
                _geo.boundary_credit(gdf, lang),
                _source_line(lang, synthetic, source),
            ],
        )
    return fig


def _no_data_handle(lang: str) -> Patch:
    return Patch(
        facecolor=NO_DATA_COLOR,
        edgecolor=NO_DATA_EDGE,
        hatch=NO_DATA_HATCH,
        linewidth=0.4,
        label=t("no data", "нет данных", lang),
    )


def _scheme_note(scheme: str, lang: str) -> str:
    names = {
        "quantiles": {"en": "quantiles", "ru": "квантили"},
        "fisher_jenks": {
            "en": "Fisher–Jenks natural breaks",
            "ru": "естественные интервалы Фишера–Дженкса",
        },
        "user": {"en": "fixed bounds", "ru": "заданные границы"},
    }
    en, ru = names[scheme]["en"], names[scheme]["ru"]
    return t(
        f"Classes: {en}; in brackets, the number of regions.",
        f"Классы: {ru}; в скобках — число регионов.",
        lang,
    )


def choropleth_grid(
    geo,
    table: pd.DataFrame,
    titles: Mapping[str, str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Colormap = "YlGnBu",
    title: str | None = None,
    unit: str | None = None,
    lang: str = "en",
    synthetic: bool = False,
    source: str | None = None,
    ncols: int = 2,
    *,
    fmt: str | None = None,
    reference=None,
    inset_moscow: bool = True,
) -> Figure:
    """Small multiples: one map per column of ``table`` (index ISO codes), one common classification.

    The classes are computed on all the panels' values together, so a colour means the same in
    every panel; one legend serves them all. Polygon panels carry the Moscow and St Petersburg
    insets (``inset_moscow``); the regions without boundaries are listed once under the figure.
    Long panel titles are wrapped to the panel's width.
    """
    check_lang(lang)
    gdf = _layer(geo)
    kind = _geo.layout_kind(gdf)
    table = table.copy()
    table.index = table.index.astype(str)
    stacked = table.stack(future_stack=True)
    classes, bounds, palette, finite, legend_labels = _classified(
        stacked, scheme, k, bins, cmap, lang, fmt
    )
    columns = list(table.columns)
    nrows = math.ceil(len(columns) / ncols)
    minx, miny, maxx, maxy = gdf.total_bounds
    with_insets = kind == "polygons" and inset_moscow
    band = INSET_BAND if with_insets else 0.0
    ratio = (maxy - miny) * (1 + band) / (maxx - minx)
    # Layout in inches: title, rows of (panel title + map), legend band, notes.
    panel_w, title_in, legend_in, notes_in = 4.0, 0.45 if title else 0.1, 0.55, 0.6
    # About 0.075 in per character of a 9 pt bold title: wrap to the panel, one line is 0.17 in.
    names = {c: (titles or {}).get(c, str(c)) for c in table.columns}
    wrapped = {
        c: "\n".join(textwrap.wrap(n, int(panel_w / 0.075)) or [n]) for c, n in names.items()
    }
    head_in = 0.08 + 0.17 * max((w.count("\n") + 1 for w in wrapped.values()), default=1)
    panel_h = panel_w * ratio
    width = panel_w * ncols + 0.2
    height = title_in + nrows * (head_in + panel_h) + legend_in + notes_in
    fig = plt.figure(figsize=(width, height))
    for n, column in enumerate(columns):
        r, c = divmod(n, ncols)
        bottom = height - title_in - (r + 1) * (head_in + panel_h)
        ax = fig.add_axes(
            [
                (0.1 + c * panel_w) / width,
                bottom / height,
                (panel_w - 0.1) / width,
                panel_h / height,
            ]
        )
        cls = classes.xs(column, level=1)
        facecolor = {iso: palette[v] for iso, v in cls.items() if v >= 0}
        _draw_layer(ax, gdf, facecolor, kind=kind)
        _frame(ax, gdf, bottom=band)
        if kind == "tiles":
            _draw_tile_text(ax, gdf, facecolor, lang, None, fontsize=3.6)
        elif with_insets:
            _insets(ax, gdf, facecolor, lang, ("moscow", "spb"), fontsize=5.5)
        ax.set_title(wrapped[column], loc="left", fontsize=9, fontweight="bold", pad=3)
    handles = [
        Patch(facecolor=col, edgecolor="none", label=lab)
        for col, lab in zip(palette, legend_labels, strict=True)
    ]
    handles.append(_no_data_handle(lang))
    fig.legend(
        handles=handles,
        title=unit,
        loc="center",
        bbox_to_anchor=(0.5, (notes_in + legend_in / 2) / height),
        ncol=min(len(handles), 6),
        fontsize=7,
        title_fontsize=7.5,
        frameon=False,
        handlelength=1.6,
        handleheight=1.1,
    )
    if title:
        fig.text(0.01, 1 - 0.1 / height, title, ha="left", va="top", fontsize=11, fontweight="bold")
    missing = _missing_note(gdf, None, reference, lang) if kind == "polygons" else ""
    _notes(
        fig,
        [
            missing,
            _scheme_note(scheme, lang).split(";")[0] + ".",
            _geo.boundary_credit(gdf, lang),
            _source_line(lang, synthetic, source),
        ],
    )
    return fig


def categorical(
    geo,
    categories: pd.Series,
    colors: Mapping[object, str] | None = None,
    labels: Mapping[object, str] | None = None,
    title: str | None = None,
    legend_title: str | None = None,
    lang: str = "en",
    synthetic: bool = False,
    source: str | None = None,
    ax=None,
    inset_moscow: bool = True,
    *,
    reference=None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """A map of categories (a Series indexed by ISO code) with one fixed colour per category.

    By default the categories are the four region types 1–4, coloured with
    :data:`exportlab.plot.colors.TYPE_COLORS` and labelled with the paper's names
    (:func:`exportlab.typology.type_label`, as in every other figure of the types); the legend lists
    every category of ``colors`` (present on the map or not) so the colours read the same in every
    figure. Regions without a category are hatched "no data".
    """
    check_lang(lang)
    gdf = _layer(geo)
    kind = _geo.layout_kind(gdf)
    categories = region_series(categories, "categories").dropna()
    if colors is None:
        if set(categories.unique()) <= set(TYPE_COLORS):
            colors = dict(TYPE_COLORS)
        else:
            keys = sorted(categories.unique(), key=str)
            colors = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}
    if labels is None:
        labels = {k: type_label(k, lang) for k in TYPES} if set(colors) <= set(TYPES) else {}
    unknown = sorted(set(categories.unique()) - set(colors), key=str)
    if unknown:
        raise ValueError(f"categories without a colour: {unknown}")
    facecolor = {iso: colors[cat] for iso, cat in categories.items()}
    own = ax is None
    band = INSET_BAND if kind == "polygons" and inset_moscow else 0.0
    fig, ax = _new_figure(kind, gdf, figsize, band) if own else (ax.figure, ax)
    _draw_layer(ax, gdf, facecolor, kind=kind)
    with_insets = kind == "polygons" and inset_moscow
    _frame(ax, gdf, bottom=INSET_BAND if with_insets else 0.0)
    if kind == "tiles":
        _draw_tile_text(ax, gdf, facecolor, lang, None)
    if with_insets:
        _insets(ax, gdf, facecolor, lang, ("moscow", "spb"))
    counts = categories[categories.index.isin(gdf["iso"])].value_counts()
    handles = [
        Patch(
            facecolor=color,
            edgecolor="none",
            label=f"{labels.get(cat, str(cat))}  ({int(counts.get(cat, 0))})",
        )
        for cat, color in colors.items()
    ]
    handles.append(_no_data_handle(lang))
    _legend(ax, handles, legend_title, kind)
    if title:
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold", pad=4)
    if own:
        shown = categories.map(lambda c: labels.get(c, str(c)).split(" ")[0])
        _notes(
            fig,
            [
                _missing_note(gdf, shown, reference, lang, str) if kind == "polygons" else "",
                t("In brackets, the number of regions.", "В скобках — число регионов.", lang),
                _geo.boundary_credit(gdf, lang),
                _source_line(lang, synthetic, source),
            ],
        )
    return fig


def draw_on_layers(
    draw: Callable[..., Figure],
    layers: Mapping[str, gpd.GeoDataFrame],
    what: str,
    *args,
    **kwargs,
) -> dict[str, Figure]:
    """Draw ``draw(layer, *args, **kwargs)`` on every layer; figures keyed by file name.

    ``draw`` is :func:`choropleth`, :func:`choropleth_grid` or :func:`categorical`; ``layers`` comes
    from :func:`exportlab.maps.map_layers`. The keys are ``map_<what>_<polygons|tiles>``
    (:func:`exportlab.maps.map_name`): the caller writes each figure under its key with
    :func:`exportlab.plot.style.save_figures` (the figures stay open for display).

    >>> from exportlab import maps
    >>> layers, _ = maps.map_layers("tiles")
    >>> figures = draw_on_layers(choropleth, layers, "x", pd.Series({"RU-TA": 1.0, "RU-BA": 2.0}))
    >>> list(figures)
    ['map_x_tiles']
    >>> plt.close("all")
    """
    return {map_name(what, layer): draw(layer, *args, **kwargs) for layer in layers.values()}
