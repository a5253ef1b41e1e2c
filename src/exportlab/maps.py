"""Choropleth maps of regional indicators, on polygons or on the tile-grid cartogram.

* :func:`choropleth` — a numeric indicator classified by a mapclassify scheme (quantiles,
  Fisher–Jenks, user bins), a legend with class bounds and the unit, hatched "no data";
* :func:`choropleth_grid` — several indicators (e.g. the high-tech share of each segment) in small
  multiples with one common classification, so the panels can be compared;
* :func:`categorical` — categories with a fixed colour each (the four region types by default).

Every map takes a layer from :func:`exportlab.geo.load_regions` (or a source for it: ``"auto"``,
``"dcw"``, ``"tiles"`` or a file path) and a ``pandas.Series`` indexed by ISO 3166-2 code. On a
polygon map, Moscow and St Petersburg get zoomed insets, and the regions of the reference that the
layer has no polygon for (Crimea, Sevastopol and the regions added in 2022 in DCW-GMT) are listed
under the map with their values. Labels are English or Russian (``lang``); a map of synthetic demo
data says so. Files are written with :func:`save_map` as ``map_<what>_<polygons|tiles>.png|svg``.
"""

from __future__ import annotations

import math
import os
import textwrap
import warnings
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

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
from exportlab.plot import style
from exportlab.plot.colors import PALETTE, TYPE_COLORS

SCHEMES = ("quantiles", "fisher_jenks", "user")
NO_DATA_COLOR = "#f2f2f2"
NO_DATA_EDGE = "#8c8c8c"
NO_DATA_HATCH = "/////"
EDGE_COLOR = "#ffffff"

#: Labels of the four region types (the DAED paper: DAED × resource specialisation), English and Russian.
REGION_TYPE_LABELS: dict[int, tuple[str, str]] = {
    1: (
        "1 — high DAED, low resource specialisation",
        "1 — высокий ДАЭД, низкая сырьевая специализация",
    ),
    2: (
        "2 — high DAED, high resource specialisation",
        "2 — высокий ДАЭД, высокая сырьевая специализация",
    ),
    3: (
        "3 — low DAED, low resource specialisation",
        "3 — низкий ДАЭД, низкая сырьевая специализация",
    ),
    4: (
        "4 — low DAED, high resource specialisation",
        "4 — низкий ДАЭД, высокая сырьевая специализация",
    ),
}

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


def _as_series(values, name: str = "values") -> pd.Series:
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(
                f"{name}: pass a Series indexed by ISO code, not a {values.shape[1]}-column table"
            )
        values = values.iloc[:, 0]
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    if values.index.has_duplicates:
        dup = sorted(set(values.index[values.index.duplicated()].astype(str)))
        raise ValueError(f"{name}: repeated regions {dup[:10]}")
    values = values.copy()
    values.index = values.index.astype(str)
    return values


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


# --------------------------------------------------------------------------------------------------
# Classification


