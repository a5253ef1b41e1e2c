"""Figures and tables of the ingest quality report (stage 01), in English or Russian.

>>> from exportlab.io.quality import IngestReport
>>> import pandas as pd
>>> r = IngestReport(totals=pd.DataFrame({"year": [2020], "flow": ["export"], "rows": [3],
...                                       "value_usd": [2.5e9], "netto_kg": [1e9]}))
>>> totals_table(r, "ru").columns.tolist()
['Год', 'Поток', 'Строк', 'Стоимость, млн долл. США', 'Нетто, тыс. т']
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from exportlab.io.quality import REASONS, IngestReport
from exportlab.labels import t

FLOW_NAMES = {"export": ("Export", "Экспорт"), "import": ("Import", "Импорт")}
REASON_RU: dict[str, str] = {
    "flow": "неизвестное направление (ЭК/ИМ)",
    "period": "неверный период",
    "code": "неверный код ТН ВЭД",
    "code_level": "код грубее нужного уровня",
    "value": "стоимость не число",
    "value_negative": "отрицательная стоимость",
    "netto": "вес нетто не число",
    "netto_negative": "отрицательный вес нетто",
    "partner": "неизвестный код страны",
    "region": "неизвестный регион",
    "duplicate": "повтор строки",
}


def _flow(flow: str, lang: str) -> str:
    en, ru = FLOW_NAMES.get(flow, (flow, flow))
    return t(en, ru, lang)


def files_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """Per file: format, encoding, layout, rows read, rows rejected, restored codes."""
    df = report.summary()
    return df.rename(
        columns={
            "file": t("File", "Файл", lang),
            "format": t("Format", "Формат", lang),
            "encoding": t("Encoding", "Кодировка", lang),
            "layout": t("Layout", "Макет", lang),
            "rows": t("Rows read", "Прочитано строк", lang),
            "rejected": t("Rejected", "Отклонено", lang),
            "restored_codes": t("Codes with restored zero", "Коды с восстановленным нулём", lang),
        }
    )


def reasons_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """Rows rejected by reason (an empty table when nothing was rejected)."""
    rows = [
        (t(REASONS[k], REASON_RU[k], lang), v) for k, v in sorted(report.rejected_by_reason.items())
    ]
    return pd.DataFrame(rows, columns=[t("Reason", "Причина", lang), t("Rows", "Строк", lang)])


def totals_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """Totals per year and flow: rows, value (million USD), net weight (thousand tonnes)."""
    df = report.totals.copy()
    if df.empty:
        return df
    df["flow"] = [_flow(f, lang) for f in df["flow"]]
    df["value_usd"] = df["value_usd"] / 1e6
    df["netto_kg"] = df["netto_kg"] / 1e6
    return df.rename(
        columns={
            "year": t("Year", "Год", lang),
            "flow": t("Flow", "Поток", lang),
            "rows": t("Rows", "Строк", lang),
            "value_usd": t("Value, million USD", "Стоимость, млн долл. США", lang),
            "netto_kg": t("Net weight, thousand t", "Нетто, тыс. т", lang),
        }
    )


def plot_coverage(report: IngestReport, lang: str = "en", value: str = "rows") -> Figure:
    """Heatmap region × year of the number of rows (or ``value_usd``); white = no data."""
    matrix = report.coverage_matrix(value)
    n_regions = max(len(matrix), 1)
    fig, ax = plt.subplots(figsize=(7.0, max(3.0, 0.12 * n_regions + 1.2)))
    if matrix.empty:
        ax.text(0.5, 0.5, t("no data", "нет данных", lang), ha="center", va="center")
        return fig
    data = matrix.to_numpy(dtype=float)
    shown = np.where(data > 0, data, np.nan)
    image = ax.imshow(shown, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
    ax.set_yticks(
        range(n_regions), matrix.index.tolist(), fontsize=max(3.5, min(7.0, 400 / n_regions))
    )
    ax.grid(False)
    ax.set_xlabel(t("Year", "Год", lang))
    ax.set_ylabel(t("Region", "Регион", lang))
    label = (
        t("Rows", "Строк", lang)
        if value == "rows"
        else t("Value, USD", "Стоимость, долл. США", lang)
    )
    fig.colorbar(image, ax=ax, label=label, fraction=0.04, pad=0.02)
    ax.set_title(t("Coverage: region × year", "Покрытие: регион × год", lang))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_totals(report: IngestReport, lang: str = "en") -> Figure:
    """Bars of value per year, export and import side by side (billion USD)."""
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    df = report.totals
    if df.empty:
        return fig
    wide = (
        df.pivot_table(
            index="year", columns="flow", values="value_usd", aggfunc="sum", fill_value=0
        )
        / 1e9
    )
    years = wide.index.to_numpy()
    width = 0.8 / max(len(wide.columns), 1)
    for k, flow in enumerate(wide.columns):
        ax.bar(
            years + (k - (len(wide.columns) - 1) / 2) * width,
            wide[flow],
            width,
            label=_flow(flow, lang),
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel(t("Year", "Год", lang))
    ax.set_ylabel(t("Value, billion USD", "Стоимость, млрд долл. США", lang))
    ax.set_title(t("Totals per year", "Итоги по годам", lang))
    ax.legend()
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
