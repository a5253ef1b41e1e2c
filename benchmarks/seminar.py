"""Benchmark of ``make run PROFILE=seminar`` on a fresh copy of the project: where the time goes.

Runs ``exportlab run --profile seminar`` (demo generation included) in a scratch copy and reports the
wall time, the CPU time of the whole process tree (runner, kernels), the load average before and
after (the machine may be shared: a wall time means little at a load above the number of cores),
and per stage: the stage's wall time, the wait for its kernel before the first cell ran, the time
in its cells, the time outside its cells (outputs set aside, report, kernel shutdown) and its slowest cells.

    .venv/bin/python benchmarks/seminar.py [--profile default] [--repeat 2]

Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from _profile_run import run_profile

REPO = Path(__file__).resolve().parents[1]


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _cells(executed: Path) -> dict:
    """Kernel wait, time in cells, time after the last cell and the slowest cells of a notebook."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    meta = nb["metadata"].get("papermill", {})
    cells = [
        (i, c["metadata"]["papermill"], "".join(c["source"]))
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and c["metadata"].get("papermill", {}).get("start_time")
    ]
    if not cells or not meta.get("start_time"):
        return {}
    start = datetime.fromisoformat(meta["start_time"])
    first = datetime.fromisoformat(cells[0][1]["start_time"])
    last = datetime.fromisoformat(cells[-1][1]["end_time"])
    slowest = sorted(cells, key=lambda c: -(c[1].get("duration") or 0))[:3]
    return {
        "kernel_wait": round((first - start).total_seconds(), 2),
        "in_cells": round((last - first).total_seconds(), 2),
        "slowest": [
            [i, round(m.get("duration") or 0, 2), source.splitlines()[0][:60]]
            for i, m, source in slowest
        ],
    }


def _run(root: Path, profile: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = _load()
    wall = run_profile(root, profile)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree = "default" if profile == "default" else Path(profile).stem
    reports = root / "reports" / tree
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    stages = {}
    for stage_id, entry in sorted(manifest["stages"].items()):
        info: dict = {"seconds": entry.get("seconds"), "cache_hit": entry.get("cache_hit")}
        notebook = entry.get("notebook")
        executed = reports / Path(notebook).name if notebook else None
        if executed is not None and executed.is_file() and not entry.get("cache_hit"):
            info.update(_cells(executed))
            if "in_cells" in info and entry.get("seconds") is not None:
                info["outside_cells"] = round(
                    entry["seconds"] - info["kernel_wait"] - info["in_cells"], 2
                )
        stages[stage_id] = info
    return {
        "wall_seconds": round(wall, 2),
        "user_seconds": round(after.ru_utime - before.ru_utime, 2),
        "system_seconds": round(after.ru_stime - before.ru_stime, 2),
        "load_before": load_before,
        "load_after": _load(),
        "cores": os.cpu_count(),
        "stages": stages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="seminar")
    parser.add_argument("--repeat", type=int, default=1, help="fresh copies to run, one by one")
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="exportlab-seminar-") as scratch:
            root = Path(scratch)
            for item in ("pyproject.toml", "notebooks", "config"):
                source = REPO / item
                (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / item)
            result = _run(root, args.profile)
        runs.append(result)
        print(
            f"{args.profile}: {result['wall_seconds']:.1f} s wall, {result['user_seconds']:.1f} s "
            f"user + {result['system_seconds']:.1f} s system; load {result['load_before']} -> "
            f"{result['load_after']} on {result['cores']} cores"
        )
        for stage_id, info in result["stages"].items():
            parts = [f"{info['seconds']:.1f} s"]
            if "in_cells" in info:
                parts.append(
                    f"kernel wait {info['kernel_wait']:.1f}, cells {info['in_cells']:.1f}, "
                    f"outside {info['outside_cells']:.1f}; slowest "
                    + "; ".join(f"[{i}] {d:.1f} s {s}" for i, d, s in info["slowest"])
                )
            print(f"  stage {stage_id}: " + ", ".join(parts))
    print(json.dumps({"profile": args.profile, "runs": runs}))


if __name__ == "__main__":
    main()
