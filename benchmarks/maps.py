"""Benchmark of the maps stage: boundaries (cold and cached) and 4 polygon + 4 tile maps.

Run: ``.venv/bin/python benchmarks/maps.py``. Prints the timings; the last line is one JSON object.
The maps are drawn with random data and written (PNG 300 dpi + SVG) to a temporary folder.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd

from exportlab import geo, maps, regions
from exportlab.plot import maps as plot_maps
from exportlab.plot import style


def _draw(layer, codes: list[str], folder: Path, rng: np.random.Generator) -> None:
    values = pd.Series(rng.random(len(codes)), index=codes)
    types = pd.Series(rng.integers(1, 5, len(codes)), index=codes)
    segments = pd.DataFrame(rng.beta(1, 8, (len(codes), 4)), index=codes, columns=list("abcd"))
    figures = {
        "daed": plot_maps.choropleth(
            layer, values, scheme="fisher_jenks", unit="index", synthetic=True
        ),
        "types": plot_maps.categorical(layer, types, synthetic=True),
        "resource_share": plot_maps.choropleth(layer, values, scheme="quantiles", fmt="{:.0%}"),
        "hightech_share": plot_maps.choropleth_grid(layer, segments, fmt="{:.0%}", synthetic=True),
    }
    for what, fig in figures.items():
        style.save_figure(fig, maps.map_name(what, layer), folder, close=True)


class _Clock:
    """Wall-clock and CPU seconds of a block (CPU time is steadier on a busy machine)."""

    def __init__(self, result: dict, name: str) -> None:
        self.result, self.name = result, name

    def __enter__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc) -> None:
        self.result[f"{self.name}_s"] = time.perf_counter() - self.wall
        self.result[f"{self.name}_cpu_s"] = time.process_time() - self.cpu


def main() -> dict[str, float]:
    style.apply_style()
    codes = list(regions.load_regions()["iso"])
    rng = np.random.default_rng(0)
    result: dict[str, float] = {"dcw_available": geo.find_dcw() is not None}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with _Clock(result, "imports"):
            maps.classify(pd.Series([1.0, 2.0, 3.0]), "fisher_jenks", k=2)  # mapclassify
        if geo.find_dcw() is not None:
            with _Clock(result, "boundaries_cold"):
                geo.load_dcw(cache_dir=folder)
            with _Clock(result, "boundaries_cached"):
                polygons = geo.load_dcw(cache_dir=folder)
            with _Clock(result, "polygon_maps_4"):
                _draw(polygons, codes, folder, rng)
        with _Clock(result, "tile_maps_4"):
            _draw(geo.load_regions("tiles"), codes, folder, rng)
        result["files"] = len(list(folder.glob("map_*")))
    parts = ("imports", "boundaries_cached", "polygon_maps_4", "tile_maps_4")
    result["stage_cached_s"] = sum(result.get(f"{k}_s", 0.0) for k in parts)
    result["stage_cached_cpu_s"] = sum(result.get(f"{k}_cpu_s", 0.0) for k in parts)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


if __name__ == "__main__":
    out = main()
    for key, value in out.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(out, sort_keys=True))
