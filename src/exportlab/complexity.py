"""Economic complexity and relatedness of regions: RCA, ECI/PCI, proximity, density.

The smart-specialisation toolkit of stage 07, after Hidalgo & Hausmann (2009), Hidalgo et al. (2007)
and the EU S3 Platform tools (Eye@RIS3, the benchmarking of structurally similar regions):

* :func:`export_matrix` — the region × product export matrix from the canonical trade table;
* :func:`rca`, :func:`diversity_ubiquity` — Balassa's revealed comparative advantage and the binary
  specialisation matrix ``Mcp``;
* :func:`complexity` — everything at once (RCA, Mcp, diversity, ubiquity, ECI, PCI, proximity, density,
  complexity outlook) as a :class:`ComplexityResult`;
* :func:`proximity`, :func:`density` — the product space and each region's position in it;
* :func:`opportunities` — ranked diversification opportunities of one region;
* :func:`similar_regions` — regions with the most similar export structure (cosine similarity);
* :func:`resource_regions`, :func:`sector_mix` — resource regions (seed 004) and the
  raw-material / infrastructure / high-tech / knowledge-intensive sector mix of export.
* :func:`read_proximity` — a user-supplied (e.g. international) proximity matrix;
* stage tables: :func:`complexity_regions` (ECI beside the DAED index and type),
  :func:`opportunities_table`, :func:`similar_table`, :func:`resource_table`,
  :func:`sector_mix_table` (bilingual headers in :data:`HEADERS`); the figures are drawn by
  :mod:`exportlab.plot.complexity` (labels of the opportunity scatter in :data:`LABELS`).

Definitions follow the ``ecomplexity`` package of the Harvard Growth Lab (Python port of the Stata
command), so that results agree to floating-point precision:

* ``RCA_cp = (X_cp / X_c) / (X_p / X)``; ``Mcp = 1`` when ``RCA_cp >= threshold`` (default 1).
* diversity ``k_c = sum_p Mcp``, ubiquity ``k_p = sum_c Mcp``.
* ``M~cc' = sum_p Mcp Mc'p / (k_c k_p)``; ECI is the eigenvector of the second largest eigenvalue
  of ``M~cc'``; the product eigenvector is ``kp = (1 / lambda) * sum_c Mcp kc / k_p`` (so that
  ``kc = sum_p Mcp kp / k_c`` exactly, as for the eigenvector of ``M~pp'``).
* sign: chosen so that ECI correlates positively with diversity (when all diversities are equal,
  so that PCI correlates negatively with ubiquity; ``ecomplexity`` returns NaN there).
* standardisation: ``ECI = (kc - mean(kc)) / std(kc)`` and ``PCI = (kp - mean(kc)) / std(kc)``
  (population std, ``ddof=0``; PCI uses the ECI moments, which keeps the identity
  "ECI of a region = mean PCI of its Mcp = 1 products").
* proximity ``phi_pp' = sum_c Mcp Mcp' / max(k_p, k_p')`` (minimum of the two conditional
  probabilities), density ``w_cp = sum_p' Mcp' phi_pp' / sum_p' phi_pp'``.

Differences from ``ecomplexity``, all on degenerate input only: ``ecomplexity`` drops regions and
products whose total export is zero before computing; here they stay in the output with RCA and
Mcp 0 and NaN ECI/PCI/density (and zero proximity rows), so the output keeps the input's shape.
Algorithms (same numbers, chosen by size; see ``benchmarks/complexity.py``): the input stays
sparse through RCA and Mcp; the eigenvector comes from the symmetric region × region matrix
``D^-1/2 M U^-1 M' D^-1/2`` (same eigenvalues as ``M~cc'``) — dense for up to 600 regions, by
Lanczos iteration through sparse products beyond, never formed; the proximity counts ``M'M`` are
single-precision products (integers, exact; blocked sparse × dense above 128 regions); density
and COG are applied through ubiquity levels for up to 128 regions and as blocked sparse × dense
products with the proximity matrix above. Nothing larger than products × products or regions × products is
formed: 5,570 regions × 5,000 products fit in about 1.5 GB.

``convention="stata"`` reproduces the Stata command instead (strict RCA > 1, zero proximity
diagonal, standard deviations with ``ddof=1`` over the stacked rows); see :func:`complexity`.

Example
-------
>>> import numpy as np, pandas as pd
>>> x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]],
...                  index=["A", "B", "C"], columns=["p1", "p2", "p3", "p4"])
>>> res = complexity(x)
>>> res.eci.round(4).tolist()
[-0.7071, 1.4142, -0.7071]
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from exportlab.classify import RESOURCE_SPECIALISATION
from exportlab.labels import Label, vocabulary
from exportlab.regions import region_label
from exportlab.schema import exports

__all__ = [
    "world_reference",
    "read_world_trade",
    "complexity_vs_world",
    "WorldReference",
    "WORLD_COLUMNS",
    "log_supermodular_share",
    "fitness_complexity",
    "eci_diagnostics",
    "diagnostics_note",
    "bootstrap_eci_ranks",
    "HEADERS",
    "LEVELS",
    "SECTORS",
    "SECTOR_LABELS",
    "CONVENTIONS",
    "ComplexityResult",
    "classify_sectors",
    "complexity",
    "complexity_regions",
    "density",
    "diversity_ubiquity",
    "eci_daed_correlation",
    "export_matrix",
    "load_sector_mapping",
    "opportunities",
    "opportunities_table",
    "products_table",
    "product_classes",
    "proximity",
    "rca",
    "read_proximity",
    "resource_regions",
    "resource_table",
    "sector_mix",
    "sector_mix_table",
    "similar_regions",
    "similar_table",
]

#: Product levels of :func:`export_matrix`: name → number of leading HS digits.
LEVELS: dict[str, int] = {"hs2": 2, "hs4": 4, "hs6": 6}

#: Sectors of a resource region's export (seed 004), in display order.
SECTORS: tuple[str, ...] = (
    "raw_material",
    "infrastructure",
    "high_tech",
    "knowledge_intensive",
    "other",
)

#: Bilingual labels: key → {"en": ..., "ru": ...}.
SECTOR_LABELS: dict[str, dict[str, str]] = vocabulary("complexity.SECTOR_LABELS")

#: Labels of the opportunity scatter (:func:`exportlab.plot.complexity.density_complexity`).
LABELS: dict[str, dict[str, str]] = vocabulary("complexity.LABELS")

#: Conventions of :func:`complexity`: the Python package ``ecomplexity`` and the Stata command.
CONVENTIONS: tuple[str, ...] = ("py-ecomplexity", "stata")

#: Up to this many regions the regional proximity is applied through ubiquity levels
#: (:func:`_times_proximity`, cost ~ regions² × products, memory ~ regions³); above it through
#: blocked sparse × dense products (cost ~ Mcp non-zeros × products).
_LEVEL_PATH_MAX_REGIONS = 128
#: Up to this many regions the ECI eigenproblem is solved on the dense region × region matrix;
#: above, by Lanczos iteration without forming it.
_DENSE_EIG_MAX = 600
#: Columns per block of the blocked sparse × dense products (a block of the dense operand stays
#: in cache while every sparse row reads it): float64 operands, and float32 (proximity counts).
_BLOCK = 64
_BLOCK_F32 = 48
#: Rows of the dense operand per tile inside a block of :func:`_sparse_times`.
_TILE = 64

try:  # SciPy's kernel behind ``csr @ dense`` (y += A x for many vectors), to accumulate tiles
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - a SciPy without it: plain products
    _csr_matvecs = None
try:  # and the one behind ``csr.toarray()``, to fill an array this module allocates
    from scipy.sparse._sparsetools import csr_todense as _csr_todense
except ImportError:  # pragma: no cover - a SciPy without it: ``toarray``
    _csr_todense = None

_LABEL_COLUMNS = ("name", "name_en", "name_ru", "label", "label_en", "label_ru")


# ----------------------------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------------------------


def export_matrix(
    trade: pd.DataFrame,
    year: int | Iterable[int] | None = None,
    *,
    level: str = "hs6",
    flow: str | None = "export",
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    value: str = "value_usd",
    as_frame: bool = False,
) -> tuple[sp.csr_matrix | pd.DataFrame, pd.Index, pd.Index]:
    """Region × product export matrix from the canonical trade table.

    ``X_cp = sum of value over partners (and over the selected years)`` for region ``c`` and product
    ``p``, where ``p`` is the first 2, 4 or 6 digits of ``hs6`` (``level``). Units: those of
    ``value`` (US dollars for ``value_usd``).

    Parameters
    ----------
    trade : DataFrame with ``region``, ``hs6``, ``value`` and, if used, ``year`` and ``flow``.
    year : a year, several years (summed) or None (every row).
    level : ``"hs6"``, ``"hs4"`` or ``"hs2"``.
    flow : ``"export"`` (default), ``"import"`` or None (no filter, e.g. a table without ``flow``).
    regions, products : optional full label lists; rows/columns absent from ``trade`` are zeros,
        rows of ``trade`` outside these lists are dropped. Default: the sorted labels present.
    as_frame : return a dense DataFrame instead of a CSR matrix.

    Returns
    -------
    (matrix, regions, products) — ``matrix`` is a ``scipy.sparse.csr_matrix`` (float64) or a
    DataFrame indexed by region with one column per product.

    Example
    -------
    >>> t = pd.DataFrame({"year": 2020, "region": ["A", "A", "B"], "hs6": ["010121", "020110",
    ...                   "010190"], "partner": "CN", "flow": "export", "value_usd": [1.0, 2.0, 3.0]})
    >>> m, r, p = export_matrix(t, 2020, level="hs4")
    >>> m.toarray().tolist(), list(r), list(p)
    ([[1.0, 2.0], [3.0, 0.0]], ['A', 'B'], ['0101', '0201'])
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {sorted(LEVELS)}, got {level!r}")
    missing = {"region", "hs6", value} - set(trade.columns)
    if missing:
        raise ValueError(f"trade table lacks column(s): {', '.join(sorted(missing))}")
    mask = np.ones(len(trade), dtype=bool)
    if flow is not None:
        if "flow" not in trade.columns:
            raise ValueError("trade table lacks column 'flow'; pass flow=None to use every row")
        mask &= (trade["flow"] == flow).to_numpy()
    if year is not None:
        if "year" not in trade.columns:
            raise ValueError("trade table lacks column 'year'; pass year=None to use every row")
        years = [year] if np.isscalar(year) else list(year)
        mask &= trade["year"].isin(years).to_numpy()
    sub = trade.loc[mask, ["region", "hs6", value]]
    prod = sub["hs6"].astype(str).str.slice(0, LEVELS[level])
    vals = pd.to_numeric(sub[value], errors="raise").to_numpy(dtype=np.float64)
    if np.isnan(vals).any():
        raise ValueError(f"column {value!r} contains missing values")
    if (vals < 0).any():
        raise ValueError(f"column {value!r} contains negative values")
    reg_cat = (
        pd.Categorical(sub["region"].astype(str))
        if regions is None
        else pd.Categorical(sub["region"].astype(str), categories=pd.Index(regions).astype(str))
    )
    prod_cat = (
        pd.Categorical(prod)
        if products is None
        else pd.Categorical(prod, categories=pd.Index(products).astype(str))
    )
    ri, pi = reg_cat.codes, prod_cat.codes
    keep = (ri >= 0) & (pi >= 0)
    shape = (len(reg_cat.categories), len(prod_cat.categories))
    mat = sp.coo_matrix((vals[keep], (ri[keep], pi[keep])), shape=shape).tocsr()
    mat.sum_duplicates()
    r_index = pd.Index(reg_cat.categories, name="region")
    p_index = pd.Index(prod_cat.categories, name="product")
    if as_frame:
        return pd.DataFrame(mat.toarray(), index=r_index, columns=p_index), r_index, p_index
    return mat, r_index, p_index


