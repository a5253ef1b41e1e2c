"""Regional Export Standard figures (for :mod:`exportlab.standard`): the scorecard heatmap and the
reorientation of export between partner groups."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from exportlab.labels import Label, check_lang, number, pick, t
from exportlab.regions import region_label
from exportlab.standard import (
    GROUP_NAMES,
    KPI,
    PARTNER_GROUPS,
    STATUS_LABELS,
    TARGET_LABELS,
    rank_regions,
)

__all__ = ["GROUP_COLORS", "reorientation_area", "scorecard_heatmap"]

#: Colours of the partner groups of :data:`exportlab.standard.PARTNER_GROUPS` in the reorientation figure.
GROUP_COLORS: dict[str, str] = {
    "eu": "#1f77b4",
    "west": "#6baed6",
    "eaeu_cis": "#d62728",
    "china": "#ff7f0e",
    "other_brics": "#fdae6b",
    "asia_pacific": "#2ca02c",
    "mena": "#bcbd22",
    "rest_of_world": "#9467bd",
    "unspecified": "#c7c7c7",
}


def scorecard_heatmap(
    card: pd.DataFrame,
    lang: str = "en",
    labels: Mapping[str, Label] | None = None,
    title: str | None = None,
) -> Figure:
    """Heatmap of a scorecard (regions ranked by targets met × indicators): green met, red not met,
    grey no data or no target; each cell shows the value.

    ``card`` is :func:`exportlab.standard.scorecard` or :func:`exportlab.standard.kpi_scorecard`;
    ``labels`` adds or overrides indicator names (``{indicator: Label}``).

    >>> card = pd.DataFrame({"region": ["RU-TA", "RU-BA"], "indicator": "nne_export_growth_vs_2020",
    ...                      "value": [112.0, 95.0], "status": ["met", "not_met"]})
    >>> fig = scorecard_heatmap(card, "ru", title="Цели")
    >>> fig.axes[0].get_title()
    'Цели'
    >>> plt.close(fig)
    """
    check_lang(lang)
    names = {
        **TARGET_LABELS,
        **{k.id: {"en": k.name_en, "ru": k.name_ru} for k in KPI.values()},
        **(labels or {}),
    }
    order = rank_regions(card)["region"].tolist()
    indicators = list(dict.fromkeys(card["indicator"]))
    code = card.assign(code=card["status"].map({"met": 1.0, "not_met": 0.0}))
    matrix = code.pivot(index="region", columns="indicator", values="code").loc[order, indicators]
    values = card.pivot(index="region", columns="indicator", values="value").loc[order, indicators]
    annot = values.map(
        lambda v: "—" if pd.isna(v) else number(v, ".0f" if abs(v) >= 10 else ".1f", lang)
    )
    # column headers wrap between words; a column is as wide as its longest line (7 pt: ~0.055 in a letter)
    heads = [
        textwrap.fill(pick(names[i], lang) if i in names else i, 16, break_long_words=False)
        for i in indicators
    ]
    longest = max((len(line) for head in heads for line in head.splitlines()), default=0)
    column = max(1.15, 0.055 * longest + 0.2)
    height = max(2.5, 0.22 * len(order) + 2.0)
    fig, ax = plt.subplots(figsize=(column * len(indicators) + 3, height), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))  # room for the source note
    ax.set_facecolor("#d9d9d9")
    sns.heatmap(
        matrix,
        ax=ax,
        cmap=ListedColormap(["#f4a582", "#92c5de"]),
        vmin=0,
        vmax=1,
        cbar=False,
        annot=annot.to_numpy(),
        fmt="",
        annot_kws={"fontsize": 6 if len(order) > 30 else 7},
        linewidths=0.5,
        linecolor="white",
    )
    ax.set_xticklabels(heads, rotation=0, fontsize=7)
    ax.set_yticklabels([region_label(r, lang) for r in order], rotation=0, fontsize=7)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    handles = [
        Patch(color="#92c5de", label=pick(STATUS_LABELS["met"], lang)),
        Patch(color="#f4a582", label=pick(STATUS_LABELS["not_met"], lang)),
        Patch(
            color="#d9d9d9",
            label=t(
                "no data / no base year / no target",
                "нет данных / нет базового года / нет цели",
                lang,
            ),
        ),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    if title:
        ax.set_title(title)
    return fig


def reorientation_area(
    shares: pd.DataFrame, lang: str = "en", region: str | None = None, title: str | None = None
) -> Figure:
    """Stacked area of export shares by partner group over the years (``region`` or the only one).

    ``shares`` is :func:`exportlab.standard.reorientation_shares`. ``title`` defaults to "Export by
    partner group" with the region's name (none for the country).

    >>> shares = pd.DataFrame({"region": "country", "year": [2021, 2021, 2022, 2022],
    ...                        "group": ["eu", "china"] * 2, "share": [0.6, 0.4, 0.3, 0.7]})
    >>> fig = reorientation_area(shares, "en")
    >>> fig.axes[0].get_ylabel()
    'Share of export, %'
    >>> plt.close(fig)
    """
    check_lang(lang)
    if region is None:
        regions = shares["region"].unique()
        if len(regions) != 1:
            raise ValueError("shares hold several regions: pass region=")
        region = regions[0]
    rows = shares[shares["region"] == region]
    wide = rows.pivot(index="year", columns="group", values="share").fillna(0.0)
    groups = [g for g in (*PARTNER_GROUPS, "uncovered") if g in wide.columns]
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))  # room for the source note
    names = {**GROUP_NAMES, "uncovered": {"en": "Not in any group", "ru": "Вне групп"}}
    ax.stackplot(
        wide.index,
        [100 * wide[g] for g in groups],
        labels=[pick(names[g], lang) for g in groups],
        colors=[GROUP_COLORS.get(g, "#7f7f7f") for g in groups],
        alpha=0.9,
    )
    ax.set_xlim(wide.index.min(), wide.index.max())
    ax.set_ylim(0, 100)
    ax.set_xlabel(t("Year", "Год", lang))
    ax.set_ylabel(t("Share of export, %", "Доля в экспорте, %", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    if title is None:
        title = t("Export by partner group", "Экспорт по группам стран-партнёров", lang)
        if region != "country":
            title += f": {region_label(region, lang)}"
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
