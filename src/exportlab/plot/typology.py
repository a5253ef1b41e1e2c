"""Region-type figures (for :mod:`exportlab.typology`): the (DAED, resource share) scatter of the
four types, the bars of a region's sheet, and the teaching explorer with sliders (ipywidgets) that
refits :class:`~exportlab.typology.RegionTypes` and redraws the scatter (the DAED paper, README
*Sources*, paper 1)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exportlab.daed import (
    COMPONENT_LABELS,
    COMPONENTS,
    available_components,
    check_weights,
    daed_index,
    default_weights,
)
from exportlab.labels import check_lang, number, pick, t
from exportlab.plot.colors import TYPE_COLORS, type_colors
from exportlab.plot.style import name_points
from exportlab.regions import region_label
from exportlab.typology import (
    METHOD_LABELS,
    METHODS,
    TYPE_COLUMNS,
    TYPES,
    RegionTypes,
    _flag,
    type_label,
)

__all__ = ["interactive_explorer", "region_sheet_figure", "scatter_types"]


def region_sheet_figure(
    region: str,
    year: int,
    table: pd.DataFrame,
    lang: str = "en",
    *,
    label: Callable[[str], str] | None = None,
) -> Figure:
    """Bars of the region's normalised components beside the mean of its type and the median of
    all regions in ``year``; ``label`` names the region code (default: its short name in ``lang``)."""
    label = label or (lambda code: region_label(code, lang))
    year_df = table[table["year"] == year]
    row = year_df[year_df["region"] == region]
    if row.empty or pd.isna(row["type"].iloc[0]):
        raise ValueError(f"region {region!r} has no typed DAED row for {year}")
    type_ = int(row["type"].iloc[0])
    cols = [f"{c}_norm" for c in COMPONENTS]
    values = pd.DataFrame(
        {
            label(region): row[cols].iloc[0].to_numpy(dtype="float64"),
            t("Type mean", "Среднее по типу", lang): year_df.loc[year_df["type"] == type_, cols]
            .mean()
            .to_numpy(),
            t("Median of regions", "Медиана регионов", lang): year_df[cols].median().to_numpy(),
        },
        index=[pick(COMPONENT_LABELS[c], lang) for c in COMPONENTS],
    )
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    width = 0.27
    x = np.arange(len(values))
    colors = [TYPE_COLORS[type_], "#bbbbbb", "#555555"]
    for i, (name, color) in enumerate(zip(values.columns, colors, strict=True)):
        ax.bar(x + (i - 1) * width, values[name], width, label=name, color=color)
    ax.set_xticks(x, [s.replace(" ", "\n", 2) for s in values.index], fontsize=7)
    ax.set_ylabel(t("Normalised value", "Нормированное значение", lang))
    ax.set_title(f"{label(region)}, {year}: {type_label(type_, lang)}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


def scatter_types(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    type_col: str = "type",
    thresholds: tuple[float | None, float | None] | None = None,
    rule: str | None = None,
    label: Callable[[str], str] | None = None,
    title: str | None = None,
    max_labels: int | None = 45,
    highlight: Iterable[str] = (),
    ax: Any = None,
) -> Figure:
    """Scatter of regions in the (DAED index, resource share) plane coloured by type, with the
    quadrant lines (``thresholds`` in the features' units, or the medians of the plotted regions)
    labelled with their values, borderline regions (``borderline`` column: type ≠ own quadrant)
    ringed in black, and region labels kept apart by adjustText. ``rule``: a line under the plot
    saying how the thresholds were set (e.g. :meth:`RegionTypes.describe`).

    With many regions only ``max_labels`` are named, those farthest from the median point (in
    standardised units), plus the ``highlight`` and the borderline regions; ``max_labels=None``
    names all. ``label`` names a region code (default: its short name in ``lang``), as the other
    figures' ``label`` does. Returns the figure."""
    check_lang(lang)
    data = df.dropna(subset=["daed_index", "resource_share"]).sort_values("region")
    if data.empty:
        raise ValueError("nothing to plot: no region has both the index and the resource share")
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 6.5))
    else:
        fig = ax.figure
    x = data["daed_index"].to_numpy(dtype="float64")
    y = 100 * data["resource_share"].to_numpy(dtype="float64")
    types = (
        data[type_col].astype("Int64") if type_col in data else pd.Series(pd.NA, index=data.index)
    )
    ax.scatter(x, y, c=type_colors(types), s=28, edgecolors="white", linewidths=0.5, zorder=3)
    border = (
        data["borderline"].map(_flag).to_numpy(dtype=bool)
        if "borderline" in data
        else np.zeros(len(data), dtype=bool)
    )
    if border.any():
        ax.scatter(
            x[border],
            y[border],
            s=70,
            facecolors="none",
            edgecolors="black",
            linewidths=0.9,
            zorder=4,
        )
    if np.ptp(y) < 1.0:  # (almost) no spread in resource share, e.g. grains only
        ax.set_ylim(max(-2.0, float(y.min()) - 5.0), min(102.0, float(y.max()) + 5.0))
    x_thr, y_thr = (None, None) if thresholds is None else thresholds
    x_line = float(np.median(x)) if x_thr is None else float(x_thr)
    y_line = float(np.median(y)) if y_thr is None else 100 * float(y_thr)
    ax.axvline(x_line, color="#444444", linestyle="--", linewidth=0.8, zorder=1)
    ax.axhline(y_line, color="#444444", linestyle="--", linewidth=0.8, zorder=1)
    _threshold_values(ax, x_line, y_line, lang)
    regions = data["region"].astype(str)
    named = [*highlight, *regions[border]]
    name = label or (lambda code: region_label(code, lang))
    name_points(ax, x, y, regions, name, max_labels, named, fontsize=6)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=TYPE_COLORS[k], label=type_label(k, lang))
        for k in TYPES
    ]
    if border.any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="none",
                markeredgecolor="black",
                label=t(
                    f"borderline ({int(border.sum())}): own quadrant differs",
                    f"пограничные ({int(border.sum())}): другой свой квадрант",
                    lang,
                ),
            )
        )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    line_label = (
        t("dashed: medians", "пунктир: медианы", lang)
        if thresholds is None
        else t("dashed: thresholds", "пунктир: пороги", lang)
    )
    ax.set_xlabel(t("DAED index", "Индекс ДАЭД", lang) + f" ({line_label})")
    ax.set_ylabel(
        t("Resource specialisation, % of export", "Сырьевая специализация, % экспорта", lang)
    )
    # pad: a row above the frame for the DAED threshold's value
    ax.set_title(title or t("Four types of regions", "Четыре типа регионов", lang), pad=14)
    if rule:  # under the legend, clear of the source note at the bottom
        ax.text(
            1.02,
            0.62,
            textwrap.fill(rule, 48),
            transform=ax.transAxes,
            fontsize=6.5,
            va="top",
            ha="left",
            color="#333333",
        )
    fig.tight_layout()
    return fig


