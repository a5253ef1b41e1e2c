"""Run ``exportlab run --profile P`` in a scratch project, as the pipeline benchmarks do."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def run_profile(root: Path, profile: str) -> float:
    """Wall seconds of ``exportlab run --quiet --profile profile`` in the project at ``root``."""
    env = {**os.environ, "EXPORTLAB_ROOT": str(root)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "exportlab.cli", "run", "--quiet", "--profile", profile],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started
