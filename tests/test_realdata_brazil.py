"""The proof that no stage assumes Russia: the pipeline on real Brazilian state exports (Comex Stat).

``realdata/brazil_comexstat/br_uf_grains_coffee_hs6_partner_2023_2024.csv.gz`` (states × HS6 × partner,
2023–2024, grains and coffee; see its PROVENANCE.md) is ingested through the tidy layout with a region
reference of Brazil's states written from ``region_lookup_uf.csv``; every existing stage except the maps
(05) and smart specialisation (07) then runs on it. Nothing Russian is supplied: no indicator table
(K3/K4 and the SME targets are "no data"), no Standard base year 2020, no federal districts, years
2023–2024 in the HS2022 edition.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_project

from exportlab import pipeline

REPO = Path(__file__).resolve().parents[1]
STATES_FILE = "br_uf_grains_coffee_hs6_partner_2023_2024.csv.gz"
# Totals of the file (PROVENANCE.md), value_usd including the "state not declared" rows (ND).
TOTAL_USD = {2023: 75_489_698_913, 2024: 63_811_321_391}
STAGES = ["01", "02", "03", "04", "06"]

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def _brazil_reference(lookup: Path) -> pd.DataFrame:
    """States (and ND, "state not declared") with ISO 3166-2 codes ``BR-XX``; the UF code is an alias.

    Portuguese names in both name columns; no district, OKATO or FCS columns.
    """
    uf = pd.read_csv(lookup, dtype=str, keep_default_na=False)
    uf = uf[(uf["is_state"] == "True") | (uf["region"] == "ND")]
    return pd.DataFrame(
        {
            "iso": "BR-" + uf["region"],
            "name_en": uf["name_pt"],
            "name_ru": uf["name_pt"],
            "aliases": uf["region"],
        }
    ).reset_index(drop=True)


@pytest.fixture(scope="module")
def brazil_run(realdata: Path, tmp_path_factory: pytest.TempPathFactory):
    """Run stages 01-04 and 06 once on the Brazilian states; yield the scratch project root."""
    source = realdata / "brazil_comexstat"
    root = copy_project(tmp_path_factory.mktemp("brazil") / "project")
    raw = root / "data" / "raw" / "brazil"
    raw.mkdir(parents=True)
    shutil.copy2(source / STATES_FILE, raw / STATES_FILE)
    reference = _brazil_reference(source / "region_lookup_uf.csv")
    reference.to_csv(root / "data" / "raw" / "regions_br.csv", index=False)
    (root / "config" / "brazil.yaml").write_text(
        "description: Brazilian states, grains and coffee, Comex Stat 2023-2024\n"
        "demo: false\n"
        "raw_dir: data/raw/brazil\n"
        "regions_file: data/raw/regions_br.csv\n"
        "flow: export\n"
        "year: 2024\n"
        "novelty_window: 1\n"  # two years of data: one year of history for K1/K2
        "region_sheet: BR-MT\n"
        "regions_to_show: [BR-MT, BR-MG, BR-PR, BR-SP]\n"
        "experts_file: null\n"
        "implementation_file: null\n"
        "n_boot: 20\n",
        encoding="utf-8",
    )
    saved = os.environ.get("EXPORTLAB_ROOT")
    os.environ["EXPORTLAB_ROOT"] = str(root)
    try:
        manifest = pipeline.run("brazil", stages=STAGES, progress=False, jobs=1, log=lambda m: None)
        yield root, manifest, reference
    finally:
        if saved is None:
            os.environ.pop("EXPORTLAB_ROOT", None)
        else:
            os.environ["EXPORTLAB_ROOT"] = saved


def test_every_existing_stage_ran(brazil_run):
    root, manifest, _ = brazil_run
    assert manifest["run"]["ran"] == STAGES
    for stage in STAGES:
        assert manifest["stages"][stage]["outputs"], f"stage {stage} wrote nothing"
    assert not list((root / "reports" / "brazil").glob("*.failed.ipynb"))
    provenance = json.loads(
        (root / "data" / "processed" / "brazil" / "provenance.json").read_text()
    )
    assert provenance["synthetic"] is False


def test_trade_table_keeps_the_file_totals(brazil_run, realdata: Path):
    root, _, _ = brazil_run
    trade = pd.read_parquet(root / "data" / "processed" / "brazil" / "trade.parquet")
    raw = pd.read_csv(realdata / "brazil_comexstat" / STATES_FILE, dtype={"hs": str})
    assert len(trade) == len(raw) == 7893
    totals = trade.groupby(trade["year"].astype(int))["value_usd"].sum()
    assert totals.to_dict() == TOTAL_USD
    assert totals.to_dict() == raw.groupby("year")["value_usd"].sum().to_dict()
    assert set(trade["flow"]) == {"export"}
    assert trade["region"].str.startswith("BR-").all()
    assert trade.groupby("region")["value_usd"].sum().idxmax() == "BR-MT"  # Mato Grosso: soy


def test_reference_used_for_ingest_is_the_active_one(brazil_run):
    root, _, reference = brazil_run
    written = pd.read_csv(root / "data" / "processed" / "brazil" / "regions.csv", dtype=str)
    assert written["iso"].tolist() == reference["iso"].tolist()
    assert "district_en" not in written.columns


def test_classified_table_uses_hs2022_and_finds_no_high_tech(brazil_run):
    root, _, _ = brazil_run
    classified = pd.read_parquet(
        root / "data" / "processed" / "brazil" / "trade_classified.parquet"
    )
    assert set(classified["hs_edition"]) == {"HS2022"}
    # grains, pulses and green coffee: no OECD high-tech product, all non-resource non-energy
    assert classified["group"].isna().all()
    assert set(classified["resource"]) == {"nne"}
    nne_table = pd.read_csv(root / "reports" / "brazil" / "tables" / "hightech_nne_share_2024.csv")
    assert "Mato Grosso" in set(nne_table.iloc[:, 0])


def test_daed_table_ranks_brazilian_states_without_k3_k4(brazil_run):
    root, _, _ = brazil_run
    daed = pd.read_parquet(root / "data" / "processed" / "brazil" / "daed.parquet")
    assert set(daed["year"]) == {2024}
    assert daed["region"].str.startswith("BR-").all() and len(daed) >= 25
    assert daed["k3"].isna().all() and daed["k4"].isna().all()  # no indicator table: "no data"
    assert daed["daed_index"].notna().all()
    assert set(daed["type"].dropna().astype(int)) <= {1, 2, 3, 4}
    ranking = pd.read_csv(root / "reports" / "brazil" / "tables" / "daed_2024.csv")
    assert "Mato Grosso" in ranking.to_string()
    executed = (root / "reports" / "brazil" / "04_daed_index_clusters.ipynb").read_text(
        encoding="utf-8"
    )
    assert "No data for K3" in executed and "K4" in executed


def test_scorecard_reports_the_missing_base_year(brazil_run):
    root, _, _ = brazil_run
    card = pd.read_csv(root / "reports" / "brazil" / "tables" / "scorecard_2024.csv")
    status = card.iloc[:, -1]
    assert (status == "no base-year data").any()
    assert (status == "not met").any()  # concentration targets are assessed without a base year
    executed = (root / "reports" / "brazil" / "06_export_standard_scorecard.ipynb").read_text(
        encoding="utf-8"
    )
    assert "No base-year data: 2020" in executed
    assert "No implementation table" in executed
    shares = pd.read_csv(root / "reports" / "brazil" / "tables" / "reorientation_country.csv")
    china = shares[(shares["year"] == 2024) & (shares["group"] == "china")]["value_usd"].item()
    assert 32.0e9 < china < 32.5e9  # PROVENANCE: largest partner in 2024 is CN with 32.2 bn USD
    assert shares.groupby("year")["share"].sum().to_numpy() == pytest.approx([1.0, 1.0])
    assert (root / "figures" / "brazil" / "diversification_BR-MT_BR-MG_BR-PR_BR-SP.png").exists()


def test_trajectory_stage_says_there_is_no_high_tech_export(brazil_run):
    root, _, _ = brazil_run
    assert (root / "figures" / "brazil" / "trajectory_methods_2024.png").exists()
    assert not list((root / "reports" / "brazil" / "tables").glob("trajectory_aerospace_*"))