def _threshold_values(ax: Any, x_line: float, y_line: float, lang: str) -> None:
    """Write the values of the quadrant lines outside the frame, where no region label goes: the
    DAED threshold above the top edge, the resource threshold among the y tick labels (hiding a
    tick label it would touch), each on a white box. Region labels stay inside the axes (they
    may run a few points past the right edge, never past the top or the left)."""
    box = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"}
    style = {"fontsize": 7, "color": "#444444", "bbox": box, "annotation_clip": False}
    ax.annotate(
        number(x_line, ".3g", lang),
        (x_line, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 2),
        textcoords="offset points",
        ha="center",
        va="bottom",
        **style,
    )
    low, high = ax.get_ylim()
    ticks = ax.yaxis.get_major_locator().tick_values(low, high)
    clear = (high - low) * _TICK_GAP
    ax.set_yticks([v for v in ticks if low <= v <= high and abs(v - y_line) >= clear])
    ax.set_ylim(low, high)
    pad = ax.yaxis.get_major_ticks()[0].get_pad() if ax.yaxis.get_major_ticks() else 3.5
    ax.annotate(
        number(y_line, ".1f", lang) + "%",
        (0.0, y_line),
        xycoords=("axes fraction", "data"),
        xytext=(-(plt.rcParams["ytick.major.size"] + pad), 0),
        textcoords="offset points",
        ha="right",
        va="center",
        **style,
    )


#: Share of the y range around the resource threshold in which a y tick label is hidden (it would
#: touch the threshold's value written among the tick labels).
_TICK_GAP = 0.04


