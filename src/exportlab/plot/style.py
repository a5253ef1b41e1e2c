"""The project's matplotlib style, point labels and deterministic figure files.

:func:`apply_style` sets fonts with Cyrillic glyphs and the decimal separator of ``lang``;
:func:`save_figure` writes PNG (300 dpi) and SVG files that are byte-identical when the same figure is
drawn twice. Labels come from :mod:`exportlab.labels`; colours from :mod:`exportlab.plot.colors`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from exportlab.labels import check_lang
from exportlab.plot.colors import PALETTE


class _DecimalComma:
    """Stands in for :mod:`locale` in :mod:`matplotlib.ticker`: a decimal comma, whatever the
    system's locale (tick labels formatted with ``useLocale``; Russian figures)."""

    @staticmethod
    def format_string(fmt: str, value: Any, grouping: bool = False) -> str:
        return (fmt % value).replace(".", ",")


def apply_style(lang: str = "en") -> None:
    """Set the project's matplotlib style (fonts with Cyrillic glyphs, deterministic SVG output).

    With ``lang="ru"`` tick labels use a decimal comma (``2,5``), set explicitly, not taken from
    the system's locale; with ``"en"`` a decimal point, as matplotlib draws them by default.

    >>> apply_style("ru"); mpl.ticker.ScalarFormatter().format_data(2.5)
    '2,5'
    >>> apply_style("en"); mpl.ticker.ScalarFormatter().format_data(2.5)
    '2.5'
    """
    import locale

    import matplotlib.ticker as mticker

    russian = check_lang(lang) == "ru"
    mticker.locale = _DecimalComma() if russian else locale  # type: ignore[attr-defined]
    plt.style.use("default")
    mpl.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.labelsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.fontsize": 8,
            "legend.frameon": False,
            "figure.dpi": 100,
            "savefig.dpi": 300,
            "savefig.bbox": "tight",
            "svg.hashsalt": "exportlab",
            "svg.fonttype": "path",
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
        }
    )
    if russian:
        mpl.rcParams["axes.formatter.use_locale"] = True
    inline_figures()


def inline_figures() -> bool:
    """Show every matplotlib figure inline (PNG) in a Jupyter kernel; ``False`` outside IPython.

    Figures built without pyplot (``Figure()``) have no display of their own: without this a cell
    ending with one prints ``<Figure size 990x570 with 6 Axes>``. Called by :func:`apply_style`.
    """
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython ships with the kernel
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    select_figure_formats(shell, {"png"}, bbox_inches="tight")
    return True


#: The largest PNG resolution shown in a notebook as written (screen figures); larger ones are drawn
#: again at the notebook's resolution, so reports stay small.
SCREEN_DPI = 150


class SavedFigure(list):
    """The files :func:`save_figure` wrote (a list of paths) that displays as the figure itself.

    As the last line of a notebook cell it shows the figure inline, once, instead of the paths.
    """

    def __init__(self, paths: Iterable[Path], figure: Figure, dpi: int = 300):
        super().__init__(paths)
        self.figure = figure
        self.dpi = dpi

    def _ipython_display_(self) -> None:
        from IPython.display import Image, display

        png = next((p for p in self if Path(p).suffix == ".png"), None)
        if png is not None and self.dpi <= SCREEN_DPI:
            # a screen-sized PNG was just written: show it instead of drawing the figure again
            data = Path(png).read_bytes()
            width = int.from_bytes(data[16:20], "big")  # the PNG header's width in pixels
            display(Image(data=data, format="png", width=round(width * self.figure.dpi / self.dpi)))
        else:
            display(self.figure)
        plt.close(self.figure)  # pyplot would show it again at the end of the cell


class SavedFigures(list):
    """The files :func:`save_figures` wrote (one list of paths) that displays as the figures, in order."""

    def __init__(self, saved: Iterable[SavedFigure]):
        saved = list(saved)
        super().__init__(path for one in saved for path in one)
        self.saved = saved

    def _ipython_display_(self) -> None:
        for one in self.saved:
            one._ipython_display_()


