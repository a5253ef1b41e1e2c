"""Shared fixtures: the real-data folder beside the repository, and small canonical tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REALDATA = SHARED / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """``../shared/realdata`` beside the repository; the test is skipped when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present (real-data checks run in CI)")
    return REALDATA


@pytest.fixture(scope="session")
def dcw_layer(tmp_path_factory: pytest.TempPathFactory):
    """The full DCW-GMT layer of Russia (``geo.load_dcw``), read once per session; skips without it.

    Tests that change the frame change a copy (``dcw_layer.copy()``).
    """
    from exportlab import geo

    if geo.find_dcw() is None:
        pytest.skip("DCW-GMT not installed (apt install gmt-dcw)")
    return geo.load_dcw(cache_dir=tmp_path_factory.mktemp("dcw"))


def copy_project(target: Path) -> Path:
    """A scratch copy of the project (pyproject, notebooks, profiles) for whole-pipeline runs."""
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "notebooks", "config"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture
def tiny_trade() -> pd.DataFrame:
    """Four regions, three products, two partners, two years (canonical trade table)."""
    rows = [
        # year, region, hs6, partner, value_usd
        (2020, "RU-MOW", "880240", "IN", 100.0),
        (2020, "RU-MOW", "300490", "KZ", 50.0),
        (2020, "RU-TA", "880240", "CN", 30.0),
        (2020, "RU-TA", "270900", "CN", 200.0),
        (2020, "RU-KEM", "270112", "CN", 80.0),
        (2020, "RU-KLU", "300490", "BY", 20.0),
        (2021, "RU-MOW", "880240", "IN", 120.0),
        (2021, "RU-MOW", "300490", "KZ", 40.0),
        (2021, "RU-TA", "880240", "CN", 45.0),
        (2021, "RU-TA", "270900", "TR", 210.0),
        (2021, "RU-KEM", "270112", "CN", 90.0),
        (2021, "RU-KLU", "300490", "BY", 35.0),
    ]
    frame = pd.DataFrame(rows, columns=["year", "region", "hs6", "partner", "value_usd"])
    frame["flow"] = "export"
    frame["netto_kg"] = frame["value_usd"] * 10
    from exportlab.schema import coerce_trade

    return coerce_trade(frame)


#: What a fast test tried to run (``"stage"``, ``"kernel"``), kept in the test item's stash.
NOTEBOOK_ATTEMPTS = pytest.StashKey[list]()


@pytest.fixture(autouse=True)
def _notebooks_run_only_in_the_slow_tier(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
):
    """Outside the slow tier a test that would run a notebook fails and says why.

    Refused unless the test carries ``@pytest.mark.slow``: the runner's ``pipeline.execute_stage``
    (papermill) in this process or in its pool of worker processes, and starting a Jupyter kernel
    in this process (nbclient, papermill). A test that stands in its own ``execute_stage`` (a
    monkeypatch in the test) still runs in the fast tier.
    """
    if request.node.get_closest_marker("slow") is not None:
        yield
        return
    from jupyter_client.manager import KernelManager

    from exportlab import pipeline

    message = f"{request.node.nodeid} runs a notebook (starts a kernel): mark it @pytest.mark.slow"
    attempts: list[str] = []
    request.node.stash[NOTEBOOK_ATTEMPTS] = attempts  # tests/test_tiers.py reads it

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append("stage")
        pytest.fail(message, pytrace=False)

    async def refuse_kernel(self: object, *args: object, **kwargs: object) -> None:
        attempts.append("kernel")
        raise RuntimeError(message)

    monkeypatch.setattr(pipeline, "execute_stage", refuse)
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(KernelManager, "_async_launch_kernel", refuse_kernel)
    yield
    if attempts:  # also when the test caught the error
        pytest.fail(message, pytrace=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a failure, never a silent success."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def put_dcw_rings(ds, tag: str, rings) -> None:
    """Write ``rings`` (lon/lat arrays) as DCW-GMT's packed ``<tag>_lon`` / ``<tag>_lat`` variables."""
    import numpy as np

    lon = np.concatenate([np.r_[np.asarray(r)[:, 0], np.nan] for r in rings])[:-1]
    lat = np.concatenate([np.r_[np.asarray(r)[:, 1], np.nan] for r in rings])[:-1]
    ds.createDimension(f"{tag}_length", len(lon))
    for axis, values in (("lon", lon), ("lat", lat)):
        finite = values[np.isfinite(values)]
        lo, hi = float(finite.min()), float(finite.max())
        scale = 65534.0 / (hi - lo)
        raw = np.where(np.isfinite(values), np.round((values - lo) * scale), 65535)
        if axis == "lat":
            raw = np.where(np.isfinite(values), raw, 0)
        var = ds.createVariable(f"{tag}_{axis}", "u2", (f"{tag}_length",))
        var.setncatts({"min": lo, "max": hi, "scale": scale, "units": "0-65535"})
        var[:] = raw.astype(np.uint16)
