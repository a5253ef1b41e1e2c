"""The synthetic demo data set: deterministic, in the real FCS layout, and plausible enough to teach with."""

from __future__ import annotations

import csv
import functools
import json
import shutil
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from exportlab import classify, daed, demo
from exportlab.regions import load_regions


@pytest.fixture(scope="module")
def small_trade() -> pd.DataFrame:
    trade = demo.generate_trade(size="small", seed=7)
    trade = trade[trade["tnved"] != "XXXXXXXXXX"].copy()
    trade["hs6"] = trade["tnved"].str[:6]
    return trade


@pytest.fixture(scope="module")
def exports(small_trade: pd.DataFrame) -> pd.DataFrame:
    agg = small_trade[small_trade["flow"] == "export"]
    return agg.groupby(["year", "region", "hs6", "partner", "flow"], as_index=False)[
        ["value_usd", "netto_kg"]
    ].sum()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo of seed 3, written once; tests that change a demo folder change a copy."""
    return demo.write_demo(tmp_path_factory.mktemp("written") / "d", size="small", seed=3)


def _copy(folder: Path, target: Path) -> Path:
    """A copy of a written demo folder (the demo's own: its files match PROVENANCE.json)."""
    shutil.copytree(folder, target)
    assert demo.inspect_folder(target).state == "demo"
    return target


def test_same_seed_writes_identical_files(tmp_path: Path, written: Path):
    a = written
    b = demo.write_demo(tmp_path / "b", size="small", seed=3)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert {"PROVENANCE.json", "indicators.csv", "experts.csv", "dattsvt_2015.csv"} <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_rewriting_replaces_an_own_folder_whole_and_records_size_and_seed(
    tmp_path: Path, written: Path
):
    target = _copy(written, tmp_path / "d")
    first = (target / "dattsvt_2020.csv").read_bytes()
    assert demo.inspect_folder(target).state == "demo"
    assert (demo.inspect_folder(target).size, demo.inspect_folder(target).seed) == ("small", 3)
    demo.write_demo(target, size="small", seed=4)
    assert (target / "dattsvt_2020.csv").read_bytes() != first
    assert demo.inspect_folder(target).seed == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folder left"


def test_a_folder_with_a_file_the_demo_did_not_write_is_never_modified(
    tmp_path: Path, written: Path
):
    target = _copy(written, tmp_path / "d")
    (target / "mine.csv").write_text("x")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with pytest.raises(demo.DemoFolderError, match="mine.csv"):
        demo.write_demo(target, size="small", seed=4)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    # an edited demo file makes the folder the user's too
    (target / "mine.csv").unlink()
    (target / "experts.csv").write_text("expert,component,rank\n")
    assert demo.inspect_folder(target).state == "user"
    with pytest.raises(demo.DemoFolderError, match="experts.csv"):
        demo.ensure_demo(target, size="small", seed=3)
    assert (target / "experts.csv").read_text() == "expert,component,rank\n"


def test_files_follow_the_dattsvt_layout_and_say_synthetic(written: Path):
    target = written
    provenance = json.loads((target / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert provenance["synthetic"] is True
    assert "SYNTHETIC" in (target / "README.txt").read_text(encoding="utf-8")
    with (target / "dattsvt_2016.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader)
        row = next(reader)
    assert header == "napr period nastranapr tnved edizm Stoim Netto Kol Region Region_s".split()
    assert row[0] in ("EXP", "IMP") and row[1].endswith("/2016") and len(row[3]) == 10
    assert row[8][:5].isdigit() and " - " in row[8]
    with (target / "dattsvt_2020.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:50]
    assert {r[0] for r in rows} <= {"ЭК", "ИМ"}
    assert any("," in r[5] for r in rows), "the Russian unload uses decimal commas"


def test_every_region_code_and_partner_is_real(small_trade: pd.DataFrame):
    reference = set(load_regions()["iso"])
    assert set(small_trade["region"]) <= reference
    partners = set(small_trade["partner"])
    assert all(pycountry.countries.get(alpha_2=p) is not None for p in partners)
    assert len(set(small_trade["region"])) >= 85


def test_resource_regions_are_dominated_by_resources(exports: pd.DataFrame):
    shares = classify.resource_share(exports, by=("region",)).set_index("region")["resource_share"]
    for iso in ("RU-KHM", "RU-YAN", "RU-KEM", "RU-SAK"):
        assert shares[iso] > 0.7, iso
    assert shares["RU-KLU"] < 0.5


def test_capitals_are_the_most_diversified(exports: pd.DataFrame):
    breadth = exports.groupby("region")["hs6"].nunique().sort_values(ascending=False)
    assert "RU-MOW" in breadth.index[:3]


def test_hightech_export_is_concentrated_in_few_regions(exports: pd.DataFrame):
    hightech = classify.hightech_share(exports, by=("region",)).set_index("region")["hightech_usd"]
    top10 = hightech.nlargest(10).sum() / hightech.sum()
    assert top10 > 0.8
    assert (hightech > 0).sum() < 45


def test_new_products_and_new_markets_appear_over_time(exports: pd.DataFrame):
    first_product = exports.groupby(["region", "hs6"])["year"].min()
    first_market = exports.groupby(["region", "partner"])["year"].min()
    assert (first_product > 2016).mean() > 0.05
    assert (first_market > 2016).mean() > 0.05


def test_confidential_codes_occur():
    trade = demo.generate_trade(size="small", seed=7)
    assert (trade["tnved"] == "XXXXXXXXXX").sum() >= 3


def test_hs_codes_exist_in_the_edition_of_their_year(realdata: Path, small_trade: pd.DataFrame):
    tables = realdata / "classifications"
    for edition, years in (("2012", range(2015, 2017)), ("2017", range(2017, 2022))):
        codes = set(
            pd.read_csv(tables / f"hs{edition}_sitc4_conversion.csv", dtype=str)[f"hs{edition}_6"]
        )
        used = set(small_trade.loc[small_trade["year"].isin(list(years)), "hs6"])
        assert used <= codes, sorted(used - codes)


def test_unknown_size_is_rejected():
    with pytest.raises(ValueError, match="size"):
        demo.generate_trade(size="huge")


def test_every_demo_product_gets_exactly_one_resource_class(small_trade: pd.DataFrame):
    codes = pd.Series(sorted(set(small_trade["hs6"])), dtype="string")
    classes = classify.resource_classes(codes)
    assert classes.notna().all()
    assert set(classes) <= set(classify.RESOURCE_CLASSES)
    assert {"energy", "raw", "nne"} <= set(classes), "the demo covers every class"
    # One class per code: classifying twice, or code by code, agrees.
    assert list(classes) == [classify.resource_class(c) for c in codes]


@functools.cache
def _demo_exports(size: str, seed: int) -> pd.DataFrame:
    """The demo's export rows with an ``hs6`` column (generated once per size and seed)."""
    trade = demo.generate_trade(size=size, seed=seed)
    trade = trade[(trade["tnved"] != "XXXXXXXXXX") & (trade["flow"] == "export")].copy()
    trade["hs6"] = trade["tnved"].str[:6]
    return trade


def _eci_diagnostics(size: str, seed: int, level: str = "hs4") -> dict:
    """ECI diagnostics of the demo as stage 07 computes them (export matrix of 2021)."""
    from exportlab import complexity as cx

    trade = _demo_exports(size, seed)
    return cx.eci_diagnostics(cx.complexity(cx.export_matrix(trade, 2021, level=level)))


@pytest.mark.parametrize(
    "size, seed, level",
    [("full", 2021, "hs4"), ("full", 2021, "hs6"), ("small", 2021, "hs4"), ("small", 7, "hs4")],
)
def test_the_demo_is_nested_so_eci_rises_with_diversity(size: str, seed: int, level: str):
    # Seed 2021 is the demo of the default (full) and seminar (small) profiles. Before the nested
    # generator, Spearman's rho of ECI and diversity was -0.25 (full, HS4) and -0.44 (small): the
    # second eigenvector split resource regions from agricultural ones instead of ranking by
    # capabilities. Now (full, HS4) 0.63, (full, HS6) 0.66, (small) 0.57, (small, seed 7) 0.46.
    diag = _eci_diagnostics(size, seed, level)
    assert diag["eci_diversity_rho"] > 0.3, diag
    assert diag["pci_ubiquity_rho"] < 0, diag  # rare products are the complex ones


def test_the_basket_ladder_is_nested_and_excludes_high_tech():
    ladder = demo.LADDER
    assert len(ladder) == len({p.hs2012 for p in ladder})
    hightech = {s for s, m in demo.SECTOR_MARKET.items() if m == "hightech"}
    assert not {p.sector for p in ladder} & hightech
    # within a sector the catalogue order is kept; a product's place is its position in its
    # sector plus 0.3 per step down the sector list
    for sector in demo._LADDER_SECTORS:
        in_ladder = [p for p in ladder if p.sector == sector]
        assert in_ladder == [p for p in demo.CATALOGUE if p.sector == sector]
    assert ladder[0] == next(p for p in demo.CATALOGUE if p.sector == "food")
    rare = next(p for p in demo.CATALOGUE if p.sector == "precious")
    assert ladder.index(rare) > 2 * len(demo._LADDER_SECTORS)
    probs = demo._commonness(5)
    assert probs.sum() == pytest.approx(1.0) and (probs[:-1] > probs[1:]).all()


def test_start_small_caps_an_entrant_and_ramps_it_to_its_own_level():
    old, big, small = demo.CATALOGUE[0], demo.CATALOGUE[1], demo.CATALOGUE[2]
    records = [(year, old, "CN", 100.0) for year in range(2015, 2020)]
    records += [(year, big, p, 25.0) for year in range(2016, 2020) for p in ("CN", "KZ")]
    records += [(year, small, "TR", 0.2) for year in range(2016, 2020)]
    out = demo.start_small(records, cap=0.02, ramp=3)
    assert [r[:3] for r in out] == [r[:3] for r in records]  # same lines in the same order
    value = {(y, p.hs2012, c): v for y, p, c, v in out}
    # incumbents export 100 in 2016 (the other entrant is not one of them), cap * I = 2:
    # big's 50 is multiplied by s = 1 / (1 + 50 / 2) = 1/26 (50/26 = 1.92 < 2), then by
    # s ** (2/3) and s ** (1/3), its own level from 2019; small's 0.2 by 1 / (1 + 0.1) only
    for year, k in ((2016, 0), (2017, 1), (2018, 2), (2019, 3)):
        ramp = max(1.0 - k / 3, 0.0)
        assert value[(year, big.hs2012, "CN")] == pytest.approx(25 / 26**ramp, rel=1e-12)
        assert value[(year, big.hs2012, "KZ")] == pytest.approx(25 / 26**ramp, rel=1e-12)
        assert value[(year, small.hs2012, "TR")] == pytest.approx(0.2 / 1.1**ramp, rel=1e-12)
        assert value[(year, old.hs2012, "CN")] == 100.0  # the first year's products: kept
    assert demo.start_small([]) == []


def test_a_later_entrant_is_capped_against_the_capped_earlier_ones():
    old, first, second = demo.CATALOGUE[0], demo.CATALOGUE[1], demo.CATALOGUE[2]
    records = [(2015, old, "CN", 100.0), (2016, old, "CN", 100.0), (2017, old, "CN", 100.0)]
    records += [(2016, first, "CN", 100.0), (2017, first, "CN", 100.0)]
    records += [(2017, second, "CN", 1000.0)]
    out = demo.start_small(records, cap=0.1, ramp=2)
    # first: s = 1 / (1 + 100 / 10) = 1/11, in 2017 100 / sqrt(11); second is capped against
    # I = 100 + 100 / sqrt(11), not against the drawn 200
    incumbents = 100.0 + 100.0 / 11**0.5
    assert out[4][3] == pytest.approx(100.0 / 11**0.5, rel=1e-12)
    assert out[5][3] == pytest.approx(1000.0 / (1 + 1000.0 / (0.1 * incumbents)), rel=1e-12)


def test_new_products_of_the_default_demo_start_small():
    """No product appears from nothing as a large share of a region's export (K1 was noisy)."""
    from exportlab import hs

    exports = _demo_exports("full", 2021)
    annual = exports.groupby(["year", "region", "hs6", "partner", "flow"], as_index=False)[
        "value_usd"
    ].sum()
    annual = hs.convert(annual, "HS2012").trade  # the demo's renumbered codes are not new
    cells = annual.groupby(["region", "hs6", "year"])["value_usd"].sum().reset_index()
    cells["first"] = cells.groupby(["region", "hs6"])["year"].transform("min")
    start = cells.groupby("region")["year"].transform("min")
    incumbent = cells["first"] < cells["year"]
    base = cells[incumbent].groupby(["region", "year"])["value_usd"].sum()
    entrants = cells[(cells["first"] == cells["year"]) & (cells["year"] > start)]
    ratio = (
        entrants["value_usd"].to_numpy()
        / base.loc[list(zip(entrants["region"], entrants["year"], strict=True))].to_numpy()
    )
    assert len(entrants) > 300
    # below the cap (up to the confidential rows the demo masks and cents rounding), and no
    # pile-up just below it: a hard cap gave a third of the regions with new goods the same K1
    assert ratio.max() <= demo.ENTRY_CAP * 1.01, ratio.max()
    assert (ratio > demo.ENTRY_CAP / 2).mean() > 0.2  # many entrants were drawn large
    assert (ratio > 0.95 * demo.ENTRY_CAP).mean() < 0.1
    shares = daed.new_goods_share(annual, novelty_window=1)
    positive = shares.loc[shares["k1"] > 0, "k1"].round(5)
    assert positive.value_counts().max() <= 3, positive.value_counts().head()