def add_note(fig: Figure, text: str, *, fontsize: float = 7) -> None:
    """Write ``text`` (a source, method or synthetic-data line) under ``fig``, wrapped to its width.

    The note hangs below the figure's bottom edge; the saved files and the inline display are cut to
    everything drawn (``bbox_inches="tight"``), so a note of two lines never covers the axis labels.
    """
    if not text:
        return
    color = "#b2182b" if ("SYNTHETIC" in text or "СИНТЕТИЧЕСКИЕ" in text) else "#444444"
    fig.text(0.01, 0.0, text, ha="left", va="top", fontsize=fontsize, color=color, wrap=True)


#: Least distance between two named points of a scatter: half-axes of an ellipse (labels are wider
#: than tall) in fractions of the data's x and y ranges (see :func:`points_to_name`).
LABEL_GAP = (0.08, 0.03)


def points_to_name(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    most: int | None,
    highlight: Iterable[str] = (),
    min_gap: float | tuple[float, float] = 0.0,
) -> np.ndarray:
    """Which points of a scatter get a label (boolean mask).

    All of them when ``most`` is ``None`` or not below their number; else the ``highlight`` names
    and then, farthest from the median point first (standardised units, ties by name), up to
    ``most`` points that keep ``min_gap`` from every point already named, so a dense cluster gets
    a few labels, not a pile. ``min_gap``: a distance, or the ``(x, y)`` half-axes of an ellipse
    (labels are wider than tall), in fractions of the data's x and y ranges; 0 for no gap.

    >>> x = np.array([0.0, 1, 2, 9, 8.9])
    >>> points_to_name(x, np.zeros(5), ["a", "b", "c", "d", "e"], 2, ["a"]).tolist()
    [True, False, False, True, True]
    >>> points_to_name(x, np.zeros(5), ["a", "b", "c", "d", "e"], 2, ["a"], min_gap=0.05).tolist()
    [True, True, False, True, False]
    """
    names = np.asarray(names, dtype=str)
    if most is None or len(names) <= most:
        return np.ones(len(names), dtype=bool)
    spread = np.array([np.std(x) or 1.0, np.std(y) or 1.0])
    dist = np.hypot((x - np.median(x)) / spread[0], (y - np.median(y)) / spread[1])
    gap = np.broadcast_to(np.asarray(min_gap, dtype=float), (2,))
    span = np.array([np.ptp(x) or 1.0, np.ptp(y) or 1.0])
    # positions in units of the gap: two points closer than 1 are too close to both be named
    scaled = np.column_stack([x, y]) / (span * np.where(gap > 0, gap, 1.0))
    show = np.isin(names, list(highlight))
    left = max(int(most), 0)
    for i in np.lexsort((names, -dist)):
        if left == 0:
            break
        crowded = gap.all() and show.any() and np.hypot(*(scaled[show] - scaled[i]).T).min() < 1
        if show[i] or crowded:
            continue
        show[i] = True
        left -= 1
    return show


#: Iterations of adjustText when spreading point labels (see :func:`spread_labels`).
LABEL_ITERATIONS = 250


def spread_labels(ax, texts: list, x, y, all_x=None, all_y=None) -> None:
    """Move the point labels ``texts`` apart (adjustText), each on a white halo.

    ``x, y``: the labelled points; ``all_x, all_y``: every point of the axes, which labels avoid.
    A fixed iteration count (never a time limit) keeps re-runs byte-identical. The labels of the
    region scatters settle within about 150 iterations (they stay where they are after that), and
    each iteration costs about 5 ms for 40 labels among 85 points: :data:`LABEL_ITERATIONS` (250,
    not 1000) leaves a margin at a quarter of the time.
    """
    from adjustText import adjust_text
    from matplotlib.patheffects import withStroke

    if not texts:
        return
    halo = [withStroke(linewidth=2.5, foreground="white")]  # readable over points and lines
    for text in texts:
        text.set_path_effects(halo)
    ax.figure.canvas.draw()  # adjustText needs the final axis limits and text extents
    kwargs = {"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}
    if all_x is not None and all_y is not None:
        px, py = np.asarray(all_x, dtype=float), np.asarray(all_y, dtype=float)
        ok = np.isfinite(px) & np.isfinite(py)
        kwargs = {"x": px[ok], "y": py[ok], "target_x": kwargs["x"], "target_y": kwargs["y"]}
    adjust_text(
        texts,
        ax=ax,
        arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.5},
        expand=(1.3, 1.4),
        ensure_inside_axes=True,
        iter_lim=LABEL_ITERATIONS,
        **kwargs,
    )


