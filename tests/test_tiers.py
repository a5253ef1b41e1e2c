"""The two test tiers: outside the slow tier no test runs a notebook (the guard in conftest.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import NOTEBOOK_ATTEMPTS
from jupyter_client.manager import AsyncKernelManager, KernelManager

from exportlab import pipeline


def test_a_fast_test_cannot_run_a_stage_notebook_or_start_a_kernel(request, tmp_path: Path):
    attempts = request.node.stash[NOTEBOOK_ATTEMPTS]
    with pytest.raises(pytest.fail.Exception, match=r"mark it @pytest\.mark\.slow"):
        pipeline.execute_stage(pipeline.STAGES[0], {}, tmp_path, progress=False)
    with pytest.raises(pytest.fail.Exception, match="test_tiers.py::test_a_fast_test_cannot"):
        pipeline.ProcessPoolExecutor(max_workers=1)
    for manager in (KernelManager(), AsyncKernelManager()):
        with pytest.raises(RuntimeError, match="starts a kernel"):
            asyncio.run(manager._async_launch_kernel(["python"]))
    assert attempts == ["stage", "stage", "kernel", "kernel"]
    assert not any(tmp_path.iterdir())  # refused before anything was written
    attempts.clear()  # caught here on purpose: the guard's own check at teardown stays quiet


@pytest.mark.slow
def test_the_slow_tier_gets_the_real_runner_and_kernels():
    assert pipeline.execute_stage.__module__ == "exportlab.pipeline"
    assert pipeline.ProcessPoolExecutor.__module__ == "concurrent.futures.process"
    assert KernelManager._async_launch_kernel.__module__ == "jupyter_client.manager"