def _as_dense(
    matrix: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Dense float64 array and labels from a DataFrame, ndarray, sparse matrix or
    the ``(matrix, regions, products)`` tuple of :func:`export_matrix`."""
    if isinstance(matrix, tuple) and len(matrix) == 3:
        matrix, regions, products = matrix
    if isinstance(matrix, pd.DataFrame):
        arr = matrix.to_numpy(dtype=np.float64)
        r_index = pd.Index(matrix.index) if regions is None else pd.Index(regions)
        p_index = pd.Index(matrix.columns) if products is None else pd.Index(products)
    else:
        if sp.issparse(matrix):
            arr = np.asarray(matrix.toarray(), dtype=np.float64)
        else:
            arr = np.asarray(matrix, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"matrix must be two-dimensional, got shape {arr.shape}")
        r_index = pd.RangeIndex(arr.shape[0]) if regions is None else pd.Index(regions)
        p_index = pd.RangeIndex(arr.shape[1]) if products is None else pd.Index(products)
    if arr.shape != (len(r_index), len(p_index)):
        raise ValueError(
            f"matrix shape {arr.shape} does not match {len(r_index)} regions × "
            f"{len(p_index)} products"
        )
    if not np.isfinite(arr).all():
        raise ValueError("matrix contains missing or infinite values")
    if (arr < 0).any():
        raise ValueError("matrix contains negative values")
    if r_index.name is None:
        r_index = r_index.rename("region")
    if p_index.name is None:
        p_index = p_index.rename("product")
    return arr, r_index, p_index


def _as_sparse(
    matrix: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> tuple[sp.csr_matrix, pd.Index, pd.Index]:
    """CSR float64 matrix (no explicit zeros) and labels from the inputs :func:`_as_dense`
    accepts; a sparse matrix is never made dense."""
    if isinstance(matrix, tuple) and len(matrix) == 3:
        matrix, regions, products = matrix
    if not sp.issparse(matrix):
        arr, r_index, p_index = _as_dense(matrix, regions, products)
        return sp.csr_matrix(arr), r_index, p_index
    mat = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    mat.sum_duplicates()
    if not np.isfinite(mat.data).all():
        raise ValueError("matrix contains missing or infinite values")
    if (mat.data < 0).any():
        raise ValueError("matrix contains negative values")
    mat.eliminate_zeros()
    r_index = pd.RangeIndex(mat.shape[0]) if regions is None else pd.Index(regions)
    p_index = pd.RangeIndex(mat.shape[1]) if products is None else pd.Index(products)
    if mat.shape != (len(r_index), len(p_index)):
        raise ValueError(
            f"matrix shape {mat.shape} does not match {len(r_index)} regions × "
            f"{len(p_index)} products"
        )
    if r_index.name is None:
        r_index = r_index.rename("region")
    if p_index.name is None:
        p_index = p_index.rename("product")
    return mat, r_index, p_index


def _blas_limit(threads: int | None) -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS threads inside a block (threadpoolctl, installed with scikit-learn); a no-op when
    ``threads`` is None or threadpoolctl is missing."""
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


_PAGES_LOCK = threading.Lock()
_PAGES_DEPTH = [0, True]  # active blocks, NumPy's setting before the first


@contextlib.contextmanager
def _small_pages() -> Iterator[None]:
    """Inside the block NumPy does not ask the kernel for transparent huge pages
    (``madvise(MADV_HUGEPAGE)``) for new arrays; the setting before is restored after the last of
    concurrent blocks.

    With the kernel's usual ``defrag=madvise``, each huge-page fault of a fresh process may first
    compact memory: on a busy machine the first 5,570 × 5,000 :func:`complexity` spent 1.9-2.6 s of
    system time in it, against 0.6 s for ordinary pages (``benchmarks/complexity.py``, first run).
    Only where memory lands changes; every value is the same. With 89 regions × 4,905 products
    (a 192 MB proximity matrix) the first call took 0.20-0.83 s with huge pages and 0.18-0.33 s
    without; repeated calls in one process reuse freed huge pages and are faster with them
    (0.11-0.17 s against 0.15-0.28 s), but a pipeline makes one call per process.
    """
    try:
        from numpy._core import multiarray as _ma
    except ImportError:  # pragma: no cover - NumPy 1.x
        from numpy.core import multiarray as _ma  # type: ignore[no-redef]
    setter = getattr(_ma, "_set_madvise_hugepage", None)
    if setter is None:  # pragma: no cover - a NumPy without the switch
        yield
        return
    with _PAGES_LOCK:
        if _PAGES_DEPTH[0] == 0:
            _PAGES_DEPTH[1] = setter(False)
        _PAGES_DEPTH[0] += 1
    try:
        yield
    finally:
        with _PAGES_LOCK:
            _PAGES_DEPTH[0] -= 1
            if _PAGES_DEPTH[0] == 0:
                setter(_PAGES_DEPTH[1])


def _like_input(arr: np.ndarray, template: Any, r_index: pd.Index, p_index: pd.Index) -> Any:
    """Return ``arr`` in the container type of ``template``."""
    if isinstance(template, tuple) or isinstance(template, pd.DataFrame):
        return pd.DataFrame(arr, index=r_index, columns=p_index, copy=False)
    if sp.issparse(template):
        return sp.csr_matrix(arr)
    return arr


# ----------------------------------------------------------------------------------------------
# Core computations on dense arrays
# ----------------------------------------------------------------------------------------------


def _rca_dense(x: np.ndarray) -> np.ndarray:
    """Balassa RCA with the operation order of ``ecomplexity`` (bit-identical values)."""
    row = x.sum(axis=1)
    col = x.sum(axis=0)
    total = col.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        num = x / row[:, None]
        den = col[None, :] / total
        out = num / den
    out[~np.isfinite(out)] = 0.0  # zero rows / columns: no specialisation
    return out


def _rca_sparse(x: sp.csr_matrix) -> sp.csr_matrix:
    """Balassa RCA on the non-zero cells of a CSR matrix, with the operation order of
    :func:`_rca_dense` (the other cells are 0)."""
    row = np.asarray(x.sum(axis=1)).ravel()
    col = np.asarray(x.sum(axis=0)).ravel()
    total = col.sum()
    ri = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    data = (x.data / row[ri]) / (col[x.indices] / total)
    return sp.csr_matrix((data, x.indices.copy(), x.indptr.copy()), shape=x.shape)


def _mcp_sparse(rca: sp.csr_matrix, threshold: float, strict: bool = False) -> sp.csr_matrix:
    """Binary CSR ``Mcp``: 1 where ``RCA >= threshold`` (``RCA > threshold`` when ``strict``)."""
    out = rca.copy()
    out.data = (rca.data > threshold if strict else rca.data >= threshold).astype(np.float64)
    out.eliminate_zeros()
    return out


def _proximity_dense(mcp: np.ndarray, ubiquity: np.ndarray, threads: int = 1) -> np.ndarray:
    """``phi_pq = sum_c Mcp Mcq / max(k_p, k_q)``; 0 where both ubiquities are 0.

    Bit-identical to ``min(C / k_q, C / k_p)`` of ``ecomplexity`` (the division is correctly
    rounded and monotone). Co-occurrence counts are integers <= n_regions, exact in float32, so the
    large product is done in single precision and converted while dividing, block by block (row
    blocks on ``threads`` threads: BLAS and the division release the GIL).
    """
    n_reg, n_prod = mcp.shape
    dtype = np.float32 if n_reg < 2**24 else np.float64
    m = mcp.astype(dtype)
    safe = np.where(ubiquity > 0, ubiquity, 1.0)  # both zero ⇒ count 0 ⇒ proximity 0
    out = np.empty((n_prod, n_prod), dtype=np.float64)
    block = max(1, 1_000_000 // max(n_prod, 1))

    def task(start: int) -> None:  # a row block: counts, then divide into the output
        stop = min(start + block, n_prod)
        co = m[:, start:stop].T @ m
        np.divide(co, np.maximum(safe[start:stop, None], safe[None, :]), out=out[start:stop])

    _run_blocks(task, range(0, n_prod, block), threads, float(n_reg) * n_prod * n_prod)
    return out


def _times_proximity(left: np.ndarray, mcp: np.ndarray, ubiquity: np.ndarray) -> np.ndarray:
    """``left @ phi`` for the regional proximity ``phi`` without forming ``phi``.

    With ``C = M'M``, ``(left @ phi)_ap = sum_c' Mc'p K(u_p)_ac'`` where, for a ubiquity level
    ``L``, ``K(L) = S_le(L) / L + S_gt(L)``, ``S_le(L) = sum_{q: u_q <= L} left_aq Mc'q`` and
    ``S_gt(L) = sum_{q: u_q > L} left_aq Mc'q / u_q``. There are at most n_regions levels, so the
    cost is O(a · n_regions · n_products) instead of O(a · n_products²).
    """
    n_left, n_prod = left.shape
    n_reg = mcp.shape[0]
    out = np.zeros((n_left, n_prod))
    pos = np.flatnonzero(ubiquity > 0)
    if pos.size == 0:
        return out
    levels, inv = np.unique(ubiquity[pos], return_inverse=True)
    order = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[order], np.arange(len(levels) + 1))
    groups = [pos[order[bounds[k] : bounds[k + 1]]] for k in range(len(levels))]
    blocks = np.empty((len(levels), n_left, n_reg))
    for k, q in enumerate(groups):  # one small product per ubiquity level
        blocks[k] = left[:, q] @ mcp[:, q].T
    le = np.cumsum(blocks, axis=0)
    gt = np.zeros_like(blocks)
    if len(levels) > 1:
        scaled = blocks[::-1] / levels[::-1, None, None]
        gt[:-1] = np.cumsum(scaled, axis=0)[::-1][1:]
    for k, q in enumerate(groups):
        out[:, q] = (le[k] / levels[k] + gt[k]) @ mcp[:, q]
    return out


def _eci_pci(
    mcp: Any,
    diversity: np.ndarray,
    ubiquity: np.ndarray,
    *,
    stata: bool = False,
    n_product_rows: int | None = None,
    dense_max: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Standardised ECI and PCI, the signed raw eigenvectors, the eigenvalue and the scale.

    ``mcp``: binary region × product matrix (dense or sparse). Raw vectors are scaled so that
    ``kc = D^-1 M kp`` holds exactly; NaN outside the regions and products with positive
    diversity / ubiquity. ``scale`` is the standard deviation used for the standardisation
    (``ddof=0`` over regions; with ``stata``, ``ddof=1`` over the stacked region × product rows,
    ``n_product_rows`` rows per region).

    Up to ``dense_max`` regions (default :data:`_DENSE_EIG_MAX`) the eigenvectors come from the
    dense symmetric region × region matrix ``S = D^-1/2 M U^-1 M' D^-1/2`` (``numpy.linalg.eigh``);
    beyond, from Lanczos iteration (``scipy.sparse.linalg.eigsh``, tolerance 0 = machine
    precision) on ``S`` applied through two sparse products and deflated by its known leading
    eigenvector ``sqrt(diversity)`` (eigenvalue 1), so no region × region matrix is formed.
    """
    n_reg, n_prod = mcp.shape
    eci = np.full(n_reg, np.nan)
    pci = np.full(n_prod, np.nan)
    kc_full = np.full(n_reg, np.nan)
    kp_full = np.full(n_prod, np.nan)
    rv = diversity > 0
    pv = ubiquity > 0
    if rv.sum() < 2 or pv.sum() < 2:
        warnings.warn(
            "fewer than two regions or products with Mcp = 1: ECI/PCI undefined", stacklevel=3
        )
        return eci, pci, kc_full, kp_full, np.nan, np.nan
    m = sp.csr_matrix(mcp)[np.flatnonzero(rv)][:, np.flatnonzero(pv)]
    d = diversity[rv]
    u = ubiquity[pv]
    sd = np.sqrt(d)
    a = sp.diags(1.0 / sd) @ m
    n = a.shape[0]
    limit = _DENSE_EIG_MAX if dense_max is None else dense_max
    if n <= max(limit, 3):
        sym = ((a @ sp.diags(1.0 / u)) @ a.T).toarray()  # same spectrum as M~cc'
        sym = (sym + sym.T) / 2.0
        vals, vecs = np.linalg.eigh(sym)
        lam, top, vec = float(vals[-2]), float(vals[-1]), vecs[:, -2]
    else:
        from scipy.sparse.linalg import LinearOperator, eigsh

        at = a.T.tocsr()
        v1 = sd / np.linalg.norm(sd)  # S v1 = v1, the Perron vector

        def deflated(x: np.ndarray) -> np.ndarray:  # (I - v1 v1') S (I - v1 v1') x
            x = np.ravel(x)
            return a @ ((at @ x) / u) - v1 * (v1 @ x)

        v0 = d - d.mean() + np.linspace(-1.0, 1.0, n) * 1e-3 * (1.0 + np.ptp(d))
        v0 -= v1 * (v1 @ v0)
        op = LinearOperator((n, n), matvec=deflated, dtype=np.float64)
        vals, vecs = eigsh(op, k=1, which="LA", tol=0.0, v0=v0 / np.linalg.norm(v0))
        lam, top, vec = float(vals[-1]), 1.0, vecs[:, -1]
    kc = vec / sd
    if not lam > 0:
        warnings.warn("second eigenvalue is not positive: ECI/PCI undefined", stacklevel=3)
        return eci, pci, kc_full, kp_full, lam, np.nan
    if top - lam < 1e-10:
        warnings.warn(
            "the region-product network is disconnected (repeated leading eigenvalue): "
            "ECI/PCI are not unique",
            stacklevel=3,
        )
    kp = (m.T @ kc) / u / lam
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.corrcoef(d, kc)[0, 1] if np.ptp(d) > 0 else np.nan
        if np.isnan(corr) and np.ptp(u) > 0:  # equal diversities: complex products are rare
            corr = -np.corrcoef(u, kp)[0, 1]
    sign = -1.0 if corr < 0 else 1.0
    kc *= sign
    kp *= sign
    mean = kc.mean()
    scale = _stacked_std(kc, n_product_rows or n_prod) if stata else kc.std()
    eci[rv] = (kc - mean) / scale
    pci[pv] = (kp - mean) / scale
    kc_full[rv] = kc
    kp_full[pv] = kp
    return eci, pci, kc_full, kp_full, lam, float(scale)


def _stacked_std(values: np.ndarray, repeats: int) -> float:
    """Standard deviation (``ddof=1``) of ``values`` each repeated ``repeats`` times — Stata's
    ``egen sd()`` over the rows of the long region × product table."""
    n = values.size * repeats
    ss = float(((values - values.mean()) ** 2).sum()) * repeats
    return float(np.sqrt(ss / (n - 1))) if n > 1 else float("nan")


def _run_blocks(task: Any, starts: Sequence[int], threads: int, work: float) -> None:
    """Run ``task(start)`` for each column block, on ``threads`` threads when the ``work``
    (multiply-adds) is large enough to pay for them (the sparse kernels release the GIL)."""
    if threads <= 1 or work < 5e7 or len(starts) < 2:
        for s in starts:
            task(s)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(task, starts))


def _sparse_times(left: sp.csr_matrix, right: np.ndarray, out: np.ndarray, threads: int) -> None:
    """``out[:] = left @ right`` for a sparse ``left`` and a dense ``right``, by blocks of
    :data:`_BLOCK` columns (cost: non-zeros of ``left`` × columns of ``right`` multiply-adds).

    Each block is accumulated tile by tile of :data:`_TILE` rows of ``right`` (a tile of
    64 × 64 float64 stays in the first-level cache while every row of ``left`` reads it) with
    SciPy's own ``csr @ dense`` kernel, called directly so that it adds into one buffer; each sum
    runs over ``left``'s columns in the same order as in ``left @ right``, so the result is the
    same to the last bit. Without that kernel (or for mixed dtypes), plain ``left @ block``.
    """
    n_cols = right.shape[1]
    direct = _csr_matvecs is not None and left.dtype == right.dtype == out.dtype
    tiles = _column_tiles(left, _TILE) if direct else []
    local = threading.local()  # one block and one accumulator buffer per thread, reused

    def task(start: int) -> None:
        stop = min(start + _BLOCK, n_cols)
        width = stop - start
        if not direct:
            out[:, start:stop] = left @ np.ascontiguousarray(right[:, start:stop])
            return
        if not hasattr(local, "block"):
            local.block = np.empty(right.shape[0] * _BLOCK, dtype=out.dtype)
            local.acc = np.empty(left.shape[0] * _BLOCK, dtype=out.dtype)
        block = local.block[: right.shape[0] * width].reshape(right.shape[0], width)
        np.copyto(block, right[:, start:stop])
        acc = local.acc[: left.shape[0] * width].reshape(left.shape[0], width)
        acc.fill(0.0)
        _add_tiled(tiles, left.shape[0], block, acc)
        out[:, start:stop] = acc

    _run_blocks(task, range(0, n_cols, _BLOCK), threads, float(left.nnz) * n_cols)


def _add_tiled(
    tiles: list[tuple[int, sp.csr_matrix]], n_rows: int, block: np.ndarray, acc: np.ndarray
) -> None:
    """``acc += left[:n_rows] @ block`` from the column tiles of ``left`` (:func:`_column_tiles`);
    ``block`` and ``acc`` C-contiguous, of ``left``'s dtype."""
    width = block.shape[1]
    for first, tile in tiles:
        _csr_matvecs(
            n_rows,
            tile.shape[1],
            width,
            tile.indptr[: n_rows + 1],
            tile.indices,
            tile.data,
            block[first : first + tile.shape[1]].ravel(),
            acc.ravel(),
        )


def _column_tiles(left: sp.csr_matrix, width: int) -> list[tuple[int, sp.csr_matrix]]:
    """``(first column, CSR slice of ``width`` columns)`` of ``left``, indices sorted."""
    csc = left.tocsc()
    out = []
    for first in range(0, left.shape[1], width):
        tile = csc[:, first : first + width].tocsr()
        tile.sort_indices()
        out.append((first, tile))
    return out


def _to_dense(mat: sp.csr_matrix) -> np.ndarray:
    """``mat.toarray()`` (C order) with each page of the result faulted in once: ``toarray``
    adds into a ``calloc``-ed array, whose pages are first mapped for reading, then copied on
    write (twice the page faults: 0.15 s of system time per 5,570 × 5,000 array on a busy
    machine); here the array is written with zeros first."""
    if _csr_todense is None or mat.format != "csr":  # pragma: no cover - fallback
        return mat.toarray()
    out = np.empty(mat.shape, dtype=mat.dtype)
    out.fill(0)
    _csr_todense(mat.shape[0], mat.shape[1], mat.indptr, mat.indices, mat.data, out)
    return out


def _proximity_sparse(
    mcp: sp.csr_matrix, ubiquity: np.ndarray, threads: int, zero_diag: bool = False
) -> np.ndarray:
    """Regional proximity ``phi_pq = C_pq / max(k_p, k_q)`` with ``C = M'M`` from a sparse ``M``.

    ``C`` is computed block by block of :data:`_BLOCK_F32` columns (upper triangle, then mirrored)
    as sparse ``M'`` times a dense single-precision block of ``M`` built from its columns: counts
    are integers <= number of regions, exact in float32 and in the float64 output they are
    written to; each row block is then divided in place and mirrored, so ``phi`` is the only
    products × products array. Cost: Mcp non-zeros × products / 2 multiply-adds.
    """
    n_reg, n_prod = mcp.shape
    dtype = np.float32 if n_reg < 2**24 else np.float64
    cols = mcp.tocsc().astype(dtype)
    left = mcp.T.tocsr().astype(dtype)
    phi = np.empty((n_prod, n_prod), dtype=np.float64)
    starts = range(0, n_prod, _BLOCK_F32)

    def task(start: int) -> None:
        stop = min(start + _BLOCK_F32, n_prod)
        end = left.indptr[stop]  # rows :stop of ``left`` as a view, not a copy
        rows = sp.csr_matrix(
            (left.data[:end], left.indices[:end], left.indptr[: stop + 1]), shape=(stop, n_reg)
        )
        phi[:stop, start:stop] = rows @ cols[:, start:stop].toarray()

    _run_blocks(task, starts, threads, float(mcp.nnz) * n_prod / 2)
    safe = np.where(ubiquity > 0, ubiquity, 1.0)  # both zero => count 0 => proximity 0
    for start in starts:  # divide the upper part of each row block, then mirror the lower part
        stop = min(start + _BLOCK_F32, n_prod)
        upper = phi[start:stop, start:]
        np.divide(upper, np.maximum(safe[start:stop, None], safe[None, start:]), out=upper)
        phi[start:stop, :start] = phi[:start, start:stop].T
    if zero_diag:
        np.fill_diagonal(phi, 0.0)
    return phi


def _relatedness_sparse(
    mcp: sp.csr_matrix,
    phi: np.ndarray,
    kp: np.ndarray,
    threads: int,
    symmetric: bool | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Density, raw COG and raw COI from a sparse ``mcp`` and any product × product ``phi``.

    With ``den_p = sum_q phi_pq`` and ``w_q = kp_q / den_q``:

    * density ``w_cp = (M phi')_cp / den_p``;
    * ``cog_cp = (1 - Mcp) (sum_q w_q phi_qp - (M W phi)_cp)`` (``W = diag(w)``), i.e.
      ``(1 - Mcp) sum_q (1 - Mcq) phi_qp w_q``;
    * ``coi_c = sum_p density_cp (1 - Mcp) kp_p``.

    The two products with ``phi`` share one blocked pass when ``phi`` is symmetric
    (``symmetric=None``: checked).
    """
    n_reg, n_prod = mcp.shape
    den = phi.sum(axis=1)
    kp0 = np.where(np.isfinite(kp), kp, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = kp0 / den
    w[~np.isfinite(w)] = 0.0
    weighted = mcp @ sp.diags(w)
    if symmetric or (symmetric is None and np.array_equal(phi, phi.T)):
        both = np.empty((2 * n_reg, n_prod))
        _sparse_times(sp.vstack([mcp, weighted], format="csr"), phi, both, threads)
        num_d, num_c = both[:n_reg], both[n_reg:]
    else:
        num_d = np.empty((n_reg, n_prod))
        num_c = np.empty((n_reg, n_prod))
        _sparse_times(mcp, phi.T, num_d, threads)
        _sparse_times(sp.csr_matrix(weighted), phi, num_c, threads)
    coo = mcp.tocoo()
    ri, ci = coo.row, coo.col
    coi = num_d @ w  # sum_p density_cp kp_p (columns without proximity: 0 * 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        num_d /= den[None, :]  # now the density (NaN where den = 0)
    inside = np.nan_to_num(num_d[ri, ci] * kp0[ci])
    coi -= np.bincount(ri, weights=inside, minlength=n_reg)
    np.subtract((w @ phi)[None, :], num_c, out=num_c)  # one pass over the regions × products
    num_c[ri, ci] = 0.0
    return num_d, num_c, coi


def _density_and_cog(
    mcp: np.ndarray,
    prox: np.ndarray | None,
    kp: np.ndarray | None,
    ubiquity: np.ndarray | None = None,
    *,
    zero_diag: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Density ``(M phi') / rowsum(phi)`` and the raw complexity outlook gain

    ``cog_cp = (1 - Mcp) * sum_p' (1 - Mcp') phi_p'p kp_p' / sum_q phi_p'q``.

    ``prox=None`` means the regional proximity of ``mcp`` (computed through
    :func:`_times_proximity`, never formed; with ``zero_diag`` its diagonal counts as 0);
    otherwise ``prox`` is any finite product × product matrix.
    """
    n_reg = mcp.shape[0]
    if prox is None:
        both = _times_proximity(np.vstack([mcp, np.ones((1, mcp.shape[1]))]), mcp, ubiquity)
        num_d, den = both[:n_reg], both[n_reg]
        if zero_diag:  # phi - diag(ubiquity > 0)
            linked = (ubiquity > 0).astype(np.float64)
            num_d -= mcp * linked[None, :]
            den = den - linked
    else:
        den = prox.sum(axis=1)
        num_d = mcp @ prox.T
    with np.errstate(divide="ignore", invalid="ignore"):
        dens = num_d / den[None, :]
        if kp is None:
            return dens, None
        w = np.where(np.isfinite(kp), kp, 0.0) / den
    w[~np.isfinite(w)] = 0.0
    right = (1.0 - mcp) * w[None, :]
    if prox is None:
        # right @ phi by the same ubiquity-level decomposition (phi is symmetric)
        num_c = _times_proximity(right, mcp, ubiquity)
        if zero_diag:
            num_c -= right * (ubiquity > 0)[None, :]
    else:
        num_c = right @ prox
    return dens, (1.0 - mcp) * num_c


# ----------------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------------


def rca(
    matrix: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> Any:
    """Balassa's revealed comparative advantage.

    ``RCA_cp = (X_cp / sum_p X_cp) / (sum_c X_cp / sum_cp X_cp)`` — dimensionless, unchanged by the
    currency unit. Regions or products with zero total export get RCA 0.

    Parameters
    ----------
    matrix : region × product values (DataFrame, ndarray, scipy sparse matrix, or the tuple of
        :func:`export_matrix`).
    regions, products : labels for array input.

    Returns
    -------
    Same container as the input (a DataFrame for the tuple of :func:`export_matrix`).

    Example
    -------
    >>> rca(np.array([[1.0, 1.0], [0.0, 2.0]])).round(3).tolist()
    [[2.0, 0.667], [0.0, 1.333]]
    """
    arr, r_index, p_index = _as_dense(matrix, regions, products)
    return _like_input(_rca_dense(arr), matrix, r_index, p_index)


def diversity_ubiquity(
    mcp: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Diversity ``k_c = sum_p Mcp`` (number of products a region is specialised in) and ubiquity
    ``k_p = sum_c Mcp`` (number of regions specialised in a product).

    Example
    -------
    >>> d, u = diversity_ubiquity(np.array([[1, 1, 0], [0, 1, 1]]))
    >>> d.tolist(), u.tolist()
    ([2.0, 2.0], [1.0, 2.0, 1.0])
    """
    arr, r_index, p_index = _as_dense(mcp, regions, products)
    return (
        pd.Series(arr.sum(axis=1), index=r_index, name="diversity"),
        pd.Series(arr.sum(axis=0), index=p_index, name="ubiquity"),
    )


def proximity(
    mcp: Any,
    products: Sequence[str] | None = None,
) -> np.ndarray | pd.DataFrame:
    """Product proximity (Hidalgo et al. 2007): the minimum of the two conditional probabilities
    of co-specialisation,

    ``phi_pq = min(P(Mcp=1 | Mcq=1), P(Mcq=1 | Mcp=1)) = sum_c Mcp Mcq / max(k_p, k_q)``.

    Values in [0, 1], symmetric, diagonal 1 for products with ubiquity > 0 (0 for products no
    region is specialised in).

    Parameters
    ----------
    mcp : binary region × product matrix (DataFrame, ndarray or sparse).
    products : product labels (for a DataFrame result from array input).

    Returns
    -------
    Dense product × product ndarray, or a DataFrame when ``mcp`` is a DataFrame or ``products`` is
    given.

    Example
    -------
    >>> proximity(np.array([[1, 1], [1, 0]])).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    arr, _, p_index = _as_dense(mcp, None, products)
    with _blas_limit(1):
        phi = _proximity_dense(arr, arr.sum(axis=0))
    if isinstance(mcp, pd.DataFrame) or products is not None:
        return pd.DataFrame(phi, index=p_index, columns=p_index.copy(), copy=False)
    return phi


def density(
    mcp: Any,
    proximity: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> Any:
    """Relatedness density of each region around each product (Hidalgo et al. 2007),

    ``w_cp = sum_p' Mcp' phi_pp' / sum_p' phi_pp'`` — the share of the product's proximity mass
    that falls on products the region is already specialised in. Dimensionless, in [0, 1];
    NaN for products without any proximity (zero ubiquity and no user-supplied links).

    Parameters
    ----------
    mcp : binary region × product matrix.
    proximity : product × product matrix (ndarray or DataFrame aligned with ``mcp``'s products).

    Example
    -------
    >>> m = np.array([[1, 0], [1, 1]])
    >>> density(m, proximity(m)).tolist()
    [[0.6666666666666666, 0.3333333333333333], [1.0, 1.0]]
    """
    arr, r_index, p_index = _as_dense(mcp, regions, products)
    phi = _user_proximity(proximity, p_index)
    with _blas_limit(1):
        dens, _ = _density_and_cog(arr, phi, None)
    return _like_input(dens, mcp, r_index, p_index)


@dataclass
class ComplexityResult:
    """Output of :func:`complexity`.

    Attributes
    ----------
    eci : Series (region) — economic complexity index, standardised (mean 0, std 1 over regions).
    pci : Series (product) — product complexity index, on the ECI scale.
    rca : DataFrame region × product — Balassa RCA.
    mcp : DataFrame region × product — 1.0 where RCA ≥ threshold, else 0.0.
    diversity, ubiquity : Series — row and column sums of ``mcp``.
    proximity : DataFrame product × product or None.
    density : DataFrame region × product or None.
    coi : Series (region) or None — complexity outlook index, standardised.
    cog : DataFrame region × product or None — complexity outlook gain (0 where Mcp = 1).
    eigenvalue : the second largest eigenvalue of ``M~cc'``.
    threshold : RCA threshold used for ``mcp``.
    convention : ``"py-ecomplexity"`` or ``"stata"`` (see :func:`complexity`).
    """

    eci: pd.Series
    pci: pd.Series
    rca: pd.DataFrame
    mcp: pd.DataFrame
    diversity: pd.Series
    ubiquity: pd.Series
    proximity: pd.DataFrame | None = None
    density: pd.DataFrame | None = None
    coi: pd.Series | None = None
    cog: pd.DataFrame | None = None
    eigenvalue: float = float("nan")
    threshold: float = 1.0
    convention: str = "py-ecomplexity"

    @property
    def regions(self) -> pd.Index:
        return self.eci.index

    @property
    def products(self) -> pd.Index:
        return self.pci.index

    def region_table(self) -> pd.DataFrame:
        """One row per region: ``rank`` (1 = highest ECI; equal ECIs share the best rank),
        ``eci``, ``diversity``, ``coi``; sorted by ECI (descending)."""
        out = pd.DataFrame({"eci": self.eci, "diversity": self.diversity})
        if self.coi is not None:
            out["coi"] = self.coi
        out = out.sort_values("eci", ascending=False, na_position="last", kind="mergesort")
        out.insert(0, "rank", pd.array(_ranks_desc(out["eci"]), dtype="Int64"))
        return out

    def product_table(self) -> pd.DataFrame:
        """One row per product: ``pci``, ``ubiquity``; sorted by PCI (descending)."""
        out = pd.DataFrame({"pci": self.pci, "ubiquity": self.ubiquity})
        return out.sort_values("pci", ascending=False, na_position="last")

    def long_table(self) -> pd.DataFrame:
        """Long table region × product with ``rca``, ``mcp``, ``density``, ``cog``, ``pci``."""
        idx = pd.MultiIndex.from_product([self.regions, self.products])
        cols: dict[str, np.ndarray] = {
            "rca": self.rca.to_numpy().ravel(),
            "mcp": self.mcp.to_numpy().ravel(),
        }
        if self.density is not None:
            cols["density"] = self.density.to_numpy().ravel()
        if self.cog is not None:
            cols["cog"] = self.cog.to_numpy().ravel()
        cols["pci"] = np.tile(self.pci.to_numpy(), len(self.regions))
        cols["eci"] = np.repeat(self.eci.to_numpy(), len(self.products))
        return pd.DataFrame(cols, index=idx).reset_index()


def _user_proximity(prox: Any, p_index: pd.Index) -> np.ndarray:
    """Align a user-supplied (e.g. international) proximity matrix or edge list to ``p_index``.

    Missing pairs are 0 and missing diagonal entries 1, as in ``ecomplexity``.
    """
    if isinstance(prox, pd.DataFrame) and {"prod1", "prod2", "proximity"} <= set(prox.columns):
        prox = prox.pivot_table(index="prod1", columns="prod2", values="proximity", aggfunc="first")
    if isinstance(prox, pd.DataFrame):
        phi = prox.reindex(index=p_index, columns=p_index).to_numpy(dtype=np.float64, copy=True)
    else:
        phi = np.array(prox, dtype=np.float64)
        if phi.shape != (len(p_index), len(p_index)):
            raise ValueError(
                f"proximity must be {len(p_index)} × {len(p_index)}, got {phi.shape}; "
                "pass a labelled DataFrame to align by product code"
            )
    diag = np.diagonal(phi).copy()
    diag[np.isnan(diag)] = 1.0
    phi[np.isnan(phi)] = 0.0
    np.fill_diagonal(phi, diag)
    return phi


def complexity(
    matrix: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    *,
    threshold: float = 1.0,
    proximity_matrix: Any = None,
    relatedness: bool = True,
    convention: str = "py-ecomplexity",
    blas_threads: int | None = 1,
    threads: int | None = None,
) -> ComplexityResult:
    """RCA, Mcp, diversity, ubiquity, ECI, PCI and (optionally) proximity, density, COI and COG.

    ECI/PCI by the eigenvector method (Hidalgo & Hausmann 2009; see the module docstring for the
    exact definitions). The sign is fixed so that ECI correlates positively with diversity. Both
    indices are dimensionless and standardised with the mean and standard deviation of the raw
    ECI.

    Complexity outlook (Hausmann et al., Atlas of Economic Complexity):
    ``COI_c = sum_p w_cp (1 - Mcp) PCI~_p`` standardised over regions, and
    ``COG_cp = (1 - Mcp) sum_p' (1 - Mcp') phi_pp' PCI~_p' / sum_q phi_p'q`` divided by the std of
    the raw ECI, where ``PCI~`` is the raw signed product eigenvector.

    Two conventions (``convention``):

    * ``"py-ecomplexity"`` (default) — the Growth Lab's Python package ``ecomplexity``:
      ``Mcp = 1`` where ``RCA >= threshold``; proximity diagonal 1 (a product is fully proximate to
      itself, so density counts the product's own specialisation); ECI, PCI, COG and COI
      standardised with the population standard deviation (``ddof=0``) over regions.
    * ``"stata"`` — the Growth Lab's Stata command ``ecomplexity``: ``Mcp = 1`` where
      ``RCA > threshold`` (strictly); proximity diagonal 0 in proximity, density, COI and COG;
      standard deviations with ``ddof=1`` over the stacked rows of the long region × product table
      (each region counted once per product with positive total export), as Stata's ``egen``
      computes them. Verified against the Stata outputs of the ``py-ecomplexity`` test fixtures.

    Parameters
    ----------
    matrix : region × product export values (DataFrame, ndarray, scipy sparse matrix, or the
        tuple of :func:`export_matrix`). Values in any currency unit; must be finite and
        non-negative. A sparse matrix stays sparse until the dense outputs are written.
    regions, products : labels for array input.
    threshold : RCA threshold of ``Mcp`` (positive).
    proximity_matrix : None (proximity from the regions' own co-specialisation) or a user-supplied
        product × product matrix, e.g. from international country-level data: a DataFrame labelled
        by product code, an edge list with ``prod1, prod2, proximity``, or an aligned ndarray.
        Used as given (its diagonal too) under both conventions.
    relatedness : compute proximity, density, COI and COG (False: only RCA and ECI/PCI).
    convention : ``"py-ecomplexity"`` or ``"stata"`` (above).
    blas_threads : BLAS threads used inside (default 1: the dense products here are thin — their
        inner dimension is the number of regions — and multi-threading them mostly adds overhead,
        badly so on a busy machine); None keeps the global setting.
    threads : threads for the blocked sparse × dense products of large matrices (default: the
        number of CPUs, at most 4; 1 = none).

    Memory and time: nothing larger than products × products (proximity) or regions × products
    (RCA, Mcp, density, COG: the outputs) is formed. With few regions (up to 128) the regional
    proximity is applied through ubiquity levels (cost ~ regions² × products); otherwise through
    blocked sparse × dense products (cost ~ Mcp non-zeros × products) on ``threads`` threads
    (SciPy's sparse kernels release the GIL). New arrays are placed on ordinary memory pages
    during the call, not NumPy's transparent huge pages, whose first use in a process may stall
    on memory compaction; see ``benchmarks/complexity.py``.

    Example
    -------
    >>> x = np.array([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]])
    >>> res = complexity(x, regions=["A", "B", "C"])
    >>> res.diversity.tolist(), res.density.loc["B"].round(2).tolist()
    ([2.0, 3.0, 2.0], [0.5, 0.8, 0.8, 1.0])
    >>> stata = complexity(x, regions=["A", "B", "C"], convention="stata")  # B: RCA(p3) = 1
    >>> stata.diversity.tolist(), stata.density.loc["B"].round(2).tolist()
    ([2.0, 2.0, 2.0], [0.5, 0.5, 0.0, 1.0])
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {list(CONVENTIONS)}, got {convention!r}")
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    x, r_index, p_index = _as_sparse(matrix, regions, products)
    n_threads = min(4, os.cpu_count() or 1) if threads is None else max(1, int(threads))
    with _blas_limit(blas_threads), _small_pages():
        return _complexity(
            x, r_index, p_index, threshold, proximity_matrix, relatedness, convention, n_threads
        )


def _complexity(
    x: sp.csr_matrix,
    r_index: pd.Index,
    p_index: pd.Index,
    threshold: float,
    proximity_matrix: Any,
    relatedness: bool,
    convention: str = "py-ecomplexity",
    threads: int = 1,
    *,
    path: str = "auto",
    dense_max: int | None = None,
) -> ComplexityResult:
    """The computation behind :func:`complexity`; ``path`` (``"auto"``, ``"levels"`` or
    ``"sparse"``) and ``dense_max`` choose the algorithms (tests compare them)."""
    stata = convention == "stata"
    rca_csr = _rca_sparse(x)
    mcp_csr = _mcp_sparse(rca_csr, threshold, strict=stata)
    div = np.asarray(mcp_csr.sum(axis=1)).ravel()
    ubi = np.asarray(mcp_csr.sum(axis=0)).ravel()
    exported = int((np.asarray(x.sum(axis=0)).ravel() > 0).sum())
    eci, pci, kc, kp, lam, scale = _eci_pci(
        mcp_csr, div, ubi, stata=stata, n_product_rows=exported, dense_max=dense_max
    )
    rca_arr = _to_dense(rca_csr)
    del rca_csr
    mcp = _to_dense(mcp_csr)

    prox_df = dens_df = cog_df = coi_s = None
    if relatedness:
        if path == "auto":
            path = "levels" if len(r_index) <= _LEVEL_PATH_MAX_REGIONS else "sparse"
        if proximity_matrix is not None:
            phi = _user_proximity(proximity_matrix, p_index)
            dens, cog_raw, coi_raw = _relatedness_sparse(mcp_csr, phi, kp, threads)
        elif path == "levels":
            phi = _proximity_dense(mcp, ubi, threads)
            if stata:
                np.fill_diagonal(phi, 0.0)
            dens, cog_raw = _density_and_cog(mcp, None, kp, ubi, zero_diag=stata)
            kp0 = np.where(np.isfinite(kp), kp, 0.0)
            coi_raw = np.nansum(dens * (1.0 - mcp) * kp0[None, :], axis=1)
        else:
            phi = _proximity_sparse(mcp_csr, ubi, threads, zero_diag=stata)
            dens, cog_raw, coi_raw = _relatedness_sparse(mcp_csr, phi, kp, threads, True)
        valid = div > 0
        coi = np.full(len(r_index), np.nan)
        if valid.sum() > 1:
            c = coi_raw[valid]
            spread = _stacked_std(c, exported) if stata else c.std()
            with np.errstate(divide="ignore", invalid="ignore"):
                coi[valid] = (c - c.mean()) / spread
        cog_raw /= scale
        prox_df = pd.DataFrame(phi, index=p_index, columns=p_index.copy(), copy=False)
        dens_df = pd.DataFrame(dens, index=r_index, columns=p_index, copy=False)
        cog_df = pd.DataFrame(cog_raw, index=r_index, columns=p_index, copy=False)
        coi_s = pd.Series(coi, index=r_index, name="coi")

    return ComplexityResult(
        eci=pd.Series(eci, index=r_index, name="eci"),
        pci=pd.Series(pci, index=p_index, name="pci"),
        rca=pd.DataFrame(rca_arr, index=r_index, columns=p_index, copy=False),
        mcp=pd.DataFrame(mcp, index=r_index, columns=p_index, copy=False),
        diversity=pd.Series(div, index=r_index, name="diversity"),
        ubiquity=pd.Series(ubi, index=p_index, name="ubiquity"),
        proximity=prox_df,
        density=dens_df,
        coi=coi_s,
        cog=cog_df,
        eigenvalue=lam,
        threshold=float(threshold),
        convention=convention,
    )


# ----------------------------------------------------------------------------------------------
# Other methods and diagnostics: Fitness-Complexity, log-supermodularity, bootstrap ranks
# ----------------------------------------------------------------------------------------------


def _ranks_desc(values: pd.Series | np.ndarray, decimals: int = 10) -> np.ndarray:
    """Competition ranks, largest first (1, 2, 2, 4): values equal to ``decimals`` places — the
    same Mcp rows give ECIs that differ only by floating-point noise — share the best rank; NaN
    stays NaN."""
    s = pd.Series(np.asarray(values, dtype=float)).round(decimals)
    return s.rank(method="min", ascending=False).to_numpy()


def fitness_complexity(
    mcp: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> tuple[pd.Series, pd.Series, int]:
    """Fitness of regions and complexity of products (Tacchella et al. 2012, Sci. Rep. 2:723).

    Iterates ``F~_c = sum_p Mcp Q_p`` and ``Q~_p = 1 / sum_c Mcp / F_c``, each normalised to mean 1
    (``F = F~ / mean(F~)``, ``Q = Q~ / mean(Q~)``), from ``F = Q = 1``. **Convergence rule**: stop
    at the first iteration whose largest absolute change of any normalised ``F_c`` or ``Q_p`` is
    below ``tol`` (values have mean 1, so this is a change relative to the average); after ``max_iter`` iterations a warning says the values have not converged (for
    matrices that are not perfectly nested some fitnesses keep shrinking towards 0 — their ranks
    are still meaningful). Regions and products without any Mcp = 1 get NaN. Both are
    dimensionless, mean 1 over the regions / products that have one.

    Returns ``(fitness, complexity, iterations)``.

    Example
    -------
    >>> f, q, n = fitness_complexity(np.array([[1, 1, 0, 0], [0, 1, 1, 1], [1, 0, 1, 0]]))
    >>> f.round(3).tolist(), q.round(3).tolist(), n < 1000
    ([0.429, 2.143, 0.429], [0.279, 0.465, 0.465, 2.791], True)
    """
    arr, r_index, p_index = _as_dense(mcp, regions, products)
    m = (arr > 0).astype(np.float64)
    rv, pv = m.sum(axis=1) > 0, m.sum(axis=0) > 0
    sub = m[np.ix_(rv, pv)]
    fit = np.ones(sub.shape[0])
    cpx = np.ones(sub.shape[1])
    n = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for step in range(1, max_iter + 1):
            n = step
            f_new = sub @ cpx
            q_new = 1.0 / (sub.T @ (1.0 / fit))
            f_new /= f_new.mean()
            q_new /= q_new.mean()
            change = max(float(np.max(np.abs(f_new - fit))), float(np.max(np.abs(q_new - cpx))))
            fit, cpx = f_new, q_new
            if change < tol:
                break
        else:
            warnings.warn(
                f"fitness-complexity: no convergence to {tol:g} after {max_iter} iterations",
                stacklevel=2,
            )
    f_out = np.full(len(r_index), np.nan)
    q_out = np.full(len(p_index), np.nan)
    f_out[rv], q_out[pv] = fit, cpx
    return (
        pd.Series(f_out, index=r_index, name="fitness"),
        pd.Series(q_out, index=p_index, name="complexity"),
        n,
    )


def log_supermodular_share(
    result: ComplexityResult, *, samples: int = 200_000, seed: int = 0
) -> float:
    """Share of pairs of regions and pairs of products that satisfy log-supermodularity, the
    check of ``ecomplexity`` (Growth Lab, "structural ranking of economic complexity").

    For regions ``i'`` (higher ECI) and ``i`` and products ``j'`` (higher PCI) and ``j`` the pair
    satisfies it when ``RCA_i'j' / RCA_i'j > RCA_ij' / RCA_ij`` — the more complex region has
    relatively more of the more complex product; a ratio with a zero denominator counts as 0, as in
    ``ecomplexity`` (so a less complex region that does not export the complex product, the nested
    case, satisfies it). Pairs with equal ECI or PCI are not compared. Exact when there are at most
    ``samples`` such quadruples, otherwise estimated from ``samples`` random ones (seeded; the
    standard error is at most ``0.5 / sqrt(samples)``). A share near 1 means ECI and PCI order
    the export matrix consistently. Dimensionless, in [0, 1].
    """
    ok_r = np.isfinite(result.eci.to_numpy())
    ok_p = np.isfinite(result.pci.to_numpy())
    rca_arr = result.rca.to_numpy()[np.ix_(ok_r, ok_p)]
    eci = result.eci.to_numpy()[ok_r]
    pci = result.pci.to_numpy()[ok_p]
    n_r, n_p = len(eci), len(pci)
    if n_r < 2 or n_p < 2:
        return float("nan")
    if n_r * (n_r - 1) * n_p * (n_p - 1) / 4 <= samples:
        a, b = np.triu_indices(n_r, 1)
        c, d = np.triu_indices(n_p, 1)
        a, c = np.repeat(a, len(c)), np.tile(c, len(a))
        b, d = np.repeat(b, len(d)), np.tile(d, len(b))
    else:
        rng = np.random.default_rng(seed)
        a, b = rng.integers(0, n_r, samples), rng.integers(0, n_r, samples)
        c, d = rng.integers(0, n_p, samples), rng.integers(0, n_p, samples)
    hi = eci[a] > eci[b]  # i' = the region with the higher ECI
    ip, i = np.where(hi, a, b), np.where(hi, b, a)
    hj = pci[c] > pci[d]
    jp, j = np.where(hj, c, d), np.where(hj, d, c)
    valid = (eci[a] != eci[b]) & (pci[c] != pci[d])
    if not valid.any():
        return float("nan")
    ip, i, jp, j = ip[valid], i[valid], jp[valid], j[valid]
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.nan_to_num(rca_arr[ip, jp] / rca_arr[ip, j], nan=0.0, posinf=0.0, neginf=0.0)
        right = np.nan_to_num(rca_arr[i, jp] / rca_arr[i, j], nan=0.0, posinf=0.0, neginf=0.0)
    return float((left > right).mean())


def eci_diagnostics(result: ComplexityResult, *, samples: int = 200_000, seed: int = 0) -> dict:
    """Checks of the ECI/PCI ranking: the log-supermodular share (:func:`log_supermodular_share`)
    and Spearman rank correlations of ECI with diversity (expected positive: complex regions
    export many products) and of PCI with ubiquity (expected negative: complex products are
    exported by few regions). Returns ``log_supermodular_share, eci_diversity_rho,
    pci_ubiquity_rho, n_regions, n_products`` (dimensionless; NaN where undefined).

    Example
    -------
    >>> x = np.array([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]])
    >>> d = eci_diagnostics(complexity(x))
    >>> round(d["eci_diversity_rho"], 3), round(d["pci_ubiquity_rho"], 3)
    (1.0, -0.816)
    """
    from scipy.stats import spearmanr

    def rho(a: pd.Series, b: pd.Series) -> float:
        both = pd.concat([a, b], axis=1).astype(float).dropna().round(10)
        if len(both) < 3 or both.nunique().min() < 2:
            return float("nan")
        return float(spearmanr(both.iloc[:, 0], both.iloc[:, 1])[0])

    return {
        "log_supermodular_share": log_supermodular_share(result, samples=samples, seed=seed),
        "eci_diversity_rho": rho(result.eci, result.diversity),
        "pci_ubiquity_rho": rho(result.pci, result.ubiquity),
        "n_regions": int(result.eci.notna().sum()),
        "n_products": int(result.pci.notna().sum()),
    }


def diagnostics_note(diag: dict, lang: str = "en") -> str:
    """One sentence (``lang``) on what the :func:`eci_diagnostics` values mean for this data."""
    from exportlab.labels import number, t

    share, r_div, r_ubi = (
        diag["log_supermodular_share"],
        diag["eci_diversity_rho"],
        diag["pci_ubiquity_rho"],
    )
    signs_ok = r_div > 0 and r_ubi < 0
    values = {
        "share": number(share, ".0%", lang),
        "rd": number(r_div, ".2f", lang),
        "ru": number(r_ubi, ".2f", lang),
    }
    text = t(
        "{share} of region and product pairs are log-supermodular, ECI correlates with "
        "diversity at ρ = {rd} and PCI with ubiquity at ρ = {ru}: ",
        "{share} пар регионов и товаров логарифмически супермодулярны, ECI коррелирует с "
        "диверсифицированностью с ρ = {rd}, PCI с повсеместностью с ρ = {ru}: ",
        lang,
    ).format(**values)
    if signs_ok and share >= 0.5:
        return text + t(
            "the ranking is consistent with the export matrix (diverse regions make rare products).",
            "ранжирование согласуется с матрицей экспорта (диверсифицированные регионы производят "
            "редкие товары).",
            lang,
        )
    if signs_ok:
        return text + t(
            "diverse regions do make rare products, as ECI assumes, but fewer than half of the pairs "
            "order their export values consistently: read small differences of ECI with care.",
            "диверсифицированные регионы действительно производят редкие товары, как предполагает ECI, "
            "но меньше половины пар согласованно упорядочивают стоимости экспорта: небольшие различия "
            "ECI толкуйте осторожно.",
            lang,
        )
    return text + t(
        "the matrix is not nested enough for ECI to rank capabilities reliably; read it with care.",
        "матрица недостаточно вложена, чтобы ECI надёжно ранжировал возможности; "
        "толковать его следует осторожно.",
        lang,
    )


def bootstrap_eci_ranks(
    matrix: Any,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    *,
    n_boot: int = 200,
    level: float = 0.9,
    seed: int = 0,
    threshold: float = 1.0,
    convention: str = "py-ecomplexity",
) -> pd.DataFrame:
    """Bootstrap intervals for the ECI ranks of regions, resampling products.

    Each of ``n_boot`` replicates draws the products (columns) with replacement (seeded), computes
    RCA and ECI on the resampled matrix and ranks the regions (1 = highest ECI; equal values share
    the best rank). The interval is the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of a
    region's replicate ranks: how much its rank depends on which products happen to be in the
    classification. Returns ``region, rank, rank_low, rank_high, eci`` sorted by rank.
    """
    x, r_index, p_index = _as_sparse(matrix, regions, products)
    with _blas_limit(1):
        base = _complexity(x, r_index, p_index, threshold, None, False, convention)
    rng = np.random.default_rng(seed)
    n_prod = x.shape[1]
    x_csc = x.tocsc()
    ranks = np.full((n_boot, x.shape[0]), np.nan)
    cols = pd.RangeIndex(n_prod, name="product")
    with warnings.catch_warnings(), _blas_limit(1):
        warnings.simplefilter("ignore")
        for b in range(n_boot):
            take = rng.integers(0, n_prod, n_prod)
            res = _complexity(
                x_csc[:, take].tocsr(), r_index, cols, threshold, None, False, convention
            )
            ranks[b] = _ranks_desc(res.eci)
    lo, hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN columns: regions never ranked
        out = pd.DataFrame(
            {
                "region": r_index,
                "rank": _ranks_desc(base.eci),
                "rank_low": np.nanquantile(ranks, lo, axis=0),
                "rank_high": np.nanquantile(ranks, hi, axis=0),
                "eci": base.eci.to_numpy(),
            }
        )
    return out.sort_values(["rank", "region"], kind="mergesort").reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# Against the world: regions measured with world (country-level) export shares, PCI, proximity
# ----------------------------------------------------------------------------------------------

#: Columns of the world export table (BACI / UN Comtrade-like tidy layout), see docs/data_formats.md.
WORLD_COLUMNS: tuple[str, ...] = ("year", "exporter", "product", "value")


def read_world_trade(path: str | Any) -> pd.DataFrame:
    """A world export table: one row per ``year, exporter, product`` (CSV or Parquet).

    Columns ``year`` (integer), ``exporter`` (country code, text), ``product`` (HS code, text:
    leading zeros kept) and ``value`` (export value, any currency unit, non-negative); other
    columns (e.g. ``importer``, ``quantity``) are allowed and ignored; rows repeating a
    ``year, exporter, product`` (bilateral data) are summed by :func:`world_reference`. A missing
    column or a value that is not a non-negative number stops with the file, line and column.
    """
    name = str(getattr(path, "name", path))
    if name.lower().endswith((".parquet", ".pq")):
        raw = pd.read_parquet(path)
        raw.columns = [str(c).strip() for c in raw.columns]
        offset = 1  # Parquet rows are reported 1-based
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        raw.columns = [str(c).strip() for c in raw.columns]
        offset = 2  # the header is line 1
    missing = [c for c in WORLD_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(WORLD_COLUMNS)}"
        )
    out = pd.DataFrame(
        {
            "exporter": raw["exporter"].astype(str).str.strip(),
            "product": raw["product"].astype(str).str.strip(),
        }
    )
    for col in ("year", "value"):
        num = pd.to_numeric(raw[col], errors="coerce")
        bad = num.isna() | (num < 0) | ((num % 1 != 0) if col == "year" else False)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            what = "an integer year" if col == "year" else "a non-negative number"
            raise ValueError(
                f"{name}, line {i + offset}, column {col!r}: {raw[col].iloc[i]!r} is not {what}"
            )
        out[col] = num.astype(np.int64 if col == "year" else np.float64).to_numpy()
    return out[list(WORLD_COLUMNS)]


@dataclass
class WorldReference:
    """World (country-level) reference of :func:`world_reference`.

    ``share`` (product → share of world export, sums to 1), ``pci`` (world PCI on the world ECI
    scale), ``kp`` (raw signed product eigenvector), ``proximity`` (world product × product),
    ``kc_std`` (std of the raw world ECI), ``coi_mean`` / ``coi_std`` (moments of the raw world
    COI), and ``countries`` (the world :class:`ComplexityResult`).
    """

    share: pd.Series
    pci: pd.Series
    kp: pd.Series
    proximity: pd.DataFrame
    kc_std: float
    coi_mean: float
    coi_std: float
    countries: ComplexityResult


def world_reference(
    world: pd.DataFrame,
    year: int | Iterable[int] | None = None,
    *,
    threshold: float = 1.0,
    convention: str = "py-ecomplexity",
) -> WorldReference:
    """World export shares, PCI and proximity from a country × product table (``year, exporter,
    product, value``; :func:`read_world_trade`), for :func:`complexity_vs_world`.

    The countries' RCA, ECI/PCI, proximity and COI are those of :func:`complexity` on the
    country × product matrix of ``year`` (several years are summed; None: every row).
    """
    w = world
    if year is not None:
        years = [year] if np.isscalar(year) else list(year)
        w = w[w["year"].isin(years)]
    if w.empty:
        raise ValueError(f"the world table has no rows for year {year}")
    table = pd.DataFrame(
        {"region": w["exporter"].astype(str), "hs6": w["product"].astype(str), "v": w["value"]}
    )
    x, countries, prods = _as_sparse(export_matrix(table, None, flow=None, value="v"))
    res = complexity((x, countries, prods), threshold=threshold, convention=convention)
    col = np.asarray(x.sum(axis=0)).ravel()
    stata = convention == "stata"
    mcp = sp.csr_matrix(res.mcp.to_numpy())
    div, ubi = res.diversity.to_numpy(), res.ubiquity.to_numpy()
    with warnings.catch_warnings(), _blas_limit(1):
        warnings.simplefilter("ignore")  # already reported by complexity()
        _, _, _, kp, _, scale = _eci_pci(
            mcp, div, ubi, stata=stata, n_product_rows=int((col > 0).sum())
        )
    _, _, coi_raw = _relatedness_sparse(mcp, res.proximity.to_numpy(), kp, 1, True)
    c = coi_raw[div > 0]
    spread = _stacked_std(c, int((col > 0).sum())) if stata else c.std()
    return WorldReference(
        share=pd.Series(col / col.sum(), index=prods, name="share"),
        pci=res.pci,
        kp=pd.Series(kp, index=prods, name="kp"),
        proximity=res.proximity,
        kc_std=float(scale),
        coi_mean=float(c.mean()),
        coi_std=float(spread),
        countries=res,
    )


def complexity_vs_world(
    matrix: Any,
    world: WorldReference,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    *,
    threshold: float = 1.0,
    min_coverage: float = 0.5,
    threads: int | None = None,
) -> ComplexityResult:
    """Regions measured against the world: RCA with world export shares, density and COG with the
    world proximity, PCI of the world (Atlas of Economic Complexity practice for subnational units).

    * ``RCA_cp = (X_cp / X_c) / (W_p / W)`` with ``W`` the world (country-level) export
      (:func:`world_reference`); ``Mcp = 1`` where ``RCA >= threshold`` (``>`` under the Stata
      convention of ``world``).
    * ``PCI`` = the world PCI; a region's ``ECI`` = the mean world PCI of its Mcp = 1 products (the
      identity that holds for countries), so regions sit on the countries' ECI scale.
    * density, COG and COI as in :func:`complexity` with the world proximity and the world product
      eigenvector; COG divided by the std of the raw world ECI, COI standardised with the world
      countries' COI moments. Density lies in [0, 1].

    Products of the regional matrix missing from the world table get RCA 0, no PCI and no
    proximity; no product in common is an error, less than ``min_coverage`` of them a warning.
    ``diversity`` and ``ubiquity`` count the regions' own Mcp.

    Example
    -------
    >>> wt = pd.DataFrame({"year": 2020, "exporter": ["X", "X", "Y", "Y", "Z", "Z"],
    ...                    "product": ["a", "b", "b", "c", "a", "c"],
    ...                    "value": [6.0, 2.0, 4.0, 4.0, 2.0, 6.0]})
    >>> ref = world_reference(wt)
    >>> res = complexity_vs_world(np.array([[3.0, 1.0, 0.0]]), ref, ["R"], ["a", "b", "c"])
    >>> res.rca.round(3).values.tolist()
    [[2.25, 1.0, 0.0]]
    """
    x, r_index, p_index = _as_sparse(matrix, regions, products)
    p_text = pd.Index(p_index.astype(str), name=p_index.name)
    covered = p_text.isin(world.share.index)
    if not covered.any():
        raise ValueError(
            f"the world table shares no product code with the data (e.g. data {p_text[0]!r}, "
            f"world {world.share.index[0]!r}): check the product level (hs4/hs6) and edition"
        )
    if covered.mean() < min_coverage:
        warnings.warn(
            f"the world table covers only {covered.mean():.0%} of the products; the others get "
            "RCA 0 and no PCI",
            stacklevel=2,
        )
    share = world.share.reindex(p_text).fillna(0.0).to_numpy()
    row = np.asarray(x.sum(axis=1)).ravel()
    ri = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    with np.errstate(divide="ignore", invalid="ignore"):
        data = (x.data / row[ri]) / share[x.indices]
    data[~np.isfinite(data)] = 0.0
    rca_csr = sp.csr_matrix((data, x.indices.copy(), x.indptr.copy()), shape=x.shape)
    stata = world.countries.convention == "stata"
    mcp_csr = _mcp_sparse(rca_csr, threshold, strict=stata)
    phi = world.proximity.reindex(index=p_text, columns=p_text).fillna(0.0).to_numpy()
    kp = world.kp.reindex(p_text).to_numpy()
    pci = world.pci.reindex(p_text).to_numpy()
    n_threads = min(4, os.cpu_count() or 1) if threads is None else max(1, int(threads))
    dens, cog, coi_raw = _relatedness_sparse(mcp_csr, phi, kp, n_threads, True)
    cog /= world.kc_std
    mcp = mcp_csr.toarray()
    has = mcp * np.isfinite(pci)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        eci = (has @ np.nan_to_num(pci)) / has.sum(axis=1)
        coi = (coi_raw - world.coi_mean) / world.coi_std
    coi[has.sum(axis=1) == 0] = np.nan
    return ComplexityResult(
        eci=pd.Series(eci, index=r_index, name="eci"),
        pci=pd.Series(pci, index=p_index, name="pci"),
        rca=pd.DataFrame(rca_csr.toarray(), index=r_index, columns=p_index),
        mcp=pd.DataFrame(mcp, index=r_index, columns=p_index),
        diversity=pd.Series(mcp.sum(axis=1), index=r_index, name="diversity"),
        ubiquity=pd.Series(mcp.sum(axis=0), index=p_index, name="ubiquity"),
        proximity=pd.DataFrame(phi, index=p_index, columns=p_index.copy()),
        density=pd.DataFrame(dens, index=r_index, columns=p_index),
        coi=pd.Series(coi, index=r_index, name="coi"),
        cog=pd.DataFrame(cog, index=r_index, columns=p_index),
        eigenvalue=world.countries.eigenvalue,
        threshold=float(threshold),
        convention=world.countries.convention,
    )


# ----------------------------------------------------------------------------------------------
# Opportunities, benchmarking
# ----------------------------------------------------------------------------------------------


def product_classes(
    trade_classified: pd.DataFrame, *, level: str = "hs6", names: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Product metadata for :func:`opportunities` from the classified trade table (stage 02).

    For each product at ``level``: ``hightech_group`` = the high-tech group (``group`` column) with
    the largest value among the product's rows, kept only when high-tech rows carry at least half
    of the product's value; ``resource`` = the resource class (``energy``/``raw``/``nne``) with the
    largest value. All flows and years are used (classes do not depend on them). ``names``: product
    names (:func:`exportlab.classify.read_product_names`) added as ``name_en`` / ``name_ru``.

    Example
    -------
    >>> t = pd.DataFrame({"hs6": ["880240", "880260", "270900"], "value_usd": [5.0, 1.0, 9.0],
    ...                   "group": ["aerospace", "aerospace", None],
    ...                   "resource": ["nne", "nne", "energy"]})
    >>> product_classes(t, level="hs4").to_dict("index")["8802"]
    {'hightech_group': 'aerospace', 'resource': 'nne'}
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {sorted(LEVELS)}, got {level!r}")
    df = pd.DataFrame(
        {
            "product": trade_classified["hs6"].astype(str).str.slice(0, LEVELS[level]),
            "value": pd.to_numeric(trade_classified.get("value_usd", 1.0)),
        }
    )
    out = pd.DataFrame(index=pd.Index(sorted(df["product"].unique()), name="product"))
    total = df.groupby("product")["value"].sum()
    if "group" in trade_classified.columns:
        g = df.assign(group=trade_classified["group"].to_numpy()).dropna(subset=["group"])
        by = g.groupby(["product", "group"])["value"].sum().reset_index()
        top = by.sort_values(["product", "value", "group"], ascending=[True, False, True])
        top = top.drop_duplicates("product").set_index("product")
        ht_share = g.groupby("product")["value"].sum() / total
        ok = ht_share.reindex(top.index).fillna(0) >= 0.5
        out["hightech_group"] = top.loc[ok, "group"].reindex(out.index)
    if "resource" in trade_classified.columns:
        r = df.assign(resource=trade_classified["resource"].to_numpy()).dropna(subset=["resource"])
        by = r.groupby(["product", "resource"])["value"].sum().reset_index()
        top = by.sort_values(["product", "value", "resource"], ascending=[True, False, True])
        out["resource"] = top.drop_duplicates("product").set_index("product")["resource"]
    if names is not None:
        from exportlab.classify import product_names

        out = out.join(product_names(out.index, names))
    return out


def _pct_rank(s: pd.Series) -> pd.Series:
    if len(s) <= 1:
        return pd.Series(1.0, index=s.index)
    return (s.rank(method="average") - 1) / (len(s) - 1)


def opportunities(
    result: ComplexityResult,
    region: str,
    products_meta: pd.DataFrame | None = None,
    *,
    top: int | None = 20,
    weight: float = 0.5,
    hightech_only: bool = False,
) -> pd.DataFrame:
    """Ranked diversification opportunities of one region.

    Candidates are the products the region is not yet specialised in (``Mcp = 0``: not exported,
    or exported with RCA < threshold) with a defined PCI and density. Each gets

    ``score = weight * pct_rank(density) + (1 - weight) * pct_rank(PCI)``

    where ``pct_rank`` is the percentile rank (0 = lowest, 1 = highest) among the region's
    candidates: "close to what the region already does" and "complex" count equally by default.
    Dimensionless, in [0, 1].

    Parameters
    ----------
    result : a :class:`ComplexityResult` with relatedness (``complexity(..., relatedness=True)``).
    region : region label (a row of ``result.rca``).
    products_meta : optional DataFrame indexed by product code (or with a ``product``/``hs6``/
        ``hs4``/``hs2`` column) holding ``hightech_group`` (or ``group``) and/or ``resource`` and
        optional name columns (``name``, ``name_en``, ``name_ru``...); see :func:`product_classes`.
    top : number of rows to return (None: all candidates).
    weight : weight of density in the score, in [0, 1].
    hightech_only : keep only high-tech candidates (requires ``hightech_group`` in the metadata).

    Returns
    -------
    DataFrame sorted by ``score``: ``rank, product, rca, exported, density, pci, cog, score`` and,
    with metadata, ``hightech_group, hightech, resource, nne`` plus name columns.

    Example
    -------
    >>> x = np.array([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]])
    >>> res = complexity(x, regions=["A", "B", "C"], products=["p1", "p2", "p3", "p4"])
    >>> opportunities(res, "A")["product"].tolist()
    ['p4', 'p3']
    """
    if result.density is None:
        raise ValueError("result has no density: call complexity(..., relatedness=True)")
    if region not in result.rca.index:
        raise KeyError(f"region {region!r} is not in the matrix")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight}")
    df = pd.DataFrame(
        {
            "rca": result.rca.loc[region],
            "mcp": result.mcp.loc[region],
            "density": result.density.loc[region],
            "pci": result.pci,
        }
    )
    if result.cog is not None:
        df["cog"] = result.cog.loc[region]
    df.index.name = "product"
    df["exported"] = df["rca"] > 0
    df = df[(df["mcp"] == 0) & df["pci"].notna() & df["density"].notna()].drop(columns="mcp")
    if products_meta is not None:
        meta = products_meta
        if not meta.index.isin(result.products).any():
            for col in ("product", "hs6", "hs4", "hs2"):
                if col in meta.columns:
                    meta = meta.set_index(col)
                    break
        meta = meta[~meta.index.duplicated()]
        if "hightech_group" not in meta.columns and "group" in meta.columns:
            meta = meta.rename(columns={"group": "hightech_group"})
        keep = [c for c in ("hightech_group", "resource", *_LABEL_COLUMNS) if c in meta.columns]
        df = df.join(meta[keep], how="left")
        if "hightech_group" in df.columns:
            df["hightech"] = df["hightech_group"].notna()
        if "resource" in df.columns:
            df["nne"] = df["resource"] == "nne"
    if hightech_only:
        if "hightech" not in df.columns:
            raise ValueError("hightech_only needs products_meta with a 'hightech_group' column")
        df = df[df["hightech"]]
    df["score"] = weight * _pct_rank(df["density"]) + (1.0 - weight) * _pct_rank(df["pci"])
    df = df.reset_index().sort_values(
        ["score", "pci", "product"], ascending=[False, False, True], kind="mergesort"
    )
    first = ["product", "rca", "exported", "density", "pci", "cog", "score"]
    cols = [c for c in first if c in df.columns] + [c for c in df.columns if c not in first]
    df = df[cols].reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df if top is None else df.head(top)


def similar_regions(
    matrix: Any,
    region: str,
    top: int | None = 5,
    *,
    regions: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Regions whose export structure is most similar to ``region`` (the EU S3 Platform's
    benchmarking of structurally similar regions, on export structure).

    ``sim(a, b) = s_a · s_b / (|s_a| |s_b|)`` with ``s_c = X_c / sum_p X_cp`` the product-share vector;
    cosine similarity, dimensionless, in [0, 1] for non-negative data (1 = identical structure).
    Regions without export are left out; the region itself is not listed.

    Parameters
    ----------
    matrix : region × product values (as for :func:`rca`); a sparse matrix is used as is.
    region : the reference region.
    top : number of regions to return (None: all).

    Returns
    -------
    DataFrame ``rank, region, similarity`` sorted by similarity (descending, ties by label).

    Example
    -------
    >>> x = pd.DataFrame([[1, 0, 1], [2, 0, 2], [0, 1, 0]], index=["A", "B", "C"])
    >>> similar_regions(x, "A")["region"].tolist()
    ['B', 'C']
    """
    if isinstance(matrix, tuple) and len(matrix) == 3:
        matrix, regions, products = matrix
    if sp.issparse(matrix):
        mat = sp.csr_matrix(matrix, dtype=np.float64)
        r_index = pd.RangeIndex(mat.shape[0]) if regions is None else pd.Index(regions)
    else:
        arr, r_index, _ = _as_dense(matrix, regions, products)
        mat = sp.csr_matrix(arr)
    if region not in r_index:
        raise KeyError(f"region {region!r} is not in the matrix")
    i = r_index.get_loc(region)
    totals = np.asarray(mat.sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = sp.diags(np.where(totals > 0, 1.0 / totals, 0.0)) @ mat
    norms = np.sqrt(np.asarray(shares.multiply(shares).sum(axis=1)).ravel())
    if norms[i] == 0:
        raise ValueError(f"region {region!r} has no export")
    dots = np.asarray((shares @ shares[i].T).todense()).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = dots / (norms * norms[i])
    sim = np.clip(sim, 0.0, 1.0)
    out = pd.DataFrame({"region": r_index, "similarity": sim})
    out = out[(np.arange(len(out)) != i) & (norms > 0)]
    out = out.sort_values(["similarity", "region"], ascending=[False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out if top is None else out.head(top)


# ----------------------------------------------------------------------------------------------
# Sectors of export, resource regions (seed 004)
# ----------------------------------------------------------------------------------------------


def load_sector_mapping(path: str | None = None) -> pd.DataFrame:
    """The sector mapping table: ``priority, sector, rule, value, note``.

    Default: the package file ``exportlab/data/sector_mix.csv`` (documented in
    ``sector_mix.md``). Rules: ``notnull`` (``value`` = a column name: rows where it is set),
    ``equals`` (``value`` = ``column=class``), ``hs_prefix`` (``value`` = leading HS digits).
    A row of trade takes the sector of the first matching rule in ``priority`` order;
    unmatched rows are ``other``.
    """
    if path is None:
        ref = resources.files("exportlab") / "data" / "sector_mix.csv"
        with ref.open("r", encoding="utf-8") as fh:
            table = pd.read_csv(fh, dtype=str, comment="#")
    else:
        table = pd.read_csv(path, dtype=str, comment="#")
    return _check_mapping(table)


def _check_mapping(table: pd.DataFrame) -> pd.DataFrame:
    need = {"priority", "sector", "rule", "value"}
    if not need <= set(table.columns):
        raise ValueError(f"sector mapping needs columns {sorted(need)}")
    table = table.copy()
    table["priority"] = table["priority"].astype(int)
    bad = set(table["sector"]) - set(SECTORS)
    if bad:
        raise ValueError(f"unknown sector(s) in mapping: {sorted(bad)}; allowed: {list(SECTORS)}")
    bad_rules = set(table["rule"]) - {"notnull", "equals", "hs_prefix"}
    if bad_rules:
        raise ValueError(f"unknown rule(s) in mapping: {sorted(bad_rules)}")
    return table.sort_values("priority", kind="mergesort").reset_index(drop=True)


def classify_sectors(trade: pd.DataFrame, mapping: pd.DataFrame | None = None) -> pd.Series:
    """Sector of each row of the (classified) trade table, one of :data:`SECTORS`.

    Example
    -------
    >>> t = pd.DataFrame({"hs6": ["880240", "270900", "730820", "490199", "010121"],
    ...                   "group": ["aerospace", None, None, None, None],
    ...                   "resource": ["nne", "energy", "nne", "nne", "nne"]})
    >>> classify_sectors(t).tolist()
    ['high_tech', 'raw_material', 'infrastructure', 'knowledge_intensive', 'other']
    """
    table = load_sector_mapping() if mapping is None else _check_mapping(mapping)
    sector = np.full(len(trade), "other", dtype=object)
    open_ = np.ones(len(trade), dtype=bool)
    hs = trade["hs6"].astype(str) if "hs6" in trade.columns else None
    for _, grp in table.groupby("priority", sort=True):
        names = grp["sector"].unique()
        if len(names) != 1:
            raise ValueError("each priority level must map to exactly one sector")
        hit = np.zeros(len(trade), dtype=bool)
        for rule, rows in grp.groupby("rule"):
            values = rows["value"].astype(str).str.strip().tolist()
            if rule == "notnull":
                for col in values:
                    if col in trade.columns:
                        hit |= trade[col].notna().to_numpy()
            elif rule == "equals":
                for spec in values:
                    col, _, cls = spec.partition("=")
                    if col in trade.columns:
                        hit |= (trade[col] == cls).fillna(False).to_numpy(dtype=bool)
            elif hs is not None:
                hit |= hs.str.startswith(tuple(values)).to_numpy(dtype=bool)
        take = hit & open_
        sector[take] = names[0]
        open_ &= ~take
    return pd.Series(sector, index=trade.index, name="sector")


def sector_mix(
    trade_classified: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "region",
    flow: str | None = "export",
    mapping: pd.DataFrame | None = None,
    shares: bool = True,
) -> pd.DataFrame:
    """Each region's export by sector of a resource region's economy (seed 004).

    Sectors (:data:`SECTORS`): ``raw_material`` (energy and raw classes of stage 02),
    ``infrastructure`` (construction materials, pipes and structures, power and rail equipment),
    ``high_tech`` (any OECD high-tech group), ``knowledge_intensive`` (publishing, recorded media,
    teaching apparatus), ``other``; the mapping is ``exportlab/data/sector_mix.csv`` (reasons in
    ``sector_mix.md``), or any table with the same columns.

    ``share_cs = 100 * X_cs / sum_s X_cs`` (percent of the region's export) or, with
    ``shares=False``, the values ``X_cs`` in the unit of ``value_usd``.

    Returns
    -------
    DataFrame indexed by ``by`` with one column per sector, in :data:`SECTORS` order
    (``by=None``: a single row ``"all"``, the mix of all regions together).

    Example
    -------
    >>> t = pd.DataFrame({"region": ["A", "A"], "hs6": ["270900", "880240"], "flow": "export",
    ...                   "value_usd": [3.0, 1.0], "group": [None, "aerospace"],
    ...                   "resource": ["energy", "nne"]})
    >>> sector_mix(t).loc["A", ["raw_material", "high_tech"]].tolist()
    [75.0, 25.0]
    """
    df = trade_classified
    if flow is not None and "flow" in df.columns:
        df = df[df["flow"] == flow]
    if by is None:  # one row for all regions together
        df = df.assign(scope="all")
        by = "scope"
    keys = [by] if isinstance(by, str) else list(by)
    grouped = (
        df.assign(sector=classify_sectors(df, mapping).to_numpy())
        .groupby([*keys, "sector"], observed=True)["value_usd"]
        .sum()
        .unstack("sector")
        .reindex(columns=list(SECTORS))
        .fillna(0.0)
    )
    grouped.columns.name = "sector"
    if shares:
        total = grouped.sum(axis=1)
        grouped = grouped.div(total.where(total > 0), axis=0) * 100.0
    return grouped


def resource_regions(
    indicators: pd.DataFrame | None = None,
    trade_classified: pd.DataFrame | None = None,
    *,
    threshold: float = 30.0,
    period: tuple[int, int] = (2009, 2019),
    how: str = "mean",
    export_threshold: float = 50.0,
    indicator: str = "mining_share_grp_pct",
    combine: str = "grp_first",
) -> pd.DataFrame:
    """Identify resource (raw-material) regions.

    Two criteria:

    * **GRP** (seed 004): the mining share of GRP (indicator ``mining_share_grp_pct``, percent)
      over ``period`` (inclusive) exceeds ``threshold``: its mean over the available years
      (``how="mean"``) or every available year (``how="all"``).
    * **export structure**: energy and raw classes (``resource`` in ``energy``/``raw``) make up more
      than ``export_threshold`` percent of the region's export (all years of ``trade_classified``;
      filter it first for a period).

    ``combine``: ``"grp_first"`` (default) — the GRP criterion where the region has GRP data,
    otherwise the export criterion; ``"any"`` / ``"all"`` — either / both available criteria.

    Parameters
    ----------
    indicators : long indicator table ``region, year, indicator, value`` (or None).
    trade_classified : classified trade table with ``region, flow, value_usd, resource`` (or None).

    Returns
    -------
    DataFrame indexed by region: ``mining_share_pct`` (mean, or minimum for ``how="all"``),
    ``n_years``, ``by_grp``, ``raw_export_share_pct``, ``by_export``, ``resource_region``
    (booleans; ``by_grp``/``by_export`` are missing where the data are).

    Example
    -------
    >>> ind = pd.DataFrame({"region": ["A", "A", "B", "B"], "year": [2010, 2011, 2010, 2011],
    ...                     "indicator": "mining_share_grp_pct", "value": [35.0, 40.0, 5.0, 6.0]})
    >>> resource_regions(ind)["resource_region"].to_dict()
    {'A': True, 'B': False}
    """
    if indicators is None and trade_classified is None:
        raise ValueError("pass indicators (GRP structure) and/or trade_classified")
    if how not in ("mean", "all"):
        raise ValueError(f"how must be 'mean' or 'all', got {how!r}")
    if combine not in ("grp_first", "any", "all"):
        raise ValueError(f"combine must be 'grp_first', 'any' or 'all', got {combine!r}")
    parts = []
    if indicators is not None:
        ind = indicators[indicators["indicator"] == indicator]
        lo, hi = period
        ind = ind[(ind["year"] >= lo) & (ind["year"] <= hi)].dropna(subset=["value"])
        g = ind.groupby("region")["value"]
        stat = g.mean() if how == "mean" else g.min()
        grp = pd.DataFrame({"mining_share_pct": stat, "n_years": g.size()})
        grp["by_grp"] = grp["mining_share_pct"] > threshold
        parts.append(grp)
    if trade_classified is not None:
        t = exports(trade_classified, needs=("region", "value_usd", "resource"), positive=False)
        raw = t["resource"].isin(RESOURCE_SPECIALISATION).to_numpy()
        val = pd.to_numeric(t["value_usd"]).to_numpy(dtype=np.float64)
        agg = pd.DataFrame({"region": t["region"].to_numpy(), "raw": val * raw, "all": val})
        agg = agg.groupby("region")[["raw", "all"]].sum()
        share = 100.0 * agg["raw"] / agg["all"].where(agg["all"] > 0)
        exp = pd.DataFrame({"raw_export_share_pct": share})
        exp["by_export"] = exp["raw_export_share_pct"] > export_threshold
        parts.append(exp)
    out = pd.concat(parts, axis=1).sort_index()
    out.index.name = "region"
    for col in ("mining_share_pct", "n_years", "by_grp", "raw_export_share_pct", "by_export"):
        if col not in out.columns:
            out[col] = pd.NA
    out["n_years"] = out["n_years"].astype("Int64")
    out["by_grp"] = out["by_grp"].astype("boolean")
    out["by_export"] = out["by_export"].astype("boolean")
    if combine == "grp_first":
        res = out["by_grp"].fillna(out["by_export"])
    elif combine == "any":
        res = out["by_grp"].fillna(False) | out["by_export"].fillna(False)
    else:
        res = out["by_grp"].fillna(True) & out["by_export"].fillna(True)
        res &= out["by_grp"].notna() | out["by_export"].notna()
    out["resource_region"] = res.fillna(False).astype(bool)
    return out[
        [
            "mining_share_pct",
            "n_years",
            "by_grp",
            "raw_export_share_pct",
            "by_export",
            "resource_region",
        ]
    ]


# ----------------------------------------------------------------------------------------------
# Stage tables: bilingual headers, region names, ECI vs DAED, sector mix
# ----------------------------------------------------------------------------------------------

#: Table headers: column → :class:`~exportlab.labels.Label`, for :func:`exportlab.tables.write_table`.
HEADERS: dict[str, Label] = {
    **vocabulary("complexity.HEADERS"),
    **{
        key: {"en": f"{lab['en']}, % of export", "ru": f"{lab['ru']}, % экспорта"}
        for key, lab in SECTOR_LABELS.items()
    },
}


def _yes_no(values: pd.Series, lang: str) -> pd.Series:
    """Booleans as ``yes``/``no`` (``да``/``нет``) text; missing values as ``—``."""
    from exportlab.labels import t

    yes, no = t("yes", "да", lang), t("no", "нет", lang)
    return pd.Series(
        [("—" if pd.isna(v) else (yes if bool(v) else no)) for v in values],
        index=values.index,
        dtype=object,
    )


def _insert_names(df: pd.DataFrame, lang: str, after: str = "region") -> pd.DataFrame:
    out = df.copy()
    pos = list(out.columns).index(after) + 1
    out.insert(pos, "region_name", [region_label(r, lang) for r in out[after]])
    return out


def read_proximity(
    path: str | Any,
    products: Sequence[str] | None = None,
    *,
    min_coverage: float = 0.5,
) -> pd.DataFrame:
    """A user-supplied product proximity matrix (e.g. from international country-level data).

    The file (CSV or Parquet) is either an edge list ``prod1, prod2, proximity`` (one triangle is
    enough: the matrix is made symmetric) or a square matrix whose first column holds the product
    codes and whose header holds the same codes. Codes are read as text (leading zeros kept);
    proximities are probabilities in [0, 1]. With ``products`` (e.g. ``result.products`` or the
    columns of :func:`export_matrix`) the coverage is checked: no product in common is an error
    (usually an HS4 matrix against HS6 products or the reverse), less than ``min_coverage`` of the
    products a warning. Pass the result to ``complexity(..., proximity_matrix=...)``.

    Example
    -------
    >>> import io
    >>> read_proximity(io.StringIO("prod1,prod2,proximity\\n0101,0201,0.4\\n")).loc["0201", "0101"]
    np.float64(0.4)
    """
    name = str(getattr(path, "name", path))
    if name.lower().endswith((".parquet", ".pq")):
        raw = pd.read_parquet(path)
        raw.columns = [str(c) for c in raw.columns]
        if not {"prod1", "prod2", "proximity"} <= set(raw.columns):
            first = raw.columns[0]
            if not pd.api.types.is_numeric_dtype(raw[first]):
                raw = raw.set_index(first)
            raw.index = raw.index.astype(str)
    else:
        raw = pd.read_csv(path, dtype=str)
    if {"prod1", "prod2", "proximity"} <= set(raw.columns):
        edges = raw[["prod1", "prod2", "proximity"]].astype({"prod1": str, "prod2": str})
        val = pd.to_numeric(edges["proximity"], errors="raise")
        both = pd.concat(
            [
                pd.DataFrame({"a": edges["prod1"], "b": edges["prod2"], "v": val}),
                pd.DataFrame({"a": edges["prod2"], "b": edges["prod1"], "v": val}),
            ]
        )
        phi = both.pivot_table(index="a", columns="b", values="v", aggfunc="max")
    else:
        if isinstance(raw.index, pd.RangeIndex):
            raw = raw.set_index(raw.columns[0])
        phi = raw.apply(pd.to_numeric, errors="raise")
        phi.index = phi.index.astype(str).str.strip()
        phi.columns = pd.Index([str(c).strip() for c in phi.columns])
        if set(phi.index) != set(phi.columns):
            raise ValueError(
                "proximity matrix: the codes of the first column and of the header differ"
            )
    phi = phi.astype(np.float64)
    phi.index.name, phi.columns.name = "product", "product"
    vals = phi.to_numpy()
    if ((vals[np.isfinite(vals)] < 0) | (vals[np.isfinite(vals)] > 1)).any():
        raise ValueError("proximity values must lie in [0, 1]")
    if products is not None:
        prods = pd.Index(products).astype(str)
        covered = prods.isin(phi.index).mean() if len(prods) else 1.0
        if covered == 0:
            raise ValueError(
                f"the proximity matrix shares no product code with the data (e.g. data "
                f"{prods[0]!r}, matrix {phi.index[0]!r}): check the product level (hs4/hs6)"
            )
        if covered < min_coverage:
            warnings.warn(
                f"the proximity matrix covers only {covered:.0%} of the products; the others "
                "get zero proximity",
                stacklevel=2,
            )
    return phi


def complexity_regions(
    result: ComplexityResult,
    daed: pd.DataFrame | None = None,
    *,
    year: int | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Regions by ECI, with the stage-04 DAED index and region type beside it for comparison.

    Columns: ``rank, region, region_name, eci, diversity, coi`` and, with ``daed`` (the table of
    stage 04: ``region, year, daed_index, rank, type``; rows of ``year`` are used),
    ``daed_index, daed_rank, type, type_name``. ECI and COI are dimensionless (standardised over
    regions), diversity is a count of products. Sorted by ECI, descending.

    Example
    -------
    >>> x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]], index=["A", "B", "C"])
    >>> complexity_regions(complexity(x))["region"].tolist()
    ['B', 'A', 'C']
    """
    out = result.region_table().rename_axis("region").reset_index()
    out = out[["rank", "region", *[c for c in out.columns if c not in ("rank", "region")]]]
    out = _insert_names(out, lang)
    out["diversity"] = out["diversity"].round().astype("Int64")
    if daed is not None:
        from exportlab.typology import type_label

        d = daed
        if year is not None and "year" in d.columns:
            d = d[d["year"] == year]
        d = d.drop_duplicates("region").set_index("region")
        keys = out["region"]
        out["daed_index"] = keys.map(d["daed_index"]).astype(float).to_numpy()
        if "rank" in d.columns:
            out["daed_rank"] = keys.map(d["rank"]).astype("Int64").to_numpy()
        if "type" in d.columns:
            types = keys.map(d["type"]).astype("Int64")
            out["type"] = types.to_numpy()
            out["type_name"] = [type_label(int(k), lang) if pd.notna(k) else "—" for k in types]
    return out.reset_index(drop=True)


def eci_daed_correlation(table: pd.DataFrame) -> dict[str, float]:
    """Spearman rank correlation of ECI and the DAED index over the regions having both.

    ``rho`` = Pearson correlation of the ranks (ties share their mean rank); dimensionless, in
    [-1, 1]. ``table``: the output of :func:`complexity_regions` with ``daed``. Returns
    ``{"rho": ..., "p_value": ..., "n": ...}`` (NaN rho with fewer than three regions).
    """
    from scipy.stats import spearmanr

    if "daed_index" not in table.columns:
        raise ValueError("table has no daed_index: pass the DAED table to complexity_regions")
    # rounded so that regions with the same Mcp row (equal ECI up to floating-point noise) tie
    both = table[["eci", "daed_index"]].astype(float).dropna().round(10)
    if len(both) < 3:
        return {"rho": float("nan"), "p_value": float("nan"), "n": float(len(both))}
    rho, p = spearmanr(both["eci"], both["daed_index"])
    return {"rho": float(rho), "p_value": float(p), "n": float(len(both))}


def opportunities_table(opp: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The output of :func:`opportunities` for readers: labels instead of codes and flags.

    High-tech group ids become their names (:data:`exportlab.classify.GROUP_LABELS`, ``—`` when
    none), the ``nne`` and ``exported`` flags become yes/no; ``hightech`` and ``resource`` columns
    are dropped (the group and the NNE flag say it). Product names, when the metadata had them,
    become one ``name`` column in ``lang`` (the other language where ``lang``'s is missing).
    Numeric columns are unchanged.
    """
    from exportlab.labels import check_lang

    check_lang(lang)
    out = _reader_names(
        opp.drop(columns=[c for c in ("hightech", "resource") if c in opp.columns]), lang
    )
    for col in ("nne", "exported"):
        if col in out.columns:
            out[col] = _yes_no(out[col], lang)
    first = ["rank", "product", "name", "hightech_group", "nne", "exported"]
    cols = [c for c in first if c in out.columns] + [c for c in out.columns if c not in first]
    return out[cols].reset_index(drop=True)


def _reader_names(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Product names as one ``name`` column in ``lang`` (the other language where ``lang``'s is
    missing, ``—`` where none), high-tech group ids and resource classes by their names."""
    from exportlab.classify import group_label, resource_label

    out = table.copy()
    other = "ru" if lang == "en" else "en"
    order = [f"name_{lang}", f"label_{lang}", "name", "label", f"name_{other}", f"label_{other}"]
    found = [c for c in order if c in out.columns]
    if found:
        name = out[found[0]]
        for col in found[1:]:
            name = name.fillna(out[col])
        out = out.drop(columns=found)
        out["name"] = name.fillna("—")
    for col, label in (("hightech_group", group_label), ("resource", resource_label)):
        if col in out.columns:
            out[col] = [label(v, lang) if isinstance(v, str) else "—" for v in out[col]]
    return out


def products_table(
    result: ComplexityResult, products_meta: pd.DataFrame | None = None, lang: str = "en"
) -> pd.DataFrame:
    """The products by complexity, for readers: ``product`` (code), ``name`` (one column in
    ``lang``), ``pci`` (dimensionless, standardised), ``ubiquity`` (regions with RCA ≥ 1) and,
    from ``products_meta`` (:func:`product_classes`), the high-tech group and the resource class by
    their names in ``lang`` (``—`` where none). Sorted by PCI, descending.

    Example
    -------
    >>> x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]], index=["A", "B", "C"],
    ...                  columns=["8517", "3004", "2709", "8802"])
    >>> meta = pd.DataFrame({"hightech_group": ["electronics_telecom", None, None, None],
    ...                      "resource": ["nne", "nne", "energy", "nne"]}, index=x.columns)
    >>> table = products_table(complexity(x), meta, "ru")
    >>> table.loc[0, "product"], int(table.loc[0, "ubiquity"]), table.loc[0, "resource"]
    ('8802', 1, 'Несырьевые неэнергетические товары')
    """
    from exportlab.labels import check_lang

    check_lang(lang)
    out = result.product_table().rename_axis("product").reset_index()
    out["ubiquity"] = out["ubiquity"].round().astype("Int64")
    if products_meta is not None:
        out = out.join(products_meta, on="product")
    out = _reader_names(out, lang)
    first = ["product", "name", "pci", "ubiquity", "hightech_group", "resource"]
    cols = [c for c in first if c in out.columns] + [c for c in out.columns if c not in first]
    return out[cols].reset_index(drop=True)


def similar_table(
    similar: pd.DataFrame, result: ComplexityResult | None = None, lang: str = "en"
) -> pd.DataFrame:
    """The output of :func:`similar_regions` with region names and, given ``result``, each
    region's ECI and diversity (what a benchmarking partner already does)."""
    out = _insert_names(similar, lang)
    if result is not None:
        out["eci"] = out["region"].map(result.eci).to_numpy()
        out["diversity"] = out["region"].map(result.diversity).round().astype("Int64").to_numpy()
    return out.reset_index(drop=True)


def resource_table(
    flags: pd.DataFrame, lang: str = "en", *, resource_only: bool = False
) -> pd.DataFrame:
    """The output of :func:`resource_regions` for readers: one row per region with its name,
    yes/no flags, resource regions first (by mining share of GRP, then by raw export share).

    ``resource_only``: keep only the resource regions (chosen on the boolean ``resource_region``
    before it becomes text, so the choice never depends on the language).

    >>> flags = pd.DataFrame({"mining_share_pct": [45.0, 10.0], "n_years": [3, 3],
    ...                       "by_grp": [True, False], "raw_export_share_pct": [80.0, 20.0],
    ...                       "by_export": [True, False], "resource_region": [True, False]},
    ...                      index=["RU-KEM", "RU-TA"])
    >>> resource_table(flags, "ru", resource_only=True)[["region", "resource_region"]].values.tolist()
    [['RU-KEM', 'да']]
    """
    if resource_only:
        flags = flags[flags["resource_region"].astype("boolean").fillna(False).to_numpy(bool)]
    out = flags.rename_axis("region").reset_index()
    out = out.sort_values(
        ["resource_region", "mining_share_pct", "raw_export_share_pct", "region"],
        ascending=[False, False, False, True],
        na_position="last",
        kind="mergesort",
    )
    out = _insert_names(out, lang)
    for col in ("by_grp", "by_export", "resource_region"):
        out[col] = _yes_no(out[col], lang)
    return out.reset_index(drop=True)


def sector_mix_table(
    trade_classified: pd.DataFrame,
    *,
    resource: pd.Series | None = None,
    mapping: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Each region's export (million USD) and its sector mix (percent, :func:`sector_mix`).

    Columns: ``region, region_name, export_musd``, one share column per sector of
    :data:`SECTORS` (they sum to 100 for a region with export) and, given ``resource`` (a boolean
    Series indexed by region, e.g. ``resource_regions(...)["resource_region"]``),
    ``resource_region`` as yes/no. Sorted by the raw-material share, descending.
    """
    values = sector_mix(trade_classified, mapping=mapping, shares=False)
    shares = sector_mix(trade_classified, mapping=mapping, shares=True)
    out = shares.copy()
    out.insert(0, "export_musd", values.sum(axis=1) / 1e6)
    out.columns.name = None
    out = out.rename_axis("region").reset_index()
    out = out.sort_values(["raw_material", "region"], ascending=[False, True], kind="mergesort")
    out = _insert_names(out, lang)
    if resource is not None:
        flags = out["region"].map(resource.astype("boolean"))
        out["resource_region"] = _yes_no(flags, lang).to_numpy()
    return out.reset_index(drop=True)
