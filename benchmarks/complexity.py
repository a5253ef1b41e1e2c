"""Benchmark of exportlab.complexity against the ecomplexity package (Harvard Growth Lab).

A seeded, random but realistic region × product export matrix (default 89 regions × 5,000 HS6
products: nested sparsity — large regions export more products, common products are exported by more
regions — and lognormal values) goes through

* ``exportlab.complexity.complexity`` — RCA, Mcp, diversity/ubiquity, ECI/PCI, proximity, density,
  COI/COG — timed as the best of ``--repeat`` runs;
* ``ecomplexity.ecomplexity`` (the same quantities; log-supermodularity check off, as exportlab does not
  compute it) and ``ecomplexity.proximity`` (for the proximity values) — timed once by default.

Then it checks that RCA, ECI, PCI, proximity, density, COI and COG agree to ``--tol`` (1e-9) and prints
one JSON object on its last line:
``seconds, ecomplexity_seconds, speedup_vs_ecomplexity, max_abs_diff, max_abs_diff_by, ok, ...``.

ecomplexity is an optional dependency (``pip install -e .[bench]``); when it is missing the benchmark
installs it with pip into the running environment (``--no-install`` to skip; then only our timing is
reported). Usage::

    .venv/bin/python benchmarks/complexity.py                 # 89 × 5,000
    .venv/bin/python benchmarks/complexity.py --products 1000 # quicker comparison
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import json
import platform
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from exportlab import complexity as cx


def make_matrix(n_regions: int, n_products: int, seed: int) -> sp.csr_matrix:
    """Nested sparse matrix with lognormal values (US dollars)."""
    rng = np.random.default_rng(seed)
    size = rng.normal(0.0, 1.0, n_regions)  # region "size / capability"
    common = rng.normal(0.0, 1.0, n_products)  # product "commonness"
    logit = -1.3 + 1.2 * size[:, None] + 1.0 * common[None, :]
    present = rng.random((n_regions, n_products)) < 1.0 / (1.0 + np.exp(-logit))
    values = rng.lognormal(mean=12.0 + 1.5 * size[:, None], sigma=2.0, size=present.shape)
    return sp.csr_matrix(np.where(present, values, 0.0))


def ensure_ecomplexity(install: bool):
    try:
        return importlib.import_module("ecomplexity")
    except ImportError:
        if not install:
            return None
    print("installing the optional dependency ecomplexity ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "ecomplexity"], check=True)
    importlib.invalidate_caches()
    return importlib.import_module("ecomplexity")


def time_ours(mat: sp.csr_matrix, regions, products, repeat: int):
    best = np.inf
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = cx.complexity(mat, regions, products)
        best = min(best, time.perf_counter() - t0)
    return best, result


def run_ecomplexity(ecx, long: pd.DataFrame, repeat: int):
    cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    best = np.inf
    out = None
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = ecx.ecomplexity(long, cols, verbose=False, check_logsupermodularity=False)
            best = min(best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        prox = ecx.proximity(long, cols)
        prox_seconds = time.perf_counter() - t0
    return best, out, prox, prox_seconds


def compare(result: cx.ComplexityResult, out: pd.DataFrame, prox: pd.DataFrame) -> dict:
    """Max absolute differences per quantity (NaN-aware: NaN must match NaN)."""
    regions, products = result.regions, result.products
    out = out.set_index(["region", "product"])

    def grid(col):
        return out[col].unstack("product").reindex(index=regions, columns=products).to_numpy()

    def per_region(col):
        return out[col].groupby(level="region").first().reindex(regions).to_numpy()

    def per_product(col):
        return out[col].groupby(level="product").first().reindex(products).to_numpy()

    prox_theirs = (
        prox.pivot(index="product_1", columns="product_2", values="proximity")
        .reindex(index=products, columns=products)
        .to_numpy()
    )
    pairs = {
        "rca": (result.rca.to_numpy(), grid("rca")),
        "mcp": (result.mcp.to_numpy(), grid("mcp")),
        "eci": (result.eci.to_numpy(), per_region("eci")),
        "pci": (result.pci.to_numpy(), per_product("pci")),
        "diversity": (result.diversity.to_numpy(), per_region("diversity")),
        "ubiquity": (result.ubiquity.to_numpy(), per_product("ubiquity")),
        "density": (result.density.to_numpy(), grid("density")),
        "proximity": (result.proximity.to_numpy(), prox_theirs),
        "coi": (result.coi.to_numpy(), per_region("coi")),
        "cog": (result.cog.to_numpy(), grid("cog")),
    }
    diffs = {}
    for name, (ours, theirs) in pairs.items():
        ours = np.asarray(ours, dtype=float)
        theirs = np.asarray(theirs, dtype=float)
        if not np.array_equal(np.isnan(ours), np.isnan(theirs)):
            diffs[name] = float("inf")
            continue
        ok = ~np.isnan(ours)
        diffs[name] = float(np.max(np.abs(ours[ok] - theirs[ok]))) if ok.any() else 0.0
    return diffs


def write_fixture(ecx, path: str, seed: int) -> None:
    """Store ecomplexity's outputs for a small seeded matrix (12 regions × 30 products) as the CSV
    fixture of tests/test_complexity.py, for environments without the package."""
    mat = make_matrix(12, 30, seed).toarray()
    mat = mat[:, mat.sum(axis=0) > 0][mat.sum(axis=1) > 0]
    regions = [f"R{i:02d}" for i in range(mat.shape[0])]
    products = [f"{100000 + j:06d}" for j in range(mat.shape[1])]
    rows, cols = np.nonzero(mat)
    long = pd.DataFrame(
        {
            "year": 2020,
            "region": np.asarray(regions)[rows],
            "product": np.asarray(products)[cols],
            "value": mat[rows, cols],
        }
    )
    spec = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        out = ecx.ecomplexity(long, spec, verbose=False, check_logsupermodularity=False)
    keep = ["region", "product", "value", "rca", "mcp", "eci", "pci", "density", "coi", "cog"]
    out = out[keep].sort_values(["region", "product"]).reset_index(drop=True)
    version = importlib.metadata.version("ecomplexity")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(
            f"# ecomplexity {version} outputs for benchmarks/complexity.py make_matrix(12, 30, "
            f"seed={seed}); regenerate with: python benchmarks/complexity.py --write-fixture {path}\n"
        )
        out.to_csv(fh, index=False, float_format="%.17g")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--regions", type=int, default=89)
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20190101)
    ap.add_argument("--repeat", type=int, default=5, help="runs of exportlab (best is reported)")
    ap.add_argument("--ecomplexity-repeat", type=int, default=1)
    ap.add_argument("--tol", type=float, default=1e-9)
    ap.add_argument("--no-install", action="store_true", help="do not pip-install ecomplexity")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit BLAS threads for both packages (default: the environment's setting); "
        "1 gives stable timings on a busy machine",
    )
    ap.add_argument(
        "--write-fixture",
        metavar="PATH",
        help="only write the small ecomplexity fixture for the tests (seed 11) and exit",
    )
    args = ap.parse_args(argv)
    if args.write_fixture:
        ecx = ensure_ecomplexity(install=not args.no_install)
        if ecx is None:
            print("ecomplexity is not available", file=sys.stderr)
            return 1
        write_fixture(ecx, args.write_fixture, seed=11)
        print(json.dumps({"fixture": args.write_fixture}))
        return 0

    if args.blas_threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.blas_threads, user_api="blas")

    mat = make_matrix(args.regions, args.products, args.seed)
    regions = pd.Index([f"R{i:02d}" for i in range(args.regions)], name="region")
    products = pd.Index([f"{100000 + j:06d}" for j in range(args.products)], name="product")
    # keep the comparison free of degenerate rows / columns (ecomplexity drops them)
    col_has = np.asarray((mat > 0).sum(axis=0)).ravel() > 0
    row_has = np.asarray((mat > 0).sum(axis=1)).ravel() > 0
    mat = mat[row_has][:, col_has]
    regions, products = regions[row_has], products[col_has]

    seconds, result = time_ours(mat, regions, products, args.repeat)
    report = {
        "benchmark": "complexity",
        "regions": int(mat.shape[0]),
        "products": int(mat.shape[1]),
        "nonzero_share": round(mat.nnz / (mat.shape[0] * mat.shape[1]), 4),
        "mcp_share": round(float(result.mcp.to_numpy().mean()), 4),
        "seed": args.seed,
        "seconds": round(seconds, 4),
        "repeat": args.repeat,
        "target_seconds": 1.0,
        "under_target": bool(seconds < 1.0),
        "blas_threads": args.blas_threads,
    }

    ecx = ensure_ecomplexity(install=not args.no_install)
    if ecx is None:
        report.update(
            ecomplexity_seconds=None, speedup_vs_ecomplexity=None, max_abs_diff=None, ok=None
        )
    else:
        coo = mat.tocoo()
        long = pd.DataFrame(
            {
                "year": 2020,
                "region": regions[coo.row],
                "product": products[coo.col],
                "value": coo.data,
            }
        )
        eseconds, out, prox, prox_seconds = run_ecomplexity(ecx, long, args.ecomplexity_repeat)
        diffs = compare(result, out, prox)
        worst = max(diffs.values())
        report.update(
            ecomplexity_version=importlib.metadata.version("ecomplexity"),
            ecomplexity_seconds=round(eseconds, 3),
            ecomplexity_proximity_seconds=round(prox_seconds, 3),
            speedup_vs_ecomplexity=round(eseconds / seconds, 1),
            target_speedup=50.0,
            max_abs_diff=worst,
            max_abs_diff_by=diffs,
            tol=args.tol,
            ok=bool(worst <= args.tol and eseconds / seconds >= 50.0 and seconds < 1.0),
        )
    report.update(
        python=platform.python_version(),
        numpy=np.__version__,
        pandas=pd.__version__,
        machine=platform.machine(),
    )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
