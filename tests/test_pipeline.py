"""The pipeline runner: ordering, caching, failure handling, and a full run on the seminar profile."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import copy_project

from exportlab import pipeline
from exportlab.pipeline import STAGES, StageFailed, run, select_stages

REPO = Path(__file__).resolve().parents[1]


def _write_notebook(path: Path, parameters: str, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    param_cell = nbformat.v4.new_code_cell(parameters)
    param_cell.metadata["tags"] = ["parameters"]
    nb.cells = [param_cell, *(nbformat.v4.new_code_cell(c) for c in cells)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project whose stage 02 notebook copies its input and writes a figure file."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "default.yaml").write_text("demo: false\n")
    (tmp_path / "data" / "processed").mkdir(parents=True)
    (tmp_path / "data" / "processed" / "trade.parquet").write_bytes(b"input v1")
    _write_notebook(
        tmp_path / "notebooks" / "02_hightech_classification.ipynb",
        'lang = "en"\nscale = 1\nfail = False',
        "from exportlab import paths",
        "data = (paths.processed_dir() / 'trade.parquet').read_bytes()",
        "(paths.figures_dir() / 'hightech_test.png').write_bytes(data * scale)",
        "assert not fail, 'asked to fail'",
    )
    monkeypatch.setenv("EXPORTLAB_ROOT", str(tmp_path))
    # the package's own files may change while the tests run (editable install): fix its hash
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    return tmp_path


def test_stage_table_is_ordered_and_names_existing_notebook_files():
    assert [s.id for s in STAGES] == sorted(s.id for s in STAGES)
    assert all(s.notebook.startswith(s.id + "_") for s in STAGES)


def test_select_stages_by_id_or_name():
    stages = select_stages(["2", "02_hightech_classification"], REPO)
    assert [s.id for s in stages] == ["02"]
    with pytest.raises(ValueError, match="unknown stage"):
        select_stages(["99"], REPO)


def test_cache_skips_unchanged_and_reruns_on_changes(project: Path):
    messages: list[str] = []
    first = run("default", progress=False, log=messages.append)
    assert first["stages"]["02"]["cache_hit"] is False
    assert (project / "figures" / "hightech_test.png").read_bytes() == b"input v1"
    assert (project / "reports" / "02_hightech_classification.html").exists()
    assert (project / "reports" / "02_hightech_classification.ipynb").exists()

    second = run("default", progress=False, log=messages.append)
    assert second["stages"]["02"]["cache_hit"] is True
    assert any("unchanged, skipped" in m for m in messages)

    (project / "config" / "twice.yaml").write_text("demo: false\nscale: 2\n")
    third = run("twice", progress=False, log=messages.append)
    assert third["stages"]["02"]["cache_hit"] is False
    assert (project / "figures" / "hightech_test.png").read_bytes() == b"input v1input v1"

    (project / "data" / "processed" / "trade.parquet").write_bytes(b"input v2")
    fourth = run("twice", progress=False, log=messages.append)
    assert fourth["stages"]["02"]["cache_hit"] is False

    forced = run("twice", force=True, progress=False, log=messages.append)
    assert forced["stages"]["02"]["cache_hit"] is False
    manifest = json.loads((project / "reports" / "manifest.json").read_text())
    assert manifest["profile"] == "twice"
    assert manifest["stages"]["02"]["parameters"] == {"scale": 2}
    assert "data/processed/trade.parquet" in manifest["stages"]["02"]["inputs"]
    assert "pandas" in manifest["packages"]


def test_deleted_output_makes_the_stage_run_again(project: Path):
    run("default", progress=False, log=lambda m: None)
    (project / "figures" / "hightech_test.png").unlink()
    again = run("default", progress=False, log=lambda m: None)
    assert again["stages"]["02"]["cache_hit"] is False


def test_failing_stage_names_the_cell_and_keeps_earlier_outputs(project: Path):
    run("default", progress=False, log=lambda m: None)
    good_report = (project / "reports" / "02_hightech_classification.ipynb").read_bytes()
    (project / "data" / "processed" / "trade.parquet").write_bytes(b"new input")
    (project / "config" / "failing.yaml").write_text("demo: false\nfail: true\n")
    with pytest.raises(StageFailed) as caught:
        run("failing", progress=False, log=lambda m: None)
    message = str(caught.value)
    assert "02_hightech_classification.ipynb" in message
    assert "cell 5" in message and "asked to fail" in message
    # The figure written before the failing cell was rolled back to the earlier good one.
    assert (project / "figures" / "hightech_test.png").read_bytes() == b"input v1"
    assert (project / "reports" / "02_hightech_classification.ipynb").read_bytes() == good_report
    assert (project / "reports" / "02_hightech_classification.failed.ipynb").exists()
    manifest = json.loads((project / "reports" / "manifest.json").read_text())
    assert manifest["failed"] == ["02"]
    assert [p.name for p in (project / "reports").iterdir() if p.name.startswith(".")] == [
        ".runner"
    ]
    assert [p.name for p in (project / "reports" / ".runner").iterdir()] == ["lock"]


def test_cell_running_past_the_timeout_fails_its_stage(project: Path):
    _write_notebook(
        project / "notebooks" / "02_hightech_classification.ipynb",
        'lang = "en"\nnap = 0',
        "import time",
        "time.sleep(nap)",
    )
    (project / "config" / "slow.yaml").write_text("demo: false\nnap: 60\ncell_timeout: 3\n")
    with pytest.raises(StageFailed) as caught:
        run("slow", progress=False, jobs=1, log=lambda m: None)
    message = str(caught.value)
    assert "CellTimeoutError" in message and "after 3 seconds" in message
    assert "time.sleep(nap)" in message  # the cell that ran too long


def test_cli_reports_unknown_profile_key(project: Path, capsys: pytest.CaptureFixture[str]):
    from exportlab.cli import main

    (project / "config" / "typo.yaml").write_text("scael: 2\n")
    assert main(["run", "--profile", "typo", "--quiet"]) == 2
    assert "unknown parameter 'scael'" in capsys.readouterr().err


# ------------------------------------------------------------------ the real pipeline, seminar profile


def _outputs(root: Path) -> dict[str, bytes]:
    files = [
        *root.glob("data/processed/*"),
        *root.glob("figures/*"),
        *root.glob("reports/tables/*"),
    ]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files if p.is_file()}


@pytest.mark.slow
def test_seminar_pipeline_runs_every_stage_and_is_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    first_root = copy_project(tmp_path / "first")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(first_root))
    # the package's files may change while the run goes on (editable install): fix its hash
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    manifest = run("seminar", progress=False, log=lambda m: None)
    stages = pipeline.available_stages(first_root)
    assert stages and set(manifest["stages"]) == {s.id for s in stages}
    for stage in stages:
        assert (first_root / "reports" / f"{stage.name}.html").stat().st_size > 10_000
        assert manifest["stages"][stage.id]["outputs"], f"stage {stage.id} wrote nothing"
    assert (first_root / "data" / "processed" / "trade.parquet").exists()
    assert list((first_root / "figures").glob("*.png")), "no figures"
    assert json.loads((first_root / "data" / "processed" / "provenance.json").read_text())[
        "synthetic"
    ]

    repeat = run("seminar", progress=False, log=lambda m: None)
    assert all(s["cache_hit"] for s in repeat["stages"].values())

    # a product names file reruns stage 07 only, and its table shows the names
    chapters = "".join(f"{c:02d};Глава {c:02d}\n" for c in range(1, 98))
    (first_root / "data" / "raw" / "names.csv").write_text("code;name_ru\n" + chapters)
    (first_root / "config" / "names.yaml").write_text(
        "extends: seminar\nproduct_names_file: data/raw/names.csv\n"
    )
    named = run("names", progress=False, log=lambda m: None)
    # stages 07 and 08 name products; no other stage reads the names file
    assert [k for k, s in named["stages"].items() if not s["cache_hit"]] == ["07", "08"]
    (table,) = (first_root / "reports" / "tables").glob("smart_opportunities_*.csv")
    opportunities = pd.read_csv(table)
    assert opportunities["Товар"].str.fullmatch("Глава [0-9]{2}").all()
    run("seminar", progress=False, log=lambda m: None)  # back to the seminar's own outputs

    second_root = copy_project(tmp_path / "second")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(second_root))
    run("seminar", progress=False, log=lambda m: None)
    first, second = _outputs(first_root), _outputs(second_root)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"not byte-identical: {differing}"


def test_runs_on_this_interpreter_even_if_a_python3_kernelspec_is_broken(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A user's ``python3`` kernelspec pointing elsewhere must not hijack the pipeline."""
    kernels = tmp_path / "jupyter-data" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {"argv": ["/nonexistent/python", "-f", "{connection_file}"], "language": "python"}
        )
    )
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # user kernels first, as outside a venv
    manifest = run("default", progress=False, jobs=1, log=lambda m: None)
    assert manifest["stages"]["02"]["cache_hit"] is False
