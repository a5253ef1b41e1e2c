"""The runner's kernels: the next stage's kernel starts (and imports) while the current stage runs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from test_pipeline import _scratch_project, _write_notebook

from exportlab import kernels, pipeline
from exportlab.config import load_profile
from exportlab.pipeline import run

REPO = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("import os  # prose, not code"))
    nbformat.write(nb, path)
    return path


def test_notebook_imports_are_the_top_level_import_statements_in_order(tmp_path: Path):
    path = _notebook(
        tmp_path / "x.ipynb",
        'lang = "en"',
        "import pandas as pd\nfrom exportlab import daed, paths\nx = 1",
        "%matplotlib inline\nimport math",  # a magic: the cell does not parse, it is passed over
        "from __future__ import annotations\nimport pandas as pd\nif x:\n    import json",
        "from exportlab.plot import style as s",
    )
    assert kernels.notebook_imports(path) == [
        "import pandas as pd",
        "from exportlab import daed, paths",
        "from exportlab.plot import style as s",
    ]
    assert kernels.notebook_imports(tmp_path / "missing.ipynb") == []


def test_warm_code_imports_each_statement_on_its_own_and_leaves_no_name(tmp_path: Path):
    first = _notebook(tmp_path / "a.ipynb", "import json\nimport no_such_module_here")
    second = _notebook(tmp_path / "b.ipynb", "import json\nfrom fractions import Fraction")
    code = kernels.warm_code([first, second])
    namespace: dict = {}
    exec(code, namespace)  # the missing module is the notebook's own cell to report
    assert set(namespace) == {"__builtins__"}
    assert code.count("import json") == 1 and "from fractions import Fraction" in code
    assert kernels.warm_code([]) == ""


def test_warm_code_also_loads_what_package_modules_load_on_first_use(tmp_path: Path):
    tables = _notebook(tmp_path / "t.ipynb", "from exportlab import paths, tables")
    code = kernels.warm_code([tables])
    assert all(statement in code for statement in kernels.FIRST_USE["exportlab.tables"])
    plain = kernels.warm_code([_notebook(tmp_path / "p.ipynb", "from exportlab import paths")])
    assert "openpyxl" not in plain


def test_the_seminar_warms_each_next_stage_and_nothing_after_the_last(monkeypatch):
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    profile = load_profile("seminar")
    selected = pipeline.select_stages(["01", "02", "04"], REPO)
    state = pipeline._Run(
        profile, selected, REPO, force=True, progress=False, jobs=2, log=print, show_code=None
    )
    warmed = []
    for stage in selected:  # a chain: each stage starts when the one before is done
        state.pending.remove(stage)
        warmed.append(state._warm_for(stage))
        state.done.add(stage.id)
    assert warmed == [
        ("02_hightech_classification.ipynb",),
        ("04_daed_index_clusters.ipynb",),
        (),
    ]
    assert state.spares == 0  # none is left to start for nothing


def test_parallel_stages_get_one_spare_each_at_most(monkeypatch):
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    profile = load_profile("default")
    selected = pipeline.select_stages(None, REPO)
    state = pipeline._Run(
        profile, selected, REPO, force=True, progress=False, jobs=2, log=print, show_code=None
    )
    started = 0
    for stage in list(selected):
        state.pending.remove(stage)
        if state._warm_for(stage):
            started += 1
        state.done.add(stage.id)
    # one per stage that follows another (all but the first), never one for no stage
    assert started == len(selected) - 1 and state.spares == 0


# ------------------------------------------------------------------ with kernels


def _kernel_children() -> list[int]:
    """Ipykernel processes whose parent is this process."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"ipykernel_launcher" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _stage_notebook(root: Path, notebook: str, table: str) -> None:
    """A stage that says whether its imports were loaded before its first cell ran."""
    _write_notebook(
        root / "notebooks" / notebook,
        'lang = "en"',
        "import os, sys\n"
        "loaded = 'exportlab.demo' in sys.modules and 'fractions' in sys.modules\n"
        "from exportlab import paths",
        "import fractions\nfrom exportlab import demo",
        f"(paths.tables_dir() / '{table}').write_text(f'{{loaded}},{{os.getpid()}}')",
    )