def classify(
    values: pd.Series,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
) -> tuple[pd.Series, list[float]]:
    """Class of each value (0..n-1, -1 for missing) and the class upper bounds, via mapclassify.

    ``scheme``: ``"quantiles"``, ``"fisher_jenks"`` (exact Fisher–Jenks) or ``"user"`` (``bins`` are
    the upper bounds; the last class is widened to the maximum when needed). ``k`` is lowered to the
    number of distinct values when there are fewer. Quantiles of values with more than ``n / k``
    ties at the minimum (e.g. many zero shares) give the minimum a class of its own and split the
    other values into ``k - 1`` quantiles.
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    series = pd.to_numeric(values, errors="coerce").astype(float)
    finite = series[np.isfinite(series)]
    classes = pd.Series(-1, index=series.index, dtype=int)
    if finite.empty:
        return classes, []
    y = finite.to_numpy()
    if scheme == "user":
        if bins is None or len(bins) == 0:
            raise ValueError('scheme="user" needs bins (the upper bounds of the classes)')
        edges = sorted(float(b) for b in bins)
        if edges[-1] < y.max():
            edges.append(float(y.max()))
        fitted = mapclassify.UserDefined(y, edges)
    else:
        k = max(1, min(int(k), len(np.unique(y))))
        if k == 1:
            classes[finite.index] = 0
            return classes, [float(y.max())]
        low = y.min()
        tied = int((y == low).sum())
        if scheme == "quantiles" and k > 2 and tied > len(y) / k and tied < len(y):
            # Many ties at the minimum (zero shares) would merge quantile classes: the minimum
            # gets a class of its own and the other values are split into k - 1 quantiles.
            rest, bounds = classify(finite[y > low], "quantiles", k - 1)
            classes[finite.index[y == low]] = 0
            classes[rest.index] = rest.to_numpy() + 1
            return classes, [float(low), *bounds]
        cls = mapclassify.Quantiles if scheme == "quantiles" else mapclassify.FisherJenks
        with warnings.catch_warnings():  # the exact algorithm without numba is fast enough here
            warnings.filterwarnings("ignore", message="Numba not installed")
            warnings.filterwarnings("ignore", message="Not enough unique values")
            fitted = cls(y, k=k)
    classes[finite.index] = np.asarray(fitted.yb, dtype=int)
    return classes, [float(b) for b in fitted.bins]


def _decimals(bounds: Sequence[float]) -> int:
    finite = [abs(b) for b in bounds if np.isfinite(b)]
    if not finite:
        return 0
    biggest = max(finite)
    steps = [abs(b - a) for a, b in zip(bounds[:-1], bounds[1:], strict=False) if b != a]
    scale = min([biggest, *steps]) if steps else biggest
    if scale == 0:
        return 0
    return int(min(4, max(0, 1 - math.floor(math.log10(scale)))))


def format_number(x: float, decimals: int, lang: str = "en") -> str:
    """A number with ``decimals`` digits: ``12,345.6`` in English, ``12 345,6`` in Russian."""
    text = f"{x:,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def class_labels(
    bounds: Sequence[float], minimum: float, lang: str = "en", fmt: str | None = None
) -> list[str]:
    """Legend labels ``"lower – upper"`` of classes with the given upper bounds (one value alone)."""
    if not bounds:
        return []
    lows = [minimum, *bounds[:-1]]
    if fmt is not None:
        return [
            fmt.format(hi) if lo == hi else f"{fmt.format(lo)} – {fmt.format(hi)}"
            for lo, hi in zip(lows, bounds, strict=True)
        ]
    decimals = _decimals([minimum, *bounds])
    return [
        format_number(hi, decimals, lang)
        if lo == hi
        else f"{format_number(lo, decimals, lang)} – {format_number(hi, decimals, lang)}"
        for lo, hi in zip(lows, bounds, strict=True)
    ]


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
    ``k`` / ``bins`` choose the classes (see :func:`classify`); the legend shows each class's bounds
    and ``unit`` as its title, plus a hatched "no data" entry. ``labels`` writes short names on the
    larger polygons (tiles always carry their label; with ``labels`` they also show the value).
    ``inset_moscow`` adds the Moscow and St Petersburg insets to a polygon map. ``fmt`` is a format
    string for the bounds (``"{:.0%}"``); ``reference`` is the region reference whose regions
    without boundaries are listed under the map (default: ``exportlab.regions``). With ``ax``, the
    map is drawn into that axes and the notes are left to the caller. Returns the figure.
    """
    check_lang(lang)
    gdf = _layer(geo)
    kind = _geo.layout_kind(gdf)
    values = _as_series(values)
    classes, bounds = classify(values, scheme=scheme, k=k, bins=bins)
    palette = _colors(cmap, len(bounds))
    facecolor = {iso: palette[c] for iso, c in classes.items() if c >= 0}
    finite = pd.to_numeric(values, errors="coerce")
    finite = finite[np.isfinite(finite)]
    legend_labels = class_labels(bounds, float(finite.min()) if len(finite) else 0.0, lang, fmt)
    decimals = _decimals([float(finite.min()), *bounds]) if len(finite) else 0

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
        "quantiles": ("quantiles", "квантили"),
        "fisher_jenks": ("Fisher–Jenks natural breaks", "естественные интервалы Фишера–Дженкса"),
        "user": ("fixed bounds", "заданные границы"),
    }
    en, ru = names[scheme]
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
    classes, bounds = classify(stacked, scheme=scheme, k=k, bins=bins)
    palette = _colors(cmap, len(bounds))
    finite = pd.to_numeric(stacked, errors="coerce")
    finite = finite[np.isfinite(finite)]
    minimum = float(finite.min()) if len(finite) else 0.0
    legend_labels = class_labels(bounds, minimum, lang, fmt)
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