def name_points(
    ax,
    x,
    y,
    keys: Sequence[str],
    text_of: Callable[[str], str],
    most: int | None,
    highlight: Iterable[str] = (),
    *,
    fontsize: float = 7,
) -> None:
    """Name the points of a scatter: choose them (:func:`points_to_name` with :data:`LABEL_GAP`),
    write ``text_of(key)`` beside each (``highlight`` keys in bold) and spread the labels apart
    (:func:`spread_labels`)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keys = np.asarray(keys, dtype=str)
    highlight = set(highlight)
    show = points_to_name(x, y, keys, most, highlight, LABEL_GAP)
    texts = [
        ax.text(
            xi,
            yi,
            text_of(k),
            fontsize=fontsize,
            zorder=4,
            fontweight="bold" if k in highlight else "normal",
        )
        for xi, yi, k in zip(x[show], y[show], keys[show], strict=True)
    ]
    spread_labels(ax, texts, x[show], y[show], x, y)


_SVG_HASHED_ID = re.compile(r'id="([a-z]{1,2}[0-9a-f]{10})"')


def _renumber_svg_ids(svg: str) -> str:
    """Replace matplotlib's hashed SVG ids by sequential ones.

    Matplotlib hashes clip-path and marker ids from floating-point geometry, whose last digits can
    differ between processes although the drawing is the same; sequential ids keep files identical.
    """
    mapping: dict[str, str] = {}
    for match in _SVG_HASHED_ID.finditer(svg):
        old = match.group(1)
        mapping.setdefault(old, f"{old[0]}{len(mapping):05d}")
    if not mapping:
        return svg
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], svg)


def save_figure(
    fig: Figure,
    name: str,
    figures_dir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] | None = None,
    *,
    close: bool = False,
    dpi: int | None = None,
) -> SavedFigure:
    """Write ``fig`` as ``<figures_dir>/<name>.<format>`` for each format, atomically.

    By default as the run's figure mode says (:func:`exportlab.paths.figure_mode`): PNG at 300 dpi and
    SVG for publication, PNG at 150 dpi for the screen; with no timestamps, so the files are
    byte-identical when the same figure is drawn again. ``figures_dir`` defaults to the profile's
    ``figures/``. Returns the paths written (a :class:`SavedFigure`: in a notebook it shows the figure,
    not the paths).
    """
    from exportlab import paths
    from exportlab.files import atomic_path

    mode_formats, mode_dpi = paths.FIGURE_MODES[paths.figure_mode()]
    formats = mode_formats if formats is None else tuple(formats)
    dpi = mode_dpi if dpi is None else dpi
    if figures_dir is None:
        figures_dir = paths.figures_dir()
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = folder / f"{name}.{fmt}"
        metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        if fmt == "pdf":
            metadata = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}
        with atomic_path(target) as tmp, mpl.rc_context({"svg.hashsalt": "exportlab"}):
            fig.savefig(tmp, format=fmt, metadata=metadata, dpi=dpi, bbox_inches="tight")
            if fmt == "svg":
                tmp.write_text(_renumber_svg_ids(tmp.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(target)
    if close:
        plt.close(fig)
    return SavedFigure(written, fig, dpi)


def save_figures(
    figures: Mapping[str, Figure],
    figures_dir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] | None = None,
    *,
    close: bool = False,
) -> SavedFigures:
    """Write every figure of ``figures`` (file name → figure) with :func:`save_figure`, in order.

    For the plot functions that return a dict of figures keyed by file name (one map on each layer,
    one trend chart per segment), so a notebook cell writes them in one call. Returns every path
    written (a :class:`SavedFigures`: as the last line of a cell it shows the figures, not the paths).

    >>> import tempfile
    >>> figures = {"a": plt.figure(), "b": plt.figure()}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in save_figures(figures, folder, formats=("png",), close=True)]
    ['a.png', 'b.png']
    """
    formats = None if formats is None else tuple(formats)
    return SavedFigures(
        save_figure(fig, name, figures_dir, formats, close=close) for name, fig in figures.items()
    )
