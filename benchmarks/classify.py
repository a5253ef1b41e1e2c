"""Benchmark: classify a synthetic canonical trade table of about 300,000 rows with ``hightech()``.

Codes are real HS6 codes: every code of the shipped high-tech list plus ordinary codes (food, fuels,
ores, metals, machinery), the latter about half of the rows. Prints the best of 5 runs and, on its last
line, a JSON object ``{"rows": ..., "seconds": ...}``.

Run: ``.venv/bin/python benchmarks/classify.py [--rows N] [--repeat K]``
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from exportlab import classify as cl

# ordinary (mostly non-high-tech) HS6 codes valid in HS2012, HS2017 and HS2022
OTHER_CODES = [
    "010121", "020130", "100199", "100590", "120190", "150710", "151211", "170199", "220300",
    "260111", "260300", "261210", "270111", "270900", "271012", "271019", "271111", "271121",
    "271600", "281410", "310210", "310420", "390110", "400122", "440710", "470321", "480100",
    "520100", "720712", "720839", "721049", "740311", "750210", "760110", "760120", "840999",
    "842952", "847989", "850440", "870323", "870899", "890190", "940360", "950300",
]  # fmt: skip


def synthetic_trade(rows: int = 300_000, seed: int = 0) -> pd.DataFrame:
    """A canonical trade table (``schema`` columns and dtypes) with real HS6 codes, 2012–2024."""
    rng = np.random.default_rng(seed)
    products = cl.load_hightech_products()
    ht_codes = products["hs6"].unique()
    codes = np.concatenate([ht_codes, np.array(OTHER_CODES * 10, dtype=object)])
    regions = np.array([f"RU-R{i:02d}" for i in range(85)], dtype=object)
    partners = np.array(["CN", "KZ", "BY", "TR", "IN", "DE", "US", "AE", "UZ", "AM"], dtype=object)
    return pd.DataFrame(
        {
            "year": pd.array(rng.integers(2012, 2025, rows), dtype="int16"),
            "region": pd.array(rng.choice(regions, rows), dtype="string"),
            "hs6": pd.array(rng.choice(codes, rows), dtype="string"),
            "partner": pd.array(rng.choice(partners, rows), dtype="string"),
            "flow": pd.array(rng.choice(np.array(["export", "import"]), rows), dtype="string"),
            "value_usd": rng.lognormal(10.0, 2.0, rows),
            "netto_kg": rng.lognormal(8.0, 2.0, rows),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    trade = synthetic_trade(args.rows)
    cl.hightech(trade.head(10))  # warm the reference-file caches
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = cl.hightech(trade)
        times.append(time.perf_counter() - t0)
    best = min(times)
    n_ht = int(out["group"].notna().sum())
    print(f"hightech(): {len(trade):,} rows, best of {args.repeat}: {best:.3f} s "
          f"({n_ht:,} high-tech rows)")  # fmt: skip
    t0 = time.perf_counter()
    cl.hightech_share(out)
    cl.group_shares(out)
    cl.resource_share(out)
    print(f"hightech_share + group_shares + resource_share on the classified table: "
          f"{time.perf_counter() - t0:.3f} s")  # fmt: skip
    print(json.dumps({"rows": len(trade), "seconds": round(best, 4)}))


if __name__ == "__main__":
    main()