@pytest.fixture
def fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project of three stages: 02, then 03 and 06 (both need only 02)."""
    root = _scratch_project(tmp_path / "project", b"v1")
    _write_notebook(
        root / "notebooks" / "02_hightech_classification.ipynb",
        'lang = "en"',
        "from exportlab import paths",
        "data = paths.processed_file('trade.parquet').read_bytes()\n"
        "(paths.processed_dir() / 'trade_classified.parquet').write_bytes(data)",
    )
    _stage_notebook(root, "03_trajectory_tables.ipynb", "trajectory_x.csv")
    _stage_notebook(root, "06_export_standard_scorecard.ipynb", "scorecard_x.csv")
    monkeypatch.setenv("EXPORTLAB_ROOT", str(root))
    monkeypatch.setattr(pipeline, "package_hash", lambda: "package")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_later_stages_run_on_kernels_that_started_and_imported_before_them(fork: Path, jobs: int):
    manifest = run("default", progress=False, jobs=jobs, log=lambda m: None)
    assert manifest["jobs"] == jobs  # 03 and 06 can run at once
    assert not any(manifest["stages"][s]["cache_hit"] for s in ("02", "03", "06"))
    tables = fork / "reports" / "default" / "tables"
    loaded = {}
    for stage, name in (("03", "trajectory_x.csv"), ("06", "scorecard_x.csv")):
        flag, _ = (tables / name).read_text().split(",")
        loaded[stage] = flag == "True"
        executed = json.loads(
            (
                fork / "reports" / "default" / f"{pipeline.STAGES[int(stage) - 1].name}.ipynb"
            ).read_text()
        )
        counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), "the warm-up is outside the history"
    if jobs == 1:  # one after the other: each found its kernel started while the one before ran
        assert loaded == {"03": True, "06": True}
    else:  # at once: the one that came to the worker holding the spare kernel
        assert any(loaded.values())
    assert kernels.SPARE.manager is None and not _kernel_children(), "a kernel outlived the run"
    assert [p.name for p in (fork / "reports" / ".runner").iterdir()] == ["lock"]
    again = run("default", progress=False, jobs=jobs, log=lambda m: None)
    assert all(again["stages"][s]["cache_hit"] for s in ("02", "03", "06"))


@pytest.mark.slow
def test_a_chain_of_stages_runs_in_this_process(fork: Path):
    (fork / "notebooks" / "06_export_standard_scorecard.ipynb").unlink()
    manifest = run("default", progress=False, jobs=2, log=lambda m: None)
    assert manifest["jobs"] == 1  # 02 then 03: no worker process to start
    flag, pid = (
        (fork / "reports" / "default" / "tables" / "trajectory_x.csv").read_text().split(",")
    )
    assert flag == "True" and int(pid) != os.getpid()
    assert not _kernel_children()


@pytest.mark.slow
def test_a_failing_stage_leaves_no_kernel_behind(fork: Path):
    notebook = fork / "notebooks" / "02_hightech_classification.ipynb"
    notebook.write_text(notebook.read_text().replace("read_bytes()", "read_bytes() + broken"))
    with pytest.raises(pipeline.RunFailed):
        run("default", progress=False, jobs=1, log=lambda m: None)
    assert kernels.SPARE.manager is None and not _kernel_children()
    assert [p.name for p in (fork / "reports" / ".runner").iterdir()] == ["lock"]


@pytest.mark.slow
def test_a_spare_kernel_is_handed_over_once_its_imports_have_run(tmp_path: Path):
    """The kernel answers requests while its warm-up runs: without waiting for it, the notebook's
    first cell would wait (and count that against ``cell_timeout``)."""
    (tmp_path / "slow_module.py").write_text("import time\ntime.sleep(3)\n")  # a slow import
    spare = kernels.SpareKernel()
    spare.prepare(tmp_path, [_notebook(tmp_path / "x.ipynb", "import slow_module")])
    started = time.monotonic()
    manager = spare.take(tmp_path)
    try:
        assert manager is not None and spare.manager is None
        assert time.monotonic() - started > 1.5, "handed over before its imports had run"
        client = manager.blocking_client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        started = time.monotonic()
        reply = client.execute_interactive(
            "import sys\nassert 'slow_module' in sys.modules", store_history=False, timeout=60
        )
        assert reply["content"]["status"] == "ok" and time.monotonic() - started < 1.5
        client.stop_channels()
    finally:
        if manager is not None:
            kernels.shutdown_kernel(manager, now=True)
    assert not _kernel_children()


@pytest.mark.slow
def test_a_spare_kernel_of_another_profile_is_not_used(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EXPORTLAB_PROFILE", "seminar")
    spare = kernels.SpareKernel()
    spare.prepare(tmp_path)
    monkeypatch.setenv("EXPORTLAB_PROFILE", "default")
    assert spare.take(tmp_path) is None and spare.manager is None
    assert not _kernel_children()


def test_kernels_of_a_run_know_they_are_batch(monkeypatch):
    """The runner's kernels see EXPORTLAB_BATCH (no live widgets to build); outside a run it is unset."""
    from exportlab import paths
    from exportlab.pipeline import _profile_env

    monkeypatch.delenv(paths.BATCH_ENV, raising=False)
    assert not paths.batch_run()
    with _profile_env("seminar", "screen"):
        assert paths.batch_run() and os.environ[paths.BATCH_ENV] == "1"
        assert (
            paths.BATCH_ENV in kernels.ENVIRONMENT
        )  # a spare kernel started outside a run is not used
    assert not paths.batch_run()
