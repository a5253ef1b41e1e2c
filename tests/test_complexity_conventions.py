"""exportlab.complexity at scale and under the Stata convention.

* ``convention="stata"`` against the Growth Lab's Stata ``ecomplexity`` outputs
  (``tests/fixtures/stata_ecomplexity_1995.csv``, copied from the public py-ecomplexity repository);
* the algorithms chosen by size give the same numbers: ubiquity levels vs blocked sparse products
  for relatedness, dense eigh vs Lanczos (eigsh) for ECI/PCI, one thread vs several, sparse vs
  dense input.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from exportlab import complexity as cx

FIXTURES = Path(__file__).parent / "fixtures"
QUANTITIES = ("rca", "mcp", "density", "cog")


@pytest.fixture(scope="module")
def stata() -> pd.DataFrame:
    return pd.read_csv(
        FIXTURES / "stata_ecomplexity_1995.csv", comment="#", dtype={"origin": str, "hs92": str}
    )


def _stata_input(stata: pd.DataFrame) -> pd.DataFrame:
    # Stata held export_val in single precision; the file prints it with 8 significant digits,
    # and rounding to float32 gives back the exact value Stata computed with
    x = stata.pivot(index="origin", columns="hs92", values="export_val")
    return x.astype(np.float32).astype(np.float64)


def test_stata_convention_reproduces_stata_ecomplexity(stata):
    res = cx.complexity(_stata_input(stata), convention="stata")
    assert res.convention == "stata"
    grid = {c: stata.pivot(index="origin", columns="hs92", values=c) for c in stata.columns[4:]}
    for ours, theirs in (("rca", "rca"), ("mcp", "M"), ("density", "density"), ("cog", "cog")):
        got = getattr(res, ours).loc[grid[theirs].index, grid[theirs].columns]
        np.testing.assert_allclose(got.to_numpy(), grid[theirs].to_numpy(), atol=1e-9, rtol=0)
    by_region = stata.groupby("origin")[["eci", "coi", "diversity"]].first()
    by_product = stata.groupby("hs92")[["pci", "ubiquity"]].first()
    np.testing.assert_allclose(res.eci.loc[by_region.index], by_region["eci"], atol=1e-9)
    np.testing.assert_allclose(res.coi.loc[by_region.index], by_region["coi"], atol=1e-9)
    np.testing.assert_array_equal(res.diversity.loc[by_region.index], by_region["diversity"])
    np.testing.assert_allclose(res.pci.loc[by_product.index], by_product["pci"], atol=1e-9)
    np.testing.assert_array_equal(res.ubiquity.loc[by_product.index], by_product["ubiquity"])
    # Stata's proximity has a zero diagonal
    assert (np.diag(res.proximity.to_numpy()) == 0).all()


def test_stata_convention_on_both_relatedness_paths(stata):
    x, r, p = cx._as_sparse(_stata_input(stata))
    levels = cx._complexity(x, r, p, 1.0, None, True, "stata", 1, path="levels")
    blocked = cx._complexity(x, r, p, 1.0, None, True, "stata", 2, path="sparse")
    for name in (*QUANTITIES, "proximity"):
        np.testing.assert_allclose(getattr(levels, name), getattr(blocked, name), atol=1e-12)
    np.testing.assert_allclose(levels.coi, blocked.coi, atol=1e-12)


def test_conventions_differ_where_documented(stata):
    x = _stata_input(stata)
    py, sta = cx.complexity(x), cx.complexity(x, convention="stata")
    # presence: RCA >= 1 against RCA > 1; the 1995 data have no RCA of exactly 1
    pd.testing.assert_frame_equal(py.mcp, sta.mcp)
    # ECI: population std over regions against ddof=1 over 10 × 30 stacked rows
    kc = py.eci.to_numpy()
    ratio = np.sqrt((300 - 1) / (30 * 10))  # std_stata / std_py applied to standardised values
    np.testing.assert_allclose(sta.eci.to_numpy(), kc * ratio, atol=1e-12)
    assert np.diag(py.proximity.to_numpy()).min() == 1.0
    with pytest.raises(ValueError, match="convention"):
        cx.complexity(x, convention="r")


def test_strict_presence_under_stata():
    # B's RCA in p3 is exactly 1: present by default, absent under Stata's strict RCA > 1
    x = np.array([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]], dtype=float)
    assert cx.complexity(x).mcp.to_numpy()[1, 2] == 1.0
    assert cx.complexity(x, convention="stata").mcp.to_numpy()[1, 2] == 0.0
    with pytest.raises(ValueError, match="threshold"):
        cx.complexity(x, threshold=0.0)


def _nested(n_reg: int, n_prod: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    size, common = rng.normal(size=n_reg), rng.normal(size=n_prod)
    p = 1.0 / (1.0 + np.exp(-(-1.0 + 1.2 * size[:, None] + common[None, :])))
    x = rng.lognormal(10.0, 2.0, (n_reg, n_prod)) * (rng.random((n_reg, n_prod)) < p)
    x[:, x.sum(axis=0) == 0] = 1.0
    x[x.sum(axis=1) == 0, 0] = 1.0
    return x


@settings(max_examples=6, deadline=None)
@given(
    n_reg=st.integers(5, 40),
    n_prod=st.integers(5, 60),
    seed=st.integers(0, 10_000),
    convention=st.sampled_from(cx.CONVENTIONS),
)
def test_relatedness_paths_and_eigen_solvers_agree(n_reg, n_prod, seed, convention):
    x, r, p = cx._as_sparse(_nested(n_reg, n_prod, seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = cx._complexity(x, r, p, 1.0, None, True, convention, 1, path="levels")
        alt = cx._complexity(x, r, p, 1.0, None, True, convention, 2, path="sparse", dense_max=3)
    if not np.isfinite(ref.eigenvalue) or ref.eigenvalue > 1 - 1e-6:
        return  # disconnected or degenerate networks: ECI not unique
    gap = ref.eigenvalue - np.sort(np.linalg.eigvalsh(_sym(ref)))[-3]
    if gap < 1e-3:
        return  # nearly repeated second eigenvalue: the eigenvector is ill-conditioned
    for name in ("eci", "pci", "coi", *QUANTITIES, "proximity"):
        np.testing.assert_allclose(
            getattr(alt, name), getattr(ref, name), atol=1e-8, rtol=0, err_msg=name
        )


def _sym(res: cx.ComplexityResult) -> np.ndarray:
    m = res.mcp.to_numpy()
    m = m[res.diversity.to_numpy() > 0][:, res.ubiquity.to_numpy() > 0]
    a = m / np.sqrt(m.sum(axis=1))[:, None]
    return (a / m.sum(axis=0)[None, :]) @ a.T


def test_lanczos_eci_matches_dense_on_a_larger_matrix():
    x, r, p = cx._as_sparse(_nested(700, 400, 5))
    dense = cx._complexity(x, r, p, 1.0, None, False, dense_max=10_000)
    lanczos = cx._complexity(x, r, p, 1.0, None, False, dense_max=10)
    np.testing.assert_allclose(lanczos.eci, dense.eci, atol=1e-9)
    np.testing.assert_allclose(lanczos.pci, dense.pci, atol=1e-9)
    assert lanczos.eigenvalue == pytest.approx(dense.eigenvalue, abs=1e-12)


def test_sparse_input_threads_and_default_path_agree():
    x = _nested(150, 90, 3)  # more than 128 regions: the blocked sparse path by default
    dense_in = cx.complexity(x)
    sparse_in = cx.complexity(sp.csr_matrix(x), threads=1)
    levels = cx._complexity(*cx._as_sparse(x), 1.0, None, True, path="levels")
    for name in ("eci", "pci", "coi", *QUANTITIES, "proximity"):
        np.testing.assert_allclose(getattr(sparse_in, name), getattr(dense_in, name), atol=1e-12)
        np.testing.assert_allclose(getattr(levels, name), getattr(dense_in, name), atol=1e-12)


def test_sparse_input_is_validated():
    bad = sp.csr_matrix(np.array([[1.0, -2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="negative"):
        cx.complexity(bad)
    with pytest.raises(ValueError, match="does not match"):
        cx.complexity(sp.csr_matrix(np.eye(2)), regions=["a", "b", "c"])


def test_tiled_sparse_times_equals_the_plain_product():
    # blocks and tiles that do not divide the sizes, unsorted indices, one and two threads
    rng = np.random.default_rng(5)
    left = sp.random(150, 203, density=0.07, random_state=rng, format="csr")
    left.indices = left.indices.copy()
    for r in range(left.shape[0]):  # reverse each row's column order
        a, b = left.indptr[r], left.indptr[r + 1]
        left.indices[a:b] = left.indices[a:b][::-1].copy()
        left.data[a:b] = left.data[a:b][::-1].copy()
    left.has_sorted_indices = False
    right = rng.uniform(0.0, 1.0, (203, 131))
    expected = left.toarray() @ right
    for threads in (1, 2):
        out = np.empty((150, 131))
        cx._sparse_times(left, right, out, threads)
        np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)
    out32 = np.empty((150, 131))
    cx._sparse_times(left, right.astype(np.float32), out32, 1)  # mixed dtypes: plain product
    np.testing.assert_allclose(out32, expected, rtol=1e-6)


def test_small_pages_restores_numpy_setting_and_changes_no_value():
    from numpy._core import multiarray

    setter = multiarray._set_madvise_hugepage
    before = setter(True)
    try:
        x = _nested(150, 90, 4)
        with cx._small_pages():
            assert setter(False) is False  # off inside
            with cx._small_pages():  # nested blocks keep it off
                pass
            assert setter(False) is False
        assert setter(True) is True  # the setting before the first block is back
        setter(True)
        with cx._blas_limit(1):  # as complexity() does, so that only the pages differ
            huge = cx._complexity(*cx._as_sparse(x), 1.0, None, True, threads=2)
        small = cx.complexity(x, threads=2)  # inside _small_pages
        assert setter(True) is True
        for name in ("eci", "pci", "coi", *QUANTITIES, "proximity"):
            np.testing.assert_array_equal(getattr(small, name), getattr(huge, name))
    finally:
        setter(before)


def test_to_dense_equals_toarray():
    rng = np.random.default_rng(8)
    for mat in (
        sp.random(37, 53, density=0.2, random_state=rng, format="csr"),
        sp.csr_matrix((3, 4)),  # no non-zero
        sp.csr_array(sp.random(5, 6, density=0.5, random_state=rng)),
    ):
        dense = cx._to_dense(mat)
        assert dense.flags.c_contiguous and dense.dtype == mat.dtype
        np.testing.assert_array_equal(dense, mat.toarray())
