"""Figures of :mod:`exportlab.trajectory` and :mod:`exportlab.article2019`: the leaders' export
trends, the index methods compared, and the consistency of the published 2019 tables.

Each function returns a :class:`~matplotlib.figure.Figure` (or, for :func:`trend_figures`, a dict of
them keyed by file name); the caller writes it with :func:`exportlab.plot.save_figure`.

>>> from exportlab import article2019
>>> fig = published_consistency(article2019.published_consistency(article2019.load_published()))
>>> fig.axes[0].get_title()
'Published 2019 tables: do the columns agree?'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from exportlab.labels import check_lang, t
from exportlab.plot.charts import no_data_figure
from exportlab.plot.colors import PALETTE
from exportlab.plot.style import add_note, spread_labels
from exportlab.regions import region_label
from exportlab.trajectory import (
    compare_methods,
    export_panel,
    growth_trend,
    resolve_segments,
    segment_name,
    short_segment_name,
)


def published_consistency(consistency: pd.DataFrame, lang: str = "en") -> Figure:
    """Each published row's implied national export (bn USD) with its rounding interval, by table."""
    check_lang(lang)
    frame = consistency.reset_index(drop=True)
    fig = Figure(figsize=(7.5, 0.22 * len(frame) + 1.6), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(frame))[::-1]
    for flag, color in ((True, PALETTE[0]), (False, PALETTE[1])):
        pick = (frame["consistent"] == flag).to_numpy()
        point = frame.loc[pick, "implied_country_export_busd"].to_numpy()
        low = frame.loc[pick, "implied_low_busd"].to_numpy()
        high = (
            frame.loc[pick, "implied_high_busd"].fillna(frame["implied_high_busd"].max()).to_numpy()
        )
        ax.errorbar(
            point,
            y[pick],
            xerr=[point - low, high - point],
            fmt="o",
            ms=3.5,
            color=color,
            lw=1,
            capsize=2,
            label=t("consistent", "согласована", lang)
            if flag
            else t("inconsistent", "не согласована", lang),
        )
    ax.axvline(frame["reference_busd"].iloc[0], color="#555555", ls=":", lw=1)
    labels = [
        f"{short_segment_name(s, lang)} · {r}"
        for s, r in zip(frame["segment"], frame["region_ru"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=6.5)
    ax.set_xscale("log")
    _plain_log_axis(ax.xaxis)
    ax.set_xlabel(
        t(
            "Country's total export implied by the row, bn USD (log scale)",
            "Общий экспорт страны, следующий из строки, млрд долл. (лог. шкала)",
            lang,
        )
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(
        t(
            "Published 2019 tables: do the columns agree?",
            "Опубликованные таблицы 2019 года: согласованы ли столбцы?",
            lang,
        )
    )
    _note_space(fig)
    return fig


def _short_names(codes: Sequence[str], lang: str) -> list[str]:
    return [region_label(c, lang, short=True) for c in codes]


def _note_space(fig: Figure) -> None:
    """Leave room at the bottom of a constrained-layout figure for the source line."""
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))


def trend_panels(
    trade: pd.DataFrame,
    segment: str | None = None,
    group: str | None = None,
    top: int = 6,
    lang: str = "en",
    *,
    trend: pd.DataFrame | None = None,
    segment_groups: Mapping[str, Sequence[str]] | None = None,
    ncols: int = 3,
) -> Figure:
    """Small multiples of the leaders' export of the selection over the years, with the OLS trend.

    Leaders are the ``top`` regions by export in the last year. Each panel: the export (million USD,
    or thousand USD when every value is small), the fitted curve ``exp(a + b·t)`` of
    :func:`exportlab.trajectory.growth_trend` and its annual rate with the confidence interval.
    """
    check_lang(lang)
    if top < 1:
        raise ValueError("top must be positive")
    panel = export_panel(trade, segment, group, segment_groups)
    if trend is None:
        trend = growth_trend(trade, segment, group, segment_groups=segment_groups)
    leaders = trend.loc[trend["last_export_kusd"] > 0].head(top)
    n = max(len(leaders), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(3.3 * ncols, 2.4 * nrows + 0.9), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    names = _short_names(leaders["region"].tolist(), lang)
    years = sorted(panel["year"].unique())
    chosen = panel.loc[panel["region"].isin(leaders["region"])]
    millions = chosen["group_usd"].max() >= 1e7 if len(chosen) else False
    divisor, unit = (
        (1e6, t("million USD", "млн долл.", lang))
        if millions
        else (1e3, t("thousand USD", "тыс. долл.", lang))
    )
    grid = np.linspace(min(years), max(years), 50) if years else np.array([])
    for ax, (_, row), name in zip(axes.flat, leaders.iterrows(), names, strict=False):
        series = (
            panel.loc[panel["region"] == row["region"]]
            .set_index("year")["group_usd"]
            .reindex(years, fill_value=0.0)
        )
        ax.plot(years, (series / divisor).to_numpy(), "o-", color=PALETTE[0], lw=1.5, ms=3.5)
        peak = float(series.max() / divisor)
        if row["flag"] == "ok":
            inside = grid[(grid >= row["first_year"]) & (grid <= row["last_year"])]
            fitted = np.exp(row["intercept"] + row["slope"] * inside) / divisor
            peak = max(peak, float(fitted.max()))
            ax.plot(
                inside,
                fitted,
                "--",
                color=PALETTE[1],
                lw=1.2,
            )
            label = t(
                f"trend {row['rate_pct']:+.1f}% a year\n95% CI [{row['ci_low_pct']:+.0f}; "
                f"{row['ci_high_pct']:+.0f}]",
                f"тренд {row['rate_pct']:+.1f}% в год\n95% ДИ [{row['ci_low_pct']:+.0f}; "
                f"{row['ci_high_pct']:+.0f}]",
                lang,
            )
        else:
            label = t("too few years for a trend", "мало лет для тренда", lang)
        ax.set_ylim(bottom=0, top=peak * 1.35 or 1.0)
        ax.set_title(name, fontsize=9)
        ax.text(0.03, 0.97, label, transform=ax.transAxes, va="top", fontsize=7, color=PALETTE[1])
        ax.xaxis.set_major_locator(_year_locator())
    for ax in list(axes.flat)[len(leaders) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(unit)
    title = _wrap(segment_name(segment or group or "", lang), 70)
    fig.suptitle(
        t(f"Leaders' export: {title}", f"Экспорт регионов-лидеров: {title}", lang),
        fontsize=11,
        fontweight="bold",
    )
    _note_space(fig)
    return fig


def _year_locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, nbins=5)


class _PlainLogFormatter:
    """Plain numbers (``0.01``, ``2``, ``10``) on a log axis; minor ticks labelled on short axes."""

    def __new__(cls, minor: bool = False):
        from matplotlib.ticker import Formatter

        class Plain(Formatter):
            def __call__(self, x, pos=None):
                if x <= 0 or not np.isfinite(x):
                    return ""
                if minor:
                    vmin, vmax = sorted(self.axis.get_view_interval())
                    if vmin <= 0 or math.log10(vmax / vmin) > 1.2:
                        return ""
                    mantissa = x / 10 ** math.floor(math.log10(x) + 1e-9)
                    keep = range(2, 10) if math.log10(vmax / vmin) < 0.5 else (2, 3, 5)
                    if not any(abs(mantissa - m) < 1e-6 for m in keep):
                        return ""
                return f"{x:g}"

        return Plain()


def _plain_log_axis(axis) -> None:
    axis.set_major_formatter(_PlainLogFormatter())
    axis.set_minor_formatter(_PlainLogFormatter(minor=True))


def methods_scatter(
    trade: pd.DataFrame,
    year: int,
    segments: str | Sequence[str] = "all",
    lang: str = "en",
    base_year: int | None = None,
    min_index: float = 1.0,
    min_share_pct: float = 1.0,
    labels: int = 5,
    ncols: int = 2,
) -> Figure:
    """The index methods side by side: per segment, RCA (x) against the growth index (y), log scales.

    Marker area is the region's share of the country's group export; the top axis of each panel reads
    the symmetric RCA (a monotone transform of RCA, same ranking). Dotted lines mark ``min_index`` and
    no growth; filled markers are regions export-oriented by RCA (``share ≥ min_share_pct``). The
    ``labels`` regions with the highest RCA are named. Regions new in the group (no export in the base
    year) have no growth index and are not drawn.
    """
    check_lang(lang)
    chosen = resolve_segments(trade, segments)
    n = len(chosen)
    if n == 0:
        return no_data_figure(
            t(
                f"Trajectory index methods compared, {year}",
                f"Сравнение методов расчета индекса траектории, {year}",
                lang,
            ),
            t(
                "No export of the high-tech segments in the data",
                "В данных нет экспорта высокотехнологичных сегментов",
                lang,
            ),
        )
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(4.8 * ncols, 4.0 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    base = base_year or year - 1
    for ax, segment in zip(axes.flat, chosen, strict=False):
        wide = compare_methods(trade, year, segment, base_year=base_year)
        wide = wide.loc[(wide["rca"] > 0) & (wide["growth"] > 0)]
        oriented = (wide["rca"] >= min_index) & (
            wide["region_share_of_group_export_pct"] >= min_share_pct
        )
        sizes = 12 + 6 * wide["region_share_of_group_export_pct"].clip(upper=60)
        for flag, face in ((True, PALETTE[0]), (False, "white")):
            pick = oriented == flag
            ax.scatter(
                wide.loc[pick, "rca"],
                wide.loc[pick, "growth"],
                s=sizes[pick],
                facecolor=face,
                edgecolor=PALETTE[0],
                linewidth=0.8,
                alpha=0.85,
                zorder=3,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_axis(ax.xaxis)
        _plain_log_axis(ax.yaxis)
        ax.tick_params(which="minor", labelsize=6)
        ax.axvline(min_index, ls=":", color="#555555", lw=1)
        ax.axhline(1.0, ls=":", color="#555555", lw=1)
        leaders = wide.nlargest(labels, "rca")
        names = _short_names(leaders["region"].tolist(), lang)
        texts = [
            ax.text(row["rca"], row["growth"], name, fontsize=7, zorder=4)
            for (_, row), name in zip(leaders.iterrows(), names, strict=True)
        ]
        spread_labels(ax, texts, leaders["rca"], leaders["growth"], wide["rca"], wide["growth"])
        ax.set_title(_wrap(segment_name(segment, lang), 45), fontsize=9)
        ax.set_xlabel(t("RCA (Balassa), log scale", "RCA (Баласса), лог. шкала", lang))
        ax.set_ylabel(
            t(
                f"Growth index {year}/{base}, log scale",
                f"Индекс роста {year}/{base}, лог. шкала",
                lang,
            )
        )
        _add_symmetric_axis(ax, lang)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(
        t(
            f"Trajectory index methods compared, {year} (filled: export-oriented by RCA)",
            f"Сравнение методов расчета индекса траектории, {year} "
            f"(закрашены экспортоориентированные по RCA)",
            lang,
        ),
        fontsize=11,
        fontweight="bold",
    )
    _note_space(fig)
    return fig


def _add_symmetric_axis(ax, lang: str) -> None:
    def forward(r):
        r = np.asarray(r, float)
        return (r - 1) / (r + 1)

    def inverse(s):
        s = np.asarray(s, float)
        return (1 + s) / np.clip(1 - s, 1e-9, None)

    top = ax.secondary_xaxis("top", functions=(forward, inverse))
    top.set_xscale("linear")
    top.grid(False)
    top.set_xlabel(t("symmetric RCA", "симметричный RCA", lang), fontsize=7)
    top.tick_params(labelsize=6)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def trend_figures(
    trade: pd.DataFrame,
    segments: str | Sequence[str] = "all",
    lang: str = "en",
    note: str = "",
    top: int = 6,
) -> dict[str, Figure]:
    """:func:`trend_panels` of each segment with ``note`` under it, keyed by the file name
    ``trajectory_trends_<segment>`` (``{}`` when the data hold no segment)."""
    figures = {}
    for segment in resolve_segments(trade, segments):
        fig = trend_panels(trade, segment, top=top, lang=lang)
        add_note(fig, note)
        figures[f"trajectory_trends_{segment}"] = fig
    return figures
