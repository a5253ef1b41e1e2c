"""Benchmark of exportlab.complexity over a size series, against the ecomplexity package.

A seeded, random but realistic region × product export matrix (nested sparsity — large regions export
more products, common products are exported by more regions — lognormal values, about ``--nonzero``
of the cells non-zero, 10 % by default) goes through ``exportlab.complexity.complexity`` (RCA, Mcp,
diversity/ubiquity, ECI/PCI, proximity, density, COI/COG) for each number of regions in the series
(89 Russian regions, 400, 1,000, 5,570 Brazilian municipalities; 5,000 HS6 products). Each size runs
in a fresh interpreter of its own, so its peak resident memory (the process's ``VmHWM``) is its own;
the matrix is written to a temporary ``.npz`` file first and only loaded there.

Where ``ecomplexity`` (the Harvard Growth Lab's Python package, the optional ``bench`` extra:
``pip install ecomplexity``) is asked to run (``--ecomplexity-max``: sizes up to that many regions;
it is slow — about two minutes at 89 × 5,000), another fresh interpreter times it once
(log-supermodularity check off) together with ``ecomplexity.proximity`` and reports the largest
absolute difference of every quantity from ours (NaN must match NaN), and the ratio of the times.

Prints a table on stderr and one JSON object on its last line (``sizes``: one entry per size with
``regions, products, nonzero_share, seconds, cpu_seconds, peak_mb, load_average, ecomplexity_seconds,
ratio, max_abs_diff, max_abs_diff_by`` and, with ``--phases``, ``phase_cpu_seconds``; ``ok``: targets
met — 89 regions under 0.3 s, 5,570 under 10 s and 4 GB, differences under ``--tol``). ``seconds``
is the best wall time of ``--repeat`` runs and ``cpu_seconds`` the CPU time (user + system, every
thread of the process) of that run, ``sys_seconds`` its system part; ``first_seconds``,
``first_cpu_seconds`` and ``first_sys_seconds`` are those of the first run, the one call a
pipeline makes in a fresh process (its memory comes from the kernel, not reused from an earlier
call). On a shared, loaded machine the wall time grows with the load while the CPU time stays
close to the work done, so both are reported, with the 1-minute load average during the size::

    .venv/bin/python benchmarks/complexity.py                        # short: 89 and 400 regions
    .venv/bin/python benchmarks/complexity.py --full                 # 89, 400, 1,000, 5,570
    .venv/bin/python benchmarks/complexity.py --full --phases        # and CPU s per phase
    .venv/bin/python benchmarks/complexity.py --sizes 89 --ecomplexity-max 89   # with ecomplexity
    .venv/bin/python benchmarks/complexity.py --sizes 400 --products 1000 --ecomplexity-max 400
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

SHORT = (89, 400)
FULL = (89, 400, 1000, 5570)
TARGETS = {89: (0.3, None), 5570: (10.0, 4096.0)}  # regions: (seconds, peak MB)

PEAK = """
with open("/proc/self/status") as _status:
    print("VMHWM", next(line.split()[1] for line in _status if line.startswith("VmHWM:")))
"""

OURS = """
import json, sys, time
import numpy as np, scipy.sparse as sp
from exportlab import complexity as cx
mat = sp.load_npz(sys.argv[1])
repeat, threads = int(sys.argv[2]), (None if sys.argv[3] == "auto" else int(sys.argv[3]))
import resource
best = cpu = float("inf")
first = None
for _ in range(repeat):
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    res = cx.complexity(mat, threads=threads)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
    user, system = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    if first is None:  # the first call of a fresh process: memory not yet reused
        first = {"seconds": wall, "cpu_seconds": user + system, "sys_seconds": system}
    if wall < best:
        best, cpu, sys_cpu = wall, user + system, system
    del res
phases = {}
if sys.argv[4] == "1":  # one more run under cProfile: CPU seconds (all threads) per phase
    import cProfile, pstats
    prof = cProfile.Profile(timer=time.process_time)
    prof.runcall(cx.complexity, mat, threads=threads)
    stats = pstats.Stats(prof).stats
    for (_, _, func), (_, _, _, cum, _) in stats.items():
        name = PHASES.get(func)
        if name:
            phases[name] = round(phases.get(name, 0.0) + cum, 3)
    order = list(dict.fromkeys(PHASES.values()))
    phases = {k: phases[k] for k in order if k in phases}
print("RESULT", json.dumps({"seconds": best, "cpu_seconds": cpu, "sys_seconds": sys_cpu,
      "first": first, "phases": phases}))
