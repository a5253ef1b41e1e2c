"""Benchmark of the whole pipeline on the default profile, in a scratch copy of the project.

Measures (wall time, whole `exportlab run` processes): the first run on the embedded demo data (demo
generation included), a repeat run with nothing changed, and a run after changing one parameter of one
stage (which stages re-ran). Prints one JSON object on its last line.

    .venv/bin/python benchmarks/pipeline.py [--stage-param 03:top=10]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from _profile_run import run_profile

REPO = Path(__file__).resolve().parents[1]


def _run(root: Path, profile: str) -> tuple[float, dict]:
    seconds = run_profile(root, profile)
    manifest_path = root / "reports" / profile / "manifest.json"  # the profile's own tree
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return seconds, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage-param", default="03:top=10", help="STAGE:NAME=VALUE to change")
    parser.add_argument("--profile", default="default")
    args = parser.parse_args()
    stage, _, assignment = args.stage_param.partition(":")
    name, _, value = assignment.partition("=")

    with tempfile.TemporaryDirectory(prefix="exportlab-bench-") as scratch:
        root = Path(scratch)
        for item in ("pyproject.toml", "notebooks", "config"):
            source = REPO / item
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / item)
        first, manifest = _run(root, args.profile)
        per_stage = {k: v["seconds"] for k, v in sorted(manifest["stages"].items())}
        repeat, repeat_manifest = _run(root, args.profile)
        # the same profile (and so the same output tree) with one parameter changed
        changed = root / "config" / f"{args.profile}.yaml"
        changed.write_text(changed.read_text(encoding="utf-8") + f"\n{name}: {value}\n", "utf-8")
        third, changed_manifest = _run(root, args.profile)
        rerun = sorted(k for k, v in changed_manifest["stages"].items() if not v["cache_hit"])
        print(f"first run {first:.1f} s; per stage {per_stage}")
        print(
            f"repeat run {repeat:.1f} s; after changing {stage}:{name} {third:.1f} s, re-ran {rerun}"
        )
        print(
            json.dumps(
                {
                    "profile": args.profile,
                    "first_run_seconds": round(first, 2),
                    "stage_seconds": per_stage,
                    "repeat_run_seconds": round(repeat, 2),
                    "repeat_cache_hits": sum(
                        v["cache_hit"] for v in repeat_manifest["stages"].values()
                    ),
                    "changed_parameter": f"{stage}:{name}={value}",
                    "changed_run_seconds": round(third, 2),
                    "stages_rerun_after_change": rerun,
                }
            )
        )


if __name__ == "__main__":
    main()
