"""The stage table and the runner: papermill execution, caching, atomic outputs and the manifest.

Each stage is a notebook with declared inputs and outputs (glob patterns relative to the project root).
:func:`run` executes the stages in order with papermill, passing each notebook the profile parameters it
declares. A stage is skipped when its cache key — notebook bytes, parameters, package code, input files —
is the one recorded in ``reports/manifest.json`` and its recorded outputs are still on disk unchanged;
``force=True`` runs it anyway. A failing stage restores the outputs it had before, keeps the previous
executed notebook, and raises :class:`StageFailed` naming the notebook and the cell.

>>> from exportlab.pipeline import run
>>> manifest = run("seminar")                       # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exportlab import __version__, paths
from exportlab.config import Profile, load_profile, notebook_parameters
from exportlab.io.writers import atomic_write_bytes, write_json

KERNEL_NAME = "python3"
REPORTED_PACKAGES = (
    "exportlab",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "duckdb",
    "pandera",
    "matplotlib",
    "seaborn",
    "geopandas",
    "shapely",
    "pyproj",
    "mapclassify",
    "scikit-learn",
    "statsmodels",
    "papermill",
    "nbconvert",
    "ipykernel",
)


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: a notebook and the files it reads and writes."""

    id: str
    notebook: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    title: str = ""
    after: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.notebook).stem


P = "data/processed/"
STAGES: tuple[Stage, ...] = (
    Stage(
        "01",
        "01_ingest.ipynb",
        inputs=("{raw_dir}/**/*",),
        outputs=(
            P + "trade.parquet",
            P + "trade_fine.parquet",
            P + "indicators.parquet",
            P + "quality*",
            P + "provenance.json",
            P + "regions.csv",
            "figures/ingest_*",
            "reports/tables/ingest_*",
        ),
        title="Ingestion",
        after=(),
    ),
    Stage(
        "02",
        "02_hightech_classification.ipynb",
        inputs=(P + "trade.parquet", P + "provenance.json", P + "regions.csv"),
        outputs=(P + "trade_classified.parquet", "figures/hightech_*", "reports/tables/hightech_*"),
        title="OECD high-tech and resource classification",
        after=("01",),
    ),
    Stage(
        "03",
        "03_trajectory_tables.ipynb",
        inputs=(P + "trade_classified.parquet", P + "provenance.json", P + "regions.csv"),
        outputs=("reports/tables/trajectory_*", "figures/trajectory_*"),
        title="High-tech export trajectory tables",
        after=("02",),
    ),
    Stage(
        "04",
        "04_daed_index_clusters.ipynb",
        inputs=(
            P + "trade_classified.parquet",
            P + "indicators.parquet",
            P + "provenance.json",
            P + "regions.csv",
            "{experts_file}",
        ),
        outputs=(
            P + "daed.parquet",
            "figures/daed_*",
            "reports/tables/daed_*",
            "reports/tables/types_*",
        ),
        title="DAED index and region types",
        after=("01", "02"),
    ),
    Stage(
        "05",
        "05_maps.ipynb",
        inputs=(
            P + "daed.parquet",
            P + "trade_classified.parquet",
            P + "provenance.json",
            P + "regions.csv",
        ),
        outputs=("figures/map_*",),
        title="Choropleth maps",
        after=("02", "04"),
    ),
    Stage(
        "06",
        "06_export_standard_scorecard.ipynb",
        inputs=(
            P + "trade_classified.parquet",
            P + "indicators.parquet",
            P + "provenance.json",
            P + "regions.csv",
            "{implementation_file}",
        ),
        outputs=(
            "reports/tables/scorecard_*",
            "reports/tables/kpi_*",
            "reports/tables/implementation_*",
            "reports/tables/reorientation_*",
            "reports/tables/diversification_*",
            "reports/tables/res_implementation_template*",
            "figures/scorecard_*",
            "figures/reorientation_*",
            "figures/diversification_*",
        ),
        title="Regional Export Standard scorecard",
        after=("01", "02"),
    ),
    Stage(
        "07",
        "07_smart_specialisation.ipynb",
        inputs=(
            P + "trade_classified.parquet",
            P + "indicators.parquet",
            P + "daed.parquet",
            P + "provenance.json",
            P + "regions.csv",
            "{proximity_file}",
            "{product_names_file}",
        ),
        outputs=("reports/tables/complexity_*", "reports/tables/smart_*", "figures/smart_*"),
        title="Smart specialisation",
        after=("01", "02", "04"),
    ),
)