"""

#: Functions of exportlab.complexity timed as the phases of ``--phases``.
PHASES = {
    "_rca_sparse": "rca",
    "_mcp_sparse": "mcp",
    "_eci_pci": "eci_pci",
    "_proximity_sparse": "proximity",
    "_proximity_dense": "proximity",
    "_relatedness_sparse": "density_coi_cog",
    "_density_and_cog": "density_coi_cog",
}

THEIRS = """
import contextlib, importlib.metadata, json, sys, time, warnings
import numpy as np, pandas as pd, scipy.sparse as sp
import ecomplexity as ecx
from exportlab import complexity as cx
mat = sp.load_npz(sys.argv[1]).tocoo()
regions = np.array([f"R{i:04d}" for i in range(mat.shape[0])])
products = np.array([f"{100000 + j:06d}" for j in range(mat.shape[1])])
long = pd.DataFrame({"year": 2020, "region": regions[mat.row], "product": products[mat.col],
                     "value": mat.data})
cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    out = ecx.ecomplexity(long, cols, verbose=False, check_logsupermodularity=False)
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    prox = ecx.proximity(long, cols)
    prox_seconds = time.perf_counter() - t0
res = cx.complexity((mat.tocsr(), regions, products))
out = out.set_index(["region", "product"])
grid = lambda c: out[c].unstack("product").reindex(index=regions, columns=products).to_numpy()
first = lambda c, lvl, idx: out[c].groupby(level=lvl).first().reindex(idx).to_numpy()
phi = prox.pivot(index="product_1", columns="product_2", values="proximity")
pairs = {
    "rca": (res.rca, grid("rca")), "mcp": (res.mcp, grid("mcp")),
    "eci": (res.eci, first("eci", "region", regions)),
    "pci": (res.pci, first("pci", "product", products)),
    "diversity": (res.diversity, first("diversity", "region", regions)),
    "ubiquity": (res.ubiquity, first("ubiquity", "product", products)),
    "density": (res.density, grid("density")),
    "proximity": (res.proximity, phi.reindex(index=products, columns=products).to_numpy()),
    "coi": (res.coi, first("coi", "region", regions)), "cog": (res.cog, grid("cog")),
}
diffs = {}
for name, (a, b) in pairs.items():
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        diffs[name] = float("inf")
        continue
    ok = ~np.isnan(a)
    diffs[name] = float(np.max(np.abs(a[ok] - b[ok]))) if ok.any() else 0.0
print("RESULT", json.dumps({"ecomplexity_seconds": seconds, "proximity_seconds": prox_seconds,
      "version": importlib.metadata.version("ecomplexity"), "max_abs_diff_by": diffs}))
