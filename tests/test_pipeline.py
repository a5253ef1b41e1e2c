"""The pipeline runner: ordering, caching, failure handling, and a full run on the seminar profile."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import copy_project
from test_reports import check_report

from exportlab import pipeline
from exportlab.pipeline import StageFailed, run, select_stages
from exportlab.stages import STAGES

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


def _scratch_project(root: Path, trade: bytes) -> Path:
    """An empty project at ``root`` (no demo) whose default tree holds ``trade.parquet`` = ``trade``."""
    (root / "config").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "config" / "default.yaml").write_text("demo: false\n")
    (root / "data" / "processed" / "default").mkdir(parents=True)
    (root / "data" / "processed" / "default" / "trade.parquet").write_bytes(trade)
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project whose stage 02 notebook copies its input and writes a figure file."""
    _scratch_project(tmp_path, b"input v1")
    _write_notebook(
        tmp_path / "notebooks" / "02_hightech_classification.ipynb",
        'lang = "en"\nscale = 1\nfail = False\nname = "test"',
        "from exportlab import paths",
        "data = paths.processed_file('trade.parquet').read_bytes()",
        "(paths.figures_dir() / f'hightech_{name}.png').write_bytes(data * scale)",
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


@pytest.mark.slow
def test_cache_skips_unchanged_and_reruns_on_changes(project: Path):
    messages: list[str] = []
    first = run("default", progress=False, log=messages.append)
    assert first["stages"]["02"]["cache_hit"] is False
    assert (project / "figures" / "default" / "hightech_test.png").read_bytes() == b"input v1"
    assert (project / "reports" / "default" / "02_hightech_classification.html").exists()
    assert (project / "reports" / "default" / "02_hightech_classification.ipynb").exists()

    second = run("default", progress=False, log=messages.append)
    assert second["stages"]["02"]["cache_hit"] is True
    assert any("unchanged, skipped" in m for m in messages)

    (project / "config" / "default.yaml").write_text("demo: false\nscale: 2\n")
    third = run("default", progress=False, log=messages.append)
    assert third["stages"]["02"]["cache_hit"] is False
    figure = project / "figures" / "default" / "hightech_test.png"
    assert figure.read_bytes() == b"input v1input v1"

    (project / "data" / "processed" / "default" / "trade.parquet").write_bytes(b"input v2")
    fourth = run("default", progress=False, log=messages.append)
    assert fourth["stages"]["02"]["cache_hit"] is False

    forced = run("default", force=True, progress=False, log=messages.append)
    assert forced["stages"]["02"]["cache_hit"] is False
    manifest = json.loads((project / "reports" / "default" / "manifest.json").read_text())
    assert manifest["profile"] == "default"
    assert manifest["stages"]["02"]["parameters"] == {"scale": 2}
    assert "data/processed/default/trade.parquet" in manifest["stages"]["02"]["inputs"]
    assert "pandas" in manifest["packages"]


@pytest.mark.slow
def test_each_profile_has_its_own_output_tree_manifest_and_index(project: Path):
    (project / "config" / "twice.yaml").write_text("demo: false\nscale: 2\n")
    (project / "data" / "processed" / "twice").mkdir()
    (project / "data" / "processed" / "twice" / "trade.parquet").write_bytes(b"other data")
    run("default", progress=False, log=lambda m: None)
    twice = run("twice", progress=False, log=lambda m: None)
    assert twice["stages"]["02"]["cache_hit"] is False
    figures = project / "figures"
    assert (figures / "default" / "hightech_test.png").read_bytes() == b"input v1"
    assert (figures / "twice" / "hightech_test.png").read_bytes() == b"other data" * 2
    assert not list(figures.glob("*.png")) and not (project / "reports" / "manifest.json").exists()
    default = json.loads((project / "reports" / "default" / "manifest.json").read_text())
    assert (
        default["profile"] == "default"
        and "parameters" not in default["stages"]["02"]
        or (default["stages"]["02"]["parameters"] == {})
    )
    index = (project / "reports" / "twice" / "index.html").read_text(encoding="utf-8")
    assert 'href="02_hightech_classification.html"' in index
    assert 'src="../../figures/twice/hightech_test.png"' in index
    assert "scale" in index and "ran in" in index
    again = run("default", progress=False, log=lambda m: None)
    assert again["stages"]["02"]["cache_hit"] is True  # the other profile's run changed nothing


@pytest.mark.slow
def test_a_run_removes_what_it_no_longer_writes_but_never_a_users_file(project: Path):
    mine = project / "figures" / "default" / "hightech_mine.png"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"the user's own file")
    first = run("default", progress=False, log=lambda m: None)
    assert set(first["stages"]["02"]["outputs"]) == {"figures/default/hightech_test.png"}
    (project / "config" / "default.yaml").write_text("demo: false\nname: renamed\n")
    run("default", progress=False, log=lambda m: None)
    figures = sorted(p.name for p in mine.parent.iterdir())
    assert figures == ["hightech_mine.png", "hightech_renamed.png"]
    assert mine.read_bytes() == b"the user's own file"


@pytest.mark.slow
def test_deleted_output_makes_the_stage_run_again(project: Path):
    run("default", progress=False, log=lambda m: None)
    (project / "figures" / "default" / "hightech_test.png").unlink()
    again = run("default", progress=False, log=lambda m: None)
    assert again["stages"]["02"]["cache_hit"] is False


