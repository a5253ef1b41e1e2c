"""Generic charts: they draw what they are given, and say "no data" instead of an empty axis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from exportlab.plot import charts


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _message(fig) -> str:
    return fig.axes[0].texts[0].get_text()


def test_no_data_figure_shows_title_and_message():
    fig = charts.no_data_figure("High-tech export", "No high-tech export in the data")
    assert fig.axes[0].get_title() == "High-tech export"
    assert _message(fig) == "No high-tech export in the data"
    assert not fig.axes[0].axison


def test_all_zero_data_give_the_no_data_figure():
    zeros = pd.DataFrame({"aerospace": [0.0, 0.0], "pharmacy": [0.0, 0.0]}, index=[2023, 2024])
    fig = charts.stacked_bars(zeros, title="T", ylabel="USD", no_data="nothing to show")
    assert _message(fig) == "nothing to show"
    fig = charts.structure_bars(zeros, title="T", xlabel="%", no_data="нет данных")
    assert _message(fig) == "нет данных"
    fig = charts.ranked_bars(pd.Series(dtype=float), title="T", xlabel="%")
    assert _message(fig) == charts.NO_DATA["en"]


def test_structure_bars_drop_rows_without_export():
    # rows: A = (1, 3) -> 25 % / 75 %; B = (0, 0) is dropped
    wide = pd.DataFrame({"x": [1.0, 0.0], "y": [3.0, 0.0]}, index=["A", "B"])
    fig = charts.structure_bars(wide, title="T", xlabel="%")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A"]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == [25.0, 75.0]


def test_stacked_bars_with_data_draw_bars():
    wide = pd.DataFrame({"aerospace": [1.0, 2.0], "pharmacy": [0.5, 0.7]}, index=[2020, 2021])
    fig = charts.stacked_bars(wide, title="High-tech export", ylabel="million USD")
    assert len(fig.axes[0].patches) == 4
