"""Benchmark of ``exportlab ingest`` against a plain pandas script, at 1M and 10M DATTSVT rows.

Generates DATTSVT tab-separated text (10-digit codes, monthly periods, Russian labels, decimal comma;
recurring trade relations as in customs data, or ``--uniform`` independent rows) in a temporary
folder, then runs, each as a separate process on the same file: ``exportlab.io.ingest``
(parse, validate, match regions, aggregate to HS6 annual, write Parquet), a baseline
(``pandas.read_csv(sep="\\t")`` + ``groupby`` + ``to_parquet``) and, for reference, DuckDB alone
parsing the file and aggregating it to HS6 annual (no validation, no region matching, no output).
Each is run ``--repeat`` times (the machine may be shared: the best run counts). Reports wall
time, rows/s and peak RSS of each process; the last line printed is one JSON object.

    .venv/bin/python benchmarks/ingest.py            # 1M and 10M rows
    .venv/bin/python benchmarks/ingest.py --rows 1000000 --repeat 3
    .venv/bin/python benchmarks/ingest.py --rows 10000000 --uniform
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = "napr\tperiod\tnastranapr\ttnved\tedizm\tStoim\tNetto\tKol\tSubject\tdistrict\n"

INGEST = """
import sys
from exportlab.io import ingest
report = ingest([sys.argv[1]], sys.argv[2])
assert report.rows_read == int(sys.argv[3]), report.rows_read
assert report.engine == "fast", report.engine
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


def generate(path: Path, n_rows: int, seed: int = 0, uniform: bool = False) -> None:
    """Write ``n_rows`` DATTSVT rows for one year (89 regions, 200 partners, about 20 000 codes).

    By default the rows look like customs data: trade relations (region, 10-digit code, partner,
    flow; concentrated on a few large regions, codes and partners) recur in about half of the
    12 months, so 10M monthly rows become about 1.6M HS6 annual rows. ``uniform``: every row
    draws region, code, partner and month independently (almost no two rows share an HS6 annual
    cell: the worst case for aggregation).
    """
    from exportlab.io.partners import partner_codes
    from exportlab.regions import load_regions

    ref = load_regions()
    labels = np.array(
        [f"{c} - {lab}" for c, lab in zip(ref["fcs_code"], ref["fcs_label_ru"], strict=True)]
    )
    rng = np.random.default_rng(seed)
    partners = np.array(sorted(c for c in partner_codes() if len(c) == 2))[:200]
    hs6 = np.unique(rng.integers(10_000, 970_000, 6_000))[:5_000]
    codes = np.unique(np.repeat(hs6, 4) * 10_000 + rng.integers(0, 10_000, len(hs6) * 4))
    codes = np.array([f"{c:010d}" for c in codes])
    if uniform:
        flow = np.where(rng.random(n_rows) < 0.6, "ЭК", "ИМ")
        month = rng.integers(1, 13, n_rows)
        partner = partners[rng.integers(0, len(partners), n_rows)]
        code = codes[rng.integers(0, len(codes), n_rows)]
        region = labels[rng.integers(0, len(labels), n_rows)]
    else:
        flow, month, partner, code, region = _relations(rng, n_rows, labels, codes, partners)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for s in range(0, n_rows, 500_000):
            e = min(n_rows, s + 500_000)
            value = np.char.replace(np.char.mod("%.2f", rng.gamma(1.0, 10_000, e - s)), ".", ",")
            netto = np.char.replace(np.char.mod("%.3f", rng.gamma(1.0, 3_000, e - s)), ".", ",")
            fh.writelines(
                f"{f}\t{mo:02d}/2021\t{p}\t{c}\t\t{v}\t{w}\t0\t{r}\t\n"
                for f, mo, p, c, v, w, r in zip(
                    flow[s:e],
                    month[s:e],
                    partner[s:e],
                    code[s:e],
                    value,
                    netto,
                    region[s:e],
                    strict=True,
                )
            )


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
    """Run ``script`` in a fresh interpreter; wall time, CPU time and its peak RSS (GB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", script + PEAK, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stdout = proc.stdout.read().decode(errors="replace")
    stderr = proc.stderr.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(stderr[-2000:])
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_gb": round(int(stdout.split()[-1]) / 1024**2, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each process (best kept)")
    parser.add_argument(
        "--uniform",
        action="store_true",
        help="rows drawn independently (worst case for aggregation) instead of recurring relations",
    )
    parser.add_argument(
        "--tmp", default=None, help="folder for the generated files (default: system temp)"
    )
    args = parser.parse_args()
    results = {
        "cpus": os.cpu_count(),
        "data": "uniform" if args.uniform else "relations",
        "runs": [],
    }
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for n in sorted(args.rows):
            data = Path(tmp) / f"dattsvt_{n}.tsv"
            generate(data, n, uniform=args.uniform)
            size_gb = data.stat().st_size / 1024**3
            out = Path(tmp) / f"out_{n}"
            out.mkdir()
            best: dict[str, dict[str, float]] = {}
            for _ in range(args.repeat):
                for name, script, extra in (
                    ("ingest", INGEST, (str(out), str(n))),
                    ("pandas_baseline", BASELINE, (str(out),)),
                    ("duckdb_bare", DUCKDB_BARE, ()),
                ):
                    got = run(script, str(data), *extra)
                    if name not in best or got["seconds"] < best[name]["seconds"]:
                        best[name] = got
            row = {"rows": n, "file_gb": round(size_gb, 3)}
            for name, got in best.items():
                row[name] = {**got, "rows_per_s": round(n / got["seconds"])}
            row["speedup_vs_pandas"] = round(
                best["pandas_baseline"]["seconds"] / best["ingest"]["seconds"], 2
            )
            print(json.dumps(row), flush=True)
            results["runs"].append(row)
            data.unlink()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
