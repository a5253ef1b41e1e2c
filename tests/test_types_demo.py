"""Region types and the DAED index on the demo data (default profile) and the seminar data.

Stages 01, 02 and 04 run in a scratch project; the checks of issue "types that mean what they
say": every year has all four types where all four quadrants are populated, at least 90% of the
regions carry the type of their own position and the rest are flagged, every region with export
has an index.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_project

from exportlab import typology
from exportlab.pipeline import run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["default", "seminar"])
def stage04(request, tmp_path_factory) -> tuple[str, Path]:
    root = copy_project(tmp_path_factory.mktemp(request.param) / "project")
    patch = pytest.MonkeyPatch()
    patch.setenv("EXPORTLAB_ROOT", str(root))
    try:
        run(request.param, ["01", "02", "04"], progress=False, jobs=1, log=lambda m: None)
    finally:
        patch.undo()
    return request.param, root


def _daed(root: Path) -> pd.DataFrame:
    (path,) = root.glob("data/processed/*/daed.parquet")  # the one profile run there
    return pd.read_parquet(path)


def test_every_region_with_export_has_an_index(stage04):
    profile, root = stage04
    daed = _daed(root)
    trade = pd.read_parquet(root / "data" / "processed" / profile / "trade_classified.parquet")
    exports = trade[(trade["flow"] == "export") & (trade["value_usd"] > 0)]
    for year in sorted(daed["year"].unique()):
        exporters = set(exports.loc[exports["year"] == year, "region"].astype(str))
        indexed = set(daed.loc[(daed["year"] == year) & daed["daed_index"].notna(), "region"])
        assert exporters == indexed, (year, sorted(exporters - indexed))
    # the seminar's oil, gas and coal regions without NNE export keep K3 per total export
    zero_nne = daed[daed["k3_basis"] == "per_total_export"]
    assert zero_nne["daed_index"].notna().all()
    executed = (root / "reports" / profile / "04_daed_index_clusters.ipynb").read_text(
        encoding="utf-8"
    )
    assert "with an index" in executed or "с индексом" in executed


@pytest.mark.parametrize("method", typology.METHODS)
def test_types_mean_what_they_say(stage04, method):
    profile, root = stage04
    daed = _daed(root)
    table = typology.add_types(daed, typology.RegionTypes(method))
    assert (table["borderline"] == (table["type"] != table["quadrant"])).all()
    summary = typology.type_summary(table)
    full = summary[summary["quadrants_populated"] == 4]
    assert len(full) == len(summary)  # the demo data populate all four quadrants every year
    assert (full[[f"type_{k}" for k in typology.TYPES]] > 0).all().all(), summary
    # the default rule (quadrants) is the regions' own position; clusters agree mostly and
    # flag the rest as borderline
    least = 0.9 if method == "quadrants" else 0.75
    assert (summary["agreement"] >= least).all(), summary
    assert (
        summary["borderline"] == ((1 - summary["agreement"]) * summary["regions"]).round()
    ).all()


def test_report_states_the_rule_and_the_default_is_checkable(stage04):
    profile, root = stage04
    daed = _daed(root)
    summary = typology.type_summary(daed)
    assert (summary["agreement"] >= 0.9).all() and (summary["quadrants_populated"] == 4).all()
    executed = (root / "reports" / profile / "04_daed_index_clusters.ipynb").read_text(
        encoding="utf-8"
    )
    assert ("pooled panel" in executed) or ("объединённой панели" in executed)
    table = pd.read_csv(root / "reports" / profile / "tables" / "types_by_year.csv")
    assert len(table) == daed["year"].nunique()