@pytest.mark.slow
def test_reports_hide_code_unless_asked(project: Path):
    run("default", progress=False, log=lambda m: None)
    report = project / "reports" / "default" / "02_hightech_classification.html"
    html = report.read_text(encoding="utf-8")
    assert "read_bytes" not in html and "Parameters of this run" in html
    again = run("default", progress=False, log=lambda m: None, show_code=True)
    assert again["stages"]["02"]["cache_hit"] is True  # re-rendered, not re-run
    assert "read_bytes" in report.read_text(encoding="utf-8")


def test_a_notebook_opened_before_its_inputs_exist_says_which_stages_to_run(project: Path):
    from exportlab import paths

    with pytest.raises(paths.MissingInput) as caught:
        paths.processed_file("daed.parquet")
    assert str(caught.value).startswith(
        'data/processed/default/daed.parquet is missing: run `make run STAGES="01 02 04"`'
    )
    with pytest.raises(FileNotFoundError, match=r"PROFILE=seminar"):
        paths.processed_file("trade_classified.parquet", "seminar")
    assert paths.processed_file("trade.parquet").name == "trade.parquet"


@pytest.mark.slow
def test_failing_stage_names_the_cell_and_keeps_earlier_outputs(project: Path):
    run("default", progress=False, log=lambda m: None)
    reports = project / "reports" / "default"
    good_report = (reports / "02_hightech_classification.ipynb").read_bytes()
    (project / "data" / "processed" / "default" / "trade.parquet").write_bytes(b"new input")
    (project / "config" / "default.yaml").write_text("demo: false\nfail: true\n")
    with pytest.raises(StageFailed) as caught:
        run("default", progress=False, log=lambda m: None)
    message = str(caught.value)
    assert "02_hightech_classification.ipynb" in message
    assert "cell 5" in message and "asked to fail" in message
    # The figure written before the failing cell was rolled back to the earlier good one.
    assert (project / "figures" / "default" / "hightech_test.png").read_bytes() == b"input v1"
    assert (reports / "02_hightech_classification.ipynb").read_bytes() == good_report
    assert (reports / "02_hightech_classification.failed.ipynb").exists()
    manifest = json.loads((reports / "manifest.json").read_text())
    assert manifest["failed"] == ["02"]
    entry = manifest["stages"]["02"]  # never a cache hit: the kept outputs, to run again
    assert entry["failed"] is True and "cache_key" not in entry and not entry["cache_hit"]
    assert "failed" in (reports / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in (project / "reports").iterdir() if p.name.startswith(".")] == [
        ".runner"
    ]
    assert [p.name for p in (project / "reports" / ".runner").iterdir()] == ["lock"]


@pytest.mark.slow
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


def _outputs(root: Path, tree: str = "seminar") -> dict[str, bytes]:
    files = [
        *root.glob(f"data/processed/{tree}/*"),
        *root.glob(f"figures/{tree}/*"),
        *root.glob(f"reports/{tree}/tables/*"),
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
    every = [s.id for s in STAGES]  # the seminar runs its lesson's stages unless others are named
    manifest = run("seminar", every, progress=False, log=lambda m: None)
    stages = pipeline.available_stages(first_root)
    assert stages and set(manifest["stages"]) == {s.id for s in stages}
    reports = first_root / "reports" / "seminar"
    for stage in stages:
        assert (reports / f"{stage.name}.html").stat().st_size > 10_000
        assert manifest["stages"][stage.id]["outputs"], f"stage {stage.id} wrote nothing"
        # a report for readers: figures inline, no code, no leaked paths or tracebacks
        check_report(reports / f"{stage.name}.html")
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{s.name}.html"' in index for s in stages) and "<img" in index
    processed = first_root / "data" / "processed" / "seminar"
    assert (processed / "trade.parquet").exists()
    assert list((first_root / "figures" / "seminar").glob("*.png")), "no figures"
    assert json.loads((processed / "provenance.json").read_text())["synthetic"]

    repeat = run("seminar", every, progress=False, log=lambda m: None)
    assert all(s["cache_hit"] for s in repeat["stages"].values())

    # a product names file reruns stage 07 only, and its table shows the names
    chapters = "".join(f"{c:02d};Глава {c:02d}\n" for c in range(1, 98))
    (first_root / "data" / "raw" / "names.csv").write_text("code;name_ru\n" + chapters)
    seminar = first_root / "config" / "seminar.yaml"
    own = seminar.read_text(encoding="utf-8")
    seminar.write_text(own + "product_names_file: data/raw/names.csv\n", encoding="utf-8")
    named = run("seminar", every, progress=False, log=lambda m: None)
    # stages 07 and 08 name products; no other stage reads the names file
    assert [k for k, s in named["stages"].items() if not s["cache_hit"]] == ["07", "08"]
    (table,) = (reports / "tables").glob("smart_opportunities_*.csv")
    opportunities = pd.read_csv(table)
    assert opportunities["Товар"].str.fullmatch("Глава [0-9]{2}").all()
    seminar.write_text(own, encoding="utf-8")
    back = run("seminar", every, progress=False, log=lambda m: None)  # the seminar's own outputs
    assert [k for k, s in back["stages"].items() if not s["cache_hit"]] == ["07", "08"]

    second_root = copy_project(tmp_path / "second")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(second_root))
    run("seminar", every, progress=False, log=lambda m: None)
    first, second = _outputs(first_root), _outputs(second_root)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"not byte-identical: {differing}"


@pytest.mark.slow
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