def region_type_labels(lang: str = "en") -> dict[int, str]:
    """Legend labels of the four region types in ``lang``."""
    return {key: t(en, ru, lang) for key, (en, ru) in REGION_TYPE_LABELS.items()}


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
    :data:`exportlab.plot.colors.TYPE_COLORS` and labelled by :func:`region_type_labels`; the legend lists
    every category of ``colors`` (present on the map or not) so the colours read the same in every
    figure. Regions without a category are hatched "no data".
    """
    check_lang(lang)
    gdf = _layer(geo)
    kind = _geo.layout_kind(gdf)
    categories = _as_series(categories, "categories").dropna()
    if colors is None:
        if set(categories.unique()) <= set(TYPE_COLORS):
            colors = dict(TYPE_COLORS)
        else:
            keys = sorted(categories.unique(), key=str)
            colors = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}
    if labels is None:
        labels = region_type_labels(lang) if set(colors) <= set(REGION_TYPE_LABELS) else {}
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


def map_name(what: str, geo_layer: gpd.GeoDataFrame) -> str:
    """File stem of a map: ``map_<what>_<polygons|tiles>``."""
    return f"map_{what}_{_geo.layout_kind(geo_layer)}"


def save_map(fig: Figure, what: str, geo_layer: gpd.GeoDataFrame, figures_dir=None, **kwargs):
    """Write ``fig`` as ``map_<what>_<polygons|tiles>.png|svg`` with :func:`exportlab.plot.style.save_figure`."""
    return style.save_figure(fig, map_name(what, geo_layer), figures_dir=figures_dir, **kwargs)


# --------------------------------------------------------------------------------------------------
# Preparing a maps stage: layers, values of a year, classification options


def map_layers(
    boundaries: str | os.PathLike[str] = "auto",
    lang: str = "en",
    *,
    root: str | os.PathLike[str] | None = None,
    **kwargs,
) -> tuple[dict[str, gpd.GeoDataFrame], str]:
    """The layers a maps stage draws on, ``{"polygons": ..., "tiles": ...}``, and a note saying which.

    ``boundaries``: ``"auto"`` (the full DCW-GMT file when installed, else the simplified copy
    shipped with the package), ``"dcw"`` (the full file; raise ``FileNotFoundError`` when absent),
    ``"shipped"``, ``"tiles"`` (tile grid only) or the path of a user GeoJSON /
    GPKG keyed by ISO code or region name, relative to ``root`` (default: the project root). The tile
    grid is always in the result. The note (in ``lang``) names the polygon source, or says why polygon
    maps were not drawn. ``kwargs`` go to :func:`exportlab.geo.load_regions` (``dcw_path``, ``key``, ``crs``…).

    >>> layers, note = map_layers("tiles")
    >>> list(layers)
    ['tiles']
    """
    check_lang(lang)
    tiles = _geo.tiles()
    skipped = t("Polygon maps were not drawn: ", "Карты на полигонах не построены: ", lang)
    if isinstance(boundaries, str) and boundaries == "tiles":
        return {"tiles": tiles}, skipped + t(
            'boundaries = "tiles" asks for the tile grid only.',
            'параметр boundaries = "tiles" требует только сетку плиток.',
            lang,
        )
    if isinstance(boundaries, str) and boundaries in ("auto", "dcw", "shipped"):
        source: str | Path = boundaries
    else:
        source = Path(boundaries).expanduser()
        if not source.is_absolute():
            if root is None:
                from exportlab import paths

                root = paths.project_root()
            source = Path(root) / source
        if not source.is_file():
            raise FileNotFoundError(f"boundary file not found: {source}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _geo.BoundariesFallbackWarning)
        layer = _geo.load_regions(source, **kwargs)
    for w in caught:  # other warnings (e.g. unmatched features of a user file) are passed on
        if not issubclass(w.category, _geo.BoundariesFallbackWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if _geo.layout_kind(layer) == "tiles":
        return {"tiles": tiles}, skipped + t(
            "the DCW-GMT boundary file is not installed (Debian/Ubuntu: apt install gmt-dcw; "
            "conda: conda install -c conda-forge dcw-gmt), so only the tile grid is shown.",
            "файл границ DCW-GMT не установлен (Debian/Ubuntu: apt install gmt-dcw; "
            "conda: conda install -c conda-forge dcw-gmt), поэтому показана только сетка плиток.",
            lang,
        )
    kind = layer.attrs.get("source")
    origin = "DCW-GMT" if kind in ("dcw", "shipped") else Path(str(source)).name
    note = t(
        f"Maps are drawn on the region polygons ({origin}) and on the tile grid.",
        f"Карты построены на полигонах регионов ({origin}) и на сетке плиток.",
        lang,
    )
    if kind in ("dcw", "shipped"):
        note += " " + _geo.boundary_credit(layer, lang) + "."
    if kind == "shipped":
        note += " " + t(
            "The full DCW-GMT file is used when it is installed (Debian/Ubuntu: apt install "
            "gmt-dcw; conda: conda install -c conda-forge dcw-gmt).",
            "Полный файл DCW-GMT используется, когда он установлен (Debian/Ubuntu: apt install "
            "gmt-dcw; conda: conda install -c conda-forge dcw-gmt).",
            lang,
        )
    return {"polygons": layer, "tiles": tiles}, note


def year_values(
    table: pd.DataFrame,
    column: str,
    year: int,
    *,
    by: str | None = None,
    scale: float = 1.0,
    region: str = "region",
) -> pd.Series | pd.DataFrame:
    """``column`` of ``table`` (long: region, year, …) in ``year``, indexed by region, times ``scale``.

    With ``by`` (e.g. ``"segment"``) the result is wide: one column per value of ``by``, in the order
    they first appear, ready for :func:`choropleth_grid`. Use ``scale=100`` to map shares in per cent.
    Raises ``ValueError`` naming the years available when ``year`` is not in the table.

    >>> t = pd.DataFrame({"region": ["A", "B"], "year": [2021, 2021], "share": [0.25, 0.5]})
    >>> year_values(t, "share", 2021, scale=100).to_dict()
    {'A': 25.0, 'B': 50.0}
    """
    needed = [region, "year", column, *([by] if by else [])]
    absent = [c for c in needed if c not in table.columns]
    if absent:
        raise KeyError(f"table lacks columns {absent}; columns: {list(table.columns)}")
    years = pd.to_numeric(table["year"], errors="coerce")
    rows = table.loc[years == int(year)]
    if rows.empty:
        known = sorted(int(y) for y in years.dropna().unique())
        span = f"{known[0]}–{known[-1]}" if known else "none"
        raise ValueError(f"year {year} is not in the table; years available: {span}")
    values = rows[column]
    if scale != 1.0:
        if not pd.api.types.is_numeric_dtype(values):
            raise TypeError(f"scale= needs a numeric column; {column} is {values.dtype}")
        values = values.astype("float64") * scale
    if by is None:
        out = pd.Series(values.to_numpy(), index=rows[region].astype(str).to_numpy(), name=column)
        if out.index.has_duplicates:
            dup = sorted(set(out.index[out.index.duplicated()]))
            raise ValueError(f"{column} has several rows per region in {year}: {dup[:10]}")
        return out.sort_index()
    wide = (
        pd.DataFrame({"region": rows[region].astype(str), by: rows[by].astype(str), "v": values})
        .pivot_table(index="region", columns=by, values="v", aggfunc="first", sort=False)
        .sort_index()
    )
    order = list(dict.fromkeys(rows[by].astype(str)))
    wide = wide[order]
    wide.columns.name = None
    wide.index.name = None
    return wide


def class_options(
    scheme: str = "fisher_jenks",
    k: int = 5,
    bins: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    what: str | None = None,
) -> dict[str, object]:
    """Keyword arguments ``scheme``, ``k``, ``bins`` of :func:`choropleth` for the map ``what``.

    ``bins`` is one list of class upper bounds for every map, or a dict ``{what: [bounds]}`` (maps
    have different units: the DAED index is 0–1, shares are per cent). ``scheme="user"`` without
    bins for ``what`` raises ``ValueError``.

    >>> class_options("user", 5, {"daed_index": [0.1, 0.3]}, "daed_index")
    {'scheme': 'user', 'k': 5, 'bins': [0.1, 0.3]}
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    chosen = bins.get(what) if isinstance(bins, Mapping) else bins
    if chosen is not None:
        chosen = [float(b) for b in chosen]
    if scheme == "user" and not chosen:
        raise ValueError(
            f'scheme="user" needs the class upper bounds of map {what!r}: '
            f'bins=[...] for every map or bins={{"{what}": [...]}}'
        )
    return {"scheme": scheme, "k": int(k), "bins": chosen}


