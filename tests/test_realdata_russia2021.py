"""The ``russia2021`` profile on Rosstat's own yearbook chapters, in a scratch project.

raw_dir holds the Word chapters of the Russian Statistical Yearbook 2022 and 2023 only (no FCS trade
files): stage 01 reads the regional indicators, checks them against the country totals and writes the
table of the regions and the maps; every later stage needs product-level trade and is skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, copy_project

from exportlab import pipeline
from exportlab.config import load_profile

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def test_profile_is_valid(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EXPORTLAB_ROOT", str(REPO))
    params = load_profile("russia2021").params
    assert params["year"] == 2021 and params["demo"] is False


@pytest.fixture(scope="module")
def russia_run(realdata: Path, tmp_path_factory: pytest.TempPathFactory):
    root = copy_project(tmp_path_factory.mktemp("russia2021") / "project")
    source = realdata / "rosstat" / "source_docx"
    (root / "config" / "russia_test.yaml").write_text(
        f"extends: russia2021\nraw_dir: {source}\n", encoding="utf-8"
    )
    saved = os.environ.get("EXPORTLAB_ROOT")
    os.environ["EXPORTLAB_ROOT"] = str(root)
    messages: list[str] = []
    try:
        manifest = pipeline.run("russia_test", progress=False, jobs=1, log=messages.append)
        yield root, manifest, messages
    finally:
        if saved is None:
            os.environ.pop("EXPORTLAB_ROOT", None)
        else:
            os.environ["EXPORTLAB_ROOT"] = saved


def test_stage_01_reads_the_yearbook_and_later_stages_are_skipped(russia_run):
    root, manifest, messages = russia_run
    assert manifest["run"]["ran"] == ["01"]
    later = [s for s in manifest["run"]["stages"] if s != "01"]
    assert later and all(manifest["stages"][s]["skipped"] for s in later)
    assert any("skipped, no product-level trade data" in m for m in messages)
    processed = root / "data" / "processed" / "russia_test"
    assert len(pd.read_parquet(processed / "trade.parquet")) == 0
    indicators = pd.read_parquet(processed / "indicators.parquet")
    wide = indicators[indicators["year"] == 2021].pivot(
        index="region", columns="indicator", values="value"
    )
    assert len(wide) == 85
    for key in ("export_per_capita_usd", "export_noncis_share_pct", "grp_per_capita_rub"):
        assert wide[key].notna().sum() == 85, key
    report = json.loads((processed / "quality_indicators.json").read_text(encoding="utf-8"))
    assert len(report["tables"]) == 12
    assert any("header says million RUB" in w for w in report["warnings"])


def test_regions_table_and_maps(russia_run):
    root, _, _ = russia_run
    table = pd.read_csv(root / "reports" / "russia_test" / "tables" / "ingest_regions.csv")
    assert len(table) == 85
    by_code = table.set_index(table.columns[1])
    # hand: Nenets AO leads export per capita in 2021: 1 119,9 mln USD / 44,5 thou persons
    # (1 January 2022); Moscow: 207 285,3 / 12 635,5
    assert table.iloc[0, 1] == "RU-NEN"
    assert by_code.iloc[0, 2] == pytest.approx(1_119.9e6 / 44.5e3, rel=1e-9)
    assert by_code.loc["RU-MOW"].iloc[2] == pytest.approx(207_285.3e6 / 12_635.5e3, rel=1e-9)
    k4 = table.iloc[:, 8]
    assert k4.notna().sum() == 85 and 0.0 <= k4.min() and k4.max() <= 1.0

    def minmax(x):
        return (x - x.min()) / (x.max() - x.min())

    # hand: K4 = mean of GRP per capita, unemployment reversed and investment per capita, min-max
    grp, unemployment, investment = table.iloc[:, 5], table.iloc[:, 6], table.iloc[:, 7]
    hand = (minmax(grp) + (1 - minmax(unemployment)) + minmax(investment)) / 3
    pd.testing.assert_series_equal(k4, hand, check_names=False, rtol=1e-9)
    figures = root / "figures" / "russia_test"
    for name in ("export_per_capita", "export_noncis_share", "grp_per_capita"):
        assert (figures / f"ingest_map_{name}_tiles.png").is_file(), name