"""


def make_matrix(
    n_regions: int, n_products: int, seed: int, nonzero: float | None = None
) -> sp.csr_matrix:
    """Nested sparse matrix with lognormal values (US dollars).

    ``P(X_cp > 0) = logistic(a + 1.2 size_c + commonness_p)`` with standard normal region sizes and
    product commonness; ``a = -1.3`` or, given ``nonzero``, the intercept whose expected share of
    non-zero cells is ``nonzero`` (bisection). Built in row blocks, so memory stays small.
    """
    rng = np.random.default_rng(seed)
    size = rng.normal(0.0, 1.0, n_regions)  # region "size / capability"
    common = rng.normal(0.0, 1.0, n_products)  # product "commonness"
    intercept = -1.3 if nonzero is None else _intercept(size, common, nonzero)
    blocks = []
    for start in range(0, n_regions, 256):
        s = size[start : start + 256]
        logit = intercept + 1.2 * s[:, None] + 1.0 * common[None, :]
        present = rng.random(logit.shape) < 1.0 / (1.0 + np.exp(-logit))
        values = rng.lognormal(mean=12.0 + 1.5 * s[:, None], sigma=2.0, size=logit.shape)
        blocks.append(sp.csr_matrix(np.where(present, values, 0.0)))
    return sp.vstack(blocks, format="csr")


def _intercept(size: np.ndarray, common: np.ndarray, share: float) -> float:
    lo, hi = -20.0, 20.0
    sub = size[:: max(1, len(size) // 500)]  # expected share on a subsample of regions
    for _ in range(60):
        mid = (lo + hi) / 2
        p = 1.0 / (1.0 + np.exp(-(mid + 1.2 * sub[:, None] + common[None, :])))
        lo, hi = (mid, hi) if p.mean() < share else (lo, mid)
    return (lo + hi) / 2


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


def run(script: str, *args: str) -> dict:
    """Run ``script`` in a fresh interpreter; its RESULT JSON plus its peak RSS (MB)."""
    proc = subprocess.run(
        [sys.executable, "-c", script + PEAK, *args], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-3000:]}")
    out: dict = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            out.update(json.loads(line[7:]))
        elif line.startswith("VMHWM "):
            out["peak_mb"] = int(line.split()[1]) / 1024
    return out


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
    ap.add_argument("--sizes", help="comma-separated numbers of regions (default 89,400)")
    ap.add_argument("--full", action="store_true", help="the whole series 89,400,1000,5570")
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--nonzero", type=float, default=0.10, help="share of non-zero cells")
    ap.add_argument("--seed", type=int, default=20190101)
    ap.add_argument("--repeat", type=int, default=3, help="runs of exportlab (best is reported)")
    ap.add_argument("--threads", default="auto", help="threads of complexity() (default: auto)")
    ap.add_argument(
        "--ecomplexity-max",
        type=int,
        default=0,
        help="run ecomplexity for the sizes up to this many regions (default 0: never; slow)",
    )
    ap.add_argument(
        "--phases",
        action="store_true",
        help="one more run per size under cProfile: CPU seconds of RCA, Mcp, ECI/PCI, proximity "
        "and density/COI/COG",
    )
    ap.add_argument("--tol", type=float, default=1e-9)
    ap.add_argument("--no-install", action="store_true", help="do not pip-install ecomplexity")
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

    sizes = FULL if args.full else SHORT
    if args.sizes:
        sizes = tuple(int(s) for s in args.sizes.split(","))
    have_ecx = bool(args.ecomplexity_max) and (
        ensure_ecomplexity(install=not args.no_install) is not None
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            mat = make_matrix(n, args.products, args.seed + n, nonzero=args.nonzero)
            keep_r = np.diff(mat.indptr) > 0  # no empty rows / columns (ecomplexity drops them)
            mat = mat[keep_r]
            mat = mat[:, np.flatnonzero(np.bincount(mat.indices, minlength=mat.shape[1]))]
            path = str(Path(tmp) / f"x{n}.npz")
            sp.save_npz(path, mat)
            row = {
                "regions": int(mat.shape[0]),
                "products": int(mat.shape[1]),
                "nonzero_share": round(mat.nnz / (mat.shape[0] * mat.shape[1]), 4),
            }
            load = os.getloadavg()[0]
            ours = run(
                f"PHASES = {PHASES!r}\n" + OURS,
                path,
                str(args.repeat),
                str(args.threads),
                "1" if args.phases else "0",
            )
            row.update(
                seconds=round(ours["seconds"], 3),
                cpu_seconds=round(ours["cpu_seconds"], 3),
                sys_seconds=round(ours["sys_seconds"], 3),
                first_seconds=round(ours["first"]["seconds"], 3),
                first_cpu_seconds=round(ours["first"]["cpu_seconds"], 3),
                first_sys_seconds=round(ours["first"]["sys_seconds"], 3),
                peak_mb=round(ours["peak_mb"], 1),
                load_average=round((load + os.getloadavg()[0]) / 2, 2),
            )
            if ours["phases"]:
                row["phase_cpu_seconds"] = ours["phases"]
            if have_ecx and n <= args.ecomplexity_max:
                theirs = run(THEIRS, path)
                diffs = theirs["max_abs_diff_by"]
                row.update(
                    ecomplexity_seconds=round(theirs["ecomplexity_seconds"], 2),
                    ecomplexity_proximity_seconds=round(theirs["proximity_seconds"], 2),
                    ratio=round(theirs["ecomplexity_seconds"] / ours["seconds"], 1),
                    max_abs_diff=max(diffs.values()),
                    max_abs_diff_by=diffs,
                    ecomplexity_version=theirs["version"],
                )
            target = TARGETS.get(n)
            if target is not None:
                row["target_seconds"], row["target_peak_mb"] = target
                row["under_target"] = bool(
                    row["seconds"] <= target[0]
                    and (target[1] is None or row["peak_mb"] <= target[1])
                )
            rows.append(row)
            print(
                f"{row['regions']:>6} × {row['products']}: {row['seconds']:8.3f} s "
                f"(CPU {row['cpu_seconds']:.3f} s, system {row['sys_seconds']:.3f} s; first call "
                f"{row['first_seconds']:.3f} s, CPU {row['first_cpu_seconds']:.3f} s), "
                f"peak {row['peak_mb']:8.1f} MB, "
                f"load {row['load_average']:.1f}"
                + (
                    f"; phases (CPU s) {row['phase_cpu_seconds']}"
                    if "phase_cpu_seconds" in row
                    else ""
                )
                + (
                    f"; ecomplexity {row['ecomplexity_seconds']:.1f} s, ratio {row['ratio']}, "
                    f"max |diff| {row['max_abs_diff']:.2e}"
                    if "ratio" in row
                    else ""
                ),
                file=sys.stderr,
                flush=True,
            )
    ok = all(r.get("under_target", True) for r in rows) and all(
        r["max_abs_diff"] <= args.tol for r in rows if "max_abs_diff" in r
    )
    report = {
        "benchmark": "complexity",
        "sizes": rows,
        "seed": args.seed,
        "repeat": args.repeat,
        "threads": args.threads,
        "tol": args.tol,
        "ok": bool(ok),
        "cpus": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "machine": platform.machine(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
