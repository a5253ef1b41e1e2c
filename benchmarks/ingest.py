"""Benchmark of ``exportlab ingest`` against a plain pandas script and DuckDB alone, per data shape.

Generates DATTSVT tab-separated text (10-digit codes, monthly periods, Russian labels, decimal comma)
in a temporary folder, in these shapes (cases):

* ``relations``: recurring trade relations as in customs data (one year, 89 regions, 200 partners,
  about 20 000 codes; 10M rows become about 1.6M HS6 annual rows);
* ``uniform``: every row drawn independently (almost every row its own cell);
* ``fewcells``: 10 regions x 12 codes x 12 partners x 2 flows, monthly over 20 years, so every
  cell holds many rows in each month (values differ: they are summed, not rejected);
* ``dups``: ``relations`` rows of which the given number are exact copies of earlier rows (the
  file repeated after itself); the ingest must stop with a duplicate error (``dups``) and, with
  ``--skip-invalid``, drop and list every copy (``dups_skip``).

Then runs, each as a separate process on the same file: ``exportlab.io.ingest`` (parse, validate,
match regions, aggregate to HS6 annual, write Parquet), a baseline (``pandas.read_csv(sep="\\t")`` +
``groupby`` + ``to_parquet``) and DuckDB alone parsing the file and aggregating it to HS6 annual (no
validation, no region matching, no output). Each is run ``--repeat`` times, interleaved (the machine
may be shared: the best run counts, and the ratios compare runs of the same round of repeats).
Reports wall time, CPU time, rows/s, peak resident memory of each process (its own ``VmHWM``), the speed
of the ingest relative to DuckDB alone and to pandas (``vs_duckdb``, ``vs_pandas``: wall time; ``> 1``:
the ingest is faster), the same ratios of CPU time (``cpu_vs_*``) and the load average after each
case; the last line printed is one JSON object.

    .venv/bin/python benchmarks/ingest.py                 # short: 1M rows of each shape
    .venv/bin/python benchmarks/ingest.py --full          # 10M rows; 3M/2M and 10M/9M copies
    .venv/bin/python benchmarks/ingest.py --cases fewcells --rows 10000000 --repeat 3
    .venv/bin/python benchmarks/ingest.py --cases dups --dups 3000000:2000000
    .venv/bin/python benchmarks/ingest.py --full --data /tmp/ingest-data   # files kept for reruns
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = "napr\tperiod\tnastranapr\ttnved\tedizm\tStoim\tNetto\tKol\tSubject\tdistrict\n"

INGEST = """
import sys
from exportlab.errors import IngestError
from exportlab.io import ingest
path, out, n, mode, copies = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
if mode == "error":
    try:
        ingest([path], out)
    except IngestError as err:
        assert "exact copy" in str(err) and f"{copies} invalid rows" in str(err), str(err)[:2000]
    else:
        raise SystemExit("the copies were not rejected")
else:
    report = ingest([path], out, skip_invalid=mode == "skip")
    assert report.rows_read == n, report.rows_read
    assert report.rows_rejected == report.duplicates == copies, report.rows_rejected
    assert report.engine == ("general" if copies else "fast"), report.engine
"""
BASELINE = """
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1], sep="\\t", dtype={"tnved": str}, decimal=",")
df["year"] = df["period"].str[-4:].astype("int16")
df["hs6"] = df["tnved"].str[:6]
out = df.groupby(["year", "Subject", "hs6", "nastranapr", "napr"], as_index=False)[["Stoim", "Netto"]].sum()
out.to_parquet(sys.argv[2] + "/baseline.parquet", index=False)
"""
DUCKDB_BARE = """
import sys
import duckdb
types = {"napr": "VARCHAR", "period": "VARCHAR", "nastranapr": "VARCHAR", "tnved": "VARCHAR",
         "edizm": "VARCHAR", "Stoim": "DOUBLE", "Netto": "DOUBLE", "Kol": "VARCHAR",
         "Subject": "VARCHAR", "district": "VARCHAR"}
n = duckdb.sql(
    f\"\"\"SELECT count(*) FROM (
        SELECT right(period, 4) AS year, Subject, left(tnved, 6) AS hs6, nastranapr, napr,
               sum(Stoim), sum(Netto)
        FROM read_csv('{sys.argv[1]}', delim='\\t', header=true, quote='', escape='',
                      auto_detect=false, decimal_separator=',', columns={types})
        GROUP BY ALL)\"\"\"
).fetchall()[0][0]
assert n > 0
"""


def _labels() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FCS region labels (89), partner codes (200) and about 20 000 10-digit codes."""
    from exportlab.io.partners import partner_codes
    from exportlab.regions import load_regions

    ref = load_regions()
    labels = np.array(
        [f"{c} - {lab}" for c, lab in zip(ref["fcs_code"], ref["fcs_label_ru"], strict=True)]
    )
    partners = np.array(sorted(c for c in partner_codes() if len(c) == 2))[:200]
    rng = np.random.default_rng(0)
    hs6 = np.unique(rng.integers(10_000, 970_000, 6_000))[:5_000]
    codes = np.unique(np.repeat(hs6, 4) * 10_000 + rng.integers(0, 10_000, len(hs6) * 4))
    return labels, partners, np.array([f"{c:010d}" for c in codes])


