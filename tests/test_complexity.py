"""Tests of exportlab.complexity: hand-computed 3 × 4 fixture, invariants, ecomplexity agreement."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from exportlab import complexity as cx

FIXTURES = Path(__file__).parent / "fixtures"

# ------------------------------------------------------------------------------------------------
# The 3 regions × 4 products fixture, every value computed by hand
#
#            p1  p2  p3  p4 | total
#   A        10   8   1   1 |  20
#   B         4  12  14  10 |  40
#   C        16   0  20   4 |  40
#   total    30  20  35  15 | 100      product shares of the total: .30 .20 .35 .15
#
# RCA = (X_cp / X_c) / (X_p / X):
#   A: (10/20)/.30 = 5/3, (8/20)/.20 = 2, (1/20)/.35 = 1/7, (1/20)/.15 = 1/3
#   B: (4/40)/.30 = 1/3, (12/40)/.20 = 3/2, (14/40)/.35 = 1 (exactly: counts), (10/40)/.15 = 5/3
#   C: (16/40)/.30 = 4/3, 0, (20/40)/.35 = 10/7, (4/40)/.15 = 2/3
# Mcp (RCA >= 1): A = {p1, p2}; B = {p2, p3, p4}; C = {p1, p3}
# diversity: A 2, B 3, C 2; ubiquity: p1 2, p2 2, p3 2, p4 1
# co-occurrence: p1p2 {A}, p1p3 {C}, p1p4 {}, p2p3 {B}, p2p4 {B}, p3p4 {B}
# proximity = co / max(k_p, k_q): 1/2 for every linked pair (max ubiquity is 2), 0 for p1p4
# row sums of proximity: p1 2, p2 2.5, p3 2.5, p4 2
# density = sum_q Mcq phi_pq / rowsum_p, e.g. A at p3: (phi31 + phi32) / 2.5 = 1 / 2.5 = 0.4
# ECI: M~cc' = sum_p Mcp Mc'p / (k_c k_p):
#   A: [1/4 + 1/4, 1/4, 1/4]        = [1/2, 1/4, 1/4]
#   B: [1/6, 1/6 + 1/6 + 1/3, 1/6]  = [1/6, 2/3, 1/6]
#   C: [1/4, 1/4, 1/4 + 1/4]        = [1/4, 1/4, 1/2]
#   eigenvalues 1, 5/12, 1/4; the 5/12 eigenvector is (1, -4/3, 1) (check: row A gives
#   1/2 - 1/3 + 1/4 = 5/12). Sign: diversity (2, 3, 2) must correlate positively, so
#   kc = (-1, 4/3, -1); mean -2/9, population std 7*sqrt(2)/9, hence
#   ECI = (-1/sqrt 2, sqrt 2, -1/sqrt 2).
#   kp = (1/lambda) * sum_c Mcp kc / k_p = (12/5) * (-1, 1/6, 1/6, 4/3) = (-12/5, 2/5, 2/5, 16/5)
#   PCI = (kp + 2/9) / (7 sqrt 2 / 9) = sqrt 2 * (-1.4, 0.4, 0.4, 2.2)
# ------------------------------------------------------------------------------------------------

X = pd.DataFrame(
    [[10.0, 8.0, 1.0, 1.0], [4.0, 12.0, 14.0, 10.0], [16.0, 0.0, 20.0, 4.0]],
    index=pd.Index(["A", "B", "C"], name="region"),
    columns=pd.Index(["p1", "p2", "p3", "p4"], name="product"),
)
RCA = [[5 / 3, 2.0, 1 / 7, 1 / 3], [1 / 3, 1.5, 1.0, 5 / 3], [4 / 3, 0.0, 10 / 7, 2 / 3]]
MCP = [[1, 1, 0, 0], [0, 1, 1, 1], [1, 0, 1, 0]]
DIVERSITY = [2, 3, 2]
UBIQUITY = [2, 2, 2, 1]
PROXIMITY = [
    [1.0, 0.5, 0.5, 0.0],
    [0.5, 1.0, 0.5, 0.5],
    [0.5, 0.5, 1.0, 0.5],
    [0.0, 0.5, 0.5, 1.0],
]
DENSITY = [
    [1.5 / 2, 1.5 / 2.5, 1.0 / 2.5, 0.5 / 2],  # A: p1 + p2
    [1.0 / 2, 2.0 / 2.5, 2.0 / 2.5, 2.0 / 2],  # B: p2 + p3 + p4
    [1.5 / 2, 1.0 / 2.5, 1.5 / 2.5, 0.5 / 2],  # C: p1 + p3
]
R2 = math.sqrt(2.0)
ECI = [-1 / R2, R2, -1 / R2]
PCI = [-1.4 * R2, 0.4 * R2, 0.4 * R2, 2.2 * R2]


@pytest.fixture(scope="module")
def res() -> cx.ComplexityResult:
    return cx.complexity(X)


def test_rca_hand_values():
    np.testing.assert_allclose(cx.rca(X).to_numpy(), RCA, rtol=1e-12)
    # RCA exactly 1 (B, p3) counts as specialisation: the threshold is inclusive
    assert cx.rca(X).loc["B", "p3"] == 1.0


def test_rca_keeps_container_type():
    assert isinstance(cx.rca(X), pd.DataFrame)
    assert isinstance(cx.rca(X.to_numpy()), np.ndarray)
    assert sp.issparse(cx.rca(sp.csr_matrix(X.to_numpy())))


def test_mcp_diversity_ubiquity(res):
    np.testing.assert_array_equal(res.mcp.to_numpy(), MCP)
    np.testing.assert_array_equal(res.diversity.to_numpy(), DIVERSITY)
    np.testing.assert_array_equal(res.ubiquity.to_numpy(), UBIQUITY)
    d, u = cx.diversity_ubiquity(res.mcp)
    assert d.to_dict() == {"A": 2, "B": 3, "C": 2}
    assert u.to_dict() == {"p1": 2, "p2": 2, "p3": 2, "p4": 1}


def test_proximity_and_density(res):
    np.testing.assert_allclose(res.proximity.to_numpy(), PROXIMITY, atol=1e-15)
    np.testing.assert_allclose(res.density.to_numpy(), DENSITY, atol=1e-15)
    # the stand-alone functions give the same
    np.testing.assert_allclose(cx.proximity(np.array(MCP)), PROXIMITY, atol=1e-15)
    np.testing.assert_allclose(cx.density(np.array(MCP), np.array(PROXIMITY)), DENSITY, atol=1e-15)
    assert list(cx.proximity(res.mcp).index) == ["p1", "p2", "p3", "p4"]


def test_eci_pci_hand_values(res):
    np.testing.assert_allclose(res.eci.to_numpy(), ECI, atol=1e-12)
    np.testing.assert_allclose(res.pci.to_numpy(), PCI, atol=1e-12)
    assert res.eigenvalue == pytest.approx(5 / 12, abs=1e-12)
    # sign rule: ECI correlates positively with diversity; B (most diverse) ranks first
    assert np.corrcoef(res.eci, res.diversity)[0, 1] > 0
    assert res.region_table().index[0] == "B"
    # ECI of a region = mean PCI of its products (a property of the PCI standardisation)
    mean_pci = (res.mcp.to_numpy() @ res.pci.to_numpy()) / res.diversity.to_numpy()
    np.testing.assert_allclose(mean_pci, res.eci.to_numpy(), atol=1e-12)


def test_sign_does_not_depend_on_order():
    flipped = cx.complexity(X.iloc[::-1, ::-1])
    res = cx.complexity(X)
    pd.testing.assert_series_equal(flipped.eci.loc[res.eci.index], res.eci, atol=1e-12)


def test_sign_rule_with_equal_diversities():
    # chain A{p1,p2} B{p2,p3} C{p3,p4}: every diversity is 2, so the diversity rule is undefined;
    # the fallback makes PCI correlate negatively with ubiquity (rare products are complex)
    m = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)
    res = cx.complexity(m)
    np.testing.assert_array_equal(res.mcp.to_numpy(), m)
    assert res.eci.notna().all() and res.pci.notna().all()
    assert np.corrcoef(res.ubiquity, res.pci)[0, 1] < 0


def test_disconnected_network_warns():
    with pytest.warns(UserWarning, match="disconnected"):
        cx.complexity(np.array([[1.0, 0.0], [0.0, 1.0]]))


def test_opportunities(res):
    opp = cx.opportunities(res, "A", top=None)
    assert set(opp["product"]) == {"p3", "p4"}  # A is specialised in p1 and p2
    row = opp.set_index("product").loc["p3"]
    assert row["density"] == pytest.approx(0.4)
    assert row["pci"] == pytest.approx(0.4 * R2)
    assert bool(row["exported"])  # exported with RCA 1/7 < 1
    meta = pd.DataFrame(
        {"hs6": ["p3", "p4"], "group": ["pharmacy", None], "resource": ["nne", "energy"]}
    )
    opp = cx.opportunities(res, "A", meta, top=None).set_index("product")
    assert opp.loc["p3", "hightech_group"] == "pharmacy"
    assert bool(opp.loc["p3", "hightech"]) and not bool(opp.loc["p4", "hightech"])
    assert bool(opp.loc["p3", "nne"]) and not bool(opp.loc["p4", "nne"])
    only = cx.opportunities(res, "A", meta, hightech_only=True)
    assert only["product"].tolist() == ["p3"]
    # score = density weight only → higher density first
    assert cx.opportunities(res, "A", weight=1.0)["product"].tolist() == ["p3", "p4"]
    assert cx.opportunities(res, "A", weight=0.0)["product"].tolist() == ["p4", "p3"]
    with pytest.raises(KeyError):
        cx.opportunities(res, "Z")


def test_similar_regions_duplicate_first():
    rng = np.random.default_rng(3)
    m = pd.DataFrame(rng.lognormal(size=(6, 12)) * (rng.random((6, 12)) < 0.6))
    m.index = [f"R{i}" for i in range(6)]
    m.loc["R2copy"] = m.loc["R2"] * 7.5  # same structure, other size
    out = cx.similar_regions(m, "R2", top=3)
    assert out.iloc[0]["region"] == "R2copy"
    assert out.iloc[0]["similarity"] == pytest.approx(1.0)
    assert "R2" not in set(out["region"])
    assert out["similarity"].is_monotonic_decreasing
    # sparse input with labels gives the same
    sparse = cx.similar_regions((sp.csr_matrix(m.to_numpy()), m.index, m.columns), "R2", top=3)
    pd.testing.assert_frame_equal(out, sparse)


def test_export_matrix_levels_and_filters():
    trade = pd.DataFrame(
        {
            "year": [2019, 2019, 2019, 2020, 2019],
            "region": ["RU-TA", "RU-TA", "RU-MOS", "RU-TA", "RU-TA"],
            "hs6": ["880240", "880260", "300490", "880240", "270900"],
            "partner": ["CN", "IN", "KZ", "CN", "CN"],
            "flow": ["export", "export", "export", "export", "import"],
            "value_usd": [5.0, 1.0, 2.0, 100.0, 9.0],
        }
    )
    m, r, p = cx.export_matrix(trade, 2019, level="hs4")
    assert list(r) == ["RU-MOS", "RU-TA"] and list(p) == ["3004", "8802"]
    assert m.toarray().tolist() == [[2.0, 0.0], [0.0, 6.0]]
    df, _, p6 = cx.export_matrix(trade, [2019, 2020], as_frame=True)
    assert df.loc["RU-TA", "880240"] == 105.0 and "270900" not in p6
    m2, r2, _ = cx.export_matrix(trade, 2019, regions=["RU-TA", "RU-MOS", "RU-SPE"])
    assert list(r2) == ["RU-TA", "RU-MOS", "RU-SPE"] and m2.shape[0] == 3
    # the tuple goes straight into complexity()
    with pytest.warns(UserWarning, match="disconnected"):  # two regions, no shared product
        assert cx.complexity(cx.export_matrix(trade, 2019), relatedness=False).rca.shape == (2, 3)
    with pytest.raises(ValueError, match="level"):
        cx.export_matrix(trade, 2019, level="hs5")


def test_bad_matrix_inputs():
    with pytest.raises(ValueError, match="negative"):
        cx.rca(np.array([[1.0, -1.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="missing"):
        cx.rca(np.array([[1.0, np.nan], [1.0, 1.0]]))


def test_zero_rows_and_columns_are_kept():
    x = X.copy()
    x["p5"] = 0.0
    x.loc["D"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cx.complexity(x)
    assert res.rca.loc["D"].eq(0).all() and res.rca["p5"].eq(0).all()
    assert np.isnan(res.eci["D"]) and np.isnan(res.pci["p5"])
    np.testing.assert_allclose(res.eci.iloc[:3], ECI, atol=1e-12)
    assert res.density["p5"].isna().all()
    np.testing.assert_allclose(res.density.loc[["A", "B", "C"], X.columns], DENSITY, atol=1e-15)


def test_user_proximity_matrix(res):
    # an "international" proximity given as an edge list replaces the regional one
    edges = pd.DataFrame(
        {
            "prod1": ["p1", "p2", "p3", "p4", "p1"],
            "prod2": ["p1", "p2", "p3", "p4", "p4"],
            "proximity": [1.0, 1.0, 1.0, 1.0, 0.8],
        }
    )
    edges = pd.concat(
        [edges, edges.rename(columns={"prod1": "prod2", "prod2": "prod1"})], ignore_index=True
    )
    alt = cx.complexity(X, proximity_matrix=edges)
    # A (p1, p2): density at p4 = (0.8 + 0) / (0.8 + 1)
    assert alt.density.loc["A", "p4"] == pytest.approx(0.8 / 1.8)
    pd.testing.assert_series_equal(alt.eci, res.eci)


# ------------------------------------------------------------------------------------------------
# Invariants
# ------------------------------------------------------------------------------------------------

matrices = arrays(
    np.float64,
    st.tuples(st.integers(2, 7), st.integers(2, 9)),
    elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e6)),
)


@settings(max_examples=60, deadline=None)
@given(m=matrices, factor=st.floats(1e-4, 1e4))
def test_rca_unchanged_by_currency_unit(m, factor):
    np.testing.assert_allclose(cx.rca(m * factor), cx.rca(m), rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(m=matrices)
def test_proximity_and_density_bounds(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cx.complexity(m)
    phi = res.proximity.to_numpy()
    np.testing.assert_array_equal(phi, phi.T)
    assert ((phi >= 0) & (phi <= 1)).all()
    ubi = res.ubiquity.to_numpy()
    np.testing.assert_array_equal(np.diag(phi)[ubi > 0], 1.0)
    dens = res.density.to_numpy()
    finite = dens[~np.isnan(dens)]
    assert ((finite >= -1e-12) & (finite <= 1 + 1e-12)).all()
    # density is defined exactly for products with ubiquity > 0
    np.testing.assert_array_equal(np.isnan(dens).any(axis=0), ubi == 0)


@settings(max_examples=40, deadline=None)
@given(m=matrices)
def test_similarity_bounds(m):
    df = pd.DataFrame(m, index=[f"r{i}" for i in range(m.shape[0])])
    if df.iloc[0].sum() == 0:
        return
    out = cx.similar_regions(df, "r0", top=None)
    assert ((out["similarity"] >= 0) & (out["similarity"] <= 1)).all()


# ------------------------------------------------------------------------------------------------
# Sector mix and resource regions
# ------------------------------------------------------------------------------------------------


def _classified() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": 2020,
            "region": ["A", "A", "A", "A", "B", "B", "B"],
            "hs6": ["270900", "880240", "730820", "490199", "260300", "010121", "852349"],
            "partner": "CN",
            "flow": "export",
            "value_usd": [60.0, 10.0, 20.0, 10.0, 30.0, 50.0, 20.0],
            "group": [None, "aerospace", None, None, None, None, None],
            "resource": ["energy", "nne", "nne", "nne", "raw", "nne", "nne"],
        }
    )


def test_sector_mapping_file_is_valid():
    table = cx.load_sector_mapping()
    assert set(table["sector"]) == set(cx.SECTORS) - {"other"}
    assert table["note"].notna().all()
    assert set(cx.SECTOR_LABELS) == set(cx.SECTORS)


def test_sector_mix():
    mix = cx.sector_mix(_classified())
    assert list(mix.columns) == list(cx.SECTORS)
    assert mix.loc["A"].to_dict() == {
        "raw_material": 60.0,
        "infrastructure": 20.0,
        "high_tech": 10.0,
        "knowledge_intensive": 10.0,
        "other": 0.0,
    }
    assert mix.loc["B", "raw_material"] == 30.0 and mix.loc["B", "other"] == 50.0
    np.testing.assert_allclose(mix.sum(axis=1), 100.0)
    values = cx.sector_mix(_classified(), shares=False)
    assert values.loc["B", "knowledge_intensive"] == 20.0


def test_sector_priority_and_custom_mapping():
    # a high-tech row inside an infrastructure prefix stays high-tech
    t = _classified().assign(group=["x", None, None, None, None, None, None])
    assert cx.classify_sectors(t).iloc[0] == "high_tech"
    custom = pd.DataFrame(
        {"priority": [1], "sector": ["infrastructure"], "rule": ["hs_prefix"], "value": ["0101"]}
    )
    s = cx.classify_sectors(_classified(), custom)
    assert s.tolist().count("infrastructure") == 1 and s.iloc[5] == "infrastructure"
    with pytest.raises(ValueError, match="unknown sector"):
        cx.classify_sectors(_classified(), custom.assign(sector="services"))


def test_resource_regions():
    ind = pd.DataFrame(
        {
            "region": ["A"] * 3 + ["B"] * 3,
            "year": [2008, 2010, 2019, 2008, 2010, 2019],
            "indicator": "mining_share_grp_pct",
            "value": [10.0, 31.0, 35.0, 50.0, 29.0, 30.0],
        }
    )
    out = cx.resource_regions(ind, _classified())
    # A: mean over 2009-2019 = 33 > 30 (2008 outside the period); B: 29.5
    assert out.loc["A", "mining_share_pct"] == pytest.approx(33.0)
    assert out.loc["A", "n_years"] == 2
    assert bool(out.loc["A", "by_grp"]) and not bool(out.loc["B", "by_grp"])
    assert out.loc["A", "raw_export_share_pct"] == pytest.approx(60.0)
    assert out.loc["B", "raw_export_share_pct"] == pytest.approx(30.0)
    assert out["resource_region"].to_dict() == {"A": True, "B": False}
    # every year of the period above 30 %: A (31, 35) passes, B (29, 30) fails
    assert cx.resource_regions(ind, how="all")["resource_region"].to_dict() == {
        "A": True,
        "B": False,
    }
    # without the GRP table the export structure decides
    only_exp = cx.resource_regions(trade_classified=_classified(), export_threshold=50.0)
    assert only_exp["resource_region"].to_dict() == {"A": True, "B": False}
    assert only_exp["by_grp"].isna().all()
    # both criteria / either criterion
    both = cx.resource_regions(ind, _classified(), combine="all", export_threshold=65.0)
    assert both["resource_region"].to_dict() == {"A": False, "B": False}
    either = cx.resource_regions(ind, _classified(), combine="any", export_threshold=25.0)
    assert either["resource_region"].to_dict() == {"A": True, "B": True}
    with pytest.raises(ValueError):
        cx.resource_regions()


def test_product_classes():
    meta = cx.product_classes(_classified(), level="hs4")
    assert meta.loc["8802", "hightech_group"] == "aerospace"
    assert pd.isna(meta.loc["2709", "hightech_group"])
    assert meta.loc["2709", "resource"] == "energy"


def test_plot_density_complexity(res):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from exportlab.plot import complexity as plot_cx

    meta = pd.DataFrame({"group": ["pharmacy"]}, index=["p3"])
    fig = plot_cx.density_complexity(res, "A", meta, lang="ru")
    assert fig.axes[0].get_xlabel() == "Плотность связанности"
    plt.close(fig)


# ------------------------------------------------------------------------------------------------
# Agreement with ecomplexity (Harvard Growth Lab)
# ------------------------------------------------------------------------------------------------


def _random_long(n_reg=20, n_prod=50, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(10.0, 2.0, (n_reg, n_prod)) * (rng.random((n_reg, n_prod)) < 0.45)
    x[:, x.sum(axis=0) == 0] = 1.0  # no empty products (ecomplexity would drop them)
    regions = [f"R{i:02d}" for i in range(n_reg)]
    products = [f"P{j:03d}" for j in range(n_prod)]
    long = pd.DataFrame(
        [(2020, regions[i], products[j], x[i, j]) for i, j in zip(*np.nonzero(x), strict=True)],
        columns=["year", "region", "product", "value"],
    )
    return pd.DataFrame(x, index=regions, columns=products), long


def test_agrees_with_ecomplexity(capsys):
    ecx = pytest.importorskip("ecomplexity")
    x, long = _random_long()
    cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecx.ecomplexity(long, cols, verbose=False, check_logsupermodularity=False)
        prox = ecx.proximity(long, cols)
    res = cx.complexity(x)
    out = out.set_index(["region", "product"])

    def grid(col):
        return out[col].unstack().reindex(index=x.index, columns=x.columns).to_numpy()

    eci = out["eci"].groupby(level="region").first().reindex(x.index)
    pci = out["pci"].groupby(level="product").first().reindex(x.columns)
    phi = prox.pivot(index="product_1", columns="product_2", values="proximity")
    tol = 1e-9
    np.testing.assert_allclose(res.rca.to_numpy(), grid("rca"), atol=tol, rtol=0)
    np.testing.assert_array_equal(res.mcp.to_numpy(), grid("mcp"))
    np.testing.assert_allclose(res.eci.to_numpy(), eci.to_numpy(), atol=tol, rtol=0)
    np.testing.assert_allclose(res.pci.to_numpy(), pci.to_numpy(), atol=tol, rtol=0)
    np.testing.assert_allclose(res.density.to_numpy(), grid("density"), atol=tol, rtol=0)
    np.testing.assert_allclose(
        res.proximity.to_numpy(), phi.reindex(index=x.columns, columns=x.columns), atol=tol
    )
    np.testing.assert_allclose(res.cog.to_numpy(), grid("cog"), atol=tol, rtol=0)
    coi = out["coi"].groupby(level="region").first().reindex(x.index)
    np.testing.assert_allclose(res.coi.to_numpy(), coi.to_numpy(), atol=tol, rtol=0)


def test_agrees_with_stored_ecomplexity_fixture():
    """Same comparison without the package, against outputs stored in
    ``tests/fixtures/ecomplexity_12x30.csv``. The file holds the input values and ecomplexity's
    results for a seeded 12 × 30 matrix; it was written by
    ``python benchmarks/complexity.py --write-fixture tests/fixtures/ecomplexity_12x30.csv``."""
    path = FIXTURES / "ecomplexity_12x30.csv"
    if not path.exists():
        pytest.skip("stored ecomplexity fixture not present")
    stored = pd.read_csv(path, comment="#", dtype={"region": str, "product": str})
    x = stored.pivot(index="region", columns="product", values="value")
    res = cx.complexity(x)
    ours = res.long_table().set_index(["region", "product"])
    stored = stored.set_index(["region", "product"]).loc[ours.index]
    for col in ("rca", "mcp", "eci", "pci", "density", "cog"):
        np.testing.assert_allclose(ours[col], stored[col], atol=1e-9, rtol=0, err_msg=col)
    coi = stored["coi"].groupby(level="region").first().reindex(res.regions)
    np.testing.assert_allclose(res.coi, coi, atol=1e-9, rtol=0)


# ------------------------------------------------------------------------------------------------
# Stage tables and figures
# ------------------------------------------------------------------------------------------------

# Stage-04 DAED rows for the fixture regions (C has no index: it must show as missing)
DAED = pd.DataFrame(
    {
        "region": ["A", "B", "A", "B", "C"],
        "year": [2020, 2020, 2021, 2021, 2019],
        "daed_index": [0.1, 0.3, 0.5, 0.2, 0.9],
        "rank": [2, 1, 1, 2, 1],
        "type": [3, 1, 2, 4, 1],
    }
)


def test_complexity_regions_joins_daed(res):
    out = cx.complexity_regions(res, DAED, year=2020, lang="ru")
    # ECI: B sqrt 2 first, then A and C (-1/sqrt 2: equal, so both rank 2; listed by label)
    assert out["region"].tolist() == ["B", "A", "C"]
    assert out["rank"].tolist() == [1, 2, 2]
    np.testing.assert_allclose(out["eci"], [R2, -1 / R2, -1 / R2])
    assert out["diversity"].tolist() == [3.0, 2.0, 2.0]
    assert out["daed_index"].tolist()[:2] == [0.3, 0.1] and np.isnan(out["daed_index"].iloc[2])
    assert out["daed_rank"].tolist()[:2] == [1, 2] and out["daed_rank"].isna().iloc[2]
    assert out["type"].tolist()[:2] == [1, 3]
    assert out["type_name"].iloc[0].startswith("1 ") and out["type_name"].iloc[2] == "—"
    assert out["region_name"].tolist() == ["B", "A", "C"]  # unknown codes keep the code
    only = cx.complexity_regions(res)
    assert "daed_index" not in only.columns


def test_eci_daed_correlation(res):
    table = cx.complexity_regions(res, DAED, year=2020)
    # ranks of ECI (A, B, C) = (1.5, 3, 1.5), of DAED (0.1, 0.3, and C missing) -> only A, B:
    # fewer than three regions, so no correlation
    assert np.isnan(cx.eci_daed_correlation(table)["rho"])
    full = table.assign(daed_index=table["region"].map({"A": 0.1, "B": 0.3, "C": 0.2}))
    # ranks x = (1.5, 3, 1.5), y = (1, 3, 2); deviations (-.5, 1, -.5), (-1, 1, 0):
    # rho = 1.5 / sqrt(1.5 * 2) = sqrt(3) / 2
    corr = cx.eci_daed_correlation(full)
    assert corr["rho"] == pytest.approx(math.sqrt(3) / 2)
    assert corr["n"] == 3
    with pytest.raises(ValueError, match="daed_index"):
        cx.eci_daed_correlation(cx.complexity_regions(res))


def test_opportunities_table(res):
    meta = pd.DataFrame(
        {"group": ["pharmacy", None], "resource": ["nne", "raw"]}, index=["p3", "p4"]
    )
    opp = cx.opportunities(res, "A", meta)
    en = cx.opportunities_table(opp, "en")
    assert en.columns[:5].tolist() == ["rank", "product", "hightech_group", "nne", "exported"]
    assert "hightech" not in en.columns and "resource" not in en.columns
    row = en.set_index("product")
    assert row.loc["p3", "hightech_group"] == "Pharmacy" and row.loc["p4", "hightech_group"] == "—"
    assert row.loc["p3", "nne"] == "yes" and row.loc["p4", "nne"] == "no"
    # A exports p3 and p4 (1 each) below RCA 1
    assert row["exported"].tolist() == ["yes", "yes"]
    ru = cx.opportunities_table(opp, "ru").set_index("product")
    assert ru.loc["p3", "hightech_group"] == "Фармацевтика" and ru.loc["p4", "nne"] == "нет"
    np.testing.assert_allclose(ru["pci"], en.set_index("product")["pci"])
    with pytest.raises(ValueError, match="lang"):
        cx.opportunities_table(opp, "de")


def test_opportunities_table_shows_names_in_the_chosen_language(res):
    names = pd.DataFrame(
        {"name_en": ["Third", "Fourth"], "name_ru": ["Третий", None]}, index=["p3", "p4"]
    )
    opp = cx.opportunities(res, "A", names)
    en = cx.opportunities_table(opp, "en").set_index("product")
    ru = cx.opportunities_table(opp, "ru").set_index("product")
    assert en["name"].to_dict() == {"p3": "Third", "p4": "Fourth"}
    # p4 has no Russian name: the English one stands in
    assert ru["name"].to_dict() == {"p3": "Третий", "p4": "Fourth"}
    assert not {"name_en", "name_ru"} & set(ru.columns)
    assert cx.opportunities_table(opp, "en").columns[:3].tolist() == ["rank", "product", "name"]


def test_product_classes_join_names_by_longest_code():
    trade = pd.DataFrame({"hs6": ["870323", "880240"], "value_usd": [1.0, 2.0]})
    names = pd.DataFrame({"name_en": ["Cars", "Aircraft"]}, index=["8703", "88"])
    meta = cx.product_classes(trade, level="hs6", names=names)
    assert meta["name_en"].to_dict() == {"870323": "Cars", "880240": "Aircraft"}


def test_similar_and_resource_tables(res):
    sim = cx.similar_table(cx.similar_regions(X, "A"), res, "en")
    assert sim.columns.tolist() == [
        "rank",
        "region",
        "region_name",
        "similarity",
        "eci",
        "diversity",
    ]
    assert sim.set_index("region")["eci"].to_dict() == pytest.approx({"B": R2, "C": -1 / R2})
    flags = pd.DataFrame(
        {
            "mining_share_pct": [10.0, 45.0, np.nan],
            "n_years": pd.array([3, 3, pd.NA], dtype="Int64"),
            "by_grp": pd.array([False, True, pd.NA], dtype="boolean"),
            "raw_export_share_pct": [20.0, 80.0, 70.0],
            "by_export": pd.array([False, True, True], dtype="boolean"),
            "resource_region": [False, True, True],
        },
        index=pd.Index(["A", "B", "C"], name="region"),
    )
    out = cx.resource_table(flags, "ru")
    assert out["region"].tolist() == ["B", "C", "A"]  # resource first, by mining share of GRP
    assert out["by_grp"].tolist() == ["да", "—", "нет"]
    assert out["resource_region"].tolist() == ["да", "да", "нет"]
    # only the resource regions, chosen on the flag itself: the same rows in both languages
    for lang in ("en", "ru"):
        full = cx.resource_table(flags, lang)
        only = cx.resource_table(flags, lang, resource_only=True)
        assert only["region"].tolist() == ["B", "C"]
        pd.testing.assert_frame_equal(only, full.iloc[:2])
    none = flags.assign(resource_region=pd.array([False, pd.NA, False], dtype="boolean"))
    assert cx.resource_table(none, "en", resource_only=True).empty


def test_sector_mix_table_and_total():
    flags = pd.Series([True, False], index=["A", "B"])
    out = cx.sector_mix_table(_classified(), resource=flags, lang="en")
    # A: 100 USD export, 60 % raw (energy); B: 100 USD, 30 % raw (ore)
    assert out["region"].tolist() == ["A", "B"]
    np.testing.assert_allclose(out["export_musd"], [100e-6, 100e-6])
    np.testing.assert_allclose(out[list(cx.SECTORS)].sum(axis=1), 100.0)
    assert out["resource_region"].tolist() == ["yes", "no"]
    # all regions together: raw (60 + 30) / 200 = 45 %, other 50 / 200 = 25 %
    total = cx.sector_mix(_classified(), by=None)
    assert total.index.tolist() == ["all"]
    assert total.loc["all", "raw_material"] == pytest.approx(45.0)
    assert total.loc["all", "other"] == pytest.approx(25.0)
    assert set(cx.SECTORS) <= set(cx.HEADERS)


@settings(max_examples=15, deadline=None)
@given(
    arrays(np.float64, (4, 3), elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e6))).filter(
        lambda a: (a.sum(1) > 0).all()
    ),
    st.floats(1e-3, 1e3),
)
def test_sector_mix_table_shares_sum_to_100_and_ignore_units(values, factor):
    hs = ["270900", "880240", "010121"]
    rows = [
        {
            "region": f"R{i}",
            "hs6": hs[j],
            "flow": "export",
            "value_usd": values[i, j],
            "group": "aerospace" if j == 1 else None,
            "resource": "energy" if j == 0 else "nne",
        }
        for i in range(4)
        for j in range(3)
    ]
    t = pd.DataFrame(rows)
    a = cx.sector_mix_table(t).set_index("region")[list(cx.SECTORS)]
    b = cx.sector_mix_table(t.assign(value_usd=t["value_usd"] * factor)).set_index("region")
    np.testing.assert_allclose(a.sum(axis=1), 100.0)
    np.testing.assert_allclose(a, b.loc[a.index, list(cx.SECTORS)], atol=1e-9)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_proximity_edge_list_and_matrix(tmp_path, res):
    # one triangle of the fixture's proximity (codes with leading zeros kept as text)
    edges = _write(
        tmp_path,
        "edges.csv",
        "prod1,prod2,proximity\n0101,0102,0.5\n0101,0201,0.25\n0102,0201,1.0\n",
    )
    phi = cx.read_proximity(edges)
    assert phi.index.tolist() == ["0101", "0102", "0201"]
    assert phi.loc["0201", "0101"] == 0.25 and phi.loc["0101", "0201"] == 0.25
    matrix = _write(tmp_path, "m.csv", "product,p1,p2\np1,1,0.5\np2,0.5,1\n")
    assert cx.read_proximity(matrix).loc["p2", "p1"] == 0.5
    pq = tmp_path / "m.parquet"
    pd.DataFrame(PROXIMITY, index=X.columns, columns=X.columns).reset_index().to_parquet(pq)
    from_file = cx.read_proximity(pq, X.columns)
    # the fixture's own proximity, read back, gives the hand-computed density
    again = cx.complexity(X, proximity_matrix=from_file)
    np.testing.assert_allclose(again.density.to_numpy(), DENSITY)


def test_read_proximity_bad_input(tmp_path):
    edges = _write(tmp_path, "e.csv", "prod1,prod2,proximity\n0101,0102,0.5\n")
    with pytest.raises(ValueError, match="no product code"):
        cx.read_proximity(edges, ["010121", "010290"])  # hs6 data against an hs4 matrix
    with pytest.warns(UserWarning, match="covers only 33%"):
        cx.read_proximity(edges, ["0101", "0201", "0301"])
    bad = _write(tmp_path, "b.csv", "prod1,prod2,proximity\n0101,0102,1.5\n")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        cx.read_proximity(bad)
    skew = _write(tmp_path, "s.csv", "product,p1,p2\np1,1,0.5\np3,0.5,1\n")
    with pytest.raises(ValueError, match="codes"):
        cx.read_proximity(skew)


def _png_bytes(fig, tmp_path, name):
    from exportlab.plot import style

    (path,) = style.save_figure(fig, name, tmp_path, formats=("png",), close=True)
    return path.read_bytes()


def test_stage_figures_are_bilingual_and_identical_on_rerun(res, tmp_path):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    from exportlab.plot import complexity as plot_cx
    from exportlab.plot import style

    style.apply_style()
    table = cx.complexity_regions(res, DAED, year=2020).assign(daed_index=[0.3, 0.1, 0.2])
    fig = plot_cx.eci_vs_daed(table, "ru", highlight=["A"])
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Индекс ДАЭД"
    assert any("Спирмена" in txt.get_text() for txt in ax.texts)
    first = _png_bytes(fig, tmp_path, "a")
    assert first == _png_bytes(plot_cx.eci_vs_daed(table, "ru", highlight=["A"]), tmp_path, "b")
    with pytest.raises(ValueError, match="daed_index"):
        plot_cx.eci_vs_daed(cx.complexity_regions(res))

    mix = cx.sector_mix(_classified())
    fig = plot_cx.sector_mix_bars(
        mix,
        "en",
        resource=pd.Series({"A": True, "B": False}),
        total=cx.sector_mix(_classified(), by=None),
    )
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert labels == ["B", "▲ A", "All regions"]  # sorted by raw share (A 60 % on top), total last
    with pytest.raises(ValueError, match="none of the regions"):
        plot_cx.sector_mix_bars(mix, "en", regions=["Z"])

    meta = pd.DataFrame({"group": ["pharmacy"]}, index=["p3"])
    fig = plot_cx.density_complexity(res, "A", meta, lang="en", annotate=1)
    assert [t.get_text() for t in fig.axes[0].texts] == ["p4"]  # only the best one is labelled
    one = _png_bytes(fig, tmp_path, "c")
    fig = plot_cx.density_complexity(res, "A", meta, lang="en", annotate=1)
    assert one == _png_bytes(fig, tmp_path, "d")
    with pytest.raises(KeyError):
        plot_cx.density_complexity(res, "Z")
