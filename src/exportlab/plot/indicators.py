"""Maps of Rosstat's regional indicators (for :mod:`exportlab.indicators`), stage 01."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from exportlab.indicators import MAPS, map_values
from exportlab.labels import t
from exportlab.plot.charts import no_data_figure
from exportlab.plot.maps import choropleth

__all__ = ["indicator_maps"]


def indicator_maps(
    indicators: pd.DataFrame,
    year: int,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    lang: str = "en",
    synthetic: bool = False,
    source: str | None = None,
    scheme: str = "fisher_jenks",
    k: int = 5,
    prefix: str = "ingest_map_",
) -> dict[str, Figure]:
    """Choropleths of :data:`exportlab.indicators.MAPS` on every layer, keyed by file name.

    The keys are ``<prefix><map>_<layer>`` (``ingest_map_export_per_capita_tiles``…): the caller
    writes each figure under its key with :func:`exportlab.plot.save_figure`. ``layers`` comes from
    :func:`exportlab.maps.map_layers`. An indicator absent in ``year`` gets a figure that says so
    (:func:`exportlab.plot.charts.no_data_figure`).

    >>> import matplotlib.pyplot as plt
    >>> from exportlab import maps
    >>> layers, _ = maps.map_layers("tiles")
    >>> ind = pd.DataFrame({"region": ["RU-TA", "RU-BA"], "year": 2021,
    ...                     "indicator": "grp_per_capita_rub", "value": [7e5, 6e5]})
    >>> list(indicator_maps(ind, 2021, layers))[-2:]
    ['ingest_map_export_noncis_share_tiles', 'ingest_map_grp_per_capita_tiles']
    >>> plt.close("all")
    """
    figures = {}
    series_of = map_values(indicators, year)
    for name, (key, title_en, title_ru, unit_en, unit_ru, _factor) in MAPS.items():
        series = series_of[name]
        title = t(f"{title_en}, {year}", f"{title_ru}, {year}", lang)
        for kind, layer in layers.items():
            if series.dropna().empty:
                fig = no_data_figure(
                    title,
                    t(
                        f"No {key} values for {year} in the indicator table",
                        f"Нет значений {key} за {year} г. в таблице показателей",
                        lang,
                    ),
                )
            else:
                fig = choropleth(
                    layer,
                    series,
                    scheme=scheme,
                    k=min(k, max(1, series.nunique())),
                    title=title,
                    unit=t(unit_en, unit_ru, lang),
                    lang=lang,
                    synthetic=synthetic,
                    source=source,
                )
            figures[f"{prefix}{name}_{kind}"] = fig
    return figures
