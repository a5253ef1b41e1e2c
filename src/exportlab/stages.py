"""The stage table: each stage is a notebook with the files it reads and writes.

Patterns are relative to the project root (``data/processed/…``, ``figures/…``, ``reports/…``; the
runner maps them into the profile's output tree). :mod:`exportlab.pipeline` runs the stages;
:func:`exportlab.paths.processed_file` names the stages to run for a missing input.

>>> [s.id for s in STAGES][:3]
['01', '02', '03']
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: a notebook and the files it reads and writes."""

    id: str
    notebook: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    title: str = ""
    after: tuple[str, ...] = ()
    title_ru: str = ""

    @property
    def name(self) -> str:
        return Path(self.notebook).stem

    def label(self, lang: str = "en") -> str:
        """The stage's title in ``lang`` (the English one when there is no Russian title)."""
        return self.title_ru if lang == "ru" and self.title_ru else self.title


P = "data/processed/"
#: What the product-level stages 07 and 08 read: the classified trade, the indicators, the DAED table and
#: the product names (before each stage's own file).
_PRODUCT_STAGE_INPUTS: tuple[str, ...] = (
    P + "trade_classified.parquet",
    P + "indicators.parquet",
    P + "daed.parquet",
    P + "provenance.json",
    P + "regions.csv",
    "{product_names_file}",
)
STAGES: tuple[Stage, ...] = (
    Stage(
        "01",
        "01_ingest.ipynb",
        inputs=("{raw_dir}/**/*",),
        outputs=(
            P + "trade.parquet",
            P + "trade_fine.parquet",
            P + "indicators.parquet",
            P + "quality*",
            P + "provenance.json",
            P + "regions.csv",
            "figures/ingest_*",
            "reports/tables/ingest_*",
        ),
        title="Ingestion",
        title_ru="Загрузка данных",
        after=(),
    ),
    Stage(
        "02",
        "02_hightech_classification.ipynb",
        inputs=(P + "trade.parquet", P + "provenance.json", P + "regions.csv"),
        outputs=(P + "trade_classified.parquet", "figures/hightech_*", "reports/tables/hightech_*"),
        title="OECD high-tech and resource classification",
        title_ru="Классификация ОЭСР: высокотехнологичный и сырьевой экспорт",
        after=("01",),
    ),
    Stage(
        "03",
        "03_trajectory_tables.ipynb",
        inputs=(P + "trade_classified.parquet", P + "provenance.json", P + "regions.csv"),
        outputs=("reports/tables/trajectory_*", "figures/trajectory_*"),
        title="High-tech export trajectory tables",
        title_ru="Таблицы траекторий высокотехнологичного экспорта",
        after=("02",),
    ),
    Stage(
        "04",
        "04_daed_index_clusters.ipynb",
        inputs=(
            P + "trade_classified.parquet",
            P + "indicators.parquet",
            P + "provenance.json",
            P + "regions.csv",
            "{experts_file}",
        ),
        outputs=(
            P + "daed.parquet",
            "figures/daed_*",
            "reports/tables/daed_*",
            "reports/tables/types_*",
            "reports/daed_explorer.html",
        ),
        title="DAED index and region types",
        title_ru="Индекс ДАЭД и типы регионов",
        after=("01", "02"),
    ),
    Stage(
        "05",
        "05_maps.ipynb",
        inputs=(
            P + "daed.parquet",
            P + "trade_classified.parquet",
            P + "provenance.json",
            P + "regions.csv",
        ),
        outputs=("figures/map_*",),
        title="Choropleth maps",
        title_ru="Картограммы",
        after=("02", "04"),
    ),
    Stage(
        "06",
        "06_export_standard_scorecard.ipynb",
        inputs=(
            P + "trade_classified.parquet",
            P + "indicators.parquet",
            P + "provenance.json",
            P + "regions.csv",
            "{implementation_file}",
        ),
        outputs=(
            "reports/tables/scorecard_*",
            "reports/tables/kpi_*",
            "reports/tables/implementation_*",
            "reports/tables/reorientation_*",
            "reports/tables/diversification_*",
            "reports/tables/res_implementation_template*",
            "figures/scorecard_*",
            "figures/reorientation_*",
            "figures/diversification_*",
        ),
        title="Regional Export Standard scorecard",
        title_ru="Оценка по Региональному экспортному стандарту",
        after=("01", "02"),
    ),
    Stage(
        "07",
        "07_smart_specialisation.ipynb",
        inputs=(*_PRODUCT_STAGE_INPUTS, "{proximity_file}"),
        outputs=("reports/tables/complexity_*", "reports/tables/smart_*", "figures/smart_*"),
        title="Smart specialisation",
        title_ru="Умная специализация",
        after=("01", "02", "04"),
    ),
    Stage(
        "08",
        "08_atlas_analyses.ipynb",
        inputs=(*_PRODUCT_STAGE_INPUTS, "{country_table_file}"),
        outputs=(P + "productspace_*", "reports/tables/atlas_*", "figures/atlas_*"),
        title="Atlas and WITS analyses",
        title_ru="Анализы по методикам Атласа и WITS",
        after=("01", "02", "04"),
    ),
)


def stages_writing(path: str) -> list[str]:
    """Ids of the stage writing ``path`` (as in the stage table, e.g. ``data/processed/daed.parquet``)
    and of every stage it needs, in order: the stages to run before a notebook reads the file.

    >>> stages_writing("data/processed/daed.parquet")
    ['01', '02', '04']
    """
    by_id = {s.id: s for s in STAGES}
    writers = [s for s in STAGES if any(fnmatch(path, pattern) for pattern in s.outputs)]
    if not writers:
        return []
    needed: set[str] = set()
    frontier = [writers[0].id]
    while frontier:
        stage_id = frontier.pop()
        if stage_id not in needed:
            needed.add(stage_id)
            frontier.extend(by_id[stage_id].after)
    return sorted(needed)