def _current_interpreter_kernel_manager() -> type:
    """A kernel manager that starts ``sys.executable``'s ipykernel, ignoring registered kernelspecs.

    A ``python3`` kernelspec in the user's Jupyter folders may point at another Python without this
    package (papermill's best-known pitfall); the pipeline always runs on the interpreter running it.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class CurrentInterpreterKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[
                        sys.executable,
                        "-m",
                        "ipykernel_launcher",
                        "-f",
                        "{connection_file}",
                        "--IPKernelApp.log_level=CRITICAL",  # cell errors come in the notebook
                    ],
                    display_name=f"Python ({Path(sys.executable).parent.parent.name})",
                    language="python",
                    name=KERNEL_NAME,
                )
            return self._kernel_spec

    return CurrentInterpreterKernelManager


class StageFailed(RuntimeError):
    """A stage notebook raised: names the notebook, the cell and the error."""

    def __init__(self, stage: Stage, cell: str | None, error: str, executed: Path | None):
        self.stage, self.cell, self.error, self.executed = stage, cell, error, executed
        # no cell: the kernel did not start, died, or a cell ran past the time limit (the error
        # then quotes the cell)
        where = f", cell {cell}" if cell is not None else ""
        kept = f"; the executed notebook with the error is {executed}" if executed else ""
        super().__init__(
            f"stage {stage.id} failed: notebooks/{stage.notebook}{where}: {error}"
            f"{kept}; earlier outputs of this stage were kept"
        )

    def __reduce__(self):  # picklable across worker processes
        return (StageFailed, (self.stage, self.cell, self.error, self.executed))


def available_stages(root: Path | None = None) -> list[Stage]:
    """The stages whose notebook exists, in order."""
    root = root or paths.project_root()
    return [s for s in STAGES if (root / "notebooks" / s.notebook).exists()]


def select_stages(selection: Iterable[str] | None, root: Path | None = None) -> list[Stage]:
    """Stages named by id (``"04"``, ``"4"``) or notebook name; all available ones when empty."""
    stages = available_stages(root)
    if not selection:
        return stages
    wanted = []
    for item in selection:
        key = str(item).removesuffix(".ipynb")
        match = [s for s in stages if key in (s.id, s.id.lstrip("0"), s.name)]
        if not match:
            known = ", ".join(f"{s.id} ({s.name})" for s in stages)
            raise ValueError(f"unknown stage {item!r}; stages: {known}")
        wanted.extend(m for m in match if m not in wanted)
    return [s for s in stages if s in wanted]


# ---------------------------------------------------------------------------------------- hashing


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _expand(patterns: Iterable[str], root: Path, params: dict[str, Any]) -> list[Path]:
    """Files matching ``patterns``; ``{name}`` in a pattern is the value of parameter ``name``."""
    found: set[Path] = set()
    for pattern in patterns:
        names = re.findall(r"\{(\w+)\}", pattern)
        if any(params.get(name) in (None, "") for name in names):
            continue  # an optional file that is not set
        for name in names:
            pattern = pattern.replace("{" + name + "}", str(params[name]).rstrip("/"))
        base = Path(pattern)
        if base.is_absolute():
            anchor, rel = Path(base.anchor), str(base.relative_to(base.anchor))
        else:
            anchor, rel = root, pattern
        found.update(
            p
            for p in anchor.glob(rel)
            if p.is_file() and not p.name.startswith(".") and ".ipynb_checkpoints" not in p.parts
        )
    return sorted(found)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def file_hashes(files: Iterable[Path], root: Path) -> dict[str, str]:
    """``relative path -> sha256`` of ``files``."""
    return {_rel(f, root): _sha256(f) for f in files}


def package_hash() -> str:
    """One hash over the package's source and data files: a code change re-runs every stage."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".yaml", ".yml", ".json", ".md"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(
    stage: Stage, params: dict[str, Any], inputs: dict[str, str], code: str, root: Path
) -> str:
    """The hash that decides whether a stage must run again."""
    payload = {
        "notebook": _sha256(root / "notebooks" / stage.notebook),
        "params": params,
        "inputs": inputs,
        "code": code,
        "version": __version__,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# ---------------------------------------------------------------------------------------- running


def _package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in REPORTED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def _git_commit(root: Path) -> str | None:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("-dirty" if dirty else "")


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _backup(files: Sequence[Path], root: Path, backup_dir: Path) -> None:
    for path in files:
        target = backup_dir / _rel(path, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _restore(stage: Stage, params: dict[str, Any], root: Path, backup_dir: Path) -> None:
    for path in _expand(stage.outputs, root, params):
        path.unlink()
    for saved in (p for p in backup_dir.rglob("*") if p.is_file()):
        target = root / saved.relative_to(backup_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(saved, target)


def _failing_cell(executed: Path) -> tuple[str | None, str]:
    """The failing cell as ``"N (In [k])"``, N counted from 1 over the notebook's own cells."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, "the notebook could not be executed"
    position = 0
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        position += 1
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") == "error":
                count = cell.get("execution_count")
                label = f"{position} (In [{count}])" if count else str(position)
                return label, f"{output.get('ename')}: {output.get('evalue')}"
    return None, "unknown error"


def _write_html(executed: Path, target: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(executed, as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    atomic_write_bytes(body.encode("utf-8"), target)


def _dependents(stage_id: str, stages: Sequence[Stage]) -> set[str]:
    """Ids of the stages that depend on ``stage_id``, directly or through others."""
    found: set[str] = set()
    frontier = {stage_id}
    while frontier:
        frontier = {s.id for s in stages if set(s.after) & frontier} - found
        found |= frontier
    return found


def prepare_inputs(profile: Profile, log: Callable[[str], None] = print) -> None:
    """Write the synthetic demo data set into ``raw_dir`` when the profile asks for it and it is absent."""
    if not profile.runner("demo"):
        return
    raw_dir = paths.resolve(profile.params.get("raw_dir", "data/raw/demo"))
    if (raw_dir / "PROVENANCE.json").exists():
        return
    from exportlab import demo

    started = time.perf_counter()
    demo.write_demo(raw_dir, size=profile.runner("demo_size"), seed=profile.runner("demo_seed"))
    log(
        f"demo data written to {_rel(raw_dir, paths.project_root())} "
        f"({time.perf_counter() - started:.1f} s)"
    )


def execute_stage(
    stage: Stage,
    params: dict[str, Any],
    root: Path,
    *,
    progress: bool | dict = True,
    cell_timeout: float | None = None,
) -> list[Path]:
    """Run one stage notebook with papermill; return its output files. Raises :class:`StageFailed`.

    ``cell_timeout``: seconds a cell may run (``None``: no limit); a cell that runs longer, or a
    kernel that stops answering, fails the stage instead of leaving it waiting.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    reports = root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    before = _expand(stage.outputs, root, params)
    with tempfile.TemporaryDirectory(prefix=f".{stage.name}.", dir=reports) as scratch:
        scratch_dir = Path(scratch)
        backup_dir = scratch_dir / "backup"
        _backup(before, root, backup_dir)
        # A stage's outputs are exactly what its last successful run wrote: no stale files remain.
        for path in before:
            path.unlink()
        executed = scratch_dir / stage.notebook
        try:
            pm.execute_notebook(
                str(root / "notebooks" / stage.notebook),
                str(executed),
                parameters=params,
                kernel_name=KERNEL_NAME,
                language="python",
                cwd=str(root),
                progress_bar=progress,
                request_save_on_cell_execute=False,
                kernel_manager_class=_current_interpreter_kernel_manager(),
                execution_timeout=cell_timeout,
            )
        except (PapermillExecutionError, Exception) as exc:
            _restore(stage, params, root, backup_dir)
            failed = reports / f"{stage.name}.failed.ipynb"
            if executed.exists():
                os.replace(executed, failed)
                cell, error = _failing_cell(failed)
            else:
                failed, cell, error = None, None, f"{type(exc).__name__}: {exc}"
            if isinstance(exc, PapermillExecutionError):
                error = f"{exc.ename}: {exc.evalue}"
            raise StageFailed(stage, cell, error, failed) from None
        _write_html(executed, reports / f"{stage.name}.html")
        os.replace(executed, reports / stage.notebook)
        (reports / f"{stage.name}.failed.ipynb").unlink(missing_ok=True)
    return _expand(stage.outputs, root, params)


def run(
    profile: str | Path | Profile = "default",
    stages: Iterable[str] | None = None,
    *,
    force: bool = False,
    progress: bool = True,
    jobs: int | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the pipeline; return the manifest (also written to ``reports/manifest.json``).

    Stages run as soon as the stages they depend on (``Stage.after``) are done, up to ``jobs`` at a
    time in worker processes (default: the number of CPU cores, at most 4); ``jobs=1`` runs them one by
    one in order. A failing stage stops the stages that depend on it; the first failure is raised.
    """
    root = paths.project_root()
    os.environ["EXPORTLAB_ROOT"] = str(root)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    selected = select_stages(stages, root)
    jobs = max(1, min(jobs or os.cpu_count() or 1, 4))
    manifest_path = root / "reports" / "manifest.json"
    previous_stages = _read_manifest(manifest_path).get("stages", {})
    code = package_hash()
    started_all = time.perf_counter()
    manifest: dict[str, Any] = {
        "profile": profile.name,
        "profile_file": _rel(profile.path, root) if profile.path else None,
        "parameters": profile.params,
        "git_commit": _git_commit(root),
        "packages": _package_versions(),
        "platform": platform.platform(),
        "jobs": jobs,
        "stages": dict(previous_stages),
    }
    prepare_inputs(profile, log)
    timeout = profile.runner("cell_timeout")
    # Cell progress bars need a terminal; in logs (CI, pipes) the stage lines are the progress.
    progress = progress and sys.stderr.isatty()
    number = {stage.id: n for n, stage in enumerate(selected, start=1)}
    ids = set(number)
    downstream = {s.id: len(_dependents(s.id, selected)) for s in selected}

    def header(stage: Stage) -> str:
        return f"[{number[stage.id]}/{len(selected)}] stage {stage.id} {stage.name}"

    def plan(stage: Stage) -> tuple[dict[str, Any], dict[str, str], str] | None:
        """The stage's parameters, inputs and cache key; None when it can be skipped."""
        declared = notebook_parameters(root / "notebooks" / stage.notebook)
        params = {k: v for k, v in profile.params.items() if k in declared}
        inputs = file_hashes(_expand(stage.inputs, root, {**declared, **params}), root)
        key = cache_key(stage, params, inputs, code, root)
        old = previous_stages.get(stage.id, {})
        outputs_ok = bool(old.get("outputs")) and all(
            (root / rel).exists() and _sha256(root / rel) == digest
            for rel, digest in old.get("outputs", {}).items()
        )
        if not force and old.get("cache_key") == key and outputs_ok:
            log(f"{header(stage)}: unchanged, skipped")
            manifest["stages"][stage.id] = {**old, "cache_hit": True, "seconds": 0.0}
            return None
        return params, inputs, key

    def record(stage: Stage, planned: tuple, outputs: list[Path], seconds: float) -> None:
        params, inputs, key = planned
        log(f"{header(stage)}: done in {seconds:.1f} s")
        manifest["stages"][stage.id] = {
            "notebook": f"notebooks/{stage.notebook}",
            "report": f"reports/{stage.name}.html",
            "parameters": params,
            "inputs": inputs,
            "outputs": file_hashes(outputs, root),
            "cache_key": key,
            "cache_hit": False,
            "seconds": round(seconds, 2),
        }

    failure: StageFailed | None = None
    pending = list(selected)
    done: set[str] = set()
    executor = None
    running: dict[Any, tuple[Stage, tuple, float, int]] = {}
    try:
        while pending or running:
            ready = (
                [s for s in pending if all(d in done or d not in ids for d in s.after)]
                if failure is None
                else []
            )
            # Stages that others wait for go first (the critical path), then in stage order.
            ready.sort(key=lambda s: -downstream[s.id])
            for stage in ready:
                if len(running) >= jobs:
                    break
                pending.remove(stage)
                planned = plan(stage)
                if planned is None:
                    done.add(stage.id)
                    continue
                log(f"{header(stage)}: running")
                started = time.perf_counter()
                slot = min(set(range(jobs)) - {r[3] for r in running.values()}, default=0)
                bar = {"desc": f"stage {stage.id}", "position": slot, "leave": False}
                if jobs == 1:
                    try:
                        outputs = execute_stage(
                            stage, planned[0], root, progress=progress and bar, cell_timeout=timeout
                        )
                    except StageFailed as exc:
                        failure = exc
                        break
                    record(stage, planned, outputs, time.perf_counter() - started)
                    done.add(stage.id)
                    continue
                if executor is None:
                    executor = ProcessPoolExecutor(
                        max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
                    )
                future = executor.submit(
                    execute_stage,
                    stage,
                    planned[0],
                    root,
                    progress=progress and bar,
                    cell_timeout=timeout,
                )
                running[future] = (stage, planned, started, slot)
            if not running:
                if failure is not None or not pending:
                    break
                if not any(all(d in done or d not in ids for d in s.after) for s in pending):
                    break
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                stage, planned, started, _ = running.pop(future)
                try:
                    outputs = future.result()
                except StageFailed as exc:
                    failure = failure or exc
                    continue
                record(stage, planned, outputs, time.perf_counter() - started)
                done.add(stage.id)
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
    manifest["run"] = {
        "stages": [s.id for s in selected],
        "ran": [
            s.id for s in selected if s.id in done and not manifest["stages"][s.id].get("cache_hit")
        ],
    }
    manifest["total_seconds"] = round(time.perf_counter() - started_all, 2)
    if failure is not None:
        manifest["stages"].pop(failure.stage.id, None)
        manifest["failed"] = failure.stage.id
        write_json(manifest, manifest_path)
        raise failure
    write_json(manifest, manifest_path)
    return manifest