def generate(path: Path, n_rows: int, shape: str = "relations", seed: int = 0) -> None:
    """Write ``n_rows`` DATTSVT rows of the given shape (see the module docstring).

    ``relations``: trade relations (region, 10-digit code, partner, flow; concentrated on a few
    large regions, codes and partners) recur in about half of the 12 months of 2021, no cell twice
    in one month. ``uniform``: region, code, partner and month of 2021 drawn independently.
    ``fewcells``: 10 regions, 12 codes, 12 partners, 2 flows and 240 months (2001-2020) drawn
    independently, about 14 rows per cell and month.
    """
    labels, partners, codes = _labels()
    rng = np.random.default_rng(seed)
    year = np.full(n_rows, 2021)
    if shape == "uniform":
        flow = np.where(rng.random(n_rows) < 0.6, "ЭК", "ИМ")
        month = rng.integers(1, 13, n_rows)
        partner = partners[rng.integers(0, len(partners), n_rows)]
        code = codes[rng.integers(0, len(codes), n_rows)]
        region = labels[rng.integers(0, len(labels), n_rows)]
    elif shape == "fewcells":
        flow = np.where(rng.random(n_rows) < 0.6, "ЭК", "ИМ")
        month = rng.integers(1, 13, n_rows)
        year = rng.integers(2001, 2021, n_rows)
        partner = rng.choice(partners, 12, replace=False)[rng.integers(0, 12, n_rows)]
        code = rng.choice(codes, 12, replace=False)[rng.integers(0, 12, n_rows)]
        region = rng.choice(labels, 10, replace=False)[rng.integers(0, 10, n_rows)]
    else:
        flow, month, partner, code, region = _relations(rng, n_rows, labels, codes, partners)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for s in range(0, n_rows, 500_000):
            e = min(n_rows, s + 500_000)
            value = np.char.replace(np.char.mod("%.2f", rng.gamma(1.0, 10_000, e - s)), ".", ",")
            netto = np.char.replace(np.char.mod("%.3f", rng.gamma(1.0, 3_000, e - s)), ".", ",")
            fh.writelines(
                f"{f}\t{mo:02d}/{y}\t{p}\t{c}\t\t{v}\t{w}\t0\t{r}\t\n"
                for f, mo, y, p, c, v, w, r in zip(
                    flow[s:e],
                    month[s:e],
                    year[s:e],
                    partner[s:e],
                    code[s:e],
                    value,
                    netto,
                    region[s:e],
                    strict=True,
                )
            )


def generate_copies(path: Path, n_rows: int, copies: int, seed: int = 0) -> None:
    """``n_rows`` rows of which the last ``copies`` repeat the first ``n_rows - copies`` in turn.

    As when an unload is appended to itself: line ``L`` after the first block is an exact copy of
    line ``2 + (L - 2) % (n_rows - copies)``.
    """
    unique = n_rows - copies
    generate(path, unique, "relations", seed)
    with open(path, encoding="utf-8") as fh:
        fh.readline()
        body = fh.readlines()
    with open(path, "a", encoding="utf-8") as fh:
        left = copies
        while left:
            fh.writelines(body[: min(left, unique)])
            left -= min(left, unique)


