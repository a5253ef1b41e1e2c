"""Figures of :mod:`exportlab.diversification`: the Theil index and its margins, partner concentration
and the survival of new export lines for chosen regions.

>>> import pandas as pd
>>> table = pd.DataFrame({"region": ["RU-TA", "RU-TA"], "year": [2020, 2021],
...                       "theil": [1.2, 1.0], "theil_between": [0.8, 0.7],
...                       "partner_hhi": [0.3, 0.25], "survival_1": [0.5, float("nan")]})
>>> fig = diversification_panels(table, ["RU-TA"], lang="en")
>>> [ax.get_title() for ax in fig.axes][:2]
['Theil index over HS6 lines', 'Partner concentration (HHI)']
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from exportlab.labels import check_lang, t
from exportlab.plot.colors import PALETTE
from exportlab.regions import region_label


def diversification_panels(
    table: pd.DataFrame, regions: Sequence[str], lang: str = "en", horizon: int = 1
) -> Figure:
    """Three panels for the chosen regions over the years: Theil index (solid) with its extensive part
    (dashed), partner HHI, and the share of new lines still exported ``horizon`` years later."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    missing = [r for r in regions if r not in set(table["region"])]
    if missing:
        raise ValueError(f"region(s) {missing} not in the diversification table")
    fig, axes = plt.subplots(1, 3, figsize=(12, 4), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))  # room for the source note
    for i, region in enumerate(regions):
        color = PALETTE[i % len(PALETTE)]
        rows = table[table["region"] == region].sort_values("year")
        label = region_label(region, lang)
        axes[0].plot(rows["year"], rows["theil"], color=color, marker="o", label=label)
        axes[0].plot(rows["year"], rows["theil_between"], color=color, linestyle="--")
        axes[1].plot(rows["year"], rows["partner_hhi"], color=color, marker="o", label=label)
        axes[2].plot(
            rows["year"], rows[f"survival_{horizon}"], color=color, marker="o", label=label
        )
    axes[0].set_title(t("Theil index over HS6 lines", "Индекс Тейла по позициям ТН ВЭД", lang))
    axes[0].set_ylabel(
        t(
            "solid: total; dashed: extensive margin",
            "сплошная: всего; пунктир: экстенсивная часть",
            lang,
        )
    )
    axes[1].set_title(t("Partner concentration (HHI)", "Концентрация по партнёрам (ИХХ)", lang))
    axes[1].set_ylabel("HHI" if lang == "en" else "ИХХ")
    axes[2].set_title(
        t(
            f"New lines still exported after {horizon} y.",
            f"Новые позиции, сохранившиеся через {horizon} г.",
            lang,
        )
    )
    axes[2].set_ylabel(t("share of the cohort", "доля когорты", lang))
    axes[2].set_ylim(0, 1.05)
    for ax in axes:
        ax.set_xlabel(t("Year", "Год", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].legend(loc="best")
    return fig
