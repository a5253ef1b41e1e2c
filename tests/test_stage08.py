"""Stage 08 (Atlas and WITS analyses) run through papermill in scratch projects: the small demo in
Russian (outputs, cache, byte-identical re-run) and the real Brazilian state exports."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_project
from test_bilingual import cyrillic_share
from test_realdata_brazil import STATES_FILE, _brazil_reference
from test_reports import check_report, parse_report
from test_stage07_tables import INTERNAL

from exportlab import pipeline

pytestmark = pytest.mark.slow
STAGES = ["01", "02", "04", "08"]
#: The seminar run also draws stage 07, whose product table and printed lines are checked in Russian.
SEMINAR_STAGES = ["01", "02", "04", "07", "08"]
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


class _ReaderTables(HTMLParser):
    """The header and cell texts of the reader tables (``exportlab-table``) of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._depth = 0
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "exportlab-table" in (dict(attrs).get("class") or ""):
            self._depth += 1
        elif self._depth and tag in ("th", "td"):
            self._cell = tag

    def handle_endtag(self, tag):
        if tag == "table" and self._depth:
            self._depth -= 1
        elif tag in ("th", "td"):
            self._cell = None

    def handle_data(self, data):
        if self._cell and data.strip():
            (self.headers if self._cell == "th" else self.cells).append(data.strip())


def _printed(executed: Path) -> list[str]:
    """The lines the code cells of an executed notebook printed."""
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    return [
        line
        for cell in cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
        for line in "".join(output["text"]).splitlines()
    ]


def _figures(root: Path, tree: str = "seminar") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "figures" / tree).glob("atlas_*"))}


def test_stage08_on_the_small_demo_in_russian(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    with _Root(root):
        manifest = pipeline.run(
            "seminar", stages=SEMINAR_STAGES, progress=False, jobs=1, log=lambda m: None
        )
        assert manifest["run"]["ran"] == SEMINAR_STAGES
        reports = root / "reports" / "seminar"
        # stage 07: the tables show localized headers and value labels, never an internal name
        page = _ReaderTables()
        page.feed((reports / "07_smart_specialisation.html").read_text(encoding="utf-8"))
        assert "Распространённость (регионов с RCA ≥ 1)" in page.headers
        assert "Несырьевые неэнергетические товары" in page.cells
        assert not INTERNAL & {*page.headers, *page.cells}
        # numbers the notebook prints have the decimal comma
        printed = _printed(reports / "07_smart_specialisation.ipynb")
        (rho,) = [line for line in printed if line.startswith("Корреляция Спирмена ECI и ДАЭД:")]
        (eigen,) = [line for line in printed if "второе собственное число:" in line]
        for line in (rho, eigen):
            assert re.search(r"\d,\d{3}", line) and not re.search(r"\d\.\d", line), line
        # stage 08 names products by their Russian chapter, then in English: the report reads in Russian
        check_report(reports / "08_atlas_analyses.html")
        share = cyrillic_share(" ".join(parse_report(reports / "08_atlas_analyses.html").text))
        assert share >= 0.6, share
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