def interactive_explorer(
    table: pd.DataFrame,
    lang: str = "en",
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    normalisation: str = "minmax",
    model: RegionTypes | None = None,
    year: int | None = None,
    top: int = 15,
) -> Any:
    """ipywidgets UI for teaching: sliders for the four weights and the two thresholds, a method
    choice; the ranking, the types (with borderline marks) and the scatter update live.

    ``table``: the DAED table of stage 04 (``region, year, k1..k4, resource_share``; all the
    years the report typed, so that a pooled or base-year rule can be refitted). It starts with
    the report's ``weights``, ``normalisation`` and types rule ``model`` (method, thresholds,
    base); ``year``: the year shown (default the last). The threshold sliders are quantiles of
    the data the rule is fitted on; they move the quadrant lines for every method — for
    quadrants they set the types, for k-means and Ward they set which quadrant each cluster is
    named after and which regions are borderline. Returns the widget (display it).
    """
    import ipywidgets as widgets

    check_lang(lang)
    model = RegionTypes() if model is None else model
    w0 = check_weights(default_weights() if weights is None else weights)
    data = table.copy()
    if "year" not in data:
        data["year"] = 0
    years = sorted(int(y) for y in data["year"].unique())
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise ValueError(f"year {year} is not in the table (years {years})")
    use = available_components(data) or [c for c in COMPONENTS if data[c].notna().any()]
    q0 = (
        model.clone().fit(data).threshold_quantiles(data, year)
        if "daed_index" in data
        else (0.5, 0.5)
    )
    sliders = {
        c: widgets.FloatSlider(
            value=float(w0[c]),
            min=0.0,
            max=1.0,
            step=0.05,
            description=c.upper(),
            tooltip=pick(COMPONENT_LABELS[c], lang),
            continuous_update=False,
            disabled=c not in use,
        )
        for c in COMPONENTS
    }
    slider_words = {
        "daed": (("DAED q", "ДАЭД q"), ("quantile of the DAED threshold", "квантиль порога ДАЭД")),
        "resource": (
            ("Resource q", "Сырьё q"),
            ("quantile of the resource threshold", "квантиль порога сырья"),
        ),
    }
    quantile = {
        key: widgets.FloatSlider(
            value=round(start, 2),
            min=0.05,
            max=0.95,
            step=0.01,
            continuous_update=False,
            description=t(*name, lang),
            tooltip=t(*tip, lang),
        )
        for (key, (name, tip)), start in zip(slider_words.items(), q0, strict=True)
    }
    choice = widgets.Dropdown(
        options=[(pick(METHOD_LABELS[m], lang), m) for m in METHODS],
        value=model.method,
        description=t("Method", "Метод", lang),
    )
    no_data = [c.upper() for c in COMPONENTS if c not in use]
    hint = widgets.HTML(
        t(
            "Thresholds: quantiles of the data the rule is fitted on "
            f"({model.base_label('en')}); they move the dashed lines for every method "
            "(k-means, Ward: which quadrant names a cluster, which regions are borderline)."
            + (f" {', '.join(no_data)}: no data, slider disabled." if no_data else ""),
            "Пороги — квантили данных, по которым строится правило "
            f"({model.base_label('ru')}); они сдвигают пунктир для любого метода "
            "(k-средних, Уорд: по какому квадранту назван кластер, какие регионы пограничные)."
            + (f" {', '.join(no_data)}: нет данных, ползунок отключён." if no_data else ""),
            lang,
        )
    )
    state = {"first": True}
    out = widgets.Output()

    def view() -> list[Any]:
        """What the output area shows for the current settings: a message, or table and figure."""
        w = {c: (s.value if c in use else 0.0) for c, s in sliders.items()}
        if sum(w.values()) <= 0:
            return [
                t(
                    "Set at least one weight above zero.",
                    "Задайте хотя бы один вес больше нуля.",
                    lang,
                )
            ]
        df = daed_index(
            data.drop(columns=list(TYPE_COLUMNS), errors="ignore"), w, normalisation, use=use
        )
        if state["first"]:  # the report's own rule, not its slider approximation
            rule = model.clone(method=choice.value)
        else:
            rule = model.clone(
                method=choice.value,
                thresholds=(f"q{quantile['daed'].value:g}", f"q{quantile['resource'].value:g}"),
                n_init=10,
            )
        df = pd.concat([df, rule.fit(df).predict(df)], axis=1)
        current = df[df["year"] == year]
        shown = current.sort_values(["rank", "region"]).head(top)
        table_view = pd.DataFrame(
            {
                t("Rank", "Место", lang): shown["rank"].to_numpy(),
                t("Region", "Регион", lang): [region_label(r, lang) for r in shown["region"]],
                t("DAED index", "Индекс ДАЭД", lang): shown["daed_index"].round(3).to_numpy(),
                t("Type", "Тип", lang): [
                    type_label(int(k), lang) if pd.notna(k) else "—" for k in shown["type"]
                ],
                t("Borderline", "Пограничный", lang): [
                    t("yes", "да", lang) if _flag(b) else "" for b in shown["borderline"]
                ],
            }
        )
        fig = scatter_types(
            current,
            lang,
            thresholds=rule.thresholds_for(year if rule.base == "each_year" else None),
            rule=rule.describe(lang, year if rule.base == "each_year" else None),
        )
        plt.close(fig)
        return [table_view, fig]

    def redraw(*_: Any) -> None:
        state["first"] = False
        items = view()
        out.outputs = ()  # the widget's state, as for the first view: no output capture needed
        for item in items:
            out.append_display_data(item)

    # the first view is set as the widget's state, not captured from the running cell: a notebook
    # runner (papermill) then has no output capture to follow, which could leave it waiting
    for item in view():
        out.append_display_data(item)
    for widget in (*sliders.values(), *quantile.values(), choice):
        widget.observe(redraw, names="value")
    controls = widgets.VBox(
        [
            widgets.HBox(list(sliders.values())[:2]),
            widgets.HBox(list(sliders.values())[2:]),
            widgets.HBox(list(quantile.values())),
            choice,
            hint,
        ]
    )
    return widgets.VBox([controls, out])