def _relations(rng, n_rows, labels, codes, partners):
    """Flow, month, partner, code and region of ``n_rows`` rows drawn from recurring relations.

    Relations are distinct (region, code, partner, flow), each drawn with rank-size weights;
    the rows are ``n_rows`` distinct (relation, month) pairs, so no cell repeats within a month.
    """

    def ranked(k: int, m: int) -> np.ndarray:
        w = 1.0 / np.arange(1, k + 1)
        return rng.choice(k, m, p=w / w.sum())

    n_rel = -(-n_rows // 6)
    order = rng.permutation(len(codes))
    key = np.empty(0, np.int64)
    while len(key) < n_rel:
        region = ranked(len(labels), n_rel).astype(np.int64)
        relation = (region * len(codes) + order[ranked(len(codes), n_rel)]) * len(partners)
        relation = (relation + ranked(len(partners), n_rel)) * 2 + (rng.random(n_rel) < 0.4)
        key = np.unique(np.concatenate([key, relation]))
    key = rng.permutation(key)[:n_rel]
    cells = rng.choice(n_rel * 12, n_rows, replace=False)
    rel, month = key[cells // 12], cells % 12 + 1
    flow = np.where(rel % 2 == 0, "ЭК", "ИМ")
    rel //= 2
    partner = partners[rel % len(partners)]
    rel //= len(partners)
    return flow, month, partner, codes[rel % len(codes)], labels[rel // len(codes)]


#: Appended to each script: the process's own peak resident memory (kB). ``ru_maxrss`` of a child
#: would also count the pages it shared with this (large) process before ``exec``.
PEAK = """
with open("/proc/self/status") as _status:
    print(next(line.split()[1] for line in _status if line.startswith("VmHWM:")))
"""


def run(script: str, *args: str) -> dict[str, float]:
    """Run ``script`` in a fresh interpreter; wall time, CPU time and its peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", script + PEAK, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout_bytes, stderr_bytes = proc.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if proc.returncode:
        raise RuntimeError(stderr_bytes.decode(errors="replace")[-2000:])
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(int(stdout_bytes.decode().split()[-1]) / 1024),
    }


def _cases(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    """``(case, rows, copies)`` to run, in order."""
    rows = args.rows or ([10_000_000] if args.full else [1_000_000])
    dups = args.dups or (
        [(3_000_000, 2_000_000), (10_000_000, 9_000_000)] if args.full else [(300_000, 200_000)]
    )
    out = []
    for case in args.cases:
        if case == "dups":
            out.extend((c, n, k) for n, k in dups for c in ("dups", "dups_skip"))
        else:
            out.extend((case, n, 0) for n in rows)
    return out


def _data_file(folder: Path, shape: str, n: int, copies: int) -> Path:
    """The generated file of a shape in ``folder`` (written unless already there)."""
    path = folder / f"{shape}-{n}-{copies}.tsv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        if copies:
            generate_copies(part, n, copies)
        else:
            generate(part, n, shape)
        part.replace(path)
    return path


def _pair(text: str) -> tuple[int, int]:
    rows, copies = (int(x) for x in text.split(":"))
    if not 0 < copies < rows:
        raise argparse.ArgumentTypeError(f"expected ROWS:COPIES with 0 < COPIES < ROWS, got {text}")
    return rows, copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        nargs="+",
        default=["relations", "fewcells", "dups"],
        choices=["relations", "uniform", "fewcells", "dups"],
    )
    parser.add_argument("--rows", type=int, nargs="+", help="rows of the plain cases (1M)")
    parser.add_argument(
        "--dups", type=_pair, nargs="+", metavar="ROWS:COPIES", help="duplicate-heavy files"
    )
    parser.add_argument(
        "--full", action="store_true", help="10M rows; 3M rows / 2M copies and 10M / 9M copies"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each process (best kept)")
    parser.add_argument(
        "--no-baselines", action="store_true", help="run the ingest only (no pandas, no DuckDB)"
    )
    parser.add_argument(
        "--tmp", default=None, help="folder for the generated files (default: system temp)"
    )
    parser.add_argument(
        "--data",
        default=None,
        metavar="DIR",
        help="keep the generated files in DIR and read those already there (SHAPE-ROWS-COPIES.tsv)",
    )
    args = parser.parse_args()
    results = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0], "runs": []}
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        made = None
        for case, n, copies in _cases(args):
            shape = "relations" if case.startswith("dups") else case
            if made != (shape, n, copies):
                data = _data_file(Path(args.data) if args.data else Path(tmp), shape, n, copies)
                made, baselines = (shape, n, copies), not args.no_baselines
            out = Path(tmp) / "out"
            out.mkdir(exist_ok=True)
            mode = {"dups": "error", "dups_skip": "skip"}.get(case, "ok")
            jobs = [("ingest", INGEST, (str(out), str(n), mode, str(copies)))]
            if baselines:
                jobs += [("pandas", BASELINE, (str(out),)), ("duckdb", DUCKDB_BARE, ())]
            best: dict[str, dict[str, float]] = {}
            for _ in range(args.repeat):
                for name, script, extra in jobs:
                    got = run(script, str(data), *extra)
                    if name not in best or got["seconds"] < best[name]["seconds"]:
                        best[name] = got
            row = {"case": case, "rows": n, "copies": copies}
            row["file_mb"] = round(data.stat().st_size / 1024**2)
            for name, got in best.items():
                row[name] = {**got, "rows_per_s": round(n / got["seconds"])}
            if baselines:  # the same file serves both duplicate cases: baselines run once
                for name in ("duckdb", "pandas"):
                    row[f"vs_{name}"] = round(best[name]["seconds"] / best["ingest"]["seconds"], 2)
                    # on a loaded machine wall times crowd together; CPU time shows the work
                    row[f"cpu_vs_{name}"] = round(
                        best[name]["cpu_seconds"] / best["ingest"]["cpu_seconds"], 2
                    )
                baselines = False
            row["load"] = os.getloadavg()[0]  # 1-minute load average after the case
            print(json.dumps(row), flush=True)
            results["runs"].append(row)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
