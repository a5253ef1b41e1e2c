"""The runner loses nothing under faults: other filesystems, full disks, two runs at once, kill -9.

Most checks need no kernel (the pre-flight, the journal and the lock are tested directly); a few run
tiny one-cell notebooks in a scratch project.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_pipeline import _scratch_project, _write_notebook

from exportlab import pipeline
from exportlab.cli import main
from exportlab.config import load_profile
from exportlab.errors import ProfileError
from exportlab.files import move_file
from exportlab.pipeline import RunFailed, StageFailed, run
from exportlab.stages import STAGES

STAGE = {s.id: s for s in STAGES}
NOTEBOOK_02 = "02_hightech_classification.ipynb"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project whose stage 02 writes three outputs from its input, and can fail."""
    root = _scratch_project(tmp_path / "project", b"v1")
    _write_notebook(
        root / "notebooks" / NOTEBOOK_02,
        'lang = "en"\nfail = False\nnap = 0',
        "import time\nfrom exportlab import paths",
        "data = (paths.processed_dir() / 'trade.parquet').read_bytes()",
        "(paths.figures_dir() / 'hightech_a.png').write_bytes(b'new ' + data)\n"
        "(paths.tables_dir() / 'hightech_t.csv').write_bytes(b'new ' + data)",
        "time.sleep(nap)",
        "assert not fail, 'asked to fail'",
        "(paths.processed_dir() / 'trade_classified.parquet').write_bytes(data)",
    )
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    return root


def _outputs(root: Path) -> dict[str, bytes]:
    found = {}
    for pattern in (
        "figures/default/hightech_*",
        "reports/default/tables/hightech_*",
        "data/processed/default/trade_c*",
    ):
        for path in root.glob(pattern):
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _seed_outputs(root: Path) -> dict[str, bytes]:
    """Earlier outputs of stage 02, as a successful run left them."""
    files = {
        "figures/default/hightech_a.png": b"old figure",
        "figures/default/hightech_b.svg": b"old svg",
        "reports/default/tables/hightech_t.csv": b"old table",
        "data/processed/default/trade_classified.parquet": b"old parquet",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


def _no_staging_left(root: Path) -> None:
    runner = root / "reports" / ".runner"
    assert [p.name for p in runner.iterdir()] in ([], ["lock"])
    assert not [p for p in (root / "reports").iterdir() if p.name.startswith(".0")]


# ------------------------------------------------------------------------------ other filesystems


def _cross_device_replace(root: Path, real=os.replace):
    """``os.replace`` as if every top folder of the project were its own filesystem."""

    def top(path) -> str:
        try:
            return Path(path).resolve().relative_to(root.resolve()).parts[0]
        except (ValueError, IndexError):
            return "/"

    def fake(src, dst, *args, **kwargs):
        if top(src) != top(dst):
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(src), None, str(dst))
        return real(src, dst, *args, **kwargs)

    return fake


def test_move_file_copies_across_filesystems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "f.bin").write_bytes(b"\x00payload")
    (tmp_path / "b" / "f.bin").write_bytes(b"older")
    monkeypatch.setattr(os, "replace", _cross_device_replace(tmp_path))
    move_file(tmp_path / "a" / "f.bin", tmp_path / "b" / "f.bin")
    assert (tmp_path / "b" / "f.bin").read_bytes() == b"\x00payload"
    assert not (tmp_path / "a" / "f.bin").exists()
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["f.bin"], "no temporary file left"


