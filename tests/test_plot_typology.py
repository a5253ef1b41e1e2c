"""The region-type scatter: the values of the quadrant lines stay clear of the region labels."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from exportlab import typology
from exportlab.plot import style
from exportlab.plot import typology as plot_types
from exportlab.regions import load_regions

matplotlib.use("Agg")


def _crowded_table(seed: int) -> pd.DataFrame:
    """70 regions, 30 of them on the DAED threshold (0.06) up to the top of the plot — where the
    threshold's value used to be written inside the frame."""
    codes = load_regions()["iso"].tolist()[:70]
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(0.06, 0.004, 30), rng.uniform(0.02, 0.4, 40)])
    y = np.concatenate([rng.uniform(0.5, 0.99, 30), rng.uniform(0.0, 0.99, 40)])
    df = pd.DataFrame({"region": codes, "year": 2021, "daed_index": x, "resource_share": y})
    return typology.add_types(df, typology.RegionTypes("quadrants", (0.06, 0.07)))


@pytest.mark.parametrize(
    ("lang", "seed"),
    [
        ("ru", 2),
        # three more crowded layouts in the slow tier (adjustText on 70 labels: about 10 s each)
        pytest.param("en", 0, marks=pytest.mark.slow),
        pytest.param("ru", 0, marks=pytest.mark.slow),
        pytest.param("en", 2, marks=pytest.mark.slow),
    ],
)
def test_threshold_values_touch_no_region_label_tick_label_or_title(lang: str, seed: int):
    style.apply_style(lang)
    try:
        fig = plot_types.scatter_types(
            _crowded_table(seed), lang, thresholds=(0.06, 0.07), max_labels=None
        )
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        values = {"en": ["0.06", "7.0%"], "ru": ["0,06", "7,0%"]}[lang]
        thresholds = [x for x in ax.texts if x.get_text() in values]
        assert sorted(x.get_text() for x in thresholds) == sorted(values)
        others = [x for x in ax.texts if x not in thresholds]
        assert len(others) == 70  # every region named
        ticks = [x for x in ax.get_xticklabels() + ax.get_yticklabels() if x.get_text()]
        frame = ax.get_window_extent(renderer)
        for value in thresholds:
            patch = value.get_bbox_patch()  # the white box, when there is one
            box = (patch or value).get_window_extent(renderer)
            assert not box.overlaps(frame) or box.y0 >= frame.y1 or box.x1 <= frame.x0, (
                f"{value.get_text()} is written inside the frame"
            )
            for other in [*others, *ticks, ax.title]:
                assert not box.overlaps(other.get_window_extent(renderer)), (
                    value.get_text(),
                    other.get_text(),
                )
    finally:
        style.apply_style("en")


def test_the_resource_threshold_hides_the_tick_label_it_would_touch():
    table = _crowded_table(0)
    fig = plot_types.scatter_types(table, "en", thresholds=(0.06, 0.195))
    ticks = [float(x.get_text().replace("−", "-")) for x in fig.axes[0].get_yticklabels()]
    assert 20.0 not in ticks and {0.0, 40.0, 60.0, 80.0} <= set(ticks)
    low, high = fig.axes[0].get_ylim()
    assert low < 0 and high > 95  # the limits the points set, unchanged