def compare_schemes(
    values: pd.Series,
    k: int = 5,
    schemes: Sequence[str] = ("quantiles", "fisher_jenks"),
    lang: str = "en",
) -> pd.DataFrame:
    """Class bounds and region counts of ``values`` under each scheme, side by side.

    Rows are classes 1..k; for each scheme a column ``"<scheme>: bounds"`` (``"lower – upper"``) and
    ``"<scheme>: regions"`` (count). Quantiles give (about) equal counts; Fisher–Jenks minimises the
    squared deviations within classes, so outliers get classes of their own.

    >>> v = pd.Series([1.0, 2, 3, 10, 11, 30])
    >>> compare_schemes(v, k=3)["Fisher–Jenks: regions"].tolist()
    [3, 2, 1]
    """
    check_lang(lang)
    names = {
        "quantiles": ("Quantiles", "Квантили"),
        "fisher_jenks": ("Fisher–Jenks", "Фишер–Дженкс"),
    }
    finite = pd.to_numeric(_as_series(values), errors="coerce")
    finite = finite[np.isfinite(finite)]
    if finite.empty:
        raise ValueError("no finite values to classify")
    columns: dict[str, list[object]] = {}
    n = 0
    for scheme in schemes:
        if scheme not in names:
            raise ValueError(f"schemes must be among {tuple(names)}, got {scheme!r}")
        classes, bounds = classify(finite, scheme=scheme, k=k)
        labels = class_labels(bounds, float(finite.min()), lang)
        counts = classes.value_counts()
        name = t(*names[scheme], lang)
        columns[name + t(": bounds", ": границы", lang)] = labels
        columns[name + t(": regions", ": регионов", lang)] = [
            int(counts.get(i, 0)) for i in range(len(bounds))
        ]
        n = max(n, len(bounds))
    padded = {c: list(v) + [None] * (n - len(v)) for c, v in columns.items()}
    out = pd.DataFrame(padded, index=pd.RangeIndex(1, n + 1, name=t("class", "класс", lang)))
    for c in out.columns:
        if c.endswith(t(": regions", ": регионов", lang)):
            out[c] = out[c].astype("Int64")
    return out


def draw_maps(
    draw,
    layers: Mapping[str, gpd.GeoDataFrame],
    what: str,
    *args,
    figures_dir: str | os.PathLike[str] | None = None,
    **kwargs,
) -> dict[str, Figure]:
    """Draw ``draw(layer, *args, **kwargs)`` on every layer and save it as ``map_<what>_<kind>``.

    ``draw`` is :func:`choropleth`, :func:`choropleth_grid` or :func:`categorical`; ``layers`` comes
    from :func:`map_layers`. Returns ``{kind: figure}`` (the figures stay open for display).

    >>> layers, _ = map_layers("tiles")
    >>> figs = draw_maps(choropleth, layers, "x", pd.Series({"RU-TA": 1.0}))  # doctest: +SKIP
    """
    figures = {}
    for kind, layer in layers.items():
        fig = draw(layer, *args, **kwargs)
        save_map(fig, what, layer, figures_dir=figures_dir)
        figures[kind] = fig
    return figures