@pytest.mark.slow
def test_failing_stage_restores_outputs_on_another_filesystem(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    earlier = _seed_outputs(project)
    (project / "config" / "default.yaml").write_text("demo: false\nfail: true\n")
    monkeypatch.setattr(os, "replace", _cross_device_replace(project))
    with pytest.raises(StageFailed, match="asked to fail"):
        run("default", progress=False, jobs=1, log=lambda m: None)
    assert _outputs(project) == earlier
    _no_staging_left(project)


# ------------------------------------------------------------------------------ disk full, permissions


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_disk_full_while_setting_outputs_aside_fails_the_stage_cleanly(
    project: Path, monkeypatch: pytest.MonkeyPatch, code: int
):
    earlier = _seed_outputs(project)
    calls = {"n": 0}

    def flaky(source, target):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(code, os.strerror(code), str(source))
        return move_file(source, target)

    monkeypatch.setattr(pipeline, "move_file", flaky)
    with pytest.raises(StageFailed) as caught:
        pipeline.execute_stage(STAGE["02"], {}, project, progress=False)
    message = str(caught.value)
    assert "setting the earlier outputs aside failed" in message
    assert "hightech" in message or "trade_classified" in message  # names the file
    assert ("disk is full" if code == errno.ENOSPC else "permission denied") in message
    assert _outputs(project) == earlier
    _no_staging_left(project)


@pytest.mark.slow
def test_restore_that_fails_keeps_the_backup_for_the_next_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    earlier = _seed_outputs(project)
    real_put_back = pipeline._put_back

    def denied(root, staging, patterns, running):
        raise OSError(errno.ENOSPC, "No space left on device", str(root / "figures"))

    monkeypatch.setattr(pipeline, "_put_back", denied)
    with pytest.raises(StageFailed) as caught:
        pipeline.execute_stage(STAGE["02"], {"fail": True}, project, progress=False)
    assert "next run puts them back" in str(caught.value)
    monkeypatch.setattr(pipeline, "_put_back", real_put_back)
    messages: list[str] = []
    assert pipeline.recover(project, messages.append) == ["02"]
    assert _outputs(project) == earlier
    _no_staging_left(project)


def test_cli_turns_an_os_error_into_a_message(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "reports/manifest.json")

    monkeypatch.setattr(pipeline, "run", full)
    assert main(["run", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "reports/manifest.json" in err and "disk is full" in err and "Traceback" not in err


# ------------------------------------------------------------------------------ kill -9, journal


def _journal(root: Path, phase: str, backup: dict[str, bytes], processes=()) -> Path:
    staging = root / "reports" / ".runner" / "02.killed"
    for rel, data in backup.items():
        (staging / "backup" / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / "backup" / rel).write_bytes(data)
    journal = {
        "stage": "02",
        "outputs": list(pipeline.in_tree(STAGE["02"].outputs, "default")),
        "phase": phase,
        "processes": [list(p) for p in processes],
    }
    (staging / "journal.json").write_text(json.dumps(journal))
    return staging


def test_recover_after_a_kill_in_the_middle_of_a_stage(project: Path):
    earlier = _seed_outputs(project)
    # killed while the notebook ran: it had written one new output, the earlier ones were aside
    for rel in earlier:
        (project / rel).unlink()
    (project / "figures" / "default" / "hightech_partial.png").write_bytes(b"half")
    (project / "figures" / "default" / "hightech_a.png").write_bytes(b"half new")
    _journal(project, "running", earlier, processes=[(999_999_999, None)])
    messages: list[str] = []
    assert pipeline.recover(project, messages.append) == ["02"]
    assert _outputs(project) == earlier
    assert any("put back" in m for m in messages)
    _no_staging_left(project)


def test_recover_after_a_kill_while_outputs_were_set_aside(project: Path):
    earlier = _seed_outputs(project)
    moved = dict(list(earlier.items())[:2])
    for rel in moved:
        (project / rel).unlink()
    _journal(project, "setting aside", moved)
    pipeline.recover(project, lambda m: None)
    assert _outputs(project) == earlier, "nothing deleted, the moved files are back"
    _no_staging_left(project)


def test_recover_waits_for_a_process_of_the_killed_run(project: Path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5)"])
    started = pipeline._process_start(sleeper.pid)
    _journal(
        project, "running", {"figures/default/hightech_a.png": b"old"}, [(sleeper.pid, started)]
    )
    messages: list[str] = []
    waiter = threading.Thread(target=sleeper.wait)
    waiter.start()
    pipeline.recover(project, messages.append)
    waiter.join()
    assert any("still running; waiting" in m for m in messages)
    assert (project / "figures" / "default" / "hightech_a.png").read_bytes() == b"old"


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_stage_then_the_next_run(project: Path):
    run("default", progress=False, jobs=1, log=lambda m: None)
    good = _outputs(project)
    assert good["figures/default/hightech_a.png"] == b"new v1"
    (project / "config" / "default.yaml").write_text("demo: false\nnap: 120\n")
    env = {**os.environ, "EXPORTLAB_ROOT": str(project)}
    killed = subprocess.Popen(
        [sys.executable, "-m", "exportlab.cli", "run", "--profile", "default", "--jobs", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    journal = None
    while time.monotonic() < deadline:
        journals = list((project / "reports" / ".runner").glob("*/journal.json"))
        if journals and (project / "figures" / "default" / "hightech_a.png").exists():
            journal = json.loads(journals[0].read_text())
            if len(journal["processes"]) == 2:  # the kernel runs, the first cells have written
                break
        time.sleep(0.2)
    assert journal is not None and journal["phase"] == "running"
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    (project / "config" / "default.yaml").write_text("demo: false\n")
    messages: list[str] = []
    again = run("default", progress=False, jobs=1, log=messages.append)
    assert any("stopped in the middle of it" in m for m in messages)
    assert _outputs(project) == good, "the killed stage's earlier outputs are back"
    assert again["stages"]["02"]["cache_hit"] is True, "nothing else needed to run"
    _no_staging_left(project)


# ------------------------------------------------------------------------------ two runs at once


@pytest.mark.slow
def test_a_second_run_refuses_or_waits_for_the_lock(project: Path):
    messages: list[str] = []
    with pipeline.project_lock(project, log=messages.append, what="profile a"):
        with pytest.raises(pipeline.ProjectBusy, match=r"pid \d+, profile a"):
            run("default", progress=False, wait=False, log=messages.append)
    holding = threading.Event()
    release = threading.Event()

    def first():
        with pipeline.project_lock(project, log=lambda m: None):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    with pipeline.project_lock(project, log=messages.append):
        waited = time.monotonic() - started
    thread.join()
    assert waited >= 0.4
    assert any("waiting for it to finish" in m for m in messages)


def test_cli_no_wait_exits_2_naming_the_other_run(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    with pipeline.project_lock(project, log=lambda m: None):
        assert main(["run", "--quiet", "--no-wait"]) == 2
    assert "another exportlab run holds the lock" in capsys.readouterr().err


# ------------------------------------------------------------------------------ cache key


def test_cache_key_changes_with_the_boundary_source(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    from exportlab import geo

    declared = {"boundaries": "auto", "lang": "en"}
    monkeypatch.setattr(geo, "find_dcw", lambda dcw_path=None: None)
    without = pipeline.stage_environment(STAGE["05"], {}, declared, project)
    dcw = tmp_path / "dcw-gmt.nc"
    dcw.write_bytes(b"netcdf")
    monkeypatch.setattr(geo, "find_dcw", lambda dcw_path=None: dcw)
    installed = pipeline.stage_environment(STAGE["05"], {}, declared, project)
    assert without["boundaries"]["dcw"] is None and installed["boundaries"]["dcw"] == str(dcw)
    _write_notebook(project / "notebooks" / "05_maps.ipynb", 'boundaries = "auto"')
    keys = {
        pipeline.cache_key(STAGE["05"], {}, {}, "code", project, env)
        for env in (without, installed)
    }
    assert len(keys) == 2
    tiles = pipeline.stage_environment(STAGE["05"], {"boundaries": "tiles"}, declared, project)
    assert tiles["boundaries"] == {"boundaries": "tiles"}


def test_cache_key_holds_the_versions_of_computing_packages():
    versions = pipeline.result_package_versions()
    assert {"python", "pandas", "numpy", "scikit-learn", "statsmodels"} <= set(versions)
    assert "papermill" not in versions and "jupyterlab" not in versions


# ------------------------------------------------------------------------------ independent stages


@pytest.mark.slow
def test_a_failing_stage_stops_only_the_stages_that_depend_on_it(project: Path):
    for notebook in (
        "03_trajectory_tables",
        "04_daed_index_clusters",
        "06_export_standard_scorecard",
    ):
        fails = "raise RuntimeError('broken 04')" if notebook.startswith("04") else "x = 1"
        _write_notebook(project / "notebooks" / f"{notebook}.ipynb", 'lang = "en"', fails)
    _write_notebook(project / "notebooks" / "05_maps.ipynb", 'lang = "en"', "x = 1")
    (project / "notebooks" / NOTEBOOK_02).unlink()
    messages: list[str] = []
    with pytest.raises(RunFailed) as caught:
        run("default", progress=False, jobs=1, log=messages.append)
    failure = caught.value
    assert [f.stage.id for f in failure.failures] == ["04"]
    assert failure.blocked == {"05": ["04"]}
    assert sorted(failure.ran) == ["03", "06"]
    text = str(failure)
    assert "broken 04" in text and "05 (needs 04)" in text and "stages that ran: 03, 06" in text
    manifest = json.loads((project / "reports" / "default" / "manifest.json").read_text())
    assert manifest["failed"] == ["04"] and manifest["blocked"] == {"05": ["04"]}
    assert {"03", "06"} <= set(manifest["stages"]) and "05" not in manifest["stages"]


# ------------------------------------------------------------------------------ profile values


@pytest.fixture
def real_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from conftest import copy_project

    root = copy_project(tmp_path / "real")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    return root


def test_year_is_checked_against_the_demo_years(real_project: Path):
    (real_project / "config" / "future.yaml").write_text("extends: default\nyear: 2030\n")
    with pytest.raises(ProfileError) as caught:
        pipeline.preflight(load_profile("future"))
    message = str(caught.value)
    assert "year 2030 is not in the demo data set" in message
    assert "2015, 2016, 2017, 2018, 2019, 2020, 2021" in message and "int16" not in message
    assert not (real_project / "data" / "raw" / "demo").exists(), "nothing written"


def test_year_is_checked_against_the_processed_data_when_stage_01_does_not_run(
    real_project: Path,
):
    import pandas as pd

    processed = real_project / "data" / "processed" / "mine"
    processed.mkdir(parents=True)
    years = pd.Series([2019, 2020, 2020], dtype="int16")
    pd.DataFrame({"year": years}).to_parquet(processed / "trade.parquet")
    user = real_project / "data" / "raw" / "mine"
    user.mkdir(parents=True)
    (user / "a.csv").write_text("x\n")
    (real_project / "config" / "mine.yaml").write_text(
        "extends: default\nraw_dir: data/raw/mine\nyear: 2021\n"
        "experts_file: null\nimplementation_file: null\n"
    )
    stages = pipeline.select_stages(["02", "03"], real_project)
    with pytest.raises(
        ProfileError, match=r"year 2021 is not in .*trade.parquet; years there: 2019, 2020$"
    ):
        pipeline.preflight(load_profile("mine"), stages)
    # with stage 01 in the run the years are not known yet: checked once it has read the files
    assert pipeline.preflight(load_profile("mine")).years is None


def test_code_level_rejection_suggests_hs_digits_not_skip_invalid():
    from exportlab.io.quality import REASONS

    error = (
        f"IngestError: a.csv, line 2, column tnved: expected {REASONS['code_level']}, got '8802'"
    )
    hinted = pipeline._code_level_hint(STAGE["01"], {"hs_digits": 6}, error)
    assert "hs_digits = 6" in hinted and "hs_digits: 4" in hinted and "drop every" in hinted
    assert pipeline._code_level_hint(STAGE["02"], {}, error) == error
