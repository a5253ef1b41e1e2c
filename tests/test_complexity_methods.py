"""exportlab.complexity: regions against the world, Fitness-Complexity, ECI diagnostics and
bootstrap ranks, equal ranks for equal ECI.

World fixture ``tests/fixtures/world_trade_small.csv`` (2020; X's product a comes in two bilateral
rows, 4 + 2; the 2019 row is outside the year):

            a   b   c | total        world shares: a 8/24 = 1/3, b 6/24 = 1/4, c 10/24 = 5/12
    X       6   2   0 |   8          country RCA (>= 1): X {a (2.25), b (1.0)}, Y {b (2), c (1.2)},
    Y       0   4   4 |   8          Z {c (1.8)}; a for Z is 0.75
    Z       2   0   6 |   8
World proximity: a-b 1 / max(1, 2) = 1/2 (X), b-c 1/2 (Y), a-c 0; row sums a 1.5, b 2, c 1.5.
Regions: R = (3, 1, 0): RCA (0.75 / (1/3), 0.25 / (1/4), 0) = (2.25, 1, 0), Mcp {a, b} — the same
row as X; S = (0, 1, 3): RCA (0, 1, 0.75 / (5/12) = 1.8), Mcp {b, c} — the same row as Y.
Density of R: a (1 + 1/2) / 1.5 = 1, b (1/2 + 1) / 2 = 3/4, c (0 + 1/2) / 1.5 = 1/3.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exportlab import complexity as cx

FIXTURES = Path(__file__).parent / "fixtures"
X = pd.DataFrame(
    [[10.0, 8.0, 1.0, 1.0], [4.0, 12.0, 14.0, 10.0], [16.0, 0.0, 20.0, 4.0]],
    index=pd.Index(["A", "B", "C"], name="region"),
    columns=pd.Index(["p1", "p2", "p3", "p4"], name="product"),
)


@pytest.fixture(scope="module")
def world() -> cx.WorldReference:
    return cx.world_reference(cx.read_world_trade(FIXTURES / "world_trade_small.csv"), 2020)


@pytest.fixture(scope="module")
def regions(world) -> cx.ComplexityResult:
    x = np.array([[3.0, 1.0, 0.0], [0.0, 1.0, 3.0]])
    return cx.complexity_vs_world(x, world, ["R", "S"], ["a", "b", "c"])


def test_world_reference_hand_values(world):
    assert world.share.to_dict() == pytest.approx({"a": 1 / 3, "b": 1 / 4, "c": 5 / 12})
    c = world.countries
    np.testing.assert_allclose(c.rca.loc["X"], [2.25, 1.0, 0.0])
    np.testing.assert_array_equal(c.mcp.to_numpy(), [[1, 1, 0], [0, 1, 1], [0, 0, 1]])
    np.testing.assert_allclose(
        world.proximity.to_numpy(), [[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]]
    )


def test_regions_against_the_world_hand_values(regions, world):
    np.testing.assert_allclose(regions.rca.to_numpy(), [[2.25, 1.0, 0.0], [0.0, 1.0, 1.8]])
    np.testing.assert_array_equal(regions.mcp.to_numpy(), [[1, 1, 0], [0, 1, 1]])
    np.testing.assert_allclose(regions.density.loc["R"], [1.0, 0.75, 1 / 3])
    np.testing.assert_allclose(regions.density.loc["S"], [1 / 3, 0.75, 1.0])
    assert ((regions.density >= 0) & (regions.density <= 1)).all().all()
    # PCI is the world's; a region with a country's Mcp row gets that country's ECI, COI, COG
    pd.testing.assert_series_equal(regions.pci, world.pci, check_names=False)
    c = world.countries
    for region, country in (("R", "X"), ("S", "Y")):
        assert regions.eci[region] == pytest.approx(c.eci[country], abs=1e-12)
        assert regions.coi[region] == pytest.approx(c.coi[country], abs=1e-12)
        np.testing.assert_allclose(regions.cog.loc[region], c.cog.loc[country], atol=1e-12)
        np.testing.assert_allclose(regions.density.loc[region], c.density.loc[country])


def test_regions_against_the_world_coverage(world):
    with pytest.raises(ValueError, match="no product code"):
        cx.complexity_vs_world(np.ones((1, 2)), world, ["R"], ["0101", "0102"])
    with pytest.warns(UserWarning, match="covers only 33%"):
        out = cx.complexity_vs_world(np.ones((1, 3)), world, ["R"], ["a", "q", "r"])
    assert out.rca.loc["R", "q"] == 0.0 and np.isnan(out.pci["q"])


def test_read_world_trade_errors(tmp_path):
    bad = tmp_path / "w.csv"
    bad.write_text("year,exporter,product,value\n2020,X,a,1\n2020,X,b,-3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"w\.csv, line 3, column 'value': '-3'"):
        cx.read_world_trade(bad)
    bad.write_text("year,exporter,value\n2020,X,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        cx.read_world_trade(bad)
    bad.write_text("year,exporter,product,value\n2020.5,X,0101,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2, column 'year'"):
        cx.read_world_trade(bad)
    bad.write_text("year,exporter,product,value\n2020,X,0101,1\n", encoding="utf-8")
    assert cx.read_world_trade(bad)["product"].tolist() == ["0101"]  # leading zeros kept


def test_fitness_complexity_fixed_point():
    m = np.array([[1, 1, 0, 0], [0, 1, 1, 1], [1, 0, 1, 0]], dtype=float)
    f, q, n = cx.fitness_complexity(m, tol=1e-13)
    assert n < 1000
    f, q = f.to_numpy(), q.to_numpy()
    # the normalised map leaves (F, Q) unchanged, both with mean 1
    f_next = m @ q
    q_next = 1.0 / (m.T @ (1.0 / f))
    np.testing.assert_allclose(f_next / f_next.mean(), f, atol=1e-10)
    np.testing.assert_allclose(q_next / q_next.mean(), q, atol=1e-10)
    assert f.mean() == pytest.approx(1.0) and q.mean() == pytest.approx(1.0)
    # the most diversified region is the fittest; the product only it makes is the most complex
    assert f.argmax() == 1 and q.argmax() == 3
    assert f[0] == pytest.approx(f[2])  # A and C are symmetric


def test_fitness_complexity_reports_non_convergence():
    nested = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    with pytest.warns(UserWarning, match="no convergence"):
        f, _, n = cx.fitness_complexity(nested, max_iter=50)
    assert n == 50 and f.iloc[0] > f.iloc[1] > f.iloc[2]


def _brute_force_share(res: cx.ComplexityResult) -> float:
    r, e, p = res.rca.to_numpy(), res.eci.to_numpy(), res.pci.to_numpy()

    def ratio(a, b):
        return a / b if b != 0 else 0.0

    hits = total = 0
    for i1 in range(len(e)):
        for i0 in range(len(e)):
            if not e[i1] > e[i0]:
                continue
            for j1 in range(len(p)):
                for j0 in range(len(p)):
                    if not p[j1] > p[j0]:
                        continue
                    total += 1
                    # ecomplexity's condition: M_i'j' / M_i'j > M_ij' / M_ij (i', j' the more complex)
                    hits += ratio(r[i1, j1], r[i1, j0]) > ratio(r[i0, j1], r[i0, j0])
    return hits / total


def test_log_supermodular_share_exact_and_sampled():
    rng = np.random.default_rng(4)
    x = rng.lognormal(size=(7, 9)) * (rng.random((7, 9)) < 0.7)
    x[:, x.sum(axis=0) == 0] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cx.complexity(x, relatedness=False)
    exact = cx.log_supermodular_share(res)
    assert exact == pytest.approx(_brute_force_share(res), abs=1e-12)
    sampled = cx.log_supermodular_share(res, samples=200, seed=1)
    assert abs(sampled - exact) < 0.2
    assert cx.log_supermodular_share(res, samples=200, seed=1) == sampled  # seeded


def test_a_nested_matrix_is_log_supermodular():
    """A less complex region that does not export the complex product satisfies the condition (the
    zero-denominator ratio counts as 0, as in ecomplexity): a nested, staircase matrix scores high."""
    nested = np.array(
        [
            [5.0, 4.0, 3.0, 2.0],
            [4.0, 3.0, 2.0, 0.0],
            [3.0, 2.0, 0.0, 0.0],
            [2.0, 0.0, 0.0, 0.0],
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cx.complexity(nested, relatedness=False)
    share = cx.log_supermodular_share(res)
    assert share == pytest.approx(_brute_force_share(res), abs=1e-12)
    assert share > 0.5


def test_eci_diagnostics_and_note():
    res = cx.complexity(X)
    d = cx.eci_diagnostics(res)
    # ranks: ECI (1.5, 3, 1.5) = diversity ranks -> 1; PCI vs ubiquity: -3 / sqrt(4.5 * 3)
    assert d["eci_diversity_rho"] == pytest.approx(1.0)
    assert d["pci_ubiquity_rho"] == pytest.approx(-3 / math.sqrt(13.5))
    assert 0.0 <= d["log_supermodular_share"] <= 1.0
    assert d["n_regions"] == 3 and d["n_products"] == 4
    en, ru = cx.diagnostics_note(d, "en"), cx.diagnostics_note(d, "ru")
    assert "log-supermodular" in en and "супермодулярны" in ru
    bad = dict(d, eci_diversity_rho=-0.3)
    assert "not nested enough" in cx.diagnostics_note(bad, "en")
    loose = dict(d, log_supermodular_share=0.3)  # signs as expected, values not ordered
    assert "fewer than half of the pairs" in cx.diagnostics_note(loose, "en")
    assert "меньше половины пар" in cx.diagnostics_note(loose, "ru")
    tight = dict(d, log_supermodular_share=0.7)
    assert "consistent with the export matrix" in cx.diagnostics_note(tight, "en")


def test_equal_eci_share_a_rank():
    table = cx.complexity(X).region_table()
    assert table.index.tolist() == ["B", "A", "C"]
    assert table["rank"].tolist() == [1, 2, 2]


def test_bootstrap_eci_ranks():
    rng = np.random.default_rng(2)
    size, common = rng.normal(size=12), rng.normal(size=40)
    p = 1 / (1 + np.exp(-(0.5 + 1.5 * size[:, None] + common[None, :])))
    x = rng.lognormal(10, 1, (12, 40)) * (rng.random((12, 40)) < p)
    x[:, x.sum(axis=0) == 0] = 1.0
    regions = [f"R{i}" for i in range(12)]
    out = cx.bootstrap_eci_ranks(x, regions, n_boot=40, seed=3)
    again = cx.bootstrap_eci_ranks(x, regions, n_boot=40, seed=3)
    pd.testing.assert_frame_equal(out, again)  # seeded
    assert out["rank"].is_monotonic_increasing and set(out["region"]) == set(regions)
    assert (out["rank_low"] <= out["rank_high"]).all()
    assert (out["rank_low"] >= 1).all() and (out["rank_high"] <= 12).all()
    inside = (out["rank_low"] <= out["rank"]) & (out["rank"] <= out["rank_high"])
    assert inside.mean() >= 0.75
