"""Stage 08 (Atlas and WITS analyses) run through papermill in scratch projects: the small demo in
Russian (outputs, cache, byte-identical re-run) and the real Brazilian state exports."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_project
from test_realdata_brazil import STATES_FILE, _brazil_reference

from exportlab import pipeline

pytestmark = pytest.mark.slow
STAGES = ["01", "02", "04", "08"]
FIGURES = [
    "atlas_product_space_",
    "atlas_basket_",
    "atlas_basket_change_",
    "atlas_expy_vs_eci_",
    "atlas_new_products_",
    "atlas_survival_",
    "atlas_penetration_",
    "atlas_unit_values_",
    "atlas_strategy_",
]


class _Root:
    def __init__(self, root: Path):
        self.root, self.saved = root, os.environ.get("EXPORTLAB_ROOT")

    def __enter__(self) -> Path:
        os.environ["EXPORTLAB_ROOT"] = str(self.root)
        return self.root

    def __exit__(self, *exc) -> None:
        if self.saved is None:
            os.environ.pop("EXPORTLAB_ROOT", None)
        else:
            os.environ["EXPORTLAB_ROOT"] = self.saved


def _figures(root: Path, tree: str = "seminar") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "figures" / tree).glob("atlas_*"))}


def test_stage08_on_the_small_demo_in_russian(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    with _Root(root):
        manifest = pipeline.run(
            "seminar", stages=STAGES, progress=False, jobs=1, log=lambda m: None
        )
        assert manifest["run"]["ran"] == STAGES
        figures = _figures(root)
        for stem in FIGURES:
            assert any(n.startswith(stem) and n.endswith(".png") for n in figures), stem
            # the seminar writes screen figures (runner key figures: PNG at 150 dpi, no SVG)
            assert not any(n.startswith(stem) and n.endswith(".svg") for n in figures), stem
        assert list((root / "data" / "processed" / "seminar").glob("productspace_hs4.parquet"))
        tables = {p.name for p in (root / "reports" / "seminar" / "tables").glob("atlas_*.csv")}
        assert {
            "atlas_expy_2021.csv",
            "atlas_survival_hs4.csv",
            "atlas_strategy_2021.csv",
        } <= tables
        hazard = pd.read_csv(root / "reports" / "seminar" / "tables" / "atlas_survival_hs4.csv")
        assert "Все регионы" in set(hazard.iloc[:, 1])  # Russian labels
        executed = (root / "reports" / "seminar" / "08_atlas_analyses.ipynb").read_text(
            encoding="utf-8"
        )
        assert "Продуктовое пространство" in executed
        cache = (root / "data" / "processed" / "seminar" / "productspace_hs4.parquet").read_bytes()
        pipeline.run(
            "seminar", stages=["08"], force=True, progress=False, jobs=1, log=lambda m: None
        )
        assert _figures(root) == figures  # byte-identical figures on a re-run
        assert (
            root / "data" / "processed" / "seminar" / "productspace_hs4.parquet"
        ).read_bytes() == cache


@pytest.mark.realdata
def test_stage08_on_brazilian_states(realdata: Path, tmp_path: Path):
    source = realdata / "brazil_comexstat"
    root = copy_project(tmp_path / "brazil")
    raw = root / "data" / "raw" / "brazil"
    raw.mkdir(parents=True)
    shutil.copy2(source / STATES_FILE, raw / STATES_FILE)
    _brazil_reference(source / "region_lookup_uf.csv").to_csv(
        root / "data" / "raw" / "regions_br.csv", index=False
    )
    (root / "config" / "brazil.yaml").write_text(
        "demo: false\nraw_dir: data/raw/brazil\nregions_file: data/raw/regions_br.csv\n"
        "flow: export\nyear: 2024\nnovelty_window: 1\nregion_sheet: BR-MT\n"
        "regions_to_show: [BR-MT, BR-MG, BR-PR, BR-SP]\nexperts_file: null\n"
        "implementation_file: null\nn_boot: 20\nfocus_region: BR-PR\nproduct_level: hs6\n",
        encoding="utf-8",
    )
    with _Root(root):
        manifest = pipeline.run("brazil", stages=STAGES, progress=False, jobs=1, log=lambda m: None)
    assert manifest["run"]["ran"] == STAGES
    figures = _figures(root, "brazil")
    for stem in FIGURES:
        assert any(n.startswith(stem) and n.endswith(".png") for n in figures), stem
    executed = json.loads(
        (root / "reports" / "brazil" / "08_atlas_analyses.ipynb").read_text("utf-8")
    )
    text = json.dumps(executed, ensure_ascii=False)
    assert "Paraná" in text and "2023 → 2024" in text
    basket = pd.read_csv(
        root / "reports" / "brazil" / "tables" / "atlas_basket_BR-PR_2024.csv", dtype=str
    )
    assert basket.iloc[:, 0].isin(["II", "IV"]).all()  # grains and coffee: vegetable products
    # no indicator table: no GRP per capita, the EXPY figure says "no data"
    expy = pd.read_csv(root / "reports" / "brazil" / "tables" / "atlas_expy_2024.csv")
    assert "EXPY (own regions)" not in expy.columns
